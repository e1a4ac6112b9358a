#include "apipnr/model/dates.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

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

// resolve_century as first written (every candidate compared, chrono day counts): the
// shortcut for birth and expiry and the day count for nearest must give the same year for
// every two-digit year, month, day, policy and reference tried here.
std::optional<int> resolve_century_by_comparison(unsigned yy, unsigned month, unsigned day,
                                                 const century_rule& rule) {
  if (yy > 99 || !is_valid_date(rule.reference)) return std::nullopt;
  auto days = [](const calendar_date& d) {
    return std::chrono::sys_days{std::chrono::year{d.year} / std::chrono::month{d.month} /
                                 std::chrono::day{d.day}}
        .time_since_epoch()
        .count();
  };
  auto distance = [&](const calendar_date& a, const calendar_date& b) {
    const auto diff = days(a) - days(b);
    return diff < 0 ? -diff : diff;
  };
  const int y = rule.reference.year;
  const int base = y >= 0 ? y / 100 * 100 : -((-y + 99) / 100 * 100);
  std::optional<calendar_date> best;
  for (int k = -2; k <= 1; ++k) {
    const calendar_date c{base + k * 100 + static_cast<int>(yy), month, day};
    if (!is_valid_date(c)) continue;
    switch (rule.policy) {
      case century_policy::date_of_birth:
        if (c <= rule.reference && (!best || c > *best)) best = c;
        break;
      case century_policy::expiry: {
        const calendar_date threshold{y - static_cast<int>(rule.lookback_years),
                                      rule.reference.month, rule.reference.day};
        if (c >= threshold && (!best || c < *best)) best = c;
        break;
      }
      case century_policy::nearest:
        if (!best || distance(c, rule.reference) < distance(*best, rule.reference)) best = c;
        break;
    }
  }
  if (!best) return std::nullopt;
  return best->year;
}

TEST(ModelDates, ResolveCenturyMatchesTheFullComparison) {
  const std::vector<calendar_date> references = {
      {2025, 3, 1},  {2000, 2, 29},  {2024, 2, 29}, {1999, 12, 31}, {2050, 1, 1},
      {2049, 6, 15}, {1900, 3, 1},   {2100, 2, 28}, {150, 7, 4},    {1, 1, 1},
      {99, 12, 31},  {9999, 12, 31}, {9950, 5, 5},  {2025, 13, 1},  {0, 1, 1}};
  std::size_t compared = 0;
  for (const calendar_date& ref : references) {
    for (const century_rule& rule : {birth_rule(ref), expiry_rule(ref), expiry_rule(ref, 0),
                                     expiry_rule(ref, 150), nearest_rule(ref)}) {
      for (unsigned yy = 0; yy <= 100; ++yy) {
        for (unsigned month = 0; month <= 13; ++month) {
          for (unsigned day = 0; day <= 32; ++day) {
            ASSERT_EQ(resolve_century(yy, month, day, rule),
                      resolve_century_by_comparison(yy, month, day, rule))
                << "yy " << yy << " month " << month << " day " << day << " policy "
                << static_cast<int>(rule.policy) << " reference " << ref.year << "-" << ref.month
                << "-" << ref.day;
            ++compared;
          }
        }
      }
    }
  }
  EXPECT_EQ(compared, 15u * 5u * 101u * 14u * 33u);
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

// Differential: the one-pass writer against parse + write_iso for every six-character value
// of digits (and a non-digit in each position), every policy, references around century and
// leap-day boundaries; and for eight-digit and malformed values.
TEST(ModelDates, WriteIsoDate6Or8MatchesParseThenWrite) {
  const std::vector<calendar_date> references = {{2025, 3, 1},   {2000, 2, 29},  {2024, 2, 29},
                                                 {1999, 12, 31}, {2100, 2, 28},  {150, 7, 4},
                                                 {1, 1, 1},      {9999, 12, 31}, {2025, 13, 1}};
  auto expected = [](std::string_view s, const century_rule& rule) -> std::string {
    const auto d = parse_date_6_or_8(s, rule);
    if (!d) return "(none)";
    char buf[16];
    const std::size_t n = write_iso(*d, buf);
    return n == 0 ? "(none)" : std::string(buf, n);
  };
  auto actual = [](std::string_view s, const century_rule& rule) -> std::string {
    char buf[16];
    const std::size_t n = write_iso_date_6_or_8(s, rule, buf);
    return n == 0 ? "(none)" : std::string(buf, n);
  };
  std::size_t compared = 0, real = 0;
  char v[7] = {};
  for (const calendar_date& ref : references) {
    for (const century_rule& rule : {birth_rule(ref), expiry_rule(ref), nearest_rule(ref)}) {
      for (unsigned yy = 0; yy <= 99; ++yy) {
        for (unsigned month = 0; month <= 13; ++month) {
          for (unsigned day = 0; day <= 32; ++day) {
            std::snprintf(v, sizeof v, "%02u%02u%02u", yy, month, day);
            const std::string want = expected(v, rule);
            ASSERT_EQ(actual(v, rule), want) << v;
            real += want != "(none)" ? 1 : 0;
            ++compared;
          }
        }
      }
      for (std::string_view odd :
           {"20250301", "19000229", "20000229", "2025031", "85041", "8504123", "", "85 412",
            "+50412", "8504-2", "85041A", "A50412", "850412 ", "99999999", "00000000"}) {
        ASSERT_EQ(actual(odd, rule), expected(odd, rule)) << "'" << odd << "'";
        ++compared;
      }
    }
  }
  EXPECT_GT(real, compared / 3);  // the loops compare real dates, not only rejections
}

// date_6_or_8_writer against write_iso_date_6_or_8 (itself checked against parse + write_iso
// above): every YYMMDD of month 0..13 and day 0..32 and some odd values, for references on both
// sides of the writer's range edges (300 and 9899), leap days, an invalid one, and the three
// policies with several look-backs.
TEST(ModelDates, DateWriterMatchesWriteIsoDate6Or8) {
  const std::vector<calendar_date> references = {
      {2025, 3, 1}, {2000, 2, 29},  {2024, 2, 29}, {1999, 12, 31}, {2100, 2, 28}, {2026, 1, 15},
      {1900, 1, 1}, {150, 7, 4},    {1, 1, 1},     {299, 12, 31},  {300, 1, 1},   {399, 12, 31},
      {9800, 1, 1}, {9899, 12, 31}, {9900, 1, 1},  {9999, 12, 31}, {2025, 13, 1}, {2025, 2, 29}};
  std::vector<century_rule> rules;
  for (const calendar_date& ref : references) {
    rules.push_back(birth_rule(ref));
    rules.push_back(nearest_rule(ref));
    for (unsigned lookback : {0u, 10u, 150u, 10'001u}) {
      rules.push_back(expiry_rule(ref, lookback));
    }
  }
  std::size_t compared = 0, real = 0;
  char v[7] = {};
  for (const century_rule& rule : rules) {
    const date_6_or_8_writer w(rule);
    auto check = [&](std::string_view s) {
      char want[16] = {}, got[16] = {};
      const std::size_t n = write_iso_date_6_or_8(s, rule, want);
      ASSERT_EQ(w.write(s, got), n) << "'" << s << "'";
      ASSERT_EQ(std::string_view(got, n), std::string_view(want, n)) << "'" << s << "'";
      real += n != 0 ? 1 : 0;
      ++compared;
    };
    for (unsigned yy = 0; yy <= 99; ++yy) {
      for (unsigned month = 0; month <= 13; ++month) {
        for (unsigned day = 0; day <= 32; ++day) {
          std::snprintf(v, sizeof v, "%02u%02u%02u", yy, month, day);
          check(v);
        }
      }
    }
    for (std::string_view odd : {"20250301", "19000229", "20000229", "2025031", "85041", "8504123",
                                 "", "85 412", "+50412", "8504-2", "85041A", "A50412", "850412 ",
                                 "99999999", "00000000", "000229", "040229", "990229"}) {
      check(odd);
    }
  }
  EXPECT_GT(real, compared / 3);  // real dates compared, not only rejections
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
