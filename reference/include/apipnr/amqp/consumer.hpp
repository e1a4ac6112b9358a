// AMQP 1.0 intake of the reference receiver: consumes interchanges from broker queues, hands
// each body to a caller-supplied handler (pipeline + durable store in the receiver) and settles
// the delivery only after the handler reports the data durably stored. Conventions (addresses,
// reply properties, redelivery, dead letters) are described in docs/AMQP.md.
//
//   apipnr::amqp::consumer c({.url = "amqp://guest:guest@127.0.0.1:5672",
//                             .sources = {"/queue/apipnr.in"}},
//                            [&](const apipnr::amqp::inbound& in) { ...store... return r; });
//   if (auto ec = c.start()) { ... }
//   ...
//   c.stop(std::chrono::seconds(10));
//
// Guarantees (requirement IDs from specs/requirements):
//  - TRN-MQ-001: one message is one interchange; the body (AMQP binary or string) is handed
//    over byte for byte (TRN-RAW-001: the handler keeps it for audit).
//  - TRN-MQ-002 / RCV-DUR-001: a delivery is accepted only after the handler returned
//    `stored` or `duplicate` and the acknowledgement was accepted by the broker; a handler
//    failure releases it for redelivery (RabbitMQ 3.10 refuses "modified"), up to
//    `max_attempts`, then the body goes to `dead_letter` and the delivery is rejected.
//  - RCV-DUP-001: a message seen again (same message-id, or same body when it has none) while
//    in the bounded recent set is not handed to the handler again; its cached acknowledgement
//    is re-sent. A message still being handled is parked until that call returns.
//  - A handler result `rejected` (refused before storing) is answered with its ack, marked
//    apipnr-status "rejected", and the delivery is rejected once the broker took the answer.
//  - TRN-ACK-001: an answer the broker refuses (rejected or released outcome) releases the
//    delivery instead of settling it, so that the redelivery is answered again (from the recent
//    set, or by the handler as a duplicate); after `max_attempts` refusals for one message the
//    delivery is settled as it would have been (its data is stored) and AMQP-REPLY is logged.
//  - TRN-SIZE-001: a body larger than `max_body_bytes` is rejected and, when it has a reply-to,
//    answered with an AMQP-SIZE error reply; the consumer carries on.
//  - RCV-LIM-003: at most `credit` handler calls per source are outstanding, whatever the
//    broker sends. Credit is granted per source link for `credit` unsettled deliveries; a
//    broker that sends more anyway (RabbitMQ 3.x's AMQP 1.0 plugin at times) gets the extra
//    deliveries held back, unsettled and not handed over, until a call of their source ends,
//    at most `credit` of them; beyond that they are released back to the broker at once. So
//    at most 2 x `credit` bodies per source are held (each up to `max_body_bytes`).
//  - The connection is re-established with exponential back-off and jitter; deliveries that
//    were unsettled when it dropped are redelivered by the broker and hit the recent set.
//  - Every link is opened with terminus durability "configuration", so RabbitMQ declares
//    /queue/NAME durable; producers must declare it the same way (docs/AMQP.md).
//  - Limitation: Proton assembles a whole message before the size check, so an oversized
//    body is held in memory once before it is rejected (bound it at the broker as well).
//
// Threads: one Proton event thread owns the connection; `workers` threads call the handler
// (and, for an async_handler, the result builders its completions hand over), except for the
// deliveries `options::run_on_event_thread` keeps on the event thread. The handler is
// called concurrently from several threads and must be thread-safe; it must not throw
// (a thrown exception counts as `failed`). Every public member function of
// `consumer` is thread-safe. No exception leaves this component: Proton errors are caught at
// its boundary and reported as log lines and error codes (errc.hpp).
//
// Lifetime: the consumer must outlive every call of the handler; a completion may outlive the
// consumer (it is then ignored). The destructor calls stop() with a zero grace period when the
// consumer is still running.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/system/error_code.hpp>

#include "apipnr/amqp/errc.hpp"

namespace apipnr::amqp {

// One received message, as the handler sees it. `body` is valid for the duration of the call
// only; copy what must be kept.
struct inbound {
  std::string_view body;
  std::string source;          // the source address it came from, e.g. "/queue/apipnr.in"
  std::string message_id;      // AMQP message-id in text form ("" when absent)
  std::string correlation_id;  // AMQP correlation-id in text form ("" when absent)
  std::string reply_to;
  std::string subject;
  std::string content_type;
  bool body_was_binary = true;  // AMQP binary section (true) or AMQP string value (false)
  std::uint32_t attempt = 1;    // 1 on the first hand-over, 2 after one handler failure, ...
  std::chrono::system_clock::time_point received_at;
};

enum class handler_status : std::uint8_t {
  stored,     // the interchange is durably stored (the store's put() committed)
  duplicate,  // it was stored before (the store recognised it); the same outcome applies
  failed,     // nothing durable happened; the delivery must be redelivered
  // Not stored and never will be (the receiver refuses the input before storing it, e.g. an
  // unsupported content type or an empty body): `ack` (the error answer) is sent like an
  // acknowledgement, then the delivery is rejected. Redelivering would only repeat the answer.
  rejected,
};

// What the handler returns. `ack` is sent to the message's reply-to address (when it has one)
// with `ack_subject` ("CONTRL", "ACKRES", "CUSRES" or "" for none), `ack_content_type` and the
// `verdict` text ("accept", "accept_with_warnings", "reject") in the apipnr-verdict property.
struct handler_result {
  handler_status status = handler_status::failed;
  std::string ack;
  std::string ack_subject;
  std::string ack_content_type = "application/edifact";
  std::string verdict;
  std::string detail;  // why it failed (logged), or a note for the reply's apipnr-detail
  // Further string application properties of the reply (the receiver mirrors its HTTP
  // Location header as "location", so that a client can query the stored input).
  std::vector<std::pair<std::string, std::string>> properties;
};

using handler = std::function<handler_result(const inbound&)>;

// Asynchronous form. The handler returns at once (the body view is valid during the call only)
// and later calls its `completion` exactly once, from any thread (the store's writer after its
// COMMIT, say), with a function that builds the result. The consumer runs that function on one
// of its worker threads, so the completing thread only hands it over, then settles the delivery
// on its event thread. A thrown exception (from the handler before it completed, or from the
// builder) counts as `failed`. A completion called after stop() returned is ignored (the
// delivery was released or aborted, and the broker redelivers it). No worker thread is held
// while the call is outstanding: at most `credit` per source are, the unsettled deliveries.
using completion = std::function<void(std::function<handler_result()>)>;
using async_handler = std::function<void(const inbound&, completion)>;

// A message the consumer sends on its own connection (consumer::publish), e.g. the receiver's
// unsolicited CUSRES 132 to a carrier's queue. Always durable; the body is an AMQP binary.
struct outbound {
  std::string address;  // target, e.g. "/queue/carrier.unsolicited" (declared durable)
  std::string body;
  std::string message_id;      // "" = none
  std::string correlation_id;  // "" = none
  std::string reply_to;        // "" = none (where the recipient should answer)
  std::string subject;
  std::string content_type = "application/edifact";
  std::vector<std::pair<std::string, std::string>> properties;  // string application properties
};

// The outcome of one publish(): {} once the broker accepted the message (its settlement is
// the delivery: the broker holds it durably); otherwise not_connected (nothing was sent),
// publish_refused (the broker rejected or released it) or publish_unknown (the connection
// dropped before the broker settled it: it may or may not have arrived).
using publish_done = std::function<void(boost::system::error_code)>;

enum class log_level : std::uint8_t { debug, info, warning, error };
using log_sink = std::function<void(log_level, std::string_view)>;

struct options {
  // amqp://[user:password@]host:port. The password is never logged.
  std::string url;
  // Source addresses, e.g. "/queue/apipnr.in" (RabbitMQ declares the queue) or
  // "/amq/queue/NAME" (an existing queue).
  std::vector<std::string> sources;
  // Where a body goes after `max_attempts` handler failures (RCV-BAD-001, nothing is dropped).
  std::string dead_letter = "/queue/apipnr.dead";
  std::size_t max_body_bytes = std::size_t{16} << 20;  // TRN-SIZE-001
  std::uint32_t credit = 64;       // unsettled deliveries per source link, handler calls per source
  std::uint32_t max_attempts = 5;  // handler calls per message
  std::size_t workers = 2;         // threads calling the handler
  std::size_t recent_capacity = 4096;  // message keys remembered (RCV-DUP-001)
  std::chrono::milliseconds reconnect_initial{100};
  std::chrono::milliseconds reconnect_max{5000};
  std::chrono::milliseconds idle_timeout{10000};  // AMQP heartbeat; 0 = none
  std::string container_id;                       // "" = generated
  // false: no acknowledgement is sent at all (a delivery is settled as if it had no reply-to).
  // Only for fault injection (the receiver's `no-queue-ack` fault); error replies still go.
  bool send_replies = true;
  // Called on the event thread for each delivery about to be handed to the handler (`body`
  // set). True: the handler runs right there, on the event thread, and so does the result
  // builder its completion hands over (batched: one event-thread round per group of
  // completions, e.g. per store commit); no worker is involved. That saves two thread hand-offs
  // per message, but while such a call runs the connection serves nothing else (heartbeats,
  // settlements, other deliveries): only for a handler that never blocks, a short bounded
  // computation that hands any wait (a commit) to another thread, like the receiver's API
  // intake (docs/AMQP.md "Threads and errors"). It must not throw. Unset or false: a worker.
  std::function<bool(const inbound&)> run_on_event_thread;
  log_sink log;  // nullptr = stderr for warning and above
  // Lines below this level are neither built nor passed to `log` (set it to the sink's own
  // threshold: the per-delivery debug line is then never formatted).
  log_level log_threshold = log_level::debug;
};

// Counters, readable at any time (a consistent snapshot is not promised between fields).
struct stats {
  std::uint64_t received = 0;  // deliveries seen (including redeliveries)
  std::uint64_t handled = 0;   // handler calls that returned stored, duplicate or rejected
  std::uint64_t accepted = 0;  // deliveries settled as accepted
  std::uint64_t released = 0;  // deliveries released for redelivery
  std::uint64_t rejected = 0;  // deliveries rejected (size, body type, dead letter)
  std::uint64_t handler_failures = 0;
  std::uint64_t duplicates = 0;  // deliveries answered from the recent set
  std::uint64_t dead_lettered = 0;
  std::uint64_t reply_failures = 0;
  std::uint64_t connects = 0;     // successful connection opens
  std::uint64_t disconnects = 0;  // connections lost (not counting stop)
  // Deliveries the broker sent beyond the credit (RabbitMQ 3.x does at times): held back,
  // unsettled, until a handler slot freed; released back to it when `credit` already waited.
  std::uint64_t held_back = 0;
  std::uint64_t held_released = 0;
};

class consumer {
 public:
  consumer(options opts, handler h);
  consumer(options opts, async_handler h);
  ~consumer();
  consumer(const consumer&) = delete;
  consumer& operator=(const consumer&) = delete;

  // Validates the options and starts the event and worker threads; connecting happens in the
  // background (and again after every loss). Errors: invalid_url, no_sources,
  // invalid_limits, already_started. Start once per object.
  boost::system::error_code start();

  // Graceful stop: no more credit; prefetched deliveries not yet handed over are released;
  // handler calls in progress finish and their deliveries are settled; then the connection is
  // closed. When `grace` runs out first, the connection is aborted (the broker redelivers what
  // is unsettled) and stop_timeout is returned. Idempotent; returns once every thread ended.
  boost::system::error_code stop(std::chrono::milliseconds grace);

  // True while the consumer holds an open connection with its receivers attached.
  bool connected() const noexcept;

  // Sends `m` on the consumer's connection (one sender link per address, opened on first use,
  // terminus durability "configuration"). Never blocks and never retries: `done` is called
  // exactly once, on the event thread, or on the calling thread when the consumer is not
  // running (not_connected); it must be short and must not block. A publish still unsettled
  // holds a graceful stop() until the broker settles it (or the grace runs out).
  void publish(outbound m, publish_done done);

  stats counters() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace apipnr::amqp
