// The load engine over a blocking, thread-safe transport (AMQP 1.0: published ->
// acknowledgement on the reply queue). Same schedules and accounting as the HTTP engine; the
// `connections` sender threads stand in for connections (load.hpp).
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "apipnr/harness/load.hpp"
#include "recorder_internal.hpp"

namespace apipnr::harness {

namespace {
using detail::steady;
using ns = std::chrono::nanoseconds;

struct job {
  steady::time_point intended;
  std::uint32_t message = 0;
  std::uint64_t seq = 0;
};
}  // namespace

std::optional<load_result> run_transport_load(transport& t, std::string endpoint,
                                              const std::vector<load_message>& messages,
                                              const load_options& o, std::string& error) {
  if (messages.empty()) {
    error = "[apipnr.harness.600] no message to send";
    return std::nullopt;
  }
  if (o.connections == 0) {
    error = "[apipnr.harness.601] connections must be at least 1";
    return std::nullopt;
  }
  std::vector<rate_phase> phases = o.phases;
  ns planned{0};
  std::uint64_t planned_n = 0;
  if (o.model == load_model::closed) {
    phases = {rate_phase{o.duration, 0, 0, "closed"}};
    planned = o.duration;
  } else if (o.replay) {
    ns last{0};
    for (const auto& m : messages)
      if (m.at) last = std::max(last, *m.at), ++planned_n;
    planned = ns{static_cast<std::int64_t>(static_cast<double>(last.count()) / o.replay_speed)} +
              std::chrono::milliseconds(1);
    phases = {rate_phase{planned, 0, 0, "replay"}};
  } else {
    arrival_schedule sch(phases);
    planned = sch.length();
    planned_n = sch.planned();
  }

  const auto t0 = steady::now() + std::chrono::milliseconds(20);
  const auto end = t0 + planned;
  const auto hard_end = end + o.timeout + std::chrono::milliseconds(500);
  detail::recorder rec(o, t0, 1, phases);

  std::mutex mu;
  std::condition_variable cv;
  std::deque<job> queue;
  bool producing = true;
  std::atomic<std::uint64_t> seq{0};

  auto send_one = [&](const job& j, steady::time_point free_since) {
    const load_message& m = messages[j.message];
    exchange x;
    x.case_id = m.id;
    x.kind = m.kind;
    x.body = m.body;
    if (o.unique_refs && m.kind != message_kind::pnrgov_xml) {
      if (const auto r = find_interchange_refs(m.body)) {
        const std::string ref = unique_ref(o.correlation_prefix.substr(0, 3), j.seq);
        x.body = m.body.substr(0, r->unb_begin) + ref +
                 m.body.substr(r->unb_end, r->unz_begin - r->unb_end) + ref +
                 m.body.substr(r->unz_end);
      }
    }
    x.content_type = m.content_type;
    x.correlation_id = o.correlation_prefix + "/" + std::to_string(j.seq);
    const auto sent = steady::now();
    rec.sent(sent - std::max(j.intended, free_since));
    const observation obs = t.send(x);
    const auto done = steady::now();
    std::optional<load_error_kind> err;
    switch (obs.outcome) {
      case transport_outcome::completed:
        if (obs.http_status >= 500)
          err = load_error_kind::http_5xx;
        else if (obs.http_status >= 400)
          err = load_error_kind::http_4xx;
        break;
      case transport_outcome::timeout:
        err = load_error_kind::timeout;
        break;
      case transport_outcome::transport_error:
        err = load_error_kind::transport;
        break;
      case transport_outcome::endpoint_down:
        err = load_error_kind::refused;
        break;
    }
    rec.completed(j.intended - t0, done - j.intended, done - sent, obs.http_status, err);
  };

  std::vector<std::thread> senders;
  for (unsigned i = 0; i < o.connections; ++i) {
    senders.emplace_back([&] {
      std::this_thread::sleep_until(t0);
      if (o.model == load_model::closed) {
        for (auto now = steady::now(); now < end; now = steady::now()) {
          const std::uint64_t s = seq++;
          rec.due(now - t0);
          send_one(job{now, static_cast<std::uint32_t>(s % messages.size()), s}, now);
        }
        return;
      }
      for (;;) {
        std::unique_lock lock(mu);
        const auto idle_since = steady::now();
        cv.wait(lock, [&] { return !queue.empty() || !producing; });
        if (queue.empty()) return;
        job j = queue.front();
        queue.pop_front();
        lock.unlock();
        if (steady::now() >= hard_end) {
          rec.lost(j.intended - t0, load_error_kind::not_sent);
          continue;
        }
        send_one(j, idle_since);
      }
    });
  }

  std::atomic<bool> running{true};
  std::thread monitor([&] {
    while (running.load()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      rec.tick(steady::now());
    }
  });

  if (o.model == load_model::open) {
    // The producer: due requests are queued at their intended time, whatever the senders do.
    auto push = [&](ns at, std::uint32_t msg) {
      std::this_thread::sleep_until(t0 + at);
      rec.due(at);
      std::lock_guard lock(mu);
      if (queue.size() >= o.max_backlog) {
        rec.lost(at, load_error_kind::backlog);
        return;
      }
      queue.push_back(job{t0 + at, msg, seq++});
      cv.notify_one();
    };
    if (o.replay) {
      for (std::size_t i = 0; i < messages.size(); ++i)
        if (messages[i].at)
          push(ns{static_cast<std::int64_t>(static_cast<double>(messages[i].at->count()) /
                                            o.replay_speed)},
               static_cast<std::uint32_t>(i));
    } else {
      arrival_schedule sch(phases);
      std::uint64_t k = 0;
      while (auto at = sch.next()) push(*at, static_cast<std::uint32_t>(k++ % messages.size()));
    }
    {
      std::lock_guard lock(mu);
      producing = false;
    }
    cv.notify_all();
  }
  for (auto& s : senders) s.join();
  running = false;
  monitor.join();
  load_result r = rec.finish(steady::now());
  r.model = o.model;
  r.transport = "amqp";
  r.endpoint = std::move(endpoint);
  r.connections = o.connections;
  r.planned_s = static_cast<double>(planned.count()) / 1e9;
  r.planned = planned_n;
  r.offered_rate =
      o.model == load_model::open && r.planned_s > 0 ? static_cast<double>(r.due) / r.planned_s : 0;
  // Open model: answers that came after the schedule (a backlog draining) count over the time
  // they took, so a receiver that falls behind cannot show the offered rate as achieved.
  const double active =
      o.model == load_model::open ? std::max(r.planned_s, r.elapsed_s) : r.planned_s;
  r.achieved_rate = active > 0 ? static_cast<double>(r.ok) / active : 0;
  return r;
}

}  // namespace apipnr::harness
