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

constexpr std::array<const char*, schema_version> steps{v1, v2, v3, v4};

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
    // Each step and its user_version bump commit together, so a crash mid-migration leaves the
    // file at the previous version, never half-migrated.
    if (c.exec("BEGIN IMMEDIATE") != SQLITE_OK) return errc::migration_failed;
    const std::string bump = "PRAGMA user_version = " + std::to_string(v);
    if (c.exec(steps[static_cast<std::size_t>(v - 1)]) != SQLITE_OK ||
        c.exec(bump.c_str()) != SQLITE_OK || c.exec("COMMIT") != SQLITE_OK) {
      c.exec("ROLLBACK");
      return errc::migration_failed;
    }
  }
  return {};
}

}  // namespace apipnr::store::detail
