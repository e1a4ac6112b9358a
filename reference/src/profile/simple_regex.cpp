#include "simple_regex.hpp"

#include <cstddef>

namespace apipnr::profile::detail {
namespace {

bool is_ascii_alnum(char c) noexcept {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

// An escape the subset takes literally: a backslash before ASCII punctuation. Letters and
// digits are classes, back-references or control escapes in ECMAScript: not in the subset.
bool literal_escape(char c) noexcept {
  const auto u = static_cast<unsigned char>(c);
  return u > 0x20 && u < 0x7F && !is_ascii_alnum(c);
}

// Reads a decimal count at p; false when there is none or it is absurdly large.
bool read_count(std::string_view s, std::size_t& p, std::uint32_t& out) noexcept {
  const std::size_t start = p;
  std::uint32_t v = 0;
  while (p < s.size() && s[p] >= '0' && s[p] <= '9') {
    v = v * 10 + static_cast<std::uint32_t>(s[p] - '0');
    if (v > 1000) return false;
    ++p;
  }
  out = v;
  return p > start;
}

}  // namespace

std::optional<simple_regex> simple_regex::compile(std::string_view s) {
  simple_regex out;
  out.branches_.emplace_back();
  std::size_t p = 0;
  bool at_branch_start = true;
  bool ended = false;  // a '$' closed the current alternative
  for (const char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80 || c == '\0') return std::nullopt;
  }
  while (p < s.size()) {
    const char c = s[p];
    if (c == '|') {
      out.branches_.emplace_back();
      at_branch_start = true;
      ended = false;
      ++p;
      continue;
    }
    if (ended) return std::nullopt;  // "a$b": never matches in ECMAScript; not worth a form
    if (c == '^') {
      // regex_match matches the whole value, so a leading ^ changes nothing; elsewhere it
      // would need assertion semantics.
      if (!at_branch_start) return std::nullopt;
      at_branch_start = false;
      ++p;
      continue;
    }
    if (c == '$') {
      // Likewise only at the end of an alternative.
      if (p + 1 != s.size() && s[p + 1] != '|') return std::nullopt;
      ended = true;
      ++p;
      continue;
    }
    at_branch_start = false;
    atom a;
    if (c == '[') {
      ++p;
      bool negate = false;
      if (p < s.size() && s[p] == '^') {
        negate = true;
        ++p;
      }
      // "[]" and "[^]" are special in ECMAScript (nothing / anything): not in the subset.
      if (p >= s.size() || s[p] == ']') return std::nullopt;
      bool closed = false;
      while (p < s.size()) {
        char lo = s[p];
        if (lo == ']') {
          closed = true;
          ++p;
          break;
        }
        if (lo == '[') return std::nullopt;  // [:class:] and friends
        if (lo == '\\') {
          if (p + 1 >= s.size() || !literal_escape(s[p + 1])) return std::nullopt;
          lo = s[p + 1];
          p += 2;
        } else {
          ++p;
        }
        // A range "lo-hi" unless the '-' is the last character before ']'.
        if (p + 1 < s.size() && s[p] == '-' && s[p + 1] != ']') {
          char hi = s[p + 1];
          std::size_t next = p + 2;
          if (hi == '[') return std::nullopt;
          if (hi == '\\') {
            if (p + 2 >= s.size() || !literal_escape(s[p + 2])) return std::nullopt;
            hi = s[p + 2];
            next = p + 3;
          }
          if (hi < lo) return std::nullopt;  // std::regex rejects it; keep its error
          for (int ch = lo; ch <= hi; ++ch) a.set.set(static_cast<unsigned char>(ch));
          p = next;
        } else {
          a.set.set(static_cast<unsigned char>(lo));
        }
      }
      if (!closed) return std::nullopt;
      if (negate) a.set.flip();
    } else if (c == '\\') {
      if (p + 1 >= s.size() || !literal_escape(s[p + 1])) return std::nullopt;
      a.set.set(static_cast<unsigned char>(s[p + 1]));
      p += 2;
    } else if (c == '.' || c == '(' || c == ')' || c == ']' || c == '{' || c == '}' || c == '*' ||
               c == '+' || c == '?') {
      return std::nullopt;  // groups, '.', or a quantifier with nothing to repeat
    } else {
      a.set.set(static_cast<unsigned char>(c));
      ++p;
    }
    // Quantifier.
    if (p < s.size()) {
      const char q = s[p];
      if (q == '?') {
        a.min = 0;
        a.max = 1;
        ++p;
      } else if (q == '*') {
        a.min = 0;
        a.max = unbounded;
        ++p;
      } else if (q == '+') {
        a.min = 1;
        a.max = unbounded;
        ++p;
      } else if (q == '{') {
        ++p;
        std::uint32_t lo = 0, hi = 0;
        if (!read_count(s, p, lo)) return std::nullopt;
        if (p < s.size() && s[p] == '}') {
          hi = lo;
        } else if (p < s.size() && s[p] == ',') {
          ++p;
          if (p < s.size() && s[p] == '}') {
            hi = unbounded;
          } else if (!read_count(s, p, hi) || hi < lo) {
            return std::nullopt;
          }
        } else {
          return std::nullopt;
        }
        if (p >= s.size() || s[p] != '}') return std::nullopt;
        ++p;
        a.min = lo;
        a.max = hi;
      }
      // A second quantifier ("a+?" lazy, "a**") is not in the subset.
      if (p < s.size() && (s[p] == '?' || s[p] == '*' || s[p] == '+' || s[p] == '{') &&
          (q == '?' || q == '*' || q == '+' || q == '{')) {
        return std::nullopt;
      }
    }
    out.branches_.back().push_back(a);
  }
  // Bound the backtracking: at most one unbounded atom per alternative, and the choices of
  // the bounded ones multiply to a small number.
  for (const branch& b : out.branches_) {
    std::size_t open = 0;
    std::uint64_t product = 1;
    for (const atom& a : b) {
      if (a.max == unbounded) {
        ++open;
        continue;
      }
      product *= static_cast<std::uint64_t>(a.max - a.min) + 1;
      if (product > 4096) return std::nullopt;
    }
    if (open > 1) return std::nullopt;
  }
  for (const branch& b : out.branches_) {
    bool disjoint = true;
    for (std::size_t i = 0; i < b.size() && disjoint; ++i) {
      for (std::size_t j = i + 1; j < b.size() && disjoint; ++j) {
        disjoint = (b[i].set & b[j].set).none();
      }
    }
    out.greedy_.push_back(disjoint);
  }
  out.single_ = out.branches_.size() == 1 && out.branches_.front().size() == 1;
  if (out.single_) {
    const atom& t = out.branches_.front().front();
    out.single_min_ = t.min;
    out.single_max_ = t.max;
    for (std::size_t b = 0; b < 256; ++b) out.single_set_[b] = t.set[b] ? 1 : 0;
  }
  return out;
}

bool simple_regex::match_from(const branch& b, std::size_t a, std::string_view v,
                              std::size_t pos) noexcept {
  // Atoms match one character each, so a plain run needs no recursion.
  while (a < b.size() && b[a].min == 1 && b[a].max == 1) {
    if (pos >= v.size() || !b[a].set[static_cast<unsigned char>(v[pos])]) return false;
    ++a;
    ++pos;
  }
  if (a == b.size()) return pos == v.size();
  const atom& t = b[a];
  std::size_t k = 0;
  while (k < t.max && pos + k < v.size() && t.set[static_cast<unsigned char>(v[pos + k])]) {
    ++k;
  }
  if (k < t.min) return false;
  // Greedy, backing off one character at a time (the result of a whole-value match does not
  // depend on the order, only on whether some split works).
  for (std::size_t r = k;; --r) {
    if (match_from(b, a + 1, v, pos + r)) return true;
    if (r == t.min) break;
  }
  return false;
}

bool simple_regex::match_greedy(const branch& b, std::string_view v) noexcept {
  // bitset::operator[] below: a byte is always < 256, and test() would check that per byte.
  std::size_t pos = 0;
  for (const atom& t : b) {
    std::size_t k = 0;
    while (k < t.max && pos < v.size() && t.set[static_cast<unsigned char>(v[pos])]) {
      ++k;
      ++pos;
    }
    if (k < t.min) return false;
  }
  return pos == v.size();
}

bool simple_regex::matches(std::string_view v) const noexcept {
  if (single_) {
    // One character class repeated: the length in range and every byte in the class, which
    // is what match_greedy() decides for one atom, without its per-branch set-up.
    if (v.size() < single_min_ || v.size() > single_max_) return false;
    for (const char c : v) {
      if (single_set_[static_cast<unsigned char>(c)] == 0) return false;
    }
    return true;
  }
  for (std::size_t k = 0; k < branches_.size(); ++k) {
    if (greedy_[k] ? match_greedy(branches_[k], v) : match_from(branches_[k], 0, v, 0)) {
      return true;
    }
  }
  return false;
}

}  // namespace apipnr::profile::detail
