// Fault injection (faults.hpp): spec parsing, the loopback rule, the CONTRL rewriter, and each
// decorator over the real built-in components (syntax checker, memory store, fixed decider) and,
// for the whole wiring, an in-process application on 127.0.0.1 (/healthz, /metrics).
#include "faults.hpp"

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "apipnr/receiver/application.hpp"
#include "apipnr/receiver/components.hpp"
#include "apipnr/receiver/config.hpp"
#include "test_client.hpp"

namespace apipnr::receiver {
namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

std::string read_vector(const std::string& rel) {
  std::ifstream in(std::string(APIPNR_VECTORS_DIR) + "/" + rel, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

fault_set faults_of(std::initializer_list<std::string_view> specs) {
  fault_set s;
  std::string why;
  for (auto spec : specs) EXPECT_TRUE(add_fault(s, spec, why)) << spec << ": " << why;
  return s;
}

bool has_errors(const pipeline::result& r) {
  for (const auto& d : r.findings) {
    if (d.level >= severity::error) return true;
  }
  return false;
}

TEST(FaultSpec, ParsesEveryNameAndFillsDefaults) {
  const auto s =
      faults_of({"accept-all", "wrong-contrl-code", "drop-last-passenger", "truncate-names",
                 "no-queue-ack", "slow-iapi", "crash-on:BOOM", "stall-once:2000"});
  EXPECT_EQ(s.describe(),
            "accept-all, wrong-contrl-code:12, drop-last-passenger, truncate-names:5, "
            "no-queue-ack, slow-iapi:10000, crash-on:BOOM, stall-once:2000");
  fault f;
  std::string why;
  ASSERT_TRUE(parse_fault("stall-once:250@7", f, why)) << why;
  EXPECT_EQ(f.delay, 250ms);
  EXPECT_EQ(f.number, 7u);
  EXPECT_EQ(f.spec(), "stall-once:250@7");
  ASSERT_TRUE(parse_fault("crash-on:a:b", f, why)) << why;  // TEXT may contain ':'
  EXPECT_EQ(f.text, "a:b");
  ASSERT_TRUE(parse_fault("slow-iapi:1500", f, why));
  EXPECT_EQ(f.delay, 1500ms);
}

TEST(FaultSpec, RefusesMalformedSpecsWithAReason) {
  for (std::string_view bad :
       {"", "accept_all", "explode", "accept-all:1", "no-queue-ack:x", "crash-on", "crash-on:",
        "stall-once", "stall-once:0", "stall-once:-5", "stall-once:10@0", "stall-once:10@x",
        "stall-once:99999999999999999999", "wrong-contrl-code:0", "wrong-contrl-code:100",
        "truncate-names:abc", "truncate-names:0", "slow-iapi:", "slow-iapi:3600001"}) {
    fault f;
    std::string why;
    EXPECT_FALSE(parse_fault(bad, f, why)) << bad;
    EXPECT_FALSE(why.empty()) << bad;
  }
}

TEST(FaultSpec, RefusesDuplicatesAndContradictions) {
  fault_set s;
  std::string why;
  ASSERT_TRUE(add_fault(s, "accept-all", why));
  EXPECT_FALSE(add_fault(s, "accept-all", why));
  EXPECT_NE(why.find("twice"), std::string::npos);
  EXPECT_FALSE(add_fault(s, "reject-all", why));
  EXPECT_NE(why.find("contradict"), std::string::npos);
  EXPECT_EQ(s.faults.size(), 1u);
}

TEST(FaultSpec, OnlyLoopbackAddressesCount) {
  for (auto a : {"127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost"}) {
    EXPECT_TRUE(is_loopback_address(a)) << a;
  }
  for (auto a : {"0.0.0.0", "", "::", "10.0.0.1", "127.0.0", "127.0.0.1.5", "127.0.0.256",
                 "127..0.1", "128.0.0.1", "localhost.example"}) {
    EXPECT_FALSE(is_loopback_address(a)) << a;
  }
}

TEST(FaultContrl, RewritesEveryCodeSegmentAndNothingElse) {
  const std::string in =
      "UNA:+.?*'UNB+UNOA:4+GOVRCV+XX?+X+250301:0930+1'UNH+1+CONTRL:4:1:UN'"
      "UCI+1001+XXAPI+GOVRCV+4+13'UCF+1+XXAPI+GOVRCV+4+12'UCM+1+PAXLST:D:05B:UN:IATA+4+23'"
      "UCS+5+12'UCD+13+3:1'UNT+7+1'UNZ+1+1'";
  const std::string out = rewrite_contrl_codes(in, 12, 13);
  EXPECT_EQ(out,
            "UNA:+.?*'UNB+UNOA:4+GOVRCV+XX?+X+250301:0930+1'UNH+1+CONTRL:4:1:UN'"
            "UCI+1001+XXAPI+GOVRCV+4+12'UCF+1+XXAPI+GOVRCV+4+13'UCM+1+PAXLST:D:05B:UN:IATA+4+12'"
            "UCS+5+13'UCD+12+3:1'UNT+7+1'UNZ+1+1'");
  // A UCI without a code (accepted) and other delimiters (UNA with '*' and '~').
  EXPECT_EQ(rewrite_contrl_codes("UNA*|.? ~UCI|1|A|B|7~UCM|1|X*D|4|26~", 12, 13),
            "UNA*|.? ~UCI|1|A|B|7~UCM|1|X*D|4|12~");
  // Line breaks between segments, and no UNA (ISO 9735 defaults).
  EXPECT_EQ(rewrite_contrl_codes("UCI+1+A+B+4+2'\nUCS+3+18'\n", 33, 13),
            "UCI+1+A+B+4+33'\nUCS+3+33'\n");
  // A release character at the very end does not read past the input.
  EXPECT_EQ(rewrite_contrl_codes("UCD+?", 12, 13), "UCD+?");
}

class FaultChecker : public ::testing::Test {
 protected:
  std::shared_ptr<const checker> base_ = make_syntax_checker({}, "GOVRCV");
  // Accepted by ISO 9735; rejected (UNT count wrong) with a CONTRL.
  std::string good_ = read_vector("edifact/messages/paxlst/y_a1_one_passenger.edi");
  std::string bad_ =
      read_vector("edifact/syntax/iso9735-1_counts-references/n_cnt_unt_plus_one.edi");
};

TEST_F(FaultChecker, WithoutFaultsTheCheckerIsUnchanged) {
  EXPECT_EQ(with_faults(base_, fault_set{}), base_);
  EXPECT_EQ(with_faults(base_, faults_of({"drop-last-passenger", "slow-iapi"})), base_);
}

TEST_F(FaultChecker, AcceptAllAcceptsARejectedInputWithoutAContrl) {
  const auto before = base_->check(bad_);
  ASSERT_EQ(before.outcome, pipeline::verdict::reject);
  ASSERT_FALSE(before.contrl.empty());
  const auto r = with_faults(base_, faults_of({"accept-all"}))->check(bad_);
  EXPECT_EQ(r.outcome, pipeline::verdict::accept);
  EXPECT_FALSE(has_errors(r));
  EXPECT_EQ(r.findings.size(), before.findings.size());  // kept, as warnings
  EXPECT_TRUE(r.contrl.empty());
  // An accepted input passes through unchanged.
  EXPECT_EQ(with_faults(base_, faults_of({"accept-all"}))->check(good_).contrl,
            base_->check(good_).contrl);
}

TEST_F(FaultChecker, RejectAllRejectsAnAcceptedInput) {
  ASSERT_NE(base_->check(good_).outcome, pipeline::verdict::reject);
  const auto r = with_faults(base_, faults_of({"reject-all"}))->check(good_);
  EXPECT_EQ(r.outcome, pipeline::verdict::reject);
}

TEST_F(FaultChecker, WrongContrlCodeChangesFindingsAndContrl) {
  const auto before = base_->check(bad_);
  const auto r = with_faults(base_, faults_of({"wrong-contrl-code"}))->check(bad_);
  ASSERT_EQ(r.findings.size(), before.findings.size());
  bool changed = false;
  for (std::size_t i = 0; i < r.findings.size(); ++i) {
    if (before.findings[i].syntax_error == 0) continue;
    EXPECT_NE(r.findings[i].syntax_error, before.findings[i].syntax_error);
    changed = true;
  }
  EXPECT_TRUE(changed);
  EXPECT_NE(r.contrl, before.contrl);
  EXPECT_EQ(r.contrl, rewrite_contrl_codes(before.contrl, 12, 13));
  EXPECT_EQ(r.outcome, before.outcome);
}

TEST_F(FaultChecker, CrashOnAbortsOnlyOnTheText) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  const auto chk = with_faults(base_, faults_of({"crash-on:O?'BRIEN"}));
  EXPECT_NO_FATAL_FAILURE((void)chk->check(bad_));
  ASSERT_NE(good_.find("O?'BRIEN"), std::string::npos);
  EXPECT_DEATH((void)chk->check(good_), "apipnr\\.receiver\\.023");
}

TEST_F(FaultChecker, StallOncePausesTheNthInputAndThoseArrivingMeanwhile) {
  std::ostringstream log_text;
  auto log = std::make_shared<logger>(log_text, log_level::warn);
  const auto chk = with_faults(base_, faults_of({"stall-once:400@2"}), log);
  auto t0 = clock_type::now();
  (void)chk->check(good_);  // input 1: no stall
  EXPECT_LT(clock_type::now() - t0, 400ms);
  t0 = clock_type::now();
  clock_type::time_point other_start, other_end;
  std::thread stalled([&] { (void)chk->check(good_); });  // input 2: stalls
  std::this_thread::sleep_for(50ms);
  other_start = clock_type::now();
  (void)chk->check(good_);  // input 3, arriving during the stall: waits for it
  other_end = clock_type::now();
  stalled.join();
  EXPECT_GE(clock_type::now() - t0, 400ms);
  if (other_start - t0 < 300ms) {
    EXPECT_GE(other_end - t0, 400ms);
  }
  t0 = clock_type::now();
  (void)chk->check(good_);  // once only
  EXPECT_LT(clock_type::now() - t0, 400ms);
  EXPECT_NE(log_text.str().find("apipnr.receiver.024"), std::string::npos);
}

store::received paxlst_with(std::vector<std::string> surnames) {
  store::received r;
  r.raw = "UNB+UNOA:4+XX+YY+250301:0930+" + std::to_string(surnames.size()) + "'";
  r.sender_identity = "XXAPI";
  model::canonical_message m;
  m.message.kind = "api";
  m.message.type = "PAXLST";
  for (auto& s : surnames) {
    model::traveller t;
    t.surname = std::move(s);
    m.travellers.push_back(std::move(t));
  }
  r.messages.push_back(std::move(m));
  return r;
}

std::vector<std::string> stored_surnames(message_store& st, std::int64_t id) {
  const auto q = st.interchange(id, "test");
  EXPECT_EQ(q.status, query_status::ok);
  std::vector<std::string> out;
  // The SQLite store wraps each message ({"canonical": {...}}); the memory store does not.
  auto m = nlohmann::json::parse(q.json)["messages"][0];
  if (m.contains("canonical")) m = m["canonical"];
  for (const auto& t : m["travellers"]) {
    out.push_back(t["surname"].get<std::string>());
  }
  return out;
}

TEST(FaultStore, DropLastPassengerStoresAllButTheLastTraveller) {
  const auto base = make_memory_store();
  EXPECT_EQ(with_faults(base, fault_set{}), base);
  const auto st = with_faults(base, faults_of({"drop-last-passenger"}));
  auto put = st->put(paxlst_with({"ALPHA", "BRAVO", "CHARLIE"}));
  ASSERT_TRUE(put);
  EXPECT_EQ(stored_surnames(*st, put->id), (std::vector<std::string>{"ALPHA", "BRAVO"}));
  put = st->put(paxlst_with({"SOLO"}));
  ASSERT_TRUE(put);
  EXPECT_TRUE(stored_surnames(*st, put->id).empty());
}

// The reference answers a resend with its first copy (RCV-DUP-001); the mutant stores it again.
TEST(FaultStore, StoreResendsStoresTheSameInputTwice) {
  const auto base = make_memory_store();
  auto first = base->put(paxlst_with({"ALPHA"}));
  auto again = base->put(paxlst_with({"ALPHA"}));
  ASSERT_TRUE(first && again);
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->id, first->id);

  const auto st = with_faults(make_memory_store(), faults_of({"store-resends"}));
  auto one = st->put(paxlst_with({"ALPHA"}));
  auto two = st->put(paxlst_with({"ALPHA"}));
  ASSERT_TRUE(one && two);
  EXPECT_FALSE(two->duplicate);
  EXPECT_NE(two->id, one->id);
  EXPECT_EQ(stored_surnames(*st, two->id), (std::vector<std::string>{"ALPHA"}));
}

TEST(FaultStore, TruncateNamesCutsSurnamesByCodePoint) {
  const auto st = with_faults(make_memory_store(), faults_of({"truncate-names:4"}));
  auto put = st->put(paxlst_with({"O'BRIEN", "\xC3\x85STR\xC3\x96M", "LI"}));
  ASSERT_TRUE(put);
  EXPECT_EQ(stored_surnames(*st, put->id), (std::vector<std::string>{"O'BR", "\xC3\x85STR", "LI"}));
}

TEST(FaultIapi, SlowIapiAnswersAfterTheDelay) {
  const auto base = make_fixed_decider();
  EXPECT_EQ(with_faults(base, fault_set{}), base);
  const auto slow = with_faults(base, faults_of({"slow-iapi:300"}));
  model::canonical_message request;
  request.message.kind = "iapi_request";
  responses::envelope env;
  const auto t0 = clock_type::now();
  const auto fast = base->answer(request, env);
  const auto late = slow->answer(request, env);
  EXPECT_GE(clock_type::now() - t0, 300ms);
  EXPECT_EQ(fast.has_value(), late.has_value());
  EXPECT_TRUE(slow->ready());
}

TEST(FaultConfig, FileKeyIsAListOfSpecsCheckedByValidate) {
  config c;
  apply_json(c, nlohmann::json::parse(R"({"faults": ["accept-all", "crash-on:X"]})"));
  EXPECT_EQ(c.faults, (std::vector<std::string>{"accept-all", "crash-on:X"}));
  EXPECT_NO_THROW(validate(c));
  for (const char* bad : {R"({"faults": "accept-all"})", R"({"faults": [1]})"}) {
    config d;
    try {
      apply_json(d, nlohmann::json::parse(bad));
      ADD_FAILURE() << bad;
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find("[apipnr.receiver.003] /faults"), std::string::npos)
          << e.what();
    }
  }
  c.faults = {"accept-all", "reject-all"};
  EXPECT_THROW(validate(c), std::runtime_error);
  c.faults = {"no-queue-ack"};
  c.server.address = "192.0.2.1";
  try {
    validate(c);
    ADD_FAILURE() << "a mutant on 192.0.2.1 was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("[apipnr.receiver.021]"), std::string::npos) << e.what();
  }
}

config loopback_config(std::vector<std::string> faults) {
  config c;
  c.server.address = "127.0.0.1";
  c.server.port = 0;
  c.server.io_threads = 1;
  c.server.worker_threads = 1;
  c.specs_dir = std::string(APIPNR_SOURCE_DIR) + "/specs";
  c.syntax_only = true;
  c.log_level = "warn";
  c.faults = std::move(faults);
  return c;
}

TEST(FaultApplication, RefusedUnlessOnLoopback) {
  auto c = loopback_config({"accept-all"});
  c.server.address = "0.0.0.0";
  std::ostringstream log;
  try {
    application app(c, log);
    FAIL() << "a fault-injected receiver started on 0.0.0.0";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("[apipnr.receiver.021]"), std::string::npos) << e.what();
  }
  c = loopback_config({"stall-once"});
  try {
    application app(c, log);
    FAIL() << "a malformed fault was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("[apipnr.receiver.022]"), std::string::npos) << e.what();
  }
}

TEST(FaultApplication, ShowsActiveFaultsInLogsHealthAndMetrics) {
  std::ostringstream log;
  application app(loopback_config({"reject-all", "truncate-names:3"}), log);
  EXPECT_NE(log.str().find("apipnr.receiver.020"), std::string::npos) << log.str();
  transport::testing::client c(app.port());
  ASSERT_FALSE(c.connect());
  const auto h = c.request("GET", "/healthz");
  EXPECT_EQ(h.status, 200u);
  EXPECT_EQ(h.body, "ok\nfaults: reject-all, truncate-names:3\n");
  const auto m = c.request("GET", "/metrics");
  EXPECT_NE(m.body.find("apipnr_faults_active{fault=\"reject-all\"} 1"), std::string::npos);
  EXPECT_NE(m.body.find("apipnr_faults_active{fault=\"truncate-names\"} 1"), std::string::npos);
  // reject-all in effect through the whole service.
  const auto r = c.request("POST", "/v1/api/paxlst",
                           read_vector("edifact/messages/paxlst/y_a1_one_passenger.edi"),
                           {{"Content-Type", "application/edifact"}});
  EXPECT_EQ(r.status, 422u) << r.body;
  app.stop();
}

TEST(FaultApplication, NoFaultsNoTrace) {
  std::ostringstream log;
  application app(loopback_config({}), log);
  EXPECT_EQ(log.str().find("apipnr.receiver.020"), std::string::npos);
  transport::testing::client c(app.port());
  ASSERT_FALSE(c.connect());
  EXPECT_EQ(c.request("GET", "/healthz").body, "ok\n");
  EXPECT_EQ(c.request("GET", "/metrics").body.find("apipnr_faults_active"), std::string::npos);
  app.stop();
}

}  // namespace
}  // namespace apipnr::receiver
