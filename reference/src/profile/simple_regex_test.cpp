#include "simple_regex.hpp"

#include <regex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace {

using apipnr::profile::detail::simple_regex;

// Every string over `alphabet` of length 0..max_len.
std::vector<std::string> all_strings(std::string_view alphabet, std::size_t max_len) {
  std::vector<std::string> out{""};
  std::size_t from = 0;
  for (std::size_t len = 1; len <= max_len; ++len) {
    const std::size_t to = out.size();
    for (std::size_t k = from; k < to; ++k) {
      for (const char c : alphabet) out.push_back(out[k] + c);
    }
    from = to;
  }
  return out;
}

// The fast form must agree with std::regex_match on every input.
void expect_same(const std::string& pattern, const std::vector<std::string>& inputs) {
  const auto fast = simple_regex::compile(pattern);
  ASSERT_TRUE(fast.has_value()) << pattern;
  const std::regex slow(pattern, std::regex::ECMAScript);
  for (const auto& v : inputs) {
    EXPECT_EQ(fast->matches(v), std::regex_match(v, slow))
        << "pattern " << pattern << " value '" << v << "'";
  }
}

TEST(SimpleRegex, ProfilePatternsAgreeWithStdRegex) {
  // The patterns of specs/profiles and specs/messages (rules and external code lists).
  const std::vector<std::string> patterns = {
      "^[A-Z]{3}$",
      "^[A-Z]{1,3}$",
      "^[^-']*$",
      "^[0-9]{6}$",
      "^[X*]+[0-9]{0,4}$",
      "^[A-Z0-9]{2}[A-Z]?[0-9]{1,5}[A-Z]?$|^[A-Z0-9]{2}[0-9]{2}MCL$",
      "^[A-Z0-9]{2}[0-9]{2}MCL$",
      "^[A-Z0-9]+$",
      "^[A-Z '\\-]+$",
      "^[0-9]{10}$",
      "^[0-9]+$",
  };
  auto inputs = all_strings("A9X*-' M", 4);
  for (const char* v :
       {"BA1234", "BA1234A", "LH12", "U2MCL", "UA99MCL", "XXXX1234", "XX*12345", "O'NEIL",
        "SMITH-JONES", "2603151200", "260315", "\xC3\x89T", "A\nB", "ABCD", "GBR", "D"}) {
    inputs.emplace_back(v);
  }
  for (const auto& p : patterns) expect_same(p, inputs);
}

TEST(SimpleRegex, GeneratedPatternsAgreeWithStdRegex) {
  const std::vector<std::string> patterns = {
      "",          "a",      "ab|",        "|a",      "a?b?",     "a*b",
      "[ab]+c?",   "a{2}",   "a{0,2}b{1}", "a{2,}",   "[^a]*",    "[a-]b",
      "[-a]",      "[\\]a]", "\\*a",       "x\\+",    "^a$|^b+$", "[A-Ca-c]{1,2}",
      "[^A-Z0-9]", "a|b|c",  "ab?c",       "[\\^a]+", "a[^-b]?",
  };
  const auto inputs = all_strings("abcAB-]*+^x", 4);
  for (const auto& p : patterns) expect_same(p, inputs);
}

TEST(SimpleRegex, GreedyBranchesAgreeWithStdRegex) {
  // Branches whose atoms accept disjoint bytes are matched greedily without backtracking;
  // overlapping ones keep the back-off. Both kinds, and a mix of them across alternatives.
  const std::vector<std::string> patterns = {
      "a+b?c{0,3}", "[ab]{1,2}c{0,3}x?",   "a?b+A{0,2}",    "[a-c]*[AB]{2}",        "x*[^x]{2}",
      "b*a?b",      "[abc]{0,2}[ab]{1,3}", "a{1,3}|[ab]+c", "^[A-Z]{3}$|^[A-C]+A$",
  };
  const auto inputs = all_strings("abcABx", 4);
  for (const auto& p : patterns) expect_same(p, inputs);
}

TEST(SimpleRegex, SingleClassPatternsAgreeWithStdRegex) {
  // One branch of one atom takes matches()'s direct path (length and bytes): every quantifier
  // form, negated classes, bytes above 0x7F and NUL in the value.
  const std::vector<std::string> patterns = {
      "a",     "^a$",       "a?",        "a*",         "a+",          "a{0}",     "a{3}",
      "a{2,}", "[ab]{0,2}", "[^a]{1,3}", "^[0-9]{6}$", "[A-Z '\\-]+", "^[^-']*$",
  };
  auto inputs = all_strings(std::string("ab0-' \xC3", 7), 4);
  inputs.push_back(std::string("a\0a", 3));
  inputs.push_back("123456");
  inputs.push_back("1234567");
  for (const auto& p : patterns) expect_same(p, inputs);
}

TEST(SimpleRegex, RefusesWhatItDoesNotImplement) {
  for (const char* p :
       {"(a)", "a.", "\\d+", "a+?", "[[:alpha:]]", "a{,2}", "[]a]", "[^]", "a^b", "a$b", "*a",
        "a**", "\\bword", "[z-a]", "a{2", "x\\1", "[A-Z]+[0-9]*", "\xC3\x89"}) {
    EXPECT_FALSE(simple_regex::compile(p).has_value()) << p;
  }
}

TEST(SimpleRegex, LongValuesStayLinear) {
  // One unbounded atom followed by bounded ones: no exponential back-off on a long mismatch.
  const auto fast = simple_regex::compile("^[X*]+[0-9]{0,4}$");
  ASSERT_TRUE(fast.has_value());
  const std::string long_value(100'000, 'X');
  EXPECT_TRUE(fast->matches(long_value));
  EXPECT_FALSE(fast->matches(long_value + "12345"));
  EXPECT_TRUE(fast->matches(long_value + "1234"));
}

}  // namespace
