#include "apipnr/amqp/errc.hpp"

#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

namespace apipnr::amqp {
namespace {

TEST(AmqpErrc, TableFollowsEnumeratorOrder) {
  int expected = 1;
  for (const errc_info& i : all_errc_info()) {
    EXPECT_EQ(static_cast<int>(i.code), expected) << i.id;
    ++expected;
  }
  EXPECT_EQ(info(static_cast<errc>(200)).id, "AMQP-UNKNOWN");
}

TEST(AmqpErrc, MessageStartsWithStableId) {
  const boost::system::error_code ec = errc::body_too_large;
  EXPECT_EQ(ec.category().name(), std::string("apipnr.amqp"));
  EXPECT_EQ(ec.message().rfind("AMQP-SIZE: ", 0), 0U) << ec.message();
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(AmqpErrc, EveryIdIsDocumentedWithAKnownRequirement) {
  const std::string doc = slurp(std::string(APIPNR_SOURCE_DIR) + "/docs/error-codes-amqp.md");
  const std::string catalogue =
      slurp(std::string(APIPNR_SOURCE_DIR) + "/specs/requirements/transport.json") +
      slurp(std::string(APIPNR_SOURCE_DIR) + "/specs/requirements/receiver.json");
  ASSERT_FALSE(doc.empty());
  for (const errc_info& i : all_errc_info()) {
    EXPECT_NE(doc.find("`" + std::string(i.id) + "`"), std::string::npos) << i.id;
    EXPECT_NE(catalogue.find("\"" + std::string(i.requirement) + "\""), std::string::npos)
        << i.requirement;
  }
}

}  // namespace
}  // namespace apipnr::amqp
