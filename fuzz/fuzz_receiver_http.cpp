// libFuzzer target: the reference receiver's HTTP intake read as raw bytes
// (reference/include/apipnr/transport/http_server.hpp, the server's session code, and
// reference/include/apipnr/receiver/service.hpp behind it; docs/RECEIVER.md "Requests",
// "Endpoints", "Status codes and problem types"). The input is what a client writes on one
// connection: any number of HTTP/1.1 requests (pipelined, keep-alive, chunked, Expect:
// 100-continue, HEAD, garbage). The real server (transport::server, plain HTTP on 127.0.0.1)
// serves it in-process with the real service: the reference pipeline over the shipped specs
// (baseline profile), the iAPI engine with empty lists and the SQLite store in a private temp
// folder (synchronous NORMAL: no fsync per commit; a new store, service and server every 2,000
// inputs so that the files stay small). Bearer authentication is on (one sender, token
// `fuzz-token`); the limits are small so that inputs reach them: header 2 KiB, body 8 KiB,
// 8 requests per connection.
//
// Per input: connect, write every byte, half-close, read until the server closes (at most 10 s,
// else a trap: a hang), then split what came back into responses.
//
// The requests the bytes hold are found independently of the server with Beast's request
// parser under the same limits (one parser per request, as the server does), and each is
// matched with the next response. Traps on:
// - an exception escaping; the server not closing within 10 s;
// - a response that is not well-formed HTTP/1.1 (status line, fields, Content-Length framing;
//   a HEAD answer carries no body), more responses than requests, or bytes after the last;
// - a complete request without an answer (while the connection is kept alive and under the
//   per-connection limit), an answer after one that closed the connection;
// - a request over the header limit not answered 431, over the body limit not 413, malformed
//   or cut off (EOF inside a request) not 400 `malformed-request`, each then the last answer;
// - a status outside 200 202 400 401 404 405 413 415 422 431 (500 is a handler fault, 503 a
//   store or readiness failure, neither due here);
// - a 4xx that is not application/problem+json with `status` equal to the HTTP status and a
//   `type` urn:apipnr:problem:*, except the EDIFACT acknowledgements of the intake paths
//   (400/422 with application/edifact);
// - 401 without WWW-Authenticate, or its presence/absence disagreeing with the token
//   (RFC 6750 "Bearer" in any case, the token trimmed of spaces); 405 without Allow;
// - the route's answer: an intake path answered otherwise than 200 202 400 415 422 to a POST or
//   405 to anything else; /healthz /readyz /metrics not 200 to GET or HEAD, 405 otherwise;
//   a query path (/v1/messages/, /v1/flights/, /v1/pnrs/) not 200 or 404 to GET or HEAD,
//   405 otherwise; any other path not 404;
// - an intake answered 2xx without Location, or a Location outside /v1/messages/.
//
// Not answered by this server, documented: 411 (a request without Content-Length or chunked
// coding has an empty body, RFC 9112 6.3, answered 400 empty-body on the intake paths) and the
// interim 100 (Continue): the whole request is read either way.
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <arpa/inet.h>

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "apipnr/receiver/components.hpp"
#include "apipnr/receiver/log.hpp"
#include "apipnr/receiver/service.hpp"
#include "apipnr/store/store.hpp"
#include "apipnr/transport/http_server.hpp"
#include "fuzz_check.hpp"
#include "fuzz_receiver_components.hpp"

namespace {

namespace ar = apipnr::receiver;
namespace tr = apipnr::transport;
namespace http = boost::beast::http;
using json = nlohmann::json;

constexpr std::size_t header_limit = 2 * 1024;
constexpr std::uint64_t body_limit = 8 * 1024;
constexpr std::size_t requests_per_connection = 8;
constexpr std::size_t inputs_per_server = 2000;
constexpr auto answer_deadline = std::chrono::seconds(10);
constexpr std::string_view token = "fuzz-token";

// A stream that drops what is written: the service's log lines are formatted (their code runs)
// but not kept (fuzz_receiver_intake checks them).
struct null_buffer : std::streambuf {
  int overflow(int c) override { return c; }
  std::streamsize xsputn(const char*, std::streamsize n) override { return n; }
};

struct fixture {
  std::shared_ptr<const ar::checker> checker;
  std::shared_ptr<const ar::iapi_decider> iapi;
  null_buffer null_buf;
  std::ostream null_out{&null_buf};
  std::shared_ptr<ar::logger> log = std::make_shared<ar::logger>(null_out, ar::log_level::info);
  std::unique_ptr<tr::server> server;
  std::shared_ptr<ar::service> svc;
  std::uint16_t port = 0;
  std::size_t served = 0;
  unsigned generation = 0;

  fixture() {
    checker = apipnr::fuzzing::make_checker_or_trap();
    iapi = apipnr::fuzzing::make_iapi_or_trap();
    renew();
  }

  void renew() {
    if (server) server->stop();
    server.reset();
    svc.reset();  // closes the store
    const auto dir = apipnr::fuzzing::private_temp_dir("apipnr-fuzz-http");
    std::error_code ec;
    std::filesystem::remove(dir / ("store-" + std::to_string(generation) + ".db"), ec);
    ++generation;
    apipnr::store::options so;
    so.path = dir / ("store-" + std::to_string(generation) + ".db");
    so.sync_full = false;
    so.write_buffer_bytes = 0;
    std::string why;
    auto st = ar::make_sqlite_store(so, why);
    if (!st) {
      std::fprintf(stderr, "store: %s\n", why.c_str());
      __builtin_trap();
    }
    ar::service_options opts = apipnr::fuzzing::service_options();
    // Small intake on the I/O thread, larger on a worker: both hand-offs are exercised.
    opts.io_thread_max_bytes = 512;
    svc = std::make_shared<ar::service>(std::move(opts), checker, *st, iapi, log);
    tr::server_options o;
    o.address = "127.0.0.1";
    o.port = 0;
    o.io_threads = 1;
    o.worker_threads = 2;
    o.max_header_bytes = header_limit;
    o.max_body_bytes = body_limit;
    o.max_connections = 64;
    o.max_requests_per_connection = requests_per_connection;
    o.read_timeout = std::chrono::milliseconds(5000);
    o.idle_timeout = std::chrono::milliseconds(5000);
    o.write_timeout = std::chrono::milliseconds(5000);
    o.shutdown_grace = std::chrono::milliseconds(2000);
    o.auth.tokens.push_back({"XX-CARRIER", std::string(token)});
    server = tr::server::create(std::move(o), svc);
    std::string start_why;
    if (auto err = server->start(start_why)) {
      std::fprintf(stderr, "server: %s: %s\n", start_why.c_str(), err.message().c_str());
      __builtin_trap();
    }
    port = server->port();
    served = 0;
  }
};

fixture& the_fixture() {
  static fixture f;
  return f;
}

// Writes `input` on a new connection, half-closes, and returns everything the server wrote
// until it closed. nullopt when it did not close within the deadline.
std::optional<std::string> exchange(std::uint16_t port, std::string_view input) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  APIPNR_FUZZ_CHECK(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    // A signal (libFuzzer's once-a-second SIGALRM for -timeout) interrupts a blocking connect,
    // which then completes on its own: wait for it (two session-16 campaigns trapped here on
    // EINTR, the second once errno was printed).
    int error = errno;
    if (error == EINTR) {
      pollfd p{fd, POLLOUT, 0};
      int n = 0;
      while ((n = ::poll(&p, 1, 10000)) < 0 && errno == EINTR) {
      }
      socklen_t len = sizeof error;
      if (n == 1 && ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) != 0) error = errno;
      if (n != 1) error = ETIMEDOUT;
    }
    if (error != 0) {
      std::fprintf(stderr, "connect to the server on port %u failed: %s\n",
                   static_cast<unsigned>(port), std::strerror(error));
      APIPNR_FUZZ_CHECK(false);
    }
  }
  APIPNR_FUZZ_CHECK(::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK) == 0);
  std::string out;
  std::size_t written = 0;
  bool write_done = false;
  auto finish_writing = [&] {
    ::shutdown(fd, SHUT_WR);
    write_done = true;
  };
  if (input.empty()) finish_writing();
  const auto deadline = std::chrono::steady_clock::now() + answer_deadline;
  char buf[16384];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      ::close(fd);
      return std::nullopt;
    }
    pollfd p{fd, static_cast<short>(POLLIN | (write_done ? 0 : POLLOUT)), 0};
    const int n = ::poll(&p, 1, static_cast<int>(left.count()));
    if (n < 0 && errno == EINTR) continue;
    APIPNR_FUZZ_CHECK(n >= 0);
    if (n == 0) continue;
    if (!write_done && (p.revents & (POLLOUT | POLLERR | POLLHUP)) != 0) {
      const ssize_t w =
          ::send(fd, input.data() + written, input.size() - written, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (w > 0) {
        written += static_cast<std::size_t>(w);
        if (written == input.size()) finish_writing();
      } else if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        // The server closed while bytes were still to be sent (after a 413 or 400 answer).
        write_done = true;
      }
    }
    if ((p.revents & (POLLIN | POLLERR | POLLHUP)) != 0) {
      const ssize_t r = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
      if (r > 0) {
        out.append(buf, static_cast<std::size_t>(r));
        continue;
      }
      if (r == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) break;
    }
  }
  ::close(fd);
  return out;
}

// One request as the input holds it, read as the server's parser reads it.
struct expected {
  enum class kind : std::uint8_t { request, header_too_large, body_too_large, malformed } what;
  std::string method;
  std::string target;
  std::string authorization;
  bool keep_alive = true;
};

std::vector<expected> requests_in(std::string_view input) {
  std::vector<expected> out;
  while (!input.empty()) {
    http::request_parser<http::string_body> p;
    p.header_limit(static_cast<std::uint32_t>(header_limit));
    p.body_limit(body_limit);
    p.eager(true);
    boost::system::error_code ec;
    while (!input.empty() && !p.is_done()) {
      const std::size_t used = p.put(boost::asio::buffer(input.data(), input.size()), ec);
      input.remove_prefix(used);
      if (ec || used == 0) break;
    }
    if (!ec && !p.is_done()) {
      // Bytes end inside a request: the server reads end of stream there (partial message).
      ec = http::error::partial_message;
    }
    if (ec == http::error::need_more) ec = http::error::partial_message;
    expected e{};
    // The method is known once the header is read (a HEAD answer has no content, even for
    // a body over the limit).
    if (p.is_header_done()) e.method = std::string(p.get().method_string());
    if (ec == http::error::header_limit) {
      e.what = expected::kind::header_too_large;
    } else if (ec == http::error::body_limit) {
      e.what = expected::kind::body_too_large;
    } else if (ec) {
      e.what = expected::kind::malformed;
    } else {
      e.what = expected::kind::request;
      const auto& m = p.get();
      e.target = std::string(m.target());
      e.authorization = std::string(m[http::field::authorization]);
      e.keep_alive = m.keep_alive();
    }
    out.push_back(std::move(e));
    if (ec) break;  // the server answers the first bad request and closes
  }
  return out;
}

bool token_valid(std::string_view authorization) {
  constexpr std::string_view scheme = "bearer ";
  if (authorization.size() <= scheme.size()) return false;
  for (std::size_t i = 0; i < scheme.size(); ++i) {
    char c = authorization[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != scheme[i]) return false;
  }
  std::string_view t = authorization.substr(scheme.size());
  while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
  while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
  return t == token;
}

[[noreturn]] void fail(const char* what, const expected* e, unsigned status,
                       std::string_view response) {
  std::fprintf(stderr, "%s: request %s %s, status %u\n%.*s\n", what,
               e != nullptr ? e->method.c_str() : "-", e != nullptr ? e->target.c_str() : "-",
               status, static_cast<int>(response.size() > 800 ? 800 : response.size()),
               response.data());
  __builtin_trap();
}

bool one_of(unsigned s, std::initializer_list<unsigned> allowed) {
  for (unsigned a : allowed) {
    if (a == s) return true;
  }
  return false;
}

// The answer's problem body, checked against the HTTP status.
void check_problem(const http::response<http::string_body>& r, const expected* e,
                   std::string_view raw) {
  const unsigned s = r.result_int();
  const json p = json::parse(r.body(), nullptr, false);
  if (!p.is_object() || !p.contains("status") || !p["status"].is_number_unsigned() ||
      p["status"].get<unsigned>() != s || !p.contains("type") || !p["type"].is_string() ||
      p["type"].get<std::string>().rfind("urn:apipnr:problem:", 0) != 0) {
    fail("problem body disagrees with the status", e, s, raw);
  }
}

void check_route(const expected& e, const http::response<http::string_body>& r,
                 std::string_view raw) {
  const unsigned s = r.result_int();
  const std::string path = e.target.substr(0, e.target.find('?'));
  const bool is_public = path == "/healthz" || path == "/readyz" || path == "/metrics";
  const bool authorised = is_public || token_valid(e.authorization);
  if ((s == 401) != !authorised) fail("401 disagrees with the token", &e, s, raw);
  if (s == 401) {
    if (r.find(http::field::www_authenticate) == r.end())
      fail("401 without WWW-Authenticate", &e, s, raw);
    return;
  }
  if (s == 405 && r.find(http::field::allow) == r.end()) fail("405 without Allow", &e, s, raw);
  const bool get = e.method == "GET" || e.method == "HEAD";
  if (path == "/v1/api/paxlst" || path == "/v1/api/iapi" || path == "/v1/pnr/edifact" ||
      path == "/v1/pnr/xml") {
    if (e.method != "POST") {
      if (s != 405) fail("intake path not 405 to another method", &e, s, raw);
      return;
    }
    if (!one_of(s, {200, 202, 400, 415, 422})) fail("intake status", &e, s, raw);
    if (s / 100 == 2) {
      const auto loc = r.find(http::field::location);
      if (loc == r.end() || loc->value().substr(0, 13) != "/v1/messages/")
        fail("intake 2xx without Location /v1/messages/", &e, s, raw);
    }
  } else if (is_public) {
    if (s != (get ? 200u : 405u)) fail("probe status", &e, s, raw);
  } else if (path.starts_with("/v1/messages/") || path.starts_with("/v1/flights/") ||
             path.starts_with("/v1/pnrs/")) {
    if (get ? !one_of(s, {200, 404}) : s != 405) fail("query status", &e, s, raw);
  } else if (s != 404) {
    fail("unknown path not 404", &e, s, raw);
  }
}

void run(std::string_view input) {
  fixture& f = the_fixture();
  if (++f.served > inputs_per_server) f.renew();

  const std::optional<std::string> answer = exchange(f.port, input);
  if (!answer) fail("the server did not close the connection within 10 s", nullptr, 0, "");
  const std::vector<expected> asked = requests_in(input);

  std::string_view rest = *answer;
  for (const expected& e : asked) {
    // Every request gets an answer until one closes the connection (the per-connection limit
    // closes with the last one it allows: Connection: close).
    if (rest.empty()) fail("a request without an answer", &e, 0, *answer);
    http::response_parser<http::string_body> p;
    p.body_limit(std::uint64_t{64} << 20);
    p.eager(true);
    if (e.method == "HEAD") p.skip(true);
    boost::system::error_code ec;
    while (!rest.empty() && !p.is_done()) {
      const std::size_t used = p.put(boost::asio::buffer(rest.data(), rest.size()), ec);
      rest.remove_prefix(used);
      if (ec || used == 0) break;
    }
    if (ec || !p.is_done()) fail("a response that is not well-formed HTTP/1.1", &e, 0, *answer);
    const auto& r = p.get();
    const unsigned s = r.result_int();
    if (!one_of(s, {200, 202, 400, 401, 404, 405, 413, 415, 422, 431}))
      fail("status outside the documented set", &e, s, *answer);
    const std::string_view type = r[http::field::content_type];
    const bool problem = type.rfind("application/problem+json", 0) == 0;
    if (s >= 400) {
      const bool ack = type.rfind("application/edifact", 0) == 0 &&
                       e.what == expected::kind::request && e.method == "POST" &&
                       (s == 400 || s == 422);
      if (!problem && !ack) fail("4xx without a problem", &e, s, *answer);
      if (problem && e.method != "HEAD") check_problem(r, &e, *answer);
    }
    switch (e.what) {
      case expected::kind::header_too_large:
        if (s != 431) fail("header over the limit not 431", &e, s, *answer);
        break;
      case expected::kind::body_too_large:
        if (s != 413) fail("body over the limit not 413", &e, s, *answer);
        break;
      case expected::kind::malformed:
        if (s != 400 || !problem ||
            (e.method != "HEAD" && r.body().find("malformed-request") == std::string::npos))
          fail("malformed or cut-off request not 400 malformed-request", &e, s, *answer);
        break;
      case expected::kind::request:
        check_route(e, r, *answer);
        break;
    }
    const bool closes = !r.keep_alive();
    if (e.what != expected::kind::request && !closes)
      fail("a transport error answered without closing", &e, s, *answer);
    if (e.what == expected::kind::request && !e.keep_alive && !closes)
      fail("Connection: close asked, the answer keeps the connection", &e, s, *answer);
    if (closes) break;
  }
  if (!rest.empty()) fail("bytes after the last answer", nullptr, 0, *answer);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return apipnr::fuzzing::run_without_exceptions(data, size, "the receiver's HTTP intake", run);
}
