// Which inputs an `apipnr-validate` run reads, and how their bytes are obtained.
//
// Arguments are files, folders and "-" (standard input). A folder is walked recursively; its
// files are taken in byte-wise sorted order of their path so that every run over the same tree
// reports in the same order. Inside folders, hidden entries (name starting with '.') and files
// ending in .json, .md, .html or .xsd (reports, notes, expected outputs kept next to messages) are
// skipped; a file named explicitly is always taken.
//
// Errors are data: each problem becomes a message starting with its stable ID
// ("[apipnr.validate.001] cannot read <path>: <reason>", "[apipnr.validate.003] ...",
// docs/error-codes-validate.md) and the caller decides the exit status.
// Thread safety: functions only; they touch the file system.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace apipnr::validate {

struct input {
  std::string name;  // as reported: the argument, or folder argument + relative path; "-"
  bool is_stdin = false;
};

struct input_list {
  std::vector<input> inputs;
  std::vector<std::string> errors;  // unreadable arguments, folders without message files
};

input_list collect_inputs(const std::vector<std::string>& args);

// Reads a whole file (or standard input for "-"). On failure returns nullopt and sets `error` to
// "[apipnr.validate.001] cannot read <name>: <reason>".
std::optional<std::string> read_input(const input& in, std::string& error);

// Why an input cannot be an interchange at all (reported next to the pipeline's findings):
// "empty input", "binary input (NUL bytes)", or nullopt.
std::optional<std::string> content_problem(std::string_view bytes);

// SHA-256 of `bytes` as 64 lower-case hex digits (OpenSSL EVP).
std::string sha256_hex(std::string_view bytes);

}  // namespace apipnr::validate
