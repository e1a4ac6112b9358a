#include "apipnr/conformance/check.hpp"

#include <algorithm>
#include <charconv>
#include <sstream>

#include "apipnr/edifact/contrl.hpp"
#include "apipnr/edifact/parser.hpp"

namespace apipnr::conformance {
namespace {

using vectors::outcome;

std::string join(const std::vector<std::string>& v) {
  std::string s = "[";
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + v[i];
  return s + "]";
}
std::string join(const std::vector<int>& v) {
  std::vector<std::string> s;
  for (int i : v) s.push_back(std::to_string(i));
  return join(s);
}

bool is_error(const diagnostic& d) { return d.level >= severity::error; }

outcome outcome_of(std::span<const diagnostic> ds) {
  return std::any_of(ds.begin(), ds.end(), is_error) ? outcome::reject : outcome::accept;
}

bool has_id(std::span<const diagnostic> ds, std::string_view id, bool errors) {
  return std::any_of(ds.begin(), ds.end(), [&](const diagnostic& d) {
    return d.id == id && (errors ? is_error(d) : d.level == severity::warning);
  });
}

std::string describe_position(const vectors::position_expectation& p) {
  std::string s = "{";
  auto field = [&](const char* name, const std::optional<std::uint32_t>& v) {
    if (!v) return;
    if (s.size() > 1) s += ", ";
    s += std::string(name) + "=" + std::to_string(*v);
  };
  field("segment", p.segment);
  field("message_segment", p.message_segment);
  field("element", p.element);
  field("component", p.component);
  field("repetition", p.repetition);
  return s + "}";
}

bool position_matches(const position& actual, const vectors::position_expectation& p) {
  return (!p.segment || *p.segment == actual.segment) &&
         (!p.message_segment || *p.message_segment == actual.message_segment) &&
         (!p.element || *p.element == actual.element) &&
         (!p.component || *p.component == actual.component) &&
         (!p.repetition || *p.repetition == actual.repetition);
}

// The findings the scope/position expectations are about: those with the first listed error
// ID, or every error-level finding when the case lists none.
std::vector<const diagnostic*> anchor_findings(std::span<const diagnostic> ds,
                                               const vectors::pass_expectation& pass) {
  std::vector<const diagnostic*> out;
  for (const diagnostic& d : ds) {
    if (!is_error(d)) continue;
    if (pass.errors.empty() || d.id == pass.errors.front()) out.push_back(&d);
  }
  return out;
}

void check_pass(const vectors::pass_expectation& pass, std::span<const diagnostic> ds,
                case_result& r) {
  for (const std::string& id : pass.errors) {
    if (!has_id(ds, id, true)) r.failures.push_back("expected error " + id + " not reported");
  }
  for (const std::string& id : pass.warnings) {
    if (!has_id(ds, id, false)) r.failures.push_back("expected warning " + id + " not reported");
  }
  for (int code : pass.syntax_errors) {
    const bool found = std::any_of(ds.begin(), ds.end(),
                                   [&](const diagnostic& d) { return d.syntax_error == code; });
    if (!found)
      r.failures.push_back("expected 0085 code " + std::to_string(code) + " not reported");
  }
  const auto anchors = anchor_findings(ds, pass);
  const std::string anchor_name =
      pass.errors.empty() ? std::string("any error") : "error " + pass.errors.front();
  if (!pass.scope.empty() && !anchors.empty()) {
    const bool ok = std::any_of(anchors.begin(), anchors.end(), [&](const diagnostic* d) {
      const auto s = apipnr::to_string(d->where);
      return std::find(pass.scope.begin(), pass.scope.end(), s) != pass.scope.end();
    });
    if (!ok) {
      r.failures.push_back("scope of " + anchor_name + " is " +
                           std::string(apipnr::to_string(anchors.front()->where)) +
                           ", expected one of " + join(pass.scope));
    }
  }
  if (pass.position && !pass.position->empty() && !anchors.empty()) {
    const bool ok = std::any_of(anchors.begin(), anchors.end(), [&](const diagnostic* d) {
      return position_matches(d->pos, *pass.position);
    });
    if (!ok) {
      r.failures.push_back("no " + anchor_name + " at position " +
                           describe_position(*pass.position) + "; first is " +
                           describe(*anchors.front()));
    }
  }
}

void check_contrl(int expected, const edifact::interchange& ic, std::span<const diagnostic> ds,
                  case_result& r) {
  r.contrl = edifact::make_contrl(ic, ds);
  if (r.contrl.empty()) {
    r.notes.push_back("contrl_action " + std::to_string(expected) +
                      " not checked: make_contrl returned no output");
    return;
  }
  const auto action = uci_action(r.contrl);
  if (!action) {
    r.failures.push_back("CONTRL has no UCI segment: " + r.contrl);
  } else if (*action != expected) {
    r.failures.push_back("CONTRL UCI action is " + std::to_string(*action) + ", expected " +
                         std::to_string(expected));
  }
}

// The segments of a CONTRL text as tag + elements[e][c] (values unescaped), for the content
// checks of expect.pass.contrl. The text is the reference's own make_contrl() output.
std::vector<vectors::tree_segment> contrl_segments(std::string_view text) {
  edifact::delimiters d;
  if (text.starts_with("UNA") && text.size() >= 9) {
    d.component = text[3];
    d.element = text[4];
    d.release = text[6];
    d.has_release = text[6] != ' ';
    d.terminator = text[8];
    text.remove_prefix(9);
  }
  std::vector<vectors::tree_segment> out;
  edifact::field_splitter segments(text, d.terminator, d);
  std::string_view seg;
  while (segments.next(seg)) {
    while (!seg.empty() && (seg.front() == '\r' || seg.front() == '\n' || seg.front() == ' ')) {
      seg.remove_prefix(1);
    }
    if (seg.size() < 3) continue;
    vectors::tree_segment t;
    t.tag = std::string(seg.substr(0, 3));
    if (seg.size() > 3) {
      edifact::field_splitter elements(seg.substr(4), d.element, d);
      std::string_view e;
      while (elements.next(e)) {
        std::vector<std::string> comps;
        edifact::field_splitter components(e, d.component, d);
        std::string_view c;
        while (components.next(c)) comps.push_back(edifact::unescape(c, d));
        t.elements.push_back(std::move(comps));
      }
    }
    out.push_back(std::move(t));
  }
  return out;
}

std::string at(const vectors::tree_segment& s, std::size_t element, std::size_t component = 0) {
  if (element == 0 || element > s.elements.size()) return {};
  const auto& e = s.elements[element - 1];
  return component < e.size() ? e[component] : std::string();
}

// expect.pass.contrl against the CONTRL the reference builds for the strict findings
// (SYN-CTL-008 copied references, SYN-CTL-009 ISO codes, SYN-CTL-010 identifier and levels).
void check_contrl_content(const vectors::contrl_expectation& x, const edifact::interchange& ic,
                          std::span<const diagnostic> ds, case_result& r) {
  if (r.contrl.empty()) r.contrl = edifact::make_contrl(ic, ds);
  if (r.contrl.empty()) {
    r.failures.push_back("expect.pass.contrl: make_contrl returned no output");
    return;
  }
  const auto segs = contrl_segments(r.contrl);
  auto fail = [&](const std::string& what) {
    r.failures.push_back("CONTRL " + what + ": " + r.contrl);
  };
  std::string identifier;
  const vectors::tree_segment* uci = nullptr;
  std::vector<const vectors::tree_segment*> levels;
  std::vector<int> codes;
  auto code_at = [&](const vectors::tree_segment& s, std::size_t element) {
    const std::string v = at(s, element);
    int n = 0;
    const auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (!v.empty() && ec == std::errc{} && ptr == v.data() + v.size()) codes.push_back(n);
  };
  for (const auto& s : segs) {
    if (s.tag == "UNH" && identifier.empty() && s.elements.size() >= 2) {
      for (std::size_t k = 0; k < s.elements[1].size(); ++k) {
        identifier += (k ? ":" : "") + s.elements[1][k];
      }
    } else if (s.tag == "UCI") {
      uci = &s;
      code_at(s, 5);
    } else if (s.tag == "UCF") {
      levels.push_back(&s);
      code_at(s, 5);
    } else if (s.tag == "UCM") {
      levels.push_back(&s);
      code_at(s, 4);
    } else if (s.tag == "UCS") {
      code_at(s, 2);
    } else if (s.tag == "UCD") {
      code_at(s, 1);
    }
  }
  if (!x.identifier.empty() && identifier != x.identifier) {
    fail("identifier is '" + identifier + "', expected " + x.identifier);
  }
  if (uci == nullptr) {
    fail("has no UCI");
    return;
  }
  if (!x.interchange_reference.empty() && at(*uci, 1) != x.interchange_reference) {
    fail("UCI 0020 is '" + at(*uci, 1) + "', expected " + x.interchange_reference);
  }
  if (!x.interchange_sender.empty() && at(*uci, 2) != x.interchange_sender) {
    fail("UCI S002 is '" + at(*uci, 2) + "', expected " + x.interchange_sender);
  }
  if (!x.interchange_recipient.empty() && at(*uci, 3) != x.interchange_recipient) {
    fail("UCI S003 is '" + at(*uci, 3) + "', expected " + x.interchange_recipient);
  }
  std::size_t next = 0;
  for (const auto& want : x.levels) {
    bool found = false;
    while (next < levels.size() && !found) {
      const vectors::tree_segment& s = *levels[next++];
      const bool ucf = s.tag == "UCF";
      found = s.tag == want.segment && at(s, 1) == want.reference &&
              (want.message_type.empty() || (!ucf && at(s, 2) == want.message_type)) &&
              (!want.action || at(s, ucf ? 4 : 3) == std::to_string(*want.action));
    }
    if (!found) fail("lacks " + want.segment + " " + want.reference + " (in the listed order)");
  }
  if (x.iso_codes_only) {
    for (int code : codes) {
      if (!vectors::iso9735_syntax_error(code))
        fail("carries non-ISO 0085 code " + std::to_string(code));
    }
  }
}

std::string describe_segment(const vectors::tree_segment& s) {
  std::string out = s.tag;
  for (const auto& e : s.elements) {
    out += " [";
    for (std::size_t i = 0; i < e.size(); ++i) out += (i ? "|" : "") + e[i];
    out += "]";
  }
  return out;
}

void check_tree(const vectors::parse_tree& expected, const edifact::interchange& ic,
                case_result& r) {
  char una[9];
  ic.delims.to_una(una);
  const std::string actual_delims(una + 3, 6);
  if (expected.delimiters != actual_delims) {
    r.failures.push_back("tree: delimiters are \"" + actual_delims + "\", expected \"" +
                         expected.delimiters + "\"");
  }
  const auto actual = tree_of(ic);
  const std::size_t n = std::min(actual.size(), expected.segments.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (actual[i] == expected.segments[i]) continue;
    // One mismatch is enough to locate the problem; later segments usually cascade.
    r.failures.push_back("tree: segment " + std::to_string(i + 1) + " is " +
                         describe_segment(actual[i]) + ", expected " +
                         describe_segment(expected.segments[i]));
    return;
  }
  if (actual.size() != expected.segments.size()) {
    r.failures.push_back("tree: " + std::to_string(actual.size()) + " segments, expected " +
                         std::to_string(expected.segments.size()));
  }
}

}  // namespace

std::string_view to_string(verdict v) noexcept {
  switch (v) {
    case verdict::pass:
      return "pass";
    case verdict::fail:
      return "fail";
    case verdict::informational:
      return "informational";
    case verdict::retired:
      return "retired";
  }
  return "?";
}

std::string describe(const diagnostic& d) {
  std::ostringstream os;
  os << d.id << " 0085=" << d.syntax_error << ' ' << apipnr::to_string(d.level)
     << " scope=" << apipnr::to_string(d.where) << " seg=" << d.pos.segment
     << " mseg=" << d.pos.message_segment << " el=" << d.pos.element << " comp=" << d.pos.component
     << " rep=" << d.pos.repetition << " off=" << d.pos.offset;
  return os.str();
}

std::string explain(const vectors::case_spec& c, const case_result& r) {
  std::ostringstream os;
  os << "case " << c.id << " (" << c.manifest.string() << " /" << c.index << ", input " << c.input
     << "): " << to_string(r.result) << "\n";
  os << "  expected: " << vectors::to_string(c.expect.result);
  if (const auto& p = c.expect.pass) {
    if (!p->errors.empty()) os << "; errors " << join(p->errors);
    if (!p->warnings.empty()) os << "; warnings " << join(p->warnings);
    if (!p->syntax_errors.empty()) os << "; 0085 " << join(p->syntax_errors);
    if (!p->scope.empty()) os << "; scope " << join(p->scope);
    if (p->position) os << "; position " << describe_position(*p->position);
    if (p->contrl_action) os << "; UCI action " << *p->contrl_action;
  }
  if (const auto& t = c.expect.tolerant) {
    os << "; tolerant " << vectors::to_string(t->result);
    if (!t->warnings.empty()) os << " warnings " << join(t->warnings);
    if (!t->errors.empty()) os << " errors " << join(t->errors);
  }
  os << "\n  actual (strict): " << vectors::to_string(r.actual) << ", " << r.strict_findings.size()
     << " finding(s)\n";
  for (const diagnostic& d : r.strict_findings) os << "    " << describe(d) << "\n";
  if (c.expect.tolerant) {
    os << "  actual (tolerant): " << vectors::to_string(outcome_of(r.tolerant_findings)) << ", "
       << r.tolerant_findings.size() << " finding(s)\n";
    for (const diagnostic& d : r.tolerant_findings) os << "    " << describe(d) << "\n";
  }
  for (const std::string& f : r.failures) os << "  FAIL: " << f << "\n";
  for (const std::string& n : r.notes) os << "  note: " << n << "\n";
  return os.str();
}

std::optional<int> uci_action(std::string_view text) {
  edifact::delimiters d;
  if (text.starts_with("UNA") && text.size() >= 9) {
    d.component = text[3];
    d.element = text[4];
    d.release = text[6];
    d.has_release = text[6] != ' ';
    d.terminator = text[8];
    text.remove_prefix(9);
  }
  edifact::field_splitter segments(text, d.terminator, d);
  std::string_view seg;
  while (segments.next(seg)) {
    // Writers may put a line break after each terminator.
    while (!seg.empty() && (seg.front() == '\r' || seg.front() == '\n' || seg.front() == ' ')) {
      seg.remove_prefix(1);
    }
    if (!seg.starts_with("UCI") || seg.size() < 4 || seg[3] != d.element) continue;
    const edifact::segment s(seg.substr(0, 3), seg.substr(3), 0, 0, false);
    // UCI: 0020, S002, S003, 0083 (ISO 9735-5 / STANDARDS.md §4.2).
    const std::string_view action = edifact::element(s, 4, d);
    int value = 0;
    const auto [ptr, ec] = std::from_chars(action.data(), action.data() + action.size(), value);
    if (ec != std::errc{} || ptr != action.data() + action.size()) return std::nullopt;
    return value;
  }
  return std::nullopt;
}

std::vector<vectors::tree_segment> tree_of(const edifact::interchange& ic) {
  std::vector<vectors::tree_segment> out;
  out.reserve(ic.segments.size());
  for (const edifact::segment& s : ic.segments) {
    vectors::tree_segment t;
    t.tag = std::string(s.tag());
    const std::size_t n = edifact::element_count(s, ic.delims);
    for (std::size_t e = 1; e <= n; ++e) {
      const std::string_view raw = edifact::element(s, e, ic.delims);
      std::vector<std::string> comps;
      edifact::field_splitter split(raw, ic.delims.component, ic.delims);
      std::string_view piece;
      while (split.next(piece)) comps.push_back(edifact::unescape(piece, ic.delims));
      t.elements.push_back(std::move(comps));
    }
    out.push_back(std::move(t));
  }
  return out;
}

case_result check_case(const vectors::case_spec& c) {
  case_result r;
  if (c.retired) {
    r.result = verdict::retired;
    return r;
  }
  if (!c.input_found) {
    r.failures.push_back("input file missing: " + c.input_path().string());
    r.result = verdict::fail;
    return r;
  }

  const edifact::parser strict;
  edifact::interchange ic;
  diagnostic_list findings;
  (void)strict.parse(c.input_bytes, ic, findings);
  r.strict_findings = findings.items();
  r.actual = outcome_of(r.strict_findings);

  const vectors::expectation& x = c.expect;
  if (x.result != outcome::either && x.result != r.actual) {
    r.failures.push_back("strict parse " + std::string(vectors::to_string(r.actual)) +
                         "s, expected " + std::string(vectors::to_string(x.result)));
  }
  if (x.pass) {
    check_pass(*x.pass, r.strict_findings, r);
    if (x.pass->contrl_action) check_contrl(*x.pass->contrl_action, ic, r.strict_findings, r);
    if (x.pass->contrl) check_contrl_content(*x.pass->contrl, ic, r.strict_findings, r);
  }
  if (c.tree_data) {
    if (c.tree_found) check_tree(*c.tree_data, ic, r);
  } else if (!c.tree.empty()) {
    r.failures.push_back("tree file missing or invalid: " + c.tree_path().string());
  }
  if (x.tolerant) {
    edifact::parse_options opts;
    opts.parse_mode = edifact::mode::tolerant;
    const edifact::parser tolerant(opts);
    edifact::interchange tic;
    diagnostic_list tfindings;
    (void)tolerant.parse(c.input_bytes, tic, tfindings);
    r.tolerant_findings = tfindings.items();
    const outcome t = outcome_of(r.tolerant_findings);
    if (t != x.tolerant->result) {
      r.failures.push_back("tolerant parse " + std::string(vectors::to_string(t)) + "s, expected " +
                           std::string(vectors::to_string(x.tolerant->result)));
    }
    for (const std::string& id : x.tolerant->warnings) {
      if (!has_id(r.tolerant_findings, id, false)) {
        r.failures.push_back("tolerant: expected warning " + id + " not reported");
      }
    }
    for (const std::string& id : x.tolerant->errors) {
      if (!has_id(r.tolerant_findings, id, true)) {
        r.failures.push_back("tolerant: expected error " + id + " not reported");
      }
    }
  }

  if (!r.failures.empty()) {
    r.result = verdict::fail;
  } else if (x.result == outcome::either) {
    r.result = verdict::informational;
  } else {
    r.result = verdict::pass;
  }
  return r;
}

}  // namespace apipnr::conformance
