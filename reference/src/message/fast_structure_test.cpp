// The structure walk's fast path (fast_structure.hpp) against parse_structure: over every
// vector message and thousands of random mutations of them (the edits MessagePlan.* makes),
// whenever the fast path says it decided, parse_structure must report nothing, return no
// error and build the same tree, entry for entry and offset for offset; and the fast path must
// decide for the clean messages and give up on the others, so that neither side is vacuous.
#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "apipnr/edifact/parser.hpp"
#include "apipnr/message/definitions.hpp"
#include "apipnr/message/fast_structure.hpp"
#include "apipnr/message/tree.hpp"
#include "mutation_test_support.hpp"

namespace apipnr::message {
namespace {

using test_support::mutated;

const definitions& defs() {
  static const definitions d =
      load_definitions(std::string(APIPNR_SOURCE_DIR) + "/specs/messages").value();
  return d;
}

std::string read(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> vector_inputs() {
  std::vector<std::string> out;
  const std::filesystem::path root = std::string(APIPNR_SOURCE_DIR) + "/vectors/edifact";
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::recursive_directory_iterator(root)) {
    if (e.is_regular_file() && e.path().extension() == ".edi") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) out.push_back(read(f));
  return out;
}

// Every field of both trees, pointers included (both index the same interchange and
// definitions), and the element index word for word.
std::string difference(const message_tree& a, const message_tree& b) {
  if (a.source != b.source || a.def != b.def || a.message_index != b.message_index) {
    return "header";
  }
  if (a.segments.size() != b.segments.size()) return "segment count";
  for (std::size_t i = 0; i < a.segments.size(); ++i) {
    const segment_entry& x = a.segments[i];
    const segment_entry& y = b.segments[i];
    if (x.seg != y.seg || x.matched != y.matched || x.instance != y.instance ||
        x.first_element != y.first_element) {
      return "segment " + std::to_string(i);
    }
  }
  if (a.instances.size() != b.instances.size()) return "instance count";
  for (std::size_t k = 0; k < a.instances.size(); ++k) {
    const group_instance& x = a.instances[k];
    const group_instance& y = b.instances[k];
    if (x.group != y.group || x.parent != y.parent || x.first != y.first || x.last != y.last ||
        x.repetition != y.repetition || x.depth != y.depth) {
      return "instance " + std::to_string(k);
    }
  }
  if (!(a.element_index == b.element_index)) return "element index";
  return {};
}

struct tally {
  std::size_t messages = 0, decided = 0, paxlst_decided = 0, gave_up_with_findings = 0;
};

// Compares every message of `text`; false on the first difference (reported).
bool compare(const std::string& text, std::string_view label, tally& t,
             const structure_options& opt = {}) {
  edifact::interchange ic;
  diagnostic_list syntax;
  edifact::parser p;
  (void)p.parse(text, ic, syntax);
  message_tree fast, slow;
  for (std::size_t m = 0; m < ic.messages.size(); ++m) {
    const edifact::message_view& mv = ic.messages[m];
    const definition* def = defs().find(mv.type, mv.version, mv.release, mv.agency);
    if (def == nullptr) continue;
    diagnostic_list found;
    const auto ec = parse_structure(ic, m, *def, found, slow, opt);
    const bool decided = fast_parse_structure(ic, m, *def, fast, opt);
    ++t.messages;
    if (!decided) {
      t.gave_up_with_findings += found.empty() ? 0 : 1;
      continue;
    }
    ++t.decided;
    t.paxlst_decided += mv.type == "PAXLST" ? 1 : 0;
    EXPECT_FALSE(ec) << label << " message " << m << ": " << ec.message();
    EXPECT_TRUE(found.empty()) << label << " message " << m << ": fast path passed a message with "
                               << found.size() << " finding(s), first "
                               << (found.empty() ? "" : found.items()[0].detail) << "\n"
                               << text;
    const std::string diff = difference(fast, slow);
    EXPECT_EQ(diff, "") << label << " message " << m << "\n" << text;
    if (ec || !found.empty() || !diff.empty()) return false;
  }
  return true;
}

TEST(FastStructure, VectorMessagesBuildTheSameTreeOrGiveUp) {
  tally t;
  for (const std::string& text : vector_inputs()) {
    if (!compare(text, "vector", t)) break;
  }
  std::printf("messages %zu, decided %zu (PAXLST %zu), gave up with findings %zu\n", t.messages,
              t.decided, t.paxlst_decided, t.gave_up_with_findings);
  EXPECT_GT(t.messages, 200u);
  EXPECT_GT(t.paxlst_decided, 100u);
  EXPECT_GT(t.gave_up_with_findings, 20u);
}

// Without element checks the fast path skips clean() as parse_structure skips its checks.
TEST(FastStructure, WithoutElementChecksTheTreesStillMatch) {
  tally t;
  structure_options opt;
  opt.check_elements = false;
  for (const std::string& text : vector_inputs()) {
    if (!compare(text, "vector", t, opt)) break;
  }
  EXPECT_GT(t.paxlst_decided, 100u);
}

// A definition without plans (the loader's tables cleared) is never taken by the fast path.
TEST(FastStructure, GivesUpWithoutPlans) {
  auto loaded = load_definitions(std::string(APIPNR_SOURCE_DIR) + "/specs/messages").value();
  std::size_t tried = 0;
  for (const std::string& text : vector_inputs()) {
    edifact::interchange ic;
    diagnostic_list syntax;
    edifact::parser p;
    (void)p.parse(text, ic, syntax);
    for (std::size_t m = 0; m < ic.messages.size(); ++m) {
      const edifact::message_view& mv = ic.messages[m];
      const definition* def = loaded.find(mv.type, mv.version, mv.release, mv.agency);
      if (def == nullptr) continue;
      const_cast<definition*>(def)->planned = false;
      message_tree t;
      EXPECT_FALSE(fast_parse_structure(ic, m, *def, t));
      const_cast<definition*>(def)->planned = true;
      ++tried;
    }
    if (tried > 50) break;
  }
  EXPECT_GT(tried, 50u);
}

// Random edits of the vector messages (as MessagePlan.MutatedMessagesParseTheSameWithoutPlans):
// separators, release characters, lengths, qualifiers and whole segments moved, repeated or
// dropped, so that the fast path meets every kind of finding it must give up on.
TEST(FastStructure, MutatedMessagesBuildTheSameTreeOrGiveUp) {
  std::vector<std::string> seeds;
  for (std::string& text : vector_inputs()) {
    if (text.find("UNH+") != std::string::npos) seeds.push_back(std::move(text));
  }
  ASSERT_FALSE(seeds.empty());
  std::mt19937 rng(20261128);
  tally t;
  for (int round = 0; round < 4000; ++round) {
    const std::string text = mutated(seeds[rng() % seeds.size()], rng);
    if (!compare(text, "round " + std::to_string(round), t)) break;
  }
  std::printf("messages %zu, decided %zu (PAXLST %zu), gave up with findings %zu\n", t.messages,
              t.decided, t.paxlst_decided, t.gave_up_with_findings);
  EXPECT_GT(t.messages, 3000u);
  // Edits that leave a message clean (inside a free-text value, say) are decided; the rest
  // must be given up on.
  EXPECT_GT(t.decided, 200u);
  EXPECT_GT(t.gave_up_with_findings, 1500u);
}

}  // namespace
}  // namespace apipnr::message
