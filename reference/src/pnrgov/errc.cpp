#include "apipnr/pnrgov/errc.hpp"

#include <array>
#include <string>

#include "apipnr/common/errc_table.hpp"

namespace apipnr::pnrgov {
namespace {

using apipnr::scope;
using apipnr::severity;

// The single table of PNRGOV mapping findings. Order must follow the enumerators (checked in
// errc_test.cpp). Severities are the baseline profile's: structure deviations GTAS tolerates
// are warnings (PNR-GOV-STR-003), so a receiver keeps the PNR and reports the deviation.
constexpr std::array<errc_info, 33> table{{
    {errc::no_such_message, "PNRMAP-NO-MESSAGE", "RCV-BAD-003", severity::fatal, scope::message,
     "message index is not a message of the interchange"},
    {errc::not_pnrgov, "PNRMAP-NOT-PNRGOV", "PNR-GOV-ENV-005", severity::fatal, scope::message,
     "message type is not PNRGOV"},
    {errc::unknown_version, "PNRMAP-VERSION", "PNR-GOV-VER-001", severity::warning, scope::message,
     "no message definition matches the PNRGOV version and release"},
    {errc::level0_missing, "PNRMAP-LEVEL0-MISSING", "PNR-GOV-STR-001", severity::error,
     scope::message, "level-0 MSG, TVL or EQN missing before the first PNR group"},
    {errc::msg_function_unknown, "PNRMAP-MSG-FUNCTION", "PNR-GOV-MSG-002", severity::warning,
     scope::element, "level-0 MSG function is neither 22 (full push) nor 141 (update push)"},
    {errc::eqn_zero, "PNRMAP-EQN-ZERO", "PNR-GOV-EQN-002", severity::info, scope::segment,
     "level-0 EQN announces no PNRs"},
    {errc::eqn_count_mismatch, "PNRMAP-EQN-COUNT", "PNR-GOV-EQN-003", severity::warning,
     scope::segment, "number of PNR groups differs from the level-0 EQN"},
    {errc::rci_missing, "PNRMAP-RCI-MISSING", "PNR-GOV-RCI-002", severity::warning, scope::segment,
     "PNR group has no RCI after SRC"},
    {errc::rci_fallback, "PNRMAP-RCI-FALLBACK", "PNR-GOV-RCI-002", severity::info, scope::segment,
     "record locator taken from an RCI in the flight group"},
    {errc::org_missing, "PNRMAP-ORG-MISSING", "PNR-GOV-ORG-003", severity::info, scope::segment,
     "PNR group has no ORG (booking originator unknown)"},
    {errc::cancellation_in_full_push, "PNRMAP-CANCEL-FULL", "PNR-GOV-CANCEL-001", severity::warning,
     scope::segment, "empty ORG (cancellation) in a full push; the PNR is not marked cancelled"},
    {errc::segment_out_of_context, "PNRMAP-CONTEXT", "PNR-GOV-STR-003", severity::warning,
     scope::segment, "segment outside the group it belongs to"},
    {errc::segment_not_mapped, "PNRMAP-NOT-MAPPED", "PNR-GOV-STR-003", severity::info,
     scope::segment, "segment has no field in the canonical model"},
    {errc::unknown_segment, "PNRMAP-SEGMENT-UNKNOWN", "PNR-GOV-STR-003", severity::warning,
     scope::segment, "segment tag is not defined for PNRGOV"},
    {errc::invalid_value, "PNRMAP-VALUE", "PNR-GOV-TVL-002", severity::warning, scope::component,
     "date, time or number does not parse; the field is omitted"},
    {errc::arrival_date_inferred, "PNRMAP-TVL-ARRIVAL-DATE", "PNR-GOV-TVL-003", severity::info,
     scope::component, "TVL arrival date omitted; the departure date is assumed"},
    {errc::legs_not_chronological, "PNRMAP-TVL-ORDER", "PNR-GOV-TVL-007", severity::info,
     scope::segment, "itinerary legs are not in date order; kept in message order"},
    {errc::codeshare_pair, "PNRMAP-TVL-CODESHARE", "PNR-GOV-TVL-005", severity::info,
     scope::segment, "operating-carrier TVL merged into the preceding marketing leg"},
    {errc::traveller_ref_unknown, "PNRMAP-REF-UNKNOWN", "PNR-GOV-TIF-005", severity::warning,
     scope::component, "traveller reference (9944) names no traveller of the PNR"},
    {errc::ssr_misplaced, "PNRMAP-SSR-GROUP", "PNR-GOV-SSR-003", severity::warning, scope::segment,
     "document SSR outside the traveller group; assigned by its reference"},
    {errc::ssr_unassigned, "PNRMAP-SSR-UNASSIGNED", "PNR-GOV-SSR-003", severity::warning,
     scope::segment,
     "document SSR outside the traveller group without a usable reference; kept at PNR level"},
    {errc::docs_shifted, "PNRMAP-DOCS-SHIFT", "PNR-GOV-SSR-008", severity::warning,
     scope::component,
     "DOCS free text is shifted; only fields identified by their form are assigned"},
    {errc::docs_invalid_gender, "PNRMAP-DOCS-GENDER", "PNR-GOV-SSR-006", severity::warning,
     scope::component, "DOCS gender is not M, F, MI, FI or U"},
    {errc::docs_invalid_date, "PNRMAP-DOCS-DATE", "PNR-GOV-SSR-007", severity::warning,
     scope::component, "DOCS date of birth or expiry is not a DDMMMYY date"},
    {errc::docs_incomplete, "PNRMAP-DOCS-INCOMPLETE", "PNR-GOV-SSR-009", severity::warning,
     scope::component, "DOCS lacks the document number, gender or date of birth"},
    {errc::free_text_malformed, "PNRMAP-SSR-TEXT", "PNR-GOV-SSR-010", severity::warning,
     scope::component, "DOCO, DOCA or contact SSR free text does not have the AIRIMP layout"},
    {errc::extra_tif_names, "PNRMAP-TIF-NAMES", "PNR-GOV-TIF-001", severity::warning,
     scope::element, "TIF carries further name composites that are not mapped"},
    {errc::full_pan_in_clear, "PNRMAP-FOP-PAN", "DP-MASK-004", severity::warning, scope::component,
     "card number sent in clear; masked to the last four characters"},
    {errc::sensitive_removed, "PNRMAP-SENS-REMOVED", "DP-SENS-001", severity::info, scope::message,
     "sensitive-data filter removed items before storage (count only)"},
    {errc::limit_pnrs, "PNRMAP-LIM-PNRS", "RCV-LIM-001", severity::error, scope::message,
     "more PNR groups than the configured limit; the rest are not mapped"},
    {errc::limit_travellers, "PNRMAP-LIM-TRAVELLERS", "RCV-LIM-001", severity::error,
     scope::segment, "more travellers in one PNR than the configured limit"},
    {errc::limit_items, "PNRMAP-LIM-ITEMS", "RCV-LIM-001", severity::error, scope::segment,
     "more entries in one list of a PNR than the configured limit"},
    {errc::ok, "PNRMAP-UNKNOWN", "", severity::error, scope::message,
     "unknown PNRGOV mapping code"},
}};

const common::table_category<errc_info>& category() noexcept {
  static const common::table_category<errc_info> instance(
      "apipnr.pnrgov", std::span<const errc_info>(table).first(table.size() - 1), table.back(),
      common::errc_text::message_only);
  return instance;
}

}  // namespace

const errc_info& info(errc e) noexcept { return category().row(static_cast<int>(e)); }

std::span<const errc_info> all_errc_info() noexcept {
  return std::span<const errc_info>(table).first(table.size() - 1);
}

const boost::system::error_category& pnrgov_category() noexcept { return category(); }

}  // namespace apipnr::pnrgov
