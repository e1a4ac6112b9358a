#include "apipnr/model/canonical.hpp"

#include <fstream>
#include <sstream>
#include <string>

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
  t.passenger_type = "A";
  t.pnr_traveller_ref = "1";
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
  t.tickets.push_back(tk);
  ssr s;
  s.code = "DOCS";
  s.status = "HK";
  s.quantity = 1;
  s.carrier = "XX";
  s.text = "/P/IRL/PA1234567/IRL/12APR85/F/01JAN30/OBRIEN/ANNE";
  s.traveller_refs = {"1"};
  t.ssrs.push_back(s);
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

}  // namespace
}  // namespace apipnr::model
