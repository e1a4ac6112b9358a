#include "apipnr/harness/selection.hpp"

#include <gtest/gtest.h>

#include "test_support_internal.hpp"

namespace apipnr::harness {
namespace {

using testing::make_case;
using vectors::outcome;

TEST(HarnessGlob, StarStaysInSegmentDoubleStarCrosses) {
  EXPECT_TRUE(glob_match("edifact/*/una/9", "edifact/syntax/una/9"));
  EXPECT_FALSE(glob_match("edifact/*/9", "edifact/syntax/una/9"));
  EXPECT_TRUE(glob_match("edifact/**/9", "edifact/syntax/una/9"));
  EXPECT_TRUE(glob_match("edifact/syntax/una/?", "edifact/syntax/una/9"));
  EXPECT_FALSE(glob_match("edifact/syntax/una/?", "edifact/syntax/una/10"));
}

TEST(HarnessGlob, BarePrefixSelectsSubtreeOnSegmentBoundary) {
  EXPECT_TRUE(glob_selects("edifact/syntax/una", "edifact/syntax/una/9"));
  EXPECT_TRUE(glob_selects("edifact/syntax/una/", "edifact/syntax/una/9"));
  EXPECT_TRUE(glob_selects("edifact/syntax/una/1", "edifact/syntax/una/1"));
  EXPECT_FALSE(glob_selects("edifact/syntax/una/1", "edifact/syntax/una/10"));
  EXPECT_FALSE(glob_selects("edifact/syntax/un", "edifact/syntax/una/9"));
  EXPECT_TRUE(glob_selects("edifact/*/una", "edifact/syntax/una/9"));
  EXPECT_FALSE(glob_selects("", "edifact/syntax/una/9"));
}

vectors::corpus sample() {
  vectors::corpus c;
  c.cases.push_back(make_case("edifact/syntax/una/1", outcome::reject));
  c.cases.push_back(make_case("edifact/syntax/una/2", outcome::accept));
  c.cases.back().level = "SHOULD";
  c.cases.push_back(make_case("edifact/syntax/una/3", outcome::accept));
  c.cases.back().retired = true;
  c.cases.push_back(make_case("edifact/messages/country/1", outcome::accept));
  c.cases.back().profile = "us";
  c.cases.push_back(make_case("edifact/messages/paxlst/1", outcome::accept));
  c.cases.back().profile = "baseline";
  c.cases.push_back(make_case("edifact/messages/pnrgov/1", outcome::accept));
  c.cases.back().profile = "baseline";
  return c;
}

std::vector<std::string> run_ids(const std::vector<selected_case>& s) {
  std::vector<std::string> out;
  for (const auto& x : s)
    if (x.run) out.push_back(x.spec->id);
  return out;
}

TEST(HarnessSelection, DefaultRunsMustBaselineAndNeverRetired) {
  auto c = sample();
  auto s = select_cases(c, {});
  EXPECT_EQ(run_ids(s),
            (std::vector<std::string>{"edifact/syntax/una/1", "edifact/messages/paxlst/1",
                                      "edifact/messages/pnrgov/1"}));
  EXPECT_EQ(s[1].skip_reason, "SHOULD (use --strict)");
  EXPECT_EQ(s[2].skip_reason, "retired");
  EXPECT_EQ(s[3].skip_reason, "profile us (running baseline)");
}

TEST(HarnessSelection, StrictAddsShouldButNotRetired) {
  auto c = sample();
  selection_options o;
  o.strict = true;
  auto ids = run_ids(select_cases(c, o));
  EXPECT_EQ(ids.size(), 4u);
  EXPECT_EQ(ids[1], "edifact/syntax/una/2");
}

TEST(HarnessSelection, CountryProfileSkipsBaselineMessageCasesKeepsSyntax) {
  auto c = sample();
  selection_options o;
  o.profile = "us";
  EXPECT_EQ(run_ids(select_cases(c, o)),
            (std::vector<std::string>{"edifact/syntax/una/1", "edifact/messages/country/1"}));
}

TEST(HarnessSelection, RunAndSkipGlobsAreRepeatable) {
  auto c = sample();
  selection_options o;
  o.run = {"edifact/messages", "edifact/syntax/una/1"};
  o.skip = {"**/pnrgov"};
  auto s = select_cases(c, o);
  EXPECT_EQ(run_ids(s),
            (std::vector<std::string>{"edifact/syntax/una/1", "edifact/messages/paxlst/1"}));
  EXPECT_EQ(s[5].skip_reason, "matched by --skip **/pnrgov");
}

TEST(HarnessSelection, TargetWithoutEndpointForKindSkips) {
  auto c = sample();
  selection_options o;
  o.available_kinds = {"paxlst"};
  auto s = select_cases(c, o);
  EXPECT_EQ(s[5].skip_reason, "target has no endpoint for pnrgov_edifact");
  EXPECT_TRUE(s[4].run);
}

TEST(HarnessSelection, SequenceIsRoutedByItsFirstSendStep) {
  // A syntax-corpus sequence (no folder routing) whose first send is a PNRGOV interchange.
  vectors::corpus c;
  c.cases.push_back(make_case("edifact/syntax/seq/1", outcome::accept));
  auto& k = c.cases.back();
  k.input.clear();
  k.input_bytes.clear();
  vectors::step_spec wait;
  wait.kind = vectors::step_kind::wait;
  vectors::step_spec send;
  send.file = "y_push.edi";
  send.bytes = "UNA:+.? 'UNB+IATA:1+XX+PIU+250301:0930+1'UNH+1+PNRGOV:11:1:IA'";
  k.steps = {wait, send, send};
  selection_options o;
  o.available_kinds = {"paxlst"};
  EXPECT_EQ(select_cases(c, o)[0].skip_reason, "target has no endpoint for pnrgov_edifact");
  o.available_kinds = {"pnrgov_edifact"};
  EXPECT_TRUE(select_cases(c, o)[0].run);
}

TEST(HarnessSelection, RealCorpusSelectsByPrefixAndFamilies) {
  auto corpus = vectors::load_corpus(APIPNR_VECTORS_DIR);
  ASSERT_TRUE(corpus.has_value());
  selection_options o;
  o.run = {"edifact/syntax/una"};
  std::size_t n = 0;
  for (const auto& s : select_cases(*corpus, o)) {
    if (!s.run) continue;
    ++n;
    EXPECT_EQ(family_of(s.spec->id), "edifact/syntax/una");
  }
  EXPECT_GT(n, 3u);
  std::set<std::string> ids;
  EXPECT_TRUE(read_profile_list(APIPNR_VECTORS_DIR, "reference-limits", ids));
  EXPECT_FALSE(read_profile_list(APIPNR_VECTORS_DIR, "no-such-list", ids));
}

}  // namespace
}  // namespace apipnr::harness
