// The reference receiver's request handling: routes, content negotiation, the reference
// pipeline, durable storage before any acknowledgement, and the acknowledgement itself
// (CONTRL, CUSRES, ACKRES, or an RFC 9457 problem). docs/RECEIVER.md documents every endpoint,
// status code and body.
//
// The service reaches the pipeline, the store and the iAPI decision engine through the three
// small interfaces below, so that it can be tested in-process and so that it does not depend on
// how those components are built. adapters.hpp makes them from the real components.
//
// Thread safety: service::handle() is called from the transport's worker threads at once; the
// service itself is synchronised (atomics and one mutex for the histogram); the interfaces must
// be thread-safe (their contracts say so).
// Lifetime: the service keeps shared ownership of its collaborators.
// Errors: handle() never throws on input; every problem becomes an HTTP answer.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/system/result.hpp>

#include "apipnr/pipeline/pipeline.hpp"
#include "apipnr/receiver/log.hpp"
#include "apipnr/receiver/push_tracker.hpp"
#include "apipnr/responses/cusres.hpp"
#include "apipnr/store/store.hpp"
#include "apipnr/transport/http_server.hpp"

namespace apipnr::receiver {

// Runs the reference check of one input. Thread-safe; never throws on input.
class checker {
 public:
  virtual ~checker() = default;
  virtual pipeline::result check(std::string_view bytes) const = 0;
  // The same into `r`, which may hold the result of an earlier input: afterwards `r` equals
  // what check(bytes) returns. The service checks small inputs into results it keeps between
  // requests, so a checker that can refill storage (the pipeline's: pipeline::engine::check
  // into a result keeps the canonical messages' strings and vectors) overrides this; the
  // default assigns check(bytes). Thread-safe; never throws on input.
  virtual void check_into(std::string_view bytes, pipeline::result& r) const { r = check(bytes); }
  // The logical messages an accepted input completes, to be stored with it: single messages at
  // once, a multi-part set (PAXLST S010 / PNRGOV split push, API-PAXLST-MULTI-*, RCV-MULTI-002)
  // when its last missing part arrives, nothing for a part of a set still open. Set findings
  // (duplicate part, CNT across parts, expired sets) are appended to `set_findings`. `r` is
  // not changed. The default joins nothing: every message at once. Thread-safe.
  virtual std::vector<model::canonical_message> join(const pipeline::result& r,
                                                     std::vector<diagnostic>& set_findings) const {
    (void)set_findings;
    return r.messages;
  }
  // The same for a caller that reads no message of `r` afterwards: the messages may be moved
  // out of `r.messages` instead of copied (the service's PAXLST intake, whose acknowledgement
  // needs only their number). Afterwards r.messages and r.message_source are empty; nothing
  // else of `r` changes. The default copies (join) and then clears them. Thread-safe.
  virtual std::vector<model::canonical_message> join_taking(
      pipeline::result& r, std::vector<diagnostic>& set_findings) const {
    auto out = join(r, set_findings);
    r.messages.clear();
    r.message_source.clear();
    return out;
  }
  // The same as join for a caller that keeps `r` and can store r.messages as they are: when
  // the input loads exactly r.messages, in order (each message loads and is complete on its
  // own, so no set is involved), returns nullopt instead of a copy of them; otherwise what
  // join returns. Set findings (an expired set) are appended either way. For the iAPI intake,
  // whose acknowledgement reads the request's message after the commit: the store is lent
  // r.messages instead of given a copy. The default: join. Thread-safe.
  virtual std::optional<std::vector<model::canonical_message>> join_or_same(
      const pipeline::result& r, std::vector<diagnostic>& set_findings) const {
    return join(r, set_findings);
  }
};

enum class query_status : std::uint8_t { ok, not_found, failed };
struct query_result {
  query_status status = query_status::failed;
  std::string json;  // canonical JSON when ok
};

// The durable store as the service uses it. Thread-safe. put() returns only after the input is
// durably stored (RCV-DUR-001); on error nothing may be acknowledged.
class message_store {
 public:
  virtual ~message_store() = default;
  virtual boost::system::result<store::put_outcome> put(store::received r) = 0;
  // Same, completing later: `done` is called exactly once, on any thread (the store's writer),
  // after the commit or with the error; it must be short. The default calls put() and then
  // `done` on the calling thread.
  using put_done = std::function<void(boost::system::result<store::put_outcome>)>;
  virtual void put_async(store::received r, put_done done);
  // Same, with the canonical messages lent for the call only (`r.messages` is empty): the
  // caller keeps `messages` and may read them once this returns, before or after `done`
  // (store::store::put_async with a span). The default copies them into `r` and calls
  // put_async, so a store that keeps the record (the in-memory one) owns its copy.
  virtual void put_async_lent(store::received r, std::span<const model::canonical_message> messages,
                              put_done done);
  // `actor` (the authenticated sender) is recorded by stores that audit reads (DP-LOG-004).
  virtual query_result interchange(std::int64_t id, std::string_view actor) = 0;
  virtual query_result flight_travellers(std::string_view carrier, std::string_view number,
                                         std::string_view date, std::string_view actor) = 0;
  virtual query_result pnr(std::string_view locator, std::string_view actor) = 0;
  virtual bool is_open() const noexcept = 0;
  virtual std::uint64_t size() const noexcept = 0;  // interchanges stored since start
  virtual void close() noexcept = 0;
  // The SQLite store's group-commit counters and histograms for /metrics; none by default.
  virtual std::optional<store::statistics> statistics() const noexcept { return std::nullopt; }

  // -- iAPI status changes (docs/RECEIVER.md "Officer status changes", API-IAPI-FLOW-007/008).
  // The defaults answer function_not_supported (a store that cannot keep statuses); the
  // control API then answers 501. Same contracts as the store::store members of these names.
  virtual boost::system::result<std::vector<std::int64_t>> iapi_requests(
      const store::flight_key& f);
  // The raw bytes of interchange `id` (for re-reading a stored iAPI request); audited.
  virtual boost::system::result<std::string> raw(std::int64_t id, std::string_view actor);
  virtual boost::system::result<std::optional<std::string>> iapi_status(const store::flight_key& f,
                                                                        std::string_view abo);
  virtual boost::system::result<std::int64_t> put_status_change(store::status_change c);
  virtual boost::system::error_code put_delivery(std::int64_t id, const store::delivery_record& d);
  // Changes whose 132 is still pending (store::store::pending_deliveries), resumed at start.
  virtual boost::system::result<std::vector<store::pending_delivery>> pending_deliveries(
      std::size_t limit);
  virtual query_result status_changes(const store::flight_key& f, std::string_view actor);
};

// The iAPI decision: the CUSRES 962 answering an iAPI request in the canonical model, or an
// error when no CUSRES can echo the request. Thread-safe.
class iapi_decider {
 public:
  virtual ~iapi_decider() = default;
  virtual boost::system::result<responses::cusres_response> answer(
      const model::canonical_message& request, const responses::envelope& env) const = 0;
  // True when the decision lists are loaded (readiness, /readyz).
  virtual bool ready() const noexcept = 0;
  // The refusal of the request as a whole that answer() would give (a header-level ERC, e.g.
  // IAPI-REQ-FLIGHT), or none (empty `code`). The service asks it before storing the request,
  // so that a refused request is stored as reject and answered 422 like one the checks reject.
  // The views point into static tables. Cheap, thread-safe. Default: none (a decider that
  // answers every request per passenger).
  struct refusal_reason {
    boost::system::error_code code;
    std::string_view id;           // stable finding ID, e.g. "IAPI-REQ-FLIGHT"
    std::string_view requirement;  // e.g. "API-CUSRES-RFF-002"
    std::string_view message;      // one line
  };
  virtual refusal_reason refusal(const model::canonical_message& /*request*/) const { return {}; }
};

struct service_options {
  std::string receiver_id = "APIPNR";  // our UNB sender in CONTRL / CUSRES / ACKRES
  std::string receiver_qualifier;
  // Findings kept per input (stored, logged, answered); the rest is counted in one
  // RCV-FINDINGS-LIMIT finding (RCV-LIM-001). The verdict always counts every finding.
  std::size_t max_findings = 1000;
  // Extra Prometheus text appended to /metrics (the transport's own counters).
  std::function<std::string()> extra_metrics;
  // Appended to the "ok\n" of /healthz (a mutant receiver lists its faults there).
  std::string health_detail;
  // Handler of the control API (`/control/...`, officer status changes); unset: 404.
  std::function<transport::response(const transport::request&)> control;
  // Extra readiness condition for /readyz: "" when ready, else why not (e.g. "AMQP intake not
  // connected"). Called on request threads; must be thread-safe.
  std::function<std::string()> readiness;
  // PNR push history (push_tracker.hpp, docs/RECEIVER.md): each accepted PNRGOV push is judged
  // against the earlier pushes of its flight before it is stored. Null: no cross-push checks.
  std::shared_ptr<push_tracker> pushes;
  // API intake (PAXLST, iAPI) whose body has at most this many bytes runs on the HTTP
  // server's I/O thread (transport::handler::runs_on_io_thread): the check, the hand-off to
  // the store and, after the COMMIT, the acknowledgement. 0: never, always a worker. It must
  // stay 0 when a stage may sleep (fault injection). The application sets it
  // (docs/RECEIVER.md "Threads").
  std::size_t io_thread_max_bytes = 0;
};

class service final : public transport::handler {
 public:
  service(service_options opts, std::shared_ptr<const checker> chk,
          std::shared_ptr<message_store> st, std::shared_ptr<const iapi_decider> iapi,
          std::shared_ptr<logger> log);

  transport::response handle(const transport::request& req) override;
  // API intake (PAXLST, iAPI) returns at once and completes from the store's commit callback
  // (the acknowledgement is built on a transport worker, never before the COMMIT,
  // RCV-DUR-001); everything else, PNR intake included, is handle().
  void handle_async(std::shared_ptr<const transport::request> req,
                    transport::responder respond) override;
  // POST of PAXLST or iAPI of at most service_options::io_thread_max_bytes.
  bool runs_on_io_thread(const transport::request& req) const noexcept override;

  // Prometheus text exposition (format 0.0.4) of everything counted so far.
  std::string metrics_text() const;

  // Kinds of intake, for metrics and logs.
  enum class kind : std::uint8_t { paxlst, iapi, pnr_edifact, pnr_xml, count_ };
  static constexpr std::array<double, 10> latency_buckets = {0.001, 0.0025, 0.005, 0.01, 0.025,
                                                             0.05,  0.1,    0.25,  0.5,  1.0};

 private:
  struct intake_state;
  transport::response intake(const transport::request& req, kind k);
  // The two halves of an intake around the store's commit: the checks and the record to store
  // (a response instead when the input is refused before storing), then the acknowledgement.
  std::optional<transport::response> intake_check(intake_state& st, store::received& rec);
  transport::response acknowledge(intake_state& st, boost::system::result<store::put_outcome> put);
  transport::response finish_intake(intake_state& st, transport::response r,
                                    std::string_view verdict);
  transport::response query(const transport::request& req);
  void observe(kind k, std::string_view verdict, double seconds);

  // Results of finished small intakes (inputs of at most reuse_max_bytes), refilled by the
  // next intakes through checker::check_into, so that a small input's canonical model and
  // findings reuse storage instead of being allocated and freed per input. At most
  // reuse_max_results are kept (about as many as intakes in flight: the AMQP credit); each
  // holds the storage of one small input's result, a few kilobytes.
  static constexpr std::size_t reuse_max_bytes = 8 * 1024;
  static constexpr std::size_t reuse_max_results = 256;
  std::unique_ptr<pipeline::result> take_result();
  void give_back(std::unique_ptr<pipeline::result> r) noexcept;

  service_options opts_;
  std::shared_ptr<const checker> checker_;
  std::shared_ptr<message_store> store_;
  std::shared_ptr<const iapi_decider> iapi_;
  std::shared_ptr<logger> log_;
  std::atomic<std::uint64_t> control_counter_{0};
  std::atomic<std::uint64_t> in_flight_{0};

  // Counters per kind and verdict (accept, accept_with_warnings, reject, failed, duplicate).
  static constexpr std::size_t verdicts_ = 5;
  std::array<std::array<std::atomic<std::uint64_t>, verdicts_>,
             static_cast<std::size_t>(kind::count_)>
      messages_{};
  mutable std::mutex histogram_mutex_;
  std::array<std::uint64_t, latency_buckets.size()> buckets_{};
  std::uint64_t latency_count_ = 0;
  double latency_sum_ = 0;
  std::atomic<std::uint64_t> responses_by_class_[6]{};  // 1xx..5xx by first digit
  std::mutex results_mutex_;
  std::vector<std::unique_ptr<pipeline::result>> results_;  // reserved: never reallocates
};

}  // namespace apipnr::receiver
