// Schema of the store and its migrations (PRAGMA user_version). docs/STORE.md shows the
// tables; this is the source of truth.
#pragma once

#include <boost/system/error_code.hpp>

#include "sqlite_internal.hpp"

namespace apipnr::store::detail {

// The version this build writes. Files with a higher user_version are refused
// (schema_too_new); lower ones are migrated step by step, each step in its own transaction.
inline constexpr int schema_version = 7;

// The file's PRAGMA user_version, or -1 when it cannot be read.
int current_version(connection& c);

// Applies migrations current+1 .. target. Errors: schema_too_new, migration_failed.
boost::system::error_code migrate(connection& c, int target = schema_version);

}  // namespace apipnr::store::detail
