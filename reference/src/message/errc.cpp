#include "apipnr/message/errc.hpp"

#include <array>
#include <string>

namespace apipnr::message {
namespace {

using apipnr::scope;
using apipnr::severity;

// The single table of message-layer codes. Order follows the enumerators (errc_test checks it).
// 0085 codes follow the baseline profile's `syntax` table (specs/profiles/baseline.json) and
// STANDARDS.md §4.4. Requirement IDs are defaults; parse_structure substitutes the message
// type's own structure requirement where one exists (requirements.cpp).
constexpr std::array<errc_info, 29> table{{
    {errc::ok, "MSG-OK", 0, "", scope::message, severity::info, "no error"},
    {errc::unknown_segment, "MSG-SEG-UNKNOWN", 15, "SYN-ENV-005", scope::segment, severity::error,
     "segment tag is not part of this message definition"},
    {errc::unexpected_segment, "MSG-SEG-UNEXPECTED", 15, "SYN-ENV-005", scope::segment,
     severity::error, "segment is not allowed at this position of the message"},
    {errc::missing_segment, "MSG-SEG-MISSING", 13, "SYN-ENV-005", scope::segment, severity::error,
     "mandatory segment missing"},
    {errc::missing_group, "MSG-GRP-MISSING", 13, "SYN-ENV-005", scope::segment, severity::error,
     "mandatory segment group missing"},
    {errc::too_many_segments, "MSG-SEG-TOO-MANY", 35, "SYN-ENV-005", scope::segment,
     severity::error, "segment repeated more often than its definition allows"},
    {errc::too_many_groups, "MSG-GRP-TOO-MANY", 36, "SYN-ENV-005", scope::segment, severity::error,
     "segment group repeated more often than its definition allows"},
    {errc::exclusive_groups, "MSG-GRP-EXCLUSIVE", 15, "SYN-ENV-005", scope::segment,
     severity::error, "segment group not allowed together with a group already present"},
    {errc::segment_not_in_profile, "MSG-SEG-NOT-IN-PROFILE", 15, "SYN-ENV-005", scope::segment,
     severity::warning, "segment is defined by the directory but not used by the profile"},
    {errc::group_not_in_profile, "MSG-GRP-NOT-IN-PROFILE", 15, "SYN-ENV-005", scope::segment,
     severity::warning, "segment group is defined by the directory but not used by the profile"},
    {errc::missing_element, "MSG-ELM-MISSING", 13, "SYN-DAT-002", scope::element, severity::error,
     "mandatory data element missing"},
    {errc::missing_component, "MSG-CMP-MISSING", 13, "SYN-DAT-002", scope::component,
     severity::error, "mandatory component data element missing"},
    {errc::too_many_elements, "MSG-ELM-TOO-MANY", 16, "SYN-DAT-002", scope::element,
     severity::error, "segment has more data elements than its definition"},
    {errc::too_many_components, "MSG-CMP-TOO-MANY", 16, "SYN-DAT-002", scope::component,
     severity::error, "composite has more components than its definition"},
    {errc::open_tail_data, "MSG-ELM-OPEN-TAIL", 16, "SYN-DAT-002", scope::element,
     severity::warning, "data beyond the listed positions of an open-tail segment"},
    {errc::too_many_repetitions, "MSG-ELM-TOO-MANY-REPEATS", 35, "SYN-REP-003", scope::element,
     severity::error, "data element repeated more often than its definition allows"},
    {errc::invalid_character_type, "MSG-ELM-TYPE", 37, "SYN-DAT-001", scope::element,
     severity::error, "invalid type of character (letter in numeric or digit in alphabetic)"},
    {errc::value_too_long, "MSG-ELM-TOO-LONG", 39, "SYN-DAT-002", scope::element, severity::error,
     "data element longer than its format allows"},
    {errc::value_too_short, "MSG-ELM-TOO-SHORT", 40, "SYN-DAT-002", scope::element, severity::error,
     "data element shorter than its fixed length"},
    {errc::element_not_in_profile, "MSG-ELM-NOT-IN-PROFILE", 0, "SYN-DAT-002", scope::element,
     severity::warning, "data in an element the profile does not use"},
    {errc::limit_depth, "MSG-LIM-DEPTH", 18, "SYN-LIM-001", scope::message, severity::fatal,
     "segment group nesting exceeds the receiver's limit"},
    {errc::limit_instances, "MSG-LIM-INSTANCES", 36, "SYN-LIM-001", scope::message, severity::fatal,
     "number of segment group instances exceeds the receiver's limit"},
    {errc::limit_findings, "MSG-LIM-FINDINGS", 0, "SYN-LIM-001", scope::message, severity::warning,
     "too many findings in this message; further findings suppressed"},
    {errc::no_such_message, "MSG-NO-SUCH-MESSAGE", 0, "", scope::message, severity::fatal,
     "message index out of range"},
    {errc::no_definition, "MSG-NO-DEFINITION", 2, "SYN-ENV-005", scope::message, severity::error,
     "no message definition matches the UNH message identifier"},
    {errc::load_io, "MSG-LOAD-IO", 0, "", scope::message, severity::fatal,
     "message definition file could not be read"},
    {errc::load_json, "MSG-LOAD-JSON", 0, "", scope::message, severity::fatal,
     "message definition file is not valid JSON"},
    {errc::load_schema, "MSG-LOAD-SCHEMA", 0, "", scope::message, severity::fatal,
     "message definition value has an unexpected shape"},
    {errc::load_reference, "MSG-LOAD-REFERENCE", 0, "", scope::message, severity::fatal,
     "message definition refers to a segment layout, code list or group that does not exist"},
}};

class category final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "apipnr.message"; }
  std::string message(int ev) const override {
    if (ev < 0 || static_cast<std::size_t>(ev) >= table.size()) return "unknown message error";
    return std::string(info(static_cast<errc>(ev)).message);
  }
};

}  // namespace

const errc_info& info(errc e) noexcept {
  const auto i = static_cast<std::size_t>(e);
  return i < table.size() ? table[i] : table[0];
}

std::span<const errc_info> all_errc() noexcept { return table; }

const boost::system::error_category& message_category() noexcept {
  static const category c;
  return c;
}

}  // namespace apipnr::message
