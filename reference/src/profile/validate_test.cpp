#include "apipnr/profile/validate.hpp"

#include <chrono>
#include <iostream>
#include <string>

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace apipnr::profile {
namespace {

using testing::a1;
using testing::a1_with;
using testing::count;
using testing::find;
using testing::run;
using testing::shipped;

// ---- the reference message is clean --------------------------------------------------------

TEST(ProfileValidate, AppendixA1PassesBaseline) {
  auto r = run(std::string(a1), shipped("baseline"));
  EXPECT_FALSE(r.structural.has_errors());
  for (const auto& d : r.findings.items()) ADD_FAILURE() << d.id << ": " << d.detail;
}

TEST(ProfileValidate, AppendixA1UnderUsReportsOnlyUsDifferences) {
  // A.1 is not a US message: recipient PIUTEST, an apostrophe in O'BRIEN, no LOC 22.
  auto r = run(std::string(a1), shipped("us"));
  std::vector<std::string_view> ids;
  for (const auto& d : r.findings.items()) ids.push_back(d.id);
  EXPECT_EQ(ids,
            (std::vector<std::string_view>{"PRF-ENV-RECIPIENT", "PROF-US-003", "PROF-US-008"}));
}

// ---- check kinds ---------------------------------------------------------------------------

TEST(ProfileValidate, CodesRejectsGenderOutsideList) {
  auto r = run(a1_with("ATT+2++F'", "ATT+2++Q'"), shipped("baseline"));
  const diagnostic* d = find(r.findings, "BASE-PAXLST-035");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->code, make_error_code(errc::rule_codes));
  EXPECT_EQ(d->requirement, "API-PAXLST-ATT-002");
  EXPECT_EQ(d->level, severity::error);
  EXPECT_EQ(d->where, scope::component);
  EXPECT_EQ(d->pos.message_segment, 12u);  // UNH=1 ... ATT is the 12th segment
  EXPECT_EQ(d->pos.segment, 14u);          // UNB=1, UNG=2
  EXPECT_EQ(d->pos.element, 3);
  EXPECT_EQ(d->pos.component, 1);
}

TEST(ProfileValidate, CodesWithDefinitionListRemoveFires) {
  // BASE-PAXLST-051: travel_document_type minus N and B.
  auto r = run(a1_with("DOC+P:110:111", "DOC+N:110:111"), shipped("baseline"));
  const diagnostic* d = find(r.findings, "BASE-PAXLST-051");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->level, severity::error);
}

TEST(ProfileValidate, CodesByQualifierFromDefinition) {
  // BASE-PAXLST-003: the 745 subtype list does not hold ZZ.
  auto bad = run(a1_with("BGM+745'", "BGM+745+ZZ'"), shipped("baseline"));
  EXPECT_NE(find(bad.findings, "BASE-PAXLST-003"), nullptr);
  auto good = run(a1_with("BGM+745'", "BGM+745+CP'"), shipped("baseline"));
  EXPECT_EQ(find(good.findings, "BASE-PAXLST-003"), nullptr);
}

TEST(ProfileValidate, PatternRejectsNonLetterAirport) {
  auto r = run(a1_with("LOC+125+LHR'", "LOC+125+LH1'"), shipped("baseline"));
  const diagnostic* d = find(r.findings, "BASE-PAXLST-026");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->code, make_error_code(errc::rule_pattern));
  EXPECT_EQ(d->level, severity::error);
  EXPECT_EQ(d->pos.message_segment, 7u);
}

TEST(ProfileValidate, MaxLengthRejectsLongDocumentNumber) {
  const std::string number(36, '1');
  auto r = run(a1_with("+PA1234567'", "+" + number + "'"), shipped("baseline"));
  const diagnostic* d = find(r.findings, "BASE-PAXLST-053");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->code, make_error_code(errc::rule_max_length));
  EXPECT_EQ(d->pos.element, 2);
}

TEST(ProfileValidate, MaxLengthCountsUnescapedCharacters) {
  // 35 characters after the release characters are removed: no finding.
  const std::string number = std::string(33, '1') + "?+?+";
  auto r = run(a1_with("+PA1234567'", "+" + number + "'"), shipped("baseline"));
  EXPECT_EQ(find(r.findings, "BASE-PAXLST-053"), nullptr);
}

TEST(ProfileValidate, RequiredWarnsOnMissingCnt) {
  auto r = run(a1_with("CNT+42:1'\n", ""), shipped("baseline"));
  const diagnostic* d = find(r.findings, "BASE-PAXLST-060");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->code, make_error_code(errc::rule_required));
  EXPECT_EQ(d->level, severity::warning);
  EXPECT_EQ(d->where, scope::message);
  EXPECT_EQ(d->pos.message_segment, 1u);
}

TEST(ProfileValidate, RequiredElementWithWhenFiresOnlyWhenConditionHolds) {
  // BASE-PAXLST-004: subtype required for 266.
  auto r266 = run(a1_with("BGM+745'", "BGM+266'"), shipped("baseline"));
  EXPECT_NE(find(r266.findings, "BASE-PAXLST-004"), nullptr);
  auto r745 = run(std::string(a1), shipped("baseline"));
  EXPECT_EQ(find(r745.findings, "BASE-PAXLST-004"), nullptr);
}

TEST(ProfileValidate, ForbiddenSegmentWithWhenWarns) {
  // BASE-PAXLST-055: crew document AC on a passenger (FL).
  auto r = run(a1_with("DOC+P:110:111", "DOC+AC:110:111"), shipped("baseline"));
  const diagnostic* d = find(r.findings, "BASE-PAXLST-055");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->code, make_error_code(errc::rule_forbidden));
  EXPECT_EQ(d->level, severity::warning);
  EXPECT_EQ(d->pos.message_segment, 19u);
  // Same document on a crew member: the condition does not hold.
  auto crew = run(a1_with("NAD+FL+", "NAD+FM+"), shipped("baseline"));
  EXPECT_EQ(find(crew.findings, "BASE-PAXLST-055"), nullptr);
}

TEST(ProfileValidate, ForbiddenWithAcceptIsNotReported) {
  // BASE-PAXLST-023 forbids SG2/DTM with severity accept.
  const std::string text =
      a1_with("TDT+20+XX123+++XX'\n", "TDT+20+XX123+++XX'\nDTM+136:2503011100:201'\n");
  auto r = run(text, shipped("baseline"));
  EXPECT_EQ(find(r.findings, "BASE-PAXLST-023"), nullptr);
  validate_options opt;
  opt.report_accepted = true;
  auto shown = run(text, shipped("baseline"), opt);
  const diagnostic* d = find(shown.findings, "BASE-PAXLST-023");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->level, severity::info);
}

TEST(ProfileValidate, CountBelowMinPerGroupInstance) {
  // BASE-PAXLST-036: DTM+329 missing for a traveller.
  auto r = run(a1_with("DTM+329:850412'\n", ""), shipped("baseline"));
  const diagnostic* d = find(r.findings, "BASE-PAXLST-036");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->code, make_error_code(errc::rule_count));
  EXPECT_EQ(d->where, scope::segment);
  EXPECT_EQ(d->pos.message_segment, 11u);  // the traveller's NAD
}

TEST(ProfileValidate, CountAboveMax) {
  auto r = run(a1_with("ATT+2++F'\n", "ATT+2++F'\nATT+2++F'\n"), shipped("baseline"));
  EXPECT_EQ(count(r.findings, "BASE-PAXLST-034"), 1u);
}

TEST(ProfileValidate, CountEvenOnRoutingPoints) {
  auto r = run(a1_with("LOC+87+JFK'", "LOC+92+JFK'"), shipped("baseline"));
  // One LOC 92 per SG3 instance, so each instance holds an odd count of 1.
  EXPECT_GE(count(r.findings, "BASE-PAXLST-028"), 1u);
  EXPECT_EQ(count(run(std::string(a1), shipped("baseline")).findings, "BASE-PAXLST-028"), 0u);
}

TEST(ProfileValidate, DateRelationFlagsExpiredDocument) {
  // BASE-PAXLST-056: expiry before the departure (2025-03-01) is a warning.
  auto r = run(a1_with("DTM+36:300101'", "DTM+36:200101'"), shipped("baseline"));
  const diagnostic* d = find(r.findings, "BASE-PAXLST-056");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->code, make_error_code(errc::rule_date_relation));
  EXPECT_EQ(d->level, severity::warning);
  EXPECT_EQ(d->pos.element, 1);
  EXPECT_EQ(d->pos.component, 2);
}

TEST(ProfileValidate, DateRelationRejectsUnparsableBirthDate) {
  auto r = run(a1_with("DTM+329:850412'", "DTM+329:851342'"), shipped("baseline"));
  const diagnostic* d = find(r.findings, "BASE-PAXLST-038");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->level, severity::error);
}

TEST(ProfileValidate, TotalMatchesWarnsOnWrongCount) {
  auto r = run(a1_with("CNT+42:1'", "CNT+42:2'"), shipped("baseline"));
  const diagnostic* d = find(r.findings, "BASE-PAXLST-062");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->code, make_error_code(errc::rule_total_matches));
  EXPECT_EQ(d->level, severity::warning);
}

TEST(ProfileValidate, TotalMatchesSkippedOnNonFinalPart) {
  auto r =
      run(a1_with("CNT+42:1'", "CNT+42:2'").replace(std::string(a1).find("+01:F'"), 6, "+01:C'"),
          shipped("baseline"));
  EXPECT_EQ(find(r.findings, "BASE-PAXLST-062"), nullptr);
}

// ---- envelope -------------------------------------------------------------------------------

TEST(ProfileValidate, UsRequiresUng) {
  std::string text(a1);
  text.erase(text.find("UNG+"), text.find("UNH+") - text.find("UNG+"));
  text.erase(text.find("UNE+"), std::string("UNE+1+1'\n").size());
  auto r = run(text, shipped("us"));
  const diagnostic* d = find(r.findings, "PRF-ENV-UNG");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->code, make_error_code(errc::envelope_ung_required));
  EXPECT_EQ(d->level, severity::error);
  EXPECT_EQ(d->pos.message_segment, 1u);
  EXPECT_EQ(find(run(text, shipped("baseline")).findings, "PRF-ENV-UNG"), nullptr);
}

TEST(ProfileValidate, UkRejectsUnknownApplicationReference) {
  const std::string text = a1_with("+1001++APIS'", "+1001++TYBS'");
  auto r = run(text, shipped("uk"));
  const diagnostic* d = find(r.findings, "PRF-ENV-APP-REF");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->where, scope::interchange);
  EXPECT_EQ(d->pos.segment, 1u);
  EXPECT_EQ(d->pos.element, 7);
  EXPECT_EQ(find(run(text, shipped("baseline")).findings, "PRF-ENV-APP-REF"), nullptr);
  EXPECT_EQ(find(run(a1_with("+1001++APIS'", "+1001++UKBAOP'"), shipped("uk")).findings,
                 "PRF-ENV-APP-REF"),
            nullptr);
}

TEST(ProfileValidate, UsRejectsRecipientAndDirectoryOutsideLists) {
  auto r = run(std::string(a1), shipped("us"));
  EXPECT_EQ(find(r.findings, "PRF-ENV-DIRECTORY"), nullptr);
  std::string d12 = std::string(a1);
  for (std::size_t at; (at = d12.find("D:05B")) != std::string::npos;) d12.replace(at, 5, "D:12B");
  EXPECT_NE(find(run(d12, shipped("us")).findings, "PRF-ENV-DIRECTORY"), nullptr);
  EXPECT_EQ(find(run(d12, shipped("baseline")).findings, "PRF-ENV-DIRECTORY"), nullptr);
}

// ---- country profiles -----------------------------------------------------------------------

TEST(ProfileValidate, UsRejectsDashInDocumentNumber) {
  auto r = run(a1_with("+PA1234567'", "+PA-1234567'"), shipped("us"));
  const diagnostic* d = find(r.findings, "PROF-US-002");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->requirement, "API-PAXLST-DOC-009");
  EXPECT_EQ(d->level, severity::error);
  EXPECT_EQ(find(run(a1_with("+PA1234567'", "+PA-1234567'"), shipped("baseline")).findings,
                 "PROF-US-002"),
            nullptr);
}

TEST(ProfileValidate, UsCrewGenderMustBeMOrF) {
  std::string crew_x = a1_with("NAD+FL+", "NAD+FM+");
  crew_x.replace(crew_x.find("ATT+2++F'"), 9, "ATT+2++X'");
  auto r = run(crew_x, shipped("us"));
  EXPECT_NE(find(r.findings, "PROF-US-005"), nullptr);
  // X on a passenger (FL) is fine under the US crew rule.
  EXPECT_EQ(find(run(a1_with("ATT+2++F'", "ATT+2++X'"), shipped("us")).findings, "PROF-US-005"),
            nullptr);
}

TEST(ProfileValidate, UsAgencyWarnsButCnAcceptsZzz) {
  const std::string zzz = a1_with("DOC+P:110:111", "DOC+P:110:ZZZ");
  const diagnostic* us = find(run(zzz, shipped("us")).findings, "PROF-US-007");
  ASSERT_NE(us, nullptr);
  EXPECT_EQ(us->level, severity::warning);
  auto cn = run(zzz, shipped("cn"));
  EXPECT_EQ(find(cn.findings, "PROF-CN-002"), nullptr);
  EXPECT_NE(find(run(std::string(a1), shipped("cn")).findings, "PROF-CN-002"), nullptr);
}

TEST(ProfileValidate, OverlayCodesNarrowOnTopOfBaseline) {
  // G (group passport) is in the baseline list but not in the US list.
  auto r = run(a1_with("DOC+P:110:111", "DOC+G:110:111"), shipped("us"));
  EXPECT_NE(find(r.findings, "PROF-US-001"), nullptr);
  EXPECT_EQ(find(r.findings, "BASE-PAXLST-051"), nullptr);
}

TEST(ProfileValidate, UsOverrideAllowsOverflight) {
  const std::string text = a1_with("TDT+20+", "TDT+34+");
  EXPECT_NE(find(run(text, shipped("baseline")).findings, "BASE-PAXLST-020"), nullptr);
  EXPECT_EQ(find(run(text, shipped("us")).findings, "BASE-PAXLST-020"), nullptr);
}

// ---- a state writes its own overlay --------------------------------------------------------

const profile& state_overlay() {
  static const profile p = [] {
    const auto file = testing::write_file("state", "zz.json", R"({
      "format_version": 1, "profile": "zz", "extends": "baseline", "title": "State ZZ",
      "confidence": "C",
      "envelope": {"application_reference": ["ZZAPI"], "severity": "warn"},
      "overrides": [{"id": "BASE-PAXLST-036", "severity": "reject"}],
      "rules": [
        {"id": "PROF-ZZ-001", "requirement": "API-PAXLST-DOC-004", "applies_to": "PAXLST",
         "select": "SG4/SG5/DOC[V]", "check": "forbidden", "severity": "reject",
         "text": "Visas are not accepted as travel documents.", "confidence": "C"},
        {"id": "PROF-ZZ-002", "requirement": "API-PAXLST-ATT-002", "applies_to": "PAXLST",
         "select": "SG4/ATT/@3.1", "check": "codes", "args": {"list": "gender", "remove": ["U", "X"]},
         "severity": "reject", "text": "Gender is M or F.", "confidence": "C"},
        {"id": "PROF-ZZ-003", "applies_to": "PAXLST", "select": "SG4/NAD/@4.1",
         "check": "min_length", "args": {"value": 2}, "severity": "warn",
         "text": "Surname of one letter.", "confidence": "I"},
        {"id": "PROF-ZZ-004", "applies_to": "PAXLST", "select": "SG2/TDT/@5.1",
         "check": "equals", "args": {"value": "XX"}, "severity": "warn",
         "text": "Carrier must be XX.", "confidence": "I"},
        {"id": "PROF-ZZ-005", "applies_to": "PAXLST", "select": "SG4/SG5/DTM[36]/@1.2",
         "check": "date_valid", "args": {"format": "YYMMDD"}, "severity": "reject",
         "text": "Expiry is a real date.", "confidence": "C"},
        {"id": "PROF-ZZ-006", "applies_to": "PAXLST", "select": "SG4/NAT/@2.1",
         "check": "forbidden", "when": [{"select": "SG4/RFF[ABO]", "present": false}],
         "severity": "warn", "text": "Nationality without booking reference.", "confidence": "I"}
      ]})");
    load_options o;
    o.search_path.push_back(testing::profiles_dir());
    return load_profile(file, testing::defs(), o).value();
  }();
  return p;
}

TEST(ProfileStateOverlay, ForbidsVisaDocument) {
  auto r = run(a1_with("DOC+P:110:111", "DOC+V:110:111"), state_overlay());
  const diagnostic* d = find(r.findings, "PROF-ZZ-001");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->requirement, "API-PAXLST-DOC-004");
  EXPECT_EQ(d->level, severity::error);
  EXPECT_EQ(find(run(std::string(a1), state_overlay()).findings, "PROF-ZZ-001"), nullptr);
}

TEST(ProfileStateOverlay, RequiresDateOfBirthAsReject) {
  auto r = run(a1_with("DTM+329:850412'\n", ""), state_overlay());
  const diagnostic* d = find(r.findings, "BASE-PAXLST-036");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->level, severity::error);
}

TEST(ProfileStateOverlay, RestrictsGenderCodes) {
  auto r = run(a1_with("ATT+2++F'", "ATT+2++U'"), state_overlay());
  EXPECT_NE(find(r.findings, "PROF-ZZ-002"), nullptr);
  EXPECT_EQ(find(r.findings, "BASE-PAXLST-035"), nullptr);  // U is fine for the baseline
}

TEST(ProfileStateOverlay, MinLengthFires) {
  auto r = run(a1_with("O?'BRIEN", "O"), state_overlay());
  const diagnostic* d = find(r.findings, "PROF-ZZ-003");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->code, make_error_code(errc::rule_min_length));
  EXPECT_EQ(d->requirement, "RCV-PROF-001");  // the rule names none: the PRF default
  EXPECT_EQ(find(run(std::string(a1), state_overlay()).findings, "PROF-ZZ-003"), nullptr);
}

TEST(ProfileStateOverlay, EqualsFiresOnOtherCarrier) {
  EXPECT_EQ(find(run(std::string(a1), state_overlay()).findings, "PROF-ZZ-004"), nullptr);
  auto r = run(a1_with("TDT+20+XX123+++XX'", "TDT+20+XX123+++YY'"), state_overlay());
  const diagnostic* d = find(r.findings, "PROF-ZZ-004");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->code, make_error_code(errc::rule_equals));
}

TEST(ProfileStateOverlay, DateValidRejectsFebruary30) {
  auto r = run(a1_with("DTM+36:300101'", "DTM+36:300230'"), state_overlay());
  const diagnostic* d = find(r.findings, "PROF-ZZ-005");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->code, make_error_code(errc::rule_date_valid));
  EXPECT_EQ(find(run(std::string(a1), state_overlay()).findings, "PROF-ZZ-005"), nullptr);
}

TEST(ProfileStateOverlay, WhenPresentFalseCondition) {
  EXPECT_EQ(find(run(std::string(a1), state_overlay()).findings, "PROF-ZZ-006"), nullptr);
  auto r = run(a1_with("RFF+ABO:0001'\n", ""), state_overlay());
  EXPECT_NE(find(r.findings, "PROF-ZZ-006"), nullptr);
}

TEST(ProfileStateOverlay, EnvelopeSeverityWarn) {
  auto r = run(std::string(a1), state_overlay());
  const diagnostic* d = find(r.findings, "PRF-ENV-APP-REF");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->level, severity::warning);
}

// ---- syntax table and the structure hook ---------------------------------------------------

TEST(ProfileSyntax, BaselineTrailingSeparatorIsWarning) {
  edifact::parser p;  // strict: the syntax engine reports an error
  edifact::interchange ic;
  diagnostic_list raw;
  const std::string text = a1_with("BGM+745'", "BGM+745+'");
  p.parse(text, ic, raw);
  ASSERT_TRUE(raw.contains(edifact::errc::trailing_separator));
  diagnostic_list out;
  syntax_sink s(shipped("baseline"), out);
  edifact::interchange ic2;
  p.parse(text, ic2, s);
  bool seen = false;
  for (const auto& d : out.items()) {
    if (d.code == edifact::errc::trailing_separator) {
      seen = true;
      EXPECT_EQ(d.level, severity::warning);
      EXPECT_EQ(d.syntax_error, 45);
    }
  }
  EXPECT_TRUE(seen);
}

TEST(ProfileSyntax, AcceptedConditionIsDropped) {
  const auto file = testing::write_file("syntax", "zy.json", R"({
    "format_version": 1, "profile": "zy", "extends": "baseline", "title": "t", "confidence": "C",
    "syntax": {"trailing_separator": {"severity": "accept"}}})");
  load_options o;
  o.search_path.push_back(testing::profiles_dir());
  const profile prof = load_profile(file, testing::defs(), o).value();
  diagnostic_list out;
  syntax_sink s(prof, out);
  edifact::parser p;
  edifact::interchange ic;
  p.parse(a1_with("BGM+745'", "BGM+745+'"), ic, s);
  EXPECT_FALSE(out.contains(edifact::errc::trailing_separator));
}

TEST(ProfileSyntax, RequiredRuleSetsMissingMandatorySeverity) {
  const profile& base = shipped("baseline");
  const message::definition* pnr = base.definitions().find("PNRGOV", "13", "1");
  ASSERT_NE(pnr, nullptr);
  const message::node* rci = pnr->find_node("SG1/RCI");
  ASSERT_NE(rci, nullptr);
  auto hook = missing_severity(base);
  EXPECT_EQ(hook(*rci), severity::warning);  // BASE-PNRGOV-006
  const message::node* msg = pnr->find_node("MSG");
  ASSERT_NE(msg, nullptr);
  EXPECT_EQ(hook(*msg), severity::error);  // syntax table missing_mandatory: reject
}

TEST(ProfileSyntax, SyntaxKeysCoverTheTable) {
  EXPECT_EQ(syntax_key(edifact::errc::trailing_separator), "trailing_separator");
  EXPECT_EQ(syntax_key(edifact::errc::lowercase_in_level_a), "lowercase_in_unoa");
  EXPECT_EQ(syntax_key(message::errc::unknown_segment), "unknown_segment");
  EXPECT_EQ(syntax_key(message::errc::missing_segment), "");
}

// ---- cost -------------------------------------------------------------------------------------

// A.1 with `n` copies of its traveller group (each a full A.1 traveller with its own ABO).
std::string many_travellers(std::size_t n) {
  const std::string_view head_end = "DTM+232:2503011400:201'\n";
  const std::string_view text(a1);
  const std::size_t body = text.find(head_end) + head_end.size();
  const std::size_t tail = text.find("CNT+42:1'");
  std::string out(text.substr(0, body));
  const std::string traveller(text.substr(body, tail - body));  // 11 segments
  out.reserve(out.size() + n * traveller.size() + 64);
  for (std::size_t k = 0; k < n; ++k) {
    std::string t = traveller;
    const std::string abo = "RFF+ABO:0001'";
    t.replace(t.find(abo), abo.size(), "RFF+ABO:" + std::to_string(k + 1) + "'");
    out += t;
  }
  out += "CNT+42:" + std::to_string(n) + "'\n";
  // UNH, 4 header segments, 5 flight segments, 11 per traveller, CNT, UNT.
  out += "UNT+" + std::to_string(1 + 4 + 5 + 11 * n + 2) + "+1'\nUNE+1+1'\nUNZ+1+1001'\n";
  return out;
}

TEST(ProfileValidateCost, TwentyThousandTravellersValidateInLinearTime) {
  // Rules with a `when` on the header or a path from the message root used to rescan the whole
  // message for every traveller (quadratic: tens of seconds at 100,000 travellers). The bound
  // is generous for a loaded CI machine; an optimised build takes a small fraction of it.
  constexpr std::size_t travellers = 20000;
  const std::string text = many_travellers(travellers);
  const profile& prof = shipped("baseline");
  validate_options opt;
  opt.today = model::calendar_date{2025, 3, 1};
  diagnostic_list structural;
  edifact::parser p;
  edifact::interchange ic;
  p.parse(text, ic, structural);
  message::message_tree tree;
  message::parse_structure(ic, 0, prof.definitions(), structural, tree,
                           structure_options_for(prof));
  ASSERT_FALSE(structural.has_errors());
  ASSERT_EQ(tree.instances.size(), 1 + 1 + 1 + 2 + 2 * travellers);  // root SG1 SG2 SG3x2 SG4+SG5
  diagnostic_list findings;
  const auto start = std::chrono::steady_clock::now();
  validate(ic, 0, tree, prof, findings, opt);
  const auto elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start);
  std::cout << "validate: " << travellers << " travellers in " << elapsed.count() << " s\n";
  RecordProperty("validate_seconds", std::to_string(elapsed.count()));
  for (const auto& d : findings.items()) ADD_FAILURE() << d.id << ": " << d.detail;
  EXPECT_LT(elapsed.count(), 2.0);
}

}  // namespace
}  // namespace apipnr::profile
