// The data-quality report over a batch (`apipnr-validate --quality-report DIR`): what a carrier
// or a state wants to know beyond pass/fail, per sender (UNB sender ID) and per flight
// (carrier + number + date of the first leg's departure):
//
//   - share of interchanges accepted;
//   - share of travellers with complete document data (a document with number, type, issuing
//     state and expiry), a date of birth, a gender and a nationality;
//   - timing: message preparation time (UNB / canonical `prepared`) against the scheduled
//     departure of the first leg, in buckets;
//   - duplicates and resends: the same sender + interchange control reference in several files,
//     or byte-identical content (same SHA-256);
//   - the most frequent findings with a count and one example (file, line, column).
//
//   quality_collector q;
//   for (each file) q.add(file_report, messages_of_that_file);   // before a session moves them
//   quality_report rep = q.finish();
//   write(to_json(rep).dump(2)); write(to_html(rep));
//
// Determinism: groups are sorted by key, findings by count then ID; equal inputs give equal
// output. Times are compared as the local times the messages give (no time-zone arithmetic),
// which is what a carrier reading "sent N hours before departure" expects.
// Thread safety: a collector is not synchronised; the result is a value.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "apipnr/model/canonical.hpp"
#include "apipnr/validate/report.hpp"

namespace apipnr::validate {

// Submission lead time buckets (scheduled departure minus preparation time).
inline constexpr std::array<std::string_view, 6> timing_buckets = {
    "after departure", "0-1 h before",       "1-24 h before",
    "1-3 days before", "over 3 days before", "unknown"};

struct quality_group {
  std::string key;  // sender ID, or "CARRIER NUMBER YYYY-MM-DD"
  std::size_t interchanges = 0, accepted = 0;
  std::size_t travellers = 0, documents_complete = 0, date_of_birth = 0, gender = 0,
              nationality = 0;
  std::array<std::size_t, timing_buckets.size()> timing{};
  std::optional<std::int64_t> earliest_lead_minutes, latest_lead_minutes;
};

struct quality_duplicate {
  std::string kind;  // "same_reference" | "same_content"
  std::string key;   // "SENDER/REF" or the SHA-256
  std::vector<std::string> files;
};

struct quality_finding {
  std::string id;
  std::string severity;
  std::size_t count = 0;
  std::string example_file;
  std::uint32_t line = 0, column = 0;  // 0: no position (set-level finding)
  std::string example_message;
};

struct quality_report {
  std::size_t interchanges = 0, accepted = 0, travellers = 0;
  std::vector<quality_group> senders, flights;
  std::vector<quality_duplicate> duplicates;
  std::vector<quality_finding> findings;  // at most 20
  std::array<std::size_t, timing_buckets.size()> timing{};
};

// Minutes from `from` to `to`, both canonical "YYYY-MM-DDTHH:MM" (or "YYYY-MM-DD", read as
// 00:00); nullopt when either does not parse.
std::optional<std::int64_t> minutes_between(std::string_view from, std::string_view to);
// The bucket index in timing_buckets for a lead time (nullopt: "unknown").
std::size_t timing_bucket(std::optional<std::int64_t> lead_minutes) noexcept;

class quality_collector {
 public:
  // `messages`: every canonical message extracted from this file (parts included).
  void add(const file_report& f, const std::vector<model::canonical_message>& messages);
  quality_report finish() const;

 private:
  struct finding_acc {
    std::string severity;
    std::size_t count = 0;
    std::string file, message;
    std::uint32_t line = 0, column = 0;
  };
  std::map<std::string, quality_group> senders_, flights_;
  std::map<std::string, std::vector<std::string>> by_reference_, by_content_;
  std::map<std::string, finding_acc> findings_;
  std::size_t interchanges_ = 0, accepted_ = 0, travellers_ = 0;
  std::array<std::size_t, timing_buckets.size()> timing_{};
};

nlohmann::json to_json(const quality_report& q);
// A self-contained HTML page: inline CSS and SVG, no script, no external asset.
std::string to_html(const quality_report& q);

}  // namespace apipnr::validate
