#include "apipnr/harness/scoring.hpp"

#include <algorithm>
#include <map>

namespace apipnr::harness {

void roll_up(run_results& r, const vectors::catalogue& cat, const tender_profile* tender) {
  r.counts.clear();
  for (std::size_t i = 0; i < verdict_count; ++i)
    r.counts[std::string(to_string(static_cast<verdict>(i)))] = 0;
  for (const auto& c : r.cases) ++r.counts[std::string(to_string(c.verdict))];

  // Requirements in catalogue order, then cited IDs unknown to the catalogue (first citation).
  std::vector<requirement_rollup> reqs;
  std::map<std::string, std::size_t> index;
  for (const auto& item : cat.items) {
    if (item.status == "retired") continue;
    index[item.id] = reqs.size();
    reqs.push_back({item.id,
                    item.group,
                    item.level,
                    requirement_status::untested,
                    false,
                    0,
                    {},
                    item.confidence});
  }
  for (const auto& c : r.cases) {
    for (const auto& id : c.requirements) {
      auto it = index.find(id);
      if (it == index.end()) {
        it = index.emplace(id, reqs.size()).first;
        reqs.push_back({id, "", "", requirement_status::untested, false, 0, {}, {}});
      }
      reqs[it->second].cases.push_back({c.id, c.verdict});
    }
  }

  r.mandatory_failed.clear();
  r.mandatory_unproven.clear();
  double judged_weight = 0, passed_weight = 0;
  std::map<std::string, group_rollup> groups;
  // Passing cases whose stored data was not read back (data_check not_assessed: the target has
  // no query interface or export): their pass rests on the acknowledgement alone.
  std::map<std::string, bool> unread;
  for (const auto& c : r.cases)
    if (c.data_check == "not_assessed" && is_pass(c.verdict)) unread[c.id] = true;
  for (auto& q : reqs) {
    bool any_fail = false, any_error = false, any_pass = false, any_unread = false;
    for (const auto& e : q.cases) {
      any_fail = any_fail || is_failure(e.verdict);
      any_error = any_error || is_error(e.verdict);
      any_pass = any_pass || is_pass(e.verdict);
      any_unread = any_unread || unread.count(e.id) != 0;
    }
    q.status = any_fail    ? requirement_status::failed
               : any_error ? requirement_status::errored
               : any_pass  ? requirement_status::passed
                           : requirement_status::untested;
    if (tender) {
      q.weight = weight_for(*tender, q.group);
      q.mandatory = is_mandatory(*tender, q.id, q.group);
      if (q.mandatory && q.status == requirement_status::failed) r.mandatory_failed.push_back(q.id);
      // A mandatory requirement one of whose cases expects stored data that was never read
      // back is not demonstrated: the tender asked for the data, not only for an answer.
      if (q.mandatory &&
          (q.status == requirement_status::errored || q.status == requirement_status::untested ||
           (q.status == requirement_status::passed && any_unread)))
        r.mandatory_unproven.push_back(q.id);
    }
    if (q.status != requirement_status::untested) {
      judged_weight += q.weight;
      if (q.status == requirement_status::passed) passed_weight += q.weight;
    }
    auto& g = groups[q.group];
    g.group = q.group;
    g.weight += q.weight;
    switch (q.status) {
      case requirement_status::passed:
        ++g.passed;
        g.weighted_passed += q.weight;
        break;
      case requirement_status::failed:
        ++g.failed;
        break;
      case requirement_status::errored:
        ++g.errored;
        break;
      case requirement_status::untested:
        ++g.untested;
        break;
    }
  }
  // A mandatory requirement ID that the catalogue does not know and no case cites is still a
  // promise the bid cannot be shown to keep.
  if (tender) {
    for (const auto& m : tender->mandatory) {
      if (m.rfind("group:", 0) == 0 || index.count(m) != 0) continue;
      r.mandatory_unproven.push_back(m);
    }
  }
  r.requirements = std::move(reqs);
  r.groups.clear();
  for (auto& [name, g] : groups) r.groups.push_back(g);

  r.score.reset();
  if (tender && tender->ranked() && judged_weight > 0) r.score = passed_weight / judged_weight;
  if (!tender)
    r.compliance = compliance::not_assessed;
  else if (!r.mandatory_failed.empty())
    r.compliance = compliance::non_compliant;
  else if (!r.mandatory_unproven.empty())
    r.compliance = compliance::incomplete;
  else
    r.compliance = compliance::compliant;
}

}  // namespace apipnr::harness
