// Shared helpers of the report tests: fixtures, golden files, scratch folders.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace apipnr::harness::report_test {

inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

inline void spit(const std::filesystem::path& p, const std::string& bytes) {
  std::filesystem::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << bytes;
}

inline nlohmann::json fixture(const std::string& name) {
  return nlohmann::json::parse(slurp(std::filesystem::path(APIPNR_REPORT_TESTDATA) / name));
}

// Compares with harness/src/report/golden/<name>; APIPNR_UPDATE_GOLDEN=1 rewrites the file
// instead (then inspect the diff before committing).
inline void expect_golden(const std::string& name, const std::string& actual) {
  const auto path = std::filesystem::path(APIPNR_REPORT_GOLDEN) / name;
  if (const char* u = std::getenv("APIPNR_UPDATE_GOLDEN"); u && std::string(u) == "1") {
    spit(path, actual);
    return;
  }
  ASSERT_TRUE(std::filesystem::exists(path)) << path << " missing; run with APIPNR_UPDATE_GOLDEN=1";
  const std::string expected = slurp(path);
  if (expected != actual) {
    std::size_t i = 0;
    while (i < expected.size() && i < actual.size() && expected[i] == actual[i]) ++i;
    const auto from = i < 80 ? 0 : i - 80;
    ADD_FAILURE() << name << " differs from the golden file at byte " << i << "\n--- golden\n"
                  << expected.substr(from, 200) << "\n--- actual\n"
                  << actual.substr(from, 200);
  }
}

// A scratch folder per test, removed afterwards.
class scratch {
 public:
  scratch() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           ("apipnr-report-" + std::string(info->test_suite_name()) + "-" + info->name() + "-" +
            std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  ~scratch() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  scratch(const scratch&) = delete;
  scratch& operator=(const scratch&) = delete;
  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
};

}  // namespace apipnr::harness::report_test
