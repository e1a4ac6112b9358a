// PNRGOV XML (IATA PADIS XML, root IATA_PNRGOV_NotifRQ) into the canonical model.
//
// The tree read (STANDARDS.md §3.6; attribute names beyond the digest follow the OpenTravel
// conventions the PADIS XML schema builds on and are listed in docs/error-codes-xml.md):
//
//   IATA_PNRGOV_NotifRQ @Version @TimeStamp @EchoToken @TransactionIdentifier @Target
//     Originator @AirlineCode @SystemCode @AirlineContactInfo        -> pnr_push.originator
//     FlightLeg @CarrierCode @FlightNumber @DepartureDateTime @ArrivalDateTime @DateChangeNbr
//       DepartureAirport/ArrivalAirport @LocationCode                -> flight
//     PNRs @NumberOfPnrs                                              -> totals.pnrs
//       PNR @NumberOfPassengers @PNR_CreationDate @PNR_TransDate      -> pnrs[]
//         BookingRefID @ID / CompanyName @Code                        -> record_locators
//         POS/Source @AirlineVendorID @AirportCode @ISOCountry @ISOCurrency @ISOLanguage
//           RequestorID @ID @Type                                     -> originator
//         ContactInfo: Telephone @PhoneNumber, Email, Address         -> contacts, addresses
//         SSR                                                          -> ssrs
//         Passenger @RPH @SurnameRefNumber @PassengerTypeCode @AccompaniedByInfantInd
//           GivenName Surname CustLoyalty ContactInfo SSR TicketDocument DOC_SSR
//         Flight @FlightNumber @ResBookDesigCode @Status @NumberInParty @Departure/ArrivalDateTime
//           DepartureAirport ArrivalAirport Equipment MarketingAirline OperatingAirline SSR
//
// Normalisation (specs/canonical/README.md): date-times `YYYY-MM-DDTHH:MM` local (seconds
// dropped; a value with a UTC offset is refused with XML-VALUE because the canonical form has no
// offset), dates `YYYY-MM-DD`, card numbers masked to the last four (a clear number is also
// reported, XML-PAN-CLEAR). DOC_SSR DOCS/DOCA/DOCO become documents / addresses / traveller
// fields and, so that XML and EDIFACT give the same extraction (PNR-XML-MAP-001), an SSR whose
// text is the AIRIMP free-text form rebuilt from the structured attributes.
//
// Nothing is dropped silently: every element, text and attribute the mapping did not read is
// counted and reported once per document as XML-UNMAPPED-ELEMENT / XML-UNMAPPED-ATTRIBUTE
// (info, with the first path). `pnrs[].sensitive_removed` is left to the sensitive-data filter
// that runs after the mapping (DP-SENS-001).
//
// Errors: findings go to the sink (errc.hpp). The returned code is success unless the mapping
// could not start: not_well_formed (document not parsed) or wrong_root. Error findings (e.g. a
// wrong namespace, a missing FlightLeg) make the message rejected but the mapping still fills
// what it can. Nothing throws except std::bad_alloc.
//
// Thread safety: re-entrant; no shared state.
#pragma once

#include <string_view>

#include <boost/system/error_code.hpp>

#include "apipnr/common/diagnostic.hpp"
#include "apipnr/model/canonical.hpp"
#include "apipnr/xml/document.hpp"

namespace apipnr::xml {

inline constexpr std::string_view padis_namespace = "http://www.iata.org/IATA/2007/00";
inline constexpr std::string_view pnrgov_root = "IATA_PNRGOV_NotifRQ";

// Maps a parsed document into `out` (overwritten). REQUIRES: doc.source() still valid when
// line/column are wanted in the findings.
[[nodiscard]] boost::system::error_code map_pnrgov(const document& doc,
                                                   model::canonical_message& out,
                                                   diagnostic_sink& sink);

// parse() then map_pnrgov(): the whole intake of one PNRGOV XML push.
[[nodiscard]] boost::system::error_code read_pnrgov(std::string_view buffer,
                                                    model::canonical_message& out,
                                                    diagnostic_sink& sink, const limits& lim = {});

}  // namespace apipnr::xml
