// The traffic model of the generator: the day's schedule, flight instances, bookings and the
// synthetic people in them. Every draw comes from a named sub-stream of the seed (detail::
// derive), so a flight's passengers do not depend on which other flights or kinds are
// generated, and rendering one message never needs another.
#include <nlohmann/json.hpp>

#include "model.hpp"

namespace apipnr::harness::generate::detail {

// ---- calendar ----

std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<std::int64_t>(y - era * 400);
  const std::int64_t mp = m > 2 ? m - 3 : m + 9;
  const std::int64_t doy = (153 * mp + 2) / 5 + d - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  d = static_cast<unsigned>(doy - (153 * mp + 2) / 5 + 1);
  m = static_cast<unsigned>(mp < 10 ? mp + 3 : mp - 9);
  y = yoe + era * 400 + (m <= 2 ? 1 : 0);
}

bool parse_iso_date(std::string_view s, std::int64_t& days) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  auto num = [&](std::size_t from, std::size_t n, std::int64_t& v) {
    v = 0;
    for (std::size_t i = from; i < from + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      v = v * 10 + (s[i] - '0');
    }
    return true;
  };
  std::int64_t y = 0, m = 0, d = 0;
  if (!num(0, 4, y) || !num(5, 2, m) || !num(8, 2, d)) return false;
  if (y < 1971 || y > 2090 || m < 1 || m > 12 || d < 1 || d > 31) return false;
  days = days_from_civil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
  std::int64_t yy = 0;
  unsigned mm = 0, dd = 0;
  civil_from_days(days, yy, mm, dd);
  return yy == y && mm == m && dd == d;  // rejects 2026-02-30
}

namespace {

std::string two(std::int64_t v) {
  std::string s(2, '0');
  s[0] = static_cast<char>('0' + (v / 10) % 10);
  s[1] = static_cast<char>('0' + v % 10);
  return s;
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

struct ymd {
  std::int64_t y;
  unsigned m, d;
};
ymd split(std::int64_t days) {
  ymd r{};
  civil_from_days(days, r.y, r.m, r.d);
  return r;
}

}  // namespace

std::string iso_date(std::int64_t days) {
  const ymd t = split(days);
  return std::to_string(t.y) + "-" + two(t.m) + "-" + two(t.d);
}
std::string iso_minute(std::int64_t minute) {
  const std::int64_t day = floor_div(minute, 1440), m = minute - day * 1440;
  return iso_date(day) + "T" + two(m / 60) + ":" + two(m % 60);
}
std::string yymmdd(std::int64_t days) {
  const ymd t = split(days);
  return two(t.y % 100) + two(t.m) + two(t.d);
}
std::string ddmmyy(std::int64_t days) {
  const ymd t = split(days);
  return two(t.d) + two(t.m) + two(t.y % 100);
}
std::string ddmmmyy(std::int64_t days) {
  static constexpr const char* months[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                           "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
  const ymd t = split(days);
  return two(t.d) + months[t.m - 1] + two(t.y % 100);
}
std::string hhmm(std::int64_t minute) {
  const std::int64_t m = minute - floor_div(minute, 1440) * 1440;
  return two(m / 60) + two(m % 60);
}
std::string compact_date(std::int64_t days) {
  const ymd t = split(days);
  return std::to_string(t.y) + two(t.m) + two(t.d);
}

// ---- data ----

namespace {

std::vector<std::string> names(const nlohmann::json& a, std::size_t& unmapped) {
  std::vector<std::string> out;
  for (const auto& v : a) {
    transliteration t = mrz_transliterate(v.get<std::string>());
    unmapped += t.unmapped;
    out.push_back(std::move(t.text));
  }
  return out;
}

data load() {
  // The embedded file is checked by a unit test; a malformed edit fails there, not here.
  const nlohmann::json j = nlohmann::json::parse(embedded_data_json());
  data d;
  // nlohmann::json objects iterate in key order: the region list is sorted by name.
  for (const auto& [name, r] : j.at("regions").items()) {
    region g;
    g.name = name;
    g.nationalities = r.at("nationalities").get<std::vector<std::string>>();
    g.surnames = names(r.at("surnames"), d.unmapped);
    g.male = names(r.at("male"), d.unmapped);
    g.female = names(r.at("female"), d.unmapped);
    d.regions.push_back(std::move(g));
  }
  auto region_index = [&](const std::string& name) {
    for (std::size_t i = 0; i < d.regions.size(); ++i)
      if (d.regions[i].name == name) return static_cast<std::uint32_t>(i);
    return std::uint32_t{0};
  };
  for (const auto& a : j.at("airports"))
    d.airports.push_back({a.at("code").get<std::string>(), region_index(a.at("region"))});
  for (const auto& e : j.at("equipment")) {
    aircraft q;
    q.code = e.at("code").get<std::string>();
    q.seats = e.at("seats").get<std::uint32_t>();
    q.cockpit = e.at("cockpit").get<std::uint32_t>();
    q.cabin = e.at("cabin").get<std::uint32_t>();
    q.block_lo = e.at("block_min").at(0).get<std::uint32_t>();
    q.block_hi = e.at("block_min").at(1).get<std::uint32_t>();
    q.long_haul = e.at("long_haul").get<bool>();
    d.equipment.push_back(std::move(q));
  }
  for (const auto& [name, p] : j.at("day_profiles").items()) {
    day_profile f;
    f.name = name;
    f.home_airports = p.at("home_airports").get<std::vector<std::string>>();
    f.home_region = region_index(p.at("home_region"));
    f.home_state = p.at("home_state").get<std::string>();
    f.flights_per_day = p.at("flights_per_day").get<std::uint32_t>();
    f.hourly = p.at("hourly_weights").get<std::vector<std::uint32_t>>();
    f.long_haul_per_mille = p.at("long_haul_per_mille").get<std::uint32_t>();
    const auto& w = p.at("equipment_weights");
    for (const auto& q : d.equipment) {
      const std::uint32_t weight = w.contains(q.code) ? w.at(q.code).get<std::uint32_t>() : 0;
      f.short_weights.push_back(q.long_haul ? 0 : weight);
      f.long_weights.push_back(q.long_haul ? weight : 0);
    }
    d.profiles.push_back(std::move(f));
  }
  return d;
}

}  // namespace

const data& get_data() {
  static const data d = load();
  return d;
}

// ---- schedule ----

void build_schedule(const options& o, world& w) {
  const data& d = *w.d;
  const day_profile& p = *w.profile;
  const std::uint32_t n = o.flights ? o.flights : p.flights_per_day;
  std::vector<std::uint32_t> foreign;
  for (std::uint32_t i = 0; i < d.airports.size(); ++i) {
    bool home = false;
    for (const auto& h : p.home_airports) home = home || h == d.airports[i].code;
    if (!home) foreign.push_back(i);
  }
  bool any_long = false, any_short = false;
  for (auto x : p.long_weights) any_long = any_long || x > 0;
  for (auto x : p.short_weights) any_short = any_short || x > 0;
  rng r(derive(o.seed, "schedule"));
  w.schedule.clear();
  for (std::uint32_t i = 0; i < n; ++i) {
    sched_flight f;
    // Carrier XX operates two thirds of the flights, YY the rest (the corpus's test codes).
    f.carrier = i % 3 == 2 ? "YY" : "XX";
    f.number = 100 + i;
    const std::size_t hour = r.weighted(p.hourly);
    f.tod = static_cast<std::int64_t>(hour) * 60 + r.between(0, 11) * 5;
    const bool long_haul = any_long && (!any_short || r.per_mille(p.long_haul_per_mille));
    f.equipment =
        static_cast<std::uint32_t>(r.weighted(long_haul ? p.long_weights : p.short_weights));
    const aircraft& q = d.equipment[f.equipment];
    f.inbound = r.per_mille(500);
    const std::string home = r.pick(p.home_airports);
    const airport& far = d.airports[r.pick(foreign)];
    f.foreign_region = far.region;
    const std::int64_t block = r.between(q.block_lo, q.block_hi) / 5 * 5;
    // One flight in ten makes a stop abroad (a multi-leg flight under one number).
    const bool stop = r.per_mille(100);
    std::string via;
    if (stop) {
      do via = d.airports[r.pick(foreign)].code;
      while (via == far.code);
    }
    if (f.inbound) {
      if (stop) f.ports.push_back(via);
      f.ports.push_back(far.code);
      f.ports.push_back(home);
    } else {
      f.ports.push_back(home);
      f.ports.push_back(far.code);
      if (stop) f.ports.push_back(via);
    }
    std::int64_t t = 0;
    for (std::size_t leg = 0; leg + 1 < f.ports.size(); ++leg) {
      const bool main_leg = (f.inbound && leg + 2 == f.ports.size()) || (!f.inbound && leg == 0);
      const std::int64_t b = main_leg ? block : r.between(60, 150) / 5 * 5;
      f.dep.push_back(t);
      f.arr.push_back(t + b);
      if (main_leg) f.international_leg = leg;
      t += b + 60;
    }
    if (r.per_mille(200)) {
      f.codeshare_carrier = f.carrier == "XX" ? "YY" : "XX";
      f.codeshare_number = 5000 + i;
    }
    f.xml = r.per_mille(o.pnr_xml_per_mille);
    w.schedule.push_back(std::move(f));
  }
}

// ---- flight instance ----

std::string seat_of(std::uint32_t ordinal) {
  static constexpr char letters[] = "ABCDEFGHJK";
  return std::to_string(ordinal / 10 + 1) + letters[ordinal % 10];
}

skeleton build_skeleton(const world& w, const instance& in) {
  const sched_flight& f = w.schedule[in.sched];
  const aircraft& q = w.d->equipment[f.equipment];
  rng r(derive(in.seed, "bookings"));
  skeleton s;
  // Load factor 55-100 %: up to 850 passengers on the largest aircraft.
  const auto target = static_cast<std::uint32_t>(q.seats * r.between(550, 1000) / 1000);
  static const std::vector<std::uint32_t> size_weights = {0, 55, 22, 9, 8, 4, 2};
  std::uint32_t ordinal = 0;
  while (s.passengers < target) {
    booking_head h;
    h.seed = r.next();
    const auto size = static_cast<std::uint32_t>(r.weighted(size_weights));
    h.seated = std::min(size, target - s.passengers);
    h.family = h.seated >= 2 && r.per_mille(550);
    h.infant = h.family && r.per_mille(150);
    h.first_ordinal = ordinal;
    ordinal += h.seated + (h.infant ? 1 : 0);
    s.passengers += h.seated;
    // Booking lead time: 4 hours to 300 days before departure, most within two months.
    static const std::vector<std::uint32_t> lead = {8, 25, 42, 25};
    static const std::int64_t lo[] = {4 * 60, 3 * 1440, 14 * 1440, 60 * 1440};
    static const std::int64_t hi[] = {3 * 1440, 14 * 1440, 60 * 1440, 300 * 1440};
    const std::size_t band = r.weighted(lead);
    h.booked = -r.between(lo[band], hi[band]);
    // Check-in: online from T-24 h, at the airport from T-3 h to T-45 min.
    h.checkin = r.per_mille(400) ? -r.between(180, 1440) : -r.between(45, 180);
    if (h.checkin < h.booked + 30) h.checkin = h.booked + 30;
    // APIS data: given at booking by a third, otherwise at check-in.
    h.docs = r.per_mille(350) ? h.booked : h.checkin;
    // A quarter of the bookings change later (contact added); 4 % are cancelled before
    // check-in.
    if (r.per_mille(250)) h.modified = r.between(h.booked, h.checkin);
    if (r.per_mille(40)) h.cancelled = r.between(h.booked + 1, h.checkin);
    h.onward = r.per_mille(180);
    h.agency = r.per_mille(400);
    s.bookings.push_back(h);
  }
  return s;
}

namespace {

std::string locator_of(const instance& in, std::size_t index) {
  // Unique within a flight: the low 10 bits are the booking index (at most 850 bookings).
  static constexpr char alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  const std::uint64_t v = ((in.seed & 0xFFFFF) << 10) | (index & 0x3FF);
  std::string s(6, 'A');
  for (int i = 5; i >= 0; --i) s[static_cast<std::size_t>(i)] = alphabet[(v >> (5 * (5 - i))) & 31];
  return s;
}

std::string digits(rng& r, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += static_cast<char>('0' + r.below(10));
  return s;
}

std::uint32_t pick_region(rng& r, const world& w, const sched_flight& f) {
  const std::uint32_t roll = r.below(10);
  if (roll < 5) return f.foreign_region;
  if (roll < 8) return w.profile->home_region;
  return r.below(static_cast<std::uint32_t>(w.d->regions.size()));
}

document passport(rng& r, const std::string& state, std::int64_t today, bool id_card) {
  document doc;
  doc.type = id_card ? "I" : "P";
  // Test range: the prefix X and a letter naming the document kind, then seven digits.
  doc.number = std::string(id_card ? "XI" : "XP") + digits(r, 7);
  doc.state = state;
  doc.expiry = today + r.between(200, 3650);
  return doc;
}

person make_person(rng& r, const world& w, std::uint32_t reg, std::int64_t today, char gender,
                   int min_age, int max_age, const std::string* surname) {
  const region& g = w.d->regions[reg];
  person p;
  p.gender = gender;
  p.surname = surname ? *surname : r.pick(g.surnames);
  const auto& pool = gender == 'M' ? g.male : g.female;
  p.given = r.pick(pool);
  if (max_age >= 18 && r.per_mille(200)) {
    std::string m = r.pick(pool);
    if (m != p.given) p.middle = std::move(m);
  }
  p.dob = today - r.between(static_cast<std::int64_t>(min_age) * 365 + 30,
                            static_cast<std::int64_t>(max_age) * 365 + 300);
  p.nationality = r.pick(g.nationalities);
  return p;
}

}  // namespace

booking build_booking(const world& w, const instance& in, const booking_head& h,
                      std::size_t index) {
  const sched_flight& f = w.schedule[in.sched];
  rng r(h.seed);
  booking b;
  b.locator = locator_of(in, index);
  const std::int64_t today = in.day;
  const std::uint32_t reg = pick_region(r, w, f);
  if (h.family) {
    const region& g = w.d->regions[reg];
    const std::string surname = r.pick(g.surnames);
    for (std::uint32_t k = 0; k < h.seated; ++k) {
      // Two adults, then children.
      const bool adult = k < 2;
      const char gender = adult ? (k == 0 ? 'M' : 'F') : (r.per_mille(500) ? 'M' : 'F');
      person p = adult ? make_person(r, w, reg, today, gender, 25, 70, &surname)
                       : make_person(r, w, reg, today, gender, 2, 17, &surname);
      p.child = !adult;
      b.people.push_back(std::move(p));
    }
    if (h.infant) {
      person p = make_person(r, w, reg, today, r.per_mille(500) ? 'M' : 'F', 0, 0, &surname);
      p.dob = today - r.between(20, 700);
      p.infant = true;
      p.seated = false;
      b.people.push_back(std::move(p));
    }
  } else {
    for (std::uint32_t k = 0; k < h.seated; ++k) {
      const std::uint32_t own = k == 0 ? reg : pick_region(r, w, f);
      b.people.push_back(
          make_person(r, w, own, today, r.per_mille(500) ? 'M' : 'F', 18, 80, nullptr));
    }
  }
  const std::string& home_state = w.profile->home_state;
  for (std::size_t k = 0; k < b.people.size(); ++k) {
    person& p = b.people[k];
    p.ordinal = h.first_ordinal + static_cast<std::uint32_t>(k);
    p.title = p.infant  ? ""
              : p.child ? (p.gender == 'M' ? "MSTR" : "MISS")
                        : (p.gender == 'M' ? "MR" : "MRS");
    // Families share the first adult's nationality; one traveller in eight from the home
    // region carries a national identity card instead of a passport.
    if (h.family && k > 0) p.nationality = b.people[0].nationality;
    const bool id_card = reg == w.profile->home_region && r.per_mille(125);
    p.docs.push_back(passport(r, p.nationality, today, id_card));
    // Visitors from outside the home region: one in five also shows a visa.
    if (p.nationality != home_state && reg != w.profile->home_region && r.per_mille(200)) {
      document v;
      v.type = "V";
      v.number = "XV" + digits(r, 7);
      v.state = home_state;
      v.expiry = today + r.between(30, 720);
      p.docs.push_back(std::move(v));
    }
  }
  b.agent = static_cast<std::uint32_t>(r.between(10000000, 99999999));
  b.fare = static_cast<std::uint32_t>(w.d->equipment[f.equipment].long_haul ? r.between(450, 4200)
                                                                            : r.between(60, 900));
  static const std::vector<std::string> vendors = {"VI", "CA", "AX"};
  b.card_vendor = r.pick(vendors);
  b.card_last4 = digits(r, 4);
  const std::int64_t month = r.between(1, 12);
  b.card_expiry =
      (month < 10 ? "0" : "") + std::to_string(month) + std::to_string(r.between(27, 31));
  static const std::vector<std::uint32_t> classes = {50, 20, 15, 10, 5};
  b.booking_class = "YMBJC"[r.weighted(classes)];
  for (person& p : b.people)
    if (!p.infant) p.ticket = "999" + digits(r, 10);
  b.codeshare = !f.codeshare_carrier.empty() && r.per_mille(300);
  if (h.onward) {
    const auto& airports = w.d->airports;
    do b.onward_port = airports[r.below(static_cast<std::uint32_t>(airports.size()))].code;
    while (b.onward_port == f.ports.back() || b.onward_port == f.ports.front());
    b.onward_number = 7000 + r.below(2000);
  }
  return b;
}

std::vector<person> build_crew(const world& w, const instance& in) {
  const sched_flight& f = w.schedule[in.sched];
  const aircraft& q = w.d->equipment[f.equipment];
  rng r(derive(in.seed, "crew"));
  std::vector<person> crew;
  const std::uint32_t n = q.cockpit + q.cabin;
  for (std::uint32_t k = 0; k < n; ++k) {
    const std::uint32_t reg = r.per_mille(700) ? w.profile->home_region : f.foreign_region;
    person p = make_person(r, w, reg, in.day, r.per_mille(k < q.cockpit ? 250 : 700) ? 'F' : 'M',
                           22, 64, nullptr);
    p.crew_function = k < q.cockpit ? "CR1" : "CR2";
    p.ordinal = k;
    p.docs.push_back(passport(r, p.nationality, in.day, false));
    if (k < q.cockpit) {
      document l;
      l.type = "L";
      l.number = "XL" + digits(r, 7);
      l.state = p.nationality;
      l.expiry = in.day + r.between(100, 1500);
      p.docs.push_back(std::move(l));
    }
    crew.push_back(std::move(p));
  }
  return crew;
}

}  // namespace apipnr::harness::generate::detail
