// In-process tests of the HTTP server on 127.0.0.1 with an ephemeral port. Each test is bounded
// by short configured timeouts and the client's deadlines.
#include "apipnr/transport/http_server.hpp"

#include <sched.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "test_client.hpp"
#include "tls_test_support.hpp"

namespace apipnr::transport {
namespace {

using namespace std::chrono_literals;
using testing::client;

// The default worker count follows the CPUs the process may use (taskset), not the machine:
// 16 threads time-slicing one core cost a third of the iAPI rate (docs/PERFORMANCE.md).
TEST(ServerOptions, DefaultWorkersFollowTheAffinityMask) {
  cpu_set_t all;
  ASSERT_EQ(sched_getaffinity(0, sizeof all, &all), 0);
  int first = 0;
  while (first < CPU_SETSIZE && !CPU_ISSET(first, &all)) ++first;
  ASSERT_LT(first, CPU_SETSIZE);
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(first, &one);
  ASSERT_EQ(sched_setaffinity(0, sizeof one, &one), 0);
  const std::size_t pinned = default_worker_threads();
  ASSERT_EQ(sched_setaffinity(0, sizeof all, &all), 0);
  EXPECT_EQ(pinned, 2u);
  EXPECT_EQ(default_worker_threads(),
            std::max<std::size_t>(2, 2 * static_cast<std::size_t>(CPU_COUNT(&all))));
  EXPECT_EQ(server_options{}.worker_threads, default_worker_threads());
}

// Echoes what it saw; "/throw" throws; "/slow" sleeps a little.
class echo_handler final : public handler {
 public:
  std::atomic<int> calls{0};
  response handle(const request& req) override {
    ++calls;
    if (req.path == "/throw") throw std::runtime_error("handler bug");
    if (req.path == "/slow") std::this_thread::sleep_for(300ms);
    response r;
    if (req.path == "/big") {
      // Larger than what a connection keeps of its output buffer between responses.
      for (int i = 0; r.body.size() < 300'000; ++i) r.body += std::to_string(i) + ',';
      return r;
    }
    r.body = req.method + " " + req.path + " sender=" + req.sender + " cn=" + req.client_cn +
             " bytes=" + std::to_string(req.body.size());
    return r;
  }
};

struct running {
  std::shared_ptr<echo_handler> h = std::make_shared<echo_handler>();
  std::unique_ptr<server> srv;
  explicit running(server_options o) {
    srv = server::create(std::move(o), h);
    std::string why;
    const auto ec = srv->start(why);
    EXPECT_FALSE(ec) << why << ": " << ec.message();
  }
  std::uint16_t port() const { return srv->port(); }
};

server_options quick() {
  server_options o;
  o.read_timeout = 400ms;
  o.idle_timeout = 1500ms;
  o.write_timeout = 2s;
  o.shutdown_grace = 2s;
  o.max_body_bytes = 1024;
  o.max_header_bytes = 2048;
  return o;
}

TEST(TransportServer, AnswersAPostAndReportsTheBody) {
  running s(quick());
  ASSERT_NE(s.port(), 0);
  client c(s.port());
  ASSERT_FALSE(c.connect());
  auto r = c.request("POST", "/x", "hello");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.body, "POST /x sender= cn= bytes=5");
}

TEST(TransportServer, KeepAliveServesSeveralRequestsOnOneConnection) {
  running s(quick());
  client c(s.port());
  ASSERT_FALSE(c.connect());
  for (int i = 0; i < 5; ++i) {
    auto r = c.request("GET", "/k" + std::to_string(i));
    ASSERT_EQ(r.status, 200u) << i;
    EXPECT_TRUE(r.keep_alive);
    EXPECT_EQ(r.body, "GET /k" + std::to_string(i) + " sender= cn= bytes=0");
  }
  EXPECT_EQ(s.srv->stats().connections_total, 1u);
}

TEST(TransportServer, PipelinedRequestsAreAnsweredInOrder) {
  running s(quick());
  client c(s.port());
  ASSERT_FALSE(c.connect());
  ASSERT_FALSE(
      c.send_raw("GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\n\r\n"
                 "POST /c HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc"));
  EXPECT_EQ(c.read().body, "GET /a sender= cn= bytes=0");
  EXPECT_EQ(c.read().body, "GET /b sender= cn= bytes=0");
  EXPECT_EQ(c.read().body, "POST /c sender= cn= bytes=3");
}

// RFC 9110 9.3.2: the answer to HEAD has no content. Its body went out anyway, so a client
// keeping the connection read "GET /h ..." as the status line of its next response
// (fuzz_receiver_http, fuzz/crashers/receiver_http_head_with_body.http).
TEST(TransportServer, HeadAnswerHasTheHeaderOnlyAndTheNextRequestIsReadCleanly) {
  running s(quick());
  client c(s.port());
  ASSERT_FALSE(c.connect());
  ASSERT_FALSE(c.send_raw("HEAD /h HTTP/1.1\r\nHost: h\r\n\r\nGET /g HTTP/1.1\r\nHost: h\r\n\r\n"));
  const auto head = c.read(std::chrono::seconds(5), true);
  ASSERT_EQ(head.status, 200u);
  EXPECT_TRUE(head.body.empty());
  // The length of the GET answer it stands for ("HEAD /h sender= cn= bytes=0").
  EXPECT_EQ(head.header("content-length"), "27");
  const auto next = c.read();
  EXPECT_EQ(next.status, 200u) << next.ec.message();
  EXPECT_EQ(next.body, "GET /g sender= cn= bytes=0");
}

TEST(TransportServer, OversizedBodyGets413ProblemAndNextConnectionWorks) {
  running s(quick());
  {
    client c(s.port());
    ASSERT_FALSE(c.connect());
    auto r = c.request("POST", "/big", std::string(5000, 'A'));
    EXPECT_EQ(r.status, 413u);
    EXPECT_EQ(r.header("content-type"), "application/problem+json");
    EXPECT_EQ(nlohmann::json::parse(r.body)["status"], 413);
    EXPECT_FALSE(r.keep_alive);
  }
  client c2(s.port());
  ASSERT_FALSE(c2.connect());
  EXPECT_EQ(c2.request("POST", "/ok", "x").status, 200u);
  EXPECT_EQ(s.srv->stats().rejected_413, 1u);
}

TEST(TransportServer, ChunkedBodyOverLimitGets413) {
  running s(quick());
  client c(s.port());
  ASSERT_FALSE(c.connect());
  std::string raw = "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 3; ++i) raw += "200\r\n" + std::string(512, 'B') + "\r\n";
  raw += "0\r\n\r\n";
  ASSERT_FALSE(c.send_raw(raw));
  EXPECT_EQ(c.read().status, 413u);
}

TEST(TransportServer, HugeHeaderGets431) {
  running s(quick());
  client c(s.port());
  ASSERT_FALSE(c.connect());
  auto r = c.request("GET", "/h", {}, {{"X-Pad", std::string(4000, 'p')}});
  EXPECT_EQ(r.status, 431u);
}

TEST(TransportServer, MalformedRequestLineGets400ThenServerStillWorks) {
  running s(quick());
  {
    client c(s.port());
    ASSERT_FALSE(c.connect());
    ASSERT_FALSE(c.send_raw("THIS IS NOT HTTP\r\n\r\n"));
    auto r = c.read();
    EXPECT_EQ(r.status, 400u);
    EXPECT_EQ(nlohmann::json::parse(r.body)["type"], "urn:apipnr:problem:malformed-request");
  }
  {
    client c(s.port());
    ASSERT_FALSE(c.connect());
    std::string garbage;
    for (int i = 0; i < 600; ++i) garbage.push_back(static_cast<char>((i * 37 + 11) % 256));
    ASSERT_FALSE(c.send_raw(garbage));
    auto r = c.read(2s);
    // Either a 400 or a close, never a hang or a crash.
    EXPECT_TRUE(r.status == 400u || r.status == 0u);
  }
  client c(s.port());
  ASSERT_FALSE(c.connect());
  EXPECT_EQ(c.request("GET", "/after").status, 200u);
}

TEST(TransportServer, StalledRequestGets408AndIsClosed) {
  running s(quick());
  client c(s.port());
  ASSERT_FALSE(c.connect());
  ASSERT_FALSE(c.send_raw("POST /slow HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\nhalf"));
  const auto t0 = std::chrono::steady_clock::now();
  auto r = c.read(3s);
  EXPECT_EQ(r.status, 408u);
  EXPECT_FALSE(r.keep_alive);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
  EXPECT_TRUE(c.closed_within(2s));
  EXPECT_EQ(s.h->calls.load(), 0);
}

// The response goes out as one buffer the connection keeps (small) or drops (large): a large
// answer between small ones on one connection arrives whole and the next ones still do.
TEST(TransportServer, LargeResponseBetweenSmallOnesArrivesWhole) {
  running s(quick());
  client c(s.port());
  ASSERT_FALSE(c.connect());
  std::string big;
  for (int i = 0; big.size() < 300'000; ++i) big += std::to_string(i) + ',';
  for (int round = 0; round < 2; ++round) {
    auto small = c.request("GET", "/s");
    EXPECT_EQ(small.status, 200u);
    EXPECT_EQ(small.body, "GET /s sender= cn= bytes=0");
    auto r = c.request("GET", "/big");
    ASSERT_EQ(r.status, 200u) << round;
    EXPECT_EQ(r.headers["content-length"], std::to_string(big.size()));
    EXPECT_EQ(r.body, big);
    EXPECT_TRUE(r.keep_alive);
  }
  EXPECT_EQ(c.request("POST", "/after", "abc").body, "POST /after sender= cn= bytes=3");
  EXPECT_EQ(s.srv->stats().connections_total, 1u);
}

// A request is parsed from the bytes already read when it is whole there; one that arrives in
// pieces (the request line cut, the body later) is completed by the asynchronous read.
TEST(TransportServer, RequestArrivingInPiecesIsReadWhole) {
  running s(quick());
  client c(s.port());
  ASSERT_FALSE(c.connect());
  ASSERT_FALSE(c.send_raw("POST /pie"));
  std::this_thread::sleep_for(50ms);
  ASSERT_FALSE(c.send_raw("ces HTTP/1.1\r\nHost: h\r\nContent-Le"));
  std::this_thread::sleep_for(50ms);
  ASSERT_FALSE(c.send_raw("ngth: 10\r\n\r\n12345"));
  std::this_thread::sleep_for(50ms);
  ASSERT_FALSE(c.send_raw("67890GET /next HTTP/1.1\r\nHost: h\r\n\r\n"));
  auto r = c.read();
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.body, "POST /pieces sender= cn= bytes=10");
  EXPECT_EQ(c.read().body, "GET /next sender= cn= bytes=0");
}

// Deadlines move with each phase while the timer may still wait for an earlier phase's: after
// many keep-alive requests a stalled request still gets its 408 within the read timeout, and
// an idle timeout shorter than the write timeout still closes on time.
TEST(TransportServer, DeadlinesHoldAfterManyKeepAliveRequests) {
  {
    running s(quick());
    client c(s.port());
    ASSERT_FALSE(c.connect());
    for (int i = 0; i < 50; ++i) ASSERT_EQ(c.request("POST", "/k", "x").status, 200u) << i;
    ASSERT_FALSE(c.send_raw("POST /slow HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\nhalf"));
    const auto t0 = std::chrono::steady_clock::now();
    auto r = c.read(3s);
    EXPECT_EQ(r.status, 408u);
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 1200ms);  // read_timeout 400 ms
    EXPECT_TRUE(c.closed_within(2s));
  }
  {
    auto o = quick();
    o.idle_timeout = 300ms;
    o.write_timeout = 10s;
    o.read_timeout = 10s;
    running s(o);
    client c(s.port());
    ASSERT_FALSE(c.connect());
    for (int i = 0; i < 20; ++i) ASSERT_EQ(c.request("GET", "/k").status, 200u) << i;
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_TRUE(c.closed_within(5s));
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
    EXPECT_EQ(s.srv->stats().idle_closed, 1u);
  }
}

TEST(TransportServer, IdleKeepAliveConnectionIsClosedSilently) {
  auto o = quick();
  o.idle_timeout = 300ms;
  running s(o);
  client c(s.port());
  ASSERT_FALSE(c.connect());
  EXPECT_EQ(c.request("GET", "/one").status, 200u);
  EXPECT_TRUE(c.closed_within(3s));
}

TEST(TransportServer, HandlerExceptionGives500AndConnectionStaysUsable) {
  running s(quick());
  client c(s.port());
  ASSERT_FALSE(c.connect());
  EXPECT_EQ(c.request("GET", "/throw").status, 500u);
  EXPECT_EQ(c.request("GET", "/fine").status, 200u);
  EXPECT_EQ(s.srv->stats().handler_errors, 1u);
}

// Records on which thread handle_async and the completion's function ran. Paths under "/io"
// are declared short (runs_on_io_thread); "/io/later" completes from another thread, as the
// store's writer does; "/io/throw" throws before completing.
class thread_handler final : public handler {
 public:
  std::mutex mu;
  std::thread::id handled, built;
  std::vector<std::thread> completers;
  ~thread_handler() override {
    for (auto& t : completers) t.join();
  }
  response handle(const request&) override { return {}; }
  bool runs_on_io_thread(const request& req) const noexcept override {
    return req.path.starts_with("/io");
  }
  void handle_async(std::shared_ptr<const request> req, responder respond) override {
    {
      std::lock_guard lock(mu);
      handled = std::this_thread::get_id();
    }
    if (req->path == "/io/throw") throw std::runtime_error("handler bug");
    auto make = [this, path = req->path] {
      std::lock_guard lock(mu);
      built = std::this_thread::get_id();
      response r;
      r.body = path;
      return r;
    };
    if (req->path == "/io/later") {
      std::lock_guard lock(mu);
      completers.emplace_back([respond, make] {
        std::this_thread::sleep_for(20ms);
        respond(make);
      });
      return;
    }
    respond(make);
  }
  std::pair<std::thread::id, std::thread::id> last() {
    std::lock_guard lock(mu);
    return {handled, built};
  }
};

// A request the handler declares short runs on the connection's I/O thread, and so does the
// function that builds its response, even when another thread completes it; the others run on
// the workers. A throw there is answered with 500 like on a worker.
TEST(TransportServer, ShortRequestsRunOnTheIoThreadAndCompleteThere) {
  auto o = quick();
  o.io_threads = 1;
  o.worker_threads = 2;
  auto h = std::make_shared<thread_handler>();
  auto srv = server::create(o, h);
  std::string why;
  ASSERT_FALSE(srv->start(why)) << why;
  client c(srv->port());
  ASSERT_FALSE(c.connect());

  auto r = c.request("POST", "/io/now", "x");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.body, "/io/now");
  const auto [io_handled, io_built] = h->last();
  EXPECT_EQ(io_handled, io_built);

  r = c.request("POST", "/io/later", "x");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.body, "/io/later");
  EXPECT_EQ(h->last().first, io_handled) << "one I/O thread";
  EXPECT_EQ(h->last().second, io_handled) << "built on the I/O thread, not the completer";

  r = c.request("POST", "/worker", "x");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.body, "/worker");
  EXPECT_NE(h->last().first, io_handled);
  EXPECT_NE(h->last().second, io_handled);

  EXPECT_EQ(c.request("POST", "/io/throw", "x").status, 500u);
  EXPECT_EQ(c.request("POST", "/io/now", "x").status, 200u);
  EXPECT_EQ(srv->stats().handler_errors, 1u);
  EXPECT_EQ(srv->stats().requests_in_flight, 0u);
  srv->stop();
}

TEST(TransportServer, BearerTokenRequiredExceptOnPublicPaths) {
  auto o = quick();
  o.auth.tokens = {{"XXAIR", "secret-xx"}, {"YYAIR", "secret-yy"}};
  running s(o);
  client c(s.port());
  ASSERT_FALSE(c.connect());
  auto r = c.request("POST", "/v1/api/paxlst", "x");
  EXPECT_EQ(r.status, 401u);
  EXPECT_EQ(r.header("www-authenticate"), "Bearer realm=\"apipnr\"");
  r = c.request("POST", "/v1/api/paxlst", "x", {{"Authorization", "Bearer secret-zz"}});
  EXPECT_EQ(r.status, 401u);
  EXPECT_NE(r.header("www-authenticate").find("invalid_token"), std::string::npos);
  r = c.request("POST", "/v1/api/paxlst", "x", {{"Authorization", "Bearer secret-yy"}});
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.body, "POST /v1/api/paxlst sender=YYAIR cn= bytes=1");
  EXPECT_EQ(c.request("GET", "/healthz").status, 200u);
  EXPECT_EQ(s.h->calls.load(), 2);
}

TEST(TransportServer, OverMaxConnectionsGets503) {
  auto o = quick();
  o.max_connections = 1;
  running s(o);
  client a(s.port());
  ASSERT_FALSE(a.connect());
  ASSERT_EQ(a.request("GET", "/a").status, 200u);
  client b(s.port());
  ASSERT_FALSE(b.connect());
  auto r = b.read(2s);
  EXPECT_EQ(r.status, 503u);
  EXPECT_EQ(r.header("retry-after"), "1");
}

TEST(TransportServer, StopFinishesTheRequestInFlight) {
  running s(quick());
  client c(s.port());
  ASSERT_FALSE(c.connect());
  ASSERT_FALSE(c.send_raw("GET /slow HTTP/1.1\r\nHost: h\r\n\r\n"));
  std::this_thread::sleep_for(100ms);
  std::thread stopper([&] { s.srv->stop(); });
  auto r = c.read(3s);
  stopper.join();
  EXPECT_EQ(r.status, 200u);
  EXPECT_FALSE(r.keep_alive);
  client late(s.port());
  EXPECT_TRUE(late.connect(1s));  // refused: the listener is closed
}

TEST(TransportServer, StartFailsOnMissingCertificateFile) {
  auto o = quick();
  o.tls.enabled = true;
  o.tls.certificate_chain = "/nonexistent/cert.pem";
  o.tls.private_key = "/nonexistent/key.pem";
  auto srv = server::create(o, std::make_shared<echo_handler>());
  std::string why;
  EXPECT_TRUE(srv->start(why));
  EXPECT_NE(why.find("certificate"), std::string::npos);
}

TEST(TransportServer, TlsWithSelfSignedCertificate) {
  testing::temp_dir dir;
  ASSERT_TRUE(testing::make_self_signed(dir.path, "server", "localhost"));
  auto o = quick();
  o.tls.enabled = true;
  o.tls.certificate_chain = dir.path / "server.crt";
  o.tls.private_key = dir.path / "server.key";
  running s(o);
  client c(s.port(), testing::tls_client_options{});
  ASSERT_FALSE(c.connect());
  auto r = c.request("POST", "/tls", "abc");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.body, "POST /tls sender= cn= bytes=3");
  // A plain-text client on the TLS port gets no HTTP answer.
  client plain(s.port());
  ASSERT_FALSE(plain.connect());
  EXPECT_EQ(plain.request("GET", "/x", {}, {}, 2s).status, 0u);
}

TEST(TransportServer, MutualTlsRejectsClientWithoutCertificateAndNamesSenderByCn) {
  testing::temp_dir dir;
  ASSERT_TRUE(testing::make_self_signed(dir.path, "server", "localhost"));
  ASSERT_TRUE(testing::make_self_signed(dir.path, "client", "XXAIR"));
  auto o = quick();
  o.tls.enabled = true;
  o.tls.certificate_chain = dir.path / "server.crt";
  o.tls.private_key = dir.path / "server.key";
  o.tls.client_ca = dir.path / "client.crt";
  o.tls.require_client_certificate = true;
  running s(o);
  {
    client anonymous(s.port(), testing::tls_client_options{});
    const auto ec = anonymous.connect(2s);
    // TLS 1.3 reports the refusal on the first read rather than in the handshake.
    if (!ec) {
      EXPECT_EQ(anonymous.request("GET", "/x", {}, {}, 2s).status, 0u);
    }
  }
  client c(s.port(), testing::tls_client_options{(dir.path / "client.crt").string(),
                                                 (dir.path / "client.key").string()});
  ASSERT_FALSE(c.connect());
  auto r = c.request("GET", "/who");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.body, "GET /who sender=XXAIR cn=XXAIR bytes=0");
  EXPECT_EQ(s.h->calls.load(), 1);
}

}  // namespace
}  // namespace apipnr::transport
