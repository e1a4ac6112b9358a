#include "apipnr/harness/digest.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <vector>

namespace apipnr::harness {

namespace {

struct md_ctx_deleter {
  void operator()(EVP_MD_CTX* c) const noexcept { EVP_MD_CTX_free(c); }
};
using md_ctx = std::unique_ptr<EVP_MD_CTX, md_ctx_deleter>;

std::string hex(const unsigned char* p, unsigned n) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (unsigned i = 0; i < n; ++i) {
    out += digits[p[i] >> 4];
    out += digits[p[i] & 15];
  }
  return out;
}

md_ctx start() {
  md_ctx c(EVP_MD_CTX_new());
  if (c && EVP_DigestInit_ex(c.get(), EVP_sha256(), nullptr) != 1) c.reset();
  return c;
}

std::string finish(EVP_MD_CTX* c) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned n = 0;
  if (EVP_DigestFinal_ex(c, md, &n) != 1) return {};
  return hex(md, n);
}

bool update_file(EVP_MD_CTX* c, const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return false;
  std::vector<char> buf(1 << 16);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const auto got = in.gcount();
    if (got > 0 && EVP_DigestUpdate(c, buf.data(), static_cast<std::size_t>(got)) != 1)
      return false;
  }
  return in.eof();
}

}  // namespace

std::string sha256_hex(std::string_view bytes) {
  auto c = start();
  if (!c || EVP_DigestUpdate(c.get(), bytes.data(), bytes.size()) != 1) return {};
  return finish(c.get());
}

std::string sha256_file(const std::filesystem::path& file) {
  auto c = start();
  if (!c || !update_file(c.get(), file)) return {};
  return finish(c.get());
}

std::string sha256_tree(const std::filesystem::path& root,
                        const std::function<bool(const std::string&)>& keep) {
  std::error_code ec;
  if (!std::filesystem::is_directory(root, ec)) return {};
  std::vector<std::pair<std::string, std::filesystem::path>> files;
  for (auto it = std::filesystem::recursive_directory_iterator(root, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    std::string rel = it->path().lexically_relative(root).generic_string();
    if (keep && !keep(rel)) continue;
    files.emplace_back(std::move(rel), it->path());
  }
  if (ec) return {};
  std::sort(files.begin(), files.end());
  auto c = start();
  if (!c) return {};
  for (const auto& [rel, path] : files) {
    std::error_code sec;
    const std::string size = std::to_string(std::filesystem::file_size(path, sec));
    if (sec) return {};
    const char nul = '\0';
    if (EVP_DigestUpdate(c.get(), rel.data(), rel.size()) != 1 ||
        EVP_DigestUpdate(c.get(), &nul, 1) != 1 ||
        EVP_DigestUpdate(c.get(), size.data(), size.size()) != 1 ||
        EVP_DigestUpdate(c.get(), &nul, 1) != 1 || !update_file(c.get(), path))
      return {};
  }
  return finish(c.get());
}

}  // namespace apipnr::harness
