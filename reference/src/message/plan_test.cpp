// The group parser's plans (definition::plan: tag ids, transition tables, the skip list of
// mandatory nodes; segment_def::mandatory_mask and the clean-segment test) against the paths
// they replace: every vector input, and thousands of random mutations of the message ones,
// parsed once with the shipped definitions as loaded (planned) and once with every plan
// cleared (the candidate scan, the general element loop and the splitting reads). Trees and
// findings must be the same, finding for finding.
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
#include "apipnr/message/tree.hpp"
#include "mutation_test_support.hpp"

namespace apipnr::message {
namespace {

using test_support::mutated;

const definitions& planned_defs() {
  static const definitions d =
      load_definitions(std::string(APIPNR_SOURCE_DIR) + "/specs/messages").value();
  return d;
}

void unplan_field(field_def& f) {
  f.planned = false;
  f.fast = false;
  f.component_slots.clear();
  f.mandatory_components.clear();
  f.fast_limits.clear();
  for (auto& c : f.components) unplan_field(c);
}

void unplan_content(std::vector<node>& content) {
  for (node& n : content) {
    n.plan = content_plan{};
    unplan_content(n.content);
  }
}

// The same definitions with every plan cleared: the reference paths.
const definitions& unplanned_defs() {
  static const definitions d = [] {
    auto loaded = load_definitions(std::string(APIPNR_SOURCE_DIR) + "/specs/messages").value();
    for (const auto& def : loaded.all()) {
      def->planned = false;
      def->structure_plan = content_plan{};
      def->tag_table.clear();
      unplan_content(def->structure);
      for (const auto& s : def->segments) {
        s->planned = false;
        s->position_slots.clear();
        s->mandatory_elements.clear();
        s->mandatory_mask = 0;
        s->mandatory_mask_complete = false;
        for (auto& e : s->elements) unplan_field(e);
      }
    }
    return loaded;
  }();
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

std::string describe(const diagnostic& d) {
  return std::string(d.id) + " " + d.code.message() + " req=" + std::string(d.requirement) +
         " level=" + std::to_string(static_cast<int>(d.level)) +
         " where=" + std::to_string(static_cast<int>(d.where)) + " @" +
         std::to_string(d.pos.offset) + "/" + std::to_string(d.pos.segment) + "/" +
         std::to_string(d.pos.message_segment) + " e" + std::to_string(d.pos.element) + " c" +
         std::to_string(d.pos.component) + " r" + std::to_string(d.pos.repetition) + " " + d.detail;
}

std::string describe(const message_tree& t, boost::system::error_code ec) {
  std::string s = "ec=" + ec.message() + "\n";
  for (const auto& e : t.segments) {
    s += (e.matched != nullptr ? e.matched->path : std::string("-")) + " i" +
         std::to_string(e.instance) + "\n";
  }
  for (const auto& g : t.instances) {
    s += (g.group != nullptr ? g.group->path : std::string("root")) + " p" +
         std::to_string(g.parent) + " " + std::to_string(g.first) + ".." + std::to_string(g.last) +
         " r" + std::to_string(g.repetition) + " d" + std::to_string(g.depth) + "\n";
  }
  return s;
}

// What the comparisons met, so that the tests can check that they reach the planned paths.
struct coverage {
  std::size_t messages = 0, without_repetition = 0, findings = 0, too_long = 0;
};
coverage& stats() {
  static coverage c;
  return c;
}

// Parses every message of `text` with both registries; returns the number of messages
// compared. Reports the first difference of each message.
std::size_t compare(const std::string& text, std::string_view label) {
  edifact::interchange ic;
  diagnostic_list syntax;
  edifact::parser p;
  (void)p.parse(text, ic, syntax);
  message_tree fast, slow;
  for (std::size_t m = 0; m < ic.messages.size(); ++m) {
    diagnostic_list fast_findings, slow_findings;
    const auto fast_ec = parse_structure(ic, m, planned_defs(), fast_findings, fast);
    const auto slow_ec = parse_structure(ic, m, unplanned_defs(), slow_findings, slow);
    const std::string fast_tree = describe(fast, fast_ec);
    const std::string slow_tree = describe(slow, slow_ec);
    EXPECT_EQ(fast_tree, slow_tree) << label << " message " << m << "\n" << text;
    std::string a, b;
    for (const auto& d : fast_findings.items()) a += describe(d) + "\n";
    for (const auto& d : slow_findings.items()) b += describe(d) + "\n";
    EXPECT_EQ(a, b) << label << " message " << m << "\n" << text;
    stats().messages += 1;
    stats().without_repetition += ic.delims.has_repetition ? 0 : 1;
    stats().findings += fast_findings.items().size();
    for (const auto& d : fast_findings.items()) {
      stats().too_long += d.code == make_error_code(errc::value_too_long) ? 1 : 0;
    }
    if (fast_tree != slow_tree || a != b) return m + 1;
  }
  return ic.messages.size();
}

TEST(MessagePlan, LoaderPlansEveryShippedDefinition) {
  for (const auto& d : planned_defs().all()) {
    EXPECT_TRUE(d->planned) << d->file;
    EXPECT_TRUE(d->structure_plan.planned) << d->file;
    // Every node's three-character tag has an id, and no other tag has one.
    for (const node* n : d->nodes) {
      const std::uint16_t id = d->tag_id(pack_tag(n->tag));
      ASSERT_NE(id, content_plan::none) << d->file << " " << n->path;
      EXPECT_LT(id, d->tag_count);
    }
    EXPECT_EQ(d->tag_id(pack_tag("ZZZ")), content_plan::none);
  }
}

TEST(MessagePlan, ChainsListEachTagInContentOrder) {
  for (const auto& d : planned_defs().all()) {
    auto check = [&](const std::vector<node>& content, const content_plan& p) {
      ASSERT_TRUE(p.planned);
      for (std::uint16_t id = 0; id < d->tag_count; ++id) {
        std::vector<std::size_t> chain, scan;
        for (std::size_t j = p.first_by_tag[id]; j != content_plan::none; j = p.next_same_tag[j]) {
          chain.push_back(j);
        }
        for (std::size_t j = 0; j < content.size(); ++j) {
          if (d->tag_id(pack_tag(content[j].tag)) == id) scan.push_back(j);
        }
        EXPECT_EQ(chain, scan) << d->file;
      }
      for (std::size_t k = 0; k <= content.size(); ++k) {
        std::size_t m = k;
        while (m < content.size() && content[m].min == 0) ++m;
        EXPECT_EQ(p.next_mandatory[k], m) << d->file;
      }
    };
    check(d->structure, d->structure_plan);
    for (const node* n : d->nodes) {
      if (n->is_group()) check(n->content, n->plan);
    }
  }
}

// The automaton's transition table (content_plan::step) gives, for every cursor and tag, the
// first node the general search's scan of that level meets (its start: the cursor, 1 inside a
// relaxed group's any-order zone, past a group's trigger), found here by scanning the content
// list; and gate[j] says take_exact exactly for the nodes with a qualifier list, take_direct
// for those without whose tag no node qualifies.
TEST(MessagePlan, StepTableRestatesTheScan) {
  std::size_t offers = 0;
  for (const auto& d : planned_defs().all()) {
    const std::size_t tags = d->tag_count;
    auto check = [&](const std::vector<node>& content, const content_plan& p, bool group,
                     bool relaxed) {
      ASSERT_EQ(p.step.size(), (content.size() + 1) * tags) << d->file;
      ASSERT_EQ(p.gate.size(), content.size()) << d->file;
      std::size_t zone_end = 0;
      if (relaxed) {
        zone_end = content.size();
        for (std::size_t j = 1; j < content.size(); ++j) {
          if (content[j].is_group()) {
            zone_end = j;
            break;
          }
        }
      }
      for (std::size_t c = 0; c <= content.size(); ++c) {
        std::size_t from = c == 0 ? 0 : c - 1;
        if (relaxed && from < zone_end) from = 1;
        if (group && from == 0) from = 1;
        for (std::size_t t = 0; t < tags; ++t) {
          std::size_t want = content_plan::none;
          for (std::size_t j = from; j < content.size(); ++j) {
            if (d->tag_id(pack_tag(content[j].tag)) == t) {
              want = j;
              break;
            }
          }
          EXPECT_EQ(p.step[c * tags + t], want) << d->file << " cursor " << c << " tag " << t;
          offers += want != content_plan::none ? 1 : 0;
        }
      }
      for (std::size_t j = 0; j < content.size(); ++j) {
        const node& n = content[j];
        bool qualified = false;
        for (const node* o : d->nodes) qualified |= o->tag == n.tag && o->qualifiers.present;
        const std::uint8_t want = n.qualifiers.present ? content_plan::take_exact
                                  : qualified          ? content_plan::search
                                                       : content_plan::take_direct;
        EXPECT_EQ(p.gate[j], want) << d->file << " " << n.path;
      }
    };
    check(d->structure, d->structure_plan, false, false);
    for (const node* n : d->nodes) {
      if (n->is_group()) check(n->content, n->plan, true, n->relaxed);
    }
  }
  EXPECT_GT(offers, 1000u);
}

// The compiled clean-segment table (segment_def::clean_slots, clean_limits) says for each
// position what the field plans it is made from say: the same component limits and mandatory
// components for a `fast` field, "full check" (max_components 0) for an undefined position, a
// field without a fast plan or one of more than 64 components.
TEST(MessagePlan, CleanTableRestatesTheFieldPlans) {
  std::size_t fast_positions = 0;
  for (const auto& d : planned_defs().all()) {
    for (const auto& s : d->segments) {
      ASSERT_TRUE(s->planned) << d->file << " " << s->key;
      ASSERT_EQ(s->clean_slots.size(), std::min<std::size_t>(s->position_slots.size(), 64))
          << d->file << " " << s->key;
      for (std::size_t p = 0; p < s->clean_slots.size(); ++p) {
        const segment_def::clean_slot& c = s->clean_slots[p];
        const std::uint16_t k = s->position_slots[p].element;
        if (k == field_def::no_slot || !s->elements[k].fast || s->elements[k].fast_limits.empty() ||
            s->elements[k].fast_limits.size() > 64) {
          EXPECT_EQ(c.max_components, 0u) << d->file << " " << s->key << " position " << p + 1;
          continue;
        }
        const field_def& f = s->elements[k];
        ASSERT_EQ(c.max_components, f.fast_limits.size()) << d->file << " " << s->key;
        EXPECT_EQ(c.mandatory, f.fast_mandatory) << d->file << " " << s->key;
        ASSERT_LE(c.limits + f.fast_limits.size(), s->clean_limits.size());
        const std::vector<std::uint16_t> limits(
            s->clean_limits.begin() + c.limits,
            s->clean_limits.begin() + c.limits + static_cast<std::ptrdiff_t>(c.max_components));
        EXPECT_EQ(limits, f.fast_limits) << d->file << " " << s->key << " position " << p + 1;
        ++fast_positions;
      }
    }
  }
  EXPECT_GT(fast_positions, 100u);
}

// The flat split table (segment_def::split_limits, split_mandatory) restates the clean table:
// the limit plus one (capped) for each component a slot allows, 0 past them, at least one 0
// ending each row, an all-zero last row for the positions past the table.
TEST(MessagePlan, SplitTableRestatesTheCleanTable) {
  std::size_t entries = 0;
  for (const auto& d : planned_defs().all()) {
    for (const auto& s : d->segments) {
      const std::string where = d->file + " " + s->key;
      if (!s->mandatory_mask_complete) {
        EXPECT_EQ(s->split_rows, 0u) << where;
        continue;
      }
      const std::size_t rows = s->clean_slots.size() + 1;
      ASSERT_EQ(s->split_rows, rows) << where;
      std::size_t widest = 0;
      for (const auto& c : s->clean_slots) widest = std::max<std::size_t>(widest, c.max_components);
      ASSERT_EQ(s->split_stride, std::max<std::size_t>(2, widest + 1)) << where;
      ASSERT_EQ(s->split_limits.size(), rows * s->split_stride) << where;
      ASSERT_EQ(s->split_mandatory.size(), rows) << where;
      for (std::size_t r = 0; r < rows; ++r) {
        const bool in_table = r < s->clean_slots.size();
        const segment_def::clean_slot slot =
            in_table ? s->clean_slots[r] : segment_def::clean_slot{};
        EXPECT_EQ(s->split_mandatory[r], slot.mandatory) << where << " row " << r;
        for (std::size_t c = 0; c < s->split_stride; ++c) {
          const std::uint32_t want =
              c < slot.max_components
                  ? std::min<std::uint32_t>(s->clean_limits[slot.limits + c] + 1u, 0xFFFF)
                  : 0;
          EXPECT_EQ(s->split_limits[r * s->split_stride + c], want)
              << where << " row " << r << " component " << c;
          entries += want != 0 ? 1 : 0;
        }
      }
    }
  }
  EXPECT_GT(entries, 200u);
}

// definition::tag_layouts: the layout every node of the tag has, nullptr when they differ.
TEST(MessagePlan, TagLayoutsAreTheLayoutTheTagsNodesShare) {
  std::size_t shared = 0, differing = 0;
  for (const auto& d : planned_defs().all()) {
    ASSERT_EQ(d->tag_layouts.size(), d->tag_count) << d->file;
    for (std::uint16_t t = 0; t < d->tag_count; ++t) {
      std::vector<const segment_def*> seen;
      for (const node* n : d->nodes) {
        if (d->tag_id(pack_tag(n->tag)) == t &&
            std::find(seen.begin(), seen.end(), n->def) == seen.end()) {
          seen.push_back(n->def);
        }
      }
      ASSERT_FALSE(seen.empty()) << d->file;
      EXPECT_EQ(d->tag_layouts[t], seen.size() == 1 ? seen[0] : nullptr) << d->file << " " << t;
      (seen.size() == 1 ? shared : differing) += 1;
    }
  }
  EXPECT_GT(shared, 100u);
  EXPECT_GT(differing, 0u);  // PNRGOV's TVL and TVL/flight
}

TEST(MessagePlan, VectorInputsParseTheSameWithoutPlans) {
  std::size_t messages = 0;
  for (const std::string& text : vector_inputs()) messages += compare(text, "vector");
  EXPECT_GT(messages, 100u);
}

// Random edits of the vector messages: separators, release characters, lengths, qualifiers
// and whole segments moved, repeated or dropped, so that every finding kind and every
// fallback from the plans (undefined positions, over-long values, missing elements and
// components, unknown and misplaced tags, too many repeats) is met many times.
TEST(MessagePlan, MutatedMessagesParseTheSameWithoutPlans) {
  std::vector<std::string> seeds;
  for (std::string& text : vector_inputs()) {
    if (text.find("UNH+") != std::string::npos) seeds.push_back(std::move(text));
  }
  ASSERT_FALSE(seeds.empty());
  std::mt19937 rng(20261128);
  std::size_t messages = 0;
  for (int round = 0; round < 3000; ++round) {
    const std::string text = mutated(seeds[rng() % seeds.size()], rng);
    messages += compare(text, "round " + std::to_string(round));
    if (HasFailure()) break;
  }
  EXPECT_GT(messages, 2000u);
  std::printf("messages %zu, without repetition separator %zu, findings %zu, too long %zu\n",
              stats().messages, stats().without_repetition, stats().findings, stats().too_long);
  // The planned element checks only run without a repetition separator; the edits must reach
  // them, and the fallbacks to the full check.
  EXPECT_GT(stats().without_repetition, 1000u);
  EXPECT_GT(stats().too_long, 100u);
  EXPECT_GT(stats().findings, 5000u);
}

}  // namespace
}  // namespace apipnr::message
