#include "apipnr/harness/results.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <optional>
#include <vector>

#include "apipnr/harness/digest.hpp"

namespace apipnr::harness {
namespace {

run_results sample() {
  run_results r;
  r.manifest.run_id = "t1";
  case_result a;
  a.id = "edifact/syntax/una/1";
  a.family = "edifact/syntax/una";
  a.verdict = verdict::fail_wrong_code;
  a.reason = "rejected without 0085 20 <&>";
  exchange_record x;
  x.sent = std::string("UNB\0\xff", 5);
  x.received = "UCI+1+X+Y+4'";
  a.exchanges.push_back(x);
  case_result b;
  b.id = "edifact/syntax/una/2";
  b.family = "edifact/syntax/una";
  b.verdict = verdict::timeout;
  case_result c;
  c.id = "edifact/messages/iapi/1";
  c.family = "edifact/messages/iapi";
  c.verdict = verdict::skipped;
  c.skip_reason = "SHOULD (use --strict)";
  r.cases = {a, b, c};
  return r;
}

TEST(HarnessResults, BytesRoundTripAsUtf8OrBase64) {
  for (const std::string& s :
       {std::string("UNA:+.? 'UNB"), std::string("\xC3\xA9t\xC3\xA9"), std::string("a\0b", 3),
        std::string("\xff\xfe"), std::string("\xED\xA0\x80"), std::string(""), std::string("ab"),
        std::string("abcd")}) {
    auto j = encode_bytes(s);
    EXPECT_EQ(decode_bytes(j), s);
  }
  EXPECT_EQ(encode_bytes("\xC3\xA9")["encoding"], "utf8");
  EXPECT_EQ(encode_bytes(std::string("\0", 1))["encoding"], "base64");
  EXPECT_EQ(encode_bytes("\xC0\xAF")["encoding"], "base64");  // overlong
}

TEST(HarnessResults, JsonRoundTripKeepsVerdictsAndBytes) {
  auto r = sample();
  std::vector<config_error> errors;
  auto back = from_json(to_json(r), "mem", errors);
  ASSERT_TRUE(back) << (errors.empty() ? "" : to_string(errors[0]));
  ASSERT_EQ(back->cases.size(), 3u);
  EXPECT_EQ(back->cases[0].verdict, verdict::fail_wrong_code);
  EXPECT_EQ(back->cases[0].exchanges[0].sent, r.cases[0].exchanges[0].sent);
  EXPECT_EQ(back->cases[2].skip_reason, "SHOULD (use --strict)");
  EXPECT_FALSE(from_json(nlohmann::json::object(), "mem", errors));
  EXPECT_EQ(errors.back().code, "apipnr.harness.042");
}

// A sequence case: a failed second step, a wait, and the exchange each send made.
case_result sequence_result() {
  case_result c;
  c.id = "edifact/messages/paxlst-sequences/1";
  c.family = "edifact/messages/paxlst-sequences";
  c.verdict = verdict::fail_should_have_accepted;
  c.reason = "step 3 (send): part 1 rejected";
  exchange_record x;
  c.exchanges = {x, x};
  c.exchanges[1].part = 2;
  step_result s1;
  s1.kind = "send";
  s1.file = "y_a.edi";
  s1.note = "first copy";
  s1.exchange = 1;
  step_result s2;
  s2.step = 2;
  s2.kind = "wait";
  step_result s3;
  s3.step = 3;
  s3.kind = "send";
  s3.file = "y_a.edi";
  s3.verdict = verdict::fail_should_have_accepted;
  s3.reason = "part 1 rejected <&>";
  s3.exchange = 2;
  c.steps = {s1, s2, s3};
  return c;
}

TEST(HarnessResults, SequenceStepsRoundTripAndOnlySequencesCarryThem) {
  auto r = sample();
  r.cases.push_back(sequence_result());
  const auto j = to_json(r);
  EXPECT_FALSE(j["cases"][0].contains("steps"));
  const auto& steps = j["cases"][3]["steps"];
  ASSERT_EQ(steps.size(), 3u);
  EXPECT_FALSE(steps[1].contains("exchange"));  // a wait exchanges nothing
  EXPECT_FALSE(steps[1].contains("file"));
  std::vector<config_error> errors;
  auto back = from_json(j, "mem", errors);
  ASSERT_TRUE(back) << (errors.empty() ? "" : to_string(errors[0]));
  const auto& got = back->cases[3].steps;
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].note, "first copy");
  EXPECT_EQ(got[2].verdict, verdict::fail_should_have_accepted);
  EXPECT_EQ(got[2].exchange, 2u);
  EXPECT_EQ(got[1].exchange, 0u);
  auto bad = j;
  bad["cases"][3]["steps"][2]["verdict"] = "sort_of";
  EXPECT_FALSE(from_json(bad, "mem", errors));
}

// A results.json is untrusted input (a bid's evidence handed over). `format` of another type
// was read by value() outside the reader's try, so nlohmann's type_error escaped from_json
// (found with fuzz_harness_report, fuzz/crashers/harness_report_format_number.json).
TEST(HarnessResults, FormatOfAnotherTypeIsAShapeErrorNotAnException) {
  for (const auto& format : {nlohmann::json(1), nlohmann::json::array(), nlohmann::json()}) {
    nlohmann::json j = to_json(sample());
    j["format"] = format;
    std::vector<config_error> errors;
    std::optional<run_results> r;
    EXPECT_NO_THROW(r = from_json(j, "mem", errors)) << format.dump();
    EXPECT_FALSE(r);
    ASSERT_EQ(errors.size(), 1U);
    EXPECT_EQ(errors[0].code, "apipnr.harness.042");
  }
}

// An integer field holding a number it cannot (a double beyond int, a negative count) refuses
// the document with the field's pointer, instead of nlohmann's out-of-range conversion
// (undefined behaviour for doubles; found with fuzz_harness_report,
// fuzz/crashers/harness_report_http_status_1e300.json) or a wrapped value.
TEST(HarnessResults, IntegerBeyondItsFieldIsAShapeErrorWithItsPointer) {
  struct bad {
    const char* pointer;
    nlohmann::json value;
  };
  for (const bad& b : {bad{"/cases/0/exchanges/0/http_status", 1e300},
                       bad{"/cases/0/exchanges/0/http_status", 4294967496.0},
                       bad{"/cases/0/exchanges/0/part", -1}, bad{"/cases/0/exchanges/0/part", 1.5},
                       bad{"/manifest/seed", 1e20}, bad{"/manifest/selection/jobs", 4294967296}}) {
    nlohmann::json j = to_json(sample());
    j[nlohmann::json::json_pointer(b.pointer)] = b.value;
    std::vector<config_error> errors;
    EXPECT_FALSE(from_json(j, "mem", errors)) << b.pointer << " " << b.value.dump();
    ASSERT_EQ(errors.size(), 1U) << b.pointer;
    EXPECT_EQ(errors[0].code, "apipnr.harness.042");
    EXPECT_EQ(errors[0].pointer, b.pointer);
  }
  // In range, also written as an integral double: read.
  nlohmann::json j = to_json(sample());
  j["cases"][0]["exchanges"][0]["http_status"] = 422.0;
  j["manifest"]["seed"] = 18446744073709551615ULL;
  std::vector<config_error> errors;
  const auto r = from_json(j, "mem", errors);
  ASSERT_TRUE(r) << (errors.empty() ? "" : errors[0].message);
  EXPECT_EQ(r->cases[0].exchanges[0].http_status, 422);
  EXPECT_EQ(r->manifest.seed, 18446744073709551615ULL);
}

TEST(HarnessResults, JunitListsTheStepsOfASequence) {
  auto r = sample();
  r.cases.push_back(sequence_result());
  const auto x = to_junit(r);
  EXPECT_NE(
      x.find("step 3 send y_a.edi: fail_should_have_accepted (part 1 rejected &lt;&amp;&gt;)"),
      std::string::npos)
      << x;
  EXPECT_NE(x.find("step 2 wait: pass"), std::string::npos);
}

TEST(HarnessResults, ExitCodeOneOnlyForFailures) {
  auto r = sample();
  EXPECT_EQ(exit_code_of(r), 1);
  r.cases[0].verdict = verdict::pass;
  EXPECT_EQ(exit_code_of(r), 0);  // a timeout alone does not fail the run
}

TEST(HarnessResults, JunitHasSuitePerFamilyFailureErrorSkipped) {
  auto x = to_junit(sample());
  EXPECT_NE(
      x.find("<testsuite name=\"edifact/syntax/una\" tests=\"2\" failures=\"1\" errors=\"1\""),
      std::string::npos)
      << x;
  EXPECT_NE(x.find("<failure type=\"fail_wrong_code\""), std::string::npos);
  EXPECT_NE(x.find("<error type=\"timeout\""), std::string::npos);
  EXPECT_NE(x.find("<skipped message=\"SHOULD (use --strict)\"/>"), std::string::npos);
  EXPECT_NE(x.find("&lt;&amp;&gt;"), std::string::npos);
  EXPECT_EQ(x.find("<&>"), std::string::npos);
}

TEST(HarnessResults, WriteReportsCreatesFiles) {
  auto dir =
      std::filesystem::temp_directory_path() / ("hcore-reports-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::string error;
  ASSERT_TRUE(write_reports(sample(), dir, true, error)) << error;
  EXPECT_TRUE(std::filesystem::exists(dir / "results.json"));
  EXPECT_TRUE(std::filesystem::exists(dir / "junit.xml"));
  EXPECT_TRUE(std::filesystem::exists(dir / "cases" / "edifact_syntax_una_1.json"));
  EXPECT_FALSE(std::filesystem::exists(dir / "cases" / "edifact_messages_iapi_1.json"));
  std::vector<config_error> errors;
  EXPECT_TRUE(read_results(dir / "results.json", errors));
  std::filesystem::remove_all(dir);
}

TEST(HarnessDigest, KnownVectorAndTreeSensitivity) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  auto dir =
      std::filesystem::temp_directory_path() / ("hcore-digest-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "a");
  std::ofstream(dir / "a" / "x") << "1";
  std::ofstream(dir / "y") << "2";
  const auto d1 = sha256_tree(dir);
  EXPECT_EQ(d1.size(), 64u);
  EXPECT_EQ(sha256_tree(dir), d1);
  std::filesystem::rename(dir / "y", dir / "z");
  EXPECT_NE(sha256_tree(dir), d1);
  EXPECT_EQ(sha256_tree(dir / "missing"), "");
  std::filesystem::remove_all(dir);
}

TEST(HarnessMachine, ProbeFillsSomething) {
  auto m = probe_machine();
  EXPECT_FALSE(m.uname.empty());
  EXPECT_GT(m.nproc, 0u);
}

}  // namespace
}  // namespace apipnr::harness
