#include "apipnr/vectors/loader.hpp"

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

const case_spec* find_case(const corpus& c, std::string_view id) {
  for (const case_spec& k : c.cases) {
    if (k.id == id) return &k;
  }
  return nullptr;
}

bool has_error(const std::vector<load_error>& errors, std::string_view file_suffix,
               std::string_view pointer) {
  return std::any_of(errors.begin(), errors.end(), [&](const load_error& e) {
    return std::string_view(e.file).ends_with(file_suffix) && e.pointer == pointer;
  });
}

TEST(VectorsLoader, GoodCorpusLoadsWithoutErrors) {
  std::vector<load_error> errors;
  const corpus c = load_corpus(testdata() / "good/vectors", errors);
  for (const auto& e : errors) ADD_FAILURE() << to_string(e);
  EXPECT_EQ(c.manifests.size(), 2u);
  EXPECT_EQ(c.cases.size(), 4u);
}

TEST(VectorsLoader, ManifestsAreReadInSortedPathOrder) {
  const auto c = load_corpus(testdata() / "good/vectors");
  ASSERT_TRUE(c.has_value());
  ASSERT_EQ(c->cases.size(), 4u);
  EXPECT_EQ(c->cases[0].id, "edifact/syntax/una/1");
  EXPECT_EQ(c->cases[3].id, "edifact/syntax/unt/2");
  EXPECT_EQ(c->cases[3].index, 1u);
}

TEST(VectorsLoader, FolderIsRelativeToTheRoot) {
  const auto c = load_corpus(testdata() / "good/vectors");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->cases[0].folder, "edifact/syntax/una");
}

TEST(VectorsLoader, EveryExpectationFieldIsRead) {
  const auto c = load_corpus(testdata() / "good/vectors");
  ASSERT_TRUE(c.has_value());
  const case_spec* k = find_case(*c, "edifact/syntax/una/2");
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->description, "UNA shorter than nine characters is rejected");
  ASSERT_EQ(k->specification.size(), 1u);
  EXPECT_EQ(k->specification[0].iso9735, "7.1");
  EXPECT_EQ(k->specification[0].digest, "4.4");
  EXPECT_EQ(k->specification[0].req, "SYN-UNA-001");
  EXPECT_EQ(k->transports, std::vector<std::string>{"http"});
  EXPECT_EQ(k->profiles, std::vector<std::string>{"syntax-v4"});
  EXPECT_EQ(k->level, "MUST");
  EXPECT_EQ(k->confidence, "C");
  EXPECT_FALSE(k->retired);
  EXPECT_EQ(k->expect.result, outcome::reject);
  ASSERT_TRUE(k->expect.pass.has_value());
  EXPECT_EQ(k->expect.pass->errors, std::vector<std::string>{"EDI-UNA-TRUNCATED"});
  EXPECT_EQ(k->expect.pass->syntax_errors, std::vector<int>{20});
  EXPECT_EQ(k->expect.pass->scope, std::vector<std::string>{"interchange"});
  ASSERT_TRUE(k->expect.pass->position.has_value());
  EXPECT_EQ(k->expect.pass->position->segment, 0u);
  EXPECT_FALSE(k->expect.pass->position->element.has_value());
  EXPECT_EQ(k->expect.pass->contrl_action, 4);
  ASSERT_TRUE(k->expect.non_strict.has_value());
  EXPECT_EQ(k->expect.non_strict->http_status, (std::vector<int>{400, 422}));
  EXPECT_FALSE(k->expect.tolerant.has_value());
}

TEST(VectorsLoader, TolerantBlockIsRead) {
  const auto c = load_corpus(testdata() / "good/vectors");
  ASSERT_TRUE(c.has_value());
  const case_spec* k = find_case(*c, "edifact/syntax/unt/2");
  ASSERT_NE(k, nullptr);
  ASSERT_TRUE(k->expect.tolerant.has_value());
  EXPECT_EQ(k->expect.tolerant->result, outcome::accept);
  EXPECT_EQ(k->expect.tolerant->warnings, std::vector<std::string>{"EDI-UNT-COUNT"});
}

TEST(VectorsLoader, ContrlContentExpectationIsRead) {
  const auto c = load_corpus(testdata() / "good/vectors");
  ASSERT_TRUE(c.has_value());
  const case_spec* k = find_case(*c, "edifact/syntax/unt/2");
  ASSERT_NE(k, nullptr);
  ASSERT_TRUE(k->expect.pass.has_value());
  ASSERT_TRUE(k->expect.pass->contrl.has_value());
  const contrl_expectation& x = *k->expect.pass->contrl;
  EXPECT_EQ(x.identifier, "CONTRL:4:1:UN");
  EXPECT_EQ(x.interchange_reference, "1001");
  EXPECT_EQ(x.interchange_sender, "XXAPI");
  EXPECT_EQ(x.interchange_recipient, "PIUTEST");
  ASSERT_EQ(x.levels.size(), 2u);
  EXPECT_EQ(x.levels[0].segment, "UCM");
  EXPECT_EQ(x.levels[0].reference, "1");
  EXPECT_EQ(x.levels[0].message_type, "PAXLST");
  EXPECT_EQ(x.levels[0].action, 4);
  EXPECT_EQ(x.levels[1].segment, "UCF");
  EXPECT_EQ(x.levels[1].message_type, "");
  EXPECT_FALSE(x.levels[1].action.has_value());
  EXPECT_TRUE(x.iso_codes_only);
  // A case without the member has no CONTRL content expectation.
  const case_spec* una = find_case(*c, "edifact/syntax/una/2");
  ASSERT_NE(una, nullptr);
  EXPECT_FALSE(una->expect.pass->contrl.has_value());
}

TEST(VectorsManifest, IsoSyntaxErrorCodesExcludeVendorExtensions) {
  EXPECT_TRUE(iso9735_syntax_error(2));
  EXPECT_TRUE(iso9735_syntax_error(12));
  EXPECT_TRUE(iso9735_syntax_error(29));
  EXPECT_TRUE(iso9735_syntax_error(45));
  EXPECT_FALSE(iso9735_syntax_error(1));
  EXPECT_FALSE(iso9735_syntax_error(44));
  EXPECT_FALSE(iso9735_syntax_error(72));
  EXPECT_FALSE(iso9735_syntax_error(0));
}

TEST(VectorsLoader, LoneScopeStringIsASetOfOne) {
  const auto c = load_corpus(testdata() / "good/vectors");
  ASSERT_TRUE(c.has_value());
  const case_spec* k = find_case(*c, "edifact/syntax/unt/2");
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->expect.pass->scope, std::vector<std::string>{"message"});
}

TEST(VectorsLoader, InputIsReadByteForByteIncludingCrLf) {
  const auto c = load_corpus(testdata() / "good/vectors");
  ASSERT_TRUE(c.has_value());
  const case_spec* k = find_case(*c, "edifact/syntax/unt/1");
  ASSERT_NE(k, nullptr);
  EXPECT_TRUE(k->input_found);
  EXPECT_EQ(k->input_bytes.size(), fs::file_size(k->input_path()));
  EXPECT_NE(k->input_bytes.find("'\r\nUNH"), std::string::npos);
}

TEST(VectorsLoader, InputIsReadByteForByteIncludingNulAndHighBytes) {
  const auto c = load_corpus(testdata() / "good/vectors");
  ASSERT_TRUE(c.has_value());
  const case_spec* k = find_case(*c, "edifact/syntax/unt/2");
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->input_bytes.size(), fs::file_size(k->input_path()));
  EXPECT_NE(k->input_bytes.find(std::string("745\0\xff'", 6)), std::string::npos);
}

TEST(VectorsLoader, TreeFileIsParsed) {
  const auto c = load_corpus(testdata() / "good/vectors");
  ASSERT_TRUE(c.has_value());
  const case_spec* k = find_case(*c, "edifact/syntax/una/1");
  ASSERT_NE(k, nullptr);
  EXPECT_TRUE(k->tree_found);
  ASSERT_TRUE(k->tree_data.has_value());
  EXPECT_EQ(k->tree_data->delimiters, ":+.? '");
  ASSERT_EQ(k->tree_data->segments.size(), 5u);
  EXPECT_EQ(k->tree_data->segments[1].tag, "UNH");
  EXPECT_EQ(k->tree_data->segments[1].elements[1],
            (std::vector<std::string>{"PAXLST", "D", "05B", "UN", "IATA"}));
}

TEST(VectorsLoader, MalformedJsonIsReportedWithItsFile) {
  std::vector<load_error> errors;
  (void)load_corpus(testdata() / "bad/vectors", errors);
  EXPECT_TRUE(has_error(errors, "broken/cases.json", ""));
}

TEST(VectorsLoader, WrongTypeIsReportedWithItsJsonPointer) {
  std::vector<load_error> errors;
  (void)load_corpus(testdata() / "bad/vectors", errors);
  EXPECT_TRUE(has_error(errors, "typed/cases.json", "/0/id"));
}

TEST(VectorsLoader, UnknownOutcomeIsReportedWithItsJsonPointer) {
  std::vector<load_error> errors;
  (void)load_corpus(testdata() / "bad/vectors", errors);
  EXPECT_TRUE(has_error(errors, "typed/cases.json", "/1/expect/outcome"));
  EXPECT_TRUE(has_error(errors, "typed/cases.json", "/1/expect/pass/syntax_errors/0"));
}

TEST(VectorsLoader, BrokenCasesAreDroppedAndGoodOnesKept) {
  std::vector<load_error> errors;
  const corpus c = load_corpus(testdata() / "bad/vectors", errors);
  ASSERT_EQ(c.cases.size(), 1u);
  EXPECT_EQ(c.cases[0].id, "bad/3");
}

TEST(VectorsLoader, MissingInputAndTreeAreFlaggedNotErrors) {
  std::vector<load_error> errors;
  const corpus c = load_corpus(testdata() / "bad/vectors", errors);
  ASSERT_EQ(c.cases.size(), 1u);
  EXPECT_FALSE(c.cases[0].input_found);
  EXPECT_FALSE(c.cases[0].tree_found);
  EXPECT_FALSE(has_error(errors, "y_absent.edi", ""));
}

// A sequence case in a per-process temp folder: `text` is the manifest, the step files exist.
struct sequence_dir {
  fs::path dir = fs::temp_directory_path() / ("apipnr-seq-" + std::to_string(::getpid()));
  sequence_dir() {
    fs::create_directories(dir);
    std::ofstream(dir / "y_a.edi", std::ios::binary) << "UNA:+.? 'UNB+UNOA:4+S+R+1+7'";
    std::ofstream(dir / "c_change.json", std::ios::binary) << R"({"directive": "1Z"})";
  }
  ~sequence_dir() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  std::vector<case_spec> parse(const std::string& steps, std::vector<load_error>& errors) const {
    const std::string text = R"([{"id": "s/1", "description": "a sequence of steps",
      "specification": [{"req": "RCV-DUP-001"}], "transports": ["http"], "profiles": ["p"],
      "level": "MUST", "confidence": "C", "expect": {"outcome": "accept"}, )" +
                             steps + "}]";
    std::vector<case_spec> out;
    parse_manifest(text, dir / "cases.json", dir, out, errors);
    return out;
  }
};

TEST(VectorsLoader, SequenceStepsAreReadInOrderWithTheirFiles) {
  sequence_dir d;
  std::vector<load_error> errors;
  const auto cases = d.parse(R"("steps": [
      {"send": "y_a.edi", "expect": {"outcome": "accept", "pass": {"contrl_action": 7}}},
      {"wait_ms": 200, "note": "let it settle"},
      {"control": "c_change.json", "expect": {"http_status": 409}},
      {"await_unsolicited": {"within_ms": 5000}},
      {"send": "y_a.edi", "note": "resend", "expect": {"outcome": "accept"}}])",
                             errors);
  for (const auto& e : errors) ADD_FAILURE() << to_string(e);
  ASSERT_EQ(cases.size(), 1u);
  const case_spec& k = cases[0];
  EXPECT_TRUE(k.input.empty());
  ASSERT_EQ(k.steps.size(), 5u);
  EXPECT_EQ(k.steps[0].kind, step_kind::send);
  EXPECT_EQ(k.steps[0].file, "y_a.edi");
  EXPECT_TRUE(k.steps[0].file_found);
  EXPECT_EQ(k.steps[0].bytes, "UNA:+.? 'UNB+UNOA:4+S+R+1+7'");
  ASSERT_TRUE(k.steps[0].expect.pass.has_value());
  EXPECT_EQ(k.steps[0].expect.pass->contrl_action, 7);
  EXPECT_EQ(k.steps[1].kind, step_kind::wait);
  EXPECT_EQ(k.steps[1].wait_ms, 200u);
  EXPECT_EQ(k.steps[1].note, "let it settle");
  EXPECT_EQ(k.steps[2].kind, step_kind::control);
  EXPECT_EQ(k.steps[2].http_status, 409);
  EXPECT_EQ(k.steps[2].bytes, R"({"directive": "1Z"})");
  EXPECT_EQ(k.steps[3].kind, step_kind::await_unsolicited);
  EXPECT_EQ(k.steps[3].within_ms, 5000u);
  EXPECT_EQ(k.steps[4].note, "resend");
  EXPECT_EQ(k.prefixed_name(), "y_a.edi");
}

TEST(VectorsLoader, SequenceStepWithTwoKindsIsReported) {
  sequence_dir d;
  std::vector<load_error> errors;
  const auto cases = d.parse(R"("steps": [{"send": "y_a.edi", "wait_ms": 5,
      "expect": {"outcome": "accept"}}, {"wait_ms": 1}])",
                             errors);
  EXPECT_TRUE(cases.empty());
  EXPECT_TRUE(has_error(errors, "cases.json", "/0/steps/0"));
}

TEST(VectorsLoader, SequenceWaitAboveOneMinuteIsReported) {
  sequence_dir d;
  std::vector<load_error> errors;
  const auto cases = d.parse(R"("steps": [{"send": "y_a.edi", "expect": {"outcome": "accept"}},
      {"await_unsolicited": {"within_ms": 60001}}])",
                             errors);
  EXPECT_TRUE(cases.empty());
  EXPECT_TRUE(has_error(errors, "cases.json", "/0/steps/1/await_unsolicited/within_ms"));
}

TEST(VectorsLoader, SequenceSendStepWithCanonicalIsReported) {
  sequence_dir d;
  std::vector<load_error> errors;
  const auto cases = d.parse(R"("steps": [{"send": "y_a.edi",
      "expect": {"outcome": "accept", "canonical": "y_a.canonical.json"}}, {"wait_ms": 1}])",
                             errors);
  EXPECT_TRUE(cases.empty());
  EXPECT_TRUE(has_error(errors, "cases.json", "/0/steps/0/expect/canonical"));
}

TEST(VectorsLoader, CaseWithInputAndStepsIsReported) {
  sequence_dir d;
  std::vector<load_error> errors;
  const auto cases =
      d.parse(R"("input": "y_a.edi", "steps": [{"wait_ms": 1}, {"wait_ms": 2}])", errors);
  EXPECT_TRUE(cases.empty());
  EXPECT_TRUE(has_error(errors, "cases.json", "/0"));
}

TEST(VectorsLoader, MissingStepFileIsFlaggedNotAnError) {
  sequence_dir d;
  std::vector<load_error> errors;
  const auto cases = d.parse(R"("steps": [{"send": "y_gone.edi", "expect": {"outcome": "accept"}},
      {"send": "y_a.edi", "expect": {"outcome": "accept"}}])",
                             errors);
  for (const auto& e : errors) ADD_FAILURE() << to_string(e);
  ASSERT_EQ(cases.size(), 1u);
  EXPECT_FALSE(cases[0].steps[0].file_found);
  EXPECT_TRUE(cases[0].steps[1].file_found);
}

TEST(VectorsLoader, ResultOverloadFailsWhenAnythingIsWrong) {
  const auto c = load_corpus(testdata() / "bad/vectors");
  ASSERT_TRUE(c.has_error());
  EXPECT_EQ(c.error().category().name(), std::string("apipnr.vectors"));
}

TEST(VectorsLoader, MissingRootIsNotADirectoryError) {
  const auto c = load_corpus(testdata() / "does-not-exist");
  ASSERT_TRUE(c.has_error());
  EXPECT_EQ(c.error(), make_error_code(load_errc::not_a_directory));
}

TEST(VectorsLoader, CatalogueLoadsEveryRequirement) {
  const auto cat = load_catalogue(testdata() / "good/specs/requirements");
  ASSERT_TRUE(cat.has_value());
  ASSERT_EQ(cat->items.size(), 4u);
  const requirement* r = cat->find("SYN-ENV-006");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->level, "MUST");
  EXPECT_EQ(r->side, "both");
  EXPECT_EQ(r->clause, "8.4");
  EXPECT_EQ(r->applies_to, std::vector<std::string>{"PAXLST"});
  EXPECT_EQ(r->notes, "fixture");
  EXPECT_EQ(cat->find("SYN-NOPE-001"), nullptr);
}

TEST(VectorsLoader, CatalogueEntryWithoutLevelIsReported) {
  std::vector<load_error> errors;
  const catalogue cat = load_catalogue(testdata() / "bad/specs/requirements", errors);
  EXPECT_TRUE(has_error(errors, "broken.json", "/requirements/0"));
  ASSERT_EQ(cat.items.size(), 1u);
  EXPECT_EQ(cat.items[0].id, "SYN-A-002");
}

TEST(VectorsManifest, PrefixGivesTheOutcome) {
  EXPECT_EQ(outcome_from_prefix("y_a.edi"), outcome::accept);
  EXPECT_EQ(outcome_from_prefix("n_a.edi"), outcome::reject);
  EXPECT_EQ(outcome_from_prefix("i_a.edi"), outcome::either);
  EXPECT_EQ(outcome_from_prefix("sub/n_a.edi"), outcome::reject);
  EXPECT_EQ(outcome_from_prefix("y_dir/a.edi"), std::nullopt);
  EXPECT_EQ(outcome_from_prefix("a.edi"), std::nullopt);
}

TEST(VectorsManifest, RequirementIdsAreDeduplicatedInOrder) {
  case_spec k;
  k.specification = {{"", "", "SYN-B", ""}, {"", "", "SYN-A", ""}, {"", "", "SYN-B", ""}};
  EXPECT_EQ(k.requirement_ids(), (std::vector<std::string>{"SYN-B", "SYN-A"}));
}

// expect.cusres and requires (vectors/README.md "expect.cusres", "Fixtures").
TEST(VectorsLoader, CusresExpectationAndRequiresAreRead) {
  const std::string text = R"([{"id": "edifact/messages/iapi/9", "description": "an iAPI answer",
    "specification": [{"req": "API-IAPI-FLOW-003"}], "input": "y_a.edi", "transports": ["http"],
    "profiles": ["p"], "level": "MUST", "confidence": "C",
    "requires": ["iapi-watchlist", "iapi-authorisations"],
    "expect": {"outcome": "accept", "cusres": {"document": "962",
      "transaction_reference": "TN1", "message_reference": "1", "common_access_reference": "CAR",
      "header": {"erc": "0"},
      "travellers": [{"abo": "0001", "avf": "ABC", "directive": "0Z"}, {"abo": "0002"}],
      "complete": true}}}])";
  std::vector<case_spec> out;
  std::vector<load_error> errors;
  parse_manifest(text, "/nowhere/cases.json", "/nowhere", out, errors);
  ASSERT_TRUE(errors.empty()) << to_string(errors.front());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].required_fixtures,
            (std::vector<std::string>{"iapi-watchlist", "iapi-authorisations"}));
  ASSERT_TRUE(out[0].expect.cusres);
  const cusres_expectation& x = *out[0].expect.cusres;
  EXPECT_EQ(x.document, "962");
  EXPECT_EQ(x.transaction_reference, "TN1");
  EXPECT_EQ(x.message_reference, "1");
  EXPECT_EQ(x.common_access_reference, "CAR");
  EXPECT_EQ(x.header_erc, "0");
  ASSERT_EQ(x.travellers.size(), 2u);
  EXPECT_EQ(x.travellers[0].avf, "ABC");
  EXPECT_EQ(x.travellers[0].directive, "0Z");
  EXPECT_TRUE(x.travellers[1].directive.empty());
  EXPECT_TRUE(x.complete);
}

TEST(VectorsLoader, CusresWithoutDocumentOrTravellerWithoutAboIsAnError) {
  const std::string text = R"([{"id": "edifact/messages/iapi/9", "description": "an iAPI answer",
    "specification": [{"req": "API-IAPI-FLOW-003"}], "input": "y_a.edi", "transports": ["http"],
    "profiles": ["p"], "level": "MUST", "confidence": "C",
    "expect": {"outcome": "accept", "cusres": {"travellers": [{"directive": "0Z"}]}}}])";
  std::vector<case_spec> out;
  std::vector<load_error> errors;
  parse_manifest(text, "/nowhere/cases.json", "/nowhere", out, errors);
  EXPECT_TRUE(out.empty());
  EXPECT_TRUE(has_error(errors, "cases.json", "/0/expect/cusres"));
  EXPECT_TRUE(has_error(errors, "cases.json", "/0/expect/cusres/travellers/0"));
}

}  // namespace
}  // namespace apipnr::vectors
