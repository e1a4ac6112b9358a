// The reference receiver's durable store: one SQLite file (WAL) holding every received
// interchange (raw bytes, SHA-256, verdict, findings), its canonical messages and normalised
// query tables (flights, travellers, documents, PNRs), plus a hash-chained, append-only audit
// log. docs/STORE.md describes the schema, the durability argument and the retention design.
//
//   auto s = apipnr::store::store::open({.path = "receiver.db"});
//   if (!s) { ...s.error() is an apipnr.store code (STO-*)... }
//   auto r = (*s)->put(std::move(received));      // blocks until COMMIT returned
//   if (r && !r->duplicate) acknowledge(r->id);   // RCV-DUR-001: ack only after durable
//
// Writes (put, audit rows, retention) go through ONE writer thread that owns the write
// connection. Concurrent puts are batched into one transaction (group commit: at most
// options::max_batch puts, those queued while the previous commit ran); a put
// completes only after COMMIT of its batch returned (RCV-DUR-001, RCV-DUR-002). Reads use a
// pool of read-only connections and never block the writer (WAL).
//
// Thread safety: every member function of `store` may be called from any number of threads at
// once. Callbacks of put_async() run on the writer thread; they must be short and must not call
// a blocking member of the same store (that would wait for the thread running the callback).
//
// Errors: no exceptions on put, queries or retention (only std::bad_alloc); everything else is
// an apipnr::store::errc (errc.hpp, docs/error-codes-store.md).
//
// Lifetime: open() returns a unique_ptr; destroying it (or close()) drains the queue, commits
// what is queued, completes every callback, then joins the writer. Records are owned by the
// store; query results are owned strings.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include "apipnr/common/diagnostic.hpp"
#include "apipnr/model/canonical.hpp"
#include "apipnr/store/errc.hpp"

namespace apipnr::store {

using clock_type = std::chrono::system_clock;
using time_point = clock_type::time_point;

enum class channel : std::uint8_t { http, amqp };
enum class data_category : std::uint8_t { api, pnr };
// What the reference pipeline concluded; `failed` means the receiver itself could not process
// the input (it is stored raw for replay, RCV-DUR-003, and a resend is not a duplicate,
// RCV-DUP-003).
enum class verdict : std::uint8_t { accept, accept_with_warnings, reject, failed };
// Retention state of an interchange (DP-RET-003, RCV-BAD-007).
enum class retention_state : std::uint8_t { received, masked, deleted };

std::string_view to_string(channel c) noexcept;
std::string_view to_string(data_category c) noexcept;
std::string_view to_string(verdict v) noexcept;
std::string_view to_string(retention_state s) noexcept;

// One received input and what the pipeline made of it. Owned values; put() takes it by value
// so intake code can move it in.
struct received {
  std::string raw;  // the bytes as received (hashed and stored as a BLOB)
  channel via = channel::http;
  std::string sender_identity;    // authenticated peer (TLS subject, AMQP user); required
  std::string sender;             // UNB sender / XML originator; may be empty
  std::string control_reference;  // UNB 0020; empty = duplicate check by hash only
  std::vector<std::string> message_references;  // UNH 0062 per message
  data_category category = data_category::api;
  apipnr::store::verdict outcome = verdict::accept;
  std::vector<diagnostic> findings;
  std::vector<std::int32_t> finding_message;  // per finding: message index or -1 (may be empty)
  std::vector<model::canonical_message> messages;
  std::optional<time_point> received_at;  // default: options::clock() at put()
};

struct put_outcome {
  std::int64_t id = 0;     // interchange id (new, or the existing record's for a duplicate)
  bool duplicate = false;  // RCV-DUP-001/002: nothing was stored, `id` is the first copy
};

// -- officer status changes and unsolicited CUSRES 132 (API-IAPI-FLOW-007/008) --------------
// A flight as the control API names it: carrier, number and the local departure date
// (YYYY-MM-DD) of its first leg, the key of the flights table.
struct flight_key {
  std::string carrier, number, date;
};

// One status change of one passenger: what the officer decided and the CUSRES 132 built for it.
// Stored before anything is sent (the 132 is evidence, RCV-DUR-001's analogue for outbound).
struct status_change {
  flight_key flight;
  std::string departure_airport;  // LOC+125 of the request's first leg
  std::string abo, avf;           // the passenger's RFF+ABO / RFF+AVF from the request
  std::int64_t request_id = 0;    // interchange id of the iAPI request naming the passenger
  std::string directive;          // the new status (ERC 9321, e.g. "1Z")
  std::string previous;           // the status it replaces
  std::string text;               // FTX+AAP text sent with it; may be empty
  std::string actor;              // authenticated requester (audit, DP-LOG-004)
  std::string control_reference;  // the 132's UNB 0020, the carrier's correlation key
  std::string message;            // the 132 interchange bytes
  std::string destination;        // carrier endpoint (URL without credentials, or queue)
};

enum class delivery_state : std::uint8_t { pending, delivered, failed };
std::string_view to_string(delivery_state s) noexcept;

// Outcome of delivering one 132 and what the carrier answered (API-IAPI-FLOW-008).
struct delivery_record {
  delivery_state state = delivery_state::pending;
  std::uint32_t attempts = 0;
  std::string last_error;       // why the last attempt failed; empty when delivered
  std::string acknowledgement;  // the carrier's answer bytes (CUSRES 312), may be empty
  // "acknowledged" (a 312 echoing the 132), "error" (a 312 with ERP+1 / ERC), "invalid" (not a
  // 312 that echoes the 132: ack_detail says why) or "" (nothing received).
  std::string ack_result;
  std::string ack_detail;
};

// A status change whose 132 is still `pending` (pending_deliveries()). `change.actor` and
// `change.request_id` are not read back.
struct pending_delivery {
  std::int64_t id = 0;
  status_change change;
  std::uint32_t attempts = 0;  // delivery attempts made so far
};

// Per data category: depersonalise after `mask_after`, delete after `delete_after`
// (DP-RET-001, DP-RET-002). nullopt disables the stage. Both count from received_at.
struct retention_schedule {
  std::optional<std::chrono::seconds> mask_after;
  std::optional<std::chrono::seconds> delete_after;
};

// Which canonical-JSON fields depersonalisation masks (DP-MASK-001, DP-MASK-002). A rule is a
// key ("surname": that key anywhere) or "container.key" ("documents.number": `number` inside an
// element of a `documents` array or object). Matching string values become "***"; a matching
// array of strings has every element masked; `year_only` keys keep their first four
// characters (YYYY, for age analytics). Everything else (gender, nationality, ports, flight,
// document type and issuing state, counts) stays, so flight-level aggregates survive
// (DP-MASK-003).
struct masking_rules {
  std::vector<std::string> mask = {"surname",
                                   "given_names",
                                   "middle_names",
                                   "title",
                                   "place_of_birth",
                                   "documents.number",
                                   "contacts.value",
                                   "addresses.street",
                                   "addresses.postal_code",
                                   "addresses.free_text",
                                   "addresses.city",
                                   "references.value",
                                   "frequent_flyer.number",
                                   "tickets.number",
                                   "payments.account_masked",
                                   "ssrs.text",
                                   "osi",
                                   "history.text",
                                   "other_segments.text",
                                   "reporting_party.name",
                                   "seat",
                                   "check_in.seat",
                                   "agent_id"};
  std::vector<std::string> year_only = {"date_of_birth"};
};

struct options {
  std::filesystem::path path;  // the database file (created when missing)
  // Group commit (RCV-DUR-001): a batch is at most max_batch puts: those that queued while the
  // previous COMMIT (its fsync) ran. With max_wait > 0 the writer also waits up to max_wait
  // after the first put of a batch for more; the default 0 commits as soon as the writer is
  // idle (a fixed wait was a latency floor for every iAPI request, docs/PERFORMANCE.md).
  // max_batch = 1 gives one transaction per put.
  std::size_t max_batch = 256;
  std::chrono::microseconds max_wait{0};
  std::size_t max_queue = 10000;  // queued puts beyond this are refused with queue_full
  // PRAGMA synchronous: true = FULL (WAL fsynced at every commit: survives power loss, the
  // default; see docs/STORE.md), false = NORMAL (survives a process crash only).
  bool sync_full = true;
  // WAL checkpointing off the commit path (docs/STORE.md, "Durability"). The writer connection
  // never checkpoints on its own (SQLite's auto-checkpoint would copy the WAL into the main
  // file inside a COMMIT, delaying every put of the batch); a checkpointer thread with its own
  // connection runs a PASSIVE checkpoint whenever a commit leaves checkpoint_pages frames or
  // more in the WAL. When a commit leaves wal_limit_pages or more (passive checkpoints never
  // caught up between two commits, or a reader pins old frames), the writer runs a RESTART
  // checkpoint itself after completing that batch, waiting up to busy_timeout for readers:
  // the WAL file stays below wal_limit_pages plus one batch, unless a reader keeps a snapshot
  // open for longer. checkpoint_pages = 0: SQLite's auto-checkpoint on the writer every 1000
  // pages (the earlier behaviour, kept for comparison). wal_limit_pages >= checkpoint_pages.
  // 1000 (SQLite's own auto-checkpoint size): smaller checkpoints end in shorter fsyncs of the
  // database file, behind which the WAL's fdatasyncs queue on the same disk; the iAPI open
  // model's p99 on disk fell from 4.7-5.4 to 3.9-4.5 ms against 4000 pages, PAXLST-300 unchanged
  // (docs/PERFORMANCE.md, "On a quiet machine, session 8"). wal_limit_pages 32000 (4000 until
  // session 9): a RESTART holds the writer while it copies what the last passive checkpoint
  // left and syncs twice, and at 5,000 iAPI requests/s 4000 frames were reached every ~0.25 s,
  // a stall for about 1 % of the requests (docs/STORE.md, "How long checkpoints take"); the WAL
  // file grows to about 128 MiB at 4 KiB pages and is reused.
  std::size_t checkpoint_pages = 1000;
  std::size_t wal_limit_pages = 32000;
  // Checkpoints in steps (docs/STORE.md, "Checkpoints in steps"): past checkpoint_pages, the
  // checkpointer starts a passive checkpoint only once the commits have added at least this
  // many frames since the last one copied (or the WAL is within this many frames of
  // wal_limit_pages, so that the writer's RESTART there has no more to copy than without
  // steps). A checkpoint copies each page once however many frames of it the WAL holds, and
  // every small commit rewrites the same last leaves of its b-trees: back to back (0, the
  // behaviour until session 17) each checkpoint covered about one commit and copied nearly
  // every frame written, 3.6 pages per iAPI put at 5,000 requests/s, with two syncs each.
  // 256: at six one-passenger puts per commit (3.6 frames per put) the pages copied per put
  // fall from 3.3 to 1.0 (about the database's growth) and the checkpoints from 0.87 to 0.08
  // per commit (docs/PERFORMANCE.md, session 17). 0 = a checkpoint after every commit.
  std::size_t checkpoint_step_pages = 256;
  // Paced writeback of the checkpointer's checkpoints: while a checkpoint copies pages into the
  // database file, the file is synced every checkpoint_sync_bytes written, so the pages reach
  // the disk in chunks of that size instead of in one burst at the checkpoint's final sync,
  // behind which the writer's WAL syncs would wait (docs/STORE.md). 0 = one sync at the end
  // (SQLite's own behaviour). Durability is the same either way: SQLite still syncs the file
  // before it records the checkpoint.
  std::size_t checkpoint_sync_bytes = 0;
  // Writes gathered (docs/STORE.md, "Writes gathered"): SQLite writes every WAL frame as two
  // writes (its header, then the page) and a checkpoint every page it copies as one, each a
  // system call of its own. Writes that continue each other are copied into a buffer of this
  // many bytes and reach the file in writes of up to 64 KiB: the writer's WAL writes (with
  // sync_full only), at the commit's sync at the latest; a checkpoint's writes into the
  // database file, at the end of its copy, before SQLite syncs the file and records the
  // checkpoint. 0 = SQLite's own writes. At most INT_MAX.
  std::size_t write_buffer_bytes = std::size_t{256} << 10;
  std::chrono::milliseconds busy_timeout{5000};
  // Page size of a new file (0 = SQLite's default, 4096); an existing file keeps its own.
  // Smaller pages write less per small commit (docs/STORE.md, "Checkpoints").
  std::size_t page_size = 0;
  // Limits (RCV-LIM-001): refused with raw_too_large / too_many_messages / page_limit.
  std::size_t max_raw_bytes = std::size_t{16} << 20;
  std::size_t max_messages_per_put = 10000;
  std::size_t max_page_size = 1000;
  std::size_t default_page_size = 100;
  std::size_t max_readers = 4;  // read-only connections kept in the pool
  retention_schedule api_retention;
  retention_schedule pnr_retention;
  masking_rules masking;
  // Injectable clock (received_at default, audit row times). Must be thread-safe.
  std::function<time_point()> clock = [] { return clock_type::now(); };
};

struct page {
  std::size_t offset = 0;
  std::size_t limit = 0;  // 0 = options::default_page_size
};

struct retention_report {
  std::size_t masked = 0;   // interchanges depersonalised by this run
  std::size_t deleted = 0;  // interchanges whose content was deleted by this run
  // iAPI status changes (API category schedule, counted from their `at`): masked (ABO, AVF,
  // text, the 132 and 312 bytes) and deleted rows.
  std::size_t status_changes_masked = 0;
  std::size_t status_changes_deleted = 0;
};

struct audit_verification {
  bool ok = true;
  std::uint64_t rows = 0;           // rows checked
  std::uint64_t first_bad_seq = 0;  // when !ok: the first row whose link or hash is wrong
};

// Counters since open (for tests and metrics). Monotonic.
struct statistics {
  std::uint64_t transactions = 0;  // committed write transactions (batches and tasks)
  std::uint64_t puts = 0;          // acknowledged puts (new and duplicate)
  std::uint64_t duplicates = 0;
  std::uint64_t largest_batch = 0;       // most puts committed by one transaction
  std::uint64_t checkpoints = 0;         // checkpoints run by the checkpointer thread (passive)
  std::uint64_t forced_checkpoints = 0;  // RESTART checkpoints the writer ran at the limit
  std::uint64_t wal_frames = 0;          // frames in the WAL after the latest commit
  // Where a put's time goes (docs/PERFORMANCE.md "iAPI latency in the open model"), as
  // cumulative histograms over the bounds below (the last bucket counts everything): per put,
  // from put_async() queuing it to the writer starting its batch; per group commit of puts,
  // from BEGIN to the end of COMMIT (the INSERTs and, with sync_full, the fsync); and the puts
  // per such commit.
  static constexpr std::array<double, 9> wait_bounds_seconds = {
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1};
  static constexpr std::array<std::uint64_t, 9> batch_bounds = {1, 2, 4, 8, 16, 32, 64, 128, 256};
  std::array<std::uint64_t, 10> queue_wait{};   // [i]: waits <= wait_bounds_seconds[i]; [9]: all
  double queue_wait_sum = 0;                    // seconds
  std::array<std::uint64_t, 10> commit_time{};  // per group commit of puts, same bounds
  double commit_time_sum = 0;                   // seconds
  std::array<std::uint64_t, 10> batch_puts{};   // [i]: commits of <= batch_bounds[i] puts
  std::uint64_t batch_puts_sum = 0;
  // Checkpoints (docs/STORE.md, "Checkpoints off the commit path"), same time bounds: each
  // passive checkpoint of the checkpointer thread (its WAL sync, the copy and the database
  // file's sync), with the WAL frames it copied; and each RESTART attempt of the writer at
  // wal_limit_pages, successful or not (time the writer spent on it, during which no batch
  // starts).
  std::array<std::uint64_t, 10> checkpoint_time{};
  double checkpoint_time_sum = 0;  // seconds
  std::uint64_t checkpoint_frames_sum = 0;
  std::array<std::uint64_t, 10> forced_checkpoint_time{};
  double forced_checkpoint_time_sum = 0;  // seconds
  // Syncs of the database file added by options::checkpoint_sync_bytes inside checkpoints.
  std::uint64_t checkpoint_writeback_syncs = 0;
  // options::write_buffer_bytes: SQLite's writes gathered (WAL frames of the writer, pages
  // copied by checkpoints into the database file), and the writes of the file they became.
  std::uint64_t wal_writes = 0;
  std::uint64_t wal_file_writes = 0;
  std::uint64_t checkpoint_writes = 0;
  std::uint64_t checkpoint_file_writes = 0;
  // Syncs of the WAL file that the checkpointer's checkpoints asked for and that were not made
  // because, with sync_full, every commit already synced the frames they copy (docs/STORE.md,
  // "Checkpoints off the commit path").
  std::uint64_t checkpoint_wal_syncs_skipped = 0;
};

using put_callback = std::function<void(boost::system::result<put_outcome>)>;

class store {
 public:
  // Opens or creates the file, applies pending migrations (PRAGMA user_version), sets WAL,
  // synchronous, foreign keys and busy timeout, and starts the writer thread.
  // Errors: open_failed, schema_too_new, migration_failed, invalid_options.
  static boost::system::result<std::unique_ptr<store>> open(options opts);

  // Stores one received input, blocking until its batch committed. Returns the new id, or the
  // existing id with duplicate = true when (sender, control_reference) or the raw SHA-256 is
  // already stored (RCV-DUP-001, RCV-DUP-002; records with verdict `failed` do not count,
  // RCV-DUP-003). Errors: raw_too_large, too_many_messages, invalid_input, queue_full, closed,
  // commit_failed, write_failed, hash_failed. On error nothing is acknowledged.
  [[nodiscard]] boost::system::result<put_outcome> put(received r);

  // Same, asynchronous: validation errors are returned at once (the callback is not called);
  // otherwise the callback is called exactly once, on the writer thread, after COMMIT returned
  // (or with the error). An HTTP handler acknowledges from the callback.
  [[nodiscard]] boost::system::error_code put_async(received r, put_callback done);
  // Same, with the record's canonical messages lent instead of given: `messages` is read only
  // during this call (turned into the rows the writer inserts, on the calling thread) and may
  // be used or changed by the caller as soon as it returns, even before `done` runs. For a
  // caller that still reads them after the commit (the receiver's iAPI acknowledgement is
  // built from the request's message): no copy of them is made. `r.messages` must be empty
  // (invalid_input otherwise); everything else as put_async(r, done).
  [[nodiscard]] boost::system::error_code put_async(
      received r, std::span<const model::canonical_message> messages, put_callback done);

  // -- read-only queries: canonical JSON text; each access writes an audit row (DP-LOG-004)
  // naming `actor` before data is returned (audit_failed otherwise). ----------------------------
  // {"id", "received_at", "channel", "sender", "sender_identity", "control_reference",
  //  "message_references", "sha256", "raw_size", "raw_available", "verdict", "category",
  //  "state", "masked_at"?, "deleted_at"?, "findings": [...], "messages": [canonical...]}.
  // Errors: not_found, read_failed, corrupt_record, audit_failed.
  [[nodiscard]] boost::system::result<std::string> get_interchange(std::int64_t id,
                                                                   std::string_view actor);
  // The raw bytes, for inspection and replay (RCV-DUR-003); not_found once depersonalised.
  [[nodiscard]] boost::system::result<std::string> get_raw(std::int64_t id, std::string_view actor);
  // Travellers of every stored message for the flight (carrier, number, departure date
  // YYYY-MM-DD of the first leg), API and PNR alike, in storage order; travellers of rejected
  // (or failed) inputs are left out, as in pnr_by_locator (they stay in get_interchange):
  // {"flight": {...}, "offset", "limit", "next_offset" (null at the end),
  //  "travellers": [{"interchange_id", "message_id", "category", "traveller": {...}}]}.
  // Errors: page_limit, read_failed, corrupt_record, audit_failed.
  [[nodiscard]] boost::system::result<std::string> flight_travellers(std::string_view carrier,
                                                                     std::string_view number,
                                                                     std::string_view date, page p,
                                                                     std::string_view actor);
  // Every stored PNR with this record locator: {"locator", "offset", "limit", "next_offset",
  //  "pnrs": [{"interchange_id", "message_id", "pnr": {...}}]}. The locator itself is not
  // written to the audit log (only the ids returned).
  [[nodiscard]] boost::system::result<std::string> pnr_by_locator(std::string_view locator, page p,
                                                                  std::string_view actor);

  // -- iAPI status (API-IAPI-FLOW-007/008) -------------------------------------------------------
  // Interchange ids of accepted inputs holding an iAPI request (message kind iapi_request) for
  // the flight, newest first (a later request, e.g. a change, supersedes an earlier one).
  // Errors: read_failed.
  [[nodiscard]] boost::system::result<std::vector<std::int64_t>> iapi_requests(const flight_key& f);
  // The passenger's current status from status changes: the newest change's directive, or
  // nullopt when none was recorded (the status is then the one the CUSRES 962 gave).
  // Errors: read_failed.
  [[nodiscard]] boost::system::result<std::optional<std::string>> iapi_status(const flight_key& f,
                                                                              std::string_view abo);
  // Records a change (delivery pending) with its audit row, in one committed transaction; from
  // then on it is the passenger's current status. Returns its id. Errors: invalid_input (no
  // abo, directive, reference or message), closed, commit_failed, write_failed.
  [[nodiscard]] boost::system::result<std::int64_t> put_status_change(status_change c);
  // Records the delivery outcome of change `id` (and an audit row). Errors: not_found, closed,
  // commit_failed, write_failed.
  [[nodiscard]] boost::system::error_code put_delivery(std::int64_t id, const delivery_record& d);
  // Status changes whose 132 is still `pending` (neither delivered nor given up; not masked by
  // retention), oldest first, at most `limit`: the receiver resumes their delivery after a
  // restart (docs/RECEIVER.md "Officer status changes"). Errors: read_failed.
  [[nodiscard]] boost::system::result<std::vector<pending_delivery>> pending_deliveries(
      std::size_t limit);
  // Status changes of a flight, oldest first (query interface; audited like every read):
  // {"flight": {...}, "status_changes": [{"id", "at", "departure_airport", "abo", "avf",
  //  "request_id", "directive", "previous", "text", "control_reference", "destination",
  //  "delivery", "attempts", "last_error", "delivered_at"?, "acknowledgement"?, "ack_result",
  //  "ack_detail", "message"}]}. Errors: read_failed, corrupt_record, audit_failed.
  [[nodiscard]] boost::system::result<std::string> status_changes(const flight_key& f,
                                                                  std::string_view actor);

  // -- data protection --------------------------------------------------------------------------
  // Depersonalises (masking rules, DOB to year, raw bytes and finding details dropped) every
  // interchange older than its category's mask_after, then deletes the content of every one
  // older than delete_after (a tombstone row with id, hash, sender, reference, verdict, state
  // and times stays, DP-RET-003, DP-LOG-002). Idempotent: a second run with the same `now`
  // changes nothing. Runs as one transaction on the writer thread and writes one audit row per
  // interchange touched plus one per run. Errors: retention_failed, closed.
  [[nodiscard]] boost::system::result<retention_report> apply_retention(time_point now,
                                                                        std::string_view actor);

  // Walks the audit chain: each row's prev_hash must equal the previous row's hash and its hash
  // must equal SHA-256(prev_hash || content). Errors: read_failed (a broken chain is not an
  // error: ok = false and first_bad_seq say where).
  [[nodiscard]] boost::system::result<audit_verification> verify_audit();

  statistics stats() const noexcept;
  const options& settings() const noexcept;

  // Drains the queue (every queued put is committed and completed), then stops the writer.
  // Later puts fail with `closed`. Idempotent.
  void close() noexcept;

  ~store();
  store(const store&) = delete;
  store& operator=(const store&) = delete;

  struct impl;

 private:
  explicit store(std::unique_ptr<impl> p) noexcept;
  std::unique_ptr<impl> impl_;
};

}  // namespace apipnr::store
