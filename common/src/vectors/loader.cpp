#include "apipnr/vectors/loader.hpp"

#include <algorithm>
#include <fstream>
#include <limits>
#include <optional>
#include <system_error>
#include <utility>

#include <nlohmann/json.hpp>

namespace apipnr::vectors {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

class category final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "apipnr.vectors"; }
  std::string message(int ev) const override {
    switch (static_cast<load_errc>(ev)) {
      case load_errc::ok:
        return "success";
      case load_errc::not_a_directory:
        return "not a directory";
      case load_errc::io_error:
        return "file could not be read";
      case load_errc::invalid_json:
        return "not a JSON document";
      case load_errc::invalid_manifest:
        return "member missing or of the wrong type";
    }
    return "unknown vectors load error";
  }
};

// Reads a whole file without any translation: EDIFACT inputs may hold CR, LF, NUL or bytes
// above 0x7F, and the vectors are about exactly those bytes.
bool read_file(const fs::path& p, std::string& out) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return false;
  out.clear();
  char buf[8192];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    out.append(buf, static_cast<std::size_t>(in.gcount()));
  }
  return !in.bad();
}

// Type-checked access to a JSON value that records every mismatch as a load_error with the
// JSON pointer of the value, instead of letting nlohmann throw type_error.
class reader {
 public:
  reader(std::string file, std::vector<load_error>& errors)
      : file_(std::move(file)), errors_(errors) {}

  void fail(const std::string& pointer, std::string message) {
    errors_.push_back({load_errc::invalid_manifest, file_, pointer, std::move(message)});
    ++failures_;
  }
  std::size_t failures() const noexcept { return failures_; }

  // The member `key` of `obj`, or nullptr (and an error when `required`).
  const json* member(const json& obj, const std::string& ptr, const char* key, bool required) {
    const auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) {
      if (required) fail(ptr, std::string("required member \"") + key + "\" is missing");
      return nullptr;
    }
    return &*it;
  }

  bool string(const json& obj, const std::string& ptr, const char* key, bool required,
              std::string& out) {
    const json* v = member(obj, ptr, key, required);
    if (!v) return !required;
    if (!v->is_string()) {
      fail(ptr + "/" + key, "expected a string");
      return false;
    }
    out = v->get<std::string>();
    return true;
  }

  bool boolean(const json& obj, const std::string& ptr, const char* key, bool& out) {
    const json* v = member(obj, ptr, key, false);
    if (!v) return true;
    if (!v->is_boolean()) {
      fail(ptr + "/" + key, "expected true or false");
      return false;
    }
    out = v->get<bool>();
    return true;
  }

  bool string_array(const json& obj, const std::string& ptr, const char* key,
                    std::vector<std::string>& out) {
    const json* v = member(obj, ptr, key, false);
    if (!v) return true;
    const std::string here = ptr + "/" + key;
    // The corpus sometimes states a single acceptable value without brackets ("scope":
    // "message"); C6 says every expectation field is a set, so a lone string is a set of one.
    if (v->is_string()) {
      out.push_back(v->get<std::string>());
      return true;
    }
    if (!v->is_array()) {
      fail(here, "expected an array of strings");
      return false;
    }
    bool ok = true;
    for (std::size_t i = 0; i < v->size(); ++i) {
      const json& e = (*v)[i];
      if (!e.is_string()) {
        fail(here + "/" + std::to_string(i), "expected a string");
        ok = false;
        continue;
      }
      out.push_back(e.get<std::string>());
    }
    return ok;
  }

  std::optional<std::int64_t> integer(const json& v, const std::string& ptr) {
    if (!v.is_number_integer()) {
      fail(ptr, "expected an integer");
      return std::nullopt;
    }
    return v.get<std::int64_t>();
  }

  bool int_array(const json& obj, const std::string& ptr, const char* key, std::vector<int>& out) {
    const json* v = member(obj, ptr, key, false);
    if (!v) return true;
    const std::string here = ptr + "/" + key;
    if (v->is_number_integer()) {
      out.push_back(static_cast<int>(v->get<std::int64_t>()));
      return true;
    }
    if (!v->is_array()) {
      fail(here, "expected an array of integers");
      return false;
    }
    bool ok = true;
    for (std::size_t i = 0; i < v->size(); ++i) {
      const auto n = integer((*v)[i], here + "/" + std::to_string(i));
      if (!n || *n < std::numeric_limits<int>::min() || *n > std::numeric_limits<int>::max()) {
        ok = false;
        continue;
      }
      out.push_back(static_cast<int>(*n));
    }
    return ok;
  }

  bool index(const json& obj, const std::string& ptr, const char* key,
             std::optional<std::uint32_t>& out) {
    const json* v = member(obj, ptr, key, false);
    if (!v) return true;
    const auto n = integer(*v, ptr + "/" + key);
    if (!n) return false;
    if (*n < 0 || *n > std::numeric_limits<std::uint32_t>::max()) {
      fail(ptr + "/" + key, "expected a non-negative integer");
      return false;
    }
    out = static_cast<std::uint32_t>(*n);
    return true;
  }

  bool object(const json& v, const std::string& ptr) {
    if (v.is_object()) return true;
    fail(ptr, "expected an object");
    return false;
  }

 private:
  std::string file_;
  std::vector<load_error>& errors_;
  std::size_t failures_ = 0;
};

std::optional<outcome> read_outcome(reader& r, const json& obj, const std::string& ptr) {
  std::string s;
  if (!r.string(obj, ptr, "outcome", true, s)) return std::nullopt;
  auto o = parse_outcome(s);
  if (!o)
    r.fail(ptr + "/outcome", "expected \"accept\", \"reject\" or \"either\", got \"" + s + "\"");
  return o;
}

void read_contrl(reader& r, const json& v, const std::string& ptr, contrl_expectation& out) {
  if (!r.object(v, ptr)) return;
  r.string(v, ptr, "identifier", false, out.identifier);
  if (const json* i = r.member(v, ptr, "interchange", false)) {
    const std::string ip = ptr + "/interchange";
    if (r.object(*i, ip)) {
      r.string(*i, ip, "reference", false, out.interchange_reference);
      r.string(*i, ip, "sender", false, out.interchange_sender);
      r.string(*i, ip, "recipient", false, out.interchange_recipient);
    }
  }
  if (const json* l = r.member(v, ptr, "levels", false)) {
    const std::string lp = ptr + "/levels";
    if (!l->is_array()) {
      r.fail(lp, "expected an array of UCF/UCM levels");
    } else {
      for (std::size_t k = 0; k < l->size(); ++k) {
        const std::string ep = lp + "/" + std::to_string(k);
        const json& e = (*l)[k];
        if (!r.object(e, ep)) continue;
        contrl_level_expectation x;
        r.string(e, ep, "segment", true, x.segment);
        if (!x.segment.empty() && x.segment != "UCF" && x.segment != "UCM") {
          r.fail(ep + "/segment", "expected \"UCF\" or \"UCM\", got \"" + x.segment + "\"");
        }
        r.string(e, ep, "reference", true, x.reference);
        r.string(e, ep, "message_type", false, x.message_type);
        if (const json* a = r.member(e, ep, "action", false)) {
          if (const auto n = r.integer(*a, ep + "/action")) {
            if (*n == 4 || *n == 7) {
              x.action = static_cast<int>(*n);
            } else {
              r.fail(ep + "/action", "expected 4 or 7");
            }
          }
        }
        out.levels.push_back(std::move(x));
      }
    }
  }
  if (const json* b = r.member(v, ptr, "iso_codes_only", false)) {
    if (!b->is_boolean()) {
      r.fail(ptr + "/iso_codes_only", "expected true");
    } else {
      out.iso_codes_only = b->get<bool>();
    }
  }
}

// expect.cusres (vectors/README.md): `document` is required; travellers need `abo`, the key by
// which a CUSRES answers a passenger (RFF+ABO, API-IAPI-FLOW-002).
void read_cusres(reader& r, const json& v, const std::string& ptr, cusres_expectation& out) {
  if (!r.object(v, ptr)) return;
  r.string(v, ptr, "document", true, out.document);
  r.string(v, ptr, "transaction_reference", false, out.transaction_reference);
  r.string(v, ptr, "message_reference", false, out.message_reference);
  r.string(v, ptr, "common_access_reference", false, out.common_access_reference);
  if (const json* h = r.member(v, ptr, "header", false)) {
    if (r.object(*h, ptr + "/header")) r.string(*h, ptr + "/header", "erc", true, out.header_erc);
  }
  if (const json* t = r.member(v, ptr, "travellers", false)) {
    const std::string tp = ptr + "/travellers";
    if (!t->is_array()) {
      r.fail(tp, "expected an array of travellers");
    } else {
      for (std::size_t k = 0; k < t->size(); ++k) {
        const std::string ep = tp + "/" + std::to_string(k);
        if (!r.object((*t)[k], ep)) continue;
        cusres_traveller_expectation x;
        r.string((*t)[k], ep, "abo", true, x.abo);
        r.string((*t)[k], ep, "avf", false, x.avf);
        r.string((*t)[k], ep, "directive", false, x.directive);
        out.travellers.push_back(std::move(x));
      }
    }
  }
  r.boolean(v, ptr, "complete", out.complete);
}

// expect.stored_travellers: the flight (carrier, number, date YYYY-MM-DD) and the count.
void read_stored_travellers(reader& r, const json& v, const std::string& ptr,
                            stored_travellers_expectation& out) {
  if (!r.object(v, ptr)) return;
  r.string(v, ptr, "carrier", true, out.carrier);
  r.string(v, ptr, "number", true, out.number);
  r.string(v, ptr, "date", true, out.date);
  const auto& d = out.date;
  const bool date_ok =
      d.size() == 10 && d[4] == '-' && d[7] == '-' &&
      std::all_of(d.begin(), d.end(), [](char c) { return c == '-' || (c >= '0' && c <= '9'); });
  if (!d.empty() && !date_ok) r.fail(ptr + "/date", "expected YYYY-MM-DD");
  std::optional<std::uint32_t> count;
  if (r.index(v, ptr, "count", count)) {
    if (count) {
      out.count = *count;
    } else {
      r.fail(ptr + "/count", "required");
    }
  }
}

void read_pass(reader& r, const json& v, const std::string& ptr, pass_expectation& out) {
  if (!r.object(v, ptr)) return;
  r.string_array(v, ptr, "errors", out.errors);
  r.string_array(v, ptr, "warnings", out.warnings);
  r.int_array(v, ptr, "syntax_errors", out.syntax_errors);
  r.string_array(v, ptr, "scope", out.scope);
  if (const json* p = r.member(v, ptr, "position", false)) {
    const std::string pp = ptr + "/position";
    if (r.object(*p, pp)) {
      position_expectation pos;
      r.index(*p, pp, "segment", pos.segment);
      r.index(*p, pp, "element", pos.element);
      r.index(*p, pp, "component", pos.component);
      r.index(*p, pp, "message_segment", pos.message_segment);
      r.index(*p, pp, "repetition", pos.repetition);
      out.position = pos;
    }
  }
  r.string_array(v, ptr, "requirements", out.requirements);
  r.string_array(v, ptr, "warning_requirements", out.warning_requirements);
  r.string(v, ptr, "set_outcome", false, out.set_outcome);
  if (const json* a = r.member(v, ptr, "contrl_action", false)) {
    if (const auto n = r.integer(*a, ptr + "/contrl_action")) {
      if (*n == 4 || *n == 7 || *n == 8) {
        out.contrl_action = static_cast<int>(*n);
      } else {
        r.fail(ptr + "/contrl_action", "expected 4, 7 or 8");
      }
    }
  }
  if (const json* c = r.member(v, ptr, "contrl", false)) {
    read_contrl(r, *c, ptr + "/contrl", out.contrl.emplace());
  }
}

// `need_outcome` false: the expect of a control or await_unsolicited step, which states no
// outcome of its own.
void read_expect(reader& r, const json& v, const std::string& ptr, expectation& out,
                 bool need_outcome = true) {
  if (!r.object(v, ptr)) return;
  if (need_outcome || v.contains("outcome")) {
    if (auto o = read_outcome(r, v, ptr)) out.result = *o;
  }
  r.string(v, ptr, "canonical", false, out.canonical);
  if (const json* p = r.member(v, ptr, "pass", false)) {
    read_pass(r, *p, ptr + "/pass", out.pass.emplace());
  }
  if (const json* n = r.member(v, ptr, "non_strict", false)) {
    const std::string np = ptr + "/non_strict";
    if (r.object(*n, np)) r.int_array(*n, np, "http_status", out.non_strict.emplace().http_status);
  }
  if (const json* t = r.member(v, ptr, "tolerant", false)) {
    const std::string tp = ptr + "/tolerant";
    if (r.object(*t, tp)) {
      tolerant_expectation tol;
      if (auto o = read_outcome(r, *t, tp)) tol.result = *o;
      r.string_array(*t, tp, "warnings", tol.warnings);
      r.string_array(*t, tp, "errors", tol.errors);
      out.tolerant = std::move(tol);
    }
  }
  if (const json* st = r.member(v, ptr, "stored_travellers", false)) {
    read_stored_travellers(r, *st, ptr + "/stored_travellers", out.stored_travellers.emplace());
  }
  if (const json* k = r.member(v, ptr, "cusres", false)) {
    read_cusres(r, *k, ptr + "/cusres", out.cusres.emplace());
  }
}

// A bounded millisecond count: `key` in [lo, hi].
void read_ms(reader& r, const json& obj, const std::string& ptr, const char* key, std::uint32_t lo,
             std::uint32_t hi, std::uint32_t& out) {
  std::optional<std::uint32_t> n;
  if (!r.index(obj, ptr, key, n)) return;
  if (!n) {
    r.fail(ptr, std::string("required member \"") + key + "\" is missing");
  } else if (*n < lo || *n > hi) {
    r.fail(ptr + "/" + key, "expected " + std::to_string(lo) + ".." + std::to_string(hi));
  } else {
    out = *n;
  }
}

// `steps` of a sequence case (vectors/README.md "Sequences"): each step has exactly one kind.
void read_steps(reader& r, const json& obj, const std::string& ptr, std::vector<step_spec>& out) {
  const json* v = r.member(obj, ptr, "steps", false);
  if (!v) return;
  const std::string sp = ptr + "/steps";
  if (!v->is_array()) {
    r.fail(sp, "expected an array of steps");
    return;
  }
  for (std::size_t i = 0; i < v->size(); ++i) {
    const std::string ep = sp + "/" + std::to_string(i);
    const json& e = (*v)[i];
    if (!r.object(e, ep)) continue;
    const int kinds =
        static_cast<int>(e.contains("send")) + static_cast<int>(e.contains("wait_ms")) +
        static_cast<int>(e.contains("control")) + static_cast<int>(e.contains("await_unsolicited"));
    if (kinds != 1) {
      r.fail(ep, "expected exactly one of send, wait_ms, control, await_unsolicited");
      continue;
    }
    step_spec st;
    r.string(e, ep, "note", false, st.note);
    const json* x = nullptr;
    if (e.contains("send")) {
      st.kind = step_kind::send;
      r.string(e, ep, "send", true, st.file);
      x = r.member(e, ep, "expect", true);
      if (x) read_expect(r, *x, ep + "/expect", st.expect);
      // One canonical per sequence, after the last step: a per-step one would have to name
      // which of several stored states it means.
      if (!st.expect.canonical.empty())
        r.fail(ep + "/expect/canonical", "a sequence states canonical at case level only");
      if (st.expect.stored_travellers)
        r.fail(ep + "/expect/stored_travellers",
               "a sequence states stored_travellers at case level only");
    } else if (e.contains("wait_ms")) {
      st.kind = step_kind::wait;
      read_ms(r, e, ep, "wait_ms", 0, 60000, st.wait_ms);
    } else if (e.contains("control")) {
      st.kind = step_kind::control;
      r.string(e, ep, "control", true, st.file);
      x = r.member(e, ep, "expect", false);
      if (x && r.object(*x, ep + "/expect")) {
        std::optional<std::uint32_t> status;
        if (r.index(*x, ep + "/expect", "http_status", status) && status) {
          if (*status < 100 || *status > 599) {
            r.fail(ep + "/expect/http_status", "expected 100..599");
          } else {
            st.http_status = static_cast<int>(*status);
          }
        }
      }
    } else {
      st.kind = step_kind::await_unsolicited;
      const json& a = e["await_unsolicited"];
      if (r.object(a, ep + "/await_unsolicited"))
        read_ms(r, a, ep + "/await_unsolicited", "within_ms", 1, 60000, st.within_ms);
      x = r.member(e, ep, "expect", false);
      if (x) read_expect(r, *x, ep + "/expect", st.expect, false);
    }
    out.push_back(std::move(st));
  }
}

void read_specification(reader& r, const json& obj, const std::string& ptr,
                        std::vector<citation>& out) {
  const json* v = r.member(obj, ptr, "specification", true);
  if (!v) return;
  const std::string sp = ptr + "/specification";
  if (!v->is_array()) {
    r.fail(sp, "expected an array of citations");
    return;
  }
  for (std::size_t i = 0; i < v->size(); ++i) {
    const std::string cp = sp + "/" + std::to_string(i);
    const json& e = (*v)[i];
    if (!r.object(e, cp)) continue;
    citation c;
    r.string(e, cp, "iso9735", false, c.iso9735);
    r.string(e, cp, "digest", false, c.digest);
    r.string(e, cp, "req", true, c.req);
    r.string(e, cp, "quote", false, c.quote);
    out.push_back(std::move(c));
  }
}

// Parses a `.tree.json`; false (with errors recorded) when it is not a tree.
bool parse_tree_document(const std::string& text, const fs::path& file, parse_tree& out,
                         std::vector<load_error>& errors) {
  const json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded()) {
    errors.push_back({load_errc::invalid_json, file.string(), "", "not a JSON document"});
    return false;
  }
  reader r(file.string(), errors);
  if (!r.object(doc, "")) return false;
  r.string(doc, "", "delimiters", true, out.delimiters);
  if (const json* segs = r.member(doc, "", "segments", true)) {
    if (!segs->is_array()) {
      r.fail("/segments", "expected an array of [tag, elements]");
    } else {
      for (std::size_t i = 0; i < segs->size(); ++i) {
        const std::string sp = "/segments/" + std::to_string(i);
        const json& s = (*segs)[i];
        if (!s.is_array() || s.size() != 2 || !s[0].is_string() || !s[1].is_array()) {
          r.fail(sp, "expected [tag, [[component, ...], ...]]");
          continue;
        }
        tree_segment seg;
        seg.tag = s[0].get<std::string>();
        for (std::size_t e = 0; e < s[1].size(); ++e) {
          const json& el = s[1][e];
          const std::string ep = sp + "/1/" + std::to_string(e);
          if (!el.is_array()) {
            r.fail(ep, "expected an array of component strings");
            continue;
          }
          std::vector<std::string> comps;
          for (std::size_t k = 0; k < el.size(); ++k) {
            if (!el[k].is_string()) {
              r.fail(ep + "/" + std::to_string(k), "expected a string");
              continue;
            }
            comps.push_back(el[k].get<std::string>());
          }
          seg.elements.push_back(std::move(comps));
        }
        out.segments.push_back(std::move(seg));
      }
    }
  }
  return r.failures() == 0;
}

std::string folder_of(const fs::path& manifest, const fs::path& root) {
  std::error_code ec;
  const fs::path rel = fs::relative(manifest.parent_path(), root, ec);
  if (ec || rel.empty()) return manifest.parent_path().generic_string();
  return rel.generic_string();
}

}  // namespace

const boost::system::error_category& load_category() noexcept {
  static const category instance;
  return instance;
}

std::string to_string(const load_error& e) {
  std::string s = e.file;
  if (!e.pointer.empty()) s += ": " + e.pointer;
  s += ": " + e.message;
  return s;
}

void parse_manifest(std::string_view text, const fs::path& file, const fs::path& root,
                    std::vector<case_spec>& out, std::vector<load_error>& errors) {
  const json doc = json::parse(text.begin(), text.end(), nullptr, false);
  if (doc.is_discarded()) {
    errors.push_back({load_errc::invalid_json, file.string(), "", "not a JSON document"});
    return;
  }
  reader r(file.string(), errors);
  if (!doc.is_array()) {
    r.fail("", "a cases.json must be a JSON array of cases");
    return;
  }
  const std::string folder = folder_of(file, root);
  for (std::size_t i = 0; i < doc.size(); ++i) {
    const std::string ptr = "/" + std::to_string(i);
    const json& v = doc[i];
    if (!r.object(v, ptr)) continue;
    const std::size_t failures_before = r.failures();
    case_spec c;
    c.manifest = file;
    c.folder = folder;
    c.index = i;
    r.string(v, ptr, "id", true, c.id);
    r.string(v, ptr, "description", true, c.description);
    read_specification(r, v, ptr, c.specification);
    // A case names either one `input` or, for multi-part scenarios, its `parts`.
    r.string_array(v, ptr, "parts", c.parts);
    read_steps(r, v, ptr, c.steps);
    const bool has_steps = v.contains("steps");
    r.string(v, ptr, "input", c.parts.empty() && !has_steps, c.input);
    if (static_cast<int>(!c.input.empty()) + static_cast<int>(!c.parts.empty()) +
            static_cast<int>(has_steps) >
        1) {
      r.fail(ptr, "a case has exactly one of input, parts, steps");
    }
    r.string(v, ptr, "profile", false, c.profile);
    r.string_array(v, ptr, "transports", c.transports);
    r.string_array(v, ptr, "profiles", c.profiles);
    r.string(v, ptr, "level", false, c.level);
    r.string(v, ptr, "confidence", false, c.confidence);
    r.boolean(v, ptr, "retired", c.retired);
    r.string(v, ptr, "duplicate_group", false, c.duplicate_group);
    r.string_array(v, ptr, "requires", c.required_fixtures);
    r.string(v, ptr, "tree", false, c.tree);
    if (const json* e = r.member(v, ptr, "expect", true))
      read_expect(r, *e, ptr + "/expect", c.expect);
    // A half-read case would be judged against defaults it never stated; drop it, the error
    // already says why.
    if (r.failures() != failures_before) continue;

    if (!c.input.empty()) {
      std::error_code ec;
      if (fs::is_regular_file(c.input_path(), ec)) {
        if (read_file(c.input_path(), c.input_bytes)) {
          c.input_found = true;
        } else {
          errors.push_back(
              {load_errc::io_error, c.input_path().string(), "", "input could not be read"});
        }
      }
    }
    for (std::size_t p = 0; p < c.parts.size(); ++p) {
      std::string bytes;
      std::error_code ec;
      if (fs::is_regular_file(c.part_path(p), ec) && read_file(c.part_path(p), bytes)) {
        c.part_bytes.push_back(std::move(bytes));
      } else {
        c.parts_found = false;
        c.part_bytes.emplace_back();
      }
    }
    for (std::size_t k = 0; k < c.steps.size(); ++k) {
      step_spec& st = c.steps[k];
      if (st.file.empty()) continue;
      std::error_code ec;
      st.file_found =
          fs::is_regular_file(c.step_path(k), ec) && read_file(c.step_path(k), st.bytes);
    }
    if (!c.expect.canonical.empty()) {
      std::error_code ec;
      c.canonical_found = fs::is_regular_file(c.canonical_path(), ec);
    }
    if (c.tree.empty()) {
      c.tree_found = true;
    } else {
      std::error_code ec;
      std::string tree_text;
      if (fs::is_regular_file(c.tree_path(), ec) && read_file(c.tree_path(), tree_text)) {
        parse_tree t;
        if (parse_tree_document(tree_text, c.tree_path(), t, errors)) {
          c.tree_data = std::move(t);
          c.tree_found = true;
        }
      }
    }
    out.push_back(std::move(c));
  }
}

corpus load_corpus(const fs::path& root, std::vector<load_error>& errors) {
  corpus result;
  result.root = root;
  std::error_code ec;
  if (!fs::is_directory(root, ec)) {
    errors.push_back({load_errc::not_a_directory, root.string(), "", "not a directory"});
    return result;
  }
  for (fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec),
       end;
       !ec && it != end; it.increment(ec)) {
    if (it->path().filename() == "cases.json" && it->is_regular_file(ec)) {
      result.manifests.push_back(it->path());
    }
  }
  if (ec) errors.push_back({load_errc::io_error, root.string(), "", ec.message()});
  // Directory iteration order is unspecified; sort so runs and reports are reproducible.
  std::sort(result.manifests.begin(), result.manifests.end());
  for (const fs::path& m : result.manifests) {
    std::string text;
    if (!read_file(m, text)) {
      errors.push_back({load_errc::io_error, m.string(), "", "could not be read"});
      continue;
    }
    parse_manifest(text, m, root, result.cases, errors);
  }
  return result;
}

boost::system::result<corpus> load_corpus(const fs::path& root) {
  std::vector<load_error> errors;
  corpus c = load_corpus(root, errors);
  if (!errors.empty()) return make_error_code(errors.front().code);
  return c;
}

catalogue load_catalogue(const fs::path& dir, std::vector<load_error>& errors) {
  catalogue cat;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    errors.push_back({load_errc::not_a_directory, dir.string(), "", "not a directory"});
    return cat;
  }
  std::vector<fs::path> files;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (it->path().extension() == ".json" && !name.ends_with(".schema.json") &&
        it->is_regular_file(ec)) {
      files.push_back(it->path());
    }
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& f : files) {
    std::string text;
    if (!read_file(f, text)) {
      errors.push_back({load_errc::io_error, f.string(), "", "could not be read"});
      continue;
    }
    const json doc = json::parse(text, nullptr, false);
    if (doc.is_discarded()) {
      errors.push_back({load_errc::invalid_json, f.string(), "", "not a JSON document"});
      continue;
    }
    reader r(f.string(), errors);
    if (!r.object(doc, "")) continue;
    const json* reqs = r.member(doc, "", "requirements", true);
    if (!reqs) continue;
    if (!reqs->is_array()) {
      r.fail("/requirements", "expected an array of requirements");
      continue;
    }
    for (std::size_t i = 0; i < reqs->size(); ++i) {
      const std::string ptr = "/requirements/" + std::to_string(i);
      const json& v = (*reqs)[i];
      if (!r.object(v, ptr)) continue;
      const std::size_t before = r.failures();
      requirement q;
      q.file = f;
      q.index = i;
      r.string(v, ptr, "id", true, q.id);
      r.string(v, ptr, "source", false, q.source);
      r.string(v, ptr, "clause", false, q.clause);
      r.string(v, ptr, "level", true, q.level);
      r.string(v, ptr, "confidence", false, q.confidence);
      r.string(v, ptr, "text", false, q.text);
      r.string_array(v, ptr, "applies_to", q.applies_to);
      r.string(v, ptr, "side", false, q.side);
      r.string(v, ptr, "group", false, q.group);
      r.string(v, ptr, "status", false, q.status);
      r.string(v, ptr, "notes", false, q.notes);
      if (q.status.empty()) q.status = "active";
      if (r.failures() == before) cat.items.push_back(std::move(q));
    }
  }
  return cat;
}

std::vector<coverage_exemption> load_exemptions(const fs::path& file,
                                                std::vector<load_error>& errors) {
  std::vector<coverage_exemption> out;
  std::string text;
  std::error_code ec;
  if (!fs::is_regular_file(file, ec) || !read_file(file, text)) {
    errors.push_back({load_errc::io_error, file.string(), "", "could not be read"});
    return out;
  }
  const json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded()) {
    errors.push_back({load_errc::invalid_json, file.string(), "", "not a JSON document"});
    return out;
  }
  reader r(file.string(), errors);
  if (!r.object(doc, "")) return out;
  const json* list = r.member(doc, "", "exemptions", true);
  if (!list) return out;
  if (!list->is_array()) {
    r.fail("/exemptions", "expected an array of exemptions");
    return out;
  }
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string ptr = "/exemptions/" + std::to_string(i);
    const json& v = (*list)[i];
    if (!r.object(v, ptr)) continue;
    const std::size_t before = r.failures();
    coverage_exemption e;
    e.file = file;
    e.index = i;
    r.string(v, ptr, "requirement", true, e.requirement);
    r.string(v, ptr, "category", true, e.category);
    r.string(v, ptr, "reason", true, e.reason);
    r.string_array(v, ptr, "covered_by", e.covered_by);
    if (e.category != "organisational" && e.category != "not_by_vector" && e.category != "gap" &&
        r.failures() == before) {
      r.fail(ptr + "/category", "expected organisational, not_by_vector or gap");
    }
    if (r.failures() == before) out.push_back(std::move(e));
  }
  return out;
}

boost::system::result<catalogue> load_catalogue(const fs::path& dir) {
  std::vector<load_error> errors;
  catalogue cat = load_catalogue(dir, errors);
  if (!errors.empty()) return make_error_code(errors.front().code);
  return cat;
}

}  // namespace apipnr::vectors
