// Shared by the CUSRES and ACKRES writers: value checks (length, repertoire) and the service
// segments around one message. Internal to apipnr::responses.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <boost/system/error_code.hpp>

#include "apipnr/edifact/writer.hpp"
#include "apipnr/responses/envelope.hpp"
#include "apipnr/responses/errc.hpp"

namespace apipnr::responses::detail {

// The character repertoire a syntax identifier declares (mirrors the parser's classes so that
// what we write is what a strict parse accepts: SYN-CHR-001/004).
enum class charset : std::uint8_t { unknown, level_a, level_b, latin, utf8 };
charset charset_of(std::string_view syntax_identifier) noexcept;

// Checks values against the repertoire of one envelope and against maximum lengths.
class value_checker {
 public:
  value_checker(charset cs, const edifact::delimiters& d) noexcept : cs_(cs), d_(d) {}
  // Length in characters (UTF-8 sequences count once) for an..max checks.
  std::size_t length(std::string_view v) const noexcept;
  // invalid_character when a byte is outside the repertoire, value_too_long beyond `max`.
  boost::system::error_code check(std::string_view v, std::size_t max) const noexcept;
  // Like check(), and also requires a non-empty value (returns `if_empty` otherwise).
  boost::system::error_code check_required(std::string_view v, std::size_t max,
                                           errc if_empty) const noexcept;
  // Longest prefix of `v` of at most `max` characters that does not split a UTF-8 sequence.
  std::size_t prefix_bytes(std::string_view v, std::size_t max) const noexcept;
  charset repertoire() const noexcept { return cs_; }

 private:
  charset cs_;
  edifact::delimiters d_;
};

// True when `v` is non-empty and only ASCII letters and digits.
bool is_alphanumeric(std::string_view v) noexcept;
// True when `v` has exactly `n` ASCII digits.
bool is_digits(std::string_view v, std::size_t n) noexcept;

// Validates the envelope (see envelope.hpp for the codes).
boost::system::error_code check_envelope(const envelope& e) noexcept;

// UNH S009 of the message being written.
struct message_identifier {
  std::string_view type;         // 0065
  std::string_view version;      // 0052
  std::string_view release;      // 0054
  std::string_view agency;       // 0051
  std::string_view association;  // 0057, empty = absent
};

// UNH 0062, 0068 and S010.
struct message_header {
  std::string_view reference;
  std::string_view common_access_reference;
  std::string_view sequence;    // S010/0070
  std::string_view first_last;  // S010/0073
};

// Writes UNA? UNB [UNG] UNH on open() and UNT [UNE] UNZ on close(), counting segments.
// REQUIRES: check_envelope(e) succeeded; `out` and `e` outlive the writer.
class interchange_writer {
 public:
  interchange_writer(std::string& out, const envelope& e) noexcept;
  void open(const message_identifier& id, const message_header& h);
  edifact::writer& segments() noexcept { return w_; }
  // Ends the open segment; returns write_failed when the writer could not escape a value.
  void end();
  // Writes the trailers; returns the first problem met while writing.
  boost::system::error_code close();

 private:
  const envelope& e_;
  edifact::writer w_;
  std::uint32_t unh_at_ = 0;  // segments_written() before UNH
  std::string_view reference_;
  boost::system::error_code error_{};
};

}  // namespace apipnr::responses::detail
