#include "apipnr/transport/auth.hpp"

#include <gtest/gtest.h>

namespace apipnr::transport {
namespace {

using outcome = token_authenticator::outcome;

TEST(TransportAuth, MatchesTheRightSender) {
  token_authenticator a({{"XXAIR", "tok-xx-1"}, {"YYAIR", "tok-yy-2"}});
  auto v = a.check("Bearer tok-yy-2");
  EXPECT_EQ(v.result, outcome::ok);
  EXPECT_EQ(v.sender, "YYAIR");
  v = a.check("bearer tok-xx-1");  // scheme is case-insensitive (RFC 6750)
  EXPECT_EQ(v.result, outcome::ok);
  EXPECT_EQ(v.sender, "XXAIR");
}

TEST(TransportAuth, MissingWrongAndMalformedHeaders) {
  token_authenticator a(std::vector<bearer_token>{{"XXAIR", "tok-xx-1"}});
  EXPECT_EQ(a.check("").result, outcome::missing);
  EXPECT_EQ(a.check("Bearer tok-xx-2").result, outcome::invalid);
  EXPECT_EQ(a.check("Bearer tok-xx-").result, outcome::invalid);
  EXPECT_EQ(a.check("Basic dG9rLXh4LTE=").result, outcome::invalid);
  EXPECT_EQ(a.check("Bearer    ").result, outcome::invalid);
  EXPECT_TRUE(a.check("Bearer tok-xx-2").sender.empty());
}

TEST(TransportAuth, EmptyTokensAreIgnored) {
  token_authenticator a(std::vector<bearer_token>{{"XXAIR", ""}});
  EXPECT_FALSE(a.enabled());
}

}  // namespace
}  // namespace apipnr::transport
