// Error codes of the receiver's durable store (apipnr::store, store.hpp).
//
// The store never throws on its hot paths (put, queries, retention): it returns one of these
// codes (category "apipnr.store"). Each enumerator has a row in a static table (`info()`) with
// its stable ID (STO-*), the requirement ID it protects (specs/requirements/*.json) and a
// one-line message; docs/error-codes-store.md lists the table and a unit test keeps the two in
// step. IDs are never reused.
//
// Thread safety: everything here is immutable and safe to use from any thread.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <type_traits>

#include <boost/system/error_code.hpp>

namespace apipnr::store {

enum class errc : std::uint8_t {
  ok = 0,
  // -- opening and schema ----------------------------------------------------------------------
  open_failed = 1,   // the database file cannot be opened or created
  schema_too_new,    // the file was written by a newer schema version than this build knows
  migration_failed,  // a schema migration step failed (the file is left at the older version)
  invalid_options,   // options are inconsistent (delete before mask, zero batch, ...)
  // -- put -------------------------------------------------------------------------------------
  raw_too_large,      // raw bytes larger than options::max_raw_bytes
  too_many_messages,  // more canonical messages than options::max_messages_per_put
  invalid_input,      // a required field is missing or malformed (sender identity, findings)
  queue_full,         // the writer queue is at options::max_queue (back-pressure)
  closed,             // the store is closing or closed; nothing was stored
  commit_failed,      // COMMIT (or BEGIN) failed: nothing of the batch was acknowledged
  write_failed,       // one put's INSERT failed; that put was rolled back, others committed
  // -- queries ---------------------------------------------------------------------------------
  not_found,       // no record with that id
  page_limit,      // page size larger than options::max_page_size
  read_failed,     // a read statement failed (I/O, busy beyond the timeout)
  corrupt_record,  // stored JSON could not be parsed back
  audit_failed,    // the audit row for an access could not be committed: nothing returned
  // -- retention and audit ---------------------------------------------------------------------
  retention_failed,  // the retention transaction failed and was rolled back
  hash_failed,       // SHA-256 could not be computed (OpenSSL EVP failure)
};

// The error category for `errc`. name() is "apipnr.store".
const boost::system::error_category& store_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), store_category()};
}

// Static description of a code. Every field points to static storage.
struct errc_info {
  errc code;
  std::string_view id;           // stable ID, e.g. "STO-RAW-LIMIT"
  std::string_view requirement;  // requirement ID, e.g. "RCV-LIM-001"
  std::string_view message;      // one-line English description
};

// Table lookup; never fails (unknown values map to a generic "STO-UNKNOWN" entry).
const errc_info& info(errc e) noexcept;

// All entries, in enumerator order, excluding `ok` (for docs and tests).
std::span<const errc_info> all_errc_info() noexcept;

}  // namespace apipnr::store

namespace boost::system {
template <>
struct is_error_code_enum<apipnr::store::errc> : std::true_type {};
}  // namespace boost::system
