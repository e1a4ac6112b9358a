// Findings of the PNRGOV XML layer: safe intake (encoding, DOCTYPE, limits, well-formedness)
// and the mapping of IATA_PNRGOV_NotifRQ into the canonical model.
//
// Each enumerator has one row in a static table (`info()`): its stable diagnostic ID (XML-*),
// the requirement ID it protects (specs/requirements/*.json), the default severity and scope,
// and a one-line message. docs/error-codes-xml.md lists the table and a unit test keeps the two
// in step. IDs are never reused; new codes go at the end of their section.
//
// Scopes: the XML document plays the part of the EDIFACT interchange (intake findings use
// `interchange`); root and namespace findings use `message`; findings about one element or
// attribute use `element`.
//
// Thread safety: everything here is immutable and safe to use from any thread.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <type_traits>

#include <boost/system/error_code.hpp>

#include "apipnr/common/diagnostic.hpp"

namespace apipnr::xml {

enum class errc : std::uint8_t {
  ok = 0,
  // -- intake: bytes, encoding, limits, well-formedness ----------------------------------------
  empty_document = 1,    // no bytes, or only whitespace
  document_too_large,    // more bytes than limits::max_document_bytes
  unsupported_encoding,  // UTF-16/32 byte order mark or an encoding declaration other than UTF-8
  invalid_utf8,          // a byte sequence that is not well-formed UTF-8
  invalid_character,     // a code point XML 1.0 forbids (C0 controls other than TAB, LF, CR)
  doctype,               // a document type declaration (DTDs and entities are refused)
  depth_exceeded,        // element nesting deeper than limits::max_depth
  too_many_elements,     // more elements than limits::max_elements
  attribute_too_long,    // an attribute value longer than limits::max_attribute_length
  not_well_formed,       // the XML parser stopped: unclosed tag, bad attribute, ...
  // -- document: root and namespace -------------------------------------------------------------
  wrong_root,         // the root element is not IATA_PNRGOV_NotifRQ
  missing_namespace,  // the root is in no namespace
  wrong_namespace,    // the root is in a namespace other than http://www.iata.org/IATA/2007/00
  // -- content ------------------------------------------------------------------------------------
  missing_flight_leg,        // no FlightLeg
  incomplete_flight_leg,     // FlightLeg without carrier, flight number, airports or date-times
  missing_pnrs,              // no PNRs element
  pnr_count_mismatch,        // PNRs/@NumberOfPnrs differs from the PNR elements present
  missing_booking_ref,       // a PNR without BookingRefID/@ID
  passenger_count_mismatch,  // PNR/@NumberOfPassengers differs from the Passenger elements present
  missing_surname,           // a Passenger without Surname
  invalid_value,             // a date, date-time, number or flag in an unusable form (not stored)
  unknown_doc_ssr,           // DOC_SSR/@SSRCode is not DOCS, DOCA or DOCO
  clear_card_number,         // a payment card number in clear (masked at intake)
  unmapped_element,          // elements (or text) the mapping does not know: count + first path
  unmapped_attribute,        // attributes the mapping does not know: count + first path
};

// The error category for `errc`. name() is "apipnr.xml".
const boost::system::error_category& xml_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), xml_category()};
}

// Static description of a code. Every field points to static storage.
struct errc_info {
  errc code;
  std::string_view id;           // stable ID, e.g. "XML-DOCTYPE"
  std::string_view requirement;  // requirement ID, e.g. "PNR-XML-ROOT-002"
  severity level;                // default severity
  apipnr::scope where;           // default scope
  std::string_view message;      // one-line English description
};

// Table lookup; never fails (unknown values map to a generic "XML-UNKNOWN" entry).
const errc_info& info(errc e) noexcept;

// All entries, in enumerator order, excluding `ok` (for docs and tests).
std::span<const errc_info> all_errc_info() noexcept;

}  // namespace apipnr::xml

namespace boost::system {
template <>
struct is_error_code_enum<apipnr::xml::errc> : std::true_type {};
}  // namespace boost::system
