// A log-linear latency histogram with a bounded relative error and constant memory (the design
// of HdrHistogram, reimplemented small for the load engine, docs/HARNESS.md "Load").
//
// Values are unsigned 64-bit integers (the load engine records nanoseconds). Values below 256
// are counted exactly; above, each power-of-two range [2^e, 2^(e+1)) is split into 128 equal
// sub-buckets, so a bucket is never wider than 1/128 of its lowest value. Every query answers
// with the highest value of the bucket (never below what was recorded), clamped to the exact
// maximum, so a reported percentile v' of a true value v satisfies v <= v' < v * (1 + 1/128):
// relative error under 0.79 %, within the 1 % the performance targets need. The whole 64-bit
// range is covered by 7,424 counters (58 KiB), whatever the number of recordings.
//
// Percentiles: value_at_percentile(p) is the smallest bucket value such that at least
// ceil(p/100 * count) recordings are at or below it (p <= 0: the exact minimum, p >= 100: the
// exact maximum, an empty histogram: 0).
//
// Serialisation: buckets() lists the non-empty buckets as (highest equivalent value, count);
// from_buckets() rebuilds an equal histogram from that list (and the exact min/max/sum, when
// known), so results.json can carry histograms that later runs are compared with or merged into.
//
// Errors: never throws (counters saturate at 2^64-1, which 64-bit counting never reaches).
// Thread safety: none; use one per thread and merge().
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace apipnr::harness {

class latency_histogram {
 public:
  static constexpr unsigned sub_bucket_bits = 7;                       // 128 sub-buckets per octave
  static constexpr std::uint64_t exact_below = 2U << sub_bucket_bits;  // 256
  static constexpr std::size_t bucket_count = 256 + (63 - sub_bucket_bits) * 128;  // 7424

  // The bucket of a value and the value range a bucket stands for.
  static std::size_t index_of(std::uint64_t value) noexcept;
  static std::uint64_t lowest_equivalent(std::size_t index) noexcept;
  static std::uint64_t highest_equivalent(std::size_t index) noexcept;

  void record(std::uint64_t value, std::uint64_t times = 1) noexcept;
  // Adds every recording of `other` (bucket by bucket; min/max/sum exact).
  void merge(const latency_histogram& other) noexcept;
  void reset() noexcept;

  std::uint64_t count() const noexcept { return count_; }
  std::uint64_t min() const noexcept { return count_ == 0 ? 0 : min_; }
  std::uint64_t max() const noexcept { return max_; }
  double mean() const noexcept { return count_ == 0 ? 0.0 : sum_ / static_cast<double>(count_); }
  double sum() const noexcept { return sum_; }
  std::uint64_t value_at_percentile(double percentile) const noexcept;

  // Non-empty buckets in increasing order: (highest equivalent value, count).
  std::vector<std::pair<std::uint64_t, std::uint64_t>> buckets() const;
  // Rebuilds from buckets(); each value is put in the bucket it falls into. min/max/sum default
  // to the bucket bounds when not given (0 = unknown).
  static latency_histogram from_buckets(
      const std::vector<std::pair<std::uint64_t, std::uint64_t>>& buckets, std::uint64_t min = 0,
      std::uint64_t max = 0, double sum = 0);

 private:
  std::array<std::uint64_t, bucket_count> counts_{};
  std::uint64_t count_ = 0;
  std::uint64_t min_ = UINT64_MAX;
  std::uint64_t max_ = 0;
  double sum_ = 0;
};

}  // namespace apipnr::harness
