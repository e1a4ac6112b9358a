// Reads back the PNRGOV pushes the store holds for one flight, so that the receiver's push
// history (pnrgov/push_history.hpp, docs/RECEIVER.md "PNR push history") survives a restart:
// the receiver judges the next push of a flight against the pushes it stored before, whenever
// they arrived.
//
//   auto s = apipnr::store::store::open({.path = "receiver.db"});   // creates / migrates
//   auto r = apipnr::store::push_reader::open("receiver.db");
//   auto pushes = (*r)->pushes("XX", "401", "2025-03-05");          // canonical JSON texts
//
// What counts: every message of kind `pnr_push` whose flight (carrier, number, local departure
// date of the first leg, as the store's flight rows key it) matches, from an interchange that
// was accepted (with or without warnings) and is not depersonalised or deleted (a masked copy no
// longer shows the names the rules compare), in storage order (= acknowledgement order).
// Rejected pushes are not pushes of the flight (RCV-DUR-003 keeps them for inspection only).
//
// It uses its own read-only connection (WAL: it never blocks the writer) and writes no audit
// row: the receiver reads its own intake to judge a sender's next input, nothing is disclosed to
// anyone (DP-LOG-004 audits queries; the findings it leads to name no personal value).
//
// Thread safety: pushes() may be called from any thread (one connection behind a mutex).
// Errors: open_failed (no such file, not a store), read_failed.
// Lifetime: independent of the store object; open it after the store created the file.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <boost/system/result.hpp>

namespace apipnr::store {

namespace detail {
class connection;
}

class push_reader {
 public:
  static boost::system::result<std::unique_ptr<push_reader>> open(
      const std::filesystem::path& path,
      std::chrono::milliseconds busy_timeout = std::chrono::milliseconds(5000));

  // Canonical JSON of each stored push of the flight, oldest first (at most `limit`, the most
  // recent ones, so that a pathological flight cannot make a restart read without bound).
  boost::system::result<std::vector<std::string>> pushes(std::string_view carrier,
                                                         std::string_view number,
                                                         std::string_view date,
                                                         std::size_t limit = 1000);

  ~push_reader();
  push_reader(const push_reader&) = delete;
  push_reader& operator=(const push_reader&) = delete;

 private:
  explicit push_reader(std::unique_ptr<detail::connection> c) noexcept;
  std::mutex mutex_;
  std::unique_ptr<detail::connection> c_;
};

}  // namespace apipnr::store
