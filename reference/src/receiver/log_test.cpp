#include "apipnr/receiver/log.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <limits>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

namespace apipnr::receiver {
namespace {

// The one line written to `out`, parsed, without its timestamp (the two lines of a test are
// written at different times).
nlohmann::json parsed_line(const std::string& out) {
  EXPECT_FALSE(out.empty());
  EXPECT_EQ(out.back(), '\n');
  EXPECT_EQ(out.find('\n'), out.size() - 1) << "one line, no raw newline inside";
  auto j = nlohmann::json::parse(out);
  EXPECT_TRUE(j.contains("ts"));
  j.erase("ts");
  return j;
}

// The timestamp (a per-thread cache of the calendar second, milliseconds written by hand) is
// UTC "YYYY-MM-DDTHH:MM:SS.mmmZ" within the time of the call, on both paths, also across many
// lines and second boundaries.
TEST(LogLine, TimestampIsUtcWithMillisecondsAndCurrent) {
  auto format = [](std::chrono::system_clock::time_point tp) {
    const std::time_t t = std::chrono::system_clock::to_time_t(tp);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(tp.time_since_epoch()) % 1000;
    char frac[8];
    std::snprintf(frac, sizeof frac, ".%03dZ", static_cast<int>(ms.count()));
    return std::string(buf) + frac;
  };
  for (int i = 0; i < 300; ++i) {
    std::ostringstream text_out, dom_out;
    logger text(text_out), dom(dom_out);
    const auto before = format(std::chrono::system_clock::now());
    text.log(log_level::info, "intake", log_line{});
    dom.log(log_level::info, "query", {{"k", 1}});
    const auto after = format(std::chrono::system_clock::now());
    for (const std::string& out : {text_out.str(), dom_out.str()}) {
      const std::string ts = nlohmann::json::parse(out)["ts"].get<std::string>();
      ASSERT_EQ(ts.size(), 24u) << ts;
      EXPECT_EQ(ts[10], 'T');
      EXPECT_EQ(ts.substr(19, 1), ".");
      EXPECT_EQ(ts.back(), 'Z');
      // Same width everywhere, so the text order is the time order.
      EXPECT_LE(before, ts);
      EXPECT_LE(ts, after);
    }
    if (i % 100 == 99) std::this_thread::sleep_for(std::chrono::milliseconds(400));
  }
}

// The text fast path (log_line) writes what the DOM path writes, for every kind of value the
// receiver logs and every character class the escaper treats apart.
TEST(LogLine, WritesWhatTheDomLineWrites) {
  const std::vector<std::string> texts = {
      "",
      "plain ASCII 0123",
      "quote \" backslash \\ slash /",
      "controls \x01\x02\x1f and \b\f\n\r\t",
      std::string("nul \0 inside", 12),
      "DEL \x7f",
      "UTF-8 \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
  };
  for (const auto& t : texts) {
    std::ostringstream dom_out, text_out;
    logger dom(dom_out), text(text_out);
    const std::vector<std::string_view> ids = {"EDI-A", t, "x\"y"};
    dom.log(log_level::info, "intake",
            {{"s", t},
             {"i", std::int64_t{-42}},
             {"u", std::numeric_limits<std::uint64_t>::max()},
             {"z", std::size_t{0}},
             {"b", true},
             {"f", false},
             {"d", 12.345678901234},
             {"small", 0.001},
             {"ids", std::vector<std::string>(ids.begin(), ids.end())}});
    log_line line;
    line.add("s", t)
        .add("i", std::int64_t{-42})
        .add("u", std::numeric_limits<std::uint64_t>::max())
        .add("z", std::size_t{0})
        .add("b", true)
        .add("f", false)
        .add("d", 12.345678901234)
        .add("small", 0.001)
        .add("ids", std::span<const std::string_view>(ids));
    text.log(log_level::info, "intake", line);
    EXPECT_EQ(parsed_line(text_out.str()), parsed_line(dom_out.str())) << text_out.str();
  }
}

TEST(LogLine, KeepsTheOrderOfItsFieldsAfterTsLevelAndEvent) {
  std::ostringstream out;
  logger log(out);
  log_line line;
  line.add("request", 7u).add("kind", "iapi").add("status", 200u);
  log.log(log_level::warn, "intake", line);
  const std::string s = out.str();
  const auto ts = s.find("\"ts\":"), level = s.find("\"level\":\"warn\""),
             event = s.find("\"event\":\"intake\""), request = s.find("\"request\":7"),
             kind = s.find("\"kind\":\"iapi\""), status = s.find("\"status\":200}");
  ASSERT_NE(status, std::string::npos) << s;
  EXPECT_LT(ts, level);
  EXPECT_LT(level, event);
  EXPECT_LT(event, request);
  EXPECT_LT(request, kind);
  EXPECT_LT(kind, status);
}

// A stray byte in a technical field (a sender identity from a certificate, a control reference
// from the input) must still give a valid JSON line: each byte that starts no well-formed
// sequence becomes U+FFFD.
TEST(LogLine, IllFormedUtf8BecomesReplacementCharacters) {
  std::ostringstream out;
  logger log(out);
  log_line line;
  line.add("sender", std::string_view("a\xc3(b\xff\xed\xa0\x80"
                                      "c\xe2\x82"));
  log.log(log_level::info, "intake", line);
  const auto j = parsed_line(out.str());
  const std::string fffd = "\xef\xbf\xbd";
  EXPECT_EQ(j.at("sender"), "a" + fffd + "(b" + fffd + fffd + fffd + fffd + "c" + fffd + fffd);
}

TEST(LogLine, NonFiniteDoublesAreNull) {
  std::ostringstream out;
  logger log(out);
  log_line line;
  line.add("nan", std::nan("")).add("inf", std::numeric_limits<double>::infinity());
  log.log(log_level::info, "intake", line);
  const auto j = parsed_line(out.str());
  EXPECT_TRUE(j.at("nan").is_null());
  EXPECT_TRUE(j.at("inf").is_null());
}

TEST(LogLine, BelowTheLevelNothingIsWritten) {
  std::ostringstream out;
  logger log(out, log_level::warn);
  log_line line;
  line.add("request", 1u);
  log.log(log_level::info, "intake", line);
  EXPECT_TRUE(out.str().empty());
  log.log(log_level::error, "intake", line);
  EXPECT_FALSE(out.str().empty());
}

}  // namespace
}  // namespace apipnr::receiver
