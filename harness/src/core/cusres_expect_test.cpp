#include "apipnr/harness/cusres_expect.hpp"

#include <gtest/gtest.h>

#include "test_support_internal.hpp"

namespace apipnr::harness {
namespace {

using testing::answered;
using testing::make_case;
using vectors::outcome;

// A CUSRES 962 as the harness's reader reports it: TN echoed, two passengers.
classification cusres_answer(std::vector<cusres_content::group> groups) {
  classification c;
  c.result = decision::accepted;
  c.ack = ack_type::cusres;
  c.summary = "CUSRES BGM 962";
  cusres_content k;
  k.document = "962";
  k.first_rff = "TN";
  k.transaction_reference = "XX1232503011";
  k.message_reference = "1";
  k.common_access_reference = "XX123/250301/1100";
  k.groups = std::move(groups);
  c.cusres = std::move(k);
  return c;
}

cusres_content::group pax(std::string abo, std::string code, std::string avf = "ABC123") {
  return {2, std::move(abo), std::move(avf), {std::move(code)}};
}

vectors::cusres_expectation two_travellers(bool complete = true) {
  vectors::cusres_expectation x;
  x.document = "962";
  x.transaction_reference = "XX1232503011";
  x.travellers = {{"0001", "ABC123", "0Z"}, {"0002", "", "1Z"}};
  x.complete = complete;
  return x;
}

TEST(CusresExpect, RightDirectivesPass) {
  const auto j =
      judge_cusres(two_travellers(), cusres_answer({pax("0001", "0Z"), pax("0002", "1Z")}));
  EXPECT_EQ(j.verdict, verdict::pass) << j.reason;
  EXPECT_TRUE(j.reason.empty());
}

TEST(CusresExpect, WrongDirectiveNamesTravellerExpectedAndActual) {
  const auto j =
      judge_cusres(two_travellers(), cusres_answer({pax("0001", "0Z"), pax("0002", "0Z")}));
  EXPECT_EQ(j.verdict, verdict::fail_wrong_code);
  EXPECT_NE(j.reason.find("traveller 0002"), std::string::npos) << j.reason;
  EXPECT_NE(j.reason.find("1Z expected"), std::string::npos) << j.reason;
  EXPECT_NE(j.reason.find("sent 0Z"), std::string::npos) << j.reason;
}

TEST(CusresExpect, MissingTravellerFails) {
  const auto j = judge_cusres(two_travellers(), cusres_answer({pax("0001", "0Z")}));
  EXPECT_EQ(j.verdict, verdict::fail_wrong_code);
  EXPECT_NE(j.reason.find("traveller 0002 not answered"), std::string::npos) << j.reason;
}

TEST(CusresExpect, ExtraTravellerFailsOnlyWhenCompleteIsAsked) {
  const auto answer = cusres_answer({pax("0001", "0Z"), pax("0002", "1Z"), pax("0003", "0Z")});
  const auto strict = judge_cusres(two_travellers(true), answer);
  EXPECT_EQ(strict.verdict, verdict::fail_wrong_code);
  EXPECT_NE(strict.reason.find("unexpected traveller 0003"), std::string::npos) << strict.reason;
  EXPECT_EQ(judge_cusres(two_travellers(false), answer).verdict, verdict::pass);
  // complete also means "each once".
  const auto twice =
      judge_cusres(two_travellers(true),
                   cusres_answer({pax("0001", "0Z"), pax("0002", "1Z"), pax("0002", "1Z")}));
  EXPECT_EQ(twice.verdict, verdict::fail_wrong_code);
  EXPECT_NE(twice.reason.find("answered 2 times"), std::string::npos) << twice.reason;
}

TEST(CusresExpect, AvfIsPartOfTheKeyWhenGiven) {
  const auto j = judge_cusres(two_travellers(),
                              cusres_answer({pax("0001", "0Z", "XYZ999"), pax("0002", "1Z")}));
  EXPECT_EQ(j.verdict, verdict::fail_wrong_code);
  EXPECT_NE(j.reason.find("RFF+AVF ABC123 expected"), std::string::npos) << j.reason;
}

TEST(CusresExpect, NotACusresIsAWrongCode) {
  classification contrl;
  contrl.result = decision::rejected;
  contrl.ack = ack_type::contrl;
  contrl.summary = "HTTP 400, CONTRL UCI 4";
  const auto j = judge_cusres(two_travellers(), contrl);
  EXPECT_EQ(j.verdict, verdict::fail_wrong_code);
  EXPECT_NE(j.reason.find("CUSRES 962 expected"), std::string::npos) << j.reason;
  EXPECT_NE(j.reason.find("CONTRL UCI 4"), std::string::npos) << j.reason;
}

TEST(CusresExpect, HeaderErcAndDocument) {
  vectors::cusres_expectation x;
  x.document = "962";
  x.header_erc = "1";
  auto refused = cusres_answer({{1, "", "", {"1"}}});
  EXPECT_EQ(judge_cusres(x, refused).verdict, verdict::pass);
  const auto none = judge_cusres(x, cusres_answer({pax("0001", "0Z")}));
  EXPECT_EQ(none.verdict, verdict::fail_wrong_code);
  EXPECT_NE(none.reason.find("no ERP+1 group"), std::string::npos) << none.reason;
  const auto other = judge_cusres(x, cusres_answer({{1, "", "", {"0"}}}));
  EXPECT_NE(other.reason.find("sent ERC 0"), std::string::npos) << other.reason;
  refused.cusres->document = "132";
  const auto doc = judge_cusres(x, refused);
  EXPECT_EQ(doc.verdict, verdict::fail_wrong_code);
  EXPECT_NE(doc.reason.find("BGM 962 expected"), std::string::npos) << doc.reason;
}

TEST(CusresExpect, TransactionReferenceMustBeTheFirstRffWithoutDtmOrLoc) {
  vectors::cusres_expectation x;
  x.document = "962";
  x.transaction_reference = "XX1232503011";
  auto a = cusres_answer({});
  EXPECT_EQ(judge_cusres(x, a).verdict, verdict::pass);
  a.cusres->transaction_reference = "OTHER";
  EXPECT_NE(judge_cusres(x, a).reason.find("RFF+TN XX1232503011 expected"), std::string::npos);
  a = cusres_answer({});
  a.cusres->first_rff = "AF";
  EXPECT_NE(judge_cusres(x, a).reason.find("first RFF is not TN"), std::string::npos);
  a = cusres_answer({});
  a.cusres->tn_group_has_dtm_or_loc = true;
  EXPECT_EQ(judge_cusres(x, a).verdict, verdict::fail_wrong_code);
}

TEST(CusresExpect, EnvelopeReferencesEchoed) {
  vectors::cusres_expectation x;
  x.document = "962";
  x.message_reference = "1";
  x.common_access_reference = "XX123/250301/1100";
  auto a = cusres_answer({});
  EXPECT_EQ(judge_cusres(x, a).verdict, verdict::pass);
  a.cusres->common_access_reference.clear();
  EXPECT_NE(judge_cusres(x, a).reason.find("UNH 0068 XX123/250301/1100 expected"),
            std::string::npos);
}

// judge() applies expect.cusres to the answer of accept and reject cases.
TEST(CusresExpect, JudgeUsesTheExpectation) {
  auto c = make_case("edifact/messages/iapi/90", outcome::accept);
  c.expect.cusres = two_travellers();
  const std::vector<observation> obs{answered(200)};
  const auto good = judge(c, obs, {cusres_answer({pax("0001", "0Z"), pax("0002", "1Z")})}, {});
  EXPECT_EQ(good.verdict, verdict::pass) << good.reason;
  EXPECT_NE(good.expected.find("CUSRES 962"), std::string::npos) << good.expected;
  const auto bad = judge(c, obs, {cusres_answer({pax("0001", "0Z"), pax("0002", "2Z")})}, {});
  EXPECT_EQ(bad.verdict, verdict::fail_wrong_code);

  auto r = make_case("edifact/messages/iapi/91", outcome::reject, {}, {}, {400, 422});
  r.expect.cusres.emplace();
  r.expect.cusres->document = "962";
  r.expect.cusres->header_erc = "1";
  auto refused = cusres_answer({{1, "", "", {"1"}}});
  refused.result = decision::rejected;
  EXPECT_EQ(judge(r, obs, {refused}, {}).verdict, verdict::pass);
  classification problem;
  problem.result = decision::rejected;
  problem.ack = ack_type::problem_json;
  problem.summary = "problem iapi-not-answerable";
  // Not lenient: the case states the CUSRES it expects.
  const auto j = judge(r, {answered(422)}, {problem}, {});
  EXPECT_EQ(j.verdict, verdict::fail_wrong_code);
  EXPECT_NE(j.reason.find("CUSRES 962 expected"), std::string::npos) << j.reason;
}

}  // namespace
}  // namespace apipnr::harness
