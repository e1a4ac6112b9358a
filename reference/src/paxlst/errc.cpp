#include "apipnr/paxlst/errc.hpp"

#include <array>
#include <string>

namespace apipnr::paxlst {
namespace {

using apipnr::scope;
using apipnr::severity;

// The single table of PAXLST-layer codes, in enumerator order (errc_test checks it). Severities
// follow the requirement level: a MUST broken in a way that loses meaning is an error; a
// deviation the receiver can read through is a warning; notes about the reading are info.
constexpr std::array<errc_info, 46> table{{
    {errc::ok, "PAX-OK", "", scope::message, severity::info, "no error"},
    {errc::no_such_message, "PAX-MSG-INDEX", "", scope::interchange, severity::error,
     "message index out of range"},
    {errc::not_paxlst, "PAX-MSG-TYPE", "API-PAXLST-ENV-001", scope::message, severity::error,
     "message is not a PAXLST"},
    {errc::missing_bgm, "PAX-BGM-MISSING", "API-PAXLST-STR-002", scope::message, severity::error,
     "BGM missing after UNH"},
    {errc::unknown_document, "PAX-BGM-DOCUMENT", "API-PAXLST-BGM-001", scope::element,
     severity::error, "BGM document name code is not 745, 250, 266, 336 or 655"},
    {errc::unknown_subtype, "PAX-BGM-SUBTYPE", "API-PAXLST-BGM-008", scope::element,
     severity::warning, "BGM subtype (C106/1004) is not defined for this document code"},
    {errc::bad_prepared_date, "PAX-UNB-DATE", "API-PAXLST-DTM-004", scope::interchange,
     severity::warning, "UNB preparation date/time is not a real date; two-digit years fall back"},
    {errc::header_not_mapped, "PAX-HDR-UNMAPPED", "API-PAXLST-STR-001", scope::segment,
     severity::info, "header segment has no field in the canonical model"},
    {errc::missing_flight, "PAX-TDT-MISSING", "API-PAXLST-STR-003", scope::message, severity::error,
     "no TDT: the message names no flight"},
    {errc::bad_transport_stage, "PAX-TDT-STAGE", "API-PAXLST-TDT-001", scope::element,
     severity::warning, "TDT transport stage qualifier is not 20 or 34"},
    {errc::unpaired_location, "PAX-LEG-UNPAIRED", "API-PAXLST-LOC-007", scope::segment,
     severity::warning, "itinerary location has no partner (departure without arrival or back)"},
    {errc::legs_out_of_order, "PAX-LEG-ORDER", "API-PAXLST-LOC-007", scope::segment,
     severity::warning, "arrival location sent before its departure location"},
    {errc::unknown_location, "PAX-LEG-QUALIFIER", "API-PAXLST-LOC-007", scope::element,
     severity::warning, "itinerary LOC qualifier is not 125, 87, 92, 130, 188, 172 or 192"},
    {errc::missing_leg_time, "PAX-LEG-TIME", "API-PAXLST-LOC-001", scope::segment,
     severity::warning, "itinerary LOC without its scheduled date/time"},
    {errc::bad_date, "PAX-DTM-INVALID", "API-PAXLST-DTM-003", scope::element, severity::error,
     "date or date/time is not a real YYMMDD[HHMM] value"},
    {errc::unexpected_date, "PAX-DTM-QUALIFIER", "API-PAXLST-STR-009", scope::element,
     severity::warning, "DTM qualifier not expected in this group"},
    {errc::unknown_party_function, "PAX-NAD-FUNCTION", "API-PAXLST-NAD-011", scope::element,
     severity::error, "traveller NAD party function is missing or not FL, FM, DDU, DDT or ZZZ"},
    {errc::missing_surname, "PAX-NAD-SURNAME", "API-PAXLST-NAD-012", scope::component,
     severity::error, "traveller NAD has no surname"},
    {errc::title_in_name, "PAX-NAD-TITLE", "API-PAXLST-NAD-012", scope::component,
     severity::warning, "name component carries a title (MR, MRS, DR, ...); kept as sent"},
    {errc::unknown_gender, "PAX-ATT-GENDER", "API-PAXLST-ATT-002", scope::element,
     severity::warning, "gender is not M, F, U or X (or ATT qualifier is not 2)"},
    {errc::unknown_traveller_location, "PAX-LOC-QUALIFIER", "API-PAXLST-LOC-010", scope::element,
     severity::warning, "traveller LOC qualifier is not 22, 174, 178, 179 or 180"},
    {errc::repeated_value, "PAX-VAL-REPEATED", "API-PAXLST-STR-010", scope::segment,
     severity::warning, "second value for a single-valued field; the first is kept"},
    {errc::unknown_reference, "PAX-RFF-QUALIFIER", "API-PAXLST-RFF-010", scope::element,
     severity::warning, "traveller RFF qualifier is not AVF, ABO, SEA, CR, AEA or YZY"},
    {errc::tn_in_traveller, "PAX-RFF-TN", "API-PAXLST-RFF-012", scope::element, severity::error,
     "RFF+TN inside a traveller group"},
    {errc::emp_on_passenger, "PAX-EMP-PASSENGER", "API-PAXLST-EMP-002", scope::segment,
     severity::warning, "EMP on a traveller who is not crew"},
    {errc::unknown_crew_function, "PAX-EMP-CATEGORY", "API-PAXLST-EMP-001", scope::component,
     severity::warning, "crew function is not CR1..CR5"},
    {errc::bad_quantity, "PAX-QTY-INVALID", "API-PAXLST-MEA-002", scope::element, severity::error,
     "quantity is not a number"},
    {errc::unknown_measure, "PAX-MEA-QUALIFIER", "API-PAXLST-MEA-001", scope::element,
     severity::warning, "MEA qualifier is not CT or WT"},
    {errc::unknown_contact_channel, "PAX-COM-CHANNEL", "API-PAXLST-COM-001", scope::component,
     severity::warning, "COM channel is not TE, FX or EM; kept as type other"},
    {errc::segment_not_mapped, "PAX-SEG-UNMAPPED", "API-PAXLST-STR-001", scope::segment,
     severity::info, "segment has no field in the canonical model"},
    {errc::document_outside_traveller, "PAX-DOC-PLACE", "API-PAXLST-STR-009", scope::segment,
     severity::error, "document segment outside a traveller group"},
    {errc::missing_document_number, "PAX-DOC-NUMBER", "API-PAXLST-DOC-001", scope::element,
     severity::error, "DOC without a document number"},
    {errc::segment_outside_group, "PAX-SEG-PLACE", "API-PAXLST-STR-009", scope::segment,
     severity::error, "segment outside the group it belongs to"},
    {errc::missing_cnt, "PAX-CNT-MISSING", "API-PAXLST-CNT-004", scope::message, severity::warning,
     "no CNT: totals unknown"},
    {errc::unknown_count, "PAX-CNT-QUALIFIER", "API-PAXLST-CNT-001", scope::element,
     severity::warning, "CNT qualifier is not 41 or 42"},
    {errc::count_mismatch, "PAX-CNT-MISMATCH", "API-PAXLST-CNT-003", scope::message,
     severity::warning, "CNT total differs from the travellers received"},
    {errc::part_out_of_order, "PAX-PART-ORDER", "API-PAXLST-MULTI-005", scope::message,
     severity::info, "part arrived before a lower-numbered part"},
    {errc::part_duplicate, "PAX-PART-DUPLICATE", "API-PAXLST-MULTI-006", scope::message,
     severity::warning, "part received again; the copy is ignored"},
    {errc::part_missing, "PAX-PART-MISSING", "API-PAXLST-MULTI-004", scope::message,
     severity::error, "multi-part set incomplete: part numbers missing"},
    {errc::part_no_final, "PAX-PART-NO-FINAL", "API-PAXLST-MULTI-002", scope::message,
     severity::error, "multi-part set has no part flagged F"},
    {errc::part_timeout, "PAX-PART-TIMEOUT", "API-PAXLST-MULTI-004", scope::message,
     severity::error, "multi-part set not completed within the timeout"},
    {errc::part_bad_number, "PAX-PART-NUMBER", "API-PAXLST-MULTI-002", scope::element,
     severity::error, "part number is not a positive number or lies beyond the final part"},
    {errc::part_conflict, "PAX-PART-CONFLICT", "API-PAXLST-CNT-002", scope::message,
     severity::warning, "parts of one set disagree (final part number or CNT total)"},
    {errc::limit_parts, "PAX-LIM-PARTS", "API-PAXLST-MULTI-004", scope::message, severity::error,
     "too many parts in one multi-part set; part refused"},
    {errc::limit_sets, "PAX-LIM-SETS", "API-PAXLST-MULTI-004", scope::message, severity::error,
     "too many multi-part sets open; part refused"},
    {errc::limit_bytes, "PAX-LIM-BYTES", "API-PAXLST-MULTI-004", scope::message, severity::error,
     "buffered multi-part data exceeds the limit; part refused"},
}};

class category final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "apipnr.paxlst"; }
  std::string message(int ev) const override {
    if (ev < 0 || static_cast<std::size_t>(ev) >= table.size()) return "unknown paxlst error";
    return std::string(info(static_cast<errc>(ev)).message);
  }
};

}  // namespace

const errc_info& info(errc e) noexcept {
  const auto i = static_cast<std::size_t>(e);
  return i < table.size() ? table[i] : table[0];
}

std::span<const errc_info> all_errc() noexcept { return table; }

const boost::system::error_category& paxlst_category() noexcept {
  static const category c;
  return c;
}

}  // namespace apipnr::paxlst
