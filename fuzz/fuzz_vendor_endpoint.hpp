// A vendor's HTTP endpoint for the fuzz targets that read what it answers (fuzz_harness_http,
// fuzz_harness_load): a server on 127.0.0.1 that answers with the input's bytes, split, paused,
// early, held or half-closed as a scenario says, and the targets' own reading of an HTTP/1.1
// answer (RFC 9112), independent of Beast and of the load engine's reader, against which both
// are checked. Header-only, one translation unit per target.
#pragma once

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
#include <cstdlib>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "fuzz_check.hpp"

namespace fuzz_vendor {

using namespace std::chrono_literals;

struct scenario {
  std::string_view bytes;
  std::size_t chunk = 0;  // 0: one write
  bool pause = false;
  bool early = false;
  bool hold = false;
  bool get = false;
  bool second = false;
  unsigned number = 0;  // this input's number, named by the sentinel
  // Every request, on every connection, is answered with the bytes (early: each connection
  // gets them once before its first request is read, then after each later request); else only
  // the first request of the scenario, later ones with the sentinel.
  bool every = false;
};

inline std::string sentinel_body(unsigned number) { return "sentinel " + std::to_string(number); }

inline std::string sentinel_response(unsigned number) {
  const std::string body = sentinel_body(number);
  return "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Fuzz-Sentinel: " +
         std::to_string(number) + "\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n\r\n" + body;
}

inline bool send_all(int fd, std::string_view s) {
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
    if (s_.every) return serve_every(fd);
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
      if (!s_.hold) return half_close(fd);
    }
  }

  void serve_every(int fd) {
    std::string in;
    bool answered_early = false;
    if (s_.early) {
      write_bytes(fd);
      answered_early = true;
    }
    while (!stop_ && read_request(fd, in)) {
      if (!answered_early) write_bytes(fd);
      answered_early = false;
      if (!s_.hold) return half_close(fd);
    }
  }

  // Half-close, then read until the client closes (closing with unread bytes would send a
  // reset, which can drop what the client has not read yet).
  void half_close(int fd) {
    ::shutdown(fd, SHUT_WR);
    char buf[4096];
    while (wait_readable(fd, 5000ms) == wait_result::ready && ::recv(fd, buf, sizeof buf, 0) > 0) {
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
  // Bytes follow the final answer (a second answer, garbage): a client reading one answer per
  // request may take them as the next request's answer when they arrive after it was written.
  bool trailing = false;
  int interims = 0;  // interim 1xx answers before the final one
  // A status line of another version than HTTP/1.0 or 1.1: Beast refuses it, the load engine
  // takes any HTTP/1.<digit>; this reading takes any <digit>.<digit>. Left to each target.
  bool other_version = false;
  // A 204 or 304 with Content-Length or Transfer-Encoding: Beast refuses it; RFC 9110 8.6 allows
  // a Content-Length on a 304, and a reader may ignore the framing of a bodiless status.
  bool bodiless_with_framing = false;
};

inline bool is_tchar(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

inline std::string lower(std::string_view s) {
  std::string r(s);
  for (char& c : r) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return r;
}

inline std::string_view trim_ows(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  return v;
}

// Reads answers from `b` until a final one; `closes`: the server closes after the bytes. Caps:
// the reader under test's (header: status line to the empty line of the final answer; body).
// Where this reading's own limits (9 length digits, 8 chunk-size digits) or an optional
// whitespace the RFC allows only in some places decide, the answer is `undecided`.
inline reading read_answer(std::string_view b, bool closes, std::size_t header_cap,
                           std::size_t body_cap) {
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
    r.other_version = r.other_version || line[5] != '1' || (line[7] != '0' && line[7] != '1');
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
      // Interim: the final answer follows. Both readers under test refuse more than 16. Framing
      // fields on an interim answer mean nothing (it has no content); whether a reader checks
      // them is left open.
      if (++r.interims > 16) return r;
      if (content_length || te_seen) r.undecided = true;
      continue;
    }
    if (status < 200 || status > 599) return r;
    r.status = status;
    r.header_bytes = header_bytes;
    if (status == 204 || status == 304) {
      r.complete = !content_length && !te_seen;  // Beast refuses a length on those; so do we
      r.bodiless_with_framing = !r.complete;
      r.trailing = r.complete && p < b.size();
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
        if (hex.size() > 8 || hex.find_first_of(" \t") != std::string_view::npos)
          r.undecided = true;  // this reading's limit; whitespace (BWS before a chunk-ext)
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
      r.trailing = p < b.size();
      return r;
    }
    if (content_length) {
      if (content_length->size() > 9) r.undecided = true;  // this reading's limit
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
      r.trailing = b.size() - p > n;
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

}  // namespace fuzz_vendor
