// The consumer against a broker that refuses acknowledgements (TRN-ACK-001, RCV-DUR-001).
//
// RabbitMQ 3.10 never refuses a message sent to a reply queue (a full queue aborts the
// connection instead, docs/AMQP.md), so the outcome cannot be produced with the broker the
// other tests use. This test runs a small AMQP 1.0 peer of its own on loopback, built on
// Proton's listener (the same library and wire protocol as a broker): it offers inputs on
// the consumer's source, takes its replies, settles each reply with the outcome the test
// chooses, and records how the consumer settles each input.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <proton/connection.hpp>
#include <proton/container.hpp>
#include <proton/delivery.hpp>
#include <proton/listen_handler.hpp>
#include <proton/listener.hpp>
#include <proton/message.hpp>
#include <proton/message_id.hpp>
#include <proton/messaging_handler.hpp>
#include <proton/receiver.hpp>
#include <proton/receiver_options.hpp>
#include <proton/sender.hpp>
#include <proton/sender_options.hpp>
#include <proton/source.hpp>
#include <proton/source_options.hpp>
#include <proton/target.hpp>
#include <proton/target_options.hpp>
#include <proton/tracker.hpp>
#include <proton/types.hpp>
#include <proton/work_queue.hpp>

#include "apipnr/amqp/consumer.hpp"

namespace apipnr::amqp {
namespace {

using namespace std::chrono_literals;

enum class reply_outcome { accept, reject, release };

std::string text(const proton::message_id& id) {
  return id.type() == proton::STRING ? proton::get<std::string>(id) : proton::to_string(id);
}

// The peer: one queue ("in") of inputs, every reply settled by `policy(n)` for the n-th reply
// (1-based). Inputs the consumer releases are offered again, as a broker redelivers them.
class refusing_peer final : public proton::messaging_handler {
 public:
  explicit refusing_peer(std::function<reply_outcome(int)> policy) : policy_(std::move(policy)) {}

  // Starts the container on its own thread; returns the listening port.
  int start(std::vector<proton::message> inputs) {
    pending_.assign(inputs.begin(), inputs.end());
    auto port = port_.get_future();
    container_.listen("127.0.0.1:0", listening_);
    thread_ = std::thread([this] { container_.run(); });
    return port.get();
  }

  void stop() {
    if (!thread_.joinable()) return;
    container_.stop();
    thread_.join();
  }

  ~refusing_peer() override { stop(); }

  // What happened, in order: "reply:<correlation>:<outcome>", "input:<id>:<outcome>".
  std::vector<std::string> events() {
    std::lock_guard lock(mu_);
    return events_;
  }

  // Waits until `pred(events)` holds or the timeout runs out.
  bool wait_for(const std::function<bool(const std::vector<std::string>&)>& pred,
                std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return pred(events_); });
  }

 private:
  // Reports the listening port (a separate object: a listen_handler's on_error would hide the
  // messaging_handler's).
  struct listening final : proton::listen_handler {
    std::promise<int>* port;
    explicit listening(std::promise<int>* p) : port(p) {}
    void on_open(proton::listener& l) override { port->set_value(l.port()); }
    void on_error(proton::listener&, const std::string& what) override {
      ADD_FAILURE() << "peer listener: " << what;
      port->set_value(-1);
    }
  };

  // messaging_handler
  void on_connection_open(proton::connection& c) override { c.open(); }
  void on_sender_open(proton::sender& s) override {
    // The consumer's receiver on its source: this side offers the inputs.
    proton::sender_options so;
    so.source(proton::source_options().address(s.source().address()));
    s.open(so);
    sender_ = s;
  }
  void on_receiver_open(proton::receiver& r) override {
    // The consumer's sender for replies: settled by hand, as the policy says.
    proton::receiver_options ro;
    ro.auto_accept(false).credit_window(10);
    ro.target(proton::target_options().address(r.target().address()));
    r.open(ro);
  }
  void on_sendable(proton::sender& s) override { offer(s); }

  void offer(proton::sender& s) {
    while (s.credit() > 0 && !pending_.empty()) {
      proton::message m = pending_.front();
      pending_.pop_front();
      proton::tracker t = s.send(m);
      in_flight_.emplace(t, m);
    }
  }

  void input_settled(proton::tracker& t, const char* outcome) {
    auto it = in_flight_.find(t);
    if (it == in_flight_.end()) return;
    proton::message m = it->second;
    in_flight_.erase(it);
    record("input:" + text(m.id()) + ":" + outcome);
    if (std::string(outcome) == "released") {
      pending_.push_back(m);  // redelivered, as a broker does
      if (sender_.active()) offer(sender_);
    }
  }
  void on_tracker_accept(proton::tracker& t) override { input_settled(t, "accepted"); }
  void on_tracker_reject(proton::tracker& t) override { input_settled(t, "rejected"); }
  void on_tracker_release(proton::tracker& t) override { input_settled(t, "released"); }

  void on_message(proton::delivery& d, proton::message& m) override {
    const int n = ++replies_;
    const reply_outcome o = policy_(n);
    const std::string corr = text(m.correlation_id());
    switch (o) {
      case reply_outcome::accept:
        d.accept();
        record("reply:" + corr + ":accepted");
        break;
      case reply_outcome::reject:
        d.reject();
        record("reply:" + corr + ":rejected");
        break;
      case reply_outcome::release:
        d.release();
        record("reply:" + corr + ":released");
        break;
    }
  }

  void record(std::string e) {
    {
      std::lock_guard lock(mu_);
      events_.push_back(std::move(e));
    }
    cv_.notify_all();
  }

  std::function<reply_outcome(int)> policy_;
  proton::container container_{*this};
  std::thread thread_;
  std::promise<int> port_;
  listening listening_{&port_};
  proton::sender sender_;
  std::deque<proton::message> pending_;
  std::map<proton::tracker, proton::message> in_flight_;
  int replies_ = 0;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::string> events_;
};

proton::message input(const std::string& id) {
  proton::message m;
  m.id(id);
  m.correlation_id("corr-" + id);
  m.reply_to("replies");
  m.subject("PAXLST");
  m.content_type("application/edifact");
  m.body(proton::binary(
      std::string("UNA:+.? 'UNB+UNOA:4+SENDER+RECEIVER+240101:1200+" + id + "'UNZ+0+" + id + "'")));
  return m;
}

options peer_options(int port, std::uint32_t max_attempts) {
  options o;
  o.url = "amqp://127.0.0.1:" + std::to_string(port);
  o.sources = {"in"};
  o.dead_letter = "in.dead";
  o.max_attempts = max_attempts;
  o.reconnect_initial = 50ms;
  o.reconnect_max = 500ms;
  return o;
}

// A handler that answers every input with `status` and counts its calls.
handler answering(handler_status status, std::atomic<int>& calls) {
  return [status, &calls](const inbound& i) {
    ++calls;
    const bool stored = status == handler_status::stored;
    return handler_result{status,
                          (stored ? "ACK " : "CONTRL reject ") + i.message_id,
                          "CONTRL",
                          "application/edifact",
                          stored ? "accept" : "reject",
                          "",
                          {}};
  };
}

std::size_t count(const std::vector<std::string>& events, const std::string& e) {
  return static_cast<std::size_t>(std::count(events.begin(), events.end(), e));
}

// The broker refuses the first two answers: the input goes back twice, its redeliveries are
// answered from the recent set (one handler call), and it is accepted once an answer is taken.
TEST(AmqpRefusedReply, TheInputIsReleasedUntilTheBrokerTakesItsAnswer) {
  for (const reply_outcome refusal : {reply_outcome::reject, reply_outcome::release}) {
    refusing_peer peer([&](int n) { return n <= 2 ? refusal : reply_outcome::accept; });
    const int port = peer.start({input("m1")});
    ASSERT_GT(port, 0);
    std::atomic<int> calls{0};
    consumer c(peer_options(port, 5), answering(handler_status::stored, calls));
    ASSERT_FALSE(c.start());
    ASSERT_TRUE(
        peer.wait_for([](const auto& ev) { return count(ev, "input:m1:accepted") == 1; }, 20s))
        << "the input was never accepted";
    const auto ev = peer.events();
    const std::string refused =
        refusal == reply_outcome::reject ? "reply:corr-m1:rejected" : "reply:corr-m1:released";
    const std::vector<std::string> want = {refused,
                                           "input:m1:released",
                                           refused,
                                           "input:m1:released",
                                           "reply:corr-m1:accepted",
                                           "input:m1:accepted"};
    EXPECT_EQ(ev, want);
    EXPECT_EQ(calls.load(), 1);  // redeliveries answered without storing again
    EXPECT_FALSE(c.stop(5s));
    const stats s = c.counters();
    EXPECT_EQ(s.reply_failures, 2U);
    EXPECT_EQ(s.accepted, 1U);
    EXPECT_EQ(s.released, 2U);
    peer.stop();
  }
}

// A broker that never takes the answer: after max_attempts refusals the stored input is
// settled (accepted: its data is kept) instead of coming back for ever.
TEST(AmqpRefusedReply, AfterMaxAttemptsRefusalsTheStoredInputIsAccepted) {
  refusing_peer peer([](int) { return reply_outcome::reject; });
  const int port = peer.start({input("m2")});
  ASSERT_GT(port, 0);
  std::atomic<int> calls{0};
  consumer c(peer_options(port, 3), answering(handler_status::stored, calls));
  ASSERT_FALSE(c.start());
  ASSERT_TRUE(
      peer.wait_for([](const auto& ev) { return count(ev, "input:m2:accepted") == 1; }, 20s));
  const auto ev = peer.events();
  EXPECT_EQ(count(ev, "reply:corr-m2:rejected"), 3U);
  EXPECT_EQ(count(ev, "input:m2:released"), 2U);
  EXPECT_EQ(ev.back(), "input:m2:accepted");
  EXPECT_EQ(calls.load(), 1);
  EXPECT_FALSE(c.stop(5s));
  EXPECT_EQ(c.counters().reply_failures, 3U);
  peer.stop();
}

// An input refused before storing (handler_status::rejected) whose answer is refused: released
// the same way, and rejected in the end, never accepted.
TEST(AmqpRefusedReply, ARefusedInputWhoseAnswerIsRefusedIsRejectedInTheEnd) {
  refusing_peer peer([](int n) { return n == 1 ? reply_outcome::reject : reply_outcome::accept; });
  const int port = peer.start({input("m3")});
  ASSERT_GT(port, 0);
  std::atomic<int> calls{0};
  consumer c(peer_options(port, 5), answering(handler_status::rejected, calls));
  ASSERT_FALSE(c.start());
  ASSERT_TRUE(
      peer.wait_for([](const auto& ev) { return count(ev, "input:m3:rejected") == 1; }, 20s));
  const std::vector<std::string> want = {"reply:corr-m3:rejected", "input:m3:released",
                                         "reply:corr-m3:accepted", "input:m3:rejected"};
  EXPECT_EQ(peer.events(), want);
  EXPECT_EQ(calls.load(), 1);
  EXPECT_FALSE(c.stop(5s));
  peer.stop();
}

}  // namespace
}  // namespace apipnr::amqp
