// Shared accounting of a load run (used by the HTTP engine and the transport engine): totals,
// histograms, one summary per interval and per phase label, harness-limited flags.
//
// Thread safety: every member function may be called from any thread (one mutex; a record is a
// few array increments, far below the cost of the request it describes).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "apipnr/harness/histogram.hpp"
#include "apipnr/harness/load.hpp"

namespace apipnr::harness::detail {

using steady = std::chrono::steady_clock;

class recorder {
 public:
  recorder(const load_options& o, steady::time_point t0, unsigned threads,
           const std::vector<rate_phase>& phases);

  // Open model: a request became due (at its intended time, offset from t0).
  void due(std::chrono::nanoseconds intended);
  // A request was written: `lag` = harness delay before the write.
  void sent(std::chrono::nanoseconds lag);
  // A request ended: `latency` from intended (or actual) send, `service` from actual send.
  // `error` empty: answered with `status` (HTTP) / acknowledged (AMQP, status 0).
  void completed(std::chrono::nanoseconds intended, std::chrono::nanoseconds latency,
                 std::chrono::nanoseconds service, int status,
                 std::optional<load_error_kind> error);
  // A due request that was never sent (backlog overflow, run over).
  void lost(std::chrono::nanoseconds intended, load_error_kind why);
  void keep_location(std::string location);

  // Closes every interval that ended before `now` (monitor thread, and at the end).
  void tick(steady::time_point now);
  // Closes the last interval and returns totals (histograms moved out).
  load_result finish(steady::time_point end);

 private:
  struct label_acc {
    double start_s = 1e300, length_s = 0;
    std::uint64_t due = 0, ok = 0, errors = 0;
    latency_histogram latency;
  };
  void close_interval_locked(steady::time_point end);
  void compact_locked();
  label_acc* phase_of_locked(std::chrono::nanoseconds intended);
  std::string progress_locked() const;

  const load_options& o_;
  steady::time_point t0_;
  unsigned threads_;
  std::mutex mu_;
  load_result r_;
  // Current interval.
  std::chrono::nanoseconds interval_;
  steady::time_point interval_start_;
  interval_stats cur_;
  latency_histogram cur_latency_, cur_lag_;
  double cpu_at_start_ = 0;
  // Phases: start offsets (ns) and the label accumulator each maps to.
  std::vector<std::int64_t> phase_starts_;
  std::vector<std::string> phase_labels_;
  std::map<std::string, label_acc> labels_;
  std::vector<std::string> label_order_;
};

// Process CPU time (user + system), seconds; resident set size, bytes.
double process_cpu_seconds();
std::uint64_t process_rss_bytes();

}  // namespace apipnr::harness::detail
