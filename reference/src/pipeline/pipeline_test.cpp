#include "apipnr/pipeline/pipeline.hpp"

#include <gtest/gtest.h>

namespace apipnr::pipeline {
namespace {

TEST(PipelineVerdict, EmptyFindingsAccept) { EXPECT_EQ(verdict_of({}), verdict::accept); }

}  // namespace
}  // namespace apipnr::pipeline
