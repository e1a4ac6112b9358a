// apipnr-harness generate: writes a synthetic traffic run (docs/GENERATOR.md). Thin: options
// in, apipnr::harness_generate out. Exit 0 written, 2 usage or I/O error
// ("[apipnr.generate.NNN] ...", docs/error-codes-harness-generate.md).
#include "generate_command.hpp"

#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>

#include "apipnr/harness/generate.hpp"

namespace apipnr::harness {
namespace {

constexpr const char* generate_usage =
    "usage: apipnr-harness generate --out DIR [options]\n"
    "  --out DIR              output folder (created; must be empty): manifest.jsonl,\n"
    "                         generator.json, messages/, canonical/\n"
    "  --seed N               PRNG seed (default 1); same seed and options, same bytes\n"
    "  --profile NAME         day profile: small, mid-size (default), hub\n"
    "  --flights N            flights in the day (default: the profile's)\n"
    "  --run-seconds N        the 24 h day compressed into N seconds (default 3600)\n"
    "  --date YYYY-MM-DD      the generated day (default 2026-03-02)\n"
    "  --max-part-bytes N     multi-part PAXLST/PNRGOV above N bytes (default 65536)\n"
    "  --pnr-xml-per-mille N  share of flights pushing PNRGOV XML (default 200)\n"
    "  --pnr-push full|update full pushes (default) or update pushes after the first\n"
    "  --only LIST            comma-separated kinds: paxlst,crew,iapi,pnr (default all)\n"
    "  --no-write             render every message in memory, write nothing (measures the\n"
    "                         generator alone; --out not needed)\n"
    "  --quiet                no summary\n";

std::uint64_t number(const std::string& flag, const std::string& v, std::uint64_t max) {
  if (v.empty() || v.size() > 19 || v.find_first_not_of("0123456789") != std::string::npos)
    throw std::invalid_argument(flag + " needs a non-negative integer, got \"" + v + "\"");
  const std::uint64_t n = std::stoull(v);
  if (n > max) throw std::invalid_argument(flag + " is at most " + std::to_string(max));
  return n;
}

}  // namespace

int run_generate(const std::vector<std::string>& args) {
  generate::options o;
  std::string out;
  bool quiet = false, no_write = false;
  try {
    for (std::size_t i = 0; i < args.size(); ++i) {
      const std::string& f = args[i];
      if (f == "-h" || f == "--help") {
        std::cout << generate_usage;
        return 0;
      }
      if (f == "--quiet") {
        quiet = true;
        continue;
      }
      if (f == "--no-write") {
        no_write = true;
        continue;
      }
      if (i + 1 >= args.size()) throw std::invalid_argument(f + " needs a value");
      const std::string& v = args[++i];
      if (f == "--out")
        out = v;
      else if (f == "--seed")
        o.seed = number(f, v, UINT64_MAX);
      else if (f == "--profile")
        o.profile = v;
      else if (f == "--flights")
        o.flights = static_cast<std::uint32_t>(number(f, v, 100000));
      else if (f == "--run-seconds")
        o.run_seconds = static_cast<std::uint32_t>(number(f, v, 100000000));
      else if (f == "--date")
        o.date = v;
      else if (f == "--max-part-bytes")
        o.max_part_bytes = number(f, v, 1u << 30);
      else if (f == "--pnr-xml-per-mille")
        o.pnr_xml_per_mille = static_cast<std::uint32_t>(number(f, v, 100000));
      else if (f == "--pnr-push") {
        if (v == "full")
          o.pnr_push = generate::push_mode::full;
        else if (v == "update")
          o.pnr_push = generate::push_mode::update;
        else
          throw std::invalid_argument("--pnr-push is full or update");
      } else if (f == "--only") {
        o.paxlst = o.crew = o.iapi = o.pnr = false;
        std::size_t from = 0;
        while (from <= v.size()) {
          const std::size_t comma = std::min(v.find(',', from), v.size());
          const std::string k = v.substr(from, comma - from);
          if (k == "paxlst")
            o.paxlst = true;
          else if (k == "crew")
            o.crew = true;
          else if (k == "iapi")
            o.iapi = true;
          else if (k == "pnr")
            o.pnr = true;
          else
            throw std::invalid_argument("--only: unknown kind \"" + k + "\"");
          from = comma + 1;
        }
      } else {
        throw std::invalid_argument("unknown option " + f);
      }
    }
    if (out.empty() && !no_write) throw std::invalid_argument("--out DIR is required");
  } catch (const std::exception& e) {
    std::cerr << "[apipnr.generate.009] " << e.what() << "\n" << generate_usage;
    return 2;
  }
  generate::plan p;
  std::string error;
  if (!generate::make_plan(o, p, error)) {
    std::cerr << error << "\n";
    return 2;
  }
  generate::totals t;
  const auto start = std::chrono::steady_clock::now();
  if (no_write) {
    // What a load engine does when it generates without disk: render, keep nothing.
    for (std::size_t i = 0; i < p.events().size(); ++i) {
      for (const generate::message& m : p.render(i)) {
        ++t.messages;
        t.bytes += m.bytes.size();
        std::uint64_t& n = m.kind == "paxlst"        ? t.paxlst
                           : m.kind == "iapi"        ? t.iapi
                           : m.kind == "pnr_edifact" ? t.pnr_edifact
                                                     : t.pnr_xml;
        ++n;
      }
    }
    out = "(not written)";
  } else if (!generate::write_run(p, out, t, error)) {
    std::cerr << error << "\n";
    return 2;
  }
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!quiet) {
    std::printf(
        "generated %llu messages, %.1f MB (paxlst %llu, iapi %llu, pnr_edifact %llu, pnr_xml "
        "%llu) in %.2f s: %.1f MB/s, %.0f messages/s -> %s\n",
        static_cast<unsigned long long>(t.messages), static_cast<double>(t.bytes) / 1e6,
        static_cast<unsigned long long>(t.paxlst), static_cast<unsigned long long>(t.iapi),
        static_cast<unsigned long long>(t.pnr_edifact), static_cast<unsigned long long>(t.pnr_xml),
        s, s > 0 ? static_cast<double>(t.bytes) / 1e6 / s : 0.0,
        s > 0 ? static_cast<double>(t.messages) / s : 0.0, out.c_str());
  }
  return 0;
}

}  // namespace apipnr::harness
