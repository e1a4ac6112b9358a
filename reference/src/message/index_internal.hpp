// The builder of message_tree::element_index (tree.hpp has the layout), shared by
// message_tree::index_elements() and parse_structure(), which indexes each segment just before
// the group parser looks at it (the split is still in L1 when the element checks read it).
// Internal to the message library.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

// Checked splits remembered within a message (element_indexer::add_checked_memo): for a tag,
// a body length and where the body's separators are (of which kind), where the index holds
// the split of the first segment that had them, and its verdict. Another segment of that tag
// with the same three has the same segment-relative entries and verdict, so it points at
// those entries instead of writing a copy (message_tree::element_index allows segments to
// share entries): values of a fixed length (dates, codes, document types, ports) give every
// traveller's segment of a tag and qualifier the same shape. Direct-mapped; a slot counts
// only for the message (`stamp`) that wrote it.
struct alignas(32) split_memo {
  std::uint64_t stamp = 0;  // the message's stamp; 0: never written
  std::uint64_t bits = 0;   // the separators after the leading one, as bits of the rest
  std::uint64_t elems = 0;  // those of them that are element separators
  std::uint32_t first = 0;  // where the split's entries are in the message's index
  std::uint16_t tag = 0;    // tag id
  std::uint8_t n = 0;       // the body's length after the leading separator (below 64)
  bool clean = false;
};
static_assert(sizeof(split_memo) == 32);
inline constexpr std::size_t split_memo_slots = 64;

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
#if defined(__SSE2__)
    element_v_ = _mm_set1_epi8(d.element);
#endif
  }

  // Appends the split of seg.body() to `index` and points e.first_element (seg's tree entry)
  // at it; a body
  // longer than max_indexed_body (or an index that would pass 32-bit positions) leaves the
  // segment unindexed (no_element_index). May allocate (the index grows by doubling).
  [[gnu::always_inline]] void add(basic_offset_array<std::uint16_t>& index,
                                  const edifact::segment& seg, segment_entry& e) const {
    piece_state s;
    if (!open(index, seg, e, s)) return;
    split_from(s, 0);
    close(index, s);
  }

  // add() for a segment whose separators the tokenizer recorded (seg.separators != 0,
  // edifact::segment has the contract): the same index, read from the bits instead of a scan
  // of the body.
  [[gnu::always_inline]] void add_recorded(basic_offset_array<std::uint16_t>& index,
                                           const edifact::segment& seg, segment_entry& e) const {
    piece_state s;
    if (!open(index, seg, e, s)) return;  // not taken for a recorded body (it has elements)
    split_bits(s, seg.separators >> 1);
    close(index, s);
  }

  // add(), and in the same scan the clean-segment test of the split against `layout`'s flat
  // table (segment_def::split_limits; requires layout.split_rows != 0): returns what
  // clean_positions(layout, E, firsts, starts) returns for the split written, and false for a
  // segment left unindexed. Each component's length is checked as its separator is found;
  // after the first failure the rest is only split (as add()).
  [[gnu::always_inline]] bool add_checked(basic_offset_array<std::uint16_t>& index,
                                          const edifact::segment& seg, segment_entry& e,
                                          const segment_def& layout) const {
    return checked_split<false>(index, seg, e, layout);
  }

  // add_checked() for a segment whose separators the tokenizer recorded (seg.separators !=
  // 0): the same index and verdict, the separators read from the bits instead of a scan.
  [[gnu::always_inline]] bool add_checked_recorded(basic_offset_array<std::uint16_t>& index,
                                                   const edifact::segment& seg, segment_entry& e,
                                                   const segment_def& layout) const {
    return checked_split<true>(index, seg, e, layout);
  }

  // add_checked_recorded() that points e at the entries and takes the verdict remembered in
  // `memo` (split_memo_slots slots, this message's `stamp`, this indexer, `layout` the tag's
  // one layout) for the segment's tag, length and separators, and splits and remembers them
  // otherwise: the same split and verdict, without writing the entries again (e's entries may
  // be an earlier segment's).
  [[gnu::always_inline]] bool add_checked_memo(basic_offset_array<std::uint16_t>& index,
                                               const edifact::segment& seg, segment_entry& e,
                                               const segment_def& layout, std::uint16_t tag,
                                               split_memo* memo, std::uint64_t stamp,
                                               const char* text_end) const {
    const std::size_t n = seg.body().size() - 1;  // a recorded body starts with a separator
    const std::uint64_t bits = seg.separators >> 1;
    const char* const p = seg.body().data() + 1;
    // The slot: the top bits of a Fibonacci hash of the key (bits below 2^63, n below 64).
    split_memo& m = memo[((bits + (std::uint64_t{n} << 40) + (std::uint64_t{tag} << 47)) *
                          0x9E3779B97F4A7C15ull) >>
                         58];
    const std::uint64_t elems = element_bits(p, n, bits, text_end);
    if (m.stamp == stamp && m.bits == bits && m.n == n && m.tag == tag && m.elems == elems) {
      e.first_element = m.first;
      return m.clean;
    }
    const std::size_t used = index.size();
    const bool clean = checked_split<true>(index, seg, e, layout);
    if (e.first_element == used) {  // indexed (a recorded body always is)
      m.stamp = stamp;
      m.bits = bits;
      m.elems = elems;
      m.first = static_cast<std::uint32_t>(used);
      m.n = static_cast<std::uint8_t>(n);
      m.tag = tag;
      m.clean = clean;
    }
    return clean;
  }

 private:
  // The element separators among the separators `bits` of the n bytes at p (a recorded
  // body: no release character); text_end bounds what may be read past them.
  [[gnu::always_inline]] std::uint64_t element_bits(const char* p, std::size_t n,
                                                    std::uint64_t bits,
                                                    const char* text_end) const {
#if defined(__SSE2__)
    // Bytes equal to the element separator, 16 at a time (reads stay inside the text).
    if (n <= 32 && text_end - p >= 32) {
      const __m128i sep = element_v_;
      const auto lo = static_cast<unsigned>(_mm_movemask_epi8(
          _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)), sep)));
      const auto hi = static_cast<unsigned>(_mm_movemask_epi8(
          _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16)), sep)));
      return (std::uint64_t{lo} | std::uint64_t{hi} << 16) & bits;
    }
#endif
    std::uint64_t elems = 0;
    while (bits != 0) {
      const std::uint64_t low = bits & (~bits + 1);
      if (p[std::countr_zero(bits)] == element_) elems |= low;
      bits ^= low;
    }
    return elems;
  }

  // add_checked's scan; Recorded: the separators come from seg.separators (a recorded body
  // holds no release character, so every separator bit splits).
  template <bool Recorded>
  [[gnu::always_inline]] bool checked_split(basic_offset_array<std::uint16_t>& index,
                                            const edifact::segment& seg, segment_entry& e,
                                            const segment_def& layout) const {
    piece_state s;
    if (!open(index, seg, e, s)) {
      // Unindexed, or indexed without elements: clean unless an element is mandatory.
      return e.first_element != no_element_index && layout.mandatory_mask == 0;
    }
    const std::uint16_t* const table = layout.split_limits.data();
    const std::uint64_t* const mandatory = layout.split_mandatory.data();
    const std::size_t stride = layout.split_stride;
    const std::size_t last_row = layout.split_rows - 1u;
    const std::uint16_t* row = table;
    const auto* p = s.p;
    const std::size_t n = s.n;
    std::uint16_t* const starts = s.starts;
    std::uint16_t* const firsts = s.firsts;
    std::size_t nc = 1, ne = 1;
    std::size_t k = 0;
    std::size_t start = 0;     // the current component's first byte
    std::size_t c = 0;         // the current component, 0-based in its element
    std::size_t r = 0;         // the current element's row (its position - 1, capped)
    std::uint64_t comps = 0;   // non-empty components of the current element
    std::uint64_t filled = 0;  // non-empty elements
    bool clean = false;
    // Recorded: the separators after the leading element separator, as bits of p.
    [[maybe_unused]] std::uint64_t bits = Recorded ? seg.separators >> 1 : 0;
    for (;;) {
      std::uint8_t cl;
      if constexpr (Recorded) {
        if (bits == 0) k = n;
      }
      if (k >= n) {
        // The last piece ends the last element.
        const std::size_t len = n - start;
        if (len != 0 && len >= row[c]) break;
        comps |= std::uint64_t{len != 0} << c;
        if (c != 0 || len != 0) {
          if ((mandatory[r] & ~comps) != 0) break;
          filled |= std::uint64_t{1} << (ne - 1);
        }
        clean = (layout.mandatory_mask & ~filled) == 0;
        break;
      }
      if constexpr (Recorded) {
        k = static_cast<std::size_t>(std::countr_zero(bits));
        bits &= bits - 1;
        cl = p[k] == static_cast<unsigned char>(element_) ? element_sep : component_sep;
      } else {
        cl = cls_[p[k]];
        if (cl == plain) {
          ++k;
          continue;
        }
        if (cl == release) {
          k += 2;
          continue;
        }
      }
      starts[nc] = static_cast<std::uint16_t>(k + 1);
      firsts[ne] = static_cast<std::uint16_t>(nc);
      ++nc;
      // The piece [start, k) ends: a non-empty one within its limit (0: none allowed).
      const std::size_t len = k - start;
      if (len != 0 && len >= row[c]) {
        ne += cl == element_sep ? 1 : 0;
        ++k;
        break;
      }
      comps |= std::uint64_t{len != 0} << c;
      if (cl == element_sep) {
        // Element ne - 1 ends: when not empty, its mandatory components are filled.
        if (c != 0 || len != 0) {
          if ((mandatory[r] & ~comps) != 0) {
            ++ne;
            ++k;
            break;
          }
          filled |= std::uint64_t{1} << (ne - 1);
        }
        if (ne == 64) {  // a 65th element: more than the test decides
          ++ne;
          ++k;
          break;
        }
        ++ne;
        r = std::min(ne - 1, last_row);
        row = table + r * stride;
        c = 0;
        comps = 0;
      } else {
        ++c;  // one more component: the row must allow it (its last entry is 0)
        if (row[c] == 0) {
          ++k;
          break;
        }
      }
      start = ++k;
    }
    s.nc = nc;
    s.ne = ne;
    if (!clean) {
      if constexpr (Recorded) {
        split_bits(s, bits);
      } else {
        split_from(s, k);
      }
    }
    close(index, s);
    return clean;
  }

  // One segment's split in progress: where it is written and how far it got.
  struct piece_state {
    const unsigned char* p = nullptr;  // the body after its leading element separator
    std::size_t n = 0;                 // its length
    std::size_t used = 0;              // index size before the segment
    std::uint16_t* x = nullptr;        // the segment's entries
    std::uint16_t* firsts = nullptr;
    std::uint16_t* starts = nullptr;  // provisional: moved down behind the firsts by close()
    std::size_t ne = 1, nc = 1;       // elements and components so far
    bool has_elements = false;
  };

  // Room for the segment's entries; false when there is nothing to split (e left unindexed,
  // or indexed as having no element and finished).
  [[gnu::always_inline]] bool open(basic_offset_array<std::uint16_t>& index,
                                   const edifact::segment& seg, segment_entry& e,
                                   piece_state& s) const {
    const std::string_view body = seg.body();
    const std::size_t used = index.size();
    // Same split as edifact::element(): no elements unless the body starts with the element
    // separator; "TAG+" has one empty element.
    s.has_elements = !body.empty() && body.front() == element_;
    const std::size_t n = s.has_elements ? body.size() - 1 : 0;
    // Worst case written (n + 1 components, as many elements): the count, n + 2 firsts, the
    // starts provisionally after them (n + 2), and 8 entries of slack for the block move.
    const std::size_t need = 2 * n + 13;
    if (n > max_indexed_body || used + need >= no_element_index) [[unlikely]] {
      e.first_element = no_element_index;
      return false;
    }
    if (used + need > index.capacity()) [[unlikely]] {
      index.reserve(std::max(2 * index.capacity(), used + need));
    }
    std::uint16_t* x = index.data() + used;
    e.first_element = static_cast<std::uint32_t>(used);
    s.used = used;
    s.x = x;
    s.n = n;
    if (!s.has_elements) {
      x[0] = x[1] = x[2] = 0;
      index.set_size(used + 3);
      return false;
    }
    s.firsts = x + 1;
    s.starts = x + n + 3;
    s.p = reinterpret_cast<const unsigned char*>(body.data() + 1);
    s.firsts[0] = 0;
    s.starts[0] = 0;
    return true;
  }

  // Splits s's body from byte k on (no separator before k left unrecorded).
  [[gnu::always_inline]] void split_from(piece_state& s, std::size_t k) const {
    const unsigned char* p = s.p;
    const std::size_t n = s.n;
    std::uint16_t* const starts = s.starts;
    std::uint16_t* const firsts = s.firsts;
    std::size_t ne = s.ne, nc = s.nc;
    // A size_t index: a 32-bit one costs a zero extension per body byte in this loop.
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
    s.ne = ne;
    s.nc = nc;
  }

  // split_from() for a recorded body: `bits` are the separators not yet recorded, as bits of
  // s.p (the body after its leading element separator).
  [[gnu::always_inline]] void split_bits(piece_state& s, std::uint64_t bits) const {
    const unsigned char* p = s.p;
    std::uint16_t* const starts = s.starts;
    std::uint16_t* const firsts = s.firsts;
    std::size_t ne = s.ne, nc = s.nc;
    const auto elem = static_cast<unsigned char>(element_);
    while (bits != 0) {
      const auto k = static_cast<std::size_t>(std::countr_zero(bits));
      bits &= bits - 1;
      starts[nc] = static_cast<std::uint16_t>(k + 1);
      firsts[ne] = static_cast<std::uint16_t>(nc);
      ++nc;
      ne += p[k] == elem ? 1 : 0;
    }
    s.ne = ne;
    s.nc = nc;
  }

  // Ends s's split: the last piece takes the rest (a dangling release stepped past it), the
  // starts move behind the firsts and the index grows by the segment's entries.
  [[gnu::always_inline]] void close(basic_offset_array<std::uint16_t>& index,
                                    const piece_state& s) const {
    const std::size_t ne = s.ne, nc = s.nc;
    std::uint16_t* const x = s.x;
    std::uint16_t* const starts = s.starts;
    s.firsts[ne] = static_cast<std::uint16_t>(nc);
    starts[nc] = static_cast<std::uint16_t>(s.n + 1);
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
    index.set_size(s.used + ne + 2 + count);
  }

 private:
  enum : std::uint8_t { plain = 0, release = 1, element_sep = 2, component_sep = 3 };
  std::array<std::uint8_t, 256> cls_{};
  char element_;
#if defined(__SSE2__)
  __m128i element_v_;  // element_ in every byte, for element_bits
#endif
};

// Room for the index of a message whose segments span `bytes` bytes: about half an entry per
// byte plus three per segment for real messages; the index grows past it when needed.
inline std::size_t index_estimate(std::size_t bytes, std::size_t segments) noexcept {
  return bytes / 2 + 4 * segments + 16;
}

}  // namespace apipnr::message::detail
