#include "apipnr/pnrgov/errc.hpp"

#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

namespace apipnr::pnrgov {
namespace {

TEST(PnrgovErrc, TableFollowsEnumeratorOrder) {
  std::size_t n = 1;
  for (const auto& e : all_errc_info()) {
    EXPECT_EQ(static_cast<std::size_t>(e.code), n) << e.id;
    ++n;
  }
  EXPECT_EQ(all_errc_info().size(), static_cast<std::size_t>(errc::limit_items));
}

TEST(PnrgovErrc, IdsAreUniqueAndPrefixed) {
  std::set<std::string_view> ids;
  for (const auto& e : all_errc_info()) {
    EXPECT_TRUE(ids.insert(e.id).second) << e.id;
    EXPECT_EQ(e.id.substr(0, 7), "PNRMAP-") << e.id;
    EXPECT_FALSE(e.requirement.empty()) << e.id;
  }
}

TEST(PnrgovErrc, EveryIdIsDocumented) {
  std::ifstream in(std::string(APIPNR_SOURCE_DIR) + "/docs/error-codes-pnrgov.md");
  std::ostringstream s;
  s << in.rdbuf();
  const std::string doc = s.str();
  ASSERT_FALSE(doc.empty());
  for (const auto& e : all_errc_info())
    EXPECT_NE(doc.find("`" + std::string(e.id) + "`"), std::string::npos) << e.id;
}

TEST(PnrgovErrc, ErrorCodeCarriesCategoryAndMessage) {
  const boost::system::error_code ec = errc::rci_missing;
  EXPECT_STREQ(ec.category().name(), "apipnr.pnrgov");
  EXPECT_EQ(ec.message(), "PNR group has no RCI after SRC");
}

}  // namespace
}  // namespace apipnr::pnrgov
