// Beast HTTP/1.1 server: one session per connection on its own strand, a do_x/on_x pair per
// async step (Beast's advanced_server), with our own timer for read timeouts so that a 408 can
// still be written after a stalled request (beast::tcp_stream closes the socket on expiry).
#include "apipnr/transport/http_server.hpp"

#include <sched.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "apipnr/transport/auth.hpp"
#include "apipnr/transport/problem.hpp"
#include "beast_internal.hpp"

namespace apipnr::transport {

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;

struct counters {
  std::atomic<std::uint64_t> connections_open{0}, connections_total{0}, connections_rejected{0},
      requests_total{0}, requests_in_flight{0}, rejected_400{0}, rejected_401{0}, rejected_403{0},
      rejected_408{0}, rejected_413{0}, rejected_431{0}, handler_errors{0}, tls_failures{0},
      idle_closed{0}, request_ids{0};
};

class session_base {
 public:
  virtual ~session_base() = default;
  // Called once by stop(): close if idle, otherwise finish the current request and close.
  virtual void shutdown() = 0;
};

// State shared by the server and every session; sessions keep it alive with a shared_ptr so a
// completion that runs during teardown never touches a destroyed server.
struct shared_state {
  server_options opts;
  std::shared_ptr<handler> h;
  token_authenticator auth;
  net::thread_pool workers;
  counters stats;
  std::atomic<bool> stopping{false};
  std::mutex sessions_mutex;
  std::vector<std::weak_ptr<session_base>> sessions;
  std::mutex idle_mutex;
  std::condition_variable idle_cv;  // notified when a connection closes

  shared_state(server_options o, std::shared_ptr<handler> hd)
      : opts(std::move(o)),
        h(std::move(hd)),
        auth(opts.auth.tokens),
        workers(opts.worker_threads == 0 ? 1 : opts.worker_threads) {}

  bool is_public(std::string_view path) const {
    for (const auto& p : opts.auth.public_paths) {
      if (p == path) return true;
    }
    return false;
  }
};

response problem_response(unsigned status, std::string_view slug, std::string detail,
                          std::string instance) {
  problem p;
  p.type = problem_type(slug);
  p.title = std::string(reason(status));
  p.status = status;
  p.detail = std::move(detail);
  p.instance = std::move(instance);
  response r;
  r.status = status;
  r.content_type = std::string(problem_content_type);
  r.body = to_json(p);
  return r;
}

std::string subject_cn(SSL* s) {
  std::string cn;
  if (s == nullptr) return cn;
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
  X509* cert = SSL_get1_peer_certificate(s);
#else
  X509* cert = SSL_get_peer_certificate(s);
#endif
  if (cert == nullptr) return cn;
  X509_NAME* name = X509_get_subject_name(cert);
  const int idx = name ? X509_NAME_get_index_by_NID(name, NID_commonName, -1) : -1;
  if (idx >= 0) {
    X509_NAME_ENTRY* e = X509_NAME_get_entry(name, idx);
    ASN1_STRING* d = e ? X509_NAME_ENTRY_get_data(e) : nullptr;
    if (d != nullptr) {
      cn.assign(reinterpret_cast<const char*>(ASN1_STRING_get0_data(d)),
                static_cast<std::size_t>(ASN1_STRING_length(d)));
    }
  }
  X509_free(cert);
  return cn;
}

// Response bytes a connection keeps buffer capacity for between requests.
constexpr std::size_t kept_output_bytes = 64 * 1024;

template <bool Tls>
class session final : public session_base, public std::enable_shared_from_this<session<Tls>> {
  using stream_type =
      std::conditional_t<Tls, beast::ssl_stream<beast::tcp_stream>, beast::tcp_stream>;
  enum class phase : std::uint8_t { handshake, idle, reading, handling, writing, closing, closed };

 public:
  template <class... Args>
  session(std::shared_ptr<shared_state> st, tcp::socket&& sock, Args&&... args)
      : state_(std::move(st)),
        stream_(std::move(sock), std::forward<Args>(args)...),
        timer_(stream_.get_executor()) {
    error_code ec;
    const auto ep = beast::get_lowest_layer(stream_).socket().remote_endpoint(ec);
    if (!ec) remote_ = ep.address().to_string() + ":" + std::to_string(ep.port());
  }

  ~session() override {
    state_->stats.connections_open.fetch_sub(1);
    std::lock_guard lock(state_->idle_mutex);
    state_->idle_cv.notify_all();
  }

  void run() {
    net::dispatch(stream_.get_executor(), [self = this->shared_from_this()] { self->do_start(); });
  }

  void shutdown() override {
    net::post(stream_.get_executor(), [self = this->shared_from_this()] {
      // An idle connection has nothing to finish; a busy one closes after its response
      // because `stopping` turns keep-alive off.
      if (self->phase_ == phase::idle || self->phase_ == phase::handshake) self->cancel_io();
    });
  }

 private:
  void do_start() {
    if constexpr (Tls) {
      phase_ = phase::handshake;
      beast::get_lowest_layer(stream_).expires_after(state_->opts.handshake_timeout);
      stream_.async_handshake(
          ssl::stream_base::server,
          [self = this->shared_from_this()](error_code ec) { self->on_handshake(ec); });
    } else {
      do_wait();
    }
  }

  void on_handshake(error_code ec) {
    if constexpr (Tls) {
      beast::get_lowest_layer(stream_).expires_never();
      if (ec) {
        // Includes a client without a certificate under mutual TLS.
        state_->stats.tls_failures.fetch_add(1);
        return do_close_now();
      }
      client_cn_ = subject_cn(stream_.native_handle());
    }
    do_wait();
  }

  // Keep-alive wait for the first byte of the next request (idle timeout).
  void do_wait() {
    if (state_->stopping.load() || served_ >= state_->opts.max_requests_per_connection) {
      return do_close();
    }
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(state_->opts.max_header_bytes));
    parser_->body_limit(state_->opts.max_body_bytes);
    if (buffer_.size() > 0) return do_read();  // a pipelined request is already here
    phase_ = phase::idle;
    arm_timer(state_->opts.idle_timeout);
    stream_.async_read_some(
        buffer_.prepare(4096),
        [self = this->shared_from_this()](error_code ec, std::size_t n) { self->on_wait(ec, n); });
  }

  void on_wait(error_code ec, std::size_t n) {
    disarm_timer();
    if (ec || n == 0) {
      if (timed_out_) state_->stats.idle_closed.fetch_add(1);
      return do_close_now();
    }
    buffer_.commit(n);
    do_read();
  }

  void do_read() {
    phase_ = phase::reading;
    // A small request is usually whole in the first bytes read: Beast's parser takes them here
    // (what http::async_read does first), so the asynchronous read, its completion round trip
    // through the io_context and the read deadline are needed only for a request still
    // incomplete.
    if (buffer_.size() > 0) {
      error_code ec;
      parser_->eager(true);
      while (buffer_.size() > 0 && !parser_->is_done()) {
        const std::size_t used = parser_->put(buffer_.data(), ec);
        buffer_.consume(used);
        if (ec || used == 0) break;
      }
      if (ec == http::error::need_more) ec = {};
      if (ec || parser_->is_done()) {
        timed_out_ = false;
        return on_read(ec);
      }
    }
    arm_timer(state_->opts.read_timeout);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(error_code ec) {
    disarm_timer();
    if (timed_out_) {
      state_->stats.rejected_408.fetch_add(1);
      if constexpr (Tls) {
        return do_close_now();
      } else {
        return send_error(problem_response(
            408, "request-timeout", "the request was not complete within the read timeout", {}));
      }
    }
    if (ec == http::error::end_of_stream) return do_close();
    if (ec == http::error::body_limit) {
      state_->stats.rejected_413.fetch_add(1);
      return send_error(problem_response(413, "payload-too-large",
                                         "the body exceeds the limit of " +
                                             std::to_string(state_->opts.max_body_bytes) +
                                             " bytes (TRN-SIZE-001)",
                                         {}));
    }
    if (ec == http::error::header_limit) {
      state_->stats.rejected_431.fetch_add(1);
      return send_error(problem_response(431, "header-too-large",
                                         "the request header exceeds the limit of " +
                                             std::to_string(state_->opts.max_header_bytes) +
                                             " bytes",
                                         {}));
    }
    if (ec) {
      // Any other parser error (bad request line, header, chunk) is malformed HTTP.
      if (ec.category() == http::make_error_code(http::error::bad_target).category()) {
        state_->stats.rejected_400.fetch_add(1);
        return send_error(
            problem_response(400, "malformed-request", "the request is not valid HTTP/1.1", {}));
      }
      return do_close_now();  // reset, TLS error, ... nothing to answer
    }
    on_request();
  }

  void on_request() {
    state_->stats.requests_total.fetch_add(1);
    ++served_;
    auto& msg = parser_->get();
    keep_alive_ = msg.keep_alive();
    head_ = msg.method() == http::verb::head;
    auto req = std::make_shared<request>();
    req->id = state_->stats.request_ids.fetch_add(1) + 1;
    req->method = std::string(msg.method_string());
    req->target = std::string(msg.target());
    const auto q = req->target.find('?');
    req->path = req->target.substr(0, q);
    if (q != std::string::npos) req->query = req->target.substr(q + 1);
    req->content_type = std::string(msg[http::field::content_type]);
    req->accept = std::string(msg[http::field::accept]);
    req->client_cn = client_cn_;
    req->remote = remote_;
    req->tls = Tls;
    req->received = std::chrono::steady_clock::now();

    // Authentication (RFC 6750 bearer tokens, or the client certificate's CN).
    req->sender = client_cn_;
    if (state_->auth.enabled() && !state_->is_public(req->path)) {
      const auto v = state_->auth.check(msg[http::field::authorization]);
      if (v.result != token_authenticator::outcome::ok) {
        state_->stats.rejected_401.fetch_add(1);
        auto r = problem_response(401, "unauthorized",
                                  v.result == token_authenticator::outcome::missing
                                      ? "a bearer token is required"
                                      : "the bearer token is not valid",
                                  req->target);
        r.headers.emplace_back("WWW-Authenticate",
                               v.result == token_authenticator::outcome::missing
                                   ? "Bearer realm=\"apipnr\""
                                   : "Bearer realm=\"apipnr\", error=\"invalid_token\"");
        return do_write(std::move(r));
      }
      if (!client_cn_.empty() && v.sender != client_cn_) {
        state_->stats.rejected_403.fetch_add(1);
        return do_write(problem_response(
            403, "sender-mismatch",
            "the bearer token belongs to another sender than the client certificate", req->target));
      }
      req->sender = v.sender;
    }
    req->body = std::move(msg.body());
    parser_.reset();

    phase_ = phase::handling;
    state_->stats.requests_in_flight.fetch_add(1);
    if (state_->h->runs_on_io_thread(*req)) {
      // Short work the handler vouches for (http_server.hpp): no hand-off to a worker and
      // back, the handler runs here and its completion is built on this strand.
      return run_handler(this->shared_from_this(), std::move(req), true);
    }
    net::post(state_->workers, [self = this->shared_from_this(), req]() mutable {
      run_handler(std::move(self), std::move(req), false);
    });
  }

  static void run_handler(std::shared_ptr<session> self, std::shared_ptr<request> req,
                          bool on_io_thread) {
    std::shared_ptr<const request> creq = std::move(req);
    // Exactly one completion counts; a second one (a handler bug) is dropped.
    auto once = std::make_shared<std::atomic<bool>>(false);
    responder respond = [self, creq, once, on_io_thread](std::function<response()> make) {
      if (once->exchange(true)) return;
      if (on_io_thread) {
        // Back to the connection's strand (also when answered at once: the write starts
        // after handle_async returned), where the response is built and written.
        net::post(self->stream_.get_executor(), [self, creq, make = std::move(make)] {
          self->do_write(self->build(*creq, make));
        });
        return;
      }
      // Built on a worker thread: inline when completed there (handle() answered at once),
      // else handed over, so the completing thread (the store's writer) only posts.
      if (self->state_->workers.get_executor().running_in_this_thread()) {
        self->complete(*creq, make);
      } else {
        net::post(self->state_->workers,
                  [self, creq, make = std::move(make)] { self->complete(*creq, make); });
      }
    };
    try {
      self->state_->h->handle_async(creq, respond);
    } catch (...) {
      // Process edge: a handler bug must cost one request, never the process (RCV-BAD-003).
      self->state_->stats.handler_errors.fetch_add(1);
      respond([target = creq->target] {
        return problem_response(500, "internal-error", "the request could not be processed",
                                target);
      });
    }
  }

  // Runs the completion's function; a throw is answered with 500.
  response build(const request& req, const std::function<response()>& make) {
    response res;
    try {
      res = make();
    } catch (...) {
      state_->stats.handler_errors.fetch_add(1);
      res =
          problem_response(500, "internal-error", "the request could not be processed", req.target);
    }
    state_->stats.requests_in_flight.fetch_sub(1);
    return res;
  }

  // Runs on a worker thread: builds the response and hands it to the connection's strand.
  void complete(const request& req, const std::function<response()>& make) {
    response res = build(req, make);
    net::post(stream_.get_executor(),
              [self = this->shared_from_this(), r = std::move(res)]() mutable {
                self->do_write(std::move(r));
              });
  }

  // A transport-level error: answer and close, since the rest of the stream cannot be trusted.
  void send_error(response r) {
    keep_alive_ = false;
    // A HEAD request whose header was read (a body over the limit, a timeout in the body)
    // gets its answer without content too.
    head_ = parser_ && parser_->is_header_done() && parser_->get().method() == http::verb::head;
    parser_.reset();
    do_write(std::move(r));
  }

  void do_write(response r) {
    phase_ = phase::writing;
    // The connection's response object, its fields cleared for this response.
    res_.clear();
    res_.version(11);
    res_.result(static_cast<http::status>(r.status));
    res_.set(http::field::server, "apipnr-receiver");
    res_.set(http::field::content_type, r.content_type);
    for (auto& [k, v] : r.headers) res_.set(k, v);
    if (r.status == 503) res_.set(http::field::retry_after, "1");
    res_.body() = std::move(r.body);
    const bool keep = keep_alive_ && !state_->stopping.load() &&
                      served_ < state_->opts.max_requests_per_connection;
    res_.keep_alive(keep);
    res_.prepare_payload();
    // Beast's serializer writes the message into the connection's buffer (the serializer's
    // next()/consume() loop, as in Beast's "write to std::ostream" example), which then goes
    // out as one buffer. http::async_write would hand the serializer's nested buffer views
    // (status line, one buffer per field, body) through every layer of the write, each write
    // iterating them again: about 19 k instructions for a 600-byte answer.
    // The answer to HEAD is the header alone, Content-Length that of the GET answer (RFC 9110
    // 9.3.2: no content). The service answers HEAD like GET; writing its body too made a
    // keep-alive or pipelining client read those bytes as the start of the next response
    // (fuzz_receiver_http, fuzz/crashers/receiver_http_head_with_body.http).
    out_.clear();
    error_code serialize_ec;
    http::response_serializer<http::string_body> sr(res_);
    sr.split(head_);
    do {
      sr.next(serialize_ec, [&](error_code&, const auto& buffers) {
        const std::size_t n = beast::buffer_bytes(buffers);
        const std::size_t at = out_.size();
        out_.resize(at + n);
        net::buffer_copy(net::buffer(out_.data() + at, n), buffers);
        sr.consume(n);
      });
    } while (!serialize_ec && !(head_ ? sr.is_header_done() : sr.is_done()));
    head_ = false;
    res_.body() = std::string();  // the bytes are in out_ now
    if (serialize_ec) return do_close_now();
    arm_timer(state_->opts.write_timeout);
    net::async_write(stream_, net::buffer(out_),
                     [self = this->shared_from_this(), keep](error_code ec, std::size_t) {
                       self->on_write(ec, keep);
                     });
  }

  void on_write(error_code ec, bool keep) {
    disarm_timer();
    // A large answer (a query's JSON) does not keep its buffer for the rest of the connection.
    if (out_.capacity() > kept_output_bytes) out_ = std::string();
    if (ec || timed_out_) return do_close_now();
    if (!keep) return do_close();
    do_wait();
  }

  // Orderly close: TLS close_notify, or a TCP half-close followed by a short lingering drain:
  // closing with unread request bytes (a 413 before the body was read) makes the kernel send
  // RST, which can destroy the response before the client reads it.
  void do_close() {
    phase_ = phase::closing;
    if constexpr (Tls) {
      beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(2));
      stream_.async_shutdown(
          [self = this->shared_from_this()](error_code) { self->do_close_now(); });
    } else {
      error_code ec;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
      if (ec) return do_close_now();
      arm_timer(std::chrono::milliseconds(1000));
      do_drain();
    }
  }

  void do_drain() {
    if constexpr (!Tls) {
      stream_.socket().async_read_some(
          net::buffer(drain_), [self = this->shared_from_this()](error_code ec, std::size_t n) {
            self->drained_ += n;
            // Stop at EOF, an error, the deadline, or after discarding a bounded amount.
            if (ec || self->timed_out_ || self->drained_ > (std::size_t{4} << 20)) {
              return self->do_close_now();
            }
            self->do_drain();
          });
    }
  }

  void do_close_now() {
    phase_ = phase::closed;
    disarm_timer();
    timer_.cancel();  // releases the wait's reference to this session
    error_code ec;
    beast::get_lowest_layer(stream_).socket().close(ec);
  }

  void cancel_io() { beast::get_lowest_layer(stream_).cancel(); }

  // Our own deadline: on expiry the pending operation is cancelled (not the socket closed), so
  // that on_read can still answer 408. Each phase moves `deadline_` only; the timer waits for
  // the earliest deadline it may have to enforce and, when it fires early (the deadline moved
  // on), waits again for the current one. A keep-alive request thus sets no timer in the usual
  // case instead of three waits and three cancellations (each an io_context operation and a
  // timerfd update). The generation guards against the completion of a replaced wait.
  void arm_timer(std::chrono::milliseconds d) {
    timed_out_ = false;
    deadline_ = std::chrono::steady_clock::now() + d;
    if (!timer_waiting_ || timer_.expiry() > deadline_) start_timer(deadline_);
  }

  // No deadline until the next arm_timer(); a wait still pending finds none when it fires.
  void disarm_timer() noexcept { deadline_ = std::chrono::steady_clock::time_point::max(); }

  void start_timer(std::chrono::steady_clock::time_point at) {
    timer_waiting_ = true;
    const std::uint64_t gen = ++timer_generation_;
    timer_.expires_at(at);  // a wait still pending completes with operation_aborted
    timer_.async_wait([self = this->shared_from_this(), gen](error_code ec) {
      if (gen != self->timer_generation_) return;  // replaced by a later start_timer()
      self->timer_waiting_ = false;
      if (ec || self->phase_ == phase::closed) return;
      if (self->deadline_ == std::chrono::steady_clock::time_point::max()) return;
      if (std::chrono::steady_clock::now() < self->deadline_) {
        return self->start_timer(self->deadline_);
      }
      self->timed_out_ = true;
      self->cancel_io();
    });
  }

  std::shared_ptr<shared_state> state_;
  stream_type stream_;
  net::steady_timer timer_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> res_;
  std::string out_;  // the serialized response being written
  std::string remote_, client_cn_;
  std::size_t served_ = 0;
  std::size_t drained_ = 0;
  std::array<char, 16 * 1024> drain_{};
  std::uint64_t timer_generation_ = 0;
  std::chrono::steady_clock::time_point deadline_ = std::chrono::steady_clock::time_point::max();
  bool timer_waiting_ = false;  // an async_wait is pending
  bool timed_out_ = false;
  bool keep_alive_ = true;
  bool head_ = false;  // the response being written answers HEAD: header only
  phase phase_ = phase::idle;
};

class server_impl final : public server {
 public:
  server_impl(server_options opts, std::shared_ptr<handler> h)
      : state_(std::make_shared<shared_state>(std::move(opts), std::move(h))),
        ioc_(static_cast<int>(state_->opts.io_threads == 0 ? 1 : state_->opts.io_threads)),
        work_(net::make_work_guard(ioc_)),
        acceptor_(net::make_strand(ioc_)),
        ssl_ctx_(ssl::context::tls_server) {}

  ~server_impl() override { stop(); }

  error_code start(std::string& why) override {
    error_code ec;
    const auto& o = state_->opts;
    if (o.tls.enabled) {
      ssl_ctx_.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                           ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                           ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
      if (ssl_ctx_.use_certificate_chain_file(o.tls.certificate_chain.string(), ec); ec) {
        why = "cannot load TLS certificate chain " + o.tls.certificate_chain.string();
        return ec;
      }
      if (ssl_ctx_.use_private_key_file(o.tls.private_key.string(), ssl::context::pem, ec); ec) {
        why = "cannot load TLS private key " + o.tls.private_key.string();
        return ec;
      }
      if (!o.tls.client_ca.empty()) {
        if (ssl_ctx_.load_verify_file(o.tls.client_ca.string(), ec); ec) {
          why = "cannot load TLS client CA file " + o.tls.client_ca.string();
          return ec;
        }
      }
      if (o.tls.require_client_certificate || !o.tls.client_ca.empty()) {
        ssl_ctx_.set_verify_mode(
            ssl::verify_peer |
                (o.tls.require_client_certificate ? ssl::verify_fail_if_no_peer_cert : 0),
            ec);
      }
    }
    const auto addr = net::ip::make_address(o.address, ec);
    if (ec) {
      why = "invalid listen address " + o.address;
      return ec;
    }
    const tcp::endpoint ep{addr, o.port};
    if (acceptor_.open(ep.protocol(), ec); ec) {
      why = "cannot open a socket";
      return ec;
    }
    acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (acceptor_.bind(ep, ec); ec) {
      why = "cannot bind " + o.address + ":" + std::to_string(o.port);
      return ec;
    }
    if (acceptor_.listen(net::socket_base::max_listen_connections, ec); ec) {
      why = "cannot listen on " + o.address + ":" + std::to_string(o.port);
      return ec;
    }
    port_ = acceptor_.local_endpoint(ec).port();
    do_accept();
    const std::size_t n = o.io_threads == 0 ? 1 : o.io_threads;
    threads_.reserve(n);
    for (std::size_t i = 0; i < n; ++i) threads_.emplace_back([this] { ioc_.run(); });
    started_ = true;
    return {};
  }

  std::uint16_t port() const noexcept override { return port_; }

  void stop() noexcept override {
    if (stopped_.exchange(true)) return;
    state_->stopping.store(true);
    if (!started_) return;
    net::post(acceptor_.get_executor(), [this] {
      error_code ec;
      acceptor_.close(ec);
    });
    {
      std::lock_guard lock(state_->sessions_mutex);
      for (auto& w : state_->sessions) {
        if (auto s = w.lock()) s->shutdown();
      }
    }
    // Let in-flight requests finish and their responses be written (graceful shutdown).
    {
      std::unique_lock lock(state_->idle_mutex);
      state_->idle_cv.wait_for(lock, state_->opts.shutdown_grace, [this] {
        return state_->stats.connections_open.load() == 0 &&
               state_->stats.requests_in_flight.load() == 0;
      });
    }
    state_->workers.join();
    work_.reset();
    ioc_.stop();
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
  }

  server_stats stats() const noexcept override {
    const auto& c = state_->stats;
    server_stats s;
    s.connections_open = c.connections_open.load();
    s.connections_total = c.connections_total.load();
    s.connections_rejected = c.connections_rejected.load();
    s.requests_total = c.requests_total.load();
    s.requests_in_flight = c.requests_in_flight.load();
    s.rejected_400 = c.rejected_400.load();
    s.rejected_401 = c.rejected_401.load();
    s.rejected_403 = c.rejected_403.load();
    s.rejected_408 = c.rejected_408.load();
    s.rejected_413 = c.rejected_413.load();
    s.rejected_431 = c.rejected_431.load();
    s.handler_errors = c.handler_errors.load();
    s.tls_failures = c.tls_failures.load();
    s.idle_closed = c.idle_closed.load();
    return s;
  }

 private:
  void do_accept() {
    acceptor_.async_accept(net::make_strand(ioc_), [this](error_code ec, tcp::socket sock) {
      on_accept(ec, std::move(sock));
    });
  }

  void on_accept(error_code ec, tcp::socket sock) {
    if (ec == net::error::operation_aborted || state_->stopping.load()) return;
    if (!ec) {
      state_->stats.connections_total.fetch_add(1);
      if (state_->stats.connections_open.load() >= state_->opts.max_connections) {
        reject(std::move(sock));
      } else {
        state_->stats.connections_open.fetch_add(1);
        std::shared_ptr<session_base> base;
        if (state_->opts.tls.enabled) {
          auto s = std::make_shared<session<true>>(state_, std::move(sock), ssl_ctx_);
          s->run();
          base = s;
        } else {
          auto s = std::make_shared<session<false>>(state_, std::move(sock));
          s->run();
          base = s;
        }
        track(base);
      }
    }
    do_accept();
  }

  // Over max_connections: a canned 503 (plain HTTP) written without blocking, then close
  // (RCV-LIM-003: retry later, nothing is lost silently).
  void reject(tcp::socket sock) {
    state_->stats.connections_rejected.fetch_add(1);
    error_code ec;
    if (!state_->opts.tls.enabled) {
      problem p;
      p.type = problem_type("overloaded");
      p.title = std::string(reason(503));
      p.status = 503;
      p.detail = "too many connections; retry later";
      const std::string body = to_json(p);
      const std::string canned =
          "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nConnection: close\r\n"
          "Content-Type: application/problem+json\r\nContent-Length: " +
          std::to_string(body.size()) + "\r\n\r\n" + body;
      sock.non_blocking(true, ec);
      sock.write_some(net::buffer(canned.data(), canned.size()), ec);
      sock.shutdown(tcp::socket::shutdown_send, ec);
    }
    sock.close(ec);
  }

  void track(const std::shared_ptr<session_base>& s) {
    std::lock_guard lock(state_->sessions_mutex);
    // Prune closed sessions now and then so the list stays proportional to open connections.
    if (state_->sessions.size() > 2 * state_->opts.max_connections + 16) {
      std::erase_if(state_->sessions, [](const auto& w) { return w.expired(); });
    }
    state_->sessions.push_back(s);
  }

  std::shared_ptr<shared_state> state_;
  net::io_context ioc_;
  // Keeps run() going while a session has no pending operation on the io_context (its request
  // is on the worker pool), e.g. after the listener closed during stop().
  net::executor_work_guard<net::io_context::executor_type> work_;
  tcp::acceptor acceptor_;
  ssl::context ssl_ctx_;
  std::vector<std::thread> threads_;
  std::uint16_t port_ = 0;
  bool started_ = false;
  std::atomic<bool> stopped_{false};
};

}  // namespace

std::size_t usable_cpus() noexcept {
  std::size_t cpus = 0;
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0) cpus = static_cast<std::size_t>(CPU_COUNT(&set));
  if (cpus == 0) cpus = std::thread::hardware_concurrency();
  return std::max<std::size_t>(1, cpus);
}

std::size_t default_worker_threads() noexcept { return 2 * usable_cpus(); }

std::unique_ptr<server> server::create(server_options opts, std::shared_ptr<handler> h) {
  return std::make_unique<server_impl>(std::move(opts), std::move(h));
}

}  // namespace apipnr::transport
