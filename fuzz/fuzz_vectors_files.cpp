// libFuzzer target: the corpus files the harness and the lint read beside the manifests
// (common/include/apipnr/vectors/loader.hpp), a vendor's or an evaluator's own corpus included:
// a case's parse tree (`<name>.tree.json`, read by parse_manifest for a case naming it), the
// coverage exemption list (load_exemptions) and a requirement catalogue file (load_catalogue);
// then the lint and the coverage matrix (lint.hpp) over what was read.
//
// The input is written three times into a private temporary folder: as the tree of a fixed
// one-case manifest, as the exemption list, and as the only file of a catalogue folder.
//
// Traps on: an exception escaping (loader.hpp: "Nothing here throws, except std::bad_alloc";
// lint.hpp: pure functions); an error with code ok, without file or message, or whose pointer
// is not an RFC 6901 pointer to the offending value or to the object that lacks it; a tree
// taken when it had errors, or refused (tree_found false) without an error saying why, or
// taken with other delimiters, segments, tags or values than the document holds; LINT-MISSING-
// TREE not matching tree_found; an exemption taken that is not an object of the list or with a
// category outside organisational / not_by_vector / gap; a requirement taken that is not an object
// of the catalogue or without a status; coverage JSON that is not JSON.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "apipnr/vectors/lint.hpp"
#include "apipnr/vectors/loader.hpp"
#include "fuzz_check.hpp"
#include "fuzz_json_check.hpp"

namespace {

namespace av = apipnr::vectors;
namespace fs = std::filesystem;
using json = nlohmann::json;

const fs::path& dir() { return apipnr::fuzzing::private_temp_dir("apipnr-fuzz-vectors"); }

void write(const fs::path& p, std::string_view text) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  APIPNR_FUZZ_CHECK(out.good());
}

// The errors of `file` must point into `doc` (when it is JSON at all).
void check_errors(const std::vector<av::load_error>& errors, const fs::path& file,
                  const json& doc) {
  for (const auto& e : errors) {
    APIPNR_FUZZ_CHECK(e.code != av::load_errc::ok);
    APIPNR_FUZZ_CHECK(!e.file.empty() && !e.message.empty());
    APIPNR_FUZZ_CHECK(!av::to_string(e).empty());
    if (e.file == file.string()) {
      if (doc.is_discarded()) {
        APIPNR_FUZZ_CHECK(e.code == av::load_errc::invalid_json);
      } else {
        APIPNR_FUZZ_CHECK(e.code != av::load_errc::invalid_json);
        apipnr::fuzzing::check_error_pointer(doc, e.pointer);
      }
    }
  }
}

// What was taken is what the document says, member by member.
void check_tree(const av::parse_tree& t, const json& doc) {
  APIPNR_FUZZ_CHECK(doc.is_object());
  APIPNR_FUZZ_CHECK(doc.at("delimiters").get<std::string>() == t.delimiters);
  const json& segs = doc.at("segments");
  APIPNR_FUZZ_CHECK(segs.is_array() && segs.size() == t.segments.size());
  for (std::size_t i = 0; i < segs.size(); ++i) {
    APIPNR_FUZZ_CHECK(segs[i][0].get<std::string>() == t.segments[i].tag);
    const json& els = segs[i][1];
    APIPNR_FUZZ_CHECK(els.size() == t.segments[i].elements.size());
    for (std::size_t e = 0; e < els.size(); ++e) {
      APIPNR_FUZZ_CHECK(els[e].size() == t.segments[i].elements[e].size());
      for (std::size_t k = 0; k < els[e].size(); ++k)
        APIPNR_FUZZ_CHECK(els[e][k].get<std::string>() == t.segments[i].elements[e][k]);
    }
  }
}

constexpr std::string_view manifest =
    R"([{"id": "fuzz/tree/1", "description": "a case with a tree",
         "specification": [{"req": "SYN-UNA-001"}], "input": "y_input.edi",
         "tree": "y_input.tree.json", "expect": {"outcome": "accept"}}])";

void run(std::string_view text) {
  const json doc = json::parse(text.begin(), text.end(), nullptr, false);
  const fs::path root = dir();
  const fs::path cases_file = root / "cases.json";
  const fs::path tree_file = root / "y_input.tree.json";
  const fs::path exemptions_file = root / "exemptions.json";
  const fs::path catalogue_dir = root / "catalogue";
  static const bool made = [&] {
    write(cases_file, manifest);
    write(root / "y_input.edi", "UNA:+.? 'UNB+UNOA:4+S+R+200101:1200+1'UNZ+0+1'");
    fs::create_directories(catalogue_dir);
    return true;
  }();
  (void)made;
  write(tree_file, text);
  write(exemptions_file, text);
  write(catalogue_dir / "fuzz.json", text);

  // The tree, through the manifest that names it.
  av::corpus c;
  c.root = root;
  c.manifests.push_back(cases_file);
  std::vector<av::load_error> errors;
  av::parse_manifest(manifest, cases_file, root, c.cases, errors);
  APIPNR_FUZZ_CHECK(c.cases.size() == 1);
  const av::case_spec& k = c.cases.front();
  check_errors(errors, tree_file, doc);
  APIPNR_FUZZ_CHECK(k.tree_found == k.tree_data.has_value());
  APIPNR_FUZZ_CHECK(k.tree_found == errors.empty());
  if (k.tree_data) check_tree(*k.tree_data, doc);

  // The exemption list.
  std::vector<av::load_error> exemption_errors;
  auto exemptions = av::load_exemptions(exemptions_file, exemption_errors);
  check_errors(exemption_errors, exemptions_file, doc);
  for (const auto& e : exemptions) {
    APIPNR_FUZZ_CHECK(doc.at("exemptions").at(e.index).is_object());
    APIPNR_FUZZ_CHECK(e.category == "organisational" || e.category == "not_by_vector" ||
                      e.category == "gap");
    APIPNR_FUZZ_CHECK(e.file == exemptions_file);
  }

  // The catalogue.
  std::vector<av::load_error> catalogue_errors;
  const av::catalogue cat = av::load_catalogue(catalogue_dir, catalogue_errors);
  check_errors(catalogue_errors, catalogue_dir / "fuzz.json", doc);
  for (const auto& q : cat.items) {
    APIPNR_FUZZ_CHECK(doc.at("requirements").at(q.index).is_object());
    APIPNR_FUZZ_CHECK(!q.status.empty() && q.file == catalogue_dir / "fuzz.json");
  }

  // The lint and the coverage matrix over them.
  av::lint_options opts;
  opts.exemptions = std::move(exemptions);
  const auto problems = av::lint(c, cat, opts);
  bool missing_tree = false;
  for (const auto& p : problems) {
    APIPNR_FUZZ_CHECK(p.id.rfind("LINT-", 0) == 0 && !p.message.empty());
    missing_tree = missing_tree || p.id == "LINT-MISSING-TREE";
  }
  APIPNR_FUZZ_CHECK(missing_tree == !k.tree_found);
  const auto rows = av::coverage(c, cat, opts);
  const std::string cov = av::coverage_json(rows);
  APIPNR_FUZZ_CHECK(!json::parse(cov, nullptr, false).is_discarded());
  (void)av::coverage_markdown(rows);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return apipnr::fuzzing::run_without_exceptions(data, size, "the corpus file readers", run);
}
