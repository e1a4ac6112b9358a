// AMQP 1.0 transport (Qpid Proton C++): sends each exchange to the queue of its message kind
// with reply-to = the configured reply queue and a unique correlation id, and waits for the
// acknowledgement carrying that correlation id.
//
// Behaviour:
//   - one connection, run by a Proton container on a thread of its own; senders are opened
//     per queue on first use; the reply receiver is attached before the first send (RabbitMQ
//     `/queue/NAME` declares the queue on attach, so replies are never sent to nowhere);
//   - replies are matched by correlation id: a reply for another waiter is handed to that
//     waiter; a reply arriving after its waiter timed out is dropped and counted
//     (`late_replies`), a further reply to a request already answered is dropped and counted
//     (`duplicate_replies`: the first reply is the one judged), a reply for an id never sent
//     (none, or of another AMQP type than the string sent) is dropped and counted
//     (`unmatched`) and named in the error of a send that times out meanwhile;
//   - a reply whose body is not data (bytes) or a string (an AMQP map, list, number)
//     -> `transport_error` HTR-AMQP-BODY, with Proton's text of the value as the body (no
//     body at all is a bare reply: an empty body, which classify() reads as a receipt);
//   - a reply whose body and application-properties together exceed `max_reply_bytes`
//     -> `transport_error` HTR-AMQP-SIZE, body and properties dropped;
//   - broker unreachable / refused / no open within `connect_timeout` -> `endpoint_down`;
//     the broker rejecting or releasing the message, a link error, or the connection lost
//     while a send waits -> `transport_error`; the next send connects again;
//   - no reply within `timeout` (from the start of send) -> `timeout`.
//   The correlation id is `x.correlation_id` when set and not already waiting, otherwise a
//   generated one; the observation's headers carry it as "correlation-id", the reply's
//   message-id as "message-id", its subject as "subject", and its application-properties
//   under their names (one named message-id, subject or correlation-id as "property:<name>":
//   a vendor's property never stands in for the reply's own fields).
//
// Errors: send() never throws (Proton's exceptions are caught at this boundary).
// Thread safety: send() may be called from many worker threads at once (unlike HTTP); the
// destructor must not race with send().
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "apipnr/harness/exchange.hpp"

namespace apipnr::harness {

struct amqp_url {
  std::string user, password;
  std::string host;
  std::string port = "5672";
  std::string address() const { return host + ":" + port; }
};

// `amqp://[user:password@]host[:port]` (also `mq://`); nullopt otherwise.
std::optional<amqp_url> parse_amqp_url(std::string_view url);

struct amqp_options {
  std::string url;                             // amqp://guest:guest@127.0.0.1:5672
  std::map<message_kind, std::string> queues;  // target address per kind, e.g. "/queue/paxlst"
  // Source of the reply receiver and the reply-to of every message. Empty: a unique
  // "/queue/apipnr.harness.reply.<uuid>" per instance.
  std::string reply_queue;
  std::chrono::milliseconds connect_timeout{3000};
  std::chrono::milliseconds timeout{5000};
  // Overrides of `timeout` per message kind (target `timeouts.per_kind_ms`).
  std::map<message_kind, std::chrono::milliseconds> timeout_per_kind;
  // Larger replies (body plus application-properties) -> transport_error HTR-AMQP-SIZE.
  std::size_t max_reply_bytes = std::size_t{16} << 20U;
  std::size_t remembered_expired = 4096;  // timed-out ids kept to recognise late replies
};

struct amqp_stats {
  std::uint64_t sent = 0;
  std::uint64_t replies = 0;            // matched to a waiter
  std::uint64_t late_replies = 0;       // for a waiter that had timed out
  std::uint64_t unmatched = 0;          // for a correlation id never sent (or long forgotten)
  std::uint64_t duplicate_replies = 0;  // a further reply to a request already answered
  std::uint64_t connects = 0;           // connections opened
};

class amqp_transport final : public transport {
 public:
  explicit amqp_transport(amqp_options options);
  ~amqp_transport() override;
  amqp_transport(const amqp_transport&) = delete;
  amqp_transport& operator=(const amqp_transport&) = delete;

  observation send(const exchange& x) override;

  amqp_stats stats() const;
  const std::string& reply_queue() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace apipnr::harness
