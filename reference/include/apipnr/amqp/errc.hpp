// Error codes of the AMQP 1.0 intake (category "apipnr.amqp").
//
// Configuration and lifecycle calls of `consumer` return these codes instead of throwing; the
// per-delivery codes name why a delivery was rejected, dead-lettered or answered with an error,
// and travel in the `apipnr-error` application property of the reply and in the log. Each
// enumerator has a row in a static table (`info()`) with its stable ID (AMQP-*), the
// requirement it protects (specs/requirements/transport.json, receiver.json) and a one-line
// message; docs/error-codes-amqp.md lists the table and a unit test keeps the two in step.
//
// Thread safety: everything here is immutable and safe to use from any thread.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <type_traits>

#include <boost/system/error_code.hpp>

namespace apipnr::amqp {

enum class errc : std::uint8_t {
  ok = 0,
  // -- configuration and lifecycle -------------------------------------------------------------
  invalid_url = 1,  // broker URL is not amqp://[user:pass@]host:port
  no_sources,       // no source address, or an empty one
  invalid_limits,   // a zero limit (body bytes, credit, attempts, workers, recent set)
  already_started,  // start() called twice
  stop_timeout,     // in-flight work did not finish within the grace period; connection aborted
  // -- per delivery ----------------------------------------------------------------------------
  body_too_large,    // the body is larger than options::max_body_bytes
  unsupported_body,  // the body is neither AMQP binary nor string (e.g. amqp-sequence)
  handler_failed,    // the handler reported failure (or threw); the delivery is redelivered
  dead_lettered,     // the handler failed max_attempts times; the body went to dead_letter
  reply_failed,      // the broker did not accept the acknowledgement sent to reply-to
  // -- outbound (consumer::publish) ----------------------------------------------------------
  not_connected,    // no broker connection (or the consumer is not running): nothing was sent
  publish_refused,  // the broker rejected or released a published message
  publish_unknown,  // the connection dropped before the broker settled a published message
};

// The error category for `errc`. name() is "apipnr.amqp".
const boost::system::error_category& amqp_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), amqp_category()};
}

// Static description of a code. Every field points to static storage.
struct errc_info {
  errc code;
  std::string_view id;           // stable ID, e.g. "AMQP-SIZE"
  std::string_view requirement;  // requirement ID, e.g. "TRN-SIZE-001"
  std::string_view message;      // one-line English description
};

// Table lookup; never fails (unknown values map to a generic "AMQP-UNKNOWN" entry).
const errc_info& info(errc e) noexcept;

// All entries, in enumerator order, excluding `ok` (for docs and tests).
std::span<const errc_info> all_errc_info() noexcept;

}  // namespace apipnr::amqp

namespace boost::system {
template <>
struct is_error_code_enum<apipnr::amqp::errc> : std::true_type {};
}  // namespace boost::system
