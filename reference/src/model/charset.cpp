#include "apipnr/model/charset.hpp"

#include <cstdint>
#include <cstring>

namespace apipnr::model {
namespace {

constexpr std::string_view replacement = "\xEF\xBF\xBD";  // U+FFFD

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

struct converter {
  charset from;
  std::size_t replaced = 0;

  void operator()(std::string& s) { replaced += to_utf8(s, from); }
  void operator()(std::optional<std::string>& s) {
    if (s) (*this)(*s);
  }
  // model::text: converted through a std::string only when it holds a byte >= 0x80.
  void operator()(text& s) {
    if (is_ascii(s.view())) return;
    std::string tmp(s.view());
    replaced += to_utf8(tmp, from);
    s = tmp;
  }
  void operator()(opt_text& s) {
    if (s) (*this)(*s);
  }
  void operator()(std::vector<std::string>& v) {
    for (auto& s : v) (*this)(s);
  }
  // A std::vector or a document_list / reference_list.
  template <class Items>
  void each(Items& v) {
    for (auto& x : v) visit(x);
  }

  void visit(contact& c) {
    (*this)(c.type);
    (*this)(c.value);
  }
  void visit(address& a) {
    for (auto* f :
         {&a.purpose, &a.street, &a.city, &a.sub_entity, &a.postal_code, &a.country, &a.free_text})
      (*this)(*f);
  }
  void visit(reference& r) {
    (*this)(r.qualifier);
    (*this)(r.value);
  }
  void visit(document& d) {
    (*this)(d.type);
    (*this)(d.number);
    for (auto* f : {&d.issuing_state, &d.expiry, &d.issue_date, &d.nationality, &d.source})
      (*this)(*f);
  }
  void visit(place_time& p) {
    for (auto* f : {&p.port, &p.scheduled, &p.qualifier}) (*this)(*f);
  }
  void visit(leg& l) {
    for (auto* f : {&l.carrier, &l.flight_number, &l.operating_carrier, &l.operating_flight_number,
                    &l.booking_class, &l.status, &l.equipment})
      (*this)(*f);
    visit(l.departure);
    visit(l.arrival);
  }
  void visit(bags& b) {
    (*this)(b.unit);
    (*this)(b.tags);
  }
  void visit(ssr& s) {
    (*this)(s.code);
    for (auto* f : {&s.status, &s.carrier, &s.board, &s.off, &s.text}) (*this)(*f);
    (*this)(s.traveller_refs);
  }
  void visit(payment& p) {
    (*this)(p.type);
    for (auto* f : {&p.vendor, &p.account_masked, &p.expiry, &p.currency}) (*this)(*f);
  }
  void visit(ticket& t) {
    for (auto* f : {&t.number, &t.document_type, &t.issue_date, &t.currency}) (*this)(*f);
    each(t.payments);
  }
  void visit(frequent_flyer& f) {
    for (auto* s : {&f.carrier, &f.number, &f.tier}) (*this)(*s);
  }
  void visit(traveller& t) {
    (*this)(t.role);
    (*this)(t.surname);
    for (auto* f : {&t.party_function, &t.given_names, &t.middle_names, &t.gender, &t.date_of_birth,
                    &t.nationality, &t.embarkation, &t.debarkation, &t.seat})
      (*this)(*f);
    each(t.documents);
    each(t.references);
    // Only written details: mutable_details() would allocate an empty set for each traveller.
    if (t.has_details()) visit(t.mutable_details());
  }
  void visit(traveller_details& t) {
    for (auto* f : {&t.title, &t.residence_country, &t.place_of_birth, &t.clearance_port,
                    &t.crew_function, &t.verified, &t.pnr_traveller_ref, &t.passenger_type})
      (*this)(*f);
    each(t.addresses);
    each(t.contacts);
    visit(t.baggage);
    each(t.frequent_flyers);
    each(t.tickets);
    each(t.ssrs);
  }
  void visit(record_locator& r) {
    (*this)(r.locator);
    (*this)(r.company);
    (*this)(r.control_type);
  }
  void visit(originator& o) {
    for (auto* f : {&o.company, &o.location, &o.agent_id, &o.originator_type, &o.country,
                    &o.currency, &o.language})
      (*this)(*f);
  }
  void visit(check_in& c) {
    for (auto* f : {&c.traveller_ref, &c.seat, &c.cabin, &c.sequence, &c.at}) (*this)(*f);
    visit(c.baggage);
  }
  void visit(history_entry& h) {
    for (auto* f : {&h.action, &h.at, &h.originator, &h.text}) (*this)(*f);
  }
  void visit(other_segment& o) {
    (*this)(o.kind);
    (*this)(o.text);
  }
  void visit(pnr& p) {
    each(p.record_locators);
    (*this)(p.created);
    (*this)(p.last_modified);
    if (p.origin) visit(*p.origin);
    each(p.travellers);
    each(p.itinerary);
    each(p.ssrs);
    (*this)(p.osi);
    each(p.contacts);
    each(p.addresses);
    (*this)(p.split_locators);
    each(p.other_segments);
    each(p.check_ins);
    each(p.history);
  }
  void visit(canonical_message& m) {
    message_info& i = m.message;
    (*this)(i.kind);
    (*this)(i.syntax);
    (*this)(i.type);
    for (auto* f :
         {&i.version, &i.sender, &i.recipient, &i.interchange_reference, &i.message_reference,
          &i.application_reference, &i.prepared, &i.common_access_reference, &i.document_code,
          &i.document_subtype, &i.scenario, &i.transaction_reference, &i.transaction_revision})
      (*this)(*f);
    for (auto& p : i.parts) (*this)(p.message_reference);
    if (m.reporter) {
      (*this)(m.reporter->name);
      each(m.reporter->contacts);
    }
    if (m.flight_info) {
      for (auto* f : {&m.flight_info->carrier, &m.flight_info->number, &m.flight_info->journey_id,
                      &m.flight_info->transport_stage})
        (*this)(*f);
      each(m.flight_info->legs);
    }
    each(m.travellers);
    each(m.pnrs);
    if (m.push) {
      for (auto* f : {&m.push->function, &m.push->originator_company, &m.push->originator_location,
                      &m.push->originator_system})
        (*this)(*f);
    }
  }
};

}  // namespace

std::size_t utf8_sequence(std::string_view s, std::size_t i) noexcept {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  if (c < 0x80) return 1;
  std::size_t n = 0;
  std::uint32_t cp = 0;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
    cp = c & 0x1Fu;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    cp = c & 0x0Fu;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    cp = c & 0x07u;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(i + k) & 0x3Fu);
  }
  if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
      (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  return n;
}

charset charset_of(std::string_view id) noexcept {
  if (id == "UNOA" || id == "UNOB" || id == "IATA" || id == "IATB") return charset::ascii;
  if (id == "UNOC") return charset::latin1;
  if (id.size() == 4 && id.substr(0, 3) == "UNO" && id[3] >= 'D' && id[3] <= 'K')
    return charset::other_8bit;
  return charset::utf8;
}

bool is_ascii(std::string_view s) noexcept {
  // Eight bytes per step: the pipeline asks this of whole interchanges (megabytes).
  constexpr std::uint64_t highs = 0x8080808080808080ull;
  std::size_t i = 0;
  std::uint64_t acc = 0;
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    acc |= w;
  }
  for (; i < s.size(); ++i) acc |= static_cast<unsigned char>(s[i]);
  return (acc & highs) == 0;
}

std::size_t to_utf8(std::string& s, charset from) {
  if (is_ascii(s)) return 0;  // the common case: nothing to convert
  std::string out;
  out.reserve(s.size() + s.size() / 2);
  std::size_t replaced = 0;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    switch (from) {
      case charset::latin1:
        append_utf8(out, c);  // ISO 8859-1 is the first 256 code points
        ++i;
        break;
      case charset::other_8bit:
        // 0x80..0x9F are the same C1 controls in every ISO 8859 part; above that the parts
        // differ and no table is carried here, so the byte is replaced and counted.
        if (c < 0xA0) {
          append_utf8(out, c);
        } else {
          out.append(replacement);
          ++replaced;
        }
        ++i;
        break;
      case charset::utf8:
        if (const std::size_t n = utf8_sequence(s, i); n > 0) {
          out.append(s, i, n);
          i += n;
        } else {
          out.append(replacement);
          ++replaced;
          ++i;
        }
        break;
      case charset::ascii:
        out.append(replacement);
        ++replaced;
        ++i;
        break;
    }
  }
  s = std::move(out);
  return replaced;
}

std::size_t to_utf8(canonical_message& m, charset from) {
  converter c{from};
  c.visit(m);
  return c.replaced;
}

}  // namespace apipnr::model
