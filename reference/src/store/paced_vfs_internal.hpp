// A VFS shim over SQLite's default VFS that paces a checkpoint's writeback of the database file
// (docs/STORE.md, "Checkpoints off the commit path").
//
// A WAL checkpoint copies pages into the database file (page-cache writes, no I/O yet) and then
// syncs the file once: every page it copied reaches the disk in that one sync, and the writer's
// WAL fdatasyncs, issued meanwhile on the same disk, wait behind the whole burst. Through this
// VFS, while SQLite copies pages (between SQLITE_FCNTL_CKPT_START and SQLITE_FCNTL_CKPT_DONE,
// which SQLite sends to the database file), the database file is synced (SQLite's own xSync,
// data only) every `chunk_bytes` written, so the pages reach the disk in chunks and a WAL sync
// waits behind one chunk at most; SQLite's final sync is then short. Nothing else changes:
// every other call goes to the default VFS unchanged, and the extra syncs only make pages
// durable earlier (SQLite still syncs before it records the checkpoint in the -shm file).
//
// Lifetime: registered (not as the default) by the constructor under a name unique to the
// object, unregistered by the destructor; every connection opened with name() must be closed
// before. Thread safety: the object may be used by connections on any threads; each file is
// used by one connection at a time, as SQLite requires.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>

#include <sqlite3.h>

namespace apipnr::store::detail {

class paced_vfs {
 public:
  // chunk_bytes > 0. On failure (no default VFS, registration refused) valid() is false.
  explicit paced_vfs(std::size_t chunk_bytes) noexcept;
  ~paced_vfs();
  paced_vfs(const paced_vfs&) = delete;
  paced_vfs& operator=(const paced_vfs&) = delete;

  bool valid() const noexcept { return registered_; }
  const char* name() const noexcept { return name_.c_str(); }
  std::size_t chunk_bytes() const noexcept { return chunk_bytes_; }
  // Syncs of the database file this VFS added inside checkpoints (not SQLite's own).
  std::uint64_t writeback_syncs() const noexcept {
    return writeback_syncs_.load(std::memory_order_relaxed);
  }

  // For the shim's callbacks only.
  sqlite3_vfs* base() const noexcept { return base_; }
  void count_sync() noexcept { writeback_syncs_.fetch_add(1, std::memory_order_relaxed); }

 private:
  sqlite3_vfs vfs_{};  // pAppData points back to this object
  sqlite3_vfs* base_ = nullptr;
  std::size_t chunk_bytes_;
  std::string name_;
  bool registered_ = false;
  std::atomic<std::uint64_t> writeback_syncs_{0};
};

}  // namespace apipnr::store::detail
