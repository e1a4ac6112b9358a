#include "apipnr/validate/report.hpp"

#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace apipnr::validate {
namespace {

diagnostic make_diag(std::string_view id, severity level, std::size_t offset, int code = 0,
                     std::string_view req = {}, std::string detail = {}) {
  diagnostic d;
  d.id = id;
  d.level = level;
  d.pos.offset = offset;
  d.syntax_error = code;
  d.requirement = req;
  d.detail = std::move(detail);
  d.where = scope::segment;
  return d;
}

constexpr std::string_view accepted_input =
    "UNA:+.? 'UNB+UNOA:4+XXAPI:ZZ+PIUTEST:ZZ+250301:0930+1001'\n"
    "UNH+1+PAXLST:D:05B:UN:IATA'\nUNT+2+1'\nUNZ+1+1001'\n";
constexpr std::string_view rejected_input =
    "UNA:+.? 'UNB+UNOA:4+XXAPI:ZZ+PIUTEST:ZZ+250301:0930+1002'\n"
    "UNH+1+PAXLST:D:05B:UN:IATA'\nUNT+9+1'\nUNZ+2+1002'\n";

// A run with an accept, an accept with warnings and a reject with two findings, built by hand
// (no engine) so that the writers are pinned independently of the pipeline.
run_report hand_built_run() {
  run_report r;
  r.tool_version = "0.1.0";
  r.profile = "baseline";
  r.mode = "strict";

  file_report ok;
  ok.file = "batch/a_ok.edi";
  ok.bytes = accepted_input.size();
  ok.sha256 = std::string(64, 'a');
  ok.envelope.syntax = "edifact";
  ok.envelope.sender = "XXAPI";
  ok.envelope.recipient = "PIUTEST";
  ok.envelope.control_reference = "1001";
  ok.envelope.syntax_identifier = "UNOA";
  ok.envelope.syntax_version = 4;
  ok.envelope.messages = 1;
  ok.envelope.message_types = {"PAXLST:D:05B"};
  r.files.push_back(ok);

  file_report warn = ok;
  warn.file = "batch/b_warn.edi";
  warn.outcome = pipeline::verdict::accept_with_warnings;
  warn.findings.push_back(make_finding(
      accepted_input,
      make_diag("PROF-RULE", severity::warning, 58, 0, "API-PAXLST-ATT-001", "ATT gender missing"),
      0));
  r.files.push_back(warn);

  file_report bad = ok;
  bad.file = "batch/c_bad.edi";
  bad.outcome = pipeline::verdict::reject;
  bad.envelope.control_reference = "1002";
  const auto unt = rejected_input.find("UNT+9");
  bad.findings.push_back(
      make_finding(rejected_input,
                   make_diag("EDI-UNT-COUNT", severity::error, unt + 4, 29, "SYN-ENV-006",
                             "UNT says 9 segments, the message has 2"),
                   0));
  const auto unz = rejected_input.find("UNZ+2");
  bad.findings.push_back(
      make_finding(rejected_input,
                   make_diag("EDI-UNZ-COUNT", severity::error, unz + 4, 29, "SYN-ENV-008",
                             "UNZ says 2 messages, the interchange has 1"),
                   -1));
  r.files.push_back(bad);
  return r;
}

std::string read_golden(const std::string& name) {
  std::ifstream f(std::string(APIPNR_SOURCE_DIR) + "/reference/src/validate/golden/" + name,
                  std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// APIPNR_UPDATE_GOLDEN=1 rewrites the golden files instead of comparing (then review the diff).
void compare_golden(const std::string& name, const std::string& actual) {
  if (const char* u = std::getenv("APIPNR_UPDATE_GOLDEN"); u && std::string(u) == "1") {
    std::ofstream f(std::string(APIPNR_SOURCE_DIR) + "/reference/src/validate/golden/" + name,
                    std::ios::binary);
    f << actual;
    return;
  }
  EXPECT_EQ(read_golden(name), actual)
      << "golden " << name << " differs (APIPNR_UPDATE_GOLDEN=1 to rewrite)";
}

TEST(ValidateExcerpt, ShowsTheSegmentWithTheCaretUnderTheOffset) {
  const std::string_view in = "UNA:+.? 'UNB+UNOA:4'UNT+9+1'UNZ+1'";
  const auto at = in.find("9+1");
  const excerpt e = make_excerpt(in, at);
  EXPECT_EQ(e.text, "UNT+9+1'");
  EXPECT_EQ(e.caret, 4u);
}

TEST(ValidateExcerpt, HonoursTheUnaTerminatorAndReleaseCharacter) {
  // Terminator '!' (UNA position 9), release '?': "?!" does not end the segment.
  const std::string_view in = "UNA:+.? !UNB+A!NAD+FL+++O?!BRIEN!UNZ+1!";
  const auto at = in.find("BRIEN");
  const excerpt e = make_excerpt(in, at);
  EXPECT_EQ(e.text, "NAD+FL+++O?!BRIEN!");
  EXPECT_EQ(e.text[e.caret], 'B');
}

TEST(ValidateExcerpt, ReplacesControlAndNonAsciiBytes) {
  const std::string in = std::string("UNB+A\x01") + "\xC3\xA9" + "B'";
  const excerpt e = make_excerpt(in, 5);
  EXPECT_EQ(e.text, "UNB+A...B'");
  EXPECT_EQ(e.caret, 5u);
}

TEST(ValidateExcerpt, CapsLongSegmentsAroundTheCaret) {
  const std::string in = "FTX+" + std::string(500, 'A') + "X" + std::string(500, 'B') + "'";
  const std::size_t at = 4 + 500;
  const excerpt e = make_excerpt(in, at, 40);
  EXPECT_EQ(e.text.substr(0, 3), "...");
  EXPECT_EQ(e.text.substr(e.text.size() - 3), "...");
  EXPECT_LE(e.text.size(), 46u);
  EXPECT_EQ(e.text[e.caret], 'X');
}

TEST(ValidateExcerpt, XmlUsesTheLine) {
  const std::string_view in = "<?xml version='1.0'?>\n<a x='1'><b>bad</b></a>\n";
  const auto at = in.find("bad");
  const excerpt e = make_excerpt(in, at);
  EXPECT_EQ(e.text, "<a x='1'><b>bad</b></a>");
  EXPECT_EQ(e.text[e.caret], 'b');
}

TEST(ValidateExcerpt, OffsetBeyondTheEndIsClamped) {
  const excerpt e = make_excerpt("UNB+A'UNZ", 1000);
  EXPECT_EQ(e.text, "UNZ");
  EXPECT_EQ(e.caret, 3u);
  EXPECT_TRUE(make_excerpt("", 3).text.empty());
}

TEST(ValidateFinding, LineAndColumnComeFromLocate) {
  const auto at = rejected_input.find("UNT+9") + 4;
  const finding f = make_finding(rejected_input, make_diag("X", severity::error, at), 0);
  EXPECT_EQ(f.at.line, 3u);
  EXPECT_EQ(f.at.column, 5u);
  ASSERT_TRUE(f.message_index.has_value());
  EXPECT_EQ(*f.message_index, 0u);
  EXPECT_FALSE(make_finding(rejected_input, make_diag("X", severity::error, 0), -1).message_index);
}

TEST(ValidateFinding, LineIndexAgreesWithLocateEverywhere) {
  const std::string_view in = "\nUNB+A'\r\nUNH+1'\n\nUNT+2+1'\r\n";
  const line_index lines(in);
  for (std::size_t off = 0; off <= in.size() + 2; ++off) {
    const line_column a = locate(in, off), b = lines.locate(off);
    EXPECT_EQ(a.line, b.line) << off;
    EXPECT_EQ(a.column, b.column) << off;
  }
}

TEST(ValidateVerdict, WorstSeverityDecides) {
  std::vector<finding> fs;
  EXPECT_EQ(verdict_of(fs), pipeline::verdict::accept);
  fs.push_back(make_finding("", make_diag("I", severity::info, 0), -1));
  EXPECT_EQ(verdict_of(fs), pipeline::verdict::accept);
  fs.push_back(make_finding("", make_diag("W", severity::warning, 0), -1));
  EXPECT_EQ(verdict_of(fs), pipeline::verdict::accept_with_warnings);
  fs.push_back(make_finding("", make_diag("F", severity::fatal, 0), -1));
  EXPECT_EQ(verdict_of(fs), pipeline::verdict::reject);
}

TEST(ValidateExitStatus, RejectIsOneWarningsOnlyWithWarningsAsErrors) {
  run_report r = hand_built_run();
  EXPECT_EQ(exit_status(r), 1);
  r.files.pop_back();
  EXPECT_EQ(exit_status(r), 0);
  r.warnings_as_errors = true;
  EXPECT_EQ(exit_status(r), 1);
  r.warnings_as_errors = false;
  r.sets.push_back({"CAR", "XXAPI", "745", {"a"}, false, "missing part(s) 2"});
  EXPECT_EQ(exit_status(r), 1);
  r.sets.clear();
  r.files.front().read_failed = true;
  EXPECT_EQ(exit_status(r), 2);
}

TEST(ValidateSummary, CountsVerdictsSeveritiesAndTopFindings) {
  const run_summary s = summarise(hand_built_run());
  EXPECT_EQ(s.files, 3u);
  EXPECT_EQ(s.accept, 1u);
  EXPECT_EQ(s.accept_with_warnings, 1u);
  EXPECT_EQ(s.reject, 1u);
  EXPECT_EQ(s.warning, 1u);
  EXPECT_EQ(s.error, 2u);
  ASSERT_EQ(s.top_findings.size(), 3u);
  EXPECT_EQ(s.top_findings[0].id, "EDI-UNT-COUNT");  // ties: by ID
}

TEST(ValidateText, CompilerLikeLineWithRequirementAndCode) {
  const std::string t = format_text(hand_built_run());
  EXPECT_NE(t.find("batch/c_bad.edi:3:5: error: [EDI-UNT-COUNT] UNT says 9 segments, the "
                   "message has 2 (SYN-ENV-006, 0085=29)\n    UNT+9+1'\n        ^\n"),
            std::string::npos)
      << t;
  compare_golden("hand_built.txt", t);
}

TEST(ValidateJson, FieldsFollowTheSchema) {
  const auto j = nlohmann::json::parse(format_json(hand_built_run()));
  EXPECT_EQ(j["format_version"], "1.0");
  EXPECT_EQ(j["tool"]["name"], "apipnr-validate");
  ASSERT_EQ(j["files"].size(), 3u);
  const auto& f = j["files"][2]["findings"][1];
  EXPECT_EQ(f["id"], "EDI-UNZ-COUNT");
  EXPECT_EQ(f["syntax_error"], 29);
  EXPECT_EQ(f["requirement"], "SYN-ENV-008");
  EXPECT_TRUE(f["message_index"].is_null());
  EXPECT_EQ(f["position"]["line"], 4);
  EXPECT_TRUE(j["files"][1]["findings"][0]["syntax_error"].is_null());
  EXPECT_EQ(j["summary"]["reject"], 1);
  EXPECT_FALSE(j.contains("sets"));
  EXPECT_FALSE(j["files"][0].contains("extract"));
  compare_golden("hand_built.json", format_json(hand_built_run()));
}

TEST(ValidateJson, InvalidUtf8InDetailsStillGivesValidJson) {
  run_report r = hand_built_run();
  r.files[2].findings[0].diag.detail = "bad byte \xff here";
  EXPECT_TRUE(nlohmann::json::accept(format_json(r)));
}

TEST(ValidateJunit, RejectIsAFailureWarningIsSystemOut) {
  const std::string x = format_junit(hand_built_run());
  EXPECT_NE(x.find("tests=\"3\" failures=\"1\""), std::string::npos);
  EXPECT_NE(x.find("<testcase classname=\"apipnr-validate.baseline\" name=\"batch/a_ok.edi\"/>"),
            std::string::npos);
  EXPECT_NE(x.find("<failure type=\"reject\""), std::string::npos);
  EXPECT_NE(x.find("<system-out>"), std::string::npos);
  run_report strict = hand_built_run();
  strict.warnings_as_errors = true;
  EXPECT_NE(format_junit(strict).find("failures=\"2\""), std::string::npos);
  compare_golden("hand_built.junit.xml", x);
}

TEST(ValidateJunit, EscapesMarkupAndControlCharacters) {
  run_report r = hand_built_run();
  r.files[2].file = "a<&\"\x01>.edi";
  const std::string x = format_junit(r);
  EXPECT_NE(x.find("name=\"a&lt;&amp;&quot;.&gt;.edi\""), std::string::npos) << x;
}

}  // namespace
}  // namespace apipnr::validate
