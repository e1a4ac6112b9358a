#include "apipnr/profile/profile.hpp"

#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace apipnr::profile {
namespace {

using testing::defs;
using testing::profiles_dir;
using testing::write_file;

load_options search_specs() {
  load_options o;
  o.search_path.push_back(profiles_dir());
  return o;
}

TEST(ProfileLoad, BaselineLoadsWithEveryRule) {
  auto p = load_named_profile("baseline", profiles_dir(), defs());
  ASSERT_TRUE(p) << p.error().to_string();
  EXPECT_EQ(p->name(), "baseline");
  EXPECT_EQ(p->chain(), (std::vector<std::string>{"baseline"}));
  EXPECT_NE(p->find_rule("BASE-PAXLST-038"), nullptr);
  EXPECT_NE(p->find_rule("BASE-CONTRL-004"), nullptr);
  EXPECT_GT(p->rules().size(), 60u);
}

class ProfileOverlay : public ::testing::TestWithParam<const char*> {};

TEST_P(ProfileOverlay, LoadsOnBaseline) {
  auto p = load_named_profile(GetParam(), profiles_dir(), defs());
  ASSERT_TRUE(p) << p.error().to_string();
  EXPECT_EQ(p->chain(), (std::vector<std::string>{"baseline", GetParam()}));
  // Baseline rules are inherited.
  EXPECT_NE(p->find_rule("BASE-PAXLST-001"), nullptr);
}

INSTANTIATE_TEST_SUITE_P(Shipped, ProfileOverlay,
                         ::testing::Values("us", "uk", "cn", "in", "kr", "es"));

TEST(ProfileLoad, OverridePatchesArgsAndTextOfBaselineRule) {
  const profile& us = testing::shipped("us");
  const rule* r = us.find_rule("BASE-PAXLST-020");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->args.values, (std::vector<std::string>{"20", "34"}));
  EXPECT_EQ(r->text, "US allows overflight (34).");
  // The baseline itself is untouched.
  EXPECT_EQ(testing::shipped("baseline").find_rule("BASE-PAXLST-020")->args.values,
            (std::vector<std::string>{"20"}));
}

TEST(ProfileLoad, EnvelopeKeysReplaceAndPerTypeTablesMerge) {
  const profile& us = testing::shipped("us");
  EXPECT_TRUE(us.envelope().ung_required);
  EXPECT_EQ(us.envelope().application_reference, (std::vector<std::string>{"APIS"}));
  // directories: PAXLST replaced, CUSRES kept from the baseline.
  bool cusres = false;
  for (const auto& [type, list] : us.envelope().directories) {
    if (type == "PAXLST") {
      EXPECT_EQ(list, (std::vector<std::string>{"D:02B", "D:05B"}));
    }
    if (type == "CUSRES") cusres = true;
  }
  EXPECT_TRUE(cusres);
  EXPECT_FALSE(testing::shipped("baseline").envelope().ung_required);
}

TEST(ProfileLoad, PnrPushWindowOfTheEuOverlayAndSeverityOverlay) {
  EXPECT_FALSE(testing::shipped("baseline").pnr_push().schedule);
  const auto& eu = testing::shipped("eu").pnr_push();
  ASSERT_TRUE(eu.schedule);
  EXPECT_EQ(eu.schedule->requirement, "EU-PNR-PUSH-001");
  EXPECT_EQ(eu.schedule->earliest_hours, 48u);
  EXPECT_EQ(eu.schedule->latest_hours, 24u);
  const auto file = write_file("pnr-push-strict", "strict.json", R"({"format_version": 1,
      "profile": "strict", "extends": "eu", "title": "t", "confidence": "C",
      "pnr_push": {"severity": {"PNR-GOV-PUSH-002": "reject"}}})");
  auto p = load_profile(file, defs(), search_specs());
  ASSERT_TRUE(p) << p.error().to_string();
  ASSERT_EQ(p->pnr_push().severity.size(), 1u);
  EXPECT_EQ(p->pnr_push().severity[0].second, rule_severity::reject);
  EXPECT_TRUE(p->pnr_push().schedule);  // kept from eu
  const auto bad = write_file("pnr-push-bad", "bad.json", R"({"format_version": 1,
      "profile": "bad", "extends": "baseline", "title": "t", "confidence": "C",
      "pnr_push": {"window": {"requirement": "EU-PNR-PUSH-001", "earliest_hours": 12}}})");
  auto b = load_profile(bad, defs(), search_specs());
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().pointer, "/pnr_push/window");
}

TEST(ProfileLoad, SyntaxTableFromBaseline) {
  const syntax_entry* e = testing::shipped("uk").syntax("trailing_separator");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->severity, rule_severity::warn);
  EXPECT_EQ(e->contrl_code, 45);
}

TEST(ProfileLoad, OverlayRuleWithParentIdReplacesIt) {
  const auto file = write_file("replace", "xa.json", R"({
    "format_version": 1, "profile": "xa", "extends": "baseline", "title": "t", "confidence": "C",
    "rules": [{"id": "BASE-PAXLST-035", "applies_to": "PAXLST", "select": "SG4/ATT/@3.1",
               "check": "codes", "args": {"values": ["M", "F"]}, "severity": "warn",
               "text": "replaced", "confidence": "C"}]})");
  auto p = load_profile(file, defs(), search_specs());
  ASSERT_TRUE(p) << p.error().to_string();
  const rule* r = p->find_rule("BASE-PAXLST-035");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->severity, rule_severity::warn);
  EXPECT_EQ(r->text, "replaced");
  EXPECT_EQ(r->origin_file, file.string());
  EXPECT_EQ(p->rules().size(), testing::shipped("baseline").rules().size());
}

TEST(ProfileLoad, OverrideCanDisableRule) {
  const auto file = write_file("disable", "xb.json", R"({
    "format_version": 1, "profile": "xb", "extends": "baseline", "title": "t", "confidence": "C",
    "overrides": [{"id": "BASE-PAXLST-060", "enabled": false, "severity": "reject"}]})");
  auto p = load_profile(file, defs(), search_specs());
  ASSERT_TRUE(p) << p.error().to_string();
  EXPECT_FALSE(p->find_rule("BASE-PAXLST-060")->enabled);
  EXPECT_EQ(p->find_rule("BASE-PAXLST-060")->severity, rule_severity::reject);
}

TEST(ProfileLoad, UnknownOverrideIdNamesFileAndPointer) {
  const auto file = write_file("unknown-override", "xc.json", R"({
    "format_version": 1, "profile": "xc", "extends": "baseline", "title": "t", "confidence": "C",
    "overrides": [{"id": "BASE-PAXLST-999", "severity": "warn"}]})");
  auto p = load_profile(file, defs(), search_specs());
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().code, make_error_code(errc::load_unknown_override));
  EXPECT_EQ(p.error().file, file.string());
  EXPECT_EQ(p.error().pointer, "/overrides/0/id");
}

// One broken rule per case: the error code and the JSON pointer it must name.
struct bad_rule_case {
  const char* name;
  const char* rule;
  errc code;
  const char* pointer;
};

class ProfileBadRule : public ::testing::TestWithParam<bad_rule_case> {};

TEST_P(ProfileBadRule, IsALoadErrorWithPointer) {
  const bad_rule_case& c = GetParam();
  const std::string text = std::string(R"({"format_version": 1, "profile": "bad", "extends":
      "baseline", "title": "t", "confidence": "C", "rules": [)") +
                           c.rule + "]}";
  const auto file = write_file(std::string("bad-") + c.name, "bad.json", text);
  auto p = load_profile(file, defs(), search_specs());
  ASSERT_FALSE(p) << c.name;
  EXPECT_EQ(p.error().code, make_error_code(c.code)) << p.error().to_string();
  EXPECT_EQ(p.error().pointer, c.pointer) << p.error().to_string();
  EXPECT_EQ(p.error().file, file.string());
}

#define RULE_HEAD \
  R"("id": "PROF-XX-001", "applies_to": "PAXLST", "severity": "warn", "text": "t", "confidence": "C", )"

INSTANTIATE_TEST_SUITE_P(
    Cases, ProfileBadRule,
    ::testing::Values(
        bad_rule_case{"UnknownCheck",
                      "{" RULE_HEAD R"("select": "BGM/@1.1", "check": "spelling")"
                      "}",
                      errc::load_unknown_check, "/rules/0/check"},
        bad_rule_case{"MissingRegex",
                      "{" RULE_HEAD R"("select": "BGM/@1.1", "check": "pattern", "args": {})"
                      "}",
                      errc::load_bad_args, "/rules/0/args/regex"},
        bad_rule_case{"BadRegex",
                      "{" RULE_HEAD
                      R"("select": "BGM/@1.1", "check": "pattern", "args": {"regex": "(["})"
                      "}",
                      errc::load_bad_regex, "/rules/0/args/regex"},
        bad_rule_case{"ExtraArg",
                      "{" RULE_HEAD
                      R"("select": "BGM/@1.1", "check": "max_length", "args": {"value": 3, "x": 1})"
                      "}",
                      errc::load_bad_args, "/rules/0/args/x"},
        bad_rule_case{"BadGrammar",
                      "{" RULE_HEAD R"("select": "SG4//NAD", "check": "required")"
                      "}",
                      errc::load_bad_path, "/rules/0/select"},
        bad_rule_case{"Unresolvable",
                      "{" RULE_HEAD R"("select": "SG4/XYZ/@1", "check": "required")"
                      "}",
                      errc::load_unresolved_path, "/rules/0/select"},
        bad_rule_case{
            "UnresolvableWhen",
            "{" RULE_HEAD
            R"("select": "BGM/@1.1", "check": "required", "when": [{"select": "SG9/NAD/@1", "in": ["FL"]}])"
            "}",
            errc::load_unresolved_path, "/rules/0/when/0/select"},
        bad_rule_case{"UnknownCodeList",
                      "{" RULE_HEAD
                      R"("select": "BGM/@1.1", "check": "codes", "args": {"list": "no_such_list"})"
                      "}",
                      errc::load_unknown_code_list, "/rules/0/args/list"},
        bad_rule_case{"NoComponent",
                      "{" RULE_HEAD R"("select": "DOC/@1.9", "check": "required")"
                      "}",
                      errc::load_unresolved_path, "/rules/0/select"}),
    [](const ::testing::TestParamInfo<bad_rule_case>& i) { return std::string(i.param.name); });

TEST(ProfileLoad, MissingParentIsAnError) {
  const auto file = write_file("orphan", "xd.json", R"({
    "format_version": 1, "profile": "xd", "extends": "nowhere", "title": "t", "confidence": "C"})");
  auto p = load_profile(file, defs(), search_specs());
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().code, make_error_code(errc::load_unknown_parent));
  EXPECT_EQ(p.error().pointer, "/extends");
}

TEST(ProfileLoad, ExtendsCycleIsAnError) {
  write_file("cycle", "ya.json", R"({"format_version": 1, "profile": "ya", "extends": "yb",
    "title": "t", "confidence": "C"})");
  const auto file = write_file("cycle", "yb.json", R"({"format_version": 1, "profile": "yb",
    "extends": "ya", "title": "t", "confidence": "C"})");
  auto p = load_profile(file, defs());
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().code, make_error_code(errc::load_extends_cycle));
}

TEST(ProfileLoad, NameMustMatchFileName) {
  const auto file = write_file("name", "xe.json", R"({"format_version": 1, "profile": "other",
    "title": "t", "confidence": "C"})");
  auto p = load_profile(file, defs());
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().code, make_error_code(errc::load_name_mismatch));
}

TEST(ProfileLoad, NotJsonIsAnError) {
  const auto file = write_file("json", "xf.json", "{ not json");
  auto p = load_profile(file, defs());
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().code, make_error_code(errc::load_json));
}

TEST(ProfileLoad, ValueOnErrorThrowsWithStableId) {
  const auto file = write_file("throw", "xg.json", "[]");
  try {
    (void)load_profile(file, defs()).value();
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("[apipnr.profile.001] ", 0), 0u) << e.what();
  }
}

TEST(ProfileLoad, RuleIdsOutliveTheProfile) {
  std::string_view id;
  {
    auto p = load_named_profile("kr", profiles_dir(), defs());
    ASSERT_TRUE(p);
    id = p->find_rule("PROF-KR-001")->id;
  }
  EXPECT_EQ(id, "PROF-KR-001");  // interned: diagnostics may keep it
}

}  // namespace
}  // namespace apipnr::profile
