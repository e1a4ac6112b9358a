// Officer status changes of iAPI passengers and the unsolicited CUSRES 132 that tells the
// carrier (API-IAPI-FLOW-007), with the carrier's CUSRES 312 acknowledgement validated and
// recorded (API-IAPI-FLOW-008, API-CUSRES-ACK-001). docs/RECEIVER.md "Officer status changes".
//
//   POST /control/v1/status-change   {"flight": {...}, "traveller": {"abo", "avf"?},
//                                     "directive": "1Z", "text"?}
//   202 {"message_reference", "status_change_id", "delivery": "delivered"|"queued"}
//   400/413/415 bad body, 403 not allowed, 404 no such passenger, 409 status unchanged,
//   501 store without status support, 503 no carrier endpoint or store unavailable
//
// The passenger is found in the stored iAPI requests of the flight (newest first, by ABO; the
// AVF must match when given); the stored request is re-read with the reference checker, so the
// 132's flight group is built exactly like the 962's (responses::make_response). The change
// and its 132 are stored before anything is sent; then one delivery attempt is made at once and,
// when it fails, bounded retries follow on a background thread; every outcome is stored.
//
// Thread safety: handle() and metrics_text() may be called from many threads at once; the
// carrier_link implementations are thread-safe.
// Lifetime: the controller keeps shared ownership of its collaborators; stop() (or the
// destructor) ends the retry thread; deliveries still pending stay `pending` in the store, and
// the next controller on that store resumes them (up to 1,000 per start, oldest first).
// Errors: handle() never throws on input; every problem is an HTTP answer.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <boost/system/result.hpp>

#include "apipnr/receiver/config.hpp"
#include "apipnr/receiver/log.hpp"
#include "apipnr/receiver/service.hpp"

namespace apipnr::receiver {

// What one delivery attempt gave.
struct carrier_answer {
  bool delivered = false;  // the carrier took the 132 (HTTP 2xx, AMQP accepted)
  std::string error;       // why not (status, timeout, refused); empty when delivered
  std::string body;        // the carrier's answer (its CUSRES 312); empty when none came
};

// One way to the carrier. send() makes exactly one attempt, bounded by the link's timeout, and
// never throws. Thread-safe.
class carrier_link {
 public:
  virtual ~carrier_link() = default;
  virtual carrier_answer send(const std::string& cusres, const std::string& control_reference) = 0;
  // The destination for logs and the store (never credentials).
  virtual std::string destination() const = 0;
};

// HTTP/1.1 POST of the CUSRES (Content-Type application/edifact) to `url`; the body of a 2xx
// answer is the carrier's 312. Only http:// URLs (the reference talks to test carriers on
// loopback). Error: invalid_argument with `why` for a URL it cannot use.
boost::system::result<std::shared_ptr<carrier_link>> make_http_carrier_link(
    const std::string& url, std::chrono::milliseconds timeout, std::string& why);

class status_controller {
 public:
  // `link` may be null: the control API then answers 503 `unsolicited-not-configured`.
  status_controller(unsolicited_config cfg, std::shared_ptr<const checker> chk,
                    std::shared_ptr<message_store> st, std::shared_ptr<const iapi_decider> iapi,
                    std::shared_ptr<logger> log, std::shared_ptr<carrier_link> link,
                    std::string receiver_id);
  ~status_controller();
  status_controller(const status_controller&) = delete;
  status_controller& operator=(const status_controller&) = delete;

  // Any request under /control/.
  transport::response handle(const transport::request& req);
  // Prometheus text: apipnr_status_changes_total{outcome}, apipnr_unsolicited_deliveries_total
  // {outcome}, apipnr_unsolicited_acknowledgements_total{result}, apipnr_unsolicited_pending.
  std::string metrics_text() const;
  // Ends the retry thread (pending deliveries stay `pending` in the store). Idempotent.
  void stop() noexcept;

 private:
  struct pending {
    std::int64_t id = 0;
    std::string message, control_reference, abo, flight, directive;
    std::uint32_t attempts = 0;
    std::chrono::steady_clock::time_point due;
    std::chrono::milliseconds backoff{0};
  };
  transport::response status_change(const transport::request& req);
  enum class attempt_outcome : std::uint8_t { delivered, failed, retry };
  // One attempt; records the outcome (failed: out of attempts).
  attempt_outcome attempt(pending& p);
  void retry_loop();
  void resume_pending();

  unsolicited_config cfg_;
  std::shared_ptr<const checker> checker_;
  std::shared_ptr<message_store> store_;
  std::shared_ptr<const iapi_decider> iapi_;
  std::shared_ptr<logger> log_;
  std::shared_ptr<carrier_link> link_;
  std::string receiver_id_;
  std::atomic<std::uint64_t> control_counter_{0};

  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<pending> queue_;
  bool stopping_ = false;
  std::thread retry_thread_;

  // Counters: changes {accepted, not_found, unchanged, invalid}; deliveries {delivered, retried,
  // failed}; acknowledgements {acknowledged, error, invalid, none}.
  std::atomic<std::uint64_t> changes_[4]{};
  std::atomic<std::uint64_t> deliveries_[3]{};
  std::atomic<std::uint64_t> acks_[4]{};
  std::atomic<std::uint64_t> pending_count_{0};
};

}  // namespace apipnr::receiver
