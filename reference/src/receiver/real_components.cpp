// Adapters from the real components to the service's interfaces. Each block is compiled only
// when the receiver is built with that library (APIPNR_RECEIVER_WITH_* from CMake), so the
// receiver keeps building while a component is missing.
#include "apipnr/receiver/components.hpp"

#include <atomic>
#include <mutex>

#if APIPNR_RECEIVER_WITH_IAPI
#include "apipnr/iapi/decision_engine.hpp"
#endif

namespace apipnr::receiver {

namespace {

[[maybe_unused]] boost::system::error_code not_built() {
  return boost::system::errc::make_error_code(boost::system::errc::function_not_supported);
}

#if APIPNR_RECEIVER_WITH_PIPELINE
class pipeline_checker final : public checker {
 public:
  explicit pipeline_checker(pipeline::engine e) : engine_(std::move(e)) {}
  pipeline::result check(std::string_view bytes) const override { return engine_.check(bytes); }
  // The canonical messages are refilled in place (pipeline.hpp, engine::check into a result).
  void check_into(std::string_view bytes, pipeline::result& r) const override {
    engine_.check(bytes, r);
  }

  // One session for every intake thread and channel: the parts of a set may arrive on
  // different connections (or HTTP and AMQP). Parts are held in memory only; they are durable
  // as raw interchanges in the store, but a restart forgets open sets (docs/RECEIVER.md).
  std::vector<model::canonical_message> join(const pipeline::result& r,
                                             std::vector<diagnostic>& set_findings) const override {
    // Copies only the messages that load, each once (the result stays the caller's).
    return join_with(r, set_findings);
  }
  // The session's moving add (session::add(result&)): the messages that load are moved, not
  // copied, and r.messages / r.message_source are left empty.
  std::vector<model::canonical_message> join_taking(
      pipeline::result& r, std::vector<diagnostic>& set_findings) const override {
    return join_with(r, set_findings);
  }
  // What session::add would return for an input whose messages all load and are complete on
  // their own (a message without S010, or part 1 of 1: the reassembler's rule) is r.messages
  // itself, in order, and it leaves the session unchanged: then nothing is copied.
  std::optional<std::vector<model::canonical_message>> join_or_same(
      const pipeline::result& r, std::vector<diagnostic>& set_findings) const override {
    bool same = true;
    for (std::size_t k = 0; k < r.messages.size() && same; ++k) {
      const std::size_t source = k < r.message_source.size() ? r.message_source[k] : k;
      const bool loads = source >= r.message_outcomes.size() ||
                         r.message_outcomes[source] != pipeline::verdict::reject;
      const auto& parts = r.messages[k].message.parts;
      same = loads &&
             (parts.empty() || (parts.front().number == 1u && parts.front().final_part == true));
    }
    if (!same) return join_with(r, set_findings);
    diagnostic_list sink;
    {
      const std::lock_guard lock(mutex_);
      (void)session_.expire(sink);  // as join_with: abandoned sets are reported with this input
    }
    for (const auto& d : sink.items()) set_findings.push_back(d);
    return std::nullopt;
  }

 private:
  // R is `const result` (copying add) or `result` (moving add); everything else is shared.
  template <class R>
  std::vector<model::canonical_message> join_with(R& r,
                                                  std::vector<diagnostic>& set_findings) const {
    diagnostic_list sink;
    std::vector<model::canonical_message> done;
    {
      const std::lock_guard lock(mutex_);
      // Sets abandoned for longer than the timeout are reported and dropped: an incomplete set
      // loads nothing (vectors/README.md `set_outcome: incomplete`; RCV-MULTI-001, policy
      // reject).
      (void)session_.expire(sink);
      done = session_.add(r, sink);
    }
    for (const auto& d : sink.items()) set_findings.push_back(d);
    return done;
  }

  pipeline::engine engine_;
  mutable std::mutex mutex_;
  mutable pipeline::session session_;
};
#endif

#if APIPNR_RECEIVER_WITH_STORE
class sqlite_store final : public message_store {
 public:
  explicit sqlite_store(std::unique_ptr<store::store> s) : store_(std::move(s)) {}

  boost::system::result<store::put_outcome> put(store::received r) override {
    auto out = store_->put(std::move(r));
    if (out && !out->duplicate) size_.fetch_add(1);
    return out;
  }
  void put_async(store::received r, put_done done) override {
    auto shared = std::make_shared<put_done>(std::move(done));
    const auto ec = store_->put_async(std::move(r), counting(shared));
    // Refused before queueing (limits, closed, queue full): the callback will not run.
    if (ec) (*shared)(ec);
  }
  // The store reads the lent messages into its rows before it returns: nothing is copied.
  void put_async_lent(store::received r, std::span<const model::canonical_message> messages,
                      put_done done) override {
    auto shared = std::make_shared<put_done>(std::move(done));
    const auto ec = store_->put_async(std::move(r), messages, counting(shared));
    if (ec) (*shared)(ec);
  }
  store::put_callback counting(const std::shared_ptr<put_done>& shared) {
    return [this, shared](boost::system::result<store::put_outcome> out) {
      if (out && !out->duplicate) size_.fetch_add(1);
      (*shared)(std::move(out));
    };
  }
  query_result interchange(std::int64_t id, std::string_view actor) override {
    return map(store_->get_interchange(id, actor));
  }
  query_result flight_travellers(std::string_view carrier, std::string_view number,
                                 std::string_view date, std::string_view actor) override {
    return map(store_->flight_travellers(carrier, number, date, store::page{}, actor));
  }
  query_result pnr(std::string_view locator, std::string_view actor) override {
    return map(store_->pnr_by_locator(locator, store::page{}, actor));
  }
  bool is_open() const noexcept override { return !closed_.load(); }
  std::uint64_t size() const noexcept override { return size_.load(); }
  std::optional<store::statistics> statistics() const noexcept override { return store_->stats(); }
  void close() noexcept override {
    closed_.store(true);
    store_->close();
  }
  boost::system::result<std::vector<std::int64_t>> iapi_requests(
      const store::flight_key& f) override {
    return store_->iapi_requests(f);
  }
  boost::system::result<std::string> raw(std::int64_t id, std::string_view actor) override {
    return store_->get_raw(id, actor);
  }
  boost::system::result<std::optional<std::string>> iapi_status(const store::flight_key& f,
                                                                std::string_view abo) override {
    return store_->iapi_status(f, abo);
  }
  boost::system::result<std::int64_t> put_status_change(store::status_change c) override {
    return store_->put_status_change(std::move(c));
  }
  boost::system::error_code put_delivery(std::int64_t id,
                                         const store::delivery_record& d) override {
    return store_->put_delivery(id, d);
  }
  boost::system::result<std::vector<store::pending_delivery>> pending_deliveries(
      std::size_t limit) override {
    return store_->pending_deliveries(limit);
  }
  query_result status_changes(const store::flight_key& f, std::string_view actor) override {
    return map(store_->status_changes(f, actor));
  }

 private:
  static query_result map(boost::system::result<std::string> r) {
    if (r) return {query_status::ok, std::move(*r)};
    if (r.error() == store::errc::not_found) return {query_status::not_found, {}};
    return {query_status::failed, {}};
  }
  std::unique_ptr<store::store> store_;
  std::atomic<std::uint64_t> size_{0};
  std::atomic<bool> closed_{false};
};
#endif

#if APIPNR_RECEIVER_WITH_IAPI
class engine_decider final : public iapi_decider {
 public:
  boost::system::result<responses::cusres_response> answer(
      const model::canonical_message& request, const responses::envelope& env) const override {
    const auto decisions = engine_.decide(request);
    return iapi::to_cusres(request, decisions, env, engine_.options().agent_text);
  }
  bool ready() const noexcept override { return ready_; }
  refusal_reason refusal(const model::canonical_message& request) const override {
    const boost::system::error_code ec = engine_.refusal(request);
    if (!ec) return {};
    const iapi::errc_info& i = iapi::info(static_cast<iapi::errc>(ec.value()));
    return {ec, i.id, i.requirement, i.message};
  }

  iapi::decision_engine engine_;
  bool ready_ = false;
};
#endif

}  // namespace

built_components built_with() noexcept {
  built_components b;
  b.pipeline = APIPNR_RECEIVER_WITH_PIPELINE != 0;
  b.store = APIPNR_RECEIVER_WITH_STORE != 0;
  b.iapi = APIPNR_RECEIVER_WITH_IAPI != 0;
  return b;
}

boost::system::result<std::shared_ptr<const checker>> make_pipeline_checker(
    const pipeline::options& opts, std::string& why) {
#if APIPNR_RECEIVER_WITH_PIPELINE
  pipeline::options o = opts;
  o.contrl = true;
  // service.cpp sends a CONTRL only for a rejection or when UNB 0031 asks for one; building it
  // for every accepted input cost about 3 % of an iAPI request's instructions.
  o.contrl_when_sent = true;
  pipeline::load_error err;
  auto e = pipeline::engine::load(o, err);
  if (!e) {
    why = err.to_string().empty() ? e.error().message() : err.to_string();
    return e.error();
  }
  return std::shared_ptr<const checker>(std::make_shared<pipeline_checker>(std::move(*e)));
#else
  (void)opts;
  why = "built without the pipeline library";
  return not_built();
#endif
}

boost::system::result<std::shared_ptr<message_store>> make_sqlite_store(store::options opts,
                                                                        std::string& why) {
#if APIPNR_RECEIVER_WITH_STORE
  const std::string path = opts.path.string();
  auto s = store::store::open(std::move(opts));
  if (!s) {
    why = "cannot open store " + path + ": " + s.error().message();
    return s.error();
  }
  return std::shared_ptr<message_store>(std::make_shared<sqlite_store>(std::move(*s)));
#else
  (void)opts;
  why = "built without the store library";
  return not_built();
#endif
}

boost::system::result<std::shared_ptr<const iapi_decider>> make_iapi_engine(
    const std::filesystem::path& watchlist, const std::filesystem::path& authorisations,
    std::string& why) {
#if APIPNR_RECEIVER_WITH_IAPI
  auto d = std::make_shared<engine_decider>();
  if (!watchlist.empty() || !authorisations.empty()) {
    iapi::load_error err;
    if (auto ec = d->engine_.reload({watchlist, authorisations}, err)) {
      why = err.to_string();
      return ec;
    }
  }
  d->ready_ = true;
  return std::shared_ptr<const iapi_decider>(std::move(d));
#else
  (void)watchlist;
  (void)authorisations;
  why = "built without the iapi library";
  return not_built();
#endif
}

}  // namespace apipnr::receiver
