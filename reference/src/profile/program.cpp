// Per-unit programs of a profile's rules (compiled.hpp): built once per definition at load.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <vector>

#include "compiled.hpp"

namespace apipnr::profile::detail {

bool same_unit(const resolved_path& a, const resolved_path& b) noexcept {
  if (a.unit_groups != b.unit_groups) return false;
  for (std::size_t s = 0; s < a.unit_groups; ++s) {
    const resolved_step& x = a.steps[s];
    const resolved_step& y = b.steps[s];
    if (x.group != y.group || x.has_predicate != y.has_predicate || x.values != y.values) {
      return false;
    }
  }
  return true;
}

namespace {

// Two steps select the same things: same kind, same nodes, same predicate.
bool same_step(const resolved_step& a, const resolved_step& b) noexcept {
  return a.kind == b.kind && a.group == b.group && a.segments == b.segments &&
         a.has_predicate == b.has_predicate && a.values == b.values;
}

class program_builder {
 public:
  program_builder(const message::definition& def, const resolved_path& unit) {
    prog_.unit = &unit;
    node_count_ = def.nodes.size();
    // Where message_tree::qualifier() reads the qualifier of a segment matched to node k
    // (the node's layout, or the group's for a trigger without one; {0, 0}: none), so that
    // the feed walk reads it through the component index without the call.
    prog_.node_qualifier.assign(node_count_, {0, 0});
    for (std::size_t k = 0; k < node_count_; ++k) {
      const message::node* n = def.nodes[k];
      if (n == nullptr || n->def == nullptr) continue;
      std::uint16_t el = n->def->qualifier_element;
      std::uint16_t co = n->def->qualifier_component;
      if (el == 0 && n->parent != nullptr && &n->parent->content[0] == n) {
        el = n->parent->qualifier_element;
        co = n->parent->qualifier_component;
      }
      if (el != 0) prog_.node_qualifier[k] = {el, co};
    }
  }

  // The target for step `s` (one step below the unit), added when new.
  std::uint32_t target(const resolved_step& s, bool group) {
    for (std::uint32_t t = 0; t < prog_.targets.size(); ++t) {
      if (prog_.targets[t].group == group && same_step(*prog_.targets[t].step, s)) return t;
    }
    unit_target t;
    t.step = &s;
    t.group = group;
    prog_.targets.push_back(std::move(t));
    return static_cast<std::uint32_t>(prog_.targets.size() - 1);
  }

  // The target of a path with exactly one step below the unit.
  std::uint32_t target_of(const resolved_path& p) {
    const resolved_step& s = p.steps.back();
    return target(s, s.kind == step_kind::group);
  }

  std::uint32_t column(std::uint32_t t, const resolved_path& p) {
    for (std::uint32_t c = 0; c < prog_.columns.size(); ++c) {
      const unit_column& x = prog_.columns[c];
      if (x.target == t && x.path->element == p.element && x.path->component == p.component &&
          x.path->element_def == p.element_def) {
        return c;
      }
    }
    unit_column col;
    col.target = t;
    col.path = &p;
    col.element = p.element;
    col.component = p.component;
    col.repeats = p.element_def != nullptr && p.element_def->repeat_max > 1;
    prog_.columns.push_back(col);
    prog_.targets[t].columns.push_back(static_cast<std::uint32_t>(prog_.columns.size() - 1));
    return static_cast<std::uint32_t>(prog_.columns.size() - 1);
  }

  std::uint32_t condition_slot(const condition& cond, const resolved_path& p) {
    for (std::uint32_t k = 0; k < prog_.conditions.size(); ++k) {
      const unit_condition& x = prog_.conditions[k];
      // Same text in the same definition resolves to the same path; within one program the
      // unit is the same, so the shared prefix is too.
      if (x.cond->select.text == cond.select.text && x.cond->kind == cond.kind &&
          x.cond->values == cond.values && x.path->shared == p.shared) {
        return k;
      }
    }
    unit_condition uc;
    uc.cond = &cond;
    uc.path = &p;
    // Anchored at the unit and one step below it: decided from the unit's targets.
    uc.local = p.shared == prog_.unit->unit_groups && p.steps.size() == p.shared + 1;
    if (uc.local) {
      uc.target = target_of(p);
      if (p.has_element) uc.column = column(uc.target, p);
    }
    prog_.conditions.push_back(uc);
    return static_cast<std::uint32_t>(prog_.conditions.size() - 1);
  }

  void add(std::uint32_t position, const compiled_rule& c) {
    unit_op op;
    op.rule = position;
    op.c = &c;
    op.check = c.source->check;
    op.structural = c.structural;
    op.accepted = c.source->severity == rule_severity::accept;
    op.silent_when_empty = op.check != check_kind::required && op.check != check_kind::count;
    for (std::size_t w = 0; w < c.when.size(); ++w) {
      op.conditions.push_back(condition_slot(c.source->when[w], c.when[w]));
    }
    op.target = target_of(c.select);
    if (c.select.has_element) op.column = column(op.target, c.select);
    prog_.ops.push_back(std::move(op));
  }

  unit_program finish() {
    // Segment targets by node index (counting sort, target order kept per node).
    prog_.node_first.assign(node_count_ + 1, 0);
    for (const unit_target& t : prog_.targets) {
      if (t.group) continue;
      for (const message::node* n : t.step->segments) {
        if (n->index < node_count_) ++prog_.node_first[n->index + 1];
      }
    }
    for (std::size_t k = 0; k < node_count_; ++k) prog_.node_first[k + 1] += prog_.node_first[k];
    prog_.node_targets.resize(prog_.node_first[node_count_]);
    std::vector<std::uint32_t> fill(prog_.node_first.begin(), prog_.node_first.end() - 1);
    for (std::uint32_t t = 0; t < prog_.targets.size(); ++t) {
      if (prog_.targets[t].group) {
        prog_.group_targets.push_back(t);
        continue;
      }
      const resolved_step& s = *prog_.targets[t].step;
      for (const message::node* n : s.segments) {
        if (n->index < node_count_) {
          prog_.node_targets[fill[n->index]++] = {t, s.has_predicate ? &s.values : nullptr};
        }
      }
    }
    std::vector<bool> plain(prog_.columns.size(), false);
    std::vector<bool> accepted(prog_.columns.size(), false);
    auto reads = [this](const unit_op& op, std::vector<bool>& used) {
      if (op.column != no_slot) used[op.column] = true;
      for (const std::uint32_t w : op.conditions) {
        if (prog_.conditions[w].column != no_slot) used[prog_.conditions[w].column] = true;
      }
    };
    for (std::uint32_t o = 0; o < prog_.ops.size(); ++o) {
      const unit_op& op = prog_.ops[o];
      if (op.structural) continue;  // reported by the group parser
      prog_.run_accepted.push_back(o);
      reads(op, accepted);
      if (op.accepted) continue;
      prog_.run_plain.push_back(o);
      reads(op, plain);
    }
    for (unit_target& t : prog_.targets) {
      for (const std::uint32_t c : t.columns) {
        if (plain[c]) t.read_plain.push_back(c);
        if (accepted[c]) t.read_accepted.push_back(c);
      }
    }
    prog_.plan_plain = plan(prog_.run_plain);
    prog_.plan_accepted = plan(prog_.run_accepted);
    return std::move(prog_);
  }

 private:
  // A direct check for `op`, or nothing when the op must run after the walk (unit_plan).
  std::optional<direct_check> direct(const unit_op& op) const {
    if (op.structural || !op.conditions.empty() || prog_.targets[op.target].group) return {};
    direct_check d;
    d.rule = op.rule;
    d.c = op.c;
    if (op.column == no_slot) {
      if (op.check != check_kind::forbidden) return {};
      d.kind = direct_check::how::segment_forbidden;
      return d;
    }
    switch (op.check) {
      case check_kind::required:
      case check_kind::count:
        return {};  // a verdict on the whole unit, not per value
      case check_kind::forbidden:
        d.kind = direct_check::how::value_forbidden;
        break;
      case check_kind::codes:
        // The fallback set alone decides: no per-qualifier sets, and a set to judge with.
        if (!op.c->by_qualifier && op.c->has_fallback_set) {
          d.kind = direct_check::how::codes;
          d.codes = &op.c->codes;
        }
        break;
      case check_kind::pattern:
        if (op.c->regex && op.c->regex_fast) {
          d.kind = direct_check::how::pattern;
          d.regex = &*op.c->regex_fast;
        }
        break;
      case check_kind::max_length:
        d.kind = direct_check::how::max_length;
        d.length = op.c->source->args.length;
        break;
      case check_kind::min_length:
        d.kind = direct_check::how::min_length;
        d.length = op.c->source->args.length;
        break;
      case check_kind::date_relation:
        // Against another path the reference depends on the unit: the general check.
        if (op.c->source->args.compare_to != compare_target::path) {
          d.kind = direct_check::how::date_fixed;
        }
        break;
      default:
        break;
    }
    const unit_column& col = prog_.columns[op.column];
    d.element = col.element;
    d.component = col.component;
    d.repeats = col.repeats;
    return d;
  }

  // The plan of one mode's running ops (`run`, rule order).
  unit_plan plan(const std::vector<std::uint32_t>& run) const {
    unit_plan out;
    const std::size_t nt = prog_.targets.size();
    std::vector<bool> fill(nt, false);
    std::vector<bool> reads(prog_.columns.size(), false);
    std::vector<std::vector<direct_check>> direct_of(nt);
    for (const std::uint32_t o : run) {
      const unit_op& op = prog_.ops[o];
      if (auto d = direct(op)) {
        direct_of[op.target].push_back(*d);
        continue;
      }
      out.generic.push_back(o);
      fill[op.target] = true;
      if (op.column != no_slot) reads[op.column] = true;
      for (const std::uint32_t w : op.conditions) {
        const unit_condition& uc = prog_.conditions[w];
        if (!uc.local) continue;  // decided by the generic walk from its anchor
        fill[uc.target] = true;
        if (uc.column != no_slot) reads[uc.column] = true;
      }
    }
    for (std::uint32_t t = 0; t < nt; ++t) {
      if (fill[t]) out.used_targets.push_back(t);
      if (fill[t] && prog_.targets[t].group) out.group_targets.push_back(t);
    }
    for (std::uint32_t c = 0; c < prog_.columns.size(); ++c) {
      if (reads[c]) out.used_columns.push_back(c);
    }
    // Feeds by node index, in target order per node, as node_targets; a feed nobody needs is
    // left out (its predicate is then not even asked).
    out.node_first.assign(node_count_ + 1, 0);
    for (std::size_t k = 0; k < node_count_; ++k) {
      out.node_first[k] = static_cast<std::uint32_t>(out.feeds.size());
      for (std::uint32_t x = prog_.node_first[k]; x < prog_.node_first[k + 1]; ++x) {
        const node_feed& nf = prog_.node_targets[x];
        const std::uint32_t t = nf.target;
        plan_feed f;
        f.target = t;
        f.predicate = nf.predicate;
        f.fill = fill[t];
        f.reads_begin = static_cast<std::uint32_t>(out.reads.size());
        for (const std::uint32_t c : prog_.targets[t].columns) {
          if (reads[c]) out.reads.push_back(c);
        }
        f.reads_end = static_cast<std::uint32_t>(out.reads.size());
        f.direct_begin = static_cast<std::uint32_t>(out.direct.size());
        out.direct.insert(out.direct.end(), direct_of[t].begin(), direct_of[t].end());
        f.direct_end = static_cast<std::uint32_t>(out.direct.size());
        if (!f.fill && f.reads_begin == f.reads_end && f.direct_begin == f.direct_end) continue;
        out.feeds.push_back(f);
      }
    }
    out.node_first[node_count_] = static_cast<std::uint32_t>(out.feeds.size());
    return out;
  }

  unit_program prog_;
  std::size_t node_count_ = 0;
};

}  // namespace

void share_conditions(definition_programs& dp) {
  // Same text, operator, values and anchor depth: the same answer at the same anchor.
  auto same = [](const unit_condition& a, const unit_condition& b) {
    return a.cond->select.text == b.cond->select.text && a.cond->kind == b.cond->kind &&
           a.cond->values == b.cond->values && a.path->shared == b.path->shared;
  };
  for (std::size_t p = 0; p < dp.units.size(); ++p) {
    for (unit_condition& c : dp.units[p].conditions) {
      if (c.memo != no_slot) continue;
      bool elsewhere = false;
      for (std::size_t q = p + 1; q < dp.units.size(); ++q) {
        for (unit_condition& o : dp.units[q].conditions) {
          if (o.memo == no_slot && same(c, o)) {
            o.memo = dp.memos;
            elsewhere = true;
          }
        }
      }
      if (elsewhere) c.memo = dp.memos++;
    }
  }
}

std::vector<unit_program> build_programs(const compiled_profile& cp,
                                         const std::vector<std::size_t>& rules,
                                         const message::definition& def) {
  std::vector<unit_program> out;
  std::vector<bool> done(rules.size(), false);
  for (std::size_t k = 0; k < rules.size(); ++k) {
    if (done[k]) continue;
    const compiled_rule& first = cp.rules[rules[k]];
    program_builder b(def, first.select);
    for (std::size_t m = k; m < rules.size(); ++m) {
      if (done[m] || !same_unit(first.select, cp.rules[rules[m]].select)) continue;
      done[m] = true;
      b.add(static_cast<std::uint32_t>(m), cp.rules[rules[m]]);
    }
    out.push_back(b.finish());
  }
  return out;
}

}  // namespace apipnr::profile::detail
