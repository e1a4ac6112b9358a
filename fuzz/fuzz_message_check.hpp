// Invariants of engine::check() shared by the message-layer fuzz targets (fuzz_pipeline,
// fuzz_pnrgov_xml). The engine is loaded once per process: loading parses every message
// definition and the profile, which would dominate each execution.
#pragma once

#include <cctype>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "apipnr/common/diagnostic.hpp"
#include "apipnr/edifact/parser.hpp"
#include "apipnr/model/canonical.hpp"
#include "apipnr/pipeline/pipeline.hpp"
#include "fuzz_check.hpp"

namespace apipnr::fuzz {

// Specs folder of the source tree (compile definition), so the fuzzer runs from any directory.
inline const pipeline::engine& engine_for(edifact::mode m) {
  static const auto make = [](edifact::mode mode) {
    pipeline::options o;
    o.specs_dir = APIPNR_SPECS_DIR;
    o.profile = "baseline";
    o.syntax_mode = mode;
    o.today = model::calendar_date{2026, 1, 15};  // verdicts must not depend on the calendar
    auto e = pipeline::engine::load(o);
    APIPNR_FUZZ_CHECK(e.has_value());
    return std::move(*e);
  };
  static const pipeline::engine strict = make(edifact::mode::strict);
  static const pipeline::engine tolerant = make(edifact::mode::tolerant);
  return m == edifact::mode::strict ? strict : tolerant;
}

// A masked account number may show at most the last 4 digits: any run of 5+ digits is a leak.
inline bool masked_ok(std::string_view s) {
  std::size_t run = 0;
  for (char c : s) {
    run = std::isdigit(static_cast<unsigned char>(c)) ? run + 1 : 0;
    if (run > 4) return false;
  }
  return true;
}

inline void check_payments(const std::vector<model::ticket>& tickets) {
  for (const auto& t : tickets)
    for (const auto& p : t.payments)
      if (p.account_masked) APIPNR_FUZZ_CHECK(masked_ok(*p.account_masked));
}

inline void check_result(std::string_view input, const pipeline::result& r) {
  // Verdict consistent with the severities of the findings (pipeline.hpp "Verdicts").
  APIPNR_FUZZ_CHECK(r.outcome == pipeline::verdict_of(r.findings));
  APIPNR_FUZZ_CHECK(r.finding_message.size() == r.findings.size());
  APIPNR_FUZZ_CHECK(r.message_source.size() == r.messages.size());
  for (const auto& d : r.findings) {
    if (d.pos.offset > input.size()) {  // name the finding: the trap alone does not
      std::fprintf(stderr, "finding %.*s at offset %zu of %zu bytes: %s\n",
                   static_cast<int>(d.id.size()), d.id.data(), d.pos.offset, input.size(),
                   d.detail.c_str());
    }
    APIPNR_FUZZ_CHECK(d.pos.offset <= input.size());
  }
  for (const auto& v : r.message_outcomes)
    APIPNR_FUZZ_CHECK(static_cast<int>(v) <= static_cast<int>(r.outcome));
  for (const auto& m : r.messages) {
    // Serialising must succeed for every message: the store and the receiver's query API call
    // dump() with the default (strict) handler, which throws on a string that is not UTF-8.
    // APIPNR_FUZZ_LENIENT_UTF8 set in the environment looks past the known bug recorded in
    // fuzz/crashers/README.md (pipeline_non_utf8_value.msg) to find others.
    static const bool lenient = std::getenv("APIPNR_FUZZ_LENIENT_UTF8") != nullptr;
    const std::string text =
        model::to_json(m).dump(-1, ' ', false,
                               lenient ? nlohmann::json::error_handler_t::replace
                                       : nlohmann::json::error_handler_t::strict);
    APIPNR_FUZZ_CHECK(!text.empty());
    for (const auto& p : m.pnrs) {
      for (const auto& t : p.travellers) check_payments(t.details().tickets);
    }
    for (const auto& t : m.travellers) check_payments(t.details().tickets);
  }
}

}  // namespace apipnr::fuzz
