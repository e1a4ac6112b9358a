#include "apipnr/responses/cusres_from_request.hpp"

#include <gtest/gtest.h>

#include <string>

namespace apipnr::responses {
namespace {

// The canonical form of the request in STANDARDS.md Appendix A.1 (see
// specs/canonical/examples/paxlst-a1.json), reduced to what the answer needs.
model::canonical_message a1_request() {
  model::canonical_message m;
  m.message.kind = "iapi_request";
  m.message.syntax = "edifact";
  m.message.type = "PAXLST";
  m.message.message_reference = "1";
  m.message.common_access_reference = "XX123/250301/1100";
  m.message.transaction_reference = "XX1232503011";
  model::flight f;
  f.carrier = "XX";
  f.number = "123";
  f.journey_id = "XX123";
  model::leg l;
  l.departure = {"LHR", "2025-03-01T11:00", "125"};
  l.arrival = {"JFK", "2025-03-01T14:00", "87"};
  f.legs.push_back(l);
  m.flight_info = f;
  model::traveller t;
  t.role = "passenger";
  t.surname = "O'BRIEN";
  t.references = {{"AVF", "ABC123"}, {"ABO", "0001"}};
  m.travellers.push_back(t);
  return m;
}

envelope a2_envelope() {
  envelope e;
  e.sender.id = "PIUTEST";
  e.recipient.id = "XXAPI";
  e.date = "250301";
  e.time = "0931";
  e.control_reference = "2001";
  e.application_reference = "IAPI";
  e.group = true;
  e.group_recipient.id = "XX AIRLINE";
  return e;
}

constexpr std::string_view appendix_a2 =
    "UNB+UNOA:4+PIUTEST+XXAPI+250301:0931+2001++IAPI'"
    "UNG+CUSRES+PIUTEST+XX AIRLINE+250301:0931+1+UN+D:05B'"
    "UNH+1+CUSRES:D:05B:UN:IATA+XX123/250301/1100+01:F'BGM+962'RFF+TN:XX1232503011'"
    "RFF+AF:XX123'DTM+189:2503011100:201'DTM+232:2503011400:201'LOC+125+LHR'LOC+87+JFK'"
    "ERP+2'RFF+AVF:ABC123'RFF+ABO:0001'ERC+0Z'FTX+AAP+++OK TO BOARD'UNT+14+1'UNE+1+1'"
    "UNZ+1+2001'";

TEST(CusresFromRequest, AnswersAppendixA1WithAppendixA2) {
  auto r = make_response(a1_request(), a2_envelope(), directive::ok_to_board);
  ASSERT_TRUE(r.has_value()) << r.error().message();
  ASSERT_EQ(r->passengers.size(), 1u);
  r->passengers[0].text = "OK TO BOARD";
  const auto text = write_cusres(*r);
  ASSERT_TRUE(text.has_value()) << text.error().message();
  EXPECT_EQ(*text, appendix_a2);
}

TEST(CusresFromRequest, AnswersEveryTravellerInRequestOrder) {
  model::canonical_message m = a1_request();
  model::traveller t = m.travellers[0];
  t.references = {{"ABO", "0002"}};
  m.travellers.push_back(t);
  const auto r = make_response(m, a2_envelope(), directive::no_board);
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r->passengers.size(), 2u);
  EXPECT_EQ(r->passengers[1].passenger_reference, "0002");
  EXPECT_EQ(r->passengers[1].booking_reference, "");
  EXPECT_EQ(r->passengers[1].directive_code, "1Z");
}

TEST(CusresFromRequest, HeaderRefusalNeedsOnlyTheRequestReferences) {
  model::canonical_message m = a1_request();
  m.travellers.clear();                                            // no traveller at all
  m.flight_info->legs.front().departure.scheduled = "not a time";  // no flight echo either
  const auto r = make_header_refusal(m, a2_envelope(), "IAPI-REQ-EMPTY");
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_TRUE(r->passengers.empty());
  EXPECT_FALSE(r->flight.has_value());
  EXPECT_EQ(r->request.transaction_reference, *m.message.transaction_reference);
  ASSERT_TRUE(r->header.has_value());
  EXPECT_EQ(r->header->text, "IAPI-REQ-EMPTY");
  m.message.transaction_reference.reset();
  EXPECT_EQ(make_header_refusal(m, a2_envelope(), "X").error(),
            make_error_code(errc::cusres_missing_transaction_reference));
}

TEST(CusresFromRequest, RejectsTravellerWithoutAbo) {
  model::canonical_message m = a1_request();
  m.travellers[0].references = {{"AVF", "ABC123"}};
  const auto r = make_response(m, a2_envelope(), directive::ok_to_board);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error(), errc::cusres_missing_passenger_reference);
}

TEST(CusresFromRequest, RejectsRequestWithoutTransactionReference) {
  model::canonical_message m = a1_request();
  m.message.transaction_reference.reset();
  const auto r = make_response(m, a2_envelope(), directive::ok_to_board);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error(), errc::cusres_missing_transaction_reference);
}

TEST(CusresFromRequest, RejectsUnreadableScheduledTime) {
  model::canonical_message m = a1_request();
  m.flight_info->legs[0].departure.scheduled = "01MAR25 1100";
  const auto r = make_response(m, a2_envelope(), directive::ok_to_board);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error(), errc::cusres_invalid_flight);
}

TEST(CusresFromRequest, CarrierAcknowledgementEchoesTheStatusMessage) {
  auto status = make_response(a1_request(), a2_envelope(), directive::no_board);
  ASSERT_TRUE(status.has_value());
  status->document = cusres_document::unsolicited_status;
  envelope carrier = a2_envelope();
  carrier.sender.id = "XXAPI";
  carrier.recipient.id = "PIUTEST";
  carrier.group = false;
  const cusres_response ack = make_carrier_acknowledgement(*status, carrier);
  const auto text = write_cusres(ack);
  ASSERT_TRUE(text.has_value()) << text.error().message();
  EXPECT_NE(text->find("'BGM+312'RFF+TN:XX1232503011'RFF+AF:XX123'"), std::string::npos) << *text;
  EXPECT_NE(text->find("'ERP+2'RFF+AVF:ABC123'RFF+ABO:0001'ERC+1Z'UNT+13+1'"), std::string::npos)
      << *text;
}

TEST(CusresFromRequest, CarrierAcknowledgementReportsErrorAtHeaderLevel) {
  auto status = make_response(a1_request(), a2_envelope(), directive::no_board);
  ASSERT_TRUE(status.has_value());
  const cusres_response ack =
      make_carrier_acknowledgement(*status, a2_envelope(), "1", "PASSENGER NOT FOUND");
  const auto text = write_cusres(ack);
  ASSERT_TRUE(text.has_value()) << text.error().message();
  EXPECT_NE(text->find("'LOC+87+JFK'ERP+1'ERC+1'FTX+AAP+++PASSENGER NOT FOUND'UNT+12+1'"),
            std::string::npos)
      << *text;
}

}  // namespace
}  // namespace apipnr::responses
