#include "apipnr/pipeline/pipeline.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

namespace apipnr::pipeline {
namespace {

namespace fs = std::filesystem;

const fs::path specs = fs::path(APIPNR_SOURCE_DIR) / "specs";
const fs::path messages = fs::path(APIPNR_VECTORS_DIR) / "edifact" / "messages";

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

nlohmann::json json_file(const fs::path& p) { return nlohmann::json::parse(slurp(p)); }

const engine& baseline() {
  static const engine e = [] {
    options o;
    o.specs_dir = specs;
    o.contrl = true;
    return engine::load(o).value();
  }();
  return e;
}

bool has_id(const result& r, std::string_view id) {
  for (const auto& d : r.findings) {
    if (d.id == id) return true;
  }
  return false;
}

std::string replace_once(std::string s, std::string_view from, std::string_view to) {
  const auto at = s.find(from);
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

// --- verdicts ------------------------------------------------------------------------------------

diagnostic at_level(severity s) {
  diagnostic d;
  d.level = s;
  return d;
}

TEST(PipelineVerdict, InfoOnlyIsAccept) {
  const std::vector<diagnostic> f{at_level(severity::info)};
  EXPECT_EQ(verdict_of(f), verdict::accept);
  EXPECT_EQ(verdict_of({}), verdict::accept);
}

TEST(PipelineVerdict, WorstWarningIsAcceptWithWarnings) {
  const std::vector<diagnostic> f{at_level(severity::info), at_level(severity::warning)};
  EXPECT_EQ(verdict_of(f), verdict::accept_with_warnings);
}

TEST(PipelineVerdict, AnyErrorOrFatalIsReject) {
  EXPECT_EQ(
      verdict_of(std::vector<diagnostic>{at_level(severity::warning), at_level(severity::error)}),
      verdict::reject);
  EXPECT_EQ(verdict_of(std::vector<diagnostic>{at_level(severity::fatal)}), verdict::reject);
}

TEST(PipelineVerdict, NamesEveryVerdict) {
  EXPECT_EQ(to_string(verdict::accept), "accept");
  EXPECT_EQ(to_string(verdict::accept_with_warnings), "accept_with_warnings");
  EXPECT_EQ(to_string(verdict::reject), "reject");
}

TEST(PipelineVerdict, WarningCaseIsAcceptedWithWarnings) {
  // Transport stage 34 is a baseline `warn` rule (API-PAXLST-TDT-001).
  const result r = baseline().check(slurp(messages / "paxlst" / "y_tdt_34_warn.edi"));
  ASSERT_FALSE(r.findings.empty());
  EXPECT_EQ(r.outcome, verdict::accept_with_warnings);
  ASSERT_EQ(r.message_outcomes.size(), 1u);
  EXPECT_EQ(r.message_outcomes[0], verdict::accept_with_warnings);
}

// --- loading -------------------------------------------------------------------------------------

TEST(PipelineEngine, UnknownProfileNameFailsNamingTheFile) {
  options o;
  o.specs_dir = specs;
  o.profile = "no-such-state";
  load_error err;
  auto e = engine::load(o, err);
  ASSERT_FALSE(e);
  EXPECT_NE(err.file.find("no-such-state"), std::string::npos) << err.to_string();
  EXPECT_FALSE(err.to_string().empty());
}

TEST(PipelineEngine, MissingSpecsDirFails) {
  options o;
  o.specs_dir = "/nonexistent/specs";
  EXPECT_FALSE(engine::load(o));
}

TEST(PipelineEngine, ProfileByNameAndByOverlayPathDiffer) {
  // A state's own overlay file outside specs/profiles, found by path; its parent "baseline" is
  // looked up in specs/profiles.
  const fs::path dir = fs::temp_directory_path() / "apipnr_pipeline_test_overlay";
  fs::create_directories(dir);
  const fs::path file = dir / "zz.json";
  {
    std::ofstream out(file);
    out << R"({"format_version": 1, "profile": "zz", "extends": "baseline",
               "title": "test state", "confidence": "I",
               "envelope": {"recipient_ids": ["NOBODY"]}})";
  }
  const std::string a1 = slurp(messages / "paxlst" / "y_a1_one_passenger.edi");
  options o;
  o.specs_dir = specs;
  o.profile = file.string();
  load_error err;
  auto overlay = engine::load(o, err);
  ASSERT_TRUE(overlay) << err.to_string();
  EXPECT_EQ(overlay->settings().profile, file.string());
  EXPECT_EQ(overlay->check(a1).outcome, verdict::reject);  // recipient PIUTEST not allowed
  EXPECT_EQ(baseline().check(a1).outcome, verdict::accept);
  fs::remove_all(dir);
}

TEST(PipelineEngine, NamedCountryProfileLoads) {
  options o;
  o.specs_dir = specs;
  o.profile = "us";
  auto us = engine::load(o);
  ASSERT_TRUE(us);
  // US requires UNG/UNE (STANDARDS.md 2.8); the A.1 interchange has them, but is addressed to
  // PIUTEST, which is not a US recipient.
  EXPECT_EQ(us->check(slurp(messages / "paxlst" / "y_a1_one_passenger.edi")).outcome,
            verdict::reject);
}

// --- Appendix A examples ---------------------------------------------------------------------

TEST(PipelineCheck, AppendixA1AcceptsWithTheCanonicalExample) {
  const result r = baseline().check(slurp(messages / "paxlst" / "y_a1_one_passenger.edi"));
  EXPECT_EQ(r.outcome, verdict::accept);
  ASSERT_EQ(r.messages.size(), 1u);
  EXPECT_EQ(model::to_json(r.messages[0]),
            json_file(specs / "canonical" / "examples" / "paxlst-a1.json"));
  EXPECT_EQ(r.envelope.syntax, "edifact");
  EXPECT_EQ(r.envelope.sender, "XXAPI");
  EXPECT_EQ(r.envelope.messages, 1u);
  ASSERT_EQ(r.envelope.message_types.size(), 1u);
  EXPECT_EQ(r.envelope.message_types[0], "PAXLST:D:05B");
}

TEST(PipelineCheck, AppendixA3AcceptsWithTheCanonicalExample) {
  const result r = baseline().check(slurp(messages / "pnrgov" / "y_a3_full_push.edi"));
  EXPECT_EQ(r.outcome, verdict::accept);
  ASSERT_EQ(r.messages.size(), 1u);
  EXPECT_EQ(model::to_json(r.messages[0]),
            json_file(specs / "canonical" / "examples" / "pnrgov-a3.json"));
}

TEST(PipelineCheck, FindingMessageParallelsFindings) {
  const result r = baseline().check(slurp(messages / "paxlst" / "n_bgm_missing.edi"));
  ASSERT_EQ(r.findings.size(), r.finding_message.size());
  ASSERT_FALSE(r.findings.empty());
  bool structure_in_message_0 = false;
  for (std::size_t k = 0; k < r.findings.size(); ++k) {
    if (r.findings[k].id == "MSG-SEG-MISSING") structure_in_message_0 = r.finding_message[k] == 0;
  }
  EXPECT_TRUE(structure_in_message_0);
}

TEST(PipelineCheck, ExtractOffGivesTheSameVerdictWithoutMessages) {
  options o;
  o.specs_dir = specs;
  o.extract = false;
  auto e = engine::load(o);
  ASSERT_TRUE(e);
  const result r = e->check(slurp(messages / "paxlst" / "y_a1_one_passenger.edi"));
  EXPECT_EQ(r.outcome, verdict::accept);
  EXPECT_TRUE(r.messages.empty());
}

TEST(PipelineCheck, ConcurrentChecksAgree) {
  const std::string a3 = slurp(messages / "pnrgov" / "y_a3_full_push.edi");
  result r1, r2;
  std::thread t1([&] { r1 = baseline().check(a3); });
  std::thread t2([&] { r2 = baseline().check(a3); });
  t1.join();
  t2.join();
  ASSERT_EQ(r1.messages.size(), 1u);
  ASSERT_EQ(r2.messages.size(), 1u);
  EXPECT_EQ(model::to_json(r1.messages[0]), model::to_json(r2.messages[0]));
}

// --- CONTRL ----------------------------------------------------------------------------------

TEST(PipelineContrl, StructureErrorRejectsItsMessageWithCode13) {
  const result r = baseline().check(slurp(messages / "paxlst" / "n_bgm_missing.edi"));
  EXPECT_EQ(r.outcome, verdict::reject);
  ASSERT_FALSE(r.contrl.empty());
  // Interchange acknowledged (7), the message rejected (UCM action 4) with 0085 13 (missing).
  // 102100: the case's own control reference (paxlst/21, vectors/README.md "Interchange keys").
  EXPECT_NE(r.contrl.find("UCI+102100+XXAPI:ZZ+PIUTEST:ZZ+7'"), std::string::npos) << r.contrl;
  EXPECT_NE(r.contrl.find("UCM+1+PAXLST:D:05B:UN:IATA+4+13"), std::string::npos) << r.contrl;
}

TEST(PipelineContrl, TooManyGroupsRejectsWithCode36) {
  const result r = baseline().check(slurp(messages / "paxlst" / "n_sg2_eleven.edi"));
  // The message is rejected (UCM 4) and the segment that opened the 11th group carries 36.
  EXPECT_NE(r.contrl.find("UCM+1+PAXLST:D:05B:UN:IATA+4'"), std::string::npos) << r.contrl;
  EXPECT_NE(r.contrl.find("+36'UNT"), std::string::npos) << r.contrl;
}

TEST(PipelineContrl, CleanInterchangeIsAcknowledgedWithoutUcm) {
  const result r = baseline().check(slurp(messages / "paxlst" / "y_a1_one_passenger.edi"));
  EXPECT_NE(r.contrl.find("UCI+1001+XXAPI:ZZ+PIUTEST:ZZ+7'"), std::string::npos) << r.contrl;
  EXPECT_EQ(r.contrl.find("UCM"), std::string::npos) << r.contrl;
}

TEST(PipelineContrl, NotBuiltUnlessAsked) {
  options o;
  o.specs_dir = specs;
  auto e = engine::load(o);
  ASSERT_TRUE(e);
  EXPECT_TRUE(e->check(slurp(messages / "paxlst" / "n_bgm_missing.edi")).contrl.empty());
}

// options::contrl_when_sent: the same CONTRL as without it whenever one is sent (a rejection,
// or UNB 0031 = 1), none for an accepted interchange that asked for none.
TEST(PipelineContrl, WhenSentOnlyForRejectionsAndRequests) {
  options o;
  o.specs_dir = specs;
  o.contrl = true;
  o.contrl_when_sent = true;
  auto e = engine::load(o);
  ASSERT_TRUE(e);
  const std::string a1 = slurp(messages / "paxlst" / "y_a1_one_passenger.edi");
  const result accepted = e->check(a1);
  EXPECT_NE(accepted.outcome, verdict::reject);
  EXPECT_TRUE(accepted.contrl.empty()) << accepted.contrl;
  EXPECT_FALSE(baseline().check(a1).contrl.empty());

  const std::string requested = replace_once(replace_once(a1, "+1001++APIS'", "+1002++APIS++1'"),
                                             "UNZ+1+1001'", "UNZ+1+1002'");
  const result asked = e->check(requested);
  EXPECT_NE(asked.outcome, verdict::reject);
  ASSERT_FALSE(asked.contrl.empty());
  EXPECT_EQ(asked.contrl, baseline().check(requested).contrl);

  for (const char* name : {"n_bgm_missing.edi", "n_sg2_eleven.edi"}) {
    const std::string in = slurp(messages / "paxlst" / name);
    const result rejected = e->check(in);
    EXPECT_EQ(rejected.outcome, verdict::reject) << name;
    ASSERT_FALSE(rejected.contrl.empty()) << name;
    EXPECT_EQ(rejected.contrl, baseline().check(in).contrl) << name;
  }
}

TEST(PipelineContrl, StampedContrlCarriesNowAndAUniqueReference) {
  options o;
  o.specs_dir = specs;
  o.contrl = true;
  o.stamp_contrl = true;
  auto e = engine::load(o);
  ASSERT_TRUE(e);
  const std::string in = slurp(messages / "paxlst" / "n_bgm_missing.edi");
  const std::string c1 = e->check(in).contrl, c2 = e->check(in).contrl;
  EXPECT_EQ(c1.find("+000101:0000+"), std::string::npos) << c1;
  // UNB ...+date:time+reference' and UNZ+1+reference' agree, and differ between the two.
  auto reference = [](const std::string& c) {
    const auto unz = c.find("UNZ+1+");
    return unz == std::string::npos ? std::string()
                                    : c.substr(unz + 6, c.find('\'', unz) - unz - 6);
  };
  const std::string r1 = reference(c1), r2 = reference(c2);
  EXPECT_EQ(r1.size(), 14u) << c1;
  EXPECT_NE(r1, r2);
  EXPECT_NE(c1.find("+" + r1 + "'UNH+"), std::string::npos) << c1;  // UNB 0020
}

// --- sniffing, unknown types, garbage ----------------------------------------------------------

TEST(PipelineSniff, XmlAfterBomAndWhitespaceGoesToTheXmlReader) {
  const std::string xml =
      slurp(fs::path(APIPNR_VECTORS_DIR) / "xml" / "pnrgov" / "y_a3_full_push.xml");
  const result r = baseline().check("\xEF\xBB\xBF \r\n" + xml);
  EXPECT_EQ(r.envelope.syntax, "xml");
  EXPECT_NE(r.outcome, verdict::reject);
  ASSERT_EQ(r.messages.size(), 1u);
  EXPECT_EQ(r.messages[0].message.syntax, "xml");
  ASSERT_FALSE(r.messages[0].pnrs.empty());
  // The sensitive-data filter ran: the count is always present after it.
  EXPECT_TRUE(r.messages[0].pnrs[0].sensitive_removed.has_value());
  EXPECT_TRUE(r.contrl.empty());
}

TEST(PipelineSniff, BrokenXmlIsRejectedAsXml) {
  const result r = baseline().check("  <IATA_PNRGOV_NotifRQ><unclosed>");
  EXPECT_EQ(r.envelope.syntax, "xml");
  EXPECT_EQ(r.outcome, verdict::reject);
  EXPECT_TRUE(r.messages.empty());
}

TEST(PipelineCheck, UnknownMessageTypeIsAFindingNotACrash) {
  const std::string in = replace_once(slurp(messages / "paxlst" / "y_a1_one_passenger.edi"),
                                      "UNH+1+PAXLST:D:05B", "UNH+1+FOOBAR:D:05B");
  const result r = baseline().check(in);
  EXPECT_EQ(r.outcome, verdict::reject);
  EXPECT_TRUE(has_id(r, "MSG-NO-DEFINITION"));
  EXPECT_TRUE(r.messages.empty());
  ASSERT_EQ(r.envelope.message_types.size(), 1u);
  EXPECT_EQ(r.envelope.message_types[0], "FOOBAR:D:05B");
  EXPECT_NE(r.contrl.find("UCM+1+FOOBAR:D:05B"), std::string::npos) << r.contrl;
}

TEST(PipelineCheck, GarbageNeverCrashesAndRejects) {
  const std::vector<std::string> inputs{"",
                                        std::string("\0\1\2\3", 4),
                                        "UNB",
                                        "UNA:+.? '",
                                        "hello world",
                                        "<",
                                        "\xEF\xBB\xBF",
                                        "UNH+1+PAXLST:D:05B:UN:IATA'BGM+745'UNT+3+1'"};
  for (const auto& in : inputs) {
    const result r = baseline().check(in);
    EXPECT_EQ(r.outcome, verdict::reject) << "input: " << in;
  }
  std::mt19937 rng(42);
  std::uniform_int_distribution<int> byte(0, 255);
  for (int n = 0; n < 200; ++n) {
    std::string in(static_cast<std::size_t>(1 + n % 97), ' ');
    for (auto& c : in) c = static_cast<char>(byte(rng));
    EXPECT_EQ(baseline().check(in).outcome, verdict::reject);
  }
}

TEST(PipelineCheck, EveryTruncationOfA1IsRejected) {
  const std::string a1 = slurp(messages / "paxlst" / "y_a1_one_passenger.edi");
  const std::size_t end = a1.rfind("UNZ");
  ASSERT_NE(end, std::string::npos);
  for (std::size_t n = 0; n < end; n += 7) {
    EXPECT_EQ(baseline().check(a1.substr(0, n)).outcome, verdict::reject) << "prefix " << n;
  }
}

// --- session -----------------------------------------------------------------------------------

std::vector<model::canonical_message> feed(session& s, diagnostic_list& sink,
                                           const std::vector<std::string>& files,
                                           const fs::path& dir) {
  std::vector<model::canonical_message> out;
  for (const auto& f : files) {
    result r = baseline().check(slurp(dir / f));
    for (auto& m : s.add(r, sink)) out.push_back(std::move(m));
    EXPECT_TRUE(r.messages.empty()) << "add() moves the messages out";
  }
  return out;
}

TEST(PipelineSession, JoinsThreePartPaxlstGivenOutOfOrder) {
  session s;
  diagnostic_list sink;
  auto done =
      feed(s, sink,
           {"y_out_of_order_part03.edi", "y_out_of_order_part01.edi", "y_out_of_order_part02.edi"},
           messages / "paxlst-multipart");
  ASSERT_EQ(done.size(), 1u);
  EXPECT_TRUE(s.finish(sink).empty());
  EXPECT_FALSE(sink.has_errors());
  const auto& m = done[0];
  ASSERT_EQ(m.message.parts.size(), 3u);
  EXPECT_EQ(m.message.parts[0].number, 1u);
  EXPECT_EQ(m.message.parts[2].number, 3u);
  EXPECT_EQ(m.travellers.size(), 5u);
  // Travellers follow part order, whatever the arrival order.
  const auto expected = json_file(messages / "paxlst-multipart" / "y_out_of_order.canonical.json");
  EXPECT_EQ(model::to_json(m)["travellers"], expected["travellers"]);
}

TEST(PipelineSession, SingleMessageComesOutAtOnce) {
  session s;
  diagnostic_list sink;
  auto done = feed(s, sink, {"y_a1_one_passenger.edi"}, messages / "paxlst");
  EXPECT_EQ(done.size(), 1u);
  EXPECT_TRUE(s.finish(sink).empty());
}

TEST(PipelineSession, MissingPartLeavesTheSetOpenUntilFinishReportsIt) {
  session s;
  diagnostic_list sink;
  auto done = feed(s, sink, {"n_missing_part_part01.edi", "n_missing_part_part03.edi"},
                   messages / "paxlst-multipart");
  EXPECT_TRUE(done.empty());
  EXPECT_FALSE(sink.has_errors());
  const auto open = s.finish(sink);
  EXPECT_EQ(open.size(), 1u);
  EXPECT_TRUE(sink.has_errors());
}

TEST(PipelineSession, RejectedPartIsNotJoined) {
  // Part 02 lacks its TDT header (rejected), so the set cannot complete.
  session s;
  diagnostic_list sink;
  auto done = feed(s, sink,
                   {"n_part_without_header_part01.edi", "n_part_without_header_part02.edi",
                    "n_part_without_header_part03.edi"},
                   messages / "paxlst-multipart");
  EXPECT_TRUE(done.empty());
  (void)s.finish(sink);
  EXPECT_TRUE(sink.has_errors());
}

TEST(PipelineSession, JoinsPnrgovPartsAndTheirPnrs) {
  session s;
  diagnostic_list sink;
  auto done = feed(s, sink, {"y_out_of_order_part02.edi", "y_out_of_order_part01.edi"},
                   messages / "pnrgov-multipart");
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].pnrs.size(), 2u);
  EXPECT_EQ(model::to_json(done[0]),
            json_file(messages / "pnrgov-multipart" / "y_out_of_order.canonical.json"));
}

TEST(PipelineSession, PnrgovEqnAgainstTheWholePushWarns) {
  session s;
  diagnostic_list sink;
  auto done = feed(s, sink, {"y_eqn_per_part_part01.edi", "y_eqn_per_part_part02.edi"},
                   messages / "pnrgov-multipart");
  ASSERT_EQ(done.size(), 1u);
  bool warned = false;
  for (const auto& d : sink.items()) {
    warned = warned || (d.id == "PNRMAP-EQN-COUNT" && d.level == severity::warning);
  }
  EXPECT_TRUE(warned);
}

// check(bytes, r) into one result reused input after input (earlier results larger and
// smaller, EDIFACT and XML, PAXLST and PNRGOV, rejected ones) must give exactly what check(bytes)
// gives: verdicts, findings, envelope, CONTRL and every canonical message.
TEST(PipelineEngine, CheckIntoAReusedResultMatchesAFreshCheck) {
  std::vector<std::string> inputs;
  for (const auto& f : fs::recursive_directory_iterator(fs::path(APIPNR_VECTORS_DIR))) {
    if (!f.is_regular_file()) continue;
    const auto ext = f.path().extension();
    if (ext == ".edi" || ext == ".xml") inputs.push_back(slurp(f.path()));
  }
  ASSERT_GT(inputs.size(), 200u);
  result reused;
  std::size_t messages_compared = 0;
  for (const bool reversed : {false, true}) {
    for (std::size_t n = 0; n < inputs.size(); ++n) {
      const std::string& text = inputs[reversed ? inputs.size() - 1 - n : n];
      const result a = baseline().check(text);
      baseline().check(text, reused);
      ASSERT_EQ(a.outcome, reused.outcome) << text;
      ASSERT_EQ(a.findings.size(), reused.findings.size()) << text;
      for (std::size_t k = 0; k < a.findings.size(); ++k) {
        EXPECT_EQ(a.findings[k].id, reused.findings[k].id) << text;
        EXPECT_EQ(a.findings[k].detail, reused.findings[k].detail) << text;
        EXPECT_EQ(a.findings[k].level, reused.findings[k].level) << text;
      }
      EXPECT_EQ(a.finding_message, reused.finding_message) << text;
      EXPECT_EQ(a.message_source, reused.message_source) << text;
      EXPECT_EQ(a.message_outcomes, reused.message_outcomes) << text;
      EXPECT_EQ(a.contrl, reused.contrl) << text;
      EXPECT_EQ(a.bytes, reused.bytes);
      EXPECT_EQ(a.envelope.message_types, reused.envelope.message_types) << text;
      EXPECT_EQ(a.envelope.sender, reused.envelope.sender) << text;
      ASSERT_EQ(a.messages.size(), reused.messages.size()) << text;
      for (std::size_t k = 0; k < a.messages.size(); ++k) {
        EXPECT_EQ(model::canonical_json(a.messages[k]), model::canonical_json(reused.messages[k]))
            << text;
        ++messages_compared;
      }
    }
  }
  EXPECT_GT(messages_compared, 200u);
}

}  // namespace
}  // namespace apipnr::pipeline
