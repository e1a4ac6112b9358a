#pragma once

// One boost::system error category over a component's constant table of error rows.
//
// Every component (edifact, message, paxlst, pnrgov, profile, xml, iapi, store, responses, amqp)
// keeps its errors as one constexpr table: row N describes enumerator N (1-based; 0 is success),
// with at least a stable `id` and a one-line `message`. This template is the category and the
// lookup that each of them used to write by hand.
//
// Contract:
// - `rows` and `unknown` must outlive the category (they are namespace-scope constants in
//   practice); the category stores views only.
// - `row(ev)` never fails: values outside 1..rows.size() map to `unknown`.
// - Thread safety: immutable after construction; safe to share between threads.

#include <cstddef>
#include <span>
#include <string>

#include <boost/system/error_category.hpp>

namespace apipnr::common {

// How message() renders a row: "ID: text" (most components) or the text alone (components
// whose text already names the finding).
enum class errc_text { id_and_message, message_only };

template <class Info>
class table_category final : public boost::system::error_category {
 public:
  table_category(const char* name, std::span<const Info> rows, const Info& unknown,
                 errc_text text = errc_text::id_and_message) noexcept
      : name_(name), rows_(rows), unknown_(unknown), text_(text) {}

  const char* name() const noexcept override { return name_; }

  std::string message(int ev) const override {
    if (ev == 0) return "success";
    const Info& i = row(ev);
    if (text_ == errc_text::message_only) return std::string(i.message);
    return std::string(i.id) + ": " + std::string(i.message);
  }

  const Info& row(int ev) const noexcept {
    if (ev <= 0 || static_cast<std::size_t>(ev) > rows_.size()) return unknown_;
    return rows_[static_cast<std::size_t>(ev) - 1];
  }

  std::span<const Info> rows() const noexcept { return rows_; }

 private:
  const char* name_;
  std::span<const Info> rows_;
  const Info& unknown_;
  errc_text text_;
};

}  // namespace apipnr::common
