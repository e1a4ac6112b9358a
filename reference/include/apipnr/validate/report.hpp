// The report of one `apipnr-validate` run and its three renderings (text, JSON, JUnit).
//
// The runner (runner.hpp) fills a `run_report` from pipeline results; everything in this header
// is pure formatting over that value, so it is tested on hand-built reports without the engine.
//
//   run_report r{.profile = "baseline", .mode = "strict"};
//   r.files.push_back(make_file_report("a.edi", bytes, pipeline_result));
//   std::string out = format_json(r);   // specs/schemas/validate-output.schema.json
//
// Determinism: every writer produces byte-identical output for equal reports (files in the
// order given, findings in pipeline order, summary tables sorted by count then ID); no clock,
// no host name, no absolute path is added. Golden tests rely on it.
//
// Errors: none of these functions throws except std::bad_alloc.
// Thread safety: value types and pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "apipnr/common/diagnostic.hpp"
#include "apipnr/model/canonical.hpp"
#include "apipnr/pipeline/pipeline.hpp"

namespace apipnr::validate {

inline constexpr std::string_view format_version = "1.0";
inline constexpr std::string_view tool_name = "apipnr-validate";

// Same spelling as pipeline::to_string, kept here so that the formatters do not need the
// pipeline library (they are unit-tested without it).
std::string_view verdict_name(pipeline::verdict v) noexcept;

// A short, printable window of the input around a byte offset: the offending segment when the
// input is EDIFACT (or the line otherwise), control and non-ASCII bytes replaced by '.', at most
// `max_width` characters, `caret` the 0-based column of the offset inside `text`. Cut ends are
// marked with "...". Empty text when the input is empty.
struct excerpt {
  std::string text;
  std::size_t caret = 0;
};
excerpt make_excerpt(std::string_view input, std::size_t offset, std::size_t max_width = 72);

struct finding {
  diagnostic diag;
  std::optional<std::uint32_t> message_index;  // nullopt: interchange (or set) level
  line_column at;                              // from apipnr::locate()
  excerpt where;                               // empty when the finding has no input position
  bool positioned = true;  // false for set-level findings (they concern several files)
};

// Line starts of a buffer, so that locating many findings costs one scan plus a binary search
// each. Same answers as apipnr::locate() (LF ends a line; a CR stays on the line it ends).
class line_index {
 public:
  explicit line_index(std::string_view input);
  line_column locate(std::size_t offset) const noexcept;

 private:
  std::vector<std::size_t> starts_;  // offset after each LF
  std::size_t size_ = 0;
};

// One finding located in `input` (line, column, excerpt). The overload with a line_index is for
// many findings in one input.
finding make_finding(std::string_view input, diagnostic d, std::int32_t message_index);
finding make_finding(std::string_view input, const line_index& lines, diagnostic d,
                     std::int32_t message_index);

// Human-readable message of a finding: its detail, else the code's message, else its ID.
std::string finding_message(const diagnostic& d);

struct file_report {
  std::string file;  // as given, "-" for standard input
  pipeline::verdict outcome = pipeline::verdict::accept;
  std::optional<std::string> error;  // unreadable, empty or binary input
  bool read_failed = false;          // the file could not be read at all (exit status 2)
  std::string sha256;                // lower-case hex of the content; empty when unread
  std::size_t bytes = 0;
  pipeline::envelope_summary envelope;
  std::vector<finding> findings;
  std::vector<model::canonical_message> extract;  // logical messages completed by this file
  std::string contrl;
};

// Builds the report of one input from its pipeline result (findings located in `input`).
// Messages are not copied: the runner moves them through a pipeline::session first.
file_report make_file_report(std::string file, std::string_view input, const pipeline::result& r);

// The worst severity of `findings` as a verdict (error/fatal: reject, warning:
// accept_with_warnings).
pipeline::verdict verdict_of(const std::vector<finding>& findings) noexcept;

// A multi-part PAXLST set seen during the run.
struct set_report {
  std::string common_access_reference, sender, document_code;
  std::vector<std::string> files;  // in arrival order, each file once
  bool complete = false;
  std::string problem;  // why the set is incomplete; empty when complete
};

struct run_report {
  std::string tool_version;
  std::string profile = "baseline";
  std::string mode = "strict";  // strict | tolerant
  std::vector<file_report> files;
  std::vector<set_report> sets;
  bool include_extract = false;
  bool include_contrl = false;
  bool warnings_as_errors = false;
};

struct id_count {
  std::string id;
  std::size_t count = 0;
};

struct run_summary {
  std::size_t files = 0, accept = 0, accept_with_warnings = 0, reject = 0;
  std::size_t info = 0, warning = 0, error = 0, fatal = 0;
  std::vector<id_count> top_findings;  // count descending, then ID; at most 10
  bool read_failures = false;
};
run_summary summarise(const run_report& r);

// 0 every file accepted (warnings allowed unless warnings_as_errors), 1 some file rejected or an
// incomplete set, 2 some input could not be read.
int exit_status(const run_report& r);

// Compiler-like lines, `file:line:col: error: [ID] message (REQ, 0085=n)`, each followed by an
// excerpt and a caret, then one verdict line per file and a summary line.
std::string format_text(const run_report& r);
// Exactly specs/schemas/validate-output.schema.json, pretty-printed with two spaces, ending in
// a newline.
std::string format_json(const run_report& r);
// One <testsuite> per run, one <testcase> per file; a reject (or, with warnings_as_errors, an
// accept_with_warnings) is a <failure> whose text lists the findings.
std::string format_junit(const run_report& r);

}  // namespace apipnr::validate
