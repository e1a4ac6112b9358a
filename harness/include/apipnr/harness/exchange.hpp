// What the harness sends to a system under test and what it observes coming back.
//
// The harness judges vendors' systems, so it never uses the reference's parser or rules: the
// transports below only move bytes and record what happened, and the harness's own small
// classifiers (classify.hpp) read acknowledgements. Expected outcomes come from the vectors.
//
// Thread safety: `exchange` and `observation` are value types. A `transport` instance is used
// by one worker at a time unless its documentation says otherwise.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace apipnr::harness {

// The kind of message sent, which decides the endpoint (HTTP) or queue (AMQP) of the target.
enum class message_kind : std::uint8_t { paxlst, iapi, pnrgov_edifact, pnrgov_xml };

// One message to send.
struct exchange {
  std::string case_id;  // vector case id, for logs and evidence
  message_kind kind = message_kind::paxlst;
  std::string body;  // raw bytes, sent unchanged
  std::string content_type;
  std::string correlation_id;  // AMQP correlation id / HTTP X-Correlation-Id
};

// How a transport attempt ended. Only `completed` carries a response to judge; the others map
// to the verdicts `timeout`, `transport_error` and `endpoint_down`, never to plain failures.
enum class transport_outcome : std::uint8_t {
  completed,        // a response (any status) or an acknowledgement message arrived
  timeout,          // nothing (or not all of it) arrived within the configured timeout
  transport_error,  // connection reset, TLS failure, malformed HTTP, broker refused, ...
  endpoint_down,    // connection refused / broker unreachable before anything was sent
};

struct observation {
  transport_outcome outcome = transport_outcome::completed;
  std::string error;                           // human-readable transport problem (not judged)
  int http_status = 0;                         // 0 for AMQP
  std::map<std::string, std::string> headers;  // lower-case names (HTTP) or AMQP properties
  std::string body;                            // response body / acknowledgement message body, raw
  std::string content_type;
  std::chrono::system_clock::time_point sent_at{};
  std::chrono::nanoseconds latency{0};  // from the start of sending to the complete response
};

// A way to reach a system under test. Implementations: HTTP(S) (transport_http.hpp) and
// AMQP 1.0 (transport_amqp.hpp). `send` never throws and never blocks longer than the
// configured timeout; a misbehaving endpoint (hang, reset, garbage, 5xx) yields an
// observation, not a crash.
class transport {
 public:
  virtual ~transport() = default;
  virtual observation send(const exchange& x) = 0;
};

}  // namespace apipnr::harness
