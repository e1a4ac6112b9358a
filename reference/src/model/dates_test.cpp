#include "apipnr/model/dates.hpp"

#include <gtest/gtest.h>

namespace apipnr::model {
namespace {

constexpr calendar_date ref_2025{2025, 3, 1};

TEST(ModelDates, LeapYearRulesFollowGregorianCalendar) {
  EXPECT_TRUE(is_leap_year(2000));
  EXPECT_TRUE(is_leap_year(2024));
  EXPECT_FALSE(is_leap_year(1900));
  EXPECT_FALSE(is_leap_year(2025));
}

TEST(ModelDates, Ccyymmdd29FebruaryOnlyInLeapYears) {
  EXPECT_EQ(parse_ccyymmdd("20240229"), (calendar_date{2024, 2, 29}));
  EXPECT_FALSE(parse_ccyymmdd("20230229"));
  EXPECT_FALSE(parse_ccyymmdd("19000229"));
  EXPECT_EQ(parse_ccyymmdd("20000229"), (calendar_date{2000, 2, 29}));
}

TEST(ModelDates, InvalidMonthsAndDaysAreRejected) {
  EXPECT_FALSE(parse_ccyymmdd("20251301"));
  EXPECT_FALSE(parse_ccyymmdd("20250001"));
  EXPECT_FALSE(parse_ccyymmdd("20250431"));
  EXPECT_FALSE(parse_ccyymmdd("20250100"));
  EXPECT_FALSE(parse_yymmdd("851301", birth_rule(ref_2025)));
  EXPECT_FALSE(parse_ddmmyy("310485", birth_rule(ref_2025)));
}

TEST(ModelDates, MalformedInputIsRejected) {
  EXPECT_FALSE(parse_yymmdd("85041", birth_rule(ref_2025)));
  EXPECT_FALSE(parse_yymmdd("8504121", birth_rule(ref_2025)));
  EXPECT_FALSE(parse_yymmdd("85-412", birth_rule(ref_2025)));
  EXPECT_FALSE(parse_yymmdd(" 50412", birth_rule(ref_2025)));
  EXPECT_FALSE(parse_ccyymmdd(""));
  EXPECT_FALSE(parse_hhmm("12:0"));
}

TEST(ModelDates, DateOfBirthIsOnOrBeforeReference) {
  EXPECT_EQ(parse_yymmdd("850412", birth_rule(ref_2025)), (calendar_date{1985, 4, 12}));
  EXPECT_EQ(parse_yymmdd("240101", birth_rule(ref_2025)), (calendar_date{2024, 1, 1}));
  // The reference day itself is allowed (a newborn), the day after is a century back.
  EXPECT_EQ(parse_yymmdd("250301", birth_rule(ref_2025)), (calendar_date{2025, 3, 1}));
  EXPECT_EQ(parse_yymmdd("250302", birth_rule(ref_2025)), (calendar_date{1925, 3, 2}));
}

TEST(ModelDates, DateOfBirthAtCenturyBoundaries) {
  EXPECT_EQ(parse_yymmdd("000101", birth_rule(ref_2025)), (calendar_date{2000, 1, 1}));
  EXPECT_EQ(parse_yymmdd("991231", birth_rule(ref_2025)), (calendar_date{1999, 12, 31}));
  EXPECT_EQ(parse_yymmdd("991231", birth_rule({2000, 1, 1})), (calendar_date{1999, 12, 31}));
  EXPECT_EQ(parse_yymmdd("000101", birth_rule({1999, 12, 31})), (calendar_date{1900, 1, 1}));
}

TEST(ModelDates, DateOfBirthLeapDayPicksCenturyWhereItExists) {
  // 2000-02-29 exists; with a 2025 reference it is the latest past candidate.
  EXPECT_EQ(parse_yymmdd("000229", birth_rule(ref_2025)), (calendar_date{2000, 2, 29}));
  // Before 2000-02-29 the previous candidate 1900-02-29 does not exist: 1800 is not leap
  // either, so no century fits.
  EXPECT_FALSE(parse_yymmdd("000229", birth_rule({2000, 2, 28})));
  EXPECT_EQ(parse_yymmdd("040229", birth_rule({2004, 2, 28})), (calendar_date{1904, 2, 29}));
}

TEST(ModelDates, ExpiryIsOnOrAfterReferenceMinusLookback) {
  EXPECT_EQ(parse_yymmdd("300101", expiry_rule(ref_2025)), (calendar_date{2030, 1, 1}));
  EXPECT_EQ(parse_yymmdd("990101", expiry_rule(ref_2025)), (calendar_date{2099, 1, 1}));
  // Expired two years ago stays in this century rather than 2123.
  EXPECT_EQ(parse_yymmdd("230101", expiry_rule(ref_2025)), (calendar_date{2023, 1, 1}));
  // With no look-back an already expired date moves to the next century.
  EXPECT_EQ(parse_yymmdd("230101", expiry_rule(ref_2025, 0)), (calendar_date{2123, 1, 1}));
}

TEST(ModelDates, ExpiryLookbackBoundaryIsInclusive) {
  EXPECT_EQ(parse_yymmdd("050301", expiry_rule(ref_2025, 20)), (calendar_date{2005, 3, 1}));
  EXPECT_EQ(parse_yymmdd("050228", expiry_rule(ref_2025, 20)), (calendar_date{2105, 2, 28}));
}

TEST(ModelDates, NearestStaysWithinFiftyYears) {
  EXPECT_EQ(parse_yymmdd("250301", nearest_rule(ref_2025)), (calendar_date{2025, 3, 1}));
  EXPECT_EQ(parse_yymmdd("740101", nearest_rule(ref_2025)), (calendar_date{2074, 1, 1}));
  EXPECT_EQ(parse_yymmdd("760101", nearest_rule(ref_2025)), (calendar_date{1976, 1, 1}));
  EXPECT_EQ(parse_yymmdd("000101", nearest_rule({1999, 12, 31})), (calendar_date{2000, 1, 1}));
  EXPECT_EQ(parse_yymmdd("991231", nearest_rule({2000, 1, 1})), (calendar_date{1999, 12, 31}));
}

TEST(ModelDates, ResolveCenturyRejectsOutOfRangeInput) {
  EXPECT_FALSE(resolve_century(100, 1, 1, nearest_rule(ref_2025)));
  EXPECT_FALSE(resolve_century(25, 1, 1, nearest_rule({2025, 2, 30})));
}

TEST(ModelDates, Format201DateTimeToIso) {
  const auto dt = parse_yymmddhhmm("2503011100", nearest_rule(ref_2025));
  ASSERT_TRUE(dt);
  EXPECT_EQ(to_iso(*dt), "2025-03-01T11:00");
  EXPECT_FALSE(parse_yymmddhhmm("2503012400", nearest_rule(ref_2025)));
  EXPECT_FALSE(parse_yymmddhhmm("2503011160", nearest_rule(ref_2025)));
  EXPECT_FALSE(parse_yymmddhhmm("25030111", nearest_rule(ref_2025)));
}

TEST(ModelDates, PnrgovDdmmyyAndTime) {
  const auto dt = parse_ddmmyy_hhmm("121210", "0915", nearest_rule(ref_2025));
  ASSERT_TRUE(dt);
  EXPECT_EQ(to_iso(*dt), "2010-12-12T09:15");
  EXPECT_EQ(parse_ddmmyy("010325", nearest_rule(ref_2025)), (calendar_date{2025, 3, 1}));
  EXPECT_FALSE(parse_ddmmyy_hhmm("121210", "2460", nearest_rule(ref_2025)));
}

TEST(ModelDates, SsrDocsMonthNames) {
  EXPECT_EQ(parse_ddmmmyy("12APR85", birth_rule(ref_2025)), (calendar_date{1985, 4, 12}));
  EXPECT_EQ(parse_ddmmmyy("01JAN30", expiry_rule(ref_2025)), (calendar_date{2030, 1, 1}));
  EXPECT_EQ(parse_ddmmmyy("29feb00", birth_rule(ref_2025)), (calendar_date{2000, 2, 29}));
  EXPECT_FALSE(parse_ddmmmyy("12APX85", birth_rule(ref_2025)));
  EXPECT_FALSE(parse_ddmmmyy("31JUN85", birth_rule(ref_2025)));
  EXPECT_FALSE(parse_ddmmmyy("1APR85", birth_rule(ref_2025)));
}

TEST(ModelDates, CardExpiryMmyy) {
  const auto ym = parse_mmyy("0127", expiry_rule(ref_2025));
  ASSERT_TRUE(ym);
  EXPECT_EQ(to_iso(*ym), "2027-01");
  EXPECT_FALSE(parse_mmyy("1327", expiry_rule(ref_2025)));
  EXPECT_FALSE(parse_mmyy("0027", expiry_rule(ref_2025)));
}

TEST(ModelDates, SixOrEightDigitDates) {
  EXPECT_EQ(parse_date_6_or_8("20250301", birth_rule(ref_2025)), (calendar_date{2025, 3, 1}));
  EXPECT_EQ(parse_date_6_or_8("850412", birth_rule(ref_2025)), (calendar_date{1985, 4, 12}));
  EXPECT_FALSE(parse_date_6_or_8("2025031", birth_rule(ref_2025)));
}

TEST(ModelDates, IsoOutputIsZeroPadded) {
  EXPECT_EQ(to_iso(calendar_date{987, 1, 2}), "0987-01-02");
  EXPECT_EQ(to_iso(local_date_time{{2025, 3, 1}, {0, 5}}), "2025-03-01T00:05");
}

TEST(ModelDates, DaysFromCivilCountsFromTheUnixEpochAcrossLeapDays) {
  EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
  EXPECT_EQ(days_from_civil(1969, 12, 31), -1);
  EXPECT_EQ(days_from_civil(2000, 3, 1) - days_from_civil(2000, 2, 28), 2);  // 2000 is leap
  EXPECT_EQ(days_from_civil(1900, 3, 1) - days_from_civil(1900, 2, 28), 1);  // 1900 is not
  EXPECT_EQ(days_from_civil(2025, 3, 1), 20148);
}

TEST(ModelDates, MinutesSinceEpochReadsCanonicalDatesAndDateTimes) {
  EXPECT_EQ(minutes_since_epoch("1970-01-01"), 0);
  EXPECT_EQ(minutes_since_epoch("1970-01-02T01:30"), 1440 + 90);
  // A push at T-25 h before a departure the next day.
  EXPECT_EQ(*minutes_since_epoch("2025-03-02T11:00") - *minutes_since_epoch("2025-03-01T10:00"),
            25 * 60);
  for (const char* bad : {"", "2025-03-01T", "2025-13-01", "2025-03-32", "2025-03-01T24:00",
                          "2025-03-01T10:60", "2025/03/01", "2025-03-01T10:00:00", "20a5-03-01"})
    EXPECT_FALSE(minutes_since_epoch(bad).has_value()) << bad;
}

}  // namespace
}  // namespace apipnr::model
