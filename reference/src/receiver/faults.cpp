// Fault injection (faults.hpp). Every decorator changes exactly one observable behaviour and
// forwards everything else untouched, so that a harness case failing against a mutant can only
// be explained by that fault (the discrimination test compares with the unmutated receiver).
#include "faults.hpp"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <sstream>
#include <thread>

namespace apipnr::receiver {

namespace {

struct name_entry {
  fault_kind kind;
  std::string_view name;
};
constexpr name_entry names[] = {
    {fault_kind::accept_all, "accept-all"},
    {fault_kind::reject_all, "reject-all"},
    {fault_kind::wrong_contrl_code, "wrong-contrl-code"},
    {fault_kind::drop_last_passenger, "drop-last-passenger"},
    {fault_kind::truncate_names, "truncate-names"},
    {fault_kind::no_queue_ack, "no-queue-ack"},
    {fault_kind::slow_iapi, "slow-iapi"},
    {fault_kind::crash_on, "crash-on"},
    {fault_kind::stall_once, "stall-once"},
    {fault_kind::store_resends, "store-resends"},
};

// A decimal number > 0 that fits; false otherwise.
bool positive(std::string_view s, std::uint64_t& out) noexcept {
  if (s.empty()) return false;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && end == s.data() + s.size() && out > 0;
}

constexpr int default_wrong_code = 12;  // "invalid value": plausible, and no vector expects it
constexpr std::uint64_t default_name_length = 5;
constexpr std::chrono::milliseconds default_iapi_delay{10'000};

// Cuts a UTF-8 string after `n` code points (continuation bytes stay with their lead byte).
std::string cut_code_points(std::string_view s, std::uint64_t n) {
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if ((c & 0xC0) != 0x80 && seen++ == n) return std::string(s.substr(0, i));
  }
  return std::string(s);
}

int wrong_code(int code, int wrong, int alternative) noexcept {
  return code == wrong ? alternative : wrong;
}

// ------------------------------------------------------------------------------------------
// checker
// ------------------------------------------------------------------------------------------

class fault_checker final : public checker {
 public:
  fault_checker(std::shared_ptr<const checker> inner, const fault_set& f,
                std::shared_ptr<logger> log)
      : inner_(std::move(inner)), log_(std::move(log)) {
    accept_all_ = f.find(fault_kind::accept_all) != nullptr;
    reject_all_ = f.find(fault_kind::reject_all) != nullptr;
    if (const fault* w = f.find(fault_kind::wrong_contrl_code)) {
      wrong_ = static_cast<int>(w->number);
      alternative_ = wrong_ == 13 ? 12 : 13;
    }
    if (const fault* c = f.find(fault_kind::crash_on)) crash_text_ = c->text;
    if (const fault* s = f.find(fault_kind::stall_once)) {
      stall_ = s->delay;
      stall_at_ = s->number;
    }
  }

  // Multi-part sets are joined as by the receiver without faults: a mutant differs only by its
  // injected fault.
  std::vector<model::canonical_message> join(const pipeline::result& r,
                                             std::vector<diagnostic>& set_findings) const override {
    return inner_->join(r, set_findings);
  }

  pipeline::result check(std::string_view bytes) const override {
    if (!crash_text_.empty() && bytes.find(crash_text_) != std::string_view::npos) {
      // On purpose: the harness must survive a receiver that dies mid-request.
      std::fputs(
          "[apipnr.receiver.023] fault crash-on: the input contains the crash text; "
          "aborting\n",
          stderr);
      std::fflush(stderr);
      std::abort();
    }
    if (stall_.count() > 0) stall_point();
    pipeline::result r = inner_->check(bytes);
    if (accept_all_ && r.outcome == pipeline::verdict::reject) {
      // Errors are kept as warnings (still stored and visible), nothing is rejected any more,
      // and the rejecting CONTRL is withdrawn so that the answer is a plain acceptance.
      for (auto& d : r.findings) {
        if (d.level >= severity::error) d.level = severity::warning;
      }
      r.outcome = pipeline::verdict::accept;
      for (auto& v : r.message_outcomes) v = pipeline::verdict::accept;
      r.contrl.clear();
    }
    if (reject_all_ && r.outcome != pipeline::verdict::reject) {
      r.outcome = pipeline::verdict::reject;
      for (auto& v : r.message_outcomes) v = pipeline::verdict::reject;
    }
    if (wrong_ != 0) {
      for (auto& d : r.findings) {
        if (d.syntax_error != 0) d.syntax_error = wrong_code(d.syntax_error, wrong_, alternative_);
      }
      if (!r.contrl.empty()) r.contrl = rewrite_contrl_codes(r.contrl, wrong_, alternative_);
    }
    return r;
  }

 private:
  // The `stall_at_`-th input sleeps; inputs arriving meanwhile wait for it (a whole-receiver
  // pause, as a long GC or fsync stall would be), which is what a coordinated-omission test
  // needs to see.
  void stall_point() const {
    const std::uint64_t n = ++seen_;
    if (n == stall_at_) {
      {
        std::lock_guard lock(mutex_);
        stalling_ = true;
      }
      if (log_) {
        log_->log(log_level::warn, "fault_stall",
                  {{"id", "apipnr.receiver.024"}, {"phase", "begin"}, {"ms", stall_.count()}});
      }
      std::this_thread::sleep_for(stall_);
      {
        std::lock_guard lock(mutex_);
        stalling_ = false;
      }
      stalled_cv_.notify_all();
      if (log_) {
        log_->log(log_level::warn, "fault_stall",
                  {{"id", "apipnr.receiver.024"}, {"phase", "end"}});
      }
      return;
    }
    std::unique_lock lock(mutex_);
    stalled_cv_.wait(lock, [this] { return !stalling_; });
  }

  std::shared_ptr<const checker> inner_;
  std::shared_ptr<logger> log_;
  bool accept_all_ = false;
  bool reject_all_ = false;
  int wrong_ = 0;
  int alternative_ = 0;
  std::string crash_text_;
  std::chrono::milliseconds stall_{0};
  std::uint64_t stall_at_ = 1;
  mutable std::atomic<std::uint64_t> seen_{0};
  mutable std::mutex mutex_;
  mutable std::condition_variable stalled_cv_;
  mutable bool stalling_ = false;
};

// ------------------------------------------------------------------------------------------
// store
// ------------------------------------------------------------------------------------------

class fault_store final : public message_store {
 public:
  fault_store(std::shared_ptr<message_store> inner, const fault_set& f) : inner_(std::move(inner)) {
    drop_last_ = f.find(fault_kind::drop_last_passenger) != nullptr;
    if (const fault* t = f.find(fault_kind::truncate_names)) name_length_ = t->number;
    resends_ = f.find(fault_kind::store_resends) != nullptr;
  }

  boost::system::result<store::put_outcome> put(store::received r) override {
    if (resends_) {
      // Defeats RCV-DUP-001: with no control reference the store compares hashes only, and the
      // counter makes every stored body (and so its hash) new.
      r.control_reference.clear();
      r.raw += "\n" + std::to_string(++puts_);
    }
    for (auto& m : r.messages) {
      if (drop_last_ && m.message.type == "PAXLST" && !m.travellers.empty()) {
        m.travellers.pop_back();
      }
      if (name_length_ != 0) {
        for (auto& t : m.travellers) t.surname = cut_code_points(t.surname, name_length_);
        for (auto& p : m.pnrs) {
          for (auto& t : p.travellers) t.surname = cut_code_points(t.surname, name_length_);
        }
      }
    }
    return inner_->put(std::move(r));
  }
  query_result interchange(std::int64_t id, std::string_view actor) override {
    return inner_->interchange(id, actor);
  }
  query_result flight_travellers(std::string_view carrier, std::string_view number,
                                 std::string_view date, std::string_view actor) override {
    return inner_->flight_travellers(carrier, number, date, actor);
  }
  query_result pnr(std::string_view locator, std::string_view actor) override {
    return inner_->pnr(locator, actor);
  }
  bool is_open() const noexcept override { return inner_->is_open(); }
  std::uint64_t size() const noexcept override { return inner_->size(); }
  void close() noexcept override { inner_->close(); }
  // Status changes are the reference's: a mutant differs only by its injected fault.
  boost::system::result<std::vector<std::int64_t>> iapi_requests(
      const store::flight_key& f) override {
    return inner_->iapi_requests(f);
  }
  boost::system::result<std::string> raw(std::int64_t id, std::string_view actor) override {
    return inner_->raw(id, actor);
  }
  boost::system::result<std::optional<std::string>> iapi_status(const store::flight_key& f,
                                                                std::string_view abo) override {
    return inner_->iapi_status(f, abo);
  }
  boost::system::result<std::int64_t> put_status_change(store::status_change c) override {
    return inner_->put_status_change(std::move(c));
  }
  boost::system::error_code put_delivery(std::int64_t id,
                                         const store::delivery_record& d) override {
    return inner_->put_delivery(id, d);
  }
  boost::system::result<std::vector<store::pending_delivery>> pending_deliveries(
      std::size_t limit) override {
    return inner_->pending_deliveries(limit);
  }
  query_result status_changes(const store::flight_key& f, std::string_view actor) override {
    return inner_->status_changes(f, actor);
  }

 private:
  std::shared_ptr<message_store> inner_;
  bool drop_last_ = false;
  std::uint64_t name_length_ = 0;
  bool resends_ = false;
  std::atomic<std::uint64_t> puts_{0};
};

// ------------------------------------------------------------------------------------------
// iAPI
// ------------------------------------------------------------------------------------------

class slow_decider final : public iapi_decider {
 public:
  slow_decider(std::shared_ptr<const iapi_decider> inner, std::chrono::milliseconds delay)
      : inner_(std::move(inner)), delay_(delay) {}
  boost::system::result<responses::cusres_response> answer(
      const model::canonical_message& request, const responses::envelope& env) const override {
    // Blocks this worker thread, as a slow decision back-end would.
    std::this_thread::sleep_for(delay_);
    return inner_->answer(request, env);
  }
  bool ready() const noexcept override { return inner_->ready(); }
  // Not delayed: the fault slows the decision, not the check before storing.
  refusal_reason refusal(const model::canonical_message& request) const override {
    return inner_->refusal(request);
  }

 private:
  std::shared_ptr<const iapi_decider> inner_;
  std::chrono::milliseconds delay_;
};

// ------------------------------------------------------------------------------------------
// CONTRL rewriting
// ------------------------------------------------------------------------------------------

struct delimiters {
  char component = ':';
  char element = '+';
  char release = '?';
  char terminator = '\'';
};

// Position of the 0085 element after the tag, 0 when the segment carries none we rewrite.
std::size_t code_element(std::string_view tag) noexcept {
  if (tag == "UCI" || tag == "UCF") return 5;
  if (tag == "UCM") return 4;
  if (tag == "UCS") return 2;
  if (tag == "UCD") return 1;
  return 0;
}

std::string rewrite_segment(std::string_view seg, const delimiters& d, int wrong, int alternative) {
  // Leading line breaks (CONTRLs written with line_breaks) belong to no element.
  std::size_t start = 0;
  while (start < seg.size() && (seg[start] == '\r' || seg[start] == '\n')) ++start;
  // Element boundaries, honouring the release character.
  std::vector<std::size_t> element_starts{start};
  for (std::size_t i = start; i < seg.size(); ++i) {
    if (seg[i] == d.release) {
      ++i;
      continue;
    }
    if (seg[i] == d.element) element_starts.push_back(i + 1);
  }
  auto element_end = [&](std::size_t k) {
    return k + 1 < element_starts.size() ? element_starts[k + 1] - 1 : seg.size();
  };
  const std::string_view tag = seg.substr(start, element_end(0) - start);
  const std::size_t k = code_element(tag);
  if (k == 0 || k >= element_starts.size()) return std::string(seg);
  const std::size_t b = element_starts[k];
  std::size_t e = b;
  while (e < element_end(k) && seg[e] != d.component) {
    if (seg[e] == d.release) ++e;
    ++e;
  }
  e = std::min(e, element_end(k));  // a release character at the very end
  const std::string_view value = seg.substr(b, e - b);
  int code = 0;
  const auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), code);
  if (value.empty() || ec != std::errc{} || p != value.data() + value.size()) {
    return std::string(seg);
  }
  std::string out(seg.substr(0, b));
  out += std::to_string(wrong_code(code, wrong, alternative));
  out += seg.substr(e);
  return out;
}

}  // namespace

std::string_view to_string(fault_kind k) noexcept {
  for (const auto& n : names) {
    if (n.kind == k) return n.name;
  }
  return "unknown";
}

std::string fault::spec() const {
  std::string s(to_string(kind));
  switch (kind) {
    case fault_kind::wrong_contrl_code:
    case fault_kind::truncate_names:
      s += ":" + std::to_string(number);
      break;
    case fault_kind::slow_iapi:
      s += ":" + std::to_string(delay.count());
      break;
    case fault_kind::crash_on:
      s += ":" + text;
      break;
    case fault_kind::stall_once:
      s += ":" + std::to_string(delay.count());
      if (number != 1) s += "@" + std::to_string(number);
      break;
    default:
      break;
  }
  return s;
}

const fault* fault_set::find(fault_kind k) const noexcept {
  for (const auto& f : faults) {
    if (f.kind == k) return &f;
  }
  return nullptr;
}

std::string fault_set::describe() const {
  std::string out;
  for (const auto& f : faults) {
    if (!out.empty()) out += ", ";
    out += f.spec();
  }
  return out;
}

bool parse_fault(std::string_view spec, fault& out, std::string& why) {
  const auto colon = spec.find(':');
  const std::string_view name = spec.substr(0, colon);
  const bool has_arg = colon != std::string_view::npos;
  const std::string_view arg = has_arg ? spec.substr(colon + 1) : std::string_view{};
  const name_entry* entry = nullptr;
  for (const auto& n : names) {
    if (n.name == name) entry = &n;
  }
  if (entry == nullptr) {
    why = "unknown fault '" + std::string(name) +
          "' (accept-all, reject-all, wrong-contrl-code, drop-last-passenger, truncate-names, "
          "no-queue-ack, slow-iapi, crash-on, stall-once, store-resends)";
    return false;
  }
  fault f;
  f.kind = entry->kind;
  const std::string n(name);
  std::uint64_t v = 0;
  switch (f.kind) {
    case fault_kind::accept_all:
    case fault_kind::reject_all:
    case fault_kind::drop_last_passenger:
    case fault_kind::no_queue_ack:
    case fault_kind::store_resends:
      if (has_arg) {
        why = n + " takes no argument";
        return false;
      }
      break;
    case fault_kind::wrong_contrl_code:
      f.number = default_wrong_code;
      if (has_arg && (!positive(arg, v) || v > 99)) {
        why = n + ":CODE needs a 0085 code from 1 to 99";
        return false;
      }
      if (has_arg) f.number = v;
      break;
    case fault_kind::truncate_names:
      f.number = default_name_length;
      if (has_arg && !positive(arg, v)) {
        why = n + ":N needs a length > 0";
        return false;
      }
      if (has_arg) f.number = v;
      break;
    case fault_kind::slow_iapi:
      f.delay = default_iapi_delay;
      if (has_arg && (!positive(arg, v) || v > 3'600'000)) {
        why = n + ":MS needs milliseconds from 1 to 3600000";
        return false;
      }
      if (has_arg) f.delay = std::chrono::milliseconds(v);
      break;
    case fault_kind::crash_on:
      if (arg.empty()) {
        why = "crash-on:TEXT needs a non-empty TEXT";
        return false;
      }
      f.text = std::string(arg);
      break;
    case fault_kind::stall_once: {
      const auto at = arg.find('@');
      f.number = 1;
      if (!positive(arg.substr(0, at), v) || v > 3'600'000) {
        why = "stall-once:MS[@N] needs milliseconds from 1 to 3600000";
        return false;
      }
      f.delay = std::chrono::milliseconds(v);
      if (at != std::string_view::npos) {
        if (!positive(arg.substr(at + 1), v)) {
          why = "stall-once:MS@N needs an input number N > 0";
          return false;
        }
        f.number = v;
      }
      break;
    }
  }
  out = std::move(f);
  return true;
}

bool add_fault(fault_set& set, std::string_view spec, std::string& why) {
  fault f;
  if (!parse_fault(spec, f, why)) return false;
  if (set.find(f.kind) != nullptr) {
    why = "fault " + std::string(to_string(f.kind)) + " given twice";
    return false;
  }
  if ((f.kind == fault_kind::accept_all && set.find(fault_kind::reject_all)) ||
      (f.kind == fault_kind::reject_all && set.find(fault_kind::accept_all))) {
    why = "accept-all and reject-all contradict each other";
    return false;
  }
  set.faults.push_back(std::move(f));
  return true;
}

bool is_loopback_address(std::string_view a) noexcept {
  if (a == "localhost" || a == "::1" || a == "[::1]") return true;
  // 127.0.0.0/8 in dotted-quad form.
  if (!a.starts_with("127.")) return false;
  int parts = 0;
  std::size_t i = 0;
  while (i <= a.size()) {
    const auto dot = a.find('.', i);
    const std::string_view p = a.substr(i, dot == std::string_view::npos ? a.npos : dot - i);
    unsigned v = 0;
    const auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), v);
    if (p.empty() || ec != std::errc{} || end != p.data() + p.size() || v > 255) return false;
    ++parts;
    if (dot == std::string_view::npos) break;
    i = dot + 1;
  }
  return parts == 4;
}

std::shared_ptr<const checker> with_faults(std::shared_ptr<const checker> inner,
                                           const fault_set& faults, std::shared_ptr<logger> log) {
  for (auto k : {fault_kind::accept_all, fault_kind::reject_all, fault_kind::wrong_contrl_code,
                 fault_kind::crash_on, fault_kind::stall_once}) {
    if (faults.find(k) != nullptr) {
      return std::make_shared<fault_checker>(std::move(inner), faults, std::move(log));
    }
  }
  return inner;
}

std::shared_ptr<message_store> with_faults(std::shared_ptr<message_store> inner,
                                           const fault_set& faults) {
  if (faults.find(fault_kind::drop_last_passenger) || faults.find(fault_kind::truncate_names) ||
      faults.find(fault_kind::store_resends)) {
    return std::make_shared<fault_store>(std::move(inner), faults);
  }
  return inner;
}

std::shared_ptr<const iapi_decider> with_faults(std::shared_ptr<const iapi_decider> inner,
                                                const fault_set& faults) {
  if (const fault* s = faults.find(fault_kind::slow_iapi)) {
    return std::make_shared<slow_decider>(std::move(inner), s->delay);
  }
  return inner;
}

std::string rewrite_contrl_codes(std::string_view in, int wrong, int alternative) {
  delimiters d;
  std::string out;
  std::size_t pos = 0;
  if (in.starts_with("UNA") && in.size() >= 9) {
    d.component = in[3];
    d.element = in[4];
    d.release = in[6];
    d.terminator = in[8];
    out.append(in.substr(0, 9));
    pos = 9;
  }
  while (pos < in.size()) {
    std::size_t end = pos;
    while (end < in.size() && in[end] != d.terminator) {
      end += in[end] == d.release ? 2 : 1;
    }
    end = std::min(end, in.size());
    out += rewrite_segment(in.substr(pos, end - pos), d, wrong, alternative);
    if (end < in.size()) out += d.terminator;
    pos = end + 1;
  }
  return out;
}

std::string prometheus_faults(const fault_set& faults) {
  if (faults.empty()) return {};
  std::ostringstream out;
  out << "# HELP apipnr_faults_active Injected faults (a mutant receiver: never trust it).\n"
      << "# TYPE apipnr_faults_active gauge\n";
  for (const auto& f : faults.faults) {
    out << "apipnr_faults_active{fault=\"" << to_string(f.kind) << "\"} 1\n";
  }
  return out.str();
}

}  // namespace apipnr::receiver
