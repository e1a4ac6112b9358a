// The profile stage's clean case, decided fast (stage 3 of the one-pass walker,
// docs/PERFORMANCE.md): whether profile::validate() would report nothing for a message,
// decided from flat op arrays compiled once at load, in one walk over the tree's segment array.
//
//   if (!profile::fast_validate(ic, i, tree, prof, opt)) profile::validate(ic, i, tree, prof, sink,
//   opt);
//
// Contract: returns true only when validate(ic, message_index, tree, prof, sink, opt) would
// report nothing to its sink (rules and message-level envelope settings alike). False means
// "not decided here", not "there are findings": the caller then runs validate(), which decides
// and reports everything, so findings and verdicts are the same with or without this call.
// It gives up (false) on any value or occurrence that a rule would report or that it does not
// decide itself (a release character, a date outside YYMMDD's clean case, a rule kind without
// a fast form, earlier parts of a logical message, report_accepted, ...), and always for a
// definition whose rules have a shape it does not compile (fast_definition::usable).
//
// Errors: none; never throws on input (allocation failure aside). Lifetime: arguments only need
// to live for the call. Thread safety: reentrant; a profile may be shared by many threads (the
// walk's scratch storage is per thread).
#pragma once

#include <cstddef>

#include "apipnr/edifact/interchange.hpp"
#include "apipnr/message/tree.hpp"
#include "apipnr/profile/profile.hpp"
#include "apipnr/profile/validate.hpp"

namespace apipnr::profile {

bool fast_validate(const edifact::interchange& ic, std::size_t message_index,
                   const message::message_tree& tree, const profile& prof,
                   const validate_options& opt = {});

}  // namespace apipnr::profile
