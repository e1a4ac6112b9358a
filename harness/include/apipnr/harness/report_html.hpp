// report.html and the bid comparison: human-readable evidence rendered from results.json.
//
// The renderer reads results.json as JSON (specs/schemas/results.schema.json, written by
// harness-core's to_json in results.hpp) and depends on nothing else of the harness, so a
// report can be re-rendered by any build that knows the schema. Output is one self-contained
// HTML5 file: inline CSS and inline SVG, no scripts, no external assets, printable, and
// accessible (semantic tables with headers and captions, headings in order, every status
// carried by a word and a symbol as well as by colour). docs/REPORTS.md describes the layout.
//
// Determinism: the output is a pure function of the input JSON and the options. Nothing is
// taken from the clock, the locale or the environment, so a golden-file test can pin it byte
// for byte and two evaluators re-rendering the same evidence get the same file.
//
// Hostile input: every string and every exchanged byte is escaped for HTML text. Bytes that
// are not printable UTF-8 (NUL and other controls, invalid UTF-8, C1 controls, bidirectional
// overrides) are shown as visible escapes (\x00, \u{202E}) so that a vendor's answer can
// neither inject markup nor disguise what it sent. Messages longer than
// `max_message_bytes` are cut with a note giving the full size.
//
// Comparison (several results.json, one per bid): refused, with a precise message, unless
// every run used the same corpus, the same requirement catalogue and the same tender profile
// (SHA-256 in each manifest). Bids are shown side by side in alphabetical order of target
// name (neutral). A ranking is shown only when every run carries a score, which harness-core
// computes only when the tender profile has weights; otherwise nothing is ranked and the page
// says so. Mandatory failures are highlighted for every bid.
//
// Called from the CLI (apipnr-harness, harness/src/app):
//   `report`  -> write_report_html(dir / "results.json", dir / "report.html", opts, error)
//   `report --compare A.json B.json ... --out FILE`
//             -> write_comparison_html({A, B, ...}, FILE, opts, error)
//
// Errors: functions never throw; they return false / std::nullopt and set `error` to one line
// starting with "[apipnr.harness.5NN]" (docs/error-codes-harness-report.md).
// Thread safety: free functions without shared state; safe to call concurrently.
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace apipnr::harness {

struct html_options {
  // Exchanged messages longer than this are cut (at a UTF-8 boundary) with a note.
  std::size_t max_message_bytes = 4096;
  // Requirement ID -> confidence tag ("A".."D"), used when results.json does not carry
  // `requirements[].confidence`. load_confidence_tags() fills it from specs/requirements.
  std::map<std::string, std::string> confidence;
};

// Renders report.html from one parsed results.json. std::nullopt (error 500) when `results`
// is not an apipnr-harness results document.
std::optional<std::string> render_report_html(const nlohmann::json& results,
                                              const html_options& opts, std::string& error);

// Reads `results_file`, renders and writes `html_file` (parent folders created).
bool write_report_html(const std::filesystem::path& results_file,
                       const std::filesystem::path& html_file, const html_options& opts,
                       std::string& error);

// Why two runs cannot be compared, or "" when they can (corpus, catalogue, tender profile).
std::string comparison_refusal(const std::vector<nlohmann::json>& runs);

// Renders the side-by-side comparison of several results.json (at least two).
std::optional<std::string> render_comparison_html(const std::vector<nlohmann::json>& runs,
                                                  const html_options& opts, std::string& error);

bool write_comparison_html(const std::vector<std::filesystem::path>& results_files,
                           const std::filesystem::path& html_file, const html_options& opts,
                           std::string& error);

// Requirement ID -> confidence tag from every *.json catalogue file in `catalogue_dir`
// (specs/requirements). Files that are not catalogues are ignored; false (error 501/503) when
// the folder or a catalogue cannot be read.
bool load_confidence_tags(const std::filesystem::path& catalogue_dir,
                          std::map<std::string, std::string>& out, std::string& error);

// HTML-escapes `bytes` for element content; non-printable bytes become visible escapes (see
// above). Exposed for tests and for other HTML writers of the harness.
std::string escape_html_bytes(std::string_view bytes);

}  // namespace apipnr::harness
