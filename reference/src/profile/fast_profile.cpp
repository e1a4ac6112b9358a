// The profile stage's clean case as flat op arrays (apipnr/profile/fast_validate.hpp; stage 3
// of the one-pass walker, docs/PERFORMANCE.md). A separate, small walker on purpose: growing
// validate.cpp's evaluator hit GCC's inlining and register limits in every earlier session,
// and this one only has to say "nothing to report" or give up, so it carries no findings code.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "apipnr/profile/fast_validate.hpp"
#include "compiled.hpp"

namespace apipnr::profile {

namespace detail {
namespace {

// Builds one definition's fast_definition from its unit programs (running ops without
// report_accepted, program.cpp's run_plain). Anything it cannot express makes the whole
// definition unusable rather than half-decided.
class fast_builder {
 public:
  fast_builder(const message::definition& def, fast_definition& out) : out_(out) {
    nodes_ = def.nodes.size();
    node_facts_.resize(nodes_);
    out_.by_group.resize(nodes_);
  }

  void add(const unit_program& prog) {
    fast_program fp;
    fp.unit = prog.unit;
    std::vector<std::vector<fast_action>> of_target(prog.targets.size());
    for (const std::uint32_t o : prog.run_plain) {
      const unit_op& op = prog.ops[o];
      const std::uint32_t cb = static_cast<std::uint32_t>(fp.conds.size());
      for (const std::uint32_t w : op.conditions) {
        fast_condition fc;
        if (!condition(prog.conditions[w], fc)) return fail();
        fp.conds.push_back(fc);
      }
      const std::uint32_t ce = static_cast<std::uint32_t>(fp.conds.size());
      const unit_target& t = prog.targets[op.target];
      const compiled_rule& c = *op.c;
      const rule_args& a = c.source->args;
      fast_action act;
      act.c = &c;
      act.cond_begin = cb;
      act.cond_end = ce;
      auto decided_at_close = [&](bool count) {
        fast_close cl;
        cl.count = count;
        cl.slot = fp.slots;
        if (count) {
          cl.min = a.min;
          cl.max = a.max;
          cl.even = a.even;
        }
        cl.cond_begin = cb;
        cl.cond_end = ce;
        fp.closes.push_back(cl);
        act.slot = fp.slots++;
      };
      if (t.group || op.column == no_slot) {
        // The occurrences themselves: segments, or child group instances.
        switch (op.check) {
          case check_kind::count:
            decided_at_close(true);
            act.kind = fast_action::what::count;
            break;
          case check_kind::required:
            decided_at_close(false);
            act.kind = fast_action::what::count;
            break;
          case check_kind::forbidden:
            act.kind = fast_action::what::forbid;
            break;
          default:
            return fail();  // a value check without an element: not expressed here
        }
        of_target[op.target].push_back(act);
        continue;
      }
      const unit_column& col = prog.columns[op.column];
      act.reads = true;
      act.element = col.element;
      act.component = col.component;
      act.repeats = col.repeats;
      switch (op.check) {
        case check_kind::count:  // counts the segments, not their values
          decided_at_close(true);
          act.kind = fast_action::what::count;
          act.reads = false;
          break;
        case check_kind::required:
          decided_at_close(false);
          act.kind = fast_action::what::found;
          break;
        case check_kind::forbidden:
          act.kind = fast_action::what::value_forbidden;
          break;
        case check_kind::codes:
          if (c.by_qualifier) {
            act.kind = fast_action::what::codes_by_qualifier;
          } else if (c.has_fallback_set) {
            act.kind = fast_action::what::codes;
            act.codes = &c.codes;
          } else {
            continue;  // no set to judge with: check_codes() never reports
          }
          break;
        case check_kind::pattern:
          if (!c.regex) continue;  // check_pattern() never reports
          if (c.regex_fast) {
            act.kind = fast_action::what::pattern;
            act.regex = &*c.regex_fast;
          } else {
            act.kind = fast_action::what::regex;
          }
          break;
        case check_kind::max_length:
          act.kind = fast_action::what::max_length;
          act.length = a.length;
          break;
        case check_kind::min_length:
          act.kind = fast_action::what::min_length;
          act.length = a.length;
          break;
        case check_kind::date_relation:
          act.kind = a.compare_to != compare_target::path ? fast_action::what::date_fixed
                                                          : fast_action::what::general;
          break;
        case check_kind::date_valid:
          act.kind = fast_action::what::date_valid;
          break;
        case check_kind::total_matches:
          // Counted here only when the count is of child groups one step below its anchor.
          act.kind =
              c.has_other && c.other.ends_in_group() && c.other.steps.size() == c.other.shared + 1
                  ? fast_action::what::total
                  : fast_action::what::general;
          break;
        default:
          act.kind = fast_action::what::general;
          break;
      }
      of_target[op.target].push_back(act);
    }
    // Feeds by node (target order per node, as the programs), then group feeds. A segment
    // target's actions: its occurrence actions, then one read per element with the value
    // actions on it.
    std::vector<std::vector<fast_feed>> per_node(nodes_);
    for (std::uint32_t t = 0; t < prog.targets.size(); ++t) {
      if (of_target[t].empty()) continue;
      const resolved_step& s = *prog.targets[t].step;
      fast_feed feed;
      feed.predicate = s.has_predicate ? &s.values : nullptr;
      feed.action_begin = static_cast<std::uint32_t>(fp.actions.size());
      for (const fast_action& a : of_target[t]) {
        if (!a.reads) fp.actions.push_back(a);
      }
      feed.action_end = static_cast<std::uint32_t>(fp.actions.size());
      feed.read_begin = static_cast<std::uint32_t>(fp.reads.size());
      std::vector<bool> done(of_target[t].size(), false);
      for (std::size_t x = 0; x < of_target[t].size(); ++x) {
        const fast_action& a = of_target[t][x];
        if (!a.reads || done[x]) continue;
        fast_read r;
        r.element = a.element;
        r.component = a.component;
        r.repeats = a.repeats;
        r.action_begin = static_cast<std::uint32_t>(fp.actions.size());
        for (std::size_t y = x; y < of_target[t].size(); ++y) {
          const fast_action& b = of_target[t][y];
          if (!b.reads || done[y] || b.element != a.element || b.component != a.component ||
              b.repeats != a.repeats) {
            continue;
          }
          fp.actions.push_back(b);
          done[y] = true;
        }
        r.action_end = static_cast<std::uint32_t>(fp.actions.size());
        fp.reads.push_back(r);
      }
      feed.read_end = static_cast<std::uint32_t>(fp.reads.size());
      if (prog.targets[t].group) {
        fp.group_feeds.push_back({s.group, feed.predicate, feed.action_begin, feed.action_end});
        continue;
      }
      for (const message::node* n : s.segments) {
        if (n->index >= nodes_) return fail();
        per_node[n->index].push_back(feed);
      }
    }
    fp.node_first.assign(nodes_ + 1, 0);
    for (std::size_t k = 0; k < nodes_; ++k) {
      fp.node_first[k] = static_cast<std::uint32_t>(fp.feeds.size());
      fp.feeds.insert(fp.feeds.end(), per_node[k].begin(), per_node[k].end());
    }
    fp.node_first[nodes_] = static_cast<std::uint32_t>(fp.feeds.size());
    flatten(fp);
    const std::size_t depth = prog.unit->unit_groups;
    const std::uint32_t index = static_cast<std::uint32_t>(out_.programs.size());
    if (depth == 0) {
      out_.at_root.push_back(index);
    } else {
      const message::node* g = prog.unit->steps[depth - 1].group;
      if (g == nullptr || g->index >= nodes_) return fail();
      out_.by_group[g->index].push_back(index);
    }
    if (out_.node_qualifier.empty()) out_.node_qualifier = prog.node_qualifier;
    out_.programs.push_back(std::move(fp));
  }

  void finish() {
    if (failed_) {
      out_ = fast_definition{};
      return;
    }
    out_.fact_first.assign(nodes_ + 1, 0);
    for (std::size_t k = 0; k < nodes_; ++k) {
      out_.fact_first[k] = static_cast<std::uint32_t>(out_.fact_feeds.size());
      out_.fact_feeds.insert(out_.fact_feeds.end(), node_facts_[k].begin(), node_facts_[k].end());
    }
    out_.fact_first[nodes_] = static_cast<std::uint32_t>(out_.fact_feeds.size());
    if (out_.node_qualifier.size() != nodes_) out_.node_qualifier.assign(nodes_, {0, 0});
    out_.usable = true;
  }

 private:
  void fail() { failed_ = true; }

  // The feeds of each node as one op stream (fast_op).
  static void flatten(fast_program& fp) {
    using code = fast_op::code;
    const std::size_t nodes = fp.node_first.size() - 1;
    fp.op_first.assign(nodes + 1, 0);
    for (std::size_t k = 0; k < nodes; ++k) {
      fp.op_first[k] = static_cast<std::uint32_t>(fp.ops.size());
      for (std::uint32_t f = fp.node_first[k]; f < fp.node_first[k + 1]; ++f) {
        const fast_feed& feed = fp.feeds[f];
        std::size_t pred = fp.ops.size();
        if (feed.predicate != nullptr) {
          fast_op o;
          o.op = code::pred;
          o.data = feed.predicate;
          fp.ops.push_back(o);
        }
        for (std::uint32_t a = feed.action_begin; a < feed.action_end; ++a) {
          fast_op o;
          o.op = fp.actions[a].kind == fast_action::what::count ? code::count : code::forbid;
          o.slot = fp.actions[a].slot;
          o.action = a;
          fp.ops.push_back(o);
        }
        for (std::uint32_t r = feed.read_begin; r < feed.read_end; ++r) {
          const fast_read& rd = fp.reads[r];
          const std::size_t read = fp.ops.size();
          fast_op o;
          o.op = rd.repeats ? code::read_repeated : code::read;
          o.element = rd.element;
          o.component = rd.component;
          o.repeats = rd.repeats;
          fp.ops.push_back(o);
          for (std::uint32_t a = rd.action_begin; a < rd.action_end; ++a) {
            const fast_action& act = fp.actions[a];
            fast_op v;
            v.action = a;
            v.slot = act.slot;
            switch (act.kind) {
              case fast_action::what::found:
                v.op = code::found;
                break;
              case fast_action::what::codes:
                v.op = code::codes;
                v.data = act.codes;
                break;
              case fast_action::what::pattern:
                v.op = code::pattern;
                v.data = act.regex;
                break;
              case fast_action::what::max_length:
                v.op = code::max_length;
                v.arg = act.length;
                break;
              case fast_action::what::date_fixed:
                v.op = code::date;
                v.arg = date_slot(act.c->source->args);
                break;
              default:
                v.op = code::check;
                break;
            }
            fp.ops.push_back(v);
          }
          fp.ops[read].skip = static_cast<std::uint32_t>(fp.ops.size());
        }
        if (feed.predicate != nullptr)
          fp.ops[pred].skip = static_cast<std::uint32_t>(fp.ops.size());
      }
      fast_op stop;
      stop.op = code::end;
      fp.ops.push_back(stop);
    }
    fp.op_first[nodes] = static_cast<std::uint32_t>(fp.ops.size());
    // skip from an index to a distance (the walk steps an op pointer, not an index).
    for (std::size_t x = 0; x < fp.ops.size(); ++x) {
      const code c = fp.ops[x].op;
      if (c == code::pred || c == code::read || c == code::read_repeated) {
        fp.ops[x].skip -= static_cast<std::uint32_t>(x);
      }
    }
  }

  // A `when` whose targets are own segments of its anchor (one segment step below it): a
  // fact gathered in the walk's first pass. Anything else is not expressed here.
  bool condition(const unit_condition& uc, fast_condition& fc) {
    const resolved_path& p = *uc.path;
    if (p.steps.size() != p.shared + 1) return false;
    const resolved_step& s = p.steps.back();
    if (s.kind != step_kind::segment) return false;
    fast_fact f;
    f.has_element = p.has_element;
    f.element = p.element;
    f.component = p.component;
    f.repeats = p.element_def != nullptr && p.element_def->repeat_max > 1;
    f.per_instance = p.shared > 0;
    f.values = &uc.cond->values;
    fc.depth = static_cast<std::uint32_t>(p.shared);
    fc.kind = uc.cond->kind;
    for (std::uint32_t x = 0; x < out_.facts.size(); ++x) {
      const fast_fact& o = out_.facts[x];
      const resolved_step& os = *fact_steps_[x];
      if (os.segments == s.segments && os.has_predicate == s.has_predicate &&
          os.values == s.values && o.has_element == f.has_element && o.element == f.element &&
          o.component == f.component && o.repeats == f.repeats &&
          o.per_instance == f.per_instance && *o.values == *f.values) {
        fc.fact = x;
        return true;
      }
    }
    fc.fact = static_cast<std::uint32_t>(out_.facts.size());
    out_.facts.push_back(f);
    fact_steps_.push_back(&s);
    for (const message::node* n : s.segments) {
      if (n->index >= nodes_) return false;
      node_facts_[n->index].push_back({fc.fact, s.has_predicate ? &s.values : nullptr});
    }
    return true;
  }

  fast_definition& out_;
  std::size_t nodes_ = 0;
  bool failed_ = false;
  std::vector<const resolved_step*> fact_steps_;
  std::vector<std::vector<fast_fact_feed>> node_facts_;
};

}  // namespace

fast_definition build_fast(const compiled_profile&, const message::definition& def,
                           const definition_programs& dp) {
  fast_definition out;
  fast_builder b(def, out);
  for (const unit_program& prog : dp.units) b.add(prog);
  b.finish();
  return out;
}

}  // namespace detail

namespace {

using detail::allowed;
using detail::char_length;
using detail::decided;
using detail::fast_action;
using detail::fast_definition;
using detail::fast_program;
using detail::per_type;
using message::message_tree;

// Per-thread storage of the walk, reused from message to message (capacity kept).
struct scratch {
  std::vector<std::uint8_t> facts;  // bit 1: a non-empty value seen, bit 2: one in the values
  std::vector<std::uint32_t> fact_base;
  std::vector<std::uint32_t> stack;  // open instances, stack[d] at depth d
  struct attached {
    const detail::fast_program* program = nullptr;
    std::uint32_t base = 0;  // its slots in `slots`
  };
  std::vector<attached> units;
  std::vector<std::uint32_t> level_first;  // units of stack level d from level_first[d]
  std::vector<std::uint32_t> slots;
  std::string literal;
};

class fast_walk {
 public:
  fast_walk(const edifact::interchange& ic, const message_tree& tree, const fast_definition& fd,
            const validate_options& opt, scratch& s)
      : ic_(ic), tree_(tree), fd_(fd), opt_(opt), s_(s) {
    nodes_ = tree.def->nodes.size();
    plain_reads_ = !tree.delims().has_repetition;
    release_ = tree.delims().has_release;
  }

  bool run() {
    if (fd_.node_qualifier.size() != nodes_ || fd_.fact_first.size() != nodes_ + 1) return false;
    reset_facts();
    return walk();
  }

 private:
  // ---- reads (as validate.cpp's evaluator) ----------------------------------------------------

  std::uint32_t node_of(std::size_t i) const noexcept {
    const message::node* m = tree_.segments[i].matched;
    if (m == nullptr) return static_cast<std::uint32_t>(nodes_);
    if (m->is_group()) m = &m->content.front();
    return m->index < nodes_ ? m->index : static_cast<std::uint32_t>(nodes_);
  }
  std::string_view qualifier(std::uint32_t k, std::size_t i) const noexcept {
    if (plain_reads_ && tree_.segments[i].matched == tree_.def->nodes[k]) {
      const auto [el, co] = fd_.node_qualifier[k];
      if (el == 0) return {};
      return tree_.component(i, el, co);
    }
    return tree_.qualifier(i);
  }
  // The same from the segment's index entry (taken once per segment in segment()): the index
  // is not looked up again for each predicate.
  std::string_view qualifier(std::uint32_t k, std::size_t i, const std::uint16_t* ix,
                             const char* rest) const noexcept {
    if (tree_.segments[i].matched == tree_.def->nodes[k]) {
      const auto [el, co] = fd_.node_qualifier[k];
      if (el == 0) return {};
      return component(ix, rest, el, co);
    }
    return tree_.qualifier(i);
  }
  std::string_view trigger_qualifier(std::uint32_t inst) const noexcept {
    const message::node* g = tree_.instances[inst].group;
    return tree_.value(tree_.instances[inst].first, g->qualifier_element, g->qualifier_component);
  }
  std::string_view read(std::size_t i, std::uint16_t element, std::uint16_t component,
                        std::uint16_t r) const noexcept {
    if (r != 1 || !plain_reads_) return tree_.value(i, element, component, r);
    return tree_.component(i, element, component);
  }
  // message_tree::component() from a segment's element index entry ix (element_index layout:
  // count, firsts, starts) and the body after its leading separator, taken once per segment.
  // Two pointers instead of split_view's four values: the op loop in segment() is short of
  // registers, and the count, firsts and starts are one L1 load each from ix.
  static std::string_view component(const std::uint16_t* ix, const char* rest, std::size_t n,
                                    std::size_t c) noexcept {
    const std::size_t count = ix[0];
    if (n == 0 || n > count) return {};
    const std::uint16_t* const firsts = ix + 1;
    const std::uint16_t* const starts = ix + count + 2;
    const std::size_t g = firsts[n - 1];
    const std::size_t last = firsts[n];
    if (c == 0) return {rest + starts[g], starts[last] - 1u - starts[g]};
    if (c > last - g) return {};
    const std::size_t k = g + c - 1;
    return {rest + starts[k], starts[k + 1] - 1u - starts[k]};
  }
  std::uint16_t repetitions(std::size_t i, std::uint16_t element, bool repeats) const noexcept {
    return repeats ? std::max<std::uint16_t>(1, tree_.occurrences(i, element)) : 1;
  }
  bool may_escape(std::size_t i) const noexcept {
    if (!release_) return false;
    return tree_.seg(i).escaped();
  }
  // The literal value (release characters removed; then it lives in s_.literal until the next
  // call).
  std::string_view literal(std::string_view raw, bool escaped) {
    if (!escaped) return raw;
    const char release = tree_.delims().release;
    if (std::find(raw.begin(), raw.end(), release) == raw.end()) return raw;
    s_.literal.clear();
    edifact::unescape(raw, tree_.delims(), s_.literal);
    return s_.literal;
  }

  // ---- condition facts, per anchor instance, found when first asked ---------------------------
  //
  // Conditions are only asked when a check fails or a group rule's count is off (rare in a
  // clean message), so a fact is read from its anchor's own segments on demand and kept:
  // bit 1 a non-empty value seen, bit 2 one in the values, bit 4 known.

  void reset_facts() {
    const std::size_t n = tree_.instances.size();
    s_.fact_base.clear();
    std::size_t total = 0;
    for (const detail::fast_fact& f : fd_.facts) {
      s_.fact_base.push_back(static_cast<std::uint32_t>(total));
      total += f.per_instance ? n : 1;
    }
    s_.facts.assign(total, 0);
  }

  std::uint8_t fact(std::uint32_t which, std::uint32_t anchor) {
    const detail::fast_fact& f = fd_.facts[which];
    std::uint8_t& bits = s_.facts[s_.fact_base[which] + (f.per_instance ? anchor : 0)];
    if ((bits & 4) != 0) return bits;
    // A fact of the message itself (anchored at the root) is found together with every other
    // such fact not known yet (bit 8 while the scan runs): one scan of the root's own segments
    // for all of them instead of one each. The scan steps through the whole instance list
    // (40,000 instances in a 20k-traveller PAXLST), and a clean baseline PAXLST asks two root
    // facts (BGM conditions of rules whose checks fail where their `when` does not hold).
    const bool all_root = !f.per_instance && anchor == 0;
    if (all_root) {
      for (std::uint32_t x = 0; x < fd_.facts.size(); ++x) {
        if (fd_.facts[x].per_instance) continue;
        std::uint8_t& b = s_.facts[s_.fact_base[x]];
        if ((b & 4) == 0) b = 4 | 8;
      }
    } else {
      bits = 4 | 8;
    }
    // The anchor's own segments: its range without the ranges of its child instances (a
    // subtree is contiguous), so that a fact of the message root does not read every segment.
    const message::group_instance& g = tree_.instances[anchor];
    const std::size_t n = tree_.instances.size();
    const std::size_t last = std::min<std::size_t>(g.last, tree_.segments.size() - 1);
    std::size_t child = anchor + 1;
    for (std::size_t i = g.first; i <= last; ++i) {
      while (child < n && tree_.instances[child].first < i) ++child;
      if (child < n && tree_.instances[child].first == i &&
          tree_.instances[child].parent == anchor) {
        i = std::max<std::size_t>(i, tree_.instances[child].last);  // past the child's subtree
        continue;
      }
      if (tree_.segments[i].instance != anchor) continue;
      const std::uint32_t k = node_of(i);
      if (k >= nodes_) continue;
      for (std::uint32_t x = fd_.fact_first[k]; x < fd_.fact_first[k + 1]; ++x) {
        const detail::fast_fact_feed& ff = fd_.fact_feeds[x];
        const detail::fast_fact& h = fd_.facts[ff.fact];
        if (ff.fact != which && (!all_root || h.per_instance)) continue;
        std::uint8_t& out = ff.fact == which ? bits : s_.facts[s_.fact_base[ff.fact]];
        if ((out & 8) == 0) continue;  // known before this scan
        if (ff.predicate != nullptr && !detail::in_list(qualifier(k, i), *ff.predicate)) continue;
        if (!h.has_element) {
          out |= 1;
          if (detail::in_list(tree_.qualifier(i), *h.values)) out |= 2;
          continue;
        }
        const bool escaped = may_escape(i);
        const std::uint16_t reps = repetitions(i, h.element, h.repeats);
        for (std::uint16_t r = 1; r <= reps; ++r) {
          const std::string_view v = literal(read(i, h.element, h.component, r), escaped);
          if (v.empty()) continue;
          out |= 1;
          if (detail::in_list(v, *h.values)) out |= 2;
        }
      }
    }
    if (all_root) {
      for (std::uint32_t x = 0; x < fd_.facts.size(); ++x) {
        if (!fd_.facts[x].per_instance) s_.facts[s_.fact_base[x]] &= std::uint8_t{0xF7};
      }
    } else {
      bits &= std::uint8_t{0xF7};
    }
    return bits;
  }

  // Whether all of an action's conditions hold at the current unit (the top of the stack, or
  // the closing instance). Out of line: asked only when a check fails.
  [[gnu::noinline]] bool conditions_hold(const fast_program& p, const fast_action& act) {
    return conditions_hold(p, act.cond_begin, act.cond_end);
  }
  [[gnu::noinline]] bool conditions_hold(const fast_program& p, std::uint32_t begin,
                                         std::uint32_t end) {
    for (std::uint32_t x = begin; x < end; ++x) {
      const detail::fast_condition& fc = p.conds[x];
      if (fc.depth >= s_.stack.size()) return true;  // not decided here: give up
      const std::uint8_t bits = fact(fc.fact, s_.stack[fc.depth]);
      if (!decided(fc.kind, (bits & 2) != 0, (bits & 1) != 0)) return false;
    }
    return true;
  }

  // ---- second pass: units opened and closed along the segment array ---------------------------

  bool walk() {
    const std::size_t n = tree_.instances.size();
    s_.stack.clear();
    s_.units.clear();
    s_.level_first.clear();
    slots_top_ = 0;
    std::size_t opened = 1;
    open_level(0);
    for (const std::uint32_t p : fd_.at_root) attach(p);
    const message::segment_entry* const segments = tree_.segments.data();
    const std::size_t count = tree_.segments.size();
    std::uint32_t top = 0;  // s_.stack.back()
    for (std::size_t i = 0; i < count; ++i) {
      const std::uint32_t j = segments[i].instance;
      if (j != top) {
        if (j >= n) return false;
        if (j != 0 && tree_.instances[j].first == i) {
          const std::uint32_t parent = tree_.instances[j].parent;
          while (s_.stack.back() != parent) {
            if (s_.stack.size() == 1 || !close()) return false;
          }
          if (!open(j)) return false;
          ++opened;
        } else {
          while (s_.stack.back() != j) {
            if (s_.stack.size() == 1 || !close()) return false;
          }
        }
        top = j;
      }
      if (!segment(i)) return false;
    }
    while (!s_.stack.empty()) {
      if (!close()) return false;
    }
    // Every instance met at its trigger: otherwise the tree is not one this walk understands.
    return opened == n;
  }

  void open_level(std::uint32_t inst) {
    s_.stack.push_back(inst);
    s_.level_first.push_back(static_cast<std::uint32_t>(s_.units.size()));
  }
  void attach(std::uint32_t p) {
    // The open units' slots are a stack in s_.slots, whose size only grows (kept from message
    // to message): a resize per instance (zero-filling through the vector) cost more than the
    // few slots themselves.
    const std::uint32_t n = fd_.programs[p].slots;
    if (slots_top_ + n > s_.slots.size()) s_.slots.resize(2 * (std::size_t{slots_top_} + n));
    s_.units.push_back({&fd_.programs[p], slots_top_});
    std::fill_n(s_.slots.data() + slots_top_, n, 0u);
    slots_top_ += n;
  }

  // Child instance j of the top instance opens: the parent's units see it as a group
  // occurrence, then j becomes a unit of the programs whose unit path it matches.
  bool open(std::uint32_t j) {
    const message::group_instance& g = tree_.instances[j];
    if (g.group == nullptr || g.depth != s_.stack.size() || g.group->index >= nodes_) return false;
    for (std::uint32_t u = s_.level_first.back(); u < s_.units.size(); ++u) {
      const fast_program& p = *s_.units[u].program;
      for (const detail::fast_group_feed& gf : p.group_feeds) {
        if (gf.group != g.group) continue;
        if (gf.predicate != nullptr && !detail::in_list(trigger_qualifier(j), *gf.predicate)) {
          continue;
        }
        for (std::uint32_t a = gf.action_begin; a < gf.action_end; ++a) {
          if (!occurrence(p, p.actions[a], s_.slots.data() + s_.units[u].base)) return false;
        }
      }
    }
    open_level(j);
    for (const std::uint32_t p : fd_.by_group[g.group->index]) {
      if (unit_matches(*fd_.programs[p].unit)) attach(p);
    }
    return true;
  }

  // Whether the open chain (stack) is an instance of the unit path's leading group steps.
  bool unit_matches(const detail::resolved_path& u) const noexcept {
    const std::size_t d = u.unit_groups;
    if (d + 1 != s_.stack.size()) return false;
    for (std::size_t s = 0; s < d; ++s) {
      const std::uint32_t inst = s_.stack[s + 1];
      const detail::resolved_step& step = u.steps[s];
      if (tree_.instances[inst].group != step.group) return false;
      if (step.has_predicate && !detail::in_list(trigger_qualifier(inst), step.values)) {
        return false;
      }
    }
    return true;
  }

  // The top instance closes: its units' group rules are decided from their slots.
  bool close() {
    const std::uint32_t first = s_.level_first.back();
    for (std::uint32_t u = first; u < s_.units.size(); ++u) {
      const fast_program& p = *s_.units[u].program;
      const std::uint32_t base = s_.units[u].base;
      for (const detail::fast_close& c : p.closes) {
        const std::uint32_t v = s_.slots[base + c.slot];
        const bool bad =
            c.count ? (c.min && v < *c.min) || (c.max && v > *c.max) || (c.even && v % 2 != 0)
                    : v == 0;
        if (bad && conditions_hold(p, c.cond_begin, c.cond_end)) return false;
      }
    }
    if (first < s_.units.size()) slots_top_ = s_.units[first].base;
    s_.units.resize(first);
    s_.level_first.pop_back();
    s_.stack.pop_back();
    return true;
  }

  // Tree segment i, an own segment of the top instance: the op stream of its node in each
  // program whose unit the instance is. Always inline into walk(): GCC otherwise decides by the
  // size of the code around it (a smaller attach() was enough to keep it out of line, +4.2 M
  // instructions per 20k-traveller PAXLST), so that unrelated edits moved the stage's cost.
  [[gnu::always_inline]] bool segment(std::size_t i) {
    using code = detail::fast_op::code;
    const scratch::attached* u = s_.units.data() + s_.level_first.back();
    const scratch::attached* const units_end = s_.units.data() + s_.units.size();
    if (u == units_end) return true;
    const std::uint32_t k = node_of(i);
    if (k >= nodes_) return true;
    const bool escaped = may_escape(i);
    // The segment's element index read once (the first occurrence of an element without a
    // repetition separator is its component; anything else goes through read()).
    // ix null: not indexed, or repetition separators in play (reads then go through read()).
    const std::uint16_t* ix = nullptr;
    const char* rest = nullptr;
    if (plain_reads_ && tree_.segments[i].first_element != message::no_element_index) {
      ix = tree_.element_index.data() + tree_.segments[i].first_element;
      rest = tree_.split(i).rest;
    }
    std::uint32_t* const slots = s_.slots.data();
    for (; u != units_end; ++u) {
      std::uint32_t* const base = slots + u->base;
      // The node's ops end with an `end` op, and pred/read skip by a distance: the loop keeps
      // one op pointer live instead of the array, an index and its end (registers).
      // The program is read through u in the checks' (rare) failure paths: kept in a register
      // for the whole loop, it displaced values the loop needs on every op.
      const detail::fast_op* o = u->program->ops.data() + u->program->op_first[k];
      std::string_view v;
      for (;; ++o) {
        switch (o->op) {
          case code::end:
            goto next_unit;
          case code::pred:
            // The qualifier is read again for each predicate rather than kept across ops
            // (registers, as ix above).
            if (!detail::in_list(ix != nullptr ? qualifier(k, i, ix, rest) : qualifier(k, i),
                                 *static_cast<const std::vector<std::string>*>(o->data))) {
              o += o->skip - 1;
              continue;
            }
            break;
          case code::count:
            ++base[o->slot];
            break;
          case code::forbid:
            if (conditions_hold(*u->program, u->program->actions[o->action])) return false;
            break;
          case code::read_repeated:
            if (!repeated(*u->program, o, i, escaped, base)) return false;
            o += o->skip - 1;
            continue;
          case code::read: {
            const std::string_view raw = ix != nullptr
                                             ? component(ix, rest, o->element, o->component)
                                             : read(i, o->element, o->component, 1);
            if (raw.empty()) {  // unescaping never makes a value non-empty
              o += o->skip - 1;
              continue;
            }
            v = literal(raw, escaped);
            if (v.empty()) {
              o += o->skip - 1;
              continue;
            }
            break;
          }
          case code::found:
            base[o->slot] = 1;
            break;
          case code::codes:
            if (!static_cast<const detail::code_set*>(o->data)->contains(v) &&
                conditions_hold(*u->program, u->program->actions[o->action])) {
              return false;
            }
            break;
          case code::pattern:
            if (!static_cast<const detail::simple_regex*>(o->data)->matches(v) &&
                conditions_hold(*u->program, u->program->actions[o->action])) {
              return false;
            }
            break;
          case code::max_length:
            if (v.size() > o->arg && !clean(u->program->actions[o->action], i, v) &&
                conditions_hold(*u->program, u->program->actions[o->action])) {
              return false;
            }
            break;
          case code::date:
            if (!date_clean(u->program->actions[o->action], o->arg, v) &&
                conditions_hold(*u->program, u->program->actions[o->action])) {
              return false;
            }
            break;
          case code::check:
            if (!clean(u->program->actions[o->action], i, v) &&
                conditions_hold(*u->program, u->program->actions[o->action])) {
              return false;
            }
            break;
          default:
            // flatten() writes only the codes above: no range check before the jump table.
            __builtin_unreachable();
        }
      }
    next_unit:;
    }
    return true;
  }

  // A repeating element's value ops (read + 1 up to read + read->skip) on each of its values.
  [[gnu::noinline]] bool repeated(const fast_program& p, const detail::fast_op* read_op,
                                  std::size_t i, bool escaped, std::uint32_t* base) {
    const detail::fast_op& read = *read_op;
    const std::uint16_t reps = repetitions(i, read.element, true);
    for (std::uint16_t rep = 1; rep <= reps; ++rep) {
      const std::string_view raw = this->read(i, read.element, read.component, rep);
      if (raw.empty()) continue;
      const std::string_view v = literal(raw, escaped);
      if (v.empty()) continue;
      for (const detail::fast_op* y = read_op + 1; y != read_op + read.skip; ++y) {
        const fast_action& act = p.actions[y->action];
        if (act.kind == fast_action::what::found) {
          base[act.slot] = 1;
          continue;
        }
        if (!clean(act, i, v) && conditions_hold(p, act)) return false;
      }
    }
    return true;
  }

  bool occurrence(const fast_program& p, const fast_action& act, std::uint32_t* base) {
    if (act.kind == fast_action::what::count) {
      ++base[act.slot];
      return true;
    }
    // forbid: the occurrence is a finding when the rule's conditions hold
    return !conditions_hold(p, act.cond_begin, act.cond_end);
  }

  // Whether the rule's check passes value v of tree segment i (false: it would report, or it
  // is not decided here).
  bool clean(const fast_action& act, std::size_t i, std::string_view v) {
    using what = fast_action::what;
    switch (act.kind) {
      case what::codes:
        return act.codes->contains(v);
      case what::pattern:
        return act.regex->matches(v);
      case what::max_length:
        return v.size() <= act.length || char_length(v) <= act.length;
      case what::min_length:
        return char_length(v) >= act.length;
      case what::date_fixed:
        return date_clean(act, detail::date_slot(act.c->source->args), v);
      case what::codes_by_qualifier: {
        const detail::compiled_rule& c = *act.c;
        const detail::code_set* set = c.has_fallback_set ? &c.codes : nullptr;
        const std::string_view q = tree_.qualifier(i);
        for (const auto& [key, s] : c.qualifier_sets) {
          if (key == q) set = &s;
        }
        return set == nullptr || set->contains(v);
      }
      case what::regex:
        return std::regex_match(v.begin(), v.end(), *act.c->regex);
      case what::total:
        return total_clean(act, v);
      case what::date_valid:
        return date_valid_clean(act, v);
      case what::value_forbidden:
      case what::general:
      case what::count:
      case what::forbid:
      case what::found:
        break;
    }
    return false;
  }

  // validate.cpp's date_valid check (out of line: PNRGOV's only; inline it changed the code of
  // every other check).
  [[gnu::noinline]] bool date_valid_clean(const fast_action& act, std::string_view v) {
    return detail::date_valid(v, act.c->source->args.format, detail::today_of(opt_));
  }

  // validate.cpp's date_fixed_clean(): the clean case of YYMMDD against the fixed reference.
  // slot: date_slot(the rule's args).
  bool date_clean(const fast_action& act, std::uint32_t slot, std::string_view v) {
    const rule_args& a = act.c->source->args;
    if (!dates_known_[slot]) [[unlikely]] {
      dates_[slot] = detail::fixed_date_reference(ic_, tree_, a.compare_to, a.century_rule, opt_);
      dates_known_[slot] = true;
    }
    const detail::fixed_date& ref = dates_[slot];
    if (!ref.has_target) return true;  // nothing to compare with: the rule judges nothing
    return a.format == date_format::yymmdd && ref.yymmdd.clean(v, a.rel);
  }

  // validate.cpp's check_total(), giving up where earlier parts would be counted.
  bool total_clean(const fast_action& act, std::string_view v) const {
    const detail::compiled_rule& c = *act.c;
    const rule_args& a = c.source->args;
    auto digits = [](std::string_view t) {
      return std::all_of(t.begin(), t.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
    };
    if (v.size() > 9 || !digits(v)) return false;
    std::size_t declared = 0;
    for (const char ch : v) declared = declared * 10 + static_cast<std::size_t>(ch - '0');
    if (a.logical_message) {
      const edifact::message_view& m = ic_.messages[tree_.message_index];
      if (m.first_last == "C") return true;  // more parts follow: the total is not known yet
      std::size_t part = 1;
      if (!m.sequence.empty() && m.sequence.size() <= 4 && digits(m.sequence)) {
        part = 0;
        for (const char ch : m.sequence) part = part * 10 + static_cast<std::size_t>(ch - '0');
      }
      if (part > 1 && opt_.earlier_parts.size() + 1 < part) return true;  // earlier parts unknown
      if (!opt_.earlier_parts.empty()) return false;                      // counted by validate()
    }
    const detail::resolved_step& s = c.other.steps.back();
    if (c.other.shared >= s_.stack.size()) return false;
    const std::uint32_t anchor = s_.stack[c.other.shared];
    std::size_t counted = 0;
    for (std::size_t j = 1; j < tree_.instances.size(); ++j) {
      const message::group_instance& g = tree_.instances[j];
      if (g.parent != anchor || g.group != s.group) continue;
      if (s.has_predicate &&
          !detail::in_list(trigger_qualifier(static_cast<std::uint32_t>(j)), s.values)) {
        continue;
      }
      ++counted;
    }
    return declared == counted;
  }

  const edifact::interchange& ic_;
  const message_tree& tree_;
  const fast_definition& fd_;
  const validate_options& opt_;
  scratch& s_;
  std::size_t nodes_ = 0;
  bool plain_reads_ = true;
  bool release_ = false;
  std::uint32_t slots_top_ = 0;  // the open units' slots: s_.slots[0, slots_top_)
  detail::fixed_date dates_[4 * 3];
  bool dates_known_[4 * 3] = {};
};

}  // namespace

bool fast_validate(const edifact::interchange& ic, std::size_t message_index,
                   const message::message_tree& tree, const profile& prof,
                   const validate_options& opt) {
  if (opt.report_accepted) return false;
  if (message_index >= ic.messages.size()) return true;  // validate() looks at nothing
  // validate()'s message-level envelope settings (an `accept` one is never reported).
  const envelope_settings& env = prof.envelope();
  const edifact::message_view& m = ic.messages[message_index];
  if (env.severity != rule_severity::accept) {
    if (env.ung_required && m.group < 0) return false;
    if (const auto* list = per_type(env.unh_association, m.type);
        list != nullptr && !allowed(*list, m.association)) {
      return false;
    }
    if (const auto* list = per_type(env.directories, m.type); list != nullptr) {
      const std::string dir = std::string(m.version) + ":" + std::string(m.release);
      if (!allowed(*list, dir)) return false;
    }
  }
  // evaluate_rules()'s early returns: no rules are run.
  if (tree.def == nullptr || tree.segments.empty() || tree.instances.empty()) return true;
  if (prof.compiled().rules_for(tree.def) == nullptr) return true;
  const fast_definition* fd = prof.compiled().fast_for(tree.def);
  if (fd == nullptr || !fd->usable || tree.source == nullptr) return false;
  thread_local scratch s;
  fast_walk walk(ic, tree, *fd, opt, s);
  return walk.run();
}

}  // namespace apipnr::profile
