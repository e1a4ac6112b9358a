// `apipnr-harness generate` (docs/GENERATOR.md): arguments after the subcommand; returns the
// exit status (0 written, 2 usage or I/O error). Not thread-safe (writes to stdout/stderr).
#pragma once

#include <string>
#include <vector>

namespace apipnr::harness {

int run_generate(const std::vector<std::string>& args);

}  // namespace apipnr::harness
