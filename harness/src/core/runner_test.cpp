#include "apipnr/harness/runner.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "apipnr/harness/results.hpp"
#include "test_support_internal.hpp"

namespace apipnr::harness {
namespace {

using testing::answered;
using testing::failed;
using testing::fixed_transport;

const std::string accept_contrl = "UNB+UNOA:4+R+S+250301:0930+1'UCI+1+S+R+7'UNZ+1+1'";
const std::string reject_contrl = "UNB+UNOA:4+R+S+250301:0930+1'UCI+1+S+R+4+20'UNZ+1+1'";

target http_target() {
  target t;
  for (auto k : {message_kind::paxlst, message_kind::iapi, message_kind::pnrgov_edifact,
                 message_kind::pnrgov_xml})
    t.endpoints[k] = "http://127.0.0.1:1/x";
  return t;
}

const vectors::corpus& corpus() {
  static const vectors::corpus c = [] {
    auto r = vectors::load_corpus(APIPNR_VECTORS_DIR);
    return r ? *r : vectors::corpus{};
  }();
  return c;
}

std::vector<case_result> run_with(observation answer, unsigned jobs = 2,
                                  classifier cls = classify_by_status) {
  selection_options o;
  o.channel = "http";
  auto sel = select_cases(corpus(), o);
  runner_options ro;
  ro.jobs = jobs;
  return run_cases(
      sel, http_target(), [answer] { return std::make_unique<fixed_transport>(answer); }, cls,
      nullptr, ro);
}

TEST(HarnessMeta, AlwaysAcceptEndpointFailsEveryRejectCasePassesEveryAccept) {
  ASSERT_FALSE(corpus().cases.empty());
  std::size_t accepts = 0, rejects = 0;
  for (const auto& r : run_with(answered(200, accept_contrl))) {
    if (r.verdict == verdict::skipped) continue;
    if (r.expected_outcome == "accept") {
      ++accepts;
      EXPECT_EQ(r.verdict, verdict::pass) << r.id << ": " << r.reason;
    } else if (r.expected_outcome == "reject") {
      ++rejects;
      // An incomplete multi-part set cannot be shown to be rejected without a query interface.
      if (r.verdict != verdict::informational) {
        EXPECT_EQ(r.verdict, verdict::fail_should_have_rejected) << r.id;
      }
    }
  }
  EXPECT_GT(accepts, 50u);
  EXPECT_GT(rejects, 50u);
}

TEST(HarnessMeta, AlwaysRejectEndpointFailsEveryAcceptCase) {
  std::size_t rejects = 0;
  for (const auto& r : run_with(answered(400, reject_contrl))) {
    if (r.verdict == verdict::skipped) continue;
    if (r.expected_outcome == "accept") {
      EXPECT_EQ(r.verdict, verdict::fail_should_have_accepted) << r.id;
    } else if (r.expected_outcome == "reject") {
      ++rejects;
      EXPECT_FALSE(is_failure(r.verdict) && r.verdict != verdict::fail_wrong_code) << r.id;
    }
  }
  EXPECT_GT(rejects, 50u);
}

TEST(HarnessMeta, HangingEndpointGivesTimeoutNeverFailure) {
  for (const auto& r : run_with(failed(transport_outcome::timeout), 1)) {
    if (r.verdict == verdict::skipped) continue;
    EXPECT_EQ(r.verdict, verdict::timeout) << r.id;
  }
}

TEST(HarnessMeta, RefusedEndpointGivesEndpointDown) {
  auto results = run_with(failed(transport_outcome::endpoint_down));
  for (const auto& r : results) {
    if (r.verdict == verdict::skipped) continue;
    EXPECT_EQ(r.verdict, verdict::endpoint_down) << r.id;
    // A set stops at the first failed part.
    EXPECT_EQ(r.exchanges.size(), 1u) << r.id;
  }
}

class throwing_transport final : public transport {
 public:
  observation send(const exchange&) override { throw std::runtime_error("boom"); }
};

TEST(HarnessRunner, ThrowingTransportIsContainedAsTransportError) {
  std::vector<selected_case> sel;
  sel.push_back({&corpus().cases.front(), true, ""});
  auto out = run_cases(sel, http_target(), [] { return std::make_unique<throwing_transport>(); },
                       classify_by_status, nullptr, {});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].verdict, verdict::transport_error);
  EXPECT_NE(out[0].actual.find("boom"), std::string::npos);
}

TEST(HarnessRunner, ResultsInCorpusOrderWhateverJobsAndRecordExchanges) {
  auto one = run_with(answered(202), 1);
  auto four = run_with(answered(202), 4);
  ASSERT_EQ(one.size(), four.size());
  for (std::size_t i = 0; i < one.size(); ++i) {
    EXPECT_EQ(one[i].id, four[i].id);
    EXPECT_EQ(one[i].verdict, four[i].verdict);
  }
  for (const auto& r : one) {
    if (r.verdict == verdict::skipped) continue;
    ASSERT_FALSE(r.exchanges.empty());
    EXPECT_EQ(r.exchanges[0].correlation_id, "run/" + r.id + "/1");
    EXPECT_EQ(r.exchanges[0].outcome, "completed") << r.id;
  }
}

TEST(HarnessRunner, MultiPartCasesSendEveryPartInOrder) {
  const vectors::case_spec* multi = nullptr;
  for (const auto& c : corpus().cases)
    if (c.parts.size() >= 3 && !c.retired) multi = &c;
  ASSERT_NE(multi, nullptr);
  std::vector<selected_case> sel{{multi, true, ""}};
  auto out =
      run_cases(sel, http_target(), [] { return std::make_unique<fixed_transport>(answered(202)); },
                classify_by_status, nullptr, {});
  ASSERT_EQ(out[0].exchanges.size(), multi->parts.size());
  for (std::size_t p = 0; p < multi->parts.size(); ++p)
    EXPECT_EQ(out[0].exchanges[p].sent, multi->part_bytes[p]);
}

TEST(HarnessRunner, ExportFileGivesDataFidelity) {
  const vectors::case_spec* acc = nullptr;
  for (const auto& c : corpus().cases)
    if (!c.expect.canonical.empty() && c.parts.empty() && !c.retired) {
      acc = &c;
      break;
    }
  ASSERT_NE(acc, nullptr);
  std::ifstream in(acc->canonical_path());
  auto canonical = nlohmann::json::parse(in);
  auto file =
      std::filesystem::temp_directory_path() / ("hcore-export-" + std::to_string(::getpid()));
  auto write_export = [&](nlohmann::json msg) {
    msg["x_correlation_id"] = "run/" + acc->id + "/1";
    std::ofstream(file) << "\n" << msg.dump() << "\n";
  };
  std::vector<selected_case> sel{{acc, true, ""}};
  auto run_once = [&] {
    auto src = make_export_source(file);
    return run_cases(sel, http_target(),
                     [] { return std::make_unique<fixed_transport>(answered(202)); },
                     classify_by_status, src.get(), {})[0];
  };
  write_export(canonical);
  EXPECT_EQ(run_once().verdict, verdict::pass);
  auto wrong = canonical;
  wrong["travellers"][0]["surname"] = "SOMEONE ELSE";
  write_export(wrong);
  auto r = run_once();
  EXPECT_EQ(r.verdict, verdict::fail_data);
  ASSERT_FALSE(r.differences.empty());
  EXPECT_EQ(r.differences[0].pointer, "/travellers/0/surname");
  std::filesystem::remove(file);
}

// The evidence says per case whether stored data was read back: a pass without a query
// interface or export rests on the acknowledgement alone and is marked so; a case that expects
// no stored data carries no mark; a flight count through an export (which has no flight query)
// is not assessed rather than failed.
TEST(HarnessRunner, DataCheckSaysWhetherStoredDataWasReadBack) {
  const vectors::case_spec* acc = nullptr;
  const vectors::case_spec* rej = nullptr;
  const vectors::case_spec* counted = nullptr;
  for (const auto& c : corpus().cases) {
    if (c.retired) continue;
    if (!acc && !c.expect.canonical.empty() && c.parts.empty() && c.steps.empty() &&
        !c.expect.stored_travellers)
      acc = &c;
    if (!rej && c.expect.result == vectors::outcome::reject && c.parts.empty() && c.steps.empty())
      rej = &c;
    if (!counted && c.expect.stored_travellers && c.expect.result == vectors::outcome::accept)
      counted = &c;
  }
  ASSERT_TRUE(acc && rej && counted);
  auto run = [](const vectors::case_spec* c, canonical_source* src) {
    std::vector<selected_case> sel{{c, true, ""}};
    return run_cases(sel, http_target(),
                     [] { return std::make_unique<fixed_transport>(answered(202)); },
                     classify_by_status, src, {})[0];
  };
  auto blind = run(acc, nullptr);
  EXPECT_EQ(blind.verdict, verdict::pass) << blind.reason;
  EXPECT_EQ(blind.data_check, "not_assessed");
  EXPECT_EQ(run(rej, nullptr).data_check, "");

  auto file =
      std::filesystem::temp_directory_path() / ("hcore-datacheck-" + std::to_string(::getpid()));
  std::ifstream in(acc->canonical_path());
  auto msg = nlohmann::json::parse(in);
  msg["x_correlation_id"] = "run/" + acc->id + "/1";
  std::ofstream(file) << msg.dump() << "\n";
  auto src = make_export_source(file);
  auto seen = run(acc, src.get());
  EXPECT_EQ(seen.verdict, verdict::pass) << seen.reason;
  EXPECT_EQ(seen.data_check, "checked");
  // A stored-traveller count through an export: not assessed, not fail_data.
  auto src2 = make_export_source(file);
  auto c = run(counted, src2.get());
  EXPECT_NE(c.verdict, verdict::fail_data) << c.reason;
  EXPECT_EQ(c.data_check, "not_assessed");
  std::filesystem::remove(file);
  // And the mark survives the results file.
  run_results rr;
  rr.manifest.data_source = "none";
  rr.cases = {blind};
  const auto j = to_json(rr);
  EXPECT_EQ(j["manifest"]["data_source"], "none");
  EXPECT_EQ(j["cases"][0]["data_check"], "not_assessed");
}

TEST(HarnessRunner, QuerySourceUsesMessageIdAndPicksCanonical) {
  std::string asked;
  auto src = make_query_source({"http://q:1/", "", ""}, [&](const std::string& url) {
    asked = url;
    return answered(200, R"({"verdict":"accept","messages":[{"canonical_version":"1.0","a":1}]})");
  });
  classification k;
  k.message_id = "42";
  auto got = src->lookup(corpus().cases.front(), {}, {k});
  EXPECT_EQ(asked, "http://q:1/v1/messages/42");
  ASSERT_TRUE(got.found) << got.error;
  EXPECT_EQ(got.message["a"], 1);
  EXPECT_FALSE(src->lookup(corpus().cases.front(), {}, {classification{}}).found);
  EXPECT_FALSE(pick_canonical(nlohmann::json::parse(R"({"x":1})"), ""));
  EXPECT_TRUE(pick_canonical(nlohmann::json::parse(R"({"x":{"y":1}})"), "/x"));
}

// expect.stored_travellers: every page of the flight query is counted; an answer that does not
// page forward, has no travellers array or is no 200 is an error, never a count.
TEST(HarnessRunner, QuerySourceCountsTheFlightsTravellersOverEveryPage) {
  std::vector<std::string> asked;
  std::vector<std::string> pages = {R"({"travellers":[{},{}],"next_offset":2})",
                                    R"({"travellers":[{}],"next_offset":null})"};
  auto src = make_query_source({"http://q:1", "", ""}, [&](const std::string& url) {
    asked.push_back(url);
    return answered(200, pages[std::min(asked.size(), pages.size()) - 1]);
  });
  const vectors::stored_travellers_expectation f{"XX", "981", "2025-03-01", 3};
  auto got = src->stored_travellers(f);
  ASSERT_TRUE(got.count) << got.error;
  EXPECT_EQ(*got.count, 3u);
  ASSERT_EQ(asked.size(), 2u);
  EXPECT_EQ(asked[0], "http://q:1/v1/flights/XX/981/2025-03-01/travellers");
  EXPECT_EQ(asked[1], "http://q:1/v1/flights/XX/981/2025-03-01/travellers?offset=2");

  pages = {R"({"travellers":[{}],"next_offset":0})"};
  asked.clear();
  got = src->stored_travellers(f);
  EXPECT_FALSE(got.count);
  EXPECT_NE(got.error.find("does not move forward"), std::string::npos) << got.error;
  pages = {R"({"items":[]})"};
  asked.clear();
  EXPECT_FALSE(src->stored_travellers(f).count);
  auto down = make_query_source({"http://q:1", "", ""},
                                [](const std::string&) { return answered(404, "{}"); });
  got = down->stored_travellers(f);
  EXPECT_FALSE(got.count);
  EXPECT_NE(got.error.find("HTTP 404"), std::string::npos) << got.error;
  // The export file has no flight query: said, not guessed.
  EXPECT_FALSE(make_export_source("/nonexistent")->stored_travellers(f).count);
}

// ---- sequences (vectors/README.md "Sequences") -------------------------------------------

// Answers the i-th exchange with answers[i] (the last one repeated); records what it was sent
// into `sent`, which outlives the transport (the runner destroys it when its worker ends).
class scripted_transport final : public transport {
 public:
  scripted_transport(std::vector<observation> answers, std::vector<exchange>& sent)
      : answers_(std::move(answers)), sent_(sent) {}
  observation send(const exchange& x) override {
    sent_.push_back(x);
    return answers_[std::min(sent_.size(), answers_.size()) - 1];
  }

 private:
  std::vector<observation> answers_;
  std::vector<exchange>& sent_;
};

vectors::step_spec send_step(std::string file, std::string bytes) {
  vectors::step_spec st;
  st.file = std::move(file);
  st.bytes = std::move(bytes);
  st.expect.result = vectors::outcome_from_prefix(st.file).value_or(vectors::outcome::either);
  return st;
}

vectors::step_spec other_step(vectors::step_kind k) {
  vectors::step_spec st;
  st.kind = k;
  if (k == vectors::step_kind::control) st.file = "c_change.json";
  if (k == vectors::step_kind::await_unsolicited) st.within_ms = 100;
  return st;
}

vectors::case_spec sequence(std::vector<vectors::step_spec> steps) {
  vectors::case_spec c =
      testing::make_case("edifact/messages/paxlst-sequences/90", vectors::outcome::accept);
  c.input.clear();
  c.input_bytes.clear();
  c.steps = std::move(steps);
  for (auto it = c.steps.rbegin(); it != c.steps.rend(); ++it)
    if (it->kind == vectors::step_kind::send) {
      c.expect.result = it->expect.result;
      break;
    }
  return c;
}

struct sequence_run {
  std::vector<case_result> results;
  std::vector<exchange> sent;
};

sequence_run run_sequence(const vectors::case_spec& c, std::vector<observation> answers,
                          step_executor* ex = nullptr, canonical_source* source = nullptr) {
  sequence_run out;
  std::vector<selected_case> sel{{&c, true, ""}};
  runner_options ro;
  ro.steps = ex;
  out.results = run_cases(
      sel, http_target(), [&] { return std::make_unique<scripted_transport>(answers, out.sent); },
      classify_by_status, source, ro);
  return out;
}

TEST(HarnessSequence, StepsRunInOrderAndTheWorstStepDecides) {
  const auto c = sequence(
      {send_step("y_a.edi", "A"), other_step(vectors::step_kind::wait), send_step("y_b.edi", "B")});
  auto run = run_sequence(c, {answered(202), answered(422)});
  ASSERT_EQ(run.sent.size(), 2u);
  EXPECT_EQ(run.sent[0].body, "A");
  EXPECT_EQ(run.sent[1].body, "B");
  EXPECT_EQ(run.sent[1].correlation_id, "run/" + c.id + "/2");
  const auto& r = run.results[0];
  EXPECT_EQ(r.verdict, verdict::fail_should_have_accepted);
  EXPECT_NE(r.reason.find("step 3 (send)"), std::string::npos) << r.reason;
  ASSERT_EQ(r.steps.size(), 3u);
  EXPECT_EQ(r.steps[0].verdict, verdict::pass);
  EXPECT_EQ(r.steps[0].exchange, 1u);
  EXPECT_EQ(r.steps[1].kind, "wait");
  EXPECT_EQ(r.steps[1].exchange, 0u);
  EXPECT_EQ(r.steps[2].verdict, verdict::fail_should_have_accepted);
  EXPECT_EQ(r.steps[2].file, "y_b.edi");
  EXPECT_EQ(r.steps[2].exchange, 2u);
  ASSERT_EQ(r.exchanges.size(), 2u);
  EXPECT_EQ(r.exchanges[1].http_status, 422);
}

TEST(HarnessSequence, EveryStepPassingPassesTheCase) {
  const auto c = sequence({send_step("y_a.edi", "A"), send_step("y_a.edi", "A")});
  auto run = run_sequence(c, {answered(202)});
  EXPECT_EQ(run.results[0].verdict, verdict::pass) << run.results[0].reason;
  EXPECT_EQ(run.results[0].steps.size(), 2u);
}

TEST(HarnessSequence, EachSendStepIsJudgedAgainstItsOwnExpect) {
  // A reject step then an accept step: each judged on its own answer.
  const auto c = sequence({send_step("n_bad.edi", "X"), send_step("y_good.edi", "A")});
  auto run = run_sequence(c, {answered(422), answered(202)});
  EXPECT_EQ(run.results[0].verdict, verdict::pass) << run.results[0].reason;
  EXPECT_EQ(run.results[0].steps[0].verdict, verdict::pass);
}

TEST(HarnessSequence, TransportProblemEndsTheSequenceAndLaterStepsAreNotRun) {
  const auto c = sequence({send_step("y_a.edi", "A"), send_step("y_b.edi", "B")});
  auto run = run_sequence(c, {failed(transport_outcome::timeout)});
  EXPECT_EQ(run.sent.size(), 1u);
  const auto& r = run.results[0];
  EXPECT_EQ(r.verdict, verdict::timeout);
  ASSERT_EQ(r.steps.size(), 2u);
  EXPECT_EQ(r.steps[1].verdict, verdict::skipped);
  EXPECT_NE(r.steps[1].reason.find("not run"), std::string::npos);
}

TEST(HarnessSequence, FailureOutranksALaterTimeout) {
  EXPECT_EQ(worst_verdict(verdict::fail_data, verdict::timeout), verdict::fail_data);
  EXPECT_EQ(worst_verdict(verdict::pass, verdict::timeout), verdict::timeout);
  EXPECT_EQ(worst_verdict(verdict::pass_non_strict, verdict::pass), verdict::pass_non_strict);
  EXPECT_EQ(worst_verdict(verdict::informational, verdict::pass_non_strict),
            verdict::informational);
  // Within one class the earlier step is kept.
  EXPECT_EQ(worst_verdict(verdict::fail_wrong_code, verdict::fail_data), verdict::fail_wrong_code);
}

TEST(HarnessSequence, ControlStepWithoutExecutorSkipsTheCaseBeforeSendingAnything) {
  const auto c = sequence({send_step("y_a.edi", "A"), other_step(vectors::step_kind::control)});
  auto run = run_sequence(c, {answered(202)});
  EXPECT_TRUE(run.sent.empty());
  EXPECT_EQ(run.results[0].verdict, verdict::skipped);
  EXPECT_EQ(run.results[0].skip_reason, "target has no control section");
}

// A step executor for the runner's side of the contract: it answers from a script and records
// how it was called (the real one is the harness's control/unsolicited endpoint, "unsol").
class scripted_executor final : public step_executor {
 public:
  bool control = true, unsolicited = true;
  std::vector<std::pair<std::size_t, std::string>> calls;  // (step index, correlation id)
  bool supports(vectors::step_kind k) const override {
    return k == vectors::step_kind::control             ? control
           : k == vectors::step_kind::await_unsolicited ? unsolicited
                                                        : false;
  }
  step_outcome execute(const vectors::case_spec& c, std::size_t step,
                       const std::string& id) override {
    calls.emplace_back(step, id);
    step_outcome o;
    o.endpoint = "http://127.0.0.1:1/control/v1/status-change";
    if (c.steps[step].kind == vectors::step_kind::control) {
      o.sent.body = R"({"directive":"1Z"})";
      o.observed = answered(202, R"({"delivery":"delivered"})");
      o.judged.verdict = verdict::pass;
      o.judged.actual = "HTTP 202";
    } else {
      o.observed = failed(transport_outcome::timeout);
      o.judged.verdict = verdict::timeout;
      o.judged.reason = "no unsolicited message within 100 ms";
    }
    return o;
  }
};

TEST(HarnessSequence, UnsupportedUnsolicitedSkipsWithItsReason) {
  scripted_executor ex;
  ex.unsolicited = false;
  const auto c = sequence({send_step("y_a.edi", "A"), other_step(vectors::step_kind::control),
                           other_step(vectors::step_kind::await_unsolicited)});
  auto run = run_sequence(c, {answered(202)}, &ex);
  EXPECT_EQ(run.results[0].verdict, verdict::skipped);
  EXPECT_EQ(run.results[0].skip_reason, "target has no unsolicited section");
  EXPECT_TRUE(ex.calls.empty());
}

TEST(HarnessSequence, ExecutorStepsAreRecordedAndAnAwaitTimeoutDoesNotEndTheSequence) {
  scripted_executor ex;
  const auto c =
      sequence({send_step("y_a.edi", "A"), other_step(vectors::step_kind::control),
                other_step(vectors::step_kind::await_unsolicited), send_step("y_b.edi", "B")});
  auto run = run_sequence(c, {answered(202)}, &ex);
  ASSERT_EQ(ex.calls.size(), 2u);
  EXPECT_EQ(ex.calls[0].first, 1u);
  EXPECT_EQ(ex.calls[0].second, "run/" + c.id + "/2");
  EXPECT_EQ(ex.calls[1].first, 2u);
  EXPECT_EQ(run.sent.size(), 2u);  // the send after the timed-out await still ran
  const auto& r = run.results[0];
  EXPECT_EQ(r.verdict, verdict::timeout);
  ASSERT_EQ(r.exchanges.size(), 4u);
  EXPECT_EQ(r.exchanges[1].kind, "control");
  EXPECT_EQ(r.exchanges[1].endpoint, "http://127.0.0.1:1/control/v1/status-change");
  EXPECT_EQ(r.exchanges[1].sent, R"({"directive":"1Z"})");
  EXPECT_EQ(r.exchanges[2].kind, "unsolicited");
  EXPECT_EQ(r.steps[1].verdict, verdict::pass);
  EXPECT_EQ(r.steps[2].verdict, verdict::timeout);
  EXPECT_EQ(r.steps[3].verdict, verdict::pass);
}

// Records what the case-level look-up was given.
class recording_source final : public canonical_source {
 public:
  std::vector<exchange> sent;
  data_lookup lookup(const vectors::case_spec&, const std::vector<exchange>& s,
                     const std::vector<classification>&) override {
    sent = s;
    data_lookup d;
    d.found = true;
    d.message = nlohmann::json::parse(R"({"canonical_version": "1.0", "travellers": []})");
    return d;
  }
};

TEST(HarnessSequence, CanonicalIsJudgedOnceAfterTheLastStepFromTheSendsOnly) {
  scripted_executor ex;
  auto c = sequence({send_step("y_a.edi", "A"), other_step(vectors::step_kind::control),
                     send_step("y_b.edi", "B")});
  // The corpus's first canonical file stands in for the expected state after the sequence.
  for (const auto& k : corpus().cases)
    if (!k.expect.canonical.empty() && k.parts.empty()) {
      c.manifest = k.manifest;
      c.expect.canonical = k.expect.canonical;
      break;
    }
  ASSERT_FALSE(c.expect.canonical.empty());
  recording_source src;
  auto run = run_sequence(c, {answered(202)}, &ex, &src);
  ASSERT_EQ(src.sent.size(), 2u);  // the control POST is not a message of the case
  EXPECT_EQ(src.sent[1].body, "B");
  const auto& r = run.results[0];
  EXPECT_EQ(r.verdict, verdict::fail_data);
  EXPECT_EQ(r.reason.rfind("after the last step", 0), 0u) << r.reason;
  EXPECT_FALSE(r.differences.empty());
  EXPECT_EQ(r.steps[2].verdict, verdict::pass);
}

// A flight source that counts `count` travellers (or fails) and records the flight asked for.
class counting_source final : public canonical_source {
 public:
  explicit counting_source(std::optional<std::uint64_t> count) : count_(count) {}
  std::string asked;
  data_lookup lookup(const vectors::case_spec&, const std::vector<exchange>&,
                     const std::vector<classification>&) override {
    return {};
  }
  travellers_lookup stored_travellers(const vectors::stored_travellers_expectation& f) override {
    asked = f.carrier + f.number + "/" + f.date;
    return {count_, count_ ? "" : "query down"};
  }

 private:
  std::optional<std::uint64_t> count_;
};

// A resend stored twice shows as two travellers where the case sent one: fail_data, after the
// last step, whatever the acknowledgements said.
TEST(HarnessSequence, StoredTravellersAreCountedAfterTheLastStep) {
  auto c = sequence({send_step("y_a.edi", "A"), send_step("y_a.edi", "A")});
  c.expect.stored_travellers = vectors::stored_travellers_expectation{"XX", "981", "2025-03-01", 1};
  {
    counting_source once(1);
    const auto run = run_sequence(c, {answered(202)}, nullptr, &once);
    EXPECT_EQ(once.asked, "XX981/2025-03-01");
    EXPECT_EQ(run.results[0].verdict, verdict::pass) << run.results[0].reason;
  }
  {
    counting_source twice(2);
    const auto run = run_sequence(c, {answered(202)}, nullptr, &twice);
    const auto& r = run.results[0];
    EXPECT_EQ(r.verdict, verdict::fail_data);
    EXPECT_NE(r.reason.find("2 travellers stored, expected 1"), std::string::npos) << r.reason;
    ASSERT_EQ(r.differences.size(), 1u);
    EXPECT_EQ(r.differences[0].pointer, "/stored_travellers/count");
  }
  {
    counting_source down(std::nullopt);
    const auto run = run_sequence(c, {answered(202)}, nullptr, &down);
    EXPECT_EQ(run.results[0].verdict, verdict::fail_data);
    EXPECT_NE(run.results[0].reason.find("query down"), std::string::npos);
  }
  // No query interface (no source): not checked, the acknowledgements decide.
  EXPECT_EQ(run_sequence(c, {answered(202)}).results[0].verdict, verdict::pass);
}

TEST(HarnessRunner, ClassifyByStatus) {
  EXPECT_EQ(classify_by_status(answered(202)).result, decision::accepted);
  EXPECT_EQ(classify_by_status(answered(422)).result, decision::rejected);
  EXPECT_EQ(classify_by_status(answered(503)).result, decision::unknown);
}

}  // namespace
}  // namespace apipnr::harness
