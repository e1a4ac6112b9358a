#include "apipnr/responses/ackres.hpp"

#include <gtest/gtest.h>

#include <string>

#include "apipnr/common/diagnostic.hpp"
#include "apipnr/edifact/interchange.hpp"
#include "apipnr/edifact/parser.hpp"

namespace apipnr::responses {
namespace {

// Acknowledges the A.3 push of STANDARDS.md (synthetic parties PIUPNR -> XX).
ackres_message a3_ack() {
  ackres_message m;
  m.env = pnrgov_envelope();
  m.env.sender.id = "PIUPNR";
  m.env.recipient.id = "XX";
  m.env.date = "250228";
  m.env.time = "1101";
  m.env.control_reference = "4001";
  m.message_reference = "1";
  m.common_access_reference = "XX123/010325/1100/24";
  m.acknowledged_function = "22";
  return m;
}

constexpr std::string_view positive_a3 =
    "UNA:+.? '"
    "UNB+IATA:1+PIUPNR+XX+250228:1101+4001'"
    "UNG+ACKRES+PIUPNR+XX+250228:1101+1+IA+13:1'"
    "UNH+1+ACKRES:13:1:IA+XX123/010325/1100/24'"
    "MSG+:22'"
    "UNT+3+1'"
    "UNE+1+1'"
    "UNZ+1+4001'";

struct parsed {
  boost::system::error_code stop;
  diagnostic_list findings;
  edifact::interchange ic;
};

void parse_strict(const std::string& text, parsed& out) {
  const edifact::parser p;
  out.stop = p.parse(text, out.ic, out.findings);
}

std::string findings_text(const diagnostic_list& l) {
  std::string s;
  for (const diagnostic& d : l.items()) s += std::string(d.id) + " " + d.detail + "\n";
  return s;
}

std::string write_ok(const ackres_message& m, const ackres_template& t = {}) {
  std::string out;
  const boost::system::error_code ec = write_ackres(m, out, t);
  EXPECT_FALSE(ec) << ec.message();
  return out;
}

boost::system::error_code write_error(const ackres_message& m, const ackres_template& t = {}) {
  std::string out;
  return write_ackres(m, out, t);
}

bool contains(const std::string& text, std::string_view needle) {
  return text.find(needle) != std::string::npos;
}

TEST(AckresWriter, PositiveAcknowledgementEchoesPushFunction) {
  EXPECT_EQ(write_ok(a3_ack()), positive_a3);
}

TEST(AckresWriter, PositiveAcknowledgementParsesStrictly) {
  parsed p;
  parse_strict(write_ok(a3_ack()), p);
  ASSERT_FALSE(p.stop) << p.stop.message();
  EXPECT_TRUE(p.findings.empty()) << findings_text(p.findings);
  ASSERT_EQ(p.ic.messages.size(), 1u);
  EXPECT_EQ(p.ic.messages[0].type, "ACKRES");
  EXPECT_EQ(p.ic.messages[0].agency, "IA");
  EXPECT_EQ(p.ic.messages[0].segment_count(), 3u);
}

TEST(AckresWriter, ErrorsBecomeErcGroupsWithIftTexts) {
  ackres_message m = a3_ack();
  m.errors.push_back({"103", {"INVALID DEPARTURE TIME"}});
  m.errors.push_back({"114", {"INVALID FLIGHT NUMBER", "SEE TVL+XX+123?"}});
  const std::string text = write_ok(m);
  EXPECT_TRUE(contains(text,
                       "'MSG+:22'ERC+103'IFT+3+INVALID DEPARTURE TIME'ERC+114'"
                       "IFT+3+INVALID FLIGHT NUMBER'IFT+3+SEE TVL?+XX?+123?"
                       "?'UNT+8+1'"))
      << text;
  parsed p;
  parse_strict(text, p);
  ASSERT_FALSE(p.stop);
  EXPECT_FALSE(p.findings.has_errors()) << findings_text(p.findings);
  EXPECT_EQ(p.ic.messages.at(0).segment_count(), 8u);
}

TEST(AckresWriter, ResponseTypeDependsOnErrors) {
  ackres_template t;
  t.response_type_accepted = "AP";
  t.response_type_rejected = "RE";
  ackres_message m = a3_ack();
  EXPECT_TRUE(contains(write_ok(m, t), "'MSG+:22+AP'"));
  m.errors.push_back({"103", {}});
  EXPECT_TRUE(contains(write_ok(m, t), "'MSG+:22+RE'ERC+103'UNT+4+1'"));
}

TEST(AckresWriter, FixedFunctionModeIgnoresPushFunction) {
  ackres_template t;
  t.function_mode = ack_function_mode::fixed;
  t.fixed_function = "3";
  t.business_function = "1";
  ackres_message m = a3_ack();
  m.acknowledged_function.clear();
  EXPECT_TRUE(contains(write_ok(m, t), "'MSG+1:3'"));
}

TEST(AckresWriter, TemplateSetsVersionAndTextQualifier) {
  ackres_template t;
  t.version = "15";
  t.release = "1";
  t.text_qualifier = "4";
  t.text_information_type = "10";
  t.echo_common_access_reference = false;
  ackres_message m = a3_ack();
  m.errors.push_back({"103", {"BAD TIME"}});
  const std::string text = write_ok(m, t);
  EXPECT_TRUE(contains(text, "UNG+ACKRES+PIUPNR+XX+250228:1101+1+IA+15:1'")) << text;
  EXPECT_TRUE(contains(text, "UNH+1+ACKRES:15:1:IA'")) << text;
  EXPECT_TRUE(contains(text, "IFT+4:10+BAD TIME'")) << text;
}

TEST(AckresWriter, LongTextContinuesInFurtherElements) {
  ackres_template t;
  t.text_element_length = 10;
  ackres_message m = a3_ack();
  m.errors.push_back({"103", {"ABCDEFGHIJKLMNO"}});
  EXPECT_TRUE(contains(write_ok(m, t), "IFT+3+ABCDEFGHIJ+KLMNO'"));
}

TEST(AckresWriter, WritesWithUnoaEnvelopeWithoutGroup) {
  ackres_message m = a3_ack();
  m.env.syntax_identifier = "UNOA";
  m.env.syntax_version = 4;
  m.env.write_una = false;
  m.env.group = false;
  const std::string text = write_ok(m);
  EXPECT_EQ(text,
            "UNB+UNOA:4+PIUPNR+XX+250228:1101+4001'UNH+1+ACKRES:13:1:IA+XX123/010325/1100/24'"
            "MSG+:22'UNT+3+1'UNZ+1+4001'");
  parsed p;
  parse_strict(text, p);
  EXPECT_FALSE(p.findings.has_errors()) << findings_text(p.findings);
}

TEST(AckresWriter, RejectsMoreThanNinetyNineErrors) {
  ackres_message m = a3_ack();
  m.errors.assign(100, ackres_error{"103", {}});
  EXPECT_EQ(write_error(m), errc::ackres_too_many_errors);
  m.errors.resize(99);
  EXPECT_FALSE(write_error(m));
}

TEST(AckresWriter, RejectsInvalidErrorCode) {
  ackres_message m = a3_ack();
  m.errors.push_back({"", {}});
  EXPECT_EQ(write_error(m), errc::ackres_invalid_error_code);
  m.errors.back().code = "123456789";
  EXPECT_EQ(write_error(m), errc::ackres_invalid_error_code);
}

TEST(AckresWriter, RejectsTooManyTexts) {
  ackres_message m = a3_ack();
  m.errors.push_back({"103", std::vector<std::string>(10, "X")});
  EXPECT_EQ(write_error(m), errc::ackres_too_many_texts);
}

TEST(AckresWriter, RejectsMissingFunction) {
  ackres_message m = a3_ack();
  m.acknowledged_function.clear();
  EXPECT_EQ(write_error(m), errc::ackres_missing_function);
}

TEST(AckresWriter, RejectsMalformedIdentifier) {
  ackres_template t;
  t.version.clear();
  EXPECT_EQ(write_error(a3_ack(), t), errc::ackres_invalid_identifier);
}

TEST(AckresWriter, RejectsEmptyMessageReference) {
  ackres_message m = a3_ack();
  m.message_reference.clear();
  EXPECT_EQ(write_error(m), errc::ackres_missing_reference);
}

TEST(AckresWriter, ResultOverloadReturnsText) {
  const auto res = write_ackres(a3_ack());
  ASSERT_TRUE(res.has_value());
  EXPECT_EQ(*res, positive_a3);
}

}  // namespace
}  // namespace apipnr::responses
