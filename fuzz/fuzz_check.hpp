// Invariant check for the fuzz targets: names the broken condition on stderr, then traps so
// that libFuzzer records the input as a crash (a return value would be ignored).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <new>
#include <string>
#include <string_view>
#include <system_error>

#define APIPNR_FUZZ_CHECK(cond)                                                           \
  do {                                                                                    \
    if (!(cond)) {                                                                        \
      std::fprintf(stderr, "%s:%d: invariant violated: %s\n", __FILE__, __LINE__, #cond); \
      __builtin_trap();                                                                   \
    }                                                                                     \
  } while (false)

namespace apipnr::fuzzing {

// Runs `run` on the input as text, for readers whose contract is "never throws but
// std::bad_alloc" (which libFuzzer's -rss_limit_mb bounds): any other exception is a finding,
// named on stderr with `what_ran`, then a trap.
template <class Run>
int run_without_exceptions(const std::uint8_t* data, std::size_t size, const char* what_ran,
                           Run&& run) {
  try {
    run(std::string_view(reinterpret_cast<const char*>(data), size));
  } catch (const std::bad_alloc&) {
  } catch (const std::exception& e) {
    std::fprintf(stderr, "exception escaped %s: %s\n", what_ran, e.what());
    __builtin_trap();
  }
  return 0;
}

// A folder of its own under the temp directory, made on the first call and removed when the
// process exits (libFuzzer ends with exit(), so no folder is left behind per run). One per
// process: the name's prefix is taken from the first call.
inline const std::filesystem::path& private_temp_dir(const char* prefix) {
  static const std::filesystem::path dir = [prefix] {
    std::string t =
        (std::filesystem::temp_directory_path() / (std::string(prefix) + "-XXXXXX")).string();
    APIPNR_FUZZ_CHECK(::mkdtemp(t.data()) != nullptr);
    // A plain array: the handler runs after the function-local statics are destroyed.
    static char made[4096];
    t.copy(made, sizeof made - 1);
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(made, ec);
    });
    return std::filesystem::path(t);
  }();
  return dir;
}

}  // namespace apipnr::fuzzing
