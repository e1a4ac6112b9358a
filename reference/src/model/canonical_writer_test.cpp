// canonical_json() against its oracle, nlohmann's dump of to_json() with the error handler the
// store uses: on hand-built edge cases and on random models in which every field, array and
// optional may be set, with strings drawn from ASCII, control characters, escapes, valid and
// ill-formed UTF-8, and doubles from round values to NaN. The corpus comparison (every vector
// and generated files through the pipeline) is reference/tests/canonical_corpus_test.cpp.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "apipnr/model/canonical.hpp"

namespace apipnr::model {
namespace {

std::string oracle(const canonical_message& m) {
  return to_json(m).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Deterministic random models. std::mt19937_64's output is fixed by the standard; only raw
// draws reduced with % are used (distributions are implementation-defined).
class model_maker {
 public:
  explicit model_maker(std::uint64_t seed) : rng_(seed) {}

  canonical_message message() {
    canonical_message m;
    m.message.kind = str();
    m.message.syntax = str();
    m.message.type = str();
    for (auto* o :
         {&m.message.version, &m.message.sender, &m.message.recipient,
          &m.message.interchange_reference, &m.message.message_reference,
          &m.message.application_reference, &m.message.prepared, &m.message.common_access_reference,
          &m.message.document_code, &m.message.document_subtype, &m.message.scenario,
          &m.message.transaction_reference, &m.message.transaction_revision})
      opt(*o);
    opt(m.message.test);
    for (std::size_t i = count(3); i > 0; --i) {
      message_part p;
      opt(p.number);
      opt(p.final_part);
      opt(p.message_reference);
      m.message.parts.push_back(p);
    }
    if (coin()) {
      reporting_party r;
      opt(r.name);
      for (std::size_t i = count(2); i > 0; --i) r.contacts.push_back(contact_());
      m.reporter = r;
    }
    if (coin()) {
      flight f;
      opt(f.carrier);
      opt(f.number);
      opt(f.journey_id);
      opt(f.transport_stage);
      for (std::size_t i = count(3); i > 0; --i) f.legs.push_back(leg_());
      m.flight_info = f;
    }
    for (std::size_t i = count(4); i > 0; --i) m.travellers.push_back(traveller_());
    if (coin()) {
      totals t;
      opt(t.passengers);
      opt(t.crew);
      opt(t.pnrs);
      m.counts = t;
    }
    for (std::size_t i = count(3); i > 0; --i) m.pnrs.push_back(pnr_());
    if (coin()) {
      push_info p;
      opt(p.function);
      opt(p.originator_company);
      opt(p.originator_location);
      opt(p.originator_system);
      m.push = p;
    }
    return m;
  }

  // A string from pieces that exercise every branch of the escaping: plain ASCII, the
  // two-character escapes, other control characters, DEL, valid UTF-8 of 2 to 4 bytes and
  // ill-formed sequences (bad lead, truncated, overlong, surrogate, above U+10FFFF).
  std::string str() {
    static constexpr std::string_view pieces[] = {
        "DOE", "O'BRIEN", "A B", "\"", "\\", "/", "\b", "\f", "\n", "\r", "\t",
        std::string_view("\0", 1), "\x01", "\x1f", "\x7f",
        // valid UTF-8: 2, 3 and 4 bytes, the last code point before the surrogates, U+10FFFF
        "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xed\x9f\xbf", "\xf4\x8f\xbf\xbf",
        // ill-formed: lone continuation bytes, overlong leads, truncated sequences, overlong
        // and surrogate second bytes, above U+10FFFF, bytes that never occur, a bad third byte
        "\x80", "\xbf", "\xc0\xaf", "\xc1", "\xc3", "\xe2\x82", "\xe0\x80\xaf", "\xed\xa0\x80",
        "\xf0\x8f\xbf\xbf", "\xf4\x90\x80\x80", "\xf5", "\xff", "\xf0\x9f\x98", "\xe2\x28\xa1",
        "\xf0\x9f\x28\x80", "2025-03-01T11:00", "12345678901234567890"};
    constexpr std::size_t n = sizeof pieces / sizeof pieces[0];
    std::string s;
    for (std::size_t i = count(5); i > 0; --i) s += pieces[below(n)];
    return s;
  }

 private:
  std::uint64_t below(std::uint64_t n) { return rng_() % n; }
  bool coin() { return below(2) == 0; }
  std::size_t count(std::size_t max) { return static_cast<std::size_t>(below(max + 1)); }

  void opt(opt_string& o) {
    if (coin()) o = str();
  }
  void opt(opt_text& o) {
    if (coin()) o = str();
  }
  void opt(std::optional<bool>& o) {
    if (coin()) o = coin();
  }
  void opt(std::optional<std::uint32_t>& o) {
    if (!coin()) return;
    static const std::uint32_t edges[] = {0, 1, 9, 10, 99, 1000, 4294967295u};
    o = coin() ? edges[below(7)] : static_cast<std::uint32_t>(rng_());
  }
  void opt(std::optional<double>& o) {
    if (!coin()) return;
    static const double edges[] = {0.0,
                                   -0.0,
                                   450.0,
                                   450.5,
                                   0.1,
                                   1e-7,
                                   1e21,
                                   123456789012345678.0,
                                   1.0 / 3.0,
                                   -23.25,
                                   std::numeric_limits<double>::quiet_NaN(),
                                   std::numeric_limits<double>::infinity(),
                                   -std::numeric_limits<double>::infinity(),
                                   std::numeric_limits<double>::denorm_min(),
                                   std::numeric_limits<double>::max()};
    constexpr std::size_t n = sizeof edges / sizeof edges[0];
    if (coin()) {
      o = edges[below(n)];
    } else {
      // Any bit pattern: every exponent and mantissa shape nlohmann's formatter has a branch
      // for (NaNs included).
      const std::uint64_t bits = rng_();
      double d;
      static_assert(sizeof d == sizeof bits);
      std::memcpy(&d, &bits, sizeof d);
      o = d;
    }
  }
  void strings(std::vector<std::string>& v) {
    for (std::size_t i = count(3); i > 0; --i) v.push_back(str());
  }

  contact contact_() { return {str(), str()}; }
  reference reference_() { return {str(), str()}; }
  address address_() {
    address a;
    for (auto* o :
         {&a.purpose, &a.street, &a.city, &a.sub_entity, &a.postal_code, &a.country, &a.free_text})
      opt(*o);
    return a;
  }
  document document_() {
    document d;
    d.type = str();
    d.number = str();
    for (auto* o : {&d.issuing_state, &d.expiry, &d.issue_date, &d.nationality, &d.source}) opt(*o);
    return d;
  }
  place_time place_() {
    place_time p;
    opt(p.port);
    opt(p.scheduled);
    opt(p.qualifier);
    return p;
  }
  leg leg_() {
    leg l;
    opt(l.sequence);
    for (auto* o : {&l.carrier, &l.flight_number, &l.operating_carrier, &l.operating_flight_number,
                    &l.booking_class, &l.status, &l.equipment})
      opt(*o);
    opt(l.party_size);
    l.departure = place_();
    l.arrival = place_();
    return l;
  }
  bags bags_() {
    bags b;
    opt(b.count);
    opt(b.weight);
    opt(b.unit);
    strings(b.tags);
    return b;
  }
  ssr ssr_() {
    ssr s;
    s.code = str();
    for (auto* o : {&s.status, &s.carrier, &s.board, &s.off, &s.text}) opt(*o);
    opt(s.quantity);
    strings(s.traveller_refs);
    for (std::size_t i = count(3); i > 0; --i)
      s.segment_refs.push_back(static_cast<std::uint32_t>(rng_()));
    return s;
  }
  payment payment_() {
    payment p;
    p.type = str();
    for (auto* o : {&p.vendor, &p.account_masked, &p.expiry, &p.currency}) opt(*o);
    opt(p.amount);
    return p;
  }
  ticket ticket_() {
    ticket t;
    for (auto* o : {&t.number, &t.document_type, &t.issue_date, &t.currency}) opt(*o);
    opt(t.booklets);
    opt(t.base_fare);
    opt(t.total_fare);
    for (std::size_t i = count(2); i > 0; --i) t.payments.push_back(payment_());
    return t;
  }
  traveller traveller_() {
    traveller t;
    t.role = str();
    t.surname = str();
    for (auto* o : {&t.party_function, &t.given_names, &t.middle_names, &t.gender, &t.date_of_birth,
                    &t.nationality, &t.embarkation, &t.debarkation, &t.seat})
      opt(*o);
    for (std::size_t i = count(2); i > 0; --i) t.documents.push_back(document_());
    for (std::size_t i = count(2); i > 0; --i) t.references.push_back(reference_());
    // Travellers with and without their out-of-line details (absent: details() is all empty).
    if (coin()) {
      traveller_details& x = t.mutable_details();
      for (auto* o : {&x.title, &x.residence_country, &x.place_of_birth, &x.clearance_port,
                      &x.crew_function, &x.verified, &x.pnr_traveller_ref, &x.passenger_type})
        opt(*o);
      opt(x.in_transit);
      opt(x.infant);
      opt(x.accompanied_by_infant);
      for (std::size_t i = count(2); i > 0; --i) x.addresses.push_back(address_());
      for (std::size_t i = count(2); i > 0; --i) x.contacts.push_back(contact_());
      if (coin()) x.baggage = bags_();
      for (std::size_t i = count(2); i > 0; --i) {
        frequent_flyer f;
        opt(f.carrier);
        opt(f.number);
        opt(f.tier);
        x.frequent_flyers.push_back(f);
      }
      for (std::size_t i = count(2); i > 0; --i) x.tickets.push_back(ticket_());
      for (std::size_t i = count(2); i > 0; --i) x.ssrs.push_back(ssr_());
    }
    return t;
  }
  pnr pnr_() {
    pnr p;
    for (std::size_t i = count(2); i > 0; --i) {
      record_locator r;
      r.locator = str();
      opt(r.company);
      opt(r.control_type);
      p.record_locators.push_back(r);
    }
    opt(p.created);
    opt(p.last_modified);
    opt(p.cancelled);
    if (coin()) {
      originator o;
      for (auto* s : {&o.company, &o.location, &o.agent_id, &o.originator_type, &o.country,
                      &o.currency, &o.language})
        opt(*s);
      p.origin = o;
    }
    for (std::size_t i = count(2); i > 0; --i) p.travellers.push_back(traveller_());
    for (std::size_t i = count(2); i > 0; --i) p.itinerary.push_back(leg_());
    for (std::size_t i = count(2); i > 0; --i) p.ssrs.push_back(ssr_());
    strings(p.osi);
    for (std::size_t i = count(2); i > 0; --i) p.contacts.push_back(contact_());
    for (std::size_t i = count(2); i > 0; --i) p.addresses.push_back(address_());
    strings(p.split_locators);
    for (std::size_t i = count(2); i > 0; --i) {
      other_segment s;
      opt(s.kind);
      opt(s.text);
      p.other_segments.push_back(s);
    }
    for (std::size_t i = count(2); i > 0; --i) {
      check_in c;
      for (auto* o : {&c.traveller_ref, &c.seat, &c.cabin, &c.sequence, &c.at}) opt(*o);
      if (coin()) c.baggage = bags_();
      p.check_ins.push_back(c);
    }
    for (std::size_t i = count(2); i > 0; --i) {
      history_entry h;
      for (auto* o : {&h.action, &h.at, &h.originator, &h.text}) opt(*o);
      p.history.push_back(h);
    }
    opt(p.sensitive_removed);
    return p;
  }

  std::mt19937_64 rng_;
};

TEST(CanonicalWriter, RandomModelsGiveTheBytesOfTheDomDump) {
  model_maker make(20261127);
  std::string reused;
  std::size_t replaced = 0, nulls = 0;
  for (int i = 0; i < 3000; ++i) {
    const canonical_message m = make.message();
    const std::string want = oracle(m);
    reused.clear();
    append_canonical_json(m, reused);
    ASSERT_EQ(reused, want) << "model " << i;
    replaced += want.find("\xEF\xBF\xBD") != std::string::npos;
    nulls += want.find(":null") != std::string::npos;
  }
  // The generator must reach the rare branches, or the comparison proves less than it says.
  EXPECT_GT(replaced, 100u);
  EXPECT_GT(nulls, 10u);
}

TEST(CanonicalWriter, EveryOptionalSetGivesTheBytesOfTheDomDump) {
  // Key order is where a hand-written writer goes wrong: a model with every member present in
  // every object, so that each object's full key order is compared.
  model_maker make(7);
  for (int i = 0; i < 200; ++i) {
    canonical_message m = make.message();
    m.message.version = m.message.sender = m.message.recipient = m.message.prepared = "X";
    m.message.interchange_reference = m.message.message_reference = "1";
    m.message.application_reference = m.message.common_access_reference = "A";
    m.message.document_code = m.message.document_subtype = m.message.scenario = "S";
    m.message.transaction_reference = m.message.transaction_revision = "T";
    m.message.test = true;
    m.reporter = reporting_party{"R", {{"phone", "1"}}};
    m.counts = totals{1, 2, 3};
    m.push = push_info{"full", "XX", "LHR", "SYS"};
    ASSERT_EQ(canonical_json(m), oracle(m)) << "model " << i;
  }
}

TEST(CanonicalWriter, StringEscapesMatchNlohmann) {
  canonical_message m;
  m.message.kind = "api";
  m.message.syntax = "edifact";
  m.message.type = "PAXLST";
  traveller t;
  t.role = "passenger";
  for (int c = 0; c < 256; ++c) t.surname.push_back(static_cast<char>(c));
  t.given_names = std::string("a\0b", 3);
  t.middle_names = "\xe2\x82";  // truncated at the end of the string
  m.travellers.push_back(t);
  const std::string got = canonical_json(m);
  EXPECT_EQ(got, oracle(m));
  EXPECT_NE(got.find("a\\u0000b"), std::string::npos);
  EXPECT_NE(got.find("\\u001f"), std::string::npos);
  EXPECT_NE(got.find("\\b\\t\\n\\u000b\\f\\r"), std::string::npos);
}

TEST(CanonicalWriter, NumbersMatchNlohmann) {
  canonical_message m;
  m.message.kind = "pnr_push";
  m.message.syntax = "edifact";
  m.message.type = "PNRGOV";
  pnr p;
  traveller t;
  t.role = "passenger";
  t.surname = "DOE";
  for (const double d : {0.0, -0.0, 450.0, 450.5, 1e-5, 1e16, 1e15, 123.456e-12,
                         std::numeric_limits<double>::quiet_NaN()}) {
    ticket tk;
    tk.total_fare = d;
    t.mutable_details().tickets.push_back(tk);
  }
  p.travellers.push_back(t);
  p.sensitive_removed = 4294967295u;
  m.pnrs.push_back(p);
  const std::string got = canonical_json(m);
  EXPECT_EQ(got, oracle(m));
  EXPECT_NE(got.find("\"total_fare\":450.0}"), std::string::npos);
  EXPECT_NE(got.find("\"total_fare\":null}"), std::string::npos);
  EXPECT_NE(got.find("\"sensitive_removed\":4294967295"), std::string::npos);
}

TEST(CanonicalWriter, AppendsWithoutClearing) {
  canonical_message m;
  m.message.kind = "api";
  std::string out = "prefix";
  append_canonical_json(m, out);
  EXPECT_EQ(out, "prefix" + oracle(m));
}

}  // namespace
}  // namespace apipnr::model
