// The builder of message_tree::element_index (tree.hpp has the layout), shared by
// message_tree::index_elements() and parse_structure(), which indexes each segment just before
// the group parser looks at it (the split is still in L1 when the element checks read it).
// Internal to the message library.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "apipnr/edifact/interchange.hpp"
#include "apipnr/message/tree.hpp"

namespace apipnr::message::detail {

// True when `raw` holds `c` not made data by a release character (the structure walk and the
// tree's value readers both ask it of raw elements).
inline bool has_unreleased(std::string_view raw, char c, const edifact::delimiters& d) noexcept {
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (d.has_release && raw[i] == d.release) {
      ++i;
    } else if (raw[i] == c) {
      return true;
    }
  }
  return false;
}

// Splits segment bodies into elements and components and appends the split to an index.
// Holds only the delimiters' byte classes: cheap to make once per message. Not thread-safe
// for writing the same index; distinct indexes may be built in parallel.
class element_indexer {
 public:
  explicit element_indexer(const edifact::delimiters& d) noexcept : element_(d.element) {
    // Byte classes, in the order the two-level split (edifact::element, then
    // edifact::component) gives them precedence: a release character makes the next byte data
    // for both splits, an element separator ends a component too, a component separator ends
    // only a component. Both splits start their release bookkeeping at the same byte (an
    // element's first), so one scan gives the same pieces as the two.
    cls_[static_cast<unsigned char>(d.component)] = component_sep;
    cls_[static_cast<unsigned char>(d.element)] = element_sep;
    if (d.has_release) cls_[static_cast<unsigned char>(d.release)] = release;
  }

  // Appends the split of e.seg->body to `index` and points e.first_element at it; a body
  // longer than max_indexed_body (or an index that would pass 32-bit positions) leaves the
  // segment unindexed (no_element_index). May allocate (the index grows by doubling).
  [[gnu::always_inline]] void add(basic_offset_array<std::uint16_t>& index,
                                  segment_entry& e) const {
    const std::string_view body = e.seg->body;
    const std::size_t used = index.size();
    // Same split as edifact::element(): no elements unless the body starts with the element
    // separator; "TAG+" has one empty element.
    const bool has_elements = !body.empty() && body.front() == element_;
    const std::size_t n = has_elements ? body.size() - 1 : 0;
    // Worst case written (n + 1 components, as many elements): the count, n + 2 firsts, the
    // starts provisionally after them (n + 2), and 8 entries of slack for the block move.
    const std::size_t need = 2 * n + 13;
    if (n > max_indexed_body || used + need >= no_element_index) [[unlikely]] {
      e.first_element = no_element_index;
      return;
    }
    if (used + need > index.capacity()) [[unlikely]] {
      index.reserve(std::max(2 * index.capacity(), used + need));
    }
    std::uint16_t* x = index.data() + used;
    e.first_element = static_cast<std::uint32_t>(used);
    if (!has_elements) {
      x[0] = x[1] = x[2] = 0;
      index.set_size(used + 3);
      return;
    }
    std::uint16_t* firsts = x + 1;
    std::uint16_t* starts = x + n + 3;  // provisional: moved down behind the firsts below
    const auto* p = reinterpret_cast<const unsigned char*>(body.data() + 1);
    firsts[0] = 0;
    starts[0] = 0;
    std::size_t ne = 1, nc = 1;
    // A size_t index: a 32-bit one costs a zero extension per body byte in this loop.
    std::size_t k = 0;
    while (k < n) {
      const std::uint8_t c = cls_[p[k]];
      if (c == plain) {
        ++k;
        continue;
      }
      if (c == release) {
        k += 2;  // the released character never splits
        continue;
      }
      // A separator: the next component starts after it; after an element separator it is
      // also the next element's first (written always, counted only then: no branch).
      starts[nc] = static_cast<std::uint16_t>(k + 1);
      firsts[ne] = static_cast<std::uint16_t>(nc);
      ++nc;
      ne += c == element_sep ? 1 : 0;
      ++k;
    }
    // The last piece takes the rest (a dangling release stepped past it).
    firsts[ne] = static_cast<std::uint16_t>(nc);
    starts[nc] = static_cast<std::uint16_t>(n + 1);
    x[0] = static_cast<std::uint16_t>(ne);
    std::uint16_t* to = x + ne + 2;
    const std::size_t count = nc + 1;
    if (count <= 8) {
      // Most segments: one 16-byte block (the slack covers reading and writing past the end;
      // source and destination may overlap, so read it whole first).
      std::uint16_t block[8];
      std::memcpy(block, starts, sizeof block);
      std::memcpy(to, block, sizeof block);
    } else {
      std::memmove(to, starts, count * sizeof(std::uint16_t));
    }
    index.set_size(used + ne + 2 + count);
  }

 private:
  enum : std::uint8_t { plain = 0, release = 1, element_sep = 2, component_sep = 3 };
  std::array<std::uint8_t, 256> cls_{};
  char element_;
};

// Room for the index of a message whose segments span `bytes` bytes: about half an entry per
// byte plus three per segment for real messages; the index grows past it when needed.
inline std::size_t index_estimate(std::size_t bytes, std::size_t segments) noexcept {
  return bytes / 2 + 4 * segments + 16;
}

}  // namespace apipnr::message::detail
