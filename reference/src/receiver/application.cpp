#include "apipnr/receiver/application.hpp"

#include <csignal>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include <CLI/CLI.hpp>

#include "apipnr/receiver/components.hpp"
#include "apipnr/receiver/unsolicited.hpp"
#include "faults.hpp"
#if APIPNR_RECEIVER_WITH_AMQP
#include "amqp_intake.hpp"
#else
namespace apipnr::receiver {
class amqp_intake {};  // not built: application never creates one
}  // namespace apipnr::receiver
#endif

namespace apipnr::receiver {

namespace {

[[noreturn]] void fail(std::string_view id, const std::string& text) {
  throw std::runtime_error("[apipnr.receiver." + std::string(id) + "] " + text);
}

std::string prometheus_server_stats(const transport::server_stats& s) {
  std::ostringstream out;
  out << "# HELP apipnr_http_connections_open Open client connections.\n"
      << "# TYPE apipnr_http_connections_open gauge\n"
      << "apipnr_http_connections_open " << s.connections_open << "\n"
      << "# HELP apipnr_http_connections_total Accepted connections.\n"
      << "# TYPE apipnr_http_connections_total counter\n"
      << "apipnr_http_connections_total " << s.connections_total << "\n"
      << "# HELP apipnr_http_rejected_total Requests answered by the transport itself.\n"
      << "# TYPE apipnr_http_rejected_total counter\n";
  const std::pair<const char*, std::uint64_t> rows[] = {
      {"400", s.rejected_400},   {"401", s.rejected_401},        {"403", s.rejected_403},
      {"408", s.rejected_408},   {"413", s.rejected_413},        {"431", s.rejected_431},
      {"500", s.handler_errors}, {"503", s.connections_rejected}};
  for (const auto& [code, n] : rows) {
    out << "apipnr_http_rejected_total{status=\"" << code << "\"} " << n << "\n";
  }
  out << "# HELP apipnr_tls_handshake_failures_total Failed TLS handshakes.\n"
      << "# TYPE apipnr_tls_handshake_failures_total counter\n"
      << "apipnr_tls_handshake_failures_total " << s.tls_failures << "\n";
  return out.str();
}

}  // namespace

application::application(config c, std::ostream& log_out) : config_(std::move(c)) {
  validate(config_);
  log_ = std::make_shared<logger>(log_out, parse_log_level(config_.log_level));
  const auto built = built_with();
  std::string why;

  edifact::parse_options po;
  po.parse_mode = config_.tolerant ? edifact::mode::tolerant : edifact::mode::strict;
  po.limits.max_interchange_bytes = static_cast<std::size_t>(config_.server.max_body_bytes);
  std::shared_ptr<const checker> chk;
  if (built.pipeline && !config_.syntax_only) {
    pipeline::options opts;
    opts.specs_dir = config_.specs_dir;
    opts.profile = config_.profile;
    opts.syntax_mode = po.parse_mode;
    opts.contrl = true;
    opts.stamp_contrl = true;  // each CONTRL is an interchange of its own
    auto r = make_pipeline_checker(opts, why);
    if (!r) fail("010", "cannot load the reference pipeline: " + why);
    chk = std::move(*r);
  } else {
    chk = make_syntax_checker(po, config_.receiver_id);
  }

  // Fault injection (faults.hpp): validate() has parsed every spec and checked the address.
  // A mutant says so loudly, in the log, /healthz and /metrics (docs/RECEIVER.md).
  fault_set faults;
  for (const auto& spec : config_.faults) (void)add_fault(faults, spec, why);
  if (!faults.empty()) {
    log_->log(log_level::warn, "faults_active",
              {{"id", "apipnr.receiver.020"},
               {"faults", faults.describe()},
               {"warning", "fault injection: this receiver is deliberately wrong"}});
  }
  chk = with_faults(std::move(chk), faults, log_);
  // no-queue-ack: the AMQP intake stores and settles every input but sends no acknowledgement.
  if (faults.find(fault_kind::no_queue_ack) != nullptr) config_.amqp.send_replies = false;
  // A stalling or slow stage must not block the AMQP connection's event thread.
  if (!faults.empty()) config_.amqp.event_thread_max_bytes = 0;

  if (!config_.store_path.empty()) {
    if (!built.store) fail("011", "a store path is configured but the store library is not built");
    store::options so;
    so.path = config_.store_path;
    so.sync_full = config_.store_sync_full;
    if (config_.store_checkpoint_pages) so.checkpoint_pages = *config_.store_checkpoint_pages;
    if (config_.store_wal_limit_pages) so.wal_limit_pages = *config_.store_wal_limit_pages;
    if (config_.store_page_size) so.page_size = *config_.store_page_size;
    if (config_.store_checkpoint_sync_bytes)
      so.checkpoint_sync_bytes = *config_.store_checkpoint_sync_bytes;
    if (config_.store_write_buffer_bytes) so.write_buffer_bytes = *config_.store_write_buffer_bytes;
    if (config_.store_checkpoint_step_pages)
      so.checkpoint_step_pages = *config_.store_checkpoint_step_pages;
    so.max_raw_bytes = static_cast<std::size_t>(config_.server.max_body_bytes);
    auto r = make_sqlite_store(std::move(so), why);
    if (!r) fail("011", why);
    store_ = std::move(*r);
  } else {
    store_ = make_memory_store();
  }
  store_ = with_faults(std::move(store_), faults);

  std::shared_ptr<const iapi_decider> iapi;
  if (built.iapi) {
    auto r = make_iapi_engine(config_.iapi_watchlist, config_.iapi_authorisations, why);
    if (!r) fail("012", "cannot load the iAPI lists: " + why);
    iapi = std::move(*r);
  } else {
    if (!config_.iapi_watchlist.empty() || !config_.iapi_authorisations.empty()) {
      fail("012", "iAPI lists are configured but the iapi library is not built");
    }
    iapi = make_fixed_decider();
  }
  iapi = with_faults(std::move(iapi), faults);

  service_options so;
  so.receiver_id = config_.receiver_id;
  // Small API inputs on the I/O thread (threads.io_thread_max_bytes): it halves the context
  // switches per iAPI request and lowered the iAPI p99 at 5,000/s on one core (10.4 -> 9.0 ms,
  // docs/PERFORMANCE.md "iAPI latency in the open model"), but with more usable cores than I/O
  // threads the workers run checks in parallel, which one I/O thread would not. Default: 4096
  // bytes when the I/O threads cover every usable CPU (e.g. pinned to one core), else 0. Never
  // with faults: a stalling or slow stage must not block the I/O thread's other connections.
  const std::size_t io_default =
      config_.server.io_threads >= transport::usable_cpus() ? std::size_t{4096} : 0;
  if (faults.empty()) so.io_thread_max_bytes = config_.io_thread_max_bytes.value_or(io_default);
  // The transport's counters join /metrics. The application owns the server and outlives every
  // request (stop() joins the workers), and server_ is set before start(), so `this` is safe.
  so.extra_metrics = [this] {
    std::string text = server_ ? prometheus_server_stats(server_->stats()) : std::string{};
#if APIPNR_RECEIVER_WITH_AMQP
    if (amqp_) text += amqp_->metrics_text();
#endif
    return text;
  };
  // /readyz: a configured AMQP intake must hold its broker connection (amqp_ is set before
  // the server starts and lives until the application is destroyed).
  so.readiness = [this]() -> std::string {
#if APIPNR_RECEIVER_WITH_AMQP
    if (amqp_ && !amqp_->connected()) return "AMQP intake not connected";
#endif
    return {};
  };
  if (!faults.empty()) {
    so.health_detail = "faults: " + faults.describe() + "\n";
    so.extra_metrics = [inner = std::move(so.extra_metrics), text = prometheus_faults(faults)] {
      return inner() + text;
    };
  }
  // Officer status changes and the unsolicited CUSRES 132 (docs/RECEIVER.md). The controller
  // is made below, once the AMQP intake exists (a queue link publishes on its connection), and
  // before the server starts; the application outlives every request, so `this` is safe.
  so.control = [this](const transport::request& r) { return control_->handle(r); };
  so.extra_metrics = [inner = std::move(so.extra_metrics), this] {
    return inner() + control_->metrics_text();
  };
  // PNR push history (docs/RECEIVER.md): with the pipeline only (the syntax-only checker
  // extracts no pushes); read back from the store file so that it survives a restart.
  if (built.pipeline && !config_.syntax_only) {
    push_tracker_options pto;
    pto.specs_dir = config_.specs_dir;
    pto.profile = config_.profile;
    pto.store_path = config_.store_path;
    auto t = make_push_tracker(pto, why);
    if (!t) fail("010", "cannot load the PNR push history: " + why);
    so.pushes = std::move(*t);
  }
  service_ = std::make_shared<service>(so, chk, store_, iapi, log_);
  if (config_.amqp.enabled()) {
#if APIPNR_RECEIVER_WITH_AMQP
    amqp_ = std::make_unique<amqp_intake>(config_.amqp, service_, log_,
                                          config_.unsolicited.reply_queue);
#else
    fail("015", "amqp.url is set but this build has no AMQP intake (Qpid Proton C++ missing)");
#endif
  }
  // Without a carrier endpoint the control API still validates and answers 503.
  {
    std::shared_ptr<carrier_link> link;
    if (!config_.unsolicited.url.empty()) {
      auto l =
          make_http_carrier_link(config_.unsolicited.url, config_.unsolicited.attempt_timeout, why);
      if (!l) fail("014", "unsolicited.url: " + why);
      link = std::move(*l);
    } else if (!config_.unsolicited.queue.empty()) {
#if APIPNR_RECEIVER_WITH_AMQP
      // validate() requires amqp.url with unsolicited.queue, so the intake exists here.
      link =
          amqp_->make_carrier_link(config_.unsolicited.queue, config_.unsolicited.attempt_timeout);
#endif
    }
    control_ = std::make_shared<status_controller>(config_.unsolicited, chk, store_, iapi, log_,
                                                   std::move(link), config_.receiver_id);
  }
  server_ = transport::server::create(config_.server, service_);
  if (auto ec = server_->start(why)) fail("013", why + ": " + ec.message());
#if APIPNR_RECEIVER_WITH_AMQP
  if (amqp_) {
    if (auto ec = amqp_->start()) {
      server_->stop();
      fail("015", "cannot start the AMQP intake: " + ec.message());
    }
    std::vector<std::string> queues;
    for (const auto& src : amqp_->sources()) queues.push_back(src.first);
    log_->log(log_level::info, "amqp_started", {{"sources", queues}});
  }
#endif
  log_->log(log_level::info, "started",
            {{"port", server_->port()},
             {"tls", config_.server.tls.enabled},
             {"mutual_tls", config_.server.tls.require_client_certificate},
             {"pipeline", built.pipeline && !config_.syntax_only},
             {"store", config_.store_path.empty() ? "memory" : "sqlite"},
             {"iapi", built.iapi}});
}

application::~application() { stop(); }

std::uint16_t application::port() const noexcept { return server_ ? server_->port() : 0; }

void application::stop() noexcept {
  if (!server_ || stopped_.exchange(true)) return;
  server_->stop();
#if APIPNR_RECEIVER_WITH_AMQP
  // Before the store closes: handler calls in progress commit and their deliveries are
  // settled; whatever is left unsettled after the grace period is redelivered by the broker.
  if (amqp_) {
    if (auto ec = amqp_->stop(config_.amqp.stop_grace)) {
      try {
        log_->log(log_level::warn, "amqp_stop", {{"error", ec.message()}});
      } catch (...) {
      }
    }
  }
#endif
  if (control_) control_->stop();  // no more retries; pending ones stay `pending` in the store
  store_->close();
  try {
    log_->log(log_level::info, "stopped", {{"stats_requests", server_->stats().requests_total}});
  } catch (...) {
  }
}

int run_main(int argc, char** argv) {
  CLI::App app{"apipnr-receiver: the reference API/PNR receiver (docs/RECEIVER.md)"};
  std::string config_file;
  app.add_option("-c,--config", config_file, "JSON configuration file (specs/receiver/)");
  // Flags are parsed into optionals so that only the ones given override the file.
  std::optional<std::string> address, tls_cert, tls_key, tls_ca, specs, profile, store_path,
      watchlist, authorisations, receiver_id, log_level, syntax_mode;
  std::optional<std::uint16_t> port;
  std::optional<std::size_t> io_threads, workers, max_header, max_conn;
  std::optional<std::uint64_t> max_body;
  std::optional<std::int64_t> read_ms, idle_ms;
  std::vector<std::string> tokens, amqp_queues;
  std::optional<std::string> amqp_url, amqp_dead_letter, amqp_identity;
  std::optional<std::uint32_t> amqp_credit;
  std::optional<std::size_t> amqp_workers;
  std::optional<std::int64_t> amqp_reconnect_initial, amqp_reconnect_max;
  std::vector<std::string> faults;
  std::optional<std::string> carrier_url, carrier_queue, carrier_reply_queue;
  bool require_client_cert = false, syntax_only = false;
  app.add_option("--address", address, "listen address");
  app.add_option("--port", port, "listen port; 0 = ephemeral (printed on stdout)");
  app.add_option("--tls-cert", tls_cert, "PEM certificate chain (enables TLS)");
  app.add_option("--tls-key", tls_key, "PEM private key");
  app.add_option("--tls-client-ca", tls_ca, "PEM CA bundle for client certificates");
  app.add_flag("--require-client-cert", require_client_cert, "mutual TLS");
  app.add_option("--token", tokens, "SENDER=TOKEN bearer token (repeatable)");
  app.add_option("--specs", specs, "specs directory");
  app.add_option("--profile", profile, "profile name or overlay file");
  app.add_option("--syntax-mode", syntax_mode, "strict or tolerant");
  app.add_option("--store", store_path, "SQLite store file (default: in memory)");
  app.add_option("--iapi-watchlist", watchlist, "iAPI watchlist JSON");
  app.add_option("--iapi-authorisations", authorisations, "iAPI authorisation list JSON");
  app.add_option("--receiver-id", receiver_id, "our UNB sender in acknowledgements");
  app.add_option("--max-body-bytes", max_body, "largest accepted payload");
  app.add_option("--max-header-bytes", max_header, "largest accepted request header");
  app.add_option("--max-connections", max_conn, "open connections at most");
  app.add_option("--read-timeout-ms", read_ms, "time to read one request");
  app.add_option("--idle-timeout-ms", idle_ms, "keep-alive idle time");
  app.add_option("--io-threads", io_threads, "I/O threads");
  app.add_option("--workers", workers, "handler threads");
  app.add_option("--log-level", log_level, "debug, info, warn, error, off");
  app.add_flag("--syntax-only", syntax_only, "use the syntax-only checker");
  app.add_option("--fault", faults,
                 "NAME[:ARG] inject a fault, loopback only (repeatable; replaces the file's "
                 "list): accept-all, reject-all, wrong-contrl-code[:C], drop-last-passenger, "
                 "truncate-names[:N], no-queue-ack, slow-iapi[:MS], crash-on:TEXT, "
                 "stall-once:MS[@N], store-resends");
  app.add_option("--amqp-url", amqp_url, "AMQP 1.0 broker, amqp://[user:pass@]host:port");
  app.add_option("--amqp-queue", amqp_queues,
                 "KIND=ADDRESS source queue, KIND paxlst|iapi|pnr_edifact|pnr_xml (repeatable)");
  app.add_option("--amqp-dead-letter", amqp_dead_letter, "dead-letter address");
  app.add_option("--amqp-sender-identity", amqp_identity, "identity stored with AMQP inputs");
  app.add_option("--amqp-credit", amqp_credit, "unsettled deliveries per source");
  app.add_option("--amqp-workers", amqp_workers, "AMQP handler threads");
  app.add_option("--amqp-reconnect-initial-ms", amqp_reconnect_initial, "first reconnect delay");
  app.add_option("--amqp-reconnect-max-ms", amqp_reconnect_max, "largest reconnect delay");
  app.add_option("--carrier-unsolicited-url", carrier_url,
                 "http://host:port/path: where unsolicited CUSRES 132 are POSTed");
  app.add_option("--carrier-unsolicited-queue", carrier_queue,
                 "AMQP address for unsolicited CUSRES 132 (needs --amqp-url)");
  app.add_option("--carrier-reply-queue", carrier_reply_queue,
                 "AMQP address named as the 132's reply-to, consumed for the carrier's CUSRES 312");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }

  std::unique_ptr<application> running;
  try {
    config c;
    if (!config_file.empty()) load_file(c, config_file);
    auto& s = c.server;
    if (address) s.address = *address;
    if (port) s.port = *port;
    if (tls_cert) {
      s.tls.enabled = true;
      s.tls.certificate_chain = *tls_cert;
    }
    if (tls_key) s.tls.private_key = *tls_key;
    if (tls_ca) s.tls.client_ca = *tls_ca;
    if (require_client_cert) s.tls.require_client_certificate = true;
    for (const auto& t : tokens) {
      const auto eq = t.find('=');
      if (eq == std::string::npos || eq == 0 || eq + 1 == t.size()) {
        fail("005", "--token needs SENDER=TOKEN");
      }
      s.auth.tokens.push_back({t.substr(0, eq), t.substr(eq + 1)});
    }
    if (specs) c.specs_dir = *specs;
    if (profile) c.profile = *profile;
    if (syntax_mode) {
      if (*syntax_mode != "strict" && *syntax_mode != "tolerant") {
        fail("005", "--syntax-mode must be strict or tolerant");
      }
      c.tolerant = *syntax_mode == "tolerant";
    }
    if (store_path) c.store_path = *store_path;
    if (watchlist) c.iapi_watchlist = *watchlist;
    if (authorisations) c.iapi_authorisations = *authorisations;
    if (receiver_id) c.receiver_id = *receiver_id;
    if (max_body) s.max_body_bytes = *max_body;
    if (max_header) s.max_header_bytes = *max_header;
    if (max_conn) s.max_connections = *max_conn;
    if (read_ms) s.read_timeout = std::chrono::milliseconds(*read_ms);
    if (idle_ms) s.idle_timeout = std::chrono::milliseconds(*idle_ms);
    if (io_threads) s.io_threads = *io_threads;
    if (workers) s.worker_threads = *workers;
    if (log_level) c.log_level = *log_level;
    c.syntax_only = syntax_only;
    if (!faults.empty()) c.faults = faults;
    auto& a = c.amqp;
    if (amqp_url) a.url = *amqp_url;
    for (const auto& q : amqp_queues) {
      const auto eq = q.find('=');
      const std::string k = q.substr(0, eq == std::string::npos ? 0 : eq);
      std::string* slot = k == "paxlst"        ? &a.paxlst
                          : k == "iapi"        ? &a.iapi
                          : k == "pnr_edifact" ? &a.pnr_edifact
                          : k == "pnr_xml"     ? &a.pnr_xml
                                               : nullptr;
      if (slot == nullptr || eq + 1 >= q.size()) {
        fail("005",
             "--amqp-queue needs KIND=ADDRESS with KIND paxlst, iapi, pnr_edifact or pnr_xml");
      }
      *slot = q.substr(eq + 1);
    }
    if (amqp_dead_letter) a.dead_letter = *amqp_dead_letter;
    if (amqp_identity) a.sender_identity = *amqp_identity;
    if (amqp_credit) a.credit = *amqp_credit;
    if (amqp_workers) a.workers = *amqp_workers;
    if (amqp_reconnect_initial) {
      a.reconnect_initial = std::chrono::milliseconds(*amqp_reconnect_initial);
    }
    if (amqp_reconnect_max) a.reconnect_max = std::chrono::milliseconds(*amqp_reconnect_max);
    if (carrier_url) c.unsolicited.url = *carrier_url;
    if (carrier_queue) c.unsolicited.queue = *carrier_queue;
    if (carrier_reply_queue) c.unsolicited.reply_queue = *carrier_reply_queue;

    // Block the stop signals before any thread starts, so that only sigwait() sees them.
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);

    running = std::make_unique<application>(std::move(c), std::cerr);
    if (!running->settings().faults.empty()) {
      // Whatever the log level: nobody may mistake a mutant for the reference.
      std::cerr << "[apipnr.receiver.020] WARNING: fault injection active (";
      for (std::size_t i = 0; i < running->settings().faults.size(); ++i) {
        std::cerr << (i ? ", " : "") << running->settings().faults[i];
      }
      std::cerr << "): this receiver is deliberately wrong; never use it for real data"
                << std::endl;
    }
    std::cout << "listening on " << running->settings().server.address << ":" << running->port()
              << std::endl;
    int sig = 0;
    sigwait(&set, &sig);
    running->stop();
    return 0;
  } catch (const std::exception& e) {
    std::cerr << e.what() << std::endl;
    return 1;
  }
}

}  // namespace apipnr::receiver
