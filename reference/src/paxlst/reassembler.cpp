#include "apipnr/paxlst/reassembler.hpp"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace apipnr::paxlst {
namespace {

void report(diagnostic_sink& sink, errc code, std::string detail,
            std::optional<severity> level = std::nullopt) {
  const auto& inf = info(code);
  diagnostic d;
  d.code = make_error_code(code);
  d.id = inf.id;
  d.requirement = inf.requirement;
  d.level = level.value_or(inf.level);
  d.where = inf.where;
  d.detail = std::move(detail);
  sink.report(std::move(d));
}

std::string describe(const part_key& k) {
  return "set " + k.sender + "/" + k.common_access_reference + "/BGM " + k.document_code;
}

bool is_crew(std::string_view role) noexcept { return role == "crew" || role == "transit_crew"; }

}  // namespace

reassembler::reassembler(reassembly_limits limits, clock_fn clock)
    : limits_(limits),
      clock_(clock ? std::move(clock) : clock_fn(&std::chrono::steady_clock::now)) {}

boost::system::result<std::optional<model::canonical_message>> reassembler::add(
    model::canonical_message part, std::size_t bytes, diagnostic_sink& sink) {
  const auto& msg = part.message;
  // A message without S010, or numbered 1 and final, is complete on its own.
  if (msg.parts.empty() ||
      (msg.parts.front().number == 1u && msg.parts.front().final_part == true)) {
    return std::optional<model::canonical_message>(std::move(part));
  }
  part_key key{msg.sender.value_or(""), msg.common_access_reference.value_or(""),
               msg.document_code.value_or("")};
  const auto& p = msg.parts.front();
  if (!p.number || *p.number == 0) {
    report(sink, errc::part_bad_number, describe(key) + ": part without a usable number refused");
    return make_error_code(errc::part_bad_number);
  }
  const std::uint32_t number = *p.number;
  if (number > limits_.max_parts) {
    report(sink, errc::limit_parts,
           describe(key) + ": part " + std::to_string(number) + " beyond the limit of " +
               std::to_string(limits_.max_parts));
    return make_error_code(errc::limit_parts);
  }
  auto it = sets_.find(key);
  if (it == sets_.end()) {
    if (sets_.size() >= limits_.max_sets) {
      report(sink, errc::limit_sets,
             describe(key) + ": " + std::to_string(sets_.size()) + " sets already open");
      return make_error_code(errc::limit_sets);
    }
  } else if (it->second.parts.contains(number)) {
    report(sink, errc::part_duplicate,
           describe(key) + ": part " + std::to_string(number) + " received again");
    return std::optional<model::canonical_message>();
  }
  if (bytes_ + bytes > limits_.max_bytes) {
    report(sink, errc::limit_bytes,
           describe(key) + ": part " + std::to_string(number) + " would buffer " +
               std::to_string(bytes_ + bytes) + " bytes");
    return make_error_code(errc::limit_bytes);
  }
  if (it != sets_.end()) {
    const auto& s = it->second;
    if (s.parts.size() >= limits_.max_parts) {
      report(sink, errc::limit_parts, describe(key) + ": too many parts");
      return make_error_code(errc::limit_parts);
    }
    if (s.final_number && number > *s.final_number) {
      report(sink, errc::part_bad_number,
             describe(key) + ": part " + std::to_string(number) + " after final part " +
                 std::to_string(*s.final_number));
      return make_error_code(errc::part_bad_number);
    }
    if (p.final_part == true && s.final_number && *s.final_number != number) {
      report(sink, errc::part_conflict,
             describe(key) + ": second final part " + std::to_string(number));
      return make_error_code(errc::part_conflict);
    }
    if (p.final_part == true && !s.parts.empty() && s.parts.rbegin()->first > number) {
      report(sink, errc::part_bad_number,
             describe(key) + ": final part " + std::to_string(number) + " below part " +
                 std::to_string(s.parts.rbegin()->first));
      return make_error_code(errc::part_bad_number);
    }
  } else {
    it = sets_.emplace(key, part_set{}).first;
    it->second.started = clock_();
  }
  auto& set = it->second;
  if (!set.parts.empty() && set.parts.rbegin()->first > number) {
    report(sink, errc::part_out_of_order,
           describe(key) + ": part " + std::to_string(number) + " after part " +
               std::to_string(set.parts.rbegin()->first));
  }
  if (p.final_part.has_value()) set.any_flag = true;
  if (p.final_part == true) set.final_number = number;
  set.bytes += bytes;
  bytes_ += bytes;
  set.parts.emplace(number, stored_part{std::move(part), bytes});

  if (set.final_number && set.parts.size() == *set.final_number) {
    // Keys are 1..N without duplicates and none above N, so N entries mean all are present.
    auto done = assemble(key, set, sink);
    bytes_ -= set.bytes;
    sets_.erase(it);
    return std::optional<model::canonical_message>(std::move(done));
  }
  return std::optional<model::canonical_message>();
}

model::canonical_message reassembler::assemble(const part_key& key, part_set& set,
                                               diagnostic_sink& sink) {
  auto first = set.parts.begin();
  model::canonical_message out = std::move(first->second.message);
  std::vector<model::message_part> first_parts;
  std::swap(first_parts, out.message.parts);
  std::optional<model::totals> totals;
  bool totals_differ = false;
  // Rebuild from the parts in number order; the first part's travellers were moved into `out`
  // together with its header, so take them back from there.
  std::vector<model::traveller> first_travellers;
  std::swap(first_travellers, out.travellers);
  // Each part's CNT, in part order, for the checks against the whole set below.
  std::vector<std::pair<std::uint32_t, model::totals>> part_counts;
  bool is_first = true;
  for (auto& [number, sp] : set.parts) {
    model::canonical_message& m = is_first ? out : sp.message;
    const auto& own_parts = is_first ? first_parts : m.message.parts;
    if (own_parts.empty()) {
      out.message.parts.push_back({number, std::nullopt, m.message.message_reference});
    } else {
      out.message.parts.push_back(own_parts.front());
    }
    // API-PAXLST-MULTI-002: once the F part is known, every other part of the set is not the
    // final one, flagged C or not (vectors/README.md: final true only for the part flagged F).
    if (auto& last = out.message.parts.back(); set.final_number && !last.final_part) {
      last.final_part = number == *set.final_number;
    }
    auto& travellers = is_first ? first_travellers : m.travellers;
    for (auto& t : travellers) out.travellers.push_back(std::move(t));
    const auto& c = is_first ? out.counts : m.counts;
    if (c) {
      if (totals && (totals->passengers != c->passengers || totals->crew != c->crew)) {
        totals_differ = true;
      }
      totals = c;  // the last (final) part wins
      part_counts.emplace_back(number, *c);
    }
    is_first = false;
  }
  out.counts = totals;
  if (totals_differ) {
    report(sink, errc::part_conflict,
           describe(key) + ": CNT differs between parts; the final part's total is kept");
  }
  std::uint32_t crew = 0, pax = 0;
  for (const auto& t : out.travellers) (is_crew(t.role) ? crew : pax)++;
  // API-PAXLST-CNT-003: every part's CNT is the set's total (CNT-002), so each is checked
  // against the travellers of all parts. When the parts agree one finding says it for all.
  auto mismatch = [&](const model::totals& c, const std::string& where) {
    std::string detail;
    if (c.passengers && *c.passengers != pax) {
      detail = "CNT 42 = " + std::to_string(*c.passengers) + ", passengers in " +
               std::to_string(set.parts.size()) + " parts " + std::to_string(pax);
    }
    if (c.crew && *c.crew != crew) {
      if (!detail.empty()) detail += "; ";
      detail += "CNT 41 = " + std::to_string(*c.crew) + ", crew in " +
                std::to_string(set.parts.size()) + " parts " + std::to_string(crew);
    }
    if (!detail.empty()) report(sink, errc::count_mismatch, describe(key) + where + ": " + detail);
  };
  if (!totals_differ) {
    if (totals) mismatch(*totals, "");
  } else {
    for (const auto& [number, c] : part_counts) mismatch(c, ", part " + std::to_string(number));
  }
  return out;
}

std::vector<model::canonical_message> reassembler::close_sets(bool only_expired,
                                                              diagnostic_sink& sink) {
  std::vector<model::canonical_message> out;
  const auto now = clock_();
  for (auto it = sets_.begin(); it != sets_.end();) {
    auto& [key, set] = *it;
    if (only_expired && now - set.started < limits_.timeout) {
      ++it;
      continue;
    }
    if (only_expired) {
      report(sink, errc::part_timeout,
             describe(key) + ": " + std::to_string(set.parts.size()) +
                 " parts received before the timeout");
    }
    const std::uint32_t highest = set.final_number.value_or(set.parts.rbegin()->first);
    std::string missing;
    for (std::uint32_t n = 1; n <= highest; ++n) {
      if (set.parts.contains(n)) continue;
      // Appended piece by piece: `"," + std::to_string(n)` makes GCC 12 report a false
      // -Wrestrict in the release build (GCC bug 105329).
      if (!missing.empty()) missing += ',';
      missing += std::to_string(n);
    }
    if (!missing.empty()) {
      report(sink, errc::part_missing, describe(key) + ": missing part(s) " + missing);
    }
    if (!set.final_number) {
      // Parts without any C/F flag cannot say which is last (MULTI-007): a gap-free run is
      // accepted with a warning; a set that used flags but lost its F part is an error.
      const bool tolerated = !set.any_flag && missing.empty();
      report(sink, errc::part_no_final,
             describe(key) + ": no part flagged F; highest part " + std::to_string(highest),
             tolerated ? std::optional<severity>(severity::warning) : std::nullopt);
    }
    out.push_back(assemble(key, set, sink));
    bytes_ -= set.bytes;
    it = sets_.erase(it);
  }
  return out;
}

std::vector<model::canonical_message> reassembler::expire(diagnostic_sink& sink) {
  return close_sets(true, sink);
}

std::vector<model::canonical_message> reassembler::flush(diagnostic_sink& sink) {
  return close_sets(false, sink);
}

}  // namespace apipnr::paxlst
