// One `apipnr-validate` run: every input through the reference pipeline, multi-part PAXLST sets
// joined across files by a pipeline::session, the data-quality collector fed on the way.
//
//   auto engine = pipeline::engine::load(opts);
//   run_report rep = run(*engine, collect_inputs(args).inputs, settings, &quality);
//
// Findings a session reports while adding a file (duplicate part, CNT mismatch) belong to that
// file; findings reported at the end (missing part, no final part) belong to the last file of
// the set they describe, without a position (they concern several files). An incomplete set
// makes the run fail (exit_status 1) even when each of its files was accepted on its own.
//
// Errors: unreadable inputs become a reject file report with `read_failed` set (exit status 2);
// never throws on input content.
// Thread safety: none needed; inputs are processed in order on the calling thread.
#pragma once

#include <string>
#include <vector>

#include "apipnr/pipeline/pipeline.hpp"
#include "apipnr/validate/inputs.hpp"
#include "apipnr/validate/quality.hpp"
#include "apipnr/validate/report.hpp"

namespace apipnr::validate {

struct run_settings {
  std::string tool_version;
  std::string profile = "baseline";
  std::string mode = "strict";
  bool include_extract = false;
  bool include_contrl = false;
  bool warnings_as_errors = false;
};

// `quality` may be null. The engine must have been loaded with extract = true when
// include_extract or a quality collector is wanted (messages come from extraction).
run_report run(const pipeline::engine& engine, const std::vector<input>& inputs,
               const run_settings& settings, quality_collector* quality);

}  // namespace apipnr::validate
