#include "apipnr/xml/pnrgov.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace apipnr::xml {
namespace {

using boost::system::error_code;
using model::opt_string;

std::string_view local_name(std::string_view qname) noexcept {
  const std::size_t colon = qname.rfind(':');
  return colon == std::string_view::npos ? qname : qname.substr(colon + 1);
}

std::string_view prefix_of(std::string_view qname) noexcept {
  const std::size_t colon = qname.find(':');
  return colon == std::string_view::npos ? std::string_view{} : qname.substr(0, colon);
}

// Namespace URI of an element: the nearest in-scope xmlns / xmlns:prefix declaration. pugixml
// does not resolve namespaces, and the few lookups per element are bounded by the depth limit.
std::string_view namespace_of(pugi::xml_node n) {
  const std::string_view prefix = prefix_of(n.name());
  const std::string key = prefix.empty() ? "xmlns" : "xmlns:" + std::string(prefix);
  for (pugi::xml_node e = n; e && e.type() == pugi::node_element; e = e.parent()) {
    if (pugi::xml_attribute a = e.attribute(key.c_str())) return a.value();
  }
  return {};
}

bool is_digits(std::string_view s) noexcept {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

unsigned to_uint(std::string_view s) noexcept {
  unsigned v = 0;
  for (char c : s) v = v * 10 + static_cast<unsigned>(c - '0');
  return v;
}

bool valid_date(unsigned y, unsigned m, unsigned d) noexcept {
  static constexpr unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1) return false;
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= (m == 2 && leap ? 29u : days[m - 1]);
}

// xs:date without offset: YYYY-MM-DD.
std::optional<std::string> iso_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  const std::string_view y = s.substr(0, 4), m = s.substr(5, 2), d = s.substr(8, 2);
  if (!is_digits(y) || !is_digits(m) || !is_digits(d)) return std::nullopt;
  if (!valid_date(to_uint(y), to_uint(m), to_uint(d))) return std::nullopt;
  return std::string(s);
}

// xs:dateTime without offset, to the canonical local form YYYY-MM-DDTHH:MM; a bare date stays a
// date (the canonical local_datetime allows it). Seconds and fractions are dropped: the
// canonical form has minute precision, as PNRGOV EDIFACT does.
std::optional<std::string> iso_local_date_time(std::string_view s) {
  if (s.size() == 10) return iso_date(s);
  if (s.size() < 16 || s[10] != 'T' || s[13] != ':') return std::nullopt;
  auto date = iso_date(s.substr(0, 10));
  const std::string_view hh = s.substr(11, 2), mm = s.substr(14, 2);
  if (!date || !is_digits(hh) || !is_digits(mm) || to_uint(hh) > 23 || to_uint(mm) > 59) {
    return std::nullopt;
  }
  std::string_view rest = s.substr(16);
  if (!rest.empty()) {
    if (rest.size() < 3 || rest[0] != ':' || !is_digits(rest.substr(1, 2)) ||
        to_uint(rest.substr(1, 2)) > 59) {
      return std::nullopt;
    }
    rest.remove_prefix(3);
    if (!rest.empty() && (rest[0] != '.' || !is_digits(rest.substr(1)))) return std::nullopt;
  }
  return *date + "T" + std::string(hh) + ":" + std::string(mm);
}

std::optional<std::uint32_t> parse_count(std::string_view s) {
  std::uint32_t v = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc{} || r.ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<double> parse_amount(std::string_view s) {
  double v = 0;
  if (s.empty() || s[0] == '+' || s[0] == '-') return std::nullopt;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v, std::chars_format::fixed);
  if (r.ec != std::errc{} || r.ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<bool> parse_flag(std::string_view s) {
  if (s == "true" || s == "1") return true;
  if (s == "false" || s == "0") return false;
  return std::nullopt;
}

// AIRIMP date (DDMMMYY) of an ISO date, for the SSR text rebuilt from DOC_SSR.
std::string airimp_date(std::string_view iso) {
  static constexpr const char* months[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                           "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
  const unsigned m = to_uint(iso.substr(5, 2));
  return std::string(iso.substr(8, 2)) + months[m - 1] + std::string(iso.substr(2, 2));
}

// "/a/b/c" with trailing empty fields removed: the AIRIMP free-text layout of DOCS/DOCA/DOCO.
std::string airimp_text(const std::vector<std::string>& fields) {
  std::size_t n = fields.size();
  while (n > 0 && fields[n - 1].empty()) --n;
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += "/" + fields[i];
  return out;
}

// Card number masking (DP-MASK-004, canonical `account_masked`): all but the last four
// characters become X. Spaces and dashes are layout, not data, and are removed first.
struct masked_card {
  std::string value;
  bool was_clear = false;  // 12 or more digits and nothing masked: a full PAN arrived
};

masked_card mask_card(std::string_view raw) {
  std::string compact;
  for (char c : raw) {
    if (c == ' ' || c == '-') continue;
    compact += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  }
  masked_card m;
  m.was_clear = compact.size() >= 12 && is_digits(compact);
  const std::size_t keep = compact.size() < 4 ? compact.size() : 4;
  m.value.assign(compact.size() - keep, 'X');
  m.value += compact.substr(compact.size() - keep);
  return m;
}

class mapper {
 public:
  mapper(const document& doc, diagnostic_sink& sink) : doc_(doc), sink_(sink) {}

  error_code run(model::canonical_message& out);

 private:
  // -- reading, with bookkeeping of what was consumed --------------------------------------
  std::vector<pugi::xml_node> children(pugi::xml_node parent, std::string_view name) {
    std::vector<pugi::xml_node> out;
    for (pugi::xml_node c = parent.first_child(); c; c = c.next_sibling()) {
      if (c.type() != pugi::node_element || local_name(c.name()) != name) continue;
      if (namespace_of(c) != ns_) continue;
      used_.push_back(c.internal_object());
      out.push_back(c);
    }
    return out;
  }
  pugi::xml_node child(pugi::xml_node parent, std::string_view name) {
    for (pugi::xml_node c = parent.first_child(); c; c = c.next_sibling()) {
      if (c.type() != pugi::node_element || local_name(c.name()) != name) continue;
      if (namespace_of(c) != ns_) continue;
      used_.push_back(c.internal_object());
      return c;
    }
    return {};
  }
  // An attribute value; an empty value counts as absent ("absent means absent").
  opt_string attr(pugi::xml_node n, const char* name) {
    pugi::xml_attribute a = n.attribute(name);
    if (!a) return std::nullopt;
    used_.push_back(a.internal_object());
    if (*a.value() == '\0') return std::nullopt;
    return std::string(a.value());
  }
  opt_string text(pugi::xml_node n) {
    if (!n) return std::nullopt;
    text_used_.push_back(n.internal_object());
    std::string_view t = n.child_value();
    while (!t.empty() &&
           (t.front() == ' ' || t.front() == '\n' || t.front() == '\r' || t.front() == '\t')) {
      t.remove_prefix(1);
    }
    while (!t.empty() &&
           (t.back() == ' ' || t.back() == '\n' || t.back() == '\r' || t.back() == '\t')) {
      t.remove_suffix(1);
    }
    if (t.empty()) return std::nullopt;
    return std::string(t);
  }
  // The element path, root first ("/PNRGOV/.../Name"). Names are collected leaf first and joined
  // once, instead of prepending to a string per level.
  std::string path(pugi::xml_node n) const {
    std::vector<std::string_view> names;
    for (; n && n.type() == pugi::node_element; n = n.parent()) {
      names.push_back(local_name(n.name()));
    }
    std::string p;
    for (auto it = names.rbegin(); it != names.rend(); ++it) {
      p += '/';
      p += *it;
    }
    return p;
  }
  void finding(errc code, pugi::xml_node at, std::string_view detail) {
    const std::size_t offset = doc_.offset_of(at);
    report(sink_, code, offset, where(offset), detail);
  }
  // Line and column from an index of line starts built on the first finding: a document with
  // many findings is scanned once, not once per finding.
  line_column where(std::size_t offset) {
    const std::string_view src = doc_.source();
    if (line_starts_.empty()) {
      line_starts_.push_back(0);
      for (std::size_t i = src.find('\n'); i != std::string_view::npos; i = src.find('\n', i + 1)) {
        line_starts_.push_back(i + 1);
      }
    }
    if (offset > src.size()) offset = src.size();
    const auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
    const std::size_t line = static_cast<std::size_t>(it - line_starts_.begin());
    return {static_cast<std::uint32_t>(line),
            static_cast<std::uint32_t>(offset - line_starts_[line - 1] + 1)};
  }

  // Typed attribute readers: an unusable value is reported (XML-VALUE) and not stored.
  opt_string date_time_attr(pugi::xml_node n, const char* name) {
    opt_string raw = attr(n, name);
    if (!raw) return std::nullopt;
    if (auto v = iso_local_date_time(*raw)) return v;
    bad_value(n, name, "an ISO date-time without offset (YYYY-MM-DDTHH:MM[:SS])");
    return std::nullopt;
  }
  opt_string date_attr(pugi::xml_node n, const char* name) {
    opt_string raw = attr(n, name);
    if (!raw) return std::nullopt;
    if (auto v = iso_date(*raw)) return v;
    bad_value(n, name, "an ISO date (YYYY-MM-DD)");
    return std::nullopt;
  }
  std::optional<std::uint32_t> count_attr(pugi::xml_node n, const char* name) {
    opt_string raw = attr(n, name);
    if (!raw) return std::nullopt;
    if (auto v = parse_count(*raw)) return v;
    bad_value(n, name, "a non-negative integer");
    return std::nullopt;
  }
  std::optional<double> amount_attr(pugi::xml_node n, const char* name) {
    opt_string raw = attr(n, name);
    if (!raw) return std::nullopt;
    if (auto v = parse_amount(*raw)) return v;
    bad_value(n, name, "a decimal amount");
    return std::nullopt;
  }
  std::optional<bool> flag_attr(pugi::xml_node n, const char* name) {
    opt_string raw = attr(n, name);
    if (!raw) return std::nullopt;
    if (auto v = parse_flag(*raw)) return v;
    bad_value(n, name, "true, false, 1 or 0");
    return std::nullopt;
  }
  void bad_value(pugi::xml_node n, const char* name, std::string_view expected) {
    // The value itself is not quoted: it may be personal data (DP-LOG-003).
    finding(errc::invalid_value, n, path(n) + "/@" + name + " is not " + std::string(expected));
  }

  // -- the mapping, one function per element -------------------------------------------------
  void map_root(pugi::xml_node root, model::canonical_message& out);
  void map_flight_leg(pugi::xml_node root, model::canonical_message& out);
  void map_pnr(pugi::xml_node n, model::pnr& p);
  void map_contact_info(pugi::xml_node n, std::vector<model::contact>& contacts,
                        std::vector<model::address>& addresses);
  model::ssr map_ssr(pugi::xml_node n, const opt_string& traveller_ref);
  void map_passenger(pugi::xml_node n, model::traveller& t);
  void map_ticket(pugi::xml_node n, model::ticket& k);
  void map_doc_ssr(pugi::xml_node n, model::traveller& t);
  void map_flight(pugi::xml_node n, model::leg& l, model::pnr& p);
  void report_unmapped(pugi::xml_node root);

  const document& doc_;
  diagnostic_sink& sink_;
  std::string ns_;
  // Bookkeeping for report_unmapped(): pugixml's objects read, appended as read (repeats
  // allowed), sorted once when the mapping is done and then searched. Vectors, not hash sets:
  // the sets' node allocations and rehashes were 38 % of BM_PipelinePnrgovXml (perf, session
  // 13). The reads follow document order closely, so the sort meets nearly sorted input.
  std::vector<const void*> used_;       // elements and attributes read
  std::vector<const void*> text_used_;  // elements whose text was read
  static void sort_unique(std::vector<const void*>& v) {
    std::sort(v.begin(), v.end(), std::less<const void*>());
    v.erase(std::unique(v.begin(), v.end()), v.end());
  }
  static bool contains(const std::vector<const void*>& v, const void* p) {
    return std::binary_search(v.begin(), v.end(), p, std::less<const void*>());
  }
  std::vector<std::size_t> line_starts_;  // offsets of line starts, built on demand
};

error_code mapper::run(model::canonical_message& out) {
  out = {};
  const pugi::xml_node root = doc_.root();
  if (!doc_.parsed() || !root) {
    report(sink_, errc::not_well_formed, doc_.source(), 0, "no parsed document to map");
    return make_error_code(errc::not_well_formed);
  }
  // PNR-XML-ROOT-001: "The PNR push document root is IATA_PNRGOV_NotifRQ."
  if (local_name(root.name()) != pnrgov_root) {
    finding(errc::wrong_root, root, "root element is " + std::string(local_name(root.name())));
    return make_error_code(errc::wrong_root);
  }
  // PNR-XML-NS-001: "PADIS XML PNRGOV elements are in the namespace
  // http://www.iata.org/IATA/2007/00." A wrong namespace is an error, but the children are then
  // looked up in the root's own namespace so that the rest of the document is still checked.
  ns_ = std::string(namespace_of(root));
  if (ns_.empty()) {
    finding(errc::missing_namespace, root, {});
  } else if (ns_ != padis_namespace) {
    finding(errc::wrong_namespace, root, "root namespace is not the PADIS XML namespace");
  }
  used_.push_back(root.internal_object());
  map_root(root, out);
  report_unmapped(root);
  return {};
}

void mapper::map_root(pugi::xml_node root, model::canonical_message& out) {
  out.message.kind = "pnr_push";
  out.message.syntax = "xml";
  out.message.type = std::string(pnrgov_root);
  out.message.version = attr(root, "Version");
  out.message.prepared = date_time_attr(root, "TimeStamp");
  out.message.message_reference = attr(root, "EchoToken");
  out.message.transaction_reference = attr(root, "TransactionIdentifier");
  if (opt_string target = attr(root, "Target")) out.message.test = (*target == "Test");

  // PNR-XML-ORIG-001: Originator carries airline code, system code and contact information.
  if (pugi::xml_node o = child(root, "Originator")) {
    model::push_info push;
    push.originator_company = attr(o, "AirlineCode");
    push.originator_system = attr(o, "SystemCode");
    out.push = std::move(push);
    if (opt_string contact = attr(o, "AirlineContactInfo")) {
      model::reporting_party r;
      r.contacts.push_back({"other", *contact});
      out.reporter = std::move(r);
    }
  }

  map_flight_leg(root, out);

  // PNR-XML-PNRS-001: "PNRs carries the number of PNRs in the push (NumberOfPnrs)."
  const pugi::xml_node pnrs = child(root, "PNRs");
  const std::optional<std::uint32_t> declared =
      pnrs ? count_attr(pnrs, "NumberOfPnrs") : std::nullopt;
  if (!pnrs || !declared) finding(errc::missing_pnrs, pnrs ? pnrs : root, {});
  if (declared) out.counts = model::totals{std::nullopt, std::nullopt, declared};
  if (!pnrs) return;
  for (pugi::xml_node n : children(pnrs, "PNR")) {
    out.pnrs.emplace_back();
    map_pnr(n, out.pnrs.back());
  }
  // PNR-XML-PNRS-002: "Receiver warns when NumberOfPnrs differs from the number of PNR
  // elements received."
  if (declared && *declared != out.pnrs.size()) {
    finding(errc::pnr_count_mismatch, pnrs,
            "NumberOfPnrs is " + std::to_string(*declared) + ", " +
                std::to_string(out.pnrs.size()) + " PNR element(s) present");
  }
}

void mapper::map_flight_leg(pugi::xml_node root, model::canonical_message& out) {
  // PNR-XML-FLT-001: FlightLeg identifies the pushed flight: carrier, number, date-times,
  // airports.
  const pugi::xml_node f = child(root, "FlightLeg");
  if (!f) {
    finding(errc::missing_flight_leg, root, {});
    return;
  }
  model::flight flight;
  flight.carrier = attr(f, "CarrierCode");
  flight.number = attr(f, "FlightNumber");
  model::leg l;
  l.sequence = 1;
  l.departure.scheduled = date_time_attr(f, "DepartureDateTime");
  l.arrival.scheduled = date_time_attr(f, "ArrivalDateTime");
  // The arrival date change is implied by ArrivalDateTime (a full date), so it adds nothing the
  // canonical leg lacks; it is read only so that it does not count as unmapped.
  (void)count_attr(f, "DateChangeNbr");
  if (pugi::xml_node a = child(f, "DepartureAirport")) l.departure.port = attr(a, "LocationCode");
  if (pugi::xml_node a = child(f, "ArrivalAirport")) l.arrival.port = attr(a, "LocationCode");
  std::string missing;
  if (!flight.carrier) missing += " CarrierCode";
  if (!flight.number) missing += " FlightNumber";
  if (!l.departure.port) missing += " DepartureAirport";
  if (!l.arrival.port) missing += " ArrivalAirport";
  if (!l.departure.scheduled) missing += " DepartureDateTime";
  if (!missing.empty()) finding(errc::incomplete_flight_leg, f, "FlightLeg lacks" + missing);
  flight.legs.push_back(std::move(l));
  out.flight_info = std::move(flight);
}

void mapper::map_pnr(pugi::xml_node n, model::pnr& p) {
  // PNR-XML-PNR-001: number of passengers, transaction date, creation date.
  const std::optional<std::uint32_t> declared = count_attr(n, "NumberOfPassengers");
  p.created = date_time_attr(n, "PNR_CreationDate");
  p.last_modified = date_time_attr(n, "PNR_TransDate");

  // PNR-XML-PNR-002: "Each PNR carries BookingRefID with the locator (ID) and the owning
  // company (CompanyName Code)."
  for (pugi::xml_node b : children(n, "BookingRefID")) {
    opt_string id = attr(b, "ID");
    if (!id) continue;
    model::record_locator r;
    r.locator = std::move(*id);
    if (pugi::xml_node c = child(b, "CompanyName")) r.company = attr(c, "Code");
    p.record_locators.push_back(std::move(r));
  }
  if (p.record_locators.empty()) finding(errc::missing_booking_ref, n, {});

  if (pugi::xml_node pos = child(n, "POS")) {
    if (pugi::xml_node s = child(pos, "Source")) {
      model::originator o;
      o.company = attr(s, "AirlineVendorID");
      o.location = attr(s, "AirportCode");
      o.country = attr(s, "ISOCountry");
      o.currency = attr(s, "ISOCurrency");
      o.language = attr(s, "ISOLanguage");
      if (pugi::xml_node r = child(s, "RequestorID")) {
        o.agent_id = attr(r, "ID");
        o.originator_type = attr(r, "Type");
      }
      p.origin = std::move(o);
    }
  }
  for (pugi::xml_node c : children(n, "ContactInfo")) map_contact_info(c, p.contacts, p.addresses);
  for (pugi::xml_node s : children(n, "SSR")) p.ssrs.push_back(map_ssr(s, std::nullopt));

  for (pugi::xml_node x : children(n, "Passenger")) {
    p.travellers.emplace_back();
    map_passenger(x, p.travellers.back());
  }
  // PNR-XML-PNR-003: "Receiver warns when NumberOfPassengers differs from the number of
  // Passenger elements in the PNR."
  if (declared && *declared != p.travellers.size()) {
    finding(errc::passenger_count_mismatch, n,
            "NumberOfPassengers is " + std::to_string(*declared) + ", " +
                std::to_string(p.travellers.size()) + " Passenger element(s) present");
  }
  for (pugi::xml_node f : children(n, "Flight")) {
    p.itinerary.emplace_back();
    p.itinerary.back().sequence = static_cast<std::uint32_t>(p.itinerary.size());
    map_flight(f, p.itinerary.back(), p);
  }
}

void mapper::map_contact_info(pugi::xml_node n, std::vector<model::contact>& contacts,
                              std::vector<model::address>& addresses) {
  // Children in document order, so that contacts keep message order across kinds.
  for (pugi::xml_node c = n.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element || namespace_of(c) != ns_) continue;
    const std::string_view name = local_name(c.name());
    if (name == "Telephone") {
      used_.push_back(c.internal_object());
      if (opt_string v = attr(c, "PhoneNumber")) contacts.push_back({"phone", *v});
    } else if (name == "Fax") {
      used_.push_back(c.internal_object());
      if (opt_string v = attr(c, "PhoneNumber")) contacts.push_back({"fax", *v});
    } else if (name == "Email") {
      used_.push_back(c.internal_object());
      if (opt_string v = text(c)) contacts.push_back({"email", *v});
    } else if (name == "Address") {
      used_.push_back(c.internal_object());
      model::address a;
      a.purpose = attr(c, "Type");
      std::string street;
      for (pugi::xml_node line : children(c, "AddressLine")) {
        if (opt_string v = text(line)) street += (street.empty() ? "" : ", ") + *v;
      }
      if (!street.empty()) a.street = std::move(street);
      a.city = text(child(c, "CityName"));
      a.postal_code = text(child(c, "PostalCode"));
      if (pugi::xml_node s = child(c, "StateProv")) a.sub_entity = attr(s, "StateCode");
      if (pugi::xml_node k = child(c, "CountryName")) a.country = attr(k, "Code");
      addresses.push_back(std::move(a));
    }
  }
}

model::ssr mapper::map_ssr(pugi::xml_node n, const opt_string& traveller_ref) {
  model::ssr s;
  s.code = attr(n, "SSRCode").value_or("");
  s.status = attr(n, "Status");
  s.quantity = count_attr(n, "ServiceQuantity");
  s.board = attr(n, "BoardPoint");
  s.off = attr(n, "OffPoint");
  if (pugi::xml_node a = child(n, "Airline")) s.carrier = attr(a, "Code");
  s.text = text(child(n, "Text"));
  if (opt_string refs = attr(n, "TravelerRefNumberRPHList")) {
    std::size_t i = 0;
    while (i < refs->size()) {
      const std::size_t e = std::min(refs->find(' ', i), refs->size());
      if (e > i) s.traveller_refs.push_back(refs->substr(i, e - i));
      i = e + 1;
    }
  } else if (traveller_ref) {
    // A Passenger's own SSR applies to that passenger: its RPH is the reference PNRGOV
    // EDIFACT carries explicitly in 9944, so both syntaxes give the same traveller_refs.
    s.traveller_refs.push_back(*traveller_ref);
  }
  return s;
}

void mapper::map_passenger(pugi::xml_node n, model::traveller& t) {
  // PNR-XML-PAX-001: RPH, surname reference, infant indicator, GivenName and Surname.
  t.mutable_details().pnr_traveller_ref = attr(n, "RPH");
  if (opt_string srn = attr(n, "SurnameRefNumber")) {
    t.references.push_back({"SurnameRefNumber", *srn});
  }
  t.mutable_details().passenger_type = attr(n, "PassengerTypeCode");
  const model::opt_string& type = t.details().passenger_type;
  const bool infant = type && (*type == "IN" || *type == "INF");
  t.role = infant ? "infant" : "passenger";
  if (infant) t.mutable_details().infant = true;
  t.mutable_details().accompanied_by_infant = flag_attr(n, "AccompaniedByInfantInd");
  t.given_names = text(child(n, "GivenName"));
  const pugi::xml_node surname = child(n, "Surname");
  t.surname = text(surname).value_or("");
  if (t.surname.empty()) finding(errc::missing_surname, n, {});

  for (pugi::xml_node c : children(n, "CustLoyalty")) {
    model::frequent_flyer f;
    f.carrier = attr(c, "ProgramID");
    f.number = attr(c, "MembershipID");
    f.tier = attr(c, "LoyalLevel");
    t.mutable_details().frequent_flyers.push_back(std::move(f));
  }
  for (pugi::xml_node c : children(n, "ContactInfo")) {
    model::traveller_details& more = t.mutable_details();
    map_contact_info(c, more.contacts, more.addresses);
  }
  // SSR and DOC_SSR are taken in document order so that `ssrs` keeps message order.
  for (pugi::xml_node c = n.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element || namespace_of(c) != ns_) continue;
    const std::string_view name = local_name(c.name());
    if (name == "SSR") {
      used_.push_back(c.internal_object());
      model::traveller_details& more = t.mutable_details();
      more.ssrs.push_back(map_ssr(c, more.pnr_traveller_ref));
    } else if (name == "DOC_SSR") {
      used_.push_back(c.internal_object());
      map_doc_ssr(c, t);
    }
  }
  for (pugi::xml_node c : children(n, "TicketDocument")) {
    t.mutable_details().tickets.emplace_back();
    map_ticket(c, t.mutable_details().tickets.back());
  }
}

void mapper::map_ticket(pugi::xml_node n, model::ticket& k) {
  // PNR-XML-PAX-003: TicketDocument with TotalFare and PaymentInfo.
  k.number = attr(n, "TicketDocumentNbr");
  k.document_type = attr(n, "Type");
  k.booklets = count_attr(n, "NumberOfBooklets");
  k.issue_date = date_attr(n, "DateOfIssue");
  if (pugi::xml_node f = child(n, "TotalFare")) {
    k.total_fare = amount_attr(f, "Amount");
    k.currency = attr(f, "CurrencyCode");
  }
  for (pugi::xml_node p : children(n, "PaymentInfo")) {
    model::payment pay;
    pay.type = attr(p, "PaymentType").value_or("");
    pay.vendor = attr(p, "VendorCode");
    if (opt_string acct = attr(p, "AccountNbr")) {
      // DP-MASK-004: "a full card number that arrives in clear is masked at intake". The clear
      // value is never stored and never quoted in the finding.
      masked_card m = mask_card(*acct);
      if (m.was_clear) {
        finding(errc::clear_card_number, p,
                path(p) + "/@AccountNbr holds " + std::to_string(m.value.size()) +
                    " digits in clear; stored masked");
      }
      pay.account_masked = std::move(m.value);
    }
    pay.expiry = attr(p, "ExpiryDate");
    pay.amount = amount_attr(p, "Amount");
    pay.currency = attr(p, "CurrencyCode");
    k.payments.push_back(std::move(pay));
  }
}

void mapper::map_doc_ssr(pugi::xml_node n, model::traveller& t) {
  // PNR-XML-PAX-002: DOC_SSR with SSRCode DOCS, DOCA or DOCO and structured children.
  model::ssr s;
  s.code = attr(n, "SSRCode").value_or("");
  s.status = attr(n, "Status");
  s.quantity = count_attr(n, "ServiceQuantity");
  s.carrier = attr(n, "CarrierCode");
  if (const auto& ref = t.details().pnr_traveller_ref) s.traveller_refs.push_back(*ref);
  auto or_empty = [](const auto& v) { return v.value_or(""); };  // opt_string or opt_text

  if (s.code == "DOCS") {
    if (pugi::xml_node d = child(n, "DOCS")) {
      model::document doc;
      doc.type = attr(d, "DocType").value_or("");
      doc.issuing_state = attr(d, "DocIssueCountry");
      doc.number = attr(d, "DocID").value_or("");
      doc.nationality = attr(d, "PaxNationality");
      const opt_string dob = date_attr(d, "DateOfBirth");
      opt_string gender = attr(d, "Gender");
      doc.expiry = date_attr(d, "DocExpireDate");
      const opt_string surname = attr(d, "Surname");
      const opt_string first = attr(d, "FirstGivenName");
      const opt_string second = attr(d, "SecondGivenName");
      doc.source = "DOCS";
      s.text = airimp_text({doc.type.str(), or_empty(doc.issuing_state), doc.number.str(),
                            or_empty(doc.nationality), dob ? airimp_date(*dob) : "",
                            or_empty(gender), doc.expiry ? airimp_date(*doc.expiry) : "",
                            or_empty(surname), or_empty(first), or_empty(second)});
      if (dob) t.date_of_birth = dob;
      if (gender) {
        // MI / FI: male / female infant; the canonical gender keeps M / F and the flag moves to
        // `infant` (canonical.schema.json, traveller.gender).
        if (*gender == "MI" || *gender == "FI") {
          t.mutable_details().infant = true;
          gender->pop_back();
        }
        t.gender = gender;
      }
      if (!doc.type.empty() || !doc.number.empty()) t.documents.push_back(std::move(doc));
    }
  } else if (s.code == "DOCA") {
    if (pugi::xml_node d = child(n, "DOCA")) {
      model::address a;
      a.purpose = attr(d, "AddressType");
      a.country = attr(d, "CountryCode");
      a.street = attr(d, "Address");
      a.city = attr(d, "CityName");
      a.sub_entity = attr(d, "StateCode");
      a.postal_code = attr(d, "PostalCode");
      s.text = airimp_text({or_empty(a.purpose), or_empty(a.country), or_empty(a.street),
                            or_empty(a.city), or_empty(a.sub_entity), or_empty(a.postal_code)});
      t.mutable_details().addresses.push_back(std::move(a));
    }
  } else if (s.code == "DOCO") {
    if (pugi::xml_node d = child(n, "DOCO")) {
      model::document doc;
      const opt_string birth_place = attr(d, "PlaceOfBirth");
      doc.type = attr(d, "TravelDocType").value_or("");
      doc.number = attr(d, "TravelDocNbr").value_or("");
      const opt_string issue_place = attr(d, "PlaceOfIssue");
      doc.issue_date = date_attr(d, "DateOfIssue");
      doc.issuing_state = attr(d, "CountryOfIssue");
      doc.source = "DOCO";
      s.text = airimp_text(
          {or_empty(birth_place), doc.type.str(), doc.number.str(), or_empty(issue_place),
           doc.issue_date ? airimp_date(*doc.issue_date) : "", or_empty(doc.issuing_state)});
      if (birth_place) t.mutable_details().place_of_birth = birth_place;
      if (!doc.type.empty() || !doc.number.empty()) t.documents.push_back(std::move(doc));
    }
  } else {
    finding(errc::unknown_doc_ssr, n, path(n) + "/@SSRCode is not DOCS, DOCA or DOCO");
  }
  t.mutable_details().ssrs.push_back(std::move(s));
}

void mapper::map_flight(pugi::xml_node n, model::leg& l, model::pnr& p) {
  // PNR-XML-SEG-001: date-times, class, party, status, flight number, airports, equipment,
  // operating and marketing airline.
  l.flight_number = attr(n, "FlightNumber");
  l.booking_class = attr(n, "ResBookDesigCode");
  l.status = attr(n, "Status");
  l.party_size = count_attr(n, "NumberInParty");
  l.departure.scheduled = date_time_attr(n, "DepartureDateTime");
  l.arrival.scheduled = date_time_attr(n, "ArrivalDateTime");
  if (pugi::xml_node a = child(n, "DepartureAirport")) l.departure.port = attr(a, "LocationCode");
  if (pugi::xml_node a = child(n, "ArrivalAirport")) l.arrival.port = attr(a, "LocationCode");
  if (pugi::xml_node e = child(n, "Equipment")) l.equipment = attr(e, "AirEquipType");
  if (pugi::xml_node m = child(n, "MarketingAirline")) l.carrier = attr(m, "Code");
  if (pugi::xml_node o = child(n, "OperatingAirline")) {
    l.operating_carrier = attr(o, "Code");
    l.operating_flight_number = attr(o, "FlightNumber");
  }
  // Segment SSRs (seats, meals) belong to the PNR and name this leg, as EDIFACT GR5 SSRs do.
  for (pugi::xml_node s : children(n, "SSR")) {
    p.ssrs.push_back(map_ssr(s, std::nullopt));
    if (p.ssrs.back().segment_refs.empty()) p.ssrs.back().segment_refs.push_back(*l.sequence);
  }
}

// Everything not read above: one finding for elements (and non-blank text), one for attributes,
// each with the count and the first path, so that the receiver's operator sees what the
// canonical model did not take without a finding per occurrence.
void mapper::report_unmapped(pugi::xml_node root) {
  sort_unique(used_);
  sort_unique(text_used_);
  std::size_t elements = 0, attributes = 0;
  pugi::xml_node first_element, first_attribute_owner;
  std::string first_element_path, first_attribute_path;
  pugi::xml_node n = root;
  while (n) {
    bool descend = true;
    if (n.type() == pugi::node_element) {
      if (!contains(used_, n.internal_object())) {
        // Count the unknown subtree once, at its top.
        if (elements++ == 0) {
          first_element = n;
          first_element_path = path(n);
        }
        descend = false;
      } else {
        for (pugi::xml_attribute a = n.first_attribute(); a; a = a.next_attribute()) {
          const std::string_view name = a.name();
          // Namespace declarations are how the document is read, not data.
          if (name == "xmlns" || name.substr(0, 6) == "xmlns:") continue;
          if (contains(used_, a.internal_object())) continue;
          if (attributes++ == 0) {
            first_attribute_owner = n;
            first_attribute_path = path(n) + "/@" + std::string(name);
          }
        }
      }
    } else if (n.type() == pugi::node_pcdata || n.type() == pugi::node_cdata) {
      const pugi::xml_node parent = n.parent();
      std::string_view v = n.value();
      const bool blank = v.find_first_not_of(" \t\r\n") == std::string_view::npos;
      if (!blank && !contains(text_used_, parent.internal_object())) {
        if (elements++ == 0) {
          first_element = parent;
          first_element_path = path(parent) + "/text()";
        }
      }
    }
    pugi::xml_node next = descend ? n.first_child() : pugi::xml_node{};
    if (!next) {
      while (n && n != root && !n.next_sibling()) n = n.parent();
      if (!n || n == root) break;
      next = n.next_sibling();
    }
    n = next;
  }
  if (elements > 0) {
    finding(
        errc::unmapped_element, first_element,
        std::to_string(elements) + " element(s) or text not mapped; first " + first_element_path);
  }
  if (attributes > 0) {
    finding(errc::unmapped_attribute, first_attribute_owner,
            std::to_string(attributes) + " attribute(s) not mapped; first " + first_attribute_path);
  }
}

}  // namespace

error_code map_pnrgov(const document& doc, model::canonical_message& out, diagnostic_sink& sink) {
  mapper m(doc, sink);
  return m.run(out);
}

error_code read_pnrgov(std::string_view buffer, model::canonical_message& out,
                       diagnostic_sink& sink, const limits& lim) {
  document doc;
  if (error_code ec = parse(buffer, doc, sink, lim)) return ec;
  return map_pnrgov(doc, out, sink);
}

}  // namespace apipnr::xml
