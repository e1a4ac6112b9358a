#include "apipnr/store/errc.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>

namespace apipnr::store {
namespace {

std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(StoreErrc, TableFollowsEnumeratorOrder) {
  const auto all = all_errc_info();
  ASSERT_FALSE(all.empty());
  for (std::size_t i = 0; i < all.size(); ++i)
    EXPECT_EQ(static_cast<std::size_t>(all[i].code), i + 1) << all[i].id;
  EXPECT_EQ(info(errc::hash_failed).id, "STO-HASH");
}

TEST(StoreErrc, IdsAreUniqueAndPrefixed) {
  std::set<std::string_view> seen;
  for (const errc_info& i : all_errc_info()) {
    EXPECT_TRUE(seen.insert(i.id).second) << i.id;
    EXPECT_EQ(i.id.substr(0, 4), "STO-") << i.id;
  }
}

TEST(StoreErrc, ErrorCodeCarriesCategoryAndStableId) {
  const boost::system::error_code ec = errc::raw_too_large;
  EXPECT_STREQ(ec.category().name(), "apipnr.store");
  EXPECT_EQ(ec.message().rfind("STO-RAW-LIMIT:", 0), 0u) << ec.message();
  EXPECT_EQ(info(static_cast<errc>(250)).id, "STO-UNKNOWN");
}

TEST(StoreErrc, EveryIdIsDocumented) {
  const std::string doc =
      read_text(std::filesystem::path(APIPNR_SOURCE_DIR) / "docs/error-codes-store.md");
  ASSERT_FALSE(doc.empty());
  for (const errc_info& i : all_errc_info())
    EXPECT_NE(doc.find("`" + std::string(i.id) + "`"), std::string::npos) << i.id;
}

TEST(StoreErrc, EveryRequirementIdIsInTheCatalogue) {
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
}  // namespace apipnr::store
