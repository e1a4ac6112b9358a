// Nesting depth of a JSON value, measured without recursion.
//
// nlohmann::json parses and destroys documents of any depth without recursion, but dump(),
// operator== and the harness's own comparisons recurse once per level: a vendor's answer nested
// a few hundred thousand levels deep (a 1 MB line of '[') would overflow the stack of whatever
// compares or reports it. The harness measures the depth of such documents first and refuses to
// walk past `max_canonical_depth` (canonical_diff.hpp, diff_canonical in verdict.hpp).
//
// Errors: none (only std::bad_alloc). Thread safety: pure functions.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "apipnr/harness/verdict.hpp"

namespace apipnr::harness {

// Canonical documents are a handful of levels deep; this leaves room for any real one.
inline constexpr std::size_t max_canonical_depth = 256;

// The nesting depth of `v` (a scalar is 0, `[]` and `[1]` are 1), or `limit + 1` as soon as it
// is known to exceed `limit`.
inline std::size_t json_depth(const nlohmann::json& v, std::size_t limit = max_canonical_depth) {
  std::size_t deepest = 0;
  std::vector<std::pair<const nlohmann::json*, std::size_t>> stack{{&v, 1}};
  while (!stack.empty()) {
    const auto [j, d] = stack.back();
    stack.pop_back();
    if (!j->is_structured()) continue;
    if (d > limit) return limit + 1;
    deepest = std::max(deepest, d);
    for (const auto& child : *j) stack.emplace_back(&child, d + 1);
  }
  return deepest;
}

// The one difference reported for documents of which one is nested deeper than
// max_canonical_depth: pointer "", kind "different", each side's JSON text, or
// "(nested deeper than 256 levels)" for a side that is.
inline field_difference too_deep_difference(const nlohmann::json& expected,
                                            const nlohmann::json& actual) {
  auto text = [](const nlohmann::json& v) {
    return json_depth(v) > max_canonical_depth
               ? "(nested deeper than " + std::to_string(max_canonical_depth) + " levels)"
               : v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  };
  return {"", "different", text(expected), text(actual)};
}

}  // namespace apipnr::harness
