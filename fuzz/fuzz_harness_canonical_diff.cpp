// libFuzzer target: the harness's comparison of a vendor's canonical JSON with the corpus's
// (canonical_diff.hpp, the runner's default, and diff_canonical in verdict.hpp, its fallback),
// and pick_canonical (runner.hpp), which picks the message out of a query answer.
//
// Input: two JSON documents separated by the byte 0x1E (record separator): expected, then
// actual. Without a separator the document is compared with itself. Both are parsed as the
// runner parses a vendor's answer (nlohmann::json, no exceptions, no depth limit), so a deeply
// nested answer reaches the comparison as it would in a run.
//
// Traps on: an exception escaping (documented: only std::bad_alloc); a document differing
// from itself; differences reported for documents equal when `x_` members are ignored, or none
// for unequal ones; more than max_differences; a difference whose pointer does not resolve in
// the document it names (expected for missing/different, actual for unexpected) or whose text
// is not that value's JSON; a kind other than missing/unexpected/different; and (by ASan) a
// stack overflow on deep nesting.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <new>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "apipnr/harness/canonical_diff.hpp"
#include "apipnr/harness/json_depth.hpp"
#include "apipnr/harness/runner.hpp"
#include "apipnr/harness/verdict.hpp"
#include "fuzz_check.hpp"

namespace {

namespace ah = apipnr::harness;
using json = nlohmann::json;

// Nesting depth, without recursion, or a value above `limit` once it exceeds it (the oracle
// below recurses, so it only runs on documents no deeper than oracle_depth).
constexpr std::size_t oracle_depth = 200;

std::size_t depth_of(const json& root, std::size_t limit) {
  std::size_t deepest = 0;
  std::vector<std::pair<const json*, std::size_t>> stack{{&root, 1}};
  while (!stack.empty()) {
    const auto [v, d] = stack.back();
    stack.pop_back();
    if (!v->is_structured()) continue;
    deepest = std::max(deepest, d);
    if (d > limit) return d;
    for (const auto& child : *v) stack.emplace_back(&child, d + 1);
  }
  return deepest;
}

bool ignored(const std::string& key) { return key.rfind("x_", 0) == 0; }

// Equality with `x_` members ignored at every depth; arrays by position.
bool same(const json& e, const json& a) {
  if (e.is_object() && a.is_object()) {
    for (auto it = e.begin(); it != e.end(); ++it) {
      if (ignored(it.key())) continue;
      const auto other = a.find(it.key());
      if (other == a.end() || !same(*it, *other)) return false;
    }
    for (auto it = a.begin(); it != a.end(); ++it)
      if (!ignored(it.key()) && !e.contains(it.key())) return false;
    return true;
  }
  if (e.is_array() && a.is_array()) {
    if (e.size() != a.size()) return false;
    for (std::size_t i = 0; i < e.size(); ++i)
      if (!same(e[i], a[i])) return false;
    return true;
  }
  return e == a;
}

const json* resolve(const json& doc, const std::string& pointer) {
  const json::json_pointer p(pointer);  // throws on a malformed pointer: caught, trapped
  return doc.contains(p) ? &doc.at(p) : nullptr;
}

void check_text(const std::string& text, const json* value, bool oracle) {
  if (!oracle || value == nullptr) return;
  const auto back = json::parse(text, nullptr, false);
  APIPNR_FUZZ_CHECK(!back.is_discarded());
  APIPNR_FUZZ_CHECK(back == *value);
}

void check_differences(const json& e, const json& a, const std::vector<ah::field_difference>& d,
                       std::size_t max, bool oracle) {
  APIPNR_FUZZ_CHECK(d.size() <= max);
  for (const auto& f : d) {
    APIPNR_FUZZ_CHECK(f.kind == "missing" || f.kind == "unexpected" || f.kind == "different");
    if (f.kind == "unexpected") {
      const json* v = resolve(a, f.pointer);
      APIPNR_FUZZ_CHECK(v != nullptr && f.expected.empty());
      check_text(f.actual, v, oracle);
    } else {
      const json* v = resolve(e, f.pointer);
      APIPNR_FUZZ_CHECK(v != nullptr);
      check_text(f.expected, v, oracle);
      if (f.kind == "missing") {
        APIPNR_FUZZ_CHECK(f.actual.empty());
      } else {
        check_text(f.actual, resolve(a, f.pointer), oracle);
      }
    }
  }
}

void run(std::string_view input) {
  const auto sep = input.find('\x1e');
  const std::string_view first = input.substr(0, sep);
  const std::string_view second = sep == std::string_view::npos ? first : input.substr(sep + 1);
  const json e = json::parse(first.begin(), first.end(), nullptr, false);
  const json a = json::parse(second.begin(), second.end(), nullptr, false);
  if (e.is_discarded() || a.is_discarded()) return;
  const bool oracle =
      depth_of(e, oracle_depth) <= oracle_depth && depth_of(a, oracle_depth) <= oracle_depth;

  // The runner's comparison, default options. Documents nested deeper than
  // max_canonical_depth fail as a whole: one difference at the root.
  const auto d = ah::canonical_diff(e, a);
  check_differences(e, a, d, ah::canonical_diff_options{}.max_differences, oracle);
  if (oracle) {
    APIPNR_FUZZ_CHECK(d.empty() == same(e, a));
    APIPNR_FUZZ_CHECK(ah::canonical_diff(e, e).empty());
    APIPNR_FUZZ_CHECK(ah::canonical_diff(a, a).empty());
  } else if (depth_of(e, ah::max_canonical_depth) > ah::max_canonical_depth ||
             depth_of(a, ah::max_canonical_depth) > ah::max_canonical_depth) {
    APIPNR_FUZZ_CHECK(d.size() == 1 && d[0].pointer.empty() && d[0].kind == "different");
  }

  // Unordered arrays and a small cap.
  ah::canonical_diff_options opt;
  opt.unordered_arrays = {"/messages/*/travellers", "/*", "/*/*/*"};
  opt.max_differences = 3;
  const auto u = ah::canonical_diff(e, a, opt);
  check_differences(e, a, u, opt.max_differences, oracle);
  if (oracle && same(e, a)) APIPNR_FUZZ_CHECK(u.empty());

  // The fallback the judge uses when the runner has no diff function.
  const auto f = ah::diff_canonical(e, a);
  check_differences(e, a, f, f.size(), oracle);
  if (oracle) APIPNR_FUZZ_CHECK(f.empty() == same(e, a));

  // The runner picks the canonical message out of a query answer.
  for (const char* pointer : {"", "/messages/0", "/data"}) {
    const auto picked = ah::pick_canonical(a, pointer);
    if (picked) APIPNR_FUZZ_CHECK(picked->is_object());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return apipnr::fuzzing::run_without_exceptions(data, size, "the canonical comparison", run);
}
