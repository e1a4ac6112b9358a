#include "report_internal.hpp"

#include <openssl/evp.h>

#include <fstream>
#include <iterator>
#include <memory>
#include <system_error>

namespace apipnr::harness::report_internal {

namespace {
constexpr std::string_view k_b64 =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

}  // namespace

std::string base64_encode(std::string_view in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(in[i]) << 16) |
                       (static_cast<unsigned char>(in[i + 1]) << 8) |
                       static_cast<unsigned char>(in[i + 2]);
    out += k_b64[(v >> 18) & 63];
    out += k_b64[(v >> 12) & 63];
    out += k_b64[(v >> 6) & 63];
    out += k_b64[v & 63];
  }
  if (i < in.size()) {
    unsigned v = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) v |= static_cast<unsigned char>(in[i + 1]) << 8;
    out += k_b64[(v >> 18) & 63];
    out += k_b64[(v >> 12) & 63];
    out += i + 1 < in.size() ? k_b64[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

// Strict: canonical padding, no whitespace, so that one signature has one spelling.
std::optional<std::string> base64_decode(std::string_view in) {
  if (in.size() % 4 != 0) return std::nullopt;
  std::string out;
  out.reserve(in.size() / 4 * 3);
  for (std::size_t i = 0; i < in.size(); i += 4) {
    unsigned v = 0;
    int pad = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      const char ch = in[i + k];
      unsigned d = 0;
      if (ch == '=' && i + 4 == in.size() && k >= 2) {
        ++pad;
      } else {
        if (pad != 0) return std::nullopt;
        const auto pos = k_b64.find(ch);
        if (pos == std::string_view::npos) return std::nullopt;
        d = static_cast<unsigned>(pos);
      }
      v = (v << 6) | d;
    }
    out += static_cast<char>((v >> 16) & 255);
    if (pad < 2) out += static_cast<char>((v >> 8) & 255);
    if (pad < 1) out += static_cast<char>(v & 255);
  }
  return out;
}

std::optional<std::string> read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return std::nullopt;
  return bytes;
}

bool write_file(const std::filesystem::path& p, std::string_view bytes, std::string& why) {
  std::error_code ec;
  if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path(), ec);
  if (ec) {
    why = ec.message();
    return false;
  }
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) {
    why = "write failed";
    return false;
  }
  return true;
}

std::optional<nlohmann::json> parse_json(std::string_view text, std::string& why) {
  // The file edge: nlohmann reports the line and column only through its exception, which is
  // caught here and turned into a message (never on a hot path).
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    why = e.what();
    return std::nullopt;
  }
}

std::string sha256_hex(std::string_view bytes) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned n = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), md, &n, EVP_sha256(), nullptr) != 1) return {};
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * n);
  for (unsigned i = 0; i < n; ++i) {
    out += digits[md[i] >> 4];
    out += digits[md[i] & 15];
  }
  return out;
}

}  // namespace apipnr::harness::report_internal
