// ACKRES writer: the receiver's business acknowledgement of a PNRGOV push (PNR-ACK-001).
//
// STATUS [U]: the ACKRES section of the PNRGOV guide was not available (STANDARDS.md §3.5,
// specs/messages/ackres.json). The layout below is the *probable* one, so every choice the guide
// may settle differently is a field of `ackres_template` (PNR-ACK-006) rather than code:
//
//   [UNA] UNB (IATA:1 as PNRGOV uses it) [UNG+ACKRES+...+IA+<ver>:<rel>]
//   UNH+<ref>+ACKRES:<ver>:<rel>:IA[+<push 0068>]   PNR-ACK-002 [U], PNR-ACK-007 [U]
//   MSG+<4025>:<1225>[+<4343>]                      PNR-ACK-003 [U]: 1225 echoes the push's
//                                                   function (22 full, 141 update) or a fixed
//                                                   acknowledgement code
//   { ERC+<9321>  { IFT+<4451>[:<9980>]+<text>... } }   PNR-ACK-004 [U], PNR-ACK-005 [C]
//   UNT [UNE] UNZ
//
// What is not decided here (PNR-ACK-008 durable storage before a positive ACKRES, PNR-ACK-009
// per-part or per-set acknowledgement, PNR-ACK-010 CONTRL for syntax errors) is the caller's
// decision: this writer only serialises.
//
// Errors (errc.hpp, never thrown): the envelope codes listed in envelope.hpp, and
//   ackres_invalid_identifier  template version/release/agency empty, over 3 or not alphanumeric
//   ackres_missing_reference   `message_reference` empty (value_too_long over 14)
//   ackres_missing_function    MSG 1225 would be empty (echo mode without a function, or fixed
//                              mode without `fixed_function`)
//   ackres_too_many_errors     more errors than `max_errors` (itself capped at 99)
//   ackres_invalid_error_code  ERC 9321 empty, over 8 or not alphanumeric
//   ackres_too_many_texts      more than `max_texts_per_error` (capped at 9) IFT in a group, or
//                              a text needing more than 99 4440 elements
//   value_too_long / invalid_character  for any other value
// On error `out` is left exactly as it was. Errors carry no values (DP-LOG-003).
//
// Thread safety: the functions are reentrant; the data types are plain values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include "apipnr/responses/envelope.hpp"
#include "apipnr/responses/errc.hpp"

namespace apipnr::responses {

// How MSG C302/1225 is filled (PNR-ACK-003 [U]).
enum class ack_function_mode : std::uint8_t {
  echo,   // the function of the acknowledged push (`ackres_message::acknowledged_function`)
  fixed,  // always `ackres_template::fixed_function`
};

// The configurable part of the layout (PNR-ACK-006). Defaults follow STANDARDS.md §3.5.
struct ackres_template {
  // UNH S009 (and UNG S008/0051): ACKRES:<version>:<release>:<agency> (PNR-ACK-002 [U]); the
  // version follows the PNRGOV guide version of the push.
  std::string version = "13";
  std::string release = "1";
  std::string agency = "IA";

  ack_function_mode function_mode = ack_function_mode::echo;
  std::string fixed_function;     // 1225 in fixed mode
  std::string business_function;  // C302/4025; empty = absent
  // MSG 4343 response type when there are no errors / at least one error; empty = absent.
  // Which codes the guide uses is unconfirmed [U], hence nothing by default.
  std::string response_type_accepted;
  std::string response_type_rejected;

  // IFT C346: 4451 text subject qualifier and 9980 information type for error texts [U].
  std::string text_qualifier = "3";
  std::string text_information_type;  // empty = absent
  // Each IFT 4440 element holds at most this many characters (the PADIS length is an..70 [U]);
  // a longer text continues in further 4440 elements of the same IFT, up to 99.
  std::size_t text_element_length = 70;

  std::size_t max_errors = 99;          // error groups, capped at 99 (specs/messages/ackres.json)
  std::size_t max_texts_per_error = 9;  // IFT per group, capped at 9
  // Echo the push's UNH 0068 in the ACKRES UNH (PNR-ACK-007 [U]).
  bool echo_common_access_reference = true;
};

// One application error: ERC+<code> with optional IFT texts (PNR-ACK-004/005).
struct ackres_error {
  std::string code;                // ERC 9321, an..8, e.g. "103" invalid departure time
  std::vector<std::string> texts;  // one IFT each
};

struct ackres_message {
  envelope env;
  std::string message_reference = "1";  // UNH 0062 of the ACKRES, an..14
  std::string common_access_reference;  // the push's UNH 0068 (PNR-ACK-007); empty = absent
  std::string acknowledged_function;    // the push's MSG 1225 ("22" full, "141" update)
  std::vector<ackres_error> errors;     // empty = positive acknowledgement
};

// An envelope preset the way PNRGOV interchanges use it: UNA written, UNB IATA:1, a functional
// group. Parties, date, time and references are left for the caller.
envelope pnrgov_envelope();

// Checks `m` against `t` without writing anything.
[[nodiscard]] boost::system::error_code validate(const ackres_message& m,
                                                 const ackres_template& t = {});

// Appends the complete interchange to `out`. On error, `out` is unchanged.
[[nodiscard]] boost::system::error_code write_ackres(const ackres_message& m, std::string& out,
                                                     const ackres_template& t = {});

// Convenience: the interchange as a new string.
[[nodiscard]] boost::system::result<std::string> write_ackres(const ackres_message& m,
                                                              const ackres_template& t = {});

}  // namespace apipnr::responses
