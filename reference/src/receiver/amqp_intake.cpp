#include "amqp_intake.hpp"

#include <future>
#include <sstream>

namespace apipnr::receiver {

namespace {

std::string_view header(const transport::response& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return {};
}

// "amqp://user:secret@host:port" -> "user" ("" without credentials). The password is dropped
// here so that it can never reach a log line or the store.
std::string broker_user(std::string_view url) {
  constexpr std::string_view scheme = "amqp://";
  if (url.substr(0, scheme.size()) == scheme) url.remove_prefix(scheme.size());
  const auto at = url.rfind('@');
  if (at == std::string_view::npos) return {};
  const std::string_view cred = url.substr(0, at);
  return std::string(cred.substr(0, cred.find(':')));
}

// "amqp://user:secret@host:port" -> "amqp://host:port".
std::string broker_without_credentials(std::string_view url) {
  constexpr std::string_view scheme = "amqp://";
  if (url.substr(0, scheme.size()) == scheme) url.remove_prefix(scheme.size());
  if (const auto at = url.rfind('@'); at != std::string_view::npos) url.remove_prefix(at + 1);
  return std::string(scheme) + std::string(url);
}

// One attempt = one publish on the consumer's connection, bounded by `timeout`. The broker's
// acceptance of the durable message is the delivery (it holds it for the carrier). A timeout
// or a lost connection leaves the outcome open: the retry may deliver a second copy, which
// the carrier recognises by the unchanged message-id and control reference.
class amqp_carrier_link final : public carrier_link {
 public:
  amqp_carrier_link(std::shared_ptr<amqp::consumer> c, std::string address, std::string broker,
                    std::chrono::milliseconds timeout, std::string reply_queue,
                    std::shared_ptr<carrier_replies> replies)
      : consumer_(std::move(c)),
        address_(std::move(address)),
        destination_(std::move(broker) + address_),
        timeout_(timeout),
        reply_queue_(std::move(reply_queue)),
        replies_(std::move(replies)) {}

  carrier_answer send(const std::string& cusres, const std::string& control_reference) override {
    const auto deadline = std::chrono::steady_clock::now() + timeout_;
    // Registered before the 132 leaves, so that a quick 312 finds its waiter.
    std::shared_ptr<std::promise<std::string>> reply;
    std::future<std::string> reply_f;
    if (!reply_queue_.empty()) {
      reply = std::make_shared<std::promise<std::string>>();
      reply_f = reply->get_future();
      std::lock_guard lock(replies_->mutex);
      replies_->waiting[control_reference] = reply;
    }
    carrier_answer a = publish(cusres, control_reference, deadline);
    if (reply) {
      if (a.delivered && reply_f.wait_until(deadline) == std::future_status::ready) {
        a.body = reply_f.get();
      }
      std::lock_guard lock(replies_->mutex);
      auto it = replies_->waiting.find(control_reference);
      if (it != replies_->waiting.end() && it->second == reply) replies_->waiting.erase(it);
    }
    return a;
  }
  std::string destination() const override { return destination_; }

 private:
  carrier_answer publish(const std::string& cusres, const std::string& control_reference,
                         std::chrono::steady_clock::time_point deadline) {
    amqp::outbound m;
    m.address = address_;
    m.body = cusres;
    m.message_id = control_reference;
    m.correlation_id = control_reference;
    m.reply_to = reply_queue_;
    m.subject = "CUSRES";
    m.content_type = "application/edifact";
    m.properties = {{"apipnr-control-reference", control_reference}, {"apipnr-document", "132"}};
    // Shared: the callback may come after this attempt gave up waiting.
    auto outcome = std::make_shared<std::promise<boost::system::error_code>>();
    std::future<boost::system::error_code> f = outcome->get_future();
    consumer_->publish(std::move(m),
                       [outcome](boost::system::error_code ec) { outcome->set_value(ec); });
    carrier_answer a;
    if (f.wait_until(deadline) != std::future_status::ready) {
      a.error = "the broker did not settle the message within " + std::to_string(timeout_.count()) +
                " ms";
      return a;
    }
    if (const boost::system::error_code ec = f.get()) {
      a.error = ec.message();
    } else {
      a.delivered = true;
    }
    return a;
  }

  std::shared_ptr<amqp::consumer> consumer_;
  std::string address_, destination_;
  std::chrono::milliseconds timeout_;
  std::string reply_queue_;
  std::shared_ptr<carrier_replies> replies_;
};

std::string_view last_component(std::string_view address) noexcept {
  const auto slash = address.rfind('/');
  return slash == std::string_view::npos ? address : address.substr(slash + 1);
}

}  // namespace

std::string_view intake_path(service::kind k) noexcept {
  switch (k) {
    case service::kind::paxlst:
      return "/v1/api/paxlst";
    case service::kind::iapi:
      return "/v1/api/iapi";
    case service::kind::pnr_edifact:
      return "/v1/pnr/edifact";
    case service::kind::pnr_xml:
    case service::kind::count_:
      break;
  }
  return "/v1/pnr/xml";
}

std::string_view default_content_type(service::kind k) noexcept {
  return k == service::kind::pnr_xml ? "application/xml" : "application/edifact";
}

transport::request to_request(const amqp::inbound& in, service::kind k, std::string sender,
                              std::uint64_t id) {
  transport::request req;
  req.id = id;
  req.method = "POST";
  req.path = std::string(intake_path(k));
  req.target = req.path;
  req.content_type =
      in.content_type.empty() ? std::string(default_content_type(k)) : in.content_type;
  // The acknowledgement itself (CONTRL / CUSRES / ACKRES) is what goes back on the queue; a
  // problem document only where no EDIFACT answer exists.
  req.accept = "application/edifact";
  req.body = std::string(in.body);
  req.sender = std::move(sender);
  req.remote = "amqp:" + in.source;
  req.via_amqp = true;
  req.received = std::chrono::steady_clock::now();
  return req;
}

std::string edifact_message_type(std::string_view body) {
  // UNH+<reference>+<type>:<version>... with the default or a UNA-declared separator; the
  // segment tag is followed by the data element separator, which is then reused. The UNH is
  // the first one that starts a segment (at the start, or after an unreleased segment
  // terminator and any line breaks): a CONTRL copies the received UNB's values, and "UNH"
  // inside a copied sender or reference is no segment (fuzz_receiver_amqp: the subject was
  // read from there).
  char terminator = '\'';
  char release = '?';
  if (body.size() >= 9 && body.substr(0, 3) == "UNA") {
    release = body[6];
    terminator = body[8];
  }
  auto starts_segment = [&](std::size_t at) {
    while (at > 0 && (body[at - 1] == '\r' || body[at - 1] == '\n')) --at;
    if (at == 0) return true;
    if (body[at - 1] != terminator) return false;
    std::size_t releases = 0;
    while (at >= releases + 2 && body[at - 2 - releases] == release) ++releases;
    return releases % 2 == 0;
  };
  auto unh = body.find("UNH");
  while (unh != std::string_view::npos && !starts_segment(unh)) unh = body.find("UNH", unh + 1);
  if (unh == std::string_view::npos || unh + 4 > body.size()) return {};
  const char sep = body[unh + 3];
  const auto ref_end = body.find(sep, unh + 4);
  if (ref_end == std::string_view::npos) return {};
  std::string type;
  for (std::size_t i = ref_end + 1; i < body.size() && type.size() < 6; ++i) {
    const char c = body[i];
    if (c < 'A' || c > 'Z') break;
    type += c;
  }
  return type;
}

amqp::handler_result to_handler_result(transport::response r) {
  amqp::handler_result out;
  const std::string_view location = header(r, "Location");
  const std::string_view verdict = header(r, "X-Apipnr-Verdict");
  if (location.empty()) {
    // Nothing was stored: a 4xx is a refusal that a redelivery would only repeat; anything
    // else (503 store unavailable, 500) must come back (RCV-DUR-001: never acknowledged).
    if (r.status >= 400 && r.status < 500) {
      out.status = amqp::handler_status::rejected;
    } else {
      out.status = amqp::handler_status::failed;
      out.detail = "status " + std::to_string(r.status) + " without a stored input";
      return out;
    }
  } else if (r.status >= 500) {
    // Stored, but no acknowledgement could be written: retried, and the redelivery is answered
    // as a duplicate of the stored input.
    out.status = amqp::handler_status::failed;
    out.detail = "status " + std::to_string(r.status) + " after storing";
    return out;
  } else {
    out.status = header(r, "X-Apipnr-Duplicate-Of").empty() ? amqp::handler_status::stored
                                                            : amqp::handler_status::duplicate;
    // As over HTTP, the stored input can be fetched from the query interface with it. The
    // store id travels only here: an apipnr-detail "id=N" repeated it, and every application
    // property is one more the broker converts per reply (docs/AMQP.md, conventions).
    out.properties.emplace_back("location", std::string(location));
  }
  out.ack_subject = edifact_message_type(r.body);
  out.ack = std::move(r.body);  // the acknowledgement is not copied (one per message)
  out.ack_content_type = std::move(r.content_type);
  out.verdict = !verdict.empty() ? std::string(verdict) : r.status < 300 ? "accept" : "reject";
  return out;
}

std::size_t default_amqp_workers(const amqp_config& cfg) noexcept {
  // PNR intake holds its worker until the group commit (the push-history lock), so the worker
  // count bounds how many PNR puts share one fsync: keep the earlier 32 there.
  if (!cfg.pnr_edifact.empty() || !cfg.pnr_xml.empty()) return 32;
  // API intake only runs its checks on a worker and never waits there, so one worker per usable
  // CPU keeps every core busy; more only add wake-ups and context switches (32 -> 2x CPUs in
  // "AMQP ingest, 2026-11-28", 2x -> 1x CPUs in "AMQP ingest, session 12": about 5 us less CPU
  // per message on 2 cores, docs/PERFORMANCE.md).
  return transport::usable_cpus();
}

amqp_intake::amqp_intake(const amqp_config& cfg, std::shared_ptr<transport::handler> h,
                         std::shared_ptr<logger> log, std::string carrier_reply_queue)
    : handler_(std::move(h)),
      log_(std::move(log)),
      carrier_reply_queue_(std::move(carrier_reply_queue)) {
  identity_ = cfg.sender_identity;
  if (identity_.empty()) identity_ = broker_user(cfg.url);
  if (identity_.empty()) identity_ = "amqp";
  const std::pair<const std::string*, service::kind> queues[] = {
      {&cfg.paxlst, service::kind::paxlst},
      {&cfg.iapi, service::kind::iapi},
      {&cfg.pnr_edifact, service::kind::pnr_edifact},
      {&cfg.pnr_xml, service::kind::pnr_xml}};
  amqp::options o;
  for (const auto& [address, k] : queues) {
    if (address->empty()) continue;
    sources_.emplace_back(*address, k);
    o.sources.push_back(*address);
  }
  if (!carrier_reply_queue_.empty()) o.sources.push_back(carrier_reply_queue_);
  o.url = cfg.url;
  o.dead_letter = cfg.dead_letter;
  o.credit = cfg.credit;
  o.workers = cfg.workers != 0 ? cfg.workers : default_amqp_workers(cfg);
  o.max_attempts = cfg.max_attempts;
  o.reconnect_initial = cfg.reconnect_initial;
  o.reconnect_max = cfg.reconnect_max;
  o.idle_timeout = cfg.idle_timeout;
  o.send_replies = cfg.send_replies;
  // Consumer lines name queues, message ids and error IDs, never message content (DP-LOG-003).
  o.log = [lg = log_](amqp::log_level level, std::string_view line) {
    const log_level l = level == amqp::log_level::debug     ? log_level::debug
                        : level == amqp::log_level::info    ? log_level::info
                        : level == amqp::log_level::warning ? log_level::warn
                                                            : log_level::error;
    if (lg->enabled(l)) lg->log(l, "amqp", {{"message", std::string(line)}});
  };
  // The consumer then formats no line the logger would drop (one per delivery at debug).
  o.log_threshold = log_->enabled(log_level::debug)  ? amqp::log_level::debug
                    : log_->enabled(log_level::info) ? amqp::log_level::info
                    : log_->enabled(log_level::warn) ? amqp::log_level::warning
                                                     : amqp::log_level::error;
  // Small API inputs on the event thread: the service's API intake never waits (the store's
  // put_async queues, the COMMIT callback hands the acknowledgement back), so a worker would
  // only add two thread hand-offs per message (docs/PERFORMANCE.md "AMQP ingest, session 6").
  // PNR intake waits for its commit: always a worker.
  if (cfg.event_thread_max_bytes != 0) {
    o.run_on_event_thread = [this, max = cfg.event_thread_max_bytes](const amqp::inbound& in) {
      const service::kind* k = kind_of(in.source);
      return k != nullptr && in.body.size() <= max &&
             (*k == service::kind::paxlst || *k == service::kind::iapi);
    };
  }
  broker_ = broker_without_credentials(cfg.url);
  consumer_ = std::make_shared<amqp::consumer>(
      std::move(o), amqp::async_handler([this](const amqp::inbound& in, amqp::completion done) {
        handle(in, std::move(done));
      }));
}

amqp_intake::~amqp_intake() { stop(std::chrono::milliseconds(0)); }

boost::system::error_code amqp_intake::start() { return consumer_->start(); }

boost::system::error_code amqp_intake::stop(std::chrono::milliseconds grace) {
  return consumer_->stop(grace);
}

bool amqp_intake::connected() const noexcept { return consumer_->connected(); }

std::shared_ptr<carrier_link> amqp_intake::make_carrier_link(
    std::string address, std::chrono::milliseconds timeout) const {
  return std::make_shared<amqp_carrier_link>(consumer_, std::move(address), broker_, timeout,
                                             carrier_reply_queue_, replies_);
}

const service::kind* amqp_intake::kind_of(std::string_view source) const noexcept {
  // The source as the broker reports it is normally the configured address; the queue name
  // alone is the fallback (e.g. "/amq/queue/x" configured, "x" reported).
  for (const auto& [address, kind] : sources_) {
    if (address == source) return &kind;
  }
  for (const auto& [address, kind] : sources_) {
    if (last_component(address) == last_component(source)) return &kind;
  }
  return nullptr;
}

void amqp_intake::carrier_reply(const amqp::inbound& in, amqp::completion done) {
  const std::string& reference = in.correlation_id.empty() ? in.message_id : in.correlation_id;
  std::shared_ptr<std::promise<std::string>> waiter;
  {
    std::lock_guard lock(replies_->mutex);
    if (auto it = replies_->waiting.find(reference); it != replies_->waiting.end()) {
      waiter = std::move(it->second);
      replies_->waiting.erase(it);
    }
  }
  amqp::handler_result r;
  r.status = amqp::handler_status::stored;  // read: settled (accepted), nothing to redeliver
  if (waiter) {
    waiter->set_value(std::string(in.body));
    r.detail = "carrier answer to " + reference;
  } else {
    // No attempt waits (it timed out, or the receiver restarted): the delivery was already
    // recorded without its 312. Said in the log, not dropped silently.
    log_->log(log_level::warn, "unsolicited_reply_unmatched",
              {{"correlation_id", reference}, {"queue", in.source}});
    r.detail = "no CUSRES 132 waits for " + reference;
  }
  done([r = std::move(r)]() mutable { return std::move(r); });
}

void amqp_intake::handle(const amqp::inbound& in, amqp::completion done) {
  // The reply queue first: its name could match an intake queue by its last component.
  if (!carrier_reply_queue_.empty() && in.source == carrier_reply_queue_) {
    return carrier_reply(in, std::move(done));
  }
  const service::kind* k = kind_of(in.source);
  if (k == nullptr) {
    amqp::handler_result r;
    r.status = amqp::handler_status::failed;
    r.detail = "message from an unconfigured source " + in.source;
    return done([r = std::move(r)]() mutable { return std::move(r); });
  }
  // The service's asynchronous path (as for HTTP): the checks run here on the consumer's
  // worker, the store's commit callback hands the acknowledgement's construction back, and
  // the consumer builds it on a worker and settles on its event thread. No worker waits for
  // the group commit, so one commit carries every delivery in flight (up to the credit).
  // A throw from handle_async (answered with 500 over HTTP) counts as failed: redelivered.
  auto req = std::make_shared<const transport::request>(to_request(in, *k, identity_, ++next_id_));
  handler_->handle_async(std::move(req),
                         [done = std::move(done)](std::function<transport::response()> build) {
                           done([build = std::move(build)] { return to_handler_result(build()); });
                         });
}

std::string amqp_intake::metrics_text() const {
  const amqp::stats s = consumer_->counters();
  std::ostringstream out;
  out << "# HELP apipnr_amqp_connected 1 while the AMQP intake holds its broker connection.\n"
      << "# TYPE apipnr_amqp_connected gauge\n"
      << "apipnr_amqp_connected " << (consumer_->connected() ? 1 : 0) << "\n"
      << "# HELP apipnr_amqp_deliveries_total AMQP deliveries by what became of them.\n"
      << "# TYPE apipnr_amqp_deliveries_total counter\n";
  const std::pair<const char*, std::uint64_t> rows[] = {
      {"received", s.received},    {"accepted", s.accepted},
      {"released", s.released},    {"rejected", s.rejected},
      {"duplicate", s.duplicates}, {"dead_lettered", s.dead_lettered},
      {"handled", s.handled},      {"handler_failed", s.handler_failures}};
  for (const auto& [what, n] : rows) {
    out << "apipnr_amqp_deliveries_total{outcome=\"" << what << "\"} " << n << "\n";
  }
  // RabbitMQ 3.x sends more than the credit at times (docs/AMQP.md, "Handler slots").
  out << "# HELP apipnr_amqp_over_credit_total Deliveries the broker sent beyond the credit: "
         "held back for a handler slot, or released back to it.\n"
      << "# TYPE apipnr_amqp_over_credit_total counter\n"
      << "apipnr_amqp_over_credit_total{outcome=\"held\"} " << s.held_back << "\n"
      << "apipnr_amqp_over_credit_total{outcome=\"released\"} " << s.held_released << "\n";
  out << "# HELP apipnr_amqp_reply_failures_total Acknowledgements the broker did not take.\n"
      << "# TYPE apipnr_amqp_reply_failures_total counter\n"
      << "apipnr_amqp_reply_failures_total " << s.reply_failures << "\n"
      << "# HELP apipnr_amqp_connects_total Broker connections opened.\n"
      << "# TYPE apipnr_amqp_connects_total counter\n"
      << "apipnr_amqp_connects_total " << s.connects << "\n"
      << "# HELP apipnr_amqp_disconnects_total Broker connections lost.\n"
      << "# TYPE apipnr_amqp_disconnects_total counter\n"
      << "apipnr_amqp_disconnects_total " << s.disconnects << "\n";
  return out.str();
}

}  // namespace apipnr::receiver
