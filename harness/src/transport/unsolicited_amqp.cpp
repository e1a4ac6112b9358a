// The simulated carrier on an AMQP queue (unsolicited_amqp.hpp). The 312 comes from the
// harness's own writer (make_carrier_acknowledgement, unsolicited.cpp); no reference code.
#include "apipnr/harness/unsolicited_amqp.hpp"

#include <proton/connection.hpp>
#include <proton/connection_options.hpp>
#include <proton/container.hpp>
#include <proton/delivery.hpp>
#include <proton/duration.hpp>
#include <proton/error_condition.hpp>
#include <proton/message.hpp>
#include <proton/message_id.hpp>
#include <proton/messaging_handler.hpp>
#include <proton/receiver.hpp>
#include <proton/receiver_options.hpp>
#include <proton/sender.hpp>
#include <proton/sender_options.hpp>
#include <proton/source_options.hpp>
#include <proton/target.hpp>
#include <proton/target_options.hpp>
#include <proton/transport.hpp>
#include <proton/types.hpp>
#include <proton/uuid.hpp>
#include <proton/work_queue.hpp>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <utility>

#include "apipnr/harness/transport_amqp.hpp"
#include "carrier_inbox_internal.hpp"
#include "proton_internal.hpp"

namespace apipnr::harness {
namespace {

constexpr std::size_t max_message_bytes = 1 << 20;  // as the HTTP listener's body limit

class amqp_simulator final : public carrier_simulator, proton::messaging_handler {
 public:
  amqp_simulator(amqp_url url, std::string queue)
      : url_(std::move(url)),
        queue_(std::move(queue)),
        container_(*this, "apipnr-harness-carrier-" + proton::uuid::random().str()),
        work_queue_(container_) {
    container_.auto_stop(false);  // between connections there is none; keep the loop
    thread_ = std::thread([this] {
      try {
        container_.run();
      } catch (const std::exception&) {  // nothing escapes the thread; takes then time out
      }
    });
  }

  ~amqp_simulator() override {
    stopping_ = true;
    try {
      container_.stop();
    } catch (const std::exception&) {
    }
    thread_.join();
  }

  amqp_simulator(const amqp_simulator&) = delete;
  amqp_simulator& operator=(const amqp_simulator&) = delete;

  // Connects and waits for the receiver on the queue; false with `why` when it does not come.
  bool start(std::chrono::milliseconds connect_timeout, std::string& why) {
    if (!post([this] { connect(); })) {
      why = "the AMQP event loop did not start";
      return false;
    }
    std::unique_lock lock(mutex_);
    if (!cv_.wait_for(lock, connect_timeout, [&] { return attached_; })) {
      why = "no receiver on " + queue_ + " at " + url_.address() + " within " +
            std::to_string(connect_timeout.count()) + " ms" +
            (last_error_.empty() ? std::string() : ": " + last_error_);
      return false;
    }
    return true;
  }

  std::string url() const override { return "amqp://" + url_.address() + queue_; }

  std::optional<unsolicited_message> take(const std::function<bool(const std::string&)>& match,
                                          std::chrono::milliseconds within) override {
    return inbox_.take(match, within);
  }

  std::size_t received() const override { return inbox_.received() + dropped_; }

 private:
  bool post(std::function<void()> f) {
    try {
      return work_queue_.add([this, fn = std::move(f)] { guarded(fn); });
    } catch (const std::exception&) {
      return false;
    }
  }

  template <class F>
  void guarded(F&& f) {
    try {
      f();
    } catch (const std::exception& e) {
      lost(std::string("AMQP error: ") + e.what());
    }
  }

  // ---- event thread -------------------------------------------------------------------------

  void connect() {
    connection_ = container_.connect(url_.address(), detail::connection_options_for(url_));
  }

  void on_connection_open(proton::connection& c) override {
    proton::receiver_options ro;
    ro.credit_window(64);
    // Durable declaration, as the publishing receiver declares the queue (docs/AMQP.md): a
    // non-durable attach to a durable queue is refused with precondition-failed.
    proton::source_options so;
    so.durability_mode(proton::source::CONFIGURATION);
    ro.source(so);
    c.open_receiver(queue_, ro);
  }

  void on_receiver_open(proton::receiver&) override {
    std::lock_guard lock(mutex_);
    attached_ = true;
    cv_.notify_all();
  }

  void on_message(proton::delivery&, proton::message& m) override {
    // Accepted by Proton when this returns (auto-accept): the message is in the inbox by then.
    unsolicited_message u;
    const proton::value& body = m.body();
    if (body.type() == proton::BINARY) {
      const auto b = proton::get<proton::binary>(body);
      if (b.size() > max_message_bytes) {
        ++dropped_;
        return;
      }
      u.body.assign(b.begin(), b.end());
    } else if (body.type() == proton::STRING) {
      u.body = proton::get<std::string>(body);
    }
    if (u.body.size() > max_message_bytes) {
      ++dropped_;
      return;
    }
    u.content_type = m.content_type();
    u.remote = url();
    u.at = std::chrono::system_clock::now();
    const std::string reply_to = m.reply_to();
    if (!reply_to.empty()) {
      const std::string ack =
          make_carrier_acknowledgement(u.body, std::to_string(2'000'000 + ++references_));
      if (ack.empty()) {
        u.answered_status = 400;  // no CUSRES to acknowledge; nothing is sent
      } else {
        proton::message r;
        r.durable(true);
        r.content_type("application/edifact");
        r.subject("CUSRES");
        const std::string corr = m.correlation_id().empty() ? detail::id_text(m.id())
                                                            : detail::id_text(m.correlation_id());
        if (!corr.empty()) r.correlation_id(corr);
        r.body(proton::binary(ack.begin(), ack.end()));
        send(reply_to, std::move(r));
        u.answered_status = 200;
      }
    }
    inbox_.put(std::move(u));
  }

  void send(const std::string& address, proton::message m) {
    auto it = senders_.find(address);
    if (it == senders_.end()) {
      proton::target_options to;
      to.durability_mode(proton::target::CONFIGURATION);
      proton::sender_options so;
      so.target(to);
      it = senders_.emplace(address, connection_.open_sender(address, so)).first;
    }
    outbox_[address].push_back(std::move(m));
    flush(it->second, address);
  }

  void flush(proton::sender& s, const std::string& address) {
    auto& q = outbox_[address];
    while (s.credit() > 0 && !q.empty()) {
      s.send(q.front());
      q.pop_front();
    }
  }

  void on_sendable(proton::sender& s) override {
    const std::string address = s.target().address();
    if (outbox_.count(address) != 0) flush(s, address);
  }

  void on_transport_error(proton::transport& t) override { lost(t.error().what()); }
  void on_connection_error(proton::connection& c) override { lost(c.error().what()); }
  void on_receiver_error(proton::receiver& r) override { lost("receiver: " + r.error().what()); }
  void on_sender_error(proton::sender& s) override {
    // A reply-to that cannot be sent to: that answer is lost, the connection stays.
    const std::string address = s.target().address();
    senders_.erase(address);
    outbox_.erase(address);
  }
  void on_error(const proton::error_condition& e) override { lost(e.what()); }

  // Forgets the connection and opens a new one a second later (unless stopping).
  void lost(const std::string& why) {
    if (reconnect_pending_) return;
    {
      std::lock_guard lock(mutex_);
      last_error_ = why;
      attached_ = false;
    }
    senders_.clear();
    outbox_.clear();
    if (connection_) {
      try {
        connection_.close();
      } catch (const std::exception&) {
      }
    }
    connection_ = proton::connection();
    if (stopping_) return;
    reconnect_pending_ = true;
    container_.schedule(proton::duration(1000), [this] {
      reconnect_pending_ = false;
      if (!stopping_) guarded([this] { connect(); });
    });
  }

  amqp_url url_;
  std::string queue_;
  detail::carrier_inbox inbox_;
  std::atomic<std::size_t> dropped_{0};
  std::atomic<bool> stopping_{false};

  // Event-thread state.
  proton::connection connection_;
  std::unordered_map<std::string, proton::sender> senders_;
  std::unordered_map<std::string, std::deque<proton::message>> outbox_;
  std::uint64_t references_ = 0;
  bool reconnect_pending_ = false;

  // Start-up handshake, guarded by mutex_.
  std::mutex mutex_;
  std::condition_variable cv_;
  bool attached_ = false;
  std::string last_error_;

  proton::container container_;
  proton::work_queue work_queue_;
  std::thread thread_;
};

}  // namespace

std::unique_ptr<carrier_simulator> start_amqp_carrier_simulator(
    const std::string& broker_url, const std::string& queue,
    std::chrono::milliseconds connect_timeout, std::string& why) {
  const auto u = parse_amqp_url(broker_url);
  if (!u) {
    why = "unsolicited.queue needs an amqp:// broker URL, not '" + broker_url + "'";
    return nullptr;
  }
  if (queue.empty()) {
    why = "unsolicited.queue is empty";
    return nullptr;
  }
  try {
    auto s = std::make_unique<amqp_simulator>(*u, queue);
    if (!s->start(connect_timeout, why)) return nullptr;
    return s;
  } catch (const std::exception& e) {  // Proton's constructors throw
    why = std::string("AMQP: ") + e.what();
    return nullptr;
  }
}

}  // namespace apipnr::harness
