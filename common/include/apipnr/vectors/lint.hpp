// Corpus lint: the sanity rules every vectors/**/cases.json must satisfy beyond its JSON Schema
// (STYLE_ANCHORS C6), and the requirement x case coverage matrix.
//
// Each problem carries a stable ID (documented in docs/error-codes-vectors.md):
//   LINT-DUP-ID           a case ID used twice anywhere in the corpus (retired cases included:
//                         IDs are never reused)
//   LINT-DUP-DESCRIPTION  a description used twice in one cases.json
//   LINT-PREFIX           the input's y_/n_/i_ prefix disagrees with expect.outcome, or is absent
//   LINT-MISSING-INPUT    the input file (a part, a step's file) does not exist
//   LINT-SEQUENCE         a sequence with fewer than two steps or no send step, or a control
//                         step file that is not a JSON object
//   LINT-MISSING-TREE     the tree file named by the case does not exist or is not a tree
//   LINT-UNKNOWN-REQ      a `req` not in the requirement catalogue
//   LINT-NO-REQ           a case citing no requirement at all
//   LINT-WORDING          a description containing "should" or "test that" (state the fact)
//   LINT-COVERAGE         an active MUST requirement, selected by `required_coverage_prefixes`
//                         and not exempted, without the case kinds its side asks for (below)
//   LINT-DUP-INTERCHANGE  two cases sharing a UNB sender + control reference outside one
//                         duplicate_group (interchange_key.hpp)
//   LINT-EXEMPTION        an exemption for an unknown, retired, non-MUST or already covered
//                         requirement, listed twice, or not_by_vector without covered_by
//
// Coverage kinds (vectors/README.md "Coverage"): a case *satisfies* requirement R when it is an
// accept case citing R (specification[].req) that does not expect a warning for R; it *breaks*
// R when it is a reject case citing R, or an accept case listing R in
// expect.pass.warning_requirements (a warn-only rule: acceptance with that warning proves the
// receiver checks R). A sender-side or shared rule (side sender/both) needs both kinds; a
// receiver-side rule needs one case whose verdict it decides (either kind). `either` cases
// never count.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "apipnr/vectors/loader.hpp"
#include "apipnr/vectors/manifest.hpp"

namespace apipnr::vectors {

struct lint_problem {
  std::string id;       // "LINT-DUP-ID"
  std::string file;     // the cases.json (or catalogue file for LINT-COVERAGE)
  std::string case_id;  // the case concerned; the requirement ID for LINT-COVERAGE
  std::string message;
};
// "<file>: <case id>: [<ID>] <message>".
std::string to_string(const lint_problem& p);

struct lint_options {
  // Only MUST requirements whose ID starts with one of these need cases ("" selects all).
  std::vector<std::string> required_coverage_prefixes{""};
  // MUST requirements allowed to lack cases (load_exemptions), each checked by LINT-EXEMPTION.
  std::vector<coverage_exemption> exemptions;
};

// Runs every rule; problems are ordered by rule, then by corpus order.
std::vector<lint_problem> lint(const corpus& c, const catalogue& cat,
                               const lint_options& opts = {});

// What the coverage rule asks of a requirement.
enum class coverage_rule : std::uint8_t {
  none,        // not MUST (or not selected): informative row only
  both_kinds,  // sender-side or shared MUST: a satisfying and a breaking case
  exercise,    // receiver-side MUST: one case of either kind
};
std::string_view to_string(coverage_rule r) noexcept;

// Where a requirement stands: "complete" (has what its rule asks), "exempt" (lacks it but is
// on the exemption list), "missing" (lacks it: LINT-COVERAGE), "informative" (rule none).
enum class coverage_status : std::uint8_t { complete, exempt, missing, informative };
std::string_view to_string(coverage_status s) noexcept;

// One row of the coverage matrix: the non-retired cases citing a requirement.
struct coverage_row {
  std::string requirement;  // ID
  std::string level;        // the requirement's level; empty when not in the catalogue
  std::string side;
  std::string catalogue;  // catalogue file stem ("paxlst"); empty when not in the catalogue
  // By outcome: every case citing it.
  std::vector<std::string> accept_cases;
  std::vector<std::string> reject_cases;
  std::vector<std::string> either_cases;
  // By kind (see the top of this header).
  std::vector<std::string> satisfy_cases;
  std::vector<std::string> break_cases;
  coverage_rule rule = coverage_rule::none;
  coverage_status status = coverage_status::informative;
  const coverage_exemption* exemption = nullptr;  // points into lint_options::exemptions
  bool covered() const noexcept { return !accept_cases.empty() || !reject_cases.empty(); }
  // True when the cases give what `rule` asks (ignores exemptions).
  bool has_required_kinds() const noexcept;
};

// One row per active catalogue requirement (catalogue order), followed by rows for cited IDs
// missing from the catalogue (first-citation order). `opts` selects the rule per row and the
// exemptions, which must outlive the rows.
std::vector<coverage_row> coverage(const corpus& c, const catalogue& cat,
                                   const lint_options& opts = {});

// The requirements x cases matrix as a JSON document valid against
// specs/schemas/coverage-matrix.schema.json (format_version 1), and a short Markdown summary
// (totals per catalogue, then every MUST that is missing or exempt).
std::string coverage_json(const std::vector<coverage_row>& rows);
std::string coverage_markdown(const std::vector<coverage_row>& rows);

}  // namespace apipnr::vectors
