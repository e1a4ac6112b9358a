// The test-vector model: one `case_spec` per entry of a `vectors/**/cases.json`, and one
// `requirement` per entry of a `specs/requirements/<source>.json` catalogue.
//
// The model mirrors the JSON documents field by field (vectors/case.schema.json and
// specs/requirements/requirement.schema.json are the normative descriptions); the loader
// (loader.hpp) fills it and adds what it resolved on disk (manifest path, input bytes, tree).
// Optional JSON members are `std::optional` or empty containers; an absent member and an empty
// array mean the same thing ("no expectation on this field").
//
// This header is implementation-neutral on purpose: the harness links it too, and must never
// judge with the reference's parser (STYLE_ANCHORS C1), so nothing here knows about
// apipnr::edifact.
//
// Thread safety: value types, no synchronisation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace apipnr::vectors {

// expect.outcome. `either` cases never fail a run (informational).
enum class outcome : std::uint8_t { accept, reject, either };

std::string_view to_string(outcome o) noexcept;
// Parses "accept" / "reject" / "either"; nullopt otherwise.
std::optional<outcome> parse_outcome(std::string_view s) noexcept;
// The outcome an input file name's prefix promises: y_ accept, n_ reject, i_ either; nullopt
// when the (base) name carries none of the three prefixes.
std::optional<outcome> outcome_from_prefix(std::string_view file_name) noexcept;

// One entry of `specification[]`: a structured citation.
struct citation {
  std::string iso9735;  // ISO 9735 clause, e.g. "7.1"; empty when absent
  std::string digest;   // section of docs/STANDARDS.md, e.g. "4.4"; empty when absent
  std::string req;      // requirement ID, e.g. "SYN-UNA-002" (required)
  std::string quote;    // optional normative sentence
};

// expect.pass.position: every given field must match one finding with the first error ID.
struct position_expectation {
  std::optional<std::uint32_t> segment;
  std::optional<std::uint32_t> element;
  std::optional<std::uint32_t> component;
  std::optional<std::uint32_t> message_segment;
  std::optional<std::uint32_t> repetition;
  bool empty() const noexcept {
    return !segment && !element && !component && !message_segment && !repetition;
  }
};

// expect.pass.contrl.levels[]: one UCF or UCM segment of the CONTRL (ISO 9735-5).
struct contrl_level_expectation {
  std::string segment;        // "UCF" or "UCM"
  std::string reference;      // UCF 0048 / UCM 0062: the group or message it reports on
  std::string message_type;   // UCM S009/0065, e.g. "PAXLST"; empty = not checked
  std::optional<int> action;  // 0083: 4 or 7; nullopt = not checked
};

// expect.pass.contrl: content of the CONTRL beyond its 0085 codes and UCI action
// (vectors/README.md, SYN-CTL-008/009/010). Empty members are not checked.
struct contrl_expectation {
  std::string identifier;  // UNH S009 of the CONTRL, components joined by ':' (CONTRL:4:1:UN)
  // UCI copies of the received UNB: 0020, S002/0004, S003/0010.
  std::string interchange_reference;
  std::string interchange_sender;
  std::string interchange_recipient;
  std::vector<contrl_level_expectation> levels;  // in this order; others may come between
  bool iso_codes_only = false;  // every 0085 code is an ISO 9735 code (iso9735_syntax_error)
};

// True for the 0085 syntax error codes of ISO 9735 (STANDARDS.md 4.4: 2, 7, 12-43, 45-48);
// false for anything else, e.g. the vendor extensions 70-76.
bool iso9735_syntax_error(int code) noexcept;

// expect.pass: what a strict (conformant) receiver reports.
struct pass_expectation {
  std::vector<std::string> errors;    // diagnostic IDs present at error (or fatal) level
  std::vector<std::string> warnings;  // diagnostic IDs present at warning level
  std::vector<int> syntax_errors;     // 0085 codes present among the findings
  std::vector<std::string> scope;     // acceptable scopes of the first listed error
  std::optional<position_expectation> position;
  std::optional<int> contrl_action;  // UCI 0083 expected in the CONTRL: 4 or 7
  // Message-level cases (vectors/README.md "Message-level cases"): requirement IDs that must
  // be the `requirement` of some error-level finding, or of some warning-level finding.
  std::vector<std::string> requirements;
  std::vector<std::string> warning_requirements;
  std::string set_outcome;  // multi-part sets: the expected set result, e.g. "incomplete"
  std::optional<contrl_expectation> contrl;
};

// expect.non_strict: what a lenient receiver may answer instead (harness use).
struct non_strict_expectation {
  std::vector<int> http_status;
};

// expect.tolerant: what the reference reports in tolerant mode.
struct tolerant_expectation {
  vectors::outcome result = vectors::outcome::accept;
  std::vector<std::string> warnings;  // IDs present at warning level
  std::vector<std::string> errors;    // IDs still present at error (or fatal) level
};

// expect.cusres[].travellers[]: one ERP+2 (passenger) group of the authority's CUSRES, keyed
// by the RFF+ABO it echoes (and RFF+AVF when given).
struct cusres_traveller_expectation {
  std::string abo;        // RFF+ABO passenger reference (required)
  std::string avf;        // RFF+AVF booking reference; empty = not checked
  std::string directive;  // ERC 9321: 0Z 1Z 2Z 4Z or a profile code; empty = not checked
};

// expect.cusres: what the CUSRES answering an iAPI request (or an unsolicited 132) carries
// (vectors/README.md "expect.cusres"; API-IAPI-FLOW-003/005, API-CUSRES-*, TRN-H2H-001).
// Empty members are not checked.
struct cusres_expectation {
  std::string document;                 // BGM 1001: 962 answer, 132 unsolicited, 312 carrier ack
  std::string transaction_reference;    // RFF+TN, the first RFF of the message
  std::string message_reference;        // UNH 0062 echoed from the request
  std::string common_access_reference;  // UNH 0068 echoed from the request
  std::string header_erc;               // ERC of the ERP+1 (header-level) group
  std::vector<cusres_traveller_expectation> travellers;
  bool complete = false;  // exactly `travellers`, each answered once, no others
};

// expect.stored_travellers: after the case (a sequence: after its last step) the flight's query
// (GET <base>/v1/flights/{carrier}/{number}/{date}/travellers, docs/RECEIVER.md) lists exactly
// `count` travellers, e.g. a resent interchange stored once, not twice (RCV-DUP-001). Case
// level only; the flight must be the case's own (vectors/README.md "Interchange keys").
struct stored_travellers_expectation {
  std::string carrier;  // e.g. "XX"
  std::string number;   // e.g. "981"
  std::string date;     // YYYY-MM-DD, departure of the first leg
  std::uint32_t count = 0;
};

struct expectation {
  vectors::outcome result = vectors::outcome::accept;
  std::string canonical;  // optional "<name>.canonical.json" beside cases.json (accept cases)
  std::optional<pass_expectation> pass;
  std::optional<non_strict_expectation> non_strict;
  std::optional<tolerant_expectation> tolerant;
  std::optional<cusres_expectation> cusres;  // iAPI cases: the CUSRES answer
  std::optional<stored_travellers_expectation> stored_travellers;
};

// A canonical parse tree (`<name>.tree.json`): the service characters and every segment with
// its elements and their components, values unescaped.
struct tree_segment {
  std::string tag;
  std::vector<std::vector<std::string>> elements;  // elements[e][c], both 0-based here
  friend bool operator==(const tree_segment&, const tree_segment&) = default;
};
struct parse_tree {
  std::string delimiters;  // UNA positions 4..9 (component, element, decimal, release,
                           // repetition, terminator), i.e. the six characters after "UNA"
  std::vector<tree_segment> segments;
};

// One step of a sequence case (`steps`, vectors/README.md "Sequences"): exactly one kind.
enum class step_kind : std::uint8_t {
  send,               // send `file` over the case's transport, judged against `expect`
  wait,               // sleep `wait_ms`
  control,            // POST `file` (JSON) to the target's control URL (harness step executor)
  await_unsolicited,  // wait up to `within_ms` for the next unsolicited message of the case
};
std::string_view to_string(step_kind k) noexcept;

struct step_spec {
  step_kind kind = step_kind::send;
  std::string file;             // send / control: file beside cases.json; empty otherwise
  std::string note;             // optional free text, shown in evidence
  std::uint32_t wait_ms = 0;    // wait
  std::uint32_t within_ms = 0;  // await_unsolicited (1..60000)
  // send: the step's expect, same meaning as a case's (outcome required, no canonical).
  // control / await_unsolicited: `expect.result` is unused; their members are below (or, for
  // cusres, in `expect` where the case model carries it).
  expectation expect;
  std::optional<int> http_status;  // control: expect.http_status (absent: the executor's 202)
  // -- resolved by the loader --
  bool file_found = true;  // `file` is empty, or exists and was read
  std::string bytes;       // the file, byte for byte
};

struct case_spec {
  // -- from cases.json ------------------------------------------------------------------------
  std::string id;  // unique, path-like: "edifact/syntax/una/2"
  std::string description;
  std::vector<citation> specification;
  std::string input;               // file name beside cases.json (single-file cases)
  std::vector<std::string> parts;  // multi-part cases: part files in send order (no `input`)
  std::vector<step_spec> steps;    // sequence cases: steps in order (no `input`, no `parts`)
  std::string profile;             // specs/profiles profile the case is judged under; "" = baseline
  std::vector<std::string> transports;
  std::vector<std::string> profiles;
  std::string level;  // "MUST" or "SHOULD"
  std::string confidence;
  bool retired = false;
  // Cases naming the same group deliberately send the same interchange key (UNB sender and
  // control reference): a resend scenario, or one example in two folders. "" = no group.
  std::string duplicate_group;
  // `requires`: fixtures (vectors/fixtures/<name>.json) the target must have loaded for the
  // expectation to hold, e.g. "iapi-watchlist"; the harness skips the case otherwise.
  std::vector<std::string> required_fixtures;
  expectation expect;
  std::string tree;  // optional tree file name beside cases.json; empty when absent

  // -- resolved by the loader -------------------------------------------------------------------
  std::filesystem::path manifest;  // the cases.json this case came from
  std::string folder;              // manifest's directory relative to the loaded root ("." at top)
  std::size_t index = 0;           // position in the manifest's array (JSON pointer "/<index>")
  bool input_found = false;        // the input file exists and was read
  std::string input_bytes;         // the input, byte for byte (binary-safe, no newline changes)
  bool parts_found = true;         // every part file exists and was read
  std::vector<std::string> part_bytes;  // each part, byte for byte, in `parts` order
  bool canonical_found = true;          // expect.canonical is empty, or the file exists
  bool tree_found = false;              // `tree` is empty, or the file exists and was parsed
  std::optional<parse_tree> tree_data;

  std::filesystem::path input_path() const { return manifest.parent_path() / input; }
  std::filesystem::path part_path(std::size_t i) const { return manifest.parent_path() / parts[i]; }
  std::filesystem::path canonical_path() const { return manifest.parent_path() / expect.canonical; }
  // The file whose name carries the y_/n_/i_ prefix: `input`, or the first part, or (for a
  // sequence) the last send step's file, whose outcome is the case's.
  const std::string& prefixed_name() const;
  std::filesystem::path step_path(std::size_t i) const {
    return manifest.parent_path() / steps[i].file;
  }
  std::filesystem::path tree_path() const { return manifest.parent_path() / tree; }
  // The requirement IDs cited, in order, without duplicates.
  std::vector<std::string> requirement_ids() const;
};

// One requirement of the catalogue.
struct requirement {
  std::string id;      // "SYN-UNA-002"
  std::string source;  // "iso9735"
  std::string clause;
  std::string level;       // "MUST" | "SHOULD" | "MAY"
  std::string confidence;  // "C" | "I" | "U"
  std::string text;
  std::vector<std::string> applies_to;
  std::string side;    // "sender" | "receiver" | "both"
  std::string group;   // free grouping label
  std::string status;  // "active" | "retired"
  std::string notes;
  std::filesystem::path file;  // the catalogue file it came from
  std::size_t index = 0;       // position in that file's "requirements" array
};

// One entry of the coverage exemption list (vectors/coverage-exemptions.json, schema
// vectors/coverage-exemptions.schema.json): a MUST requirement that is allowed to lack the case
// kinds the coverage rule asks for, and why. See vectors/README.md "Coverage".
struct coverage_exemption {
  std::string requirement;  // requirement ID
  // "organisational": a duty of a state, operator or carrier, not behaviour of the receiver
  //   under test; no input can show it.
  // "not_by_vector": receiver behaviour that no single input vector can show (retention,
  //   audit log, TLS, ...); `covered_by` names the tests that cover it instead.
  // "gap": testable by a vector, but the case is not written yet; `reason` says what it needs.
  std::string category;
  std::string reason;
  std::vector<std::string> covered_by;  // CTest names or scripts covering it elsewhere
  std::filesystem::path file;           // the exemption list it came from
  std::size_t index = 0;                // position in its "exemptions" array
};

// All requirements, in load order (file name order, then array order).
struct catalogue {
  std::vector<requirement> items;
  // The requirement with this ID, or nullptr. Linear; catalogues are small.
  const requirement* find(std::string_view id) const noexcept;
};

}  // namespace apipnr::vectors
