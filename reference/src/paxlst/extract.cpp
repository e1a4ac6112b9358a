#include "apipnr/paxlst/extract.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "apipnr/edifact/interchange.hpp"

namespace apipnr::paxlst {
namespace {

using model::canonical_message;
using model::traveller;

// Where a segment belongs in the WCO air profile (STANDARDS.md §2.2).
enum class place : std::uint8_t {
  envelope,  // UNH, UNT
  header,    // BGM, RFF, DTM at the top
  sg1,       // reporting party
  sg2,       // flight (TDT and its DTM)
  sg3,       // itinerary point (LOC + DTM)
  sg4,       // traveller
  sg5,       // document
  other,     // SG6/SG7/AUT: directory groups the air profile does not use
  trailer,   // CNT
};

// The traveller and document segments the extractor reads with a handler of their own; every
// other tag takes the general per-place code. Decided once per definition node (the plan
// below), so the per-segment work does not compare the tag against each handled tag in turn.
enum class kind : std::uint8_t { generic, nad, att, dtm, loc, nat, rff, doc };

using edifact::eq;  // inline equality with short literals (interchange.hpp)

kind kind_of(std::string_view tag) noexcept {
  if (eq(tag, "NAD")) return kind::nad;
  if (eq(tag, "ATT")) return kind::att;
  if (eq(tag, "DTM")) return kind::dtm;
  if (eq(tag, "LOC")) return kind::loc;
  if (eq(tag, "NAT")) return kind::nat;
  if (eq(tag, "RFF")) return kind::rff;
  if (eq(tag, "DOC")) return kind::doc;
  return kind::generic;
}

// What run() does with one segment: the place decides the handler family, the kind the
// handler within it.
struct step {
  place where;
  kind what;
};

bool in(std::string_view v, std::initializer_list<std::string_view> list) noexcept {
  for (auto x : list) {
    if (eq(v, x)) return true;
  }
  return false;
}

// The same for the per-traveller tests: the literals are compared inline, with no list of
// views built on the stack for each call (in() is out of line and fills one per call).
template <class... Literals>
inline bool one_of(std::string_view v, const Literals&... literals) noexcept {
  return (eq(v, literals) || ...);
}

std::optional<std::uint32_t> to_uint(std::string_view s) noexcept {
  if (s.empty()) return std::nullopt;
  std::uint32_t v = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc{} || r.ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<double> to_number(std::string_view s, char decimal) {
  if (s.empty()) return std::nullopt;
  std::string t(s);
  for (auto& c : t) {
    if (c == decimal || c == ',') c = '.';
  }
  double v = 0;
  const auto r = std::from_chars(t.data(), t.data() + t.size(), v);
  if (r.ec != std::errc{} || r.ptr != t.data() + t.size() || v < 0) return std::nullopt;
  return v;
}

// Traveller role from NAD 3035 (specs/canonical/README.md).
std::string_view role_for(std::string_view f) noexcept {
  if (f == "FL") return "passenger";
  if (f == "FM") return "crew";
  if (f == "DDU") return "transit_passenger";
  if (f == "DDT") return "transit_crew";
  return "other";
}

bool is_crew(std::string_view role) noexcept { return role == "crew" || role == "transit_crew"; }

std::string_view contact_type(std::string_view channel) noexcept {
  if (channel == "TE") return "phone";
  if (channel == "FX") return "fax";
  if (channel == "EM") return "email";
  return "other";
}

// Titles that GTAS-style defects put inside name components (PRIOR_ART §1.1).
bool is_title(std::string_view w) noexcept {
  return in(w, {"MR", "MRS", "MS", "MISS", "MSTR", "MSTER", "DR", "PROF", "REV", "SIR", "MME",
                "MLLE", "MX"});
}

bool has_title(std::string_view name) noexcept {
  // Only a separate word counts, so a surname like "MS" alone or "DRAKE" is not flagged.
  // One inline pass for both spaces: names are a few bytes long, and find()/rfind() cost a
  // libc memchr call each, 2 per traveller (4 % of BM_PipelinePaxlst's time by perf,
  // docs/PERFORMANCE.md session 15).
  std::size_t first_space = std::string_view::npos;
  std::size_t last_space = 0;
  for (std::size_t k = 0; k < name.size(); ++k) {
    if (name[k] != ' ') continue;
    if (first_space == std::string_view::npos) first_space = k;
    last_space = k;
  }
  if (first_space == std::string_view::npos) return false;
  return is_title(name.substr(0, first_space)) || is_title(name.substr(last_space + 1));
}

// Carrier designator from a journey id without C040 (TDT-003): a three-letter ICAO code when
// three letters precede the flight number, else the two-character IATA designator.
std::pair<std::string, std::string> split_journey(std::string_view id) {
  auto alpha = [](char c) { return c >= 'A' && c <= 'Z'; };
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (id.size() >= 4 && alpha(id[0]) && alpha(id[1]) && alpha(id[2]) && digit(id[3])) {
    return {std::string(id.substr(0, 3)), std::string(id.substr(3))};
  }
  if (id.size() >= 3) return {std::string(id.substr(0, 2)), std::string(id.substr(2))};
  return {std::string(id), std::string()};
}

class extractor {
 public:
  // Fills `out`, which may hold an earlier message: everything is replaced, and the storage of
  // its travellers (the vector, each slot's strings and vectors) is reused (extract_into).
  extractor(const edifact::interchange& ic, std::size_t message_index,
            const message::message_tree* tree, diagnostic_sink& sink, const extract_options& opt,
            canonical_message& out)
      : ic_(ic),
        mv_(ic.messages[message_index]),
        tree_(tree),
        sink_(sink),
        opt_(opt),
        out_(out),
        segs_(ic.segments.data() + ic.messages[message_index].unh),
        tree_segments_(tree != nullptr ? tree->segments.size() : 0),
        text_end_(ic.text.data() + ic.text.size()),
        scan_from_(ic.text.data()),
        next_release_(ic.delims.has_release ? ic.text.data() : text_end_) {
    if (tree != nullptr && tree->def != nullptr) {
      def_nodes_ = tree->def->nodes.data();
      // The segment plan: for every node of the definition, its place and kind. A segment
      // matched to a node carries the node's tag (the group parser matches by tag; a group's
      // trigger segment matches the trigger node), so the kind can be taken from the node.
      plan_by_node_.reserve(tree->def->nodes.size());
      for (const message::node* n : tree->def->nodes) {
        plan_by_node_.push_back(step{place_of_path(n->path), kind_of(n->tag)});
      }
    }
  }

  void run();

 private:
  const edifact::segment& seg(std::size_t i) const noexcept { return segs_[i]; }
  // Segments of the tree (all of them when the tree is complete) are read through its element
  // and component index: O(1) per value, one split per segment shared with the group parser
  // and the profile. Without a tree, by splitting the segment.
  bool indexed(std::size_t i) const noexcept { return i < tree_segments_; }
  std::string_view el(std::size_t i, std::size_t e) const noexcept {
    if (indexed(i)) [[likely]]
      return tree_->element(i, e);
    return edifact::element(seg(i), e, ic_.delims);
  }
  std::size_t element_count(std::size_t i) const noexcept {
    if (indexed(i)) return tree_->element_count(i);
    return edifact::element_count(seg(i), ic_.delims);
  }
  // message_tree::component() is edifact::component() of the raw element (release characters
  // honoured), so both paths read the same values. It is always inlined: about 600,000 reads
  // per 20,000-traveller message, where a call cost as much as the lookup.
  [[gnu::always_inline]] std::string_view comp(std::size_t i, std::size_t e,
                                               std::size_t c) const noexcept {
    if (indexed(i)) [[likely]] {
      if (c == 0) return {};  // as edifact::component(..., 0, ...) below
      return tree_->component(i, e, c);
    }
    return edifact::component(el(i, e), c, ic_.delims);
  }
  // Whether segment i holds no release character: its values then need no unescaping (the
  // common case). Decided once per segment, when its first value is copied, and not taken from
  // segment::escaped, which a hand-built interchange may leave unset.
  [[gnu::always_inline]] bool plain(std::size_t i) const noexcept {
    if (plain_at_ != i) [[unlikely]]
      decide_plain(i);
    return plain_;
  }
  // Segments are read in text order, so instead of a memchr over each body (about 45
  // instructions per segment, most of them call and set-up for a body of 20 bytes) one forward
  // scan of the message text finds the next release character, and a segment is plain when
  // its body ends before it: one memchr per release character in the message. A body outside
  // ic_.text (a hand-built interchange) or before the scan point (a segment read again out of
  // order) is looked at on its own, as before. Inline: once per segment, 240,000 times in a
  // 20,000-traveller message.
  [[gnu::always_inline]] void decide_plain(std::size_t i) const noexcept {
    plain_at_ = i;
    const std::string_view body = segs_[i].body();
    const char* b = body.data();
    const char* e = b + body.size();
    // scan_from_ never lies before the text, so this also says that b is inside it.
    if (b >= scan_from_ && e <= text_end_) [[likely]] {
      if (next_release_ < b) [[unlikely]]
        rescan(b);
      plain_ = next_release_ >= e;
      return;
    }
    plain_ = plain_body(body);
  }
  // Invariant kept: next_release_ is the first release character in [scan_from_, text_end_),
  // or text_end_ when there is none.
  [[gnu::noinline]] void rescan(const char* from) const noexcept {
    const void* r =
        std::memchr(from, ic_.delims.release, static_cast<std::size_t>(text_end_ - from));
    next_release_ = r != nullptr ? static_cast<const char*>(r) : text_end_;
    scan_from_ = from;
  }
  [[gnu::noinline]] bool plain_body(std::string_view body) const noexcept {
    return !ic_.delims.has_release || body.empty() ||
           std::memchr(body.data(), ic_.delims.release, body.size()) == nullptr;
  }
  std::string text(std::string_view raw) const { return edifact::unescape(raw, ic_.delims); }
  // Text of `raw`, a piece of segment i: a copy when the segment is plain.
  std::string text(std::size_t i, std::string_view raw) const {
    if (plain(i)) return std::string(raw);
    return edifact::unescape(raw, ic_.delims);
  }
  // The text of `raw`, a piece of segment i, as a view: `raw` itself when the segment is
  // plain, else unescaped into scratch_ (valid until the next call). For values that are
  // tested before they are kept: no string is built for a value that is not kept.
  [[gnu::always_inline]] std::string_view tview(std::size_t i, std::string_view raw) const {
    if (plain(i)) [[likely]]
      return raw;
    return unescaped(raw);
  }
  [[gnu::noinline]] std::string_view unescaped(std::string_view raw) const {
    scratch_.clear();
    edifact::unescape(raw, ic_.delims, scratch_);
    return scratch_;
  }
  // The same, written into `out` (replacing its content), so a model field is filled in place
  // instead of from a temporary. clear() + append(): the fields written are new and empty,
  // and append is the short path (assign() goes through the aliasing-safe _M_replace).
  void assign_text(std::string& out, std::size_t i, std::string_view raw) const {
    out.clear();
    if (plain(i)) [[likely]] {
      out.append(raw.data(), raw.size());
      return;
    }
    edifact::unescape(raw, ic_.delims, out);
  }
  // A model field (model::text, 16 bytes): a plain value is copied straight from the segment,
  // an escaped one through scratch_.
  void assign_text(model::text& out, std::size_t i, std::string_view raw) const {
    if (plain(i)) [[likely]] {
      out.assign(raw.data(), raw.size());
      return;
    }
    out.assign(unescaped(raw));
  }
  std::string ctext(std::size_t i, std::size_t e, std::size_t c) const {
    return text(i, comp(i, e, c));
  }

  void report(errc code, std::size_t i, std::uint16_t element, std::uint16_t component,
              std::string detail) {
    const auto& inf = info(code);
    diagnostic d;
    d.code = make_error_code(code);
    d.id = inf.id;
    d.requirement = inf.requirement;
    d.level = inf.level;
    d.where = inf.where;
    if (i < mv_.segment_count()) {
      d.pos.offset = seg(i).offset;
      d.pos.segment = seg(i).index;
      d.pos.message_segment = static_cast<std::uint32_t>(i + 1);
    }
    d.pos.element = element;
    d.pos.component = component;
    d.detail = std::move(detail);
    sink_.report(std::move(d));
  }

  step step_of(std::size_t i);
  place place_of(std::size_t i);
  static place place_of_path(std::string_view path);
  place guess_place(std::size_t i) const;
  void header_segment(std::size_t i);
  void sg1_segment(std::size_t i);
  void sg2_segment(std::size_t i);
  void sg3_segment(std::size_t i);
  void sg4_segment(std::size_t i, kind k);
  void sg4_nad(std::size_t i);
  void sg4_att(traveller& t, std::size_t i, std::string_view q);
  void sg4_dtm(traveller& t, std::size_t i, std::string_view q);
  void sg4_loc(traveller& t, std::size_t i, std::string_view q);
  void sg4_nat(traveller& t, std::size_t i, std::string_view q);
  void sg4_rff(traveller& t, std::size_t i, std::string_view q);
  void sg4_other(traveller& t, std::size_t i, std::string_view q);
  void sg5_segment(std::size_t i, kind k);
  void trailer_segment(std::size_t i);
  void close_itinerary() {
    // Called before every traveller segment: nothing to do unless an SG2 left points (a TDT
    // with a flight number always creates flight_info, so only points matter then). The test
    // is itinerary_open_, kept up to date where its inputs change, so that the 240,000
    // segments of a large message read one flag instead of three members.
    if (!itinerary_open_) [[likely]]
      return;
    pair_points();
    update_itinerary_open();
  }
  // After anything that changes points_, sg2_number_ or out_.flight_info (the SG2 and SG3
  // segments, pair_points).
  void update_itinerary_open() noexcept {
    itinerary_open_ = !(points_.empty() && (!sg2_number_ || out_.flight_info));
  }
  void pair_points();
  void untag_single_flight();
  void read_envelope();
  void check_counts();

  void set_date(model::opt_text& field, std::size_t i, const model::date_6_or_8_writer& dates,
                std::string_view what);
  std::optional<std::string> date_time_value(std::size_t i);
  void add_contacts(std::size_t i, std::vector<model::contact>& out);
  void set_once(model::opt_string& field, std::string&& value, std::size_t i,
                std::string_view what) {
    if (field) [[unlikely]] {
      repeated(*field, value, i, what);
      return;
    }
    field = std::move(value);
  }
  // From a view (the segment itself, or scratch_ through tview()): the field's string is
  // built once, in place. `Field`: a model::opt_text (traveller, document) or an opt_string
  // (traveller_details).
  template <class Field>
  void set_once(Field& field, std::string_view value, std::size_t i, std::string_view what) {
    if (field) [[unlikely]] {
      repeated(*field, value, i, what);
      return;
    }
    field.emplace(value);
  }
  template <class Field>
  void set_once(Field& field, const std::string& value, std::size_t i, std::string_view what) {
    set_once(field, std::string_view(value), i, what);
  }
  void repeated(std::string_view first, std::string_view value, std::size_t i,
                std::string_view what);
  traveller* current_traveller(std::size_t i, bool document_segment) {
    if (have_traveller_ && !seen_cnt_) [[likely]]
      return &out_.travellers[travellers_ - 1];
    return no_traveller(i, document_segment);
  }
  // The next traveller: a slot of out_.travellers left by an earlier message, cleared (its
  // strings and vectors keep their capacity: no allocation for a traveller like the previous
  // one), or a new one. run() drops the slots left over at the end.
  traveller& next_traveller() {
    auto& v = out_.travellers;
    prefetch_slot(travellers_ + 2);
    if (travellers_ < v.size()) {
      traveller& t = v[travellers_++];
      t.clear();
      return t;
    }
    ++travellers_;
    return v.emplace_back();
  }
  traveller* no_traveller(std::size_t i, bool document_segment);
  // Asks for the cache lines of traveller slot k of out_.travellers' storage, for writing, when
  // the storage has that slot (constructed or only reserved). A traveller is 440 bytes, 7
  // lines, and a large message's travellers (8.8 MB for 20,000) are far beyond the caches:
  // each line written was a read for ownership from memory that stalled the extractor, 7 per
  // traveller. Asked for two travellers ahead, the reads overlap the work on the travellers in
  // between (BM_PipelinePaxlst about -1.5 ms CPU of ~20.5 in 8 of 8 alternated rounds,
  // docs/PERFORMANCE.md "Fifteenth pass: extraction"). A prefetch never faults and changes no
  // value; the address is formed from the allocation's bytes, inside it.
  void prefetch_slot(std::size_t k) const noexcept {
    const auto& v = out_.travellers;
    if (k >= v.capacity()) return;
    const char* slot = reinterpret_cast<const char*>(v.data()) + k * sizeof(traveller);
    for (std::size_t o = 0; o < sizeof(traveller); o += 64) __builtin_prefetch(slot + o, 1);
  }

  const edifact::interchange& ic_;
  const edifact::message_view& mv_;
  const message::message_tree* tree_;
  diagnostic_sink& sink_;
  const extract_options& opt_;
  canonical_message& out_;
  std::size_t travellers_ = 0;  // travellers of this message: out_.travellers[0, travellers_)
  std::size_t crew_ = 0;        // of them with a crew role (check_counts())
  model::calendar_date reference_{};
  // The date rules of the traveller and document dates against reference_, prepared once per
  // message (run(), after read_envelope()): DTM 329 and 182 (birth), DTM 36 (expiry).
  model::date_6_or_8_writer birth_dates_{model::birth_rule({})};
  model::date_6_or_8_writer expiry_dates_{model::expiry_rule({})};

  place state_ = place::header;
  bool seen_bgm_ = false, seen_cnt_ = false, seen_tdt_ = false;
  std::size_t sg1_count_ = 0;
  // Itinerary of the current SG2: the locations in order, each with its date/times.
  struct point {
    std::size_t seg = 0;
    std::string qualifier, port;
    std::optional<std::string> dep_time, arr_time, other_time;
  };
  std::vector<point> points_;
  model::opt_string sg2_carrier_, sg2_number_;
  bool itinerary_open_ = false;  // close_itinerary() has work to do (update_itinerary_open)
  std::size_t sg2_index_ = 0;
  std::uint32_t leg_seq_ = 0;
  bool have_traveller_ = false, have_document_ = false;
  // place_of_path() and kind_of() of every node of the tree's definition, by node index (empty
  // without one).
  std::vector<step> plan_by_node_;
  const message::node* const* def_nodes_ = nullptr;  // the definition's nodes, by index
  const edifact::segment* segs_;                     // the message's UNH in ic_.segments (seg())
  std::size_t tree_segments_ = 0;                    // segments readable through the tree's index
  mutable std::size_t plain_at_ = static_cast<std::size_t>(-1);  // the segment plain_ is about
  mutable bool plain_ = false;
  // decide_plain(): where the last scan of ic_.text started and the first release character at
  // or after it (text_end_: none). Without a release character in the syntax, no scan: every
  // segment inside the text is plain. Otherwise both start at the text's first byte, which no
  // segment body starts at, so the first segment read scans.
  const char* text_end_ = nullptr;
  mutable const char* scan_from_ = nullptr;
  mutable const char* next_release_ = nullptr;
  mutable std::string scratch_;  // tview() of a segment with release characters
};

place extractor::guess_place(std::size_t i) const {
  // The WCO air profile order (§2.2), applied to the state we are in. Used without a tree, and
  // for segments the tree could not place.
  const auto tag = seg(i).tag();
  const auto q = comp(i, 1, 1);
  if (eq(tag, "UNH") || eq(tag, "UNT")) return place::envelope;
  if (eq(tag, "BGM")) return place::header;
  if (eq(tag, "NAD")) return eq(q, "MS") ? place::sg1 : place::sg4;
  if (eq(tag, "CTA")) return place::sg1;
  if (eq(tag, "TDT"))
    return (state_ == place::sg4 || state_ == place::sg5) ? place::other : place::sg2;
  if (eq(tag, "DOC")) return place::sg5;
  if (eq(tag, "CNT") || eq(tag, "AUT")) return place::trailer;
  if (eq(tag, "GID")) return place::other;
  if (eq(tag, "CPI") || eq(tag, "QTY")) return state_ == place::sg5 ? place::sg5 : place::other;
  if (eq(tag, "LOC")) {
    if (state_ == place::sg2 || state_ == place::sg3) return place::sg3;
    if (state_ == place::sg5 && eq(q, "91")) return place::sg5;
    if (state_ == place::sg4 || state_ == place::sg5) return place::sg4;
    if (in(q, {"125", "87", "92", "130", "188", "172", "192"})) return place::sg3;
    return place::sg4;
  }
  if (eq(tag, "DTM")) {
    switch (state_) {
      case place::sg2:
        return place::sg2;
      case place::sg3:
        return place::sg3;
      case place::sg4:
        return place::sg4;
      case place::sg5:
        return in(q, {"36", "182"}) ? place::sg5 : place::sg4;
      default:
        return place::header;
    }
  }
  if (eq(tag, "RFF")) {
    if (state_ == place::sg5 && !in(q, {"AVF", "ABO", "SEA", "CR", "AEA", "YZY"})) {
      return place::sg5;
    }
    if (state_ == place::sg4 || state_ == place::sg5) return place::sg4;
    return place::header;
  }
  if (eq(tag, "GEI")) return (state_ == place::sg5 && !eq(q, "4")) ? place::sg5 : place::sg4;
  if (eq(tag, "COM")) return (state_ == place::sg1) ? place::sg1 : place::sg4;
  if (in(tag, {"ATT", "MEA", "FTX", "EMP", "NAT"})) return place::sg4;
  return place::other;
}

// The plan entry of segment i's node (one table read), or for a segment without a node of
// this definition its place as before and the kind of its tag.
step extractor::step_of(std::size_t i) {
  if (i < tree_segments_) [[likely]] {
    const message::node* m = tree_->segments[i].matched;
    if (m != nullptr && m->index < plan_by_node_.size() && def_nodes_[m->index] == m) [[likely]] {
      return plan_by_node_[m->index];
    }
  }
  const place p = place_of(i);
  return step{p, kind_of(seg(i).tag())};
}

place extractor::place_of(std::size_t i) {
  if (i >= tree_segments_) return guess_place(i);
  const message::node* m = tree_->segments[i].matched;
  // The place depends only on the node: plan_by_node_ holds it for every node of the tree's
  // definition (filled once, in the constructor), so the common case is one table read.
  if (m != nullptr && m->index < plan_by_node_.size() && def_nodes_[m->index] == m) [[likely]] {
    return plan_by_node_[m->index].where;
  }
  if (m != nullptr) return place_of_path(m->path);  // a node of another definition
  const place p = guess_place(i);
  if (p != place::envelope) {
    report(errc::segment_outside_group, i, 0, 0,
           std::string(seg(i).tag()) + " not placed by the message structure; read as part of " +
               (p == place::sg5   ? "the current document"
                : p == place::sg4 ? "the current traveller"
                                  : "the nearest group"));
  }
  return p;
}

// By prefix: "SG4/SG5..." sg5, "SG4/SG6..." and "SG4/SG7..." other, any other "SG4..." sg4,
// "SG2/SG3..." sg3, any other "SG2..." sg2, "SG1..." sg1; "CNT" trailer, "AUT" other, anything
// else header. Read byte by byte: the constructor places every node of the definition for each
// message (about a hundred), and starts_with() called memcmp for each prefix, some 7,000
// instructions per message, 6 % of a small message's check.
place extractor::place_of_path(std::string_view path) {
  auto at = [path](std::size_t k, char c) { return k < path.size() && path[k] == c; };
  if (at(0, 'S') && at(1, 'G')) {
    const bool nested = at(3, '/') && at(4, 'S') && at(5, 'G');  // "SGx/SG"
    if (at(2, '4')) {
      if (nested && at(6, '5')) return place::sg5;
      if (nested && (at(6, '6') || at(6, '7'))) return place::other;
      return place::sg4;
    }
    if (at(2, '2')) return nested && at(6, '3') ? place::sg3 : place::sg2;
    if (at(2, '1')) return place::sg1;
    return place::header;
  }
  if (eq(path, "CNT")) return place::trailer;
  if (eq(path, "AUT")) return place::other;
  return place::header;
}

// DTM C507 2380 of segment i, a date (YYMMDD resolved with `rule`, or CCYYMMDD), into `field`
// (set_once); a bad date is reported and leaves the field as it was. The ISO text goes from a
// buffer on the stack into the field's own string, with no temporary string or optional moved
// in (two dates per traveller).
void extractor::set_date(model::opt_text& field, std::size_t i,
                         const model::date_6_or_8_writer& dates, std::string_view what) {
  const auto v = comp(i, 1, 2);
  // One pass from the digits to the ISO text (no calendar_date and digit parsing in between),
  // with the rule's century cut-off worked out once per message.
  char iso[16];
  const std::size_t n = dates.write(v, iso);
  if (n != 0) [[likely]] {
    set_once(field, std::string_view(iso, n), i, what);
    return;
  }
  const auto d = model::parse_date_6_or_8(v, dates.rule());
  if (!d) {
    report(errc::bad_date, i, 1, 2,
           "DTM " + std::string(comp(i, 1, 1)) + " value '" + text(v) + "' is not a real date");
    return;
  }
  set_once(field, model::to_iso(*d), i, what);  // a real date write_iso() cannot place
}

std::optional<std::string> extractor::date_time_value(std::size_t i) {
  const auto v = comp(i, 1, 2);
  // Format 201 (YYMMDDHHMM) is the practice; 203 (CCYYMMDDHHMM) is accepted when sent.
  std::optional<model::local_date_time> dt;
  if (v.size() == 12) {
    const auto d = model::parse_ccyymmdd(v.substr(0, 8));
    const auto t = model::parse_hhmm(v.substr(8));
    if (d && t) dt = model::local_date_time{*d, *t};
  } else {
    dt = model::parse_yymmddhhmm(v, model::nearest_rule(reference_));
  }
  if (!dt) {
    report(errc::bad_date, i, 1, 2,
           "DTM " + std::string(comp(i, 1, 1)) + " value '" + text(v) +
               "' is not a real YYMMDDHHMM date/time");
    return std::nullopt;
  }
  return model::to_iso(*dt);
}

void extractor::add_contacts(std::size_t i, std::vector<model::contact>& out) {
  // Up to three C076 written positionally (COM+a:TE+b:FX) or with the v4 repetition separator.
  const auto n = element_count(i);
  for (std::size_t e = 1; e <= n; ++e) {
    const auto raw = el(i, e);
    if (raw.empty()) continue;
    std::vector<std::string_view> reps;
    if (ic_.delims.has_repetition) {
      edifact::field_splitter s(raw, ic_.delims.repetition, ic_.delims);
      std::string_view piece;
      while (s.next(piece)) reps.push_back(piece);
    } else {
      reps.push_back(raw);
    }
    for (auto r : reps) {
      const auto number = edifact::component(r, 1, ic_.delims);
      const auto channel = edifact::component(r, 2, ic_.delims);
      const auto type = contact_type(channel);
      if (type == "other") {
        report(errc::unknown_contact_channel, i, static_cast<std::uint16_t>(e), 2,
               "COM channel '" + text(channel) + "'");
      }
      out.push_back({std::string(type), text(number)});
    }
  }
}

void extractor::repeated(std::string_view first, std::string_view value, std::size_t i,
                         std::string_view what) {
  report(errc::repeated_value, i, 0, 0,
         std::string(what) + ": '" + std::string(value) + "' after '" + std::string(first) +
             "'; first kept");
}

traveller* extractor::no_traveller(std::size_t i, bool document_segment) {
  report(document_segment ? errc::document_outside_traveller : errc::segment_outside_group, i, 0, 0,
         std::string(seg(i).tag()) + " " + text(el(i, 1)) + " " + text(el(i, 2)) +
             (seen_cnt_ ? " after CNT" : " before any traveller NAD") + "; not attached");
  return nullptr;
}

void extractor::read_envelope() {
  auto& m = out_.message;
  m.syntax = "edifact";
  m.type = std::string(mv_.type);
  if (!mv_.version.empty() || !mv_.release.empty()) {
    m.version = std::string(mv_.version) + ":" + std::string(mv_.release);
  }
  auto opt_text = [&](std::string_view raw) -> model::opt_string {
    if (raw.empty()) return std::nullopt;
    return text(raw);
  };
  m.sender = opt_text(ic_.sender);
  m.recipient = opt_text(ic_.recipient);
  m.interchange_reference = opt_text(ic_.control_reference);
  m.message_reference = opt_text(mv_.reference);
  m.application_reference = opt_text(ic_.application_reference);
  m.common_access_reference = opt_text(mv_.common_access_reference);
  if (ic_.test_indicator == "1") m.test = true;

  reference_ = opt_.fallback_reference;
  const auto d = model::parse_date_6_or_8(ic_.date, model::nearest_rule(opt_.fallback_reference));
  const auto t = model::parse_hhmm(ic_.time);
  if (d) {
    reference_ = *d;
    m.prepared = t ? model::to_iso(model::local_date_time{*d, *t}) : model::to_iso(*d);
  }
  if (!d || (!ic_.time.empty() && !t)) {
    diagnostic diag;
    const auto& inf = info(errc::bad_prepared_date);
    diag.code = make_error_code(errc::bad_prepared_date);
    diag.id = inf.id;
    diag.requirement = inf.requirement;
    diag.level = inf.level;
    diag.where = inf.where;
    diag.pos.segment = 1;
    diag.pos.element = 4;
    diag.detail = "UNB date '" + std::string(ic_.date) + "' time '" + std::string(ic_.time) +
                  "'; reference date " + model::to_iso(reference_) + " used";
    sink_.report(std::move(diag));
  }

  if (!mv_.sequence.empty() || !mv_.first_last.empty()) {
    model::message_part p;
    p.number = to_uint(mv_.sequence);
    if (mv_.first_last == "F") p.final_part = true;
    if (mv_.first_last == "C") p.final_part = false;
    p.message_reference = m.message_reference;
    if (!p.number) {
      report(errc::part_bad_number, 0, 4, 1,
             "S010 part number '" + std::string(mv_.sequence) + "'");
    }
    m.parts.push_back(std::move(p));
  }
}

void extractor::header_segment(std::size_t i) {
  const auto tag = seg(i).tag();
  auto& m = out_.message;
  if (eq(tag, "BGM")) {
    seen_bgm_ = true;
    const auto code = comp(i, 1, 1);
    const auto sub = comp(i, 2, 1);
    m.document_code = text(code);
    if (!sub.empty()) m.document_subtype = text(sub);
    // vectors/README.md conventions: an IAPI interchange makes a passenger list (745) or gate
    // pass (655) an iAPI request; crew lists and flight status (266 close-out, STANDARDS.md
    // 2.7 step 3) keep their own kind whatever the channel.
    const bool iapi = ic_.application_reference == "IAPI";
    if (iapi && (code == "745" || code == "655")) {
      m.kind = "iapi_request";
    } else if (code == "250" || code == "336") {
      m.kind = "api_crew";
    } else if (code == "266") {
      m.kind = "api_flight_status";
    } else {
      m.kind = "api";
    }
    if (!in(code, {"745", "250", "266", "336", "655"})) {
      report(errc::unknown_document, i, 1, 1, "BGM document code '" + text(code) + "'");
      m.scenario = "other";
      return;
    }
    if (const auto s = scenario_for(code, sub)) {
      m.scenario = std::string(*s);
    } else {
      report(errc::unknown_subtype, i, 2, 1, "BGM " + text(code) + " subtype '" + text(sub) + "'");
      m.scenario = "other";
    }
    return;
  }
  if (eq(tag, "RFF") && comp(i, 1, 1) == "TN" && !m.transaction_reference) {
    m.transaction_reference = ctext(i, 1, 2);
    if (!comp(i, 1, 5).empty()) m.transaction_revision = ctext(i, 1, 5);
    return;
  }
  report(errc::header_not_mapped, i, 0, 0,
         std::string(tag) + "+" + text(el(i, 1)) + " at header level has no canonical field");
}

void extractor::sg1_segment(std::size_t i) {
  const auto tag = seg(i).tag();
  if (eq(tag, "NAD")) {
    ++sg1_count_;
    if (sg1_count_ > 1) {
      report(errc::header_not_mapped, i, 0, 0,
             "further reporting party '" + ctext(i, 4, 1) + "' not represented; first kept");
      return;
    }
    model::reporting_party rp;
    // C080 may be one contact name or surname:given (NAD-002); a C082 id stands in otherwise.
    std::string name = ctext(i, 4, 1);
    const auto given = ctext(i, 4, 2);
    if (!given.empty()) name += (name.empty() ? "" : " ") + given;
    if (name.empty()) name = ctext(i, 2, 1);
    if (!name.empty()) rp.name = std::move(name);
    out_.reporter = std::move(rp);
    return;
  }
  if (sg1_count_ > 1) {
    report(errc::header_not_mapped, i, 0, 0,
           std::string(tag) + " of a further reporting party not represented");
    return;
  }
  if (!out_.reporter) out_.reporter.emplace();
  if (eq(tag, "COM")) {
    add_contacts(i, out_.reporter->contacts);
    return;
  }
  report(errc::header_not_mapped, i, 0, 0,
         std::string(tag) + " '" + ctext(i, 2, 2) + "' in SG1 has no canonical field");
}

void extractor::pair_points() {
  // Pair the SG3 locations of one SG2 in order of appearance (LOC-007): 125 -> 87; 92 pairs
  // (departure with DTM 189, arrival with DTM 232); 130 closes a chain. A 92 with both times is
  // an arrival that also starts the next sector.
  if (points_.empty() && !sg2_number_) return;
  if (!out_.flight_info) out_.flight_info.emplace();
  auto& legs = out_.flight_info->legs;
  auto new_leg = [&]() -> model::leg& {
    model::leg l;
    l.sequence = ++leg_seq_;
    // Every leg remembers its TDT; untag_single_flight() drops this again when the message had
    // only one SG2 (the flight then says it once).
    l.carrier = sg2_carrier_;
    l.flight_number = sg2_number_;
    legs.push_back(std::move(l));
    return legs.back();
  };
  auto as_place = [](const point& p, const std::optional<std::string>& time) {
    model::place_time pt;
    pt.port = p.port;
    pt.scheduled = time;
    pt.qualifier = p.qualifier;
    return pt;
  };
  const point* pending = nullptr;  // an open departure
  const point* orphan = nullptr;   // an arrival that came with no departure open
  for (const auto& p : points_) {
    const auto& q = p.qualifier;
    const bool departure =
        eq(q, "125") || (eq(q, "92") && !pending && !(p.arr_time && !p.dep_time));
    const bool arrival = eq(q, "87") || eq(q, "130") || (eq(q, "92") && !departure);
    if (in(q, {"188", "172", "192"})) {
      // Master crew list filing/reporting location (LOC-005): not a sector; kept as a one-sided
      // leg so that the place and its DTM 554 are not lost.
      new_leg().departure = as_place(p, p.other_time);
      continue;
    }
    if (!departure && !arrival) {
      report(errc::unknown_location, p.seg, 1, 1, "itinerary LOC qualifier '" + q + "'");
      new_leg().departure = as_place(p, p.dep_time ? p.dep_time : p.other_time);
      continue;
    }
    if (departure) {
      if (orphan) {
        // Arrival sent before its departure (GTAS out-of-order legs): pair them, report it.
        report(errc::legs_out_of_order, orphan->seg, 0, 0,
               "LOC " + orphan->qualifier + "+" + orphan->port + " before LOC " + q + "+" + p.port +
                   "; paired as " + p.port + " -> " + orphan->port);
        auto& l = new_leg();
        l.departure = as_place(p, p.dep_time);
        l.arrival = as_place(*orphan, orphan->arr_time);
        orphan = nullptr;
        continue;
      }
      if (pending) {
        report(errc::unpaired_location, pending->seg, 0, 0,
               "departure LOC " + pending->qualifier + "+" + pending->port + " has no arrival");
        new_leg().departure = as_place(*pending, pending->dep_time);
      }
      pending = &p;
      continue;
    }
    // arrival
    if (pending) {
      auto& l = new_leg();
      l.departure = as_place(*pending, pending->dep_time);
      l.arrival = as_place(p, p.arr_time);
      pending = nullptr;
      // A 92 carrying DTM 189 as well continues the chain from this airport.
      if (eq(q, "92") && p.dep_time) pending = &p;
      continue;
    }
    if (orphan) {
      report(errc::unpaired_location, orphan->seg, 0, 0,
             "arrival LOC " + orphan->qualifier + "+" + orphan->port + " has no departure");
      new_leg().arrival = as_place(*orphan, orphan->arr_time);
    }
    orphan = &p;
  }
  if (pending) {
    report(errc::unpaired_location, pending->seg, 0, 0,
           "departure LOC " + pending->qualifier + "+" + pending->port + " has no arrival");
    new_leg().departure = as_place(*pending, pending->dep_time);
  }
  if (orphan) {
    report(errc::unpaired_location, orphan->seg, 0, 0,
           "arrival LOC " + orphan->qualifier + "+" + orphan->port + " has no departure");
    new_leg().arrival = as_place(*orphan, orphan->arr_time);
  }
  points_.clear();
}

void extractor::untag_single_flight() {
  // API-PAXLST-TDT-005 (vectors/README.md canonical conventions): with several SG2 flight
  // groups every leg names its carrier and flight number, those of the first TDT included,
  // since which TDT a leg belongs to is known only while its SG2 is read. With one SG2 the
  // flight's own carrier and number say it and the legs carry none.
  if (sg2_index_ > 1 || !out_.flight_info) return;
  for (auto& l : out_.flight_info->legs) {
    l.carrier.reset();
    l.flight_number.reset();
  }
}

void extractor::sg2_segment(std::size_t i) {
  const auto tag = seg(i).tag();
  if (eq(tag, "TDT")) {
    close_itinerary();
    seen_tdt_ = true;
    ++sg2_index_;
    const auto stage = comp(i, 1, 1);
    const auto journey = ctext(i, 2, 1);
    const auto c040 = ctext(i, 5, 1);
    if (!in(stage, {"20", "34"})) {
      report(errc::bad_transport_stage, i, 1, 1, "TDT stage '" + text(stage) + "'");
    }
    sg2_carrier_.reset();
    sg2_number_.reset();
    if (!c040.empty()) {
      sg2_carrier_ = c040;
      if (journey.starts_with(c040)) {
        sg2_number_ = journey.substr(c040.size());
      } else if (!journey.empty()) {
        sg2_number_ = journey;
      }
    } else if (!journey.empty()) {
      auto [carrier, number] = split_journey(journey);
      sg2_carrier_ = std::move(carrier);
      if (!number.empty()) sg2_number_ = std::move(number);
    }
    if (!out_.flight_info) {
      model::flight f;
      f.carrier = sg2_carrier_;
      f.number = sg2_number_;
      if (!journey.empty()) f.journey_id = journey;
      if (!stage.empty()) f.transport_stage = text(stage);
      out_.flight_info = std::move(f);
    }
    return;
  }
  report(errc::segment_not_mapped, i, 0, 0,
         std::string(tag) + "+" + text(el(i, 1)) + " in SG2 has no canonical field");
}

void extractor::sg3_segment(std::size_t i) {
  const auto tag = seg(i).tag();
  if (eq(tag, "LOC")) {
    point p;
    p.seg = i;
    p.qualifier = ctext(i, 1, 1);
    p.port = ctext(i, 2, 1);
    points_.push_back(std::move(p));
    return;
  }
  if (eq(tag, "DTM") && !points_.empty()) {
    auto& p = points_.back();
    const auto q = comp(i, 1, 1);
    auto v = date_time_value(i);
    if (!v) return;
    if (eq(q, "189")) {
      p.dep_time = std::move(v);
    } else if (eq(q, "232")) {
      p.arr_time = std::move(v);
    } else if (eq(q, "554")) {
      p.other_time = std::move(v);
    } else {
      report(errc::unexpected_date, i, 1, 1, "DTM " + text(q) + " in SG3; not represented");
    }
    return;
  }
  report(errc::segment_not_mapped, i, 0, 0, std::string(tag) + " in SG3 has no canonical field");
}

// A traveller-group segment: its handler by kind (the segment plan), so a segment costs one
// switch instead of a tag comparison per handled tag before its own. Every handler but NAD's
// needs the current traveller and the qualifier (C1 first component).
void extractor::sg4_segment(std::size_t i, kind k) {
  if (k == kind::nad) {
    sg4_nad(i);
    return;
  }
  traveller* t = current_traveller(i, false);
  if (!t) return;
  const auto q = comp(i, 1, 1);
  switch (k) {
    case kind::att:
      sg4_att(*t, i, q);
      return;
    case kind::dtm:
      sg4_dtm(*t, i, q);
      return;
    case kind::loc:
      sg4_loc(*t, i, q);
      return;
    case kind::nat:
      sg4_nat(*t, i, q);
      return;
    case kind::rff:
      sg4_rff(*t, i, q);
      return;
    default:
      sg4_other(*t, i, q);
      return;
  }
}

void extractor::sg4_nad(std::size_t i) {
  {
    // Built in place (a traveller is about 1 KB: moving one in cost as much as filling it).
    const std::size_t number = travellers_ + 1;
    traveller& t = next_traveller();
    const auto f = comp(i, 1, 1);
    t.role.append(role_for(f));  // new, empty: append is the short path
    if (is_crew(t.role)) ++crew_;
    if (!f.empty()) assign_text(t.party_function.emplace(), i, f);
    if (t.role == "other" && !in(f, {"ZZZ", "COT"})) {
      report(errc::unknown_party_function, i, 1, 1,
             "traveller " + std::to_string(number) + " ('" + ctext(i, 4, 1) +
                 "') party function '" + text(f) + "'");
    }
    // API-PAXLST-NAD-010: DDU/DDT say "in transit" through the role (transit_passenger,
    // transit_crew); in_transit is left for sources that state transit apart from the party
    // function (specs/canonical/README.md), so that one fact is not scored twice.
    assign_text(t.surname, i, comp(i, 4, 1));
    if (t.surname.empty()) {
      report(errc::missing_surname, i, 4, 1,
             "traveller " + std::to_string(number) + " has no surname");
    }
    // Written in place when sent, and dropped again when they unescape to nothing (absent
    // means absent). Most travellers have no middle name: nothing is built for it.
    const auto given_raw = comp(i, 4, 2);
    const auto middle_raw = comp(i, 4, 3);
    if (!given_raw.empty()) assign_text(t.given_names.emplace(), i, given_raw);
    if (!middle_raw.empty()) assign_text(t.middle_names.emplace(), i, middle_raw);
    // Surname, given and middle names in that order (an absent or empty one has no title).
    for (const model::text* part : {&t.surname, t.given_names ? &*t.given_names : nullptr,
                                    t.middle_names ? &*t.middle_names : nullptr}) {
      if (part != nullptr && has_title(*part)) {
        report(errc::title_in_name, i, 4, 0,
               "traveller " + std::to_string(number) + " name '" + *part + "' carries a title");
      }
    }
    if (t.given_names && t.given_names->empty()) t.given_names.reset();
    if (t.middle_names && t.middle_names->empty()) t.middle_names.reset();
    // NAD-014: positions 5..9 address in the destination country (none in a NAD of fewer
    // elements: every value read below would be empty).
    have_traveller_ = true;
    have_document_ = false;
    if (element_count(i) < 5) return;
    model::address a;
    auto opt = [](std::string s) -> model::opt_string {
      if (s.empty()) return std::nullopt;
      return s;
    };
    std::string street;
    if (!el(i, 5).empty()) {
      for (std::size_t c = 1; c <= 4; ++c) {
        const auto s = ctext(i, 5, c);
        if (s.empty()) continue;
        if (!street.empty()) street += ' ';
        street += s;
      }
    }
    a.street = opt(std::move(street));
    a.city = opt(ctext(i, 6, 1));
    auto sub = ctext(i, 7, 1);
    a.sub_entity = opt(sub.empty() ? ctext(i, 7, 4) : std::move(sub));
    a.postal_code = opt(ctext(i, 8, 1));
    a.country = opt(ctext(i, 9, 1));
    if (a.street || a.city || a.sub_entity || a.postal_code || a.country) {
      // The schema's address purpose for a PAXLST NAD address (the address while in the
      // country, STANDARDS.md 2.3 NAD pos 5): the position says it, the message has no code.
      a.purpose = "destination";
      t.mutable_details().addresses.push_back(std::move(a));
    }
  }
}

void extractor::sg4_att(traveller& tr, std::size_t i, std::string_view q) {
  traveller* t = &tr;
  {
    const auto g = tview(i, comp(i, 3, 1));
    if (!eq(q, "2") || !one_of(g, "M", "F", "U", "X")) {
      report(errc::unknown_gender, i, static_cast<std::uint16_t>(!eq(q, "2") ? 1 : 3), 1,
             "ATT " + text(q) + " value '" + std::string(g) + "'");
    }
    if (eq(q, "2") && !g.empty()) set_once(t->gender, g, i, "gender");
  }
}

void extractor::sg4_dtm(traveller& tr, std::size_t i, std::string_view q) {
  traveller* t = &tr;
  {
    if (eq(q, "329")) {
      set_date(t->date_of_birth, i, birth_dates_, "date of birth");
    } else {
      report(errc::unexpected_date, i, 1, 1,
             "DTM " + text(q) + " '" + ctext(i, 1, 2) + "' in traveller group; not represented");
    }
  }
}

void extractor::sg4_loc(traveller& tr, std::size_t i, std::string_view q) {
  traveller* t = &tr;
  {
    const auto where = tview(i, comp(i, 2, 1));
    if (eq(q, "22")) {
      set_once(t->mutable_details().clearance_port, where, i, "LOC 22");
    } else if (eq(q, "174")) {
      set_once(t->mutable_details().residence_country, where, i, "LOC 174");
    } else if (eq(q, "178")) {
      set_once(t->embarkation, where, i, "LOC 178");
    } else if (eq(q, "179")) {
      set_once(t->debarkation, where, i, "LOC 179");
    } else if (eq(q, "180")) {
      // LOC-012: a country code, free text in C517/3224, or city/state in C519/C553.
      std::string pob = where.empty() ? ctext(i, 2, 4) : std::string(where);
      for (std::size_t e : {3u, 4u}) {
        auto part = ctext(i, e, 1);
        if (part.empty()) part = ctext(i, e, 4);
        if (!part.empty()) pob = part + (pob.empty() ? "" : " ") + pob;
      }
      if (!pob.empty()) set_once(t->mutable_details().place_of_birth, std::move(pob), i, "LOC 180");
    } else {
      report(errc::unknown_traveller_location, i, 1, 1,
             "traveller LOC " + text(q) + "+" + std::string(where) + " not represented");
    }
  }
}

void extractor::sg4_nat(traveller& tr, std::size_t i, std::string_view q) {
  traveller* t = &tr;
  {
    if (!eq(q, "2")) {
      report(errc::segment_not_mapped, i, 1, 1, "NAT qualifier '" + text(q) + "'");
    }
    set_once(t->nationality, tview(i, comp(i, 2, 1)), i, "nationality");
  }
}

void extractor::sg4_rff(traveller& tr, std::size_t i, std::string_view q) {
  traveller* t = &tr;
  {
    const auto value = tview(i, comp(i, 1, 2));
    if (eq(q, "TN")) {
      report(errc::tn_in_traveller, i, 1, 1,
             "RFF+TN:" + std::string(value) + " in traveller group; kept");
    } else if (!one_of(q, "AVF", "ABO", "SEA", "CR", "AEA", "YZY")) {
      report(errc::unknown_reference, i, 1, 1, "RFF qualifier '" + text(q) + "'; kept");
    }
    if (eq(q, "SEA") && !value.empty()) set_once(t->seat, value, i, "seat");
    // The first three are stored in the traveller (model::reference_list): no allocation.
    auto& r = t->references.emplace_back();
    r.value.append(value);  // new, empty
    assign_text(r.qualifier, i, q);
  }
}

// GEI, EMP, MEA, FTX, COM and any other tag placed in a traveller group.
void extractor::sg4_other(traveller& tr, std::size_t i, std::string_view q) {
  traveller* t = &tr;
  const auto tag = seg(i).tag();
  if (eq(tag, "GEI")) {
    const auto code = ctext(i, 2, 1);
    if (!eq(q, "4")) {
      report(errc::segment_not_mapped, i, 1, 1, "GEI qualifier '" + text(q) + "'");
      return;
    }
    if (!code.empty()) set_once(t->mutable_details().verified, code, i, "verification");
    return;
  }
  if (eq(tag, "EMP")) {
    const auto cat = ctext(i, 2, 1);
    if (!is_crew(t->role)) {
      report(errc::emp_on_passenger, i, 0, 0,
             "EMP " + cat + " on " + t->role + " '" + t->surname + "'");
    }
    if (!in(cat, {"CR1", "CR2", "CR3", "CR4", "CR5"})) {
      report(errc::unknown_crew_function, i, 2, 1, "crew function '" + cat + "'");
    }
    if (!cat.empty()) set_once(t->mutable_details().crew_function, cat, i, "crew function");
    return;
  }
  if (eq(tag, "MEA")) {
    // MEA-002: the count sits in the unit slot (MEA+CT++1) or the value slot (MEA+CT++:1).
    const auto unit = comp(i, 3, 1);
    const auto value = comp(i, 3, 2);
    model::bags& bags = t->mutable_details().baggage;
    if (eq(q, "CT")) {
      const auto raw = value.empty() ? unit : value;
      if (const auto n = to_uint(raw)) {
        if (bags.count) {
          report(errc::repeated_value, i, 3, 0, "second MEA CT; first kept");
        } else {
          bags.count = *n;
        }
      } else {
        report(errc::bad_quantity, i, 3, value.empty() ? 1 : 2, "bag count '" + text(raw) + "'");
      }
    } else if (eq(q, "WT")) {
      if (const auto w = to_number(value, ic_.delims.decimal)) {
        if (bags.weight) {
          report(errc::repeated_value, i, 3, 0, "second MEA WT; first kept");
        } else {
          bags.weight = *w;
          if (!unit.empty()) bags.unit = text(unit);
        }
      } else {
        report(errc::bad_quantity, i, 3, 2, "bag weight '" + text(value) + "'");
      }
    } else {
      report(errc::unknown_measure, i, 1, 1, "MEA qualifier '" + text(q) + "'");
    }
    return;
  }
  if (eq(tag, "FTX")) {
    if (!eq(q, "BAG")) {
      report(errc::segment_not_mapped, i, 1, 1,
             "FTX " + text(q) + " '" + ctext(i, 4, 1) + "' not represented");
      return;
    }
    // FTX-001: first tag and the number of consecutive tags; each tag is listed.
    const auto first = ctext(i, 4, 1);
    const auto count_raw = comp(i, 4, 2);
    std::uint32_t count = 1;
    auto& tags = t->mutable_details().baggage.tags;
    if (!count_raw.empty()) {
      const auto n = to_uint(count_raw);
      if (!n || *n == 0 || *n > 999) {
        report(errc::bad_quantity, i, 4, 2, "bag tag count '" + text(count_raw) + "'");
      } else {
        count = *n;
      }
    }
    auto digits_from = first.size();
    while (digits_from > 0 && first[digits_from - 1] >= '0' && first[digits_from - 1] <= '9') {
      --digits_from;
    }
    const auto width = first.size() - digits_from;
    if (count > 1 && width > 0 && width <= 18) {
      std::uint64_t start = 0;
      const auto* b = first.data() + digits_from;
      std::from_chars(b, first.data() + first.size(), start);
      for (std::uint32_t k = 0; k < count; ++k) {
        auto num = std::to_string(start + k);
        if (num.size() < width) num.insert(0, width - num.size(), '0');
        tags.push_back(first.substr(0, digits_from) + num);
      }
    } else if (!first.empty()) {
      tags.push_back(first);
    }
    return;
  }
  if (eq(tag, "COM")) {
    add_contacts(i, t->mutable_details().contacts);
    return;
  }
  report(errc::segment_not_mapped, i, 0, 0,
         std::string(tag) + " in traveller '" + t->surname + "' not represented");
}

void extractor::sg5_segment(std::size_t i, kind k) {
  const auto tag = seg(i).tag();
  traveller* t = current_traveller(i, true);
  if (!t) return;
  if (k == kind::doc) {
    // Most travellers carry one document, stored in the traveller (model::document_list).
    model::document& d = t->documents.emplace_back();
    assign_text(d.type, i, comp(i, 1, 1));
    assign_text(d.number, i, comp(i, 2, 1));
    d.source.emplace("DOC");
    if (d.number.empty()) {
      report(errc::missing_document_number, i, 2, 1,
             "document " + d.type + " of traveller '" + t->surname + "'");
    }
    have_document_ = true;
    return;
  }
  if (!have_document_) {
    report(errc::document_outside_traveller, i, 0, 0,
           std::string(tag) + " of a document before its DOC; not attached");
    return;
  }
  auto& d = t->documents.back();
  const auto q = comp(i, 1, 1);
  if (k == kind::dtm) {
    if (eq(q, "36")) {
      set_date(d.expiry, i, expiry_dates_, "document expiry");
    } else if (eq(q, "182")) {
      // An issue date lies in the past, like a date of birth.
      set_date(d.issue_date, i, birth_dates_, "document issue date");
    } else {
      report(errc::unexpected_date, i, 1, 1, "DTM " + text(q) + " in document group");
    }
    return;
  }
  if (k == kind::loc && eq(q, "91")) {
    set_once(d.issuing_state, tview(i, comp(i, 2, 1)), i, "issuing state");
    return;
  }
  report(errc::segment_not_mapped, i, 0, 0,
         std::string(tag) + "+" + text(el(i, 1)) + " in document " + d.number + " not represented");
}

void extractor::trailer_segment(std::size_t i) {
  const auto tag = seg(i).tag();
  if (!eq(tag, "CNT")) {
    report(errc::segment_not_mapped, i, 0, 0, std::string(tag) + " not represented");
    return;
  }
  seen_cnt_ = true;
  const auto q = comp(i, 1, 1);
  const auto raw = comp(i, 1, 2);
  const auto n = to_uint(raw);
  if (!n) {
    report(errc::bad_quantity, i, 1, 2, "CNT " + text(q) + " quantity '" + text(raw) + "'");
    return;
  }
  if (!out_.counts) out_.counts.emplace();
  if (eq(q, "42")) {
    out_.counts->passengers = *n;
  } else if (eq(q, "41")) {
    out_.counts->crew = *n;
  } else {
    report(errc::unknown_count, i, 1, 1, "CNT qualifier '" + text(q) + "'");
  }
}

void extractor::check_counts() {
  const auto& parts = out_.message.parts;
  const bool single =
      parts.empty() || (parts.size() == 1 && parts[0].number == 1u && parts[0].final_part == true);
  if (!single || !out_.counts) return;
  // Counted as the travellers were made (sg4_nad): a pass over them here read one cache line
  // of every 936-byte traveller again after all of them were written (20,000 lines from memory
  // for a 20,000-traveller message: 17 % of run()'s time by perf).
  const auto crew = static_cast<std::uint32_t>(crew_);
  const auto pax = static_cast<std::uint32_t>(travellers_ - crew_);
  const auto& c = *out_.counts;
  std::string detail;
  if (c.passengers && *c.passengers != pax) {
    detail = "CNT 42 = " + std::to_string(*c.passengers) + ", passengers received " +
             std::to_string(pax);
  }
  if (c.crew && *c.crew != crew) {
    if (!detail.empty()) detail += "; ";
    detail += "CNT 41 = " + std::to_string(*c.crew) + ", crew received " + std::to_string(crew);
  }
  if (!detail.empty()) {
    report(errc::count_mismatch, mv_.segment_count(), 0, 0, std::move(detail));
  }
}

void extractor::run() {
  {
    // A new message but for the travellers' storage (reused slot by slot, next_traveller()).
    std::vector<traveller> slots = std::move(out_.travellers);
    out_ = canonical_message{};
    out_.travellers = std::move(slots);
  }
  read_envelope();
  birth_dates_ = model::date_6_or_8_writer(model::birth_rule(reference_));
  expiry_dates_ =
      model::date_6_or_8_writer(model::expiry_rule(reference_, opt_.expiry_lookback_years));
  const std::size_t n = mv_.segment_count();
  // One traveller per NAD at most: reserving avoids moving every traveller built so far each
  // time the vector grows (20,000 travellers: about a dozen full moves).
  // With a tree, its SG4 instances are the travellers (a hint: an unplaced NAD may add one),
  // about a tenth of the segments to look at.
  std::size_t nads = 0;
  if (tree_ != nullptr && tree_->def != nullptr) {
    for (const auto& g : tree_->instances) {
      nads += g.group != nullptr && eq(g.group->path, "SG4") ? 1 : 0;
    }
  } else {
    for (std::size_t i = 1; i < n; ++i) nads += eq(seg(i).tag(), "NAD") ? 1 : 0;
  }
  if (out_.travellers.capacity() < nads) out_.travellers.reserve(nads);
  for (std::size_t i = 1; i < n; ++i) {
    const step st = step_of(i);
    const place p = st.where;
    switch (p) {
      case place::envelope:
        continue;
      case place::header:
        header_segment(i);
        break;
      case place::sg1:
        sg1_segment(i);
        break;
      case place::sg2:
        sg2_segment(i);
        update_itinerary_open();
        break;
      case place::sg3:
        sg3_segment(i);
        update_itinerary_open();
        break;
      case place::sg4:
        close_itinerary();
        sg4_segment(i, st.what);
        break;
      case place::sg5:
        close_itinerary();
        sg5_segment(i, st.what);
        break;
      case place::other:
        report(errc::segment_not_mapped, i, 0, 0,
               std::string(seg(i).tag()) + " of a group the air profile does not use");
        break;
      case place::trailer:
        close_itinerary();
        trailer_segment(i);
        break;
    }
    if (p != place::other) state_ = p;
  }
  // Slots of an earlier, larger message that this one did not fill.
  out_.travellers.erase(out_.travellers.begin() + static_cast<std::ptrdiff_t>(travellers_),
                        out_.travellers.end());
  close_itinerary();
  untag_single_flight();
  if (!seen_bgm_) {
    report(errc::missing_bgm, 1, 0, 0, "no BGM in message " + std::string(mv_.reference));
    out_.message.kind = ic_.application_reference == "IAPI" ? "iapi_request" : "api";
  }
  if (!seen_tdt_) report(errc::missing_flight, 1, 0, 0, "no TDT in the message");
  if (!seen_cnt_) {
    report(errc::missing_cnt, n - 1, 0, 0,
           std::to_string(out_.travellers.size()) + " travellers received, no CNT to check");
  }
  check_counts();
}

boost::system::result<model::canonical_message> run_checked(const edifact::interchange& ic,
                                                            std::size_t message_index,
                                                            const message::message_tree* tree,
                                                            diagnostic_sink& sink,
                                                            const extract_options& opt) {
  if (message_index >= ic.messages.size()) return make_error_code(errc::no_such_message);
  const auto& mv = ic.messages[message_index];
  if (mv.type != "PAXLST") return make_error_code(errc::not_paxlst);
  canonical_message m;
  extractor x(ic, message_index, tree, sink, opt, m);
  x.run();
  return m;
}

}  // namespace

std::optional<std::string_view> scenario_for(std::string_view code, std::string_view sub) noexcept {
  struct row {
    std::string_view code, sub, scenario;
  };
  // §2.6; UK native CI/DC/DE (BGM-007) map to the US-option scenario they stand for.
  static constexpr std::array<row, 28> rows{{
      {"745", "", "initial"},
      {"745", "CP", "change"},
      {"745", "XR", "cancel_reservation"},
      {"745", "RP", "reduction_in_party"},
      {"745", "CI", "initial"},
      {"745", "DC", "closeout_on_board"},
      {"745", "DE", "closeout_not_boarded"},
      {"250", "", "crew"},
      {"250", "C", "crew"},
      {"250", "B", "crew"},
      {"250", "A", "crew"},
      {"250", "D", "crew"},
      {"250", "E", "crew"},
      {"250", "F", "crew"},
      {"250", "CI", "crew"},
      {"250", "CC", "crew_change"},
      {"250", "BC", "crew_change"},
      {"250", "EC", "crew_change"},
      {"250", "FC", "crew_change"},
      {"266", "CLOB", "closeout_on_board"},
      {"266", "CLNB", "closeout_not_boarded"},
      {"266", "CL", "closeout_nil"},
      {"266", "XF", "cancel_flight"},
      {"266", "CF", "change_flight"},
      {"336", "G", "master_crew_list"},
      {"336", "H", "master_crew_list"},
      {"336", "I", "master_crew_list"},
      {"655", "", "gate_pass"},
  }};
  for (const auto& r : rows) {
    if (r.code == code && r.sub == sub) return r.scenario;
  }
  return std::nullopt;
}

boost::system::result<model::canonical_message> extract(const edifact::interchange& ic,
                                                        std::size_t message_index,
                                                        const message::definitions& defs,
                                                        diagnostic_sink& sink,
                                                        const extract_options& opt) {
  if (message_index >= ic.messages.size()) return make_error_code(errc::no_such_message);
  message::message_tree tree;
  const auto ec = message::parse_structure(ic, message_index, defs, sink, tree);
  // Without a usable tree (no definition matches, or a limit stopped it) the built-in profile
  // order still places every segment.
  if (ec || tree.segments.size() != ic.messages[message_index].segment_count()) {
    return run_checked(ic, message_index, nullptr, sink, opt);
  }
  return run_checked(ic, message_index, &tree, sink, opt);
}

boost::system::result<model::canonical_message> extract(const message::message_tree& tree,
                                                        diagnostic_sink& sink,
                                                        const extract_options& opt) {
  if (!tree.source) return make_error_code(errc::no_such_message);
  return run_checked(*tree.source, tree.message_index, &tree, sink, opt);
}

boost::system::error_code extract_into(const message::message_tree& tree, diagnostic_sink& sink,
                                       model::canonical_message& out, const extract_options& opt) {
  if (!tree.source) return make_error_code(errc::no_such_message);
  const edifact::interchange& ic = *tree.source;
  if (tree.message_index >= ic.messages.size()) return make_error_code(errc::no_such_message);
  if (ic.messages[tree.message_index].type != "PAXLST") return make_error_code(errc::not_paxlst);
  extractor x(ic, tree.message_index, &tree, sink, opt, out);
  x.run();
  return {};
}

boost::system::result<model::canonical_message> extract(const edifact::interchange& ic,
                                                        std::size_t message_index,
                                                        diagnostic_sink& sink,
                                                        const extract_options& opt) {
  return run_checked(ic, message_index, nullptr, sink, opt);
}

}  // namespace apipnr::paxlst
