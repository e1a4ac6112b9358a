// Canonical JSON of one extracted PAXLST (300 travellers: the receiver benchmark's body; 20,000:
// the message-layer benchmark's file) and of a generated PNRGOV push (300 PNRs), three ways:
//
//  - BM_CanonicalDomDump: model::to_json() then nlohmann's dump() with replace (the text the
//    store writes; what the receiver did before store::detail::dump_json).
//  - BM_CanonicalDomDumpJson: model::to_json() then store::detail::dump_json() (what the
//    receiver's make_message_row did before the streaming writer).
//  - BM_CanonicalStreaming: model::append_canonical_json() into a reused string, and
//    BM_CanonicalStreamingFresh into a new string per call (as make_message_row does, because
//    the text moves into the store's queue).
//
// bytes/s = canonical JSON bytes written per second. The models come from the reference
// pipeline (baseline profile), extracted once per process. A difference between the three texts
// is a benchmark error (reference/tests/canonical_corpus_test.cpp proves equality on the
// corpus). Figures and commands: docs/PERFORMANCE.md, "Canonical JSON writer".
#include <cstdint>
#include <map>
#include <string>

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include "apipnr/model/canonical.hpp"
#include "apipnr/pipeline/pipeline.hpp"
#include "paxlst_generator.hpp"
#include "pnrgov_generator.hpp"
#include "util_internal.hpp"  // store::detail::dump_json, the previous text writer

namespace {

using apipnr::model::canonical_message;

enum input : int { paxlst_300 = 0, paxlst_20k = 1, pnrgov_300 = 2 };

// The extracted model of each input; nullptr when the pipeline failed (a benchmark error).
const canonical_message* model_of(int which) {
  static const std::map<int, canonical_message> models = [] {
    std::map<int, canonical_message> out;
    apipnr::pipeline::options o;
    o.specs_dir = APIPNR_SPECS_DIR;
    o.profile = "baseline";
    o.today = apipnr::model::calendar_date{2026, 1, 15};
    auto engine = apipnr::pipeline::engine::load(o);
    if (!engine) return out;
    const std::pair<int, std::string> inputs[] = {
        {paxlst_300, apipnr::bench::make_paxlst({.seed = 1, .travellers = 300})},
        {paxlst_20k, apipnr::bench::make_paxlst({.seed = 1, .travellers = 20'000})},
        {pnrgov_300, apipnr::bench::make_pnrgov({.seed = 1, .pnrs = 300})}};
    for (const auto& [k, text] : inputs) {
      auto r = engine->check(text);
      if (r.outcome != apipnr::pipeline::verdict::reject && r.messages.size() == 1)
        out.emplace(k, std::move(r.messages.front()));
    }
    return out;
  }();
  const auto it = models.find(which);
  return it == models.end() ? nullptr : &it->second;
}

std::string dom_dump(const canonical_message& m) {
  return apipnr::model::to_json(m).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Common set-up: the model, and a check that the streaming text is the DOM's.
const canonical_message* prepare(benchmark::State& state) {
  const canonical_message* m = model_of(static_cast<int>(state.range(0)));
  if (m == nullptr) {
    state.SkipWithError("pipeline did not extract the generated input (APIPNR_SPECS_DIR?)");
    return nullptr;
  }
  if (apipnr::model::canonical_json(*m) != dom_dump(*m)) {
    state.SkipWithError("streaming text differs from the DOM dump");
    return nullptr;
  }
  return m;
}

void finish(benchmark::State& state, const canonical_message& m) {
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(apipnr::model::canonical_json(m).size()));
}

void BM_CanonicalDomDump(benchmark::State& state) {
  const canonical_message* m = prepare(state);
  if (m == nullptr) return;
  for (auto _ : state) {
    std::string s = dom_dump(*m);
    benchmark::DoNotOptimize(s.data());
  }
  finish(state, *m);
}

void BM_CanonicalDomDumpJson(benchmark::State& state) {
  const canonical_message* m = prepare(state);
  if (m == nullptr) return;
  for (auto _ : state) {
    std::string s = apipnr::store::detail::dump_json(apipnr::model::to_json(*m));
    benchmark::DoNotOptimize(s.data());
  }
  finish(state, *m);
}

void BM_CanonicalStreaming(benchmark::State& state) {
  const canonical_message* m = prepare(state);
  if (m == nullptr) return;
  std::string out;
  for (auto _ : state) {
    out.clear();
    apipnr::model::append_canonical_json(*m, out);
    benchmark::DoNotOptimize(out.data());
  }
  finish(state, *m);
}

void BM_CanonicalStreamingFresh(benchmark::State& state) {
  const canonical_message* m = prepare(state);
  if (m == nullptr) return;
  for (auto _ : state) {
    std::string s = apipnr::model::canonical_json(*m);
    benchmark::DoNotOptimize(s.data());
  }
  finish(state, *m);
}

// Argument: 0 = PAXLST 300 travellers, 1 = PAXLST 20,000, 2 = PNRGOV 300 PNRs.
void inputs(benchmark::internal::Benchmark* b) {
  b->ArgName("input")->Arg(paxlst_300)->Arg(paxlst_20k)->Arg(pnrgov_300);
  b->Unit(benchmark::kMicrosecond);
}
BENCHMARK(BM_CanonicalDomDump)->Apply(inputs);
BENCHMARK(BM_CanonicalDomDumpJson)->Apply(inputs);
BENCHMARK(BM_CanonicalStreaming)->Apply(inputs);
BENCHMARK(BM_CanonicalStreamingFresh)->Apply(inputs);

}  // namespace

BENCHMARK_MAIN();
