#include "apipnr/harness/verdict.hpp"

#include <gtest/gtest.h>

#include "test_support_internal.hpp"

namespace apipnr::harness {
namespace {

using testing::answered;
using testing::failed;
using testing::make_case;
using vectors::outcome;

classification accepted(std::optional<int> action = {}) {
  classification c;
  c.result = decision::accepted;
  c.contrl_action = action;
  return c;
}

classification rejected(std::vector<int> codes = {}, std::optional<int> action = {}) {
  classification c;
  c.result = decision::rejected;
  c.ack = ack_type::contrl;
  c.syntax_errors = std::move(codes);
  c.contrl_action = action;
  return c;
}

struct row {
  const char* name;
  vectors::case_spec spec;
  observation obs;
  classification cls;
  verdict want;
};

TEST(HarnessJudge, TableCoversEveryVerdictButSkippedAndData) {
  const std::vector<row> rows = {
      {"accept accepted", make_case("a/1", outcome::accept), answered(202), accepted(),
       verdict::pass},
      {"reject with code", make_case("a/2", outcome::reject, {20}, 4), answered(400),
       rejected({20}, 4), verdict::pass},
      {"reject non-strict", make_case("a/3", outcome::reject, {20}, 4, {400, 422}), answered(422),
       rejected({}), verdict::pass_non_strict},
      {"accept rejected", make_case("a/4", outcome::accept), answered(400), rejected({20}, 4),
       verdict::fail_should_have_accepted},
      {"reject accepted", make_case("a/5", outcome::reject, {20}, 4), answered(200), accepted(7),
       verdict::fail_should_have_rejected},
      {"wrong code", make_case("a/6", outcome::reject, {20}, 4), answered(400), rejected({13}, 4),
       verdict::fail_wrong_code},
      {"wrong action", make_case("a/7", outcome::reject, {20}, 4), answered(400), rejected({20}, 7),
       verdict::fail_wrong_code},
      {"either", make_case("a/8", outcome::either), answered(400), rejected(),
       verdict::informational},
      {"timeout",
       make_case("a/9", outcome::reject),
       failed(transport_outcome::timeout),
       {},
       verdict::timeout},
      {"reset",
       make_case("a/10", outcome::accept),
       failed(transport_outcome::transport_error),
       {},
       verdict::transport_error},
      {"refused",
       make_case("a/11", outcome::reject),
       failed(transport_outcome::endpoint_down),
       {},
       verdict::endpoint_down},
      {"5xx", make_case("a/12", outcome::reject), answered(503), classification{},
       verdict::transport_error},
      {"garbage on reject", make_case("a/13", outcome::reject), answered(200, "??"),
       classification{}, verdict::fail_should_have_rejected},
  };
  for (const auto& r : rows) {
    auto j = judge(r.spec, {r.obs}, {r.cls}, data_evidence{});
    EXPECT_EQ(to_string(j.verdict), to_string(r.want)) << r.name << ": " << j.reason;
    EXPECT_FALSE(j.expected.empty()) << r.name;
  }
}

// An AMQP reply without a body states no decision (classify.hpp): each expectation fails with
// a reason naming what was missing: the acceptance's receipt or CONTRL, the CONTRL stating the
// rejection, the CUSRES answering an iAPI request.
TEST(HarnessJudge, BodilessAmqpReplyFailsEveryExpectationNamingWhatWasMissing) {
  observation bare;  // AMQP: no HTTP status, no body
  classification none;
  none.result = decision::unknown;
  none.ack = ack_type::none;
  none.summary = "reply without a body: no acknowledgement, no decision stated";

  auto accept = make_case("e/1", outcome::accept, {}, 7);
  auto j = judge(accept, {bare}, {none}, {});
  EXPECT_EQ(j.verdict, verdict::fail_should_have_accepted);
  EXPECT_NE(j.reason.find("no body"), std::string::npos) << j.reason;
  EXPECT_NE(j.reason.find("CONTRL (UCI 7) or a receipt"), std::string::npos) << j.reason;
  EXPECT_NE(j.actual.find("reply without a body"), std::string::npos) << j.actual;

  auto reject = make_case("e/2", outcome::reject, {20}, 4);
  j = judge(reject, {bare}, {none}, {});
  EXPECT_EQ(j.verdict, verdict::fail_should_have_rejected);
  EXPECT_NE(j.reason.find("no recognisable rejection: the AMQP reply has no body"),
            std::string::npos)
      << j.reason;
  EXPECT_NE(j.reason.find("CONTRL stating the rejection"), std::string::npos) << j.reason;

  auto iapi = make_case("e/3", outcome::accept);
  iapi.expect.cusres.emplace();
  iapi.expect.cusres->document = "962";
  j = judge(iapi, {bare}, {none}, {});
  EXPECT_EQ(j.verdict, verdict::fail_should_have_accepted);
  EXPECT_NE(j.reason.find("the CUSRES 962 answering the request"), std::string::npos) << j.reason;

  // An unreadable body over HTTP is not "without a body": no such note.
  j = judge(reject, {answered(200, "??")}, {classification{}}, {});
  EXPECT_EQ(j.reason.find("no body"), std::string::npos) << j.reason;
}

TEST(HarnessJudge, RejectionWithoutStatedCodesIsPass) {
  auto c = make_case("b/1", outcome::reject);
  EXPECT_EQ(judge(c, {answered(400)}, {rejected()}, {}).verdict, verdict::pass);
}

TEST(HarnessJudge, NonStrictNeedsAListedStatus) {
  auto c = make_case("b/2", outcome::reject, {20}, 4, {422});
  auto j = judge(c, {answered(400)}, {rejected()}, {});
  EXPECT_EQ(j.verdict, verdict::fail_wrong_code);
  EXPECT_NE(j.reason.find("0085 20"), std::string::npos) << j.reason;
}

// Over AMQP there is no HTTP status: a problem reply's `status` stands for it, so an empty
// message answered with a 400 problem earns the same pass_non_strict as over HTTP; a problem
// status outside the list, or none, does not.
TEST(HarnessJudge, NonStrictOverAmqpLooksAtTheProblemStatus) {
  auto c = make_case("b/2a", outcome::reject, {13}, 4, {400, 422});
  classification problem;
  problem.result = decision::rejected;
  problem.ack = ack_type::problem_json;
  problem.problem_status = 400;
  auto j = judge(c, {answered(0)}, {problem}, {});
  EXPECT_EQ(j.verdict, verdict::pass_non_strict) << j.reason;
  EXPECT_NE(j.reason.find("problem status 400"), std::string::npos) << j.reason;
  problem.problem_status = 415;
  EXPECT_EQ(judge(c, {answered(0)}, {problem}, {}).verdict, verdict::fail_wrong_code);
  problem.problem_status = 0;
  EXPECT_EQ(judge(c, {answered(0)}, {problem}, {}).verdict, verdict::fail_wrong_code);
}

TEST(HarnessJudge, NonStrictIsNoExcuseForAWrongStatedCode) {
  auto c = make_case("b/2w", outcome::reject, {20}, 4, {400, 422});
  // No code stated: lenient.
  EXPECT_EQ(judge(c, {answered(400)}, {rejected({}, 4)}, {}).verdict, verdict::pass_non_strict);
  // A code stated, but not the one expected: wrong.
  auto j = judge(c, {answered(400)}, {rejected({13}, 4)}, {});
  EXPECT_EQ(j.verdict, verdict::fail_wrong_code) << j.reason;
  EXPECT_NE(j.reason.find("0085 20"), std::string::npos) << j.reason;
}

TEST(HarnessJudge, RequirementsCheckedOnlyWhenFindingsReported) {
  auto c = make_case("b/3", outcome::reject);
  c.expect.pass.emplace();
  c.expect.pass->requirements = {"API-X-001"};
  auto none = rejected();
  EXPECT_EQ(judge(c, {answered(422)}, {none}, {}).verdict, verdict::pass);
  auto other = rejected();
  other.findings_reported = true;
  other.requirements = {"API-Y-002"};
  EXPECT_EQ(judge(c, {answered(422)}, {other}, {}).verdict, verdict::fail_wrong_code);
  other.requirements.push_back("API-X-001");
  EXPECT_EQ(judge(c, {answered(422)}, {other}, {}).verdict, verdict::pass);
}

// expect.pass.contrl (SYN-CTL-008/009/010): judged from the classifier's CONTRL content only.
TEST(HarnessJudge, ContrlContentIsJudgedFieldByField) {
  auto c = make_case("b/4", outcome::reject, {29}, 4, {400});
  vectors::contrl_expectation x;
  x.identifier = "CONTRL:4:1:UN";
  x.interchange_reference = "1001";
  x.interchange_sender = "XXAPI";
  x.interchange_recipient = "PIUTEST";
  x.levels.push_back({"UCM", "1", "PAXLST", 4});
  x.iso_codes_only = true;
  c.expect.pass->contrl = x;

  auto good = rejected({29}, 4);
  contrl_content k;
  k.identifier = "CONTRL:4:1:UN";
  k.interchange_reference = "1001";
  k.interchange_sender = "XXAPI";
  k.interchange_recipient = "PIUTEST";
  k.levels.push_back({"UCM", "2", "PAXLST", 7});  // another message first: allowed
  k.levels.push_back({"UCM", "1", "PAXLST", 4});
  good.contrl = k;
  EXPECT_EQ(judge(c, {answered(400)}, {good}, {}).verdict, verdict::pass);

  auto wrong_ref = good;
  wrong_ref.contrl->interchange_reference = "1002";
  auto j = judge(c, {answered(200)}, {wrong_ref}, {});
  EXPECT_EQ(j.verdict, verdict::fail_wrong_code);
  EXPECT_NE(j.reason.find("UCI 0020 1001"), std::string::npos) << j.reason;

  auto no_ucm = good;
  no_ucm.contrl->levels.pop_back();
  j = judge(c, {answered(200)}, {no_ucm}, {});
  EXPECT_EQ(j.verdict, verdict::fail_wrong_code);
  EXPECT_NE(j.reason.find("UCM 1 PAXLST action 4"), std::string::npos) << j.reason;

  auto vendor = good;
  vendor.syntax_errors.push_back(72);
  j = judge(c, {answered(200)}, {vendor}, {});
  EXPECT_EQ(j.verdict, verdict::fail_wrong_code);
  EXPECT_NE(j.reason.find("ISO 0085 codes only"), std::string::npos) << j.reason;

  auto v3 = good;
  v3.contrl->identifier = "CONTRL:2:2:UN";
  EXPECT_EQ(judge(c, {answered(200)}, {v3}, {}).verdict, verdict::fail_wrong_code);

  // No CONTRL at all: the content is missing; a listed HTTP status still earns pass_non_strict.
  auto problem = rejected({29}, 4);
  problem.ack = ack_type::problem_json;
  EXPECT_EQ(judge(c, {answered(200)}, {problem}, {}).verdict, verdict::fail_wrong_code);
  EXPECT_EQ(judge(c, {answered(400)}, {problem}, {}).verdict, verdict::pass_non_strict);
}

TEST(HarnessJudge, ContrlContentOfAnAcceptanceIsJudgedWhenACONTRLCame) {
  auto c = make_case("b/5", outcome::accept, {}, 7);
  vectors::contrl_expectation x;
  x.interchange_reference = "1001";
  c.expect.pass->contrl = x;
  EXPECT_EQ(judge(c, {answered(202)}, {accepted()}, {}).verdict, verdict::pass);
  auto k = accepted(7);
  k.contrl = contrl_content{};
  k.contrl->interchange_reference = "9999";
  EXPECT_EQ(judge(c, {answered(200)}, {k}, {}).verdict, verdict::fail_wrong_code);
  k.contrl->interchange_reference = "1001";
  EXPECT_EQ(judge(c, {answered(200)}, {k}, {}).verdict, verdict::pass);
}

TEST(HarnessJudge, DataFidelityNamesTheDifferingField) {
  auto c = make_case("b/4", outcome::accept);
  c.expect.canonical = "y_x.canonical.json";
  data_evidence d;
  d.checked = true;
  d.found = true;
  d.expected = nlohmann::json::parse(R"({"travellers":[{"surname":"OBRIEN"}],"x_note":1})");
  d.actual = nlohmann::json::parse(R"({"travellers":[{"surname":"O BRIEN"}],"x_other":2})");
  auto j = judge(c, {answered(202)}, {accepted()}, d);
  ASSERT_EQ(j.verdict, verdict::fail_data);
  ASSERT_EQ(j.differences.size(), 1u);
  EXPECT_EQ(j.differences[0].pointer, "/travellers/0/surname");
  EXPECT_NE(j.reason.find("/travellers/0/surname"), std::string::npos);
  d.actual = d.expected;
  EXPECT_EQ(judge(c, {answered(202)}, {accepted()}, d).verdict, verdict::pass);
  d.found = false;
  d.error = "404";
  EXPECT_EQ(judge(c, {answered(202)}, {accepted()}, d).verdict, verdict::fail_data);
}

TEST(HarnessJudge, MultiPartAcceptNeedsEveryPartAccepted) {
  auto c = make_case("b/5", outcome::accept);
  auto j = judge(c, {answered(202), answered(422)}, {accepted(), rejected()}, {});
  EXPECT_EQ(j.verdict, verdict::fail_should_have_accepted);
  EXPECT_NE(j.reason.find("part 2"), std::string::npos);
}

TEST(HarnessJudge, IncompleteSetNeedsQueryEvidence) {
  auto c = make_case("b/6", outcome::reject);
  c.expect.pass.emplace();
  c.expect.pass->set_outcome = "incomplete";
  EXPECT_EQ(judge(c, {answered(202)}, {accepted()}, {}).verdict, verdict::informational);
  data_evidence d;
  d.checked = true;
  EXPECT_EQ(judge(c, {answered(202)}, {accepted()}, d).verdict, verdict::pass);
  d.found = true;
  EXPECT_EQ(judge(c, {answered(202)}, {accepted()}, d).verdict, verdict::fail_should_have_rejected);
}

TEST(HarnessJudge, TransportProblemOfAnyPartWinsOverFailure) {
  auto c = make_case("b/7", outcome::accept);
  auto j = judge(c, {answered(400), failed(transport_outcome::timeout)}, {rejected(), {}}, {});
  EXPECT_EQ(j.verdict, verdict::timeout);
}

TEST(HarnessJudge, MismatchedInputsAreInformationalNotUb) {
  auto c = make_case("b/8", outcome::accept);
  EXPECT_EQ(judge(c, {}, {}, {}).verdict, verdict::informational);
  EXPECT_EQ(judge(c, {answered(200)}, {}, {}).verdict, verdict::informational);
}

TEST(HarnessVerdict, NamesRoundTripAndPartitions) {
  for (std::size_t i = 0; i < verdict_count; ++i) {
    auto v = static_cast<verdict>(i);
    EXPECT_EQ(parse_verdict(to_string(v)), v);
    EXPECT_LE(int(is_pass(v)) + int(is_failure(v)) + int(is_error(v)), 1);
  }
  EXPECT_FALSE(parse_verdict("crash"));
  EXPECT_TRUE(is_error(verdict::endpoint_down));
  EXPECT_TRUE(is_failure(verdict::fail_data));
}

TEST(HarnessDiff, IgnoresKeyOrderAndXFieldsReportsMissingAndUnexpected) {
  auto e = nlohmann::json::parse(R"({"a":1,"b":[1,2],"c":{"d":"x"},"x_z":0})");
  auto a = nlohmann::json::parse(R"({"c":{"d":"x"},"b":[1],"a":1.0,"e":true})");
  auto d = diff_canonical(e, a);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].pointer, "/b/1");
  EXPECT_EQ(d[0].kind, "missing");
  EXPECT_EQ(d[1].pointer, "/e");
  EXPECT_EQ(d[1].kind, "unexpected");
  EXPECT_TRUE(diff_canonical(e, e).empty());
}

// The judge's own comparison (used when the runner has no diff function) has the same guard as
// canonical_diff: a 300,000-level answer is one difference at the root, not a stack overflow.
TEST(DiffCanonical, DeeplyNestedAnswerFailsAtTheRoot) {
  const std::size_t depth = 300000;
  const auto a =
      nlohmann::json::parse("{\"a\":" + std::string(depth, '[') + std::string(depth, ']') + "}");
  const auto d = diff_canonical(nlohmann::json::parse(R"({"a":1})"), a);
  ASSERT_EQ(d.size(), 1U);
  EXPECT_EQ(d[0].pointer, "");
  EXPECT_EQ(d[0].kind, "different");
  EXPECT_EQ(d[0].expected, R"({"a":1})");
  EXPECT_EQ(d[0].actual, "(nested deeper than 256 levels)");
}

}  // namespace
}  // namespace apipnr::harness
