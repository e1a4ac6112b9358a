#include "apipnr/store/errc.hpp"

#include <gtest/gtest.h>

#include "apipnr/common/errc_table_testing.hpp"

namespace apipnr::store {
namespace {

namespace t = apipnr::common::testing;

TEST(StoreErrc, TableFollowsEnumeratorOrder) {
  t::expect_rows_follow_enumerators(all_errc_info());
  EXPECT_EQ(info(errc::hash_failed).id, "STO-HASH");
}

TEST(StoreErrc, IdsAreUniqueAndPrefixed) {
  t::expect_ids_unique_and_prefixed(all_errc_info(), "STO-");
}

TEST(StoreErrc, ErrorCodeCarriesCategoryAndStableId) {
  const boost::system::error_code ec = errc::raw_too_large;
  EXPECT_STREQ(ec.category().name(), "apipnr.store");
  EXPECT_EQ(ec.message().rfind("STO-RAW-LIMIT:", 0), 0u) << ec.message();
  EXPECT_EQ(info(static_cast<errc>(250)).id, "STO-UNKNOWN");
}

TEST(StoreErrc, EveryIdIsDocumented) {
  t::expect_ids_documented(all_errc_info(), "docs/error-codes-store.md");
}

TEST(StoreErrc, EveryRequirementIdIsInTheCatalogue) {
  t::expect_requirements_catalogued(all_errc_info());
}

}  // namespace
}  // namespace apipnr::store
