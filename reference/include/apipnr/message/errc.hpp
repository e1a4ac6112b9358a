// Finding and error codes of the message layer (group structure and element layout checks
// driven by specs/messages).
//
// Each enumerator is a `boost::system::error_code` (category "apipnr.message") and the key of a
// static table (`info()`): stable diagnostic ID (MSG-*), the 0085 code a CONTRL reports (per the
// baseline profile's `syntax` table and STANDARDS.md §4.4), the default requirement ID, the
// default scope and severity, and a one-line message. docs/error-codes-message.md lists them.
//
// Thread safety: immutable, safe from any thread.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <type_traits>

#include <boost/system/error_code.hpp>

#include "apipnr/common/diagnostic.hpp"

namespace apipnr::message {

enum class errc : std::uint8_t {
  ok = 0,
  // -- segment and group structure (profile syntax table) -----------------------------------
  unknown_segment = 1,     // tag used nowhere in the definition (unknown_segment, 15)
  unexpected_segment,      // known tag, but no node accepts it here (segment_out_of_order, 15)
  missing_segment,         // a mandatory segment node was skipped or never came (13)
  missing_group,           // a mandatory group never started (13)
  too_many_segments,       // a segment node repeated beyond its max (too_many_repetitions, 35)
  too_many_groups,         // a group repeated beyond its max (too_many_group_repetitions, 36)
  exclusive_groups,        // two groups of an `exclusive` constraint both present (15)
  segment_not_in_profile,  // segment of an `in_profile: false` node (warning, profile decides)
  group_not_in_profile,    // group of an `in_profile: false` node (warning, profile decides)
  // -- element layout -----------------------------------------------------------------------
  missing_element,         // mandatory data element absent or empty (13)
  missing_component,       // mandatory component of a present composite absent or empty (13)
  too_many_elements,       // more data elements than the layout defines (16)
  too_many_components,     // more components than the composite defines (16)
  open_tail_data,          // data beyond the layout of an `open_tail` segment (warning, 16)
  too_many_repetitions,    // more occurrences of an element than its repeat max (35)
  invalid_character_type,  // letters in an n value, digits in an a value (37)
  value_too_long,          // longer than the format's maximum or fixed length (39)
  value_too_short,         // shorter than a fixed-length format (40)
  element_not_in_profile,  // data in an `in_profile: false` element (warning)
  // -- limits and hard stops --------------------------------------------------------------
  limit_depth,      // group nesting deeper than structure_options::max_depth
  limit_instances,  // more group instances than structure_options::max_instances
  limit_findings,   // findings suppressed after structure_options::max_findings
  no_such_message,  // message_index out of range (returned, not reported)
  no_definition,    // no definition matches the UNH (returned and reported)
  // -- definition loading (returned by the loaders, never reported) -----------------------
  load_io,         // a file or directory could not be read
  load_json,       // the text is not JSON
  load_schema,     // a value does not have the expected shape
  load_reference,  // a `def`, `codes` or constraint names something that does not exist
};

struct errc_info {
  errc code;
  std::string_view id;           // stable diagnostic ID, e.g. "MSG-SEG-MISSING"
  int syntax_error;              // 0085 code; 0 when none
  std::string_view requirement;  // default requirement ID (specs/requirements)
  apipnr::scope where;
  apipnr::severity level;  // default severity
  std::string_view message;
};

const errc_info& info(errc e) noexcept;
std::span<const errc_info> all_errc() noexcept;

const boost::system::error_category& message_category() noexcept;
inline boost::system::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), message_category()};
}

}  // namespace apipnr::message

template <>
struct boost::system::is_error_code_enum<apipnr::message::errc> : std::true_type {};
