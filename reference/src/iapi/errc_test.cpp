#include "apipnr/iapi/errc.hpp"

#include <gtest/gtest.h>

#include "apipnr/common/errc_table_testing.hpp"

namespace apipnr::iapi {
namespace {

namespace t = apipnr::common::testing;

TEST(IapiErrc, TableFollowsEnumeratorOrder) {
  t::expect_rows_follow_enumerators(all_errc_info());
  EXPECT_EQ(info(errc::missing_passenger_reference).id, "IAPI-REQ-ABO");
}

TEST(IapiErrc, IdsAreUniqueAndPrefixed) {
  t::expect_ids_unique_and_prefixed(all_errc_info(), "IAPI-");
}

TEST(IapiErrc, ErrorCodeCarriesCategoryAndStableId) {
  const boost::system::error_code ec = errc::list_syntax;
  EXPECT_STREQ(ec.category().name(), "apipnr.iapi");
  EXPECT_EQ(ec.message().rfind("IAPI-LIST-SYNTAX:", 0), 0u) << ec.message();
  EXPECT_EQ(info(static_cast<errc>(250)).id, "IAPI-UNKNOWN");
}

TEST(IapiErrc, EveryIdIsDocumented) {
  t::expect_ids_documented(all_errc_info(), "docs/error-codes-iapi.md");
}

TEST(IapiErrc, EveryRequirementIdIsInTheCatalogue) {
  t::expect_requirements_catalogued(all_errc_info());
}

}  // namespace
}  // namespace apipnr::iapi
