// Date and time helpers for the message layer: parse the compact date forms PAXLST, PNRGOV and
// SSR DOCS use, resolve two-digit years, and print the ISO forms the canonical model wants
// (specs/canonical/README.md: dates `YYYY-MM-DD`, local date-times `YYYY-MM-DDTHH:MM`).
//
// Forms (STANDARDS.md §7 item 1):
//   YYMMDD, CCYYMMDD            PAXLST DTM 329/36/182, UNB S004 0017
//   YYMMDDHHMM                  PAXLST DTM format 201 (SG3 189/232)
//   DDMMYY + HHMM               PNRGOV TVL/DAT/RCI
//   DDMMMYY                     SSR DOCS (`12APR85`); month names in English, either case
//   MMYY                        payment card expiry
//
// Two-digit years: a century_rule picks the century against a reference date (normally the
// interchange preparation date, never the wall clock, so that results are reproducible):
//   - date_of_birth:  the latest century that puts the date on or before the reference date;
//   - expiry:         the earliest century that puts the date on or after the reference date minus
//                     `lookback_years` (an expired document stays in the recent past instead of
//                     jumping a century ahead);
//   - nearest:        the century that puts the date nearest to the reference date (within
//                     +/- 50 years).
// Only real calendar dates are accepted (Gregorian leap years). February 29 with a two-digit year
// is resolved among the candidate centuries in which it exists.
//
// Errors: every parser returns std::nullopt on a malformed or impossible value (wrong length,
// non-digit, month 13, day 31 of a 30-day month, hour 24, minute 60). Nothing throws.
// Thread safety: pure functions.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace apipnr::model {

struct calendar_date {
  int year = 0;
  unsigned month = 0;  // 1..12
  unsigned day = 0;    // 1..31
  friend auto operator<=>(const calendar_date&, const calendar_date&) = default;
};

struct clock_time {
  unsigned hour = 0;    // 0..23
  unsigned minute = 0;  // 0..59
  friend auto operator<=>(const clock_time&, const clock_time&) = default;
};

// A local date-time: the time of the place the message names, no offset.
struct local_date_time {
  calendar_date date;
  clock_time time;
  friend auto operator<=>(const local_date_time&, const local_date_time&) = default;
};

struct year_month {
  int year = 0;
  unsigned month = 0;
  friend auto operator<=>(const year_month&, const year_month&) = default;
};

enum class century_policy : std::uint8_t {
  date_of_birth,  // latest century with date <= reference
  expiry,         // earliest century with date >= reference - lookback_years
  nearest,        // century with the date nearest to the reference
};

struct century_rule {
  century_policy policy = century_policy::nearest;
  calendar_date reference;
  unsigned lookback_years = 0;  // expiry only
};

// Default look-back for expiry dates: a document that expired up to this many years before the
// reference keeps its recent century.
inline constexpr unsigned default_expiry_lookback_years = 20;

[[nodiscard]] constexpr century_rule birth_rule(calendar_date reference) noexcept {
  return {century_policy::date_of_birth, reference, 0};
}
[[nodiscard]] constexpr century_rule expiry_rule(
    calendar_date reference, unsigned lookback_years = default_expiry_lookback_years) noexcept {
  return {century_policy::expiry, reference, lookback_years};
}
[[nodiscard]] constexpr century_rule nearest_rule(calendar_date reference) noexcept {
  return {century_policy::nearest, reference, 0};
}

[[nodiscard]] bool is_leap_year(int year) noexcept;
[[nodiscard]] unsigned days_in_month(int year, unsigned month) noexcept;  // 0 for a bad month
[[nodiscard]] bool is_valid_date(int year, unsigned month, unsigned day) noexcept;
[[nodiscard]] bool is_valid_date(const calendar_date& d) noexcept;

// Days since 1970-01-01 of a proleptic Gregorian date (negative before it); no range check.
[[nodiscard]] std::int64_t days_from_civil(std::int64_t year, unsigned month,
                                           unsigned day) noexcept;

// Minutes since 1970-01-01T00:00 of a canonical "YYYY-MM-DD" (midnight) or "YYYY-MM-DDTHH:MM",
// read on one clock (the zone is not known, so two values compare only when they share it);
// nullopt when the text has another shape, a month outside 1..12, a day outside 1..31, an hour
// above 23 or a minute above 59.
[[nodiscard]] std::optional<std::int64_t> minutes_since_epoch(std::string_view text) noexcept;

// The four-digit year for two-digit `yy` (0..99) whose month/day is `month`/`day`, or nullopt
// when no candidate century gives a real date (e.g. month 13) or `yy` > 99.
[[nodiscard]] std::optional<int> resolve_century(unsigned yy, unsigned month, unsigned day,
                                                 const century_rule& rule) noexcept;

[[nodiscard]] std::optional<calendar_date> parse_ccyymmdd(std::string_view s) noexcept;
[[nodiscard]] std::optional<calendar_date> parse_yymmdd(std::string_view s,
                                                        const century_rule& rule) noexcept;
// 6 digits (YYMMDD, resolved with `rule`) or 8 digits (CCYYMMDD).
[[nodiscard]] std::optional<calendar_date> parse_date_6_or_8(std::string_view s,
                                                             const century_rule& rule) noexcept;
[[nodiscard]] std::optional<local_date_time> parse_yymmddhhmm(std::string_view s,
                                                              const century_rule& rule) noexcept;
[[nodiscard]] std::optional<calendar_date> parse_ddmmyy(std::string_view s,
                                                        const century_rule& rule) noexcept;
[[nodiscard]] std::optional<clock_time> parse_hhmm(std::string_view s) noexcept;
[[nodiscard]] std::optional<local_date_time> parse_ddmmyy_hhmm(std::string_view date,
                                                               std::string_view time,
                                                               const century_rule& rule) noexcept;
[[nodiscard]] std::optional<calendar_date> parse_ddmmmyy(std::string_view s,
                                                         const century_rule& rule) noexcept;
[[nodiscard]] std::optional<year_month> parse_mmyy(std::string_view s,
                                                   const century_rule& rule) noexcept;

// ISO forms: `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM`, `YYYY-MM`. Years outside 0..9999 are clamped to
// four digits by construction of the parsers (they never produce them).
[[nodiscard]] std::string to_iso(const calendar_date& d);
[[nodiscard]] std::string to_iso(const local_date_time& dt);
[[nodiscard]] std::string to_iso(const year_month& ym);

// to_iso(d) written into out[0..10) without building a string, for callers that place the text
// themselves (the extractors write it straight into the model's field). Returns 10, or 0 when
// the year is negative (then nothing is written and to_iso(d) gives the text).
[[nodiscard]] std::size_t write_iso(const calendar_date& d, char* out) noexcept;

// parse_date_6_or_8(s, rule) written as ISO text into out[0..10): returns 10, or 0 when
// parse_date_6_or_8 finds no real date (out is then unspecified) or write_iso would return 0.
// Same text as write_iso(*parse_date_6_or_8(s, rule), out); a six-digit value is read in one
// pass with its month and day digits copied from the input (the PAXLST extractor reads two or
// three dates per traveller, 20,000 travellers in a large message).
[[nodiscard]] std::size_t write_iso_date_6_or_8(std::string_view s, const century_rule& rule,
                                                char* out) noexcept;

// write_iso_date_6_or_8 with one rule for many values (a PAXLST writes two or three dates per
// traveller against the same preparation date): what depends only on the rule (is the reference
// a real date, its century, the cut-off of the birth and expiry policies) is worked out once, at
// construction, so a YYMMDD whose month and day exist in every year takes one comparison
// instead of resolve_century's candidate loop. Every other value (eight digits, February 29,
// anything malformed, the nearest policy, a reference year outside 300..9899, a look-back above
// 10,000 years) goes through write_iso_date_6_or_8 itself. write(s, out) returns what
// write_iso_date_6_or_8(s, rule, out) returns and writes the same text.
// Value type; const member functions may be called from many threads.
class date_6_or_8_writer {
 public:
  explicit date_6_or_8_writer(const century_rule& rule) noexcept;
  [[nodiscard]] std::size_t write(std::string_view s, char* out) const noexcept;
  // The rule the writer was made for (what a caller needs when write() returns 0).
  [[nodiscard]] const century_rule& rule() const noexcept { return rule_; }

 private:
  century_rule rule_;
  bool fast_ = false;  // birth or expiry policy, a real reference in 300..9899
  int base_ = 0;       // the reference's century (resolve_century's candidates base + 100k + yy)
  int cut_ = 0;        // birth: (reference year - base) * 10000 + MMDD of the reference;
                       // expiry: the threshold date as year * 10000 + MMDD
};

}  // namespace apipnr::model
