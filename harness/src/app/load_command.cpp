// `apipnr-harness load` (load_command.hpp): parses options, builds the message set and the
// endpoint, calibrates, runs the load engine (apipnr::harness_load), judges the tender's
// performance targets and writes results.json (with its "performance" section) and
// report.html.
#include "load_command.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>

#include "apipnr/harness/digest.hpp"
#include "apipnr/harness/load.hpp"
#include "apipnr/harness/report_html.hpp"
#include "apipnr/harness/results.hpp"
#include "apipnr/harness/target.hpp"
#include "apipnr/harness/tender.hpp"
#include "apipnr/harness/transport_http.hpp"
#include "apipnr_harness_build_info.hpp"
#include "queryable_probe.hpp"
#ifdef APIPNR_HARNESS_HAVE_AMQP
#include "apipnr/harness/transport_amqp.hpp"
#endif

namespace apipnr::harness {

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

struct load_usage_error {
  std::string message;
};

constexpr const char* load_usage =
    "usage: apipnr-harness load ENDPOINT MESSAGES [SCHEDULE] [options]\n"
    "endpoint (one of):\n"
    "  --target FILE          target file (http or amqp; specs/schemas/target.schema.json)\n"
    "  --url URL              one http(s) URL for every message kind\n"
    "  --null-endpoint        the built-in null endpoint (fixed 200; tests, calibration)\n"
    "messages (one of):\n"
    "  --messages DIR         generator output (manifest.jsonl, generator.json)\n"
    "  --payload KIND=FILE    one file per kind, sent in turn (repeatable; KIND paxlst,\n"
    "                         iapi, pnrgov_edifact, pnrgov_xml)\n"
    "schedule (open model unless --model closed):\n"
    "  --rate R --duration S  constant R requests/s for S seconds (default 10 s)\n"
    "  --ramp FROM:TO         linear ramp over --duration\n"
    "  --steps FROM:STEP:N    N constant steps of --step-duration S (default 10) (knee search;\n"
    "                         --held-p99-ms X: a step is held only with p99 <= X)\n"
    "  --burst BASE:PEAK:PERIOD_S:BURST_S   bursts of PEAK/s every PERIOD_S seconds\n"
    "  --replay               the at_ms offsets of --messages; --speed X compresses (X > 1)\n"
    "  --model closed         --connections requests in flight for --duration (max rate)\n"
    "options:\n"
    "  --unique-refs          own UNB/UNZ control reference per request (EDIFACT), so that a\n"
    "                         receiver detecting duplicates stores every request\n"
    "  --connections N        kept-alive connections / AMQP senders (default 16)\n"
    "  --threads N            event loops (default 1)\n"
    "  --timeout-ms N         per request (default: the target's response timeout, or 5000)\n"
    "  --interval-ms N        time-series resolution (default 1000)\n"
    "  --lag-threshold-ms X   send lag p99 above X flags an interval harness-limited (2)\n"
    "  --calibrate-seconds S  closed-model run against the null endpoint first (2; 0 = off)\n"
    "  --tender FILE          judge its performance_targets; --performance-target ID takes\n"
    "                         rate, duration, model and kind from that target\n"
    "  --verify-query N       look up to N acknowledged messages up in the query interface\n"
    "                         (after the run), and measure acknowledged -> queryable on a\n"
    "                         sample of them during the run\n"
    "  --queryable-timeout-ms N  how long a sampled message may take to become queryable\n"
    "                         (default 10000)\n"
    "  --stall-once N:MS      (--null-endpoint) the N-th request stalls the endpoint MS ms\n"
    "  --report-dir DIR       results.json + report.html (default reports/<run-id>)\n"
    "  --run-id ID  --allow-insecure  --quiet\n";

struct load_cli {
  std::string target_file, url, messages_dir, tender_file, perf_target, report_dir, run_id;
  bool null_endpoint = false, replay = false, quiet = false, allow_insecure = false;
  bool unique_refs = false;
  std::vector<std::pair<message_kind, std::string>> payloads;
  load_model model = load_model::open;
  std::optional<double> rate, duration_s, step_duration_s, speed;
  std::optional<std::pair<double, double>> ramp;
  std::optional<std::tuple<double, double, unsigned>> steps;
  std::optional<std::tuple<double, double, double, double>> burst;
  unsigned connections = 16, threads = 1;
  std::optional<unsigned> timeout_ms;
  unsigned interval_ms = 1000;
  double lag_threshold_ms = 2, calibrate_s = 2, held_p99_ms = 0;
  std::size_t verify_query = 0;
  unsigned queryable_timeout_ms = 10000;
  std::optional<std::pair<std::uint64_t, unsigned>> stall;
};

double number(const std::string& flag, const std::string& v) {
  char* end = nullptr;
  const double d = std::strtod(v.c_str(), &end);
  if (v.empty() || *end != '\0' || !std::isfinite(d) || d < 0)
    throw load_usage_error{flag + " needs a non-negative number, got \"" + v + "\""};
  return d;
}

std::vector<double> numbers(const std::string& flag, const std::string& v, std::size_t n) {
  std::vector<double> out;
  std::size_t at = 0;
  while (at <= v.size()) {
    const std::size_t colon = v.find(':', at);
    out.push_back(
        number(flag, v.substr(at, colon == std::string::npos ? std::string::npos : colon - at)));
    if (colon == std::string::npos) break;
    at = colon + 1;
  }
  if (out.size() != n)
    throw load_usage_error{flag + " needs " + std::to_string(n) + " numbers separated by ':'"};
  return out;
}

load_cli parse(const std::vector<std::string>& a) {
  load_cli c;
  auto value = [&](std::size_t& i) -> std::string {
    if (i + 1 >= a.size()) throw load_usage_error{a[i] + " needs a value"};
    return a[++i];
  };
  for (std::size_t i = 0; i < a.size(); ++i) {
    const std::string& f = a[i];
    if (f == "-h" || f == "--help") {
      std::cout << load_usage;
      std::exit(0);
    } else if (f == "--target") {
      c.target_file = value(i);
    } else if (f == "--url") {
      c.url = value(i);
    } else if (f == "--null-endpoint") {
      c.null_endpoint = true;
    } else if (f == "--messages") {
      c.messages_dir = value(i);
    } else if (f == "--payload") {
      const std::string v = value(i);
      const auto eq = v.find('=');
      const auto k = eq == std::string::npos ? std::nullopt : parse_message_kind(v.substr(0, eq));
      if (!k)
        throw load_usage_error{
            "--payload needs KIND=FILE (paxlst, iapi, pnrgov_edifact, pnrgov_xml)"};
      c.payloads.emplace_back(*k, v.substr(eq + 1));
    } else if (f == "--rate") {
      c.rate = number(f, value(i));
    } else if (f == "--duration") {
      c.duration_s = number(f, value(i));
    } else if (f == "--step-duration") {
      c.step_duration_s = number(f, value(i));
    } else if (f == "--ramp") {
      const auto n = numbers(f, value(i), 2);
      c.ramp = {n[0], n[1]};
    } else if (f == "--steps") {
      const auto n = numbers(f, value(i), 3);
      c.steps = {n[0], n[1], static_cast<unsigned>(n[2])};
    } else if (f == "--burst") {
      const auto n = numbers(f, value(i), 4);
      c.burst = {n[0], n[1], n[2], n[3]};
    } else if (f == "--replay") {
      c.replay = true;
    } else if (f == "--unique-refs") {
      c.unique_refs = true;
    } else if (f == "--speed") {
      c.speed = number(f, value(i));
      if (*c.speed <= 0) throw load_usage_error{"--speed must be positive"};
    } else if (f == "--model") {
      const std::string v = value(i);
      if (v == "open")
        c.model = load_model::open;
      else if (v == "closed")
        c.model = load_model::closed;
      else
        throw load_usage_error{"--model must be open or closed"};
    } else if (f == "--connections" || f == "--threads" || f == "--timeout-ms" ||
               f == "--interval-ms" || f == "--verify-query" || f == "--queryable-timeout-ms") {
      const double d = number(f, value(i));
      if (d != std::floor(d) || d > 1e6) throw load_usage_error{f + " needs a whole number"};
      const auto n = static_cast<unsigned>(d);
      if (f == "--connections") c.connections = n;
      if (f == "--threads") c.threads = n;
      if (f == "--timeout-ms") c.timeout_ms = n;
      if (f == "--interval-ms") c.interval_ms = n;
      if (f == "--verify-query") c.verify_query = n;
      if (f == "--queryable-timeout-ms") c.queryable_timeout_ms = n;
    } else if (f == "--held-p99-ms") {
      c.held_p99_ms = number(f, value(i));
    } else if (f == "--lag-threshold-ms") {
      c.lag_threshold_ms = number(f, value(i));
    } else if (f == "--calibrate-seconds") {
      c.calibrate_s = number(f, value(i));
    } else if (f == "--stall-once") {
      const auto n = numbers(f, value(i), 2);
      c.stall = {static_cast<std::uint64_t>(n[0]), static_cast<unsigned>(n[1])};
    } else if (f == "--tender") {
      c.tender_file = value(i);
    } else if (f == "--performance-target") {
      c.perf_target = value(i);
    } else if (f == "--report-dir") {
      c.report_dir = value(i);
    } else if (f == "--run-id") {
      c.run_id = value(i);
    } else if (f == "--allow-insecure") {
      c.allow_insecure = true;
    } else if (f == "--quiet") {
      c.quiet = true;
    } else {
      throw load_usage_error{"unknown load option " + f};
    }
  }
  const int endpoints =
      (c.target_file.empty() ? 0 : 1) + (c.url.empty() ? 0 : 1) + (c.null_endpoint ? 1 : 0);
  if (endpoints != 1)
    throw load_usage_error{"load needs exactly one of --target, --url, --null-endpoint"};
  if (c.messages_dir.empty() == c.payloads.empty())
    throw load_usage_error{"load needs --messages DIR or --payload KIND=FILE (not both)"};
  if (c.replay && c.messages_dir.empty())
    throw load_usage_error{"--replay needs --messages DIR (the at_ms offsets)"};
  if (c.connections == 0 || c.connections > 10000)
    throw load_usage_error{"--connections must be 1..10000"};
  if (c.threads == 0 || c.threads > c.connections)
    throw load_usage_error{"--threads must be 1..connections"};
  if (c.interval_ms == 0) throw load_usage_error{"--interval-ms must be positive"};
  if (c.stall && !c.null_endpoint) throw load_usage_error{"--stall-once needs --null-endpoint"};
  return c;
}

std::chrono::nanoseconds secs(double s) {
  return std::chrono::nanoseconds{static_cast<std::int64_t>(s * 1e9)};
}

std::string default_id() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "load-%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

double ms(std::uint64_t ns) { return static_cast<double>(ns) / 1e6; }

void print_result(const load_result& r) {
  std::printf("load %s %s: due=%llu sent=%llu ok=%llu errors=%llu offered=%.2f/s achieved=%.2f/s\n",
              std::string(to_string(r.model)).c_str(), r.transport.c_str(),
              static_cast<unsigned long long>(r.due), static_cast<unsigned long long>(r.sent),
              static_cast<unsigned long long>(r.ok),
              static_cast<unsigned long long>(r.error_total()), r.offered_rate, r.achieved_rate);
  std::printf("latency ms: p50=%.3f p90=%.3f p99=%.3f p99.9=%.3f max=%.3f (%s)\n",
              ms(r.latency.value_at_percentile(50)), ms(r.latency.value_at_percentile(90)),
              ms(r.latency.value_at_percentile(99)), ms(r.latency.value_at_percentile(99.9)),
              ms(r.latency.max()),
              r.model == load_model::open ? "from the intended send" : "from the actual send");
  std::printf("service ms: p50=%.3f p99=%.3f max=%.3f; send lag ms: p99=%.3f max=%.3f\n",
              ms(r.service_time.value_at_percentile(50)),
              ms(r.service_time.value_at_percentile(99)), ms(r.service_time.max()),
              ms(r.send_lag.value_at_percentile(99)), ms(r.send_lag.max()));
  for (std::size_t i = 0; i < load_error_kind_count; ++i)
    if (r.errors[i] != 0)
      std::printf("  errors %s: %llu\n",
                  std::string(to_string(static_cast<load_error_kind>(i))).c_str(),
                  static_cast<unsigned long long>(r.errors[i]));
  if (r.phases.size() > 1)
    for (const auto& p : r.phases)
      std::printf("  phase %-22s offered=%.2f/s achieved=%.2f/s p99=%.3fms %s\n", p.label.c_str(),
                  p.offered_rate, p.achieved_rate, ms(p.p99_ns),
                  p.held ? (p.harness_limited ? "held (harness-limited)" : "held")
                         : (p.harness_limited ? "NOT held (harness-limited)" : "NOT held"));
  if (r.harness_limited_intervals != 0)
    std::printf("WARNING: %llu interval(s) harness-limited (see report)\n",
                static_cast<unsigned long long>(r.harness_limited_intervals));
  std::printf("max RSS: %.1f MiB\n", static_cast<double>(r.max_rss_bytes) / 1048576.0);
}

}  // namespace

int run_load(const std::vector<std::string>& args, const std::vector<std::string>& argv) {
  load_cli c;
  try {
    c = parse(args);
  } catch (const load_usage_error& e) {
    std::cerr << "[apipnr.harness.001] " << e.message << "\n" << load_usage;
    return 2;
  }
  std::string error;

  // Messages.
  std::vector<load_message> messages;
  nlohmann::json generator;
  if (!c.messages_dir.empty()) {
    auto set = load_message_set(c.messages_dir, generator, error);
    if (!set) {
      std::cerr << error << "\n";
      return 2;
    }
    messages = std::move(*set);
  } else {
    for (const auto& [kind, file] : c.payloads) {
      auto m = load_payload_file(kind, file, error);
      if (!m) {
        std::cerr << error << "\n";
        return 2;
      }
      messages.push_back(std::move(*m));
    }
  }
  std::optional<message_kind> run_kind = messages.front().kind;
  for (const auto& m : messages)
    if (m.kind != *run_kind) run_kind.reset();

  // Tender targets.
  std::optional<tender_profile> tender;
  std::vector<performance_target> targets;
  if (!c.tender_file.empty()) {
    std::vector<config_error> errors;
    tender = load_tender(c.tender_file, errors);
    if (!tender) {
      for (const auto& e : errors) std::cerr << to_string(e) << "\n";
      return 2;
    }
    std::vector<std::string> perrors;
    auto parsed = parse_performance_targets(tender->performance_targets, perrors);
    if (!parsed) {
      for (const auto& e : perrors) std::cerr << e << "\n";
      return 2;
    }
    targets = std::move(*parsed);
  }
  const performance_target* chosen = nullptr;
  if (!c.perf_target.empty()) {
    for (const auto& t : targets)
      if (t.id == c.perf_target) chosen = &t;
    if (!chosen) {
      std::cerr << "[apipnr.harness.621] no performance target \"" << c.perf_target << "\" in "
                << (c.tender_file.empty() ? std::string("(no --tender)") : c.tender_file) << "\n";
      return 2;
    }
  }

  // Options.
  load_options o;
  o.model = chosen && !c.rate && !c.ramp && !c.steps && !c.burst ? chosen->model : c.model;
  o.connections = c.connections;
  o.threads = c.threads;
  o.interval = std::chrono::milliseconds(c.interval_ms);
  o.lag_threshold = secs(c.lag_threshold_ms / 1000.0);
  o.replay = c.replay;
  o.replay_speed = c.speed.value_or(1.0);
  o.keep_locations = c.verify_query;
  o.unique_refs = c.unique_refs;
  o.held_p99 = secs(c.held_p99_ms / 1000.0);
  const std::string run_id = c.run_id.empty() ? default_id() : c.run_id;
  o.correlation_prefix = run_id;
  const double duration =
      c.duration_s.value_or(chosen && chosen->duration_s > 0 ? chosen->duration_s : 10.0);
  o.duration = secs(duration);
  if (c.ramp) {
    o.phases = ramp_profile(c.ramp->first, c.ramp->second, secs(duration));
  } else if (c.steps) {
    const auto [from, step, n] = *c.steps;
    o.phases = step_profile(from, step, n, secs(c.step_duration_s.value_or(10.0)));
  } else if (c.burst) {
    const auto [base, peak, period, burst] = *c.burst;
    o.phases = burst_profile(base, peak, secs(period), secs(burst), secs(duration));
  } else {
    const double rate =
        c.rate.value_or(chosen && chosen->rate_per_second > 0 ? chosen->rate_per_second : 10.0);
    o.phases = constant_profile(rate, secs(duration));
  }
  if (!c.quiet)
    o.progress = [tty = ::isatty(2) != 0](const std::string& line) {
      std::fprintf(stderr, tty ? "\r%s " : "%s\n", line.c_str());
    };

  // Endpoint.
  std::optional<target> tgt;
  std::unique_ptr<null_http_endpoint> null;
  load_http_target http;
  if (!c.target_file.empty()) {
    std::vector<config_error> errors;
    target_load_options tlo;
    tlo.allow_insecure = c.allow_insecure;
    tgt = load_target(c.target_file, errors, tlo);
    if (!tgt) {
      for (const auto& e : errors) std::cerr << to_string(e) << "\n";
      return 2;
    }
    // The same mapping from the target file as every other HTTP client of the harness
    // (http_options_for), so that a TLS or authentication setting cannot be honoured by the
    // run and forgotten by the load engine.
    const http_options h = http_options_for(*tgt);
    http.urls = tgt->endpoints;
    http.bearer_token = h.bearer_token;
    http.basic_user = h.basic_user;
    http.basic_password = h.basic_password;
    http.ca_file = h.ca_file;
    http.client_cert_file = h.client_cert_file;
    http.client_key_file = h.client_key_file;
    http.server_name = h.server_name;
    http.verify_peer = h.verify_peer;
    http.connect_timeout = h.connect_timeout;
    for (auto& msg : messages)
      if (auto it = tgt->content_types.find(msg.kind); it != tgt->content_types.end())
        msg.content_type = it->second;
    o.timeout = c.timeout_ms ? std::chrono::milliseconds(*c.timeout_ms)
                             : std::chrono::duration_cast<std::chrono::milliseconds>(
                                   tgt->timeouts.for_kind(messages.front().kind));
  } else {
    std::string url = c.url;
    if (c.null_endpoint) {
      null = std::make_unique<null_http_endpoint>(1);
      if (c.stall) null->stall_once(c.stall->first, std::chrono::milliseconds(c.stall->second));
      url = null->url();
    }
    for (auto k : {message_kind::paxlst, message_kind::iapi, message_kind::pnrgov_edifact,
                   message_kind::pnrgov_xml})
      http.urls[k] = url;
    o.timeout = std::chrono::milliseconds(c.timeout_ms.value_or(5000));
  }

  run_results rr;
  auto& m = rr.manifest;
  m.run_id = run_id;
  m.harness_version = APIPNR_HARNESS_VERSION;
  m.build_hash = APIPNR_HARNESS_BUILD_HASH;
  // The "corpus" of a load run is its message set.
  m.corpus_sha256 = !c.messages_dir.empty() ? sha256_tree(c.messages_dir)
                                            : sha256_file(c.payloads.front().second);
  m.catalogue_sha256 = sha256_hex("");
  m.tender_sha256 = c.tender_file.empty() ? "" : sha256_file(c.tender_file);
  m.target_sha256 = c.target_file.empty() ? "" : sha256_file(c.target_file);
  m.target_name = tgt ? tgt->name : (c.null_endpoint ? "null endpoint" : c.url);
  m.transport = tgt ? std::string(to_string(tgt->transport)) : "http";
  m.insecure_tls = tgt && tgt->tls.insecure_skip_verify;
  m.seed = 0;
  m.machine = probe_machine();
  m.command_line = argv;
  m.profile = "load";
  m.jobs = c.connections;
  if (tender) {
    m.tender_name = tender->name;
    m.performance_targets = tender->performance_targets;
  }

  // Self-calibration first, so that the report can say whether the harness could have
  // offered the load at all on this machine.
  std::optional<calibration_result> cal;
  if (c.calibrate_s > 0) {
    if (!c.quiet)
      std::fprintf(stderr, "calibrating against the null endpoint (%.1f s)\n", c.calibrate_s);
    cal = calibrate(c.connections, c.threads, c.calibrate_s);
  }

  // The query interface's URL of an answer's Location (relative: under query.base_url).
  const std::string query_base = [&] {
    std::string b = tgt ? tgt->query.base_url : std::string();
    while (!b.empty() && b.back() == '/') b.pop_back();
    return b;
  }();
  auto query_url = [query_base](const std::string& loc) {
    return loc.rfind("http", 0) == 0 ? loc : query_base + (loc.front() == '/' ? "" : "/") + loc;
  };
  // Acknowledged -> queryable on a sample, during the run (HTTP answers carry the Location).
  std::unique_ptr<queryable_probe> probe;
  if (c.verify_query > 0 && !query_base.empty() && tgt->transport != transport_kind::amqp) {
    probe = std::make_unique<queryable_probe>(http_options_for(*tgt), query_url,
                                              std::chrono::milliseconds(c.queryable_timeout_ms));
    o.on_location = [p = probe.get()](const std::string& loc,
                                      std::chrono::steady_clock::time_point at) {
      p->offer(loc, at);
    };
  }

  m.started = now_rfc3339();
  std::optional<load_result> result;
  if (tgt && tgt->transport == transport_kind::amqp) {
#ifdef APIPNR_HARNESS_HAVE_AMQP
    amqp_options ao;
    ao.url = tgt->broker_url;
    if (tgt->auth.kind == auth_kind::basic) {
      auto u = parse_amqp_url(tgt->broker_url);
      if (u && u->user.empty())
        ao.url = "amqp://" + tgt->auth.username + ":" + tgt->auth.password + "@" + u->address();
    }
    ao.queues = tgt->endpoints;
    ao.reply_queue = tgt->reply_queue;
    ao.connect_timeout = tgt->timeouts.connect;
    ao.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(o.timeout);
    amqp_transport amqp(ao);
    result = run_transport_load(amqp, tgt->broker_url, messages, o, error);
#else
    std::cerr << "[apipnr.harness.006] this build has no AMQP transport\n";
    return 2;
#endif
  } else {
    result = run_http_load(http, messages, o, error);
  }
  m.ended = now_rfc3339();
  std::optional<queryable_summary> queryable;
  if (probe) queryable = probe->finish();
  if (queryable && result)
    result->queryable =
        load_result::queryable_figures{queryable->probed, queryable->queryable, queryable->max_ms};
  if (!c.quiet && ::isatty(2)) std::fputc('\n', stderr);
  if (!result) {
    std::cerr << error << "\n";
    return 2;
  }
  result->calibration = cal;

  // Nothing lost, part two: acknowledged messages can be read back from the query interface.
  std::uint64_t queried = 0, found = 0;
  if (c.verify_query > 0 && !query_base.empty()) {
    // http_options_for: the query client also sends the target's tls.server_name and keeps its
    // timeouts (the copy made here by hand before had lost both).
    http_transport q(http_options_for(*tgt));
    for (const auto& loc : result->locations) {
      ++queried;
      const auto obs = q.get(query_url(loc));
      if (obs.outcome == transport_outcome::completed && obs.http_status == 200) ++found;
    }
  }

  nlohmann::json verdicts = nlohmann::json::array();
  int exit = 0;
  for (const auto& t : targets) {
    if (chosen && &t != chosen) continue;
    const auto v = evaluate_target(t, *result, run_kind, queried, found);
    if (v.verdict == "fail") exit = 1;
    verdicts.push_back(to_json(v));
    std::printf("target %s: %s%s%s\n", v.id.c_str(), v.verdict.c_str(),
                v.reason.empty() ? "" : " - ", v.reason.c_str());
  }

  nlohmann::json run = to_json(*result);
  run["run_kind"] = run_kind ? std::string(to_string(*run_kind)) : "mixed";
  run["messages"] = messages.size();
  if (!generator.is_null()) run["generator"] = generator;
  if (c.verify_query > 0) run["query"] = {{"queried", queried}, {"found", found}};
  if (queryable) {
    run["query"]["queryable"] = {{"probed", queryable->probed},
                                 {"queryable", queryable->queryable},
                                 {"not_sampled", queryable->not_sampled},
                                 {"timeout_ms", c.queryable_timeout_ms},
                                 {"p50_ms", queryable->p50_ms},
                                 {"p99_ms", queryable->p99_ms},
                                 {"max_ms", queryable->max_ms}};
  }
  nlohmann::json doc = to_json(rr);
  doc["performance"] = {{"runs", nlohmann::json::array({run})}, {"targets", verdicts}};

  const fs::path dir = c.report_dir.empty() ? fs::path("reports") / run_id : fs::path(c.report_dir);
  std::error_code ec;
  fs::create_directories(dir, ec);
  {
    std::ofstream out(dir / "results.json", std::ios::binary | std::ios::trunc);
    out << doc.dump(1) << "\n";
    out.close();
    if (!out) {
      std::cerr << "[apipnr.harness.005] cannot write " << (dir / "results.json").string() << "\n";
      return 2;
    }
  }
  html_options ho;
  if (!write_report_html(dir / "results.json", dir / "report.html", ho, error)) {
    std::cerr << error << "\n";
    return 2;
  }
  if (cal)
    std::printf(
        "calibration: null endpoint %.0f req/s closed, %u conn; timer overshoot p99 %.1f us\n",
        cal->null_capacity_rps, cal->connections,
        static_cast<double>(cal->timer_overshoot_p99.count()) / 1e3);
  print_result(*result);
  if (c.verify_query > 0 && !query_base.empty())
    std::printf("query interface: %llu of %llu acknowledged messages found after the run\n",
                static_cast<unsigned long long>(found), static_cast<unsigned long long>(queried));
  if (queryable)
    std::printf(
        "acknowledged -> queryable: %llu of %llu sampled within %u ms (%llu not sampled), p50 "
        "%.2f p99 %.2f max %.2f ms\n",
        static_cast<unsigned long long>(queryable->queryable),
        static_cast<unsigned long long>(queryable->probed), c.queryable_timeout_ms,
        static_cast<unsigned long long>(queryable->not_sampled), queryable->p50_ms,
        queryable->p99_ms, queryable->max_ms);
  if (cal && result->offered_rate > 0.8 * cal->null_capacity_rps)
    std::printf("WARNING: offered rate above 80 %% of the harness's calibrated capacity\n");
  std::printf("reports: %s\n", dir.string().c_str());
  return exit;
}

}  // namespace apipnr::harness
