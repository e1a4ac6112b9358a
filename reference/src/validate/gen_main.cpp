// apipnr-validate-gen: writes a deterministic batch of synthetic PAXLST interchanges
// (bench/paxlst_generator.hpp) for scripts/bench-validate.sh.
//
//   apipnr-validate-gen OUT_DIR [COUNT=1000] [TRAVELLERS=540]
//
// File i (0-based) is seed i+1; every tenth file carries injected syntax errors so that the
// benchmark also exercises the finding and excerpt paths. Output depends only on the arguments.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "paxlst_generator.hpp"

namespace {

constexpr const char* usage =
    "usage: apipnr-validate-gen OUT_DIR [COUNT=1000] [TRAVELLERS=540]\n"
    "  writes COUNT synthetic PAXLST interchanges (1..100000) of TRAVELLERS travellers\n"
    "  (1..100000) each into OUT_DIR as paxlst_NNNNN.edi\n";

// A whole decimal number in [1, max]; nullopt for anything else ("", "12x", "-3", "0").
bool parse_count(const char* text, unsigned long max, unsigned long& out) {
  char* end = nullptr;
  if (text[0] < '0' || text[0] > '9') return false;
  out = std::strtoul(text, &end, 10);
  return *end == '\0' && out >= 1 && out <= max;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && (std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h")) {
    std::cout << usage;
    return 0;
  }
  // An option where OUT_DIR belongs would otherwise become a folder named after it.
  if (argc < 2 || argc > 4 || argv[1][0] == '-' || argv[1][0] == '\0') {
    std::cerr << usage;
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  unsigned long count = 1000;
  unsigned long travellers = 540;
  if (argc > 2 && !parse_count(argv[2], 100000, count)) {
    std::cerr << "apipnr-validate-gen: COUNT must be a number from 1 to 100000, not '" << argv[2]
              << "'\n"
              << usage;
    return 2;
  }
  if (argc > 3 && !parse_count(argv[3], 100000, travellers)) {
    std::cerr << "apipnr-validate-gen: TRAVELLERS must be a number from 1 to 100000, not '"
              << argv[3] << "'\n"
              << usage;
    return 2;
  }
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    std::cerr << "cannot create " << dir << ": " << ec.message() << "\n";
    return 2;
  }
  std::size_t total = 0;
  for (unsigned long i = 0; i < count; ++i) {
    apipnr::bench::paxlst_options o;
    o.seed = i + 1;
    o.travellers = static_cast<std::uint32_t>(travellers);
    o.error_every = i % 10 == 9 ? 97 : 0;
    const std::string text = apipnr::bench::make_paxlst(o);
    char name[32];
    std::snprintf(name, sizeof name, "paxlst_%05lu.edi", i);
    std::ofstream f(dir / name, std::ios::binary);
    f << text;
    if (!f) {
      std::cerr << "cannot write " << (dir / name) << "\n";
      return 2;
    }
    total += text.size();
  }
  std::cout << count << " interchanges, " << total << " bytes in " << dir.string() << "\n";
  return 0;
}
