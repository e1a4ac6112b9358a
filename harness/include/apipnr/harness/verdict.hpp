// Verdicts: how the harness judges one vector case from what a system under test answered.
//
// The judge is a PURE function: (case, observations, classifications, options, data evidence)
// -> judgement. It does no I/O and never consults the reference's parser or rules; the expected
// outcome comes from the vector (vectors/README.md), the actual outcome from `classification`,
// which the harness's own small classifiers (classify.hpp, owned by harness-transport) derive
// from each observation.
//
// OWNERSHIP OF `classification`: this header (harness-core) owns the struct; classify.hpp
// (harness-transport) fills it: `classification classify(const observation&)`. Fields the
// classifier cannot determine stay at their defaults ("not reported"), which the judge treats
// as "no evidence", never as a contradiction. Add fields only by agreement, at the end.
//
// Verdict set (closed; STYLE_ANCHORS C7, with `fail_wrong_code` for README's fail_wrong_error):
//   pass                       the outcome and every code the case states are right
//   pass_non_strict            a reject case rejected without the stated codes, but with an
//                              HTTP status listed in expect.non_strict.http_status
//   fail_should_have_accepted  an accept case was rejected (or not recognisably accepted)
//   fail_should_have_rejected  a reject case was accepted (or not recognisably rejected)
//   fail_wrong_code            the outcome is right, but a stated 0085 code, UCI action or
//                              requirement is missing from the answer
//   fail_data                  accepted, but the receiver's canonical export differs from
//                              expect.canonical (first differing field named by JSON pointer)
//   informational              an `either` case, or a case the harness cannot decide
//   skipped                    not selected (profile, level, glob, retired)
//   timeout                    no (complete) answer in time: never a plain failure
//   transport_error            reset, TLS failure, 5xx, malformed HTTP: never a plain failure
//   endpoint_down              connection refused / broker unreachable
//
// Thread safety: value types and pure functions; safe to call concurrently.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "apipnr/harness/exchange.hpp"
#include "apipnr/vectors/manifest.hpp"

namespace apipnr::harness {

// ---------------------------------------------------------------------------------------------
// classification (filled by classify.hpp; owned here)
// ---------------------------------------------------------------------------------------------

// What the receiver decided, as far as the answer shows.
enum class decision : std::uint8_t {
  unknown,   // no recognisable decision (garbage body, 5xx, unexpected status)
  accepted,  // 2xx receipt, CONTRL UCI 7/8 without rejected levels, positive ACKRES, CUSRES 0Z..
  rejected,  // 4xx problem, CONTRL UCI 4 or any UCM/UCS 4, ACKRES with ERC, header CUSRES ERP+1
};
std::string_view to_string(decision d) noexcept;

// The kind of acknowledgement carried by the answer.
enum class ack_type : std::uint8_t {
  none,          // empty body / no acknowledgement message
  contrl,        // UN/EDIFACT CONTRL
  cusres,        // CUSRES (iAPI)
  ackres,        // ACKRES (PNRGOV)
  problem_json,  // RFC 9457 application/problem+json
  receipt,       // a plain or JSON receipt (e.g. "accepted id=<n>")
  other,         // something else the classifier could not place
};
std::string_view to_string(ack_type a) noexcept;

// One CUSRES per-passenger directive (ERP+2 group): the ERC code (0Z, 1Z, 2Z, 4Z) and the
// passenger reference the receiver echoed (RFF+ABO or the ERP sequence), as sent.
struct passenger_directive {
  std::string reference;
  std::string code;
};

// What a CONTRL answer says beyond its codes and UCI action (expect.pass.contrl): the message
// identifier, what UCI copied from the received UNB, and the UCF/UCM levels in answer order.
struct contrl_content {
  std::string identifier;             // UNH S009, components joined by ':' (e.g. CONTRL:4:1:UN)
  std::string interchange_reference;  // UCI 0020
  std::string interchange_sender;     // UCI S002/0004
  std::string interchange_recipient;  // UCI S003/0010
  struct level {
    std::string segment;       // UCF or UCM
    std::string reference;     // 0048 / 0062
    std::string message_type;  // UCM S009/0065; empty for UCF
    int action = 0;            // 0083
  };
  std::vector<level> levels;
};

// What a CUSRES answer says (expect.cusres, cusres_expect.hpp): the document code, the
// references that pair it with the request (TRN-H2H-001) and its ERP groups in answer order.
struct cusres_content {
  std::string document;  // BGM C002/1001: 962, 132, 312
  // The qualifier of the message's first RFF ("TN" in a 962, API-CUSRES-RFF-001) and, when it
  // is TN, its value; whether a DTM or LOC sits in that TN group (the rule forbids both).
  std::string first_rff;
  std::string transaction_reference;
  bool tn_group_has_dtm_or_loc = false;
  std::string message_reference;        // UNH 0062 of the (first) CUSRES
  std::string common_access_reference;  // UNH 0068 of the (first) CUSRES
  struct group {
    int level = 0;                   // ERP C701/1049: 1 header, 2 passenger
    std::string abo;                 // RFF+ABO
    std::string avf;                 // RFF+AVF
    std::vector<std::string> codes;  // ERC 9321 in order
  };
  std::vector<group> groups;
};

struct classification {
  decision result = decision::unknown;
  ack_type ack = ack_type::none;
  // UN/EDIFACT 0085 codes found anywhere in the answer: CONTRL UCI/UCF/UCM/UCS/UCD, ACKRES
  // ERC, or `syntax_error` members of problem+json findings. Order as found; duplicates ok.
  std::vector<int> syntax_errors;
  // CONTRL UCI 0083 action (4 rejected, 7 acknowledged, 8 received); nullopt when absent.
  std::optional<int> contrl_action;
  // Diagnostic IDs named by the answer (problem findings `id`, ACKRES IFT text), any level.
  std::vector<std::string> finding_ids;
  // Requirement IDs of error-level / warning-level findings (problem+json `requirement`).
  // `findings_reported` is true when the answer carried machine-readable findings at all, so
  // that the judge can tell "named other requirements" from "names no requirements".
  std::vector<std::string> requirements;
  std::vector<std::string> warning_requirements;
  bool findings_reported = false;
  // The problem+json `status` member, 0 when the answer is no problem or has none. Over AMQP,
  // which has no HTTP status, it is the status the judge's non-strict allowance
  // (`expect.non_strict.http_status`) looks at.
  int problem_status = 0;
  // CUSRES directives in answer order (empty for other acks).
  std::vector<passenger_directive> directives;
  // The receiver's identifier of the stored message (from `Location: /v1/messages/<id>`, a
  // receipt `id=<n>` or a JSON `id`), used for the query interface; empty when none.
  std::string message_id;
  // One human-readable line, e.g. "CONTRL UCI 4, 0085 [20]"; goes into reports as `actual`.
  std::string summary;
  // The CONTRL's content when the answer is a CONTRL (ack == contrl); nullopt otherwise.
  std::optional<contrl_content> contrl;
  // The CUSRES's content when the answer is a CUSRES (ack == cusres); nullopt otherwise.
  std::optional<cusres_content> cusres;
};

// ---------------------------------------------------------------------------------------------
// verdicts
// ---------------------------------------------------------------------------------------------

enum class verdict : std::uint8_t {
  pass,
  pass_non_strict,
  fail_should_have_accepted,
  fail_should_have_rejected,
  fail_wrong_code,
  fail_data,
  informational,
  skipped,
  timeout,
  transport_error,
  endpoint_down,
};
inline constexpr std::size_t verdict_count = 11;

// Stable snake_case names as in the enumerators (used in results.json and JUnit).
std::string_view to_string(verdict v) noexcept;
std::optional<verdict> parse_verdict(std::string_view s) noexcept;
// pass, pass_non_strict.
bool is_pass(verdict v) noexcept;
// fail_* : counts against the system under test.
bool is_failure(verdict v) noexcept;
// timeout, transport_error, endpoint_down: reported apart from failures (JUnit <error>).
bool is_error(verdict v) noexcept;

// One field where the receiver's canonical export differs from expect.canonical.
struct field_difference {
  std::string pointer;   // RFC 6901 pointer into the canonical document
  std::string kind;      // "missing" | "unexpected" | "different"
  std::string expected;  // JSON text; empty when `unexpected`
  std::string actual;    // JSON text; empty when `missing`
};

// Compares two canonical documents as JSON values: object key order is irrelevant, arrays are
// compared element by element, and members whose key starts with `x_` are ignored on both
// sides (vectors/README.md). Returns every difference in document order (empty when equal).
std::vector<field_difference> diff_canonical(const nlohmann::json& expected,
                                             const nlohmann::json& actual);

// What the query interface / export said about the message (see canonical_source in
// runner.hpp). `checked` false means the target offers no query interface or export, so data
// fidelity is not judged.
struct data_evidence {
  bool checked = false;
  bool found = false;       // a canonical message was found for this case
  nlohmann::json actual;    // that message, when found
  nlohmann::json expected;  // the parsed expect.canonical file
  std::string error;        // why nothing was found (not found, query failed, ...)
  // When set, the differences between `expected` and `actual` as computed by the caller
  // (the app uses canonical_diff.hpp, which knows unordered arrays); otherwise judge() uses
  // diff_canonical().
  std::optional<std::vector<field_difference>> differences;
  // expect.stored_travellers: set when the flight query was made; `travellers_count` is what it
  // listed, nullopt when the query failed (`travellers_error` says why).
  bool travellers_checked = false;
  std::optional<std::uint64_t> travellers_count;
  std::string travellers_error;
};

struct judge_options {
  bool strict = false;  // --strict: SHOULD cases are judged (selection decides; kept for report)
};

struct judgement {
  harness::verdict verdict = verdict::skipped;
  std::string expected;  // one line: "reject, 0085 [20], UCI 4"
  std::string actual;    // one line: the classification summaries, or the transport problem
  std::string reason;    // why this verdict (first missing code, first differing field, ...)
  std::vector<field_difference> differences;  // fail_data only
};

// Judges one case. `observations[i]` and `classifications[i]` belong to the i-th exchange
// (one per input, or one per part in send order); both vectors have the same size.
// REQUIRES: observations.size() == classifications.size() and at least one exchange, else the
// result is `informational` with a reason (never UB).
judgement judge(const vectors::case_spec& c, const std::vector<observation>& observations,
                const std::vector<classification>& classifications, const data_evidence& data,
                const judge_options& opts = {});

// A one-line rendering of what the case expects ("accept", "reject, 0085 [13 36], UCI 4", ...).
std::string describe_expectation(const vectors::case_spec& c);

}  // namespace apipnr::harness
