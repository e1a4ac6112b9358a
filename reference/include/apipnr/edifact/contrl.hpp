// CONTRL (syntax and service report, ISO 9735-5 style) generated from parser findings.
//
// What the reference receiver sends back for an interchange (STANDARDS.md §4):
//  - UCI reports the interchange: action 4 (rejected: an error in UNA/UNB/UNZ or at interchange
//    scope), 7 (acknowledged; lower levels acknowledged unless a UCF/UCM rejects them) or 8
//    (technical receipt only).
//  - UCF per functional group when the interchange uses groups; UCM per message that was not
//    accepted (or every message with `report_accepted_messages`); UCS for segment-level and
//    UCD for element/component-level findings, with positions counted from UNH = 1.
//  - Warnings never reject anything and are not reported in CONTRL.
//  - An interchange made only of CONTRL messages is never answered (`contrl_required`).
//
// How findings are placed (only `error` and `fatal` ones):
//  - scope interchange, and every `fatal` finding (the parse stopped, so nothing can be
//    acknowledged) -> UCI 4; the first one gives 0085 and 0013 (UNA/UNB/UNZ, from the segment
//    at `pos.segment` or from the code).
//  - scope group -> UCF 4 of the group whose UNG..UNE holds `pos.segment` (0013 UNG/UNE).
//  - scope message, or any finding located in UNH/UNT -> the UCM's own 0085 and 0013.
//  - segment/element/component scope in a message body -> UCS (`pos.message_segment`, or counted
//    from UNH = 1), then UCD (0098:0104[:0136 in v4]) for element/component scope.
//  - a finding outside every message (UNB, UNG, UNE, UNZ, stray segments) goes to the enclosing
//    group, else to the interchange, so an error is never acknowledged by omission.
//  - S011 is written in UCI/UCF/UCM only for element/component-scope findings. A finding
//    without a 0085 code is reported as 18 (unspecified).
//  - Rejection flows down: under UCI 4 every UCF says 4; a UCM is listed when the message has
//    errors of its own, or (report_accepted_messages) when it is really accepted.
//  - UCM S009 copies UNH S009 with the association code (`PAXLST:D:05B:UN:IATA`, as A.4).
//  - A rejected message whose UNH gives no 0062 or no message type cannot be named in a UCM
//    (0062 and S009 are mandatory for a message's UCM, ISO 9735-5): no UCM is written for it
//    and its rejection goes to its group's UCF (when the UNG gives a 0048), else to UCI 4,
//    with its first finding's 0085 and 0013 UNH. summarise() counts it the same way.
//  - Values copied from the received interchange are unescaped with its delimiters and escaped
//    again for the CONTRL's (UNA:+.? ' for version <= 3, UNA:+.?*' for version 4).
//
// Thread safety: pure functions.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "apipnr/common/diagnostic.hpp"
#include "apipnr/edifact/interchange.hpp"

namespace apipnr::edifact {

struct contrl_options {
  // Identity of the receiver (becomes the CONTRL's UNB sender). Empty: use the received
  // interchange's recipient.
  std::string_view sender{};
  std::string_view sender_qualifier{};
  // Interchange control reference of the CONTRL itself (UNB/UNZ 0020). REQUIRED, an..14.
  std::string_view control_reference = "1";
  // Preparation date (YYMMDD) and time (HHMM) of the CONTRL. REQUIRED for reproducible output.
  std::string_view date = "000101";
  std::string_view time = "0000";
  // Syntax identifier and version of the CONTRL's UNB.
  std::string_view syntax_identifier = "UNOA";
  int syntax_version = 4;
  // Send UCI action 8 only (technical receipt), whatever was found.
  bool technical_receipt = false;
  // Also list accepted messages (UCM action 7).
  bool report_accepted_messages = false;
  // Write UNA before UNB.
  bool with_una = true;
  // Line break after each segment terminator.
  bool line_breaks = false;
};

// Action codes (0083).
enum class action : int { rejected = 4, acknowledged = 7, received = 8 };

// Summary of what a CONTRL says, computed from the findings (also used by the receiver to pick
// its HTTP status).
struct contrl_summary {
  action interchange_action = action::acknowledged;
  std::size_t messages_rejected = 0;
  std::size_t messages_accepted = 0;
  std::size_t groups_rejected = 0;
};

contrl_summary summarise(const interchange& ic, std::span<const diagnostic> findings);

// True when the interchange should be answered with a CONTRL: UNB 0031 is "1" (or `always`),
// and the interchange is not made only of CONTRL messages.
bool contrl_required(const interchange& ic, bool always = false) noexcept;

// Builds the complete CONTRL interchange (UNA? UNB UNH UCI [UCF] [UCM [UCS [UCD]]] UNT UNZ)
// answering `ic`, whose parse reported `findings`. Works on a partial `ic` too (a parse that
// stopped early): the UCI then carries the fatal code with action 4.
std::string make_contrl(const interchange& ic, std::span<const diagnostic> findings,
                        const contrl_options& opts = {});

}  // namespace apipnr::edifact
