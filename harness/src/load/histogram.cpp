// latency_histogram: see the header for the bucket layout and the error bound.
#include "apipnr/harness/histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace apipnr::harness {

namespace {
constexpr std::uint64_t k_sub = std::uint64_t{1} << latency_histogram::sub_bucket_bits;  // 128
}  // namespace

std::size_t latency_histogram::index_of(std::uint64_t value) noexcept {
  if (value < exact_below) return static_cast<std::size_t>(value);
  const unsigned octave = 63U - static_cast<unsigned>(std::countl_zero(value));  // >= 8
  const unsigned shift = octave - sub_bucket_bits;                               // >= 1
  const std::uint64_t sub = value >> shift;                                      // 128..255
  return static_cast<std::size_t>(exact_below + (shift - 1U) * k_sub + (sub - k_sub));
}

std::uint64_t latency_histogram::lowest_equivalent(std::size_t index) noexcept {
  if (index < exact_below) return index;
  const std::uint64_t rel = index - exact_below;
  const unsigned shift = static_cast<unsigned>(rel / k_sub) + 1U;
  const std::uint64_t sub = rel % k_sub + k_sub;
  return sub << shift;
}

std::uint64_t latency_histogram::highest_equivalent(std::size_t index) noexcept {
  if (index < exact_below) return index;
  const std::uint64_t rel = index - exact_below;
  const unsigned shift = static_cast<unsigned>(rel / k_sub) + 1U;
  const std::uint64_t sub = rel % k_sub + k_sub;
  // For the last bucket (sub 255, shift 56) this wraps to 2^64 - 1, which is its true top.
  return ((sub + 1U) << shift) - 1U;
}

void latency_histogram::record(std::uint64_t value, std::uint64_t times) noexcept {
  if (times == 0) return;
  counts_[index_of(value)] += times;
  count_ += times;
  min_ = std::min(min_, value);
  max_ = std::max(max_, value);
  sum_ += static_cast<double>(value) * static_cast<double>(times);
}

void latency_histogram::merge(const latency_histogram& other) noexcept {
  if (other.count_ == 0) return;
  for (std::size_t i = 0; i < bucket_count; ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  sum_ += other.sum_;
}

void latency_histogram::reset() noexcept {
  counts_.fill(0);
  count_ = 0;
  min_ = UINT64_MAX;
  max_ = 0;
  sum_ = 0;
}

std::uint64_t latency_histogram::value_at_percentile(double percentile) const noexcept {
  if (count_ == 0) return 0;
  if (!(percentile > 0.0)) return min_;  // also NaN
  if (percentile >= 100.0) return max_;
  // The rank of the recording asked for, 1-based; ceil so that p99 of 100 values is the 99th.
  const double exact_rank = percentile / 100.0 * static_cast<double>(count_);
  auto rank = static_cast<std::uint64_t>(std::ceil(exact_rank - 1e-9));
  rank = std::clamp<std::uint64_t>(rank, 1, count_);
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < bucket_count; ++i) {
    seen += counts_[i];
    if (seen >= rank) return std::min(highest_equivalent(i), max_);
  }
  return max_;
}

std::vector<std::pair<std::uint64_t, std::uint64_t>> latency_histogram::buckets() const {
  std::vector<std::pair<std::uint64_t, std::uint64_t>> out;
  for (std::size_t i = 0; i < bucket_count; ++i)
    if (counts_[i] != 0) out.emplace_back(highest_equivalent(i), counts_[i]);
  return out;
}

latency_histogram latency_histogram::from_buckets(
    const std::vector<std::pair<std::uint64_t, std::uint64_t>>& buckets, std::uint64_t min,
    std::uint64_t max, double sum) {
  latency_histogram h;
  double approx_sum = 0;
  for (const auto& [value, n] : buckets) {
    if (n == 0) continue;
    const std::size_t i = index_of(value);
    h.counts_[i] += n;
    h.count_ += n;
    h.min_ = std::min(h.min_, lowest_equivalent(i));
    h.max_ = std::max(h.max_, value);
    approx_sum += static_cast<double>(value) * static_cast<double>(n);
  }
  if (h.count_ == 0) return h;
  if (min != 0) h.min_ = min;
  if (max != 0) h.max_ = max;
  h.sum_ = sum != 0 ? sum : approx_sum;
  return h;
}

}  // namespace apipnr::harness
