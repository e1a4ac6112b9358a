// The simulated carrier's inbox, shared by its HTTP listener (unsolicited.cpp) and its AMQP
// consumer (unsolicited_amqp.cpp): messages in arrival order, taken by whichever waiting
// step's predicate matches first.
//
// Thread safety: every member may be called from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "apipnr/harness/unsolicited.hpp"

namespace apipnr::harness::detail {

class carrier_inbox {
 public:
  void put(unsolicited_message m) {
    {
      std::lock_guard lock(mutex_);
      messages_.push_back(std::move(m));
      ++received_;
    }
    cv_.notify_all();
  }

  // Removes and returns the oldest message whose body `match` accepts, waiting up to `within`.
  std::optional<unsolicited_message> take(const std::function<bool(const std::string&)>& match,
                                          std::chrono::milliseconds within) {
    std::unique_lock lock(mutex_);
    const auto deadline = std::chrono::steady_clock::now() + within;
    for (;;) {
      for (auto it = messages_.begin(); it != messages_.end(); ++it) {
        if (match(it->body)) {
          unsolicited_message m = std::move(*it);
          messages_.erase(it);
          return m;
        }
      }
      // A message may arrive with the timeout; the scan above runs once more for it.
      if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
      cv_.wait_until(lock, deadline);
    }
  }

  std::size_t received() const {
    std::lock_guard lock(mutex_);
    return received_;
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<unsolicited_message> messages_;
  std::size_t received_ = 0;
};

}  // namespace apipnr::harness::detail
