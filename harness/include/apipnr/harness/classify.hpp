// The harness's own readers of acknowledgements: from one observation (HTTP status, content
// type, body) decide accepted / rejected / unknown and what the answer says.
//
// Independent by design: nothing here uses the reference's parser or rules (docs/HACKING.md);
// the EDIFACT reader is the harness's own ~150-line tokenizer (src/transport/edifact_reader),
// so a bug in the reference parser cannot hide on both sides. The readers are strict about what
// they claim: anything they cannot read with certainty gives `decision::unknown` with the
// reason in `summary`, never a guess.
//
// What is read:
//   CONTRL  UCI 0083/0085/0013/S011, UCF and UCM action/0085/0013, UCS position/0085,
//           UCD 0085/S011 (STANDARDS.md §4). UCI 4 or any UCF/UCM 4 -> rejected; UCI 7 or 8
//           without rejected levels -> accepted. A UCM without 0062 or S009 (mandatory) is
//           still read as a level, its shortfall named in `deviations` and the summary.
//   CUSRES  BGM code, UNH 0062/0068, the first RFF (TN), ERP groups (ERP 1 = header,
//           2 = passenger) with RFF ABO/AVF, ERC and FTX AAP (§2.7). Header ERP+1 ERC other than 0
//           -> rejected; otherwise accepted, and every passenger ERC becomes a
//           `passenger_directive` (0Z/1Z/2Z/4Z are business outcomes of an accepted request, not
//           rejections).
//   ACKRES  MSG function, ERC codes and IFT texts (§3.5, layout [U]). Any ERC -> rejected.
//   problem+json (RFC 9457): `status`, `type`, `findings[].id / requirement / severity /
//           syntax_error`.
//   receipts: `accepted id=<n>` text and JSON objects with `id` (and an embedded `contrl`).
// The HTTP status is combined with the body: 2xx with a rejecting CONTRL is rejected, 4xx
// with a receipt or problem is rejected, 4xx with an accepting CONTRL is a contradiction
// (unknown), 5xx and other statuses are unknown. AMQP observations (status 0) are judged by
// the body alone: a reply without a body states no decision (unknown, ack none; the judge
// names what the case expected). Only `transport_outcome::completed` observations carry an
// answer.
//
// Errors: none thrown for any input (garbage, binary, deeply nested JSON, huge bodies);
// only std::bad_alloc escapes. Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "apipnr/harness/exchange.hpp"
#include "apipnr/harness/verdict.hpp"

namespace apipnr::harness {

classification classify(const observation& o);

// ---- The detailed readers classify() is built from (also useful for evidence and tests). ----

// One error reported by a CONTRL, in answer order.
struct contrl_error {
  std::string segment;         // UCI, UCF, UCM, UCS or UCD
  int code = 0;                // 0085
  std::string tag;             // 0013 (UCI/UCF/UCM), e.g. "UNT"; empty when absent
  std::string group_ref;       // 0048 of the enclosing UCF, if any
  std::string message_ref;     // 0062 of the enclosing UCM, if any
  int segment_position = 0;    // UCS 0096 (UNH = 1); for UCD the enclosing UCS's position
  int element_position = 0;    // S011 0098
  int component_position = 0;  // S011 0104
  int occurrence = 0;          // S011 0136
};

// A UCF or UCM level with its action.
struct contrl_level {
  std::string segment;       // UCF or UCM
  std::string reference;     // 0048 / 0062
  std::string message_type;  // UCM S009 0065 (e.g. PAXLST); empty for UCF
  int action = 0;            // 0083
};

struct contrl_report {
  int interchange_action = 0;  // UCI 0083
  // UNH S009 of the (first) CONTRL message, components joined by ':' (e.g. CONTRL:4:1:UN).
  std::string identifier;
  // What UCI copied from the received UNB: 0020, S002/0004, S003/0010.
  std::string interchange_reference;
  std::string interchange_sender;
  std::string interchange_recipient;
  std::vector<contrl_level> levels;
  std::vector<contrl_error> errors;
  // UCI 8 and nothing below it: "interchange received", no statement about content.
  bool technical_receipt = false;
  // What the CONTRL does otherwise than ISO 9735 says but that did not stop the reading, one
  // line each (e.g. a UCM without 0062): classify() appends them to its summary, so that a
  // slightly-off rejection is still judged as a rejection and the shortfall is on record.
  std::vector<std::string> deviations;
  bool rejected() const;
};

struct cusres_group {
  int level = 0;                   // ERP C701/1049: 1 header, 2 passenger
  std::string abo;                 // RFF+ABO value (passenger reference)
  std::string avf;                 // RFF+AVF value (booking reference)
  std::vector<std::string> codes;  // ERC 9321 in order
  std::string text;                // FTX+AAP free text, components joined by ':'
};

struct cusres_report {
  std::string bgm;  // BGM C002/1001: 962, 132, 312
  // The first message's UNH 0062 / 0068, and its first RFF (qualifier, and value when TN);
  // whether that TN group carries a DTM or LOC (API-CUSRES-RFF-001 says it carries neither).
  std::string message_reference;
  std::string common_access_reference;
  std::string first_rff;
  std::string transaction_reference;
  bool tn_group_has_dtm_or_loc = false;
  std::vector<cusres_group> groups;
};

struct ackres_report {
  std::string function;            // MSG C302 as sent (components joined by ':')
  std::vector<std::string> codes;  // ERC 9321 in order
  std::vector<std::string> texts;  // IFT texts in order
};

// Each returns an empty string on success, else the reason the bytes are not a readable
// acknowledgement of that type (the report is then unspecified).
std::string read_contrl(std::string_view body, contrl_report& out);
std::string read_cusres(std::string_view body, cusres_report& out);
std::string read_ackres(std::string_view body, ackres_report& out);

}  // namespace apipnr::harness
