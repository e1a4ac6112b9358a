#include "apipnr/message/definitions.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <utility>

#include <nlohmann/json.hpp>

#include "apipnr/message/errc.hpp"

namespace apipnr::message {

using json = nlohmann::json;

std::string_view lookup(const keyed_strings& list, std::string_view key) noexcept {
  std::string_view star;
  for (const auto& [k, v] : list) {
    if (k == key) return v;
    if (k == "*") star = v;
  }
  return star;
}

const field_def* field_def::component(std::uint16_t p) const noexcept {
  if (planned) {
    if (p == 0 || p > component_slots.size()) return nullptr;
    const std::uint16_t k = component_slots[p - 1];
    return k == no_slot ? nullptr : &components[k];
  }
  for (const auto& c : components) {
    if (c.pos == p) return &c;
  }
  return nullptr;
}

std::string_view field_def::maps_to_for(std::string_view qualifier) const noexcept {
  const std::string_view v = lookup(maps_to_by_qualifier, qualifier);
  return v.empty() ? std::string_view(maps_to) : v;
}
std::string_view field_def::codes_for(std::string_view qualifier) const noexcept {
  const std::string_view v = lookup(codes_by_qualifier, qualifier);
  return v.empty() ? std::string_view(codes) : v;
}
std::string_view field_def::value_format_for(std::string_view qualifier) const noexcept {
  const std::string_view v = lookup(value_format_by_qualifier, qualifier);
  return v.empty() ? std::string_view(value_format) : v;
}

namespace {
// field_def::fast_limits for one value (see there).
std::uint16_t fast_limit(const field_def& f) noexcept {
  if (!f.in_profile) return 0;
  if (f.format.type == char_class::none) return 0xFFFF;
  if (f.format.type == char_class::an && !f.format.fixed) return f.format.length;
  return 0;
}
}  // namespace

void field_def::plan() {
  component_slots.clear();
  mandatory_components.clear();
  fast_limits.clear();
  fast_mandatory = 0;
  fast = false;
  planned = false;
  // Indices must fit the slots (a definition has a few dozen components at most; the loader
  // caps positions at 999).
  if (components.size() >= no_slot) return;
  std::uint16_t last = 0;
  for (const auto& c : components) last = std::max(last, c.pos);
  component_slots.assign(last, no_slot);
  for (std::size_t k = 0; k < components.size(); ++k) {
    const field_def& c = components[k];
    // The first declared wins, as in the search.
    if (c.pos >= 1 && component_slots[c.pos - 1] == no_slot) {
      component_slots[c.pos - 1] = static_cast<std::uint16_t>(k);
    }
    if (c.status == status::mandatory)
      mandatory_components.push_back(static_cast<std::uint16_t>(k));
  }
  fast = true;
  if (components.empty()) {
    fast_limits.push_back(fast_limit(*this));
  } else {
    fast_limits.assign(last, 0);
    for (std::size_t p = 0; p < last; ++p) {
      if (component_slots[p] != no_slot)
        fast_limits[p] = fast_limit(components[component_slots[p]]);
    }
    for (const std::uint16_t k : mandatory_components) {
      const std::uint16_t p = components[k].pos;
      if (p > 64) fast = false;
      if (p >= 1 && p <= 64) fast_mandatory |= std::uint64_t{1} << (p - 1);
    }
  }
  planned = true;
}

void segment_def::plan() {
  position_slots.clear();
  clean_slots.clear();
  clean_limits.clear();
  split_limits.clear();
  split_mandatory.clear();
  split_stride = 0;
  split_rows = 0;
  mandatory_elements.clear();
  mandatory_mask = 0;
  mandatory_mask_complete = false;
  planned = false;
  for (auto& e : elements) e.plan();
  if (elements.size() >= field_def::no_slot) return;
  std::uint16_t last = 0;
  for (const auto& e : elements) {
    last = std::max(last, static_cast<std::uint16_t>(e.pos + e.positional_span - 1));
  }
  position_slots.assign(last, position_slot{});
  for (std::size_t k = 0; k < elements.size(); ++k) {
    const field_def& e = elements[k];
    // element_at's search returns the first element (in `elements` order) covering p.
    for (std::uint32_t p = e.pos; p < std::uint32_t{e.pos} + e.positional_span; ++p) {
      if (p >= 1 && p <= last && position_slots[p - 1].element == field_def::no_slot) {
        position_slots[p - 1] = {static_cast<std::uint16_t>(k),
                                 static_cast<std::uint16_t>(p - e.pos + 1)};
      }
    }
    if (e.status == status::mandatory) mandatory_elements.push_back(static_cast<std::uint16_t>(k));
  }
  mandatory_mask_complete = true;
  for (const std::uint16_t m : mandatory_elements) {
    const std::uint16_t p = elements[m].pos;
    if (p >= 1 && p <= 64) {
      mandatory_mask |= std::uint64_t{1} << (p - 1);
    } else {
      mandatory_mask_complete = false;
    }
  }
  clean_slots.assign(std::min<std::size_t>(last, 64), clean_slot{});
  clean_limits.clear();
  for (std::size_t p = 0; p < clean_slots.size(); ++p) {
    const std::uint16_t k = position_slots[p].element;
    if (k == field_def::no_slot) continue;
    const field_def& f = elements[k];
    // Offsets must fit 16 bits (64 positions of a few dozen components each in practice);
    // a slot left at max_components 0 only sends the element to the full check.
    if (!f.fast || f.fast_limits.empty() || f.fast_limits.size() > 64 ||
        clean_limits.size() + f.fast_limits.size() > 0xFFFF) {
      continue;
    }
    clean_slot& s = clean_slots[p];
    s.mandatory = f.fast_mandatory;
    s.limits = static_cast<std::uint16_t>(clean_limits.size());
    s.max_components = static_cast<std::uint16_t>(f.fast_limits.size());
    clean_limits.insert(clean_limits.end(), f.fast_limits.begin(), f.fast_limits.end());
  }
  planned = true;
  if (!mandatory_mask_complete) return;
  // The flat table (see split_limits) from the clean table: at most 65 rows of at most 65
  // entries.
  std::size_t stride = 2;
  for (const clean_slot& c : clean_slots) {
    stride = std::max<std::size_t>(stride, std::size_t{c.max_components} + 1);
  }
  const std::size_t rows = clean_slots.size() + 1;
  split_limits.assign(rows * stride, 0);
  split_mandatory.assign(rows, 0);
  for (std::size_t r = 0; r < clean_slots.size(); ++r) {
    const clean_slot& c = clean_slots[r];
    for (std::size_t k = 0; k < c.max_components; ++k) {
      split_limits[r * stride + k] = static_cast<std::uint16_t>(
          std::min<std::uint32_t>(std::uint32_t{clean_limits[c.limits + k]} + 1, 0xFFFF));
    }
    split_mandatory[r] = c.mandatory;
  }
  split_stride = static_cast<std::uint16_t>(stride);
  split_rows = static_cast<std::uint16_t>(rows);
}

std::pair<const field_def*, std::uint16_t> segment_def::element_at(std::uint16_t p) const noexcept {
  if (planned) {
    if (p == 0 || p > position_slots.size()) return {nullptr, 0};
    const position_slot s = position_slots[p - 1];
    if (s.element == field_def::no_slot) return {nullptr, 0};
    return {&elements[s.element], s.repetition};
  }
  for (const auto& e : elements) {
    if (p >= e.pos && p < e.pos + e.positional_span) {
      return {&e, static_cast<std::uint16_t>(p - e.pos + 1)};
    }
  }
  return {nullptr, 0};
}

const field_def* segment_def::element(std::uint16_t p) const noexcept {
  for (const auto& e : elements) {
    if (e.pos == p) return &e;
  }
  return nullptr;
}

std::uint16_t segment_def::last_position() const noexcept {
  if (planned) return static_cast<std::uint16_t>(position_slots.size());
  std::uint16_t last = 0;
  for (const auto& e : elements) {
    last = std::max(last, static_cast<std::uint16_t>(e.pos + e.positional_span - 1));
  }
  return last;
}

void qualifier_list::pack() {
  packed_values.clear();
  packed = false;
  for (const std::string& q : values) {
    if (q.size() > 7) {
      packed_values.clear();
      return;
    }
    packed_values.push_back(pack_value(q));
  }
  packed = true;
}

bool qualifier_list::contains_unpacked(std::string_view v) const noexcept {
  // Size first, then bytes inline: the group parser asks for most segments, and qualifiers
  // are a few characters (a memcmp call per candidate cost more than the comparison).
  for (const std::string& q : values) {
    if (q.size() != v.size()) continue;
    std::size_t k = 0;
    while (k < v.size() && q[k] == v[k]) ++k;
    if (k == v.size()) return true;
  }
  return false;
}

bool code_list::contains(std::string_view code) const noexcept {
  return std::any_of(values.begin(), values.end(),
                     [&](const auto& kv) { return kv.first == code; });
}

bool match_rule::accepts(const std::vector<std::string>& list, std::string_view v) noexcept {
  if (list.empty()) return true;
  return std::any_of(list.begin(), list.end(),
                     [&](const std::string& s) { return s == "*" || s == v; });
}

namespace {
// content_plan of one content list; ids from the definition's tag table (tag_id).
void plan_content(const definition& d, const std::vector<node>& content, bool group, bool relaxed,
                  content_plan& p) {
  p = content_plan{};
  if (content.size() >= content_plan::none) return;
  const auto size = static_cast<std::uint16_t>(content.size());
  p.first_by_tag.assign(d.tag_count, content_plan::none);
  p.next_same_tag.assign(size, content_plan::none);
  // Backwards, so that each chain ends up in content order.
  for (std::uint16_t j = size; j-- > 0;) {
    const std::uint32_t packed = pack_tag(content[j].tag);
    if (packed == 0) continue;  // never matched through the table (the parser scans)
    const std::uint16_t id = d.tag_id(packed);
    p.next_same_tag[j] = p.first_by_tag[id];
    p.first_by_tag[id] = j;
  }
  p.next_mandatory.assign(std::size_t{size} + 1, size);
  for (std::uint16_t k = size; k-- > 0;) {
    p.next_mandatory[k] = content[k].min > 0 ? k : p.next_mandatory[k + 1];
  }
  if (relaxed) {
    p.zone_end = size;
    for (std::uint16_t j = 1; j < size; ++j) {
      if (content[j].is_group()) {
        p.zone_end = j;
        break;
      }
    }
  }
  p.planned = true;
  // The automaton's table: for each cursor, where structure_parser::search() starts this
  // level's scan (the same normalisation, so both meet the same first node), then the first
  // node of each tag from there, read off the chains.
  const std::size_t tags = d.tag_count;
  if ((std::size_t{size} + 1) * tags <= content_plan::max_step) {
    p.step.assign((std::size_t{size} + 1) * tags, content_plan::none);
    for (std::size_t c = 0; c <= size; ++c) {
      std::size_t from = c == 0 ? 0 : c - 1;
      if (relaxed && from < p.zone_end) from = 1;
      if (group && from == 0) from = 1;  // a trigger never takes a second segment
      for (std::size_t t = 0; t < tags; ++t) {
        std::uint16_t j = p.first_by_tag[t];
        while (j != content_plan::none && j < from) j = p.next_same_tag[j];
        p.step[c * tags + t] = j;
      }
    }
  }
  p.gate.assign(size, content_plan::search);
  for (std::uint16_t j = 0; j < size; ++j) {
    const std::uint32_t packed = pack_tag(content[j].tag);
    if (packed == 0) continue;
    // README rule 2: a node with a qualifier list takes a segment outright only on an exact
    // match; one without takes it outright only when no node of the tag has a list (no
    // candidate of an outer level can then beat it).
    if (content[j].qualifiers.present) {
      p.gate[j] = content_plan::take_exact;
    } else if (d.tag_qualified[d.tag_id(packed)] == 0) {
      p.gate[j] = content_plan::take_direct;
    }
  }
}

void plan_groups(const definition& d, std::vector<node>& content) {
  for (node& n : content) {
    if (!n.is_group()) continue;
    plan_content(d, n.content, true, n.relaxed, n.plan);
    plan_groups(d, n.content);
  }
}
}  // namespace

void definition::plan() {
  planned = false;
  tag_table.clear();
  tag_qualified.clear();
  tag_layouts.clear();
  tag_count = 0;
  // Distinct three-character tags of all nodes (a group's tag is its trigger's, also a node).
  std::vector<std::uint32_t> tags;
  for (const node* n : nodes) {
    const std::uint32_t packed = pack_tag(n->tag);
    if (packed != 0 && std::find(tags.begin(), tags.end(), packed) == tags.end()) {
      tags.push_back(packed);
    }
  }
  if (tags.size() >= content_plan::none) return;
  std::size_t size = 16;
  while (size < 2 * tags.size()) size *= 2;
  tag_table.assign(size, tag_slot{});
  for (const std::uint32_t packed : tags) {
    const std::size_t mask = size - 1;
    std::size_t h = (static_cast<std::uint64_t>(packed) * 0x9E3779B97F4A7C15ull) >> 32 & mask;
    while (tag_table[h].packed != 0) h = (h + 1) & mask;
    tag_table[h] = tag_slot{packed, tag_count++};
  }
  tag_qualified.assign(tag_count, 0);
  for (const node* n : nodes) {
    const std::uint32_t packed = pack_tag(n->tag);
    if (packed != 0 && n->qualifiers.present) tag_qualified[tag_id(packed)] = 1;
  }
  // One layout per tag when all its nodes share it (a group node has its trigger's).
  tag_layouts.assign(tag_count, nullptr);
  {
    std::vector<std::uint8_t> seen(tag_count, 0);
    for (const node* n : nodes) {
      const std::uint32_t packed = pack_tag(n->tag);
      if (packed == 0) continue;
      const std::uint16_t t = tag_id(packed);
      if (seen[t] == 0) {
        seen[t] = 1;
        tag_layouts[t] = n->def;
      } else if (tag_layouts[t] != n->def) {
        seen[t] = 2;
      }
    }
    for (std::uint16_t t = 0; t < tag_count; ++t) {
      if (seen[t] == 2) tag_layouts[t] = nullptr;
    }
  }
  plan_content(*this, structure, false, false, structure_plan);
  plan_groups(*this, structure);
  planned = true;
}

const segment_def* definition::find_segment(std::string_view key) const noexcept {
  for (const auto& s : segments) {
    if (s->key == key) return s.get();
  }
  return nullptr;
}

const code_list* definition::find_code_list(std::string_view name) const noexcept {
  for (const auto& c : code_lists) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

const node* definition::find_node(std::string_view path) const noexcept {
  for (const node* n : nodes) {
    if (n->path == path) return n;
  }
  return nullptr;
}

std::string load_error::to_string() const {
  std::string s = "[apipnr.message.001] ";
  s += file;
  if (!pointer.empty()) {
    s += '#';
    s += pointer;
  }
  s += ": ";
  s += code.message();
  if (!detail.empty()) {
    s += " (";
    s += detail;
    s += ')';
  }
  return s;
}

void throw_exception_from_error(const load_error& e, const boost::source_location&) {
  throw std::runtime_error(e.to_string());
}

const definition* definitions::find(std::string_view type, std::string_view version,
                                    std::string_view release,
                                    std::string_view agency) const noexcept {
  for (const auto& d : items_) {
    const match_rule& m = d->match;
    if (!match_rule::accepts(m.unh_type, type) || !match_rule::accepts(m.unh_version, version) ||
        !match_rule::accepts(m.unh_release, release)) {
      continue;
    }
    if (!agency.empty() && !match_rule::accepts(m.unh_agency, agency)) continue;
    return d.get();
  }
  return nullptr;
}

// Builds a definition from parsed JSON. Loading happens once at start-up, so clarity wins over
// speed here; every failure carries the JSON pointer of the value at fault.
struct definition_builder {
  std::string file;
  definition& d;
  load_error err;
  bool failed = false;

  bool fail(errc code, const std::string& pointer, std::string detail) {
    if (!failed) {
      err = load_error{make_error_code(code), file, pointer, std::move(detail)};
      failed = true;
    }
    return false;
  }

  bool get_string(const json& o, const char* key, const std::string& ptr, std::string& out,
                  bool required) {
    const auto it = o.find(key);
    if (it == o.end()) {
      return required ? fail(errc::load_schema, ptr + "/" + key, "required string missing") : true;
    }
    if (!it->is_string()) return fail(errc::load_schema, ptr + "/" + key, "expected a string");
    out = it->get<std::string>();
    return true;
  }

  bool get_uint(const json& o, const char* key, const std::string& ptr, std::uint32_t& out,
                bool required) {
    const auto it = o.find(key);
    if (it == o.end()) {
      return required ? fail(errc::load_schema, ptr + "/" + key, "required integer missing") : true;
    }
    if (!it->is_number_unsigned()) {
      return fail(errc::load_schema, ptr + "/" + key, "expected a non-negative integer");
    }
    const auto v = it->get<std::uint64_t>();
    out = v > 0xFFFFFFFFull ? unbounded : static_cast<std::uint32_t>(v);
    return true;
  }

  bool get_bool(const json& o, const char* key, const std::string& ptr, bool& out) {
    const auto it = o.find(key);
    if (it == o.end()) return true;
    if (!it->is_boolean()) return fail(errc::load_schema, ptr + "/" + key, "expected a boolean");
    out = it->get<bool>();
    return true;
  }

  bool get_status(const json& o, const std::string& ptr, status& out) {
    std::string s;
    if (!get_string(o, "status", ptr, s, true)) return false;
    if (s == "M") {
      out = status::mandatory;
    } else if (s == "C") {
      out = status::conditional;
    } else {
      return fail(errc::load_schema, ptr + "/status", "expected M or C");
    }
    return true;
  }

  bool get_match_value(const json& o, const char* key, const std::string& ptr,
                       std::vector<std::string>& out) {
    const auto it = o.find(key);
    if (it == o.end()) return true;
    if (it->is_string()) {
      out.push_back(it->get<std::string>());
      return true;
    }
    if (!it->is_array()) return fail(errc::load_schema, ptr + "/" + key, "expected string or list");
    for (std::size_t i = 0; i < it->size(); ++i) {
      if (!(*it)[i].is_string()) {
        return fail(errc::load_schema, ptr + "/" + key + "/" + std::to_string(i),
                    "expected a string");
      }
      out.push_back((*it)[i].get<std::string>());
    }
    return true;
  }

  bool get_keyed(const json& o, const char* key, const std::string& ptr, keyed_strings& out) {
    const auto it = o.find(key);
    if (it == o.end()) return true;
    if (!it->is_object()) return fail(errc::load_schema, ptr + "/" + key, "expected an object");
    for (const auto& [k, v] : it->items()) {
      if (!v.is_string())
        return fail(errc::load_schema, ptr + "/" + key + "/" + k, "expected a string");
      out.emplace_back(k, v.get<std::string>());
    }
    return true;
  }

  bool parse_format(const std::string& text, const std::string& ptr, field_format& out) {
    std::size_t i = 0;
    if (text.rfind("an", 0) == 0) {
      out.type = char_class::an;
      i = 2;
    } else if (!text.empty() && text[0] == 'a') {
      out.type = char_class::a;
      i = 1;
    } else if (!text.empty() && text[0] == 'n') {
      out.type = char_class::n;
      i = 1;
    } else {
      return fail(errc::load_schema, ptr, "format must be a, n or an");
    }
    out.fixed = text.compare(i, 2, "..") != 0;
    if (!out.fixed) i += 2;
    if (i >= text.size() || text.size() - i > 4) return fail(errc::load_schema, ptr, "bad length");
    unsigned len = 0;
    for (; i < text.size(); ++i) {
      if (text[i] < '0' || text[i] > '9') return fail(errc::load_schema, ptr, "bad length");
      len = len * 10 + static_cast<unsigned>(text[i] - '0');
    }
    if (len == 0) return fail(errc::load_schema, ptr, "length must be positive");
    out.length = static_cast<std::uint16_t>(len);
    return true;
  }

  bool parse_field(const json& o, const std::string& ptr, field_def& f, bool is_element) {
    if (!o.is_object()) return fail(errc::load_schema, ptr, "expected an object");
    std::uint32_t pos = 0;
    if (!get_uint(o, "pos", ptr, pos, true)) return false;
    if (pos == 0 || pos > 999) return fail(errc::load_schema, ptr + "/pos", "pos out of range");
    f.pos = static_cast<std::uint16_t>(pos);
    std::string format;
    if (!get_string(o, "id", ptr, f.id, true) || !get_string(o, "name", ptr, f.name, false) ||
        !get_status(o, ptr, f.status) || !get_string(o, "format", ptr, format, false) ||
        !get_string(o, "codes", ptr, f.codes, false) ||
        !get_keyed(o, "codes_by_qualifier", ptr, f.codes_by_qualifier) ||
        !get_string(o, "maps_to", ptr, f.maps_to, false) ||
        !get_keyed(o, "maps_to_by_qualifier", ptr, f.maps_to_by_qualifier) ||
        !get_string(o, "value_format", ptr, f.value_format, false) ||
        !get_keyed(o, "value_format_by_qualifier", ptr, f.value_format_by_qualifier) ||
        !get_bool(o, "in_profile", ptr, f.in_profile)) {
      return false;
    }
    if (!format.empty() && !parse_format(format, ptr + "/format", f.format)) return false;
    if (const auto it = o.find("repeat"); it != o.end()) {
      const std::string rp = ptr + "/repeat";
      if (!is_element || !it->is_object()) return fail(errc::load_schema, rp, "unexpected repeat");
      std::uint32_t max = 0;
      std::string enc = "either";
      if (!get_uint(*it, "max", rp, max, true) || !get_string(*it, "encoding", rp, enc, false)) {
        return false;
      }
      if (max < 2 || max > 9999) return fail(errc::load_schema, rp + "/max", "out of range");
      f.repeat_max = static_cast<std::uint16_t>(max);
      if (enc == "positional") {
        f.encoding = repeat_encoding::positional;
      } else if (enc == "separator") {
        f.encoding = repeat_encoding::separator;
      } else if (enc == "either") {
        f.encoding = repeat_encoding::either;
      } else {
        return fail(errc::load_schema, rp + "/encoding", "unknown encoding");
      }
    }
    if (const auto it = o.find("components"); it != o.end()) {
      if (!is_element || !it->is_array() || it->empty()) {
        return fail(errc::load_schema, ptr + "/components", "expected a non-empty list");
      }
      for (std::size_t i = 0; i < it->size(); ++i) {
        field_def c;
        if (!parse_field((*it)[i], ptr + "/components/" + std::to_string(i), c, false)) {
          return false;
        }
        f.components.push_back(std::move(c));
      }
    }
    return true;
  }

  bool parse_segment(const std::string& key, const json& o, const std::string& ptr,
                     segment_def& s) {
    if (!o.is_object()) return fail(errc::load_schema, ptr, "expected an object");
    s.key = key;
    if (!get_string(o, "tag", ptr, s.tag, true) || !get_string(o, "name", ptr, s.name, false) ||
        !get_bool(o, "open_tail", ptr, s.open_tail)) {
      return false;
    }
    if (key.compare(0, 3, s.tag) != 0)
      return fail(errc::load_schema, ptr + "/tag", "tag differs from key");
    if (const auto it = o.find("qualifier"); it != o.end()) {
      std::uint32_t e = 0, c = 0;
      if (!get_uint(*it, "element", ptr + "/qualifier", e, true) ||
          !get_uint(*it, "component", ptr + "/qualifier", c, true)) {
        return false;
      }
      s.qualifier_element = static_cast<std::uint16_t>(std::min<std::uint32_t>(e, 999));
      s.qualifier_component = static_cast<std::uint16_t>(std::min<std::uint32_t>(c, 999));
    }
    const auto els = o.find("elements");
    if (els == o.end() || !els->is_array()) {
      return fail(errc::load_schema, ptr + "/elements", "expected a list");
    }
    for (std::size_t i = 0; i < els->size(); ++i) {
      field_def f;
      if (!parse_field((*els)[i], ptr + "/elements/" + std::to_string(i), f, true)) return false;
      s.elements.push_back(std::move(f));
    }
    std::stable_sort(s.elements.begin(), s.elements.end(),
                     [](const field_def& a, const field_def& b) { return a.pos < b.pos; });
    // Positional repeats may not run into the next declared element (see positional_span).
    for (std::size_t i = 0; i < s.elements.size(); ++i) {
      field_def& f = s.elements[i];
      std::uint32_t span = f.encoding == repeat_encoding::separator ? 1u : f.repeat_max;
      if (i + 1 < s.elements.size()) {
        span = std::min<std::uint32_t>(span, s.elements[i + 1].pos - f.pos);
      }
      f.positional_span = static_cast<std::uint16_t>(std::max<std::uint32_t>(span, 1));
    }
    s.plan();
    return true;
  }

  bool parse_qualifiers(const json& o, const std::string& ptr, qualifier_list& q) {
    if (!o.is_object()) return fail(errc::load_schema, ptr, "expected an object");
    q.present = true;
    if (!get_match_value(o, "values", ptr, q.values) || !get_bool(o, "open", ptr, q.open)) {
      return false;
    }
    return true;
  }

  bool parse_node(const json& o, const std::string& ptr, node& n, const std::string& parent_path,
                  std::uint32_t depth) {
    if (!o.is_object()) return fail(errc::load_schema, ptr, "expected an object");
    n.depth = depth;
    std::uint32_t max = 1;
    if (!get_status(o, ptr, n.status) || !get_uint(o, "max", ptr, max, true)) return false;
    if (max == 0) return fail(errc::load_schema, ptr + "/max", "max must be at least 1");
    n.max = max;
    n.min = n.mandatory() ? 1 : 0;
    if (!get_uint(o, "min", ptr, n.min, false) || !get_bool(o, "in_profile", ptr, n.in_profile) ||
        !get_string(o, "name", ptr, n.name, false)) {
      return false;
    }
    std::uint32_t level = 0;
    if (o.contains("level")) {
      if (!get_uint(o, "level", ptr, level, true)) return false;
      n.level = static_cast<int>(std::min<std::uint32_t>(level, 99));
    }
    const std::string prefix = parent_path.empty() ? "" : parent_path + "/";
    if (o.contains("group")) {
      n.kind = node_kind::group;
      std::string order = "strict";
      if (!get_string(o, "group", ptr, n.group, true) ||
          !get_string(o, "model", ptr, n.model, false) ||
          !get_string(o, "order", ptr, order, false)) {
        return false;
      }
      n.relaxed = order == "relaxed";
      n.path = prefix + n.group;
      const auto trig = o.find("trigger");
      if (trig == o.end() || !trig->is_object()) {
        return fail(errc::load_schema, ptr + "/trigger", "expected an object");
      }
      if (!get_string(*trig, "segment", ptr + "/trigger", n.tag, true)) return false;
      if (const auto q = trig->find("qualifier"); q != trig->end()) {
        std::uint32_t e = 0, c = 0;
        const std::string qp = ptr + "/trigger/qualifier";
        if (!parse_qualifiers(*q, qp, n.qualifiers) || !get_uint(*q, "element", qp, e, true) ||
            !get_uint(*q, "component", qp, c, true)) {
          return false;
        }
        n.qualifier_element = static_cast<std::uint16_t>(std::min<std::uint32_t>(e, 999));
        n.qualifier_component = static_cast<std::uint16_t>(std::min<std::uint32_t>(c, 999));
      }
      const auto content = o.find("content");
      if (content == o.end() || !content->is_array() || content->empty()) {
        return fail(errc::load_schema, ptr + "/content", "expected a non-empty list");
      }
      n.content.resize(content->size());
      for (std::size_t i = 0; i < content->size(); ++i) {
        if (!parse_node((*content)[i], ptr + "/content/" + std::to_string(i), n.content[i], n.path,
                        depth + 1)) {
          return false;
        }
      }
      const node& t = n.content[0];
      if (t.is_group() || t.tag != n.tag) {
        return fail(errc::load_schema, ptr + "/content/0",
                    "content[0] must be the trigger segment");
      }
      n.def = t.def;
      return true;
    }
    n.kind = node_kind::segment;
    std::string def_key;
    if (!get_string(o, "segment", ptr, n.tag, true) || !get_string(o, "def", ptr, def_key, false)) {
      return false;
    }
    n.path = prefix + n.tag;
    if (def_key.empty()) def_key = n.tag;
    n.def = d.find_segment(def_key);
    if (n.def == nullptr && o.contains("def")) {
      return fail(errc::load_reference, ptr + "/def", "no segment layout '" + def_key + "'");
    }
    if (const auto q = o.find("qualifiers"); q != o.end()) {
      if (!parse_qualifiers(*q, ptr + "/qualifiers", n.qualifiers)) return false;
    }
    if (n.def != nullptr) {
      n.qualifier_element = n.def->qualifier_element;
      n.qualifier_component = n.def->qualifier_component;
    }
    return true;
  }

  void link(node& n, const node* parent, std::uint32_t& max_depth) {
    n.parent = parent;
    n.qualifiers.pack();
    n.index = static_cast<std::uint32_t>(d.nodes.size());
    d.nodes.push_back(&n);
    if (n.is_group()) {
      max_depth = std::max(max_depth, n.depth + 1);
      n.content_tags.clear();
      for (auto& c : n.content) {
        n.content_tags.push_back(pack_tag(c.tag));
        link(c, &n, max_depth);
      }
    }
  }

  bool build(const json& root) {
    if (!root.is_object()) return fail(errc::load_schema, "", "expected an object");
    if (!get_string(root, "message", "", d.message, true) ||
        !get_string(root, "version", "", d.version, true) ||
        !get_string(root, "release", "", d.release, true) ||
        !get_string(root, "agency", "", d.agency, true) ||
        !get_string(root, "association", "", d.association, false) ||
        !get_string(root, "profile", "", d.profile, false) ||
        !get_string(root, "title", "", d.title, false) ||
        !get_string(root, "confidence", "", d.confidence, false)) {
      return false;
    }
    const auto m = root.find("match");
    if (m == root.end() || !m->is_object())
      return fail(errc::load_schema, "/match", "expected an object");
    match_rule& r = d.match;
    if (!get_match_value(*m, "unh_type", "/match", r.unh_type) ||
        !get_match_value(*m, "unh_version", "/match", r.unh_version) ||
        !get_match_value(*m, "unh_release", "/match", r.unh_release) ||
        !get_match_value(*m, "unh_agency", "/match", r.unh_agency) ||
        !get_match_value(*m, "unh_association", "/match", r.unh_association) ||
        !get_match_value(*m, "ung_message_group", "/match", r.ung_message_group) ||
        !get_match_value(*m, "ung_agency", "/match", r.ung_agency) ||
        !get_match_value(*m, "ung_version", "/match", r.ung_version)) {
      return false;
    }
    if (r.unh_type.empty() || r.unh_version.empty() || r.unh_release.empty()) {
      return fail(errc::load_schema, "/match",
                  "unh_type, unh_version and unh_release are required");
    }
    // Segments first: structure nodes resolve their layout by key.
    const auto segs = root.find("segments");
    if (segs == root.end() || !segs->is_object()) {
      return fail(errc::load_schema, "/segments", "expected an object");
    }
    for (const auto& [key, value] : segs->items()) {
      auto s = std::make_unique<segment_def>();
      if (!parse_segment(key, value, "/segments/" + key, *s)) return false;
      d.segments.push_back(std::move(s));
    }
    const auto lists = root.find("code_lists");
    if (lists == root.end() || !lists->is_object()) {
      return fail(errc::load_schema, "/code_lists", "expected an object");
    }
    for (const auto& [name, value] : lists->items()) {
      const std::string ptr = "/code_lists/" + name;
      if (!value.is_object()) return fail(errc::load_schema, ptr, "expected an object");
      code_list c;
      c.name = name;
      if (!get_keyed(value, "values", ptr, c.values) ||
          !get_string(value, "external", ptr, c.external, false) ||
          !get_string(value, "pattern", ptr, c.pattern, false) ||
          !get_match_value(value, "profile_only", ptr, c.profile_only)) {
        return false;
      }
      d.code_lists.push_back(std::move(c));
    }
    const auto st = root.find("structure");
    if (st == root.end() || !st->is_array() || st->empty()) {
      return fail(errc::load_schema, "/structure", "expected a non-empty list");
    }
    d.structure.resize(st->size());
    for (std::size_t i = 0; i < st->size(); ++i) {
      if (!parse_node((*st)[i], "/structure/" + std::to_string(i), d.structure[i], "", 0)) {
        return false;
      }
    }
    std::uint32_t max_depth = 1;
    d.structure_tags.clear();
    for (auto& n : d.structure) {
      d.structure_tags.push_back(pack_tag(n.tag));
      link(n, nullptr, max_depth);
    }
    d.max_depth_ = max_depth;
    d.plan();
    if (const auto cs = root.find("constraints"); cs != root.end()) {
      if (!cs->is_array()) return fail(errc::load_schema, "/constraints", "expected a list");
      for (std::size_t i = 0; i < cs->size(); ++i) {
        const std::string ptr = "/constraints/" + std::to_string(i);
        exclusive_constraint c;
        std::string kind;
        if (!get_string((*cs)[i], "kind", ptr, kind, true) ||
            !get_match_value((*cs)[i], "groups", ptr, c.groups) ||
            !get_string((*cs)[i], "text", ptr, c.text, false)) {
          return false;
        }
        if (kind != "exclusive") return fail(errc::load_schema, ptr + "/kind", "unknown kind");
        for (std::size_t g = 0; g < c.groups.size(); ++g) {
          const bool found =
              std::any_of(d.structure.begin(), d.structure.end(),
                          [&](const node& n) { return n.is_group() && n.group == c.groups[g]; });
          if (!found) {
            return fail(errc::load_reference, ptr + "/groups/" + std::to_string(g),
                        "no top-level group '" + c.groups[g] + "'");
          }
        }
        d.exclusive.push_back(std::move(c));
      }
    }
    // Every code list an element names must exist, so that the profile engine can rely on it.
    for (const auto& s : d.segments) {
      for (const auto& e : s->elements) {
        if (!check_codes(e, "/segments/" + s->key)) return false;
        for (const auto& c : e.components) {
          if (!check_codes(c, "/segments/" + s->key)) return false;
        }
      }
    }
    return true;
  }

  bool check_codes(const field_def& f, const std::string& ptr) {
    if (!f.codes.empty() && d.find_code_list(f.codes) == nullptr) {
      return fail(errc::load_reference, ptr, "no code list '" + f.codes + "' (" + f.id + ")");
    }
    for (const auto& [q, list] : f.codes_by_qualifier) {
      if (d.find_code_list(list) == nullptr) {
        return fail(errc::load_reference, ptr, "no code list '" + list + "' (" + f.id + ")");
      }
    }
    return true;
  }
};

boost::system::result<std::unique_ptr<definition>, load_error> parse_definition(
    std::string_view json_text, std::string_view file) {
  const json root = json::parse(json_text.begin(), json_text.end(), nullptr, false);
  if (root.is_discarded()) {
    return load_error{make_error_code(errc::load_json), std::string(file), "", "parse error"};
  }
  auto d = std::make_unique<definition>();
  d->file = std::string(file);
  definition_builder b{std::string(file), *d, {}, false};
  if (!b.build(root)) return std::move(b.err);
  return d;
}

boost::system::result<std::unique_ptr<definition>, load_error> load_definition(
    const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return load_error{make_error_code(errc::load_io), file.string(), "", "cannot open"};
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return load_error{make_error_code(errc::load_io), file.string(), "", "read error"};
  return parse_definition(text.str(), file.string());
}

boost::system::result<definitions, load_error> load_definitions(const std::filesystem::path& dir) {
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".json") files.push_back(it->path());
  }
  if (ec) return load_error{make_error_code(errc::load_io), dir.string(), "", ec.message()};
  std::sort(files.begin(), files.end());
  definitions out;
  for (const auto& f : files) {
    auto d = load_definition(f);
    if (!d) return d.error();
    out.add(std::move(*d));
  }
  return out;
}

}  // namespace apipnr::message
