// Throughput of the message layer: the reference pipeline (engine::check) and its stages on the
// 20,000-traveller PAXLST of paxlst_generator (about 3.4 MB), a generated PNRGOV push and a
// PNRGOV XML push built from a vector.
//
// engine::check has no switch to skip the profile, so the stages are also timed one by one
// through the component libraries on a tree parsed once (BM_Stage*); BM_PipelinePaxlstNoExtract
// uses options::extract = false. Figures and commands are in docs/PERFORMANCE.md, "Message
// layer". Any finding of error level in the generated inputs is a benchmark error: a figure
// for a rejected file would time the wrong paths.
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include <benchmark/benchmark.h>

#include "apipnr/common/diagnostic.hpp"
#include "apipnr/edifact/interchange.hpp"
#include "apipnr/edifact/parser.hpp"
#include "apipnr/message/definitions.hpp"
#include "apipnr/message/fast_structure.hpp"
#include "apipnr/message/tree.hpp"
#include "apipnr/paxlst/extract.hpp"
#include "apipnr/pipeline/pipeline.hpp"
#include "apipnr/profile/fast_validate.hpp"
#include "apipnr/profile/profile.hpp"
#include "apipnr/profile/validate.hpp"
#include "paxlst_generator.hpp"
#include "pnrgov_generator.hpp"

namespace {

constexpr std::uint32_t paxlst_travellers = 20'000;
constexpr std::uint32_t pnrgov_pnrs = 2'000;
constexpr apipnr::model::calendar_date pinned_today{2026, 1, 15};

// Counts findings and drops them: the stage benchmarks measure the stage, not a vector of
// diagnostics with their detail strings.
class counting_sink final : public apipnr::diagnostic_sink {
 public:
  void report(apipnr::diagnostic d) override {
    if (d.level >= apipnr::severity::error) ++errors_;
  }
  std::size_t errors() const noexcept { return errors_; }

 private:
  std::size_t errors_ = 0;
};

// Built once per process: generating the input takes longer than checking it.
const std::string& paxlst_file() {
  static const std::string text =
      apipnr::bench::make_paxlst(apipnr::bench::paxlst_options{.travellers = paxlst_travellers});
  return text;
}

const std::string& pnrgov_file() {
  static const std::string text =
      apipnr::bench::make_pnrgov(apipnr::bench::pnrgov_options{.pnrs = pnrgov_pnrs});
  return text;
}

apipnr::pipeline::options base_options() {
  apipnr::pipeline::options o;
  o.specs_dir = APIPNR_SPECS_DIR;
  o.profile = "baseline";
  o.syntax_mode = apipnr::edifact::mode::strict;
  o.today = pinned_today;
  return o;
}

// reuse = false: a new result per input (engine::check(bytes)), destroyed before the next one.
// reuse = true: one result kept across inputs (engine::check(bytes, r)), as a worker that keeps
// its result between inputs does: the canonical model's storage is refilled in place instead of
// allocated and freed per input.
void run_pipeline(benchmark::State& state, const std::string& text,
                  const apipnr::pipeline::options& opts, std::uint32_t items, bool reuse = false) {
  auto engine = apipnr::pipeline::engine::load(opts);
  if (!engine) {
    state.SkipWithError("engine::load failed (APIPNR_SPECS_DIR)");
    return;
  }
  apipnr::pipeline::result r;
  for (auto _ : state) {
    if (reuse) {
      engine->check(text, r);
    } else {
      r = engine->check(text);  // the previous input's result is freed here, once per input
    }
    if (r.outcome == apipnr::pipeline::verdict::reject) {
      state.SkipWithError("generated input rejected");
      break;
    }
    benchmark::DoNotOptimize(r.messages.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(text.size()));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * items);
}

// Whole pipeline: syntax, structure, baseline profile, canonical model, sensitive filter.
// items/s = travellers/s.
void BM_PipelinePaxlst(benchmark::State& state) {
  run_pipeline(state, paxlst_file(), base_options(), paxlst_travellers);
}
BENCHMARK(BM_PipelinePaxlst)->Unit(benchmark::kMillisecond);

// The same without the structure walk's fast path (options::fast_structure = false): every
// message through parse_structure, as before the fast path; the A/B of BM_PipelinePaxlst.
void BM_PipelinePaxlstNoFastStructure(benchmark::State& state) {
  auto opts = base_options();
  opts.fast_structure = false;
  run_pipeline(state, paxlst_file(), opts, paxlst_travellers);
}
BENCHMARK(BM_PipelinePaxlstNoFastStructure)->Unit(benchmark::kMillisecond);

// The same without the profile stage's fast path (options::fast_profile = false): every message
// through profile::validate, as before the fast path; the A/B of BM_PipelinePaxlst.
void BM_PipelinePaxlstNoFastProfile(benchmark::State& state) {
  auto opts = base_options();
  opts.fast_profile = false;
  run_pipeline(state, paxlst_file(), opts, paxlst_travellers);
}
BENCHMARK(BM_PipelinePaxlstNoFastProfile)->Unit(benchmark::kMillisecond);

// Without extraction (options::extract = false): syntax, structure and profile only.
void BM_PipelinePaxlstNoExtract(benchmark::State& state) {
  auto opts = base_options();
  opts.extract = false;
  run_pipeline(state, paxlst_file(), opts, paxlst_travellers);
}
BENCHMARK(BM_PipelinePaxlstNoExtract)->Unit(benchmark::kMillisecond);

// PNRGOV push through the whole pipeline. items/s = PNRs/s.
void BM_PipelinePnrgov(benchmark::State& state) {
  run_pipeline(state, pnrgov_file(), base_options(), pnrgov_pnrs);
}
BENCHMARK(BM_PipelinePnrgov)->Unit(benchmark::kMillisecond);

// The same without the profile stage's fast path (options::fast_profile = false).
void BM_PipelinePnrgovNoFastProfile(benchmark::State& state) {
  auto opts = base_options();
  opts.fast_profile = false;
  run_pipeline(state, pnrgov_file(), opts, pnrgov_pnrs);
}
BENCHMARK(BM_PipelinePnrgovNoFastProfile)->Unit(benchmark::kMillisecond);

// As BM_PipelinePaxlst and BM_PipelinePnrgov, with one result reused across inputs.
void BM_PipelinePaxlstReused(benchmark::State& state) {
  run_pipeline(state, paxlst_file(), base_options(), paxlst_travellers, true);
}
BENCHMARK(BM_PipelinePaxlstReused)->Unit(benchmark::kMillisecond);

// A flight-sized PAXLST (300 travellers, the receiver benchmark's body, about 50 KB) checked
// into one reused result, as a receiver worker does: every stage's arrays and the model then
// stay in the core's L2 cache, where the 20,000-traveller file's (about 40 MB per message)
// stream from L3. The gap between the two is what the big file's memory traffic costs.
const std::string& paxlst_flight_file() {
  static const std::string text =
      apipnr::bench::make_paxlst(apipnr::bench::paxlst_options{.travellers = 300});
  return text;
}
void BM_PipelinePaxlstFlightReused(benchmark::State& state) {
  run_pipeline(state, paxlst_flight_file(), base_options(), 300, true);
}
BENCHMARK(BM_PipelinePaxlstFlightReused)->Unit(benchmark::kMicrosecond);

void BM_PipelinePnrgovReused(benchmark::State& state) {
  run_pipeline(state, pnrgov_file(), base_options(), pnrgov_pnrs, true);
}
BENCHMARK(BM_PipelinePnrgovReused)->Unit(benchmark::kMillisecond);

// PNRGOV XML: the two PNRs of vectors/xml/pnrgov/y_two_pnrs_infant_codeshare.xml repeated
// until the push holds pnrgov_pnrs PNRs (NumberOfPnrs adjusted), about 4.5 MB. Empty when the
// vector cannot be read (the benchmark then reports an error).
const std::string& pnrgov_xml_file() {
  static const std::string text = [] {
    std::ifstream in(
        std::string(APIPNR_SPECS_DIR) + "/../vectors/xml/pnrgov/y_two_pnrs_infant_codeshare.xml",
        std::ios::binary);
    std::ostringstream buf;
    buf << in.rdbuf();
    const std::string doc = buf.str();
    const std::string open = "<PNRs NumberOfPnrs=\"2\">";
    const auto begin = doc.find(open);
    const auto end = doc.find("</PNRs>");
    if (begin == std::string::npos || end == std::string::npos || end < begin) {
      return std::string();
    }
    const std::string pnrs = doc.substr(begin + open.size(), end - begin - open.size());
    std::string out = doc.substr(0, begin);
    out += "<PNRs NumberOfPnrs=\"" + std::to_string(pnrgov_pnrs) + "\">";
    for (std::uint32_t k = 0; k < pnrgov_pnrs / 2; ++k) out += pnrs;
    out += doc.substr(end);
    return out;
  }();
  return text;
}

// The XML push through the whole pipeline (pugixml, mapping, sensitive filter). items/s =
// PNRs/s.
void BM_PipelinePnrgovXml(benchmark::State& state) {
  if (pnrgov_xml_file().empty()) {
    state.SkipWithError("vectors/xml/pnrgov/y_two_pnrs_infant_codeshare.xml not readable");
    return;
  }
  run_pipeline(state, pnrgov_xml_file(), base_options(), pnrgov_pnrs);
}
BENCHMARK(BM_PipelinePnrgovXml)->Unit(benchmark::kMillisecond);

// The stages of the PAXLST pipeline, one by one, over one parsed interchange.
struct paxlst_stages {
  apipnr::message::definitions defs;
  apipnr::profile::profile prof;
  apipnr::edifact::interchange ic;
  apipnr::message::message_tree tree;
  bool ok = false;
};

paxlst_stages& stages() {
  static paxlst_stages s = [] {
    paxlst_stages out;
    const std::string specs = APIPNR_SPECS_DIR;
    auto defs = apipnr::message::load_definitions(specs + "/messages");
    if (!defs) return out;
    out.defs = std::move(*defs);
    auto prof = apipnr::profile::load_named_profile("baseline", specs + "/profiles", out.defs);
    if (!prof) return out;
    out.prof = std::move(*prof);
    counting_sink sink;
    apipnr::edifact::parser p(apipnr::edifact::parse_options{});
    if (p.parse(paxlst_file(), out.ic, sink) || sink.errors() != 0) return out;
    const auto ec = apipnr::message::parse_structure(
        out.ic, 0, out.defs, sink, out.tree, apipnr::profile::structure_options_for(out.prof));
    out.ok = !ec && sink.errors() == 0;
    return out;
  }();
  return s;
}

void finish_stage(benchmark::State& state) {
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(paxlst_file().size()));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * paxlst_travellers);
}

void BM_StageSyntax(benchmark::State& state) {
  apipnr::edifact::interchange ic;
  apipnr::edifact::parser p(apipnr::edifact::parse_options{});
  for (auto _ : state) {
    counting_sink sink;
    benchmark::DoNotOptimize(p.parse(paxlst_file(), ic, sink));
  }
  finish_stage(state);
}
BENCHMARK(BM_StageSyntax)->Unit(benchmark::kMillisecond);

void BM_StageStructure(benchmark::State& state) {
  auto& s = stages();
  if (!s.ok) {
    state.SkipWithError("stage setup failed");
    return;
  }
  const auto opt = apipnr::profile::structure_options_for(s.prof);
  apipnr::message::message_tree tree;
  for (auto _ : state) {
    counting_sink sink;
    benchmark::DoNotOptimize(apipnr::message::parse_structure(s.ic, 0, s.defs, sink, tree, opt));
  }
  finish_stage(state);
}
BENCHMARK(BM_StageStructure)->Unit(benchmark::kMillisecond);

// The structure walk's fast path (message::fast_parse_structure) on the same message: the same
// tree as BM_StageStructure builds. An error when the fast path gives up (it would then time
// the give-up, not the walk).
void BM_StageFastStructure(benchmark::State& state) {
  auto& s = stages();
  if (!s.ok) {
    state.SkipWithError("stage setup failed");
    return;
  }
  const auto opt = apipnr::profile::structure_options_for(s.prof);
  const auto* def = s.tree.def;  // the definition stages() parsed the message with
  apipnr::message::message_tree tree;
  for (auto _ : state) {
    if (!apipnr::message::fast_parse_structure(s.ic, 0, *def, tree, opt)) {
      state.SkipWithError("fast path gave up on the generated message");
      break;
    }
    benchmark::DoNotOptimize(tree.segments.data());
  }
  finish_stage(state);
}
BENCHMARK(BM_StageFastStructure)->Unit(benchmark::kMillisecond);

void BM_StageProfile(benchmark::State& state) {
  auto& s = stages();
  if (!s.ok) {
    state.SkipWithError("stage setup failed");
    return;
  }
  apipnr::profile::validate_options opt;
  opt.today = pinned_today;
  for (auto _ : state) {
    counting_sink sink;
    apipnr::profile::validate(s.ic, 0, s.tree, s.prof, sink, opt);
    benchmark::DoNotOptimize(sink.errors());
  }
  finish_stage(state);
}
BENCHMARK(BM_StageProfile)->Unit(benchmark::kMillisecond);

// The profile stage's fast path (profile::fast_validate) on the same message: it decides the
// clean case BM_StageProfile's validate() reports nothing for. An error when it gives up (it
// would then time the give-up, not the walk).
void BM_StageFastProfile(benchmark::State& state) {
  auto& s = stages();
  if (!s.ok) {
    state.SkipWithError("stage setup failed");
    return;
  }
  apipnr::profile::validate_options opt;
  opt.today = pinned_today;
  for (auto _ : state) {
    if (!apipnr::profile::fast_validate(s.ic, 0, s.tree, s.prof, opt)) {
      state.SkipWithError("fast path gave up on the generated message");
      break;
    }
  }
  finish_stage(state);
}
BENCHMARK(BM_StageFastProfile)->Unit(benchmark::kMillisecond);

void BM_StageExtract(benchmark::State& state) {
  auto& s = stages();
  if (!s.ok) {
    state.SkipWithError("stage setup failed");
    return;
  }
  for (auto _ : state) {
    counting_sink sink;
    auto m = apipnr::paxlst::extract(s.tree, sink);
    benchmark::DoNotOptimize(m.has_value());
  }
  finish_stage(state);
}
BENCHMARK(BM_StageExtract)->Unit(benchmark::kMillisecond);

// The same into one model reused across iterations (paxlst::extract_into), as the pipeline
// does with a reused result: no model allocated and destroyed per message.
void BM_StageExtractInto(benchmark::State& state) {
  auto& s = stages();
  if (!s.ok) {
    state.SkipWithError("stage setup failed");
    return;
  }
  apipnr::model::canonical_message m;
  for (auto _ : state) {
    counting_sink sink;
    const auto ec = apipnr::paxlst::extract_into(s.tree, sink, m);
    benchmark::DoNotOptimize(ec);
    benchmark::DoNotOptimize(m.travellers.data());
  }
  finish_stage(state);
}
BENCHMARK(BM_StageExtractInto)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
