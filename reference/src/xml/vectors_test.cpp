// Every case under <vectors>/xml/pnrgov, replayed against read_pnrgov().
//
// The EDIFACT vector runner (reference/tests) only walks vectors/edifact, so the XML corpus is
// checked here. The rules are those of vectors/README.md "How a runner interprets a case",
// restricted to the fields that mean something for XML (no CONTRL, no segment positions).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "apipnr/vectors/loader.hpp"
#include "apipnr/xml/pnrgov.hpp"

namespace apipnr::xml {
namespace {

namespace fs = std::filesystem;

fs::path corpus_dir() {
  fs::path root = APIPNR_VECTORS_DIR;
  if (const char* env = std::getenv("APIPNR_VECTORS_DIR"); env && *env) root = env;
  return root / "xml" / "pnrgov";
}

struct loaded {
  vectors::corpus corpus;
  std::vector<vectors::load_error> errors;
};

const loaded& corpus() {
  static const loaded l = [] {
    loaded x;
    x.corpus = vectors::load_corpus(corpus_dir(), x.errors);
    return x;
  }();
  return l;
}

bool has(const diagnostic_list& l, std::string_view id, bool want_error) {
  for (const diagnostic& d : l.items()) {
    if (d.id != id) continue;
    if (want_error ? d.level >= severity::error : d.level == severity::warning) return true;
  }
  return false;
}

TEST(XmlPnrgovVectors, CorpusLoadsWithEnoughCases) {
  for (const auto& e : corpus().errors) ADD_FAILURE() << vectors::to_string(e);
  EXPECT_GE(corpus().corpus.cases.size(), 8u) << corpus_dir().string();
}

TEST(XmlPnrgovVectors, EveryCaseMatchesTheReference) {
  ASSERT_FALSE(corpus().corpus.cases.empty());
  for (const vectors::case_spec& c : corpus().corpus.cases) {
    if (c.retired) continue;
    SCOPED_TRACE(c.id);
    ASSERT_TRUE(c.input_found) << c.input;
    model::canonical_message out;
    diagnostic_list sink;
    (void)read_pnrgov(c.input_bytes, out, sink);
    std::string seen;
    for (const diagnostic& d : sink.items()) {
      seen += std::string(d.id) + "/" + std::string(to_string(d.level)) + " ";
    }
    switch (c.expect.result) {
      case vectors::outcome::accept:
        EXPECT_FALSE(sink.has_errors()) << seen;
        break;
      case vectors::outcome::reject:
        EXPECT_TRUE(sink.has_errors()) << seen;
        break;
      case vectors::outcome::either:
        break;
    }
    if (!c.expect.pass) continue;
    for (const std::string& id : c.expect.pass->errors) {
      EXPECT_TRUE(has(sink, id, true)) << id << " not reported as error; saw " << seen;
    }
    for (const std::string& id : c.expect.pass->warnings) {
      EXPECT_TRUE(has(sink, id, false)) << id << " not reported as warning; saw " << seen;
    }
    if (!c.expect.pass->scope.empty() && !c.expect.pass->errors.empty()) {
      bool ok = false;
      for (const diagnostic& d : sink.items()) {
        if (d.id != c.expect.pass->errors.front()) continue;
        for (const std::string& s : c.expect.pass->scope) ok = ok || s == to_string(d.where);
      }
      EXPECT_TRUE(ok) << "scope of " << c.expect.pass->errors.front();
    }
  }
}

}  // namespace
}  // namespace apipnr::xml
