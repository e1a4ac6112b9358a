// libFuzzer target: the receiver's configuration reader (reference/include/apipnr/receiver/
// config.hpp: load_file), which an operator writes. validate() is not fuzzed: it needs the
// service's components (faults.cpp), which this build leaves out (fuzz/CMakeLists.txt).
//
// The header's contract: load_file throws std::runtime_error "[apipnr.receiver.001]"
// (unreadable), "[apipnr.receiver.002]" (not JSON) or "[apipnr.receiver.003]" (unknown key,
// wrong type); the receiver's main turns these into a one-line refusal with the ID. Traps on
// anything else escaping (another exception type, or a message without an ID).
//
// The input is written to one file in a private temporary directory per run.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <new>
#include <stdexcept>
#include <string>
#include <string_view>

#include "apipnr/receiver/config.hpp"
#include "fuzz_check.hpp"

namespace {

namespace fs = std::filesystem;

const fs::path& config_file() {
  static const fs::path file =
      apipnr::fuzzing::private_temp_dir("apipnr-fuzz-config") / "receiver.json";
  return file;
}

bool has_id(const std::exception& e) {
  return std::string_view(e.what()).rfind("[apipnr.receiver.0", 0) == 0;
}

void run(std::string_view text) {
  {
    std::ofstream out(config_file(), std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    APIPNR_FUZZ_CHECK(out.good());
  }
  apipnr::receiver::config c;
  try {
    apipnr::receiver::load_file(c, config_file());
  } catch (const std::runtime_error& e) {
    if (!has_id(e)) {
      std::fprintf(stderr, "configuration error without an ID: %s\n", e.what());
      __builtin_trap();
    }
    return;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return apipnr::fuzzing::run_without_exceptions(data, size, "the configuration reader", run);
}
