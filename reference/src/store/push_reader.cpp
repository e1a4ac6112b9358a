#include "apipnr/store/push_reader.hpp"

#include <algorithm>

#include "apipnr/store/errc.hpp"
#include "sqlite_internal.hpp"

namespace apipnr::store {

push_reader::push_reader(std::unique_ptr<detail::connection> c) noexcept : c_(std::move(c)) {}
push_reader::~push_reader() = default;

boost::system::result<std::unique_ptr<push_reader>> push_reader::open(
    const std::filesystem::path& path, std::chrono::milliseconds busy_timeout) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return errc::open_failed;
  auto c = detail::connection::open(path, true, static_cast<int>(busy_timeout.count()));
  if (!c) return errc::open_failed;
  // A file without the store's tables is not a store.
  auto has = c->query_text("SELECT count(*) FROM sqlite_master WHERE name = 'flights'");
  if (!has || *has != "1") return errc::open_failed;
  return std::unique_ptr<push_reader>(new push_reader(std::move(c)));
}

boost::system::result<std::vector<std::string>> push_reader::pushes(std::string_view carrier,
                                                                    std::string_view number,
                                                                    std::string_view date,
                                                                    std::size_t limit) {
  std::lock_guard lock(mutex_);
  // Indexed by flights_by_key; newest first so that LIMIT keeps the most recent pushes.
  detail::statement s = c_->prepare(
      "SELECT m.canonical FROM flights f JOIN messages m ON m.id = f.message_id "
      "JOIN interchanges i ON i.id = m.interchange_id "
      "WHERE f.carrier = ?1 AND f.number = ?2 AND f.date = ?3 AND m.kind = 'pnr_push' "
      "AND i.verdict IN ('accept', 'accept_with_warnings') AND i.state = 'received' "
      "ORDER BY m.id DESC LIMIT ?4");
  if (!s.valid()) return errc::read_failed;
  s.bind(1, carrier).bind(2, number).bind(3, date).bind(4, static_cast<std::int64_t>(limit));
  std::vector<std::string> out;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) out.emplace_back(s.text(0));
  if (rc != SQLITE_DONE) return errc::read_failed;
  std::reverse(out.begin(), out.end());
  return out;
}

}  // namespace apipnr::store
