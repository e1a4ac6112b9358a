// The structure walk's element checks for one segment, without reporting: the cold path of
// fast_structure.cpp for the segments the clean-segment table does not decide (a value of
// type a or n, a fixed length, a repetition separator...). It runs parse.cpp's own
// check_elements, so the fast path cannot judge an element differently from the walk.
// Internal to the message library.
#pragma once

#include <cstddef>
#include <memory>

#include "apipnr/edifact/interchange.hpp"
#include "apipnr/message/definitions.hpp"
#include "apipnr/message/tree.hpp"

namespace apipnr::message::detail {

// One per message (making one builds the parser's byte-class table). Holds references to its
// arguments, which must outlive it. Not thread-safe; distinct probes may run in parallel.
class element_probe {
 public:
  element_probe(const edifact::interchange& ic, const definition& def, message_tree& out,
                const structure_options& opt);
  ~element_probe();
  element_probe(const element_probe&) = delete;
  element_probe& operator=(const element_probe&) = delete;

  // True when parse_structure's element checks of tree segment i (indexed) against node n
  // report nothing.
  bool passes(std::size_t i, const node& n);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace apipnr::message::detail
