// message_tree's element and component index (index_elements) against the splitting functions
// it replaces: edifact::element, edifact::component and field_splitter, on hand-made segment
// bodies (malformed ones included: too many components, empty elements, release characters,
// a dangling release, coinciding delimiters) and on random bodies.
#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "apipnr/edifact/interchange.hpp"
#include "apipnr/message/tree.hpp"

namespace apipnr::message {
namespace {

// Segments built by hand (tag "TST", bodies as given) and a tree over them, indexed or not.
// `contiguous`: tag, body and terminator of each segment follow each other in one buffer, as
// the tokenizer leaves them (index_elements then reads words that reach back into the tag);
// otherwise each segment (tag and body, as edifact::segment requires) is a string of its own
// that ends with the body.
class hand_tree {
 public:
  hand_tree(const std::vector<std::string>& bodies, const edifact::delimiters& d, bool index,
            bool contiguous = false)
      : bodies_(bodies) {
    ic_.delims = d;
    std::vector<std::size_t> at;
    for (const auto& b : bodies_) {
      buffer_ += "TST";
      at.push_back(buffer_.size());
      buffer_ += b;
      buffer_ += '\'';
    }
    for (const auto& b : bodies_) own_.push_back("TST" + b);
    const std::string_view buffer(buffer_);
    for (std::size_t k = 0; k < bodies_.size(); ++k) {
      const std::string_view whole =
          contiguous ? buffer.substr(at[k] - 3, 3 + bodies_[k].size()) : std::string_view(own_[k]);
      ic_.segments.emplace_back(whole.substr(0, 3), whole.substr(3),
                                static_cast<std::uint32_t>(k * 100),
                                static_cast<std::uint32_t>(k + 1), false);
    }
    tree_.source = &ic_;
    tree_.first_segment = ic_.segments.data();
    tree_.segments.assign(ic_.segments.size(), segment_entry{nullptr, 0});
    if (index) tree_.index_elements();
  }
  hand_tree(const hand_tree&) = delete;
  hand_tree& operator=(const hand_tree&) = delete;

  const message_tree& tree() const { return tree_; }
  message_tree& tree() { return tree_; }
  const edifact::interchange& ic() const { return ic_; }

 private:
  std::vector<std::string> bodies_;
  std::string buffer_;
  std::vector<std::string> own_;  // "TST" + body, one string per segment
  edifact::interchange ic_;
  message_tree tree_;
};

std::size_t split_count(std::string_view raw, char sep, const edifact::delimiters& d) {
  edifact::field_splitter sp(raw, sep, d);
  std::string_view piece;
  std::size_t n = 0;
  while (sp.next(piece)) ++n;
  return n;
}

// Every element and component read through the tree (indexed and not) equals the split of
// the segment, including positions past the end; with bodies in buffers of their own and in
// one buffer after their tags.
void expect_same_split(const std::vector<std::string>& bodies, const edifact::delimiters& d,
                       bool contiguous) {
  const hand_tree indexed(bodies, d, true, contiguous);
  const hand_tree plain(bodies, d, false, contiguous);
  for (std::size_t i = 0; i < bodies.size(); ++i) {
    const edifact::segment& s = indexed.ic().segments[i];
    const std::size_t count = edifact::element_count(s, d);
    ASSERT_EQ(indexed.tree().element_count(i), count) << "body '" << bodies[i] << "'";
    ASSERT_EQ(plain.tree().element_count(i), count) << "body '" << bodies[i] << "'";
    for (std::size_t n = 0; n <= count + 2; ++n) {
      const std::string_view el = edifact::element(s, n, d);
      EXPECT_EQ(indexed.tree().element(i, n), el) << "body '" << bodies[i] << "' e" << n;
      const std::size_t comps = n >= 1 && n <= count ? split_count(el, d.component, d) : 0;
      EXPECT_EQ(indexed.tree().component_count(i, n), comps) << "body '" << bodies[i] << "' e" << n;
      EXPECT_EQ(plain.tree().component_count(i, n), comps) << "body '" << bodies[i] << "' e" << n;
      EXPECT_EQ(indexed.tree().component(i, n, 0), el) << "body '" << bodies[i] << "' e" << n;
      EXPECT_EQ(plain.tree().component(i, n, 0), el) << "body '" << bodies[i] << "' e" << n;
      for (std::size_t c = 1; c <= comps + 2; ++c) {
        const std::string_view want = edifact::component(el, c, d);
        const std::string_view got = indexed.tree().component(i, n, c);
        EXPECT_EQ(got, want) << "body '" << bodies[i] << "' e" << n << " c" << c;
        // A view into the segment's own bytes, not a copy.
        if (!want.empty()) {
          EXPECT_EQ(got.data(), want.data());
        }
        EXPECT_EQ(plain.tree().component(i, n, c), want) << "body '" << bodies[i] << "' e" << n;
      }
    }
  }
}

void expect_same_split(const std::vector<std::string>& bodies, const edifact::delimiters& d) {
  expect_same_split(bodies, d, false);
  expect_same_split(bodies, d, true);
}

TEST(MessageTreeIndex, ComponentsOfWellFormedAndMalformedSegments) {
  expect_same_split(
      {
          "",                      // SRC': no elements
          "+",                     // one empty element
          "++",                    // two empty elements
          "+a",                    // one element, one component
          "+a:b:c+d",              // a composite and a simple element
          "+:+::+:::",             // empty components only
          "+a:b:c:d:e:f:g:h:i:j",  // more components than any layout defines
          "+a?:b:c",               // a released component separator
          "+a?+b+c",               // a released element separator
          "+a??:b",                // a released release: the separator after it splits
          "+ab?",                  // a dangling release at the end of the body
          "+a:b?",                 // ... at the end of a component
          "+?",                    // a body that is only a release after the separator
          "x+a:b",                 // no leading element separator: no elements
          "+a::+b:::c+:+",         // empty components and elements mixed
          "+1*2*3:4",              // repetition separators are ordinary bytes here
      },
      edifact::delimiters::defaults());
}

TEST(MessageTreeIndex, OtherDelimitersAndNoRelease) {
  edifact::delimiters d = edifact::delimiters::defaults_v4();
  d.component = '^';
  d.element = '|';
  d.release = '!';
  expect_same_split({"|a^b|c!|d^e|f!^g^|^^", "|x!", "|1*2^3*4|", "^a|b"}, d);
  edifact::delimiters no_release = edifact::delimiters::defaults();
  no_release.has_release = false;
  expect_same_split({"+a?:b+c?+d", "+?", "+a:b:c?"}, no_release);
}

// Delimiters that coincide (an invalid UNA the tokenizer reports, but the tree must still read
// as the splitting functions do): the element split has precedence.
TEST(MessageTreeIndex, CoincidingDelimiters) {
  edifact::delimiters d = edifact::delimiters::defaults();
  d.component = '+';
  expect_same_split({"+a+b:c", "+a?+b"}, d);
  edifact::delimiters r = edifact::delimiters::defaults();
  r.release = ':';
  expect_same_split({"+a:b:c+d", "+a::b+:"}, r);
}

TEST(MessageTreeIndex, RandomBodies) {
  std::mt19937 rng(20261128);
  const std::string alphabet = "+:?*ab";
  std::vector<std::string> bodies;
  for (int k = 0; k < 400; ++k) {
    std::string b = rng() % 8 == 0 ? "" : "+";
    const std::size_t len = rng() % 24;
    for (std::size_t j = 0; j < len; ++j) b.push_back(alphabet[rng() % alphabet.size()]);
    bodies.push_back(b);
  }
  expect_same_split(bodies, edifact::delimiters::defaults());
  expect_same_split(bodies, edifact::delimiters::defaults_v4());
}

// Longer bodies (up to 40 bytes, separators sparser) so that index_elements' word loop meets
// whole words, release characters at every offset of a word and at word boundaries, and
// tails of every length, in separate and contiguous buffers, with both delimiter sets.
TEST(MessageTreeIndex, RandomLongBodies) {
  std::mt19937 rng(28112026);
  const std::string alphabet = "+:?*abcdefghijkl";
  std::vector<std::string> bodies;
  for (int k = 0; k < 1500; ++k) {
    std::string b = rng() % 16 == 0 ? "" : "+";
    const std::size_t len = rng() % 41;
    const bool with_release = rng() % 3 == 0;
    for (std::size_t j = 0; j < len; ++j) {
      char c = alphabet[rng() % alphabet.size()];
      if (c == '?' && !with_release) c = 'x';
      b.push_back(c);
    }
    bodies.push_back(b);
  }
  expect_same_split(bodies, edifact::delimiters::defaults());
  expect_same_split(bodies, edifact::delimiters::defaults_v4());
  edifact::delimiters no_release = edifact::delimiters::defaults();
  no_release.has_release = false;
  expect_same_split(bodies, no_release);
}

// value() and value_in_layout() read the first occurrence through the component index; with
// no layout they equal read_value() on the bare segment.
TEST(MessageTreeIndex, ValueReadsThroughTheIndex) {
  const std::vector<std::string> bodies = {"+a:b?:c+d", "+x+:y", "", "+?"};
  const edifact::delimiters d = edifact::delimiters::defaults();
  const hand_tree t(bodies, d, true);
  for (std::size_t i = 0; i < bodies.size(); ++i) {
    for (std::uint16_t e = 0; e < 4; ++e) {
      for (std::uint16_t c = 0; c < 4; ++c) {
        const std::string_view want = read_value(t.ic().segments[i], nullptr, d, e, c, 1);
        EXPECT_EQ(t.tree().value(i, e, c, 1), want) << i << " e" << e << " c" << c;
        EXPECT_EQ(t.tree().value_in_layout(i, nullptr, e, c, 1), want) << i << " e" << e;
      }
    }
  }
  EXPECT_EQ(t.tree().value(0, 1, 2), "b?:c");
  EXPECT_EQ(t.tree().value(1, 2, 2), "y");
}

// Re-indexing after clear() and reuse gives the same split (the array keeps its capacity).
TEST(MessageTreeIndex, IndexIsIdempotent) {
  const std::vector<std::string> bodies = {"+a:b+c", "+d", "", "x:y"};
  hand_tree t(bodies, edifact::delimiters::defaults(), true);
  message_tree& tree = t.tree();
  const auto index = tree.element_index;
  // The layout tree.hpp states: count, firsts, starts.
  const std::vector<std::uint16_t> want = {2, 0, 2, 3, 0, 2, 4, 6,  // "+a:b+c"
                                           1, 0, 1, 0, 2,           // "+d"
                                           0, 0, 0,                 // ""
                                           0, 0, 0};                // "x:y": no element
  EXPECT_EQ(std::vector<std::uint16_t>(index.begin(), index.end()), want);
  tree.index_elements();
  EXPECT_EQ(tree.element_index, index);
  EXPECT_EQ(tree.component(0, 1, 2), "b");
  EXPECT_EQ(tree.segments[1].first_element, 8u);
}

// A body longer than max_indexed_body is not indexed (16-bit offsets) and reads as the split
// of the segment; the segments around it are indexed and read the same.
TEST(MessageTreeIndex, LongBodiesStayUnindexed) {
  std::string longest = "+";
  while (longest.size() < max_indexed_body + 1) longest += "ab:c+";
  longest.resize(max_indexed_body + 1);  // the longest body that is indexed
  std::string too_long = longest + "+y:z";
  const std::vector<std::string> bodies = {"+a:b", longest, too_long, "+c"};
  const hand_tree t(bodies, edifact::delimiters::defaults(), true);
  EXPECT_NE(t.tree().segments[1].first_element, no_element_index);
  EXPECT_EQ(t.tree().segments[2].first_element, no_element_index);
  EXPECT_NE(t.tree().segments[3].first_element, no_element_index);
  expect_same_split(bodies, edifact::delimiters::defaults());
  const std::size_t count = t.tree().element_count(2);
  EXPECT_GT(count, 10'000u);
  EXPECT_EQ(t.tree().component(2, count, 2), "z");
  EXPECT_EQ(t.tree().component(3, 1, 1), "c");
}

}  // namespace
}  // namespace apipnr::message
