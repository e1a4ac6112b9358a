#include "apipnr/iapi/decision_engine.hpp"

#include <algorithm>
#include <array>
#include <memory>
#include <utility>

#include <nlohmann/json.hpp>

#include "apipnr/iapi/normalise.hpp"
#include "apipnr/responses/cusres_from_request.hpp"
#include "apipnr/responses/errc.hpp"

namespace apipnr::iapi {
namespace {

using responses::directive;

// Order follows the enumerators (checked in decision_engine_test.cpp). Agent texts stay in the
// UNOA repertoire and never say why a watchlist entry exists (DP-LOG-003 applies to what the
// check-in agent sees as much as to logs).
constexpr std::array<rule_info, 10> rules{{
    {rule::no_document, "IAPI-RULE-NO-DOCUMENT", "API-CUSRES-ERC-005", directive::insufficient_data,
     "INSUFFICIENT DATA - TRAVEL DOCUMENT MISSING"},
    {rule::no_document_number, "IAPI-RULE-NO-DOC-NUMBER", "API-CUSRES-ERC-005",
     directive::insufficient_data, "INSUFFICIENT DATA - DOCUMENT NUMBER MISSING"},
    {rule::no_issuing_state, "IAPI-RULE-NO-ISSUING-STATE", "API-CUSRES-ERC-005",
     directive::insufficient_data, "INSUFFICIENT DATA - ISSUING STATE MISSING"},
    {rule::no_date_of_birth, "IAPI-RULE-NO-DOB", "API-CUSRES-ERC-005", directive::insufficient_data,
     "INSUFFICIENT DATA - DATE OF BIRTH MISSING"},
    {rule::no_nationality, "IAPI-RULE-NO-NATIONALITY", "API-CUSRES-ERC-005",
     directive::insufficient_data, "INSUFFICIENT DATA - NATIONALITY MISSING"},
    {rule::watchlist_no_board, "IAPI-RULE-WATCHLIST-NO-BOARD", "API-CUSRES-ERC-002",
     directive::no_board, "NO BOARD - CONTACT THE AUTHORITY"},
    {rule::authorisation_missing, "IAPI-RULE-AUTH-MISSING", "ICAO-A9-9.14-001", directive::no_board,
     "NO BOARD - NO TRAVEL AUTHORISATION"},
    {rule::authorisation_invalid, "IAPI-RULE-AUTH-NOT-VALID", "ICAO-A9-9.14-001",
     directive::no_board, "NO BOARD - TRAVEL AUTHORISATION NOT VALID FOR FLIGHT DATE"},
    {rule::watchlist_advisory, "IAPI-RULE-WATCHLIST-ADVISORY", "API-CUSRES-ERC-002",
     directive::advisory, "OK TO BOARD - ADVISORY"},
    {rule::cleared, "IAPI-RULE-CLEAR", "API-CUSRES-ERC-004", directive::ok_to_board, "OK TO BOARD"},
}};

// The ISO date at the start of a canonical local date-time ("YYYY-MM-DDTHH:MM"), if valid.
std::optional<std::string> date_part(const model::opt_string& scheduled) {
  if (!scheduled || scheduled->size() < 10) return std::nullopt;
  std::string d = scheduled->substr(0, 10);
  if (!is_iso_date(d)) return std::nullopt;
  return d;
}

const model::reference* find_reference(const model::traveller& t, std::string_view q) {
  for (const model::reference& r : t.references)
    if (r.qualifier == q) return &r;
  return nullptr;
}

// The period the traveller needs an authorisation for: from the first departure to the last
// arrival (an authorisation that lapses mid-journey does not cover the entry).
struct travel_period {
  std::string from;
  std::string until;
};

std::optional<travel_period> flight_period(const model::canonical_message& m) {
  if (!m.flight_info || m.flight_info->legs.empty()) return std::nullopt;
  auto from = date_part(m.flight_info->legs.front().departure.scheduled);
  if (!from) return std::nullopt;
  auto until = date_part(m.flight_info->legs.back().arrival.scheduled);
  travel_period p{*from, until ? *until : *from};
  if (p.until < p.from) p.until = p.from;
  return p;
}

struct traveller_keys {
  std::vector<document_id> documents;  // documents with a number and a valid issuing state
  bool any_number = false;
  bool any_state = false;
  std::optional<std::string> date_of_birth;  // ISO, when valid
  std::optional<std::string> nationality;    // ISO alpha-3
  std::string surname;
  std::string given_full;   // given + middle names
  std::string given_first;  // given names only
};

traveller_keys keys_of(const model::traveller& t) {
  traveller_keys k;
  const model::document* primary = nullptr;
  for (const model::document& d : t.documents) {
    const std::string number = document_key(d.number);
    auto state = d.issuing_state ? state_code(*d.issuing_state) : std::nullopt;
    k.any_number = k.any_number || !number.empty();
    k.any_state = k.any_state || state.has_value();
    if (!number.empty() && state) {
      if (primary == nullptr) primary = &d;
      k.documents.push_back({number, std::move(*state)});
    }
  }
  if (t.date_of_birth && is_iso_date(*t.date_of_birth)) k.date_of_birth = *t.date_of_birth;
  // Nationality as declared (NAT); else as printed on the document; else the issuing state,
  // which is the nationality for national passports.
  if (t.nationality) k.nationality = state_code(*t.nationality);
  if (!k.nationality && primary != nullptr && primary->nationality)
    k.nationality = state_code(*primary->nationality);
  if (!k.nationality && !k.documents.empty()) k.nationality = k.documents.front().issuing_state;
  k.surname = name_key(t.surname);
  k.given_first = name_key(t.given_names.value_or(""));
  k.given_full = name_key(t.given_names.value_or("") + " " + t.middle_names.value_or(""));
  return k;
}

bool birth_date_matches(const std::string& entry, const std::optional<std::string>& dob) {
  if (!dob) return false;
  if (entry.size() == 4) return dob->compare(0, 4, entry) == 0;  // year-only entry
  return *dob == entry;
}

struct watch_hit {
  std::size_t index = 0;
  match_basis basis = match_basis::none;
};

// The deciding watchlist hit: no_board before advisory, then the earliest entry in the file.
std::optional<watch_hit> watchlist_hit(const watchlist& wl, const traveller_keys& k) {
  std::optional<watch_hit> best;
  const auto consider = [&](std::size_t i, match_basis b) {
    const watchlist_entry& e = wl.entries[i];
    if (best) {
      const watchlist_entry& cur = wl.entries[best->index];
      const bool better =
          (e.action == watch_action::no_board && cur.action != watch_action::no_board) ||
          (e.action == cur.action && i < best->index);
      // The same entry found by document and by name: the document is the firmer basis.
      if (i == best->index && b == match_basis::document) best->basis = b;
      if (!better) return;
    }
    best = watch_hit{i, b};
  };
  for (const document_id& d : k.documents) {
    const auto it = wl.by_document.find(document_index_key(d));
    if (it == wl.by_document.end()) continue;
    for (std::size_t i : it->second) consider(i, match_basis::document);
  }
  if (!k.surname.empty()) {
    if (const auto it = wl.by_surname.find(k.surname); it != wl.by_surname.end()) {
      for (std::size_t i : it->second) {
        const watchlist_entry& e = wl.entries[i];
        if (!e.given_names.empty() && e.given_names != k.given_full &&
            e.given_names != k.given_first)
          continue;
        if (!birth_date_matches(e.date_of_birth, k.date_of_birth)) continue;
        consider(i, match_basis::name_and_birth_date);
      }
    }
  }
  return best;
}

passenger_decision decide_one(const model::traveller& t, std::size_t index,
                              const travel_period& period, const lists_snapshot& lists,
                              const engine_options& opts) {
  passenger_decision d;
  d.traveller_index = index;
  if (const model::reference* abo = find_reference(t, "ABO")) d.passenger_reference = abo->value;
  const auto decided = [&d](rule r) {
    d.fired = r;
    d.directive = info(r).directive;
    return d;
  };
  const traveller_keys k = keys_of(t);
  const authorisation_list& al = lists.authorisations;

  // API-CUSRES-ERC-005: 4Z asks the carrier to complete the data, so it comes before any list
  // check that the missing data could have changed.
  if (t.documents.empty()) return decided(rule::no_document);
  if (opts.require_document_number && !k.any_number) return decided(rule::no_document_number);
  if (opts.require_issuing_state &&
      (opts.require_document_number ? k.documents.empty() : !k.any_state))
    return decided(rule::no_issuing_state);
  if (opts.require_date_of_birth && !k.date_of_birth) return decided(rule::no_date_of_birth);
  if (!al.nationalities_requiring.empty() && !k.nationality) return decided(rule::no_nationality);

  const std::optional<watch_hit> hit = watchlist_hit(lists.watchlist, k);
  const auto from_watchlist = [&](rule r) {
    const watchlist_entry& e = lists.watchlist.entries[hit->index];
    d.entry_id = e.id;
    d.reason = e.reason;
    d.basis = hit->basis;
    return decided(r);
  };
  // API-CUSRES-ERC-002: 1Z on a no-board entry.
  if (hit && lists.watchlist.entries[hit->index].action == watch_action::no_board)
    return from_watchlist(rule::watchlist_no_board);

  // ICAO-A9-9.14-001 / RCV-PROF-001: the state's authorisation rule, judged against the
  // flight's own dates, never the clock, so that a replay gives the same answer.
  if (k.nationality && al.requires_authorisation(*k.nationality)) {
    const authorisation* not_valid = nullptr;
    bool held = false;
    for (const document_id& doc : k.documents) {
      const auto it = al.by_document.find(document_index_key(doc));
      if (it == al.by_document.end()) continue;
      for (std::size_t i : it->second) {
        const authorisation& a = al.entries[i];
        if (a.valid_from <= period.from && period.until <= a.valid_until) {
          held = true;
          break;
        }
        if (not_valid == nullptr) not_valid = &a;
      }
      if (held) break;
    }
    if (!held) {
      if (not_valid == nullptr) return decided(rule::authorisation_missing);
      d.entry_id = not_valid->id;
      return decided(rule::authorisation_invalid);
    }
  }

  if (hit) return from_watchlist(rule::watchlist_advisory);
  return decided(rule::cleared);
}

std::string_view basis_name(match_basis b) noexcept {
  switch (b) {
    case match_basis::document:
      return "document";
    case match_basis::name_and_birth_date:
      return "name_and_birth_date";
    case match_basis::none:
      break;
  }
  return "none";
}

}  // namespace

const rule_info& info(rule r) noexcept {
  const auto i = static_cast<std::size_t>(r);
  return i < rules.size() ? rules[i] : rules.back();
}

decision_engine::decision_engine(engine_options opts)
    : opts_(std::move(opts)), current_(std::make_shared<const lists_snapshot>()) {}

std::shared_ptr<const lists_snapshot> decision_engine::snapshot() const noexcept {
  return std::atomic_load_explicit(&current_, std::memory_order_acquire);
}

boost::system::error_code decision_engine::install(boost::system::result<watchlist> wl,
                                                   boost::system::result<authorisation_list> al) {
  if (!wl) return wl.error();
  if (!al) return al.error();
  auto next = std::make_shared<lists_snapshot>();
  next->generation = snapshot()->generation + 1;
  next->watchlist = std::move(*wl);
  next->authorisations = std::move(*al);
  // One pointer store: a concurrent decide() holds either the old snapshot or this one.
  std::atomic_store_explicit(&current_, std::shared_ptr<const lists_snapshot>(std::move(next)),
                             std::memory_order_release);
  return {};
}

boost::system::error_code decision_engine::reload(const list_paths& paths, load_error& err) {
  const std::lock_guard<std::mutex> lock(reload_mutex_);
  auto wl = load_watchlist(paths.watchlist, err, opts_.limits);
  if (!wl) return wl.error();  // do not read the second file: err names the first problem
  return install(std::move(wl), load_authorisations(paths.authorisations, err, opts_.limits));
}

boost::system::error_code decision_engine::reload_text(std::string_view watchlist_json,
                                                       std::string_view watchlist_source,
                                                       std::string_view authorisations_json,
                                                       std::string_view authorisations_source,
                                                       load_error& err) {
  const std::lock_guard<std::mutex> lock(reload_mutex_);
  auto wl = parse_watchlist(watchlist_json, watchlist_source, err, opts_.limits);
  if (!wl) return wl.error();
  return install(std::move(wl), parse_authorisations(authorisations_json, authorisations_source,
                                                     err, opts_.limits));
}

decision_set decision_engine::decide(const model::canonical_message& request) const {
  const std::shared_ptr<const lists_snapshot> lists = snapshot();
  return decide(request, *lists);
}

boost::system::error_code decision_engine::refusal(const model::canonical_message& request) const {
  // RCV-BAD-009: anything but an iAPI request gets an explicit refusal, not a guess.
  if (request.message.kind != "iapi_request") return make_error_code(errc::not_iapi_request);
  if (request.travellers.empty()) return make_error_code(errc::no_travellers);
  // API-CUSRES-STR-003: one answer per passenger must fit the 99 ERP groups of CUSRES.
  if (request.travellers.size() > std::min<std::size_t>(opts_.max_travellers, 99))
    return make_error_code(errc::too_many_travellers);
  // API-IAPI-FLOW-002/004: without ABO a passenger's answer cannot be matched by the carrier.
  for (const model::traveller& t : request.travellers) {
    const model::reference* abo = find_reference(t, "ABO");
    if (abo == nullptr || abo->value.empty())
      return make_error_code(errc::missing_passenger_reference);
  }
  if (!flight_period(request)) return make_error_code(errc::no_flight);
  return {};
}

decision_set decision_engine::decide(const model::canonical_message& request,
                                     const lists_snapshot& lists) const {
  decision_set out;
  out.lists_generation = lists.generation;
  // The header checks are refusal()'s, so that the receiver's check before storing and the
  // answer after it cannot disagree.
  if (const auto e = refusal(request)) {
    out.header_error = e;
    return out;
  }
  const std::optional<travel_period> period = flight_period(request);
  if (!period) {
    out.header_error = make_error_code(errc::no_flight);
    return out;
  }

  out.passengers.reserve(request.travellers.size());
  for (std::size_t i = 0; i < request.travellers.size(); ++i)
    out.passengers.push_back(decide_one(request.travellers[i], i, *period, lists, opts_));
  return out;
}

boost::system::result<responses::cusres_response> to_cusres(const model::canonical_message& request,
                                                            const decision_set& decisions,
                                                            const responses::envelope& env,
                                                            bool agent_text) {
  if (decisions.header_error) {
    std::string text;
    if (decisions.header_error.category() == iapi_category())
      text = std::string(info(static_cast<errc>(decisions.header_error.value())).id);
    // API-CUSRES-ERP-002/ERC-003: ERP+1 with ERC 1 (rejected), the stable ID as agent text.
    return responses::make_header_refusal(request, env, std::move(text));
  }
  auto r = responses::make_response(request, env, directive::ok_to_board);
  if (!r) return r.error();
  if (r->passengers.size() != decisions.passengers.size())
    return make_error_code(responses::errc::cusres_no_result);
  for (std::size_t i = 0; i < decisions.passengers.size(); ++i) {
    const passenger_decision& d = decisions.passengers[i];
    responses::passenger_result& p = r->passengers[i];
    if (p.passenger_reference != d.passenger_reference || d.traveller_index != i)
      return make_error_code(responses::errc::cusres_no_result);
    p.directive_code = std::string(responses::code(d.directive));
    if (agent_text) p.text = std::string(info(d.fired).agent_text);
  }
  return r;
}

nlohmann::json to_log_record(const passenger_decision& d) {
  const rule_info& r = info(d.fired);
  nlohmann::json j = {{"event", "iapi_decision"},
                      {"traveller_index", d.traveller_index},
                      {"passenger_reference", d.passenger_reference},
                      {"directive", std::string(responses::code(d.directive))},
                      {"rule", std::string(r.id)},
                      {"requirement", std::string(r.requirement)},
                      {"basis", std::string(basis_name(d.basis))}};
  if (!d.entry_id.empty()) j["entry_id"] = d.entry_id;
  if (!d.reason.empty()) j["reason"] = d.reason;
  return j;
}

}  // namespace apipnr::iapi
