// recorder: see recorder_internal.hpp.
#include "recorder_internal.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>

namespace apipnr::harness::detail {

namespace {
using ns = std::chrono::nanoseconds;
double secs(ns d) { return static_cast<double>(d.count()) / 1e9; }
std::uint64_t u(ns d) { return d.count() < 0 ? 0 : static_cast<std::uint64_t>(d.count()); }
}  // namespace

double process_cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto tv = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return tv(ru.ru_utime) + tv(ru.ru_stime);
}

std::uint64_t process_rss_bytes() {
  std::ifstream in("/proc/self/statm");
  std::uint64_t size = 0, resident = 0;
  if (!(in >> size >> resident)) return 0;
  return resident * static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
}

recorder::recorder(const load_options& o, steady::time_point t0, unsigned threads,
                   const std::vector<rate_phase>& phases)
    : o_(o), t0_(t0), threads_(std::max(1U, threads)), interval_(o.interval) {
  if (interval_ <= ns{0}) interval_ = std::chrono::seconds(1);
  interval_start_ = t0;
  cpu_at_start_ = process_cpu_seconds();
  ns at{0};
  for (const auto& p : phases) {
    // Labels aggregate repeated phases (bursts); the number of distinct labels is what the
    // memory depends on, so unlabelled phases share one accumulator.
    std::string label = p.label.empty() ? "run" : p.label;
    if (labels_.size() >= 256 && !labels_.count(label)) label = "other";
    phase_starts_.push_back(at.count());
    phase_labels_.push_back(label);
    auto [it, fresh] = labels_.try_emplace(label);
    if (fresh) label_order_.push_back(label);
    it->second.start_s = std::min(it->second.start_s, secs(at));
    it->second.length_s += secs(p.duration);
    at += p.duration;
  }
}

recorder::label_acc* recorder::phase_of_locked(ns intended) {
  if (phase_starts_.empty()) return nullptr;
  auto it = std::upper_bound(phase_starts_.begin(), phase_starts_.end(), intended.count());
  if (it == phase_starts_.begin()) return nullptr;
  const auto i = static_cast<std::size_t>(it - phase_starts_.begin()) - 1;
  return &labels_[phase_labels_[i]];
}

void recorder::due(ns intended) {
  std::lock_guard lock(mu_);
  ++r_.due;
  ++cur_.due;
  if (auto* p = phase_of_locked(intended)) ++p->due;
}

void recorder::sent(ns lag) {
  std::lock_guard lock(mu_);
  ++r_.sent;
  ++cur_.sent;
  r_.send_lag.record(u(lag));
  cur_lag_.record(u(lag));
}

void recorder::completed(ns intended, ns latency, ns service, int status,
                         std::optional<load_error_kind> error) {
  std::lock_guard lock(mu_);
  ++r_.completed;
  ++cur_.completed;
  if (status != 0) ++r_.status_counts[status];
  auto* p = phase_of_locked(intended);
  if (error) {
    ++r_.errors[static_cast<std::size_t>(*error)];
    ++cur_.errors;
    if (p) ++p->errors;
    // Answers that arrived (4xx/5xx) still have a latency worth showing; failures do not
    // enter the latency histograms so that a fast refusal cannot flatter the percentiles.
    return;
  }
  ++r_.ok;
  ++cur_.ok;
  r_.latency.record(u(latency));
  r_.service_time.record(u(service));
  cur_latency_.record(u(latency));
  if (p) {
    ++p->ok;
    p->latency.record(u(latency));
  }
}

void recorder::lost(ns intended, load_error_kind why) {
  std::lock_guard lock(mu_);
  ++r_.errors[static_cast<std::size_t>(why)];
  ++cur_.errors;
  if (auto* p = phase_of_locked(intended)) ++p->errors;
}

void recorder::keep_location(std::string location) {
  const auto answered = steady::now();
  std::lock_guard lock(mu_);
  if (r_.locations.size() >= o_.keep_locations) return;
  if (o_.on_location) o_.on_location(location, answered);
  r_.locations.push_back(std::move(location));
}

void recorder::close_interval_locked(steady::time_point end) {
  cur_.start_s = secs(interval_start_ - t0_);
  cur_.length_s = secs(end - interval_start_);
  cur_.p50_ns = cur_latency_.value_at_percentile(50);
  cur_.p90_ns = cur_latency_.value_at_percentile(90);
  cur_.p99_ns = cur_latency_.value_at_percentile(99);
  cur_.max_ns = cur_latency_.max();
  cur_.lag_p99_ns = cur_lag_.value_at_percentile(99);
  cur_.lag_max_ns = cur_lag_.max();
  const double cpu = process_cpu_seconds();
  if (cur_.length_s > 0)
    cur_.cpu_share = (cpu - cpu_at_start_) / (cur_.length_s * static_cast<double>(threads_));
  cpu_at_start_ = cpu;
  cur_.rss_bytes = process_rss_bytes();
  r_.max_rss_bytes = std::max(r_.max_rss_bytes, cur_.rss_bytes);
  std::string why;
  if (cur_.lag_p99_ns > u(o_.lag_threshold)) {
    char b[96];
    std::snprintf(b, sizeof b, "send lag p99 %.3f ms above %.3f ms",
                  static_cast<double>(cur_.lag_p99_ns) / 1e6,
                  static_cast<double>(o_.lag_threshold.count()) / 1e6);
    why = b;
  }
  if (cur_.cpu_share >= o_.cpu_saturation) {
    char b[64];
    std::snprintf(b, sizeof b, "harness CPU %.0f %% of %u core(s)", cur_.cpu_share * 100, threads_);
    why += (why.empty() ? "" : "; ") + std::string(b);
  }
  cur_.harness_limited = !why.empty();
  cur_.harness_reason = why;
  if (cur_.harness_limited) ++r_.harness_limited_intervals;
  r_.intervals.push_back(cur_);
  if (o_.progress) o_.progress(progress_locked());
  cur_ = interval_stats{};
  cur_latency_.reset();
  cur_lag_.reset();
  interval_start_ = end;
  if (r_.intervals.size() >= std::max<std::size_t>(o_.max_intervals, 2)) compact_locked();
}

// Halves the time series (pairs merged, interval doubled) so that a soak of any length keeps
// a bounded number of points. Percentiles of a merged pair are the larger of the two: an upper
// bound, never an understatement.
void recorder::compact_locked() {
  std::vector<interval_stats> out;
  auto& in = r_.intervals;
  for (std::size_t i = 0; i + 1 < in.size(); i += 2) {
    interval_stats a = in[i];
    const interval_stats& b = in[i + 1];
    const double la = a.length_s;
    a.length_s += b.length_s;
    a.due += b.due;
    a.sent += b.sent;
    a.completed += b.completed;
    a.ok += b.ok;
    a.errors += b.errors;
    a.p50_ns = std::max(a.p50_ns, b.p50_ns);
    a.p90_ns = std::max(a.p90_ns, b.p90_ns);
    a.p99_ns = std::max(a.p99_ns, b.p99_ns);
    a.max_ns = std::max(a.max_ns, b.max_ns);
    a.lag_p99_ns = std::max(a.lag_p99_ns, b.lag_p99_ns);
    a.lag_max_ns = std::max(a.lag_max_ns, b.lag_max_ns);
    if (a.length_s > 0) a.cpu_share = (a.cpu_share * la + b.cpu_share * b.length_s) / a.length_s;
    a.rss_bytes = std::max(a.rss_bytes, b.rss_bytes);
    a.harness_limited = a.harness_limited || b.harness_limited;
    if (a.harness_reason.empty()) a.harness_reason = b.harness_reason;
    out.push_back(std::move(a));
  }
  if (in.size() % 2 == 1) out.push_back(in.back());
  in = std::move(out);
  interval_ *= 2;
}

std::string recorder::progress_locked() const {
  const auto& i = r_.intervals.back();
  char b[200];
  std::snprintf(
      b, sizeof b, "t=%6.1fs due=%llu ok=%llu err=%llu rate=%.1f/s p99=%.3fms max=%.3fms%s",
      i.start_s + i.length_s, static_cast<unsigned long long>(r_.due),
      static_cast<unsigned long long>(r_.ok), static_cast<unsigned long long>(r_.error_total()),
      i.length_s > 0 ? static_cast<double>(i.ok) / i.length_s : 0.0,
      static_cast<double>(i.p99_ns) / 1e6, static_cast<double>(i.max_ns) / 1e6,
      i.harness_limited ? " HARNESS-LIMITED" : "");
  return b;
}

void recorder::tick(steady::time_point now) {
  std::lock_guard lock(mu_);
  while (now - interval_start_ >= interval_) close_interval_locked(interval_start_ + interval_);
}

load_result recorder::finish(steady::time_point end) {
  std::lock_guard lock(mu_);
  while (end - interval_start_ >= interval_) close_interval_locked(interval_start_ + interval_);
  if (end > interval_start_ && (cur_.due + cur_.sent + cur_.completed + cur_.errors) > 0)
    close_interval_locked(end);
  r_.elapsed_s = secs(end - t0_);
  r_.threads = threads_;
  for (const auto& name : label_order_) {
    const label_acc& a = labels_[name];
    phase_stats p;
    p.label = name;
    p.start_s = a.start_s;
    p.length_s = a.length_s;
    p.due = a.due;
    p.ok = a.ok;
    p.errors = a.errors;
    p.offered_rate = a.length_s > 0 ? static_cast<double>(a.due) / a.length_s : 0;
    p.achieved_rate = a.length_s > 0 ? static_cast<double>(a.ok) / a.length_s : 0;
    p.p50_ns = a.latency.value_at_percentile(50);
    p.p99_ns = a.latency.value_at_percentile(99);
    p.max_ns = a.latency.max();
    bool limited = false;
    for (const auto& i : r_.intervals)
      if (i.harness_limited && i.start_s < p.start_s + p.length_s &&
          i.start_s + i.length_s > p.start_s)
        limited = true;
    // Held is about the system under test; whether the harness could offer the load is a
    // separate flag, so that a knee search on a busy machine still reads.
    p.held = a.due > 0 && a.errors == 0 &&
             static_cast<double>(a.ok) >= 0.99 * static_cast<double>(a.due) &&
             (o_.held_p99.count() <= 0 || p.p99_ns <= u(o_.held_p99));
    p.harness_limited = limited;
    r_.phases.push_back(std::move(p));
  }
  return std::move(r_);
}

}  // namespace apipnr::harness::detail
