// The structure walk's element checks for one segment, without reporting: the cold path of
// fast_structure.cpp for the segments the clean-segment table does not decide (a value of
// type a or n, a fixed length, a repetition separator...). It runs parse.cpp's own
// check_elements, so the fast path cannot judge an element differently from the walk.
// Internal to the message library.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "apipnr/edifact/interchange.hpp"
#include "apipnr/message/definitions.hpp"
#include "apipnr/message/tree.hpp"

namespace apipnr::message::detail {

// The clean-segment table test that structure_parser::clean and the fast walk share: true when
// a segment of `count` elements (the element index's first-component offsets `firsts`, the
// component start offsets `components`) has every non-empty element at a position (at most 64)
// the planned `layout` defines, within its compiled component limits (segment_def::clean_slots,
// clean_limits), and every mandatory element and component present. Reports nothing.
inline bool clean_positions(const segment_def& layout, std::uint32_t count,
                            const std::uint16_t* firsts, const std::uint16_t* components) noexcept {
  if (count > 64) return false;
  // The compiled table covers positions 1 .. min(64, last): a non-empty element past it is
  // undefined (or past 64) and needs the full check.
  const std::uint32_t nslots = static_cast<std::uint32_t>(layout.clean_slots.size());
  const segment_def::clean_slot* slots = layout.clean_slots.data();
  const std::uint16_t* limits = layout.clean_limits.data();
  std::uint64_t filled = 0;
  for (std::uint32_t p = 0; p < count; ++p) {
    const std::uint32_t first = firsts[p];
    const std::uint32_t last = firsts[p + 1];
    const std::uint16_t* cs = components + first;
    if (components[last] - 1u == cs[0]) continue;  // empty
    if (p >= nslots) return false;
    filled |= std::uint64_t{1} << p;
    const segment_def::clean_slot& slot = slots[p];
    const std::uint32_t nc = last - first;
    if (nc > slot.max_components) return false;
    const std::uint16_t* lim = limits + slot.limits;
    std::uint64_t components_filled = 0;
    for (std::uint32_t c = 0; c < nc; ++c) {
      const std::uint32_t len = cs[c + 1] - 1u - cs[c];
      if (len > lim[c]) return false;
      components_filled |= std::uint64_t{len != 0} << c;
    }
    if ((slot.mandatory & ~components_filled) != 0) return false;
  }
  return (layout.mandatory_mask & ~filled) == 0;
}

// One per message (making one builds the parser's byte-class table). Holds references to its
// arguments, which must outlive it. Not thread-safe; distinct probes may run in parallel.
class element_probe {
 public:
  element_probe(const edifact::interchange& ic, const definition& def, message_tree& out,
                const structure_options& opt);
  ~element_probe();
  element_probe(const element_probe&) = delete;
  element_probe& operator=(const element_probe&) = delete;

  // True when parse_structure's element checks of tree segment i (indexed) against node n
  // report nothing.
  bool passes(std::size_t i, const node& n);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace apipnr::message::detail
