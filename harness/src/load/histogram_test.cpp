// latency_histogram: bucket layout, the 1 % error bound against exact percentiles, merge,
// percentile edge cases and the serialised round trip.
#include "apipnr/harness/histogram.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include <gtest/gtest.h>

namespace apipnr::harness {
namespace {

using h_t = latency_histogram;

TEST(LatencyHistogram, BucketsTileTheWholeRangeWithoutGapsOrOverlap) {
  EXPECT_EQ(h_t::lowest_equivalent(0), 0U);
  for (std::size_t i = 0; i < h_t::bucket_count; ++i) {
    const auto lo = h_t::lowest_equivalent(i), hi = h_t::highest_equivalent(i);
    ASSERT_LE(lo, hi) << i;
    ASSERT_EQ(h_t::index_of(lo), i) << i;
    ASSERT_EQ(h_t::index_of(hi), i) << i;
    if (i + 1 < h_t::bucket_count) {
      ASSERT_EQ(hi + 1, h_t::lowest_equivalent(i + 1)) << i;
    }
  }
  EXPECT_EQ(h_t::highest_equivalent(h_t::bucket_count - 1), UINT64_MAX);
  EXPECT_EQ(h_t::index_of(UINT64_MAX), h_t::bucket_count - 1);
}

TEST(LatencyHistogram, EveryBucketIsNarrowerThanOnePercentOfItsValues) {
  for (std::size_t i = h_t::exact_below; i < h_t::bucket_count; ++i) {
    const double lo = static_cast<double>(h_t::lowest_equivalent(i));
    const double width = static_cast<double>(h_t::highest_equivalent(i)) - lo + 1.0;
    ASSERT_LE(width / lo, 1.0 / 128.0 + 1e-12) << i;
  }
}

TEST(LatencyHistogram, SmallValuesAreExact) {
  h_t h;
  for (std::uint64_t v = 0; v < 256; ++v) h.record(v);
  for (int p = 1; p <= 100; ++p) {
    const auto rank = static_cast<std::uint64_t>(std::ceil(p / 100.0 * 256.0));
    EXPECT_EQ(h.value_at_percentile(p), rank - 1) << p;
  }
}

// Exact percentile of a sorted sample, with the same rank rule as the histogram.
std::uint64_t exact_percentile(const std::vector<std::uint64_t>& sorted, double p) {
  auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  rank = std::clamp<std::size_t>(rank, 1, sorted.size());
  return sorted[rank - 1];
}

TEST(LatencyHistogram, PercentilesAreWithinOnePercentOfTheExactValue) {
  std::mt19937_64 rng(20261127);
  // Log-uniform over 1 ns .. 100 s, the span a load run sees.
  std::uniform_real_distribution<double> exponent(0.0, 11.0);
  std::vector<std::uint64_t> values;
  h_t h;
  for (int i = 0; i < 200000; ++i) {
    const auto v = static_cast<std::uint64_t>(std::pow(10.0, exponent(rng)));
    values.push_back(v);
    h.record(v);
  }
  std::sort(values.begin(), values.end());
  for (double p : {0.1, 1.0, 10.0, 25.0, 50.0, 75.0, 90.0, 99.0, 99.9, 99.99, 99.999}) {
    const auto exact = exact_percentile(values, p);
    const auto got = h.value_at_percentile(p);
    EXPECT_GE(got, exact) << p;  // never reports less than was measured
    EXPECT_LE(static_cast<double>(got), static_cast<double>(exact) * 1.01) << p;
  }
  EXPECT_EQ(h.max(), values.back());
  EXPECT_EQ(h.min(), values.front());
  EXPECT_EQ(h.count(), values.size());
}

TEST(LatencyHistogram, PercentileEdgeCases) {
  h_t empty;
  EXPECT_EQ(empty.value_at_percentile(50), 0U);
  EXPECT_EQ(empty.max(), 0U);
  EXPECT_EQ(empty.min(), 0U);
  EXPECT_EQ(empty.mean(), 0.0);

  h_t one;
  one.record(123456789);
  for (double p : {0.0, 0.001, 50.0, 99.9, 100.0, 150.0, -3.0})
    EXPECT_NEAR(static_cast<double>(one.value_at_percentile(p)), 123456789.0, 123456789.0 / 128)
        << p;
  EXPECT_EQ(one.value_at_percentile(100), 123456789U);  // exact max
  EXPECT_EQ(one.value_at_percentile(0), 123456789U);    // exact min
  EXPECT_EQ(one.value_at_percentile(std::numeric_limits<double>::quiet_NaN()), 123456789U);

  h_t hundred;  // 1..100: p50 is the 50th value, p99 the 99th, p99.9 the 100th
  for (std::uint64_t v = 1; v <= 100; ++v) hundred.record(v);
  EXPECT_EQ(hundred.value_at_percentile(50), 50U);
  EXPECT_EQ(hundred.value_at_percentile(99), 99U);
  EXPECT_EQ(hundred.value_at_percentile(99.9), 100U);
  EXPECT_EQ(hundred.value_at_percentile(1), 1U);
  EXPECT_DOUBLE_EQ(hundred.mean(), 50.5);

  h_t extremes;
  extremes.record(0);
  extremes.record(UINT64_MAX);
  EXPECT_EQ(extremes.value_at_percentile(50), 0U);
  EXPECT_EQ(extremes.value_at_percentile(51), UINT64_MAX);
  EXPECT_EQ(extremes.max(), UINT64_MAX);
}

TEST(LatencyHistogram, RepeatedRecordingCountsTimes) {
  h_t h;
  h.record(1000, 99);
  h.record(5000000, 1);
  h.record(7, 0);  // no-op
  EXPECT_EQ(h.count(), 100U);
  EXPECT_LE(h.value_at_percentile(99), 1000U * 129 / 128);
  EXPECT_EQ(h.value_at_percentile(99.5), 5000000U);
}

TEST(LatencyHistogram, MergeEqualsRecordingIntoOne) {
  std::mt19937_64 rng(7);
  std::lognormal_distribution<double> d(12.0, 2.0);
  h_t a, b, both;
  for (int i = 0; i < 50000; ++i) {
    const auto v = static_cast<std::uint64_t>(d(rng));
    ((i % 3 == 0) ? a : b).record(v);
    both.record(v);
  }
  h_t merged = a;
  merged.merge(b);
  EXPECT_EQ(merged.count(), both.count());
  EXPECT_EQ(merged.min(), both.min());
  EXPECT_EQ(merged.max(), both.max());
  EXPECT_EQ(merged.buckets(), both.buckets());
  for (double p : {50.0, 90.0, 99.0, 99.9})
    EXPECT_EQ(merged.value_at_percentile(p), both.value_at_percentile(p));
  h_t empty;
  merged.merge(empty);
  EXPECT_EQ(merged.count(), both.count());
  empty.merge(both);
  EXPECT_EQ(empty.buckets(), both.buckets());
  merged.reset();
  EXPECT_EQ(merged.count(), 0U);
  EXPECT_TRUE(merged.buckets().empty());
}

TEST(LatencyHistogram, SerialisedBucketsRebuildAnEqualHistogram) {
  h_t h;
  for (std::uint64_t v : {3ULL, 300ULL, 300ULL, 123456ULL, 2000000000ULL}) h.record(v);
  const auto back = h_t::from_buckets(h.buckets(), h.min(), h.max(), h.sum());
  EXPECT_EQ(back.buckets(), h.buckets());
  EXPECT_EQ(back.count(), h.count());
  EXPECT_EQ(back.max(), h.max());
  EXPECT_EQ(back.min(), h.min());
  for (double p : {0.0, 20.0, 50.0, 80.0, 100.0})
    EXPECT_EQ(back.value_at_percentile(p), h.value_at_percentile(p));
  // Without the exact extremes the bucket bounds stand in (still within the error bound).
  const auto rough = h_t::from_buckets(h.buckets());
  EXPECT_LE(rough.min(), 3U);
  EXPECT_GE(rough.max(), 2000000000U);
  EXPECT_TRUE(h_t::from_buckets({}).buckets().empty());
}

}  // namespace
}  // namespace apipnr::harness
