// The AMQP transport against a private loopback RabbitMQ (scripts/rabbitmq.sh). Under CTest the
// node comes from the apipnr_harness_rabbitmq fixture (APIPNR_RABBITMQ_DIR); run directly, the
// binary starts its own node in a temporary folder and stops it at the end. Skips (clearly)
// when rabbitmq-server is not installed.
#include <unistd.h>

#include <proton/codec/map.hpp>
#include <proton/codec/vector.hpp>
#include <proton/connection.hpp>
#include <proton/connection_options.hpp>
#include <proton/container.hpp>
#include <proton/delivery.hpp>
#include <proton/message.hpp>
#include <proton/message_id.hpp>
#include <proton/messaging_handler.hpp>
#include <proton/receiver_options.hpp>
#include <proton/sender.hpp>
#include <proton/sender_options.hpp>
#include <proton/source_options.hpp>
#include <proton/target_options.hpp>
#include <proton/tracker.hpp>
#include <proton/types.hpp>
#include <proton/work_queue.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "apipnr/harness/classify.hpp"
#include "apipnr/harness/transport_amqp.hpp"
#include "apipnr/harness/unsolicited_amqp.hpp"
#include "apipnr/harness/verdict.hpp"
#include "apipnr/vectors/manifest.hpp"

namespace apipnr::harness {
namespace {

using namespace std::chrono_literals;

std::string g_dir;
std::string g_url;
bool g_have_broker = false;

bool rabbitmq_installed() {
  return std::filesystem::exists("/usr/sbin/rabbitmq-server") ||
         std::filesystem::exists("/usr/lib/rabbitmq/bin/rabbitmq-server");
}

int run_script(const std::string& verb) {
  const std::string cmd = "timeout 90 " + std::string(APIPNR_SOURCE_DIR) + "/scripts/rabbitmq.sh " +
                          verb + " '" + g_dir + "' >/dev/null 2>&1";
  return std::system(cmd.c_str());
}

class broker_environment final : public ::testing::Environment {
 public:
  void SetUp() override {
    if (!rabbitmq_installed()) return;
    if (const char* d = std::getenv("APIPNR_RABBITMQ_DIR"); d != nullptr && *d != '\0') {
      g_dir = d;
    } else {
      char tmpl[] = "/tmp/apipnr-htrans-amqp.XXXXXX";
      ASSERT_NE(::mkdtemp(tmpl), nullptr);
      g_dir = tmpl;
      own_ = true;
    }
    ASSERT_EQ(run_script("start"), 0) << "broker did not start, see " << g_dir << "/log";
    std::ifstream env(g_dir + "/env");
    std::string line;
    const std::string key = "export APIPNR_AMQP_URL=";
    while (std::getline(env, line)) {
      if (line.rfind(key, 0) == 0) g_url = line.substr(key.size());
    }
    ASSERT_FALSE(g_url.empty()) << "no APIPNR_AMQP_URL in " << g_dir << "/env";
    g_have_broker = true;
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

#define REQUIRE_BROKER()                                                           \
  do {                                                                             \
    if (!rabbitmq_installed()) GTEST_SKIP() << "rabbitmq-server is not installed"; \
    ASSERT_TRUE(g_have_broker) << "the private RabbitMQ node did not start";       \
  } while (false)

std::string unique(const std::string& what) {
  const auto* t = ::testing::UnitTest::GetInstance()->current_test_info();
  return "/queue/htrans." + std::string(t->name()) + "." + what + "." + std::to_string(::getpid());
}

// The plumbing of a test peer on the private broker: its own container thread, one receiver
// on `queue` (declared durable like the transport declares its queues, docs/AMQP.md: RabbitMQ
// refuses a second, different declaration of the same queue), and replies sent to their
// reply-to addresses through one cached sender per address, in order, as credit allows.
// A derived peer answers in on_message() by queueing replies (outbox_, then flush()). It calls
// start() at the end of its constructor and stop() first in its destructor, so that the
// container thread never runs a handler of a half-built or half-destroyed peer.
class test_peer : public proton::messaging_handler {
 public:
  bool wait_ready() {
    return ready_.future.wait_for(15s) == std::future_status::ready && attached_;
  }

  void on_container_start(proton::container& c) override {
    const auto at = url_.rfind('@');
    proton::connection_options co;
    co.user("guest").password("guest").sasl_allow_insecure_mechs(true);
    c.connect(url_.substr(at + 1), co);
  }
  void on_connection_open(proton::connection& c) override {
    connection_ = c;
    work_ = &c.work_queue();
    proton::source_options so;
    so.durability_mode(proton::source::CONFIGURATION);
    proton::receiver_options ro;
    ro.source(so);
    c.open_receiver(queue_, ro);
  }
  void on_receiver_open(proton::receiver&) override {
    attached_ = true;
    ready_.set_value_once();
  }
  void on_sendable(proton::sender&) override { flush(); }
  void on_error(const proton::error_condition& e) override {
    std::fprintf(stderr, "%s: %s\n", name_, e.what().c_str());
  }

 protected:
  test_peer(std::string url, std::string queue, const char* name)
      : url_(std::move(url)), queue_(std::move(queue)), name_(name) {}
  ~test_peer() override = default;
  void start() {
    thread_ = std::thread([this] {
      try {
        proton::container c(*this);
        c.run();
      } catch (const std::exception& e) {
        std::fprintf(stderr, "%s: %s\n", name_, e.what());
      }
      ready_.set_value_once();
    });
  }
  void stop() {
    if (work_ != nullptr) {
      work_->add([this] {
        if (connection_) connection_.close();
      });
    }
    if (thread_.joinable()) thread_.join();
  }
  void flush() {
    while (!outbox_.empty()) {
      const std::string to = outbox_.front().to();
      auto it = senders_.find(to);
      if (it == senders_.end()) {
        proton::target_options t;
        t.durability_mode(proton::target::CONFIGURATION);
        proton::sender_options so;
        so.target(t);
        it = senders_.emplace(to, connection_.open_sender(to, so)).first;
      }
      if (it->second.credit() <= 0) return;  // on_sendable resumes
      it->second.send(outbox_.front());
      outbox_.pop_front();
    }
  }

  std::deque<proton::message> outbox_;

 private:
  struct once_promise {
    std::promise<void> p;
    std::shared_future<void> future = p.get_future().share();
    std::atomic<bool> set{false};
    void set_value_once() {
      if (!set.exchange(true)) p.set_value();
    }
  };
  std::string url_, queue_;
  const char* name_;
  proton::connection connection_;
  proton::work_queue* work_ = nullptr;
  std::map<std::string, proton::sender> senders_;
  std::atomic<bool> attached_{false};
  once_promise ready_;
  std::thread thread_;
};

// A small echo consumer: takes requests from `queue` and answers each on its reply-to with the
// same correlation id and body "ACK:<body>". `hold` replies are held back and sent, in
// reverse order, once `hold` requests have arrived (to interleave replies). With `silent`
// it takes requests and never answers.
class echo_consumer final : public test_peer {
 public:
  echo_consumer(std::string url, std::string queue, std::size_t hold = 0, bool silent = false)
      : test_peer(std::move(url), std::move(queue), "echo consumer"), hold_(hold), silent_(silent) {
    start();
  }
  ~echo_consumer() override { stop(); }

  void on_message(proton::delivery&, proton::message& m) override {
    if (silent_) return;
    proton::message r;
    r.to(m.reply_to());  // RabbitMQ 3.10 has no anonymous relay: one sender per reply-to
    r.correlation_id(m.correlation_id());
    r.content_type("application/edifact");
    const auto b = proton::get<proton::binary>(m.body());
    r.body(proton::binary("ACK:" + std::string(b.begin(), b.end())));
    r.properties().put("apipnr-verdict", "accept");
    held_.push_back(r);
    if (held_.size() < std::max<std::size_t>(hold_, 1)) return;
    while (!held_.empty()) {
      outbox_.push_back(held_.back());
      held_.pop_back();
    }
    flush();
  }

 private:
  std::size_t hold_;
  bool silent_;
  std::vector<proton::message> held_;
};

amqp_options options_for(const std::string& queue) {
  amqp_options o;
  o.url = g_url;
  o.queues[message_kind::paxlst] = queue;
  o.queues[message_kind::iapi] = queue;
  o.connect_timeout = 5s;
  o.timeout = 5s;
  return o;
}

exchange request(std::string body, std::string correlation = {}) {
  exchange x;
  x.kind = message_kind::paxlst;
  x.body = std::move(body);
  x.content_type = "application/edifact";
  x.correlation_id = std::move(correlation);
  return x;
}

TEST(AmqpTransportE2e, RoundTripWithEchoConsumer) {
  REQUIRE_BROKER();
  const auto q = unique("in");
  echo_consumer echo(g_url, q);
  ASSERT_TRUE(echo.wait_ready());
  amqp_transport t(options_for(q));
  const auto o = t.send(request("UNH+1'", "case-1"));
  ASSERT_EQ(o.outcome, transport_outcome::completed) << o.error;
  EXPECT_EQ(o.body, "ACK:UNH+1'");
  EXPECT_EQ(o.content_type, "application/edifact");
  EXPECT_EQ(o.headers.at("correlation-id"), "case-1");
  EXPECT_EQ(o.headers.at("apipnr-verdict"), "accept");
  EXPECT_EQ(t.stats().replies, 1U);
}

TEST(AmqpTransportE2e, InterleavedRepliesReachTheirOwnWaiters) {
  REQUIRE_BROKER();
  const auto q = unique("in");
  echo_consumer echo(g_url, q, 4);  // answers after the 4th request, in reverse order
  ASSERT_TRUE(echo.wait_ready());
  amqp_transport t(options_for(q));
  std::vector<std::future<observation>> results;
  for (int i = 0; i < 4; ++i) {
    results.push_back(std::async(std::launch::async,
                                 [&t, i] { return t.send(request("M" + std::to_string(i))); }));
  }
  for (int i = 0; i < 4; ++i) {
    const auto o = results[static_cast<std::size_t>(i)].get();
    ASSERT_EQ(o.outcome, transport_outcome::completed) << o.error;
    EXPECT_EQ(o.body, "ACK:M" + std::to_string(i));
  }
  EXPECT_EQ(t.stats().replies, 4U);
  EXPECT_EQ(t.stats().unmatched, 0U);
}

TEST(AmqpTransportE2e, NobodyAnswersIsTimeoutAndLateRepliesAreCounted) {
  REQUIRE_BROKER();
  const auto q = unique("in");
  auto opts = options_for(q);
  opts.timeout = 700ms;
  amqp_transport t(opts);
  const auto start = std::chrono::steady_clock::now();
  const auto o = t.send(request("LATE"));
  EXPECT_EQ(o.outcome, transport_outcome::timeout) << o.error;
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  // A consumer that starts now answers the queued request: the reply is late and dropped.
  echo_consumer echo(g_url, q);
  ASSERT_TRUE(echo.wait_ready());
  for (int i = 0; i < 100 && t.stats().late_replies == 0; ++i) std::this_thread::sleep_for(50ms);
  EXPECT_EQ(t.stats().late_replies, 1U);
  EXPECT_EQ(t.stats().replies, 0U);
}

TEST(AmqpTransportE2e, ReconnectsAfterTheBrokerClosedTheConnection) {
  REQUIRE_BROKER();
  const auto q = unique("in");
  echo_consumer echo(g_url, q);
  ASSERT_TRUE(echo.wait_ready());
  amqp_transport t(options_for(q));
  ASSERT_EQ(t.send(request("A")).outcome, transport_outcome::completed);
  // Close every connection of the harness through the management CLI.
  const std::string cmd = "bash -c 'source \"" + g_dir +
                          "/env\" && timeout 30 rabbitmqctl close_all_connections test' "
                          ">/dev/null 2>&1";
  if (std::system(cmd.c_str()) != 0) GTEST_SKIP() << "rabbitmqctl close_all_connections failed";
  std::this_thread::sleep_for(500ms);
  // The echo consumer lost its connection too; a fresh one answers the next request.
  echo_consumer echo2(g_url, q);
  ASSERT_TRUE(echo2.wait_ready());
  const auto o = t.send(request("B"));
  EXPECT_EQ(o.outcome, transport_outcome::completed) << o.error;
  EXPECT_EQ(t.stats().connects, 2U);
}

TEST(AmqpTransportE2e, ConnectionLostMidFlightIsTransportError) {
  REQUIRE_BROKER();
  const auto q = unique("in");
  echo_consumer silent(g_url, q, 0, true);  // takes requests, never answers
  ASSERT_TRUE(silent.wait_ready());
  auto opts = options_for(q);
  opts.timeout = 20s;
  amqp_transport t(opts);
  auto pending = std::async(std::launch::async, [&t] { return t.send(request("INFLIGHT")); });
  std::this_thread::sleep_for(300ms);
  const std::string cmd = "bash -c 'source \"" + g_dir +
                          "/env\" && timeout 30 rabbitmqctl close_all_connections test' "
                          ">/dev/null 2>&1";
  if (std::system(cmd.c_str()) != 0) GTEST_SKIP() << "rabbitmqctl close_all_connections failed";
  ASSERT_EQ(pending.wait_for(15s), std::future_status::ready) << "send still waiting";
  const auto o = pending.get();
  EXPECT_EQ(o.outcome, transport_outcome::transport_error) << o.error;
  EXPECT_NE(o.error.find("connection lost"), std::string::npos) << o.error;
}

TEST(AmqpTransportE2e, BrokerDownIsEndpointDown) {
  REQUIRE_BROKER();
  // A port of this node that is not AMQP's: the node's distribution port is in the env file,
  // but any closed loopback port will do, so use the AMQP port + 1 only if nothing listens.
  amqp_options o = options_for(unique("in"));
  o.url = "amqp://guest:guest@127.0.0.1:1";
  o.connect_timeout = 2s;
  amqp_transport t(o);
  EXPECT_EQ(t.send(request("X")).outcome, transport_outcome::endpoint_down);
}

// ---- a vendor peer sending odd replies --------------------------------------------------------

// The reply a well-behaved receiver sends: a text receipt the harness reads as accepted.
constexpr const char* k_receipt = "accepted id=7 verdict=accept\n";

// Answers each request by what its body names (one odd reply per request), on the request's
// reply-to:
//   MAP / LIST / INT         a body that is an AMQP value of that type, not data or a string
//   NOCORR                   a good receipt without a correlation id
//   BINCORR                  a good receipt whose correlation id is the request's as binary
//   HUGEPROPS                a good receipt with a 2 MiB application property
//   DUP                      the receipt, then a second reply (a rejection) with the same id
//   anything else            the receipt
class odd_peer final : public test_peer {
 public:
  odd_peer(std::string url, std::string queue)
      : test_peer(std::move(url), std::move(queue), "odd peer") {
    start();
  }
  ~odd_peer() override { stop(); }

  void on_message(proton::delivery&, proton::message& m) override {
    const auto b = proton::get<proton::binary>(m.body());
    const std::string what(b.begin(), b.end());
    proton::message r;
    r.to(m.reply_to());
    r.correlation_id(m.correlation_id());
    r.content_type("text/plain");
    r.body(proton::binary(std::string(k_receipt)));
    if (what == "MAP") {
      r.body(std::map<std::string, int>{{"status", 200}});
    } else if (what == "LIST") {
      r.body(std::vector<int>{4, 7});
    } else if (what == "INT") {
      r.body(42);
    } else if (what == "NOCORR") {
      r.correlation_id(proton::message_id());
    } else if (what == "BINCORR") {
      const std::string id = proton::get<std::string>(m.correlation_id());
      r.correlation_id(proton::binary(id));
    } else if (what == "HUGEPROPS") {
      r.properties().put("x-pad", std::string(std::size_t{2} << 20U, 'p'));
    } else if (what == "DUP") {
      outbox_.push_back(r);
      r.body(proton::binary(std::string("REJECTED: a second answer to the same request")));
    }
    outbox_.push_back(r);
    flush();
  }
};

// A case expecting acceptance, judged as the runner judges one exchange.
judgement judge_accept_case(const observation& o) {
  vectors::case_spec c;
  c.id = "odd/amqp/1";
  c.input = "y_odd.edi";
  c.expect.result = vectors::outcome::accept;
  return judge(c, {o}, {classify(o)}, data_evidence{});
}

class AmqpOddReplies : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_BROKER();
    queue_ = unique("odd");
    peer_ = std::make_unique<odd_peer>(g_url, queue_);
    ASSERT_TRUE(peer_->wait_ready());
    auto opts = options_for(queue_);
    opts.timeout = 1500ms;
    opts.max_reply_bytes = std::size_t{1} << 20U;
    transport_ = std::make_unique<amqp_transport>(opts);
  }
  // The odd reply fails its case with a verdict that is not a pass and says why; then a
  // well-behaved exchange on the same transport passes (the run goes on).
  judgement odd_then_next(const std::string& what, observation& odd) {
    odd = transport_->send(request(what));
    const judgement j = judge_accept_case(odd);
    EXPECT_FALSE(is_pass(j.verdict)) << what << ": " << to_string(j.verdict) << " " << j.actual;
    EXPECT_TRUE(is_failure(j.verdict) || is_error(j.verdict)) << what;
    EXPECT_FALSE(j.actual.empty()) << what;
    EXPECT_FALSE(j.reason.empty()) << what;
    const observation next = transport_->send(request("OK"));
    EXPECT_EQ(next.outcome, transport_outcome::completed) << what << ": " << next.error;
    EXPECT_EQ(next.body, k_receipt) << what;
    EXPECT_EQ(judge_accept_case(next).verdict, verdict::pass) << what;
    return j;
  }
  std::string queue_;
  std::unique_ptr<odd_peer> peer_;
  std::unique_ptr<amqp_transport> transport_;
};

TEST_F(AmqpOddReplies, WellBehavedPeerPasses) {
  const observation o = transport_->send(request("OK"));
  ASSERT_EQ(o.outcome, transport_outcome::completed) << o.error;
  EXPECT_EQ(judge_accept_case(o).verdict, verdict::pass);
}

TEST_F(AmqpOddReplies, BodyThatIsAnAmqpValueFailsNamingItsType) {
  for (const char* what : {"MAP", "LIST", "INT"}) {
    observation o;
    const judgement j = odd_then_next(what, o);
    EXPECT_EQ(o.outcome, transport_outcome::transport_error) << what << ": " << o.body;
    EXPECT_NE(j.actual.find("HTR-AMQP-BODY"), std::string::npos) << what << ": " << j.actual;
  }
}

TEST_F(AmqpOddReplies, ReplyWithoutCorrelationIdTimesOutAndSaysWhatArrived) {
  observation o;
  const judgement j = odd_then_next("NOCORR", o);
  EXPECT_EQ(j.verdict, verdict::timeout);
  EXPECT_NE(o.error.find("matched no waiting request"), std::string::npos) << o.error;
  EXPECT_NE(o.error.find("no correlation id"), std::string::npos) << o.error;
  EXPECT_GE(transport_->stats().unmatched, 1U);
}

TEST_F(AmqpOddReplies, CorrelationIdOfAnotherTypeTimesOutAndSaysWhatArrived) {
  observation o;
  const judgement j = odd_then_next("BINCORR", o);
  EXPECT_EQ(j.verdict, verdict::timeout);
  EXPECT_NE(o.error.find("matched no waiting request"), std::string::npos) << o.error;
  EXPECT_NE(o.error.find("binary"), std::string::npos) << o.error;
}

TEST_F(AmqpOddReplies, HugePropertiesCountAgainstTheReplyCap) {
  observation o;
  const judgement j = odd_then_next("HUGEPROPS", o);
  EXPECT_EQ(j.verdict, verdict::transport_error);
  EXPECT_NE(o.error.find("HTR-AMQP-SIZE"), std::string::npos) << o.error;
  EXPECT_TRUE(o.headers.find("x-pad") == o.headers.end()) << "the huge property was kept";
}

TEST_F(AmqpOddReplies, DuplicateReplyIsCountedAndNeverAnswersTheNextRequest) {
  const observation first = transport_->send(request("DUP"));
  ASSERT_EQ(first.outcome, transport_outcome::completed) << first.error;
  EXPECT_EQ(first.body, k_receipt);  // the first answer is the one judged
  // The second reply (a rejection) must not be taken as the next request's answer.
  for (int i = 0; i < 3; ++i) {
    const observation next = transport_->send(request("OK"));
    ASSERT_EQ(next.outcome, transport_outcome::completed) << next.error;
    EXPECT_EQ(next.body, k_receipt);
  }
  for (int i = 0; i < 40 && transport_->stats().duplicate_replies == 0; ++i)
    std::this_thread::sleep_for(50ms);
  EXPECT_EQ(transport_->stats().duplicate_replies, 1U);
  EXPECT_EQ(transport_->stats().unmatched, 0U);
}

// ---- the simulated carrier on a queue (unsolicited_amqp.hpp) ---------------------------------

// A CUSRES 132 as a receiver publishes it for ABO `abo` (hand-written, no reference code).
std::string cusres_132(const std::string& abo) {
  return "UNB+UNOA:4+GOVRCV+XXAPI+250301:1000+17000000001'"
         "UNH+17000000001+CUSRES:D:05B:UN:IATA+XX123/250301/1100+01:F'"
         "BGM+132'RFF+TN:XX1232503011'RFF+AF:XX123'DTM+189:2503011100:201'"
         "LOC+125+LHR'LOC+87+JFK'ERP+2'RFF+AVF:ABC123'RFF+ABO:" +
         abo + "'ERC+1Z'FTX+AAP+++DO NOT BOARD'UNT+12+17000000001'UNZ+1+17000000001'";
}

bool names_abo(const std::string& body, const std::string& abo) {
  return body.find("RFF+ABO:" + abo + "'") != std::string::npos;
}

// The carrier's queue: the 132 is kept for the await step and answered on its reply-to with the
// harness's 312 under the 132's correlation id (the transport below is the "receiver").
TEST(AmqpCarrierSimulatorE2e, KeepsThe132AndAnswersA312OnItsReplyTo) {
  REQUIRE_BROKER();
  const auto q = unique("carrier");
  std::string why;
  auto sim = start_amqp_carrier_simulator(g_url, q, 5s, why);
  ASSERT_TRUE(sim) << why;
  EXPECT_EQ(sim->url().rfind("amqp://", 0), 0U) << sim->url();
  EXPECT_NE(sim->url().find(q), std::string::npos) << sim->url();
  EXPECT_EQ(sim->url().find("guest"), std::string::npos) << "credentials in " << sim->url();

  amqp_transport t(options_for(q));
  const auto o = t.send(request(cusres_132("0007"), "corr-132-7"));
  ASSERT_EQ(o.outcome, transport_outcome::completed) << o.error;
  EXPECT_NE(o.body.find("BGM+312'"), std::string::npos) << o.body;
  EXPECT_NE(o.body.find("RFF+ABO:0007'"), std::string::npos) << o.body;
  EXPECT_NE(o.body.find("UNB+UNOA:4+XXAPI+GOVRCV+"), std::string::npos) << "parties swapped";

  const auto other = sim->take([](const std::string& b) { return names_abo(b, "0008"); }, 200ms);
  EXPECT_FALSE(other) << "a message for another passenger was taken";
  const auto m = sim->take([](const std::string& b) { return names_abo(b, "0007"); }, 2s);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->answered_status, 200);
  EXPECT_EQ(m->content_type, "application/edifact");
  EXPECT_NE(m->body.find("BGM+132'"), std::string::npos);
  EXPECT_EQ(sim->received(), 1U);
}

// Not a CUSRES: kept (the await step judges it) but answered with nothing, so the sender's
// wait for a reply times out.
TEST(AmqpCarrierSimulatorE2e, UnreadableMessageIsKeptAndNotAnswered) {
  REQUIRE_BROKER();
  const auto q = unique("carrier");
  std::string why;
  auto sim = start_amqp_carrier_simulator(g_url, q, 5s, why);
  ASSERT_TRUE(sim) << why;
  auto opts = options_for(q);
  opts.timeout = 1s;
  amqp_transport t(opts);
  EXPECT_EQ(t.send(request("not an interchange")).outcome, transport_outcome::timeout);
  const auto m = sim->take([](const std::string& b) { return b == "not an interchange"; }, 2s);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->answered_status, 400);
}

TEST(AmqpCarrierSimulatorE2e, BrokerDownOrBadUrlIsAReasonNotAHang) {
  REQUIRE_BROKER();
  std::string why;
  const auto started = std::chrono::steady_clock::now();
  EXPECT_FALSE(start_amqp_carrier_simulator("amqp://guest:guest@127.0.0.1:1", "/queue/x", 1s, why));
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
  EXPECT_NE(why.find("/queue/x"), std::string::npos) << why;
  why.clear();
  EXPECT_FALSE(start_amqp_carrier_simulator("http://127.0.0.1:5672", "/queue/x", 1s, why));
  EXPECT_NE(why.find("amqp://"), std::string::npos) << why;
}

}  // namespace
}  // namespace apipnr::harness
