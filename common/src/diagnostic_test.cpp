#include "apipnr/common/diagnostic.hpp"

#include <gtest/gtest.h>

namespace apipnr {
namespace {

TEST(Diagnostic, LocateCountsLinesAndColumnsFromOne) {
  const std::string_view text = "UNA:+.? '\nUNB+UNOA:4'\r\nUNH+1'";
  EXPECT_EQ(locate(text, 0).line, 1u);
  EXPECT_EQ(locate(text, 0).column, 1u);
  const auto lc = locate(text, text.find("UNH"));
  EXPECT_EQ(lc.line, 3u);
  EXPECT_EQ(lc.column, 1u);
  EXPECT_EQ(locate(text, text.find("UNOA")).column, 5u);
}

TEST(Diagnostic, LocateClampsOffsetsPastTheEnd) {
  EXPECT_EQ(locate("AB\nC", 999).line, 2u);
  EXPECT_EQ(locate("AB\nC", 999).column, 2u);
}

TEST(Diagnostic, ListReportsWorstSeverity) {
  diagnostic_list list;
  EXPECT_EQ(list.worst(), severity::info);
  EXPECT_FALSE(list.has_errors());
  diagnostic w;
  w.level = severity::warning;
  list.report(w);
  EXPECT_FALSE(list.has_errors());
  diagnostic e;
  e.level = severity::error;
  list.report(e);
  EXPECT_TRUE(list.has_errors());
  EXPECT_EQ(list.size(), 2u);
}

TEST(Diagnostic, SeverityAndScopeHaveStableNames) {
  EXPECT_EQ(to_string(severity::fatal), "fatal");
  EXPECT_EQ(to_string(scope::component), "component");
}

}  // namespace
}  // namespace apipnr
