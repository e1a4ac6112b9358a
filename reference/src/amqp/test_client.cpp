#include "test_client.hpp"

#include <proton/connection.hpp>
#include <proton/connection_options.hpp>
#include <proton/container.hpp>
#include <proton/delivery.hpp>
#include <proton/message.hpp>
#include <proton/message_id.hpp>
#include <proton/messaging_handler.hpp>
#include <proton/receiver.hpp>
#include <proton/receiver_options.hpp>
#include <proton/sender.hpp>
#include <proton/sender_options.hpp>
#include <proton/source_options.hpp>
#include <proton/target_options.hpp>
#include <proton/tracker.hpp>
#include <proton/transport.hpp>
#include <proton/types.hpp>
#include <proton/work_queue.hpp>

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <exception>
#include <mutex>
#include <thread>

#include "consumer_internal.hpp"

namespace apipnr::amqp::testing {
namespace {

proton::connection_options connection_options_for(const consumer_internal::broker_url& u) {
  proton::connection_options co;
  if (!u.user.empty()) {
    co.user(u.user).password(u.password).sasl_allow_insecure_mechs(true);
  }
  return co;
}

std::string text_of(const proton::message_id& id) {
  if (id.empty()) return {};
  if (id.type() == proton::STRING) return proton::get<std::string>(id);
  return proton::to_string(id);
}

class sender_handler final : public proton::messaging_handler {
 public:
  sender_handler(consumer_internal::broker_url u, std::string address,
                 const std::vector<outgoing>& messages)
      : url_(std::move(u)), address_(std::move(address)), messages_(messages) {}

  std::size_t accepted() const { return accepted_; }

  void on_container_start(proton::container& c) override {
    // The address goes on the link, not into the URL (whose path would lose its leading '/').
    c.connect(url_.address(), connection_options_for(url_));
  }

  void on_connection_open(proton::connection& c) override {
    proton::target_options to;
    to.durability_mode(proton::target::CONFIGURATION);  // durable queue (docs/AMQP.md)
    proton::sender_options so;
    so.target(to);
    c.open_sender(address_, so);
  }

  void on_sendable(proton::sender& s) override {
    while (s.credit() > 0 && next_ < messages_.size()) {
      const outgoing& o = messages_[next_++];
      proton::message m;
      if (o.as_string) {
        m.body(o.body);
      } else {
        m.body(proton::binary(o.body));
      }
      if (!o.message_id.empty()) m.id(o.message_id);
      if (!o.correlation_id.empty()) m.correlation_id(o.correlation_id);
      if (!o.reply_to.empty()) m.reply_to(o.reply_to);
      m.subject(o.subject);
      m.content_type(o.content_type);
      m.durable(true);
      s.send(m);
    }
  }

  void on_tracker_accept(proton::tracker& t) override {
    ++accepted_;
    settled(t);
  }
  void on_tracker_reject(proton::tracker& t) override { settled(t); }
  void on_tracker_release(proton::tracker& t) override { settled(t); }

  void on_transport_error(proton::transport& t) override {
    std::fprintf(stderr, "test sender: %s\n", t.error().what().c_str());
  }
  void on_connection_close(proton::connection& c) override { c.container().stop(); }

 private:
  void settled(proton::tracker& t) {
    if (++settled_ == messages_.size()) {
      done_ = true;
      t.connection().close();
    }
  }

  consumer_internal::broker_url url_;
  std::string address_;
  const std::vector<outgoing>& messages_;
  std::size_t next_ = 0, accepted_ = 0, settled_ = 0;
  bool done_ = false;
};

// A receiver link that gets credit only by hand (add_credit) from a source whose queue
// outlives the link (durability CONFIGURATION: the broker declares it durable).
proton::receiver_options credit_by_hand_durable_source() {
  proton::receiver_options ro;
  ro.credit_window(0);
  proton::source_options so;
  so.durability_mode(proton::source::CONFIGURATION);
  ro.source(so);
  return ro;
}

class receiver_handler final : public proton::messaging_handler {
 public:
  receiver_handler(consumer_internal::broker_url u, std::string address, std::size_t expected,
                   int credit)
      : url_(std::move(u)), address_(std::move(address)), expected_(expected), credit_(credit) {}

  std::vector<received> out;

  void on_container_start(proton::container& c) override {
    if (expected_ == 0) {
      c.stop();
      return;
    }
    c.connect(url_.address(), connection_options_for(url_));
  }

  void on_connection_open(proton::connection& c) override {
    // Credit by hand, never beyond what is still expected: a delivery in flight when the
    // collector closes is not recorded here (or recorded, but its accept is never sent) and goes
    // back to the queue, and RabbitMQ 3.10 writes the transfers it still had for the link after
    // its own CLOSE (Proton: "framing-error: data after close").
    c.open_receiver(address_, credit_by_hand_durable_source());
  }

  void on_receiver_open(proton::receiver& r) override { top_up(r); }

  void on_message(proton::delivery& d, proton::message& m) override {
    received r;
    r.message_id = text_of(m.id());
    r.correlation_id = text_of(m.correlation_id());
    r.reply_to = m.reply_to();
    r.subject = m.subject();
    r.content_type = m.content_type();
    const proton::value& body = m.body();
    if (body.type() == proton::BINARY) {
      const auto b = proton::get<proton::binary>(body);
      r.body.assign(b.begin(), b.end());
    } else if (body.type() == proton::STRING) {
      r.body = proton::get<std::string>(body);
    }
    for (const char* key :
         {"apipnr-status", "apipnr-verdict", "apipnr-error", "apipnr-detail", "apipnr-source",
          "apipnr-message-id", "apipnr-correlation-id", "apipnr-control-reference", "location"}) {
      if (!m.properties().exists(key)) continue;
      const proton::scalar v = m.properties().get(key);
      r.properties[key] =
          v.type() == proton::STRING ? proton::get<std::string>(v) : proton::to_string(v);
    }
    out.push_back(std::move(r));
    if (done_) return;  // the broker sent more than the credit (a RabbitMQ 3.x defect)
    if (out.size() >= expected_) {
      done_ = true;
      d.connection().close();
      return;
    }
    proton::receiver link = d.receiver();
    top_up(link);
  }

  void on_transport_error(proton::transport& t) override {
    std::fprintf(stderr, "test receiver: %s\n", t.error().what().c_str());
  }
  void on_connection_close(proton::connection& c) override { c.container().stop(); }

 private:
  // Link credit up to min(credit_, what is still expected), in batches of half of that (one
  // FLOW frame per batch, not per message).
  void top_up(proton::receiver& r) {
    const std::size_t left = expected_ - out.size();
    const int target = static_cast<int>(std::min(left, static_cast<std::size_t>(credit_)));
    const int have = r.credit();
    if (have <= target / 2) r.add_credit(target - have);
  }

  consumer_internal::broker_url url_;
  std::string address_;
  std::size_t expected_;
  int credit_;
  bool done_ = false;
};

// Attaches a receiver (no credit) to declare the queue, then closes.
class declare_handler final : public proton::messaging_handler {
 public:
  declare_handler(consumer_internal::broker_url u, std::string address)
      : url_(std::move(u)), address_(std::move(address)) {}

  bool attached = false;

  void on_container_start(proton::container& c) override {
    c.connect(url_.address(), connection_options_for(url_));
  }
  void on_connection_open(proton::connection& c) override {
    c.open_receiver(address_, credit_by_hand_durable_source());
  }
  void on_receiver_open(proton::receiver& r) override {
    attached = true;  // a refused declaration ends the session instead (no attach)
    r.connection().close();
  }
  void on_error(const proton::error_condition& e) override {
    std::fprintf(stderr, "test declare: %s\n", e.what().c_str());
  }
  void on_transport_error(proton::transport& t) override {
    std::fprintf(stderr, "test declare: %s\n", t.error().what().c_str());
  }
  void on_connection_close(proton::connection& c) override { c.container().stop(); }

 private:
  consumer_internal::broker_url url_;
  std::string address_;
};

// Runs the container on this thread; a watchdog thread stops it when `timeout` runs out.
// (A timer scheduled on the container itself would keep run() from returning early.)
void run_bounded(proton::messaging_handler& h, std::chrono::milliseconds timeout) {
  proton::container c(h);
  std::mutex m;
  std::condition_variable cv;
  bool finished = false;
  std::thread watchdog([&] {
    std::unique_lock lock(m);
    if (!cv.wait_for(lock, timeout, [&] { return finished; })) c.stop();
  });
  try {
    c.run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "test client: %s\n", e.what());
  }
  {
    std::lock_guard lock(m);
    finished = true;
  }
  cv.notify_all();
  watchdog.join();
}

}  // namespace

std::size_t send_all(const std::string& url, const std::string& address,
                     const std::vector<outgoing>& messages, std::chrono::milliseconds timeout) {
  auto u = consumer_internal::parse_url(url);
  if (!u || messages.empty()) return 0;
  sender_handler h(*u, address, messages);
  run_bounded(h, timeout);
  return h.accepted();
}

std::vector<received> receive(const std::string& url, const std::string& address,
                              std::size_t expected, std::chrono::milliseconds timeout, int credit) {
  auto u = consumer_internal::parse_url(url);
  if (!u) return {};
  receiver_handler h(*u, address, expected, credit);
  run_bounded(h, timeout);
  return std::move(h.out);
}

bool declare(const std::string& url, const std::string& address,
             std::chrono::milliseconds timeout) {
  auto u = consumer_internal::parse_url(url);
  if (!u) return false;
  declare_handler h(*u, address);
  run_bounded(h, timeout);
  return h.attached;
}

std::string synthetic_body(std::size_t i, std::size_t size) {
  std::string s = "UNA:+.? 'UNB+UNOA:4+SYNTHAIR+STATEPIU+260101:1200+REF" + std::to_string(i) +
                  "'UNH+1+PAXLST:D:05B:UN:IATA'BGM+745'";
  std::size_t n = 0;
  while (s.size() + 40 < size) {
    s += "NAD+FL+++TESTER:PAX" + std::to_string(i) + "X" + std::to_string(n++) + "'";
  }
  s += "UNT+3+1'UNZ+1+REF" + std::to_string(i) + "'";
  return s;
}

}  // namespace apipnr::amqp::testing
