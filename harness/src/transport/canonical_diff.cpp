#include "apipnr/harness/canonical_diff.hpp"

#include <string_view>

#include "apipnr/harness/json_depth.hpp"

namespace apipnr::harness {
namespace {

using json = nlohmann::json;

class differ {
 public:
  explicit differ(const canonical_diff_options& o) : options_(o) {}

  std::vector<field_difference> run(const json& e, const json& a) {
    compare(e, a, "");
    return std::move(out_);
  }

 private:
  bool full() const { return out_.size() >= options_.max_differences; }

  bool ignored(const std::string& key) const {
    return !options_.ignore_prefix.empty() && key.rfind(options_.ignore_prefix, 0) == 0;
  }

  void add(std::string pointer, const char* kind, const json* e, const json* a) {
    if (full()) return;
    field_difference d;
    d.pointer = std::move(pointer);
    d.kind = kind;
    // Replace, not throw, on invalid UTF-8 in strings: a report must always be writable.
    if (e != nullptr) d.expected = e->dump(-1, ' ', false, json::error_handler_t::replace);
    if (a != nullptr) d.actual = a->dump(-1, ' ', false, json::error_handler_t::replace);
    out_.push_back(std::move(d));
  }

  // Equality that ignores `x_` members at every depth.
  bool equal(const json& e, const json& a) const {
    if (e.is_object() && a.is_object()) {
      for (auto it = e.begin(); it != e.end(); ++it) {
        if (ignored(it.key())) continue;
        auto other = a.find(it.key());
        if (other == a.end() || !equal(*it, *other)) return false;
      }
      for (auto it = a.begin(); it != a.end(); ++it) {
        if (!ignored(it.key()) && !e.contains(it.key())) return false;
      }
      return true;
    }
    if (e.is_array() && a.is_array()) {
      if (e.size() != a.size()) return false;
      for (std::size_t i = 0; i < e.size(); ++i) {
        if (!equal(e[i], a[i])) return false;
      }
      return true;
    }
    return e == a;
  }

  static bool matches(std::string_view pattern, std::string_view pointer) {
    while (true) {
      if (pattern.empty() || pointer.empty()) return pattern.empty() && pointer.empty();
      // Both start with '/': compare one token.
      const auto pe = pattern.find('/', 1);
      const auto te = pointer.find('/', 1);
      const auto ptok = pattern.substr(1, pe == std::string_view::npos ? pe : pe - 1);
      const auto ttok = pointer.substr(1, te == std::string_view::npos ? te : te - 1);
      if (ptok != "*" && ptok != ttok) return false;
      pattern = pe == std::string_view::npos ? std::string_view{} : pattern.substr(pe);
      pointer = te == std::string_view::npos ? std::string_view{} : pointer.substr(te);
    }
  }

  bool unordered(const std::string& pointer) const {
    for (const auto& p : options_.unordered_arrays) {
      if (p == pointer || matches(p, pointer)) return true;
    }
    return false;
  }

  void compare(const json& e, const json& a, const std::string& at) {
    if (full()) return;
    if (e.is_object() && a.is_object()) {
      for (auto it = e.begin(); it != e.end(); ++it) {
        if (ignored(it.key())) continue;
        const std::string p = at + "/" + escape_pointer_token(it.key());
        auto other = a.find(it.key());
        if (other == a.end()) {
          add(p, "missing", &*it, nullptr);
        } else {
          compare(*it, *other, p);
        }
      }
      for (auto it = a.begin(); it != a.end(); ++it) {
        if (ignored(it.key()) || e.contains(it.key())) continue;
        add(at + "/" + escape_pointer_token(it.key()), "unexpected", nullptr, &*it);
      }
      return;
    }
    if (e.is_array() && a.is_array()) {
      if (unordered(at)) {
        compare_unordered(e, a, at);
        return;
      }
      const std::size_t common = std::min(e.size(), a.size());
      for (std::size_t i = 0; i < common; ++i) compare(e[i], a[i], at + "/" + std::to_string(i));
      for (std::size_t i = common; i < e.size(); ++i) {
        add(at + "/" + std::to_string(i), "missing", &e[i], nullptr);
      }
      for (std::size_t i = common; i < a.size(); ++i) {
        add(at + "/" + std::to_string(i), "unexpected", nullptr, &a[i]);
      }
      return;
    }
    if (!(e == a)) add(at, "different", &e, &a);
  }

  void compare_unordered(const json& e, const json& a, const std::string& at) {
    std::vector<bool> used(a.size(), false);
    for (std::size_t i = 0; i < e.size(); ++i) {
      bool found = false;
      for (std::size_t j = 0; j < a.size() && !found; ++j) {
        if (!used[j] && equal(e[i], a[j])) used[j] = found = true;
      }
      if (!found) add(at + "/" + std::to_string(i), "missing", &e[i], nullptr);
    }
    for (std::size_t j = 0; j < a.size(); ++j) {
      if (!used[j]) add(at + "/" + std::to_string(j), "unexpected", nullptr, &a[j]);
    }
  }

  const canonical_diff_options& options_;
  std::vector<field_difference> out_;
};

}  // namespace

std::string escape_pointer_token(const std::string& token) {
  std::string r;
  r.reserve(token.size());
  for (char c : token) {
    if (c == '~') {
      r += "~0";
    } else if (c == '/') {
      r += "~1";
    } else {
      r += c;
    }
  }
  return r;
}

std::vector<field_difference> canonical_diff(const nlohmann::json& expected,
                                             const nlohmann::json& actual,
                                             const canonical_diff_options& options) {
  // The comparison and the reported texts recurse per level: a document nested deeper than
  // any canonical one fails as a whole instead of exhausting the stack.
  if (json_depth(expected) > max_canonical_depth || json_depth(actual) > max_canonical_depth)
    return {too_deep_difference(expected, actual)};
  return differ(options).run(expected, actual);
}

}  // namespace apipnr::harness
