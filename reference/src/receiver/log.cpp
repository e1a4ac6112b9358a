#include "apipnr/receiver/log.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace apipnr::receiver {

log_level parse_log_level(std::string_view s) noexcept {
  if (s == "debug") return log_level::debug;
  if (s == "warn") return log_level::warn;
  if (s == "error") return log_level::error;
  if (s == "off") return log_level::off;
  return log_level::info;
}

namespace {

std::string_view level_name(log_level l) noexcept {
  switch (l) {
    case log_level::debug:
      return "debug";
    case log_level::info:
      return "info";
    case log_level::warn:
      return "warn";
    case log_level::error:
      return "error";
    case log_level::off:
      return "off";
  }
  return "info";
}

std::string timestamp() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()) % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[96];  // room for any int the compiler assumes (-Wformat-truncation)
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms.count()));
  return buf;
}

}  // namespace

void logger::log(log_level lvl, std::string_view event, nlohmann::json fields) {
  if (!enabled(lvl)) return;
  nlohmann::ordered_json line;
  line["ts"] = timestamp();
  line["level"] = level_name(lvl);
  line["event"] = event;
  if (fields.is_object()) {
    for (auto& [k, v] : fields.items()) line[k] = std::move(v);
  }
  // replace: a stray byte in a technical field must not throw out of logging.
  std::string text = line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  text.push_back('\n');
  // One write per line: std::cerr is unit-buffered, so `<< text << '\n'` cost two write(2)
  // calls per request; a single write also keeps a line whole if another writer shares stderr.
  std::lock_guard lock(mutex_);
  out_->write(text.data(), static_cast<std::streamsize>(text.size()));
  out_->flush();
}

std::string mask(std::string_view value) {
  if (value.empty()) return {};
  std::string out(1, value.front());
  out.append(value.size() - 1, '*');
  return out;
}

}  // namespace apipnr::receiver
