#include "pnrgov_generator.hpp"

#include <cstddef>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

namespace apipnr::bench {
namespace {

std::size_t count(std::string_view text, std::string_view what) {
  std::size_t n = 0;
  for (auto pos = text.find(what); pos != std::string_view::npos; pos = text.find(what, pos + 1))
    ++n;
  return n;
}

// UNT and EQN must match what was written, independently of the reference parser (which the
// benchmarks measure).
TEST(PnrgovGenerator, CountsAreConsistent) {
  const std::string text = make_pnrgov(pnrgov_options{.seed = 7, .pnrs = 25});
  EXPECT_EQ(count(text, "'SRC'"), 25u);
  EXPECT_NE(text.find("'EQN+25'"), std::string::npos);
  const std::size_t unh = text.find("UNH+");
  const std::size_t unt = text.find("UNT+");
  ASSERT_NE(unh, std::string::npos);
  ASSERT_NE(unt, std::string::npos);
  // Segments UNH..UNT inclusive: terminators between them plus UNT's own.
  const std::size_t segments = count(std::string_view(text).substr(unh, unt - unh), "'") + 1;
  EXPECT_NE(text.find("UNT+" + std::to_string(segments) + "+1'"), std::string::npos);
  EXPECT_EQ(segments, pnrgov_fixed_message_segments + 25 * pnrgov_segments_per_pnr);
}

TEST(PnrgovGenerator, DeterministicAndSeedDependent) {
  EXPECT_EQ(make_pnrgov({.seed = 3, .pnrs = 10}), make_pnrgov({.seed = 3, .pnrs = 10}));
  EXPECT_NE(make_pnrgov({.seed = 3, .pnrs = 10}), make_pnrgov({.seed = 4, .pnrs = 10}));
}

}  // namespace
}  // namespace apipnr::bench
