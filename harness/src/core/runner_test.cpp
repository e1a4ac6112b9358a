#include "apipnr/harness/runner.hpp"

#include <gtest/gtest.h>

#include <fstream>

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

TEST(HarnessRunner, ClassifyByStatus) {
  EXPECT_EQ(classify_by_status(answered(202)).result, decision::accepted);
  EXPECT_EQ(classify_by_status(answered(422)).result, decision::rejected);
  EXPECT_EQ(classify_by_status(answered(503)).result, decision::unknown);
}

}  // namespace
}  // namespace apipnr::harness
