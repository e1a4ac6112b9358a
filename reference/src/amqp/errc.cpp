#include "apipnr/amqp/errc.hpp"

#include <array>
#include <string>

#include "apipnr/common/errc_table.hpp"

namespace apipnr::amqp {
namespace {

// The single table of AMQP intake errors. Order must follow the enumerators (checked in
// errc_test.cpp); docs/error-codes-amqp.md lists every row (also checked).
constexpr std::array<errc_info, 13> table{{
    {errc::invalid_url, "AMQP-CFG-URL", "TRN-MQ-001",
     "broker URL is not amqp://[user:password@]host:port"},
    {errc::no_sources, "AMQP-CFG-SOURCE", "TRN-MQ-001",
     "no source address is configured, or one is empty"},
    {errc::invalid_limits, "AMQP-CFG-LIMIT", "RCV-LIM-001",
     "a limit (body bytes, credit, attempts, workers, recent set) is zero"},
    {errc::already_started, "AMQP-STATE", "TRN-MQ-002", "the consumer was already started"},
    {errc::stop_timeout, "AMQP-STOP-TIMEOUT", "TRN-MQ-002",
     "in-flight work did not finish within the grace period; the connection was aborted and "
     "the broker redelivers what was not settled"},
    {errc::body_too_large, "AMQP-SIZE", "TRN-SIZE-001",
     "the message body is larger than the configured maximum; the delivery was rejected"},
    {errc::unsupported_body, "AMQP-BODY", "TRN-MQ-001",
     "the message body is neither AMQP binary nor string; the delivery was rejected"},
    {errc::handler_failed, "AMQP-HANDLER", "TRN-MQ-002",
     "the handler did not store the message; the delivery was released for redelivery"},
    {errc::dead_lettered, "AMQP-DEAD", "RCV-BAD-001",
     "the handler failed on every attempt; the body went to the dead-letter address and the "
     "delivery was rejected"},
    {errc::reply_failed, "AMQP-REPLY", "TRN-ACK-001",
     "the broker did not accept the acknowledgement sent to the reply-to address"},
    {errc::not_connected, "AMQP-NOT-CONNECTED", "API-IAPI-FLOW-007",
     "no broker connection; the message was not sent"},
    {errc::publish_refused, "AMQP-PUBLISH-REFUSED", "API-IAPI-FLOW-007",
     "the broker rejected or released a published message"},
    {errc::publish_unknown, "AMQP-PUBLISH-UNKNOWN", "API-IAPI-FLOW-007",
     "the connection dropped before the broker settled a published message; it may or may not "
     "have arrived"},
}};

constexpr errc_info unknown_info{errc::ok, "AMQP-UNKNOWN", "", "unknown AMQP intake error"};

const common::table_category<errc_info>& category() noexcept {
  static const common::table_category<errc_info> instance("apipnr.amqp", table, unknown_info,
                                                          common::errc_text::id_and_message);
  return instance;
}

}  // namespace

const boost::system::error_category& amqp_category() noexcept { return category(); }

const errc_info& info(errc e) noexcept { return category().row(static_cast<int>(e)); }

std::span<const errc_info> all_errc_info() noexcept { return table; }

}  // namespace apipnr::amqp
