#include "apipnr/paxlst/errc.hpp"

#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

namespace apipnr::paxlst {
namespace {

TEST(PaxlstErrc, TableFollowsEnumeratorOrder) {
  const auto all = all_errc();
  for (std::size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(static_cast<std::size_t>(all[i].code), i) << all[i].id;
  }
  EXPECT_EQ(static_cast<std::size_t>(errc::limit_bytes) + 1, all.size());
}

TEST(PaxlstErrc, EveryIdIsDocumentedWithItsRequirement) {
  std::ifstream in(std::string(APIPNR_SOURCE_DIR) + "/docs/error-codes-paxlst.md");
  ASSERT_TRUE(in);
  std::stringstream doc;
  doc << in.rdbuf();
  for (const auto& e : all_errc()) {
    EXPECT_NE(doc.str().find("`" + std::string(e.id) + "`"), std::string::npos) << e.id;
    if (!e.requirement.empty()) {
      EXPECT_NE(doc.str().find(std::string(e.requirement)), std::string::npos) << e.id;
    }
  }
}

TEST(PaxlstErrc, RequirementIdsExistInCatalogue) {
  std::ifstream in(std::string(APIPNR_SOURCE_DIR) + "/specs/requirements/paxlst.json");
  ASSERT_TRUE(in);
  std::stringstream cat;
  cat << in.rdbuf();
  for (const auto& e : all_errc()) {
    if (e.requirement.empty()) continue;
    EXPECT_NE(cat.str().find("\"" + std::string(e.requirement) + "\""), std::string::npos) << e.id;
  }
}

TEST(PaxlstErrc, CategoryNamesTheCode) {
  const boost::system::error_code ec = errc::part_missing;
  EXPECT_STREQ(ec.category().name(), "apipnr.paxlst");
  EXPECT_EQ(ec.message(), info(errc::part_missing).message);
}

}  // namespace
}  // namespace apipnr::paxlst
