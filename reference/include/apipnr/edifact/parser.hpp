// The EDIFACT syntax engine: service string advice, tokenisation, repertoire and envelope checks
// (ISO 9735 parts 1 and 2 as used for API and PNR; see specs/requirements/iso9735.json).
//
// A `parser` turns a buffer into an `interchange` of views (see interchange.hpp) and reports
// every finding to a `diagnostic_sink`. It does no I/O and never throws on bad input.
//
//   apipnr::edifact::parser p;              // strict mode, default limits
//   apipnr::edifact::interchange ic;        // reuse across calls: no per-segment allocation
//   apipnr::diagnostic_list findings;
//   auto ec = p.parse(buffer, ic, findings);  // ec set only when parsing had to stop
//
// Strict vs tolerant: in tolerant mode every deviation that real senders commonly make
// (`errc_info::tolerable`: trailing separators, lower case in UNOA, wrong UNT/UNE/UNZ counts,
// leading spaces, a non-space reserved UNA position, line breaks in values) is reported as a
// warning instead of an error. A missing UNA is never a finding: defaults apply.
//
// Thread safety: a `parser` holds only its options; `parse()` is const and may be called from
// several threads at once, each with its own `interchange` and sink.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include <boost/system/error_code.hpp>

#include "apipnr/common/diagnostic.hpp"
#include "apipnr/edifact/errc.hpp"
#include "apipnr/edifact/interchange.hpp"

namespace apipnr::edifact {

enum class mode : std::uint8_t { strict, tolerant };

// Hard limits on every dimension of the input. Each breach is its own errc (limit_*), is
// reported as `fatal` and stops the parse: the receiver must never spend unbounded memory or time.
struct limits {
  std::size_t max_interchange_bytes = 64u << 20;  // 64 MiB
  std::uint32_t max_segments = 2'000'000;
  std::uint32_t max_segment_bytes = 64u << 10;  // 64 KiB
  std::uint32_t max_element_bytes = 4096;       // longest standard element is an..512
  std::uint32_t max_elements = 99;              // per segment
  std::uint32_t max_components = 99;            // per element
  std::uint32_t max_repetitions = 99;           // per element (syntax v4)
  std::uint32_t max_messages = 100'000;         // messages plus groups per interchange
};

struct parse_options {
  mode parse_mode = mode::strict;
  apipnr::edifact::limits limits{};
  // Recognise and strip a SITA/ARINC Type B envelope (SOH ... STX ... ETX) around the text.
  bool accept_type_b = true;
  // Syntax identifiers accepted in addition to UNOA..UNOY, IATA and IATB (e.g. "SIRE").
  std::span<const std::string_view> extra_syntax_identifiers{};
};

class parser {
 public:
  parser() = default;
  explicit parser(parse_options opts) noexcept : opts_(opts) {}

  const parse_options& options() const noexcept { return opts_; }

  // Parses `input` into `out` (cleared first) and reports every finding to `sink`.
  // Returns an empty error_code when the whole input was examined, even if errors were
  // reported (the verdict is in the findings). Returns the errc of the fatal finding when
  // parsing had to stop early (bad UNA, limit exceeded, binary input, empty input); `out` then
  // holds what was parsed up to that point.
  // REQUIRES: `input` outlives `out` (views point into it).
  boost::system::error_code parse(std::string_view input, interchange& out,
                                  diagnostic_sink& sink) const;

 private:
  parse_options opts_{};
};

}  // namespace apipnr::edifact
