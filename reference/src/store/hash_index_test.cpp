// The writer's in-memory duplicate candidates (schema 6): every entry is found under its
// prefix, entries sharing a prefix are all found, growth keeps them, and the memory per entry
// is what docs/STORE.md states.
#include "hash_index_internal.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

namespace apipnr::store::detail {
namespace {

std::vector<std::int64_t> ids_of(const hash_index& h, std::uint64_t prefix) {
  std::vector<std::int64_t> out;
  h.candidates(prefix, [&out](std::int64_t id) { out.push_back(id); });
  std::sort(out.begin(), out.end());
  return out;
}

TEST(StoreHashIndex, PrefixIsTheFirstEightBytesBigEndian) {
  const std::string d("\x01\x02\x03\x04\x05\x06\x07\x08\xff", 9);
  EXPECT_EQ(hash_prefix(d), 0x0102030405060708ULL);
  EXPECT_EQ(hash_prefix(std::string(8, '\xff')), ~std::uint64_t{0});
}

TEST(StoreHashIndex, FindsEveryEntryAcrossGrowthAndNothingElse) {
  hash_index h;
  EXPECT_TRUE(ids_of(h, 42).empty());  // empty index: no slots at all
  std::mt19937_64 rng(7);
  std::vector<std::uint64_t> prefixes(50000);
  for (std::size_t i = 0; i < prefixes.size(); ++i) {
    prefixes[i] = rng();
    h.insert(prefixes[i], static_cast<std::int64_t>(i + 1));  // grows from 1,024 slots
  }
  EXPECT_EQ(h.size(), prefixes.size());
  for (std::size_t i = 0; i < prefixes.size(); ++i)
    ASSERT_EQ(ids_of(h, prefixes[i]), std::vector<std::int64_t>{static_cast<std::int64_t>(i + 1)});
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(ids_of(h, rng()).empty());
}

// The same prefix (another digest sharing its first 8 bytes, or the same bytes in another
// data category): every id comes back, for the caller to confirm against the stored row.
TEST(StoreHashIndex, EntriesSharingAPrefixAreAllCandidates) {
  hash_index h;
  for (std::int64_t id = 1; id <= 2000; ++id) h.insert(static_cast<std::uint64_t>(id % 7), id);
  const auto sevens = ids_of(h, 0);
  ASSERT_EQ(sevens.size(), 2000u / 7);
  for (const std::int64_t id : sevens) EXPECT_EQ(id % 7, 0);
  EXPECT_EQ(ids_of(h, 3).size(), 286u);
}

// reserve() makes room up front (the writer reserves before COMMIT so that publishing cannot
// allocate), and a million entries take 2^21 slots of 16 bytes: 32 MiB (docs/STORE.md).
TEST(StoreHashIndex, ReserveAvoidsGrowthAndAMillionEntriesTake32MiB) {
  hash_index h;
  h.reserve(1000000);
  const std::size_t bytes = h.memory_bytes();
  EXPECT_EQ(bytes, std::size_t{32} << 20);
  std::mt19937_64 rng(11);
  for (std::int64_t id = 1; id <= 1000000; ++id) h.insert(rng(), id);
  EXPECT_EQ(h.memory_bytes(), bytes);
  h.insert(rng(), 1000001);  // still below 3/4 of 2^21
  EXPECT_EQ(h.memory_bytes(), bytes);
}

}  // namespace
}  // namespace apipnr::store::detail
