#include "apipnr/profile/errc.hpp"

#include <cstddef>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

namespace apipnr::profile {
namespace {

TEST(ProfileErrc, TableFollowsEnumeratorOrder) {
  const auto all = all_errc_info();
  for (std::size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(static_cast<std::size_t>(all[i].code), i + 1) << all[i].id;
  }
  EXPECT_EQ(all.back().code, errc::load_name_mismatch);
}

TEST(ProfileErrc, IdsAreUniqueAndPrefixed) {
  std::set<std::string_view> ids;
  for (const auto& e : all_errc_info()) {
    EXPECT_TRUE(ids.insert(e.id).second) << e.id;
    EXPECT_EQ(e.id.substr(0, 4), "PRF-") << e.id;
  }
}

TEST(ProfileErrc, EveryIdIsDocumented) {
  std::ifstream in(std::string(APIPNR_SOURCE_DIR) + "/docs/error-codes-profile.md");
  ASSERT_TRUE(in) << "docs/error-codes-profile.md missing";
  std::stringstream text;
  text << in.rdbuf();
  for (const auto& e : all_errc_info()) {
    EXPECT_NE(text.str().find("`" + std::string(e.id) + "`"), std::string::npos) << e.id;
  }
  EXPECT_NE(text.str().find("[apipnr.profile.001]"), std::string::npos);
}

TEST(ProfileErrc, CategoryNameAndMessage) {
  const boost::system::error_code ec = errc::envelope_ung_required;
  EXPECT_STREQ(ec.category().name(), "apipnr.profile");
  EXPECT_EQ(ec.message(), std::string(info(errc::envelope_ung_required).message));
  EXPECT_EQ(info(static_cast<errc>(200)).id, "PRF-UNKNOWN");
}

}  // namespace
}  // namespace apipnr::profile
