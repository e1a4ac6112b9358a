// Throughput of durable puts on this machine's disk: group commit vs one transaction per put.
// Prints the figures (docs/STORE.md quotes them); asserts only that every put succeeded.
#include <gtest/gtest.h>

#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
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

// User and system CPU seconds of the process.
std::pair<double, double> cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  const auto secs = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return {secs(u.ru_utime), secs(u.ru_stime)};
}

// The store's CPU per put as the iAPI intake sees it in the open model (docs/PERFORMANCE.md
// "iAPI latency in the open model": at 5,000/s the writer commits almost every put alone):
// one blocking caller, one passenger with one document and a flight per record, so every put
// is its own group commit with sync_full. Process CPU (caller's row building, the writer's
// INSERTs, the WAL writes and the fsync's system time) over the puts after a warm-up.
// APIPNR_STORE_BENCH_PUTS sets the count (default 300, enough for the smoke run),
// APIPNR_STORE_BENCH_WARMUP the puts before (default 50), APIPNR_STORE_BENCH_PAGE_SIZE the page
// size of the new file (options::page_size).
TEST(StoreBench, CpuPerSerialOnePassengerPut) {
  int n = 300, warm = 50;
  if (const char* e = std::getenv("APIPNR_STORE_BENCH_PUTS")) n = std::max(10, std::atoi(e));
  if (const char* e = std::getenv("APIPNR_STORE_BENCH_WARMUP")) warm = std::max(0, std::atoi(e));
  testing::temp_dir dir;
  options o = testing::options_for(dir.file());
  if (const char* e = std::getenv("APIPNR_STORE_BENCH_PAGE_SIZE"))
    o.page_size = static_cast<std::size_t>(std::atoi(e));
  auto s = store::open(std::move(o));
  ASSERT_TRUE(s);
  int failures = 0;
  for (int i = 0; i < warm; ++i)
    if (!(*s)->put(testing::make_api("W" + std::to_string(i), 1))) ++failures;
  const std::uint64_t tx_before = (*s)->stats().transactions;
  const auto [user0, sys0] = cpu_seconds();
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i)
    if (!(*s)->put(testing::make_api("S" + std::to_string(i), 1))) ++failures;
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const auto [user1, sys1] = cpu_seconds();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ((*s)->stats().transactions - tx_before, static_cast<std::uint64_t>(n));
  std::printf(
      "serial one-passenger puts, synchronous=FULL: %d puts after %d, CPU per put "
      "%.1f us (user %.1f, system %.1f), wall per put %.1f us, WAL frames %llu\n",
      n, warm, (user1 - user0 + sys1 - sys0) / n * 1e6, (user1 - user0) / n * 1e6,
      (sys1 - sys0) / n * 1e6, wall / n * 1e6,
      static_cast<unsigned long long>((*s)->stats().wal_frames));
}

}  // namespace
}  // namespace apipnr::store
