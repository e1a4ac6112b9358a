// The load engine against in-process endpoints: schedules, open-model rate accuracy and
// coordinated-omission-free latency, closed model, timeouts, refused and malformed answers,
// chunked answers, message sets and performance targets.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <regex>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "apipnr/harness/load.hpp"

namespace apipnr::harness {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

std::vector<load_message> one_message(std::size_t bytes = 300) {
  return {
      load_message{"m1", message_kind::paxlst, std::string(bytes, 'A'), "application/edifact", {}}};
}

load_http_target target_of(const std::string& url) {
  load_http_target t;
  t.urls[message_kind::paxlst] = url;
  t.connect_timeout = 1000ms;
  return t;
}

// A raw TCP server answering every request (read until a blank line, bodies ignored by
// Content-Length) with `answer`, or never when `answer` is empty; then, when `late` is not
// empty, 30 ms later with `late` too (bytes arriving on the idle connection).
class raw_server {
 public:
  explicit raw_server(std::string answer, std::string late = {})
      : answer_(std::move(answer)), late_(std::move(late)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(fd_, 64);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] {
      for (;;) {
        const int c = ::accept(fd_, nullptr, nullptr);
        if (c < 0) return;
        clients_.push_back(c);
        std::thread([this, c] {
          std::string buf;
          char b[4096];
          for (;;) {
            const auto n = ::read(c, b, sizeof b);
            if (n <= 0) return;
            buf.append(b, static_cast<std::size_t>(n));
            const auto end = buf.find("\r\n\r\n");
            if (end == std::string::npos) continue;
            const auto cl = buf.find("Content-Length: ");
            const std::size_t body = cl == std::string::npos ? 0 : std::stoul(buf.substr(cl + 16));
            if (buf.size() < end + 4 + body) continue;
            buf.erase(0, end + 4 + body);
            // MSG_NOSIGNAL: a client that closed the connection must not end the test process.
            if (!answer_.empty()) (void)!::send(c, answer_.data(), answer_.size(), MSG_NOSIGNAL);
            if (!late_.empty()) {
              std::this_thread::sleep_for(30ms);
              (void)!::send(c, late_.data(), late_.size(), MSG_NOSIGNAL);
            }
          }
        }).detach();
      }
    });
  }
  ~raw_server() {
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
    for (int c : clients_) ::shutdown(c, SHUT_RDWR);
    std::this_thread::sleep_for(20ms);  // the detached readers see EOF and return
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/in"; }

 private:
  std::string answer_, late_;
  int fd_ = -1;
  unsigned short port_ = 0;
  std::thread thread_;
  std::vector<int> clients_;
};

TEST(ArrivalSchedule, ConstantRateIsExactAndEvenlySpaced) {
  arrival_schedule s(constant_profile(100, 2s));
  EXPECT_EQ(s.planned(), 200U);
  EXPECT_EQ(s.length(), 2s);
  std::vector<std::chrono::nanoseconds> at;
  while (auto t = s.next()) at.push_back(*t);
  ASSERT_EQ(at.size(), 200U);
  EXPECT_EQ(at.front(), 0ns);
  EXPECT_EQ(at[1], 10ms);
  EXPECT_EQ(at.back(), 1990ms);
}

TEST(ArrivalSchedule, RampFollowsTheIntegralOfTheRate) {
  // 0 -> 200/s over 10 s: 1000 requests; half the time holds a quarter of them.
  arrival_schedule s(ramp_profile(0, 200, 10s));
  EXPECT_EQ(s.planned(), 1000U);
  std::size_t first_half = 0, n = 0;
  while (auto t = s.next()) {
    ++n;
    if (*t < 5s) ++first_half;
  }
  EXPECT_EQ(n, 1000U);
  EXPECT_NEAR(static_cast<double>(first_half), 250.0, 1.0);
}

TEST(ArrivalSchedule, StepsAndBurstsChainTheirPhases) {
  auto steps = step_profile(10, 10, 3, 1s);  // 10, 20, 30 /s
  ASSERT_EQ(steps.size(), 3U);
  arrival_schedule s(steps);
  EXPECT_EQ(s.planned(), 60U);
  std::size_t in_third = 0, n = 0;
  while (auto t = s.next()) {
    ++n;
    if (*t >= 2s) ++in_third;
  }
  EXPECT_EQ(n, 60U);
  EXPECT_EQ(in_third, 30U);
  auto bursts = burst_profile(10, 100, 1s, 200ms, 3s);
  EXPECT_EQ(bursts.size(), 6U);
  EXPECT_EQ(arrival_schedule(bursts).planned(), 3U * (20 + 8));
  EXPECT_EQ(arrival_schedule(constant_profile(0, 1s)).planned(), 0U);
  arrival_schedule none(constant_profile(0, 1s));
  EXPECT_FALSE(none.next());
}

TEST(HttpLoad, OpenModelHoldsTheRateAgainstTheNullEndpoint) {
  null_http_endpoint null;
  load_options o;
  o.phases = constant_profile(400, 2s);
  o.connections = 8;
  auto msgs = one_message();
  std::string error;
  auto r = run_http_load(target_of(null.url()), msgs, o, error);
  ASSERT_TRUE(r) << error;
  EXPECT_EQ(r->planned, 800U);
  EXPECT_EQ(r->due, 800U);
  EXPECT_EQ(r->ok, 800U);
  EXPECT_EQ(r->error_total(), 0U);
  EXPECT_NEAR(r->offered_rate, 400.0, 4.0);
  EXPECT_EQ(null.requests(), 800U);
  EXPECT_EQ(r->latency.count(), 800U);
  EXPECT_GE(r->intervals.size(), 2U);
  EXPECT_EQ(r->status_counts[200], 800U);
  EXPECT_LT(r->latency.value_at_percentile(50), 50'000'000U);  // loaded CI machine: loose
}

TEST(HttpLoad, OpenModelShowsAStallThatTheClosedModelHides) {
  // The same endpoint stalls once for 600 ms. Open model: every request due during the stall
  // waits, so a large share of latencies (from the intended time) carry it. Closed model: only
  // the few requests in flight wait; the percentiles look healthy.
  auto msgs = one_message();
  std::string error;
  null_http_endpoint open_null;
  open_null.stall_once(100, 600ms);
  load_options o;
  o.phases = constant_profile(200, 2s);
  o.connections = 4;
  auto open = run_http_load(target_of(open_null.url()), msgs, o, error);
  ASSERT_TRUE(open) << error;
  EXPECT_EQ(open->ok, 400U);
  EXPECT_GE(open->latency.value_at_percentile(90), 300'000'000U);
  EXPECT_GE(open->latency.max(), 550'000'000U);
  // The service time (from the actual send) is what a closed-loop tool reports: it hides it.
  EXPECT_LT(open->service_time.value_at_percentile(90), open->latency.value_at_percentile(90));

  null_http_endpoint closed_null;
  closed_null.stall_once(100, 600ms);
  load_options c;
  c.model = load_model::closed;
  c.connections = 4;
  c.duration = 2s;
  auto closed = run_http_load(target_of(closed_null.url()), msgs, c, error);
  ASSERT_TRUE(closed) << error;
  EXPECT_GT(closed->ok, 400U);
  EXPECT_LT(closed->latency.value_at_percentile(90), 100'000'000U);
  EXPECT_GE(closed->latency.max(), 550'000'000U);
}

TEST(HttpLoad, ClosedModelKeepsConnectionsAlive) {
  null_http_endpoint null;
  load_options o;
  o.model = load_model::closed;
  o.connections = 2;
  o.duration = 500ms;
  auto msgs = one_message();
  std::string error;
  auto r = run_http_load(target_of(null.url()), msgs, o, error);
  ASSERT_TRUE(r) << error;
  EXPECT_GT(r->ok, 50U);
  EXPECT_EQ(r->error_total(), 0U);
  EXPECT_EQ(r->ok, null.requests());
  EXPECT_GT(r->achieved_rate, 0.0);
}

TEST(HttpLoad, AHangingEndpointGivesTimeoutsNotAHang) {
  raw_server hang("");
  load_options o;
  o.phases = constant_profile(20, 500ms);
  o.connections = 2;
  o.timeout = 300ms;
  auto msgs = one_message();
  std::string error;
  const auto start = std::chrono::steady_clock::now();
  auto r = run_http_load(target_of(hang.url()), msgs, o, error);
  ASSERT_TRUE(r) << error;
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  EXPECT_EQ(r->ok, 0U);
  EXPECT_EQ(r->due, 10U);
  EXPECT_GE(r->errors[static_cast<std::size_t>(load_error_kind::timeout)], 1U);
  // Every due request is accounted for: timed out, or never sent because the run ended.
  EXPECT_EQ(r->errors[static_cast<std::size_t>(load_error_kind::timeout)] +
                r->errors[static_cast<std::size_t>(load_error_kind::not_sent)],
            10U);
  EXPECT_EQ(r->latency.count(), 0U);
}

TEST(HttpLoad, ChunkedAndErrorAnswersAreReadAndCounted) {
  raw_server chunked(
      "HTTP/1.1 202 Accepted\r\nTransfer-Encoding: chunked\r\nLocation: /v1/messages/7\r\n\r\n"
      "5\r\nhello\r\n0\r\n\r\n");
  load_options o;
  o.phases = constant_profile(50, 400ms);
  o.connections = 2;
  o.keep_locations = 3;
  // Each kept Location is handed over at once, with the time its answer arrived (the
  // acknowledged -> queryable probe starts from it).
  std::vector<std::string> handed;
  const auto before = std::chrono::steady_clock::now();
  bool times_ok = true;
  o.on_location = [&](const std::string& loc, std::chrono::steady_clock::time_point at) {
    handed.push_back(loc);
    times_ok = times_ok && at >= before && at <= std::chrono::steady_clock::now();
  };
  auto msgs = one_message();
  std::string error;
  auto r = run_http_load(target_of(chunked.url()), msgs, o, error);
  ASSERT_TRUE(r) << error;
  EXPECT_EQ(r->ok, 20U);
  EXPECT_EQ(r->locations.size(), 3U);
  EXPECT_EQ(r->locations[0], "/v1/messages/7");
  EXPECT_EQ(handed, r->locations);
  EXPECT_TRUE(times_ok);
  o.on_location = nullptr;

  raw_server refused("HTTP/1.1 503 Busy\r\nContent-Length: 4\r\n\r\nbusy");
  auto r5 = run_http_load(target_of(refused.url()), msgs, o, error);
  ASSERT_TRUE(r5) << error;
  EXPECT_EQ(r5->ok, 0U);
  EXPECT_EQ(r5->errors[static_cast<std::size_t>(load_error_kind::http_5xx)], 20U);

  raw_server garbage("SMTP ready\r\n\r\n");
  auto rg = run_http_load(target_of(garbage.url()), msgs, o, error);
  ASSERT_TRUE(rg) << error;
  EXPECT_EQ(rg->ok, 0U);
  EXPECT_EQ(rg->errors[static_cast<std::size_t>(load_error_kind::malformed)], 20U);

  raw_server bad_chunk("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
  auto rb = run_http_load(target_of(bad_chunk.url()), msgs, o, error);
  ASSERT_TRUE(rb) << error;
  EXPECT_EQ(rb->errors[static_cast<std::size_t>(load_error_kind::malformed)], 20U);
}

// An interim answer is read past to the final one: a 100 Continue before a 503 is a 5xx, before
// a 202 with Location an acknowledged request (its Location kept); a 101 nobody asked for and
// more than 16 interim answers are malformed. (The reader took the 100 as the whole answer:
// a success with status 0, the real answer left in the buffer.)
TEST(HttpLoad, InterimAnswersAreReadPastToTheFinalOne) {
  load_options o;
  o.phases = constant_profile(50, 400ms);
  o.connections = 2;
  o.keep_locations = 2;
  auto msgs = one_message();
  std::string error;
  auto count = [](const load_result& r, load_error_kind k) {
    return r.errors[static_cast<std::size_t>(k)];
  };

  raw_server busy(
      "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 503 Busy\r\nContent-Length: 4\r\n\r\nbusy");
  auto r5 = run_http_load(target_of(busy.url()), msgs, o, error);
  ASSERT_TRUE(r5) << error;
  EXPECT_EQ(r5->ok, 0U);
  EXPECT_EQ(count(*r5, load_error_kind::http_5xx), 20U);

  raw_server accepted(
      "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
      "HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\nLocation: /v1/messages/9\r\n\r\n");
  auto ra = run_http_load(target_of(accepted.url()), msgs, o, error);
  ASSERT_TRUE(ra) << error;
  EXPECT_EQ(ra->ok, 20U);
  ASSERT_EQ(ra->locations.size(), 2U);
  EXPECT_EQ(ra->locations[0], "/v1/messages/9");

  raw_server switching("HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n");
  auto rs = run_http_load(target_of(switching.url()), msgs, o, error);
  ASSERT_TRUE(rs) << error;
  EXPECT_EQ(rs->ok, 0U);
  EXPECT_EQ(count(*rs, load_error_kind::malformed), 20U);

  std::string endless;
  for (int i = 0; i < 17; ++i) endless += "HTTP/1.1 100 Continue\r\n\r\n";
  endless += "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
  raw_server chatty(endless);
  auto rc = run_http_load(target_of(chatty.url()), msgs, o, error);
  ASSERT_TRUE(rc) << error;
  EXPECT_EQ(rc->ok, 0U);
  EXPECT_EQ(count(*rc, load_error_kind::malformed), 20U);
}

// What is not an HTTP/1.x answer is malformed, never a success: a status outside 100..599 (an
// `HTTP/1.1 000` was counted as a success with status 0, a 600 as a 5xx), a version or status
// line out of shape, a field line with a control character or a name that is no token, an
// obs-fold continuing nothing or a framing field, Content-Length twice or with
// Transfer-Encoding. Found while writing fuzz_harness_load's checks against its own reading.
TEST(HttpLoad, AnswersThatAreNoHttpAreMalformedNotSuccesses) {
  load_options o;
  o.phases = constant_profile(50, 200ms);
  o.connections = 1;
  auto msgs = one_message();
  std::string error;
  const std::vector<std::string> answers{
      "HTTP/1.1 000 OK\r\nContent-Length: 0\r\n\r\n",
      "HTTP/1.1 099 Low\r\nContent-Length: 0\r\n\r\n",
      "HTTP/1.1 600 High\r\nContent-Length: 0\r\n\r\n",
      "HTTP/1.x 200 OK\r\nContent-Length: 0\r\n\r\n",
      "HTTP/1.1 200OK\r\nContent-Length: 0\r\n\r\n",
      "HTTP/1.1 200 O\x01K\r\nContent-Length: 0\r\n\r\n",
      "HTTP/1.1 200 OK\r\nX-A: a\x01b\r\nContent-Length: 0\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length : 0\r\n\r\n",
      "HTTP/1.1 200 OK\r\n Content-Length: 0\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n 5\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nContent-Length: 0\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
      "0\r\n\r\n",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nno field\r\n\r\n",
  };
  for (const auto& a : answers) {
    raw_server server(a);
    auto r = run_http_load(target_of(server.url()), msgs, o, error);
    ASSERT_TRUE(r) << error;
    EXPECT_EQ(r->ok, 0U) << a;
    EXPECT_EQ(r->errors[static_cast<std::size_t>(load_error_kind::malformed)], r->due) << a;
    EXPECT_TRUE(r->status_counts.empty()) << a;
    EXPECT_EQ(r->latency.count(), 0U) << a;
  }
  // Still answers: an obs-fold continuing an ordinary field (RFC 9112 5.2: read as spaces),
  // a reason phrase with a tab, trailer fields.
  const std::vector<std::string> fine{
      "HTTP/1.1 200 OK\r\nX-A: a\r\n b\r\nContent-Length: 0\r\n\r\n",
      "HTTP/1.1 200 O\tK\r\nContent-Length: 0\r\n\r\n",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-T: 1\r\n\r\n",
  };
  for (const auto& a : fine) {
    raw_server server(a);
    auto r = run_http_load(target_of(server.url()), msgs, o, error);
    ASSERT_TRUE(r) << error;
    EXPECT_EQ(r->ok, r->due) << a;
    EXPECT_EQ(r->status_counts[200], r->due) << a;
  }
}

// Bytes arriving on an idle kept-alive connection (here a second answer, 503, 30 ms after the
// 200 to every request) are not the next request's answer: the next request goes on a fresh
// connection. Before, a request could read the 503 left over from the one before as its answer
// (its own 200 then closed the connection as bytes after the answer): 3 successes and 2 5xx.
TEST(HttpLoad, BytesArrivingOnTheIdleConnectionAreNotTheNextAnswer) {
  raw_server twice("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
                   "HTTP/1.1 503 Busy\r\nContent-Length: 0\r\n\r\n");
  load_options o;
  o.phases = constant_profile(5, 1s);  // one request every 200 ms: the 503 is there before
  o.connections = 1;
  auto msgs = one_message();
  std::string error;
  auto r = run_http_load(target_of(twice.url()), msgs, o, error);
  ASSERT_TRUE(r) << error;
  EXPECT_EQ(r->due, 5U);
  EXPECT_EQ(r->ok, 5U);
  EXPECT_EQ(r->errors[static_cast<std::size_t>(load_error_kind::http_5xx)], 0U);
  EXPECT_EQ(r->status_counts[200], 5U);
}

TEST(HttpLoad, ConfigurationProblemsAreReportedNotThrown) {
  auto msgs = one_message();
  std::string error;
  load_options o;
  o.phases = constant_profile(10, 100ms);
  EXPECT_FALSE(run_http_load(target_of("http://127.0.0.1:1/x"), msgs, o, error));
  EXPECT_NE(error.find("apipnr.harness.603"), std::string::npos) << error;
  EXPECT_FALSE(run_http_load(target_of("ftp://x/"), msgs, o, error));
  EXPECT_NE(error.find("apipnr.harness.602"), std::string::npos) << error;
  EXPECT_FALSE(run_http_load(target_of("http://127.0.0.1:1/x"), {}, o, error));
  EXPECT_NE(error.find("apipnr.harness.600"), std::string::npos) << error;
  load_http_target no_kind;
  EXPECT_FALSE(run_http_load(no_kind, msgs, o, error));
  EXPECT_NE(error.find("apipnr.harness.602"), std::string::npos) << error;
}

TEST(HttpLoad, ReplaysAManifestScheduleCompressed) {
  const fs::path dir =
      fs::temp_directory_path() / ("apipnr_load_set_" + std::to_string(::getpid()));
  fs::create_directories(dir / "msg");
  std::ofstream(dir / "msg/a.edi") << "UNA:+.? 'UNB+UNOA:4+S+R+260101:0000+1'";
  std::ofstream(dir / "msg/b.xml") << "<x/>";
  {
    std::ofstream m(dir / "manifest.jsonl");
    for (int i = 0; i < 20; ++i)
      m << R"({"id":"m)" << i << R"(","kind":")" << (i % 2 ? "pnr_xml" : "paxlst")
        << R"(","file":")" << (i % 2 ? "msg/b.xml" : "msg/a.edi") << R"(","at_ms":)" << i * 100
        << R"(,"flight":"XX1"})"
        << "\n";
  }
  std::ofstream(dir / "generator.json") << R"({"seed":1})";
  nlohmann::json gen;
  std::string error;
  auto set = load_message_set(dir, gen, error);
  ASSERT_TRUE(set) << error;
  ASSERT_EQ(set->size(), 20U);
  EXPECT_EQ(gen["seed"], 1);
  EXPECT_EQ((*set)[1].kind, message_kind::pnrgov_xml);
  EXPECT_EQ((*set)[1].content_type, "application/xml");
  EXPECT_EQ((*set)[3].at, 300ms);

  null_http_endpoint null;
  load_http_target t = target_of(null.url());
  t.urls[message_kind::pnrgov_xml] = null.url() + "xml";
  load_options o;
  o.replay = true;
  o.replay_speed = 4;  // 1.9 s of schedule in under half a second
  o.connections = 2;
  const auto start = std::chrono::steady_clock::now();
  auto r = run_http_load(t, *set, o, error);
  ASSERT_TRUE(r) << error;
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  EXPECT_EQ(r->ok, 20U);
  EXPECT_NEAR(r->planned_s, 0.476, 0.01);

  std::ofstream(dir / "manifest.jsonl", std::ios::app) << R"({"kind":"fax","file":"x"})"
                                                       << "\n";
  EXPECT_FALSE(load_message_set(dir, gen, error));
  EXPECT_NE(error.find("apipnr.harness.611"), std::string::npos);
  std::ofstream(dir / "manifest.jsonl") << R"({"kind":"paxlst","file":"msg/a.edi","sha256":"00"})"
                                        << "\n";
  EXPECT_FALSE(load_message_set(dir, gen, error));
  EXPECT_NE(error.find("apipnr.harness.613"), std::string::npos);
  EXPECT_FALSE(load_payload_file(message_kind::iapi, dir / "missing", error));
  EXPECT_NE(error.find("apipnr.harness.614"), std::string::npos);
  fs::remove_all(dir);
}

TEST(InterchangeRefs, FindsUnbAndUnzControlReferencesWithUnaDelimiters) {
  const std::string plain =
      "UNB+UNOA:4+S+R+260101:0000+REF1'UNH+1+PAXLST:D:05B:UN:IATA'UNZ+1+REF1'";
  auto r = find_interchange_refs(plain);
  ASSERT_TRUE(r);
  EXPECT_EQ(plain.substr(r->unb_begin, r->unb_end - r->unb_begin), "REF1");
  EXPECT_EQ(plain.substr(r->unz_begin, r->unz_end - r->unz_begin), "REF1");
  const std::string una = "UNA:*.? 'UNB*UNOA:4*S?*X*R*260101:0000*77'UNZ*1*77'";
  r = find_interchange_refs(una);
  ASSERT_TRUE(r);
  EXPECT_EQ(una.substr(r->unb_begin, r->unb_end - r->unb_begin), "77");
  EXPECT_FALSE(find_interchange_refs("<xml/>"));
  EXPECT_FALSE(find_interchange_refs("UNB+UNOA:4+S+R'"));
  EXPECT_EQ(unique_ref("AB", 42), "ABX00000000042");
  EXPECT_EQ(unique_ref("ABC", 42).size(), 14U);
}

TEST(HttpLoad, UniqueRefsKeepTheContentLengthRight) {
  // The raw server reads each body by its Content-Length: a wrong length would hang or garble.
  raw_server ok("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
  std::vector<load_message> msgs{load_message{"u",
                                              message_kind::paxlst,
                                              "UNB+UNOA:4+S+R+260101:0000+1'UNZ+1+1'",
                                              "application/edifact",
                                              {}}};
  load_options o;
  o.phases = constant_profile(50, 200ms);
  o.connections = 1;
  o.unique_refs = true;
  o.timeout = 1s;
  std::string error;
  auto r = run_http_load(target_of(ok.url()), msgs, o, error);
  ASSERT_TRUE(r) << error;
  EXPECT_EQ(r->ok, 10U);
  EXPECT_EQ(r->error_total(), 0U);
}

TEST(Calibration, MeasuresClockTimerAndNullCapacity) {
  const auto c = calibrate(2, 1, 0.3);
  EXPECT_GT(c.clock_read_cost.count(), 0);
  EXPECT_GT(c.null_capacity_rps, 100.0);
  EXPECT_GE(c.timer_overshoot_p99, c.timer_overshoot_p50);
}

load_result synthetic_result(double offered, double seconds, std::uint64_t lat_ms) {
  load_result r;
  r.model = load_model::open;
  r.offered_rate = offered;
  r.planned_s = seconds;
  r.due = static_cast<std::uint64_t>(offered * seconds);
  r.sent = r.due;
  r.ok = r.due;
  r.achieved_rate = offered;
  for (std::uint64_t i = 0; i < r.due; ++i) r.latency.record(lat_ms * 1'000'000);
  return r;
}

TEST(PerformanceTargets, ParseCheckAndJudge) {
  const auto j = nlohmann::json::parse(R"({"targets":[
    {"id":"iapi-p99","kind":"iapi","rate_per_second":50,"duration_s":60,
     "latency":[{"percentile":99,"max_ms":1000}],"max_error_ratio":0},
    {"id":"paxlst-sustained","kind":"paxlst","rate_per_second":20,"duration_s":1800,
     "travellers":400,"nothing_lost":true,"min_throughput_per_second":20}]})");
  std::vector<std::string> errors;
  auto t = parse_performance_targets(j, errors);
  ASSERT_TRUE(t) << (errors.empty() ? "" : errors[0]);
  ASSERT_EQ(t->size(), 2U);

  auto fast = synthetic_result(50, 60, 20);
  auto v = evaluate_target((*t)[0], fast, message_kind::iapi, 0, 0);
  EXPECT_EQ(v.verdict, "pass") << v.reason;
  ASSERT_EQ(v.checks.size(), 2U);
  EXPECT_EQ(v.checks[0].name, "p99 <= 1000 ms");

  auto slow = synthetic_result(50, 60, 1500);
  v = evaluate_target((*t)[0], slow, message_kind::iapi, 0, 0);
  EXPECT_EQ(v.verdict, "fail");
  EXPECT_NE(v.reason.find("p99"), std::string::npos);

  // The harness's own send lag could explain the miss: not pinned on the vendor.
  auto lagging = synthetic_result(50, 60, 1500);
  lagging.send_lag.record(200'000'000, lagging.due);
  lagging.harness_limited_intervals = 3;
  v = evaluate_target((*t)[0], lagging, message_kind::iapi, 0, 0);
  EXPECT_EQ(v.verdict, "not_assessed");
  EXPECT_NE(v.reason.find("harness"), std::string::npos);
  // A small lag does not excuse a large miss.
  auto stalled = synthetic_result(50, 60, 1500);
  stalled.send_lag.record(3'000'000, stalled.due);
  stalled.harness_limited_intervals = 3;
  EXPECT_EQ(evaluate_target((*t)[0], stalled, message_kind::iapi, 0, 0).verdict, "fail");

  auto weak = synthetic_result(40, 60, 20);
  EXPECT_EQ(evaluate_target((*t)[0], weak, message_kind::iapi, 0, 0).verdict, "not_assessed");
  EXPECT_EQ(evaluate_target((*t)[0], fast, message_kind::paxlst, 0, 0).verdict, "not_assessed");

  auto lossy = synthetic_result(20, 1800, 100);
  EXPECT_EQ(evaluate_target((*t)[1], lossy, message_kind::paxlst, 10, 10).verdict, "pass");
  EXPECT_EQ(evaluate_target((*t)[1], lossy, message_kind::paxlst, 10, 9).verdict, "fail");
  lossy.ok -= 1;
  lossy.errors[static_cast<std::size_t>(load_error_kind::timeout)] = 1;
  EXPECT_EQ(evaluate_target((*t)[1], lossy, message_kind::paxlst, 0, 0).verdict, "fail");

  // queryable_within_ms: judged on the run's acknowledged -> queryable sample, not assessed
  // without one.
  auto q = parse_performance_targets(
      nlohmann::json::parse(R"({"targets":[{"id":"q","kind":"iapi","rate_per_second":50,
                                 "queryable_within_ms":500}]})"),
      errors);
  ASSERT_TRUE(q) << (errors.empty() ? "" : errors[0]);
  auto probed = synthetic_result(50, 60, 20);
  EXPECT_EQ(evaluate_target((*q)[0], probed, message_kind::iapi, 0, 0).verdict, "not_assessed");
  probed.queryable = load_result::queryable_figures{40, 40, 12.5};
  v = evaluate_target((*q)[0], probed, message_kind::iapi, 0, 0);
  EXPECT_EQ(v.verdict, "pass") << v.reason;
  ASSERT_EQ(v.checks.size(), 1U);
  EXPECT_EQ(v.checks[0].measured, "40 of 40 sampled, max 12.500 ms");
  probed.queryable = load_result::queryable_figures{40, 40, 800};
  EXPECT_EQ(evaluate_target((*q)[0], probed, message_kind::iapi, 0, 0).verdict, "fail");
  probed.queryable = load_result::queryable_figures{40, 39, 12.5};
  EXPECT_EQ(evaluate_target((*q)[0], probed, message_kind::iapi, 0, 0).verdict, "fail");

  errors.clear();
  EXPECT_FALSE(parse_performance_targets(nlohmann::json::parse(R"({"p99_ms":5})"), errors));
  EXPECT_FALSE(errors.empty());
  errors.clear();
  EXPECT_FALSE(parse_performance_targets(
      nlohmann::json::parse(R"({"targets":[{"id":"x","latency":[{"percentile":0,"max_ms":1}]}]})"),
      errors));
  EXPECT_NE(errors.at(0).find("apipnr.harness.620"), std::string::npos);
  errors.clear();
  EXPECT_TRUE(parse_performance_targets(nullptr, errors));
}

TEST(LoadJson, CarriesHistogramsThatRebuild) {
  auto r = synthetic_result(10, 2, 5);
  const auto j = to_json(r);
  EXPECT_EQ(j["latency"]["count"], 20);
  std::vector<std::pair<std::uint64_t, std::uint64_t>> b;
  for (const auto& e : j["latency"]["buckets"]) b.emplace_back(e[0], e[1]);
  const auto h = latency_histogram::from_buckets(b, j["latency"]["min_ns"], j["latency"]["max_ns"]);
  EXPECT_EQ(h.value_at_percentile(99), r.latency.value_at_percentile(99));
  EXPECT_EQ(j["model"], "open");
}

// A blocking, thread-safe transport (the shape of the AMQP transport: send() returns when the
// acknowledgement arrived) that answers after 1 ms, and once holds everything for 400 ms.
class stalling_transport final : public transport {
 public:
  observation send(const exchange& x) override {
    const auto n = ++sent_;
    std::unique_lock lock(mu_);
    if (n == 60) stall_until_ = std::chrono::steady_clock::now() + 400ms;
    const auto until = stall_until_;
    lock.unlock();
    std::this_thread::sleep_until(std::max(until, std::chrono::steady_clock::now() + 1ms));
    observation o;
    o.body = x.correlation_id;
    if (x.body.find("REJECT") != std::string::npos) o.outcome = transport_outcome::transport_error;
    return o;
  }
  std::atomic<unsigned> sent_{0};

 private:
  std::mutex mu_;
  std::chrono::steady_clock::time_point stall_until_{};
};

TEST(TransportLoad, OpenModelOverABlockingTransportShowsTheStall) {
  stalling_transport t;
  load_options o;
  o.phases = constant_profile(100, 2s);
  o.connections = 4;
  std::string error;
  auto r = run_transport_load(t, "amqp://test", one_message(), o, error);
  ASSERT_TRUE(r) << error;
  EXPECT_EQ(r->transport, "amqp");
  EXPECT_EQ(r->due, 200U);
  EXPECT_EQ(r->ok, 200U);
  EXPECT_GE(r->latency.value_at_percentile(90), 150'000'000U);
  EXPECT_GE(r->latency.max(), 350'000'000U);

  stalling_transport t2;
  load_options c;
  c.model = load_model::closed;
  c.connections = 4;
  c.duration = 1500ms;
  auto closed = run_transport_load(t2, "amqp://test", one_message(), c, error);
  ASSERT_TRUE(closed) << error;
  EXPECT_GT(closed->ok, 300U);
  EXPECT_LT(closed->latency.value_at_percentile(90), 100'000'000U);

  std::vector<load_message> bad{load_message{"r", message_kind::paxlst, "REJECT", "x", {}}};
  o.phases = constant_profile(50, 200ms);
  auto failed = run_transport_load(t2, "amqp://test", bad, o, error);
  ASSERT_TRUE(failed) << error;
  EXPECT_EQ(failed->ok, 0U);
  EXPECT_EQ(failed->errors[static_cast<std::size_t>(load_error_kind::transport)], 10U);
  EXPECT_FALSE(run_transport_load(t2, "amqp://test", {}, o, error));
}

// Every [apipnr.harness.6NN] the load sources can print is documented.
TEST(LoadErrorCodes, EveryIdInTheSourcesIsDocumented) {
  auto slurp = [](const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  const fs::path root = APIPNR_SOURCE_DIR;
  const std::string doc = slurp(root / "docs/error-codes-harness-load.md");
  ASSERT_FALSE(doc.empty());
  std::set<std::string> ids;
  std::vector<fs::path> files{root / "harness/src/app/load_command.cpp"};
  for (const auto& e : fs::directory_iterator(root / "harness/src/load"))
    if (e.path().extension() == ".cpp" && e.path().filename() != "load_test.cpp")
      files.push_back(e.path());
  const std::regex id(R"(apipnr\.harness\.6[0-9][0-9])");
  for (const auto& f : files) {
    const std::string text = slurp(f);
    for (std::sregex_iterator it(text.begin(), text.end(), id), end; it != end; ++it)
      ids.insert(it->str());
  }
  EXPECT_GE(ids.size(), 10U);
  for (const auto& i : ids) EXPECT_NE(doc.find("`" + i + "`"), std::string::npos) << i;
}

}  // namespace
}  // namespace apipnr::harness
