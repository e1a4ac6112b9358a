#include "apipnr/validate/inputs.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>
#include <system_error>

#include <openssl/evp.h>

namespace apipnr::validate {

namespace fs = std::filesystem;

namespace {

bool skipped_in_folder(const fs::path& p) {
  const std::string name = p.filename().string();
  if (!name.empty() && name.front() == '.') return true;
  const std::string ext = p.extension().string();
  return ext == ".json" || ext == ".md" || ext == ".html" || ext == ".xsd";
}

std::string cannot_read(std::string_view name, std::string_view reason) {
  return "[apipnr.validate.001] cannot read " + std::string(name) + ": " + std::string(reason);
}

}  // namespace

input_list collect_inputs(const std::vector<std::string>& args) {
  input_list out;
  for (const auto& arg : args) {
    if (arg == "-") {
      out.inputs.push_back({"-", true});
      continue;
    }
    std::error_code ec;
    const fs::path root(arg);
    const auto st = fs::status(root, ec);
    if (ec || !fs::exists(st)) {
      out.errors.push_back(cannot_read(arg, ec ? ec.message() : "No such file or directory"));
      continue;
    }
    if (!fs::is_directory(st)) {
      out.inputs.push_back({arg, false});
      continue;
    }
    std::vector<std::string> found;
    fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
    if (ec) {
      out.errors.push_back(cannot_read(arg, ec.message()));
      continue;
    }
    for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) break;
      const auto& p = it->path();
      if (skipped_in_folder(p)) {
        // Hidden folders (.git) are not descended into either.
        if (it->is_directory(ec)) it.disable_recursion_pending();
        continue;
      }
      if (!it->is_regular_file(ec)) continue;
      // Report paths as "<argument>/<relative path>" so output does not depend on the cwd.
      found.push_back((root / p.lexically_relative(root)).generic_string());
    }
    if (ec) {
      out.errors.push_back(cannot_read(arg, ec.message()));
      continue;
    }
    if (found.empty()) {
      out.errors.push_back("[apipnr.validate.003] " + arg +
                           ": folder holds no message files (hidden, .json, .md, .html and .xsd "
                           "files are skipped)");
      continue;
    }
    std::sort(found.begin(), found.end());
    for (auto& f : found) out.inputs.push_back({std::move(f), false});
  }
  return out;
}

std::optional<std::string> read_input(const input& in, std::string& error) {
  if (in.is_stdin) {
    std::ostringstream ss;
    ss << std::cin.rdbuf();
    if (std::cin.bad()) {
      error = cannot_read("-", "error reading standard input");
      return std::nullopt;
    }
    return std::move(ss).str();
  }
  std::error_code ec;
  if (fs::is_directory(in.name, ec)) {
    error = cannot_read(in.name, "is a directory");
    return std::nullopt;
  }
  std::ifstream f(in.name, std::ios::binary);
  if (!f) {
    error = cannot_read(in.name, errno != 0 ? std::strerror(errno) : "cannot open");
    return std::nullopt;
  }
  std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  if (f.bad()) {
    error = cannot_read(in.name, "I/O error");
    return std::nullopt;
  }
  return bytes;
}

std::optional<std::string> content_problem(std::string_view bytes) {
  if (bytes.empty()) return "empty input";
  if (bytes.find('\0') != std::string_view::npos) return "binary input (NUL bytes)";
  return std::nullopt;
}

std::string sha256_hex(std::string_view bytes) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int len = 0;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), bytes.data(), bytes.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), md.data(), &len) != 1) {
    return {};  // only on allocation failure inside OpenSSL; the field is then omitted
  }
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(hex[md[i] >> 4]);
    out.push_back(hex[md[i] & 0xf]);
  }
  return out;
}

}  // namespace apipnr::validate
