#include "apipnr/harness/canonical_diff.hpp"

#include <string>

#include <gtest/gtest.h>

#include "apipnr/harness/json_depth.hpp"

namespace apipnr::harness {
namespace {

using json = nlohmann::json;

TEST(CanonicalDiff, EqualDocumentsIgnoringKeyOrderAndXFields) {
  const auto e = json::parse(R"({"a":1,"b":{"c":[1,2]},"x_note":"e"})");
  const auto a = json::parse(R"({"b":{"x_seen":true,"c":[1,2.0]},"a":1,"x_other":3})");
  EXPECT_TRUE(canonical_diff(e, a).empty());
}

TEST(CanonicalDiff, NestedMissingUnexpectedAndDifferent) {
  const auto e = json::parse(R"({"flight":{"number":"XX123","legs":[{"from":"LHR"},{"from":"JFK"}]},
                                 "travellers":[{"name":{"family":"O'BRIEN","given":"ANNE"}}]})");
  const auto a = json::parse(R"({"flight":{"number":"XX124","legs":[{"from":"LHR","gate":"B"}]},
                                 "travellers":[{"name":{"family":"OBRIEN"}}],"extra":null})");
  const auto d = canonical_diff(e, a);
  ASSERT_EQ(d.size(), 6U);
  // nlohmann::json keeps object keys sorted, so "legs" comes before "number".
  EXPECT_EQ(d[0].pointer, "/flight/legs/0/gate");
  EXPECT_EQ(d[0].kind, "unexpected");
  EXPECT_TRUE(d[0].expected.empty());
  EXPECT_EQ(d[0].actual, "\"B\"");
  EXPECT_EQ(d[1].pointer, "/flight/legs/1");
  EXPECT_EQ(d[1].kind, "missing");
  EXPECT_TRUE(d[1].actual.empty());
  EXPECT_EQ(d[2].pointer, "/flight/number");
  EXPECT_EQ(d[2].kind, "different");
  EXPECT_EQ(d[2].expected, "\"XX123\"");
  EXPECT_EQ(d[2].actual, "\"XX124\"");
  EXPECT_EQ(d[3].pointer, "/travellers/0/name/family");
  EXPECT_EQ(d[4].pointer, "/travellers/0/name/given");
  EXPECT_EQ(d[4].kind, "missing");
  EXPECT_EQ(d[5].pointer, "/extra");
  EXPECT_EQ(d[5].kind, "unexpected");
}

TEST(CanonicalDiff, ArraysArePositionalByDefault) {
  const auto e = json::parse(R"({"refs":["A","B"]})");
  const auto a = json::parse(R"({"refs":["B","A"]})");
  const auto d = canonical_diff(e, a);
  ASSERT_EQ(d.size(), 2U);
  EXPECT_EQ(d[0].pointer, "/refs/0");
  EXPECT_EQ(d[1].pointer, "/refs/1");
}

TEST(CanonicalDiff, UnorderedArraysByPattern) {
  const auto e = json::parse(R"({"m":[{"flags":["A","B",{"k":1}]},{"flags":["C"]}]})");
  const auto a = json::parse(R"({"m":[{"flags":[{"k":1,"x_i":2},"B","A"]},{"flags":["D"]}]})");
  canonical_diff_options o;
  o.unordered_arrays = {"/m/*/flags"};
  const auto d = canonical_diff(e, a, o);
  ASSERT_EQ(d.size(), 2U);
  EXPECT_EQ(d[0].pointer, "/m/1/flags/0");
  EXPECT_EQ(d[0].kind, "missing");
  EXPECT_EQ(d[1].kind, "unexpected");
  EXPECT_EQ(d[1].actual, "\"D\"");
}

TEST(CanonicalDiff, TypeChangesPointerEscapingAndCap) {
  const auto e = json::parse(R"({"a/b":{"c~d":1},"n":[1]})");
  const auto a = json::parse(R"({"a/b":{"c~d":"1"},"n":{"0":1}})");
  const auto d = canonical_diff(e, a);
  ASSERT_EQ(d.size(), 2U);
  EXPECT_EQ(d[0].pointer, "/a~1b/c~0d");
  EXPECT_EQ(d[1].pointer, "/n");
  EXPECT_EQ(d[1].kind, "different");
  json big_e = json::array(), big_a = json::array();
  for (int i = 0; i < 50; ++i) {
    big_e.push_back(i);
    big_a.push_back(-i - 1);
  }
  canonical_diff_options o;
  o.max_differences = 10;
  EXPECT_EQ(canonical_diff(big_e, big_a, o).size(), 10U);
}

// fuzz_harness_canonical_diff (fuzz/crashers/harness_canonical_diff_deep_actual.json): a
// vendor's answer nested 300,000 levels deep overflowed the stack in dump() (and would in the
// comparison); it now fails as a whole with one difference at the root.
TEST(CanonicalDiff, DeeplyNestedAnswerFailsAtTheRootInsteadOfRecursing) {
  const std::size_t depth = 300000;
  const auto a = json::parse("{\"a\":" + std::string(depth, '[') + std::string(depth, ']') + "}");
  const auto e = json::parse(R"({"a":1})");
  for (const auto& d : {canonical_diff(e, a), canonical_diff(a, a)}) {
    ASSERT_EQ(d.size(), 1U);
    EXPECT_EQ(d[0].pointer, "");
    EXPECT_EQ(d[0].kind, "different");
    EXPECT_EQ(d[0].actual, "(nested deeper than 256 levels)");
  }
  EXPECT_EQ(canonical_diff(e, a)[0].expected, R"({"a":1})");
  // 256 levels are still compared.
  const auto ok = json::parse(std::string(255, '[') + "1" + std::string(255, ']'));
  EXPECT_EQ(json_depth(ok), 255U);
  EXPECT_TRUE(canonical_diff(ok, ok).empty());
  EXPECT_EQ(json_depth(a), max_canonical_depth + 1);
}

}  // namespace
}  // namespace apipnr::harness
