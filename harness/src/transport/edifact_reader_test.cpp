#include "edifact_reader.hpp"

#include <string>

#include <gtest/gtest.h>

namespace apipnr::harness::detail {
namespace {

TEST(EdifactReader, DefaultDelimitersElementsAndComponents) {
  const auto d = read_edifact("UNH+1+CONTRL:4:1:UN'\r\nUCI+1001+XX:ZZ+YY+4+20+UNA'UNT+3+1'");
  ASSERT_TRUE(d.ok()) << d.error;
  ASSERT_EQ(d.segments.size(), 3U);
  EXPECT_EQ(d.segments[1].tag, "UCI");
  EXPECT_EQ(d.segments[1].index, 2U);
  EXPECT_EQ(d.segments[1].at(2, 0), "XX");
  EXPECT_EQ(d.segments[1].at(2, 1), "ZZ");
  EXPECT_EQ(d.segments[1].at(4), "4");
  EXPECT_EQ(d.segments[1].at(6), "UNA");
  EXPECT_EQ(d.segments[1].at(7), "");  // absent element
  EXPECT_EQ(d.segments[0].at(2, 3), "UN");
}

TEST(EdifactReader, UnaDelimitersAndReleaseCharacter) {
  // Type B style: component '(', element '-' ... and '!' as release, '/' terminator.
  const auto d = read_edifact("UNA(-.! /UNH-1-CUSRES(D/FTX-AAP---NO!-BOARD!/OK!!/");
  ASSERT_TRUE(d.ok()) << d.error;
  ASSERT_EQ(d.segments.size(), 2U);
  EXPECT_EQ(d.segments[0].at(2, 1), "D");
  EXPECT_EQ(d.segments[1].at(4), "NO-BOARD/OK!");
}

TEST(EdifactReader, UnaWithSpaceReleaseHasNoReleaseCharacter) {
  const auto d = read_edifact("UNA:+.  'UNH+1+A?B'");
  ASSERT_TRUE(d.ok()) << d.error;
  EXPECT_EQ(d.segments[0].at(2), "A?B");
}

TEST(EdifactReader, DefaultReleaseCharacterEscapesTerminator) {
  const auto d = read_edifact("NAD+FL+++O?'BRIEN:ANNE'");
  ASSERT_TRUE(d.ok()) << d.error;
  EXPECT_EQ(d.segments[0].at(4, 0), "O'BRIEN");
  EXPECT_EQ(d.segments[0].at(4, 1), "ANNE");
}

TEST(EdifactReader, RejectsWhatItCannotRead) {
  EXPECT_FALSE(read_edifact("").ok());
  EXPECT_FALSE(read_edifact("   \r\n").ok());
  EXPECT_FALSE(read_edifact("UNH+1+CONTRL").ok());                // not terminated
  EXPECT_FALSE(read_edifact("UNH+1?").ok());                      // release at end
  EXPECT_FALSE(read_edifact("UNA:+").ok());                       // short UNA
  EXPECT_FALSE(read_edifact("UNA::.? 'UNH'").ok());               // same separators
  EXPECT_FALSE(read_edifact(std::string("UNH+1\0+2'", 9)).ok());  // binary
  EXPECT_FALSE(read_edifact("un+1'").ok());                       // bad tag
  EXPECT_FALSE(read_edifact("'").ok());                           // empty segment
  const auto d = read_edifact("UNH+1'UNT+2");
  EXPECT_NE(d.error.find("segment 2"), std::string::npos) << d.error;
}

TEST(EdifactReader, BoundsSegmentCount) {
  std::string many;
  for (std::size_t i = 0; i <= max_edi_segments; ++i) many += "FTX'";
  EXPECT_FALSE(read_edifact(many).ok());
}

}  // namespace
}  // namespace apipnr::harness::detail
