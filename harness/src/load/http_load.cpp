// The HTTP(S) load engine, the null endpoint and self-calibration (load.hpp).
//
// Why not Beast's parser or the harness's http_transport: the engine must not be the
// bottleneck (its closed-model rate is compared with wrk's, docs/PERFORMANCE.md), so each
// connection writes a pre-built request (three buffers, the body shared, never copied) and
// reads the answer with a few lines of its own (status, Content-Length / chunked / until EOF,
// Connection: close). Timeouts are checked by one sweep timer per event loop instead of a
// timer per request, which keeps the per-request work to one write and one or two reads.
#include <openssl/ssl.h>
#include <time.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <charconv>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>

#include "../transport/beast_internal.hpp"
#include "apipnr/harness/load.hpp"
#include "apipnr/harness/transport_http.hpp"
#include "recorder_internal.hpp"

namespace apipnr::harness {

namespace {

namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using boost::system::error_code;
using detail::steady;
using ns = std::chrono::nanoseconds;

// `name` in lower case. ASCII folding inline: std::tolower, a locale lookup per character, was
// 337 instructions per `content-length:` test (callgrind), more than the rest of the head.
bool iequals_prefix(std::string_view line, std::string_view name) {
  if (line.size() < name.size()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = line[i];
    if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c) != name[i]) return false;
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

bool contains_token(std::string_view v, std::string_view token) {
  std::string lower(v);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower.find(token) != std::string::npos;
}

std::string base64(std::string_view in) {
  static constexpr char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(in[i]) << 16U) |
                       (static_cast<unsigned char>(in[i + 1]) << 8U) |
                       static_cast<unsigned char>(in[i + 2]);
    out += t[(v >> 18U) & 63U];
    out += t[(v >> 12U) & 63U];
    out += t[(v >> 6U) & 63U];
    out += t[v & 63U];
  }
  if (i < in.size()) {
    unsigned v = static_cast<unsigned char>(in[i]) << 16U;
    if (i + 1 < in.size()) v |= static_cast<unsigned char>(in[i + 1]) << 8U;
    out += t[(v >> 18U) & 63U];
    out += t[(v >> 12U) & 63U];
    out += i + 1 < in.size() ? t[(v >> 6U) & 63U] : '=';
    out += '=';
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Reading one HTTP/1.x response incrementally from a connection's buffer.

struct response_reader {
  enum class state : std::uint8_t {
    head,
    length,
    chunk_size,
    chunk_data,
    trailer,
    until_eof,
    done
  };
  enum class result : std::uint8_t { more, done, malformed };

  std::size_t max_bytes = std::size_t{16} << 20U;
  bool want_location = false;

  state st = state::head;
  int status = 0;
  bool close = false;
  std::size_t pos = 0;        // parse position in the buffer
  std::size_t remaining = 0;  // body / chunk bytes still to come
  std::string location;
  static constexpr unsigned max_interims = 16;
  unsigned interims = 0;       // 1xx answers read before this response's final one
  std::size_t head_begin = 0;  // where the head being read starts (after interim answers)

  void reset() {
    st = state::head;
    status = 0;
    close = false;
    pos = 0;
    remaining = 0;
    location.clear();
    interims = 0;
    head_begin = 0;
  }

  // Parses what `buf[0, len)` holds; may be called again with more bytes appended.
  result parse(const char* buf, std::size_t len) {
    if (len > max_bytes) return result::malformed;
    for (;;) {
      switch (st) {
        case state::head: {
          const std::string_view all(buf, len);
          const std::size_t end =
              all.find("\r\n\r\n", std::max(head_begin, pos >= 3 ? pos - 3 : 0));
          if (end == std::string_view::npos) {
            pos = len;
            if (len > (64U << 10U)) return result::malformed;
            return result::more;
          }
          if (!head(all.substr(head_begin, end + 2 - head_begin))) return result::malformed;
          pos = end + 4;
          if (status >= 100 && status < 200) {
            // An interim answer (100 Continue, 103 Early Hints): the real one follows, read as
            // a new head (head() marked this one done). A 101 nobody asked for leaves HTTP,
            // and an endless run of interim answers is no answer: both malformed, as in the
            // harness's HTTP transport (RFC 9110 15.2).
            if (status == 101 || ++interims > max_interims) return result::malformed;
            status = 0;
            close = false;
            st = state::head;
            head_begin = pos;
            continue;
          }
          break;
        }
        case state::length:
          if (len - pos < remaining) return result::more;
          pos += remaining;
          st = state::done;
          break;
        case state::chunk_size: {
          const std::string_view rest(buf + pos, len - pos);
          const std::size_t eol = rest.find("\r\n");
          if (eol == std::string_view::npos)
            return rest.size() > 1024 ? result::malformed : result::more;
          std::string_view size_text = rest.substr(0, eol);
          if (auto semi = size_text.find(';'); semi != std::string_view::npos)
            size_text = size_text.substr(0, semi);
          size_text = trim(size_text);
          std::size_t size = 0;
          const auto [p, ec] =
              std::from_chars(size_text.data(), size_text.data() + size_text.size(), size, 16);
          if (ec != std::errc{} || p != size_text.data() + size_text.size() || size_text.empty())
            return result::malformed;
          if (size > max_bytes) return result::malformed;
          pos += eol + 2;
          if (size == 0) {
            st = state::trailer;
          } else {
            remaining = size + 2;  // data and its CRLF
            st = state::chunk_data;
          }
          break;
        }
        case state::chunk_data:
          if (len - pos < remaining) return result::more;
          pos += remaining;
          if (buf[pos - 2] != '\r' || buf[pos - 1] != '\n') return result::malformed;
          st = state::chunk_size;
          break;
        case state::trailer: {
          const std::string_view rest(buf + pos, len - pos);
          if (rest.size() >= 2 && rest.substr(0, 2) == "\r\n") {
            pos += 2;
            st = state::done;
            break;
          }
          const std::size_t end = rest.find("\r\n\r\n");
          if (end == std::string_view::npos)
            return rest.size() > 8192 ? result::malformed : result::more;
          // Trailer fields (RFC 9112 7.1.2) are read past, but a line that is no field at all
          // means the chunked framing is broken.
          for (std::size_t at = 0; at < end + 2;) {
            const std::size_t eol = rest.find("\r\n", at);
            if (rest.substr(at, eol - at).find(':') == std::string_view::npos)
              return result::malformed;
            at = eol + 2;
          }
          pos += end + 4;
          st = state::done;
          break;
        }
        case state::until_eof:
          pos = len;
          return result::more;
        case state::done:
          return result::done;
      }
    }
  }

  // The head of one answer, status line to the CRLF before the empty line. False when it is no
  // HTTP/1.x answer: the status line (RFC 9112 4) is not HTTP/1.DIGIT SP 3DIGIT SP reason, the
  // status is outside 100..599 (HTTP/1.1 000 was a success with status 0), a field line is not
  // a token, a colon and a value without control characters (RFC 9112 5, 9110 5.5), an obs-fold
  // line continues no field or a framing one, Content-Length is repeated or sent with
  // Transfer-Encoding (RFC 9112 6.3: read as an error, as the harness's HTTP transport does).
  // A few comparisons per byte of a head of a few hundred bytes, once per request.
  bool head(std::string_view h) {
    if (h.size() < 13 || h.substr(0, 7) != "HTTP/1." ||
        !std::isdigit(static_cast<unsigned char>(h[7])) || h[8] != ' ' || h[12] != ' ')
      return false;
    const char d0 = h[9], d1 = h[10], d2 = h[11];
    if (!std::isdigit(static_cast<unsigned char>(d0)) ||
        !std::isdigit(static_cast<unsigned char>(d1)) ||
        !std::isdigit(static_cast<unsigned char>(d2)))
      return false;
    status = (d0 - '0') * 100 + (d1 - '0') * 10 + (d2 - '0');
    if (status < 100 || status > 599) return false;
    std::size_t at = h.find("\r\n");
    if (at == std::string_view::npos || !field_text(h.substr(13, at - 13))) return false;
    const bool http10 = h[7] == '0';
    close = http10;
    bool chunked = false, te_seen = false;
    std::optional<std::size_t> length;
    enum class field : std::uint8_t { none, framing, connection, other } previous = field::none;
    while (at + 2 < h.size()) {
      const std::size_t next = h.find("\r\n", at + 2);
      const std::string_view line = h.substr(at + 2, next - at - 2);
      at = next;
      if (!line.empty() && (line.front() == ' ' || line.front() == '\t')) {
        // obs-fold (RFC 9112 5.2): spaces in the field before. Continuing a framing field or
        // none, it would change how long the answer is: refused.
        if (previous == field::none || previous == field::framing || !field_text(line))
          return false;
        if (previous == field::connection && contains_token(line, "close")) close = true;
        continue;
      }
      std::size_t colon = 0;  // field-name = token, then the colon
      while (colon < line.size() && (classes[static_cast<unsigned char>(line[colon])] & tchar_bit))
        ++colon;
      if (colon == 0 || colon == line.size() || line[colon] != ':') return false;
      const std::string_view value = trim(line.substr(colon + 1));
      if (!field_text(value)) return false;
      previous = field::other;
      if (iequals_prefix(line, "content-length:")) {
        previous = field::framing;
        std::size_t n = 0;
        const auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
        if (ec != std::errc{} || p != value.data() + value.size() || length) return false;
        length = n;
      } else if (iequals_prefix(line, "transfer-encoding:")) {
        previous = field::framing;
        chunked = contains_token(value, "chunked");
        te_seen = true;
      } else if (iequals_prefix(line, "connection:")) {
        previous = field::connection;
        if (contains_token(value, "close")) close = true;
        if (http10 && contains_token(value, "keep-alive")) close = false;
      } else if (want_location && iequals_prefix(line, "location:")) {
        location = value;
      }
    }
    if (status == 204 || status == 304 || (status >= 100 && status < 200)) {
      st = state::done;
    } else if (te_seen && length) {
      return false;
    } else if (chunked) {
      st = state::chunk_size;
    } else if (length) {
      if (*length > max_bytes) return false;
      remaining = *length;
      st = state::length;
    } else {
      st = state::until_eof;
      close = true;
    }
    return true;
  }

  // One table lookup per byte of the head (a byte test per class was +475 instructions per
  // answer of the null endpoint's 38-byte head, callgrind).
  static constexpr std::uint8_t tchar_bit = 1, text_bit = 2;
  static constexpr std::array<std::uint8_t, 256> classes = [] {
    std::array<std::uint8_t, 256> t{};
    for (unsigned c = 0; c < 256; ++c) {
      const bool tchar =
          (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
          std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
      const bool text = !((c < 0x20 && c != '\t') || c == 0x7F);
      t[c] = static_cast<std::uint8_t>((tchar ? tchar_bit : 0) | (text ? text_bit : 0));
    }
    return t;
  }();
  // Field values and reason phrases: no control character but HTAB (RFC 9110 5.5).
  static bool field_text(std::string_view v) {
    for (const char ch : v)
      if ((classes[static_cast<unsigned char>(ch)] & text_bit) == 0) return false;
    return true;
  }
};

// ---------------------------------------------------------------------------------------------
// The engine.

struct prepared_message {
  std::string head;  // request line and headers up to (not including) the correlation header
  const std::string* body = nullptr;
  std::optional<interchange_refs> refs;  // rewritten per request (load_options::unique_refs)
};

struct due_request {
  steady::time_point intended;
  steady::time_point free_since;  // when a connection could have taken it (lag accounting)
  std::uint32_t message = 0;
  std::uint64_t seq = 0;
};

struct run_shared {
  const load_options& o;
  const load_http_target& target;
  std::vector<prepared_message> messages;
  std::vector<tcp::endpoint> endpoints;
  bool tls = false;
  std::string host;  // SNI / verification name
  ssl::context* tls_ctx = nullptr;
  detail::recorder* rec = nullptr;
  steady::time_point t0;
  std::string ref_tag;  // unique_refs: three characters naming the run
};

class worker;

class connection {
 public:
  connection(worker& w, run_shared& s, net::io_context& ioc) : w_(w), s_(s), ioc_(ioc) {
    in_.resize(16384);
    reader_.max_bytes = s.target.max_response_bytes;
    reader_.want_location = s.o.keep_locations > 0;
  }

  void connect(std::function<void(bool)> done);
  void start(const due_request& r);
  void close() {
    error_code ec;
    if (tls_) tls_->lowest_layer().close(ec);
    if (plain_) plain_->close(ec);
    open_ = false;
  }
  bool busy() const { return busy_; }
  // Sweep: fail the request in flight when its deadline passed.
  void check_deadline(steady::time_point now) {
    if (busy_ && !timed_out_ && now >= deadline_) {
      timed_out_ = true;
      close();
    }
  }

 private:
  template <class F>
  void with_stream(F&& f) {
    if (tls_)
      f(*tls_);
    else
      f(*plain_);
  }
  void write();
  void read();
  void fail(load_error_kind k);
  void finish_ok();
  void done();

  worker& w_;
  run_shared& s_;
  net::io_context& ioc_;
  std::optional<tcp::socket> plain_;
  std::optional<ssl::stream<tcp::socket>> tls_;
  bool open_ = false, busy_ = false, timed_out_ = false, retried_ = false;
  bool answering_ = false;    // in done(): the next request is started right after an answer
  std::uint64_t served_ = 0;  // answers on the current socket
  due_request req_{};
  steady::time_point sent_at_{}, deadline_{};
  std::string corr_, ref_;
  std::vector<char> in_;
  std::size_t in_len_ = 0;
  response_reader reader_;
};

class worker {
 public:
  worker(run_shared& s, unsigned index, unsigned count, unsigned connections,
         const std::vector<load_message>& msgs)
      : s_(s), index_(index), count_(count), sweep_(ioc_), tick_(ioc_), msgs_(msgs) {
    for (unsigned i = 0; i < connections; ++i)
      conns_.push_back(std::make_unique<connection>(*this, s_, ioc_));
  }

  // Opens every connection before the clock starts; false when none could be opened.
  bool connect_all(std::string& error) {
    std::size_t ok = 0, pending = conns_.size();
    for (auto& c : conns_)
      c->connect([&](bool good) {
        ok += good ? 1 : 0;
        --pending;
      });
    ioc_.run();
    ioc_.restart();
    if (ok == 0 && !conns_.empty()) {
      error = "[apipnr.harness.603] cannot connect to the load target (" + last_error_ + ")";
      return false;
    }
    (void)pending;
    return true;
  }

  void run_open(std::vector<rate_phase> phases, steady::time_point hard_end) {
    schedule_.emplace(std::move(phases));
    // This worker's share of the global schedule: events k with k mod count == index.
    for (unsigned i = 0; i < index_; ++i) schedule_->next();
    k_ = index_;
    advance_open();
    start_common(hard_end);
    on_tick();
    ioc_.run();
  }

  void run_replay(double speed, steady::time_point hard_end) {
    replay_ = true;
    replay_speed_ = speed;
    replay_i_ = index_;
    advance_open();
    start_common(hard_end);
    on_tick();
    ioc_.run();
  }

  void run_closed(steady::time_point end, steady::time_point hard_end) {
    closed_ = true;
    closed_end_ = end;
    start_common(hard_end);
    dispatch_closed();
    ioc_.run();
  }

  void on_idle(connection* c) {
    idle_.push_back(c);
    if (closed_)
      dispatch_closed();
    else
      dispatch(steady::now(), true);
    maybe_finish();
  }

  void set_error(std::string e) { last_error_ = std::move(e); }
  std::uint64_t next_seq() { return seq_++ * count_ + index_; }

 private:
  void start_common(steady::time_point hard_end) {
    hard_end_ = hard_end;
    for (auto& c : conns_) idle_.push_back(c.get());
    arm_sweep();
  }

  void arm_sweep() {
    // A tenth of the timeout, within 5..100 ms: timeouts fire at most that late.
    auto period = std::clamp<ns>(s_.o.timeout / 10, std::chrono::milliseconds(5),
                                 std::chrono::milliseconds(100));
    sweep_.expires_after(period);
    sweep_.async_wait([this](error_code ec) {
      if (ec || finished_) return;
      const auto now = steady::now();
      for (auto& c : conns_) c->check_deadline(now);
      if (now >= hard_end_) give_up();
      if (!finished_) arm_sweep();
    });
  }

  // The run is over: due requests still waiting are lost (never sent).
  void give_up() {
    for (const auto& r : backlog_) s_.rec->lost(r.intended - s_.t0, load_error_kind::not_sent);
    backlog_.clear();
    schedule_done_ = true;
    next_.reset();
    tick_.cancel();
    maybe_finish();
  }

  void advance_open() {
    if (replay_) {
      next_.reset();
      while (replay_i_ < msgs_.size()) {
        const std::size_t i = replay_i_;
        replay_i_ += count_;
        if (!msgs_[i].at) continue;
        const double at = static_cast<double>(msgs_[i].at->count()) / replay_speed_;
        next_ = ns{static_cast<std::int64_t>(at)};
        next_msg_ = static_cast<std::uint32_t>(i);
        return;
      }
      schedule_done_ = true;
      return;
    }
    // k_ is the global index of the event taken: it picks the message, so that every worker
    // count sends the same sequence of messages.
    next_ = schedule_->next();
    next_msg_ = static_cast<std::uint32_t>(k_ % msgs_.size());
    for (unsigned i = 1; i < count_ && next_; ++i) schedule_->next();
    k_ += count_;
    if (!next_) schedule_done_ = true;
  }

  void on_tick() {
    const auto now = steady::now();
    while (next_ && s_.t0 + *next_ <= now) {
      const auto intended = s_.t0 + *next_;
      s_.rec->due(*next_);
      if (backlog_.size() >= s_.o.max_backlog) {
        s_.rec->lost(*next_, load_error_kind::backlog);
      } else {
        backlog_.push_back(due_request{intended, intended, next_msg_, next_seq()});
      }
      advance_open();
    }
    dispatch(now);
    if (next_) {
      tick_.expires_at(s_.t0 + *next_);
      tick_.async_wait([this](error_code ec) {
        if (!ec && !finished_) on_tick();
      });
    }
    maybe_finish();
  }

  // `freed`: a connection has just become free, so a request that waited in the backlog only
  // lost time to the system under test until now (not harness lag).
  void dispatch(steady::time_point now, bool freed = false) {
    while (!backlog_.empty() && !idle_.empty()) {
      connection* c = idle_.back();
      idle_.pop_back();
      due_request r = backlog_.front();
      backlog_.pop_front();
      if (freed) r.free_since = std::max(r.intended, now);
      c->start(r);
    }
  }

  void dispatch_closed() {
    const auto now = steady::now();
    while (!idle_.empty() && now < closed_end_) {
      connection* c = idle_.back();
      idle_.pop_back();
      s_.rec->due(now - s_.t0);
      c->start(due_request{now, now, static_cast<std::uint32_t>(k_++ % msgs_.size()), next_seq()});
    }
    if (now >= closed_end_) schedule_done_ = true;
  }

  // Ends the loop once nothing is due, waiting or in flight (in-flight requests end by answer
  // or by the sweep's timeout).
  void maybe_finish() {
    if (finished_) return;
    if (!schedule_done_ || !backlog_.empty()) return;
    for (auto& c : conns_)
      if (c->busy()) return;
    finished_ = true;
    for (auto& c : conns_) c->close();
    sweep_.cancel();
    tick_.cancel();
  }

 public:
  net::io_context ioc_{1};

 private:
  run_shared& s_;
  unsigned index_, count_;
  net::steady_timer sweep_, tick_;
  const std::vector<load_message>& msgs_;
  std::vector<std::unique_ptr<connection>> conns_;
  std::vector<connection*> idle_;
  std::deque<due_request> backlog_;
  std::optional<arrival_schedule> schedule_;
  std::optional<ns> next_;
  std::uint32_t next_msg_ = 0;
  std::uint64_t k_ = 0, seq_ = 0;
  bool replay_ = false, closed_ = false, schedule_done_ = false, finished_ = false;
  double replay_speed_ = 1;
  std::size_t replay_i_ = 0;
  steady::time_point closed_end_{}, hard_end_{};
  std::string last_error_;
};

void connection::connect(std::function<void(bool)> done) {
  if (s_.tls) {
    tls_.reset();
    tls_.emplace(ioc_, *s_.tls_ctx);
  } else {
    plain_.reset();
    plain_.emplace(ioc_);
  }
  served_ = 0;
  auto& sock = tls_ ? tls_->next_layer() : *plain_;
  auto timer = std::make_shared<net::steady_timer>(ioc_);
  auto fired = std::make_shared<bool>(false);
  timer->expires_after(s_.target.connect_timeout);
  timer->async_wait([this, fired](error_code e) {
    if (e) return;
    *fired = true;
    close();
  });
  net::async_connect(
      sock, s_.endpoints,
      [this, timer, fired, done = std::move(done)](error_code e, const tcp::endpoint&) mutable {
        if (e || *fired) {
          timer->cancel();
          w_.set_error(*fired ? "connect timeout" : e.message());
          open_ = false;
          done(false);
          return;
        }
        error_code ignore;
        (tls_ ? tls_->next_layer() : *plain_).set_option(tcp::no_delay(true), ignore);
        if (!tls_) {
          timer->cancel();
          open_ = true;
          done(true);
          return;
        }
        if (!s_.host.empty()) {
          error_code ip_ec;
          net::ip::make_address(s_.host, ip_ec);
          if (ip_ec)  // SNI only for names (RFC 6066 §3)
            SSL_ctrl(tls_->native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                     const_cast<char*>(s_.host.c_str()));
          if (s_.target.verify_peer)
            tls_->set_verify_callback(ssl::host_name_verification(s_.host));
        }
        tls_->async_handshake(ssl::stream_base::client,
                              [this, timer, fired, done = std::move(done)](error_code he) mutable {
                                timer->cancel();
                                if (he || *fired) {
                                  w_.set_error("TLS handshake: " + he.message());
                                  open_ = false;
                                  done(false);
                                  return;
                                }
                                open_ = true;
                                done(true);
                              });
      });
}

void connection::start(const due_request& r) {
  req_ = r;
  busy_ = true;
  timed_out_ = false;
  retried_ = false;
  // Bytes that arrived on the idle kept-alive connection answer no request of ours (a second
  // answer to the last one, garbage): read as this request's answer, they would judge it, and
  // every later one on the connection would be judged on the answer before. A fresh connection
  // instead. One FIONREAD, only after the connection was idle (not for a request started as
  // the answer before completed: the closed model's maximum rate pays no system call for it;
  // bytes still in flight then cannot be told from the answer by any client); on TLS the raw
  // bytes may be the protocol's own records (a session ticket), so only plain connections.
  if (open_ && served_ > 0 && plain_ && !answering_) {
    error_code ec;
    if (plain_->available(ec) != 0 || ec) close();
  }
  if (open_) {
    write();
    return;
  }
  // Reconnect first (the server closed the connection); the connect time counts as latency.
  deadline_ = steady::now() + s_.o.timeout;
  connect([this](bool good) {
    if (!good) {
      fail(timed_out_ ? load_error_kind::timeout : load_error_kind::refused);
      return;
    }
    write();
  });
}

void connection::write() {
  sent_at_ = steady::now();
  if (!retried_) s_.rec->sent(sent_at_ - std::max(req_.intended, req_.free_since));
  deadline_ = sent_at_ + s_.o.timeout;
  timed_out_ = false;
  in_len_ = 0;
  reader_.reset();
  corr_.clear();
  corr_ += "X-Correlation-Id: ";
  corr_ += s_.o.correlation_prefix;
  corr_ += '/';
  char num[24];
  const auto [p, ec] = std::to_chars(num, num + sizeof num, req_.seq);
  (void)ec;
  corr_.append(num, p);
  corr_ += "\r\n\r\n";
  const prepared_message& m = s_.messages[req_.message];
  std::array<net::const_buffer, 7> bufs{net::buffer(m.head), net::buffer(corr_),
                                        net::buffer(*m.body)};
  if (m.refs) {
    // The body around the two control references, which become this request's own.
    ref_ = unique_ref(s_.ref_tag, req_.seq);
    const std::string& b = *m.body;
    const auto& r = *m.refs;
    bufs[2] = net::buffer(b.data(), r.unb_begin);
    bufs[3] = net::buffer(ref_);
    bufs[4] = net::buffer(b.data() + r.unb_end, r.unz_begin - r.unb_end);
    bufs[5] = net::buffer(ref_);
    bufs[6] = net::buffer(b.data() + r.unz_end, b.size() - r.unz_end);
  }
  with_stream([&](auto& stream) {
    net::async_write(stream, bufs, [this](error_code e, std::size_t) {
      if (e) {
        fail(timed_out_ ? load_error_kind::timeout : load_error_kind::reset);
        return;
      }
      read();
    });
  });
}

void connection::read() {
  if (in_.size() - in_len_ < 4096) in_.resize(std::max(in_.size() * 2, in_len_ + 16384));
  with_stream([&](auto& stream) {
    stream.async_read_some(net::buffer(in_.data() + in_len_, in_.size() - in_len_),
                           [this](error_code e, std::size_t n) {
                             in_len_ += n;
                             if (e) {
                               if (timed_out_) return fail(load_error_kind::timeout);
                               // EOF ends a close-delimited body; anything else is a broken answer.
                               if ((e == net::error::eof || e == ssl::error::stream_truncated) &&
                                   reader_.st == response_reader::state::until_eof) {
                                 reader_.st = response_reader::state::done;
                                 return finish_ok();
                               }
                               return fail(load_error_kind::reset);
                             }
                             switch (reader_.parse(in_.data(), in_len_)) {
                               case response_reader::result::done:
                                 return finish_ok();
                               case response_reader::result::malformed:
                                 return fail(load_error_kind::malformed);
                               case response_reader::result::more:
                                 return read();
                             }
                           });
  });
}

void connection::finish_ok() {
  const auto now = steady::now();
  ++served_;
  const int status = reader_.status;
  std::optional<load_error_kind> err;
  if (status >= 500)
    err = load_error_kind::http_5xx;
  else if (status >= 400)
    err = load_error_kind::http_4xx;
  if (!err && !reader_.location.empty()) s_.rec->keep_location(reader_.location);
  s_.rec->completed(req_.intended - s_.t0, now - req_.intended, now - sent_at_, status, err);
  if (reader_.close || reader_.pos != in_len_) close();
  done();
}

void connection::fail(load_error_kind k) {
  const bool stale =
      !timed_out_ && in_len_ == 0 && served_ > 0 && !retried_ && k == load_error_kind::reset;
  close();
  if (stale) {
    // The server closed an idle kept-alive connection just as we wrote: resend once on a
    // fresh connection (the intended time, and so the latency, is unchanged).
    retried_ = true;
    connect([this](bool good) {
      if (!good) return fail(load_error_kind::refused);
      write();
    });
    return;
  }
  const auto now = steady::now();
  s_.rec->completed(req_.intended - s_.t0, now - req_.intended, now - sent_at_, 0, k);
  done();
}

void connection::done() {
  busy_ = false;
  // A request started from here follows the answer at once (closed model, a backlog): no
  // bytes can have arrived on the idle connection in between that are not still in flight.
  answering_ = true;
  w_.on_idle(this);
  answering_ = false;
}

double secs(ns d) { return static_cast<double>(d.count()) / 1e9; }

}  // namespace

// ---------------------------------------------------------------------------------------------

std::optional<load_result> run_http_load(const load_http_target& target,
                                         const std::vector<load_message>& messages,
                                         const load_options& o, std::string& error) {
  if (messages.empty()) {
    error = "[apipnr.harness.600] no message to send";
    return std::nullopt;
  }
  if (o.connections == 0 || o.threads == 0 || o.connections < o.threads) {
    error =
        "[apipnr.harness.601] connections and threads must be at least 1 (connections >= threads)";
    return std::nullopt;
  }
  run_shared s{o, target, {}, {}, false, {}, nullptr, nullptr, {}, {}};
  // One origin per run: every message kind used must go to the same scheme, host and port.
  std::optional<http_url> origin;
  std::vector<std::string> heads_by_message;
  for (const auto& m : messages) {
    auto it = target.urls.find(m.kind);
    if (it == target.urls.end()) {
      error = "[apipnr.harness.602] the target has no URL for message kind of " + m.id;
      return std::nullopt;
    }
    auto u = parse_http_url(it->second);
    if (!u) {
      error = "[apipnr.harness.602] not an http(s) URL: " + it->second;
      return std::nullopt;
    }
    if (origin && (origin->tls != u->tls || origin->host != u->host || origin->port != u->port)) {
      error = "[apipnr.harness.602] one load run sends to one origin; " + it->second +
              " differs from " + (origin->tls ? "https://" : "http://") + origin->host + ":" +
              origin->port;
      return std::nullopt;
    }
    origin = u;
    std::string head = "POST " + u->target + " HTTP/1.1\r\nHost: " + u->host;
    if (u->port != (u->tls ? "443" : "80")) head += ":" + u->port;
    std::optional<interchange_refs> refs;
    if (o.unique_refs && m.kind != message_kind::pnrgov_xml) refs = find_interchange_refs(m.body);
    const std::size_t length = refs ? m.body.size() - (refs->unb_end - refs->unb_begin) -
                                          (refs->unz_end - refs->unz_begin) +
                                          2 * unique_ref("", 0).size()
                                    : m.body.size();
    head += "\r\nContent-Type: " + m.content_type +
            "\r\nContent-Length: " + std::to_string(length) + "\r\n";
    if (!target.bearer_token.empty())
      head += "Authorization: Bearer " + target.bearer_token + "\r\n";
    if (!target.basic_user.empty())
      head += "Authorization: Basic " + base64(target.basic_user + ":" + target.basic_password) +
              "\r\n";
    for (const auto& [k, v] : target.extra_headers) head += k + ": " + v + "\r\n";
    s.messages.push_back(prepared_message{std::move(head), &m.body, refs});
  }
  {
    // A run tag for unique references: three base-36 characters from the correlation prefix.
    std::uint64_t hsh = 1469598103934665603ULL;
    for (char ch : o.correlation_prefix)
      hsh = (hsh ^ static_cast<unsigned char>(ch)) * 1099511628211ULL;
    static constexpr char b36[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    for (int i = 0; i < 3; ++i, hsh /= 36) s.ref_tag += b36[hsh % 36];
  }
  s.tls = origin->tls;
  s.host = target.server_name.empty() ? origin->host : target.server_name;
  {
    net::io_context ioc;
    tcp::resolver res(ioc);
    error_code ec;
    std::string host = origin->host;
    if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
    for (const auto& e : res.resolve(host, origin->port, ec)) s.endpoints.push_back(e.endpoint());
    if (ec || s.endpoints.empty()) {
      error = "[apipnr.harness.603] cannot resolve " + origin->host + ": " + ec.message();
      return std::nullopt;
    }
  }
  ssl::context ctx(ssl::context::tls_client);
  if (s.tls) {
    error_code ec;
    ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                        ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1,
                    ec);
    if (!target.ca_file.empty())
      ctx.load_verify_file(target.ca_file, ec);
    else
      ctx.set_default_verify_paths(ec);
    if (!ec && !target.client_cert_file.empty()) {
      ctx.use_certificate_chain_file(target.client_cert_file, ec);
      if (!ec) ctx.use_private_key_file(target.client_key_file, ssl::context::pem, ec);
    }
    if (ec) {
      error = "[apipnr.harness.604] TLS configuration: " + ec.message();
      return std::nullopt;
    }
    ctx.set_verify_mode(target.verify_peer ? ssl::verify_peer : ssl::verify_none, ec);
    s.tls_ctx = &ctx;
  }

  const unsigned threads = o.threads;
  std::vector<std::unique_ptr<worker>> workers;
  for (unsigned i = 0; i < threads; ++i) {
    const unsigned share = o.connections / threads + (i < o.connections % threads ? 1 : 0);
    workers.push_back(std::make_unique<worker>(s, i, threads, share, messages));
  }
  for (auto& w : workers)
    if (!w->connect_all(error)) return std::nullopt;

  std::vector<rate_phase> phases = o.phases;
  ns planned{0};
  std::uint64_t planned_n = 0;
  if (o.model == load_model::closed) {
    phases = {rate_phase{o.duration, 0, 0, "closed"}};
    planned = o.duration;
  } else if (o.replay) {
    ns last{0};
    for (const auto& m : messages)
      if (m.at) last = std::max(last, *m.at);
    planned = ns{static_cast<std::int64_t>(static_cast<double>(last.count()) / o.replay_speed)} +
              std::chrono::milliseconds(1);
    phases = {rate_phase{planned, 0, 0, "replay"}};
    for (const auto& m : messages) planned_n += m.at ? 1 : 0;
  } else {
    arrival_schedule sch(phases);
    planned = sch.length();
    planned_n = sch.planned();
  }

  // Start a little in the future so that every loop is running when the first request is due.
  const auto t0 = steady::now() + std::chrono::milliseconds(20);
  detail::recorder rec(o, t0, threads, phases);
  s.rec = &rec;
  s.t0 = t0;
  const auto end = t0 + planned;
  const auto hard_end = end + o.timeout + std::chrono::milliseconds(500);

  std::atomic<bool> running{true};
  std::thread monitor([&] {
    while (running.load()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      rec.tick(steady::now());
    }
  });
  std::vector<std::thread> threads_v;
  for (auto& w : workers) {
    worker* wp = w.get();
    threads_v.emplace_back([&, wp] {
      std::this_thread::sleep_until(t0);
      if (o.model == load_model::closed)
        wp->run_closed(end, hard_end);
      else if (o.replay)
        wp->run_replay(o.replay_speed, hard_end);
      else
        wp->run_open(phases, hard_end);
    });
  }
  for (auto& t : threads_v) t.join();
  running = false;
  monitor.join();
  load_result r = rec.finish(steady::now());
  r.model = o.model;
  r.transport = "http";
  r.endpoint = target.urls.begin()->second;
  for (const auto& m : messages)
    if (auto it = target.urls.find(m.kind); it != target.urls.end()) {
      r.endpoint = it->second;
      break;
    }
  r.connections = o.connections;
  r.planned_s = secs(planned);
  r.planned = planned_n;
  r.offered_rate =
      o.model == load_model::open && r.planned_s > 0 ? static_cast<double>(r.due) / r.planned_s : 0;
  // Open model: answers that came after the schedule (a backlog draining) count over the time
  // they took, so a receiver that falls behind cannot show the offered rate as achieved.
  const double active =
      o.model == load_model::open ? std::max(r.planned_s, r.elapsed_s) : r.planned_s;
  r.achieved_rate = active > 0 ? static_cast<double>(r.ok) / active : 0;
  return r;
}

// ---------------------------------------------------------------------------------------------
// The null endpoint.

struct null_http_endpoint::impl {
  net::io_context ioc;
  tcp::acceptor acceptor{ioc};
  std::vector<std::thread> threads;
  std::atomic<std::uint64_t> requests{0};
  std::mutex mu;
  std::uint64_t stall_nth = 0;
  std::chrono::milliseconds stall_for{0};
  steady::time_point stall_until{};
  bool stalled = false;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> guard;

  // Delay for a request that arrived `now`: the stall window, once.
  std::optional<steady::time_point> hold_until(std::uint64_t n, steady::time_point now) {
    std::lock_guard lock(mu);
    if (stall_nth != 0 && !stalled && n >= stall_nth) {
      stalled = true;
      stall_until = now + stall_for;
    }
    if (stalled && now < stall_until) return stall_until;
    return std::nullopt;
  }

  struct session : std::enable_shared_from_this<session> {
    session(impl& i, tcp::socket s) : owner(i), sock(std::move(s)), timer(sock.get_executor()) {}
    impl& owner;
    tcp::socket sock;
    net::steady_timer timer;
    std::string buf;
    std::size_t len = 0;

    void read() {
      if (buf.size() - len < 4096) buf.resize(std::max<std::size_t>(buf.size() * 2, 16384));
      sock.async_read_some(net::buffer(buf.data() + len, buf.size() - len),
                           [self = shared_from_this()](error_code e, std::size_t n) {
                             if (e) return;
                             self->len += n;
                             self->consume();
                           });
    }

    // One complete request in the buffer (headers and Content-Length body) -> answer it.
    void consume() {
      const std::string_view all(buf.data(), len);
      const std::size_t end = all.find("\r\n\r\n");
      if (end == std::string_view::npos) {
        if (len > (1U << 20U)) return;  // drop a client that never ends its headers
        return read();
      }
      std::size_t body = 0;
      std::size_t at = 0;
      while ((at = all.find("\r\n", at)) != std::string_view::npos && at < end) {
        at += 2;
        if (iequals_prefix(all.substr(at), "content-length:")) {
          const std::string_view v = trim(all.substr(at + 15, all.find("\r\n", at) - at - 15));
          std::from_chars(v.data(), v.data() + v.size(), body);
        }
      }
      if (len < end + 4 + body) return read();
      const std::size_t used = end + 4 + body;
      std::memmove(buf.data(), buf.data() + used, len - used);
      len -= used;
      const std::uint64_t n = ++owner.requests;
      if (auto until = owner.hold_until(n, steady::now())) {
        timer.expires_at(*until);
        timer.async_wait([self = shared_from_this()](error_code) { self->answer(); });
      } else {
        answer();
      }
    }

    void answer() {
      static constexpr std::string_view ok = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
      net::async_write(sock, net::buffer(ok.data(), ok.size()),
                       [self = shared_from_this()](error_code e, std::size_t) {
                         if (e) return;
                         self->consume();
                       });
    }
  };

  void accept() {
    acceptor.async_accept([this](error_code e, tcp::socket s) {
      if (e) return;
      error_code ignore;
      s.set_option(tcp::no_delay(true), ignore);
      std::make_shared<session>(*this, std::move(s))->read();
      accept();
    });
  }
};

null_http_endpoint::null_http_endpoint(unsigned threads) : impl_(std::make_unique<impl>()) {
  auto& i = *impl_;
  const tcp::endpoint ep(net::ip::make_address_v4("127.0.0.1"), 0);
  i.acceptor.open(ep.protocol());
  i.acceptor.set_option(tcp::acceptor::reuse_address(true));
  i.acceptor.bind(ep);
  i.acceptor.listen(1024);
  i.guard.emplace(i.ioc.get_executor());
  i.accept();
  for (unsigned t = 0; t < std::max(1U, threads); ++t)
    i.threads.emplace_back([&i] { i.ioc.run(); });
}

null_http_endpoint::~null_http_endpoint() {
  impl_->guard.reset();
  impl_->ioc.stop();
  for (auto& t : impl_->threads) t.join();
}

unsigned short null_http_endpoint::port() const noexcept {
  error_code ec;
  return impl_->acceptor.local_endpoint(ec).port();
}

std::string null_http_endpoint::url() const {
  return "http://127.0.0.1:" + std::to_string(port()) + "/";
}

std::uint64_t null_http_endpoint::requests() const noexcept { return impl_->requests.load(); }

void null_http_endpoint::stall_once(std::uint64_t nth_request, std::chrono::milliseconds d) {
  std::lock_guard lock(impl_->mu);
  impl_->stall_nth = nth_request;
  impl_->stall_for = d;
  impl_->stalled = false;
}

// ---------------------------------------------------------------------------------------------

calibration_result calibrate(unsigned connections, unsigned threads, double seconds) {
  calibration_result c;
  timespec res{};
  clock_getres(CLOCK_MONOTONIC, &res);
  c.clock_resolution = ns{res.tv_sec * 1000000000LL + res.tv_nsec};
  // The smallest non-zero step between two reads of the clock the engine uses.
  ns step{INT64_MAX};
  for (int i = 0; i < 2000; ++i) {
    const auto a = steady::now();
    auto b = steady::now();
    while (b == a) b = steady::now();
    step = std::min<ns>(step, b - a);
  }
  c.clock_read_cost = step;
  // How late a 200 us Asio timer fires (what bounds the send lag of the open model).
  {
    net::io_context ioc;
    net::steady_timer t(ioc);
    latency_histogram over;
    for (int i = 0; i < 200; ++i) {
      const auto due = steady::now() + std::chrono::microseconds(200);
      t.expires_at(due);
      t.wait();
      over.record(
          static_cast<std::uint64_t>(std::max<std::int64_t>(0, (steady::now() - due).count())));
    }
    c.timer_overshoot_p50 = ns{static_cast<std::int64_t>(over.value_at_percentile(50))};
    c.timer_overshoot_p99 = ns{static_cast<std::int64_t>(over.value_at_percentile(99))};
  }
  c.connections = std::max(1U, connections);
  c.threads = std::max(1U, std::min(threads, c.connections));
  c.seconds = seconds;
  null_http_endpoint null(1);
  load_http_target t;
  t.urls[message_kind::paxlst] = null.url();
  std::vector<load_message> m{load_message{
      "calibration", message_kind::paxlst, std::string(512, 'X'), "application/edifact", {}}};
  load_options o;
  o.model = load_model::closed;
  o.connections = c.connections;
  o.threads = c.threads;
  o.duration = ns{static_cast<std::int64_t>(seconds * 1e9)};
  o.timeout = std::chrono::seconds(2);
  o.correlation_prefix = "calibration";
  std::string error;
  if (auto r = run_http_load(t, m, o, error)) c.null_capacity_rps = r->achieved_rate;
  return c;
}

}  // namespace apipnr::harness
