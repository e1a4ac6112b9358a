// The definition-driven group-structure parser (specs/messages/README.md "Matching algorithm")
// and the element layout checks.
#include <algorithm>
#include <array>
#include <string>
#include <tuple>
#include <utility>

#include "apipnr/message/tree.hpp"
#include "element_probe_internal.hpp"
#include "index_internal.hpp"

namespace apipnr::message {
namespace {

using apipnr::scope;
using apipnr::severity;
using detail::has_unreleased;

// Tags are three characters: compare them inline (string equality through memcmp was the
// group parser's largest single cost, one call per candidate node).
inline bool same_tag(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  if (a.size() == 3) return a[0] == b[0] && a[1] == b[1] && a[2] == b[2];
  return a == b;
}

// One open group (or the root) and its cursor. `pos` is the content index of the node that
// took the last segment at this level (-1 before the first); `counts` (in the shared counts
// buffer) holds how often each content node occurred in this instance.
// 64 bytes (aligned): frames.size() and indexing are then shifts, not a multiplication.
struct alignas(64) frame {
  const std::vector<node>* content = nullptr;
  std::uint32_t instance = 0;
  std::int32_t pos = -1;
  std::uint32_t counts_off = 0;
  // content->size() and this frame's index in the frame stack (0 = root), kept here so that
  // the walk reads them instead of dividing vector sizes.
  std::uint32_t size = 0;
  std::uint32_t level = 0;
  // Relaxed groups: content indices [1, zone_end) may come in any order (README "order").
  std::uint32_t zone_end = 0;
  bool relaxed = false;
  // pack_tag() of each content node's tag (node::content_tags), or nullptr: compare strings.
  const std::uint32_t* tags = nullptr;
  // The content list's transition plan (definition planned), or nullptr: scan.
  const content_plan* plan = nullptr;
  // plan->step.data() when the plan has the automaton's table, else nullptr (search()).
  const std::uint16_t* step = nullptr;
};

// Scratch space reused across calls on one thread, so that a worker parsing message after
// message allocates only when a message is deeper or wider than any before it.
struct scratch {
  std::vector<frame> frames;
  std::vector<std::uint32_t> counts;
};
thread_local scratch tls_scratch;

// Requirement IDs: the structure requirement of the message type where the catalogue has one
// (specs/requirements/paxlst.json, pnrgov.json, cusres-iapi.json, iso9735.json), else the
// table default. The most specific ID that exists wins.
std::string_view requirement_for(errc code, const definition& def, const node* n) {
  const std::string_view msg = def.message;
  const std::string_view path = n != nullptr ? std::string_view(n->path) : std::string_view{};
  const bool structural = code == errc::unknown_segment || code == errc::unexpected_segment ||
                          code == errc::missing_segment || code == errc::missing_group ||
                          code == errc::too_many_segments || code == errc::too_many_groups ||
                          code == errc::exclusive_groups || code == errc::segment_not_in_profile ||
                          code == errc::group_not_in_profile;
  if (msg == "PAXLST") {
    if (code == errc::too_many_repetitions && n != nullptr && n->tag == "COM") {
      return "API-PAXLST-COM-002";
    }
    if (!structural) return info(code).requirement;
    if (path == "BGM") return "API-PAXLST-STR-002";
    if (path == "SG2") return "API-PAXLST-STR-003";
    if (path == "SG2/SG3") return "API-PAXLST-STR-004";
    if (path == "SG4" && code == errc::too_many_groups) return "API-PAXLST-STR-006";
    if (path == "SG4/SG5" && code == errc::too_many_groups) return "API-PAXLST-STR-008";
    if (code == errc::segment_not_in_profile || code == errc::group_not_in_profile) {
      return "API-PAXLST-STR-011";
    }
    if (path.rfind("SG4/", 0) == 0 && code == errc::unexpected_segment) {
      return "API-PAXLST-STR-009";
    }
    return "API-PAXLST-STR-001";
  }
  if (msg == "PNRGOV") {
    if (!structural) return info(code).requirement;
    if (path == "SG1/RCI") return "PNR-GOV-RCI-002";
    if (path == "SG1/SG8" || path == "SG1/SG8/RCI") return "PNR-GOV-SPLIT-001";
    if (n != nullptr && n->depth == 0 && !n->is_group()) return "PNR-GOV-STR-001";
    if (code == errc::too_many_groups || code == errc::too_many_segments) {
      return "PNR-GOV-STR-002";
    }
    return "PNR-GOV-STR-003";
  }
  if (msg == "CUSRES") {
    if (!structural) return info(code).requirement;
    if (code == errc::too_many_groups) return "API-CUSRES-STR-003";
    return "API-CUSRES-STR-002";
  }
  if (msg == "CONTRL" && structural) return "SYN-CTL-010";
  return info(code).requirement;
}

class structure_parser {
 public:
  structure_parser(const edifact::interchange& ic, const definition& def, diagnostic_sink& sink,
                   message_tree& out, const structure_options& opt)
      : ic_(ic), d_(ic.delims), def_(def), sink_(sink), out_(out), opt_(opt) {
    build_classes();
  }

  boost::system::error_code run(const edifact::message_view& m);
  // check_elements() alone, for detail::element_probe (the fast path's cold path).
  void check_segment_elements(std::size_t i, const node& n) { check_elements(i, n); }

 private:
  // -- findings ---------------------------------------------------------------------------
  void report(errc code, std::size_t tree_index, const node* n, std::string detail,
              std::uint16_t element = 0, std::uint16_t component = 0, std::uint16_t repetition = 0,
              const severity* level = nullptr) {
    if (findings_ >= opt_.max_findings) {
      if (findings_ == opt_.max_findings) {
        ++findings_;
        emit(errc::limit_findings, tree_index, nullptr, {}, 0, 0, 0, nullptr);
      }
      return;
    }
    ++findings_;
    emit(code, tree_index, n, std::move(detail), element, component, repetition, level);
  }
  void emit(errc code, std::size_t tree_index, const node* n, std::string detail,
            std::uint16_t element, std::uint16_t component, std::uint16_t repetition,
            const severity* level) {
    const errc_info& in = info(code);
    diagnostic dg;
    dg.code = make_error_code(code);
    dg.id = in.id;
    dg.syntax_error = in.syntax_error;
    dg.requirement = requirement_for(code, def_, n);
    dg.level = level != nullptr ? *level : in.level;
    dg.where = in.where;
    if (in.where == scope::element || in.where == scope::component) {
      dg.where = component != 0 ? scope::component : scope::element;
    }
    if (tree_index < out_.segments.size()) {
      const edifact::segment& s = out_.seg(tree_index);
      dg.pos.offset = s.offset;
      dg.pos.segment = s.index;
      dg.pos.message_segment = message_tree::message_segment(tree_index);
    }
    dg.pos.element = element;
    dg.pos.component = component;
    dg.pos.repetition = repetition;
    dg.detail = std::move(detail);
    sink_.report(std::move(dg));
  }

  void report_missing(const node& n, std::size_t last_processed) {
    // SYN-CTL-001: a missing segment is reported at the last segment processed before it.
    severity level = severity::error;
    if (opt_.missing_severity) {
      if (const auto s = opt_.missing_severity(n)) level = *s;
    }
    report(n.is_group() ? errc::missing_group : errc::missing_segment, last_processed, &n,
           std::string(n.is_group() ? "group " : "segment ") + n.path + " (" + n.tag + ") missing",
           0, 0, 0, &level);
  }

  // -- cursor machinery -------------------------------------------------------------------
  // counts_ is scratch_.counts.data(), refreshed whenever the buffer grows (push_frame).
  std::uint32_t& count(const frame& f, std::size_t j) { return counts_[f.counts_off + j]; }

  void push_frame(const node* group, std::uint32_t instance) {
    frame f;
    f.content = group != nullptr ? &group->content : &def_.structure;
    f.instance = instance;
    f.size = static_cast<std::uint32_t>(f.content->size());
    f.level = static_cast<std::uint32_t>(scratch_.frames.size());
    const auto& tags = group != nullptr ? group->content_tags : def_.structure_tags;
    f.tags = tags.size() == f.content->size() ? tags.data() : nullptr;
    f.counts_off = static_cast<std::uint32_t>(scratch_.counts.size());
    scratch_.counts.resize(scratch_.counts.size() + f.content->size(), 0);
    counts_ = scratch_.counts.data();
    const content_plan* plan = group != nullptr ? &group->plan : &def_.structure_plan;
    if (def_.planned && plan->planned) {
      f.plan = plan;
      if (!plan->step.empty() && plan->gate.size() == f.size) f.step = plan->step.data();
    }
    if (group != nullptr && group->relaxed) {
      f.relaxed = true;
      if (f.plan != nullptr) {
        f.zone_end = f.plan->zone_end;
      } else {
        f.zone_end = static_cast<std::uint32_t>(f.content->size());
        for (std::size_t j = 1; j < f.content->size(); ++j) {
          if ((*f.content)[j].is_group()) {
            f.zone_end = static_cast<std::uint32_t>(j);
            break;
          }
        }
      }
    }
    scratch_.frames.push_back(f);
  }

  // Reports every mandatory node of frame f that a move from its cursor to content index
  // `to` (content size = closing) leaves unsatisfied.
  void check_skipped(frame& f, std::size_t to, std::size_t last_processed) {
    const auto& c = *f.content;
    std::size_t from = f.pos < 0 ? 0 : static_cast<std::size_t>(f.pos);
    if (f.plan != nullptr) {
      // Only nodes with min > 0 can be missing: step from one to the next.
      const std::uint16_t* next = f.plan->next_mandatory.data();
      if (f.relaxed && from < f.zone_end) {
        if (to < f.zone_end) return;  // moving inside the any-order zone
        for (std::size_t k = next[1]; k < f.zone_end; k = next[k + 1]) {
          if (count(f, k) < c[k].min) report_missing(c[k], last_processed);
        }
        from = f.zone_end;
      }
      const std::size_t end = std::min<std::size_t>(to, f.size);
      for (std::size_t k = next[std::min(from, end)]; k < end; k = next[k + 1]) {
        if (count(f, k) < c[k].min) report_missing(c[k], last_processed);
      }
      return;
    }
    if (f.relaxed && from < f.zone_end) {
      if (to < f.zone_end) return;  // moving inside the any-order zone
      for (std::size_t k = 1; k < f.zone_end; ++k) {
        if (count(f, k) < c[k].min) report_missing(c[k], last_processed);
      }
      from = f.zone_end;
    }
    for (std::size_t k = from; k < to && k < c.size(); ++k) {
      if (count(f, k) < c[k].min) report_missing(c[k], last_processed);
    }
  }

  void close_frame(std::size_t last_processed, std::uint32_t last_segment) {
    frame& f = scratch_.frames.back();
    check_skipped(f, f.size, last_processed);
    out_.instances[f.instance].last = last_segment;
    scratch_.counts.resize(f.counts_off);
    scratch_.frames.pop_back();
  }

  std::string_view qualifier_of(std::size_t i, const node& n) const noexcept {
    if (n.qualifier_element == 0) return {};
    // The first occurrence without a repetition separator: the component index has it.
    if (!d_.has_repetition) return out_.component(i, n.qualifier_element, n.qualifier_component);
    return out_.value_in_layout(i, n.def, n.qualifier_element, n.qualifier_component, 1);
  }

  bool in_definition(std::string_view tag) const noexcept {
    return std::any_of(def_.nodes.begin(), def_.nodes.end(),
                       [&](const node* n) { return !n->is_group() && n->tag == tag; });
  }

  // False to go on; true when parsing must stop, with the reason in stop_ (a bool, not an
  // error_code, on the per-segment return path). `packed` and `tag_id`: the segment's tag
  // (packed) and its id in the definition's plans.
  bool accept(std::size_t i, std::uint32_t packed, std::uint16_t tag_id);
  // accept()'s findings, out of line: building their text inline made accept() save and
  // restore more registers on every segment.
  [[gnu::cold, gnu::noinline]] void report_over_max(std::size_t i, const node& nd,
                                                    std::uint32_t cnt) {
    report(nd.is_group() ? errc::too_many_groups : errc::too_many_segments, i, &nd,
           nd.path + " occurs " + std::to_string(cnt) + " times, max " + std::to_string(nd.max));
  }
  [[gnu::cold, gnu::noinline]] void report_not_in_profile(std::size_t i, const node& nd) {
    report(errc::segment_not_in_profile, i, &nd, nd.path + " is not used by the profile", 0, 0, 0,
           &opt_.not_in_profile);
  }
  bool pick(std::size_t i, std::uint16_t tag_id, std::size_t& level, std::size_t& j);
  [[gnu::noinline]] bool search(std::size_t i, std::uint32_t packed, std::uint16_t tag_id,
                                std::size_t& best_level, std::size_t& best_j, bool& over_max);
  boost::system::error_code open_group(std::size_t i, std::size_t level, std::size_t j);
  void check_exclusive(std::size_t i, const node& g);
  void check_elements(std::size_t i, const node& n);
  // Inlined at both call sites: called for every segment, its call and register saves were
  // a tenth of its cost.
  [[gnu::always_inline]] inline bool clean(std::size_t i, const node& n) const noexcept;
  void check_occurrence(std::size_t i, const node& n, const field_def& f, std::string_view occ,
                        std::uint16_t p, std::uint16_t rep);
  void check_indexed(std::size_t i, const node& n, const field_def& f, std::uint16_t p);
  void check_planned(std::size_t i, const node& n, const segment_def& layout);
  void report_undefined(std::size_t i, const node& n, const segment_def& layout, std::uint16_t p);

  // True when element p of segment i (whole, indexed) cannot give any finding under the
  // field's fast plan (field_def::fast_limits): lengths within the an..N maxima, only
  // components that need no other check filled, mandatory components present. Otherwise the
  // full check (check_indexed) decides and reports. Most elements pass here, with one length
  // comparison per component instead of a check_value call each.
  bool passes(std::size_t i, const field_def& f, std::uint16_t p) const noexcept {
    const message_tree::split_view sv = out_.split(i);
    const std::uint32_t first = sv.firsts[p - 1];
    const std::uint32_t count = sv.firsts[p] - first;
    const std::uint16_t* limits = f.fast_limits.data();
    if (count > f.fast_limits.size()) return false;
    const std::uint16_t* starts = sv.starts + first;
    std::uint64_t filled = 0;
    for (std::uint32_t c = 0; c < count; ++c) {
      const std::uint32_t len = starts[c + 1] - 1u - starts[c];
      if (len > limits[c]) return false;
      if (len != 0 && c < 64) filled |= std::uint64_t{1} << c;
    }
    return (f.fast_mandatory & ~filled) == 0;
  }
  void check_value(std::size_t i, const node& n, const field_def& f, std::string_view raw,
                   std::uint16_t element, std::uint16_t component, std::uint16_t repetition);
  void report_value(std::size_t i, const node& n, const field_def& f, bool ok, std::size_t len,
                    std::uint16_t element, std::uint16_t component, std::uint16_t repetition);

  // Byte classes for check_value's type and length rules, so that a value without release
  // characters (nearly all) costs one table lookup per byte instead of a chain of comparisons.
  enum : std::uint8_t {
    c_digit = 1,     // 0-9
    c_mark = 2,      // '.', ',' or the decimal mark: allowed in n, not counted
    c_minus = 4,     // '-' (when not a decimal mark): allowed first in n, not counted
    c_cont = 8,      // UTF-8 continuation byte: not counted
    c_other = 16,    // anything else: not allowed in n
    c_release = 32,  // the release character (has_release): the slow path decides
  };
  static std::uint8_t class_of(unsigned b, char decimal, bool has_release, char release) noexcept {
    const char c = static_cast<char>(b);
    std::uint8_t k = 0;
    if (c >= '0' && c <= '9') {
      k = c_digit;
    } else if (c == '.' || c == ',' || c == decimal) {
      k = c_mark;
    } else if (c == '-') {
      k = c_minus;
    } else {
      k = c_other;
    }
    if ((b & 0xC0u) == 0x80u) k |= c_cont;
    if (has_release && c == release) k |= c_release;
    return k;
  }
  // The table for '.' and no release character is made once per process, then the two bytes
  // the delimiters can change are classed again: a parser is made per message, and the loop
  // over 256 bytes was about 5,000 instructions of each (a fifth of the structure walk of a
  // one-traveller PAXLST). Every other byte classes the same under any delimiters.
  void build_classes() noexcept {
    static const std::array<std::uint8_t, 256> base = [] {
      std::array<std::uint8_t, 256> t{};
      for (unsigned b = 0; b < 256; ++b) t[b] = class_of(b, '.', false, ' ');
      return t;
    }();
    classes_ = base;
    for (const char c : {d_.decimal, d_.release}) {
      const auto b = static_cast<unsigned char>(c);
      classes_[b] = class_of(b, d_.decimal, d_.has_release, d_.release);
    }
  }

  const edifact::interchange& ic_;
  const edifact::delimiters& d_;
  const definition& def_;
  diagnostic_sink& sink_;
  message_tree& out_;
  const structure_options& opt_;
  scratch& scratch_ = tls_scratch;
  std::uint32_t* counts_ = nullptr;
  std::uint32_t findings_ = 0;
  boost::system::error_code stop_;  // why accept() stopped the parse
  std::array<std::uint8_t, 256> classes_{};
};

boost::system::error_code structure_parser::run(const edifact::message_view& m) {
  scratch_.frames.clear();
  scratch_.counts.clear();
  const std::uint32_t n = m.unt >= m.unh ? m.unt - m.unh + 1 : 1;
  // Each segment gets its entry and its split (the element index the checks below, the
  // profile and extraction all read) just before the group parser looks at it: one pass over
  // the segments, and the split is still in L1 when the element checks read it. Every return
  // below first completes the entries and the index (add_until(n)).
  out_.segments.reserve(n);
  {
    const edifact::segment& first = ic_.segments[m.unh];
    const edifact::segment& last = ic_.segments[m.unh + n - 1];
    if (last.offset >= first.offset) {
      out_.element_index.reserve(detail::index_estimate(last.offset - first.offset, n));
    }
  }
  const detail::element_indexer indexer(d_);
  const edifact::segment* segs = ic_.segments.data() + m.unh;
  out_.first_segment = segs;
  std::uint32_t added = 0;
  // Entries and splits of segments [added, k) (the main loop adds one at a time inline).
  auto add_until = [&](std::uint32_t k) {
    for (; added < k; ++added) {
      indexer.add(out_.element_index, segs[added], out_.segments.emplace_back());
    }
  };
  add_until(1);
  out_.instances.push_back(group_instance{nullptr, no_instance, 0, n - 1, 1, 0});
  if (def_.max_depth() > opt_.max_depth) {
    add_until(n);
    report(errc::limit_depth, 0, nullptr,
           "definition nests " + std::to_string(def_.max_depth()) + " levels, limit " +
               std::to_string(opt_.max_depth));
    return make_error_code(errc::limit_depth);
  }
  push_frame(nullptr, 0);
  // UNT is the last segment only when the message was closed; otherwise the envelope layer
  // already reported it and every segment is user data.
  const std::size_t end = m.closed ? n - 1 : n;
  for (std::size_t i = 1; i < end; ++i) {
    segment_entry& e = out_.segments.emplace_back();
    const edifact::segment& sg = segs[i];
    // The segment's tag as one word, and its id in the definition's plans (the automaton's
    // tables are indexed by it). 0 for a tag that is not three characters, which then takes
    // the string comparison; content_plan::none for a tag no node has.
    const std::uint32_t packed = pack_tag(sg.tag());
    const std::uint16_t tag_id =
        packed != 0 && def_.planned ? def_.tag_id(packed) : content_plan::none;
    // The split from the separators the tokenizer recorded, else from a scan of the body.
    if (sg.separators != 0) {
      indexer.add_recorded(out_.element_index, sg, e);
    } else {
      indexer.add(out_.element_index, sg, e);
    }
    added = static_cast<std::uint32_t>(i + 1);
    if (accept(i, packed, tag_id)) [[unlikely]] {
      const boost::system::error_code ec = stop_;
      add_until(n);
      return ec;
    }
  }
  add_until(n);
  while (!scratch_.frames.empty()) {
    close_frame(end - 1, static_cast<std::uint32_t>(end - 1));
  }
  out_.instances[0].last = n - 1;
  return {};
}

// The general candidate search of README "Matching algorithm": every open level, innermost
// first, collecting the best, the first open and the first full candidate. False when no
// level takes the segment (reported here, as unexpected or unknown).
bool structure_parser::search(std::size_t i, std::uint32_t packed, std::uint16_t tag_id,
                              std::size_t& best_level, std::size_t& best_j, bool& over_max) {
  const edifact::segment& s = out_.seg(i);
  auto& frames = scratch_.frames;
  // Candidates, innermost level first (README rule 1); rule 2 picks among them.
  std::size_t open_level = 0, open_j = 0, full_level = 0, full_j = 0;
  bool have_best = false, have_open = false, have_full = false;
  bool have_q = false;
  std::uint16_t q_el = 0, q_co = 0;
  std::string_view q;
  // Candidate j of level lv (its tag matches): true when it is the best one (stop). Always
  // inlined: GCC 12 stopped inlining it once the tree's accessors grew, one call per candidate.
  auto consider = [&](std::size_t lv, frame & f, std::size_t j) __attribute__((always_inline)) {
    const node& nd = (*f.content)[j];
    // Only a node with a qualifier list looks at the qualifier (admits() and the exact match
    // below); most candidates read it at the same place (1:1): read it once.
    if (nd.qualifiers.present &&
        (!have_q || nd.qualifier_element != q_el || nd.qualifier_component != q_co)) {
      q_el = nd.qualifier_element;
      q_co = nd.qualifier_component;
      q = qualifier_of(i, nd);
      have_q = true;
    }
    if (nd.qualifiers.present && !nd.qualifiers.admits(q)) return false;
    if (count(f, j) >= nd.max) {
      if (!have_full) {
        have_full = true;
        full_level = lv;
        full_j = j;
      }
      return false;
    }
    if (nd.qualifiers.present && nd.qualifiers.contains(q)) {
      have_best = true;
      best_level = lv;
      best_j = j;
      return true;
    }
    if (!have_open) {
      have_open = true;
      open_level = lv;
      open_j = j;
    }
    return false;
  };
  const bool by_table = packed != 0 && def_.planned;
  const bool qualified = tag_id != content_plan::none && def_.tag_qualified[tag_id] != 0;
  for (std::size_t lv = frames.size(); lv-- > 0 && !have_best;) {
    frame& f = frames[lv];
    const auto& c = *f.content;
    std::size_t from = f.pos < 0 ? 0 : static_cast<std::size_t>(f.pos);
    if (f.relaxed && from < f.zone_end) from = 1;
    // A group's trigger (content[0], max 1) never takes a second segment: that is a new
    // instance of the group, found one level out.
    if (lv > 0 && from == 0) from = 1;
    if (by_table && f.plan != nullptr) {
      if (tag_id == content_plan::none) break;
      // An inner level offered a node: an outer one matters only with an exact qualifier
      // match, which needs a node of this tag with a qualifier list somewhere.
      if (have_open && !qualified) break;
      const std::uint16_t* next = f.plan->next_same_tag.data();
      for (std::size_t j = f.plan->first_by_tag[tag_id]; j != content_plan::none; j = next[j]) {
        if (j >= from && consider(lv, f, j)) break;
      }
    } else if (packed != 0 && f.tags != nullptr) {
      const std::size_t size = c.size();
      const std::uint32_t* tags = f.tags;
      for (std::size_t j = from; j < size; ++j) {
        if (tags[j] == packed && consider(lv, f, j)) break;
      }
    } else {
      const std::size_t size = c.size();
      for (std::size_t j = from; j < size; ++j) {
        if (same_tag(c[j].tag, s.tag()) && consider(lv, f, j)) break;
      }
    }
  }
  if (!have_best && have_open) {
    have_best = true;
    best_level = open_level;
    best_j = open_j;
  } else if (!have_best && have_full) {
    // Too many repeats: keep the segment where it would belong so that what follows still
    // parses in context, and say so.
    have_best = true;
    over_max = true;
    best_level = full_level;
    best_j = full_j;
  }
  if (!have_best) {
    const bool known = in_definition(s.tag());
    report(known ? errc::unexpected_segment : errc::unknown_segment, i, nullptr,
           std::string(s.tag()) +
               (known ? " not allowed here"
                      : " not in " + def_.message + " " + def_.version + ":" + def_.release));
    out_.segments[i].instance = frames.back().instance;
    return false;
  }
  return true;
}

// The compiled automaton (content_plan::step, gate), for the common case: from the innermost
// open level outwards, the first level whose table offers a node for the tag (levels whose
// table says `none` have no candidate at all, so search() considers nothing there either),
// and that node only when it takes the segment outright under README rule 2 (gate
// take_exact: its qualifier list contains the segment's qualifier; take_direct: no node of
// this tag anywhere has a qualifier list) and has room (count < max). search() picks the same
// node: no earlier candidate exists at that level or any inner one, an exact match stops its
// scan, and without qualifier lists no outer level can beat an inner candidate. Anything else
// (no level offers a node, a full one, an admitted but inexact qualifier, a level without a
// table) goes to search(), which decides and reports. One table read per level and at most
// one qualifier read, without search()'s bookkeeping of open and full candidates.
bool structure_parser::pick(std::size_t i, std::uint16_t tag_id, std::size_t& level,
                            std::size_t& j) {
  if (tag_id == content_plan::none) return false;
  const std::size_t tags = def_.tag_count;
  const frame* f = &scratch_.frames.back();
  for (;;) {
    if (f->step == nullptr) return false;
    const std::uint16_t k = f->step[static_cast<std::size_t>(f->pos + 1) * tags + tag_id];
    if (k != content_plan::none) {
      const std::uint8_t g = f->plan->gate[k];
      if (g == content_plan::search) return false;
      const node& nd = (*f->content)[k];
      if (counts_[f->counts_off + k] >= nd.max) return false;
      if (g == content_plan::take_exact && !nd.qualifiers.contains(qualifier_of(i, nd))) {
        return false;
      }
      level = f->level;
      j = k;
      return true;
    }
    if (f->level == 0) return false;  // no level offers a node: search() reports
    --f;
  }
}

bool structure_parser::accept(std::size_t i, std::uint32_t packed, std::uint16_t tag_id) {
  std::size_t best_level = 0, best_j = 0;
  bool over_max = false;
  if (!pick(i, tag_id, best_level, best_j) &&
      !search(i, packed, tag_id, best_level, best_j, over_max)) {
    return false;
  }
  auto& frames = scratch_.frames;
  while (frames.back().level > best_level) {
    close_frame(i - 1, static_cast<std::uint32_t>(i - 1));
  }
  frame& f = frames.back();
  const node& nd = (*f.content)[best_j];
  if (static_cast<std::int32_t>(best_j) != f.pos) check_skipped(f, best_j, i - 1);
  f.pos = static_cast<std::int32_t>(best_j);
  std::uint32_t& cnt = count(f, best_j);
  ++cnt;
  if (over_max) report_over_max(i, nd, cnt);
  if (nd.is_group()) {
    stop_ = open_group(i, best_level, best_j);
    return stop_.failed();
  }
  out_.segments[i].matched = &nd;
  out_.segments[i].instance = f.instance;
  if (!nd.in_profile) report_not_in_profile(i, nd);
  if (opt_.check_elements && !clean(i, nd)) check_elements(i, nd);
  return false;
}

boost::system::error_code structure_parser::open_group(std::size_t i, std::size_t level,
                                                       std::size_t j) {
  const frame& parent = scratch_.frames[level];
  const node& g = (*parent.content)[j];
  if (out_.instances.size() > opt_.max_instances) {
    report(errc::limit_instances, i, &g,
           "more than " + std::to_string(opt_.max_instances) + " group instances");
    return make_error_code(errc::limit_instances);
  }
  if (g.depth == 0) check_exclusive(i, g);
  const auto inst = static_cast<std::uint32_t>(out_.instances.size());
  const auto seg = static_cast<std::uint32_t>(i);
  out_.instances.push_back(group_instance{&g, parent.instance, seg, seg,
                                          scratch_.counts[parent.counts_off + j],
                                          static_cast<std::uint32_t>(level + 1)});
  push_frame(&g, inst);
  frame& f = scratch_.frames.back();
  f.pos = 0;
  count(f, 0) = 1;
  const node& trigger = g.content[0];
  out_.segments[i].matched = &trigger;
  out_.segments[i].instance = inst;
  if (!g.in_profile) {
    report(errc::group_not_in_profile, i, &g, g.path + " is not used by the profile", 0, 0, 0,
           &opt_.not_in_profile);
  } else if (!trigger.in_profile) {
    report(errc::segment_not_in_profile, i, &trigger, trigger.path + " is not used by the profile",
           0, 0, 0, &opt_.not_in_profile);
  }
  if (opt_.check_elements && !clean(i, trigger)) check_elements(i, trigger);
  return {};
}

void structure_parser::check_exclusive(std::size_t i, const node& g) {
  const frame& root = scratch_.frames.front();
  for (const auto& c : def_.exclusive) {
    if (std::find(c.groups.begin(), c.groups.end(), g.group) == c.groups.end()) continue;
    for (std::size_t j = 0; j < def_.structure.size(); ++j) {
      const node& other = def_.structure[j];
      if (&other == &g || !other.is_group()) continue;
      if (std::find(c.groups.begin(), c.groups.end(), other.group) == c.groups.end()) continue;
      // Report once, at the first instance of the second group.
      if (scratch_.counts[root.counts_off + j] > 0 &&
          scratch_.counts[root.counts_off + static_cast<std::size_t>(&g - &def_.structure[0])] ==
              1) {
        report(errc::exclusive_groups, i, &g,
               g.group + " not allowed together with " + other.group);
      }
    }
  }
}

// -- element layout -----------------------------------------------------------------------

void structure_parser::check_value(std::size_t i, const node& n, const field_def& f,
                                   std::string_view raw, std::uint16_t element,
                                   std::uint16_t component, std::uint16_t repetition) {
  if (raw.empty()) return;
  if (!f.in_profile) {
    report(errc::element_not_in_profile, i, &n, f.id + " is not used by the profile", element,
           component, repetition, &opt_.not_in_profile);
  }
  if (f.format.type == char_class::none) return;
  // an..N: every byte is allowed and none counts more than one character (release characters
  // and UTF-8 continuation bytes count less), so a value of at most N bytes passes without
  // looking at its bytes. Most elements are an..N.
  if (f.format.type == char_class::an && !f.format.fixed && raw.size() <= f.format.length) return;
  // Character type and length in one pass over the value. Length: characters after
  // unescaping, UTF-8 sequences counting as one; for numeric values sign and decimal mark do
  // not count (ISO 9735 length of numeric elements). Type: n = digits, decimal marks and a
  // leading minus; a = no digits.
  const bool numeric = f.format.type == char_class::n;
  const bool alpha = f.format.type == char_class::a;
  // Table pass (classes_): the OR of the byte classes and the number of bytes that do not
  // count towards the length. A leading minus of a numeric value is allowed and not counted.
  const auto* p = reinterpret_cast<const unsigned char*>(raw.data());
  const std::size_t size = raw.size();
  std::size_t k = 0, skipped = 0;
  std::uint8_t acc = 0;
  if (numeric && raw[0] == '-') {
    k = 1;
    skipped = 1;
    acc = classes_[p[0]] & c_release;
  }
  const std::uint8_t not_counted = numeric ? (c_cont | c_mark | c_minus) : c_cont;
  for (; k < size; ++k) {
    const std::uint8_t b = classes_[p[k]];
    acc |= b;
    skipped += (b & not_counted) != 0 ? 1 : 0;
  }
  if ((acc & c_release) == 0) {
    const bool ok = numeric ? (acc & (c_other | c_minus)) == 0 : !(alpha && (acc & c_digit) != 0);
    const std::size_t len = size - skipped;
    if (!ok || len > f.format.length || (f.format.fixed && len < f.format.length)) {
      report_value(i, n, f, ok, len, element, component, repetition);
    }
    return;
  }
  // A release character: the byte after it is data, whatever its class.
  bool ok = true;
  std::size_t len = 0;
  for (k = 0; k < size; ++k) {
    char c = raw[k];
    if (d_.has_release && c == d_.release && k + 1 < size) c = raw[++k];
    const bool digit = c >= '0' && c <= '9';
    const bool mark = c == '.' || c == ',' || c == d_.decimal;
    if (numeric) {
      if (!digit && !mark && !(c == '-' && k == 0)) ok = false;
    } else if (alpha && digit) {
      ok = false;
    }
    if ((static_cast<unsigned char>(c) & 0xC0u) == 0x80u) continue;
    if (numeric && (c == '-' || mark)) continue;
    ++len;
  }
  report_value(i, n, f, ok, len, element, component, repetition);
}

void structure_parser::report_value(std::size_t i, const node& n, const field_def& f, bool ok,
                                    std::size_t len, std::uint16_t element, std::uint16_t component,
                                    std::uint16_t repetition) {
  if (!ok) {
    report(errc::invalid_character_type, i, &n,
           f.id + (f.format.type == char_class::n ? " must be numeric" : " must be alphabetic"),
           element, component, repetition);
  }
  if (len > f.format.length) {
    report(errc::value_too_long, i, &n,
           f.id + " has " + std::to_string(len) + " characters, max " +
               std::to_string(f.format.length),
           element, component, repetition);
  } else if (f.format.fixed && len < f.format.length) {
    report(errc::value_too_short, i, &n,
           f.id + " has " + std::to_string(len) + " characters, fixed " +
               std::to_string(f.format.length),
           element, component, repetition);
  }
}

void structure_parser::check_occurrence(std::size_t i, const node& n, const field_def& f,
                                        std::string_view occ, std::uint16_t p, std::uint16_t rep) {
  if (occ.empty()) return;
  if (!f.is_composite()) {
    if (has_unreleased(occ, d_.component, d_)) {
      report(errc::too_many_components, i, &n, f.id + " is not a composite", p, 2, rep);
      occ = edifact::component(occ, 1, d_);
    }
    check_value(i, n, f, occ, p, 0, rep);
    return;
  }
  // Split inline (field_splitter's rule: a release character makes the next byte data; the
  // last piece takes the rest) and note which of the first 64 components hold data, so that
  // the mandatory check below need not split the occurrence again.
  const char* text = occ.data();
  const std::size_t size = occ.size();
  const char sep = d_.component;
  const char rel = d_.release;
  const bool has_rel = d_.has_release;
  std::uint64_t filled = 0;
  std::uint16_t c = 0;
  for (std::size_t start = 0, k = 0;;) {
    while (k < size) {
      const char ch = text[k];
      if (has_rel && ch == rel) {
        k += 2;  // the released character never splits
        continue;
      }
      if (ch == sep) break;
      ++k;
    }
    const std::string_view cv =
        k >= size ? occ.substr(start) : std::string_view(text + start, k - start);
    ++c;
    if (c >= 1 && c <= 64 && !cv.empty()) filled |= std::uint64_t{1} << (c - 1);
    const field_def* cf = f.component(c);
    if (cf == nullptr) {
      if (!cv.empty()) {
        report(errc::too_many_components, i, &n,
               f.id + " defines no component " + std::to_string(c), p, c, rep);
      }
    } else {
      check_value(i, n, *cf, cv, p, c, rep);
    }
    if (k >= size) break;
    start = ++k;
  }
  for (const auto& cf : f.components) {
    if (cf.status != status::mandatory) continue;
    const bool empty = cf.pos >= 1 && cf.pos <= 64 ? (filled >> (cf.pos - 1) & 1u) == 0
                                                   : edifact::component(occ, cf.pos, d_).empty();
    if (cf.pos > c || empty) {
      report(errc::missing_component, i, &n, f.id + "/" + cf.id + " missing", p, cf.pos, rep);
    }
  }
}

// check_occurrence for a whole element without repetition separator (nearly every element)
// of a planned field: the components come from the tree's component index and the component
// definitions from the field's plan, instead of a split and a search per component.
void structure_parser::check_indexed(std::size_t i, const node& n, const field_def& f,
                                     std::uint16_t p) {
  const message_tree::split_view sv = out_.split(i);
  const char* rest = sv.rest;
  const std::uint32_t first = sv.firsts[p - 1];
  const std::uint32_t count = sv.firsts[p] - first;
  // Component k (1-based) of the element is [starts[k - 1], starts[k] - 1).
  const std::uint16_t* starts = sv.starts + first;
  const std::uint32_t begin = starts[0];
  if (!f.is_composite()) {
    std::uint32_t end = starts[count] - 1u;
    if (count > 1) {
      report(errc::too_many_components, i, &n, f.id + " is not a composite", p, 2, 0);
      end = starts[1] - 1u;
    }
    check_value(i, n, f, std::string_view(rest + begin, end - begin), p, 0, 0);
    return;
  }
  std::uint64_t filled = 0;
  // Component numbers are 16-bit in findings (as in check_occurrence's split).
  for (std::uint32_t k = 1; k <= count; ++k) {
    const std::uint32_t from = starts[k - 1];
    const std::string_view cv(rest + from, starts[k] - 1u - from);
    const auto c = static_cast<std::uint16_t>(k);
    if (c >= 1 && c <= 64 && !cv.empty()) filled |= std::uint64_t{1} << (c - 1);
    const std::uint16_t slot =
        c >= 1 && c <= f.component_slots.size() ? f.component_slots[c - 1] : field_def::no_slot;
    if (slot == field_def::no_slot) {
      if (!cv.empty()) {
        report(errc::too_many_components, i, &n,
               f.id + " defines no component " + std::to_string(c), p, c, 0);
      }
    } else {
      check_value(i, n, f.components[slot], cv, p, c, 0);
    }
  }
  const auto last = static_cast<std::uint16_t>(count);
  for (const std::uint16_t m : f.mandatory_components) {
    const field_def& cf = f.components[m];
    const bool empty = cf.pos >= 1 && cf.pos <= 64 ? (filled >> (cf.pos - 1) & 1u) == 0
                                                   : out_.component(i, p, cf.pos).empty();
    if (cf.pos > last || empty) {
      report(errc::missing_component, i, &n, f.id + "/" + cf.id + " missing", p, cf.pos, 0);
    }
  }
}

void structure_parser::report_undefined(std::size_t i, const node& n, const segment_def& layout,
                                        std::uint16_t p) {
  // Only here: last_position() walks the whole layout (when not planned), once per segment
  // it was a noticeable share of the element checks.
  const std::uint16_t last = layout.last_position();
  const field_def* tail = layout.elements.empty() ? nullptr : &layout.elements.back();
  if (p > last && tail != nullptr && tail->encoding != repeat_encoding::separator &&
      tail->positional_span > 1) {
    // COM+a:TE+b:FX+c:EM+d:TE: a fourth positional occurrence of a max-3 element.
    report(errc::too_many_repetitions, i, &n,
           tail->id + " repeated more than " + std::to_string(tail->positional_span) + " times", p,
           0, static_cast<std::uint16_t>(p - tail->pos + 1));
  } else if (p > last && layout.open_tail) {
    report(errc::open_tail_data, i, &n,
           "position " + std::to_string(p) + " beyond the listed layout", p);
  } else {
    report(errc::too_many_elements, i, &n,
           std::string(out_.seg(i).tag()) + " defines no data element at position " +
               std::to_string(p),
           p);
  }
}

// check_elements for an indexed segment, a planned layout and no repetition separator in the
// interchange (nearly every segment): one walk over the segment's element and component
// ends, the field found by the plan, and the fast plan's length comparison for each element;
// the full checks only for an element that may give a finding. Same findings, in the same
// order, as the general loop below.
void structure_parser::check_planned(std::size_t i, const node& n, const segment_def& layout) {
  std::uint32_t present = 0;  // positions seen (empty body: none)
  std::uint64_t filled = 0;   // bit p-1: element p (p <= 64) is not empty
  if (!out_.seg(i).body().empty()) {
    const message_tree::split_view sv = out_.split(i);
    // One or more positions whenever the body is not empty (as the splitter had it);
    // positions are 16-bit in findings.
    const std::uint32_t count =
        std::min<std::uint32_t>(std::max<std::uint32_t>(1, sv.count), 0xFFFF);
    const std::uint16_t* firsts = sv.firsts;
    const std::uint16_t* components = sv.starts;
    const segment_def::position_slot* slots = layout.position_slots.data();
    const std::size_t nslots = layout.position_slots.size();
    for (std::uint32_t p = 1; p <= count; ++p) {
      present = p;
      if (p > sv.count) continue;  // absent: reads as empty
      const std::uint32_t from = components[firsts[p - 1]];
      const std::uint32_t end = components[firsts[p]] - 1u;
      if (end == from) continue;  // empty
      if (p <= 64) filled |= std::uint64_t{1} << (p - 1);
      const auto pos = static_cast<std::uint16_t>(p);
      if (p > nslots || slots[p - 1].element == field_def::no_slot) {
        report_undefined(i, n, layout, pos);
        continue;
      }
      const field_def& f = layout.elements[slots[p - 1].element];
      if (f.fast) {
        const std::uint32_t first = firsts[p - 1];
        const std::uint32_t nc = firsts[p] - first;
        if (nc <= f.fast_limits.size()) {
          const std::uint16_t* cs = components + first;
          const std::uint16_t* limits = f.fast_limits.data();
          std::uint64_t components_filled = 0;
          bool ok = true;
          for (std::uint32_t c = 0; c < nc; ++c) {
            const std::uint32_t len = cs[c + 1] - 1u - cs[c];
            if (len > limits[c]) {
              ok = false;
              break;
            }
            if (len != 0 && c < 64) components_filled |= std::uint64_t{1} << c;
          }
          if (ok && (f.fast_mandatory & ~components_filled) == 0) continue;
        }
      }
      check_indexed(i, n, f, pos);
    }
  }
  // Every mandatory element present (the plan's mask, when all lie within the first 64
  // positions): nothing to report, without a lookup per mandatory element.
  if (layout.mandatory_mask_complete && (layout.mandatory_mask & ~filled) == 0) return;
  for (const std::uint16_t m : layout.mandatory_elements) {
    const field_def& f = layout.elements[m];
    if (f.pos > present || out_.element(i, f.pos).empty()) {
      report(errc::missing_element, i, &n, std::string(out_.seg(i).tag()) + " " + f.id + " missing",
             f.pos);
    }
  }
}

// True when check_elements(i, n) would report nothing: every non-empty element at a position
// (at most 64) its planned layout defines, each passing its field's fast plan
// (field_def::fast_limits, fast_mandatory), and every mandatory element present (the layout's
// mandatory_mask). Reports nothing itself: a segment it does not clear goes to
// check_elements, which decides and reports. Nearly every segment is clean, and this one
// small loop over the segment's element and component ends (no findings to prepare, so its
// state stays in registers) costs a third of the full walk.
bool structure_parser::clean(std::size_t i, const node& n) const noexcept {
  const segment_def* layout = n.def;
  if (layout == nullptr) return true;  // check_elements checks nothing either
  const segment_entry& e = out_.segments[i];
  if (e.first_element == no_element_index || !layout->planned || d_.has_repetition ||
      !layout->mandatory_mask_complete) {
    return false;
  }
  // An empty body or one without a leading element separator has no element (element_count
  // 0); a non-empty one reads as a single absent position: no finding but missing ones.
  const message_tree::split_view sv = out_.split(i);
  return detail::clean_positions(*layout, sv.count, sv.firsts, sv.starts);
}

void structure_parser::check_elements(std::size_t i, const node& n) {
  const segment_def* layout = n.def;
  if (layout == nullptr) return;
  const bool indexed = out_.segments[i].first_element != no_element_index;
  if (indexed && layout->planned && !d_.has_repetition) {
    check_planned(i, n, *layout);
    return;
  }
  const edifact::segment& s = out_.seg(i);
  std::uint16_t present = 0;  // positions seen (s.body() empty: none)
  if (!s.body().empty()) {
    // The tree's element index holds the split (one or more elements whenever the body is
    // not empty, like the splitter it replaces).
    const std::size_t count = std::max<std::size_t>(1, out_.element_count(i));
    for (std::uint16_t p = 0; p < count;) {
      if (p == 0xFFFF) break;
      ++p;
      present = p;
      const std::string_view raw = out_.element(i, p);
      if (raw.empty()) continue;
      // The plan answers element_at() with one array read (inline, without the call).
      const field_def* f = nullptr;
      std::uint16_t positional_rep = 0;
      if (layout->planned) {
        if (p <= layout->position_slots.size()) {
          const segment_def::position_slot slot = layout->position_slots[p - 1];
          if (slot.element != field_def::no_slot) {
            f = &layout->elements[slot.element];
            positional_rep = slot.repetition;
          }
        }
      } else {
        std::tie(f, positional_rep) = layout->element_at(p);
      }
      if (f == nullptr) {
        report_undefined(i, n, *layout, p);
        continue;
      }
      // Repetitions with the v4 separator: positional-only elements allow none.
      const bool repeats_in_place = d_.has_repetition && has_unreleased(raw, d_.repetition, d_);
      const std::uint16_t allowed =
          f->encoding == repeat_encoding::positional || positional_rep > 1 ? 1 : f->repeat_max;
      if (!repeats_in_place) {
        if (indexed && f->planned) {
          if (f->fast && passes(i, *f, p)) continue;
          check_indexed(i, n, *f, p);
        } else {
          check_occurrence(i, n, *f, raw, p, 0);
        }
        continue;
      }
      edifact::field_splitter reps(raw, d_.repetition, d_);
      std::string_view occ;
      for (std::uint16_t r = 1; reps.next(occ); ++r) {
        if (r > allowed) {
          report(errc::too_many_repetitions, i, &n,
                 f->id + " repeated more than " + std::to_string(allowed) + " times", p, 0, r);
          break;
        }
        check_occurrence(i, n, *f, occ, p, r);
      }
    }
  }
  if (layout->planned) {
    for (const std::uint16_t m : layout->mandatory_elements) {
      const field_def& f = layout->elements[m];
      if (f.pos > present || out_.element(i, f.pos).empty()) {
        report(errc::missing_element, i, &n, std::string(s.tag()) + " " + f.id + " missing", f.pos);
      }
    }
    return;
  }
  for (const auto& f : layout->elements) {
    if (f.status != status::mandatory) continue;
    if (f.pos > present || out_.element(i, f.pos).empty()) {
      report(errc::missing_element, i, &n, std::string(s.tag()) + " " + f.id + " missing", f.pos);
    }
  }
}

}  // namespace

namespace detail {

struct element_probe::impl {
  struct counting_sink final : diagnostic_sink {
    std::size_t reported = 0;
    void report(diagnostic) override { ++reported; }
  };
  counting_sink sink;
  structure_parser parser;
  impl(const edifact::interchange& ic, const definition& def, message_tree& out,
       const structure_options& opt)
      : parser(ic, def, sink, out, opt) {}
};

element_probe::element_probe(const edifact::interchange& ic, const definition& def,
                             message_tree& out, const structure_options& opt)
    : impl_(std::make_unique<impl>(ic, def, out, opt)) {}
element_probe::~element_probe() = default;

bool element_probe::passes(std::size_t i, const node& n) {
  const std::size_t before = impl_->sink.reported;
  impl_->parser.check_segment_elements(i, n);
  return impl_->sink.reported == before;
}

}  // namespace detail

boost::system::error_code parse_structure(const edifact::interchange& ic, std::size_t message_index,
                                          const definition& def, diagnostic_sink& sink,
                                          message_tree& out, const structure_options& opt) {
  out.clear();
  out.source = &ic;
  out.def = &def;
  if (message_index >= ic.messages.size()) return make_error_code(errc::no_such_message);
  out.message_index = static_cast<std::uint32_t>(message_index);
  structure_parser p(ic, def, sink, out, opt);
  return p.run(ic.messages[message_index]);
}

boost::system::error_code parse_structure(const edifact::interchange& ic, std::size_t message_index,
                                          const definitions& defs, diagnostic_sink& sink,
                                          message_tree& out, const structure_options& opt) {
  out.clear();
  out.source = &ic;
  if (message_index >= ic.messages.size()) return make_error_code(errc::no_such_message);
  const edifact::message_view& m = ic.messages[message_index];
  const definition* def = defs.find(m.type, m.version, m.release, m.agency);
  if (def == nullptr) {
    const errc_info& in = info(errc::no_definition);
    diagnostic dg;
    dg.code = make_error_code(errc::no_definition);
    dg.id = in.id;
    dg.syntax_error = in.syntax_error;
    dg.requirement = in.requirement;
    dg.level = in.level;
    dg.where = scope::message;
    const edifact::segment& unh = ic.segments[m.unh];
    dg.pos.offset = unh.offset;
    dg.pos.segment = unh.index;
    dg.pos.message_segment = 1;
    dg.pos.element = 2;
    dg.detail = std::string(m.type) + ":" + std::string(m.version) + ":" + std::string(m.release) +
                ":" + std::string(m.agency);
    sink.report(std::move(dg));
    return make_error_code(errc::no_definition);
  }
  return parse_structure(ic, message_index, *def, sink, out, opt);
}

}  // namespace apipnr::message
