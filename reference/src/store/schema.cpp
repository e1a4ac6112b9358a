#include "schema_internal.hpp"

#include <array>
#include <string>

#include "apipnr/store/errc.hpp"

namespace apipnr::store::detail {
namespace {

// Version 1: the data tables and the audit log.
//  - Times are INTEGER milliseconds since the Unix epoch (UTC).
//  - interchanges rows are never deleted: retention turns them into tombstones (state
//    'deleted', raw and findings cleared) so that duplicate detection, DP-RET-003 (what
//    happened to each message) and DP-LOG-002 keep working after deletion.
//  - Everything below messages cascades, so deleting an interchange's messages removes every
//    normalised copy of its personal data (DP-RET-004).
//  - travellers/pnrs carry `pointer`, the JSON pointer of the object inside the message's
//    canonical JSON, so queries serve the (possibly masked) canonical object, never a copy.
constexpr const char* v1 = R"sql(
CREATE TABLE interchanges(
  id INTEGER PRIMARY KEY,
  received_at INTEGER NOT NULL,
  channel TEXT NOT NULL CHECK (channel IN ('http', 'amqp')),
  sender_identity TEXT NOT NULL,
  sender TEXT NOT NULL,
  control_reference TEXT NOT NULL,
  message_references TEXT NOT NULL,
  sha256 BLOB NOT NULL CHECK (length(sha256) = 32),
  raw BLOB,
  raw_size INTEGER NOT NULL,
  verdict TEXT NOT NULL CHECK (verdict IN ('accept', 'accept_with_warnings', 'reject', 'failed')),
  findings TEXT NOT NULL,
  category TEXT NOT NULL CHECK (category IN ('api', 'pnr')),
  state TEXT NOT NULL DEFAULT 'received' CHECK (state IN ('received', 'masked', 'deleted')),
  masked_at INTEGER,
  deleted_at INTEGER
);
CREATE INDEX interchanges_by_reference ON interchanges(sender, control_reference);
CREATE INDEX interchanges_by_sha256 ON interchanges(sha256);

CREATE TABLE messages(
  id INTEGER PRIMARY KEY,
  interchange_id INTEGER NOT NULL REFERENCES interchanges(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  kind TEXT NOT NULL,
  type TEXT NOT NULL,
  message_reference TEXT,
  canonical TEXT NOT NULL
);
CREATE INDEX messages_by_interchange ON messages(interchange_id);

CREATE TABLE flights(
  id INTEGER PRIMARY KEY,
  message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  carrier TEXT NOT NULL,
  number TEXT NOT NULL,
  date TEXT NOT NULL,
  legs TEXT NOT NULL
);
CREATE INDEX flights_by_key ON flights(carrier, number, date);
CREATE INDEX flights_by_message ON flights(message_id);

CREATE TABLE pnrs(
  id INTEGER PRIMARY KEY,
  message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  pointer TEXT NOT NULL,
  locator TEXT NOT NULL,
  company TEXT,
  flight_id INTEGER REFERENCES flights(id) ON DELETE SET NULL
);
CREATE INDEX pnrs_by_locator ON pnrs(locator);
CREATE INDEX pnrs_by_message ON pnrs(message_id);
CREATE INDEX pnrs_by_flight ON pnrs(flight_id);

CREATE TABLE travellers(
  id INTEGER PRIMARY KEY,
  message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  pnr_id INTEGER REFERENCES pnrs(id) ON DELETE CASCADE,
  pointer TEXT NOT NULL,
  role TEXT NOT NULL,
  surname TEXT,
  given_names TEXT,
  gender TEXT,
  date_of_birth TEXT,
  nationality TEXT
);
CREATE INDEX travellers_by_message ON travellers(message_id);
CREATE INDEX travellers_by_pnr ON travellers(pnr_id);

CREATE TABLE documents(
  id INTEGER PRIMARY KEY,
  traveller_id INTEGER NOT NULL REFERENCES travellers(id) ON DELETE CASCADE,
  type TEXT NOT NULL,
  number TEXT NOT NULL,
  issuing_state TEXT,
  expiry TEXT,
  nationality TEXT
);
CREATE INDEX documents_by_traveller ON documents(traveller_id);

CREATE TABLE audit_log(
  seq INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  event TEXT NOT NULL,
  actor TEXT NOT NULL,
  object_id INTEGER,
  detail TEXT NOT NULL,
  prev_hash BLOB NOT NULL,
  hash BLOB NOT NULL
);
)sql";

// Version 2: the audit log becomes append-only inside SQLite too (the hash chain detects what
// bypasses this, e.g. a tool that drops the triggers), and retention gets its scan index.
constexpr const char* v2 = R"sql(
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE INDEX interchanges_for_retention ON interchanges(category, state, received_at);
)sql";

// Version 3: officer status changes of iAPI passengers and the delivery of their unsolicited
// CUSRES 132 (API-IAPI-FLOW-007/008). One row per change; the newest row of a passenger is its
// current status. The 132 and the carrier's 312 are kept as evidence of what was exchanged.
constexpr const char* v3 = R"sql(
CREATE TABLE iapi_status_changes(
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  carrier TEXT NOT NULL,
  number TEXT NOT NULL,
  date TEXT NOT NULL,
  departure_airport TEXT NOT NULL,
  abo TEXT NOT NULL,
  avf TEXT NOT NULL,
  request_id INTEGER REFERENCES interchanges(id),
  directive TEXT NOT NULL,
  previous TEXT NOT NULL,
  text TEXT NOT NULL,
  actor TEXT NOT NULL,
  control_reference TEXT NOT NULL,
  message BLOB NOT NULL,
  destination TEXT NOT NULL,
  delivery TEXT NOT NULL DEFAULT 'pending' CHECK (delivery IN ('pending', 'delivered', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '',
  delivered_at INTEGER,
  acknowledgement BLOB,
  ack_result TEXT NOT NULL DEFAULT '',
  ack_detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX iapi_status_by_passenger ON iapi_status_changes(carrier, number, date, abo);
)sql";

// Version 4: retention covers status changes too (DP-RET-001, DP-RET-004): ABO/AVF, the
// officer's text and the exchanged 132/312 bytes key a passenger, so they are masked with the
// API data category's mask_after (masked_at records when) and the rows are deleted with its
// delete_after; the audit rows about them stay (DP-LOG-002).
constexpr const char* v4 = R"sql(
ALTER TABLE iapi_status_changes ADD COLUMN masked_at INTEGER;
)sql";

// Version 5: fewer b-trees per put (docs/STORE.md "Schema"; docs/PERFORMANCE.md "Store writer,
// session 7"). Each small group commit writes the last page of every table and index it
// touches again (one WAL frame each, fsynced), so an iAPI put wrote about 17 frames; now 13:
//  - travel documents are a JSON column of their traveller (`documents`, NULL when none)
//    instead of a table with its own index: nothing queried them on their own, and masking
//    rewrites the column (number -> ***) as it rewrote the rows;
//  - travellers are clustered by message (WITHOUT ROWID, key (message_id, seq), seq = the
//    traveller's position among its message's rows), so travellers_by_message is gone: the
//    queries and the cascade from messages use the key's prefix, and "ORDER BY message_id,
//    seq" is the order the former rowid gave;
//  - travellers_by_pnr is partial (pnr_id IS NOT NULL): API travellers, which have no PNR,
//    add no entry, and the cascade from pnrs (pnr_id = ?) still uses it;
//  - flights are keyed by their message (a message has at most one flight): the rowid is the
//    message id, so flights_by_message is gone; pnrs.flight_id now holds that message id.
// Tables are rebuilt (SQLite cannot change a primary key in place); this step runs with
// foreign_keys off, as SQLite's procedure for such changes requires, and the migration checks
// PRAGMA foreign_key_check before it commits (see migrate()).
constexpr const char* v5 = R"sql(
CREATE TABLE travellers_v5(
  message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  pnr_id INTEGER REFERENCES pnrs(id) ON DELETE CASCADE,
  pointer TEXT NOT NULL,
  role TEXT NOT NULL,
  surname TEXT,
  given_names TEXT,
  gender TEXT,
  date_of_birth TEXT,
  nationality TEXT,
  documents TEXT,
  PRIMARY KEY (message_id, seq)
) WITHOUT ROWID;
INSERT INTO travellers_v5(message_id, seq, pnr_id, pointer, role, surname, given_names, gender,
    date_of_birth, nationality, documents)
  SELECT t.message_id, row_number() OVER (PARTITION BY t.message_id ORDER BY t.id) - 1,
    t.pnr_id, t.pointer, t.role, t.surname, t.given_names, t.gender, t.date_of_birth,
    t.nationality,
    (SELECT json_group_array(json_patch('{}', json_object('expiry', d.expiry,
       'issuing_state', d.issuing_state, 'nationality', d.nationality, 'number', d.number,
       'type', d.type)))
     FROM (SELECT * FROM documents WHERE traveller_id = t.id ORDER BY id) d
     HAVING count(*) > 0)
  FROM travellers t ORDER BY t.id;
DROP TABLE documents;
DROP TABLE travellers;

CREATE TABLE flights_v5(
  message_id INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
  carrier TEXT NOT NULL,
  number TEXT NOT NULL,
  date TEXT NOT NULL,
  legs TEXT NOT NULL
);
INSERT INTO flights_v5(message_id, carrier, number, date, legs)
  SELECT message_id, carrier, number, date, legs FROM flights ORDER BY id;
CREATE TABLE pnrs_v5(
  id INTEGER PRIMARY KEY,
  message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  pointer TEXT NOT NULL,
  locator TEXT NOT NULL,
  company TEXT,
  flight_id INTEGER REFERENCES flights(message_id) ON DELETE SET NULL
);
INSERT INTO pnrs_v5(id, message_id, pointer, locator, company, flight_id)
  SELECT p.id, p.message_id, p.pointer, p.locator, p.company, f.message_id
  FROM pnrs p LEFT JOIN flights f ON f.id = p.flight_id ORDER BY p.id;
DROP TABLE pnrs;
DROP TABLE flights;
ALTER TABLE flights_v5 RENAME TO flights;
ALTER TABLE pnrs_v5 RENAME TO pnrs;
ALTER TABLE travellers_v5 RENAME TO travellers;
CREATE INDEX flights_by_key ON flights(carrier, number, date);
CREATE INDEX pnrs_by_locator ON pnrs(locator);
CREATE INDEX pnrs_by_message ON pnrs(message_id);
CREATE INDEX pnrs_by_flight ON pnrs(flight_id);
CREATE INDEX travellers_by_pnr ON travellers(pnr_id) WHERE pnr_id IS NOT NULL;
)sql";

// Version 6: duplicates by content without a random b-tree leaf per put (docs/STORE.md
// "Duplicates"). The index interchanges_by_sha256 put each new digest at a random place in a
// b-tree, so every put of a group commit dirtied its own leaf (one 4 KiB WAL frame per put, the
// largest single writer: docs/PERFORMANCE.md "Store: what a commit writes", session 8). Now the
// digests' first 8 bytes are appended, in id order, to interchange_hashes (the puts of a commit
// share its last leaf), the writer keeps them in memory (hash_index_internal.hpp, filled from
// this table at open) and confirms a candidate against the interchange's full sha256. Only
// rows that count for RCV-DUP-002 are listed: verdict `failed` does not (RCV-DUP-003), and a
// verdict never changes. Masking and deletion keep the interchange row and its sha256
// (tombstones), so this table is never pruned. No foreign key: interchanges rows are never
// deleted, and the check would cost a lookup per put.
constexpr const char* v6 = R"sql(
CREATE TABLE interchange_hashes(
  id INTEGER PRIMARY KEY,
  sha256_prefix BLOB NOT NULL
);
INSERT INTO interchange_hashes(id, sha256_prefix)
  SELECT id, substr(sha256, 1, 8) FROM interchanges WHERE verdict <> 'failed' ORDER BY id;
DROP INDEX interchanges_by_sha256;
)sql";

// Version 7: CHECK constraints without an IN list of three or more constants. SQLite codes
// `x IN ('a', 'b', 'c')` with an ephemeral b-tree that every execution of the statement opens,
// fills with the constants, probes and closes: each INSERT into interchanges built two (verdict
// and state), a large share of the writer's instructions per put (docs/PERFORMANCE.md, "Receiver
// CPU per small message, session 11"). The same constraints written as comparisons joined by OR
// accept exactly the same values and are coded as a few compares. The file format does not
// change, so SQLite's procedure for changing a CHECK constraint applies
// (https://sqlite.org/lang_altertable.html, "Making Other Kinds Of Table Schema Changes"): the
// table's CREATE text in sqlite_schema is rewritten under writable_schema, and schema_version is
// incremented so that every connection parses the schema again. Every stored row satisfies the
// rewritten constraint, so no row is read.
struct check_rewrite {
  const char* table;
  const char* from;  // exactly as the CREATE TABLE of versions 1 and 3 wrote it
  const char* to;
};
constexpr check_rewrite v7_checks[] = {
    {"interchanges", "CHECK (verdict IN ('accept', 'accept_with_warnings', 'reject', 'failed'))",
     "CHECK (verdict = 'accept' OR verdict = 'accept_with_warnings' OR verdict = 'reject' OR "
     "verdict = 'failed')"},
    {"interchanges", "CHECK (state IN ('received', 'masked', 'deleted'))",
     "CHECK (state = 'received' OR state = 'masked' OR state = 'deleted')"},
    {"iapi_status_changes", "CHECK (delivery IN ('pending', 'delivered', 'failed'))",
     "CHECK (delivery = 'pending' OR delivery = 'delivered' OR delivery = 'failed')"},
};

// Runs one statement with three text parameters; the number of rows it changed, -1 on error.
int run_text3(connection& c, const char* sql, const char* a, const char* b, const char* d) {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(c.handle(), sql, -1, &s, nullptr) != SQLITE_OK) {
    sqlite3_finalize(s);
    return -1;
  }
  sqlite3_bind_text(s, 1, a, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 2, b, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 3, d, -1, SQLITE_STATIC);
  const int rc = sqlite3_step(s);
  sqlite3_finalize(s);
  return rc == SQLITE_DONE ? sqlite3_changes(c.handle()) : -1;
}

// Version 7 inside the step's transaction. False when a constraint's text is not found exactly
// once (a file this code did not create): the migration then fails and nothing changes.
bool rewrite_checks(connection& c) {
  const auto cookie = c.query_text("PRAGMA schema_version");
  if (!cookie) return false;
  long long version = 0;
  try {
    version = std::stoll(*cookie);
  } catch (...) {
    return false;
  }
  if (c.exec("PRAGMA writable_schema = ON") != SQLITE_OK) return false;
  bool ok = true;
  for (const check_rewrite& r : v7_checks) {
    ok = ok && run_text3(c,
                         "UPDATE sqlite_schema SET sql = replace(sql, ?2, ?3) "
                         "WHERE type = 'table' AND name = ?1 AND instr(sql, ?2) > 0",
                         r.table, r.from, r.to) == 1;
  }
  const std::string bump = "PRAGMA schema_version = " + std::to_string(version + 1);
  ok = ok && c.exec(bump.c_str()) == SQLITE_OK;
  // Off in any case (the connection is the writer's for the rest of its life).
  ok = c.exec("PRAGMA writable_schema = OFF") == SQLITE_OK && ok;
  return ok;
}

constexpr std::array<const char*, 6> steps{v1, v2, v3, v4, v5, v6};
static_assert(steps.size() + 1 == schema_version, "one SQL step per version, then version 7");

}  // namespace

int current_version(connection& c) {
  const auto v = c.query_text("PRAGMA user_version");
  if (!v) return -1;
  try {
    return std::stoi(*v);
  } catch (...) {
    return -1;
  }
}

boost::system::error_code migrate(connection& c, int target) {
  const int from = current_version(c);
  if (from < 0) return errc::migration_failed;
  if (from > schema_version) return errc::schema_too_new;
  for (int v = from + 1; v <= target && v <= schema_version; ++v) {
    // Steps that rebuild a table run with foreign keys off (dropping the old table would
    // otherwise cascade into its children); the pragma is a no-op inside a transaction, so it
    // is switched around it, and foreign_key_check proves the rebuilt references before COMMIT.
    const bool rebuilds = v == 5;
    if (rebuilds && c.exec("PRAGMA foreign_keys = OFF") != SQLITE_OK) return errc::migration_failed;
    // Each step and its user_version bump commit together, so a crash mid-migration leaves the
    // file at the previous version, never half-migrated.
    bool ok = c.exec("BEGIN IMMEDIATE") == SQLITE_OK;
    const std::string bump = "PRAGMA user_version = " + std::to_string(v);
    ok = ok &&
         (v == 7 ? rewrite_checks(c) : c.exec(steps[static_cast<std::size_t>(v - 1)]) == SQLITE_OK);
    if (ok && rebuilds) {
      statement check = c.prepare("PRAGMA foreign_key_check");
      ok = check.valid() && check.step() == SQLITE_DONE;  // no row: every reference resolves
    }
    ok = ok && c.exec(bump.c_str()) == SQLITE_OK && c.exec("COMMIT") == SQLITE_OK;
    if (!ok) c.exec("ROLLBACK");
    if (rebuilds && c.exec("PRAGMA foreign_keys = ON") != SQLITE_OK) ok = false;
    if (!ok) return errc::migration_failed;
  }
  return {};
}

}  // namespace apipnr::store::detail
