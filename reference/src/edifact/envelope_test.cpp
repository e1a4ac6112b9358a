// Unit tests of pass 2 (detail::check_envelope). Segments are built by a small test-only
// splitter so that these tests do not depend on the tokenizer; a few tests at the end go through
// parser::parse to check that both passes fit together.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "apipnr/edifact/parser.hpp"
#include "parser_internal.hpp"

namespace apipnr::edifact {
namespace {

// Runs check_envelope over `text`, split into segments the simple way: on unreleased `'`,
// skipping CR/LF between segments, tag = first three characters, a leading UNA (default
// delimiters only) skipped. Owns the text, so it is neither copyable nor movable.
class checked {
 public:
  explicit checked(std::string text, parse_options opts = {}, delimiters d = delimiters::defaults())
      : text_(std::move(text)) {
    ic_.delims = d;
    split();
    detail::reporter rep(findings_, opts.parse_mode);
    (void)detail::check_envelope(opts, ic_, rep);
    rep.flush(ic_);
  }
  checked(const checked&) = delete;
  checked& operator=(const checked&) = delete;

  const interchange& ic() const { return ic_; }
  const diagnostic_list& findings() const { return findings_; }

  std::size_t count(errc e) const {
    std::size_t n = 0;
    for (const auto& f : findings_.items()) n += f.code == make_error_code(e) ? 1 : 0;
    return n;
  }
  // The first finding with code `e`; fails the test (and returns a dummy) when there is none.
  const diagnostic& first(errc e) const {
    for (const auto& f : findings_.items())
      if (f.code == make_error_code(e)) return f;
    ADD_FAILURE() << "no finding " << info(e).id << "; got:\n" << dump();
    return none_;
  }
  std::string dump() const {
    std::string s;
    for (const auto& f : findings_.items())
      s += std::string(f.id) + " @" + std::to_string(f.pos.segment) + " " + f.detail + "\n";
    return s;
  }

 private:
  void split() {
    const std::string_view all = text_;
    ic_.text = all;
    std::size_t pos = 0;
    if (all.substr(0, 3) == "UNA") {
      ic_.una_present = true;
      pos = 9;
    }
    std::uint32_t index = 0;
    while (pos < all.size()) {
      if (all[pos] == '\r' || all[pos] == '\n') {
        ++pos;
        continue;
      }
      std::size_t end = pos;
      bool escaped = false;
      while (end < all.size() && all[end] != ic_.delims.terminator) {
        if (all[end] == ic_.delims.release) {
          escaped = true;
          ++end;
        }
        ++end;
      }
      end = std::min(end, all.size());
      const std::string_view seg = all.substr(pos, end - pos);
      const segment s(seg.substr(0, 3), seg.substr(std::min<std::size_t>(3, seg.size())),
                      static_cast<std::uint32_t>(pos), ++index, escaped);
      ic_.segments.push_back(s);
      pos = end + 1;
    }
  }

  std::string text_;
  interchange ic_;
  diagnostic_list findings_;
  diagnostic none_;
};

parse_options tolerant() {
  parse_options o;
  o.parse_mode = mode::tolerant;
  return o;
}

// STANDARDS.md Appendix A.1: PAXLST, v4 envelope with UNG, release character in a name.
constexpr std::string_view sample_a1 =
    "UNA:+.? '\n"
    "UNB+UNOA:4+XXAPI:ZZ+PIUTEST:ZZ+250301:0930+1001++APIS'\n"
    "UNG+PAXLST+XX AIRLINE+PIUTEST+250301:0930+1+UN+D:05B'\n"
    "UNH+1+PAXLST:D:05B:UN:IATA+XX123/250301/1100+01:F'\n"
    "BGM+745'\n"
    "RFF+TN:XX1232503011:::1'\n"
    "NAD+MS+++OPS CONTROL'\n"
    "COM+44 20 0000 0000:TE'\n"
    "TDT+20+XX123+++XX'\n"
    "LOC+125+LHR'\n"
    "DTM+189:2503011100:201'\n"
    "LOC+87+JFK'\n"
    "DTM+232:2503011400:201'\n"
    "NAD+FL+++O?'BRIEN:ANNE:MARIE'\n"
    "ATT+2++F'\n"
    "DTM+329:850412'\n"
    "LOC+178+LHR'\n"
    "LOC+179+JFK'\n"
    "NAT+2+IRL'\n"
    "RFF+AVF:ABC123'\n"
    "RFF+ABO:0001'\n"
    "DOC+P:110:111+PA1234567'\n"
    "DTM+36:300101'\n"
    "LOC+91+IRL'\n"
    "CNT+42:1'\n"
    "UNT+23+1'\n"
    "UNE+1+1'\n"
    "UNZ+1+1001'\n";

constexpr std::string_view unb = "UNB+UNOA:4+SND:ZZ+RCV:ZZ+250301:0930+REF1'";

// One ungrouped message of three segments, with a correct envelope, around `body` segments.
std::string one_message(std::string_view body = "BGM+745'", std::string_view unt = "UNT+3+1'") {
  return std::string(unb) + "UNH+1+PAXLST:D:05B:UN:IATA'" + std::string(body) + std::string(unt) +
         "UNZ+1+REF1'";
}

// --- accepted interchanges -------------------------------------------------------------------

TEST(EdifactEnvelope, AcceptsAppendixA1WithoutFindings) {
  const checked r{std::string(sample_a1)};
  EXPECT_TRUE(r.findings().empty()) << r.dump();
  EXPECT_TRUE(r.ic().closed);
}

TEST(EdifactEnvelope, FillsUnbFields) {
  const checked r{"UNB+UNOA:4+XXAPI:ZZ:RT+PIUTEST:ZZ:RR+250301:0930+1001++APIS++1++1'" +
                  std::string("UNH+1+PAXLST:D:05B:UN'UNT+2+1'UNZ+1+1001'")};
  const interchange& ic = r.ic();
  EXPECT_TRUE(r.findings().empty()) << r.dump();
  EXPECT_EQ(ic.syntax_identifier, "UNOA");
  EXPECT_EQ(ic.syntax_version, 4);
  EXPECT_EQ(ic.sender, "XXAPI");
  EXPECT_EQ(ic.sender_qualifier, "ZZ");
  EXPECT_EQ(ic.sender_routing, "RT");
  EXPECT_EQ(ic.recipient, "PIUTEST");
  EXPECT_EQ(ic.recipient_qualifier, "ZZ");
  EXPECT_EQ(ic.recipient_routing, "RR");
  EXPECT_EQ(ic.date, "250301");
  EXPECT_EQ(ic.time, "0930");
  EXPECT_EQ(ic.control_reference, "1001");
  EXPECT_EQ(ic.application_reference, "APIS");
  EXPECT_EQ(ic.acknowledgement_request, "1");
  EXPECT_EQ(ic.test_indicator, "1");
}

TEST(EdifactEnvelope, FillsGroupView) {
  const checked r{std::string(sample_a1)};
  ASSERT_EQ(r.ic().groups.size(), 1u);
  const group_view& g = r.ic().groups[0];
  EXPECT_EQ(g.ung, 1u);
  EXPECT_EQ(g.une, 25u);
  EXPECT_EQ(g.message_group, "PAXLST");
  EXPECT_EQ(g.sender, "XX AIRLINE");
  EXPECT_EQ(g.recipient, "PIUTEST");
  EXPECT_EQ(g.reference, "1");
  EXPECT_EQ(g.agency, "UN");
  EXPECT_EQ(g.version, "D");
  EXPECT_EQ(g.release, "05B");
  EXPECT_EQ(g.first_message, 0u);
  EXPECT_EQ(g.message_count, 1u);
  EXPECT_TRUE(g.closed);
}

TEST(EdifactEnvelope, FillsMessageView) {
  const checked r{std::string(sample_a1)};
  ASSERT_EQ(r.ic().messages.size(), 1u);
  const message_view& m = r.ic().messages[0];
  EXPECT_EQ(m.unh, 2u);
  EXPECT_EQ(m.unt, 24u);
  EXPECT_EQ(m.segment_count(), 23u);  // UNT+23: UNH..UNT inclusive
  EXPECT_EQ(m.reference, "1");
  EXPECT_EQ(m.type, "PAXLST");
  EXPECT_EQ(m.version, "D");
  EXPECT_EQ(m.release, "05B");
  EXPECT_EQ(m.agency, "UN");
  EXPECT_EQ(m.association, "IATA");
  EXPECT_EQ(m.common_access_reference, "XX123/250301/1100");
  EXPECT_EQ(m.sequence, "01");
  EXPECT_EQ(m.first_last, "F");
  EXPECT_EQ(m.group, 0);
  EXPECT_TRUE(m.closed);
}

TEST(EdifactEnvelope, AcceptsUngroupedMessagesCountedByUnz) {
  const checked r{std::string(unb) + "UNH+1+PAXLST:D:05B:UN'UNT+2+1'UNH+2+PAXLST:D:05B:UN'" +
                  "UNT+2+2'UNZ+2+REF1'"};
  EXPECT_TRUE(r.findings().empty()) << r.dump();
  ASSERT_EQ(r.ic().messages.size(), 2u);
  EXPECT_EQ(r.ic().messages[1].group, -1);
}

TEST(EdifactEnvelope, KeepsStarInsideSenderIdWhole) {
  const checked r{"UNB+UNOA:4+APIS*ABE+USCSAPIS:ZZ+250301:0930+REF1'" +
                      std::string("UNH+1+PAXLST:D:05B:UN'UNT+2+1'UNZ+1+REF1'"),
                  {},
                  delimiters::defaults_v4()};
  EXPECT_TRUE(r.findings().empty()) << r.dump();
  EXPECT_EQ(r.ic().sender, "APIS*ABE");
}

TEST(EdifactEnvelope, AcceptsZeroPaddedUntCount) {
  const checked r{one_message("BGM+745'", "UNT+000003+1'")};
  EXPECT_TRUE(r.findings().empty()) << r.dump();
}

TEST(EdifactEnvelope, AcceptsIataSyntaxIdentifier) {
  const checked r{"UNB+IATA:1+XX+PIUPNR+250228:1100+3001'" +
                  std::string("UNH+1+PNRGOV:13:1:IA'UNT+2+1'UNZ+1+3001'")};
  EXPECT_TRUE(r.findings().empty()) << r.dump();
}

TEST(EdifactEnvelope, AcceptsAllowListedSyntaxIdentifier) {
  static constexpr std::string_view extra[] = {"SIRE"};
  parse_options opts;
  opts.extra_syntax_identifiers = extra;
  const checked r{"UNB+SIRE:4+SND+RCV+250301:0930+REF1'" +
                      std::string("UNH+1+PAXLST:D:05B:UN'UNT+2+1'UNZ+1+REF1'"),
                  opts};
  EXPECT_TRUE(r.findings().empty()) << r.dump();
}

TEST(EdifactEnvelope, AcceptsEightDigitDate) {
  const checked r{"UNB+UNOA:4+SND+RCV+20250301:0930+REF1'" +
                  std::string("UNH+1+PAXLST:D:05B:UN'UNT+2+1'UNZ+1+REF1'")};
  EXPECT_TRUE(r.findings().empty()) << r.dump();
}

TEST(EdifactEnvelope, DoesNotCompareReferencesAcrossLevels) {
  // astra iAPI style: three different references on three levels (STANDARDS §1.5 rule 7).
  const checked r{"UNB+UNOA:4+SND+RCV+250301:0930+ABC0001'" +
                  std::string("UNG+PAXLST+SND+RCV+250301:0930+1+UN+D:05B'") +
                  "UNH+11085B94E1F8FA+PAXLST:D:05B:UN'UNT+2+11085B94E1F8FA'UNE+1+1'" +
                  "UNZ+1+ABC0001'"};
  EXPECT_TRUE(r.findings().empty()) << r.dump();
}

TEST(EdifactEnvelope, AcceptsSectionControlInsideMessage) {
  const checked r{one_message("UNS+D'", "UNT+3+1'")};
  EXPECT_TRUE(r.findings().empty()) << r.dump();
}

TEST(EdifactEnvelope, CountsReleasedCharacterOnceInLength) {
  // 14 literal characters, 15 raw ones because of the release character.
  const checked r{"UNB+UNOA:4+SND+RCV+250301:0930+ABCDEFGHIJKL?+M'" +
                  std::string("UNH+1+PAXLST:D:05B:UN'UNT+2+1'UNZ+1+ABCDEFGHIJKL?+M'")};
  EXPECT_TRUE(r.findings().empty()) << r.dump();
}

// --- order and nesting -----------------------------------------------------------------------

TEST(EdifactEnvelope, NoSegmentsIsMissingUnb) {
  const checked r{""};
  EXPECT_EQ(r.count(errc::missing_unb), 1u);
  EXPECT_EQ(r.findings().size(), 1u) << r.dump();
}

TEST(EdifactEnvelope, FirstSegmentOtherThanUnbIsMissingUnb) {
  const checked r{"UNH+1+PAXLST:D:05B:UN'UNT+2+1'UNZ+1+REF1'"};
  const diagnostic& d = r.first(errc::missing_unb);
  EXPECT_EQ(d.pos.segment, 1u);
  EXPECT_EQ(d.pos.offset, 0u);
  EXPECT_EQ(d.syntax_error, 13);
}

TEST(EdifactEnvelope, TruncatedInterchangeIsMissingUnzAtLastSegment) {
  const checked r{std::string(unb) + "UNH+1+PAXLST:D:05B:UN'UNT+2+1'"};
  const diagnostic& d = r.first(errc::missing_unz);
  EXPECT_EQ(d.pos.segment, 3u);
  EXPECT_FALSE(r.ic().closed);
}

TEST(EdifactEnvelope, SegmentAfterUnzIsDataAfterInterchange) {
  const checked r{one_message() + "BGM+745'FTX+X'"};
  EXPECT_EQ(r.count(errc::data_after_interchange), 1u) << r.dump();
  EXPECT_EQ(r.first(errc::data_after_interchange).pos.segment, 6u);
}

TEST(EdifactEnvelope, UnknownServiceSegmentAfterUnzIsDataAfterInterchange) {
  const checked r{one_message() + "UNQ+1'"};
  EXPECT_EQ(r.count(errc::data_after_interchange), 1u) << r.dump();
  EXPECT_EQ(r.count(errc::unknown_service_segment), 0u);
}

TEST(EdifactEnvelope, UnhAfterUnzIsMisplaced) {
  const checked r{one_message() + "UNH+2+PAXLST:D:05B:UN'"};
  const diagnostic& d = r.first(errc::misplaced_service_segment);
  EXPECT_EQ(d.pos.segment, 6u);
  EXPECT_EQ(r.ic().messages.size(), 1u);
}

TEST(EdifactEnvelope, SecondUnbIsMisplaced) {
  const checked r{std::string(unb) + std::string(unb) +
                  "UNH+1+PAXLST:D:05B:UN'UNT+2+1'UNZ+1+REF1'"};
  EXPECT_EQ(r.count(errc::misplaced_service_segment), 1u) << r.dump();
  EXPECT_EQ(r.first(errc::misplaced_service_segment).pos.segment, 2u);
}

TEST(EdifactEnvelope, UntWithoutUnhIsMisplaced) {
  const checked r{std::string(unb) + "UNT+2+1'UNH+1+PAXLST:D:05B:UN'UNT+2+1'UNZ+1+REF1'"};
  const diagnostic& d = r.first(errc::misplaced_service_segment);
  EXPECT_EQ(d.pos.segment, 2u);
  EXPECT_EQ(d.syntax_error, 15);
}

TEST(EdifactEnvelope, UneWithoutUngIsMisplaced) {
  const checked r{std::string(unb) + "UNH+1+PAXLST:D:05B:UN'UNT+2+1'UNE+1+1'UNZ+1+REF1'"};
  EXPECT_EQ(r.first(errc::misplaced_service_segment).pos.segment, 4u);
}

TEST(EdifactEnvelope, UnknownUnTagIsUnknownServiceSegment) {
  const checked r{one_message("UNQ+1'", "UNT+3+1'")};
  const diagnostic& d = r.first(errc::unknown_service_segment);
  EXPECT_EQ(d.pos.segment, 3u);
  EXPECT_EQ(d.pos.message_segment, 2u);
  EXPECT_EQ(r.count(errc::unt_count_mismatch), 0u);  // it still counts as a message segment
}

TEST(EdifactEnvelope, MalformedUnTagIsNotAlsoUnknownServiceSegment) {
  const checked r{one_message("UNq+1'", "UNT+3+1'")};
  EXPECT_EQ(r.count(errc::unknown_service_segment), 0u) << r.dump();
}

TEST(EdifactEnvelope, DataSegmentsBetweenMessagesReportedOncePerRun) {
  const checked r{std::string(unb) + "UNH+1+PAXLST:D:05B:UN'UNT+2+1'BGM+1'FTX+2'" +
                  "UNH+2+PAXLST:D:05B:UN'UNT+2+2'UNZ+2+REF1'"};
  EXPECT_EQ(r.count(errc::segment_outside_message), 1u) << r.dump();
  const diagnostic& d = r.first(errc::segment_outside_message);
  EXPECT_EQ(d.pos.segment, 4u);
  EXPECT_EQ(d.syntax_error, 33);
}

TEST(EdifactEnvelope, UnhWhileMessageOpenIsMissingUntAtLastSegment) {
  const checked r{std::string(unb) + "UNH+1+PAXLST:D:05B:UN'BGM+745'UNH+2+PAXLST:D:05B:UN'" +
                  "UNT+2+2'UNZ+2+REF1'"};
  EXPECT_EQ(r.count(errc::missing_unt), 1u) << r.dump();
  const diagnostic& d = r.first(errc::missing_unt);
  EXPECT_EQ(d.pos.segment, 3u);  // BGM: the last segment before the missing UNT
  EXPECT_EQ(d.pos.message_segment, 2u);
  ASSERT_EQ(r.ic().messages.size(), 2u);
  EXPECT_FALSE(r.ic().messages[0].closed);
  EXPECT_EQ(r.ic().messages[0].unt, 2u);
  EXPECT_TRUE(r.ic().messages[1].closed);
}

TEST(EdifactEnvelope, UnzWhileMessageOpenIsMissingUnt) {
  const checked r{std::string(unb) + "UNH+1+PAXLST:D:05B:UN'BGM+745'UNZ+1+REF1'"};
  EXPECT_EQ(r.count(errc::missing_unt), 1u) << r.dump();
  EXPECT_EQ(r.count(errc::missing_unz), 0u);
}

TEST(EdifactEnvelope, UnzWhileGroupOpenIsMissingUne) {
  const checked r{std::string(unb) + "UNG+PAXLST+SND+RCV+250301:0930+7+UN+D:05B'" +
                  "UNH+1+PAXLST:D:05B:UN'UNT+2+1'UNZ+1+REF1'"};
  EXPECT_EQ(r.count(errc::missing_une), 1u) << r.dump();
  const diagnostic& d = r.first(errc::missing_une);
  EXPECT_EQ(d.pos.segment, 4u);
  EXPECT_EQ(d.syntax_error, 13);
  EXPECT_FALSE(r.ic().groups[0].closed);
  EXPECT_EQ(r.ic().groups[0].une, r.ic().groups[0].ung);
}

TEST(EdifactEnvelope, UngWhileGroupOpenIsMissingUne) {
  const checked r{std::string(unb) + "UNG+PAXLST+SND+RCV+250301:0930+1+UN+D:05B'" +
                  "UNH+1+PAXLST:D:05B:UN'UNT+2+1'UNG+PAXLST+SND+RCV+250301:0930+2+UN+D:05B'" +
                  "UNH+2+PAXLST:D:05B:UN'UNT+2+2'UNE+1+2'UNZ+2+REF1'"};
  EXPECT_EQ(r.count(errc::missing_une), 1u) << r.dump();
  EXPECT_EQ(r.first(errc::missing_une).pos.segment, 4u);
  ASSERT_EQ(r.ic().groups.size(), 2u);
  EXPECT_EQ(r.ic().groups[1].first_message, 1u);
  EXPECT_EQ(r.ic().messages[1].group, 1);
}

TEST(EdifactEnvelope, UneClosingUngroupedMessageIsMissingUntAndMisplacedUne) {
  const checked r{std::string(unb) + "UNH+1+PAXLST:D:05B:UN'BGM+745'UNE+1+1'UNZ+1+REF1'"};
  EXPECT_EQ(r.first(errc::missing_unt).pos.segment, 3u);
  EXPECT_EQ(r.first(errc::misplaced_service_segment).pos.segment, 4u);
}

TEST(EdifactEnvelope, MessageSpanningGroupsIsMissingUntAndMisplacedUnt) {
  const checked r{std::string(unb) + "UNG+PAXLST+SND+RCV+250301:0930+1+UN+D:05B'" +
                  "UNH+1+PAXLST:D:05B:UN'UNE+1+1'UNG+PAXLST+SND+RCV+250301:0930+2+UN+D:05B'" +
                  "UNT+2+1'UNE+0+2'UNZ+2+REF1'"};
  EXPECT_EQ(r.first(errc::missing_unt).pos.segment, 3u);
  EXPECT_EQ(r.first(errc::misplaced_service_segment).pos.segment, 6u);
}

TEST(EdifactEnvelope, UnclosedMessageEndsAtItsLastSegment) {
  const checked r{std::string(unb) + "UNH+1+PAXLST:D:05B:UN'BGM+745'NAD+FL'"};
  ASSERT_EQ(r.ic().messages.size(), 1u);
  EXPECT_EQ(r.ic().messages[0].unt, 3u);
  EXPECT_EQ(r.ic().message_of(4), 0);
  EXPECT_EQ(r.count(errc::missing_unt), 1u);
  EXPECT_EQ(r.count(errc::missing_unz), 1u);
}

TEST(EdifactEnvelope, MessagesAreInSegmentOrderForMessageOf) {
  const checked r{std::string(unb) + "UNH+1+PAXLST:D:05B:UN'BGM+1'UNT+3+1'" +
                  "UNH+2+PAXLST:D:05B:UN'BGM+2'UNT+3+2'UNZ+2+REF1'"};
  EXPECT_EQ(r.ic().message_of(1), -1);  // UNB
  EXPECT_EQ(r.ic().message_of(3), 0);
  EXPECT_EQ(r.ic().message_of(6), 1);
  EXPECT_EQ(r.ic().message_of(8), -1);  // UNZ
}

// --- counts and references -------------------------------------------------------------------

TEST(EdifactEnvelope, UntCountMismatchIsErrorInStrictMode) {
  const checked r{one_message("BGM+745'", "UNT+4+1'")};
  const diagnostic& d = r.first(errc::unt_count_mismatch);
  EXPECT_EQ(d.level, severity::error);
  EXPECT_EQ(d.syntax_error, 29);
  EXPECT_EQ(d.pos.segment, 4u);
  EXPECT_EQ(d.pos.message_segment, 3u);
  EXPECT_EQ(d.pos.element, 1u);
}

TEST(EdifactEnvelope, UntCountMismatchIsWarningInTolerantMode) {
  const checked r{one_message("BGM+745'", "UNT+4+1'"), tolerant()};
  EXPECT_EQ(r.first(errc::unt_count_mismatch).level, severity::warning);
}

TEST(EdifactEnvelope, UntReferenceMismatchStaysErrorInTolerantMode) {
  const checked r{one_message("BGM+745'", "UNT+3+9'"), tolerant()};
  const diagnostic& d = r.first(errc::unt_reference_mismatch);
  EXPECT_EQ(d.level, severity::error);
  EXPECT_EQ(d.syntax_error, 28);
  EXPECT_EQ(d.pos.element, 2u);
}

TEST(EdifactEnvelope, UneCountMismatch) {
  const checked r{std::string(unb) + "UNG+PAXLST+SND+RCV+250301:0930+1+UN+D:05B'" +
                  "UNH+1+PAXLST:D:05B:UN'UNT+2+1'UNE+2+1'UNZ+1+REF1'"};
  const diagnostic& d = r.first(errc::une_count_mismatch);
  EXPECT_EQ(d.pos.segment, 5u);
  EXPECT_EQ(d.syntax_error, 29);
  EXPECT_EQ(d.where, scope::group);
}

TEST(EdifactEnvelope, UneReferenceMismatch) {
  const checked r{std::string(unb) + "UNG+PAXLST+SND+RCV+250301:0930+1+UN+D:05B'" +
                  "UNH+1+PAXLST:D:05B:UN'UNT+2+1'UNE+1+2'UNZ+1+REF1'"};
  EXPECT_EQ(r.first(errc::une_reference_mismatch).pos.element, 2u);
}

TEST(EdifactEnvelope, UnzCountMismatchOnUngroupedMessages) {
  const checked r{std::string(unb) + "UNH+1+PAXLST:D:05B:UN'UNT+2+1'UNZ+3+REF1'"};
  const diagnostic& d = r.first(errc::unz_count_mismatch);
  EXPECT_EQ(d.pos.segment, 4u);
  EXPECT_EQ(d.where, scope::interchange);
}

TEST(EdifactEnvelope, UnzCountingMessagesWhileUngPresentIsRejected) {
  const checked r{std::string(unb) + "UNG+PAXLST+SND+RCV+250301:0930+1+UN+D:05B'" +
                  "UNH+1+PAXLST:D:05B:UN'UNT+2+1'UNH+2+PAXLST:D:05B:UN'UNT+2+2'UNE+2+1'" +
                  "UNZ+2+REF1'"};
  const diagnostic& d = r.first(errc::unz_count_mismatch);
  EXPECT_EQ(d.syntax_error, 29);
  EXPECT_EQ(d.level, severity::error);
  EXPECT_NE(d.detail.find("counts the messages"), std::string::npos) << d.detail;
}

TEST(EdifactEnvelope, UnzReferenceMismatch) {
  const checked r{std::string(unb) + "UNH+1+PAXLST:D:05B:UN'UNT+2+1'UNZ+1+REF2'"};
  const diagnostic& d = r.first(errc::unz_reference_mismatch);
  EXPECT_EQ(d.syntax_error, 28);
  EXPECT_EQ(d.pos.element, 2u);
}

TEST(EdifactEnvelope, ReportsEveryMismatchNotOnlyTheFirst) {
  const checked r{std::string(unb) + "UNH+1+PAXLST:D:05B:UN'UNT+5+1'UNH+2+PAXLST:D:05B:UN'" +
                  "UNT+6+2'UNZ+2+REF1'"};
  EXPECT_EQ(r.count(errc::unt_count_mismatch), 2u) << r.dump();
}

// --- empty and mixed levels ------------------------------------------------------------------

TEST(EdifactEnvelope, GroupsAndUngroupedMessagesMixed) {
  const checked r{std::string(unb) + "UNH+1+PAXLST:D:05B:UN'UNT+2+1'" +
                  "UNG+PAXLST+SND+RCV+250301:0930+1+UN+D:05B'UNH+2+PAXLST:D:05B:UN'UNT+2+2'" +
                  "UNE+1+1'UNZ+1+REF1'"};
  const diagnostic& d = r.first(errc::groups_and_messages_mixed);
  EXPECT_EQ(d.syntax_error, 30);
  EXPECT_EQ(d.pos.segment, 2u);
}

TEST(EdifactEnvelope, MixedMessageTypesInGroup) {
  const checked r{std::string(unb) + "UNG+PAXLST+SND+RCV+250301:0930+1+UN+D:05B'" +
                  "UNH+1+PAXLST:D:05B:UN'UNT+2+1'UNH+2+CUSRES:D:05B:UN'UNT+2+2'UNE+2+1'" +
                  "UNZ+1+REF1'"};
  const diagnostic& d = r.first(errc::mixed_message_types_in_group);
  EXPECT_EQ(d.syntax_error, 31);
  EXPECT_EQ(d.pos.segment, 5u);
  EXPECT_EQ(d.pos.element, 2u);
  EXPECT_EQ(d.pos.component, 1u);
}

TEST(EdifactEnvelope, GroupTypeMismatchIsWarningInTolerantMode) {
  const checked r{std::string(unb) + "UNG+CUSRES+SND+RCV+250301:0930+1+UN+D:05B'" +
                      "UNH+1+PAXLST:D:05B:UN'UNT+2+1'UNE+1+1'UNZ+1+REF1'",
                  tolerant()};
  const diagnostic& d = r.first(errc::group_type_mismatch);
  EXPECT_EQ(d.level, severity::warning);
  EXPECT_EQ(d.pos.message_segment, 1u);
}

TEST(EdifactEnvelope, InterchangeWithoutMessagesIsEmpty) {
  const checked r{std::string(unb) + "UNZ+0+REF1'"};
  const diagnostic& d = r.first(errc::empty_interchange);
  EXPECT_EQ(d.syntax_error, 32);
  EXPECT_EQ(d.pos.segment, 2u);
}

TEST(EdifactEnvelope, GroupWithoutMessagesIsEmpty) {
  const checked r{std::string(unb) + "UNG+PAXLST+SND+RCV+250301:0930+1+UN+D:05B'UNE+0+1'" +
                  "UNZ+1+REF1'"};
  const diagnostic& d = r.first(errc::empty_group);
  EXPECT_EQ(d.pos.segment, 2u);
  EXPECT_EQ(r.count(errc::empty_interchange), 0u);
}

// --- service elements ------------------------------------------------------------------------

TEST(EdifactEnvelope, UnknownSyntaxIdentifierIsUnsupported) {
  const checked r{"UNB+UNOZ:4+SND+RCV+250301:0930+REF1'" +
                  std::string("UNH+1+PAXLST:D:05B:UN'UNT+2+1'UNZ+1+REF1'")};
  const diagnostic& d = r.first(errc::unsupported_syntax_identifier);
  EXPECT_EQ(d.syntax_error, 2);
  EXPECT_EQ(d.pos.element, 1u);
  EXPECT_EQ(d.pos.component, 1u);
}

TEST(EdifactEnvelope, SyntaxVersionFiveIsUnsupported) {
  const checked r{"UNB+UNOA:5+SND+RCV+250301:0930+REF1'" +
                  std::string("UNH+1+PAXLST:D:05B:UN'UNT+2+1'UNZ+1+REF1'")};
  EXPECT_EQ(r.first(errc::unsupported_syntax_version).pos.component, 2u);
  EXPECT_EQ(r.ic().syntax_version, 5);
}

TEST(EdifactEnvelope, NonNumericSyntaxVersionIsUnsupportedAndZero) {
  const checked r{"UNB+UNOA:X+SND+RCV+250301:0930+REF1'" +
                  std::string("UNH+1+PAXLST:D:05B:UN'UNT+2+1'UNZ+1+REF1'")};
  EXPECT_EQ(r.count(errc::unsupported_syntax_version), 1u);
  EXPECT_EQ(r.ic().syntax_version, 0);
}

TEST(EdifactEnvelope, MissingSenderReportsElementAndComponent) {
  const checked r{"UNB+UNOA:4+:ZZ+RCV+250301:0930+REF1'" +
                  std::string("UNH+1+PAXLST:D:05B:UN'UNT+2+1'UNZ+1+REF1'")};
  const diagnostic& d = r.first(errc::missing_mandatory_element);
  EXPECT_EQ(d.pos.segment, 1u);
  EXPECT_EQ(d.pos.element, 2u);
  EXPECT_EQ(d.pos.component, 1u);
  EXPECT_EQ(d.where, scope::element);
}

TEST(EdifactEnvelope, MissingControlReferenceIsMissingElementFive) {
  const checked r{"UNB+UNOA:4+SND+RCV+250301:0930'" +
                  std::string("UNH+1+PAXLST:D:05B:UN'UNT+2+1'UNZ+1+REF1'")};
  const diagnostic& d = r.first(errc::missing_mandatory_element);
  EXPECT_EQ(d.pos.element, 5u);
  EXPECT_EQ(r.count(errc::unz_reference_mismatch), 0u);  // nothing to compare with
}

TEST(EdifactEnvelope, MissingUnhMessageTypeIsMissingMandatory) {
  const checked r{std::string(unb) + "UNH+1'UNT+2+1'UNZ+1+REF1'"};
  const diagnostic& d = r.first(errc::missing_mandatory_element);
  EXPECT_EQ(d.pos.element, 2u);
  EXPECT_EQ(d.pos.component, 1u);
  EXPECT_EQ(d.pos.message_segment, 1u);
}

TEST(EdifactEnvelope, LetterInUntCountIsInvalidNumericNotMismatch) {
  const checked r{one_message("BGM+745'", "UNT+3A+1'")};
  const diagnostic& d = r.first(errc::invalid_numeric_value);
  EXPECT_EQ(d.syntax_error, 37);
  EXPECT_EQ(d.pos.element, 1u);
  EXPECT_EQ(r.count(errc::unt_count_mismatch), 0u);
}

TEST(EdifactEnvelope, LetterInDateIsInvalidNumeric) {
  const checked r{"UNB+UNOA:4+SND+RCV+25O301:0930+REF1'" +
                  std::string("UNH+1+PAXLST:D:05B:UN'UNT+2+1'UNZ+1+REF1'")};
  const diagnostic& d = r.first(errc::invalid_numeric_value);
  EXPECT_EQ(d.pos.element, 4u);
  EXPECT_EQ(d.pos.component, 1u);
}

TEST(EdifactEnvelope, SevenDigitDateIsInvalidValue) {
  const checked r{"UNB+UNOA:4+SND+RCV+2503011:0930+REF1'" +
                  std::string("UNH+1+PAXLST:D:05B:UN'UNT+2+1'UNZ+1+REF1'")};
  EXPECT_EQ(r.first(errc::invalid_element_value).pos.element, 4u);
}

TEST(EdifactEnvelope, ControlReferenceOfFifteenCharactersIsTooLong) {
  const checked r{"UNB+UNOA:4+SND+RCV+250301:0930+ABCDEFGHIJKLMNO'" +
                  std::string("UNH+1+PAXLST:D:05B:UN'UNT+2+1'UNZ+1+ABCDEFGHIJKLMNO'")};
  const diagnostic& d = r.first(errc::element_too_long);
  EXPECT_EQ(d.syntax_error, 39);
  EXPECT_EQ(d.pos.segment, 1u);
  EXPECT_EQ(d.pos.element, 5u);
}

TEST(EdifactEnvelope, Utf8LengthsCountCharactersNotBytes) {
  // 14 characters, 28 bytes: within an..14 for a UTF-8 syntax identifier.
  const std::string ref =
      "\xC3\x84\xC3\x84\xC3\x84\xC3\x84\xC3\x84\xC3\x84\xC3\x84"
      "\xC3\x84\xC3\x84\xC3\x84\xC3\x84\xC3\x84\xC3\x84\xC3\x84";
  const checked utf8{"UNB+UNOY:4+SND+RCV+250301:0930+" + ref + "'" +
                     "UNH+1+PAXLST:D:05B:UN'UNT+2+1'UNZ+1+" + ref + "'"};
  const checked latin{"UNB+UNOC:4+SND+RCV+250301:0930+" + ref + "'" +
                      "UNH+1+PAXLST:D:05B:UN'UNT+2+1'UNZ+1+" + ref + "'"};
  EXPECT_EQ(utf8.count(errc::element_too_long), 0u) << utf8.dump();
  EXPECT_EQ(latin.count(errc::element_too_long), 2u) << latin.dump();
}

TEST(EdifactEnvelope, UnbWithTwelveElementsHasTooManyElements) {
  const checked r{"UNB+UNOA:4+SND+RCV+250301:0930+REF1++++++1+X'" +
                  std::string("UNH+1+PAXLST:D:05B:UN'UNT+2+1'UNZ+1+REF1'")};
  const diagnostic& d = r.first(errc::too_many_elements);
  EXPECT_EQ(d.syntax_error, 16);
  EXPECT_EQ(d.pos.element, 12u);
}

TEST(EdifactEnvelope, UntWithThreeElementsHasTooManyElements) {
  const checked r{one_message("BGM+745'", "UNT+3+1+X'")};
  EXPECT_EQ(r.first(errc::too_many_elements).pos.element, 3u);
}

TEST(EdifactEnvelope, TrailingSeparatorIsNotASurplusElement) {
  // The trailing separator itself is the tokenizer's finding; counting it again would turn a
  // tolerable deviation into an error.
  const checked r{one_message("BGM+745'", "UNT+3+1+'")};
  EXPECT_TRUE(r.findings().empty()) << r.dump();
}

TEST(EdifactEnvelope, SurplusComponentInMessageIdentifierIsTooMany) {
  const checked r{"UNB+UNOA:3+SND+RCV+250301:0930+REF1'" +
                  std::string("UNH+1+PAXLST:D:05B:UN:IATA:X'UNT+2+1'UNZ+1+REF1'")};
  const diagnostic& d = r.first(errc::too_many_elements);
  EXPECT_EQ(d.pos.element, 2u);
  EXPECT_EQ(d.pos.component, 6u);
}

TEST(EdifactEnvelope, UnhFifthElementAllowedOnlyFromVersionFour) {
  const std::string tail = "UNH+1+PAXLST:D:05B:UN++++S016'UNT+2+1'UNZ+1+REF1'";
  const checked v4{"UNB+UNOA:4+SND+RCV+250301:0930+REF1'" + tail};
  const checked v3{"UNB+UNOA:3+SND+RCV+250301:0930+REF1'" + tail};
  EXPECT_EQ(v4.count(errc::too_many_elements), 0u) << v4.dump();
  EXPECT_EQ(v3.first(errc::too_many_elements).pos.element, 5u);
}

TEST(EdifactEnvelope, FirstLastIndicatorOtherThanCOrFIsInvalid) {
  const checked r{std::string(unb) + "UNH+1+PAXLST:D:05B:UN++01:X'UNT+2+1'UNZ+1+REF1'"};
  const diagnostic& d = r.first(errc::invalid_element_value);
  EXPECT_EQ(d.pos.element, 4u);
  EXPECT_EQ(d.pos.component, 2u);
}

TEST(EdifactEnvelope, MessageLimitIsFatalAndStops) {
  parse_options opts;
  opts.limits.max_messages = 1;
  const checked r{std::string(unb) + "UNH+1+PAXLST:D:05B:UN'UNT+2+1'UNH+2+PAXLST:D:05B:UN'" +
                      "UNT+2+2'UNZ+2+REF1'",
                  opts};
  EXPECT_EQ(r.first(errc::limit_message_count).level, severity::fatal);
  EXPECT_EQ(r.ic().messages.size(), 1u);
}

}  // namespace
}  // namespace apipnr::edifact

namespace apipnr::edifact {
namespace {

// --- through parser::parse (tokenizer + envelope) ------------------------------------------------

TEST(EdifactEnvelopeParse, AcceptsAppendixA1WithoutFindings) {
  const parser p;
  interchange ic;
  diagnostic_list findings;
  const auto ec = p.parse(sample_a1, ic, findings);
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_TRUE(findings.empty()) << (findings.empty() ? "" : findings.items()[0].detail);
  ASSERT_EQ(ic.messages.size(), 1u);
  EXPECT_EQ(ic.messages[0].segment_count(), 23u);
  EXPECT_EQ(ic.control_reference, "1001");
}

TEST(EdifactEnvelopeParse, ReportsUntCountMismatchWithPositions) {
  const parser p;
  interchange ic;
  diagnostic_list findings;
  const std::string text = one_message("BGM+745'", "UNT+2+1'");
  EXPECT_FALSE(p.parse(text, ic, findings));
  ASSERT_EQ(findings.size(), 1u);
  const diagnostic& d = findings.items()[0];
  EXPECT_EQ(d.code, make_error_code(errc::unt_count_mismatch));
  EXPECT_EQ(d.pos.segment, 4u);
  EXPECT_EQ(d.pos.message_segment, 3u);
  EXPECT_EQ(d.pos.offset, text.find("UNT"));
}

TEST(EdifactEnvelopeParse, KeepsStarSenderWithV4Una) {
  const parser p;
  interchange ic;
  diagnostic_list findings;
  const std::string text = "UNA:+.?*'UNB+UNOA:4+APIS*ABE+USCSAPIS:ZZ+250301:0930+REF1'" +
                           std::string("UNH+1+PAXLST:D:05B:UN'UNT+2+1'UNZ+1+REF1'");
  EXPECT_FALSE(p.parse(text, ic, findings));
  EXPECT_EQ(ic.sender, "APIS*ABE");
  EXPECT_TRUE(findings.empty()) << (findings.empty() ? "" : findings.items()[0].detail);
}

TEST(EdifactEnvelopeParse, TruncatedInterchangeReportsMissingUntAndUnz) {
  const parser p;
  interchange ic;
  diagnostic_list findings;
  const std::string text = std::string(unb) + "UNH+1+PAXLST:D:05B:UN'BGM+745'";
  EXPECT_FALSE(p.parse(text, ic, findings));
  EXPECT_TRUE(findings.contains(make_error_code(errc::missing_unt)));
  EXPECT_TRUE(findings.contains(make_error_code(errc::missing_unz)));
  EXPECT_FALSE(ic.closed);
}

// Pass 1 lists the segments whose tag starts with "UN" so that pass 2 visits only those
// (check_envelope's contract). Over mutants of a message with service tags well-formed and
// not ("UN", "UNx", "UNS", a misplaced UNA, data runs outside messages and after UNZ): the list
// is exactly the walk's, and parser::parse (the list kept per thread between calls) reports
// what the passes report with the list found by a walk over all segments.
TEST(EdifactEnvelopeParse, TokenizerListsExactlyTheServiceSegments) {
  const std::string base =
      "UNB+UNOA:4+XXAPI:ZZ+PIUTEST:ZZ+250301:0930+1001'NAD+FL'UNG+PAXLST+XX+PI+250301:0930+1+UN+"
      "D:05B'UNH+1+PAXLST:D:05B:UN:IATA'BGM+745'UN+1'UNx+2'UNS+D'NAD+FL+++DOE:JOHN'UNT+7+1'"
      "DTM+329:850412'UNA:+.? 'LOC+178+LHR'UNE+1+1'UNZ+1+1001'RFF+AVF:X'UNH+2+PAXLST'UNT+2+2'";
  const std::string alphabet = "UN'+:?ABHSTZ19 \r\n*a";
  std::uint64_t state = 0x9E3779B97F4A7C15ull;
  auto next = [&](std::uint64_t n) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state % n;
  };
  std::size_t with_service = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string text = base;
    const std::uint64_t edits = round == 0 ? 0 : 1 + next(6);
    for (std::uint64_t k = 0; k < edits; ++k) {
      const std::size_t at = next(text.size());
      const char c = alphabet[next(alphabet.size())];
      switch (next(3)) {
        case 0:
          text[at] = c;
          break;
        case 1:
          text.insert(text.begin() + static_cast<std::ptrdiff_t>(at), c);
          break;
        default:
          text.erase(at, 1 + next(4));
          break;
      }
      if (text.empty()) text = "U";
    }
    for (const mode m : {mode::strict, mode::tolerant}) {
      parse_options opts;
      opts.parse_mode = m;
      interchange ic;
      diagnostic_list direct;
      std::vector<std::uint32_t> listed;
      {
        detail::reporter rep(direct, m);
        auto ec = detail::tokenize(text, opts, ic, rep, listed);
        std::vector<std::uint32_t> walked;
        for (std::size_t i = 0; i < ic.segments.size(); ++i)
          if (detail::is_service_tag(ic.segments[i].tag()))
            walked.push_back(static_cast<std::uint32_t>(i));
        ASSERT_EQ(listed, walked) << text;
        with_service += walked.size() > 1 ? 1 : 0;
        if (!ec) (void)detail::check_envelope(opts, ic, rep);
        rep.flush(ic);
      }
      interchange parsed;
      diagnostic_list through_parse;
      (void)parser(opts).parse(text, parsed, through_parse);
      ASSERT_EQ(through_parse.size(), direct.size()) << text;
      for (std::size_t i = 0; i < direct.size(); ++i) {
        EXPECT_EQ(through_parse.items()[i].code, direct.items()[i].code) << text;
        EXPECT_EQ(through_parse.items()[i].pos.segment, direct.items()[i].pos.segment) << text;
        EXPECT_EQ(through_parse.items()[i].pos.offset, direct.items()[i].pos.offset) << text;
        EXPECT_EQ(through_parse.items()[i].detail, direct.items()[i].detail) << text;
      }
    }
  }
  EXPECT_GT(with_service, 5000u);  // the mutants keep their envelopes, mostly
}
}  // namespace
}  // namespace apipnr::edifact
