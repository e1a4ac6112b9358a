#include "apipnr/harness/fixtures.hpp"

#include "apipnr/harness/digest.hpp"

namespace apipnr::harness {

std::filesystem::path fixture_path(const std::filesystem::path& vectors_root,
                                   const std::string& name) {
  return vectors_root / "fixtures" / (name + ".json");
}

std::vector<config_error> check_fixtures(const target& t,
                                         const std::filesystem::path& vectors_root) {
  std::vector<config_error> out;
  const std::string file = t.file.empty() ? std::string("(target)") : t.file.string();
  for (const auto& [name, declared] : t.fixtures) {
    const auto path = fixture_path(vectors_root, name);
    std::error_code ec;
    const std::string actual =
        std::filesystem::is_regular_file(path, ec) ? sha256_file(path) : std::string();
    if (actual.empty()) {
      out.push_back({"apipnr.harness.018", file, "/fixtures/" + name,
                     "the corpus has no fixture " + path.string()});
    } else if (actual != declared) {
      // The receiver was loaded with other lists than the corpus expects: every verdict that
      // depends on them would be wrong, so the run does not start.
      out.push_back({"apipnr.harness.019", file, "/fixtures/" + name,
                     "declared SHA-256 " + declared + " differs from " + path.string() + " (" +
                         actual + "); load that file into the receiver and declare its hash"});
    }
  }
  return out;
}

}  // namespace apipnr::harness
