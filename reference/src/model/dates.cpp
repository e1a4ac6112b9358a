#include "apipnr/model/dates.hpp"

#include <array>
#include <cstdio>

namespace apipnr::model {
namespace {

// Digits only: std::from_chars would accept nothing else either, but we also need to reject
// signs and spaces that some senders pad with, and to know the exact width.
std::optional<unsigned> digits(std::string_view s) noexcept {
  if (s.empty() || s.size() > 9) return std::nullopt;
  unsigned v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  return v;
}

int floor_century(int year) noexcept {
  return year >= 0 ? year / 100 * 100 : -((-year + 99) / 100 * 100);
}

constexpr std::array<std::string_view, 12> month_names = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                                          "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};

char upper(char c) noexcept {
  return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}

}  // namespace

bool is_leap_year(int year) noexcept {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
  // H. Hinnant's days_from_civil: eras of 400 years, March-based years so that the leap day
  // is the last day of the year.
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

std::optional<std::int64_t> minutes_since_epoch(std::string_view t) noexcept {
  auto num = [&](std::size_t at, std::size_t n) -> int {
    int v = 0;
    for (std::size_t i = at; i < at + n; ++i) {
      if (t[i] < '0' || t[i] > '9') return -1;
      v = v * 10 + (t[i] - '0');
    }
    return v;
  };
  if ((t.size() != 10 && t.size() != 16) || t[4] != '-' || t[7] != '-') return std::nullopt;
  const int y = num(0, 4), mo = num(5, 2), d = num(8, 2);
  int h = 0, mi = 0;
  if (t.size() == 16) {
    if (t[10] != 'T' || t[13] != ':') return std::nullopt;
    h = num(11, 2);
    mi = num(14, 2);
  }
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59)
    return std::nullopt;
  return days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 1440 + h * 60 +
         mi;
}

unsigned days_in_month(int year, unsigned month) noexcept {
  static constexpr std::array<unsigned, 12> days = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return 0;
  if (month == 2 && is_leap_year(year)) return 29;
  return days[month - 1];
}

bool is_valid_date(int year, unsigned month, unsigned day) noexcept {
  return year >= 1 && year <= 9999 && day >= 1 && day <= days_in_month(year, month);
}

bool is_valid_date(const calendar_date& d) noexcept {
  return is_valid_date(d.year, d.month, d.day);
}

std::optional<int> resolve_century(unsigned yy, unsigned month, unsigned day,
                                   const century_rule& rule) noexcept {
  if (yy > 99 || !is_valid_date(rule.reference)) return std::nullopt;
  // Candidates span two centuries back and one ahead of the reference century: enough for every
  // policy (a date of birth 100+ years back, an expiry look-back, the nearest within 50 years).
  // They grow with k, so the birth and expiry policies take the first fitting candidate from
  // the right end instead of comparing all four (they run for every date of a large message).
  const int base = floor_century(rule.reference.year);
  auto candidate = [&](int k) {
    return calendar_date{base + k * 100 + static_cast<int>(yy), month, day};
  };
  switch (rule.policy) {
    case century_policy::date_of_birth:
      // The latest real date on or before the reference.
      for (int k = 1; k >= -2; --k) {
        const calendar_date c = candidate(k);
        if (c <= rule.reference && is_valid_date(c)) return c.year;
      }
      return std::nullopt;
    case century_policy::expiry: {
      // The earliest real date on or after the threshold. Compared as a tuple, so a February
      // 29 reference needs no adjustment.
      const calendar_date threshold{rule.reference.year - static_cast<int>(rule.lookback_years),
                                    rule.reference.month, rule.reference.day};
      for (int k = -2; k <= 1; ++k) {
        const calendar_date c = candidate(k);
        if (c >= threshold && is_valid_date(c)) return c.year;
      }
      return std::nullopt;
    }
    case century_policy::nearest:
      break;
  }
  if (rule.policy != century_policy::nearest) return std::nullopt;
  // All dates here are real (checked), so days_from_civil is the calendar's own day count.
  const std::int64_t reference =
      days_from_civil(rule.reference.year, rule.reference.month, rule.reference.day);
  std::optional<int> best;
  std::int64_t best_distance = 0;
  for (int k = -2; k <= 1; ++k) {
    const calendar_date c = candidate(k);
    if (!is_valid_date(c)) continue;
    std::int64_t distance = days_from_civil(c.year, c.month, c.day) - reference;
    if (distance < 0) distance = -distance;
    if (!best || distance < best_distance) {
      best = c.year;
      best_distance = distance;
    }
  }
  return best;
}

std::optional<calendar_date> parse_ccyymmdd(std::string_view s) noexcept {
  if (s.size() != 8) return std::nullopt;
  const auto y = digits(s.substr(0, 4));
  const auto m = digits(s.substr(4, 2));
  const auto d = digits(s.substr(6, 2));
  if (!y || !m || !d) return std::nullopt;
  const calendar_date out{static_cast<int>(*y), *m, *d};
  if (!is_valid_date(out)) return std::nullopt;
  return out;
}

std::optional<calendar_date> parse_yymmdd(std::string_view s, const century_rule& rule) noexcept {
  if (s.size() != 6) return std::nullopt;
  const auto yy = digits(s.substr(0, 2));
  const auto m = digits(s.substr(2, 2));
  const auto d = digits(s.substr(4, 2));
  if (!yy || !m || !d) return std::nullopt;
  const auto year = resolve_century(*yy, *m, *d, rule);
  if (!year) return std::nullopt;
  return calendar_date{*year, *m, *d};
}

std::optional<calendar_date> parse_date_6_or_8(std::string_view s,
                                               const century_rule& rule) noexcept {
  if (s.size() == 8) return parse_ccyymmdd(s);
  return parse_yymmdd(s, rule);
}

std::optional<clock_time> parse_hhmm(std::string_view s) noexcept {
  if (s.size() != 4) return std::nullopt;
  const auto h = digits(s.substr(0, 2));
  const auto m = digits(s.substr(2, 2));
  if (!h || !m || *h > 23 || *m > 59) return std::nullopt;
  return clock_time{*h, *m};
}

std::optional<local_date_time> parse_yymmddhhmm(std::string_view s,
                                                const century_rule& rule) noexcept {
  if (s.size() != 10) return std::nullopt;
  const auto d = parse_yymmdd(s.substr(0, 6), rule);
  const auto t = parse_hhmm(s.substr(6, 4));
  if (!d || !t) return std::nullopt;
  return local_date_time{*d, *t};
}

std::optional<calendar_date> parse_ddmmyy(std::string_view s, const century_rule& rule) noexcept {
  if (s.size() != 6) return std::nullopt;
  const auto d = digits(s.substr(0, 2));
  const auto m = digits(s.substr(2, 2));
  const auto yy = digits(s.substr(4, 2));
  if (!yy || !m || !d) return std::nullopt;
  const auto year = resolve_century(*yy, *m, *d, rule);
  if (!year) return std::nullopt;
  return calendar_date{*year, *m, *d};
}

std::optional<local_date_time> parse_ddmmyy_hhmm(std::string_view date, std::string_view time,
                                                 const century_rule& rule) noexcept {
  const auto d = parse_ddmmyy(date, rule);
  const auto t = parse_hhmm(time);
  if (!d || !t) return std::nullopt;
  return local_date_time{*d, *t};
}

std::optional<calendar_date> parse_ddmmmyy(std::string_view s, const century_rule& rule) noexcept {
  if (s.size() != 7) return std::nullopt;
  const auto d = digits(s.substr(0, 2));
  const auto yy = digits(s.substr(5, 2));
  if (!d || !yy) return std::nullopt;
  const std::array<char, 3> name = {upper(s[2]), upper(s[3]), upper(s[4])};
  unsigned month = 0;
  for (unsigned i = 0; i < month_names.size(); ++i) {
    if (std::string_view(name.data(), name.size()) == month_names[i]) month = i + 1;
  }
  if (month == 0) return std::nullopt;
  const auto year = resolve_century(*yy, month, *d, rule);
  if (!year) return std::nullopt;
  return calendar_date{*year, month, *d};
}

std::optional<year_month> parse_mmyy(std::string_view s, const century_rule& rule) noexcept {
  if (s.size() != 4) return std::nullopt;
  const auto m = digits(s.substr(0, 2));
  const auto yy = digits(s.substr(2, 2));
  if (!m || !yy || *m < 1 || *m > 12) return std::nullopt;
  // Day 1 is valid in every month; the policy decides on the month as a whole.
  const auto year = resolve_century(*yy, *m, 1, rule);
  if (!year) return std::nullopt;
  return year_month{*year, *m};
}

namespace {

// Two decimal digits of v (0..99). snprintf cost more than the rest of a traveller's dates, and
// a digit loop twice what this does (two dates per traveller).
void put_two(char* out, unsigned v) noexcept {
  out[0] = static_cast<char>('0' + v / 10);
  out[1] = static_cast<char>('0' + v % 10);
}

// YYYY-MM-DD into out[0..10); false for a negative year (left to snprintf's "%04d").
bool put_date(char* out, const calendar_date& d) noexcept {
  if (d.year < 0) return false;
  const auto y = static_cast<unsigned>(d.year % 10000);
  put_two(out, y / 100);
  put_two(out + 2, y % 100);
  out[4] = '-';
  put_two(out + 5, d.month % 100);
  out[7] = '-';
  put_two(out + 8, d.day % 100);
  return true;
}

// Whether p[0..5] are six ASCII digits (as parse_yymmdd requires).
bool six_digits(const char* p) noexcept {
  for (std::size_t k = 0; k < 6; ++k) {
    if (p[k] < '0' || p[k] > '9') return false;
  }
  return true;
}

// The two digits at p[0], p[1] as a number.
unsigned two_digits(const char* p) noexcept {
  return static_cast<unsigned>(p[0] - '0') * 10 + static_cast<unsigned>(p[1] - '0');
}

// "YYYY-MM-DD" from a resolved year and the YYMMDD input's own month and day digits (p[2..5]),
// for a date already known to be real: put_date() would write the same characters.
std::size_t put_yymmdd_as_iso(unsigned year, const char* p, char* out) noexcept {
  put_two(out, year / 100);
  put_two(out + 2, year % 100);
  out[4] = '-';
  out[5] = p[2];
  out[6] = p[3];
  out[7] = '-';
  out[8] = p[4];
  out[9] = p[5];
  return 10;
}

}  // namespace

std::size_t write_iso(const calendar_date& d, char* out) noexcept {
  return put_date(out, d) ? 10 : 0;
}

std::size_t write_iso_date_6_or_8(std::string_view s, const century_rule& rule,
                                  char* out) noexcept {
  if (s.size() != 6) [[unlikely]] {
    // CCYYMMDD (and every wrong length) through the general parser.
    const auto d = parse_date_6_or_8(s, rule);
    return d ? write_iso(*d, out) : 0;
  }
  const char* p = s.data();
  if (!six_digits(p)) return 0;
  const auto year = resolve_century(two_digits(p), two_digits(p + 2), two_digits(p + 4), rule);
  // resolve_century() gives only years of real dates (1..9999), so month and day are valid and
  // their digits are the input's.
  if (!year) return 0;
  return put_yymmdd_as_iso(static_cast<unsigned>(*year % 10000), p, out);
}

date_6_or_8_writer::date_6_or_8_writer(const century_rule& rule) noexcept : rule_(rule) {
  if (rule.policy == century_policy::nearest || !is_valid_date(rule.reference) ||
      rule.lookback_years > 10'000) {
    return;
  }
  base_ = floor_century(rule.reference.year);
  // Every candidate year of resolve_century (base - 200 + yy .. base + 100 + yy, yy 0..99) then
  // lies in 1..9999, so a month and day that exist in every year make every candidate real and
  // the policy is a comparison of (year, month, day) tuples, packed as year * 10000 + MMDD
  // (monotone in the tuple, negative years included: MMDD < 10000).
  if (base_ < 300 || base_ > 9800) return;
  const int mmdd = static_cast<int>(rule.reference.month * 100 + rule.reference.day);
  cut_ = rule.policy == century_policy::date_of_birth
             ? (rule.reference.year - base_) * 10000 + mmdd
             : (rule.reference.year - static_cast<int>(rule.lookback_years)) * 10000 + mmdd;
  fast_ = true;
}

std::size_t date_6_or_8_writer::write(std::string_view s, char* out) const noexcept {
  if (!fast_ || s.size() != 6) [[unlikely]]
    return write_iso_date_6_or_8(s, rule_, out);
  const char* p = s.data();
  if (!six_digits(p)) return 0;  // as parse_yymmdd
  static constexpr std::array<unsigned, 12> days = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const unsigned yy = two_digits(p), month = two_digits(p + 2), day = two_digits(p + 4);
  // A month and day that do not exist in every year (February 29, month 13, day 0 or 32):
  // resolve_century decides per candidate.
  if (month - 1 > 11 || day - 1 >= days[(month - 1) % 12]) [[unlikely]]
    return write_iso_date_6_or_8(s, rule_, out);
  const int mmdd = static_cast<int>(month * 100 + day);
  int year = 0;
  if (rule_.policy == century_policy::date_of_birth) {
    // The candidate of the century ahead lies after the reference; this century's when it is on
    // or before the reference, else the previous century's (before the reference's century).
    year = base_ + static_cast<int>(yy) - (static_cast<int>(yy) * 10000 + mmdd <= cut_ ? 0 : 100);
  } else {
    // The earliest candidate on or after the threshold.
    int k = -2;
    for (; k <= 1; ++k) {
      year = base_ + k * 100 + static_cast<int>(yy);
      if (year * 10000 + mmdd >= cut_) break;
    }
    if (k > 1) return 0;
  }
  return put_yymmdd_as_iso(static_cast<unsigned>(year), p, out);
}

std::string to_iso(const calendar_date& d) {
  std::array<char, 16> buf{};
  if (put_date(buf.data(), d)) return std::string(buf.data(), 10);
  std::snprintf(buf.data(), buf.size(), "%04d-%02u-%02u", d.year % 10000, d.month % 100,
                d.day % 100);
  return std::string(buf.data());
}

std::string to_iso(const local_date_time& dt) {
  std::array<char, 16> buf{};
  if (!put_date(buf.data(), dt.date)) {
    std::array<char, 8> t{};
    std::snprintf(t.data(), t.size(), "T%02u:%02u", dt.time.hour % 100, dt.time.minute % 100);
    return to_iso(dt.date) + t.data();
  }
  buf[10] = 'T';
  put_two(buf.data() + 11, dt.time.hour % 100);
  buf[13] = ':';
  put_two(buf.data() + 14, dt.time.minute % 100);
  return std::string(buf.data(), 16);
}

std::string to_iso(const year_month& ym) {
  std::array<char, 12> buf{};
  std::snprintf(buf.data(), buf.size(), "%04d-%02u", ym.year % 10000, ym.month % 100);
  return std::string(buf.data());
}

}  // namespace apipnr::model
