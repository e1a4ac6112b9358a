#include "apipnr/vectors/manifest.hpp"

#include <algorithm>

namespace apipnr::vectors {

std::string_view to_string(outcome o) noexcept {
  switch (o) {
    case outcome::accept:
      return "accept";
    case outcome::reject:
      return "reject";
    case outcome::either:
      return "either";
  }
  return "?";
}

std::optional<outcome> parse_outcome(std::string_view s) noexcept {
  if (s == "accept") return outcome::accept;
  if (s == "reject") return outcome::reject;
  if (s == "either") return outcome::either;
  return std::nullopt;
}

bool iso9735_syntax_error(int code) noexcept {
  // UN/EDIFACT 0085 as listed in STANDARDS.md 4.4 (ISO 9735): 44 and 49 upwards are not in the
  // list, and 70-76 are one vendor's extensions that a receiver must not emit (SYN-CTL-009).
  return code == 2 || code == 7 || (code >= 12 && code <= 43) || (code >= 45 && code <= 48);
}

std::optional<outcome> outcome_from_prefix(std::string_view file_name) noexcept {
  // Only the base name carries the verdict; a directory called "y_x/" must not count.
  if (const auto slash = file_name.find_last_of("/\\"); slash != std::string_view::npos) {
    file_name.remove_prefix(slash + 1);
  }
  if (file_name.starts_with("y_")) return outcome::accept;
  if (file_name.starts_with("n_")) return outcome::reject;
  if (file_name.starts_with("i_")) return outcome::either;
  return std::nullopt;
}

std::string_view to_string(step_kind k) noexcept {
  switch (k) {
    case step_kind::send:
      return "send";
    case step_kind::wait:
      return "wait";
    case step_kind::control:
      return "control";
    case step_kind::await_unsolicited:
      return "await_unsolicited";
  }
  return "?";
}

const std::string& case_spec::prefixed_name() const {
  if (!parts.empty()) return parts.front();
  // A sequence's outcome is that of its last send step (vectors/README.md "Sequences").
  for (auto it = steps.rbegin(); it != steps.rend(); ++it) {
    if (it->kind == step_kind::send) return it->file;
  }
  return input;
}

std::vector<std::string> case_spec::requirement_ids() const {
  std::vector<std::string> ids;
  for (const citation& c : specification) {
    if (c.req.empty()) continue;
    if (std::find(ids.begin(), ids.end(), c.req) == ids.end()) ids.push_back(c.req);
  }
  return ids;
}

const requirement* catalogue::find(std::string_view id) const noexcept {
  for (const requirement& r : items) {
    if (r.id == id) return &r;
  }
  return nullptr;
}

}  // namespace apipnr::vectors
