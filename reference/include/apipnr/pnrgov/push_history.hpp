// Cross-push rules of PNRGOV (STANDARDS.md §3.4): each push of a flight is judged against the
// pushes of the same flight received before it. A single message cannot show these faults; a
// receiver that keeps the history of each flight can.
//
//   apipnr::pnrgov::push_history h;                        // in memory, one per receiver
//   auto findings = h.check(canonical_json, policy);      // before storing the push
//   if (stored) h.record(canonical_json);                 // only what was accepted and stored
//
// A flight is keyed by carrier, flight number and local departure date of the level-0 TVL
// (PNR-GOV-PUSH-005: by flight and date, independently of a schedule); the order of pushes is
// the order of record() calls (arrival order). Rules, each reported with its requirement ID
// (docs/RECEIVER.md "PNR push history" states them with their limits):
//  - PNRPUSH-FIRST-UPDATE (PNR-GOV-PUSH-002): the first push of a flight is an update (MSG 141).
//  - PNRPUSH-UNCHANGED (PNR-GOV-PUSH-002): an update push re-sends a PNR whose canonical content
//    equals its version in the previous push that carried it (not added, changed or removed).
//  - PNRPUSH-FULL-MISSING (PNR-GOV-PUSH-001): a full push (MSG 22) lacks a PNR whose latest
//    version in an earlier push was not a cancellation (one finding per PNR).
//  - PNRPUSH-DELTA (PNR-GOV-PUSH-003): a PNR re-sent (not as a cancellation) lacks a traveller
//    (surname and given names) of its previous version without naming a split PNR (SG8), or
//    lacks every itinerary segment its previous version had.
//  - PNRPUSH-CANCEL-CONTENT (PNR-GOV-CANCEL-001): a cancellation (SRC, RCI, empty ORG in an
//    update push) that still carries travellers or itinerary segments.
//  - PNRPUSH-CANCEL-FORM (PNR-GOV-CANCEL-001): in an update push, a PNR sent with content whose
//    itinerary no longer holds the pushed flight, or holds it with a cancelled status (XX, HX,
//    UN, UC, NO): it left the flight and is sent as SRC, RCI and empty ORG instead.
//  - PNRPUSH-WINDOW (the policy window's requirement, EU-PNR-PUSH-001 in the eu profile): a push
//    whose time (UNB preparation date/time, canonical message.prepared) is less than
//    `latest_hours` before the scheduled departure (level-0 TVL, local time) when no earlier
//    push of the flight was sent between `earliest_hours` and `latest_hours` before it (the
//    closure push, or any late push, without the 24-48 h push).
// XML pushes carry no full/update indicator: the function rules skip them.
// At most 50 findings per push; the last one counts the rest (RCV-LIM-001).
//
// Data protection (DP-LOG-003): details name counts, positions and push times, never a record
// locator, name or other personal value.
//
// Thread safety: summarise() and check() are const and pure; a push_history is not
// synchronised (the receiver serialises the pushes of one flight around check, store, record).
// Errors: none; input that is not a PNR push with a flight is ignored (no findings).
#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <boost/system/error_code.hpp>
#include <nlohmann/json.hpp>

#include "apipnr/common/diagnostic.hpp"

namespace apipnr::pnrgov {

enum class push_errc : std::uint8_t {
  ok = 0,
  first_push_is_update = 1,
  unchanged_pnr_resent,
  full_push_missing_pnr,
  pnr_sent_as_delta,
  cancellation_with_content,
  cancellation_not_in_form,
  outside_push_window,
};

struct push_errc_info {
  push_errc code;
  std::string_view id;           // "PNRPUSH-..."
  std::string_view requirement;  // default requirement ID
  std::string_view message;
};
const push_errc_info& info(push_errc e) noexcept;
std::span<const push_errc_info> all_push_errc_info() noexcept;  // enumerator order, no `ok`
const boost::system::error_category& push_category() noexcept;
inline boost::system::error_code make_error_code(push_errc e) noexcept {
  return {static_cast<int>(e), push_category()};
}

struct flight_key {
  std::string carrier, number, date;  // date YYYY-MM-DD (local departure of the level-0 TVL)
  auto operator<=>(const flight_key&) const = default;
};

enum class push_function : std::uint8_t { full, update, unknown };

// What the rules compare of one PNR of a push.
struct pnr_version {
  std::string locator;  // first record locator ("" when the PNR has none: not tracked)
  bool cancelled = false;
  std::vector<std::string> travellers;  // "SURNAME/GIVEN NAMES" as sent
  std::size_t segments = 0;             // itinerary legs
  bool holds_flight = false;            // a leg is the pushed flight, not cancelled
  bool names_split = false;             // SG8 split locators present
  std::uint64_t content = 0;            // hash of the PNR's canonical JSON text (equality only)
};

struct push_summary {
  flight_key flight;
  push_function function = push_function::unknown;
  std::optional<std::int64_t> pushed_at;  // minutes since 1970-01-01 (message.prepared)
  std::optional<std::int64_t> departure;  // minutes since 1970-01-01 (scheduled, local)
  std::vector<pnr_version> pnrs;
};

// The summary of a canonical message (model::to_json, or the stored canonical JSON): nullopt
// unless message.kind is pnr_push and the flight has carrier, number and departure date.
std::optional<push_summary> summarise(const nlohmann::json& canonical);

// Severities and the schedule window of the active profile (profile `pnr_push`).
struct push_policy {
  // Level per requirement ID; a requirement not listed is a warning.
  std::vector<std::pair<std::string, apipnr::severity>> levels;
  struct window {
    std::string requirement = "EU-PNR-PUSH-001";
    std::uint32_t earliest_hours = 48;
    std::uint32_t latest_hours = 24;
  };
  std::optional<window> schedule;  // off unless the profile sets one
  apipnr::severity level_of(std::string_view requirement) const noexcept;
};

// The pushes of one flight so far.
class flight_pushes {
 public:
  void add(const push_summary& s);
  bool empty() const noexcept { return pushes_.empty(); }
  std::size_t size() const noexcept { return pushes_.size(); }
  // Findings of `next` against the pushes added so far (nothing is recorded).
  std::vector<diagnostic> check(const push_summary& next, const push_policy& policy) const;

 private:
  struct push_meta {
    push_function function;
    std::optional<std::int64_t> pushed_at;
  };
  std::vector<push_meta> pushes_;
  // Latest version of each PNR by locator, and the order of first appearance.
  std::map<std::string, pnr_version, std::less<>> latest_;
  std::vector<std::string> order_;
};

// Every flight's pushes, in memory.
class push_history {
 public:
  // Findings of every PNR push among `canonical` (one canonical message, or an array of them)
  // against the earlier pushes of its flight.
  std::vector<diagnostic> check(const nlohmann::json& canonical, const push_policy& policy) const;
  // Records the PNR pushes among `canonical` as received (call after they were stored).
  void record(const nlohmann::json& canonical);
  // The pushes of one flight (created empty when unknown).
  flight_pushes& flight(const flight_key& k) { return flights_[k]; }
  const flight_pushes* find(const flight_key& k) const noexcept;
  std::size_t flights() const noexcept { return flights_.size(); }

 private:
  std::map<flight_key, flight_pushes> flights_;
};

}  // namespace apipnr::pnrgov

namespace boost::system {
template <>
struct is_error_code_enum<apipnr::pnrgov::push_errc> : std::true_type {};
}  // namespace boost::system
