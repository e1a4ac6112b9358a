// libFuzzer target: the whole reference pipeline (engine::check) on any input, in strict and
// tolerant mode, under the baseline profile: syntax, group structure, profile rules, extraction
// (PAXLST, PNRGOV EDIFACT, PNRGOV XML) and the sensitive-data filter.
//
// Beyond "no crash, no sanitizer report", it traps on broken invariants (fuzz_message_check.hpp):
// the verdict follows the findings' severities, every finding offset is <= the input size, every
// canonical message serialises to JSON, and no account number keeps more than 4 digits. And the
// structure walk's fast path builds the same tree as parse_structure whenever it decides, and
// the profile stage's fast path says clean only where profile::validate reports nothing.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "apipnr/message/definitions.hpp"
#include "apipnr/message/fast_structure.hpp"
#include "apipnr/message/tree.hpp"
#include "apipnr/profile/fast_validate.hpp"
#include "apipnr/profile/profile.hpp"
#include "apipnr/profile/validate.hpp"
#include "fuzz_message_check.hpp"

namespace {

// The structure walk's fast path (message/fast_structure.hpp) against parse_structure on every
// message of the input: when it says it decided, the walk reports nothing and builds the same
// tree (the pipeline's results are then the same by construction).
void check_fast_structure(std::string_view input) {
  static const apipnr::message::definitions defs = [] {
    auto d = apipnr::message::load_definitions(std::string(APIPNR_SPECS_DIR) + "/messages");
    APIPNR_FUZZ_CHECK(d.has_value());
    return std::move(*d);
  }();
  apipnr::edifact::interchange ic;
  apipnr::diagnostic_list syntax;
  apipnr::edifact::parser parser;
  (void)parser.parse(input, ic, syntax);
  apipnr::message::message_tree fast, slow;
  for (std::size_t m = 0; m < ic.messages.size(); ++m) {
    const auto& mv = ic.messages[m];
    const auto* def = defs.find(mv.type, mv.version, mv.release, mv.agency);
    if (def == nullptr) continue;
    apipnr::diagnostic_list found;
    const auto ec = apipnr::message::parse_structure(ic, m, *def, found, slow);
    if (!apipnr::message::fast_parse_structure(ic, m, *def, fast)) continue;
    APIPNR_FUZZ_CHECK(!ec && found.empty());
    APIPNR_FUZZ_CHECK(fast.segments.size() == slow.segments.size() &&
                      fast.first_segment == slow.first_segment);
    for (std::size_t i = 0; i < fast.segments.size(); ++i) {
      const auto& a = fast.segments[i];
      const auto& b = slow.segments[i];
      APIPNR_FUZZ_CHECK(a.matched == b.matched && a.instance == b.instance &&
                        fast.same_split(i, slow, i));
    }
    APIPNR_FUZZ_CHECK(fast.instances.size() == slow.instances.size());
    for (std::size_t k = 0; k < fast.instances.size(); ++k) {
      const auto& a = fast.instances[k];
      const auto& b = slow.instances[k];
      APIPNR_FUZZ_CHECK(a.group == b.group && a.parent == b.parent && a.first == b.first &&
                        a.last == b.last && a.repetition == b.repetition && a.depth == b.depth);
    }
  }
}

// The profile stage's fast path (profile/fast_validate.hpp) against profile::validate on every
// message of the input, for the baseline, us, uk, cn and eu profiles: when it says clean,
// validate reports nothing (the pipeline then skips validate, so a wrong "clean" would lose
// findings).
void check_fast_profile(std::string_view input) {
  static const apipnr::message::definitions defs = [] {
    auto d = apipnr::message::load_definitions(std::string(APIPNR_SPECS_DIR) + "/messages");
    APIPNR_FUZZ_CHECK(d.has_value());
    return std::move(*d);
  }();
  static const std::vector<apipnr::profile::profile> profiles = [] {
    std::vector<apipnr::profile::profile> out;
    for (const char* name : {"baseline", "us", "uk", "cn", "eu"}) {
      auto p = apipnr::profile::load_named_profile(
          name, std::string(APIPNR_SPECS_DIR) + "/profiles", defs);
      APIPNR_FUZZ_CHECK(p.has_value());
      out.push_back(std::move(*p));
    }
    return out;
  }();
  apipnr::edifact::interchange ic;
  apipnr::diagnostic_list syntax;
  apipnr::edifact::parser parser;
  (void)parser.parse(input, ic, syntax);
  apipnr::message::message_tree tree;
  apipnr::profile::validate_options opt;
  opt.today = apipnr::model::calendar_date{2026, 1, 15};
  for (const auto& prof : profiles) {
    const auto so = apipnr::profile::structure_options_for(prof);
    for (std::size_t m = 0; m < ic.messages.size(); ++m) {
      apipnr::diagnostic_list ignored;
      (void)apipnr::message::parse_structure(ic, m, defs, ignored, tree, so);
      if (!apipnr::profile::fast_validate(ic, m, tree, prof, opt)) continue;
      apipnr::diagnostic_list found;
      apipnr::profile::validate(ic, m, tree, prof, found, opt);
      APIPNR_FUZZ_CHECK(found.empty());
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  check_fast_structure(input);
  check_fast_profile(input);
  for (auto m : {apipnr::edifact::mode::strict, apipnr::edifact::mode::tolerant}) {
    const auto r = apipnr::fuzz::engine_for(m).check(input);
    apipnr::fuzz::check_result(input, r);
  }
  return 0;
}
