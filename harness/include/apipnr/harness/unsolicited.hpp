// The harness as the carrier of the iAPI dialogue's second half (shared contract C3,
// docs/HARNESS.md "Status changes and unsolicited CUSRES"):
//
//  - carrier_simulator: an HTTP listener (target `unsolicited.http_listen`, path
//    /carrier/v1/cusres) that keeps every message the receiver POSTs and answers each with the
//    harness's own CUSRES 312 echoing it (API-IAPI-FLOW-008, API-CUSRES-ACK-001);
//  - make_carrier_acknowledgement(): that 312, written by the harness (never the reference's
//    writer: the harness judges the reference);
//  - make_step_executor(): the step_executor (step_executor.hpp) for `control` (POST the step's
//    JSON to `control.status_change_url` with the target's authentication, judge the HTTP
//    status against expect.http_status, default 202) and `await_unsolicited` (wait up to
//    `within_ms` for the next message naming the flight and ABO of the case's last control
//    step; judge it with expect.cusres through judge_cusres(); none: `timeout`).
//
// Thread safety: the simulator takes requests on its own thread and hands messages to any
// number of waiting take() calls; the executor is safe for concurrent execute() of different
// cases (step_executor contract).
// Errors: start() and make_step_executor() return null with a reason; nothing here throws on
// what an endpoint sends.
// Lifetime: the executor owns its simulator; destroying it stops the listener.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "apipnr/harness/step_executor.hpp"
#include "apipnr/harness/target.hpp"

namespace apipnr::harness {

// One message the receiver sent to the simulated carrier.
struct unsolicited_message {
  std::string body;
  std::string content_type;
  std::string remote;  // "address:port" of the sender; for a queue, amqp://host:port/ADDRESS
  std::chrono::system_clock::time_point at{};
  // What the simulator answered: 200 with a 312, 4xx for a body it cannot read; 0 when it
  // could not answer (a queue message without reply-to).
  int answered_status = 0;
};

class carrier_simulator {
 public:
  // Listens on `listen` ("address:port", port 0 = any free one). Null with `why` on failure.
  static std::unique_ptr<carrier_simulator> start(const std::string& listen, std::string& why);
  virtual ~carrier_simulator() = default;
  // http://address:port/carrier/v1/cusres, with the bound port.
  virtual std::string url() const = 0;
  // Removes and returns the oldest message for which `match(body)` holds, waiting up to
  // `within` for one to arrive; nullopt when none did.
  virtual std::optional<unsolicited_message> take(
      const std::function<bool(const std::string&)>& match, std::chrono::milliseconds within) = 0;
  // Messages received so far (taken or not).
  virtual std::size_t received() const = 0;
};

// The carrier's CUSRES 312 for `cusres_132`: the same segments with BGM 312, the UNB parties
// swapped and `control_reference` in UNB/UNZ. Empty when `cusres_132` is not a readable
// interchange with UNB, BGM and UNZ.
std::string make_carrier_acknowledgement(std::string_view cusres_132,
                                         std::string_view control_reference);

// The executor for a target's `control` and `unsolicited` sections (either may be absent:
// supports() says which step kinds run). Starts the simulator when `unsolicited.http_listen`
// is set; `listening` receives its URL. An `unsolicited.queue` needs the AMQP simulator
// (unsolicited_amqp.hpp), passed in with the overload below; without it such a target
// supports no await_unsolicited step (the runner skips those cases with its reason).
// Null with `why` when the listener cannot start.
std::unique_ptr<step_executor> make_step_executor(const target& t, std::string& why,
                                                  std::string* listening = nullptr);

// The executor for the target's `control` section and a simulator the caller started (null:
// no await_unsolicited steps).
std::unique_ptr<step_executor> make_step_executor(const target& t,
                                                  std::unique_ptr<carrier_simulator> simulator);

}  // namespace apipnr::harness
