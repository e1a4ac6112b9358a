// A VFS shim over SQLite's default VFS that paces a checkpoint's writeback of the database file
// (docs/STORE.md, "Checkpoints off the commit path") and/or gathers the writes of the WAL file
// into fewer system calls (docs/STORE.md, "WAL writes gathered").
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
// Writes gathered (`buffer_bytes` > 0): SQLite writes each WAL frame with two xWrite calls
// (the 24-byte frame header, then the page) and a checkpoint each page it copies into the
// database file with one, each a pwrite(2) of its own: a commit of N pages costs 2N system
// calls before its fsync, and its checkpoint N more. Through this VFS, writes that continue
// the previous one are copied into a buffer of `buffer_bytes` and reach the file in writes of
// 64 KiB (the most the default VFS takes at once):
// when the buffer is full, when a write does not continue it, and before any other call on
// that file (xSync above all, also xRead, xFileSize, xTruncate, xFileControl, xClose), so the
// file holds every byte SQLite wrote whenever SQLite or another call could look at it.
// - WAL files (`gather_wal`): only for a connection with `synchronous = FULL`, where every
//   commit syncs the WAL (xSync) before the -shm index publishes its frames to other
//   connections, which read the WAL through their own file descriptors; with NORMAL a commit
//   ends without a call on the WAL file, and its last frames would still be in the buffer when
//   readers and checkpoints look for them.
// - The database file inside a checkpoint (`gather_checkpoint`): between
//   SQLITE_FCNTL_CKPT_START and SQLITE_FCNTL_CKPT_DONE; the buffer reaches the file at
//   CKPT_DONE, which SQLite sends after the copy and before it syncs the file and records the
//   checkpoint in the -shm index (until then no connection reads those pages from the
//   database file: readers that do not use the WAL are locked out while a checkpoint copies).
// A failed write of the buffer fails the call that needed it (an xSync: the COMMIT or the
// checkpoint fails, nothing is acknowledged or recorded), as a failed pwrite would have; when
// that call was a file control whose result SQLite ignores (CKPT_DONE), the next xSync of the
// file returns the error instead.
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
  struct settings {
    std::size_t chunk_bytes = 0;     // the checkpoint's pacing (0 = off)
    std::size_t buffer_bytes = 0;    // the buffer of gathered writes (0 = off), at most INT_MAX
    bool gather_wal = false;         // gather WAL writes (FULL connections only, see above)
    bool gather_checkpoint = false;  // gather a checkpoint's writes into the database file
    // The WAL's xSync is not passed on (counted instead). Only for a connection that never
    // writes the WAL (the checkpointer's: PASSIVE checkpoints only) of a database whose every
    // writer commits with synchronous = FULL: such a commit syncs its frames before the -shm
    // index publishes them, and a checkpoint copies only published frames, so the sync SQLite
    // makes of the WAL before copying has nothing of them left to make durable.
    bool skip_wal_sync = false;
  };
  // Something to do: chunk_bytes > 0, skip_wal_sync, or buffer_bytes > 0 with a gather_* set. On
  // failure (no default VFS, registration refused, nothing to do) valid() is false.
  explicit paced_vfs(settings s) noexcept;
  ~paced_vfs();
  paced_vfs(const paced_vfs&) = delete;
  paced_vfs& operator=(const paced_vfs&) = delete;

  bool valid() const noexcept { return registered_; }
  const char* name() const noexcept { return name_.c_str(); }
  const settings& config() const noexcept { return settings_; }
  // Syncs of the database file this VFS added inside checkpoints (not SQLite's own).
  std::uint64_t writeback_syncs() const noexcept {
    return writeback_syncs_.load(std::memory_order_relaxed);
  }

  // Writes gathered: SQLite's xWrite calls taken into buffers, and the writes of the files
  // they became, for WAL files and for checkpoints' writes into the database file.
  std::uint64_t wal_writes() const noexcept { return counter(0); }
  std::uint64_t wal_file_writes() const noexcept { return counter(1); }
  std::uint64_t checkpoint_writes() const noexcept { return counter(2); }
  std::uint64_t checkpoint_file_writes() const noexcept { return counter(3); }
  // skip_wal_sync: the WAL syncs not passed on.
  std::uint64_t wal_syncs_skipped() const noexcept { return counter(4); }

  // For the shim's callbacks only.
  sqlite3_vfs* base() const noexcept { return base_; }
  void count_sync() noexcept { writeback_syncs_.fetch_add(1, std::memory_order_relaxed); }
  // kind: 0 WAL writes, 1 WAL file writes, 2 checkpoint writes, 3 checkpoint file writes,
  // 4 WAL syncs skipped.
  void count(int kind) noexcept { counters_[kind].fetch_add(1, std::memory_order_relaxed); }

 private:
  sqlite3_vfs vfs_{};  // pAppData points back to this object
  sqlite3_vfs* base_ = nullptr;
  std::uint64_t counter(int kind) const noexcept {
    return counters_[kind].load(std::memory_order_relaxed);
  }
  settings settings_;
  std::string name_;
  bool registered_ = false;
  std::atomic<std::uint64_t> writeback_syncs_{0};
  std::atomic<std::uint64_t> counters_[5] = {};
};

}  // namespace apipnr::store::detail
