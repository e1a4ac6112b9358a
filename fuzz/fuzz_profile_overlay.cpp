// libFuzzer target: the profile overlay loader (reference/include/apipnr/profile/profile.hpp,
// load_profile), which reads a state's own overlay (an operator's file) with its `extends`
// chain (parents from specs/profiles), then, when it loads, evaluates the compiled profile on
// three accepted vector messages (PAXLST A.1, PNRGOV A.3, an iAPI request).
//
// The input is written to a private temporary directory as `<profile>.json` (the `profile`
// member when it is a plain name, so that the shipped profiles work as seeds; else
// `fuzz.json`) and removed after the run.
//
// Traps on: an exception escaping load_profile (errors are returned; only std::bad_alloc may
// escape); an error outside the apipnr.profile category or without file, or whose pointer is
// not an RFC 6901 pointer; and, for a profile that loads, profile::fast_validate saying
// "clean" where profile::validate reports (the same check as fuzz_pipeline, here with the
// fuzzed overlay). Stack overflow or hangs (a pattern the loader compiles, a path it resolves)
// show up under ASan and libFuzzer's -timeout.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <new>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "apipnr/edifact/parser.hpp"
#include "apipnr/message/definitions.hpp"
#include "apipnr/message/tree.hpp"
#include "apipnr/profile/errc.hpp"
#include "apipnr/profile/fast_validate.hpp"
#include "apipnr/profile/profile.hpp"
#include "apipnr/profile/validate.hpp"
#include "fuzz_check.hpp"

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

const apipnr::message::definitions& defs() {
  static const apipnr::message::definitions d = [] {
    auto r = apipnr::message::load_definitions(std::string(APIPNR_SPECS_DIR) + "/messages");
    APIPNR_FUZZ_CHECK(r.has_value());
    return std::move(*r);
  }();
  return d;
}

const fs::path& work_dir() { return apipnr::fuzzing::private_temp_dir("apipnr-fuzz-profile"); }

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

const std::vector<std::string>& messages() {
  static const std::vector<std::string> m = [] {
    const fs::path v = fs::path(APIPNR_VECTORS_DIR) / "edifact" / "messages";
    std::vector<std::string> out;
    for (const char* f : {"paxlst/y_a1_one_passenger.edi", "pnrgov/y_a3_full_push.edi",
                          "iapi/y_cn_iapi_request.edi"}) {
      out.push_back(read(v / f));
      APIPNR_FUZZ_CHECK(!out.back().empty());
    }
    return out;
  }();
  return m;
}

std::string file_name_for(std::string_view text) {
  const json doc = json::parse(text.begin(), text.end(), nullptr, false);
  if (doc.is_object()) {
    const auto it = doc.find("profile");
    if (it != doc.end() && it->is_string()) {
      const auto& name = it->get_ref<const std::string&>();
      bool plain = !name.empty() && name.size() <= 32;
      for (char c : name)
        plain = plain && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-');
      if (plain) return name;
    }
  }
  return "fuzz";
}

void evaluate(const apipnr::profile::profile& prof) {
  apipnr::profile::validate_options opt;
  opt.today = apipnr::model::calendar_date{2026, 1, 15};
  const auto so = apipnr::profile::structure_options_for(prof);
  for (const auto& text : messages()) {
    apipnr::edifact::interchange ic;
    apipnr::diagnostic_list syntax;
    (void)apipnr::edifact::parser{}.parse(text, ic, syntax);
    apipnr::message::message_tree tree;
    for (std::size_t m = 0; m < ic.messages.size(); ++m) {
      apipnr::diagnostic_list ignored;
      (void)apipnr::message::parse_structure(ic, m, defs(), ignored, tree, so);
      const bool clean = apipnr::profile::fast_validate(ic, m, tree, prof, opt);
      apipnr::diagnostic_list found;
      apipnr::profile::validate(ic, m, tree, prof, found, opt);
      if (clean) APIPNR_FUZZ_CHECK(found.empty());
    }
  }
}

void run(std::string_view text) {
  const fs::path file = work_dir() / (file_name_for(text) + ".json");
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    APIPNR_FUZZ_CHECK(out.good());
  }
  apipnr::profile::load_options opt;
  opt.search_path.push_back(fs::path(APIPNR_SPECS_DIR) / "profiles");
  auto r = apipnr::profile::load_profile(file, defs(), opt);
  std::error_code ec;
  fs::remove(file, ec);
  if (!r) {
    const auto& e = r.error();
    APIPNR_FUZZ_CHECK(e.code.category() == apipnr::profile::profile_category());
    APIPNR_FUZZ_CHECK(!e.file.empty());
    try {
      (void)json::json_pointer(e.pointer);
    } catch (const json::exception&) {
      std::fprintf(stderr, "error pointer '%s' is not an RFC 6901 pointer\n", e.pointer.c_str());
      __builtin_trap();
    }
    APIPNR_FUZZ_CHECK(!e.to_string().empty());
    return;
  }
  evaluate(*r);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return apipnr::fuzzing::run_without_exceptions(data, size, "the profile loader", run);
}
