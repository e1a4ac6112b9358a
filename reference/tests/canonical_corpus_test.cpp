// model::canonical_json() against its oracle (nlohmann's dump of model::to_json(), with the
// error handler the store used before the streaming writer) on real extractions: every input of
// the vector corpus (accept, reject and either cases: extraction runs on rejected messages too)
// and generated PAXLST and PNRGOV interchanges, all through the reference pipeline. Any byte of
// difference would change stored documents and every hash over them.
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "apipnr/model/canonical.hpp"
#include "apipnr/pipeline/pipeline.hpp"
#include "paxlst_generator.hpp"
#include "pnrgov_generator.hpp"

namespace apipnr {
namespace {

namespace fs = std::filesystem;

std::string oracle(const model::canonical_message& m) {
  return model::to_json(m).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

const pipeline::engine& engine() {
  static const pipeline::engine e = [] {
    pipeline::options o;
    o.specs_dir = std::string(APIPNR_SOURCE_DIR) + "/specs";
    o.profile = "baseline";
    o.today = model::calendar_date{2026, 1, 15};
    auto r = pipeline::engine::load(o);
    if (!r) throw std::runtime_error("engine::load: " + r.error().message());
    return std::move(*r);
  }();
  return e;
}

// Compares every message `bytes` yields; returns how many there were.
std::size_t compare_all(std::string_view bytes, const std::string& what) {
  const pipeline::result r = engine().check(bytes);
  std::string reused;
  for (std::size_t i = 0; i < r.messages.size(); ++i) {
    reused.clear();
    model::append_canonical_json(r.messages[i], reused);
    EXPECT_EQ(reused, oracle(r.messages[i])) << what << " message " << i;
  }
  return r.messages.size();
}

TEST(CanonicalCorpus, EveryVectorInputGivesTheBytesOfTheDomDump) {
  std::size_t files = 0, accept_files_with_messages = 0, messages = 0;
  for (const auto& e : fs::recursive_directory_iterator(APIPNR_VECTORS_DIR)) {
    if (!e.is_regular_file()) continue;
    const std::string name = e.path().filename().string();
    const bool accept = name.starts_with("y_");
    if (!accept && !name.starts_with("n_") && !name.starts_with("i_")) continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    const std::size_t n = compare_all(text.str(), e.path().string());
    ++files;
    messages += n;
    if (accept && n > 0) ++accept_files_with_messages;
  }
  // The corpus had 343 accept inputs when this test was written; most of them are messages
  // (the rest are envelope-only syntax cases). A walk that found nothing proves nothing.
  EXPECT_GT(files, 400u);
  EXPECT_GT(accept_files_with_messages, 150u);
  EXPECT_GT(messages, 300u);
}

TEST(CanonicalCorpus, GeneratedPaxlstGivesTheBytesOfTheDomDump) {
  // 300 travellers is the receiver benchmark's body; the multi-part and error variants give
  // parts, lower-case names and release-character surnames.
  EXPECT_EQ(compare_all(bench::make_paxlst({.seed = 1, .travellers = 300}), "paxlst 300"), 1u);
  EXPECT_EQ(
      compare_all(bench::make_paxlst(
                      {.seed = 7, .travellers = 2'000, .messages = 4, .escaped_name_one_in = 8}),
                  "paxlst 2000 in 4 parts"),
      4u);
  EXPECT_GE(
      compare_all(bench::make_paxlst({.seed = 3, .travellers = 500, .error_every = 5}), "errors"),
      1u);
}

TEST(CanonicalCorpus, GeneratedPnrgovGivesTheBytesOfTheDomDump) {
  EXPECT_GE(compare_all(bench::make_pnrgov({.seed = 1, .pnrs = 300}), "pnrgov 300"), 1u);
  EXPECT_GE(compare_all(bench::make_pnrgov({.seed = 5, .pnrs = 40}), "pnrgov 40"), 1u);
}

}  // namespace
}  // namespace apipnr
