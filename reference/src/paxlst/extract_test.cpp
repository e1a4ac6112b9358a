#include "apipnr/paxlst/extract.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "apipnr/edifact/parser.hpp"
#include "apipnr/paxlst/reassembler.hpp"

namespace apipnr::paxlst {
namespace {

const message::definitions& defs() {
  static const message::definitions d =
      message::load_definitions(std::string(APIPNR_SOURCE_DIR) + "/specs/messages").value();
  return d;
}

// The segment with its release flag cleared, as a hand-built interchange may leave it.
edifact::segment clear_escaped(const edifact::segment& s) {
  return edifact::segment(s.tag(), s.body(), s.offset, s.index, false, s.separators);
}

struct parsed {
  std::string text;
  edifact::interchange ic;
  diagnostic_list syntax;
};

std::unique_ptr<parsed> parse(std::string text) {
  auto p = std::make_unique<parsed>();
  p->text = std::move(text);
  const edifact::parser parser(edifact::parse_options{edifact::mode::tolerant});
  (void)parser.parse(p->text, p->ic, p->syntax);
  return p;
}

// Segments in `body` end with an unreleased apostrophe.
std::size_t count_segments(const std::string& body) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < body.size(); ++i) {
    if (body[i] == '\'' && (i == 0 || body[i - 1] != '?')) ++n;
  }
  return n;
}

// One PAXLST message: UNA, UNB (application `app`), UNH with `s010`, `body`, UNT, UNZ.
std::string paxlst(const std::string& body, const std::string& app = "APIS",
                   const std::string& s010 = "+XX123/250301/1100+01:F",
                   const std::string& date = "250301") {
  return "UNA:+.? 'UNB+UNOA:4+XXAPI:ZZ+PIUTEST:ZZ+" + date + ":0930+1001++" + app +
         "'UNH+1+PAXLST:D:05B:UN:IATA" + s010 + "'" + body + "UNT+" +
         std::to_string(count_segments(body) + 2) + "+1'UNZ+1+1001'";
}

const std::string flight_header =
    "BGM+745'NAD+MS+++OPS CONTROL'TDT+20+XX123+++XX'LOC+125+LHR'DTM+189:2503011100:201'"
    "LOC+87+JFK'DTM+232:2503011400:201'";

model::canonical_message run(const parsed& p, diagnostic_list& findings) {
  auto r = extract(p.ic, 0, defs(), findings);
  EXPECT_TRUE(r) << (r ? "" : r.error().message());
  return r ? std::move(*r) : model::canonical_message{};
}

bool has(const diagnostic_list& l, std::string_view id) {
  for (const auto& d : l.items()) {
    if (d.id == id) return true;
  }
  return false;
}

const diagnostic* find(const diagnostic_list& l, std::string_view id) {
  for (const auto& d : l.items()) {
    if (d.id == id) return &d;
  }
  return nullptr;
}

const std::string a1_text =
    "UNA:+.? '\nUNB+UNOA:4+XXAPI:ZZ+PIUTEST:ZZ+250301:0930+1001++APIS'\n"
    "UNG+PAXLST+XX AIRLINE+PIUTEST+250301:0930+1+UN+D:05B'\n"
    "UNH+1+PAXLST:D:05B:UN:IATA+XX123/250301/1100+01:F'\nBGM+745'\nRFF+TN:XX1232503011:::1'\n"
    "NAD+MS+++OPS CONTROL'\nCOM+44 20 0000 0000:TE'\nTDT+20+XX123+++XX'\nLOC+125+LHR'\n"
    "DTM+189:2503011100:201'\nLOC+87+JFK'\nDTM+232:2503011400:201'\n"
    "NAD+FL+++O?'BRIEN:ANNE:MARIE'\nATT+2++F'\nDTM+329:850412'\nLOC+178+LHR'\nLOC+179+JFK'\n"
    "NAT+2+IRL'\nRFF+AVF:ABC123'\nRFF+ABO:0001'\nDOC+P:110:111+PA1234567'\nDTM+36:300101'\n"
    "LOC+91+IRL'\nCNT+42:1'\nUNT+23+1'\nUNE+1+1'\nUNZ+1+1001'\n";

nlohmann::json a1_expected() {
  std::ifstream in(std::string(APIPNR_SOURCE_DIR) + "/specs/canonical/examples/paxlst-a1.json");
  return nlohmann::json::parse(in);
}

TEST(PaxlstExtract, AppendixA1GivesTheCanonicalExample) {
  const auto p = parse(a1_text);
  diagnostic_list findings;
  const auto m = run(*p, findings);
  EXPECT_EQ(model::to_json(m), a1_expected()) << model::to_json(m).dump(2);
  EXPECT_TRUE(findings.empty()) << findings.items().front().id << " "
                                << findings.items().front().detail;
}

TEST(PaxlstExtract, AppendixA1WithoutDefinitionsGivesTheSameJson) {
  const auto p = parse(a1_text);
  diagnostic_list findings;
  const auto r = extract(p->ic, 0, findings);
  ASSERT_TRUE(r);
  EXPECT_EQ(model::to_json(*r), a1_expected());
}

TEST(PaxlstExtract, ReleaseCharactersAreRemovedFromNames) {
  const auto p = parse(paxlst(flight_header + "NAD+FL+++SMITH?+JONES:ANNE?:MARIE'CNT+42:1'"));
  diagnostic_list findings;
  const auto m = run(*p, findings);
  ASSERT_EQ(m.travellers.size(), 1u);
  EXPECT_EQ(m.travellers[0].surname, "SMITH+JONES");
  EXPECT_EQ(m.travellers[0].given_names, "ANNE:MARIE");
  EXPECT_FALSE(m.travellers[0].middle_names);
}

// The extractor decides per segment whether values need unescaping by looking at the body, not
// at segment::escaped (a hand-built interchange may leave it unset), and the decision follows
// the segment being read when plain and released segments alternate.
TEST(PaxlstExtract, ReleaseCharactersAreFoundWithoutTheSegmentFlag) {
  auto p =
      parse(paxlst(flight_header + "NAD+FL+++PLAIN:ONE'NAD+FL+++O?'BRIEN:ANNE?:MARIE'RFF+AVF:AB?+C'"
                                   "NAD+FL+++PLAIN:TWO'RFF+AVF:ABC'CNT+42:3'"));
  for (auto& s : p->ic.segments) s = clear_escaped(s);
  diagnostic_list findings;
  const auto m = run(*p, findings);
  ASSERT_EQ(m.travellers.size(), 3u);
  EXPECT_EQ(m.travellers[0].surname, "PLAIN");
  EXPECT_EQ(m.travellers[0].given_names, "ONE");
  EXPECT_EQ(m.travellers[1].surname, "O'BRIEN");
  EXPECT_EQ(m.travellers[1].given_names, "ANNE:MARIE");
  ASSERT_EQ(m.travellers[1].references.size(), 1u);
  EXPECT_EQ(m.travellers[1].references[0].value, "AB+C");
  EXPECT_EQ(m.travellers[2].surname, "PLAIN");
  EXPECT_EQ(m.travellers[2].given_names, "TWO");
  ASSERT_EQ(m.travellers[2].references.size(), 1u);
  EXPECT_EQ(m.travellers[2].references[0].value, "ABC");
}

TEST(PaxlstExtract, DateOfBirthTakesTheCenturyBeforeThePreparationDate) {
  const auto p = parse(
      paxlst(flight_header + "NAD+FL+++A:B'DTM+329:250301'NAD+FL+++C:D'DTM+329:250302'CNT+42:2'"));
  diagnostic_list findings;
  const auto m = run(*p, findings);
  ASSERT_EQ(m.travellers.size(), 2u);
  EXPECT_EQ(m.travellers[0].date_of_birth, "2025-03-01");
  EXPECT_EQ(m.travellers[1].date_of_birth, "1925-03-02");
}

TEST(PaxlstExtract, DateOfBirthResolvedAgainstAnOldPreparationDate) {
  const auto p = parse(paxlst(flight_header + "NAD+FL+++A:B'DTM+329:991231'CNT+42:1'", "APIS",
                              "+XX123/250301/1100+01:F", "000105"));
  diagnostic_list findings;
  const auto m = run(*p, findings);
  EXPECT_EQ(m.message.prepared, "2000-01-05T09:30");
  ASSERT_EQ(m.travellers.size(), 1u);
  EXPECT_EQ(m.travellers[0].date_of_birth, "1999-12-31");
}

TEST(PaxlstExtract, ExpiryTakesTheFutureCenturyAndIssueThePast) {
  const auto p =
      parse(paxlst(flight_header + "NAD+FL+++A:B'DOC+P:110:111+X1'DTM+36:990101'DTM+182:960101'"
                                   "CNT+42:1'"));
  diagnostic_list findings;
  const auto m = run(*p, findings);
  ASSERT_EQ(m.travellers.at(0).documents.size(), 1u);
  EXPECT_EQ(m.travellers[0].documents[0].expiry, "2099-01-01");
  EXPECT_EQ(m.travellers[0].documents[0].issue_date, "1996-01-01");
}

TEST(PaxlstExtract, ImpossibleDateIsReportedAndTravellerKept) {
  const auto p = parse(paxlst(flight_header + "NAD+FL+++A:B'DTM+329:850230'CNT+42:1'"));
  diagnostic_list findings;
  const auto m = run(*p, findings);
  ASSERT_EQ(m.travellers.size(), 1u);
  EXPECT_FALSE(m.travellers[0].date_of_birth);
  const auto* d = find(findings, "PAX-DTM-INVALID");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->pos.message_segment, 10u);
  EXPECT_EQ(d->pos.element, 1u);
  EXPECT_EQ(d->pos.component, 2u);
}

TEST(PaxlstExtract, Loc92ChainAfterMainSectorGivesTwoLegs) {
  const auto p =
      parse(paxlst("BGM+745'TDT+20+XX123+++XX'LOC+125+LHR'DTM+189:2503011100:201'LOC+87+JFK'"
                   "DTM+232:2503011400:201'LOC+92+JFK'DTM+189:2503011600:201'LOC+92+ORD'"
                   "DTM+232:2503011800:201'CNT+42:0'"));
  diagnostic_list findings;
  const auto m = run(*p, findings);
  ASSERT_TRUE(m.flight_info);
  const auto& legs = m.flight_info->legs;
  ASSERT_EQ(legs.size(), 2u);
  EXPECT_EQ(legs[1].sequence, 2u);
  EXPECT_EQ(legs[1].departure.port, "JFK");
  EXPECT_EQ(legs[1].departure.scheduled, "2025-03-01T16:00");
  EXPECT_EQ(legs[1].arrival.port, "ORD");
  EXPECT_EQ(legs[1].arrival.qualifier, "92");
  EXPECT_FALSE(has(findings, "PAX-LEG-UNPAIRED"));
  // One SG2: the flight names carrier and number, the legs do not repeat them.
  EXPECT_FALSE(legs[0].carrier);
  EXPECT_FALSE(legs[1].flight_number);
}

TEST(PaxlstExtract, SeveralFlightGroupsTagEveryLegWithItsFlight) {
  // TDT-005, vectors/README.md conventions: with several TDTs each leg, the first included,
  // carries its carrier and flight number.
  const auto p =
      parse(paxlst("BGM+745'TDT+20+XX123+++XX'LOC+125+LHR'DTM+189:2503011100:201'LOC+87+JFK'"
                   "DTM+232:2503011400:201'TDT+20+XX124+++XX'LOC+125+JFK'"
                   "DTM+189:2503011600:201'LOC+87+ORD'DTM+232:2503011800:201'CNT+42:0'"));
  diagnostic_list findings;
  const auto m = run(*p, findings);
  ASSERT_TRUE(m.flight_info);
  EXPECT_EQ(m.flight_info->number, "123");
  const auto& legs = m.flight_info->legs;
  ASSERT_EQ(legs.size(), 2u);
  EXPECT_EQ(legs[0].carrier, "XX");
  EXPECT_EQ(legs[0].flight_number, "123");
  EXPECT_EQ(legs[1].carrier, "XX");
  EXPECT_EQ(legs[1].flight_number, "124");
}

TEST(PaxlstExtract, TransitTravellersSayItThroughTheRoleOnly) {
  // NAD-010 and specs/canonical/README.md: DDU/DDT give the role; in_transit stays absent.
  const auto p = parse(paxlst(
      "BGM+745'TDT+20+XX123+++XX'LOC+125+LHR'LOC+87+JFK'NAD+DDU+++A:B'NAD+DDT+++C:D'CNT+42:1'"));
  diagnostic_list findings;
  const auto m = run(*p, findings);
  ASSERT_EQ(m.travellers.size(), 2u);
  EXPECT_EQ(m.travellers[0].role, "transit_passenger");
  EXPECT_EQ(m.travellers[1].role, "transit_crew");
  EXPECT_FALSE(m.travellers[0].details().in_transit);
  EXPECT_FALSE(m.travellers[1].details().in_transit);
}

// CNT 42 / 41 are checked against the passengers and crew received (API-PAXLST-CNT-003). The
// crew are counted as their NADs are read (FM and DDT), also into a reused model that held a
// message with other crew before.
TEST(PaxlstExtract, CountsCompareWithThePassengersAndCrewReceived) {
  const std::string travellers =
      "NAD+FL+++A:B'NAD+FM+++C:D'NAD+DDU+++E:F'NAD+DDT+++G:H'NAD+FM+++I:J'";
  const auto right = parse(paxlst(flight_header + travellers + "CNT+42:2'CNT+41:3'"));
  const auto wrong = parse(paxlst(flight_header + travellers + "CNT+42:3'CNT+41:2'"));
  const auto crew_only = parse(paxlst(flight_header + "NAD+FM+++K:L'CNT+41:1'"));
  model::canonical_message reused;
  for (const parsed* p : {right.get(), wrong.get(), crew_only.get(), right.get()}) {
    message::message_tree tree;
    diagnostic_list structure, fresh_findings, reused_findings;
    (void)message::parse_structure(p->ic, 0, defs(), structure, tree);
    ASSERT_NE(tree.source, nullptr);
    ASSERT_TRUE(extract(tree, fresh_findings));
    ASSERT_FALSE(extract_into(tree, reused_findings, reused));
    for (const diagnostic_list* l : {&fresh_findings, &reused_findings}) {
      const diagnostic* d = find(*l, "PAX-CNT-MISMATCH");
      if (p == wrong.get()) {
        ASSERT_NE(d, nullptr);
        EXPECT_EQ(d->detail, "CNT 42 = 3, passengers received 2; CNT 41 = 2, crew received 3");
      } else {
        EXPECT_EQ(d, nullptr) << d->detail;
      }
    }
  }
}

TEST(PaxlstExtract, Loc130ClosesAChainOf92) {
  const auto p = parse(
      paxlst("BGM+745'TDT+20+XX9+++XX'LOC+92+AAA'DTM+189:2503010800:201'LOC+92+BBB'"
             "DTM+232:2503010900:201'DTM+189:2503011000:201'LOC+130+CCC'DTM+232:2503011100:201'"
             "CNT+42:0'"));
  diagnostic_list findings;
  const auto m = run(*p, findings);
  ASSERT_TRUE(m.flight_info);
  const auto& legs = m.flight_info->legs;
  ASSERT_EQ(legs.size(), 2u);
  EXPECT_EQ(legs[0].departure.port, "AAA");
  EXPECT_EQ(legs[0].arrival.port, "BBB");
  EXPECT_EQ(legs[1].departure.port, "BBB");
  EXPECT_EQ(legs[1].departure.scheduled, "2025-03-01T10:00");
  EXPECT_EQ(legs[1].arrival.port, "CCC");
  EXPECT_EQ(legs[1].arrival.qualifier, "130");
}

TEST(PaxlstExtract, UnpairedDepartureIsReportedAndKept) {
  const auto p =
      parse(paxlst("BGM+745'TDT+20+XX123+++XX'LOC+125+LHR'DTM+189:2503011100:201'CNT+42:0'"));
  diagnostic_list findings;
  const auto m = run(*p, findings);
  ASSERT_EQ(m.flight_info->legs.size(), 1u);
  EXPECT_EQ(m.flight_info->legs[0].departure.port, "LHR");
  EXPECT_FALSE(m.flight_info->legs[0].arrival.port);
  const auto* d = find(findings, "PAX-LEG-UNPAIRED");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->pos.message_segment, 4u);
}

TEST(PaxlstExtract, ArrivalBeforeDepartureIsPairedAndReported) {
  const auto p =
      parse(paxlst("BGM+745'TDT+20+XX123+++XX'LOC+87+JFK'DTM+232:2503011400:201'LOC+125+LHR'"
                   "DTM+189:2503011100:201'CNT+42:0'"));
  diagnostic_list findings;
  const auto m = run(*p, findings);
  ASSERT_EQ(m.flight_info->legs.size(), 1u);
  EXPECT_EQ(m.flight_info->legs[0].departure.port, "LHR");
  EXPECT_EQ(m.flight_info->legs[0].arrival.port, "JFK");
  EXPECT_TRUE(has(findings, "PAX-LEG-ORDER"));
  EXPECT_FALSE(has(findings, "PAX-LEG-UNPAIRED"));
}

TEST(PaxlstExtract, CrewListWithEmp) {
  const auto p =
      parse(paxlst("BGM+250+C'NAD+MS+++OPS'TDT+20+XX123+++XX'LOC+125+LHR'DTM+189:2503011100:201'"
                   "LOC+87+JFK'DTM+232:2503011400:201'NAD+FM+++PILOT:PAT'ATT+2++X'DTM+329:800101'"
                   "EMP+1+CR1:110:111'NAT+2+GBR'DOC+L:110:111+LIC123'CNT+41:1'"));
  diagnostic_list findings;
  const auto m = run(*p, findings);
  EXPECT_EQ(m.message.kind, "api_crew");
  EXPECT_EQ(m.message.scenario, "crew");
  EXPECT_EQ(m.message.document_subtype, "C");
  ASSERT_EQ(m.travellers.size(), 1u);
  EXPECT_EQ(m.travellers[0].role, "crew");
  EXPECT_EQ(m.travellers[0].details().crew_function, "CR1");
  ASSERT_TRUE(m.counts);
  EXPECT_EQ(m.counts->crew, 1u);
  EXPECT_FALSE(findings.has_errors());
}

TEST(PaxlstExtract, EmpOnPassengerIsReported) {
  const auto p = parse(paxlst(flight_header + "NAD+FL+++A:B'EMP+1+CR2:110:111'CNT+42:1'"));
  diagnostic_list findings;
  const auto m = run(*p, findings);
  EXPECT_TRUE(has(findings, "PAX-EMP-PASSENGER"));
  EXPECT_EQ(m.travellers.at(0).details().crew_function, "CR2");
}

struct scenario_case {
  const char* bgm;
  const char* scenario;
  const char* kind;
};

TEST(PaxlstExtract, EveryScenarioOfSection26) {
  const scenario_case cases[] = {
      {"BGM+745'", "initial", "api"},
      {"BGM+745+CP'", "change", "api"},
      {"BGM+745+XR'", "cancel_reservation", "api"},
      {"BGM+745+RP'", "reduction_in_party", "api"},
      {"BGM+250+CC'", "crew_change", "api_crew"},
      {"BGM+266+CLOB'", "closeout_on_board", "api_flight_status"},
      {"BGM+266+CLNB'", "closeout_not_boarded", "api_flight_status"},
      {"BGM+266+CL'", "closeout_nil", "api_flight_status"},
      {"BGM+266+XF'", "cancel_flight", "api_flight_status"},
      {"BGM+266+CF'", "change_flight", "api_flight_status"},
      {"BGM+336+G'", "master_crew_list", "api_crew"},
      {"BGM+655'", "gate_pass", "api"},
  };
  for (const auto& c : cases) {
    const auto p =
        parse(paxlst(std::string(c.bgm) + "TDT+20+XX123+++XX'LOC+125+LHR'DTM+189:2503011100:201'"
                                          "LOC+87+JFK'DTM+232:2503011400:201'CNT+42:0'"));
    diagnostic_list findings;
    const auto m = run(*p, findings);
    EXPECT_EQ(m.message.scenario, c.scenario) << c.bgm;
    EXPECT_EQ(m.message.kind, c.kind) << c.bgm;
    EXPECT_FALSE(has(findings, "PAX-BGM-SUBTYPE")) << c.bgm;
  }
}

TEST(PaxlstExtract, IapiApplicationMakesAnIapiRequest) {
  const auto p =
      parse(paxlst("BGM+745+CP'TDT+20+XX123+++XX'LOC+125+LHR'DTM+189:2503011100:201'LOC+87+JFK'"
                   "DTM+232:2503011400:201'NAD+FL+++A:B'RFF+AVF:'RFF+ABO:7'CNT+42:1'",
                   "IAPI"));
  diagnostic_list findings;
  const auto m = run(*p, findings);
  EXPECT_EQ(m.message.kind, "iapi_request");
  EXPECT_EQ(m.message.scenario, "change");
  ASSERT_EQ(m.travellers.at(0).references.size(), 2u);
  EXPECT_EQ(m.travellers[0].references[0].qualifier, "AVF");
  EXPECT_EQ(m.travellers[0].references[0].value, "");
}

TEST(PaxlstExtract, IapiCloseOutOnBoardWithZzzTravellers) {
  const auto p = parse(
      paxlst("BGM+266+CLOB'TDT+20+XX123+++XX'LOC+125+LHR'DTM+189:2503011100:201'LOC+87+JFK'"
             "DTM+232:2503011400:201'NAD+ZZZ+++A:B'RFF+AVF:P1'RFF+ABO:1'NAD+ZZZ+++C:D'RFF+AVF:P2'"
             "RFF+ABO:2'CNT+42:2'",
             "IAPI"));
  diagnostic_list findings;
  const auto m = run(*p, findings);
  // A close-out is flight status on any channel; only 745/655 become iAPI requests.
  EXPECT_EQ(m.message.kind, "api_flight_status");
  EXPECT_EQ(m.message.scenario, "closeout_on_board");
  ASSERT_EQ(m.travellers.size(), 2u);
  EXPECT_EQ(m.travellers[1].party_function, "ZZZ");
  EXPECT_FALSE(has(findings, "PAX-NAD-FUNCTION"));
}

TEST(PaxlstExtract, UnknownSubtypeIsReported) {
  const auto p = parse(paxlst("BGM+745+ZZ'TDT+20+XX123+++XX'LOC+125+LHR'LOC+87+JFK'CNT+42:0'"));
  diagnostic_list findings;
  const auto m = run(*p, findings);
  EXPECT_EQ(m.message.scenario, "other");
  const auto* d = find(findings, "PAX-BGM-SUBTYPE");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->pos.message_segment, 2u);
  EXPECT_EQ(d->pos.element, 2u);
}

TEST(PaxlstExtract, UnknownDocumentCodeIsAnError) {
  const auto p = parse(paxlst("BGM+366'TDT+20+XX123+++XX'LOC+125+LHR'LOC+87+JFK'CNT+42:0'"));
  diagnostic_list findings;
  const auto m = run(*p, findings);
  EXPECT_EQ(m.message.document_code, "366");
  EXPECT_TRUE(has(findings, "PAX-BGM-DOCUMENT"));
}

TEST(PaxlstExtract, MissingCntIsAWarningAndTravellersKept) {
  const auto p = parse(paxlst(flight_header + "NAD+FL+++A:B'NAD+FL+++C:D'"));
  diagnostic_list findings;
  const auto m = run(*p, findings);
  EXPECT_EQ(m.travellers.size(), 2u);
  EXPECT_FALSE(m.counts);
  const auto* d = find(findings, "PAX-CNT-MISSING");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->level, severity::warning);
}

TEST(PaxlstExtract, DocumentBeforeAnyTravellerIsReported) {
  const auto p = parse(paxlst(flight_header + "DOC+P:110:111+ORPHAN1'NAD+FL+++A:B'CNT+42:1'"));
  diagnostic_list findings;
  const auto m = run(*p, findings);
  ASSERT_EQ(m.travellers.size(), 1u);
  EXPECT_TRUE(m.travellers[0].documents.empty());
  const auto* d = find(findings, "PAX-DOC-PLACE");
  ASSERT_NE(d, nullptr);
  EXPECT_NE(d->detail.find("ORPHAN1"), std::string::npos);
  EXPECT_EQ(d->pos.message_segment, 9u);
}

TEST(PaxlstExtract, TravellerSegmentsAfterDocumentStayWithTraveller) {
  const auto p =
      parse(paxlst(flight_header + "NAD+FL+++A:B'DOC+P:110:111+D1'DTM+36:300101'ATT+2++F'NAT+2+FRA'"
                                   "NAD+FL+++C:D'CNT+42:2'"));
  diagnostic_list findings;
  const auto m = run(*p, findings);
  ASSERT_EQ(m.travellers.size(), 2u);
  EXPECT_EQ(m.travellers[0].gender, "F");
  EXPECT_EQ(m.travellers[0].nationality, "FRA");
  EXPECT_EQ(m.travellers[0].documents.at(0).number, "D1");
  EXPECT_TRUE(has(findings, "PAX-SEG-PLACE"));
}

TEST(PaxlstExtract, TitleInNameIsReportedAndKept) {
  const auto p = parse(paxlst(flight_header + "NAD+FL+++DOE:JOHN MR'CNT+42:1'"));
  diagnostic_list findings;
  const auto m = run(*p, findings);
  EXPECT_EQ(m.travellers.at(0).given_names, "JOHN MR");
  const auto* d = find(findings, "PAX-NAD-TITLE");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->pos.element, 4u);
}

TEST(PaxlstExtract, CntDifferentFromTravellersIsAWarning) {
  const auto p = parse(paxlst(flight_header + "NAD+FL+++A:B'CNT+42:3'"));
  diagnostic_list findings;
  const auto m = run(*p, findings);
  EXPECT_EQ(m.counts->passengers, 3u);
  const auto* d = find(findings, "PAX-CNT-MISMATCH");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->level, severity::warning);
}

TEST(PaxlstExtract, UnknownPartyFunctionNamesTheTraveller) {
  const auto p = parse(paxlst(flight_header + "NAD+FL+++A:B'NAD+XY+++ROE:RAY'CNT+42:2'"));
  diagnostic_list findings;
  const auto m = run(*p, findings);
  ASSERT_EQ(m.travellers.size(), 2u);
  EXPECT_EQ(m.travellers[1].role, "other");
  const auto* d = find(findings, "PAX-NAD-FUNCTION");
  ASSERT_NE(d, nullptr);
  EXPECT_NE(d->detail.find("traveller 2"), std::string::npos);
}

TEST(PaxlstExtract, CarrierDerivedFromJourneyWhenC040Absent) {
  const auto p = parse(paxlst("BGM+745'TDT+20+XX123'LOC+125+LHR'LOC+87+JFK'CNT+42:0'"));
  diagnostic_list findings;
  const auto m = run(*p, findings);
  ASSERT_TRUE(m.flight_info);
  EXPECT_EQ(m.flight_info->carrier, "XX");
  EXPECT_EQ(m.flight_info->number, "123");
  EXPECT_EQ(m.flight_info->journey_id, "XX123");
}

TEST(PaxlstExtract, ContactsMapAllThreeChannels) {
  const auto p = parse(
      paxlst("BGM+745'NAD+MS+++OPS'COM+1 202 555 0100:TE+1 202 555 0101:FX+OPS?@EXAMPLE.INVALID:EM'"
             "TDT+20+XX123+++XX'LOC+125+LHR'LOC+87+JFK'CNT+42:0'"));
  diagnostic_list findings;
  const auto m = run(*p, findings);
  ASSERT_TRUE(m.reporter);
  ASSERT_EQ(m.reporter->contacts.size(), 3u);
  EXPECT_EQ(m.reporter->contacts[1].type, "fax");
  EXPECT_EQ(m.reporter->contacts[2].type, "email");
  EXPECT_EQ(m.reporter->contacts[2].value, "OPS@EXAMPLE.INVALID");
}

TEST(PaxlstExtract, BagsCountWeightAndTagRange) {
  const auto p =
      parse(paxlst(flight_header + "NAD+FL+++A:B'MEA+CT++2'MEA+WT++KGM:23.5'FTX+BAG+++XX000998:3'"
                                   "CNT+42:1'"));
  diagnostic_list findings;
  const auto m = run(*p, findings);
  const auto& b = m.travellers.at(0).details().baggage;
  EXPECT_EQ(b.count, 2u);
  EXPECT_EQ(b.weight, 23.5);
  EXPECT_EQ(b.unit, "KGM");
  EXPECT_EQ(b.tags, (std::vector<std::string>{"XX000998", "XX000999", "XX001000"}));
}

TEST(PaxlstExtract, ReferencesKeepMessageOrderAndSeat) {
  const auto p =
      parse(paxlst(flight_header + "NAD+FL+++A:B'RFF+SEA:44G'RFF+CR:FF1'RFF+AVF:PNR1'CNT+42:1'"));
  diagnostic_list findings;
  const auto m = run(*p, findings);
  const auto& t = m.travellers.at(0);
  ASSERT_EQ(t.references.size(), 3u);
  EXPECT_EQ(t.references[0].qualifier, "SEA");
  EXPECT_EQ(t.references[2].value, "PNR1");
  EXPECT_EQ(t.seat, "44G");
}

// A traveller's first document and first three references are held in the traveller
// (model::document_list / reference_list, no allocation); more spill to the heap in message
// order, also into a reused model (extract_into), whose slots keep what they had grown to.
TEST(PaxlstExtract, DocumentsAndReferencesBeyondTheInLineCountsKeepMessageOrder) {
  const auto in_line = [](const model::traveller& t, const void* data) {
    const auto* b = reinterpret_cast<const char*>(&t);
    const auto* d = static_cast<const char*>(data);
    return d >= b && d < b + sizeof(model::traveller);
  };
  const auto small = parse(a1_text);
  const auto big = parse(paxlst(
      flight_header +
      "NAD+FL+++A:B'RFF+AVF:R1'RFF+ABO:R2'RFF+SEA:1A'RFF+CR:R4'RFF+AEA:R5'DOC+P+D1'LOC+91+IRL'"
      "DOC+V+D2'DTM+36:300101'NAD+FL+++C:D'RFF+AVF:S1'DOC+P+E1'CNT+42:2'"));
  model::canonical_message reused;
  for (const parsed* p : {small.get(), big.get(), small.get()}) {
    message::message_tree tree;
    diagnostic_list structure, fa, fb;
    (void)message::parse_structure(p->ic, 0, defs(), structure, tree);
    ASSERT_NE(tree.source, nullptr);
    const auto fresh = extract(tree, fa);
    ASSERT_TRUE(fresh);
    ASSERT_FALSE(extract_into(tree, fb, reused));
    EXPECT_EQ(model::canonical_json(*fresh), model::canonical_json(reused));
    const model::canonical_message* both[] = {&*fresh, &reused};
    for (const model::canonical_message* m : both) {
      const bool new_model = m == &*fresh;
      const model::traveller& t = m->travellers.at(0);
      if (p == small.get()) {
        ASSERT_EQ(m->travellers.size(), 1u);
        ASSERT_EQ(t.documents.size(), 1u);
        ASSERT_EQ(t.references.size(), 2u);
        EXPECT_EQ(t.references[1].value, "0001");
        if (new_model) {
          EXPECT_TRUE(in_line(t, t.documents.data()));
          EXPECT_TRUE(in_line(t, t.references.data()));
        }
        continue;
      }
      ASSERT_EQ(m->travellers.size(), 2u);
      ASSERT_EQ(t.references.size(), 5u);
      EXPECT_FALSE(in_line(t, t.references.data()));
      EXPECT_EQ(t.references[0].value, "R1");
      EXPECT_EQ(t.references[3].qualifier, "CR");
      EXPECT_EQ(t.references[4].value, "R5");
      EXPECT_EQ(t.seat, "1A");
      ASSERT_EQ(t.documents.size(), 2u);
      EXPECT_FALSE(in_line(t, t.documents.data()));
      EXPECT_EQ(t.documents[0].number, "D1");
      EXPECT_EQ(t.documents[0].issuing_state, "IRL");
      EXPECT_EQ(t.documents[1].number, "D2");
      EXPECT_EQ(t.documents[1].expiry, "2030-01-01");
      const model::traveller& u = m->travellers.at(1);
      ASSERT_EQ(u.references.size(), 1u);
      ASSERT_EQ(u.documents.size(), 1u);
      if (new_model) {
        EXPECT_TRUE(in_line(u, u.references.data()));
        EXPECT_TRUE(in_line(u, u.documents.data()));
      }
      EXPECT_EQ(u.documents[0].number, "E1");
    }
  }
}

TEST(PaxlstExtract, AddressFromNadPositionsFiveToNine) {
  const auto p =
      parse(paxlst(flight_header + "NAD+FL+++A:B+1 MAIN ST+SPRINGFIELD+IL+62701+USA'CNT+42:1'"));
  diagnostic_list findings;
  const auto m = run(*p, findings);
  ASSERT_EQ(m.travellers.at(0).details().addresses.size(), 1u);
  const auto& a = m.travellers[0].details().addresses[0];
  EXPECT_EQ(a.purpose, "destination");
  EXPECT_EQ(a.street, "1 MAIN ST");
  EXPECT_EQ(a.city, "SPRINGFIELD");
  EXPECT_EQ(a.sub_entity, "IL");
  EXPECT_EQ(a.postal_code, "62701");
  EXPECT_EQ(a.country, "USA");
}

// Differential: the tree path reads every value through the tree's component index
// (message_tree::component, inlined in the extractor) and writes it into the model in place;
// the overload without definitions splits each segment with edifact::element/component and is
// the reference. Travellers whose values carry released separators at the start, middle and
// end of components, empty components and plain ones, in every traveller and document segment
// the extractor reads, give the same model and the same findings both ways, with the
// segment::escaped flag as the parser set it and cleared.
TEST(PaxlstExtract, ComponentIndexReadsWhatTheSegmentSplitReads) {
  const std::vector<std::string> v = {"AB", "?+CD",    "EF?:", "?'GH?'", "IJ??K",
                                      "",   "L?:M?+N", "M",    "F",      "TE"};
  std::string body = flight_header;
  std::size_t travellers = 0;
  for (std::size_t k = 0; k < v.size(); ++k) {
    const std::string& a = v[k];
    const std::string& b = v[(k + 3) % v.size()];
    const std::string& c = v[(k + 7) % v.size()];
    body += "NAD+FL+++" + a + ":" + b + ":" + c + "+" + b + ":" + a + ":" + c + "+" + a + "+" + b +
            ":::" + c + "+" + c + "+" + a + "'";
    body += "ATT+2++" + a + "'DTM+329:800101'LOC+178+" + b + "'LOC+179+" + c + "'LOC+180+" + a +
            "+" + b + "+" + c + "'NAT+2+" + a + "'RFF+AVF:" + b + "'RFF+SEA:" + c + "'RFF+" + a +
            ":" + a + "'GEI+4+" + b + "'MEA+CT++" + c + "'FTX+BAG+++" + a + "2:3'COM+" + b + ":" +
            c + "'";
    body += "DOC+" + a + ":110:111+" + b + "'DTM+36:300101'LOC+91+" + c + "'DTM+" + c + ":300101'";
    ++travellers;
  }
  body += "CNT+42:" + std::to_string(travellers) + "'";
  for (const bool keep_flag : {true, false}) {
    SCOPED_TRACE(keep_flag ? "segment::escaped as parsed" : "segment::escaped cleared");
    auto p = parse(paxlst(body));
    if (!keep_flag) {
      for (auto& s : p->ic.segments) s = clear_escaped(s);
    }
    diagnostic_list with_tree, without_tree;
    const auto a = extract(p->ic, 0, defs(), with_tree);
    const auto b = extract(p->ic, 0, without_tree);
    ASSERT_TRUE(a);
    ASSERT_TRUE(b);
    ASSERT_EQ(a->travellers.size(), travellers);
    EXPECT_EQ(model::canonical_json(*a), model::canonical_json(*b));
    // The structure parser's own findings (MSG-*), and the note that a segment the tree left
    // unplaced was read where it most plausibly belongs, come only with the tree.
    std::vector<std::string> fa, fb;
    for (const auto& d : with_tree.items()) {
      if (d.id.starts_with("MSG-") || d.id == "PAX-SEG-PLACE") continue;
      fa.push_back(std::string(d.id) + " " + d.detail);
    }
    for (const auto& d : without_tree.items()) fb.push_back(std::string(d.id) + " " + d.detail);
    EXPECT_EQ(fa, fb);
    EXPECT_FALSE(fa.empty());  // the odd values above are reported, not dropped
  }
}

// Whether a segment needs unescaping is decided from one forward scan of the interchange text
// (the next release character); bodies outside the text are looked at one by one. Both ways
// must read the same values: the same interchange once as parsed and once with its text
// hidden (every segment then takes the per-segment path), over the appendix A1 example with
// release characters put at many places, and the component-index corpus above.
TEST(PaxlstExtract, PlainDecisionFromTheTextScanMatchesThePerSegmentOne) {
  std::vector<std::string> inputs;
  const std::size_t body_from = a1_text.find("BGM+");
  for (std::size_t k = 0; k < 300; ++k) {
    std::string t = a1_text;
    // One to three release characters at positions spread over the message body.
    for (std::size_t j = 0; j <= k % 3; ++j) {
      const std::size_t at = body_from + (k * 37 + j * 101) % (t.size() - body_from - 40);
      t.insert(at, "?");
    }
    inputs.push_back(std::move(t));
  }
  auto escaped_segments = [](const edifact::interchange& ic) {
    std::size_t n = 0;
    for (const auto& s : ic.segments) n += s.escaped() ? 1 : 0;
    return n;
  };
  const std::size_t a1_escaped = escaped_segments(parse(a1_text)->ic);
  inputs.push_back(a1_text);
  std::size_t more_escaped = 0;  // inputs with more released segments than A1 itself
  for (const std::string& text : inputs) {
    SCOPED_TRACE(text);
    const auto p = parse(text);
    if (p->ic.messages.empty()) continue;
    edifact::interchange hidden = p->ic;
    hidden.text = {};
    for (const bool with_tree : {true, false}) {
      diagnostic_list fa, fb;
      const auto a = with_tree ? extract(p->ic, 0, defs(), fa) : extract(p->ic, 0, fa);
      const auto b = with_tree ? extract(hidden, 0, defs(), fb) : extract(hidden, 0, fb);
      ASSERT_EQ(a.has_value(), b.has_value());
      if (!a) continue;
      EXPECT_EQ(model::canonical_json(*a), model::canonical_json(*b));
      ASSERT_EQ(fa.items().size(), fb.items().size());
      for (std::size_t d = 0; d < fa.items().size(); ++d) {
        EXPECT_EQ(fa.items()[d].id, fb.items()[d].id);
        EXPECT_EQ(fa.items()[d].detail, fb.items()[d].detail);
      }
    }
    more_escaped += escaped_segments(p->ic) > a1_escaped ? 1 : 0;
  }
  EXPECT_GT(more_escaped, 100u);  // the inserted release characters do land in segments
}

// extract_into() refills one model message after message, reusing the traveller slots an
// earlier message left (larger and smaller ones, with and without documents, references and
// details): each result and its findings must be what a fresh extract() gives. Every PAXLST
// message of the vector corpus plus the A1 variants with release characters, in corpus order
// and reversed, into the same model.
TEST(PaxlstExtract, ExtractIntoAReusedModelMatchesAFreshExtract) {
  std::vector<std::string> inputs;
  const std::string root = std::string(APIPNR_SOURCE_DIR) + "/vectors";
  for (const auto& f : std::filesystem::recursive_directory_iterator(root)) {
    if (!f.is_regular_file() || f.path().extension() != ".edi") continue;
    std::ifstream in(f.path(), std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (text.find("PAXLST") != std::string::npos) inputs.push_back(std::move(text));
  }
  ASSERT_GT(inputs.size(), 50u);
  const std::size_t body_from = a1_text.find("BGM+");
  for (std::size_t k = 0; k < 40; ++k) {
    std::string t = a1_text;
    t.insert(body_from + (k * 53) % (t.size() - body_from - 40), "?");
    inputs.push_back(std::move(t));
  }
  std::vector<std::unique_ptr<parsed>> parsed_inputs;
  for (const auto& t : inputs) parsed_inputs.push_back(parse(t));
  model::canonical_message reused;
  std::size_t compared = 0, reused_slots = 0;
  for (const bool reversed : {false, true}) {
    for (std::size_t n = 0; n < parsed_inputs.size(); ++n) {
      const parsed& p = *parsed_inputs[reversed ? parsed_inputs.size() - 1 - n : n];
      for (std::size_t m = 0; m < p.ic.messages.size(); ++m) {
        message::message_tree tree;
        diagnostic_list structure;
        (void)message::parse_structure(p.ic, m, defs(), structure, tree);
        if (tree.source == nullptr) continue;
        diagnostic_list fa, fb;
        const auto a = extract(tree, fa);
        const std::size_t slots_before = reused.travellers.size();
        const auto ec = extract_into(tree, fb, reused);
        ASSERT_EQ(a.has_value(), !ec) << p.text;
        if (!a) continue;
        reused_slots += std::min(slots_before, reused.travellers.size());
        EXPECT_EQ(model::canonical_json(*a), model::canonical_json(reused)) << p.text;
        EXPECT_EQ(model::to_json(*a), model::to_json(reused)) << p.text;
        ASSERT_EQ(fa.items().size(), fb.items().size()) << p.text;
        for (std::size_t d = 0; d < fa.items().size(); ++d) {
          EXPECT_EQ(fa.items()[d].id, fb.items()[d].id) << p.text;
          EXPECT_EQ(fa.items()[d].detail, fb.items()[d].detail) << p.text;
          EXPECT_EQ(fa.items()[d].pos.segment, fb.items()[d].pos.segment) << p.text;
        }
        ++compared;
      }
    }
  }
  EXPECT_GT(compared, 100u);
  EXPECT_GT(reused_slots, 100u);  // the slots were refilled, not only appended
  // A message that is not a PAXLST leaves the model as it was.
  const std::string before = model::canonical_json(reused);
  auto cusres = parse(
      "UNA:+.? 'UNB+UNOA:4+A:ZZ+B:ZZ+250301:0930+1'UNH+1+CUSRES:D:05B:UN:IATA'BGM+962'"
      "UNT+3+1'UNZ+1+1'");
  message::message_tree tree;
  diagnostic_list ignored;
  (void)message::parse_structure(cusres->ic, 0, defs(), ignored, tree);
  if (tree.source != nullptr) {
    EXPECT_EQ(extract_into(tree, ignored, reused), make_error_code(errc::not_paxlst));
    EXPECT_EQ(model::canonical_json(reused), before);
  }
}

TEST(PaxlstExtract, NonPaxlstMessageIsReturnedAsError) {
  const auto p =
      parse("UNB+UNOA:4+A+B+250301:0930+1'UNH+1+CUSRES:D:05B:UN:IATA'BGM+962'UNT+3+1'UNZ+1+1'");
  diagnostic_list findings;
  const auto r = extract(p->ic, 0, findings);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), make_error_code(errc::not_paxlst));
  EXPECT_FALSE(extract(p->ic, 5, findings));
}

TEST(PaxlstExtract, PartNumberAndFlagAreListed) {
  const auto p = parse(paxlst(flight_header + "NAD+FL+++A:B'CNT+42:9'", "APIS", "+CAR1+02"));
  diagnostic_list findings;
  const auto m = run(*p, findings);
  ASSERT_EQ(m.message.parts.size(), 1u);
  EXPECT_EQ(m.message.parts[0].number, 2u);
  EXPECT_FALSE(m.message.parts[0].final_part);
  // Only a complete single message is checked against its CNT; parts are checked as a set.
  EXPECT_FALSE(has(findings, "PAX-CNT-MISMATCH"));
}

TEST(PaxlstExtract, ExtractedPartsReassembleIntoOneMessage) {
  const auto p2 = parse(paxlst(flight_header + "NAD+FL+++TWO:B'CNT+42:2'", "APIS", "+CAR9+02:F"));
  const auto p1 = parse(paxlst(flight_header + "NAD+FL+++ONE:A'CNT+42:2'", "APIS", "+CAR9+01:C"));
  diagnostic_list findings;
  reassembler r;
  EXPECT_FALSE(r.add(run(*p2, findings), p2->text.size(), findings).value());
  auto done = r.add(run(*p1, findings), p1->text.size(), findings).value();
  ASSERT_TRUE(done);
  ASSERT_EQ(done->travellers.size(), 2u);
  EXPECT_EQ(done->travellers[0].surname, "ONE");
  EXPECT_EQ(done->message.parts.size(), 2u);
  EXPECT_FALSE(has(findings, "PAX-CNT-MISMATCH"));
  EXPECT_TRUE(has(findings, "PAX-PART-ORDER"));
}

}  // namespace
}  // namespace apipnr::paxlst
