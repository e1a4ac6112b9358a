// Internal to apipnr::harness_generate: the PRNG, calendar helpers, the embedded data and the
// traffic model (schedule, flight instances, bookings, people). Not installed.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "apipnr/harness/generate.hpp"

namespace apipnr::harness::generate::detail {

// splitmix64 (Steele, Lea, Flood): seeds xoshiro256** and mixes keys into seeds.
inline std::uint64_t splitmix64(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// FNV-1a 64 of a key (flight key, stream name).
inline std::uint64_t fnv1a(std::string_view s) {
  std::uint64_t h = 0xCBF29CE484222325ULL;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001B3ULL;
  }
  return h;
}

// Seed of a named sub-stream: independent of the order in which streams are used.
inline std::uint64_t derive(std::uint64_t seed, std::string_view key) {
  std::uint64_t x = seed ^ fnv1a(key);
  return splitmix64(x);
}
inline std::uint64_t derive(std::uint64_t seed, std::uint64_t n) {
  std::uint64_t x = seed ^ (n * 0xD1B54A32D192ED03ULL);
  return splitmix64(x);
}

// xoshiro256** (Blackman, Vigna), seeded by four splitmix64 outputs. `below(n)` maps to
// [0, n) without bias: draws below 2^64 mod n are rejected, the rest reduced mod n.
class rng {
 public:
  explicit rng(std::uint64_t seed) {
    for (auto& w : s_) w = splitmix64(seed);
  }
  std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  std::uint32_t below(std::uint32_t n) {
    if (n <= 1) return 0;
    const std::uint64_t threshold = (0 - static_cast<std::uint64_t>(n)) % n;
    std::uint64_t x = next();
    while (x < threshold) x = next();
    return static_cast<std::uint32_t>(x % n);
  }
  // Inclusive range.
  std::int64_t between(std::int64_t lo, std::int64_t hi) {
    return lo + static_cast<std::int64_t>(below(static_cast<std::uint32_t>(hi - lo + 1)));
  }
  bool per_mille(std::uint32_t p) { return below(1000) < p; }
  // Index drawn with the given integer weights (at least one positive).
  std::size_t weighted(const std::vector<std::uint32_t>& w) {
    std::uint32_t total = 0;
    for (auto x : w) total += x;
    std::uint32_t r = below(total);
    for (std::size_t i = 0; i < w.size(); ++i) {
      if (r < w[i]) return i;
      r -= w[i];
    }
    return w.size() - 1;
  }
  template <class T>
  const T& pick(const std::vector<T>& v) {
    return v[below(static_cast<std::uint32_t>(v.size()))];
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
};

// Proleptic Gregorian calendar, days since 1970-01-01 (civil-from-days arithmetic).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d);
void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d);
bool parse_iso_date(std::string_view s, std::int64_t& days);

// Formats of a day number / of minutes since the epoch.
std::string iso_date(std::int64_t days);      // 2026-03-02
std::string iso_minute(std::int64_t minute);  // 2026-03-02T11:05
std::string yymmdd(std::int64_t days);        // 260302
std::string ddmmyy(std::int64_t days);        // 020326
std::string ddmmmyy(std::int64_t days);       // 02MAR26
std::string hhmm(std::int64_t minute);        // 1105
std::string compact_date(std::int64_t days);  // 20260302

// ---- data (harness/data/generator.json, embedded at build time) ----
struct region {
  std::string name;
  std::vector<std::string> nationalities, surnames, male, female;  // transliterated
};
struct airport {
  std::string code;
  std::uint32_t region = 0;
};
struct aircraft {
  std::string code;
  std::uint32_t seats = 0, cockpit = 0, cabin = 0, block_lo = 0, block_hi = 0;
  bool long_haul = false;
};
struct day_profile {
  std::string name;
  std::vector<std::string> home_airports;
  std::uint32_t home_region = 0;
  std::string home_state;
  std::uint32_t flights_per_day = 0;
  std::vector<std::uint32_t> hourly;  // 24 weights
  std::uint32_t long_haul_per_mille = 0;
  std::vector<std::uint32_t> short_weights, long_weights;  // per equipment index
};
struct data {
  std::vector<region> regions;
  std::vector<airport> airports;
  std::vector<aircraft> equipment;
  std::vector<day_profile> profiles;
  std::size_t unmapped = 0;  // code points the transliteration dropped (0 expected)
};
const data& get_data();
const char* embedded_data_json();

// ---- traffic model ----
struct sched_flight {
  std::string carrier;
  std::uint32_t number = 0;
  std::vector<std::string> ports;      // flying order
  std::vector<std::int64_t> dep, arr;  // per leg, minutes after the first departure
  std::size_t international_leg = 0;   // the leg into or out of the state
  std::int64_t tod = 0;                // first departure, minute of the day
  std::uint32_t equipment = 0;
  std::uint32_t foreign_region = 0;
  bool inbound = false;
  std::string codeshare_carrier;  // marketing partner ("" = none)
  std::uint32_t codeshare_number = 0;
  bool xml = false;  // PNR pushes in PNRGOV XML
};

struct instance {
  std::uint32_t sched = 0;
  std::int64_t day = 0;      // departure day (days since epoch)
  std::int64_t dep_abs = 0;  // first departure, minutes since epoch
  std::string key;           // XX123/2026-03-03
  std::uint64_t seed = 0;
};

inline constexpr std::int64_t not_set = 1;  // an offset that never happens (offsets are <= 0)

struct booking_head {
  std::uint64_t seed = 0;
  std::uint32_t seated = 0;  // travellers with a seat
  bool infant = false;       // plus one infant on a lap
  bool family = false;
  std::uint32_t first_ordinal = 0;
  std::int64_t booked = 0, docs = 0, checkin = 0, cancelled = not_set, modified = not_set;
  bool onward = false;  // a connecting flight after the last leg
  bool agency = false;  // booked by a travel agent
};

struct skeleton {
  std::vector<booking_head> bookings;
  std::uint32_t passengers = 0;
};

struct document {
  std::string type, number, state;
  std::int64_t expiry = 0;  // days
};

struct person {
  std::string surname, given, middle, title;
  char gender = 'M';
  std::int64_t dob = 0;  // days
  bool infant = false, child = false;
  std::string nationality;
  std::vector<document> docs;
  std::uint32_t ordinal = 0;  // ABO reference and seat; infants get their own
  bool seated = true;
  std::string ticket;  // 13 digits, prefix 999 (no airline's accounting code)
  std::string crew_function;
};

struct booking {
  std::string locator;
  std::vector<person> people;  // infant last
  std::uint32_t agent = 0;
  std::uint32_t fare = 0;  // whole currency units
  std::string card_vendor, card_last4, card_expiry;
  std::string onward_port;
  std::uint32_t onward_number = 0;
  char booking_class = 'Y';
  bool codeshare = false;  // sold under the marketing partner's number
};

struct world {
  const data* d = nullptr;
  const day_profile* profile = nullptr;
  std::vector<sched_flight> schedule;
  std::vector<instance> instances;
};

void build_schedule(const options& o, world& w);
skeleton build_skeleton(const world& w, const instance& in);
booking build_booking(const world& w, const instance& in, const booking_head& h, std::size_t index);
std::vector<person> build_crew(const world& w, const instance& in);
std::string seat_of(std::uint32_t ordinal);

// Event offsets (minutes relative to the first departure).
inline constexpr std::int64_t push_offsets[5] = {-72 * 60, -24 * 60, -120, -60, 0};
inline constexpr const char* push_labels[5] = {"72", "24", "02", "01", "00"};
inline constexpr std::int64_t crew_offset = -75;
inline constexpr std::int64_t paxlst_offset = -30;

enum event_kind : std::uint32_t { ev_pnr = 0, ev_crew = 1, ev_paxlst = 2, ev_iapi = 3 };

}  // namespace apipnr::harness::generate::detail
