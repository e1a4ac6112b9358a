#include "apipnr/validate/quality.hpp"

#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace apipnr::validate {
namespace {

model::traveller traveller(bool full) {
  model::traveller t;
  t.role = "passenger";
  t.surname = "OBRIEN";
  t.gender = "F";
  if (full) {
    t.date_of_birth = "1985-04-12";
    t.nationality = "IRL";
    t.documents.push_back(
        {"P", "PA1234567", "IRL", "2030-01-01", std::nullopt, std::nullopt, std::nullopt});
  } else {
    // A document without expiry is not complete.
    t.documents.push_back(
        {"P", "PA7654321", "IRL", std::nullopt, std::nullopt, std::nullopt, std::nullopt});
  }
  return t;
}

model::canonical_message paxlst(std::string prepared, std::string departure) {
  model::canonical_message m;
  m.message.kind = "api";
  m.message.syntax = "edifact";
  m.message.type = "PAXLST";
  m.message.prepared = std::move(prepared);
  m.flight_info = model::flight{};
  m.flight_info->carrier = "XX";
  m.flight_info->number = "123";
  model::leg leg;
  leg.departure.scheduled = std::move(departure);
  m.flight_info->legs.push_back(leg);
  m.travellers = {traveller(true), traveller(false)};
  return m;
}

file_report file(std::string name, std::string sender, std::string ref, std::string sha,
                 pipeline::verdict v) {
  file_report f;
  f.file = std::move(name);
  f.envelope.sender = std::move(sender);
  f.envelope.control_reference = std::move(ref);
  f.sha256 = std::move(sha);
  f.outcome = v;
  return f;
}

TEST(ValidateQuality, MinutesBetweenCrossesMonthAndYearEnds) {
  EXPECT_EQ(minutes_between("2024-12-31T23:00", "2025-01-01T01:30"), 150);
  EXPECT_EQ(minutes_between("2024-02-28T00:00", "2024-03-01T00:00"), 2 * 1440);  // leap year
  EXPECT_EQ(minutes_between("2025-03-01T11:00", "2025-03-01T09:30"), -90);
  EXPECT_EQ(minutes_between("2025-03-01", "2025-03-02"), 1440);
  EXPECT_FALSE(minutes_between("2025-3-01", "2025-03-02"));
  EXPECT_FALSE(minutes_between("", "2025-03-02"));
}

TEST(ValidateQuality, TimingBuckets) {
  EXPECT_EQ(timing_bucket(-1), 0u);
  EXPECT_EQ(timing_bucket(59), 1u);
  EXPECT_EQ(timing_bucket(60), 2u);
  EXPECT_EQ(timing_bucket(24 * 60), 3u);
  EXPECT_EQ(timing_bucket(72 * 60), 4u);
  EXPECT_EQ(timing_bucket(std::nullopt), 5u);
}

TEST(ValidateQuality, SharesPerSenderAndFlightDuplicatesAndFindings) {
  quality_collector q;
  const std::vector<model::canonical_message> msgs = {
      paxlst("2025-03-01T09:30", "2025-03-01T11:00")};
  const std::string sha_a(64, 'a'), sha_b(64, 'b');
  file_report a = file("a.edi", "XXAPI", "1001", sha_a, pipeline::verdict::accept);
  file_report b = file("b.edi", "XXAPI", "1001", sha_b, pipeline::verdict::reject);
  diagnostic d;
  d.id = "EDI-UNT-COUNT";
  d.detail = "count";
  finding f;
  f.diag = d;
  f.at = {3, 5};
  b.findings.push_back(f);
  file_report c = file("c.edi", "YYAPI", "7", sha_a, pipeline::verdict::accept);
  q.add(a, msgs);
  q.add(b, msgs);
  q.add(c, {});
  const quality_report rep = q.finish();

  EXPECT_EQ(rep.interchanges, 3u);
  EXPECT_EQ(rep.accepted, 2u);
  EXPECT_EQ(rep.travellers, 4u);
  ASSERT_EQ(rep.senders.size(), 2u);
  EXPECT_EQ(rep.senders[0].key, "XXAPI");
  EXPECT_EQ(rep.senders[0].interchanges, 2u);
  EXPECT_EQ(rep.senders[0].accepted, 1u);
  EXPECT_EQ(rep.senders[0].documents_complete, 2u);
  EXPECT_EQ(rep.senders[0].date_of_birth, 2u);
  EXPECT_EQ(rep.senders[0].gender, 4u);
  EXPECT_EQ(rep.senders[0].timing[2], 2u);  // 90 minutes before departure
  EXPECT_EQ(rep.senders[0].earliest_lead_minutes, 90);
  ASSERT_EQ(rep.flights.size(), 1u);
  EXPECT_EQ(rep.flights[0].key, "XX 123 2025-03-01");
  EXPECT_EQ(rep.timing[5], 1u);  // c.edi: nothing extracted
  ASSERT_EQ(rep.duplicates.size(), 2u);
  EXPECT_EQ(rep.duplicates[0].kind, "same_reference");
  EXPECT_EQ(rep.duplicates[0].files, (std::vector<std::string>{"a.edi", "b.edi"}));
  EXPECT_EQ(rep.duplicates[1].kind, "same_content");
  EXPECT_EQ(rep.duplicates[1].files, (std::vector<std::string>{"a.edi", "c.edi"}));
  ASSERT_EQ(rep.findings.size(), 1u);
  EXPECT_EQ(rep.findings[0].example_file, "b.edi");
  EXPECT_EQ(rep.findings[0].line, 3u);

  const auto j = to_json(rep);
  EXPECT_EQ(j["senders"][0]["documents_complete"]["share"], 0.5);
  EXPECT_EQ(j["findings"][0]["example"]["column"], 5);
}

TEST(ValidateQuality, HtmlIsSelfContainedAndEscaped) {
  quality_collector q;
  file_report a = file("<script>.edi", "X&Y", "1", std::string(64, 'c'), pipeline::verdict::accept);
  q.add(a, {paxlst("2025-03-01T09:30", "2025-03-01T11:00")});
  const std::string html = to_html(q.finish());
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find(" src="), std::string::npos);
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_NE(html.find("<style>"), std::string::npos);
  EXPECT_NE(html.find("X&amp;Y"), std::string::npos);
}

TEST(ValidateQuality, EmptyBatchHasNoShares) {
  const auto j = to_json(quality_collector{}.finish());
  EXPECT_EQ(j["interchanges"], 0);
  EXPECT_TRUE(j["accepted"]["share"].is_null());
  EXPECT_NE(to_html(quality_collector{}.finish()).find("No findings"), std::string::npos);
}

}  // namespace
}  // namespace apipnr::validate
