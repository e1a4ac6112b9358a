#include "apipnr/pnrgov/push_history.hpp"

#include <algorithm>
#include <array>
#include <functional>
#include <mutex>
#include <set>

#include "apipnr/common/errc_table.hpp"
#include "apipnr/model/dates.hpp"

namespace apipnr::pnrgov {
namespace {

using nlohmann::json;

constexpr std::array<push_errc_info, 8> table{{
    {push_errc::first_push_is_update, "PNRPUSH-FIRST-UPDATE", "PNR-GOV-PUSH-002",
     "the first push of the flight is an update push (MSG 141); under update pushes it is full"},
    {push_errc::unchanged_pnr_resent, "PNRPUSH-UNCHANGED", "PNR-GOV-PUSH-002",
     "an update push re-sends a PNR unchanged since the previous push that carried it"},
    {push_errc::full_push_missing_pnr, "PNRPUSH-FULL-MISSING", "PNR-GOV-PUSH-001",
     "a full push lacks a PNR of an earlier push of the flight that was not cancelled"},
    {push_errc::pnr_sent_as_delta, "PNRPUSH-DELTA", "PNR-GOV-PUSH-003",
     "a PNR re-sent without travellers or segments of its previous version (a delta)"},
    {push_errc::cancellation_with_content, "PNRPUSH-CANCEL-CONTENT", "PNR-GOV-CANCEL-001",
     "a cancellation (SRC, RCI, empty ORG) carries travellers or itinerary segments"},
    {push_errc::cancellation_not_in_form, "PNRPUSH-CANCEL-FORM", "PNR-GOV-CANCEL-001",
     "an update push sends a PNR that left the pushed flight with content, not as SRC, RCI and "
     "empty ORG"},
    {push_errc::outside_push_window, "PNRPUSH-WINDOW", "EU-PNR-PUSH-001",
     "a push after the scheduled window without an earlier push inside it"},
    {push_errc::ok, "PNRPUSH-UNKNOWN", "", "unknown PNR push history code"},
}};

// The last row answers for values outside the table (errc_table.hpp).
const common::table_category<push_errc_info>& category() noexcept {
  static const common::table_category<push_errc_info> instance(
      "apipnr.pnrpush", std::span<const push_errc_info>(table).first(table.size() - 1),
      table.back(), common::errc_text::message_only);
  return instance;
}

// diagnostic::requirement wants static storage; a window requirement comes from a profile.
std::string_view intern(const std::string& s) {
  static std::mutex m;
  static std::set<std::string, std::less<>> pool;
  std::lock_guard lock(m);
  return *pool.insert(s).first;
}

std::string text_of(const json& o, const char* key) {
  if (!o.is_object()) return {};
  const auto it = o.find(key);
  return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// A date-time with its time: a date alone says nothing about a 24-48 h window.
std::optional<std::int64_t> date_time_minutes(const std::string& s) {
  if (s.size() != 16) return std::nullopt;
  return model::minutes_since_epoch(s);
}

// AIRIMP statuses of a segment no longer held (cancelled, unable, no action taken).
bool cancelled_status(const std::string& s) noexcept {
  return s == "XX" || s == "HX" || s == "UN" || s == "UC" || s == "NO";
}

bool is_pushed_flight(const json& leg, const flight_key& f) {
  const std::string dep = text_of(leg.value("departure", json::object()), "scheduled");
  if (dep.substr(0, 10) != f.date) return false;
  const bool marketing =
      text_of(leg, "carrier") == f.carrier && text_of(leg, "flight_number") == f.number;
  const bool operating = text_of(leg, "operating_carrier") == f.carrier &&
                         text_of(leg, "operating_flight_number") == f.number;
  return marketing || operating;
}

diagnostic make(push_errc e, const push_policy& p, std::string detail,
                std::string_view requirement = {}) {
  const auto& i = info(e);
  diagnostic d;
  d.code = make_error_code(e);
  d.id = i.id;
  d.requirement = requirement.empty() ? i.requirement : requirement;
  d.level = p.level_of(d.requirement);
  d.where = scope::message;
  d.detail = std::move(detail);
  return d;
}

constexpr std::size_t max_push_findings = 50;

std::string ordinal_pnr(std::size_t i) { return "PNR " + std::to_string(i + 1) + " of the push"; }

}  // namespace

const push_errc_info& info(push_errc e) noexcept { return category().row(static_cast<int>(e)); }

std::span<const push_errc_info> all_push_errc_info() noexcept {
  return {table.data(), table.size() - 1};
}

const boost::system::error_category& push_category() noexcept { return category(); }

apipnr::severity push_policy::level_of(std::string_view requirement) const noexcept {
  for (const auto& [r, l] : levels) {
    if (r == requirement) return l;
  }
  return severity::warning;
}

std::optional<push_summary> summarise(const json& c) {
  if (!c.is_object()) return std::nullopt;
  const json& msg = c.value("message", json::object());
  if (text_of(msg, "kind") != "pnr_push") return std::nullopt;
  const json& fl = c.value("flight", json::object());
  push_summary s;
  s.flight.carrier = text_of(fl, "carrier");
  s.flight.number = text_of(fl, "number");
  std::string dep;
  if (fl.is_object() && fl.contains("legs") && fl["legs"].is_array() && !fl["legs"].empty()) {
    dep = text_of(fl["legs"][0].value("departure", json::object()), "scheduled");
  }
  s.flight.date = dep.substr(0, 10);
  if (s.flight.carrier.empty() || s.flight.number.empty() || s.flight.date.size() != 10)
    return std::nullopt;
  s.departure = date_time_minutes(dep);
  s.pushed_at = date_time_minutes(text_of(msg, "prepared"));
  const std::string fn = text_of(c.value("pnr_push", json::object()), "function");
  s.function = fn == "full"     ? push_function::full
               : fn == "update" ? push_function::update
                                : push_function::unknown;
  const auto pit = c.find("pnrs");
  if (pit == c.end() || !pit->is_array()) return s;
  for (const json& p : *pit) {
    pnr_version v;
    if (const auto rl = p.find("record_locators");
        rl != p.end() && rl->is_array() && !rl->empty()) {
      v.locator = text_of((*rl)[0], "locator");
    }
    v.cancelled = p.value("cancelled", false);
    if (const auto t = p.find("travellers"); t != p.end() && t->is_array()) {
      for (const json& tr : *t) {
        v.travellers.push_back(text_of(tr, "surname") + "/" + text_of(tr, "given_names"));
      }
    }
    if (const auto it = p.find("itinerary"); it != p.end() && it->is_array()) {
      v.segments = it->size();
      for (const json& leg : *it) {
        if (is_pushed_flight(leg, s.flight) && !cancelled_status(text_of(leg, "status")))
          v.holds_flight = true;
      }
    }
    if (const auto sp = p.find("split_locators"); sp != p.end() && sp->is_array()) {
      v.names_split = !sp->empty();
    }
    // A hash, not the text: the history keeps every PNR of every cached flight, and equality is
    // all the rules ask (a collision would only hide one PNRPUSH-UNCHANGED warning).
    v.content = std::hash<std::string>{}(p.dump(-1, ' ', false, json::error_handler_t::replace));
    s.pnrs.push_back(std::move(v));
  }
  return s;
}

void flight_pushes::add(const push_summary& s) {
  pushes_.push_back({s.function, s.pushed_at});
  for (const auto& p : s.pnrs) {
    if (p.locator.empty()) continue;
    auto [it, fresh] = latest_.insert_or_assign(p.locator, p);
    if (fresh) order_.push_back(it->first);
  }
}

std::vector<diagnostic> flight_pushes::check(const push_summary& next,
                                             const push_policy& policy) const {
  std::vector<diagnostic> out;
  const bool update = next.function == push_function::update;

  // PNR-GOV-PUSH-002: under update pushes the first push is full.
  if (pushes_.empty() && update) {
    out.push_back(make(push_errc::first_push_is_update, policy,
                       "no earlier push of this flight was received; the first is MSG 141"));
  }

  std::set<std::string_view> in_next;
  for (std::size_t i = 0; i < next.pnrs.size(); ++i) {
    const pnr_version& p = next.pnrs[i];
    if (!p.locator.empty()) in_next.insert(p.locator);
    // PNR-GOV-CANCEL-001, per message: a cancellation is SRC, RCI and an empty ORG, nothing
    // more; one with travellers or segments is a PNR that was sent complete and cancelled at
    // once, which no reading of the guide allows.
    if (p.cancelled && (!p.travellers.empty() || p.segments > 0)) {
      out.push_back(make(push_errc::cancellation_with_content, policy,
                         ordinal_pnr(i) + " is a cancellation with " +
                             std::to_string(p.travellers.size()) + " traveller(s) and " +
                             std::to_string(p.segments) + " segment(s)"));
    }
    // PNR-GOV-CANCEL-001: a PNR whose pushed segment was cancelled is sent as a cancellation
    // in an update push. Judged only when the PNR lists an itinerary at all (a PNR without
    // TVL groups says nothing about the flight).
    if (update && !p.cancelled && p.segments > 0 && !p.holds_flight) {
      out.push_back(make(push_errc::cancellation_not_in_form, policy,
                         ordinal_pnr(i) + " no longer holds the pushed flight but is sent with "
                                          "content instead of SRC, RCI and an empty ORG"));
    }
    if (p.locator.empty()) continue;
    const auto prev = latest_.find(p.locator);
    if (prev == latest_.end()) continue;
    const pnr_version& before = prev->second;
    // PNR-GOV-PUSH-002: an update push carries only PNRs added, changed or removed.
    if (update && !p.cancelled && !before.cancelled && p.content == before.content) {
      out.push_back(make(push_errc::unchanged_pnr_resent, policy,
                         ordinal_pnr(i) + " equals its version in an earlier push"));
    }
    // PNR-GOV-PUSH-003: an included PNR is complete. A traveller of the previous version that
    // is gone without a split record, or an itinerary that is gone altogether, is what a
    // delta (only the changed elements) looks like; a changed itinerary still lists its legs.
    if (!p.cancelled && !before.cancelled) {
      std::size_t missing = 0;
      for (const auto& t : before.travellers) {
        if (std::find(p.travellers.begin(), p.travellers.end(), t) == p.travellers.end()) ++missing;
      }
      const bool travellers_gone = missing > 0 && !p.names_split;
      const bool itinerary_gone = before.segments > 0 && p.segments == 0;
      if (travellers_gone || itinerary_gone) {
        std::string why = ordinal_pnr(i) + " lacks";
        if (travellers_gone)
          why += " " + std::to_string(missing) + " traveller(s) (no split PNR named)";
        if (itinerary_gone) {
          why += std::string(travellers_gone ? " and" : "") + " all " +
                 std::to_string(before.segments) + " segment(s)";
        }
        out.push_back(make(push_errc::pnr_sent_as_delta, policy, why + " of its previous version"));
      }
    }
  }

  // PNR-GOV-PUSH-001: a full push carries every active PNR of the flight. A PNR that left the
  // flight is simply omitted by a full-push sender (STANDARDS.md §3.4), which the receiver
  // cannot tell from a lost one: hence a warning by default.
  if (next.function == push_function::full && !pushes_.empty()) {
    std::size_t n = 0;
    for (const auto& loc : order_) {
      const auto& v = latest_.find(loc)->second;
      ++n;
      if (v.cancelled || in_next.count(loc) != 0) continue;
      out.push_back(make(push_errc::full_push_missing_pnr, policy,
                         "PNR " + std::to_string(n) +
                             " (in order of first push) of the flight's earlier pushes is "
                             "missing and was not cancelled"));
    }
  }

  // The schedule window (EU-PNR-PUSH-001 in the eu profile).
  if (policy.schedule && next.pushed_at && next.departure) {
    const auto& w = *policy.schedule;
    const std::int64_t open = *next.departure - std::int64_t{w.earliest_hours} * 60;
    const std::int64_t close = *next.departure - std::int64_t{w.latest_hours} * 60;
    if (*next.pushed_at > close) {
      bool had = false;
      for (const auto& p : pushes_) {
        had = had || (p.pushed_at && *p.pushed_at >= open && *p.pushed_at <= close);
      }
      if (!had) {
        const std::int64_t before_dep = *next.departure - *next.pushed_at;
        out.push_back(
            make(push_errc::outside_push_window, policy,
                 "pushed " + std::to_string(before_dep / 60) + " h " +
                     std::to_string((before_dep % 60 + 60) % 60) +
                     " min before the scheduled departure (negative: after) with no earlier push "
                     "between " +
                     std::to_string(w.earliest_hours) + " and " + std::to_string(w.latest_hours) +
                     " h before it",
                 intern(w.requirement)));
      }
    }
  }
  // A push of thousands of PNRs can break a rule for each (an update push re-sending every
  // PNR); the findings of one input are bounded (RCV-LIM-001), so the rest are counted.
  if (out.size() > max_push_findings) {
    const std::size_t more = out.size() - max_push_findings;
    out.resize(max_push_findings);
    out.back().detail +=
        "; " + std::to_string(more) + " more push history finding(s) of this push not listed";
  }
  return out;
}

namespace {
template <typename F>
void each_message(const json& canonical, F&& f) {
  if (canonical.is_array()) {
    for (const json& m : canonical) f(m);
  } else {
    f(canonical);
  }
}
}  // namespace

std::vector<diagnostic> push_history::check(const json& canonical,
                                            const push_policy& policy) const {
  std::vector<push_summary> pushes;
  each_message(canonical, [&](const json& m) {
    if (auto s = summarise(m)) pushes.push_back(std::move(*s));
  });
  std::map<flight_key, int> per_flight;
  for (const auto& s : pushes) ++per_flight[s.flight];
  std::vector<diagnostic> out;
  // Several pushes of one flight in one input are judged in order, each against the ones
  // before it (on a copy of the flight's history); the usual single push needs no copy.
  std::map<flight_key, flight_pushes> scratch;
  const flight_pushes none;
  for (const auto& s : pushes) {
    const flight_pushes* known = find(s.flight);
    std::vector<diagnostic> f;
    if (per_flight[s.flight] == 1) {
      f = (known ? *known : none).check(s, policy);
    } else {
      auto it = scratch.find(s.flight);
      if (it == scratch.end()) it = scratch.emplace(s.flight, known ? *known : none).first;
      f = it->second.check(s, policy);
      it->second.add(s);
    }
    out.insert(out.end(), std::make_move_iterator(f.begin()), std::make_move_iterator(f.end()));
  }
  return out;
}

void push_history::record(const json& canonical) {
  each_message(canonical, [&](const json& m) {
    if (auto s = summarise(m)) flights_[s->flight].add(*s);
  });
}

const flight_pushes* push_history::find(const flight_key& k) const noexcept {
  const auto it = flights_.find(k);
  return it == flights_.end() ? nullptr : &it->second;
}

}  // namespace apipnr::pnrgov
