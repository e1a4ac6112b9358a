// The structure walk's fast path: first stage of the one-pass walker (docs/PERFORMANCE.md,
// issue 3). It builds the same message_tree as parse_structure() for a message that walk
// would pass without a single finding, from the definition's compiled tables alone
// (content_plan::step and gate, next_mandatory, the clean-segment table), with none of
// parse_structure's findings machinery, general candidate search or per-node string work on
// its path. Whatever it cannot decide from the tables (a finding of any kind, a segment the
// tables leave to the general search, a full node, a repetition separator, an unplanned
// list, a limit) makes it give up at once; the caller then runs parse_structure(), which
// clears the tree and decides and reports as always. So outputs are identical by
// construction: either the same tree with no finding, or the existing walk.
//
// Contract: returns true when `out` now equals, entry for entry (segments, instances,
// element index), what parse_structure(ic, message_index, def, sink, out, opt) builds, that
// call would report nothing to `sink` and return no error. Returns false otherwise; `out`
// then holds a partial tree (source and def set) that the caller must not use: run
// parse_structure() on it. Differential tests: reference/src/message/fast_structure_test.cpp.
// Never throws on input (may throw std::bad_alloc as parse_structure does).
// Thread safety: reentrant; uses per-thread scratch space.
#pragma once

#include <cstddef>

#include "apipnr/edifact/interchange.hpp"
#include "apipnr/message/definitions.hpp"
#include "apipnr/message/tree.hpp"

namespace apipnr::message {

bool fast_parse_structure(const edifact::interchange& ic, std::size_t message_index,
                          const definition& def, message_tree& out,
                          const structure_options& opt = {});

}  // namespace apipnr::message
