// The receiver's AMQP 1.0 intake: an amqp::consumer (docs/AMQP.md) whose handler turns each
// queue message into the same transport::request an HTTP POST to that kind's endpoint would be,
// hands it to the receiver's request handler (the service, or a fault decorator around it), and
// maps the answer back onto the consumer's handler_result. It uses the handler's asynchronous
// path (handle_async): no consumer worker waits for the store's commit. The service stores
// before it answers (RCV-DUR-001), so "stored" here means committed, and the consumer settles
// the delivery only after that (TRN-MQ-002). docs/RECEIVER.md "AMQP intake" documents the
// mapping.
//
// Internal to reference/src/receiver (application.cpp and the tests include it).
// Thread safety: start/stop from one thread; connected(), metrics_text() from any thread.
// Errors: start() returns the consumer's error codes (apipnr/amqp/errc.hpp); nothing throws
// except std::bad_alloc.
// Lifetime: the handler and logger are shared; stop() returns after the last handler call.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <boost/system/error_code.hpp>

#include "apipnr/amqp/consumer.hpp"
#include "apipnr/receiver/config.hpp"
#include "apipnr/receiver/log.hpp"
#include "apipnr/receiver/service.hpp"
#include "apipnr/receiver/unsolicited.hpp"
#include "apipnr/transport/http_server.hpp"

namespace apipnr::receiver {

// The HTTP path of an intake kind ("/v1/api/paxlst", ...) and its default content type.
std::string_view intake_path(service::kind k) noexcept;
std::string_view default_content_type(service::kind k) noexcept;

// The request a queue message stands for: POST to the kind's path, the message's content type
// (or the kind's default when it has none), EDIFACT acknowledgements preferred, `sender` as the
// authenticated identity, via_amqp set.
transport::request to_request(const amqp::inbound& in, service::kind k, std::string sender,
                              std::uint64_t id);

// The consumer's view of the service's answer:
//   a store id (Location header)        -> stored, or duplicate (X-Apipnr-Duplicate-Of)
//   4xx without a store id              -> rejected (refused before storing: content type,
//                                          empty body, invalid UTF-8; never stored)
//   5xx (store unavailable), otherwise  -> failed (released and redelivered)
// `ack` is the response body, `ack_content_type` its content type, `ack_subject` the EDIFACT
// message type of the body (CONTRL, CUSRES, ACKRES) or "" for a problem / receipt, `verdict`
// the X-Apipnr-Verdict header (else "reject" for 4xx, "accept" for 2xx), `detail` "id=N".
amqp::handler_result to_handler_result(transport::response r);

// The EDIFACT message type of the first UNH in `body` ("" when none).
std::string edifact_message_type(std::string_view body);

// The consumer's worker count when amqp.workers is 0 (the default): the usable CPUs
// (transport::usable_cpus) when only API queues are configured, 32 when a PNR queue is (PNR
// intake waits for its commit on the worker).
std::size_t default_amqp_workers(const amqp_config& cfg) noexcept;

// The carrier's CUSRES 312 answers on the reply queue, handed to the carrier link attempt that
// waits for them, by the 132's control reference (the 312's correlation id). Thread-safe.
struct carrier_replies {
  std::mutex mutex;
  std::unordered_map<std::string, std::shared_ptr<std::promise<std::string>>> waiting;
};

class amqp_intake {
 public:
  // REQUIRES: cfg.enabled(), h and log not null. `carrier_reply_queue` (unsolicited.reply_queue,
  // "" = none) is consumed as well: the CUSRES 312 answers to the 132 of make_carrier_link.
  amqp_intake(const amqp_config& cfg, std::shared_ptr<transport::handler> h,
              std::shared_ptr<logger> log, std::string carrier_reply_queue = {});
  ~amqp_intake();
  amqp_intake(const amqp_intake&) = delete;
  amqp_intake& operator=(const amqp_intake&) = delete;

  // Starts consuming in the background (connecting and reconnecting on its own).
  boost::system::error_code start();
  // Graceful stop (consumer::stop): in-flight handler calls finish and are settled.
  boost::system::error_code stop(std::chrono::milliseconds grace);
  bool connected() const noexcept;
  // Prometheus text of the consumer's counters (apipnr_amqp_*).
  std::string metrics_text() const;
  // The carrier link of the unsolicited CUSRES 132 over this intake's broker connection
  // (docs/RECEIVER.md "Officer status changes"): each send() publishes one durable message to
  // `address` (subject CUSRES, content type application/edifact, message-id and correlation-id
  // the 132's control reference, application property apipnr-control-reference) and waits up
  // to `timeout` for the broker's settlement; accepted = delivered. With a carrier reply queue
  // the 132's reply-to names it, and the attempt then waits, within the same `timeout`, for the
  // carrier's CUSRES 312 correlated with the control reference: the answer body (empty when
  // none came in time; a later one is logged as unmatched and settled). The link shares the
  // consumer and stays valid after stop() (its attempts then fail with AMQP-NOT-CONNECTED).
  // Thread-safe.
  std::shared_ptr<carrier_link> make_carrier_link(std::string address,
                                                  std::chrono::milliseconds timeout) const;
  // The source addresses consumed, with their kinds.
  const std::vector<std::pair<std::string, service::kind>>& sources() const noexcept {
    return sources_;
  }

 private:
  void handle(const amqp::inbound& in, amqp::completion done);
  // A message on the carrier reply queue: handed to the attempt waiting for it, or logged.
  void carrier_reply(const amqp::inbound& in, amqp::completion done);
  // The configured kind of a source address, nullptr when none matches.
  const service::kind* kind_of(std::string_view source) const noexcept;

  std::shared_ptr<transport::handler> handler_;
  std::shared_ptr<logger> log_;
  std::string identity_;
  std::vector<std::pair<std::string, service::kind>> sources_;
  std::atomic<std::uint64_t> next_id_{0};
  std::string broker_;  // amqp://host:port, without credentials (for destinations)
  std::string carrier_reply_queue_;
  std::shared_ptr<carrier_replies> replies_ = std::make_shared<carrier_replies>();
  std::shared_ptr<amqp::consumer> consumer_;
};

}  // namespace apipnr::receiver
