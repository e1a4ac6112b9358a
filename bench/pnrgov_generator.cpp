#include "pnrgov_generator.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "paxlst_generator.hpp"  // splitmix64

namespace apipnr::bench {
namespace {

// Syllables chosen so that compositions look like names without being anyone in particular.
constexpr std::array<std::string_view, 16> syllables = {"BA",  "KO", "RIN", "DEL", "MA",  "TO",
                                                        "SEN", "LU", "VAR", "NI",  "GOR", "PE",
                                                        "AN",  "SU", "MIR", "TA"};
constexpr std::array<std::string_view, 8> countries = {"GBR", "IRL", "FRA", "DEU",
                                                       "USA", "CAN", "ESP", "ITA"};
constexpr std::array<std::string_view, 4> card_vendors = {"VI", "CA", "AX", "DC"};

std::string name(splitmix64& rng, std::uint32_t parts) {
  std::string out;
  for (std::uint32_t i = 0; i < parts; ++i) out += syllables[rng.below(syllables.size())];
  return out;
}

std::string digits(splitmix64& rng, std::uint32_t n) {
  std::string out;
  for (std::uint32_t i = 0; i < n; ++i) out += static_cast<char>('0' + rng.below(10));
  return out;
}

std::string two(std::uint32_t v) {
  return std::string{static_cast<char>('0' + v / 10 % 10), static_cast<char>('0' + v % 10)};
}

}  // namespace

std::string make_pnrgov(const pnrgov_options& opts) {
  splitmix64 rng(opts.seed);
  std::string out;
  out.reserve(std::size_t{opts.pnrs} * 420 + 512);
  out +=
      "UNA:+.?*'"
      "UNB+IATA:1+XX+PIUPNR+250228:1100+3001'"
      "UNG+PNRGOV+XX+PIUPNR+250228:1100+1+IA+13:1'"
      "UNH+1+PNRGOV:13:1:IA+XX123/010325/1100'"
      "MSG+:22'"
      "ORG+XX:LHR'"
      "TVL+010325:1100:010325:1400+LHR+JFK+XX+123'";
  out += "EQN+" + std::to_string(opts.pnrs) + "'";
  for (std::uint32_t p = 0; p < opts.pnrs; ++p) {
    // Record locator: 6 characters from letters and digits, varied per PNR.
    std::string locator;
    for (int i = 0; i < 6; ++i) {
      const std::uint32_t v = rng.below(36);
      locator += static_cast<char>(v < 26 ? 'A' + v : '0' + (v - 26));
    }
    const std::string surname = name(rng, 2 + rng.below(2));
    const std::string given = name(rng, 2);
    const bool female = rng.one_in(2);
    const std::string_view country = countries[rng.below(countries.size())];
    const std::string birth =
        two(1 + rng.below(28)) +
        std::string{"JANFEBMARAPRMAYJUNJULAUGSEPOCTNOVDEC"}.substr(3 * rng.below(12), 3) +
        two(50 + rng.below(50));
    const std::string passport = "PA" + digits(rng, 7);
    out += "SRC'";
    out += "RCI+XX:" + locator + "::150125:0915'";
    out += "DAT+700:270225:1010'";
    out += "ORG+XX:LHR+12345678:LON+++A+GB:GBP'";
    out += "TIF+" + surname + "+" + given + (female ? "MS" : "MR") + ":A:1'";
    out += "SSR+DOCS:HK:1:XX:::::/P/" + std::string{country} + "/" + passport + "/" +
           std::string{country} + "/" + birth + "/" + (female ? "F" : "M") + "/01JAN30/" + surname +
           "/" + given + "+::1'";
    out += "TKT+999" + digits(rng, 10) + ":T:1'";
    out += "MON+T:" + std::to_string(100 + rng.below(900)) + ".00:GBP'";
    out += "FOP+CC:::" + std::string{card_vendors[rng.below(card_vendors.size())]} +
           ":XXXXXXXXXXXX" + digits(rng, 4) + ":0127'";
    out += "TVL+010325:1100:010325:1400+LHR+JFK+XX+123:Y'";
    out += "RPI+1+HK'";
    out += "APD+77W'";
  }
  const std::uint32_t unt_count =
      pnrgov_fixed_message_segments + opts.pnrs * pnrgov_segments_per_pnr;
  out += "UNT+" + std::to_string(unt_count) + "+1'";
  out += "UNE+1+1'";
  out += "UNZ+1+3001'";
  return out;
}

}  // namespace apipnr::bench
