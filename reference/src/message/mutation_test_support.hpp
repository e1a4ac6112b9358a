// Test-only: the random message edits the message layer's differential tests share
// (MessagePlan.MutatedMessagesParseTheSameWithoutPlans, FastStructure.MutatedMessages...).
// Edits stay between the first UNH and the last UNT, so the envelope keeps parsing.
#pragma once

#include <cstddef>
#include <random>
#include <string>
#include <vector>

namespace apipnr::message::test_support {

// One to four edits of `text`: a separator, release character, letter, qualifier or tag
// inserted; one to three characters dropped; or a run of whole segments copied elsewhere
// (repeats, misplaced groups). Deterministic for a given `rng` state.
inline std::string mutated(std::string text, std::mt19937& rng) {
  static const std::vector<std::string> inserts = {
      "+",    ":",    "'",    "?",
      "*",    "X",    "7",    "++",
      "::",   "AB",   "FL",   "NAD+",
      "DOC+", "DTM+", "ZZZ+", "XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"};
  const int edits = 1 + static_cast<int>(rng() % 4);
  for (int k = 0; k < edits; ++k) {
    const std::size_t begin = text.find("UNH+");
    const std::size_t unt = text.rfind("UNT+");
    if (begin == std::string::npos || unt == std::string::npos || unt < begin + 8) break;
    const std::size_t end = unt;
    const std::size_t at = begin + 4 + rng() % (end - begin - 4);
    switch (rng() % 4) {
      case 0:
        text.insert(at, inserts[rng() % inserts.size()]);
        break;
      case 1:
        text.erase(at, 1 + rng() % 3);
        break;
      default: {
        const std::size_t from = text.find('\'', begin + 4 + rng() % (end - begin - 4));
        if (from == std::string::npos || from + 1 >= end) break;
        std::size_t to = from + 1;
        for (int s = 1 + static_cast<int>(rng() % 3); s > 0 && to < end; --s) {
          const std::size_t next = text.find('\'', to);
          if (next == std::string::npos || next >= end) break;
          to = next + 1;
        }
        const std::string run = text.substr(from + 1, to - from - 1);
        const std::size_t target = text.find('\'', begin + 4 + rng() % (end - begin - 4));
        if (target != std::string::npos && target < end) text.insert(target + 1, run);
        break;
      }
    }
  }
  return text;
}

}  // namespace apipnr::message::test_support
