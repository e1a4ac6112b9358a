#include "apipnr/edifact/interchange.hpp"

#include "apipnr/edifact/parser.hpp"

#include <vector>

#include <gtest/gtest.h>

namespace apipnr::edifact {
namespace {

std::vector<std::string_view> split_all(std::string_view raw, char sep) {
  field_splitter s(raw, sep, delimiters::defaults());
  std::vector<std::string_view> out;
  std::string_view piece;
  while (s.next(piece)) out.push_back(piece);
  return out;
}

TEST(EdifactFieldSplitter, KeepsEmptyPieces) {
  const auto v = split_all("a++b", '+');
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[1], "");
}

TEST(EdifactFieldSplitter, ReleasedSeparatorDoesNotSplit) {
  const auto v = split_all("O?+BRIEN+X", '+');
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0], "O?+BRIEN");
}

TEST(EdifactFieldSplitter, DoubleReleaseThenSeparatorSplits) {
  const auto v = split_all("A??+B", '+');
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0], "A??");
}

TEST(EdifactSegmentAccess, ElementAndComponentByPosition) {
  const std::string_view text = "UNH+1+PAXLST:D:05B:UN:IATA+XX123/250301/1100+01:F";
  const segment s{text.substr(0, 3), text.substr(3), 0, 2, false};
  const auto d = delimiters::defaults();
  EXPECT_EQ(element_count(s, d), 4u);
  EXPECT_EQ(element(s, 1, d), "1");
  EXPECT_EQ(component(element(s, 2, d), 3, d), "05B");
  EXPECT_EQ(component(element(s, 4, d), 2, d), "F");
  EXPECT_EQ(element(s, 9, d), "");
  EXPECT_EQ(component(element(s, 1, d), 2, d), "");
}

TEST(EdifactSegmentAccess, SegmentWithoutElementsHasNone) {
  const std::string_view text = "SRC";
  const segment s{text, text.substr(3), 0, 5, false};
  EXPECT_EQ(element_count(s, delimiters::defaults()), 0u);
}

TEST(EdifactUnescape, RemovesReleaseCharacters) {
  const auto d = delimiters::defaults();
  EXPECT_EQ(unescape("O?'BRIEN", d), "O'BRIEN");
  EXPECT_EQ(unescape("A???+B", d), "A?+B");
  EXPECT_FALSE(needs_unescape("PLAIN", d));
}

TEST(EdifactParser, TokenizerFindingsInsideAMessageCarryTheirMessageSegmentNumber) {
  // The lower-case letter sits in BGM, the 2nd segment of the message (UNH = 1).
  const std::string_view text =
      "UNB+UNOA:4+S+R+250301:0930+1'UNH+1+PAXLST:D:05B:UN:IATA'BGM+745x'UNT+3+1'UNZ+1+1'";
  parser p;
  interchange ic;
  diagnostic_list findings;
  EXPECT_FALSE(p.parse(text, ic, findings));
  bool seen = false;
  for (const auto& d : findings.items()) {
    if (d.code != make_error_code(errc::lowercase_in_level_a)) continue;
    seen = true;
    EXPECT_EQ(d.pos.segment, 3u);
    EXPECT_EQ(d.pos.message_segment, 2u);
  }
  EXPECT_TRUE(seen);
}

}  // namespace
}  // namespace apipnr::edifact
