#include "apipnr/amqp/errc.hpp"

#include <gtest/gtest.h>

#include "apipnr/common/errc_table_testing.hpp"

namespace apipnr::amqp {
namespace {

namespace t = apipnr::common::testing;

TEST(AmqpErrc, TableFollowsEnumeratorOrder) {
  t::expect_rows_follow_enumerators(all_errc_info());
  t::expect_ids_unique_and_prefixed(all_errc_info(), "AMQP-");
  EXPECT_EQ(info(static_cast<errc>(200)).id, "AMQP-UNKNOWN");
}

TEST(AmqpErrc, MessageStartsWithStableId) {
  const boost::system::error_code ec = errc::body_too_large;
  EXPECT_EQ(ec.category().name(), std::string("apipnr.amqp"));
  EXPECT_EQ(ec.message().rfind("AMQP-SIZE: ", 0), 0U) << ec.message();
}

TEST(AmqpErrc, EveryIdIsDocumentedWithAKnownRequirement) {
  t::expect_ids_documented(all_errc_info(), "docs/error-codes-amqp.md");
  t::expect_requirements_catalogued(all_errc_info());
}

}  // namespace
}  // namespace apipnr::amqp
