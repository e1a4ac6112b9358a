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
//          [--thread-cpu 0|1] [--broker-pid PID]
// --event-thread-max-bytes sets the receiver's amqp.event_thread_max_bytes (0: every check on
// a worker; unset: the receiver's default), for same-run A/B comparisons.
// --thread-cpu 1 prints, per run, the CPU of the bench process's threads by name (the kernel's
// sum_exec_runtime from /proc/self/task/*/schedstat, user and system ticks from .../stat), read
// when the last reply arrived, before anything stops: the load client, the echo or the
// consumer's event thread, workers and timer, the store's writer and checkpointer. With
// --broker-pid PID (the RabbitMQ VM) it adds the broker's user + system CPU over the same
// interval. A run of N messages minus a run of M gives the CPU per message of each thread
// without start-up and teardown (docs/PERFORMANCE.md).
// Prints one line per run and a JSON summary line (median rates and ratio) last.
// Exit status: 0 when every run answered every message (and, receiver and consumer, the first
// 64 replies were acceptances), 1 otherwise, 2 on a usage error.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
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
#include <proton/scalar.hpp>
#include <proton/sender.hpp>
#include <proton/sender_options.hpp>
#include <proton/source_options.hpp>
#include <proton/target_options.hpp>
#include <proton/tracker.hpp>
#include <proton/types.hpp>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
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

// Runs a handler on a container of its own thread (named `name`, at most 15 characters, for
// --thread-cpu); stop() ends it.
class runner {
 public:
  runner(proton::messaging_handler& h, const char* name) : container_(h) {
    container_.auto_stop(false);
    thread_ = std::thread([this, name] {
      pthread_setname_np(pthread_self(), name);
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
  void on_message(proton::delivery&, proton::message& m) override {
    const std::size_t n = ++replies_seen_;
    // The first replies of a receiver or consumer run must be acceptances: a run that measures
    // rejections measures another path (checked on a sample, so that the client's own cost per
    // reply stays that of the bare run).
    if (check_verdicts_ && n <= verdict_sample) {
      const proton::scalar v = m.properties().get("apipnr-verdict");
      const std::string verdict = v.type() == proton::STRING ? proton::get<std::string>(v) : "";
      if (verdict != "accept" && verdict != "accept_with_warnings") ++not_accepted_;
    }
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
  // Replies among the first verdict_sample whose apipnr-verdict was not an acceptance.
  std::size_t not_accepted() const { return not_accepted_; }
  void check_verdicts(bool on) { check_verdicts_ = on; }
  static constexpr std::size_t verdict_sample = 64;

 private:
  broker_url url_;
  std::string in_, replies_;
  std::vector<proton::message_id> ids_;
  std::vector<proton::binary> bodies_;
  proton::message request_;
  std::size_t next_ = 0;
  std::atomic<std::size_t> replies_seen_{0};
  bool check_verdicts_ = false;
  std::atomic<std::size_t> not_accepted_{0};
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
  bool thread_cpu = false;
  long broker_pid = 0;
};

// utime + stime (clock ticks) of /proc/PID/stat or /proc/PID/task/TID/stat; 0 when unreadable.
std::uint64_t cpu_ticks(const std::string& stat_path, std::uint64_t* user = nullptr,
                        std::uint64_t* sys = nullptr) {
  std::ifstream in(stat_path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Fields after the command name (which may hold spaces) start after the last ')': state is
  // field 3, utime 14 and stime 15.
  const auto close = text.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream rest(text.substr(close + 2));
  std::string field;
  std::uint64_t u = 0, st = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) u = std::stoull(field);
    if (i == 15) st = std::stoull(field);
  }
  if (user != nullptr) *user = u;
  if (sys != nullptr) *sys = st;
  return u + st;
}

std::uint64_t process_cpu_ticks(long pid) {
  return cpu_ticks("/proc/" + std::to_string(pid) + "/stat");
}

// The receiver's store counters (GET /metrics on its HTTP port: group commits, puts per commit,
// checkpoints and the frames they copied), printed with the thread figures. Blocking, loopback.
void print_store_metrics(std::uint16_t port, const char* path_name, int round,
                         std::size_t messages) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string text;
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) == 0) {
    const std::string req = "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    if (::write(fd, req.data(), req.size()) == static_cast<ssize_t>(req.size())) {
      char buf[8192];
      for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;)
        text.append(buf, static_cast<std::size_t>(n));
    }
  }
  ::close(fd);
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("apipnr_store_", 0) != 0 || line.find("_bucket") != std::string::npos) continue;
    std::printf("threads %s run %d messages %zu: metric %s\n", path_name, round, messages,
                line.c_str());
  }
}

// One line per thread name: threads, CPU ms (schedstat), user and system ms (stat ticks).
void print_thread_cpu(const char* path_name, int round, std::size_t messages) {
  struct sum {
    std::size_t threads = 0;
    std::uint64_t runtime_ns = 0, user = 0, sys = 0;
  };
  std::map<std::string, sum> by_name;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/proc/self/task", ec)) {
    const std::string dir = e.path().string();
    std::ifstream comm_in(dir + "/comm");
    std::string name;
    std::getline(comm_in, name);
    std::ifstream sched_in(dir + "/schedstat");
    std::uint64_t runtime = 0;
    sched_in >> runtime;
    sum& s = by_name[name];
    ++s.threads;
    s.runtime_ns += runtime;
    std::uint64_t u = 0, st = 0;
    cpu_ticks(dir + "/stat", &u, &st);
    s.user += u;
    s.sys += st;
  }
  const double tick_ms = 1000.0 / static_cast<double>(::sysconf(_SC_CLK_TCK));
  for (const auto& [name, s] : by_name) {
    std::printf(
        "threads %s run %d messages %zu: %s threads %zu cpu_ms %.1f user_ms %.0f sys_ms %.0f\n",
        path_name, round, messages, name.c_str(), s.threads,
        static_cast<double>(s.runtime_ns) / 1e6, static_cast<double>(s.user) * tick_ms,
        static_cast<double>(s.sys) * tick_ms);
  }
}

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
    // Upper case only: the syntax identifier UNOA has no lower-case letters, and a lower-case
    // reference (the path's initial, until session 12) made the receiver reject every
    // interchange (EDI-CHR-LOWERCASE), so its rate was that of the rejection path.
    const char initial = static_cast<char>(std::toupper(static_cast<unsigned char>(name_of(p)[0])));
    const std::string ref = "B" + std::to_string(round) + initial + std::to_string(100000 + i);
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
    echo_runner = std::make_unique<runner>(*echo_handler, "bench-echo");
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
  client.check_verdicts(!bare);
  double secs = -1;
  {
    const std::uint64_t broker_before = s.broker_pid > 0 ? process_cpu_ticks(s.broker_pid) : 0;
    runner r(client, "bench-client");
    secs = client.wait(std::chrono::seconds(120));
    if (s.thread_cpu) {
      // Read before anything stops, so that teardown does not count.
      print_thread_cpu(name_of(p), round, s.messages);
      if (app) print_store_metrics(app->port(), name_of(p), round, s.messages);
      if (s.broker_pid > 0) {
        const double ms = static_cast<double>(process_cpu_ticks(s.broker_pid) - broker_before) *
                          1000.0 / static_cast<double>(::sysconf(_SC_CLK_TCK));
        std::printf("threads %s run %d messages %zu: broker cpu_ms %.1f\n", name_of(p), round,
                    s.messages, ms);
      }
    }
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
  const std::size_t rejected = client.not_accepted();
  if (rejected > 0) {
    std::printf("%-8s run %d: %zu of the first %zu replies were not acceptances\n", name_of(p),
                round, rejected, std::min(s.messages, load_client::verdict_sample));
  }
  std::fflush(stdout);
  return secs > 0 && rejected == 0 ? static_cast<double>(s.messages) / secs : -1;
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
               "[--specs DIR] [--work DIR] [--sync-full 0|1] [--event-thread-max-bytes N] "
               "[--thread-cpu 0|1] [--broker-pid PID]\n");
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
      } else if (a == "--thread-cpu") {
        s.thread_cpu = v != "0";
      } else if (a == "--broker-pid") {
        s.broker_pid = std::stol(v);
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
