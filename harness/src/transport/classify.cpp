#include "apipnr/harness/classify.hpp"

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "edifact_reader.hpp"

namespace apipnr::harness {
namespace {

using detail::edi_document;
using detail::edi_segment;

// ---------------------------------------------------------------------------------------------
// small helpers
// ---------------------------------------------------------------------------------------------

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string lowered(std::string_view s) {
  std::string r(s);
  for (char& c : r) c = lower(c);
  return r;
}

// "Application/Problem+JSON; charset=utf-8" -> "application/problem+json".
std::string media_type(std::string_view content_type) {
  const auto semi = content_type.find(';');
  std::string_view t = content_type.substr(0, semi);
  while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
  while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
  return lowered(t);
}

std::optional<int> parse_int(std::string_view s) {
  if (s.empty() || s.size() > 9) return std::nullopt;
  int v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size() || v < 0) return std::nullopt;
  return v;
}

std::string_view trim_space(std::string_view s) {
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n')) {
    s.remove_prefix(1);
  }
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

std::string join_components(const edi_segment& s, std::size_t position) {
  if (position == 0 || position > s.elements.size()) return {};
  std::string r;
  const auto& e = s.elements[position - 1];
  for (std::size_t i = 0; i < e.size(); ++i) {
    if (i != 0) r += ':';
    r += e[i];
  }
  // Trailing empty components carry nothing ("AAP:::" reads as "AAP").
  while (!r.empty() && r.back() == ':') r.pop_back();
  return r;
}

// A diagnostic ID as the reference and vendors write them: upper-case letters and digits with
// at least one '-', e.g. EDI-UNT-COUNT. Used to pick IDs out of ACKRES free text.
bool looks_like_id(std::string_view s) {
  if (s.size() < 3 || s.size() > 64 || s.front() == '-' || s.back() == '-') return false;
  bool dash = false;
  for (char c : s) {
    if (c == '-') {
      dash = true;
    } else if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) {
      return false;
    }
  }
  return dash;
}

// ---------------------------------------------------------------------------------------------
// EDIFACT message framing shared by the three readers
// ---------------------------------------------------------------------------------------------

struct message_span {
  std::size_t first = 0;  // index of the UNH in doc.segments
  std::size_t last = 0;   // index of the UNT
};

// Splits the interchange into messages of type `type` (UNH S009 0065). Service segments
// outside messages may only be UNB/UNG/UNE/UNZ; every message must be of `type` and closed.
std::string frame(const edi_document& doc, std::string_view type, std::vector<message_span>& out) {
  constexpr std::size_t none = static_cast<std::size_t>(-1);
  std::size_t open = none;  // index of the open message's UNH
  for (std::size_t i = 0; i < doc.segments.size(); ++i) {
    const auto& s = doc.segments[i];
    if (s.tag == "UNH") {
      if (open != none)
        return "UNH in segment " + std::to_string(s.index) + " inside an open message";
      if (s.at(2, 0) != type) {
        return "message " + std::to_string(out.size() + 1) + " is " + std::string(s.at(2, 0)) +
               ", not " + std::string(type);
      }
      open = i;
    } else if (s.tag == "UNT") {
      if (open == none) return "UNT in segment " + std::to_string(s.index) + " without UNH";
      out.push_back({open, i});
      open = none;
    } else if (open == none && s.tag != "UNB" && s.tag != "UNG" && s.tag != "UNE" &&
               s.tag != "UNZ") {
      return "segment " + std::to_string(s.index) + " (" + s.tag + ") outside a message";
    }
  }
  if (open != none) return "message without UNT";
  if (out.empty()) return "no " + std::string(type) + " message";
  return {};
}

// The message type of the first UNH, or "" when there is none.
std::string first_message_type(const edi_document& doc) {
  for (const auto& s : doc.segments) {
    if (s.tag == "UNH") return std::string(s.at(2, 0));
  }
  return {};
}

// S011 at `position`: 0098 : 0104 : 0136. Absent parts are 0; non-numeric parts are an error.
std::string read_s011(const edi_segment& s, std::size_t position, contrl_error& e) {
  int* const parts[] = {&e.element_position, &e.component_position, &e.occurrence};
  for (std::size_t c = 0; c < 3; ++c) {
    const auto v = s.at(position, c);
    if (v.empty()) continue;
    const auto n = parse_int(v);
    if (!n) return s.tag + " S011 component " + std::to_string(c + 1) + " is not numeric";
    *parts[c] = *n;
  }
  return {};
}

std::string read_code(const edi_segment& s, std::size_t position, bool required, int& out) {
  const auto v = s.at(position, 0);
  if (v.empty())
    return required ? s.tag + " element " + std::to_string(position) + " missing" : std::string();
  const auto n = parse_int(v);
  if (!n)
    return s.tag + " element " + std::to_string(position) + " '" + std::string(v) +
           "' is not numeric";
  out = *n;
  return {};
}

std::string read_action(const edi_segment& s, std::size_t position, int& out) {
  if (auto why = read_code(s, position, true, out); !why.empty()) return why;
  const bool ok = s.tag == "UCI" ? (out == 4 || out == 7 || out == 8) : (out == 4 || out == 7);
  if (!ok) return s.tag + " action " + std::to_string(out) + " is not a CONTRL action here";
  return {};
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// CONTRL
// ---------------------------------------------------------------------------------------------

bool contrl_report::rejected() const {
  if (interchange_action == 4) return true;
  for (const auto& l : levels) {
    if (l.action == 4) return true;
  }
  return false;
}

std::string read_contrl(std::string_view body, contrl_report& out) {
  out = {};
  const edi_document doc = detail::read_edifact(body);
  if (!doc.ok()) return doc.error;
  std::vector<message_span> messages;
  if (auto why = frame(doc, "CONTRL", messages); !why.empty()) return why;
  bool have_uci = false;
  for (const auto& m : messages) {
    if (out.identifier.empty()) {
      const auto& s009 = doc.segments[m.first].elements;
      if (s009.size() >= 2) {
        for (std::size_t k = 0; k < s009[1].size(); ++k) {
          out.identifier += (k ? ":" : "") + s009[1][k];
        }
      }
    }
    std::string group_ref, message_ref;
    bool in_ucm = false;  // a UCM opened the current message level (its 0062 may be empty)
    int ucs_position = 0;
    for (std::size_t i = m.first + 1; i < m.last; ++i) {
      const edi_segment& s = doc.segments[i];
      contrl_error e;
      e.segment = s.tag;
      std::string why;
      if (s.tag == "UCI") {
        if (have_uci) return "more than one UCI";
        have_uci = true;
        out.interchange_reference = s.at(1, 0);
        out.interchange_sender = s.at(2, 0);
        out.interchange_recipient = s.at(3, 0);
        why = read_action(s, 4, out.interchange_action);
        if (why.empty()) why = read_code(s, 5, false, e.code);
        if (why.empty()) why = read_s011(s, 7, e);
        e.tag = s.at(6, 0);
      } else if (s.tag == "UCF" || s.tag == "UCM") {
        const bool ucf = s.tag == "UCF";
        contrl_level l;
        l.segment = s.tag;
        l.reference = s.at(1, 0);
        if (!ucf) l.message_type = s.at(2, 0);
        why = read_action(s, ucf ? 4 : 3, l.action);
        if (why.empty()) why = read_code(s, ucf ? 5 : 4, false, e.code);
        if (why.empty()) why = read_s011(s, ucf ? 7 : 6, e);
        e.tag = s.at(ucf ? 6 : 5, 0);
        if (ucf) {
          group_ref = l.reference;
          message_ref.clear();
          in_ucm = false;
        } else {
          message_ref = l.reference;
          in_ucm = true;
          // 0062 and S009 are mandatory in a message's UCM (ISO 9735-5; syntax 4: D1/D2). A
          // UCM without them still states its action, so it is read as a level (a rejection
          // stays a rejection) and the shortfall is reported instead of the answer being
          // unreadable.
          if (l.reference.empty() || l.message_type.empty()) {
            out.deviations.push_back("UCM in segment " + std::to_string(s.index) + " without " +
                                     (l.reference.empty() ? "0062" : "S009") +
                                     " (ISO 9735-5: a message's UCM names it)");
          }
        }
        ucs_position = 0;
        out.levels.push_back(std::move(l));
      } else if (s.tag == "UCS") {
        if (!in_ucm) return "UCS in segment " + std::to_string(s.index) + " without UCM";
        why = read_code(s, 1, true, ucs_position);
        e.segment_position = ucs_position;
        if (why.empty()) why = read_code(s, 2, false, e.code);
      } else if (s.tag == "UCD") {
        if (ucs_position == 0) return "UCD in segment " + std::to_string(s.index) + " without UCS";
        e.segment_position = ucs_position;
        why = read_code(s, 1, true, e.code);
        if (why.empty()) why = read_s011(s, 2, e);
      } else {
        return "unexpected segment " + s.tag + " in CONTRL (segment " + std::to_string(s.index) +
               ")";
      }
      if (!why.empty()) return why;
      if (e.code != 0) {
        e.group_ref = group_ref;
        if (s.tag != "UCF" && s.tag != "UCI") e.message_ref = message_ref;
        out.errors.push_back(std::move(e));
      }
    }
  }
  if (!have_uci) return "CONTRL without UCI";
  out.technical_receipt = out.interchange_action == 8 && out.levels.empty();
  return {};
}

// ---------------------------------------------------------------------------------------------
// CUSRES
// ---------------------------------------------------------------------------------------------

std::string read_cusres(std::string_view body, cusres_report& out) {
  out = {};
  const edi_document doc = detail::read_edifact(body);
  if (!doc.ok()) return doc.error;
  std::vector<message_span> messages;
  if (auto why = frame(doc, "CUSRES", messages); !why.empty()) return why;
  for (const auto& m : messages) {
    cusres_group* group = nullptr;
    const bool first_message = &m == &messages.front();
    if (first_message) {
      out.message_reference = doc.segments[m.first].at(1, 0);
      out.common_access_reference = doc.segments[m.first].at(3, 0);
    }
    bool in_tn_group = false;  // inside the message-level RFF+TN group (before any ERP)
    for (std::size_t i = m.first + 1; i < m.last; ++i) {
      const edi_segment& s = doc.segments[i];
      if (first_message && group == nullptr) {
        if (s.tag == "RFF") {
          const bool first = out.first_rff.empty();
          if (first) out.first_rff = s.at(1, 0);
          in_tn_group = first && s.at(1, 0) == "TN";
          if (in_tn_group) out.transaction_reference = s.at(1, 1);
        } else if (in_tn_group && (s.tag == "DTM" || s.tag == "LOC")) {
          out.tn_group_has_dtm_or_loc = true;
        } else {
          in_tn_group = false;
        }
      }
      if (s.tag == "BGM") {
        if (!out.bgm.empty() && messages.size() == 1) return "more than one BGM";
        out.bgm = s.at(1, 0);
        if (out.bgm.empty()) return "BGM without document code";
      } else if (s.tag == "ERP") {
        int level = 0;
        if (auto why = read_code(s, 1, true, level); !why.empty()) return why;
        if (level != 1 && level != 2) return "ERP level " + std::to_string(level) + " unknown";
        group = &out.groups.emplace_back();
        group->level = level;
      } else if (group != nullptr && s.tag == "RFF") {
        if (s.at(1, 0) == "ABO") group->abo = s.at(1, 1);
        if (s.at(1, 0) == "AVF") group->avf = s.at(1, 1);
      } else if (group != nullptr && s.tag == "ERC") {
        const auto code = s.at(1, 0);
        if (code.empty()) return "ERC without code (segment " + std::to_string(s.index) + ")";
        group->codes.emplace_back(code);
      } else if (group != nullptr && s.tag == "FTX") {
        if (s.at(1, 0) == "AAP") group->text = join_components(s, 4);
      } else if (group != nullptr) {
        // A segment of the message's later groups (TAX, DOC, CNT, ...) ends the ERP group.
        group = nullptr;
      }
    }
  }
  if (out.bgm.empty()) return "CUSRES without BGM";
  return {};
}

// ---------------------------------------------------------------------------------------------
// ACKRES
// ---------------------------------------------------------------------------------------------

std::string read_ackres(std::string_view body, ackres_report& out) {
  out = {};
  const edi_document doc = detail::read_edifact(body);
  if (!doc.ok()) return doc.error;
  std::vector<message_span> messages;
  if (auto why = frame(doc, "ACKRES", messages); !why.empty()) return why;
  bool have_msg = false;
  for (const auto& m : messages) {
    for (std::size_t i = m.first + 1; i < m.last; ++i) {
      const edi_segment& s = doc.segments[i];
      if (s.tag == "MSG") {
        have_msg = true;
        out.function = join_components(s, 1);
      } else if (s.tag == "ERC") {
        const auto code = s.at(1, 0);
        if (code.empty()) return "ERC without code (segment " + std::to_string(s.index) + ")";
        out.codes.emplace_back(code);
      } else if (s.tag == "IFT") {
        std::string text;
        for (std::size_t p = 2; p <= s.elements.size(); ++p) {
          if (!text.empty()) text += ' ';
          text += join_components(s, p);
        }
        out.texts.push_back(std::move(text));
      }
      // Other segments of a possible future layout are not judged: the layout is [U].
    }
  }
  if (!have_msg) return "ACKRES without MSG";
  return {};
}

// ---------------------------------------------------------------------------------------------
// classify
// ---------------------------------------------------------------------------------------------

namespace {

// nlohmann::json parses recursively; refuse nesting that could exhaust the stack before
// handing hostile bytes to it.
bool json_depth_ok(std::string_view s, int max_depth) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return false;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return true;
}

std::optional<nlohmann::json> parse_json(std::string_view body) {
  if (!json_depth_ok(body, 64)) return std::nullopt;
  auto j = nlohmann::json::parse(body.begin(), body.end(), nullptr, false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

bool looks_like_edifact(std::string_view body) {
  const auto t = trim_space(body);
  return t.substr(0, 3) == "UNA" || t.substr(0, 3) == "UNB" || t.substr(0, 3) == "UNH";
}

std::string join_ints(const std::vector<int>& v) {
  std::string r = "[";
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i != 0) r += ' ';
    r += std::to_string(v[i]);
  }
  return r + "]";
}

// Decision carried by the body alone (unknown when the body makes no statement).
struct body_reading {
  decision said = decision::unknown;
  bool states_decision = false;  // the body itself says accepted/rejected (EDIFACT acks)
};

body_reading apply_contrl(std::string_view text, classification& c, std::string& why) {
  contrl_report r;
  why = read_contrl(text, r);
  if (!why.empty()) return {};
  c.ack = ack_type::contrl;
  c.contrl_action = r.interchange_action;
  contrl_content content;
  content.identifier = r.identifier;
  content.interchange_reference = r.interchange_reference;
  content.interchange_sender = r.interchange_sender;
  content.interchange_recipient = r.interchange_recipient;
  for (const auto& l : r.levels) {
    content.levels.push_back({l.segment, l.reference, l.message_type, l.action});
  }
  c.contrl = std::move(content);
  for (const auto& e : r.errors) c.syntax_errors.push_back(e.code);
  c.summary = "CONTRL UCI " + std::to_string(r.interchange_action);
  for (const auto& l : r.levels) {
    if (l.action == 4) c.summary += ", " + l.segment + " " + l.reference + " 4";
  }
  if (!c.syntax_errors.empty()) c.summary += ", 0085 " + join_ints(c.syntax_errors);
  if (r.technical_receipt) c.summary += " (technical receipt)";
  for (const auto& d : r.deviations) c.summary += "; " + d;
  return {r.rejected() ? decision::rejected : decision::accepted, true};
}

body_reading apply_cusres(std::string_view text, classification& c, std::string& why) {
  cusres_report r;
  why = read_cusres(text, r);
  if (!why.empty()) return {};
  c.ack = ack_type::cusres;
  c.summary = "CUSRES BGM " + r.bgm;
  cusres_content content;
  content.document = r.bgm;
  content.first_rff = r.first_rff;
  content.transaction_reference = r.transaction_reference;
  content.tn_group_has_dtm_or_loc = r.tn_group_has_dtm_or_loc;
  content.message_reference = r.message_reference;
  content.common_access_reference = r.common_access_reference;
  for (const auto& g : r.groups) content.groups.push_back({g.level, g.abo, g.avf, g.codes});
  c.cusres = std::move(content);
  if (!r.transaction_reference.empty()) c.summary += ", TN " + r.transaction_reference;
  decision d = decision::accepted;
  std::size_t passenger = 0;
  for (const auto& g : r.groups) {
    if (g.level == 1) {
      for (const auto& code : g.codes) {
        c.summary += ", header ERC " + code;
        if (code != "0") d = decision::rejected;
      }
      continue;
    }
    ++passenger;
    for (const auto& code : g.codes) {
      // Without RFF+ABO the ERP sequence number is the only key the answer gives.
      c.directives.push_back({g.abo.empty() ? "#" + std::to_string(passenger) : g.abo, code});
    }
  }
  if (!c.directives.empty()) {
    c.summary += ", directives";
    for (const auto& pd : c.directives) c.summary += " " + pd.reference + "=" + pd.code;
  }
  return {d, true};
}

body_reading apply_ackres(std::string_view text, classification& c, std::string& why) {
  ackres_report r;
  why = read_ackres(text, r);
  if (!why.empty()) return {};
  c.ack = ack_type::ackres;
  c.summary = "ACKRES MSG " + r.function;
  for (const auto& code : r.codes) {
    c.summary += ", ERC " + code;
    if (const auto n = parse_int(code)) c.syntax_errors.push_back(*n);
  }
  for (const auto& t : r.texts) {
    const auto word = t.substr(0, t.find(' '));
    if (looks_like_id(word)) c.finding_ids.push_back(word);
  }
  return {r.codes.empty() ? decision::accepted : decision::rejected, true};
}

body_reading apply_edifact(std::string_view text, classification& c) {
  const edi_document doc = detail::read_edifact(text);
  std::string why;
  if (!doc.ok()) {
    c.ack = ack_type::other;
    c.summary = "unreadable EDIFACT: " + doc.error;
    return {};
  }
  const std::string type = first_message_type(doc);
  body_reading r;
  if (type == "CONTRL") {
    r = apply_contrl(text, c, why);
  } else if (type == "CUSRES") {
    r = apply_cusres(text, c, why);
  } else if (type == "ACKRES") {
    r = apply_ackres(text, c, why);
  } else {
    why = type.empty() ? "EDIFACT without UNH" : "EDIFACT " + type + " is not an acknowledgement";
  }
  if (!why.empty()) {
    c = classification{};
    c.ack = ack_type::other;
    c.summary = (type.empty() ? std::string("EDIFACT") : type) + " not readable: " + why;
    return {};
  }
  return r;
}

// An integer member as written, when it fits in 64 bits signed; nullopt otherwise.
std::optional<std::int64_t> exact_int(const nlohmann::json& v) {
  if (v.is_number_unsigned()) {
    const auto u = v.get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
    return static_cast<std::int64_t>(u);
  }
  if (v.is_number_integer()) return v.get<std::int64_t>();
  return std::nullopt;
}

void apply_problem(const nlohmann::json& j, classification& c, int& problem_status) {
  c.ack = ack_type::problem_json;
  std::string type;
  if (auto it = j.find("type"); it != j.end() && it->is_string()) type = it->get<std::string>();
  // Only an HTTP status (100..599) is a status the judge can use: get<int>() would wrap a
  // vendor's 4294967496 to 200 and an AMQP problem would read as accepted.
  std::string bad_status;
  if (auto it = j.find("status"); it != j.end() && it->is_number_integer()) {
    if (const auto v = exact_int(*it); v && *v >= 100 && *v <= 599) {
      problem_status = static_cast<int>(*v);
    } else {
      bad_status = it->dump();
    }
  }
  c.summary = "problem " + (type.empty() ? std::string("(no type)") : type);
  if (problem_status != 0) c.summary += " status " + std::to_string(problem_status);
  if (!bad_status.empty()) c.summary += " (status " + bad_status + " is not an HTTP status)";
  const auto f = j.find("findings");
  if (f == j.end() || !f->is_array()) return;
  c.findings_reported = true;
  for (const auto& item : *f) {
    if (!item.is_object()) continue;
    std::string severity = "error";
    if (auto it = item.find("severity"); it != item.end() && it->is_string()) {
      severity = lowered(it->get<std::string>());
    }
    if (auto it = item.find("id"); it != item.end() && it->is_string()) {
      c.finding_ids.push_back(it->get<std::string>());
    }
    if (auto it = item.find("requirement"); it != item.end() && it->is_string()) {
      if (severity == "error" || severity == "fatal") {
        c.requirements.push_back(it->get<std::string>());
      } else if (severity == "warning") {
        c.warning_requirements.push_back(it->get<std::string>());
      }
    }
    if (auto it = item.find("syntax_error"); it != item.end() && it->is_number_integer()) {
      // 0085 is n..3: a larger value is no syntax error code (and get<int>() would wrap it).
      if (const auto code = exact_int(*it); code && *code > 0 && *code <= 999)
        c.syntax_errors.push_back(static_cast<int>(*code));
    }
  }
  if (!c.finding_ids.empty()) {
    c.summary += ", findings";
    for (const auto& id : c.finding_ids) c.summary += " " + id;
  }
}

std::string id_from_location(const std::map<std::string, std::string>& headers) {
  const auto it = headers.find("location");
  if (it == headers.end()) return {};
  std::string_view v = it->second;
  const auto q = v.find_first_of("?#");
  v = v.substr(0, q);
  const auto slash = v.rfind('/');
  return std::string(slash == std::string_view::npos ? v : v.substr(slash + 1));
}

// `accepted id=<n> ...` (the reference's text receipt and similar vendor receipts).
std::string id_from_text(std::string_view body) {
  const auto p = body.find("id=");
  if (p == std::string_view::npos || (p != 0 && body[p - 1] != ' ')) return {};
  std::size_t e = p + 3;
  while (e < body.size() && body[e] != ' ' && body[e] != '\r' && body[e] != '\n') ++e;
  return std::string(body.substr(p + 3, e - p - 3));
}

}  // namespace

classification classify(const observation& o) {
  classification c;
  switch (o.outcome) {
    case transport_outcome::completed:
      break;
    case transport_outcome::timeout:
      c.summary = "no answer: timeout";
      return c;
    case transport_outcome::transport_error:
      c.summary = "no answer: transport error: " + o.error;
      return c;
    case transport_outcome::endpoint_down:
      c.summary = "no answer: endpoint down: " + o.error;
      return c;
  }

  const std::string mt = media_type(o.content_type);
  const std::string_view body = o.body;
  body_reading reading;
  int problem_status = 0;
  std::string receipt_note;

  if (trim_space(body).empty()) {
    c.ack = ack_type::none;
  } else if (mt == "application/problem+json" || mt == "application/json" ||
             (mt.empty() && trim_space(body).front() == '{')) {
    const auto j = parse_json(body);
    if (!j || !j->is_object()) {
      c.ack = ack_type::other;
      c.summary = "body declared JSON is not a JSON object";
    } else if (mt == "application/problem+json" ||
               (j->contains("type") && j->contains("status") && j->contains("title"))) {
      apply_problem(*j, c, problem_status);
    } else {
      c.ack = ack_type::receipt;
      receipt_note = "JSON receipt";
      if (auto it = j->find("id"); it != j->end()) {
        c.message_id = it->is_string() ? it->get<std::string>() : it->dump();
      }
      // A JSON receipt may carry the CONTRL text; its decision then counts like a body CONTRL.
      if (auto it = j->find("contrl"); it != j->end() && it->is_string()) {
        classification inner;
        std::string why;
        reading = apply_contrl(it->get<std::string>(), inner, why);
        if (why.empty()) {
          c.contrl_action = inner.contrl_action;
          c.syntax_errors = inner.syntax_errors;
          receipt_note += " with " + inner.summary;
        } else {
          receipt_note += " with unreadable CONTRL: " + why;
          c.ack = ack_type::other;
        }
      }
    }
  } else if (looks_like_edifact(body)) {
    reading = apply_edifact(body, c);
  } else if (mt == "text/plain" || mt.empty()) {
    const auto t = trim_space(body);
    if (t.rfind("accepted", 0) == 0 || t.rfind("ok", 0) == 0 || t.rfind("OK", 0) == 0) {
      c.ack = ack_type::receipt;
      receipt_note = "receipt '" + std::string(t.substr(0, 60)) + "'";
    } else {
      c.ack = ack_type::other;
      c.summary = "unrecognised text body";
    }
  } else {
    c.ack = ack_type::other;
    c.summary = "unrecognised body of type " + (mt.empty() ? std::string("(none)") : mt);
  }

  c.problem_status = problem_status;
  if (c.message_id.empty()) c.message_id = id_from_location(o.headers);
  if (c.message_id.empty() && c.ack == ack_type::receipt) c.message_id = id_from_text(body);
  if (!receipt_note.empty()) c.summary = receipt_note;

  // The status that decides: the HTTP status, or for AMQP a problem's `status` member.
  const int status = o.http_status != 0 ? o.http_status : problem_status;
  const std::string prefix = o.http_status != 0 ? "HTTP " + std::to_string(o.http_status) : "";
  auto finish = [&](decision d, std::string_view note = {}) {
    c.result = d;
    std::string s = prefix;
    if (!c.summary.empty()) s += s.empty() ? c.summary : ", " + c.summary;
    if (!note.empty()) s += s.empty() ? std::string(note) : ", " + std::string(note);
    c.summary = std::move(s);
    return c;
  };

  if (c.ack == ack_type::other) return finish(decision::unknown);
  if (status == 0) {
    // AMQP without a problem status: an EDIFACT acknowledgement states the decision, a receipt
    // (text or JSON) says accepted. A reply without a body states nothing: over AMQP the
    // acknowledgement is the reply's body (there is no status line to carry one), so an empty
    // reply is neither the receipt or CONTRL of an acceptance nor a rejection, and reading it
    // as either would be a guess. The judge names what the case expected instead.
    if (reading.states_decision) return finish(reading.said);
    if (c.ack == ack_type::receipt) return finish(decision::accepted);
    if (c.ack == ack_type::none) {
      return finish(decision::unknown,
                    "reply without a body: no acknowledgement, no decision stated");
    }
    return finish(decision::unknown, "no status");
  }
  if (problem_status != 0 && o.http_status != 0 && problem_status != o.http_status) {
    c.summary += " (problem status differs)";
  }
  if (status >= 200 && status < 300) {
    return finish(reading.states_decision ? reading.said : decision::accepted);
  }
  if (status >= 400 && status < 500) {
    if (reading.states_decision && reading.said == decision::accepted) {
      return finish(decision::unknown, "4xx contradicts an accepting acknowledgement");
    }
    return finish(decision::rejected);
  }
  return finish(decision::unknown, status >= 500 ? "server error" : "unexpected status");
}

}  // namespace apipnr::harness
