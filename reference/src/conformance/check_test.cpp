#include "apipnr/conformance/check.hpp"

#include <gtest/gtest.h>

#include <string>

#include "apipnr/edifact/parser.hpp"

namespace apipnr::conformance {
namespace {

constexpr std::string_view valid =
    "UNA:+.? 'UNB+UNOA:4+SENDER+RECIPIENT+240101:1200+REF1'UNH+1+PAXLST:D:05B:UN:IATA'"
    "BGM+745'NAD+FL+++O?'BRIEN:ANN'UNT+4+1'UNZ+1+REF1'";

vectors::case_spec make_case(std::string_view input, vectors::outcome o) {
  vectors::case_spec c;
  c.id = "unit/check/1";
  c.input = o == vectors::outcome::accept ? "y_unit.edi" : "n_unit.edi";
  c.manifest = "/unit/cases.json";
  c.input_found = true;
  c.tree_found = true;
  c.input_bytes = std::string(input);
  c.expect.result = o;
  return c;
}

TEST(ConformanceUciAction, ReadsActionWithDefaultServiceCharacters) {
  EXPECT_EQ(uci_action("UNB+UNOA:4+R+S+240101:1200+1'UNH+1+CONTRL:4:1:UN'UCI+REF1+S+R+7'"), 7);
}

TEST(ConformanceUciAction, ReadsActionWithUnaAndLineBreaks) {
  EXPECT_EQ(uci_action("UNA|*.? !\nUNB*UNOA|4*R*S!\nUCI*REF1*S|ZZ*R*4*20!\n"), 4);
}

TEST(ConformanceUciAction, NoUciGivesNothing) {
  EXPECT_EQ(uci_action("UNB+UNOA:4+R+S'UNZ+0+1'"), std::nullopt);
  EXPECT_EQ(uci_action(""), std::nullopt);
}

TEST(ConformanceUciAction, UciTagInsideAValueIsNotASegment) {
  EXPECT_EQ(uci_action("FTX+UCI+A+B+9'UCI+1+S+R+8'"), 8);
}

TEST(ConformanceTree, ValuesAreUnescapedAndSplitIntoComponents) {
  edifact::interchange ic;
  diagnostic_list findings;
  (void)edifact::parser{}.parse(valid, ic, findings);
  const auto tree = tree_of(ic);
  ASSERT_EQ(tree.size(), 6u);
  EXPECT_EQ(tree[0].tag, "UNB");
  EXPECT_EQ(tree[0].elements[0], (std::vector<std::string>{"UNOA", "4"}));
  EXPECT_EQ(tree[3].tag, "NAD");
  ASSERT_EQ(tree[3].elements.size(), 4u);
  EXPECT_EQ(tree[3].elements[1], std::vector<std::string>{""});
  EXPECT_EQ(tree[3].elements[3], (std::vector<std::string>{"O'BRIEN", "ANN"}));
}

TEST(ConformanceCheck, ValidInputMatchesAcceptCase) {
  const auto r = check_case(make_case(valid, vectors::outcome::accept));
  EXPECT_EQ(r.result, verdict::pass) << explain(make_case(valid, vectors::outcome::accept), r);
}

TEST(ConformanceCheck, ValidInputFailsRejectCaseAndSaysWhy) {
  const auto c = make_case(valid, vectors::outcome::reject);
  const auto r = check_case(c);
  EXPECT_EQ(r.result, verdict::fail);
  const std::string text = explain(c, r);
  EXPECT_NE(text.find("unit/check/1"), std::string::npos);
  EXPECT_NE(text.find("/unit/cases.json"), std::string::npos);
  EXPECT_NE(text.find("expected reject"), std::string::npos);
}

TEST(ConformanceCheck, MissingExpectedErrorIsAFailure) {
  auto c = make_case(valid, vectors::outcome::accept);
  c.expect.pass.emplace().warnings = {"EDI-NOT-THERE"};
  const auto r = check_case(c);
  ASSERT_EQ(r.failures.size(), 1u);
  EXPECT_NE(r.failures[0].find("EDI-NOT-THERE"), std::string::npos);
}

TEST(ConformanceCheck, WrongTreeIsAFailure) {
  auto c = make_case(valid, vectors::outcome::accept);
  c.tree = "y_unit.tree.json";
  c.tree_data.emplace().delimiters = ":+.? '";
  const auto r = check_case(c);
  ASSERT_EQ(r.failures.size(), 1u);
  EXPECT_NE(r.failures[0].find("6 segments, expected 0"), std::string::npos);
}

TEST(ConformanceCheck, EitherCaseIsInformational) {
  const auto r = check_case(make_case(valid, vectors::outcome::either));
  EXPECT_EQ(r.result, verdict::informational);
}

TEST(ConformanceCheck, RetiredCaseIsNotRun) {
  auto c = make_case(valid, vectors::outcome::reject);
  c.retired = true;
  EXPECT_EQ(check_case(c).result, verdict::retired);
}

TEST(ConformanceCheck, MissingInputIsAFailure) {
  auto c = make_case(valid, vectors::outcome::accept);
  c.input_found = false;
  EXPECT_EQ(check_case(c).result, verdict::fail);
}

TEST(ConformanceDescribe, NamesIdCodeLevelScopeAndPosition) {
  diagnostic d;
  d.id = "EDI-UNT-COUNT";
  d.syntax_error = 29;
  d.level = severity::error;
  d.where = scope::message;
  d.pos.segment = 4;
  d.pos.element = 1;
  EXPECT_EQ(describe(d),
            "EDI-UNT-COUNT 0085=29 error scope=message seg=4 mseg=0 el=1 comp=0 rep=0 off=0");
}

}  // namespace
}  // namespace apipnr::conformance
