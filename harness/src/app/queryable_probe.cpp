#include "queryable_probe.hpp"

#include <algorithm>
#include <cmath>

namespace apipnr::harness {

queryable_probe::queryable_probe(const http_options& options,
                                 std::function<std::string(const std::string&)> url_of,
                                 std::chrono::milliseconds deadline, unsigned threads)
    : options_(options), url_of_(std::move(url_of)), deadline_(deadline) {
  slots_.resize(std::max(1u, threads));
  for (std::size_t i = 0; i < slots_.size(); ++i) threads_.emplace_back([this, i] { run(i); });
}

queryable_probe::~queryable_probe() { finish(); }

void queryable_probe::offer(const std::string& location, clock::time_point answered) {
  std::lock_guard lock(mu_);
  if (stop_) return;
  for (auto& s : slots_) {
    if (!s.work) {
      s.work.emplace(location, answered);
      cv_.notify_all();
      return;
    }
  }
  ++not_sampled_;
}

void queryable_probe::run(std::size_t i) {
  // One connection per thread, reused across probes (keep-alive), as a client of the query
  // interface would.
  http_transport client(options_);
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return stop_ || slots_[i].work; });
    if (!slots_[i].work) return;  // stopping and idle
    const auto [location, answered] = *slots_[i].work;
    lock.unlock();
    const std::string url = url_of_(location);
    std::optional<double> lag_ms;
    auto pause = std::chrono::milliseconds(1);
    const auto end = answered + deadline_;
    for (;;) {
      const auto sent = clock::now();
      const observation o = client.get(url);
      if (o.outcome == transport_outcome::completed && o.http_status == 200) {
        lag_ms = std::chrono::duration<double, std::milli>(sent - answered).count();
        break;
      }
      if (clock::now() + pause >= end) break;
      std::this_thread::sleep_for(pause);
      pause = std::min(pause * 2, std::chrono::milliseconds(50));
    }
    lock.lock();
    ++probed_;
    if (lag_ms) lags_ms_.push_back(std::max(0.0, *lag_ms));
    slots_[i].work.reset();
    cv_.notify_all();
  }
}

queryable_summary queryable_probe::finish() {
  {
    std::unique_lock lock(mu_);
    if (stop_ && threads_.empty()) {
      // Already finished: the figures are kept.
    } else {
      stop_ = true;
      cv_.notify_all();
    }
  }
  for (auto& t : threads_) t.join();
  threads_.clear();
  std::lock_guard lock(mu_);
  queryable_summary s;
  s.probed = probed_;
  s.queryable = lags_ms_.size();
  s.not_sampled = not_sampled_;
  if (!lags_ms_.empty()) {
    std::vector<double> v = lags_ms_;
    std::sort(v.begin(), v.end());
    // Nearest rank: the smallest value with at least q of the samples at or below it.
    auto rank = [&](double q) {
      const auto k = static_cast<std::size_t>(std::ceil(q * static_cast<double>(v.size())));
      return v[std::min(v.size(), std::max<std::size_t>(k, 1)) - 1];
    };
    s.p50_ms = rank(0.50);
    s.p99_ms = rank(0.99);
    s.max_ms = v.back();
  }
  return s;
}

}  // namespace apipnr::harness
