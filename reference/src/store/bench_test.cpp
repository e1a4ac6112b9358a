// Throughput of durable puts on this machine's disk: group commit vs one transaction per put.
// Prints the figures (docs/STORE.md quotes them); asserts only that every put succeeded.
#include <gtest/gtest.h>

#include <cstdio>
#include <thread>

#include "apipnr/store/store.hpp"
#include "test_support.hpp"

namespace apipnr::store {
namespace {

double puts_per_second(std::size_t max_batch, std::chrono::microseconds max_wait, int threads_n,
                       int per_thread, std::uint64_t& transactions) {
  testing::temp_dir dir;
  options o;
  o.path = dir.file();
  o.max_batch = max_batch;
  o.max_wait = max_wait;
  auto s = store::open(std::move(o));
  EXPECT_TRUE(s);
  if (!s) return 0;
  std::atomic<int> failures{0};
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < threads_n; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i)
        if (!(*s)->put(testing::make_api("P" + std::to_string(t) + "-" + std::to_string(i), 2)))
          ++failures;
    });
  for (auto& th : threads) th.join();
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(failures.load(), 0);
  transactions = (*s)->stats().transactions;
  return threads_n * per_thread / secs;
}

TEST(StoreBench, GroupCommitVersusOneTransactionPerPut) {
  std::uint64_t tx_single = 0, tx_group = 0, tx_natural = 0;
  const double single = puts_per_second(1, std::chrono::microseconds(0), 8, 50, tx_single);
  const double group = puts_per_second(256, std::chrono::microseconds(2000), 8, 250, tx_group);
  const double natural = puts_per_second(256, std::chrono::microseconds(0), 8, 250, tx_natural);
  std::printf("store puts/s, 8 threads, synchronous=FULL, 2 travellers per record:\n");
  std::printf("  one transaction per put        : %8.0f puts/s (400 puts, %llu tx)\n", single,
              static_cast<unsigned long long>(tx_single));
  std::printf("  group commit, max_wait 2 ms    : %8.0f puts/s (2000 puts, %llu tx)\n", group,
              static_cast<unsigned long long>(tx_group));
  std::printf("  group commit, max_wait 0       : %8.0f puts/s (2000 puts, %llu tx)\n", natural,
              static_cast<unsigned long long>(tx_natural));
  EXPECT_GT(single, 0);
  EXPECT_GT(group, 0);
}

}  // namespace
}  // namespace apipnr::store
