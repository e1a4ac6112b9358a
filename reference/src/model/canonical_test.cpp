#include "apipnr/model/canonical.hpp"

#include <fstream>
#include <sstream>
#include <string>
#include <utility>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace apipnr::model {
namespace {

nlohmann::json load_example(const std::string& name) {
  std::ifstream in(std::string(APIPNR_SOURCE_DIR) + "/specs/canonical/examples/" + name);
  EXPECT_TRUE(in) << name;
  return nlohmann::json::parse(in);
}

canonical_message a1() {
  canonical_message m;
  m.message.kind = "api";
  m.message.syntax = "edifact";
  m.message.type = "PAXLST";
  m.message.version = "D:05B";
  m.message.sender = "XXAPI";
  m.message.recipient = "PIUTEST";
  m.message.interchange_reference = "1001";
  m.message.message_reference = "1";
  m.message.application_reference = "APIS";
  m.message.prepared = "2025-03-01T09:30";
  m.message.common_access_reference = "XX123/250301/1100";
  m.message.parts.push_back({1, true, "1"});
  m.message.document_code = "745";
  m.message.scenario = "initial";
  m.message.transaction_reference = "XX1232503011";
  m.message.transaction_revision = "1";
  m.reporter = reporting_party{"OPS CONTROL", {{"phone", "44 20 0000 0000"}}};
  flight f;
  f.carrier = "XX";
  f.number = "123";
  f.journey_id = "XX123";
  f.transport_stage = "20";
  leg l;
  l.sequence = 1;
  l.departure = {"LHR", "2025-03-01T11:00", "125"};
  l.arrival = {"JFK", "2025-03-01T14:00", "87"};
  f.legs.push_back(l);
  m.flight_info = f;
  traveller t;
  t.role = "passenger";
  t.party_function = "FL";
  t.surname = "O'BRIEN";
  t.given_names = "ANNE";
  t.middle_names = "MARIE";
  t.gender = "F";
  t.date_of_birth = "1985-04-12";
  t.nationality = "IRL";
  t.embarkation = "LHR";
  t.debarkation = "JFK";
  t.references = {{"AVF", "ABC123"}, {"ABO", "0001"}};
  document d;
  d.type = "P";
  d.number = "PA1234567";
  d.issuing_state = "IRL";
  d.expiry = "2030-01-01";
  d.source = "DOC";
  t.documents.push_back(d);
  m.travellers.push_back(t);
  m.counts = totals{1, std::nullopt, std::nullopt};
  return m;
}

TEST(CanonicalModel, PaxlstExampleSerialisesExactlyAsTheSchemaExample) {
  EXPECT_EQ(to_json(a1()), load_example("paxlst-a1.json"));
}

TEST(CanonicalModel, AbsentFieldsAreOmittedNotNull) {
  canonical_message m;
  m.message.kind = "api";
  m.message.syntax = "edifact";
  m.message.type = "PAXLST";
  traveller t;
  t.role = "passenger";
  t.surname = "DOE";
  m.travellers.push_back(t);
  const auto j = to_json(m);
  EXPECT_FALSE(j["travellers"][0].contains("given_names"));
  EXPECT_FALSE(j["travellers"][0].contains("documents"));
  EXPECT_FALSE(j.contains("flight"));
  EXPECT_EQ(j["canonical_version"], "1.0");
}

TEST(CanonicalModel, PnrExampleSerialisesExactlyAsTheSchemaExample) {
  canonical_message m;
  m.message.kind = "pnr_push";
  m.message.syntax = "edifact";
  m.message.type = "PNRGOV";
  m.message.version = "13:1";
  m.message.sender = "XX";
  m.message.recipient = "PIUPNR";
  m.message.interchange_reference = "3001";
  m.message.message_reference = "1";
  m.message.prepared = "2025-02-28T11:00";
  m.message.common_access_reference = "XX123/010325/1100/24";
  m.message.parts.push_back({1, true, "1"});
  m.message.document_code = "22";
  m.message.scenario = "full_push";
  m.push = push_info{"full", "XX", "LHR", std::nullopt};
  flight f;
  f.carrier = "XX";
  f.number = "123";
  leg l;
  l.sequence = 1;
  l.departure = {"LHR", "2025-03-01T11:00", std::nullopt};
  l.arrival = {"JFK", "2025-03-01T14:00", std::nullopt};
  f.legs.push_back(l);
  m.flight_info = f;
  m.counts = totals{std::nullopt, std::nullopt, 1};
  pnr p;
  p.record_locators.push_back({"ABC123", "XX", std::nullopt});
  p.created = "2025-01-15T09:15";
  p.last_modified = "2025-02-27T10:10";
  p.origin = originator{"XX", "LHR", "12345678", "A", "GB", "GBP", std::nullopt};
  traveller t;
  t.role = "passenger";
  t.surname = "OBRIEN";
  t.given_names = "ANNEMS";
  t.mutable_details().passenger_type = "A";
  t.mutable_details().pnr_traveller_ref = "1";
  t.date_of_birth = "1985-04-12";
  t.gender = "F";
  document d;
  d.type = "P";
  d.number = "PA1234567";
  d.issuing_state = "IRL";
  d.nationality = "IRL";
  d.expiry = "2030-01-01";
  d.source = "DOCS";
  t.documents.push_back(d);
  ticket tk;
  tk.number = "9992123456789";
  tk.document_type = "T";
  tk.booklets = 1;
  tk.total_fare = 450.00;
  tk.currency = "GBP";
  payment pay;
  pay.type = "CC";
  pay.vendor = "VI";
  pay.account_masked = "XXXXXXXXXXXX1234";
  pay.expiry = "0127";
  tk.payments.push_back(pay);
  t.mutable_details().tickets.push_back(tk);
  ssr s;
  s.code = "DOCS";
  s.status = "HK";
  s.quantity = 1;
  s.carrier = "XX";
  s.text = "/P/IRL/PA1234567/IRL/12APR85/F/01JAN30/OBRIEN/ANNE";
  s.traveller_refs = {"1"};
  t.mutable_details().ssrs.push_back(s);
  p.travellers.push_back(t);
  leg seg;
  seg.sequence = 1;
  seg.carrier = "XX";
  seg.flight_number = "123";
  seg.booking_class = "Y";
  seg.status = "HK";
  seg.party_size = 1;
  seg.equipment = "77W";
  seg.departure = {"LHR", "2025-03-01T11:00", std::nullopt};
  seg.arrival = {"JFK", "2025-03-01T14:00", std::nullopt};
  p.itinerary.push_back(seg);
  p.sensitive_removed = 0;
  m.pnrs.push_back(p);
  EXPECT_EQ(to_json(m), load_example("pnrgov-a3.json"));
}

// traveller_details are out of line: a traveller without them reads as "all absent", one with
// them copies them deeply, and an allocated but empty set writes the same JSON as none.
TEST(CanonicalModel, TravellerDetailsOutOfLine) {
  traveller a;
  a.role = "passenger";
  a.surname = "DOE";
  EXPECT_FALSE(a.has_details());
  EXPECT_FALSE(a.details().title.has_value());
  EXPECT_TRUE(a.details().ssrs.empty());
  EXPECT_TRUE(a.details().baggage.empty());
  EXPECT_FALSE(a.has_details());  // reading allocates nothing

  canonical_message m;
  m.message.kind = "api";
  m.travellers.push_back(a);
  const std::string without = canonical_json(m);
  m.travellers[0].mutable_details();  // allocated, every field still absent
  EXPECT_TRUE(m.travellers[0].has_details());
  EXPECT_EQ(canonical_json(m), without);
  EXPECT_EQ(to_json(m).dump(), nlohmann::json::parse(without).dump());

  traveller b = m.travellers[0];
  b.mutable_details().crew_function = "CR1";
  b.mutable_details().ssrs.emplace_back().code = "DOCS";
  traveller c = b;  // deep copy
  c.mutable_details().crew_function = "CR2";
  EXPECT_EQ(b.details().crew_function, "CR1");
  EXPECT_EQ(c.details().crew_function, "CR2");
  ASSERT_EQ(c.details().ssrs.size(), 1u);
  c = a;  // copy assignment from a traveller without details drops them
  EXPECT_FALSE(c.has_details());
  traveller d = std::move(b);  // moving moves the pointer
  EXPECT_EQ(d.details().crew_function, "CR1");
  m.travellers[0] = d;
  EXPECT_NE(canonical_json(m).find("\"crew_function\":\"CR1\""), std::string::npos);
  EXPECT_EQ(to_json(m)["travellers"][0]["ssrs"][0]["code"], "DOCS");
}

// Whether `data` points into the traveller object itself (an in-line element), not the heap.
bool inside(const traveller& t, const void* data) {
  const auto* b = reinterpret_cast<const char*>(&t);
  const auto* p = static_cast<const char*>(data);
  return p >= b && p < b + sizeof(traveller);
}

// One document and three references are stored in the traveller (document_list,
// reference_list); more move to the heap with every element kept, and copies, moves and both
// JSON writers see the same lists either way.
TEST(CanonicalModel, DocumentsAndReferencesInLineUpToTheirCounts) {
  canonical_message m;
  m.message.kind = "api";
  traveller& t = m.travellers.emplace_back();
  t.role = "passenger";
  t.surname = "DOE";
  t.documents.push_back({"P", "123", "IRL", "2030-01-01", std::nullopt, std::nullopt, "DOC"});
  t.references = {{"AVF", "ABC"}, {"ABO", "0001"}};
  t.references.emplace_back().qualifier = "SEA";
  t.references.back().value = "12A";
  EXPECT_TRUE(inside(t, t.documents.data()));
  EXPECT_TRUE(inside(t, t.references.data()));
  const std::string three = canonical_json(m);
  EXPECT_EQ(to_json(m).dump(), nlohmann::json::parse(three).dump());
  EXPECT_NE(three.find(R"("references":[{"qualifier":"AVF","value":"ABC"},)"
                       R"({"qualifier":"ABO","value":"0001"},{"qualifier":"SEA","value":"12A"}])"),
            std::string::npos);

  traveller moved = std::move(t);  // in-line elements are moved one by one
  m.travellers[0] = traveller(moved);
  EXPECT_EQ(canonical_json(m), three);
  EXPECT_TRUE(inside(m.travellers[0], m.travellers[0].references.data()));

  traveller& u = m.travellers[0];
  u.references.push_back({"CR", "FF1"});  // a fourth: the list moves to the heap
  u.documents.push_back(
      {"V", "456", std::nullopt, std::nullopt, std::nullopt, std::nullopt, "DOC"});
  EXPECT_FALSE(inside(u, u.references.data()));
  EXPECT_FALSE(inside(u, u.documents.data()));
  ASSERT_EQ(u.references.size(), 4u);
  EXPECT_EQ(u.references[0].value, "ABC");
  EXPECT_EQ(u.references[3].qualifier, "CR");
  EXPECT_EQ(u.documents[0].number, "123");
  EXPECT_EQ(u.documents[1].number, "456");
  const std::string four = canonical_json(m);
  EXPECT_EQ(to_json(m).dump(), nlohmann::json::parse(four).dump());
  traveller copy = u;  // a deep copy of heap lists
  m.travellers.push_back(std::move(copy));
  m.travellers.push_back(m.travellers[0]);  // the vector grows: travellers are moved
  const auto doc = to_json(m);
  EXPECT_EQ(doc["travellers"][0], doc["travellers"][1]);
  EXPECT_EQ(doc["travellers"][0], doc["travellers"][2]);
  EXPECT_EQ(doc["travellers"][0]["references"].size(), 4u);
  EXPECT_EQ(doc["travellers"][0]["documents"][1]["number"], "456");
}

// The hot types hold their values in model::text / opt_text (16 bytes) instead of std::string /
// std::optional<std::string> (32 / 40): a traveller was 936 bytes (docs/PERFORMANCE.md,
// sixteenth pass). Values longer than the 15 in-line bytes, present empty values and absent ones
// come out of both writers as they went in, and survive copies, moves and a cleared slot.
TEST(CanonicalModel, TravellerIsUnderHalfItsStdStringSize) {
#if defined(__x86_64__) && defined(__GLIBCXX__)
  static_assert(sizeof(reference) == 32);
  static_assert(sizeof(document) == 112);
  static_assert(sizeof(traveller) <= 480);
#endif
  canonical_message m;
  m.message.kind = "api";
  traveller& t = m.travellers.emplace_back();
  t.role = "transit_passenger";  // 17 bytes: on the heap
  t.surname = "";                // present and empty: written
  t.given_names = "A GIVEN NAME LONGER THAN FIFTEEN";
  t.middle_names.emplace();  // present and empty: written as sent
  t.date_of_birth = "1985-04-12";
  t.documents.push_back(
      {"P", std::string(40, 'N'), "IRL", "2030-01-01", std::nullopt, std::nullopt, "DOC"});
  t.references.push_back({"AVF", "ABCDEFGHIJKLMNOP"});  // 16 bytes
  t.references.push_back({"SEA", "123456789012345"});   // 15 bytes: in line
  const std::string j = canonical_json(m);
  EXPECT_EQ(to_json(m).dump(), nlohmann::json::parse(j).dump());
  for (const char* part :
       {R"("role":"transit_passenger")", R"("surname":"")",
        R"("given_names":"A GIVEN NAME LONGER THAN FIFTEEN")", R"("middle_names":"")",
        R"("date_of_birth":"1985-04-12")", R"({"qualifier":"AVF","value":"ABCDEFGHIJKLMNOP"})",
        R"({"qualifier":"SEA","value":"123456789012345"})"}) {
    EXPECT_NE(j.find(part), std::string::npos) << part;
  }
  EXPECT_NE(j.find(std::string(40, 'N')), std::string::npos);
  for (const char* absent : {"gender", "nationality", "embarkation", "issue_date", "seat"})
    EXPECT_EQ(j.find(absent), std::string::npos) << absent;

  const traveller copy = t;
  traveller moved = std::move(t);
  t.clear();
  t = copy;
  EXPECT_EQ(canonical_json(m), j);
  m.travellers.push_back(std::move(moved));
  m.travellers.push_back(copy);  // grows: travellers are moved
  const auto doc = to_json(m);
  EXPECT_EQ(doc["travellers"][0], doc["travellers"][1]);
  EXPECT_EQ(doc["travellers"][0], doc["travellers"][2]);
}

// clear() makes a traveller equal to a new one (same canonical JSON and to_json, no details)
// and keeps the capacity of the vectors a reused slot fills again.
TEST(CanonicalModel, ClearedTravellerEqualsANewOne) {
  canonical_message fresh;
  fresh.message.kind = "api";
  fresh.travellers.emplace_back();
  const std::string empty_json = canonical_json(fresh);

  canonical_message m = fresh;
  traveller& t = m.travellers[0];
  t.role = "passenger";
  t.surname = "A SURNAME LONGER THAN SSO";
  for (auto* f : {&t.party_function, &t.given_names, &t.middle_names, &t.gender, &t.date_of_birth,
                  &t.nationality, &t.embarkation, &t.debarkation, &t.seat}) {
    *f = "X";
  }
  t.documents.push_back({"P", "123", "IRL", "2030-01-01", "2020-01-01", "IRL", "DOC"});
  t.references.push_back({"AVF", "ABC"});
  t.references.push_back({"SEA", "12A"});
  t.mutable_details().crew_function = "CR1";
  t.mutable_details().ssrs.emplace_back().code = "DOCS";
  ASSERT_NE(canonical_json(m), empty_json);

  const std::size_t doc_cap = t.documents.capacity();
  const std::size_t ref_cap = t.references.capacity();
  const std::size_t surname_cap = t.surname.capacity();
  t.clear();
  EXPECT_EQ(canonical_json(m), empty_json);
  EXPECT_EQ(to_json(m).dump(), to_json(fresh).dump());
  EXPECT_FALSE(t.has_details());
  EXPECT_TRUE(t.documents.empty());
  EXPECT_TRUE(t.references.empty());
  EXPECT_EQ(t.documents.capacity(), doc_cap);
  EXPECT_EQ(t.references.capacity(), ref_cap);
  EXPECT_EQ(t.surname.capacity(), surname_cap);
}

}  // namespace
}  // namespace apipnr::model
