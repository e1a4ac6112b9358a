// Throughput of durable puts on this machine's disk: group commit vs one transaction per put.
// Prints the figures (docs/STORE.md quotes them); asserts only that every put succeeded.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <future>
#include <iterator>
#include <map>
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

int env_int(const char* name, int fallback) {
  const char* e = std::getenv(name);
  return e != nullptr ? std::max(1, std::atoi(e)) : fallback;
}

std::uint32_t be32(const unsigned char* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         p[3];
}

// What a group commit writes to the WAL, counted from the WAL file itself (load-independent):
// frames per commit and per put, and the b-tree each frame's page belongs to (dbstat). The
// store is first filled with APIPNR_STORE_BENCH_BASE one-passenger records (default 2,000;
// the per-put random leaf of a content index only shows once the index has many more leaves
// than a batch has puts, so measure with 100,000), or copied from APIPNR_STORE_BENCH_TEMPLATE
// when that file exists (written there otherwise, so that a callgrind run can skip the
// filling). Then APIPNR_STORE_BENCH_PUTS records of APIPNR_STORE_BENCH_TRAVELLERS passengers
// (1: an iAPI request's rows; 300: a PAXLST-300's; raw bytes padded to 400 + 200 per
// traveller) are queued at once and committed in batches
// of exactly APIPNR_STORE_BENCH_BATCH (default 26) with no checkpoint, so the WAL holds every
// frame of the measured commits. docs/PERFORMANCE.md, session 10.
TEST(StoreBench, WalFramesPerCommitByBtree) {
  const int batch = env_int("APIPNR_STORE_BENCH_BATCH", 26);
  const int travellers = env_int("APIPNR_STORE_BENCH_TRAVELLERS", 1);
  const int base = env_int("APIPNR_STORE_BENCH_BASE", 2000);
  const int n = std::max(1, env_int("APIPNR_STORE_BENCH_PUTS", 10 * batch) / batch) * batch;
  testing::temp_dir dir;
  const char* tpl = std::getenv("APIPNR_STORE_BENCH_TEMPLATE");
  if (tpl != nullptr && std::filesystem::exists(tpl)) {
    std::filesystem::copy_file(tpl, dir.file());
  } else {
    options o = testing::options_for(dir.file());
    auto s = store::open(std::move(o));
    ASSERT_TRUE(s);
    std::vector<std::thread> threads;
    std::atomic<int> failures{0};
    for (int t = 0; t < 16; ++t)
      threads.emplace_back([&, t] {
        for (int i = t; i < base; i += 16)
          if (!(*s)->put(testing::make_api("BASE" + std::to_string(i), 1))) ++failures;
      });
    for (auto& th : threads) th.join();
    ASSERT_EQ(failures.load(), 0);
    (*s)->close();
    s->reset();  // the last connection's close checkpoints the WAL into the file
    if (tpl != nullptr) std::filesystem::copy_file(dir.file(), tpl);
  }
  options o = testing::options_for(dir.file());
  o.max_batch = static_cast<std::size_t>(batch);
  o.max_wait = std::chrono::seconds(10);  // a batch starts once `batch` puts are queued
  // APIPNR_STORE_BENCH_CHECKPOINTS=1 keeps the default checkpoints (for counting what they
  // write, e.g. strace -e pwrite64); the WAL then restarts and is not analysed.
  const bool checkpoints = std::getenv("APIPNR_STORE_BENCH_CHECKPOINTS") != nullptr;
  if (!checkpoints)
    o.checkpoint_pages = o.wal_limit_pages = std::size_t{1} << 30;  // never: keep every frame
  // APIPNR_STORE_BENCH_STEP: options::checkpoint_step_pages for those checkpoints.
  if (const char* e = std::getenv("APIPNR_STORE_BENCH_STEP"))
    o.checkpoint_step_pages = static_cast<std::size_t>(std::max(0, std::atoi(e)));
  o.max_queue = static_cast<std::size_t>(n) + 1;
  auto s = store::open(std::move(o));
  ASSERT_TRUE(s);
  std::vector<received> records;
  records.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    records.push_back(testing::make_api("M" + std::to_string(i), travellers));
    // Raw bytes of a real size (the iAPI vector's request is 578 bytes; a PAXLST traveller's
    // segments about 200): the interchange row, its overflow pages and the WAL grow with them.
    records.back().raw.resize(400 + 200 * static_cast<std::size_t>(travellers), '.');
  }
  std::atomic<int> left{n}, failures{0};
  std::promise<void> all_done;
  for (auto& r : records)
    ASSERT_FALSE((*s)->put_async(std::move(r), [&](boost::system::result<put_outcome> res) {
      if (!res || res->duplicate) ++failures;
      if (--left == 0) all_done.set_value();
    }));
  all_done.get_future().wait();
  EXPECT_EQ(failures.load(), 0);
  if (checkpoints) {
    const auto st = (*s)->stats();
    std::printf(
        "%d puts of %d traveller(s) in commits of %d with checkpoints: %llu passive "
        "checkpoints, %llu frames copied, %llu pages written by them, %llu WAL syncs skipped, "
        "%llu transactions\n",
        n, travellers, batch, static_cast<unsigned long long>(st.checkpoints),
        static_cast<unsigned long long>(st.checkpoint_frames_sum),
        static_cast<unsigned long long>(st.checkpoint_writes),
        static_cast<unsigned long long>(st.checkpoint_wal_syncs_skipped),
        static_cast<unsigned long long>(st.transactions));
    return;
  }

  // The WAL: a 32-byte header, then frames of a 24-byte header (page number, database size in
  // pages for the commit frame of a transaction, else 0) and one page.
  std::ifstream in(dir.file().string() + "-wal", std::ios::binary);
  const std::string wal((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_GE(wal.size(), 32u);
  const auto* w = reinterpret_cast<const unsigned char*>(wal.data());
  const std::size_t page = be32(w + 8), frame = 24 + page;
  std::map<std::uint32_t, std::string> owner;
  {
    sqlite3* db = nullptr;
    sqlite3_open_v2(dir.file().c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt* q = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT name, pageno FROM dbstat", -1, &q, nullptr) == SQLITE_OK)
      while (sqlite3_step(q) == SQLITE_ROW)
        owner[static_cast<std::uint32_t>(sqlite3_column_int64(q, 1))] =
            reinterpret_cast<const char*>(sqlite3_column_text(q, 0));
    sqlite3_finalize(q);
    sqlite3_close(db);
  }
  std::map<std::string, std::size_t> by_tree;
  std::size_t frames = 0, commits = 0;
  for (std::size_t off = 32; off + frame <= wal.size(); off += frame) {
    ++frames;
    if (be32(w + off + 4) != 0) ++commits;
    const auto it = owner.find(be32(w + off));
    ++by_tree[it == owner.end() ? std::string("(not a b-tree page now)") : it->second];
  }
  const auto st = (*s)->stats();
  std::printf(
      "WAL of %d puts of %d traveller(s) in commits of %d, after %d base records: %zu frames, "
      "%zu commits (store: %llu transactions); per commit %.2f frames, per put %.2f frames = "
      "%.0f bytes (page %zu)\n",
      n, travellers, batch, base, frames, commits, static_cast<unsigned long long>(st.transactions),
      static_cast<double>(frames) / static_cast<double>(commits), static_cast<double>(frames) / n,
      static_cast<double>(frames * frame) / n, page);
  std::vector<std::pair<std::size_t, std::string>> sorted;
  for (const auto& [name, count] : by_tree) sorted.emplace_back(count, name);
  std::sort(sorted.rbegin(), sorted.rend());
  for (const auto& [count, name] : sorted)
    std::printf("  %-28s %8.2f frames per commit %6.2f per put\n", name.c_str(),
                static_cast<double>(count) / static_cast<double>(commits),
                static_cast<double>(count) / n);
  EXPECT_EQ(commits, static_cast<std::size_t>(n / batch));
}

}  // namespace
}  // namespace apipnr::store
