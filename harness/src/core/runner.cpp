#include "apipnr/harness/runner.hpp"

#include <algorithm>
#include <atomic>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
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

// Phase-1 record of one sequence step (vectors/README.md "Sequences").
struct step_run {
  bool ran = false;
  judgement judged;
  std::size_t exchange = 0;  // 1-based index into sent_case::sent; 0 = none
  std::string endpoint;      // executor steps: where it went / came from
  double duration_ms = 0;
};

// Phase-1 record of one case: what went out and what came back.
struct sent_case {
  std::vector<exchange> sent;
  std::vector<observation> observed;
  std::vector<classification> classified;
  // Parallel to `sent`: the step kind of each exchange (always send outside sequences).
  std::vector<vectors::step_kind> exchange_kinds;
  std::vector<step_run> steps;  // sequence cases: one per spec step
  std::string skip_reason;      // set when the case was skipped before its first step
  double duration_ms = 0;
};

// 0 pass .. 5 failure: the classes worst_verdict orders by.
int severity(verdict v) noexcept {
  if (is_failure(v)) return 5;
  if (is_error(v)) return 4;
  switch (v) {
    case verdict::skipped:
      return 3;
    case verdict::informational:
      return 2;
    case verdict::pass_non_strict:
      return 1;
    default:
      return 0;
  }
}

// Why a sequence cannot run against this target (C1: a missing section is a skip, never a
// failure), or "" when it can.
std::string sequence_skip_reason(const vectors::case_spec& spec, const step_executor* ex) {
  for (const auto& st : spec.steps) {
    if (st.kind == vectors::step_kind::control &&
        (ex == nullptr || !ex->supports(vectors::step_kind::control)))
      return "target has no control section";
    if (st.kind == vectors::step_kind::await_unsolicited &&
        (ex == nullptr || !ex->supports(vectors::step_kind::await_unsolicited)))
      return "target has no unsolicited section";
  }
  return {};
}

// A send step judged on its own: the case as far as judge() looks at it, with the step's file
// and expect (same judge function as a whole case, C1).
vectors::case_spec step_as_case(const vectors::case_spec& spec, const vectors::step_spec& st) {
  vectors::case_spec k;
  k.id = spec.id;
  k.description = spec.description;
  k.profile = spec.profile;
  k.level = spec.level;
  k.manifest = spec.manifest;
  k.folder = spec.folder;
  k.input = st.file;
  k.expect = st.expect;
  return k;
}

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
    const auto doc = get_json(url, out.error);
    if (!doc) return out;
    auto msg = pick_canonical(*doc, q_.canonical_pointer);
    if (!msg) {
      out.error = "GET " + url + ": no canonical message in the answer";
      return out;
    }
    out.found = true;
    out.message = std::move(*msg);
    return out;
  }

  travellers_lookup stored_travellers(const vectors::stored_travellers_expectation& f) override {
    travellers_lookup out;
    const std::string url =
        q_.base_url + "/v1/flights/" + f.carrier + "/" + f.number + "/" + f.date + "/travellers";
    std::uint64_t count = 0;
    std::uint64_t offset = 0;
    // Pages until next_offset is null; a receiver that keeps paging is cut off, not followed.
    for (int page = 0; page < max_pages; ++page) {
      const std::string at = offset == 0 ? url : url + "?offset=" + std::to_string(offset);
      const auto doc = get_json(at, out.error);
      if (!doc) return out;
      const auto list = doc->is_object() ? doc->find("travellers") : doc->end();
      if (!doc->is_object() || list == doc->end() || !list->is_array()) {
        out.error = "GET " + at + ": no `travellers` array in the answer";
        return out;
      }
      count += list->size();
      const auto next = doc->find("next_offset");
      if (next == doc->end() || next->is_null()) {
        out.count = count;
        return out;
      }
      if (!next->is_number_unsigned() || next->get<std::uint64_t>() <= offset) {
        out.error = "GET " + at + ": `next_offset` does not move forward";
        return out;
      }
      offset = next->get<std::uint64_t>();
    }
    out.error = "GET " + url + ": more than " + std::to_string(max_pages) + " pages";
    return out;
  }

 private:
  // The JSON document a GET of `url` answers with 200; nullopt with `error` set otherwise.
  std::optional<nlohmann::json> get_json(const std::string& url, std::string& error) const {
    const observation o = get_(url);
    if (o.outcome != transport_outcome::completed) {
      error = "GET " + url + ": " + outcome_name(o.outcome) + " " + o.error;
      return std::nullopt;
    }
    if (o.http_status != 200) {
      error = "GET " + url + ": HTTP " + std::to_string(o.http_status);
      return std::nullopt;
    }
    auto doc = nlohmann::json::parse(o.body, nullptr, false);
    if (doc.is_discarded()) {
      error = "GET " + url + ": not JSON";
      return std::nullopt;
    }
    return doc;
  }

  static constexpr int max_pages = 1000;
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

verdict worst_verdict(verdict a, verdict b) noexcept { return severity(b) > severity(a) ? b : a; }

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
      auto correlation = [&] {
        return opts.run_id + "/" + spec.id + "/" + std::to_string(rec.sent.size() + 1);
      };
      // One message through this worker's transport; false when the channel failed, after
      // which later parts or steps mean nothing (they depend on the earlier ones).
      auto send_one = [&](const std::string& body) {
        exchange x;
        x.case_id = spec.id;
        x.kind = kind_of(spec.id, std::string_view(body).substr(0, 512));
        x.body = body;
        auto ct = t.content_types.find(x.kind);
        x.content_type = ct != t.content_types.end() ? ct->second : default_content_type(x.kind);
        x.correlation_id = correlation();
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
        rec.exchange_kinds.push_back(vectors::step_kind::send);
        return rec.observed.back().outcome == transport_outcome::completed;
      };

      verdict pre_verdict = verdict::skipped;
      if (spec.steps.empty()) {
        const std::vector<std::string> single{spec.input_bytes};
        const auto& bodies = spec.parts.empty() ? single : spec.part_bytes;
        for (const auto& body : bodies)
          if (!send_one(body)) break;
        pre_verdict =
            judge(spec, rec.observed, rec.classified, data_evidence{}, opts.judge).verdict;
      } else if (rec.skip_reason = sequence_skip_reason(spec, opts.steps);
                 rec.skip_reason.empty()) {
        rec.steps.resize(spec.steps.size());
        pre_verdict = verdict::pass;
        for (std::size_t i = 0; i < spec.steps.size(); ++i) {
          const auto& st = spec.steps[i];
          auto& run = rec.steps[i];
          const auto step_start = std::chrono::steady_clock::now();
          run.ran = true;
          bool go_on = true;
          switch (st.kind) {
            case vectors::step_kind::send: {
              go_on = send_one(st.bytes);
              run.exchange = rec.sent.size();
              run.judged = judge(step_as_case(spec, st), {rec.observed.back()},
                                 {rec.classified.back()}, data_evidence{}, opts.judge);
              break;
            }
            case vectors::step_kind::wait:
              std::this_thread::sleep_for(std::chrono::milliseconds(st.wait_ms));
              run.judged.verdict = verdict::pass;
              run.judged.expected = "wait " + std::to_string(st.wait_ms) + " ms";
              run.judged.actual = run.judged.expected;
              break;
            case vectors::step_kind::control:
            case vectors::step_kind::await_unsolicited: {
              step_outcome so;
              const std::string id = correlation();
              try {
                so = opts.steps->execute(spec, i, id);
              } catch (const std::exception& e) {
                // step_executor.hpp forbids throwing; contain it to this step.
                so = step_outcome{};
                so.observed.outcome = transport_outcome::transport_error;
                so.observed.error = std::string("step executor threw: ") + e.what();
                so.judged.verdict = verdict::transport_error;
                so.judged.reason = so.observed.error;
                so.judged.actual = so.observed.error;
              }
              so.sent.case_id = spec.id;
              so.sent.correlation_id = id;
              go_on = so.observed.outcome == transport_outcome::completed;
              rec.sent.push_back(std::move(so.sent));
              rec.observed.push_back(std::move(so.observed));
              rec.classified.push_back(std::move(so.classified));
              rec.exchange_kinds.push_back(st.kind);
              run.exchange = rec.sent.size();
              run.endpoint = std::move(so.endpoint);
              run.judged = std::move(so.judged);
              // A timed-out await is the step's verdict, not the end of the channel: the
              // steps after it still run (they do not depend on the unsolicited message).
              if (st.kind == vectors::step_kind::await_unsolicited &&
                  run.judged.verdict == verdict::timeout)
                go_on = true;
              break;
            }
          }
          run.duration_ms = std::chrono::duration<double, std::milli>(
                                std::chrono::steady_clock::now() - step_start)
                                .count();
          pre_verdict = worst_verdict(pre_verdict, run.judged.verdict);
          if (!go_on) break;
        }
      }
      rec.duration_ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
              .count();
      std::lock_guard<std::mutex> lock(mu);
      ++prog.done;
      if (is_pass(pre_verdict))
        ++prog.passed;
      else if (is_failure(pre_verdict))
        ++prog.failed;
      else if (is_error(pre_verdict))
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
    auto& rec = sent[i];
    if (!s.run || !rec.skip_reason.empty()) {
      r.verdict = verdict::skipped;
      r.skip_reason = s.run ? rec.skip_reason : s.skip_reason;
      out.push_back(std::move(r));
      continue;
    }
    const bool sequence = !spec.steps.empty();
    // What the case-level judgement sees: every exchange of a set, or a sequence's last send.
    std::vector<exchange> sends;
    std::vector<observation> observed;
    std::vector<classification> classified;
    for (std::size_t x = 0; x < rec.sent.size(); ++x) {
      if (rec.exchange_kinds[x] != vectors::step_kind::send) continue;
      if (sequence) {
        sends.clear();
        observed.clear();
        classified.clear();
      }
      sends.push_back(rec.sent[x]);
      observed.push_back(rec.observed[x]);
      classified.push_back(rec.classified[x]);
    }
    // A sequence cut short by a transport problem has no "after the last step".
    const bool sequence_complete =
        !sequence || std::all_of(rec.steps.begin(), rec.steps.end(),
                                 [](const step_run& run) { return run.ran; });
    data_evidence data;
    const bool wants_canonical =
        spec.expect.result == vectors::outcome::accept && !spec.expect.canonical.empty();
    const bool wants_set = spec.expect.pass && spec.expect.pass->set_outcome == "incomplete";
    const bool all_completed =
        std::all_of(observed.begin(), observed.end(),
                    [](const observation& o) { return o.outcome == transport_outcome::completed; });
    const bool wants_travellers =
        spec.expect.stored_travellers && spec.expect.result == vectors::outcome::accept;
    bool travellers_unsupported = false;
    if (source != nullptr && all_completed && sequence_complete && wants_travellers) {
      const auto counted = source->stored_travellers(*spec.expect.stored_travellers);
      travellers_unsupported = counted.unsupported;
      data.travellers_checked = !counted.unsupported;
      data.travellers_count = counted.count;
      data.travellers_error = counted.error;
    }
    if (source != nullptr && all_completed && sequence_complete && (wants_canonical || wants_set)) {
      bool expected_ok = true;
      if (wants_canonical) expected_ok = read_json_file(spec.canonical_path(), data.expected);
      if (expected_ok) {
        data.checked = true;
        // For a sequence, the sends only: the last answer with a message id is that of the
        // last send step, whatever the executor steps exchanged.
        std::vector<exchange> all_sends;
        std::vector<classification> all_answers;
        for (std::size_t x = 0; x < rec.sent.size(); ++x) {
          if (rec.exchange_kinds[x] != vectors::step_kind::send) continue;
          all_sends.push_back(rec.sent[x]);
          all_answers.push_back(rec.classified[x]);
        }
        auto found = source->lookup(spec, all_sends, all_answers);
        data.found = found.found;
        data.actual = std::move(found.message);
        data.error = std::move(found.error);
        if (data.found && wants_canonical && opts.diff)
          data.differences = opts.diff(data.expected, data.actual);
      }
    }
    // Said per case, so that a pass resting on the acknowledgement alone (no read-back) is
    // never mistaken in the evidence for one whose stored data was compared.
    if (all_completed && sequence_complete && (wants_canonical || wants_set || wants_travellers)) {
      const bool assessed = ((!wants_canonical && !wants_set) || data.checked) &&
                            (!wants_travellers || (source != nullptr && !travellers_unsupported));
      r.data_check = assessed ? "checked" : "not_assessed";
    }
    if (!sequence) {
      auto j = judge(spec, observed, classified, data, opts.judge);
      r.verdict = j.verdict;
      r.expected = j.expected;
      r.actual = j.actual;
      r.reason = j.reason;
      r.differences = std::move(j.differences);
    } else {
      // The worst step decides; the case-level judgement (the last send's outcome and the
      // canonical after the last step) is one more step-like verdict after them.
      r.expected = std::to_string(spec.steps.size()) + " steps, then " + r.expected;
      r.verdict = verdict::pass;
      std::string reason;
      for (std::size_t k = 0; k < spec.steps.size(); ++k) {
        const auto& st = spec.steps[k];
        const auto& run = rec.steps[k];
        step_result sr;
        sr.step = static_cast<unsigned>(k + 1);
        sr.kind = std::string(vectors::to_string(st.kind));
        sr.file = st.file;
        sr.note = st.note;
        sr.exchange = static_cast<unsigned>(run.exchange);
        sr.duration_ms = run.duration_ms;
        if (run.ran) {
          sr.verdict = run.judged.verdict;
          sr.expected = run.judged.expected;
          sr.actual = run.judged.actual;
          sr.reason = run.judged.reason;
        } else {
          sr.verdict = verdict::skipped;
          sr.reason = "not run: an earlier step ended the sequence";
        }
        const std::string label = "step " + std::to_string(k + 1) + " (" + sr.kind + ")";
        if (run.ran && st.kind != vectors::step_kind::wait) {
          if (!r.actual.empty()) r.actual += "; ";
          r.actual += label + ": " + sr.actual;
        }
        if (run.ran && worst_verdict(r.verdict, sr.verdict) != r.verdict) {
          r.verdict = sr.verdict;
          reason = label + ": " + (sr.reason.empty() ? sr.actual : sr.reason);
        }
        r.steps.push_back(std::move(sr));
      }
      if (sequence_complete && !observed.empty()) {
        auto j = judge(spec, observed, classified, data, opts.judge);
        if (worst_verdict(r.verdict, j.verdict) != r.verdict) {
          r.verdict = j.verdict;
          reason = "after the last step: " + j.reason;
        }
        r.differences = std::move(j.differences);
      }
      r.reason = std::move(reason);
    }
    r.duration_ms = rec.duration_ms;
    for (std::size_t p = 0; p < rec.sent.size(); ++p) {
      const auto& x = rec.sent[p];
      const auto& o = rec.observed[p];
      const auto step_kind = rec.exchange_kinds[p];
      exchange_record e;
      e.part = static_cast<unsigned>(p + 1);
      if (step_kind == vectors::step_kind::send) {
        e.kind = std::string(to_string(x.kind));
        auto ep = t.endpoints.find(x.kind);
        e.endpoint = ep != t.endpoints.end() ? ep->second : "";
      } else {
        e.kind = step_kind == vectors::step_kind::control ? "control" : "unsolicited";
        for (const auto& run : rec.steps)
          if (run.exchange == p + 1) e.endpoint = run.endpoint;
      }
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
