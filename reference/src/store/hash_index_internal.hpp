// Duplicate candidates by content (schema 6, docs/STORE.md "Duplicates"): every interchange that
// counts for RCV-DUP-002 (verdict not `failed`) under the first 8 bytes of its raw SHA-256, in
// memory, so that a put needs no random leaf of an on-disk SHA-256 index.
//
// Contract: a superset index. candidates() yields every stored id whose prefix equals the one
// asked for (and, with probability about 2^-64 per entry, none other), so the caller confirms
// each candidate against the stored row (full digest, category, verdict). It is filled at open
// from the append-only table `interchange_hashes` and after each COMMIT from that commit's new
// rows, so it holds every committed row of that table.
//
// Memory: 16-byte slots, a power of two of them, at most 3/4 full: 21 to 43 bytes per entry,
// 32 MiB for one million entries (2^21 slots), and while growing the old array as well.
//
// Not thread-safe: the store's writer thread (and open(), before it starts) owns it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <string_view>
#include <vector>

namespace apipnr::store::detail {

// The first 8 bytes of a digest as the key (byte order fixed, so that the value is the same on
// every machine; only the store's own memory holds it).
inline std::uint64_t hash_prefix(std::string_view digest_bytes) noexcept {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < 8 && i < digest_bytes.size(); ++i)
    v = (v << 8) | static_cast<unsigned char>(digest_bytes[i]);
  return v;
}

class hash_index {
 public:
  hash_index() : seed_(std::random_device{}() | (std::uint64_t{std::random_device{}()} << 32)) {}

  std::size_t size() const noexcept { return size_; }
  std::size_t memory_bytes() const noexcept { return slots_.capacity() * sizeof(slot); }

  // Makes room for `n` entries in total: inserts up to that size do not allocate (the writer
  // reserves before COMMIT, so that publishing a committed row afterwards cannot fail).
  void reserve(std::size_t n) {
    std::size_t cap = slots_.empty() ? 1024 : slots_.size();
    while (n > cap / 4 * 3) cap *= 2;
    if (cap != slots_.size()) rehash(cap);
  }

  // Adds one entry. `id` > 0 (rowids the store assigns start at 1; 0 marks an empty slot).
  void insert(std::uint64_t prefix, std::int64_t id) {
    reserve(size_ + 1);
    place(prefix, id);
    ++size_;
  }

  // Calls f(id) for every entry stored under `prefix`, in no particular order.
  template <class F>
  void candidates(std::uint64_t prefix, F&& f) const {
    if (slots_.empty()) return;
    for (std::size_t i = bucket(prefix);; i = (i + 1) & mask_) {
      const slot& s = slots_[i];
      if (s.id == 0) return;
      if (s.prefix == prefix) f(s.id);
    }
  }

 private:
  struct slot {
    std::uint64_t prefix = 0;
    std::int64_t id = 0;  // 0: empty
  };

  // The slot is chosen by a keyed mix of the prefix (per process seed): the prefixes of
  // SHA-256 digests are uniform anyway, but a sender who computes inputs whose prefixes share
  // their low bits could otherwise build one long probe run that every lookup there walks.
  std::size_t bucket(std::uint64_t prefix) const noexcept {
    std::uint64_t h = prefix ^ seed_;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return static_cast<std::size_t>(h) & mask_;
  }

  void place(std::uint64_t prefix, std::int64_t id) noexcept {
    std::size_t i = bucket(prefix);
    while (slots_[i].id != 0) i = (i + 1) & mask_;
    slots_[i] = {prefix, id};
  }

  void rehash(std::size_t cap) {
    std::vector<slot> old(cap);
    old.swap(slots_);
    mask_ = cap - 1;
    for (const slot& s : old)
      if (s.id != 0) place(s.prefix, s.id);
  }

  std::vector<slot> slots_;
  std::size_t size_ = 0;
  std::size_t mask_ = 0;
  std::uint64_t seed_;
};

}  // namespace apipnr::store::detail
