#include "apipnr/transport/auth.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

namespace apipnr::transport {

namespace {

std::array<unsigned char, 32> sha256(std::string_view s) {
  std::array<unsigned char, 32> out{};
  unsigned int len = 0;
  // EVP_Digest cannot fail for SHA-256 on a working OpenSSL; on failure `out` stays zero and
  // matches no configured token (whose digests were computed the same way), except another
  // failed one, which the caller cannot produce.
  EVP_Digest(s.data(), s.size(), out.data(), &len, EVP_sha256(), nullptr);
  return out;
}

}  // namespace

token_authenticator::token_authenticator(const std::vector<bearer_token>& tokens) {
  entries_.reserve(tokens.size());
  for (const auto& t : tokens) {
    if (t.token.empty()) continue;  // an empty token would let "Bearer " in
    entries_.push_back(entry{sha256(t.token), t.sender});
  }
}

token_authenticator::verdict token_authenticator::check(std::string_view authorization) const {
  verdict v;
  // RFC 6750 §2.1: "Bearer" (case-insensitive scheme) SP token.
  constexpr std::string_view scheme = "bearer ";
  if (authorization.size() <= scheme.size()) return v;
  for (std::size_t i = 0; i < scheme.size(); ++i) {
    char c = authorization[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != scheme[i]) {
      v.result = outcome::invalid;
      return v;
    }
  }
  std::string_view token = authorization.substr(scheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  const auto presented = sha256(token);
  const entry* match = nullptr;
  for (const auto& e : entries_) {
    // No early exit: every entry is compared whatever the outcome (constant time).
    const bool equal = CRYPTO_memcmp(e.digest.data(), presented.data(), presented.size()) == 0;
    if (equal && match == nullptr) match = &e;
  }
  if (match == nullptr || token.empty()) {
    v.result = outcome::invalid;
    return v;
  }
  v.result = outcome::ok;
  v.sender = match->sender;
  return v;
}

}  // namespace apipnr::transport
