// Case selection: which cases of the corpus a run sends, and why the others are skipped.
//
// Rules, in the order they are applied (the first that applies gives the skip reason):
//   1. retired cases never run                                     "retired"
//   2. --run GLOB (repeatable): when any is given, a case runs only if one matches
//                                                                   "not matched by --run"
//   3. --skip GLOB (repeatable): a matching case is skipped          "matched by --skip <glob>"
//   4. --profile NAME (default "baseline"): a case whose `profile` member names another
//      profile is skipped. Cases without a `profile` member (the ISO 9735 syntax corpus) are
//      profile-independent and run under every profile.         "profile <p> (running <NAME>)"
//   5. level SHOULD runs only with --strict                          "SHOULD (use --strict)"
//   6. the case's `transports` must include the target's channel ("http" or "mq")
//   7. the target must have an endpoint for the case's message kind
//   8. --without LIST: a case named in vectors/profiles/<LIST>.txt is skipped (e.g. a receiver
//      with other limits passes --without reference-limits)
//   9. every fixture the case `requires` must be declared by the target (target file
//      `fixtures`, fixtures.hpp)     "requires fixture <name>, not declared by the target"
//
// Globs match case IDs: `*` matches within one path segment, `**` across segments, `?` one
// character. A pattern matches a case when it matches the ID or any ancestor path of it, so a
// bare prefix (`edifact/syntax/una`) selects the whole subtree and `edifact/*/una` selects
// every `una` folder; `edifact/syntax/una/1` selects case 1 only, never 10.
//
// Thread safety: pure functions.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "apipnr/vectors/loader.hpp"
#include "apipnr/vectors/manifest.hpp"

namespace apipnr::harness {

// True when `pattern` matches `id` or one of its ancestor paths (see above).
bool glob_selects(std::string_view pattern, std::string_view id);
// True when `pattern` matches all of `text` (`*` not crossing '/', `**` crossing, `?`).
bool glob_match(std::string_view pattern, std::string_view text);

struct selection_options {
  std::vector<std::string> run;   // --run (and positional prefixes)
  std::vector<std::string> skip;  // --skip
  std::string profile = "baseline";
  bool strict = false;
  std::string channel;                    // "http" or "mq"; empty = do not check
  std::set<std::string> available_kinds;  // kinds the target can receive; empty = all
  std::set<std::string> without_ids;      // IDs listed by --without profile lists
  std::set<std::string> fixtures;         // fixtures the target declares it loaded
};

struct selected_case {
  const vectors::case_spec* spec = nullptr;  // into the corpus (which must outlive this)
  bool run = false;
  std::string skip_reason;  // empty when run
};

// One entry per case of the corpus, in corpus order.
std::vector<selected_case> select_cases(const vectors::corpus& c, const selection_options& o);

// Reads vectors/profiles/<name>.txt (IDs one per line, '#' comments). Returns false when the
// file cannot be read.
bool read_profile_list(const std::filesystem::path& vectors_root, std::string_view name,
                       std::set<std::string>& ids);

// The family of a case: its ID without the last segment ("edifact/syntax/una/9" ->
// "edifact/syntax/una"); JUnit testsuites and summaries group by it.
std::string family_of(std::string_view case_id);

}  // namespace apipnr::harness
