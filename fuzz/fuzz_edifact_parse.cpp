// libFuzzer target: the EDIFACT parser (strict and tolerant) and CONTRL generation.
//
// Beyond "no crash, no sanitizer report", it traps on broken invariants of the public contract
// (interchange.hpp, parser.hpp, contrl.hpp):
//  - every segment's tag and body lie inside the input, the tag sits at `offset`, and offsets
//    strictly increase;
//  - group and message indices point at existing segments, messages and groups;
//  - every diagnostic's offset is <= the input size;
//  - the CONTRL built from the result re-parses without a fatal finding.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "apipnr/common/diagnostic.hpp"
#include "apipnr/edifact/contrl.hpp"
#include "apipnr/edifact/interchange.hpp"
#include "apipnr/edifact/parser.hpp"
#include "fuzz_check.hpp"

namespace {

using apipnr::edifact::interchange;

bool inside(std::string_view part, std::string_view whole) {
  if (part.empty()) return true;  // an empty view may point anywhere (or nowhere)
  const auto p = reinterpret_cast<std::uintptr_t>(part.data());
  const auto w = reinterpret_cast<std::uintptr_t>(whole.data());
  return p >= w && p + part.size() <= w + whole.size();
}

void check_tree(std::string_view input, const interchange& ic) {
  APIPNR_FUZZ_CHECK(inside(ic.text, input));
  std::uint64_t previous = 0;
  bool first = true;
  for (const auto& s : ic.segments) {
    APIPNR_FUZZ_CHECK(inside(s.tag(), input));
    APIPNR_FUZZ_CHECK(inside(s.body(), input));
    APIPNR_FUZZ_CHECK(s.offset < input.size());
    if (!s.tag().empty()) APIPNR_FUZZ_CHECK(s.tag().data() == input.data() + s.offset);
    APIPNR_FUZZ_CHECK(first || s.offset > previous);
    previous = s.offset;
    first = false;
  }
  const std::size_t n_segments = ic.segments.size();
  for (const auto& g : ic.groups) {
    APIPNR_FUZZ_CHECK(g.ung < n_segments && g.une < n_segments && g.ung <= g.une);
    APIPNR_FUZZ_CHECK(std::size_t{g.first_message} + g.message_count <= ic.messages.size());
  }
  for (const auto& m : ic.messages) {
    APIPNR_FUZZ_CHECK(m.unh < n_segments && m.unt < n_segments && m.unh <= m.unt);
    APIPNR_FUZZ_CHECK(m.group < 0 || static_cast<std::size_t>(m.group) < ic.groups.size());
  }
}

void check_findings(std::string_view input, const apipnr::diagnostic_list& findings) {
  for (const auto& d : findings.items()) APIPNR_FUZZ_CHECK(d.pos.offset <= input.size());
}

void run(std::string_view input, apipnr::edifact::mode m) {
  apipnr::edifact::parse_options opts;
  opts.parse_mode = m;
  const apipnr::edifact::parser p(opts);
  interchange ic;
  apipnr::diagnostic_list findings;
  (void)p.parse(input, ic, findings);
  check_tree(input, ic);
  check_findings(input, findings);

  // The receiver answers whatever it got; its answer must be a well-formed interchange.
  const std::string contrl = apipnr::edifact::make_contrl(ic, findings.items());
  interchange reply;
  apipnr::diagnostic_list reply_findings;
  const auto ec = apipnr::edifact::parser{}.parse(contrl, reply, reply_findings);
  APIPNR_FUZZ_CHECK(!ec);
  APIPNR_FUZZ_CHECK(reply_findings.worst() != apipnr::severity::fatal);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  run(input, apipnr::edifact::mode::strict);
  run(input, apipnr::edifact::mode::tolerant);
  return 0;
}
