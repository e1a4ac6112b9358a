// The simulated carrier on an AMQP 1.0 queue (target `unsolicited.queue` with transport amqp):
// for a receiver that publishes its unsolicited CUSRES 132 to the carrier's queue instead of
// POSTing it (docs/HARNESS.md "Status changes and unsolicited CUSRES").
//
// Behaviour:
//   - one connection to the target's broker on a Proton container thread of its own; a
//     receiver on `queue` (declared durable, as a receiver publishing to it declares it);
//     every message is accepted once it is in the inbox, so the queue does not hold it again;
//   - each message is answered with the harness's CUSRES 312 (make_carrier_acknowledgement)
//     when it carries a reply-to address: sent there, durable, correlation-id = the message's
//     correlation-id, else its message-id (the AMQP request/reply convention). A message
//     without reply-to is kept unanswered (answered_status 0); one that is no CUSRES
//     interchange is kept and answered with nothing (answered_status 400, as over HTTP);
//   - a lost connection is opened again after one second, until the simulator is destroyed;
//   - messages larger than 1 MiB are accepted and dropped (counted in received(), never in
//     the inbox), as the HTTP listener refuses them.
//
// Errors: start_amqp_carrier_simulator() returns null with `why` when the URL is no amqp://
// URL or no receiver is attached within `connect_timeout`; nothing throws afterwards.
// Thread safety: as carrier_simulator (unsolicited.hpp).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "apipnr/harness/unsolicited.hpp"

namespace apipnr::harness {

std::unique_ptr<carrier_simulator> start_amqp_carrier_simulator(
    const std::string& broker_url, const std::string& queue,
    std::chrono::milliseconds connect_timeout, std::string& why);

}  // namespace apipnr::harness
