#include <openssl/evp.h>

#include <algorithm>
#include <ctime>
#include <nlohmann/json.hpp>

#include "util_internal.hpp"

namespace apipnr::store::detail {

std::optional<digest> sha256(std::initializer_list<std::string_view> parts) noexcept {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (ctx == nullptr) return std::nullopt;
  digest out{};
  unsigned int n = 0;
  bool ok = EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) == 1;
  for (std::string_view p : parts) ok = ok && EVP_DigestUpdate(ctx, p.data(), p.size()) == 1;
  ok = ok && EVP_DigestFinal_ex(ctx, out.data(), &n) == 1 && n == out.size();
  EVP_MD_CTX_free(ctx);
  if (!ok) return std::nullopt;
  return out;
}

std::string to_hex(std::string_view bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string s;
  s.reserve(bytes.size() * 2);
  for (const char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    s.push_back(digits[b >> 4]);
    s.push_back(digits[b & 0x0f]);
  }
  return s;
}

std::int64_t to_millis(time_point t) noexcept {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

std::string iso_utc(std::int64_t millis) {
  const std::int64_t secs = millis >= 0 ? millis / 1000 : (millis - 999) / 1000;
  const auto ms = static_cast<int>(millis - secs * 1000);
  const auto tt = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[40];
  const int n =
      std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
  return std::string(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
}

namespace {

enum class action : std::uint8_t { keep, mask, year };

// A rule "key" matches the key anywhere; "container.key" matches it when the nearest named
// container above (the key of the enclosing object or array) is `container`.
bool matches(const std::vector<std::string>& rules, std::string_view container,
             std::string_view key) {
  for (const std::string& r : rules) {
    const auto dot = r.find('.');
    if (dot == std::string::npos) {
      if (r == key) return true;
    } else if (std::string_view(r).substr(0, dot) == container &&
               std::string_view(r).substr(dot + 1) == key) {
      return true;
    }
  }
  return false;
}

std::size_t apply(nlohmann::json& v, action a) {
  if (v.is_string()) {
    std::string& s = v.get_ref<std::string&>();
    if (a == action::year) {
      if (s.size() <= 4) return 0;
      s.resize(4);
      return 1;
    }
    if (s == masked_value) return 0;  // idempotent: already masked
    s = masked_value;
    return 1;
  }
  std::size_t n = 0;
  if (v.is_array())
    for (auto& e : v) n += apply(e, a);
  return n;
}

std::size_t walk(nlohmann::json& v, std::string_view container, const masking_rules& rules) {
  std::size_t n = 0;
  if (v.is_object()) {
    for (auto it = v.begin(); it != v.end(); ++it) {
      const std::string& key = it.key();
      if (matches(rules.year_only, container, key)) {
        n += apply(it.value(), action::year);
      } else if (matches(rules.mask, container, key)) {
        // A whole sub-object (e.g. "reporting_party.name" is a string, but a rule may name an
        // object) has each string inside masked.
        if (it.value().is_object()) {
          for (auto& e : it.value()) n += apply(e, action::mask);
        } else {
          n += apply(it.value(), action::mask);
        }
      } else {
        n += walk(it.value(), key, rules);
      }
    }
  } else if (v.is_array()) {
    // Elements of an array inherit the array's key as their container ("documents").
    for (auto& e : v) n += walk(e, container, rules);
  }
  return n;
}

}  // namespace

std::size_t depersonalise(nlohmann::json& doc, const masking_rules& rules) {
  return walk(doc, "", rules);
}

}  // namespace apipnr::store::detail
