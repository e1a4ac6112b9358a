#include "apipnr/message/tree.hpp"

#include <algorithm>
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

}  // namespace

std::string_view read_value(const edifact::segment& s, const segment_def* layout,
                            const edifact::delimiters& d, std::uint16_t element,
                            std::uint16_t component, std::uint16_t repetition) noexcept {
  if (element == 0 || repetition == 0) return {};
  const field_def* f = layout != nullptr ? layout->element(element) : nullptr;
  const std::string_view raw = edifact::element(s, element, d);
  if (f == nullptr || f->repeat_max <= 1 || repetition == 1) {
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
      edifact::element(s, static_cast<std::size_t>(element) + repetition - 1, d);
  return pick_component(repetition_of(positional, 1, d), component, d);
}

void message_tree::clear() noexcept {
  source = nullptr;
  def = nullptr;
  message_index = 0;
  segments.clear();
  instances.clear();
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
  return read_value(*e.seg, n->def, source->delims, el, co, 1);
}

std::string_view message_tree::value(std::size_t i, std::uint16_t element, std::uint16_t component,
                                     std::uint16_t repetition) const noexcept {
  const segment_entry& e = segments[i];
  const segment_def* layout = e.matched != nullptr ? e.matched->def : nullptr;
  return read_value(*e.seg, layout, source->delims, element, component, repetition);
}

std::uint16_t message_tree::occurrences(std::size_t i, std::uint16_t element) const noexcept {
  const segment_entry& e = segments[i];
  const edifact::delimiters& d = source->delims;
  const segment_def* layout = e.matched != nullptr ? e.matched->def : nullptr;
  const field_def* f = layout != nullptr ? layout->element(element) : nullptr;
  const std::string_view raw = edifact::element(*e.seg, element, d);
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
    if (!edifact::element(*e.seg, static_cast<std::size_t>(element) + r - 1, d).empty()) n = r;
  }
  return n;
}

}  // namespace apipnr::message
