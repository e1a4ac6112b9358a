#include "apipnr/profile/profile.hpp"

#include <algorithm>
#include <fstream>
#include <mutex>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "compiled.hpp"

namespace apipnr::profile {

using json = nlohmann::json;

namespace {

constexpr std::size_t max_chain = 16;

// Rule ids and requirement ids outlive every profile: diagnostic.hpp promises that `id` and
// `requirement` point to static storage. The set is node-based, so views stay valid as it
// grows; it only grows at load time (never on the evaluation path).
std::string_view intern(std::string_view s) {
  static std::mutex mu;
  static std::set<std::string, std::less<>> pool;
  if (s.empty()) return {};
  std::lock_guard lock(mu);
  auto it = pool.find(s);
  if (it == pool.end()) it = pool.emplace(s).first;
  return *it;
}

std::string escape_pointer(std::string_view key) {
  // nlohmann escapes a pointer's tokens ("~" -> "~0", "/" -> "~1") when it prints one.
  return (nlohmann::json::json_pointer() / std::string(key)).to_string().substr(1);
}

load_error make_error(errc code, std::string file, std::string pointer, std::string detail) {
  return {make_error_code(code), std::move(file), std::move(pointer), std::move(detail)};
}

// One rule as the overlays leave it, with where each part came from.
struct rule_entry {
  json value;
  std::string file;
  std::string pointer;       // of the rule object
  std::string args_file;     // where `args` was last patched (error messages)
  std::string args_pointer;  // "/rules/3/args" or "/overrides/0/args"
};

struct loaded_file {
  std::string file;
  json doc;
};

boost::system::result<json, load_error> read_json(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(errc::load_io, path.string(), "", "cannot open file");
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return make_error(errc::load_io, path.string(), "", "read failed");
  json doc = json::parse(ss.str(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return make_error(errc::load_json, path.string(), "", "not valid JSON");
  if (!doc.is_object()) {
    return make_error(errc::load_schema, path.string(), "", "top level is not an object");
  }
  return doc;
}

// Reads `file` and its parents, root first.
boost::system::result<std::vector<loaded_file>, load_error> read_chain(
    const std::filesystem::path& file, const load_options& opt) {
  std::vector<loaded_file> chain;
  std::filesystem::path current = file;
  std::vector<std::string> names;
  while (true) {
    if (chain.size() >= max_chain) {
      return make_error(errc::load_extends_cycle, current.string(), "/extends",
                        "extends chain deeper than 16");
    }
    auto doc = read_json(current);
    if (!doc) return doc.error();
    const std::string f = current.string();
    const json& d = *doc;
    if (!d.contains("profile") || !d["profile"].is_string()) {
      return make_error(errc::load_schema, f, "/profile", "missing or not a string");
    }
    const std::string name = d["profile"].get<std::string>();
    if (current.stem().string() != name) {
      return make_error(errc::load_name_mismatch, f, "/profile",
                        "'" + name + "' differs from the file name");
    }
    if (std::find(names.begin(), names.end(), name) != names.end()) {
      return make_error(errc::load_extends_cycle, f, "/extends",
                        "profile '" + name + "' extends itself");
    }
    names.push_back(name);
    chain.push_back({f, *doc});
    const auto ext = d.find("extends");
    if (ext == d.end()) break;
    if (!ext->is_string()) return make_error(errc::load_schema, f, "/extends", "not a string");
    const std::string parent = ext->get<std::string>() + ".json";
    std::vector<std::filesystem::path> dirs{current.parent_path()};
    dirs.insert(dirs.end(), opt.search_path.begin(), opt.search_path.end());
    std::filesystem::path found;
    for (const auto& dir : dirs) {
      std::error_code ec;
      if (std::filesystem::is_regular_file(dir / parent, ec)) {
        found = dir / parent;
        break;
      }
    }
    if (found.empty()) {
      return make_error(errc::load_unknown_parent, f, "/extends",
                        "no " + parent + " next to the file or in the search path");
    }
    current = found;
  }
  std::reverse(chain.begin(), chain.end());
  return chain;
}

// ---- typed reading with file + pointer in every error -------------------------------------

struct reader {
  const std::string& file;

  load_error fail(errc c, const std::string& ptr, std::string detail) const {
    return make_error(c, file, ptr, std::move(detail));
  }
  boost::system::result<std::vector<std::string>, load_error> strings(
      const json& v, const std::string& ptr) const {
    if (!v.is_array()) return fail(errc::load_schema, ptr, "not an array of strings");
    std::vector<std::string> out;
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (!v[i].is_string()) {
        return fail(errc::load_schema, ptr + "/" + std::to_string(i), "not a string");
      }
      out.push_back(v[i].get<std::string>());
    }
    return out;
  }
  boost::system::result<std::string, load_error> string(const json& v,
                                                        const std::string& ptr) const {
    if (!v.is_string()) return fail(errc::load_schema, ptr, "not a string");
    return v.get<std::string>();
  }
  boost::system::result<rule_severity, load_error> severity(const json& v,
                                                            const std::string& ptr) const {
    if (v == "reject") return rule_severity::reject;
    if (v == "warn") return rule_severity::warn;
    if (v == "accept") return rule_severity::accept;
    return fail(errc::load_schema, ptr, "severity must be reject, warn or accept");
  }
  boost::system::result<select_path, load_error> path(const json& v, const std::string& ptr) const {
    if (!v.is_string()) return fail(errc::load_bad_path, ptr, "path is not a string");
    auto p = parse_path(v.get<std::string>());
    if (!p) return fail(errc::load_bad_path, ptr, p.error());
    return std::move(*p);
  }
};

std::optional<check_kind> check_from(std::string_view s) {
  static constexpr std::pair<std::string_view, check_kind> kinds[] = {
      {"required", check_kind::required},     {"forbidden", check_kind::forbidden},
      {"codes", check_kind::codes},           {"pattern", check_kind::pattern},
      {"max_length", check_kind::max_length}, {"min_length", check_kind::min_length},
      {"count", check_kind::count},           {"date_relation", check_kind::date_relation},
      {"date_valid", check_kind::date_valid}, {"total_matches", check_kind::total_matches},
      {"equals", check_kind::equals}};
  for (const auto& [name, kind] : kinds) {
    if (name == s) return kind;
  }
  return std::nullopt;
}

std::optional<date_format> format_from(std::string_view s, bool relation) {
  static constexpr std::pair<std::string_view, date_format> formats[] = {
      {"YYMMDD", date_format::yymmdd},
      {"CCYYMMDD", date_format::ccyymmdd},
      {"YYMMDDHHMM", date_format::yymmddhhmm},
      {"CCYYMMDDHHMM", date_format::ccyymmddhhmm},
      {"DDMMYY", date_format::ddmmyy},
      {"DDMMMYY", date_format::ddmmmyy},
      {"HHMM", date_format::hhmm},
      {"MMYY", date_format::mmyy}};
  for (const auto& [name, f] : formats) {
    if (name == s) {
      // HHMM and MMYY name no full date, so only date_valid takes them (schema).
      if (relation && (f == date_format::hhmm || f == date_format::mmyy)) return std::nullopt;
      return f;
    }
  }
  return std::nullopt;
}

// Checks that `args` holds only `allowed` keys.
std::optional<load_error> only_keys(const reader& r, const json& args, const std::string& ptr,
                                    std::initializer_list<std::string_view> allowed) {
  for (const auto& [key, v] : args.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      return r.fail(errc::load_bad_args, ptr + "/" + escape_pointer(key),
                    "argument '" + key + "' is not allowed here");
    }
  }
  return std::nullopt;
}

boost::system::result<std::uint32_t, load_error> non_negative(const reader& r, const json& v,
                                                              const std::string& ptr) {
  if (!v.is_number_integer() || v.get<long long>() < 0 || v.get<long long>() > 0xFFFFFFFFll) {
    return r.fail(errc::load_bad_args, ptr, "not a non-negative integer");
  }
  return static_cast<std::uint32_t>(v.get<long long>());
}

// Parses `args` for `kind` (shape of profile.schema.json).
boost::system::result<rule_args, load_error> read_args(const reader& r, check_kind kind,
                                                       const json* args, const std::string& ptr) {
  rule_args a;
  const bool none = args == nullptr;
  if (kind == check_kind::required || kind == check_kind::forbidden) {
    if (!none && !args->empty()) return r.fail(errc::load_bad_args, ptr, "takes no args");
    return a;
  }
  if (none) return r.fail(errc::load_bad_args, ptr, "args are required for this check");
  if (!args->is_object()) return r.fail(errc::load_bad_args, ptr, "args is not an object");
  const json& j = *args;
  auto sub = [&](std::string_view key) { return ptr + "/" + std::string(key); };
  auto bad = [&](std::initializer_list<std::string_view> keys) {
    return only_keys(r, j, ptr, keys);
  };
  switch (kind) {
    case check_kind::codes: {
      if (auto e = bad({"values", "list", "add", "remove"})) return *e;
      if (!j.contains("values") && !j.contains("list")) {
        return r.fail(errc::load_bad_args, ptr, "codes needs `values` or `list`");
      }
      if (j.contains("values")) {
        auto v = r.strings(j["values"], sub("values"));
        if (!v) return v.error();
        a.values = std::move(*v);
        a.has_values = true;
      }
      if (j.contains("list")) {
        auto v = r.string(j["list"], sub("list"));
        if (!v) return v.error();
        a.list = std::move(*v);
      }
      for (auto [key, dst] : {std::pair{"add", &a.add}, std::pair{"remove", &a.remove}}) {
        if (!j.contains(key)) continue;
        auto v = r.strings(j[key], sub(key));
        if (!v) return v.error();
        *dst = std::move(*v);
      }
      break;
    }
    case check_kind::pattern: {
      if (auto e = bad({"regex"})) return *e;
      if (!j.contains("regex") || !j["regex"].is_string()) {
        return r.fail(errc::load_bad_args, sub("regex"), "pattern needs a string `regex`");
      }
      a.regex = j["regex"].get<std::string>();
      break;
    }
    case check_kind::max_length:
    case check_kind::min_length: {
      if (auto e = bad({"value"})) return *e;
      if (!j.contains("value")) return r.fail(errc::load_bad_args, ptr, "needs `value`");
      auto v = non_negative(r, j["value"], sub("value"));
      if (!v) return v.error();
      a.length = *v;
      break;
    }
    case check_kind::count: {
      if (auto e = bad({"min", "max", "even"})) return *e;
      if (j.empty()) return r.fail(errc::load_bad_args, ptr, "count needs min, max or even");
      for (auto [key, dst] : {std::pair{"min", &a.min}, std::pair{"max", &a.max}}) {
        if (!j.contains(key)) continue;
        auto v = non_negative(r, j[key], sub(key));
        if (!v) return v.error();
        *dst = *v;
      }
      if (j.contains("even")) {
        if (!j["even"].is_boolean()) return r.fail(errc::load_bad_args, sub("even"), "not a bool");
        a.even = j["even"].get<bool>();
      }
      if (a.min && a.max && *a.min > *a.max) {
        return r.fail(errc::load_bad_args, sub("max"), "max is below min");
      }
      break;
    }
    case check_kind::date_relation:
    case check_kind::date_valid: {
      const bool rel = kind == check_kind::date_relation;
      if (auto e = rel ? bad({"format", "relation", "compare_to", "century"}) : bad({"format"})) {
        return *e;
      }
      const auto f = j.contains("format") && j["format"].is_string()
                         ? format_from(j["format"].get<std::string>(), rel)
                         : std::nullopt;
      if (!f) return r.fail(errc::load_bad_args, sub("format"), "unknown or missing format");
      a.format = *f;
      if (!rel) break;
      const json rv = j.value("relation", json());
      if (rv == "<") {
        a.rel = relation::less;
      } else if (rv == "<=") {
        a.rel = relation::less_equal;
      } else if (rv == ">") {
        a.rel = relation::greater;
      } else if (rv == ">=") {
        a.rel = relation::greater_equal;
      } else {
        return r.fail(errc::load_bad_args, sub("relation"), "relation must be <, <=, > or >=");
      }
      const json cv = j.value("century", json("nearest"));
      if (cv == "past") {
        a.century_rule = century::past;
      } else if (cv == "future") {
        a.century_rule = century::future;
      } else if (cv == "nearest") {
        a.century_rule = century::nearest;
      } else {
        return r.fail(errc::load_bad_args, sub("century"),
                      "century must be past, future or nearest");
      }
      if (!j.contains("compare_to") || !j["compare_to"].is_string()) {
        return r.fail(errc::load_bad_args, sub("compare_to"), "needs a string `compare_to`");
      }
      const std::string c = j["compare_to"].get<std::string>();
      if (c == "message_date") {
        a.compare_to = compare_target::message_date;
      } else if (c == "flight_departure") {
        a.compare_to = compare_target::flight_departure;
      } else if (c == "today") {
        a.compare_to = compare_target::today;
      } else {
        a.compare_to = compare_target::path;
        auto p = r.path(j["compare_to"], sub("compare_to"));
        if (!p) return p.error();
        if (!p->ends_in_element()) {
          return r.fail(errc::load_bad_path, sub("compare_to"),
                        "compare_to path must name an element");
        }
        a.compare_path = std::move(*p);
      }
      break;
    }
    case check_kind::total_matches: {
      if (auto e = bad({"count", "scope"})) return *e;
      if (!j.contains("count")) return r.fail(errc::load_bad_args, ptr, "needs `count`");
      auto p = r.path(j["count"], sub("count"));
      if (!p) return p.error();
      if (p->ends_in_element()) {
        return r.fail(errc::load_bad_path, sub("count"), "count path must name segments or groups");
      }
      a.count_path = std::move(*p);
      const json s = j.value("scope", json("message"));
      if (s == "logical_message") {
        a.logical_message = true;
      } else if (s != "message") {
        return r.fail(errc::load_bad_args, sub("scope"),
                      "scope must be message or logical_message");
      }
      break;
    }
    case check_kind::equals: {
      if (auto e = bad({"value", "select"})) return *e;
      if (j.size() != 1)
        return r.fail(errc::load_bad_args, ptr, "equals needs exactly one of value, select");
      if (j.contains("value")) {
        auto v = r.string(j["value"], sub("value"));
        if (!v) return r.fail(errc::load_bad_args, sub("value"), "not a string");
        a.equals_value = std::move(*v);
      } else {
        auto p = r.path(j["select"], sub("select"));
        if (!p) return p.error();
        if (!p->ends_in_element()) {
          return r.fail(errc::load_bad_path, sub("select"), "equals select must name an element");
        }
        a.equals_path = std::move(*p);
      }
      break;
    }
    case check_kind::required:
    case check_kind::forbidden:
      break;
  }
  return a;
}

boost::system::result<rule, load_error> read_rule(const rule_entry& e) {
  const reader r{e.file};
  const json& j = e.value;
  const std::string& p = e.pointer;
  if (!j.is_object()) return r.fail(errc::load_schema, p, "rule is not an object");
  static constexpr std::string_view known[] = {"id",    "requirement", "applies_to", "select",
                                               "check", "args",        "when",       "severity",
                                               "text",  "confidence",  "enabled"};
  for (const auto& [key, v] : j.items()) {
    if (std::find(std::begin(known), std::end(known), key) == std::end(known)) {
      return r.fail(errc::load_schema, p + "/" + escape_pointer(key), "unknown rule member");
    }
  }
  for (std::string_view key :
       {"id", "applies_to", "select", "check", "severity", "text", "confidence"}) {
    if (!j.contains(key)) {
      return r.fail(errc::load_schema, p, "rule lacks `" + std::string(key) + "`");
    }
  }
  rule out;
  auto id = r.string(j["id"], p + "/id");
  if (!id) return id.error();
  out.id = intern(*id);
  if (j.contains("requirement")) {
    auto req = r.string(j["requirement"], p + "/requirement");
    if (!req) return req.error();
    out.requirement = intern(*req);
  }
  auto applies = r.string(j["applies_to"], p + "/applies_to");
  if (!applies) return applies.error();
  out.applies_to = std::move(*applies);
  auto sel = r.path(j["select"], p + "/select");
  if (!sel) return sel.error();
  out.select = std::move(*sel);
  const auto kind =
      j["check"].is_string() ? check_from(j["check"].get<std::string>()) : std::nullopt;
  if (!kind) return r.fail(errc::load_unknown_check, p + "/check", "unknown check kind");
  out.check = *kind;
  const json* args = j.contains("args") ? &j["args"] : nullptr;
  const reader ar{e.args_file};
  auto a = read_args(ar, out.check, args, e.args_pointer);
  if (!a) return a.error();
  out.args = std::move(*a);
  if ((out.check == check_kind::codes || out.check == check_kind::pattern ||
       out.check == check_kind::max_length || out.check == check_kind::min_length ||
       out.check == check_kind::date_relation || out.check == check_kind::date_valid ||
       out.check == check_kind::total_matches || out.check == check_kind::equals) &&
      !out.select.ends_in_element()) {
    return r.fail(errc::load_bad_path, p + "/select",
                  "check '" + j["check"].get<std::string>() + "' needs an element path");
  }
  if (out.check == check_kind::count && out.select.ends_in_element()) {
    return r.fail(errc::load_bad_path, p + "/select", "count needs a segment or group path");
  }
  if (j.contains("when")) {
    const json& w = j["when"];
    if (!w.is_array() || w.empty())
      return r.fail(errc::load_schema, p + "/when", "not a non-empty array");
    for (std::size_t i = 0; i < w.size(); ++i) {
      const std::string cp = p + "/when/" + std::to_string(i);
      if (!w[i].is_object() || !w[i].contains("select")) {
        return r.fail(errc::load_schema, cp, "condition needs `select`");
      }
      condition c;
      auto cs = r.path(w[i]["select"], cp + "/select");
      if (!cs) return cs.error();
      c.select = std::move(*cs);
      int ops = 0;
      for (const auto& [key, v] : w[i].items()) {
        if (key == "select") continue;
        ++ops;
        if (key == "in" || key == "not_in") {
          auto vals = r.strings(v, cp + "/" + key);
          if (!vals) return vals.error();
          c.kind = key == "in" ? condition::op::in : condition::op::not_in;
          c.values = std::move(*vals);
        } else if (key == "present") {
          if (!v.is_boolean()) return r.fail(errc::load_schema, cp + "/present", "not a bool");
          c.kind = v.get<bool>() ? condition::op::present : condition::op::absent;
        } else {
          return r.fail(errc::load_schema, cp + "/" + escape_pointer(key),
                        "unknown condition member");
        }
      }
      if (ops != 1)
        return r.fail(errc::load_schema, cp, "condition needs one of in, not_in, present");
      out.when.push_back(std::move(c));
    }
  }
  auto sev = r.severity(j["severity"], p + "/severity");
  if (!sev) return sev.error();
  out.severity = *sev;
  auto text = r.string(j["text"], p + "/text");
  if (!text) return text.error();
  out.text = std::move(*text);
  auto conf = r.string(j["confidence"], p + "/confidence");
  if (!conf) return conf.error();
  out.confidence = std::move(*conf);
  if (j.contains("enabled")) {
    if (!j["enabled"].is_boolean()) return r.fail(errc::load_schema, p + "/enabled", "not a bool");
    out.enabled = j["enabled"].get<bool>();
  }
  out.origin_file = e.file;
  out.origin_pointer = e.pointer;
  return out;
}

}  // namespace

// ---- compilation against the message definitions -------------------------------------------

struct profile_builder {
  // Resolves `path` in `def`; returns the reason when it does not resolve.
  static std::string resolve(const message::definition& def, const select_path& path,
                             detail::resolved_path& out) {
    const std::vector<message::node>* level = &def.structure;
    std::size_t groups = 0;
    for (const path_step& s : path.steps) {
      if (s.kind == step_kind::group) {
        const message::node* g = nullptr;
        for (const auto& n : *level) {
          if (n.is_group() && n.group == s.name) g = &n;
        }
        if (g == nullptr) return "no group " + s.name + " here";
        if (s.has_predicate && s.trigger_tag != g->tag) {
          return "predicate tag " + s.trigger_tag + " is not the trigger of " + s.name;
        }
        out.steps.push_back({step_kind::group, g, {}, s.has_predicate, s.values});
        level = &g->content;
        ++groups;
      } else if (s.kind == step_kind::segment) {
        detail::resolved_step step{step_kind::segment, nullptr, {}, s.has_predicate, s.values};
        for (const auto& n : *level) {
          if (!n.is_group() && n.tag == s.name) step.segments.push_back(&n);
        }
        if (step.segments.empty()) return "no segment " + s.name + " here";
        out.layout = step.segments.front()->def;
        out.steps.push_back(std::move(step));
      } else {
        const message::segment_def* lay = out.layout;
        if (lay == nullptr) return "segment has no layout";
        out.has_element = true;
        if (s.element != 0) {
          const message::field_def* e = lay->element(s.element);
          if (e == nullptr) return "no element @" + std::to_string(s.element) + " in " + lay->tag;
          out.element = s.element;
          out.element_def = e;
          out.field = e;
          if (s.component != 0) {
            const message::field_def* c = e->component(s.component);
            if (c == nullptr) {
              return "no component " + std::to_string(s.element) + "." +
                     std::to_string(s.component) + " in " + lay->tag;
            }
            out.component = s.component;
            out.field = c;
          }
        } else {
          // By id: unique among the elements and components of the layout (lint's rule).
          int hits = 0;
          for (const auto& e : lay->elements) {
            if (s.component_id.empty() && e.id == s.name) {
              ++hits;
              out.element = e.pos, out.component = 0, out.element_def = &e, out.field = &e;
            }
            for (const auto& c : e.components) {
              if ((s.component_id.empty() && c.id == s.name) ||
                  (!s.component_id.empty() && e.id == s.name && c.id == s.component_id)) {
                ++hits;
                out.element = e.pos, out.component = c.pos, out.element_def = &e, out.field = &c;
              }
            }
          }
          if (hits == 0) return "no element " + s.name + " in " + lay->tag;
          if (hits > 1) return "element id " + s.name + " is ambiguous in " + lay->tag;
        }
      }
    }
    out.unit_groups = out.ends_in_group() ? groups - 1 : groups;
    return {};
  }

  // Longest run of leading group steps equal (node and predicate) to the unit's; at least one
  // step of `p` stays below the shared instance.
  static std::size_t shared_prefix(const detail::resolved_path& unit, std::size_t unit_groups,
                                   const detail::resolved_path& p) {
    std::size_t k = 0;
    while (k < unit_groups && k + 1 < p.steps.size() && p.steps[k].kind == step_kind::group &&
           p.steps[k].group == unit.steps[k].group &&
           p.steps[k].has_predicate == unit.steps[k].has_predicate &&
           p.steps[k].values == unit.steps[k].values) {
      ++k;
    }
    return k;
  }

  static std::optional<std::regex> compile_regex(const std::string& text) {
    // std::regex reports a bad pattern by throwing; this runs at load time only.
    try {
      return std::regex(text, std::regex::ECMAScript);
    } catch (const std::regex_error&) {
      return std::nullopt;
    }
  }

  // Builds a code set from the rule's args and an optional definition list; false when the
  // list's pattern is not a valid regex.
  static detail::code_set make_set(const rule_args& a, const message::code_list* list) {
    detail::code_set s;
    s.add = a.add;
    s.remove = a.remove;
    const bool external = list != nullptr && list->values.empty();
    std::optional<std::regex> pattern;
    if (external && !list->pattern.empty()) pattern = compile_regex(list->pattern);
    auto in_list = [&](const std::string& v) {
      if (external) return !pattern || std::regex_match(v, *pattern);
      return list->contains(v);
    };
    if (a.has_values) {
      for (const auto& v : a.values) {
        if (list == nullptr || in_list(v)) s.members.push_back(v);
      }
    } else if (external) {
      s.pattern_based = true;
      if (pattern) s.pattern_fast = detail::simple_regex::compile(list->pattern);
      s.pattern = std::move(pattern);
    } else if (list != nullptr) {
      for (const auto& [code, meaning] : list->values) s.members.push_back(code);
    }
    s.seal();
    return s;
  }

  // Compiles `r` for `def`; returns false (with the reason) when the rule cannot apply there.
  static bool compile(const rule& r, const message::definition& def, detail::compiled_rule& c,
                      std::string& reason, std::string& reason_pointer) {
    c.source = &r;
    c.def = &def;
    reason = resolve(def, r.select, c.select);
    if (!reason.empty()) {
      reason_pointer = "/select";
      return false;
    }
    for (std::size_t i = 0; i < r.when.size(); ++i) {
      detail::resolved_path w;
      reason = resolve(def, r.when[i].select, w);
      if (!reason.empty()) {
        reason_pointer = "/when/" + std::to_string(i) + "/select";
        return false;
      }
      w.shared = shared_prefix(c.select, c.select.unit_groups, w);
      c.when.push_back(std::move(w));
    }
    const select_path* other = nullptr;
    if (r.check == check_kind::date_relation && r.args.compare_to == compare_target::path) {
      other = &r.args.compare_path;
      reason_pointer = "/args/compare_to";
    } else if (r.check == check_kind::total_matches) {
      other = &r.args.count_path;
      reason_pointer = "/args/count";
    } else if (r.check == check_kind::equals && !r.args.equals_value) {
      other = &r.args.equals_path;
      reason_pointer = "/args/select";
    }
    if (other != nullptr) {
      reason = resolve(def, *other, c.other);
      if (!reason.empty()) return false;
      c.other.shared = shared_prefix(c.select, c.select.unit_groups, c.other);
      c.has_other = true;
    }
    if (r.check == check_kind::codes) {
      reason_pointer = "/args/list";
      if (r.args.list.empty()) {
        c.codes = make_set(r.args, nullptr);
      } else if (r.args.list == "@definition") {
        const message::field_def* f = c.select.field;
        if (!f->codes_by_qualifier.empty()) {
          c.by_qualifier = true;
          for (const auto& [q, name] : f->codes_by_qualifier) {
            const message::code_list* l = def.find_code_list(name);
            if (l == nullptr) {
              reason = "code list " + name + " not in the definition";
              return false;
            }
            c.qualifier_sets.emplace_back(q, make_set(r.args, l));
          }
        }
        if (!f->codes.empty()) {
          const message::code_list* l = def.find_code_list(f->codes);
          if (l == nullptr) {
            reason = "code list " + f->codes + " not in the definition";
            return false;
          }
          c.codes = make_set(r.args, l);
          c.has_fallback_set = true;
        } else if (c.by_qualifier) {
          c.has_fallback_set = false;
        } else {
          reason = "the element names no code list";
          return false;
        }
      } else {
        const message::code_list* l = def.find_code_list(r.args.list);
        if (l == nullptr) {
          reason = "no code list " + r.args.list;
          return false;
        }
        c.codes = make_set(r.args, l);
      }
    }
    if (r.check == check_kind::required && r.when.empty() && !c.select.has_element) {
      const detail::resolved_step& last = c.select.steps.back();
      const message::node* n = last.kind == step_kind::group ? last.group : last.segments.front();
      c.structural = !last.has_predicate && last.segments.size() <= 1 && n->mandatory();
    }
    return true;
  }

  static boost::system::result<profile, load_error> build(std::vector<loaded_file> chain,
                                                          const message::definitions& defs) {
    profile out;
    out.defs_ = &defs;
    std::vector<rule_entry> entries;
    json envelope = json::object();
    for (const loaded_file& lf : chain) {
      const reader r{lf.file};
      const json& d = lf.doc;
      static constexpr std::string_view top[] = {
          "$schema", "format_version", "profile",  "extends", "title", "sources",   "confidence",
          "notes",   "messages",       "envelope", "syntax",  "rules", "overrides", "pnr_push"};
      for (const auto& [key, v] : d.items()) {
        if (std::find(std::begin(top), std::end(top), key) == std::end(top)) {
          return r.fail(errc::load_schema, "/" + escape_pointer(key), "unknown member");
        }
      }
      if (d.value("format_version", json()) != 1) {
        return r.fail(errc::load_schema, "/format_version", "format_version must be 1");
      }
      if (!d.contains("title") || !d["title"].is_string()) {
        return r.fail(errc::load_schema, "/title", "missing or not a string");
      }
      out.name_ = d["profile"].get<std::string>();
      out.title_ = d["title"].get<std::string>();
      out.chain_.push_back(out.name_);
      // envelope: keys replace; unh_association and directories replace per message type.
      if (d.contains("envelope")) {
        if (!d["envelope"].is_object())
          return r.fail(errc::load_schema, "/envelope", "not an object");
        for (const auto& [key, v] : d["envelope"].items()) {
          if ((key == "unh_association" || key == "directories") && v.is_object() &&
              envelope.contains(key) && envelope[key].is_object()) {
            for (const auto& [type, list] : v.items()) envelope[key][type] = list;
          } else {
            envelope[key] = v;
          }
        }
        auto e = read_envelope(r, envelope, out.envelope_);
        if (e) return *e;
      }
      if (d.contains("syntax")) {
        if (!d["syntax"].is_object()) return r.fail(errc::load_schema, "/syntax", "not an object");
        for (const auto& item : d["syntax"].items()) {
          // Named copies: Clang 14 cannot capture structured bindings in lambdas.
          const std::string key = item.key();
          const json& v = item.value();
          const std::string p = "/syntax/" + escape_pointer(key);
          if (!v.is_object() || !v.contains("severity")) {
            return r.fail(errc::load_schema, p, "entry needs `severity`");
          }
          syntax_entry se;
          auto sev = r.severity(v["severity"], p + "/severity");
          if (!sev) return sev.error();
          se.severity = *sev;
          if (v.contains("contrl_code")) {
            auto cc = r.string(v["contrl_code"], p + "/contrl_code");
            if (!cc) return cc.error();
            if (cc->empty() || cc->size() > 2 || !std::all_of(cc->begin(), cc->end(), [](char ch) {
                  return ch >= '0' && ch <= '9';
                })) {
              return r.fail(errc::load_schema, p + "/contrl_code", "not a 0085 code");
            }
            se.contrl_code = std::stoi(*cc);
          }
          se.text = v.value("text", std::string());
          auto it = std::find_if(out.syntax_.begin(), out.syntax_.end(),
                                 [&](const auto& kv) { return kv.first == key; });
          if (it != out.syntax_.end()) {
            it->second = std::move(se);
          } else {
            out.syntax_.emplace_back(key, std::move(se));
          }
        }
      }
      if (d.contains("pnr_push")) {
        auto e = read_pnr_push(r, d["pnr_push"], out.pnr_push_);
        if (e) return *e;
      }
      // overrides patch the parents' rules (applied before this file's own rules).
      if (d.contains("overrides")) {
        const json& ov = d["overrides"];
        if (!ov.is_array()) return r.fail(errc::load_schema, "/overrides", "not an array");
        for (std::size_t i = 0; i < ov.size(); ++i) {
          const std::string p = "/overrides/" + std::to_string(i);
          const json& o = ov[i];
          if (!o.is_object() || !o.contains("id") || !o["id"].is_string()) {
            return r.fail(errc::load_schema, p, "override needs a string `id`");
          }
          auto it = std::find_if(entries.begin(), entries.end(), [&](const rule_entry& e) {
            return e.value.value("id", json()) == o["id"];
          });
          if (it == entries.end()) {
            return r.fail(errc::load_unknown_override, p + "/id",
                          "no parent rule " + o["id"].get<std::string>());
          }
          for (const auto& [key, v] : o.items()) {
            if (key == "id") continue;
            if (key == "severity" || key == "text" || key == "confidence" || key == "enabled") {
              it->value[key] = v;
            } else if (key == "args") {
              if (!v.is_object()) return r.fail(errc::load_bad_args, p + "/args", "not an object");
              if (!it->value.contains("args")) it->value["args"] = json::object();
              for (const auto& [ak, av] : v.items()) it->value["args"][ak] = av;
              it->args_file = lf.file;
              it->args_pointer = p + "/args";
            } else {
              return r.fail(errc::load_schema, p + "/" + escape_pointer(key),
                            "unknown override member");
            }
          }
        }
      }
      if (d.contains("rules")) {
        const json& rs = d["rules"];
        if (!rs.is_array()) return r.fail(errc::load_schema, "/rules", "not an array");
        std::vector<std::string> local;
        for (std::size_t i = 0; i < rs.size(); ++i) {
          const std::string p = "/rules/" + std::to_string(i);
          if (!rs[i].is_object() || !rs[i].contains("id") || !rs[i]["id"].is_string()) {
            return r.fail(errc::load_schema, p, "rule needs a string `id`");
          }
          const std::string id = rs[i]["id"].get<std::string>();
          if (std::find(local.begin(), local.end(), id) != local.end()) {
            return r.fail(errc::load_duplicate_rule, p + "/id", "duplicate rule id " + id);
          }
          local.push_back(id);
          rule_entry e{rs[i], lf.file, p, lf.file, p + "/args"};
          auto it = std::find_if(entries.begin(), entries.end(), [&](const rule_entry& x) {
            return x.value.value("id", json()) == rs[i]["id"];
          });
          if (it != entries.end()) {
            *it = std::move(e);  // same id as a parent rule: replaces it in place
          } else {
            entries.push_back(std::move(e));
          }
        }
      }
    }
    for (const rule_entry& e : entries) {
      auto r = read_rule(e);
      if (!r) return r.error();
      out.rules_.push_back(std::move(*r));
    }
    // Compile every rule against every definition of its message type.
    auto compiled = std::make_unique<detail::compiled_profile>();
    if (!out.envelope_.sender_pattern.empty()) {
      compiled->sender = compile_regex(out.envelope_.sender_pattern);
      if (!compiled->sender) {
        return make_error(errc::load_bad_regex, chain.back().file, "/envelope/sender_pattern",
                          "not an ECMAScript regex");
      }
    }
    for (const rule& r : out.rules_) {
      const rule_entry& e = *std::find_if(entries.begin(), entries.end(), [&](const auto& x) {
        return x.value["id"] == std::string(r.id);
      });
      std::optional<std::regex> regex;
      if (r.check == check_kind::pattern) {
        regex = compile_regex(r.args.regex);
        if (!regex) {
          return make_error(errc::load_bad_regex, e.args_file, e.args_pointer + "/regex",
                            "not an ECMAScript regex: " + r.args.regex);
        }
      }
      bool any_def = false;
      bool any_type = false;
      std::string reason;
      std::string reason_pointer;
      for (const auto& def : defs.all()) {
        if (def->message != r.applies_to) continue;
        any_type = true;
        detail::compiled_rule c;
        std::string why;
        std::string where;
        if (!compile(r, *def, c, why, where)) {
          if (reason.empty()) reason = why, reason_pointer = where;
          continue;
        }
        any_def = true;
        c.regex = regex;
        if (regex) c.regex_fast = detail::simple_regex::compile(r.args.regex);
        if (!r.enabled) continue;
        const std::size_t index = compiled->rules.size();
        compiled->rules.push_back(std::move(c));
        auto slot = std::find_if(compiled->by_def.begin(), compiled->by_def.end(),
                                 [&](const auto& kv) { return kv.first == def.get(); });
        if (slot == compiled->by_def.end()) {
          compiled->by_def.emplace_back(def.get(), std::vector<std::size_t>{});
          slot = std::prev(compiled->by_def.end());
        }
        slot->second.push_back(index);
      }
      if (!any_type) {
        return make_error(errc::load_unresolved_path, e.file, e.pointer + "/applies_to",
                          "no message definition for " + r.applies_to);
      }
      if (!any_def) {
        const bool list = reason_pointer == "/args/list";
        const bool args = reason_pointer.rfind("/args", 0) == 0;
        return make_error(list ? errc::load_unknown_code_list : errc::load_unresolved_path,
                          args ? e.args_file : e.file,
                          (args ? e.args_pointer.substr(0, e.args_pointer.size() - 5) : e.pointer) +
                              reason_pointer,
                          reason);
      }
    }
    // missing_severity hook: strictest `required` per mandatory node.
    for (const detail::compiled_rule& c : compiled->rules) {
      if (!c.structural) continue;
      const detail::resolved_step& last = c.select.steps.back();
      const message::node* n = last.kind == step_kind::group ? last.group : last.segments.front();
      auto it = std::find_if(compiled->missing.begin(), compiled->missing.end(),
                             [&](const auto& kv) { return kv.first == n; });
      if (it == compiled->missing.end()) {
        compiled->missing.emplace_back(n, c.source->severity);
      } else if (c.source->severity < it->second) {
        it->second = c.source->severity;  // reject < warn < accept: keep the strictest
      }
    }
    // Unit programs, once every rule is in place (they point into compiled->rules).
    for (const auto& [def, list] : compiled->by_def) {
      detail::definition_programs dp;
      dp.units = detail::build_programs(*compiled, list, *def);
      detail::share_conditions(dp);
      compiled->programs.emplace_back(def, std::move(dp));
    }
    // Their fast clean-case form, once the programs no longer move (it points into them).
    for (const auto& [def, dp] : compiled->programs) {
      compiled->fast.emplace_back(def, detail::build_fast(*compiled, *def, dp));
    }
    out.compiled_ = std::move(compiled);
    return out;
  }

  // `pnr_push` (README "PNR pushes"): severity entries replace the parent's per requirement,
  // `window` replaces the parent's window.
  static std::optional<load_error> read_pnr_push(const reader& r, const json& v,
                                                 pnr_push_settings& out) {
    if (!v.is_object()) return r.fail(errc::load_schema, "/pnr_push", "not an object");
    for (const auto& [key, item] : v.items()) {
      const std::string p = "/pnr_push/" + escape_pointer(key);
      if (key == "severity") {
        if (!item.is_object()) return r.fail(errc::load_schema, p, "not an object");
        for (const auto& entry : item.items()) {
          const std::string req = entry.key();
          auto sev = r.severity(entry.value(), p + "/" + escape_pointer(req));
          if (!sev) return sev.error();
          auto it = std::find_if(out.severity.begin(), out.severity.end(),
                                 [&](const auto& kv) { return kv.first == req; });
          if (it != out.severity.end()) {
            it->second = *sev;
          } else {
            out.severity.emplace_back(req, *sev);
          }
        }
      } else if (key == "window") {
        if (!item.is_object() || !item.contains("requirement") ||
            !item["requirement"].is_string()) {
          return r.fail(errc::load_schema, p, "window needs a string `requirement`");
        }
        pnr_push_settings::window w;
        w.requirement = item["requirement"].get<std::string>();
        for (const char* k : {"earliest_hours", "latest_hours"}) {
          if (!item.contains(k)) continue;
          const json& h = item[k];
          if (!h.is_number_unsigned() || h.get<std::uint64_t>() > 8760) {
            return r.fail(errc::load_schema, p + "/" + k, "hours from 0 to 8760");
          }
          (std::string_view(k) == "earliest_hours" ? w.earliest_hours : w.latest_hours) =
              h.get<std::uint32_t>();
        }
        for (const auto& [wk, wv] : item.items()) {
          if (wk != "requirement" && wk != "earliest_hours" && wk != "latest_hours")
            return r.fail(errc::load_schema, p + "/" + escape_pointer(wk), "unknown member");
        }
        if (w.earliest_hours <= w.latest_hours) {
          return r.fail(errc::load_schema, p, "earliest_hours must exceed latest_hours");
        }
        out.schedule = std::move(w);
      } else {
        return r.fail(errc::load_schema, p, "unknown pnr_push member");
      }
    }
    return std::nullopt;
  }

  static std::optional<load_error> read_envelope(const reader& r, const json& env,
                                                 envelope_settings& out) {
    out = envelope_settings{};
    for (const auto& item : env.items()) {
      const std::string key = item.key();
      const json& v = item.value();
      const std::string p = "/envelope/" + escape_pointer(key);
      auto list = [&](std::vector<std::string>& dst) -> std::optional<load_error> {
        auto s = r.strings(v, p);
        if (!s) return s.error();
        dst = std::move(*s);
        return std::nullopt;
      };
      std::optional<load_error> e;
      if (key == "syntax_identifiers") {
        e = list(out.syntax_identifiers);
      } else if (key == "syntax_versions") {
        e = list(out.syntax_versions);
      } else if (key == "application_reference") {
        e = list(out.application_reference);
      } else if (key == "recipient_ids") {
        e = list(out.recipient_ids);
      } else if (key == "processing_priority") {
        out.processing_priority.emplace();
        e = list(*out.processing_priority);
      } else if (key == "ung_required") {
        if (!v.is_boolean()) return r.fail(errc::load_schema, p, "not a bool");
        out.ung_required = v.get<bool>();
      } else if (key == "sender_pattern") {
        auto s = r.string(v, p);
        if (!s) return s.error();
        out.sender_pattern = std::move(*s);
      } else if (key == "repetition_in_unb") {
        if (v != "never" && v != "declared")
          return r.fail(errc::load_schema, p, "never or declared");
        out.repetition_in_unb = v.get<std::string>();
      } else if (key == "severity") {
        auto s = r.severity(v, p);
        if (!s) return s.error();
        out.severity = *s;
      } else if (key == "unh_association" || key == "directories") {
        if (!v.is_object()) return r.fail(errc::load_schema, p, "not an object");
        auto& dst = key == "unh_association" ? out.unh_association : out.directories;
        for (const auto& [type, vals] : v.items()) {
          auto s = r.strings(vals, p + "/" + escape_pointer(type));
          if (!s) return s.error();
          dst.emplace_back(type, std::move(*s));
        }
      } else {
        return r.fail(errc::load_schema, p, "unknown envelope member");
      }
      if (e) return e;
    }
    return std::nullopt;
  }
};

// ---- profile ---------------------------------------------------------------------------------

profile::profile() = default;
profile::~profile() = default;
profile::profile(profile&&) noexcept = default;
profile& profile::operator=(profile&&) noexcept = default;

const syntax_entry* profile::syntax(std::string_view key) const noexcept {
  for (const auto& [k, e] : syntax_) {
    if (k == key) return &e;
  }
  return nullptr;
}

const rule* profile::find_rule(std::string_view id) const noexcept {
  for (const rule& r : rules_) {
    if (r.id == id) return &r;
  }
  return nullptr;
}

std::string_view to_string(rule_severity s) noexcept {
  switch (s) {
    case rule_severity::reject:
      return "reject";
    case rule_severity::warn:
      return "warn";
    case rule_severity::accept:
      return "accept";
  }
  return "reject";
}

apipnr::severity to_level(rule_severity s) noexcept {
  switch (s) {
    case rule_severity::reject:
      return apipnr::severity::error;
    case rule_severity::warn:
      return apipnr::severity::warning;
    case rule_severity::accept:
      return apipnr::severity::info;
  }
  return apipnr::severity::error;
}

std::string_view to_string(check_kind k) noexcept {
  static constexpr std::string_view names[] = {
      "required", "forbidden",     "codes",      "pattern",       "max_length", "min_length",
      "count",    "date_relation", "date_valid", "total_matches", "equals"};
  return names[static_cast<std::size_t>(k)];
}

std::string load_error::to_string() const {
  std::string out = "[apipnr.profile.001] " + file;
  if (!pointer.empty()) out += "#" + pointer;
  out += ": " + detail;
  if (code.category() == profile_category()) {
    out += " (" + std::string(info(static_cast<errc>(code.value())).id) + ")";
  }
  return out;
}

void throw_exception_from_error(const load_error& e, const boost::source_location&) {
  throw std::runtime_error(e.to_string());
}

boost::system::result<profile, load_error> load_profile(const std::filesystem::path& file,
                                                        const message::definitions& defs,
                                                        const load_options& opt) {
  auto chain = read_chain(file, opt);
  if (!chain) return chain.error();
  return profile_builder::build(std::move(*chain), defs);
}

boost::system::result<profile, load_error> load_named_profile(std::string_view name,
                                                              const std::filesystem::path& dir,
                                                              const message::definitions& defs) {
  load_options opt;
  opt.search_path.push_back(dir);
  return load_profile(dir / (std::string(name) + ".json"), defs, opt);
}

}  // namespace apipnr::profile
