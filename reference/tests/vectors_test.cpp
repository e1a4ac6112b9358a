// Every case under <vectors>/edifact/syntax, checked against the reference syntax engine.
// (Message-level cases under edifact/messages need the message layer; they have their own test.)
//
// One GoogleTest per case (named after its ID), so `ctest -L vectors -R una` selects a subtree.
// The corpus directory is APIPNR_VECTORS_DIR: the environment variable when set, else the CMake
// cache value compiled in. The guard tests fail clearly when the corpus is missing, cannot be
// read or is implausibly small, since an empty corpus would otherwise "pass" silently.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "apipnr/conformance/check.hpp"
#include "apipnr/vectors/loader.hpp"

namespace apipnr {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t minimum_cases = 60;

fs::path vectors_dir() {
  if (const char* env = std::getenv("APIPNR_VECTORS_DIR"); env && *env) return env;
  return APIPNR_VECTORS_DIR;
}

struct loaded_corpus {
  vectors::corpus corpus;
  std::vector<vectors::load_error> errors;
};

const loaded_corpus& edifact_corpus() {
  static const loaded_corpus c = [] {
    loaded_corpus l;
    l.corpus = vectors::load_corpus(vectors_dir() / "edifact" / "syntax", l.errors);
    return l;
  }();
  return c;
}

// Test parameter: a case of the static corpus and its (unique) GoogleTest name.
struct vector_param {
  const vectors::case_spec* spec = nullptr;
  std::string name;
};
void PrintTo(const vector_param& p, std::ostream* os) { *os << p.spec->id; }

std::vector<vector_param> params() {
  std::vector<vector_param> out;
  std::map<std::string, int> used;
  for (const vectors::case_spec& c : edifact_corpus().corpus.cases) {
    std::string name;
    for (char ch : c.id) {
      const bool keep =
          (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
      name += keep ? ch : '_';
    }
    if (name.empty()) name = "case";
    // Distinct IDs may map to the same name ("a-b" and "a/b"); GoogleTest rejects duplicates,
    // so suffix later ones (LINT-DUP-ID catches true duplicates separately).
    if (const int n = used[name]++; n > 0) name += "_" + std::to_string(n + 1);
    out.push_back({&c, std::move(name)});
  }
  return out;
}

TEST(EdifactVectorsCorpus, DirectoryExists) {
  const fs::path dir = vectors_dir() / "edifact" / "syntax";
  ASSERT_TRUE(fs::is_directory(dir))
      << "vector corpus not found at " << dir.string()
      << " (set APIPNR_VECTORS_DIR or the CMake cache variable of that name)";
}

TEST(EdifactVectorsCorpus, LoadsWithoutErrors) {
  for (const auto& e : edifact_corpus().errors) ADD_FAILURE() << vectors::to_string(e);
}

TEST(EdifactVectorsCorpus, HasAtLeastSixtyCases) {
  EXPECT_GE(edifact_corpus().corpus.cases.size(), minimum_cases)
      << "only " << edifact_corpus().corpus.cases.size() << " cases under "
      << (vectors_dir() / "edifact" / "syntax").string();
}

class EdifactVectors : public ::testing::TestWithParam<vector_param> {};

TEST_P(EdifactVectors, MatchesReference) {
  const vectors::case_spec& c = *GetParam().spec;
  if (c.retired) GTEST_SKIP() << c.id << " is retired";
  const conformance::case_result r = conformance::check_case(c);
  // Checks that could not run (CONTRL not generated yet) are recorded, not failed and not
  // skipped: the rest of the case was still judged.
  for (const std::string& n : r.notes) RecordProperty("note", c.id + ": " + n);
  EXPECT_TRUE(r.failures.empty()) << conformance::explain(c, r);
}

INSTANTIATE_TEST_SUITE_P(Corpus, EdifactVectors, ::testing::ValuesIn(params()),
                         [](const ::testing::TestParamInfo<vector_param>& p) {
                           return p.param.name;
                         });
// The guard tests above report an empty corpus; GoogleTest must not fail a second time for it.
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(EdifactVectors);

}  // namespace
}  // namespace apipnr
