// The structure walk's fast path (fast_structure.hpp) against parse_structure: over every
// vector message and thousands of random mutations of them (the edits MessagePlan.* makes),
// whenever the fast path says it decided, parse_structure must report nothing, return no
// error and build the same tree, entry for entry and offset for offset; and the fast path must
// decide for the clean messages and give up on the others, so that neither side is vacuous.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "apipnr/edifact/parser.hpp"
#include "apipnr/message/definitions.hpp"
#include "apipnr/message/fast_structure.hpp"
#include "apipnr/message/tree.hpp"
#include "element_probe_internal.hpp"
#include "index_internal.hpp"
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
// definitions), and every segment's split entry for entry (the fast walk shares the entries of
// segments of one shape, so the indexes themselves differ).
std::string difference(const message_tree& a, const message_tree& b) {
  if (a.source != b.source || a.def != b.def || a.message_index != b.message_index ||
      a.first_segment != b.first_segment) {
    return "header";
  }
  if (a.segments.size() != b.segments.size()) return "segment count";
  for (std::size_t i = 0; i < a.segments.size(); ++i) {
    const segment_entry& x = a.segments[i];
    const segment_entry& y = b.segments[i];
    if (x.matched != y.matched || x.instance != y.instance || !a.same_split(i, b, i)) {
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

// The split that checks as it goes (element_indexer::add_checked) against add() and the
// clean-segment test on the index add() wrote (clean_positions, as structure_parser::clean
// runs it): the same index, entry for entry, and the same verdict, for `layout` whatever tag
// the segment has (a layout of another tag fails in many ways).
struct split_tally {
  std::size_t clean = 0, not_clean = 0, recorded = 0;
};

bool same_split(const edifact::segment& seg, const edifact::delimiters& d,
                const segment_def& layout, split_tally& t) {
  const detail::element_indexer indexer(d);
  basic_offset_array<std::uint16_t> plain, checked;
  plain.push_back(7);  // the segment's entries start past 0, as in a message
  checked.push_back(7);
  segment_entry a, b;
  indexer.add(plain, seg, a);
  const bool verdict = indexer.add_checked(checked, seg, b, layout);
  bool want = false;
  if (a.first_element != no_element_index) {
    const std::uint16_t* x = plain.data() + a.first_element;
    want = detail::clean_positions(layout, x[0], x + 1, x + x[0] + 2);
  }
  (want ? t.clean : t.not_clean) += 1;
  EXPECT_EQ(a.first_element, b.first_element) << layout.key << " " << seg.body();
  EXPECT_TRUE(plain == checked) << layout.key << " " << seg.body();
  EXPECT_EQ(verdict, want) << layout.key << " " << seg.tag() << seg.body();
  bool same = verdict == want && plain == checked && a.first_element == b.first_element;
  if (seg.separators != 0) {
    // The split from the separators the tokenizer recorded: the same index and verdict.
    ++t.recorded;
    basic_offset_array<std::uint16_t> from_bits, checked_bits;
    from_bits.push_back(7);
    checked_bits.push_back(7);
    segment_entry c, g;
    indexer.add_recorded(from_bits, seg, c);
    const bool verdict_bits = indexer.add_checked_recorded(checked_bits, seg, g, layout);
    EXPECT_TRUE(plain == from_bits && a.first_element == c.first_element)
        << layout.key << " " << seg.body();
    EXPECT_TRUE(plain == checked_bits && a.first_element == g.first_element)
        << layout.key << " " << seg.body();
    EXPECT_EQ(verdict_bits, want) << layout.key << " " << seg.tag() << seg.body();
    same = same && plain == from_bits && plain == checked_bits && verdict_bits == want &&
           a.first_element == c.first_element && a.first_element == g.first_element;
  }
  return same;
}

// segment::separators as the tokenizer records them (interchange.hpp): the separators of a
// body shorter than 64 bytes without a release character; 0 for any other body.
std::uint64_t separator_bits(std::string_view body, const edifact::delimiters& d) {
  if (body.empty() || body.size() >= 64 || body.front() != d.element) return 0;
  std::uint64_t bits = 0;
  for (std::size_t k = 0; k < body.size(); ++k) {
    if (d.has_release && body[k] == d.release) return 0;
    if (body[k] == d.element || body[k] == d.component) bits |= std::uint64_t{1} << k;
  }
  return bits;
}

// Every segment of the vector messages and of mutated ones, against every layout of the
// message's definition.
TEST(FastStructure, CheckedSplitMatchesTheSplitAndTheCleanTest) {
  std::vector<std::string> inputs = vector_inputs();
  std::vector<std::string> seeds;
  for (const std::string& text : inputs) {
    if (text.find("UNH+") != std::string::npos) seeds.push_back(text);
  }
  ASSERT_FALSE(seeds.empty());
  std::mt19937 rng(20261128);
  for (int round = 0; round < 1500; ++round) {
    inputs.push_back(mutated(seeds[rng() % seeds.size()], rng));
  }
  split_tally t;
  std::size_t layouts = 0;
  for (const std::string& text : inputs) {
    edifact::interchange ic;
    diagnostic_list syntax;
    edifact::parser p;
    (void)p.parse(text, ic, syntax);
    for (const edifact::message_view& mv : ic.messages) {
      const definition* def = defs().find(mv.type, mv.version, mv.release, mv.agency);
      if (def == nullptr) continue;
      for (std::size_t i = mv.unh; i <= mv.unt && i < ic.segments.size(); ++i) {
        for (const auto& layout : def->segments) {
          if (layout->split_rows == 0) continue;
          ++layouts;
          if (!same_split(ic.segments[i], ic.delims, *layout, t)) {
            FAIL() << text;
          }
        }
      }
    }
  }
  std::printf("segment x layout pairs %zu: clean %zu, not clean %zu, recorded %zu\n", layouts,
              t.clean, t.not_clean, t.recorded);
  EXPECT_GT(t.clean, 10000u);
  EXPECT_GT(t.not_clean, 100000u);
  EXPECT_GT(t.recorded, layouts / 2);
}

// Three hand-made layouts: one with every kind of position (mandatory simple element,
// composites with mandatory, undefined, typed and unformatted components, an element outside
// the profile, gaps), one with nothing mandatory and one with no element.
std::vector<segment_def> test_layouts() {
  auto simple = [](std::uint16_t pos, char_class type, std::uint16_t length, bool mandatory) {
    field_def f;
    f.pos = pos;
    f.id = "E" + std::to_string(pos);
    f.format = {type, length, false};
    f.status = mandatory ? status::mandatory : status::conditional;
    return f;
  };
  std::vector<segment_def> layouts(3);
  {
    segment_def& s = layouts[0];
    s.key = s.tag = "TST";
    s.elements.push_back(simple(1, char_class::an, 3, true));
    field_def c = simple(2, char_class::none, 0, false);
    c.components.push_back(simple(1, char_class::an, 2, true));
    c.components.push_back(simple(3, char_class::n, 4, false));
    c.components.push_back(simple(4, char_class::none, 0, false));
    s.elements.push_back(c);
    field_def out = simple(4, char_class::an, 1, false);
    out.in_profile = false;
    s.elements.push_back(out);
    s.elements.push_back(simple(6, char_class::a, 5, false));
    field_def c2 = simple(7, char_class::none, 0, false);
    c2.components.push_back(simple(1, char_class::an, 1, false));
    c2.components.push_back(simple(2, char_class::an, 5, true));
    s.elements.push_back(c2);
    s.elements.push_back(simple(8, char_class::none, 0, false));
  }
  {
    segment_def& s = layouts[1];  // nothing mandatory
    s.key = s.tag = "OPT";
    s.elements.push_back(simple(1, char_class::an, 4, false));
    s.elements.push_back(simple(3, char_class::an, 2, false));
  }
  layouts[2].key = layouts[2].tag = "NON";  // no element at all
  for (segment_def& s : layouts) s.plan();
  return layouts;
}

// A layout with every kind of position (mandatory simple element, composites with mandatory,
// undefined, typed and unformatted components, an element outside the profile, gaps) against
// random bodies: up to 70 elements (past the table's 64), up to 4 components, values up to 7
// bytes, released separators and a dangling release character.
TEST(FastStructure, CheckedSplitMatchesTheCleanTestOnRandomBodies) {
  std::vector<segment_def> layouts = test_layouts();
  for (const segment_def& s : layouts) ASSERT_NE(s.split_rows, 0u) << s.key;
  const edifact::delimiters d;
  std::mt19937 rng(7);
  split_tally t;
  for (int round = 0; round < 60000; ++round) {
    std::string body;
    if (rng() % 16 != 0) {
      const int elements =
          rng() % 8 == 0 ? static_cast<int>(rng() % 71) : static_cast<int>(rng() % 9);
      for (int e = 0; e < elements; ++e) {
        body += '+';
        const int components = rng() % 4 == 0 ? 1 + static_cast<int>(rng() % 4) : 1;
        for (int c = 0; c < components; ++c) {
          if (c > 0) body += ':';
          const int len = rng() % 3 == 0 ? 0 : static_cast<int>(rng() % 8);
          for (int k = 0; k < len; ++k) {
            const auto pick = static_cast<unsigned>(rng() % 24);
            body += pick == 0   ? std::string("?+")
                    : pick == 1 ? std::string("?:")
                                : std::string("A");
          }
        }
      }
      if (rng() % 32 == 0) body += '?';
    } else if (rng() % 2 == 0) {
      body = "A+B";  // no leading element separator: no elements
    }
    const std::string whole = "TST" + body;
    const edifact::segment seg(std::string_view(whole).substr(0, 3),
                               std::string_view(whole).substr(3), 0, 0, false,
                               separator_bits(body, d));
    for (const segment_def& s : layouts) {
      if (!same_split(seg, d, s, t)) FAIL() << s.key << " " << body;
    }
  }
  std::printf("bodies x layouts: clean %zu, not clean %zu, recorded %zu\n", t.clean, t.not_clean,
              t.recorded);
  EXPECT_GT(t.clean, 20000u);
  EXPECT_GT(t.not_clean, 50000u);
  EXPECT_GT(t.recorded, 20000u);
}

// The memo of checked splits (element_indexer::add_checked_memo) against the checked split of
// the recorded separators: the same index entries and the same verdict, segment after segment
// into one index as the walk writes it. The bodies come from a few shapes with random letters,
// so most of them repeat a remembered length and separators, and many repeat the separators
// with the other kinds (A:B against A+B); three tags take turns on the three layouts, which
// change places with each message stamp.
TEST(FastStructure, MemoSplitMatchesTheCheckedSplit) {
  const std::vector<segment_def> layouts = test_layouts();
  const edifact::delimiters d;
  const detail::element_indexer indexer(d);
  std::mt19937 rng(14);
  std::vector<std::string> bodies;
  for (int round = 0; round < 20000; ++round) {
    std::string body;
    const int elements = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < elements; ++e) {
      body += '+';
      const int components = rng() % 3 == 0 ? 1 + static_cast<int>(rng() % 3) : 1;
      for (int c = 0; c < components; ++c) {
        if (c > 0) body += ':';
        const int len = static_cast<int>(rng() % 4);
        for (int k = 0; k < len; ++k) body += static_cast<char>('A' + rng() % 3);
      }
    }
    // The same separators with the kinds swapped, next to each other.
    if (rng() % 4 == 0) {
      std::string swapped = body;
      for (std::size_t k = 1; k < swapped.size(); ++k) {
        if (swapped[k] == '+' && rng() % 2 == 0) {
          swapped[k] = ':';
        } else if (swapped[k] == ':' && rng() % 2 == 0) {
          swapped[k] = '+';
        }
      }
      bodies.push_back(body);
      body = swapped;
    }
    bodies.push_back(body);
  }
  // One text holding every body, as the interchange does: the memo reads 32 bytes at a time
  // while the text has them and byte by byte near its end.
  std::string text;
  std::vector<std::pair<std::size_t, std::size_t>> at;
  for (const std::string& b : bodies) {
    text += "TST";
    at.emplace_back(text.size(), b.size());
    text += b;
    text += '\'';
  }
  const char* const text_end = text.data() + text.size();
  std::vector<detail::split_memo> memos(detail::split_memo_slots);
  basic_offset_array<std::uint16_t> want, got;
  want.push_back(7);  // the entries of the first segment start past 0, as in a message
  got.push_back(7);
  std::size_t clean = 0, repeats = 0, swapped_kinds = 0, shared = 0;
  std::size_t written = got.size();  // the index's size before the segment
  for (std::uint64_t stamp = 1; stamp <= 3; ++stamp) {
    // (tag, length, separators) -> element separators seen in this stamp.
    std::map<std::tuple<int, std::size_t, std::uint64_t>, std::uint64_t> seen;
    for (std::size_t b = 0; b < bodies.size(); ++b) {
      const std::string_view body = std::string_view(text).substr(at[b].first, at[b].second);
      const edifact::segment seg(std::string_view(text).substr(at[b].first - 3, 3), body, 0, 0,
                                 false, separator_bits(body, d));
      ASSERT_NE(seg.separators, 0u) << seg.body();
      const int tag = static_cast<int>(b % 3);
      const segment_def& layout = layouts[(static_cast<std::size_t>(tag) + stamp) % 3];
      segment_entry a, g;
      const bool verdict = indexer.add_checked_recorded(want, seg, a, layout);
      const bool memo_verdict = indexer.add_checked_memo(
          got, seg, g, layout, static_cast<std::uint16_t>(tag), memos.data(), stamp, text_end);
      ASSERT_EQ(verdict, memo_verdict)
          << "stamp " << stamp << " " << layout.key << " " << seg.body();
      // The same entries, written once per shape: g may point at an earlier segment's.
      ASSERT_NE(g.first_element, no_element_index) << seg.body();
      const std::uint16_t* x = want.data() + a.first_element;
      const std::uint16_t* y = got.data() + g.first_element;
      const std::size_t words = x[0] == 0 ? 3 : x[0] + 2u + x[x[0] + 1] + 1u;
      ASSERT_LE(g.first_element + words, got.size()) << seg.body();
      ASSERT_TRUE(std::equal(x, x + words, y))
          << "stamp " << stamp << " " << layout.key << " " << seg.body();
      shared += g.first_element + words <= written ? 1 : 0;
      written = got.size();
      clean += verdict ? 1 : 0;
      std::uint64_t elems = 0;
      for (std::size_t k = 1; k < seg.body().size(); ++k) {
        if (seg.body()[k] == '+') elems |= std::uint64_t{1} << (k - 1);
      }
      const auto [it, fresh] =
          seen.try_emplace(std::make_tuple(tag, seg.body().size(), seg.separators), elems);
      if (!fresh) {
        ++repeats;
        if (it->second != elems) ++swapped_kinds;
        it->second = elems;
      }
    }
  }
  std::printf(
      "segments %zu: clean %zu, shape repeats %zu, of them with other kinds %zu, shared %zu\n",
      3 * bodies.size(), clean, repeats, swapped_kinds, shared);
  EXPECT_GT(clean, 5000u);
  EXPECT_GT(repeats, 30000u);
  EXPECT_GT(swapped_kinds, 5000u);
  EXPECT_GT(shared, 5000u);  // hits point at earlier entries and write none
}

// Messages long enough for the memo (fast_structure.cpp, memo_from_segments), built from
// Appendix A.1 with 40 travellers each: values of other lengths, separators of the other kind
// at the same places (DOC+P+110:111, DTM+329+850412, ATT+2:+F, NAT+2:IRL), values too long,
// and random edits (MutatedMessages') on top. Whenever the fast walk decides, parse_structure
// builds the same tree and reports nothing; the messages with only clean variations are all
// decided.
TEST(FastStructure, LongMessagesThroughTheSplitMemoBuildTheSameTreeOrGiveUp) {
  const std::string a1 = read(std::string(APIPNR_SOURCE_DIR) +
                              "/vectors/edifact/messages/paxlst/y_a1_one_passenger.edi");
  const std::size_t from = a1.find("NAD+FL");
  const std::size_t to = a1.find("CNT+");
  ASSERT_NE(from, std::string::npos);
  ASSERT_NE(to, std::string::npos);
  const std::string head = a1.substr(0, from);
  const std::string traveller = a1.substr(from, to - from);
  const std::string rest = a1.substr(to);
  struct edit {
    std::string_view from, to;
    bool clean;  // the message stays clean with it
  };
  const std::vector<edit> edits = {
      {"LOC+178+LHR", "LOC+178+CDG", true},
      {"RFF+AVF:ABC123", "RFF+AVF:ABC1", true},
      {"DTM+36:300101", "DTM+36:20300101", true},
      {"RFF+ABO:0001", "RFF+ABO:00001234", true},
      {"DOC+P:110:111+PA1234567", "DOC+P:110:111+PA12", true},
      {"DOC+P:110:111+", "DOC+P+110:111+", false},
      {"DTM+329:850412", "DTM+329+850412", false},
      {"ATT+2++F", "ATT+2:+F", false},
      {"NAT+2+IRL", "NAT+2:IRL", false},
      {"LOC+91+IRL", "LOC+91+IRLANDIRLANDIRLANDIRLANDIRLAND", false},
  };
  std::mt19937 rng(29);
  tally t;
  std::size_t clean_messages = 0, clean_decided = 0;
  for (int round = 0; round < 300; ++round) {
    std::string text = head;
    bool clean = true;
    for (int k = 0; k < 40; ++k) {
      std::string tr = traveller;
      if (rng() % 3 == 0) {
        const edit& x = edits[rng() % edits.size()];
        const std::size_t where = tr.find(x.from);
        ASSERT_NE(where, std::string::npos) << x.from;
        // Edits that break the shape only in every fourth message: the others stay clean.
        if (x.clean || round % 4 == 0) {
          tr.replace(where, x.from.size(), x.to);
          clean = clean && x.clean;
        }
      }
      text += tr;
    }
    text += rest;
    const bool edited = round % 5 == 4;
    if (edited) text = mutated(text, rng);
    tally one;
    if (!compare(text, "round " + std::to_string(round), one)) FAIL();
    if (clean && !edited) {
      ++clean_messages;
      clean_decided += one.decided;
    }
    t.messages += one.messages;
    t.decided += one.decided;
    t.gave_up_with_findings += one.gave_up_with_findings;
  }
  std::printf("messages %zu, decided %zu, gave up with findings %zu; clean %zu, decided %zu\n",
              t.messages, t.decided, t.gave_up_with_findings, clean_messages, clean_decided);
  EXPECT_GT(clean_messages, 100u);
  EXPECT_EQ(clean_decided, clean_messages);
  EXPECT_GT(t.gave_up_with_findings, 30u);
}

// The walk keeps a reused tree's segment entries and overwrites them in place (no clear(), so
// no value-initialisation of 240,016 entries per 20k-traveller message): whatever the tree
// held before, junk included, a decided walk leaves exactly parse_structure's tree. Messages
// of every size in turn (vectors, and long ones through the split memo), the tree filled with
// junk entries of a random count before each.
TEST(FastStructure, AReusedTreeIsOverwrittenEntryForEntry) {
  const std::string a1 = read(std::string(APIPNR_SOURCE_DIR) +
                              "/vectors/edifact/messages/paxlst/y_a1_one_passenger.edi");
  const std::size_t from = a1.find("NAD+FL");
  const std::size_t to = a1.find("CNT+");
  ASSERT_NE(from, std::string::npos);
  ASSERT_NE(to, std::string::npos);
  std::mt19937 rng(15);
  std::vector<std::string> texts = vector_inputs();
  for (int k = 0; k < 12; ++k) {
    std::string text = a1.substr(0, from);
    const auto travellers = static_cast<std::uint32_t>(1 + rng() % 60);
    for (std::uint32_t j = 0; j < travellers; ++j) text += a1.substr(from, to - from);
    texts.push_back(text + a1.substr(to));
  }
  std::shuffle(texts.begin(), texts.end(), rng);
  const auto* junk_seg = reinterpret_cast<const edifact::segment*>(std::uintptr_t{0x40});
  const auto* junk_node = reinterpret_cast<const node*>(std::uintptr_t{0x80});
  message_tree fast;
  std::size_t decided = 0, long_decided = 0;
  for (const std::string& text : texts) {
    edifact::interchange ic;
    diagnostic_list syntax;
    (void)edifact::parser().parse(text, ic, syntax);
    for (std::size_t m = 0; m < ic.messages.size(); ++m) {
      const edifact::message_view& mv = ic.messages[m];
      const definition* def = defs().find(mv.type, mv.version, mv.release, mv.agency);
      if (def == nullptr) continue;
      if (rng() % 2 == 0) {
        fast.segments.resize(rng() % 800);
        fast.first_segment = junk_seg;
        for (segment_entry& e : fast.segments) e = segment_entry{junk_node, 77, 99};
      }
      message_tree slow;
      diagnostic_list found;
      (void)parse_structure(ic, m, *def, found, slow);
      if (!fast_parse_structure(ic, m, *def, fast)) continue;
      ++decided;
      long_decided += slow.segments.size() >= 128 ? 1 : 0;
      ASSERT_EQ(difference(fast, slow), "") << text;
    }
  }
  EXPECT_GT(decided, 100u);
  EXPECT_GE(long_decided, 8u);
}

}  // namespace
}  // namespace apipnr::message
