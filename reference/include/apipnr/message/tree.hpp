// The group structure of ONE message (UNH..UNT) as matched against its definition, and the
// parser that builds it (`parse_structure`, algorithm of specs/messages/README.md).
//
// Model: `message_tree::segments` has one entry per segment UNH..UNT inclusive (entry i is
// message segment i+1, UNH = 1), with the definition node that matched it (nullptr for UNH, UNT
// and segments no node accepted) and the innermost group instance it belongs to.
// `message_tree::instances[0]` is the message root (group == nullptr); every other instance is
// one occurrence of a group node, in pre-order (a parent always precedes its children, and a
// subtree is contiguous).
//
// Lifetime: the tree holds pointers into the `edifact::interchange` (and so into its buffer)
// and into the `definitions` it was parsed with; all three must outlive it and stay unchanged.
// `clear()` keeps capacity, so reusing one tree per worker allocates only when a message is
// larger than any before it.
//
// Thread safety: value type, no synchronisation; a const tree may be read from many threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include <boost/system/error_code.hpp>

#include "apipnr/common/diagnostic.hpp"
#include "apipnr/edifact/interchange.hpp"
#include "apipnr/message/definitions.hpp"
#include "apipnr/message/errc.hpp"

namespace apipnr::message {

inline constexpr std::uint32_t no_instance = 0xFFFFFFFFu;

inline constexpr std::uint32_t no_element_index = 0xFFFFFFFFu;

// Storage of the tree's element and component index: a growable array of offsets that the
// index builder fills through a raw pointer (std::vector's push_back re-checks the capacity
// and stores its end for each of the million offsets of a large message). Growing keeps
// [0, size()) and leaves the new room uninitialised; nothing reads past size().
// Value type (copies copy the values); not thread-safe for writing.
template <class T>
class basic_offset_array {
 public:
  basic_offset_array() = default;
  basic_offset_array(const basic_offset_array& o) { assign(o); }
  basic_offset_array& operator=(const basic_offset_array& o) {
    if (this != &o) assign(o);
    return *this;
  }
  basic_offset_array(basic_offset_array&& o) noexcept
      : data_(std::move(o.data_)), size_(o.size_), capacity_(o.capacity_) {
    o.size_ = o.capacity_ = 0;
  }
  basic_offset_array& operator=(basic_offset_array&& o) noexcept {
    data_ = std::move(o.data_);
    size_ = o.size_;
    capacity_ = o.capacity_;
    o.size_ = o.capacity_ = 0;
    return *this;
  }

  const T* data() const noexcept { return data_.get(); }
  T* data() noexcept { return data_.get(); }
  std::size_t size() const noexcept { return size_; }
  std::size_t capacity() const noexcept { return capacity_; }
  bool empty() const noexcept { return size_ == 0; }
  const T* begin() const noexcept { return data_.get(); }
  const T* end() const noexcept { return data_.get() + size_; }
  T operator[](std::size_t i) const noexcept { return data_[i]; }
  void clear() noexcept { size_ = 0; }
  // Room for at least n values (capacity only grows; [0, size()) kept).
  void reserve(std::size_t n) {
    if (n <= capacity_) return;
    auto grown = std::make_unique_for_overwrite<T[]>(n);
    if (size_ != 0) std::memcpy(grown.get(), data_.get(), size_ * sizeof(T));
    data_ = std::move(grown);
    capacity_ = n;
  }
  // The size after values were written through data(); n <= capacity().
  void set_size(std::size_t n) noexcept { size_ = n; }
  void push_back(T v) {
    if (size_ == capacity_) reserve(capacity_ < 8 ? 16 : 2 * capacity_);
    data_[size_++] = v;
  }
  friend bool operator==(const basic_offset_array& a, const basic_offset_array& b) noexcept {
    return a.size_ == b.size_ &&
           (a.size_ == 0 || std::memcmp(a.data(), b.data(), a.size_ * sizeof(T)) == 0);
  }

 private:
  void assign(const basic_offset_array& o) {
    size_ = 0;
    reserve(o.size_);
    if (o.size_ != 0) std::memcpy(data_.get(), o.data_.get(), o.size_ * sizeof(T));
    size_ = o.size_;
  }

  std::unique_ptr<T[]> data_;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};
using offset_array = basic_offset_array<std::uint32_t>;

// Longest segment body (after its leading element separator) the element index records: its
// 16-bit offsets then cannot overflow (message_tree::element_index). A longer segment stays
// unindexed (segment_entry::first_element == no_element_index) and is read by splitting it,
// with the same results, only slower; the tokenizer's own limits come first in practice.
inline constexpr std::size_t max_indexed_body = 0xFFFE;

// 16 bytes: one is written per segment (240,000 for a 20,000-traveller PAXLST), so its size is
// part of the structure stage's memory traffic (and of the profile stage's and the
// extraction's reads). The segment itself is not stored: entry i's is message_tree::seg(i).
struct segment_entry {
  const node* matched = nullptr;  // nullptr: UNH/UNT or not accepted anywhere
  std::uint32_t instance = 0;     // innermost group instance (0 = root)
  // Where the segment's split starts in message_tree::element_index (layout there).
  // no_element_index: not indexed; lookups then split the segment each time.
  std::uint32_t first_element = no_element_index;
};

struct group_instance {
  const node* group = nullptr;         // nullptr for the root (instance 0)
  std::uint32_t parent = no_instance;  // index into message_tree::instances
  std::uint32_t first = 0;             // tree index of the trigger segment (root: 0 = UNH)
  std::uint32_t last = 0;              // tree index of the last segment, nested ones included
  std::uint32_t repetition = 1;        // 1-based occurrence of this group in its parent
  std::uint32_t depth = 0;             // 0 for the root, 1 for a top-level group
};

class message_tree {
 public:
  const edifact::interchange* source = nullptr;
  const definition* def = nullptr;
  std::uint32_t message_index = 0;  // into interchange::messages
  // The message's segments in the interchange (interchange::segments from its UNH on):
  // segments[i] describes first_segment[i], for every i below segments.size().
  const edifact::segment* first_segment = nullptr;
  std::vector<segment_entry> segments;
  std::vector<group_instance> instances;
  // Element and component index, one array of 16-bit entries for the whole message (about
  // 0.9 bytes per input byte, against 1.7 for the 32-bit index before it). For each indexed
  // segment, from its segment_entry::first_element, with E its number of data elements and C
  // the number of components of all of them together:
  //   [0]                E
  //   [1 .. 1 + E]       firsts: the segment-relative number of each element's first
  //                      component, then C (element k has components firsts[k] .. firsts[k+1]-1)
  //   [E + 2 .. E+2+C]   starts: where each component starts, as an offset from the first byte
  //                      after the segment's leading element separator, then that part's size
  //                      plus one (component g is [starts[g], starts[g+1] - 1)); only when E > 0.
  // Filled by parse_structure() (or index_elements()), so every consumer of the tree (group
  // parser, profile, extraction) reads elements and components in O(1) instead of
  // re-splitting the segment for each lookup. The split is the one edifact::element() and
  // edifact::component() make (release characters honoured, repetition separators not
  // special), so component(i, n, c) below is edifact::component(element(i, n), c, delims()).
  // Bodies longer than max_indexed_body stay unindexed.
  // The entries are segment-relative, so segments of one shape (body length, separators and
  // their kinds) may share one copy: the fast structure walk points a segment whose split it
  // has seen earlier in the message at that earlier segment's entries instead of writing them
  // again (in a 20,000-traveller PAXLST, 200,000 of 240,000 segments; fast_structure.hpp).
  // So first_element need not grow with the segment, and two trees of one message are equal
  // when every segment's split is (same_split), not necessarily word for word.
  basic_offset_array<std::uint16_t> element_index;

  void clear() noexcept;

  // The interchange segment of tree segment i (message segment i + 1).
  const edifact::segment& seg(std::size_t i) const noexcept { return first_segment[i]; }

  // True when tree segment i is indexed with the same entries as segment j of `other`, or
  // neither is indexed (for tests: entries may be shared, so two indexes of one message need
  // not be equal word for word).
  bool same_split(std::size_t i, const message_tree& other, std::size_t j) const noexcept;

  // Splits every segment of `segments` once into its data elements and their components
  // (release characters honoured) and records the split in element_index. Idempotent;
  // allocates only when the message has more elements than any before it in this tree.
  // parse_structure() builds the same index segment by segment as it goes.
  void index_elements();

  // The index of tree segment i: its element count, firsts and starts (see element_index);
  // count 0 and null pointers when the segment has no element. Only for an indexed segment.
  struct split_view {
    std::uint32_t count = 0;                // E
    const std::uint16_t* firsts = nullptr;  // E + 1 entries
    const std::uint16_t* starts = nullptr;  // C + 1 entries
    const char* rest = nullptr;             // the body after its leading element separator
  };
  [[gnu::always_inline]] split_view split(std::size_t i) const noexcept {
    const segment_entry& e = segments[i];
    const std::uint16_t* x = element_index.data() + e.first_element;
    const std::uint32_t count = x[0];
    return {count, x + 1, x + count + 2, first_segment[i].body().data() + 1};
  }

  // Raw data element n (1-based) of tree segment i, or an empty view when absent; the same
  // as edifact::element(seg(i), n, delims()) but O(1) once indexed. The view points
  // into the interchange's buffer.
  // Inline: the group parser, profile and extraction read millions of elements per large
  // message, and the call cost as much as the lookup.
  [[gnu::always_inline]] std::string_view element(std::size_t i, std::size_t n) const noexcept {
    const segment_entry& e = segments[i];
    if (e.first_element == no_element_index) [[unlikely]] {
      return element_unindexed(i, n);
    }
    const std::uint16_t* x = element_index.data() + e.first_element;
    const std::size_t count = x[0];
    if (n == 0 || n > count) return {};
    const std::uint16_t* starts = x + count + 2;
    const std::uint32_t from = starts[x[n]];
    return {first_segment[i].body().data() + 1 + from, starts[x[n + 1]] - 1u - from};
  }
  // Number of data elements of tree segment i (edifact::element_count).
  std::size_t element_count(std::size_t i) const noexcept {
    const segment_entry& e = segments[i];
    if (e.first_element == no_element_index) [[unlikely]] {
      return element_count_unindexed(i);
    }
    return element_index[e.first_element];
  }
  // Raw component c (1-based; 0 = the whole element) of data element n (1-based) of tree
  // segment i, or an empty view when absent: for c >= 1 edifact::component(element(i, n), c,
  // delims()), for c == 0 element(i, n); O(1) once indexed. Repetition separators are not
  // special here (value() is the layout-aware read of an occurrence).
  [[gnu::always_inline]] std::string_view component(std::size_t i, std::size_t n,
                                                    std::size_t c) const noexcept {
    const segment_entry& e = segments[i];
    if (e.first_element == no_element_index) [[unlikely]] {
      return component_unindexed(i, n, c);
    }
    const std::uint16_t* x = element_index.data() + e.first_element;
    const std::size_t count = x[0];
    if (n == 0 || n > count) return {};
    const std::uint16_t* starts = x + count + 2;
    const std::size_t g = x[n];
    const std::size_t last = x[n + 1];
    const char* rest = first_segment[i].body().data() + 1;
    if (c == 0) return {rest + starts[g], starts[last] - 1u - starts[g]};
    if (c > last - g) return {};
    const std::size_t k = g + c - 1;
    return {rest + starts[k], starts[k + 1] - 1u - starts[k]};
  }
  // Number of components of data element n of tree segment i (1 for a present element without
  // component separator, empty or not; 0 when the element is absent).
  std::size_t component_count(std::size_t i, std::size_t n) const noexcept {
    const segment_entry& e = segments[i];
    if (e.first_element == no_element_index) [[unlikely]] {
      return component_count_unindexed(i, n);
    }
    const std::uint16_t* x = element_index.data() + e.first_element;
    if (n == 0 || n > x[0]) return 0;
    return static_cast<std::size_t>(x[n + 1] - x[n]);
  }
  // element() and element_count() of a segment index_elements() has not split: split now.
  std::string_view component_unindexed(std::size_t i, std::size_t n, std::size_t c) const noexcept;
  std::size_t component_count_unindexed(std::size_t i, std::size_t n) const noexcept;
  std::string_view element_unindexed(std::size_t i, std::size_t n) const noexcept;
  std::size_t element_count_unindexed(std::size_t i) const noexcept;

  // Message segment number (UNH = 1) of tree index i.
  static std::uint32_t message_segment(std::size_t i) noexcept {
    return static_cast<std::uint32_t>(i + 1);
  }
  const edifact::delimiters& delims() const noexcept { return source->delims; }

  // Calls f(tree_index) for each segment that belongs to instance `inst` itself (its trigger
  // and plain segments, not those of nested groups), in order.
  template <class F>
  void for_each_own_segment(std::uint32_t inst, F&& f) const {
    const group_instance& g = instances[inst];
    for (std::uint32_t i = g.first; i <= g.last && i < segments.size(); ++i) {
      if (segments[i].instance == inst) f(i);
    }
  }
  // Calls f(instance_index) for each direct child instance of `inst`, in order.
  template <class F>
  void for_each_child(std::uint32_t inst, F&& f) const {
    const std::uint32_t end = subtree_end(inst);
    for (std::uint32_t j = inst + 1; j < end; ++j) {
      if (instances[j].parent == inst) f(j);
    }
  }
  // One past the last instance of the subtree rooted at `inst`.
  std::uint32_t subtree_end(std::uint32_t inst) const noexcept;
  // Number of instances of `group` directly inside `inst`.
  std::size_t count_children(std::uint32_t inst, const node* group) const noexcept;

  // The segment's qualifier, read where its layout says (README rule 2); empty when none.
  std::string_view qualifier(std::size_t i) const noexcept;

  // Raw value (release characters still in place; see edifact::unescape) of element `element`
  // (declared position), component `component` (0 = the whole element) and occurrence
  // `repetition` (1-based) of tree segment i. Repeats are read as the layout says: positional
  // (occurrence r of an element declared at p sits at position p+r-1) or with the v4
  // repetition separator; `either` uses the separator form when the element contains one.
  // Empty when absent.
  std::string_view value(std::size_t i, std::uint16_t element, std::uint16_t component = 0,
                         std::uint16_t repetition = 1) const noexcept;
  // Same as value(), reading segment i with `layout` instead of its matched node's (the group
  // parser asks before the segment has matched).
  std::string_view value_in_layout(std::size_t i, const segment_def* layout, std::uint16_t element,
                                   std::uint16_t component = 0,
                                   std::uint16_t repetition = 1) const noexcept;
  // Number of occurrences of the element declared at `element` present in segment i (0 when
  // the element is absent or empty).
  std::uint16_t occurrences(std::size_t i, std::uint16_t element) const noexcept;
};

// Layout-aware reading of a single segment without a tree (same rules as message_tree::value).
std::string_view read_value(const edifact::segment& s, const segment_def* layout,
                            const edifact::delimiters& d, std::uint16_t element,
                            std::uint16_t component = 0, std::uint16_t repetition = 1) noexcept;

struct structure_options {
  // Severity of a missing mandatory segment/group, by node (node::path names it). Return
  // nullopt to keep the default (error). The profile engine fills this from `required` rules.
  std::function<std::optional<apipnr::severity>(const node&)> missing_severity;
  // Severity for segments/groups/elements of `in_profile: false` nodes (profile decides).
  apipnr::severity not_in_profile = apipnr::severity::warning;
  bool check_elements = true;               // run the element layout checks
  std::uint32_t max_depth = 16;             // group nesting limit (MSG-LIM-DEPTH)
  std::uint32_t max_instances = 1'000'000;  // group instance limit per message (MSG-LIM-INSTANCES)
  std::uint32_t max_findings = 10'000;      // per message; then one MSG-LIM-FINDINGS, then silence
};

// Builds `out` for interchange.messages[message_index] against `def`, reporting findings to
// `sink` (never throws on input). Returns an error only when it had to stop: no_such_message,
// limit_depth, limit_instances (the tree then covers the segments before the stop).
boost::system::error_code parse_structure(const edifact::interchange& ic, std::size_t message_index,
                                          const definition& def, diagnostic_sink& sink,
                                          message_tree& out, const structure_options& opt = {});
// Same, choosing the definition from the UNH with definitions::find(); reports and returns
// no_definition when none matches.
boost::system::error_code parse_structure(const edifact::interchange& ic, std::size_t message_index,
                                          const definitions& defs, diagnostic_sink& sink,
                                          message_tree& out, const structure_options& opt = {});

}  // namespace apipnr::message
