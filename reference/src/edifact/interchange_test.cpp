#include "apipnr/edifact/interchange.hpp"

#include "apipnr/edifact/parser.hpp"

#include <cstddef>
#include <string>
#include <string_view>
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

// The record keeps what it was built from in 32 bytes: the tag (0-3 bytes), the body at any
// distance after it up to max_body_distance (an invalid tag's body starts at the first
// separator), the release flag, offset, index and separator bits.
TEST(EdifactSegmentRecord, KeepsTagBodyAndFlagsInThirtyTwoBytes) {
  static_assert(sizeof(segment) <= 32);
  std::string text(70000, 'x');
  text.replace(0, 3, "UNH");
  for (const std::size_t tag_size : {0u, 1u, 2u, 3u}) {
    for (const std::size_t distance :
         {tag_size, std::size_t{3}, std::size_t{4}, std::size_t{65537}}) {
      if (distance < tag_size) continue;
      for (const std::size_t body_size :
           {std::size_t{0}, std::size_t{1}, std::size_t{63}, std::size_t{4000}}) {
        for (const bool escaped : {false, true}) {
          const std::string_view all(text);
          const std::string_view tag = all.substr(0, tag_size);
          const std::string_view body = all.substr(distance, body_size);
          const segment s(tag, body, 0xFFFFFFF0u, 0x7FFFFFFFu, escaped, 0x8000000000000001u);
          EXPECT_EQ(s.tag().data(), tag.data());
          EXPECT_EQ(s.tag().size(), tag_size);
          EXPECT_EQ(s.body().data(), body.data()) << tag_size << " " << distance;
          EXPECT_EQ(s.body().size(), body_size);
          EXPECT_EQ(s.escaped(), escaped);
          EXPECT_EQ(s.offset, 0xFFFFFFF0u);
          EXPECT_EQ(s.index, 0x7FFFFFFFu);
          EXPECT_EQ(s.separators, 0x8000000000000001u);
        }
      }
    }
  }
  const segment empty;
  EXPECT_TRUE(empty.tag().empty());
  EXPECT_TRUE(empty.body().empty());
  EXPECT_FALSE(empty.escaped());
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
