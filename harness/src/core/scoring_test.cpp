#include "apipnr/harness/scoring.hpp"

#include <gtest/gtest.h>

namespace apipnr::harness {
namespace {

vectors::catalogue cat() {
  vectors::catalogue c;
  auto add = [&](std::string id, std::string group) {
    vectors::requirement r;
    r.id = std::move(id);
    r.group = std::move(group);
    r.level = "MUST";
    r.status = "active";
    c.items.push_back(r);
  };
  add("SYN-A", "syntax.una");
  add("SYN-B", "syntax.unb");
  add("API-C", "api.paxlst");
  add("API-D", "api.paxlst");  // no case
  return c;
}

case_result res(std::string id, verdict v, std::vector<std::string> reqs) {
  case_result r;
  r.id = std::move(id);
  r.verdict = v;
  r.requirements = std::move(reqs);
  return r;
}

run_results sample() {
  run_results r;
  r.cases = {res("c/1", verdict::pass, {"SYN-A"}),
             res("c/2", verdict::pass_non_strict, {"SYN-A"}),
             res("c/3", verdict::fail_wrong_code, {"SYN-B"}),
             res("c/4", verdict::pass, {"SYN-B"}),
             res("c/5", verdict::timeout, {"API-C"}),
             res("c/6", verdict::skipped, {"API-D"})};
  return r;
}

TEST(HarnessScoring, RollUpByRequirementWithEvidence) {
  auto r = sample();
  roll_up(r, cat(), nullptr);
  ASSERT_EQ(r.requirements.size(), 4u);
  EXPECT_EQ(r.requirements[0].status, requirement_status::passed);
  EXPECT_EQ(r.requirements[0].cases.size(), 2u);
  EXPECT_EQ(r.requirements[1].status, requirement_status::failed);
  EXPECT_EQ(r.requirements[2].status, requirement_status::errored);
  EXPECT_EQ(r.requirements[3].status, requirement_status::untested);
  EXPECT_EQ(r.counts["pass"], 2u);
  EXPECT_EQ(r.counts["endpoint_down"], 0u);
  EXPECT_FALSE(r.score);
  EXPECT_EQ(r.compliance, compliance::not_assessed);
}

TEST(HarnessScoring, WeightedScoreAndFailedMandatoryIsNonCompliant) {
  auto r = sample();
  tender_profile t;
  t.weights = {{"syntax", 1}, {"syntax.una", 3}, {"api", 2}};
  t.mandatory = {"SYN-B"};
  roll_up(r, cat(), &t);
  ASSERT_TRUE(r.score);
  // passed: SYN-A (3); judged: SYN-A 3 + SYN-B 1 + API-C 2 = 6; API-D untested, left out.
  EXPECT_DOUBLE_EQ(*r.score, 0.5);
  EXPECT_EQ(r.compliance, compliance::non_compliant);
  EXPECT_EQ(r.mandatory_failed, std::vector<std::string>{"SYN-B"});
  bool found = false;
  for (const auto& g : r.groups)
    if (g.group == "api.paxlst") {
      found = true;
      EXPECT_EQ(g.errored, 1u);
      EXPECT_EQ(g.untested, 1u);
      EXPECT_DOUBLE_EQ(g.weight, 4);
    }
  EXPECT_TRUE(found);
}

TEST(HarnessScoring, MandatoryNotDemonstratedIsIncompleteWithoutWeightsNoScore) {
  auto r = sample();
  tender_profile t;
  t.mandatory = {"group:api", "SYN-A", "NOT-IN-CATALOGUE"};
  roll_up(r, cat(), &t);
  EXPECT_FALSE(r.score);
  EXPECT_EQ(r.compliance, compliance::incomplete);
  EXPECT_EQ(r.mandatory_unproven, (std::vector<std::string>{"API-C", "API-D", "NOT-IN-CATALOGUE"}));
  t.mandatory = {"SYN-A"};
  roll_up(r, cat(), &t);
  EXPECT_EQ(r.compliance, compliance::compliant);
}

// A pass whose stored data was not read back (no query interface or export) does not
// demonstrate a mandatory requirement: compliance is incomplete, the requirement is listed.
TEST(HarnessScoring, MandatoryPassWithoutReadBackIsNotDemonstrated) {
  auto r = sample();
  r.cases[0].data_check = "not_assessed";  // c/1, SYN-A
  tender_profile t;
  t.mandatory = {"SYN-A"};
  roll_up(r, cat(), &t);
  EXPECT_EQ(r.requirements[0].status, requirement_status::passed);
  EXPECT_EQ(r.compliance, compliance::incomplete);
  EXPECT_EQ(r.mandatory_unproven, (std::vector<std::string>{"SYN-A"}));
  r.cases[0].data_check = "checked";
  roll_up(r, cat(), &t);
  EXPECT_EQ(r.compliance, compliance::compliant);
  // A failing case with unread data still fails the requirement (non_compliant decides).
  r.cases[0].data_check = "not_assessed";
  r.cases[1].verdict = verdict::fail_data;
  roll_up(r, cat(), &t);
  EXPECT_EQ(r.compliance, compliance::non_compliant);
}

}  // namespace
}  // namespace apipnr::harness
