// Evaluating a profile: rules against one message's group tree, envelope settings against the
// interchange, the syntax table against EDIFACT/message-layer findings, and the severity hook
// the group parser takes for missing mandatory nodes.
//
//   message::message_tree tree;
//   message::parse_structure(ic, i, defs, sink, tree, profile::structure_options_for(prof));
//   profile::validate(ic, i, tree, prof, sink);
//
// Findings (rule checks): code = profile::errc::rule_<check>, id = the rule id
// ("PROF-US-002"), requirement = the rule's requirement (the PRF-RULE-* default when the rule
// names none), level from the rule severity: reject -> error, warn -> warning, accept -> not
// reported (reported as info when validate_options::report_accepted). Positions: segment (UNB
// = 1), message_segment (UNH = 1), element (the position in the segment, positional repeats
// included), component, repetition (separator repeats), offset of the segment. A finding about
// something missing points at the trigger segment of the group instance it is missing from
// (scope segment), or at UNH (scope message) when the instance is the message itself.
//
// Evaluation (README "Select paths"): once per instance of the path's evaluation unit, over
// every matching target below it. Decision: when a path ends in a group step (`SG4/SG5`,
// `SG_REF[RFF+TN]`), the group instances are the targets and the unit is the enclosing group
// step (or the message), so `count` counts them per parent instance. `when` conditions run in
// the ancestor instance of the longest group-step prefix they share with the unit (message
// level when none is shared).
//
// Decision: a `required` rule without `when` whose path ends at a segment or group node the
// definition marks M (no predicate on that step) is *not* evaluated by validate(): the group
// parser already reports that node missing (MSG-SEG-MISSING / MSG-GRP-MISSING) with the
// severity the hook below returns, and reporting it twice would double-count the message.
//
// total_matches with scope "logical_message" counts over `validate_options::earlier_parts`
// plus this message; it is skipped on a part that announces more parts (UNH S010/0073 = "C")
// and on a part numbered n > 1 when fewer than n-1 earlier parts are given.
//
// Errors: none; evaluation never throws and reports only through the sink. A message whose
// definition has no compiled rules (another message type) gets only the envelope checks.
//
// Lifetime: `ic`, `tree` and `prof` only need to live for the call; the function returned by
// missing_severity() refers to `prof`, which must outlive it.
// Thread safety: all functions are reentrant; a profile may be shared by many threads.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <span>
#include <string_view>

#include "apipnr/common/diagnostic.hpp"
#include "apipnr/edifact/errc.hpp"
#include "apipnr/edifact/interchange.hpp"
#include "apipnr/message/definitions.hpp"
#include "apipnr/message/errc.hpp"
#include "apipnr/message/tree.hpp"
#include "apipnr/model/dates.hpp"
#include "apipnr/profile/profile.hpp"

namespace apipnr::profile {

struct validate_options {
  bool report_accepted = false;  // report `accept` findings as info instead of dropping them
  // Date for `compare_to: "today"` and the fallback century reference; nullopt = system clock
  // (UTC). Tests pin it for reproducibility.
  std::optional<model::calendar_date> today;
  // Earlier parts of the same logical message (multi-part PAXLST/PNRGOV), in part order.
  std::span<const message::message_tree* const> earlier_parts;
};

// Profile rules for interchange.messages[message_index] (whose tree is `tree`), plus the
// message-level envelope settings (ung_required, unh_association, directories).
void validate(const edifact::interchange& ic, std::size_t message_index,
              const message::message_tree& tree, const profile& prof, diagnostic_sink& sink,
              const validate_options& opt = {});

// Interchange-level envelope settings: syntax_identifiers, syntax_versions,
// application_reference, recipient_ids, sender_pattern, processing_priority.
void validate_envelope(const edifact::interchange& ic, const profile& prof, diagnostic_sink& sink,
                       const validate_options& opt = {});

// The hook for message::structure_options::missing_severity: the severity of the strictest
// `required` rule without `when` on that node (see above), else the syntax table's
// `missing_mandatory` entry, else nullopt (the parser's default). accept -> info.
std::function<std::optional<apipnr::severity>(const message::node&)> missing_severity(
    const profile& prof);
// structure_options with missing_severity set (other members default).
message::structure_options structure_options_for(const profile& prof);

// The README syntax-table key for an EDIFACT / message-layer finding, or "" when the table has
// no key for it. Missing mandatory segments and groups map to "" on purpose: their severity
// already comes from missing_severity().
std::string_view syntax_key(edifact::errc e) noexcept;
std::string_view syntax_key(message::errc e) noexcept;

// A sink adapter that applies the profile's syntax table to findings of the categories
// "apipnr.edifact" and "apipnr.message": level from the entry's severity (accept -> dropped,
// or info with report_accepted; fatal findings keep `fatal`), syntax_error from contrl_code.
// Other findings pass through unchanged. Holds references: `prof` and `next` must outlive it.
class syntax_sink final : public diagnostic_sink {
 public:
  syntax_sink(const profile& prof, diagnostic_sink& next, bool report_accepted = false) noexcept
      : prof_(prof), next_(next), report_accepted_(report_accepted) {}
  void report(diagnostic d) override;

 private:
  const profile& prof_;
  diagnostic_sink& next_;
  bool report_accepted_;
};

}  // namespace apipnr::profile
