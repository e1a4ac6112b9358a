// Shared fixtures of the profile tests: the repository's message definitions, the shipped
// profiles, and a one-passenger PAXLST (STANDARDS.md Appendix A.1) with one change per test.
#pragma once

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "apipnr/edifact/parser.hpp"
#include "apipnr/message/definitions.hpp"
#include "apipnr/message/tree.hpp"
#include "apipnr/profile/profile.hpp"
#include "apipnr/profile/validate.hpp"

namespace apipnr::profile::testing {

inline std::filesystem::path source_dir() { return APIPNR_SOURCE_DIR; }
inline std::filesystem::path profiles_dir() { return source_dir() / "specs" / "profiles"; }

inline const message::definitions& defs() {
  static const message::definitions d =
      message::load_definitions(source_dir() / "specs" / "messages").value();
  return d;
}

inline const profile& shipped(std::string_view name) {
  static std::vector<std::pair<std::string, std::unique_ptr<profile>>> cache;
  for (const auto& [n, p] : cache) {
    if (n == name) return *p;
  }
  auto p = std::make_unique<profile>(load_named_profile(name, profiles_dir(), defs()).value());
  cache.emplace_back(std::string(name), std::move(p));
  return *cache.back().second;
}

// STANDARDS.md Appendix A.1, one segment per line (line breaks after ' are allowed).
inline constexpr std::string_view a1 =
    "UNA:+.? '\n"
    "UNB+UNOA:4+XXAPI:ZZ+PIUTEST:ZZ+250301:0930+1001++APIS'\n"
    "UNG+PAXLST+XX AIRLINE+PIUTEST+250301:0930+1+UN+D:05B'\n"
    "UNH+1+PAXLST:D:05B:UN:IATA+XX123/250301/1100+01:F'\n"
    "BGM+745'\n"
    "RFF+TN:XX1232503011:::1'\n"
    "NAD+MS+++OPS CONTROL'\n"
    "COM+44 20 0000 0000:TE'\n"
    "TDT+20+XX123+++XX'\n"
    "LOC+125+LHR'\n"
    "DTM+189:2503011100:201'\n"
    "LOC+87+JFK'\n"
    "DTM+232:2503011400:201'\n"
    "NAD+FL+++O?'BRIEN:ANNE:MARIE'\n"
    "ATT+2++F'\n"
    "DTM+329:850412'\n"
    "LOC+178+LHR'\n"
    "LOC+179+JFK'\n"
    "NAT+2+IRL'\n"
    "RFF+AVF:ABC123'\n"
    "RFF+ABO:0001'\n"
    "DOC+P:110:111+PA1234567'\n"
    "DTM+36:300101'\n"
    "LOC+91+IRL'\n"
    "CNT+42:1'\n"
    "UNT+23+1'\n"
    "UNE+1+1'\n"
    "UNZ+1+1001'\n";

// A.1 with the first occurrence of `from` replaced by `to` (and the UNT count fixed when a
// segment is added or removed).
inline std::string a1_with(std::string_view from, std::string_view to) {
  std::string s(a1);
  const auto at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) s.replace(at, from.size(), to);
  auto lines = [](std::string_view t) {
    return static_cast<int>(std::count(t.begin(), t.end(), '\n'));
  };
  const int delta = lines(to) - lines(from);
  if (delta != 0) {
    const std::string unt = "UNT+23+1'";
    s.replace(s.find(unt), unt.size(), "UNT+" + std::to_string(23 + delta) + "+1'");
  }
  return s;
}

// Parses `text`, builds the tree of message 0 with the profile's structure options, then runs
// the envelope and rule checks of `prof`. Only profile findings reach `out`.
struct run_result {
  diagnostic_list findings;    // profile findings
  diagnostic_list structural;  // syntax engine and group parser findings
};

inline run_result run(const std::string& text, const profile& prof, validate_options opt = {}) {
  run_result r;
  if (!opt.today) opt.today = model::calendar_date{2025, 3, 1};
  edifact::parser p;
  edifact::interchange ic;
  p.parse(text, ic, r.structural);
  message::message_tree tree;
  message::parse_structure(ic, 0, prof.definitions(), r.structural, tree,
                           structure_options_for(prof));
  validate_envelope(ic, prof, r.findings, opt);
  validate(ic, 0, tree, prof, r.findings, opt);
  return r;
}

inline const diagnostic* find(const diagnostic_list& l, std::string_view id) {
  for (const auto& d : l.items()) {
    if (d.id == id) return &d;
  }
  return nullptr;
}

inline std::size_t count(const diagnostic_list& l, std::string_view id) {
  std::size_t n = 0;
  for (const auto& d : l.items()) n += d.id == id ? 1 : 0;
  return n;
}

// Writes `text` to a fresh file `<dir>/<name>` under a temp directory private to this process:
// ctest runs every TEST as its own process, in parallel, so a shared path would let two tests
// overwrite each other's files.
// The folder is removed when the process exits, so test runs leave nothing behind in the temp
// directory (a full ctest run used to leave 38 folders).
inline const std::filesystem::path& process_temp_root() {
  struct owned_dir {
    std::filesystem::path path;
    ~owned_dir() {
      std::error_code ec;
      std::filesystem::remove_all(path, ec);
    }
  };
  static const owned_dir root{std::filesystem::path(::testing::TempDir()) /
                              ("apipnr-profile-" + std::to_string(::getpid()))};
  return root.path;
}

inline std::filesystem::path write_file(const std::string& dir, const std::string& name,
                                        std::string_view text) {
  const auto base = process_temp_root() / dir;
  std::filesystem::create_directories(base);
  const auto file = base / name;
  std::ofstream(file, std::ios::binary) << text;
  return file;
}

}  // namespace apipnr::profile::testing
