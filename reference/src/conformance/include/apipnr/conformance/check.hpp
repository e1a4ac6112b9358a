// Checking one test vector against the reference EDIFACT syntax engine.
//
// This is the single place that says what "the reference passes case X" means; both the
// vector-driven GoogleTest (reference/tests/vectors_test.cpp) and the `apipnr-vectors` command
// call `check_case()`, so they can never disagree. It lives in the reference (not in common/)
// because it runs apipnr::edifact::parser; the harness must not link it (STYLE_ANCHORS C1).
//
// What is checked, for a case that is not retired:
//  - strict parse: outcome is accept iff no finding is `error` or `fatal`;
//  - expect.pass: every `errors` ID at error/fatal level, every `warnings` ID at warning level,
//    every `syntax_errors` code among the findings, the scope of the first listed error in
//    `scope`, and one finding with the first listed error ID matching every `position` field;
//    `contrl_action` against the UCI 0083 of make_contrl()'s output (skipped, with a note, while
//    make_contrl returns nothing);
//  - expect.tolerant: the same outcome/warnings/errors checks on a tolerant parse;
//  - tree: delimiters and every segment, element and component (unescaped) of the strict parse.
// `either` cases are not judged on their outcome; they are `informational` unless another
// stated check fails.
//
// Errors: none; every mismatch is a line in `case_result::failures`. Never throws except
// std::bad_alloc.
// Thread safety: pure function; call from any thread.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "apipnr/common/diagnostic.hpp"
#include "apipnr/edifact/interchange.hpp"
#include "apipnr/vectors/manifest.hpp"

namespace apipnr::conformance {

enum class verdict : std::uint8_t {
  pass,           // every stated expectation holds
  fail,           // at least one does not (see failures)
  informational,  // an `either` case with nothing else to check, or nothing failing
  retired,        // not run
};
std::string_view to_string(verdict v) noexcept;

struct case_result {
  verdict result = verdict::pass;
  vectors::outcome actual = vectors::outcome::accept;  // of the strict parse
  std::vector<std::string> failures;                   // one line per unmet expectation
  std::vector<std::string> notes;                      // checks that could not run, and why
  std::vector<diagnostic> strict_findings;
  std::vector<diagnostic> tolerant_findings;  // only when the case has a tolerant block
  std::string contrl;                         // only when the case states contrl_action
};

// Runs `c` through the reference parser (and make_contrl) and compares with its expectations.
// REQUIRES: `c` was filled by the vectors loader (input_bytes, tree_data resolved).
case_result check_case(const vectors::case_spec& c);

// "EDI-UNT-COUNT 0085=29 error scope=message seg=4 mseg=4 el=1 comp=0 rep=0 off=120".
std::string describe(const diagnostic& d);
// A multi-line explanation naming the case id, its manifest and input, the expectations,
// the actual findings and every failure; for test and CLI failure messages.
std::string explain(const vectors::case_spec& c, const case_result& r);

// UCI action code (0083) of a CONTRL interchange, or nullopt when there is no UCI segment.
// Honours the UNA at the start of `contrl`, else the default service characters.
std::optional<int> uci_action(std::string_view contrl);

// The canonical tree of a parsed interchange: every segment, its elements and their
// components, unescaped.
std::vector<vectors::tree_segment> tree_of(const edifact::interchange& ic);

}  // namespace apipnr::conformance
