// Fixtures: data shipped with the corpus (vectors/fixtures/<name>.json, e.g. the iAPI
// watchlist) on which some expectations depend. A case names them in `requires`; a target file
// declares which ones the system under test loaded, with their SHA-256 (target.hpp
// `fixtures`). A case whose fixtures are not all declared is skipped (selection.hpp); a
// declared hash that differs from the corpus file means the run would judge the receiver
// against lists it does not hold, so the configuration is refused.
//
// Errors: config_error apipnr.harness.018 (the corpus has no such fixture file) and
// apipnr.harness.019 (the declared SHA-256 differs from the file's); nothing thrown.
// Thread safety: free functions.
#pragma once

#include <filesystem>
#include <vector>

#include "apipnr/harness/config_error.hpp"
#include "apipnr/harness/target.hpp"

namespace apipnr::harness {

// The fixture file `name` of the corpus at `vectors_root`.
std::filesystem::path fixture_path(const std::filesystem::path& vectors_root,
                                   const std::string& name);

// Checks every fixture `t` declares against the corpus at `vectors_root`; empty when all match.
std::vector<config_error> check_fixtures(const target& t,
                                         const std::filesystem::path& vectors_root);

}  // namespace apipnr::harness
