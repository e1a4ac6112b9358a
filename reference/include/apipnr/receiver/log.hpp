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

#include <cstdint>
#include <mutex>
#include <ostream>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace apipnr::receiver {

enum class log_level : std::uint8_t { debug, info, warn, error, off };

// "debug" | "info" | "warn" | "error" | "off"; anything else -> info.
log_level parse_log_level(std::string_view s) noexcept;

class logger {
 public:
  // `out` must outlive the logger (std::cerr in the executable, a stringstream in tests).
  explicit logger(std::ostream& out, log_level min = log_level::info) : out_(&out), min_(min) {}

  // Writes {"ts": <UTC ISO 8601>, "level": ..., "event": event, ...fields}.
  void log(log_level lvl, std::string_view event, nlohmann::json fields = nlohmann::json::object());

  bool enabled(log_level lvl) const noexcept { return lvl >= min_ && min_ != log_level::off; }

 private:
  std::mutex mutex_;
  std::ostream* out_;
  log_level min_;
};

// "A*****" for "ABC123": first character and length only.
std::string mask(std::string_view value);

}  // namespace apipnr::receiver
