// The whole receiver (pipeline, SQLite store, AMQP intake) against a private RabbitMQ, with the
// broker stopped and started in the middle of a stream: every message is answered, and every
// interchange is stored exactly once (counted in the SQLite file, opened read-only after the
// receiver stopped). Under CTest the node comes from the apipnr_rabbitmq fixture
// (APIPNR_RABBITMQ_DIR, reference/src/amqp/CMakeLists.txt); run directly, this binary starts
// and stops its own node.
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "../transport/test_client.hpp"
#include "apipnr/receiver/application.hpp"
#include "test_client.hpp"

namespace apipnr::receiver {
namespace {

using namespace std::chrono_literals;
namespace mq = apipnr::amqp::testing;

std::string g_dir, g_url;
bool g_own = false;

int broker(const std::string& verb) {
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
      char tmpl[] = "/tmp/apipnr-receiver-amqp.XXXXXX";
      ASSERT_NE(::mkdtemp(tmpl), nullptr);
      g_dir = tmpl;
      g_own = true;
    }
    ASSERT_EQ(broker("start"), 0) << "broker did not start, see " << g_dir << "/log";
    std::ifstream env(g_dir + "/env");
    std::string line;
    const std::string key = "export APIPNR_AMQP_URL=";
    while (std::getline(env, line)) {
      if (line.rfind(key, 0) == 0) g_url = line.substr(key.size());
    }
    ASSERT_FALSE(g_url.empty());
  }
  void TearDown() override {
    if (!g_own) return;
    broker("stop");
    std::error_code ec;
    std::filesystem::remove_all(g_dir, ec);
  }
};

const auto* const g_env = ::testing::AddGlobalTestEnvironment(new broker_environment);

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (auto at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
  return s;
}

// A distinct interchange per number: the A1 vector with its own control reference.
std::string interchange(std::size_t i) {
  static const std::string base = read_file(std::string(APIPNR_VECTORS_DIR) +
                                            "/edifact/messages/paxlst/y_a1_one_passenger.edi");
  const std::string ref = "R" + std::to_string(100000 + i);
  return replace_all(replace_all(base, "+1001++APIS'", "+" + ref + "++APIS'"), "UNZ+1+1001'",
                     "UNZ+1+" + ref + "'");
}

std::vector<mq::outgoing> batch(std::size_t from, std::size_t n, const std::string& reply_to) {
  std::vector<mq::outgoing> out;
  for (std::size_t i = from; i < from + n; ++i) {
    mq::outgoing o;
    o.body = interchange(i);
    o.message_id = "restart-" + std::to_string(i);
    o.correlation_id = "corr-" + std::to_string(i);
    o.reply_to = reply_to;
    out.push_back(std::move(o));
  }
  return out;
}

// Receives replies until `want` of them (distinct correlation ids) arrived or time ran out.
void collect(const std::string& address, std::map<std::string, mq::received>& seen,
             std::size_t want, std::chrono::milliseconds timeout) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (seen.size() < want && std::chrono::steady_clock::now() < end) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        end - std::chrono::steady_clock::now());
    for (mq::received& r : mq::receive(g_url, address, want - seen.size(), left)) {
      seen.emplace(r.correlation_id, std::move(r));
    }
  }
}

// GET on the receiver's own port (a fresh connection each time): status and body.
transport::testing::reply get(std::uint16_t port, const std::string& target) {
  transport::testing::client http(port);
  if (http.connect()) return {};
  return http.request("GET", target);
}

// The value of a Prometheus sample line "name value" in `text` (-1 when absent).
double sample(const std::string& text, const std::string& name) {
  const auto at = text.find("\n" + name + " ");
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + name.size() + 2));
}

bool wait_ready(std::uint16_t port, std::chrono::seconds timeout) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < end) {
    if (get(port, "/readyz").status == 200) return true;
    std::this_thread::sleep_for(100ms);
  }
  return false;
}

TEST(ReceiverAmqpE2e, BrokerRestartMidStreamEveryMessageAnsweredAndStoredOnce) {
  const std::string tag = std::to_string(::getpid());
  const std::string in = "/queue/rcv.restart." + tag, replies = "/queue/rcv.replies." + tag;
  const std::filesystem::path work =
      std::filesystem::temp_directory_path() / ("apipnr-rcv-amqp-" + tag);
  std::filesystem::remove_all(work);
  std::filesystem::create_directories(work);

  config c;
  c.specs_dir = std::string(APIPNR_SOURCE_DIR) + "/specs";
  c.store_path = work / "receiver.db";
  c.log_level = "warn";
  c.amqp.url = g_url;
  c.amqp.paxlst = in;
  c.amqp.dead_letter = in + ".dead";
  c.amqp.reconnect_initial = 50ms;
  c.amqp.reconnect_max = 500ms;
  c.amqp.credit = 16;
  c.amqp.workers = 2;
  std::ofstream log_out(work / "receiver.log");
  auto app = std::make_unique<application>(c, log_out);
  const std::uint16_t port = app->port();
  ASSERT_TRUE(wait_ready(port, 30s)) << "/readyz: " << get(port, "/readyz").body;

  // A long first batch, so that the broker goes down while most of it is still queued (the
  // stop takes a moment to begin; how far the stream had got is printed), and a short second
  // one after the restart.
  constexpr std::size_t n1 = 2500, n2 = 100, n = n1 + n2;
  std::map<std::string, mq::received> seen;
  ASSERT_EQ(mq::send_all(g_url, in, batch(0, n1, replies), 60s), n1);
  collect(replies, seen, 20, 30s);  // the stream is running
  ASSERT_GE(seen.size(), 20U);
  ASSERT_EQ(broker("stop"), 0);
  const std::string at_stop = get(port, "/metrics").body;
  std::printf("broker stopped after %.0f of %zu stored; /readyz %u while it is down\n",
              sample(at_stop, "apipnr_store_interchanges"), n1, get(port, "/readyz").status);
  EXPECT_EQ(get(port, "/readyz").status, 503U) << "not ready without the broker";
  ASSERT_EQ(broker("start"), 0);
  ASSERT_EQ(mq::send_all(g_url, in, batch(n1, n2, replies), 30s), n2);
  collect(replies, seen, n, 90s);
  EXPECT_TRUE(wait_ready(port, 10s)) << "reconnected";
  const std::string metrics = get(port, "/metrics").body;
  EXPECT_GE(sample(metrics, "apipnr_amqp_disconnects_total"), 1);
  EXPECT_GE(sample(metrics, "apipnr_amqp_connects_total"), 2);
  app->stop();
  app.reset();

  EXPECT_EQ(seen.size(), n) << "every message answered";
  std::size_t stored = 0, duplicate = 0, accepted = 0;
  for (const auto& [corr, r] : seen) {
    const auto st = r.properties.find("apipnr-status");
    ASSERT_NE(st, r.properties.end()) << corr;
    stored += st->second == "stored";
    duplicate += st->second == "duplicate";
    accepted += r.properties.count("apipnr-verdict") != 0 &&
                r.properties.at("apipnr-verdict").rfind("accept", 0) == 0;
    EXPECT_EQ(r.subject, "") << corr;  // a 202 receipt (no CONTRL requested by the vector)
  }
  EXPECT_EQ(stored + duplicate, seen.size());
  EXPECT_EQ(accepted, seen.size());

  // Exactly once in the store: one row per control reference, all of them via amqp.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2((work / "receiver.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr),
            SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db,
                               "SELECT count(*), count(DISTINCT control_reference), "
                               "sum(channel = 'amqp') FROM interchanges",
                               -1, &st, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int64(st, 0), static_cast<std::int64_t>(n));
  EXPECT_EQ(sqlite3_column_int64(st, 1), static_cast<std::int64_t>(n));
  EXPECT_EQ(sqlite3_column_int64(st, 2), static_cast<std::int64_t>(n));
  sqlite3_finalize(st);
  sqlite3_close(db);
  std::filesystem::remove_all(work);
}

}  // namespace
}  // namespace apipnr::receiver
