#include "apipnr/store/errc.hpp"

#include <array>
#include <string>

#include "apipnr/common/errc_table.hpp"

namespace apipnr::store {
namespace {

// The single table of store errors. Order must follow the enumerators (checked in
// errc_test.cpp); docs/error-codes-store.md lists every row (also checked).
constexpr std::array<errc_info, 18> table{{
    {errc::open_failed, "STO-OPEN", "RCV-DUR-001", "the database file cannot be opened or created"},
    {errc::schema_too_new, "STO-SCHEMA-NEWER", "RCV-DUR-002",
     "the database was written by a newer schema version than this build supports"},
    {errc::migration_failed, "STO-MIGRATE", "RCV-DUR-002",
     "a schema migration failed; the file stays at its previous version"},
    {errc::invalid_options, "STO-OPTIONS", "DP-RET-002",
     "store options are inconsistent (e.g. delete timer before mask timer, zero batch size)"},
    {errc::raw_too_large, "STO-RAW-LIMIT", "RCV-LIM-001",
     "raw payload is larger than the configured maximum"},
    {errc::too_many_messages, "STO-MSG-LIMIT", "RCV-LIM-001",
     "more canonical messages in one put than the configured maximum"},
    {errc::invalid_input, "STO-INPUT", "RCV-BAD-001",
     "a required field of the record is missing or malformed"},
    {errc::queue_full, "STO-QUEUE-FULL", "RCV-LIM-003",
     "the writer queue is full; retry later (back-pressure)"},
    {errc::closed, "STO-CLOSED", "RCV-DUR-001", "the store is closed; nothing was stored"},
    {errc::commit_failed, "STO-COMMIT", "RCV-DUR-001",
     "the batch transaction did not commit; no put of the batch is acknowledged"},
    {errc::write_failed, "STO-WRITE", "RCV-DUR-001",
     "writing this record failed; it was rolled back and is not acknowledged"},
    {errc::not_found, "STO-NOT-FOUND", "RCV-BAD-007", "no stored record with this id"},
    {errc::page_limit, "STO-PAGE-LIMIT", "RCV-LIM-001",
     "requested page size is larger than the configured maximum"},
    {errc::read_failed, "STO-READ", "RCV-BAD-008", "a read query failed"},
    {errc::corrupt_record, "STO-CORRUPT", "RCV-BAD-008",
     "a stored JSON document could not be parsed back"},
    {errc::audit_failed, "STO-AUDIT", "DP-LOG-004",
     "the audit row for this access could not be committed; no data was returned"},
    {errc::retention_failed, "STO-RETENTION", "DP-RET-002",
     "the retention run failed and was rolled back; it can be repeated"},
    {errc::hash_failed, "STO-HASH", "DP-LOG-001", "SHA-256 could not be computed"},
}};

constexpr errc_info unknown_info{errc::ok, "STO-UNKNOWN", "", "unknown store error"};

const common::table_category<errc_info>& category() noexcept {
  static const common::table_category<errc_info> instance("apipnr.store", table, unknown_info,
                                                          common::errc_text::id_and_message);
  return instance;
}

}  // namespace

const boost::system::error_category& store_category() noexcept { return category(); }

const errc_info& info(errc e) noexcept { return category().row(static_cast<int>(e)); }

std::span<const errc_info> all_errc_info() noexcept { return table; }

}  // namespace apipnr::store
