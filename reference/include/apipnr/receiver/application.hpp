// The reference receiver assembled: configuration -> checker (pipeline), store, iAPI engine,
// service, HTTP server. The executable (main.cpp) is run_main(); tests can build an
// `application` in-process from a config.
//
// Errors: process edge. The constructor throws std::runtime_error with an
// "[apipnr.receiver.NNN]" ID (docs/error-codes-receiver.md) when a component cannot start.
// Thread safety: stop() may be called from any thread (a signal watcher); the rest from one.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <ostream>

#include "apipnr/receiver/config.hpp"
#include "apipnr/receiver/service.hpp"
#include "apipnr/transport/http_server.hpp"

namespace apipnr::receiver {

class amqp_intake;        // reference/src/receiver/amqp_intake.hpp (builds with Qpid Proton only)
class status_controller;  // apipnr/receiver/unsolicited.hpp

class application {
 public:
  // Builds and starts everything; the server is listening when this returns.
  // `log_out` receives the JSON log lines and must outlive the application.
  application(config c, std::ostream& log_out);
  ~application();
  application(const application&) = delete;
  application& operator=(const application&) = delete;

  std::uint16_t port() const noexcept;
  const config& settings() const noexcept { return config_; }
  // Graceful shutdown: stop accepting, finish in-flight requests, stop the AMQP intake (its
  // handler calls finish and are settled, up to amqp.stop_grace), then close the store.
  // Idempotent.
  void stop() noexcept;

 private:
  config config_;
  std::shared_ptr<logger> log_;
  std::shared_ptr<message_store> store_;
  std::shared_ptr<service> service_;
  std::unique_ptr<transport::server> server_;
  std::unique_ptr<amqp_intake> amqp_;           // null unless amqp.url is set
  std::shared_ptr<status_controller> control_;  // the control API (officer status changes)
  std::atomic<bool> stopped_{false};
};

// The executable: parses flags (CLI11, overriding the --config file), starts the application,
// prints "listening on <address>:<port>" on stdout, waits for SIGTERM/SIGINT, stops gracefully.
// Returns the process exit code: 0 after a clean stop, 1 on a start-up error (its
// [apipnr.receiver.NNN] message on stderr), 2 on a usage error.
int run_main(int argc, char** argv);

}  // namespace apipnr::receiver
