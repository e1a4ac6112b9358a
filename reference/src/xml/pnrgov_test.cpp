#include "apipnr/xml/pnrgov.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

namespace apipnr::xml {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string vector_input(std::string_view name) {
  const std::string s = read_file(fs::path(APIPNR_VECTORS_DIR) / "xml" / "pnrgov" / name);
  EXPECT_FALSE(s.empty()) << "vector " << name << " not found";
  return s;
}

const diagnostic* find(const diagnostic_list& l, std::string_view id) {
  for (const diagnostic& d : l.items()) {
    if (d.id == id) return &d;
  }
  return nullptr;
}

std::string ids(const diagnostic_list& l) {
  std::string s;
  for (const diagnostic& d : l.items()) s += std::string(d.id) + " (" + d.detail + ")\n";
  return s;
}

// A minimal valid push with `pnrs` spliced into PNRs.
std::string push(std::string_view pnrs_attrs, std::string_view pnrs_body,
                 std::string_view ns = "xmlns=\"http://www.iata.org/IATA/2007/00\"") {
  std::string s = "<IATA_PNRGOV_NotifRQ ";
  s += ns;
  s += ">\n"
       "<FlightLeg CarrierCode=\"XX\" FlightNumber=\"123\" "
       "DepartureDateTime=\"2025-03-01T11:00:00\" ArrivalDateTime=\"2025-03-01T14:00:00\">"
       "<DepartureAirport LocationCode=\"LHR\"/><ArrivalAirport LocationCode=\"JFK\"/>"
       "</FlightLeg>\n<PNRs ";
  s += pnrs_attrs;
  s += ">";
  s += pnrs_body;
  s += "</PNRs>\n</IATA_PNRGOV_NotifRQ>";
  return s;
}

std::string pnr(std::string_view body, std::string_view attrs = "") {
  std::string s = "<PNR ";
  s += attrs;
  s += "><BookingRefID ID=\"ABC123\"><CompanyName Code=\"XX\"/></BookingRefID>";
  s += body;
  s += "</PNR>";
  return s;
}

struct mapped {
  model::canonical_message msg;
  diagnostic_list sink;
  boost::system::error_code ec;
};

mapped run(const std::string& in) {
  mapped m;
  m.ec = read_pnrgov(in, m.msg, m.sink);
  return m;
}

TEST(PnrgovXml, AppendixA3MapsToTheCanonicalExample) {
  const mapped m = run(vector_input("y_a3_full_push.xml"));
  ASSERT_FALSE(m.ec) << ids(m.sink);
  json want = json::parse(read_file(fs::path(APIPNR_SOURCE_DIR) / "specs" / "canonical" /
                                    "examples" / "pnrgov-a3.json"));
  // sensitive_removed is written by the sensitive-data filter that runs after the mapping.
  for (json& p : want["pnrs"]) p.erase("sensitive_removed");
  const json got = model::to_json(m.msg);
  EXPECT_EQ(got["pnrs"], want["pnrs"]) << got["pnrs"].dump(1);
  EXPECT_EQ(got["flight"], want["flight"]);
  EXPECT_EQ(got["totals"], want["totals"]);
  EXPECT_EQ(got["message"]["kind"], "pnr_push");
  EXPECT_EQ(got["message"]["syntax"], "xml");
  EXPECT_EQ(got["message"]["type"], "IATA_PNRGOV_NotifRQ");
  EXPECT_EQ(got["message"]["prepared"], "2025-02-28T11:00");
}

TEST(PnrgovXml, AppendixA3LeavesNothingUnmapped) {
  const mapped m = run(vector_input("y_a3_full_push.xml"));
  EXPECT_TRUE(m.sink.empty()) << ids(m.sink);
}

TEST(PnrgovXml, OriginatorBecomesPushOriginator) {
  const mapped m = run(vector_input("y_a3_full_push.xml"));
  ASSERT_TRUE(m.msg.push);
  EXPECT_EQ(m.msg.push->originator_company, "XX");
  EXPECT_EQ(m.msg.push->originator_system, "XXRES");
  ASSERT_TRUE(m.msg.reporter);
  EXPECT_EQ(m.msg.reporter->contacts.at(0).type, "other");
}

TEST(PnrgovXml, PrefixedNamespaceMapsLikeTheDefaultNamespace) {
  const mapped a = run(vector_input("y_a3_full_push.xml"));
  const mapped b = run(vector_input("y_prefixed_namespace.xml"));
  EXPECT_TRUE(b.sink.empty()) << ids(b.sink);
  EXPECT_EQ(model::to_json(a.msg), model::to_json(b.msg));
}

TEST(PnrgovXml, WrongNamespaceIsAnError) {
  const mapped m = run(vector_input("n_wrong_namespace.xml"));
  const diagnostic* d = find(m.sink, "XML-NS-WRONG");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->level, severity::error);
  EXPECT_EQ(d->requirement, "PNR-XML-NS-001");
  // The rest is still read, in the root's namespace.
  EXPECT_EQ(m.msg.pnrs.size(), 1u);
}

TEST(PnrgovXml, MissingNamespaceIsAnError) {
  const mapped m = run(vector_input("n_missing_namespace.xml"));
  EXPECT_NE(find(m.sink, "XML-NS-MISSING"), nullptr) << ids(m.sink);
  EXPECT_TRUE(m.sink.has_errors());
}

TEST(PnrgovXml, WrongRootStopsTheMapping) {
  const mapped m = run(vector_input("n_wrong_root.xml"));
  EXPECT_EQ(m.ec, make_error_code(errc::wrong_root));
  const diagnostic* d = find(m.sink, "XML-ROOT");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->requirement, "PNR-XML-ROOT-001");
  EXPECT_TRUE(m.msg.pnrs.empty());
}

TEST(PnrgovXml, ChildInForeignNamespaceIsUnmapped) {
  const mapped m = run(push("NumberOfPnrs=\"1\"",
                            pnr("<x:Passenger xmlns:x=\"urn:example:other\"><Surname>A</Surname>"
                                "</x:Passenger>")));
  EXPECT_TRUE(m.msg.pnrs.at(0).travellers.empty());
  const diagnostic* d = find(m.sink, "XML-UNMAPPED-ELEMENT");
  ASSERT_NE(d, nullptr);
  EXPECT_NE(d->detail.find("/Passenger"), std::string::npos) << d->detail;
}

TEST(PnrgovXml, PnrCountMismatchWarns) {
  const mapped m = run(vector_input("y_pnr_count_mismatch.xml"));
  const diagnostic* d = find(m.sink, "XML-PNR-COUNT");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->level, severity::warning);
  EXPECT_EQ(d->requirement, "PNR-XML-PNRS-002");
  // The declared count is kept as sent; the finding records the difference.
  EXPECT_EQ(m.msg.counts->pnrs, 2u);
}

TEST(PnrgovXml, MissingNumberOfPnrsIsAnError) {
  const mapped m = run(push("", pnr("")));
  EXPECT_NE(find(m.sink, "XML-PNRS-MISSING"), nullptr);
}

TEST(PnrgovXml, PassengerCountMismatchWarns) {
  const mapped m =
      run(push("NumberOfPnrs=\"1\"", pnr("<Passenger RPH=\"1\"><Surname>A</Surname></Passenger>",
                                         "NumberOfPassengers=\"2\"")));
  const diagnostic* d = find(m.sink, "XML-PAX-COUNT");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->requirement, "PNR-XML-PNR-003");
}

TEST(PnrgovXml, MissingBookingReferenceIsAnError) {
  const mapped m = run(vector_input("n_missing_booking_ref.xml"));
  EXPECT_NE(find(m.sink, "XML-PNR-LOCATOR"), nullptr);
  EXPECT_TRUE(m.sink.has_errors());
}

TEST(PnrgovXml, MissingFlightLegIsAnError) {
  const mapped m = run(
      "<IATA_PNRGOV_NotifRQ xmlns=\"http://www.iata.org/IATA/2007/00\"><PNRs NumberOfPnrs=\"0\"/>"
      "</IATA_PNRGOV_NotifRQ>");
  EXPECT_NE(find(m.sink, "XML-FLIGHTLEG-MISSING"), nullptr);
  EXPECT_FALSE(m.msg.flight_info);
}

TEST(PnrgovXml, InfantAndAccompanyingAdult) {
  const mapped m = run(vector_input("y_two_pnrs_infant_codeshare.xml"));
  ASSERT_FALSE(m.sink.has_errors()) << ids(m.sink);
  const auto& t = m.msg.pnrs.at(0).travellers;
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[0].details().accompanied_by_infant, true);
  EXPECT_EQ(t[0].role, "passenger");
  EXPECT_EQ(t[1].role, "infant");
  EXPECT_EQ(t[1].details().infant, true);
  EXPECT_EQ(t[1].details().passenger_type, "IN");
  // DOCS gender MI: canonical gender M, the infant flag carries the I.
  EXPECT_EQ(t[1].gender, "M");
  EXPECT_EQ(t[1].date_of_birth, "2024-09-01");
}

TEST(PnrgovXml, CodeshareFlightKeepsOperatingCarrier) {
  const mapped m = run(vector_input("y_two_pnrs_infant_codeshare.xml"));
  const auto& legs = m.msg.pnrs.at(0).itinerary;
  ASSERT_EQ(legs.size(), 2u);
  EXPECT_EQ(legs[1].sequence, 2u);
  EXPECT_EQ(legs[1].carrier, "XX");
  EXPECT_EQ(legs[1].flight_number, "4567");
  EXPECT_EQ(legs[1].operating_carrier, "YY");
  EXPECT_EQ(legs[1].operating_flight_number, "89");
  EXPECT_EQ(legs[1].booking_class, "M");
  EXPECT_EQ(legs[1].departure.scheduled, "2025-03-03T09:30");
  EXPECT_FALSE(legs[0].operating_carrier);
}

TEST(PnrgovXml, TwoPnrsWithSeveralPassengers) {
  const mapped m = run(vector_input("y_two_pnrs_infant_codeshare.xml"));
  EXPECT_TRUE(m.sink.empty()) << ids(m.sink);
  ASSERT_EQ(m.msg.pnrs.size(), 2u);
  EXPECT_EQ(m.msg.counts->pnrs, 2u);
  EXPECT_EQ(m.msg.pnrs[0].record_locators.size(), 2u);
  EXPECT_EQ(m.msg.pnrs[0].record_locators[1].company, "1X");
  EXPECT_EQ(m.msg.pnrs[0].last_modified, "2025-02-26");
  ASSERT_EQ(m.msg.pnrs[1].travellers.size(), 2u);
  EXPECT_EQ(m.msg.pnrs[1].travellers[1].given_names, "ALEXMS");
  EXPECT_EQ(m.msg.pnrs[1].travellers[1].details().pnr_traveller_ref, "2");
}

TEST(PnrgovXml, ContactInfoKeepsOrderAndKinds) {
  const mapped m = run(vector_input("y_two_pnrs_infant_codeshare.xml"));
  const auto& p = m.msg.pnrs.at(0);
  ASSERT_EQ(p.contacts.size(), 2u);
  EXPECT_EQ(p.contacts[0].type, "phone");
  EXPECT_EQ(p.contacts[1].type, "email");
  ASSERT_EQ(p.addresses.size(), 1u);
  EXPECT_EQ(p.addresses[0].city, "LONDON");
  EXPECT_EQ(p.addresses[0].country, "GB");
  EXPECT_EQ(p.addresses[0].purpose, "H");
}

TEST(PnrgovXml, DocaAndDocoBecomeAddressAndVisa) {
  const mapped m = run(vector_input("y_two_pnrs_infant_codeshare.xml"));
  const auto& t = m.msg.pnrs.at(0).travellers;
  ASSERT_EQ(t[0].details().addresses.size(), 1u);
  EXPECT_EQ(t[0].details().addresses[0].sub_entity, "NY");
  EXPECT_EQ(t[0].details().ssrs.at(2).text, "/D/USA/100 TEST AVENUE/NEW YORK/NY/10001");
  ASSERT_EQ(t[2].documents.size(), 1u);
  EXPECT_EQ(t[2].documents[0].type, "V");
  EXPECT_EQ(t[2].documents[0].source, "DOCO");
  EXPECT_EQ(t[2].documents[0].issue_date, "2024-11-02");
  EXPECT_EQ(t[2].details().place_of_birth, "MANCHESTER");
}

TEST(PnrgovXml, FrequentFlyerAndSegmentSsr) {
  const mapped m = run(vector_input("y_two_pnrs_infant_codeshare.xml"));
  const auto& p = m.msg.pnrs.at(0);
  ASSERT_EQ(p.travellers[0].details().frequent_flyers.size(), 1u);
  EXPECT_EQ(p.travellers[0].details().frequent_flyers[0].tier, "GOLD");
  ASSERT_EQ(p.ssrs.size(), 1u);
  EXPECT_EQ(p.ssrs[0].code, "SEAT");
  EXPECT_EQ(p.ssrs[0].segment_refs, std::vector<std::uint32_t>{1});
  EXPECT_EQ(p.ssrs[0].traveller_refs, std::vector<std::string>{"1"});
}

TEST(PnrgovXml, MaskedCardNumberStaysMasked) {
  const mapped m = run(vector_input("y_two_pnrs_infant_codeshare.xml"));
  const auto& pay = m.msg.pnrs.at(0).travellers.at(0).details().tickets.at(0).payments.at(0);
  EXPECT_EQ(pay.account_masked, "XXXXXXXXXXXX5678");
  EXPECT_EQ(pay.amount, 612.40);
  EXPECT_EQ(find(m.sink, "XML-PAN-CLEAR"), nullptr);
}

TEST(PnrgovXml, ClearCardNumberIsMaskedAndReportedWithoutTheNumber) {
  const mapped m = run(vector_input("y_clear_card_number.xml"));
  const diagnostic* d = find(m.sink, "XML-PAN-CLEAR");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->requirement, "DP-MASK-004");
  EXPECT_EQ(d->detail.find("9999000011112222"), std::string::npos);
  const auto& pay = m.msg.pnrs.at(0).travellers.at(0).details().tickets.at(0).payments.at(0);
  EXPECT_EQ(pay.account_masked, "XXXXXXXXXXXX2222");
  EXPECT_EQ(model::to_json(m.msg).dump().find("9999000011112222"), std::string::npos);
}

TEST(PnrgovXml, UnknownElementsAreCountedWithTheFirstPath) {
  const mapped m =
      run(push("NumberOfPnrs=\"1\"", pnr("<Passenger RPH=\"1\"><Surname>A</Surname><Mystery/>"
                                         "<Enigma><Deep/></Enigma></Passenger>")));
  ASSERT_EQ(m.sink.size(), 1u) << ids(m.sink);
  const diagnostic& d = m.sink.items()[0];
  EXPECT_EQ(d.id, "XML-UNMAPPED-ELEMENT");
  EXPECT_EQ(d.level, severity::info);
  EXPECT_NE(d.detail.find("2 element(s)"), std::string::npos) << d.detail;
  EXPECT_NE(d.detail.find("/IATA_PNRGOV_NotifRQ/PNRs/PNR/Passenger/Mystery"), std::string::npos)
      << d.detail;
}

TEST(PnrgovXml, UnknownAttributesAndStrayTextAreReported) {
  const mapped m = run(push("NumberOfPnrs=\"1\" Colour=\"red\"",
                            pnr("stray<Passenger RPH=\"1\"><Surname>A</Surname></Passenger>")));
  const diagnostic* a = find(m.sink, "XML-UNMAPPED-ATTRIBUTE");
  ASSERT_NE(a, nullptr);
  EXPECT_NE(a->detail.find("/PNRs/@Colour"), std::string::npos) << a->detail;
  const diagnostic* e = find(m.sink, "XML-UNMAPPED-ELEMENT");
  ASSERT_NE(e, nullptr);
  EXPECT_NE(e->detail.find("/PNR/text()"), std::string::npos) << e->detail;
}

TEST(PnrgovXml, DateTimeWithOffsetIsReportedAndNotStored) {
  const mapped m =
      run(push("NumberOfPnrs=\"1\"", pnr("", "PNR_CreationDate=\"2025-01-15T09:15:00+01:00\"")));
  const diagnostic* d = find(m.sink, "XML-VALUE");
  ASSERT_NE(d, nullptr);
  EXPECT_NE(d->detail.find("@PNR_CreationDate"), std::string::npos);
  EXPECT_FALSE(m.msg.pnrs.at(0).created);
}

TEST(PnrgovXml, ImpossibleDateIsReported) {
  const mapped m = run(push("NumberOfPnrs=\"1\"", pnr("", "PNR_TransDate=\"2025-02-30\"")));
  EXPECT_NE(find(m.sink, "XML-VALUE"), nullptr);
  EXPECT_FALSE(m.msg.pnrs.at(0).last_modified);
}

TEST(PnrgovXml, PassengerWithoutSurnameIsAnError) {
  const mapped m =
      run(push("NumberOfPnrs=\"1\"", pnr("<Passenger RPH=\"1\"><GivenName>A</GivenName>"
                                         "</Passenger>")));
  const diagnostic* d = find(m.sink, "XML-PAX-SURNAME");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->level, severity::error);
}

TEST(PnrgovXml, UnknownDocSsrCodeIsKeptAsPlainSsr) {
  const mapped m =
      run(push("NumberOfPnrs=\"1\"", pnr("<Passenger RPH=\"1\"><Surname>A</Surname>"
                                         "<DOC_SSR SSRCode=\"DOCX\" Status=\"HK\"/></Passenger>")));
  EXPECT_NE(find(m.sink, "XML-DOCSSR-CODE"), nullptr);
  EXPECT_EQ(m.msg.pnrs.at(0).travellers.at(0).details().ssrs.at(0).code, "DOCX");
}

TEST(PnrgovXml, FindingsCarryOffsetAndLineColumn) {
  const std::string in = push("NumberOfPnrs=\"3\"", pnr(""));
  const mapped m = run(in);
  const diagnostic* d = find(m.sink, "XML-PNR-COUNT");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->pos.offset, in.find("<PNRs"));
  const line_column lc = locate(in, d->pos.offset);
  EXPECT_EQ(d->detail.substr(0, d->detail.find(':')),
            "line " + std::to_string(lc.line) + ", column " + std::to_string(lc.column));
}

TEST(PnrgovXml, EveryFindingLineColumnAgreesWithLocate) {
  const std::string in =
      push("NumberOfPnrs=\"1\"",
           "\n  " + pnr("\n    <Passenger RPH=\"1\" AccompaniedByInfantInd=\"maybe\">"
                        "<Surname>A</Surname></Passenger>\n    <Flight NumberInParty=\"two\"/>",
                        "PNR_TransDate=\"yesterday\""));
  const mapped m = run(in);
  ASSERT_EQ(m.sink.size(), 3u) << ids(m.sink);
  for (const diagnostic& d : m.sink.items()) {
    const line_column lc = locate(in, d.pos.offset);
    EXPECT_EQ(d.detail.substr(0, d.detail.find(':')),
              "line " + std::to_string(lc.line) + ", column " + std::to_string(lc.column));
  }
  EXPECT_NE(m.sink.items()[0].pos.offset, m.sink.items()[2].pos.offset);
}

TEST(PnrgovXml, DoctypeVectorIsRefusedBeforeMapping) {
  const mapped m = run(vector_input("n_doctype_billion_laughs.xml"));
  EXPECT_EQ(m.ec, make_error_code(errc::doctype));
  EXPECT_TRUE(m.msg.pnrs.empty());
}

TEST(PnrgovXml, UnclosedTagVectorReportsItsPosition) {
  const std::string in = vector_input("n_unclosed_tag.xml");
  const mapped m = run(in);
  EXPECT_EQ(m.ec, make_error_code(errc::not_well_formed));
  const diagnostic* d = find(m.sink, "XML-WELL-FORMED");
  ASSERT_NE(d, nullptr);
  // Surname is left open, so the parser stops at the passenger's next end tag </DOC_SSR>'s
  // sibling: the first end tag that does not match, </Passenger>.
  EXPECT_EQ(d->pos.offset, in.find("</Passenger>") + 2);
}

TEST(PnrgovXml, MapWithoutParsedDocumentFails) {
  document doc;
  model::canonical_message out;
  diagnostic_list sink;
  EXPECT_EQ(map_pnrgov(doc, out, sink), make_error_code(errc::not_well_formed));
}

}  // namespace
}  // namespace apipnr::xml
