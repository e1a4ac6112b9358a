// Throughput of the EDIFACT syntax engine on a synthetic 20,000-traveller PAXLST (about 3.5 MB).
//
// BM_MemchrTerminatorScan is the floor a tokenizer cannot beat: it only finds the terminators.
// The other benchmarks reuse one `interchange` across iterations, as a receiver worker does, so
// they measure the steady state (no vector growth). Figures and the command are in
// docs/PERFORMANCE.md.
#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>

#include <benchmark/benchmark.h>

#include "apipnr/common/diagnostic.hpp"
#include "apipnr/edifact/contrl.hpp"
#include "apipnr/edifact/interchange.hpp"
#include "apipnr/edifact/parser.hpp"
#include "apipnr/edifact/writer.hpp"
#include "paxlst_generator.hpp"

namespace {

using apipnr::bench::make_paxlst;
using apipnr::bench::paxlst_options;

// Counts findings by severity and drops them: the benchmark measures the parser, not a vector
// of diagnostics with their detail strings.
class counting_sink final : public apipnr::diagnostic_sink {
 public:
  void report(apipnr::diagnostic d) override {
    ++total_;
    if (d.level >= apipnr::severity::error) ++errors_;
  }
  void clear() noexcept { total_ = errors_ = 0; }
  std::size_t total() const noexcept { return total_; }
  std::size_t errors() const noexcept { return errors_; }

 private:
  std::size_t total_ = 0;
  std::size_t errors_ = 0;
};

// Built once per process: generating 3.5 MB takes longer than parsing it.
const std::string& valid_file() {
  static const std::string text = make_paxlst(paxlst_options{});
  return text;
}

// 2,000 travellers in 100 messages; every 10th traveller has two errors, every second message a
// wrong UNT count: a CONTRL with many UCM, UCS and UCD segments.
const std::string& error_file() {
  static const std::string text = make_paxlst(
      paxlst_options{.seed = 2, .travellers = 2'000, .messages = 100, .error_every = 10});
  return text;
}

void BM_MemchrTerminatorScan(benchmark::State& state) {
  const std::string& text = valid_file();
  for (auto _ : state) {
    std::size_t count = 0;
    const char* p = text.data();
    const char* const end = p + text.size();
    while (p < end) {
      const void* hit = std::memchr(p, '\'', static_cast<std::size_t>(end - p));
      if (hit == nullptr) break;
      ++count;
      p = static_cast<const char*>(hit) + 1;
    }
    benchmark::DoNotOptimize(count);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(text.size()));
}
BENCHMARK(BM_MemchrTerminatorScan);

void parse_benchmark(benchmark::State& state, apipnr::edifact::mode m) {
  const std::string& text = valid_file();
  apipnr::edifact::parse_options opts;
  opts.parse_mode = m;
  const apipnr::edifact::parser p(opts);
  apipnr::edifact::interchange ic;
  counting_sink sink;
  for (auto _ : state) {
    sink.clear();
    auto ec = p.parse(text, ic, sink);
    benchmark::DoNotOptimize(ec);
    benchmark::DoNotOptimize(ic.segments.data());
  }
  // A valid file must parse without errors; otherwise the figure would measure error paths.
  if (sink.errors() != 0) state.SkipWithError("generated file reported errors");
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(text.size()));
  state.counters["segments"] = static_cast<double>(ic.segments.size());
  state.counters["findings"] = static_cast<double>(sink.total());
}

void BM_ParseStrict(benchmark::State& state) {
  parse_benchmark(state, apipnr::edifact::mode::strict);
}
BENCHMARK(BM_ParseStrict);

void BM_ParseTolerant(benchmark::State& state) {
  parse_benchmark(state, apipnr::edifact::mode::tolerant);
}
BENCHMARK(BM_ParseTolerant);

void BM_WriteInterchange(benchmark::State& state) {
  const std::string& text = valid_file();
  const apipnr::edifact::parser p;
  apipnr::edifact::interchange ic;
  apipnr::null_sink sink;
  (void)p.parse(text, ic, sink);
  std::string out;
  out.reserve(text.size() * 2);
  // A different delimiter set forces every value through the escaping path.
  const auto to = apipnr::edifact::delimiters::defaults_v4();
  for (auto _ : state) {
    out.clear();
    auto ec = apipnr::edifact::write_interchange(ic, to, out);
    benchmark::DoNotOptimize(ec);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(text.size()));
  state.counters["out_bytes"] = static_cast<double>(out.size());
}
BENCHMARK(BM_WriteInterchange);

void BM_MakeContrl(benchmark::State& state) {
  const std::string& text = error_file();
  const apipnr::edifact::parser p;
  apipnr::edifact::interchange ic;
  apipnr::diagnostic_list findings;
  (void)p.parse(text, ic, findings);
  std::size_t out_bytes = 0;
  for (auto _ : state) {
    std::string out = apipnr::edifact::make_contrl(ic, findings.items());
    out_bytes = out.size();
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(findings.size()));
  state.counters["findings"] = static_cast<double>(findings.size());
  state.counters["out_bytes"] = static_cast<double>(out_bytes);
}
BENCHMARK(BM_MakeContrl);

}  // namespace

BENCHMARK_MAIN();
