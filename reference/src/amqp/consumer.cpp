#include "apipnr/amqp/consumer.hpp"

#include <pthread.h>

#include <proton/codec/encoder.hpp>
#include <proton/connection.hpp>
#include <proton/connection_options.hpp>
#include <proton/container.hpp>
#include <proton/delivery.hpp>
#include <proton/error_condition.hpp>
#include <proton/message.hpp>
#include <proton/message_id.hpp>
#include <proton/messaging_handler.hpp>
#include <proton/receiver.hpp>
#include <proton/receiver_options.hpp>
#include <proton/sender.hpp>
#include <proton/sender_options.hpp>
#include <proton/session.hpp>
#include <proton/source_options.hpp>
#include <proton/target_options.hpp>
#include <proton/tracker.hpp>
#include <proton/transport.hpp>
#include <proton/types.hpp>
#include <proton/uuid.hpp>
#include <proton/work_queue.hpp>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <exception>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

#include "consumer_internal.hpp"
#include "message_in.hpp"

namespace apipnr::amqp {
namespace consumer_internal {

std::optional<broker_url> parse_url(std::string_view url) {
  constexpr std::string_view scheme = "amqp://";
  if (url.substr(0, scheme.size()) != scheme) return std::nullopt;
  url.remove_prefix(scheme.size());
  broker_url out;
  if (const auto at = url.rfind('@'); at != std::string_view::npos) {
    const std::string_view cred = url.substr(0, at);
    const auto colon = cred.find(':');
    out.user = std::string(cred.substr(0, colon));
    if (colon != std::string_view::npos) out.password = std::string(cred.substr(colon + 1));
    url.remove_prefix(at + 1);
  }
  const auto colon = url.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  out.host = std::string(url.substr(0, colon));
  const std::string_view port = url.substr(colon + 1);
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc{} || end != port.data() + port.size() || value == 0 || value > 65535) {
    return std::nullopt;
  }
  out.port = std::string(port);
  if (out.host.find_first_of("/?#@") != std::string::npos) return std::nullopt;
  return out;
}

}  // namespace consumer_internal

namespace {

namespace ci = consumer_internal;

// The acknowledgement of a message that was stored: kept in the recent set so that a
// redelivery is answered the same way without calling the handler again (RCV-DUP-001).
struct cached_ack {
  handler_status status = handler_status::stored;
  std::string ack, subject, content_type, verdict, detail;
  std::vector<std::pair<std::string, std::string>> properties;
};

// One delivery waiting for its outcome. `generation` names the connection it arrived on; a
// delivery from an earlier connection can no longer be settled (the broker redelivers it).
struct waiter {
  proton::delivery delivery;
  std::uint64_t generation = 0;
  proton::message_id reply_correlation;
  std::string reply_to;
  std::size_t source = 0;  // index into options::sources (and the connection's receivers)
};

// A delivery's body and what the handler sees of it (message_in.hpp).
using input = consumer_internal::message_in;

// A message key being handled: the first delivery and any redelivery parked behind it.
struct flight {
  std::shared_ptr<const input> in;
  std::vector<waiter> waiters;
  std::size_t source = 0;  // whose handler slot the call holds
  bool started = false;
};

// A delivery that arrived while every handler slot of its source was taken: kept unsettled
// until a call ends (RCV-LIM-003, consumer_internal::handler_slots).
struct held_delivery {
  std::string key;
  std::shared_ptr<input> in;
  waiter w;
};

// Per configured source. `slots` outlives connections (a call started on a lost connection
// still holds its slot until it returns); `unsettled` counts this connection's deliveries
// on the source's link that were received and not yet settled (held ones included).
struct source_state {
  explicit source_state(std::uint32_t credit) : slots(credit, credit) {}
  consumer_internal::handler_slots<held_delivery> slots;
  std::uint32_t unsettled = 0;
  bool admitting = false;  // admit_held() is running (a call that completes inline re-enters)
};

// Work for the worker threads: a delivery to hand to the handler (`in` set), or (`build` set)
// the result builder an asynchronous handler's completion handed over.
struct job {
  std::string key;
  std::shared_ptr<const input> in;
  std::function<handler_result()> build;
};

// One consumer::publish(): `done` is called exactly once. Whoever drops the last reference
// without an outcome (a work item Proton never ran, a lost connection, stop()) reports
// `if_dropped`: not_connected before the message was sent, publish_unknown after.
struct publish_call {
  publish_done done;
  errc if_dropped = errc::not_connected;
  void finish(boost::system::error_code ec) noexcept {
    if (!done) return;
    publish_done d = std::move(done);
    done = nullptr;
    try {
      d(ec);
    } catch (...) {  // a callback must not take the event loop down
    }
  }
  ~publish_call() { finish(if_dropped); }
};

// What to do with deliveries once the broker settles a message we sent (ack or dead letter).
struct tracker_wait {
  // accept: an ack was sent; reject: a dead letter was sent; reject_answered: the answer to
  // an input refused before storing was sent; publish: a consumer::publish() message.
  enum class then : std::uint8_t { accept, reject, reject_answered, publish } action = then::accept;
  std::vector<waiter> waiters;
  std::string key;
  std::shared_ptr<const cached_ack> error_reply;  // sent after a dead letter was accepted
  std::shared_ptr<publish_call> publish;
};

// Names the calling thread (at most 15 characters), so that per-thread figures (top -H,
// /proc/PID/task/*/comm, apipnr-bench-amqp --thread-cpu) tell the consumer's threads apart.
void name_this_thread(const char* name) noexcept { pthread_setname_np(pthread_self(), name); }

void default_log(log_level level, std::string_view line) {
  if (level < log_level::warning) return;
  std::fprintf(stderr, "apipnr.amqp: %.*s\n", static_cast<int>(line.size()), line.data());
}

}  // namespace

struct consumer::impl final : proton::messaging_handler {
  // What a completion reaches the consumer through. It may be called after the consumer is
  // gone (a store commit that outlived stop()): stop() clears `owner` under the mutex once the
  // workers ended, and a completion finding it null does nothing.
  struct completion_gate {
    std::mutex mutex;
    impl* owner = nullptr;
  };
  // One handler call. `completed` makes the completion count once (a second call, or one after
  // the handler threw, is ignored). While the handler runs, `inline_thread` is the calling
  // thread's id: a completion called from inside the handler (the synchronous handler adapter,
  // an early refusal) leaves its builder in `inline_build`, and the caller runs it right after,
  // without a queue round. `on_event_thread`: the call ran on the event thread
  // (options::run_on_event_thread), and a later completion's builder goes back there too.
  struct call_state {
    std::shared_ptr<completion_gate> gate;
    std::string key;
    bool on_event_thread = false;
    std::atomic<bool> completed{false};
    std::atomic<std::thread::id> inline_thread{};
    std::function<handler_result()> inline_build;
  };

  impl(options o, async_handler h)
      : opts_(std::move(o)),
        handler_(std::move(h)),
        recent_(opts_.recent_capacity),
        failures_(opts_.recent_capacity),
        reply_refusals_(opts_.recent_capacity),
        backoff_(opts_.reconnect_initial, opts_.reconnect_max, std::random_device{}()),
        container_(*this, opts_.container_id.empty() ? "apipnr-amqp-" + proton::uuid::random().str()
                                                     : opts_.container_id),
        work_queue_(container_),
        gate_(std::make_shared<completion_gate>()) {
    gate_->owner = this;
    sources_.reserve(opts_.sources.size());
    for (std::size_t i = 0; i < opts_.sources.size(); ++i) sources_.emplace_back(opts_.credit);
    if (!opts_.log) {
      opts_.log = default_log;  // prints warning and above: build nothing below
      opts_.log_threshold = std::max(opts_.log_threshold, log_level::warning);
    }
    // Between a lost connection and the next attempt there is no connection at all; the
    // event loop must keep running until stop().
    container_.auto_stop(false);
  }

  // -- configuration ------------------------------------------------------------------------
  options opts_;
  async_handler handler_;
  ci::broker_url url_;

  // -- event-thread state (touched only on the Proton thread) --------------------------------
  ci::lru_map<std::shared_ptr<const cached_ack>> recent_;
  ci::lru_map<std::uint32_t> failures_;        // handler failures per key
  ci::lru_map<std::uint32_t> reply_refusals_;  // acknowledgements the broker refused, per key
  ci::backoff backoff_;
  std::unordered_map<std::string, flight> flights_;
  proton::message reply_msg_;  // reply_message()
  proton::binary reply_body_;
  std::unordered_map<std::string, proton::sender> senders_;
  // Keyed by the tracker itself (ordered by its Proton delivery, which the key keeps alive): no
  // key string built from the sender name and tag per message sent.
  std::map<proton::tracker, tracker_wait> tracker_waits_;
  std::vector<proton::receiver> receivers_;  // in options::sources order
  std::vector<std::pair<proton::receiver, std::string>> source_addresses_;  // source_address()
  std::vector<source_state> sources_;  // in options::sources order
  proton::connection connection_;
  bool have_connection_ = false;
  std::uint64_t generation_ = 0;
  std::size_t receivers_open_ = 0;
  bool stopping_ = false;

  proton::container container_;
  proton::work_queue work_queue_;
  std::shared_ptr<completion_gate> gate_;

  // -- shared state ---------------------------------------------------------------------------
  std::atomic<bool> connected_{false};
  struct counters_t {
    std::atomic<std::uint64_t> received{0}, handled{0}, accepted{0}, released{0}, rejected{0},
        handler_failures{0}, duplicates{0}, dead_lettered{0}, reply_failures{0}, connects{0},
        disconnects{0}, held_back{0}, held_released{0};
  } counters_;

  std::mutex jobs_mutex_;
  std::condition_variable jobs_cv_;
  std::deque<job> jobs_;
  // Outcomes for the event thread: builders of calls that ran there, completed from other
  // threads (the store's writer, one after another per commit), and results the workers
  // built. One event-thread work item drains them all, so a commit of N inputs costs one
  // container wake and one write of N replies, not N of each (a work item per result cost a
  // wake and about 14 allocations each).
  struct finished {
    std::string key;
    std::function<handler_result()> build;  // set: run it on the event thread
    handler_result result;                  // otherwise: the result
  };
  std::mutex event_builds_mutex_;
  std::vector<finished> event_builds_;
  bool workers_quit_ = false;
  std::vector<std::thread> workers_;

  std::mutex timer_mutex_;
  std::condition_variable timer_cv_;
  std::optional<std::chrono::steady_clock::time_point> timer_due_;
  std::function<void()> timer_work_;
  bool timer_quit_ = false;
  std::thread timer_thread_;

  std::thread event_thread_;
  std::mutex run_mutex_;
  std::condition_variable run_cv_;
  bool run_done_ = false;
  bool started_ = false;
  bool stopped_ = false;
  std::mutex lifecycle_mutex_;

  // Proton throws proton::error from some calls; nothing may escape into container::run(),
  // which would end the event loop. Errors become log lines here (house rule: no exceptions
  // across the component boundary).
  template <class F>
  void guarded(const char* what, F&& f) {
    try {
      f();
    } catch (const std::exception& e) {
      log(log_level::error, std::string(what) + ": " + e.what());
    }
  }

  // Runs `f` on the event thread. The work queue is the container's, so work done there
  // on the connection (settling, sending, closing) is only written out when the connection
  // next has an event: wake() gives it one at once (without it, frames waited for the next
  // heartbeat, seconds later).
  bool post(const char* what, std::function<void()> f) {
    return work_queue_.add([this, what, fn = std::move(f)] {
      guarded(what, fn);
      if (have_connection_) guarded("waking the connection", [this] { connection_.wake(); });
    });
  }

  // Lines below opts_.log_threshold are not built at all (the per-message debug line cost
  // string building for every delivery when nobody read it).
  bool logs(log_level level) const noexcept { return level >= opts_.log_threshold; }

  void log(log_level level, const std::string& line) {
    if (!logs(level)) return;
    try {
      opts_.log(level, line);
    } catch (...) {  // a log sink must not take the consumer down
    }
  }

  // -- connecting -----------------------------------------------------------------------------

  void connect() {
    if (stopping_) {
      container_.stop();
      return;
    }
    try {
      proton::connection_options co;
      if (!url_.user.empty()) {
        co.user(url_.user);
        co.password(url_.password);
        co.sasl_allow_insecure_mechs(true);  // PLAIN on loopback (RABBITMQ.md)
      }
      if (opts_.idle_timeout.count() > 0) {
        co.idle_timeout(proton::duration(opts_.idle_timeout.count()));
      }
      container_.connect(url_.address(), co);
    } catch (const std::exception& e) {
      log(log_level::error, std::string("connect to ") + url_.address() + " failed: " + e.what());
      schedule_reconnect();
    }
  }

  void schedule_reconnect() {
    const auto delay = backoff_.next();
    log(log_level::info, "reconnecting to " + url_.address() + " in " +
                             std::to_string(delay.count()) + " ms (attempt " +
                             std::to_string(backoff_.attempt()) + ")");
    arm_timer(delay, [this] { connect(); });
  }

  // One pending timer at a time (reconnect, or the close deadline while stopping); `work`
  // runs on the event thread.
  void arm_timer(std::chrono::milliseconds delay, std::function<void()> work) {
    {
      std::lock_guard lock(timer_mutex_);
      timer_due_ = std::chrono::steady_clock::now() + delay;
      timer_work_ = std::move(work);
    }
    timer_cv_.notify_all();
  }

  // The reconnect delay runs on a thread of its own: a timer scheduled on the container would
  // hold container::run() open after stop() until it fired (up to reconnect_max).
  void timer_loop() {
    name_this_thread("amqp-timer");
    std::unique_lock lock(timer_mutex_);
    for (;;) {
      if (timer_quit_) return;
      if (!timer_due_) {
        timer_cv_.wait(lock);
        continue;
      }
      if (std::chrono::steady_clock::now() < *timer_due_) {
        timer_cv_.wait_until(lock, *timer_due_);
        continue;
      }
      timer_due_.reset();
      std::function<void()> work = std::move(timer_work_);
      lock.unlock();
      post("timer", std::move(work));
      lock.lock();
    }
  }

  void on_container_start(proton::container&) override { connect(); }

  void on_connection_open(proton::connection& c) override {
    guarded("opening the sources", [&] { open_sources(c); });
  }

  void open_sources(proton::connection& c) {
    connection_ = c;
    have_connection_ = true;
    receivers_open_ = 0;
    ++counters_.connects;
    for (const std::string& source : opts_.sources) {
      proton::receiver_options ro;
      // Credit is granted by hand, one per settled delivery, so that at most `credit`
      // deliveries are unsettled per link (RCV-LIM-003); Proton's window would refill on
      // receipt instead.
      ro.credit_window(0).auto_accept(false);
      // Terminus durability "configuration": RabbitMQ declares /queue/NAME durable, so that
      // queued interchanges survive a broker restart (docs/AMQP.md; every party must declare
      // the queue the same way).
      proton::source_options so;
      so.durability_mode(proton::source::CONFIGURATION);
      ro.source(so);
      proton::receiver r = c.open_receiver(source, ro);
      r.add_credit(opts_.credit + ci::extra_link_credit_for_tests.load());
      receivers_.push_back(r);
    }
  }

  void on_receiver_open(proton::receiver&) override {
    if (++receivers_open_ == opts_.sources.size()) {
      backoff_.reset();
      connected_ = true;
      log(log_level::info, "connected to " + url_.address());
    }
  }

  void on_receiver_close(proton::receiver& r) override {
    if (stopping_) return;
    // The broker detached a source (queue deleted, access refused): start over on a new
    // connection rather than run with a source missing.
    log(log_level::warning, "source " + r.source().address() +
                                " detached by the broker: " + r.error().what() + "; reconnecting");
    if (have_connection_) connection_.close();
  }

  void on_transport_error(proton::transport& t) override {
    if (!stopping_) log(log_level::warning, "transport error: " + t.error().what());
  }

  void on_connection_error(proton::connection& c) override {
    log(log_level::warning, "connection closed by the broker: " + c.error().what());
  }

  // messaging_handler's defaults throw from on_error, which would end container::run().
  void on_error(const proton::error_condition& e) override {
    log(log_level::warning, "AMQP error: " + e.what());
  }
  void on_session_error(proton::session& s) override {
    log(log_level::warning, "session closed by the broker: " + s.error().what());
    if (have_connection_ && !stopping_) connection_.close();
  }
  void on_receiver_error(proton::receiver& r) override {
    log(log_level::warning, "source " + r.source().address() + " failed: " + r.error().what());
  }

  void on_sender_error(proton::sender& s) override {
    log(log_level::warning, "sender to " + s.target().address() + " failed: " + s.error().what());
  }

  void on_transport_close(proton::transport&) override {
    guarded("handling a lost connection", [&] { connection_lost(); });
  }

  void connection_lost() {
    log(log_level::debug, "transport closed");
    have_connection_ = false;
    connected_ = false;
    ++generation_;
    receivers_.clear();
    source_addresses_.clear();
    senders_.clear();
    // Acks and dead letters in flight on the lost connection: the broker redelivers their
    // inputs, which then hit the recent set (or the failure count) and are answered again.
    tracker_waits_.clear();
    // Not started: the broker redelivers them; their slots are free again. Calls running keep
    // theirs until they return, also against the next connection's deliveries.
    for (job& j : take_queued_jobs()) drop_flight(j.key);
    for (auto& kv : flights_) kv.second.waiters.clear();
    for (source_state& ss : sources_) {
      (void)ss.slots.take_held();
      ss.unsettled = 0;
    }
    if (stopping_) {
      container_.stop();
      return;
    }
    ++counters_.disconnects;
    schedule_reconnect();
  }

  // -- receiving ------------------------------------------------------------------------------

  bool valid(const waiter& w) const { return w.generation == generation_ && have_connection_; }

  // The index of a receiver of this connection in options::sources (a few links: compared,
  // no name string built per delivery).
  std::size_t source_index(const proton::receiver& r) const {
    for (std::size_t i = 0; i < receivers_.size(); ++i) {
      if (receivers_[i] == r) return i;
    }
    return 0;  // not reached: every delivery comes on one of them
  }

  void credit_back(waiter& w) {
    if (valid(w)) settled(w.source);
  }

  // A delivery of source `s` on this connection was settled. Credit is topped up to the
  // window: `credit` deliveries unsettled here or still to come from the broker (RCV-LIM-003),
  // in batches of a quarter of the window (one FLOW frame per settled delivery cost a frame
  // each way per message and capped the rate, docs/AMQP.md). The grant is computed from what
  // is unsettled and what the link has left rather than one per settlement, for two reasons:
  // deliveries the broker sent beyond the credit (RabbitMQ 3.x does, docs/AMQP.md) get no
  // credit back, so the link returns to the window instead of drifting above it; and Proton's
  // own count, which such deliveries drive below zero, is never topped up to a value still
  // below zero (Proton would send it as an unsigned link-credit: a huge grant). Nothing
  // stalls: a settlement that leaves the link short of a batch or more grants it.
  void settled(std::size_t s) {
    source_state& ss = sources_[s];
    if (ss.unsettled > 0) --ss.unsettled;
    if (stopping_) return;
    proton::receiver& r = receivers_[s];
    const std::int64_t want = std::int64_t{opts_.credit} - ss.unsettled;
    const std::int64_t grant = want - r.credit();
    if (want > 0 && grant >= std::int64_t{credit_batch()}) {
      r.add_credit(static_cast<std::uint32_t>(grant));
    }
  }
  std::uint32_t credit_batch() const noexcept {
    return std::max<std::uint32_t>(1, opts_.credit / 4);
  }

  void accept(waiter& w) {
    if (!valid(w)) return;
    w.delivery.accept();
    ++counters_.accepted;
    credit_back(w);
  }

  void reject(waiter& w) {
    if (!valid(w)) return;
    w.delivery.reject();
    ++counters_.rejected;
    credit_back(w);
  }

  void release(waiter& w) {
    if (!valid(w)) return;
    // released: the broker puts it back on the queue (TRN-MQ-002, no loss). Not modified:
    // RabbitMQ 3.10's AMQP 1.0 plugin refuses that outcome and closes the session.
    w.delivery.release();
    ++counters_.released;
    credit_back(w);
  }

  void on_message(proton::delivery& d, proton::message& m) override {
    ++counters_.received;
    const std::size_t s = source_index(d.receiver());
    ++sources_[s].unsettled;
    try {
      handle_message(d, m, s);
    } catch (const std::exception& e) {
      // Proton's conversions throw on unexpected property types: this message is refused,
      // the consumer carries on (RCV-BAD-003).
      log(log_level::error, std::string("delivery refused: ") + e.what());
      try {
        d.reject();
        ++counters_.rejected;
        settled(s);
      } catch (...) {
      }
    }
  }

  void handle_message(proton::delivery& d, proton::message& m, std::size_t s) {
    // Each getter decodes the field again and returns a new copy: read each one once.
    proton::message_id id = m.id();
    proton::message_id correlation = m.correlation_id();
    // One allocation holds the body and its metadata for the flight, the job and the call
    // (copying the metadata into each cost a string allocation per field).
    auto in = std::make_shared<input>();
    errc refusal = errc::ok;
    std::size_t refused_size = 0;
    if (!stopping_) {
      refusal = consumer_internal::read_message(m, id, correlation, opts_.max_body_bytes, *in,
                                                refused_size);
    }
    waiter w{d, generation_,
             consumer_internal::reply_correlation(std::move(id), std::move(correlation)),
             in->meta.reply_to, s};
    if (stopping_) {
      // Prefetched after stop() began: give it back untouched (no credit is granted).
      d.release();
      ++counters_.released;
      settled(s);
      return;
    }
    if (refusal != errc::ok) return refuse(w, refusal, refused_size);

    inbound& meta = in->meta;
    meta.source = source_address(d.receiver());
    meta.received_at = std::chrono::system_clock::now();
    const std::string_view body = meta.body;

    // RCV-DUP-001: a message is known by its message-id on its source, or by its content
    // when the sender set no message-id.
    std::string key;
    key.reserve(meta.source.size() + 4 + std::max<std::size_t>(meta.message_id.size(), 48));
    key.append(meta.source).push_back('\x1f');
    if (!meta.message_id.empty()) {
      key.append("id:").append(meta.message_id);
    } else {
      key.append("body:")
          .append(std::to_string(std::hash<std::string_view>{}(body)))
          .append(1, ':')
          .append(std::to_string(body.size()));
    }

    if (logs(log_level::debug)) {
      log(log_level::debug, "received " + key.substr(key.find('\x1f') + 1) + " on " + meta.source +
                                (m.first_acquirer() ? "" : " (redelivered)"));
    }
    if (auto* cached = recent_.find(key)) {
      ++counters_.duplicates;
      log(log_level::info,
          "redelivery of " + key.substr(key.find('\x1f') + 1) + " answered from the recent set");
      answer(key, std::move(w), *cached);
      return;
    }
    if (auto it = flights_.find(key); it != flights_.end()) {
      ++counters_.duplicates;
      it->second.waiters.push_back(std::move(w));
      return;
    }
    source_state& ss = sources_[s];
    if (!ss.slots.free()) return hold_back(ss, std::move(key), std::move(in), std::move(w));
    start(std::move(key), std::move(in), std::move(w));
  }

  // RCV-LIM-003: every handler slot of the source is taken, so the broker sent more than the
  // credit (RabbitMQ 3.x's AMQP 1.0 plugin does at times, docs/AMQP.md). The delivery waits,
  // unsettled, until a call of its source ends; at most `credit` wait, beyond that it goes
  // back to the broker at once (released, redelivered later), so memory stays bounded by
  // twice the credit whatever the broker sends.
  void hold_back(source_state& ss, std::string key, std::shared_ptr<input> in, waiter w) {
    held_delivery h{std::move(key), std::move(in), std::move(w)};
    if (ss.slots.hold(std::move(h))) {
      ++counters_.held_back;
      if (logs(log_level::debug)) {
        log(log_level::debug, "delivery beyond the credit held back (" +
                                  std::to_string(ss.slots.held()) + " waiting for a slot)");
      }
      return;
    }
    ++counters_.held_released;
    log(log_level::warning, "the broker sent more than twice the credit on " + h.in->meta.source +
                                ": delivery released back to it");
    release(h.w);
  }

  // Hands a delivery to the handler: takes a slot of its source (the caller checked one is
  // free), then a worker or the event thread calls it.
  void start(std::string key, std::shared_ptr<input> in, waiter w) {
    source_state& ss = sources_[w.source];
    ss.slots.take();
    const std::uint32_t* failed = failures_.find(key);
    in->meta.attempt = (failed != nullptr ? *failed : 0) + 1;
    bool here = false;
    if (opts_.run_on_event_thread) {
      try {
        here = opts_.run_on_event_thread(in->meta);
      } catch (...) {  // it must not throw; if it does, the worker is the safe place
      }
    }
    flight& f = flights_[key];
    f.in = in;
    f.source = w.source;
    f.waiters.push_back(std::move(w));
    if (here) {
      // `f` may be gone once the call completes inside it (complete() erases the flight).
      call_here(key, std::move(in));
      return;
    }
    {
      std::lock_guard lock(jobs_mutex_);
      jobs_.push_back(job{std::move(key), std::move(in), {}});
    }
    jobs_cv_.notify_one();
  }

  // A slot of source `s` freed: deliveries held back start in arrival order. One that became
  // a duplicate meanwhile (its twin was stored or is being handled) is answered like one.
  void admit_held(std::size_t s) {
    source_state& ss = sources_[s];
    if (ss.admitting) return;  // a call completed inside the call this loop started
    ss.admitting = true;
    // Reset however the loop ends (a Proton error thrown while answering is caught further
    // up): a flag left set would hold every later delivery back for good.
    struct reset {
      bool& flag;
      ~reset() { flag = false; }
    } reset_admitting{ss.admitting};
    while (!stopping_) {
      std::optional<held_delivery> h = ss.slots.next();
      if (!h) break;
      if (!valid(h->w)) continue;  // not reached: a lost connection drops the held ones
      if (auto* cached = recent_.find(h->key)) {
        ++counters_.duplicates;
        answer(h->key, std::move(h->w), *cached);
        continue;
      }
      if (auto it = flights_.find(h->key); it != flights_.end()) {
        ++counters_.duplicates;
        it->second.waiters.push_back(std::move(h->w));
        continue;
      }
      start(std::move(h->key), std::move(h->in), std::move(h->w));
    }
  }

  // A flight whose call never started (queued for a worker at a lost connection or a stop).
  void drop_flight(const std::string& key) {
    auto it = flights_.find(key);
    if (it == flights_.end()) return;
    sources_[it->second.source].slots.finish();
    flights_.erase(it);
  }

  // The source address of a receiver of this connection, looked up once per link: reading it
  // from Proton builds a source object and a string for every delivery.
  const std::string& source_address(const proton::receiver& r) {
    for (const auto& [known, address] : source_addresses_) {
      if (known == r) return address;
    }
    source_addresses_.emplace_back(r, r.source().address());
    return source_addresses_.back().second;
  }

  // options::run_on_event_thread: the handler call (and a builder it hands over at once) on
  // the event thread, no worker hand-off either way.
  void call_here(const std::string& key, std::shared_ptr<const input> in) {
    auto st = std::make_shared<call_state>();
    st->gate = gate_;
    st->key = key;
    st->on_event_thread = true;
    if (auto res = invoke(in->meta, st)) complete(key, std::move(*res));
  }

  // TRN-SIZE-001 / RCV-BAD-001: an explicit error answer, then reject; nothing is handed over.
  void refuse(waiter& w, errc why, std::size_t size) {
    const errc_info& i = info(why);
    std::string detail = std::string(i.id) + ": " + std::string(i.message);
    if (why == errc::body_too_large) {
      detail +=
          " (" + std::to_string(size) + " > " + std::to_string(opts_.max_body_bytes) + " bytes)";
    }
    log(log_level::warning, "delivery rejected: " + detail);
    if (!w.reply_to.empty()) send_error_reply(w, why, detail);
    w.delivery.reject();
    ++counters_.rejected;
    credit_back(w);
  }

  // -- answering ------------------------------------------------------------------------------

  proton::sender& sender_for(const std::string& address) {
    auto it = senders_.find(address);
    if (it == senders_.end()) {
      proton::target_options to;
      to.durability_mode(proton::target::CONFIGURATION);  // durable queue, as for sources
      proton::sender_options so;
      so.target(to);
      it = senders_.emplace(address, connection_.open_sender(address, so)).first;
    }
    return it->second;
  }

  // Fills reply_msg_ (reused: a new proton::message costs about 26 allocations to create its
  // Proton C message and fields; clear() keeps them) and the body through reply_body_ (its
  // capacity kept). The caller sends it at once; every field is set anew each time, so nothing
  // of the previous reply remains.
  const proton::message& reply_message(const waiter& w, const cached_ack& a) {
    consumer_internal::write_reply(reply_msg_, reply_body_, w.reply_correlation, a.status, a.ack,
                                   a.subject, a.content_type, a.verdict, a.detail, a.properties);
    return reply_msg_;
  }

  // Acknowledge a stored message: ack to reply-to first, accept the input once the broker
  // took the ack (RCV-DUR-001: the transport commit comes last; TRN-ACK-001: they are
  // distinct). Without reply-to the input is accepted at once.
  // A `rejected` result (refused before storing) settles with reject instead, after its answer.
  void answer(const std::string& key, waiter w, const std::shared_ptr<const cached_ack>& a) {
    if (!valid(w)) return;
    const bool refused = a->status == handler_status::rejected;
    if (w.reply_to.empty() || !opts_.send_replies) {
      if (refused) {
        reject(w);
      } else {
        accept(w);
      }
      return;
    }
    proton::tracker t = sender_for(w.reply_to).send(reply_message(w, *a));
    tracker_wait& tw = tracker_waits_[t];
    tw.action = refused ? tracker_wait::then::reject_answered : tracker_wait::then::accept;
    tw.key = key;
    tw.waiters.push_back(std::move(w));
  }

  void send_error_reply(const waiter& w, errc why, const std::string& detail) {
    if (w.reply_to.empty() || !valid(w)) return;
    proton::message r;
    r.body(proton::binary(detail));
    r.correlation_id(w.reply_correlation);
    r.subject("APIPNR-ERROR");
    r.content_type("text/plain");
    r.durable(true);
    r.properties().put("apipnr-status", "rejected");
    r.properties().put("apipnr-error", std::string(info(why).id));
    sender_for(w.reply_to).send(r);
  }

  void on_tracker_accept(proton::tracker& t) override {
    guarded("settling after an ack", [&] { tracker_done(t, true); });
  }
  void on_tracker_reject(proton::tracker& t) override {
    guarded("settling after an ack", [&] { tracker_done(t, false); });
  }
  void on_tracker_release(proton::tracker& t) override {
    guarded("settling after an ack", [&] { tracker_done(t, false); });
  }

  void tracker_done(proton::tracker& t, bool ok) {
    auto it = tracker_waits_.find(t);
    if (it == tracker_waits_.end()) return;  // an error reply: nobody waits for it
    tracker_wait tw = std::move(it->second);
    tracker_waits_.erase(it);
    if (tw.action == tracker_wait::then::publish) {
      // Accepted: the broker holds the durable message, which is what "delivered" means here.
      if (!ok) {
        log(log_level::warning, std::string(info(errc::publish_refused).id) + ": " +
                                    t.sender().target().address() + " refused a message");
      }
      tw.publish->finish(ok ? boost::system::error_code{}
                            : boost::system::error_code(errc::publish_refused));
    } else if (tw.action == tracker_wait::then::accept ||
               tw.action == tracker_wait::then::reject_answered) {
      const bool stored = tw.action == tracker_wait::then::accept;
      if (ok) reply_refusals_.erase(tw.key);
      if (!ok && reply_refused(tw, t.sender().target().address())) {
        for (waiter& w : tw.waiters) release(w);
      } else {
        for (waiter& w : tw.waiters) {
          if (stored) {
            accept(w);
          } else {
            reject(w);
          }
        }
      }
    } else if (ok) {
      // The dead letter is safely on the broker: now the input may go (RCV-BAD-001).
      ++counters_.dead_lettered;
      for (waiter& w : tw.waiters) {
        if (tw.error_reply) send_error_reply(w, errc::dead_lettered, tw.error_reply->detail);
        reject(w);
      }
      failures_.erase(tw.key);
    } else {
      log(log_level::error, "dead-letter address " + opts_.dead_letter +
                                " refused a message; releasing it instead (no loss)");
      for (waiter& w : tw.waiters) release(w);
    }
    check_stop_done();
  }

  // The broker refused (rejected or released) the answer to an input (TRN-ACK-001). Settling
  // the input anyway would lose that answer for good: the sender has no reason to send again.
  // So the input is released instead, up to max_attempts refusals per message key: the broker
  // redelivers it, the recent set (or the handler's duplicate answer, RCV-DUP-001) answers it
  // without storing it twice, and the answer is sent again. After the last refusal the input
  // is settled as before (accepted when stored, rejected when refused before storing): the
  // data is kept, and an input that comes back for ever would hold a credit for ever.
  // Returns true when the input is to be released. RabbitMQ 3.10 never refuses a reply (a full
  // reply queue aborts the connection instead; docs/AMQP.md), other brokers do.
  bool reply_refused(const tracker_wait& tw, const std::string& address) {
    ++counters_.reply_failures;
    const std::uint32_t* prev = reply_refusals_.find(tw.key);
    const std::uint32_t n = (prev != nullptr ? *prev : 0) + 1;
    const std::string what = std::string(info(errc::reply_failed).id) + ": answer to " + address +
                             " not accepted (" + std::to_string(n) + "/" +
                             std::to_string(opts_.max_attempts) + ")";
    if (n < opts_.max_attempts && !tw.key.empty()) {
      reply_refusals_.put(tw.key, n);
      log(log_level::warning, what + "; input released, its redelivery is answered again");
      return true;
    }
    reply_refusals_.erase(tw.key);
    log(log_level::error, what + "; input settled without an answer, the sender must ask again");
    return false;
  }

  // -- publishing (consumer::publish, posted) --------------------------------------------------

  void send_outbound(const std::shared_ptr<publish_call>& call, const outbound& m) {
    if (!have_connection_ || stopping_) return;  // the call reports not_connected when dropped
    proton::message msg;
    msg.body(proton::binary(m.body));
    msg.durable(true);
    if (!m.message_id.empty()) msg.id(m.message_id);
    if (!m.correlation_id.empty()) msg.correlation_id(m.correlation_id);
    if (!m.reply_to.empty()) msg.reply_to(m.reply_to);
    msg.subject(m.subject);
    msg.content_type(m.content_type);
    for (const auto& [k, v] : m.properties) msg.properties().put(k, v);
    proton::tracker t = sender_for(m.address).send(msg);
    call->if_dropped = errc::publish_unknown;  // from here on it may arrive
    tracker_wait& tw = tracker_waits_[t];
    tw.action = tracker_wait::then::publish;
    tw.publish = call;
  }

  // -- completion of a handler call (posted by a worker) ----------------------------------

  void complete(const std::string& key, handler_result res) {
    auto it = flights_.find(key);
    if (it == flights_.end()) return;
    flight f = std::move(it->second);
    flights_.erase(it);
    sources_[f.source].slots.finish();
    if (res.status == handler_status::stored || res.status == handler_status::duplicate ||
        res.status == handler_status::rejected) {
      ++counters_.handled;
      auto a = std::make_shared<const cached_ack>(
          cached_ack{res.status, std::move(res.ack), std::move(res.ack_subject),
                     std::move(res.ack_content_type), std::move(res.verdict), std::move(res.detail),
                     std::move(res.properties)});
      // Remembered even when the delivery is stale (connection lost meanwhile): its
      // redelivery is then answered without a second handler call.
      recent_.put(key, a);
      failures_.erase(key);
      for (waiter& w : f.waiters) answer(key, std::move(w), a);
    } else {
      ++counters_.handler_failures;
      const std::uint32_t* prev = failures_.find(key);
      const std::uint32_t n = (prev != nullptr ? *prev : 0) + 1;
      failures_.put(key, n);
      const std::string detail = std::string(info(errc::handler_failed).id) + " attempt " +
                                 std::to_string(n) + "/" + std::to_string(opts_.max_attempts) +
                                 " for " + key.substr(key.find('\x1f') + 1) + ": " + res.detail;
      log(log_level::warning, detail);
      if (n >= opts_.max_attempts) {
        dead_letter(key, f, detail);
      } else {
        for (waiter& w : f.waiters) release(w);
      }
    }
    admit_held(f.source);
    check_stop_done();
  }

  void dead_letter(const std::string& key, flight& f, const std::string& detail) {
    std::vector<waiter> live;
    for (waiter& w : f.waiters) {
      if (valid(w)) live.push_back(std::move(w));
    }
    if (live.empty() || !have_connection_) return;  // redelivered later, counted again
    proton::message dl;
    dl.body(
        proton::binary(std::vector<std::uint8_t>(f.in->meta.body.begin(), f.in->meta.body.end())));
    dl.durable(true);
    dl.subject(f.in->meta.subject);
    dl.content_type(f.in->meta.content_type);
    dl.properties().put("apipnr-error", std::string(info(errc::dead_lettered).id));
    dl.properties().put("apipnr-detail", detail);
    dl.properties().put("apipnr-source", f.in->meta.source);
    dl.properties().put("apipnr-message-id", f.in->meta.message_id);
    dl.properties().put("apipnr-correlation-id", f.in->meta.correlation_id);
    dl.properties().put("apipnr-reply-to", f.in->meta.reply_to);
    proton::tracker t = sender_for(opts_.dead_letter).send(dl);
    tracker_wait& tw = tracker_waits_[t];
    tw.action = tracker_wait::then::reject;
    tw.key = key;
    tw.waiters = std::move(live);
    tw.error_reply = std::make_shared<const cached_ack>(
        cached_ack{handler_status::failed, {}, {}, {}, {}, detail, {}});
  }

  // -- workers ----------------------------------------------------------------------------------

  // Deliveries queued for a worker but not yet handed to the handler. Result builders stay
  // queued: their calls happened, and their outcome must still be recorded (recent set).
  std::vector<job> take_queued_jobs() {
    std::lock_guard lock(jobs_mutex_);
    std::vector<job> out;
    std::deque<job> keep;
    for (job& j : jobs_) {
      if (j.build) {
        keep.push_back(std::move(j));
      } else {
        out.push_back(std::move(j));
      }
    }
    jobs_.swap(keep);
    return out;
  }

  // A completion: queue the builder for a worker (or leave it to the worker still inside the
  // handler on this thread). Any thread.
  static void complete_call(const std::shared_ptr<call_state>& st,
                            std::function<handler_result()> build) {
    if (st->completed.exchange(true)) return;  // exactly once
    if (st->inline_thread.load() == std::this_thread::get_id()) {
      st->inline_build = std::move(build);
      return;
    }
    std::lock_guard gate_lock(st->gate->mutex);
    impl* p = st->gate->owner;
    if (p == nullptr) return;  // the consumer stopped: the broker redelivers
    if (st->on_event_thread) {
      p->queue_event_build(st->key, std::move(build));
      return;
    }
    {
      std::lock_guard lock(p->jobs_mutex_);
      p->jobs_.push_back(job{st->key, nullptr, std::move(build)});
    }
    p->jobs_cv_.notify_one();
  }

  // A builder for the event thread (the call ran there): queued, and the first of a batch
  // posts the work item that drains it. Any thread; under the completion gate's mutex, so the
  // consumer is alive.
  void queue_event_build(const std::string& key, std::function<handler_result()> build) {
    queue_finished(finished{key, std::move(build), {}});
  }

  void queue_finished(finished f) {
    bool first = false;
    {
      std::lock_guard lock(event_builds_mutex_);
      first = event_builds_.empty();
      event_builds_.push_back(std::move(f));
    }
    // false when the event loop has ended: the deliveries are unsettled and come back.
    if (first) post("completing deliveries", [this] { run_event_builds(); });
  }

  void run_event_builds() {
    std::vector<finished> batch;
    {
      std::lock_guard lock(event_builds_mutex_);
      batch.swap(event_builds_);
    }
    for (finished& f : batch) {
      complete(f.key, f.build ? run_builder(f.build) : std::move(f.result));
    }
  }

  // Calls the handler on this thread. Returns the result when it is known now (the handler
  // threw, or completed inside the call and its builder ran here); nullopt when the
  // completion comes later from another thread.
  std::optional<handler_result> invoke(const inbound& meta, const std::shared_ptr<call_state>& st) {
    st->inline_thread.store(std::this_thread::get_id());
    std::string threw;
    try {
      handler_(meta, [st](std::function<handler_result()> build) {
        complete_call(st, std::move(build));
      });
    } catch (const std::exception& e) {
      threw = std::string("handler threw: ") + e.what();
    } catch (...) {
      threw = "handler threw";
    }
    st->inline_thread.store(std::thread::id{});
    if (!threw.empty() && !st->completed.exchange(true)) {
      handler_result res;
      res.status = handler_status::failed;
      res.detail = std::move(threw);
      return res;
    }
    if (st->inline_build) return run_builder(st->inline_build);
    return std::nullopt;  // the completion comes later, from another thread
  }

  static handler_result run_builder(const std::function<handler_result()>& build) {
    handler_result res;
    try {
      res = build();
    } catch (const std::exception& e) {
      res.status = handler_status::failed;
      res.detail = std::string("handler result threw: ") + e.what();
    } catch (...) {
      res.status = handler_status::failed;
      res.detail = "handler result threw";
    }
    return res;
  }

  // A result a worker built: settled on the event thread with the rest of its batch.
  void post_complete(std::string key, handler_result res) {
    queue_finished(finished{std::move(key), nullptr, std::move(res)});
  }

  void worker_loop() {
    name_this_thread("amqp-worker");
    for (;;) {
      job j;
      {
        std::unique_lock lock(jobs_mutex_);
        jobs_cv_.wait(lock, [this] { return workers_quit_ || !jobs_.empty(); });
        if (jobs_.empty()) return;
        j = std::move(jobs_.front());
        jobs_.pop_front();
      }
      if (j.build) {
        post_complete(std::move(j.key), run_builder(j.build));
        continue;
      }
      auto st = std::make_shared<call_state>();
      st->gate = gate_;
      st->key = j.key;
      // Otherwise the completion comes later, from another thread, and queues a builder.
      if (auto res = invoke(j.in->meta, st)) post_complete(std::move(j.key), std::move(*res));
    }
  }

  // -- stopping ---------------------------------------------------------------------------------

  void begin_stop() {
    log(log_level::debug, "stop requested: " + std::to_string(flights_.size()) + " in flight, " +
                              std::to_string(tracker_waits_.size()) + " awaiting the broker");
    stopping_ = true;
    connected_ = false;
    // Handed over but not started, or held back for a slot: back to the broker at once.
    for (job& j : take_queued_jobs()) {
      auto it = flights_.find(j.key);
      if (it == flights_.end()) continue;
      for (waiter& w : it->second.waiters) release(w);
      drop_flight(j.key);
    }
    for (source_state& ss : sources_) {
      for (held_delivery& h : ss.slots.take_held()) release(h.w);
    }
    check_stop_done();
  }

  void check_stop_done() {
    if (!stopping_ || !flights_.empty() || !tracker_waits_.empty()) return;
    log(log_level::debug, "nothing in flight: closing the connection");
    if (have_connection_) {
      connection_.close();  // on_transport_close stops the container
      // RabbitMQ 3.10's AMQP 1.0 plugin may leave the close unanswered until a heartbeat
      // fires (seconds). Everything is settled and flushed by now, so after a short wait the
      // socket is simply dropped.
      arm_timer(std::chrono::milliseconds(500), [this] { container_.stop(); });
    } else {
      container_.stop();
    }
  }

  void run() {
    name_this_thread("amqp-event");
    try {
      container_.run();
    } catch (const std::exception& e) {
      log(log_level::error, std::string("event loop ended: ") + e.what());
    }
    {
      std::lock_guard lock(run_mutex_);
      run_done_ = true;
    }
    run_cv_.notify_all();
  }
};

consumer::consumer(options opts, async_handler h)
    : impl_(std::make_unique<impl>(std::move(opts), std::move(h))) {}

// The synchronous handler is the asynchronous one completing inside the call: the worker then
// runs the builder itself (call_state::inline_build), without a queue round.
consumer::consumer(options opts, handler h)
    : consumer(std::move(opts),
               async_handler([h = std::move(h)](const inbound& in, const completion& done) {
                 auto r = std::make_shared<handler_result>(h(in));
                 done([r] { return std::move(*r); });
               })) {}

consumer::~consumer() { stop(std::chrono::milliseconds(0)); }

boost::system::error_code consumer::start() {
  std::lock_guard lock(impl_->lifecycle_mutex_);
  impl& p = *impl_;
  if (p.started_) return errc::already_started;
  auto url = consumer_internal::parse_url(p.opts_.url);
  if (!url) return errc::invalid_url;
  if (p.opts_.sources.empty()) return errc::no_sources;
  for (const std::string& s : p.opts_.sources) {
    if (s.empty()) return errc::no_sources;
  }
  if (p.opts_.max_body_bytes == 0 || p.opts_.credit == 0 || p.opts_.max_attempts == 0 ||
      p.opts_.workers == 0 || p.opts_.recent_capacity == 0) {
    return errc::invalid_limits;
  }
  p.url_ = *url;
  p.started_ = true;
  for (std::size_t i = 0; i < p.opts_.workers; ++i) {
    p.workers_.emplace_back([&p] { p.worker_loop(); });
  }
  p.timer_thread_ = std::thread([&p] { p.timer_loop(); });
  p.event_thread_ = std::thread([&p] { p.run(); });
  return {};
}

boost::system::error_code consumer::stop(std::chrono::milliseconds grace) {
  std::lock_guard lock(impl_->lifecycle_mutex_);
  impl& p = *impl_;
  if (!p.started_ || p.stopped_) return {};
  p.stopped_ = true;
  boost::system::error_code ec;
  const bool posted = p.post("stopping", [&p] { p.begin_stop(); });
  {
    std::unique_lock run_lock(p.run_mutex_);
    if (!posted || !p.run_cv_.wait_for(run_lock, grace, [&p] { return p.run_done_; })) {
      if (!p.run_done_) ec = errc::stop_timeout;
      run_lock.unlock();
      // Aborting drops the connection: the broker puts every unsettled delivery back.
      p.container_.stop();
    }
  }
  p.event_thread_.join();
  // The event thread has ended: publishes the broker never settled report publish_unknown.
  p.tracker_waits_.clear();
  {
    std::lock_guard timer_lock(p.timer_mutex_);
    p.timer_quit_ = true;
  }
  p.timer_cv_.notify_all();
  p.timer_thread_.join();
  {
    std::lock_guard jobs_lock(p.jobs_mutex_);
    p.workers_quit_ = true;
    p.jobs_.clear();
  }
  p.jobs_cv_.notify_all();
  for (std::thread& t : p.workers_) t.join();
  {
    // Completions still to come (a commit that outlived the grace period) find no consumer.
    std::lock_guard gate_lock(p.gate_->mutex);
    p.gate_->owner = nullptr;
  }
  {
    std::lock_guard jobs_lock(p.jobs_mutex_);
    p.jobs_.clear();  // builders queued after the workers ended
  }
  {
    std::lock_guard builds_lock(p.event_builds_mutex_);
    p.event_builds_.clear();  // builders the ended event loop never ran
  }
  return ec;
}

bool consumer::connected() const noexcept { return impl_->connected_; }

void consumer::publish(outbound m, publish_done done) {
  auto call = std::make_shared<publish_call>();
  call->done = std::move(done);
  impl& p = *impl_;
  {
    std::lock_guard lock(p.lifecycle_mutex_);
    if (!p.started_ || p.stopped_) return;  // `call` reports not_connected here
  }
  // A work item the event loop never runs (it ended meanwhile) drops `call`: not_connected.
  (void)p.post("publishing", [&p, call, m = std::move(m)] { p.send_outbound(call, m); });
}

stats consumer::counters() const {
  const auto& c = impl_->counters_;
  stats s;
  s.received = c.received;
  s.handled = c.handled;
  s.accepted = c.accepted;
  s.released = c.released;
  s.rejected = c.rejected;
  s.handler_failures = c.handler_failures;
  s.duplicates = c.duplicates;
  s.dead_lettered = c.dead_lettered;
  s.reply_failures = c.reply_failures;
  s.connects = c.connects;
  s.disconnects = c.disconnects;
  s.held_back = c.held_back;
  s.held_released = c.held_released;
  return s;
}

namespace consumer_internal {

std::string text_of(const proton::message_id& id) {
  if (id.empty()) return {};
  if (id.type() == proton::STRING) return proton::get<std::string>(id);
  return proton::to_string(id);
}

errc read_message(const proton::message& m, const proton::message_id& id,
                  const proton::message_id& correlation, std::size_t max_body_bytes, message_in& in,
                  std::size_t& refused_size) {
  inbound& meta = in.meta;
  meta.message_id = text_of(id);
  meta.correlation_id = text_of(correlation);
  meta.reply_to = m.reply_to();  // before the body: a refusal is answered there
  const proton::value& v = m.body();
  if (v.type() == proton::BINARY) {
    in.binary_body = proton::get<proton::binary>(v);
    const proton::binary& bin = in.binary_body;
    if (bin.size() > max_body_bytes) {
      refused_size = bin.size();
      return errc::body_too_large;
    }
    meta.body = std::string_view(reinterpret_cast<const char*>(bin.data()), bin.size());
    meta.body_was_binary = true;
  } else if (v.type() == proton::STRING) {
    in.text_body = proton::get<std::string>(v);
    if (in.text_body.size() > max_body_bytes) {
      refused_size = in.text_body.size();
      return errc::body_too_large;
    }
    meta.body = in.text_body;  // `in` is never moved: a short string stays where it is
    meta.body_was_binary = false;
  } else {
    refused_size = 0;
    return errc::unsupported_body;
  }
  meta.subject = m.subject();
  meta.content_type = m.content_type();
  return errc::ok;
}

void write_reply(proton::message& r, proton::binary& body, const proton::message_id& correlation,
                 handler_status status, const std::string& ack, const std::string& subject,
                 const std::string& content_type, const std::string& verdict,
                 const std::string& detail,
                 const std::vector<std::pair<std::string, std::string>>& properties) {
  r.clear();
  body.assign(ack.begin(), ack.end());
  proton::codec::encoder(r.body()) << body;
  r.correlation_id(correlation);
  r.subject(subject);
  r.content_type(content_type);
  r.durable(true);
  r.properties().put("apipnr-status", status == handler_status::duplicate  ? "duplicate"
                                      : status == handler_status::rejected ? "rejected"
                                                                           : "stored");
  if (!verdict.empty()) r.properties().put("apipnr-verdict", verdict);
  if (!detail.empty()) r.properties().put("apipnr-detail", detail);
  for (const auto& [k, v] : properties) r.properties().put(k, v);
}

}  // namespace consumer_internal

}  // namespace apipnr::amqp
