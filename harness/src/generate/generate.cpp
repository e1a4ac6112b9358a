// Plan (the day's events in send order) and rendering (message bytes + ground-truth canonical
// JSON) of the synthetic traffic generator. The EDIFACT and XML writers here are the
// harness's own, written from STANDARDS.md §2-§3 and the corpus (vectors/); the canonical
// JSON follows specs/canonical/README.md and vectors/README.md "Message-level cases", and
// the cross-check test compares it with the reference's extraction (tests/generate_crosscheck.py).
#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <system_error>

#include "apipnr/harness/digest.hpp"
#include "apipnr/harness/generate.hpp"
#include "model.hpp"

namespace apipnr::harness::generate {

using nlohmann::json;
using namespace detail;

struct plan::state {
  world w;
  std::int64_t base_day = 0;
};

namespace {

constexpr const char* recipient_api = "PIUTEST";
constexpr const char* recipient_pnr = "PIUPNR";

std::string pad(std::uint64_t v, std::size_t width) {
  std::string s = std::to_string(v);
  if (s.size() < width) s.insert(0, width - s.size(), '0');
  return s;
}

std::string dotted_amount(std::uint32_t whole) { return std::to_string(whole) + ".00"; }

// ---------------------------------------------------------------------------------------------
// EDIFACT envelope and multi-part packing (STANDARDS.md §2.5, §3.1): every part repeats the
// header segments and the trailer, is its own interchange, and carries UNH 0068 + S010.

struct envelope {
  std::string una, syntax, sender, recipient, application;
  std::string ung_type, ung_sender, ung_recipient, agency, version;
  std::string unh_type, car;
  std::int64_t prepared = 0;  // minutes since the epoch
};

struct unit {
  std::string text;  // segments, each ending with '
  std::size_t segments = 0;
};

struct packed {
  std::vector<std::string> parts;
  std::vector<std::string> refs;                // UNB 0020 per part
  std::vector<std::vector<std::size_t>> units;  // unit indices per part
};

void add(unit& u, std::string_view segment) {
  u.text += segment;
  u.text += '\'';
  ++u.segments;
}

packed pack(const envelope& e, std::uint64_t ref_base, const unit& header,
            const std::vector<unit>& body, const unit& trailer, std::size_t max_bytes) {
  // Overhead of the envelope segments around the message body, generously estimated.
  const std::size_t fixed =
      260 + e.una.size() + e.car.size() + header.text.size() + trailer.text.size();
  packed out;
  std::vector<std::size_t> current;
  std::size_t size = fixed;
  for (std::size_t i = 0; i < body.size(); ++i) {
    if (!current.empty() && size + body[i].text.size() > max_bytes) {
      out.units.push_back(std::move(current));
      current.clear();
      size = fixed;
    }
    current.push_back(i);
    size += body[i].text.size();
  }
  out.units.push_back(std::move(current));
  const std::size_t n = out.units.size();
  const std::string date = yymmdd(e.prepared / 1440) + ":" + hhmm(e.prepared);
  for (std::size_t k = 0; k < n; ++k) {
    const std::string ref = std::to_string(ref_base * 100 + k + 1);
    std::string s010 = pad(k + 1, 2);
    if (n == 1)
      s010 += ":F";
    else if (k == 0)
      s010 += ":C";
    else if (k + 1 == n)
      s010 += ":F";
    std::string m;
    m.reserve(max_bytes + 512);
    m += e.una;
    m += "UNB+" + e.syntax + "+" + e.sender + "+" + e.recipient + "+" + date + "+" + ref;
    if (!e.application.empty()) m += "++" + e.application;
    m += "'UNG+" + e.ung_type + "+" + e.ung_sender + "+" + e.ung_recipient + "+" + date + "+1+" +
         e.agency + "+" + e.version + "'";
    m += "UNH+1+" + e.unh_type + "+" + e.car + "+" + s010 + "'";
    std::size_t segments = 1 + header.segments + trailer.segments + 1;
    m += header.text;
    for (std::size_t i : out.units[k]) {
      m += body[i].text;
      segments += body[i].segments;
    }
    m += trailer.text;
    m += "UNT+" + std::to_string(segments) + "+1'UNE+1+1'UNZ+1+" + ref + "'";
    out.parts.push_back(std::move(m));
    out.refs.push_back(ref);
  }
  return out;
}

// UNB 0020 (times 100, plus the part) and XML EchoToken of logical message `index`: unique in
// a run, and with a three-digit prefix from the seed and date so that runs with other seeds or
// days do not repeat a receiver's (sender, control reference) pairs (duplicate detection).
std::uint64_t run_reference(const plan& pl, std::size_t index) {
  const std::uint64_t prefix = 100 + derive(pl.opts().seed, "reference/" + pl.opts().date) % 900;
  return prefix * 10000000 + index + 1;
}

json parts_json(std::size_t n) {
  json parts = json::array();
  for (std::size_t k = 0; k < n; ++k)
    parts.push_back({{"number", k + 1}, {"final", k + 1 == n}, {"message_reference", "1"}});
  return parts;
}

// ---------------------------------------------------------------------------------------------
// Flight views.

std::string flight_no(const sched_flight& f) { return std::to_string(f.number); }

std::int64_t leg_dep(const instance& in, const sched_flight& f, std::size_t leg) {
  return in.dep_abs + f.dep[leg];
}
std::int64_t leg_arr(const instance& in, const sched_flight& f, std::size_t leg) {
  return in.dep_abs + f.arr[leg];
}

std::string dtm201(std::int64_t minute) { return yymmdd(minute / 1440) + hhmm(minute); }

// PAXLST SG2/SG3 and canonical flight (STANDARDS.md §2.3 LOC/DTM; vectors README: legs pair
// 125 or the first 92 with the next 87, 92 or 130).
void paxlst_flight(const sched_flight& f, const instance& in, unit& header, json& flight) {
  add(header, "TDT+20+" + f.carrier + flight_no(f) + "+++" + f.carrier);
  json legs = json::array();
  for (std::size_t leg = 0; leg + 1 < f.ports.size(); ++leg) {
    const bool main_leg = leg == f.international_leg;
    const std::string qd = main_leg ? "125" : "92", qa = main_leg ? "87" : "92";
    const std::int64_t d = leg_dep(in, f, leg), a = leg_arr(in, f, leg);
    add(header, "LOC+" + qd + "+" + f.ports[leg]);
    add(header, "DTM+189:" + dtm201(d) + ":201");
    add(header, "LOC+" + qa + "+" + f.ports[leg + 1]);
    add(header, "DTM+232:" + dtm201(a) + ":201");
    legs.push_back(
        {{"sequence", leg + 1},
         {"departure", {{"port", f.ports[leg]}, {"scheduled", iso_minute(d)}, {"qualifier", qd}}},
         {"arrival",
          {{"port", f.ports[leg + 1]}, {"scheduled", iso_minute(a)}, {"qualifier", qa}}}});
  }
  flight = {{"carrier", f.carrier},
            {"number", flight_no(f)},
            {"journey_id", f.carrier + flight_no(f)},
            {"transport_stage", "20"},
            {"legs", std::move(legs)}};
}

std::string nad_name(const person& p) {
  std::string s = p.surname + ":" + p.given;
  if (!p.middle.empty()) s += ":" + p.middle;
  return s;
}

// One PAXLST SG4 traveller group and its canonical traveller.
unit paxlst_traveller(const person& p, const sched_flight& f, const std::string& locator, bool crew,
                      bool seat, json& t) {
  unit u;
  add(u, std::string("NAD+") + (crew ? "FM" : "FL") + "+++" + nad_name(p));
  add(u, std::string("ATT+2++") + p.gender);
  add(u, "DTM+329:" + yymmdd(p.dob));
  add(u, "LOC+178+" + f.ports.front());
  add(u, "LOC+179+" + f.ports.back());
  if (crew) add(u, "EMP+1+" + p.crew_function + ":110:111");
  add(u, "NAT+2+" + p.nationality);
  t = {{"role", crew ? "crew" : "passenger"},
       {"party_function", crew ? "FM" : "FL"},
       {"surname", p.surname},
       {"given_names", p.given},
       {"gender", std::string(1, p.gender)},
       {"date_of_birth", iso_date(p.dob)},
       {"embarkation", f.ports.front()},
       {"debarkation", f.ports.back()},
       {"nationality", p.nationality}};
  if (!p.middle.empty()) t["middle_names"] = p.middle;
  if (crew) t["crew_function"] = p.crew_function;
  if (!crew) {
    json refs = json::array();
    add(u, "RFF+AVF:" + locator);
    refs.push_back({{"qualifier", "AVF"}, {"value", locator}});
    add(u, "RFF+ABO:" + pad(p.ordinal + 1, 4));
    refs.push_back({{"qualifier", "ABO"}, {"value", pad(p.ordinal + 1, 4)}});
    if (seat && p.seated) {
      add(u, "RFF+SEA:" + seat_of(p.ordinal));
      refs.push_back({{"qualifier", "SEA"}, {"value", seat_of(p.ordinal)}});
      t["seat"] = seat_of(p.ordinal);
    }
    t["references"] = std::move(refs);
  }
  json docs = json::array();
  for (const document& d : p.docs) {
    add(u, "DOC+" + d.type + ":110:111+" + d.number);
    add(u, "DTM+36:" + yymmdd(d.expiry));
    add(u, "LOC+91+" + d.state);
    docs.push_back({{"type", d.type},
                    {"number", d.number},
                    {"expiry", iso_date(d.expiry)},
                    {"issuing_state", d.state},
                    {"source", "DOC"}});
  }
  t["documents"] = std::move(docs);
  return u;
}

struct paxlst_spec {
  bool crew = false, iapi = false;
  std::string car_suffix, tn_suffix;
  std::int64_t prepared = 0;
};

std::vector<message> render_paxlst(const plan& pl, const world& w, const instance& in,
                                   std::size_t index, const paxlst_spec& spec,
                                   const std::vector<std::pair<const person*, std::string>>& people,
                                   const std::string& id, const std::string& kind) {
  const sched_flight& f = w.schedule[in.sched];
  envelope e;
  e.una = "UNA:+.? '";
  e.syntax = "UNOA:4";
  e.sender = f.carrier + "API:ZZ";
  e.recipient = std::string(recipient_api) + ":ZZ";
  e.application = spec.iapi ? "IAPI" : "APIS";
  e.ung_type = "PAXLST";
  e.ung_sender = f.carrier + " AIRLINE";
  e.ung_recipient = recipient_api;
  e.agency = "UN";
  e.version = "D:05B";
  e.unh_type = "PAXLST:D:05B:UN:IATA";
  const std::int64_t dep = leg_dep(in, f, 0);
  e.car = f.carrier + flight_no(f) + "/" + yymmdd(dep / 1440) + "/" + hhmm(dep) + spec.car_suffix;
  e.prepared = spec.prepared;
  const std::string tn = f.carrier + flight_no(f) + yymmdd(dep / 1440) + spec.tn_suffix;

  unit header;
  add(header, spec.crew ? "BGM+250" : "BGM+745");
  add(header, "RFF+TN:" + tn + ":::1");
  add(header, "NAD+MS+++OPS CONTROL");
  add(header, "COM+0000 000000:TE");
  json flight;
  paxlst_flight(f, in, header, flight);
  std::vector<unit> body;
  json travellers = json::array();
  for (const auto& [p, locator] : people) {
    json t;
    body.push_back(paxlst_traveller(*p, f, locator, spec.crew, !spec.crew, t));
    travellers.push_back(std::move(t));
  }
  unit trailer;
  add(trailer, std::string(spec.crew ? "CNT+41:" : "CNT+42:") + std::to_string(people.size()));

  const packed pk =
      pack(e, run_reference(pl, index), header, body, trailer, pl.opts().max_part_bytes);
  json c = {{"canonical_version", "1.0"},
            {"message",
             {{"kind", spec.crew   ? "api_crew"
                       : spec.iapi ? "iapi_request"
                                   : "api"},
              {"syntax", "edifact"},
              {"type", "PAXLST"},
              {"version", "D:05B"},
              {"sender", f.carrier + "API"},
              {"recipient", recipient_api},
              {"interchange_reference", pk.refs.front()},
              {"message_reference", "1"},
              {"application_reference", e.application},
              {"prepared", iso_minute(spec.prepared)},
              {"common_access_reference", e.car},
              {"parts", parts_json(pk.parts.size())},
              {"document_code", spec.crew ? "250" : "745"},
              {"scenario", spec.crew ? "crew" : "initial"},
              {"transaction_reference", tn},
              {"transaction_revision", "1"}}},
            {"reporting_party",
             {{"name", "OPS CONTROL"},
              {"contacts", json::array({{{"type", "phone"}, {"value", "0000 000000"}}})}}},
            {"flight", std::move(flight)},
            {"totals", {{spec.crew ? "crew" : "passengers", people.size()}}}};
  if (!travellers.empty()) c["travellers"] = std::move(travellers);
  const std::string canonical = c.dump();
  std::vector<message> out;
  for (std::size_t k = 0; k < pk.parts.size(); ++k) {
    message m;
    m.id = pk.parts.size() == 1 ? id : id + "-p" + pad(k + 1, 2);
    m.kind = kind;
    m.flight = in.key;
    m.bytes = pk.parts[k];
    m.canonical = canonical;
    if (pk.parts.size() > 1) {
      m.set = id;
      m.part = static_cast<std::uint32_t>(k + 1);
      m.parts = static_cast<std::uint32_t>(pk.parts.size());
    }
    out.push_back(std::move(m));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// PNR content at one push (STANDARDS.md §3.2-§3.4).

struct pnr_state {
  std::size_t index = 0;
  bool cancelled = false;  // update push: cancellation record
  std::int64_t created = 0, last_modified = 0;
  bool docs = false, contact = false;
};

std::string docs_text(const person& p) {
  const document& d = p.docs.front();
  std::string g(1, p.gender);
  if (p.infant) g += 'I';
  std::string s = "/" + d.type + "/" + d.state + "/" + d.number + "/" + p.nationality + "/" +
                  ddmmmyy(p.dob) + "/" + g + "/" + ddmmmyy(d.expiry) + "/" + p.surname + "/" +
                  p.given;
  if (!p.middle.empty()) s += "/" + p.middle;
  return s;
}

std::string tif_given(const person& p) {
  std::string s = p.given;
  if (!p.middle.empty()) s += " " + p.middle;
  return s + p.title;
}

struct itinerary_leg {
  std::string carrier, number, op_carrier, op_number, from, to, equipment;
  std::int64_t dep = 0, arr = 0;
};

std::vector<itinerary_leg> itinerary_of(const world& w, const instance& in, const booking& b) {
  const sched_flight& f = w.schedule[in.sched];
  std::vector<itinerary_leg> legs;
  for (std::size_t leg = 0; leg + 1 < f.ports.size(); ++leg) {
    itinerary_leg l;
    if (b.codeshare) {
      l.carrier = f.codeshare_carrier;
      l.number = std::to_string(f.codeshare_number);
      l.op_carrier = f.carrier;
      l.op_number = flight_no(f);
    } else {
      l.carrier = f.carrier;
      l.number = flight_no(f);
    }
    l.from = f.ports[leg];
    l.to = f.ports[leg + 1];
    l.equipment = w.d->equipment[f.equipment].code;
    l.dep = leg_dep(in, f, leg);
    l.arr = leg_arr(in, f, leg);
    legs.push_back(std::move(l));
  }
  if (!b.onward_port.empty()) {
    itinerary_leg l;
    l.carrier = "YY";
    l.number = std::to_string(b.onward_number);
    l.from = f.ports.back();
    l.to = b.onward_port;
    l.equipment = "320";
    l.dep = legs.back().arr + 120;
    l.arr = l.dep + 95;
    legs.push_back(std::move(l));
  }
  return legs;
}

json leg_json(const itinerary_leg& l, std::size_t seq, char cls, std::size_t party) {
  json j = {{"sequence", seq},
            {"carrier", l.carrier},
            {"flight_number", l.number},
            {"booking_class", std::string(1, cls)},
            {"status", "HK"},
            {"party_size", party},
            {"equipment", l.equipment},
            {"departure", {{"port", l.from}, {"scheduled", iso_minute(l.dep)}}},
            {"arrival", {{"port", l.to}, {"scheduled", iso_minute(l.arr)}}}};
  if (!l.op_carrier.empty()) {
    j["operating_carrier"] = l.op_carrier;
    j["operating_flight_number"] = l.op_number;
  }
  return j;
}

json ticket_json(const person& p, const booking& b, const std::string& issue_date) {
  json t = {{"number", p.ticket},
            {"document_type", "T"},
            {"booklets", 1},
            {"total_fare", static_cast<double>(b.fare)},
            {"currency", "EUR"},
            {"payments", json::array({{{"type", "CC"},
                                       {"vendor", b.card_vendor},
                                       {"account_masked", "XXXXXXXXXXXX" + b.card_last4},
                                       {"expiry", b.card_expiry}}})}};
  if (!issue_date.empty()) t["issue_date"] = issue_date;
  return t;
}

std::string email_of(const booking& b) { return b.locator + "@EXAMPLE.INVALID"; }

// PNRGOV EDIFACT SG1 of one PNR and its canonical PNR.
unit pnr_edifact(const world& w, const instance& in, const booking& b, const pnr_state& st,
                 const std::string& home, json& j) {
  const sched_flight& f = w.schedule[in.sched];
  unit u;
  add(u, "SRC");
  if (st.cancelled) {
    add(u, "RCI+" + f.carrier + ":" + b.locator);
    add(u, "ORG");
    j = {{"record_locators", json::array({{{"company", f.carrier}, {"locator", b.locator}}})},
         {"cancelled", true},
         {"travellers", json::array()},
         {"sensitive_removed", 0}};
    return u;
  }
  add(u, "RCI+" + f.carrier + ":" + b.locator + "::" + ddmmyy(st.created / 1440) + ":" +
             hhmm(st.created));
  add(u, "DAT+700:" + ddmmyy(st.last_modified / 1440) + ":" + hhmm(st.last_modified));
  const char* type = b.agent % 5 < 2 ? "T" : "A";
  add(u, "ORG+" + f.carrier + ":" + home + "+" + std::to_string(b.agent) + "+++" + type);
  j = {{"record_locators", json::array({{{"company", f.carrier}, {"locator", b.locator}}})},
       {"created", iso_minute(st.created)},
       {"last_modified", iso_minute(st.last_modified)},
       {"originator",
        {{"company", f.carrier},
         {"location", home},
         {"agent_id", std::to_string(b.agent)},
         {"originator_type", type}}},
       {"sensitive_removed", 0}};
  json travellers = json::array();
  for (std::size_t k = 0; k < b.people.size(); ++k) {
    const person& p = b.people[k];
    const std::string ref = std::to_string(k + 1);
    add(u, "TIF+" + p.surname + "+" + tif_given(p) + ":" + (p.infant ? "IN" : "A") + ":" + ref);
    json t = {{"role", p.infant ? "infant" : "passenger"},
              {"surname", p.surname},
              {"given_names", tif_given(p)},
              {"passenger_type", p.infant ? "IN" : "A"},
              {"pnr_traveller_ref", ref}};
    json ssrs = json::array();
    if (st.docs) {
      const std::string text = docs_text(p);
      add(u, "SSR+DOCS:HK:1:" + f.carrier + ":::::" + text + "+::" + ref);
      const document& d = p.docs.front();
      t["documents"] = json::array({{{"type", d.type},
                                     {"number", d.number},
                                     {"issuing_state", d.state},
                                     {"nationality", p.nationality},
                                     {"expiry", iso_date(d.expiry)},
                                     {"source", "DOCS"}}});
      t["date_of_birth"] = iso_date(p.dob);
      t["gender"] = std::string(1, p.gender);
      if (p.infant) t["infant"] = true;
      ssrs.push_back({{"code", "DOCS"},
                      {"status", "HK"},
                      {"quantity", 1},
                      {"carrier", f.carrier},
                      {"text", text},
                      {"traveller_refs", json::array({ref})}});
    } else if (p.infant) {
      t["infant"] = true;
    }
    if (st.contact && k == 0) {
      const std::string text = "/" + b.locator + "//EXAMPLE.INVALID";
      add(u, "SSR+CTCE:HK:1:" + f.carrier + ":::::" + text + "+::" + ref);
      ssrs.push_back({{"code", "CTCE"},
                      {"status", "HK"},
                      {"quantity", 1},
                      {"carrier", f.carrier},
                      {"text", text},
                      {"traveller_refs", json::array({ref})}});
      t["contacts"] = json::array({{{"type", "email"}, {"value", email_of(b)}}});
    }
    if (!ssrs.empty()) t["ssrs"] = std::move(ssrs);
    if (!p.infant) {
      add(u, "TKT+" + p.ticket + ":T:1");
      add(u, "MON+T:" + dotted_amount(b.fare) + ":EUR");
      add(u, "FOP+CC:::" + b.card_vendor + ":XXXXXXXXXXXX" + b.card_last4 + ":" + b.card_expiry);
      t["tickets"] = json::array({ticket_json(p, b, "")});
    }
    travellers.push_back(std::move(t));
  }
  j["travellers"] = std::move(travellers);
  json itinerary = json::array();
  const auto legs = itinerary_of(w, in, b);
  for (std::size_t k = 0; k < legs.size(); ++k) {
    const itinerary_leg& l = legs[k];
    add(u, "TVL+" + ddmmyy(l.dep / 1440) + ":" + hhmm(l.dep) + ":" + ddmmyy(l.arr / 1440) + ":" +
               hhmm(l.arr) + "+" + l.from + "+" + l.to + "+" + l.carrier + "+" + l.number + ":" +
               b.booking_class);
    if (!l.op_carrier.empty())
      add(u, "TRA+" + l.op_carrier + "+" + l.op_number + ":" + b.booking_class);
    add(u, "RPI+" + std::to_string(b.people.size()) + "+HK");
    add(u, "APD+" + l.equipment);
    itinerary.push_back(leg_json(l, k + 1, b.booking_class, b.people.size()));
  }
  j["itinerary"] = std::move(itinerary);
  return u;
}

std::string xml_escape(std::string_view s) {
  std::string o;
  for (char c : s) {
    switch (c) {
      case '&':
        o += "&amp;";
        break;
      case '<':
        o += "&lt;";
        break;
      case '>':
        o += "&gt;";
        break;
      case '"':
        o += "&quot;";
        break;
      default:
        o += c;
    }
  }
  return o;
}

std::string xml_dt(std::int64_t minute) { return iso_minute(minute) + ":00"; }

// PNRGOV XML <PNR> of one PNR (STANDARDS.md §3.6, vectors/xml/pnrgov) and its canonical PNR.
void pnr_xml(const world& w, const instance& in, const booking& b, const pnr_state& st,
             std::string& x, json& j) {
  const sched_flight& f = w.schedule[in.sched];
  const std::string a = "\"";
  x += "    <PNR NumberOfPassengers=\"" + std::to_string(b.people.size()) +
       "\" PNR_CreationDate=\"" + xml_dt(st.created) + "\" PNR_TransDate=\"" +
       xml_dt(st.last_modified) + "\">\n";
  x += "      <BookingRefID ID=\"" + b.locator + "\">\n        <CompanyName Code=\"" + f.carrier +
       "\"/>\n      </BookingRefID>\n";
  j = {{"record_locators", json::array({{{"company", f.carrier}, {"locator", b.locator}}})},
       {"created", iso_minute(st.created)},
       {"last_modified", iso_minute(st.last_modified)},
       {"sensitive_removed", 0}};
  if (st.contact) {
    x += "      <ContactInfo>\n        <Email>" + xml_escape(email_of(b)) +
         "</Email>\n      </ContactInfo>\n";
    j["contacts"] = json::array({{{"type", "email"}, {"value", email_of(b)}}});
  }
  const bool has_infant = !b.people.empty() && b.people.back().infant;
  json travellers = json::array();
  for (std::size_t k = 0; k < b.people.size(); ++k) {
    const person& p = b.people[k];
    const std::string ref = std::to_string(k + 1);
    const bool with_infant = has_infant && k == 0;
    x += "      <Passenger RPH=\"" + ref + "\" PassengerTypeCode=\"" + (p.infant ? "IN" : "A") + a +
         (with_infant ? " AccompaniedByInfantInd=\"true\"" : "") + ">\n";
    x += "        <GivenName>" + xml_escape(tif_given(p)) + "</GivenName>\n        <Surname>" +
         xml_escape(p.surname) + "</Surname>\n";
    json t = {{"role", p.infant ? "infant" : "passenger"},
              {"surname", p.surname},
              {"given_names", tif_given(p)},
              {"passenger_type", p.infant ? "IN" : "A"},
              {"pnr_traveller_ref", ref}};
    if (with_infant) t["accompanied_by_infant"] = true;
    if (p.infant) t["infant"] = true;
    if (st.docs) {
      const document& d = p.docs.front();
      std::string g(1, p.gender);
      if (p.infant) g += 'I';
      x += "        <DOC_SSR SSRCode=\"DOCS\" Status=\"HK\" ServiceQuantity=\"1\" CarrierCode=\"" +
           f.carrier + "\">\n          <DOCS DocType=\"" + d.type + "\" DocIssueCountry=\"" +
           d.state + "\" DocID=\"" + d.number + "\" PaxNationality=\"" + p.nationality +
           "\" DateOfBirth=\"" + iso_date(p.dob) + "\" Gender=\"" + g + "\" DocExpireDate=\"" +
           iso_date(d.expiry) + "\" Surname=\"" + xml_escape(p.surname) + "\" FirstGivenName=\"" +
           xml_escape(p.given) + a +
           (p.middle.empty() ? "" : " SecondGivenName=\"" + xml_escape(p.middle) + a) +
           "/>\n        </DOC_SSR>\n";
      t["documents"] = json::array({{{"type", d.type},
                                     {"number", d.number},
                                     {"issuing_state", d.state},
                                     {"nationality", p.nationality},
                                     {"expiry", iso_date(d.expiry)},
                                     {"source", "DOCS"}}});
      t["date_of_birth"] = iso_date(p.dob);
      t["gender"] = std::string(1, p.gender);
      t["ssrs"] = json::array({{{"code", "DOCS"},
                                {"status", "HK"},
                                {"quantity", 1},
                                {"carrier", f.carrier},
                                {"text", docs_text(p)},
                                {"traveller_refs", json::array({ref})}}});
    }
    if (!p.infant) {
      const std::string issued = iso_date(st.created / 1440);
      x += "        <TicketDocument TicketDocumentNbr=\"" + p.ticket +
           "\" Type=\"T\" NumberOfBooklets=\"1\" DateOfIssue=\"" + issued +
           "\">\n          <TotalFare Amount=\"" + dotted_amount(b.fare) +
           "\" CurrencyCode=\"EUR\"/>\n          <PaymentInfo PaymentType=\"CC\" VendorCode=\"" +
           b.card_vendor + "\" AccountNbr=\"XXXXXXXXXXXX" + b.card_last4 + "\" ExpiryDate=\"" +
           b.card_expiry + "\"/>\n        </TicketDocument>\n";
      t["tickets"] = json::array({ticket_json(p, b, issued)});
    }
    x += "      </Passenger>\n";
    travellers.push_back(std::move(t));
  }
  j["travellers"] = std::move(travellers);
  json itinerary = json::array();
  const auto legs = itinerary_of(w, in, b);
  for (std::size_t k = 0; k < legs.size(); ++k) {
    const itinerary_leg& l = legs[k];
    x += "      <Flight FlightNumber=\"" + l.number + "\" ResBookDesigCode=\"" +
         std::string(1, b.booking_class) + "\" Status=\"HK\" NumberInParty=\"" +
         std::to_string(b.people.size()) + "\" DepartureDateTime=\"" + xml_dt(l.dep) +
         "\" ArrivalDateTime=\"" + xml_dt(l.arr) +
         "\">\n        <DepartureAirport LocationCode=\"" + l.from +
         "\"/>\n        <ArrivalAirport LocationCode=\"" + l.to +
         "\"/>\n        <Equipment AirEquipType=\"" + l.equipment +
         "\"/>\n        <MarketingAirline Code=\"" + l.carrier + "\"/>\n";
    if (!l.op_carrier.empty())
      x += "        <OperatingAirline Code=\"" + l.op_carrier + "\" FlightNumber=\"" + l.op_number +
           "\"/>\n";
    x += "      </Flight>\n";
    itinerary.push_back(leg_json(l, k + 1, b.booking_class, b.people.size()));
  }
  j["itinerary"] = std::move(itinerary);
  x += "    </PNR>\n";
}

std::vector<message> render_push(const plan& pl, const world& w, const instance& in,
                                 std::size_t index, std::uint32_t push, const std::string& id) {
  const sched_flight& f = w.schedule[in.sched];
  const std::int64_t at = push_offsets[push];
  const bool update = pl.opts().pnr_push == push_mode::update && push > 0;
  const std::int64_t previous = push > 0 ? push_offsets[push - 1] : 0;
  const skeleton sk = build_skeleton(w, in);
  std::vector<std::pair<pnr_state, booking>> pnrs;
  for (std::size_t i = 0; i < sk.bookings.size(); ++i) {
    const booking_head& h = sk.bookings[i];
    if (h.booked > at) continue;
    const bool cancelled_now = h.cancelled <= at;
    pnr_state st;
    st.index = i;
    st.created = in.dep_abs + h.booked;
    st.docs = h.docs <= at;
    st.contact = h.modified <= at;
    std::int64_t last = h.booked;
    if (st.docs) last = std::max(last, h.docs);
    if (st.contact) last = std::max(last, h.modified);
    st.last_modified = in.dep_abs + last;
    if (update) {
      if (cancelled_now) {
        // Sent once, at the first push after the cancellation, if the PNR was pushed before;
        // XML has no cancellation record: the PNR is simply no longer sent.
        if (f.xml || h.cancelled <= previous || h.booked > previous) continue;
        st.cancelled = true;
      } else {
        const bool changed = h.booked > previous || (st.docs && h.docs > previous) ||
                             (st.contact && h.modified > previous);
        if (!changed) continue;
      }
    } else if (cancelled_now) {
      continue;  // a full push omits cancelled PNRs
    }
    pnrs.emplace_back(st, build_booking(w, in, h, i));
  }
  const std::size_t leg = f.international_leg;
  const std::string& home = f.inbound ? f.ports.back() : f.ports.front();
  const std::string& dep_port = f.ports[leg];
  const std::int64_t d = leg_dep(in, f, leg), a = leg_arr(in, f, leg);
  const std::int64_t prepared = in.dep_abs + at;
  json flight = {
      {"carrier", f.carrier},
      {"number", flight_no(f)},
      {"legs",
       json::array({{{"sequence", 1},
                     {"departure", {{"port", dep_port}, {"scheduled", iso_minute(d)}}},
                     {"arrival", {{"port", f.ports[leg + 1]}, {"scheduled", iso_minute(a)}}}}})}};
  std::vector<message> out;
  if (f.xml) {
    std::string x;
    x.reserve(pnrs.size() * 2048 + 1024);
    const std::string echo = std::to_string(run_reference(pl, index));
    x += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<IATA_PNRGOV_NotifRQ "
         "xmlns=\"http://www.iata.org/IATA/2007/00\" Version=\"13.1\" TimeStamp=\"" +
         xml_dt(prepared) + "\" EchoToken=\"" + echo + "\">\n";
    x += "  <Originator AirlineCode=\"" + f.carrier + "\" SystemCode=\"" + f.carrier + "RES\"/>\n";
    x += "  <FlightLeg CarrierCode=\"" + f.carrier + "\" FlightNumber=\"" + flight_no(f) +
         "\" DepartureDateTime=\"" + xml_dt(d) + "\" ArrivalDateTime=\"" + xml_dt(a) +
         "\" DateChangeNbr=\"0\">\n    <DepartureAirport LocationCode=\"" + dep_port +
         "\"/>\n    <ArrivalAirport LocationCode=\"" + f.ports[leg + 1] + "\"/>\n  </FlightLeg>\n";
    x += "  <PNRs NumberOfPnrs=\"" + std::to_string(pnrs.size()) + "\">\n";
    json list = json::array();
    for (const auto& [st, b] : pnrs) {
      json j;
      pnr_xml(w, in, b, st, x, j);
      list.push_back(std::move(j));
    }
    x += "  </PNRs>\n</IATA_PNRGOV_NotifRQ>\n";
    json c = {
        {"canonical_version", "1.0"},
        {"message",
         {{"kind", "pnr_push"},
          {"syntax", "xml"},
          {"type", "IATA_PNRGOV_NotifRQ"},
          {"version", "13.1"},
          {"prepared", iso_minute(prepared)},
          {"message_reference", echo}}},
        {"pnr_push", {{"originator", {{"company", f.carrier}, {"system", f.carrier + "RES"}}}}},
        {"flight", std::move(flight)},
        {"totals", {{"pnrs", pnrs.size()}}}};
    if (!list.empty()) c["pnrs"] = std::move(list);
    message m;
    m.id = id;
    m.kind = "pnr_xml";
    m.flight = in.key;
    m.bytes = std::move(x);
    m.canonical = c.dump();
    out.push_back(std::move(m));
    return out;
  }
  envelope e;
  e.una = "UNA:+.?*'";
  e.syntax = "IATA:1";
  e.sender = f.carrier;
  e.recipient = recipient_pnr;
  e.ung_type = "PNRGOV";
  e.ung_sender = f.carrier;
  e.ung_recipient = recipient_pnr;
  e.agency = "IA";
  e.version = "13:1";
  e.unh_type = "PNRGOV:13:1:IA";
  e.car =
      f.carrier + flight_no(f) + "/" + ddmmyy(d / 1440) + "/" + hhmm(d) + "/" + push_labels[push];
  e.prepared = prepared;
  unit header;
  add(header, update ? "MSG+:141" : "MSG+:22");
  add(header, "ORG+" + f.carrier + ":" + dep_port);
  add(header, "TVL+" + ddmmyy(d / 1440) + ":" + hhmm(d) + ":" + ddmmyy(a / 1440) + ":" + hhmm(a) +
                  "+" + dep_port + "+" + f.ports[leg + 1] + "+" + f.carrier + "+" + flight_no(f));
  add(header, "EQN+" + std::to_string(pnrs.size()));
  std::vector<unit> body;
  json list = json::array();
  for (const auto& [st, b] : pnrs) {
    json j;
    body.push_back(pnr_edifact(w, in, b, st, home, j));
    list.push_back(std::move(j));
  }
  const packed pk =
      pack(e, run_reference(pl, index), header, body, unit{}, pl.opts().max_part_bytes);
  json c = {{"canonical_version", "1.0"},
            {"message",
             {{"kind", "pnr_push"},
              {"syntax", "edifact"},
              {"type", "PNRGOV"},
              {"version", "13:1"},
              {"sender", f.carrier},
              {"recipient", recipient_pnr},
              {"interchange_reference", pk.refs.front()},
              {"message_reference", "1"},
              {"prepared", iso_minute(prepared)},
              {"common_access_reference", e.car},
              {"parts", parts_json(pk.parts.size())},
              {"document_code", update ? "141" : "22"},
              {"scenario", update ? "update_push" : "full_push"}}},
            {"pnr_push",
             {{"function", update ? "update" : "full"},
              {"originator", {{"company", f.carrier}, {"location", dep_port}}}}},
            {"flight", std::move(flight)},
            {"totals", {{"pnrs", pnrs.size()}}}};
  if (!list.empty()) c["pnrs"] = std::move(list);
  const std::string canonical = c.dump();
  for (std::size_t k = 0; k < pk.parts.size(); ++k) {
    message m;
    m.id = pk.parts.size() == 1 ? id : id + "-p" + pad(k + 1, 2);
    m.kind = "pnr_edifact";
    m.flight = in.key;
    m.bytes = pk.parts[k];
    m.canonical = canonical;
    if (pk.parts.size() > 1) {
      m.set = id;
      m.part = static_cast<std::uint32_t>(k + 1);
      m.parts = static_cast<std::uint32_t>(pk.parts.size());
    }
    out.push_back(std::move(m));
  }
  return out;
}

std::string error_id(int n) { return "[apipnr.generate.00" + std::to_string(n) + "] "; }

}  // namespace

// ---------------------------------------------------------------------------------------------

bool make_plan(const options& o, plan& out, std::string& error) {
  const data& d = get_data();
  const day_profile* profile = nullptr;
  for (const auto& p : d.profiles)
    if (p.name == o.profile) profile = &p;
  std::string names;
  for (const auto& p : d.profiles) names += (names.empty() ? "" : ", ") + p.name;
  if (!profile) {
    error = error_id(1) + "unknown day profile \"" + o.profile + "\" (known: " + names + ")";
    return false;
  }
  std::int64_t base = 0;
  if (!parse_iso_date(o.date, base)) {
    error = error_id(2) + "date \"" + o.date + "\" is not a calendar date YYYY-MM-DD (1971-2090)";
    return false;
  }
  if (o.run_seconds == 0 || o.run_seconds > 7 * 86400) {
    error = error_id(3) + "run seconds must be 1 to 604800";
    return false;
  }
  if (o.max_part_bytes < 4096) {
    error = error_id(4) + "max part bytes must be at least 4096";
    return false;
  }
  if (o.pnr_xml_per_mille > 1000) {
    error = error_id(5) + "PNR XML share must be 0 to 1000 per mille";
    return false;
  }
  if (o.flights > 4800) {
    error = error_id(6) + "at most 4800 flights a day (flight numbers 100-4899)";
    return false;
  }
  auto st = std::make_shared<plan::state>();
  st->base_day = base;
  world& w = st->w;
  w.d = &d;
  w.profile = profile;
  build_schedule(o, w);

  std::vector<planned> events;
  const std::int64_t day_ms = 86400;
  auto at_ms = [&](std::int64_t clock_min, std::uint64_t jitter_seed) {
    std::uint64_t x = jitter_seed;
    const auto jitter = static_cast<std::int64_t>(splitmix64(x) % 60);
    const std::int64_t second = clock_min * 60 + jitter;
    return second * static_cast<std::int64_t>(o.run_seconds) * 1000 / day_ms;
  };
  for (std::uint32_t s = 0; s < w.schedule.size(); ++s) {
    const sched_flight& f = w.schedule[s];
    for (std::int64_t day = 0; day <= 3; ++day) {
      instance in;
      in.sched = s;
      in.day = base + day;
      in.dep_abs = in.day * 1440 + f.tod;
      in.key = f.carrier + flight_no(f) + "/" + iso_date(in.day);
      in.seed = derive(o.seed, in.key);
      const auto index = static_cast<std::uint32_t>(w.instances.size());
      std::size_t added = 0;
      auto event = [&](std::int64_t offset, std::uint32_t kind, std::uint32_t arg) {
        const std::int64_t clock = day * 1440 + f.tod + offset;
        if (clock < 0 || clock >= 1440) return;
        events.push_back({at_ms(clock, derive(in.seed, kind * 100000ULL + arg)), index, kind, arg});
        ++added;
      };
      if (o.pnr)
        for (std::uint32_t p = 0; p < 5; ++p) event(push_offsets[p], ev_pnr, p);
      if (o.crew) event(crew_offset, ev_crew, 0);
      if (o.paxlst) event(paxlst_offset, ev_paxlst, 0);
      if (o.iapi) {
        const std::int64_t lo = -(day * 1440 + f.tod), hi = lo + 1439;
        if (hi >= -1440 && lo <= 0) {
          const skeleton sk = build_skeleton(w, in);
          for (std::uint32_t b = 0; b < sk.bookings.size(); ++b) {
            const booking_head& h = sk.bookings[b];
            if (h.cancelled != not_set) continue;  // cancelled before check-in
            event(h.checkin, ev_iapi, b);
          }
        }
      }
      if (added > 0) w.instances.push_back(std::move(in));
    }
  }
  std::stable_sort(events.begin(), events.end(), [&](const planned& x, const planned& y) {
    if (x.at_ms != y.at_ms) return x.at_ms < y.at_ms;
    if (x.flight != y.flight) return x.flight < y.flight;
    if (x.kind != y.kind) return x.kind < y.kind;
    return x.arg < y.arg;
  });
  out.opts_ = o;
  out.state_ = std::move(st);
  out.events_ = std::move(events);
  return true;
}

std::vector<message> plan::render(std::size_t i) const {
  std::vector<message> out = render_event(i);
  for (message& m : out) m.at_ms = events_[i].at_ms;
  return out;
}

std::vector<message> plan::render_event(std::size_t i) const {
  const planned& e = events_.at(i);
  const world& w = state_->w;
  const instance& in = w.instances[e.flight];
  const sched_flight& f = w.schedule[in.sched];
  const std::string stem = pad(i, 7) + "-";
  const std::string flight = "-" + f.carrier + flight_no(f) + "-" + compact_date(in.day);
  if (e.kind == ev_pnr) {
    return render_push(
        *this, w, in, i, e.arg,
        stem + (f.xml ? "pnr_xml" : "pnr_edifact") + flight + "-T" + push_labels[e.arg]);
  }
  if (e.kind == ev_crew) {
    const std::vector<person> crew = build_crew(w, in);
    std::vector<std::pair<const person*, std::string>> people;
    for (const person& p : crew) people.emplace_back(&p, std::string());
    paxlst_spec spec;
    spec.crew = true;
    spec.car_suffix = "/C";
    spec.tn_suffix = "C";
    spec.prepared = in.dep_abs + crew_offset;
    return render_paxlst(*this, w, in, i, spec, people, stem + "paxlst" + flight + "-crew",
                         "paxlst");
  }
  const skeleton sk = build_skeleton(w, in);
  if (e.kind == ev_paxlst) {
    std::vector<booking> bookings;
    bookings.reserve(sk.bookings.size());
    for (std::size_t b = 0; b < sk.bookings.size(); ++b) {
      if (sk.bookings[b].cancelled != not_set) continue;
      bookings.push_back(build_booking(w, in, sk.bookings[b], b));
    }
    std::vector<std::pair<const person*, std::string>> people;
    for (const booking& b : bookings)
      for (const person& p : b.people) people.emplace_back(&p, b.locator);
    paxlst_spec spec;
    spec.car_suffix = "/P";
    spec.tn_suffix = "P";
    spec.prepared = in.dep_abs + paxlst_offset;
    return render_paxlst(*this, w, in, i, spec, people, stem + "paxlst" + flight + "-pax",
                         "paxlst");
  }
  const booking_head& h = sk.bookings.at(e.arg);
  const booking b = build_booking(w, in, h, e.arg);
  std::vector<std::pair<const person*, std::string>> people;
  for (const person& p : b.people) people.emplace_back(&p, b.locator);
  paxlst_spec spec;
  spec.iapi = true;
  spec.car_suffix = "/I" + pad(e.arg, 4);
  spec.tn_suffix = "I" + pad(e.arg, 4);
  spec.prepared = in.dep_abs + h.checkin;
  return render_paxlst(*this, w, in, i, spec, people, stem + "iapi" + flight + "-b" + pad(e.arg, 4),
                       "iapi");
}

std::string manifest_line(const message& m, std::string_view file,
                          std::string_view canonical_file) {
  json j = {{"id", m.id},
            {"kind", m.kind},
            {"file", file},
            {"canonical", canonical_file},
            {"at_ms", m.at_ms},
            {"flight", m.flight},
            {"bytes", m.bytes.size()},
            {"sha256", sha256_hex(m.bytes)}};
  if (!m.set.empty()) {
    j["set"] = m.set;
    j["part"] = m.part;
    j["parts"] = m.parts;
  }
  return j.dump();
}

namespace {

std::string file_of(const message& m) {
  return "messages/" + m.id + (m.kind == "pnr_xml" ? ".xml" : ".edi");
}
std::string canonical_of(const message& m) {
  return "canonical/" + (m.set.empty() ? m.id : m.set) + ".json";
}

void count(totals& t, const message& m) {
  ++t.messages;
  t.bytes += m.bytes.size();
  if (m.kind == "paxlst") {
    ++t.paxlst;
    t.paxlst_bytes += m.bytes.size();
  } else if (m.kind == "iapi") {
    ++t.iapi;
    t.iapi_bytes += m.bytes.size();
  } else if (m.kind == "pnr_edifact") {
    ++t.pnr_edifact;
    t.pnr_edifact_bytes += m.bytes.size();
  } else {
    ++t.pnr_xml;
    t.pnr_xml_bytes += m.bytes.size();
  }
}

bool write_file(const std::filesystem::path& p, std::string_view bytes, std::string& error) {
  std::ofstream f(p, std::ios::binary | std::ios::trunc);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  f.close();
  if (!f) {
    error = error_id(8) + "cannot write " + p.string();
    return false;
  }
  return true;
}

}  // namespace

std::string manifest_digest(const plan& p) {
  std::string all;
  for (std::size_t i = 0; i < p.events().size(); ++i) {
    for (message& m : p.render(i)) {
      m.at_ms = p.events()[i].at_ms;
      all += manifest_line(m, file_of(m), canonical_of(m));
      all += '\n';
      all += sha256_hex(m.canonical);
      all += '\n';
    }
  }
  return sha256_hex(all);
}

bool write_run(const plan& p, const std::filesystem::path& dir, totals& t, std::string& error) {
  std::error_code ec;
  if (std::filesystem::exists(dir, ec) && !std::filesystem::is_empty(dir, ec)) {
    error = error_id(7) + "output folder " + dir.string() + " exists and is not empty";
    return false;
  }
  std::filesystem::create_directories(dir / "messages", ec);
  if (!ec) std::filesystem::create_directories(dir / "canonical", ec);
  if (ec) {
    error = error_id(8) + "cannot create " + dir.string() + ": " + ec.message();
    return false;
  }
  std::ofstream manifest(dir / "manifest.jsonl", std::ios::binary | std::ios::trunc);
  t = {};
  for (std::size_t i = 0; i < p.events().size(); ++i) {
    std::vector<message> parts = p.render(i);
    for (message& m : parts) {
      m.at_ms = p.events()[i].at_ms;
      const std::string file = file_of(m), canonical = canonical_of(m);
      if (!write_file(dir / file, m.bytes, error)) return false;
      if (m.part == 1 && !write_file(dir / canonical, m.canonical + "\n", error)) return false;
      manifest << manifest_line(m, file, canonical) << '\n';
      count(t, m);
    }
  }
  manifest.close();
  if (!manifest) {
    error = error_id(8) + "cannot write " + (dir / "manifest.jsonl").string();
    return false;
  }
  return write_file(dir / "generator.json", generator_json(p.opts(), t) + "\n", error);
}

std::string generator_json(const options& o, const totals& t) {
  json j = {
      {"generator", "apipnr-harness generate"},
      {"generator_version", generator_version},
      {"seed", o.seed},
      {"options",
       {{"profile", o.profile},
        {"flights", o.flights},
        {"run_seconds", o.run_seconds},
        {"date", o.date},
        {"max_part_bytes", o.max_part_bytes},
        {"pnr_xml_per_mille", o.pnr_xml_per_mille},
        {"pnr_push", o.pnr_push == push_mode::full ? "full" : "update"},
        {"kinds", {{"paxlst", o.paxlst}, {"crew", o.crew}, {"iapi", o.iapi}, {"pnr", o.pnr}}}}},
      {"counts",
       {{"messages", t.messages},
        {"paxlst", t.paxlst},
        {"iapi", t.iapi},
        {"pnr_edifact", t.pnr_edifact},
        {"pnr_xml", t.pnr_xml}}},
      {"bytes",
       {{"total", t.bytes},
        {"paxlst", t.paxlst_bytes},
        {"iapi", t.iapi_bytes},
        {"pnr_edifact", t.pnr_edifact_bytes},
        {"pnr_xml", t.pnr_xml_bytes}}}};
  return j.dump(2);
}

}  // namespace apipnr::harness::generate
