#include "apipnr/profile/validate.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "compiled.hpp"

namespace apipnr::profile {

bool detail::code_set::contains_listed(std::string_view v) const {
  auto has = [v](const std::vector<std::string>& list) { return in_list(v, list); };
  if (has(remove)) return false;
  if (has(add)) return true;
  if (pattern_based) {
    if (pattern_fast) return pattern_fast->matches(v);
    return !pattern || std::regex_match(v.begin(), v.end(), *pattern);
  }
  return has(members);
}

void detail::code_set::seal() {
  packed = false;
  words.clear();
  // A pattern decides membership beyond any list: keep the lists.
  if (pattern_based) return;
  std::vector<std::uint64_t> out;
  for (const std::vector<std::string>* list : {&members, &add}) {
    for (const std::string& code : *list) {
      if (in_list(code, remove)) continue;
      std::uint64_t w = 0;
      if (!pack_code(code, w)) return;  // a long code: the lists stay the form used
      if (std::find(out.begin(), out.end(), w) == out.end()) out.push_back(w);
    }
  }
  words = std::move(out);
  table.build(words);
  packed = true;
}

namespace {

using detail::allowed;
using detail::char_length;
using detail::compiled_rule;
using detail::decided;
using detail::per_type;
using detail::resolved_path;
using detail::resolved_step;
using message::group_instance;
using message::message_tree;

// A parsed date, with the time when the format has one.
struct moment {
  model::calendar_date date;
  std::optional<model::clock_time> time;
};

// <0, 0, >0; times only count when both sides have one (a date-only value is compared at day
// granularity).
int compare(const moment& a, const moment& b) noexcept {
  if (a.date != b.date) return a.date < b.date ? -1 : 1;
  if (a.time && b.time && *a.time != *b.time) return *a.time < *b.time ? -1 : 1;
  return 0;
}

// Whether a comparison result `cmp` (compare()) satisfies `rel`.
bool satisfies(relation rel, int cmp) noexcept {
  switch (rel) {
    case relation::less:
      return cmp < 0;
    case relation::less_equal:
      return cmp <= 0;
    case relation::greater:
      return cmp > 0;
    case relation::greater_equal:
      return cmp >= 0;
  }
  return false;
}

model::calendar_date system_today() {
  const auto now = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  const std::chrono::year_month_day ymd{now};
  return {static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
          static_cast<unsigned>(ymd.day())};
}

model::century_rule century_for(century c, const model::calendar_date& ref) noexcept {
  switch (c) {
    case century::past:
      return model::birth_rule(ref);
    case century::future:
      return model::expiry_rule(ref);
    case century::nearest:
      break;
  }
  return model::nearest_rule(ref);
}

std::optional<moment> parse_moment(std::string_view v, date_format f,
                                   const model::century_rule& rule) {
  switch (f) {
    case date_format::yymmdd:
      if (auto d = model::parse_yymmdd(v, rule)) return moment{*d, std::nullopt};
      return std::nullopt;
    case date_format::ccyymmdd:
      if (auto d = model::parse_ccyymmdd(v)) return moment{*d, std::nullopt};
      return std::nullopt;
    case date_format::yymmddhhmm:
      if (auto dt = model::parse_yymmddhhmm(v, rule)) return moment{dt->date, dt->time};
      return std::nullopt;
    case date_format::ccyymmddhhmm: {
      if (v.size() != 12) return std::nullopt;
      auto d = model::parse_ccyymmdd(v.substr(0, 8));
      auto t = model::parse_hhmm(v.substr(8));
      if (!d || !t) return std::nullopt;
      return moment{*d, *t};
    }
    case date_format::ddmmyy:
      if (auto d = model::parse_ddmmyy(v, rule)) return moment{*d, std::nullopt};
      return std::nullopt;
    case date_format::ddmmmyy:
      if (auto d = model::parse_ddmmmyy(v, rule)) return moment{*d, std::nullopt};
      return std::nullopt;
    case date_format::hhmm:
      if (auto t = model::parse_hhmm(v)) return moment{{}, *t};
      return std::nullopt;
    case date_format::mmyy:
      if (auto ym = model::parse_mmyy(v, rule))
        return moment{{ym->year, ym->month, 1}, std::nullopt};
      return std::nullopt;
  }
  return std::nullopt;
}

// The message date (UNB 0017/0019), for compare_to "message_date" and the fallback century
// reference.
std::optional<moment> message_date_of(const edifact::interchange& ic,
                                      const model::calendar_date& today) {
  const std::string_view d = ic.date;
  std::optional<model::calendar_date> date;
  if (d.size() == 6) date = model::parse_yymmdd(d, model::nearest_rule(today));
  if (d.size() == 8) date = model::parse_ccyymmdd(d);
  if (!date) return std::nullopt;
  return moment{*date, model::parse_hhmm(ic.time)};
}

// First scheduled departure: the first DTM+189 (PAXLST), else the first TVL (PNRGOV).
std::optional<moment> flight_departure_of(const message_tree& tree,
                                          const std::optional<moment>& message_date,
                                          const model::calendar_date& today) {
  const model::calendar_date ref = message_date ? message_date->date : today;
  const model::century_rule rule = model::nearest_rule(ref);
  for (std::size_t i = 0; i < tree.segments.size(); ++i) {
    const edifact::segment* s = &tree.seg(i);
    if (s->tag() == "DTM" && tree.value(i, 1, 1) == "189") {
      const std::string_view v = tree.value(i, 1, 2);
      switch (v.size()) {
        case 6:
          return parse_moment(v, date_format::yymmdd, rule);
        case 8:
          return parse_moment(v, date_format::ccyymmdd, rule);
        case 10:
          return parse_moment(v, date_format::yymmddhhmm, rule);
        case 12:
          return parse_moment(v, date_format::ccyymmddhhmm, rule);
        default:
          return std::nullopt;
      }
    }
    if (s->tag() == "TVL") {
      auto dt = model::parse_ddmmyy_hhmm(tree.value(i, 1, 1), tree.value(i, 1, 2), rule);
      if (dt) return moment{dt->date, dt->time};
      auto d = model::parse_ddmmyy(tree.value(i, 1, 1), rule);
      if (d) return moment{*d, std::nullopt};
      return std::nullopt;
    }
  }
  return std::nullopt;
}

// Direct children and own segments of every group instance, built once per message.
// message_tree::for_each_child / for_each_own_segment scan the instance's whole range, which for
// the root is the whole message: asked once per traveller (a `when` on BGM, a path from the
// message root) that made evaluation quadratic in the number of travellers (paxlst/26, 100,000
// traveller groups). Compressed rows keep document order and cost O(segments + instances).
class tree_index {
 public:
  // by_node: also index segments by the node they matched (segments_in); rule-by-rule
  // evaluation needs it, unit programs (which sort a unit's segments themselves) do not.
  tree_index(const message_tree& tree, bool by_node) {
    const std::size_t n = tree.instances.size();
    child_begin_.assign(n + 1, 0);
    seg_begin_.assign(n + 1, 0);
    for (std::size_t j = 1; j < n; ++j) {
      const std::uint32_t parent = tree.instances[j].parent;
      if (parent < n) ++child_begin_[parent + 1];
    }
    for (const auto& e : tree.segments) {
      if (e.instance < n) ++seg_begin_[e.instance + 1];
    }
    for (std::size_t k = 0; k < n; ++k) {
      child_begin_[k + 1] += child_begin_[k];
      seg_begin_[k + 1] += seg_begin_[k];
    }
    children_.resize(child_begin_[n]);
    own_segments_.resize(seg_begin_[n]);
    std::vector<std::uint32_t> fill(child_begin_.begin(), child_begin_.end() - 1);
    for (std::size_t j = 1; j < n; ++j) {
      const std::uint32_t parent = tree.instances[j].parent;
      if (parent < n) children_[fill[parent]++] = static_cast<std::uint32_t>(j);
    }
    fill.assign(seg_begin_.begin(), seg_begin_.end() - 1);
    for (std::size_t i = 0; i < tree.segments.size(); ++i) {
      const std::uint32_t inst = tree.segments[i].instance;
      if (inst < n) own_segments_[fill[inst]++] = static_cast<std::uint32_t>(i);
    }
    // Segments by the definition node they matched, in document order: a segment step then
    // visits only its own node's segments instead of testing every segment of each unit
    // against every rule (that test was the evaluator's largest cost).
    def_nodes_ = tree.def != nullptr ? &tree.def->nodes : nullptr;
    if (!by_node) return;
    const std::size_t nodes = def_nodes_ != nullptr ? def_nodes_->size() : 0;
    node_begin_.assign(nodes + 1, 0);
    for (const auto& e : tree.segments) {
      if (const std::uint32_t k = node_of(e, nodes); k < nodes) ++node_begin_[k + 1];
    }
    for (std::size_t k = 0; k < nodes; ++k) node_begin_[k + 1] += node_begin_[k];
    node_segments_.resize(nodes == 0 ? 0 : node_begin_[nodes]);
    fill.assign(node_begin_.begin(), node_begin_.end() - 1);
    for (std::size_t i = 0; i < tree.segments.size(); ++i) {
      if (const std::uint32_t k = node_of(tree.segments[i], nodes); k < nodes) {
        node_segments_[fill[k]++] = static_cast<std::uint32_t>(i);
      }
    }
    cursor_.assign(nodes, 0);
  }

  // f(tree_index) for each segment matched to `n` whose tree index is in [first, last], in
  // order. Walks in document order are the common case, so each node remembers where the last
  // call ended and continues from near there; otherwise it binary-searches.
  template <class F>
  bool segments_in(const message::node* n, std::uint32_t first, std::uint32_t last, F&& f) const {
    const std::size_t k = n->index;
    if (k + 1 >= node_begin_.size() || node_of_index(k) != n) return false;
    const std::uint32_t* begin = node_segments_.data() + node_begin_[k];
    const std::uint32_t* end = node_segments_.data() + node_begin_[k + 1];
    std::uint32_t& c = cursor_[k];
    const std::uint32_t* it = begin + c;
    if (it > end) it = end;
    // Rules on the same unit ask one after the other, so the cursor is usually just past the
    // unit's segments: step back a little, search when far off.
    for (int back = 0; back < 8 && it > begin && it[-1] >= first; ++back) --it;
    if (it > begin && it[-1] >= first) {
      it = std::lower_bound(begin, end, first);
    } else {
      while (it < end && *it < first) ++it;
    }
    for (; it < end && *it <= last; ++it) f(*it);
    c = static_cast<std::uint32_t>(it - begin);
    return true;
  }

  // f(instance) for each direct child instance of `inst`, in order.
  template <class F>
  void for_each_child(std::uint32_t inst, F&& f) const {
    if (inst + 1 >= child_begin_.size()) return;
    for (std::uint32_t k = child_begin_[inst]; k < child_begin_[inst + 1]; ++k) f(children_[k]);
  }

  // f(tree_index) for each segment of `inst` itself (not of nested groups), in order.
  template <class F>
  void for_each_own_segment(std::uint32_t inst, F&& f) const {
    if (inst + 1 >= seg_begin_.size()) return;
    for (std::uint32_t k = seg_begin_[inst]; k < seg_begin_[inst + 1]; ++k) f(own_segments_[k]);
  }

  // The definition index of the node tree segment i matched (a group trigger counts as the
  // group's content[0]); >= the definition's node count when none.
  std::uint32_t node_index(const message::segment_entry& e) const noexcept {
    const std::size_t nodes = def_nodes_ != nullptr ? def_nodes_->size() : 0;
    return node_of(e, nodes);
  }

 private:
  // The node a segment entry matched, as its definition index; >= nodes when none. The
  // trigger may be recorded against its group node or its content[0] (same as segment_matches).
  static std::uint32_t node_of(const message::segment_entry& e, std::size_t nodes) noexcept {
    const message::node* m = e.matched;
    if (m == nullptr) return static_cast<std::uint32_t>(nodes);
    if (m->is_group()) m = &m->content.front();
    return m->index < nodes ? m->index : static_cast<std::uint32_t>(nodes);
  }
  const message::node* node_of_index(std::size_t k) const noexcept {
    return def_nodes_ != nullptr && k < def_nodes_->size() ? (*def_nodes_)[k] : nullptr;
  }

  std::vector<std::uint32_t> child_begin_, children_;
  std::vector<std::uint32_t> seg_begin_, own_segments_;
  std::vector<std::uint32_t> node_begin_, node_segments_;
  const std::vector<const message::node*>* def_nodes_ = nullptr;
  mutable std::vector<std::uint32_t> cursor_;
};

class evaluator {
 public:
  // programs: non-null for run_programs() (no per-node segment index), nullptr for
  // rule-by-rule evaluation.
  evaluator(const edifact::interchange& ic, const message_tree& tree, diagnostic_sink& sink,
            const validate_options& opt, const detail::definition_programs* programs = nullptr)
      : ic_(ic), tree_(tree), index_(tree, programs == nullptr), sink_(sink), opt_(opt) {
    today_ = opt.today ? *opt.today : system_today();
    // Per message, not per value: how values are read (repetition separator, release
    // character).
    if (tree.source != nullptr) {
      plain_reads_ = !tree.delims().has_repetition;
      release_ = tree.delims().has_release;
    }
  }

  // Evaluates `rules` (in this order) against the tree. Rules whose evaluation unit is the
  // same group path run one after the other on each unit instance, so an instance's segments
  // are read while they are in cache: rule by rule, each rule swept the whole message (about
  // 50 sweeps over a 20,000-traveller tree, bound by memory traffic). Each rule's findings are
  // held until the end and then reported in rule order, unit order within a rule: the same
  // sequence as evaluating the rules one by one.
  void run_all(std::span<const compiled_rule* const> rules) {
    std::vector<rule_state> states(rules.size());
    for (std::size_t k = 0; k < rules.size(); ++k) {
      states[k].rule = rules[k];
      // A `when` condition or an `other` path depends only on the instance it is anchored at
      // (the unit's ancestor at the steps it shares with the rule), and units come in
      // document order, so consecutive units mostly share it: remember the last answer.
      states[k].when_cache.assign(rules[k]->when.size(), cached_condition{});
    }
    std::vector<bool> done(rules.size(), false);
    std::vector<std::size_t> batch;
    for (std::size_t k = 0; k < rules.size(); ++k) {
      if (done[k]) continue;
      batch.assign(1, k);
      for (std::size_t m = k + 1; m < rules.size(); ++m) {
        if (!done[m] && detail::same_unit(rules[k]->select, rules[m]->select)) {
          batch.push_back(m);
          done[m] = true;
        }
      }
      const resolved_path& unit_path = rules[k]->select;
      for_each_instance(0, unit_path, 0, unit_path.unit_groups, [&](std::uint32_t unit) {
        for (const std::size_t m : batch) {
          use(states[m]);
          evaluate(unit);
        }
      });
    }
    for (rule_state& st : states) {
      for (diagnostic& d : st.found.items) sink_.report(std::move(d));
    }
  }

  // The same evaluation through the definition's unit programs (compiled.hpp): per unit
  // instance one walk over its own segments and children fills the targets, each element
  // value is read once per unit and each distinct condition decided once per unit or anchor,
  // then every rule of the program runs on those lists. Rule by rule, each of the ~30 rules
  // on a traveller walked its path and read its value again (about 630 instructions per rule
  // and traveller). Findings: held per rule and reported in rule order, as run_all().
  void run_programs(const detail::definition_programs& programs,
                    std::span<const compiled_rule* const> rules) {
    std::vector<rule_state> states(rules.size());
    for (std::size_t k = 0; k < rules.size(); ++k) states[k].rule = rules[k];
    memo_width_ = tree_.instances.size();
    memo_.assign(programs.memos * memo_width_, -1);
    for (const detail::unit_program& prog : programs.units) {
      targets_.resize(std::max(targets_.size(), prog.targets.size()));
      columns_.resize(std::max(columns_.size(), prog.columns.size()));
      conditions_.assign(prog.conditions.size(), cached_condition{});
      const detail::unit_plan& plan = opt_.report_accepted ? prog.plan_accepted : prog.plan_plain;
      const resolved_path& unit_path = *prog.unit;
      for_each_instance(0, unit_path, 0, unit_path.unit_groups,
                        [&](std::uint32_t unit) { run_unit(prog, plan, unit, states); });
    }
    for (rule_state& st : states) {
      for (diagnostic& d : st.found.items) sink_.report(std::move(d));
    }
  }

 private:
  struct cached_condition {
    std::uint32_t anchor = message::no_instance;
    bool holds = false;
  };
  struct cached_value {
    std::uint32_t anchor = message::no_instance;
    bool found = false;
    std::string value;
  };
  // Holds a rule's findings until run_all() reports them in rule order.
  class holding_sink final : public diagnostic_sink {
   public:
    void report(diagnostic d) override { items.push_back(std::move(d)); }
    std::vector<diagnostic> items;
  };
  struct rule_state {
    const compiled_rule* rule = nullptr;
    std::vector<cached_condition> when_cache;
    cached_value other;
    holding_sink found;
  };

  // ---- unit programs -------------------------------------------------------------------------

  // One value of a column: tree index of its segment, repetition, text (release characters
  // removed; then the text lives in literals_ until the next unit).
  struct column_value {
    std::uint32_t segment = 0;
    std::uint16_t rep = 1;
    std::string_view value;
  };
  using column_state = std::vector<column_value>;

  // `plan`: the program's ops that run in this mode (structural ones are reported by the
  // group parser, accepted ones report nothing unless asked to and have no other effect),
  // split into direct checks, run during the walk, and generic ops, run after it.
  void run_unit(const detail::unit_program& prog, const detail::unit_plan& plan, std::uint32_t unit,
                std::vector<rule_state>& states) {
    collect_targets(prog, plan, unit, states);
    for (const std::uint32_t o : plan.generic) {
      const detail::unit_op& op = prog.ops[o];
      // Conditions have no effect but their answer: an op with nothing to look at need not
      // ask them (EMP, GEI, MEA, FTX rules on a traveller without those segments).
      if (op.silent_when_empty && (op.column != detail::no_slot ? columns_[op.column].empty()
                                                                : targets_[op.target].empty())) {
        continue;
      }
      bool holds = true;
      for (const std::uint32_t w : op.conditions) {
        if (!program_condition(prog, w, unit)) {
          holds = false;
          break;
        }
      }
      if (!holds) continue;
      use(states[op.rule]);
      run_op(prog, op, unit);
    }
  }

  // Sorts the unit's own segments and direct children into the targets the generic ops look
  // at, reading their columns on the way, and runs the direct checks on each segment as it
  // comes (one pass; a column read on first use walked the target's segments again and paid
  // a validity test per use).
  void collect_targets(const detail::unit_program& prog, const detail::unit_plan& plan,
                       std::uint32_t unit, std::vector<rule_state>& states) {
    for (const std::uint32_t t : plan.used_targets) targets_[t].clear();
    for (const std::uint32_t c : plan.used_columns) columns_[c].clear();
    if (!literals_.empty()) literals_.clear();
    const std::size_t nodes = plan.node_first.empty() ? 0 : plan.node_first.size() - 1;
    index_.for_each_own_segment(unit, [&](std::uint32_t i) {
      const std::uint32_t k = index_.node_index(tree_.segments[i]);
      if (k >= nodes) return;
      const std::uint32_t begin = plan.node_first[k];
      const std::uint32_t end = plan.node_first[k + 1];
      if (begin == end) return;
      std::string_view q;
      bool have_q = false;
      // Whether values of this segment may hold a release character: asked once per segment
      // rather than per value read.
      const bool escaped = may_escape(i);
      for (std::uint32_t x = begin; x < end; ++x) {
        const detail::plan_feed& f = plan.feeds[x];
        if (f.predicate != nullptr) {
          if (!have_q) q = node_qualifier(prog, k, i), have_q = true;
          if (!in_values(q, *f.predicate)) continue;
        }
        if (f.fill) targets_[f.target].push_back(i);
        for (std::uint32_t r = f.reads_begin; r < f.reads_end; ++r) {
          const std::uint32_t c = plan.reads[r];
          read_column(prog.columns[c], i, escaped, columns_[c]);
        }
        for (std::uint32_t d = f.direct_begin; d < f.direct_end; ++d) {
          run_direct(plan.direct[d], unit, i, escaped, states);
        }
      }
    });
    if (plan.group_targets.empty()) return;
    index_.for_each_child(unit, [&](std::uint32_t j) {
      for (const std::uint32_t t : plan.group_targets) {
        const resolved_step& s = *prog.targets[t].step;
        if (tree_.instances[j].group != s.group) continue;
        if (s.has_predicate && !in_values(trigger_qualifier(j), s.values)) continue;
        targets_[t].push_back(j);
      }
    });
  }

  // qualifier(i) for tree segment i fed through node k: from the position resolved at load
  // when the segment matched node k itself (not its group node) and values are read without
  // a repetition separator (then message_tree::qualifier reads exactly that component).
  std::string_view node_qualifier(const detail::unit_program& prog, std::uint32_t k,
                                  std::uint32_t i) const noexcept {
    if (plain_reads_ && tree_.segments[i].matched == tree_.def->nodes[k]) {
      const auto [el, co] = prog.node_qualifier[k];
      if (el == 0) return {};
      return tree_.component(i, el, co);
    }
    return qualifier(i);
  }

  // A direct check on tree segment i of `unit`: what run_op() does for the op on the values
  // of its column that come from segment i, in the same order.
  // `escaped`: may_escape(i).
  void run_direct(const detail::direct_check& d, std::uint32_t unit, std::uint32_t i, bool escaped,
                  std::vector<rule_state>& states) {
    using how = detail::direct_check::how;
    if (d.kind == how::segment_forbidden) {
      use(states[d.rule]);
      report(errc::rule_forbidden, apipnr::scope::segment, segment_position(i), "present");
      return;
    }
    const std::uint16_t reps = repetitions(i, d.element, d.repeats);
    for (std::uint16_t r = 1; r <= reps; ++r) {
      const std::string_view raw = read(i, d.element, d.component, r);
      if (raw.empty()) continue;  // unescaping never makes a value non-empty
      if (escaped && has_release_char(raw)) {
        std::string literal;
        edifact::unescape(raw, tree_.delims(), literal);
        direct_value(d, unit, i, r, literal, states);
      } else {
        direct_value(d, unit, i, r, raw, states);
      }
    }
  }

  void direct_value(const detail::direct_check& d, std::uint32_t unit, std::uint32_t i,
                    std::uint16_t r, std::string_view v, std::vector<rule_state>& states) {
    using how = detail::direct_check::how;
    if (v.empty()) return;
    switch (d.kind) {
      case how::codes:
        if (d.codes->contains(v)) return;
        use(states[d.rule]);
        report_quoted(errc::rule_codes, i, r, v);
        return;
      case how::pattern:
        if (d.regex->matches(v)) return;
        use(states[d.rule]);
        report_quoted(errc::rule_pattern, i, r, v);
        return;
      case how::date_fixed:
        // The clean case decided here; a finding (or a value that does not parse) goes through
        // check_value(), which decides again and builds the report.
        if (date_fixed_clean(d, v)) return;
        break;
      case how::value_forbidden:
        use(states[d.rule]);
        report_quoted(errc::rule_forbidden, i, r, v);
        return;
      // A value no longer (shorter) in bytes than the limit cannot be longer (is not shorter)
      // in characters either: decided without counting; otherwise check_value() counts.
      case how::max_length:
        if (v.size() <= d.length) return;
        break;
      case how::min_length:
        if (char_length(v) >= d.length) return;
        break;
      case how::segment_forbidden:
      case how::general:
        break;
    }
    use(states[d.rule]);
    check_value(unit, i, r, v);
  }

  // Whether a date_fixed direct check passes value v (false: check_value() decides again).
  // Out of line: inlined, it pushed direct_value() out of run_unit (GCC's inlining limits; the
  // call per date costs less than the lost inlining of every other direct check).
  [[gnu::noinline]] bool date_fixed_clean(const detail::direct_check& d, std::string_view v) {
    const rule_args& a = d.c->source->args;
    const fixed_reference& ref = reference_for(a.compare_to, a.century_rule);
    if (!ref.target) return true;  // nothing to compare with: the rule cannot judge this message
    // YYMMDD (dates of birth, document expiry): integer arithmetic decides the clean case.
    if (a.format == date_format::yymmdd && ref.yymmdd.clean(v, a.rel)) return true;
    const std::optional<moment> value = parse_moment(v, a.format, ref.rule);
    return value && satisfies(a.rel, compare(*value, *ref.target));
  }

  // Appends the values of `col` in tree segment i to `out`, as for_each_value reads them.
  // `escaped`: may_escape(i).
  void read_column(const detail::unit_column& col, std::uint32_t i, bool escaped,
                   column_state& out) {
    const std::uint16_t reps = repetitions(i, col.element, col.repeats);
    for (std::uint16_t r = 1; r <= reps; ++r) {
      const std::string_view raw = read(i, col.element, col.component, r);
      if (escaped && has_release_char(raw)) {
        literals_.emplace_back();
        edifact::unescape(raw, tree_.delims(), literals_.back());
        out.push_back({i, r, literals_.back()});
      } else {
        out.push_back({i, r, raw});
      }
    }
  }

  // The values of column `c` in the current unit (collect_targets() read them).
  const column_state& column(const detail::unit_program&, std::uint32_t c, std::uint32_t) const {
    return columns_[c];
  }

  bool program_condition(const detail::unit_program& prog, std::uint32_t w, std::uint32_t unit) {
    const detail::unit_condition& uc = prog.conditions[w];
    const std::uint32_t anchor = uc.local ? unit : ancestor_at(unit, uc.path->shared);
    if (uc.memo != detail::no_slot) {
      std::int8_t& m = memo_[uc.memo * memo_width_ + anchor];
      if (m < 0) {
        m = (uc.local ? local_condition(prog, uc, unit) : condition_at(anchor, *uc.cond, *uc.path))
                ? 1
                : 0;
      }
      return m == 1;
    }
    cached_condition& cache = conditions_[w];
    if (cache.anchor != anchor) {
      cache.holds =
          uc.local ? local_condition(prog, uc, unit) : condition_at(anchor, *uc.cond, *uc.path);
      cache.anchor = anchor;
    }
    return cache.holds;
  }

  // condition_at() for a condition one step below the unit, from the unit's targets.
  bool local_condition(const detail::unit_program& prog, const detail::unit_condition& uc,
                       std::uint32_t unit) {
    const condition& cond = *uc.cond;
    bool any_present = false;
    bool any_in = false;
    if (uc.column != detail::no_slot) {
      for (const column_value& cv : column(prog, uc.column, unit)) {
        if (cv.value.empty()) continue;
        any_present = true;
        if (in_values(cv.value, cond.values)) any_in = true;
      }
    } else if (prog.targets[uc.target].group) {
      for (const std::uint32_t j : targets_[uc.target]) {
        any_present = true;
        if (in_values(trigger_qualifier(j), cond.values)) any_in = true;
      }
    } else {
      for (const std::uint32_t i : targets_[uc.target]) {
        any_present = true;
        if (in_values(qualifier(i), cond.values)) any_in = true;
      }
    }
    return decided(cond.kind, any_in, any_present);
  }

  // evaluate() for one rule of a program, on the unit's targets.
  void run_op(const detail::unit_program& prog, const detail::unit_op& op, std::uint32_t unit) {
    const std::vector<std::uint32_t>& targets = targets_[op.target];
    switch (op.check) {
      case check_kind::required: {
        bool found = false;
        std::uint32_t seen = 0xFFFFFFFFu;
        if (op.column != detail::no_slot) {
          for (const column_value& cv : column(prog, op.column, unit)) {
            if (seen == 0xFFFFFFFFu) seen = cv.segment;
            if (!cv.value.empty()) found = true;
          }
        } else {
          found = !targets.empty();
        }
        if (found) return;
        if (op.column != detail::no_slot && seen != 0xFFFFFFFFu) {
          report_value(errc::rule_required, seen, 1, "no value");
        } else {
          report_missing(errc::rule_required, unit, "not present");
        }
        return;
      }
      case check_kind::forbidden: {
        if (op.column != detail::no_slot) {
          for (const column_value& cv : column(prog, op.column, unit)) {
            if (!cv.value.empty()) {
              report_quoted(errc::rule_forbidden, cv.segment, cv.rep, cv.value);
            }
          }
        } else if (prog.targets[op.target].group) {
          for (const std::uint32_t j : targets) {
            report(errc::rule_forbidden, apipnr::scope::segment,
                   segment_position(tree_.instances[j].first), "present");
          }
        } else {
          for (const std::uint32_t i : targets) {
            report(errc::rule_forbidden, apipnr::scope::segment, segment_position(i), "present");
          }
        }
        return;
      }
      case check_kind::count:
        check_count(unit, targets.size());
        return;
      // The two most frequent value checks without check_value()'s dispatch per value.
      case check_kind::codes:
        for (const column_value& cv : column(prog, op.column, unit)) {
          if (!cv.value.empty()) check_codes(cv.segment, cv.rep, cv.value);
        }
        return;
      case check_kind::pattern:
        for (const column_value& cv : column(prog, op.column, unit)) {
          if (!cv.value.empty()) check_pattern(cv.segment, cv.rep, cv.value);
        }
        return;
      default:
        break;
    }
    for (const column_value& cv : column(prog, op.column, unit)) {
      if (!cv.value.empty()) check_value(unit, cv.segment, cv.rep, cv.value);
    }
  }

  // What check_date_relation() compares with for a reference fixed per message (compare_to
  // other than path), and the century rule it then reads values with; found once per message
  // and pairing instead of per value.
  struct fixed_reference {
    bool known = false;
    std::optional<moment> target;
    model::century_rule rule;
    detail::yymmdd_relation yymmdd;  // the clean case of YYMMDD values, from rule and target
  };
  const fixed_reference& reference_for(compare_target to, century c) {
    fixed_reference& f =
        fixed_[static_cast<std::size_t>(to) % 4 * 3 + static_cast<std::size_t>(c) % 3];
    if (f.known) return f;
    switch (to) {
      case compare_target::message_date:
        f.target = message_date();
        break;
      case compare_target::flight_departure:
        f.target = flight_departure();
        break;
      case compare_target::today:
        f.target = moment{today_, std::nullopt};
        break;
      case compare_target::path:
        break;  // never asked: per unit (the direct check is not built for it)
    }
    if (f.target) {
      f.rule = century_for(c, f.target->date);
      f.yymmdd = detail::yymmdd_relation::make(f.rule, f.target->date);
    }
    f.known = true;
    return f;
  }

  // Points the evaluation state (c_, caches, finding target) at one rule.
  void use(rule_state& st) noexcept {
    c_ = st.rule;
    state_ = &st;
  }

  // ---- tree walking -------------------------------------------------------------------------

  // The segment's qualifier, as message_tree::qualifier reads it (through the component
  // index). The unit walk's predicates read it from the position resolved per node at load
  // instead (node_qualifier(), tested against this by NodeQualifierReadsWhatTheTreeReads);
  // everything else asks here.
  std::string_view qualifier(std::uint32_t i) const noexcept { return tree_.qualifier(i); }

  std::string_view trigger_qualifier(std::uint32_t inst) const noexcept {
    const message::node* g = tree_.instances[inst].group;
    return tree_.value(tree_.instances[inst].first, g->qualifier_element, g->qualifier_component);
  }

  static bool in_values(std::string_view v, const std::vector<std::string>& values) noexcept {
    return detail::in_list(v, values);
  }

  template <class F>
  void for_each_instance(std::uint32_t inst, const resolved_path& p, std::size_t from,
                         std::size_t to, F&& f) const {
    if (from >= to) {
      f(inst);
      return;
    }
    const resolved_step& s = p.steps[from];
    index_.for_each_child(inst, [&](std::uint32_t j) {
      if (tree_.instances[j].group != s.group) return;
      if (s.has_predicate && !in_values(trigger_qualifier(j), s.values)) return;
      for_each_instance(j, p, from + 1, to, f);
    });
  }

  bool segment_matches(std::uint32_t i, const resolved_step& s) const noexcept {
    const message::node* n = tree_.segments[i].matched;
    if (n == nullptr) return false;
    // The trigger segment may be recorded against its group node or its content[0].
    if (n->is_group()) n = &n->content.front();
    if (std::find(s.segments.begin(), s.segments.end(), n) == s.segments.end()) return false;
    return !s.has_predicate || in_values(qualifier(i), s.values);
  }

  // f(tree_index) for each segment occurrence the path's segment step selects below `inst`,
  // starting at step `from`.
  template <class F>
  void for_each_segment(std::uint32_t inst, const resolved_path& p, std::size_t from, F&& f) const {
    std::size_t k = from;
    while (k < p.steps.size() && p.steps[k].kind == step_kind::group) ++k;
    if (k >= p.steps.size()) return;
    const resolved_step& s = p.steps[k];
    for_each_instance(inst, p, from, k, [&](std::uint32_t g) {
      // One candidate node (the usual case): its own segments inside the instance's range.
      // A segment of that node inside the range can still belong to a nested instance when
      // the path is odd, hence the instance test.
      if (s.segments.size() == 1) {
        const group_instance& gi = tree_.instances[g];
        const bool indexed =
            index_.segments_in(s.segments.front(), gi.first, gi.last, [&](std::uint32_t i) {
              if (tree_.segments[i].instance != g) return;
              if (!s.has_predicate || in_values(qualifier(i), s.values)) {
                f(i);
              }
            });
        if (indexed) return;
      }
      index_.for_each_own_segment(g, [&](std::uint32_t i) {
        if (segment_matches(i, s)) f(i);
      });
    });
  }

  // f(tree_index, repetition, value) for every value of an element path (empty ones included).
  template <class F>
  void for_each_value(std::uint32_t inst, const resolved_path& p, std::size_t from, F&& f) const {
    const bool repeats = p.element_def != nullptr && p.element_def->repeat_max > 1;
    for_each_segment(inst, p, from, [&](std::uint32_t i) {
      const std::uint16_t reps = repetitions(i, p.element, repeats);
      for (std::uint16_t r = 1; r <= reps; ++r) {
        const std::string_view raw = read(i, p.element, p.component, r);
        if (has_release(i, raw)) {
          std::string literal;
          edifact::unescape(raw, tree_.delims(), literal);
          f(i, r, std::string_view(literal));
        } else {
          f(i, r, raw);
        }
      }
    });
  }

  // How many occurrences of the element declared at `element` segment i gives a path (the
  // unit columns and for_each_value alike): every present one when the element repeats
  // (element_def->repeat_max > 1), at least one (an absent element reads as one empty value).
  std::uint16_t repetitions(std::uint32_t i, std::uint16_t element, bool repeats) const noexcept {
    return repeats ? std::max<std::uint16_t>(1, tree_.occurrences(i, element)) : 1;
  }

  // tree_.value(i, element, component, r). The first occurrence without a repetition
  // separator in the interchange (nearly every read) is the element's component, whatever the
  // layout says: read it through the component index here (two array reads) instead of
  // calling value(), whose call and layout handling cost more than the read (520,000 reads per
  // 20k PAXLST check).
  std::string_view read(std::uint32_t i, std::uint16_t element, std::uint16_t component,
                        std::uint16_t r) const noexcept {
    if (r != 1 || !plain_reads_) return tree_.value(i, element, component, r);
    return tree_.component(i, element, component);
  }

  // edifact::needs_unescape inline: values are a few bytes, shorter than the call. A segment
  // without any release character (the parser's `escaped` flag) needs no scan.
  bool has_release(std::uint32_t i, std::string_view raw) const noexcept {
    return may_escape(i) && has_release_char(raw);
  }
  // Whether any value of tree segment i may hold a release character (has_release's per
  // segment half, asked once per segment by the unit walk).
  bool may_escape(std::uint32_t i) const noexcept {
    if (!release_) return false;
    return tree_.seg(i).escaped();
  }
  bool has_release_char(std::string_view raw) const noexcept {
    const char release = tree_.delims().release;
    for (const char c : raw) {
      if (c == release) return true;
    }
    return false;
  }

  // Number of occurrences (segments, or group instances when the path ends in a group).
  std::size_t count_targets(std::uint32_t inst, const resolved_path& p, std::size_t from) const {
    std::size_t n = 0;
    if (p.ends_in_group()) {
      for_each_instance(inst, p, from, p.steps.size(), [&](std::uint32_t) { ++n; });
    } else {
      for_each_segment(inst, p, from, [&](std::uint32_t) { ++n; });
    }
    return n;
  }

  std::uint32_t ancestor_at(std::uint32_t inst, std::size_t depth) const noexcept {
    while (tree_.instances[inst].depth > depth &&
           tree_.instances[inst].parent != message::no_instance) {
      inst = tree_.instances[inst].parent;
    }
    return inst;
  }

  bool condition_holds(std::uint32_t unit, std::size_t w) {
    const condition& cond = c_->source->when[w];
    const resolved_path& p = c_->when[w];
    const std::uint32_t anchor = ancestor_at(unit, p.shared);
    cached_condition& cache = state_->when_cache[w];
    if (cache.anchor != anchor) {
      cache.holds = condition_at(anchor, cond, p);
      cache.anchor = anchor;
    }
    return cache.holds;
  }

  bool condition_at(std::uint32_t anchor, const condition& cond, const resolved_path& p) const {
    bool any_present = false;
    bool any_in = false;
    auto see = [&](std::string_view v) {
      if (v.empty()) return;
      any_present = true;
      if (in_values(v, cond.values)) any_in = true;
    };
    if (p.has_element) {
      for_each_value(anchor, p, p.shared,
                     [&](std::uint32_t, std::uint16_t, std::string_view v) { see(v); });
    } else if (p.ends_in_group()) {
      // A group path: present = an instance exists; in/not_in compare its trigger qualifier.
      for_each_instance(anchor, p, p.shared, p.steps.size(), [&](std::uint32_t j) {
        any_present = true;
        if (in_values(trigger_qualifier(j), cond.values)) any_in = true;
      });
    } else {
      for_each_segment(anchor, p, p.shared, [&](std::uint32_t i) {
        any_present = true;
        if (in_values(qualifier(i), cond.values)) any_in = true;
      });
    }
    return decided(cond.kind, any_in, any_present);
  }

  // ---- reporting ----------------------------------------------------------------------------

  position segment_position(std::uint32_t i) const noexcept {
    position pos;
    const edifact::segment& s = tree_.seg(i);
    pos.segment = s.index;
    pos.offset = s.offset;
    pos.message_segment = message_tree::message_segment(i);
    return pos;
  }

  // The reporting functions are out of line and cold: findings are rare, and building their
  // text inline gave every hot caller (run_op, the checks) a large frame and string clean-up
  // paths, paid per op and value whether or not anything was reported.
  [[gnu::cold, gnu::noinline]] void report(errc code, apipnr::scope where, position pos,
                                           std::string_view detail) {
    const rule& r = *c_->source;
    if (r.severity == rule_severity::accept && !opt_.report_accepted) return;
    diagnostic d;
    d.code = make_error_code(code);
    d.id = r.id;
    d.requirement = r.requirement.empty() ? info(code).requirement : r.requirement;
    d.level = to_level(r.severity);
    d.where = where;
    d.pos = pos;
    d.detail = std::string(r.id) + " " + r.select.text + ": " + r.text;
    if (!detail.empty()) d.detail += " (" + std::string(detail) + ")";
    state_->found.report(std::move(d));
  }

  // Something missing from `unit`: at its trigger segment, or at UNH for the message.
  [[gnu::cold, gnu::noinline]] void report_missing(errc code, std::uint32_t unit,
                                                   std::string_view detail) {
    const std::uint32_t first = tree_.instances[unit].first;
    report(code, unit == 0 ? apipnr::scope::message : apipnr::scope::segment,
           segment_position(first), detail);
  }

  // report_value() with the detail "value '<v>'".
  [[gnu::cold, gnu::noinline]] void report_quoted(errc code, std::uint32_t i, std::uint16_t rep,
                                                  std::string_view v) {
    report_value(code, i, rep, "value '" + std::string(v) + "'");
  }

  [[gnu::cold, gnu::noinline]] void report_value(errc code, std::uint32_t i, std::uint16_t rep,
                                                 std::string_view detail) {
    const resolved_path& p = c_->select;
    position pos = segment_position(i);
    pos.element = p.element;
    pos.component = p.component;
    if (p.element_def != nullptr && p.element_def->repeat_max > 1 && rep > 1) {
      if (p.element_def->encoding == message::repeat_encoding::positional) {
        pos.element = static_cast<std::uint16_t>(p.element + rep - 1);
      } else {
        pos.repetition = rep;
      }
    }
    report(code, p.component != 0 ? apipnr::scope::component : apipnr::scope::element, pos, detail);
  }

  // ---- checks -------------------------------------------------------------------------------

  void evaluate(std::uint32_t unit) {
    const compiled_rule& c = *c_;
    const rule& r = *c.source;
    for (std::size_t w = 0; w < c.when.size(); ++w) {
      if (!condition_holds(unit, w)) return;
    }
    const resolved_path& p = c.select;
    const std::size_t from = p.unit_groups;
    switch (r.check) {
      case check_kind::required: {
        if (c.structural) return;  // reported by the group parser (see validate.hpp)
        bool found = false;
        std::uint32_t seen = 0xFFFFFFFFu;
        if (p.has_element) {
          for_each_value(unit, p, from, [&](std::uint32_t i, std::uint16_t, std::string_view v) {
            if (seen == 0xFFFFFFFFu) seen = i;
            if (!v.empty()) found = true;
          });
        } else {
          found = count_targets(unit, p, from) > 0;
        }
        if (found) return;
        if (p.has_element && seen != 0xFFFFFFFFu) {
          report_value(errc::rule_required, seen, 1, "no value");
        } else {
          report_missing(errc::rule_required, unit, "not present");
        }
        return;
      }
      case check_kind::forbidden: {
        if (p.has_element) {
          for_each_value(
              unit, p, from, [&](std::uint32_t i, std::uint16_t rep, std::string_view v) {
                if (!v.empty())
                  report_value(errc::rule_forbidden, i, rep, "value '" + std::string(v) + "'");
              });
        } else if (p.ends_in_group()) {
          for_each_instance(unit, p, from, p.steps.size(), [&](std::uint32_t j) {
            report(errc::rule_forbidden, apipnr::scope::segment,
                   segment_position(tree_.instances[j].first), "present");
          });
        } else {
          for_each_segment(unit, p, from, [&](std::uint32_t i) {
            report(errc::rule_forbidden, apipnr::scope::segment, segment_position(i), "present");
          });
        }
        return;
      }
      case check_kind::count:
        check_count(unit, count_targets(unit, p, from));
        return;
      default:
        break;
    }
    for_each_value(unit, p, from, [&](std::uint32_t i, std::uint16_t rep, std::string_view v) {
      if (!v.empty()) check_value(unit, i, rep, v);
    });
  }

  void check_count(std::uint32_t unit, std::size_t n) {
    const rule_args& a = c_->source->args;
    if ((a.min && n < *a.min) || (a.max && n > *a.max) || (a.even && n % 2 != 0)) {
      report_count(unit, n);
    }
  }

  // check_count()'s finding, the same tests in the same order for its text.
  [[gnu::cold, gnu::noinline]] void report_count(std::uint32_t unit, std::size_t n) {
    const rule_args& a = c_->source->args;
    std::string why;
    if (a.min && n < *a.min) {
      why = std::to_string(n) + " found, at least " + std::to_string(*a.min) + " required";
    } else if (a.max && n > *a.max) {
      why = std::to_string(n) + " found, at most " + std::to_string(*a.max) + " allowed";
    } else if (a.even && n % 2 != 0) {
      why = std::to_string(n) + " found, an even number required";
    }
    if (!why.empty()) report_missing(errc::rule_count, unit, why);
  }

  void check_codes(std::uint32_t i, std::uint16_t rep, std::string_view v) {
    const compiled_rule& c = *c_;
    const detail::code_set* set = c.has_fallback_set ? &c.codes : nullptr;
    if (c.by_qualifier) {
      const std::string_view q = qualifier(i);
      for (const auto& [key, s] : c.qualifier_sets) {
        if (key == q) set = &s;
      }
    }
    if (set != nullptr && !set->contains(v)) {
      report_quoted(errc::rule_codes, i, rep, v);
    }
  }

  void check_pattern(std::uint32_t i, std::uint16_t rep, std::string_view v) {
    const compiled_rule& c = *c_;
    if (c.regex && !(c.regex_fast ? c.regex_fast->matches(v)
                                  : std::regex_match(v.begin(), v.end(), *c.regex))) {
      report_quoted(errc::rule_pattern, i, rep, v);
    }
  }

  void check_value(std::uint32_t unit, std::uint32_t i, std::uint16_t rep, std::string_view v) {
    const compiled_rule& c = *c_;
    const rule_args& a = c.source->args;
    // Built only for a finding: most values pass, and the copy was a hot allocation.
    const auto quoted = [v] { return "value '" + std::string(v) + "'"; };
    switch (c.source->check) {
      case check_kind::codes:
        check_codes(i, rep, v);
        return;
      case check_kind::pattern:
        check_pattern(i, rep, v);
        return;
      case check_kind::max_length:
        if (char_length(v) > a.length) {
          report_value(errc::rule_max_length, i, rep,
                       quoted() + " longer than " + std::to_string(a.length));
        }
        return;
      case check_kind::min_length:
        if (char_length(v) < a.length) {
          report_value(errc::rule_min_length, i, rep,
                       quoted() + " shorter than " + std::to_string(a.length));
        }
        return;
      case check_kind::date_valid:
        if (!parse_moment(v, a.format, model::nearest_rule(today_))) {
          report_value(errc::rule_date_valid, i, rep, quoted() + " is not a valid date/time");
        }
        return;
      case check_kind::date_relation:
        check_date_relation(unit, i, rep, v);
        return;
      case check_kind::total_matches:
        check_total(unit, i, rep, v);
        return;
      case check_kind::equals: {
        std::string expected;
        if (a.equals_value) {
          expected = *a.equals_value;
        } else if (!other_value(unit, expected)) {
          return;  // nothing to compare with
        }
        if (v != expected)
          report_value(errc::rule_equals, i, rep, quoted() + " differs from '" + expected + "'");
        return;
      }
      default:
        return;
    }
  }

  // The first non-empty value of the rule's `other` path seen from `unit`.
  bool other_value(std::uint32_t unit, std::string& out) {
    const resolved_path& p = c_->other;
    const std::uint32_t anchor = ancestor_at(unit, p.shared);
    if (state_->other.anchor != anchor) {
      state_->other.found = false;
      state_->other.value.clear();
      for_each_value(anchor, p, p.shared, [&](std::uint32_t, std::uint16_t, std::string_view v) {
        if (!state_->other.found && !v.empty()) {
          state_->other.value = std::string(v);
          state_->other.found = true;
        }
      });
      state_->other.anchor = anchor;
    }
    if (state_->other.found) out = state_->other.value;
    return state_->other.found;
  }

  std::optional<moment> message_date() const {
    if (!message_date_) message_date_ = compute_message_date();
    return *message_date_;
  }

  std::optional<moment> compute_message_date() const { return message_date_of(ic_, today_); }

  // Looked up once per message: without a DTM 189 or TVL the search reads every segment, and
  // a date rule asks for each traveller.
  std::optional<moment> flight_departure() const {
    if (!flight_departure_) flight_departure_ = flight_departure_of(tree_, message_date(), today_);
    return *flight_departure_;
  }

  void check_date_relation(std::uint32_t unit, std::uint32_t i, std::uint16_t rep,
                           std::string_view v) {
    const rule_args& a = c_->source->args;
    std::optional<moment> target;
    const std::optional<moment> msg = message_date();
    const model::calendar_date fallback = msg ? msg->date : today_;
    switch (a.compare_to) {
      case compare_target::message_date:
        target = msg;
        break;
      case compare_target::flight_departure:
        target = flight_departure();
        break;
      case compare_target::today:
        target = moment{today_, std::nullopt};
        break;
      case compare_target::path: {
        std::string other;
        if (other_value(unit, other)) {
          target = parse_moment(other, a.format, century_for(a.century_rule, fallback));
        }
        break;
      }
    }
    if (!target) return;  // nothing to compare with: the rule cannot judge this message
    const auto value = parse_moment(v, a.format, century_for(a.century_rule, target->date));
    // Built only for a finding: most values pass, and the copy was a hot allocation.
    const auto quoted = [v] { return "value '" + std::string(v) + "'"; };
    if (!value) {
      report_value(errc::rule_date_relation, i, rep, quoted() + " is not a valid date");
      return;
    }
    if (!satisfies(a.rel, compare(*value, *target))) {
      report_value(errc::rule_date_relation, i, rep,
                   quoted() + " is " + model::to_iso(value->date) + ", reference " +
                       model::to_iso(target->date));
    }
  }

  void check_total(std::uint32_t unit, std::uint32_t i, std::uint16_t rep, std::string_view v) {
    const rule_args& a = c_->source->args;
    // Built only for a finding: most values pass, and the copy was a hot allocation.
    const auto quoted = [v] { return "value '" + std::string(v) + "'"; };
    if (v.size() > 9 ||
        !std::all_of(v.begin(), v.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) {
      report_value(errc::rule_total_matches, i, rep, quoted() + " is not a count");
      return;
    }
    const std::size_t declared = std::stoul(std::string(v));
    std::size_t counted =
        count_targets(ancestor_at(unit, c_->other.shared), c_->other, c_->other.shared);
    if (a.logical_message) {
      const edifact::message_view& m = ic_.messages[tree_.message_index];
      if (m.first_last == "C") return;  // more parts follow: the total is not known yet
      std::size_t part = 1;
      if (!m.sequence.empty() && m.sequence.size() <= 4 &&
          std::all_of(m.sequence.begin(), m.sequence.end(),
                      [](char ch) { return ch >= '0' && ch <= '9'; })) {
        part = std::stoul(std::string(m.sequence));
      }
      if (part > 1 && opt_.earlier_parts.size() + 1 < part) return;  // earlier parts unknown
      for (const message_tree* t : opt_.earlier_parts) {
        if (t == nullptr || t->def != tree_.def) continue;
        evaluator other(*t->source, *t, sink_, opt_);
        counted += other.count_targets(0, c_->other, 0);
      }
    }
    if (declared != counted) {
      report_value(errc::rule_total_matches, i, rep,
                   quoted() + ", counted " + std::to_string(counted));
    }
  }

  const edifact::interchange& ic_;
  const message_tree& tree_;
  tree_index index_;
  diagnostic_sink& sink_;
  const validate_options& opt_;
  model::calendar_date today_;
  // The rule being evaluated and its state (see use()).
  const compiled_rule* c_ = nullptr;
  rule_state* state_ = nullptr;  // its caches and held findings
  mutable std::optional<std::optional<moment>> message_date_, flight_departure_;
  fixed_reference fixed_[4 * 3];  // reference_for(): per compare_target and century
  // Unit-program state, reused from unit to unit (capacity kept).
  std::vector<std::vector<std::uint32_t>> targets_;  // per target: tree or instance indices
  std::vector<column_state> columns_;
  std::vector<cached_condition> conditions_;
  std::deque<std::string> literals_;  // unescaped column values of the current unit
  std::vector<std::int8_t> memo_;     // shared conditions: -1 unknown, 0, 1; per memo slot
  std::size_t memo_width_ = 0;        // and anchor instance
  bool plain_reads_ = true;           // no repetition separator: read() is component()
  bool release_ = false;              // the interchange has a release character
};

void report_envelope(diagnostic_sink& sink, const envelope_settings& env, errc code,
                     apipnr::scope where, position pos, std::string detail, bool report_accepted) {
  if (env.severity == rule_severity::accept && !report_accepted) return;
  const errc_info& i = info(code);
  diagnostic d;
  d.code = make_error_code(code);
  d.id = i.id;
  d.requirement = i.requirement;
  d.level = to_level(env.severity);
  d.where = where;
  d.pos = pos;
  d.detail = std::string(i.message) + " (" + detail + ")";
  sink.report(std::move(d));
}

}  // namespace

void validate(const edifact::interchange& ic, std::size_t message_index,
              const message::message_tree& tree, const profile& prof, diagnostic_sink& sink,
              const validate_options& opt) {
  if (message_index >= ic.messages.size()) return;
  // Message-level envelope settings.
  const envelope_settings& env = prof.envelope();
  const edifact::message_view& m = ic.messages[message_index];
  position unh;
  if (m.unh < ic.segments.size()) {
    unh.segment = ic.segments[m.unh].index;
    unh.offset = ic.segments[m.unh].offset;
  }
  unh.message_segment = 1;
  if (env.ung_required && m.group < 0) {
    report_envelope(sink, env, errc::envelope_ung_required, apipnr::scope::message, unh,
                    std::string(m.type) + " message outside a functional group",
                    opt.report_accepted);
  }
  if (const auto* list = per_type(env.unh_association, m.type);
      list != nullptr && !allowed(*list, m.association)) {
    position p = unh;
    p.element = 2;
    p.component = 5;
    report_envelope(sink, env, errc::envelope_association, apipnr::scope::component, p,
                    "association '" + std::string(m.association) + "'", opt.report_accepted);
  }
  if (const auto* list = per_type(env.directories, m.type); list != nullptr) {
    const std::string dir = std::string(m.version) + ":" + std::string(m.release);
    if (!allowed(*list, dir)) {
      position p = unh;
      p.element = 2;
      report_envelope(sink, env, errc::envelope_directory, apipnr::scope::element, p,
                      "directory '" + dir + "'", opt.report_accepted);
    }
  }
  detail::evaluate_rules(ic, tree, prof, sink, opt);
}

model::calendar_date detail::today_of(const validate_options& opt) {
  return opt.today ? *opt.today : system_today();
}

bool detail::date_valid(std::string_view v, date_format f, const model::calendar_date& today) {
  return parse_moment(v, f, model::nearest_rule(today)).has_value();
}

detail::fixed_date detail::fixed_date_reference(const edifact::interchange& ic,
                                                const message::message_tree& tree,
                                                compare_target to, century c,
                                                const validate_options& opt) {
  fixed_date out;
  const model::calendar_date today = opt.today ? *opt.today : system_today();
  std::optional<moment> target;
  switch (to) {
    case compare_target::message_date:
      target = message_date_of(ic, today);
      break;
    case compare_target::flight_departure:
      target = flight_departure_of(tree, message_date_of(ic, today), today);
      break;
    case compare_target::today:
      target = moment{today, std::nullopt};
      break;
    case compare_target::path:
      out.has_target = true;  // per unit: never decided from here (yymmdd stays unusable)
      return out;
  }
  if (!target) return out;
  out.has_target = true;
  out.yymmdd = yymmdd_relation::make(century_for(c, target->date), target->date);
  return out;
}

void detail::evaluate_rules(const edifact::interchange& ic, const message::message_tree& tree,
                            const profile& prof, diagnostic_sink& sink, const validate_options& opt,
                            bool programs) {
  if (tree.def == nullptr || tree.segments.empty() || tree.instances.empty()) return;
  const auto* rules = prof.compiled().rules_for(tree.def);
  if (rules == nullptr) return;
  std::vector<const compiled_rule*> list;
  list.reserve(rules->size());
  for (std::size_t index : *rules) list.push_back(&prof.compiled().rules[index]);
  const auto* progs = programs ? prof.compiled().programs_for(tree.def) : nullptr;
  evaluator ev(ic, tree, sink, opt, progs);
  if (progs != nullptr) {
    ev.run_programs(*progs, list);
  } else {
    ev.run_all(list);
  }
}

void validate_envelope(const edifact::interchange& ic, const profile& prof, diagnostic_sink& sink,
                       const validate_options& opt) {
  const envelope_settings& env = prof.envelope();
  position unb;
  if (!ic.segments.empty()) {
    unb.segment = ic.segments.front().index;
    unb.offset = ic.segments.front().offset;
  }
  auto at = [&](std::uint16_t element, std::uint16_t component) {
    position p = unb;
    p.element = element;
    p.component = component;
    return p;
  };
  const bool rep = opt.report_accepted;
  if (!ic.syntax_identifier.empty() && !allowed(env.syntax_identifiers, ic.syntax_identifier)) {
    report_envelope(sink, env, errc::envelope_syntax_identifier, apipnr::scope::interchange,
                    at(1, 1), "'" + std::string(ic.syntax_identifier) + "'", rep);
  }
  if (ic.syntax_version != 0 && !allowed(env.syntax_versions, std::to_string(ic.syntax_version))) {
    report_envelope(sink, env, errc::envelope_syntax_version, apipnr::scope::interchange, at(1, 2),
                    "version " + std::to_string(ic.syntax_version), rep);
  }
  if (!allowed(env.application_reference, ic.application_reference)) {
    report_envelope(sink, env, errc::envelope_application_reference, apipnr::scope::interchange,
                    at(7, 0), "'" + std::string(ic.application_reference) + "'", rep);
  }
  if (!allowed(env.recipient_ids, ic.recipient)) {
    report_envelope(sink, env, errc::envelope_recipient, apipnr::scope::interchange, at(3, 1),
                    "'" + std::string(ic.recipient) + "'", rep);
  }
  if (const auto& re = prof.compiled().sender; re) {
    const std::string sender = edifact::unescape(ic.sender, ic.delims);
    if (!std::regex_match(sender, *re)) {
      report_envelope(sink, env, errc::envelope_sender, apipnr::scope::interchange, at(2, 1),
                      "'" + sender + "'", rep);
    }
  }
  if (env.processing_priority && !ic.segments.empty() && ic.segments.front().tag() == "UNB") {
    // UNB 0029 (position 8) has no field in `interchange`; read it from the segment.
    const std::string_view priority = edifact::element(ic.segments.front(), 8, ic.delims);
    if (std::find(env.processing_priority->begin(), env.processing_priority->end(), priority) ==
        env.processing_priority->end()) {
      report_envelope(sink, env, errc::envelope_processing_priority, apipnr::scope::interchange,
                      at(8, 0), "'" + std::string(priority) + "'", rep);
    }
  }
}

std::function<std::optional<apipnr::severity>(const message::node&)> missing_severity(
    const profile& prof) {
  const profile* p = &prof;
  return [p](const message::node& n) -> std::optional<apipnr::severity> {
    for (const auto& [node, sev] : p->compiled().missing) {
      if (node == &n) return to_level(sev);
    }
    if (const syntax_entry* e = p->syntax("missing_mandatory")) return to_level(e->severity);
    return std::nullopt;
  };
}

message::structure_options structure_options_for(const profile& prof) {
  message::structure_options o;
  o.missing_severity = missing_severity(prof);
  return o;
}

std::string_view syntax_key(edifact::errc e) noexcept {
  using E = edifact::errc;
  switch (e) {
    case E::trailing_separator:
      return "trailing_separator";
    case E::lowercase_in_level_a:
      return "lowercase_in_unoa";
    case E::line_break_in_value:
      return "crlf_inside_element";
    case E::leading_whitespace:
      return "crlf_between_segments";
    case E::unsupported_syntax_identifier:
      return "unknown_syntax_identifier";
    case E::element_too_long:
      return "value_too_long";
    case E::too_many_elements:
      return "too_many_constituents";
    case E::invalid_numeric_value:
      return "invalid_character_type";
    case E::unt_count_mismatch:
    case E::une_count_mismatch:
    case E::unz_count_mismatch:
      return "control_count_mismatch";
    case E::unt_reference_mismatch:
    case E::une_reference_mismatch:
    case E::unz_reference_mismatch:
      return "reference_mismatch";
    case E::duplicate_interchange:
      return "duplicate_interchange";
    default:
      return {};
  }
}

std::string_view syntax_key(message::errc e) noexcept {
  using E = message::errc;
  switch (e) {
    case E::unknown_segment:
      return "unknown_segment";
    case E::unexpected_segment:
      return "segment_out_of_order";
    case E::missing_element:
    case E::missing_component:
      return "missing_mandatory";
    case E::too_many_segments:
    case E::too_many_repetitions:
      return "too_many_repetitions";
    case E::too_many_groups:
      return "too_many_group_repetitions";
    case E::too_many_elements:
    case E::too_many_components:
      return "too_many_constituents";
    case E::invalid_character_type:
      return "invalid_character_type";
    case E::value_too_long:
      return "value_too_long";
    default:
      return {};
  }
}

void syntax_sink::report(diagnostic d) {
  std::string_view key;
  if (d.code.category() == edifact::edifact_category()) {
    key = syntax_key(static_cast<edifact::errc>(d.code.value()));
  } else if (d.code.category() == message::message_category()) {
    key = syntax_key(static_cast<message::errc>(d.code.value()));
  }
  const syntax_entry* e = key.empty() ? nullptr : prof_.syntax(key);
  if (e != nullptr) {
    if (e->contrl_code != 0) d.syntax_error = e->contrl_code;
    if (d.level != apipnr::severity::fatal) {
      if (e->severity == rule_severity::accept && !report_accepted_) return;
      d.level = to_level(e->severity);
    }
  }
  next_.report(std::move(d));
}

}  // namespace apipnr::profile
