// Configuration of the reference receiver: one JSON file (schema:
// specs/receiver/receiver.schema.json, example: specs/receiver/receiver.example.json) and
// command-line flags that override it. docs/RECEIVER.md describes every key.
//
// Errors: these functions run at the process edge and throw std::runtime_error whose message
// starts with an ID "[apipnr.receiver.NNN]" (docs/error-codes-receiver.md); the text names the
// file and JSON pointer, never a token value.
// Thread safety: plain values and reentrant functions.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "apipnr/transport/http_server.hpp"

namespace apipnr::receiver {

// AMQP 1.0 intake (docs/AMQP.md, docs/RECEIVER.md "AMQP intake"). Off while `url` is empty.
struct amqp_config {
  std::string url;  // amqp://[user:password@]host:port; the password is never logged
  // One source address per intake kind ("/queue/NAME" or "/amq/queue/NAME"); empty = none.
  std::string paxlst, iapi, pnr_edifact, pnr_xml;
  std::string dead_letter = "/queue/apipnr.dead";
  // The sender identity stored with each input (store `sender_identity`); empty = the
  // broker user of `url`, or "amqp" when it has none.
  std::string sender_identity;
  std::uint32_t credit = 64;  // unsettled deliveries per source link
  // Handler threads: they run the checks; API intake hands the record to the store and does
  // not wait for its group commit (asynchronous, docs/PERFORMANCE.md "AMQP intake"), so the
  // credit, not this, bounds the deliveries in flight. PNR intake still waits on its worker.
  // 0 = automatic (default_amqp_workers in amqp_intake.hpp): the usable CPUs for API queues
  // only, 32 when a PNR queue is consumed.
  std::size_t workers = 0;
  // A PAXLST or iAPI message of at most this many body bytes is handled on the consumer's
  // event thread (amqp::options::run_on_event_thread): check, hand-off to the store and,
  // after the COMMIT, the acknowledgement, with no worker hand-off (docs/RECEIVER.md "AMQP
  // intake"). 0: always a worker. The application sets 0 when faults are active (a stalling
  // stage must not block the connection).
  std::size_t event_thread_max_bytes = 0;
  std::uint32_t max_attempts = 5;
  std::chrono::milliseconds reconnect_initial{100}, reconnect_max{5000};
  std::chrono::milliseconds idle_timeout{10000};
  std::chrono::milliseconds stop_grace{10000};
  // false: acknowledgements are never sent to reply-to (the `no-queue-ack` fault only).
  bool send_replies = true;

  bool enabled() const noexcept { return !url.empty(); }
};

// Where and how the carrier is told of officer status changes (unsolicited CUSRES 132,
// docs/RECEIVER.md "Officer status changes"). Off while both are empty.
struct unsolicited_config {
  std::string url;    // http://host[:port]/path of the carrier's endpoint (HTTP POST)
  std::string queue;  // AMQP address of the carrier's queue (through the intake's broker)
  // With `queue`: the AMQP address the 132 names as its reply-to and the receiver consumes,
  // where the carrier's CUSRES 312 comes back (correlated by the 132's control reference).
  // Empty: no reply-to, and no 312 is read over AMQP.
  std::string reply_queue;
  std::uint32_t max_attempts = 5;  // delivery attempts in all, the first one included
  std::chrono::milliseconds retry_initial{200}, retry_max{5000};  // back-off, doubled each time
  std::chrono::milliseconds attempt_timeout{5000};                // one attempt, connect to answer

  bool enabled() const noexcept { return !url.empty() || !queue.empty(); }
};

struct config {
  transport::server_options server;
  std::filesystem::path specs_dir = "specs";
  std::string profile = "baseline";
  bool tolerant = false;             // syntax mode (RCV-BAD-005)
  std::filesystem::path store_path;  // empty = in-memory store (demos and tests only)
  bool store_sync_full = true;
  // store::options::checkpoint_pages, wal_limit_pages, page_size, checkpoint_sync_bytes,
  // write_buffer_bytes, checkpoint_step_pages when set (docs/STORE.md).
  std::optional<std::size_t> store_checkpoint_pages, store_wal_limit_pages;
  std::optional<std::size_t> store_page_size, store_checkpoint_sync_bytes;
  std::optional<std::size_t> store_write_buffer_bytes, store_checkpoint_step_pages;
  // service_options::io_thread_max_bytes (threads.io_thread_max_bytes); unset: 4096 when the I/O
  // threads cover every usable CPU, else 0 (application.cpp). Ignored (0) when a fault is
  // injected.
  std::optional<std::size_t> io_thread_max_bytes;
  std::filesystem::path iapi_watchlist, iapi_authorisations;
  std::string receiver_id = "APIPNR";  // our UNB sender in acknowledgements
  std::string log_level = "info";
  // Use the syntax-only checker even when the pipeline is built (smoke tests).
  bool syntax_only = false;
  // Fault injection, "NAME[:ARG]" each (reference/src/receiver/faults.hpp, docs/RECEIVER.md
  // "Fault injection"): a deliberately wrong receiver for the harness's discrimination test.
  // validate() throws [apipnr.receiver.022] for a malformed list and [apipnr.receiver.021]
  // unless the listen address is loopback.
  std::vector<std::string> faults;
  amqp_config amqp;
  unsolicited_config unsolicited;
};

// Applies the members present in `j` (the file format) to `c`. Throws [apipnr.receiver.003]
// for an unknown key or a value of the wrong type.
void apply_json(config& c, const nlohmann::json& j);

// Reads and applies a configuration file. Throws [apipnr.receiver.001] (unreadable) or
// [apipnr.receiver.002] (not JSON) or [apipnr.receiver.003].
void load_file(config& c, const std::filesystem::path& file);

// Checks cross-field rules (TLS files present when TLS is on, limits > 0, AMQP: at least one
// queue and positive limits when a broker URL is set). Throws
// [apipnr.receiver.014].
void validate(const config& c);

}  // namespace apipnr::receiver
