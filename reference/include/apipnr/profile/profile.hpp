// Validation profiles (specs/profiles/*.json, vocabulary in specs/profiles/README.md): loading,
// overlay resolution and the effective, precompiled profile.
//
//   auto defs = apipnr::message::load_definitions("specs/messages").value();
//   auto us = apipnr::profile::load_profile("specs/profiles/us.json", defs).value();
//   // a state's own overlay: any directory; `extends` is looked up next to it, then in
//   // load_options::search_path (e.g. specs/profiles for "baseline").
//
// Loading reads the file and its `extends` chain (root first), applies each overlay as the
// README says (envelope keys replace, syntax entries replace, rules with a parent's id replace
// it, other rules are added, `overrides` patch severity/text/confidence/enabled and individual
// `args` keys), then validates and compiles every effective rule: each select, `when` and
// `args.count`/`args.select` path is resolved against every definition of the rule's message
// type once, so evaluating a message does no path parsing and no name lookup. A path must
// resolve in at least one definition of its type (the lint's rule); definitions where it does
// not resolve simply skip the rule.
//
// Decisions where the README leaves room (documented here, reported to the project):
//  - `profile` must equal the file name without ".json" (the lint's rule, enforced on load).
//  - `enabled: false` rules stay in `rules()` (for reports) but are never evaluated.
//  - `args.list: "@definition"` with `codes_by_qualifier` and no list for the segment's
//    qualifier checks nothing (there is no set to judge against).
//  - An external code list (`pattern`, no values) allows the values matching its pattern; one
//    with neither values nor pattern allows everything.
//  - `century: "future"` resolves a two-digit year to the earliest century on or after the
//    reference date minus 20 years (model::expiry_rule), so that an expired document stays in
//    the recent past; a literal "always in the future" reading could never fail the check.
//
// Errors: `load_profile` returns `load_error` naming the file and the JSON pointer of the
// offending value (for an override's patched args, the pointer of the override). `value()` on
// an error throws std::runtime_error "[apipnr.profile.001] file#pointer: detail" (process edge
// only, docs/error-codes-profile.md).
//
// Lifetime: a `profile` holds pointers into the `message::definitions` it was loaded with; the
// definitions must outlive it. Rule ids and requirement ids are interned in process-lifetime
// storage, so `diagnostic::id` / `diagnostic::requirement` of a finding stay valid after the
// profile is destroyed (diagnostic.hpp wants static storage).
//
// Thread safety: a loaded profile is immutable; every const member is safe from any thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/assert/source_location.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include "apipnr/common/diagnostic.hpp"
#include "apipnr/message/definitions.hpp"
#include "apipnr/profile/errc.hpp"
#include "apipnr/profile/path.hpp"

namespace apipnr::profile {

enum class rule_severity : std::uint8_t { reject, warn, accept };
std::string_view to_string(rule_severity s) noexcept;
// reject -> error, warn -> warning, accept -> info.
apipnr::severity to_level(rule_severity s) noexcept;

enum class check_kind : std::uint8_t {
  required,
  forbidden,
  codes,
  pattern,
  max_length,
  min_length,
  count,
  date_relation,
  date_valid,
  total_matches,
  equals,
};
std::string_view to_string(check_kind k) noexcept;

// Date formats of `date_relation` / `date_valid` args.
enum class date_format : std::uint8_t {
  yymmdd,
  ccyymmdd,
  yymmddhhmm,
  ccyymmddhhmm,
  ddmmyy,
  ddmmmyy,
  hhmm,
  mmyy,
};
enum class relation : std::uint8_t { less, less_equal, greater, greater_equal };
enum class century : std::uint8_t { past, future, nearest };
enum class compare_target : std::uint8_t { message_date, flight_departure, today, path };

// `args` of a rule, typed. Only the members of the rule's check kind are meaningful.
struct rule_args {
  // codes
  std::vector<std::string> values;
  bool has_values = false;
  std::string list;  // code-list name, "@definition", or empty
  std::vector<std::string> add;
  std::vector<std::string> remove;
  // pattern
  std::string regex;
  // max_length / min_length
  std::uint32_t length = 0;
  // count
  std::optional<std::uint32_t> min;
  std::optional<std::uint32_t> max;
  bool even = false;
  // date_relation / date_valid
  date_format format = date_format::yymmdd;
  apipnr::profile::relation rel = relation::less_equal;
  compare_target compare_to = compare_target::message_date;
  select_path compare_path;  // compare_to == path
  apipnr::profile::century century_rule = century::nearest;
  // total_matches
  select_path count_path;
  bool logical_message = false;  // scope "logical_message" (default "message")
  // equals
  std::optional<std::string> equals_value;
  select_path equals_path;  // when `select` is given
};

struct condition {
  enum class op : std::uint8_t { in, not_in, present, absent };
  select_path select;
  op kind = op::in;
  std::vector<std::string> values;
};

// One effective rule (after overlay resolution).
struct rule {
  std::string_view id;           // interned, e.g. "PROF-US-002"
  std::string_view requirement;  // interned; empty when the rule names none
  std::string applies_to;        // PAXLST, CUSRES, PNRGOV, ACKRES, CONTRL
  select_path select;
  check_kind check = check_kind::required;
  rule_args args;
  std::vector<condition> when;
  rule_severity severity = rule_severity::reject;
  std::string text;
  std::string confidence;
  bool enabled = true;
  std::string origin_file;     // the file that defined the rule (last replacement wins)
  std::string origin_pointer;  // its JSON pointer there, e.g. "/rules/3"
};

struct syntax_entry {
  rule_severity severity = rule_severity::reject;
  int contrl_code = 0;  // 0085 code; 0 when the entry has none
  std::string text;
};

// `envelope` of the effective profile. An empty allow-list means "any value".
struct envelope_settings {
  std::vector<std::string> syntax_identifiers;
  std::vector<std::string> syntax_versions;
  bool ung_required = false;
  std::vector<std::string> application_reference;
  std::vector<std::string> recipient_ids;
  std::string sender_pattern;                                   // empty: any sender
  std::optional<std::vector<std::string>> processing_priority;  // nullopt: key absent
  std::vector<std::pair<std::string, std::vector<std::string>>> unh_association;
  std::vector<std::pair<std::string, std::vector<std::string>>> directories;
  std::string repetition_in_unb = "never";
  rule_severity severity = rule_severity::reject;
};

// `pnr_push` of the effective profile: the cross-push checks of PNRGOV pushes the receiver
// runs against the earlier pushes of a flight (pnrgov/push_history.hpp, docs/RECEIVER.md).
// Overlays replace `severity` per requirement and `window` as a whole.
struct pnr_push_settings {
  // Severity per requirement ID (PNR-GOV-PUSH-001, ...); a requirement not listed is `warn`.
  std::vector<std::pair<std::string, rule_severity>> severity;
  // A required push between `earliest_hours` and `latest_hours` before the scheduled departure
  // (EU-PNR-PUSH-001: 48 and 24); a later push without one is reported under `requirement`.
  struct window {
    std::string requirement;
    std::uint32_t earliest_hours = 48;
    std::uint32_t latest_hours = 24;
  };
  std::optional<window> schedule;
};

namespace detail {
struct compiled_profile;  // precompiled rules per definition (src/profile/compiled.hpp)
}

class profile {
 public:
  profile();
  ~profile();
  profile(profile&&) noexcept;
  profile& operator=(profile&&) noexcept;
  profile(const profile&) = delete;
  profile& operator=(const profile&) = delete;

  const std::string& name() const noexcept { return name_; }
  const std::string& title() const noexcept { return title_; }
  // Profile names from the root of the `extends` chain to this one: {"baseline", "us"}.
  const std::vector<std::string>& chain() const noexcept { return chain_; }
  const envelope_settings& envelope() const noexcept { return envelope_; }
  const pnr_push_settings& pnr_push() const noexcept { return pnr_push_; }
  // The syntax-table entry for a key of the README ("trailing_separator"), or nullptr.
  const syntax_entry* syntax(std::string_view key) const noexcept;
  // Every effective rule, parents' first, in file order (disabled ones included).
  std::span<const rule> rules() const noexcept { return rules_; }
  const rule* find_rule(std::string_view id) const noexcept;
  const message::definitions& definitions() const noexcept { return *defs_; }

  // Engine internals (validate.cpp); not part of the stable API.
  const detail::compiled_profile& compiled() const noexcept { return *compiled_; }

 private:
  friend struct profile_builder;
  std::string name_;
  std::string title_;
  std::vector<std::string> chain_;
  envelope_settings envelope_;
  std::vector<std::pair<std::string, syntax_entry>> syntax_;
  pnr_push_settings pnr_push_;
  std::vector<rule> rules_;
  const message::definitions* defs_ = nullptr;
  std::unique_ptr<detail::compiled_profile> compiled_;
};

struct load_error {
  boost::system::error_code code;  // a profile::errc load_* code
  std::string file;
  std::string pointer;  // JSON pointer, e.g. "/rules/3/args/regex"; empty for the whole file
  std::string detail;

  std::string to_string() const;  // "[apipnr.profile.001] file#pointer: detail (PRF-LOAD-...)"
};
// Lets `result<T, load_error>::value()` throw at process edges (std::runtime_error).
[[noreturn]] void throw_exception_from_error(const load_error& e,
                                             const boost::source_location& loc);

struct load_options {
  // Directories searched for `extends` parents after the overlay's own directory.
  std::vector<std::filesystem::path> search_path;
};

// Loads `file` and its `extends` chain, resolves overlays and compiles the rules.
[[nodiscard]] boost::system::result<profile, load_error> load_profile(
    const std::filesystem::path& file, const message::definitions& defs,
    const load_options& opt = {});

// Same for `<dir>/<name>.json` ("us" -> specs/profiles/us.json); `dir` is searched for parents.
[[nodiscard]] boost::system::result<profile, load_error> load_named_profile(
    std::string_view name, const std::filesystem::path& dir, const message::definitions& defs);

}  // namespace apipnr::profile
