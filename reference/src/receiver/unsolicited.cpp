// Officer status changes and the unsolicited CUSRES 132 (unsolicited.hpp). The order inside
// status_change() is the durability argument of the outbound side: the change and the exact 132
// are committed before the first byte goes to the carrier, so every 132 a carrier ever sees is
// in the store with its delivery outcome and the 312 it was answered with.
#include "apipnr/receiver/unsolicited.hpp"

#include <algorithm>
#include <ctime>
#include <sstream>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "apipnr/edifact/interchange.hpp"
#include "apipnr/edifact/parser.hpp"
#include "apipnr/responses/cusres_from_request.hpp"
#include "apipnr/transport/problem.hpp"
#include "utc_stamp.hpp"

namespace apipnr::receiver {

namespace {

namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;
using transport::response;

// A control body is a few hundred bytes; anything near this is not a status change.
constexpr std::size_t max_control_body = 64 * 1024;
constexpr std::size_t max_requests_searched = 50;  // newest iAPI requests of a flight

response problem_response(unsigned status, std::string_view slug, std::string detail,
                          const std::string& instance) {
  transport::problem p;
  p.type = transport::problem_type(slug);
  p.title = std::string(transport::reason(status));
  p.status = status;
  p.detail = std::move(detail);
  p.instance = instance;
  response r;
  r.status = status;
  r.content_type = std::string(transport::problem_content_type);
  r.body = transport::to_json(p);
  return r;
}

bool is_loopback(std::string_view remote) noexcept {
  return remote.starts_with("127.") || remote.starts_with("[::1]") || remote.starts_with("::1") ||
         remote.starts_with("::ffff:127.");
}

bool all_of(std::string_view s, bool (*pred)(char)) noexcept {
  return std::all_of(s.begin(), s.end(), pred);
}
bool is_upper_alnum(char c) noexcept { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }
bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
bool is_upper(char c) noexcept { return c >= 'A' && c <= 'Z'; }

// The control body, checked field by field (unknown keys are refused like in the config file).
struct control_body {
  store::flight_key flight;
  std::string departure_airport, abo, avf, directive, text;
};

std::string read_body(const nlohmann::json& j, control_body& out) {
  if (!j.is_object()) return "the body must be a JSON object";
  for (const auto& [k, v] : j.items()) {
    if (k != "flight" && k != "traveller" && k != "directive" && k != "text")
      return "unknown member \"" + k + "\"";
  }
  const auto str = [](const nlohmann::json& o, const char* key, std::string& dst,
                      bool required) -> std::string {
    if (!o.contains(key)) return required ? std::string("missing ") + key : std::string();
    if (!o[key].is_string()) return std::string(key) + " must be a string";
    dst = o[key].get<std::string>();
    return {};
  };
  if (!j.contains("flight") || !j["flight"].is_object()) return "missing flight object";
  const auto& f = j["flight"];
  for (const auto& [k, v] : f.items()) {
    if (k != "carrier" && k != "number" && k != "departure_date" && k != "departure_airport")
      return "unknown member flight." + k;
  }
  for (auto [key, dst] :
       {std::pair{"carrier", &out.flight.carrier}, std::pair{"number", &out.flight.number},
        std::pair{"departure_date", &out.flight.date},
        std::pair{"departure_airport", &out.departure_airport}}) {
    if (auto e = str(f, key, *dst, true); !e.empty()) return "flight: " + e;
  }
  if (out.flight.carrier.size() < 2 || out.flight.carrier.size() > 3 ||
      !all_of(out.flight.carrier, is_upper_alnum))
    return "flight.carrier must be a 2- or 3-character airline designator";
  if (out.flight.number.empty() || out.flight.number.size() > 5 ||
      !all_of(out.flight.number, is_upper_alnum))
    return "flight.number must be 1 to 5 characters (digits, optional suffix letter)";
  const std::string& d = out.flight.date;
  if (d.size() != 10 || d[4] != '-' || d[7] != '-' ||
      !all_of(std::string_view(d).substr(0, 4), is_digit) ||
      !all_of(std::string_view(d).substr(5, 2), is_digit) ||
      !all_of(std::string_view(d).substr(8, 2), is_digit))
    return "flight.departure_date must be YYYY-MM-DD";
  if (out.departure_airport.size() != 3 || !all_of(out.departure_airport, is_upper))
    return "flight.departure_airport must be a 3-letter IATA code";
  if (!j.contains("traveller") || !j["traveller"].is_object()) return "missing traveller object";
  const auto& t = j["traveller"];
  for (const auto& [k, v] : t.items()) {
    if (k != "abo" && k != "avf") return "unknown member traveller." + k;
  }
  if (auto e = str(t, "abo", out.abo, true); !e.empty()) return "traveller: " + e;
  if (auto e = str(t, "avf", out.avf, false); !e.empty()) return "traveller: " + e;
  if (out.abo.empty() || out.abo.size() > 70) return "traveller.abo must be 1 to 70 characters";
  if (out.avf.size() > 70) return "traveller.avf must be at most 70 characters";
  if (auto e = str(j, "directive", out.directive, true); !e.empty()) return e;
  // API-CUSRES-ERC-002: the passenger-level codes of the iAPI profile.
  if (!responses::parse_directive(out.directive))
    return "directive must be 0Z, 1Z, 2Z or 4Z (API-CUSRES-ERC-002)";
  if (auto e = str(j, "text", out.text, false); !e.empty()) return e;
  if (out.text.size() > 512) return "text must be at most 512 characters";
  return {};
}

std::string_view reference_of(const model::traveller& t, std::string_view qualifier) {
  for (const auto& r : t.references)
    if (r.qualifier == qualifier) return r.value;
  return {};
}

bool same_flight(const model::canonical_message& m, const control_body& b) {
  if (m.message.kind != "iapi_request" || !m.flight_info || m.flight_info->legs.empty())
    return false;
  const auto& f = *m.flight_info;
  const auto& dep = f.legs.front().departure;
  return f.carrier.value_or("") == b.flight.carrier && f.number.value_or("") == b.flight.number &&
         dep.port.value_or("") == b.departure_airport &&
         dep.scheduled.value_or("").starts_with(b.flight.date);
}

// The carrier's answer to a 132 (API-IAPI-FLOW-008, API-CUSRES-ACK-001): a CUSRES 312 whose
// flight reference and passenger group echo the 132's, or one reporting an error at header
// level (ERP+1 with ERC). Read with the syntax engine, field by field.
struct ack_reading {
  std::string result;  // acknowledged | error | invalid
  std::string detail;
};

ack_reading read_acknowledgement(std::string_view body, const checker& chk,
                                 const std::string& flight, const std::string& abo,
                                 const std::string& directive) {
  if (body.empty()) return {"invalid", "no CUSRES 312 in the answer"};
  // The reference checks first: a 312 that the receiver would reject as input is not an
  // acknowledgement either.
  const pipeline::result checked = chk.check(body);
  if (checked.outcome == pipeline::verdict::reject) {
    for (const auto& d : checked.findings)
      if (d.level >= severity::error) return {"invalid", "rejected: " + std::string(d.id)};
    return {"invalid", "rejected by the reference checks"};
  }
  edifact::parser p;
  edifact::interchange ic;
  null_sink sink;
  (void)p.parse(body, ic, sink);
  if (ic.messages.size() != 1 || ic.messages.front().type != "CUSRES")
    return {"invalid", "not one CUSRES message"};
  const auto el = [&](const edifact::segment& s, std::size_t e, std::size_t c) {
    return edifact::unescape(edifact::component(edifact::element(s, e, ic.delims), c, ic.delims),
                             ic.delims);
  };
  std::string bgm, af, header_erc;
  bool in_header = false, in_passenger = false, passenger_seen = false;
  std::string group_abo, group_erc;
  bool echoed = false;
  std::string wrong;
  auto close_group = [&] {
    if (!in_passenger) return;
    if (group_abo == abo) {
      passenger_seen = true;
      if (group_erc == directive)
        echoed = true;
      else
        wrong = "the 312 answers ABO with ERC " + group_erc + ", the 132 said " + directive;
    }
    group_abo.clear();
    group_erc.clear();
  };
  for (const auto& s : ic.segments) {
    if (s.tag() == "BGM") bgm = el(s, 1, 1);
    if (s.tag() == "ERP") {
      close_group();
      const std::string level = el(s, 1, 1);
      in_header = level == "1";
      in_passenger = level == "2";
    } else if (s.tag() == "RFF") {
      const std::string q = el(s, 1, 1);
      if (q == "AF" && !in_header && !in_passenger) af = el(s, 1, 2);
      if (q == "ABO" && in_passenger) group_abo = el(s, 1, 2);
    } else if (s.tag() == "ERC") {
      if (in_header) header_erc = el(s, 1, 1);
      if (in_passenger) group_erc = el(s, 1, 1);
    }
  }
  close_group();
  if (bgm != "312") return {"invalid", "BGM " + bgm + ", not 312 (API-CUSRES-BGM-001)"};
  if (af != flight)
    return {"invalid", "RFF+AF does not echo the 132's flight (API-CUSRES-ACK-001)"};
  if (!header_erc.empty() && !passenger_seen)
    return {"error", "ERP+1 ERC " + header_erc + " (API-IAPI-FLOW-008)"};
  if (!wrong.empty()) return {"invalid", wrong + " (API-CUSRES-ACK-001)"};
  if (!passenger_seen || !echoed)
    return {"invalid", "no ERP+2 group echoes the passenger (API-CUSRES-ACK-001)"};
  return {"acknowledged", {}};
}

// -- HTTP link ---------------------------------------------------------------------------------

class http_link final : public carrier_link {
 public:
  http_link(std::string host, std::string port, std::string target,
            std::chrono::milliseconds timeout)
      : host_(std::move(host)),
        port_(std::move(port)),
        target_(std::move(target)),
        timeout_(timeout) {}

  carrier_answer send(const std::string& cusres, const std::string& control_reference) override {
    carrier_answer a;
    try {
      boost::asio::io_context ioc;
      tcp::resolver resolver(ioc);
      beast::tcp_stream stream(ioc);
      beast::error_code ec;
      const auto endpoints = resolver.resolve(host_, port_, ec);
      if (ec) return fail(a, "resolve: " + ec.message());
      // One deadline over connect, write and read: an attempt never outlasts the timeout.
      stream.expires_after(timeout_);
      stream.connect(endpoints, ec);
      if (ec) return fail(a, "connect: " + ec.message());
      http::request<http::string_body> req{http::verb::post, target_, 11};
      req.set(http::field::host, host_ + ":" + port_);
      req.set(http::field::content_type, "application/edifact");
      req.set(http::field::user_agent, "apipnr-receiver");
      req.set("X-Apipnr-Control-Reference", control_reference);
      req.body() = cusres;
      req.prepare_payload();
      http::write(stream, req, ec);
      if (ec) return fail(a, "write: " + ec.message());
      beast::flat_buffer buffer;
      http::response_parser<http::string_body> parser;
      parser.body_limit(1 << 20);
      http::read(stream, buffer, parser, ec);
      if (ec) return fail(a, "read: " + ec.message());
      stream.socket().shutdown(tcp::socket::shutdown_both, ec);
      const auto& res = parser.get();
      const unsigned status = res.result_int();
      if (status < 200 || status > 299) return fail(a, "HTTP " + std::to_string(status));
      a.delivered = true;
      a.body = res.body();
    } catch (const std::exception& e) {
      return fail(a, e.what());
    }
    return a;
  }
  std::string destination() const override { return "http://" + host_ + ":" + port_ + target_; }

 private:
  static carrier_answer& fail(carrier_answer& a, std::string why) {
    a.delivered = false;
    a.error = std::move(why);
    return a;
  }
  std::string host_, port_, target_;
  std::chrono::milliseconds timeout_;
};

}  // namespace

boost::system::result<std::shared_ptr<carrier_link>> make_http_carrier_link(
    const std::string& url, std::chrono::milliseconds timeout, std::string& why) {
  const auto bad = [&](std::string text) {
    why = std::move(text);
    return boost::system::errc::make_error_code(boost::system::errc::invalid_argument);
  };
  constexpr std::string_view scheme = "http://";
  if (!url.starts_with(scheme)) return bad("the carrier URL must start with http://");
  std::string_view rest = std::string_view(url).substr(scheme.size());
  const auto slash = rest.find('/');
  const std::string_view authority = rest.substr(0, slash);
  const std::string target =
      slash == std::string_view::npos ? std::string("/") : std::string(rest.substr(slash));
  if (authority.find('@') != std::string_view::npos)
    return bad("the carrier URL must not carry credentials");
  std::string host, port = "80";
  if (authority.starts_with("[")) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return bad("the carrier URL has a malformed IPv6 host");
    host = std::string(authority.substr(1, close - 1));
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return bad("the carrier URL has a malformed port");
      port = std::string(authority.substr(close + 2));
    }
  } else {
    const auto colon = authority.rfind(':');
    host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = std::string(authority.substr(colon + 1));
  }
  if (host.empty()) return bad("the carrier URL has no host");
  if (port.empty() || port.size() > 5 || !all_of(port, is_digit) || std::stoul(port) > 65535)
    return bad("the carrier URL has a malformed port");
  if (timeout.count() <= 0) return bad("the delivery timeout must be positive");
  return std::shared_ptr<carrier_link>(
      std::make_shared<http_link>(std::move(host), std::move(port), target, timeout));
}

status_controller::status_controller(unsolicited_config cfg, std::shared_ptr<const checker> chk,
                                     std::shared_ptr<message_store> st,
                                     std::shared_ptr<const iapi_decider> iapi,
                                     std::shared_ptr<logger> log,
                                     std::shared_ptr<carrier_link> link, std::string receiver_id)
    : cfg_(std::move(cfg)),
      checker_(std::move(chk)),
      store_(std::move(st)),
      iapi_(std::move(iapi)),
      log_(std::move(log)),
      link_(std::move(link)),
      receiver_id_(std::move(receiver_id)) {
  if (cfg_.max_attempts == 0) cfg_.max_attempts = 1;
  // Our 132 control references: seconds since the epoch and a 3-digit counter, 13 digits, never
  // equal to the intake's (which use 4 counter digits, 14 in all) and unique across restarts
  // more than a second apart.
  control_counter_ = static_cast<std::uint64_t>(std::time(nullptr)) % 10'000'000'000ULL * 1'000;
  resume_pending();
  retry_thread_ = std::thread([this] { retry_loop(); });
}

// A 132 is stored before it is sent, so a restart finds the ones whose delivery had not ended
// (still `pending`): they go back on the retry queue, due at once, with their attempt count
// (at least one more attempt each; max_attempts bounds the rest), through the link configured
// now. Bounded: at most max_resumed per start, oldest first; the rest wait for the next start.
void status_controller::resume_pending() {
  if (!link_) return;  // no carrier endpoint: they stay pending
  constexpr std::size_t max_resumed = 1000;
  auto found = store_->pending_deliveries(max_resumed);
  if (!found) {
    if (found.error() != boost::system::errc::function_not_supported)
      log_->log(log_level::error, "unsolicited_resume", {{"error", found.error().message()}});
    return;
  }
  if (found->empty()) return;
  const auto now = std::chrono::steady_clock::now();
  for (store::pending_delivery& d : *found) {
    pending p;
    p.id = d.id;
    p.message = std::move(d.change.message);
    p.control_reference = std::move(d.change.control_reference);
    p.abo = std::move(d.change.abo);
    p.flight = d.change.flight.carrier + d.change.flight.number;
    p.directive = std::move(d.change.directive);
    p.attempts = d.attempts;
    p.due = now;
    p.backoff = cfg_.retry_initial;
    queue_.push_back(std::move(p));
  }
  pending_count_.fetch_add(found->size());
  log_->log(log_level::info, "unsolicited_resume",
            {{"pending", found->size()}, {"destination", link_->destination()}});
}

status_controller::~status_controller() { stop(); }

void status_controller::stop() noexcept {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && !retry_thread_.joinable()) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (retry_thread_.joinable()) retry_thread_.join();
}

transport::response status_controller::handle(const transport::request& req) {
  if (req.path != "/control/v1/status-change")
    return problem_response(404, "not-found", "no such control endpoint", req.target);
  if (req.method != "POST") {
    auto r = problem_response(405, "method-not-allowed", "use POST", req.target);
    r.headers.emplace_back("Allow", "POST");
    return r;
  }
  // With bearer tokens (or mutual TLS) the server has authenticated the caller; without any,
  // the control API is served on loopback only, so an open intake is not an open control API.
  if (req.sender.empty() && !is_loopback(req.remote))
    return problem_response(
        403, "forbidden", "the control API needs authentication or a loopback client", req.target);
  return status_change(req);
}

transport::response status_controller::status_change(const transport::request& req) {
  const auto count = [this](std::size_t i) { changes_[i].fetch_add(1); };
  nlohmann::json log_fields = {{"request", req.id}, {"actor", req.sender}};
  const auto answer = [&](response r, std::string_view outcome) {
    log_fields["status"] = r.status;
    log_fields["outcome"] = outcome;
    log_->log(r.status >= 500 ? log_level::error : log_level::info, "status_change", log_fields);
    return r;
  };
  std::string ct = req.content_type.substr(0, req.content_type.find(';'));
  std::transform(ct.begin(), ct.end(), ct.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  ct.erase(ct.find_last_not_of(" \t") + 1);
  if (ct != "application/json") {
    count(3);
    return answer(
        problem_response(415, "unsupported-media-type", "send application/json", req.target),
        "invalid");
  }
  if (req.body.size() > max_control_body) {
    count(3);
    return answer(
        problem_response(413, "payload-too-large", "a status change is at most 64 KiB", req.target),
        "invalid");
  }
  control_body b;
  {
    const nlohmann::json j = nlohmann::json::parse(req.body, nullptr, false);
    std::string why = j.is_discarded() ? std::string("the body is not JSON") : read_body(j, b);
    if (!why.empty()) {
      count(3);
      return answer(problem_response(400, "invalid-status-change", std::move(why), req.target),
                    "invalid");
    }
  }
  log_fields["flight"] = b.flight.carrier + b.flight.number + "/" + b.flight.date;
  log_fields["directive"] = b.directive;
  if (!link_) {
    return answer(problem_response(503, "unsolicited-not-configured",
                                   "the receiver has no carrier unsolicited endpoint", req.target),
                  "not_configured");
  }

  // The passenger, from the stored iAPI requests of the flight (newest first): re-read with the
  // reference checker so the 132 is built from the same canonical request as the 962.
  auto ids = store_->iapi_requests(b.flight);
  if (!ids) {
    if (ids.error() == boost::system::errc::function_not_supported)
      return answer(
          problem_response(501, "not-implemented", "this store keeps no iAPI statuses", req.target),
          "unsupported");
    return answer(
        problem_response(503, "store-unavailable", "the store could not answer", req.target),
        "failed");
  }
  const std::string actor = req.sender.empty() ? std::string("control:loopback") : req.sender;
  std::optional<model::canonical_message> request;
  std::optional<pipeline::envelope_summary> request_env;
  std::int64_t request_id = 0;
  std::string avf;
  bool avf_mismatch = false;
  for (std::size_t i = 0; i < ids->size() && i < max_requests_searched && !request; ++i) {
    auto raw = store_->raw((*ids)[i], actor);
    if (!raw) continue;  // depersonalised or gone: it names nobody any more
    pipeline::result r = checker_->check(*raw);
    for (auto& m : r.messages) {
      if (!same_flight(m, b)) continue;
      for (const auto& t : m.travellers) {
        if (reference_of(t, "ABO") != b.abo) continue;
        if (!b.avf.empty() && reference_of(t, "AVF") != b.avf) {
          avf_mismatch = true;
          continue;
        }
        avf = std::string(reference_of(t, "AVF"));
        request = std::move(m);
        request_env = r.envelope;
        request_id = (*ids)[i];
        break;
      }
      if (request) break;
    }
  }
  if (!request) {
    count(1);
    return answer(
        problem_response(404, "not-found",
                         avf_mismatch ? "the passenger's booking reference (AVF) does not match"
                                      : "no stored iAPI request names this passenger on this "
                                        "flight",
                         req.target),
        "not_found");
  }
  log_fields["request_id"] = request_id;

  // The CUSRES envelope addresses the request's sender, like the 962 (API-IAPI-FLOW-005).
  const auto stamp = utc_now();
  responses::envelope env;
  env.syntax_identifier =
      request_env->syntax_identifier.empty() ? "UNOA" : request_env->syntax_identifier;
  env.syntax_version = request_env->syntax_version == 0 ? 4 : request_env->syntax_version;
  env.sender = {receiver_id_, {}};
  env.recipient = {request_env->sender.empty() ? std::string("CARRIER") : request_env->sender, {}};
  env.date = stamp.yymmdd;
  env.time = stamp.hhmm;
  env.control_reference = std::to_string(++control_counter_);
  env.application_reference = request_env->application_reference;

  // Current status: the newest recorded change, else what the 962 answered (the decision is
  // deterministic for the stored request and the loaded lists).
  auto current = store_->iapi_status(b.flight, b.abo);
  if (!current)
    return answer(
        problem_response(503, "store-unavailable", "the store could not answer", req.target),
        "failed");
  std::string previous = current->value_or("");
  if (previous.empty()) {
    if (auto decided = iapi_->answer(*request, env)) {
      for (const auto& p : decided->passengers)
        if (p.passenger_reference == b.abo) previous = p.directive_code;
    }
  }
  if (previous == b.directive) {
    count(2);
    return answer(
        problem_response(409, "status-unchanged",
                         "the passenger's current status is already " + b.directive, req.target),
        "unchanged");
  }

  // API-IAPI-FLOW-007: BGM 132 with the flight group of the 962 and one ERP+2 for the passenger
  // (echoed AVF and ABO), ERC the new directive, FTX the officer's text.
  auto made = responses::make_response(*request, env, *responses::parse_directive(b.directive));
  if (!made)
    return answer(
        problem_response(500, "internal-error",
                         "no CUSRES 132 could be built: " + made.error().message(), req.target),
        "failed");
  responses::cusres_response cus = std::move(*made);
  cus.document = responses::cusres_document::unsolicited_status;
  cus.request.message_reference = env.control_reference;  // our own message, not an echo
  std::erase_if(cus.passengers, [&](const responses::passenger_result& p) {
    return p.passenger_reference != b.abo;
  });
  if (cus.passengers.size() > 1) cus.passengers.resize(1);
  for (auto& p : cus.passengers) p.text = b.text;
  auto written = responses::write_cusres(cus);
  if (!written)
    return answer(
        problem_response(400, "invalid-status-change",
                         "the CUSRES 132 cannot carry this change: " + written.error().message(),
                         req.target),
        "invalid");

  store::status_change change;
  change.flight = b.flight;
  change.departure_airport = b.departure_airport;
  change.abo = b.abo;
  change.avf = avf;
  change.request_id = request_id;
  change.directive = b.directive;
  change.previous = previous;
  change.text = b.text;
  change.actor = actor;
  change.control_reference = env.control_reference;
  change.message = *written;
  change.destination = link_->destination();
  auto id = store_->put_status_change(change);
  if (!id) {
    auto r =
        problem_response(503, "store-unavailable",
                         "the status change could not be stored; nothing was sent", req.target);
    r.headers.emplace_back("Retry-After", "1");
    return answer(std::move(r), "failed");
  }
  count(0);
  log_fields["status_change_id"] = *id;
  log_fields["control_reference"] = env.control_reference;

  // Stored: now tell the carrier. One attempt at once; the rest (bounded) in the background.
  pending p;
  p.id = *id;
  p.message = std::move(*written);
  p.control_reference = env.control_reference;
  p.abo = b.abo;
  p.flight = b.flight.carrier + b.flight.number;
  p.directive = b.directive;
  p.backoff = cfg_.retry_initial;
  const attempt_outcome outcome = attempt(p);
  const bool delivered = outcome == attempt_outcome::delivered;
  const bool finished = outcome != attempt_outcome::retry;
  if (!finished) {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(p));
    pending_count_.fetch_add(1);
  }
  cv_.notify_all();
  nlohmann::json body = {{"message_reference", env.control_reference},
                         {"status_change_id", *id},
                         {"delivery", delivered  ? "delivered"
                                      : finished ? "failed"
                                                 : "queued"}};
  log_fields["delivery"] = body["delivery"];
  response r{202, "application/json", body.dump(), {}};
  r.headers.emplace_back("Location", "/v1/flights/" + b.flight.carrier + "/" + b.flight.number +
                                         "/" + b.flight.date + "/status-changes");
  return answer(std::move(r), "accepted");
}

status_controller::attempt_outcome status_controller::attempt(pending& p) {
  ++p.attempts;
  const carrier_answer a = link_->send(p.message, p.control_reference);
  store::delivery_record d;
  d.attempts = p.attempts;
  nlohmann::json fields = {{"status_change_id", p.id},
                           {"control_reference", p.control_reference},
                           {"attempt", p.attempts},
                           {"destination", link_->destination()}};
  attempt_outcome outcome = attempt_outcome::delivered;
  if (a.delivered) {
    d.state = store::delivery_state::delivered;
    d.acknowledgement = a.body;
    if (a.body.empty()) {
      d.ack_result = "";
      d.ack_detail = "no CUSRES 312 in the answer";
      acks_[3].fetch_add(1);
    } else {
      const ack_reading ack = read_acknowledgement(a.body, *checker_, p.flight, p.abo, p.directive);
      d.ack_result = ack.result;
      d.ack_detail = ack.detail;
      acks_[ack.result == "acknowledged" ? 0 : ack.result == "error" ? 1 : 2].fetch_add(1);
    }
    deliveries_[0].fetch_add(1);
    fields["outcome"] = "delivered";
    fields["acknowledgement"] = d.ack_result;
  } else if (p.attempts >= cfg_.max_attempts) {
    d.state = store::delivery_state::failed;
    d.last_error = a.error;
    outcome = attempt_outcome::failed;
    deliveries_[2].fetch_add(1);
    fields["outcome"] = "failed";
    fields["error"] = a.error;
  } else {
    d.state = store::delivery_state::pending;
    d.last_error = a.error;
    deliveries_[1].fetch_add(1);
    p.due = std::chrono::steady_clock::now() + p.backoff;
    p.backoff = std::min(p.backoff * 2, cfg_.retry_max);
    outcome = attempt_outcome::retry;
    fields["outcome"] = "retry";
    fields["error"] = a.error;
  }
  if (auto ec = store_->put_delivery(p.id, d)) fields["store_error"] = ec.message();
  log_->log(outcome == attempt_outcome::failed ? log_level::warn : log_level::info,
            "unsolicited_delivery", fields);
  return outcome;
}

void status_controller::retry_loop() {
  std::unique_lock lock(mutex_);
  for (;;) {
    if (stopping_) return;
    if (queue_.empty()) {
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      continue;
    }
    auto next = std::min_element(queue_.begin(), queue_.end(),
                                 [](const pending& a, const pending& b) { return a.due < b.due; });
    if (next->due > std::chrono::steady_clock::now()) {
      cv_.wait_until(lock, next->due);
      continue;
    }
    pending p = std::move(*next);
    queue_.erase(next);
    lock.unlock();
    const bool finished = attempt(p) != attempt_outcome::retry;
    lock.lock();
    if (finished) {
      pending_count_.fetch_sub(1);
    } else {
      queue_.push_back(std::move(p));
    }
  }
}

std::string status_controller::metrics_text() const {
  std::ostringstream out;
  out << "# HELP apipnr_status_changes_total Officer status change requests by outcome.\n"
      << "# TYPE apipnr_status_changes_total counter\n";
  const char* changes[] = {"accepted", "not_found", "unchanged", "invalid"};
  for (std::size_t i = 0; i < 4; ++i)
    out << "apipnr_status_changes_total{outcome=\"" << changes[i] << "\"} " << changes_[i].load()
        << "\n";
  out << "# HELP apipnr_unsolicited_deliveries_total Delivery attempts of unsolicited CUSRES "
         "132 by outcome.\n"
      << "# TYPE apipnr_unsolicited_deliveries_total counter\n";
  const char* deliveries[] = {"delivered", "retried", "failed"};
  for (std::size_t i = 0; i < 3; ++i)
    out << "apipnr_unsolicited_deliveries_total{outcome=\"" << deliveries[i] << "\"} "
        << deliveries_[i].load() << "\n";
  out << "# HELP apipnr_unsolicited_acknowledgements_total Carrier answers (CUSRES 312) by "
         "result.\n"
      << "# TYPE apipnr_unsolicited_acknowledgements_total counter\n";
  const char* acks[] = {"acknowledged", "error", "invalid", "none"};
  for (std::size_t i = 0; i < 4; ++i)
    out << "apipnr_unsolicited_acknowledgements_total{result=\"" << acks[i] << "\"} "
        << acks_[i].load() << "\n";
  out << "# HELP apipnr_unsolicited_pending Unsolicited CUSRES 132 waiting for a retry.\n"
      << "# TYPE apipnr_unsolicited_pending gauge\n"
      << "apipnr_unsolicited_pending " << pending_count_.load() << "\n";
  return out.str();
}

}  // namespace apipnr::receiver
