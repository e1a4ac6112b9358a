#include "apipnr/harness/transport_amqp.hpp"

#include <proton/codec/map.hpp>
#include <proton/connection.hpp>
#include <proton/connection_options.hpp>
#include <proton/container.hpp>
#include <proton/delivery.hpp>
#include <proton/error_condition.hpp>
#include <proton/map.hpp>
#include <proton/message.hpp>
#include <proton/message_id.hpp>
#include <proton/messaging_handler.hpp>
#include <proton/receiver.hpp>
#include <proton/receiver_options.hpp>
#include <proton/scalar.hpp>
#include <proton/sender.hpp>
#include <proton/sender_options.hpp>
#include <proton/source_options.hpp>
#include <proton/target.hpp>
#include <proton/target_options.hpp>
#include <proton/tracker.hpp>
#include <proton/transport.hpp>
#include <proton/type_id.hpp>
#include <proton/types.hpp>
#include <proton/uuid.hpp>
#include <proton/work_queue.hpp>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "proton_internal.hpp"

namespace apipnr::harness {
namespace {

using steady = std::chrono::steady_clock;

const char* kind_name(message_kind k) {
  switch (k) {
    case message_kind::paxlst:
      return "paxlst";
    case message_kind::iapi:
      return "iapi";
    case message_kind::pnrgov_edifact:
      return "pnrgov_edifact";
    case message_kind::pnrgov_xml:
      return "pnrgov_xml";
  }
  return "unknown";
}

enum class link_state : std::uint8_t { down, connecting, up };

// One send waiting for its reply. Guarded by impl::mutex_.
struct waiter {
  std::string address;
  bool done = false;
  observation result;
};

// A message waiting for sender credit (event thread only).
struct outgoing {
  std::string correlation_id;
  proton::message message;
};

}  // namespace

std::optional<amqp_url> parse_amqp_url(std::string_view url) {
  amqp_url u;
  if (url.rfind("amqp://", 0) == 0) {
    url.remove_prefix(7);
  } else if (url.rfind("mq://", 0) == 0) {
    url.remove_prefix(5);
  } else {
    return std::nullopt;
  }
  if (const auto slash = url.find('/'); slash != std::string_view::npos) url = url.substr(0, slash);
  if (const auto at = url.rfind('@'); at != std::string_view::npos) {
    const auto userinfo = url.substr(0, at);
    const auto colon = userinfo.find(':');
    u.user = std::string(userinfo.substr(0, colon));
    if (colon != std::string_view::npos) u.password = std::string(userinfo.substr(colon + 1));
    url.remove_prefix(at + 1);
  }
  const auto colon = url.rfind(':');
  u.host = std::string(url.substr(0, colon));
  if (colon != std::string_view::npos) {
    const auto port = url.substr(colon + 1);
    if (port.empty() || port.size() > 5) return std::nullopt;
    for (char c : port) {
      if (c < '0' || c > '9') return std::nullopt;
    }
    u.port = std::string(port);
  }
  if (u.host.empty()) return std::nullopt;
  return u;
}

struct amqp_transport::impl final : proton::messaging_handler {
  explicit impl(amqp_options o)
      : options_(std::move(o)),
        container_(*this, "apipnr-harness-" + proton::uuid::random().str()),
        work_queue_(container_) {
    if (options_.reply_queue.empty()) {
      options_.reply_queue = "/queue/apipnr.harness.reply." + proton::uuid::random().str();
    }
    if (auto u = parse_amqp_url(options_.url)) url_ = *u;
    // Between connections there is none at all; the event loop must keep running.
    container_.auto_stop(false);
    event_thread_ = std::thread([this] {
      try {
        container_.run();
      } catch (const std::exception&) {  // nothing may escape the thread; sends then time out
      }
    });
  }

  ~impl() override {
    // stop() is thread-safe; it closes the connection and makes run() return.
    try {
      container_.stop();
    } catch (const std::exception&) {
    }
    event_thread_.join();
  }

  impl(const impl&) = delete;
  impl& operator=(const impl&) = delete;

  // ---- worker side ------------------------------------------------------------------------

  observation send(const exchange& x) {
    const auto started = steady::now();
    const auto per_kind = options_.timeout_per_kind.find(x.kind);
    const auto timeout =
        per_kind == options_.timeout_per_kind.end() ? options_.timeout : per_kind->second;
    const auto deadline = started + timeout;
    observation o;
    o.sent_at = std::chrono::system_clock::now();
    auto finish = [&](transport_outcome outcome, std::string error) {
      o.outcome = outcome;
      o.error = std::move(error);
      o.latency = steady::now() - started;
      return o;
    };
    if (url_.host.empty()) {
      return finish(transport_outcome::transport_error,
                    "HTR-AMQP-CONFIG: not an amqp:// URL: '" + options_.url + "'");
    }
    const auto q = options_.queues.find(x.kind);
    if (q == options_.queues.end()) {
      return finish(transport_outcome::transport_error,
                    std::string("HTR-AMQP-CONFIG: no queue configured for ") + kind_name(x.kind));
    }

    std::unique_lock lock(mutex_);
    if (!ensure_connected(lock)) {
      return finish(transport_outcome::endpoint_down,
                    "HTR-AMQP-DOWN: broker " + url_.address() + ": " + last_error_);
    }
    std::string id = x.correlation_id;
    if (id.empty() || waiters_.count(id) != 0) {
      id = (id.empty() ? std::string("apipnr-") : id + "#") + proton::uuid::random().str();
    }
    auto w = std::make_shared<waiter>();
    w->address = q->second;
    waiters_[id] = w;
    ++stats_.sent;
    lock.unlock();

    proton::message m;
    try {
      m.id(id);
      m.correlation_id(id);
      m.reply_to(options_.reply_queue);
      m.content_type(x.content_type.empty() ? std::string("application/edifact") : x.content_type);
      m.subject(kind_name(x.kind));
      m.durable(true);
      m.body(proton::binary(x.body.begin(), x.body.end()));
      if (!x.case_id.empty()) m.properties().put("apipnr-case-id", x.case_id);
    } catch (const std::exception& e) {
      lock.lock();
      waiters_.erase(id);
      return finish(transport_outcome::transport_error,
                    std::string("HTR-AMQP-MESSAGE: ") + e.what());
    }
    const std::string address = q->second;
    const bool posted = post([this, id, address, msg = std::move(m)]() mutable {
      send_on_event_thread(id, address, std::move(msg));
    });

    lock.lock();
    if (!posted) fail_locked(id, "HTR-AMQP-LOOP: the AMQP event loop has stopped");
    cv_.wait_until(lock, deadline, [&] { return w->done; });
    waiters_.erase(id);
    if (!w->done) {
      expired_.remember(id, options_.remembered_expired);
      std::string meanwhile;
      std::size_t n = 0;
      for (const auto& u : unmatched_) {
        if (u.at < started) continue;
        meanwhile += (n++ == 0 ? "" : ", ") + u.what;
      }
      lock.unlock();
      std::string why = "HTR-AMQP-TIMEOUT: no reply with correlation id " + id + " within " +
                        std::to_string(timeout.count()) + " ms";
      if (n != 0) {
        why += "; meanwhile " + std::to_string(n) + " repl" + (n == 1 ? "y" : "ies") +
               " matched no waiting request: " + meanwhile;
      }
      return finish(transport_outcome::timeout, std::move(why));
    }
    answered_.remember(id, options_.remembered_expired);
    lock.unlock();
    o = std::move(w->result);
    o.sent_at = std::chrono::system_clock::now() - (steady::now() - started);
    o.headers["correlation-id"] = id;
    o.latency = steady::now() - started;
    return o;
  }

  // REQUIRES: lock held. Opens the connection (and the reply receiver) when it is down;
  // false with last_error_ set when that fails within connect_timeout.
  bool ensure_connected(std::unique_lock<std::mutex>& lock) {
    const auto deadline = steady::now() + options_.connect_timeout;
    if (state_ == link_state::down) {
      state_ = link_state::connecting;
      last_error_.clear();
      const auto generation = ++generation_;
      if (!post([this, generation] { connect_on_event_thread(generation); })) {
        state_ = link_state::down;
        last_error_ = "the AMQP event loop has stopped";
        return false;
      }
    }
    cv_.wait_until(lock, deadline, [&] { return state_ != link_state::connecting; });
    if (state_ == link_state::up) return true;
    if (state_ == link_state::connecting) {
      // Give up on this attempt; a late open of it is ignored (generation changes).
      state_ = link_state::down;
      last_error_ =
          "no open connection within " + std::to_string(options_.connect_timeout.count()) + " ms";
      const auto stale = ++generation_;
      post([this, stale] { drop_connection(stale); });
    }
    return false;
  }

  // ---- event thread -----------------------------------------------------------------------

  // Work added to the container's queue runs on the event thread; wake() makes the connection
  // write out what the work did at once instead of at its next event.
  bool post(std::function<void()> f) {
    try {
      return work_queue_.add([this, fn = std::move(f)] {
        guarded(fn);
        if (have_connection_) guarded([this] { connection_.wake(); });
      });
    } catch (const std::exception&) {
      return false;
    }
  }

  template <class F>
  void guarded(F&& f) {
    try {
      f();
    } catch (const std::exception& e) {
      connection_lost(std::string("AMQP error: ") + e.what());
    }
  }

  void connect_on_event_thread(std::uint64_t generation) {
    {
      std::lock_guard lock(mutex_);
      if (generation != generation_) return;
    }
    event_generation_ = generation;
    connection_ = container_.connect(url_.address(), detail::connection_options_for(url_));
  }

  // Closes an abandoned attempt; its later events no longer match connection_ and are ignored.
  void drop_connection(std::uint64_t stale) {
    if (event_generation_ < stale && connection_) {
      proton::connection old = connection_;
      connection_ = proton::connection();
      have_connection_ = false;
      senders_.clear();
      outbox_.clear();
      trackers_.clear();
      old.close();
    }
  }

  void on_connection_open(proton::connection& c) override {
    if (c != connection_) {  // an abandoned attempt
      c.close();
      return;
    }
    have_connection_ = true;
    proton::receiver_options ro;
    ro.credit_window(100);
    // Terminus durability "configuration": RabbitMQ then declares /queue/NAME durable, as a
    // receiver does for its queues (docs/AMQP.md); a non-durable declaration of a queue that
    // exists durable is refused with precondition-failed, and the link with it.
    proton::source_options so;
    so.durability_mode(proton::source::CONFIGURATION);
    ro.source(so);
    c.open_receiver(options_.reply_queue, ro);
  }

  void on_receiver_open(proton::receiver&) override {
    std::lock_guard lock(mutex_);
    ++stats_.connects;
    state_ = link_state::up;
    cv_.notify_all();
  }

  void send_on_event_thread(const std::string& id, const std::string& address, proton::message m) {
    if (!have_connection_) {
      std::lock_guard lock(mutex_);
      fail_locked(id, "HTR-AMQP-LOST: connection lost before sending");
      return;
    }
    auto it = senders_.find(address);
    if (it == senders_.end()) {
      proton::target_options to;
      to.durability_mode(proton::target::CONFIGURATION);  // durable queue, as above
      proton::sender_options so;
      so.target(to);
      it = senders_.emplace(address, connection_.open_sender(address, so)).first;
    }
    outbox_[address].push_back({id, std::move(m)});
    flush(it->second, address);
  }

  void flush(proton::sender& s, const std::string& address) {
    auto& queue = outbox_[address];
    while (s.credit() > 0 && !queue.empty()) {
      proton::tracker t = s.send(queue.front().message);
      const auto tag = t.tag();
      trackers_[std::string(tag.begin(), tag.end())] = queue.front().correlation_id;
      queue.pop_front();
    }
  }

  void on_sendable(proton::sender& s) override {
    const std::string address = s.target().address();
    if (outbox_.count(address) != 0) flush(s, address);
  }

  std::string tracker_id(const proton::tracker& t) {
    const auto tag = t.tag();
    const std::string key(tag.begin(), tag.end());
    auto it = trackers_.find(key);
    if (it == trackers_.end()) return {};
    std::string id = it->second;
    trackers_.erase(it);
    return id;
  }

  void on_tracker_accept(proton::tracker& t) override { tracker_id(t); }
  void on_tracker_reject(proton::tracker& t) override {
    const auto id = tracker_id(t);
    std::lock_guard lock(mutex_);
    fail_locked(id, "HTR-AMQP-REFUSED: the broker rejected the message");
  }
  void on_tracker_release(proton::tracker& t) override {
    const auto id = tracker_id(t);
    std::lock_guard lock(mutex_);
    fail_locked(id, "HTR-AMQP-REFUSED: the broker released the message (no route or queue full)");
  }

  void on_message(proton::delivery&, proton::message& m) override {
    detail::reply_read r = detail::read_reply(m, options_.max_reply_bytes);
    std::lock_guard lock(mutex_);
    // Only a string correlation id is a key (read_reply): a reply with none, or with an id of
    // another AMQP type, is never taken as a waiting send's answer.
    const auto it = r.key ? waiters_.find(*r.key) : waiters_.end();
    if (it != waiters_.end() && !it->second->done) {
      it->second->result = std::move(r.o);
      it->second->done = true;
      ++stats_.replies;
      cv_.notify_all();
    } else if (r.key && expired_.contains(*r.key)) {
      ++stats_.late_replies;
    } else if (it != waiters_.end() || (r.key && answered_.contains(*r.key))) {
      // Answered already: its send may not have woken up yet (still in waiters_, done).
      ++stats_.duplicate_replies;
    } else {
      ++stats_.unmatched;
      // Kept so that a send timing out can say what did arrive meanwhile: a vendor that drops
      // or retypes the correlation id is then visible in the case's evidence, not only in the
      // run's counters.
      unmatched_.push_back({steady::now(), std::move(r.what)});
      if (unmatched_.size() > 8) unmatched_.pop_front();
    }
  }

  // ---- failures ---------------------------------------------------------------------------

  void on_transport_error(proton::transport& t) override {
    if (t.connection() == connection_) connection_lost(t.error().what());
  }
  void on_connection_error(proton::connection& c) override {
    if (c == connection_) connection_lost(c.error().what());
  }
  void on_connection_close(proton::connection& c) override {
    if (c == connection_) connection_lost("the broker closed the connection");
  }
  void on_session_error(proton::session& s) override {
    if (s.connection() == connection_) connection_lost(s.error().what());
  }
  void on_receiver_error(proton::receiver& r) override {
    if (r.connection() == connection_) connection_lost("reply receiver: " + r.error().what());
  }
  void on_sender_error(proton::sender& s) override {
    const std::string address = s.target().address();
    senders_.erase(address);
    outbox_.erase(address);
    std::lock_guard lock(mutex_);
    for (auto& [id, w] : waiters_) {
      if (w->address == address && !w->done)
        complete_error_locked(*w, "HTR-AMQP-LINK: sender: " + s.error().what());
    }
    cv_.notify_all();
  }
  void on_error(const proton::error_condition& e) override { connection_lost(e.what()); }

  void connection_lost(const std::string& why) {
    connection_ = proton::connection();
    have_connection_ = false;
    senders_.clear();
    outbox_.clear();
    trackers_.clear();
    std::lock_guard lock(mutex_);
    if (state_ == link_state::connecting) {
      state_ = link_state::down;
      last_error_ = why.empty() ? "connection failed" : why;
    } else if (state_ == link_state::up) {
      state_ = link_state::down;
      for (auto& [id, w] : waiters_) {
        if (!w->done) complete_error_locked(*w, "HTR-AMQP-LOST: connection lost: " + why);
      }
    }
    cv_.notify_all();
  }

  static void complete_error_locked(waiter& w, const std::string& why) {
    w.result = observation{};
    w.result.outcome = transport_outcome::transport_error;
    w.result.error = why;
    w.done = true;
  }

  void fail_locked(const std::string& id, const std::string& why) {
    const auto it = waiters_.find(id);
    if (it == waiters_.end() || it->second->done) return;
    complete_error_locked(*it->second, why);
    cv_.notify_all();
  }

  // The last `cap` ids of one kind (answered, expired), oldest forgotten first: a later reply
  // with one of them is told apart from a reply with an unknown id.
  struct recent_ids {
    std::deque<std::string> order;
    std::set<std::string> set;
    void remember(const std::string& id, std::size_t cap) {
      order.push_back(id);
      set.insert(id);
      while (order.size() > cap) {
        set.erase(order.front());
        order.pop_front();
      }
    }
    bool contains(const std::string& id) const { return set.count(id) != 0; }
  };

  amqp_options options_;
  amqp_url url_;

  // Event-thread state.
  proton::connection connection_;
  bool have_connection_ = false;
  std::uint64_t event_generation_ = 0;
  std::unordered_map<std::string, proton::sender> senders_;
  std::unordered_map<std::string, std::deque<outgoing>> outbox_;
  std::unordered_map<std::string, std::string> trackers_;  // delivery tag -> correlation id

  // Shared state, guarded by mutex_.
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  link_state state_ = link_state::down;
  std::uint64_t generation_ = 0;
  std::string last_error_;
  std::unordered_map<std::string, std::shared_ptr<waiter>> waiters_;
  recent_ids expired_;   // timed out: a reply to one is late
  recent_ids answered_;  // answered: a second reply to one is a duplicate
  struct unmatched_reply {
    steady::time_point at;
    std::string what;
  };
  std::deque<unmatched_reply> unmatched_;  // the last 8, for the evidence of a timeout
  amqp_stats stats_;

  proton::container container_;
  proton::work_queue work_queue_;
  std::thread event_thread_;
};

amqp_transport::amqp_transport(amqp_options options)
    : impl_(std::make_unique<impl>(std::move(options))) {}

amqp_transport::~amqp_transport() = default;

observation amqp_transport::send(const exchange& x) {
  try {
    return impl_->send(x);
  } catch (const std::exception& e) {  // Proton throws; never across this boundary
    observation o;
    o.outcome = transport_outcome::transport_error;
    o.error = std::string("HTR-AMQP-LOOP: ") + e.what();
    return o;
  }
}

amqp_stats amqp_transport::stats() const {
  std::lock_guard lock(impl_->mutex_);
  return impl_->stats_;
}

const std::string& amqp_transport::reply_queue() const { return impl_->options_.reply_queue; }

}  // namespace apipnr::harness
