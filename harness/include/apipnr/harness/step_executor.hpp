// The steps of a sequence case that are not plain sends (vectors/README.md "Sequences",
// docs/HARNESS.md "Sequences"): `control` (POST the step's JSON file to the target's
// control.status_change_url and judge the HTTP status) and `await_unsolicited` (wait up to
// `within_ms` for the next unsolicited message the receiver sends for this case, and judge it).
//
// Division of work: the runner (runner.hpp) owns the order of the steps, the sends and waits,
// one worker per case, the verdict of the case (the worst step verdict) and the evidence. An
// executor owns these two step kinds end to end: the I/O and the judgement of the step against
// its `expect` (control: `http_status`, default 202; await_unsolicited: its CUSRES expectation;
// nothing arriving within `within_ms` is `timeout`).
//
// Capabilities: before a case's first step the runner asks `supports(kind)` for every kind the
// case uses. A case needing an unsupported kind is skipped, nothing sent, with the reason
// "target has no control section" or "target has no unsolicited section" (the genuine outcome
// for a target file without them, C1 of the shared contracts). Without any executor
// (runner_options::steps null) both kinds are unsupported.
//
// Thread safety: `execute` is called concurrently from the runner's worker threads, each call
// for a different case; the steps of one case are never concurrent. `supports` may be called
// from any thread.
// Errors: `execute` never throws and never blocks much longer than the step's `within_ms` (or
// the target's timeout for control); a problem reaching the endpoint is an outcome
// (timeout / transport_error / endpoint_down in `observed` and `judged`), never an exception.
// If one escapes anyway the runner records it as transport_error for that step.
// Lifetime: the executor outlives run_cases().
#pragma once

#include <cstddef>
#include <string>

#include "apipnr/harness/exchange.hpp"
#include "apipnr/harness/verdict.hpp"
#include "apipnr/vectors/manifest.hpp"

namespace apipnr::harness {

// What one control or await_unsolicited step did.
struct step_outcome {
  // control: the JSON body POSTed (content_type application/json); await_unsolicited: empty
  // body. `correlation_id` as handed to execute().
  exchange sent;
  // control: the HTTP answer; await_unsolicited: the unsolicited message (its body, headers,
  // arrival), or outcome `timeout` when none arrived within `within_ms`.
  observation observed;
  // The harness's own reading of `observed` (e.g. the CUSRES of an unsolicited message);
  // default ("not reported") when not applicable.
  classification classified;
  // The URL posted to, or where the unsolicited message arrived (queue or listen address).
  std::string endpoint;
  // The step's verdict from the closed set, with expected / actual / reason lines.
  judgement judged;
};

class step_executor {
 public:
  virtual ~step_executor() = default;
  // True when the target has what `kind` needs (control: a `control` section; await_unsolicited:
  // an `unsolicited` section). Never true for send or wait, which the runner runs itself.
  virtual bool supports(vectors::step_kind kind) const = 0;
  // Runs step `step` (0-based index into c.steps, of kind control or await_unsolicited).
  // `correlation_id` is "<run_id>/<case id>/<exchange number>", unique in the run.
  virtual step_outcome execute(const vectors::case_spec& c, std::size_t step,
                               const std::string& correlation_id) = 0;
};

}  // namespace apipnr::harness
