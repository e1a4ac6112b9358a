// A fast matcher for the regular expressions profiles actually use (private to the profile
// component).
//
// Profile `pattern` rules and external code lists are ECMAScript regexes tested with
// std::regex_match on every value; std::regex is a backtracking interpreter that cost more than
// the rest of a rule's evaluation. Profiles use a small subset: a whole-value match of one or
// more alternatives, each a sequence of single-character atoms (a literal, an escaped
// punctuation character or a bracket class, optionally negated, with ranges) with greedy
// quantifiers (?, *, +, {n}, {n,}, {n,m}), optionally anchored with ^ and $. `compile()` accepts
// exactly that subset and returns nullopt for anything else (groups, '.', \d, lazy
// quantifiers, non-ASCII bytes in the pattern, ...), so the caller keeps std::regex for those:
// the fast form never guesses at a semantic it does not implement. A unit test compares it
// with std::regex_match on the profiles' patterns and on generated ones.
//
// Cost: backtracking over single-character atoms; compile() refuses patterns whose worst case
// is above about 4096 steps per input character (more than one unbounded atom per
// alternative, or bounded ranges whose product is larger), so matching is linear in the value.
//
// Thread safety: immutable after compile(); matches() is const and reentrant.
#pragma once

#include <array>
#include <bitset>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace apipnr::profile::detail {

class simple_regex {
 public:
  // The fast form of `pattern` (ECMAScript syntax), or nullopt when it uses anything outside
  // the subset above.
  static std::optional<simple_regex> compile(std::string_view pattern);

  // Same result as std::regex_match(v, std::regex(pattern)) for a pattern compile() accepted.
  bool matches(std::string_view v) const noexcept;

 private:
  static constexpr std::uint32_t unbounded = 0xFFFFFFFFu;
  struct atom {
    std::bitset<256> set;  // bytes this atom accepts
    std::uint32_t min = 1;
    std::uint32_t max = 1;  // unbounded for * and + and {n,}
  };
  using branch = std::vector<atom>;

  static bool match_from(const branch& b, std::size_t a, std::string_view v,
                         std::size_t pos) noexcept;
  static bool match_greedy(const branch& b, std::string_view v) noexcept;

  std::vector<branch> branches_;
  // Per branch: no atom accepts a byte any later atom of the branch accepts. Then a character
  // an atom could give back can never be taken by a later one, the only possible split is the
  // greedy one, and matching needs no backtracking (^[0-9]{6}$, ^[A-Z '\-]+$, ^[X*]+[0-9]{0,4}$).
  std::vector<bool> greedy_;
  // One branch of one atom (^[A-Z]{3}$, ^[0-9]{6}$, ^[A-Z '\-]+$, most profile patterns):
  // matches() tests the length and each byte directly, through a byte table (one load and
  // compare per byte; the bitset's shift and mask were half of a match's instructions).
  bool single_ = false;
  std::uint32_t single_min_ = 0;
  std::uint32_t single_max_ = 0;
  std::array<std::uint8_t, 256> single_set_{};  // 1: the atom accepts the byte
};

}  // namespace apipnr::profile::detail
