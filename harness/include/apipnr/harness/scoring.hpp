// Roll-up and scoring: from per-case verdicts to per-requirement and per-group evidence, the
// tender score and the compliance statement. Pure functions over values (no I/O).
//
// Requirement status: `failed` if any case citing it failed (fail_*), else `errored` if any
// ended in timeout/transport_error/endpoint_down, else `passed` if any passed, else
// `untested`. A case counts for every requirement it cites.
//
// Score (only when the tender profile has weights): sum of weights of passed requirements /
// sum of weights of requirements that were judged (passed, failed or errored). Untested
// requirements are left out of the denominator and listed, so a smaller selection cannot look
// better by accident without the report saying so. Without weights `score` stays empty.
//
// Compliance: non_compliant when a mandatory requirement failed; incomplete when none failed
// but one is errored or untested (or cited by no case); compliant otherwise.
//
// Thread safety: pure functions.
#pragma once

#include <optional>
#include <vector>

#include "apipnr/harness/results.hpp"
#include "apipnr/harness/tender.hpp"
#include "apipnr/vectors/manifest.hpp"

namespace apipnr::harness {

// Fills r.counts, r.requirements, r.groups, r.score, r.compliance and the mandatory lists from
// r.cases, the catalogue (for group and level) and the optional tender profile.
void roll_up(run_results& r, const vectors::catalogue& cat, const tender_profile* tender);

}  // namespace apipnr::harness
