#include "apipnr/pnrgov/sensitive.hpp"

#include <gtest/gtest.h>

namespace apipnr::pnrgov {
namespace {

model::ssr make_ssr(std::string code, std::string text = {}) {
  model::ssr s;
  s.code = std::move(code);
  if (!text.empty()) s.text = std::move(text);
  return s;
}

TEST(PnrgovSensitive, ReligiousMealRemovedFromTravellerAndCounted) {
  model::pnr p;
  p.travellers.emplace_back();
  p.travellers[0].mutable_details().ssrs.push_back(make_ssr("MOML"));
  p.travellers[0].mutable_details().ssrs.push_back(
      make_ssr("DOCS", "/P/IRL/X1/IRL/01JAN80/F/01JAN30/A/B"));
  EXPECT_EQ(filter_sensitive(p, sensitive_config::defaults()), 1u);
  ASSERT_EQ(p.travellers[0].details().ssrs.size(), 1u);
  EXPECT_EQ(p.travellers[0].details().ssrs[0].code, "DOCS");
  EXPECT_EQ(p.sensitive_removed, 1u);
}

TEST(PnrgovSensitive, NothingRemovedStillSetsZero) {
  model::pnr p;
  p.ssrs.push_back(make_ssr("FQTV"));
  EXPECT_EQ(filter_sensitive(p, sensitive_config::defaults()), 0u);
  EXPECT_EQ(p.sensitive_removed, 0u);
}

TEST(PnrgovSensitive, OsiMatchingKeywordRemovedCaseInsensitive) {
  model::pnr p;
  p.osi = {"CTC 0000000000", "pax needs Wheelchair at gate"};
  EXPECT_EQ(filter_sensitive(p, sensitive_config::defaults()), 1u);
  ASSERT_EQ(p.osi.size(), 1u);
  EXPECT_EQ(p.osi[0], "CTC 0000000000");
}

TEST(PnrgovSensitive, FreeTextSsrCheckedOnlyForListedCodes) {
  model::pnr p;
  p.ssrs.push_back(make_ssr("OTHS", "MEDICAL CLEARANCE ATTACHED"));
  p.ssrs.push_back(make_ssr("FQTV", "MEDICAL"));
  EXPECT_EQ(filter_sensitive(p, sensitive_config::defaults()), 1u);
  ASSERT_EQ(p.ssrs.size(), 1u);
  EXPECT_EQ(p.ssrs[0].code, "FQTV");
}

TEST(PnrgovSensitive, HistoryLineNamingSensitiveCodeRemoved) {
  model::pnr p;
  p.history.push_back({{"A"}, {}, {}, {"SSR WCHR HK1"}});
  p.history.push_back({{"A"}, {}, {}, {"SSR HOMOMLX HK1"}});
  EXPECT_EQ(filter_sensitive(p, sensitive_config::defaults()), 1u);
  EXPECT_EQ(p.history.size(), 1u);
}

TEST(PnrgovSensitive, ConfigurableListReplacesDefaults) {
  sensitive_config c;
  c.ssr_codes = {"FQTV"};
  model::pnr p;
  p.ssrs.push_back(make_ssr("FQTV"));
  p.ssrs.push_back(make_ssr("MOML"));
  EXPECT_EQ(filter_sensitive(p, c), 1u);
  EXPECT_EQ(p.ssrs[0].code, "MOML");
}

TEST(PnrgovMask, MaskedInputStaysMaskedAndIsNotInClear) {
  bool in_clear = true;
  EXPECT_EQ(mask_account("XXXXXXXXXXXX1234", in_clear), "XXXXXXXXXXXX1234");
  EXPECT_FALSE(in_clear);
}

TEST(PnrgovMask, FullCardNumberIsMaskedAndFlagged) {
  bool in_clear = false;
  EXPECT_EQ(mask_account("4000000000000002", in_clear), "XXXXXXXXXXXX0002");
  EXPECT_TRUE(in_clear);
}

TEST(PnrgovMask, PartlyMaskedNumberLosesVisibleLeadingDigits) {
  bool in_clear = true;
  EXPECT_EQ(mask_account("400000XXXXXX0002", in_clear), "XXXXXXXXXXXX0002");
  EXPECT_FALSE(in_clear);
}

}  // namespace
}  // namespace apipnr::pnrgov
