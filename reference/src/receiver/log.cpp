#include "apipnr/receiver/log.hpp"

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>

#include "apipnr/model/charset.hpp"

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

// "YYYY-MM-DDTHH:MM:SS.mmmZ" (UTC) into `out`. The calendar part changes once a second, so
// each thread keeps the last one it formatted and writes only the milliseconds by hand: gmtime
// and snprintf per line were most of the cost of a log line (docs/PERFORMANCE.md "iAPI request
// CPU, session 7").
void append_timestamp(std::string& out) {
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  const auto ms = static_cast<int>(
      (std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()) % 1000)
          .count());
  struct cached {
    std::time_t second = -1;
    char text[96] = {};  // room for any int the compiler assumes (-Wformat-truncation)
    std::size_t size = 0;
  };
  thread_local cached c;
  if (c.second != t) {
    std::tm tm{};
    gmtime_r(&t, &tm);
    const int n =
        std::snprintf(c.text, sizeof c.text, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900,
                      tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    c.size = n > 0 ? static_cast<std::size_t>(n) : 0;
    c.second = t;
  }
  out.append(c.text, c.size);
  // A time before 1970 gives a negative remainder; clamp rather than write a '-' digit.
  const int m = ms < 0 ? 0 : ms;
  const char frac[5] = {'.', static_cast<char>('0' + m / 100), static_cast<char>('0' + m / 10 % 10),
                        static_cast<char>('0' + m % 10), 'Z'};
  out.append(frac, sizeof frac);
}

std::string timestamp() {
  std::string s;
  append_timestamp(s);
  return s;
}

// JSON string body of `s` (without quotes), see log_line in log.hpp.
void append_escaped(std::string& out, std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  std::size_t i = 0;
  while (i < s.size()) {
    // Runs of plain ASCII are copied at once.
    std::size_t j = i;
    while (j < s.size()) {
      const auto c = static_cast<unsigned char>(s[j]);
      if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80) break;
      ++j;
    }
    out.append(s.data() + i, j - i);
    i = j;
    if (i == s.size()) break;
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      const std::size_t n = model::utf8_sequence(s, i);
      if (n == 0) {
        out.append("\xEF\xBF\xBD");  // U+FFFD
        ++i;
      } else {
        out.append(s.data() + i, n);
        i += n;
      }
      continue;
    }
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\b':
        out.append("\\b");
        break;
      case '\f':
        out.append("\\f");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      default: {
        const char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0x0f]};
        out.append(u, sizeof u);
      }
    }
    ++i;
  }
}

void append_quoted(std::string& out, std::string_view s) {
  out.push_back('"');
  append_escaped(out, s);
  out.push_back('"');
}

}  // namespace

void log_line::key(std::string_view k) {
  text_.push_back(',');
  append_quoted(text_, k);
  text_.push_back(':');
}

log_line& log_line::add(std::string_view k, std::string_view value) {
  key(k);
  append_quoted(text_, value);
  return *this;
}

log_line& log_line::add(std::string_view k, bool value) {
  key(k);
  text_.append(value ? "true" : "false");
  return *this;
}

log_line& log_line::add(std::string_view k, double value) {
  key(k);
  if (!std::isfinite(value)) {
    text_.append("null");  // what nlohmann writes for NaN and infinities
    return *this;
  }
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, value);
  text_.append(buf, r.ptr);
  return *this;
}

log_line& log_line::add_signed(std::string_view k, std::int64_t value) {
  key(k);
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, value);
  text_.append(buf, r.ptr);
  return *this;
}

log_line& log_line::add_unsigned(std::string_view k, std::uint64_t value) {
  key(k);
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, value);
  text_.append(buf, r.ptr);
  return *this;
}

log_line& log_line::add(std::string_view k, std::span<const std::string_view> values) {
  key(k);
  text_.push_back('[');
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i != 0) text_.push_back(',');
    append_quoted(text_, values[i]);
  }
  text_.push_back(']');
  return *this;
}

void logger::log(log_level lvl, std::string_view event, const log_line& fields) {
  if (!enabled(lvl)) return;
  std::string text;
  text.reserve(64 + event.size() + fields.text().size());
  text.append("{\"ts\":\"");
  append_timestamp(text);
  text.append("\",\"level\":\"");
  text.append(level_name(lvl));
  text.append("\",\"event\":");
  append_quoted(text, event);
  text.append(fields.text());
  text.append("}\n");
  std::lock_guard lock(mutex_);
  out_->write(text.data(), static_cast<std::streamsize>(text.size()));
  out_->flush();
}

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
