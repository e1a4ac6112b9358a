// Checks shared by the fuzz targets of JSON readers that report errors with a JSON pointer.
#pragma once

#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

#include "fuzz_check.hpp"

namespace apipnr::fuzzing {

// An error's pointer must be a valid RFC 6901 pointer naming the member at fault or, for a
// member that is missing, the object that should hold it.
inline void check_error_pointer(const nlohmann::json& doc, const std::string& pointer) {
  if (pointer.empty()) return;
  nlohmann::json::json_pointer p;
  try {
    p = nlohmann::json::json_pointer(pointer);
  } catch (const nlohmann::json::exception&) {
    std::fprintf(stderr, "error pointer '%s' is not an RFC 6901 pointer\n", pointer.c_str());
    __builtin_trap();
  }
  APIPNR_FUZZ_CHECK(doc.contains(p) || doc.contains(p.parent_pointer()));
}

}  // namespace apipnr::fuzzing
