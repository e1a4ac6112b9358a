#include "apipnr/profile/path.hpp"

#include <charconv>

namespace apipnr::profile {
namespace {

bool is_upper_alnum(char c) noexcept { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }
bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

bool is_tag(std::string_view s) noexcept {
  return s.size() == 3 && s[0] >= 'A' && s[0] <= 'Z' && is_upper_alnum(s[1]) &&
         is_upper_alnum(s[2]);
}

// "1001", "C080", "S002", "E001": a data element or composite id.
bool is_element_id(std::string_view s) noexcept {
  if (s.size() != 4) return false;
  const std::size_t first = (s[0] == 'C' || s[0] == 'S' || s[0] == 'E') ? 1 : 0;
  for (std::size_t i = first; i < 4; ++i) {
    if (!is_digit(s[i])) return false;
  }
  return true;
}

bool parse_u16(std::string_view s, std::uint16_t& out) noexcept {
  if (s.empty() || s.size() > 4) return false;
  for (char c : s) {
    if (!is_digit(c)) return false;
  }
  unsigned v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  if (v == 0) return false;
  out = static_cast<std::uint16_t>(v);
  return true;
}

void split_values(std::string_view list, std::vector<std::string>& out) {
  std::size_t start = 0;
  while (true) {
    const std::size_t bar = list.find('|', start);
    out.emplace_back(list.substr(start, bar == std::string_view::npos ? list.npos : bar - start));
    if (bar == std::string_view::npos) break;
    start = bar + 1;
  }
}

using path_result = boost::system::result<select_path, std::string>;

path_result fail(std::string why) { return {boost::system::in_place_error, std::move(why)}; }

}  // namespace

boost::system::result<select_path, std::string> parse_path(std::string_view text) {
  select_path out;
  out.text = std::string(text);
  if (text.empty()) return fail(std::string("empty path"));
  std::size_t start = 0;
  bool seen_segment = false;
  while (start <= text.size()) {
    // A '/' inside a predicate would be a value; values are codes, so split on every '/'
    // outside brackets only.
    std::size_t end = start;
    int depth = 0;
    while (end < text.size() && !(text[end] == '/' && depth == 0)) {
      if (text[end] == '[') ++depth;
      if (text[end] == ']') --depth;
      ++end;
    }
    std::string_view raw = text.substr(start, end - start);
    if (raw.empty()) return fail("empty step in '" + out.text + "'");
    if (!out.steps.empty() && out.steps.back().kind == step_kind::element) {
      return fail("element step '" + std::string(out.steps.back().name) +
                  "' must be the last step");
    }
    path_step step;
    std::string_view head = raw;
    std::string_view pred;
    if (const std::size_t open = raw.find('['); open != std::string_view::npos) {
      if (raw.back() != ']') return fail("unclosed predicate in step '" + std::string(raw) + "'");
      head = raw.substr(0, open);
      pred = raw.substr(open + 1, raw.size() - open - 2);
      step.has_predicate = true;
    }
    if (head.size() > 2 && head.substr(0, 2) == "SG") {
      for (char c : head.substr(2)) {
        if (!is_upper_alnum(c) && c != '_') return fail("bad group id '" + std::string(head) + "'");
      }
      if (seen_segment) return fail("group step '" + std::string(head) + "' after a segment step");
      step.kind = step_kind::group;
      step.name = std::string(head);
      if (step.has_predicate) {
        const std::size_t plus = pred.find('+');
        if (plus == std::string_view::npos || !is_tag(pred.substr(0, plus))) {
          return fail("group predicate must be [TAG+v|v...] in '" + std::string(raw) + "'");
        }
        step.trigger_tag = std::string(pred.substr(0, plus));
        split_values(pred.substr(plus + 1), step.values);
      }
    } else if (is_tag(head)) {
      if (seen_segment) return fail("two segment steps in '" + out.text + "'");
      seen_segment = true;
      step.kind = step_kind::segment;
      step.name = std::string(head);
      if (step.has_predicate) split_values(pred, step.values);
    } else {
      if (step.has_predicate)
        return fail("element step with a predicate: '" + std::string(raw) + "'");
      if (!seen_segment) return fail("element step '" + std::string(raw) + "' without a segment");
      step.kind = step_kind::element;
      const std::size_t dot = head.find('.');
      std::string_view first = head.substr(0, dot);
      std::string_view second =
          dot == std::string_view::npos ? std::string_view{} : head.substr(dot + 1);
      if (dot != std::string_view::npos && second.empty()) {
        return fail("empty component in '" + std::string(raw) + "'");
      }
      if (!first.empty() && first[0] == '@') {
        if (!parse_u16(first.substr(1), step.element)) {
          return fail("bad element position '" + std::string(raw) + "'");
        }
        if (!second.empty() && !parse_u16(second, step.component)) {
          return fail("bad component position '" + std::string(raw) + "'");
        }
      } else {
        if (!is_element_id(first) || (!second.empty() && !is_element_id(second))) {
          return fail("bad element step '" + std::string(raw) + "'");
        }
        step.name = std::string(first);
        step.component_id = std::string(second);
      }
    }
    out.steps.push_back(std::move(step));
    if (end >= text.size()) break;
    start = end + 1;
    if (start == text.size()) return fail("trailing '/' in '" + out.text + "'");
  }
  return out;
}

}  // namespace apipnr::profile
