// Precompiled form of a profile's rules (private to the profile component).
//
// Every path is resolved once per definition of the rule's message type: group steps to group
// nodes, the segment step to the set of segment nodes with that tag at that level, element
// steps to a declared position and component. Evaluation then walks the message_tree
// comparing node pointers only.
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "apipnr/message/definitions.hpp"
#include "apipnr/message/tree.hpp"
#include "apipnr/profile/profile.hpp"
#include "apipnr/profile/validate.hpp"
#include "simple_regex.hpp"

namespace apipnr::profile::detail {

struct resolved_step {
  step_kind kind = step_kind::segment;
  const message::node* group = nullptr;        // group step
  std::vector<const message::node*> segments;  // segment step: nodes with the tag at this level
  bool has_predicate = false;
  std::vector<std::string> values;  // predicate values
};

struct resolved_path {
  std::vector<resolved_step> steps;  // group and segment steps
  bool has_element = false;
  std::uint16_t element = 0;    // declared position
  std::uint16_t component = 0;  // 0 = whole element
  const message::field_def* element_def = nullptr;
  const message::field_def* field = nullptr;  // the component, or the element
  const message::segment_def* layout = nullptr;
  // Leading group steps forming the evaluation unit (README "Evaluation unit").
  std::size_t unit_groups = 0;
  // For condition / other paths: leading group steps shared with the rule's unit.
  std::size_t shared = 0;

  bool ends_in_group() const noexcept {
    return !has_element && !steps.empty() && steps.back().kind == step_kind::group;
  }
};

// Exact membership of v in a short list of codes. Inline, size first, then bytes: codes are
// one to a few characters, and the generic find (a memcmp call per candidate) was a hot spot
// of rule evaluation.
inline bool in_list(std::string_view v, const std::vector<std::string>& list) noexcept {
  for (const std::string& m : list) {
    if (m.size() != v.size()) continue;
    std::size_t k = 0;
    while (k < v.size() && m[k] == v[k]) ++k;
    if (k == v.size()) return true;
  }
  return false;
}

// A code of up to 7 bytes as one word: its bytes in the low 56 bits (first byte lowest), its
// length in the top 8, so that two codes are equal exactly when their words are (NUL bytes
// and lengths included). False for a longer code.
//
// Built from at most two loads per length class instead of a loop over the bytes (the loop
// was about 20 instructions per value, as much as the set lookup): bytes 0-3 and the bytes
// from 4 on taken from an overlapping load of the last four, shifted down past the overlap.
// Never reads outside v.
inline bool pack_code(std::string_view v, std::uint64_t& out) noexcept {
  const std::size_t n = v.size();
  if (n > 7) return false;
  const unsigned char* const p = reinterpret_cast<const unsigned char*>(v.data());
  std::uint64_t w = 0;
  if (n >= 4) {
    std::uint32_t lo = 0;
    std::uint32_t hi = 0;
    std::memcpy(&lo, p, 4);
    std::memcpy(&hi, p + n - 4, 4);
    // little-endian words: byte k of the value at bit 8k
    w = std::uint64_t{lo} | (std::uint64_t{hi} >> (8 * (8 - n)) << 32);
  } else if (n >= 2) {
    std::uint16_t lo = 0;
    std::memcpy(&lo, p, 2);
    w = std::uint64_t{lo} | (n == 3 ? std::uint64_t{p[2]} << 16 : 0);
  } else if (n == 1) {
    w = p[0];
  }
  out = w | std::uint64_t{n} << 56;
  return true;
}
static_assert(std::endian::native == std::endian::little, "pack_code assumes little-endian loads");

// A set of pack_code words as a small open-addressing hash table (load at most one half):
// membership is one multiply, one shift and usually one compare, where a scan of the words
// compared each of them (code lists of up to a few dozen codes).
struct code_table {
  static constexpr std::uint64_t empty = ~std::uint64_t{0};  // length 255: never a packed code
  std::vector<std::uint64_t> slots;
  std::size_t mask = 0;  // slots.size() - 1
  unsigned shift = 64;

  void build(const std::vector<std::uint64_t>& words) {
    std::size_t size = 2;
    unsigned bits = 1;
    while (size < 2 * words.size()) size *= 2, ++bits;
    slots.assign(size, empty);
    mask = size - 1;
    shift = 64 - bits;
    for (const std::uint64_t w : words) {
      std::size_t h = slot_of(w);
      while (slots[h] != empty && slots[h] != w) h = (h + 1) & mask;
      slots[h] = w;
    }
  }
  std::size_t slot_of(std::uint64_t w) const noexcept {
    return static_cast<std::size_t>((w * 0x9E3779B97F4A7C15ull) >> shift);
  }
  bool contains(std::uint64_t w) const noexcept {
    const std::uint64_t* const t = slots.data();
    for (std::size_t h = slot_of(w);; h = (h + 1) & mask) {
      if (t[h] == w) return true;
      if (t[h] == empty) return false;
    }
  }
};

// Allowed values of a `codes` check.
struct code_set {
  std::vector<std::string> members;
  bool pattern_based = false;  // external list: membership by `pattern` (any when absent)
  std::optional<std::regex> pattern;
  std::optional<simple_regex> pattern_fast;  // `pattern` when the fast subset can express it
  std::vector<std::string> add;
  std::vector<std::string> remove;
  // The allowed codes ((members + add) - remove) as pack_code words, when the set is a plain
  // list whose codes all fit a word (seal()). contains() is then one pack and a table lookup
  // instead of three list walks comparing strings (a code check was about 110 instructions,
  // the largest single check cost of the profile stage).
  bool packed = false;
  std::vector<std::uint64_t> words;
  code_table table;  // `words` hashed

  // Fills `words` / `table` / `packed` from the lists; called once the lists are final.
  void seal();
  bool contains(std::string_view v) const {
    if (!packed) return contains_listed(v);
    std::uint64_t w = 0;
    if (!pack_code(v, w)) return false;  // every allowed code fits a word
    return table.contains(w);
  }
  // contains() from the lists themselves (the reference the packed form is tested against).
  bool contains_listed(std::string_view v) const;
};

// A `date_relation` on YYMMDD values against a reference fixed per message (compare_to other
// than path), its clean case decided with integer arithmetic: model::parse_yymmdd (three
// digits() calls, resolve_century() testing up to four candidate dates with is_valid_date())
// plus the comparison cost about 190 instructions per value, the largest single check of the
// profile stage (40,000 dates in the 20k-traveller PAXLST). A date is the key
// year * 10000 + month * 100 + day, which orders as the (year, month, day) tuple does.
//
// Contract: clean(v, rel) is true only when parse_moment(v, yymmdd, rule) gives a date and
// that date satisfies `rel` against the target date (a YYMMDD value has no time, so times are
// not compared). False means "not decided here": the caller then runs the general check,
// which decides again and builds the finding. February 29, the `nearest` policy and an
// invalid reference are always left to the general check (resolve_century's own logic).
// Built once per message (validate.cpp, reference_for); thread safety: immutable after make.
struct yymmdd_relation {
  bool usable = false;
  bool birth = false;  // date_of_birth: latest candidate <= bound; else expiry: earliest >= bound
  int base = 0;        // the reference year's century (model's floor_century)
  std::int64_t bound = 0;  // birth: the reference; expiry: the reference minus the look-back
  std::int64_t target = 0;

  static std::int64_t key(std::int64_t y, unsigned md) noexcept { return y * 10000 + md; }

  static yymmdd_relation make(const model::century_rule& rule,
                              const model::calendar_date& target) noexcept {
    yymmdd_relation out;
    if (rule.policy == model::century_policy::nearest || !model::is_valid_date(rule.reference)) {
      return out;
    }
    const int y = rule.reference.year;
    out.base = y >= 0 ? y / 100 * 100 : -((-y + 99) / 100 * 100);
    out.birth = rule.policy == model::century_policy::date_of_birth;
    const int bound_year = out.birth ? y : y - static_cast<int>(rule.lookback_years);
    out.bound = key(bound_year, rule.reference.month * 100 + rule.reference.day);
    out.target = key(target.year, target.month * 100 + target.day);
    out.usable = true;
    return out;
  }

  bool clean(std::string_view v, relation rel) const noexcept {
    if (!usable || v.size() != 6) return false;
    unsigned d[6];
    for (std::size_t k = 0; k < 6; ++k) {
      d[k] = static_cast<unsigned>(static_cast<unsigned char>(v[k])) - '0';
      if (d[k] > 9) return false;
    }
    const unsigned yy = d[0] * 10 + d[1];
    const unsigned mm = d[2] * 10 + d[3];
    const unsigned dd = d[4] * 10 + d[5];
    // Real in every century (February 29 depends on the century: left to the general check).
    static constexpr unsigned days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (mm < 1 || mm > 12 || dd < 1 || dd > days[mm - 1]) return false;
    const unsigned md = mm * 100 + dd;
    // resolve_century's candidates base + 100k + yy, k from 1 down to -2 (birth) or from -2
    // up to 1 (expiry); the first in range 1..9999 on the right side of the bound.
    std::int64_t found = 0;
    bool have = false;
    for (int n = 0; n < 4 && !have; ++n) {
      const int k = birth ? 1 - n : n - 2;
      const std::int64_t year = base + 100 * k + static_cast<int>(yy);
      if (year < 1 || year > 9999) continue;
      const std::int64_t c = key(year, md);
      if (birth ? c <= bound : c >= bound) found = c, have = true;
    }
    if (!have) return false;
    switch (rel) {
      case relation::less:
        return found < target;
      case relation::less_equal:
        return found <= target;
      case relation::greater:
        return found > target;
      case relation::greater_equal:
        return found >= target;
    }
    return false;
  }
};

struct compiled_rule {
  const rule* source = nullptr;
  const message::definition* def = nullptr;
  resolved_path select;
  std::vector<resolved_path> when;  // parallel to source->when
  resolved_path other;              // compare_to path, equals select, total_matches count
  bool has_other = false;
  // codes
  code_set codes;
  bool by_qualifier = false;  // "@definition" with codes_by_qualifier
  std::vector<std::pair<std::string, code_set>> qualifier_sets;
  bool has_fallback_set = true;  // by_qualifier: `codes` of the field as the fallback
  // pattern
  std::optional<std::regex> regex;
  std::optional<simple_regex> regex_fast;  // `regex` when the fast subset can express it
  bool structural = false;  // required on an M node without when: reported by the parser
};

// ---- per-unit programs (program.cpp) ------------------------------------------------------
//
// The rules of one definition that share an evaluation unit (the same leading group steps and
// predicates) form one program. Every rule path has exactly one step below its unit (a segment
// step, optionally followed by the element, or the final group step of a path ending in a
// group), so for one unit instance a single walk over the unit's own segments and direct child
// instances sorts out every target the program's rules look at; each element value is then read
// once per unit and each distinct `when` condition decided once per unit (or anchor), however
// many rules use it. validate.cpp runs them; the rule-by-rule evaluation they replace is kept
// for the differential test (evaluate_rules with programs = false).

inline constexpr std::uint32_t no_slot = 0xFFFFFFFFu;

// A distinct step below the unit: own segments of the unit matched to one of `step->segments`
// (with the step's predicate on the segment qualifier), or direct child instances of
// `step->group` (predicate on the trigger qualifier).
struct unit_target {
  const resolved_step* step = nullptr;
  bool group = false;
  std::vector<std::uint32_t> columns;  // the columns read from this target's segments
  // Those of `columns` that the ops that run read (their own and their local conditions'),
  // without and with report_accepted: a column no running op reads is not read (an accepted
  // rule's column, repeated PNRGOV elements cost an occurrence count per read).
  std::vector<std::uint32_t> read_plain;
  std::vector<std::uint32_t> read_accepted;
};

// The values of an element path over the segments of one target, in the order and with the
// repetitions for_each_value reads them (release characters removed). Filled while the unit's
// segments are sorted into targets, so what each value read needs is copied here at load.
struct unit_column {
  std::uint32_t target = 0;
  const resolved_path* path = nullptr;  // element, component, element_def
  std::uint16_t element = 0;            // path->element
  std::uint16_t component = 0;          // path->component
  bool repeats = false;                 // path->element_def->repeat_max > 1: every occurrence
};

// A segment node feeding a target: the target, and the values its step's predicate accepts
// for the segment's qualifier (nullptr: no predicate).
struct node_feed {
  std::uint32_t target = 0;
  const std::vector<std::string>* predicate = nullptr;
};

// A distinct `when` condition of the program's rules. `local`: anchored at the unit itself with
// one step below it, so decided from the unit's targets; otherwise by the generic walk from its
// anchor (ancestor of the unit at path->shared), cached per anchor.
struct unit_condition {
  const condition* cond = nullptr;
  const resolved_path* path = nullptr;
  bool local = false;
  std::uint32_t target = no_slot;
  std::uint32_t column = no_slot;  // local with an element path
  // A condition several programs of the definition ask at the same anchor depth (SG4/NAD/@1
  // from the SG4 rules, where it is local, and from the SG4/SG5 rules, where it is not): its
  // answers are kept per anchor instance for the whole message, so the others reuse them.
  std::uint32_t memo = no_slot;
};

// One rule of the program.
struct unit_op {
  std::uint32_t rule = 0;  // position in the definition's rule list (compiled_profile::by_def)
  const compiled_rule* c = nullptr;
  std::vector<std::uint32_t> conditions;  // into unit_program::conditions, in `when` order
  std::uint32_t target = no_slot;         // what the select path ends at
  std::uint32_t column = no_slot;         // select ends in an element
  check_kind check = check_kind::required;
  bool structural = false;  // c->structural: reported by the group parser, never run here
  bool accepted = false;    // severity accept: runs only with report_accepted
  // Nothing to report when its column (or, without one, its target) is empty: every check but
  // required and count. Such an op is skipped before its conditions are asked.
  bool silent_when_empty = false;
};

// ---- the unit plan: what one unit instance needs, specialised at load -----------------------
//
// The ops of a program split, per mode (without / with report_accepted), into
//  - direct checks: ops without `when` whose select ends in a segment target (a value check on
//    one of its elements, or `forbidden` on the segment itself). Their verdict on a value
//    depends only on the value, its segment and the unit, so they run while the unit's
//    segments are sorted, on each value as it is read: no column is stored for them, no op
//    is dispatched per unit, and the two most frequent kinds (a code list, a pattern the fast
//    matcher can express) are decided inline with what they need resolved here;
//  - generic ops (required, count, anything with a `when`, group targets): run after the
//    walk from the targets and columns as before, and only those targets and columns are
//    filled that a generic op or one of its local conditions reads.
// Findings are held per rule (validate.cpp), so running a rule's checks during the walk
// reports the same findings in the same order: a rule's values still come in segment order.

struct direct_check {
  enum class how : std::uint8_t {
    codes,              // c->codes.contains() (no per-qualifier sets)
    pattern,            // regex_fast->matches()
    date_fixed,         // date_relation against the message date, flight departure or
                        // today: reference and century rule fixed per message
    value_forbidden,    // any non-empty value is a finding
    segment_forbidden,  // the segment itself is a finding (select without an element)
    max_length,         // clean when no more bytes than `length` (then no more characters)
    min_length,         // clean when at least `length` characters
    general,            // the evaluator's check_value()
  };
  std::uint32_t rule = 0;  // unit_op::rule
  const compiled_rule* c = nullptr;
  how kind = how::general;
  std::uint16_t element = 0;  // the column's element, component and repetition rule
  std::uint16_t component = 0;
  bool repeats = false;
  const code_set* codes = nullptr;      // kind codes
  const simple_regex* regex = nullptr;  // kind pattern
  std::uint32_t length = 0;             // kinds max_length, min_length: args.length
};

// A segment node feeding a target, in one mode: the predicate on its qualifier, whether the
// segment is recorded in the target (a generic op or local condition looks at it), the columns
// to read for generic ops, and the direct checks to run on it.
struct plan_feed {
  std::uint32_t target = 0;
  const std::vector<std::string>* predicate = nullptr;
  bool fill = false;
  std::uint32_t reads_begin = 0, reads_end = 0;    // into unit_plan::reads
  std::uint32_t direct_begin = 0, direct_end = 0;  // into unit_plan::direct
};

struct unit_plan {
  std::vector<std::uint32_t> generic;  // ops run after the walk (indices into ops), rule order
  std::vector<direct_check> direct;
  std::vector<std::uint32_t> reads;  // column indices
  // Feeds by definition node index: node k feeds feeds[node_first[k] .. node_first[k + 1]).
  std::vector<std::uint32_t> node_first;
  std::vector<plan_feed> feeds;
  std::vector<std::uint32_t> group_targets;  // group targets a generic op looks at
  std::vector<std::uint32_t> used_targets;   // targets filled per unit (cleared per unit)
  std::vector<std::uint32_t> used_columns;   // columns read per unit (cleared per unit)
};

struct unit_program {
  const resolved_path* unit = nullptr;  // its first unit->unit_groups steps name the unit
  std::vector<unit_target> targets;
  std::vector<unit_column> columns;
  std::vector<unit_condition> conditions;
  std::vector<unit_op> ops;  // in rule order
  // The ops that run (indices into ops, rule order): without report_accepted neither
  // structural nor accepted ones, with it all but the structural ones. Sorted out at load
  // rather than tested per op and unit.
  std::vector<std::uint32_t> run_plain;
  std::vector<std::uint32_t> run_accepted;
  // Segment targets by definition node index: node k feeds
  // node_targets[node_first[k] .. node_first[k + 1]).
  std::vector<std::uint32_t> node_first;
  std::vector<node_feed> node_targets;
  std::vector<std::uint32_t> group_targets;  // group targets, in target order
  // Per node index: the qualifier's element and component as message_tree::qualifier()
  // reads it for a segment matched to that node ({0, 0}: no qualifier). Only used when the
  // segment's matched node is that node and the interchange has no repetition separator;
  // otherwise the evaluator asks the tree.
  std::vector<std::pair<std::uint16_t, std::uint16_t>> node_qualifier;
  // run_plain and run_accepted specialised (see unit_plan above).
  unit_plan plan_plain;
  unit_plan plan_accepted;
};

struct definition_programs {
  std::vector<unit_program> units;  // in the order of each program's first rule
  std::uint32_t memos = 0;          // number of unit_condition::memo slots
};

// Numbers the conditions shared by several programs (unit_condition::memo).
void share_conditions(definition_programs& dp);

// ---- the fast clean-case path (fast_profile.cpp, apipnr/profile/fast_validate.hpp) ---------
//
// One definition's running rules (without report_accepted) as flat op arrays for a single
// walk over the tree's segment array that only decides "validate() reports nothing" and gives
// up on anything else. Built from the unit programs at load; `usable` is false when a rule
// has a shape the walk does not decide (the caller then always runs validate()).
//
// `when` conditions are facts gathered in a first pass (per anchor instance: whether the
// condition's targets had any non-empty value, any in its values), so that every check is
// decided exactly where the walk meets its value; group rules (count, required) are counters
// of the unit instance decided when it closes.

struct compiled_profile;

// A condition's targets: own segments of the anchor instance matched to a node that feeds it.
struct fast_fact {
  bool has_element = false;  // values of an element, else the segment's qualifier
  std::uint16_t element = 0;
  std::uint16_t component = 0;
  bool repeats = false;
  bool per_instance = false;                         // anchored below the message: one per instance
  const std::vector<std::string>* values = nullptr;  // the condition's values
};
struct fast_fact_feed {
  std::uint32_t fact = 0;
  const std::vector<std::string>* predicate = nullptr;  // the step's predicate, or none
};

struct fast_condition {
  std::uint32_t fact = 0;
  std::uint32_t depth = 0;  // the anchor: the unit's ancestor at this depth
  condition::op kind = condition::op::in;
};

struct fast_action {
  enum class what : std::uint8_t {
    count,               // the occurrence counts for slot
    forbid,              // the occurrence itself is a finding
    found,               // a non-empty value sets slot (required on an element)
    codes,               // code_set
    codes_by_qualifier,  // check_codes(): the set chosen by the segment's qualifier
    pattern,             // simple_regex
    regex,               // std::regex
    date_fixed,          // date_relation against message date, flight departure or today
    max_length,
    min_length,
    value_forbidden,
    total,       // total_matches against a count of the message's child groups
    date_valid,  // date_valid: the value parses in its format (validate.cpp's date_valid)
    general,     // anything else: a non-empty value gives up (when its conditions hold)
  };
  what kind = what::general;
  bool reads = false;  // reads the element's values (else acts on the occurrence)
  std::uint16_t element = 0;
  std::uint16_t component = 0;
  bool repeats = false;
  std::uint32_t slot = 0;
  std::uint32_t length = 0;
  std::uint32_t cond_begin = 0, cond_end = 0;  // into fast_program::conds
  const compiled_rule* c = nullptr;
  const code_set* codes = nullptr;
  const simple_regex* regex = nullptr;
};

// One element read from a fed segment, and the value actions run on each of its values: the
// rules on the same element share the read (component lookup, release-character test).
struct fast_read {
  std::uint16_t element = 0;
  std::uint16_t component = 0;
  bool repeats = false;
  std::uint32_t action_begin = 0, action_end = 0;  // into fast_program::actions
};
struct fast_feed {
  const std::vector<std::string>* predicate = nullptr;
  std::uint32_t action_begin = 0, action_end = 0;  // occurrence actions (count, forbid)
  std::uint32_t read_begin = 0, read_end = 0;      // into fast_program::reads
};
struct fast_group_feed {
  const message::node* group = nullptr;
  const std::vector<std::string>* predicate = nullptr;  // on the trigger qualifier
  std::uint32_t action_begin = 0, action_end = 0;
};
// Decided when a unit instance closes, from its slot: count (min/max/even) or required (> 0).
struct fast_close {
  bool count = false;
  std::uint32_t slot = 0;
  std::optional<std::uint32_t> min, max;
  bool even = false;
  std::uint32_t cond_begin = 0, cond_end = 0;
};

// Where fast_walk keeps a date_fixed rule's per-message reference: one of 4 x 3 slots by
// compare_to and century rule (the reference depends on nothing else).
inline std::uint32_t date_slot(const rule_args& a) noexcept {
  return static_cast<std::uint32_t>(a.compare_to) % 4 * 3 +
         static_cast<std::uint32_t>(a.century_rule) % 3;
}

// A node's feeds as one op stream (what segment() runs), ending with one `end` op: `pred`
// skips `skip` ops (to the end of its feed) when the segment's qualifier is not in `data`'s
// values; `read` loads the element value the following value ops see, skipping `skip` ops (past
// its value ops) when it is empty; `read_repeated` runs those value ops on each of the
// element's values itself and skips past them. Distances, not indices, and an end marker
// instead of a bound: the walk keeps one op pointer live (its op loop is short of registers).
struct fast_op {
  // max_length and date are check's two most frequent kinds decided in the loop itself
  // (max_length: `arg` bytes or fewer is clean, anything else goes to the general check; date:
  // a date_fixed action, its reference slot in `arg`): the out-of-line clean() call and its
  // switch cost more than these checks.
  enum class code : std::uint8_t {
    pred,
    count,
    forbid,
    read,
    found,
    codes,
    pattern,
    check,
    max_length,
    date,
    end,            // the last op of each node's stream
    read_repeated,  // read of an element that may repeat: its value ops run on each value
  };
  code op = code::check;
  bool repeats = false;
  std::uint16_t element = 0;
  std::uint16_t component = 0;
  std::uint32_t skip = 0;  // pred, read, read_repeated: ops to step forward (>= 1)
  std::uint32_t slot = 0;
  std::uint32_t action = 0;    // into fast_program::actions (conditions, the check's data)
  std::uint32_t arg = 0;       // max_length: the length; date: the reference slot
  const void* data = nullptr;  // pred: predicate values; codes: code_set; pattern: simple_regex
};

struct fast_program {
  std::vector<std::uint32_t> op_first;  // ops of node k: [op_first[k], op_first[k+1]), end last
  std::vector<fast_op> ops;
  const resolved_path* unit = nullptr;  // its first unit->unit_groups steps name the unit
  std::uint32_t slots = 0;
  std::vector<std::uint32_t> node_first;  // feeds of node k: [node_first[k], node_first[k+1])
  std::vector<fast_feed> feeds;
  std::vector<fast_read> reads;
  std::vector<fast_group_feed> group_feeds;
  std::vector<fast_action> actions;
  std::vector<fast_close> closes;
  std::vector<fast_condition> conds;
};

struct fast_definition {
  bool usable = false;
  std::vector<fast_program> programs;
  // Programs whose unit ends at group node k (definition index), and those of the message.
  std::vector<std::vector<std::uint32_t>> by_group;
  std::vector<std::uint32_t> at_root;
  std::vector<fast_fact> facts;
  std::vector<std::uint32_t> fact_first;  // fact feeds of node k
  std::vector<fast_fact_feed> fact_feeds;
  // As unit_program::node_qualifier (the same for every program of a definition).
  std::vector<std::pair<std::uint16_t, std::uint16_t>> node_qualifier;
};

// The fast form of definition `def`'s programs (rules in by_def order).
fast_definition build_fast(const compiled_profile& cp, const message::definition& def,
                           const definition_programs& dp);

// What a date_relation against a fixed target (compare_to other than path) compares with in
// `tree`'s message: has_target false when there is none (the rule then judges nothing), else
// the YYMMDD clean-case decider (validate.cpp's evaluator finds the same reference).
struct fixed_date {
  bool has_target = false;
  yymmdd_relation yymmdd;
};
// validate()'s `today` (validate_options::today, else the system clock's UTC date), and its
// date_valid check: whether v parses in format f with the nearest century to `today`.
model::calendar_date today_of(const validate_options& opt);
bool date_valid(std::string_view v, date_format f, const model::calendar_date& today);

fixed_date fixed_date_reference(const edifact::interchange& ic, const message::message_tree& tree,
                                compare_target to, century c, const validate_options& opt);

struct compiled_profile {
  std::vector<compiled_rule> rules;
  // Per definition: indices into `rules`, in rule order.
  std::vector<std::pair<const message::definition*, std::vector<std::size_t>>> by_def;
  std::optional<std::regex> sender;
  // Strictest required-rule severity per mandatory node (missing_severity hook).
  std::vector<std::pair<const message::node*, rule_severity>> missing;

  // Per definition: its rules (by_def order) as unit programs. Built last, once `rules` no
  // longer moves.
  std::vector<std::pair<const message::definition*, definition_programs>> programs;
  // Per definition: the fast clean-case form of its programs (build_fast), built after them.
  std::vector<std::pair<const message::definition*, fast_definition>> fast;

  const std::vector<std::size_t>* rules_for(const message::definition* d) const noexcept {
    for (const auto& [def, list] : by_def) {
      if (def == d) return &list;
    }
    return nullptr;
  }
  const fast_definition* fast_for(const message::definition* d) const noexcept {
    for (const auto& [def, f] : fast) {
      if (def == d) return &f;
    }
    return nullptr;
  }
  const definition_programs* programs_for(const message::definition* d) const noexcept {
    for (const auto& [def, list] : programs) {
      if (def == d) return &list;
    }
    return nullptr;
  }
};

// Same evaluation units: the same leading group steps with the same predicates.
bool same_unit(const resolved_path& a, const resolved_path& b) noexcept;

// The unit programs of `rules` (indices into cp.rules, in rule order) for definition `def`.
std::vector<unit_program> build_programs(const compiled_profile& cp,
                                         const std::vector<std::size_t>& rules,
                                         const message::definition& def);

// Profile rules of `tree` (validate() without the envelope checks). programs = false evaluates
// rule by rule along each path instead, the reference the differential test compares with.
void evaluate_rules(const edifact::interchange& ic, const message::message_tree& tree,
                    const profile& prof, diagnostic_sink& sink, const validate_options& opt,
                    bool programs = true);

// Small predicates that validate.cpp (the reference path) and fast_profile.cpp (the clean-case
// path) must decide alike: one definition each, so the two paths cannot drift apart.

// Characters, not bytes: UTF-8 continuation bytes do not count (UNOW/UNOY payloads).
inline std::size_t char_length(std::string_view s) noexcept {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0u) != 0x80u; }));
}

// A when-condition's truth from what its targets showed: whether any was present and whether
// any had a qualifier in the condition's values.
inline bool decided(condition::op kind, bool any_in, bool any_present) noexcept {
  switch (kind) {
    case condition::op::in:
      return any_in;
    case condition::op::not_in:
      return !any_in;
    case condition::op::present:
      return any_present;
    case condition::op::absent:
      return !any_present;
  }
  return false;
}

// An empty list allows every value.
inline bool allowed(const std::vector<std::string>& list, std::string_view v) {
  return list.empty() || std::find(list.begin(), list.end(), v) != list.end();
}

// The list for a message type in a per-type table, or nullptr.
inline const std::vector<std::string>* per_type(
    const std::vector<std::pair<std::string, std::vector<std::string>>>& table,
    std::string_view type) {
  for (const auto& [t, list] : table) {
    if (t == type) return &list;
  }
  return nullptr;
}

}  // namespace apipnr::profile::detail
