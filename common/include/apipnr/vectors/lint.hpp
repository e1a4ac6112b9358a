// Corpus lint: the sanity rules every vectors/**/cases.json must satisfy beyond its JSON Schema
// (STYLE_ANCHORS C6), and the requirement x case coverage matrix.
//
// Each problem carries a stable ID (documented in docs/error-codes-vectors.md):
//   LINT-DUP-ID           a case ID used twice anywhere in the corpus (retired cases included:
//                         IDs are never reused)
//   LINT-DUP-DESCRIPTION  a description used twice in one cases.json
//   LINT-PREFIX           the input's y_/n_/i_ prefix disagrees with expect.outcome, or is absent
//   LINT-MISSING-INPUT    the input file does not exist
//   LINT-MISSING-TREE     the tree file named by the case does not exist or is not a tree
//   LINT-UNKNOWN-REQ      a `req` not in the requirement catalogue
//   LINT-NO-REQ           a case citing no requirement at all
//   LINT-WORDING          a description containing "should" or "test that" (state the fact)
//   LINT-COVERAGE         an active MUST requirement, selected by `required_coverage_prefixes`
//                         and not receiver-only, without both an accept and a reject case
//
// Thread safety: pure functions.
#pragma once

#include <string>
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
  // Only requirements whose ID starts with one of these need both an accept and a reject case.
  std::vector<std::string> required_coverage_prefixes{"SYN-"};
};

// Runs every rule; problems are ordered by rule, then by corpus order.
std::vector<lint_problem> lint(const corpus& c, const catalogue& cat,
                               const lint_options& opts = {});

// One row of the coverage matrix: the non-retired cases citing a requirement, by outcome.
struct coverage_row {
  std::string requirement;  // ID
  std::string level;        // the requirement's level; empty when not in the catalogue
  std::string side;
  std::vector<std::string> accept_cases;
  std::vector<std::string> reject_cases;
  std::vector<std::string> either_cases;
  bool covered() const noexcept { return !accept_cases.empty() || !reject_cases.empty(); }
};

// One row per active catalogue requirement (catalogue order), followed by rows for cited IDs
// missing from the catalogue (first-citation order).
std::vector<coverage_row> coverage(const corpus& c, const catalogue& cat);

}  // namespace apipnr::vectors
