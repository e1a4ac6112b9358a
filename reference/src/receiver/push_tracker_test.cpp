// The PNR push history through the real service, pipeline and SQLite store, called in-process
// (service::handle): findings of later pushes of a flight, stored with the push and visible in
// the verdict, and the history read back from the store after a restart.
#include "apipnr/receiver/push_tracker.hpp"

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <set>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "apipnr/receiver/components.hpp"
#include "apipnr/receiver/service.hpp"

namespace apipnr::receiver {
namespace {

using nlohmann::json;

struct pnr_spec {
  std::string locator;
  std::vector<std::string> travellers;  // TIF surname+given
  bool cancelled = false;
};

// A count-consistent PNRGOV interchange for flight XX401 on 5 March 2025 (synthetic people).
std::string push(const std::string& ref, const std::string& function,
                 const std::vector<pnr_spec>& pnrs, const std::string& prepared = "250303:1100") {
  std::vector<std::string> segs = {"UNH+1+PNRGOV:13:1:IA+XX401/050325/1100", "MSG+:" + function,
                                   "ORG+XX:LHR", "TVL+050325:1100:050325:1400+LHR+JFK+XX+401",
                                   "EQN+" + std::to_string(pnrs.size())};
  for (const auto& p : pnrs) {
    segs.push_back("SRC");
    segs.push_back("RCI+XX:" + p.locator);
    if (p.cancelled) {
      segs.push_back("ORG");
      continue;
    }
    segs.push_back("ORG+XX:LHR+12345678:LON+++A+GB:GBP");
    int ref_no = 1;
    for (const auto& t : p.travellers) {
      segs.push_back("TIF+" + t + ":A:" + std::to_string(ref_no++));
    }
    segs.push_back("TVL+050325:1100:050325:1400+LHR+JFK+XX+401:Y");
    segs.push_back("RPI+1+HK");
  }
  segs.push_back("UNT+" + std::to_string(segs.size() + 1) + "+1");
  std::string out = "UNA:+.?*'UNB+IATA:1+XX+PIUPNR+" + prepared + "+" + ref + "'";
  for (const auto& s : segs) out += s + "'";
  return out + "UNZ+1+" + ref + "'";
}

class PushHistoryService : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!built_with().pipeline || !built_with().store) GTEST_SKIP() << "needs pipeline and store";
    static std::atomic<int> n{0};
    dir_ = std::filesystem::temp_directory_path() /
           ("apipnr-pushes-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
    std::filesystem::create_directories(dir_);
    start();
  }
  void TearDown() override {
    if (store_) store_->close();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  // (Re)starts the service on the same store file, as a receiver restart does.
  void start(const std::string& profile = "baseline", std::size_t max_flights = 10000) {
    if (store_) store_->close();
    std::string why;
    pipeline::options po;
    po.specs_dir = std::string(APIPNR_SOURCE_DIR) + "/specs";
    po.profile = profile;
    auto c = make_pipeline_checker(po, why);
    ASSERT_TRUE(c) << why;
    store::options so;
    so.path = dir_ / "store.db";
    so.sync_full = false;
    auto s = make_sqlite_store(std::move(so), why);
    ASSERT_TRUE(s) << why;
    store_ = *s;
    push_tracker_options to;
    to.specs_dir = po.specs_dir;
    to.profile = profile;
    to.store_path = dir_ / "store.db";
    to.max_flights = max_flights;
    auto t = make_push_tracker(to, why);
    ASSERT_TRUE(t) << why;
    service_options opts;
    opts.pushes = *t;
    service_ = std::make_shared<service>(opts, *c, store_, make_fixed_decider(),
                                         std::make_shared<logger>(log_, log_level::error));
  }

  struct answer {
    unsigned status = 0;
    std::string verdict;
    std::set<std::string> findings;  // IDs stored with the input
    bool duplicate = false;
  };
  answer post(const std::string& body) {
    transport::request req;
    req.method = "POST";
    req.path = req.target = "/v1/pnr/edifact";
    req.content_type = "application/edifact";
    req.body = body;
    req.sender = "xx";
    const auto res = service_->handle(req);
    answer a;
    a.status = res.status;
    std::string location;
    for (const auto& [k, v] : res.headers) {
      if (k == "X-Apipnr-Verdict") a.verdict = v;
      if (k == "Location") location = v;
      if (k == "X-Apipnr-Duplicate-Of") a.duplicate = true;
    }
    transport::request get;
    get.method = "GET";
    get.path = get.target = location;
    get.sender = "xx";
    const auto stored = service_->handle(get);
    const json j = json::parse(stored.body, nullptr, false);
    if (j.is_object() && j.contains("findings")) {
      for (const auto& f : j["findings"]) a.findings.insert(f.value("id", std::string()));
    }
    return a;
  }

  std::filesystem::path dir_;
  std::ostringstream log_;
  std::shared_ptr<message_store> store_;
  std::shared_ptr<service> service_;
};

const pnr_spec kAnne{"ABC123", {"OBRIEN+ANNEMS"}};
const pnr_spec kLuis{"DEF456", {"MARTINEZ+LUISMR"}};

TEST_F(PushHistoryService, LaterFullPushMissingAPnrIsAcceptedWithPush001Warning) {
  auto a = post(push("9101", "22", {kAnne, kLuis}));
  EXPECT_EQ(a.status, 200u);
  EXPECT_EQ(a.verdict, "accept");
  auto b = post(push("9102", "22", {kAnne}, "250304:1100"));
  EXPECT_EQ(b.status, 200u);
  EXPECT_EQ(b.verdict, "accept_with_warnings");
  EXPECT_EQ(b.findings.count("PNRPUSH-FULL-MISSING"), 1u);
  // Resending the same bytes is a duplicate: answered without judging the push against itself.
  auto again = post(push("9102", "22", {kAnne}, "250304:1100"));
  EXPECT_TRUE(again.duplicate);
  EXPECT_EQ(again.verdict, "accept");
}

TEST_F(PushHistoryService, HistorySurvivesARestart) {
  ASSERT_EQ(post(push("9201", "22", {kAnne, kLuis})).verdict, "accept");
  start();  // new tracker, new store object, same file
  // A cancellation of one PNR and the other unchanged: only the unchanged re-send is reported.
  auto b = post(push("9202", "141", {kAnne, {"DEF456", {}, true}}, "250304:1100"));
  EXPECT_EQ(b.verdict, "accept_with_warnings");
  EXPECT_EQ(b.findings.count("PNRPUSH-UNCHANGED"), 1u);
  EXPECT_EQ(b.findings.count("PNRPUSH-FIRST-UPDATE"), 0u);
  start();
  // The cancelled PNR is not missing from a later full push.
  auto c = post(push("9203", "22", {kAnne}, "250305:0900"));
  EXPECT_EQ(c.verdict, "accept") << *c.findings.begin();
}

TEST_F(PushHistoryService, FirstUpdatePushAndDeltaAndCancellationForm) {
  auto a = post(push("9301", "141", {{"ABC123", {"OBRIEN+ANNEMS", "OBRIEN+SEANMR"}}}));
  EXPECT_EQ(a.findings.count("PNRPUSH-FIRST-UPDATE"), 1u);
  auto b = post(push("9302", "141", {kAnne}, "250304:1100"));
  EXPECT_EQ(b.findings.count("PNRPUSH-DELTA"), 1u);
  auto c =
      post(push("9303", "141", {{"ABC123", {"OBRIEN+ANNEMS", "OBRIEN+SEANMR"}}}, "250304:1200"));
  EXPECT_EQ(c.verdict, "accept") << (c.findings.empty() ? "" : *c.findings.begin());
}

TEST_F(PushHistoryService, EuProfileReportsAClosurePushWithoutThe24To48HourPush) {
  start("eu");
  // T-72 h, then the closure push at departure: no push between T-48 h and T-24 h.
  EXPECT_EQ(post(push("9401", "22", {kAnne}, "250302:1100")).verdict, "accept");
  auto closure = post(push("9402", "22", {kAnne}, "250305:1100"));
  EXPECT_EQ(closure.verdict, "accept_with_warnings");
  EXPECT_EQ(closure.findings.count("PNRPUSH-WINDOW"), 1u);
}

TEST_F(PushHistoryService, AFlightDroppedFromTheCacheIsReadBack) {
  start("baseline", 1);
  ASSERT_EQ(post(push("9601", "22", {kAnne, kLuis})).verdict, "accept");
  // Another flight takes the only cache place.
  std::string other = push("9602", "22", {kAnne});
  for (const char* from : {"XX401/050325", "+401"}) {
    const std::string to = std::string(from).replace(std::string(from).find("401"), 3, "402");
    for (auto at = other.find(from); at != std::string::npos; at = other.find(from, at + 1))
      other.replace(at, std::string(from).size(), to);
  }
  ASSERT_EQ(post(other).verdict, "accept");
  auto c = post(push("9603", "22", {kAnne}, "250304:1100"));
  EXPECT_EQ(c.findings.count("PNRPUSH-FULL-MISSING"), 1u);
}

TEST_F(PushHistoryService, RejectedPushIsNotHistory) {
  // A push with a structure error is rejected and stored for inspection only; the next push
  // is still the first of the flight.
  std::string bad = push("9501", "22", {kAnne});
  bad.replace(bad.find("EQN+1"), 5, "EQN+X");
  EXPECT_EQ(post(bad).verdict, "reject");
  auto first = post(push("9502", "141", {kAnne}, "250304:1100"));
  EXPECT_EQ(first.findings.count("PNRPUSH-FIRST-UPDATE"), 1u);
}

}  // namespace
}  // namespace apipnr::receiver
