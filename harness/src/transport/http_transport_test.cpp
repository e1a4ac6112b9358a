// HTTP transport against in-process fake servers that misbehave on purpose (raw Asio sockets,
// so the misbehaviour is exact: hang, reset, garbage, huge bodies, close after headers).
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "apipnr/harness/target.hpp"
#include "apipnr/harness/transport_http.hpp"
#include "beast_internal.hpp"

namespace apipnr::harness {
namespace {

namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

// Reads one request (headers and a Content-Length body); returns "" on EOF or error.
template <class Stream>
std::string read_request(Stream& s, std::string& pending) {
  boost::system::error_code ec;
  const std::size_t header_end = net::read_until(s, net::dynamic_buffer(pending), "\r\n\r\n", ec);
  if (ec) return {};
  std::string head = pending.substr(0, header_end);
  pending.erase(0, header_end);
  std::size_t length = 0;
  std::string lower = head;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (const auto p = lower.find("content-length:"); p != std::string::npos) {
    length = std::stoul(lower.substr(p + 15));
  }
  if (pending.size() < length) {
    std::string more(length - pending.size(), '\0');
    net::read(s, net::buffer(more), ec);
    if (ec) return {};
    pending += more;
  }
  head += pending.substr(0, length);
  pending.erase(0, length);
  return head;
}

// A fake server on 127.0.0.1: every accepted connection runs `behaviour` on its own thread.
class fake_server {
 public:
  using behaviour = std::function<void(tcp::socket&, fake_server&)>;

  explicit fake_server(behaviour b) : behaviour_(std::move(b)) {
    acceptor_.open(tcp::v4());
    acceptor_.set_option(net::socket_base::reuse_address(true));
    acceptor_.bind({net::ip::make_address("127.0.0.1"), 0});
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this] { loop(); });
  }
  ~fake_server() {
    stopping_ = true;
    boost::system::error_code ec;
    tcp::socket poke(io_);
    poke.connect({net::ip::make_address("127.0.0.1"), port_}, ec);  // wakes accept()
    thread_.join();
    for (auto& t : connections_) t.join();
  }

  std::string url(const std::string& path = "/v1/paxlst") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  bool stopping() const { return stopping_; }
  int accepted() const { return accepted_; }
  // Sleeps in small steps until the server stops: a "hang" that still lets the test end.
  void hang() const {
    while (!stopping_) std::this_thread::sleep_for(10ms);
  }
  std::string last_request;  // written by behaviours (one connection at a time in tests)

 private:
  void loop() {
    while (true) {
      tcp::socket s(io_);
      boost::system::error_code ec;
      acceptor_.accept(s, ec);
      if (stopping_ || ec) return;
      ++accepted_;
      connections_.emplace_back([this, sock = std::move(s)]() mutable { behaviour_(sock, *this); });
    }
  }

  behaviour behaviour_;
  net::io_context io_;
  tcp::acceptor acceptor_{io_};
  unsigned short port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> accepted_{0};
  std::thread thread_;
  std::vector<std::thread> connections_;
};

void write_all(tcp::socket& s, const std::string& data) {
  boost::system::error_code ec;
  net::write(s, net::buffer(data), ec);
}

// Answers every request on the connection with `response` (keep-alive).
fake_server::behaviour answer(std::string response) {
  return [response](tcp::socket& s, fake_server& srv) {
    std::string pending;
    while (true) {
      auto req = read_request(s, pending);
      if (req.empty()) return;
      srv.last_request = req;
      write_all(s, response);
    }
  };
}

const std::string kAccepted =
    "HTTP/1.1 202 Accepted\r\nContent-Type: text/plain\r\nLocation: /v1/messages/9\r\n"
    "Content-Length: 29\r\n\r\naccepted id=9 verdict=accept\n";

http_options options_for(const fake_server& srv) {
  http_options o;
  o.urls[message_kind::paxlst] = srv.url();
  o.connect_timeout = 1000ms;
  o.write_timeout = 1000ms;
  o.response_timeout = 400ms;
  return o;
}

exchange paxlst(std::string body = "UNB+UNOA:4+A+B+250301:0930+1'UNZ+0+1'") {
  exchange x;
  x.case_id = "t/1";
  x.kind = message_kind::paxlst;
  x.body = std::move(body);
  x.content_type = "application/edifact";
  x.correlation_id = "corr-1";
  return x;
}

TEST(HttpUrl, ParsesAndRejects) {
  auto u = parse_http_url("https://example.org/v1/x?y=1");
  ASSERT_TRUE(u);
  EXPECT_TRUE(u->tls);
  EXPECT_EQ(u->port, "443");
  EXPECT_EQ(u->target, "/v1/x?y=1");
  u = parse_http_url("http://[::1]:8080");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(u->port, "8080");
  EXPECT_EQ(u->target, "/");
  EXPECT_FALSE(parse_http_url("ftp://x/"));
  EXPECT_FALSE(parse_http_url("http://user@x/"));
  EXPECT_FALSE(parse_http_url("http://x:99999/"));
  EXPECT_FALSE(parse_http_url("http://:80/"));
  EXPECT_FALSE(parse_http_url("http://x/#frag"));
}

TEST(HttpOptionsFor, CarriesTheTargetsAuthTlsAndTimeoutsButNoUrls) {
  target t;
  t.endpoints[message_kind::paxlst] = "https://127.0.0.1:1/v1/api/paxlst";
  t.auth.kind = auth_kind::basic;
  t.auth.username = "carrier";
  t.auth.password = "secret";
  t.tls.ca_file = "/ca.pem";
  t.tls.client_cert = "/cert.pem";
  t.tls.client_key = "/key.pem";
  t.tls.insecure_skip_verify = true;
  t.tls.server_name = "receiver.example";
  t.timeouts.connect = 1234ms;
  t.timeouts.response = 4321ms;
  t.timeouts.response_per_kind[message_kind::iapi] = 777ms;
  http_options h = http_options_for(t);
  EXPECT_TRUE(h.urls.empty());
  EXPECT_EQ(h.basic_user, "carrier");
  EXPECT_EQ(h.basic_password, "secret");
  EXPECT_TRUE(h.bearer_token.empty());
  EXPECT_EQ(h.ca_file, "/ca.pem");
  EXPECT_EQ(h.client_cert_file, "/cert.pem");
  EXPECT_EQ(h.client_key_file, "/key.pem");
  EXPECT_FALSE(h.verify_peer);
  EXPECT_EQ(h.server_name, "receiver.example");
  EXPECT_EQ(h.connect_timeout, 1234ms);
  EXPECT_EQ(h.response_timeout, 4321ms);
  EXPECT_EQ(h.response_timeout_per_kind.at(message_kind::iapi), 777ms);

  t.auth.kind = auth_kind::bearer;
  t.auth.token = "tok";
  t.tls.insecure_skip_verify = false;
  h = http_options_for(t);
  EXPECT_EQ(h.bearer_token, "tok");
  EXPECT_TRUE(h.basic_user.empty());
  EXPECT_TRUE(h.verify_peer);
}

TEST(HttpTransport, NormalAnswerCarriesStatusHeadersAndBody) {
  fake_server srv(answer(kAccepted));
  auto opts = options_for(srv);
  opts.bearer_token = "s3cret";
  http_transport t(opts);
  const auto o = t.send(paxlst());
  ASSERT_EQ(o.outcome, transport_outcome::completed) << o.error;
  EXPECT_EQ(o.http_status, 202);
  EXPECT_EQ(o.content_type, "text/plain");
  EXPECT_EQ(o.headers.at("location"), "/v1/messages/9");
  EXPECT_EQ(o.body, "accepted id=9 verdict=accept\n");
  EXPECT_GT(o.latency.count(), 0);
  EXPECT_NE(srv.last_request.find("POST /v1/paxlst HTTP/1.1"), std::string::npos);
  EXPECT_NE(srv.last_request.find("Content-Type: application/edifact"), std::string::npos);
  EXPECT_NE(srv.last_request.find("X-Correlation-Id: corr-1"), std::string::npos);
  EXPECT_NE(srv.last_request.find("Authorization: Bearer s3cret"), std::string::npos);
  EXPECT_NE(srv.last_request.find("UNZ+0+1'"), std::string::npos);
}

TEST(HttpTransport, BasicAuthAndQueryGet) {
  fake_server srv(
      answer("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
             "Content-Length: 8\r\n\r\n{\"id\":1}"));
  auto opts = options_for(srv);
  opts.basic_user = "Aladdin";
  opts.basic_password = "open sesame";
  http_transport t(opts);
  const auto o = t.get(srv.url("/v1/messages/1/canonical"));
  ASSERT_EQ(o.outcome, transport_outcome::completed) << o.error;
  EXPECT_EQ(o.body, "{\"id\":1}");
  EXPECT_NE(srv.last_request.find("GET /v1/messages/1/canonical"), std::string::npos);
  EXPECT_NE(srv.last_request.find("Accept: application/json"), std::string::npos);
  EXPECT_NE(srv.last_request.find("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="), std::string::npos);
}

TEST(HttpTransport, KeepAliveReusesOneConnection) {
  fake_server srv(answer(kAccepted));
  http_transport t(options_for(srv));
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(t.send(paxlst()).outcome, transport_outcome::completed);
  }
  EXPECT_EQ(t.connections_opened(), 1U);
  EXPECT_EQ(srv.accepted(), 1);
}

TEST(HttpTransport, ReconnectsWhenTheServerClosedTheIdleConnection) {
  // Answers one request per connection, then closes without "Connection: close".
  fake_server srv([](tcp::socket& s, fake_server&) {
    std::string pending;
    if (read_request(s, pending).empty()) return;
    write_all(s, kAccepted);
    boost::system::error_code ec;
    s.shutdown(tcp::socket::shutdown_both, ec);
    s.close(ec);
  });
  http_transport t(options_for(srv));
  ASSERT_EQ(t.send(paxlst()).outcome, transport_outcome::completed);
  std::this_thread::sleep_for(50ms);
  const auto o = t.send(paxlst());
  EXPECT_EQ(o.outcome, transport_outcome::completed) << o.error;
  EXPECT_EQ(t.connections_opened(), 2U);
}

TEST(HttpTransport, HangingEndpointTimesOut) {
  fake_server srv([](tcp::socket& s, fake_server& f) {
    std::string pending;
    read_request(s, pending);
    f.hang();
  });
  http_transport t(options_for(srv));
  const auto start = std::chrono::steady_clock::now();
  const auto o = t.send(paxlst());
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(o.outcome, transport_outcome::timeout) << o.error;
  EXPECT_GE(took, 350ms);
  EXPECT_LT(took, 3s);
}

TEST(HttpTransport, PerKindTimeoutOverridesTheDefault) {
  fake_server srv([](tcp::socket& s, fake_server& f) {
    std::string pending;
    read_request(s, pending);
    f.hang();
  });
  auto opts = options_for(srv);
  opts.response_timeout = 5s;
  opts.response_timeout_per_kind[message_kind::paxlst] = 300ms;
  http_transport t(opts);
  const auto start = std::chrono::steady_clock::now();
  const auto o = t.send(paxlst());
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(o.outcome, transport_outcome::timeout) << o.error;
  EXPECT_NE(o.error.find("300 ms"), std::string::npos) << o.error;
  EXPECT_LT(took, 3s);
}

TEST(HttpTransport, ResetMidResponseIsTransportError) {
  fake_server srv([](tcp::socket& s, fake_server&) {
    std::string pending;
    read_request(s, pending);
    write_all(s, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nUNH+1+CON");
    std::this_thread::sleep_for(20ms);
    boost::system::error_code ec;
    s.set_option(net::socket_base::linger(true, 0), ec);  // close -> RST
    s.close(ec);
  });
  http_transport t(options_for(srv));
  const auto o = t.send(paxlst());
  EXPECT_EQ(o.outcome, transport_outcome::transport_error) << o.error;
  EXPECT_EQ(o.http_status, 200);  // the header had arrived
}

TEST(HttpTransport, GarbageInsteadOfHttpIsTransportError) {
  fake_server srv([](tcp::socket& s, fake_server&) {
    std::string pending;
    read_request(s, pending);
    write_all(s, std::string("\x16\x03\x01 this is not HTTP\r\n\r\n", 24));
    std::this_thread::sleep_for(50ms);
  });
  http_transport t(options_for(srv));
  const auto o = t.send(paxlst());
  EXPECT_EQ(o.outcome, transport_outcome::transport_error) << o.error;
  EXPECT_EQ(o.http_status, 0);
}

TEST(HttpTransport, ServerErrorIsACompletedObservation) {
  fake_server srv(answer("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 4\r\n\r\noops"));
  http_transport t(options_for(srv));
  const auto o = t.send(paxlst());
  ASSERT_EQ(o.outcome, transport_outcome::completed) << o.error;
  EXPECT_EQ(o.http_status, 500);
  EXPECT_EQ(o.body, "oops");
}

TEST(HttpTransport, HugeDeclaredBodyIsCappedNotBuffered) {
  fake_server srv([](tcp::socket& s, fake_server& f) {
    std::string pending;
    read_request(s, pending);
    write_all(s, "HTTP/1.1 200 OK\r\nContent-Length: 1073741824\r\n\r\n");
    const std::string chunk(1 << 16, 'x');
    boost::system::error_code ec;
    while (!f.stopping() && !ec) net::write(s, net::buffer(chunk), ec);
  });
  auto opts = options_for(srv);
  opts.max_response_bytes = 1 << 20;
  http_transport t(opts);
  const auto o = t.send(paxlst());
  EXPECT_EQ(o.outcome, transport_outcome::transport_error);
  EXPECT_EQ(o.error.rfind("HTR-HTTP-BODY-CAP", 0), 0U) << o.error;
  EXPECT_EQ(o.http_status, 200);
  EXPECT_TRUE(o.body.empty());
}

TEST(HttpTransport, HugeChunkedBodyIsCappedWhileStreaming) {
  fake_server srv([](tcp::socket& s, fake_server& f) {
    std::string pending;
    read_request(s, pending);
    write_all(s, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
    const std::string chunk = "10000\r\n" + std::string(0x10000, 'y') + "\r\n";
    boost::system::error_code ec;
    while (!f.stopping() && !ec) net::write(s, net::buffer(chunk), ec);
  });
  auto opts = options_for(srv);
  opts.max_response_bytes = 1 << 20;
  opts.response_timeout = 5s;
  http_transport t(opts);
  const auto o = t.send(paxlst());
  EXPECT_EQ(o.outcome, transport_outcome::transport_error);
  EXPECT_NE(o.error.find("cap"), std::string::npos) << o.error;
}

TEST(HttpTransport, CloseAfterHeadersIsTransportError) {
  fake_server srv([](tcp::socket& s, fake_server&) {
    std::string pending;
    read_request(s, pending);
    write_all(s,
              "HTTP/1.1 200 OK\r\nContent-Type: application/edifact\r\nContent-Length: 50\r\n\r\n");
    boost::system::error_code ec;
    s.shutdown(tcp::socket::shutdown_both, ec);
    s.close(ec);
  });
  http_transport t(options_for(srv));
  const auto o = t.send(paxlst());
  EXPECT_EQ(o.outcome, transport_outcome::transport_error) << o.error;
  EXPECT_NE(o.error.find("inside the response"), std::string::npos) << o.error;
}

// RFC 9110 15.2: a client reads past interim (1xx) answers, asked for or not, to the final one
// (was: the 100 was the observation, judged "unexpected status", and the final answer was left
// on the kept-alive connection for the next request; fuzz/crashers/harness_http_*).
TEST(HttpTransport, InterimAnswersAreReadPastToTheFinalOne) {
  fake_server srv(
      answer("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\n"
             "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\n"
             "Content-Length: 2\r\n\r\nno"));
  http_transport t(options_for(srv));
  for (int i = 0; i < 2; ++i) {
    const auto o = t.send(paxlst());
    ASSERT_EQ(o.outcome, transport_outcome::completed) << o.error;
    EXPECT_EQ(o.http_status, 400);
    EXPECT_EQ(o.body, "no");
    EXPECT_EQ(o.headers.count("link"), 0U);  // the interim answer's fields are not the answer's
  }
  EXPECT_EQ(t.connections_opened(), 1U);
}

TEST(HttpTransport, EndlessInterimAnswersAreMalformed) {
  std::string many;
  for (int i = 0; i < 17; ++i) many += "HTTP/1.1 100 Continue\r\n\r\n";
  fake_server srv(answer(many + kAccepted));
  http_transport t(options_for(srv));
  const auto o = t.send(paxlst());
  EXPECT_EQ(o.outcome, transport_outcome::transport_error);
  EXPECT_EQ(o.error.rfind("HTR-HTTP-MALFORMED: more than 16 interim", 0), 0U) << o.error;
}

TEST(HttpTransport, UnaskedProtocolSwitchIsMalformed) {
  fake_server srv(answer("HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n" + kAccepted));
  http_transport t(options_for(srv));
  const auto o = t.send(paxlst());
  EXPECT_EQ(o.outcome, transport_outcome::transport_error);
  EXPECT_EQ(o.error.rfind("HTR-HTTP-MALFORMED: 101", 0), 0U) << o.error;
}

// Beast reads any three digits as a status; 000 was a completed observation with http_status
// 0, which classify() takes for an AMQP reply, so a receipt under it was judged accepted.
TEST(HttpTransport, StatusOutsideOneHundredToFiveNinetyNineIsMalformed) {
  for (const char* status : {"000", "099", "600", "999"}) {
    fake_server srv(answer(std::string("HTTP/1.1 ") + status +
                           " OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\n"
                           "accepted id=3"));
    http_transport t(options_for(srv));
    const auto o = t.send(paxlst());
    EXPECT_EQ(o.outcome, transport_outcome::transport_error) << status;
    EXPECT_EQ(o.error.rfind("HTR-HTTP-MALFORMED: status code", 0), 0U) << o.error;
    EXPECT_NE(o.error.find("; received 78 bytes: \"HTTP/1.1 "), std::string::npos) << o.error;
  }
}

// A second answer to one request (or any bytes after the answer) must not become the answer
// to the next request on the kept-alive connection.
TEST(HttpTransport, BytesAfterTheAnswerAreNotTheNextRequestsAnswer) {
  std::atomic<int> requests{0};  // over all connections
  fake_server srv([&requests](tcp::socket& s, fake_server&) {
    std::string pending;
    while (!read_request(s, pending).empty()) {
      if (requests++ == 0) {
        write_all(s,
                  "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst"
                  "HTTP/1.1 400 Bad Request\r\nContent-Length: 6\r\n\r\nsecond");
      } else {
        write_all(s, "HTTP/1.1 202 Accepted\r\nContent-Length: 5\r\n\r\nthird");
      }
    }
  });
  http_transport t(options_for(srv));
  const auto a = t.send(paxlst());
  ASSERT_EQ(a.outcome, transport_outcome::completed) << a.error;
  EXPECT_EQ(a.body, "first");
  const auto b = t.send(paxlst());
  ASSERT_EQ(b.outcome, transport_outcome::completed) << b.error;
  EXPECT_EQ(b.http_status, 202);
  EXPECT_EQ(b.body, "third");
  EXPECT_EQ(t.connections_opened(), 2U);
}

TEST(HttpTransport, BytesArrivingOnTheIdleConnectionAreNotTheNextAnswer) {
  std::atomic<int> requests{0};  // over all connections
  std::atomic<bool> unasked_sent{false};
  fake_server srv([&requests, &unasked_sent](tcp::socket& s, fake_server&) {
    std::string pending;
    while (!read_request(s, pending).empty()) {
      write_all(s, kAccepted);
      if (requests++ != 0) continue;
      // Unasked bytes after the answer, once the client has taken it.
      std::this_thread::sleep_for(20ms);
      write_all(s, "HTTP/1.1 400 Bad Request\r\nContent-Length: 2\r\n\r\nno");
      unasked_sent = true;
    }
  });
  http_transport t(options_for(srv));
  ASSERT_EQ(t.send(paxlst()).outcome, transport_outcome::completed);
  for (int i = 0; i < 500 && !unasked_sent; ++i) std::this_thread::sleep_for(10ms);
  std::this_thread::sleep_for(20ms);  // loopback: written is arrived, but not at once
  const auto o = t.send(paxlst());
  ASSERT_EQ(o.outcome, transport_outcome::completed) << o.error;
  EXPECT_EQ(o.http_status, 202);
  EXPECT_EQ(t.connections_opened(), 2U);
}

// An answer without Content-Length or chunking ends at the close: its connection is not reused
// (the message's keep_alive() said HTTP/1.1 keeps it; the next request went to the half-closed
// socket and waited for the timeout; found by fuzz_harness_http).
TEST(HttpTransport, AnswerEndingAtTheCloseIsNotReused) {
  std::atomic<int> requests{0};  // over all connections
  fake_server srv([&requests](tcp::socket& s, fake_server&) {
    std::string pending;
    while (!read_request(s, pending).empty()) {
      if (requests++ != 0) {
        write_all(s, kAccepted);
        continue;
      }
      write_all(s, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nfirst");
      boost::system::error_code ec;
      s.shutdown(tcp::socket::shutdown_send, ec);  // half-close, then read until the client goes
    }
  });
  http_transport t(options_for(srv));
  const auto a = t.send(paxlst());
  ASSERT_EQ(a.outcome, transport_outcome::completed) << a.error;
  EXPECT_EQ(a.body, "first");
  const auto b = t.send(paxlst());
  ASSERT_EQ(b.outcome, transport_outcome::completed) << b.error;
  EXPECT_EQ(b.http_status, 202);
  EXPECT_EQ(t.connections_opened(), 2U);
}

// What arrived is evidence: the beginning of a refused or cut-off answer, escaped, in the error.
TEST(HttpTransport, RefusedAnswerKeepsWhatArrivedAsEscapedEvidence) {
  fake_server srv([](tcp::socket& s, fake_server&) {
    std::string pending;
    read_request(s, pending);
    write_all(s, std::string("\x16\x03\x01 \"not\" HTTP\\\r\n\r\n", 19));
    std::this_thread::sleep_for(50ms);
  });
  http_transport t(options_for(srv));
  const auto o = t.send(paxlst());
  EXPECT_EQ(o.outcome, transport_outcome::transport_error) << o.error;
  EXPECT_NE(
      o.error.find("; received 19 bytes: \"\\x16\\x03\\x01 \\\"not\\\" HTTP\\\\\\r\\n\\r\\n\""),
      std::string::npos)
      << o.error;

  fake_server cut([](tcp::socket& s, fake_server&) {
    std::string pending;
    read_request(s, pending);
    write_all(s, "HTTP/1.1 200 OK\r\nContent-Length: 400\r\n\r\n" + std::string(300, 'x'));
    boost::system::error_code ec;
    s.shutdown(tcp::socket::shutdown_both, ec);
  });
  http_transport c(options_for(cut));
  const auto p = c.send(paxlst());
  EXPECT_EQ(p.outcome, transport_outcome::transport_error) << p.error;
  EXPECT_NE(p.error.find("; received 340 bytes: \"HTTP/1.1 200 OK\\r\\nContent-Length: 400"),
            std::string::npos)
      << p.error;
  EXPECT_EQ(p.error.substr(p.error.size() - 5), "x\"...") << p.error;
}

TEST(HttpTransport, RefusedPortIsEndpointDown) {
  unsigned short port = 0;
  {
    net::io_context io;
    tcp::acceptor a(io, {net::ip::make_address("127.0.0.1"), 0});
    port = a.local_endpoint().port();
  }  // closed: nothing listens there now
  http_options opts;
  opts.urls[message_kind::paxlst] = "http://127.0.0.1:" + std::to_string(port) + "/x";
  http_transport t(opts);
  const auto o = t.send(paxlst());
  EXPECT_EQ(o.outcome, transport_outcome::endpoint_down) << o.error;
  EXPECT_EQ(o.error.rfind("HTR-HTTP-CONNECT", 0), 0U) << o.error;
}

TEST(HttpTransport, MissingUrlOrBadCaFileIsTransportError) {
  http_options opts;
  http_transport t(opts);
  EXPECT_EQ(t.send(paxlst()).outcome, transport_outcome::transport_error);
  opts.urls[message_kind::paxlst] = "https://127.0.0.1:1/x";
  opts.ca_file = "/nonexistent/ca.pem";
  http_transport bad(opts);
  EXPECT_FALSE(bad.configuration_error().empty());
  EXPECT_EQ(bad.send(paxlst()).outcome, transport_outcome::transport_error);
}

// ---- TLS -------------------------------------------------------------------------------------

struct temp_dir {
  std::filesystem::path path;
  temp_dir() {
    std::random_device rd;
    path = std::filesystem::temp_directory_path() /
           ("apipnr-htrans-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path);
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

// <dir>/<name>.crt and .key: self-signed P-256 for localhost and 127.0.0.1 (openssl CLI).
bool make_cert(const std::filesystem::path& dir, const std::string& name) {
  const std::string cmd =
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2"
      " -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout '" +
      (dir / (name + ".key")).string() + "' -out '" + (dir / (name + ".crt")).string() +
      "' >/dev/null 2>&1";
  return std::system(cmd.c_str()) == 0;
}

// A TLS fake server answering `kAccepted`; with `client_ca` set it requires a client
// certificate signed by (here: equal to) that file.
fake_server::behaviour tls_answer(const std::filesystem::path& dir, std::string client_ca) {
  return [dir, client_ca](tcp::socket& s, fake_server&) {
    ssl::context ctx(ssl::context::tls_server);
    ctx.use_certificate_chain_file((dir / "server.crt").string());
    ctx.use_private_key_file((dir / "server.key").string(), ssl::context::pem);
    if (!client_ca.empty()) {
      ctx.load_verify_file(client_ca);
      ctx.set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
    }
    ssl::stream<tcp::socket&> tls(s, ctx);
    boost::system::error_code ec;
    tls.handshake(ssl::stream_base::server, ec);
    if (ec) return;
    std::string pending;
    while (true) {
      if (read_request(tls, pending).empty()) return;
      net::write(tls, net::buffer(kAccepted), ec);
      if (ec) return;
    }
  };
}

class HttpTls : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(make_cert(dir_.path, "server")) << "openssl CLI failed";
    ASSERT_TRUE(make_cert(dir_.path, "client")) << "openssl CLI failed";
  }
  std::string file(const char* name) const { return (dir_.path / name).string(); }
  temp_dir dir_;
};

TEST_F(HttpTls, VerifiedServerCertificate) {
  fake_server srv(tls_answer(dir_.path, ""));
  auto opts = options_for(srv);
  opts.urls[message_kind::paxlst] = "https://localhost:" + srv.url().substr(17);
  opts.ca_file = file("server.crt");
  http_transport t(opts);
  ASSERT_TRUE(t.configuration_error().empty()) << t.configuration_error();
  auto o = t.send(paxlst());
  ASSERT_EQ(o.outcome, transport_outcome::completed) << o.error;
  EXPECT_EQ(o.http_status, 202);
  o = t.send(paxlst());
  EXPECT_EQ(o.outcome, transport_outcome::completed) << o.error;
  EXPECT_EQ(t.connections_opened(), 1U);
}

TEST_F(HttpTls, UntrustedServerCertificateIsTransportError) {
  fake_server srv(tls_answer(dir_.path, ""));
  auto opts = options_for(srv);
  opts.urls[message_kind::paxlst] = "https://127.0.0.1:" + srv.url().substr(17);
  opts.ca_file = file("client.crt");  // a CA that did not sign the server's certificate
  http_transport t(opts);
  const auto o = t.send(paxlst());
  EXPECT_EQ(o.outcome, transport_outcome::transport_error) << o.error;
  EXPECT_NE(o.error.find("TLS"), std::string::npos) << o.error;
}

// The target's tls.server_name, not the URL's address, is the name checked against the
// certificate: the certificate names localhost and 127.0.0.1, so reaching 127.0.0.1 passes with
// no server name or with "localhost", and fails when the target expects another name.
TEST_F(HttpTls, ServerNameIsTheNameVerified) {
  fake_server srv(tls_answer(dir_.path, ""));
  auto opts = options_for(srv);
  opts.urls[message_kind::paxlst] = "https://127.0.0.1:" + srv.url().substr(17);
  opts.ca_file = file("server.crt");
  {
    opts.server_name = "localhost";
    http_transport t(opts);
    const auto o = t.send(paxlst());
    EXPECT_EQ(o.outcome, transport_outcome::completed) << o.error;
  }
  opts.server_name = "receiver.other.example";
  http_transport t(opts);
  const auto o = t.send(paxlst());
  EXPECT_EQ(o.outcome, transport_outcome::transport_error) << o.error;
  EXPECT_NE(o.error.find("TLS"), std::string::npos) << o.error;
}

TEST_F(HttpTls, MutualTlsNeedsTheClientCertificate) {
  fake_server srv(tls_answer(dir_.path, file("client.crt")));
  auto opts = options_for(srv);
  opts.urls[message_kind::paxlst] = "https://127.0.0.1:" + srv.url().substr(17);
  opts.ca_file = file("server.crt");
  {
    http_transport without(opts);
    const auto o = without.send(paxlst());
    EXPECT_NE(o.outcome, transport_outcome::completed);
    EXPECT_NE(o.outcome, transport_outcome::endpoint_down);
  }
  opts.client_cert_file = file("client.crt");
  opts.client_key_file = file("client.key");
  http_transport with(opts);
  const auto o = with.send(paxlst());
  EXPECT_EQ(o.outcome, transport_outcome::completed) << o.error;
  EXPECT_EQ(o.http_status, 202);
}

// Every HTR-* ID the transports emit is listed in docs/error-codes-harness-transport.md.
TEST(HarnessTransportErrorIds, AllDocumented) {
  auto slurp = [](const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  };
  const std::string dir = std::string(APIPNR_SOURCE_DIR) + "/harness/src/transport/";
  const std::string doc =
      slurp(std::string(APIPNR_SOURCE_DIR) + "/docs/error-codes-harness-transport.md");
  ASSERT_FALSE(doc.empty());
  std::set<std::string> ids;
  const std::regex id_re("HTR-[A-Z]+-[A-Z-]*[A-Z]");
  for (const char* f : {"http_transport.cpp", "amqp_transport.cpp"}) {
    const std::string src = slurp(dir + f);
    ASSERT_FALSE(src.empty()) << f;
    for (std::sregex_iterator it(src.begin(), src.end(), id_re), end; it != end; ++it) {
      ids.insert(it->str());
    }
  }
  EXPECT_GE(ids.size(), 15U);
  for (const auto& id : ids) {
    EXPECT_NE(doc.find("`" + id + "`"), std::string::npos) << id << " is not documented";
  }
}

}  // namespace
}  // namespace apipnr::harness
