#include "apipnr/xml/errc.hpp"

#include <array>
#include <string>

#include "apipnr/common/errc_table.hpp"

namespace apipnr::xml {
namespace {

constexpr auto info_ = severity::info;
constexpr auto warning_ = severity::warning;
constexpr auto error_ = severity::error;
constexpr auto fatal_ = severity::fatal;
constexpr auto doc_ = scope::interchange;
constexpr auto msg_ = scope::message;
constexpr auto elem_ = scope::element;

// The single table of XML findings. Order must follow the enumerators (checked in
// errc_test.cpp); docs/error-codes-xml.md lists every row (also checked).
//
// Intake findings cite PNR-XML-ROOT-002 (a receiver rejects what is not well-formed XML with an
// explicit answer): the catalogue has no separate requirement for DTD refusal or size limits, and
// a document the receiver will not parse is, for the sender, one it could not accept.
constexpr std::array<errc_info, 25> table{{
    {errc::empty_document, "XML-EMPTY", "PNR-XML-ROOT-002", fatal_, doc_,
     "the document is empty or holds only whitespace"},
    {errc::document_too_large, "XML-LIMIT-BYTES", "PNR-XML-ROOT-002", fatal_, doc_,
     "the document is larger than the configured byte limit"},
    {errc::unsupported_encoding, "XML-ENCODING", "PNR-XML-ROOT-002", fatal_, doc_,
     "the document is not in UTF-8 (byte order mark or encoding declaration)"},
    {errc::invalid_utf8, "XML-UTF8", "PNR-XML-ROOT-002", fatal_, doc_,
     "a byte sequence is not well-formed UTF-8"},
    {errc::invalid_character, "XML-CHAR", "PNR-XML-ROOT-002", fatal_, doc_,
     "a character XML 1.0 does not allow (control character, U+FFFE, U+FFFF)"},
    {errc::doctype, "XML-DOCTYPE", "PNR-XML-ROOT-002", fatal_, doc_,
     "a document type declaration is present; DTDs and entity declarations are refused"},
    {errc::depth_exceeded, "XML-LIMIT-DEPTH", "PNR-XML-ROOT-002", fatal_, doc_,
     "elements are nested deeper than the configured limit"},
    {errc::too_many_elements, "XML-LIMIT-ELEMENTS", "PNR-XML-ROOT-002", fatal_, doc_,
     "the document holds more elements than the configured limit"},
    {errc::attribute_too_long, "XML-LIMIT-ATTRIBUTE", "PNR-XML-ROOT-002", fatal_, doc_,
     "an attribute value is longer than the configured limit"},
    {errc::not_well_formed, "XML-WELL-FORMED", "PNR-XML-ROOT-002", fatal_, doc_,
     "the document is not well-formed XML"},
    {errc::wrong_root, "XML-ROOT", "PNR-XML-ROOT-001", fatal_, msg_,
     "the root element is not IATA_PNRGOV_NotifRQ"},
    {errc::missing_namespace, "XML-NS-MISSING", "PNR-XML-NS-001", error_, msg_,
     "the root element is in no namespace (http://www.iata.org/IATA/2007/00 expected)"},
    {errc::wrong_namespace, "XML-NS-WRONG", "PNR-XML-NS-001", error_, msg_,
     "the root element is in a namespace other than http://www.iata.org/IATA/2007/00"},
    {errc::missing_flight_leg, "XML-FLIGHTLEG-MISSING", "PNR-XML-FLT-001", error_, msg_,
     "the document has no FlightLeg"},
    {errc::incomplete_flight_leg, "XML-FLIGHTLEG-INCOMPLETE", "PNR-XML-FLT-001", error_, elem_,
     "FlightLeg lacks its carrier, flight number, an airport or a date-time"},
    {errc::missing_pnrs, "XML-PNRS-MISSING", "PNR-XML-PNRS-001", error_, msg_,
     "the document has no PNRs element or PNRs has no NumberOfPnrs"},
    {errc::pnr_count_mismatch, "XML-PNR-COUNT", "PNR-XML-PNRS-002", warning_, elem_,
     "PNRs/@NumberOfPnrs differs from the number of PNR elements"},
    {errc::missing_booking_ref, "XML-PNR-LOCATOR", "PNR-XML-PNR-002", error_, elem_,
     "a PNR has no BookingRefID with an ID"},
    {errc::passenger_count_mismatch, "XML-PAX-COUNT", "PNR-XML-PNR-003", warning_, elem_,
     "PNR/@NumberOfPassengers differs from the number of Passenger elements"},
    {errc::missing_surname, "XML-PAX-SURNAME", "PNR-XML-PAX-001", error_, elem_,
     "a Passenger has no Surname"},
    {errc::invalid_value, "XML-VALUE", "PNR-XML-MAP-001", warning_, elem_,
     "a date, date-time, number or flag is in an unusable form and was not stored"},
    {errc::unknown_doc_ssr, "XML-DOCSSR-CODE", "PNR-XML-PAX-002", warning_, elem_,
     "DOC_SSR/@SSRCode is not DOCS, DOCA or DOCO (kept as a plain SSR)"},
    {errc::clear_card_number, "XML-PAN-CLEAR", "DP-MASK-004", warning_, elem_,
     "a payment card number arrived in clear; it was masked at intake"},
    {errc::unmapped_element, "XML-UNMAPPED-ELEMENT", "PNR-XML-MAP-001", info_, elem_,
     "elements or text the mapping does not know (count and first path)"},
    {errc::unmapped_attribute, "XML-UNMAPPED-ATTRIBUTE", "PNR-XML-MAP-001", info_, elem_,
     "attributes the mapping does not know (count and first path)"},
}};

constexpr errc_info unknown_info{errc::ok,        "XML-UNKNOWN",      "",
                                 severity::error, scope::interchange, "unknown XML finding"};

const common::table_category<errc_info>& category() noexcept {
  static const common::table_category<errc_info> instance("apipnr.xml", table, unknown_info,
                                                          common::errc_text::id_and_message);
  return instance;
}

}  // namespace

const boost::system::error_category& xml_category() noexcept { return category(); }

const errc_info& info(errc e) noexcept { return category().row(static_cast<int>(e)); }

std::span<const errc_info> all_errc_info() noexcept { return table; }

}  // namespace apipnr::xml
