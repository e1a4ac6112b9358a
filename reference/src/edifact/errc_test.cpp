#include "apipnr/edifact/errc.hpp"

#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

namespace apipnr::edifact {
namespace {

TEST(EdifactErrc, TableFollowsEnumeratorOrder) {
  const auto all = all_errc_info();
  for (std::size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(static_cast<std::size_t>(all[i].code), i + 1) << all[i].id;
    EXPECT_EQ(&info(all[i].code), &all[i]);
  }
  EXPECT_EQ(static_cast<std::size_t>(errc::limit_message_count), all.size());
}

TEST(EdifactErrc, DiagnosticIdsAreUniqueAndPrefixed) {
  std::set<std::string_view> ids;
  for (const auto& i : all_errc_info()) {
    EXPECT_TRUE(ids.insert(i.id).second) << "duplicate " << i.id;
    EXPECT_EQ(i.id.substr(0, 4), "EDI-") << i.id;
    EXPECT_EQ(i.requirement.substr(0, 4), "SYN-") << i.id;
    EXPECT_FALSE(i.message.empty());
  }
}

TEST(EdifactErrc, SyntaxErrorCodesAreFromIso9735List) {
  const std::set<int> valid{2,  7,  12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22,
                            23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35,
                            36, 37, 38, 39, 40, 41, 42, 43, 45, 46, 47, 48};
  for (const auto& i : all_errc_info()) EXPECT_TRUE(valid.count(i.syntax_error)) << i.id;
}

TEST(EdifactErrc, ErrorCodeCarriesCategoryAndMessage) {
  boost::system::error_code ec = errc::unt_count_mismatch;
  EXPECT_EQ(std::string(ec.category().name()), "apipnr.edifact");
  EXPECT_NE(ec.message().find("UNT"), std::string::npos);
  EXPECT_EQ(info(errc::unt_count_mismatch).syntax_error, 29);
}

TEST(EdifactErrc, EveryDiagnosticIdIsDocumented) {
  std::ifstream in(std::string(APIPNR_SOURCE_DIR) + "/docs/error-codes.md");
  ASSERT_TRUE(in) << "docs/error-codes.md missing";
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string doc = ss.str();
  for (const auto& i : all_errc_info()) {
    const std::string cell = "| `" + std::string(i.id) + "` |";
    EXPECT_NE(doc.find(cell), std::string::npos) << i.id << " is not in docs/error-codes.md";
  }
}

}  // namespace
}  // namespace apipnr::edifact
