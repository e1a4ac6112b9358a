// apipnr-lint-corpus VECTORS_DIR REQUIREMENTS_DIR [--exemptions FILE] [--coverage FILE.json]
//                    [--coverage-md FILE.md]
//
// Loads the vector corpus, the requirement catalogue and the coverage exemption list (default
// VECTORS_DIR/coverage-exemptions.json, read when it exists) and runs the corpus lint (see
// apipnr/vectors/lint.hpp). Prints one line per problem, "<file>: <case id>: [LINT-ID] message"
// (load errors use the JSON pointer in place of the case ID and the ID LINT-LOAD), then a
// count. --coverage / --coverage-md write the requirements x cases matrix
// (specs/schemas/coverage-matrix.schema.json) and its Markdown summary, also when there are
// problems. Exit status: 0 clean, 1 problems found, 2 usage error or an output file that could
// not be written. Run by the CTest `vectors_lint`.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "apipnr/vectors/lint.hpp"
#include "apipnr/vectors/loader.hpp"

namespace {

bool write_text(const std::string& path, const std::string& text) {
  std::error_code ec;
  const auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) {
    std::fprintf(stderr, "[apipnr.vectors.005] cannot write %s\n", path.c_str());
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  namespace v = apipnr::vectors;
  std::vector<std::string> positional;
  std::string exemptions_file, coverage_file, coverage_md;
  bool usage_ok = true;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    std::string* target = a == "--exemptions"    ? &exemptions_file
                          : a == "--coverage"    ? &coverage_file
                          : a == "--coverage-md" ? &coverage_md
                                                 : nullptr;
    if (target) {
      if (i + 1 >= argc) {
        usage_ok = false;
        break;
      }
      *target = argv[++i];
    } else if (!a.empty() && a[0] == '-') {
      usage_ok = false;
    } else {
      positional.push_back(a);
    }
  }
  if (!usage_ok || positional.size() != 2) {
    std::fprintf(stderr,
                 "[apipnr.vectors.001] usage: apipnr-lint-corpus VECTORS_DIR REQUIREMENTS_DIR "
                 "[--exemptions FILE] [--coverage FILE.json] [--coverage-md FILE.md]\n");
    return 2;
  }
  std::vector<v::load_error> errors;
  const v::corpus corpus = v::load_corpus(positional[0], errors);
  const v::catalogue cat = v::load_catalogue(positional[1], errors);
  v::lint_options opts;
  if (exemptions_file.empty()) {
    const auto beside = std::filesystem::path(positional[0]) / "coverage-exemptions.json";
    std::error_code ec;
    if (std::filesystem::exists(beside, ec)) exemptions_file = beside.string();
  }
  if (!exemptions_file.empty()) opts.exemptions = v::load_exemptions(exemptions_file, errors);
  for (const v::load_error& e : errors) {
    std::printf("%s: %s: [LINT-LOAD] %s\n", e.file.c_str(),
                e.pointer.empty() ? "-" : e.pointer.c_str(), e.message.c_str());
  }
  const auto problems = v::lint(corpus, cat, opts);
  for (const v::lint_problem& p : problems) std::printf("%s\n", v::to_string(p).c_str());
  std::printf(
      "%zu case(s) in %zu manifest(s), %zu requirement(s), %zu exemption(s): %zu load error(s), "
      "%zu lint problem(s)\n",
      corpus.cases.size(), corpus.manifests.size(), cat.items.size(), opts.exemptions.size(),
      errors.size(), problems.size());
  if (!coverage_file.empty() || !coverage_md.empty()) {
    const auto rows = v::coverage(corpus, cat, opts);
    if (!coverage_file.empty() && !write_text(coverage_file, v::coverage_json(rows))) return 2;
    if (!coverage_md.empty() && !write_text(coverage_md, v::coverage_markdown(rows))) return 2;
  }
  return errors.empty() && problems.empty() ? 0 : 1;
}
