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
  struct run {
    const char* name;
    std::size_t max_batch;
    std::chrono::microseconds max_wait;
    int threads, per_thread;
  };
  // Blocking callers model HTTP handlers that acknowledge only after COMMIT: with one
  // transaction per put they queue behind each other's fsync; group commit shares it.
  const run runs[] = {
      {"one transaction per put, 8 callers ", 1, std::chrono::microseconds(0), 8, 50},
      {"group commit 2 ms,       8 callers ", 256, std::chrono::microseconds(2000), 8, 250},
      {"group commit 0 ms,       8 callers ", 256, std::chrono::microseconds(0), 8, 250},
      {"one transaction per put, 64 callers", 1, std::chrono::microseconds(0), 64, 8},
      {"group commit 2 ms,       64 callers", 256, std::chrono::microseconds(2000), 64, 60},
  };
  std::printf("store puts/s, synchronous=FULL, 2 travellers per record:\n");
  for (const run& r : runs) {
    std::uint64_t tx = 0;
    const double rate = puts_per_second(r.max_batch, r.max_wait, r.threads, r.per_thread, tx);
    std::printf("  %s: %8.0f puts/s (%d puts, %llu transactions)\n", r.name, rate,
                r.threads * r.per_thread, static_cast<unsigned long long>(tx));
    EXPECT_GT(rate, 0);
  }
}

}  // namespace
}  // namespace apipnr::store
