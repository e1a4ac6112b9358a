// Problem details (RFC 9457, application/problem+json) for answers that carry no EDIFACT
// acknowledgement, or when the client asked for JSON (Accept: application/json or
// application/problem+json).
//
// Each problem carries the diagnostic IDs of what was found ("findings"), never the values that
// caused them: a problem body may be logged or forwarded without personal data (DP-LOG-003,
// RCV-BAD-001).
//
// Thread safety: pure functions over value types. Errors: none (std::bad_alloc only).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace apipnr::transport {

inline constexpr std::string_view problem_content_type = "application/problem+json";

struct problem_finding {
  std::string id;             // diagnostic ID, e.g. "EDI-UNT-COUNT"
  std::string requirement;    // requirement ID, e.g. "SYN-ENV-006"
  std::string severity;       // info | warning | error | fatal
  int syntax_error = 0;       // 0085 code, 0 = none
  std::int32_t message = -1;  // index of the message in the interchange, -1 = interchange
  std::uint32_t segment = 0;  // segment number within the interchange (UNB = 1)
  std::uint32_t element = 0;
  std::uint32_t component = 0;
};

struct problem {
  std::string type;  // "urn:apipnr:problem:<slug>" (problem_type())
  std::string title;
  unsigned status = 400;
  std::string detail;    // no personal data
  std::string instance;  // the request target
  std::vector<problem_finding> findings;
};

// "urn:apipnr:problem:<slug>"; the slugs are listed in docs/RECEIVER.md.
std::string problem_type(std::string_view slug);

// The problem as a JSON object (members in RFC 9457 order, "findings" only when not empty).
std::string to_json(const problem& p);

// True when the Accept header names application/json or application/problem+json (or a
// wildcard "application/*+json" style type) with a non-zero q value.
bool accepts_json(std::string_view accept) noexcept;

// The reason phrase of an HTTP status ("Payload Too Large" for 413, ...), "Unknown" otherwise.
std::string_view reason(unsigned status) noexcept;

}  // namespace apipnr::transport
