// PNRGOV EDIFACT -> canonical model (specs/canonical, "pnr_push" messages).
//
// `extract()` maps ONE message of a parsed interchange (UNH..UNT) to a canonical_message:
//   message info     UNB/UNH envelope, MSG function (document_code, scenario)
//   pnr_push         MSG 22 full / 141 update (PNR-GOV-MSG-001), level-0 ORG originator
//   flight, totals   level-0 TVL (PNR-GOV-TVL-001) and EQN (PNR-GOV-EQN-001)
//   pnrs             one per SG1 (SRC): RCI, DAT 700, IFT, ORG (empty ORG in an update push =
//                    cancelled, PNR-GOV-CANCEL-001), ADD, SG2 travellers (TIF, FTI, REF, SSR,
//                    DOCS/DOCO/DOCA/CTCx, SG3 tickets with MON and SG4 FOP), SG5 itinerary (TVL,
//                    TRA, RPI, APD, codeshare TVL pairs), SG6/SG7 check-in, SG8 split locators,
//                    SG9 non-air segments, SG10-SG12 history and LTS.
//
// Grouping. The mapper walks the segments with the PNRGOV group grammar of STANDARDS.md §3.2
// (the one specs/messages/pnrgov-*.json encode) but tolerantly, the way production traffic
// needs it (PNR-GOV-STR-003, GTAS defect classes): a segment where its group cannot be is
// mapped to the nearest owner and reported (PNRMAP-CONTEXT); nothing is silently dropped: a
// segment the model has no field for is reported as PNRMAP-NOT-MAPPED. Structural validation
// against the definition is message::parse_structure's job, not this one's; `defs` is used to
// check that the version is a known one (PNRMAP-VERSION).
//
// Values: release characters removed, upper case kept; DDMMYY+HHMM dates become local ISO
// date-times, DOCS DDMMMYY dates ISO dates with two-digit years resolved against the UNB
// preparation date (births into the past, expiries forward with a look-back); legs keep message
// order and their sequence numbers as given (PNR-GOV-TVL-007 is reported, not "fixed").
// Card numbers are masked to the last four (DP-MASK-004); sensitive items are removed and
// counted (DP-SENS-001) before the model is returned, and no finding carries personal data.
//
// Errors: returns errc::no_such_message or errc::not_pnrgov (also reported to `sink`, fatal)
// when mapping cannot start; everything else is a finding and a (possibly partial) model.
// Never throws on input (std::bad_alloc only).
//
// Lifetime: the result owns all its strings. Thread safety: pure function of its arguments.
#pragma once

#include <cstddef>
#include <cstdint>

#include <boost/system/result.hpp>

#include "apipnr/common/diagnostic.hpp"
#include "apipnr/edifact/interchange.hpp"
#include "apipnr/message/definitions.hpp"
#include "apipnr/message/tree.hpp"
#include "apipnr/model/canonical.hpp"
#include "apipnr/pnrgov/errc.hpp"
#include "apipnr/pnrgov/sensitive.hpp"

namespace apipnr::pnrgov {

struct extract_options {
  bool filter_sensitive = true;  // DP-SENS-001; off only for tools that inspect raw traffic
  sensitive_config sensitive = sensitive_config::defaults();
  // Hard limits (RCV-LIM-001). Over a limit: one error finding, the rest is not mapped.
  std::uint32_t max_pnrs = 99'999;
  std::uint32_t max_travellers_per_pnr = 999;
  std::uint32_t max_items_per_list = 9'999;  // legs, SSRs, OSIs, history lines, ... per PNR
};

[[nodiscard]] boost::system::result<model::canonical_message> extract(
    const edifact::interchange& ic, std::size_t message_index, const message::definitions& defs,
    diagnostic_sink& sink, const extract_options& options = {});

// The same for the message of `tree` (message::parse_structure()'s result; it must outlive the
// call, and so must the interchange it was parsed from): values are read through the tree's
// element and component index instead of splitting every segment again. Same result and
// findings as extract(*tree.source, tree.message_index, defs, sink, options); a tree without
// source gives errc::no_such_message.
[[nodiscard]] boost::system::result<model::canonical_message> extract(
    const message::message_tree& tree, const message::definitions& defs, diagnostic_sink& sink,
    const extract_options& options = {});

}  // namespace apipnr::pnrgov
