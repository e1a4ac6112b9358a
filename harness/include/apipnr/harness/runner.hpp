// The run: send every selected case (its input, or its parts in order) through a transport,
// classify each answer, look up what the receiver understood (when the target has a query
// interface or export), and judge.
//
// Two phases, so that an export file written by the system under test during the run can be
// read once afterwards: (1) exchange: N workers (`jobs`), each with its own transport from
// the factory, take cases from a shared queue; parts of one case always go through one worker
// in order; (2) judge: data look-ups (if any) and judge() per case, in corpus order.
//
// Sequence cases (`steps`): the steps run in order on the worker that took the case; `send`
// steps go through its transport and are judged by judge() against the step's expect, `wait`
// sleeps, `control` and `await_unsolicited` go to runner_options::steps (step_executor.hpp; a
// case needing a kind the executor does not support, or any such kind without an executor, is
// skipped with the reason naming the missing target section). A transport problem ends the
// sequence (later steps are recorded as skipped). The case verdict is the worst step verdict
// (worst_verdict) combined with the case-level judgement of the last send step's answer and,
// when expect.canonical is given, of the canonical data after the last step; every step gets
// a step_result.
//
// Failure containment: a transport must not throw (exchange.hpp), but if one does the
// exception is caught and recorded as transport_error for that case only.
// Determinism: results are in corpus order whatever `jobs` is; the correlation id of each
// exchange is "<run_id>/<case id>/<part>" (for a sequence, <part> numbers its exchanges).
// Thread safety: `run_cases` is called from one thread; the factory, classifier and progress
// callback are called from worker threads (the progress callback under the runner's mutex).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "apipnr/harness/exchange.hpp"
#include "apipnr/harness/results.hpp"
#include "apipnr/harness/selection.hpp"
#include "apipnr/harness/step_executor.hpp"
#include "apipnr/harness/target.hpp"
#include "apipnr/harness/verdict.hpp"

namespace apipnr::harness {

// What a canonical source found for one case.
struct data_lookup {
  bool found = false;
  nlohmann::json message;  // the canonical document (when found)
  std::string error;       // why not found
};

// What a flight query counted (expect.stored_travellers).
struct travellers_lookup {
  std::optional<std::uint64_t> count;  // nullopt: not answered (error says why)
  std::string error;
  // The source has no flight query at all (an export file): the count is not assessed, which
  // is not the receiver's failure.
  bool unsupported = false;
};

// Where the harness reads what the receiver understood. Called in phase 2, from one thread.
class canonical_source {
 public:
  virtual ~canonical_source() = default;
  // `sent` are the exchanges of the case (correlation ids), `answers` their classifications
  // (message ids), in send order.
  virtual data_lookup lookup(const vectors::case_spec& c, const std::vector<exchange>& sent,
                             const std::vector<classification>& answers) = 0;
  // How many travellers the receiver holds for a flight (GET <base>/v1/flights/{carrier}/
  // {number}/{date}/travellers, every page). A source without a flight query says so.
  virtual travellers_lookup stored_travellers(const vectors::stored_travellers_expectation&) {
    return {std::nullopt, "this canonical source has no flight query", true};
  }
};

// An export file of canonical JSON lines. A line belongs to a case when its `x_correlation_id`
// equals the correlation id of one of the case's exchanges (receivers echo the X-Correlation-Id
// header / AMQP correlation-id). The file is read at the first look-up. Blank lines are
// ignored; a line that is not a JSON object is reported by every look-up as an error.
std::unique_ptr<canonical_source> make_export_source(std::filesystem::path file);

// GET <base>/v1/messages/{id} through `get` (the app passes http_transport::get, which applies
// the target's auth and TLS), using the message id of the last exchange that has one
// (a Location-style id "/v1/messages/<id>" is used as a path as it is).
// `canonical_pointer` picks the message out of the answer (pick_canonical).
using http_get = std::function<observation(const std::string& url)>;
std::unique_ptr<canonical_source> make_query_source(const query_options& q, http_get get);

// Extracts the canonical message from a GET /v1/messages/{id} document (see
// query_options::canonical_pointer); nullopt when none is found.
std::optional<nlohmann::json> pick_canonical(const nlohmann::json& doc, const std::string& pointer);

using transport_factory = std::function<std::unique_ptr<transport>()>;
using classifier = std::function<classification(const observation&)>;

struct progress {
  std::size_t done = 0;
  std::size_t total = 0;
  std::size_t passed = 0, failed = 0, errors = 0, other = 0;  // by the outcome of phase 1
  std::chrono::steady_clock::duration elapsed{};
  std::string last_case;
};

using differ = std::function<std::vector<field_difference>(const nlohmann::json& expected,
                                                           const nlohmann::json& actual)>;

struct runner_options {
  unsigned jobs = 1;
  differ diff;  // optional; default diff_canonical (verdict.hpp)
  std::string run_id = "run";
  judge_options judge;
  std::function<void(const progress&)> on_progress;  // optional
  // Runs the control and await_unsolicited steps of sequence cases; null: such cases are
  // skipped (step_executor.hpp). Not owned.
  step_executor* steps = nullptr;
};

// The worse of two verdicts for a sequence case: a failure (fail_*) is worse than a transport
// problem (timeout, transport_error, endpoint_down), which is worse than skipped, then
// informational, pass_non_strict, pass. Within one class `a` (the earlier step) is kept.
verdict worst_verdict(verdict a, verdict b) noexcept;

// Runs `selection` (skipped entries become `skipped` results with their reason) and returns one
// result per entry, in selection order. `source` may be null (no data-fidelity check).
std::vector<case_result> run_cases(const std::vector<selected_case>& selection, const target& t,
                                   const transport_factory& make_transport,
                                   const classifier& classify_answer, canonical_source* source,
                                   const runner_options& opts);

// A classifier that only reads the HTTP status: 2xx accepted, 4xx rejected, anything else
// unknown. Used when classify.hpp (harness-transport) is not built; it never reports codes, so
// cases stating 0085 codes are judged by non_strict statuses only.
classification classify_by_status(const observation& o);

}  // namespace apipnr::harness
