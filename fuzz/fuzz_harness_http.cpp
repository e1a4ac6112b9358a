// libFuzzer target: the harness's HTTP transport against a hostile vendor endpoint
// (harness/include/apipnr/harness/transport_http.hpp, exchange.hpp, classify.hpp;
// docs/HARNESS.md, docs/error-codes-harness-transport.md). What a vendor's endpoint sends back is
// untrusted input to the harness: the input is the bytes a server on 127.0.0.1 answers with,
// and the harness's real transport (one POST, or the query GET) and its real classify() read
// them.
//
// Input: a selector byte, then the response bytes. Selector bits:
//   0-2  how the bytes are written: in one write, or in chunks of 1, 2, 3, 7, 16, 64, 512 bytes
//   3    a 1 ms pause after each of the first 16 chunks (slow bytes)
//   4    early: the bytes are written as soon as the connection is accepted, before the
//        request is read (a response before the request was written)
//   5    hold: the server keeps the connection open after the bytes (else it half-closes once
//        the request is read and the bytes written); an incomplete answer then ends in the
//        transport's own response timeout (250 ms here)
//   6    the query GET instead of the POST of a PAXLST exchange
//   7    a second exchange on the same transport: the server answers every later request with
//        a sentinel response naming this input's number, which the second observation must be
//        (leftover bytes of the first answer must not become the second's answer)
// Every input runs twice when it is split (chunks or pauses): once as selected, once as one write.
//
// Limits of the transport here: body cap 4 KiB, header cap 1 KiB (so that inputs reach them),
// connect and write timeouts 1 s, response timeout 250 ms (hold) or 10 s (the server closes,
// so only a starved process waits that long: a loaded machine must not look like a hang).
//
// Traps on (besides sanitizer reports and libFuzzer's own timeout):
// - an exception escaping send()/get()/classify() (documented: only std::bad_alloc);
// - a send() taking longer than connect + write + response timeouts (twice for the second
//   exchange, which may retry once on a fresh connection) plus 2 s of slack: the transport's
//   own deadlines must end a slow or endless answer;
// - a body above the cap, or more header bytes than the header cap, in an observation;
// - an outcome other than completed without an error starting with an HTR-HTTP- ID this
//   server can cause (CLOSED, MALFORMED, TIMEOUT, BODY-CAP, HEADER-CAP, WRITE);
// - a completed observation whose status is outside 200..599 (interim 1xx answers are read
//   past, RFC 9110 15.2; 101 was not asked for), or that the target's own reading of the bytes
//   (below, independent of Beast) does not find complete with the same status and body: a
//   malformed or cut-off answer is never completed, so never judged accepted;
// - a complete, well-formed answer within the caps that the transport refuses;
// - an error after bytes arrived whose evidence (`; received N bytes: "..."`) is missing (a
//   timeout excepted: its bytes may not have arrived), is not printable ASCII, or does not
//   unescape to a prefix of the bytes sent;
// - the verdict depending on how the bytes were split: outcome, status, headers, body, error
//   (evidence excepted) and classification (decision, acknowledgement type, summary) differ
//   between the split and the whole write (timeouts of a held connection excepted: a loaded
//   machine may stretch 16 pauses);
// - the second exchange not answered by the sentinel.
#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <arpa/inet.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <mutex>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "apipnr/harness/classify.hpp"
#include "apipnr/harness/transport_http.hpp"
#include "fuzz_check.hpp"

namespace {

namespace ah = apipnr::harness;
using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

constexpr std::size_t body_cap = 4096;
constexpr std::size_t header_cap = 1024;
constexpr auto connect_timeout = 1000ms;
constexpr auto write_timeout = 1000ms;
constexpr auto hold_response_timeout = 250ms;
constexpr auto close_response_timeout = 10000ms;
constexpr std::array<std::size_t, 8> chunk_sizes{0, 1, 2, 3, 7, 16, 64, 512};

struct scenario {
  std::string_view bytes;
  std::size_t chunk = 0;  // 0: one write
  bool pause = false;
  bool early = false;
  bool hold = false;
  bool get = false;
  bool second = false;
  unsigned number = 0;  // this input's number, named by the sentinel
};

std::string sentinel_body(unsigned number) { return "sentinel " + std::to_string(number); }

std::string sentinel_response(unsigned number) {
  const std::string body = sentinel_body(number);
  return "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Fuzz-Sentinel: " +
         std::to_string(number) + "\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n\r\n" + body;
}

bool send_all(int fd, std::string_view s) {
  while (!s.empty()) {
    const auto n = ::send(fd, s.data(), s.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    s.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// The vendor's endpoint: accepts connections on 127.0.0.1 one at a time on its own thread and
// answers as the scenario says. Everything it waits for is bounded (5 s) and wakes on stop().
class endpoint {
 public:
  endpoint() {
    wake_ = ::eventfd(0, EFD_NONBLOCK);
    APIPNR_FUZZ_CHECK(wake_ >= 0);
  }
  endpoint(const endpoint&) = delete;
  endpoint& operator=(const endpoint&) = delete;

  std::uint16_t port() const { return port_; }

  // A new listening socket per run: a connection of an earlier run still waiting in the
  // backlog (a loaded machine starves this thread) must not take this run's bytes.
  void start(const scenario& s) {
    listen_ = ::socket(AF_INET, SOCK_STREAM, 0);
    APIPNR_FUZZ_CHECK(listen_ >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    APIPNR_FUZZ_CHECK(::bind(listen_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0);
    APIPNR_FUZZ_CHECK(::listen(listen_, 16) == 0);
    socklen_t len = sizeof addr;
    APIPNR_FUZZ_CHECK(::getsockname(listen_, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    port_ = ntohs(addr.sin_port);
    s_ = s;
    stop_ = false;
    written_ = false;
    std::uint64_t drained = 0;
    while (::read(wake_, &drained, sizeof drained) > 0) {
    }
    thread_ = std::thread([this] { run(); });
  }

  void stop() {
    stop_ = true;
    const std::uint64_t one = 1;
    (void)!::write(wake_, &one, sizeof one);
    thread_.join();
    ::close(listen_);
    listen_ = -1;
  }

  // Waits until the scenario's bytes have been written (at most `limit`).
  void wait_written(std::chrono::milliseconds limit) {
    std::unique_lock lock(mutex_);
    written_cv_.wait_for(lock, limit, [this] { return written_; });
  }

 private:
  enum class wait_result { ready, stopped, timed_out };

  wait_result wait_readable(int fd, std::chrono::milliseconds limit) {
    std::array<pollfd, 2> p{pollfd{fd, POLLIN, 0}, pollfd{wake_, POLLIN, 0}};
    for (;;) {
      const int n = ::poll(p.data(), p.size(), static_cast<int>(limit.count()));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return wait_result::timed_out;
      if (p[1].revents != 0 || stop_) return wait_result::stopped;
      return wait_result::ready;
    }
  }

  void run() {
    while (!stop_) {
      if (wait_readable(listen_, 5000ms) != wait_result::ready) return;
      const int fd = ::accept(listen_, nullptr, nullptr);
      if (fd < 0) continue;
      const int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      serve(fd);
      ::close(fd);
    }
  }

  // One request from the client (Beast writes a Content-Length when there is a body); false on
  // EOF, error, stop or 5 s without one.
  bool read_request(int fd, std::string& in) {
    for (;;) {
      const auto end = in.find("\r\n\r\n");
      if (end != std::string::npos) {
        std::size_t length = 0;
        std::string head = in.substr(0, end);
        for (char& c : head) {
          if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        }
        if (const auto p = head.find("\r\ncontent-length:"); p != std::string::npos) {
          length = std::strtoul(head.c_str() + p + 17, nullptr, 10);
        }
        if (in.size() >= end + 4 + length) {
          in.erase(0, end + 4 + length);
          return true;
        }
      }
      if (in.size() > (1U << 20U)) return false;
      if (wait_readable(fd, 5000ms) != wait_result::ready) return false;
      char buf[4096];
      const auto n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) return false;
      in.append(buf, static_cast<std::size_t>(n));
    }
  }

  void write_bytes(int fd) {
    const std::string_view b = s_.bytes;
    if (s_.chunk == 0) {
      if (s_.pause) std::this_thread::sleep_for(1ms);
      (void)send_all(fd, b);
    } else {
      std::size_t i = 0;
      for (std::size_t at = 0; at < b.size(); at += s_.chunk, ++i) {
        if (!send_all(fd, b.substr(at, s_.chunk))) break;
        if (s_.pause && i < 16) std::this_thread::sleep_for(1ms);
      }
    }
    if (s_.second) {
      // Before the second exchange may start, the bytes must have reached the client's socket
      // (acknowledged: nothing left in this socket's send queue), so that the transport can
      // see that they answer nothing. Bytes still in flight when a request leaves are
      // indistinguishable from its answer, for any HTTP/1.1 client.
      for (int i = 0; i < 1000; ++i) {
        int unacked = 0;
        if (::ioctl(fd, SIOCOUTQ, &unacked) != 0 || unacked == 0) break;
        std::this_thread::sleep_for(1ms);
      }
    }
    std::lock_guard lock(mutex_);
    written_ = true;
    written_cv_.notify_all();
  }

  void serve(int fd) {
    std::string in;
    bool fuzz_connection = false;
    bool answered = false;
    if (s_.early && !bytes_out_) {
      write_bytes(fd);
      bytes_out_ = fuzz_connection = true;
    }
    while (!stop_ && read_request(fd, in)) {
      if (!bytes_out_) {
        write_bytes(fd);
        bytes_out_ = fuzz_connection = true;
      } else if (!fuzz_connection || answered) {
        if (!send_all(fd, sentinel_response(s_.number))) return;
        continue;
      }
      answered = true;
      if (!s_.hold) {
        // Half-close, then read until the client closes (closing with unread bytes would send
        // a reset, which can drop what the client has not read yet).
        ::shutdown(fd, SHUT_WR);
        char buf[4096];
        while (wait_readable(fd, 5000ms) == wait_result::ready &&
               ::recv(fd, buf, sizeof buf, 0) > 0) {
        }
        return;
      }
    }
  }

 public:
  // Reset per scenario (the bytes are the answer to the first request of the scenario only).
  bool bytes_out_ = false;

 private:
  int listen_ = -1;
  int wake_ = -1;
  std::uint16_t port_ = 0;
  scenario s_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable written_cv_;
  bool written_ = false;
};

// ---- The target's own reading of an HTTP/1.1 answer (RFC 9112), independent of Beast --------

struct reading {
  bool complete = false;  // a final answer (200..599) is complete and well-formed
  int status = 0;
  std::string body;
  std::size_t header_bytes = 0;  // of the final answer: status line to the empty line
  bool near_cap = false;         // within a few bytes of a cap: Beast's count is not ours
  bool undecided = false;        // framing this reading leaves open (a transfer coding)
};

bool is_tchar(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

std::string lower(std::string_view s) {
  std::string r(s);
  for (char& c : r) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return r;
}

std::string_view trim_ows(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  return v;
}

// Reads answers from `b` until a final one; `closes`: the server closes after the bytes.
reading read_answer(std::string_view b, bool closes) {
  reading r;
  std::size_t p = 0;
  for (int interim = 0; interim <= 64; ++interim) {
    const std::size_t start = p;
    auto line_end = b.find("\r\n", p);
    if (line_end == std::string_view::npos) return r;
    const auto line = b.substr(p, line_end - p);
    // HTTP-version SP status-code SP reason-phrase
    if (line.size() < 13 || line.substr(0, 5) != "HTTP/" || line[5] < '0' || line[5] > '9' ||
        line[6] != '.' || line[7] < '0' || line[7] > '9' || line[8] != ' ' || line[12] != ' ')
      return r;
    int status = 0;
    for (std::size_t i = 9; i < 12; ++i) {
      if (line[i] < '0' || line[i] > '9') return r;
      status = status * 10 + (line[i] - '0');
    }
    for (std::size_t i = 13; i < line.size(); ++i) {
      const auto c = static_cast<unsigned char>(line[i]);
      if ((c < 0x20 && c != '\t') || c == 0x7F) return r;
    }
    p = line_end + 2;
    std::optional<std::string> content_length;
    std::string transfer_encoding;
    bool te_seen = false;
    std::string previous;  // the name of the field line before, "" before the first
    for (;;) {
      line_end = b.find("\r\n", p);
      if (line_end == std::string_view::npos) return r;
      const auto field = b.substr(p, line_end - p);
      p = line_end + 2;
      if (field.empty()) break;
      if (field.front() == ' ' || field.front() == '\t') {
        // obs-fold (RFC 9112 5.2): a user agent takes it as spaces in the field before, as
        // Beast does. Before the first field, or inside a framing field, the RFC leaves the
        // reading open: neither side is checked.
        if (previous.empty() || previous == "content-length" || previous == "transfer-encoding")
          r.undecided = true;
        for (char ch : field) {
          const auto c = static_cast<unsigned char>(ch);
          if ((c < 0x20 && c != '\t') || c == 0x7F) return r;
        }
        continue;
      }
      const auto colon = field.find(':');
      if (colon == std::string_view::npos || colon == 0) return r;
      for (std::size_t i = 0; i < colon; ++i) {
        if (!is_tchar(static_cast<unsigned char>(field[i]))) return r;
      }
      const auto value = trim_ows(field.substr(colon + 1));
      for (char ch : value) {
        const auto c = static_cast<unsigned char>(ch);
        if ((c < 0x20 && c != '\t') || c == 0x7F) return r;
      }
      const auto name = lower(field.substr(0, colon));
      previous = name;
      if (name == "content-length") {
        if (content_length) return r;  // more than one: refused (RFC 9112 6.3 allows either)
        content_length = std::string(value);
      } else if (name == "transfer-encoding") {
        if (te_seen) transfer_encoding += ",";
        transfer_encoding += lower(value);
        te_seen = true;
      }
    }
    const std::size_t header_bytes = p - start;
    r.near_cap = r.near_cap || (header_bytes + 8 >= header_cap && header_bytes <= header_cap + 8);
    if (header_bytes > header_cap) return r;
    if (status >= 100 && status < 200) {
      if (status == 101) return r;  // a protocol switch nobody asked for
      continue;                     // interim: the final answer follows
    }
    if (status < 200 || status > 599) return r;
    r.status = status;
    r.header_bytes = header_bytes;
    if (status == 204 || status == 304) {
      r.complete = !content_length && !te_seen;  // Beast refuses a length on those; so do we
      return r;
    }
    if (te_seen) {
      if (content_length) return r;  // both: refused (request smuggling's shape)
      // The last coding must be chunked; anything else: length unknown, read until close.
      auto last = transfer_encoding.substr(transfer_encoding.rfind(',') + 1);
      if (trim_ows(last) != "chunked") {
        r.undecided = true;  // a coding the harness does not decode: neither side is checked
        return r;
      }
      // chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF; last-chunk; trailers; CRLF
      std::string body;
      for (;;) {
        line_end = b.find("\r\n", p);
        if (line_end == std::string_view::npos) return r;
        auto size_line = b.substr(p, line_end - p);
        p = line_end + 2;
        const auto semi = size_line.find(';');
        const auto hex = size_line.substr(0, semi);
        if (hex.empty() || hex.size() > 8) return r;
        std::size_t n = 0;
        for (char c : hex) {
          const int d = c >= '0' && c <= '9'   ? c - '0'
                        : c >= 'a' && c <= 'f' ? c - 'a' + 10
                        : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                               : -1;
          if (d < 0) return r;
          n = n * 16 + static_cast<std::size_t>(d);
        }
        if (n == 0) break;
        if (body.size() + n > body_cap) return r;
        if (body.size() + n + 8 >= body_cap) r.near_cap = true;
        if (b.size() < p + n + 2 || b.substr(p + n, 2) != "\r\n") return r;
        body.append(b.substr(p, n));
        p += n + 2;
      }
      for (;;) {  // trailer fields, then the empty line
        line_end = b.find("\r\n", p);
        if (line_end == std::string_view::npos) return r;
        const auto field = b.substr(p, line_end - p);
        p = line_end + 2;
        if (field.empty()) break;
        if (field.find(':') == std::string_view::npos) return r;
      }
      r.body = std::move(body);
      r.complete = true;
      return r;
    }
    if (content_length) {
      if (content_length->empty() || content_length->size() > 9) return r;
      std::size_t n = 0;
      for (char c : *content_length) {
        if (c < '0' || c > '9') return r;
        n = n * 10 + static_cast<std::size_t>(c - '0');
      }
      if (n > body_cap) return r;
      if (n + 8 >= body_cap) r.near_cap = true;
      if (b.size() - p < n) return r;
      r.body = std::string(b.substr(p, n));
      r.complete = true;
      return r;
    }
    // No framing: the body runs to the close.
    if (!closes) return r;
    if (b.size() - p > body_cap) return r;
    if (b.size() - p + 8 >= body_cap) r.near_cap = true;
    r.body = std::string(b.substr(p));
    r.complete = true;
    return r;
  }
  return r;
}

// ---- Evidence ---------------------------------------------------------------------------------

// The bytes the evidence `; received N bytes: "..."` names, unescaped; nullopt when the text is
// not the documented escaping (printable ASCII, \" \\ \r \n \t \xNN).
std::optional<std::pair<std::size_t, std::string>> evidence_of(std::string_view error) {
  const std::string_view marker = "; received ";
  const auto at = error.find(marker);
  if (at == std::string_view::npos) return std::nullopt;
  auto rest = error.substr(at + marker.size());
  std::size_t n = 0;
  std::size_t i = 0;
  while (i < rest.size() && rest[i] >= '0' && rest[i] <= '9') n = n * 10 + (rest[i++] - '0');
  rest.remove_prefix(i);
  const std::string_view mid = " bytes: \"";
  if (i == 0 || rest.substr(0, mid.size()) != mid) return std::nullopt;
  rest.remove_prefix(mid.size());
  std::string out;
  for (std::size_t k = 0; k < rest.size(); ++k) {
    const char c = rest[k];
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7F)
      return std::nullopt;
    if (c == '"') {
      const auto tail = rest.substr(k + 1);
      if (!tail.empty() && tail != "...") return std::nullopt;
      return std::make_pair(n, out);
    }
    if (c != '\\') {
      out += c;
      continue;
    }
    if (++k >= rest.size()) return std::nullopt;
    switch (rest[k]) {
      case '"':
        out += '"';
        break;
      case '\\':
        out += '\\';
        break;
      case 'r':
        out += '\r';
        break;
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      case 'x': {
        if (k + 2 >= rest.size()) return std::nullopt;
        const auto hexv = [](char h) {
          return h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10 : -1;
        };
        const int hi = hexv(rest[k + 1]);
        const int lo = hexv(rest[k + 2]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out += static_cast<char>(hi * 16 + lo);
        k += 2;
        break;
      }
      default:
        return std::nullopt;
    }
  }
  return std::nullopt;
}

std::string without_evidence(const std::string& s) {
  const auto at = s.find("; received ");
  return at == std::string::npos ? s : s.substr(0, at);
}

// ---- One run of a scenario ---------------------------------------------------------------------

struct run_result {
  ah::observation first;
  ah::classification judged;
  std::optional<ah::observation> second;
};

endpoint& the_endpoint() {
  static endpoint e;
  return e;
}

std::chrono::milliseconds response_timeout(const scenario& s) {
  return s.hold ? std::chrono::milliseconds(hold_response_timeout)
                : std::chrono::milliseconds(close_response_timeout);
}

void check_duration(steady::duration took, const scenario& s, int attempts) {
  const auto bound = attempts * (connect_timeout + write_timeout + response_timeout(s)) + 2000ms;
  if (took > bound) {
    std::fprintf(
        stderr, "send took %lld ms (bound %lld ms)\n",
        static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(took).count()),
        static_cast<long long>(bound.count()));
  }
  APIPNR_FUZZ_CHECK(took <= bound);
}

run_result run(const scenario& s) {
  endpoint& e = the_endpoint();
  e.bytes_out_ = false;
  e.start(s);
  run_result r;
  try {
    ah::http_options o;
    const std::string base = "http://127.0.0.1:" + std::to_string(e.port());
    o.urls[ah::message_kind::paxlst] = base + "/v1/api/paxlst";
    o.connect_timeout = connect_timeout;
    o.write_timeout = write_timeout;
    o.response_timeout = response_timeout(s);
    o.max_response_bytes = body_cap;
    o.max_header_bytes = header_cap;
    ah::http_transport t(o);
    ah::exchange x;
    x.case_id = "fuzz";
    x.body = "UNA:+.? 'UNB+UNOA:4+XX+YY+250301:0930+1'UNZ+0+1'";
    x.content_type = "application/edifact";
    x.correlation_id = "fuzz-1";
    auto started = steady::now();
    r.first = s.get ? t.get(base + "/v1/messages/1") : t.send(x);
    check_duration(steady::now() - started, s, 1);
    if (s.second) {
      e.wait_written(1000ms);
      x.correlation_id = "fuzz-2";
      started = steady::now();
      r.second = t.send(x);
      check_duration(steady::now() - started, s, 2);
    }
    r.judged = ah::classify(r.first);
  } catch (const std::bad_alloc&) {
  } catch (const std::exception& ex) {
    std::fprintf(stderr, "exception escaped the transport or classify(): %s\n", ex.what());
    __builtin_trap();
  }
  e.stop();
  return r;
}

void check_second(const scenario& s, const run_result& r);

void check(const scenario& s, const run_result& r) {
  const ah::observation& o = r.first;
  APIPNR_FUZZ_CHECK(o.body.size() <= body_cap);
  std::size_t header_bytes = 0;
  for (const auto& [name, value] : o.headers) header_bytes += name.size() + value.size();
  APIPNR_FUZZ_CHECK(header_bytes <= header_cap);

  const reading expected = read_answer(s.bytes, !s.hold);
  if (o.outcome == ah::transport_outcome::completed) {
    APIPNR_FUZZ_CHECK(o.http_status >= 200 && o.http_status <= 599);
    if (expected.undecided) return check_second(s, r);
    if (!expected.complete) {
      std::fprintf(stderr,
                   "completed (HTTP %d, decision %s) where the bytes hold no complete answer\n",
                   o.http_status, std::string(ah::to_string(r.judged.result)).c_str());
    }
    APIPNR_FUZZ_CHECK(expected.complete);
    APIPNR_FUZZ_CHECK(o.http_status == expected.status);
    APIPNR_FUZZ_CHECK(o.body == expected.body);
  } else {
    static constexpr std::array<std::string_view, 6> ids{
        "HTR-HTTP-CLOSED:",   "HTR-HTTP-MALFORMED:",  "HTR-HTTP-TIMEOUT:",
        "HTR-HTTP-BODY-CAP:", "HTR-HTTP-HEADER-CAP:", "HTR-HTTP-WRITE:"};
    bool known = false;
    for (auto id : ids) known = known || o.error.rfind(id, 0) == 0;
    if (!known) std::fprintf(stderr, "error: %s\n", o.error.c_str());
    APIPNR_FUZZ_CHECK(known);
    APIPNR_FUZZ_CHECK(r.judged.result == ah::decision::unknown);
    // A held connection's timeout may be the machine's load (the bytes not read in time).
    const bool held_timeout =
        (s.hold && o.outcome == ah::transport_outcome::timeout) || expected.undecided;
    if (expected.complete && !expected.near_cap && !held_timeout) {
      std::fprintf(stderr, "a complete answer (HTTP %d) refused: %s\n", expected.status,
                   o.error.c_str());
    }
    APIPNR_FUZZ_CHECK(!expected.complete || expected.near_cap || held_timeout);
    // Evidence of what arrived.
    const bool timeout = o.outcome == ah::transport_outcome::timeout;
    const bool write_failed = o.error.rfind("HTR-HTTP-WRITE:", 0) == 0;
    const auto ev = evidence_of(o.error);
    if (o.error.find("; received ") != std::string::npos) APIPNR_FUZZ_CHECK(ev.has_value());
    if (!s.bytes.empty() && !timeout && !write_failed) APIPNR_FUZZ_CHECK(ev.has_value());
    if (ev) {
      APIPNR_FUZZ_CHECK(ev->first <= s.bytes.size());
      APIPNR_FUZZ_CHECK(ev->second.size() <= ev->first);
      APIPNR_FUZZ_CHECK(s.bytes.substr(0, ev->second.size()) == ev->second);
    }
  }
  check_second(s, r);
}

// The second exchange is answered by the sentinel, whatever the first answer left behind.
void check_second(const scenario& s, const run_result& r) {
  if (r.second) {
    const ah::observation& z = *r.second;
    const std::string number = std::to_string(s.number);
    const auto h = z.headers.find("x-fuzz-sentinel");
    const bool sentinel = z.outcome == ah::transport_outcome::completed && z.http_status == 200 &&
                          h != z.headers.end() && h->second == number &&
                          z.body == sentinel_body(s.number);
    if (!sentinel) {
      std::fprintf(stderr, "second exchange: outcome %d, HTTP %d, body '%s', error '%s'\n",
                   static_cast<int>(z.outcome), z.http_status, z.body.substr(0, 80).c_str(),
                   z.error.c_str());
    }
    APIPNR_FUZZ_CHECK(sentinel);
  }
}

void check_same(const scenario& s, const run_result& split, const run_result& whole) {
  const auto& a = split.first;
  const auto& b = whole.first;
  if (s.hold &&
      (a.outcome == ah::transport_outcome::timeout || b.outcome == ah::transport_outcome::timeout))
    return;
  const bool same =
      a.outcome == b.outcome && a.http_status == b.http_status && a.headers == b.headers &&
      a.body == b.body && without_evidence(a.error) == without_evidence(b.error) &&
      split.judged.result == whole.judged.result && split.judged.ack == whole.judged.ack &&
      without_evidence(split.judged.summary) == without_evidence(whole.judged.summary);
  if (!same) {
    std::fprintf(stderr, "split: outcome %d HTTP %d error '%s' summary '%s'\n",
                 static_cast<int>(a.outcome), a.http_status, a.error.c_str(),
                 split.judged.summary.c_str());
    std::fprintf(stderr, "whole: outcome %d HTTP %d error '%s' summary '%s'\n",
                 static_cast<int>(b.outcome), b.http_status, b.error.c_str(),
                 whole.judged.summary.c_str());
  }
  APIPNR_FUZZ_CHECK(same);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static unsigned number = 0;
  const std::uint8_t sel = data[0];
  scenario s;
  s.bytes = std::string_view(reinterpret_cast<const char*>(data + 1), size - 1);
  s.chunk = chunk_sizes[sel & 7U];
  s.pause = (sel & 8U) != 0;
  s.early = (sel & 16U) != 0;
  s.hold = (sel & 32U) != 0;
  s.get = (sel & 64U) != 0;
  s.second = (sel & 128U) != 0;
  s.number = ++number;
  const run_result split = run(s);
  check(s, split);
  if (s.chunk != 0 || s.pause) {
    scenario whole = s;
    whole.chunk = 0;
    whole.pause = false;
    whole.number = ++number;
    const run_result w = run(whole);
    check(whole, w);
    check_same(s, split, w);
  }
  return 0;
}
