// apipnr-harness: list | lint | run | report | sign | verify (docs/HARNESS.md, docs/REPORTS.md).
// Parses arguments and calls the libraries; process-edge errors print "[apipnr.harness.NNN] ..."
// (docs/error-codes-harness.md, docs/error-codes-harness-report.md) and exit with 2. Exit codes:
// 0 no unexpected failure (verify: verified), 1 some fail_* verdict (verify: a problem found),
// 2 usage, configuration, lint or I/O error.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "apipnr/harness/digest.hpp"
#include "apipnr/harness/fixtures.hpp"
#include "apipnr/harness/report_html.hpp"
#include "apipnr/harness/results.hpp"
#include "apipnr/harness/runner.hpp"
#ifdef APIPNR_HARNESS_HAVE_UNSOLICITED
#include "apipnr/harness/unsolicited.hpp"
#endif
#ifdef APIPNR_HARNESS_HAVE_UNSOLICITED_AMQP
#include "apipnr/harness/unsolicited_amqp.hpp"
#endif
#include "apipnr/harness/scoring.hpp"
#include "apipnr/harness/selection.hpp"
#include "apipnr/harness/signing.hpp"
#include "apipnr/harness/target.hpp"
#include "apipnr/harness/tender.hpp"
#include "apipnr/vectors/lint.hpp"
#include "apipnr/vectors/loader.hpp"
#include "apipnr_harness_build_info.hpp"
#ifdef APIPNR_HARNESS_HAVE_LOAD
#include "load_command.hpp"
#endif
#include "generate_command.hpp"
#ifdef APIPNR_HARNESS_HAVE_CLASSIFY
#include "apipnr/harness/canonical_diff.hpp"
#include "apipnr/harness/classify.hpp"
#endif
#ifdef APIPNR_HARNESS_HAVE_HTTP
#include "apipnr/harness/transport_http.hpp"
#endif
#ifdef APIPNR_HARNESS_HAVE_AMQP
#include "apipnr/harness/transport_amqp.hpp"
#endif

namespace ah = apipnr::harness;
namespace av = apipnr::vectors;

namespace {

struct usage_error {
  std::string message;
};

struct cli {
  std::string command;
  std::string vectors = "vectors";
  std::string requirements = "specs/requirements";
  std::string target_file, tender_file, report_dir, results_file, run_id, fake_endpoint;
  std::string key_file, public_key_file, out_file;
  // lint --exemptions / --coverage / --coverage-md
  std::string exemptions_file, coverage_file, coverage_md;
  std::vector<std::string> compare;  // report --compare A.json B.json ...
  bool vectors_given = false;        // verify checks the corpus only when asked to
  std::vector<std::string> run, skip, without;
  std::string profile = "baseline";
  bool strict = false, allow_insecure = false, per_case = false, quiet = false;
  unsigned jobs = 1;
  std::uint64_t seed = 0;
  bool seed_given = false;
  std::vector<std::string> argv;
};

constexpr const char* usage_text =
    "usage: apipnr-harness <list|lint|run|report|sign|verify> [options] [ID-PREFIX...]\n"
    "       apipnr-harness load ENDPOINT MESSAGES [SCHEDULE]   (performance; load --help)\n"
    "       apipnr-harness generate --out DIR [options]   (synthetic traffic; generate --help)\n"
    "  --vectors DIR          vector corpus (default: vectors)\n"
    "  --requirements DIR     requirement catalogue (default: specs/requirements)\n"
    "  --target FILE          target file (run; specs/schemas/target.schema.json)\n"
    "  --tender FILE          tender profile (run, report): mandatory requirements, weights\n"
    "  --run GLOB / --skip GLOB   select case IDs (repeatable; a bare prefix selects a subtree)\n"
    "  --profile NAME         baseline (default) or a country overlay (us, uk, cn, ...)\n"
    "  --strict               include SHOULD cases\n"
    "  --without LIST         skip the cases of vectors/profiles/LIST.txt (repeatable)\n"
    "  --jobs N               parallel workers (default 1)\n"
    "  --report-dir DIR       where results.json and junit.xml go (default reports/<run-id>)\n"
    "  --run-id ID            name of the run (default: UTC time stamp)\n"
    "  --per-case             also write cases/<id>.json\n"
    "  --seed N               recorded in the manifest (default: random)\n"
    "  --allow-insecure       permit tls.insecure_skip_verify in the target file\n"
    "  --fake-endpoint accept|reject|hang|refuse   in-process endpoint for meta-tests\n"
    "  --results FILE         (report) results.json to re-render (also writes report.html)\n"
    "  --compare A.json B.json ...  (report) side-by-side bid comparison (same corpus,\n"
    "                         catalogue and tender profile), written to --out FILE\n"
    "  --out FILE             (report --compare) output file (default comparison.html)\n"
    "  --key FILE             (sign) Ed25519 private key, PEM (openssl genpkey -algorithm "
    "ed25519)\n"
    "  --public-key FILE      (verify) the evaluator's trusted public key, PEM\n"
    "                         (sign / verify take --report-dir; verify --vectors checks the "
    "corpus)\n"
    "  --exemptions FILE      (lint) coverage exemption list (default: "
    "VECTORS/coverage-exemptions.json)\n"
    "  --coverage FILE        (lint) write the requirements x cases matrix (JSON,\n"
    "                         specs/schemas/coverage-matrix.schema.json)\n"
    "  --coverage-md FILE     (lint) write its Markdown summary\n"
    "  --quiet                no progress output\n";

std::string need_value(const std::vector<std::string>& a, std::size_t& i) {
  if (i + 1 >= a.size()) throw usage_error{a[i] + " needs a value"};
  return a[++i];
}

cli parse_cli(int argc, char** argv) {
  cli c;
  std::vector<std::string> a(argv + 1, argv + argc);
  c.argv.assign(argv, argv + argc);
  if (a.empty()) throw usage_error{"no subcommand"};
  c.command = a[0];
  if (c.command == "-h" || c.command == "--help") {
    std::cout << usage_text;
    std::exit(0);
  }
  if (c.command != "list" && c.command != "lint" && c.command != "run" && c.command != "report" &&
      c.command != "sign" && c.command != "verify")
    throw usage_error{"unknown subcommand \"" + c.command + "\""};
  for (std::size_t i = 1; i < a.size(); ++i) {
    const std::string& f = a[i];
    if (f == "--vectors") {
      c.vectors = need_value(a, i);
      c.vectors_given = true;
    } else if (f == "--key")
      c.key_file = need_value(a, i);
    else if (f == "--public-key")
      c.public_key_file = need_value(a, i);
    else if (f == "--exemptions")
      c.exemptions_file = need_value(a, i);
    else if (f == "--coverage")
      c.coverage_file = need_value(a, i);
    else if (f == "--coverage-md")
      c.coverage_md = need_value(a, i);
    else if (f == "--out")
      c.out_file = need_value(a, i);
    else if (f == "--compare") {
      // Takes every following argument up to the next option: the results files to compare.
      while (i + 1 < a.size() && !a[i + 1].empty() && a[i + 1][0] != '-')
        c.compare.push_back(a[++i]);
      if (c.compare.size() < 2) throw usage_error{"--compare needs at least two results.json"};
    } else if (f == "--requirements")
      c.requirements = need_value(a, i);
    else if (f == "--target")
      c.target_file = need_value(a, i);
    else if (f == "--tender")
      c.tender_file = need_value(a, i);
    else if (f == "--run")
      c.run.push_back(need_value(a, i));
    else if (f == "--skip")
      c.skip.push_back(need_value(a, i));
    else if (f == "--without")
      c.without.push_back(need_value(a, i));
    else if (f == "--profile")
      c.profile = need_value(a, i);
    else if (f == "--strict")
      c.strict = true;
    else if (f == "--allow-insecure")
      c.allow_insecure = true;
    else if (f == "--per-case")
      c.per_case = true;
    else if (f == "--quiet")
      c.quiet = true;
    else if (f == "--report-dir")
      c.report_dir = need_value(a, i);
    else if (f == "--results")
      c.results_file = need_value(a, i);
    else if (f == "--run-id")
      c.run_id = need_value(a, i);
    else if (f == "--fake-endpoint")
      c.fake_endpoint = need_value(a, i);
    else if (f == "--jobs" || f == "--seed") {
      const std::string v = need_value(a, i);
      char* end = nullptr;
      const unsigned long long n = std::strtoull(v.c_str(), &end, 10);
      if (v.empty() || *end != '\0') throw usage_error{f + " needs a number"};
      if (f == "--jobs") {
        if (n == 0 || n > 64) throw usage_error{"--jobs must be 1..64"};
        c.jobs = static_cast<unsigned>(n);
      } else {
        c.seed = n;
        c.seed_given = true;
      }
    } else if (!f.empty() && f[0] == '-') {
      throw usage_error{"unknown option " + f};
    } else {
      c.run.push_back(f);  // positional ID prefixes, like h2spec
    }
  }
  if (!c.fake_endpoint.empty() && c.fake_endpoint != "accept" && c.fake_endpoint != "reject" &&
      c.fake_endpoint != "hang" && c.fake_endpoint != "refuse")
    throw usage_error{"--fake-endpoint must be accept, reject, hang or refuse"};
  return c;
}

void print_config_errors(const std::vector<ah::config_error>& errors) {
  for (const auto& e : errors) std::cerr << ah::to_string(e) << "\n";
}

bool load_corpus_and_catalogue(const cli& c, av::corpus& corpus, av::catalogue& cat) {
  std::vector<av::load_error> errors;
  corpus = av::load_corpus(c.vectors, errors);
  if (!errors.empty()) {
    for (const auto& e : errors) std::cerr << "[apipnr.harness.002] " << av::to_string(e) << "\n";
    return false;
  }
  cat = av::load_catalogue(c.requirements, errors);
  if (!errors.empty()) {
    for (const auto& e : errors) std::cerr << "[apipnr.harness.003] " << av::to_string(e) << "\n";
    return false;
  }
  return true;
}

// The fake endpoints of --fake-endpoint: they answer without a network, so that the harness
// can prove it discriminates (an always-accepting receiver must fail every reject case).
class fake_endpoint final : public ah::transport {
 public:
  explicit fake_endpoint(std::string mode) : mode_(std::move(mode)) {}
  ah::observation send(const ah::exchange&) override {
    ah::observation o;
    o.sent_at = std::chrono::system_clock::now();
    if (mode_ == "hang") {
      o.outcome = ah::transport_outcome::timeout;
      o.error = "fake endpoint never answers";
    } else if (mode_ == "refuse") {
      o.outcome = ah::transport_outcome::endpoint_down;
      o.error = "fake endpoint refuses connections";
    } else if (mode_ == "accept") {
      o.http_status = 200;
      o.content_type = "application/edifact";
      o.body = "UNB+UNOA:4+SUT+HARNESS+250301:0930+1'UCI+1+HARNESS+SUT+7'UNZ+1+1'";
    } else {
      o.http_status = 400;
      o.content_type = "application/edifact";
      o.body = "UNB+UNOA:4+SUT+HARNESS+250301:0930+1'UCI+1+HARNESS+SUT+4+20'UNZ+1+1'";
    }
    return o;
  }

 private:
  std::string mode_;
};

// Hands every worker the same thread-safe transport (AMQP: one connection, one reply queue).
class shared_transport final : public ah::transport {
 public:
  explicit shared_transport(std::shared_ptr<ah::transport> t) : t_(std::move(t)) {}
  ah::observation send(const ah::exchange& x) override { return t_->send(x); }

 private:
  std::shared_ptr<ah::transport> t_;
};

ah::classification classify_answer(const ah::observation& o) {
#ifdef APIPNR_HARNESS_HAVE_CLASSIFY
  return ah::classify(o);
#else
  return ah::classify_by_status(o);
#endif
}

std::string default_run_id() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

// Progress on stderr: a redrawn bar with counts and ETA on a terminal, plain lines otherwise
// (CI logs must not fill with carriage returns).
std::function<void(const ah::progress&)> make_progress(bool quiet) {
  if (quiet) return {};
  const bool tty = ::isatty(2) != 0;
  return [tty](const ah::progress& p) {
    const double secs = std::chrono::duration<double>(p.elapsed).count();
    const double eta = p.done == 0 ? 0 : secs / double(p.done) * double(p.total - p.done);
    if (tty) {
      const int width = 30;
      const int filled =
          p.total == 0 ? width : int(double(width) * double(p.done) / double(p.total));
      std::fprintf(stderr, "\r[%s%s] %zu/%zu pass %zu fail %zu error %zu other %zu ETA %.0fs ",
                   std::string(std::size_t(filled), '#').c_str(),
                   std::string(std::size_t(width - filled), '.').c_str(), p.done, p.total, p.passed,
                   p.failed, p.errors, p.other, eta);
      if (p.done == p.total) std::fputc('\n', stderr);
    } else if (p.done == p.total || p.done % 25 == 0) {
      std::fprintf(stderr, "progress %zu/%zu pass %zu fail %zu error %zu other %zu elapsed %.1fs\n",
                   p.done, p.total, p.passed, p.failed, p.errors, p.other, secs);
    }
  };
}

void print_summary(const ah::run_results& r, const std::filesystem::path& dir) {
  std::cout << "run " << r.manifest.run_id << ":";
  for (const auto& [name, n] : r.counts)
    if (n != 0) std::cout << " " << name << "=" << n;
  std::cout << "\n";
  for (const auto& c : r.cases)
    if (ah::is_failure(c.verdict) || ah::is_error(c.verdict))
      std::cout << "  " << ah::to_string(c.verdict) << "  " << c.id << "  " << c.reason << "\n";
  std::size_t unread = 0;
  for (const auto& c : r.cases)
    if (c.data_check == "not_assessed" && ah::is_pass(c.verdict)) ++unread;
  if (unread != 0)
    std::cout << "stored data not read back (target data source: "
              << (r.manifest.data_source.empty() ? "none" : r.manifest.data_source)
              << "): " << unread
              << " passing case(s) judged on their acknowledgement only (docs/QUERY-CONTRACT.md)\n";
  if (r.compliance != ah::compliance::not_assessed)
    std::cout << "compliance: " << ah::to_string(r.compliance) << "\n";
  if (r.score) std::cout << "score: " << *r.score << "\n";
  if (!dir.empty()) std::cout << "reports: " << dir.string() << "\n";
}

int cmd_list(const cli& c) {
  av::corpus corpus;
  av::catalogue cat;
  if (!load_corpus_and_catalogue(c, corpus, cat)) return 2;
  ah::selection_options o;
  o.run = c.run;
  o.skip = c.skip;
  o.profile = c.profile;
  o.strict = c.strict;
  for (const auto& w : c.without)
    if (!ah::read_profile_list(c.vectors, w, o.without_ids)) {
      std::cerr << "[apipnr.harness.004] cannot read profile list " << w << "\n";
      return 2;
    }
  std::size_t n = 0;
  for (const auto& s : ah::select_cases(corpus, o)) {
    std::string reqs;
    for (const auto& r : s.spec->requirement_ids()) reqs += (reqs.empty() ? "" : ",") + r;
    std::cout << s.spec->id << "  " << s.spec->level << "  " << av::to_string(s.spec->expect.result)
              << "  " << reqs;
    if (!s.run) std::cout << "  skipped: " << s.skip_reason;
    std::cout << "\n";
    n += s.run ? 1 : 0;
  }
  std::cout << n << " selected\n";
  return 0;
}

int cmd_lint(const cli& c) {
  av::corpus corpus;
  av::catalogue cat;
  if (!load_corpus_and_catalogue(c, corpus, cat)) return 2;
  av::lint_options lo;
  // The exemption list lives beside the corpus; an explicit --exemptions must exist.
  std::string exemptions = c.exemptions_file;
  if (exemptions.empty()) {
    const auto beside = std::filesystem::path(c.vectors) / "coverage-exemptions.json";
    std::error_code ec;
    if (std::filesystem::exists(beside, ec)) exemptions = beside.string();
  }
  if (!exemptions.empty()) {
    std::vector<av::load_error> errors;
    lo.exemptions = av::load_exemptions(exemptions, errors);
    if (!errors.empty()) {
      for (const auto& e : errors) std::cerr << "[apipnr.harness.002] " << av::to_string(e) << "\n";
      return 2;
    }
  }
  auto problems = av::lint(corpus, cat, lo);
  for (const auto& p : problems) std::cout << av::to_string(p) << "\n";
  std::cout << corpus.cases.size() << " cases, " << cat.items.size() << " requirements, "
            << lo.exemptions.size() << " coverage exemptions, " << problems.size() << " problems\n";
  // The matrix is written even when the lint fails: it shows what is missing.
  if (!c.coverage_file.empty() || !c.coverage_md.empty()) {
    const auto rows = av::coverage(corpus, cat, lo);
    const std::pair<const std::string*, std::string> outputs[] = {
        {&c.coverage_file, c.coverage_file.empty() ? "" : av::coverage_json(rows)},
        {&c.coverage_md, c.coverage_md.empty() ? "" : av::coverage_markdown(rows)}};
    for (const auto& [path, text] : outputs) {
      if (path->empty()) continue;
      std::error_code ec;
      const auto parent = std::filesystem::path(*path).parent_path();
      if (!parent.empty()) std::filesystem::create_directories(parent, ec);
      std::ofstream out(*path, std::ios::binary | std::ios::trunc);
      out << text;
      out.close();
      if (!out) {
        std::cerr << "[apipnr.harness.005] cannot write " << *path << "\n";
        return 2;
      }
    }
  }
  return problems.empty() ? 0 : 2;
}

// Confidence tags for report.html. results.json written by this build already carries them
// (requirements[].confidence); the catalogue fills in for older evidence. An unreadable
// catalogue is not fatal: the report then shows a dash, never an invented tag.
ah::html_options html_options_for(const cli& c) {
  ah::html_options opts;
  std::string error;
  if (!ah::load_confidence_tags(c.requirements, opts.confidence, error))
    std::cerr << "note: confidence tags not loaded: " << error << "\n";
  return opts;
}

// report.html next to results.json; errors carry their [apipnr.harness.5NN] ID already.
bool write_html(const cli& c, const std::filesystem::path& dir) {
  std::string error;
  if (!ah::write_report_html(dir / "results.json", dir / "report.html", html_options_for(c),
                             error)) {
    std::cerr << error << "\n";
    return false;
  }
  return true;
}

int cmd_compare(const cli& c) {
  const std::filesystem::path out = c.out_file.empty() ? "comparison.html" : c.out_file;
  std::vector<std::filesystem::path> files(c.compare.begin(), c.compare.end());
  std::string error;
  if (!ah::write_comparison_html(files, out, html_options_for(c), error)) {
    std::cerr << error << "\n";
    return 2;
  }
  std::cout << "comparison: " << out.string() << "\n";
  return 0;
}

int cmd_sign(const cli& c) {
  if (c.report_dir.empty() || c.key_file.empty())
    throw usage_error{"sign needs --report-dir DIR and --key FILE"};
  std::string error;
  if (!ah::sign_report(c.report_dir, c.key_file, error)) {
    std::cerr << error << "\n";
    return 2;
  }
  std::cout << "signed: " << (std::filesystem::path(c.report_dir) / "signature.json").string()
            << "\n";
  return 0;
}

// 0 verified, 1 any problem (including unreadable inputs, which verify_report reports as
// findings: a folder that cannot be checked is not verified), 2 usage.
int cmd_verify(const cli& c) {
  if (c.report_dir.empty()) throw usage_error{"verify needs --report-dir DIR"};
  ah::verify_options o;
  o.public_key_file = c.public_key_file;
  if (c.vectors_given) o.corpus_dir = c.vectors;
  const auto v = ah::verify_report(c.report_dir, o);
  for (const auto& p : v.problems) std::cout << ah::to_string(p) << "\n";
  for (const auto& n : v.notes) std::cout << "note: " << n << "\n";
  if (!v.signer_sha256.empty()) std::cout << "signer: " << v.signer_sha256 << "\n";
  std::cout << (v.ok() ? (v.authenticated ? "verified (authenticated with the trusted key)"
                                          : "verified (integrity only: no trusted key given)")
                       : "NOT verified: " + std::to_string(v.problems.size()) + " problem(s)")
            << "\n";
  return v.ok() ? 0 : 1;
}

int cmd_report(const cli& c) {
  if (!c.compare.empty()) return cmd_compare(c);
  if (c.results_file.empty()) throw usage_error{"report needs --results FILE or --compare"};
  std::vector<ah::config_error> errors;
  auto r = ah::read_results(c.results_file, errors);
  if (!r) {
    print_config_errors(errors);
    return 2;
  }
  // Re-roll with the catalogue and tender given now (a different tender re-scores the same
  // evidence; the verdicts themselves are never recomputed).
  av::catalogue cat;
  std::vector<av::load_error> lerr;
  cat = av::load_catalogue(c.requirements, lerr);
  std::optional<ah::tender_profile> tender;
  if (!c.tender_file.empty()) {
    tender = ah::load_tender(c.tender_file, errors);
    if (!tender) {
      print_config_errors(errors);
      return 2;
    }
    r->manifest.tender_name = tender->name;
    r->manifest.tender_sha256 = ah::sha256_file(c.tender_file);
    r->manifest.performance_targets = tender->performance_targets;
  }
  if (lerr.empty()) ah::roll_up(*r, cat, tender ? &*tender : nullptr);
  const std::filesystem::path dir = c.report_dir.empty()
                                        ? std::filesystem::path(c.results_file).parent_path()
                                        : std::filesystem::path(c.report_dir);
  std::string error;
  if (!ah::write_reports(*r, dir, c.per_case, error)) {
    std::cerr << "[apipnr.harness.005] " << error << "\n";
    return 2;
  }
  if (!write_html(c, dir)) return 2;
  print_summary(*r, dir);
  return ah::exit_code_of(*r);
}

int cmd_run(const cli& c) {
  av::corpus corpus;
  av::catalogue cat;
  if (!load_corpus_and_catalogue(c, corpus, cat)) return 2;
  std::vector<ah::config_error> errors;
  ah::target t;
  if (!c.target_file.empty()) {
    auto loaded = ah::load_target(c.target_file, errors, {c.allow_insecure});
    if (!loaded) {
      print_config_errors(errors);
      return 2;
    }
    t = *loaded;
    // Lists the receiver loaded that differ from the corpus fixtures: refuse to run.
    errors = ah::check_fixtures(t, c.vectors);
    if (!errors.empty()) {
      print_config_errors(errors);
      return 2;
    }
  } else if (c.fake_endpoint.empty()) {
    throw usage_error{"run needs --target FILE (or --fake-endpoint MODE)"};
  } else {
    t.name = "fake endpoint (" + c.fake_endpoint + ")";
    for (auto k : {ah::message_kind::paxlst, ah::message_kind::iapi,
                   ah::message_kind::pnrgov_edifact, ah::message_kind::pnrgov_xml})
      t.endpoints[k] = "fake:" + c.fake_endpoint;
  }
  std::optional<ah::tender_profile> tender;
  if (!c.tender_file.empty()) {
    tender = ah::load_tender(c.tender_file, errors);
    if (!tender) {
      print_config_errors(errors);
      return 2;
    }
  }

  ah::transport_factory factory;
  if (!c.fake_endpoint.empty()) {
    factory = [mode = c.fake_endpoint] { return std::make_unique<fake_endpoint>(mode); };
  } else if (t.transport == ah::transport_kind::http) {
#ifdef APIPNR_HARNESS_HAVE_HTTP
    factory = [&t] {
      ah::http_options h = ah::http_options_for(t);
      h.urls = t.endpoints;
      return std::make_unique<ah::http_transport>(h);
    };
#else
    std::cerr << "[apipnr.harness.006] this build has no HTTP transport\n";
    return 2;
#endif
  } else {
#ifdef APIPNR_HARNESS_HAVE_AMQP
    // One AMQP connection for all workers: amqp_transport is safe for concurrent send() and
    // matches replies by correlation id, whereas one instance per worker sharing a configured
    // reply queue would consume each other's replies.
    ah::amqp_options ao;
    ao.url = t.broker_url;
    if (t.auth.kind == ah::auth_kind::basic) {
      auto u = ah::parse_amqp_url(t.broker_url);
      if (u && u->user.empty())
        ao.url = "amqp://" + t.auth.username + ":" + t.auth.password + "@" + u->address();
    }
    ao.queues = t.endpoints;
    ao.reply_queue = t.reply_queue;
    ao.connect_timeout = t.timeouts.connect;
    ao.timeout = t.timeouts.response;
    ao.timeout_per_kind = t.timeouts.response_per_kind;
    auto shared = std::make_shared<ah::amqp_transport>(ao);
    factory = [shared]() -> std::unique_ptr<ah::transport> {
      return std::make_unique<shared_transport>(shared);
    };
#else
    std::cerr << "[apipnr.harness.006] this build has no AMQP transport (Qpid Proton C++ was "
                 "not found at configure time)\n";
    return 2;
#endif
  }

  ah::selection_options o;
  o.run = c.run;
  o.skip = c.skip;
  o.profile = c.profile;
  o.strict = c.strict;
  o.channel = t.transport == ah::transport_kind::http ? "http" : "mq";
  for (const auto& [k, ep] : t.endpoints) o.available_kinds.insert(std::string(ah::to_string(k)));
  for (const auto& [name, hash] : t.fixtures) o.fixtures.insert(name);
  for (const auto& w : c.without)
    if (!ah::read_profile_list(c.vectors, w, o.without_ids)) {
      std::cerr << "[apipnr.harness.004] cannot read profile list " << w << "\n";
      return 2;
    }
  const auto selection = ah::select_cases(corpus, o);

  ah::run_results r;
  auto& m = r.manifest;
  m.run_id = c.run_id.empty() ? default_run_id() : c.run_id;
  m.harness_version = APIPNR_HARNESS_VERSION;
  m.build_hash = APIPNR_HARNESS_BUILD_HASH;
  m.corpus_sha256 = ah::sha256_tree(c.vectors);
  m.catalogue_sha256 = ah::sha256_tree(c.requirements, [](const std::string& rel) {
    return rel.find('/') == std::string::npos && rel.size() > 5 &&
           rel.compare(rel.size() - 5, 5, ".json") == 0;
  });
  m.tender_sha256 = c.tender_file.empty() ? "" : ah::sha256_file(c.tender_file);
  m.target_sha256 = c.target_file.empty() ? "" : ah::sha256_file(c.target_file);
  m.target_name = t.name;
  m.transport = c.fake_endpoint.empty() ? std::string(ah::to_string(t.transport)) : "fake";
  m.insecure_tls = t.tls.insecure_skip_verify;
  m.seed = c.seed_given ? c.seed : std::random_device{}();
  m.machine = ah::probe_machine();
  m.command_line = c.argv;
  m.run_globs = c.run;
  m.skip_globs = c.skip;
  m.without_lists = c.without;
  m.profile = c.profile;
  m.strict = c.strict;
  m.jobs = c.jobs;
  if (tender) {
    m.tender_name = tender->name;
    m.performance_targets = tender->performance_targets;
  }

  std::unique_ptr<ah::canonical_source> source;
  m.data_source = "none";
  if (!t.query.export_file.empty()) {
    m.data_source = "export";
    source = ah::make_export_source(t.query.export_file);
  } else if (!t.query.base_url.empty()) {
#ifdef APIPNR_HARNESS_HAVE_HTTP
    // The query GETs run with the target's authentication, TLS and timeouts.
    auto query_transport = std::make_shared<ah::http_transport>(ah::http_options_for(t));
    source = ah::make_query_source(
        t.query, [query_transport](const std::string& url) { return query_transport->get(url); });
    m.data_source = "query";
#endif
  }

  ah::runner_options ro;
  ro.jobs = c.jobs;
  ro.run_id = m.run_id;
  ro.judge.strict = c.strict;
  ro.on_progress = make_progress(c.quiet);
  // Sequence steps `control` / `await_unsolicited` (officer status changes, unsolicited CUSRES
  // 132): the target's control and unsolicited sections; the simulated carrier listens now.
#ifdef APIPNR_HARNESS_HAVE_UNSOLICITED
  std::unique_ptr<ah::step_executor> steps;
  if (t.control.enabled() || t.unsolicited.enabled()) {
    std::string why, listening;
#ifdef APIPNR_HARNESS_HAVE_UNSOLICITED_AMQP
    if (!t.unsolicited.queue.empty()) {
      // The carrier's queue on the target's broker: the simulator consumes the 132s there.
      auto sim = ah::start_amqp_carrier_simulator(t.broker_url, t.unsolicited.queue,
                                                  t.timeouts.connect, why);
      if (!sim) {
        std::cerr << "[apipnr.harness.007] " << why << "\n";
        return 2;
      }
      listening = sim->url();
      steps = ah::make_step_executor(t, std::move(sim));
    } else {
      steps = ah::make_step_executor(t, why, &listening);
    }
#else
    steps = ah::make_step_executor(t, why, &listening);
#endif
    if (!steps) {
      std::cerr << "[apipnr.harness.007] " << why << "\n";
      return 2;
    }
    if (!listening.empty())
      std::cerr << "simulated carrier listening on " << listening << std::endl;
    ro.steps = steps.get();
  }
#endif
#ifdef APIPNR_HARNESS_HAVE_CLASSIFY
  ro.diff = [](const nlohmann::json& e, const nlohmann::json& a) {
    return ah::canonical_diff(e, a);
  };
#endif
  m.started = ah::now_rfc3339();
  r.cases = ah::run_cases(selection, t, factory, classify_answer, source.get(), ro);
  m.ended = ah::now_rfc3339();
  ah::roll_up(r, cat, tender ? &*tender : nullptr);

  const std::filesystem::path dir = c.report_dir.empty()
                                        ? std::filesystem::path("reports") / m.run_id
                                        : std::filesystem::path(c.report_dir);
  std::string error;
  if (!ah::write_reports(r, dir, c.per_case, error)) {
    std::cerr << "[apipnr.harness.005] " << error << "\n";
    return 2;
  }
  if (!write_html(c, dir)) return 2;
  print_summary(r, dir);
  return ah::exit_code_of(r);
}

}  // namespace

int main(int argc, char** argv) {
#ifdef APIPNR_HARNESS_HAVE_LOAD
  // `load` has its own options (docs/HARNESS.md "Load").
  if (argc > 1 && std::string(argv[1]) == "load")
    return apipnr::harness::run_load(std::vector<std::string>(argv + 2, argv + argc),
                                     std::vector<std::string>(argv, argv + argc));
#endif
  // `generate` has its own options (docs/GENERATOR.md).
  if (argc > 1 && std::string(argv[1]) == "generate")
    return apipnr::harness::run_generate(std::vector<std::string>(argv + 2, argv + argc));
  try {
    const cli c = parse_cli(argc, argv);
    if (c.command == "list") return cmd_list(c);
    if (c.command == "lint") return cmd_lint(c);
    if (c.command == "report") return cmd_report(c);
    if (c.command == "sign") return cmd_sign(c);
    if (c.command == "verify") return cmd_verify(c);
    return cmd_run(c);
  } catch (const usage_error& e) {
    std::cerr << "[apipnr.harness.001] " << e.message << "\n" << usage_text;
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "[apipnr.harness.009] " << e.what() << "\n";
    return 2;
  }
}
