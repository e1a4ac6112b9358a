// Finding and error codes of the PAXLST layer: PAXLST / iAPI request -> canonical model
// (extract.hpp) and multi-part reassembly (reassembler.hpp).
//
// Each enumerator is a `boost::system::error_code` (category "apipnr.paxlst") and the key of a
// static table (`info()`): stable diagnostic ID (PAX-*), requirement ID in
// specs/requirements/paxlst.json, default scope and severity, and a one-line message.
// docs/error-codes-paxlst.md lists them (a test checks that every ID is documented).
//
// Thread safety: immutable, safe from any thread.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <type_traits>

#include <boost/system/error_code.hpp>

#include "apipnr/common/diagnostic.hpp"

namespace apipnr::paxlst {

enum class errc : std::uint8_t {
  ok = 0,
  // -- returned, not reported ------------------------------------------------------------------
  no_such_message,  // message_index out of range
  not_paxlst,       // UNH message type is not PAXLST
  // -- header --------------------------------------------------------------------------------
  missing_bgm,        // no BGM after UNH
  unknown_document,   // BGM 1001 not 745/250/266/336/655
  unknown_subtype,    // BGM C106/1004 not defined for the document code
  bad_prepared_date,  // UNB S004 is not a real date/time; DOB/expiry fall back
  header_not_mapped,  // a header segment with no canonical field (DTM, CTA, extra SG1)
  // -- flight ----------------------------------------------------------------------------------
  missing_flight,       // no TDT
  bad_transport_stage,  // TDT 8051 not 20/34
  unpaired_location,    // SG3 LOC without its partner (125 without 87, single 92)
  legs_out_of_order,    // arrival LOC before its departure LOC
  unknown_location,     // SG3 LOC qualifier outside 125/87/92/130/188/172/192
  missing_leg_time,     // LOC 125/87 without DTM 189/232
  // -- dates -----------------------------------------------------------------------------------
  bad_date,         // not a real date / date-time in the expected format
  unexpected_date,  // DTM qualifier not expected in this group
  // -- traveller -------------------------------------------------------------------------------
  unknown_party_function,      // traveller NAD 3035 outside FL/FM/DDU/DDT/ZZZ/COT
  missing_surname,             // traveller NAD without C080 surname
  title_in_name,               // MR/MRS/MS/DR... inside a name component
  unknown_gender,              // ATT gender outside M/F/U/X, or ATT 9017 not 2
  unknown_traveller_location,  // traveller LOC qualifier outside 22/174/178/179/180
  repeated_value,              // a second value for a single-valued field (NAT, LOC 178, ...)
  unknown_reference,           // traveller RFF qualifier outside AVF/ABO/SEA/CR/AEA/YZY
  tn_in_traveller,             // RFF+TN inside a traveller group
  emp_on_passenger,            // EMP on a non-crew traveller
  unknown_crew_function,       // EMP category outside CR1..CR5
  bad_quantity,                // MEA/FTX/CNT number not numeric
  unknown_measure,             // MEA qualifier outside CT/WT
  unknown_contact_channel,     // COM 3155 outside TE/FX/EM
  segment_not_mapped,          // a traveller/document segment with no canonical field (CPI, QTY...)
  // -- documents -------------------------------------------------------------------------------
  document_outside_traveller,  // DOC (or its DTM/LOC) before any traveller NAD or after CNT
  missing_document_number,     // DOC without 1004
  // -- structure / totals ----------------------------------------------------------------------
  segment_outside_group,  // a segment the structure did not place (reported, still read)
  missing_cnt,            // no CNT
  unknown_count,          // CNT qualifier not 41/42
  count_mismatch,         // CNT differs from the travellers received
  // -- multi-part ------------------------------------------------------------------------------
  part_out_of_order,  // a part arrived before a lower-numbered one (accepted)
  part_duplicate,     // the same part number again (ignored, idempotent)
  part_missing,       // set timed out / flushed with gaps in 1..N
  part_no_final,      // set timed out / flushed without an F part
  part_timeout,       // set timed out
  part_bad_number,    // S010/0070 not a positive number, or beyond the F part
  part_conflict,      // parts of a set disagree (F twice with different numbers, CNT differs)
  limit_parts,        // more parts in one set than reassembly_limits::max_parts
  limit_sets,         // more open sets than reassembly_limits::max_sets
  limit_bytes,        // buffered bytes beyond reassembly_limits::max_bytes
};

struct errc_info {
  errc code;
  std::string_view id;           // stable diagnostic ID, e.g. "PAX-LEG-UNPAIRED"
  std::string_view requirement;  // requirement ID (specs/requirements/paxlst.json)
  apipnr::scope where;
  apipnr::severity level;
  std::string_view message;
};

const errc_info& info(errc e) noexcept;
std::span<const errc_info> all_errc() noexcept;

const boost::system::error_category& paxlst_category() noexcept;
inline boost::system::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), paxlst_category()};
}

}  // namespace apipnr::paxlst

template <>
struct boost::system::is_error_code_enum<apipnr::paxlst::errc> : std::true_type {};
