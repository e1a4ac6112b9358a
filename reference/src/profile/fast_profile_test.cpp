// The profile stage's fast clean case (fast_validate.hpp, fast_profile.cpp) against
// profile::validate: whenever the fast path says "nothing to report", validate() reports
// nothing (it must never say clean where validate reports), and for PAXLST and PNRGOV (the
// types the pipeline routes through it) it decides every message validate() passes silently (so it
// cannot quietly stop deciding). Over every EDIFACT vector, random edits of the PAXLST ones
// (message::test_support::mutated) and A.1 variants, for the baseline, us, uk, cn and eu profiles
// and an overlay with the rule shapes the fast path compiles apart.
#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "../message/mutation_test_support.hpp"
#include "apipnr/profile/fast_validate.hpp"
#include "compiled.hpp"
#include "test_support.hpp"

namespace apipnr::profile {
namespace {

using testing::shipped;

struct parsed {
  std::string text;  // the interchange and trees hold views into it
  edifact::interchange ic;
  std::vector<message::message_tree> trees;
};

void parse(std::string text, const profile& prof, parsed& out) {
  out.text = std::move(text);
  diagnostic_list ignored;
  edifact::parser p;
  p.parse(out.text, out.ic, ignored);
  out.trees.resize(out.ic.messages.size());
  for (std::size_t m = 0; m < out.ic.messages.size(); ++m) {
    message::parse_structure(out.ic, m, testing::defs(), ignored, out.trees[m],
                             structure_options_for(prof));
  }
}

// Rule shapes the fast path treats apart: conditions local to the unit (on an element, on a
// segment qualifier, absent), at the message root and at an ancestor unit; group targets with
// predicates (required, count, forbidden); a repeating element; a date against today; an
// accepted rule (never run).
const profile& fast_overlay() {
  static const profile p = [] {
    const auto file = testing::write_file("fast", "ft.json", R"({
      "format_version": 1, "profile": "ft", "extends": "baseline", "title": "Fast path",
      "confidence": "I",
      "rules": [
        {"id": "PROF-FT-001", "applies_to": "PAXLST", "select": "SG4/RFF/@1.2",
         "check": "max_length", "args": {"value": 4}, "severity": "warn",
         "when": [{"select": "SG4/NAD/@1", "in": ["FL", "FM", "DDT", "DDU"]}],
         "text": "Short references.", "confidence": "I"},
        {"id": "PROF-FT-002", "applies_to": "PAXLST", "select": "SG2/SG3[LOC+87|92]",
         "check": "required", "severity": "warn",
         "when": [{"select": "BGM/@1.1", "in": ["745"]}],
         "text": "An arrival.", "confidence": "I"},
        {"id": "PROF-FT-003", "applies_to": "PAXLST", "select": "SG4/LOC[178|179]/@2.1",
         "check": "codes", "args": {"values": ["LHR", "JFK"]}, "severity": "warn",
         "text": "Known airports.", "confidence": "I"},
        {"id": "PROF-FT-004", "applies_to": "PAXLST", "select": "SG4/RFF[AVF|ABO]",
         "check": "count", "args": {"max": 1}, "severity": "warn",
         "when": [{"select": "SG4/RFF", "not_in": ["XYZ"]}],
         "text": "One booking reference.", "confidence": "I"},
        {"id": "PROF-FT-005", "applies_to": "PAXLST", "select": "SG4/NAD/@4.1",
         "check": "pattern", "args": {"regex": "^[A-Z]+$"}, "severity": "warn",
         "when": [{"select": "SG4/NAD/@1", "in": ["FL", "FM", "DDT", "DDU"]},
                  {"select": "SG4/EMP", "present": false}],
         "text": "Plain surnames.", "confidence": "I"},
        {"id": "PROF-FT-006", "applies_to": "PAXLST", "select": "SG4/SG7",
         "check": "count", "args": {"max": 0}, "severity": "warn",
         "when": [{"select": "BGM/@1.1", "not_in": ["999"]}],
         "text": "No onward flights.", "confidence": "I"},
        {"id": "PROF-FT-007", "applies_to": "PAXLST", "select": "SG4/SG5/DOC/@2.1",
         "check": "required", "severity": "warn",
         "when": [{"select": "SG4/SG5/DTM", "in": ["36"]}],
         "text": "Number with an expiry.", "confidence": "I"},
        {"id": "PROF-FT-008", "applies_to": "PAXLST", "select": "SG4/SG5/DOC/@1.1",
         "check": "codes", "args": {"values": ["P"]}, "severity": "warn",
         "when": [{"select": "SG4/NAD/@1", "in": ["FM"]}],
         "text": "Crew carry passports.", "confidence": "I"},
        {"id": "PROF-FT-009", "applies_to": "PAXLST", "select": "SG4/ATT/@3.1",
         "check": "codes", "args": {"values": ["M"]}, "severity": "accept",
         "text": "Accepted finding.", "confidence": "I"},
        {"id": "PROF-FT-010", "applies_to": "PAXLST", "select": "SG1/COM/@1.1",
         "check": "max_length", "args": {"value": 5}, "severity": "warn",
         "text": "Short numbers.", "confidence": "I"},
        {"id": "PROF-FT-011", "applies_to": "PAXLST", "select": "SG4/DTM[329]/@1.2",
         "check": "date_relation", "severity": "warn",
         "args": {"format": "YYMMDD", "century": "past", "relation": "<", "compare_to": "today"},
         "text": "Born before today.", "confidence": "I"},
        {"id": "PROF-FT-012", "applies_to": "PAXLST", "select": "SG4/SG5",
         "check": "forbidden", "severity": "warn",
         "when": [{"select": "SG4/NAD/@1", "in": ["DDU"]}],
         "text": "No documents for DDU.", "confidence": "I"},
        {"id": "PROF-FT-013", "applies_to": "PAXLST", "select": "SG2/SG3",
         "check": "count", "args": {"even": true}, "severity": "warn",
         "text": "Legs in pairs.", "confidence": "I"}
      ]})");
    load_options o;
    o.search_path.push_back(testing::profiles_dir());
    return load_profile(file, testing::defs(), o).value();
  }();
  return p;
}

std::vector<const profile*> profiles() {
  std::vector<const profile*> out;
  for (const char* name : {"baseline", "us", "uk", "cn", "eu"}) out.push_back(&shipped(name));
  out.push_back(&fast_overlay());
  return out;
}

struct tally {
  std::size_t messages = 0;
  std::size_t clean = 0;     // fast path said clean (validate then silent)
  std::size_t reported = 0;  // validate reported
  ~tally() {
    std::printf("[ tally    ] %zu messages: %zu decided clean, %zu with findings\n", messages,
                clean, reported);
  }
};

// Every message of `text` under `prof`: fast clean implies validate silent; a PAXLST or PNRGOV
// message validate passes silently is decided clean by the fast path.
void compare(const std::string& text, const profile& prof, const std::string& what, tally& t) {
  parsed in;
  parse(text, prof, in);
  validate_options opt;
  opt.today = model::calendar_date{2026, 1, 15};
  for (std::size_t m = 0; m < in.trees.size(); ++m) {
    diagnostic_list found;
    validate(in.ic, m, in.trees[m], prof, found, opt);
    const bool clean = fast_validate(in.ic, m, in.trees[m], prof, opt);
    ++t.messages;
    t.clean += clean ? 1 : 0;
    t.reported += found.empty() ? 0 : 1;
    if (clean) {
      ASSERT_TRUE(found.empty()) << what << " message " << m << " under " << prof.name()
                                 << ": fast path clean, validate reports "
                                 << found.items().front().detail;
    }
    const std::string_view type = in.ic.messages[m].type;
    if (found.empty() && (type == "PAXLST" || type == "PNRGOV")) {
      EXPECT_TRUE(clean) << what << " message " << m << " under " << prof.name()
                         << ": validate silent, fast path gave up";
    }
  }
}

std::vector<std::filesystem::path> edifact_vectors() {
  std::vector<std::filesystem::path> out;
  const auto root = testing::source_dir() / "vectors";
  for (const auto& e : std::filesystem::recursive_directory_iterator(root)) {
    if (e.is_regular_file() && e.path().extension() == ".edi") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string slurp(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  return std::string{std::istreambuf_iterator<char>(f), {}};
}

TEST(FastProfile, ShippedPaxlstDefinitionsCompile) {
  std::size_t defs = 0;
  for (const profile* prof : profiles()) {
    for (const auto& [def, fd] : prof->compiled().fast) {
      if (def->message != "PAXLST") continue;
      EXPECT_TRUE(fd.usable) << prof->name() << " " << def->file;
      EXPECT_FALSE(fd.programs.empty());
      ++defs;
    }
  }
  EXPECT_GE(defs, 6u * 3u);
}

// fast_walk::segment() steps an op pointer through a node's stream until its `end` op and
// jumps by `skip` distances without a bound check: every stream must end with exactly one
// `end`, and every jump must land inside its own node's stream (at the latest on its `end`).
TEST(FastProfile, OpStreamsEndEveryNodeAndSkipInsideIt) {
  using code = detail::fast_op::code;
  std::size_t streams = 0;
  for (const profile* prof : profiles()) {
    for (const auto& [def, fd] : prof->compiled().fast) {
      for (const detail::fast_program& p : fd.programs) {
        ASSERT_EQ(p.op_first.size(), def->nodes.size() + 1) << prof->name();
        ASSERT_EQ(p.op_first.back(), p.ops.size());
        for (std::size_t k = 0; k + 1 < p.op_first.size(); ++k) {
          const std::size_t first = p.op_first[k];
          const std::size_t end = p.op_first[k + 1];
          ASSERT_LT(first, end) << prof->name() << " node " << k;
          EXPECT_EQ(p.ops[end - 1].op, code::end) << prof->name() << " node " << k;
          for (std::size_t x = first; x + 1 < end; ++x) {
            const detail::fast_op& o = p.ops[x];
            EXPECT_NE(o.op, code::end) << prof->name() << " node " << k << " op " << x;
            if (o.op == code::pred || o.op == code::read || o.op == code::read_repeated) {
              EXPECT_GE(o.skip, 1u) << prof->name() << " node " << k << " op " << x;
              EXPECT_LE(x + o.skip, end - 1) << prof->name() << " node " << k << " op " << x;
            }
            if (o.op == code::read || o.op == code::read_repeated) {
              EXPECT_EQ(o.op == code::read_repeated, o.repeats) << prof->name() << " op " << x;
            }
          }
          ++streams;
        }
      }
    }
  }
  EXPECT_GT(streams, 1000u);
}

TEST(FastProfile, NeverCleanWhereValidateReportsOnTheVectorCorpus) {
  tally t;
  const auto files = edifact_vectors();
  ASSERT_GT(files.size(), 200u);
  for (const auto& f : files) {
    // The 100,000-traveller file alone would take most of the test's time (six profiles, both
    // paths); the pipeline's differential test and the output identity check cover it.
    if (std::filesystem::file_size(f) > 256 * 1024) continue;
    const std::string text = slurp(f);
    for (const profile* prof : profiles()) {
      compare(text, *prof, f.string(), t);
      if (::testing::Test::HasFatalFailure()) return;
    }
  }
  EXPECT_GT(t.clean, 500u);
  EXPECT_GT(t.reported, 500u);
}

TEST(FastProfile, NeverCleanWhereValidateReportsOnMutatedMessages) {
  std::vector<std::string> paxlst;
  for (const auto& f : edifact_vectors()) {
    if (std::filesystem::file_size(f) > 64 * 1024) continue;
    std::string text = slurp(f);
    if (text.find("PAXLST") != std::string::npos) paxlst.push_back(std::move(text));
  }
  ASSERT_GT(paxlst.size(), 100u);
  std::mt19937 rng(20261128);
  tally t;
  for (int round = 0; round < 1500; ++round) {
    const std::string text = message::test_support::mutated(paxlst[rng() % paxlst.size()], rng);
    for (const profile* prof : profiles()) {
      compare(text, *prof, "mutated round " + std::to_string(round), t);
      if (::testing::Test::HasFatalFailure()) return;
    }
  }
  EXPECT_GT(t.clean, 1000u);
  EXPECT_GT(t.reported, 1000u);
}

TEST(FastProfile, NeverCleanWhereValidateReportsOnAnnexVariants) {
  // A.1 with each message segment removed, doubled or given odd values, and extra travellers
  // (conditions that hold and fail, release characters, repeated targets).
  const std::string text(testing::a1);
  std::vector<std::string> segs;
  for (std::size_t at = text.find("BGM+"); at < text.find("UNT+");) {
    const std::size_t end = text.find('\n', at);
    segs.push_back(text.substr(at, end + 1 - at));
    at = end + 1;
  }
  tally t;
  for (const std::string& s : segs) {
    const std::string tag = s.substr(0, 4);
    for (const std::string& to : {std::string(), s + s, tag + "V:?+X?:Y+ZZZZZZ'\n",
                                  tag + "FL+++A:B'\n" + s, s + "NAD+FM+++O?'CONNOR'\n"}) {
      for (const profile* prof : profiles()) {
        compare(testing::a1_with(s, to), *prof, "A.1 with '" + s + "' -> '" + to + "'", t);
        if (::testing::Test::HasFatalFailure()) return;
      }
    }
  }
  const std::string sg4 = text.substr(text.find("NAD+FL"), text.find("CNT+") - text.find("NAD+FL"));
  const std::string sg5 = text.substr(text.find("DOC+"), text.find("CNT+") - text.find("DOC+"));
  for (const std::string& extra : {sg4, sg4 + sg5, sg5 + sg4, "NAD+DDU+++X'\nEMP+1+CR1'\n" + sg5,
                                   "NAD+FM+++X'\nRFF+AVF:A'\nRFF+ABO:B'\nRFF+ABO:C'\n" + sg5}) {
    for (const profile* prof : profiles()) {
      compare(testing::a1_with("CNT+42:1'", extra + "CNT+42:2'"), *prof, "A.1 plus " + extra, t);
      if (::testing::Test::HasFatalFailure()) return;
    }
  }
  EXPECT_GT(t.clean, 50u);
  EXPECT_GT(t.reported, 50u);
}

// Facts of the message root (conditions on BGM) are found together, in one scan for all of
// them, when the first is asked. A.1's flight number fails BASE-PAXLST-018's MCL pattern, so its
// BGM condition is asked first in every message below; a traveller without documents, a second
// traveller and a missing flight status (BGM 0373 for 266/336) then ask the others
// (BASE-PAXLST-004, -050, -058, -059) later in the same message: the answers found in the shared
// scan must be those each would have found alone.
TEST(FastProfile, RootFactsFoundTogetherAnswerEveryCondition) {
  const std::string text(testing::a1);
  const std::string sg4 = text.substr(text.find("NAD+FL"), text.find("DOC+") - text.find("NAD+FL"));
  const std::string sg5 = text.substr(text.find("DOC+"), text.find("CNT+") - text.find("DOC+"));
  tally t;
  for (const char* bgm : {"745", "655", "266", "336", "250", "266+CLOB", "655+CLOB"}) {
    for (const char* tdt : {"XX123", "XX12MCL"}) {
      for (const std::string& extra : {std::string(), sg4, sg4 + sg5}) {
        std::string msg = testing::a1_with("BGM+745'", std::string("BGM+") + bgm + "'");
        const auto at = msg.find("TDT+20+XX123");
        msg.replace(at, 12, std::string("TDT+20+") + tdt);
        const auto cnt = msg.find("CNT+42:1'");
        msg.replace(cnt, 9, extra + "CNT+42:" + (extra.empty() ? "1'" : "2'"));
        // UNT's count: A.1 has 23 segments.
        const std::size_t added =
            static_cast<std::size_t>(std::count(extra.begin(), extra.end(), '\n'));
        const auto unt = msg.find("UNT+23+");
        msg.replace(unt, 6, "UNT+" + std::to_string(23 + added));
        for (const profile* prof : profiles()) {
          compare(msg, *prof,
                  std::string("A.1, BGM ") + bgm + ", TDT " + tdt + ", plus '" + extra + "'", t);
          if (::testing::Test::HasFatalFailure()) return;
        }
      }
    }
  }
  EXPECT_GT(t.clean, 10u);
  EXPECT_GT(t.reported, 10u);
}

}  // namespace
}  // namespace apipnr::profile
