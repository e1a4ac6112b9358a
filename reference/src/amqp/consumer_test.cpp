// Broker-free tests of the consumer: option checks, URL parsing, the recent set and back-off.
#include "apipnr/amqp/consumer.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "apipnr/common/thread_names_testing.hpp"
#include "consumer_internal.hpp"

namespace apipnr::amqp {
namespace {

using namespace std::chrono_literals;
namespace ci = consumer_internal;

handler_result stored(const inbound&) {
  return {handler_status::stored, "ACK", "", "", "", "", {}};
}

TEST(AmqpUrl, ParsesCredentialsHostAndPort) {
  auto u = ci::parse_url("amqp://guest:secret@127.0.0.1:5672");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->user, "guest");
  EXPECT_EQ(u->password, "secret");
  EXPECT_EQ(u->address(), "amqp://127.0.0.1:5672");
  auto anon = ci::parse_url("amqp://127.0.0.1:1");
  ASSERT_TRUE(anon);
  EXPECT_TRUE(anon->user.empty());
}

TEST(AmqpUrl, RejectsMalformed) {
  for (const char* bad : {"", "http://h:1", "amqp://h", "amqp://h:0", "amqp://h:70000",
                          "amqp://h:12x", "amqp://:5672", "amqp://h/q:5672"}) {
    EXPECT_FALSE(ci::parse_url(bad)) << bad;
  }
}

options make_options(std::string url, std::vector<std::string> sources) {
  options o;
  o.url = std::move(url);
  o.sources = std::move(sources);
  return o;
}

TEST(AmqpConsumer, StartValidatesOptions) {
  EXPECT_EQ(consumer(make_options("bogus", {"/queue/a"}), stored).start(),
            boost::system::error_code(errc::invalid_url));
  EXPECT_EQ(consumer(make_options("amqp://127.0.0.1:1", {}), stored).start(),
            boost::system::error_code(errc::no_sources));
  EXPECT_EQ(consumer(make_options("amqp://127.0.0.1:1", {""}), stored).start(),
            boost::system::error_code(errc::no_sources));
  options zero_credit = make_options("amqp://127.0.0.1:1", {"/queue/a"});
  zero_credit.credit = 0;
  EXPECT_EQ(consumer(zero_credit, stored).start(), boost::system::error_code(errc::invalid_limits));
}

TEST(AmqpConsumer, StopsCleanlyWhileBrokerIsUnreachable) {
  // Port 1 on loopback refuses: the consumer keeps retrying until stop(), which must return
  // promptly and without error (nothing was in flight).
  options o = make_options("amqp://127.0.0.1:1", {"/queue/a"});
  o.reconnect_initial = 10ms;
  o.reconnect_max = 50ms;
  o.log = [](log_level, std::string_view) {};
  consumer c(o, stored);
  ASSERT_FALSE(c.start());
  EXPECT_EQ(c.start(), boost::system::error_code(errc::already_started));
  std::this_thread::sleep_for(200ms);
  EXPECT_FALSE(c.connected());
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_FALSE(c.stop(5s));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
  EXPECT_EQ(c.counters().connects, 0U);
}

// options::log_threshold: lines below it never reach the sink (they are not even built);
// an unreachable broker produces "reconnecting ..." at info and transport errors at warning.
TEST(AmqpConsumer, LogThresholdDropsLowerLevels) {
  for (const log_level threshold : {log_level::debug, log_level::warning}) {
    options o = make_options("amqp://127.0.0.1:1", {"/queue/a"});
    o.reconnect_initial = 10ms;
    o.reconnect_max = 20ms;
    o.log_threshold = threshold;
    std::mutex m;
    std::vector<log_level> seen;
    o.log = [&](log_level l, std::string_view) {
      std::lock_guard lock(m);
      seen.push_back(l);
    };
    consumer c(o, stored);
    ASSERT_FALSE(c.start());
    std::this_thread::sleep_for(200ms);
    EXPECT_FALSE(c.stop(5s));
    std::lock_guard lock(m);
    const auto below = std::count_if(seen.begin(), seen.end(),
                                     [&](log_level l) { return l < log_level::warning; });
    if (threshold == log_level::debug) {
      EXPECT_GT(below, 0) << "retries are logged at info";
    } else {
      EXPECT_EQ(below, 0);
      EXPECT_FALSE(seen.empty()) << "the failed connects are still reported";
    }
  }
}

TEST(AmqpRecentSet, EvictsLeastRecentlyUsed) {
  ci::lru_map<int> m(2);
  m.put("a", 1);
  m.put("b", 2);
  ASSERT_NE(m.find("a"), nullptr);  // a is now the most recent
  m.put("c", 3);
  EXPECT_EQ(m.find("b"), nullptr);
  ASSERT_NE(m.find("a"), nullptr);
  EXPECT_EQ(*m.find("a"), 1);
  EXPECT_EQ(*m.find("c"), 3);
  EXPECT_EQ(m.size(), 2U);
  m.erase("a");
  EXPECT_EQ(m.find("a"), nullptr);
}

TEST(AmqpBackoff, GrowsExponentiallyWithJitterUpToMax) {
  ci::backoff b(100ms, 1000ms, 42);
  const long long expected_max[] = {100, 200, 400, 800, 1000, 1000};
  for (long long hi : expected_max) {
    const auto d = b.next().count();
    EXPECT_GE(d, hi / 2);
    EXPECT_LE(d, hi);
  }
  b.reset();
  EXPECT_LE(b.next().count(), 100);
}

TEST(AmqpBackoff, JitterSpreadsDelays) {
  ci::backoff a(1000ms, 1000ms, 1), b(1000ms, 1000ms, 2);
  int differ = 0;
  for (int i = 0; i < 10; ++i) differ += a.next() != b.next() ? 1 : 0;
  EXPECT_GT(differ, 5);
}

// RCV-LIM-003, the consumer's handler slots under a broker that ignores the credit: more
// deliveries than slots arrive at once; the first `limit` start, the next `hold_cap` wait and
// start in arrival order as calls end, the rest are refused (released to the broker).
TEST(AmqpHandlerSlots, HoldsTheOvershootInOrderAndRefusesBeyondTheCap) {
  ci::handler_slots<int> slots(4, 4);
  std::vector<int> started, refused;
  for (int d = 0; d < 12; ++d) {  // 12 deliveries against 4 slots
    if (slots.free()) {
      slots.take();
      started.push_back(d);
    } else if (!slots.hold(int{d})) {
      refused.push_back(d);
    }
  }
  EXPECT_EQ(started, (std::vector<int>{0, 1, 2, 3}));
  EXPECT_EQ(slots.held(), 4U);
  EXPECT_EQ(refused, (std::vector<int>{8, 9, 10, 11}));
  EXPECT_FALSE(slots.next()) << "a held delivery started with every slot taken";
  slots.finish();
  auto n = slots.next();
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 4);
  slots.take();
  EXPECT_FALSE(slots.next());
  // A held delivery found to need no call (a duplicate answered meanwhile) leaves the slot.
  slots.finish();
  n = slots.next();
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 5);
  n = slots.next();
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 6);
  slots.take();
  EXPECT_EQ(slots.active(), 4U);
  const auto rest = slots.take_held();
  EXPECT_EQ(rest.size(), 1U);
  EXPECT_EQ(slots.held(), 0U);
}

// The same under a long random schedule of bursts (up to three times the limit at once) and
// completions: never more than `limit` calls, never more than `hold_cap` waiting, every
// delivery started exactly once or refused, and the held ones started in arrival order.
TEST(AmqpHandlerSlots, RandomBurstsNeverExceedTheLimit) {
  constexpr std::uint32_t limit = 16;
  ci::handler_slots<int> slots(limit, limit);
  std::mt19937 rng(2597);
  std::vector<int> running;
  std::vector<int> start_count(100000, 0);
  int next_delivery = 0, refused = 0, last_held_started = -1;
  std::uint32_t most = 0;
  for (int round = 0; round < 2000 && next_delivery < 99000; ++round) {
    const int burst = std::uniform_int_distribution<int>(0, 3 * limit)(rng);
    for (int i = 0; i < burst; ++i) {
      const int d = next_delivery++;
      if (slots.free()) {
        slots.take();
        running.push_back(d);
        ++start_count[d];
      } else if (!slots.hold(int{d})) {
        ++refused;
      }
    }
    most = std::max(most, slots.active());
    ASSERT_LE(slots.active(), limit);
    ASSERT_LE(slots.held(), limit);
    const int done = std::uniform_int_distribution<int>(0, static_cast<int>(running.size()))(rng);
    for (int i = 0; i < done; ++i) {
      running.erase(running.begin());
      slots.finish();
      while (auto h = slots.next()) {
        ASSERT_GT(*h, last_held_started) << "held deliveries started out of order";
        last_held_started = *h;
        slots.take();
        running.push_back(*h);
        ++start_count[*h];
      }
    }
    ASSERT_EQ(slots.active(), running.size());
  }
  EXPECT_EQ(most, limit) << "the schedule never filled the slots: the test checks nothing";
  EXPECT_GT(refused, 0) << "the schedule never overflowed the hold queue";
  EXPECT_GT(last_held_started, 0) << "no held delivery ever started";
  for (int d = 0; d < next_delivery; ++d) ASSERT_LE(start_count[d], 1) << "delivery " << d;
}

// The consumer names its threads (event, workers, timer), so that per-thread figures (top -H,
// apipnr-bench-amqp --thread-cpu) can be attributed; they are gone after stop().
using apipnr::common::testing::thread_names;

TEST(AmqpConsumer, ThreadsAreNamed) {
  options o = make_options("amqp://127.0.0.1:1", {"/queue/a"});
  o.workers = 3;
  o.reconnect_initial = 10ms;
  o.reconnect_max = 50ms;
  o.log = [](log_level, std::string_view) {};
  consumer c(o, stored);
  ASSERT_FALSE(c.start());
  // A thread names itself when it starts, which may be just after start() returned.
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  std::multiset<std::string> names = thread_names();
  while ((names.count("amqp-event") != 1 || names.count("amqp-worker") != 3 ||
          names.count("amqp-timer") != 1) &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);
    names = thread_names();
  }
  EXPECT_EQ(names.count("amqp-event"), 1u);
  EXPECT_EQ(names.count("amqp-worker"), 3u);
  EXPECT_EQ(names.count("amqp-timer"), 1u);
  EXPECT_FALSE(c.stop(5s));
  names = thread_names();
  EXPECT_EQ(names.count("amqp-event") + names.count("amqp-worker") + names.count("amqp-timer"), 0u);
}

}  // namespace
}  // namespace apipnr::amqp
