// Unit programs (compiled.hpp, program.cpp): their shape for the shipped profiles, and the
// differential check that they report exactly what rule-by-rule evaluation reports (same
// findings, same order, same text and positions) over the vector corpus, mutated messages and
// an overlay that exercises the cases the programs treat apart.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "compiled.hpp"
#include "test_support.hpp"

namespace apipnr::profile {
namespace {

using testing::a1;
using testing::a1_with;
using testing::shipped;

// One line per finding, every field that reaches a report.
std::vector<std::string> lines(const diagnostic_list& l) {
  std::vector<std::string> out;
  for (const diagnostic& d : l.items()) {
    std::ostringstream s;
    s << d.code.value() << ' ' << d.id << ' ' << d.requirement << ' ' << static_cast<int>(d.level)
      << ' ' << static_cast<int>(d.where) << ' ' << d.syntax_error << " @" << d.pos.offset << '/'
      << d.pos.segment << '/' << d.pos.message_segment << '/' << d.pos.element << '/'
      << d.pos.component << '/' << d.pos.repetition << ' ' << d.detail;
    out.push_back(s.str());
  }
  return out;
}

struct parsed {
  std::string text;  // the interchange and trees hold views into it
  edifact::interchange ic;
  std::vector<message::message_tree> trees;
};

// Parses `text` and builds the tree of each message (definitions chosen from the UNH).
void parse(std::string text, parsed& out) {
  out.text = std::move(text);
  diagnostic_list ignored;
  edifact::parser p;
  p.parse(out.text, out.ic, ignored);
  out.trees.resize(out.ic.messages.size());
  for (std::size_t m = 0; m < out.ic.messages.size(); ++m) {
    message::parse_structure(out.ic, m, testing::defs(), ignored, out.trees[m]);
  }
}

// Findings of both evaluations of every message of `text` under `prof`.
struct both {
  std::vector<std::string> programs;
  std::vector<std::string> rule_by_rule;
};
both evaluate(const parsed& in, const profile& prof, bool report_accepted) {
  validate_options opt;
  opt.today = model::calendar_date{2025, 3, 1};
  opt.report_accepted = report_accepted;
  both out;
  for (const message::message_tree& tree : in.trees) {
    diagnostic_list a;
    diagnostic_list b;
    detail::evaluate_rules(in.ic, tree, prof, a, opt, true);
    detail::evaluate_rules(in.ic, tree, prof, b, opt, false);
    const auto la = lines(a);
    const auto lb = lines(b);
    out.programs.insert(out.programs.end(), la.begin(), la.end());
    out.rule_by_rule.insert(out.rule_by_rule.end(), lb.begin(), lb.end());
  }
  return out;
}

// An overlay whose rules hit what the programs treat apart: element repeats (COM), segment and
// group predicates with several values, conditions local to the unit (on an element, on a
// segment, on a child group), conditions below the unit and at the message root, a condition
// shared with baseline rules, an `equals` with another path, accepted rules, paths that are
// usually absent.
const profile& program_overlay() {
  static const profile p = [] {
    const auto file = testing::write_file("program", "pt.json", R"({
      "format_version": 1, "profile": "pt", "extends": "baseline", "title": "Programs",
      "confidence": "I",
      "rules": [
        {"id": "PROF-PT-001", "applies_to": "PAXLST", "select": "SG1/COM/@1.1",
         "check": "max_length", "args": {"value": 5}, "severity": "warn",
         "text": "Short numbers.", "confidence": "I"},
        {"id": "PROF-PT-002", "applies_to": "PAXLST", "select": "SG4/RFF/@1.2",
         "check": "max_length", "args": {"value": 4}, "severity": "warn",
         "when": [{"select": "SG4/NAD/@1", "in": ["FL", "FM", "DDT", "DDU"]}],
         "text": "Short references.", "confidence": "I"},
        {"id": "PROF-PT-003", "applies_to": "PAXLST", "select": "SG4/SG5",
         "check": "forbidden", "severity": "warn",
         "when": [{"select": "SG4/SG5/DOC/@1.1", "in": ["V"]}],
         "text": "Visa holders.", "confidence": "I"},
        {"id": "PROF-PT-004", "applies_to": "PAXLST", "select": "SG2/SG3[LOC+87|92]",
         "check": "required", "severity": "warn",
         "when": [{"select": "BGM/@1.1", "in": ["745"]}],
         "text": "An arrival.", "confidence": "I"},
        {"id": "PROF-PT-005", "applies_to": "PAXLST", "select": "SG4/NAT",
         "check": "required", "severity": "warn",
         "when": [{"select": "SG4/SG5", "present": true}],
         "text": "Nationality with a document.", "confidence": "I"},
        {"id": "PROF-PT-006", "applies_to": "PAXLST", "select": "SG4/LOC[178|179]/@2.1",
         "check": "codes", "args": {"values": ["LHR", "JFK"]}, "severity": "warn",
         "text": "Known airports.", "confidence": "I"},
        {"id": "PROF-PT-007", "applies_to": "PAXLST", "select": "SG4/RFF[AVF|ABO]",
         "check": "count", "args": {"max": 1}, "severity": "warn",
         "when": [{"select": "SG4/RFF", "not_in": ["XYZ"]}],
         "text": "One booking reference.", "confidence": "I"},
        {"id": "PROF-PT-008", "applies_to": "PAXLST", "select": "SG4/ATT/@3.1",
         "check": "codes", "args": {"values": ["M"]}, "severity": "accept",
         "text": "Accepted finding.", "confidence": "I"},
        {"id": "PROF-PT-009", "applies_to": "PAXLST", "select": "SG4/NAD/@4.1",
         "check": "pattern", "args": {"regex": "^[A-Z]+$"}, "severity": "warn",
         "when": [{"select": "SG4/NAD/@1", "in": ["FL", "FM", "DDT", "DDU"]},
                  {"select": "SG4/EMP", "present": false}],
         "text": "Plain surnames.", "confidence": "I"},
        {"id": "PROF-PT-010", "applies_to": "PAXLST", "select": "SG4/SG5/DOC/@2.1",
         "check": "required", "severity": "warn",
         "when": [{"select": "SG4/SG5/DTM", "in": ["36"]}],
         "text": "Number with an expiry.", "confidence": "I"},
        {"id": "PROF-PT-011", "applies_to": "PAXLST", "select": "SG4/NAT/@2.1",
         "check": "equals", "args": {"select": "SG4/SG5/LOC[91]/@2.1"}, "severity": "warn",
         "text": "Nationality is the issuing country.", "confidence": "I"},
        {"id": "PROF-PT-012", "applies_to": "PAXLST", "select": "SG4/SG7",
         "check": "count", "args": {"max": 0}, "severity": "warn",
         "when": [{"select": "SG4/SG6", "present": false}],
         "text": "No onward flights.", "confidence": "I"}
      ]})");
    load_options o;
    o.search_path.push_back(testing::profiles_dir());
    return load_profile(file, testing::defs(), o).value();
  }();
  return p;
}

std::vector<const profile*> all_profiles() {
  std::vector<const profile*> out;
  for (const char* name : {"baseline", "us", "uk", "cn", "eu", "es", "in", "kr"}) {
    out.push_back(&shipped(name));
  }
  out.push_back(&program_overlay());
  return out;
}

// ---- shape ---------------------------------------------------------------------------------

const detail::unit_program* program_with_rule(const profile& prof, std::string_view id) {
  for (const auto& [def, progs] : prof.compiled().programs) {
    for (const detail::unit_program& p : progs.units) {
      for (const detail::unit_op& op : p.ops) {
        if (op.c->source->id == id) return &p;
      }
    }
  }
  return nullptr;
}

TEST(ProfileProgram, EveryCompiledRuleIsInExactlyOneProgramOfItsDefinition) {
  for (const profile* prof : all_profiles()) {
    const detail::compiled_profile& cp = prof->compiled();
    ASSERT_EQ(cp.programs.size(), cp.by_def.size()) << prof->name();
    for (std::size_t d = 0; d < cp.by_def.size(); ++d) {
      EXPECT_EQ(cp.programs[d].first, cp.by_def[d].first);
      std::vector<int> seen(cp.by_def[d].second.size(), 0);
      for (const detail::unit_program& p : cp.programs[d].second.units) {
        for (const detail::unit_op& op : p.ops) {
          ASSERT_LT(op.rule, seen.size());
          ++seen[op.rule];
          EXPECT_EQ(op.c, &cp.rules[cp.by_def[d].second[op.rule]]);
          EXPECT_TRUE(detail::same_unit(*p.unit, op.c->select)) << op.c->source->id;
          ASSERT_LT(op.target, p.targets.size());
          EXPECT_EQ(op.column != detail::no_slot, op.c->select.has_element);
        }
      }
      for (std::size_t k = 0; k < seen.size(); ++k) EXPECT_EQ(seen[k], 1) << prof->name();
    }
  }
}

TEST(ProfileProgram, RunListsHoldTheOpsThatRun) {
  for (const profile* prof : all_profiles()) {
    for (const auto& [def, progs] : prof->compiled().programs) {
      for (const detail::unit_program& p : progs.units) {
        std::vector<std::uint32_t> plain;
        std::vector<std::uint32_t> accepted;
        for (std::uint32_t o = 0; o < p.ops.size(); ++o) {
          const detail::unit_op& op = p.ops[o];
          if (op.structural) continue;
          accepted.push_back(o);
          if (!op.accepted) plain.push_back(o);
          EXPECT_EQ(op.silent_when_empty,
                    op.check != check_kind::required && op.check != check_kind::count);
        }
        EXPECT_EQ(p.run_plain, plain) << prof->name();
        EXPECT_EQ(p.run_accepted, accepted) << prof->name();
        // Every column is read from its own target's segments, in each mode exactly when an op
        // that runs reads it (its own column or a local condition's).
        std::vector<int> plain_reads(p.columns.size(), 0);
        std::vector<int> accepted_reads(p.columns.size(), 0);
        for (const std::uint32_t o : p.run_accepted) {
          const bool runs_plain = std::count(plain.begin(), plain.end(), o) == 1;
          std::vector<std::uint32_t> cols;
          if (p.ops[o].column != detail::no_slot) cols.push_back(p.ops[o].column);
          for (const std::uint32_t w : p.ops[o].conditions) {
            if (p.conditions[w].column != detail::no_slot) cols.push_back(p.conditions[w].column);
          }
          for (const std::uint32_t c : cols) {
            ++accepted_reads[c];
            plain_reads[c] += runs_plain ? 1 : 0;
          }
        }
        for (std::uint32_t c = 0; c < p.columns.size(); ++c) {
          const detail::unit_target& t = p.targets[p.columns[c].target];
          EXPECT_EQ(std::count(t.columns.begin(), t.columns.end(), c), 1) << prof->name();
          EXPECT_EQ(std::count(t.read_plain.begin(), t.read_plain.end(), c),
                    plain_reads[c] > 0 ? 1 : 0);
          EXPECT_EQ(std::count(t.read_accepted.begin(), t.read_accepted.end(), c),
                    accepted_reads[c] > 0 ? 1 : 0);
        }
      }
    }
  }
}

// The plan of each mode (unit_plan): every op that runs is either a generic op (once, rule
// order) or a direct check on every feed of its target, and only condition-free ops on a
// segment target whose verdict is per value (not required, not count) are direct. Every feed
// of a target a generic op or its local condition looks at records the segment and reads
// those columns.
TEST(ProfileProgram, PlansSplitTheRunningOpsIntoDirectChecksAndGenericOps) {
  std::size_t direct_ops = 0;
  std::size_t generic_ops = 0;
  for (const profile* prof : all_profiles()) {
    for (const auto& [def, progs] : prof->compiled().programs) {
      for (const detail::unit_program& p : progs.units) {
        for (const bool accepted : {false, true}) {
          const detail::unit_plan& plan = accepted ? p.plan_accepted : p.plan_plain;
          const std::vector<std::uint32_t>& run = accepted ? p.run_accepted : p.run_plain;
          std::vector<std::uint32_t> generic;
          std::vector<bool> fill(p.targets.size(), false);
          std::vector<bool> reads(p.columns.size(), false);
          for (const std::uint32_t o : run) {
            const detail::unit_op& op = p.ops[o];
            const bool direct = op.conditions.empty() && !p.targets[op.target].group &&
                                op.check != check_kind::required && op.check != check_kind::count &&
                                (op.column != detail::no_slot || op.check == check_kind::forbidden);
            if (!direct) {
              generic.push_back(o);
              ++generic_ops;
              fill[op.target] = true;
              if (op.column != detail::no_slot) reads[op.column] = true;
              for (const std::uint32_t w : op.conditions) {
                const detail::unit_condition& uc = p.conditions[w];
                if (!uc.local) continue;
                fill[uc.target] = true;
                if (uc.column != detail::no_slot) reads[uc.column] = true;
              }
              continue;
            }
            ++direct_ops;
            // On every node feeding its target, exactly once.
            for (const message::node* n : p.targets[op.target].step->segments) {
              std::size_t found = 0;
              for (std::uint32_t x = plan.node_first[n->index]; x < plan.node_first[n->index + 1];
                   ++x) {
                const detail::plan_feed& f = plan.feeds[x];
                if (f.target != op.target) continue;
                for (std::uint32_t d = f.direct_begin; d < f.direct_end; ++d) {
                  found += plan.direct[d].rule == op.rule && plan.direct[d].c == op.c;
                }
              }
              EXPECT_EQ(found, 1u) << prof->name() << " " << op.c->source->id;
            }
          }
          EXPECT_EQ(plan.generic, generic) << prof->name();
          for (const detail::plan_feed& f : plan.feeds) {
            EXPECT_EQ(f.fill, fill[f.target]);
            std::vector<std::uint32_t> want;
            for (const std::uint32_t c : p.targets[f.target].columns) {
              if (reads[c]) want.push_back(c);
            }
            const std::vector<std::uint32_t> got(plan.reads.begin() + f.reads_begin,
                                                 plan.reads.begin() + f.reads_end);
            EXPECT_EQ(got, want);
          }
          for (std::uint32_t t = 0; t < p.targets.size(); ++t) {
            EXPECT_EQ(std::count(plan.used_targets.begin(), plan.used_targets.end(), t),
                      fill[t] ? 1 : 0);
          }
        }
      }
    }
  }
  // The shipped profiles have both kinds (most value checks are direct).
  EXPECT_GT(direct_ops, 100u);
  EXPECT_GT(generic_ops, 20u);
}

// pack_code() builds its word from overlapping loads; it must be exactly the bytes (first
// lowest) and the length in the top byte, for every length up to 7 and any byte values
// (NUL and bytes above 0x7F included), and refuse longer values.
TEST(ProfileCodeSet, PackCodeIsTheBytesAndTheLength) {
  auto reference = [](std::string_view v) {
    std::uint64_t w = std::uint64_t{v.size()} << 56;
    for (std::size_t k = 0; k < v.size(); ++k) {
      w |= std::uint64_t{static_cast<unsigned char>(v[k])} << (8 * k);
    }
    return w;
  };
  // A buffer with bytes around each value, so that a load outside the view would show.
  std::string buffer(64, '\0');
  std::size_t x = 12345;
  for (int round = 0; round < 2000; ++round) {
    for (char& c : buffer) {
      x = x * 6364136223846793005u + 1442695040888963407u;
      c = static_cast<char>(x >> 56);
    }
    const std::size_t at = 8 + static_cast<std::size_t>(round) % 16;
    for (std::size_t n = 0; n <= 8; ++n) {
      const std::string_view v(buffer.data() + at, n);
      std::uint64_t w = 0;
      if (n > 7) {
        EXPECT_FALSE(detail::pack_code(v, w));
        continue;
      }
      ASSERT_TRUE(detail::pack_code(v, w));
      ASSERT_EQ(w, reference(v)) << "length " << n << " round " << round;
    }
  }
}

// The hash table of a code set finds exactly the words it was built from (sizes 0 to 40,
// colliding and neighbouring words).
TEST(ProfileCodeSet, CodeTableHoldsExactlyItsWords) {
  for (std::size_t count = 0; count <= 40; ++count) {
    std::vector<std::uint64_t> words;
    for (std::size_t k = 0; k < count; ++k) {
      std::uint64_t w = 0;
      ASSERT_TRUE(detail::pack_code(std::to_string(k * 7), w));
      words.push_back(w);
    }
    detail::code_table t;
    t.build(words);
    EXPECT_GE(t.slots.size(), 2 * words.size());
    for (std::size_t k = 0; k < 3 * count + 3; ++k) {
      std::uint64_t w = 0;
      ASSERT_TRUE(detail::pack_code(std::to_string(k), w));
      const bool listed = std::find(words.begin(), words.end(), w) != words.end();
      ASSERT_EQ(t.contains(w), listed) << count << " words, probe " << k;
    }
  }
}

// contains() through the packed words against the lists themselves, for every code set of
// every shipped profile and the overlay, on the codes, their neighbours and generated values.
TEST(ProfileCodeSet, PackedMembershipAgreesWithTheLists) {
  std::vector<std::string> probes = {"",        std::string(1, '\0'), std::string("A\0", 2),
                                     "ABCDEFG", "ABCDEFGH",           "1234567",
                                     "12345678"};
  const std::string alphabet = "0123456789ABFLMNPSTXZ ";
  for (std::size_t n = 0; n < 3000; ++n) {
    std::string v;
    std::size_t x = n * 2654435761u;
    for (std::size_t len = n % 5; len > 0; --len, x /= alphabet.size()) {
      v += alphabet[x % alphabet.size()];
    }
    probes.push_back(v);
  }
  std::size_t sets = 0;
  std::size_t packed = 0;
  std::size_t members = 0;
  auto check = [&](const detail::code_set& set) {
    ++sets;
    packed += set.packed ? 1 : 0;
    std::vector<std::string> local = probes;
    for (const auto* list : {&set.members, &set.add, &set.remove}) {
      for (const std::string& code : *list) {
        local.push_back(code);
        local.push_back(code + "X");
        local.push_back(code.substr(0, code.size() / 2));
        local.push_back(std::string(1, '\0') + code);
      }
    }
    for (const std::string& v : local) {
      const bool listed = set.contains_listed(v);
      members += listed ? 1 : 0;
      ASSERT_EQ(set.contains(v), listed) << "'" << v << "'";
    }
  };
  for (const profile* prof : all_profiles()) {
    for (const detail::compiled_rule& c : prof->compiled().rules) {
      if (c.source->check != check_kind::codes) continue;
      check(c.codes);
      for (const auto& [q, set] : c.qualifier_sets) check(set);
    }
  }
  // Sets the shipped profiles do not have: a removed code, a code too long for a word (the
  // lists stay in use), codes differing only in a NUL byte or in length.
  detail::code_set s;
  s.members = {"A", "AB", "ABC", std::string("A\0", 2)};
  s.add = {"ZZ"};
  s.remove = {"AB"};
  s.seal();
  EXPECT_TRUE(s.packed);
  check(s);
  EXPECT_FALSE(s.contains("AB"));
  EXPECT_TRUE(s.contains("ZZ"));
  s.members.push_back("LONGCODE");
  s.seal();
  EXPECT_FALSE(s.packed);
  check(s);
  EXPECT_TRUE(s.contains("LONGCODE"));
  EXPECT_GT(sets, 20u);
  EXPECT_GT(packed, 20u);
  EXPECT_GT(members, 100u);
}

TEST(ProfileProgram, TravellerRulesShareTargetsColumnsAndConditions) {
  const profile& base = shipped("baseline");
  const detail::unit_program* sg4 = program_with_rule(base, "BASE-PAXLST-030");
  ASSERT_NE(sg4, nullptr);
  // The SG4 rules of the baseline all run in one program.
  for (const char* id : {"BASE-PAXLST-031", "BASE-PAXLST-036", "BASE-PAXLST-043", "BASE-PAXLST-050",
                         "BASE-PAXLST-070"}) {
    EXPECT_EQ(program_with_rule(base, id), sg4) << id;
  }
  EXPECT_NE(program_with_rule(base, "BASE-PAXLST-051"), sg4);  // unit SG4/SG5
  // "SG4/NAD/@1 in FL FM DDT DDU" guards five rules: one condition; it and "SG4/NAD/@1 in FL
  // DDU" are decided from the unit's NAD column, which BASE-PAXLST-030 reads too.
  std::size_t nad_conditions = 0;
  for (const detail::unit_condition& c : sg4->conditions) {
    if (c.cond->select.text != "SG4/NAD/@1") continue;
    nad_conditions += c.cond->values.size() == 4 ? 1 : 0;
    EXPECT_TRUE(c.local);
    ASSERT_NE(c.column, detail::no_slot);
    for (const detail::unit_op& op : sg4->ops) {
      if (op.c->source->id == "BASE-PAXLST-030") {
        EXPECT_EQ(op.column, c.column);
      }
    }
  }
  EXPECT_EQ(nad_conditions, 1u);
  // The BGM condition is anchored at the message root: not local.
  for (const detail::unit_condition& c : sg4->conditions) {
    if (c.cond->select.text == "BGM/@1.1") {
      EXPECT_FALSE(c.local);
    }
  }
  // DTM[329] (count, pattern, date) and DTM without predicate are different targets; both fed
  // by the one DTM node of SG4.
  std::size_t dtm_targets = 0;
  for (const detail::unit_target& t : sg4->targets) {
    if (!t.group && t.step->segments.front()->tag == "DTM") ++dtm_targets;
  }
  EXPECT_EQ(dtm_targets, 1u);  // the baseline reads SG4 DTM only as DTM[329]
  // "SG4/NAD/@1 in FL DDU" is asked by an SG4 rule (local there) and an SG4/SG5 rule (anchored
  // at the SG4 above): one memo slot, so the SG4/SG5 rules reuse the SG4 answers.
  const detail::unit_program* sg5 = program_with_rule(base, "BASE-PAXLST-055");
  ASSERT_NE(sg5, nullptr);
  std::uint32_t memo_sg4 = detail::no_slot;
  std::uint32_t memo_sg5 = detail::no_slot;
  for (const detail::unit_condition& c : sg4->conditions) {
    if (c.cond->select.text == "SG4/NAD/@1" && c.cond->values.size() == 2) memo_sg4 = c.memo;
  }
  for (const detail::unit_condition& c : sg5->conditions) {
    if (c.cond->select.text == "SG4/NAD/@1" && c.cond->values.size() == 2) {
      memo_sg5 = c.memo;
      EXPECT_FALSE(c.local);
    }
  }
  EXPECT_NE(memo_sg4, detail::no_slot);
  EXPECT_EQ(memo_sg4, memo_sg5);
  // A condition below the unit (SG4/SG5/DOC from an SG4 rule) is not local.
  const detail::unit_program* pt = program_with_rule(program_overlay(), "PROF-PT-003");
  ASSERT_NE(pt, nullptr);
  bool below = false;
  for (const detail::unit_condition& c : pt->conditions) {
    if (c.cond->select.text == "SG4/SG5/DOC/@1.1") below = !c.local;
  }
  EXPECT_TRUE(below);
}

// ---- same findings as rule by rule ---------------------------------------------------------

void expect_same(const parsed& in, const std::string& what) {
  for (const profile* prof : all_profiles()) {
    for (const bool accepted : {false, true}) {
      const both r = evaluate(in, *prof, accepted);
      EXPECT_EQ(r.programs, r.rule_by_rule)
          << what << " under " << prof->name() << (accepted ? " (report_accepted)" : "");
    }
  }
}

TEST(ProfileProgram, SameFindingsAsRuleByRuleOnTheVectorCorpus) {
  std::size_t files = 0;
  std::size_t findings = 0;
  const auto root = testing::source_dir() / "vectors" / "edifact";
  for (const auto& e : std::filesystem::recursive_directory_iterator(root)) {
    if (!e.is_regular_file()) continue;
    const auto ext = e.path().extension();
    if (ext == ".json" || ext == ".md") continue;
    // The 100,000-traveller file alone would take most of the test's time (rule by rule, 18
    // times); the generated 20k file goes through the same comparison in the byte-identity
    // check of docs/PERFORMANCE.md.
    if (e.file_size() > 256 * 1024) continue;
    std::ifstream f(e.path(), std::ios::binary);
    parsed in;
    parse(std::string{std::istreambuf_iterator<char>(f), {}}, in);
    if (in.trees.empty()) continue;
    ++files;
    expect_same(in, e.path().string());
    findings += evaluate(in, program_overlay(), true).programs.size();
  }
  EXPECT_GT(files, 100u);
  EXPECT_GT(findings, 100u);  // the comparison saw findings, not only clean messages
}

// node_qualifier (the position the feed walk reads a predicate's qualifier at, resolved at
// load) gives message_tree::qualifier's answer for every segment of the corpus matched to
// its node, in every program of the shipped profiles.
TEST(ProfileProgram, NodeQualifierReadsWhatTheTreeReads) {
  std::size_t compared = 0;
  const auto root = testing::source_dir() / "vectors" / "edifact";
  for (const auto& e : std::filesystem::recursive_directory_iterator(root)) {
    if (!e.is_regular_file()) continue;
    const auto ext = e.path().extension();
    if (ext == ".json" || ext == ".md" || e.file_size() > 256 * 1024) continue;
    std::ifstream f(e.path(), std::ios::binary);
    parsed in;
    parse(std::string{std::istreambuf_iterator<char>(f), {}}, in);
    for (const message::message_tree& tree : in.trees) {
      if (tree.def == nullptr || tree.source == nullptr || tree.delims().has_repetition) continue;
      for (const profile* prof : all_profiles()) {
        const detail::definition_programs* dp = prof->compiled().programs_for(tree.def);
        if (dp == nullptr) continue;
        for (const detail::unit_program& p : dp->units) {
          ASSERT_EQ(p.node_qualifier.size(), tree.def->nodes.size());
          for (std::size_t i = 0; i < tree.segments.size(); ++i) {
            const message::node* n = tree.segments[i].matched;
            if (n == nullptr || n->is_group()) continue;
            const auto [el, co] = p.node_qualifier[n->index];
            const std::string_view mine = el == 0 ? std::string_view{} : tree.component(i, el, co);
            EXPECT_EQ(mine, tree.qualifier(i)) << e.path() << " segment " << i;
            ++compared;
          }
        }
      }
    }
  }
  EXPECT_GT(compared, 10000u);
}

TEST(ProfileProgram, SameFindingsAsRuleByRuleOnMutatedMessages) {
  // A.1 with each message segment removed, doubled, or given an odd value: absent paths,
  // repeated segments, values with release characters, failing and passing conditions.
  const std::string text(a1);
  std::vector<std::string> segs;
  for (std::size_t at = text.find("BGM+"); at < text.find("UNT+");) {
    const std::size_t end = text.find('\n', at);
    segs.push_back(text.substr(at, end + 1 - at));
    at = end + 1;
  }
  ASSERT_GT(segs.size(), 15u);
  std::size_t variants = 0;
  for (const std::string& s : segs) {
    const std::string tag = s.substr(0, 4);
    for (const std::string& to : {std::string(), s + s, tag + "V:?+X?:Y+ZZZZZZ'\n",
                                  tag + "FL+++A:B'\n" + s, s + "NAD+FM+++O?'CONNOR'\n"}) {
      parsed in;
      parse(a1_with(s, to), in);
      expect_same(in, "A.1 with '" + s + "' -> '" + to + "'");
      ++variants;
    }
  }
  // Whole groups repeated: two travellers, the second with two documents.
  const std::string sg4 = text.substr(text.find("NAD+FL"), text.find("CNT+") - text.find("NAD+FL"));
  const std::string sg5 = text.substr(text.find("DOC+"), text.find("CNT+") - text.find("DOC+"));
  for (const std::string& extra : {sg4, sg4 + sg5, sg5 + sg4, "NAD+DDU+++X'\nEMP+1+CR1'\n" + sg5}) {
    parsed in;
    parse(a1_with("CNT+42:1'", extra + "CNT+42:2'"), in);
    expect_same(in, "A.1 plus '" + extra + "'");
    ++variants;
  }
  EXPECT_GT(variants, 80u);
}

TEST(ProfileProgram, RepeatedElementValuesReportedPerRepetition) {
  // COM (SG1) repeats its element positionally; PROF-PT-001 reads every occurrence.
  parsed in;
  parse(a1_with("COM+44 20 0000 0000:TE'", "COM+1:TE+123456:FX+12:EM'"), in);
  const both r = evaluate(in, program_overlay(), false);
  EXPECT_EQ(r.programs, r.rule_by_rule);
  std::size_t hits = 0;
  for (const std::string& l : r.programs) hits += l.find("PROF-PT-001") != std::string::npos;
  EXPECT_EQ(hits, 1u);  // only 123456 is longer than 5
}

TEST(ProfileProgram, ConditionOnAnAbsentPathAndAbsentTargets) {
  // No SG5 at all: PROF-PT-005 (NAT required when SG5 present) is silent, BASE-PAXLST-050
  // counts zero documents, PROF-PT-003's condition below the unit finds nothing.
  parsed in;
  parse(a1_with("DOC+P:110:111+PA1234567'\nDTM+36:300101'\nLOC+91+IRL'\n", ""), in);
  const both r = evaluate(in, program_overlay(), false);
  EXPECT_EQ(r.programs, r.rule_by_rule);
  bool count050 = false;
  for (const std::string& l : r.programs) {
    EXPECT_EQ(l.find("PROF-PT-005"), std::string::npos) << l;
    EXPECT_EQ(l.find("PROF-PT-003"), std::string::npos) << l;
    count050 = count050 || l.find("BASE-PAXLST-050") != std::string::npos;
  }
  EXPECT_TRUE(count050);
}

// Length checks run as direct checks (max_length decided by the byte length when it is within
// the limit, min_length by the character count): same findings as check_value() rule by rule
// for values around both limits, in bytes and in characters (UTF-8 names, whose bytes outnumber
// their characters, and release characters, which do not count once removed).
TEST(ProfileProgram, LengthChecksAsDirectChecksCountCharacters) {
  const auto file = testing::write_file("length", "lt.json", R"({
    "format_version": 1, "profile": "lt", "extends": "baseline", "title": "Lengths",
    "confidence": "I",
    "rules": [
      {"id": "PROF-LT-001", "applies_to": "PAXLST", "select": "SG4/NAD/@4.1",
       "check": "max_length", "args": {"value": 6}, "severity": "warn",
       "text": "Short surnames.", "confidence": "I"},
      {"id": "PROF-LT-002", "applies_to": "PAXLST", "select": "SG4/NAD/@4.2",
       "check": "min_length", "args": {"value": 4}, "severity": "warn",
       "text": "Long given names.", "confidence": "I"}
    ]})");
  load_options o;
  o.search_path.push_back(testing::profiles_dir());
  const profile prof = load_profile(file, testing::defs(), o).value();
  // Both rules became direct checks of their own kind, in every PAXLST definition.
  std::size_t max_kinds = 0;
  std::size_t min_kinds = 0;
  for (const auto& [def, progs] : prof.compiled().programs) {
    for (const detail::unit_program& p : progs.units) {
      for (const detail::direct_check& d : p.plan_plain.direct) {
        const std::string_view id = d.c->source->id;
        if (id == "PROF-LT-001") {
          EXPECT_EQ(d.kind, detail::direct_check::how::max_length);
          EXPECT_EQ(d.length, 6u);
          ++max_kinds;
        } else if (id == "PROF-LT-002") {
          EXPECT_EQ(d.kind, detail::direct_check::how::min_length);
          EXPECT_EQ(d.length, 4u);
          ++min_kinds;
        }
      }
    }
  }
  EXPECT_GT(max_kinds, 0u);
  EXPECT_EQ(min_kinds, max_kinds);
  std::size_t lt001 = 0;
  std::size_t lt002 = 0;
  // "\xC3\x89" is one character in two bytes (E acute).
  for (const char* surname : {"ABCDEF", "ABCDEFG", "\xC3\x89\xC3\x89\xC3\x89\xC3\x89",
                              "ABCDE\xC3\x89", "ABCDEF\xC3\x89", "O?'BRIE", "O?'BRIEN", ""}) {
    for (const char* given : {"ANNE", "ANN", "\xC3\x89\xC3\x89\xC3\x89",
                              "\xC3\x89\xC3\x89\xC3\x89\xC3\x89", "A?+B", "A?+BC", ""}) {
      // UNOY: the names are UTF-8.
      std::string text = a1_with("NAD+FL+++O?'BRIEN:ANNE:MARIE'",
                                 std::string("NAD+FL+++") + surname + ":" + given + ":MARIE'");
      text.replace(text.find("UNOA:4"), 6, "UNOY:4");
      parsed in;
      parse(std::move(text), in);
      const both r = evaluate(in, prof, false);
      EXPECT_EQ(r.programs, r.rule_by_rule) << surname << " / " << given;
      for (const std::string& l : r.programs) {
        lt001 += l.find("PROF-LT-001") != std::string::npos;
        lt002 += l.find("PROF-LT-002") != std::string::npos;
      }
    }
  }
  // Surnames over 6 characters: ABCDEFG, ABCDEF + E acute, O'BRIEN (7 once unescaped) = 3
  // of 8, for each of 7 given names. Given names under 4 characters: ANN, three E acute, A+B
  // = 3 of 7 (an empty one is absent), for each of 8 surnames.
  EXPECT_EQ(lt001, 3u * 7u);
  EXPECT_EQ(lt002, 3u * 8u);
}

}  // namespace
}  // namespace apipnr::profile

namespace apipnr::profile {
namespace {

// The YYMMDD fast path of date_relation (detail::yymmdd_relation) against the model's parser
// and the date comparison it replaces: every two-digit year, month 0..13 and day 0..32 (and a
// few malformed texts), under the birth and expiry policies, references around century ends,
// February 29 and the year range ends, every relation. clean() may leave a value to the
// general check, but must never call clean what the general check would report.
TEST(ProfileDateRelation, YymmddFastPathNeverPassesWhatTheParserRejects) {
  const std::vector<model::calendar_date> refs = {
      {2026, 11, 28}, {2000, 2, 29}, {2099, 12, 31}, {2100, 1, 1},   {1999, 1, 1},
      {2024, 2, 29},  {1900, 3, 1},  {100, 6, 15},   {9999, 12, 31}, {1, 1, 1}};
  const std::vector<model::century_rule> rules = [&] {
    std::vector<model::century_rule> out;
    for (const auto& r : refs) {
      out.push_back(model::birth_rule(r));
      out.push_back(model::expiry_rule(r));
      out.push_back(model::expiry_rule(r, 0));
      out.push_back(model::nearest_rule(r));
    }
    out.push_back(model::birth_rule({2026, 2, 30}));  // an invalid reference
    return out;
  }();
  const relation rels[] = {relation::less, relation::less_equal, relation::greater,
                           relation::greater_equal};
  std::vector<std::string> values = {"", "1", "00000", "0000000", "9a0101", "-10101", " 10101"};
  char buf[7];
  for (unsigned yy = 0; yy < 100; ++yy) {
    for (unsigned mm = 0; mm <= 13; ++mm) {
      for (unsigned dd = 0; dd <= 32; ++dd) {
        std::snprintf(buf, sizeof buf, "%02u%02u%02u", yy, mm, dd);
        values.emplace_back(buf);
      }
    }
  }
  std::size_t decided = 0, checked = 0;
  for (const model::century_rule& rule : rules) {
    // The target is the reference itself (as reference_for() builds it) or another date.
    for (const model::calendar_date target : {rule.reference, model::calendar_date{1985, 6, 1}}) {
      const auto fast = detail::yymmdd_relation::make(rule, target);
      for (const std::string& v : values) {
        const auto parsed = model::parse_yymmdd(v, rule);
        for (const relation rel : rels) {
          ++checked;
          if (!fast.clean(v, rel)) continue;
          ++decided;
          ASSERT_TRUE(parsed.has_value()) << v << " policy " << static_cast<int>(rule.policy)
                                          << " ref " << model::to_iso(rule.reference);
          const int cmp = *parsed < target ? -1 : (*parsed == target ? 0 : 1);
          const bool ok = rel == relation::less         ? cmp < 0
                          : rel == relation::less_equal ? cmp <= 0
                          : rel == relation::greater    ? cmp > 0
                                                        : cmp >= 0;
          ASSERT_TRUE(ok) << v << " rel " << static_cast<int>(rel) << " policy "
                          << static_cast<int>(rule.policy) << " ref "
                          << model::to_iso(rule.reference) << " parsed " << model::to_iso(*parsed);
        }
      }
    }
  }
  // The fast path must decide most real dates (else it saves nothing): every value that parses
  // under a birth or expiry rule with a valid reference, except February 29.
  std::size_t expected = 0;
  for (const model::century_rule& rule : rules) {
    if (rule.policy == model::century_policy::nearest || !model::is_valid_date(rule.reference))
      continue;
    for (const model::calendar_date target : {rule.reference, model::calendar_date{1985, 6, 1}}) {
      for (const std::string& v : values) {
        const auto parsed = model::parse_yymmdd(v, rule);
        if (!parsed || (parsed->month == 2 && parsed->day == 29)) continue;
        for (const relation rel : rels) {
          const int cmp = *parsed < target ? -1 : (*parsed == target ? 0 : 1);
          const bool ok = rel == relation::less         ? cmp < 0
                          : rel == relation::less_equal ? cmp <= 0
                          : rel == relation::greater    ? cmp > 0
                                                        : cmp >= 0;
          if (ok) ++expected;
        }
      }
    }
  }
  EXPECT_EQ(decided, expected) << "of " << checked;
  EXPECT_GT(decided, 100000u);
}

}  // namespace
}  // namespace apipnr::profile
