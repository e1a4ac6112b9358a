// Error codes of the response writers (CUSRES for iAPI, ACKRES for PNRGOV).
//
// The writers validate their input before writing a single byte and return one of these codes
// (category "apipnr.responses") instead of throwing. Each enumerator has a row in a static
// table (`info()`) with its stable ID (RSP-*), the requirement ID it protects (see
// specs/requirements/*.json) and a one-line message; docs/error-codes-responses.md lists the
// table and a unit test keeps the two in step. IDs are never reused.
//
// Thread safety: everything here is immutable and safe to use from any thread.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <type_traits>

#include <boost/system/error_code.hpp>

namespace apipnr::responses {

enum class errc : std::uint8_t {
  ok = 0,
  // -- interchange envelope (shared by every response) ---------------------------------------
  invalid_delimiters = 1,     // service characters unusable (duplicate, alphanumeric, no release)
  invalid_syntax_identifier,  // UNB S001 identifier or version unknown
  missing_party,              // UNB/UNG sender or recipient empty
  invalid_date_time,          // preparation date not YYMMDD/CCYYMMDD or time not HHMM
  invalid_control_reference,  // UNB 0020 or UNG 0048 empty or longer than 14
  value_too_long,             // a value longer than its data element allows
  invalid_character,          // a byte outside the repertoire of the syntax identifier
  write_failed,               // the EDIFACT writer reported a problem (should not happen)
  // -- CUSRES (iAPI) ---------------------------------------------------------------------------
  cusres_invalid_document,               // BGM code not 962, 132 or 312
  cusres_missing_message_reference,      // UNH 0062 empty
  cusres_missing_transaction_reference,  // a 962 response without RFF+TN
  cusres_invalid_flight,                 // RFF+AF group incomplete or with a malformed date
  cusres_no_result,                      // neither a header nor a passenger result
  cusres_too_many_results,               // more ERP groups than CUSRES allows (99)
  cusres_invalid_header_code,            // header ERC empty, too long or not alphanumeric
  cusres_unknown_directive,              // passenger ERC not 0Z/1Z/2Z/4Z (or a profile code)
  cusres_missing_passenger_reference,    // RFF+ABO empty
  cusres_invalid_reference,              // the additional RFF has no qualifier or repeats AVF/ABO
  cusres_text_too_long,                  // FTX text longer than five 4440 components
  // -- ACKRES (PNRGOV) -------------------------------------------------------------------------
  ackres_invalid_identifier,  // UNH S009 version, release or agency empty or malformed
  ackres_missing_reference,   // UNH 0062 empty
  ackres_missing_function,    // MSG would carry no function code
  ackres_too_many_errors,     // more ERC groups than the template allows (at most 99)
  ackres_invalid_error_code,  // ERC 9321 empty, too long or not alphanumeric
  ackres_too_many_texts,      // more IFT per error group, or more text, than allowed
};

// The error category for `errc`. name() is "apipnr.responses".
const boost::system::error_category& responses_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), responses_category()};
}

// Static description of a code. Every field points to static storage.
struct errc_info {
  errc code;
  std::string_view id;           // stable ID, e.g. "RSP-CUSRES-DIRECTIVE"
  std::string_view requirement;  // requirement ID, e.g. "API-CUSRES-ERC-002"
  std::string_view message;      // one-line English description
};

// Table lookup; never fails (unknown values map to a generic "RSP-UNKNOWN" entry).
const errc_info& info(errc e) noexcept;

// All entries, in enumerator order, excluding `ok` (for docs and tests).
std::span<const errc_info> all_errc_info() noexcept;

}  // namespace apipnr::responses

namespace boost::system {
template <>
struct is_error_code_enum<apipnr::responses::errc> : std::true_type {};
}  // namespace boost::system
