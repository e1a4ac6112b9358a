// Configuration of the reference receiver: one JSON file (schema:
// specs/receiver/receiver.schema.json, example: specs/receiver/receiver.example.json) and
// command-line flags that override it. docs/RECEIVER.md describes every key.
//
// Errors: these functions run at the process edge and throw std::runtime_error whose message
// starts with an ID "[apipnr.receiver.NNN]" (docs/error-codes-receiver.md); the text names the
// file and JSON pointer, never a token value.
// Thread safety: plain values and reentrant functions.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "apipnr/transport/http_server.hpp"

namespace apipnr::receiver {

struct config {
  transport::server_options server;
  std::filesystem::path specs_dir = "specs";
  std::string profile = "baseline";
  bool tolerant = false;             // syntax mode (RCV-BAD-005)
  std::filesystem::path store_path;  // empty = in-memory store (demos and tests only)
  bool store_sync_full = true;
  std::filesystem::path iapi_watchlist, iapi_authorisations;
  std::string receiver_id = "APIPNR";  // our UNB sender in acknowledgements
  std::string log_level = "info";
  // Use the syntax-only checker even when the pipeline is built (smoke tests).
  bool syntax_only = false;
};

// Applies the members present in `j` (the file format) to `c`. Throws [apipnr.receiver.003]
// for an unknown key or a value of the wrong type.
void apply_json(config& c, const nlohmann::json& j);

// Reads and applies a configuration file. Throws [apipnr.receiver.001] (unreadable) or
// [apipnr.receiver.002] (not JSON) or [apipnr.receiver.003].
void load_file(config& c, const std::filesystem::path& file);

// Checks cross-field rules (TLS files present when TLS is on, limits > 0). Throws
// [apipnr.receiver.014].
void validate(const config& c);

}  // namespace apipnr::receiver
