// Field-by-field comparison of two canonical JSON documents (specs/canonical/README.md).
//
// Rules: object members are matched by key (order irrelevant); members whose key starts with
// `ignore_prefix` ("x_") are ignored on both sides; arrays are compared by position, because
// the canonical form keeps message order ("in message order"), unless the array's pointer
// matches one of `unordered_arrays`, where elements are matched as a multiset (each expected
// element takes the first equal, unused actual element; leftovers are reported). Numbers
// compare as JSON values (1 == 1.0). Each difference names an RFC 6901 pointer: into the
// expected document for `missing` and `different`, into the actual one for `unexpected`.
//
// Documents nested deeper than max_canonical_depth (json_depth.hpp, 256 levels) are not walked:
// the result is one `different` at the root (too_deep_difference), whose text for the deep side
// says how deep, so that a hostile answer fails with evidence instead of exhausting the stack.
//
// Errors: none thrown (only std::bad_alloc). At most `max_differences` are returned, so a
// completely different document cannot produce an unbounded report.
// Thread safety: pure function.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "apipnr/harness/verdict.hpp"

namespace apipnr::harness {

struct canonical_diff_options {
  // Pointer patterns of arrays compared without regard to order; `*` matches one reference
  // token (e.g. "/messages/*/flags"). Empty: every array is positional (the canonical rule).
  std::vector<std::string> unordered_arrays;
  std::string ignore_prefix = "x_";
  std::size_t max_differences = 1000;
};

// Differences in document order: per object, expected's members in key order (nlohmann::json
// sorts keys), then actual's extra members; per array, by index.
std::vector<field_difference> canonical_diff(const nlohmann::json& expected,
                                             const nlohmann::json& actual,
                                             const canonical_diff_options& options = {});

// RFC 6901 escaping of one reference token ("~" -> "~0", "/" -> "~1").
std::string escape_pointer_token(const std::string& token);

}  // namespace apipnr::harness
