#include "apipnr/iapi/errc.hpp"

#include <array>
#include <string>

#include "apipnr/common/errc_table.hpp"

namespace apipnr::iapi {
namespace {

// The single table of iAPI engine errors. Order must follow the enumerators (checked in
// errc_test.cpp); docs/error-codes-iapi.md lists every row (also checked).
constexpr std::array<errc_info, 14> table{{
    {errc::list_unreadable, "IAPI-LIST-READ", "RCV-PROF-001",
     "a watchlist or authorisation file cannot be opened or read"},
    {errc::list_too_large, "IAPI-LIST-LIMIT", "RCV-LIM-001",
     "a list file or its number of entries is over the configured limit"},
    {errc::list_syntax, "IAPI-LIST-SYNTAX", "RCV-PROF-001", "a list file is not well-formed JSON"},
    {errc::list_format, "IAPI-LIST-FORMAT", "RCV-PROF-001",
     "a list file has the wrong top-level shape, format name or version"},
    {errc::list_entry_invalid, "IAPI-LIST-ENTRY", "RCV-PROF-001",
     "a list entry lacks a required field or has a field of the wrong type"},
    {errc::list_invalid_state, "IAPI-LIST-STATE", "RCV-PROF-001",
     "an issuing state or nationality in a list is not an ISO 3166 alpha-3 code"},
    {errc::list_invalid_date, "IAPI-LIST-DATE", "RCV-PROF-001",
     "a date in a list is not YYYY-MM-DD (or YYYY for a year-only date of birth), or a "
     "validity period ends before it starts"},
    {errc::list_invalid_action, "IAPI-LIST-ACTION", "API-CUSRES-ERC-002",
     "a watchlist action is not no_board or advisory"},
    {errc::list_duplicate_id, "IAPI-LIST-DUPLICATE", "RCV-BAD-001",
     "two entries of one list share an id, so a decision could not name its entry"},
    {errc::not_iapi_request, "IAPI-REQ-KIND", "RCV-BAD-009",
     "the message is not an iAPI request (canonical kind iapi_request)"},
    {errc::no_flight, "IAPI-REQ-FLIGHT", "API-CUSRES-RFF-002",
     "the request names no flight with a valid departure date"},
    {errc::no_travellers, "IAPI-REQ-EMPTY", "API-IAPI-FLOW-001",
     "the request carries no traveller"},
    {errc::too_many_travellers, "IAPI-REQ-LIMIT", "API-CUSRES-STR-003",
     "the request carries more travellers than the engine answers in one CUSRES"},
    {errc::missing_passenger_reference, "IAPI-REQ-ABO", "API-IAPI-FLOW-002",
     "a traveller has no RFF+ABO passenger reference to key its answer"},
}};

constexpr errc_info unknown_info{errc::ok, "IAPI-UNKNOWN", "", "unknown iAPI engine error"};

const common::table_category<errc_info>& category() noexcept {
  static const common::table_category<errc_info> instance("apipnr.iapi", table, unknown_info,
                                                          common::errc_text::id_and_message);
  return instance;
}

}  // namespace

const boost::system::error_category& iapi_category() noexcept { return category(); }

const errc_info& info(errc e) noexcept { return category().row(static_cast<int>(e)); }

std::span<const errc_info> all_errc_info() noexcept { return table; }

}  // namespace apipnr::iapi
