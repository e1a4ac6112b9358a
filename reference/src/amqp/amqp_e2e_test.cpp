// Broker tests of the AMQP consumer against a private loopback RabbitMQ (scripts/rabbitmq.sh).
// Under CTest the node comes from the apipnr_rabbitmq fixture (APIPNR_RABBITMQ_DIR); run
// directly, this binary starts its own node in a temporary folder and stops it at the end.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "apipnr/amqp/consumer.hpp"
#include "consumer_internal.hpp"
#include "test_client.hpp"

namespace apipnr::amqp {
namespace {

using namespace std::chrono_literals;
using testing::outgoing;
using testing::received;

std::string g_dir;  // broker data folder
std::string g_url;  // amqp://guest:guest@127.0.0.1:PORT

int run_script(const std::string& verb) {
  const std::string cmd =
      std::string(APIPNR_SOURCE_DIR) + "/scripts/rabbitmq.sh " + verb + " '" + g_dir + "'";
  return std::system(cmd.c_str());
}

class broker_environment final : public ::testing::Environment {
 public:
  void SetUp() override {
    if (const char* d = std::getenv("APIPNR_RABBITMQ_DIR"); d != nullptr && *d != '\0') {
      g_dir = d;
    } else {
      char tmpl[] = "/tmp/apipnr-amqp-test.XXXXXX";
      ASSERT_NE(::mkdtemp(tmpl), nullptr);
      g_dir = tmpl;
      own_ = true;
    }
    // Idempotent: a no-op when the fixture already started the node.
    ASSERT_EQ(run_script("start"), 0)
        << "[apipnr.amqp.104] broker did not start, see " << g_dir << "/log";
    std::ifstream env(g_dir + "/env");
    std::string line;
    const std::string key = "export APIPNR_AMQP_URL=";
    while (std::getline(env, line)) {
      if (line.rfind(key, 0) == 0) g_url = line.substr(key.size());
    }
    ASSERT_FALSE(g_url.empty()) << "[apipnr.amqp.104] no APIPNR_AMQP_URL in " << g_dir << "/env";
  }
  void TearDown() override {
    if (!own_) return;
    run_script("stop");
    std::error_code ec;
    std::filesystem::remove_all(g_dir, ec);
  }

 private:
  bool own_ = false;
};

const auto* const g_env = ::testing::AddGlobalTestEnvironment(new broker_environment);

// A queue name of its own per test and run, so that leftovers of an earlier run never mix in.
std::string queue(const std::string& what) {
  const auto* t = ::testing::UnitTest::GetInstance()->current_test_info();
  return "/queue/t." + std::string(t->name()) + "." + what + "." + std::to_string(::getpid());
}

// The handler's durable store stand-in: content-keyed like the real store, counting how often
// each message id was handed over.
struct memory_store {
  std::mutex mutex;
  std::map<std::string, int> calls;  // message id -> handler calls that stored it
  std::set<std::string> bodies;
  std::vector<std::uint32_t> attempts;

  handler_result put(const inbound& in) {
    std::lock_guard lock(mutex);
    const bool fresh = bodies.insert(std::string(in.body)).second;
    ++calls[in.message_id];
    attempts.push_back(in.attempt);
    return {fresh ? handler_status::stored : handler_status::duplicate,
            "ACK:" + in.message_id,
            "CONTRL",
            "application/edifact",
            "accept",
            "",
            {}};
  }
  std::size_t unique() {
    std::lock_guard lock(mutex);
    return bodies.size();
  }
  int max_calls() {
    std::lock_guard lock(mutex);
    int m = 0;
    for (const auto& kv : calls) m = std::max(m, kv.second);
    return m;
  }
};

// Elapsed time of each step on stderr, so that a slow e2e run shows where the time went.
void step(const char* what) {
  static auto last = std::chrono::steady_clock::now();
  const auto now = std::chrono::steady_clock::now();
  std::fprintf(stderr, "  [%6lld ms] %s\n",
               static_cast<long long>(
                   std::chrono::duration_cast<std::chrono::milliseconds>(now - last).count()),
               what);
  last = now;
}

// The broker-overshoot fault for the next consumer started (0: none).
void ci_extra_credit(std::uint32_t n) { consumer_internal::extra_link_credit_for_tests = n; }

bool wait_until(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return pred();
}

std::vector<outgoing> batch(std::size_t n, const std::string& reply_to, const std::string& tag) {
  std::vector<outgoing> out;
  for (std::size_t i = 0; i < n; ++i) {
    outgoing o;
    o.body = testing::synthetic_body(i) + tag;
    o.message_id = tag + "-msg-" + std::to_string(i);
    // Every tenth message has no correlation id: the reply then carries the message id.
    if (i % 10 != 0) o.correlation_id = tag + "-corr-" + std::to_string(i);
    o.reply_to = reply_to;
    o.subject = "PAXLST";
    out.push_back(std::move(o));
  }
  return out;
}

options base_options(const std::string& in) {
  options o;
  o.url = g_url;
  o.sources = {in};
  o.dead_letter = in + ".dead";
  o.reconnect_initial = 50ms;
  o.reconnect_max = 1000ms;
  if (const char* idle = std::getenv("APIPNR_AMQP_TEST_IDLE_MS")) {
    o.idle_timeout = std::chrono::milliseconds(std::atoi(idle));
  }
  if (std::getenv("APIPNR_AMQP_TEST_VERBOSE") != nullptr) {
    o.log = [](log_level, std::string_view line) {
      const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now().time_since_epoch())
                          .count() %
                      100000;
      std::fprintf(stderr, "  %05lld consumer: %.*s\n", static_cast<long long>(ms),
                   static_cast<int>(line.size()), line.data());
    };
  }
  return o;
}

// Receives until every correlation id in `want` was seen (duplicates allowed) or time is up.
std::map<std::string, received> collect(const std::string& address,
                                        const std::set<std::string>& want,
                                        std::chrono::milliseconds timeout) {
  std::map<std::string, received> seen;
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (seen.size() < want.size() && std::chrono::steady_clock::now() < end) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        end - std::chrono::steady_clock::now());
    for (received& r : testing::receive(g_url, address, want.size() - seen.size(), left)) {
      seen.emplace(r.correlation_id, std::move(r));
    }
  }
  return seen;
}

std::set<std::string> expected_correlations(const std::vector<outgoing>& msgs) {
  std::set<std::string> s;
  for (const outgoing& o : msgs)
    s.insert(o.correlation_id.empty() ? o.message_id : o.correlation_id);
  return s;
}

TEST(AmqpConsumerE2e, RoundTripFiftyInterchanges) {
  const std::string in = queue("in"), replies = queue("replies");
  memory_store store;
  consumer c(base_options(in), [&](const inbound& i) { return store.put(i); });
  ASSERT_FALSE(c.start());
  const auto msgs = batch(50, replies, "rt");
  ASSERT_EQ(testing::send_all(g_url, in, msgs, 20s), 50U);
  const auto want = expected_correlations(msgs);
  const auto got = collect(replies, want, 30s);
  ASSERT_EQ(got.size(), 50U);
  for (const outgoing& o : msgs) {
    const std::string corr = o.correlation_id.empty() ? o.message_id : o.correlation_id;
    auto it = got.find(corr);
    ASSERT_NE(it, got.end()) << corr;
    EXPECT_EQ(it->second.body, "ACK:" + o.message_id);
    EXPECT_EQ(it->second.subject, "CONTRL");
    EXPECT_EQ(it->second.content_type, "application/edifact");
    EXPECT_EQ(it->second.properties.at("apipnr-verdict"), "accept");
    EXPECT_EQ(it->second.properties.at("apipnr-status"), "stored");
  }
  EXPECT_EQ(store.unique(), 50U);
  EXPECT_EQ(store.max_calls(), 1);
  EXPECT_FALSE(c.stop(10s));
  EXPECT_EQ(c.counters().accepted, 50U);
}

TEST(AmqpConsumerE2e, OversizedMessageIsRejectedAndNextStillWorks) {
  const std::string in = queue("in"), replies = queue("replies");
  memory_store store;
  options o = base_options(in);
  o.max_body_bytes = 1000;
  consumer c(o, [&](const inbound& i) { return store.put(i); });
  ASSERT_FALSE(c.start());
  std::vector<outgoing> msgs(2);
  msgs[0].body = std::string(5000, 'X');
  msgs[0].message_id = "big";
  msgs[0].reply_to = replies;
  msgs[1].body = testing::synthetic_body(1, 700);
  msgs[1].message_id = "small";
  msgs[1].reply_to = replies;
  msgs[1].as_string = true;  // an AMQP string body is accepted as well
  ASSERT_EQ(testing::send_all(g_url, in, msgs, 20s), 2U);
  const auto got = collect(replies, {"big", "small"}, 20s);
  ASSERT_EQ(got.size(), 2U);
  EXPECT_EQ(got.at("big").properties.at("apipnr-error"), "AMQP-SIZE");
  EXPECT_EQ(got.at("big").subject, "APIPNR-ERROR");
  EXPECT_EQ(got.at("small").body, "ACK:small");
  EXPECT_EQ(store.unique(), 1U);
  EXPECT_FALSE(c.stop(10s));
  EXPECT_EQ(c.counters().rejected, 1U);
  // Rejected means gone, not requeued: nothing is left on the input queue.
  EXPECT_TRUE(testing::receive(g_url, in, 1, 1500ms).empty());
}

// A handler that refuses an input before storing it: the answer goes out marked "rejected"
// and the delivery is rejected (not redelivered, not dead-lettered); the next one still works.
TEST(AmqpConsumerE2e, RefusedBeforeStoreIsAnsweredAndRejected) {
  const std::string in = queue("in"), replies = queue("replies");
  std::atomic<int> calls{0};
  consumer c(base_options(in), [&](const inbound& i) {
    ++calls;
    if (i.message_id == "bad") {
      return handler_result{handler_status::rejected,
                            "{\"status\":415}",
                            "",
                            "application/problem+json",
                            "reject",
                            "",
                            {}};
    }
    return handler_result{handler_status::stored,          "ACK",    "CONTRL",
                          "application/edifact",           "accept", "id=7",
                          {{"location", "/v1/messages/7"}}};
  });
  ASSERT_FALSE(c.start());
  std::vector<outgoing> msgs(2);
  msgs[0].body = "not edifact";
  msgs[0].message_id = "bad";
  msgs[0].reply_to = replies;
  msgs[1].body = testing::synthetic_body(1);
  msgs[1].message_id = "good";
  msgs[1].reply_to = replies;
  ASSERT_EQ(testing::send_all(g_url, in, msgs, 20s), 2U);
  const auto got = collect(replies, {"bad", "good"}, 20s);
  ASSERT_EQ(got.size(), 2U);
  EXPECT_EQ(got.at("bad").properties.at("apipnr-status"), "rejected");
  EXPECT_EQ(got.at("bad").content_type, "application/problem+json");
  EXPECT_EQ(got.at("good").properties.at("apipnr-status"), "stored");
  EXPECT_EQ(got.at("good").properties.at("location"), "/v1/messages/7");
  ASSERT_TRUE(wait_until([&] { return c.counters().rejected + c.counters().accepted == 2; }, 10s));
  EXPECT_FALSE(c.stop(10s));
  EXPECT_EQ(c.counters().rejected, 1U);
  EXPECT_EQ(c.counters().accepted, 1U);
  EXPECT_EQ(c.counters().released, 0U);
  EXPECT_EQ(calls.load(), 2);
}

// send_replies = false (fault injection): stored and settled, but no reply is ever sent.
TEST(AmqpConsumerE2e, NoRepliesWhenRepliesAreSwitchedOff) {
  const std::string in = queue("in"), replies = queue("replies");
  memory_store store;
  options o = base_options(in);
  o.send_replies = false;
  consumer c(o, [&](const inbound& i) { return store.put(i); });
  ASSERT_FALSE(c.start());
  const auto msgs = batch(5, replies, "quiet");
  ASSERT_EQ(testing::send_all(g_url, in, msgs, 20s), 5U);
  ASSERT_TRUE(wait_until([&] { return c.counters().accepted == 5; }, 20s));
  EXPECT_TRUE(testing::receive(g_url, replies, 1, 1500ms).empty());
  EXPECT_EQ(store.unique(), 5U);
  EXPECT_FALSE(c.stop(10s));
}

TEST(AmqpConsumerE2e, HandlerFailureIsRedeliveredThenStoredOnce) {
  const std::string in = queue("in"), replies = queue("replies");
  memory_store store;
  std::atomic<int> failures{0};
  consumer c(base_options(in), [&](const inbound& i) {
    if (i.attempt == 1) {
      ++failures;
      return handler_result{handler_status::failed, "", "", "", "", "store unavailable", {}};
    }
    return store.put(i);
  });
  ASSERT_FALSE(c.start());
  const auto msgs = batch(5, replies, "fail");
  step("start");
  ASSERT_EQ(testing::send_all(g_url, in, msgs, 20s), 5U);
  step("sent");
  const auto got = collect(replies, expected_correlations(msgs), 30s);
  step("collected");
  EXPECT_EQ(got.size(), 5U);
  EXPECT_EQ(failures.load(), 5);
  EXPECT_EQ(store.unique(), 5U);
  EXPECT_EQ(store.max_calls(), 1);
  for (std::uint32_t a : store.attempts) EXPECT_EQ(a, 2U);
  EXPECT_FALSE(c.stop(10s));
  step("stopped");
  EXPECT_GE(c.counters().released, 5U);
}

TEST(AmqpConsumerE2e, DeadLetterAfterMaxAttempts) {
  const std::string in = queue("in"), replies = queue("replies");
  options o = base_options(in);
  o.max_attempts = 3;
  std::atomic<int> calls{0};
  consumer c(o, [&](const inbound&) {
    ++calls;
    return handler_result{handler_status::failed, "", "", "", "", "always fails", {}};
  });
  ASSERT_FALSE(c.start());
  std::vector<outgoing> msgs = batch(1, replies, "dead");
  ASSERT_EQ(testing::send_all(g_url, in, msgs, 20s), 1U);
  const auto dead = testing::receive(g_url, o.dead_letter, 1, 20s);
  ASSERT_EQ(dead.size(), 1U);
  EXPECT_EQ(dead[0].body, msgs[0].body);
  EXPECT_EQ(dead[0].properties.at("apipnr-error"), "AMQP-DEAD");
  EXPECT_EQ(dead[0].properties.at("apipnr-message-id"), msgs[0].message_id);
  const auto got = collect(replies, expected_correlations(msgs), 10s);
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(got.begin()->second.properties.at("apipnr-error"), "AMQP-DEAD");
  EXPECT_EQ(calls.load(), 3);
  EXPECT_FALSE(c.stop(10s));
  EXPECT_EQ(c.counters().dead_lettered, 1U);
  EXPECT_TRUE(testing::receive(g_url, in, 1, 1500ms).empty());
}

TEST(AmqpConsumerE2e, BrokerRestartMidStreamLosesNothingAndProcessesNothingTwice) {
  const std::string in = queue("in"), replies = queue("replies");
  memory_store store;
  // From the 100th message on the handler holds until the node is down, so that the restart
  // certainly falls mid-stream: calls in progress finish while the connection is gone (their
  // deliveries are redelivered later and must be answered from the recent set), prefetched
  // ones are unsettled and come back after the restart. The hold outlasts any node stop (a
  // hold that timed out first would let the stream finish before the restart, and the test
  // would then check nothing in flight: counted below).
  std::atomic<bool> node_down{false};
  consumer c(base_options(in), [&](const inbound& i) {
    if (store.unique() >= 100) {
      wait_until([&] { return node_down.load(); }, 120s);
    }
    return store.put(i);
  });
  const auto msgs = batch(300, replies, "restart");
  ASSERT_EQ(testing::send_all(g_url, in, msgs, 20s), 300U);
  ASSERT_FALSE(c.start());
  ASSERT_TRUE(wait_until([&] { return store.unique() >= 100; }, 20s));
  step("100 stored, ending the node");
  // SIGTERM at once (`term`), as in ReceiverAmqpE2e.*: `stop` boots rabbitmqctl first, seconds
  // during which the stream would run on were it not held.
  ASSERT_EQ(run_script("term"), 0);
  const std::size_t stored_at_stop = store.unique();
  node_down = true;
  step(("node down after " + std::to_string(stored_at_stop) + " of 300 stored").c_str());
  EXPECT_LT(stored_at_stop, 300U) << "the node went down after the stream";
  ASSERT_EQ(run_script("start"), 0);
  step("node started");
  EXPECT_TRUE(wait_until([&] { return store.unique() == 300U; }, 30s)) << store.unique();
  step("all stored");
  const auto got = collect(replies, expected_correlations(msgs), 20s);
  EXPECT_EQ(got.size(), 300U);
  EXPECT_EQ(store.max_calls(), 1) << "a message was handed to the handler twice";
  EXPECT_FALSE(c.stop(10s));
  const stats s = c.counters();
  EXPECT_GE(s.disconnects, 1U);
  EXPECT_GE(s.connects, 2U);
  // The calls held at the stop completed on a lost connection: their redeliveries were
  // answered from the recent set, not handed over again.
  EXPECT_GE(s.duplicates, 1U);
  std::fprintf(
      stderr, "  restart: received %llu, handled %llu, accepted %llu, from recent set %llu\n",
      static_cast<unsigned long long>(s.received), static_cast<unsigned long long>(s.handled),
      static_cast<unsigned long long>(s.accepted), static_cast<unsigned long long>(s.duplicates));
  EXPECT_TRUE(testing::receive(g_url, in, 1, 1500ms).empty());
}

TEST(AmqpConsumerE2e, GracefulStopReleasesInFlightAndNewConsumerPicksThemUp) {
  const std::string in = queue("in"), replies = queue("replies");
  memory_store store;
  options o = base_options(in);
  o.credit = 10;
  auto first = std::make_unique<consumer>(o, [&](const inbound& i) {
    std::this_thread::sleep_for(100ms);
    return store.put(i);
  });
  const auto msgs = batch(30, replies, "graceful");
  ASSERT_EQ(testing::send_all(g_url, in, msgs, 20s), 30U);
  ASSERT_FALSE(first->start());
  ASSERT_TRUE(wait_until([&] { return store.unique() >= 2; }, 10s));
  EXPECT_FALSE(first->stop(10s));
  const stats s1 = first->counters();
  EXPECT_GT(s1.released, 0U) << "nothing was prefetched and released";
  EXPECT_EQ(s1.accepted, store.unique()) << "every handled delivery is settled before close";
  EXPECT_LT(store.unique(), 30U);
  consumer second(o, [&](const inbound& i) { return store.put(i); });
  ASSERT_FALSE(second.start());
  EXPECT_TRUE(wait_until([&] { return store.unique() == 30U; }, 20s)) << store.unique();
  EXPECT_EQ(store.max_calls(), 1);
  const auto got = collect(replies, expected_correlations(msgs), 20s);
  EXPECT_EQ(got.size(), 30U);
  EXPECT_FALSE(second.stop(10s));
}

// An asynchronous handler holds no worker: with one worker thread, as many calls are
// outstanding as the credit allows (and never more, RCV-LIM-003); completions come from
// another thread, and every message is answered and handled once.
TEST(AmqpConsumerE2e, AsyncHandlerIsBoundedByCreditNotByWorkers) {
  const std::string in = queue("in"), replies = queue("replies");
  memory_store store;
  options o = base_options(in);
  o.workers = 1;
  o.credit = 16;
  std::mutex mutex;
  struct call {
    inbound in;
    std::string body;
    completion done;
  };
  std::vector<call> outstanding;
  std::size_t most = 0;
  consumer c(o, async_handler([&](const inbound& i, completion done) {
               std::lock_guard lock(mutex);
               outstanding.push_back({i, std::string(i.body), std::move(done)});
               most = std::max(most, outstanding.size());
             }));
  std::atomic<bool> quit{false};
  // Completes everything outstanding every 20 ms, as a group commit would.
  std::thread committer([&] {
    while (!quit) {
      std::this_thread::sleep_for(20ms);
      std::vector<call> ready;
      {
        std::lock_guard lock(mutex);
        ready.swap(outstanding);
      }
      for (call& k : ready) {
        k.done([&store, in = k.in, body = std::move(k.body)]() mutable {
          in.body = body;  // the view handed to the handler is gone: point it at the copy
          return store.put(in);
        });
      }
    }
  });
  ASSERT_FALSE(c.start());
  const auto msgs = batch(200, replies, "async");
  ASSERT_EQ(testing::send_all(g_url, in, msgs, 20s), 200U);
  const auto got = collect(replies, expected_correlations(msgs), 30s);
  EXPECT_EQ(got.size(), 200U);
  EXPECT_EQ(store.unique(), 200U);
  EXPECT_FALSE(c.stop(10s));
  quit = true;
  committer.join();
  const stats st = c.counters();
  EXPECT_EQ(st.accepted, 200U);
  // Strict, even when RabbitMQ 3.x's AMQP 1.0 plugin sends more transfers than the credit
  // (rabbitmq-server issue 2597; CI once saw 24 calls at credit 16 before the consumer held
  // such deliveries back): the extra ones wait for a slot (held_back counts them).
  EXPECT_LE(most, 16U) << "calls outstanding not bounded by the credit (broker overshoot: "
                       << st.held_back << " held back, " << st.held_released << " released)";
  EXPECT_GT(most, 1U) << "the single worker waited for each call";
}

// RCV-LIM-003 under a broker that sends more than the credit (8), made to happen: the link
// opens with `extra` credits beyond it (consumer_internal::extra_link_credit_for_tests), so the
// broker really transfers 8 + extra deliveries while the handler holds every call. The
// consumer starts 8 calls, holds up to 8 more back unsettled and starts them as calls end;
// beyond that it releases them to the broker, which redelivers them later. Every message is
// answered once, none handed over twice.
void check_overshoot(std::uint32_t extra) {
  {
    const std::string in = queue("in" + std::to_string(extra));
    const std::string replies = queue("replies" + std::to_string(extra));
    memory_store store;
    options o = base_options(in);
    o.workers = 1;
    o.credit = 8;
    std::mutex mutex;
    struct call {
      inbound in;
      std::string body;
      completion done;
    };
    std::vector<call> outstanding;
    std::size_t most = 0;
    bool hold = true;  // until the overshoot was seen, no call completes
    consumer c(o, async_handler([&](const inbound& i, completion done) {
                 std::lock_guard lock(mutex);
                 outstanding.push_back({i, std::string(i.body), std::move(done)});
                 most = std::max(most, outstanding.size());
               }));
    auto complete_all = [&] {
      std::vector<call> ready;
      {
        std::lock_guard lock(mutex);
        if (hold) return;
        ready.swap(outstanding);
      }
      for (call& k : ready) {
        k.done([&store, in = k.in, body = std::move(k.body)]() mutable {
          in.body = body;  // the view handed to the handler is gone: point it at the copy
          return store.put(in);
        });
      }
    };
    std::atomic<bool> quit{false};
    std::thread committer([&] {
      while (!quit) {
        std::this_thread::sleep_for(10ms);
        complete_all();
      }
    });
    const auto msgs = batch(60, replies, "over" + std::to_string(extra));
    ASSERT_EQ(testing::send_all(g_url, in, msgs, 20s), 60U);
    ci_extra_credit(extra);
    ASSERT_FALSE(c.start());
    // The broker sends credit + extra at once; the handler gets `credit` calls (through the
    // worker: wait for them to arrive), the rest waits.
    const bool overshoot_seen = wait_until(
        [&] {
          const stats st = c.counters();
          std::lock_guard lock(mutex);
          return st.held_back + st.held_released >= extra && outstanding.size() >= 8U;
        },
        20s);
    std::size_t calls_while_held = 0;
    {
      std::lock_guard lock(mutex);
      calls_while_held = outstanding.size();
    }
    const stats at_hold = c.counters();
    {
      std::lock_guard lock(mutex);
      hold = false;
    }
    const auto got = collect(replies, expected_correlations(msgs), 25s);
    EXPECT_FALSE(c.stop(10s));
    quit = true;
    committer.join();
    ci_extra_credit(0);
    const stats st = c.counters();
    EXPECT_TRUE(overshoot_seen) << "received " << at_hold.received << ", held back "
                                << at_hold.held_back << ", released " << at_hold.held_released
                                << ", calls " << calls_while_held;
    EXPECT_EQ(calls_while_held, 8U) << "received " << at_hold.received;
    EXPECT_LE(most, 8U) << "calls outstanding beyond the credit; held back " << st.held_back
                        << ", released " << st.held_released;
    // Up to `credit` wait; beyond that they go back to the broker.
    EXPECT_GE(at_hold.held_back, std::min<std::uint64_t>(extra, 8U));
    if (extra > 8U) {
      EXPECT_GE(at_hold.held_released, extra - 8U);
    }
    EXPECT_EQ(got.size(), 60U);
    EXPECT_EQ(store.unique(), 60U);
    EXPECT_EQ(store.max_calls(), 1) << "a held-back delivery was handed over twice";
    EXPECT_EQ(st.accepted, 60U) << "received " << st.received << ", released " << st.released;
  }
}

TEST(AmqpConsumerE2e, DeliveriesBeyondTheCreditWaitForAHandlerSlot) { check_overshoot(8); }

TEST(AmqpConsumerE2e, DeliveriesBeyondTwiceTheCreditGoBackToTheBroker) { check_overshoot(16); }

// options::run_on_event_thread: the chosen deliveries' handler calls and the builders their
// completions hand over run on one thread (the event thread), whether the completion comes
// at once (inside the call) or later from a committer thread; the others go to the worker.
// Every message is still answered once and settled after its builder ran.
TEST(AmqpConsumerE2e, CallsKeptOnTheEventThreadRunCallAndBuilderThere) {
  const std::string in = queue("in"), replies = queue("replies");
  memory_store store;
  options o = base_options(in);
  o.workers = 1;
  o.credit = 16;
  // Even message numbers on the event thread, odd ones on the worker.
  auto number = [](std::string_view id) {
    return std::stoi(std::string(id.substr(id.rfind('-') + 1)));
  };
  o.run_on_event_thread = [&](const inbound& i) { return number(i.message_id) % 2 == 0; };
  std::mutex mutex;
  std::set<std::thread::id> event_calls, event_builds, worker_calls;
  struct call {
    inbound in;
    std::string body;
    completion done;
  };
  std::vector<call> outstanding;
  auto builder = [&](inbound i, std::string body, bool here) {
    return [&, i = std::move(i), body = std::move(body), here]() mutable {
      {
        std::lock_guard lock(mutex);
        if (here) event_builds.insert(std::this_thread::get_id());
      }
      i.body = body;  // the view handed to the handler is gone: point it at the copy
      return store.put(i);
    };
  };
  consumer c(o, async_handler([&](const inbound& i, completion done) {
               const int n = number(i.message_id);
               const bool here = n % 2 == 0;
               {
                 std::lock_guard lock(mutex);
                 (here ? event_calls : worker_calls).insert(std::this_thread::get_id());
               }
               // Every third message completes inside the call (an early refusal, say).
               if (n % 3 == 0) return done(builder(i, std::string(i.body), here));
               std::lock_guard lock(mutex);
               outstanding.push_back({i, std::string(i.body), std::move(done)});
             }));
  std::atomic<bool> quit{false};
  std::thread committer([&] {  // completes the rest every 10 ms, as a group commit would
    while (!quit) {
      std::this_thread::sleep_for(10ms);
      std::vector<call> ready;
      {
        std::lock_guard lock(mutex);
        ready.swap(outstanding);
      }
      for (call& k : ready) {
        const bool here = number(k.in.message_id) % 2 == 0;
        k.done(builder(k.in, std::move(k.body), here));
      }
    }
  });
  ASSERT_FALSE(c.start());
  const auto msgs = batch(200, replies, "here");
  ASSERT_EQ(testing::send_all(g_url, in, msgs, 20s), 200U);
  const auto got = collect(replies, expected_correlations(msgs), 30s);
  EXPECT_EQ(got.size(), 200U);
  EXPECT_FALSE(c.stop(10s));
  quit = true;
  committer.join();
  EXPECT_EQ(store.unique(), 200U);
  EXPECT_EQ(store.max_calls(), 1);
  EXPECT_EQ(c.counters().accepted, 200U);
  std::lock_guard lock(mutex);
  ASSERT_EQ(event_calls.size(), 1U) << "event-thread calls ran on more than one thread";
  ASSERT_EQ(worker_calls.size(), 1U);
  EXPECT_NE(*event_calls.begin(), *worker_calls.begin());
  EXPECT_EQ(event_builds, event_calls) << "a builder of an event-thread call ran elsewhere";
}

// A completion that outlives the consumer (a commit after stop's grace ran out) is ignored;
// the delivery was never settled and the next consumer gets it.
TEST(AmqpConsumerE2e, CompletionAfterStopIsIgnoredAndTheMessageComesBack) {
  const std::string in = queue("in"), replies = queue("replies");
  std::mutex mutex;
  std::vector<completion> held;
  auto first = std::make_unique<consumer>(base_options(in),
                                          async_handler([&](const inbound&, completion done) {
                                            std::lock_guard lock(mutex);
                                            held.push_back(std::move(done));
                                          }));
  ASSERT_FALSE(first->start());
  const auto msgs = batch(1, replies, "late");
  ASSERT_EQ(testing::send_all(g_url, in, msgs, 20s), 1U);
  ASSERT_TRUE(wait_until(
      [&] {
        std::lock_guard lock(mutex);
        return !held.empty();
      },
      10s));
  EXPECT_EQ(first->stop(200ms), errc::stop_timeout);
  first.reset();
  held.front()([] {
    handler_result r;
    r.status = handler_status::stored;
    return r;
  });
  memory_store store;
  consumer second(base_options(in), [&](const inbound& i) { return store.put(i); });
  ASSERT_FALSE(second.start());
  const auto got = collect(replies, expected_correlations(msgs), 20s);
  EXPECT_EQ(got.size(), 1U);
  EXPECT_EQ(store.unique(), 1U);
  EXPECT_FALSE(second.stop(10s));
}

// consumer::publish: a durable message on the consumer's connection, settled by the broker;
// without a running consumer the answer is not_connected at once.
TEST(AmqpConsumerE2e, PublishIsSettledByTheBrokerAndArrivesWithItsProperties) {
  const std::string in = queue("in"), out = queue("out");
  consumer c(base_options(in), [](const inbound&) { return handler_result{}; });
  outbound plain;
  plain.address = out;
  plain.body = "X";
  std::promise<boost::system::error_code> before;
  c.publish(plain, [&](boost::system::error_code ec) { before.set_value(ec); });
  EXPECT_EQ(before.get_future().get(), errc::not_connected);
  ASSERT_FALSE(c.start());
  ASSERT_TRUE(wait_until([&] { return c.connected(); }, 10s));
  outbound m;
  m.address = out;
  m.body = "UNB+UNOA:4+APIPNR+CARRIER'";
  m.message_id = "132-1";
  m.correlation_id = "ref-1";
  m.subject = "CUSRES";
  m.properties = {{"apipnr-control-reference", "ref-1"}};
  std::promise<boost::system::error_code> sent;
  c.publish(m, [&](boost::system::error_code ec) { sent.set_value(ec); });
  auto f = sent.get_future();
  ASSERT_EQ(f.wait_for(10s), std::future_status::ready);
  EXPECT_FALSE(f.get());
  EXPECT_FALSE(c.stop(10s));
  std::promise<boost::system::error_code> after;
  c.publish(plain, [&](boost::system::error_code ec) { after.set_value(ec); });
  EXPECT_EQ(after.get_future().get(), errc::not_connected);
  const auto got = testing::receive(g_url, out, 1, 10s);
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(got[0].body, m.body);
  EXPECT_EQ(got[0].message_id, "132-1");
  EXPECT_EQ(got[0].correlation_id, "ref-1");
  EXPECT_EQ(got[0].subject, "CUSRES");
  EXPECT_EQ(got[0].content_type, "application/edifact");
  EXPECT_EQ(got[0].properties.at("apipnr-control-reference"), "ref-1");
  EXPECT_TRUE(testing::receive(g_url, out, 1, 1000ms).empty()) << "published twice";
}

// Round trips per second through the consumer (trivial handler, request -> reply) next to a
// bare Proton send/receive loop through one queue in the same run (RABBITMQ.md: ~9,700/s).
TEST(AmqpConsumerE2e, RoundTripRateAgainstBareProtonLoop) {
  constexpr std::size_t n = 3000;
  const std::string in = queue("in"), replies = queue("replies"), bare = queue("bare");
  std::vector<outgoing> msgs;
  for (std::size_t i = 0; i < n; ++i) {
    outgoing o;
    o.body = testing::synthetic_body(i, 700);
    o.message_id = "rate-" + std::to_string(i);
    o.reply_to = replies;
    msgs.push_back(std::move(o));
  }
  // Bare loop: one sender and one receiver on one queue, concurrently.
  auto t0 = std::chrono::steady_clock::now();
  std::size_t bare_sent = 0;
  std::thread bare_sender([&] { bare_sent = testing::send_all(g_url, bare, msgs, 40s); });
  const auto bare_got = testing::receive(g_url, bare, n, 40s, 500);
  bare_sender.join();
  const double bare_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_EQ(bare_sent, n);
  ASSERT_EQ(bare_got.size(), n);

  options o = base_options(in);
  o.credit = 500;
  consumer c(o, [](const inbound& i) {
    return handler_result{handler_status::stored,
                          std::string(i.message_id),
                          "CONTRL",
                          "application/edifact",
                          "accept",
                          "",
                          {}};
  });
  ASSERT_FALSE(c.start());
  ASSERT_TRUE(wait_until([&] { return c.connected(); }, 10s));
  t0 = std::chrono::steady_clock::now();
  std::size_t sent = 0;
  std::thread sender([&] { sent = testing::send_all(g_url, in, msgs, 40s); });
  const auto got = testing::receive(g_url, replies, n, 40s, 500);
  sender.join();
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_EQ(sent, n);
  ASSERT_EQ(got.size(), n);
  EXPECT_FALSE(c.stop(10s));
  const double rate = static_cast<double>(n) / s, bare_rate = static_cast<double>(n) / bare_s;
  std::printf(
      "amqp rate: consumer round trips %.0f/s (request+reply, %zu x 700 B), bare Proton "
      "send/receive %.0f/s, ratio %.2f\n",
      rate, n, bare_rate, rate / bare_rate);
  ::testing::Test::RecordProperty("consumer_round_trips_per_s", std::to_string(rate));
  ::testing::Test::RecordProperty("bare_round_trips_per_s", std::to_string(bare_rate));
  // A regression guard, not a benchmark: frames that wait for a heartbeat (a missing
  // connection wake) drop the consumer to a few messages per second.
  EXPECT_GT(rate, 0.1 * bare_rate);
}

// The tests' collector (test_client.hpp) grants link credit only for what it still expects:
// asked for 10 of 50 queued messages it takes exactly 10, and the other 40 stay queued for the
// next call, each delivered once. With a fixed window of 200 it used to close with the rest in
// flight: recorded or not, accepted or not, they came back later, and RabbitMQ wrote transfers
// after its CLOSE (Proton's "framing-error: data after close").
TEST(AmqpTestClient, ReceiveTakesWhatItWasAskedForAndLeavesTheRestQueued) {
  const std::string q = queue("collector");
  std::vector<outgoing> msgs;
  for (std::size_t i = 0; i < 50; ++i) {
    outgoing o;
    o.body = testing::synthetic_body(i);
    o.correlation_id = "c-" + std::to_string(i);
    msgs.push_back(std::move(o));
  }
  ASSERT_EQ(testing::send_all(g_url, q, msgs, 20s), 50U);
  const auto first = testing::receive(g_url, q, 10, 20s);
  EXPECT_EQ(first.size(), 10U);
  const auto rest = testing::receive(g_url, q, 40, 20s);
  EXPECT_EQ(rest.size(), 40U);
  EXPECT_TRUE(testing::receive(g_url, q, 1, 1500ms).empty()) << "delivered twice";
  std::set<std::string> ids;
  for (const auto& r : first) ids.insert(r.correlation_id);
  for (const auto& r : rest) ids.insert(r.correlation_id);
  EXPECT_EQ(ids.size(), 50U);
}

}  // namespace
}  // namespace apipnr::amqp
