// Error and finding codes of the EDIFACT syntax engine (ISO 9735).
//
// Each enumerator is both a `boost::system::error_code` (category "apipnr.edifact") and the key
// of a static table (`info()`) that gives its stable diagnostic ID, the UN/EDIFACT syntax error
// code (data element 0085) that a CONTRL reports for it, the requirement ID in
// `specs/requirements/iso9735.json`, its default scope and whether a tolerant parse downgrades
// it to a warning. The table is the single source of truth; `docs/error-codes.md` lists it.
//
// Thread safety: everything here is immutable and safe to use from any thread.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <type_traits>

#include <boost/system/error_code.hpp>

#include "apipnr/common/diagnostic.hpp"

namespace apipnr::edifact {

enum class errc : std::uint8_t {
  ok = 0,
  // -- input and transport envelope ---------------------------------------------------------
  empty_input = 1,            // nothing but whitespace
  binary_input,               // NUL or other bytes no EDIFACT repertoire allows outside values
  type_b_envelope_malformed,  // SOH seen but no STX, or an unterminated Type B heading
  data_before_interchange,    // bytes before UNA/UNB that are not whitespace or a Type B envelope
  data_after_interchange,     // bytes after UNZ that are not whitespace / ETX
  // -- service string advice (UNA) ----------------------------------------------------------
  una_truncated,             // UNA shorter than 9 characters
  una_duplicate_character,   // the same character in two UNA positions
  una_invalid_character,     // a letter, digit, or control byte used as a service character
  una_invalid_decimal_mark,  // position 5 neither '.' nor ','
  una_reserved_not_space,    // v1-3: position 7 (reserved) is not a space
  una_misplaced,             // UNA somewhere other than the start of the interchange
  // -- tokenisation --------------------------------------------------------------------------
  segment_not_terminated,      // input ends inside a segment (truncated interchange)
  dangling_release_character,  // release character at the very end of the input
  invalid_segment_tag,         // tag not three upper-case letters/digits followed by a separator
  leading_whitespace,          // spaces before a segment tag
  line_break_in_value,         // CR or LF inside a data element value
  trailing_separator,          // element or component separator right before a terminator
  invalid_character,           // character outside the declared repertoire (0085 = 21)
  lowercase_in_level_a,        // lower-case letter in a UNOA interchange
  // -- syntax identifier ---------------------------------------------------------------------
  unsupported_syntax_identifier,  // UNB S001/0001 not UNOA..UNOY, IATA, IATB (or allow-listed)
  unsupported_syntax_version,     // UNB S001/0002 not 1..4
  repetition_separator_in_v3,     // a repetition separator declared or used with version < 4
  // -- envelope ------------------------------------------------------------------------------
  missing_unb,                   // no UNB where the interchange must start
  missing_unz,                   // interchange ends without UNZ (truncated)
  missing_mandatory_element,     // a mandatory service-segment element is empty or absent
  invalid_element_value,         // a service-segment element has a value outside its domain
  invalid_numeric_value,         // a numeric service element contains a non-digit (0085 = 37)
  element_too_long,              // a service element exceeds its maximum length
  too_many_elements,             // a service segment has more elements than its definition
  unknown_service_segment,       // a tag starting with "UN" that ISO 9735 does not define
  misplaced_service_segment,     // UNB/UNG/UNH/UNT/UNE/UNZ where the nesting does not allow it
  segment_outside_message,       // a user data segment outside UNH..UNT
  missing_unt,                   // a message not closed by UNT before UNE/UNZ/UNH/end
  missing_une,                   // a group not closed by UNE before UNZ/UNG/end
  unt_count_mismatch,            // UNT 0074 differs from the number of segments UNH..UNT
  unt_reference_mismatch,        // UNT 0062 differs from UNH 0062
  une_count_mismatch,            // UNE 0060 differs from the number of messages in the group
  une_reference_mismatch,        // UNE 0048 differs from UNG 0048
  unz_count_mismatch,            // UNZ 0036 differs from the number of groups (or messages)
  unz_reference_mismatch,        // UNZ 0020 differs from UNB 0020
  groups_and_messages_mixed,     // ungrouped messages next to groups (0085 = 30)
  mixed_message_types_in_group,  // a group holding more than one message type (0085 = 31)
  empty_interchange,             // no message and no group (0085 = 32)
  empty_group,                   // a group without messages (0085 = 32)
  group_type_mismatch,           // UNG 0038 differs from the message type of its UNH
  duplicate_interchange,         // same sender and interchange reference seen before (0085 = 26)
  // -- receiver limits -----------------------------------------------------------------------
  limit_interchange_size,  // input larger than limits::max_interchange_bytes
  limit_segment_count,     // more segments than limits::max_segments
  limit_segment_length,    // one segment longer than limits::max_segment_bytes
  limit_element_length,    // one element longer than limits::max_element_bytes
  limit_element_count,     // more elements in a segment than limits::max_elements
  limit_component_count,   // more components in an element than limits::max_components
  limit_repetition_count,  // more repetitions than limits::max_repetitions
  limit_message_count,     // more messages/groups than limits::max_messages
};

// The error category for `errc`. name() is "apipnr.edifact".
const boost::system::error_category& edifact_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), edifact_category()};
}

// Static description of a code. Every field points to static storage.
struct errc_info {
  errc code;
  std::string_view id;           // stable diagnostic ID, e.g. "EDI-UNT-COUNT"
  int syntax_error;              // 0085 code reported in CONTRL; 0 = none
  std::string_view requirement;  // requirement ID, e.g. "SYN-ENV-006"
  apipnr::scope default_scope;
  bool tolerable;            // a tolerant parse reports it as a warning instead of an error
  std::string_view message;  // one-line English description
};

// Table lookup; never fails (unknown values map to a generic "EDI-UNKNOWN" entry).
const errc_info& info(errc e) noexcept;

// All entries, in enumerator order, excluding `ok` (for docs, lint and tests).
std::span<const errc_info> all_errc_info() noexcept;

}  // namespace apipnr::edifact

namespace boost::system {
template <>
struct is_error_code_enum<apipnr::edifact::errc> : std::true_type {};
}  // namespace boost::system
