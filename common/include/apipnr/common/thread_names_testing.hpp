#pragma once

// The names of the calling process's threads (/proc/self/task/*/comm), for tests that check
// that a component names its threads (test code only; Linux).

#include <filesystem>
#include <fstream>
#include <set>
#include <string>

namespace apipnr::common::testing {

inline std::multiset<std::string> thread_names() {
  std::multiset<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream in(e.path() / "comm");
    std::string name;
    std::getline(in, name);
    out.insert(name);
  }
  return out;
}

}  // namespace apipnr::common::testing
