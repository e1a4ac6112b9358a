#include "paced_vfs_internal.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>

namespace apipnr::store::detail {
namespace {

// One open file: SQLite allocates szOsFile bytes for it, this header followed by the default
// VFS's own file object, which receives every call.
struct paced_file {
  sqlite3_file base;     // pMethods: one of the method tables below, or null
  sqlite3_file* real;    // the default VFS's file, right after this header
  paced_vfs* owner;      // for the settings and the counters
  bool main_db;          // the database file
  bool wal;              // a WAL file
  bool in_checkpoint;    // between SQLITE_FCNTL_CKPT_START and SQLITE_FCNTL_CKPT_DONE
  std::size_t unsynced;  // bytes written in this checkpoint since the last sync (pacing)
  // Writes gathered (paced_vfs_internal.hpp): `pending` bytes written by SQLite at file offset
  // `pending_at` and not yet in the file; `buffer` (buffer_bytes, malloc'd at the first
  // gathered write, freed at close) holds them.
  char* buffer;
  std::size_t pending;
  sqlite3_int64 pending_at;
  // A failed write of the buffer that SQLite did not see (a file control's result it ignores):
  // the next xSync returns it, so that no COMMIT or checkpoint counts on those bytes.
  int unseen_error;
};
constexpr std::size_t header_size = (sizeof(paced_file) + 15) / 16 * 16;

sqlite3_file* real_of(sqlite3_file* f) { return reinterpret_cast<paced_file*>(f)->real; }
paced_vfs* owner_of(sqlite3_vfs* v) { return static_cast<paced_vfs*>(v->pAppData); }

// Whether this write of SQLite's may be gathered (paced_vfs_internal.hpp).
bool gathers(const paced_file* p) {
  const paced_vfs::settings& c = p->owner->config();
  return c.buffer_bytes > 0 &&
         ((p->wal && c.gather_wal) || (p->main_db && p->in_checkpoint && c.gather_checkpoint));
}

// A write that reaches the file, and the pacing: inside a checkpoint, the database file is
// synced every chunk_bytes written.
int write_file(paced_file* p, const void* buf, int amt, sqlite3_int64 off) {
  sqlite3_file* r = p->real;
  const int rc = r->pMethods->xWrite(r, buf, amt, off);
  const std::size_t chunk = p->owner->config().chunk_bytes;
  if (rc != SQLITE_OK || chunk == 0 || !p->main_db || !p->in_checkpoint) return rc;
  p->unsynced += static_cast<std::size_t>(amt);
  if (p->unsynced < chunk) return rc;
  p->unsynced = 0;
  p->owner->count_sync();
  // An error fails the checkpoint (SQLite then records nothing as copied); no data is lost.
  return r->pMethods->xSync(r, SQLITE_SYNC_NORMAL | SQLITE_SYNC_DATAONLY);
}

// The most one write of the default VFS takes: its unix xWrite passes at most 0x1ffff bytes
// to one pwrite (it masks the count) and reports a larger write as a full disk.
constexpr std::size_t max_file_write = 64 * 1024;

// Writes what the buffer holds to the file, in writes of max_file_write. The buffer is empty
// afterwards whatever the outcome: after a failed write SQLite abandons the transaction or the
// checkpoint (a failed xSync fails the COMMIT), as it does after a failed pwrite of its own.
int flush(paced_file* p) {
  const std::size_t n = p->pending;
  p->pending = 0;
  for (std::size_t done = 0; done < n;) {
    const std::size_t piece = std::min(max_file_write, n - done);
    p->owner->count(p->wal ? 1 : 3);
    if (const int rc = write_file(p, p->buffer + done, static_cast<int>(piece),
                                  p->pending_at + static_cast<sqlite3_int64>(done));
        rc != SQLITE_OK)
      return rc;
    done += piece;
  }
  return SQLITE_OK;
}

int x_close(sqlite3_file* f) {
  auto* p = reinterpret_cast<paced_file*>(f);
  sqlite3_file* r = p->real;
  const int flushed = flush(p);
  std::free(p->buffer);
  p->buffer = nullptr;
  const int rc = r->pMethods->xClose(r);
  return flushed != SQLITE_OK ? flushed : rc;
}
// A read may want bytes still in the buffer (the frames of a transaction whose pages SQLite
// spilled from its cache before the COMMIT): the buffer goes to the file first.
int x_read(sqlite3_file* f, void* buf, int amt, sqlite3_int64 off) {
  auto* p = reinterpret_cast<paced_file*>(f);
  if (const int rc = flush(p); rc != SQLITE_OK) return rc;
  sqlite3_file* r = p->real;
  return r->pMethods->xRead(r, buf, amt, off);
}
// True when the write was taken into the buffer (*rc: SQLITE_OK, or the error of the flush
// that had to come first); false when it goes to the file now.
bool gathered(paced_file* p, const void* buf, int amt, sqlite3_int64 off, int* rc) {
  *rc = SQLITE_OK;
  p->owner->count(p->wal ? 0 : 2);
  const std::size_t cap = p->owner->config().buffer_bytes;
  const auto n = static_cast<std::size_t>(amt);
  // Only a write that continues the pending bytes joins them (SQLite appends frames, but
  // rewrites a frame of the same transaction in place and writes the WAL header at offset 0; a
  // checkpoint writes pages in page order, with gaps).
  if (p->pending > 0 &&
      (off != p->pending_at + static_cast<sqlite3_int64>(p->pending) || p->pending + n > cap)) {
    if ((*rc = flush(p)) != SQLITE_OK) return true;  // failed: the error is the write's
  }
  if (n > cap || n > max_file_write) return false;
  if (p->buffer == nullptr) {
    p->buffer = static_cast<char*>(std::malloc(cap));
    if (p->buffer == nullptr) return false;  // no memory: written at once, as without a buffer
  }
  if (p->pending == 0) p->pending_at = off;
  std::memcpy(p->buffer + p->pending, buf, n);
  p->pending += n;
  return true;
}
int x_write(sqlite3_file* f, const void* buf, int amt, sqlite3_int64 off) {
  auto* p = reinterpret_cast<paced_file*>(f);
  if (gathers(p)) {
    int flushed = SQLITE_OK;
    if (gathered(p, buf, amt, off, &flushed)) return flushed;
    p->owner->count(p->wal ? 1 : 3);
  }
  return write_file(p, buf, amt, off);
}
int x_truncate(sqlite3_file* f, sqlite3_int64 size) {
  auto* p = reinterpret_cast<paced_file*>(f);
  if (const int rc = flush(p); rc != SQLITE_OK) return rc;
  sqlite3_file* r = p->real;
  return r->pMethods->xTruncate(r, size);
}
// The commit's (or the checkpoint's) sync: the gathered bytes reach the file first, then the
// disk.
int x_sync(sqlite3_file* f, int flags) {
  auto* p = reinterpret_cast<paced_file*>(f);
  if (const int rc = p->unseen_error; rc != SQLITE_OK) {
    p->unseen_error = SQLITE_OK;
    return rc;
  }
  if (const int rc = flush(p); rc != SQLITE_OK) return rc;
  if (p->wal && p->owner->config().skip_wal_sync) {
    // Frames this connection reads were synced by the commit that published them (settings).
    p->owner->count(4);
    return SQLITE_OK;
  }
  sqlite3_file* r = p->real;
  return r->pMethods->xSync(r, flags);
}
int x_file_size(sqlite3_file* f, sqlite3_int64* size) {
  auto* p = reinterpret_cast<paced_file*>(f);
  if (const int rc = flush(p); rc != SQLITE_OK) return rc;
  sqlite3_file* r = p->real;
  return r->pMethods->xFileSize(r, size);
}
int x_lock(sqlite3_file* f, int lock) {
  sqlite3_file* r = real_of(f);
  return r->pMethods->xLock(r, lock);
}
int x_unlock(sqlite3_file* f, int lock) {
  sqlite3_file* r = real_of(f);
  return r->pMethods->xUnlock(r, lock);
}
int x_check_reserved_lock(sqlite3_file* f, int* out) {
  sqlite3_file* r = real_of(f);
  return r->pMethods->xCheckReservedLock(r, out);
}
int x_file_control(sqlite3_file* f, int op, void* arg) {
  auto* p = reinterpret_cast<paced_file*>(f);
  // The gathered writes reach the file before any file control: CKPT_DONE ends a checkpoint's
  // copy (what it gathered must be in the file before SQLite syncs it), and others (a size
  // hint) read or set the file's size. SQLite ignores the result of some, so a failure is
  // also kept for the next xSync.
  if (const int rc = flush(p); rc != SQLITE_OK) {
    p->unseen_error = rc;
    if (op == SQLITE_FCNTL_CKPT_DONE) p->in_checkpoint = false;
    return rc;
  }
  if (op == SQLITE_FCNTL_CKPT_START) {
    p->in_checkpoint = true;
    p->unsynced = 0;
  } else if (op == SQLITE_FCNTL_CKPT_DONE) {
    p->in_checkpoint = false;
  } else if (op == SQLITE_FCNTL_VFSNAME && arg != nullptr) {
    // Names the stack as SQLite's own shims do ("shim/base"); the base adds its own name.
    char** name = static_cast<char**>(arg);
    if (p->real->pMethods->xFileControl(p->real, op, arg) == SQLITE_OK && *name != nullptr)
      *name = sqlite3_mprintf("apipnr-paced/%z", *name);
    else
      *name = sqlite3_mprintf("apipnr-paced");
    return SQLITE_OK;
  }
  return p->real->pMethods->xFileControl(p->real, op, arg);
}
int x_sector_size(sqlite3_file* f) {
  sqlite3_file* r = real_of(f);
  return r->pMethods->xSectorSize(r);
}
int x_device_characteristics(sqlite3_file* f) {
  sqlite3_file* r = real_of(f);
  return r->pMethods->xDeviceCharacteristics(r);
}
int x_shm_map(sqlite3_file* f, int pg, int pgsz, int extend, void volatile** out) {
  sqlite3_file* r = real_of(f);
  return r->pMethods->xShmMap(r, pg, pgsz, extend, out);
}
int x_shm_lock(sqlite3_file* f, int offset, int n, int flags) {
  sqlite3_file* r = real_of(f);
  return r->pMethods->xShmLock(r, offset, n, flags);
}
void x_shm_barrier(sqlite3_file* f) {
  sqlite3_file* r = real_of(f);
  r->pMethods->xShmBarrier(r);
}
int x_shm_unmap(sqlite3_file* f, int del) {
  sqlite3_file* r = real_of(f);
  return r->pMethods->xShmUnmap(r, del);
}
int x_fetch(sqlite3_file* f, sqlite3_int64 off, int amt, void** out) {
  sqlite3_file* r = real_of(f);
  return r->pMethods->xFetch(r, off, amt, out);
}
int x_unfetch(sqlite3_file* f, sqlite3_int64 off, void* page) {
  sqlite3_file* r = real_of(f);
  return r->pMethods->xUnfetch(r, off, page);
}

// Method tables by the base file's iVersion: a version-1 file (no shared memory, no mmap) must
// not be offered xShmMap, or SQLite would use WAL on a file that cannot do it.
constexpr sqlite3_io_methods make_methods(int version) {
  sqlite3_io_methods m{};
  m.iVersion = version;
  m.xClose = x_close;
  m.xRead = x_read;
  m.xWrite = x_write;
  m.xTruncate = x_truncate;
  m.xSync = x_sync;
  m.xFileSize = x_file_size;
  m.xLock = x_lock;
  m.xUnlock = x_unlock;
  m.xCheckReservedLock = x_check_reserved_lock;
  m.xFileControl = x_file_control;
  m.xSectorSize = x_sector_size;
  m.xDeviceCharacteristics = x_device_characteristics;
  if (version >= 2) {
    m.xShmMap = x_shm_map;
    m.xShmLock = x_shm_lock;
    m.xShmBarrier = x_shm_barrier;
    m.xShmUnmap = x_shm_unmap;
  }
  if (version >= 3) {
    m.xFetch = x_fetch;
    m.xUnfetch = x_unfetch;
  }
  return m;
}
constexpr sqlite3_io_methods methods_v1 = make_methods(1);
constexpr sqlite3_io_methods methods_v2 = make_methods(2);
constexpr sqlite3_io_methods methods_v3 = make_methods(3);

int v_open(sqlite3_vfs* v, sqlite3_filename name, sqlite3_file* f, int flags, int* out_flags) {
  paced_vfs* owner = owner_of(v);
  auto* p = new (f) paced_file{};
  p->owner = owner;
  p->real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(f) + header_size);
  p->main_db = (flags & SQLITE_OPEN_MAIN_DB) != 0;
  p->wal = (flags & SQLITE_OPEN_WAL) != 0;
  const int rc = owner->base()->xOpen(owner->base(), name, p->real, flags, out_flags);
  // SQLite calls xClose only when pMethods is set: mirror the base file, which leaves its own
  // pMethods null when its open failed.
  const sqlite3_io_methods* m = p->real->pMethods;
  if (m == nullptr)
    p->base.pMethods = nullptr;
  else if (m->iVersion >= 3)
    p->base.pMethods = &methods_v3;
  else if (m->iVersion == 2)
    p->base.pMethods = &methods_v2;
  else
    p->base.pMethods = &methods_v1;
  return rc;
}
int v_delete(sqlite3_vfs* v, const char* name, int sync_dir) {
  sqlite3_vfs* b = owner_of(v)->base();
  return b->xDelete(b, name, sync_dir);
}
int v_access(sqlite3_vfs* v, const char* name, int flags, int* out) {
  sqlite3_vfs* b = owner_of(v)->base();
  return b->xAccess(b, name, flags, out);
}
int v_full_pathname(sqlite3_vfs* v, const char* name, int n, char* out) {
  sqlite3_vfs* b = owner_of(v)->base();
  return b->xFullPathname(b, name, n, out);
}
void* v_dl_open(sqlite3_vfs* v, const char* name) {
  sqlite3_vfs* b = owner_of(v)->base();
  return b->xDlOpen(b, name);
}
void v_dl_error(sqlite3_vfs* v, int n, char* out) {
  sqlite3_vfs* b = owner_of(v)->base();
  b->xDlError(b, n, out);
}
void (*v_dl_sym(sqlite3_vfs* v, void* h, const char* sym))(void) {
  sqlite3_vfs* b = owner_of(v)->base();
  return b->xDlSym(b, h, sym);
}
void v_dl_close(sqlite3_vfs* v, void* h) {
  sqlite3_vfs* b = owner_of(v)->base();
  b->xDlClose(b, h);
}
int v_randomness(sqlite3_vfs* v, int n, char* out) {
  sqlite3_vfs* b = owner_of(v)->base();
  return b->xRandomness(b, n, out);
}
int v_sleep(sqlite3_vfs* v, int us) {
  sqlite3_vfs* b = owner_of(v)->base();
  return b->xSleep(b, us);
}
int v_current_time(sqlite3_vfs* v, double* out) {
  sqlite3_vfs* b = owner_of(v)->base();
  return b->xCurrentTime(b, out);
}
int v_get_last_error(sqlite3_vfs* v, int n, char* out) {
  sqlite3_vfs* b = owner_of(v)->base();
  return b->xGetLastError != nullptr ? b->xGetLastError(b, n, out) : 0;
}
int v_current_time_int64(sqlite3_vfs* v, sqlite3_int64* out) {
  sqlite3_vfs* b = owner_of(v)->base();
  return b->xCurrentTimeInt64(b, out);
}
int v_set_system_call(sqlite3_vfs* v, const char* name, sqlite3_syscall_ptr ptr) {
  sqlite3_vfs* b = owner_of(v)->base();
  return b->xSetSystemCall(b, name, ptr);
}
sqlite3_syscall_ptr v_get_system_call(sqlite3_vfs* v, const char* name) {
  sqlite3_vfs* b = owner_of(v)->base();
  return b->xGetSystemCall(b, name);
}
const char* v_next_system_call(sqlite3_vfs* v, const char* name) {
  sqlite3_vfs* b = owner_of(v)->base();
  return b->xNextSystemCall(b, name);
}

}  // namespace

paced_vfs::paced_vfs(settings s) noexcept : settings_(s) {
  base_ = sqlite3_vfs_find(nullptr);
  const bool gathers = s.buffer_bytes > 0 && (s.gather_wal || s.gather_checkpoint) &&
                       s.buffer_bytes <= static_cast<std::size_t>(std::numeric_limits<int>::max());
  if (base_ == nullptr || (s.chunk_bytes == 0 && !gathers && !s.skip_wal_sync)) return;
  if (!gathers) settings_.buffer_bytes = 0;
  try {
    char buf[48];
    std::snprintf(buf, sizeof buf, "apipnr-paced-%p", static_cast<void*>(this));
    name_ = buf;
  } catch (...) {
    return;
  }
  vfs_.iVersion = base_->iVersion < 3 ? base_->iVersion : 3;
  vfs_.szOsFile = static_cast<int>(header_size) + base_->szOsFile;
  vfs_.mxPathname = base_->mxPathname;
  vfs_.zName = name_.c_str();
  vfs_.pAppData = this;
  vfs_.xOpen = v_open;
  vfs_.xDelete = v_delete;
  vfs_.xAccess = v_access;
  vfs_.xFullPathname = v_full_pathname;
  vfs_.xDlOpen = v_dl_open;
  vfs_.xDlError = v_dl_error;
  vfs_.xDlSym = v_dl_sym;
  vfs_.xDlClose = v_dl_close;
  vfs_.xRandomness = v_randomness;
  vfs_.xSleep = v_sleep;
  vfs_.xCurrentTime = v_current_time;
  vfs_.xGetLastError = v_get_last_error;
  if (vfs_.iVersion >= 2) vfs_.xCurrentTimeInt64 = v_current_time_int64;
  if (vfs_.iVersion >= 3) {
    vfs_.xSetSystemCall = v_set_system_call;
    vfs_.xGetSystemCall = v_get_system_call;
    vfs_.xNextSystemCall = v_next_system_call;
  }
  registered_ = sqlite3_vfs_register(&vfs_, 0) == SQLITE_OK;
}

paced_vfs::~paced_vfs() {
  if (registered_) sqlite3_vfs_unregister(&vfs_);
}

}  // namespace apipnr::store::detail
