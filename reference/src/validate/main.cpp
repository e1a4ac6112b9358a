// apipnr-validate: check passenger-data messages against the reference and a state's profile.
// Thin: options -> engine -> runner -> writers. Exit status: 0 accepted, 1 rejected, 2 usage or
// I/O error (docs/error-codes-validate.md).
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "apipnr/pipeline/pipeline.hpp"
#include "apipnr/validate/inputs.hpp"
#include "apipnr/validate/quality.hpp"
#include "apipnr/validate/report.hpp"
#include "apipnr/validate/runner.hpp"

#ifndef APIPNR_VALIDATE_SPECS_DIR
#define APIPNR_VALIDATE_SPECS_DIR "specs"
#endif
#ifndef APIPNR_VERSION
#define APIPNR_VERSION "0.0.0"
#endif

namespace {

namespace fs = std::filesystem;
namespace v = apipnr::validate;

bool write_file(const fs::path& p, const std::string& text) {
  std::ofstream f(p, std::ios::binary | std::ios::trunc);
  if (!f) return false;
  f << text;
  f.flush();
  return static_cast<bool>(f);
}

int run_main(int argc, char** argv) {
  CLI::App app{
      "apipnr-validate: check PAXLST / PNRGOV / iAPI interchanges (EDIFACT or PNRGOV XML) "
      "against the apipnr reference and a state's profile.\nExit status: 0 all accepted, 1 at "
      "least one reject, 2 usage or I/O error."};
  std::vector<std::string> paths;
  std::string profile = "baseline";
  std::string specs = APIPNR_VALIDATE_SPECS_DIR;
  std::string format = "text";
  std::string output, quality_dir;
  bool strict = true, tolerant = false, contrl = false, extract = false, warnings_as_errors = false;
  app.add_option("inputs", paths, "files, folders (recursive, sorted) or - for standard input")
      ->required();
  app.add_option("--profile", profile,
                 "baseline, a country overlay name (us, uk, cn, ...) or a state's overlay file")
      ->capture_default_str();
  app.add_option("--specs", specs, "folder with messages/ and profiles/")->capture_default_str();
  auto* strict_flag = app.add_flag("--strict", strict, "strict syntax (default)");
  app.add_flag("--tolerant", tolerant, "tolerable syntax faults become warnings")
      ->excludes(strict_flag);
  app.add_option("--format", format, "text, json or junit")
      ->check(CLI::IsMember({"text", "json", "junit"}))
      ->capture_default_str();
  app.add_flag("--contrl", contrl, "print the CONTRL the reference receiver would send");
  app.add_flag("--extract", extract, "add the canonical JSON of what was understood");
  app.add_flag("--warnings-as-errors", warnings_as_errors,
               "exit 1 when a file is accepted with warnings");
  app.add_option("--quality-report", quality_dir,
                 "write DIR/quality.json and DIR/quality.html (data quality over the batch)");
  app.add_option("--output", output, "write the report to FILE instead of standard output");
  app.set_version_flag("--version", APIPNR_VERSION);
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "[apipnr.validate.002] " << e.what() << "\n"
              << "usage: apipnr-validate [options] inputs... (see --help)\n";
    return 2;
  }

  apipnr::pipeline::options opts;
  opts.specs_dir = specs;
  opts.profile = profile;
  opts.syntax_mode = tolerant ? apipnr::edifact::mode::tolerant : apipnr::edifact::mode::strict;
  opts.contrl = contrl;
  opts.extract = true;  // sets are joined and the quality report reads the travellers
  apipnr::pipeline::load_error load_err;
  auto engine = apipnr::pipeline::engine::load(opts, load_err);
  if (!engine) {
    std::cerr << "[apipnr.validate.004] cannot load profile '" << profile << "' from " << specs
              << ": " << (load_err.message.empty() ? engine.error().message() : load_err.message)
              << "\n";
    return 2;
  }

  const v::input_list inputs = v::collect_inputs(paths);
  for (const auto& e : inputs.errors) std::cerr << e << "\n";

  v::run_settings settings;
  settings.tool_version = APIPNR_VERSION;
  settings.profile = profile;
  settings.mode = tolerant ? "tolerant" : "strict";
  settings.include_extract = extract;
  settings.include_contrl = contrl;
  settings.warnings_as_errors = warnings_as_errors;
  v::quality_collector quality;
  v::run_report rep =
      v::run(*engine, inputs.inputs, settings, quality_dir.empty() ? nullptr : &quality);
  for (const auto& f : rep.files) {
    if (f.read_failed && f.error) std::cerr << *f.error << "\n";
  }

  std::string text;
  if (format == "json") {
    text = v::format_json(rep);
  } else if (format == "junit") {
    text = v::format_junit(rep);
  } else {
    text = v::format_text(rep);
  }
  if (output.empty()) {
    std::cout << text << std::flush;
  } else if (!write_file(output, text)) {
    std::cerr << "[apipnr.validate.005] cannot write " << output << "\n";
    return 2;
  }

  if (!quality_dir.empty()) {
    std::error_code ec;
    fs::create_directories(quality_dir, ec);
    const v::quality_report q = quality.finish();
    if (ec || !write_file(fs::path(quality_dir) / "quality.json", v::to_json(q).dump(2) + "\n") ||
        !write_file(fs::path(quality_dir) / "quality.html", v::to_html(q))) {
      std::cerr << "[apipnr.validate.006] cannot write the quality report to " << quality_dir
                << (ec ? ": " + ec.message() : std::string()) << "\n";
      return 2;
    }
  }

  const int status = v::exit_status(rep);
  return inputs.errors.empty() ? status : 2;
}

}  // namespace

int main(int argc, char** argv) {
  // Process edge: anything unexpected (std::bad_alloc, a filesystem exception) is reported with
  // an ID instead of terminating with a core dump.
  try {
    return run_main(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "[apipnr.validate.007] internal error: " << e.what() << "\n";
    return 2;
  }
}
