// The interchange envelope a response is written in (UNA, UNB, optional UNG/UNE, UNZ).
//
// An `envelope` is a plain description of the service segments around one response message:
// who sends it to whom, when, under which control reference, with which syntax identifier and
// service characters, and whether a functional group (UNG) wraps the message. The writers in
// cusres.hpp and ackres.hpp validate it before writing and return an `errc` from errc.hpp when
// it cannot produce an interchange a strict ISO 9735 parser accepts:
//   invalid_delimiters         duplicate / alphanumeric / control service characters, no release
//                              character, a decimal mark other than '.' or ',', a repetition
//                              separator before syntax version 4, or non-default characters
//                              without `write_una` (SYN-UNA-002..006)
//   invalid_syntax_identifier  UNB S001 not UNOA..UNOK, UNOW..UNOY, IATA or IATB, or version
//                              outside 1..4 (SYN-SID-001/002)
//   missing_party              empty sender or recipient (SYN-ENV-002)
//   invalid_date_time          date not 6 or 8 digits, time not 4 digits
//   invalid_control_reference  0020 or 0048 empty or longer than 14 (SYN-DAT-002)
//   value_too_long             identifiers over 35, qualifiers over 4, 0026 over 14
//   invalid_character          a byte outside the repertoire of `syntax_identifier`, or a
//                              coded value outside its domain (UNB 0031 not "1", S010/0073
//                              not C or F, ACKRES response type or IFT qualifier malformed)
//
// Thread safety: value type.
#pragma once

#include <string>

#include "apipnr/edifact/delimiters.hpp"

namespace apipnr::responses {

// An interchange or group party: identification (an..35) and optional code qualifier (an..4).
struct party {
  std::string id;
  std::string qualifier;
};

struct envelope {
  // Service characters. Values are escaped with `delims.release`, so a release character is
  // required. Anything other than `delimiters::defaults()` needs `write_una`.
  edifact::delimiters delims = edifact::delimiters::defaults();
  bool write_una = false;
  // Write '\n' after each terminator (readability only; not part of the comparison in tests).
  bool line_breaks = false;

  std::string syntax_identifier = "UNOA";  // UNB S001/0001
  int syntax_version = 4;                  // UNB S001/0002

  party sender;                         // UNB S002
  party recipient;                      // UNB S003
  std::string date;                     // UNB S004/0017, YYMMDD or CCYYMMDD
  std::string time;                     // UNB S004/0019, HHMM
  std::string control_reference;        // UNB 0020 / UNZ 0020, an..14
  std::string application_reference;    // UNB 0026, an..14, e.g. "IAPI"; empty = absent
  std::string acknowledgement_request;  // UNB 0031, "1" asks for CONTRL; empty = absent
  bool test = false;                    // UNB 0035 = 1

  // Functional group. When `group` is set the message is wrapped in UNG ... UNE and UNZ counts
  // one group. An empty group sender / recipient falls back to the UNB party.
  bool group = false;
  party group_sender;                 // UNG S006
  party group_recipient;              // UNG S007
  std::string group_reference = "1";  // UNG 0048 / UNE 0048, an..14
};

}  // namespace apipnr::responses
