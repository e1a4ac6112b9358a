// Validation findings and the sink they are reported to.
//
// Every layer of apipnr (EDIFACT syntax, envelope, message profile, XML) reports what it finds
// as a `diagnostic` to a caller-supplied `diagnostic_sink` and carries on, so that one pass
// collects every finding (leveldb's log::Reader::Reporter pattern). Findings are data, not
// errors: a parse only *fails* (returns an error code) when it cannot continue at all.
//
// Thread safety: `diagnostic` is a value type. A sink is used by one parse at a time; the
// provided `diagnostic_list` is not synchronised.
//
// Lifetime: `id` and `requirement` point to static storage (the tables that define them), so a
// diagnostic may outlive the buffer it describes. `detail` is owned.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <boost/system/error_code.hpp>

namespace apipnr {

// How bad a finding is. `error` makes the enclosing unit (interchange, group or message,
// see `scope`) rejected; `fatal` additionally means processing stopped at that point.
enum class severity : std::uint8_t { info, warning, error, fatal };

// The level a finding applies to; it decides which CONTRL segment reports it
// (UCI for interchange, UCF for group, UCM for message, UCS for segment, UCD for element
// and component).
enum class scope : std::uint8_t { interchange, group, message, segment, element, component };

std::string_view to_string(severity s) noexcept;
std::string_view to_string(scope s) noexcept;

// Where a finding is. Every index is 1-based; 0 means "not applicable / unknown".
struct position {
  std::size_t offset = 0;             // byte offset into the parsed buffer (0-based)
  std::uint32_t segment = 0;          // segment number within the interchange (UNB = 1; UNA = 0)
  std::uint32_t message_segment = 0;  // segment number within its message, UNH = 1 (CONTRL UCS)
  std::uint16_t element = 0;          // data element position after the tag (CONTRL 0098)
  std::uint16_t component = 0;        // component position within the element (CONTRL 0104)
  std::uint16_t repetition = 0;       // occurrence of a repeated element (CONTRL 0136, v4)
};

// Line and column (both 1-based) of a byte offset, for human-readable output. Lines are
// separated by LF; a CR before the LF belongs to the line it ends.
struct line_column {
  std::uint32_t line = 1;
  std::uint32_t column = 1;
};
line_column locate(std::string_view buffer, std::size_t offset) noexcept;

struct diagnostic {
  boost::system::error_code code;  // the enumerator that names the finding
  std::string_view id;           // stable diagnostic ID, e.g. "EDI-UNT-COUNT" (docs/error-codes.md)
  int syntax_error = 0;          // UN/EDIFACT 0085 syntax error code for CONTRL; 0 = none
  std::string_view requirement;  // requirement ID in specs/requirements, e.g. "SYN-ENV-006"
  severity level = severity::error;
  apipnr::scope where = apipnr::scope::interchange;
  position pos;
  std::string detail;  // free text for humans; never parsed by tools
};

// Receives findings. Implementations decide whether to store, count or forward them.
class diagnostic_sink {
 public:
  virtual ~diagnostic_sink() = default;
  virtual void report(diagnostic d) = 0;
};

// A sink that keeps every finding in order of report.
class diagnostic_list final : public diagnostic_sink {
 public:
  void report(diagnostic d) override { items_.push_back(std::move(d)); }

  const std::vector<diagnostic>& items() const noexcept { return items_; }
  bool empty() const noexcept { return items_.empty(); }
  std::size_t size() const noexcept { return items_.size(); }
  void clear() noexcept { items_.clear(); }

  // The most severe level reported, or `info` when nothing was.
  severity worst() const noexcept;
  // True when at least one finding is `error` or `fatal`.
  bool has_errors() const noexcept { return worst() >= severity::error; }
  // True when a finding with this code was reported.
  bool contains(const boost::system::error_code& ec) const noexcept;

 private:
  std::vector<diagnostic> items_;
};

// A sink that drops everything (for callers that only want the verdict).
class null_sink final : public diagnostic_sink {
 public:
  void report(diagnostic) override {}
};

}  // namespace apipnr
