// apipnr-vectors: runs every EDIFACT vector through the reference syntax engine.
//
//   apipnr-vectors --vectors DIR [--requirements DIR] [--json FILE] [--run PREFIX]... [--verbose]
//
// Each case is judged by apipnr::conformance::check_case(), the same code as the `vectors`
// CTest label. Prints one line per failing case and a summary; --json writes the full results.
// Exit status: 0 every case matched, 1 at least one case failed, 2 usage, I/O or corpus load
// error (message on stderr starting "[apipnr.vectors.NNN]", see docs/error-codes-vectors.md).
#include <CLI/CLI.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "apipnr/conformance/check.hpp"
#include "apipnr/vectors/lint.hpp"
#include "apipnr/vectors/loader.hpp"

namespace {

namespace fs = std::filesystem;
namespace v = apipnr::vectors;
namespace cf = apipnr::conformance;
using json = nlohmann::json;

struct options {
  fs::path vectors;
  fs::path requirements;
  fs::path json_out;
  std::vector<std::string> run;
  bool verbose = false;
};

// Thrown for exit status 2; `what()` starts with the stable ID.
struct usage_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct tally {
  std::size_t cases = 0, pass = 0, fail = 0, informational = 0, retired = 0;
  void add(cf::verdict r) {
    ++cases;
    switch (r) {
      case cf::verdict::pass:
        ++pass;
        break;
      case cf::verdict::fail:
        ++fail;
        break;
      case cf::verdict::informational:
        ++informational;
        break;
      case cf::verdict::retired:
        ++retired;
        break;
    }
  }
  json to_json() const {
    return {{"cases", cases},
            {"pass", pass},
            {"fail", fail},
            {"informational", informational},
            {"retired", retired}};
  }
};

bool selected(const v::case_spec& c, const options& o) {
  // This command judges with the syntax engine only, so it takes the syntax corpus; message-level
  // cases (edifact/messages) and other families (xml/...) are judged by their own runners.
  if (!(c.folder == "edifact/syntax" || c.folder.starts_with("edifact/syntax/"))) return false;
  if (o.run.empty()) return true;
  for (const std::string& p : o.run) {
    if (c.id.starts_with(p)) return true;
  }
  return false;
}

json finding_json(const apipnr::diagnostic& d) {
  return {{"id", d.id},
          {"syntax_error", d.syntax_error},
          {"level", apipnr::to_string(d.level)},
          {"scope", apipnr::to_string(d.where)},
          {"segment", d.pos.segment},
          {"message_segment", d.pos.message_segment},
          {"element", d.pos.element},
          {"component", d.pos.component},
          {"repetition", d.pos.repetition},
          {"offset", d.pos.offset}};
}

int run(const options& o) {
  std::error_code ec;
  if (!fs::is_directory(o.vectors, ec)) {
    throw usage_error("[apipnr.vectors.002] vectors directory not found: " + o.vectors.string());
  }
  const fs::path req_dir =
      o.requirements.empty() ? o.vectors / ".." / "specs" / "requirements" : o.requirements;
  if (!fs::is_directory(req_dir, ec)) {
    throw usage_error("[apipnr.vectors.003] requirement catalogue directory not found: " +
                      req_dir.string() + " (use --requirements)");
  }

  std::vector<v::load_error> errors;
  v::corpus all = v::load_corpus(o.vectors, errors);
  const v::catalogue cat = v::load_catalogue(req_dir, errors);
  for (const v::load_error& e : errors) std::cerr << "load error: " << v::to_string(e) << "\n";

  v::corpus chosen;
  chosen.root = all.root;
  chosen.manifests = all.manifests;
  for (v::case_spec& c : all.cases) {
    if (selected(c, o)) chosen.cases.push_back(std::move(c));
  }
  if (chosen.cases.empty()) {
    throw usage_error("[apipnr.vectors.006] no EDIFACT case selected under " + o.vectors.string() +
                      (o.run.empty() ? "" : " by --run"));
  }

  tally total;
  std::map<std::string, tally> by_folder;
  std::map<std::string, std::size_t> by_outcome;
  std::size_t notes = 0;
  json cases = json::array();
  for (const v::case_spec& c : chosen.cases) {
    const cf::case_result r = cf::check_case(c);
    total.add(r.result);
    by_folder[c.folder].add(r.result);
    ++by_outcome[std::string(v::to_string(c.expect.result))];
    notes += r.notes.size();
    if (r.result == cf::verdict::fail) {
      if (o.verbose) {
        std::cout << cf::explain(c, r);
      } else {
        std::string line = "FAIL " + c.id + " (" + c.manifest.string() + "):";
        for (std::size_t i = 0; i < r.failures.size(); ++i) {
          line += (i ? "; " : " ") + r.failures[i];
        }
        std::cout << line << "\n";
      }
    }
    if (!o.json_out.empty()) {
      json findings = json::array();
      for (const auto& d : r.strict_findings) findings.push_back(finding_json(d));
      json tolerant = json::array();
      for (const auto& d : r.tolerant_findings) tolerant.push_back(finding_json(d));
      cases.push_back({{"id", c.id},
                       {"folder", c.folder},
                       {"manifest", c.manifest.generic_string()},
                       {"input", c.input},
                       {"level", c.level},
                       {"requirements", c.requirement_ids()},
                       {"expected", v::to_string(c.expect.result)},
                       {"actual", v::to_string(r.actual)},
                       {"verdict", cf::to_string(r.result)},
                       {"failures", r.failures},
                       {"notes", r.notes},
                       {"findings", findings},
                       {"tolerant_findings", tolerant}});
    }
  }

  const auto rows = v::coverage(chosen, cat);
  std::size_t active = 0, covered = 0, both = 0;
  for (const v::coverage_row& row : rows) {
    if (row.level.empty()) continue;  // cited but unknown: a lint problem, not coverage
    ++active;
    if (row.covered()) ++covered;
    if (!row.accept_cases.empty() && !row.reject_cases.empty()) ++both;
  }

  std::cout << "cases: " << total.cases << " (accept " << by_outcome["accept"] << ", reject "
            << by_outcome["reject"] << ", either " << by_outcome["either"] << ")\n";
  std::cout << "by folder:\n";
  for (const auto& [folder, t] : by_folder) {
    std::printf("  %-48s %4zu cases %4zu pass %4zu fail %4zu informational %4zu retired\n",
                folder.c_str(), t.cases, t.pass, t.fail, t.informational, t.retired);
  }
  std::fflush(stdout);
  std::cout << "result: " << total.pass << " pass, " << total.fail << " fail, "
            << total.informational << " informational, " << total.retired << " retired\n";
  std::cout << "requirements: " << covered << " of " << active
            << " active requirements have a case (" << both << " with accept and reject)\n";
  if (notes) std::cout << "notes: " << notes << " check(s) not run (see --json notes)\n";

  if (!o.json_out.empty()) {
    json folders = json::object();
    for (const auto& [folder, t] : by_folder) folders[folder] = t.to_json();
    json cov = json::array();
    for (const v::coverage_row& row : rows) {
      cov.push_back({{"requirement", row.requirement},
                     {"level", row.level},
                     {"side", row.side},
                     {"accept", row.accept_cases},
                     {"reject", row.reject_cases},
                     {"either", row.either_cases}});
    }
    json load = json::array();
    for (const v::load_error& e : errors) {
      load.push_back({{"file", e.file}, {"pointer", e.pointer}, {"message", e.message}});
    }
    const json doc = {
        {"tool", "apipnr-vectors"},
        {"vectors", o.vectors.generic_string()},
        {"requirements_dir", req_dir.generic_string()},
        {"run", o.run},
        {"summary",
         {{"total", total.to_json()},
          {"by_outcome", by_outcome},
          {"by_folder", folders},
          {"requirements", {{"active", active}, {"covered", covered}, {"accept_and_reject", both}}},
          {"notes", notes}}},
        {"cases", cases},
        {"coverage", cov},
        {"load_errors", load}};
    std::ofstream out(o.json_out, std::ios::binary | std::ios::trunc);
    out << doc.dump(2) << "\n";
    out.close();
    if (!out) {
      throw usage_error("[apipnr.vectors.005] cannot write JSON results to " + o.json_out.string());
    }
  }
  if (!errors.empty()) {
    throw usage_error("[apipnr.vectors.004] " + std::to_string(errors.size()) +
                      " load error(s) in the corpus or catalogue (listed above)");
  }
  return total.fail == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Run the EDIFACT test vectors through the apipnr reference syntax engine"};
  options o;
  std::string vectors_dir, requirements_dir, json_file;
  app.add_option("--vectors", vectors_dir, "vector corpus directory (e.g. vectors)")->required();
  app.add_option("--requirements", requirements_dir,
                 "requirement catalogue directory (default: VECTORS/../specs/requirements)");
  app.add_option("--json", json_file, "write full results as JSON to this file");
  app.add_option("--run", o.run, "only cases whose ID starts with PREFIX (repeatable)");
  app.add_flag("--verbose", o.verbose, "explain each failing case with all findings");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "[apipnr.vectors.001] " << e.what() << "\n" << app.help();
    return 2;
  }
  o.vectors = vectors_dir;
  o.requirements = requirements_dir;
  o.json_out = json_file;
  try {
    return run(o);
  } catch (const usage_error& e) {
    std::cerr << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "[apipnr.vectors.007] unexpected error: " << e.what() << "\n";
    return 2;
  }
}
