// The harness's own minimal EDIFACT reader for acknowledgements (CONTRL, CUSRES, ACKRES).
//
// Deliberately independent of the reference's tokenizer (reference/src/edifact): the harness
// judges receivers with it, so a bug in the reference parser must not hide on both sides. It
// reads only what classify.cpp needs and is strict: anything it does not understand is an
// error with a reason, never a guess.
//
// Rules implemented (ISO 9735 §1.1/1.2 of STANDARDS.md): optional UNA service string advice
// (component, element, decimal, release, reserved/repetition, terminator), defaults
// `:+.? '` otherwise; the release character makes the next byte literal; CR/LF (and spaces,
// tabs) between segments are ignored; every segment must end with the terminator.
//
// Thread safety: pure functions over the caller's bytes; the result owns its strings.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace apipnr::harness::detail {

struct edi_segment {
  std::string tag;
  // elements[i] is data element i+1 (position 1 is the first element after the tag); each
  // holds its components in order (a simple element has one component).
  std::vector<std::vector<std::string>> elements;
  std::size_t index = 0;  // 1-based position of the segment in the input

  // Component `c` (0-based) of element at `position` (1-based), or "" when absent.
  [[nodiscard]] std::string_view at(std::size_t position, std::size_t c = 0) const;
};

struct edi_document {
  std::vector<edi_segment> segments;
  std::string error;  // empty when the input was read completely
  [[nodiscard]] bool ok() const { return error.empty(); }
};

// Limits keep a hostile body from costing more than a bounded amount of memory and time.
inline constexpr std::size_t max_edi_segments = 100000;
inline constexpr std::size_t max_edi_elements = 999;

// Never throws on input (only std::bad_alloc). Empty, binary or unterminated input -> error.
edi_document read_edifact(std::string_view bytes);

}  // namespace apipnr::harness::detail
