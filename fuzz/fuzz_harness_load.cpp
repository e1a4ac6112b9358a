// libFuzzer target: the load engine's reading of a vendor endpoint's answers
// (harness/include/apipnr/harness/load.hpp run_http_load, harness/src/load/http_load.cpp;
// docs/HARNESS.md "Load", docs/error-codes-harness-load.md). The engine reads answers with a
// reader of its own (not Beast, not the HTTP transport), and its counts become a tender's
// performance verdict: a malformed answer counted as a success would pass a target on luck.
// The input is the bytes a server on 127.0.0.1 (fuzz_vendor_endpoint.hpp, shared with
// fuzz_harness_http) answers every request with; the real engine runs a handful of requests
// on one connection.
//
// Input: a selector byte, then the response bytes. Selector bits:
//   0-2  how the bytes are written: in one write, or in chunks of 1, 2, 3, 7, 16, 64, 512 bytes
//   3    a 1 ms pause after each of the first 16 chunks (slow bytes)
//   4    hold: the server keeps the connection and answers the next request on it with the
//        bytes again (else it half-closes after each answer); an incomplete answer then ends
//        in the engine's own timeout (200 ms here)
//   5    the closed model for 20 ms (else the open model: 4 requests due within 16 ms)
//   6    early: each connection gets the bytes as soon as it is accepted, before its first
//        request is read
//   7    locations kept (keep_locations 4) and unique interchange references per request
// Every input runs twice when it is split (chunks or pauses): once as selected, once as one write.
//
// Traps on (besides sanitizer reports and libFuzzer's own timeout):
// - an exception escaping run_http_load, or a run refused (the endpoint is reachable);
// - a run longer than its schedule + two timeouts + a connect timeout + 0.5 s + 2 s of slack;
// - a request not counted exactly once: sent != completed, ok + errors != due, due not what
//   the open schedule planned;
// - latency or service-time samples other than one per success (failures never enter them);
// - a status counted outside 200..599 (interim 1xx answers are read past, RFC 9110 15.2), or
//   status counts not one per answered request (success, 4xx, 5xx);
// - a success, or a status counted, where the target's own reading of the bytes
//   (fuzz_vendor_endpoint.hpp read_answer) finds no complete final answer: malformed, cut off,
//   1xx only, status 000 or above 599 are never a success;
// - a status other than the one that reading finds, a success for a 4xx/5xx, a 4xx/5xx counted
//   under another kind;
// - a complete answer not counted as what it says for every request (timeouts and requests
//   the run's end left unsent excepted on a held connection, where a loaded machine may
//   stretch the answer past the timeout);
// - a kept Location with a control character, or more than keep_locations;
// - the counts depending on how the bytes were split (split and whole write compared; not when
//   bytes follow the first final answer: for any client sending one request at a time, bytes
//   still in flight when the next request leaves cannot be told from its answer).
// Where the reading leaves the framing open (a transfer coding, its own digit limits, a
// length on a 204/304, a version other than HTTP/1.0 and 1.1), only the accounting is checked.
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
#include <vector>

#include "apipnr/harness/load.hpp"
#include "fuzz_check.hpp"
#include "fuzz_vendor_endpoint.hpp"

namespace {

namespace ah = apipnr::harness;
using namespace fuzz_vendor;
using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

// Far above any input (-max_len 16 KiB): the engine's caps are not what this target studies.
constexpr std::size_t response_cap = std::size_t{1} << 20U;
constexpr std::size_t head_cap = std::size_t{64} << 10U;
constexpr auto connect_timeout = 1000ms;
constexpr auto hold_timeout = 200ms;
constexpr auto close_timeout = 5000ms;
constexpr std::array<std::size_t, 8> chunk_sizes{0, 1, 2, 3, 7, 16, 64, 512};

struct load_scenario {
  scenario s;
  bool closed = false;
  bool locations = false;
};

std::size_t count(const ah::load_result& r, ah::load_error_kind k) {
  return r.errors[static_cast<std::size_t>(k)];
}

endpoint& the_endpoint() {
  static endpoint e;
  return e;
}

std::chrono::milliseconds timeout_of(const load_scenario& l) {
  return l.s.hold ? std::chrono::milliseconds(hold_timeout)
                  : std::chrono::milliseconds(close_timeout);
}

ah::load_result run(const load_scenario& l) {
  endpoint& e = the_endpoint();
  e.bytes_out_ = false;
  e.start(l.s);
  std::optional<ah::load_result> r;
  std::string error;
  const auto started = steady::now();
  try {
    ah::load_http_target t;
    t.urls[ah::message_kind::paxlst] =
        "http://127.0.0.1:" + std::to_string(e.port()) + "/v1/api/paxlst";
    t.connect_timeout = connect_timeout;
    t.max_response_bytes = response_cap;
    const std::vector<ah::load_message> msgs{ah::load_message{
        "fuzz", ah::message_kind::paxlst, "UNA:+.? 'UNB+UNOA:4+XX+YY+250301:0930+1'UNZ+0+1'",
        "application/edifact", std::nullopt}};
    ah::load_options o;
    o.connections = 1;
    o.threads = 1;
    o.timeout = timeout_of(l);
    o.interval = 100ms;
    o.correlation_prefix = "fuzz";
    if (l.closed) {
      o.model = ah::load_model::closed;
      o.duration = 20ms;
    } else {
      o.phases = ah::constant_profile(250, 16ms);
    }
    if (l.locations) {
      o.keep_locations = 4;
      o.unique_refs = true;
    }
    r = ah::run_http_load(t, msgs, o, error);
  } catch (const std::bad_alloc&) {
  } catch (const std::exception& ex) {
    std::fprintf(stderr, "exception escaped run_http_load: %s\n", ex.what());
    __builtin_trap();
  }
  const auto took = steady::now() - started;
  e.stop();
  if (!r) std::fprintf(stderr, "run refused: %s\n", error.c_str());
  APIPNR_FUZZ_CHECK(r.has_value());
  const auto bound = 16ms + 20ms + 2 * timeout_of(l) + connect_timeout + 500ms + 2000ms;
  if (took > bound) {
    std::fprintf(
        stderr, "run took %lld ms (bound %lld ms)\n",
        static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(took).count()),
        static_cast<long long>(
            std::chrono::duration_cast<std::chrono::milliseconds>(bound).count()));
  }
  APIPNR_FUZZ_CHECK(took <= bound);
  return std::move(*r);
}

void report(const char* what, const ah::load_result& r) {
  std::fprintf(stderr, "%s: due %llu sent %llu completed %llu ok %llu;", what,
               static_cast<unsigned long long>(r.due), static_cast<unsigned long long>(r.sent),
               static_cast<unsigned long long>(r.completed), static_cast<unsigned long long>(r.ok));
  for (std::size_t k = 0; k < ah::load_error_kind_count; ++k) {
    if (r.errors[k] != 0)
      std::fprintf(stderr, " %s %llu",
                   std::string(ah::to_string(static_cast<ah::load_error_kind>(k))).c_str(),
                   static_cast<unsigned long long>(r.errors[k]));
  }
  for (const auto& [status, n] : r.status_counts)
    std::fprintf(stderr, " [%d]x%llu", status, static_cast<unsigned long long>(n));
  std::fprintf(stderr, "\n");
}

void check(const load_scenario& l, const ah::load_result& r) {
  // Every request counted exactly once.
  // (The closed model may send nothing: a worker thread woken after its 20 ms by a loaded
  // machine finds the run over, which the campaign's first minute met.)
  if (r.sent != r.completed || r.ok + r.error_total() != r.due || (!l.closed && r.due != r.planned))
    report("accounting", r);
  APIPNR_FUZZ_CHECK(r.sent == r.completed);
  APIPNR_FUZZ_CHECK(r.ok + r.error_total() == r.due);
  if (!l.closed) APIPNR_FUZZ_CHECK(r.due == r.planned && r.due > 0);
  APIPNR_FUZZ_CHECK(r.latency.count() == r.ok);
  APIPNR_FUZZ_CHECK(r.service_time.count() == r.ok);
  // Statuses only from final answers, one per answered request.
  std::uint64_t counted = 0;
  for (const auto& [status, n] : r.status_counts) {
    if (status < 200 || status > 599) report("status", r);
    APIPNR_FUZZ_CHECK(status >= 200 && status <= 599);
    counted += n;
  }
  const std::uint64_t answered =
      r.ok + count(r, ah::load_error_kind::http_4xx) + count(r, ah::load_error_kind::http_5xx);
  if (counted != answered) report("status counts", r);
  APIPNR_FUZZ_CHECK(counted == answered);
  APIPNR_FUZZ_CHECK(r.locations.size() <= (l.locations ? 4U : 0U));
  for (const auto& loc : r.locations) {
    for (char ch : loc) {
      const auto c = static_cast<unsigned char>(ch);
      APIPNR_FUZZ_CHECK(c >= 0x20 && c != 0x7F);
    }
  }

  const reading expected = read_answer(l.s.bytes, !l.s.hold, head_cap, response_cap);
  if (expected.undecided || expected.other_version || expected.bodiless_with_framing) return;
  // Bytes after the first final answer may be read as a later request's answer (see above):
  // only a success without any complete answer in the bytes is checked then.
  if (expected.trailing) return;
  if (!expected.complete) {
    if (answered != 0) report("counted where the bytes hold no complete answer", r);
    APIPNR_FUZZ_CHECK(answered == 0);
    return;
  }
  for (const auto& [status, n] : r.status_counts) {
    if (status != expected.status) report("another status", r);
    APIPNR_FUZZ_CHECK(status == expected.status);
  }
  const std::uint64_t as_said = expected.status >= 500   ? count(r, ah::load_error_kind::http_5xx)
                                : expected.status >= 400 ? count(r, ah::load_error_kind::http_4xx)
                                                         : r.ok;
  APIPNR_FUZZ_CHECK(as_said == answered);
  std::uint64_t excused = 0;
  if (l.s.hold) {
    excused = count(r, ah::load_error_kind::timeout) + count(r, ah::load_error_kind::not_sent) +
              count(r, ah::load_error_kind::backlog);
  }
  if (as_said + excused != r.due) {
    std::fprintf(stderr, "a complete answer (HTTP %d) not counted as such for every request\n",
                 expected.status);
    report("complete", r);
  }
  APIPNR_FUZZ_CHECK(as_said + excused == r.due);
}

void check_same(const load_scenario& l, const ah::load_result& split,
                const ah::load_result& whole) {
  const reading expected = read_answer(l.s.bytes, !l.s.hold, head_cap, response_cap);
  if (expected.trailing) return;
  const auto unsettled = [&](const ah::load_result& r) {
    return (l.s.hold && count(r, ah::load_error_kind::timeout) != 0) ||
           count(r, ah::load_error_kind::not_sent) != 0 ||
           count(r, ah::load_error_kind::backlog) != 0;
  };
  if (unsettled(split) || unsettled(whole) || split.due == 0 || whole.due == 0) return;
  // The closed model's count follows the machine's speed: compare what happened, not how often.
  const auto shape = [&](const ah::load_result& r) {
    std::vector<std::uint64_t> v;
    const auto f = [&](std::uint64_t n) { v.push_back(l.closed ? (n != 0 ? 1 : 0) : n); };
    f(r.ok);
    for (auto n : r.errors) f(n);
    for (const auto& [status, n] : r.status_counts) {
      v.push_back(static_cast<std::uint64_t>(status));
      f(n);
    }
    return v;
  };
  if (shape(split) != shape(whole)) {
    report("split", split);
    report("whole", whole);
  }
  APIPNR_FUZZ_CHECK(shape(split) == shape(whole));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static unsigned number = 0;
  const std::uint8_t sel = data[0];
  load_scenario l;
  l.s.bytes = std::string_view(reinterpret_cast<const char*>(data + 1), size - 1);
  l.s.chunk = chunk_sizes[sel & 7U];
  l.s.pause = (sel & 8U) != 0;
  l.s.hold = (sel & 16U) != 0;
  l.closed = (sel & 32U) != 0;
  l.s.early = (sel & 64U) != 0;
  l.locations = (sel & 128U) != 0;
  l.s.every = true;
  l.s.number = ++number;
  const ah::load_result split = run(l);
  check(l, split);
  if (l.s.chunk != 0 || l.s.pause) {
    load_scenario whole = l;
    whole.s.chunk = 0;
    whole.s.pause = false;
    whole.s.number = ++number;
    const ah::load_result w = run(whole);
    check(whole, w);
    check_same(l, split, w);
  }
  return 0;
}
