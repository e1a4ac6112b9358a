#include <openssl/evp.h>

#include <algorithm>
#include <charconv>
#include <ctime>
#include <memory>
#include <nlohmann/json.hpp>

#include "apipnr/model/charset.hpp"
#include "util_internal.hpp"

namespace apipnr::store::detail {

std::optional<digest> sha256(std::initializer_list<std::string_view> parts) noexcept {
  // OpenSSL 3 looks the algorithm up in its provider table on every EVP_sha256() init (a lock and
  // a property query, about half the cost of hashing a 600-byte iAPI request): the algorithm is
  // fetched once per process and each thread reuses one context (three hashes per put).
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  thread_local const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(),
                                                                                 &EVP_MD_CTX_free);
  if (md == nullptr || !ctx) return std::nullopt;
  digest out{};
  unsigned int n = 0;
  bool ok = EVP_DigestInit_ex(ctx.get(), md, nullptr) == 1;
  for (std::string_view p : parts) ok = ok && EVP_DigestUpdate(ctx.get(), p.data(), p.size()) == 1;
  ok = ok && EVP_DigestFinal_ex(ctx.get(), out.data(), &n) == 1 && n == out.size();
  if (!ok) return std::nullopt;
  return out;
}

std::string to_hex(std::string_view bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string s;
  s.reserve(bytes.size() * 2);
  for (const char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    s.push_back(digits[b >> 4]);
    s.push_back(digits[b & 0x0f]);
  }
  return s;
}

namespace {

// Appends `s` as a JSON string the way nlohmann's serializer does with ensure_ascii = false:
// the two-character escapes for \b \f \n \r \t " and backslash, \u00xx (lower-case hex)
// for the other control characters, everything else (DEL and valid UTF-8 included) verbatim.
// False when `s` is not valid UTF-8.
bool append_string(std::string& out, std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  out.push_back('"');
  std::size_t run = 0;  // start of the pending verbatim run
  std::size_t i = 0;
  while (i < n) {
    const unsigned char c = p[i];
    if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      const std::size_t len = model::utf8_sequence(s, i);
      if (len == 0) return false;
      i += len;
      continue;
    }
    out.append(s.data() + run, i - run);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default: {
        const char u[] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0x0f]};
        out.append(u, sizeof u);
      }
    }
    run = ++i;
  }
  out.append(s.data() + run, n - run);
  out.push_back('"');
  return true;
}

template <class Int>
void append_integer(std::string& out, Int v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

// False when the document needs nlohmann's own dump (see dump_json).
bool append_value(std::string& out, const nlohmann::json& v) {
  using t = nlohmann::json::value_t;
  switch (v.type()) {
    case t::null:
      out += "null";
      return true;
    case t::boolean:
      out += v.get_ref<const nlohmann::json::boolean_t&>() ? "true" : "false";
      return true;
    case t::number_integer:
      append_integer(out, v.get_ref<const nlohmann::json::number_integer_t&>());
      return true;
    case t::number_unsigned:
      append_integer(out, v.get_ref<const nlohmann::json::number_unsigned_t&>());
      return true;
    case t::string:
      return append_string(out, v.get_ref<const std::string&>());
    case t::array: {
      out.push_back('[');
      bool first = true;
      for (const auto& e : v.get_ref<const nlohmann::json::array_t&>()) {
        if (!first) out.push_back(',');
        first = false;
        if (!append_value(out, e)) return false;
      }
      out.push_back(']');
      return true;
    }
    case t::object: {
      out.push_back('{');
      bool first = true;
      for (const auto& [key, e] : v.get_ref<const nlohmann::json::object_t&>()) {
        if (!first) out.push_back(',');
        first = false;
        if (!append_string(out, key)) return false;
        out.push_back(':');
        if (!append_value(out, e)) return false;
      }
      out.push_back('}');
      return true;
    }
    case t::number_float:  // nlohmann's shortest round-trip formatting is kept as it is
    case t::binary:
    case t::discarded:
      return false;
  }
  return false;
}

// A present optional as a view, for the member lists below.
std::optional<std::string_view> view_of(const model::opt_string& v) {
  return v ? std::optional<std::string_view>(*v) : std::nullopt;
}
std::optional<std::string_view> view_of(const model::opt_text& v) {
  return v ? std::optional<std::string_view>(v.view()) : std::nullopt;
}

// Appends {"key":"value",...} for the members that are present, in the order given (the callers
// give the byte order of keys that nlohmann's std::map gave). False on ill-formed UTF-8: the
// caller then falls back to nlohmann's replacement.
bool append_object(
    std::string& out,
    std::initializer_list<std::pair<std::string_view, std::optional<std::string_view>>> members) {
  out.push_back('{');
  bool first = true;
  for (const auto& [key, value] : members) {
    if (!value) continue;
    if (!first) out.push_back(',');
    first = false;
    out.push_back('"');
    out.append(key);
    out.append("\":");
    if (!append_string(out, *value)) return false;
  }
  out.push_back('}');
  return true;
}

}  // namespace

std::string legs_json(const std::vector<model::leg>& legs) {
  std::string out;
  out.reserve(16 + 96 * legs.size());
  out.push_back('[');
  bool ok = true;
  for (std::size_t i = 0; ok && i < legs.size(); ++i) {
    const model::leg& l = legs[i];
    if (i != 0) out.push_back(',');
    ok = append_object(out, {{"arrival", view_of(l.arrival.port)},
                             {"arrival_scheduled", view_of(l.arrival.scheduled)},
                             {"departure", view_of(l.departure.port)},
                             {"departure_scheduled", view_of(l.departure.scheduled)}});
  }
  if (ok) {
    out.push_back(']');
    return out;
  }
  // Ill-formed UTF-8 in a port or time: nlohmann's replacement, through the DOM as before.
  nlohmann::json a = nlohmann::json::array();
  for (const auto& l : legs) {
    nlohmann::json o = nlohmann::json::object();
    if (l.departure.port) o["departure"] = *l.departure.port;
    if (l.departure.scheduled) o["departure_scheduled"] = *l.departure.scheduled;
    if (l.arrival.port) o["arrival"] = *l.arrival.port;
    if (l.arrival.scheduled) o["arrival_scheduled"] = *l.arrival.scheduled;
    a.push_back(std::move(o));
  }
  return dump_json(a);
}

std::string documents_json(const model::document_list& docs) {
  std::string out;
  out.reserve(16 + 96 * docs.size());
  out.push_back('[');
  bool ok = true;
  for (std::size_t i = 0; ok && i < docs.size(); ++i) {
    const model::document& d = docs[i];
    if (i != 0) out.push_back(',');
    ok = append_object(out, {{"expiry", view_of(d.expiry)},
                             {"issuing_state", view_of(d.issuing_state)},
                             {"nationality", view_of(d.nationality)},
                             {"number", std::string_view(d.number)},
                             {"type", std::string_view(d.type)}});
  }
  if (ok) {
    out.push_back(']');
    return out;
  }
  // Ill-formed UTF-8: nlohmann's replacement, as for every other stored text.
  nlohmann::json a = nlohmann::json::array();
  for (const auto& d : docs) {
    nlohmann::json o = nlohmann::json::object();
    if (d.expiry) o["expiry"] = *d.expiry;
    if (d.issuing_state) o["issuing_state"] = *d.issuing_state;
    if (d.nationality) o["nationality"] = *d.nationality;
    o["number"] = d.number;
    o["type"] = d.type;
    a.push_back(std::move(o));
  }
  return dump_json(a);
}

namespace {

// The findings as an nlohmann array: the definition of findings_json's text, and its fallback
// when a text is not valid UTF-8 (nlohmann's replacement, as for every other stored text).
std::string findings_json_dom(const std::vector<diagnostic>& findings,
                              const std::vector<std::int32_t>& finding_message) {
  nlohmann::json a = nlohmann::json::array();
  for (std::size_t i = 0; i < findings.size(); ++i) {
    const diagnostic& d = findings[i];
    nlohmann::json f = {
        {"id", d.id},
        {"code", std::string(d.code.category().name()) + ":" + std::to_string(d.code.value())},
        {"severity", to_string(d.level)},
        {"scope", to_string(d.where)},
        {"position",
         {{"offset", d.pos.offset},
          {"segment", d.pos.segment},
          {"message_segment", d.pos.message_segment},
          {"element", d.pos.element},
          {"component", d.pos.component},
          {"repetition", d.pos.repetition}}}};
    if (d.syntax_error != 0) f["syntax_error"] = d.syntax_error;
    if (!d.requirement.empty()) f["requirement"] = d.requirement;
    if (!finding_message.empty()) f["message"] = finding_message[i];
    // Details may quote message content (names), so depersonalisation drops them.
    if (!d.detail.empty()) f["detail"] = d.detail;
    a.push_back(std::move(f));
  }
  return dump_json(a);
}

// Appends "key": with the key written as is (the callers' keys need no escaping).
void append_key(std::string& out, std::string_view key) {
  out.push_back('"');
  out.append(key);
  out.append("\":");
}

}  // namespace

std::string findings_json(const std::vector<diagnostic>& findings,
                          const std::vector<std::int32_t>& finding_message) {
  std::string out;
  out.reserve(2 + 224 * findings.size());
  out.push_back('[');
  bool ok = true;
  for (std::size_t i = 0; ok && i < findings.size(); ++i) {
    const diagnostic& d = findings[i];
    if (i != 0) out.push_back(',');
    // Keys in byte order, the order of nlohmann's std::map (findings_json_dom).
    out.push_back('{');
    append_key(out, "code");
    // "category:value": the name as a JSON string, its closing quote replaced by the value
    // (a colon and digits need no escaping).
    ok = append_string(out, d.code.category().name());
    out.pop_back();
    out.push_back(':');
    append_integer(out, d.code.value());
    out.push_back('"');
    if (ok && !d.detail.empty()) {
      out.push_back(',');
      append_key(out, "detail");
      ok = append_string(out, d.detail);
    }
    out.push_back(',');
    append_key(out, "id");
    ok = ok && append_string(out, d.id);
    if (!finding_message.empty()) {
      out.push_back(',');
      append_key(out, "message");
      append_integer(out, finding_message[i]);
    }
    out.push_back(',');
    append_key(out, "position");
    out.push_back('{');
    append_key(out, "component");
    append_integer(out, d.pos.component);
    out.push_back(',');
    append_key(out, "element");
    append_integer(out, d.pos.element);
    out.push_back(',');
    append_key(out, "message_segment");
    append_integer(out, d.pos.message_segment);
    out.push_back(',');
    append_key(out, "offset");
    append_integer(out, d.pos.offset);
    out.push_back(',');
    append_key(out, "repetition");
    append_integer(out, d.pos.repetition);
    out.push_back(',');
    append_key(out, "segment");
    append_integer(out, d.pos.segment);
    out.push_back('}');
    if (!d.requirement.empty()) {
      out.push_back(',');
      append_key(out, "requirement");
      ok = ok && append_string(out, d.requirement);
    }
    out.push_back(',');
    append_key(out, "scope");
    ok = ok && append_string(out, to_string(d.where));
    out.push_back(',');
    append_key(out, "severity");
    ok = ok && append_string(out, to_string(d.level));
    if (d.syntax_error != 0) {
      out.push_back(',');
      append_key(out, "syntax_error");
      append_integer(out, d.syntax_error);
    }
    out.push_back('}');
  }
  if (ok) {
    out.push_back(']');
    return out;
  }
  return findings_json_dom(findings, finding_message);
}

std::string strings_json(const std::vector<std::string>& refs) {
  std::string out;
  std::size_t n = 2;
  for (const auto& r : refs) n += r.size() + 3;
  out.reserve(n);
  out.push_back('[');
  for (std::size_t i = 0; i < refs.size(); ++i) {
    if (i != 0) out.push_back(',');
    if (!append_string(out, refs[i])) return dump_json(nlohmann::json(refs));
  }
  out.push_back(']');
  return out;
}

std::string dump_json(const nlohmann::json& doc) {
  std::string out;
  out.reserve(4096);
  if (append_value(out, doc)) return out;
  return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::int64_t to_millis(time_point t) noexcept {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

std::string iso_utc(std::int64_t millis) {
  const std::int64_t secs = millis >= 0 ? millis / 1000 : (millis - 999) / 1000;
  const auto ms = static_cast<int>(millis - secs * 1000);
  const auto tt = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[40];
  const int n =
      std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
  return std::string(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
}

namespace {

enum class action : std::uint8_t { keep, mask, year };

// A rule "key" matches the key anywhere; "container.key" matches it when the nearest named
// container above (the key of the enclosing object or array) is `container`.
bool matches(const std::vector<std::string>& rules, std::string_view container,
             std::string_view key) {
  for (const std::string& r : rules) {
    const auto dot = r.find('.');
    if (dot == std::string::npos) {
      if (r == key) return true;
    } else if (std::string_view(r).substr(0, dot) == container &&
               std::string_view(r).substr(dot + 1) == key) {
      return true;
    }
  }
  return false;
}

std::size_t apply(nlohmann::json& v, action a) {
  if (v.is_string()) {
    std::string& s = v.get_ref<std::string&>();
    if (a == action::year) {
      if (s.size() <= 4) return 0;
      s.resize(4);
      return 1;
    }
    if (s == masked_value) return 0;  // idempotent: already masked
    s = masked_value;
    return 1;
  }
  std::size_t n = 0;
  if (v.is_array())
    for (auto& e : v) n += apply(e, a);
  return n;
}

std::size_t walk(nlohmann::json& v, std::string_view container, const masking_rules& rules) {
  std::size_t n = 0;
  if (v.is_object()) {
    for (auto it = v.begin(); it != v.end(); ++it) {
      const std::string& key = it.key();
      if (matches(rules.year_only, container, key)) {
        n += apply(it.value(), action::year);
      } else if (matches(rules.mask, container, key)) {
        // A whole sub-object (e.g. "reporting_party.name" is a string, but a rule may name an
        // object) has each string inside masked.
        if (it.value().is_object()) {
          for (auto& e : it.value()) n += apply(e, action::mask);
        } else {
          n += apply(it.value(), action::mask);
        }
      } else {
        n += walk(it.value(), key, rules);
      }
    }
  } else if (v.is_array()) {
    // Elements of an array inherit the array's key as their container ("documents").
    for (auto& e : v) n += walk(e, container, rules);
  }
  return n;
}

}  // namespace

std::size_t depersonalise(nlohmann::json& doc, const masking_rules& rules) {
  return walk(doc, "", rules);
}

}  // namespace apipnr::store::detail
