// `apipnr-harness load`: performance runs (docs/HARNESS.md "Load"). Its own option parser,
// like `generate`; main() hands it the arguments after the subcommand.
//
// Exit codes: 0 the run completed and no performance target failed; 1 some target failed;
// 2 usage, configuration or I/O error ([apipnr.harness.6NN], docs/error-codes-harness-load.md).
#pragma once

#include <string>
#include <vector>

namespace apipnr::harness {

// `args`: the arguments after "load"; `argv`: the whole command line (recorded in the
// manifest).
int run_load(const std::vector<std::string>& args, const std::vector<std::string>& argv);

}  // namespace apipnr::harness
