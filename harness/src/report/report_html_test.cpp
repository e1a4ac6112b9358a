#include "apipnr/harness/report_html.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "test_support_report.hpp"

namespace apipnr::harness {
namespace {

using report_test::expect_golden;
using report_test::fixture;
using json = nlohmann::json;

html_options golden_options() {
  html_options o;
  o.max_message_bytes = 200;  // the fixture's long PAXLST (about 470 bytes) is cut
  std::string error;
  EXPECT_TRUE(load_confidence_tags(std::filesystem::path(APIPNR_REPORT_TESTDATA) / "catalogue",
                                   o.confidence, error))
      << error;
  return o;
}

std::string render(const json& j, const html_options& o = golden_options()) {
  std::string error;
  auto html = render_report_html(j, o, error);
  EXPECT_TRUE(html) << error;
  return html.value_or("");
}

std::string compare(const std::vector<json>& runs, const html_options& o = golden_options()) {
  std::string error;
  auto html = render_comparison_html(runs, o, error);
  EXPECT_TRUE(html) << error;
  return html.value_or("");
}

bool valid_utf8(const std::string& s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += n;
  }
  return true;
}

std::string section(const std::string& html, const std::string& id) {
  const auto from = html.find("<section id=\"" + id + "\"");
  if (from == std::string::npos) return {};
  return html.substr(from, html.find("</section>", from) - from);
}

json without_weights(json j) {
  j["score"] = nullptr;
  return j;
}

// ----------------------------------------------------------------------------- report.html

TEST(ReportHtml, MatchesGoldenFile) {
  expect_golden("report_zephyr.html", render(fixture("results_zephyr.json")));
}

TEST(ReportHtml, FailedSequenceShowsItsStepsBeforeTheExchangedBytes) {
  json j = fixture("results_zephyr.json");
  json c = j["cases"][1];  // a failure with one exchange
  c["id"] = "edifact/messages/paxlst-sequences/1";
  c["verdict"] = "fail_should_have_accepted";
  c["reason"] = "step 2 (send): part 1 rejected";
  json second = c["exchanges"][0];
  second["part"] = 2;
  second["http_status"] = 422;
  c["exchanges"].push_back(second);
  c["steps"] = json::parse(R"([
    {"step": 1, "kind": "send", "file": "y_initial_resent.edi", "note": "first copy",
     "verdict": "pass", "expected": "accept", "actual": "accepted, HTTP 202", "reason": "",
     "exchange": 1, "duration_ms": 3.5},
    {"step": 2, "kind": "wait", "verdict": "pass", "expected": "wait 200 ms",
     "actual": "wait 200 ms", "reason": "", "duration_ms": 200.0},
    {"step": 3, "kind": "send", "file": "y_initial_resent.edi", "note": "<resend>",
     "verdict": "fail_should_have_accepted", "expected": "accept",
     "actual": "rejected, HTTP 422", "reason": "part 1 rejected", "exchange": 2,
     "duration_ms": 4.0}])");
  j["cases"].push_back(c);
  const std::string failures = section(render(j), "failures");
  const auto table = failures.find("Sequence steps");
  ASSERT_NE(table, std::string::npos);
  // The step table comes before the bytes of this case's exchanges.
  EXPECT_LT(table, failures.find("Exchange, part 2"));
  EXPECT_NE(failures.find("y_initial_resent.edi<br>&lt;resend&gt;"), std::string::npos);
  EXPECT_NE(failures.find("rejected, HTTP 422"), std::string::npos);
  EXPECT_NE(failures.find("<td>part 2</td>"), std::string::npos);
  // A wait made no exchange: its cell stays empty.
  EXPECT_NE(failures.find("wait 200 ms</td><td></td><td></td></tr>"), std::string::npos);
}

TEST(ReportHtml, RenderingIsDeterministic) {
  const json j = fixture("results_zephyr.json");
  EXPECT_EQ(render(j), render(j));
  // Re-indenting the input changes nothing: the report depends on content only.
  EXPECT_EQ(render(j), render(json::parse(j.dump(7))));
}

TEST(ReportHtml, SummaryComesFirstWithVerdictAndFailedMandatoryRequirements) {
  const std::string html = render(fixture("results_zephyr.json"));
  const std::string summary = section(html, "summary");
  EXPECT_NE(summary.find("Compliance: Non-compliant"), std::string::npos);
  EXPECT_NE(summary.find("Failed mandatory requirements</h3>\n<ul><li><code>SYN-UNA-002"),
            std::string::npos);
  EXPECT_NE(summary.find("SYN-UNB-001"), std::string::npos);  // not demonstrated
  EXPECT_NE(summary.find("20.00 %"), std::string::npos);
  EXPECT_NE(summary.find(std::string(64, 'a')), std::string::npos);  // corpus SHA-256
  EXPECT_NE(summary.find("0123456789abcdef0123456789abcdef01234567"), std::string::npos);
  EXPECT_NE(summary.find("2026-11-30T09:00:00.000Z"), std::string::npos);
  EXPECT_LT(html.find("id=\"summary\""), html.find("id=\"matrix\""));
  EXPECT_LT(html.find("id=\"matrix\""), html.find("id=\"failures\""));
}

TEST(ReportHtml, IsSelfContainedWithoutScriptsOrExternalAssets) {
  const std::string html = render(fixture("results_zephyr.json"));
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("http://www.w3.org/2000/svg\""), html.find("xmlns=") + 7);
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_NE(html.find("role=\"img\""), std::string::npos);
  EXPECT_NE(html.find("@media print"), std::string::npos);
  EXPECT_NE(html.find("<html lang=\"en\">"), std::string::npos);
}

TEST(ReportHtml, HostileExchangedBytesAreEscaped) {
  const std::string html = render(fixture("results_zephyr.json"));
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_EQ(html.find("<b>bold</b>"), std::string::npos);  // case description
  EXPECT_NE(html.find("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;amp;"),
            std::string::npos);
  EXPECT_NE(html.find("RCV<span class=\"esc\">\\x00</span>+SND"), std::string::npos);
  EXPECT_NE(html.find("<span class=\"esc\">\\xFF</span><span class=\"esc\">\\xFE</span>"),
            std::string::npos);
  EXPECT_NE(html.find("<span class=\"esc\">\\u{202E}</span> evil<span class=\"esc\">\\x1B</span>"),
            std::string::npos);
  EXPECT_EQ(html.find('\0'), std::string::npos);
  EXPECT_TRUE(valid_utf8(html));
}

// ------------------------------------------------------------------- performance (load runs)

TEST(ReportHtml, PerformanceSectionMatchesGoldenFile) {
  expect_golden("report_load.html", render(fixture("results_load.json")));
}

TEST(ReportHtml, PerformanceSectionHasTargetsPercentilesAndInlineCharts) {
  const std::string html = render(fixture("results_load.json"));
  const std::string perf = section(html, "performance");
  ASSERT_FALSE(perf.empty());
  EXPECT_NE(perf.find("&#10007; FAIL"), std::string::npos);  // the stall breaks p99 <= 100 ms
  EXPECT_NE(perf.find("p99 &lt;= 100 ms"), std::string::npos);
  EXPECT_NE(perf.find("not assessed"), std::string::npos);
  EXPECT_NE(perf.find("Latency (from intended send)"), std::string::npos);
  EXPECT_NE(perf.find("Service time (from actual send)"), std::string::npos);
  // Latency over time, throughput over time and the histogram, all inline SVG.
  std::size_t svgs = 0;
  for (auto at = perf.find("<svg"); at != std::string::npos; at = perf.find("<svg", at + 1)) ++svgs;
  EXPECT_EQ(svgs, 3U);
  EXPECT_NE(perf.find("Latency over time"), std::string::npos);
  EXPECT_NE(perf.find("Throughput over time"), std::string::npos);
  EXPECT_NE(perf.find("Latency histogram"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
}

TEST(ReportHtml, ConformanceRunsHaveNoPerformanceSection) {
  EXPECT_EQ(render(fixture("results_zephyr.json")).find("id=\"performance\""), std::string::npos);
}

TEST(ReportHtml, OddPerformanceMembersRenderWithoutThrowing) {
  json j = fixture("results_zephyr.json");
  j["performance"] = json::parse(R"({"runs":[{"model":"<b>open</b>","intervals":[{"start_s":"x"},
    {"start_s":0,"length_s":1,"ok":5,"p50_ms":-1,"max_ms":1e300}],"latency":{"buckets":[[1],
    "y",[0,3],[18446744073709551615,1]]},"errors":{"timeout":"many"}}],"targets":[{"id":7}]})");
  const std::string perf = section(render(j), "performance");
  EXPECT_NE(perf.find("&lt;b&gt;open&lt;/b&gt;"), std::string::npos);
  EXPECT_EQ(perf.find("<b>open"), std::string::npos);
  j["performance"] = json::array({1, 2});
  EXPECT_EQ(section(render(j), "performance"), "");
}

TEST(EscapeHtmlBytes, ControlsInvalidUtf8AndDisguisingCharactersBecomeVisible) {
  EXPECT_EQ(escape_html_bytes(std::string("a\0b", 3)), "a<span class=\"esc\">\\x00</span>b");
  EXPECT_EQ(escape_html_bytes("<&>\"'"), "&lt;&amp;&gt;&quot;&#39;");
  EXPECT_EQ(escape_html_bytes("caf\xC3\xA9\n\t"), "caf\xC3\xA9\n\t");
  EXPECT_EQ(escape_html_bytes("\xC3"), "<span class=\"esc\">\\xC3</span>");
  // Overlong '/', a UTF-16 surrogate and a code point above U+10FFFF are not UTF-8.
  EXPECT_EQ(escape_html_bytes("\xC0\xAF"),
            "<span class=\"esc\">\\xC0</span><span class=\"esc\">\\xAF</span>");
  EXPECT_EQ(escape_html_bytes("\xED\xA0\x80").find("\xED"), std::string::npos);
  EXPECT_EQ(escape_html_bytes("\xF4\x90\x80\x80").find("\xF4"), std::string::npos);
  EXPECT_EQ(escape_html_bytes("\xE2\x80\xAE"), "<span class=\"esc\">\\u{202E}</span>");
  EXPECT_EQ(escape_html_bytes("\xC2\x85"), "<span class=\"esc\">\\u{0085}</span>");
  EXPECT_EQ(escape_html_bytes("\r"), "<span class=\"esc\">\\x0D</span>");
}

TEST(ReportHtml, LongMessagesAreTruncatedWithANote) {
  const json j = fixture("results_zephyr.json");
  const std::string sent = j["cases"][4]["exchanges"][0]["sent"]["data"];
  ASSERT_GT(sent.size(), 200u);
  const std::string html = render(j);
  EXPECT_NE(html.find("Truncated: the first 200 of " + std::to_string(sent.size()) + " bytes"),
            std::string::npos);
  html_options wide = golden_options();
  wide.max_message_bytes = 1 << 20;
  EXPECT_EQ(render(j, wide).find("Truncated:"), std::string::npos);
}

TEST(ReportHtml, TruncationNeverSplitsAUtf8Character) {
  json j = fixture("results_zephyr.json");
  std::string text;
  for (int i = 0; i < 300; ++i) text += "\xC3\xA9";  // é
  j["cases"][4]["exchanges"][0]["sent"] = {{"encoding", "utf8"}, {"data", text}};
  html_options o = golden_options();
  o.max_message_bytes = 201;  // falls inside the 101st é
  const std::string html = render(j, o);
  EXPECT_NE(html.find("Truncated: the first 200 of 600 bytes"), std::string::npos);
  EXPECT_EQ(html.find("\\xC3"), std::string::npos);
}

TEST(ReportHtml, TimeoutsAndTransportErrorsAreListedApartFromFailures) {
  const std::string html = render(fixture("results_zephyr.json"));
  const std::string failures = section(html, "failures");
  const std::string errors = section(html, "errors");
  EXPECT_NE(failures.find("edifact/syntax/una/2"), std::string::npos);
  EXPECT_NE(failures.find("paxlst/doc/1"), std::string::npos);
  EXPECT_EQ(failures.find("edifact/syntax/unb/1"), std::string::npos);
  EXPECT_EQ(failures.find("timeout"), std::string::npos);
  EXPECT_NE(errors.find("edifact/syntax/unb/1"), std::string::npos);
  EXPECT_NE(errors.find("no answer within 2000 ms"), std::string::npos);
  EXPECT_NE(errors.find("HTTP 503 Service Unavailable"), std::string::npos);
  EXPECT_EQ(errors.find("paxlst/doc/1"), std::string::npos);
  EXPECT_NE(html.find("Failures (2)"), std::string::npos);
  EXPECT_NE(html.find("Timeouts and transport errors (2)"), std::string::npos);
}

TEST(ReportHtml, MatrixCarriesLevelConfidenceGroupAndCaseVerdicts) {
  const std::string matrix = section(render(fixture("results_zephyr.json")), "matrix");
  EXPECT_NE(matrix.find("<tr class=\"mfail\"><th scope=\"row\"><code>SYN-UNA-002</code></th>"
                        "<td>MUST</td><td>C</td><td>syntax.una</td>"),
            std::string::npos);
  EXPECT_NE(matrix.find("<code>ACK-001</code></th><td>SHOULD</td><td>D</td>"), std::string::npos);
  // PNR-XML-001 has no catalogue confidence in the fixture: a dash, never an invented tag.
  EXPECT_NE(matrix.find("<code>PNR-XML-001</code></th><td>MUST</td><td><span class=\"note\">"),
            std::string::npos);
  EXPECT_NE(matrix.find("<a href=\"#case-edifact_2Fsyntax_2Funa_2F2\">"), std::string::npos);
  EXPECT_NE(matrix.find("failed <strong>(mandatory)</strong>"), std::string::npos);
}

TEST(ReportHtml, WithoutWeightsNothingIsScored) {
  const std::string html = render(without_weights(fixture("results_zephyr.json")));
  EXPECT_NE(html.find("not scored: the tender profile has no weights"), std::string::npos);
  EXPECT_EQ(html.find(">Weight<"), std::string::npos);
  EXPECT_EQ(html.find(" %</strong>"), std::string::npos);
}

TEST(ReportHtml, RefusesADocumentThatIsNotResults) {
  std::string error;
  EXPECT_FALSE(render_report_html(json{{"format", "apipnr-validate"}}, {}, error));
  EXPECT_EQ(error.rfind("[apipnr.harness.500]", 0), 0u) << error;
}

TEST(ReportHtml, WriteReportHtmlNamesAnUnreadableOrBrokenFile) {
  report_test::scratch s;
  std::string error;
  EXPECT_FALSE(write_report_html(s.dir() / "nope.json", s.dir() / "r.html", {}, error));
  EXPECT_EQ(error.rfind("[apipnr.harness.501]", 0), 0u) << error;
  report_test::spit(s.dir() / "bad.json", "{\"format\": ");
  EXPECT_FALSE(write_report_html(s.dir() / "bad.json", s.dir() / "r.html", {}, error));
  EXPECT_EQ(error.rfind("[apipnr.harness.503]", 0), 0u) << error;
  EXPECT_FALSE(std::filesystem::exists(s.dir() / "r.html"));
}

TEST(ReportHtml, WriteReportHtmlWritesTheSameBytesAsRender) {
  report_test::scratch s;
  const auto in = std::filesystem::path(APIPNR_REPORT_TESTDATA) / "results_zephyr.json";
  std::string error;
  ASSERT_TRUE(write_report_html(in, s.dir() / "out" / "report.html", golden_options(), error))
      << error;
  EXPECT_EQ(report_test::slurp(s.dir() / "out" / "report.html"),
            render(fixture("results_zephyr.json")));
}

TEST(ReportHtml, LoadsConfidenceTagsFromACatalogueFolder) {
  std::map<std::string, std::string> tags;
  std::string error;
  ASSERT_TRUE(load_confidence_tags(std::filesystem::path(APIPNR_SOURCE_DIR) / "specs/requirements",
                                   tags, error))
      << error;
  EXPECT_EQ(tags["SYN-UNA-001"], "C");
  EXPECT_GT(tags.size(), 50u);
  EXPECT_FALSE(load_confidence_tags("/nonexistent/apipnr", tags, error));
  EXPECT_EQ(error.rfind("[apipnr.harness.501]", 0), 0u) << error;
}

// ------------------------------------------------------------------------------ comparison

TEST(Comparison, MatchesGoldenFileWithWeights) {
  expect_golden("compare_weighted.html",
                compare({fixture("results_zephyr.json"), fixture("results_acme.json")}));
}

TEST(Comparison, MatchesGoldenFileWithoutWeights) {
  const std::string html = compare({without_weights(fixture("results_zephyr.json")),
                                    without_weights(fixture("results_acme.json"))});
  expect_golden("compare_unweighted.html", html);
  EXPECT_NE(html.find("<strong>Not ranked.</strong>"), std::string::npos);
  EXPECT_EQ(html.find("Rank</th>"), std::string::npos);
  EXPECT_EQ(html.find(" %<"), std::string::npos);
}

TEST(Comparison, BidsAreAlphabeticalWhateverTheInputOrder) {
  const json a = fixture("results_acme.json"), z = fixture("results_zephyr.json");
  const std::string html = compare({z, a});
  EXPECT_EQ(html, compare({a, z}));
  const std::string bids = section(html, "bids");
  EXPECT_LT(bids.find("Acme Intake"), bids.find("Zephyr Border Systems"));
}

TEST(Comparison, RanksOnlyByTheTenderScoreAndKeepsColumnsAlphabetical) {
  json a = fixture("results_acme.json"), z = fixture("results_zephyr.json");
  std::string ranking = section(compare({a, z}), "ranking");
  EXPECT_NE(ranking.find("<td class=\"n\">1</td><th scope=\"row\">Acme Intake"), std::string::npos);
  EXPECT_NE(ranking.find("<td class=\"n\">2</td><th scope=\"row\">Zephyr Border Systems"),
            std::string::npos);
  EXPECT_NE(ranking.find("(fails 1 mandatory)"), std::string::npos);
  a["score"] = 0.1;
  const std::string html = compare({a, z});
  ranking = section(html, "ranking");
  EXPECT_NE(ranking.find("<td class=\"n\">1</td><th scope=\"row\">Zephyr Border Systems"),
            std::string::npos);
  const std::string matrix = section(html, "matrix");
  EXPECT_LT(matrix.find(">Acme Intake</th>"), matrix.find(">Zephyr Border Systems</th>"));
}

TEST(Comparison, EqualScoresShareARank) {
  json a = fixture("results_acme.json"), z = fixture("results_zephyr.json");
  a["score"] = 0.5;
  z["score"] = 0.500000001;  // equal as displayed (50.00 %)
  const std::string ranking = section(compare({z, a}), "ranking");
  EXPECT_NE(ranking.find("<td class=\"n\">1</td><th scope=\"row\">Acme Intake"), std::string::npos);
  EXPECT_NE(ranking.find("<td class=\"n\">1</td><th scope=\"row\">Zephyr Border Systems"),
            std::string::npos);
}

TEST(Comparison, NoRankingWhenAnyRunLacksAScore) {
  json a = fixture("results_acme.json");
  a["score"] = nullptr;
  const std::string html = compare({a, fixture("results_zephyr.json")});
  EXPECT_NE(html.find("<strong>Not ranked.</strong>"), std::string::npos);
}

TEST(Comparison, HighlightsMandatoryFailures) {
  const std::string matrix =
      section(compare({fixture("results_zephyr.json"), fixture("results_acme.json")}), "matrix");
  const auto row = matrix.find("<code>SYN-UNA-002</code>");
  ASSERT_NE(row, std::string::npos);
  const std::string line = matrix.substr(row, matrix.find("</tr>", row) - row);
  // Acme passed it (first column), Zephyr failed it (second column, outlined).
  EXPECT_LT(line.find("passed"), line.find("<td class=\"mfail\">"));
  EXPECT_NE(line.find("failed <strong>(mandatory)</strong>"), std::string::npos);
}

TEST(Comparison, RefusesRunsAgainstDifferentCorpora) {
  json a = fixture("results_acme.json");
  a["manifest"]["corpus_sha256"] = std::string(64, 'f');
  std::string error;
  EXPECT_FALSE(render_comparison_html({fixture("results_zephyr.json"), a}, {}, error));
  EXPECT_EQ(error.rfind("[apipnr.harness.511] refusing to compare: the runs used different test "
                        "corpora",
                        0),
            0u)
      << error;
  EXPECT_NE(error.find(std::string(64, 'f')), std::string::npos);
  EXPECT_NE(error.find(std::string(64, 'a')), std::string::npos);
  EXPECT_NE(error.find("'Acme Intake'"), std::string::npos);
}

TEST(Comparison, RefusesRunsAgainstDifferentTenderProfiles) {
  json a = fixture("results_acme.json");
  a["manifest"]["tender_sha256"] = "";
  std::string error;
  EXPECT_FALSE(render_comparison_html({fixture("results_zephyr.json"), a}, {}, error));
  EXPECT_EQ(error.rfind("[apipnr.harness.512]", 0), 0u) << error;
  EXPECT_NE(error.find("has none"), std::string::npos) << error;
}

TEST(Comparison, RefusesRunsAgainstDifferentCatalogues) {
  json a = fixture("results_acme.json");
  a["manifest"]["catalogue_sha256"] = std::string(64, '0');
  EXPECT_EQ(
      comparison_refusal({fixture("results_zephyr.json"), a}).rfind("[apipnr.harness.513]", 0), 0u);
}

TEST(Comparison, NeedsTwoResultsDocuments) {
  EXPECT_EQ(comparison_refusal({fixture("results_acme.json")}).rfind("[apipnr.harness.510]", 0),
            0u);
  EXPECT_EQ(comparison_refusal({fixture("results_acme.json"), json::object()})
                .rfind("[apipnr.harness.500] input 2", 0),
            0u);
  EXPECT_EQ(comparison_refusal({fixture("results_acme.json"), fixture("results_zephyr.json")}), "");
}

TEST(Comparison, WriteComparisonHtmlFromFiles) {
  report_test::scratch s;
  const std::filesystem::path td(APIPNR_REPORT_TESTDATA);
  std::string error;
  ASSERT_TRUE(write_comparison_html({td / "results_zephyr.json", td / "results_acme.json"},
                                    s.dir() / "compare.html", golden_options(), error))
      << error;
  EXPECT_EQ(report_test::slurp(s.dir() / "compare.html"),
            compare({fixture("results_acme.json"), fixture("results_zephyr.json")}));
}

}  // namespace
}  // namespace apipnr::harness
