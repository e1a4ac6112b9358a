// Arrival schedules of the open model (load.hpp).
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "apipnr/harness/load.hpp"

namespace apipnr::harness {

namespace {
using ns = std::chrono::nanoseconds;

double seconds_of(ns d) { return static_cast<double>(d.count()) / 1e9; }

// Requests due in [0, t] of a phase (t in seconds): the integral of a linear rate.
double integral(const rate_phase& p, double t) {
  const double len = seconds_of(p.duration);
  const double slope = len > 0 ? (p.to_rate - p.from_rate) / len : 0.0;
  return p.from_rate * t + slope * t * t / 2.0;
}

// Time (seconds) at which the integral reaches k; +inf when it never does within the phase.
double time_of(const rate_phase& p, double k) {
  const double len = seconds_of(p.duration);
  if (len <= 0) return INFINITY;
  if (k == 0) return (p.from_rate > 0 || p.to_rate > 0) ? 0.0 : INFINITY;
  const double a = (p.to_rate - p.from_rate) / len / 2.0;  // a t^2 + b t - k = 0
  const double b = p.from_rate;
  double t = 0;
  if (std::fabs(a) < 1e-12) {
    if (b <= 0) return INFINITY;
    t = k / b;
  } else {
    const double disc = b * b + 4.0 * a * k;
    if (disc < 0) return INFINITY;
    // The numerically stable root form (no cancellation when b >> a t).
    t = 2.0 * k / (b + std::sqrt(disc));
    if (!(t >= 0)) return INFINITY;
  }
  return t < len ? t : INFINITY;
}
}  // namespace

std::vector<rate_phase> constant_profile(double rate, ns duration) {
  return {rate_phase{duration, rate, rate, "constant"}};
}

std::vector<rate_phase> ramp_profile(double from, double to, ns duration) {
  return {rate_phase{duration, from, to, "ramp"}};
}

std::vector<rate_phase> step_profile(double from, double step, unsigned steps, ns step_duration) {
  std::vector<rate_phase> out;
  for (unsigned i = 0; i < steps; ++i) {
    const double r = from + step * i;
    char label[48];
    std::snprintf(label, sizeof label, "step %u (%.6g/s)", i + 1, r);
    out.push_back(rate_phase{step_duration, r, r, label});
  }
  return out;
}

std::vector<rate_phase> burst_profile(double base, double burst_rate, ns period, ns burst,
                                      ns total) {
  std::vector<rate_phase> out;
  if (period <= ns{0} || burst <= ns{0}) return constant_profile(base, total);
  burst = std::min(burst, period);
  for (ns at{0}; at < total; at += period) {
    const ns b = std::min(burst, total - at);
    out.push_back(rate_phase{b, burst_rate, burst_rate, "burst"});
    const ns rest = std::min(period - burst, total - at - b);
    if (rest > ns{0}) out.push_back(rate_phase{rest, base, base, "base"});
  }
  return out;
}

arrival_schedule::arrival_schedule(std::vector<rate_phase> phases) : phases_(std::move(phases)) {}

std::optional<ns> arrival_schedule::next() {
  while (phase_ < phases_.size()) {
    const rate_phase& p = phases_[phase_];
    const double t = time_of(p, static_cast<double>(k_));
    if (std::isfinite(t)) {
      ++k_;
      return phase_start_ + ns{static_cast<std::int64_t>(std::llround(t * 1e9))};
    }
    phase_start_ += p.duration;
    ++phase_;
    k_ = 0;
  }
  return std::nullopt;
}

std::uint64_t arrival_schedule::planned() const noexcept {
  std::uint64_t n = 0;
  for (const auto& p : phases_) {
    const double total = integral(p, seconds_of(p.duration));
    if (total <= 0) continue;
    // k = 0 .. ceil(total) - 1 are due strictly inside the phase.
    n += static_cast<std::uint64_t>(std::ceil(total - 1e-9));
  }
  return n;
}

ns arrival_schedule::length() const noexcept {
  ns d{0};
  for (const auto& p : phases_) d += p.duration;
  return d;
}

std::string_view to_string(load_model m) noexcept {
  return m == load_model::open ? "open" : "closed";
}

std::string_view to_string(load_error_kind k) noexcept {
  switch (k) {
    case load_error_kind::timeout:
      return "timeout";
    case load_error_kind::refused:
      return "refused";
    case load_error_kind::connect_error:
      return "connect_error";
    case load_error_kind::reset:
      return "reset";
    case load_error_kind::malformed:
      return "malformed";
    case load_error_kind::http_4xx:
      return "http_4xx";
    case load_error_kind::http_5xx:
      return "http_5xx";
    case load_error_kind::transport:
      return "transport";
    case load_error_kind::backlog:
      return "backlog";
    case load_error_kind::not_sent:
      return "not_sent";
  }
  return "unknown";
}

std::uint64_t load_result::error_total() const noexcept {
  std::uint64_t n = 0;
  for (auto e : errors) n += e;
  return n;
}

}  // namespace apipnr::harness
