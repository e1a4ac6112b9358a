// apipnr-bench-amqp: AMQP ingest of the reference receiver next to the broker's own round-trip
// rate, in one run on one broker (docs/PERFORMANCE.md, "AMQP intake").
//
// Both paths move the same N request messages (distinct PAXLST interchanges, durable, one queue)
// and N replies (durable, a second queue) between the same load client and RabbitMQ:
//   bare      a bare Proton echo: receive from the request queue, send a reply to reply-to,
//             accept the request at once (no store, no wait for the reply's settlement)
//   consumer  (--mode all|consumer) the consumer library with a handler that stores nothing
//   receiver  apipnr::receiver::application in this process: the reference pipeline, the SQLite
//             store (durable commits, sync_full) and the AMQP intake, which settles a request
//             only after the commit and after the broker took the reply (docs/AMQP.md)
// The rate is N / (first send .. last reply received). The load client sends as fast as the
// broker's credit allows and counts replies on its own connection.
//
// usage: apipnr-bench-amqp --url amqp://guest:guest@127.0.0.1:PORT [--messages 3000]
//          [--repeat 3] [--mode both|all|bare|consumer|receiver] [--workers 0] [--credit 256]
//          [--specs DIR] [--work DIR] [--sync-full 1] [--event-thread-max-bytes N]
// --event-thread-max-bytes sets the receiver's amqp.event_thread_max_bytes (0: every check on
// a worker; unset: the receiver's default), for same-run A/B comparisons.
// Prints one line per run and a JSON summary line (median rates and ratio) last.
// Exit status: 0 when every run answered every message, 1 otherwise, 2 on a usage error.
#include <unistd.h>
#include <proton/codec/encoder.hpp>
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
#include <proton/types.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "apipnr/amqp/consumer.hpp"
#include "apipnr/receiver/application.hpp"

namespace {

using clock_type = std::chrono::steady_clock;

struct broker_url {
  std::string user, password, host_port;
};

bool parse_url(std::string url, broker_url& out) {
  if (url.rfind("amqp://", 0) != 0) return false;
  url = url.substr(7);
  if (const auto at = url.rfind('@'); at != std::string::npos) {
    const std::string cred = url.substr(0, at);
    out.user = cred.substr(0, cred.find(':'));
    if (cred.find(':') != std::string::npos) out.password = cred.substr(cred.find(':') + 1);
    url = url.substr(at + 1);
  }
  out.host_port = url;
  return !url.empty();
}

proton::connection_options connection_options(const broker_url& u) {
  proton::connection_options co;
  if (!u.user.empty()) co.user(u.user).password(u.password).sasl_allow_insecure_mechs(true);
  return co;
}

// Queues are declared durable by every party (docs/AMQP.md).
proton::sender_options durable_sender() {
  proton::target_options to;
  to.durability_mode(proton::target::CONFIGURATION);
  proton::sender_options so;
  so.target(to);
  return so;
}

proton::receiver_options durable_receiver(int window) {
  proton::source_options so;
  so.durability_mode(proton::source::CONFIGURATION);
  proton::receiver_options ro;
  ro.source(so);
  ro.credit_window(window);
  return ro;
}

// Runs a handler on a container of its own thread; stop() ends it.
class runner {
 public:
  explicit runner(proton::messaging_handler& h) : container_(h) {
    container_.auto_stop(false);
    thread_ = std::thread([this] {
      try {
        container_.run();
      } catch (const std::exception&) {  // stop() aborts the connection: expected
      }
    });
  }
  ~runner() {
    container_.stop();
    thread_.join();
  }
  runner(const runner&) = delete;
  runner& operator=(const runner&) = delete;

 private:
  proton::container container_;
  std::thread thread_;
};

// The load client: sends every request, counts the replies by correlation id. It is the sender
// in every mode, so what it costs per message is spent in the bare and the receiver runs alike:
// one proton::message is reused for every request (a new one cost about 26 allocations to
// create its Proton C message and fields), the ids and bodies are converted to Proton's types
// before the clock starts, and only id and body change per send.
class load_client final : public proton::messaging_handler {
 public:
  load_client(broker_url u, std::string in, std::string replies,
              const std::vector<std::string>& bodies, const std::string& tag)
      : url_(std::move(u)), in_(std::move(in)), replies_(std::move(replies)) {
    ids_.reserve(bodies.size());
    bodies_.reserve(bodies.size());
    for (std::size_t i = 0; i < bodies.size(); ++i) {
      ids_.emplace_back(tag + std::to_string(i));
      bodies_.emplace_back(bodies[i].begin(), bodies[i].end());
    }
    request_.reply_to(replies_);
    request_.content_type("application/edifact");
    request_.durable(true);
  }

  void on_container_start(proton::container& c) override {
    c.connect(url_.host_port, connection_options(url_));
  }
  void on_connection_open(proton::connection& c) override {
    c.open_receiver(replies_, durable_receiver(1000));
  }
  void on_receiver_open(proton::receiver& r) override {
    // The reply queue is attached before the first request leaves.
    r.connection().open_sender(in_, durable_sender());
  }
  void on_sendable(proton::sender& s) override {
    if (next_ == 0) started_ = clock_type::now();
    while (s.credit() > 0 && next_ < bodies_.size()) {
      request_.id(ids_[next_]);
      proton::codec::encoder(request_.body()) << bodies_[next_];  // replaces the last body
      s.send(request_);
      ++next_;
    }
  }
  void on_message(proton::delivery&, proton::message&) override {
    const std::size_t n = ++replies_seen_;
    if (n == bodies_.size()) {
      std::lock_guard lock(mutex_);
      finished_ = clock_type::now();
      done_ = true;
      cv_.notify_all();
    }
  }

  // Seconds from the first send to the last reply; < 0 on timeout.
  double wait(std::chrono::seconds timeout) {
    std::unique_lock lock(mutex_);
    if (!cv_.wait_for(lock, timeout, [&] { return done_; })) return -1;
    return std::chrono::duration<double>(finished_ - started_).count();
  }
  std::size_t replies() const { return replies_seen_; }

 private:
  broker_url url_;
  std::string in_, replies_;
  std::vector<proton::message_id> ids_;
  std::vector<proton::binary> bodies_;
  proton::message request_;
  std::size_t next_ = 0;
  std::atomic<std::size_t> replies_seen_{0};
  clock_type::time_point started_, finished_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool done_ = false;
};

// The bare Proton echo: what the broker can do with one consumer that answers each request.
class echo final : public proton::messaging_handler {
 public:
  echo(broker_url u, std::string in, int credit)
      : url_(std::move(u)), in_(std::move(in)), credit_(credit) {}
  void on_container_start(proton::container& c) override {
    c.connect(url_.host_port, connection_options(url_));
  }
  void on_connection_open(proton::connection& c) override {
    c.open_receiver(in_, durable_receiver(credit_));
  }
  void on_message(proton::delivery& d, proton::message& m) override {
    proton::sender& s = sender_for(d.connection(), m.reply_to());
    proton::message r;
    r.correlation_id(m.id());
    r.subject("CONTRL");
    r.durable(true);
    r.body(proton::binary(std::string("ACK")));
    s.send(r);
    d.accept();
  }

 private:
  proton::sender& sender_for(proton::connection c, const std::string& address) {
    if (!sender_ || address != address_) {
      sender_ = c.open_sender(address, durable_sender());
      address_ = address;
    }
    return sender_;
  }
  broker_url url_;
  std::string in_;
  int credit_;
  proton::sender sender_;
  std::string address_;
};

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (auto at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
  return s;
}

struct settings {
  std::string url;
  std::size_t messages = 3000;
  int repeat = 3;
  std::string mode = "both";
  std::size_t workers = 0;  // 0: the receiver's default (amqp.workers automatic)
  std::uint32_t credit = 256;
  std::string specs = APIPNR_SOURCE_DIR "/specs";
  std::string work;
  bool sync_full = true;
  long event_thread_max_bytes = -1;  // < 0: the receiver's default
};

enum class path : std::uint8_t { bare, consumer, receiver };

const char* name_of(path p) {
  return p == path::bare ? "bare" : p == path::consumer ? "consumer" : "receiver";
}

double run_once(const settings& s, const broker_url& u, path p, int round) {
  const bool bare = p == path::bare;
  // Distinct interchanges per run (the store would answer repeats as duplicates).
  static const std::string base =
      read_file(APIPNR_SOURCE_DIR "/vectors/edifact/messages/paxlst/y_a1_one_passenger.edi");
  const std::string tag =
      std::to_string(::getpid()) + "." + std::to_string(round) + "." + name_of(p);
  std::vector<std::string> bodies;
  bodies.reserve(s.messages);
  for (std::size_t i = 0; i < s.messages; ++i) {
    const std::string ref =
        "B" + std::to_string(round) + name_of(p)[0] + std::to_string(100000 + i);
    bodies.push_back(replace_all(replace_all(base, "+1001++APIS'", "+" + ref + "++APIS'"),
                                 "UNZ+1+1001'", "UNZ+1+" + ref + "'"));
  }
  const std::string in = "/queue/bench." + tag + ".in", replies = "/queue/bench." + tag + ".out";

  std::unique_ptr<apipnr::receiver::application> app;
  std::unique_ptr<echo> echo_handler;
  std::unique_ptr<runner> echo_runner;
  std::ofstream log_out;
  std::filesystem::path db;
  std::unique_ptr<apipnr::amqp::consumer> consumer;
  if (bare) {
    echo_handler = std::make_unique<echo>(u, in, static_cast<int>(s.credit));
    echo_runner = std::make_unique<runner>(*echo_handler);
  } else if (p == path::consumer) {
    // The consumer library alone: settle-after-reply, recent set, workers, but a handler that
    // stores nothing (what the receiver adds on top is the pipeline and the store).
    apipnr::amqp::options o;
    o.url = s.url;
    o.sources = {in};
    o.dead_letter = in + ".dead";
    o.credit = s.credit;
    o.workers = s.workers != 0 ? s.workers : 2 * std::max(1U, std::thread::hardware_concurrency());
    consumer = std::make_unique<apipnr::amqp::consumer>(o, [](const apipnr::amqp::inbound&) {
      apipnr::amqp::handler_result r;
      r.status = apipnr::amqp::handler_status::stored;
      r.ack = "ACK";
      r.ack_subject = "CONTRL";
      r.verdict = "accept";
      return r;
    });
    if (consumer->start()) throw std::runtime_error("consumer did not start");
  } else {
    apipnr::receiver::config c;
    c.specs_dir = s.specs;
    db = std::filesystem::path(s.work) / ("bench-" + tag + ".db");
    c.store_path = db;
    c.store_sync_full = s.sync_full;
    c.log_level = "warn";
    c.amqp.url = s.url;
    c.amqp.paxlst = in;
    c.amqp.dead_letter = in + ".dead";
    c.amqp.credit = s.credit;
    c.amqp.workers = s.workers;
    if (s.event_thread_max_bytes >= 0) {
      c.amqp.event_thread_max_bytes = static_cast<std::size_t>(s.event_thread_max_bytes);
    }
    log_out.open(std::filesystem::path(s.work) / ("bench-" + tag + ".log"));
    app = std::make_unique<apipnr::receiver::application>(c, log_out);
  }
  // Let the consumer attach before the clock starts (both paths alike).
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  load_client client(u, in, replies, bodies, tag + ".");
  double secs = -1;
  {
    runner r(client);
    secs = client.wait(std::chrono::seconds(120));
  }
  const std::size_t got = client.replies();
  if (app) app->stop();
  app.reset();
  if (consumer) consumer->stop(std::chrono::seconds(10));
  consumer.reset();
  echo_runner.reset();
  if (!db.empty()) {
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::filesystem::remove(db.string() + suffix, ec);
    }
  }
  std::printf("%-8s run %d: %zu messages, %zu replies, %.3f s, %.0f round trips/s\n", name_of(p),
              round, s.messages, got, secs,
              secs > 0 ? static_cast<double>(s.messages) / secs : 0.0);
  std::fflush(stdout);
  return secs > 0 ? static_cast<double>(s.messages) / secs : -1;
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

int usage() {
  std::fprintf(stderr,
               "usage: apipnr-bench-amqp --url amqp://user:pass@host:port [--messages N] "
               "[--repeat R] [--mode both|all|bare|consumer|receiver] [--workers W] [--credit C] "
               "[--specs DIR] [--work DIR] [--sync-full 0|1] [--event-thread-max-bytes N]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  settings s;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) return usage();
    const std::string v = argv[++i];
    try {
      if (a == "--url") {
        s.url = v;
      } else if (a == "--messages") {
        s.messages = std::stoul(v);
      } else if (a == "--repeat") {
        s.repeat = std::stoi(v);
      } else if (a == "--mode") {
        s.mode = v;
      } else if (a == "--workers") {
        s.workers = std::stoul(v);
      } else if (a == "--credit") {
        s.credit = static_cast<std::uint32_t>(std::stoul(v));
      } else if (a == "--specs") {
        s.specs = v;
      } else if (a == "--work") {
        s.work = v;
      } else if (a == "--sync-full") {
        s.sync_full = v != "0";
      } else if (a == "--event-thread-max-bytes") {
        s.event_thread_max_bytes = std::stol(v);
      } else {
        return usage();
      }
    } catch (const std::exception&) {
      return usage();
    }
  }
  broker_url u;
  if (!parse_url(s.url, u) || s.messages == 0 || s.repeat <= 0 ||
      (s.mode != "both" && s.mode != "all" && s.mode != "bare" && s.mode != "consumer" &&
       s.mode != "receiver")) {
    return usage();
  }
  if (s.work.empty()) s.work = std::filesystem::temp_directory_path().string();
  std::vector<double> bare, cons, rcv;
  bool ok = true;
  auto measure = [&](path p, std::vector<double>& into) {
    const double r = run_once(s, u, p, static_cast<int>(into.size()));
    ok = ok && r > 0;
    if (r > 0) into.push_back(r);
  };
  try {
    for (int round = 0; round < s.repeat; ++round) {
      // Alternating, so that a noisy neighbour affects every path alike.
      if (s.mode == "both" || s.mode == "all" || s.mode == "bare") measure(path::bare, bare);
      if (s.mode == "all" || s.mode == "consumer") measure(path::consumer, cons);
      if (s.mode == "both" || s.mode == "all" || s.mode == "receiver") {
        measure(path::receiver, rcv);
      }
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "apipnr-bench-amqp: %s\n", e.what());
    return 1;
  }
  const double b = median(bare), c = median(cons), r = median(rcv);
  std::printf(
      "{\"messages\": %zu, \"repeat\": %d, \"workers\": %zu, \"credit\": %u, \"sync_full\": %s, "
      "\"event_thread_max_bytes\": %ld, "
      "\"bare_round_trips_per_s\": %.0f, \"consumer_round_trips_per_s\": %.0f, "
      "\"receiver_round_trips_per_s\": %.0f, \"ratio\": %.2f}\n",
      s.messages, s.repeat, s.workers, s.credit, s.sync_full ? "true" : "false",
      s.event_thread_max_bytes, b, c, r, b > 0 ? r / b : 0.0);
  return ok ? 0 : 1;
}
