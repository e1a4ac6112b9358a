// The evidence of a run: the model behind reports/<run-id>/results.json
// (specs/schemas/results.schema.json) and junit.xml, with writers and a reader (for
// `apipnr-harness report`).
//
// results.json is self-contained evidence for an evaluator: the manifest pins what was run
// (harness version and build hash, SHA-256 of the corpus, catalogue, tender profile and target
// file, seed, times, machine), each case carries expected vs actual, the exchanged bytes and
// timings, and the roll-up per requirement and group carries the case evidence. Secrets of the
// target (tokens, passwords) are never written.
//
// Bytes are stored as {"encoding": "utf8", "data": "..."} when they are valid UTF-8 without
// NUL, else {"encoding": "base64", "data": "..."}; decode_bytes() reverses either.
//
// Errors: writers return false and fill `error` when a file cannot be written; read_results
// appends config_error apipnr.harness.040-049.
// Thread safety: value types; free functions.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "apipnr/harness/config_error.hpp"
#include "apipnr/harness/verdict.hpp"

namespace apipnr::harness {

struct machine_info {
  std::string uname;  // sysname release version machine
  unsigned nproc = 0;
  std::string cpu_model;
};
// uname(2), std::thread::hardware_concurrency and /proc/cpuinfo "model name".
machine_info probe_machine();

struct run_manifest {
  std::string run_id;
  std::string harness_version;
  std::string build_hash;        // git hash at configure time ("unknown" outside a checkout)
  std::string corpus_sha256;     // vectors: sorted relative file list + bytes
  std::string catalogue_sha256;  // specs/requirements/*.json, same method
  std::string tender_sha256;     // empty when no tender profile
  std::string target_sha256;     // empty when no target (list/lint)
  std::string target_name;
  std::string transport;  // "http" | "amqp"
  bool insecure_tls = false;
  // How stored data is read back (docs/QUERY-CONTRACT.md): "query" (target query.base_url),
  // "export" (query.export_file) or "none"; empty in results written before it existed.
  std::string data_source;
  std::uint64_t seed = 0;
  std::string started;  // RFC 3339 UTC
  std::string ended;
  machine_info machine;
  std::vector<std::string> command_line;
  // selection as given
  std::vector<std::string> run_globs, skip_globs, without_lists;
  std::string profile;
  bool strict = false;
  unsigned jobs = 1;
  std::string tender_name;
  nlohmann::json performance_targets;  // carried through from the tender profile
};

// What was sent and received in one exchange (one input or one part).
struct exchange_record {
  unsigned part = 1;  // 1-based, in exchange order over the whole case
  // paxlst | iapi | pnrgov_edifact | pnrgov_xml; for a sequence's executor steps also
  // control (the status-change POST) and unsolicited (a message the receiver sent unasked).
  std::string kind;
  std::string endpoint;
  std::string correlation_id;
  std::string content_type;
  std::string sent;  // bytes
  std::string sent_at;
  std::string outcome;  // transport_outcome name
  std::string error;
  int http_status = 0;
  std::map<std::string, std::string> headers;
  std::string received;  // bytes
  std::string received_content_type;
  double latency_ms = 0;
  classification classified;
};

// One step of a sequence case (vectors/README.md "Sequences"), in step order; every step has a
// record, also those not run because an earlier step ended in a transport problem (`skipped`).
struct step_result {
  unsigned step = 1;  // 1-based
  std::string kind;   // send | wait | control | await_unsolicited
  std::string file;   // send / control: the file beside cases.json; empty otherwise
  std::string note;
  harness::verdict verdict = verdict::pass;  // wait: pass once slept
  std::string expected;
  std::string actual;
  std::string reason;
  // `part` of the exchange this step made (what was sent and what came back), 0 when none
  // (wait, a step not run).
  unsigned exchange = 0;
  double duration_ms = 0;
};

struct case_result {
  std::string id;
  std::string family;
  std::string description;
  std::string level;
  std::string expected_outcome;  // accept | reject | either
  std::string profile;
  std::vector<std::string> requirements;
  harness::verdict verdict = verdict::skipped;
  std::string skip_reason;
  std::string expected;
  std::string actual;
  std::string reason;
  std::vector<field_difference> differences;
  std::vector<exchange_record> exchanges;
  std::vector<step_result> steps;  // sequence cases only; empty otherwise
  double duration_ms = 0;
  // Whether what the receiver stored was read back for the case's data expectations
  // (expect.canonical, an incomplete set, expect.stored_travellers): "checked", or
  // "not_assessed" when the target offers no way to read it (no query interface or export,
  // or an export for a flight count). Empty: the case expects no stored data, or its answers
  // did not complete. A pass with "not_assessed" rests on the acknowledgement alone.
  std::string data_check;
};

enum class requirement_status : std::uint8_t {
  passed,    // every judged case passed (pass or pass_non_strict)
  failed,    // some case failed (fail_*)
  errored,   // no failure, but some case ended in timeout/transport_error/endpoint_down
  untested,  // no case ran (skipped or informational only, or no case at all)
};
std::string_view to_string(requirement_status s) noexcept;

struct case_evidence {
  std::string id;
  harness::verdict verdict = verdict::skipped;
};

struct requirement_rollup {
  std::string id;
  std::string group;
  std::string level;
  requirement_status status = requirement_status::untested;
  bool mandatory = false;
  double weight = 0;
  std::vector<case_evidence> cases;
  // The catalogue's confidence tag (C/I/U), carried so that a report rendered from
  // results.json alone shows it; empty when the requirement is not in the catalogue.
  std::string confidence;
};

struct group_rollup {
  std::string group;
  unsigned passed = 0, failed = 0, errored = 0, untested = 0;
  double weight = 0;  // sum of requirement weights
  double weighted_passed = 0;
};

enum class compliance : std::uint8_t {
  not_assessed,   // no tender profile
  compliant,      // every mandatory requirement passed
  non_compliant,  // some mandatory requirement failed
  incomplete,     // none failed, but some was not demonstrated (errored / untested)
};
std::string_view to_string(compliance c) noexcept;

struct run_results {
  run_manifest manifest;
  std::vector<case_result> cases;
  std::map<std::string, unsigned> counts;  // verdict name -> number of cases
  std::vector<requirement_rollup> requirements;
  std::vector<group_rollup> groups;
  std::optional<double> score;  // weighted share of passed requirements, 0..1; only if ranked
  harness::compliance compliance = compliance::not_assessed;
  std::vector<std::string> mandatory_failed;    // requirement IDs
  std::vector<std::string> mandatory_unproven;  // errored or untested mandatory requirements
};

// Exit code of a run (STYLE_ANCHORS C7): 0 no unexpected failure, 1 some fail_* verdict.
// Timeouts and transport errors do not make it 1 by themselves; they are listed in the report.
int exit_code_of(const run_results& r);

nlohmann::json to_json(const run_results& r);
nlohmann::json to_json(const case_result& c);
std::optional<run_results> from_json(const nlohmann::json& j, const std::filesystem::path& file,
                                     std::vector<config_error>& errors);
std::optional<run_results> read_results(const std::filesystem::path& file,
                                        std::vector<config_error>& errors);

nlohmann::json encode_bytes(const std::string& bytes);
std::string decode_bytes(const nlohmann::json& j);

// JUnit XML: one <testsuite> per family, one <testcase> per case ID; <failure> for fail_*,
// <error> for timeout/transport_error/endpoint_down, <skipped> for skipped; informational
// cases are passing test cases with a <system-out> note.
std::string to_junit(const run_results& r);

// Writes results.json, junit.xml and (when `per_case`) cases/<id>.json under `dir`
// (created). Returns false and sets `error` on the first I/O failure.
bool write_reports(const run_results& r, const std::filesystem::path& dir, bool per_case,
                   std::string& error);

// Current time as RFC 3339 UTC with milliseconds.
std::string now_rfc3339();
std::string to_rfc3339(std::chrono::system_clock::time_point t);

}  // namespace apipnr::harness
