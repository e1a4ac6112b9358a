#include "apipnr/message/tree.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <string>
#include <utility>

namespace apipnr::message {

// ---------------------------------------------------------------------------------------------
// Reading values

namespace {

// True when `raw` holds an unreleased `c`.
bool has_unreleased(std::string_view raw, char c, const edifact::delimiters& d) noexcept {
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (d.has_release && raw[i] == d.release) {
      ++i;
    } else if (raw[i] == c) {
      return true;
    }
  }
  return false;
}

// The r-th (1-based) repetition of a raw element; the whole element when there is no
// repetition separator (r == 1) or empty (r > 1).
std::string_view repetition_of(std::string_view raw, std::uint16_t r,
                               const edifact::delimiters& d) noexcept {
  if (!d.has_repetition) return r == 1 ? raw : std::string_view{};
  edifact::field_splitter s(raw, d.repetition, d);
  std::string_view piece;
  for (std::uint16_t n = 1; s.next(piece); ++n) {
    if (n == r) return piece;
  }
  return {};
}

std::string_view pick_component(std::string_view occurrence, std::uint16_t component,
                                const edifact::delimiters& d) noexcept {
  return component == 0 ? occurrence : edifact::component(occurrence, component, d);
}

// read_value with the element lookup supplied: the tree reads through its element index, a
// bare segment splits itself.
template <class ElementAt>
std::string_view read_value_with(ElementAt&& element_at, const segment_def* layout,
                                 const edifact::delimiters& d, std::uint16_t element,
                                 std::uint16_t component, std::uint16_t repetition) noexcept {
  if (element == 0 || repetition == 0) return {};
  const std::string_view raw = element_at(element);
  // The first occurrence reads the same whatever the layout says: no field lookup (a call
  // and a search of the layout per value read).
  if (repetition == 1) return pick_component(repetition_of(raw, 1, d), component, d);
  const field_def* f = layout != nullptr ? layout->element(element) : nullptr;
  if (f == nullptr || f->repeat_max <= 1) {
    return pick_component(repetition_of(raw, repetition, d), component, d);
  }
  // Repeated element, occurrence > 1: the separator form when this element uses it (or may,
  // and does), otherwise the positional form (STANDARDS §1.6: COM+a:TE+b:FX).
  const bool separator_used = d.has_repetition && has_unreleased(raw, d.repetition, d);
  if (f->encoding == repeat_encoding::separator ||
      (f->encoding == repeat_encoding::either && separator_used)) {
    if (repetition > f->repeat_max) return {};
    return pick_component(repetition_of(raw, repetition, d), component, d);
  }
  if (repetition > f->positional_span) return {};
  const std::string_view positional =
      element_at(static_cast<std::size_t>(element) + repetition - 1);
  return pick_component(repetition_of(positional, 1, d), component, d);
}

}  // namespace

std::string_view read_value(const edifact::segment& s, const segment_def* layout,
                            const edifact::delimiters& d, std::uint16_t element,
                            std::uint16_t component, std::uint16_t repetition) noexcept {
  return read_value_with([&](std::size_t n) { return edifact::element(s, n, d); }, layout, d,
                         element, component, repetition);
}

void message_tree::clear() noexcept {
  source = nullptr;
  def = nullptr;
  message_index = 0;
  segments.clear();
  instances.clear();
  element_ends.clear();
  component_ends.clear();
  element_components.clear();
}

void message_tree::index_elements() {
  element_ends.clear();
  component_ends.clear();
  element_components.clear();
  const edifact::delimiters& d = source->delims;
  // Every element and component ends at a separator or terminator byte of its own, so the
  // message's bytes bound the counts; a quarter (elements) and a third (components) of them
  // are ample for real messages and save the regrowth.
  if (!segments.empty()) {
    const auto* first = segments.front().seg;
    const auto* last = segments.back().seg;
    if (last->offset >= first->offset) {
      const std::size_t bytes = last->offset - first->offset;
      element_ends.reserve(bytes / 4);
      element_components.reserve(bytes / 4 + 1);
      component_ends.reserve(bytes / 3);
    }
  }
  // One pass over each body splits elements and components together. Byte classes, in the
  // order the two-level split (edifact::element, then edifact::component) gives them
  // precedence: a release character makes the next byte data for both splits, an element
  // separator ends a component too, a component separator ends only a component. Both splits
  // start their release bookkeeping at the same byte (an element's first), so one scan gives
  // the same pieces as the two.
  enum : std::uint8_t { plain = 0, release = 1, element_sep = 2, component_sep = 3 };
  std::array<std::uint8_t, 256> cls{};
  cls[static_cast<unsigned char>(d.component)] = component_sep;
  cls[static_cast<unsigned char>(d.element)] = element_sep;
  if (d.has_release) cls[static_cast<unsigned char>(d.release)] = release;
  // Written through raw pointers, with room made per segment: a body of n bytes after its
  // leading separator gives at most n + 1 component ends, as many element ends and element
  // starts (the trailing entry of element_components included below).
  std::uint32_t* ee = element_ends.data();
  std::uint32_t* ce = component_ends.data();
  std::uint32_t* ec = element_components.data();
  std::size_t ne = 0, nc = 0, nec = 0;
  auto room = [](offset_array& a, std::uint32_t*& p, std::size_t used, std::size_t more) {
    if (used + more <= a.capacity()) return;
    a.set_size(used);
    a.reserve(std::max(2 * a.capacity(), used + more));
    p = a.data();
  };
  for (segment_entry& e : segments) {
    e.first_element = static_cast<std::uint32_t>(ne);
    e.element_count = 0;
    const std::string_view body = e.seg->body;
    // Same split as edifact::element(): no elements unless the body starts with the element
    // separator; "TAG+" has one empty element.
    if (body.empty() || body.front() != d.element) continue;
    const auto* p = reinterpret_cast<const unsigned char*>(body.data() + 1);
    const auto n = static_cast<std::uint32_t>(body.size() - 1);
    room(element_ends, ee, ne, std::size_t{n} + 1);
    room(component_ends, ce, nc, std::size_t{n} + 1);
    room(element_components, ec, nec, std::size_t{n} + 2);
    ec[nec++] = static_cast<std::uint32_t>(nc);
    // A size_t index: a 32-bit one costs a zero extension per byte in this loop.
    std::size_t k = 0;
    const std::size_t size = n;
    while (k < size) {
      const std::uint8_t c = cls[p[k]];
      if (c == plain) {
        ++k;
        continue;
      }
      if (c == release) {
        k += 2;  // the released character never splits
        continue;
      }
      ce[nc++] = static_cast<std::uint32_t>(k);
      if (c == element_sep) {
        ee[ne++] = static_cast<std::uint32_t>(k);
        ec[nec++] = static_cast<std::uint32_t>(nc);
      }
      ++k;
    }
    // The last piece takes the rest (a dangling release stepped past it).
    ce[nc++] = n;
    ee[ne++] = n;
    e.element_count = static_cast<std::uint32_t>(ne) - e.first_element;
  }
  room(element_components, ec, nec, 1);
  ec[nec++] = static_cast<std::uint32_t>(nc);
  element_ends.set_size(ne);
  component_ends.set_size(nc);
  element_components.set_size(nec);
}

std::string_view message_tree::element_unindexed(std::size_t i, std::size_t n) const noexcept {
  return edifact::element(*segments[i].seg, n, source->delims);
}

std::size_t message_tree::element_count_unindexed(std::size_t i) const noexcept {
  return edifact::element_count(*segments[i].seg, source->delims);
}

std::string_view message_tree::component_unindexed(std::size_t i, std::size_t n,
                                                   std::size_t c) const noexcept {
  const std::string_view raw = element_unindexed(i, n);
  return c == 0 ? raw : edifact::component(raw, c, source->delims);
}

std::size_t message_tree::component_count_unindexed(std::size_t i, std::size_t n) const noexcept {
  if (n == 0 || n > element_count_unindexed(i)) return 0;
  const std::string_view raw = element_unindexed(i, n);
  edifact::field_splitter sp(raw, source->delims.component, source->delims);
  std::string_view piece;
  std::size_t count = 0;
  while (sp.next(piece)) ++count;
  return count;
}

std::uint32_t message_tree::subtree_end(std::uint32_t inst) const noexcept {
  const std::uint32_t depth = instances[inst].depth;
  std::uint32_t j = inst + 1;
  while (j < instances.size() && instances[j].depth > depth) ++j;
  return j;
}

std::size_t message_tree::count_children(std::uint32_t inst, const node* group) const noexcept {
  std::size_t n = 0;
  for_each_child(inst, [&](std::uint32_t c) { n += instances[c].group == group ? 1 : 0; });
  return n;
}

std::string_view message_tree::qualifier(std::size_t i) const noexcept {
  const segment_entry& e = segments[i];
  const node* n = e.matched;
  if (n == nullptr || n->def == nullptr) return {};
  std::uint16_t el = n->def->qualifier_element;
  std::uint16_t co = n->def->qualifier_component;
  if (el == 0 && n->parent != nullptr && &n->parent->content[0] == n) {
    el = n->parent->qualifier_element;  // a trigger without a layout qualifier
    co = n->parent->qualifier_component;
  }
  if (el == 0) return {};
  if (!source->delims.has_repetition) return component(i, el, co);
  return read_value_with([&](std::size_t k) { return element(i, k); }, n->def, source->delims, el,
                         co, 1);
}

std::string_view message_tree::value(std::size_t i, std::uint16_t element, std::uint16_t component,
                                     std::uint16_t repetition) const noexcept {
  // The first occurrence without a repetition separator in the interchange (nearly every
  // read) is the element's component whatever the layout says: the component index has it.
  if (repetition == 1 && !source->delims.has_repetition)
    return this->component(i, element, component);
  const segment_entry& e = segments[i];
  const segment_def* layout = e.matched != nullptr ? e.matched->def : nullptr;
  return read_value_with([&](std::size_t k) { return this->element(i, k); }, layout, source->delims,
                         element, component, repetition);
}

std::string_view message_tree::value_in_layout(std::size_t i, const segment_def* layout,
                                               std::uint16_t element, std::uint16_t component,
                                               std::uint16_t repetition) const noexcept {
  if (repetition == 1 && !source->delims.has_repetition)
    return this->component(i, element, component);
  return read_value_with([&](std::size_t k) { return this->element(i, k); }, layout, source->delims,
                         element, component, repetition);
}

std::uint16_t message_tree::occurrences(std::size_t i, std::uint16_t element) const noexcept {
  const segment_entry& e = segments[i];
  const edifact::delimiters& d = source->delims;
  const segment_def* layout = e.matched != nullptr ? e.matched->def : nullptr;
  const field_def* f = layout != nullptr ? layout->element(element) : nullptr;
  const std::string_view raw = this->element(i, element);
  std::uint16_t n = 0;
  if (d.has_repetition && has_unreleased(raw, d.repetition, d)) {
    edifact::field_splitter s(raw, d.repetition, d);
    std::string_view piece;
    for (std::uint16_t r = 1; s.next(piece) && r < 9999; ++r) {
      if (!piece.empty()) n = r;
    }
    return n;
  }
  const std::uint16_t span =
      f != nullptr && f->encoding != repeat_encoding::separator ? f->positional_span : 1;
  for (std::uint16_t r = 1; r <= span; ++r) {
    if (!this->element(i, static_cast<std::size_t>(element) + r - 1).empty()) n = r;
  }
  return n;
}

}  // namespace apipnr::message
