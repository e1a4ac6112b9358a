#include "apipnr/harness/fixtures.hpp"

#include <fstream>

#include <gtest/gtest.h>
#include <unistd.h>

#include "apipnr/harness/digest.hpp"
#include "apipnr/harness/selection.hpp"

namespace apipnr::harness {
namespace {

namespace fs = std::filesystem;

class Fixtures : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("apipnr-fixtures-" + std::to_string(::getpid()));
    fs::create_directories(root_ / "fixtures");
    std::ofstream(root_ / "fixtures" / "iapi-watchlist.json", std::ios::binary) << R"({"a":1})";
  }
  void TearDown() override { fs::remove_all(root_); }
  fs::path root_;
};

TEST_F(Fixtures, DeclaredHashOfTheCorpusFilePasses) {
  target t;
  t.fixtures["iapi-watchlist"] = sha256_hex(R"({"a":1})");
  EXPECT_TRUE(check_fixtures(t, root_).empty());
}

TEST_F(Fixtures, DifferentHashIsRefusedWith019) {
  target t;
  t.file = "t.json";
  t.fixtures["iapi-watchlist"] = std::string(64, '0');
  const auto errors = check_fixtures(t, root_);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].code, "apipnr.harness.019");
  EXPECT_EQ(errors[0].pointer, "/fixtures/iapi-watchlist");
  EXPECT_NE(errors[0].message.find(sha256_hex(R"({"a":1})")), std::string::npos);
}

TEST_F(Fixtures, UnknownFixtureIsRefusedWith018) {
  target t;
  t.fixtures["no-such-list"] = std::string(64, 'a');
  const auto errors = check_fixtures(t, root_);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].code, "apipnr.harness.018");
}

TEST(FixturesTarget, MemberParsedAndValidated) {
  std::vector<config_error> errors;
  const std::string hash(64, 'b');
  auto t = parse_target(R"({"transport":"http","http":{"endpoints":{"iapi":"http://h/x"}},
                            "fixtures":{"iapi-watchlist":")" +
                            hash + R"("}})",
                        "/tmp/t.json", errors);
  ASSERT_TRUE(t) << (errors.empty() ? "" : to_string(errors[0]));
  EXPECT_EQ(t->fixtures.at("iapi-watchlist"), hash);
  errors.clear();
  EXPECT_FALSE(parse_target(R"({"transport":"http","http":{"endpoints":{"iapi":"http://h/x"}},
                                "fixtures":{"iapi-watchlist":"ABC"}})",
                            "/tmp/t.json", errors));
  ASSERT_FALSE(errors.empty());
  EXPECT_EQ(errors[0].pointer, "/fixtures/iapi-watchlist");
}

TEST(FixturesSelection, CaseRequiringAnUndeclaredFixtureIsSkippedWithReason) {
  vectors::corpus c;
  vectors::case_spec k;
  k.id = "edifact/messages/iapi/9";
  k.level = "MUST";
  k.required_fixtures = {"iapi-watchlist"};
  c.cases.push_back(k);
  selection_options o;
  auto s = select_cases(c, o);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_FALSE(s[0].run);
  EXPECT_EQ(s[0].skip_reason, "requires fixture iapi-watchlist, not declared by the target");
  o.fixtures.insert("iapi-watchlist");
  EXPECT_TRUE(select_cases(c, o)[0].run);
}

}  // namespace
}  // namespace apipnr::harness
