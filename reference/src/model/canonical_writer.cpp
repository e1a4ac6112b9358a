// Streaming canonical JSON: canonical_message straight to text, without the nlohmann DOM.
//
// The text must be byte-identical to to_json(m).dump(-1, ' ', false, replace), which is what the
// store has always written and what stored documents, hashes and golden files hold. Three
// properties of that dump decide the code below:
//  - nlohmann::json objects are std::map: keys come out in byte order, not in the order to_json
//    sets them. Every object below therefore writes its members in sorted key order (the
//    comment "keys in byte order" marks them; canonical_writer_test compares with the DOM on
//    models where every field is set).
//  - Strings: the two-character escapes for \b \f \n \r \t " and backslash, \u00xx (lower-case
//    hex) for the other control characters, everything else verbatim (DEL and valid UTF-8
//    included). An ill-formed UTF-8 sequence becomes U+FFFD per maximal subpart: nlohmann's
//    decoder rejects at the first byte that cannot continue the sequence, writes one U+FFFD and
//    reads that byte again as a new start.
//  - Doubles: nlohmann's own shortest round-trip formatting (nlohmann::detail::to_chars, the
//    function its serializer calls), "null" for NaN and infinities.
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "apipnr/model/canonical.hpp"

namespace apipnr::model {
namespace {

// Bytes that a JSON string cannot copy verbatim without a look: control characters, '"', '\\'
// and every byte of a multi-byte UTF-8 sequence (validated before it is copied).
constexpr bool needs_care(unsigned char c) noexcept {
  return c < 0x20 || c == '"' || c == '\\' || c >= 0x80;
}

struct care_table {
  bool v[256];
  constexpr care_table() : v() {
    for (int c = 0; c < 256; ++c) v[c] = needs_care(static_cast<unsigned char>(c));
  }
};
constexpr care_table care{};

// Length of the well-formed prefix of the UTF-8 sequence starting at p[0] (a byte >= 0x80),
// with `complete` telling whether it is a whole sequence. RFC 3629 ranges: no overlongs, no
// surrogates, nothing above U+10FFFF -- the ranges nlohmann's decoder accepts. An invalid lead
// byte gives 1 and not complete.
std::size_t utf8_prefix(const unsigned char* p, std::size_t avail, bool& complete) noexcept {
  const unsigned c = p[0];
  std::size_t len = 0;
  unsigned lo = 0x80, hi = 0xBF;
  complete = false;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 1;
  }
  std::size_t k = 1;
  while (k < len && k < avail) {
    const unsigned b = p[k];
    if (b < lo || b > hi) break;
    lo = 0x80;
    hi = 0xBF;
    ++k;
  }
  complete = k == len;
  return k;
}

class writer {
 public:
  explicit writer(std::string& out) noexcept : out_(out) {}

  void message(const canonical_message& m);

 private:
  // -- structure: one flag suffices, because a container that ends was itself a member --
  void open(char c) {
    out_.push_back(c);
    first_ = true;
  }
  void close(char c) {
    out_.push_back(c);
    first_ = false;
  }
  // `name` is a constant key (ASCII, nothing to escape). The comma, the quotes and the colon go
  // with it in one append: four appends per key were about 9 k instructions of an iAPI
  // request's canonical text (docs/PERFORMANCE.md, "Receiver CPU per small message").
  void key(std::string_view name) {
    char buf[48];
    if (name.size() > sizeof buf - 4) {  // no key of the schema is that long
      if (!first_) out_.push_back(',');
      first_ = false;
      out_.push_back('"');
      out_.append(name);
      out_.append("\":", 2);
      return;
    }
    std::size_t n = 0;
    if (!first_) buf[n++] = ',';
    first_ = false;
    buf[n++] = '"';
    std::memcpy(buf + n, name.data(), name.size());
    n += name.size();
    buf[n++] = '"';
    buf[n++] = ':';
    out_.append(buf, n);
  }
  void element() {
    if (!first_) out_.push_back(',');
    first_ = false;
  }

  // -- scalars --
  void string(std::string_view s);
  void number(std::uint32_t v) {
    char buf[16];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out_.append(buf, r.ptr);
  }
  void number(double v) {
    if (!std::isfinite(v)) {
      out_.append("null", 4);
      return;
    }
    char buf[64];  // nlohmann's serializer uses the same size for its number buffer
    char* end = nlohmann::detail::to_chars(buf, buf + sizeof buf, v);
    out_.append(buf, end);
  }
  void boolean(bool v) { v ? out_.append("true", 4) : out_.append("false", 5); }

  // -- "absent means absent": nothing for an empty optional or vector --
  void put(std::string_view k, const std::string& v) {
    key(k);
    string(v);
  }
  void put(std::string_view k, const opt_string& v) {
    if (v) put(k, *v);
  }
  void put(std::string_view k, const text& v) {
    key(k);
    string(v.view());
  }
  void put(std::string_view k, const opt_text& v) {
    if (v) put(k, *v);
  }
  void put(std::string_view k, const std::optional<std::uint32_t>& v) {
    if (!v) return;
    key(k);
    number(*v);
  }
  void put(std::string_view k, const std::optional<double>& v) {
    if (!v) return;
    key(k);
    number(*v);
  }
  void put(std::string_view k, const std::optional<bool>& v) {
    if (!v) return;
    key(k);
    boolean(*v);
  }
  void put(std::string_view k, const std::vector<std::string>& v) {
    if (v.empty()) return;
    key(k);
    open('[');
    for (const auto& s : v) {
      element();
      string(s);
    }
    close(']');
  }
  void put(std::string_view k, const std::vector<std::uint32_t>& v) {
    if (v.empty()) return;
    key(k);
    open('[');
    for (const auto n : v) {
      element();
      number(n);
    }
    close(']');
  }
  // An array of objects; `always` writes [] for an empty vector (record_locators, travellers of
  // a PNR, legs of a flight: the schema requires them).
  // `items`: a std::vector or a document_list / reference_list.
  template <class Items, class F>
  void put_array(std::string_view k, const Items& items, F item, bool always = false) {
    if (items.empty() && !always) return;
    key(k);
    open('[');
    for (const auto& i : items) {
      element();
      (this->*item)(i);
    }
    close(']');
  }

  // -- objects, each with its members in byte order of their keys --
  void contact(const model::contact& c);
  void address(const model::address& a);
  void reference(const model::reference& r);
  void document(const model::document& d);
  void place(const place_time& p);
  void leg(const model::leg& l);
  void bags(const model::bags& b);
  void ssr(const model::ssr& s);
  void payment(const model::payment& p);
  void ticket(const model::ticket& t);
  void frequent_flyer(const model::frequent_flyer& f);
  void traveller(const model::traveller& t);
  void record_locator(const model::record_locator& r);
  void other_segment(const model::other_segment& s);
  void check_in(const model::check_in& c);
  void history_entry(const model::history_entry& h);
  void pnr(const model::pnr& p);
  void part(const message_part& p);
  void message_info(const model::message_info& m);

  std::string& out_;
  bool first_ = true;
};

void writer::string(std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  out_.push_back('"');
  std::size_t run = 0;  // start of the pending verbatim run
  std::size_t i = 0;
  while (i < n) {
    if (!care.v[p[i]]) {
      ++i;
      continue;
    }
    const unsigned char c = p[i];
    if (c >= 0x80) {
      bool complete = false;
      const std::size_t len = utf8_prefix(p + i, n - i, complete);
      if (complete) {
        i += len;
        continue;
      }
      out_.append(s.data() + run, i - run);
      out_.append("\xEF\xBF\xBD", 3);  // U+FFFD for the ill-formed prefix
      run = i += len;
      continue;
    }
    out_.append(s.data() + run, i - run);
    switch (c) {
      case '"':
        out_.append("\\\"", 2);
        break;
      case '\\':
        out_.append("\\\\", 2);
        break;
      case '\b':
        out_.append("\\b", 2);
        break;
      case '\f':
        out_.append("\\f", 2);
        break;
      case '\n':
        out_.append("\\n", 2);
        break;
      case '\r':
        out_.append("\\r", 2);
        break;
      case '\t':
        out_.append("\\t", 2);
        break;
      default: {
        const char u[] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0x0f]};
        out_.append(u, sizeof u);
      }
    }
    run = ++i;
  }
  out_.append(s.data() + run, n - run);
  out_.push_back('"');
}

void writer::contact(const model::contact& c) {
  open('{');
  put("type", c.type);
  put("value", c.value);
  close('}');
}

void writer::address(const model::address& a) {
  open('{');  // keys in byte order
  put("city", a.city);
  put("country", a.country);
  put("free_text", a.free_text);
  put("postal_code", a.postal_code);
  put("purpose", a.purpose);
  put("street", a.street);
  put("sub_entity", a.sub_entity);
  close('}');
}

void writer::reference(const model::reference& r) {
  open('{');
  put("qualifier", r.qualifier);
  put("value", r.value);
  close('}');
}

void writer::document(const model::document& d) {
  open('{');  // keys in byte order
  put("expiry", d.expiry);
  put("issue_date", d.issue_date);
  put("issuing_state", d.issuing_state);
  put("nationality", d.nationality);
  put("number", d.number);
  put("source", d.source);
  put("type", d.type);
  close('}');
}

void writer::place(const place_time& p) {
  open('{');  // keys in byte order
  put("port", p.port);
  put("qualifier", p.qualifier);
  put("scheduled", p.scheduled);
  close('}');
}

// A place with no member is left out of its leg, as to_json does.
bool place_empty(const place_time& p) noexcept { return !p.port && !p.scheduled && !p.qualifier; }

void writer::leg(const model::leg& l) {
  open('{');  // keys in byte order
  if (!place_empty(l.arrival)) {
    key("arrival");
    place(l.arrival);
  }
  put("booking_class", l.booking_class);
  put("carrier", l.carrier);
  if (!place_empty(l.departure)) {
    key("departure");
    place(l.departure);
  }
  put("equipment", l.equipment);
  put("flight_number", l.flight_number);
  put("operating_carrier", l.operating_carrier);
  put("operating_flight_number", l.operating_flight_number);
  put("party_size", l.party_size);
  put("sequence", l.sequence);
  put("status", l.status);
  close('}');
}

void writer::bags(const model::bags& b) {
  open('{');  // keys in byte order
  put("count", b.count);
  put("tags", b.tags);
  put("unit", b.unit);
  put("weight", b.weight);
  close('}');
}

void writer::ssr(const model::ssr& s) {
  open('{');  // keys in byte order
  put("board", s.board);
  put("carrier", s.carrier);
  put("code", s.code);
  put("off", s.off);
  put("quantity", s.quantity);
  put("segment_refs", s.segment_refs);
  put("status", s.status);
  put("text", s.text);
  put("traveller_refs", s.traveller_refs);
  close('}');
}

void writer::payment(const model::payment& p) {
  open('{');  // keys in byte order
  put("account_masked", p.account_masked);
  put("amount", p.amount);
  put("currency", p.currency);
  put("expiry", p.expiry);
  put("type", p.type);
  put("vendor", p.vendor);
  close('}');
}

void writer::ticket(const model::ticket& t) {
  open('{');  // keys in byte order
  put("base_fare", t.base_fare);
  put("booklets", t.booklets);
  put("currency", t.currency);
  put("document_type", t.document_type);
  put("issue_date", t.issue_date);
  put("number", t.number);
  put_array("payments", t.payments, &writer::payment);
  put("total_fare", t.total_fare);
  close('}');
}

void writer::frequent_flyer(const model::frequent_flyer& f) {
  open('{');  // keys in byte order
  put("carrier", f.carrier);
  put("number", f.number);
  put("tier", f.tier);
  close('}');
}

void writer::traveller(const model::traveller& t) {
  const model::traveller_details& x = t.details();  // all absent when none were written
  open('{');                                        // keys in byte order
  put("accompanied_by_infant", x.accompanied_by_infant);
  put_array("addresses", x.addresses, &writer::address);
  if (!x.baggage.empty()) {
    key("bags");
    bags(x.baggage);
  }
  put("clearance_port", x.clearance_port);
  put_array("contacts", x.contacts, &writer::contact);
  put("crew_function", x.crew_function);
  put("date_of_birth", t.date_of_birth);
  put("debarkation", t.debarkation);
  put_array("documents", t.documents, &writer::document);
  put("embarkation", t.embarkation);
  put_array("frequent_flyer", x.frequent_flyers, &writer::frequent_flyer);
  put("gender", t.gender);
  put("given_names", t.given_names);
  put("in_transit", x.in_transit);
  put("infant", x.infant);
  put("middle_names", t.middle_names);
  put("nationality", t.nationality);
  put("party_function", t.party_function);
  put("passenger_type", x.passenger_type);
  put("place_of_birth", x.place_of_birth);
  put("pnr_traveller_ref", x.pnr_traveller_ref);
  put_array("references", t.references, &writer::reference);
  put("residence_country", x.residence_country);
  put("role", t.role);
  put("seat", t.seat);
  put_array("ssrs", x.ssrs, &writer::ssr);
  put("surname", t.surname);
  put_array("tickets", x.tickets, &writer::ticket);
  put("title", x.title);
  put("verified", x.verified);
  close('}');
}

void writer::record_locator(const model::record_locator& r) {
  open('{');  // keys in byte order
  put("company", r.company);
  put("control_type", r.control_type);
  put("locator", r.locator);
  close('}');
}

void writer::other_segment(const model::other_segment& s) {
  open('{');
  put("kind", s.kind);
  put("text", s.text);
  close('}');
}

void writer::check_in(const model::check_in& c) {
  open('{');  // keys in byte order
  put("at", c.at);
  if (!c.baggage.empty()) {
    key("bags");
    bags(c.baggage);
  }
  put("cabin", c.cabin);
  put("seat", c.seat);
  put("sequence", c.sequence);
  put("traveller_ref", c.traveller_ref);
  close('}');
}

void writer::history_entry(const model::history_entry& h) {
  open('{');  // keys in byte order
  put("action", h.action);
  put("at", h.at);
  put("originator", h.originator);
  put("text", h.text);
  close('}');
}

void writer::pnr(const model::pnr& p) {
  open('{');  // keys in byte order
  put_array("addresses", p.addresses, &writer::address);
  put("cancelled", p.cancelled);
  put_array("check_in", p.check_ins, &writer::check_in);
  put_array("contacts", p.contacts, &writer::contact);
  put("created", p.created);
  put_array("history", p.history, &writer::history_entry);
  put_array("itinerary", p.itinerary, &writer::leg);
  put("last_modified", p.last_modified);
  if (p.origin) {
    const originator& o = *p.origin;
    key("originator");
    open('{');  // keys in byte order
    put("agent_id", o.agent_id);
    put("company", o.company);
    put("country", o.country);
    put("currency", o.currency);
    put("language", o.language);
    put("location", o.location);
    put("originator_type", o.originator_type);
    close('}');
  }
  put("osi", p.osi);
  put_array("other_segments", p.other_segments, &writer::other_segment);
  put_array("record_locators", p.record_locators, &writer::record_locator, true);
  put("sensitive_removed", p.sensitive_removed);
  put("split_locators", p.split_locators);
  put_array("ssrs", p.ssrs, &writer::ssr);
  put_array("travellers", p.travellers, &writer::traveller, true);
  close('}');
}

void writer::part(const message_part& p) {
  open('{');  // keys in byte order
  put("final", p.final_part);
  put("message_reference", p.message_reference);
  put("number", p.number);
  close('}');
}

void writer::message_info(const model::message_info& m) {
  open('{');  // keys in byte order
  put("application_reference", m.application_reference);
  put("common_access_reference", m.common_access_reference);
  put("document_code", m.document_code);
  put("document_subtype", m.document_subtype);
  put("interchange_reference", m.interchange_reference);
  put("kind", m.kind);
  put("message_reference", m.message_reference);
  put_array("parts", m.parts, &writer::part);
  put("prepared", m.prepared);
  put("recipient", m.recipient);
  put("scenario", m.scenario);
  put("sender", m.sender);
  put("syntax", m.syntax);
  put("test", m.test);
  put("transaction_reference", m.transaction_reference);
  put("transaction_revision", m.transaction_revision);
  put("type", m.type);
  put("version", m.version);
  close('}');
}

void writer::message(const canonical_message& m) {
  open('{');  // keys in byte order
  key("canonical_version");
  string(canonical_version);
  if (m.flight_info) {
    const flight& f = *m.flight_info;
    key("flight");
    open('{');  // keys in byte order
    put("carrier", f.carrier);
    put("journey_id", f.journey_id);
    put_array("legs", f.legs, &writer::leg, true);
    put("number", f.number);
    put("transport_stage", f.transport_stage);
    close('}');
  }
  key("message");
  message_info(m.message);
  if (m.push) {
    const push_info& p = *m.push;
    key("pnr_push");
    open('{');  // keys in byte order
    put("function", p.function);
    if (p.originator_company || p.originator_location || p.originator_system) {
      key("originator");
      open('{');  // keys in byte order
      put("company", p.originator_company);
      put("location", p.originator_location);
      put("system", p.originator_system);
      close('}');
    }
    close('}');
  }
  put_array("pnrs", m.pnrs, &writer::pnr);
  if (m.reporter) {
    key("reporting_party");
    open('{');  // keys in byte order
    put_array("contacts", m.reporter->contacts, &writer::contact);
    put("name", m.reporter->name);
    close('}');
  }
  if (m.counts) {
    key("totals");
    open('{');  // keys in byte order
    put("crew", m.counts->crew);
    put("passengers", m.counts->passengers);
    put("pnrs", m.counts->pnrs);
    close('}');
  }
  put_array("travellers", m.travellers, &writer::traveller);
  close('}');
}

}  // namespace

void append_canonical_json(const canonical_message& m, std::string& out) { writer(out).message(m); }

std::string canonical_json(const canonical_message& m) {
  std::string out;
  append_canonical_json(m, out);
  return out;
}

}  // namespace apipnr::model
