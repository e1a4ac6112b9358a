// apipnr-lint-corpus VECTORS_DIR REQUIREMENTS_DIR
//
// Loads the vector corpus and the requirement catalogue and runs the corpus lint (see
// apipnr/vectors/lint.hpp). Prints one line per problem, "<file>: <case id>: [LINT-ID] message"
// (load errors use the JSON pointer in place of the case ID and the ID LINT-LOAD), then a
// count. Exit status: 0 clean, 1 problems found, 2 usage error. Run by the CTest `vectors_lint`.
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "apipnr/vectors/lint.hpp"
#include "apipnr/vectors/loader.hpp"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr,
                 "[apipnr.vectors.001] usage: apipnr-lint-corpus VECTORS_DIR REQUIREMENTS_DIR\n");
    return 2;
  }
  namespace v = apipnr::vectors;
  std::vector<v::load_error> errors;
  const v::corpus corpus = v::load_corpus(argv[1], errors);
  const v::catalogue cat = v::load_catalogue(argv[2], errors);
  for (const v::load_error& e : errors) {
    std::printf("%s: %s: [LINT-LOAD] %s\n", e.file.c_str(),
                e.pointer.empty() ? "-" : e.pointer.c_str(), e.message.c_str());
  }
  const auto problems = v::lint(corpus, cat);
  for (const v::lint_problem& p : problems) std::printf("%s\n", v::to_string(p).c_str());
  std::printf(
      "%zu case(s) in %zu manifest(s), %zu requirement(s): %zu load error(s), %zu lint "
      "problem(s)\n",
      corpus.cases.size(), corpus.manifests.size(), cat.items.size(), errors.size(),
      problems.size());
  return errors.empty() && problems.empty() ? 0 : 1;
}
