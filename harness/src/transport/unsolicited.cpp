// The simulated carrier and the control / await_unsolicited steps (unsolicited.hpp). The
// harness reads and writes the CUSRES with its own small EDIFACT reader (edifact_reader.hpp)
// and writer below; no reference code is involved.
#include "apipnr/harness/unsolicited.hpp"

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "apipnr/harness/classify.hpp"
#include "apipnr/harness/cusres_expect.hpp"
#include "apipnr/harness/transport_http.hpp"
#include "carrier_inbox_internal.hpp"
#include "edifact_reader.hpp"

namespace apipnr::harness {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

constexpr std::string_view carrier_path = "/carrier/v1/cusres";
constexpr std::size_t max_message_bytes = 1 << 20;

// -- the harness's 312 writer (default service characters, release character '?') -----------

void append_escaped(std::string& out, std::string_view v) {
  for (char c : v) {
    if (c == '?' || c == '+' || c == ':' || c == '\'') out += '?';
    out += c;
  }
}

void append_segment(std::string& out, const detail::edi_segment& s) {
  out += s.tag;
  // Trailing empty elements and components are left out, as a writer must (ISO 9735-1 7.1).
  std::size_t n_el = s.elements.size();
  while (n_el > 0) {
    const auto& e = s.elements[n_el - 1];
    bool empty = true;
    for (const auto& c : e) empty = empty && c.empty();
    if (!empty) break;
    --n_el;
  }
  for (std::size_t i = 0; i < n_el; ++i) {
    out += '+';
    const auto& e = s.elements[i];
    std::size_t n_c = e.size();
    while (n_c > 0 && e[n_c - 1].empty()) --n_c;
    for (std::size_t k = 0; k < n_c; ++k) {
      if (k > 0) out += ':';
      append_escaped(out, e[k]);
    }
  }
  out += '\'';
}

// "address:port" -> (address, port); false when malformed.
bool split_listen(const std::string& listen, std::string& address, std::uint16_t& port) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  address = listen.substr(0, colon);
  if (address.size() > 2 && address.front() == '[' && address.back() == ']')
    address = address.substr(1, address.size() - 2);
  const std::string p = listen.substr(colon + 1);
  if (p.empty() || p.size() > 5) return false;
  unsigned long v = 0;
  for (char c : p) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<unsigned long>(c - '0');
  }
  if (v > 65535) return false;
  port = static_cast<std::uint16_t>(v);
  return true;
}

// -- the HTTP listener --------------------------------------------------------------------------

class http_simulator;

class session : public std::enable_shared_from_this<session> {
 public:
  session(tcp::socket s, http_simulator* owner) : stream_(std::move(s)), owner_(owner) {}
  void run();

 private:
  void on_read(beast::error_code ec);
  beast::tcp_stream stream_;
  http_simulator* owner_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> res_;
};

class http_simulator final : public carrier_simulator {
 public:
  http_simulator() : acceptor_(ioc_) {}
  ~http_simulator() override {
    ioc_.stop();
    if (thread_.joinable()) thread_.join();
  }

  bool listen(const std::string& spec, std::string& why) {
    std::string address;
    std::uint16_t port = 0;
    if (!split_listen(spec, address, port)) {
      why = "unsolicited.http_listen must be ADDRESS:PORT, not " + spec;
      return false;
    }
    beast::error_code ec;
    const auto addr = asio::ip::make_address(address, ec);
    if (ec) {
      why = "unsolicited.http_listen: not an IP address: " + address;
      return false;
    }
    const tcp::endpoint ep(addr, port);
    acceptor_.open(ep.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(ep, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      why = "cannot listen on " + spec + ": " + ec.message();
      return false;
    }
    const auto bound = acceptor_.local_endpoint(ec);
    url_ = "http://" + (addr.is_v6() ? "[" + addr.to_string() + "]" : addr.to_string()) + ":" +
           std::to_string(bound.port()) + std::string(carrier_path);
    accept();
    thread_ = std::thread([this] { ioc_.run(); });
    return true;
  }

  std::string url() const override { return url_; }

  std::optional<unsolicited_message> take(const std::function<bool(const std::string&)>& match,
                                          std::chrono::milliseconds within) override {
    return inbox_.take(match, within);
  }

  std::size_t received() const override { return inbox_.received(); }

  // Called on the I/O thread for every complete request.
  http::response<http::string_body> handle(const http::request<http::string_body>& req,
                                           const std::string& remote) {
    http::response<http::string_body> res;
    res.version(11);
    res.keep_alive(false);
    if (req.target() != carrier_path || req.method() != http::verb::post) {
      res.result(http::status::not_found);
      res.set(http::field::content_type, "text/plain");
      res.body() = "the simulated carrier takes POST " + std::string(carrier_path) + "\n";
      res.prepare_payload();
      return res;
    }
    unsolicited_message m;
    m.body = req.body();
    m.content_type = std::string(req[http::field::content_type]);
    m.remote = remote;
    m.at = std::chrono::system_clock::now();
    const std::string ack =
        make_carrier_acknowledgement(m.body, std::to_string(1'000'000 + next_reference()));
    if (ack.empty()) {
      res.result(http::status::bad_request);
      res.set(http::field::content_type, "text/plain");
      res.body() = "not a CUSRES interchange\n";
    } else {
      res.result(http::status::ok);
      res.set(http::field::content_type, "application/edifact");
      res.body() = ack;
    }
    res.prepare_payload();
    m.answered_status = static_cast<int>(res.result_int());
    inbox_.put(std::move(m));
    return res;
  }

 private:
  void accept() {
    acceptor_.async_accept([this](beast::error_code ec, tcp::socket s) {
      if (ec) {
        if (ec == asio::error::operation_aborted) return;
      } else {
        std::make_shared<session>(std::move(s), this)->run();
      }
      accept();
    });
  }
  std::uint64_t next_reference() { return ++references_; }

  asio::io_context ioc_;
  tcp::acceptor acceptor_;
  std::thread thread_;
  std::string url_;
  detail::carrier_inbox inbox_;
  std::atomic<std::uint64_t> references_{0};
};

void session::run() {
  stream_.expires_after(std::chrono::seconds(10));  // a stalled sender cannot pin a session
  parser_.emplace();
  parser_->body_limit(max_message_bytes);
  http::async_read(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
}

void session::on_read(beast::error_code ec) {
  if (ec) return;  // closed, timed out or malformed: nothing to keep
  beast::error_code ignored;
  const auto ep = stream_.socket().remote_endpoint(ignored);
  res_ = owner_->handle(parser_->get(), ep.address().to_string() + ":" + std::to_string(ep.port()));
  http::async_write(stream_, res_, [self = shared_from_this()](beast::error_code, std::size_t) {
    beast::error_code e;
    self->stream_.socket().shutdown(tcp::socket::shutdown_both, e);
  });
}

// -- the executor -------------------------------------------------------------------------------

// What a control step named: the await that follows looks for this flight and passenger.
struct passenger_key {
  std::string flight;  // carrier + number, as in RFF+AF
  std::string abo;
};

// Does `body` (a CUSRES) carry RFF+AF:<flight> and an RFF+ABO:<abo>?
bool names(const std::string& body, const passenger_key& k) {
  const auto doc = detail::read_edifact(body);
  bool flight = k.flight.empty(), abo = k.abo.empty();
  for (const auto& s : doc.segments) {
    if (s.tag != "RFF") continue;
    if (s.at(1, 0) == "AF" && s.at(1, 1) == k.flight) flight = true;
    if (s.at(1, 0) == "ABO" && s.at(1, 1) == k.abo) abo = true;
  }
  return flight && abo;
}

verdict transport_verdict(transport_outcome o) noexcept {
  switch (o) {
    case transport_outcome::timeout:
      return verdict::timeout;
    case transport_outcome::endpoint_down:
      return verdict::endpoint_down;
    case transport_outcome::transport_error:
      return verdict::transport_error;
    case transport_outcome::completed:
      break;
  }
  return verdict::pass;
}

class executor final : public step_executor {
 public:
  executor(const target& t, std::unique_ptr<carrier_simulator> sim)
      : control_url_(t.control.status_change_url), simulator_(std::move(sim)) {
    if (!control_url_.empty()) {
      http_options h = http_options_for(t);
      // The control URL travels under the iapi slot; it is no iAPI exchange, so the target's
      // iapi response timeout does not apply to it.
      h.response_timeout_per_kind.clear();
      h.urls[message_kind::iapi] = control_url_;
      options_ = h;
    }
  }

  bool supports(vectors::step_kind kind) const override {
    if (kind == vectors::step_kind::control) return !control_url_.empty();
    if (kind == vectors::step_kind::await_unsolicited) return simulator_ != nullptr;
    return false;
  }

  step_outcome execute(const vectors::case_spec& c, std::size_t step,
                       const std::string& correlation_id) override {
    step_outcome out;
    out.sent.case_id = c.id;
    out.sent.correlation_id = correlation_id;
    if (step >= c.steps.size()) {
      out.judged.verdict = verdict::informational;
      out.judged.reason = "no such step";
      return out;
    }
    const auto& st = c.steps[step];
    if (st.kind == vectors::step_kind::control) return control(c, st, std::move(out));
    if (st.kind == vectors::step_kind::await_unsolicited) return await(c, st, std::move(out));
    out.judged.verdict = verdict::informational;
    out.judged.reason = "not a control or await_unsolicited step";
    return out;
  }

 private:
  step_outcome control(const vectors::case_spec& c, const vectors::step_spec& st,
                       step_outcome out) {
    out.endpoint = control_url_;
    out.sent.kind = message_kind::iapi;
    out.sent.body = st.bytes;
    out.sent.content_type = "application/json";
    const int want = st.http_status.value_or(202);
    out.judged.expected = "HTTP " + std::to_string(want);
    // Remember whom the change names, for the await_unsolicited step after it.
    const auto j = nlohmann::json::parse(st.bytes, nullptr, false);
    passenger_key key;
    if (j.is_object()) {
      const auto f = j.value("flight", nlohmann::json::object());
      const auto t = j.value("traveller", nlohmann::json::object());
      if (f.is_object())
        key.flight = f.value("carrier", std::string()) + f.value("number", std::string());
      if (t.is_object()) key.abo = t.value("abo", std::string());
    }
    {
      std::lock_guard lock(mutex_);
      keys_[c.id] = key;
    }
    http_transport http(options_);
    out.observed = http.send(out.sent);
    if (out.observed.outcome != transport_outcome::completed) {
      out.judged.verdict = transport_verdict(out.observed.outcome);
      out.judged.actual = out.observed.error;
      out.judged.reason = "the control endpoint did not answer";
      return out;
    }
    out.judged.actual = "HTTP " + std::to_string(out.observed.http_status);
    if (out.observed.http_status == want) {
      out.judged.verdict = verdict::pass;
    } else {
      out.judged.verdict = verdict::fail_wrong_code;
      out.judged.reason = "the control API answered HTTP " +
                          std::to_string(out.observed.http_status) + ", expected " +
                          std::to_string(want);
    }
    return out;
  }

  step_outcome await(const vectors::case_spec& c, const vectors::step_spec& st, step_outcome out) {
    out.endpoint = simulator_->url();
    passenger_key key;
    {
      std::lock_guard lock(mutex_);
      if (auto it = keys_.find(c.id); it != keys_.end()) key = it->second;
    }
    out.judged.expected = st.expect.cusres ? describe_cusres(*st.expect.cusres)
                                           : std::string("an unsolicited CUSRES");
    const auto started = std::chrono::system_clock::now();
    out.observed.sent_at = started;
    const auto m = simulator_->take([&key](const std::string& body) { return names(body, key); },
                                    std::chrono::milliseconds(st.within_ms));
    if (!m) {
      out.observed.outcome = transport_outcome::timeout;
      out.observed.error = "no unsolicited message for " + key.flight + " ABO " + key.abo +
                           " within " + std::to_string(st.within_ms) + " ms";
      out.judged.verdict = verdict::timeout;
      out.judged.actual = "nothing arrived";
      out.judged.reason = out.observed.error;
      return out;
    }
    out.observed.outcome = transport_outcome::completed;
    // The message as a carrier receives it: a 200 POST over HTTP; from a queue no status.
    if (out.endpoint.rfind("http", 0) == 0) out.observed.http_status = 200;
    out.observed.body = m->body;
    out.observed.content_type = m->content_type;
    out.observed.headers["remote"] = m->remote;
    out.observed.latency = m->at - started;
    out.classified = classify(out.observed);
    out.judged.actual = out.classified.summary;
    if (st.expect.cusres) {
      const auto j = judge_cusres(*st.expect.cusres, out.classified);
      out.judged.verdict = j.verdict;
      out.judged.reason = j.reason;
    } else if (!out.classified.cusres) {
      out.judged.verdict = verdict::fail_wrong_code;
      out.judged.reason = "the unsolicited message is not a CUSRES";
    } else {
      out.judged.verdict = verdict::pass;
    }
    return out;
  }

  std::string control_url_;
  http_options options_;
  std::unique_ptr<carrier_simulator> simulator_;
  std::mutex mutex_;
  std::map<std::string, passenger_key> keys_;  // case id -> last control step's passenger
};

}  // namespace

std::unique_ptr<carrier_simulator> carrier_simulator::start(const std::string& listen,
                                                            std::string& why) {
  auto s = std::make_unique<http_simulator>();
  if (!s->listen(listen, why)) return nullptr;
  return s;
}

std::string make_carrier_acknowledgement(std::string_view cusres_132,
                                         std::string_view control_reference) {
  const auto doc = detail::read_edifact(cusres_132);
  if (!doc.ok() || doc.segments.empty()) return {};
  bool unb = false, bgm = false, unz = false;
  std::string out;
  for (const auto& seg : doc.segments) {
    if (seg.tag == "UNA") continue;  // written with the default service characters
    detail::edi_segment s = seg;
    if (s.tag == "UNB" && s.elements.size() >= 5) {
      // The carrier answers: its parties turned round, its own control reference.
      std::swap(s.elements[1], s.elements[2]);
      s.elements[4] = {std::string(control_reference)};
      unb = true;
    } else if (s.tag == "BGM" && !s.elements.empty()) {
      // API-IAPI-FLOW-008: a 312 acknowledges the 132 and echoes the rest of it.
      s.elements[0] = {"312"};
      bgm = true;
    } else if (s.tag == "UNZ" && s.elements.size() >= 2) {
      s.elements[1] = {std::string(control_reference)};
      unz = true;
    }
    append_segment(out, s);
  }
  if (!unb || !bgm || !unz) return {};
  return out;
}

std::unique_ptr<step_executor> make_step_executor(const target& t, std::string& why,
                                                  std::string* listening) {
  std::unique_ptr<carrier_simulator> sim;
  if (!t.unsolicited.http_listen.empty()) {
    sim = carrier_simulator::start(t.unsolicited.http_listen, why);
    if (!sim) return nullptr;
    if (listening != nullptr) *listening = sim->url();
  }
  return std::make_unique<executor>(t, std::move(sim));
}

std::unique_ptr<step_executor> make_step_executor(const target& t,
                                                  std::unique_ptr<carrier_simulator> simulator) {
  return std::make_unique<executor>(t, std::move(simulator));
}

}  // namespace apipnr::harness
