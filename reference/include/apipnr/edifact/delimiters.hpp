// Service characters of an EDIFACT interchange (ISO 9735-1 §7, UNA service string advice).
//
// A `delimiters` value is a plain copyable description of the six service characters. The
// parser fills it from UNA (when present) or from the defaults; the writer uses it to escape.
// Thread safety: value type.
#pragma once

#include <string_view>

namespace apipnr::edifact {

struct delimiters {
  char component = ':';    // UNA position 3
  char element = '+';      // UNA position 4
  char decimal = '.';      // UNA position 5
  char release = '?';      // UNA position 6; meaningful only when has_release
  char repetition = ' ';   // UNA position 7; meaningful only when has_repetition (syntax v4)
  char terminator = '\'';  // UNA position 8
  bool has_release = true;
  bool has_repetition = false;

  // ISO 9735 defaults for level A without UNA: `UNA:+.? '`.
  static constexpr delimiters defaults() noexcept { return delimiters{}; }
  // Version 4 defaults, `UNA:+.?*'`.
  static constexpr delimiters defaults_v4() noexcept {
    delimiters d;
    d.repetition = '*';
    d.has_repetition = true;
    return d;
  }

  // True when `c` has a syntactic role (separator, terminator, release or repetition), i.e.
  // when a writer must escape it inside a value.
  constexpr bool is_service(char c) const noexcept {
    return c == component || c == element || c == terminator || (has_release && c == release) ||
           (has_repetition && c == repetition);
  }

  // The nine-character UNA string for these delimiters.
  void to_una(char out[9]) const noexcept {
    out[0] = 'U';
    out[1] = 'N';
    out[2] = 'A';
    out[3] = component;
    out[4] = element;
    out[5] = decimal;
    out[6] = has_release ? release : ' ';
    out[7] = has_repetition ? repetition : ' ';
    out[8] = terminator;
  }

  friend constexpr bool operator==(const delimiters&, const delimiters&) = default;
};

}  // namespace apipnr::edifact
