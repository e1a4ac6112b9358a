// The load engine: performance evaluation of a receiver over HTTP(S) or AMQP 1.0
// (docs/HARNESS.md "Load", `apipnr-harness load`).
//
// Models:
//   - open: requests are due on a schedule (constant, ramping, stepped or bursting arrival
//     rate, or the `at_ms` offsets of a generated message set, optionally time-compressed),
//     whatever the system under test does. Latency is measured from the INTENDED send time, so
//     a system that stalls cannot hide its stall by slowing the sender down (coordinated
//     omission): a request that waited for a free connection carries that wait. The service
//     time (actual send to response) is recorded as well, so the report shows the difference.
//   - closed: a fixed number of requests in flight, each sent as soon as the previous answer
//     on its connection arrived; for maximum-throughput search. Latency from the actual send.
//
// Send lag = actual send - max(intended send, moment a connection was free): time lost in the
// harness itself (timer resolution, a busy event loop). Every interval whose p99 send lag is
// above `lag_threshold` or whose harness CPU use is near saturation is flagged as
// harness-limited: its figures describe the harness, not the system under test.
//
// HTTP: many kept-alive HTTP/1.1 connections (one request in flight per connection) driven by
// Asio event loops (`threads`), with a small response reader of its own (status line,
// Content-Length or chunked body, Connection: close). AMQP: any thread-safe blocking
// `transport` (transport_amqp.hpp: published -> acknowledgement on the reply queue) driven
// by a pool of `concurrency` sender threads, same accounting.
//
// Memory is constant in the number of requests: histograms (histogram.hpp) and one summary
// per interval (intervals are widened so that a run never has more than `max_intervals`).
//
// Errors: run_*() never throw on anything the endpoint does; a request that fails is counted
// by kind (load_error_kind) and the run goes on. They return std::nullopt with `error` set
// ("[apipnr.harness.6NN] ...", docs/error-codes-harness-load.md) only for a configuration
// that cannot run (no message, bad URL, nothing reachable before the start).
// Thread safety: run_*() may be called from any thread, one run at a time per process is
// advisable (they use all the cores they are given). null_http_endpoint is thread-safe.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "apipnr/harness/exchange.hpp"
#include "apipnr/harness/histogram.hpp"

namespace apipnr::harness {

// ---------------------------------------------------------------------------------------------
// Payloads

struct load_message {
  std::string id;
  message_kind kind = message_kind::paxlst;
  std::string body;
  std::string content_type;
  std::optional<std::chrono::nanoseconds> at;  // offset from the run start (replay schedules)
};

// Reads a generator output folder: `manifest.jsonl` (one object per line, in send order:
// id, kind paxlst|iapi|pnr_edifact|pnr_xml, file, canonical, at_ms, flight, bytes, sha256),
// the files it names (relative to `dir`; bytes and sha256 checked when present).
// `generator.json` is returned in `generator` when it exists. nullopt + error 610-613.
std::optional<std::vector<load_message>> load_message_set(const std::filesystem::path& dir,
                                                          nlohmann::json& generator,
                                                          std::string& error);
// One file sent as a message of `kind` (nullopt + error 614 when unreadable or empty).
std::optional<load_message> load_payload_file(message_kind kind, const std::filesystem::path& file,
                                              std::string& error);

// Byte spans [begin, end) of the interchange control reference in UNB (0020) and in UNZ of an
// EDIFACT interchange (UNA delimiters honoured); nullopt when there is no such pair.
struct interchange_refs {
  std::size_t unb_begin = 0, unb_end = 0, unz_begin = 0, unz_end = 0;
};
std::optional<interchange_refs> find_interchange_refs(std::string_view body);
// The 14-character reference of request `seq` in a run tagged `tag` (load_options::unique_refs).
std::string unique_ref(std::string_view tag, std::uint64_t seq);

// ---------------------------------------------------------------------------------------------
// Schedules

// A stretch of an open-model schedule: the arrival rate moves linearly from `from_rate` to
// `to_rate` (requests per second) over `duration`; equal rates give a constant rate.
struct rate_phase {
  std::chrono::nanoseconds duration{0};
  double from_rate = 0;
  double to_rate = 0;
  std::string label;
};

std::vector<rate_phase> constant_profile(double rate, std::chrono::nanoseconds duration);
std::vector<rate_phase> ramp_profile(double from, double to, std::chrono::nanoseconds duration);
// `steps` constant phases from `from`, each `step` higher (knee search).
std::vector<rate_phase> step_profile(double from, double step, unsigned steps,
                                     std::chrono::nanoseconds step_duration);
// `base` rate with bursts of `burst_rate` lasting `burst` at the start of every `period`.
std::vector<rate_phase> burst_profile(double base, double burst_rate,
                                      std::chrono::nanoseconds period,
                                      std::chrono::nanoseconds burst,
                                      std::chrono::nanoseconds total);

// Intended send offsets of an open model, in order, exactly: the k-th request (0-based) of a
// phase is due when the integral of its rate reaches k. Deterministic; no allocation.
class arrival_schedule {
 public:
  explicit arrival_schedule(std::vector<rate_phase> phases);
  // Next due offset from the run start; nullopt when the schedule is over.
  std::optional<std::chrono::nanoseconds> next();
  std::uint64_t planned() const noexcept;  // total number of requests the schedule holds
  std::chrono::nanoseconds length() const noexcept;

 private:
  std::vector<rate_phase> phases_;
  std::size_t phase_ = 0;
  std::uint64_t k_ = 0;
  std::chrono::nanoseconds phase_start_{0};
};

// ---------------------------------------------------------------------------------------------
// Options and results

enum class load_model : std::uint8_t { open, closed };
std::string_view to_string(load_model m) noexcept;

enum class load_error_kind : std::uint8_t {
  timeout,        // no complete answer within the timeout
  refused,        // connection refused / unreachable
  connect_error,  // other connect or TLS handshake failure
  reset,          // connection reset or closed before the answer was complete
  malformed,      // not HTTP/1.x, bad chunking, answer above the size cap
  http_4xx,       // answered, but 4xx (the message was refused)
  http_5xx,       // answered, but 5xx
  transport,      // AMQP: broker rejected / link error
  backlog,        // open model: the harness's queue of due requests overflowed (never sent)
  not_sent,       // open model: still waiting for a connection when the run ended
};
inline constexpr std::size_t load_error_kind_count = 10;
std::string_view to_string(load_error_kind k) noexcept;

struct load_options {
  load_model model = load_model::open;
  std::vector<rate_phase> phases;  // open model (ignored when `replay`)
  bool replay = false;             // open model from each message's `at` offset
  double replay_speed = 1.0;       // > 1 compresses the replayed schedule
  unsigned connections = 16;       // HTTP connections (closed model: requests in flight)
  unsigned threads = 1;            // HTTP event loops / AMQP: sender threads = connections
  std::chrono::nanoseconds duration{std::chrono::seconds(10)};  // closed model
  std::chrono::nanoseconds timeout{std::chrono::seconds(5)};    // per request, from the send
  std::chrono::nanoseconds interval{std::chrono::seconds(1)};   // time series resolution
  std::size_t max_intervals = 3600;                             // wider intervals beyond
  std::chrono::nanoseconds lag_threshold{std::chrono::milliseconds(2)};
  double cpu_saturation = 0.9;              // share of `threads` cores that flags an interval
  std::size_t max_backlog = 1000000;        // open model: due requests waiting for a connection
  std::string correlation_prefix = "load";  // X-Correlation-Id "<prefix>/<sequence>"
  std::size_t keep_locations = 0;  // keep up to N Location headers of 2xx answers (queries)
  // Called for each Location kept (see keep_locations) with the time its answer arrived, on
  // the engine's thread and under its accounting lock: it must only hand the location over
  // (the queryable probe of `apipnr-harness load`), never block.
  std::function<void(const std::string&, std::chrono::steady_clock::time_point)> on_location;
  // EDIFACT messages: give every request its own interchange control reference (UNB and UNZ
  // 0020, 14 characters: a run tag and the request's sequence number), so that a receiver that
  // detects duplicates checks and stores every request instead of answering a duplicate.
  bool unique_refs = false;
  // A phase is held only when its p99 (from the intended send) is at most this; 0: no bound.
  // Without it a receiver whose queue grows within the timeout still "answers everything".
  std::chrono::nanoseconds held_p99{0};
  // Called about once per interval with a one-line progress text (from the monitor thread).
  std::function<void(const std::string&)> progress;
};

// HTTP(S) endpoint of a load run (URLs per message kind, TLS, authentication).
struct load_http_target {
  std::map<message_kind, std::string> urls;
  std::string bearer_token;
  std::string basic_user, basic_password;
  std::map<std::string, std::string> extra_headers;
  std::string ca_file, client_cert_file, client_key_file, server_name;
  bool verify_peer = true;
  std::chrono::milliseconds connect_timeout{5000};
  std::size_t max_response_bytes = std::size_t{16} << 20U;
};

struct interval_stats {
  double start_s = 0, length_s = 0;
  std::uint64_t due = 0, sent = 0, completed = 0, ok = 0, errors = 0;
  std::uint64_t p50_ns = 0, p90_ns = 0, p99_ns = 0, max_ns = 0;  // completions in the interval
  std::uint64_t lag_p99_ns = 0, lag_max_ns = 0;
  double cpu_share = 0;  // harness process CPU time / (length * threads)
  std::uint64_t rss_bytes = 0;
  bool harness_limited = false;
  std::string harness_reason;  // why it was flagged
};

struct phase_stats {
  std::string label;
  double start_s = 0, length_s = 0;
  double offered_rate = 0;   // due requests per second
  double achieved_rate = 0;  // successful answers per second
  std::uint64_t due = 0, ok = 0, errors = 0;
  std::uint64_t p50_ns = 0, p99_ns = 0, max_ns = 0;
  bool held = false;             // answered >= 99 % of what was due, no error, p99 within held_p99
  bool harness_limited = false;  // some interval of the phase was harness-limited
};

struct calibration_result {
  std::chrono::nanoseconds clock_resolution{0};  // clock_getres(CLOCK_MONOTONIC)
  std::chrono::nanoseconds clock_read_cost{0};   // smallest step between two steady_clock reads
  std::chrono::nanoseconds timer_overshoot_p50{0}, timer_overshoot_p99{0};  // 200 us waits
  double null_capacity_rps = 0;  // closed model against the built-in null endpoint
  unsigned connections = 0, threads = 0;
  double seconds = 0;
};

struct load_result {
  load_model model = load_model::open;
  std::string transport;  // "http" | "amqp"
  std::string endpoint;   // URL or broker of the first kind
  unsigned connections = 0, threads = 0;
  double planned_s = 0, elapsed_s = 0;
  std::uint64_t planned = 0;  // open model: requests the schedule held
  std::uint64_t due = 0, sent = 0, completed = 0, ok = 0;
  std::array<std::uint64_t, load_error_kind_count> errors{};
  std::uint64_t error_total() const noexcept;
  double offered_rate = 0;         // due / planned length (open) ; 0 for closed
  double achieved_rate = 0;        // ok / elapsed
  latency_histogram latency;       // open: from intended send; closed: from actual send
  latency_histogram service_time;  // from actual send (both models)
  latency_histogram send_lag;      // open model only
  std::vector<interval_stats> intervals;
  std::vector<phase_stats> phases;
  std::uint64_t harness_limited_intervals = 0;
  std::uint64_t max_rss_bytes = 0;
  std::optional<calibration_result> calibration;
  std::vector<std::string> locations;  // up to options.keep_locations
  std::map<int, std::uint64_t> status_counts;
  // Acknowledged -> queryable on a sample, set by the caller that probed it (the `load`
  // command's probe); nullopt when not measured.
  struct queryable_figures {
    std::uint64_t probed = 0, queryable = 0;
    double max_ms = 0;
  };
  std::optional<queryable_figures> queryable;
};

// ---------------------------------------------------------------------------------------------
// Runs

// Open or closed model over HTTP(S). Every message is sent to target.urls[its kind].
std::optional<load_result> run_http_load(const load_http_target& target,
                                         const std::vector<load_message>& messages,
                                         const load_options& options, std::string& error);

// Open or closed model over any blocking `transport` whose send() is thread-safe (AMQP):
// `connections` sender threads share it. `endpoint` is recorded as given.
std::optional<load_result> run_transport_load(transport& t, std::string endpoint,
                                              const std::vector<load_message>& messages,
                                              const load_options& options, std::string& error);

// A built-in HTTP/1.1 endpoint on 127.0.0.1 answering every POST with a fixed 200 and an empty
// body, on its own thread; for self-calibration and tests. `stall_once(n, d)`: the n-th request
// and every request arriving until it is answered are held for `d` (a receiver that stalls).
class null_http_endpoint {
 public:
  explicit null_http_endpoint(unsigned threads = 1);
  ~null_http_endpoint();
  null_http_endpoint(const null_http_endpoint&) = delete;
  null_http_endpoint& operator=(const null_http_endpoint&) = delete;
  unsigned short port() const noexcept;
  std::string url() const;  // http://127.0.0.1:<port>/
  std::uint64_t requests() const noexcept;
  void stall_once(std::uint64_t nth_request, std::chrono::milliseconds duration);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

// Clock and timer resolution, then `seconds` of closed model with `connections` connections on
// `threads` event loops against a null_http_endpoint (its own thread): the harness's own
// capacity on this machine, which the report compares with the offered rate.
calibration_result calibrate(unsigned connections, unsigned threads, double seconds);

// results.json "performance.runs[]" entry (specs/schemas/results.schema.json): histograms as
// non-empty buckets [highest value ns, count], so later runs can be compared or merged.
nlohmann::json to_json(const load_result& r);
nlohmann::json to_json(const latency_histogram& h);

// ---------------------------------------------------------------------------------------------
// Performance targets (tender profile `performance_targets`,
// specs/schemas/tender-profile.schema.json)

struct latency_bound {
  double percentile = 99;  // 0 < p <= 100 (100 = max)
  double max_ms = 0;
};

struct performance_target {
  std::string id;
  std::string description;
  std::optional<message_kind> kind;  // nullopt: any
  load_model model = load_model::open;
  double rate_per_second = 0;  // offered rate the target is stated at (open model)
  double duration_s = 0;       // for at least this long
  std::vector<latency_bound> latency;
  double min_throughput_per_second = 0;  // achieved successful answers per second
  bool nothing_lost = false;             // every due message sent and acknowledged (and queryable)
  // Every sampled acknowledged message readable in the query interface within this many ms of
  // its acknowledgement (needs the run's acknowledged -> queryable sample); 0: not checked.
  double queryable_within_ms = 0;
  double max_error_ratio = -1;  // < 0: not checked
  unsigned travellers = 0;      // informative: message size the target is stated for
};

// Parses tender `performance_targets` ({"targets": [...]}); null/absent gives none.
// Errors (apipnr.harness.620) are appended; nullopt when any.
std::optional<std::vector<performance_target>> parse_performance_targets(
    const nlohmann::json& j, std::vector<std::string>& errors);

struct target_check {
  std::string name;  // "p99 <= 1000 ms", "rate >= 50/s", "nothing lost" ...
  bool pass = false;
  std::string measured;
};

struct target_verdict {
  std::string id;
  std::string verdict;  // "pass" | "fail" | "not_assessed"
  std::string reason;   // why not assessed / first failed check
  std::vector<target_check> checks;
};

// Judges a run against a target. `queried` / `query_found`: messages looked up in the query
// interface and found there (both 0 when the target has none). A run weaker than the target
// (lower offered rate by more than 1 %, shorter, other kind or model) is `not_assessed`.
target_verdict evaluate_target(const performance_target& t, const load_result& r,
                               std::optional<message_kind> run_kind, std::uint64_t queried,
                               std::uint64_t query_found);
nlohmann::json to_json(const target_verdict& v);

}  // namespace apipnr::harness
