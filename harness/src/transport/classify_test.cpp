#include "apipnr/harness/classify.hpp"

#include <string>

#include <gtest/gtest.h>

namespace apipnr::harness {
namespace {

observation http(int status, std::string content_type, std::string body) {
  observation o;
  o.http_status = status;
  o.content_type = std::move(content_type);
  o.body = std::move(body);
  return o;
}

observation amqp(std::string body, std::string content_type = "application/edifact") {
  return http(0, std::move(content_type), std::move(body));
}

// STANDARDS.md Appendix A.4 (bad UNT count in message 1).
const char* const kContrlA4 =
    "UNB+UNOA:4+PIUTEST:ZZ+XXAPI:ZZ+250301:0932+9001'\n"
    "UNH+1+CONTRL:4:1:UN'\n"
    "UCI+1001+XXAPI:ZZ+PIUTEST:ZZ+7'\n"
    "UCF+1+XX AIRLINE+PIUTEST+7'\n"
    "UCM+1+PAXLST:D:05B:UN:IATA+4+29+UNT'\n"
    "UNT+5+1'\n"
    "UNZ+1+9001'\n";

// STANDARDS.md Appendix A.2.
const char* const kCusresA2 =
    "UNB+UNOA:4+PIUTEST+XXAPI+250301:0931+2001++IAPI'\n"
    "UNG+CUSRES+PIUTEST+XX AIRLINE+250301:0931+1+UN+D:05B'\n"
    "UNH+1+CUSRES:D:05B:UN:IATA+XX123/250301/1100+01:F'\n"
    "BGM+962'\n"
    "RFF+TN:XX1232503011'\n"
    "RFF+AF:XX123'\n"
    "DTM+189:2503011100:201'\n"
    "DTM+232:2503011400:201'\n"
    "LOC+125+LHR'\n"
    "LOC+87+JFK'\n"
    "ERP+2'\n"
    "RFF+AVF:ABC123'\n"
    "RFF+ABO:0001'\n"
    "ERC+0Z'\n"
    "FTX+AAP+++OK TO BOARD'\n"
    "UNT+14+1'\n"
    "UNE+1+1'\n"
    "UNZ+1+2001'\n";

// ---- CONTRL ----------------------------------------------------------------------------------

TEST(ClassifyContrl, Uci4WithCodeAndTagIsRejected) {
  const auto c = classify(http(400, "application/edifact",
                               "UNH+1+CONTRL:4:1:UN'UCI+1001+XX:ZZ+YY:ZZ+4+20+UNA'UNT+3+1'"));
  EXPECT_EQ(c.result, decision::rejected);
  EXPECT_EQ(c.ack, ack_type::contrl);
  ASSERT_TRUE(c.contrl_action.has_value());
  EXPECT_EQ(*c.contrl_action, 4);
  EXPECT_EQ(c.syntax_errors, std::vector<int>({20}));
  EXPECT_NE(c.summary.find("UCI 4"), std::string::npos) << c.summary;
  contrl_report r;
  ASSERT_EQ(read_contrl("UNH+1+CONTRL:4:1:UN'UCI+1001+XX+YY+4+20+UNA'UNT+3+1'", r), "");
  ASSERT_EQ(r.errors.size(), 1U);
  EXPECT_EQ(r.errors[0].segment, "UCI");
  EXPECT_EQ(r.errors[0].tag, "UNA");
}

TEST(ClassifyContrl, AppendixA4Uci7WithUcm4And29OnUntIsRejected) {
  const auto c = classify(http(422, "application/edifact", kContrlA4));
  EXPECT_EQ(c.result, decision::rejected);
  EXPECT_EQ(*c.contrl_action, 7);
  EXPECT_EQ(c.syntax_errors, std::vector<int>({29}));
  contrl_report r;
  ASSERT_EQ(read_contrl(kContrlA4, r), "");
  ASSERT_EQ(r.levels.size(), 2U);
  EXPECT_EQ(r.levels[1].segment, "UCM");
  EXPECT_EQ(r.levels[1].message_type, "PAXLST");
  EXPECT_EQ(r.levels[1].action, 4);
  ASSERT_EQ(r.errors.size(), 1U);
  EXPECT_EQ(r.errors[0].tag, "UNT");
  EXPECT_EQ(r.errors[0].message_ref, "1");
  EXPECT_EQ(r.errors[0].group_ref, "1");
}

// SYN-CTL-008/010: what UCI copied from the received UNB and the CONTRL's own identifier.
TEST(ClassifyContrl, AppendixA4ContentIsReadForExpectPassContrl) {
  const auto c = classify(http(422, "application/edifact", kContrlA4));
  ASSERT_TRUE(c.contrl.has_value());
  EXPECT_EQ(c.contrl->identifier, "CONTRL:4:1:UN");
  EXPECT_EQ(c.contrl->interchange_reference, "1001");
  EXPECT_EQ(c.contrl->interchange_sender, "XXAPI");
  EXPECT_EQ(c.contrl->interchange_recipient, "PIUTEST");
  ASSERT_EQ(c.contrl->levels.size(), 2U);
  EXPECT_EQ(c.contrl->levels[0].segment, "UCF");
  EXPECT_EQ(c.contrl->levels[0].reference, "1");
  EXPECT_EQ(c.contrl->levels[0].action, 7);
  EXPECT_EQ(c.contrl->levels[1].segment, "UCM");
  EXPECT_EQ(c.contrl->levels[1].reference, "1");
  EXPECT_EQ(c.contrl->levels[1].message_type, "PAXLST");
  const auto cusres = classify(http(200, "application/edifact", kCusresA2));
  EXPECT_FALSE(cusres.contrl.has_value());
}

TEST(ClassifyContrl, Uci7WithoutRejectedLevelsIsAccepted) {
  const auto c =
      classify(http(200, "application/edifact",
                    "UNH+1+CONTRL:4:1:UN'UCI+1001+XX+YY+7'UCM+1+PAXLST:D:05B:UN:IATA+7'UNT+4+1'"));
  EXPECT_EQ(c.result, decision::accepted);
  EXPECT_TRUE(c.syntax_errors.empty());
}

TEST(ClassifyContrl, UcsAndUcdPositionsAreRead) {
  const char* body =
      "UNH+1+CONTRL:4:1:UN'UCI+1001+XX+YY+7'UCM+7+PAXLST:D:05B:UN:IATA+4'"
      "UCS+12+13'UCS+15'UCD+12+3:2:1'UCD+39+4'UNT+8+1'";
  contrl_report r;
  ASSERT_EQ(read_contrl(body, r), "");
  ASSERT_EQ(r.errors.size(), 3U);
  EXPECT_EQ(r.errors[0].segment, "UCS");
  EXPECT_EQ(r.errors[0].segment_position, 12);
  EXPECT_EQ(r.errors[0].code, 13);
  EXPECT_EQ(r.errors[0].message_ref, "7");
  EXPECT_EQ(r.errors[1].segment, "UCD");
  EXPECT_EQ(r.errors[1].segment_position, 15);
  EXPECT_EQ(r.errors[1].code, 12);
  EXPECT_EQ(r.errors[1].element_position, 3);
  EXPECT_EQ(r.errors[1].component_position, 2);
  EXPECT_EQ(r.errors[1].occurrence, 1);
  EXPECT_EQ(r.errors[2].element_position, 4);
  const auto c = classify(amqp(body));
  EXPECT_EQ(c.result, decision::rejected);
  EXPECT_EQ(c.syntax_errors, std::vector<int>({13, 12, 39}));
}

TEST(ClassifyContrl, TechnicalReceiptUci8) {
  contrl_report r;
  ASSERT_EQ(read_contrl("UNH+1+CONTRL:4:1:UN'UCI+1001+XX+YY+8'UNT+3+1'", r), "");
  EXPECT_TRUE(r.technical_receipt);
  const auto c = classify(amqp("UNH+1+CONTRL:4:1:UN'UCI+1001+XX+YY+8'UNT+3+1'"));
  EXPECT_EQ(c.result, decision::accepted);
  EXPECT_EQ(*c.contrl_action, 8);
  EXPECT_NE(c.summary.find("technical receipt"), std::string::npos);
}

TEST(ClassifyContrl, CustomUnaDelimitersAndReleaseCharacters) {
  const char* body =
      "UNA(-.!*/UNB-UNOA(4-PIU!-1-XX-250301(0932-9001/\n"
      "UNH-1-CONTRL(4(1(UN/\nUCI-1001-PIU!-1-XX-4-22-UNA/\nUNT-3-1/\nUNZ-1-9001/\n";
  contrl_report r;
  ASSERT_EQ(read_contrl(body, r), "");
  EXPECT_EQ(r.interchange_action, 4);
  const auto c = classify(http(400, "application/EDIFACT; charset=us-ascii", body));
  EXPECT_EQ(c.result, decision::rejected);
  EXPECT_EQ(c.syntax_errors, std::vector<int>({22}));
}

TEST(ClassifyContrl, StrictAboutWhatItCannotRead) {
  contrl_report r;
  EXPECT_NE(read_contrl("UNH+1+CONTRL:4:1:UN'UNT+2+1'", r), "");              // no UCI
  EXPECT_NE(read_contrl("UNH+1+CONTRL:4:1:UN'UCI+1+X+Y+5'UNT+3+1'", r), "");  // action 5
  EXPECT_NE(read_contrl("UNH+1+CONTRL:4:1:UN'UCI+1+X+Y+4+AB'UNT+3+1'", r), "");
  EXPECT_NE(read_contrl("UNH+1+CONTRL:4:1:UN'UCI+1+X+Y+7'UCS+3+13'UNT+4+1'", r), "");
  EXPECT_NE(read_contrl("UNH+1+CONTRL:4:1:UN'UCI+1+X+Y+7'BGM+1'UNT+4+1'", r), "");
  EXPECT_NE(read_contrl("UNH+1+CONTRL:4:1:UN'UCI+1+X+Y+7'", r), "");  // no UNT
  const auto c =
      classify(http(400, "application/edifact", "UNH+1+CONTRL:4:1:UN'UCI+1+X+Y+9'UNT+3+1'"));
  EXPECT_EQ(c.result, decision::unknown);
  EXPECT_EQ(c.ack, ack_type::other);
  EXPECT_NE(c.summary.find("action 9"), std::string::npos) << c.summary;
}

TEST(ClassifyContrl, AcceptingContrlWith4xxIsAContradiction) {
  const auto c =
      classify(http(400, "application/edifact", "UNH+1+CONTRL:4:1:UN'UCI+1+X+Y+7'UNT+3+1'"));
  EXPECT_EQ(c.result, decision::unknown);
  EXPECT_EQ(c.ack, ack_type::contrl);
}

TEST(ClassifyContrl, RejectingContrlWith200IsRejected) {
  const auto c =
      classify(http(200, "text/plain", "UNH+1+CONTRL:4:1:UN'UCI+1+X+Y+4+2+UNB'UNT+3+1'"));
  EXPECT_EQ(c.result, decision::rejected);
}

// fuzz_receiver_intake (fuzz/crashers/receiver_intake_contrl_ucs_without_ucm.input): a CONTRL
// whose UCM has an empty 0062 (mandatory, ISO 9735-5) but says 4 with UCS under it was read as
// unreadable ("UCS ... without UCM"), so a vendor's rejection became unknown. It is a rejection
// with its shortfall named; a UCS before any UCM is still unreadable.
TEST(ClassifyContrl, UcmWithoutReferenceStillStatesItsRejectionWithTheShortfall) {
  const char* body =
      "UNH+1+CONTRL:4:1:UN'UCI+300303+XXAPI+PIUTEST+7'UCM+++4+21+UNH'UCS+2+21'UCS+3+21'"
      "UNT+6+1'";
  contrl_report r;
  ASSERT_EQ(read_contrl(body, r), "");
  ASSERT_EQ(r.levels.size(), 1U);
  EXPECT_EQ(r.levels[0].segment, "UCM");
  EXPECT_EQ(r.levels[0].reference, "");
  EXPECT_EQ(r.levels[0].action, 4);
  ASSERT_EQ(r.deviations.size(), 1U);
  EXPECT_NE(r.deviations[0].find("without 0062"), std::string::npos) << r.deviations[0];
  EXPECT_EQ(r.errors.size(), 3U);
  const auto c = classify(http(400, "application/edifact", body));
  EXPECT_EQ(c.result, decision::rejected);
  EXPECT_EQ(c.ack, ack_type::contrl);
  EXPECT_EQ(c.syntax_errors, std::vector<int>({21, 21, 21}));
  EXPECT_NE(c.summary.find("UCM in segment 3 without 0062"), std::string::npos) << c.summary;
  EXPECT_EQ(classify(amqp(body)).result, decision::rejected);
  // A UCM with 0062 but no S009 is named as well; a well-formed one is not.
  ASSERT_EQ(read_contrl("UNH+1+CONTRL:4:1:UN'UCI+1+X+Y+7'UCM+5++4'UNT+4+1'", r), "");
  ASSERT_EQ(r.deviations.size(), 1U);
  EXPECT_NE(r.deviations[0].find("without S009"), std::string::npos) << r.deviations[0];
  ASSERT_EQ(read_contrl(kContrlA4, r), "");
  EXPECT_TRUE(r.deviations.empty());
  // Still strict: a UCS under a UCF, with no UCM before it, belongs to no message.
  EXPECT_NE(read_contrl("UNH+1+CONTRL:4:1:UN'UCI+1+X+Y+7'UCF+1+A+B+4'UCS+3+13'UNT+5+1'", r), "");
  EXPECT_NE(read_contrl("UNH+1+CONTRL:4:1:UN'UCI+1+X+Y+7'UCM+1+P:D:1:UN+4'UCF+1+A+B+7'UCS+3+13'"
                        "UNT+6+1'",
                        r),
            "");
}

// ---- CUSRES ----------------------------------------------------------------------------------

TEST(ClassifyCusres, AppendixA2OkToBoard) {
  cusres_report r;
  ASSERT_EQ(read_cusres(kCusresA2, r), "");
  EXPECT_EQ(r.bgm, "962");
  ASSERT_EQ(r.groups.size(), 1U);
  EXPECT_EQ(r.groups[0].level, 2);
  EXPECT_EQ(r.groups[0].abo, "0001");
  EXPECT_EQ(r.groups[0].avf, "ABC123");
  EXPECT_EQ(r.groups[0].text, "OK TO BOARD");
  const auto c = classify(http(200, "application/edifact", kCusresA2));
  EXPECT_EQ(c.result, decision::accepted);
  EXPECT_EQ(c.ack, ack_type::cusres);
  ASSERT_EQ(c.directives.size(), 1U);
  EXPECT_EQ(c.directives[0].reference, "0001");
  EXPECT_EQ(c.directives[0].code, "0Z");
}

// What pairs the answer with its request (TRN-H2H-001, API-CUSRES-RFF-001): UNH 0062/0068 and
// the first RFF, carried into classification::cusres for expect.cusres.
TEST(ClassifyCusres, ReferencesAndGroupsReachTheClassification) {
  cusres_report r;
  ASSERT_EQ(read_cusres(kCusresA2, r), "");
  EXPECT_EQ(r.message_reference, "1");
  EXPECT_EQ(r.common_access_reference, "XX123/250301/1100");
  EXPECT_EQ(r.first_rff, "TN");
  EXPECT_EQ(r.transaction_reference, "XX1232503011");
  EXPECT_FALSE(r.tn_group_has_dtm_or_loc);  // DTM/LOC belong to the RFF+AF group
  const auto c = classify(http(200, "application/edifact", kCusresA2));
  ASSERT_TRUE(c.cusres.has_value());
  EXPECT_EQ(c.cusres->document, "962");
  EXPECT_EQ(c.cusres->transaction_reference, "XX1232503011");
  ASSERT_EQ(c.cusres->groups.size(), 1U);
  EXPECT_EQ(c.cusres->groups[0].avf, "ABC123");
  EXPECT_EQ(c.cusres->groups[0].codes, std::vector<std::string>{"0Z"});
  // A TN group with a date, and a first RFF that is not TN.
  ASSERT_EQ(read_cusres("UNH+7+CUSRES:D:05B:UN:IATA'BGM+962'RFF+TN:T1'DTM+189:2503011100:201'"
                        "ERP+1'ERC+1'UNT+6+7'",
                        r),
            "");
  EXPECT_TRUE(r.tn_group_has_dtm_or_loc);
  ASSERT_EQ(read_cusres("UNH+7+CUSRES:D:05B:UN:IATA'BGM+962'RFF+AF:XX123'RFF+TN:T1'ERP+1'ERC+1'"
                        "UNT+6+7'",
                        r),
            "");
  EXPECT_EQ(r.first_rff, "AF");
  EXPECT_EQ(r.transaction_reference, "");
  EXPECT_FALSE(classify(http(400, "application/edifact", kContrlA4)).cusres.has_value());
}

TEST(ClassifyCusres, EveryDirectivePerPassenger) {
  const std::string body =
      "UNH+1+CUSRES:D:05B:UN:IATA'BGM+962'RFF+TN:1'"
      "ERP+2'RFF+ABO:P1'ERC+0Z'"
      "ERP+2'RFF+AVF:X'RFF+ABO:P2'ERC+1Z'FTX+AAP+++NO BOARD:CALL'"
      "ERP+2'RFF+ABO:P3'ERC+2Z'"
      "ERP+2'ERC+4Z'"
      "UNT+15+1'";
  const auto c = classify(amqp(body));
  EXPECT_EQ(c.result, decision::accepted);
  ASSERT_EQ(c.directives.size(), 4U);
  EXPECT_EQ(c.directives[1].reference, "P2");
  EXPECT_EQ(c.directives[1].code, "1Z");
  EXPECT_EQ(c.directives[2].code, "2Z");
  EXPECT_EQ(c.directives[3].reference, "#4");  // no RFF+ABO: ERP sequence
  EXPECT_EQ(c.directives[3].code, "4Z");
  cusres_report r;
  ASSERT_EQ(read_cusres(body, r), "");
  EXPECT_EQ(r.groups[1].text, "NO BOARD:CALL");
}

TEST(ClassifyCusres, HeaderLevelErrorIsRejected) {
  const auto c =
      classify(amqp("UNH+1+CUSRES:D:05B:UN:IATA'BGM+962'ERP+1'ERC+1'FTX+AAP+++INVALID'UNT+6+1'"));
  EXPECT_EQ(c.result, decision::rejected);
  EXPECT_TRUE(c.directives.empty());
  EXPECT_NE(c.summary.find("header ERC 1"), std::string::npos) << c.summary;
  const auto ok = classify(amqp("UNH+1+CUSRES:D:05B:UN:IATA'BGM+962'ERP+1'ERC+0'UNT+5+1'"));
  EXPECT_EQ(ok.result, decision::accepted);
}

TEST(ClassifyCusres, MissingBgmOrBadErpIsUnknown) {
  EXPECT_EQ(classify(amqp("UNH+1+CUSRES:D:05B:UN:IATA'ERP+2'ERC+0Z'UNT+4+1'")).result,
            decision::unknown);
  EXPECT_EQ(classify(amqp("UNH+1+CUSRES:D:05B:UN:IATA'BGM+962'ERP+3'UNT+4+1'")).result,
            decision::unknown);
}

// ---- ACKRES ----------------------------------------------------------------------------------

TEST(ClassifyAckres, PositiveAckres) {
  const auto c = classify(http(200, "application/edifact",
                               "UNB+IATA:1+PIU+XX+250228:1101+1'UNH+1+ACKRES:13:1:IA'MSG+:22'"
                               "UNT+3+1'UNZ+1+1'"));
  EXPECT_EQ(c.result, decision::accepted);
  EXPECT_EQ(c.ack, ack_type::ackres);
  EXPECT_TRUE(c.syntax_errors.empty());
}

TEST(ClassifyAckres, AckresWithErrorsIsRejected) {
  const char* body =
      "UNH+1+ACKRES:13:1:IA'MSG+:22'ERC+103'IFT+3+PNR-ACK-004 unknown flight'ERC+114'UNT+6+1'";
  ackres_report r;
  ASSERT_EQ(read_ackres(body, r), "");
  EXPECT_EQ(r.function, ":22");
  EXPECT_EQ(r.codes, std::vector<std::string>({"103", "114"}));
  const auto c = classify(amqp(body));
  EXPECT_EQ(c.result, decision::rejected);
  EXPECT_EQ(c.syntax_errors, std::vector<int>({103, 114}));
  EXPECT_EQ(c.finding_ids, std::vector<std::string>({"PNR-ACK-004"}));
}

// ---- problem+json and receipts ---------------------------------------------------------------

TEST(ClassifyProblem, FindingsIdsRequirementsAndCodes) {
  const auto c = classify(
      http(400, "application/problem+json",
           R"({"type":"urn:apipnr:problem:syntax-rejected","title":"x","status":400,"findings":[
         {"id":"EDI-UNT-COUNT","requirement":"SYN-ENV-006","severity":"error","syntax_error":29},
         {"id":"EDI-W","requirement":"SYN-W-1","severity":"warning"},
         {"id":"EDI-I","severity":"info"}, 17, "x"]})"));
  EXPECT_EQ(c.result, decision::rejected);
  EXPECT_EQ(c.ack, ack_type::problem_json);
  EXPECT_TRUE(c.findings_reported);
  EXPECT_EQ(c.finding_ids, std::vector<std::string>({"EDI-UNT-COUNT", "EDI-W", "EDI-I"}));
  EXPECT_EQ(c.requirements, std::vector<std::string>({"SYN-ENV-006"}));
  EXPECT_EQ(c.warning_requirements, std::vector<std::string>({"SYN-W-1"}));
  EXPECT_EQ(c.syntax_errors, std::vector<int>({29}));
}

TEST(ClassifyProblem, ProblemOverAmqpUsesItsStatusMember) {
  const auto c = classify(
      amqp(R"({"type":"about:blank","title":"t","status":422})", "application/problem+json"));
  EXPECT_EQ(c.result, decision::rejected);
  EXPECT_EQ(c.problem_status, 422);
  EXPECT_FALSE(c.findings_reported);
}

TEST(ClassifyReceipt, TextReceiptWithLocation) {
  auto o = http(202, "text/plain; charset=utf-8", "accepted id=42 verdict=accept\n");
  o.headers["location"] = "/v1/messages/42";
  const auto c = classify(o);
  EXPECT_EQ(c.result, decision::accepted);
  EXPECT_EQ(c.ack, ack_type::receipt);
  EXPECT_EQ(c.message_id, "42");
  o.headers.clear();
  EXPECT_EQ(classify(o).message_id, "42");
}

TEST(ClassifyReceipt, JsonReceiptWithEmbeddedContrl) {
  const auto c = classify(
      http(200, "application/json",
           R"({"id":7,"verdict":"accept","contrl":"UNH+1+CONTRL:4:1:UN'UCI+1+X+Y+7'UNT+3+1'"})"));
  EXPECT_EQ(c.result, decision::accepted);
  EXPECT_EQ(c.ack, ack_type::receipt);
  EXPECT_EQ(c.message_id, "7");
  EXPECT_EQ(*c.contrl_action, 7);
}

TEST(ClassifyReceipt, EmptyBodyStatusDecides) {
  EXPECT_EQ(classify(http(204, "", "")).result, decision::accepted);
  EXPECT_EQ(classify(http(403, "", "")).result, decision::rejected);
  EXPECT_EQ(classify(http(503, "", "")).result, decision::unknown);
  EXPECT_EQ(classify(http(302, "", "")).result, decision::unknown);
  EXPECT_EQ(classify(http(204, "", "")).ack, ack_type::none);
}

// Over AMQP the acknowledgement is the reply's body: a reply without one states no decision
// (it was read as a receipt, i.e. accepted, so a rejection case passed as "accepted" and an
// acceptance case passed without the CONTRL it expected). A receipt or problem still decides.
TEST(ClassifyReceipt, AmqpReplyWithoutABodyStatesNoDecision) {
  for (const char* body : {"", " \r\n"}) {
    const auto c = classify(amqp(body, ""));
    EXPECT_EQ(c.result, decision::unknown) << "'" << body << "'";
    EXPECT_EQ(c.ack, ack_type::none);
    EXPECT_NE(c.summary.find("reply without a body"), std::string::npos) << c.summary;
  }
  EXPECT_EQ(classify(amqp("accepted id=4 verdict=accept", "text/plain")).result,
            decision::accepted);
  EXPECT_EQ(classify(amqp(R"({"id":"4"})", "application/json")).result, decision::accepted);
  EXPECT_EQ(
      classify(amqp(R"({"type":"urn:x","title":"t","status":422})", "application/problem+json"))
          .result,
      decision::rejected);
  // Over HTTP the status still decides an empty body (204, 403).
  EXPECT_EQ(classify(http(204, "", "")).result, decision::accepted);
}

// ---- garbage ---------------------------------------------------------------------------------

TEST(ClassifyGarbage, NeverCrashesAndSaysUnknown) {
  const std::string cases[] = {
      std::string("\x00\xff\xfe garbage", 12),
      "UNH+1+CONTRL:4:1:UN'UCI+",
      "UNA",
      "{\"type\":",
      std::string(100000, '['),
      "<html>500</html>",
      "UNH+1+PAXLST:D:05B:UN:IATA'BGM+745'UNT+3+1'",
      "UNH+1+CONTRL:4:1:UN'UCI+1+X+Y+7'UNT+3+1'UNH+2+CUSRES:D:05B:UN:IATA'BGM+962'UNT+2+2'",
      "UNB+UNOA:4+A+B+1+2'UNZ+0+2'",
  };
  for (const auto& body : cases) {
    const auto c = classify(http(200, "application/octet-stream", body));
    EXPECT_EQ(c.result, decision::unknown) << body.substr(0, 40);
    EXPECT_FALSE(c.summary.empty());
    const auto j = classify(http(400, "application/problem+json", body));
    EXPECT_EQ(j.result, decision::unknown) << body.substr(0, 40);
  }
}

TEST(ClassifyGarbage, TransportOutcomesCarryNoDecision) {
  observation o;
  o.outcome = transport_outcome::timeout;
  o.body = "UNH+1+CONTRL:4:1:UN'UCI+1+X+Y+7'UNT+3+1'";
  const auto c = classify(o);
  EXPECT_EQ(c.result, decision::unknown);
  EXPECT_EQ(c.ack, ack_type::none);
  EXPECT_NE(c.summary.find("timeout"), std::string::npos);
}

// fuzz_harness_classify (fuzz/crashers/harness_classify_problem_status_wraps.json): a problem
// status or syntax_error beyond int was read with get<int>(), which wraps: 4294967496 became 200
// and an AMQP problem was "accepted"; 4294967325 became 0085 code 29.
TEST(ClassifyProblem, StatusOrCodeOutsideTheirRangeIsNotWrapped) {
  const auto c = classify(amqp(R"({"type":"about:blank","title":"t","status":4294967496})",
                               "application/problem+json"));
  EXPECT_EQ(c.problem_status, 0);
  EXPECT_EQ(c.result, decision::unknown);
  EXPECT_NE(c.summary.find("4294967496 is not an HTTP status"), std::string::npos) << c.summary;
  const auto big =
      classify(http(400, "application/problem+json",
                    R"({"type":"x","status":18446744073709551615,"title":"t","findings":[
               {"id":"A-B","syntax_error":4294967325},{"id":"A-C","syntax_error":29}]})"));
  EXPECT_EQ(big.problem_status, 0);
  EXPECT_EQ(big.result, decision::rejected);  // the HTTP status decides
  EXPECT_EQ(big.syntax_errors, std::vector<int>({29}));
}

}  // namespace
}  // namespace apipnr::harness
