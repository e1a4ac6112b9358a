// Pieces of the AMQP consumer that need no broker: URL parsing, the bounded recent set, the
// reconnect back-off and the handler slots of a source. Internal to reference/src/amqp (tests
// include it).
// Thread safety: none of these types is synchronised; the consumer uses them on its event
// thread only (extra_link_credit_for_tests excepted, an atomic).
#pragma once

#include <algorithm>
#include <atomic>
#include <cassert>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <list>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace apipnr::amqp::consumer_internal {

struct broker_url {
  std::string user;
  std::string password;
  std::string host;
  std::string port;
  // "amqp://host:port": what Proton connects to (credentials go into connection options so
  // that they never appear in a log line).
  std::string address() const { return "amqp://" + host + ":" + port; }
};

// amqp://[user[:password]@]host:port; nullopt when malformed (no scheme, host or port, a
// non-numeric or out-of-range port, a path).
std::optional<broker_url> parse_url(std::string_view url);

// A bounded map that forgets the least recently inserted or touched key first.
template <class Value>
class lru_map {
 public:
  explicit lru_map(std::size_t capacity) : capacity_(std::max<std::size_t>(capacity, 1)) {}

  // nullptr when absent; a hit makes the key the most recent one.
  Value* find(const std::string& key) {
    auto it = index_.find(key);
    if (it == index_.end()) return nullptr;
    order_.splice(order_.begin(), order_, it->second);
    return &it->second->second;
  }

  void put(const std::string& key, Value v) {
    if (Value* existing = find(key)) {
      *existing = std::move(v);
      return;
    }
    order_.emplace_front(key, std::move(v));
    index_.emplace(order_.front().first, order_.begin());
    if (order_.size() > capacity_) {
      index_.erase(order_.back().first);  // before the string the index key views is freed
      order_.pop_back();
    }
  }

  void erase(const std::string& key) {
    auto it = index_.find(key);
    if (it == index_.end()) return;
    const auto entry_it = it->second;
    index_.erase(it);
    order_.erase(entry_it);
  }

  std::size_t size() const noexcept { return order_.size(); }

 private:
  using entry = std::pair<std::string, Value>;
  std::size_t capacity_;
  std::list<entry> order_;
  // Keys view the strings in `order_` (list nodes never move): one copy of each key, not two
  // (one allocation fewer per delivery on the consumer's event thread).
  std::unordered_map<std::string_view, typename std::list<entry>::iterator> index_;
};

// Exponential back-off with jitter: attempt n waits a random time in [d/2, d] with
// d = min(max, initial * 2^n), so that many consumers losing one broker do not come back in
// the same instant.
class backoff {
 public:
  backoff(std::chrono::milliseconds initial, std::chrono::milliseconds max, std::uint64_t seed)
      : initial_(std::max<std::int64_t>(initial.count(), 1)),
        max_(std::max<std::int64_t>(max.count(), initial_)),
        rng_(seed) {}

  std::chrono::milliseconds next() {
    std::int64_t d = initial_;
    for (std::uint32_t i = 0; i < attempt_ && d < max_; ++i) d *= 2;
    d = std::min(d, max_);
    if (attempt_ < 64) ++attempt_;
    std::uniform_int_distribution<std::int64_t> pick(d / 2, d);
    return std::chrono::milliseconds(pick(rng_));
  }

  void reset() noexcept { attempt_ = 0; }
  std::uint32_t attempt() const noexcept { return attempt_; }

 private:
  std::int64_t initial_;
  std::int64_t max_;
  std::uint32_t attempt_ = 0;
  std::mt19937_64 rng_;
};

// The handler slots of one source (RCV-LIM-003): at most `limit` handler calls outstanding,
// whatever the broker sends. A delivery that finds no free slot waits, unsettled, in a FIFO of
// at most `hold_cap` items until a call ends; one that finds the FIFO full is for the caller to
// release back to the broker. Link credit alone does not give this bound: RabbitMQ 3.x's AMQP
// 1.0 plugin sends more transfers than granted at times (docs/AMQP.md, "Known broker defect").
template <class Item>
class handler_slots {
 public:
  handler_slots(std::uint32_t limit, std::size_t hold_cap)
      : limit_(std::max<std::uint32_t>(limit, 1)), hold_cap_(hold_cap) {}

  bool free() const noexcept { return active_ < limit_; }
  // A call starts (the caller checked free()).
  void take() noexcept {
    assert(active_ < limit_);
    ++active_;
  }
  // A call ended (its result is recorded, or it never started after all).
  void finish() noexcept {
    assert(active_ > 0);
    if (active_ > 0) --active_;
  }
  // False when the FIFO is full: the caller releases `item` to the broker instead.
  bool hold(Item&& item) {
    if (held_.size() >= hold_cap_) return false;
    held_.push_back(std::move(item));
    return true;
  }
  // The oldest waiting item once a slot is free (the slot is not taken: the caller may find
  // the item needs no call any more, a duplicate answered meanwhile).
  std::optional<Item> next() {
    if (!free() || held_.empty()) return std::nullopt;
    Item item = std::move(held_.front());
    held_.pop_front();
    return item;
  }
  // Every waiting item (a lost connection, stop()).
  std::deque<Item> take_held() {
    std::deque<Item> out;
    out.swap(held_);
    return out;
  }

  std::uint32_t active() const noexcept { return active_; }
  std::size_t held() const noexcept { return held_.size(); }

 private:
  std::uint32_t limit_;
  std::size_t hold_cap_;
  std::uint32_t active_ = 0;
  std::deque<Item> held_;
};

// Fault injection for tests only (0 otherwise): link credit granted once, beyond
// options::credit, when a source link opens, so that the broker really sends more deliveries
// than the consumer has handler slots, as RabbitMQ 3.x does at times. The consumer's credit
// accounting (credit_back) absorbs the surplus once those deliveries settle.
inline std::atomic<std::uint32_t> extra_link_credit_for_tests{0};

}  // namespace apipnr::amqp::consumer_internal
