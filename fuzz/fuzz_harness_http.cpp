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
// The server and the target's own reading of an answer are shared with fuzz_harness_load
// (fuzz_vendor_endpoint.hpp).
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
// - a complete, well-formed answer within the caps that the transport refuses (a version
//   other than HTTP/1.0 and 1.1, which Beast refuses, is left open: the smoke run's first
//   mutation of a seed to HTTP/0.1 trapped here once the reading moved to the shared header);
// - an error after bytes arrived whose evidence (`; received N bytes: "..."`) is missing (a
//   timeout excepted: its bytes may not have arrived), is not printable ASCII, or does not
//   unescape to a prefix of the bytes sent;
// - the verdict depending on how the bytes were split: outcome, status, headers, body, error
//   (evidence excepted) and classification (decision, acknowledgement type, summary) differ
//   between the split and the whole write (timeouts of a held connection excepted: a loaded
//   machine may stretch 16 pauses);
// - the second exchange not answered by the sentinel.
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <new>
#include <optional>
#include <string>
#include <string_view>

#include "apipnr/harness/classify.hpp"
#include "apipnr/harness/transport_http.hpp"
#include "fuzz_check.hpp"
#include "fuzz_vendor_endpoint.hpp"

namespace {

namespace ah = apipnr::harness;
using namespace fuzz_vendor;
using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

constexpr std::size_t body_cap = 4096;
constexpr std::size_t header_cap = 1024;
constexpr auto connect_timeout = 1000ms;
constexpr auto write_timeout = 1000ms;
constexpr auto hold_response_timeout = 250ms;
constexpr auto close_response_timeout = 10000ms;
constexpr std::array<std::size_t, 8> chunk_sizes{0, 1, 2, 3, 7, 16, 64, 512};

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

  const reading expected = read_answer(s.bytes, !s.hold, header_cap, body_cap);
  if (o.outcome == ah::transport_outcome::completed) {
    APIPNR_FUZZ_CHECK(o.http_status >= 200 && o.http_status <= 599);
    if (expected.undecided || expected.other_version) return check_second(s, r);
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
    const bool held_timeout = (s.hold && o.outcome == ah::transport_outcome::timeout) ||
                              expected.undecided || expected.other_version;
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
