#include "apipnr/profile/path.hpp"

#include <gtest/gtest.h>

namespace apipnr::profile {
namespace {

TEST(ProfilePath, ParsesGroupSegmentAndComponentSteps) {
  auto p = parse_path("SG4[NAD+FL|FM]/SG5/DOC/@2.1");
  ASSERT_TRUE(p) << p.error();
  ASSERT_EQ(p->steps.size(), 4u);
  EXPECT_EQ(p->steps[0].kind, step_kind::group);
  EXPECT_EQ(p->steps[0].trigger_tag, "NAD");
  EXPECT_EQ(p->steps[0].values, (std::vector<std::string>{"FL", "FM"}));
  EXPECT_EQ(p->steps[2].kind, step_kind::segment);
  EXPECT_EQ(p->steps[3].element, 2);
  EXPECT_EQ(p->steps[3].component, 1);
  EXPECT_TRUE(p->ends_in_element());
}

TEST(ProfilePath, ParsesEmptyQualifierPredicateAndElementIds) {
  auto p = parse_path("SG1/SG2/RFF[]/C506.1153");
  ASSERT_TRUE(p) << p.error();
  EXPECT_TRUE(p->steps[2].has_predicate);
  EXPECT_EQ(p->steps[2].values, (std::vector<std::string>{""}));
  EXPECT_EQ(p->steps[3].name, "C506");
  EXPECT_EQ(p->steps[3].component_id, "1153");
  EXPECT_EQ(p->steps[3].element, 0);
}

TEST(ProfilePath, RejectsElementWithoutSegment) { EXPECT_FALSE(parse_path("SG4/@1")); }

TEST(ProfilePath, RejectsStepAfterElement) { EXPECT_FALSE(parse_path("DOC/@1/@2")); }

TEST(ProfilePath, RejectsMalformedGroupPredicate) {
  EXPECT_FALSE(parse_path("SG4[FL]/NAD"));
  EXPECT_FALSE(parse_path("SG4[NAD+FL/NAD"));
}

TEST(ProfilePath, RejectsEmptyStepsAndLowerCase) {
  EXPECT_FALSE(parse_path(""));
  EXPECT_FALSE(parse_path("SG4//NAD"));
  EXPECT_FALSE(parse_path("SG4/"));
  EXPECT_FALSE(parse_path("nad/@1"));
  EXPECT_FALSE(parse_path("DOC/@0"));
}

}  // namespace
}  // namespace apipnr::profile
