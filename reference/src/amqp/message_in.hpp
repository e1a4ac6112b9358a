// What the consumer makes of a received Proton message before its delivery handling (dedup,
// handler slots, settlement): the handler's `inbound` and the body it views; and the reply it
// sends back (its correlation-id, the acknowledgement message). Apart from consumer.cpp so that
// a test or the fuzz target fuzz_receiver_amqp runs the real conversion without a broker
// (proton::message::decode, then read_message; write_reply, then the harness's reading).
//
// Internal to reference/src/amqp (consumer.cpp, tests, fuzz/). Needs Qpid Proton's headers.
// Thread safety: pure functions of their arguments.
#pragma once

#include <proton/binary.hpp>
#include <proton/message.hpp>
#include <proton/message_id.hpp>

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "apipnr/amqp/consumer.hpp"
#include "apipnr/amqp/errc.hpp"

namespace apipnr::amqp::consumer_internal {

// An AMQP message-id or correlation-id as text: a string as it is (an empty string therefore
// reads like no id), any other type (ulong, uuid, binary) in Proton's text form; "" when absent.
std::string text_of(const proton::message_id& id);

// A delivery's body and what the handler sees of it; `meta.body` views `binary_body` or
// `text_body`, so a message_in is never copied or moved once read_message() filled it. An AMQP
// binary body stays in the vector Proton decoded it into (copying it into a string cost an
// allocation and a copy of the body per delivery).
struct message_in {
  proton::binary binary_body;
  std::string text_body;
  inbound meta;
};

// Fills `in.meta` (message_id and correlation_id from `id` and `correlation`, which the caller
// read once from `m`; reply_to, subject, content_type, body_was_binary, body) and the body.
// The body must be an AMQP data section (binary, body_was_binary) or an amqp-value string;
// anything else (an amqp-sequence, a value of another type, no body) is
// errc::unsupported_body, a body above `max_body_bytes` errc::body_too_large with its size in
// `refused_size`; errc::ok otherwise. `meta.source`, `attempt` and `received_at` are the
// consumer's. Throws what Proton's getters throw on a malformed field (the consumer refuses
// that delivery, RCV-BAD-003).
errc read_message(const proton::message& m, const proton::message_id& id,
                  const proton::message_id& correlation, std::size_t max_body_bytes, message_in& in,
                  std::size_t& refused_size);

// The correlation-id of every reply to a delivery (acknowledgement, refusal, error reply): the
// request's correlation-id when it has one, else its message-id, of the same AMQP type (a
// sender matches its reply by the id it sent; a ulong stays a ulong). No value when the request
// has neither. Takes its arguments by value: the consumer moves the ids it read once.
inline proton::message_id reply_correlation(proton::message_id id, proton::message_id correlation) {
  return correlation.empty() ? std::move(id) : std::move(correlation);
}

// Writes the acknowledgement reply into `r` (cleared first, so that the consumer can reuse one
// message: creating a proton::message costs about 26 allocations): `ack` as a data section
// through `body` (its capacity kept), `correlation` (reply_correlation()), subject, content
// type, durable, application-properties apipnr-status (stored / duplicate / rejected),
// apipnr-verdict and apipnr-detail when not empty, then `properties`.
void write_reply(proton::message& r, proton::binary& body, const proton::message_id& correlation,
                 handler_status status, const std::string& ack, const std::string& subject,
                 const std::string& content_type, const std::string& verdict,
                 const std::string& detail,
                 const std::vector<std::pair<std::string, std::string>>& properties);

}  // namespace apipnr::amqp::consumer_internal
