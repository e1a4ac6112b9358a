#include "apipnr/responses/errc.hpp"

#include <gtest/gtest.h>

#include "apipnr/common/errc_table_testing.hpp"

namespace apipnr::responses {
namespace {

namespace t = apipnr::common::testing;

TEST(ResponsesErrc, TableFollowsEnumeratorOrder) {
  t::expect_rows_follow_enumerators(all_errc_info());
  EXPECT_EQ(info(errc::ackres_too_many_texts).id, "RSP-ACKRES-IFT-LIMIT");
}

TEST(ResponsesErrc, IdsAreUniqueAndPrefixed) {
  t::expect_ids_unique_and_prefixed(all_errc_info(), "RSP-");
}

TEST(ResponsesErrc, ErrorCodeCarriesCategoryAndStableId) {
  const boost::system::error_code ec = errc::cusres_unknown_directive;
  EXPECT_STREQ(ec.category().name(), "apipnr.responses");
  EXPECT_EQ(ec.message().rfind("RSP-CUSRES-DIRECTIVE:", 0), 0u) << ec.message();
  EXPECT_EQ(info(static_cast<errc>(250)).id, "RSP-UNKNOWN");
}

TEST(ResponsesErrc, EveryIdIsDocumented) {
  t::expect_ids_documented(all_errc_info(), "docs/error-codes-responses.md");
}

TEST(ResponsesErrc, EveryRequirementIdIsInTheCatalogue) {
  t::expect_requirements_catalogued(all_errc_info());
}

}  // namespace
}  // namespace apipnr::responses
