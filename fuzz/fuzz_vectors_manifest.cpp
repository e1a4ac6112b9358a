// libFuzzer target: the reader of a vector manifest (common/include/apipnr/vectors/loader.hpp,
// parse_manifest), which the harness and the lint run over every cases.json of a corpus, a
// vendor's or an evaluator's own included.
//
// Traps on: an exception escaping (the header: nothing is thrown but std::bad_alloc); an error
// with code ok, without file or message, or whose pointer is not an RFC 6901 pointer to the
// offending value or to the object that lacks it; a case taken without an id, with an index
// outside the manifest's array, or with more than one of input / parts / steps.
// Input files are looked up beside a manifest path in a directory that does not exist, so
// the target reads nothing from disk.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <new>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "apipnr/vectors/loader.hpp"
#include "fuzz_json_check.hpp"

namespace {

namespace av = apipnr::vectors;
using json = nlohmann::json;

void run(std::string_view text) {
  const std::filesystem::path root = "/nonexistent-apipnr-fuzz";
  const std::filesystem::path file = root / "edifact" / "x" / "cases.json";
  std::vector<av::case_spec> cases;
  std::vector<av::load_error> errors;
  av::parse_manifest(text, file, root, cases, errors);
  const json doc = json::parse(text.begin(), text.end(), nullptr, false);
  for (const auto& e : errors) {
    APIPNR_FUZZ_CHECK(e.code != av::load_errc::ok);
    APIPNR_FUZZ_CHECK(!e.file.empty() && !e.message.empty());
    if (!doc.is_discarded() && e.file == file.string())
      apipnr::fuzzing::check_error_pointer(doc, e.pointer);
    APIPNR_FUZZ_CHECK(!av::to_string(e).empty());
  }
  for (const auto& c : cases) {
    APIPNR_FUZZ_CHECK(!c.id.empty());
    APIPNR_FUZZ_CHECK(!doc.is_discarded());
    APIPNR_FUZZ_CHECK(doc.is_array() && c.index < doc.size() && doc[c.index].is_object());
    const int kinds = static_cast<int>(!c.input.empty()) + static_cast<int>(!c.parts.empty()) +
                      static_cast<int>(!c.steps.empty());
    APIPNR_FUZZ_CHECK(kinds <= 1);
    APIPNR_FUZZ_CHECK(!c.input_found);  // nothing exists beside the manifest
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return apipnr::fuzzing::run_without_exceptions(data, size, "the manifest reader", run);
}
