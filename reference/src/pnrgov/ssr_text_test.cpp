#include "apipnr/pnrgov/ssr_text.hpp"

#include <algorithm>

#include <gtest/gtest.h>

namespace apipnr::pnrgov {
namespace {

bool has_issue(const std::vector<text_issue>& issues, text_problem p) {
  return std::any_of(issues.begin(), issues.end(),
                     [&](const text_issue& i) { return i.problem == p; });
}

TEST(PnrgovDocs, ParsesEveryPositionOfTheAirimpLayout) {
  const auto r = parse_docs("/P/IRL/PA1234567/IRL/12APR85/F/01JAN30/OBRIEN/ANNE/MARIE/H");
  EXPECT_EQ(r.shift, 0);
  EXPECT_TRUE(r.issues.empty());
  EXPECT_EQ(r.value.document_type, "P");
  EXPECT_EQ(r.value.issuing_state, "IRL");
  EXPECT_EQ(r.value.number, "PA1234567");
  EXPECT_EQ(r.value.nationality, "IRL");
  EXPECT_EQ(r.value.date_of_birth, "12APR85");
  EXPECT_EQ(r.value.gender, "F");
  EXPECT_EQ(r.value.expiry, "01JAN30");
  EXPECT_EQ(r.value.surname, "OBRIEN");
  EXPECT_EQ(r.value.given_name, "ANNE");
  EXPECT_EQ(r.value.second_given_name, "MARIE");
  EXPECT_TRUE(r.value.multi_passenger_holder);
}

TEST(PnrgovDocs, EmptyPositionsStayEmptyAndKeepOthersInPlace) {
  const auto r = parse_docs("/////14JUL71/M//TESTER/ZED");
  EXPECT_EQ(r.shift, 0);
  EXPECT_TRUE(r.value.document_type.empty());
  EXPECT_TRUE(r.value.number.empty());
  EXPECT_EQ(r.value.date_of_birth, "14JUL71");
  EXPECT_EQ(r.value.gender, "M");
  EXPECT_TRUE(r.value.expiry.empty());
  EXPECT_EQ(r.value.surname, "TESTER");
  EXPECT_EQ(r.value.given_name, "ZED");
  EXPECT_TRUE(has_issue(r.issues, text_problem::missing_field));
  EXPECT_FALSE(has_issue(r.issues, text_problem::shifted));
}

TEST(PnrgovDocs, MissingFieldShiftIsDetectedAndAmbiguousFieldsLeftEmpty) {
  // Nationality missing: every later field moved one position to the left.
  const auto r = parse_docs("/P/IRL/PA1234567/12APR85/F/01JAN30/OBRIEN/ANNE");
  EXPECT_EQ(r.shift, -1);
  EXPECT_TRUE(has_issue(r.issues, text_problem::shifted));
  EXPECT_TRUE(r.value.number.empty());
  EXPECT_TRUE(r.value.nationality.empty());
  EXPECT_EQ(r.value.date_of_birth, "12APR85");
  EXPECT_EQ(r.value.gender, "F");
  EXPECT_EQ(r.value.expiry, "01JAN30");
  EXPECT_EQ(r.value.surname, "OBRIEN");
}

TEST(PnrgovDocs, ExtraFieldShiftIsDetected) {
  const auto r = parse_docs("/P/IRL/PA1234567/IRL/X/12APR85/F/01JAN30/OBRIEN/ANNE");
  EXPECT_EQ(r.shift, 1);
  EXPECT_EQ(r.value.gender, "F");
  EXPECT_EQ(r.value.given_name, "ANNE");
}

TEST(PnrgovDocs, InvalidGenderIsReportedWithoutShift) {
  const auto r = parse_docs("/P/IRL/PA1234567/IRL/12APR85/Q/01JAN30/OBRIEN/ANNE");
  EXPECT_EQ(r.shift, 0);
  EXPECT_TRUE(has_issue(r.issues, text_problem::invalid_gender));
  EXPECT_EQ(r.value.number, "PA1234567");
}

TEST(PnrgovDocs, BirthDateWithoutYearIsInvalidDate) {
  const auto r = parse_docs("/P/IRL/PA1234567/IRL/12APR/F/01JAN30/OBRIEN/ANNE");
  EXPECT_TRUE(has_issue(r.issues, text_problem::invalid_date));
  EXPECT_EQ(r.shift, 0);
}

TEST(PnrgovDocs, NameAssociationIsSplitOff) {
  const auto r = parse_docs("/P/GBR/X1234567/GBR/01JAN80/MI/01JAN30/SMITH-JONES/TOM-1SMITH/ANN");
  EXPECT_EQ(r.value.surname, "SMITH-JONES");
  EXPECT_EQ(r.value.given_name, "TOM");
  EXPECT_EQ(r.value.association.count, "1");
  EXPECT_EQ(r.value.association.surname, "SMITH");
  EXPECT_EQ(r.value.association.given, "ANN");
  EXPECT_EQ(r.value.gender, "MI");
}

TEST(PnrgovDoco, ParsesVisa) {
  const auto r = parse_doco("/LONDON GBR/V/V7654321/NEW YORK/10JUN22/USA");
  EXPECT_TRUE(r.issues.empty());
  EXPECT_EQ(r.value.place_of_birth, "LONDON GBR");
  EXPECT_EQ(r.value.document_type, "V");
  EXPECT_EQ(r.value.number, "V7654321");
  EXPECT_EQ(r.value.place_of_issue, "NEW YORK");
  EXPECT_EQ(r.value.issue_date, "10JUN22");
  EXPECT_EQ(r.value.applicable_country, "USA");
}

TEST(PnrgovDoca, ParsesDestinationAddress) {
  const auto r = parse_doca("/D/USA/1 TEST STREET/SPRINGFIELD/IL/62701");
  EXPECT_TRUE(r.issues.empty());
  EXPECT_EQ(r.value.address_type, "D");
  EXPECT_EQ(r.value.country, "USA");
  EXPECT_EQ(r.value.street, "1 TEST STREET");
  EXPECT_EQ(r.value.city, "SPRINGFIELD");
  EXPECT_EQ(r.value.state, "IL");
  EXPECT_EQ(r.value.postal_code, "62701");
}

TEST(PnrgovContact, DecodesAirimpEmail) {
  const auto c = parse_contact("CTCE", "/ANNE..TEST//EXAMPLE.COM");
  EXPECT_EQ(c.kind, contact_kind::email);
  EXPECT_EQ(c.value, "ANNE_TEST@EXAMPLE.COM");
  EXPECT_TRUE(c.issues.empty());
}

TEST(PnrgovContact, EmailWithoutAtSignIsReported) {
  const auto c = parse_contact("CTCE", "/NOTANADDRESS");
  EXPECT_FALSE(c.issues.empty());
}

TEST(PnrgovContact, MobileNumberStopsAtLanguageField) {
  const auto c = parse_contact("CTCM", "/447700900123/EN");
  EXPECT_EQ(c.kind, contact_kind::phone);
  EXPECT_EQ(c.value, "447700900123");
}

}  // namespace
}  // namespace apipnr::pnrgov
