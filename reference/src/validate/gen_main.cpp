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

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: apipnr-validate-gen OUT_DIR [COUNT] [TRAVELLERS]\n";
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  const unsigned long count = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 1000;
  const unsigned long travellers = argc > 3 ? std::strtoul(argv[3], nullptr, 10) : 540;
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
