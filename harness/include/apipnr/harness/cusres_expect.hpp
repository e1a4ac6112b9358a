// Judging a CUSRES against `expect.cusres` (vectors/README.md; shared contract C2).
//
// The CUSRES comes from the harness's own reader (classify.hpp fills
// `classification::cusres`), never from the reference. The same functions judge the answer to
// an iAPI request (judge() in verdict.hpp calls them) and an unsolicited CUSRES 132 that
// reaches the harness outside any HTTP exchange: classify the message, then call
// judge_cusres().
//
// What is checked, each only when the expectation states it:
//   document                 BGM 1001 equals it
//   transaction_reference    the message's first RFF is TN with this value, and its group has
//                            no DTM or LOC (API-CUSRES-RFF-001)
//   message_reference,       UNH 0062 / 0068 equal them (API-IAPI-FLOW-005, TRN-H2H-001)
//   common_access_reference
//   header.erc               some ERP+1 group carries this ERC (API-CUSRES-ERP-002, -ERC-003)
//   travellers[]             for each, an ERP+2 group with that RFF+ABO (and RFF+AVF when
//                            given) whose ERC is `directive` (API-CUSRES-ERP-001, -ERC-002)
//   complete                 no other ERP+2 group, and none answered twice
//
// Errors: none thrown. Thread safety: pure functions.
#pragma once

#include <string>

#include "apipnr/harness/verdict.hpp"
#include "apipnr/vectors/manifest.hpp"

namespace apipnr::harness {

// The first way `got` falls short of `want` ("traveller 0002: directive 1Z expected, 0Z
// sent"), or "" when it meets every stated member.
std::string cusres_shortfall(const vectors::cusres_expectation& want, const cusres_content& got);

struct cusres_judgement {
  harness::verdict verdict = verdict::pass;  // pass or fail_wrong_code
  std::string reason;                        // empty on pass
};

// pass when `answer` is a CUSRES meeting `want`; fail_wrong_code with the reason otherwise,
// including when `answer` is not a CUSRES at all (its summary is quoted).
cusres_judgement judge_cusres(const vectors::cusres_expectation& want,
                              const classification& answer);

// One line for reports: "CUSRES 962, TN XX1232503011, header ERC 1, 0001=0Z 0002=1Z (complete)".
std::string describe_cusres(const vectors::cusres_expectation& want);

}  // namespace apipnr::harness
