// Error codes of the iAPI decision engine (board / no-board answers to iAPI requests).
//
// Two families, one category ("apipnr.iapi"), never thrown:
//   - list loading (IAPI-LIST-*): a watchlist or travel-authorisation file could not be used.
//     The loader reports the file and line in a `load_error` (lists.hpp) next to the code; the
//     engine keeps its previous lists.
//   - request (IAPI-REQ-*): the iAPI request as a whole cannot be decided. The receiver answers
//     it with a header-level CUSRES ERP+1 / ERC+1 (API-CUSRES-ERP-002, API-CUSRES-ERP-004)
//     instead of per-passenger directives.
// Each enumerator has a row in a static table (`info()`) with its stable ID, the requirement ID
// it protects (specs/requirements/*.json) and a one-line message; docs/error-codes-iapi.md lists
// the table and a unit test keeps the two in step. IDs are never reused.
//
// Thread safety: everything here is immutable and safe to use from any thread.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <type_traits>

#include <boost/system/error_code.hpp>

namespace apipnr::iapi {

enum class errc : std::uint8_t {
  ok = 0,
  // -- list files ------------------------------------------------------------------------------
  list_unreadable = 1,  // the file cannot be opened or read
  list_too_large,       // the file or its entry count is over the configured limit
  list_syntax,          // the file is not well-formed JSON (line of the first error)
  list_format,          // wrong top-level shape, "format" or "version"
  list_entry_invalid,   // an entry lacks a required field or has one of the wrong type
  list_invalid_state,   // an issuing state or nationality is not ISO 3166 alpha-3
  list_invalid_date,    // a date is not YYYY-MM-DD (or YYYY for a year-only birth date)
  list_invalid_action,  // a watchlist action is not "no_board" or "advisory"
  list_duplicate_id,    // two entries share one id
  // -- requests --------------------------------------------------------------------------------
  not_iapi_request,             // canonical message kind is not "iapi_request"
  no_flight,                    // no flight, or no valid departure date on its first leg
  no_travellers,                // the request carries no traveller
  too_many_travellers,          // more travellers than the engine's limit (at most 99)
  missing_passenger_reference,  // a traveller without RFF+ABO cannot get its own answer
};

// The error category for `errc`. name() is "apipnr.iapi".
const boost::system::error_category& iapi_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), iapi_category()};
}

// Static description of a code. Every field points to static storage.
struct errc_info {
  errc code;
  std::string_view id;           // stable ID, e.g. "IAPI-LIST-SYNTAX"
  std::string_view requirement;  // requirement ID, e.g. "RCV-PROF-001"
  std::string_view message;      // one-line English description
};

// Table lookup; never fails (unknown values map to a generic "IAPI-UNKNOWN" entry).
const errc_info& info(errc e) noexcept;

// All entries, in enumerator order, excluding `ok` (for docs and tests).
std::span<const errc_info> all_errc_info() noexcept;

}  // namespace apipnr::iapi

namespace boost::system {
template <>
struct is_error_code_enum<apipnr::iapi::errc> : std::true_type {};
}  // namespace boost::system
