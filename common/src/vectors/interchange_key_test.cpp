#include "apipnr/vectors/interchange_key.hpp"

#include <gtest/gtest.h>

#include <string>

namespace apipnr::vectors {
namespace {

TEST(InterchangeKey, DefaultServiceCharacters) {
  const auto k =
      find_interchange_key("UNB+UNOA:4+XXAPI:ZZ+PIUTEST:ZZ+250301:0930+101200++APIS'UNZ+1+101200'");
  ASSERT_TRUE(k);
  EXPECT_EQ(k->sender, "XXAPI");
  EXPECT_EQ(k->reference, "101200");
}

TEST(InterchangeKey, UnaServiceCharactersAndReleaseAreHonoured) {
  // Element '*', component '#', release '!', terminator '$'; the sender carries a released '*'.
  const auto k =
      find_interchange_key("UNA#*.! $UNB*UNOA#4*XX!*API#ZZ*PIUTEST*250301#0930*4005$UNZ*1*4005$");
  ASSERT_TRUE(k);
  EXPECT_EQ(k->sender, "XX*API");
  EXPECT_EQ(k->reference, "4005");
}

TEST(InterchangeKey, TypeBHeadingIsSkipped) {
  const std::string in = std::string("\x01QD PIUXXXX\r\n.XXAPIXX 010930\r\n\x02") +
                         "UNB+IATA:1+XX+PIUPNR+250228:1100+3001'UNZ+1+3001'\x03";
  const auto k = find_interchange_key(in);
  ASSERT_TRUE(k);
  EXPECT_EQ(k->sender, "XX");
  EXPECT_EQ(k->reference, "3001");
}

TEST(InterchangeKey, NoKeyWithoutUnbOrWithEmptyValues) {
  EXPECT_FALSE(find_interchange_key(""));
  EXPECT_FALSE(find_interchange_key("UNH+1+PAXLST:D:05B:UN:IATA'"));
  EXPECT_FALSE(find_interchange_key("UNB+UNOA:4++PIUTEST+250301:0930+1001'"));   // no sender
  EXPECT_FALSE(find_interchange_key("UNB+UNOA:4+XXAPI+PIUTEST+250301:0930+'"));  // no reference
  EXPECT_FALSE(find_interchange_key("UNB+UNOA:4+XXAPI+PIUTEST'"));               // cut short
}

case_spec keyed_case(std::string id, std::string reference, std::string group = {}) {
  case_spec k;
  k.id = std::move(id);
  k.input = "y_x.edi";
  k.input_found = true;
  k.input_bytes = "UNB+UNOA:4+XXAPI:ZZ+PIUTEST:ZZ+250301:0930+" + reference + "'";
  k.manifest = "/corpus/a/cases.json";
  k.duplicate_group = std::move(group);
  return k;
}

TEST(InterchangeKeyLint, DistinctKeysPass) {
  corpus c;
  c.cases = {keyed_case("a/1", "1"), keyed_case("a/2", "2")};
  EXPECT_TRUE(lint_interchange_keys(c).empty());
}

TEST(InterchangeKeyLint, SharedKeyFiresOnTheSecondCase) {
  corpus c;
  c.cases = {keyed_case("a/1", "1001"), keyed_case("a/2", "1001")};
  const auto ps = lint_interchange_keys(c);
  ASSERT_EQ(ps.size(), 1u);
  EXPECT_EQ(ps[0].id, "LINT-DUP-INTERCHANGE");
  EXPECT_EQ(ps[0].case_id, "a/2");
  EXPECT_NE(ps[0].message.find("a/1"), std::string::npos);
}

TEST(InterchangeKeyLint, OneDuplicateGroupAllowsTheSharedKey) {
  corpus c;
  c.cases = {keyed_case("a/1", "1001", "resend"), keyed_case("a/2", "1001", "resend")};
  EXPECT_TRUE(lint_interchange_keys(c).empty());
}

TEST(InterchangeKeyLint, DifferentGroupsOrOneUngroupedCaseStillFire) {
  corpus c;
  c.cases = {keyed_case("a/1", "1001", "one"), keyed_case("a/2", "1001", "two"),
             keyed_case("a/3", "1001")};
  EXPECT_EQ(lint_interchange_keys(c).size(), 2u);
}

TEST(InterchangeKeyLint, PartsOfOneCaseMayShareAKeyAndRetiredCasesDoNotCount) {
  case_spec multi = keyed_case("a/1", "7");
  multi.input.clear();
  multi.parts = {"y_p1.edi", "y_p1_copy.edi"};
  multi.part_bytes = {multi.input_bytes, multi.input_bytes};
  case_spec retired = keyed_case("a/2", "7");
  retired.retired = true;
  corpus c;
  c.cases = {multi, retired};
  EXPECT_TRUE(lint_interchange_keys(c).empty());
  c.cases.push_back(keyed_case("a/3", "7"));
  EXPECT_EQ(lint_interchange_keys(c).size(), 1u);
}

}  // namespace
}  // namespace apipnr::vectors
