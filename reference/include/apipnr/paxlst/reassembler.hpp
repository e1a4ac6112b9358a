// Multi-part PAXLST reassembly (STANDARDS.md §2.5, API-PAXLST-MULTI-*).
//
// A large passenger list arrives as several messages (possibly in several interchanges) tied by
// the UNH common access reference (0068) and numbered in S010 (0070 part number, 0073 `C` first
// / `F` final / empty in between). The reassembler takes each part after extract() and hands
// back ONE canonical message per set:
//
//   reassembler r;                                   // limits and clock injectable
//   auto done = r.add(std::move(part), part_bytes, sink);
//   if (done && *done) publish(**done);              // a set (or a single message) completed
//   for (auto& m : r.expire(sink)) publish(m);       // call periodically: timed-out sets
//
// Sets are keyed by (UNB sender, common access reference, BGM document code). A set completes
// when a part flagged F is in and every part number 1..N is present; a missing C flag and
// parts without any flag are tolerated. Findings (PAX-PART-*, errc.hpp): out of order (info,
// accepted), duplicate part number (warning, the copy is ignored: adding is idempotent),
// missing parts / no final part / timeout (errors, reported when a set expires or is flushed,
// which returns what arrived so no traveller is lost), CNT total differing between parts or
// from the travellers of the whole set (warnings).
//
// The completed message: header, reporting party and flight from the lowest-numbered part,
// `message.parts` listing every part in number order, travellers of all parts in part order,
// totals from the final part.
//
// Limits (all refusals are reported and returned as errors, the part is not buffered):
// parts per set, open sets, bytes buffered (as passed by the caller: the part's size in its
// interchange). Time comes from the injected clock, so tests need no sleeping.
//
// Errors: add() returns errc::limit_parts / limit_sets / limit_bytes / part_bad_number when it
// refused the part; otherwise the completed message, or nullopt while a set is open.
// Thread safety: not synchronised; one reassembler per receiving worker or an external lock.
#pragma once

#include <chrono>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <boost/system/result.hpp>

#include "apipnr/common/diagnostic.hpp"
#include "apipnr/model/canonical.hpp"
#include "apipnr/paxlst/errc.hpp"

namespace apipnr::paxlst {

struct reassembly_limits {
  std::uint32_t max_parts = 999;                   // parts per set (S010/0070 is n..3 in practice)
  std::size_t max_sets = 1024;                     // sets open at once
  std::size_t max_bytes = std::size_t{256} << 20;  // bytes buffered over all sets
  std::chrono::steady_clock::duration timeout = std::chrono::minutes(30);
};

struct part_key {
  std::string sender, common_access_reference, document_code;
  friend auto operator<=>(const part_key&, const part_key&) = default;
};

class reassembler {
 public:
  using time_point = std::chrono::steady_clock::time_point;
  using clock_fn = std::function<time_point()>;

  explicit reassembler(reassembly_limits limits = {}, clock_fn clock = nullptr);

  // Adds one part (the result of extract() for one message). `bytes` counts towards the byte
  // limit while the part is buffered.
  [[nodiscard]] boost::system::result<std::optional<model::canonical_message>> add(
      model::canonical_message part, std::size_t bytes, diagnostic_sink& sink);

  // Sets whose first part arrived at least `timeout` ago: reported and returned (partial).
  [[nodiscard]] std::vector<model::canonical_message> expire(diagnostic_sink& sink);
  // Every open set, whatever its age (end of a batch): reported and returned (partial).
  [[nodiscard]] std::vector<model::canonical_message> flush(diagnostic_sink& sink);

  std::size_t open_sets() const noexcept { return sets_.size(); }
  std::size_t buffered_bytes() const noexcept { return bytes_; }

 private:
  struct stored_part {
    model::canonical_message message;
    std::size_t bytes = 0;
  };
  struct part_set {
    std::map<std::uint32_t, stored_part> parts;
    std::optional<std::uint32_t> final_number;
    time_point started{};
    std::size_t bytes = 0;
    bool any_flag = false;
  };

  model::canonical_message assemble(const part_key& key, part_set& set, diagnostic_sink& sink);
  std::vector<model::canonical_message> close_sets(bool only_expired, diagnostic_sink& sink);

  reassembly_limits limits_;
  clock_fn clock_;
  std::map<part_key, part_set> sets_;
  std::size_t bytes_ = 0;
};

}  // namespace apipnr::paxlst
