// Pass 1 of the EDIFACT parser, exercised through the public `parser` (see tokenizer.cpp).
// Assertions name the specific codes under test: the envelope pass runs too and may add its
// own findings, so the total number of findings is never asserted.
#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "apipnr/edifact/parser.hpp"

namespace apipnr::edifact {
namespace {

struct parsed {
  boost::system::error_code ec;
  interchange ic;
  diagnostic_list findings;

  bool has(errc e) const { return findings.contains(make_error_code(e)); }
  const diagnostic* first(errc e) const {
    for (const auto& d : findings.items())
      if (d.code == make_error_code(e)) return &d;
    return nullptr;
  }
  std::size_t count(errc e) const {
    return static_cast<std::size_t>(
        std::count_if(findings.items().begin(), findings.items().end(),
                      [&](const diagnostic& d) { return d.code == make_error_code(e); }));
  }
};

// REQUIRES: `in` outlives the result (segments are views into it).
parsed parse(std::string_view in, parse_options o = {}) {
  parsed r;
  r.ec = parser(o).parse(in, r.ic, r.findings);
  return r;
}

parse_options tolerant() {
  parse_options o;
  o.parse_mode = mode::tolerant;
  return o;
}

// An interchange "UNB ... body ... UNZ" with the given syntax identifier and version.
std::string wrap(std::string_view body, std::string_view sid = "UNOA:4") {
  return "UNB+" + std::string(sid) + "+XXAPI:ZZ+PIUTEST:ZZ+250301:0930+1001'UNH+1+PAXLST:D:05B'" +
         std::string(body) + "UNT+3+1'UNZ+1+1001'";
}

// STANDARDS.md Appendix A.1, one segment per line with CR LF.
constexpr std::string_view sample_a1 =
    "UNA:+.? '\r\n"
    "UNB+UNOA:4+XXAPI:ZZ+PIUTEST:ZZ+250301:0930+1001++APIS'\r\n"
    "UNG+PAXLST+XX AIRLINE+PIUTEST+250301:0930+1+UN+D:05B'\r\n"
    "UNH+1+PAXLST:D:05B:UN:IATA+XX123/250301/1100+01:F'\r\n"
    "BGM+745'\r\n"
    "RFF+TN:XX1232503011:::1'\r\n"
    "NAD+MS+++OPS CONTROL'\r\n"
    "COM+44 20 0000 0000:TE'\r\n"
    "TDT+20+XX123+++XX'\r\n"
    "LOC+125+LHR'\r\n"
    "DTM+189:2503011100:201'\r\n"
    "LOC+87+JFK'\r\n"
    "DTM+232:2503011400:201'\r\n"
    "NAD+FL+++O?'BRIEN:ANNE:MARIE'\r\n"
    "ATT+2++F'\r\n"
    "DTM+329:850412'\r\n"
    "LOC+178+LHR'\r\n"
    "LOC+179+JFK'\r\n"
    "NAT+2+IRL'\r\n"
    "RFF+AVF:ABC123'\r\n"
    "RFF+ABO:0001'\r\n"
    "DOC+P:110:111+PA1234567'\r\n"
    "DTM+36:300101'\r\n"
    "LOC+91+IRL'\r\n"
    "CNT+42:1'\r\n"
    "UNT+23+1'\r\n"
    "UNE+1+1'\r\n"
    "UNZ+1+1001'\r\n";

// Every code pass 1 can report, to check that clean input produces none of them.
constexpr errc tokenizer_codes[] = {errc::empty_input,
                                    errc::binary_input,
                                    errc::type_b_envelope_malformed,
                                    errc::data_before_interchange,
                                    errc::una_truncated,
                                    errc::una_duplicate_character,
                                    errc::una_invalid_character,
                                    errc::una_invalid_decimal_mark,
                                    errc::una_reserved_not_space,
                                    errc::una_misplaced,
                                    errc::segment_not_terminated,
                                    errc::dangling_release_character,
                                    errc::invalid_segment_tag,
                                    errc::leading_whitespace,
                                    errc::line_break_in_value,
                                    errc::trailing_separator,
                                    errc::invalid_character,
                                    errc::lowercase_in_level_a};

// ---- segmentation ---------------------------------------------------------------------------

TEST(EdifactTokenizer, SplitsSampleMessageIntoSegmentsWithoutFindings) {
  const auto r = parse(sample_a1);
  EXPECT_FALSE(r.ec);
  ASSERT_EQ(r.ic.segments.size(), 27u);
  EXPECT_EQ(r.ic.segments.front().tag(), "UNB");
  EXPECT_EQ(r.ic.segments.back().tag(), "UNZ");
  EXPECT_EQ(r.ic.segments.back().index, 27u);
  for (errc e : tokenizer_codes) EXPECT_FALSE(r.has(e)) << info(e).id;
}

TEST(EdifactTokenizer, SegmentBodyExcludesTagAndTerminator) {
  const std::string in = wrap("BGM+745'SRC'");
  const auto r = parse(in);
  ASSERT_GE(r.ic.segments.size(), 4u);
  EXPECT_EQ(r.ic.segments[1].body(), "+1+PAXLST:D:05B");
  EXPECT_EQ(r.ic.segments[2].tag(), "BGM");
  EXPECT_EQ(r.ic.segments[2].body(), "+745");
  EXPECT_EQ(r.ic.segments[3].tag(), "SRC");
  EXPECT_EQ(r.ic.segments[3].body(), "");
}

TEST(EdifactTokenizer, SegmentOffsetIsTagOffsetAndIndexStartsAtUnbAfterUna) {
  const auto r = parse(sample_a1);
  ASSERT_GE(r.ic.segments.size(), 2u);
  EXPECT_EQ(r.ic.segments[0].offset, 11u);  // after "UNA:+.? '\r\n"
  EXPECT_EQ(r.ic.segments[0].index, 1u);
  EXPECT_EQ(sample_a1.substr(r.ic.segments[1].offset, 4), "UNG+");
  EXPECT_EQ(r.ic.segments[1].index, 2u);
}

TEST(EdifactTokenizer, MissingUnaMeansDefaultsWithoutRepetitionEvenInVersion4) {
  const std::string in = wrap("BGM+745'");
  const auto r = parse(in);
  EXPECT_FALSE(r.ic.una_present);
  EXPECT_EQ(r.ic.delims, delimiters::defaults());
  EXPECT_FALSE(r.ic.delims.has_repetition);
}

// ---- UNA ------------------------------------------------------------------------------------

TEST(EdifactTokenizer, UnaWithStarElementAndDollarTerminatorSplitsSegments) {
  constexpr std::string_view in =
      "UNA:*.? $UNB*UNOA:4*XXAPI*PIUTEST*250301:0930*1$UNH*1*PAXLST:D:05B$"
      "NAD*FL***BETTON:DAVID$UNT*3*1$UNZ*1*1$";
  const auto r = parse(in);
  EXPECT_TRUE(r.ic.una_present);
  EXPECT_EQ(r.ic.delims.element, '*');
  EXPECT_EQ(r.ic.delims.terminator, '$');
  ASSERT_EQ(r.ic.segments.size(), 5u);
  EXPECT_EQ(r.ic.segments[2].body(), "*FL***BETTON:DAVID");
  EXPECT_FALSE(r.has(errc::invalid_character));  // '$' is a declared service character
}

TEST(EdifactTokenizer, UnaWithDashElementAndStarTerminatorSplitsSegments) {
  constexpr std::string_view in =
      "UNA:-.? *UNB-IATA:1-XX-PIUPNR-250228:1100-3001*UNH-1-PNRGOV:13:1:IA*"
      "FAR-N-50*UNT-3-1*UNZ-1-3001*";
  const auto r = parse(in);
  EXPECT_EQ(r.ic.delims.element, '-');
  EXPECT_EQ(r.ic.delims.terminator, '*');
  EXPECT_FALSE(r.ic.delims.has_repetition);
  ASSERT_EQ(r.ic.segments.size(), 5u);
  EXPECT_EQ(r.ic.segments[2].tag(), "FAR");
  EXPECT_EQ(r.ic.segments[2].body(), "-N-50");
}

TEST(EdifactTokenizer, UnaWithParenthesisReleaseEscapesTerminatorDash) {
  constexpr std::string_view in =
      "UNA:(.) -UNB(IATA:1(XX(PIUPNR(250228:1100(3001-UNH(1(PNRGOV:13:1:IA-"
      "IFT(3(SMITH)-JONES)(X-UNT(3(1-UNZ(1(3001-";
  const auto r = parse(in);
  EXPECT_EQ(r.ic.delims.release, ')');
  EXPECT_EQ(r.ic.delims.element, '(');
  ASSERT_EQ(r.ic.segments.size(), 5u);
  EXPECT_EQ(r.ic.segments[2].body(), "(3(SMITH)-JONES)(X");
  EXPECT_TRUE(r.ic.segments[2].escaped());
}

TEST(EdifactTokenizer, UnaShorterThanNineCharactersIsFatal) {
  const auto r = parse("UNA:+.?");
  EXPECT_EQ(r.ec, make_error_code(errc::una_truncated));
  ASSERT_NE(r.first(errc::una_truncated), nullptr);
  EXPECT_EQ(r.first(errc::una_truncated)->level, severity::fatal);
}

TEST(EdifactTokenizer, UnaDeclaringOneCharacterTwiceIsFatal) {
  const std::string in = "UNA:+.?+'" + wrap("");
  const auto r = parse(in);
  EXPECT_EQ(r.ec, make_error_code(errc::una_duplicate_character));
}

TEST(EdifactTokenizer, UnaWithTwoSpacesForReleaseAndRepetitionIsNotDuplicate) {
  const std::string in = "UNA:+.  '" + wrap("BGM+745'");
  const auto r = parse(in);
  EXPECT_FALSE(r.ec);
  EXPECT_FALSE(r.ic.delims.has_release);
  EXPECT_FALSE(r.ic.delims.has_repetition);
}

TEST(EdifactTokenizer, UnaLetterAsServiceCharacterIsFatal) {
  const std::string in = "UNA:+.?X'" + wrap("");
  const auto r = parse(in);
  EXPECT_EQ(r.ec, make_error_code(errc::una_invalid_character));
  EXPECT_EQ(r.first(errc::una_invalid_character)->pos.offset, 7u);
}

TEST(EdifactTokenizer, UnaTypographicQuoteTerminatorIsFatal) {
  // "UNA:+.\*" followed by U+2019 in UTF-8, as copied from a PDF.
  const std::string in = "UNA:+.\\*\xE2\x80\x99UNB+UNOA:4+A+B+250301:0930+1'";
  const auto r = parse(in);
  EXPECT_EQ(r.ec, make_error_code(errc::una_invalid_character));
}

TEST(EdifactTokenizer, UnaSpaceAsTerminatorIsFatal) {
  const std::string in = "UNA:+.?  " + wrap("");
  EXPECT_EQ(parse(in).ec, make_error_code(errc::una_invalid_character));
}

TEST(EdifactTokenizer, UnaControlCharacterOtherThanInformationSeparatorIsFatal) {
  const std::string in = "UNA:+.? \x07" + wrap("");
  EXPECT_EQ(parse(in).ec, make_error_code(errc::una_invalid_character));
}

TEST(EdifactTokenizer, UnaInformationSeparatorsAreAccepted) {
  const std::string in =
      "UNA\x1F\x1D.  \x1C"
      "UNB\x1DUNOB\x1F"
      "4\x1D"
      "A\x1D"
      "B\x1C"
      "UNZ\x1D"
      "0\x1D"
      "1\x1C";
  const auto r = parse(in);
  EXPECT_FALSE(r.ec);
  EXPECT_EQ(r.ic.delims.terminator, '\x1C');
  EXPECT_EQ(r.ic.segments.size(), 2u);
}

TEST(EdifactTokenizer, UnaInvalidDecimalMarkIsErrorAndFallsBackToPoint) {
  const std::string in = "UNA:+;? '" + wrap("BGM+745'");
  const auto r = parse(in);
  EXPECT_FALSE(r.ec);
  ASSERT_TRUE(r.has(errc::una_invalid_decimal_mark));
  EXPECT_EQ(r.first(errc::una_invalid_decimal_mark)->level, severity::error);
  EXPECT_EQ(r.ic.delims.decimal, '.');
  EXPECT_GE(r.ic.segments.size(), 4u);
}

TEST(EdifactTokenizer, UnaCommaDecimalMarkIsKept) {
  const std::string in = "UNA:+,? '" + wrap("");
  const auto r = parse(in);
  EXPECT_FALSE(r.has(errc::una_invalid_decimal_mark));
  EXPECT_EQ(r.ic.delims.decimal, ',');
}

TEST(EdifactTokenizer, UnaBackslashReleaseCharacterIsAccepted) {
  const std::string in = "UNA:+.\\*'" + wrap("NAD+FL+++O\\'BRIEN'");
  const auto r = parse(in);
  EXPECT_FALSE(r.ec);
  EXPECT_EQ(r.ic.delims.release, '\\');
  ASSERT_GE(r.ic.segments.size(), 3u);
  EXPECT_EQ(r.ic.segments[2].body(), "+FL+++O\\'BRIEN");
  EXPECT_FALSE(r.has(errc::invalid_character));  // '\' is declared, so in the repertoire
}

TEST(EdifactTokenizer, SpaceAtReleasePositionMeansQuestionMarkIsLiteral) {
  const std::string in = "UNA:+.  '" + wrap("FTX+WHY?'BGM+1'");
  const auto r = parse(in);
  ASSERT_GE(r.ic.segments.size(), 4u);
  EXPECT_EQ(r.ic.segments[2].body(), "+WHY?");
  EXPECT_FALSE(r.ic.segments[2].escaped());
  EXPECT_EQ(r.ic.segments[3].tag(), "BGM");
}

TEST(EdifactTokenizer, UnaPosition7IsRepetitionSeparatorInVersion4) {
  const std::string in = "UNA:+.?*'" + wrap("");
  const auto r = parse(in);
  EXPECT_TRUE(r.ic.delims.has_repetition);
  EXPECT_EQ(r.ic.delims.repetition, '*');
  EXPECT_FALSE(r.has(errc::una_reserved_not_space));
}

TEST(EdifactTokenizer, UnaPosition7NotSpaceInVersion3IsReportedAndIgnored) {
  const std::string in = "UNA:+.?*'" + wrap("", "UNOA:3");
  const auto strict = parse(in);
  ASSERT_TRUE(strict.has(errc::una_reserved_not_space));
  EXPECT_EQ(strict.first(errc::una_reserved_not_space)->level, severity::error);
  EXPECT_EQ(strict.first(errc::una_reserved_not_space)->pos.offset, 7u);
  EXPECT_FALSE(strict.ic.delims.has_repetition);
  const auto lenient = parse(in, tolerant());
  EXPECT_EQ(lenient.first(errc::una_reserved_not_space)->level, severity::warning);
}

TEST(EdifactTokenizer, UnaPosition7IsRepetitionSeparatorWithIataVersion1) {
  // IATA:1 is IATA's own version numbering, not ISO 9735 version 1 (PNRGOV, Appendix A.3).
  constexpr std::string_view in = "UNA:+.?*'UNB+IATA:1+XX+PIUPNR+250228:1100+3001'UNZ+0+3001'";
  const auto r = parse(in);
  EXPECT_FALSE(r.has(errc::una_reserved_not_space));
  EXPECT_TRUE(r.ic.delims.has_repetition);
}

TEST(EdifactTokenizer, UnaAfterStartIsMisplaced) {
  const std::string in = wrap("UNA:+.? 'BGM+745'");
  const auto r = parse(in);
  ASSERT_TRUE(r.has(errc::una_misplaced));
  EXPECT_EQ(r.first(errc::una_misplaced)->pos.offset, in.find("UNA"));
  EXPECT_EQ(r.first(errc::una_misplaced)->pos.segment, 3u);
  EXPECT_FALSE(r.has(errc::invalid_segment_tag));
  ASSERT_GE(r.ic.segments.size(), 3u);
  EXPECT_EQ(r.ic.segments[2].tag(), "BGM");
}

TEST(EdifactTokenizer, LevelBInformationSeparatorsWithoutUna) {
  const std::string in =
      "UNB\x1DUNOB\x1F"
      "4\x1D"
      "A\x1D"
      "B\x1C"
      "UNZ\x1D"
      "0\x1D"
      "1\x1C";
  const auto r = parse(in);
  EXPECT_FALSE(r.ic.una_present);
  EXPECT_EQ(r.ic.delims.component, '\x1F');
  EXPECT_EQ(r.ic.delims.element, '\x1D');
  EXPECT_EQ(r.ic.delims.terminator, '\x1C');
  EXPECT_FALSE(r.ic.delims.has_release);
  ASSERT_EQ(r.ic.segments.size(), 2u);
  EXPECT_EQ(r.ic.segments[1].tag(), "UNZ");
}

// ---- layout and tags ------------------------------------------------------------------------

TEST(EdifactTokenizer, LineBreaksAfterUnaAndBetweenSegmentsAreLayout) {
  const std::string in = "UNA:+.? '\n\r\n" + wrap("BGM+745'\r\n\r\nDTM+1'\n");
  const auto r = parse(in);
  EXPECT_FALSE(r.has(errc::line_break_in_value));
  EXPECT_FALSE(r.has(errc::leading_whitespace));
  EXPECT_FALSE(r.has(errc::invalid_segment_tag));
  EXPECT_EQ(r.ic.segments.size(), 6u);
}

TEST(EdifactTokenizer, LeadingWhitespaceBeforeInterchangeIsFine) {
  const std::string in = " \r\n\t" + wrap("");
  const auto r = parse(in);
  EXPECT_FALSE(r.has(errc::leading_whitespace));
  EXPECT_FALSE(r.has(errc::data_before_interchange));
}

TEST(EdifactTokenizer, SpacesBeforeTagAreLeadingWhitespaceAtFirstSpace) {
  const std::string in = wrap("BGM+745'\r\n  DTM+1'");
  const auto strict = parse(in);
  const diagnostic* d = strict.first(errc::leading_whitespace);
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->pos.offset, in.find("  DTM"));
  EXPECT_EQ(d->pos.segment, 4u);
  EXPECT_EQ(d->level, severity::error);
  EXPECT_EQ(parse(in, tolerant()).first(errc::leading_whitespace)->level, severity::warning);
  EXPECT_EQ(strict.ic.segments[3].tag(), "DTM");
}

TEST(EdifactTokenizer, BytesBeforeInterchangeAreReportedAndSkipped) {
  const std::string in = "From: ops\r\n" + wrap("");
  const auto r = parse(in);
  ASSERT_TRUE(r.has(errc::data_before_interchange));
  EXPECT_EQ(r.first(errc::data_before_interchange)->pos.offset, 0u);
  ASSERT_FALSE(r.ic.segments.empty());
  EXPECT_EQ(r.ic.segments[0].tag(), "UNB");
  EXPECT_EQ(r.ic.segments[0].offset, 11u);
}

TEST(EdifactTokenizer, SpaceBetweenTagAndSeparatorIsInvalidTagButSegmentIsKept) {
  constexpr std::string_view in =
      "UNA:*.? $UNB*UNOA:4*XXAPI*PIUTEST*250301:0930*1$UNG *PAXLST*XX*PIU*250301:0930*1*UN*D:05B$"
      "UNZ*1*1$";
  const auto r = parse(in);
  const diagnostic* d = r.first(errc::invalid_segment_tag);
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->pos.segment, 2u);
  EXPECT_EQ(d->pos.offset, in.find("UNG"));
  ASSERT_EQ(r.ic.segments.size(), 3u);
  EXPECT_EQ(r.ic.segments[1].tag(), "UNG");
  EXPECT_EQ(r.ic.segments[1].body().substr(0, 7), "*PAXLST");
}

TEST(EdifactTokenizer, LowerCaseTagIsInvalid) {
  const std::string in = wrap("bgm+745'");
  const auto r = parse(in);
  ASSERT_TRUE(r.has(errc::invalid_segment_tag));
  EXPECT_EQ(r.ic.segments[2].tag(), "bgm");
  EXPECT_EQ(r.ic.segments[2].body(), "+745");
}

TEST(EdifactTokenizer, TagWithFourCharactersIsInvalid) {
  const std::string in = wrap("BGMX+745'");
  EXPECT_TRUE(parse(in).has(errc::invalid_segment_tag));
}

// ---- release character ----------------------------------------------------------------------

TEST(EdifactTokenizer, ReleasedTerminatorDoesNotEndSegment) {
  const auto r = parse(sample_a1);
  const segment& nad = r.ic.segments[12];
  EXPECT_EQ(nad.tag(), "NAD");
  EXPECT_EQ(nad.body(), "+FL+++O?'BRIEN:ANNE:MARIE");
  EXPECT_TRUE(nad.escaped());
  EXPECT_FALSE(r.ic.segments[11].escaped());
}

TEST(EdifactTokenizer, DoubleReleaseBeforeTerminatorEndsSegment) {
  const std::string in = wrap("FTX+A?\?'BGM+1'");
  const auto r = parse(in);
  ASSERT_GE(r.ic.segments.size(), 4u);
  EXPECT_EQ(r.ic.segments[2].body(), "+A?\?");
  EXPECT_EQ(r.ic.segments[3].tag(), "BGM");
}

TEST(EdifactTokenizer, ReleasedSeparatorsAreNotCountedAsSeparators) {
  parse_options o;
  o.limits.max_elements = 1;
  o.limits.max_components = 2;
  const auto r = parse("UNB+UNOA:4'COM+A?+B?:C:TE'", o);
  EXPECT_FALSE(r.ec);
  EXPECT_FALSE(r.has(errc::limit_element_count));
  EXPECT_FALSE(r.has(errc::limit_component_count));
}

TEST(EdifactTokenizer, ReleaseCharacterAsLastByteIsDangling) {
  const std::string in = "UNB+UNOA:4+A+B+250301:0930+1'UNZ+1+1?";
  const auto r = parse(in);
  const diagnostic* d = r.first(errc::dangling_release_character);
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->pos.offset, in.size() - 1);
  EXPECT_EQ(d->level, severity::error);
  EXPECT_TRUE(r.has(errc::segment_not_terminated));
}

TEST(EdifactTokenizer, EscapedTerminatorAtEndLeavesSegmentUnterminated) {
  const std::string in = "UNB+UNOA:4+A+B+250301:0930+1'UNZ+1+1?'";
  const auto r = parse(in);
  EXPECT_FALSE(r.has(errc::dangling_release_character));
  const diagnostic* d = r.first(errc::segment_not_terminated);
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->pos.segment, 2u);
  ASSERT_EQ(r.ic.segments.size(), 2u);
  EXPECT_EQ(r.ic.segments[1].body(), "+1+1?'");
}

TEST(EdifactTokenizer, InputEndingWithoutTerminatorRecordsPartialSegment) {
  const std::string in = "UNB+UNOA:4+A+B+250301:0930+1'UNZ+1+1";
  const auto r = parse(in);
  EXPECT_FALSE(r.ec);
  EXPECT_TRUE(r.has(errc::segment_not_terminated));
  ASSERT_EQ(r.ic.segments.size(), 2u);
  EXPECT_EQ(r.ic.segments[1].tag(), "UNZ");
  EXPECT_EQ(r.ic.segments[1].body(), "+1+1");
}

// ---- trailing separators --------------------------------------------------------------------

TEST(EdifactTokenizer, TrailingComponentSeparatorReportsEmptyComponentPosition) {
  const std::string in = wrap("NAD+FL+++DOE:JOHN:'");
  const auto r = parse(in);
  const diagnostic* d = r.first(errc::trailing_separator);
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->pos.segment, 3u);
  EXPECT_EQ(d->pos.element, 4u);
  EXPECT_EQ(d->pos.component, 3u);
  EXPECT_EQ(d->pos.offset, in.find(":'"));
}

TEST(EdifactTokenizer, TrailingElementSeparatorReportsEmptyElementPosition) {
  const std::string in = wrap("ATT+2++'");
  const auto parsed_result = parse(in);
  const diagnostic* d = parsed_result.first(errc::trailing_separator);
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->pos.element, 3u);
  EXPECT_EQ(d->pos.component, 0u);
}

TEST(EdifactTokenizer, ComponentSeparatorBeforeElementSeparatorIsTrailing) {
  const std::string in = wrap("DOC+P:+PA1234567'");
  const auto parsed_result = parse(in);
  const diagnostic* d = parsed_result.first(errc::trailing_separator);
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->pos.element, 1u);
  EXPECT_EQ(d->pos.component, 2u);
}

TEST(EdifactTokenizer, AtMostOneTrailingSeparatorFindingPerSegment) {
  const std::string in = wrap("NAD+FL:+X:+'DOC+P:'");
  const auto r = parse(in);
  EXPECT_EQ(r.count(errc::trailing_separator), 2u);  // one for NAD, one for DOC
}

TEST(EdifactTokenizer, ReleasedSeparatorBeforeTerminatorIsNotTrailing) {
  const std::string in = wrap("FTX+A?+'FTX+B?:'");
  EXPECT_FALSE(parse(in).has(errc::trailing_separator));
}

TEST(EdifactTokenizer, TrailingSeparatorIsErrorWhenStrictAndWarningWhenTolerant) {
  const std::string in = wrap("ATT+2++'");
  EXPECT_EQ(parse(in).first(errc::trailing_separator)->level, severity::error);
  EXPECT_EQ(parse(in, tolerant()).first(errc::trailing_separator)->level, severity::warning);
}

// ---- line breaks and repertoire -------------------------------------------------------------

TEST(EdifactTokenizer, LineBreakInsideValueReportsElementAndComponent) {
  const std::string in = wrap("UNH+1+PAXLST:D:05B+XX123/25\r\n0301'");
  const auto r = parse(in);
  const diagnostic* d = r.first(errc::line_break_in_value);
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->pos.offset, in.find('\r'));
  EXPECT_EQ(d->pos.segment, 3u);
  EXPECT_EQ(d->pos.element, 3u);
  EXPECT_EQ(d->pos.component, 1u);
  EXPECT_EQ(r.count(errc::line_break_in_value), 1u);  // CR and LF: one finding per segment
  EXPECT_EQ(parse(in, tolerant()).first(errc::line_break_in_value)->level, severity::warning);
}

TEST(EdifactTokenizer, LowerCaseInUnoaIsTolerableWithPosition) {
  const std::string in = wrap("NAD+FL+++Doe:John'");
  const auto r = parse(in);
  const diagnostic* d = r.first(errc::lowercase_in_level_a);
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->pos.offset, in.find("oe:"));
  EXPECT_EQ(d->pos.element, 4u);
  EXPECT_EQ(d->pos.component, 1u);
  EXPECT_EQ(r.count(errc::lowercase_in_level_a), 1u);
  EXPECT_FALSE(r.has(errc::invalid_character));
  EXPECT_EQ(parse(in, tolerant()).first(errc::lowercase_in_level_a)->level, severity::warning);
}

TEST(EdifactTokenizer, CharacterOutsideUnoaIsInvalidOncePerSegment) {
  const std::string in = wrap("COM+OPS@XX.COM#1:EM'FTX+#'");
  const auto r = parse(in);
  const diagnostic* d = r.first(errc::invalid_character);
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->pos.offset, in.find('@'));
  EXPECT_EQ(d->pos.segment, 3u);
  EXPECT_EQ(r.count(errc::invalid_character), 2u);  // one in COM, one in FTX
  EXPECT_EQ(parse(in, tolerant()).first(errc::invalid_character)->level, severity::error);
}

TEST(EdifactTokenizer, UnobAcceptsLowerCaseButNotLatin1) {
  const std::string lower = wrap("NAD+FL+++Doe'", "UNOB:4");
  EXPECT_FALSE(parse(lower).has(errc::lowercase_in_level_a));
  EXPECT_FALSE(parse(lower).has(errc::invalid_character));
  const std::string latin = wrap("NAD+FL+++M\xDCLLER'", "UNOB:4");
  EXPECT_TRUE(parse(latin).has(errc::invalid_character));
}

TEST(EdifactTokenizer, IataIdentifierUsesPrintableAscii) {
  const std::string in = wrap("IFT+3+call me@home'", "IATA:1");
  const auto r = parse(in);
  EXPECT_FALSE(r.has(errc::invalid_character));
  EXPECT_FALSE(r.has(errc::lowercase_in_level_a));
}

TEST(EdifactTokenizer, UnocAcceptsLatin1ButNotC1Controls) {
  const std::string ok = wrap("NAD+FL+++M\xDCLLER'", "UNOC:4");
  EXPECT_FALSE(parse(ok).has(errc::invalid_character));
  const std::string bad = wrap("NAD+FL+++M\x85LLER'", "UNOC:4");
  const auto r = parse(bad);
  ASSERT_TRUE(r.has(errc::invalid_character));
  EXPECT_EQ(r.first(errc::invalid_character)->pos.offset, bad.find('\x85'));
}

TEST(EdifactTokenizer, UnowAcceptsWellFormedUtf8) {
  const std::string in = wrap("NAD+FL+++M\xC3\x9CLLER:\xE6\x9D\xB1:\xF0\x9F\x98\x80'", "UNOW:4");
  EXPECT_FALSE(parse(in).has(errc::invalid_character));
}

TEST(EdifactTokenizer, UnowRejectsOverlongUtf8) {
  const std::string in = wrap("FTX+\xC0\xAF'", "UNOW:4");
  EXPECT_TRUE(parse(in).has(errc::invalid_character));
}

TEST(EdifactTokenizer, UnowRejectsEncodedSurrogate) {
  const std::string in = wrap("FTX+\xED\xA0\x80'", "UNOY:4");
  EXPECT_TRUE(parse(in).has(errc::invalid_character));
}

TEST(EdifactTokenizer, UnowRejectsTruncatedSequenceBeforeSeparator) {
  const std::string in = wrap("FTX+\xE6\x9D+X'", "UNOW:4");
  EXPECT_TRUE(parse(in).has(errc::invalid_character));
}

TEST(EdifactTokenizer, UnknownSyntaxIdentifierSkipsRepertoireCheck) {
  const std::string in = wrap("NAD+FL+++doe@x\xFF'", "SIRE:4");
  const auto r = parse(in);
  EXPECT_FALSE(r.has(errc::invalid_character));
  EXPECT_FALSE(r.has(errc::lowercase_in_level_a));
}

TEST(EdifactTokenizer, ReleasedLowerCaseLetterIsStillCheckedAgainstRepertoire) {
  const std::string in = wrap("FTX+?a'");
  EXPECT_TRUE(parse(in).has(errc::lowercase_in_level_a));
}

// ---- input checks ---------------------------------------------------------------------------

TEST(EdifactTokenizer, NulByteIsFatalBinaryInput) {
  const std::string in = wrap(std::string("FTX+A\0B'", 8));
  const auto r = parse(in);
  EXPECT_EQ(r.ec, make_error_code(errc::binary_input));
  EXPECT_EQ(r.first(errc::binary_input)->pos.offset, in.find('\0'));
}

TEST(EdifactTokenizer, ReleasedNulByteIsStillBinaryInput) {
  const std::string in = wrap(std::string("FTX+A?\0B'", 9));
  EXPECT_EQ(parse(in).ec, make_error_code(errc::binary_input));
}

TEST(EdifactTokenizer, EmptyInputIsFatal) {
  EXPECT_EQ(parse("").ec, make_error_code(errc::empty_input));
}

TEST(EdifactTokenizer, WhitespaceOnlyInputIsFatalEmpty) {
  const auto r = parse(" \r\n\t ");
  EXPECT_EQ(r.ec, make_error_code(errc::empty_input));
  EXPECT_EQ(r.first(errc::empty_input)->level, severity::fatal);
}

// ---- limits ---------------------------------------------------------------------------------

TEST(EdifactTokenizer, InterchangeLargerThanLimitIsFatalBeforeAnythingElse) {
  parse_options o;
  o.limits.max_interchange_bytes = 16;
  const std::string in = std::string(20, '\0');  // would be binary_input if it were looked at
  const auto r = parse(in, o);
  EXPECT_EQ(r.ec, make_error_code(errc::limit_interchange_size));
  EXPECT_FALSE(r.has(errc::binary_input));
}

TEST(EdifactTokenizer, SegmentCountLimitIsFatal) {
  parse_options o;
  o.limits.max_segments = 3;
  const std::string in = wrap("BGM+745'");
  const auto r = parse(in, o);
  EXPECT_EQ(r.ec, make_error_code(errc::limit_segment_count));
  EXPECT_EQ(r.first(errc::limit_segment_count)->pos.segment, 4u);
  EXPECT_EQ(r.ic.segments.size(), 3u);
}

TEST(EdifactTokenizer, SegmentLengthLimitIsFatal) {
  parse_options o;
  o.limits.max_segment_bytes = 60;
  const std::string in = wrap("FTX+AAA+++" + std::string(60, 'X') + "'");
  const auto r = parse(in, o);
  EXPECT_EQ(r.ec, make_error_code(errc::limit_segment_length));
  EXPECT_EQ(r.first(errc::limit_segment_length)->pos.offset, in.find("FTX"));
}

TEST(EdifactTokenizer, ElementLengthLimitIsFatalWithElementPosition) {
  parse_options o;
  o.limits.max_element_bytes = 12;
  const std::string in = wrap("FTX+AAA+++" + std::string(13, 'X') + "'");
  const auto r = parse(in, o);
  EXPECT_EQ(r.ec, make_error_code(errc::limit_element_length));
  EXPECT_EQ(r.first(errc::limit_element_length)->pos.element, 4u);
  EXPECT_EQ(r.first(errc::limit_element_length)->pos.segment, 3u);
}

TEST(EdifactTokenizer, ElementCountLimitIsFatal) {
  parse_options o;
  o.limits.max_elements = 8;
  const std::string in = wrap("FTX+1+2+3+4+5+6+7+8+9'");
  const auto r = parse(in, o);
  EXPECT_EQ(r.ec, make_error_code(errc::limit_element_count));
  EXPECT_EQ(r.first(errc::limit_element_count)->pos.element, 9u);
}

TEST(EdifactTokenizer, ComponentCountLimitIsFatal) {
  parse_options o;
  o.limits.max_components = 4;
  const std::string in = wrap("RFF+A:B:C:D:E'");
  const auto r = parse(in, o);
  EXPECT_EQ(r.ec, make_error_code(errc::limit_component_count));
  EXPECT_EQ(r.first(errc::limit_component_count)->pos.component, 5u);
}

TEST(EdifactTokenizer, RepetitionCountLimitIsFatal) {
  parse_options o;
  o.limits.max_repetitions = 2;
  const std::string in = "UNA:+.?*'" + wrap("COM+A:TE*B:FX*C:EM'");
  const auto r = parse(in, o);
  EXPECT_EQ(r.ec, make_error_code(errc::limit_repetition_count));
  EXPECT_EQ(r.first(errc::limit_repetition_count)->pos.repetition, 3u);
}

TEST(EdifactTokenizer, RepetitionSeparatorIsLiteralInUnbAndUng) {
  parse_options o;
  o.limits.max_repetitions = 1;
  constexpr std::string_view in =
      "UNA:+.?*'UNB+UNOA:4+APIS*ABE+USCSAPIS*ZZ+250301:0930+1'"
      "UNG+PAXLST+APIS*ABE+USCSAPIS*ZZ+250301:0930+1+UN+D:05B'UNE+0+1'UNZ+1+1'";
  const auto r = parse(in, o);
  EXPECT_FALSE(r.has(errc::limit_repetition_count));
  EXPECT_EQ(r.ic.segments.size(), 4u);
}

TEST(EdifactTokenizer, RepetitionsNotCountedWithoutRepetitionSeparator) {
  parse_options o;
  o.limits.max_repetitions = 1;
  const std::string in = wrap("COM+A:TE*B:FX*C:EM'");  // no UNA: '*' is an ordinary character
  EXPECT_FALSE(parse(in, o).has(errc::limit_repetition_count));
}

// ---- long inputs (findings far from the end, where whole blocks are scanned at once) ---------

// `bad` surrounded by enough clean segments that it is far from both ends of the input.
std::string deep(std::string_view bad) {
  std::string body;
  for (int i = 0; i < 40; ++i) body += "LOC+178+LHR'DTM+329:850412'";
  body += bad;
  for (int i = 0; i < 40; ++i) body += "NAT+2+IRL'RFF+AVF:ABC123'";
  return wrap(body);
}

TEST(EdifactTokenizer, TrailingSeparatorDeepInLongInputIsReportedWithPosition) {
  const std::string in = deep("NAD+FL+++DOE:JOHN:'");
  const auto parsed_result = parse(in);
  const diagnostic* d = parsed_result.first(errc::trailing_separator);
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->pos.offset, in.find(":'"));
  EXPECT_EQ(d->pos.segment, 83u);
  EXPECT_EQ(d->pos.element, 4u);
  EXPECT_EQ(d->pos.component, 3u);
}

TEST(EdifactTokenizer, ReleasedTerminatorDeepInLongInputDoesNotSplit) {
  const std::string in = deep("NAD+FL+++O?'BRIEN'");
  const auto r = parse(in);
  ASSERT_GE(r.ic.segments.size(), 83u);
  EXPECT_EQ(r.ic.segments[82].body(), "+FL+++O?'BRIEN");
  EXPECT_TRUE(r.ic.segments[82].escaped());
  EXPECT_FALSE(r.ic.segments[81].escaped());
  EXPECT_EQ(r.ic.segments.size(), 165u);
}

TEST(EdifactTokenizer, LowerCaseDeepInLongInputIsReported) {
  const std::string in = deep("NAD+FL+++Doe'");
  const auto parsed_result = parse(in);
  const diagnostic* d = parsed_result.first(errc::lowercase_in_level_a);
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->pos.offset, in.find("oe'"));
}

TEST(EdifactTokenizer, ComponentLimitDeepInLongInputIsFatal) {
  parse_options o;
  o.limits.max_components = 3;
  const std::string in = deep("RFF+A:B:C:D'");
  const auto r = parse(in, o);
  EXPECT_EQ(r.ec, make_error_code(errc::limit_component_count));
  EXPECT_EQ(r.first(errc::limit_component_count)->pos.segment, 83u);
}

TEST(EdifactTokenizer, ElementLengthLimitDeepInLongInputIsFatal) {
  parse_options o;
  o.limits.max_element_bytes = 20;
  const std::string in = deep("FTX+AAA+++" + std::string(21, 'X') + "'");
  const auto r = parse(in, o);
  EXPECT_EQ(r.ec, make_error_code(errc::limit_element_length));
  EXPECT_EQ(r.first(errc::limit_element_length)->pos.segment, 83u);
}

// The fast path skips the length tests only when the limits are at least a block: a limit
// below that still applies to a short segment deep in the input.
TEST(EdifactTokenizer, SegmentLengthLimitDeepInLongInputIsFatal) {
  parse_options o;
  o.limits.max_segment_bytes = 50;  // above the UNB's 48 bytes
  const std::string in = deep("FTX+AAA+++" + std::string(45, 'X') + "'");
  const auto r = parse(in, o);
  EXPECT_EQ(r.ec, make_error_code(errc::limit_segment_length));
  const diagnostic* d = r.first(errc::limit_segment_length);
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->pos.offset, in.find("FTX"));
  EXPECT_EQ(d->pos.segment, 83u);
}

// Segment starts that are not a tag character (line breaks, spaces, tabs) deep in the input,
// between segments the fast path takes.
TEST(EdifactTokenizer, LayoutAndLeadingWhitespaceDeepInLongInput) {
  const std::string in = deep("\r\nBGM+745' \tDTM+1'\n");
  const auto r = parse(in);
  EXPECT_FALSE(r.has(errc::invalid_segment_tag));
  const diagnostic* d = r.first(errc::leading_whitespace);
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->pos.offset, in.find(" \tDTM"));
  EXPECT_EQ(d->pos.segment, 84u);
  ASSERT_GE(r.ic.segments.size(), 85u);
  EXPECT_EQ(r.ic.segments[82].tag(), "BGM");
  EXPECT_EQ(r.ic.segments[83].tag(), "DTM");
  EXPECT_EQ(r.ic.segments[83].body(), "+1");
  EXPECT_EQ(r.ic.segments[84].tag(), "NAT");
}

TEST(EdifactTokenizer, SegmentsLongerThanABlockAreSplitCorrectly) {
  const std::string value(150, 'X');
  const std::string in = deep("FTX+AAA+++" + value + ":" + value + "'");
  const auto r = parse(in);
  ASSERT_GE(r.ic.segments.size(), 84u);
  EXPECT_EQ(r.ic.segments[82].body(), "+AAA+++" + value + ":" + value);
  EXPECT_EQ(r.ic.segments[83].tag(), "NAT");
}

// ---- SITA Type B envelope -------------------------------------------------------------------

constexpr std::string_view type_b_input =
    "\x01QK LONPPXS\r\n.MUCKMTS 250521\r\n\x02"
    "UNA:(.) -UNB(IATA:1(XX(PIUPNR(250228:1100(3001-UNZ(0(3001-\x03";

TEST(EdifactTokenizer, TypeBEnvelopeIsStrippedAndDescribed) {
  const auto r = parse(type_b_input);
  EXPECT_FALSE(r.ec);
  ASSERT_TRUE(r.ic.type_b.has_value());
  EXPECT_EQ(r.ic.type_b->priority, "QK");
  EXPECT_EQ(r.ic.type_b->addresses, "LONPPXS");
  EXPECT_EQ(r.ic.type_b->origin, "MUCKMTS");
  EXPECT_EQ(r.ic.type_b->timestamp, "250521");
  EXPECT_EQ(r.ic.type_b->text_offset, type_b_input.find("UNA"));
  EXPECT_EQ(r.ic.text.substr(0, 9), "UNA:(.) -");
  EXPECT_EQ(r.ic.text.back(), '-');  // ETX excluded
  EXPECT_FALSE(r.has(errc::data_before_interchange));
  EXPECT_FALSE(r.has(errc::invalid_segment_tag));
  ASSERT_EQ(r.ic.segments.size(), 2u);
}

TEST(EdifactTokenizer, TypeBOffsetsAreRelativeToOriginalBuffer) {
  const auto r = parse(type_b_input);
  ASSERT_FALSE(r.ic.segments.empty());
  EXPECT_EQ(r.ic.segments[0].offset, type_b_input.find("UNB"));
}

// ---- the segment record ---------------------------------------------------------------------

// Every path of the tokenizer leaves a segment whose tag sits at its offset in the buffer and
// whose body starts at or after the end of the tag, inside the buffer (segment's construction
// contract: the record keeps one pointer and the body's distance from it): UNA, CR LF and
// spaces between segments, invalid tags (a body far after the tag, no tag at all), released
// terminators, a Type B envelope, segments longer than a scan block, a truncated last segment,
// strict and tolerant.
TEST(EdifactTokenizer, SegmentTagAndBodyLieInTheBufferAtTheirOffsets) {
  std::string long_value(150, 'A');
  const std::vector<std::string> inputs = {
      std::string(sample_a1),
      std::string(type_b_input),
      wrap("BGMXYZ+745'bgm+1'+X:Y'B'BG'  NAD+FL+++O?'BRIEN'\r\n\r\nDTM+1'"),
      wrap("NAD+FL+++" + long_value + "'NAD+FL+++" + long_value + "?''FTX"),
      "UNB+UNOA:4+X+Y+250301:0930+1'UNH+1+PAXLST'UNA:+.? 'BGM+745'ABCDEFGHIJKLMNOPQRSTU+1'BGM",
      "UNB+UNOA:4+X+Y+250301:0930+1'UNH+1+PAXLST'BGM+745?",
  };
  for (const std::string& in : inputs) {
    for (const parse_options& o : {parse_options{}, tolerant()}) {
      const auto r = parse(in, o);
      for (const segment& s : r.ic.segments) {
        SCOPED_TRACE(in.substr(s.offset, 20));
        EXPECT_EQ(s.tag().data(), in.data() + s.offset);
        EXPECT_LE(s.tag().size(), 3u);
        EXPECT_GE(s.body().data(), s.tag().data() + s.tag().size());
        EXPECT_LE(s.body().data() + s.body().size(), in.data() + in.size());
      }
    }
  }
  // The invalid tags' bodies, as the envelope and structure passes see them.
  const std::string in = wrap("BGMXYZ+745'+X:Y'ABCDEFGHIJKLMNOPQRSTU+1'");
  const auto r = parse(in, tolerant());
  ASSERT_GE(r.ic.segments.size(), 5u);
  EXPECT_EQ(r.ic.segments[2].tag(), "BGM");
  EXPECT_EQ(r.ic.segments[2].body(), "+745");
  EXPECT_EQ(r.ic.segments[2].offset, in.find("BGMXYZ"));
  EXPECT_EQ(r.ic.segments[3].tag(), "");
  EXPECT_EQ(r.ic.segments[3].body(), "+X:Y");
  EXPECT_EQ(r.ic.segments[4].tag(), "ABC");
  EXPECT_EQ(r.ic.segments[4].body(), "+1");
  EXPECT_EQ(r.ic.segments[4].body().data(), in.data() + in.find("+1'UNT"));
}

TEST(EdifactTokenizer, TypeBWithoutStxIsFatal) {
  const auto r = parse("\x01QK LONPPXS\r\n.MUCKMTS 250521\r\nUNB+UNOA:4+A+B+1+1'");
  EXPECT_EQ(r.ec, make_error_code(errc::type_b_envelope_malformed));
}

TEST(EdifactTokenizer, TypeBNotAcceptedMeansDataBeforeInterchange) {
  parse_options o;
  o.accept_type_b = false;
  const auto r = parse(type_b_input, o);
  EXPECT_TRUE(r.has(errc::data_before_interchange));
  EXPECT_FALSE(r.ic.type_b.has_value());
}

}  // namespace

TEST(EdifactTokenizer, EmptyTrailingRepetitionIsATrailingSeparator) {
  // fuzz/crashers/roundtrip_trailing_repetition_separator.edi: `XX123*+` used to pass.
  const std::string in =
      "UNA:+.?*'UNB+UNOA:4+S+R+250301:0930+1'UNH+1+PAXLST:D:05B:UN:IATA'"
      "TDT+20+XX123*+++XX'UNT+3+1'UNZ+1+1'";
  EXPECT_TRUE(parse(in).has(errc::trailing_separator));
}

TEST(EdifactTokenizer, ComponentSeparatorBeforeRepetitionIsATrailingSeparator) {
  // fuzz/crashers/roundtrip_component_separator_before_repetition.edi: `:*` used to pass.
  const std::string in =
      "UNA:+.?*'UNB+UNOA:4+S+R+250301:0930+1'UNH+1+PAXLST:D:05B:UN:IATA'"
      "DTM+189:2503011100:*201'UNT+3+1'UNZ+1+1'";
  EXPECT_TRUE(parse(in).has(errc::trailing_separator));
}

TEST(EdifactTokenizer, RepetitionSeparatorInsideUnbIsNotATrailingSeparator) {
  const std::string in =
      "UNA:+.?*'UNB+UNOA:4+APIS*+R+250301:0930+1'UNH+1+PAXLST:D:05B:UN:IATA'"
      "BGM+745'UNT+3+1'UNZ+1+1'";
  const parsed r = parse(in);
  EXPECT_FALSE(r.ec);
  EXPECT_FALSE(r.has(errc::trailing_separator));
}

namespace {

// segment::separators: what the tokenizer's block scan recorded of a body must be exactly its
// separators, and only for a body the contract allows (shorter than 64 bytes, nothing but plain
// bytes and unreleased element and component separators). `d` are the interchange's delimiters.
std::string recorded_mismatch(const segment& s, const delimiters& d) {
  if (s.separators == 0) return {};
  const std::string_view b = s.body();
  if (b.size() >= 64) return "recorded a body of " + std::to_string(b.size()) + " bytes";
  if (b.front() != d.element) return "recorded a body without a leading element separator";
  for (std::size_t k = 0; k < b.size(); ++k) {
    const bool sep = b[k] == d.element || b[k] == d.component;
    if (((s.separators >> k) & 1u) != (sep ? 1u : 0u)) return "bit " + std::to_string(k);
    if ((d.has_release && b[k] == d.release) || (d.has_repetition && b[k] == d.repetition) ||
        b[k] == '\r' || b[k] == '\n') {
      return "recorded a body with a special byte at " + std::to_string(k);
    }
  }
  if ((s.separators >> b.size()) != 0) return "bits past the body";
  return {};
}

// True when the tokenizer must have recorded s's separators: a body of 1 to 63 bytes with its
// leading element separator, nothing but level A characters and separators in it, no trailing
// separator, and 64 bytes of text from the body on (the block scan's reach; a body nearer the
// end of the text may or may not be recorded).
bool must_record(const segment& s, const delimiters& d, std::string_view text) {
  const std::string_view b = s.body();
  if (b.empty() || b.size() >= 64 || b.front() != d.element) return false;
  if (static_cast<std::size_t>(b.data() - text.data()) + 64 > text.size()) return false;
  constexpr std::string_view plain = " .,-()/=!\"%&*;<>";
  for (std::size_t k = 0; k < b.size(); ++k) {
    const char ch = b[k];
    const bool sep = ch == d.element || ch == d.component;
    if (sep && k + 1 < b.size() && ch == d.component && b[k + 1] == d.element) return false;
    if (sep && k + 1 == b.size()) return false;  // a trailing separator
    if (sep) continue;
    if ((d.has_release && ch == d.release) || (d.has_repetition && ch == d.repetition)) {
      return false;
    }
    if (!((ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
          plain.find(ch) != std::string_view::npos)) {
      return false;
    }
  }
  return true;
}

TEST(EdifactTokenizer, RecordsTheSeparatorsOfPlainShortBodies) {
  // Enough text after the segments under test for the block scan (64 bytes) to take them.
  const std::string tail(80, ' ');
  const std::string in = wrap(
                             "NAD+FL+++DOE:JOHN'"
                             "FTX+AAA+++O?'BRIEN'"  // a release character: not recorded
                             "FTX+AAA+++" +
                             std::string(70, 'X') +  // 64 bytes or more: not recorded
                             "'DTM+329:850412'SRC'NAT+2+IRL'") +
                         tail;
  const auto r = parse(in);
  ASSERT_FALSE(r.ec) << r.ec.message();
  auto find = [&](std::string_view tag, std::size_t nth = 0) -> const segment& {
    for (const segment& s : r.ic.segments) {
      if (s.tag() == tag && nth-- == 0) return s;
    }
    ADD_FAILURE() << tag;
    return r.ic.segments.front();
  };
  // "+FL+++DOE:JOHN": element separators at 0, 3, 4, 5, a component separator at 9.
  EXPECT_EQ(find("NAD").separators, 0b10'0011'1001u);
  EXPECT_EQ(find("FTX", 0).separators, 0u);
  EXPECT_EQ(find("FTX", 1).separators, 0u);
  EXPECT_EQ(find("DTM").separators, 0b1'0001u);  // "+329:850412"
  EXPECT_EQ(find("SRC").separators, 0u);         // no body
  EXPECT_EQ(find("NAT").separators, 0b101u);     // "+2+IRL"
  for (const segment& s : r.ic.segments) {
    EXPECT_EQ(recorded_mismatch(s, r.ic.delims), "") << s.tag() << s.body();
  }
}

// Every segment of Appendix A.1 repeated (so that segments start at every offset of the 64-byte
// blocks, and some run past a block's end), with the default and the level B delimiters.
TEST(EdifactTokenizer, RecordedSeparatorsAreTheBodysSeparators) {
  std::string many(sample_a1.substr(0, sample_a1.find("UNT+")));
  const std::string_view travellers =
      sample_a1.substr(sample_a1.find("NAD+FL"), sample_a1.find("CNT+") - sample_a1.find("NAD+FL"));
  for (int i = 0; i < 50; ++i) {
    many += travellers;
    many += std::string(static_cast<std::size_t>(i % 7), '\n');
  }
  many += sample_a1.substr(sample_a1.find("CNT+"));
  std::size_t recorded = 0, seen = 0;
  for (const std::string& text : {many, std::string(sample_a1)}) {
    const auto r = parse(text, tolerant());
    for (const segment& s : r.ic.segments) {
      ++seen;
      recorded += s.separators != 0 ? 1 : 0;
      EXPECT_EQ(recorded_mismatch(s, r.ic.delims), "") << s.tag() << s.body();
      if (must_record(s, r.ic.delims, r.ic.text)) {
        EXPECT_NE(s.separators, 0u) << s.tag() << s.body();
      }
    }
  }
  EXPECT_GT(recorded, seen / 2);
  // Level B: IS1/IS3/IS4 as separators and terminator, no UNA.
  std::string level_b;
  std::string plain = many.substr(many.find("UNB"));
  for (std::size_t at; (at = plain.find("?'")) != std::string::npos;) plain.erase(at, 2);
  for (char ch : plain) {
    level_b += ch == ':' ? '\x1F' : ch == '+' ? '\x1D' : ch == '\'' ? '\x1C' : ch;
  }
  const auto r = parse(level_b, tolerant());
  std::size_t recorded_b = 0;
  for (const segment& s : r.ic.segments) {
    recorded_b += s.separators != 0 ? 1 : 0;
    EXPECT_EQ(recorded_mismatch(s, r.ic.delims), "") << s.tag() << s.body();
    if (must_record(s, r.ic.delims, r.ic.text)) {
      EXPECT_NE(s.separators, 0u) << s.tag() << s.body();
    }
  }
  EXPECT_GT(recorded_b, 100u);
}

}  // namespace

}  // namespace apipnr::edifact
