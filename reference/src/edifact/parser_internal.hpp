// Private pieces of the EDIFACT parser shared by tokenizer.cpp, envelope.cpp and parser.cpp.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/system/error_code.hpp>

#include "apipnr/common/diagnostic.hpp"
#include "apipnr/edifact/errc.hpp"
#include "apipnr/edifact/interchange.hpp"
#include "apipnr/edifact/parser.hpp"

namespace apipnr::edifact::detail {

// Turns an errc into a diagnostic (id, 0085, requirement from the errc table), applies the
// strict/tolerant downgrade, and keeps it until `flush()` forwards everything to the sink.
// Findings are held because pass 1 cannot know which message a segment belongs to: flush()
// fills `position::message_segment` (UNH = 1, the CONTRL UCS numbering) once pass 2 has found
// the messages. Findings are rare, so holding them costs nothing on a clean interchange.
class reporter {
 public:
  reporter(diagnostic_sink& sink, mode m) noexcept : sink_(sink), mode_(m) {}

  // Reports `e`. The severity is `error` (or `warning` for a tolerable code in tolerant mode),
  // unless `forced` is given. `where` overrides the table's default scope when given.
  void report(errc e, const position& pos, std::string detail = {},
              std::optional<severity> forced = std::nullopt,
              std::optional<apipnr::scope> where = std::nullopt);

  // Reports `e` as fatal and returns its error_code, for `return rep.fatal(...)`.
  boost::system::error_code fatal(errc e, const position& pos, std::string detail = {});

  std::size_t errors() const noexcept { return errors_; }

  // Fills message_segment of held findings that lie inside a message of `ic` and did not set
  // it, then forwards every held finding to the sink, in report order.
  void flush(const interchange& ic);

 private:
  diagnostic_sink& sink_;
  mode mode_;
  std::size_t errors_ = 0;
  std::vector<diagnostic> held_;
};

// True for the tags pass 2 looks at: "UN" and anything longer that starts so (UNB..UNZ, UNS,
// UNA, and malformed ones such as "UNx" that pass 1 already reported).
inline bool is_service_tag(std::string_view tag) noexcept {
  return tag.size() >= 2 && tag[0] == 'U' && tag[1] == 'N';
}

// Pass 1: Type B envelope, UNA, segmentation, tag syntax, release characters, repertoire,
// trailing separators, line breaks, limits. Fills out.text, out.delims, out.una_present,
// out.type_b, out.segments. Appends to `service` the index in out.segments of every segment
// whose tag is_service_tag(), in order (the caller clears it), so that pass 2 visits those
// only: a walk over all segments loads each 56-byte record and its tag's bytes again, long
// after they left the cache (3.6 % of a 20k-traveller PAXLST's time, session 15). Returns a
// non-empty code only when it had to stop.
boost::system::error_code tokenize(std::string_view input, const parse_options& opts,
                                   interchange& out, reporter& rep,
                                   std::vector<std::uint32_t>& service);

// Pass 2: UNB/UNG/UNH/UNT/UNE/UNZ order and nesting, mandatory elements, syntax identifier and
// version, control counts and references, empty and mixed levels. Fills the UNB fields,
// out.groups and out.messages. Returns a non-empty code only when it had to stop (the
// limits::max_messages limit).
// REQUIRES: `service` holds exactly the indexes i, ascending, for which
// is_service_tag(out.segments[i].tag()) (as tokenize() records them). Segments between them are
// looked at only where they stray outside a message, one per run.
boost::system::error_code check_envelope(const parse_options& opts, interchange& out, reporter& rep,
                                         std::span<const std::uint32_t> service);
// The same with `service` found by a walk over out.segments (for segments not made by
// tokenize(): the unit tests').
boost::system::error_code check_envelope(const parse_options& opts, interchange& out,
                                         reporter& rep);

}  // namespace apipnr::edifact::detail
