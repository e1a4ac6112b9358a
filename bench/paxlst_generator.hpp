// Deterministic generator of synthetic PAXLST D05B interchanges for benchmarks and fuzz seeds.
//
// Contract: the output depends only on `paxlst_options` (seed included), never on the platform,
// the standard library or the compiler. The random source is a hand-written splitmix64 and every
// draw is reduced with `%` (a tiny modulo bias does not matter here, portability does), because
// std::uniform_*_distribution output is implementation-defined.
//
// The interchange follows STANDARDS.md Appendix A.1 and §2.3: UNA, UNB UNOA:4, UNG, then
// `messages` PAXLST messages (UNH .. BGM 745, RFF TN, NAD MS, COM, TDT, LOC 125/87 + DTM 189/232,
// per traveller NAD FL, ATT, DTM 329, LOC 178/179, NAT, RFF AVF/ABO/SEA, DOC P, DTM 36, LOC 91,
// then CNT 42 .. UNT), UNE, UNZ. Counts and references are consistent unless `error_every` asks
// for errors. All names are composed from built-in syllables; no real person data is involved.
//
// Thread safety: pure functions; `splitmix64` is a value type.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace apipnr::bench {

// splitmix64 (a public-domain mixing function): small, fast and fully specified by its
// arithmetic on uint64_t, hence identical on every platform.
class splitmix64 {
 public:
  explicit splitmix64(std::uint64_t seed) noexcept : state_(seed) {}
  std::uint64_t next() noexcept {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // A value in [0, n). REQUIRES: n > 0.
  std::uint32_t below(std::uint32_t n) noexcept { return static_cast<std::uint32_t>(next() % n); }
  // True with probability 1/n (n == 0: never).
  bool one_in(std::uint32_t n) noexcept { return n != 0 && below(n) == 0; }

 private:
  std::uint64_t state_;
};

struct paxlst_options {
  std::uint64_t seed = 1;
  std::uint32_t travellers = 20'000;
  // Travellers are spread evenly over this many messages (a multi-part PAXLST: UNH S010
  // "01:C" .. "nn:F", CNT 42 repeats the total). Values below 1 are treated as 1.
  std::uint32_t messages = 1;
  // About one traveller in `escaped_name_one_in` gets an apostrophe surname written with the
  // release character (O?'BRIEN style); 0 = none.
  std::uint32_t escaped_name_one_in = 64;
  // About one segment in `line_break_one_in` is followed by CR LF (allowed between segments,
  // STANDARDS.md §1.2); 0 = none.
  std::uint32_t line_break_one_in = 16;
  // 0: a valid interchange. n > 0: every n-th traveller gets a trailing element separator in
  // ATT (0085 code 45) and a lower-case given name (UNOA repertoire), and every second message
  // gets a UNT segment count that is one too high (0085 code 29): input for CONTRL benchmarks.
  std::uint32_t error_every = 0;
};

// The complete interchange text.
std::string make_paxlst(const paxlst_options& opts);

}  // namespace apipnr::bench
