#pragma once

// GoogleTest checks shared by every component's errc table test (test code only: include it
// from *_test.cpp files that link GTest). Each check reports through EXPECT_*, naming the row.
//
// Why shared: the ten tables obey the same contract (errc_table.hpp), so the proof that a table
// keeps it is the same too; only the prefix, the doc file and the extra columns differ, and those
// stay in the component's own test.

#include <cstddef>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <span>
#include <string>
#include <string_view>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace apipnr::common::testing {

// `file` relative to the source tree (or absolute).
inline std::string read_source_file(const std::filesystem::path& file) {
  std::ifstream in(std::filesystem::path(APIPNR_SOURCE_DIR) / file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Row N describes enumerator N (1-based), so info(e) can index the table directly.
template <class Info>
void expect_rows_follow_enumerators(std::span<const Info> rows) {
  ASSERT_FALSE(rows.empty());
  for (std::size_t i = 0; i < rows.size(); ++i)
    EXPECT_EQ(static_cast<std::size_t>(rows[i].code), i + 1) << rows[i].id;
}

// Stable IDs are unique, carry the component prefix and a non-empty text.
template <class Info>
void expect_ids_unique_and_prefixed(std::span<const Info> rows, std::string_view prefix) {
  std::set<std::string_view> seen;
  for (const Info& i : rows) {
    EXPECT_TRUE(seen.insert(i.id).second) << "duplicate " << i.id;
    EXPECT_EQ(i.id.substr(0, prefix.size()), prefix) << i.id;
    EXPECT_FALSE(i.message.empty()) << i.id;
  }
}

// Every ID appears in backquotes in the component's docs/error-codes-*.md.
template <class Info>
void expect_ids_documented(std::span<const Info> rows, const std::filesystem::path& doc_file) {
  const std::string doc = read_source_file(doc_file);
  ASSERT_FALSE(doc.empty()) << doc_file << " is missing or empty";
  for (const Info& i : rows)
    EXPECT_NE(doc.find("`" + std::string(i.id) + "`"), std::string::npos)
        << i.id << " is not in " << doc_file;
}

// Every row cites a requirement that exists in specs/requirements (rows citing none, as an
// "unknown" row may, are not rows of the table).
template <class Info>
void expect_requirements_catalogued(std::span<const Info> rows) {
  std::set<std::string> known;
  const auto dir = std::filesystem::path(APIPNR_SOURCE_DIR) / "specs" / "requirements";
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() != ".json" ||
        e.path().filename().string().find(".schema.") != std::string::npos)
      continue;
    // An absolute path replaces APIPNR_SOURCE_DIR in read_source_file().
    const auto j = nlohmann::json::parse(read_source_file(e.path()), nullptr, false);
    if (!j.is_object() || !j.contains("requirements")) continue;
    for (const auto& r : j["requirements"])
      if (r.is_object()) known.insert(r.value("id", ""));
  }
  ASSERT_FALSE(known.empty());
  for (const Info& i : rows)
    EXPECT_TRUE(known.count(std::string(i.requirement)) > 0) << i.id << " cites " << i.requirement;
}

}  // namespace apipnr::common::testing
