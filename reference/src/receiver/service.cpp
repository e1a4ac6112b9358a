// Request handling of the reference receiver. The order of an intake is the durability
// argument: intake_check -> put() / put_async() (completes after COMMIT) -> only then
// acknowledge() builds and sends any positive acknowledgement (RCV-DUR-001, PNR-ACK-008,
// TRN-MQ-002's HTTP analogue).
#include "apipnr/receiver/service.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <optional>
#include <span>
#include <sstream>

#include "apipnr/edifact/interchange.hpp"
#include "apipnr/edifact/parser.hpp"
#include "apipnr/responses/ackres.hpp"
#include "apipnr/responses/cusres_from_request.hpp"
#include "apipnr/responses/errc.hpp"
#include "apipnr/transport/problem.hpp"
#include "utc_stamp.hpp"

namespace apipnr::receiver {

namespace {

using transport::problem;
using transport::response;

std::string_view verdict_name(pipeline::verdict v) noexcept {
  switch (v) {
    case pipeline::verdict::accept:
      return "accept";
    case pipeline::verdict::accept_with_warnings:
      return "accept_with_warnings";
    case pipeline::verdict::reject:
      return "reject";
  }
  return "reject";
}

store::verdict to_store(pipeline::verdict v) noexcept {
  switch (v) {
    case pipeline::verdict::accept:
      return store::verdict::accept;
    case pipeline::verdict::accept_with_warnings:
      return store::verdict::accept_with_warnings;
    case pipeline::verdict::reject:
      return store::verdict::reject;
  }
  return store::verdict::reject;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// ASCII case-insensitive equality of `s` with `lower_case`, which is already lower case.
bool equals_lower(std::string_view s, std::string_view lower_case) noexcept {
  if (s.size() != lower_case.size()) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i] >= 'A' && s[i] <= 'Z' ? static_cast<char>(s[i] - 'A' + 'a') : s[i];
    if (c != lower_case[i]) return false;
  }
  return true;
}

// The media type (trimmed, as sent: compare with equals_lower; a view into the header, so that
// the "application/edifact" of every request is not copied into a string of its own) and the
// charset (lower-cased, quotes removed) of a Content-Type header.
struct media_type {
  std::string_view type;
  std::string charset;
};

media_type parse_media(std::string_view ct) {
  media_type m;
  const auto semi = ct.find(';');
  m.type = trim(ct.substr(0, semi));
  std::string_view params =
      semi == std::string_view::npos ? std::string_view{} : ct.substr(semi + 1);
  while (!params.empty()) {
    const auto next = params.find(';');
    std::string_view p = trim(params.substr(0, next));
    params = next == std::string_view::npos ? std::string_view{} : params.substr(next + 1);
    const auto eq = p.find('=');
    if (eq == std::string_view::npos) continue;
    if (!equals_lower(trim(p.substr(0, eq)), "charset")) continue;
    std::string_view v = trim(p.substr(eq + 1));
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
    m.charset = lower(v);
  }
  return m;
}

// RFC 3629 well-formedness (no overlongs, no surrogates, nothing above U+10FFFF).
bool valid_utf8(std::string_view s) noexcept {
  std::size_t i = 0;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  while (i < n) {
    const unsigned c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    unsigned lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 2;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 3;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return false;
    }
    if (i + len >= n) return false;  // truncated sequence
    if (p[i + 1] < lo || p[i + 1] > hi) return false;
    for (std::size_t k = 2; k <= len; ++k) {
      if (p[i + k] < 0x80 || p[i + k] > 0xBF) return false;
    }
    i += len + 1;
  }
  return true;
}

// A finding of the syntax layer (ISO 9735 or XML well-formedness): the input could not be read
// as an interchange / document, so the whole input is rejected with 400.
bool is_syntax_finding(const diagnostic& d) noexcept {
  if (d.level < severity::error) return false;
  if (std::string_view(d.code.category().name()) == "apipnr.edifact") return true;
  return d.id.substr(0, 4) == "XML-";
}

// Findings a CONTRL reports (syntax and message structure, see pipeline.hpp).
// RCV-LIM-001: one input can raise a finding per segment (a warn rule firing on each of
// 100,000 travellers gave 400,001 findings, a 143 MB findings column and a minute per request),
// so what is stored, logged and answered is capped. The verdict was taken from all of them
// before this runs; errors are kept first, then the rest in order, and one info finding says
// how many were left out.
void cap_findings(pipeline::result& r, std::size_t max) {
  const std::size_t total = r.findings.size();
  if (total <= max) return;
  std::vector<char> keep(total, 0);
  std::size_t kept = 0;
  for (int pass = 0; pass < 2 && kept < max; ++pass) {
    for (std::size_t i = 0; i < total && kept < max; ++i) {
      if (keep[i] == 0 && (pass == 1 || r.findings[i].level >= severity::error)) {
        keep[i] = 1;
        ++kept;
      }
    }
  }
  const bool by_message = r.finding_message.size() == total;
  std::size_t out = 0;
  for (std::size_t i = 0; i < total; ++i) {
    if (keep[i] == 0) continue;
    if (out != i) {
      r.findings[out] = std::move(r.findings[i]);
      if (by_message) r.finding_message[out] = r.finding_message[i];
    }
    ++out;
  }
  r.findings.resize(out);
  if (by_message) r.finding_message.resize(out);
  diagnostic d;
  d.code = make_error_code(boost::system::errc::value_too_large);
  d.id = "RCV-FINDINGS-LIMIT";
  d.requirement = "RCV-LIM-001";
  d.level = severity::info;
  d.where = scope::interchange;
  d.detail = std::to_string(total - out) + " more findings not listed (limit " +
             std::to_string(max) + "); the verdict counts them all";
  r.findings.push_back(std::move(d));
  if (by_message) r.finding_message.push_back(-1);
}

bool is_contrl_finding(const diagnostic& d) noexcept {
  if (d.level < severity::error) return false;
  const std::string_view cat = d.code.category().name();
  return cat == "apipnr.edifact" || cat == "apipnr.message";
}

std::vector<transport::problem_finding> to_problem_findings(const pipeline::result& r) {
  std::vector<transport::problem_finding> out;
  out.reserve(r.findings.size());
  for (std::size_t i = 0; i < r.findings.size(); ++i) {
    const auto& d = r.findings[i];
    transport::problem_finding f;
    f.id = std::string(d.id);
    f.requirement = std::string(d.requirement);
    f.severity = std::string(to_string(d.level));
    f.syntax_error = d.syntax_error;
    f.message = i < r.finding_message.size() ? r.finding_message[i] : -1;
    f.segment = d.pos.segment;
    f.element = d.pos.element;
    f.component = d.pos.component;
    out.push_back(std::move(f));
  }
  return out;
}

response problem_response(unsigned status, std::string_view slug, std::string detail,
                          const std::string& instance,
                          std::vector<transport::problem_finding> findings = {}) {
  problem p;
  p.type = transport::problem_type(slug);
  p.title = std::string(transport::reason(status));
  p.status = status;
  p.detail = std::move(detail);
  p.instance = instance;
  p.findings = std::move(findings);
  response r;
  r.status = status;
  r.content_type = std::string(transport::problem_content_type);
  r.body = transport::to_json(p);
  return r;
}

response edifact_response(unsigned status, std::string body) {
  response r;
  r.status = status;
  r.content_type = "application/edifact";
  r.body = std::move(body);
  return r;
}

// UNB 0031 of the input ("1" = CONTRL requested). The pipeline's envelope summary does not
// carry it, so the UNB is read with the syntax engine (a few hundred bytes at most).
bool contrl_requested(std::string_view bytes) {
  // The UNB is within the first segments; parsing a bounded prefix keeps this O(1).
  const std::string_view head = bytes.substr(0, std::min<std::size_t>(bytes.size(), 2048));
  edifact::parser p;
  edifact::interchange ic;
  null_sink sink;
  (void)p.parse(head, ic, sink);
  return ic.acknowledgement_request == "1";
}

std::size_t verdict_index(std::string_view v) noexcept {
  if (v == "accept") return 0;
  if (v == "accept_with_warnings") return 1;
  if (v == "reject") return 2;
  if (v == "failed") return 3;
  return 4;  // duplicate
}

constexpr std::array<std::string_view, 5> verdict_labels = {"accept", "accept_with_warnings",
                                                            "reject", "failed", "duplicate"};
constexpr std::array<std::string_view, 4> kind_labels = {"paxlst", "iapi", "pnr_edifact",
                                                         "pnr_xml"};

// Splits "/a/b/c" into {"a","b","c"}.
std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> parts;
  while (!path.empty()) {
    if (path.front() == '/') {
      path.remove_prefix(1);
      continue;
    }
    const auto slash = path.find('/');
    parts.push_back(path.substr(0, slash));
    path = slash == std::string_view::npos ? std::string_view{} : path.substr(slash);
  }
  return parts;
}

}  // namespace

service::service(service_options opts, std::shared_ptr<const checker> chk,
                 std::shared_ptr<message_store> st, std::shared_ptr<const iapi_decider> iapi,
                 std::shared_ptr<logger> log)
    : opts_(std::move(opts)),
      checker_(std::move(chk)),
      store_(std::move(st)),
      iapi_(std::move(iapi)),
      log_(std::move(log)) {
  // Our control references: start time (seconds, 10 digits) + a 4-digit counter fits an..14
  // and does not repeat across restarts more than once per second.
  control_counter_ = static_cast<std::uint64_t>(std::time(nullptr)) % 10'000'000'000ULL * 10'000;
  results_.reserve(reuse_max_results);
}

std::unique_ptr<pipeline::result> service::take_result() {
  {
    const std::lock_guard lock(results_mutex_);
    if (!results_.empty()) {
      // The last one given back: the most likely to be in the cache still.
      std::unique_ptr<pipeline::result> r = std::move(results_.back());
      results_.pop_back();
      return r;
    }
  }
  return std::make_unique<pipeline::result>();
}

void service::give_back(std::unique_ptr<pipeline::result> r) noexcept {
  const std::lock_guard lock(results_mutex_);
  // Reserved to reuse_max_results in the constructor: push_back does not allocate. A result
  // beyond the bound is freed by the caller's unique_ptr after the lock.
  if (results_.size() < reuse_max_results) results_.push_back(std::move(r));
}

transport::response service::handle(const transport::request& req) {
  ++in_flight_;
  struct leave {
    std::atomic<std::uint64_t>& n;
    ~leave() { --n; }
  } guard{in_flight_};

  response res;
  const std::string& path = req.path;
  const bool is_post = req.method == "POST";
  const bool is_get = req.method == "GET" || req.method == "HEAD";
  auto method_not_allowed = [&](std::string_view allow) {
    auto r = problem_response(405, "method-not-allowed", "use " + std::string(allow), req.target);
    r.headers.emplace_back("Allow", std::string(allow));
    return r;
  };

  if (path == "/v1/api/paxlst" || path == "/v1/api/iapi" || path == "/v1/pnr/edifact" ||
      path == "/v1/pnr/xml") {
    if (!is_post) {
      res = method_not_allowed("POST");
    } else {
      const kind k = path == "/v1/api/paxlst"    ? kind::paxlst
                     : path == "/v1/api/iapi"    ? kind::iapi
                     : path == "/v1/pnr/edifact" ? kind::pnr_edifact
                                                 : kind::pnr_xml;
      res = intake(req, k);
    }
  } else if (path == "/healthz") {
    res = is_get ? response{200, "text/plain; charset=utf-8", "ok\n" + opts_.health_detail, {}}
                 : method_not_allowed("GET");
  } else if (path == "/readyz") {
    if (!is_get) {
      res = method_not_allowed("GET");
    } else {
      // An intake that is configured but down (AMQP not connected) makes the receiver unready.
      std::string why = !store_->is_open() ? "store not open"
                        : !iapi_->ready()  ? "iAPI lists not loaded"
                        : opts_.readiness  ? opts_.readiness()
                                           : std::string();
      res = why.empty() ? response{200, "text/plain; charset=utf-8", "ready\n", {}}
                        : problem_response(503, "not-ready", std::move(why), req.target);
    }
  } else if (path == "/metrics") {
    res = is_get ? response{200, "text/plain; version=0.0.4; charset=utf-8", metrics_text(), {}}
                 : method_not_allowed("GET");
  } else if (path.starts_with("/control/") && opts_.control) {
    res = opts_.control(req);
  } else if (path.starts_with("/v1/messages/") || path.starts_with("/v1/flights/") ||
             path.starts_with("/v1/pnrs/")) {
    res = is_get ? query(req) : method_not_allowed("GET");
  } else {
    res = problem_response(404, "not-found", "no such endpoint", req.target);
  }
  const unsigned cls = res.status / 100;
  if (cls < 6) responses_by_class_[cls].fetch_add(1);
  return res;
}

// What an intake carries from its checks to its acknowledgement, across the store's commit
// (handle_async runs the two halves on different threads).
struct service::intake_state {
  intake_state(const transport::request& rq, kind kd, service& svc)
      : home(svc),
        result_box(svc.take_result()),
        r(*result_box),
        req(&rq),
        k(kd),
        json(transport::accepts_json(rq.accept)),
        started(rq.received == std::chrono::steady_clock::time_point{}
                    ? std::chrono::steady_clock::now()
                    : rq.received) {}
  // The result goes back to the service for the next small intake once the acknowledgement
  // is built (nothing of it is read after that: responses and the store's record own copies).
  ~intake_state() {
    if (result_box->bytes <= reuse_max_bytes) home.give_back(std::move(result_box));
  }
  intake_state(const intake_state&) = delete;
  intake_state& operator=(const intake_state&) = delete;
  service& home;
  std::unique_ptr<pipeline::result> result_box;     // from home.take_result(), never null
  pipeline::result& r;                              // *result_box: check_into refills it
  std::shared_ptr<const transport::request> owner;  // keeps *req alive on the async path
  const transport::request* req;
  kind k;
  bool json;
  std::chrono::steady_clock::time_point started;
  // What the intake's log line says besides the request, written by finish_intake only when
  // the logger writes the line (a receiver at log level warn builds no info line per input).
  bool checked = false;            // the checker ran: the envelope and finding ids are known
  std::size_t check_findings = 0;  // r.findings at the check (later ones are push findings)
  std::optional<store::put_outcome> put;
  std::optional<std::string> store_error;
  std::string_view ack_error_key;  // "cusres_error" / "ackres_error", or empty
  std::string ack_error;
  bool syntax_rejected = false;
  std::size_t extracted = 0;  // r.messages.size() at the check (PAXLST moves them to the store)
  // iAPI: the record's messages are r.messages themselves, lent to the store's put_async (the
  // acknowledgement reads them after the commit); the record carries none of its own.
  bool lend = false;
  std::string identity;
  // PNR push history: held from the check to the commit on one thread (sync path only).
  push_hold push_lock;
  std::vector<diagnostic> push_findings;
  severity push_worst = severity::info;
};

transport::response service::finish_intake(intake_state& st, response r, std::string_view verdict) {
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - st.started).count();
  observe(st.k, verdict, secs);
  const log_level level = r.status >= 500 ? log_level::error : log_level::info;
  if (!log_->enabled(level)) return r;
  const transport::request& rq = *st.req;
  log_line line;
  // An intake's line is about 250 bytes of fields (about 5 reallocations growing from empty).
  line.reserve(384);
  line.add("request", rq.id)
      .add("kind", kind_labels[static_cast<std::size_t>(st.k)])
      .add("sender_identity", rq.sender)
      .add("bytes", rq.body.size());
  if (st.checked) {
    const pipeline::result& pr = st.r;
    line.add("control_reference", pr.envelope.control_reference)
        .add("sender", pr.envelope.sender)
        .add("messages", pr.envelope.messages);
    // The first 20 distinct IDs met, sorted (no set: a few IDs at most in practice).
    std::vector<std::string_view> ids;
    for (std::size_t i = 0; i < st.check_findings && i < pr.findings.size(); ++i) {
      if (ids.size() >= 20) break;
      const std::string_view id = pr.findings[i].id;
      const auto at = std::lower_bound(ids.begin(), ids.end(), id);
      if (at == ids.end() || *at != id) ids.insert(at, id);
    }
    line.add("findings", std::span<const std::string_view>(ids));
  }
  if (st.store_error) {
    line.add("store_error", *st.store_error);
  } else if (st.put) {
    line.add("id", st.put->id).add("duplicate", st.put->duplicate);
  }
  if (!st.ack_error_key.empty()) line.add(st.ack_error_key, st.ack_error);
  line.add("status", r.status).add("verdict", verdict).add("latency_ms", secs * 1000.0);
  log_->log(level, "intake", line);
  return r;
}

transport::response service::intake(const transport::request& req, kind k) {
  intake_state st(req, k, *this);
  store::received rec;
  if (auto early = intake_check(st, rec)) return std::move(*early);
  if (st.lend) rec.messages = st.r.messages;  // put() takes the messages
  return acknowledge(st, store_->put(std::move(rec)));
}

void service::handle_async(std::shared_ptr<const transport::request> req,
                           transport::responder respond) {
  const std::string& path = req->path;
  // API intake completes from the store's commit callback. Everything else answers at once
  // with handle() on this thread, PNR intake included: its push-history lock (push_hold) is a
  // mutex held from the check to the commit and must be released by the thread that took it.
  const std::optional<kind> k = req->method != "POST"      ? std::nullopt
                                : path == "/v1/api/paxlst" ? std::optional(kind::paxlst)
                                : path == "/v1/api/iapi"   ? std::optional(kind::iapi)
                                                           : std::nullopt;
  if (!k) return transport::handler::handle_async(std::move(req), std::move(respond));
  ++in_flight_;
  auto count = [this](const response& res) {
    const unsigned cls = res.status / 100;
    if (cls < 6) responses_by_class_[cls].fetch_add(1);
    --in_flight_;
  };
  auto st = std::make_shared<intake_state>(*req, *k, *this);
  st->owner = std::move(req);
  store::received rec;
  std::optional<response> early;
  try {
    early = intake_check(*st, rec);
  } catch (...) {
    --in_flight_;
    throw;  // answered with 500 by the server
  }
  if (early) {
    count(*early);
    return respond([res = std::move(*early)]() mutable { return std::move(res); });
  }
  // RCV-DUR-001 as in intake(): the acknowledgement is built only once the store's callback
  // reports the COMMIT. No thread waits meanwhile, so one group commit carries every request
  // in flight, not at most one per worker thread.
  auto done = [this, st, respond = std::move(respond),
               count](boost::system::result<store::put_outcome> put) {
    respond([this, st, put = std::move(put), count]() mutable {
      response res = acknowledge(*st, std::move(put));
      count(res);
      return res;
    });
  };
  // Lent: st (held by this frame and by `done`) keeps r.messages alive and unchanged until
  // the acknowledgement, which only reads them.
  if (st->lend) return store_->put_async_lent(std::move(rec), st->r.messages, std::move(done));
  store_->put_async(std::move(rec), std::move(done));
}

// A small API input's whole intake is a few hundred microseconds of CPU at most and never
// waits: the store's put_async only queues (the commit completes on the writer thread) and the
// acknowledgement is built from memory. When the I/O threads cover every usable core, handing
// it to a worker and back adds two context switches and no parallelism.
bool service::runs_on_io_thread(const transport::request& req) const noexcept {
  return opts_.io_thread_max_bytes != 0 && req.body.size() <= opts_.io_thread_max_bytes &&
         req.method == "POST" && (req.path == "/v1/api/iapi" || req.path == "/v1/api/paxlst");
}

// Stores without an asynchronous put: the caller's thread waits for the commit.
void message_store::put_async(store::received r, put_done done) { done(put(std::move(r))); }

// A store that keeps the record owns a copy of the messages.
void message_store::put_async_lent(store::received r,
                                   std::span<const model::canonical_message> messages,
                                   put_done done) {
  r.messages.assign(messages.begin(), messages.end());
  put_async(std::move(r), std::move(done));
}

namespace {

// An iAPI request that passes the checks but that no CUSRES can echo (no UNH 0062 or no
// RFF+TN: TRN-H2H-001, API-CUSRES-RFF-001) is refused here, before it is stored: its answer is
// the 422 of acknowledge() (CONTRL or problem `iapi-not-answerable`), so the stored verdict must
// be reject as well, with the reason as a finding, not the accept of the checks (fuzz_receiver_
// intake found the two disagreeing: fuzz/crashers/README.md).
// The same for a request the decision engine would refuse as a whole (a header-level ERC:
// IAPI-REQ-FLIGHT, -EMPTY, -LIMIT, -ABO): it was stored as accept and answered 200 with the
// refusal, which a carrier reads as a rejection (fuzz/crashers/receiver_intake_iapi_engine_
// refusal_200.input). With the engine's finding the stored verdict is reject and acknowledge()
// answers 422 with the header-level CUSRES naming it.
void refuse_unanswerable_iapi(service::kind k, pipeline::result& r, const iapi_decider& iapi) {
  if (k != service::kind::iapi || r.outcome == pipeline::verdict::reject) return;
  for (std::size_t i = 0; i < r.messages.size(); ++i) {
    const model::message_info& m = r.messages[i].message;
    if (m.kind != "iapi_request") continue;
    responses::errc missing = responses::errc::ok;
    if (!m.message_reference || m.message_reference->empty()) {
      missing = responses::errc::cusres_missing_message_reference;
    } else if (!m.transaction_reference || m.transaction_reference->empty()) {
      missing = responses::errc::cusres_missing_transaction_reference;
    }
    diagnostic d;
    if (missing != responses::errc::ok) {
      const responses::errc_info& inf = responses::info(missing);
      d.code = responses::make_error_code(missing);
      d.id = inf.id;
      d.requirement = inf.requirement;
      d.detail = "an iAPI request no CUSRES can answer: " + std::string(inf.message);
    } else {
      const iapi_decider::refusal_reason why = iapi.refusal(r.messages[i]);
      if (!why.code) return;  // acknowledge() answers the first request
      d.code = why.code;
      d.id = why.id;
      d.requirement = why.requirement;
      d.detail = "the iAPI request is refused as a whole: " + std::string(why.message);
    }
    d.level = severity::error;
    d.where = scope::message;
    r.findings.push_back(std::move(d));
    if (!r.finding_message.empty()) r.finding_message.push_back(-1);  // as the envelope's
    r.outcome = pipeline::verdict::reject;
    return;
  }
}

}  // namespace

std::optional<transport::response> service::intake_check(intake_state& st, store::received& rec) {
  const transport::request& req = *st.req;
  const kind k = st.k;
  auto finish = [&](response r, std::string_view verdict) {
    return finish_intake(st, std::move(r), verdict);
  };

  // Content type (415) and declared charset (400) before any parsing.
  const media_type mt = parse_media(req.content_type);
  const bool xml_endpoint = k == kind::pnr_xml;
  const bool type_ok = xml_endpoint ? equals_lower(mt.type, "application/xml")
                                    : (equals_lower(mt.type, "application/edifact") ||
                                       equals_lower(mt.type, "text/plain"));
  if (!type_ok) {
    return finish(problem_response(415, "unsupported-media-type",
                                   xml_endpoint ? "send application/xml"
                                                : "send application/edifact or text/plain",
                                   req.target),
                  "reject");
  }
  if (req.body.empty()) {
    return finish(problem_response(400, "empty-body", "the request has no payload", req.target),
                  "reject");
  }
  // UTF-8 where the declaration requires it: XML here is UTF-8 only (PNR-XML intake), and a
  // text/plain body declared utf-8 must be UTF-8 (the EDIFACT repertoire is checked later).
  if ((xml_endpoint || mt.charset == "utf-8") && !valid_utf8(req.body)) {
    return finish(problem_response(400, "invalid-utf8",
                                   "the payload is not well-formed UTF-8 as declared", req.target),
                  "reject");
  }

  // Into a result of an earlier intake (take_result): a small input refills its storage.
  checker_->check_into(req.body, st.r);
  pipeline::result& r = st.r;
  refuse_unanswerable_iapi(k, r, *iapi_);
  cap_findings(r, opts_.max_findings);
  bool& syntax_rejected = st.syntax_rejected;
  for (const auto& d : r.findings) syntax_rejected = syntax_rejected || is_syntax_finding(d);
  if (r.envelope.syntax == "unknown" && r.outcome == pipeline::verdict::reject) {
    syntax_rejected = true;
  }
  st.checked = true;
  st.check_findings = r.findings.size();

  // Durable storage first (RCV-DUR-001); a rejected input is stored too (RCV-DUR-003).
  st.identity = req.sender.empty() ? std::string("anonymous") : req.sender;
  rec.raw = req.body;
  rec.via = req.via_amqp ? store::channel::amqp : store::channel::http;
  rec.sender_identity = st.identity;
  rec.sender = r.envelope.sender;
  rec.control_reference = r.envelope.control_reference;
  for (const auto& m : r.messages) {
    if (m.message.message_reference) rec.message_references.push_back(*m.message.message_reference);
  }
  rec.category = (k == kind::pnr_edifact || k == kind::pnr_xml) ? store::data_category::pnr
                                                                : store::data_category::api;
  rec.outcome = to_store(r.outcome);
  rec.findings = r.findings;
  rec.finding_message = r.finding_message;
  // A PAXLST's acknowledgement reads only how many messages it had: its messages go to the
  // store without a copy (a copy of a one-passenger message was about 10 k instructions of
  // about 190 k per input on the receiver's side, docs/PERFORMANCE.md).
  const bool take = k == kind::paxlst;
  // An iAPI request's messages are read again by its acknowledgement: lent to the store rather
  // than copied (about 10 k instructions of a one-passenger request, docs/PERFORMANCE.md).
  // Not PNR: the push history below reads rec.messages.
  const bool may_lend = k == kind::iapi;
  st.extracted = r.messages.size();
  if (r.outcome == pipeline::verdict::reject) {
    // Kept for inspection; a rejected part joins no set.
    if (take) {
      rec.messages = std::move(r.messages);
      r.messages.clear();
      r.message_source.clear();
    } else if (may_lend) {
      st.lend = true;
    } else {
      rec.messages = r.messages;
    }
  } else {
    // What the input loads: single messages, or a multi-part set its last part completes (a
    // part of an open set loads nothing yet). Set findings are stored with the input.
    std::vector<diagnostic> set_findings;
    if (take) {
      rec.messages = checker_->join_taking(r, set_findings);
    } else if (!may_lend) {
      rec.messages = checker_->join(r, set_findings);
    } else if (auto joined = checker_->join_or_same(r, set_findings)) {
      rec.messages = std::move(*joined);
    } else {
      st.lend = true;  // the input loads r.messages as they are
    }
    for (auto& d : set_findings) {
      rec.findings.push_back(std::move(d));
      if (!rec.finding_message.empty()) rec.finding_message.push_back(-1);
    }
  }
  // PNR push history (PNR-GOV-PUSH-*, PNR-GOV-CANCEL-001, the profile's schedule window): an
  // accepted push is judged against the earlier pushes of its flight. The flight stays locked
  // until this input is stored and recorded, so the next push of it sees this one.
  push_hold& push_lock = st.push_lock;
  std::vector<diagnostic>& push_findings = st.push_findings;
  severity& push_worst = st.push_worst;
  if (opts_.pushes && (k == kind::pnr_edifact || k == kind::pnr_xml) &&
      r.outcome != pipeline::verdict::reject) {
    push_lock = opts_.pushes->check(rec.messages, push_findings);
    for (const auto& d : push_findings) {
      push_worst = std::max(push_worst, d.level);
      rec.findings.push_back(d);
      if (!rec.finding_message.empty()) rec.finding_message.push_back(-1);
    }
    if (push_worst >= severity::error) {
      rec.outcome = store::verdict::reject;
    } else if (push_worst == severity::warning && rec.outcome == store::verdict::accept) {
      rec.outcome = store::verdict::accept_with_warnings;
    }
  }
  return std::nullopt;
}

transport::response service::acknowledge(intake_state& st,
                                         boost::system::result<store::put_outcome> put) {
  const transport::request& req = *st.req;
  const kind k = st.k;
  const bool json = st.json;
  pipeline::result& r = st.r;
  const bool syntax_rejected = st.syntax_rejected;
  const std::string& identity = st.identity;
  push_hold& push_lock = st.push_lock;
  std::vector<diagnostic>& push_findings = st.push_findings;
  const severity push_worst = st.push_worst;
  auto finish = [&](response resp, std::string_view verdict) {
    return finish_intake(st, std::move(resp), verdict);
  };
  // A duplicate is answered as its first copy was (RCV-DUP-001): without history findings,
  // which would judge the push against itself, and not recorded again.
  if (put && !put->duplicate && !push_findings.empty()) {
    for (auto& d : push_findings) {
      r.findings.push_back(std::move(d));
      if (!r.finding_message.empty()) r.finding_message.push_back(-1);
    }
    if (push_worst >= severity::error) {
      r.outcome = pipeline::verdict::reject;
    } else if (push_worst == severity::warning && r.outcome == pipeline::verdict::accept) {
      r.outcome = pipeline::verdict::accept_with_warnings;
    }
  }
  if (put && !put->duplicate && r.outcome != pipeline::verdict::reject) push_lock.commit();
  push_lock = push_hold{};
  if (!put) {
    auto resp = problem_response(503, "store-unavailable",
                                 "the input could not be stored durably and is not acknowledged",
                                 req.target);
    resp.headers.emplace_back("Retry-After", "1");
    st.store_error = put.error().message();
    return finish(std::move(resp), "failed");
  }
  st.put = *put;
  const std::string verdict(verdict_name(r.outcome));
  const std::string metric_verdict = put->duplicate ? "duplicate" : verdict;
  auto with_id = [&](response resp) {
    resp.headers.reserve(resp.headers.size() + (put->duplicate ? 3 : 2));  // one allocation
    resp.headers.emplace_back("Location", "/v1/messages/" + std::to_string(put->id));
    if (put->duplicate) resp.headers.emplace_back("X-Apipnr-Duplicate-Of", std::to_string(put->id));
    // The reference verdict of this input; the AMQP adapter copies it into apipnr-verdict.
    resp.headers.emplace_back("X-Apipnr-Verdict", verdict);
    return resp;
  };
  const auto findings = to_problem_findings(r);
  const bool rejected = r.outcome == pipeline::verdict::reject;

  if (syntax_rejected && k != kind::pnr_xml) {
    // 400 with the CONTRL (UCI 4 or UCM 4) unless the client asked for JSON (RCV-ACK-001).
    if (json || r.contrl.empty()) {
      return finish(with_id(problem_response(400, "syntax-rejected",
                                             "the interchange was rejected by the syntax check",
                                             req.target, findings)),
                    metric_verdict);
    }
    return finish(with_id(edifact_response(400, r.contrl)), metric_verdict);
  }

  const auto stamp = utc_now();
  auto next_reference = [&] { return std::to_string(++control_counter_); };

  // A CONTRL answers a rejection only when it states it itself (UCI 4, or a UCF/UCM 4 for the
  // rejected group or message, ISO 9735-5 / STANDARDS.md §4.3): it reports syntax and message
  // structure findings only, so a message rejected by profile rules alone would get a CONTRL
  // saying UCI 7 "acknowledged, lower levels not rejected", contradicting the 4xx. Such a
  // rejection is answered with the problem and its findings instead.
  bool contrl_reports = false;
  for (const auto& d : r.findings) contrl_reports = contrl_reports || is_contrl_finding(d);
  // On the iAPI channel only a request (PAXLST 745/655 with UNB 0026 IAPI) asks for a CUSRES.
  // The carrier's other inputs there ask no question: a close-out or cancellation (BGM 266,
  // whose reply STANDARDS.md §2.7 leaves open) and the carrier's CUSRES 312 acknowledging an
  // unsolicited 132 (itself the reply; answering it with a CUSRES would start a loop). They
  // are acknowledged like batch input: receipt, or CONTRL when UNB 0031 asks for one.
  bool asks_for_cusres = false;
  for (const auto& m : r.messages) {
    asks_for_cusres = asks_for_cusres || m.message.kind == "iapi_request";
  }
  if (k == kind::paxlst || (k == kind::iapi && !asks_for_cusres)) {
    if (rejected) {
      if (json || r.contrl.empty() || !contrl_reports) {
        return finish(with_id(problem_response(422, "message-rejected",
                                               "a message was rejected by the reference checks",
                                               req.target, findings)),
                      metric_verdict);
      }
      return finish(with_id(edifact_response(422, r.contrl)), metric_verdict);
    }
    const bool want_contrl = !r.contrl.empty() && contrl_requested(req.body);
    if (json) {
      nlohmann::json receipt = {{"id", put->id},
                                {"verdict", verdict},
                                {"duplicate", put->duplicate},
                                {"messages", st.extracted},
                                {"control_reference", r.envelope.control_reference}};
      if (want_contrl) receipt["contrl"] = r.contrl;
      response resp{want_contrl ? 200u : 202u,
                    "application/json",
                    receipt.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                    {}};
      return finish(with_id(std::move(resp)), metric_verdict);
    }
    if (want_contrl) return finish(with_id(edifact_response(200, r.contrl)), metric_verdict);
    response resp{202,
                  "text/plain; charset=utf-8",
                  "accepted id=" + std::to_string(put->id) + " verdict=" + verdict +
                      (put->duplicate ? " duplicate" : "") + "\n",
                  {}};
    return finish(with_id(std::move(resp)), metric_verdict);
  }

  if (k == kind::iapi) {
    // The CUSRES envelope answers the request's (API-IAPI-FLOW-005).
    responses::envelope env;
    env.syntax_identifier =
        r.envelope.syntax_identifier.empty() ? "UNOA" : r.envelope.syntax_identifier;
    env.syntax_version = r.envelope.syntax_version == 0 ? 4 : r.envelope.syntax_version;
    env.sender = {opts_.receiver_id, opts_.receiver_qualifier};
    env.recipient = {r.envelope.sender.empty() ? identity : r.envelope.sender, {}};
    env.date = stamp.yymmdd;
    env.time = stamp.hhmm;
    env.control_reference = next_reference();
    env.application_reference = r.envelope.application_reference;
    const model::canonical_message* request = nullptr;
    for (const auto& m : r.messages) {
      if (m.message.kind == "iapi_request") {
        request = &m;
        break;
      }
    }
    if (request == nullptr && !r.messages.empty()) request = &r.messages.front();
    boost::system::result<responses::cusres_response> cus =
        boost::system::error_code(responses::errc::cusres_no_result);
    if (request != nullptr) {
      if (!rejected) {
        cus = iapi_->answer(*request, env);
      } else {
        // Header-level error: the request echo with ERP+1 / ERC+1 (API-CUSRES-ERP-004), also
        // for a request without travellers, ABO references or a readable flight (the engine's
        // whole-request refusals, refuse_unanswerable_iapi): only UNH 0062 and RFF+TN are needed.
        std::string text;
        for (const auto& d : r.findings) {
          if (d.level >= severity::error) {
            text = std::string(d.id);
            break;
          }
        }
        cus = responses::make_header_refusal(*request, env, std::move(text));
      }
    }
    if (cus && !json) {
      auto written = responses::write_cusres(*cus);
      if (written) {
        return finish(with_id(edifact_response(rejected ? 422 : 200, std::move(*written))),
                      metric_verdict);
      }
      st.ack_error_key = "cusres_error";
      st.ack_error = written.error().message();
    }
    if (json && !rejected && cus) {
      auto written = responses::write_cusres(*cus);
      nlohmann::json receipt = {{"id", put->id}, {"verdict", verdict}};
      if (written) receipt["cusres"] = *written;
      return finish(
          with_id(response{200,
                           "application/json",
                           receipt.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                           {}}),
          metric_verdict);
    }
    // No CUSRES can echo the request: the CONTRL (when it states the rejection) or a problem
    // (RCV-BAD-001).
    if (!json && !r.contrl.empty() && rejected && contrl_reports) {
      return finish(with_id(edifact_response(422, r.contrl)), metric_verdict);
    }
    return finish(
        with_id(problem_response(422, "iapi-not-answerable",
                                 "no CUSRES can be built for this request", req.target, findings)),
        metric_verdict);
  }

  // PNRGOV, EDIFACT or XML: ACKRES (PNR-ACK-001), positive only after put() (PNR-ACK-008).
  responses::ackres_message ack;
  ack.env = responses::pnrgov_envelope();
  ack.env.sender = {opts_.receiver_id, opts_.receiver_qualifier};
  ack.env.recipient = {
      r.envelope.sender.empty() ? (req.sender.empty() ? "UNKNOWN" : req.sender) : r.envelope.sender,
      {}};
  ack.env.date = stamp.yymmdd;
  ack.env.time = stamp.hhmm;
  ack.env.control_reference = next_reference();
  ack.acknowledged_function = "22";
  for (const auto& m : r.messages) {
    if (m.message.common_access_reference && ack.common_access_reference.empty()) {
      ack.common_access_reference = *m.message.common_access_reference;
    }
    if (m.push && m.push->function) {
      ack.acknowledged_function = *m.push->function == "update" ? "141" : "22";
    }
  }
  if (rejected) {
    for (const auto& d : r.findings) {
      if (d.level < severity::error) continue;
      if (ack.errors.size() >= 99) break;
      responses::ackres_error e;
      e.code = d.syntax_error != 0 ? std::to_string(d.syntax_error) : std::string("99");
      e.texts.push_back(std::string(d.id));
      ack.errors.push_back(std::move(e));
    }
    if (ack.errors.empty()) ack.errors.push_back({"99", {"REJECTED"}});
  }
  const unsigned status = syntax_rejected ? 400 : (rejected ? 422 : 200);
  if (json) {
    if (rejected) {
      return finish(with_id(problem_response(status, "pnr-rejected", "the PNR push was rejected",
                                             req.target, findings)),
                    metric_verdict);
    }
    nlohmann::json receipt = {{"id", put->id}, {"verdict", verdict}, {"duplicate", put->duplicate}};
    return finish(
        with_id(response{200,
                         "application/json",
                         receipt.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                         {}}),
        metric_verdict);
  }
  auto written = responses::write_ackres(ack);
  if (!written) {
    st.ack_error_key = "ackres_error";
    st.ack_error = written.error().message();
    return finish(with_id(problem_response(status == 200 ? 500 : status, "ackres-failed",
                                           "no ACKRES could be written", req.target, findings)),
                  metric_verdict);
  }
  return finish(with_id(edifact_response(status, std::move(*written))), metric_verdict);
}

transport::response service::query(const transport::request& req) {
  const auto parts = split_path(req.path);
  query_result q;
  nlohmann::json log_fields = {{"request", req.id}, {"actor", req.sender}};
  if (parts.size() == 3 && parts[1] == "messages") {
    std::int64_t id = 0;
    bool digits = !parts[2].empty() && parts[2].size() < 18;
    for (char c : parts[2]) {
      digits = digits && c >= '0' && c <= '9';
      if (digits) id = id * 10 + (c - '0');
    }
    if (!digits) return problem_response(404, "not-found", "no such message", req.target);
    log_fields["what"] = "message";
    log_fields["id"] = id;
    q = store_->interchange(id, req.sender);
  } else if (parts.size() == 6 && parts[1] == "flights" && parts[5] == "travellers") {
    log_fields["what"] = "flight_travellers";
    log_fields["flight"] =
        std::string(parts[2]) + std::string(parts[3]) + "/" + std::string(parts[4]);
    q = store_->flight_travellers(parts[2], parts[3], parts[4], req.sender);
  } else if (parts.size() == 6 && parts[1] == "flights" && parts[5] == "status-changes") {
    // Officer status changes of the flight with their 132 deliveries and 312 answers.
    log_fields["what"] = "status_changes";
    log_fields["flight"] =
        std::string(parts[2]) + std::string(parts[3]) + "/" + std::string(parts[4]);
    q = store_->status_changes(
        store::flight_key{std::string(parts[2]), std::string(parts[3]), std::string(parts[4])},
        req.sender);
  } else if (parts.size() == 3 && parts[1] == "pnrs") {
    log_fields["what"] = "pnr";
    log_fields["locator"] = mask(parts[2]);
    q = store_->pnr(parts[2], req.sender);
  } else {
    return problem_response(404, "not-found", "no such resource", req.target);
  }
  // Every read of personal data is logged: who, when, what (DP-LOG-004).
  log_fields["outcome"] = q.status == query_status::ok          ? "ok"
                          : q.status == query_status::not_found ? "not_found"
                                                                : "failed";
  log_->log(log_level::info, "query", log_fields);
  switch (q.status) {
    case query_status::ok:
      return response{200, "application/json", std::move(q.json), {}};
    case query_status::not_found:
      return problem_response(404, "not-found", "nothing stored under this key", req.target);
    case query_status::failed:
      break;
  }
  return problem_response(503, "store-unavailable", "the store could not answer", req.target);
}

// Stores without status support (the interface's defaults).
boost::system::result<std::vector<std::int64_t>> message_store::iapi_requests(
    const store::flight_key&) {
  return boost::system::errc::make_error_code(boost::system::errc::function_not_supported);
}
boost::system::result<std::string> message_store::raw(std::int64_t, std::string_view) {
  return boost::system::errc::make_error_code(boost::system::errc::function_not_supported);
}
boost::system::result<std::optional<std::string>> message_store::iapi_status(
    const store::flight_key&, std::string_view) {
  return boost::system::errc::make_error_code(boost::system::errc::function_not_supported);
}
boost::system::result<std::int64_t> message_store::put_status_change(store::status_change) {
  return boost::system::errc::make_error_code(boost::system::errc::function_not_supported);
}
boost::system::error_code message_store::put_delivery(std::int64_t, const store::delivery_record&) {
  return boost::system::errc::make_error_code(boost::system::errc::function_not_supported);
}
query_result message_store::status_changes(const store::flight_key&, std::string_view) {
  return {query_status::failed, {}};
}
boost::system::result<std::vector<store::pending_delivery>> message_store::pending_deliveries(
    std::size_t) {
  return boost::system::errc::make_error_code(boost::system::errc::function_not_supported);
}

void service::observe(kind k, std::string_view verdict, double seconds) {
  messages_[static_cast<std::size_t>(k)][verdict_index(verdict)].fetch_add(1);
  std::lock_guard lock(histogram_mutex_);
  for (std::size_t i = 0; i < latency_buckets.size(); ++i) {
    if (seconds <= latency_buckets[i]) ++buckets_[i];
  }
  ++latency_count_;
  latency_sum_ += seconds;
}

std::string service::metrics_text() const {
  std::ostringstream out;
  out << "# HELP apipnr_messages_total Inputs received, by intake kind and verdict.\n"
      << "# TYPE apipnr_messages_total counter\n";
  for (std::size_t k = 0; k < kind_labels.size(); ++k) {
    for (std::size_t v = 0; v < verdict_labels.size(); ++v) {
      out << "apipnr_messages_total{kind=\"" << kind_labels[k] << "\",verdict=\""
          << verdict_labels[v] << "\"} " << messages_[k][v].load() << "\n";
    }
  }
  out << "# HELP apipnr_intake_duration_seconds Time from request read to acknowledgement.\n"
      << "# TYPE apipnr_intake_duration_seconds histogram\n";
  {
    std::lock_guard lock(histogram_mutex_);
    for (std::size_t i = 0; i < latency_buckets.size(); ++i) {
      out << "apipnr_intake_duration_seconds_bucket{le=\"" << latency_buckets[i] << "\"} "
          << buckets_[i] << "\n";
    }
    out << "apipnr_intake_duration_seconds_bucket{le=\"+Inf\"} " << latency_count_ << "\n"
        << "apipnr_intake_duration_seconds_sum " << latency_sum_ << "\n"
        << "apipnr_intake_duration_seconds_count " << latency_count_ << "\n";
  }
  out << "# HELP apipnr_requests_in_flight Requests being handled now.\n"
      << "# TYPE apipnr_requests_in_flight gauge\n"
      << "apipnr_requests_in_flight " << in_flight_.load() << "\n"
      << "# HELP apipnr_store_interchanges Interchanges stored since start.\n"
      << "# TYPE apipnr_store_interchanges gauge\n"
      << "apipnr_store_interchanges " << store_->size() << "\n"
      << "# HELP apipnr_http_responses_total Responses of the service by status class.\n"
      << "# TYPE apipnr_http_responses_total counter\n";
  for (std::size_t c = 1; c < 6; ++c) {
    out << "apipnr_http_responses_total{class=\"" << c << "xx\"} " << responses_by_class_[c].load()
        << "\n";
  }
  // Group commit (docs/STORE.md): how long puts wait for the writer, how long a commit takes
  // and how many puts it carries, the split of the intake duration above that the open-model
  // analysis needed (docs/PERFORMANCE.md "iAPI latency in the open model").
  if (const auto st = store_->statistics()) {
    auto histogram = [&out](std::string_view name, std::string_view help, const auto& bounds,
                            const std::array<std::uint64_t, 10>& counts, double sum) {
      out << "# HELP " << name << " " << help << "\n# TYPE " << name << " histogram\n";
      for (std::size_t i = 0; i < bounds.size(); ++i)
        out << name << "_bucket{le=\"" << bounds[i] << "\"} " << counts[i] << "\n";
      out << name << "_bucket{le=\"+Inf\"} " << counts.back() << "\n"
          << name << "_sum " << sum << "\n"
          << name << "_count " << counts.back() << "\n";
    };
    histogram("apipnr_store_queue_wait_seconds",
              "Time a put waited in the store's queue until the writer took it into a batch.",
              store::statistics::wait_bounds_seconds, st->queue_wait, st->queue_wait_sum);
    histogram("apipnr_store_commit_seconds",
              "Time of one group commit of puts, BEGIN to the end of COMMIT (fsync included).",
              store::statistics::wait_bounds_seconds, st->commit_time, st->commit_time_sum);
    histogram("apipnr_store_batch_puts", "Puts carried by one group commit.",
              store::statistics::batch_bounds, st->batch_puts,
              static_cast<double>(st->batch_puts_sum));
    out << "# HELP apipnr_store_transactions_total Committed write transactions.\n"
        << "# TYPE apipnr_store_transactions_total counter\n"
        << "apipnr_store_transactions_total " << st->transactions << "\n";
    // Checkpoints (docs/STORE.md): the checkpointer's syncs share the disk with the commits'.
    histogram("apipnr_store_checkpoint_seconds",
              "Time of one passive checkpoint of the checkpointer thread (syncs included).",
              store::statistics::wait_bounds_seconds, st->checkpoint_time, st->checkpoint_time_sum);
    histogram("apipnr_store_forced_checkpoint_seconds",
              "Time the writer spent on one RESTART checkpoint attempt at the WAL limit.",
              store::statistics::wait_bounds_seconds, st->forced_checkpoint_time,
              st->forced_checkpoint_time_sum);
    out << "# HELP apipnr_store_checkpoint_frames_total WAL frames copied by passive checkpoints.\n"
        << "# TYPE apipnr_store_checkpoint_frames_total counter\n"
        << "apipnr_store_checkpoint_frames_total " << st->checkpoint_frames_sum << "\n"
        << "# HELP apipnr_store_checkpoint_writeback_syncs_total Database syncs added inside "
           "checkpoints by store.checkpoint_sync_bytes.\n"
        << "# TYPE apipnr_store_checkpoint_writeback_syncs_total counter\n"
        << "apipnr_store_checkpoint_writeback_syncs_total " << st->checkpoint_writeback_syncs
        << "\n";
  }
  if (opts_.extra_metrics) out << opts_.extra_metrics();
  return out.str();
}

}  // namespace apipnr::receiver
