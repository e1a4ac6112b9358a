// The receiver's PNR push history (docs/RECEIVER.md "PNR push history"): every PNRGOV push the
// receiver accepts is judged against the earlier pushes of its flight (pnrgov/push_history.hpp:
// PNR-GOV-PUSH-001/-002/-003, PNR-GOV-CANCEL-001, the profile's schedule window such as
// EU-PNR-PUSH-001), with the severities of the active profile's `pnr_push` section.
//
//   auto hold = tracker->check(messages, findings);   // locks the pushes' flights
//   auto put = store->put(...);                        // findings stored with the input
//   if (put && !put->duplicate && accepted) hold.commit();   // the push joins the history
//   // ~hold: the flights are released; the next push of a flight sees this one
//
// The history is a cache of the store: on the first push of a flight since start, the pushes
// the store holds for it are read back (store::push_reader), so that it survives a restart.
// Without a store file (in-memory store) it lives in memory only. At most `max_flights` flights
// are cached (least recently used dropped; they are read back when needed again).
//
// Thread safety: check() may be called from many threads; the pushes of one flight are
// serialised from check() to the end of the hold (check, store, record happen in that order),
// pushes of different flights run in parallel.
// Errors: a failing read-back is no finding: the input is checked with what is known, and the
// flight is read again on its next push.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <boost/system/result.hpp>

#include "apipnr/common/diagnostic.hpp"
#include "apipnr/model/canonical.hpp"

namespace apipnr::receiver {

// Keeps the flights of one checked input locked until it is destroyed. Move-only.
class push_hold {
 public:
  push_hold() = default;
  push_hold(std::vector<std::unique_lock<std::mutex>> locks, std::function<void()> record)
      : locks_(std::move(locks)), record_(std::move(record)) {}
  push_hold(push_hold&&) noexcept = default;
  push_hold& operator=(push_hold&&) noexcept = default;
  push_hold(const push_hold&) = delete;
  push_hold& operator=(const push_hold&) = delete;
  ~push_hold() = default;

  // Records the checked pushes in the history (once; call only for a stored, accepted input).
  void commit() {
    if (record_) std::exchange(record_, nullptr)();
  }

 private:
  std::vector<std::unique_lock<std::mutex>> locks_;
  std::function<void()> record_;
};

class push_tracker {
 public:
  virtual ~push_tracker() = default;
  // Appends the findings of the PNR pushes among `messages` (logical messages, as stored) to
  // `findings`. Other messages are ignored.
  virtual push_hold check(const std::vector<model::canonical_message>& messages,
                          std::vector<diagnostic>& findings) = 0;
};

struct push_tracker_options {
  std::filesystem::path specs_dir = "specs";
  std::string profile = "baseline";  // a name in specs/profiles or an overlay path, as the pipeline
  std::filesystem::path store_path;  // empty: history in memory only
  std::size_t max_flights = 10000;
};

// Loads the profile's `pnr_push` settings (message definitions and profile, as the pipeline
// does) and opens the store's push reader. Errors: a profile that does not load, a store file
// that cannot be read (`why` says which); function_not_supported without the pipeline library.
boost::system::result<std::shared_ptr<push_tracker>> make_push_tracker(
    const push_tracker_options& opts, std::string& why);

}  // namespace apipnr::receiver
