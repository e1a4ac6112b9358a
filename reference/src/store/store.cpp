#include "apipnr/store/store.hpp"

#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <future>
#include <limits>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <unordered_map>
#include <utility>
#include <variant>

#include "hash_index_internal.hpp"
#include "paced_vfs_internal.hpp"
#include "schema_internal.hpp"
#include "sqlite_internal.hpp"
#include "util_internal.hpp"

namespace apipnr::store {

std::string_view to_string(channel c) noexcept { return c == channel::http ? "http" : "amqp"; }
std::string_view to_string(data_category c) noexcept {
  return c == data_category::api ? "api" : "pnr";
}
std::string_view to_string(verdict v) noexcept {
  switch (v) {
    case verdict::accept:
      return "accept";
    case verdict::accept_with_warnings:
      return "accept_with_warnings";
    case verdict::reject:
      return "reject";
    case verdict::failed:
      return "failed";
  }
  return "failed";
}
std::string_view to_string(delivery_state s) noexcept {
  switch (s) {
    case delivery_state::pending:
      return "pending";
    case delivery_state::delivered:
      return "delivered";
    case delivery_state::failed:
      return "failed";
  }
  return "pending";
}
std::string_view to_string(retention_state s) noexcept {
  switch (s) {
    case retention_state::received:
      return "received";
    case retention_state::masked:
      return "masked";
    case retention_state::deleted:
      return "deleted";
  }
  return "received";
}

namespace {

using boost::system::error_code;
using detail::connection;
using detail::digest;
using detail::statement;
using nlohmann::json;

// -- what put() prepares on the caller's thread, so the writer only runs INSERTs ---------------

struct traveller_row {
  std::string pointer;  // JSON pointer into the message's canonical JSON
  int pnr = -1;         // index into message_row::pnrs, or -1
  std::string role;
  std::optional<std::string> surname, given_names, gender, date_of_birth, nationality;
  std::optional<std::string> documents;  // JSON array (detail::documents_json), none: NULL
};

struct pnr_row {
  std::string pointer;
  std::vector<std::pair<std::string, std::optional<std::string>>> locators;  // locator, company
};

struct flight_row {
  std::string carrier, number, date, legs;
};

struct message_row {
  std::string kind, type;
  std::optional<std::string> reference;
  std::string canonical;
  std::optional<flight_row> flight;
  std::vector<pnr_row> pnrs;
  std::vector<traveller_row> travellers;
};

struct prepared_put {
  std::int64_t received_at = 0;
  std::string channel, sender_identity, sender, control_reference, message_references;
  digest sha{};
  std::string raw;
  std::string verdict, findings, category;
  std::vector<message_row> messages;
};

struct audit_entry {
  std::string event, actor;
  std::optional<std::int64_t> object_id;
  std::string detail;
};

// A unit of work for the writer thread. Puts and audit rows are group-committed together; a
// task (retention) runs alone in its own transaction.
struct put_job {
  prepared_put data;
  put_callback done;
};
struct audit_job {
  audit_entry entry;
  std::function<void(error_code)> done;
};
struct task_job {
  std::function<error_code(connection&)> run;
  std::function<void(error_code)> done;
  bool checkpoint_after = false;  // run PRAGMA wal_checkpoint(TRUNCATE) after COMMIT
};
using job = std::variant<put_job, audit_job, task_job>;

traveller_row make_traveller_row(const model::traveller& t, std::string pointer, int pnr) {
  traveller_row r;
  r.pointer = std::move(pointer);
  r.pnr = pnr;
  r.role = t.role;
  r.surname = t.surname.str();
  r.given_names = t.given_names.to_optional();
  r.gender = t.gender.to_optional();
  r.date_of_birth = t.date_of_birth.to_optional();
  r.nationality = t.nationality.to_optional();
  if (!t.documents.empty()) r.documents = detail::documents_json(t.documents);
  return r;
}

// `canonical_hint`: the expected size of the canonical JSON, reserved up front so that the
// text is not grown by doubling (seven reallocations and copies for an iAPI request's 1.3 kB).
message_row make_message_row(const model::canonical_message& m, std::size_t canonical_hint) {
  message_row r;
  r.kind = m.message.kind;
  r.type = m.message.type;
  r.reference = m.message.message_reference;
  r.canonical.reserve(canonical_hint);
  // Written straight from the model: the same text as nlohmann's dump of model::to_json() with
  // replace, without building the DOM, which with its text and destruction was about a quarter
  // of the receiver's CPU for a 300-traveller PAXLST (docs/PERFORMANCE.md, "Canonical JSON
  // writer").
  model::append_canonical_json(m, r.canonical);
  if (m.flight_info && m.flight_info->carrier && m.flight_info->number) {
    flight_row f;
    f.carrier = *m.flight_info->carrier;
    f.number = *m.flight_info->number;
    // The flight's date is the local departure date of its first leg (canonical date-times are
    // YYYY-MM-DDTHH:MM local time, specs/canonical/README.md); "" when the message has none.
    if (!m.flight_info->legs.empty() && m.flight_info->legs.front().departure.scheduled)
      f.date = m.flight_info->legs.front().departure.scheduled->substr(0, 10);
    f.legs = detail::legs_json(m.flight_info->legs);
    r.flight = std::move(f);
  }
  std::size_t travellers = m.travellers.size();
  for (const auto& p : m.pnrs) travellers += p.travellers.size();
  r.travellers.reserve(travellers);
  for (std::size_t i = 0; i < m.travellers.size(); ++i)
    r.travellers.push_back(
        make_traveller_row(m.travellers[i], "/travellers/" + std::to_string(i), -1));
  for (std::size_t p = 0; p < m.pnrs.size(); ++p) {
    pnr_row pr;
    pr.pointer = "/pnrs/" + std::to_string(p);
    for (const auto& l : m.pnrs[p].record_locators) pr.locators.emplace_back(l.locator, l.company);
    r.pnrs.push_back(std::move(pr));
    for (std::size_t i = 0; i < m.pnrs[p].travellers.size(); ++i)
      r.travellers.push_back(make_traveller_row(
          m.pnrs[p].travellers[i],
          "/pnrs/" + std::to_string(p) + "/travellers/" + std::to_string(i), static_cast<int>(p)));
  }
  return r;
}

// The travellers INSERT for `rows` rows (1 to traveller_rows_per_insert), each row's
// traveller_columns values bound in column order at (row * traveller_columns) + 1 onwards. The
// texts live as long as the process: the connection's statement cache is keyed by their address.
constexpr std::size_t traveller_rows_per_insert = 16;
constexpr std::size_t traveller_columns = 11;
const char* traveller_insert_sql(std::size_t rows) {
  static const std::array<std::string, traveller_rows_per_insert + 1> sql = [] {
    std::array<std::string, traveller_rows_per_insert + 1> a;
    for (std::size_t n = 1; n <= traveller_rows_per_insert; ++n) {
      a[n] =
          "INSERT INTO travellers(message_id, seq, pnr_id, pointer, role, surname, given_names, "
          "gender, date_of_birth, nationality, documents) VALUES";
      for (std::size_t r = 0; r < n; ++r) {
        a[n] += r == 0 ? "(" : ",(";
        for (std::size_t col = 0; col < traveller_columns; ++col) a[n] += col == 0 ? "?" : ",?";
        a[n] += ')';
      }
    }
    return a;
  }();
  return sql[rows].c_str();
}

// Length-prefixed fields, so that no two different rows serialise to the same bytes.
std::string audit_content(std::int64_t seq, std::int64_t at, const audit_entry& e) {
  std::string s;
  auto field = [&s](std::string_view v) {
    s += std::to_string(v.size());
    s += ':';
    s += v;
  };
  field(std::to_string(seq));
  field(std::to_string(at));
  field(e.event);
  field(e.actor);
  field(e.object_id ? std::to_string(*e.object_id) : std::string());
  field(e.detail);
  return s;
}

// Names the calling thread (at most 15 characters), so that per-thread figures (top -H,
// /proc/PID/task/*/comm, apipnr-bench-amqp --thread-cpu) tell the writer and the
// checkpointer apart from the threads of the process that uses the store.
void name_this_thread(const char* name) noexcept { pthread_setname_np(pthread_self(), name); }

std::string_view as_view(const digest& d) {
  return {reinterpret_cast<const char*>(d.data()), d.size()};
}

}  // namespace

struct store::impl {
  options opts_;
  // The writer's connection goes through writer_vfs_ (declared first: it must outlive the
  // connection) when writes are gathered (options::write_buffer_bytes).
  std::unique_ptr<detail::paced_vfs> writer_vfs_;
  std::unique_ptr<connection> writer_db_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::pair<std::chrono::steady_clock::time_point, job>> queue_;
  bool stopping_ = false;
  std::thread writer_;

  std::mutex readers_mu_;
  std::vector<std::unique_ptr<connection>> readers_;

  std::atomic<std::uint64_t> transactions_{0}, puts_{0}, duplicates_{0}, largest_batch_{0};
  // statistics::queue_wait, commit_time, batch_puts: written by the writer once per batch.
  mutable std::mutex timing_mu_;
  statistics timing_;  // only the histogram fields are used

  static void observe(std::array<std::uint64_t, 10>& h, double seconds) {
    for (std::size_t i = 0; i < statistics::wait_bounds_seconds.size(); ++i)
      if (seconds <= statistics::wait_bounds_seconds[i]) ++h[i];
    ++h.back();
  }

  // Checkpoints off the commit path (options::checkpoint_pages). The WAL hook runs on the
  // writer thread inside each COMMIT and only records the WAL's frame count and wakes the
  // checkpointer; the checkpointer owns checkpoint_db_, opened through paced_vfs_ (declared
  // first: it must outlive the connection) when checkpoint_sync_bytes or write_buffer_bytes
  // is set.
  std::unique_ptr<detail::paced_vfs> paced_vfs_;
  std::unique_ptr<connection> checkpoint_db_;
  std::thread checkpointer_;
  std::mutex ckpt_mu_;
  std::condition_variable ckpt_cv_;
  bool ckpt_wanted_ = false;     // guarded by ckpt_mu_
  bool ckpt_stopping_ = false;   // guarded by ckpt_mu_
  bool wal_over_limit_ = false;  // writer thread only
  std::atomic<std::uint64_t> wal_frames_{0}, checkpoints_{0}, forced_checkpoints_{0};
  // The WAL's frames copied so far (the last checkpoint's nBackfill; 0 after the writer's
  // RESTART): with wal_frames_, what the next passive checkpoint would copy
  // (options::checkpoint_step_pages).
  std::atomic<std::uint64_t> ckpt_copied_{0};

  // Whether a commit that left `frames` in the WAL makes a passive checkpoint due: from
  // checkpoint_pages frames on, once checkpoint_step_pages frames were added since the last
  // checkpoint's copy, or at every commit within checkpoint_step_pages of wal_limit_pages, so
  // that the writer's RESTART there finds no more left to copy than without steps.
  bool checkpoint_due(std::uint64_t frames) const noexcept {
    if (frames < opts_.checkpoint_pages) return false;
    const std::uint64_t step = opts_.checkpoint_step_pages;
    const std::uint64_t copied = ckpt_copied_.load(std::memory_order_relaxed);
    // Fewer frames than copied: the WAL started again from its beginning since.
    const std::uint64_t added = frames >= copied ? frames - copied : frames;
    return added >= step || frames + step >= opts_.wal_limit_pages;
  }

  // Chain head. The writer is the only writer of audit_log, so after a COMMIT it is the file's
  // head and the next transaction starts from it without a query; any ROLLBACK marks it stale
  // (chain_known_ = false) and the next BEGIN reloads it, so a rolled-back batch can never
  // leave it wrong. Writer thread only.
  std::int64_t last_seq_ = 0;
  digest last_hash_{};
  bool chain_known_ = false;

  // Duplicates by content (schema 6): hashes_ holds every committed row of interchange_hashes
  // (filled at open); pending_ the rows the open transaction added, in id order, moved into
  // hashes_ only after its COMMIT, so a rolled-back put never answers a later one as its
  // duplicate, while puts later in the same batch still find it. Writer thread only.
  struct pending_hash {
    digest sha;
    std::string_view category;  // into the put's prepared_put, alive until the batch ends
    std::int64_t id;
  };
  detail::hash_index hashes_;
  std::vector<pending_hash> pending_;

  // BEGIN IMMEDIATE, COMMIT and ROLLBACK as cached prepared statements: sqlite3_exec would
  // parse the text again at every group commit. True on success.
  static bool run_cached(connection& c, const char* sql) {
    statement s = c.prepare(sql);
    return s.valid() && s.run();
  }
  bool begin_write(connection& c) {
    pending_.clear();
    if (run_cached(c, "BEGIN IMMEDIATE") && (chain_known_ || load_chain_head(c))) {
      chain_known_ = true;
      return true;
    }
    rollback(c);
    return false;
  }
  void rollback(connection& c) {
    chain_known_ = false;
    pending_.clear();
    if (!run_cached(c, "ROLLBACK")) c.exec("ROLLBACK");
  }
  // COMMIT, or ROLLBACK when it fails. True when committed. The transaction's content hashes
  // join hashes_ only once committed; the room is made first, so that after a COMMIT nothing
  // can fail between the file and the memory (a committed row missing from hashes_ would let
  // a resend of its bytes be stored twice).
  bool commit(connection& c) {
    hashes_.reserve(hashes_.size() + pending_.size());
    if (run_cached(c, "COMMIT")) {
      for (const pending_hash& h : pending_)
        hashes_.insert(detail::hash_prefix(as_view(h.sha)), h.id);
      pending_.clear();
      return true;
    }
    rollback(c);
    return false;
  }

  // -- writer side ---------------------------------------------------------------------------

  error_code enqueue(job j) {
    {
      std::lock_guard lk(mu_);
      if (stopping_) return errc::closed;
      if (queue_.size() >= opts_.max_queue) return errc::queue_full;
      queue_.emplace_back(std::chrono::steady_clock::now(), std::move(j));
    }
    cv_.notify_one();
    return {};
  }

  bool load_chain_head(connection& c) {
    statement s = c.prepare("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1");
    if (!s.valid()) return false;
    const int rc = s.step();
    if (rc == SQLITE_DONE) {
      last_seq_ = 0;
      last_hash_.fill(0);
      return true;
    }
    if (rc != SQLITE_ROW) return false;
    last_seq_ = s.int64(0);
    const std::string_view h = s.blob(1);
    if (h.size() != last_hash_.size()) return false;
    std::copy(h.begin(), h.end(), last_hash_.begin());
    return true;
  }

  // Appends one audit row inside the current transaction (DP-LOG-001, DP-LOG-002, DP-LOG-004).
  // Each row carries SHA-256(prev_hash || content); verify_audit() recomputes the chain.
  bool append_audit(connection& c, const audit_entry& e) {
    const std::int64_t seq = last_seq_ + 1;
    const std::int64_t at = detail::to_millis(opts_.clock());
    const auto h = detail::sha256({as_view(last_hash_), audit_content(seq, at, e)});
    if (!h) return false;
    statement s = c.prepare(
        "INSERT INTO audit_log(seq, at, event, actor, object_id, detail, prev_hash, hash) "
        "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    if (!s.valid()) return false;
    s.bind(1, seq)
        .bind(2, at)
        .bind_static(3, std::string_view(e.event))
        .bind_static(4, std::string_view(e.actor));
    if (e.object_id)
      s.bind(5, *e.object_id);
    else
      s.bind_null(5);
    s.bind_static(6, std::string_view(e.detail))
        .bind_static_blob(7, as_view(last_hash_))
        .bind_static_blob(8, as_view(*h));
    if (!s.run()) return false;
    last_seq_ = seq;
    last_hash_ = *h;
    return true;
  }

  // RCV-DUP-001 / RCV-DUP-002: an earlier record of the same data category with the same
  // (sender, reference) or the same raw SHA-256; records whose processing failed do not count
  // (RCV-DUP-003). The category is part of the key: an API interchange and a PNR push are
  // different flows to different intakes (STANDARDS.md §1.5), so a carrier's API and PNR
  // systems numbering their interchanges independently must not make one a resend of the
  // other. The writer is the only writer, so check-then-insert cannot race.
  std::optional<std::int64_t> find_duplicate(connection& c, const prepared_put& p, bool& ok) {
    ok = true;
    if (!p.sender.empty() && !p.control_reference.empty()) {
      statement s = c.prepare(
          "SELECT id FROM interchanges WHERE sender = ?1 AND control_reference = ?2 "
          "AND category = ?3 AND verdict <> 'failed' ORDER BY id LIMIT 1");
      if (!s.valid()) return ok = false, std::nullopt;
      s.bind_static(1, std::string_view(p.sender))
          .bind_static(2, std::string_view(p.control_reference));
      s.bind_static(3, std::string_view(p.category));
      const int rc = s.step();
      if (rc == SQLITE_ROW) return s.int64(0);
      if (rc != SQLITE_DONE) return ok = false, std::nullopt;
    }
    return find_by_content(c, p, ok);
  }

  // The content half (schema 6): the lowest id among the committed candidates of hashes_ that
  // the stored row confirms (full digest, category, not failed), else the first row of this
  // transaction with the same digest and category (its ids are above every committed one).
  // A candidate read is a read by rowid, made only when the 8-byte prefix matched: on a real
  // duplicate, almost never otherwise.
  std::optional<std::int64_t> find_by_content(connection& c, const prepared_put& p, bool& ok) {
    const std::string_view sha = as_view(p.sha);
    std::optional<std::int64_t> found;
    hashes_.candidates(detail::hash_prefix(sha), [&](std::int64_t id) {
      if (!ok || (found && *found < id)) return;
      statement s = c.prepare("SELECT sha256, category, verdict FROM interchanges WHERE id = ?1");
      if (!s.valid()) return void(ok = false);
      s.bind(1, id);
      const int rc = s.step();
      if (rc == SQLITE_ROW) {
        if (s.blob(0) == sha && s.text(1) == p.category && s.text(2) != "failed") found = id;
      } else if (rc != SQLITE_DONE) {
        ok = false;
      }
    });
    if (!ok) return std::nullopt;
    if (found) return found;
    for (const pending_hash& h : pending_)
      if (h.sha == p.sha && h.category == p.category) return h.id;
    return std::nullopt;
  }

  bool insert_message(connection& c, std::int64_t interchange_id, std::size_t seq,
                      const message_row& m) {
    statement ms = c.prepare(
        "INSERT INTO messages(interchange_id, seq, kind, type, message_reference, canonical) "
        "VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
    if (!ms.valid()) return false;
    ms.bind(1, interchange_id).bind(2, static_cast<std::int64_t>(seq));
    ms.bind_static(3, std::string_view(m.kind))
        .bind_static(4, std::string_view(m.type))
        .bind_static_opt(5, m.reference);
    if (!ms.bind_static(6, std::string_view(m.canonical)).run()) return false;
    const std::int64_t message_id = c.last_insert_id();

    // A flight's key is its message's id (schema 5), so it needs no index by message.
    std::optional<std::int64_t> flight_id;
    if (m.flight) {
      statement fs = c.prepare(
          "INSERT INTO flights(message_id, carrier, number, date, legs) VALUES(?1, ?2, ?3, ?4, "
          "?5)");
      if (!fs.valid()) return false;
      fs.bind(1, message_id).bind_static(2, std::string_view(m.flight->carrier));
      fs.bind_static(3, std::string_view(m.flight->number))
          .bind_static(4, std::string_view(m.flight->date));
      if (!fs.bind_static(5, std::string_view(m.flight->legs)).run()) return false;
      flight_id = message_id;
    }
    std::vector<std::optional<std::int64_t>> pnr_ids;
    for (const pnr_row& p : m.pnrs) {
      std::optional<std::int64_t> first;
      for (const auto& [locator, company] : p.locators) {
        statement ps = c.prepare(
            "INSERT INTO pnrs(message_id, pointer, locator, company, flight_id) "
            "VALUES(?1, ?2, ?3, ?4, ?5)");
        if (!ps.valid()) return false;
        ps.bind(1, message_id)
            .bind_static(2, std::string_view(p.pointer))
            .bind_static(3, std::string_view(locator));
        ps.bind_static_opt(4, company);
        if (flight_id)
          ps.bind(5, *flight_id);
        else
          ps.bind_null(5);
        if (!ps.run()) return false;
        if (!first) first = c.last_insert_id();
      }
      pnr_ids.push_back(first);
    }
    // Travellers are keyed (message_id, seq) (schema 5): seq is the row's position in the
    // message, so the rows are clustered by message and need no index by message. Up to
    // traveller_rows_per_insert rows per INSERT: a statement's own work (its step, reset and
    // bindings cleared, the transaction and cursor opcodes) is paid once per group of rows
    // instead of once per traveller (docs/PERFORMANCE.md, PAXLST-300).
    for (std::size_t pos = 0; pos < m.travellers.size();) {
      const std::size_t rows = std::min(traveller_rows_per_insert, m.travellers.size() - pos);
      statement ts = c.prepare(traveller_insert_sql(rows));
      if (!ts.valid()) return false;
      for (std::size_t k = 0; k < rows; ++k, ++pos) {
        const traveller_row& t = m.travellers[pos];
        const int b = static_cast<int>(k * traveller_columns);
        ts.bind(b + 1, message_id).bind(b + 2, static_cast<std::int64_t>(pos));
        if (t.pnr >= 0 && pnr_ids[static_cast<std::size_t>(t.pnr)])
          ts.bind(b + 3, *pnr_ids[static_cast<std::size_t>(t.pnr)]);
        else
          ts.bind_null(b + 3);
        ts.bind_static(b + 4, std::string_view(t.pointer))
            .bind_static(b + 5, std::string_view(t.role));
        ts.bind_static_opt(b + 6, t.surname)
            .bind_static_opt(b + 7, t.given_names)
            .bind_static_opt(b + 8, t.gender);
        ts.bind_static_opt(b + 9, t.date_of_birth)
            .bind_static_opt(b + 10, t.nationality)
            .bind_static_opt(b + 11, t.documents);
      }
      if (!ts.run()) return false;
    }
    return true;
  }

  // One put inside the batch transaction. Returns the outcome or write_failed.
  boost::system::result<put_outcome> apply_put(connection& c, const prepared_put& p) {
    bool ok = true;
    const auto existing = find_duplicate(c, p, ok);
    if (!ok) return errc::write_failed;
    const std::string sha_hex = detail::to_hex(as_view(p.sha));
    if (existing) {
      if (!append_audit(c, {"receipt.duplicate", "intake:" + p.sender_identity, *existing,
                            "sha256=" + sha_hex + " sender=" + p.sender +
                                " reference=" + p.control_reference + " channel=" + p.channel}))
        return errc::write_failed;
      return put_outcome{*existing, true};
    }
    statement s = c.prepare(
        "INSERT INTO interchanges(received_at, channel, sender_identity, sender, "
        "control_reference, message_references, sha256, raw, raw_size, verdict, findings, "
        "category) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
    if (!s.valid()) return errc::write_failed;
    s.bind(1, p.received_at).bind_static(2, std::string_view(p.channel));
    s.bind_static(3, std::string_view(p.sender_identity))
        .bind_static(4, std::string_view(p.sender));
    s.bind_static(5, std::string_view(p.control_reference))
        .bind_static(6, std::string_view(p.message_references));
    s.bind_static_blob(7, as_view(p.sha)).bind_static_blob(8, std::string_view(p.raw));
    s.bind(9, static_cast<std::int64_t>(p.raw.size())).bind_static(10, std::string_view(p.verdict));
    s.bind_static(11, std::string_view(p.findings)).bind_static(12, std::string_view(p.category));
    if (!s.run()) return errc::write_failed;
    const std::int64_t id = c.last_insert_id();
    // Schema 6: the content hash appended in id order (the last leaf of interchange_hashes,
    // shared by the puts of the commit) instead of an index entry at a random leaf; hashes_
    // gets it after COMMIT (commit()). Failed records do not count as duplicates (RCV-DUP-003).
    if (p.verdict != to_string(verdict::failed)) {
      if (id <= 0) return errc::write_failed;  // hash_index's empty marker; never assigned
      statement h = c.prepare("INSERT INTO interchange_hashes(id, sha256_prefix) VALUES(?1, ?2)");
      if (!h.valid() || !h.bind(1, id).bind_static_blob(2, as_view(p.sha).substr(0, 8)).run())
        return errc::write_failed;
      pending_.push_back({p.sha, p.category, id});
    }
    for (std::size_t i = 0; i < p.messages.size(); ++i)
      if (!insert_message(c, id, i, p.messages[i])) return errc::write_failed;
    // DP-LOG-001: receipt with raw hash, sender, UNB reference and time; no personal data.
    if (!append_audit(
            c, {"receipt", "intake:" + p.sender_identity, id,
                "sha256=" + sha_hex + " sender=" + p.sender + " reference=" + p.control_reference +
                    " channel=" + p.channel + " verdict=" + p.verdict}))
      return errc::write_failed;
    return put_outcome{id, false};
  }

  // Runs every put and audit row of a batch inside the open transaction. Returns true when all
  // succeeded. With `isolate`, each item runs in its own savepoint and a failing one is rolled
  // back alone; without, the first failure stops the pass (the caller rolls back and retries
  // with `isolate`).
  bool run_items(connection& c, std::vector<job>& batch, bool isolate,
                 std::vector<boost::system::result<put_outcome>>& put_results,
                 std::vector<error_code>& audit_results) {
    bool all_ok = true;
    for (job& j : batch) {
      const std::int64_t seq_before = last_seq_;
      const digest hash_before = last_hash_;
      const std::size_t pending_before = pending_.size();
      if (isolate) c.exec("SAVEPOINT item");
      bool item_ok = true;
      if (auto* p = std::get_if<put_job>(&j)) {
        put_results.push_back(apply_put(c, p->data));
        item_ok = put_results.back().has_value();
      } else if (auto* a = std::get_if<audit_job>(&j)) {
        item_ok = append_audit(c, a->entry);
        audit_results.push_back(item_ok ? error_code{} : error_code(errc::audit_failed));
      }
      if (!item_ok) {
        all_ok = false;
        if (!isolate) return false;
        c.exec("ROLLBACK TO item");
        last_seq_ = seq_before;
        last_hash_ = hash_before;
        pending_.resize(pending_before);
      }
      if (isolate) c.exec("RELEASE item");
    }
    return all_ok;
  }

  void run_batch(std::vector<job>& batch) {
    connection& c = *writer_db_;
    std::vector<boost::system::result<put_outcome>> put_results;
    std::vector<error_code> audit_results;
    error_code batch_error;

    // A task runs alone (the writer never mixes one into a batch).
    if (batch.size() == 1 && std::holds_alternative<task_job>(batch.front())) {
      auto& t = std::get<task_job>(batch.front());
      error_code ec;
      if (!begin_write(c)) {
        ec = errc::commit_failed;
      } else {
        ec = t.run(c);
        if (ec) {
          rollback(c);
        } else if (!commit(c)) {
          ec = errc::commit_failed;
        } else {
          transactions_.fetch_add(1);
          // Best effort, outside the transaction: copy the WAL into the main file and truncate
          // it, so page images holding deleted personal data do not linger in the -wal file
          // (DP-RET-004). Active readers can make it a partial checkpoint; the next run or
          // SQLite's auto-checkpoint finishes it.
          if (t.checkpoint_after) c.exec("PRAGMA wal_checkpoint(TRUNCATE)");
        }
      }
      t.done(ec);
      return;
    }

    const auto begun_at = std::chrono::steady_clock::now();
    // First pass without savepoints: a SAVEPOINT and a RELEASE per put were two more statements
    // per iAPI request (docs/PERFORMANCE.md). Only when a put fails is the batch rolled back and
    // run again with a savepoint per put, so that the failing put is rolled back alone and the
    // others still commit (the chain head is reloaded at BEGIN, so the retry starts clean).
    bool begun = false;
    for (const bool isolate : {false, true}) {
      put_results.clear();
      audit_results.clear();
      if (!begin_write(c)) break;
      begun = true;
      if (run_items(c, batch, isolate, put_results, audit_results) || isolate) break;
      rollback(c);
      begun = false;
    }
    if (!begun) {
      batch_error = errc::commit_failed;
    } else if (!commit(c)) {
      // RCV-DUR-001: nothing is acknowledged unless this COMMIT succeeded (with
      // synchronous=FULL the WAL has been fsynced by then); commit() rolled back.
      batch_error = errc::commit_failed;
    }

    // Counters first, so that a caller woken by its callback already sees its transaction.
    if (!batch_error) {
      std::uint64_t committed_puts = 0, dups = 0;
      for (const auto& r : put_results) {
        if (!r) continue;
        ++committed_puts;
        if (r->duplicate) ++dups;
      }
      transactions_.fetch_add(1);
      puts_.fetch_add(committed_puts);
      duplicates_.fetch_add(dups);
      std::uint64_t prev = largest_batch_.load();
      while (committed_puts > prev && !largest_batch_.compare_exchange_weak(prev, committed_puts)) {
      }
      if (!put_results.empty()) {
        const double secs =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - begun_at).count();
        std::lock_guard lk(timing_mu_);
        observe(timing_.commit_time, secs);
        timing_.commit_time_sum += secs;
        for (std::size_t i = 0; i < statistics::batch_bounds.size(); ++i)
          if (put_results.size() <= statistics::batch_bounds[i]) ++timing_.batch_puts[i];
        ++timing_.batch_puts.back();
        timing_.batch_puts_sum += put_results.size();
      }
    }
    std::size_t pi = 0, ai = 0;
    for (job& j : batch) {
      if (auto* p = std::get_if<put_job>(&j)) {
        if (batch_error)
          p->done(batch_error);
        else
          p->done(std::move(put_results[pi]));
        ++pi;
      } else if (auto* a = std::get_if<audit_job>(&j)) {
        a->done(batch_error ? error_code(errc::audit_failed) : audit_results[ai]);
        ++ai;
      }
    }
  }

  // sqlite3_wal_hook on the writer connection: called after every commit with the number of
  // frames in the WAL. Registering it also turns SQLite's auto-checkpoint off for the writer.
  static int on_wal_commit(void* ctx, sqlite3*, const char*, int frames) {
    auto* self = static_cast<impl*>(ctx);
    const auto n = static_cast<std::uint64_t>(frames < 0 ? 0 : frames);
    self->wal_frames_.store(n, std::memory_order_relaxed);
    if (n >= self->opts_.wal_limit_pages) {
      // Not the checkpointer as well: its checkpoint lock would make the RESTART fail.
      self->wal_over_limit_ = true;
    } else if (self->checkpoint_due(n)) {
      {
        std::lock_guard lk(self->ckpt_mu_);
        self->ckpt_wanted_ = true;
      }
      self->ckpt_cv_.notify_one();
    }
    return SQLITE_OK;
  }

  // Copies committed WAL frames into the main file without blocking the writer (PASSIVE takes
  // no writer lock and never waits). Once every frame is copied and no reader uses the WAL, the
  // writer's next transaction starts the WAL again from its beginning, so its size stays near
  // checkpoint_pages. Frames still needed by a reader stay; the limit handles that case.
  void checkpointer_loop() {
    name_this_thread("apipnr-ckpt");
    int last_log = 0, last_copied = 0;
    std::unique_lock lk(ckpt_mu_);
    for (;;) {
      ckpt_cv_.wait(lk, [&] { return ckpt_stopping_ || ckpt_wanted_; });
      if (ckpt_stopping_) break;
      ckpt_wanted_ = false;
      // Woken by a commit during the previous checkpoint, which may have copied its frames.
      if (!checkpoint_due(wal_frames_.load(std::memory_order_relaxed))) continue;
      lk.unlock();
      int log = 0, copied = 0;
      const auto started = std::chrono::steady_clock::now();
      if (sqlite3_wal_checkpoint_v2(checkpoint_db_->handle(), "main", SQLITE_CHECKPOINT_PASSIVE,
                                    &log, &copied) == SQLITE_OK) {
        const double secs =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        // `copied` counts every frame of the WAL copied so far; it starts again from 0 when
        // the WAL restarted from its beginning (then `log` or `copied` is below the last call's).
        const bool restarted = log < last_log || copied < last_copied;
        const int frames = restarted ? copied : copied - last_copied;
        last_log = log;
        last_copied = copied;
        ckpt_copied_.store(static_cast<std::uint64_t>(copied < 0 ? 0 : copied),
                           std::memory_order_relaxed);
        checkpoints_.fetch_add(1, std::memory_order_relaxed);
        std::lock_guard tk(timing_mu_);
        observe(timing_.checkpoint_time, secs);
        timing_.checkpoint_time_sum += secs;
        timing_.checkpoint_frames_sum += static_cast<std::uint64_t>(frames < 0 ? 0 : frames);
      }
      lk.lock();
    }
  }

  // The bound (options::wal_limit_pages): run on the writer thread after a batch's callbacks,
  // so no acknowledgement waits for it. Under back-to-back commits a passive checkpoint rarely
  // finishes exactly between two of them, which the WAL's restart needs, so the WAL grows
  // until this point; the passive checkpoints have copied most frames by then, so RESTART only
  // copies the rest, waits (busy_timeout) for readers and for a passive checkpoint in
  // progress, and makes the next commit write the WAL from its beginning again. The file is
  // reused, not truncated (appending to a file costs its size change in every fdatasync). If it
  // cannot finish, the next commit past the limit tries again.
  void checkpoint_at_limit() {
    if (!wal_over_limit_) return;
    wal_over_limit_ = false;
    int log = 0, copied = 0;
    const auto started = std::chrono::steady_clock::now();
    if (sqlite3_wal_checkpoint_v2(writer_db_->handle(), "main", SQLITE_CHECKPOINT_RESTART, &log,
                                  &copied) == SQLITE_OK) {
      forced_checkpoints_.fetch_add(1, std::memory_order_relaxed);
      wal_frames_.store(0, std::memory_order_relaxed);
      ckpt_copied_.store(0, std::memory_order_relaxed);
    }
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::lock_guard tk(timing_mu_);
    observe(timing_.forced_checkpoint_time, secs);
    timing_.forced_checkpoint_time_sum += secs;
  }

  void writer_loop() {
    name_this_thread("apipnr-writer");
    std::unique_lock lk(mu_);
    for (;;) {
      cv_.wait(lk, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) break;  // stopping and drained
      std::vector<job> batch;
      if (std::holds_alternative<task_job>(queue_.front().second)) {
        batch.push_back(std::move(queue_.front().second));
        queue_.pop_front();
      } else {
        // Group commit: the batch is what queued while the previous COMMIT ran (by default,
        // max_wait = 0, nothing waits: an idle writer commits a lone put at once, so there is
        // no latency floor). A positive max_wait gives concurrent puts up to that long (counted
        // from the arrival of the oldest one) to join, unless the batch is already full.
        const auto deadline = queue_.front().first + opts_.max_wait;
        if (opts_.max_batch > 1 && opts_.max_wait.count() > 0 && !stopping_)
          cv_.wait_until(lk, deadline,
                         [&] { return stopping_ || queue_.size() >= opts_.max_batch; });
        const auto taken_at = std::chrono::steady_clock::now();
        std::lock_guard tk(timing_mu_);
        while (!queue_.empty() && batch.size() < opts_.max_batch &&
               !std::holds_alternative<task_job>(queue_.front().second)) {
          if (std::holds_alternative<put_job>(queue_.front().second)) {
            const double secs =
                std::chrono::duration<double>(taken_at - queue_.front().first).count();
            observe(timing_.queue_wait, secs);
            timing_.queue_wait_sum += secs;
          }
          batch.push_back(std::move(queue_.front().second));
          queue_.pop_front();
        }
      }
      lk.unlock();
      run_batch(batch);
      checkpoint_at_limit();
      lk.lock();
    }
  }

  void close() noexcept {
    {
      std::lock_guard lk(mu_);
      if (stopping_ && !writer_.joinable()) return;
      stopping_ = true;
    }
    cv_.notify_all();
    if (writer_.joinable() && writer_.get_id() != std::this_thread::get_id()) writer_.join();
    // After the writer: no commit can wake the checkpointer any more.
    {
      std::lock_guard lk(ckpt_mu_);
      ckpt_stopping_ = true;
    }
    ckpt_cv_.notify_all();
    if (checkpointer_.joinable() && checkpointer_.get_id() != std::this_thread::get_id())
      checkpointer_.join();
  }

  // -- reader side ---------------------------------------------------------------------------

  struct lease {
    impl* owner;
    std::unique_ptr<connection> c;
    lease(impl* o, std::unique_ptr<connection> conn) : owner(o), c(std::move(conn)) {}
    lease(lease&&) = default;
    ~lease() {
      if (!c) return;
      std::lock_guard lk(owner->readers_mu_);
      if (owner->readers_.size() < owner->opts_.max_readers)
        owner->readers_.push_back(std::move(c));
    }
  };

  std::optional<lease> acquire_reader() {
    {
      std::lock_guard lk(readers_mu_);
      if (!readers_.empty()) {
        auto c = std::move(readers_.back());
        readers_.pop_back();
        return lease(this, std::move(c));
      }
    }
    auto c = connection::open(opts_.path, true, static_cast<int>(opts_.busy_timeout.count()));
    if (!c) return std::nullopt;
    c->exec("PRAGMA query_only = ON");
    return lease(this, std::move(c));
  }

  // DP-LOG-004: the access is logged (and committed) before its data is handed out.
  error_code audit_sync(audit_entry e) {
    std::promise<error_code> done;
    auto f = done.get_future();
    const error_code ec =
        enqueue(audit_job{std::move(e), [&done](error_code r) { done.set_value(r); }});
    if (ec) return errc::audit_failed;
    return f.get() ? error_code(errc::audit_failed) : error_code{};
  }

  boost::system::result<std::size_t> page_size(const page& p) const {
    const std::size_t n = p.limit == 0 ? opts_.default_page_size : p.limit;
    if (n > opts_.max_page_size) return errc::page_limit;
    return n;
  }

  // -- retention (runs as a task on the writer thread) -------------------------------------

  error_code mask_interchange(connection& c, std::int64_t id, std::int64_t now,
                              std::size_t& changed) {
    std::vector<std::pair<std::int64_t, std::string>> docs;
    {
      statement s = c.prepare("SELECT id, canonical FROM messages WHERE interchange_id = ?1");
      if (!s.valid()) return errc::retention_failed;
      s.bind(1, id);
      int rc;
      while ((rc = s.step()) == SQLITE_ROW) docs.emplace_back(s.int64(0), std::string(s.text(1)));
      if (rc != SQLITE_DONE) return errc::retention_failed;
    }
    for (auto& [mid, text] : docs) {
      json doc = json::parse(text, nullptr, false);
      if (doc.is_discarded()) return errc::retention_failed;
      changed += detail::depersonalise(doc, opts_.masking);
      statement u = c.prepare("UPDATE messages SET canonical = ?2 WHERE id = ?1");
      if (!u.valid() ||
          !u.bind(1, mid)
               .bind(2, std::string_view(
                            doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)))
               .run())
        return errc::retention_failed;
    }
    // The normalised copies: names and document numbers masked, date of birth to its year.
    // Every document's number becomes *** (the documents column keeps the array's order).
    statement t = c.prepare(
        "UPDATE travellers SET surname = CASE WHEN surname IS NULL THEN NULL ELSE '***' END, "
        "given_names = CASE WHEN given_names IS NULL THEN NULL ELSE '***' END, "
        "date_of_birth = substr(date_of_birth, 1, 4), "
        "documents = CASE WHEN documents IS NULL THEN NULL ELSE (SELECT "
        "json_group_array(json_set(value, '$.number', '***')) FROM json_each(documents)) END "
        "WHERE message_id IN (SELECT id FROM messages WHERE interchange_id = ?1)");
    if (!t.valid() || !t.bind(1, id).run()) return errc::retention_failed;

    std::string findings;
    {
      statement s = c.prepare("SELECT findings FROM interchanges WHERE id = ?1");
      if (!s.valid()) return errc::retention_failed;
      s.bind(1, id);
      if (s.step() != SQLITE_ROW) return errc::retention_failed;
      findings = std::string(s.text(0));
    }
    json f = json::parse(findings, nullptr, false);
    if (f.is_discarded() || !f.is_array()) return errc::retention_failed;
    for (auto& item : f)
      if (item.is_object()) item.erase("detail");
    // The raw bytes hold every name in clear and cannot be masked field by field without
    // re-parsing, so they are dropped; sha256 and raw_size stay as the receipt's evidence.
    statement u = c.prepare(
        "UPDATE interchanges SET raw = NULL, findings = ?2, state = 'masked', masked_at = ?3 "
        "WHERE id = ?1 AND state = 'received'");
    if (!u.valid() || !u.bind(1, id)
                           .bind(2, std::string_view(f.dump(
                                        -1, ' ', false, nlohmann::json::error_handler_t::replace)))
                           .bind(3, now)
                           .run())
      return errc::retention_failed;
    if (!append_audit(c, {"retention.mask", "retention", id, ""})) return errc::retention_failed;
    return {};
  }

  error_code delete_interchange(connection& c, std::int64_t id, std::int64_t now) {
    // Cascades to flights, pnrs, travellers and documents (DP-RET-004, DP-RET-005).
    statement m = c.prepare("DELETE FROM messages WHERE interchange_id = ?1");
    if (!m.valid() || !m.bind(1, id).run()) return errc::retention_failed;
    statement u = c.prepare(
        "UPDATE interchanges SET raw = NULL, findings = '[]', state = 'deleted', "
        "masked_at = COALESCE(masked_at, ?2), deleted_at = ?2 WHERE id = ?1");
    if (!u.valid() || !u.bind(1, id).bind(2, now).run()) return errc::retention_failed;
    if (!append_audit(c, {"retention.delete", "retention", id, ""})) return errc::retention_failed;
    return {};
  }

  error_code select_ids(connection& c, const char* sql, std::string_view category,
                        std::int64_t cutoff, std::vector<std::int64_t>& out) {
    statement s = c.prepare(sql);
    if (!s.valid()) return errc::retention_failed;
    s.bind(1, category).bind(2, cutoff);
    int rc;
    while ((rc = s.step()) == SQLITE_ROW) out.push_back(s.int64(0));
    return rc == SQLITE_DONE ? error_code{} : error_code(errc::retention_failed);
  }

  // Status changes of iAPI passengers follow the API schedule (schema v4): masking blanks what
  // keys or describes the passenger (ABO, AVF, the officer's text, the 132 sent and the 312
  // received, the 312's check detail); deletion removes the row. What happened stays in the
  // audit log (iapi.status_change / iapi.delivery rows carry no passenger reference).
  error_code retain_status_changes(connection& c, std::int64_t now, retention_report& report) {
    const retention_schedule& sched = opts_.api_retention;
    const auto cutoff = [now](std::chrono::seconds after) {
      return now - std::chrono::duration_cast<std::chrono::milliseconds>(after).count();
    };
    std::vector<std::int64_t> ids;
    auto select = [&c, &ids](const char* sql, std::int64_t before) -> error_code {
      ids.clear();
      statement s = c.prepare(sql);
      if (!s.valid()) return errc::retention_failed;
      s.bind(1, before);
      int rc;
      while ((rc = s.step()) == SQLITE_ROW) ids.push_back(s.int64(0));
      return rc == SQLITE_DONE ? error_code{} : error_code(errc::retention_failed);
    };
    if (sched.mask_after) {
      if (auto ec = select(
              "SELECT id FROM iapi_status_changes WHERE masked_at IS NULL AND at <= ?1 ORDER BY id",
              cutoff(*sched.mask_after)))
        return ec;
      for (const std::int64_t id : ids) {
        statement u = c.prepare(
            "UPDATE iapi_status_changes SET abo = '***', avf = '***', "
            "text = CASE WHEN text = '' THEN '' ELSE '***' END, message = x'', "
            "acknowledgement = NULL, ack_detail = '', masked_at = ?2 WHERE id = ?1");
        if (!u.valid() || !u.bind(1, id).bind(2, now).run()) return errc::retention_failed;
        if (!append_audit(c, {"retention.mask_status_change", "retention", std::nullopt,
                              "change=" + std::to_string(id)}))
          return errc::retention_failed;
        ++report.status_changes_masked;
      }
    }
    if (sched.delete_after) {
      if (auto ec = select("SELECT id FROM iapi_status_changes WHERE at <= ?1 ORDER BY id",
                           cutoff(*sched.delete_after)))
        return ec;
      for (const std::int64_t id : ids) {
        statement d = c.prepare("DELETE FROM iapi_status_changes WHERE id = ?1");
        if (!d.valid() || !d.bind(1, id).run()) return errc::retention_failed;
        if (!append_audit(c, {"retention.delete_status_change", "retention", std::nullopt,
                              "change=" + std::to_string(id)}))
          return errc::retention_failed;
        ++report.status_changes_deleted;
      }
    }
    return {};
  }

  error_code retention(connection& c, std::int64_t now, const std::string& actor,
                       retention_report& report) {
    const std::pair<data_category, const retention_schedule*> schedules[] = {
        {data_category::api, &opts_.api_retention}, {data_category::pnr, &opts_.pnr_retention}};
    for (const auto& [cat, sched] : schedules) {
      // DP-RET-002: masking first, then deletion; a record past both timers is masked and
      // deleted in the same run.
      if (sched->mask_after) {
        std::vector<std::int64_t> ids;
        const std::int64_t cutoff =
            now - std::chrono::duration_cast<std::chrono::milliseconds>(*sched->mask_after).count();
        if (auto ec = select_ids(c,
                                 "SELECT id FROM interchanges WHERE category = ?1 AND state = "
                                 "'received' AND received_at <= ?2 ORDER BY id",
                                 to_string(cat), cutoff, ids))
          return ec;
        for (const std::int64_t id : ids) {
          std::size_t changed = 0;
          if (auto ec = mask_interchange(c, id, now, changed)) return ec;
          ++report.masked;
        }
      }
      if (sched->delete_after) {
        std::vector<std::int64_t> ids;
        const std::int64_t cutoff =
            now -
            std::chrono::duration_cast<std::chrono::milliseconds>(*sched->delete_after).count();
        if (auto ec = select_ids(c,
                                 "SELECT id FROM interchanges WHERE category = ?1 AND state <> "
                                 "'deleted' AND received_at <= ?2 ORDER BY id",
                                 to_string(cat), cutoff, ids))
          return ec;
        for (const std::int64_t id : ids) {
          if (auto ec = delete_interchange(c, id, now)) return ec;
          ++report.deleted;
        }
      }
    }
    if (auto ec = retain_status_changes(c, now, report)) return ec;
    if (!append_audit(
            c, {"retention.run", actor, std::nullopt,
                "now=" + detail::iso_utc(now) + " masked=" + std::to_string(report.masked) +
                    " deleted=" + std::to_string(report.deleted) +
                    " status_changes_masked=" + std::to_string(report.status_changes_masked) +
                    " status_changes_deleted=" + std::to_string(report.status_changes_deleted)}))
      return errc::retention_failed;
    return {};
  }
};

// -- store ----------------------------------------------------------------------------------

store::store(std::unique_ptr<impl> p) noexcept : impl_(std::move(p)) {}
store::~store() { close(); }
void store::close() noexcept { impl_->close(); }
const options& store::settings() const noexcept { return impl_->opts_; }

statistics store::stats() const noexcept {
  statistics s;
  {
    std::lock_guard lk(impl_->timing_mu_);
    s = impl_->timing_;
  }
  s.transactions = impl_->transactions_.load();
  s.puts = impl_->puts_.load();
  s.duplicates = impl_->duplicates_.load();
  s.largest_batch = impl_->largest_batch_.load();
  s.checkpoints = impl_->checkpoints_.load();
  s.forced_checkpoints = impl_->forced_checkpoints_.load();
  s.wal_frames = impl_->wal_frames_.load();
  s.checkpoint_writeback_syncs = impl_->paced_vfs_ ? impl_->paced_vfs_->writeback_syncs() : 0;
  s.checkpoint_wal_syncs_skipped = impl_->paced_vfs_ ? impl_->paced_vfs_->wal_syncs_skipped() : 0;
  for (const auto* v : {impl_->writer_vfs_.get(), impl_->paced_vfs_.get()}) {
    if (v == nullptr) continue;
    s.wal_writes += v->wal_writes();
    s.wal_file_writes += v->wal_file_writes();
    s.checkpoint_writes += v->checkpoint_writes();
    s.checkpoint_file_writes += v->checkpoint_file_writes();
  }
  return s;
}

boost::system::result<std::unique_ptr<store>> store::open(options opts) {
  const auto valid_schedule = [](const retention_schedule& s) {
    if (s.mask_after && s.mask_after->count() < 0) return false;
    if (s.delete_after && s.delete_after->count() < 0) return false;
    // DP-RET-002: masking is the earlier stage.
    return !(s.mask_after && s.delete_after && *s.delete_after < *s.mask_after);
  };
  if (opts.path.empty() || opts.max_batch == 0 || opts.max_queue == 0 || opts.max_readers == 0 ||
      opts.default_page_size == 0 || opts.default_page_size > opts.max_page_size ||
      opts.max_wait.count() < 0 || !opts.clock ||
      (opts.checkpoint_pages > 0 && opts.wal_limit_pages < opts.checkpoint_pages) ||
      (opts.page_size != 0 && (opts.page_size < 512 || opts.page_size > 65536 ||
                               (opts.page_size & (opts.page_size - 1)) != 0)) ||
      opts.wal_limit_pages > static_cast<std::size_t>(std::numeric_limits<int>::max()) ||
      opts.write_buffer_bytes > static_cast<std::size_t>(std::numeric_limits<int>::max()) ||
      !valid_schedule(opts.api_retention) || !valid_schedule(opts.pnr_retention))
    return errc::invalid_options;

  // Writes gathered (options::write_buffer_bytes, paced_vfs_internal.hpp): the WAL's only with
  // FULL, where every commit syncs the WAL before other connections are told of its frames;
  // those of the writer's own checkpoints (the RESTART at wal_limit_pages, retention's) too.
  std::unique_ptr<detail::paced_vfs> writer_vfs;
  if (opts.write_buffer_bytes > 0) {
    writer_vfs = std::make_unique<detail::paced_vfs>(
        detail::paced_vfs::settings{.buffer_bytes = opts.write_buffer_bytes,
                                    .gather_wal = opts.sync_full,
                                    .gather_checkpoint = true});
    if (!writer_vfs->valid()) return errc::open_failed;
  }
  auto db = connection::open(opts.path, false, static_cast<int>(opts.busy_timeout.count()),
                             writer_vfs ? writer_vfs->name() : nullptr);
  if (!db) return errc::open_failed;
  // Before anything writes the file (journal_mode = WAL does); ignored by an existing file.
  if (opts.page_size != 0) {
    const std::string pragma = "PRAGMA page_size = " + std::to_string(opts.page_size);
    if (db->exec(pragma.c_str()) != SQLITE_OK) return errc::open_failed;
  }
  // WAL: readers never block the writer and a commit appends to one file. foreign_keys makes
  // the cascades of retention work. secure_delete overwrites freed pages with zeros so deleted
  // personal data does not linger in the file (DP-RET-004).
  const auto mode = db->query_text("PRAGMA journal_mode = WAL");
  if (!mode || *mode != "wal") return errc::open_failed;
  if (db->exec(opts.sync_full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL") !=
          SQLITE_OK ||
      db->exec("PRAGMA foreign_keys = ON") != SQLITE_OK ||
      db->exec("PRAGMA secure_delete = ON") != SQLITE_OK)
    return errc::open_failed;
  if (auto ec = detail::migrate(*db)) return ec;

  // Declared before the checkpointer's connection, which must close first.
  std::unique_ptr<detail::paced_vfs> vfs;
  std::unique_ptr<connection> ckpt;
  if (opts.checkpoint_pages > 0) {
    // Its checkpoints' writeback paced (options::checkpoint_sync_bytes) and their writes
    // gathered (options::write_buffer_bytes), paced_vfs_internal.hpp.
    // With sync_full its checkpoints skip their sync of the WAL (paced_vfs_internal.hpp,
    // skip_wal_sync): this store's writer is the file's only writer (one process opens it;
    // the query tool and backups read) and syncs every commit's frames before publishing
    // them, so the frames a checkpoint copies are durable already.
    if (opts.checkpoint_sync_bytes > 0 || opts.write_buffer_bytes > 0 || opts.sync_full) {
      vfs = std::make_unique<detail::paced_vfs>(
          detail::paced_vfs::settings{.chunk_bytes = opts.checkpoint_sync_bytes,
                                      .buffer_bytes = opts.write_buffer_bytes,
                                      .gather_checkpoint = true,
                                      .skip_wal_sync = opts.sync_full});
      if (!vfs->valid()) return errc::open_failed;
    }
    // Its own connection: a checkpoint on the writer's would run on the writer thread. It
    // syncs like the writer (with FULL the WAL is synced before frames are copied, and the
    // main file after), and never checkpoints on close before the writer's own close does.
    ckpt = connection::open(opts.path, false, static_cast<int>(opts.busy_timeout.count()),
                            vfs ? vfs->name() : nullptr);
    if (!ckpt) return errc::open_failed;
    if (ckpt->exec(opts.sync_full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL") !=
            SQLITE_OK ||
        ckpt->exec("PRAGMA wal_autocheckpoint = 0") != SQLITE_OK)
      return errc::open_failed;
  }

  auto p = std::make_unique<impl>();
  // Duplicates by content (schema 6): the in-memory candidates from the append-only hash
  // table, read in id order (the rowid b-tree's leaves, 8-byte prefixes: about 19 bytes per
  // row on disk). Rows a crash left uncommitted are not in the file, so not here either.
  {
    statement last = db->prepare("SELECT max(id) FROM interchange_hashes");
    if (!last.valid() || last.step() != SQLITE_ROW) return errc::open_failed;
    // An upper bound of the row count (failed records have ids but no row): one allocation.
    p->hashes_.reserve(static_cast<std::size_t>(std::max<std::int64_t>(0, last.int64(0))));
  }
  {
    statement rows = db->prepare("SELECT id, sha256_prefix FROM interchange_hashes");
    if (!rows.valid()) return errc::open_failed;
    int rc;
    while ((rc = rows.step()) == SQLITE_ROW) {
      const std::int64_t id = rows.int64(0);
      const std::string_view prefix = rows.blob(1);
      if (id <= 0 || prefix.size() != 8) return errc::open_failed;
      p->hashes_.insert(detail::hash_prefix(prefix), id);
    }
    if (rc != SQLITE_DONE) return errc::open_failed;
  }
  p->opts_ = std::move(opts);
  p->writer_vfs_ = std::move(writer_vfs);
  p->writer_db_ = std::move(db);
  impl* raw = p.get();
  if (ckpt) {
    p->paced_vfs_ = std::move(vfs);
    p->checkpoint_db_ = std::move(ckpt);
    sqlite3_wal_hook(p->writer_db_->handle(), &impl::on_wal_commit, raw);
    p->checkpointer_ = std::thread([raw] { raw->checkpointer_loop(); });
  }
  p->writer_ = std::thread([raw] { raw->writer_loop(); });
  return std::unique_ptr<store>(new store(std::move(p)));
}

boost::system::error_code store::put_async(received r, put_callback done) {
  // The messages are only read while the rows are prepared (below), before this returns.
  const std::vector<model::canonical_message> messages = std::move(r.messages);
  r.messages.clear();  // a moved-from vector is valid but unspecified
  return put_async(std::move(r), messages, std::move(done));
}

boost::system::error_code store::put_async(received r,
                                           std::span<const model::canonical_message> messages,
                                           put_callback done) {
  const options& o = impl_->opts_;
  // Limits first (RCV-LIM-001), before any hashing or serialisation work.
  if (r.raw.size() > o.max_raw_bytes) return errc::raw_too_large;
  if (messages.size() > o.max_messages_per_put) return errc::too_many_messages;
  if (r.raw.empty() || r.sender_identity.empty() || !done || !r.messages.empty() ||
      (!r.finding_message.empty() && r.finding_message.size() != r.findings.size()))
    return errc::invalid_input;

  prepared_put p;
  const auto sha = detail::sha256({r.raw});
  if (!sha) return errc::hash_failed;
  p.sha = *sha;
  p.received_at = detail::to_millis(r.received_at ? *r.received_at : o.clock());
  p.channel = to_string(r.via);
  p.sender_identity = std::move(r.sender_identity);
  p.sender = std::move(r.sender);
  p.control_reference = std::move(r.control_reference);
  // Both written straight from the vectors (util_internal.hpp): no nlohmann DOM per put on
  // the caller's thread.
  p.message_references = detail::strings_json(r.message_references);
  p.verdict = to_string(r.outcome);
  p.category = to_string(r.category);
  p.findings = detail::findings_json(r.findings, r.finding_message);
  p.messages.reserve(messages.size());
  // Canonical JSON is larger than the EDIFACT it came from (iAPI request: 578 raw bytes,
  // 1,293 canonical); a message's share of the raw bytes times 2.5 covers it in one
  // allocation, and a larger message costs one more growth, not a wrong result. Capped, so
  // that a big XML interchange (whose canonical text is smaller than its markup) does not hold
  // a reservation of several times its size in the queue.
  const std::size_t canonical_hint = std::min<std::size_t>(
      std::size_t{4} << 20, 256 + r.raw.size() * 5 / 2 / std::max<std::size_t>(1, messages.size()));
  for (const auto& m : messages) p.messages.push_back(make_message_row(m, canonical_hint));
  p.raw = std::move(r.raw);
  return impl_->enqueue(put_job{std::move(p), std::move(done)});
}

boost::system::result<put_outcome> store::put(received r) {
  std::promise<boost::system::result<put_outcome>> done;
  auto f = done.get_future();
  if (auto ec = put_async(std::move(r), [&done](boost::system::result<put_outcome> res) {
        done.set_value(std::move(res));
      }))
    return ec;
  return f.get();
}

boost::system::result<std::string> store::get_interchange(std::int64_t id, std::string_view actor) {
  json out;
  bool found = false;
  {
    auto l = impl_->acquire_reader();
    if (!l) return errc::read_failed;
    connection& c = *l->c;
    statement s = c.prepare(
        "SELECT received_at, channel, sender_identity, sender, control_reference, "
        "message_references, sha256, raw_size, raw IS NOT NULL, verdict, category, state, "
        "masked_at, deleted_at, findings FROM interchanges WHERE id = ?1");
    if (!s.valid()) return errc::read_failed;
    s.bind(1, id);
    const int rc = s.step();
    if (rc == SQLITE_ROW) {
      found = true;
      json refs = json::parse(s.text(5), nullptr, false);
      json findings = json::parse(s.text(14), nullptr, false);
      if (refs.is_discarded() || findings.is_discarded()) return errc::corrupt_record;
      out = {{"id", id},
             {"received_at", detail::iso_utc(s.int64(0))},
             {"channel", s.text(1)},
             {"sender_identity", s.text(2)},
             {"sender", s.text(3)},
             {"control_reference", s.text(4)},
             {"message_references", std::move(refs)},
             {"sha256", detail::to_hex(s.blob(6))},
             {"raw_size", s.int64(7)},
             {"raw_available", s.int64(8) != 0},
             {"verdict", s.text(9)},
             {"category", s.text(10)},
             {"state", s.text(11)},
             {"findings", std::move(findings)}};
      if (!s.is_null(12)) out["masked_at"] = detail::iso_utc(s.int64(12));
      if (!s.is_null(13)) out["deleted_at"] = detail::iso_utc(s.int64(13));
      statement m =
          c.prepare("SELECT id, canonical FROM messages WHERE interchange_id = ?1 ORDER BY seq");
      if (!m.valid()) return errc::read_failed;
      m.bind(1, id);
      json messages = json::array();
      int mrc;
      while ((mrc = m.step()) == SQLITE_ROW) {
        json doc = json::parse(m.text(1), nullptr, false);
        if (doc.is_discarded()) return errc::corrupt_record;
        messages.push_back({{"message_id", m.int64(0)}, {"canonical", std::move(doc)}});
      }
      if (mrc != SQLITE_DONE) return errc::read_failed;
      out["messages"] = std::move(messages);
    } else if (rc != SQLITE_DONE) {
      return errc::read_failed;
    }
  }
  // A miss is an access attempt too (DP-LOG-004); logged before anything is returned.
  if (impl_->audit_sync(
          {"query.interchange", std::string(actor), id, found ? "found=1" : "found=0"}))
    return errc::audit_failed;
  if (!found) return errc::not_found;
  return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

boost::system::result<std::string> store::get_raw(std::int64_t id, std::string_view actor) {
  std::string raw;
  bool found = false;
  {
    auto l = impl_->acquire_reader();
    if (!l) return errc::read_failed;
    statement s = l->c->prepare("SELECT raw FROM interchanges WHERE id = ?1 AND raw IS NOT NULL");
    if (!s.valid()) return errc::read_failed;
    s.bind(1, id);
    const int rc = s.step();
    if (rc == SQLITE_ROW) {
      raw = std::string(s.blob(0));
      found = true;
    } else if (rc != SQLITE_DONE) {
      return errc::read_failed;
    }
  }
  if (impl_->audit_sync({"query.raw", std::string(actor), id, found ? "found=1" : "found=0"}))
    return errc::audit_failed;
  if (!found) return errc::not_found;
  return raw;
}

namespace {

// Resolves rows (message id, pointer) against the messages' canonical JSON, parsing each
// message once per query.
class message_cache {
 public:
  explicit message_cache(connection& c) : c_(c) {}
  boost::system::result<const json*> get(std::int64_t message_id) {
    if (auto it = docs_.find(message_id); it != docs_.end()) return &it->second;
    statement s = c_.prepare("SELECT canonical FROM messages WHERE id = ?1");
    if (!s.valid()) return errc::read_failed;
    s.bind(1, message_id);
    if (s.step() != SQLITE_ROW) return errc::read_failed;
    json doc = json::parse(s.text(0), nullptr, false);
    if (doc.is_discarded()) return errc::corrupt_record;
    return &docs_.emplace(message_id, std::move(doc)).first->second;
  }

 private:
  connection& c_;
  std::unordered_map<std::int64_t, json> docs_;
};

// nullopt when the stored pointer does not resolve (corrupt_record for the caller).
std::optional<json> at_pointer(const json& doc, std::string_view pointer) {
  try {
    const json::json_pointer p{std::string(pointer)};
    if (!doc.contains(p)) return std::nullopt;
    return doc.at(p);
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

}  // namespace

boost::system::result<std::string> store::flight_travellers(std::string_view carrier,
                                                            std::string_view number,
                                                            std::string_view date, page p,
                                                            std::string_view actor) {
  const auto limit = impl_->page_size(p);
  if (!limit) return limit.error();
  json travellers = json::array();
  std::string accessed;
  bool more = false;
  {
    auto l = impl_->acquire_reader();
    if (!l) return errc::read_failed;
    connection& c = *l->c;
    // Indexed: flights_by_key, then the travellers' key (message_id, seq), whose order is the
    // order of the former rowid (schema 5).
    statement s = c.prepare(
        "SELECT t.message_id, t.pointer, m.interchange_id, i.category FROM flights f "
        "JOIN travellers t ON t.message_id = f.message_id "
        "JOIN messages m ON m.id = f.message_id JOIN interchanges i ON i.id = m.interchange_id "
        "WHERE f.carrier = ?1 AND f.number = ?2 AND f.date = ?3 "
        // A rejected input is kept for inspection (RCV-DUR-003) but is not data of the flight.
        "AND i.verdict IN ('accept', 'accept_with_warnings') ORDER BY t.message_id, t.seq "
        "LIMIT ?4 OFFSET ?5");
    if (!s.valid()) return errc::read_failed;
    s.bind(1, carrier).bind(2, number).bind(3, date);
    // One row more than asked tells whether there is a next page.
    s.bind(4, static_cast<std::int64_t>(*limit + 1)).bind(5, static_cast<std::int64_t>(p.offset));
    message_cache cache(c);
    std::int64_t last_interchange = -1;
    int rc;
    while ((rc = s.step()) == SQLITE_ROW) {
      if (travellers.size() == *limit) {
        more = true;
        break;
      }
      const auto doc = cache.get(s.int64(0));
      if (!doc) return doc.error();
      auto t = at_pointer(**doc, s.text(1));
      if (!t) return errc::corrupt_record;
      const std::int64_t iid = s.int64(2);
      if (iid != last_interchange) {
        accessed += (accessed.empty() ? "" : ",") + std::to_string(iid);
        last_interchange = iid;
      }
      travellers.push_back({{"interchange_id", iid},
                            {"message_id", s.int64(0)},
                            {"category", s.text(3)},
                            {"traveller", std::move(*t)}});
    }
    if (!more && rc != SQLITE_DONE) return errc::read_failed;
  }
  // The flight key is not personal data; the interchanges served are "what was accessed".
  if (impl_->audit_sync({"query.flight_travellers", std::string(actor), std::nullopt,
                         "flight=" + std::string(carrier) + std::string(number) + "/" +
                             std::string(date) + " rows=" + std::to_string(travellers.size()) +
                             " interchanges=" + accessed}))
    return errc::audit_failed;
  json out = {{"flight", {{"carrier", carrier}, {"number", number}, {"date", date}}},
              {"offset", p.offset},
              {"limit", *limit},
              {"travellers", std::move(travellers)}};
  out["next_offset"] = more ? json(p.offset + *limit) : json(nullptr);
  return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

boost::system::result<std::string> store::pnr_by_locator(std::string_view locator, page p,
                                                         std::string_view actor) {
  const auto limit = impl_->page_size(p);
  if (!limit) return limit.error();
  json pnrs = json::array();
  std::string accessed;
  bool more = false;
  {
    auto l = impl_->acquire_reader();
    if (!l) return errc::read_failed;
    connection& c = *l->c;
    statement s = c.prepare(
        "SELECT p.message_id, p.pointer, m.interchange_id FROM pnrs p "
        "JOIN messages m ON m.id = p.message_id JOIN interchanges i ON i.id = m.interchange_id "
        "WHERE p.locator = ?1 AND i.verdict IN ('accept', 'accept_with_warnings') ORDER BY p.id "
        "LIMIT ?2 OFFSET ?3");
    if (!s.valid()) return errc::read_failed;
    s.bind(1, locator).bind(2, static_cast<std::int64_t>(*limit + 1));
    s.bind(3, static_cast<std::int64_t>(p.offset));
    message_cache cache(c);
    int rc;
    while ((rc = s.step()) == SQLITE_ROW) {
      if (pnrs.size() == *limit) {
        more = true;
        break;
      }
      const auto doc = cache.get(s.int64(0));
      if (!doc) return doc.error();
      auto pnr = at_pointer(**doc, s.text(1));
      if (!pnr) return errc::corrupt_record;
      accessed += (accessed.empty() ? "" : ",") + std::to_string(s.int64(2));
      pnrs.push_back(
          {{"interchange_id", s.int64(2)}, {"message_id", s.int64(0)}, {"pnr", std::move(*pnr)}});
    }
    if (!more && rc != SQLITE_DONE) return errc::read_failed;
  }
  // The locator identifies a booking (personal data): only the ids served are logged.
  if (impl_->audit_sync({"query.pnr", std::string(actor), std::nullopt,
                         "rows=" + std::to_string(pnrs.size()) + " interchanges=" + accessed}))
    return errc::audit_failed;
  json out = {
      {"locator", locator}, {"offset", p.offset}, {"limit", *limit}, {"pnrs", std::move(pnrs)}};
  out["next_offset"] = more ? json(p.offset + *limit) : json(nullptr);
  return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

boost::system::result<retention_report> store::apply_retention(time_point now,
                                                               std::string_view actor) {
  retention_report report;
  std::promise<error_code> done;
  auto f = done.get_future();
  impl* self = impl_.get();
  const std::int64_t now_ms = detail::to_millis(now);
  const std::string who(actor);
  if (auto ec = impl_->enqueue(task_job{[self, now_ms, &who, &report](connection& c) {
                                          report = {};
                                          return self->retention(c, now_ms, who, report);
                                        },
                                        [&done](error_code r) { done.set_value(r); }, true}))
    return ec == errc::queue_full ? error_code(errc::retention_failed) : ec;
  if (auto ec = f.get()) return ec == errc::commit_failed ? error_code(errc::retention_failed) : ec;
  return report;
}

boost::system::result<audit_verification> store::verify_audit() {
  auto l = impl_->acquire_reader();
  if (!l) return errc::read_failed;
  statement s = l->c->prepare(
      "SELECT seq, at, event, actor, object_id, detail, prev_hash, hash FROM audit_log "
      "ORDER BY seq");
  if (!s.valid()) return errc::read_failed;
  audit_verification v;
  digest prev{};
  std::int64_t expected_seq = 1;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) {
    const std::int64_t seq = s.int64(0);
    audit_entry e{std::string(s.text(2)), std::string(s.text(3)),
                  s.is_null(4) ? std::nullopt : std::optional<std::int64_t>(s.int64(4)),
                  std::string(s.text(5))};
    const auto h = detail::sha256({as_view(prev), audit_content(seq, s.int64(1), e)});
    if (!h) return errc::hash_failed;
    // A removed row breaks the sequence and the link; an edited row breaks its own hash.
    if (seq != expected_seq || s.blob(6) != as_view(prev) || s.blob(7) != as_view(*h)) {
      v.ok = false;
      v.first_bad_seq = static_cast<std::uint64_t>(seq);
      return v;
    }
    ++v.rows;
    ++expected_seq;
    std::copy(s.blob(7).begin(), s.blob(7).end(), prev.begin());
  }
  if (rc != SQLITE_DONE) return errc::read_failed;
  return v;
}

// -- iAPI status changes (API-IAPI-FLOW-007/008) ----------------------------------------------

namespace {

// Runs `work` as a task of its own (one transaction, audit chain head loaded) on the writer
// thread and waits for its COMMIT.
error_code run_write_task(store::impl& self, std::function<error_code(connection&)> work) {
  std::promise<error_code> done;
  auto f = done.get_future();
  if (auto ec = self.enqueue(
          task_job{std::move(work), [&done](error_code r) { done.set_value(r); }, false}))
    return ec == errc::queue_full ? error_code(errc::write_failed) : ec;
  return f.get();
}

}  // namespace

boost::system::result<std::vector<std::int64_t>> store::iapi_requests(const flight_key& f) {
  auto l = impl_->acquire_reader();
  if (!l) return errc::read_failed;
  statement s = l->c->prepare(
      "SELECT DISTINCT m.interchange_id FROM flights f JOIN messages m ON m.id = f.message_id "
      "JOIN interchanges i ON i.id = m.interchange_id WHERE f.carrier = ?1 AND f.number = ?2 "
      "AND f.date = ?3 AND m.kind = 'iapi_request' AND i.state = 'received' "
      "AND i.verdict IN ('accept', 'accept_with_warnings') ORDER BY m.interchange_id DESC "
      "LIMIT 1000");
  if (!s.valid()) return errc::read_failed;
  s.bind(1, std::string_view(f.carrier)).bind(2, std::string_view(f.number));
  s.bind(3, std::string_view(f.date));
  std::vector<std::int64_t> ids;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) ids.push_back(s.int64(0));
  if (rc != SQLITE_DONE) return errc::read_failed;
  return ids;
}

boost::system::result<std::optional<std::string>> store::iapi_status(const flight_key& f,
                                                                     std::string_view abo) {
  auto l = impl_->acquire_reader();
  if (!l) return errc::read_failed;
  statement s = l->c->prepare(
      "SELECT directive FROM iapi_status_changes WHERE carrier = ?1 AND number = ?2 AND date = ?3 "
      "AND abo = ?4 ORDER BY id DESC LIMIT 1");
  if (!s.valid()) return errc::read_failed;
  s.bind(1, std::string_view(f.carrier)).bind(2, std::string_view(f.number));
  s.bind(3, std::string_view(f.date)).bind(4, abo);
  const int rc = s.step();
  if (rc == SQLITE_ROW) return std::optional<std::string>(std::string(s.text(0)));
  if (rc != SQLITE_DONE) return errc::read_failed;
  return std::optional<std::string>();
}

boost::system::result<std::int64_t> store::put_status_change(status_change c) {
  if (c.abo.empty() || c.directive.empty() || c.control_reference.empty() || c.message.empty() ||
      c.actor.empty())
    return errc::invalid_input;
  impl* self = impl_.get();
  std::int64_t id = 0;
  auto work = [self, &c, &id](connection& db) -> error_code {
    statement s = db.prepare(
        "INSERT INTO iapi_status_changes(at, carrier, number, date, departure_airport, abo, avf, "
        "request_id, directive, previous, text, actor, control_reference, message, destination) "
        "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)");
    if (!s.valid()) return errc::write_failed;
    s.bind(1, detail::to_millis(self->opts_.clock()))
        .bind(2, std::string_view(c.flight.carrier))
        .bind(3, std::string_view(c.flight.number))
        .bind(4, std::string_view(c.flight.date))
        .bind(5, std::string_view(c.departure_airport))
        .bind(6, std::string_view(c.abo))
        .bind(7, std::string_view(c.avf));
    if (c.request_id > 0)
      s.bind(8, c.request_id);
    else
      s.bind_null(8);
    s.bind(9, std::string_view(c.directive))
        .bind(10, std::string_view(c.previous))
        .bind(11, std::string_view(c.text))
        .bind(12, std::string_view(c.actor))
        .bind(13, std::string_view(c.control_reference))
        .bind_blob(14, std::string_view(c.message))
        .bind(15, std::string_view(c.destination));
    if (!s.run()) return errc::write_failed;
    id = db.last_insert_id();
    // DP-LOG-001/004: who changed which request's passenger status; the passenger references
    // themselves stay out of the log (they key a person).
    if (!self->append_audit(
            db, {"iapi.status_change", c.actor, c.request_id > 0 ? c.request_id : id,
                 "change=" + std::to_string(id) + " flight=" + c.flight.carrier + c.flight.number +
                     "/" + c.flight.date + " directive=" + c.directive + " previous=" + c.previous +
                     " reference=" + c.control_reference}))
      return errc::write_failed;
    return {};
  };
  if (auto ec = run_write_task(*self, work)) return ec;
  return id;
}

boost::system::error_code store::put_delivery(std::int64_t id, const delivery_record& d) {
  impl* self = impl_.get();
  auto work = [self, id, &d](connection& db) -> error_code {
    statement s = db.prepare(
        "UPDATE iapi_status_changes SET delivery = ?2, attempts = ?3, last_error = ?4, "
        "delivered_at = CASE WHEN ?2 = 'delivered' THEN ?5 ELSE delivered_at END, "
        "acknowledgement = ?6, ack_result = ?7, ack_detail = ?8 WHERE id = ?1");
    if (!s.valid()) return errc::write_failed;
    s.bind(1, id)
        .bind(2, to_string(d.state))
        .bind(3, static_cast<std::int64_t>(d.attempts))
        .bind(4, std::string_view(d.last_error))
        .bind(5, detail::to_millis(self->opts_.clock()));
    if (d.acknowledgement.empty())
      s.bind_null(6);
    else
      s.bind_blob(6, std::string_view(d.acknowledgement));
    s.bind(7, std::string_view(d.ack_result)).bind(8, std::string_view(d.ack_detail));
    if (!s.run()) return errc::write_failed;
    if (sqlite3_changes(db.handle()) == 0) return errc::not_found;
    if (!self->append_audit(
            db, {"iapi.delivery", "receiver", std::nullopt,
                 "change=" + std::to_string(id) + " delivery=" + std::string(to_string(d.state)) +
                     " attempts=" + std::to_string(d.attempts) + " ack=" + d.ack_result}))
      return errc::write_failed;
    return {};
  };
  return run_write_task(*self, work);
}

boost::system::result<std::vector<pending_delivery>> store::pending_deliveries(std::size_t limit) {
  auto l = impl_->acquire_reader();
  if (!l) return errc::read_failed;
  statement s = l->c->prepare(
      "SELECT id, carrier, number, date, departure_airport, abo, avf, directive, previous, text, "
      "control_reference, message, destination, attempts FROM iapi_status_changes "
      "WHERE delivery = 'pending' AND masked_at IS NULL ORDER BY id LIMIT ?1");
  if (!s.valid()) return errc::read_failed;
  constexpr auto most = static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max());
  s.bind(1, static_cast<std::int64_t>(std::min(limit, most)));
  std::vector<pending_delivery> out;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) {
    pending_delivery p;
    p.id = s.int64(0);
    p.change.flight = {std::string(s.text(1)), std::string(s.text(2)), std::string(s.text(3))};
    p.change.departure_airport = s.text(4);
    p.change.abo = s.text(5);
    p.change.avf = s.text(6);
    p.change.directive = s.text(7);
    p.change.previous = s.text(8);
    p.change.text = s.text(9);
    p.change.control_reference = s.text(10);
    p.change.message = s.blob(11);
    p.change.destination = s.text(12);
    p.attempts = static_cast<std::uint32_t>(std::max<std::int64_t>(s.int64(13), 0));
    out.push_back(std::move(p));
  }
  if (rc != SQLITE_DONE) return errc::read_failed;
  return out;
}

boost::system::result<std::string> store::status_changes(const flight_key& f,
                                                         std::string_view actor) {
  json rows = json::array();
  {
    auto l = impl_->acquire_reader();
    if (!l) return errc::read_failed;
    statement s = l->c->prepare(
        "SELECT id, at, departure_airport, abo, avf, request_id, directive, previous, text, "
        "control_reference, destination, delivery, attempts, last_error, delivered_at, "
        "acknowledgement, ack_result, ack_detail, message FROM iapi_status_changes "
        "WHERE carrier = ?1 AND number = ?2 AND date = ?3 ORDER BY id LIMIT 10000");
    if (!s.valid()) return errc::read_failed;
    s.bind(1, std::string_view(f.carrier)).bind(2, std::string_view(f.number));
    s.bind(3, std::string_view(f.date));
    int rc;
    while ((rc = s.step()) == SQLITE_ROW) {
      json r = {{"id", s.int64(0)},
                {"at", detail::iso_utc(s.int64(1))},
                {"departure_airport", s.text(2)},
                {"abo", s.text(3)},
                {"avf", s.text(4)},
                {"directive", s.text(6)},
                {"previous", s.text(7)},
                {"text", s.text(8)},
                {"control_reference", s.text(9)},
                {"destination", s.text(10)},
                {"delivery", s.text(11)},
                {"attempts", s.int64(12)},
                {"last_error", s.text(13)},
                {"ack_result", s.text(16)},
                {"ack_detail", s.text(17)},
                {"message", s.blob(18)}};
      r["request_id"] = s.is_null(5) ? json(nullptr) : json(s.int64(5));
      if (!s.is_null(14)) r["delivered_at"] = detail::iso_utc(s.int64(14));
      if (!s.is_null(15)) r["acknowledgement"] = s.blob(15);
      rows.push_back(std::move(r));
    }
    if (rc != SQLITE_DONE) return errc::read_failed;
  }
  if (impl_->audit_sync({"query.status_changes", std::string(actor), std::nullopt,
                         "flight=" + f.carrier + f.number + "/" + f.date +
                             " rows=" + std::to_string(rows.size())}))
    return errc::audit_failed;
  json out = {{"flight", {{"carrier", f.carrier}, {"number", f.number}, {"date", f.date}}},
              {"status_changes", std::move(rows)}};
  return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace apipnr::store
