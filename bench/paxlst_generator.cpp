#include "paxlst_generator.hpp"

#include <array>
#include <string_view>

namespace apipnr::bench {
namespace {

// Syllables chosen so that compositions look like names without being anyone in particular.
constexpr std::array<std::string_view, 24> surname_parts = {
    "BAR", "TEL", "MON", "KAS", "VIR", "LOD", "SEN", "PAL", "RUN", "DEK", "TOR", "MIL",
    "NAS", "GOR", "FEL", "HAM", "JOR", "KEL", "LIN", "MOR", "NEV", "OST", "PER", "SAL"};
constexpr std::array<std::string_view, 16> given_parts = {
    "AN", "BE", "CA", "DO", "EL", "FI", "GA", "HI", "IO", "JA", "KI", "LU", "MA", "NO", "RA", "SI"};
constexpr std::array<std::string_view, 4> given_endings = {"NA", "RO", "LEN", "MIR"};
constexpr std::array<std::string_view, 12> airports = {"LHR", "JFK", "CDG", "FRA", "AMS", "MAD",
                                                       "FCO", "DUB", "ZRH", "VIE", "CPH", "ARN"};
constexpr std::array<std::string_view, 12> countries = {"GBR", "USA", "FRA", "DEU", "NLD", "ESP",
                                                        "ITA", "IRL", "CHE", "AUT", "DNK", "SWE"};
constexpr std::array<char, 4> genders = {'M', 'F', 'M', 'F'};
constexpr std::string_view alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
constexpr std::string_view seat_letters = "ABCDEFGHJK";

// Appends `v` in decimal, left-padded with zeros to `width` digits.
void append_uint(std::string& out, std::uint64_t v, int width = 1) {
  char buf[24];
  int n = 0;
  do {
    buf[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  for (int i = n; i < width; ++i) out.push_back('0');
  while (n > 0) out.push_back(buf[--n]);
}

template <std::size_t N>
std::string_view pick(splitmix64& rng, const std::array<std::string_view, N>& list) {
  return list[rng.below(static_cast<std::uint32_t>(N))];
}

// Writes segments and keeps the per-message segment count for UNT.
class emitter {
 public:
  emitter(std::string& out, splitmix64& rng, std::uint32_t line_break_one_in)
      : out_(out), rng_(rng), line_break_one_in_(line_break_one_in) {}

  // Ends the segment being written: terminator, sometimes CR LF.
  void end() {
    out_.push_back('\'');
    ++segments_;
    if (rng_.one_in(line_break_one_in_)) out_.append("\r\n");
  }
  void reset_count() noexcept { segments_ = 0; }
  std::uint32_t count() const noexcept { return segments_; }

 private:
  std::string& out_;
  splitmix64& rng_;
  std::uint32_t line_break_one_in_;
  std::uint32_t segments_ = 0;
};

void append_date(std::string& out, splitmix64& rng, std::uint32_t year_base,
                 std::uint32_t year_span) {
  append_uint(out, (year_base + rng.below(year_span)) % 100, 2);
  append_uint(out, 1 + rng.below(12), 2);
  append_uint(out, 1 + rng.below(28), 2);
}

void append_traveller(std::string& out, emitter& seg, splitmix64& rng, const paxlst_options& o,
                      std::uint32_t number, bool inject_error) {
  const std::string_view arrival = airports[1];
  // NAD+FL+++SURNAME:GIVEN
  out.append("NAD+FL+++");
  if (rng.one_in(o.escaped_name_one_in)) out.append("O?'");
  const std::uint32_t surname_len = 2 + rng.below(2);
  for (std::uint32_t i = 0; i < surname_len; ++i) out.append(pick(rng, surname_parts));
  out.push_back(':');
  std::string given{pick(rng, given_parts)};
  given.append(pick(rng, given_endings));
  if (inject_error) {
    for (char& c : given) c = static_cast<char>(c - 'A' + 'a');
  }
  out.append(given);
  seg.end();

  out.append("ATT+2++");
  out.push_back(genders[rng.below(4)]);
  if (inject_error) out.push_back('+');  // trailing separator: 0085 code 45
  seg.end();

  out.append("DTM+329:");
  append_date(out, rng, 40, 65);
  seg.end();

  out.append("LOC+178+");
  out.append(pick(rng, airports));
  seg.end();
  out.append("LOC+179+");
  out.append(arrival);
  seg.end();

  const std::string_view nationality = pick(rng, countries);
  out.append("NAT+2+");
  out.append(nationality);
  seg.end();

  out.append("RFF+AVF:");
  for (int i = 0; i < 6; ++i) out.push_back(alnum[rng.below(26)]);
  seg.end();
  out.append("RFF+ABO:");
  append_uint(out, number, 5);
  seg.end();
  out.append("RFF+SEA:");
  append_uint(out, 1 + rng.below(60), 1);
  out.push_back(seat_letters[rng.below(static_cast<std::uint32_t>(seat_letters.size()))]);
  seg.end();

  out.append("DOC+P:110:111+");
  out.push_back(alnum[rng.below(26)]);
  out.push_back(alnum[rng.below(26)]);
  append_uint(out, rng.below(10'000'000), 7);
  seg.end();
  out.append("DTM+36:");
  append_date(out, rng, 27, 10);
  seg.end();
  out.append("LOC+91+");
  out.append(nationality);
  seg.end();
}

}  // namespace

std::string make_paxlst(const paxlst_options& opts) {
  splitmix64 rng(opts.seed);
  const std::uint32_t messages = opts.messages < 1 ? 1 : opts.messages;
  std::string out;
  out.reserve(static_cast<std::size_t>(opts.travellers) * 185 + messages * 300u + 256);
  emitter seg(out, rng, opts.line_break_one_in);

  std::string flight = "XX";
  append_uint(flight, 1 + rng.below(9999), 1);
  std::string interchange_ref;
  append_uint(interchange_ref, 1000 + rng.below(9000), 1);

  out.append("UNA:+.? '");
  out.append("UNB+UNOA:4+XXAPI:ZZ+PIUTEST:ZZ+250301:0930+");
  out.append(interchange_ref);
  out.append("++APIS");
  seg.end();
  out.append("UNG+PAXLST+XX AIRLINE+PIUTEST+250301:0930+1+UN+D:05B");
  seg.end();

  std::uint32_t traveller = 0;
  for (std::uint32_t m = 0; m < messages; ++m) {
    // Spread travellers evenly: message m gets [m*T/M, (m+1)*T/M).
    const auto first = static_cast<std::uint32_t>(std::uint64_t{m} * opts.travellers / messages);
    const auto last = static_cast<std::uint32_t>(std::uint64_t{m + 1} * opts.travellers / messages);
    seg.reset_count();
    out.append("UNH+");
    append_uint(out, m + 1, 1);
    out.append("+PAXLST:D:05B:UN:IATA+");
    out.append(flight);
    out.append("/250301/1100+");
    append_uint(out, m + 1, 2);
    out.append(m + 1 == messages ? ":F" : ":C");
    seg.end();
    out.append("BGM+745");
    seg.end();
    out.append("RFF+TN:");
    out.append(flight);
    out.append("2503011:::1");
    seg.end();
    out.append("NAD+MS+++OPS CONTROL");
    seg.end();
    out.append("COM+44 20 0000 0000:TE");
    seg.end();
    out.append("TDT+20+");
    out.append(flight);
    out.append("+++XX");
    seg.end();
    out.append("LOC+125+LHR");
    seg.end();
    out.append("DTM+189:2503011100:201");
    seg.end();
    out.append("LOC+87+JFK");
    seg.end();
    out.append("DTM+232:2503011400:201");
    seg.end();
    for (std::uint32_t t = first; t < last; ++t) {
      ++traveller;
      const bool inject = opts.error_every != 0 && traveller % opts.error_every == 0;
      append_traveller(out, seg, rng, opts, traveller, inject);
    }
    out.append("CNT+42:");
    append_uint(out, opts.travellers, 1);
    seg.end();
    const bool wrong_count = opts.error_every != 0 && m % 2 == 1;
    out.append("UNT+");
    append_uint(out, seg.count() + 1 + (wrong_count ? 1 : 0), 1);  // +1: UNT itself
    out.push_back('+');
    append_uint(out, m + 1, 1);
    seg.end();
  }
  out.append("UNE+");
  append_uint(out, messages, 1);
  out.append("+1");
  seg.end();
  out.append("UNZ+1+");
  out.append(interchange_ref);
  seg.end();
  return out;
}

}  // namespace apipnr::bench
