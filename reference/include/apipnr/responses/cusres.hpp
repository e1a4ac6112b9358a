// CUSRES writer for interactive API (iAPI): the authority's answer to a PAXLST request, the
// authority's unsolicited status change and the carrier's acknowledgement of it.
//
// Layout written (STANDARDS.md §2.7 and Appendix A.2; specs/messages/cusres-d05b.json):
//
//   [UNA] UNB [UNG]
//   UNH+<request 0062>+CUSRES:D:05B:UN:IATA+<request 0068>+<S010>   API-IAPI-FLOW-005,
//   API-CUSRES-STR-001 BGM+962|132|312 API-CUSRES-BGM-001 RFF+TN:<transaction reference>
//   API-CUSRES-RFF-001 RFF+AF:<flight> DTM+189:..:201 DTM+232:..:201 LOC+125+.. LOC+87+..
//   API-CUSRES-RFF-002 ERP+1 ERC+<code> [FTX+AAP+++<text>] API-CUSRES-ERP-002, -ERC-003 ERP+2
//   RFF+AVF:.. RFF+ABO:.. [RFF+q:v] ERC+0Z|1Z|2Z|4Z [FTX+AAP+++<text>]  (per passenger) UNT [UNE]
//   UNZ
//
// Only the segments of the iAPI profile are written (API-CUSRES-STR-002). All values are
// escaped by apipnr::edifact::writer, so names and texts may contain service characters.
//
// Errors (errc.hpp, never thrown): the envelope codes listed in envelope.hpp, and
//   cusres_invalid_document               `document` not 962, 132 or 312
//   cusres_missing_message_reference      `request.message_reference` empty (value_too_long > 14)
//   cusres_missing_transaction_reference  a 962 without `request.transaction_reference`
//   cusres_invalid_flight                 flight without a number or airport, or a date/time
//                                         that does not match its format (201: 10 digits,
//                                         203: 12 digits)
//   cusres_no_result                      no header result and no passenger result
//   cusres_too_many_results               more than `max_result_groups` (99) ERP groups
//   cusres_invalid_header_code            header ERC empty, over 8 or not alphanumeric
//   cusres_unknown_directive              passenger ERC not 0Z/1Z/2Z/4Z nor in
//                                         `cusres_options::extra_directives`
//   cusres_missing_passenger_reference    empty RFF+ABO
//   cusres_invalid_reference              additional RFF without qualifier, or AVF/ABO again
//   cusres_text_too_long                  FTX text over 5 x 512 characters
//   value_too_long / invalid_character    any other value over its length or outside the
//                                         repertoire of the envelope's syntax identifier
// On error `out` is left exactly as it was. An error names the offending field through its code,
// never its value, so it can be logged without personal data (DP-LOG-003).
//
// Thread safety: the functions are reentrant; the data types are plain values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include "apipnr/responses/envelope.hpp"
#include "apipnr/responses/errc.hpp"

namespace apipnr::responses {

// BGM C002/1001 (API-CUSRES-BGM-001).
enum class cusres_document : std::uint16_t {
  response = 962,                 // authority's answer to an iAPI request (API-IAPI-FLOW-003)
  unsolicited_status = 132,       // authority's later status change (API-IAPI-FLOW-007)
  carrier_acknowledgement = 312,  // carrier's answer to a 132 (API-IAPI-FLOW-008)
};

// Passenger-level board / no-board directives, ERC C901/9321 (API-CUSRES-ERC-002). Only 0Z
// clears a passenger for boarding (API-CUSRES-ERC-004).
enum class directive : std::uint8_t {
  ok_to_board,        // 0Z
  no_board,           // 1Z
  advisory,           // 2Z (board, with an advisory)
  insufficient_data,  // 4Z (complete the data and resubmit, API-CUSRES-ERC-005)
};

// "0Z", "1Z", "2Z" or "4Z".
std::string_view code(directive d) noexcept;
// The directive for a code, or nullopt for any other code.
std::optional<directive> parse_directive(std::string_view code) noexcept;

// Header-level ERC codes of the iAPI profile (API-CUSRES-ERC-003); an application error code
// (an..8) may be used instead.
inline constexpr std::string_view header_accepted = "0";
inline constexpr std::string_view header_rejected = "1";

// Identification of the request (or of the 132) being answered.
struct request_echo {
  std::string message_reference;        // UNH 0062 (echoed, API-IAPI-FLOW-005), an..14
  std::string common_access_reference;  // UNH 0068 (echoed), an..35; empty = absent
  std::string sequence = "01";          // UNH S010/0070; empty = no S010
  std::string first_last = "F";         // UNH S010/0073
  std::string transaction_reference;    // RFF+TN (API-CUSRES-RFF-001), an..70; empty = absent
};

// The flight group: RFF+AF with dates and airports copied from the request (API-CUSRES-RFF-002).
struct flight_echo {
  std::string flight;               // RFF+AF 1154, carrier + number, e.g. "XX123"
  std::string departure;            // DTM+189 value; empty = no DTM 189
  std::string arrival;              // DTM+232 value; empty = no DTM 232
  std::string date_format = "201";  // DTM 2379: 201 YYMMDDHHMM, 203 CCYYMMDDHHMM
  std::string departure_airport;    // LOC+125 3225, required
  std::string arrival_airport;      // LOC+87 3225, required
};

// An RFF in a passenger group (C506 1153:1154).
struct reference {
  std::string qualifier;
  std::string value;
};

// ERP+1: the result for the whole message (API-CUSRES-ERP-002).
struct header_result {
  std::string code = std::string(header_accepted);  // ERC 9321, an..8
  std::string text;                                 // FTX+AAP; empty = no FTX
};

// ERP+2: the answer for one passenger (API-CUSRES-ERP-001/003).
struct passenger_result {
  std::string booking_reference;    // RFF+AVF 1154 (echoed; may be empty: "RFF+AVF" is written)
  std::string passenger_reference;  // RFF+ABO 1154 (echoed; required)
  std::optional<reference> extra;   // a third RFF (the profile sends up to three)
  std::string directive_code;       // ERC 9321: "0Z", "1Z", "2Z", "4Z" or a profile code
  std::string text;                 // FTX+AAP text for the agent; empty = no FTX
};

struct cusres_response {
  envelope env;
  cusres_document document = cusres_document::response;
  request_echo request;
  std::optional<flight_echo> flight;
  std::optional<header_result> header;  // written before the passenger groups
  std::vector<passenger_result> passengers;
};

struct cusres_options {
  // Directive codes accepted in addition to 0Z/1Z/2Z/4Z, from the state's profile tables
  // (API-CUSRES-ERC-006). The views must stay valid during the call.
  std::span<const std::string_view> extra_directives{};
  // Hard limit on ERP groups; values above 99 are treated as 99 (API-CUSRES-STR-003).
  std::size_t max_result_groups = 99;
};

// Checks `r` without writing anything. Returns the first problem found.
[[nodiscard]] boost::system::error_code validate(const cusres_response& r,
                                                 const cusres_options& opts = {});

// Appends the complete interchange for `r` to `out`. On error, `out` is unchanged.
[[nodiscard]] boost::system::error_code write_cusres(const cusres_response& r, std::string& out,
                                                     const cusres_options& opts = {});

// Convenience: the interchange as a new string.
[[nodiscard]] boost::system::result<std::string> write_cusres(const cusres_response& r,
                                                              const cusres_options& opts = {});

}  // namespace apipnr::responses
