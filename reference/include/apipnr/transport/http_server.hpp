// The reference receiver's HTTP/1.1 intake server (Boost.Beast), plain or TLS, with optional
// mutual TLS and per-sender bearer tokens (TRN-HTTP-001, DP-ENC-001).
//
// The server owns the transport concerns only: connection limits, header/body size limits,
// read/idle/write timeouts, authentication and bounded pipelining. Everything a request *means*
// is decided by a `handler` (the receiver's service), which runs on a separate worker pool so
// that a slow store commit never stalls the I/O threads (RCV-BAD-003).
//
//   auto srv = apipnr::transport::server::create(opts, my_handler);
//   std::string why;
//   if (auto ec = srv->start(why)) { ...bind or TLS file problem, `why` says which... }
//   ... srv->port() ...
//   srv->stop();  // graceful: stop accepting, finish in-flight requests, close connections
//
// Answers the server gives on its own, always as application/problem+json (problem.hpp), since
// no EDIFACT acknowledgement can be built for them:
//   400 malformed request line / header / chunk encoding     (RCV-BAD-001)
//   401 missing or unknown bearer token, WWW-Authenticate: Bearer realm="apipnr"
//   403 bearer token of another sender than the client certificate's subject CN
//   408 a request not complete within `read_timeout` (plain HTTP; over TLS the connection is
//       closed, because a TLS record cannot be written after an aborted read)
//   413 body over `max_body_bytes` (TRN-SIZE-001, RCV-LIM-001), then the connection is closed
//   431 header over `max_header_bytes`
//   500 the handler threw (the process never crashes on input)
//   503 over `max_connections` (plain HTTP; Retry-After: 1) (RCV-LIM-003)
// An idle keep-alive connection is closed silently after `idle_timeout`.
//
// Pipelining: requests on one connection are read and answered strictly one after another
// (at most one in the handler per connection); pipelined bytes wait in the connection's buffer
// and the kernel's, so their number is bounded by TCP flow control and
// `max_requests_per_connection`.
//
// Thread safety: `handler::handle_async` is called concurrently from `worker_threads` threads
// (and from the I/O threads for requests the handler says `runs_on_io_thread`) and must be
// thread-safe. server::stop() and stats() may be called from any thread; start() once.
// Lifetime: the handler is shared with the server and must outlive stop(). Errors are returned
// as error codes; nothing here throws except std::bad_alloc.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <boost/system/error_code.hpp>

namespace apipnr::transport {

struct tls_options {
  bool enabled = false;
  std::filesystem::path certificate_chain;  // PEM, server certificate first
  std::filesystem::path private_key;        // PEM
  // PEM bundle of CAs that sign client certificates. With `require_client_certificate`, a client
  // without a certificate signed by one of them fails the handshake (mutual TLS); the sender
  // identity is then the certificate's subject CN.
  std::filesystem::path client_ca;
  bool require_client_certificate = false;
};

// One sender and its bearer token. The token is compared in constant time (auth.hpp).
struct bearer_token {
  std::string sender;
  std::string token;
};

struct auth_options {
  // Empty: no bearer authentication (identity from the client certificate, if any).
  std::vector<bearer_token> tokens;
  // Paths served without authentication (probes and the metrics scrape).
  std::vector<std::string> public_paths{"/healthz", "/readyz", "/metrics"};
};

// Twice the CPUs this process may run on (its affinity mask, e.g. under taskset; at least 2):
// one thread per core for the checks, and as many again so that a handler blocked on a commit
// (PNR intake, an audited query) leaves the cores busy.
std::size_t default_worker_threads() noexcept;
// The CPUs in this process's affinity mask (hardware_concurrency() if unknown; at least 1).
std::size_t usable_cpus() noexcept;

struct server_options {
  std::string address = "127.0.0.1";
  std::uint16_t port = 0;  // 0 = ephemeral; port() tells which
  std::size_t io_threads = 1;
  // Handler threads. A handler that blocks (the default handle_async) holds one until it
  // answers, which bounds how many requests are in flight; the receiver's service completes its
  // API intake asynchronously after the group commit, so for it these threads only run the
  // checks. Default: default_worker_threads(). More threads than cores only add context
  // switches (16 on one core cost a third of the iAPI rate, docs/PERFORMANCE.md).
  std::size_t worker_threads = default_worker_threads();
  std::size_t max_header_bytes = 16 * 1024;
  std::uint64_t max_body_bytes = std::uint64_t{16} << 20;
  std::size_t max_connections = 256;
  std::size_t max_requests_per_connection = 1000;
  std::chrono::milliseconds read_timeout{15'000};   // first byte to last byte of one request
  std::chrono::milliseconds idle_timeout{30'000};   // keep-alive wait for the next request
  std::chrono::milliseconds write_timeout{15'000};  // one response
  std::chrono::milliseconds handshake_timeout{10'000};
  std::chrono::milliseconds shutdown_grace{10'000};  // stop() waits this long for in-flight work
  tls_options tls;
  auth_options auth;
};

// One complete request as the handler sees it. Owns its data.
struct request {
  std::uint64_t id = 0;  // per-server sequence number, for logs
  std::string method;    // "GET", "POST", ...
  std::string target;    // as received
  std::string path;      // target up to '?'
  std::string query;     // after '?', may be empty
  std::string content_type;
  std::string accept;
  std::string body;
  std::string sender;     // authenticated identity: token's sender, else client CN, else empty
  std::string client_cn;  // subject CN of the client certificate (mutual TLS), else empty
  std::string remote;     // "address:port" of the peer
  bool tls = false;
  // Set by the receiver's AMQP adapter, which hands queue messages to the same handler as
  // requests; the store then records the channel as amqp. Never set by this server.
  bool via_amqp = false;
  std::chrono::steady_clock::time_point received{};  // when the request was completely read
};

struct response {
  unsigned status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra header fields
};

// Completion of an asynchronous handle_async(): call it exactly once, from any thread, with a
// function that builds the response. The server runs that function on a worker thread (so the
// thread completing the request, e.g. the store's writer after COMMIT, only hands it over) and
// writes its result; an exception from it is answered with 500.
using responder = std::function<void(std::function<response()>)>;

class handler {
 public:
  virtual ~handler() = default;
  // Called on a worker thread for every authenticated request. Must not block indefinitely.
  // An exception is answered with 500 and logged through the server's error path.
  virtual response handle(const request& req) = 0;
  // The server calls this one. A handler that waits for something (the store's group commit)
  // overrides it to return at once and complete later through `respond`, so that no worker
  // thread is blocked per request in flight (docs/PERFORMANCE.md). The default answers with
  // handle() on the calling thread. If it throws before calling `respond`, the request is
  // answered with 500; it must not throw after.
  virtual void handle_async(std::shared_ptr<const request> req, responder respond) {
    response r = handle(*req);
    respond([r = std::move(r)]() mutable { return std::move(r); });
  }
  // True when handle_async() for `req` only computes for a short, bounded time and hands off
  // (no wait, no lock held across the hand-off, no sleep). The server then calls it on the
  // connection's I/O thread instead of a worker, and runs the function given to `respond` on
  // that I/O thread as well: two thread hand-offs fewer per request, which is most of the
  // context-switch cost when the I/O threads already cover every usable core
  // (docs/PERFORMANCE.md, "iAPI CPU per request"). The I/O thread serves its other
  // connections only between such requests, so the handler must keep them small. Called on
  // the I/O thread for every authenticated request; must be cheap, thread-safe, not throw.
  virtual bool runs_on_io_thread(const request& /*req*/) const noexcept { return false; }
};

// Counters of what the server did on its own (the handler counts the rest).
struct server_stats {
  std::uint64_t connections_open = 0;
  std::uint64_t connections_total = 0;
  std::uint64_t connections_rejected = 0;  // over max_connections
  std::uint64_t requests_total = 0;        // complete requests read
  std::uint64_t requests_in_flight = 0;    // in the handler now
  std::uint64_t rejected_400 = 0, rejected_401 = 0, rejected_403 = 0, rejected_408 = 0,
                rejected_413 = 0, rejected_431 = 0, handler_errors = 0, tls_failures = 0,
                idle_closed = 0;
};

class server {
 public:
  // Does not bind yet. REQUIRES: `h` not null.
  static std::unique_ptr<server> create(server_options opts, std::shared_ptr<handler> h);

  // Loads the TLS files, binds, listens and starts the I/O and worker threads. On failure
  // returns the error and puts a human-readable reason (file or address, no secrets) in `why`.
  virtual boost::system::error_code start(std::string& why) = 0;
  // The bound port (after a successful start()).
  virtual std::uint16_t port() const noexcept = 0;
  // Graceful stop: closes the listener, lets each connection finish the request it is serving
  // (up to `shutdown_grace`), closes idle connections, then joins every thread. Idempotent.
  virtual void stop() noexcept = 0;
  virtual server_stats stats() const noexcept = 0;

  virtual ~server() = default;
};

}  // namespace apipnr::transport
