#include "apipnr/edifact/errc.hpp"

#include <array>
#include <string>

#include "apipnr/common/errc_table.hpp"

namespace apipnr::edifact {
namespace {

using apipnr::scope;

// The single table of EDIFACT findings. Order must follow the enumerators (checked in
// errc_test.cpp). 0085 codes follow ISO 9735 as digested in STANDARDS.md §4.4.
constexpr std::array<errc_info, 54> table{{
    {errc::empty_input, "EDI-INPUT-EMPTY", 13, "SYN-ENV-001", scope::interchange, false,
     "input is empty"},
    {errc::binary_input, "EDI-INPUT-BINARY", 21, "SYN-CHR-001", scope::interchange, false,
     "input contains binary bytes that no EDIFACT repertoire allows"},
    {errc::type_b_envelope_malformed, "EDI-TYPEB-MALFORMED", 18, "SYN-TYB-001", scope::interchange,
     false, "SITA Type B envelope is malformed (SOH without STX, or no EDIFACT text)"},
    {errc::data_before_interchange, "EDI-INPUT-LEADING-DATA", 33, "SYN-ENV-014", scope::interchange,
     false, "data before the start of the interchange"},
    {errc::data_after_interchange, "EDI-INPUT-TRAILING-DATA", 33, "SYN-ENV-014", scope::interchange,
     false, "data after the end of the interchange (UNZ)"},
    {errc::una_truncated, "EDI-UNA-TRUNCATED", 20, "SYN-UNA-001", scope::interchange, false,
     "service string advice UNA is shorter than nine characters"},
    {errc::una_duplicate_character, "EDI-UNA-DUPLICATE", 20, "SYN-UNA-002", scope::interchange,
     false, "the same character is declared for two service functions in UNA"},
    {errc::una_invalid_character, "EDI-UNA-INVALID-CHAR", 20, "SYN-UNA-003", scope::interchange,
     false, "UNA declares a letter, digit or control character as a service character"},
    {errc::una_invalid_decimal_mark, "EDI-UNA-DECIMAL-MARK", 19, "SYN-UNA-004", scope::interchange,
     false, "UNA decimal mark is neither '.' nor ','"},
    {errc::una_reserved_not_space, "EDI-UNA-RESERVED", 20, "SYN-UNA-005", scope::interchange, true,
     "UNA position 7 is reserved (must be a space) before syntax version 4"},
    {errc::una_misplaced, "EDI-UNA-MISPLACED", 15, "SYN-UNA-001", scope::segment, false,
     "UNA appears after the start of the interchange"},
    {errc::segment_not_terminated, "EDI-SEG-UNTERMINATED", 13, "SYN-SEG-004", scope::segment, false,
     "input ends inside a segment (missing segment terminator)"},
    {errc::dangling_release_character, "EDI-REL-DANGLING", 22, "SYN-REL-002", scope::segment, false,
     "release character at the end of the input escapes nothing"},
    {errc::invalid_segment_tag, "EDI-SEG-TAG", 21, "SYN-SEG-001", scope::segment, false,
     "segment tag is not three upper-case letters or digits followed by a separator"},
    {errc::leading_whitespace, "EDI-SEG-LEADING-SPACE", 21, "SYN-SEG-003", scope::segment, true,
     "white space before a segment tag"},
    {errc::line_break_in_value, "EDI-CHR-LINE-BREAK", 21, "SYN-CHR-003", scope::element, true,
     "carriage return or line feed inside a data element value"},
    {errc::trailing_separator, "EDI-SEG-TRAILING-SEP", 45, "SYN-SEG-002", scope::segment, true,
     "separator immediately before the segment terminator (trailing separator)"},
    {errc::invalid_character, "EDI-CHR-REPERTOIRE", 21, "SYN-CHR-001", scope::element, false,
     "character outside the repertoire of the declared syntax identifier"},
    {errc::lowercase_in_level_a, "EDI-CHR-LOWERCASE", 21, "SYN-CHR-002", scope::element, true,
     "lower-case letter in a UNOA (level A) interchange"},
    {errc::unsupported_syntax_identifier, "EDI-SID-UNSUPPORTED", 2, "SYN-SID-001",
     scope::interchange, false, "syntax identifier (UNB S001/0001) is not supported"},
    {errc::unsupported_syntax_version, "EDI-SID-VERSION", 2, "SYN-SID-002", scope::interchange,
     false, "syntax version number (UNB S001/0002) is not 1 to 4"},
    {errc::repetition_separator_in_v3, "EDI-REP-V3", 20, "SYN-REP-001", scope::interchange, true,
     "repetition separator declared or used before syntax version 4"},
    {errc::missing_unb, "EDI-ENV-NO-UNB", 13, "SYN-ENV-001", scope::interchange, false,
     "interchange header UNB missing"},
    {errc::missing_unz, "EDI-ENV-NO-UNZ", 13, "SYN-ENV-001", scope::interchange, false,
     "interchange trailer UNZ missing (truncated interchange)"},
    {errc::missing_mandatory_element, "EDI-ENV-MISSING-ELEMENT", 13, "SYN-ENV-002", scope::element,
     false, "mandatory service segment element is missing"},
    {errc::invalid_element_value, "EDI-ENV-INVALID-VALUE", 12, "SYN-ENV-002", scope::element, false,
     "service segment element has an invalid value"},
    {errc::invalid_numeric_value, "EDI-DAT-NUMERIC", 37, "SYN-DAT-001", scope::element, false,
     "numeric service element contains a non-digit"},
    {errc::element_too_long, "EDI-DAT-TOO-LONG", 39, "SYN-DAT-002", scope::element, false,
     "service element is longer than its maximum length"},
    {errc::too_many_elements, "EDI-SEG-TOO-MANY-ELEMENTS", 16, "SYN-SEG-005", scope::segment, false,
     "service segment has more data elements or components than defined"},
    {errc::unknown_service_segment, "EDI-ENV-UNKNOWN-SERVICE", 15, "SYN-ENV-017", scope::segment,
     false, "unknown service segment tag"},
    {errc::misplaced_service_segment, "EDI-ENV-MISPLACED", 15, "SYN-ENV-005", scope::segment, false,
     "service segment out of order or nesting"},
    {errc::segment_outside_message, "EDI-ENV-OUTSIDE-MESSAGE", 33, "SYN-ENV-005", scope::segment,
     false, "segment outside a message (not between UNH and UNT)"},
    {errc::missing_unt, "EDI-ENV-NO-UNT", 13, "SYN-ENV-005", scope::message, false,
     "message trailer UNT missing"},
    {errc::missing_une, "EDI-ENV-NO-UNE", 13, "SYN-ENV-008", scope::group, false,
     "functional group trailer UNE missing"},
    {errc::unt_count_mismatch, "EDI-UNT-COUNT", 29, "SYN-ENV-006", scope::message, true,
     "UNT segment count differs from the number of segments in the message"},
    {errc::unt_reference_mismatch, "EDI-UNT-REFERENCE", 28, "SYN-ENV-007", scope::message, false,
     "UNT message reference differs from UNH"},
    {errc::une_count_mismatch, "EDI-UNE-COUNT", 29, "SYN-ENV-009", scope::group, true,
     "UNE message count differs from the number of messages in the group"},
    {errc::une_reference_mismatch, "EDI-UNE-REFERENCE", 28, "SYN-ENV-010", scope::group, false,
     "UNE group reference differs from UNG"},
    {errc::unz_count_mismatch, "EDI-UNZ-COUNT", 29, "SYN-ENV-003", scope::interchange, true,
     "UNZ control count differs from the number of groups or messages"},
    {errc::unz_reference_mismatch, "EDI-UNZ-REFERENCE", 28, "SYN-ENV-004", scope::interchange,
     false, "UNZ interchange reference differs from UNB"},
    {errc::groups_and_messages_mixed, "EDI-ENV-MIXED", 30, "SYN-ENV-011", scope::interchange, false,
     "functional groups and ungrouped messages mixed in one interchange"},
    {errc::mixed_message_types_in_group, "EDI-ENV-GROUP-TYPES", 31, "SYN-ENV-012", scope::group,
     false, "more than one message type in a functional group"},
    {errc::empty_interchange, "EDI-ENV-EMPTY-INTERCHANGE", 32, "SYN-ENV-013", scope::interchange,
     false, "interchange holds no message"},
    {errc::empty_group, "EDI-ENV-EMPTY-GROUP", 32, "SYN-ENV-013", scope::group, false,
     "functional group holds no message"},
    {errc::group_type_mismatch, "EDI-ENV-GROUP-MISMATCH", 14, "SYN-ENV-012", scope::message, true,
     "UNG message group identification differs from the UNH message type"},
    {errc::duplicate_interchange, "EDI-ENV-DUPLICATE", 26, "SYN-ENV-018", scope::interchange, false,
     "interchange with the same sender and control reference already received"},
    {errc::limit_interchange_size, "EDI-LIMIT-SIZE", 18, "SYN-LIM-001", scope::interchange, false,
     "interchange exceeds the receiver's size limit"},
    {errc::limit_segment_count, "EDI-LIMIT-SEGMENTS", 35, "SYN-LIM-001", scope::interchange, false,
     "interchange exceeds the receiver's segment limit"},
    {errc::limit_segment_length, "EDI-LIMIT-SEGMENT-LENGTH", 18, "SYN-LIM-001", scope::segment,
     false, "segment exceeds the receiver's segment length limit"},
    {errc::limit_element_length, "EDI-LIMIT-ELEMENT-LENGTH", 39, "SYN-LIM-001", scope::element,
     false, "data element exceeds the receiver's element length limit"},
    {errc::limit_element_count, "EDI-LIMIT-ELEMENTS", 16, "SYN-LIM-001", scope::segment, false,
     "segment exceeds the receiver's data element limit"},
    {errc::limit_component_count, "EDI-LIMIT-COMPONENTS", 16, "SYN-LIM-001", scope::element, false,
     "data element exceeds the receiver's component limit"},
    {errc::limit_repetition_count, "EDI-LIMIT-REPETITIONS", 35, "SYN-LIM-001", scope::element,
     false, "data element exceeds the receiver's repetition limit"},
    {errc::limit_message_count, "EDI-LIMIT-MESSAGES", 36, "SYN-LIM-001", scope::interchange, false,
     "interchange exceeds the receiver's message or group limit"},
}};

constexpr errc_info unknown_info{errc::ok,
                                 "EDI-UNKNOWN",
                                 18,
                                 "SYN-ENV-001",
                                 scope::interchange,
                                 false,
                                 "unknown EDIFACT finding"};

const common::table_category<errc_info>& category() noexcept {
  static const common::table_category<errc_info> instance("apipnr.edifact", table, unknown_info,
                                                          common::errc_text::message_only);
  return instance;
}

}  // namespace

const boost::system::error_category& edifact_category() noexcept { return category(); }

const errc_info& info(errc e) noexcept { return category().row(static_cast<int>(e)); }

std::span<const errc_info> all_errc_info() noexcept { return table; }

}  // namespace apipnr::edifact
