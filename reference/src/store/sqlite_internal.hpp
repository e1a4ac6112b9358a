// Thin RAII wrapper over one sqlite3 connection with a prepared-statement cache.
//
// A connection is used by one thread at a time (the writer thread owns the write connection;
// read connections are leased from a pool), so it is opened with SQLITE_OPEN_NOMUTEX. Cached
// statements are keyed by the address of their SQL text, which must therefore be a string
// literal or otherwise live as long as the connection.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

#include <sqlite3.h>

namespace apipnr::store::detail {

class connection;

// A cached statement in use: bind, step, read columns. Resets the statement (and clears its
// bindings) on destruction so the next user starts clean.
class statement {
 public:
  explicit statement(sqlite3_stmt* s) noexcept : s_(s) {}
  ~statement() {
    if (s_ != nullptr) {
      sqlite3_reset(s_);
      sqlite3_clear_bindings(s_);
    }
  }
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;

  bool valid() const noexcept { return s_ != nullptr; }
  statement& bind(int i, std::int64_t v) noexcept {
    sqlite3_bind_int64(s_, i, v);
    return *this;
  }
  statement& bind(int i, std::string_view v) noexcept {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  // Binds without a copy (SQLITE_STATIC): `v` must stay valid and unchanged until the last
  // step() of this use of the statement. For the writer's rows, whose texts live in the
  // prepared put for the whole transaction: SQLITE_TRANSIENT copies (a malloc, a memcpy and a
  // free per value) were about 10 % of the instructions of a 300-traveller PAXLST
  // (docs/PERFORMANCE.md).
  statement& bind_static(int i, std::string_view v) noexcept {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
    return *this;
  }
  statement& bind_static_blob(int i, std::string_view v) noexcept {
    sqlite3_bind_blob(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
    return *this;
  }
  statement& bind_static_opt(int i, const std::optional<std::string>& v) noexcept {
    return v ? bind_static(i, std::string_view(*v)) : bind_null(i);
  }
  statement& bind_blob(int i, std::span<const unsigned char> v) noexcept {
    sqlite3_bind_blob(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  statement& bind_blob(int i, std::string_view v) noexcept {
    sqlite3_bind_blob(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  statement& bind_null(int i) noexcept {
    sqlite3_bind_null(s_, i);
    return *this;
  }
  statement& bind_opt(int i, const std::optional<std::string>& v) noexcept {
    return v ? bind(i, std::string_view(*v)) : bind_null(i);
  }
  // SQLITE_ROW, SQLITE_DONE or an error code.
  int step() noexcept { return sqlite3_step(s_); }
  // True when step() finished without error (for INSERT/UPDATE/DELETE).
  bool run() noexcept { return step() == SQLITE_DONE; }

  bool is_null(int c) const noexcept { return sqlite3_column_type(s_, c) == SQLITE_NULL; }
  std::int64_t int64(int c) const noexcept { return sqlite3_column_int64(s_, c); }
  std::string_view text(int c) const noexcept {
    const auto* p = sqlite3_column_text(s_, c);
    const int n = sqlite3_column_bytes(s_, c);
    return p == nullptr
               ? std::string_view{}
               : std::string_view(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n));
  }
  std::string_view blob(int c) const noexcept {
    const void* p = sqlite3_column_blob(s_, c);
    const int n = sqlite3_column_bytes(s_, c);
    return p == nullptr
               ? std::string_view{}
               : std::string_view(static_cast<const char*>(p), static_cast<std::size_t>(n));
  }

 private:
  sqlite3_stmt* s_;
};

class connection {
 public:
  // Opens (read_only: SQLITE_OPEN_READONLY; else READWRITE | CREATE) through the named VFS
  // (nullptr: SQLite's default). nullptr on failure.
  static std::unique_ptr<connection> open(const std::filesystem::path& path, bool read_only,
                                          int busy_timeout_ms, const char* vfs = nullptr) noexcept;
  ~connection();
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  sqlite3* handle() const noexcept { return db_; }
  // A cached prepared statement for `sql` (see the file comment); invalid() on a prepare error.
  statement prepare(const char* sql) noexcept;
  // Runs one or more statements without a result (DDL, PRAGMA, BEGIN/COMMIT). SQLite code.
  int exec(const char* sql) noexcept;
  // Runs a PRAGMA (or any single-row query) and returns its first column as text.
  std::optional<std::string> query_text(const char* sql);
  std::int64_t last_insert_id() const noexcept { return sqlite3_last_insert_rowid(db_); }
  const char* last_error() const noexcept { return sqlite3_errmsg(db_); }

 private:
  explicit connection(sqlite3* db) noexcept : db_(db) {}
  sqlite3* db_;
  std::unordered_map<const char*, sqlite3_stmt*> cache_;
};

}  // namespace apipnr::store::detail
