// Interchange keys of the corpus: the UNB sender and control reference (0004, 0020) by which a
// receiver recognises a resent interchange (RCV-DUP-001), and the lint rule that keeps them
// unique across cases (vectors/README.md "Interchange keys"):
//
//   LINT-DUP-INTERCHANGE  two cases (neither retired, not both in one `duplicate_group`) send
//                         inputs with the same UNB sender and control reference, so a receiver
//                         replaying the corpus would store only the first and answer the other
//                         as its resend (docs/error-codes-vectors.md)
//
// The scanner is the corpus tooling's own (the lint links no parser, STYLE_ANCHORS C1): it
// reads one segment and does not validate anything.
//
// Thread safety: pure functions. Errors: none; an input without a usable UNB has no key.
#pragma once

#include <compare>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "apipnr/vectors/lint.hpp"
#include "apipnr/vectors/manifest.hpp"

namespace apipnr::vectors {

struct interchange_key {
  std::string sender;     // UNB S002 component 1 (0004), release characters removed
  std::string reference;  // UNB 0020, release characters removed
  friend auto operator<=>(const interchange_key&, const interchange_key&) = default;
};

// The key of an EDIFACT input: the first "UNB" (after any Type B heading, UNA or whitespace),
// read with the service characters of a UNA that precedes it (else the defaults :+.? ').
// nullopt when there is no UNB, the segment is cut short, or the sender or reference is empty.
std::optional<interchange_key> find_interchange_key(std::string_view input);

// LINT-DUP-INTERCHANGE over the corpus (inputs and parts as loaded), in corpus order. Parts of
// one case may share a key (a repeated part is a resend inside its case).
std::vector<lint_problem> lint_interchange_keys(const corpus& c);

}  // namespace apipnr::vectors
