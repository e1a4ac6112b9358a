// The structure walk's fast path (fast_structure.hpp). It restates the happy path of
// structure_parser (parse.cpp): pick() by the compiled step table and gate, accept() with
// check_skipped() over next_mandatory, open_group(), close_frame() and clean(), and gives up
// wherever that parser would report a finding or go to search(). It is a separate function
// with a small flat frame and no findings code, so that GCC keeps its per-segment state in
// registers (the inlined per-segment path of parse.cpp spills; PERFORMANCE.md "Eighth pass:
// structure"). Where a segment's tag has one layout (definition::tag_layouts), its split also
// runs the clean-segment test against that layout's flat table (element_indexer::add_checked:
// the lengths are checked as each separator is found, no second pass over the index); the
// verdict counts when the node that takes the segment has that layout, else clean() decides.
// The split reads the separators the tokenizer recorded (edifact::segment::separators) when
// there are any, instead of scanning the body a second time (add_recorded,
// add_checked_recorded: the same index and verdict).
#include "apipnr/message/fast_structure.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <optional>
#include <vector>

#include "element_probe_internal.hpp"
#include "index_internal.hpp"

namespace apipnr::message {
namespace {

// One open group (or the root): its content list's tables and its cursor. counts points into
// the per-thread counts buffer, sized once per message so that it never moves.
struct fast_frame {
  const node* content = nullptr;
  const std::uint16_t* step = nullptr;
  const std::uint8_t* gate = nullptr;
  const std::uint16_t* next_mandatory = nullptr;
  std::uint32_t* counts = nullptr;
  std::uint32_t instance = 0;
  std::int32_t pos = -1;
  std::uint32_t size = 0;
  std::uint32_t zone_end = 0;  // relaxed groups only (README "order")
  bool relaxed = false;
};

// Frames beyond this give up (parse_structure's own limit, structure_options::max_depth, is
// 16 by default; the shipped definitions nest 3 levels at most).
constexpr std::size_t max_frames = 32;

// Messages of at least this many segments split through the memo (add_checked_memo).
constexpr std::uint32_t memo_from_segments = 128;

struct fast_scratch {
  std::array<fast_frame, max_frames> frames;
  std::vector<std::uint32_t> counts;
  std::array<detail::split_memo, detail::split_memo_slots> memos{};
  std::uint64_t stamp = 0;  // the current message's, for memos
};
thread_local fast_scratch tls_fast;

// The frame of a content list, as structure_parser::push_frame makes it; false when the list
// has no automaton table (parse_structure would take search() there).
bool make_frame(const std::vector<node>& content, const content_plan& plan, const node* group,
                std::uint32_t instance, std::uint32_t* counts, fast_frame& f) noexcept {
  if (!plan.planned || plan.step.empty() || plan.gate.size() != content.size() ||
      plan.next_mandatory.size() != content.size() + 1) {
    return false;
  }
  f.content = content.data();
  f.step = plan.step.data();
  f.gate = plan.gate.data();
  f.next_mandatory = plan.next_mandatory.data();
  f.counts = counts;
  f.instance = instance;
  f.pos = -1;
  f.size = static_cast<std::uint32_t>(content.size());
  f.relaxed = group != nullptr && group->relaxed;
  f.zone_end = f.relaxed ? plan.zone_end : 0;
  std::fill(counts, counts + content.size(), 0u);
  return true;
}

// structure_parser::check_skipped with a plan: true when moving the cursor of f to `to` leaves
// no mandatory node short of its minimum (the parser would report it missing).
inline bool nothing_skipped(const fast_frame& f, std::uint32_t to) noexcept {
  std::uint32_t from = f.pos < 0 ? 0u : static_cast<std::uint32_t>(f.pos);
  const std::uint16_t* next = f.next_mandatory;
  if (f.relaxed && from < f.zone_end) {
    if (to < f.zone_end) return true;
    for (std::uint32_t k = next[1]; k < f.zone_end; k = next[k + 1]) {
      if (f.counts[k] < f.content[k].min) return false;
    }
    from = f.zone_end;
  }
  const std::uint32_t end = std::min(to, f.size);
  for (std::uint32_t k = next[std::min(from, end)]; k < end; k = next[k + 1]) {
    if (f.counts[k] < f.content[k].min) return false;
  }
  return true;
}

// structure_parser::clean, unchanged: true when the element checks of segment i against node
// n cannot give a finding.
// `index`: the tree's element index.
inline bool clean(const segment_entry& e, const std::uint16_t* index, bool has_repetition,
                  const node& n) noexcept {
  const segment_def* layout = n.def;
  if (layout == nullptr) return true;
  if (e.first_element == no_element_index || !layout->planned || has_repetition ||
      !layout->mandatory_mask_complete) {
    return false;
  }
  const std::uint16_t* x = index + e.first_element;
  const std::uint32_t count = x[0];
  return detail::clean_positions(*layout, count, x + 1, x + count + 2);
}

// structure_parser::check_exclusive reports when a top-level group's first instance opens
// while another group of one of its exclusive constraints occurred; giving up whenever such
// a group occurred at all is the same or more cautious.
bool exclusive_clear(const definition& def, const node& g, const std::uint32_t* root_counts) {
  for (const auto& c : def.exclusive) {
    if (std::find(c.groups.begin(), c.groups.end(), g.group) == c.groups.end()) continue;
    for (std::size_t j = 0; j < def.structure.size(); ++j) {
      const node& other = def.structure[j];
      if (&other == &g || !other.is_group()) continue;
      if (std::find(c.groups.begin(), c.groups.end(), other.group) == c.groups.end()) continue;
      if (root_counts[j] > 0) return false;
    }
  }
  return true;
}

// qualifier_list::contains for the value of `len` bytes at q, a packed list, the value read
// with one 8-byte load when the text has the bytes (pack_value's word: the bytes, little
// endian, and the size in the top byte).
inline bool contains_first_piece(const qualifier_list& list, const char* q, std::size_t len,
                                 const char* text_end) noexcept {
  if (len > 7) return false;  // every packed value is shorter
  std::uint64_t w;
  if constexpr (std::endian::native == std::endian::little) {
    if (text_end - q >= 8) {
      std::memcpy(&w, q, sizeof w);
      w = (w & ((std::uint64_t{1} << (8 * len)) - 1)) | std::uint64_t{len} << 56;
    } else {
      w = qualifier_list::pack_value({q, len});
    }
  } else {
    w = qualifier_list::pack_value({q, len});
  }
  for (const std::uint64_t x : list.packed_values) {
    if (x == w) return true;
  }
  return false;
}

std::size_t longest_list(const definition& def) noexcept {
  std::size_t m = def.structure.size();
  for (const node* n : def.nodes) {
    if (n->is_group()) m = std::max(m, n->content.size());
  }
  return m;
}

}  // namespace

bool fast_parse_structure(const edifact::interchange& ic, std::size_t message_index,
                          const definition& def, message_tree& out, const structure_options& opt) {
  // message_tree::clear() but for the segment entries: resize() below then value-initialises
  // only those beyond the tree's previous message (none when a reused tree walks messages of
  // the same size), and the walk writes every field of every entry. Writing all 240,016
  // entries (5.8 MB) once more before the walk was 4.8 % of BM_PipelinePaxlstNoExtract's time
  // (memory-bound: 0.3 % of its instructions; session 15).
  out.instances.clear();
  out.element_index.clear();
  out.message_index = 0;
  out.source = &ic;
  out.def = &def;
  out.first_segment = nullptr;
  if (message_index >= ic.messages.size()) return false;
  out.message_index = static_cast<std::uint32_t>(message_index);
  const edifact::delimiters& d = ic.delims;
  if (!def.planned || def.max_depth() > opt.max_depth || def.max_depth() + 1 >= max_frames) {
    return false;
  }
  const edifact::message_view& m = ic.messages[message_index];
  const std::uint32_t n = m.unt >= m.unh ? m.unt - m.unh + 1 : 1;
  const edifact::segment* segs = ic.segments.data() + m.unh;
  out.first_segment = segs;
  {
    const edifact::segment& first = segs[0];
    const edifact::segment& last = segs[n - 1];
    if (last.offset >= first.offset) {
      out.element_index.reserve(detail::index_estimate(last.offset - first.offset, n));
    }
  }
  out.segments.resize(n);
  segment_entry* entries = out.segments.data();
  const detail::element_indexer indexer(d);
  entries[0] = segment_entry{};
  indexer.add(out.element_index, segs[0], entries[0]);
  out.instances.push_back(group_instance{nullptr, no_instance, 0, n - 1, 1, 0});

  fast_scratch& s = tls_fast;
  const std::size_t list = longest_list(def);
  if (s.counts.size() < list * max_frames) s.counts.resize(list * max_frames);
  fast_frame* const frames = s.frames.data();
  if (!make_frame(def.structure, def.structure_plan, nullptr, 0, s.counts.data(), frames[0])) {
    return false;
  }
  fast_frame* top = frames;
  const std::size_t tags = def.tag_count;
  // definition::tag_id with the table in locals: the stores into the tree below could alias
  // the vector's members, which the compiler would otherwise reload per segment.
  if (def.tag_table.empty() || def.tag_layouts.size() != tags) return false;
  // The memo of checked splits (element_indexer::add_checked_memo) pays for itself only where
  // a message repeats its segments' shapes: in messages of a few dozen segments its misses
  // cost more than its hits save. Its three values in one local struct: the walk's loop is
  // short of registers, and reading them from the frame where needed is cheaper than the
  // spills of three more live values.
  struct {
    detail::split_memo* memos;
    std::uint64_t stamp;
    const char* text_end;
  } mc{n >= memo_from_segments ? s.memos.data() : nullptr, ++s.stamp,
       ic.text.data() + ic.text.size()};
  const definition::tag_slot* const tag_table = def.tag_table.data();
  // A segment's layout from its tag (definition::tag_layouts) when its nodes share one: the
  // split then also decides the clean-segment test (element_indexer::add_checked). None with a
  // repetition separator (clean() is false then).
  const std::size_t tag_mask = def.tag_table.size() - 1;
  const bool check_elements = opt.check_elements;
  const bool has_repetition = d.has_repetition;
  const segment_def* const* const tag_layouts =
      check_elements && !has_repetition ? def.tag_layouts.data() : nullptr;
  // The element checks of a segment the clean-segment table does not decide: parse.cpp's own
  // check_elements, made on the first such segment of the message.
  std::optional<detail::element_probe> probe;
  // `split`: the layout the split checked the segment against (nullptr: none) and its verdict.
  auto elements_pass = [&](const segment_entry& e, std::size_t i, const node& nd,
                           const segment_def* split, bool split_clean) {
    if (nd.def == nullptr) return true;  // no layout: check_elements checks nothing
    if (nd.def == split ? split_clean : clean(e, out.element_index.data(), has_repetition, nd)) {
      return true;
    }
    if (!probe) probe.emplace(ic, def, out, opt);
    return probe->passes(i, nd);
  };
  const bool exclusive = !def.exclusive.empty();

  // Closes the innermost frame at segment `last` (close_frame); false on a missing node.
  auto close_top = [&](std::uint32_t last) {
    if (!nothing_skipped(*top, top->size)) return false;
    out.instances[top->instance].last = last;
    --top;
    return true;
  };

  const std::uint32_t end = m.closed ? n - 1 : n;
  for (std::uint32_t i = 1; i < end; ++i) {
    // Every path that goes on sets first_element (the split), matched and instance.
    segment_entry& e = entries[i];
    const edifact::segment& sg = segs[i];
    const std::uint32_t packed = pack_tag(sg.tag());
    if (packed == 0) return false;
    std::size_t h = (static_cast<std::uint64_t>(packed) * 0x9E3779B97F4A7C15ull) >> 32 & tag_mask;
    while (tag_table[h].packed != packed) {
      if (tag_table[h].packed == 0) return false;  // no node has the tag
      h = (h + 1) & tag_mask;
    }
    const std::uint16_t tag_id = tag_table[h].id;
    const segment_def* const split = tag_layouts != nullptr ? tag_layouts[tag_id] : nullptr;
    bool split_clean = false;
    // The split from the separators the tokenizer recorded (nearly every segment of a large
    // message), else from a scan of the body.
    const bool recorded = sg.separators != 0;
    if (split != nullptr && split->split_rows != 0) {
      split_clean = !recorded ? indexer.add_checked(out.element_index, sg, e, *split)
                    : mc.memos != nullptr
                        ? indexer.add_checked_memo(out.element_index, sg, e, *split, tag_id,
                                                   mc.memos, mc.stamp, mc.text_end)
                        : indexer.add_checked_recorded(out.element_index, sg, e, *split);
    } else if (recorded) {
      indexer.add_recorded(out.element_index, sg, e);
    } else {
      indexer.add(out.element_index, sg, e);
    }
    // pick(): the innermost level whose table offers a node for the tag.
    fast_frame* f = top;
    std::uint16_t k;
    for (;;) {
      k = f->step[static_cast<std::size_t>(f->pos + 1) * tags + tag_id];
      if (k != content_plan::none) break;
      if (f == frames) return false;
      --f;
    }
    const std::uint8_t gate = f->gate[k];
    if (gate == content_plan::search) return false;
    const node& nd = f->content[k];
    if (f->counts[k] >= nd.max) return false;
    if (gate == content_plan::take_exact) {
      if (recorded && nd.qualifier_element == 1 && nd.qualifier_component == 1 &&
          nd.qualifiers.packed && !has_repetition) {
        // The usual qualifier, the body's first piece, read off the recorded separators and
        // packed with one load (structure_parser::qualifier_of, qualifier_list::contains).
        const std::uint64_t b = sg.separators >> 1;
        const char* const q = sg.body().data() + 1;
        const std::size_t len =
            b != 0 ? static_cast<std::size_t>(std::countr_zero(b)) : sg.body().size() - 1;
        if (!contains_first_piece(nd.qualifiers, q, len, mc.text_end)) return false;
      } else {
        // structure_parser::qualifier_of
        const std::string_view q =
            nd.qualifier_element == 0 ? std::string_view{}
            : !has_repetition
                ? out.component(i, nd.qualifier_element, nd.qualifier_component)
                : out.value_in_layout(i, nd.def, nd.qualifier_element, nd.qualifier_component, 1);
        if (!nd.qualifiers.contains(q)) return false;
      }
    }
    // accept(): close the levels inside the one that takes the segment, move its cursor.
    while (top != f) {
      if (!close_top(i - 1)) return false;
    }
    if (static_cast<std::int32_t>(k) != f->pos && !nothing_skipped(*f, k)) return false;
    f->pos = k;
    const std::uint32_t cnt = ++f->counts[k];
    if (!nd.is_group()) {
      if (!nd.in_profile) return false;
      e.matched = &nd;
      e.instance = f->instance;
      if (check_elements && !elements_pass(e, i, nd, split, split_clean)) return false;
      continue;
    }
    // open_group()
    const node& trigger = nd.content[0];
    if (out.instances.size() > opt.max_instances || !nd.in_profile || !trigger.in_profile) {
      return false;
    }
    if (exclusive && nd.depth == 0 && !exclusive_clear(def, nd, frames[0].counts)) return false;
    if (top + 1 == frames + max_frames) return false;
    const auto inst = static_cast<std::uint32_t>(out.instances.size());
    out.instances.push_back(
        group_instance{&nd, f->instance, i, i, cnt, static_cast<std::uint32_t>(f - frames + 1)});
    fast_frame* g = top + 1;
    if (!make_frame(nd.content, nd.plan, &nd, inst, top->counts + top->size, *g)) return false;
    top = g;
    g->pos = 0;
    g->counts[0] = 1;
    e.matched = &trigger;
    e.instance = inst;
    if (check_elements && !elements_pass(e, i, trigger, split, split_clean)) return false;
  }
  for (std::uint32_t i = std::max(end, 1u); i < n; ++i) {
    entries[i] = segment_entry{};
    indexer.add(out.element_index, segs[i], entries[i]);
  }
  for (;;) {
    const bool root = top == frames;
    if (!close_top(end - 1)) return false;
    if (root) break;
  }
  out.instances[0].last = n - 1;
  return true;
}

}  // namespace apipnr::message
