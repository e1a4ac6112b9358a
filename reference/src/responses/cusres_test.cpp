#include "apipnr/responses/cusres.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <string_view>

#include "apipnr/common/diagnostic.hpp"
#include "apipnr/edifact/interchange.hpp"
#include "apipnr/edifact/parser.hpp"

namespace apipnr::responses {
namespace {

// STANDARDS.md Appendix A.2, one segment per line there; joined here without line breaks.
// A.2 has no UNA: the interchange uses the default service characters, so `write_una` is off.
constexpr std::array<std::string_view, 18> appendix_a2{
    "UNB+UNOA:4+PIUTEST+XXAPI+250301:0931+2001++IAPI'",
    "UNG+CUSRES+PIUTEST+XX AIRLINE+250301:0931+1+UN+D:05B'",
    "UNH+1+CUSRES:D:05B:UN:IATA+XX123/250301/1100+01:F'",
    "BGM+962'",
    "RFF+TN:XX1232503011'",
    "RFF+AF:XX123'",
    "DTM+189:2503011100:201'",
    "DTM+232:2503011400:201'",
    "LOC+125+LHR'",
    "LOC+87+JFK'",
    "ERP+2'",
    "RFF+AVF:ABC123'",
    "RFF+ABO:0001'",
    "ERC+0Z'",
    "FTX+AAP+++OK TO BOARD'",
    "UNT+14+1'",
    "UNE+1+1'",
    "UNZ+1+2001'",
};

std::string joined_a2() {
  std::string s;
  for (std::string_view line : appendix_a2) s += line;
  return s;
}

// The data of Appendix A.2 (synthetic).
cusres_response a2_response() {
  cusres_response r;
  r.env.sender.id = "PIUTEST";
  r.env.recipient.id = "XXAPI";
  r.env.date = "250301";
  r.env.time = "0931";
  r.env.control_reference = "2001";
  r.env.application_reference = "IAPI";
  r.env.group = true;
  r.env.group_recipient.id = "XX AIRLINE";
  r.document = cusres_document::response;
  r.request.message_reference = "1";
  r.request.common_access_reference = "XX123/250301/1100";
  r.request.transaction_reference = "XX1232503011";
  r.flight = flight_echo{"XX123", "2503011100", "2503011400", "201", "LHR", "JFK"};
  passenger_result p;
  p.booking_reference = "ABC123";
  p.passenger_reference = "0001";
  p.directive_code = std::string(code(directive::ok_to_board));
  p.text = "OK TO BOARD";
  r.passengers.push_back(p);
  return r;
}

struct parsed {
  boost::system::error_code stop;
  diagnostic_list findings;
  edifact::interchange ic;
};

// Strict parse of our own output with the project's parser.
void parse_strict(const std::string& text, parsed& out) {
  const edifact::parser p;
  out.stop = p.parse(text, out.ic, out.findings);
}

std::string findings_text(const diagnostic_list& l) {
  std::string s;
  for (const diagnostic& d : l.items()) s += std::string(d.id) + " " + d.detail + "\n";
  return s;
}

std::string write_ok(const cusres_response& r, const cusres_options& o = {}) {
  std::string out;
  const boost::system::error_code ec = write_cusres(r, out, o);
  EXPECT_FALSE(ec) << ec.message();
  return out;
}

boost::system::error_code write_error(const cusres_response& r, const cusres_options& o = {}) {
  std::string out;
  return write_cusres(r, out, o);
}

// The segment of `text` that starts with `prefix`, or "" when none does.
bool contains(const std::string& text, std::string_view needle) {
  return text.find(needle) != std::string::npos;
}

TEST(CusresWriter, ReproducesAppendixA2ByteForByte) {
  EXPECT_EQ(write_ok(a2_response()), joined_a2());
}

TEST(CusresWriter, WritesDefaultUnaWhenAsked) {
  cusres_response r = a2_response();
  r.env.write_una = true;
  EXPECT_EQ(write_ok(r), "UNA:+.? '" + joined_a2());
}

TEST(CusresWriter, LineBreaksFollowEveryTerminator) {
  cusres_response r = a2_response();
  r.env.line_breaks = true;
  std::string expected;
  for (std::string_view line : appendix_a2) (expected += line) += '\n';
  EXPECT_EQ(write_ok(r), expected);
}

TEST(CusresWriter, AppendixA2OutputParsesStrictlyWithConsistentCounts) {
  parsed p;
  const std::string text = write_ok(a2_response());
  parse_strict(text, p);
  ASSERT_FALSE(p.stop) << p.stop.message();
  EXPECT_TRUE(p.findings.empty()) << findings_text(p.findings);
  ASSERT_EQ(p.ic.messages.size(), 1u);
  const edifact::message_view& m = p.ic.messages[0];
  EXPECT_EQ(m.type, "CUSRES");
  EXPECT_EQ(m.reference, "1");
  EXPECT_EQ(m.segment_count(), 14u);
  const edifact::segment& unt = p.ic.segments[m.unt];
  EXPECT_EQ(edifact::element(unt, 1, p.ic.delims), "14");
  const edifact::segment& unz = p.ic.segments.back();
  EXPECT_EQ(unz.tag(), "UNZ");
  EXPECT_EQ(edifact::element(unz, 1, p.ic.delims), "1");
  EXPECT_EQ(edifact::element(unz, 2, p.ic.delims), "2001");
}

TEST(CusresWriter, WritesEveryDirectiveCode) {
  for (directive d : {directive::ok_to_board, directive::no_board, directive::advisory,
                      directive::insufficient_data}) {
    cusres_response r = a2_response();
    r.passengers[0].directive_code = std::string(code(d));
    r.passengers[0].text.clear();
    const std::string text = write_ok(r);
    EXPECT_TRUE(contains(text, "RFF+ABO:0001'ERC+" + std::string(code(d)) + "'UNT+13+1'")) << text;
  }
  EXPECT_EQ(code(directive::no_board), "1Z");
  EXPECT_EQ(code(directive::advisory), "2Z");
  EXPECT_EQ(code(directive::insufficient_data), "4Z");
}

TEST(CusresWriter, ParsesDirectiveCodesBack) {
  EXPECT_EQ(parse_directive("0Z"), directive::ok_to_board);
  EXPECT_EQ(parse_directive("4Z"), directive::insufficient_data);
  EXPECT_FALSE(parse_directive("3Z").has_value());
  EXPECT_FALSE(parse_directive("0z").has_value());
}

TEST(CusresWriter, HeaderLevelRejectionPrecedesPassengerGroups) {
  cusres_response r = a2_response();
  r.header = header_result{std::string(header_rejected), "FLIGHT NOT KNOWN"};
  const std::string text = write_ok(r);
  EXPECT_TRUE(
      contains(text, "LOC+87+JFK'ERP+1'ERC+1'FTX+AAP+++FLIGHT NOT KNOWN'ERP+2'RFF+AVF:ABC123'"))
      << text;
  EXPECT_TRUE(contains(text, "UNT+17+1'")) << text;
}

TEST(CusresWriter, HeaderOnlyResponseHasNoPassengerGroup) {
  cusres_response r = a2_response();
  r.passengers.clear();
  r.header = header_result{"E102", ""};
  const std::string text = write_ok(r);
  EXPECT_TRUE(contains(text, "LOC+87+JFK'ERP+1'ERC+E102'UNT+11+1'")) << text;
  EXPECT_FALSE(contains(text, "ERP+2")) << text;
}

TEST(CusresWriter, EscapesServiceCharactersInFreeText) {
  cusres_response r = a2_response();
  r.passengers[0].text = "CALL +86 10 5555? A:B O'NEIL";
  const std::string text = write_ok(r);
  EXPECT_TRUE(contains(text, "FTX+AAP+++CALL ?+86 10 5555?? A?:B O?'NEIL'")) << text;
  parsed p;
  parse_strict(text, p);
  EXPECT_FALSE(p.findings.has_errors()) << findings_text(p.findings);
  EXPECT_EQ(p.ic.messages.at(0).segment_count(), 14u);
}

TEST(CusresWriter, EscapesServiceCharactersInReferences) {
  cusres_response r = a2_response();
  r.passengers[0].passenger_reference = "A+B";
  r.request.common_access_reference = "XX123:1";
  const std::string text = write_ok(r);
  EXPECT_TRUE(contains(text, "RFF+ABO:A?+B'")) << text;
  EXPECT_TRUE(contains(text, "+XX123?:1+01:F'")) << text;
}

TEST(CusresWriter, SplitsLongTextOverFtxComponents) {
  cusres_response r = a2_response();
  r.passengers[0].text = std::string(512, 'A') + std::string(10, 'B');
  const std::string text = write_ok(r);
  EXPECT_TRUE(contains(text, "FTX+AAP+++" + std::string(512, 'A') + ":BBBBBBBBBB'")) << text;
  parsed p;
  parse_strict(text, p);
  EXPECT_FALSE(p.findings.has_errors()) << findings_text(p.findings);
}

TEST(CusresWriter, RejectsTextBeyondFiveComponents) {
  cusres_response r = a2_response();
  r.passengers[0].text = std::string(5 * 512 + 1, 'A');
  EXPECT_EQ(write_error(r), errc::cusres_text_too_long);
}

TEST(CusresWriter, CountsStayConsistentForNinetyNineGroups) {
  cusres_response r = a2_response();
  r.header = header_result{};
  r.passengers.resize(98, r.passengers[0]);
  for (std::size_t i = 0; i < r.passengers.size(); ++i)
    r.passengers[i].passenger_reference = std::to_string(i + 1);
  const std::string text = write_ok(r);
  parsed p;
  parse_strict(text, p);
  ASSERT_FALSE(p.stop);
  EXPECT_FALSE(p.findings.has_errors()) << findings_text(p.findings);
  // UNH BGM RFF RFF DTM DTM LOC LOC, ERP+1 ERC, 98 x (ERP RFF RFF ERC FTX), UNT.
  const std::uint32_t expected = 8 + 2 + 98 * 5 + 1;
  EXPECT_EQ(p.ic.messages.at(0).segment_count(), expected);
  EXPECT_TRUE(contains(text, "UNT+" + std::to_string(expected) + "+1'"));
}

TEST(CusresWriter, RejectsMoreThanNinetyNineResultGroups) {
  cusres_response r = a2_response();
  r.header = header_result{};
  r.passengers.resize(99, r.passengers[0]);
  EXPECT_EQ(write_error(r), errc::cusres_too_many_results);
}

TEST(CusresWriter, HonoursALowerResultGroupLimit) {
  cusres_response r = a2_response();
  r.passengers.resize(3, r.passengers[0]);
  cusres_options o;
  o.max_result_groups = 2;
  EXPECT_EQ(write_error(r, o), errc::cusres_too_many_results);
}

TEST(CusresWriter, CustomDelimitersRoundTripThroughTheParser) {
  cusres_response r = a2_response();
  r.env.write_una = true;
  r.env.delims.component = '^';
  r.env.delims.element = '|';
  r.env.delims.release = '\\';
  r.env.delims.terminator = '~';
  r.env.syntax_identifier = "UNOB";
  r.passengers[0].text = "OK | BOARD ^ NOW ~ \\ + : '";
  const std::string text = write_ok(r);
  EXPECT_EQ(text.substr(0, 9), "UNA^|.\\ ~");
  EXPECT_TRUE(contains(text, "FTX|AAP|||OK \\| BOARD \\^ NOW \\~ \\\\ + : '~")) << text;
  parsed p;
  parse_strict(text, p);
  ASSERT_FALSE(p.stop) << p.stop.message();
  EXPECT_FALSE(p.findings.has_errors()) << findings_text(p.findings);
  ASSERT_EQ(p.ic.messages.size(), 1u);
  EXPECT_EQ(p.ic.messages[0].segment_count(), 14u);
  const edifact::segment& ftx = p.ic.segments[p.ic.messages[0].unt - 1];
  ASSERT_EQ(ftx.tag(), "FTX");
  EXPECT_EQ(edifact::unescape(edifact::element(ftx, 4, p.ic.delims), p.ic.delims),
            r.passengers[0].text);
}

TEST(CusresWriter, RejectsNonDefaultDelimitersWithoutUna) {
  cusres_response r = a2_response();
  r.env.delims.element = '|';
  EXPECT_EQ(write_error(r), errc::invalid_delimiters);
}

TEST(CusresWriter, RejectsDelimitersWithoutReleaseCharacter) {
  cusres_response r = a2_response();
  r.env.write_una = true;
  r.env.delims.has_release = false;
  EXPECT_EQ(write_error(r), errc::invalid_delimiters);
}

TEST(CusresWriter, RejectsDuplicateDelimiters) {
  cusres_response r = a2_response();
  r.env.write_una = true;
  r.env.delims.component = '+';
  EXPECT_EQ(write_error(r), errc::invalid_delimiters);
}

TEST(CusresWriter, RejectsUnknownDirective) {
  cusres_response r = a2_response();
  r.passengers[0].directive_code = "3Z";
  EXPECT_EQ(write_error(r), errc::cusres_unknown_directive);
}

TEST(CusresWriter, AcceptsDirectiveAddedByProfile) {
  cusres_response r = a2_response();
  r.passengers[0].directive_code = "5Z";
  const std::array<std::string_view, 1> extra{"5Z"};
  cusres_options o;
  o.extra_directives = extra;
  EXPECT_TRUE(contains(write_ok(r, o), "ERC+5Z'"));
}

TEST(CusresWriter, RejectsEmptyPassengerReference) {
  cusres_response r = a2_response();
  r.passengers[0].passenger_reference.clear();
  EXPECT_EQ(write_error(r), errc::cusres_missing_passenger_reference);
}

TEST(CusresWriter, WritesEmptyBookingReferenceAsQualifierOnly) {
  cusres_response r = a2_response();
  r.passengers[0].booking_reference.clear();
  EXPECT_TRUE(contains(write_ok(r), "ERP+2'RFF+AVF'RFF+ABO:0001'"));
}

TEST(CusresWriter, WritesThirdReference) {
  cusres_response r = a2_response();
  r.passengers[0].extra = reference{"SEA", "12A"};
  EXPECT_TRUE(contains(write_ok(r), "RFF+ABO:0001'RFF+SEA:12A'ERC+0Z'"));
}

TEST(CusresWriter, RejectsThirdReferenceRepeatingAbo) {
  cusres_response r = a2_response();
  r.passengers[0].extra = reference{"ABO", "0002"};
  EXPECT_EQ(write_error(r), errc::cusres_invalid_reference);
}

TEST(CusresWriter, RejectsResponseWithoutTransactionReference) {
  cusres_response r = a2_response();
  r.request.transaction_reference.clear();
  EXPECT_EQ(write_error(r), errc::cusres_missing_transaction_reference);
}

TEST(CusresWriter, UnsolicitedStatusNeedsNoTransactionReference) {
  cusres_response r = a2_response();
  r.document = cusres_document::unsolicited_status;
  r.request.transaction_reference.clear();
  r.passengers[0].directive_code = "1Z";
  const std::string text = write_ok(r);
  EXPECT_TRUE(contains(text, "+01:F'BGM+132'RFF+AF:XX123'")) << text;
}

TEST(CusresWriter, CarrierAcknowledgementWritesBgm312) {
  cusres_response r = a2_response();
  r.document = cusres_document::carrier_acknowledgement;
  EXPECT_TRUE(contains(write_ok(r), "'BGM+312'RFF+TN:"));
}

TEST(CusresWriter, RejectsUnknownDocumentCode) {
  cusres_response r = a2_response();
  r.document = static_cast<cusres_document>(745);
  EXPECT_EQ(write_error(r), errc::cusres_invalid_document);
}

TEST(CusresWriter, RejectsResponseWithoutAnyResult) {
  cusres_response r = a2_response();
  r.passengers.clear();
  EXPECT_EQ(write_error(r), errc::cusres_no_result);
}

TEST(CusresWriter, RejectsMalformedHeaderCode) {
  cusres_response r = a2_response();
  r.header = header_result{"TOO LONG CODE", ""};
  EXPECT_EQ(write_error(r), errc::cusres_invalid_header_code);
}

TEST(CusresWriter, RejectsFlightDateNotMatchingFormat) {
  cusres_response r = a2_response();
  r.flight->departure = "25030111";
  EXPECT_EQ(write_error(r), errc::cusres_invalid_flight);
}

TEST(CusresWriter, RejectsFlightWithoutAirport) {
  cusres_response r = a2_response();
  r.flight->arrival_airport.clear();
  EXPECT_EQ(write_error(r), errc::cusres_invalid_flight);
}

TEST(CusresWriter, RejectsLowerCaseInLevelA) {
  cusres_response r = a2_response();
  r.passengers[0].text = "NO BOARD, please contact the desk";
  EXPECT_EQ(write_error(r), errc::invalid_character);
}

TEST(CusresWriter, AcceptsLowerCaseInLevelB) {
  cusres_response r = a2_response();
  r.env.syntax_identifier = "UNOB";
  r.passengers[0].text = "NO BOARD, please contact the desk";
  parsed p;
  parse_strict(write_ok(r), p);
  EXPECT_FALSE(p.findings.has_errors()) << findings_text(p.findings);
}

TEST(CusresWriter, RejectsControlCharacterInText) {
  cusres_response r = a2_response();
  r.passengers[0].text = "OK\nTO BOARD";
  EXPECT_EQ(write_error(r), errc::invalid_character);
}

TEST(CusresWriter, RejectsEmptyMessageReference) {
  cusres_response r = a2_response();
  r.request.message_reference.clear();
  EXPECT_EQ(write_error(r), errc::cusres_missing_message_reference);
}

TEST(CusresWriter, RejectsEnvelopeWithoutSender) {
  cusres_response r = a2_response();
  r.env.sender.id.clear();
  EXPECT_EQ(write_error(r), errc::missing_party);
}

TEST(CusresWriter, RejectsMalformedPreparationTime) {
  cusres_response r = a2_response();
  r.env.time = "931";
  EXPECT_EQ(write_error(r), errc::invalid_date_time);
}

TEST(CusresWriter, RejectsOverlongControlReference) {
  cusres_response r = a2_response();
  r.env.control_reference = "123456789012345";
  EXPECT_EQ(write_error(r), errc::invalid_control_reference);
}

TEST(CusresWriter, RejectsUnknownSyntaxIdentifier) {
  cusres_response r = a2_response();
  r.env.syntax_identifier = "ABCD";
  EXPECT_EQ(write_error(r), errc::invalid_syntax_identifier);
}

TEST(CusresWriter, LeavesOutputUnchangedOnError) {
  cusres_response r = a2_response();
  r.passengers[0].directive_code = "9Z";
  std::string out = "KEEP";
  EXPECT_EQ(write_cusres(r, out), errc::cusres_unknown_directive);
  EXPECT_EQ(out, "KEEP");
}

TEST(CusresWriter, AppendsToExistingOutput) {
  std::string out = "X";
  ASSERT_FALSE(write_cusres(a2_response(), out));
  EXPECT_EQ(out, "X" + joined_a2());
}

TEST(CusresWriter, WithoutGroupUnzCountsTheMessage) {
  cusres_response r = a2_response();
  r.env.group = false;
  const std::string text = write_ok(r);
  EXPECT_FALSE(contains(text, "UNG+")) << text;
  EXPECT_TRUE(contains(text, "'UNT+14+1'UNZ+1+2001'")) << text;
  parsed p;
  parse_strict(text, p);
  EXPECT_FALSE(p.findings.has_errors()) << findings_text(p.findings);
}

TEST(CusresWriter, ResultOverloadReturnsErrorCode) {
  cusres_response r = a2_response();
  r.passengers.clear();
  const auto res = write_cusres(r);
  ASSERT_FALSE(res.has_value());
  EXPECT_EQ(res.error(), errc::cusres_no_result);
  const auto ok = write_cusres(a2_response());
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(*ok, joined_a2());
}

TEST(CusresWriter, Utf8TextIsSplitOnCharacterBoundaries) {
  cusres_response r = a2_response();
  r.env.syntax_identifier = "UNOY";
  r.env.write_una = true;
  // 511 ASCII letters then a two-byte character: the cut falls after the character, not inside.
  r.passengers[0].text = std::string(511, 'A') + "\xC3\x89" + "TAPE";
  const std::string text = write_ok(r);
  EXPECT_TRUE(contains(text, std::string(511, 'A') + "\xC3\x89:TAPE'")) << text;
  parsed p;
  parse_strict(text, p);
  EXPECT_FALSE(p.findings.has_errors()) << findings_text(p.findings);
}

TEST(CusresWriter, RejectsMalformedUtf8) {
  cusres_response r = a2_response();
  r.env.syntax_identifier = "UNOY";
  r.passengers[0].text = "BAD \xC3";
  EXPECT_EQ(write_error(r), errc::invalid_character);
}

TEST(CusresWriter, RejectsOverlongPassengerReference) {
  cusres_response r = a2_response();
  r.passengers[0].passenger_reference = std::string(71, '1');
  EXPECT_EQ(write_error(r), errc::value_too_long);
}

TEST(CusresWriter, IataEnvelopeMayDeclareRepetitionSeparator) {
  cusres_response r = a2_response();
  r.env.syntax_identifier = "IATA";
  r.env.syntax_version = 1;
  r.env.write_una = true;
  r.env.delims = edifact::delimiters::defaults_v4();
  const std::string text = write_ok(r);
  EXPECT_EQ(text.substr(0, 20), "UNA:+.?*'UNB+IATA:1+");
  parsed p;
  parse_strict(text, p);
  EXPECT_FALSE(p.findings.has_errors()) << findings_text(p.findings);
}

TEST(CusresWriter, RejectsRepetitionSeparatorBeforeVersionFour) {
  cusres_response r = a2_response();
  r.env.syntax_version = 3;
  r.env.write_una = true;
  r.env.delims = edifact::delimiters::defaults_v4();
  EXPECT_EQ(write_error(r), errc::invalid_delimiters);
}

}  // namespace
}  // namespace apipnr::responses
