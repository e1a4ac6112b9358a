// apipnr-bench-service: the receiver's service (reference pipeline, SQLite store, iAPI decision
// engine, acknowledgement, log line) driven in-process, one small input after another, without
// a transport. It exists for load-independent counts on a shared machine (docs/PERFORMANCE.md,
// "Receiver CPU per small message, session 10"): under valgrind --tool=callgrind or an
// LD_PRELOAD allocation counter, a run of N inputs minus a run of M inputs gives the
// instructions and allocations per input of everything the receiver does between a request's
// bytes and its response, on every thread (the store's writer included).
//
//   apipnr-bench-service [--kind paxlst|iapi] [--channel http|amqp] [--messages N]
//                        [--log-level info|warn] [--sync-full 0|1] [--specs DIR] [--work DIR]
//
// paxlst: vectors/.../paxlst/y_a1_one_passenger.edi (POST /v1/api/paxlst, a 202 receipt);
// iapi: vectors/.../iapi/y_iapi_745_request.edi (POST /v1/api/iapi, a CUSRES). Each input
// carries its own interchange control reference, so each one is checked and stored (never a
// duplicate). --channel amqp builds the request as the AMQP intake does (via_amqp, EDIFACT
// acknowledgement asked for). Requests are sequential: each waits for its acknowledgement, so
// every group commit carries one put and the counts do not depend on timing. Exit 1 when an
// answer is not a 2xx acceptance.
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "apipnr/receiver/components.hpp"
#include "apipnr/receiver/log.hpp"
#include "apipnr/receiver/service.hpp"

namespace {

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

int usage() {
  std::fprintf(stderr,
               "usage: apipnr-bench-service [--kind paxlst|iapi] [--channel http|amqp] "
               "[--messages N] [--log-level info|warn] [--sync-full 0|1] [--specs DIR] "
               "[--work DIR]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace apipnr;
  std::string kind = "paxlst", channel = "http", log_level = "info";
  std::string specs = APIPNR_SOURCE_DIR "/specs";
  std::string work = std::filesystem::temp_directory_path().string();
  std::size_t messages = 1000;
  bool sync_full = true;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) return usage();
    const std::string v = argv[++i];
    if (a == "--kind") {
      kind = v;
    } else if (a == "--channel") {
      channel = v;
    } else if (a == "--messages") {
      messages = std::stoul(v);
    } else if (a == "--log-level") {
      log_level = v;
    } else if (a == "--sync-full") {
      sync_full = v != "0";
    } else if (a == "--specs") {
      specs = v;
    } else if (a == "--work") {
      work = v;
    } else {
      return usage();
    }
  }
  if ((kind != "paxlst" && kind != "iapi") || (channel != "http" && channel != "amqp")) {
    return usage();
  }

  std::string why;
  pipeline::options po;
  po.specs_dir = specs;
  po.contrl = true;
  po.stamp_contrl = true;  // as application.cpp
  auto chk = receiver::make_pipeline_checker(po, why);
  if (!chk) {
    std::fprintf(stderr, "pipeline: %s\n", why.c_str());
    return 1;
  }
  const std::filesystem::path db =
      std::filesystem::path(work) / ("bench-service-" + std::to_string(::getpid()) + ".db");
  store::options so;
  so.path = db;
  so.sync_full = sync_full;
  auto st = receiver::make_sqlite_store(so, why);
  if (!st) {
    std::fprintf(stderr, "store: %s\n", why.c_str());
    return 1;
  }
  auto iapi = receiver::make_iapi_engine({}, {}, why);
  if (!iapi) {
    std::fprintf(stderr, "iapi: %s\n", why.c_str());
    return 1;
  }
  std::ofstream log_out(db.string() + ".log");
  auto log = std::make_shared<receiver::logger>(log_out, receiver::parse_log_level(log_level));
  receiver::service svc(receiver::service_options{}, *chk, *st, *iapi, log);

  const bool is_iapi = kind == "iapi";
  const std::string base = read_file(
      APIPNR_SOURCE_DIR "/vectors/edifact/messages/" +
      std::string(is_iapi ? "iapi/y_iapi_745_request.edi" : "paxlst/y_a1_one_passenger.edi"));
  const std::string ref_in = is_iapi ? "400100" : "1001";
  const std::string tail = is_iapi ? "++IAPI'" : "++APIS'";
  std::vector<std::string> bodies;
  bodies.reserve(messages);
  for (std::size_t i = 0; i < messages; ++i) {
    const std::string ref = "S" + std::to_string(1000000 + i);
    bodies.push_back(replace_all(replace_all(base, "+" + ref_in + tail, "+" + ref + tail),
                                 "UNZ+1+" + ref_in + "'", "UNZ+1+" + ref + "'"));
  }

  std::mutex mutex;
  std::condition_variable cv;
  std::size_t bad = 0;
  std::string first;
  const auto t0 = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < messages; ++i) {
    auto req = std::make_shared<transport::request>();
    req->id = i + 1;
    req->method = "POST";
    req->path = is_iapi ? "/v1/api/iapi" : "/v1/api/paxlst";
    req->target = req->path;
    req->content_type = "application/edifact";
    req->body = std::move(bodies[i]);
    if (channel == "amqp") {
      // As receiver::to_request (amqp_intake.cpp).
      req->accept = "application/edifact";
      req->sender = "guest";
      req->remote = "amqp:/queue/bench.service.in";
      req->via_amqp = true;
    } else {
      req->remote = "127.0.0.1:40000";
    }
    req->received = std::chrono::steady_clock::now();
    bool done = false;
    svc.handle_async(std::move(req), [&](std::function<transport::response()> build) {
      transport::response r = build();
      std::lock_guard lock(mutex);
      if (r.status / 100 != 2) ++bad;
      if (first.empty()) first = std::to_string(r.status) + " " + r.body;
      done = true;
      cv.notify_one();
    });
    std::unique_lock lock(mutex);
    cv.wait(lock, [&] { return done; });
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  (*st)->close();
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm", ".log"}) {
    std::filesystem::remove(db.string() + suffix, ec);
  }
  std::printf("%s over %s: %zu inputs, %zu not 2xx, %.3f s\nfirst answer: %s\n", kind.c_str(),
              channel.c_str(), messages, bad, secs, first.c_str());
  return bad == 0 ? 0 : 1;
}
