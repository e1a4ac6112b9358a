// Tender profiles: how an evaluating authority states what it requires of a bid
// (specs/schemas/tender-profile.schema.json, docs/HARNESS.md "Tender profiles").
//
//   {
//     "name": "Ruritania API/PNR 2027",
//     "mandatory": ["SYN-UNA-001", "group:syntax", "group:api.paxlst"],
//     "weights": {"syntax": 2, "api.paxlst": 5, "pnr": 3},
//     "performance_targets": { ... carried through unchanged for the load harness ... }
//   }
//
// `mandatory` entries are requirement IDs, or `group:<prefix>` for every requirement whose
// catalogue `group` equals the prefix or starts with "<prefix>.". `weights` keys are group
// prefixes matched the same way; the longest matching key gives a requirement's weight;
// requirements no key matches weigh 0. Without `weights` (or with an empty object) nothing is
// scored or ranked: the report shows verdicts only (PRIOR_ART §5.8, neutral by default).
//
// Errors: config_error IDs apipnr.harness.020-029.
// Thread safety: value types; free functions.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "apipnr/harness/config_error.hpp"

namespace apipnr::harness {

struct tender_profile {
  std::string name;
  std::vector<std::string> mandatory;  // as written: IDs and "group:<prefix>"
  std::map<std::string, double> weights;
  nlohmann::json performance_targets;  // null when absent; never interpreted here
  std::filesystem::path file;
  bool ranked() const noexcept { return !weights.empty(); }
};

std::optional<tender_profile> parse_tender(std::string_view text, const std::filesystem::path& file,
                                           std::vector<config_error>& errors);
std::optional<tender_profile> load_tender(const std::filesystem::path& file,
                                          std::vector<config_error>& errors);

// True when `group` equals `prefix` or starts with "<prefix>.".
bool group_matches(std::string_view prefix, std::string_view group);
// The weight of a requirement in `group` (longest matching key), 0 when none matches.
double weight_for(const tender_profile& t, std::string_view group);
// True when the requirement is mandatory under `t`.
bool is_mandatory(const tender_profile& t, std::string_view requirement_id, std::string_view group);

}  // namespace apipnr::harness
