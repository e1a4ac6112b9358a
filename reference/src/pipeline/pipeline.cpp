#include "apipnr/pipeline/pipeline.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <ctime>
#include <map>
#include <tuple>
#include <utility>

#include "apipnr/edifact/contrl.hpp"
#include "apipnr/edifact/errc.hpp"
#include "apipnr/message/definitions.hpp"
#include "apipnr/message/errc.hpp"
#include "apipnr/message/fast_structure.hpp"
#include "apipnr/message/tree.hpp"
#include "apipnr/model/charset.hpp"
#include "apipnr/paxlst/extract.hpp"
#include "apipnr/paxlst/reassembler.hpp"
#include "apipnr/pnrgov/errc.hpp"
#include "apipnr/pnrgov/extract.hpp"
#include "apipnr/pnrgov/sensitive.hpp"
#include "apipnr/profile/fast_validate.hpp"
#include "apipnr/profile/profile.hpp"
#include "apipnr/profile/validate.hpp"
#include "apipnr/xml/document.hpp"
#include "apipnr/xml/pnrgov.hpp"

namespace apipnr::pipeline {
namespace {

// Appends every finding to the result together with the message it belongs to. The pipeline
// knows which message it is working on, so tagging at report time is exact; syntax findings
// are tagged afterwards from their segment number (the interchange is not complete while the
// parser reports).
class tagging_sink final : public diagnostic_sink {
 public:
  explicit tagging_sink(result& r) noexcept : r_(r) {}
  void set_message(std::int32_t m) noexcept { message_ = m; }
  void report(diagnostic d) override {
    r_.findings.push_back(std::move(d));
    r_.finding_message.push_back(message_);
  }

 private:
  result& r_;
  std::int32_t message_ = -1;
};

// Leading UTF-8 BOM and whitespace are skipped before deciding; an XML document is the only
// input whose first significant byte is '<' (EDIFACT starts with UNA/UNB or a Type B SOH).
bool looks_like_xml(std::string_view bytes) noexcept {
  std::size_t i = 0;
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") i = 3;
  while (i < bytes.size() &&
         (bytes[i] == ' ' || bytes[i] == '\t' || bytes[i] == '\r' || bytes[i] == '\n')) {
    ++i;
  }
  return i < bytes.size() && bytes[i] == '<';
}

// The canonical model is UTF-8 text: convert every extracted value from the repertoire the UNB
// syntax identifier declares (model/charset.hpp). A byte that cannot be converted faithfully is
// replaced by U+FFFD and reported here, so no value changes without a finding (SYN-CHR-001).
// `ascii_input`: the interchange text holds no byte >= 0x80, so every extracted string is ASCII
// (extractors write only ASCII of their own) and conversion would change nothing; walking the
// whole model was 2% of a large PAXLST check.
void transcode(model::canonical_message& m, const edifact::interchange& ic, std::size_t message,
               diagnostic_sink& sink, bool ascii_input) {
  if (ascii_input) return;
  const std::size_t replaced = model::to_utf8(m, model::charset_of(ic.syntax_identifier));
  if (replaced == 0) return;
  const edifact::errc_info& i = edifact::info(edifact::errc::invalid_character);
  diagnostic d;
  d.code = make_error_code(edifact::errc::invalid_character);
  d.id = i.id;
  d.syntax_error = i.syntax_error;
  d.requirement = i.requirement;
  d.level = severity::warning;
  d.where = scope::message;
  d.pos.offset = ic.segments[ic.messages[message].unh].offset;
  d.pos.segment = ic.segments[ic.messages[message].unh].index;
  d.pos.message_segment = 1;
  d.detail = std::to_string(replaced) + " byte(s) of " + std::string(ic.syntax_identifier) +
             " text could not be converted to UTF-8; the canonical model holds U+FFFD there";
  sink.report(std::move(d));
}

// Segments of per-thread working storage check() keeps between calls (pipeline.hpp "Memory").
constexpr std::size_t kept_segments = std::size_t{1} << 20;

bool is_profile_path(std::string_view p) noexcept {
  return p.find('/') != std::string_view::npos ||
         (p.size() >= 5 && p.substr(p.size() - 5) == ".json");
}

std::int32_t owner_of_syntax_finding(const edifact::interchange& ic, const diagnostic& d) {
  if (d.where == scope::interchange || d.where == scope::group || d.pos.segment == 0) return -1;
  return ic.message_of(d.pos.segment);
}

struct contrl_stamp {
  char date[7] = {};
  char time[5] = {};
  char reference[15] = {};
};

// options::stamp_contrl: UTC now and a process-unique reference.
contrl_stamp make_contrl_stamp() {
  static std::atomic<std::uint32_t> counter{0};
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm utc{};
  gmtime_r(&t, &utc);
  contrl_stamp s;
  // Digits written by hand: every field has a fixed width (no snprintf truncation paths).
  auto digits = [](char* out, unsigned long long v, int width) {
    for (int k = width - 1; k >= 0; --k, v /= 10) out[k] = static_cast<char>('0' + v % 10);
  };
  digits(s.date, static_cast<unsigned>(utc.tm_year % 100), 2);
  digits(s.date + 2, static_cast<unsigned>(utc.tm_mon + 1), 2);
  digits(s.date + 4, static_cast<unsigned>(utc.tm_mday), 2);
  digits(s.time, static_cast<unsigned>(utc.tm_hour), 2);
  digits(s.time + 2, static_cast<unsigned>(utc.tm_min), 2);
  digits(s.reference, static_cast<unsigned long long>(t) % 10000000000ULL, 10);
  digits(s.reference + 10, counter.fetch_add(1, std::memory_order_relaxed) % 10000u, 4);
  return s;
}

bool is_contrl_finding(const diagnostic& d) noexcept {
  return d.code.category() == edifact::edifact_category() ||
         d.code.category() == message::message_category();
}

std::string message_type_of(const edifact::message_view& mv) {
  std::string t(mv.type);
  t += ':';
  t += mv.version;
  t += ':';
  t += mv.release;
  return t;
}

// Extraction findings [profile_end, end) that a profile finding in [profile_begin, profile_end)
// already judged (same requirement, same segment) take the profile's level.
void follow_profile_levels(std::vector<diagnostic>& findings, std::size_t profile_begin,
                           std::size_t profile_end) {
  for (std::size_t k = profile_end; k < findings.size(); ++k) {
    diagnostic& d = findings[k];
    if (d.requirement.empty() || d.level == severity::fatal) continue;
    for (std::size_t p = profile_begin; p < profile_end; ++p) {
      const diagnostic& rule = findings[p];
      if (rule.requirement == d.requirement && rule.pos.segment == d.pos.segment) {
        d.level = rule.level;
        break;
      }
    }
  }
}

}  // namespace

std::string_view to_string(verdict v) noexcept {
  switch (v) {
    case verdict::accept:
      return "accept";
    case verdict::accept_with_warnings:
      return "accept_with_warnings";
    case verdict::reject:
      return "reject";
  }
  return "reject";
}

verdict verdict_of(std::span<const diagnostic> findings) noexcept {
  verdict v = verdict::accept;
  for (const diagnostic& d : findings) {
    if (d.level >= severity::error) return verdict::reject;
    if (d.level == severity::warning) v = verdict::accept_with_warnings;
  }
  return v;
}

struct engine::impl {
  options opts;
  // Heap-held so that the profile's pointers into the definitions survive moves of the engine.
  message::definitions defs;
  profile::profile prof;
};

engine::engine(std::unique_ptr<impl> p) noexcept : impl_(std::move(p)) {}
engine::engine(engine&&) noexcept = default;
engine& engine::operator=(engine&&) noexcept = default;
engine::~engine() = default;

const options& engine::settings() const noexcept { return impl_->opts; }

boost::system::result<engine> engine::load(const options& opts) {
  load_error ignored;
  return load(opts, ignored);
}

boost::system::result<engine> engine::load(const options& opts, load_error& err) {
  auto p = std::make_unique<impl>();
  p->opts = opts;
  auto defs = message::load_definitions(opts.specs_dir / "messages");
  if (!defs) {
    const auto& e = defs.error();
    err = {e.code, e.file, e.pointer, e.detail, e.to_string()};
    return e.code;
  }
  p->defs = std::move(*defs);
  const std::filesystem::path profiles_dir = opts.specs_dir / "profiles";
  auto prof =
      is_profile_path(opts.profile)
          ? profile::load_profile(opts.profile, p->defs, profile::load_options{{profiles_dir}})
          : profile::load_named_profile(opts.profile, profiles_dir, p->defs);
  if (!prof) {
    const auto& e = prof.error();
    err = {e.code, e.file, e.pointer, e.detail, e.to_string()};
    return e.code;
  }
  p->prof = std::move(*prof);
  return engine(std::move(p));
}

result engine::check(std::string_view bytes) const {
  result r;
  check(bytes, r);
  return r;
}

void engine::check(std::string_view bytes, result& r) const {
  const options& o = impl_->opts;
  {
    // A new result but for the storage of its vectors: the canonical messages are reused slot
    // by slot (below); the per-message and per-finding vectors are emptied keeping their
    // capacity, so that a small input checked into a reused result does not allocate them
    // again (3 allocations of about 52 per iAPI request on the receiver's thread).
    std::vector<model::canonical_message> slots = std::move(r.messages);
    std::vector<diagnostic> findings = std::move(r.findings);
    std::vector<std::int32_t> finding_message = std::move(r.finding_message);
    std::vector<std::uint32_t> message_source = std::move(r.message_source);
    std::vector<verdict> message_outcomes = std::move(r.message_outcomes);
    std::vector<std::string> message_types = std::move(r.envelope.message_types);
    r = result{};
    r.messages = std::move(slots);
    findings.clear();
    r.findings = std::move(findings);
    finding_message.clear();
    r.finding_message = std::move(finding_message);
    message_source.clear();
    r.message_source = std::move(message_source);
    message_outcomes.clear();
    r.message_outcomes = std::move(message_outcomes);
    message_types.clear();
    r.envelope.message_types = std::move(message_types);
  }
  // r.messages[0, kept) are this input's messages; the slots after them are storage left by an
  // earlier input, dropped at the end (finish_messages).
  std::size_t kept = 0;
  auto next_slot = [&]() -> model::canonical_message& {
    if (kept == r.messages.size()) r.messages.emplace_back();
    return r.messages[kept];
  };
  auto keep = [&](std::uint32_t source) {
    ++kept;
    r.message_source.push_back(source);
  };
  auto finish_messages = [&] {
    r.messages.erase(r.messages.begin() + static_cast<std::ptrdiff_t>(kept), r.messages.end());
  };
  r.bytes = bytes.size();
  tagging_sink sink(r);

  if (looks_like_xml(bytes)) {
    r.envelope.syntax = "xml";
    r.envelope.messages = 1;
    r.envelope.message_types.emplace_back(xml::pnrgov_root);
    xml::limits lim;
    lim.max_document_bytes = o.max_xml_bytes;
    model::canonical_message m;
    // Intake findings (limits, encoding, well-formedness) concern the document as received;
    // mapping findings concern its one message.
    diagnostic_list found;
    const auto ec = xml::read_pnrgov(bytes, m, found, lim);
    for (auto& d : found.items()) {
      sink.set_message(d.where == scope::interchange ? -1 : 0);
      sink.report(d);
    }
    if (m.message.sender) r.envelope.sender = *m.message.sender;
    if (m.message.recipient) r.envelope.recipient = *m.message.recipient;
    if (m.message.interchange_reference) {
      r.envelope.control_reference = *m.message.interchange_reference;
    }
    if (!ec && o.extract) {
      if (o.filter_sensitive) {
        const auto config = pnrgov::sensitive_config::defaults();
        for (auto& p : m.pnrs) pnrgov::filter_sensitive(p, config);
      }
      next_slot() = std::move(m);
      keep(0);
    }
    finish_messages();
    r.outcome = verdict_of(r.findings);
    r.message_outcomes.push_back(r.outcome);
    return;
  }

  // --- EDIFACT -------------------------------------------------------------------------------
  const profile::profile& prof = impl_->prof;
  edifact::parse_options po;
  po.parse_mode = o.syntax_mode;
  po.limits = o.syntax_limits;
  const edifact::parser parser(po);
  // Per-thread working storage (pipeline.hpp "Memory"): parse() and parse_structure() clear
  // what they reuse but keep the capacity. Nothing in the result points into it.
  thread_local edifact::interchange tls_interchange;
  thread_local std::vector<message::message_tree> tls_trees;
  edifact::interchange& ic = tls_interchange;
  {
    // Strict mode is ISO 9735 as written: every tolerable deviation stays an error, whatever
    // the profile says. Tolerant mode is where a state's profile decides which deviations it
    // tolerates (its `syntax` table: severity and CONTRL code per kind of deviation).
    diagnostic_list syntax;
    profile::syntax_sink table(prof, syntax);
    diagnostic_sink& syntax_target =
        o.syntax_mode == edifact::mode::tolerant ? static_cast<diagnostic_sink&>(table) : syntax;
    (void)parser.parse(bytes, ic, syntax_target);
    for (const auto& d : syntax.items()) {
      sink.set_message(owner_of_syntax_finding(ic, d));
      sink.report(d);
    }
  }
  const bool has_unb = !ic.segments.empty() && ic.segments.front().tag() == "UNB";
  r.envelope.syntax = has_unb ? "edifact" : "unknown";
  r.envelope.sender = std::string(ic.sender);
  r.envelope.recipient = std::string(ic.recipient);
  r.envelope.control_reference = std::string(ic.control_reference);
  r.envelope.application_reference = std::string(ic.application_reference);
  r.envelope.syntax_identifier = std::string(ic.syntax_identifier);
  r.envelope.syntax_version = ic.syntax_version;
  r.envelope.messages = ic.messages.size();

  // Once per interchange (see transcode). The Type B heading is included although no
  // extractor reads it, so that the shortcut does not depend on that.
  const bool ascii_input =
      model::is_ascii(ic.text) && (!ic.type_b || model::is_ascii(ic.type_b->heading));

  profile::validate_options vo;
  vo.today = o.today;
  if (has_unb) {
    sink.set_message(-1);
    profile::validate_envelope(ic, prof, sink, vo);
  }

  const message::structure_options so = profile::structure_options_for(prof);
  profile::syntax_sink structure_sink(prof, sink);
  // One tree per message: earlier parts of a logical message are handed to later ones.
  std::vector<message::message_tree>& trees = tls_trees;
  // Not cleared here: parse_structure() and fast_parse_structure() reset the tree they fill,
  // and the latter overwrites the segment entries in place (a clear() would have them
  // value-initialised again: 5.8 MB for the 20k-traveller PAXLST).
  trees.resize(ic.messages.size());
  for (std::size_t i = 0; i < ic.messages.size(); ++i) {
    const edifact::message_view& mv = ic.messages[i];
    r.envelope.message_types.push_back(message_type_of(mv));
    sink.set_message(static_cast<std::int32_t>(i));
    const message::definition* def = impl_->defs.find(mv.type, mv.version, mv.release, mv.agency);
    if (def == nullptr) {
      // Reported by the registry overload (MSG-NO-DEFINITION, 0085 code 2), not crashed on.
      (void)message::parse_structure(ic, i, impl_->defs, structure_sink, trees[i], so);
      continue;
    }
    // A message the fast path cannot pass cleanly is walked again by parse_structure, which
    // decides and reports (fast_structure.hpp); so the fast path never changes a result.
    const bool walked = o.fast_structure && mv.type == "PAXLST" &&
                        message::fast_parse_structure(ic, i, *def, trees[i], so);
    if (!walked) (void)message::parse_structure(ic, i, *def, structure_sink, trees[i], so);

    std::vector<const message::message_tree*> earlier;
    if (!mv.common_access_reference.empty()) {
      for (std::size_t j = 0; j < i; ++j) {
        if (ic.messages[j].common_access_reference == mv.common_access_reference &&
            ic.messages[j].type == mv.type && trees[j].def != nullptr) {
          earlier.push_back(&trees[j]);
        }
      }
    }
    vo.earlier_parts = earlier;
    const std::size_t profile_begin = r.findings.size();
    // A message the fast path cannot pass cleanly is validated as before (fast_validate.hpp).
    const bool clean = o.fast_profile && (mv.type == "PAXLST" || mv.type == "PNRGOV") &&
                       profile::fast_validate(ic, i, trees[i], prof, vo);
    if (!clean) profile::validate(ic, i, trees[i], prof, sink, vo);
    vo.earlier_parts = {};
    const std::size_t profile_end = r.findings.size();

    if (!o.extract) continue;
    if (mv.type == "PAXLST") {
      // Straight into the result's slot: a reused result's travellers are refilled in place.
      model::canonical_message& m = next_slot();
      if (!paxlst::extract_into(trees[i], sink, m)) {
        transcode(m, ic, i, sink, ascii_input);
        keep(static_cast<std::uint32_t>(i));
      }
    } else if (mv.type == "PNRGOV") {
      pnrgov::extract_options xo;
      xo.filter_sensitive = o.filter_sensitive;
      // Through the tree's element and component index, as PAXLST (no second split).
      auto m = pnrgov::extract(trees[i], impl_->defs, sink, xo);
      if (m) {
        transcode(*m, ic, i, sink, ascii_input);
        next_slot() = std::move(*m);
        keep(static_cast<std::uint32_t>(i));
      }
    }
    // CUSRES, CONTRL, ACKRES: structure and profile only (the canonical model has no place).
    follow_profile_levels(r.findings, profile_begin, profile_end);
  }
  finish_messages();

  // Verdicts: interchange-level findings count against every message.
  verdict shared = verdict::accept;
  r.message_outcomes.assign(ic.messages.size(), verdict::accept);
  for (std::size_t k = 0; k < r.findings.size(); ++k) {
    const diagnostic& d = r.findings[k];
    const verdict v = d.level >= severity::error     ? verdict::reject
                      : d.level == severity::warning ? verdict::accept_with_warnings
                                                     : verdict::accept;
    const std::int32_t m = r.finding_message[k];
    verdict& slot = (m < 0 || static_cast<std::size_t>(m) >= r.message_outcomes.size())
                        ? shared
                        : r.message_outcomes[static_cast<std::size_t>(m)];
    slot = std::max(slot, v);
  }
  for (verdict& v : r.message_outcomes) v = std::max(v, shared);
  r.outcome = verdict_of(r.findings);

  const bool contrl_sent =
      !o.contrl_when_sent || r.outcome == verdict::reject || ic.acknowledgement_request == "1";
  if (o.contrl && contrl_sent && edifact::contrl_required(ic, true)) {
    std::vector<diagnostic> for_contrl;
    for (const diagnostic& d : r.findings) {
      if (is_contrl_finding(d)) for_contrl.push_back(d);
    }
    edifact::contrl_options co;
    if (!ic.syntax_identifier.empty()) co.syntax_identifier = ic.syntax_identifier;
    if (ic.syntax_version > 0) co.syntax_version = ic.syntax_version;
    contrl_stamp stamp;
    if (o.stamp_contrl) {
      stamp = make_contrl_stamp();
      co.date = stamp.date;
      co.time = stamp.time;
      co.control_reference = stamp.reference;
    }
    r.contrl = edifact::make_contrl(ic, for_contrl, co);
  }
  // Keep the working storage of ordinary large interchanges (the 20,000-traveller PAXLST has
  // 200,000 segments) but not of a rare huge one, so an idle worker stays small.
  if (ic.segments.capacity() > kept_segments) {
    tls_interchange = edifact::interchange{};
    tls_trees = std::vector<message::message_tree>{};
  }
}

// --- session -----------------------------------------------------------------------------------

namespace {

// Same key as paxlst::reassembler (sender, common access reference, document code).
using set_key = std::tuple<std::string, std::string, std::string>;

set_key key_of(const model::canonical_message& m) {
  return {m.message.sender.value_or(""), m.message.common_access_reference.value_or(""),
          m.message.document_code.value_or("")};
}

bool is_single(const model::canonical_message& m) noexcept {
  return m.message.parts.empty() ||
         (m.message.parts.front().number == 1u && m.message.parts.front().final_part == true);
}

}  // namespace

struct session::impl {
  paxlst::reassembler paxlst_sets;
  // PNRGOV parts go through their own reassembler (set bookkeeping, duplicates, limits); it
  // only carries travellers across parts, so the PNRs of each part are held here by part
  // number until their set completes.
  paxlst::reassembler pnrgov_sets;
  std::map<set_key, std::map<std::uint32_t, std::vector<model::pnr>>> pnrs;

  void join_pnrs(model::canonical_message& m, diagnostic_sink& sink) {
    auto it = pnrs.find(key_of(m));
    if (it == pnrs.end()) return;
    m.pnrs.clear();
    for (auto& [number, list] : it->second) {
      for (auto& p : list) m.pnrs.push_back(std::move(p));
    }
    pnrs.erase(it);
    // EQN announces the PNRs of the whole push (STANDARDS.md §3.2); a per-part count is a
    // sender error that loses nothing, hence the warning of the table.
    if (m.counts && m.counts->pnrs && *m.counts->pnrs != m.pnrs.size()) {
      const auto& inf = pnrgov::info(pnrgov::errc::eqn_count_mismatch);
      diagnostic d;
      d.code = pnrgov::make_error_code(pnrgov::errc::eqn_count_mismatch);
      d.id = inf.id;
      d.requirement = inf.requirement;
      d.level = inf.level;
      d.where = scope::message;
      d.detail = "EQN announces " + std::to_string(*m.counts->pnrs) + " PNRs, the push of " +
                 std::to_string(m.message.parts.size()) + " parts carries " +
                 std::to_string(m.pnrs.size());
      sink.report(std::move(d));
    }
  }

  void add_pnrgov(model::canonical_message m, std::size_t bytes, diagnostic_sink& sink,
                  std::vector<model::canonical_message>& out) {
    if (is_single(m)) {
      out.push_back(std::move(m));
      return;
    }
    const set_key key = key_of(m);
    const auto number = m.message.parts.front().number;
    bool stashed = false;
    if (number) {
      auto& slots = pnrs[key];
      if (!slots.contains(*number)) {
        slots.emplace(*number, std::move(m.pnrs));
        stashed = true;
      }
    }
    auto done = pnrgov_sets.add(std::move(m), bytes, sink);
    if (!done) {
      // Refused (reported by the reassembler): forget its PNRs too.
      if (stashed) {
        auto it = pnrs.find(key);
        it->second.erase(*number);
        if (it->second.empty()) pnrs.erase(it);
      }
      return;
    }
    if (*done) {
      join_pnrs(**done, sink);
      out.push_back(std::move(**done));
    }
  }
};

session::session() : impl_(std::make_unique<impl>()) {}
session::~session() = default;
session::session(session&&) noexcept = default;
session& session::operator=(session&&) noexcept = default;

namespace {

// A rejected message is not loaded, so it cannot complete a set either.
bool loads(const result& r, std::size_t k) noexcept {
  const std::size_t source = k < r.message_source.size() ? r.message_source[k] : k;
  return source >= r.message_outcomes.size() || r.message_outcomes[source] != verdict::reject;
}

}  // namespace

void session::add_one(model::canonical_message m, std::size_t bytes, diagnostic_sink& sink,
                      std::vector<model::canonical_message>& out) {
  // Parts are charged to the byte limit with the size of the input that carried them.
  if (m.message.syntax == "edifact" && m.message.type == "PNRGOV") {
    impl_->add_pnrgov(std::move(m), bytes, sink, out);
  } else if (m.message.syntax == "edifact" && m.message.type == "PAXLST") {
    auto done = impl_->paxlst_sets.add(std::move(m), bytes, sink);
    if (done && *done) out.push_back(std::move(**done));
  } else {
    out.push_back(std::move(m));
  }
}

std::vector<model::canonical_message> session::add(result& r, diagnostic_sink& sink) {
  std::vector<model::canonical_message> out;
  for (std::size_t k = 0; k < r.messages.size(); ++k) {
    if (loads(r, k)) add_one(std::move(r.messages[k]), r.bytes, sink, out);
  }
  r.messages.clear();
  r.message_source.clear();
  return out;
}

std::vector<model::canonical_message> session::add(const result& r, diagnostic_sink& sink) {
  std::vector<model::canonical_message> out;
  for (std::size_t k = 0; k < r.messages.size(); ++k) {
    if (loads(r, k)) add_one(r.messages[k], r.bytes, sink, out);
  }
  return out;
}

std::vector<model::canonical_message> session::expire(diagnostic_sink& sink) {
  std::vector<model::canonical_message> out = impl_->paxlst_sets.expire(sink);
  for (auto& m : impl_->pnrgov_sets.expire(sink)) {
    impl_->join_pnrs(m, sink);
    out.push_back(std::move(m));
  }
  return out;
}

std::vector<model::canonical_message> session::finish(diagnostic_sink& sink) {
  std::vector<model::canonical_message> out = impl_->paxlst_sets.flush(sink);
  for (auto& m : impl_->pnrgov_sets.flush(sink)) {
    impl_->join_pnrs(m, sink);
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace apipnr::pipeline
