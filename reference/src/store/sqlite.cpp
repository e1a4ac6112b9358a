#include "sqlite_internal.hpp"

namespace apipnr::store::detail {

std::unique_ptr<connection> connection::open(const std::filesystem::path& path, bool read_only,
                                             int busy_timeout_ms, const char* vfs) noexcept {
  sqlite3* db = nullptr;
  // NOMUTEX: each connection is confined to one thread at a time by the store (writer thread,
  // or a leased reader), so SQLite's own per-connection mutex would only cost time.
  const int flags =
      (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
      SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db, flags, vfs) != SQLITE_OK) {
    sqlite3_close(db);
    return nullptr;
  }
  sqlite3_busy_timeout(db, busy_timeout_ms);
  sqlite3_extended_result_codes(db, 1);
  return std::unique_ptr<connection>(new connection(db));
}

connection::~connection() {
  for (auto& [sql, s] : cache_) sqlite3_finalize(s);
  sqlite3_close(db_);
}

statement connection::prepare(const char* sql) noexcept {
  if (auto it = cache_.find(sql); it != cache_.end()) return statement(it->second);
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr) != SQLITE_OK) {
    sqlite3_finalize(s);
    return statement(nullptr);
  }
  try {
    cache_.emplace(sql, s);
  } catch (...) {
    // Out of memory for the cache entry: finalize rather than leak; the caller sees failure.
    sqlite3_finalize(s);
    return statement(nullptr);
  }
  return statement(s);
}

int connection::exec(const char* sql) noexcept {
  return sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
}

std::optional<std::string> connection::query_text(const char* sql) {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db_, sql, -1, &s, nullptr) != SQLITE_OK) {
    sqlite3_finalize(s);
    return std::nullopt;
  }
  std::optional<std::string> out;
  if (sqlite3_step(s) == SQLITE_ROW) {
    const auto* p = sqlite3_column_text(s, 0);
    out = p == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(p));
  }
  sqlite3_finalize(s);
  return out;
}

}  // namespace apipnr::store::detail
