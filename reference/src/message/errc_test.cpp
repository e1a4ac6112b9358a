#include "apipnr/message/errc.hpp"

#include <cstddef>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

namespace apipnr::message {
namespace {

TEST(MessageErrc, TableFollowsEnumeratorOrder) {
  const auto all = all_errc();
  for (std::size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(static_cast<std::size_t>(all[i].code), i) << all[i].id;
  }
}

TEST(MessageErrc, IdsAreUniqueAndPrefixed) {
  std::set<std::string_view> ids;
  for (const auto& e : all_errc()) {
    EXPECT_TRUE(ids.insert(e.id).second) << e.id;
    EXPECT_EQ(e.id.substr(0, 4), "MSG-") << e.id;
  }
}

TEST(MessageErrc, EveryIdIsDocumented) {
  std::ifstream in(std::string(APIPNR_SOURCE_DIR) + "/docs/error-codes-message.md");
  ASSERT_TRUE(in) << "docs/error-codes-message.md missing";
  std::stringstream text;
  text << in.rdbuf();
  for (const auto& e : all_errc()) {
    EXPECT_NE(text.str().find("`" + std::string(e.id) + "`"), std::string::npos) << e.id;
  }
}

TEST(MessageErrc, CategoryNameAndMessage) {
  const boost::system::error_code ec = errc::missing_segment;
  EXPECT_STREQ(ec.category().name(), "apipnr.message");
  EXPECT_EQ(ec.message(), "mandatory segment missing");
}

TEST(MessageErrc, StructureCodesFollowBaselineSyntaxTable) {
  EXPECT_EQ(info(errc::unknown_segment).syntax_error, 15);
  EXPECT_EQ(info(errc::unexpected_segment).syntax_error, 15);
  EXPECT_EQ(info(errc::missing_segment).syntax_error, 13);
  EXPECT_EQ(info(errc::too_many_segments).syntax_error, 35);
  EXPECT_EQ(info(errc::too_many_groups).syntax_error, 36);
  EXPECT_EQ(info(errc::too_many_elements).syntax_error, 16);
  EXPECT_EQ(info(errc::invalid_character_type).syntax_error, 37);
  EXPECT_EQ(info(errc::value_too_long).syntax_error, 39);
  EXPECT_EQ(info(errc::value_too_short).syntax_error, 40);
}

}  // namespace
}  // namespace apipnr::message
