// Select paths of profile rules (grammar: specs/profiles/README.md "Select paths").
//
//   path    := step ("/" step)*
//   step    := group | segment | element         (element only as the last step)
//   group   := SGid [ "[" TAG "+" v ("|" v)* "]" ]      SG4[NAD+FL|FM]   SG_ERP[ERP+2]
//   segment := TAG  [ "[" v ("|" v)* "]" ]              DTM[329]  DOC[AC|L]  RFF[]
//   element := "@" pos [ "." comp ] | id [ "." id ]     @4.1   0083   C080.3036
//
// `parse_path` checks the grammar only; whether the steps exist is decided against a message
// definition when a profile is loaded (profile.hpp). A step is read as a group when it starts
// with "SG", as a segment when it is three upper-case letters/digits starting with a letter,
// and as an element otherwise (or when it starts with '@'). Element ids are four digits or a
// letter C/S/E followed by three digits.
//
// Errors: `parse_path` returns the reason as text; it never throws.
// Thread safety: value types and a pure function.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <boost/system/result.hpp>

namespace apipnr::profile {

enum class step_kind : std::uint8_t { group, segment, element };

struct path_step {
  step_kind kind = step_kind::segment;
  std::string name;                 // "SG4", "DOC"; for an element step the id ("C080") or ""
  std::string trigger_tag;          // group predicate tag ("NAD" in SG4[NAD+FL])
  std::vector<std::string> values;  // predicate values; may hold "" (RFF[])
  bool has_predicate = false;
  std::uint16_t element = 0;    // @pos, 0 when named by id
  std::uint16_t component = 0;  // .comp, 0 = the whole element
  std::string component_id;     // C080.3036 -> "3036"
};

struct select_path {
  std::string text;  // as written in the profile
  std::vector<path_step> steps;

  bool ends_in_element() const noexcept {
    return !steps.empty() && steps.back().kind == step_kind::element;
  }
};

[[nodiscard]] boost::system::result<select_path, std::string> parse_path(std::string_view text);

}  // namespace apipnr::profile
