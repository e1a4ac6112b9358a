// libFuzzer target: the PNRGOV XML path of the pipeline. Inputs that do not start with '<' are
// skipped (returned at once), so libFuzzer spends its time on documents the pipeline sniffs as
// XML rather than rediscovering EDIFACT; seeded from vectors/xml. Same invariants as
// fuzz_pipeline (fuzz_message_check.hpp).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_message_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (input.empty() || input.front() != '<') return -1;  // -1: not added to the corpus
  const auto r = apipnr::fuzz::engine_for(apipnr::edifact::mode::strict).check(input);
  apipnr::fuzz::check_result(input, r);
  return 0;
}
