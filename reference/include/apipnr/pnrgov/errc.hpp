// Finding codes of the PNRGOV mapping layer (PNRGOV EDIFACT -> canonical model).
//
// Each enumerator is a `boost::system::error_code` (category "apipnr.pnrgov") and the key of a
// static table (`info()`) with its stable diagnostic ID (`PNRMAP-*`), the requirement ID it
// enforces (specs/requirements/pnrgov.json `PNR-GOV-*` or data-protection.json `DP-*`), its
// default severity and scope, and a one-line message. The table is the single source of truth;
// docs/error-codes-pnrgov.md lists every ID (a unit test checks it).
//
// Data protection (DP-LOG-003): no finding of this layer ever carries a personal value (name,
// document number, contact, card number, SSR text) in `detail`; details name fields and
// positions only.
//
// Thread safety: everything here is immutable and safe to use from any thread.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <type_traits>

#include <boost/system/error_code.hpp>

#include "apipnr/common/diagnostic.hpp"

namespace apipnr::pnrgov {

enum class errc : std::uint8_t {
  ok = 0,
  // -- returned by extract() (processing could not start) -----------------------------------
  no_such_message = 1,  // message_index is not a message of the interchange
  not_pnrgov,           // UNH S009/0065 is not PNRGOV
  // -- message level -------------------------------------------------------------------------
  unknown_version,       // no loaded definition matches the UNH version/release
  level0_missing,        // MSG, TVL or EQN missing before the first SRC
  msg_function_unknown,  // level-0 MSG function neither 22 nor 141
  eqn_zero,              // level-0 EQN+0: a push without PNRs
  eqn_count_mismatch,    // PNR groups in this message differ from the level-0 EQN
  // -- PNR group -----------------------------------------------------------------------------
  rci_missing,                // SG1 without RCI after SRC
  rci_fallback,               // locator taken from an RCI in the flight group (SG5)
  org_missing,                // SG1 without ORG (not a cancellation)
  cancellation_in_full_push,  // empty ORG in a full push (MSG 22)
  segment_out_of_context,     // a segment where its group cannot be; mapped to the nearest owner
  segment_not_mapped,         // a segment the canonical model has no field for (kept in findings)
  unknown_segment,            // a tag PNRGOV does not define
  invalid_value,              // a date, time or number that does not parse; the field is omitted
  // -- itinerary -----------------------------------------------------------------------------
  arrival_date_inferred,   // TVL arrival time without arrival date: departure date assumed
  legs_not_chronological,  // TVL legs out of date order (kept in message order)
  codeshare_pair,          // second TVL of a marketing/operating pair merged into one leg
  // -- travellers and SSRs -------------------------------------------------------------------
  traveller_ref_unknown,  // a 9944 reference that names no TIF of the PNR
  ssr_misplaced,          // DOCS/DOCA/DOCO outside SG2, assigned by its 9944 reference
  ssr_unassigned,         // DOCS/DOCA/DOCO outside SG2 without a usable reference
  docs_shifted,           // DOCS free text shifted by one or more positions
  docs_invalid_gender,    // DOCS gender not M, F, MI, FI or U
  docs_invalid_date,      // DOCS date of birth or expiry not DDMMMYY
  docs_incomplete,        // DOCS without document number, gender or date of birth
  free_text_malformed,    // DOCO/DOCA/CTCx free text with too many or missing fields
  extra_tif_names,        // further C324 name composites in one TIF (not mapped)
  // -- data protection -----------------------------------------------------------------------
  full_pan_in_clear,  // FOP account number sent unmasked; masked at intake
  sensitive_removed,  // the sensitive-data filter removed items (count only)
  // -- limits --------------------------------------------------------------------------------
  limit_pnrs,        // more PNR groups than extract_options::max_pnrs
  limit_travellers,  // more TIF groups in one PNR than max_travellers_per_pnr
  limit_items,       // more entries in one list of a PNR than max_items_per_list
};

struct errc_info {
  errc code;
  std::string_view id;           // stable diagnostic ID, e.g. "PNRMAP-RCI-MISSING"
  std::string_view requirement;  // requirement ID, e.g. "PNR-GOV-RCI-002"
  apipnr::severity level;        // default severity
  apipnr::scope default_scope;
  std::string_view message;  // one-line English description
};

// Table lookup; never fails (unknown values map to a generic "PNRMAP-UNKNOWN" entry).
const errc_info& info(errc e) noexcept;

// All entries, in enumerator order, excluding `ok` (for docs and tests).
std::span<const errc_info> all_errc_info() noexcept;

const boost::system::error_category& pnrgov_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), pnrgov_category()};
}

}  // namespace apipnr::pnrgov

namespace boost::system {
template <>
struct is_error_code_enum<apipnr::pnrgov::errc> : std::true_type {};
}  // namespace boost::system
