// The structure walk's and the profile stage's fast paths in the pipeline (options::fast_structure,
// options::fast_profile), each on against off: for five profiles in
// strict and tolerant mode, every EDIFACT vector and random mutations of the PAXLST ones give
// the same result with the fast path as without it: verdicts, every finding (ID, code, level,
// position, text), the message each belongs to, the CONTRL and the canonical JSON of every
// message, byte for byte.
#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "apipnr/model/canonical.hpp"
#include "apipnr/pipeline/pipeline.hpp"

namespace apipnr::pipeline {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Everything a result says, as one text.
std::string everything(const result& r) {
  std::string s = std::string(to_string(r.outcome)) + "\n";
  for (std::size_t k = 0; k < r.findings.size(); ++k) {
    const diagnostic& d = r.findings[k];
    s += std::string(d.id) + " " + d.code.message() + " " + std::string(d.requirement) + " l" +
         std::to_string(static_cast<int>(d.level)) + " w" +
         std::to_string(static_cast<int>(d.where)) + " s" + std::to_string(d.syntax_error) + " @" +
         std::to_string(d.pos.offset) + "/" + std::to_string(d.pos.segment) + "/" +
         std::to_string(d.pos.message_segment) + "/" + std::to_string(d.pos.element) + "/" +
         std::to_string(d.pos.component) + "/" + std::to_string(d.pos.repetition) + " m" +
         std::to_string(r.finding_message[k]) + " " + d.detail + "\n";
  }
  for (const verdict v : r.message_outcomes) s += std::string(to_string(v)) + " ";
  s += "\n";
  for (std::size_t k = 0; k < r.messages.size(); ++k) {
    s += std::to_string(r.message_source[k]) + " " + model::canonical_json(r.messages[k]) + "\n";
  }
  return s + r.contrl;
}

std::vector<std::string> edifact_vectors() {
  std::vector<fs::path> files;
  for (const auto& f : fs::recursive_directory_iterator(fs::path(APIPNR_VECTORS_DIR))) {
    if (f.is_regular_file() && f.path().extension() == ".edi") files.push_back(f.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<std::string> out;
  for (const auto& f : files) out.push_back(slurp(f));
  return out;
}

// Random edits of a PAXLST message (characters inserted or dropped, segments repeated), so
// that many inputs take the fast path's give-up and some stay clean.
std::string mutate(std::string text, std::mt19937& rng) {
  static const std::vector<std::string> inserts = {
      "+", ":", "'", "?", "X", "7", "NAD+FL", "DOC+P", "DTM+329:", "ZZZ+", "ATT+2++M"};
  const std::size_t begin = text.find("UNH+");
  const std::size_t end = text.rfind("UNT+");
  if (begin == std::string::npos || end == std::string::npos || end < begin + 8) return text;
  const std::size_t at = begin + 4 + rng() % (end - begin - 4);
  switch (rng() % 3) {
    case 0:
      text.insert(at, inserts[rng() % inserts.size()]);
      break;
    case 1:
      text.erase(at, 1 + rng() % 3);
      break;
    default: {
      const std::size_t from = text.find('\'', at);
      if (from == std::string::npos || from + 1 >= end) break;
      const std::size_t to = text.find('\'', from + 1);
      if (to == std::string::npos || to >= end) break;
      text.insert(to + 1, text.substr(from + 1, to - from));
      break;
    }
  }
  return text;
}

// The engine with the switch `fast_path` on against off, over every vector and 300 mutated PAXLST
// messages per profile and mode.
void same_results_with_and_without(bool options::*fast_path) {
  const std::vector<std::string> inputs = edifact_vectors();
  ASSERT_GT(inputs.size(), 200u);
  std::vector<std::string> paxlst;
  for (const auto& t : inputs) {
    if (t.find("PAXLST") != std::string::npos) paxlst.push_back(t);
  }
  ASSERT_GT(paxlst.size(), 100u);
  std::size_t compared = 0, accepted = 0;
  for (const char* profile : {"baseline", "us", "uk", "cn", "eu"}) {
    for (const auto mode : {edifact::mode::strict, edifact::mode::tolerant}) {
      options o;
      o.specs_dir = fs::path(APIPNR_SOURCE_DIR) / "specs";
      o.profile = profile;
      o.syntax_mode = mode;
      o.contrl = true;
      o.today = model::calendar_date{2026, 1, 15};
      o.*fast_path = true;
      const engine fast = engine::load(o).value();
      o.*fast_path = false;
      const engine slow = engine::load(o).value();
      std::mt19937 rng(20261128);
      result a, b;
      auto same = [&](const std::string& text) {
        fast.check(text, a);
        slow.check(text, b);
        ++compared;
        accepted += a.outcome != verdict::reject ? 1 : 0;
        EXPECT_EQ(everything(a), everything(b)) << profile << " " << text;
        return everything(a) == everything(b);
      };
      for (const auto& text : inputs) {
        if (!same(text)) return;
      }
      for (int round = 0; round < 300; ++round) {
        std::string text = paxlst[rng() % paxlst.size()];
        for (int k = 1 + static_cast<int>(rng() % 2); k > 0; --k) text = mutate(text, rng);
        if (!same(text)) return;
      }
    }
  }
  EXPECT_GT(compared, 5000u);
  EXPECT_GT(accepted, 500u);
}

TEST(PipelineFastStructure, SameResultsWithAndWithoutTheFastPath) {
  same_results_with_and_without(&options::fast_structure);
}

// The profile stage's fast path (options::fast_profile, profile::fast_validate).
TEST(PipelineFastProfile, SameResultsWithAndWithoutTheFastPath) {
  same_results_with_and_without(&options::fast_profile);
}

}  // namespace
}  // namespace apipnr::pipeline
