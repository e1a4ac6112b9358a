#include "apipnr/edifact/interchange.hpp"

#include <algorithm>

namespace apipnr::edifact {

bool field_splitter::next(std::string_view& out) noexcept {
  if (done_) return false;
  const std::size_t start = pos_;
  std::size_t i = pos_;
  const std::size_t n = raw_.size();
  while (i < n) {
    const char c = raw_[i];
    if (has_release_ && c == release_) {
      i += 2;  // the released character never splits
      continue;
    }
    if (c == sep_) break;
    ++i;
  }
  if (i >= n) {
    out = raw_.substr(start);
    done_ = true;
  } else {
    out = raw_.substr(start, i - start);
    pos_ = i + 1;
  }
  return true;
}

namespace {
// The body of a segment without the leading element separator, or nullopt-like empty with a
// flag when the segment has no elements.
inline bool elements_of(const segment& s, const delimiters& d, std::string_view& rest) noexcept {
  if (s.body().empty() || s.body().front() != d.element) return false;
  rest = s.body().substr(1);
  return true;
}
}  // namespace

std::string_view element(const segment& s, std::size_t n, const delimiters& d) noexcept {
  std::string_view rest;
  if (n == 0 || !elements_of(s, d, rest)) return {};
  field_splitter sp(rest, d.element, d);
  std::string_view piece;
  for (std::size_t i = 1; sp.next(piece); ++i) {
    if (i == n) return piece;
  }
  return {};
}

std::string_view component(std::string_view element_raw, std::size_t n,
                           const delimiters& d) noexcept {
  if (n == 0) return {};
  // field_splitter's rules without its per-piece calls: this runs for nearly every value the
  // message layer reads. A piece that reaches the end takes the rest (a dangling release
  // may step past it).
  const char sep = d.component;
  const char rel = d.release;
  const bool has_rel = d.has_release;
  const std::size_t size = element_raw.size();
  std::size_t start = 0;
  std::size_t i = 0;
  for (std::size_t k = 1;; ++k) {
    while (i < size) {
      const char c = element_raw[i];
      if (has_rel && c == rel) {
        i += 2;
        continue;
      }
      if (c == sep) break;
      ++i;
    }
    if (k == n) return element_raw.substr(start, std::min(i, size) - start);
    if (i >= size) return {};
    start = ++i;
  }
}

std::size_t element_count(const segment& s, const delimiters& d) noexcept {
  std::string_view rest;
  if (!elements_of(s, d, rest)) return 0;
  field_splitter sp(rest, d.element, d);
  std::string_view piece;
  std::size_t count = 0;
  while (sp.next(piece)) ++count;
  return count;
}

bool needs_unescape(std::string_view raw, const delimiters& d) noexcept {
  return d.has_release && raw.find(d.release) != std::string_view::npos;
}

void unescape(std::string_view raw, const delimiters& d, std::string& out) {
  if (!needs_unescape(raw, d)) {
    out.append(raw);
    return;
  }
  out.reserve(out.size() + raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == d.release && i + 1 < raw.size())
      ++i;
    else if (raw[i] == d.release)
      break;  // dangling release: nothing to escape
    out.push_back(raw[i]);
  }
}

std::string unescape(std::string_view raw, const delimiters& d) {
  std::string out;
  unescape(raw, d, out);
  return out;
}

void interchange::clear() noexcept {
  auto keep_segments = std::move(segments);
  auto keep_groups = std::move(groups);
  auto keep_messages = std::move(messages);
  *this = interchange{};
  segments = std::move(keep_segments);
  groups = std::move(keep_groups);
  messages = std::move(keep_messages);
  segments.clear();
  groups.clear();
  messages.clear();
}

std::int32_t interchange::message_of(std::uint32_t segment_index) const noexcept {
  // messages are in segment order; binary search on the UNH segment number.
  auto it = std::upper_bound(
      messages.begin(), messages.end(), segment_index,
      [this](std::uint32_t idx, const message_view& m) { return idx < segments[m.unh].index; });
  if (it == messages.begin()) return -1;
  --it;
  const std::uint32_t first = segments[it->unh].index;
  const std::uint32_t last = segments[it->unt].index;
  if (segment_index >= first && segment_index <= last)
    return static_cast<std::int32_t>(it - messages.begin());
  return -1;
}

}  // namespace apipnr::edifact
