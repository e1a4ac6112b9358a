// Structured JSON-lines logging for the receiver (one object per line).
//
// Personal data never reaches a log line (DP-LOG-003): callers pass only technical fields
// (ids, control references, counts, diagnostic IDs, verdicts, latency). `mask()` is for the rare
// value that might identify a person (a record locator in a query path): it keeps the length
// and the first character only.
//
// Thread safety: log() may be called from any thread; lines are never interleaved.
// Errors: a failing output stream is ignored (logging never stops intake).
#pragma once

#include <concepts>
#include <cstdint>
#include <mutex>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

#include <nlohmann/json.hpp>

namespace apipnr::receiver {

enum class log_level : std::uint8_t { debug, info, warn, error, off };

// The fields of one log line, written as JSON text as they are added, without a DOM. The
// intake's line per request used to be an nlohmann object filled field by field, copied into
// an ordered object and dumped: about 7 % of the receiver's instructions per iAPI request
// (docs/PERFORMANCE.md, "iAPI CPU per request"). Strings are escaped as nlohmann's dump does
// (the two-character escapes, \u00xx for other control characters, UTF-8 verbatim); each byte
// that starts no well-formed UTF-8 sequence becomes U+FFFD, so a line is always valid JSON.
// Doubles in their shortest round-trip form, NaN and infinities as null. Keys appear in the order
// added; a key added twice appears twice, so callers add each key once. Not thread-safe (one line
// is built by one thread at a time); no exception except std::bad_alloc.
class log_line {
 public:
  log_line& add(std::string_view key, std::string_view value);
  // A string literal must not pick the bool overload.
  log_line& add(std::string_view key, const char* value) {
    return add(key, std::string_view(value));
  }
  log_line& add(std::string_view key, bool value);
  log_line& add(std::string_view key, double value);
  template <std::integral T>
  requires(!std::same_as<T, bool>) log_line& add(std::string_view key, T value) {
    if constexpr (std::is_signed_v<T>) {
      return add_signed(key, static_cast<std::int64_t>(value));
    } else {
      return add_unsigned(key, static_cast<std::uint64_t>(value));
    }
  }
  // A JSON array of strings.
  log_line& add(std::string_view key, std::span<const std::string_view> values);

  // Room for `bytes` of fields, so that a line built field by field grows once.
  void reserve(std::size_t bytes) { text_.reserve(bytes); }

  // The fields so far, each as `,"key":value` (empty when none).
  const std::string& text() const noexcept { return text_; }

 private:
  log_line& add_signed(std::string_view key, std::int64_t value);
  log_line& add_unsigned(std::string_view key, std::uint64_t value);
  void key(std::string_view k);
  std::string text_;
};

// "debug" | "info" | "warn" | "error" | "off"; anything else -> info.
log_level parse_log_level(std::string_view s) noexcept;

class logger {
 public:
  // `out` must outlive the logger (std::cerr in the executable, a stringstream in tests).
  explicit logger(std::ostream& out, log_level min = log_level::info) : out_(&out), min_(min) {}

  // Writes {"ts": <UTC ISO 8601>, "level": ..., "event": event, ...fields}.
  void log(log_level lvl, std::string_view event, nlohmann::json fields = nlohmann::json::object());
  // The same line from fields already written as text (the intake's per-request line).
  void log(log_level lvl, std::string_view event, const log_line& fields);

  bool enabled(log_level lvl) const noexcept { return lvl >= min_ && min_ != log_level::off; }

 private:
  std::mutex mutex_;
  std::ostream* out_;
  log_level min_;
};

// "A*****" for "ABC123": first character and length only.
std::string mask(std::string_view value);

}  // namespace apipnr::receiver
