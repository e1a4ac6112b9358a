// Serialises EDIFACT segments with correct escaping for any separator set.
//
// The writer appends to a caller-owned std::string, escapes every service character inside a
// value with the release character, and never writes a trailing separator (empty trailing
// components and elements are dropped when the segment ends, ISO 9735 §7 / 0085 code 45).
//
//   std::string out;
//   apipnr::edifact::writer w(out, apipnr::edifact::delimiters::defaults_v4());
//   w.una();
//   w.begin("UNB").element("UNOA").component("4").element("SENDER")...;
//   w.end();                       // writes the terminator
//
// Errors: a value that contains a service character cannot be written faithfully when the
// delimiters declare no release character; it is then written unescaped and `end()` returns
// errc::invalid_character, so callers must pick delimiters with a release character for
// arbitrary data.
//
// Thread safety: one writer per output string; not synchronised.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <boost/system/error_code.hpp>

#include "apipnr/edifact/delimiters.hpp"
#include "apipnr/edifact/errc.hpp"
#include "apipnr/edifact/interchange.hpp"

namespace apipnr::edifact {

// Appends `value` to `out`, preceding every service character with the release character.
// Returns false (and appends the value unescaped) when an escape is needed but `d` has no
// release character.
bool escape(std::string_view value, const delimiters& d, std::string& out);

class writer {
 public:
  writer(std::string& out, const delimiters& d) noexcept : out_(out), d_(d) {}

  // Writes the nine-character UNA service string advice for the writer's delimiters.
  writer& una();
  // Starts a segment. A segment still open is ended first.
  writer& begin(std::string_view tag);
  // Starts a new data element whose first component is `value` (escaped).
  writer& element(std::string_view value = {});
  // Adds a component to the current element (starts the first element when none is open).
  writer& component(std::string_view value);
  // Starts a new repetition of the current element (syntax v4); requires has_repetition,
  // otherwise nothing is written and `end()` returns errc::repetition_separator_in_v3.
  writer& repetition(std::string_view value = {});
  // Writes an already-escaped element as is (e.g. one copied from a parsed segment with the
  // same delimiters).
  writer& raw_element(std::string_view raw);
  // Ends the segment: drops trailing empty elements/components, writes the terminator and,
  // when `line_break` is set, a '\n' after it. Returns the first problem met while writing it.
  boost::system::error_code end();

  // Write a line break after every terminator (readability; parsers ignore it).
  void line_breaks(bool on) noexcept { line_breaks_ = on; }
  // Segments ended so far (for UNT/UNZ counts).
  std::uint32_t segments_written() const noexcept { return segments_; }
  const delimiters& delims() const noexcept { return d_; }

 private:
  std::string& out_;
  delimiters d_;
  // Escapes `value` into out_ and records where the content ends.
  void put(std::string_view value);

  // Trailing separators are cut lazily: each offset below is the end of the last non-empty
  // value (or the start) of the open segment / element / repetition, and the text after it is
  // dropped when the next unit of the same or a higher level starts, or the segment ends.
  std::size_t segment_start_ = std::string::npos;  // offset of the open segment's tag
  std::size_t content_end_ = 0;
  std::size_t element_end_ = 0;
  std::size_t repetition_end_ = 0;
  bool in_element_ = false;  // an element was started in the open segment
  std::uint32_t segments_ = 0;
  bool line_breaks_ = false;
  boost::system::error_code error_{};
};

// Re-serialises a parsed interchange with (possibly different) delimiters `to`, value by value,
// so that parse(write(parse(x))) yields the same tree as parse(x). Envelope segments are
// copied as they are; a UNA is written when `with_una` is set.
// Returns errc::invalid_character when a value cannot be escaped in `to`.
boost::system::error_code write_interchange(const interchange& ic, const delimiters& to,
                                            std::string& out, bool with_una = true,
                                            bool line_breaks = false);

}  // namespace apipnr::edifact
