// model::text / model::opt_text: boundaries of the in-line storage, heap transitions, aliasing,
// absent vs empty, and a property test against std::string / std::optional<std::string>.
#include "apipnr/model/text.hpp"

#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace {

using apipnr::model::opt_text;
using apipnr::model::text;

std::string chars(std::size_t n, char first = 'a') {
  std::string s;
  for (std::size_t i = 0; i < n; ++i) s.push_back(static_cast<char>(first + i % 26));
  return s;
}

void expect_is(const text& t, const std::string& s) {
  ASSERT_EQ(t.size(), s.size());
  EXPECT_EQ(std::string(t), s);
  EXPECT_EQ(t.view(), s);
  EXPECT_EQ(t.data()[s.size()], '\0') << "data() is NUL-terminated";
  EXPECT_EQ(t.empty(), s.empty());
  EXPECT_EQ(t.on_heap() || s.size() <= 15, true);
}

TEST(ModelText, SixteenBytes) {
  static_assert(sizeof(text) == 16 && sizeof(opt_text) == 16);
  static_assert(std::is_nothrow_move_constructible_v<text>);
  static_assert(std::is_nothrow_move_constructible_v<opt_text>);
  static_assert(std::is_nothrow_move_assignable_v<opt_text>);
}

TEST(ModelText, FifteenInLineSixteenOnTheHeap) {
  for (std::size_t n : {0, 1, 2, 3, 4, 7, 8, 9, 14, 15}) {
    const std::string s = chars(n);
    text t(s);
    expect_is(t, s);
    EXPECT_FALSE(t.on_heap()) << n;
    EXPECT_EQ(t.capacity(), 15u);
    text u;
    u = s;
    expect_is(u, s);
    EXPECT_FALSE(u.on_heap()) << n;
  }
  for (std::size_t n : {16, 17, 31, 32, 100, 5000}) {
    const std::string s = chars(n);
    text t(s);
    expect_is(t, s);
    EXPECT_TRUE(t.on_heap()) << n;
    EXPECT_GE(t.capacity(), n);
  }
}

TEST(ModelText, EmbeddedNulsAreKept) {
  const std::string s("a\0b\0\0c", 6);
  text t(s);
  expect_is(t, s);
  const std::string l = std::string("\0", 1) + chars(20) + std::string("\0\0", 2);
  t = l;
  expect_is(t, l);
  EXPECT_TRUE(t == std::string_view(l));
  EXPECT_FALSE(t == std::string_view(l.data(), l.size() - 1));
  opt_text o(std::string_view("\0", 1));
  EXPECT_TRUE(o.has_value());
  EXPECT_EQ(o->size(), 1u);
  EXPECT_FALSE(o == "");
}

TEST(ModelText, CopyMoveAndSelfAssignment) {
  for (std::size_t n : {0, 5, 15, 16, 40}) {
    const std::string s = chars(n, 'A');
    text a(s);
    text b(a);
    expect_is(b, s);
    text c;
    c = a;
    expect_is(c, s);
    const text& same_c = c;  // (through a reference: compilers warn on `c = c`)
    c = same_c;              // self-assignment
    expect_is(c, s);
    text d(std::move(c));
    expect_is(d, s);
    expect_is(c, "");  // moved-from: empty
    text e("zz");
    e = std::move(d);
    expect_is(e, s);
    expect_is(d, "");
    text& same_e = e;
    e = std::move(same_e);  // self-move keeps the value
    expect_is(e, s);
    // Assignment from a part of itself.
    text f(s);
    if (n > 2) {
      f = f.view().substr(1);
      expect_is(f, s.substr(1));
      f = std::string_view(f.data(), f.size() - 1);
      expect_is(f, s.substr(1, n - 2));
    }
    text g(s);
    g.append(g.view());
    expect_is(g, s + s);
  }
}

TEST(ModelText, HeapAndInLineTransitions) {
  text t(chars(20));
  ASSERT_TRUE(t.on_heap());
  const std::size_t cap = t.capacity();
  t = "short";  // keeps the buffer: a reused slot refills without allocating
  expect_is(t, "short");
  EXPECT_TRUE(t.on_heap());
  EXPECT_EQ(t.capacity(), cap);
  t.clear();
  expect_is(t, "");
  EXPECT_TRUE(t.on_heap());
  t = chars(cap);
  expect_is(t, chars(cap));
  EXPECT_EQ(t.capacity(), cap);
  t = chars(cap + 1);  // grows
  expect_is(t, chars(cap + 1));
  text in("0123456789");
  in.append("abcde");  // exactly 15: in line
  expect_is(in, "0123456789abcde");
  EXPECT_FALSE(in.on_heap());
  in.push_back('f');  // 16: to the heap
  expect_is(in, "0123456789abcdef");
  EXPECT_TRUE(in.on_heap());
  in += std::string_view("gh");
  expect_is(in, "0123456789abcdefgh");
  text moved(std::move(in));  // the buffer moves, not its bytes
  expect_is(moved, "0123456789abcdefgh");
  EXPECT_TRUE(moved.on_heap());
  EXPECT_FALSE(in.on_heap());
  opt_text o(chars(30));
  o.reset();  // absent owns nothing
  EXPECT_FALSE(o.has_value());
  EXPECT_FALSE(o.on_heap());
}

// An empty view without data (nullptr, 0) into a text that holds a heap buffer: no copy from
// the null pointer (UBSan in the asan/fuzz presets: found by fuzz_receiver_intake).
TEST(ModelText, EmptyViewWithoutDataIntoAHeapText) {
  text t(chars(20));
  ASSERT_TRUE(t.on_heap());
  t = std::string_view();
  expect_is(t, "");
  t.append(std::string_view());
  expect_is(t, "");
  t = chars(20);
  t.append(std::string_view());
  expect_is(t, chars(20));
  opt_text o(chars(20));
  o.emplace(std::string_view());
  EXPECT_TRUE(o == "");
  text in;
  in = std::string_view();
  in.append(std::string_view());
  expect_is(in, "");
}

TEST(ModelText, AbsentIsNotEmpty) {
  opt_text a;
  EXPECT_FALSE(a.has_value());
  EXPECT_FALSE(a);
  EXPECT_TRUE(a == std::nullopt);
  EXPECT_FALSE(a == "");
  EXPECT_FALSE(a == std::string());
  EXPECT_EQ(a.value_or("x"), "x");
  EXPECT_EQ(a->size(), 0u);
  EXPECT_STREQ(a->c_str(), "");
  EXPECT_THROW((void)a.value(), std::bad_optional_access);
  opt_text e;
  e.emplace();
  EXPECT_TRUE(e.has_value());
  EXPECT_TRUE(e == "");
  EXPECT_FALSE(e == a);
  EXPECT_EQ(e.value_or("x"), "");
  opt_text copy(a);
  EXPECT_FALSE(copy.has_value());
  copy = e;
  EXPECT_TRUE(copy.has_value());
  copy = a;
  EXPECT_FALSE(copy.has_value());
  copy = "v";
  EXPECT_TRUE(copy == "v");
  copy = std::nullopt;
  EXPECT_FALSE(copy.has_value());
  copy = std::optional<std::string>("w");
  EXPECT_TRUE(copy == std::optional<std::string>("w"));
  copy = std::optional<std::string>();
  EXPECT_FALSE(copy.has_value());
  opt_text moved(std::move(e));
  EXPECT_TRUE(moved.has_value());
  opt_text absent_moved(std::move(a));
  EXPECT_FALSE(absent_moved.has_value());
  *moved = "through the text";
  EXPECT_TRUE(moved == "through the text");
  EXPECT_EQ(moved.to_optional(), std::optional<std::string>("through the text"));
  EXPECT_EQ(opt_text().to_optional(), std::nullopt);
  // A text copied from an absent opt_text is an empty value.
  text sliced(static_cast<const text&>(opt_text()));
  EXPECT_TRUE(sliced.empty());
}

TEST(ModelText, ComparesAsStdString) {
  const std::vector<std::string> v = {"", "A", "AB", "B", chars(15), chars(16), chars(17)};
  for (const auto& x : v)
    for (const auto& y : v) {
      const text a(x), b(y);
      EXPECT_EQ(a == b, x == y);
      EXPECT_EQ(a == y, x == y);
      EXPECT_EQ(a == std::string_view(y), x == y);
      EXPECT_EQ(a == y.c_str(), x == y);
      EXPECT_EQ((a <=> b) < 0, x < y);
      EXPECT_EQ(a < std::string_view(y), x < y);
      EXPECT_EQ(a + y, x + y);
    }
}

TEST(ModelText, Json) {
  nlohmann::json j = text("ab\"c");
  EXPECT_EQ(j.dump(), "\"ab\\\"c\"");
  j = opt_text();
  EXPECT_TRUE(j.is_null());
  j = opt_text(chars(20));
  EXPECT_EQ(j.get<std::string>(), chars(20));
  EXPECT_EQ(j.get<text>(), chars(20));
  EXPECT_FALSE(nlohmann::json(nullptr).get<opt_text>().has_value());
  EXPECT_TRUE(nlohmann::json("x").get<opt_text>() == "x");
}

// Random operations on a text and an opt_text, each mirrored on std::string /
// std::optional<std::string>: after every step they hold the same value.
TEST(ModelText, BehavesAsStdStringUnderRandomOperations) {
  std::mt19937 rng(20261129);
  auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  auto random_string = [&] {
    static constexpr std::size_t lengths[] = {0, 1, 3, 7, 8, 14, 15, 16, 17, 30, 64};
    std::string s(lengths[pick(std::size(lengths))], '\0');
    for (auto& c : s) c = static_cast<char>(pick(4) == 0 ? 0 : 'a' + pick(26));
    return s;
  };
  std::vector<text> t(4);
  std::vector<std::string> s(4);
  std::vector<opt_text> o(4);
  std::vector<std::optional<std::string>> so(4);
  for (int step = 0; step < 60000; ++step) {
    const std::size_t i = pick(4), k = pick(4);
    switch (pick(11)) {
      case 0: {
        const auto v = random_string();
        t[i] = v;
        s[i] = v;
        o[i] = v;
        so[i] = v;
        break;
      }
      case 1: {
        const auto v = random_string();
        t[i].append(v);
        s[i].append(v);
        if (o[i]) {
          o[i]->append(v);
          so[i]->append(v);
        }
        break;
      }
      case 2:
        t[i] = t[k];
        s[i] = s[k];
        o[i] = o[k];
        so[i] = so[k];
        break;
      case 3:
        t[i] = std::move(t[k]);
        s[i] = std::exchange(s[k], std::string());
        if (i == k) s[i] = std::string(t[i]);  // self-move keeps the value
        o[i] = std::move(o[k]);
        if (i != k) {
          so[i] = so[k];
          if (so[k]) so[k] = std::string();  // a moved-from optional stays engaged
        }
        break;
      case 4: {
        const std::size_t from = pick(s[k].size() + 1);
        const std::size_t n = pick(s[k].size() - from + 1);
        t[i] = t[k].view().substr(from, n);  // may be a part of itself
        s[i] = s[k].substr(from, n);
        break;
      }
      case 5:
        t[i].clear();
        s[i].clear();
        break;
      case 6:
        o[i].reset();
        so[i].reset();
        break;
      case 7:
        o[i].emplace();
        so[i].emplace();
        break;
      case 8: {
        text c(t[k]);
        t[i] = std::move(c);
        s[i] = s[k];
        break;
      }
      case 9: {
        opt_text c(o[k]);
        o[i] = c;
        so[i] = so[k];
        break;
      }
      case 10: {
        t[i].append(t[k].view());  // may be itself
        s[i] += std::string(s[k]);
        break;
      }
    }
    for (std::size_t j = 0; j < 4; ++j) {
      ASSERT_EQ(t[j].view(), s[j]) << "step " << step;
      ASSERT_EQ(t[j].data()[t[j].size()], '\0');
      ASSERT_EQ(o[j].has_value(), so[j].has_value()) << "step " << step;
      if (so[j]) {
        ASSERT_EQ(o[j]->view(), *so[j]) << "step " << step;
      }
      ASSERT_TRUE(o[j] == so[j]);
    }
  }
}

}  // namespace
