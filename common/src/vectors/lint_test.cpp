#include "apipnr/vectors/lint.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
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

// A sequence case: send, wait, resend, every file found.
case_spec sequence_case(std::string id) {
  case_spec k = good_case(std::move(id));
  k.input.clear();
  k.input_found = false;
  step_spec send;
  send.file = "y_x.edi";
  send.expect.result = outcome::accept;
  send.bytes = "UNA:+.? 'UNB+UNOA:4+S:ZZ+R:ZZ+250301:0930+77'";
  step_spec wait;
  wait.kind = step_kind::wait;
  wait.wait_ms = 10;
  k.steps = {send, wait, send};
  return k;
}

TEST(VectorsLint, CleanSequenceHasNoProblems) {
  corpus c = both_outcomes();
  c.cases.push_back(sequence_case("a/3"));
  const auto ps = lint(c, small_catalogue());
  for (const auto& p : ps) ADD_FAILURE() << to_string(p);
}

TEST(VectorsLint, SequenceStepPrefixDisagreeingWithItsOutcomeFires) {
  corpus c = both_outcomes();
  c.cases.push_back(sequence_case("a/3"));
  c.cases.back().steps[0].expect.result = outcome::reject;
  EXPECT_EQ(count(lint(c, small_catalogue()), "LINT-PREFIX"), 1u);
}

TEST(VectorsLint, SequenceOutcomeIsThatOfItsLastSendStep) {
  corpus c = both_outcomes();
  c.cases.push_back(sequence_case("a/3"));
  c.cases.back().steps[2].file = "n_x.edi";
  c.cases.back().steps[2].expect.result = outcome::reject;
  // The case still says accept: its last send step promises reject.
  EXPECT_EQ(count(lint(c, small_catalogue()), "LINT-PREFIX"), 1u);
}

TEST(VectorsLint, SequenceMissingStepFileFires) {
  corpus c = both_outcomes();
  c.cases.push_back(sequence_case("a/3"));
  c.cases.back().steps[2].file_found = false;
  EXPECT_EQ(count(lint(c, small_catalogue()), "LINT-MISSING-INPUT"), 1u);
}

TEST(VectorsLint, SequenceWithoutSendStepOrWithOneStepFires) {
  corpus c = both_outcomes();
  c.cases.push_back(sequence_case("a/3"));
  c.cases.back().steps.resize(1);
  c.cases.push_back(sequence_case("a/4"));
  c.cases.back().steps = {c.cases.back().steps[1], c.cases.back().steps[1]};
  EXPECT_EQ(count(lint(c, small_catalogue()), "LINT-SEQUENCE"), 2u);
}

TEST(VectorsLint, SequenceControlFileThatIsNotAnObjectFires) {
  corpus c = both_outcomes();
  c.cases.push_back(sequence_case("a/3"));
  step_spec control;
  control.kind = step_kind::control;
  control.file = "c_x.json";
  control.bytes = "[1, 2]";
  c.cases.back().steps.push_back(control);
  EXPECT_EQ(count(lint(c, small_catalogue()), "LINT-SEQUENCE"), 1u);
}

TEST(VectorsLint, SequenceResendingItsOwnInterchangeIsNoDuplicate) {
  corpus c = both_outcomes();
  c.cases.push_back(sequence_case("a/3"));
  EXPECT_EQ(count(lint(c, small_catalogue()), "LINT-DUP-INTERCHANGE"), 0u);
  // Another case sending the same key is.
  c.cases.push_back(sequence_case("a/4"));
  c.cases.back().description = "Case a/4 holds";
  EXPECT_EQ(count(lint(c, small_catalogue()), "LINT-DUP-INTERCHANGE"), 1u);
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
  EXPECT_NE(ps[0].message.find("a case that breaks it"), std::string::npos);
  EXPECT_EQ(ps[0].message.find("satisfies"), std::string::npos);
}

TEST(VectorsLint, MustRequirementWithoutAnyCaseFires) {
  const auto ps = lint(corpus{}, small_catalogue());
  ASSERT_EQ(count(ps, "LINT-COVERAGE"), 1u);
  EXPECT_NE(ps[0].message.find("a case that satisfies it (accept, no warning for it) and a case "
                               "that breaks it"),
            std::string::npos);
}

TEST(VectorsLint, RetiredCasesDoNotCount) {
  corpus c = both_outcomes();
  c.cases[1].retired = true;
  EXPECT_EQ(count(lint(c, small_catalogue()), "LINT-COVERAGE"), 1u);
}

TEST(VectorsLint, ReceiverRequirementWithoutAnyCaseFires) {
  catalogue cat = small_catalogue();
  cat.items[0].side = "receiver";
  const auto ps = lint(corpus{}, cat);
  ASSERT_EQ(count(ps, "LINT-COVERAGE"), 1u);
  EXPECT_NE(ps[0].message.find("receiver MUST requirement"), std::string::npos);
}

TEST(VectorsLint, ReceiverRequirementNeedsOnlyOneKind) {
  catalogue cat = small_catalogue();
  cat.items[0].side = "receiver";
  corpus c;
  c.cases = {good_case("a/2", outcome::reject)};
  EXPECT_EQ(count(lint(c, cat), "LINT-COVERAGE"), 0u);
  c.cases = {good_case("a/1", outcome::accept)};
  EXPECT_EQ(count(lint(c, cat), "LINT-COVERAGE"), 0u);
}

TEST(VectorsLint, EitherCaseDoesNotCoverAReceiverRequirement) {
  catalogue cat = small_catalogue();
  cat.items[0].side = "receiver";
  corpus c;
  c.cases = {good_case("a/3", outcome::either)};
  EXPECT_EQ(count(lint(c, cat), "LINT-COVERAGE"), 1u);
}

// A warn-only rule: acceptance with the warning is the breaking case.
case_spec warned_case(std::string id) {
  case_spec k = good_case(std::move(id), outcome::accept);
  k.expect.pass = pass_expectation{};
  k.expect.pass->warning_requirements = {"SYN-UNA-001"};
  return k;
}

TEST(VectorsLint, AcceptWithWarningBreaksTheRequirement) {
  corpus c;
  c.cases = {good_case("a/1", outcome::accept), warned_case("a/2")};
  EXPECT_EQ(count(lint(c, small_catalogue()), "LINT-COVERAGE"), 0u);
  const auto rows = coverage(c, small_catalogue());
  EXPECT_EQ(rows[0].satisfy_cases, std::vector<std::string>{"a/1"});
  EXPECT_EQ(rows[0].break_cases, std::vector<std::string>{"a/2"});
}

TEST(VectorsLint, AcceptWithWarningDoesNotAlsoSatisfy) {
  corpus c;
  c.cases = {warned_case("a/2"), good_case("a/3", outcome::reject)};
  const auto ps = lint(c, small_catalogue());
  ASSERT_EQ(count(ps, "LINT-COVERAGE"), 1u);
  EXPECT_NE(ps[0].message.find("satisfies"), std::string::npos);
}

TEST(VectorsLint, WarningRequirementCountsWithoutACitation) {
  corpus c;
  c.cases = {good_case("a/1", outcome::accept), warned_case("a/2")};
  c.cases[1].specification = {{"", "", "SYN-OTHER-001", ""}};
  catalogue cat = small_catalogue();
  requirement other = cat.items[0];
  other.id = "SYN-OTHER-001";
  other.level = "SHOULD";
  cat.items.push_back(other);
  EXPECT_EQ(count(lint(c, cat), "LINT-COVERAGE"), 0u);
}

coverage_exemption exemption(std::string req, std::string category = "organisational") {
  coverage_exemption e;
  e.requirement = std::move(req);
  e.category = std::move(category);
  e.reason = "a duty of the state";
  e.file = "/vectors/coverage-exemptions.json";
  return e;
}

TEST(VectorsLint, ExemptRequirementDoesNotFire) {
  lint_options opts;
  opts.exemptions = {exemption("SYN-UNA-001")};
  const auto ps = lint(corpus{}, small_catalogue(), opts);
  EXPECT_EQ(count(ps, "LINT-COVERAGE"), 0u);
  EXPECT_EQ(count(ps, "LINT-EXEMPTION"), 0u);
  const auto rows = coverage(corpus{}, small_catalogue(), opts);
  EXPECT_EQ(rows[0].status, coverage_status::exempt);
  ASSERT_NE(rows[0].exemption, nullptr);
  EXPECT_EQ(rows[0].exemption->category, "organisational");
}

TEST(VectorsLint, StaleExemptionFires) {
  lint_options opts;
  opts.exemptions = {exemption("SYN-UNA-001")};
  const auto ps = lint(both_outcomes(), small_catalogue(), opts);
  ASSERT_EQ(count(ps, "LINT-EXEMPTION"), 1u);
  EXPECT_NE(ps[0].message.find("remove the exemption"), std::string::npos);
}

TEST(VectorsLint, ExemptionOfUnknownShouldOrDuplicateRequirementFires) {
  catalogue cat = small_catalogue();
  requirement should = cat.items[0];
  should.id = "SYN-UNA-002";
  should.level = "SHOULD";
  cat.items.push_back(should);
  lint_options opts;
  opts.exemptions = {exemption("SYN-UNA-001"), exemption("SYN-UNA-001"), exemption("SYN-NOPE-001"),
                     exemption("SYN-UNA-002")};
  EXPECT_EQ(count(lint(corpus{}, cat, opts), "LINT-EXEMPTION"), 3u);
}

TEST(VectorsLint, NotByVectorExemptionNeedsATest) {
  lint_options opts;
  opts.exemptions = {exemption("SYN-UNA-001", "not_by_vector")};
  EXPECT_EQ(count(lint(corpus{}, small_catalogue(), opts), "LINT-EXEMPTION"), 1u);
  opts.exemptions[0].covered_by = {"store_retention_test"};
  EXPECT_EQ(count(lint(corpus{}, small_catalogue(), opts), "LINT-EXEMPTION"), 0u);
}

TEST(VectorsCoverage, JsonAndMarkdownCarryStatusAndTotals) {
  corpus c;
  c.cases = {good_case("a/1", outcome::accept)};
  const auto rows = coverage(c, small_catalogue());
  const std::string j = coverage_json(rows);
  EXPECT_NE(j.find("\"status\": \"missing\""), std::string::npos);
  EXPECT_NE(j.find("\"satisfy\": [\n        \"a/1\""), std::string::npos);
  EXPECT_NE(j.find("\"format_version\": 1"), std::string::npos);
  const std::string md = coverage_markdown(rows);
  EXPECT_NE(md.find("`SYN-UNA-001` (both): 1 satisfying, 0 breaking"), std::string::npos);
}

TEST(VectorsLoader, ExemptionListLoadsAndRejectsBadCategories) {
  const fs::path dir = fs::temp_directory_path() / ("apipnr-exempt-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path f = dir / "coverage-exemptions.json";
  {
    std::ofstream o(f);
    o << R"({"exemptions": [
      {"requirement": "A-B-001", "category": "gap", "reason": "r"},
      {"requirement": "A-B-002", "category": "later", "reason": "r"},
      {"requirement": "A-B-003", "category": "not_by_vector", "reason": "r", "covered_by": 7}]})";
  }
  std::vector<load_error> errors;
  const auto es = load_exemptions(f, errors);
  fs::remove_all(dir);
  ASSERT_EQ(es.size(), 1u);
  EXPECT_EQ(es[0].requirement, "A-B-001");
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].pointer, "/exemptions/1/category");
  EXPECT_EQ(errors[1].pointer, "/exemptions/2/covered_by");
  std::vector<load_error> missing;
  EXPECT_TRUE(load_exemptions(dir / "nope.json", missing).empty());
  EXPECT_EQ(missing.size(), 1u);
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
  lint_options opts;
  opts.exemptions = load_exemptions(testdata() / "good/vectors/coverage-exemptions.json", errors);
  ASSERT_TRUE(errors.empty()) << to_string(errors.front());
  ASSERT_EQ(opts.exemptions.size(), 1u);
  for (const auto& p : lint(c, cat, opts)) ADD_FAILURE() << to_string(p);
}

TEST(VectorsLint, FixtureWithMissingFilesFiresBothMissingRules) {
  std::vector<load_error> errors;
  const corpus c = load_corpus(testdata() / "bad/vectors", errors);
  const auto ps = lint(c, small_catalogue());
  EXPECT_EQ(count(ps, "LINT-MISSING-INPUT"), 1u);
  EXPECT_EQ(count(ps, "LINT-MISSING-TREE"), 1u);
}

TEST(VectorsLint, CusresExpectationOnlyOnIapiCases) {
  corpus c = both_outcomes();
  c.cases[0].expect.cusres.emplace().document = "962";
  EXPECT_EQ(count(lint(c, small_catalogue()), "LINT-CUSRES"), 1u);
  c.cases[0].id = "edifact/messages/iapi/9";
  EXPECT_EQ(count(lint(c, small_catalogue()), "LINT-CUSRES"), 0u);
}

TEST(VectorsLint, RequiresNamesAFixtureFileOfTheCorpus) {
  const fs::path root =
      fs::temp_directory_path() / ("apipnr-lint-fixture-" + std::to_string(::getpid()));
  fs::create_directories(root / "fixtures");
  std::ofstream(root / "fixtures" / "iapi-watchlist.json") << "{}";
  corpus c = both_outcomes();
  c.root = root;
  c.cases[0].required_fixtures = {"iapi-watchlist"};
  EXPECT_EQ(count(lint(c, small_catalogue()), "LINT-FIXTURE"), 0u);
  c.cases[0].required_fixtures = {"iapi-watchlist", "no-such-list", "../escape"};
  EXPECT_EQ(count(lint(c, small_catalogue()), "LINT-FIXTURE"), 2u);
  fs::remove_all(root);
}

}  // namespace
}  // namespace apipnr::vectors
