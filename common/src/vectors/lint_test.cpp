#include "apipnr/vectors/lint.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>

namespace apipnr::vectors {
namespace {

namespace fs = std::filesystem;

fs::path testdata() { return fs::path(APIPNR_SOURCE_DIR) / "common/src/vectors/testdata"; }

// A case that passes every rule against `small_catalogue()`; tests break one thing at a time.
case_spec good_case(std::string id, outcome o = outcome::accept) {
  case_spec k;
  k.id = std::move(id);
  k.description = "Case " + k.id + " holds";
  k.specification = {{"7.1", "", "SYN-UNA-001", ""}};
  k.input = o == outcome::accept ? "y_x.edi" : o == outcome::reject ? "n_x.edi" : "i_x.edi";
  k.expect.result = o;
  k.manifest = "/corpus/a/cases.json";
  k.input_found = true;
  k.tree_found = true;
  return k;
}

catalogue small_catalogue() {
  catalogue cat;
  requirement r;
  r.id = "SYN-UNA-001";
  r.level = "MUST";
  r.side = "both";
  r.status = "active";
  r.file = "/specs/iso9735.json";
  cat.items.push_back(r);
  return cat;
}

corpus both_outcomes() {
  corpus c;
  c.cases = {good_case("a/1", outcome::accept), good_case("a/2", outcome::reject)};
  return c;
}

std::size_t count(const std::vector<lint_problem>& ps, std::string_view id) {
  return static_cast<std::size_t>(
      std::count_if(ps.begin(), ps.end(), [&](const lint_problem& p) { return p.id == id; }));
}

TEST(VectorsLint, CleanCorpusHasNoProblems) {
  const auto ps = lint(both_outcomes(), small_catalogue());
  for (const auto& p : ps) ADD_FAILURE() << to_string(p);
}

TEST(VectorsLint, DuplicateIdFires) {
  corpus c = both_outcomes();
  c.cases.push_back(good_case("a/1"));
  c.cases.back().manifest = "/corpus/b/cases.json";
  const auto ps = lint(c, small_catalogue());
  ASSERT_EQ(count(ps, "LINT-DUP-ID"), 1u);
  EXPECT_EQ(ps[0].case_id, "a/1");
  EXPECT_EQ(ps[0].file, "/corpus/b/cases.json");
}

TEST(VectorsLint, DuplicateIdFiresForRetiredCasesToo) {
  corpus c = both_outcomes();
  c.cases.push_back(good_case("a/2"));
  c.cases.back().retired = true;
  c.cases.back().description = "Another one";
  EXPECT_EQ(count(lint(c, small_catalogue()), "LINT-DUP-ID"), 1u);
}

TEST(VectorsLint, DuplicateDescriptionInOneFileFires) {
  corpus c = both_outcomes();
  c.cases[1].description = c.cases[0].description;
  EXPECT_EQ(count(lint(c, small_catalogue()), "LINT-DUP-DESCRIPTION"), 1u);
}

TEST(VectorsLint, SameDescriptionInTwoFilesDoesNotFire) {
  corpus c = both_outcomes();
  c.cases[1].description = c.cases[0].description;
  c.cases[1].manifest = "/corpus/b/cases.json";
  EXPECT_EQ(count(lint(c, small_catalogue()), "LINT-DUP-DESCRIPTION"), 0u);
}

TEST(VectorsLint, PrefixDisagreeingWithOutcomeFires) {
  corpus c = both_outcomes();
  c.cases[0].input = "n_x.edi";  // outcome stays accept
  const auto ps = lint(c, small_catalogue());
  ASSERT_EQ(count(ps, "LINT-PREFIX"), 1u);
  EXPECT_NE(ps[0].message.find("expect.outcome is accept"), std::string::npos);
}

TEST(VectorsLint, MissingPrefixFires) {
  corpus c = both_outcomes();
  c.cases[0].input = "x.edi";
  EXPECT_EQ(count(lint(c, small_catalogue()), "LINT-PREFIX"), 1u);
}

TEST(VectorsLint, EitherCaseWithIPrefixDoesNotFire) {
  corpus c = both_outcomes();
  c.cases.push_back(good_case("a/3", outcome::either));
  EXPECT_EQ(count(lint(c, small_catalogue()), "LINT-PREFIX"), 0u);
}

TEST(VectorsLint, MissingInputFires) {
  corpus c = both_outcomes();
  c.cases[0].input_found = false;
  EXPECT_EQ(count(lint(c, small_catalogue()), "LINT-MISSING-INPUT"), 1u);
}

TEST(VectorsLint, MissingTreeFires) {
  corpus c = both_outcomes();
  c.cases[0].tree = "y_x.tree.json";
  c.cases[0].tree_found = false;
  EXPECT_EQ(count(lint(c, small_catalogue()), "LINT-MISSING-TREE"), 1u);
}

TEST(VectorsLint, UnknownRequirementFires) {
  corpus c = both_outcomes();
  c.cases[0].specification.push_back({"", "", "SYN-NOPE-009", ""});
  const auto ps = lint(c, small_catalogue());
  ASSERT_EQ(count(ps, "LINT-UNKNOWN-REQ"), 1u);
  EXPECT_NE(ps[0].message.find("SYN-NOPE-009"), std::string::npos);
}

TEST(VectorsLint, CaseWithoutRequirementFires) {
  corpus c = both_outcomes();
  c.cases.push_back(good_case("a/3"));
  c.cases.back().specification.clear();
  EXPECT_EQ(count(lint(c, small_catalogue()), "LINT-NO-REQ"), 1u);
}

TEST(VectorsLint, ShouldInDescriptionFires) {
  corpus c = both_outcomes();
  c.cases[0].description = "A parser Should accept this";
  EXPECT_EQ(count(lint(c, small_catalogue()), "LINT-WORDING"), 1u);
}

TEST(VectorsLint, TestThatInDescriptionFires) {
  corpus c = both_outcomes();
  c.cases[0].description = "Test that UNA is read";
  EXPECT_EQ(count(lint(c, small_catalogue()), "LINT-WORDING"), 1u);
}

TEST(VectorsLint, ShouldInsideAnotherWordDoesNotFire) {
  corpus c = both_outcomes();
  c.cases[0].description = "Shoulders of the UNA are wide; latest thatch";
  EXPECT_EQ(count(lint(c, small_catalogue()), "LINT-WORDING"), 0u);
}

TEST(VectorsLint, MustRequirementWithoutRejectCaseFires) {
  corpus c;
  c.cases = {good_case("a/1", outcome::accept)};
  const auto ps = lint(c, small_catalogue());
  ASSERT_EQ(count(ps, "LINT-COVERAGE"), 1u);
  EXPECT_EQ(ps[0].case_id, "SYN-UNA-001");
  EXPECT_EQ(ps[0].file, "/specs/iso9735.json");
  EXPECT_NE(ps[0].message.find("a reject case"), std::string::npos);
}

TEST(VectorsLint, MustRequirementWithoutAnyCaseFires) {
  const auto ps = lint(corpus{}, small_catalogue());
  ASSERT_EQ(count(ps, "LINT-COVERAGE"), 1u);
  EXPECT_NE(ps[0].message.find("an accept case and a reject case"), std::string::npos);
}

TEST(VectorsLint, RetiredCasesDoNotCount) {
  corpus c = both_outcomes();
  c.cases[1].retired = true;
  EXPECT_EQ(count(lint(c, small_catalogue()), "LINT-COVERAGE"), 1u);
}

TEST(VectorsLint, ReceiverOnlyRequirementNeedsNoCoverage) {
  catalogue cat = small_catalogue();
  cat.items[0].side = "receiver";
  EXPECT_EQ(count(lint(corpus{}, cat), "LINT-COVERAGE"), 0u);
}

TEST(VectorsLint, ShouldRequirementNeedsNoCoverage) {
  catalogue cat = small_catalogue();
  cat.items[0].level = "SHOULD";
  EXPECT_EQ(count(lint(corpus{}, cat), "LINT-COVERAGE"), 0u);
}

TEST(VectorsLint, RetiredRequirementNeedsNoCoverage) {
  catalogue cat = small_catalogue();
  cat.items[0].status = "retired";
  EXPECT_EQ(count(lint(corpus{}, cat), "LINT-COVERAGE"), 0u);
}

TEST(VectorsLint, CoveragePrefixesSelectWhichRequirementsNeedCases) {
  lint_options opts;
  opts.required_coverage_prefixes = {"MSG-"};
  EXPECT_EQ(count(lint(corpus{}, small_catalogue(), opts), "LINT-COVERAGE"), 0u);
  opts.required_coverage_prefixes = {"MSG-", "SYN-UNA-"};
  EXPECT_EQ(count(lint(corpus{}, small_catalogue(), opts), "LINT-COVERAGE"), 1u);
}

TEST(VectorsLint, ProblemPrintsAsFileCaseIdAndId) {
  const lint_problem p{"LINT-DUP-ID", "v/cases.json", "a/1", "twice"};
  EXPECT_EQ(to_string(p), "v/cases.json: a/1: [LINT-DUP-ID] twice");
}

TEST(VectorsCoverage, RowsListCasesByOutcome) {
  corpus c = both_outcomes();
  c.cases.push_back(good_case("a/3", outcome::either));
  const auto rows = coverage(c, small_catalogue());
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].requirement, "SYN-UNA-001");
  EXPECT_EQ(rows[0].level, "MUST");
  EXPECT_EQ(rows[0].accept_cases, std::vector<std::string>{"a/1"});
  EXPECT_EQ(rows[0].reject_cases, std::vector<std::string>{"a/2"});
  EXPECT_EQ(rows[0].either_cases, std::vector<std::string>{"a/3"});
  EXPECT_TRUE(rows[0].covered());
}

TEST(VectorsCoverage, UncitedRequirementHasAnEmptyRow) {
  const auto rows = coverage(corpus{}, small_catalogue());
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_FALSE(rows[0].covered());
}

TEST(VectorsCoverage, UnknownRequirementGetsARowWithoutLevel) {
  corpus c = both_outcomes();
  c.cases[0].specification = {{"", "", "SYN-NOPE-001", ""}};
  const auto rows = coverage(c, small_catalogue());
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].requirement, "SYN-NOPE-001");
  EXPECT_TRUE(rows[1].level.empty());
}

TEST(VectorsLint, FixtureCorpusLintsClean) {
  std::vector<load_error> errors;
  const corpus c = load_corpus(testdata() / "good/vectors", errors);
  const catalogue cat = load_catalogue(testdata() / "good/specs/requirements", errors);
  ASSERT_TRUE(errors.empty()) << to_string(errors.front());
  for (const auto& p : lint(c, cat)) ADD_FAILURE() << to_string(p);
}

TEST(VectorsLint, FixtureWithMissingFilesFiresBothMissingRules) {
  std::vector<load_error> errors;
  const corpus c = load_corpus(testdata() / "bad/vectors", errors);
  const auto ps = lint(c, small_catalogue());
  EXPECT_EQ(count(ps, "LINT-MISSING-INPUT"), 1u);
  EXPECT_EQ(count(ps, "LINT-MISSING-TREE"), 1u);
}

}  // namespace
}  // namespace apipnr::vectors
