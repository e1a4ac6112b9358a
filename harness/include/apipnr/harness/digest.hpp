// SHA-256 digests that pin what a run used (results.json manifest), via OpenSSL EVP.
//
// `sha256_tree` hashes a directory reproducibly: the sorted list of regular files (paths
// relative to `root`, '/'-separated) and, for each in that order, its path, a NUL, its size
// in decimal, a NUL and its bytes. Renaming, adding, removing or changing any file changes
// the digest; file-system order and timestamps do not.
//
// Errors: return an empty string when a file cannot be read or the root is not a directory.
// Thread safety: free functions.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

namespace apipnr::harness {

// Lower-case hex SHA-256 of `bytes`.
std::string sha256_hex(std::string_view bytes);
// Of a file's bytes; empty when unreadable.
std::string sha256_file(const std::filesystem::path& file);
// Of a tree (see above); `keep` filters relative paths (default: every regular file).
std::string sha256_tree(const std::filesystem::path& root,
                        const std::function<bool(const std::string&)>& keep = {});

}  // namespace apipnr::harness
