// Precompiled form of a profile's rules (private to the profile component).
//
// Every path is resolved once per definition of the rule's message type: group steps to group
// nodes, the segment step to the set of segment nodes with that tag at that level, element
// steps to a declared position and component. Evaluation then walks the message_tree
// comparing node pointers only.
#pragma once

#include <cstddef>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "apipnr/message/definitions.hpp"
#include "apipnr/profile/profile.hpp"
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

// Allowed values of a `codes` check.
struct code_set {
  std::vector<std::string> members;
  bool pattern_based = false;  // external list: membership by `pattern` (any when absent)
  std::optional<std::regex> pattern;
  std::optional<simple_regex> pattern_fast;  // `pattern` when the fast subset can express it
  std::vector<std::string> add;
  std::vector<std::string> remove;

  bool contains(std::string_view v) const;
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

struct compiled_profile {
  std::vector<compiled_rule> rules;
  // Per definition: indices into `rules`, in rule order.
  std::vector<std::pair<const message::definition*, std::vector<std::size_t>>> by_def;
  std::optional<std::regex> sender;
  // Strictest required-rule severity per mandatory node (missing_severity hook).
  std::vector<std::pair<const message::node*, rule_severity>> missing;

  const std::vector<std::size_t>* rules_for(const message::definition* d) const noexcept {
    for (const auto& [def, list] : by_def) {
      if (def == d) return &list;
    }
    return nullptr;
  }
};

}  // namespace apipnr::profile::detail
