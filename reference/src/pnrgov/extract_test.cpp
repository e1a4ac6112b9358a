#include "apipnr/pnrgov/extract.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "apipnr/edifact/parser.hpp"
#include "apipnr/message/tree.hpp"

namespace apipnr::pnrgov {
namespace {

const message::definitions& defs() {
  static const message::definitions d =
      message::load_definitions(std::string(APIPNR_SOURCE_DIR) + "/specs/messages").value();
  return d;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Wraps level-0 and PNR segments (each ending in ') in a PNRGOV 13.1 envelope with a correct
// UNT count.
std::string wrap(const std::string& body, const std::string& function = "22",
                 const std::string& type = "PNRGOV") {
  const auto segments = std::count(body.begin(), body.end(), '\'') + 5;
  return "UNA:+.?*'UNB+IATA:1+XX+PIUPNR+250228:1100+3001'UNG+PNRGOV+XX+PIUPNR+250228:1100+1+IA+"
         "13:1'UNH+1+" +
         type + ":13:1:IA+XX123/010325/1100/24+01:F'MSG+:" + function +
         "'ORG+XX:LHR'TVL+010325:1100:010325:1400+LHR+JFK+XX+123'" + body + "UNT+" +
         std::to_string(segments) + "+1'UNE+1+1'UNZ+1+3001'";
}

constexpr const char* pnr_head = "SRC'RCI+XX:ABC123::150125:0915'ORG+XX:LHR'";
constexpr const char* one_leg = "TVL+010325:1100:010325:1400+LHR+JFK+XX+123:Y'RPI+1+HK'";

struct run_result {
  model::canonical_message model;
  diagnostic_list findings;
  bool ok = false;
};

run_result run(const std::string& text, const extract_options& opt = {}) {
  run_result r;
  edifact::interchange ic;
  diagnostic_list syntax;
  const edifact::parser p;
  (void)p.parse(text, ic, syntax);
  auto m = extract(ic, 0, defs(), r.findings, opt);
  r.ok = m.has_value();
  if (m) r.model = std::move(*m);
  return r;
}

std::string msg(const std::string& pnr_body, const std::string& eqn = "1",
                const std::string& function = "22") {
  return wrap("EQN+" + eqn + "'" + pnr_body, function);
}

bool has(const diagnostic_list& l, errc e) { return l.contains(make_error_code(e)); }

const diagnostic* find(const diagnostic_list& l, errc e) {
  for (const auto& d : l.items())
    if (d.code == make_error_code(e)) return &d;
  return nullptr;
}

TEST(PnrgovExtract, AppendixA3PnrsMatchCanonicalExample) {
  const std::string root = APIPNR_SOURCE_DIR;
  const auto expected =
      nlohmann::json::parse(read_file(root + "/specs/canonical/examples/pnrgov-a3.json"));
  const std::string a3 =
      "UNA:+.?*'UNB+IATA:1+XX+PIUPNR+250228:1100+3001'UNG+PNRGOV+XX+PIUPNR+250228:1100+1+IA+"
      "13:1'UNH+1+PNRGOV:13:1:IA+XX123/010325/1100/24+01:F'MSG+:22'ORG+XX:LHR'"
      "TVL+010325:1100:010325:1400+LHR+JFK+XX+123'EQN+1'SRC'RCI+XX:ABC123::150125:0915'"
      "DAT+700:270225:1010'ORG+XX:LHR+12345678:LON+++A+GB:GBP'TIF+OBRIEN+ANNEMS:A:1'"
      "SSR+DOCS:HK:1:XX:::::/P/IRL/PA1234567/IRL/12APR85/F/01JAN30/OBRIEN/ANNE+::1'"
      "TKT+9992123456789:T:1'MON+T:450.00:GBP'FOP+CC:::VI:XXXXXXXXXXXX1234:0127'"
      "TVL+010325:1100:010325:1400+LHR+JFK+XX+123:Y'RPI+1+HK'APD+77W'UNT+18+1'UNE+1+1'"
      "UNZ+1+3001'";
  const auto r = run(a3);
  ASSERT_TRUE(r.ok);
  const auto j = model::to_json(r.model);
  EXPECT_EQ(j["pnrs"], expected["pnrs"]) << j["pnrs"].dump(1);
  EXPECT_EQ(j["flight"], expected["flight"]);
  EXPECT_EQ(j["totals"], expected["totals"]);
  EXPECT_EQ(j["pnr_push"], expected["pnr_push"]);
  EXPECT_EQ(j["message"], expected["message"]) << j["message"].dump(1);
  EXPECT_EQ(r.findings.worst(), severity::info);
}

TEST(PnrgovExtract, DocsWithEmptyPositionsKeepsBirthDateAndGenderWithoutDocument) {
  const auto r =
      run(msg(std::string(pnr_head) +
              "TIF+TESTER+ZED:A:1'SSR+DOCS:HK:1:XX::::://///14JUL71/M//TESTER/ZED+::1'" + one_leg));
  const auto& t = r.model.pnrs.at(0).travellers.at(0);
  EXPECT_TRUE(t.documents.empty());
  EXPECT_EQ(t.date_of_birth, "1971-07-14");
  EXPECT_EQ(t.gender, "M");
  EXPECT_TRUE(has(r.findings, errc::docs_incomplete));
}

TEST(PnrgovExtract, DocsPositionShiftIsReportedAndNumberNotMisassigned) {
  const auto r =
      run(msg(std::string(pnr_head) +
              "TIF+TESTER+ZED:A:1'SSR+DOCS:HK:1:XX:::::/P/IRL/PA1234567/12APR85/F/01JAN30/TESTER/"
              "ZED+::1'" +
              one_leg));
  const auto& t = r.model.pnrs.at(0).travellers.at(0);
  EXPECT_TRUE(t.documents.empty());
  EXPECT_EQ(t.date_of_birth, "1985-04-12");
  const diagnostic* d = find(r.findings, errc::docs_shifted);
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->id, "PNRMAP-DOCS-SHIFT");
  EXPECT_EQ(d->requirement, "PNR-GOV-SSR-008");
  EXPECT_EQ(d->pos.message_segment, 10u);  // UNH=1 ... SSR is the 10th
  EXPECT_EQ(d->pos.element, 1u);
  EXPECT_EQ(d->pos.component, 9u);
}

TEST(PnrgovExtract, DocoVisaBecomesDocumentWithIssueDate) {
  const auto r = run(msg(std::string(pnr_head) +
                         "TIF+TESTER+ZED:A:1'SSR+DOCO:HK:1:XX:::::/TESTTOWN/V/V7654321/"
                         "LONDON/10JUN22/USA+::1'" +
                         one_leg));
  const auto& docs = r.model.pnrs.at(0).travellers.at(0).documents;
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0].type, "V");
  EXPECT_EQ(docs[0].number, "V7654321");
  EXPECT_EQ(docs[0].issue_date, "2022-06-10");
  EXPECT_EQ(docs[0].issuing_state, "USA");
  EXPECT_EQ(docs[0].source, "DOCO");
}

TEST(PnrgovExtract, DocaResidenceAddressSetsResidenceCountry) {
  const auto r = run(msg(std::string(pnr_head) +
                         "TIF+TESTER+ZED:A:1'SSR+DOCA:HK:1:XX:::::/R/GBR/1 TEST ROAD/TESTVILLE//"
                         "AB1 2CD+::1'" +
                         one_leg));
  const auto& t = r.model.pnrs.at(0).travellers.at(0);
  ASSERT_EQ(t.details().addresses.size(), 1u);
  EXPECT_EQ(t.details().addresses[0].street, "1 TEST ROAD");
  EXPECT_EQ(t.details().addresses[0].postal_code, "AB1 2CD");
  EXPECT_FALSE(t.details().addresses[0].sub_entity.has_value());
  EXPECT_EQ(t.details().residence_country, "GBR");
}

TEST(PnrgovExtract, CtceContactIsDecodedEmail) {
  const auto r =
      run(msg(std::string(pnr_head) +
              "TIF+TESTER+ZED:A:1'SSR+CTCE:HK:1:XX:::::/ZED..TESTER//EXAMPLE.ORG+::1'" + one_leg));
  const auto& c = r.model.pnrs.at(0).travellers.at(0).details().contacts;
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].type, "email");
  EXPECT_EQ(c[0].value, "ZED_TESTER@EXAMPLE.ORG");
}

TEST(PnrgovExtract, InfantTifIsOwnTravellerWithInfantRole) {
  const auto r =
      run(msg(std::string(pnr_head) + "TIF+TESTER+ANNMRS:A:1:1'TIF+TESTER+BABY:IN:2'" + one_leg));
  const auto& ts = r.model.pnrs.at(0).travellers;
  ASSERT_EQ(ts.size(), 2u);
  EXPECT_EQ(ts[0].details().accompanied_by_infant, true);
  EXPECT_EQ(ts[1].role, "infant");
  EXPECT_EQ(ts[1].details().infant, true);
  EXPECT_EQ(ts[1].details().passenger_type, "IN");
  EXPECT_EQ(ts[1].details().pnr_traveller_ref, "2");
}

TEST(PnrgovExtract, CodeshareTvlPairBecomesOneLegWithOperatingFlight) {
  const auto r = run(msg(std::string(pnr_head) +
                         "TIF+TESTER+ZED:A:1'TVL+010325:1100:010325:1400+LHR+JFK+XX+123:Y'"
                         "TVL+010325:1100:010325:1400+LHR+JFK+YY+9876:Y'RPI+1+HK'"));
  const auto& it = r.model.pnrs.at(0).itinerary;
  ASSERT_EQ(it.size(), 1u);
  EXPECT_EQ(it[0].carrier, "XX");
  EXPECT_EQ(it[0].operating_carrier, "YY");
  EXPECT_EQ(it[0].operating_flight_number, "9876");
  EXPECT_EQ(it[0].status, "HK");
  EXPECT_TRUE(has(r.findings, errc::codeshare_pair));
}

TEST(PnrgovExtract, CodeshareInCarrierCompositeAndTra) {
  const auto r = run(msg(std::string(pnr_head) +
                         "TIF+TESTER+ZED:A:1'TVL+010325:1100:010325:1400+LHR+JFK+XX:YY+123:Y'"
                         "TVL+020325:1100:020325:1400+JFK+BOS+XX+456:Y'TRA+ZZ+8734:B'"));
  const auto& it = r.model.pnrs.at(0).itinerary;
  ASSERT_EQ(it.size(), 2u);
  EXPECT_EQ(it[0].operating_carrier, "YY");
  EXPECT_EQ(it[1].operating_carrier, "ZZ");
  EXPECT_EQ(it[1].operating_flight_number, "8734");
  EXPECT_EQ(it[1].sequence, 2u);
}

TEST(PnrgovExtract, UpdatePushEmptyOrgCancelsPnr) {
  const auto r = run(msg("SRC'RCI+XX:ABC123'ORG'", "1", "141"));
  ASSERT_EQ(r.model.pnrs.size(), 1u);
  EXPECT_EQ(r.model.pnrs[0].cancelled, true);
  EXPECT_EQ(r.model.pnrs[0].record_locators.at(0).locator, "ABC123");
  EXPECT_EQ(r.model.push->function, "update");
  EXPECT_EQ(r.model.message.scenario, "update_push");
  EXPECT_FALSE(has(r.findings, errc::org_missing));
}

TEST(PnrgovExtract, FullPushEmptyOrgIsReportedNotCancelled) {
  const auto r = run(msg("SRC'RCI+XX:ABC123'ORG'"));
  EXPECT_FALSE(r.model.pnrs.at(0).cancelled.has_value());
  EXPECT_TRUE(has(r.findings, errc::cancellation_in_full_push));
}

TEST(PnrgovExtract, SplitPnrLocatorsFromEqnGroup) {
  const auto r =
      run(msg(std::string(pnr_head) + "TIF+TESTER+ZED:A:1'" + one_leg + "EQN+1'RCI+XX:DEF456'"));
  const auto& p = r.model.pnrs.at(0);
  ASSERT_EQ(p.split_locators.size(), 1u);
  EXPECT_EQ(p.split_locators[0], "DEF456");
  EXPECT_EQ(p.record_locators.size(), 1u);
}

TEST(PnrgovExtract, HistoryCreditLinesActionsAndLts) {
  const auto r = run(msg(std::string(pnr_head) + "TIF+TESTER+ZED:A:1'" + one_leg +
                         "ABI+4+AGENT1:GS+LHR++XX'DAT+ZT:200225:0900'SAC+++X'"
                         "TVL+050325:1100:050325:1400+LHR+CDG+XX+321'RPI+1+XX'LTS+FREE LINE'"));
  const auto& h = r.model.pnrs.at(0).history;
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[0].originator, "AGENT1");
  EXPECT_EQ(h[0].at, "2025-02-20T09:00");
  EXPECT_EQ(h[0].action, "X");
  ASSERT_TRUE(h[0].text.has_value());
  EXPECT_NE(h[0].text->find("TVL"), std::string::npos);
  EXPECT_NE(h[0].text->find("RPI"), std::string::npos);
  EXPECT_EQ(h[1].text, "FREE LINE");
  EXPECT_EQ(r.model.pnrs[0].itinerary.size(), 1u);  // the history TVL is not a leg
}

TEST(PnrgovExtract, HistoryIftGivesItsFreeTextOnly) {
  // PNR-GOV-HIST-001: the C346 qualifiers (4:28) are not part of the text.
  const auto r = run(msg(std::string(pnr_head) + "TIF+TESTER+ZED:A:1'" + one_leg +
                         "ABI+4+AGENT1:GS+LHR++XX'DAT+ZT:200225:0900'SAC+++A'"
                         "IFT+4:28+SEAT 32A ADDED+BY AGENT'"));
  const auto& h = r.model.pnrs.at(0).history;
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h[0].text, "SEAT 32A ADDED BY AGENT");
}

TEST(PnrgovExtract, SensitiveSsrsRemovedCountedAndAbsentFromFindings) {
  const auto r = run(msg(std::string(pnr_head) +
                         "TIF+TESTER+ZED:A:1'SSR+MOML:HK:1:XX+::1'IFT+4:28::XX+PAX PREGNANT'" +
                         one_leg + "SSR+WCHR:HK:1:XX+::1'"));
  const auto& p = r.model.pnrs.at(0);
  EXPECT_EQ(p.sensitive_removed, 3u);
  EXPECT_TRUE(p.travellers.at(0).details().ssrs.empty());
  EXPECT_TRUE(p.ssrs.empty());
  EXPECT_TRUE(p.osi.empty());
  EXPECT_TRUE(has(r.findings, errc::sensitive_removed));
  for (const auto& d : r.findings.items()) {
    EXPECT_EQ(d.detail.find("MOML"), std::string::npos) << d.id;
    EXPECT_EQ(d.detail.find("WCHR"), std::string::npos) << d.id;
    EXPECT_EQ(d.detail.find("PREGNANT"), std::string::npos) << d.id;
  }
}

TEST(PnrgovExtract, SensitiveFilterCanBeSwitchedOff) {
  extract_options o;
  o.filter_sensitive = false;
  const auto r =
      run(msg(std::string(pnr_head) + "TIF+TESTER+ZED:A:1'SSR+MOML:HK:1:XX+::1'" + one_leg), o);
  EXPECT_EQ(r.model.pnrs.at(0).travellers.at(0).details().ssrs.size(), 1u);
  EXPECT_FALSE(r.model.pnrs[0].sensitive_removed.has_value());
}

TEST(PnrgovExtract, FullCardNumberIsMaskedAndReportedWithoutTheNumber) {
  const auto r = run(msg(std::string(pnr_head) +
                         "TIF+TESTER+ZED:A:1'TKT+9992123456789:T:1'"
                         "FOP+CC:::VI:4000000000000002:0127'" +
                         one_leg));
  const auto& pay = r.model.pnrs.at(0).travellers.at(0).details().tickets.at(0).payments.at(0);
  EXPECT_EQ(pay.account_masked, "XXXXXXXXXXXX0002");
  const diagnostic* d = find(r.findings, errc::full_pan_in_clear);
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->requirement, "DP-MASK-004");
  EXPECT_EQ(d->pos.component, 5u);
  EXPECT_EQ(d->detail.find("4000000000000002"), std::string::npos);
}

TEST(PnrgovExtract, MissingRciIsWarningNotCrash) {
  const auto r = run(msg("SRC'ORG+XX:LHR'TIF+TESTER+ZED:A:1'" + std::string(one_leg)));
  ASSERT_TRUE(r.ok);
  ASSERT_EQ(r.model.pnrs.size(), 1u);
  EXPECT_TRUE(r.model.pnrs[0].record_locators.empty());
  EXPECT_EQ(r.model.pnrs[0].travellers.size(), 1u);
  const diagnostic* d = find(r.findings, errc::rci_missing);
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->level, severity::warning);
  EXPECT_EQ(d->requirement, "PNR-GOV-RCI-002");
}

TEST(PnrgovExtract, MissingRciFallsBackToFlightGroupRci) {
  const auto r =
      run(msg("SRC'ORG+XX:LHR'TIF+TESTER+ZED:A:1'" + std::string(one_leg) + "RCI+XX:GHI789'"));
  ASSERT_EQ(r.model.pnrs.at(0).record_locators.size(), 1u);
  EXPECT_EQ(r.model.pnrs[0].record_locators[0].locator, "GHI789");
  EXPECT_TRUE(has(r.findings, errc::rci_fallback));
}

TEST(PnrgovExtract, TvlWithoutArrivalDateTakesDepartureDateAndReportsIt) {
  const auto r = run(
      msg(std::string(pnr_head) + "TIF+TESTER+ZED:A:1'TVL+121210:0915::1230+LHR+JFK+XX+324:B'"));
  const auto& l = r.model.pnrs.at(0).itinerary.at(0);
  EXPECT_EQ(l.departure.scheduled, "2010-12-12T09:15");
  EXPECT_EQ(l.arrival.scheduled, "2010-12-12T12:30");
  EXPECT_TRUE(has(r.findings, errc::arrival_date_inferred));
}

TEST(PnrgovExtract, EqnZeroIsReportedAndMapsNoPnr) {
  const auto r = run(msg("", "0"));
  ASSERT_TRUE(r.ok);
  EXPECT_TRUE(r.model.pnrs.empty());
  EXPECT_EQ(r.model.counts->pnrs, 0u);
  EXPECT_TRUE(has(r.findings, errc::eqn_zero));
  EXPECT_FALSE(has(r.findings, errc::eqn_count_mismatch));
}

TEST(PnrgovExtract, EqnDifferentFromPnrGroupsIsReported) {
  const auto r = run(msg(std::string(pnr_head) + "TIF+TESTER+ZED:A:1'", "2"));
  EXPECT_TRUE(has(r.findings, errc::eqn_count_mismatch));
}

TEST(PnrgovExtract, DocsInPnrGroupIsAssignedByReference) {
  const auto r =
      run(msg("SRC'RCI+XX:ABC123'SSR+DOCS:HK:1:XX:::::/P/GBR/X7654321/GBR/01FEB90/M/01FEB31/TESTER/"
              "BOB+::2'ORG+XX:LHR'TIF+TESTER+ANNMRS:A:1'TIF+TESTER+BOBMR:A:2'" +
              std::string(one_leg)));
  const auto& p = r.model.pnrs.at(0);
  EXPECT_TRUE(p.ssrs.empty());
  EXPECT_TRUE(p.travellers.at(0).documents.empty());
  ASSERT_EQ(p.travellers.at(1).documents.size(), 1u);
  EXPECT_EQ(p.travellers[1].documents[0].number, "X7654321");
  EXPECT_EQ(p.travellers[1].date_of_birth, "1990-02-01");
  EXPECT_TRUE(has(r.findings, errc::ssr_misplaced));
}

TEST(PnrgovExtract, DocsInSegmentGroupWithoutReferenceKeptAtPnrLevel) {
  const auto r =
      run(msg(std::string(pnr_head) + "TIF+TESTER+ANNMRS:A:1'TIF+TESTER+BOBMR:A:2'" + one_leg +
              "SSR+DOCS:HK:1:XX:::::/P/GBR/X7654321/GBR/01FEB90/M/01FEB31/TESTER/BOB'"));
  const auto& p = r.model.pnrs.at(0);
  ASSERT_EQ(p.ssrs.size(), 1u);
  EXPECT_EQ(p.ssrs[0].code, "DOCS");
  EXPECT_EQ(p.ssrs[0].segment_refs, std::vector<std::uint32_t>{1});
  EXPECT_TRUE(has(r.findings, errc::ssr_unassigned));
}

TEST(PnrgovExtract, SegmentSsrWithReferenceGoesToTravellerWithSegmentRef) {
  const auto r = run(msg(std::string(pnr_head) + "TIF+TESTER+ZED:A:1'" + one_leg +
                         "SSR+SEAT:HK:1:XX:::LHR:JFK+15A::1'"));
  const auto& s = r.model.pnrs.at(0).travellers.at(0).details().ssrs;
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].text, "15A");
  EXPECT_EQ(s[0].board, "LHR");
  EXPECT_EQ(s[0].segment_refs, std::vector<std::uint32_t>{1});
}

TEST(PnrgovExtract, UnknownTravellerReferenceIsReported) {
  const auto r = run(msg(std::string(pnr_head) + "TIF+TESTER+ZED:A:1'" + one_leg +
                         "SSR+SEAT:HK:1:XX:::LHR:JFK+15A::7'"));
  EXPECT_EQ(r.model.pnrs.at(0).ssrs.size(), 1u);
  EXPECT_TRUE(has(r.findings, errc::traveller_ref_unknown));
}

TEST(PnrgovExtract, LegsOutOfOrderKeptInMessageOrderWithSequence) {
  const auto r =
      run(msg(std::string(pnr_head) + "TIF+TESTER+ZED:A:1'TVL+050325:0900:050325:1000+JFK+BOS+XX+9'"
                                      "TVL+010325:1100:010325:1400+LHR+JFK+XX+123'"));
  const auto& it = r.model.pnrs.at(0).itinerary;
  ASSERT_EQ(it.size(), 2u);
  EXPECT_EQ(it[0].departure.port, "JFK");
  EXPECT_EQ(it[0].sequence, 1u);
  EXPECT_EQ(it[1].sequence, 2u);
  EXPECT_TRUE(has(r.findings, errc::legs_not_chronological));
}

TEST(PnrgovExtract, CheckInDataFromDatTriSsdTbd) {
  const auto r =
      run(msg(std::string(pnr_head) + "TIF+TESTER+ZED:A:1'" + one_leg +
              "DAT+2:010325:0930'TRI++108:::1'SSD+24A++++Y'TBD++2:30:::700++HP+XX:0012345678'"));
  const auto& c = r.model.pnrs.at(0).check_ins;
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].sequence, "108");
  EXPECT_EQ(c[0].traveller_ref, "1");
  EXPECT_EQ(c[0].seat, "24A");
  EXPECT_EQ(c[0].cabin, "Y");
  EXPECT_EQ(c[0].at, "2025-03-01T09:30");
  EXPECT_EQ(c[0].baggage.count, 2u);
  EXPECT_EQ(c[0].baggage.weight, 30.0);
  ASSERT_EQ(c[0].baggage.tags.size(), 1u);
  EXPECT_EQ(c[0].baggage.tags[0], "0012345678");
}

TEST(PnrgovExtract, NonAirSegmentKeptAsOtherSegment) {
  const auto r =
      run(msg(std::string(pnr_head) + "TIF+TESTER+ZED:A:1'" + one_leg + "MSG+8'TVL+010325++JFK'"));
  const auto& o = r.model.pnrs.at(0).other_segments;
  ASSERT_EQ(o.size(), 1u);
  EXPECT_EQ(o[0].kind, "8");
  ASSERT_TRUE(o[0].text.has_value());
  EXPECT_EQ(r.model.pnrs[0].itinerary.size(), 1u);
}

TEST(PnrgovExtract, MultipleLocatorsInOneRci) {
  const auto r = run(msg("SRC'RCI+XX:ABC123+1A:QWE987'ORG+XX:LHR'TIF+TESTER+ZED:A:1'"));
  const auto& l = r.model.pnrs.at(0).record_locators;
  ASSERT_EQ(l.size(), 2u);
  EXPECT_EQ(l[1].company, "1A");
  EXPECT_EQ(l[1].locator, "QWE987");
}

TEST(PnrgovExtract, NonPnrgovMessageIsRefused) {
  const auto r = run(wrap("EQN+1'", "22", "PAXLST"));
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(has(r.findings, errc::not_pnrgov));
}

TEST(PnrgovExtract, MessageIndexOutOfRangeIsRefused) {
  edifact::interchange ic;
  diagnostic_list syntax, findings;
  (void)edifact::parser().parse(msg(pnr_head), ic, syntax);
  auto m = extract(ic, 5, defs(), findings);
  ASSERT_FALSE(m.has_value());
  EXPECT_EQ(m.error(), make_error_code(errc::no_such_message));
}

TEST(PnrgovExtract, TravellerLimitIsReportedAndExtraTravellerNotMapped) {
  extract_options o;
  o.max_travellers_per_pnr = 1;
  const auto r = run(msg(std::string(pnr_head) +
                         "TIF+TESTER+ANNMRS:A:1'TIF+TESTER+BOBMR:A:2'SSR+DOCS:HK:1:XX:::::/P/"
                         "GBR/X1/GBR/01FEB90/M/01FEB31/TESTER/BOB+::2'" +
                         one_leg),
                     o);
  const auto& p = r.model.pnrs.at(0);
  ASSERT_EQ(p.travellers.size(), 1u);
  EXPECT_TRUE(p.travellers[0].details().ssrs.empty());
  EXPECT_EQ(p.itinerary.size(), 1u);
  EXPECT_TRUE(has(r.findings, errc::limit_travellers));
}

TEST(PnrgovExtract, PnrLimitIsReported) {
  extract_options o;
  o.max_pnrs = 1;
  const auto r = run(msg(std::string(pnr_head) + std::string(pnr_head), "2"), o);
  EXPECT_EQ(r.model.pnrs.size(), 1u);
  EXPECT_TRUE(has(r.findings, errc::limit_pnrs));
  EXPECT_FALSE(has(r.findings, errc::eqn_count_mismatch));
}

TEST(PnrgovExtract, UnknownSegmentIsReportedNotDropped) {
  const auto r = run(msg(std::string(pnr_head) + "TIF+TESTER+ZED:A:1'XYZ+1'"));
  const diagnostic* d = find(r.findings, errc::unknown_segment);
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->detail, "XYZ");
}

TEST(PnrgovExtract, SsrReleaseCharactersRemovedFromText) {
  const auto r = run(msg(std::string(pnr_head) +
                         "TIF+TESTER+ZED:A:1'SSR+OTHS:HK:1:XX:::::CALL ?+44 ?'OFFICE?'+::1'"));
  const auto& s = r.model.pnrs.at(0).travellers.at(0).details().ssrs;
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].text, "CALL +44 'OFFICE'");
}

// extract(tree, ...) reads values through the structure parser's element and component index
// instead of splitting each segment again: it must give what extract(ic, ...) gives, model and
// findings, for every PNRGOV message of the vector corpus, as parsed and with release
// characters inserted at many places (values that need unescaping, separators released).
TEST(PnrgovExtract, TreeIndexReadsWhatTheSegmentSplitReads) {
  std::vector<std::string> inputs;
  const std::string root = std::string(APIPNR_SOURCE_DIR) + "/vectors";
  for (const auto& f : std::filesystem::recursive_directory_iterator(root)) {
    if (!f.is_regular_file() || f.path().extension() != ".edi") continue;
    std::string text = read_file(f.path().string());
    if (text.find("PNRGOV") == std::string::npos) continue;
    inputs.push_back(text);
    const std::size_t from = text.find("UNH+");
    if (from == std::string::npos) continue;
    for (std::size_t k = 1; k <= 4; ++k) {
      std::string t = text;
      const std::size_t at = from + 4 + (t.size() - from - 4) * k / 5;
      t.insert(at, "?");
      inputs.push_back(std::move(t));
    }
  }
  ASSERT_GT(inputs.size(), 200u);
  std::size_t compared = 0;
  const edifact::parser parser(edifact::parse_options{edifact::mode::tolerant});
  for (const std::string& text : inputs) {
    edifact::interchange ic;
    diagnostic_list syntax;
    (void)parser.parse(text, ic, syntax);
    for (std::size_t m = 0; m < ic.messages.size(); ++m) {
      if (ic.messages[m].type != "PNRGOV") continue;
      message::message_tree tree;
      diagnostic_list structure;
      (void)message::parse_structure(ic, m, defs(), structure, tree);
      if (tree.source == nullptr) continue;
      diagnostic_list fa, fb;
      const auto a = extract(ic, m, defs(), fa);
      const auto b = extract(tree, defs(), fb);
      ASSERT_EQ(a.has_value(), b.has_value()) << text;
      if (a) {
        EXPECT_EQ(model::canonical_json(*a), model::canonical_json(*b)) << text;
      }
      ASSERT_EQ(fa.items().size(), fb.items().size()) << text;
      for (std::size_t d = 0; d < fa.items().size(); ++d) {
        EXPECT_EQ(fa.items()[d].id, fb.items()[d].id) << text;
        EXPECT_EQ(fa.items()[d].detail, fb.items()[d].detail) << text;
        EXPECT_EQ(fa.items()[d].pos.segment, fb.items()[d].pos.segment) << text;
      }
      ++compared;
    }
  }
  EXPECT_GT(compared, 200u);
}

TEST(PnrgovExtract, EveryPrefixAndSegmentDropOfARichMessageMapsWithoutCrash) {
  const std::string body =
      std::string(pnr_head) +
      "TIF+TESTER+ZED:A:1'SSR+DOCS:HK:1:XX:::::/P/GBR/X1/GBR/01FEB90/M/01FEB31/T/Z+::1'"
      "TKT+1:T'FOP+CC:::VI:4000000000000002:0127'TVL+010325:1100::1400+LHR+JFK+XX+1'RPI+1+HK'"
      "DAT+2:010325:0930'TRI++1:::1'SSD+1A'TBD++1'EQN+1'RCI+XX:Q'MSG+8'TVL+010325'"
      "ABI+4+A'DAT+ZT:010325:0900'SAC+++A'TIF+T'SSR+WCHR'LTS+X'";
  const std::string text = msg(body);
  for (std::size_t n = 0; n <= text.size(); n += 3) {
    const auto r = run(text.substr(0, n));
    (void)r;
  }
  // Drop each segment once: every group loses its trigger or a member in turn.
  for (std::size_t from = 0, to; (to = body.find('\'', from)) != std::string::npos; from = to + 1) {
    const auto r = run(msg(body.substr(0, from) + body.substr(to + 1)));
    EXPECT_TRUE(r.ok);
  }
}

}  // namespace
}  // namespace apipnr::pnrgov
