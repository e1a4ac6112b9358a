// Test-only AMQP 1.0 producer and reply collector for the consumer's broker tests. Not part of
// apipnr::amqp and not shared with the harness (the harness must not link the reference).
// Each call runs its own Proton container on the calling thread and returns within `timeout`.
// Thread safety: calls are independent; several may run on different threads at once.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace apipnr::amqp::testing {

struct outgoing {
  std::string body;
  std::string message_id;      // "" = none
  std::string correlation_id;  // "" = none
  std::string reply_to;
  std::string subject;
  std::string content_type = "application/edifact";
  bool as_string = false;  // AMQP string body instead of binary
};

struct received {
  std::string message_id;
  std::string correlation_id;
  std::string reply_to;
  std::string subject;
  std::string content_type;
  std::string body;
  std::map<std::string, std::string> properties;  // string-valued application properties
};

// Sends every message to `address` (durable) and waits until the broker settled each one.
// Returns how many the broker accepted (fewer on timeout or refusal).
std::size_t send_all(const std::string& url, const std::string& address,
                     const std::vector<outgoing>& messages, std::chrono::milliseconds timeout);

// Receives (and accepts) messages from `address` until `expected` arrived or `timeout` ran
// out, then closes. Link credit never exceeds what is still expected (at most `credit` at a
// time), so no delivery is in flight at the close and the broker keeps the rest queued for the
// next call; more than `expected` only when the broker overshoots the credit (RabbitMQ 3.x
// occasionally does, docs/AMQP.md): those are returned too.
std::vector<received> receive(const std::string& url, const std::string& address,
                              std::size_t expected, std::chrono::milliseconds timeout,
                              int credit = 200);

// Declares the queue behind `address` (`/queue/NAME`: durable, as the consumer declares it) by
// attaching a receiver without credit; true once the broker attached it.
bool declare(const std::string& url, const std::string& address, std::chrono::milliseconds timeout);

// A 700-byte synthetic PAXLST-like body numbered `i` (synthetic data only).
std::string synthetic_body(std::size_t i, std::size_t size = 700);

}  // namespace apipnr::amqp::testing
