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

// Length of the well-formed UTF-8 sequence (RFC 3629: no overlongs, no surrogates, nothing
// above U+10FFFF) starting at s[i], 0 when none starts there. The targets' own reading of
// "well-formed UTF-8", independent of the code under test.
inline std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const auto cont = [&](std::size_t k) { return i + k < s.size() && (b(k) & 0xC0) == 0x80; };
  const unsigned char c = b(0);
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF && cont(1)) return 2;
  if (c >= 0xE0 && c <= 0xEF && cont(1) && cont(2)) {
    if (c == 0xE0 && b(1) < 0xA0) return 0;   // overlong
    if (c == 0xED && b(1) >= 0xA0) return 0;  // surrogate
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4 && cont(1) && cont(2) && cont(3)) {
    if (c == 0xF0 && b(1) < 0x90) return 0;   // overlong
    if (c == 0xF4 && b(1) >= 0x90) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

inline bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = utf8_sequence_length(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
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
