#include "apipnr/profile/errc.hpp"

#include <array>
#include <string>

#include "apipnr/common/errc_table.hpp"

namespace apipnr::profile {
namespace {

using apipnr::scope;

// The single table of profile codes. Order follows the enumerators (checked in errc_test.cpp);
// docs/error-codes-profile.md lists every row (also checked).
constexpr std::array<errc_info, 34> table{{
    {errc::rule_required, "PRF-RULE-REQUIRED", "RCV-PROF-001", scope::segment,
     "a segment, group or value the profile requires is missing"},
    {errc::rule_forbidden, "PRF-RULE-FORBIDDEN", "RCV-PROF-001", scope::segment,
     "a segment, group or value the profile forbids is present"},
    {errc::rule_codes, "PRF-RULE-CODES", "RCV-PROF-001", scope::component,
     "a value is not in the code set the profile allows"},
    {errc::rule_pattern, "PRF-RULE-PATTERN", "RCV-PROF-001", scope::component,
     "a value does not match the pattern the profile requires"},
    {errc::rule_max_length, "PRF-RULE-MAX-LENGTH", "RCV-PROF-001", scope::component,
     "a value is longer than the profile allows"},
    {errc::rule_min_length, "PRF-RULE-MIN-LENGTH", "RCV-PROF-001", scope::component,
     "a value is shorter than the profile requires"},
    {errc::rule_count, "PRF-RULE-COUNT", "RCV-PROF-001", scope::segment,
     "the number of occurrences is outside the profile's bounds (or odd where it must be even)"},
    {errc::rule_date_relation, "PRF-RULE-DATE-RELATION", "RCV-PROF-001", scope::component,
     "a date fails the profile's relation to its reference date, or does not parse"},
    {errc::rule_date_valid, "PRF-RULE-DATE-VALID", "RCV-PROF-001", scope::component,
     "a value is not a real date or time in the profile's format"},
    {errc::rule_total_matches, "PRF-RULE-TOTAL", "RCV-PROF-001", scope::component,
     "a control total differs from the number of occurrences counted"},
    {errc::rule_equals, "PRF-RULE-EQUALS", "RCV-PROF-001", scope::component,
     "a value differs from the value the profile requires"},
    {errc::envelope_syntax_identifier, "PRF-ENV-SYNTAX-ID", "SYN-SID-001", scope::interchange,
     "the UNB syntax identifier is not one the profile accepts"},
    {errc::envelope_syntax_version, "PRF-ENV-SYNTAX-VERSION", "SYN-SID-001", scope::interchange,
     "the UNB syntax version is not one the profile accepts"},
    {errc::envelope_ung_required, "PRF-ENV-UNG", "API-PAXLST-ENV-005", scope::message,
     "the message is not inside a functional group (UNG) and the profile requires one"},
    {errc::envelope_application_reference, "PRF-ENV-APP-REF", "API-PAXLST-ENV-006",
     scope::interchange, "the UNB application reference is not one the profile accepts"},
    {errc::envelope_recipient, "PRF-ENV-RECIPIENT", "RCV-PROF-001", scope::interchange,
     "the UNB recipient is not one the profile accepts"},
    {errc::envelope_sender, "PRF-ENV-SENDER", "RCV-PROF-001", scope::interchange,
     "the UNB sender does not match the profile's sender pattern"},
    {errc::envelope_processing_priority, "PRF-ENV-PRIORITY", "API-IAPI-ENV-001", scope::interchange,
     "the UNB processing priority is not one the profile accepts"},
    {errc::envelope_association, "PRF-ENV-ASSOCIATION", "API-PAXLST-ENV-001", scope::message,
     "the UNH association assigned code is not one the profile accepts for the message type"},
    {errc::envelope_directory, "PRF-ENV-DIRECTORY", "API-PAXLST-ENV-002", scope::message,
     "the UNH directory version:release is not one the profile accepts for the message type"},
    {errc::load_io, "PRF-LOAD-IO", "RCV-PROF-001", scope::interchange,
     "a profile file could not be read"},
    {errc::load_json, "PRF-LOAD-JSON", "RCV-PROF-001", scope::interchange,
     "a profile file is not JSON"},
    {errc::load_schema, "PRF-LOAD-SCHEMA", "RCV-PROF-001", scope::interchange,
     "a profile value does not have the shape the profile schema requires"},
    {errc::load_unknown_parent, "PRF-LOAD-EXTENDS", "RCV-PROF-001", scope::interchange,
     "`extends` names a profile that was not found"},
    {errc::load_extends_cycle, "PRF-LOAD-CYCLE", "RCV-PROF-001", scope::interchange,
     "the `extends` chain loops or is deeper than 16 profiles"},
    {errc::load_unknown_override, "PRF-LOAD-OVERRIDE", "RCV-PROF-001", scope::interchange,
     "an override names a rule that no parent profile defines"},
    {errc::load_duplicate_rule, "PRF-LOAD-DUPLICATE", "RCV-PROF-001", scope::interchange,
     "two rules of one profile file share an id"},
    {errc::load_unknown_check, "PRF-LOAD-CHECK", "RCV-PROF-001", scope::interchange,
     "a rule names a check kind the engine does not know"},
    {errc::load_bad_args, "PRF-LOAD-ARGS", "RCV-PROF-001", scope::interchange,
     "a rule's args are missing, mistyped or not allowed for its check"},
    {errc::load_bad_path, "PRF-LOAD-PATH", "RCV-PROF-001", scope::interchange,
     "a select path does not follow the path grammar"},
    {errc::load_unresolved_path, "PRF-LOAD-UNRESOLVED", "RCV-PROF-001", scope::interchange,
     "a select path resolves in no message definition of the rule's message type"},
    {errc::load_bad_regex, "PRF-LOAD-REGEX", "RCV-PROF-001", scope::interchange,
     "a regular expression is not valid ECMAScript syntax"},
    {errc::load_unknown_code_list, "PRF-LOAD-CODE-LIST", "RCV-PROF-001", scope::interchange,
     "a codes rule names a code list that no matched definition has"},
    {errc::load_name_mismatch, "PRF-LOAD-NAME", "RCV-PROF-001", scope::interchange,
     "the `profile` member differs from the file name"},
}};

constexpr errc_info unknown{errc::ok, "PRF-UNKNOWN", "", scope::interchange,
                            "unknown profile code"};

const common::table_category<errc_info>& category() noexcept {
  static const common::table_category<errc_info> instance("apipnr.profile", table, unknown,
                                                          common::errc_text::message_only);
  return instance;
}

}  // namespace

const boost::system::error_category& profile_category() noexcept { return category(); }

const errc_info& info(errc e) noexcept { return category().row(static_cast<int>(e)); }

std::span<const errc_info> all_errc_info() noexcept { return table; }

}  // namespace apipnr::profile
