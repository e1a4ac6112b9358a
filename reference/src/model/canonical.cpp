#include "apipnr/model/canonical.hpp"

#include <type_traits>

#include <nlohmann/json.hpp>

namespace apipnr::model {
namespace {

using nlohmann::json;

// Small setters that implement "absent means absent": nothing is written for an empty optional
// or an empty vector, so the JSON never carries "" or null for data the message did not have.
void put(json& j, const char* key, const opt_string& v) {
  if (v) j[key] = *v;
}
void put(json& j, const char* key, const opt_text& v) {
  if (v) j[key] = *v;
}
template <class T>
void put(json& j, const char* key, const std::optional<T>& v) {
  if (v) j[key] = *v;
}
// `items`: a std::vector or a document_list / reference_list.
template <class Items, class F>
void put_array(json& j, const char* key, const Items& items, F&& convert) {
  if (items.empty()) return;
  json a = json::array();
  for (const auto& item : items) a.push_back(convert(item));
  j[key] = std::move(a);
}
void put_strings(json& j, const char* key, const std::vector<std::string>& items) {
  if (!items.empty()) j[key] = items;
}

json to_json_contact(const contact& c) { return {{"type", c.type}, {"value", c.value}}; }

json to_json_address(const address& a) {
  json j = json::object();
  put(j, "purpose", a.purpose);
  put(j, "street", a.street);
  put(j, "city", a.city);
  put(j, "sub_entity", a.sub_entity);
  put(j, "postal_code", a.postal_code);
  put(j, "country", a.country);
  put(j, "free_text", a.free_text);
  return j;
}

json to_json_reference(const reference& r) {
  return {{"qualifier", r.qualifier}, {"value", r.value}};
}

json to_json_document(const document& d) {
  json j = {{"type", d.type}, {"number", d.number}};
  put(j, "issuing_state", d.issuing_state);
  put(j, "expiry", d.expiry);
  put(j, "issue_date", d.issue_date);
  put(j, "nationality", d.nationality);
  put(j, "source", d.source);
  return j;
}

json to_json_place(const place_time& p) {
  json j = json::object();
  put(j, "port", p.port);
  put(j, "scheduled", p.scheduled);
  put(j, "qualifier", p.qualifier);
  return j;
}

json to_json_leg(const leg& l) {
  json j = json::object();
  put(j, "sequence", l.sequence);
  put(j, "carrier", l.carrier);
  put(j, "flight_number", l.flight_number);
  put(j, "operating_carrier", l.operating_carrier);
  put(j, "operating_flight_number", l.operating_flight_number);
  put(j, "booking_class", l.booking_class);
  put(j, "status", l.status);
  put(j, "party_size", l.party_size);
  put(j, "equipment", l.equipment);
  json dep = to_json_place(l.departure);
  if (!dep.empty()) j["departure"] = std::move(dep);
  json arr = to_json_place(l.arrival);
  if (!arr.empty()) j["arrival"] = std::move(arr);
  return j;
}

json to_json_bags(const bags& b) {
  json j = json::object();
  put(j, "count", b.count);
  put(j, "weight", b.weight);
  put(j, "unit", b.unit);
  put_strings(j, "tags", b.tags);
  return j;
}

json to_json_ssr(const ssr& s) {
  json j = {{"code", s.code}};
  put(j, "status", s.status);
  put(j, "quantity", s.quantity);
  put(j, "carrier", s.carrier);
  put(j, "board", s.board);
  put(j, "off", s.off);
  put(j, "text", s.text);
  put_strings(j, "traveller_refs", s.traveller_refs);
  if (!s.segment_refs.empty()) j["segment_refs"] = s.segment_refs;
  return j;
}

json to_json_payment(const payment& p) {
  json j = {{"type", p.type}};
  put(j, "vendor", p.vendor);
  put(j, "account_masked", p.account_masked);
  put(j, "expiry", p.expiry);
  put(j, "amount", p.amount);
  put(j, "currency", p.currency);
  return j;
}

json to_json_ticket(const ticket& t) {
  json j = json::object();
  put(j, "number", t.number);
  put(j, "document_type", t.document_type);
  put(j, "booklets", t.booklets);
  put(j, "issue_date", t.issue_date);
  put(j, "base_fare", t.base_fare);
  put(j, "total_fare", t.total_fare);
  put(j, "currency", t.currency);
  put_array(j, "payments", t.payments, to_json_payment);
  return j;
}

json to_json_traveller(const traveller& t) {
  json j = {{"role", t.role}};
  put(j, "party_function", t.party_function);
  j["surname"] = t.surname;
  put(j, "given_names", t.given_names);
  put(j, "middle_names", t.middle_names);
  put(j, "title", t.details().title);
  put(j, "gender", t.gender);
  put(j, "date_of_birth", t.date_of_birth);
  put(j, "nationality", t.nationality);
  put(j, "residence_country", t.details().residence_country);
  put(j, "place_of_birth", t.details().place_of_birth);
  put(j, "embarkation", t.embarkation);
  put(j, "debarkation", t.debarkation);
  put(j, "clearance_port", t.details().clearance_port);
  put(j, "in_transit", t.details().in_transit);
  put(j, "crew_function", t.details().crew_function);
  put(j, "verified", t.details().verified);
  put_array(j, "documents", t.documents, to_json_document);
  put_array(j, "addresses", t.details().addresses, to_json_address);
  put_array(j, "contacts", t.details().contacts, to_json_contact);
  put_array(j, "references", t.references, to_json_reference);
  if (!t.details().baggage.empty()) j["bags"] = to_json_bags(t.details().baggage);
  put(j, "seat", t.seat);
  put(j, "pnr_traveller_ref", t.details().pnr_traveller_ref);
  put(j, "passenger_type", t.details().passenger_type);
  put(j, "infant", t.details().infant);
  put(j, "accompanied_by_infant", t.details().accompanied_by_infant);
  put_array(j, "frequent_flyer", t.details().frequent_flyers, [](const frequent_flyer& f) {
    json o = json::object();
    put(o, "carrier", f.carrier);
    put(o, "number", f.number);
    put(o, "tier", f.tier);
    return o;
  });
  put_array(j, "tickets", t.details().tickets, to_json_ticket);
  put_array(j, "ssrs", t.details().ssrs, to_json_ssr);
  return j;
}

json to_json_pnr(const pnr& p) {
  json j = json::object();
  put_array(j, "record_locators", p.record_locators, [](const record_locator& r) {
    json o = json::object();
    put(o, "company", r.company);
    o["locator"] = r.locator;
    put(o, "control_type", r.control_type);
    return o;
  });
  if (p.record_locators.empty()) j["record_locators"] = json::array();
  put(j, "created", p.created);
  put(j, "last_modified", p.last_modified);
  put(j, "cancelled", p.cancelled);
  if (p.origin) {
    json o = json::object();
    put(o, "company", p.origin->company);
    put(o, "location", p.origin->location);
    put(o, "agent_id", p.origin->agent_id);
    put(o, "originator_type", p.origin->originator_type);
    put(o, "country", p.origin->country);
    put(o, "currency", p.origin->currency);
    put(o, "language", p.origin->language);
    j["originator"] = std::move(o);
  }
  j["travellers"] = json::array();
  for (const auto& t : p.travellers) j["travellers"].push_back(to_json_traveller(t));
  put_array(j, "itinerary", p.itinerary, to_json_leg);
  put_array(j, "ssrs", p.ssrs, to_json_ssr);
  put_strings(j, "osi", p.osi);
  put_array(j, "contacts", p.contacts, to_json_contact);
  put_array(j, "addresses", p.addresses, to_json_address);
  put_strings(j, "split_locators", p.split_locators);
  put_array(j, "other_segments", p.other_segments, [](const other_segment& s) {
    json o = json::object();
    put(o, "kind", s.kind);
    put(o, "text", s.text);
    return o;
  });
  put_array(j, "check_in", p.check_ins, [](const check_in& c) {
    json o = json::object();
    put(o, "traveller_ref", c.traveller_ref);
    put(o, "seat", c.seat);
    put(o, "cabin", c.cabin);
    put(o, "sequence", c.sequence);
    if (!c.baggage.empty()) o["bags"] = to_json_bags(c.baggage);
    put(o, "at", c.at);
    return o;
  });
  put_array(j, "history", p.history, [](const history_entry& h) {
    json o = json::object();
    put(o, "action", h.action);
    put(o, "at", h.at);
    put(o, "originator", h.originator);
    put(o, "text", h.text);
    return o;
  });
  put(j, "sensitive_removed", p.sensitive_removed);
  return j;
}

json to_json_message(const message_info& m) {
  json j = {{"kind", m.kind}, {"syntax", m.syntax}, {"type", m.type}};
  put(j, "version", m.version);
  put(j, "sender", m.sender);
  put(j, "recipient", m.recipient);
  put(j, "interchange_reference", m.interchange_reference);
  put(j, "message_reference", m.message_reference);
  put(j, "application_reference", m.application_reference);
  put(j, "prepared", m.prepared);
  put(j, "test", m.test);
  put(j, "common_access_reference", m.common_access_reference);
  put_array(j, "parts", m.parts, [](const message_part& p) {
    json o = json::object();
    put(o, "number", p.number);
    put(o, "final", p.final_part);
    put(o, "message_reference", p.message_reference);
    return o;
  });
  put(j, "document_code", m.document_code);
  put(j, "document_subtype", m.document_subtype);
  put(j, "scenario", m.scenario);
  put(j, "transaction_reference", m.transaction_reference);
  put(j, "transaction_revision", m.transaction_revision);
  return j;
}

}  // namespace

void traveller::clear() noexcept {
  // Every member of traveller is listed here: a field added to traveller must be cleared too
  // (CanonicalModel.ClearedTravellerEqualsANewOne compares with a new traveller; the size check
  // below stops a build that adds a member without looking here).
#if defined(__x86_64__) && defined(__GLIBCXX__)
  static_assert(sizeof(traveller) == 440, "a traveller member was added: clear it in clear()");
#endif
  // std::vector<traveller> moves its travellers when it grows only if that cannot throw (else it
  // copies them); the in-line document and reference lists must keep it so.
  static_assert(std::is_nothrow_move_constructible_v<traveller>);
  role.clear();
  surname.clear();
  party_function.reset();
  given_names.reset();
  middle_names.reset();
  gender.reset();
  date_of_birth.reset();
  nationality.reset();
  embarkation.reset();
  debarkation.reset();
  seat.reset();
  documents.clear();
  references.clear();
  details_.p.reset();
}

const traveller_details& traveller::no_details() noexcept {
  static const traveller_details none;
  return none;
}

nlohmann::json to_json(const canonical_message& m) {
  json j = {{"canonical_version", canonical_version}, {"message", to_json_message(m.message)}};
  if (m.reporter) {
    json r = json::object();
    put(r, "name", m.reporter->name);
    put_array(r, "contacts", m.reporter->contacts, to_json_contact);
    j["reporting_party"] = std::move(r);
  }
  if (m.flight_info) {
    json f = json::object();
    put(f, "carrier", m.flight_info->carrier);
    put(f, "number", m.flight_info->number);
    put(f, "journey_id", m.flight_info->journey_id);
    put(f, "transport_stage", m.flight_info->transport_stage);
    f["legs"] = json::array();
    for (const auto& l : m.flight_info->legs) f["legs"].push_back(to_json_leg(l));
    j["flight"] = std::move(f);
  }
  put_array(j, "travellers", m.travellers, to_json_traveller);
  if (m.counts) {
    json t = json::object();
    put(t, "passengers", m.counts->passengers);
    put(t, "crew", m.counts->crew);
    put(t, "pnrs", m.counts->pnrs);
    j["totals"] = std::move(t);
  }
  put_array(j, "pnrs", m.pnrs, to_json_pnr);
  if (m.push) {
    json p = json::object();
    put(p, "function", m.push->function);
    json o = json::object();
    put(o, "company", m.push->originator_company);
    put(o, "location", m.push->originator_location);
    put(o, "system", m.push->originator_system);
    if (!o.empty()) p["originator"] = std::move(o);
    j["pnr_push"] = std::move(p);
  }
  return j;
}

}  // namespace apipnr::model
