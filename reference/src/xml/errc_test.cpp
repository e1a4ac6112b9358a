#include "apipnr/xml/errc.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

namespace apipnr::xml {
namespace {

namespace fs = std::filesystem;

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(XmlErrc, TableFollowsEnumeratorOrder) {
  const auto all = all_errc_info();
  ASSERT_FALSE(all.empty());
  for (std::size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(static_cast<std::size_t>(all[i].code), i + 1) << all[i].id;
  }
}

TEST(XmlErrc, IdsAreUniqueAndPrefixed) {
  std::set<std::string_view> seen;
  for (const errc_info& i : all_errc_info()) {
    EXPECT_EQ(i.id.substr(0, 4), "XML-") << i.id;
    EXPECT_TRUE(seen.insert(i.id).second) << "duplicate " << i.id;
    EXPECT_FALSE(i.message.empty()) << i.id;
  }
}

TEST(XmlErrc, ErrorCodeMessageCarriesTheId) {
  const boost::system::error_code ec = errc::doctype;
  EXPECT_EQ(ec.category().name(), std::string("apipnr.xml"));
  EXPECT_NE(ec.message().find("XML-DOCTYPE"), std::string::npos);
  EXPECT_EQ(info(static_cast<errc>(250)).id, "XML-UNKNOWN");
}

TEST(XmlErrc, EveryIdIsDocumented) {
  const std::string doc = read_text(fs::path(APIPNR_SOURCE_DIR) / "docs" / "error-codes-xml.md");
  ASSERT_FALSE(doc.empty()) << "docs/error-codes-xml.md missing";
  for (const errc_info& i : all_errc_info()) {
    EXPECT_NE(doc.find("`" + std::string(i.id) + "`"), std::string::npos) << i.id;
  }
}

TEST(XmlErrc, EveryRequirementIsCatalogued) {
  std::set<std::string> known;
  for (const auto& e :
       fs::directory_iterator(fs::path(APIPNR_SOURCE_DIR) / "specs" / "requirements")) {
    if (e.path().extension() != ".json" ||
        e.path().filename().string().find(".schema.") != std::string::npos) {
      continue;
    }
    const auto j = nlohmann::json::parse(read_text(e.path()), nullptr, false);
    if (!j.is_object() || !j.contains("requirements")) continue;
    for (const auto& r : j["requirements"]) known.insert(r.value("id", ""));
  }
  for (const errc_info& i : all_errc_info()) {
    EXPECT_TRUE(known.count(std::string(i.requirement))) << i.id << " cites " << i.requirement;
  }
}

}  // namespace
}  // namespace apipnr::xml
