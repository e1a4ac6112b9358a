// Test-only: self-signed certificates made with the openssl command line in a temp dir.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>

namespace apipnr::transport::testing {

struct temp_dir {
  std::filesystem::path path;
  temp_dir() {
    std::random_device rd;
    path = std::filesystem::temp_directory_path() /
           ("apipnr-test-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path);
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
};

// Writes <dir>/<name>.crt and <dir>/<name>.key (P-256, self-signed, CN=<cn>). True on success.
inline bool make_self_signed(const std::filesystem::path& dir, const std::string& name,
                             const std::string& cn) {
  const std::string cmd =
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2"
      " -subj /CN=" +
      cn + " -keyout '" + (dir / (name + ".key")).string() + "' -out '" +
      (dir / (name + ".crt")).string() + "' >/dev/null 2>&1";
  return std::system(cmd.c_str()) == 0;
}

}  // namespace apipnr::transport::testing
