#include "apipnr/iapi/errc.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>

namespace apipnr::iapi {
namespace {

std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(IapiErrc, TableFollowsEnumeratorOrder) {
  const auto all = all_errc_info();
  ASSERT_FALSE(all.empty());
  for (std::size_t i = 0; i < all.size(); ++i)
    EXPECT_EQ(static_cast<std::size_t>(all[i].code), i + 1) << all[i].id;
  EXPECT_EQ(info(errc::missing_passenger_reference).id, "IAPI-REQ-ABO");
}

TEST(IapiErrc, IdsAreUniqueAndPrefixed) {
  std::set<std::string_view> seen;
  for (const errc_info& i : all_errc_info()) {
    EXPECT_TRUE(seen.insert(i.id).second) << i.id;
    EXPECT_EQ(i.id.substr(0, 5), "IAPI-") << i.id;
  }
}

TEST(IapiErrc, ErrorCodeCarriesCategoryAndStableId) {
  const boost::system::error_code ec = errc::list_syntax;
  EXPECT_STREQ(ec.category().name(), "apipnr.iapi");
  EXPECT_EQ(ec.message().rfind("IAPI-LIST-SYNTAX:", 0), 0u) << ec.message();
  EXPECT_EQ(info(static_cast<errc>(250)).id, "IAPI-UNKNOWN");
}

TEST(IapiErrc, EveryIdIsDocumented) {
  const std::string doc =
      read_text(std::filesystem::path(APIPNR_SOURCE_DIR) / "docs/error-codes-iapi.md");
  ASSERT_FALSE(doc.empty());
  for (const errc_info& i : all_errc_info())
    EXPECT_NE(doc.find("`" + std::string(i.id) + "`"), std::string::npos) << i.id;
}

TEST(IapiErrc, EveryRequirementIdIsInTheCatalogue) {
  std::string catalogue;
  for (const auto& f : std::filesystem::directory_iterator(
           std::filesystem::path(APIPNR_SOURCE_DIR) / "specs/requirements"))
    if (f.path().extension() == ".json") catalogue += read_text(f.path());
  ASSERT_FALSE(catalogue.empty());
  for (const errc_info& i : all_errc_info())
    EXPECT_NE(catalogue.find("\"" + std::string(i.requirement) + "\""), std::string::npos)
        << i.id << " cites " << i.requirement;
}

}  // namespace
}  // namespace apipnr::iapi
