// The built-in collaborators: enough to run and test the receiver without the pipeline, the
// SQLite store or the iAPI engine.
#include <algorithm>
#include <functional>
#include <map>
#include <mutex>
#include <shared_mutex>

#include <nlohmann/json.hpp>

#include "apipnr/edifact/contrl.hpp"
#include "apipnr/edifact/interchange.hpp"
#include "apipnr/receiver/components.hpp"
#include "apipnr/responses/cusres_from_request.hpp"

namespace apipnr::receiver {

namespace {

class syntax_checker final : public checker {
 public:
  syntax_checker(edifact::parse_options opts, std::string id)
      : parser_(opts), receiver_id_(std::move(id)) {}

  pipeline::result check(std::string_view bytes) const override {
    pipeline::result r;
    r.bytes = bytes.size();
    std::size_t first = bytes.find_first_not_of(" \t\r\n");
    if (first != std::string_view::npos && bytes[first] == '<') {
      r.envelope.syntax = "xml";  // not checked without the pipeline
      return r;
    }
    edifact::interchange ic;
    diagnostic_list sink;
    (void)parser_.parse(bytes, ic, sink);
    r.envelope.syntax = ic.sender.empty() && sink.has_errors() ? "unknown" : "edifact";
    r.envelope.sender = std::string(ic.sender);
    r.envelope.recipient = std::string(ic.recipient);
    r.envelope.control_reference = std::string(ic.control_reference);
    r.envelope.application_reference = std::string(ic.application_reference);
    r.envelope.syntax_identifier = std::string(ic.syntax_identifier);
    r.envelope.syntax_version = ic.syntax_version;
    r.envelope.messages = ic.messages.size();
    for (const auto& m : ic.messages) {
      r.envelope.message_types.push_back(std::string(m.type) + ":" + std::string(m.version) + ":" +
                                         std::string(m.release));
    }
    r.findings = sink.items();
    for (const auto& d : r.findings) {
      r.finding_message.push_back(d.pos.segment == 0 ? -1 : ic.message_of(d.pos.segment));
    }
    r.outcome = sink.worst() >= severity::error     ? pipeline::verdict::reject
                : sink.worst() == severity::warning ? pipeline::verdict::accept_with_warnings
                                                    : pipeline::verdict::accept;
    edifact::contrl_options co;
    co.sender = receiver_id_;
    r.contrl = edifact::make_contrl(ic, r.findings, co);
    return r;
  }

 private:
  edifact::parser parser_;
  std::string receiver_id_;
};

class memory_store final : public message_store {
 public:
  boost::system::result<store::put_outcome> put(store::received r) override {
    std::unique_lock lock(mutex_);
    if (closed_)
      return boost::system::error_code(boost::system::errc::operation_not_permitted,
                                       boost::system::generic_category());
    const bool counts = r.outcome != store::verdict::reject && r.outcome != store::verdict::failed;
    const std::string ref_key =
        r.sender_identity + '\x1f' + r.sender + '\x1f' + r.control_reference;
    const std::size_t hash = std::hash<std::string>{}(r.raw);
    if (counts) {
      if (!r.control_reference.empty()) {
        if (auto it = by_reference_.find(ref_key); it != by_reference_.end()) {
          return store::put_outcome{it->second, true};
        }
      }
      if (auto it = by_hash_.find(hash);
          it != by_hash_.end() && records_[it->second - 1].raw == r.raw) {
        return store::put_outcome{it->second, true};
      }
    }
    const auto id = static_cast<std::int64_t>(records_.size() + 1);
    if (counts) {
      if (!r.control_reference.empty()) by_reference_.emplace(ref_key, id);
      by_hash_.emplace(hash, id);
    }
    records_.push_back(std::move(r));
    return store::put_outcome{id, false};
  }

  query_result interchange(std::int64_t id, std::string_view) override {
    std::shared_lock lock(mutex_);
    if (id < 1 || static_cast<std::size_t>(id) > records_.size())
      return {query_status::not_found, {}};
    const auto& r = records_[static_cast<std::size_t>(id - 1)];
    nlohmann::json j = {{"id", id},
                        {"sender_identity", r.sender_identity},
                        {"sender", r.sender},
                        {"control_reference", r.control_reference},
                        {"category", r.category == store::data_category::pnr ? "pnr" : "api"},
                        {"raw_size", r.raw.size()}};
    j["verdict"] = r.outcome == store::verdict::accept                 ? "accept"
                   : r.outcome == store::verdict::accept_with_warnings ? "accept_with_warnings"
                   : r.outcome == store::verdict::reject               ? "reject"
                                                                       : "failed";
    auto& f = j["findings"] = nlohmann::json::array();
    for (const auto& d : r.findings) {
      f.push_back({{"id", d.id}, {"requirement", d.requirement}, {"severity", to_string(d.level)}});
    }
    auto& m = j["messages"] = nlohmann::json::array();
    for (const auto& msg : r.messages) m.push_back(model::to_json(msg));
    return {query_status::ok, j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)};
  }

  query_result flight_travellers(std::string_view carrier, std::string_view number,
                                 std::string_view date, std::string_view) override {
    std::shared_lock lock(mutex_);
    nlohmann::json out = {{"flight", {{"carrier", carrier}, {"number", number}, {"date", date}}}};
    auto& list = out["travellers"] = nlohmann::json::array();
    for (std::size_t i = 0; i < records_.size(); ++i) {
      for (std::size_t k = 0; k < records_[i].messages.size(); ++k) {
        const auto& msg = records_[i].messages[k];
        if (!msg.flight_info || msg.flight_info->carrier.value_or("") != carrier ||
            msg.flight_info->number.value_or("") != number || msg.flight_info->legs.empty()) {
          continue;
        }
        const auto dep = msg.flight_info->legs.front().departure.scheduled.value_or("");
        if (!dep.starts_with(date)) continue;
        const auto j = model::to_json(msg);
        if (!j.contains("travellers")) continue;
        for (const auto& t : j["travellers"]) {
          list.push_back({{"interchange_id", i + 1}, {"message_index", k}, {"traveller", t}});
        }
      }
    }
    return {query_status::ok, out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)};
  }

  query_result pnr(std::string_view locator, std::string_view) override {
    std::shared_lock lock(mutex_);
    nlohmann::json out = {{"locator", locator}};
    auto& list = out["pnrs"] = nlohmann::json::array();
    for (std::size_t i = 0; i < records_.size(); ++i) {
      for (const auto& msg : records_[i].messages) {
        for (std::size_t p = 0; p < msg.pnrs.size(); ++p) {
          const auto& rl = msg.pnrs[p].record_locators;
          if (std::none_of(rl.begin(), rl.end(),
                           [&](const auto& l) { return l.locator == locator; })) {
            continue;
          }
          list.push_back({{"interchange_id", i + 1}, {"pnr", model::to_json(msg)["pnrs"][p]}});
        }
      }
    }
    if (list.empty()) return {query_status::not_found, {}};
    return {query_status::ok, out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)};
  }

  bool is_open() const noexcept override {
    std::shared_lock lock(mutex_);
    return !closed_;
  }
  std::uint64_t size() const noexcept override {
    std::shared_lock lock(mutex_);
    return records_.size();
  }
  void close() noexcept override {
    std::unique_lock lock(mutex_);
    closed_ = true;
  }

  // Status changes, in memory like everything else here (lost at exit).
  boost::system::result<std::vector<std::int64_t>> iapi_requests(
      const store::flight_key& f) override {
    std::shared_lock lock(mutex_);
    std::vector<std::int64_t> ids;
    for (std::size_t i = records_.size(); i-- > 0;) {
      const auto& r = records_[i];
      if (r.outcome != store::verdict::accept && r.outcome != store::verdict::accept_with_warnings)
        continue;
      for (const auto& m : r.messages) {
        if (m.message.kind != "iapi_request" || !m.flight_info ||
            m.flight_info->carrier.value_or("") != f.carrier ||
            m.flight_info->number.value_or("") != f.number || m.flight_info->legs.empty() ||
            !m.flight_info->legs.front().departure.scheduled.value_or("").starts_with(f.date)) {
          continue;
        }
        ids.push_back(static_cast<std::int64_t>(i + 1));
        break;
      }
    }
    return ids;
  }
  boost::system::result<std::string> raw(std::int64_t id, std::string_view) override {
    std::shared_lock lock(mutex_);
    if (id < 1 || static_cast<std::size_t>(id) > records_.size())
      return boost::system::errc::make_error_code(boost::system::errc::no_such_file_or_directory);
    return records_[static_cast<std::size_t>(id - 1)].raw;
  }
  boost::system::result<std::optional<std::string>> iapi_status(const store::flight_key& f,
                                                                std::string_view abo) override {
    std::shared_lock lock(mutex_);
    for (std::size_t i = changes_.size(); i-- > 0;) {
      const auto& c = changes_[i].first;
      if (c.flight.carrier == f.carrier && c.flight.number == f.number && c.flight.date == f.date &&
          c.abo == abo)
        return std::optional<std::string>(c.directive);
    }
    return std::optional<std::string>();
  }
  boost::system::result<std::int64_t> put_status_change(store::status_change c) override {
    std::unique_lock lock(mutex_);
    if (closed_)
      return boost::system::errc::make_error_code(boost::system::errc::operation_not_permitted);
    changes_.emplace_back(std::move(c), store::delivery_record{});
    return static_cast<std::int64_t>(changes_.size());
  }
  boost::system::error_code put_delivery(std::int64_t id,
                                         const store::delivery_record& d) override {
    std::unique_lock lock(mutex_);
    if (id < 1 || static_cast<std::size_t>(id) > changes_.size())
      return boost::system::errc::make_error_code(boost::system::errc::no_such_file_or_directory);
    changes_[static_cast<std::size_t>(id - 1)].second = d;
    return {};
  }
  boost::system::result<std::vector<store::pending_delivery>> pending_deliveries(
      std::size_t limit) override {
    std::shared_lock lock(mutex_);
    std::vector<store::pending_delivery> out;
    for (std::size_t i = 0; i < changes_.size() && out.size() < limit; ++i) {
      const auto& [c, d] = changes_[i];
      if (d.state != store::delivery_state::pending) continue;
      out.push_back({static_cast<std::int64_t>(i + 1), c, d.attempts});
    }
    return out;
  }
  query_result status_changes(const store::flight_key& f, std::string_view) override {
    std::shared_lock lock(mutex_);
    nlohmann::json out = {
        {"flight", {{"carrier", f.carrier}, {"number", f.number}, {"date", f.date}}}};
    auto& list = out["status_changes"] = nlohmann::json::array();
    for (std::size_t i = 0; i < changes_.size(); ++i) {
      const auto& [c, d] = changes_[i];
      if (c.flight.carrier != f.carrier || c.flight.number != f.number || c.flight.date != f.date)
        continue;
      nlohmann::json row = {{"id", i + 1},
                            {"departure_airport", c.departure_airport},
                            {"abo", c.abo},
                            {"avf", c.avf},
                            {"request_id", c.request_id},
                            {"directive", c.directive},
                            {"previous", c.previous},
                            {"text", c.text},
                            {"control_reference", c.control_reference},
                            {"destination", c.destination},
                            {"delivery", d.state == store::delivery_state::delivered ? "delivered"
                                         : d.state == store::delivery_state::failed  ? "failed"
                                                                                     : "pending"},
                            {"attempts", d.attempts},
                            {"last_error", d.last_error},
                            {"ack_result", d.ack_result},
                            {"ack_detail", d.ack_detail},
                            {"message", c.message}};
      if (!d.acknowledgement.empty()) row["acknowledgement"] = d.acknowledgement;
      list.push_back(std::move(row));
    }
    return {query_status::ok, out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)};
  }

 private:
  mutable std::shared_mutex mutex_;
  std::vector<std::pair<store::status_change, store::delivery_record>> changes_;
  std::vector<store::received> records_;
  std::map<std::string, std::int64_t> by_reference_;
  std::multimap<std::size_t, std::int64_t> by_hash_;
  bool closed_ = false;
};

class fixed_decider final : public iapi_decider {
 public:
  fixed_decider(responses::directive d, bool ready) : d_(d), ready_(ready) {}
  boost::system::result<responses::cusres_response> answer(
      const model::canonical_message& request, const responses::envelope& env) const override {
    return responses::make_response(request, env, d_);
  }
  bool ready() const noexcept override { return ready_; }

 private:
  responses::directive d_;
  bool ready_;
};

}  // namespace

std::shared_ptr<const checker> make_syntax_checker(edifact::parse_options opts,
                                                   std::string receiver_id) {
  return std::make_shared<syntax_checker>(opts, std::move(receiver_id));
}

std::shared_ptr<message_store> make_memory_store() { return std::make_shared<memory_store>(); }

std::shared_ptr<const iapi_decider> make_fixed_decider(responses::directive d, bool ready) {
  return std::make_shared<fixed_decider>(d, ready);
}

}  // namespace apipnr::receiver
