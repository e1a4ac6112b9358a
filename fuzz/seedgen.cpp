// Writes a few small generated PAXLST interchanges into a directory, so that the fuzz corpus
// always holds multi-traveller, multi-message and error-laden inputs, whatever vectors/ holds.
// Usage: apipnr-fuzz-seedgen <directory>
#include <cstdio>
#include <string>

#include "paxlst_generator.hpp"

namespace {

bool write_file(const std::string& path, const std::string& text) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return false;
  const bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  return std::fclose(f) == 0 && ok;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "[apipnr.fuzz.001] usage: apipnr-fuzz-seedgen <directory>\n");
    return 2;
  }
  using apipnr::bench::paxlst_options;
  struct seed {
    const char* name;
    paxlst_options opts;
  };
  const seed seeds[] = {
      {"gen_one_traveller.edi", paxlst_options{.seed = 11, .travellers = 1}},
      {"gen_five_travellers.edi",
       paxlst_options{.seed = 12, .travellers = 5, .escaped_name_one_in = 2}},
      {"gen_three_messages.edi",
       paxlst_options{.seed = 13, .travellers = 9, .messages = 3, .line_break_one_in = 3}},
      {"gen_errors.edi",
       paxlst_options{.seed = 14, .travellers = 8, .messages = 2, .error_every = 3}},
  };
  const std::string dir = argv[1];
  for (const seed& s : seeds) {
    if (!write_file(dir + "/" + s.name, apipnr::bench::make_paxlst(s.opts))) {
      std::fprintf(stderr, "[apipnr.fuzz.002] cannot write %s/%s\n", dir.c_str(), s.name);
      return 1;
    }
  }
  return 0;
}
