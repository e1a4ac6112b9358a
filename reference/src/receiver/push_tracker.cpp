#include "apipnr/receiver/push_tracker.hpp"

#include <algorithm>
#include <list>
#include <map>

#if APIPNR_RECEIVER_WITH_PIPELINE
#include "apipnr/message/definitions.hpp"
#include "apipnr/pnrgov/push_history.hpp"
#include "apipnr/profile/profile.hpp"
#endif
#if APIPNR_RECEIVER_WITH_STORE
#include "apipnr/store/push_reader.hpp"
#endif

namespace apipnr::receiver {

#if APIPNR_RECEIVER_WITH_PIPELINE
namespace {

using nlohmann::json;
using reader_fn =
    std::function<boost::system::result<std::vector<std::string>>(const pnrgov::flight_key&)>;

class tracker final : public push_tracker {
 public:
  tracker(pnrgov::push_policy policy, reader_fn read, std::size_t max_flights)
      : policy_(std::move(policy)), read_(std::move(read)), max_flights_(max_flights) {}

  push_hold check(const std::vector<model::canonical_message>& messages,
                  std::vector<diagnostic>& findings) override {
    // The pushes among the messages, summarised from the canonical JSON the store keeps (and
    // reads back), so that a push is judged the same way whether it arrived now or before a
    // restart.
    std::vector<pnrgov::push_summary> pushes;
    std::vector<pnrgov::flight_key> keys;
    for (const auto& m : messages) {
      if (m.message.kind != "pnr_push") continue;
      auto s = pnrgov::summarise(model::to_json(m));
      if (!s) continue;
      keys.push_back(s->flight);
      pushes.push_back(std::move(*s));
    }
    if (keys.empty()) return {};
    std::sort(keys.begin(), keys.end());
    const bool one_per_flight = std::adjacent_find(keys.begin(), keys.end()) == keys.end();
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());

    // Lock the flights in key order (no deadlock between inputs naming several flights).
    std::vector<std::shared_ptr<flight>> flights;
    std::vector<std::unique_lock<std::mutex>> locks;
    for (const auto& k : keys) {
      auto f = acquire(k);
      locks.emplace_back(f->mutex);
      flights.push_back(std::move(f));
    }
    auto flight_of = [&](const pnrgov::flight_key& k) -> flight& {
      return *flights[static_cast<std::size_t>(std::lower_bound(keys.begin(), keys.end(), k) -
                                               keys.begin())];
    };
    // Read back what the store holds for flights not seen since start (under the flight's
    // lock: a second push of the same flight waits for it).
    for (std::size_t i = 0; i < keys.size(); ++i) {
      if (!flights[i]->loaded) load(keys[i], *flights[i]);
    }
    auto add = [&](std::vector<diagnostic> found) {
      findings.insert(findings.end(), std::make_move_iterator(found.begin()),
                      std::make_move_iterator(found.end()));
    };
    if (one_per_flight) {
      for (const auto& s : pushes) add(flight_of(s.flight).pushes.check(s, policy_));
    } else {
      // Several pushes of one flight in one input: each judged after the ones before it.
      pnrgov::push_history scratch;
      for (std::size_t i = 0; i < keys.size(); ++i) scratch.flight(keys[i]) = flights[i]->pushes;
      for (const auto& s : pushes) {
        add(scratch.flight(s.flight).check(s, policy_));
        scratch.flight(s.flight).add(s);
      }
    }
    auto record = [flights, keys, pushes = std::move(pushes)]() {
      for (const auto& s : pushes) {
        const auto at = std::lower_bound(keys.begin(), keys.end(), s.flight) - keys.begin();
        flight& f = *flights[static_cast<std::size_t>(at)];
        // A flight whose read-back failed stays unloaded: the store has this push too and the
        // next read-back includes it.
        if (f.loaded) f.pushes.add(s);
      }
    };
    return push_hold(std::move(locks), std::move(record));
  }

 private:
  struct flight {
    std::mutex mutex;
    bool loaded = false;
    pnrgov::flight_pushes pushes;
    std::list<pnrgov::flight_key>::iterator lru;
  };

  std::shared_ptr<flight> acquire(const pnrgov::flight_key& k) {
    std::lock_guard lock(map_mutex_);
    auto it = flights_.find(k);
    if (it != flights_.end()) {
      lru_.splice(lru_.begin(), lru_, it->second->lru);
      return it->second;
    }
    // Without a store to read back from, dropping a flight would lose its history. A flight
    // in use (a hold or a check owns it) stays: a copy read back while its push is still being
    // stored would miss that push.
    for (auto at = lru_.end(); read_ && flights_.size() >= max_flights_ && at != lru_.begin();) {
      --at;
      const auto f = flights_.find(*at);
      if (f->second.use_count() > 1) continue;
      flights_.erase(f);
      at = lru_.erase(at);
    }
    auto f = std::make_shared<flight>();
    lru_.push_front(k);
    f->lru = lru_.begin();
    flights_.emplace(k, f);
    return f;
  }

  void load(const pnrgov::flight_key& k, flight& f) {
    if (!read_) {
      f.loaded = true;
      return;
    }
    auto stored = read_(k);
    if (!stored) return;
    pnrgov::push_history h;
    for (const auto& text : *stored) {
      auto j = json::parse(text, nullptr, false);
      if (!j.is_discarded()) h.record(j);
    }
    f.pushes = h.flight(k);
    f.loaded = true;
  }

  pnrgov::push_policy policy_;
  reader_fn read_;
  std::size_t max_flights_;
  std::mutex map_mutex_;
  std::map<pnrgov::flight_key, std::shared_ptr<flight>> flights_;
  std::list<pnrgov::flight_key> lru_;
};

bool is_profile_path(const std::string& p) {
  return p.find('/') != std::string::npos || (p.size() >= 5 && p.ends_with(".json"));
}

}  // namespace
#endif

boost::system::result<std::shared_ptr<push_tracker>> make_push_tracker(
    const push_tracker_options& opts, std::string& why) {
#if APIPNR_RECEIVER_WITH_PIPELINE
  // The pipeline loaded the same files a moment ago; loading them again here keeps the
  // checker interface free of profile internals (a few milliseconds at start-up).
  auto defs = message::load_definitions(opts.specs_dir / "messages");
  if (!defs) {
    why = "message definitions: " + defs.error().to_string();
    return boost::system::errc::make_error_code(boost::system::errc::invalid_argument);
  }
  auto prof = is_profile_path(opts.profile)
                  ? profile::load_profile(opts.profile, *defs,
                                          profile::load_options{{opts.specs_dir / "profiles"}})
                  : profile::load_named_profile(opts.profile, opts.specs_dir / "profiles", *defs);
  if (!prof) {
    why = "profile: " + prof.error().to_string();
    return boost::system::errc::make_error_code(boost::system::errc::invalid_argument);
  }
  pnrgov::push_policy policy;
  for (const auto& [req, sev] : prof->pnr_push().severity)
    policy.levels.emplace_back(req, profile::to_level(sev));
  if (const auto& w = prof->pnr_push().schedule) {
    policy.schedule =
        pnrgov::push_policy::window{w->requirement, w->earliest_hours, w->latest_hours};
  }
  reader_fn read;
  if (!opts.store_path.empty()) {
#if APIPNR_RECEIVER_WITH_STORE
    auto r = store::push_reader::open(opts.store_path);
    if (!r) {
      why = "cannot read pushes from " + opts.store_path.string() + ": " + r.error().message();
      return r.error();
    }
    std::shared_ptr<store::push_reader> reader = std::move(*r);
    read = [reader](const pnrgov::flight_key& k) {
      return reader->pushes(k.carrier, k.number, k.date);
    };
#endif
  }
  return std::shared_ptr<push_tracker>(
      std::make_shared<tracker>(std::move(policy), std::move(read), opts.max_flights));
#else
  (void)opts;
  why = "built without the pipeline library";
  return boost::system::errc::make_error_code(boost::system::errc::function_not_supported);
#endif
}

}  // namespace apipnr::receiver
