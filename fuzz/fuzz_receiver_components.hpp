// The receiver's real components that the intake targets (fuzz_receiver_intake,
// fuzz_receiver_http) build once per process: the pipeline checker over the repository's specs
// and the iAPI decision engine without watch list or authorisations, and the service options they
// share. A component that cannot be made is a broken build, not a finding about an input: named
// on stderr, then a trap.
#pragma once

#include <cstdio>
#include <memory>
#include <string>

#include "apipnr/pipeline/pipeline.hpp"
#include "apipnr/receiver/components.hpp"
#include "apipnr/receiver/service.hpp"

#ifndef APIPNR_SPECS_DIR
#error "APIPNR_SPECS_DIR must name the specs directory"
#endif

namespace apipnr::fuzzing {

inline std::shared_ptr<const receiver::checker> make_checker_or_trap() {
  pipeline::options po;
  po.specs_dir = APIPNR_SPECS_DIR;
  std::string why;
  auto c = receiver::make_pipeline_checker(po, why);
  if (!c) {
    std::fprintf(stderr, "pipeline: %s\n", why.c_str());
    __builtin_trap();
  }
  return *c;
}

inline std::shared_ptr<const receiver::iapi_decider> make_iapi_or_trap() {
  std::string why;
  auto e = receiver::make_iapi_engine({}, {}, why);
  if (!e) {
    std::fprintf(stderr, "iAPI engine: %s\n", why.c_str());
    __builtin_trap();
  }
  return *e;
}

// The receiver id the acknowledgements name, and a small findings cap so that inputs with many
// findings reach it (RCV-LIM-001). Callers add what is particular to their target.
inline receiver::service_options service_options() {
  receiver::service_options so;
  so.receiver_id = "GOVRCV";
  so.max_findings = 16;
  return so;
}

}  // namespace apipnr::fuzzing
