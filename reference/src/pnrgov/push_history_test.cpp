#include "apipnr/pnrgov/push_history.hpp"

#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

namespace apipnr::pnrgov {
namespace {

using nlohmann::json;

json traveller(const std::string& surname, const std::string& given) {
  return {{"role", "passenger"}, {"surname", surname}, {"given_names", given}};
}

json leg(const std::string& date = "2025-03-05", const std::string& status = "HK",
         const std::string& number = "401") {
  return {{"sequence", 1},
          {"carrier", "XX"},
          {"flight_number", number},
          {"status", status},
          {"departure", {{"port", "LHR"}, {"scheduled", date + "T11:00"}}},
          {"arrival", {{"port", "JFK"}, {"scheduled", date + "T14:00"}}}};
}

json pnr(const std::string& locator, json travellers = json::array({traveller("OBRIEN", "ANNE")}),
         json itinerary = json::array({leg()})) {
  return {{"record_locators", {{{"company", "XX"}, {"locator", locator}}}},
          {"travellers", std::move(travellers)},
          {"itinerary", std::move(itinerary)}};
}

json cancellation(const std::string& locator) {
  return {{"record_locators", {{{"company", "XX"}, {"locator", locator}}}},
          {"cancelled", true},
          {"travellers", json::array()}};
}

json push(const std::string& function, json pnrs, const std::string& prepared = "2025-03-03T11:00",
          const std::string& date = "2025-03-05") {
  return {{"canonical_version", "1.0"},
          {"message", {{"kind", "pnr_push"}, {"prepared", prepared}}},
          {"pnr_push", {{"function", function}}},
          {"flight",
           {{"carrier", "XX"},
            {"number", "401"},
            {"legs", {{{"departure", {{"port", "LHR"}, {"scheduled", date + "T11:00"}}}}}}}},
          {"pnrs", std::move(pnrs)}};
}

std::set<std::string> ids(const std::vector<diagnostic>& f) {
  std::set<std::string> out;
  for (const auto& d : f) out.insert(std::string(d.id));
  return out;
}

// Checks `next` after recording `earlier`, as a receiver does.
std::vector<diagnostic> after(const std::vector<json>& earlier, const json& next,
                              const push_policy& policy = {}) {
  push_history h;
  for (const auto& e : earlier) {
    h.record(e);
  }
  return h.check(next, policy);
}

TEST(PushHistory, SummaryKeysTheFlightByCarrierNumberAndDepartureDate) {
  const auto s = summarise(push("full", json::array({pnr("ABC123")})));
  ASSERT_TRUE(s);
  EXPECT_EQ(s->flight, (flight_key{"XX", "401", "2025-03-05"}));
  EXPECT_EQ(s->function, push_function::full);
  ASSERT_EQ(s->pnrs.size(), 1u);
  EXPECT_TRUE(s->pnrs[0].holds_flight);
  EXPECT_EQ(s->pnrs[0].travellers, std::vector<std::string>{"OBRIEN/ANNE"});
  EXPECT_FALSE(summarise(json{{"message", {{"kind", "api"}}}}));
  EXPECT_FALSE(summarise(json::array()));
}

TEST(PushHistory, FirstFullPushThenUpdatesWithChangesIsClean) {
  const json full = push("full", json::array({pnr("ABC123"), pnr("DEF456")}));
  json changed =
      pnr("ABC123", json::array({traveller("OBRIEN", "ANNE"), traveller("OBRIEN", "SEAN")}));
  const json update = push("update", json::array({changed, cancellation("DEF456")}));
  EXPECT_TRUE(after({}, full).empty());
  EXPECT_TRUE(after({full}, update).empty());
}

TEST(PushHistory, FirstPushOfAFlightThatIsAnUpdateBreaksPush002) {
  const auto f = after({}, push("update", json::array({pnr("ABC123")})));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].id, "PNRPUSH-FIRST-UPDATE");
  EXPECT_EQ(f[0].requirement, "PNR-GOV-PUSH-002");
  EXPECT_EQ(f[0].level, severity::warning);
  // Another flight's history does not count.
  json other = push("full", json::array({pnr("ABC123")}), "2025-03-03T11:00", "2025-03-06");
  EXPECT_EQ(ids(after({other}, push("update", json::array({pnr("ABC123")})))),
            std::set<std::string>{"PNRPUSH-FIRST-UPDATE"});
}

TEST(PushHistory, UpdatePushResendingAnUnchangedPnrBreaksPush002) {
  const json full = push("full", json::array({pnr("ABC123"), pnr("DEF456")}));
  const auto f = after({full}, push("update", json::array({pnr("DEF456")})));
  EXPECT_EQ(ids(f), std::set<std::string>{"PNRPUSH-UNCHANGED"});
  // The same PNR in a later full push is what a full push is.
  EXPECT_TRUE(after({full}, full).empty());
}

TEST(PushHistory, FullPushMissingAnActivePnrBreaksPush001) {
  const json first = push("full", json::array({pnr("ABC123"), pnr("DEF456")}));
  const auto f = after({first}, push("full", json::array({pnr("ABC123")})));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].id, "PNRPUSH-FULL-MISSING");
  EXPECT_EQ(f[0].requirement, "PNR-GOV-PUSH-001");
  // No locator in the detail (DP-LOG-003).
  EXPECT_EQ(f[0].detail.find("DEF456"), std::string::npos);
  // A PNR cancelled by an update push in between is not missing.
  const json cancel = push("update", json::array({cancellation("DEF456")}));
  EXPECT_TRUE(after({first, cancel}, push("full", json::array({pnr("ABC123")}))).empty());
}

TEST(PushHistory, PnrLosingATravellerWithoutSplitBreaksPush003) {
  const json two =
      pnr("ABC123", json::array({traveller("OBRIEN", "ANNE"), traveller("OBRIEN", "SEAN")}));
  const json first = push("full", json::array({two}));
  const auto f = after({first}, push("update", json::array({pnr("ABC123")})));
  EXPECT_EQ(ids(f), std::set<std::string>{"PNRPUSH-DELTA"});
  EXPECT_EQ(f[0].requirement, "PNR-GOV-PUSH-003");
  // Naming the split PNR (SG8) explains the traveller who left.
  json split = pnr("ABC123");
  split["split_locators"] = json::array({"GHI789"});
  EXPECT_TRUE(after({first}, push("update", json::array({split}))).empty());
}

TEST(PushHistory, PnrLosingItsWholeItineraryBreaksPush003) {
  const json first = push("full", json::array({pnr("ABC123")}));
  json delta = pnr("ABC123", json::array({traveller("OBRIEN", "ANNE")}), json::array());
  delta["osi"] = json::array({"CTC 0044 1234"});
  EXPECT_EQ(ids(after({first}, push("full", json::array({delta})))),
            std::set<std::string>{"PNRPUSH-DELTA"});
}

TEST(PushHistory, CancellationWithContentBreaksCancel001) {
  json c = cancellation("ABC123");
  c["travellers"] = json::array({traveller("OBRIEN", "ANNE")});
  const json first = push("full", json::array({pnr("ABC123")}));
  const auto f = after({first}, push("update", json::array({c})));
  EXPECT_EQ(ids(f), std::set<std::string>{"PNRPUSH-CANCEL-CONTENT"});
  EXPECT_EQ(f[0].requirement, "PNR-GOV-CANCEL-001");
}

TEST(PushHistory, UpdatePushSendingAPnrThatLeftTheFlightWithContentBreaksCancel001) {
  const json first = push("full", json::array({pnr("ABC123")}));
  // The pushed segment cancelled (XX) but the PNR sent in full instead of SRC/RCI/empty ORG.
  const json xx = pnr("ABC123", json::array({traveller("OBRIEN", "ANNE")}),
                      json::array({leg("2025-03-05", "XX")}));
  EXPECT_EQ(ids(after({first}, push("update", json::array({xx})))),
            std::set<std::string>{"PNRPUSH-CANCEL-FORM"});
  // Rebooked onto another date: the pushed flight is gone from the itinerary.
  const json moved =
      pnr("ABC123", json::array({traveller("OBRIEN", "ANNE")}), json::array({leg("2025-03-07")}));
  EXPECT_EQ(ids(after({first}, push("update", json::array({moved})))),
            std::set<std::string>{"PNRPUSH-CANCEL-FORM"});
  // The same PNR left out of a full push is simply omitted, not judged here.
  EXPECT_TRUE(after({first}, push("full", json::array({pnr("ABC123")}))).empty());
}

TEST(PushHistory, WindowRuleOnlyWithASchedule) {
  push_policy eu;
  eu.schedule = push_policy::window{};
  // T-30 h is inside 24-48 h; the closure push at T-0 h 30 min after it is fine.
  const json t30 = push("full", json::array({pnr("ABC123")}), "2025-03-04T05:00");
  const json closure = push("full", json::array({pnr("ABC123")}), "2025-03-05T10:30");
  EXPECT_TRUE(after({t30}, closure, eu).empty());
  // Only a T-72 h push before the closure push: the 24-48 h push is missing.
  const json t72 = push("full", json::array({pnr("ABC123")}), "2025-03-02T11:00");
  const auto f = after({t72}, closure, eu);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].id, "PNRPUSH-WINDOW");
  EXPECT_EQ(f[0].requirement, "EU-PNR-PUSH-001");
  EXPECT_NE(f[0].detail.find("0 h 30 min"), std::string::npos) << f[0].detail;
  // Without a schedule (baseline) the same sequence is clean.
  EXPECT_TRUE(after({t72}, closure).empty());
  // A push at T-72 h itself is early, not late.
  EXPECT_TRUE(after({}, t72, eu).empty());
}

TEST(PushHistory, PolicyLevelsComeFromTheProfile) {
  push_policy strict;
  strict.levels = {{"PNR-GOV-PUSH-002", severity::error}};
  const auto f = after({}, push("update", json::array({pnr("ABC123")})), strict);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].level, severity::error);
  EXPECT_EQ(strict.level_of("PNR-GOV-PUSH-001"), severity::warning);
}

TEST(PushHistory, SeveralPushesOfOneFlightInOneInputAreJudgedInOrder) {
  const json first = push("full", json::array({pnr("ABC123")}));
  const json second = push("full", json::array({pnr("DEF456")}));
  const auto f = push_history{}.check(json::array({first, second}), {});
  EXPECT_EQ(ids(f), std::set<std::string>{"PNRPUSH-FULL-MISSING"});
}

TEST(PushHistory, FindingsOfOnePushAreBounded) {
  json many = json::array();
  for (int i = 0; i < 120; ++i) many.push_back(pnr("LOC" + std::to_string(1000 + i)));
  const json first = push("full", many);
  const auto f = after({first}, push("full", json::array()));
  ASSERT_EQ(f.size(), 50u);
  EXPECT_NE(f.back().detail.find("70 more"), std::string::npos) << f.back().detail;
}

TEST(PushHistory, TableFollowsEnumeratorOrderAndIsDocumented) {
  std::ifstream in(std::string(APIPNR_SOURCE_DIR) + "/docs/error-codes-pnrgov.md");
  std::ostringstream s;
  s << in.rdbuf();
  std::size_t n = 1;
  for (const auto& e : all_push_errc_info()) {
    EXPECT_EQ(static_cast<std::size_t>(e.code), n++) << e.id;
    EXPECT_NE(s.str().find("`" + std::string(e.id) + "`"), std::string::npos) << e.id;
  }
  const boost::system::error_code ec = push_errc::pnr_sent_as_delta;
  EXPECT_STREQ(ec.category().name(), "apipnr.pnrpush");
}

}  // namespace
}  // namespace apipnr::pnrgov
