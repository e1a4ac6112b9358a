// Error and finding codes of the profile engine (specs/profiles/README.md).
//
// Each enumerator is a `boost::system::error_code` (category "apipnr.profile") and the key of a
// static table (`info()`) with its stable ID (PRF-*), the default requirement ID, the default
// scope and a one-line message. docs/error-codes-profile.md lists every row (a test keeps the
// two in step). IDs are never reused.
//
// Rule findings (`rule_*`) are reported with the *rule's* id (e.g. "PROF-US-001") and the
// rule's requirement in `diagnostic::id` / `diagnostic::requirement`; the PRF-RULE-* IDs in the
// table name the check kind for documentation and for callers that group by code. Envelope
// findings use their PRF-ENV-* ID. Load codes are returned inside `load_error`, never reported.
//
// Thread safety: immutable, safe from any thread.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <type_traits>

#include <boost/system/error_code.hpp>

#include "apipnr/common/diagnostic.hpp"

namespace apipnr::profile {

enum class errc : std::uint8_t {
  ok = 0,
  // -- rule findings (one per check kind) ---------------------------------------------------
  rule_required = 1,   // a required segment, group or value is missing
  rule_forbidden,      // a forbidden segment, group or value is present
  rule_codes,          // a value is outside the allowed code set
  rule_pattern,        // a value does not match the rule's regex
  rule_max_length,     // a value is longer than allowed
  rule_min_length,     // a value is shorter than allowed
  rule_count,          // too few, too many or an odd number of occurrences
  rule_date_relation,  // a date fails its relation or does not parse
  rule_date_valid,     // a value is not a real date/time in the format
  rule_total_matches,  // a control total differs from the counted occurrences
  rule_equals,         // a value differs from the constant or the other path's value
  // -- envelope findings --------------------------------------------------------------------
  envelope_syntax_identifier,      // UNB S001/0001 not in `syntax_identifiers`
  envelope_syntax_version,         // UNB S001/0002 not in `syntax_versions`
  envelope_ung_required,           // a message outside a UNG where the profile requires one
  envelope_application_reference,  // UNB 0026 not in `application_reference`
  envelope_recipient,              // UNB S003/0010 not in `recipient_ids`
  envelope_sender,                 // UNB S002/0004 does not match `sender_pattern`
  envelope_processing_priority,    // UNB 0029 not in `processing_priority`
  envelope_association,            // UNH S009/0057 not accepted for the message type
  envelope_directory,              // UNH version:release not accepted for the message type
  // -- loading (returned in load_error, never reported) -------------------------------------
  load_io,                 // a profile file could not be read
  load_json,               // the text is not JSON
  load_schema,             // a value does not have the shape profile.schema.json requires
  load_unknown_parent,     // `extends` names a profile that was not found
  load_extends_cycle,      // the `extends` chain loops (or is deeper than 16)
  load_unknown_override,   // an override names no rule of the parent chain
  load_duplicate_rule,     // two rules of one file share an id
  load_unknown_check,      // `check` is not a kind the README lists
  load_bad_args,           // `args` missing, of the wrong type, or not allowed for the check
  load_bad_path,           // a select/when/count path does not follow the path grammar
  load_unresolved_path,    // a path resolves in no definition of the rule's message type
  load_bad_regex,          // a `regex` or `sender_pattern` is not an ECMAScript regex
  load_unknown_code_list,  // `args.list` names no code list of any matched definition
  load_name_mismatch,      // `profile` differs from the file name without `.json`
};

struct errc_info {
  errc code;
  std::string_view id;           // stable ID, e.g. "PRF-ENV-UNG"
  std::string_view requirement;  // default requirement ID; rule findings use the rule's own
  apipnr::scope where;           // default scope
  std::string_view message;      // one-line English description
};

// Table lookup; never fails (unknown values map to a generic "PRF-UNKNOWN" entry).
const errc_info& info(errc e) noexcept;
// All entries in enumerator order, excluding `ok` (docs and tests).
std::span<const errc_info> all_errc_info() noexcept;

// The error category for `errc`. name() is "apipnr.profile".
const boost::system::error_category& profile_category() noexcept;
inline boost::system::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), profile_category()};
}

}  // namespace apipnr::profile

template <>
struct boost::system::is_error_code_enum<apipnr::profile::errc> : std::true_type {};
