#include "apipnr/message/tree.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <string>
#include <utility>

#include "index_internal.hpp"

namespace apipnr::message {

// ---------------------------------------------------------------------------------------------
// Reading values

namespace {

using detail::has_unreleased;

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
  first_segment = nullptr;
  segments.clear();
  instances.clear();
  element_index.clear();
}

void message_tree::index_elements() {
  element_index.clear();
  if (!segments.empty()) {
    const auto* first = first_segment;
    const auto* last = first_segment + (segments.size() - 1);
    if (last->offset >= first->offset) {
      element_index.reserve(detail::index_estimate(last->offset - first->offset, segments.size()));
    }
  }
  detail::element_indexer indexer(source->delims);
  for (std::size_t i = 0; i < segments.size(); ++i) {
    indexer.add(element_index, first_segment[i], segments[i]);
  }
}

bool message_tree::same_split(std::size_t i, const message_tree& other,
                              std::size_t j) const noexcept {
  const std::uint32_t a = segments[i].first_element;
  const std::uint32_t b = other.segments[j].first_element;
  if (a == no_element_index || b == no_element_index) return a == b;
  const std::uint16_t* x = element_index.data() + a;
  const std::uint16_t* y = other.element_index.data() + b;
  // The count and the firsts (the last of them is C), then C + 1 starts when E > 0.
  const std::size_t count = x[0];
  if (y[0] != count) return false;
  const std::size_t words = count == 0 ? 3 : count + 2 + x[count + 1] + 1u;
  return std::equal(x, x + words, y);
}

std::string_view message_tree::element_unindexed(std::size_t i, std::size_t n) const noexcept {
  return edifact::element(first_segment[i], n, source->delims);
}

std::size_t message_tree::element_count_unindexed(std::size_t i) const noexcept {
  return edifact::element_count(first_segment[i], source->delims);
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
