// libFuzzer target: parse -> write_interchange with other delimiters -> parse again.
//
// writer.hpp promises that parse(write(parse(x))) yields the same tree as parse(x). For every
// input that a strict parse accepts without an error finding, this target re-serialises the
// tree with a delimiter set that shares no character with the usual ones, re-parses it and
// traps unless (a) the second parse reports no error either and (b) both trees hold the same
// segments with the same literal (unescaped) values.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "apipnr/common/diagnostic.hpp"
#include "apipnr/edifact/delimiters.hpp"
#include "apipnr/edifact/interchange.hpp"
#include "apipnr/edifact/parser.hpp"
#include "apipnr/edifact/writer.hpp"
#include "fuzz_check.hpp"

namespace {

using apipnr::edifact::delimiters;
using apipnr::edifact::field_splitter;
using apipnr::edifact::interchange;

// Flattens the tree into literal values with structure markers, so that two trees written with
// different delimiters compare equal exactly when they carry the same data.
std::vector<std::string> flatten(const interchange& ic) {
  const delimiters& d = ic.delims;
  std::vector<std::string> out;
  for (const auto& s : ic.segments) {
    out.emplace_back("S");
    out.emplace_back(s.tag());
    if (s.body().empty()) continue;
    field_splitter elements(s.body().substr(1), d.element, d);
    std::string_view element;
    while (elements.next(element)) {
      out.emplace_back("E");
      // UNB and UNG are never split on the repetition character (US CBP sender ids such as
      // APIS*ABE under UNA:+.?*'), exactly as the parser and the writer treat them.
      const bool service_header = s.tag() == "UNB" || s.tag() == "UNG";
      const char rep_sep = d.has_repetition && !service_header ? d.repetition : d.element;
      field_splitter repetitions(element, rep_sep, d);
      std::string_view repetition;
      while (repetitions.next(repetition)) {
        out.emplace_back("R");
        field_splitter components(repetition, d.component, d);
        std::string_view component;
        while (components.next(component)) {
          out.push_back("C" + apipnr::edifact::unescape(component, d));
        }
      }
    }
  }
  return out;
}

// A delimiter set that differs in every printable position from the ISO defaults and still
// lies inside the UNOA repertoire.
delimiters other_delimiters(const delimiters& from) {
  delimiters to;
  to.component = '=';
  to.element = '*';
  to.decimal = from.decimal;
  to.release = '!';
  to.has_release = true;
  to.has_repetition = from.has_repetition;
  to.repetition = to.has_repetition ? '%' : ' ';  // UNA position 7 is a space without one
  to.terminator = ';';
  if (to == from) return from.has_repetition ? delimiters::defaults_v4() : delimiters::defaults();
  return to;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const apipnr::edifact::parser p;
  interchange first;
  apipnr::diagnostic_list first_findings;
  if (p.parse(input, first, first_findings) || first_findings.has_errors()) return 0;

  std::string written;
  const delimiters to = other_delimiters(first.delims);
  if (apipnr::edifact::write_interchange(first, to, written)) return 0;  // documented refusal

  interchange second;
  apipnr::diagnostic_list second_findings;
  APIPNR_FUZZ_CHECK(!p.parse(written, second, second_findings));
  APIPNR_FUZZ_CHECK(!second_findings.has_errors());
  APIPNR_FUZZ_CHECK(second.delims == to);
  APIPNR_FUZZ_CHECK(first.messages.size() == second.messages.size());
  APIPNR_FUZZ_CHECK(first.groups.size() == second.groups.size());
  APIPNR_FUZZ_CHECK(flatten(first) == flatten(second));
  return 0;
}
