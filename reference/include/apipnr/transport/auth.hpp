// Bearer-token check per sender (RFC 6750), constant time in the presented token.
//
// Tokens are kept only as SHA-256 digests; a presented token is hashed and compared with every
// configured digest with CRYPTO_memcmp, without stopping at the first match, so neither the
// length nor the position of a token leaks through timing.
//
// Thread safety: immutable after construction; check() may run on many threads.
// Errors: none (an unknown or malformed header is `outcome::invalid` / `missing`).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "apipnr/transport/http_server.hpp"

namespace apipnr::transport {

class token_authenticator {
 public:
  enum class outcome : std::uint8_t { ok, missing, invalid };
  struct verdict {
    outcome result = outcome::missing;
    std::string sender;  // set when ok
  };

  explicit token_authenticator(const std::vector<bearer_token>& tokens);

  bool enabled() const noexcept { return !entries_.empty(); }
  // `authorization` is the whole Authorization header value ("Bearer <token>"), may be empty.
  verdict check(std::string_view authorization) const;

 private:
  struct entry {
    std::array<unsigned char, 32> digest{};
    std::string sender;
  };
  std::vector<entry> entries_;
};

}  // namespace apipnr::transport
