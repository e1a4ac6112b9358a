// Message definitions (specs/messages/*.json) as an in-memory model, and the registry that
// picks the definition for a message.
//
// The JSON files are the source of truth (format: specs/messages/README.md, schema:
// specs/schemas/message-definition.schema.json). `load_definitions()` reads every `*.json` of a
// directory once at start-up; the result is immutable afterwards.
//
// Lifetime: a `definition` is heap-allocated by the registry and never moves, so `node*`,
// `segment_def*` and `field_def*` obtained from it stay valid as long as the `definitions`
// object lives (moving the registry keeps them valid; it is not copyable).
//
// Thread safety: after loading, every member function is const and safe to call from any
// number of threads.
//
// Errors: loading returns `boost::system::result<definitions, load_error>`; the error names the
// file and the JSON pointer of the offending value. `result::value()` on an error throws
// `std::runtime_error` whose message starts with "[apipnr.message.001]" (process edge only,
// see docs/error-codes-message.md).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/assert/source_location.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

namespace apipnr::message {

inline constexpr std::uint32_t unbounded = 0xFFFFFFFFu;

enum class status : std::uint8_t { mandatory, conditional };

// EDIFACT character class of a `format` ("an..35" -> an, max 35, not fixed).
enum class char_class : std::uint8_t { none, a, n, an };

struct field_format {
  char_class type = char_class::none;  // none: no type/length check (format absent)
  std::uint16_t length = 0;            // maximum, or the exact length when `fixed`
  bool fixed = false;                  // "n3" (fixed) vs "n..3" (maximum)
};

enum class repeat_encoding : std::uint8_t { positional, separator, either };

// A `{key: value}` object of the JSON (`*_by_qualifier`), kept in file order.
using keyed_strings = std::vector<std::pair<std::string, std::string>>;

// Looks `key` up in a keyed list; falls back to the "*" entry; empty when neither exists.
std::string_view lookup(const keyed_strings& list, std::string_view key) noexcept;

// A data element or a component of a composite (README "Segment definitions").
struct field_def {
  std::uint16_t pos = 0;  // 1-based position after the tag (element) or in the composite
  std::string id;         // "3035", "C080", "S002"
  std::string name;
  apipnr::message::status status = status::conditional;
  field_format format;
  std::string codes;  // code-list name; empty when none
  keyed_strings codes_by_qualifier;
  std::string maps_to;  // canonical-model path; empty when none
  keyed_strings maps_to_by_qualifier;
  std::string value_format;  // "YYMMDD", ...; empty when none
  keyed_strings value_format_by_qualifier;
  std::uint16_t repeat_max = 1;  // > 1 when the JSON has `repeat`
  repeat_encoding encoding = repeat_encoding::either;
  // Positions pos .. pos+positional_span-1 hold positional repeats: `repeat_max`, capped so that
  // it never covers the next defined element (PNRGOV EBD 2 is followed by EBD 3, so its
  // repeats can only use the repetition separator).
  std::uint16_t positional_span = 1;
  bool in_profile = true;
  std::vector<field_def> components;  // non-empty for composites (elements only)
  // Check plan, filled by the loader (plan()) so that the group parser's element checks look
  // components up in O(1): component_slots[p - 1] is the index in `components` of the first
  // component declared at position p (no_slot: none), for p up to the highest declared
  // position; mandatory_components lists the mandatory ones, in declaration order. Empty for
  // a field built by hand (`planned` false): the lookups then search.
  std::vector<std::uint16_t> component_slots;
  std::vector<std::uint16_t> mandatory_components;
  // Values that cannot give any element-check finding, so the group parser skips the full
  // check: fast_limits[c - 1] is the longest value component c (a simple element: its one
  // value, c = 1) may have and still pass: N for an..N in the profile, 0xFFFF for no format
  // in the profile, 0 (only empty passes) for anything else (a, n, fixed lengths, not in the
  // profile, no such component). fast_mandatory has bit c-1 set for each mandatory component
  // c; `fast` is false when a mandatory component lies past position 64.
  std::vector<std::uint16_t> fast_limits;
  std::uint64_t fast_mandatory = 0;
  bool fast = false;
  bool planned = false;

  static constexpr std::uint16_t no_slot = 0xFFFF;

  bool is_composite() const noexcept { return !components.empty(); }
  // The component with 1-based position `pos`, or nullptr.
  const field_def* component(std::uint16_t pos) const noexcept;
  // Fills component_slots and mandatory_components from `components` (idempotent).
  void plan();
  // maps_to for a segment qualifier value (maps_to_by_qualifier first, then maps_to).
  std::string_view maps_to_for(std::string_view qualifier) const noexcept;
  std::string_view codes_for(std::string_view qualifier) const noexcept;
  std::string_view value_format_for(std::string_view qualifier) const noexcept;
};

// A segment layout, keyed by tag or `TAG/variant`.
struct segment_def {
  std::string key;  // "TVL" or "TVL/flight"
  std::string tag;
  std::string name;
  std::uint16_t qualifier_element = 0;  // 0: the segment has no qualifier
  std::uint16_t qualifier_component = 0;
  bool open_tail = false;
  std::vector<field_def> elements;  // in `pos` order
  // Check plan, filled by the loader (plan()): position_slots[p - 1] is the element whose
  // positions cover p (index in `elements`, field_def::no_slot when none) and the repetition
  // p stands for, for p in 1 .. last_position(); mandatory_elements lists the mandatory
  // elements in `elements` order. Empty for a layout built by hand (`planned` false): the
  // lookups then search.
  struct position_slot {
    std::uint16_t element = field_def::no_slot;
    std::uint16_t repetition = 0;
  };
  std::vector<position_slot> position_slots;
  std::vector<std::uint16_t> mandatory_elements;
  // Bit p-1 set for each mandatory element's position p; mandatory_mask_complete false when
  // one lies past position 64 (the mask then does not decide).
  std::uint64_t mandatory_mask = 0;
  bool mandatory_mask_complete = false;
  bool planned = false;
  // The clean-segment test compiled into one flat table (plan() fills it; the group parser's
  // hot path reads it instead of position_slots -> elements -> fast_limits, three dependent
  // loads and two vector sizes per element): clean_slots[p - 1] for positions 1 .. min(64,
  // last_position()). A non-empty element at position p passes when it has at most
  // `max_components` components, component c is at most clean_limits[limits + c - 1] bytes
  // long and every bit of `mandatory` is a filled component; `max_components` 0 means any
  // non-empty value needs the full check (no element there, or its field is not `fast`).
  // Same verdicts as the field plans it is made from (MessagePlan tests compare both paths).
  struct clean_slot {
    std::uint64_t mandatory = 0;
    std::uint16_t limits = 0;  // offset into clean_limits
    std::uint16_t max_components = 0;
  };
  std::vector<clean_slot> clean_slots;
  std::vector<std::uint16_t> clean_limits;
  // The same test as one flat [position][component] table, for a split that checks each
  // component as its separator is found (the fast structure walk's element_indexer::
  // add_checked, index_internal.hpp), with no per-element offset to load: for row r < rows - 1
  // (position r + 1) and component c + 1 (c < split_stride), split_limits[r * split_stride + c]
  // is clean_limits' limit plus one (capped at 0xFFFF, above any indexed length) for c below
  // the slot's max_components and 0 past it; a non-empty component of length L passes when
  // L < the entry, so 0 fails any non-empty value, and a component separator into component c
  // + 1 needs a non-zero entry there (so more components than max_components fail, empty or
  // not). The last row is all zero: it stands for every position past the table (a non-empty
  // element there fails). split_stride is the largest max_components plus one (at least 2),
  // so every row ends with a zero. split_mandatory[r] is clean_slots[r].mandatory (0 in the
  // last row). split_rows is clean_slots.size() + 1, or 0 (no table: the test does not
  // decide) unless the layout is planned and mandatory_mask_complete. Same verdicts as
  // detail::clean_positions (MessagePlan and FastStructure tests compare both).
  std::vector<std::uint16_t> split_limits;
  std::vector<std::uint64_t> split_mandatory;
  std::uint16_t split_stride = 0;
  std::uint16_t split_rows = 0;

  // The element whose positions cover `pos` (positional repeats included), with the 1-based
  // repetition number `pos` stands for; {nullptr, 0} when `pos` is not defined.
  std::pair<const field_def*, std::uint16_t> element_at(std::uint16_t pos) const noexcept;
  // The element declared at exactly `pos`, or nullptr.
  const field_def* element(std::uint16_t pos) const noexcept;
  // Highest position the layout defines, positional repeats included (0 for "SRC'").
  std::uint16_t last_position() const noexcept;
  // Fills the plans of the layout and of its elements from `elements` (positional_span set;
  // idempotent). Call again after changing `elements`.
  void plan();
};

// `qualifiers` of a segment node or `trigger.qualifier` of a group.
// A three-character segment tag as one word (the size in the top byte, so that a tag of any
// other length, packed as 0, equals no three-character tag). Tags compare equal exactly when
// their packed forms do, for three-character tags.
inline std::uint32_t pack_tag(std::string_view tag) noexcept {
  if (tag.size() != 3) return 0;
  return 0x03000000u | static_cast<std::uint32_t>(static_cast<unsigned char>(tag[0])) |
         static_cast<std::uint32_t>(static_cast<unsigned char>(tag[1])) << 8 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(tag[2])) << 16;
}

struct qualifier_list {
  std::vector<std::string> values;
  bool open = true;
  bool present = false;  // the JSON had a list at all
  // `values` as words (pack_value), filled by pack() (the loader calls it), so that the group
  // parser compares one word per value; `packed` false for a list built by hand or holding a
  // value of more than 7 characters: contains() then compares the strings.
  std::vector<std::uint64_t> packed_values;
  bool packed = false;

  // A value of at most 7 bytes as one word: the bytes, and the size in the top byte.
  static std::uint64_t pack_value(std::string_view v) noexcept {
    std::uint64_t w = static_cast<std::uint64_t>(v.size()) << 56;
    for (std::size_t k = 0; k < v.size() && k < 7; ++k) {
      w |= static_cast<std::uint64_t>(static_cast<unsigned char>(v[k])) << (8 * k);
    }
    return w;
  }
  // Fills packed_values from values (idempotent).
  void pack();
  bool contains(std::string_view v) const noexcept {
    if (packed) {
      if (v.size() > 7) return false;  // every value is shorter
      const std::uint64_t w = pack_value(v);
      for (const std::uint64_t x : packed_values) {
        if (x == w) return true;
      }
      return false;
    }
    return contains_unpacked(v);
  }
  // contains() by string comparison.
  bool contains_unpacked(std::string_view v) const noexcept;
  // True when a segment whose qualifier is `v` may match (rule 2 of the README).
  bool admits(std::string_view v) const noexcept { return !present || open || contains(v); }
};

enum class node_kind : std::uint8_t { segment, group };

// Transition plan of one content list (a group's `content`, or the definition's top-level
// `structure`), filled by definition::plan() (the loader calls it), so that the group parser
// finds the nodes that may take a segment with one table read per open level instead of a
// scan of the content, and steps over the nodes that cannot be missing. Index values are
// content indices; `none` ends a chain. Empty (`planned` false) for a content list of 0xFFFF
// nodes or more: the parser then scans.
struct content_plan {
  static constexpr std::uint16_t none = 0xFFFF;
  // first_by_tag[t]: the first content index whose tag has id t (definition::tag_id), none
  // when no node of this list has that tag.
  std::vector<std::uint16_t> first_by_tag;
  // next_same_tag[j]: the next content index after j whose tag is j's, none when there is none
  // (so a chain lists a tag's nodes in content order, the order the scan meets them).
  std::vector<std::uint16_t> next_same_tag;
  // next_mandatory[k], k in 0 .. size: the first content index m >= k with min > 0, size when
  // none (only those can be reported missing when the cursor moves past them).
  std::vector<std::uint16_t> next_mandatory;
  // Relaxed groups: content indices [1, zone_end) may come in any order (README "order"): up
  // to the first nested group; the content size when there is none. 0 when not relaxed.
  std::uint16_t zone_end = 0;
  bool planned = false;
  // The compiled automaton's transition table of this list (definition::plan fills it):
  // step[(pos + 1) * tag_count + t], for the level's cursor pos (-1 before the first node, as
  // the group parser's frames keep it) in -1 .. size - 1 and tag id t, is the first content
  // index the candidate search of README "Matching algorithm" meets at this level for tag t:
  // at or after the cursor, from 1 inside a relaxed group's any-order zone, never a group's
  // trigger again; `none` when no node of this level can take the tag (only an outer level
  // can). One table read replaces the normalisation of the cursor and the chain walk. Empty
  // (the parser then runs the general search for every segment at this level) when not
  // planned or larger than max_step entries.
  std::vector<std::uint16_t> step;
  // gate[j] for each content index j: how the automaton decides whether node j takes a
  // segment it offers: take_direct (the node has no qualifier list and no node of its tag
  // has one, so no other candidate can beat it), take_exact (only when its qualifier list
  // contains the segment's qualifier), or search (the general search decides).
  enum gate_kind : std::uint8_t { take_direct = 0, take_exact = 1, search = 2 };
  std::vector<std::uint8_t> gate;
  static constexpr std::size_t max_step = std::size_t{1} << 20;
};

// One entry of `structure` (or of a group's `content`).
struct node {
  node_kind kind = node_kind::segment;
  std::string tag;    // segment tag, or the trigger segment tag of a group
  std::string group;  // "SG4" for groups, empty for segments
  std::string name;   // group name ("traveller") or segment node name
  std::string model;  // group `model`, empty when none
  std::string path;   // profile select path: "SG4/SG5/DOC", "SG2", "BGM"
  apipnr::message::status status = status::conditional;
  std::uint32_t min = 0;  // default 1 when M, else 0
  std::uint32_t max = 1;
  int level = -1;  // PADIS level, -1 when absent
  bool in_profile = true;
  bool relaxed = false;  // group `order: relaxed`
  // Segment node: `qualifiers`, read at the segment definition's qualifier position.
  // Group node: `trigger.qualifier`, read at `qualifier_element`/`qualifier_component`.
  qualifier_list qualifiers;
  std::uint16_t qualifier_element = 0;
  std::uint16_t qualifier_component = 0;
  // Layout of the segment (for a group: of its trigger); nullptr when the definition has none.
  const segment_def* def = nullptr;
  const node* parent = nullptr;  // enclosing group node; nullptr at the top level
  std::uint32_t index = 0;       // pre-order number within the definition (0-based)
  std::uint32_t depth = 0;       // 0 for top-level nodes
  std::vector<node> content;     // group content; content[0] is the trigger segment node
  // pack_tag(content[j].tag) for each j, filled by the loader: the group parser's candidate
  // scan compares one word per content node instead of each node's tag string.
  std::vector<std::uint32_t> content_tags;
  // Transition plan of `content` (groups only), filled by definition::plan().
  content_plan plan;

  bool is_group() const noexcept { return kind == node_kind::group; }
  bool mandatory() const noexcept { return status == status::mandatory; }
};

struct code_list {
  std::string name;
  keyed_strings values;  // code -> meaning; empty for external lists
  std::string external;
  std::string pattern;
  std::vector<std::string> profile_only;

  bool contains(std::string_view code) const noexcept;
};

// `match`: each key is a list of accepted strings; "*" accepts anything; an empty list (key
// absent) accepts anything too.
struct match_rule {
  std::vector<std::string> unh_type, unh_version, unh_release, unh_agency, unh_association;
  std::vector<std::string> ung_message_group, ung_agency, ung_version;

  static bool accepts(const std::vector<std::string>& list, std::string_view v) noexcept;
};

struct exclusive_constraint {
  std::vector<std::string> groups;  // group ids ("SG1", "SG3") among the top-level nodes
  std::string text;
};

class definition {
 public:
  definition() = default;
  definition(const definition&) = delete;
  definition& operator=(const definition&) = delete;

  std::string file;  // path it was loaded from (diagnostics)
  std::string message, version, release, agency, association, profile, title, confidence;
  match_rule match;
  std::vector<exclusive_constraint> exclusive;
  std::vector<node> structure;
  std::vector<std::uint32_t> structure_tags;           // pack_tag of each structure node's tag
  std::vector<std::unique_ptr<segment_def>> segments;  // stable addresses
  std::vector<code_list> code_lists;
  std::vector<const node*> nodes;  // every node in pre-order; nodes[n->index] == n
  // Transition plan of `structure`, and the tag ids the plans are indexed by: every
  // three-character tag of a node has a dense id below tag_count (tag_id()). Filled by plan(),
  // which the loader calls; `planned` false (a definition assembled by hand, or after a test
  // clears it) makes the group parser scan the content lists instead, with the same result.
  content_plan structure_plan;
  struct tag_slot {
    std::uint32_t packed = 0;  // pack_tag(tag); 0 = empty slot
    std::uint16_t id = content_plan::none;
  };
  std::vector<tag_slot> tag_table;  // open addressing, a power-of-two size, at most half full
  std::uint16_t tag_count = 0;
  // tag_qualified[t]: 1 when some node with tag id t has a qualifier list (node::qualifiers),
  // so a candidate of an outer level could still beat an inner one (README rule 2); when 0,
  // the group parser stops at the first level that offers a node.
  std::vector<std::uint8_t> tag_qualified;
  // tag_layouts[t]: the segment layout (node::def) that every node with tag id t has, so that
  // a segment's layout is known from its tag before a node takes it (the fast structure walk
  // checks the elements while it splits them); nullptr when those nodes have different
  // layouts (PNRGOV's TVL and TVL/flight) or none. tag_count entries.
  std::vector<const segment_def*> tag_layouts;
  bool planned = false;

  // Fills structure_plan, every group's node::plan and the tag table from the structure
  // (idempotent). Call again after changing the structure.
  void plan();
  // The id of a tag packed by pack_tag() (non-zero), or content_plan::none when no node has
  // that tag. Requires `planned`.
  std::uint16_t tag_id(std::uint32_t packed) const noexcept {
    const std::size_t mask = tag_table.size() - 1;
    // Fibonacci hashing: the top bits of the product spread the three tag bytes.
    std::size_t h = (static_cast<std::uint64_t>(packed) * 0x9E3779B97F4A7C15ull) >> 32 & mask;
    for (;;) {
      const tag_slot& s = tag_table[h];
      if (s.packed == packed) return s.id;
      if (s.packed == 0) return content_plan::none;
      h = (h + 1) & mask;
    }
  }

  const segment_def* find_segment(std::string_view key) const noexcept;
  const code_list* find_code_list(std::string_view name) const noexcept;
  // The node with this profile path ("SG4/SG5/DOC"); the first when several share it.
  const node* find_node(std::string_view path) const noexcept;
  // Maximum group nesting depth of the structure (1 when only plain segments).
  std::uint32_t max_depth() const noexcept { return max_depth_; }

 private:
  friend struct definition_builder;
  std::uint32_t max_depth_ = 0;
};

// What went wrong while loading; `code` is a `message::errc` load code.
struct load_error {
  boost::system::error_code code;
  std::string file;     // the file being read
  std::string pointer;  // JSON pointer of the offending value, e.g. "/structure/4/max"
  std::string detail;

  std::string to_string() const;  // "[apipnr.message.001] file#pointer: detail"
};
// Lets `result<T, load_error>::value()` throw at process edges (std::runtime_error).
[[noreturn]] void throw_exception_from_error(const load_error& e,
                                             const boost::source_location& loc);

class definitions {
 public:
  definitions() = default;
  definitions(definitions&&) noexcept = default;
  definitions& operator=(definitions&&) noexcept = default;
  definitions(const definitions&) = delete;
  definitions& operator=(const definitions&) = delete;

  // Picks the definition whose unh_type, unh_version and unh_release accept the values (and
  // unh_agency when `agency` is given). First loaded wins on ties (files load in name order).
  const definition* find(std::string_view type, std::string_view version, std::string_view release,
                         std::string_view agency = {}) const noexcept;

  std::span<const std::unique_ptr<definition>> all() const noexcept { return items_; }
  std::size_t size() const noexcept { return items_.size(); }

  // Adds one parsed definition (used by the loaders and by tests).
  void add(std::unique_ptr<definition> d) { items_.push_back(std::move(d)); }

 private:
  std::vector<std::unique_ptr<definition>> items_;
};

// Parses one definition from JSON text; `file` only labels errors.
[[nodiscard]] boost::system::result<std::unique_ptr<definition>, load_error> parse_definition(
    std::string_view json_text, std::string_view file);
// Reads one file.
[[nodiscard]] boost::system::result<std::unique_ptr<definition>, load_error> load_definition(
    const std::filesystem::path& file);
// Reads every `*.json` of `dir` (not recursive), in file-name order.
[[nodiscard]] boost::system::result<definitions, load_error> load_definitions(
    const std::filesystem::path& dir);

}  // namespace apipnr::message
