// Acknowledged -> queryable, measured during a load run (`apipnr-harness load --verify-query N`).
//
// A receiver may acknowledge an input before what it stored can be read back (an asynchronous
// pipeline, a replica that lags, or an acknowledgement sent before the commit). The end-to-end
// latency that matters to a border agency runs to the moment the data can be queried
// (PRIOR_ART §5.6), so for a sample of the acknowledged answers the probe GETs the answer's
// Location at once, then again with a growing pause (1 ms doubling to 50 ms) until a 200 or a
// deadline, and records how long after the acknowledgement the successful GET was sent: an
// upper bound of the time to queryable, at the resolution of the pause.
//
// Sampling without bias: a location is probed only when a probe thread is idle when its answer
// arrives (a busy prober would send its first GET late and overstate the lag); the others are
// counted as not sampled. The probes add at most `threads` GETs in flight to the load.
//
// Thread safety: offer() may be called from any thread (it only hands the location over);
// finish() once, from the thread that constructed the probe. Errors: none thrown; a GET that
// fails counts as "not yet" until the deadline.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "apipnr/harness/transport_http.hpp"

namespace apipnr::harness {

struct queryable_summary {
  std::uint64_t probed = 0;       // sampled locations whose probe ended
  std::uint64_t queryable = 0;    // ... with a 200 before the deadline
  std::uint64_t not_sampled = 0;  // every prober was busy when the answer arrived
  // Over the queryable ones, milliseconds from the acknowledgement to the successful GET.
  double p50_ms = 0, p99_ms = 0, max_ms = 0;
};

class queryable_probe {
 public:
  using clock = std::chrono::steady_clock;
  // `url_of` turns a Location into the absolute URL to GET; `deadline` bounds each probe.
  queryable_probe(const http_options& options,
                  std::function<std::string(const std::string&)> url_of,
                  std::chrono::milliseconds deadline, unsigned threads = 2);
  ~queryable_probe();
  queryable_probe(const queryable_probe&) = delete;
  queryable_probe& operator=(const queryable_probe&) = delete;

  // The answer with this Location arrived at `answered`. Never blocks.
  void offer(const std::string& location, clock::time_point answered);
  // Waits for the probes in progress, stops the threads, returns the figures.
  queryable_summary finish();

 private:
  struct slot {
    std::optional<std::pair<std::string, clock::time_point>> work;
  };
  void run(std::size_t i);

  http_options options_;
  std::function<std::string(const std::string&)> url_of_;
  std::chrono::milliseconds deadline_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<slot> slots_;
  bool stop_ = false;
  std::vector<double> lags_ms_;
  std::uint64_t probed_ = 0, not_sampled_ = 0;
  std::vector<std::thread> threads_;
};

}  // namespace apipnr::harness
