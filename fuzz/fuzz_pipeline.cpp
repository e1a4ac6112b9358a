// libFuzzer target: the whole reference pipeline (engine::check) on any input, in strict and
// tolerant mode, under the baseline profile: syntax, group structure, profile rules, extraction
// (PAXLST, PNRGOV EDIFACT, PNRGOV XML) and the sensitive-data filter.
//
// Beyond "no crash, no sanitizer report", it traps on broken invariants (fuzz_message_check.hpp):
// the verdict follows the findings' severities, every finding offset is <= the input size, every
// canonical message serialises to JSON, and no account number keeps more than 4 digits.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_message_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  for (auto m : {apipnr::edifact::mode::strict, apipnr::edifact::mode::tolerant}) {
    const auto r = apipnr::fuzz::engine_for(m).check(input);
    apipnr::fuzz::check_result(input, r);
  }
  return 0;
}
