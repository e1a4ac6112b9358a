#include "apipnr/transport/problem.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace apipnr::transport {
namespace {

TEST(TransportProblem, SerialisesRfc9457MembersAndFindings) {
  problem p;
  p.type = problem_type("syntax-rejected");
  p.title = "Bad Request";
  p.status = 400;
  p.detail = "the interchange was rejected";
  p.instance = "/v1/api/paxlst";
  p.findings.push_back({"EDI-UNT-COUNT", "SYN-ENV-006", "error", 16, 0, 12, 1, 0});
  const auto j = nlohmann::json::parse(to_json(p));
  EXPECT_EQ(j["type"], "urn:apipnr:problem:syntax-rejected");
  EXPECT_EQ(j["status"], 400);
  EXPECT_EQ(j["instance"], "/v1/api/paxlst");
  ASSERT_EQ(j["findings"].size(), 1u);
  EXPECT_EQ(j["findings"][0]["id"], "EDI-UNT-COUNT");
  EXPECT_EQ(j["findings"][0]["syntax_error"], 16);
  EXPECT_EQ(j["findings"][0]["message"], 0);
  EXPECT_FALSE(j["findings"][0].contains("component"));
}

TEST(TransportProblem, InvalidUtf8InDetailStillGivesValidJson) {
  problem p;
  p.detail = std::string("bad \xff byte");
  EXPECT_TRUE(nlohmann::json::accept(to_json(p)));
}

TEST(TransportProblem, AcceptsJsonOnlyForJsonTypesWithNonZeroQ) {
  EXPECT_TRUE(accepts_json("application/json"));
  EXPECT_TRUE(accepts_json("text/plain, Application/Problem+JSON;q=0.5"));
  EXPECT_FALSE(accepts_json(""));
  EXPECT_FALSE(accepts_json("*/*"));
  EXPECT_FALSE(accepts_json("application/edifact"));
  EXPECT_FALSE(accepts_json("application/json;q=0"));
  EXPECT_FALSE(accepts_json("application/json; q=0.0"));
}

TEST(TransportProblem, ReasonPhrases) {
  EXPECT_EQ(reason(413), "Content Too Large");
  EXPECT_EQ(reason(999), "Unknown");
}

}  // namespace
}  // namespace apipnr::transport
