// Building CUSRES answers from what was received: an iAPI request in the canonical model
// (specs/canonical/canonical.schema.json), or an unsolicited CUSRES 132 to be acknowledged.
//
// These functions only copy and convert; they decide nothing about boarding. The caller sets
// the directive (or replaces it per passenger afterwards) and then calls write_cusres(), which
// validates the result. Conversion problems are returned as errc values (never thrown):
//   cusres_missing_message_reference    the request has no UNH message reference
//   cusres_missing_transaction_reference the request has no RFF+TN (API-CUSRES-RFF-001)
//   cusres_invalid_flight               a scheduled time is not "YYYY-MM-DDTHH:MM", or the
//                                       flight has no legs / no journey id and no carrier+number
//   cusres_missing_passenger_reference  a traveller without an ABO reference: it could not be
//                                       given its own answer (API-IAPI-FLOW-002/004)
//   cusres_no_result                    the request carries no traveller
//
// Thread safety: reentrant; inputs are only read.
#pragma once

#include <string>
#include <string_view>

#include <boost/system/result.hpp>

#include "apipnr/model/canonical.hpp"
#include "apipnr/responses/cusres.hpp"
#include "apipnr/responses/envelope.hpp"

namespace apipnr::responses {

// A 962 response to `request` (API-IAPI-FLOW-003): UNH 0062/0068 and RFF+TN echoed
// (API-IAPI-FLOW-005/009), the flight group from the first leg's departure and the last leg's
// arrival (API-CUSRES-RFF-002, DTM format 201), and one ERP+2 per traveller, in request order,
// with its AVF (empty when absent) and ABO references and directive `d` (API-IAPI-FLOW-004).
// REQUIRES: nothing; every missing piece is reported as an error code.
[[nodiscard]] boost::system::result<cusres_response> make_response(
    const model::canonical_message& request, const envelope& env, directive d);

// A 962 refusing `request` as a whole (API-CUSRES-ERP-002/ERC-003): ERP+1 with ERC 1 and
// `text` (a stable finding ID) at header level, no passenger group, the request echoed like
// make_response() does (API-IAPI-FLOW-009), the flight group only when it can be echoed (a
// SHOULD, API-CUSRES-RFF-002). Needs only the UNH reference and RFF+TN: a request without
// travellers, without ABO references or with an unreadable flight is still answered.
// Errors: cusres_missing_message_reference, cusres_missing_transaction_reference.
[[nodiscard]] boost::system::result<cusres_response> make_header_refusal(
    const model::canonical_message& request, const envelope& env, std::string text);

// The carrier's CUSRES 312 acknowledging an unsolicited 132 (API-IAPI-FLOW-008,
// API-CUSRES-ACK-001): the same request echo, flight and passenger groups, in a new envelope.
// When `error_code` is not empty the acknowledgement instead reports an error at header level
// (ERP+1, ERC+<error_code>, optional FTX `error_text`) and still echoes the references.
cusres_response make_carrier_acknowledgement(const cusres_response& status, const envelope& env,
                                             std::string_view error_code = {},
                                             std::string_view error_text = {});

}  // namespace apipnr::responses
