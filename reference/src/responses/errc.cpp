#include "apipnr/responses/errc.hpp"

#include <array>
#include <string>

#include "apipnr/common/errc_table.hpp"

namespace apipnr::responses {
namespace {

// The single table of response-writer errors. Order must follow the enumerators (checked in
// errc_test.cpp); docs/error-codes-responses.md lists every row (also checked).
constexpr std::array<errc_info, 25> table{{
    {errc::invalid_delimiters, "RSP-ENV-DELIMITERS", "SYN-UNA-002",
     "service characters are duplicated, alphanumeric, lack a release character, or differ from "
     "the defaults without a UNA"},
    {errc::invalid_syntax_identifier, "RSP-ENV-SYNTAX", "SYN-SID-001",
     "syntax identifier or version (UNB S001) is not supported"},
    {errc::missing_party, "RSP-ENV-PARTY", "SYN-ENV-002",
     "interchange or group sender or recipient is empty"},
    {errc::invalid_date_time, "RSP-ENV-DATETIME", "SYN-ENV-002",
     "preparation date is not YYMMDD or CCYYMMDD, or time is not HHMM"},
    {errc::invalid_control_reference, "RSP-ENV-REFERENCE", "SYN-DAT-002",
     "interchange control reference (0020) or group reference (0048) is empty or too long"},
    {errc::value_too_long, "RSP-VALUE-LENGTH", "SYN-DAT-002",
     "a value is longer than its data element allows"},
    {errc::invalid_character, "RSP-VALUE-CHARSET", "SYN-CHR-001",
     "a value holds a character outside the repertoire of the syntax identifier"},
    {errc::write_failed, "RSP-WRITE-FAILED", "SYN-REL-001",
     "the EDIFACT writer could not write a value faithfully"},
    {errc::cusres_invalid_document, "RSP-CUSRES-BGM", "API-CUSRES-BGM-001",
     "CUSRES document code is not 962, 132 or 312"},
    {errc::cusres_missing_message_reference, "RSP-CUSRES-UNH-REF", "API-IAPI-FLOW-005",
     "CUSRES message reference (UNH 0062) is empty"},
    {errc::cusres_missing_transaction_reference, "RSP-CUSRES-TN", "API-CUSRES-RFF-001",
     "a CUSRES 962 response has no transaction reference (RFF+TN)"},
    {errc::cusres_invalid_flight, "RSP-CUSRES-FLIGHT", "API-CUSRES-RFF-002",
     "flight group (RFF+AF, DTM 189/232, LOC 125/87) is incomplete or malformed"},
    {errc::cusres_no_result, "RSP-CUSRES-NO-RESULT", "API-CUSRES-ERP-001",
     "CUSRES carries neither a header-level nor a passenger-level result"},
    {errc::cusres_too_many_results, "RSP-CUSRES-ERP-LIMIT", "API-CUSRES-STR-003",
     "more than 99 ERP-RFF-ERC-FTX groups"},
    {errc::cusres_invalid_header_code, "RSP-CUSRES-HEADER-CODE", "API-CUSRES-ERC-003",
     "header-level ERC code is empty, longer than 8 or not alphanumeric"},
    {errc::cusres_unknown_directive, "RSP-CUSRES-DIRECTIVE", "API-CUSRES-ERC-002",
     "passenger-level ERC code is not 0Z, 1Z, 2Z, 4Z or a code the profile adds"},
    {errc::cusres_missing_passenger_reference, "RSP-CUSRES-ABO", "API-CUSRES-ERP-003",
     "passenger result has no passenger reference (RFF+ABO)"},
    {errc::cusres_invalid_reference, "RSP-CUSRES-RFF", "API-CUSRES-ERP-003",
     "additional passenger reference has no qualifier or repeats AVF/ABO"},
    {errc::cusres_text_too_long, "RSP-CUSRES-FTX-LENGTH", "API-CUSRES-FTX-001",
     "FTX text does not fit five 4440 components of 512 characters"},
    {errc::ackres_invalid_identifier, "RSP-ACKRES-UNH", "PNR-ACK-002",
     "ACKRES version, release or agency (UNH S009) is empty or malformed"},
    {errc::ackres_missing_reference, "RSP-ACKRES-UNH-REF", "PNR-ACK-007",
     "ACKRES message reference (UNH 0062) is empty"},
    {errc::ackres_missing_function, "RSP-ACKRES-MSG", "PNR-ACK-003",
     "ACKRES MSG would carry no message function code"},
    {errc::ackres_too_many_errors, "RSP-ACKRES-ERC-LIMIT", "PNR-ACK-004",
     "more ERC error groups than the template allows (at most 99)"},
    {errc::ackres_invalid_error_code, "RSP-ACKRES-ERC", "PNR-ACK-005",
     "ACKRES error code (ERC 9321) is empty, longer than 8 or not alphanumeric"},
    {errc::ackres_too_many_texts, "RSP-ACKRES-IFT-LIMIT", "PNR-ACK-004",
     "more IFT segments per error group, or more text per IFT, than allowed"},
}};

constexpr errc_info unknown_info{errc::ok, "RSP-UNKNOWN", "", "unknown response-writer error"};

const common::table_category<errc_info>& category() noexcept {
  static const common::table_category<errc_info> instance("apipnr.responses", table, unknown_info,
                                                          common::errc_text::id_and_message);
  return instance;
}

}  // namespace

const boost::system::error_category& responses_category() noexcept { return category(); }

const errc_info& info(errc e) noexcept { return category().row(static_cast<int>(e)); }

std::span<const errc_info> all_errc_info() noexcept { return table; }

}  // namespace apipnr::responses
