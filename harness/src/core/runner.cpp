#include "apipnr/harness/runner.hpp"

#include <algorithm>
#include <atomic>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

namespace apipnr::harness {

namespace {

std::string outcome_name(transport_outcome o) {
  switch (o) {
    case transport_outcome::completed:
      return "completed";
    case transport_outcome::timeout:
      return "timeout";
    case transport_outcome::transport_error:
      return "transport_error";
    case transport_outcome::endpoint_down:
      return "endpoint_down";
  }
  return "completed";
}

// Phase-1 record of one case: what went out and what came back.
struct sent_case {
  std::vector<exchange> sent;
  std::vector<observation> observed;
  std::vector<classification> classified;
  double duration_ms = 0;
};

class export_source final : public canonical_source {
 public:
  explicit export_source(std::filesystem::path file) : file_(std::move(file)) {}

  data_lookup lookup(const vectors::case_spec& /*c*/, const std::vector<exchange>& sent,
                     const std::vector<classification>& /*answers*/) override {
    load();
    data_lookup out;
    if (!error_.empty()) {
      out.error = error_;
      return out;
    }
    // The last part first: for a multi-part set the receiver may tag the reassembled message
    // with the correlation id of the part that completed it.
    for (auto it = sent.rbegin(); it != sent.rend(); ++it) {
      auto found = by_correlation_.find(it->correlation_id);
      if (found != by_correlation_.end()) {
        out.found = true;
        out.message = found->second;
        return out;
      }
    }
    out.error = "no line with x_correlation_id of this case in " + file_.string();
    return out;
  }

 private:
  void load() {
    if (loaded_) return;
    loaded_ = true;
    std::ifstream in(file_, std::ios::binary);
    if (!in) {
      error_ = "cannot read export file " + file_.string();
      return;
    }
    std::string line;
    std::size_t n = 0;
    while (std::getline(in, line)) {
      ++n;
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      auto j = nlohmann::json::parse(line, nullptr, false);
      if (j.is_discarded() || !j.is_object()) {
        error_ = file_.string() + " line " + std::to_string(n) + " is not a JSON object";
        return;
      }
      auto id = j.find("x_correlation_id");
      if (id != j.end() && id->is_string()) by_correlation_[id->get<std::string>()] = j;
    }
  }

  std::filesystem::path file_;
  bool loaded_ = false;
  std::string error_;
  std::map<std::string, nlohmann::json> by_correlation_;
};

class query_source final : public canonical_source {
 public:
  query_source(query_options q, http_get get) : q_(std::move(q)), get_(std::move(get)) {
    while (!q_.base_url.empty() && q_.base_url.back() == '/') q_.base_url.pop_back();
  }

  data_lookup lookup(const vectors::case_spec& /*c*/, const std::vector<exchange>& /*sent*/,
                     const std::vector<classification>& answers) override {
    data_lookup out;
    std::string id;
    for (auto it = answers.rbegin(); it != answers.rend() && id.empty(); ++it) id = it->message_id;
    if (id.empty()) {
      out.error = "the answers carried no message id to query";
      return out;
    }
    const std::string url = q_.base_url + (id.front() == '/' ? id : "/v1/messages/" + id);
    observation o = get_(url);
    if (o.outcome != transport_outcome::completed) {
      out.error = "GET " + url + ": " + outcome_name(o.outcome) + " " + o.error;
      return out;
    }
    if (o.http_status != 200) {
      out.error = "GET " + url + ": HTTP " + std::to_string(o.http_status);
      return out;
    }
    auto doc = nlohmann::json::parse(o.body, nullptr, false);
    if (doc.is_discarded()) {
      out.error = "GET " + url + ": not JSON";
      return out;
    }
    auto msg = pick_canonical(doc, q_.canonical_pointer);
    if (!msg) {
      out.error = "GET " + url + ": no canonical message in the answer";
      return out;
    }
    out.found = true;
    out.message = std::move(*msg);
    return out;
  }

 private:
  query_options q_;
  http_get get_;
};

bool read_json_file(const std::filesystem::path& p, nlohmann::json& out) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return false;
  out = nlohmann::json::parse(in, nullptr, false);
  return !out.is_discarded();
}

}  // namespace

std::unique_ptr<canonical_source> make_export_source(std::filesystem::path file) {
  return std::make_unique<export_source>(std::move(file));
}

std::unique_ptr<canonical_source> make_query_source(const query_options& q, http_get get) {
  return std::make_unique<query_source>(q, std::move(get));
}

std::optional<nlohmann::json> pick_canonical(const nlohmann::json& doc,
                                             const std::string& pointer) {
  if (!pointer.empty()) {
    try {
      const auto& v = doc.at(nlohmann::json::json_pointer(pointer));
      if (v.is_object()) return v;
    } catch (const nlohmann::json::exception&) {
      // A pointer that does not resolve means "not found", not a harness failure.
    }
    return std::nullopt;
  }
  if (doc.is_object() && doc.contains("canonical_version")) return doc;
  if (doc.is_object()) {
    auto it = doc.find("messages");
    if (it != doc.end() && it->is_array())
      for (const auto& m : *it)
        if (m.is_object() && m.contains("canonical_version")) return m;
  }
  return std::nullopt;
}

classification classify_by_status(const observation& o) {
  classification c;
  if (o.outcome != transport_outcome::completed) return c;
  if (o.http_status >= 200 && o.http_status < 300)
    c.result = decision::accepted;
  else if (o.http_status >= 400 && o.http_status < 500)
    c.result = decision::rejected;
  c.summary = std::string(to_string(c.result)) + ", HTTP " + std::to_string(o.http_status) +
              " (status only)";
  return c;
}

std::vector<case_result> run_cases(const std::vector<selected_case>& selection, const target& t,
                                   const transport_factory& make_transport,
                                   const classifier& classify_answer, canonical_source* source,
                                   const runner_options& opts) {
  std::vector<std::size_t> todo;
  for (std::size_t i = 0; i < selection.size(); ++i)
    if (selection[i].run) todo.push_back(i);
  std::vector<sent_case> sent(selection.size());

  // ---- phase 1: exchange -------------------------------------------------------------------
  std::atomic<std::size_t> next{0};
  std::mutex mu;
  progress prog;
  prog.total = todo.size();
  const auto t0 = std::chrono::steady_clock::now();
  auto worker = [&] {
    std::unique_ptr<transport> tr;
    std::string make_error;
    try {
      tr = make_transport();
    } catch (const std::exception& e) {
      make_error = e.what();
    }
    for (;;) {
      const std::size_t n = next.fetch_add(1);
      if (n >= todo.size()) return;
      const auto& spec = *selection[todo[n]].spec;
      auto& rec = sent[todo[n]];
      const auto start = std::chrono::steady_clock::now();
      const std::vector<std::string> single{spec.input_bytes};
      const auto& bodies = spec.parts.empty() ? single : spec.part_bytes;
      for (std::size_t p = 0; p < bodies.size(); ++p) {
        exchange x;
        x.case_id = spec.id;
        x.kind = kind_of(spec.id, std::string_view(bodies.front()).substr(0, 512));
        x.body = bodies[p];
        auto ct = t.content_types.find(x.kind);
        x.content_type = ct != t.content_types.end() ? ct->second : default_content_type(x.kind);
        x.correlation_id = opts.run_id + "/" + spec.id + "/" + std::to_string(p + 1);
        observation o;
        if (!tr) {
          o.outcome = transport_outcome::transport_error;
          o.error = "no transport: " + (make_error.empty() ? "factory returned null" : make_error);
        } else {
          try {
            o = tr->send(x);
          } catch (const std::exception& e) {
            // exchange.hpp forbids throwing; contain a broken transport to this case.
            o = observation{};
            o.outcome = transport_outcome::transport_error;
            o.error = std::string("transport threw: ") + e.what();
          }
        }
        classification k;
        if (o.outcome == transport_outcome::completed) k = classify_answer(o);
        rec.sent.push_back(std::move(x));
        rec.observed.push_back(std::move(o));
        rec.classified.push_back(std::move(k));
        // Later parts of a set mean nothing once the channel failed.
        if (rec.observed.back().outcome != transport_outcome::completed) break;
      }
      rec.duration_ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
              .count();
      const auto pre = judge(spec, rec.observed, rec.classified, data_evidence{}, opts.judge);
      std::lock_guard<std::mutex> lock(mu);
      ++prog.done;
      if (is_pass(pre.verdict))
        ++prog.passed;
      else if (is_failure(pre.verdict))
        ++prog.failed;
      else if (is_error(pre.verdict))
        ++prog.errors;
      else
        ++prog.other;
      prog.elapsed = std::chrono::steady_clock::now() - t0;
      prog.last_case = spec.id;
      if (opts.on_progress) opts.on_progress(prog);
    }
  };
  const unsigned jobs = std::max(1u, std::min<unsigned>(opts.jobs, 64));
  std::vector<std::thread> pool;
  for (unsigned i = 1; i < jobs && i < todo.size(); ++i) pool.emplace_back(worker);
  worker();
  for (auto& th : pool) th.join();

  // ---- phase 2: data look-ups and judgement, in corpus order -------------------------------
  std::vector<case_result> out;
  out.reserve(selection.size());
  for (std::size_t i = 0; i < selection.size(); ++i) {
    const auto& s = selection[i];
    const auto& spec = *s.spec;
    case_result r;
    r.id = spec.id;
    r.family = family_of(spec.id);
    r.description = spec.description;
    r.level = spec.level;
    r.expected_outcome = std::string(vectors::to_string(spec.expect.result));
    r.profile = spec.profile;
    r.requirements = spec.requirement_ids();
    r.expected = describe_expectation(spec);
    if (!s.run) {
      r.verdict = verdict::skipped;
      r.skip_reason = s.skip_reason;
      out.push_back(std::move(r));
      continue;
    }
    auto& rec = sent[i];
    data_evidence data;
    const bool wants_canonical =
        spec.expect.result == vectors::outcome::accept && !spec.expect.canonical.empty();
    const bool wants_set = spec.expect.pass && spec.expect.pass->set_outcome == "incomplete";
    const bool all_completed =
        std::all_of(rec.observed.begin(), rec.observed.end(),
                    [](const observation& o) { return o.outcome == transport_outcome::completed; });
    if (source != nullptr && all_completed && (wants_canonical || wants_set)) {
      bool expected_ok = true;
      if (wants_canonical) expected_ok = read_json_file(spec.canonical_path(), data.expected);
      if (expected_ok) {
        data.checked = true;
        auto found = source->lookup(spec, rec.sent, rec.classified);
        data.found = found.found;
        data.actual = std::move(found.message);
        data.error = std::move(found.error);
        if (data.found && wants_canonical && opts.diff)
          data.differences = opts.diff(data.expected, data.actual);
      }
    }
    auto j = judge(spec, rec.observed, rec.classified, data, opts.judge);
    r.verdict = j.verdict;
    r.expected = j.expected;
    r.actual = j.actual;
    r.reason = j.reason;
    r.differences = std::move(j.differences);
    r.duration_ms = rec.duration_ms;
    for (std::size_t p = 0; p < rec.sent.size(); ++p) {
      const auto& x = rec.sent[p];
      const auto& o = rec.observed[p];
      exchange_record e;
      e.part = static_cast<unsigned>(p + 1);
      e.kind = std::string(to_string(x.kind));
      auto ep = t.endpoints.find(x.kind);
      e.endpoint = ep != t.endpoints.end() ? ep->second : "";
      e.correlation_id = x.correlation_id;
      e.content_type = x.content_type;
      e.sent = x.body;
      e.sent_at = o.sent_at.time_since_epoch().count() != 0 ? to_rfc3339(o.sent_at) : "";
      e.outcome = outcome_name(o.outcome);
      e.error = o.error;
      e.http_status = o.http_status;
      e.headers = o.headers;
      e.received = o.body;
      e.received_content_type = o.content_type;
      e.latency_ms = std::chrono::duration<double, std::milli>(o.latency).count();
      e.classified = rec.classified[p];
      r.exchanges.push_back(std::move(e));
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace apipnr::harness
