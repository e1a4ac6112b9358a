#include "apipnr/harness/selection.hpp"

#include <algorithm>
#include <fstream>

#include "apipnr/harness/target.hpp"

namespace apipnr::harness {

namespace {

// Backtracking matcher; patterns and IDs are short, so the worst case does not matter.
bool match_from(std::string_view p, std::string_view t) {
  while (!p.empty()) {
    if (p.substr(0, 2) == "**") {
      std::string_view rest = p.substr(2);
      for (std::size_t k = 0; k <= t.size(); ++k)
        if (match_from(rest, t.substr(k))) return true;
      return false;
    }
    if (p.front() == '*') {
      std::string_view rest = p.substr(1);
      for (std::size_t k = 0; k <= t.size(); ++k) {
        if (match_from(rest, t.substr(k))) return true;
        if (k < t.size() && t[k] == '/') break;  // a single star stays in its segment
      }
      return false;
    }
    if (t.empty()) return false;
    if (p.front() == '?') {
      if (t.front() == '/') return false;
    } else if (p.front() != t.front()) {
      return false;
    }
    p.remove_prefix(1);
    t.remove_prefix(1);
  }
  return t.empty();
}

bool any_selects(const std::vector<std::string>& globs, std::string_view id,
                 std::string* which = nullptr) {
  for (const auto& g : globs) {
    if (glob_selects(g, id)) {
      if (which) *which = g;
      return true;
    }
  }
  return false;
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view text) {
  return match_from(pattern, text);
}

bool glob_selects(std::string_view pattern, std::string_view id) {
  while (!pattern.empty() && pattern.back() == '/') pattern.remove_suffix(1);
  if (pattern.empty()) return false;
  if (glob_match(pattern, id)) return true;
  // Ancestors: every prefix ending just before a '/'.
  for (std::size_t i = 0; i < id.size(); ++i)
    if (id[i] == '/' && glob_match(pattern, id.substr(0, i))) return true;
  return false;
}

std::string family_of(std::string_view case_id) {
  auto slash = case_id.rfind('/');
  return std::string(slash == std::string_view::npos ? case_id : case_id.substr(0, slash));
}

bool read_profile_list(const std::filesystem::path& vectors_root, std::string_view name,
                       std::set<std::string>& ids) {
  std::ifstream in(vectors_root / "profiles" / (std::string(name) + ".txt"));
  if (!in) return false;
  std::string line;
  while (std::getline(in, line)) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (line.empty() || line.front() == '#') continue;
    ids.insert(line);
  }
  return true;
}

std::vector<selected_case> select_cases(const vectors::corpus& c, const selection_options& o) {
  std::vector<selected_case> out;
  out.reserve(c.cases.size());
  for (const auto& spec : c.cases) {
    selected_case s;
    s.spec = &spec;
    std::string which;
    const std::string& first =
        spec.parts.empty() ? spec.input_bytes
                           : (spec.part_bytes.empty() ? spec.input_bytes : spec.part_bytes.front());
    // A sequence is routed by its first send step (all its sends go to one kind's endpoint).
    std::string_view head = first;
    for (const auto& st : spec.steps) {
      if (st.kind != vectors::step_kind::send) continue;
      head = st.bytes;
      break;
    }
    const std::string kind{to_string(kind_of(spec.id, head.substr(0, 512)))};
    if (spec.retired) {
      s.skip_reason = "retired";
    } else if (!o.run.empty() && !any_selects(o.run, spec.id)) {
      s.skip_reason = "not matched by --run";
    } else if (any_selects(o.skip, spec.id, &which)) {
      s.skip_reason = "matched by --skip " + which;
    } else if (!spec.profile.empty() && spec.profile != o.profile) {
      s.skip_reason = "profile " + spec.profile + " (running " + o.profile + ")";
    } else if (spec.level == "SHOULD" && !o.strict) {
      s.skip_reason = "SHOULD (use --strict)";
    } else if (!o.channel.empty() && !spec.transports.empty() &&
               std::find(spec.transports.begin(), spec.transports.end(), o.channel) ==
                   spec.transports.end()) {
      s.skip_reason = "not for transport " + o.channel;
    } else if (!o.available_kinds.empty() && o.available_kinds.count(kind) == 0) {
      s.skip_reason = "target has no endpoint for " + kind;
    } else if (o.without_ids.count(spec.id) != 0) {
      s.skip_reason = "excluded by --without";
    } else if (auto f = std::find_if(
                   spec.required_fixtures.begin(), spec.required_fixtures.end(),
                   [&](const std::string& name) { return o.fixtures.count(name) == 0; });
               f != spec.required_fixtures.end()) {
      // The expectation holds only for a receiver holding these lists (expect.cusres).
      s.skip_reason = "requires fixture " + *f + ", not declared by the target";
    } else {
      s.run = true;
    }
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace apipnr::harness
