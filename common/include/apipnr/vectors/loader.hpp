// Loading the vector corpus and the requirement catalogue from disk.
//
// `load_corpus(root)` walks `root` recursively, reads every file named `cases.json` (in sorted
// path order, so results are reproducible), and for each case reads its input file byte for
// byte (binary mode, no newline translation) and its optional parse tree. `load_catalogue(dir)`
// reads every `*.json` directly inside `dir` (the files of specs/requirements/, except those
// ending in `.schema.json`).
//
// Errors: a malformed document or a member of the wrong type is a `load_error` naming the file
// and the RFC 6901 JSON pointer of the offending value; loading carries on with the next case or
// file, so one pass collects every problem. A *missing* input or tree file is not a load error:
// the case is kept with `input_found`/`tree_found` false and lint.hpp reports it (LINT-MISSING-*).
// The `boost::system::result` overloads are for callers that want all-or-nothing: they fail
// with the first error's code when anything went wrong.
//
// Nothing here throws, except std::bad_alloc.
// Thread safety: free functions without shared state; safe to call concurrently.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include "apipnr/vectors/manifest.hpp"

namespace apipnr::vectors {

// What kind of load problem occurred; the error_code category is "apipnr.vectors".
enum class load_errc {
  ok = 0,
  not_a_directory = 1,  // the root or catalogue directory does not exist
  io_error,             // a file exists but could not be read
  invalid_json,         // not a JSON document
  invalid_manifest,     // valid JSON, but a member is missing or has the wrong type
};
const boost::system::error_category& load_category() noexcept;
inline boost::system::error_code make_error_code(load_errc e) noexcept {
  return {static_cast<int>(e), load_category()};
}

struct load_error {
  load_errc code = load_errc::ok;
  std::string file;     // path of the document (or directory)
  std::string pointer;  // JSON pointer inside it ("" for the whole document)
  std::string message;
};
// "<file>: <pointer>: <message>" (pointer omitted when empty).
std::string to_string(const load_error& e);

struct corpus {
  std::filesystem::path root;
  std::vector<std::filesystem::path> manifests;  // every cases.json read, sorted
  std::vector<case_spec> cases;                  // in manifest order, then array order
};

// Loads every cases.json under `root`. Problems are appended to `errors`; cases that could be
// read are returned even when some could not.
corpus load_corpus(const std::filesystem::path& root, std::vector<load_error>& errors);
// All-or-nothing variant.
[[nodiscard]] boost::system::result<corpus> load_corpus(const std::filesystem::path& root);

// Loads every requirement catalogue in `dir`. Same error contract as load_corpus.
catalogue load_catalogue(const std::filesystem::path& dir, std::vector<load_error>& errors);
[[nodiscard]] boost::system::result<catalogue> load_catalogue(const std::filesystem::path& dir);

// Loads the coverage exemption list (vectors/coverage-exemptions.json). A missing file is a
// io_error; members of the wrong type are invalid_manifest errors with
// their JSON pointer. Entries that could be read are returned even when others could not.
std::vector<coverage_exemption> load_exemptions(const std::filesystem::path& file,
                                                std::vector<load_error>& errors);

// Parses one cases.json document already in memory (`file` is only used in messages and to
// resolve input files, which are read from disk next to it). Appends to `out`.
void parse_manifest(std::string_view text, const std::filesystem::path& file,
                    const std::filesystem::path& root, std::vector<case_spec>& out,
                    std::vector<load_error>& errors);

}  // namespace apipnr::vectors

namespace boost::system {
template <>
struct is_error_code_enum<apipnr::vectors::load_errc> : std::true_type {};
}  // namespace boost::system
