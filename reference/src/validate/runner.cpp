#include "apipnr/validate/runner.hpp"

#include <algorithm>
#include <map>
#include <tuple>
#include <utility>

namespace apipnr::validate {

namespace {

using set_key = std::tuple<std::string, std::string, std::string>;

set_key key_of(const model::canonical_message& m) {
  return {m.message.sender.value_or(""), m.message.common_access_reference.value_or(""),
          m.message.document_code.value_or("")};
}

// Mirrors paxlst::reassembler::add: a message without S010, or numbered 1 and final, stands
// alone; anything else is a part of a set.
bool is_part(const model::canonical_message& m) {
  const auto& p = m.message.parts;
  if (p.empty()) return false;
  return !(p.front().number == 1u && p.front().final_part == true);
}

// The reassembler names a set "set SENDER/CAR/BGM CODE" in its findings; that is the only link
// from an end-of-run finding to its set, so it is matched here (with a fallback, see below).
std::string set_label(const set_key& k) {
  return "set " + std::get<0>(k) + "/" + std::get<1>(k) + "/BGM " + std::get<2>(k);
}

struct open_set {
  std::size_t index = 0;      // into run_report::sets
  std::size_t last_file = 0;  // into run_report::files
};

void raise_verdict(file_report& f) { f.outcome = std::max(f.outcome, verdict_of(f.findings)); }

finding unpositioned(diagnostic d) {
  finding f;
  f.diag = std::move(d);
  f.positioned = false;
  return f;
}

}  // namespace

run_report run(const pipeline::engine& engine, const std::vector<input>& inputs,
               const run_settings& settings, quality_collector* quality) {
  run_report rep;
  rep.tool_version = settings.tool_version;
  rep.profile = settings.profile;
  rep.mode = settings.mode;
  rep.include_extract = settings.include_extract;
  rep.include_contrl = settings.include_contrl;
  rep.warnings_as_errors = settings.warnings_as_errors;

  pipeline::session session;
  std::map<set_key, open_set> open;

  for (const auto& in : inputs) {
    std::string error;
    auto bytes = read_input(in, error);
    if (!bytes) {
      file_report f;
      f.file = in.name;
      f.outcome = pipeline::verdict::reject;
      f.error = error;
      f.read_failed = true;
      rep.files.push_back(std::move(f));
      continue;
    }
    pipeline::result r = engine.check(*bytes);
    file_report f = make_file_report(in.name, *bytes, r);
    f.sha256 = sha256_hex(*bytes);
    f.error = content_problem(*bytes);
    if (f.error) f.outcome = pipeline::verdict::reject;  // whatever the pipeline said
    const std::size_t file_index = rep.files.size();

    if (quality) quality->add(f, r.messages);

    // Track the parts this file brings (messages the pipeline rejected are never joined).
    for (std::size_t k = 0; k < r.messages.size(); ++k) {
      const auto& m = r.messages[k];
      const std::size_t source = k < r.message_source.size() ? r.message_source[k] : k;
      if (source < r.message_outcomes.size() &&
          r.message_outcomes[source] == pipeline::verdict::reject) {
        continue;
      }
      if (!is_part(m)) continue;
      const set_key key = key_of(m);
      auto it = open.find(key);
      if (it == open.end()) {
        rep.sets.push_back(
            set_report{std::get<1>(key), std::get<0>(key), std::get<2>(key), {}, false, {}});
        it = open.emplace(key, open_set{rep.sets.size() - 1, file_index}).first;
      }
      it->second.last_file = file_index;
      auto& files = rep.sets[it->second.index].files;
      if (files.empty() || files.back() != in.name) files.push_back(in.name);
    }

    diagnostic_list sink;
    auto done = session.add(r, sink);
    for (const auto& d : sink.items()) f.findings.push_back(unpositioned(d));
    for (auto& m : done) {
      if (is_part(m) || m.message.parts.size() > 1) {
        auto it = open.find(key_of(m));
        if (it != open.end()) {
          rep.sets[it->second.index].complete = true;
          open.erase(it);
        }
      }
      if (settings.include_extract) f.extract.push_back(std::move(m));
    }
    raise_verdict(f);
    rep.files.push_back(std::move(f));
  }

  // End of input: every set still open is incomplete.
  diagnostic_list sink;
  auto rest = session.finish(sink);
  for (const auto& d : sink.items()) {
    const open_set* owner = nullptr;
    for (const auto& [key, os] : open) {
      if (d.detail.find(set_label(key)) != std::string::npos) owner = &os;
    }
    // Unmatched (a finding whose text does not name its set): the last open set gets it, so
    // that it is still reported next to a file of the run.
    if (!owner && !open.empty()) owner = &std::prev(open.end())->second;
    if (!owner) {
      if (rep.files.empty()) continue;
      rep.files.back().findings.push_back(unpositioned(d));
      raise_verdict(rep.files.back());
      continue;
    }
    file_report& f = rep.files[owner->last_file];
    f.findings.push_back(unpositioned(d));
    raise_verdict(f);
    auto& problem = rep.sets[owner->index].problem;
    problem += (problem.empty() ? "" : "; ") + finding_message(d);
  }
  for (auto& [key, os] : open) {
    auto& s = rep.sets[os.index];
    if (s.problem.empty()) s.problem = "set not complete at the end of the input";
  }
  if (settings.include_extract) {
    for (auto& m : rest) {
      auto it = open.find(key_of(m));
      const std::size_t target =
          it != open.end() ? it->second.last_file : (rep.files.empty() ? 0 : rep.files.size() - 1);
      if (target < rep.files.size()) rep.files[target].extract.push_back(std::move(m));
    }
  }
  return rep;
}

}  // namespace apipnr::validate
