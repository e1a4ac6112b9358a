// Deterministic generator of synthetic PNRGOV 13.1 pushes for the pipeline benchmarks.
//
// Contract: like paxlst_generator.hpp, the output depends only on `pnrgov_options` (seed
// included): splitmix64 draws reduced with `%`, no std distributions.
//
// The interchange follows the single-PNR example of STANDARDS.md Appendix A.3
// (fuzz/seeds/a3_pnrgov.edi): UNA, UNB IATA:1, UNG PNRGOV, one UNH PNRGOV:13:1:IA message with
// MSG, ORG, TVL (the flight), EQN+<pnrs>, then per PNR: SRC, RCI (record locator), DAT, ORG,
// TIF (traveller), SSR DOCS, TKT, MON, FOP (masked card, last 4 digits), TVL, RPI, APD; then
// UNT (segment count), UNE, UNZ. EQN and UNT are always consistent with what was written.
// Names and locators are composed from fixed letters; no real person data is involved.
//
// Thread safety: pure function.
#pragma once

#include <cstdint>
#include <string>

namespace apipnr::bench {

struct pnrgov_options {
  std::uint64_t seed = 1;
  std::uint32_t pnrs = 2'000;
};

// The complete interchange text.
std::string make_pnrgov(const pnrgov_options& opts);

// Segments per PNR and in the fixed part of the message (UNH..EQN plus UNT), for tests.
inline constexpr std::uint32_t pnrgov_segments_per_pnr = 12;
inline constexpr std::uint32_t pnrgov_fixed_message_segments = 6;

}  // namespace apipnr::bench
