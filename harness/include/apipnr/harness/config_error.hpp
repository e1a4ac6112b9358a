// Configuration errors of the harness's own files (target, tender profile, results.json).
//
// Loaders never throw: each problem is a `config_error` naming the file and the RFC 6901 JSON
// pointer of the offending value, and loading carries on so that one pass reports every
// problem. The executable turns them into "[apipnr.harness.NNN] file#pointer: message" lines
// (docs/error-codes-harness.md) and exits with status 2.
//
// Thread safety: value type.
#pragma once

#include <string>

namespace apipnr::harness {

struct config_error {
  std::string code;     // "apipnr.harness.010"
  std::string file;     // the document
  std::string pointer;  // JSON pointer ("" = whole document)
  std::string message;
};

// "[<code>] <file>#<pointer>: <message>" (pointer part omitted when empty).
std::string to_string(const config_error& e);

}  // namespace apipnr::harness
