#include "apipnr/validate/report.hpp"

#include <algorithm>
#include <map>
#include <utility>

#include <nlohmann/json.hpp>

namespace apipnr::validate {

std::string_view verdict_name(pipeline::verdict v) noexcept {
  switch (v) {
    case pipeline::verdict::accept:
      return "accept";
    case pipeline::verdict::accept_with_warnings:
      return "accept_with_warnings";
    case pipeline::verdict::reject:
      return "reject";
  }
  return "reject";
}

namespace {

// How far the excerpt search walks from the offset: a pathological segment without terminator
// must not make the report quadratic.
constexpr std::size_t max_scan = 4096;

struct separators {
  int terminator = '\'';  // -1: no segment terminator (XML): lines only
  int release = '?';
};

// The delimiters the excerpt needs. UNA may follow a Type B heading, so it is searched for in
// the first bytes rather than only at offset 0.
separators sniff(std::string_view input) {
  separators s;
  const auto first = input.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
  if (first != std::string_view::npos && input[first] == '<') {
    s.terminator = -1;
    return s;
  }
  const auto una = input.substr(0, 512).find("UNA");
  if (una != std::string_view::npos && una + 8 < input.size()) {
    // UNA3..UNA8: component, element, decimal mark, release, repetition, terminator.
    s.release = static_cast<unsigned char>(input[una + 6]);
    s.terminator = static_cast<unsigned char>(input[una + 8]);
    if (s.release == ' ') s.release = -1;  // a space release character means none
  }
  return s;
}

bool is_terminator(std::string_view in, std::size_t i, const separators& s) {
  if (s.terminator < 0 || static_cast<unsigned char>(in[i]) != s.terminator) return false;
  return !(i > 0 && s.release >= 0 && static_cast<unsigned char>(in[i - 1]) == s.release);
}

char printable(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (u < 0x20 || u >= 0x7f) ? '.' : c;
}

}  // namespace

excerpt make_excerpt(std::string_view input, std::size_t offset, std::size_t max_width) {
  excerpt e;
  if (input.empty()) return e;
  if (max_width < 16) max_width = 16;
  offset = std::min(offset, input.size());
  const separators seps = sniff(input);
  std::size_t b = offset;
  while (b > 0 && offset - b < max_scan) {
    const char c = input[b - 1];
    if (c == '\n' || c == '\r' || is_terminator(input, b - 1, seps)) break;
    --b;
  }
  std::size_t end = offset;
  while (end < input.size() && end - offset < max_scan) {
    const char c = input[end];
    if (c == '\n' || c == '\r') break;
    ++end;
    if (is_terminator(input, end - 1, seps)) break;
  }
  std::size_t left = b;
  std::size_t right = end;
  if (right - left > max_width) {
    left = offset - b > max_width / 2 ? offset - max_width / 2 : b;
    right = std::min(end, left + max_width);
    if (right - left < max_width) left = std::max(b, right - max_width);
  }
  const bool cut_left = left > b;
  const bool cut_right = right < end;
  if (cut_left) e.text = "...";
  for (std::size_t i = left; i < right; ++i) e.text.push_back(printable(input[i]));
  if (cut_right) e.text += "...";
  e.caret = offset - left + (cut_left ? 3 : 0);
  return e;
}

line_index::line_index(std::string_view input) : size_(input.size()) {
  for (std::size_t i = 0; i < input.size(); ++i) {
    if (input[i] == '\n') starts_.push_back(i + 1);
  }
}

line_column line_index::locate(std::size_t offset) const noexcept {
  const std::size_t end = std::min(offset, size_);
  // Line starts after each LF; a start equal to `end` belongs to the new line (as in locate()).
  const auto it = std::upper_bound(starts_.begin(), starts_.end(), end);
  const std::size_t line_start = it == starts_.begin() ? 0 : *std::prev(it);
  return {static_cast<std::uint32_t>(1 + (it - starts_.begin())),
          static_cast<std::uint32_t>(end - line_start + 1)};
}

finding make_finding(std::string_view input, diagnostic d, std::int32_t message_index) {
  return make_finding(input, line_index(input), std::move(d), message_index);
}

finding make_finding(std::string_view input, const line_index& lines, diagnostic d,
                     std::int32_t message_index) {
  finding f;
  f.at = lines.locate(d.pos.offset);
  f.where = make_excerpt(input, d.pos.offset);
  if (message_index >= 0) f.message_index = static_cast<std::uint32_t>(message_index);
  f.diag = std::move(d);
  return f;
}

std::string finding_message(const diagnostic& d) {
  if (!d.detail.empty()) return d.detail;
  if (d.code) return d.code.message();
  return std::string(d.id);
}

file_report make_file_report(std::string file, std::string_view input, const pipeline::result& r) {
  file_report out;
  out.file = std::move(file);
  out.outcome = r.outcome;
  out.bytes = input.size();
  out.envelope = r.envelope;
  out.contrl = r.contrl;
  out.findings.reserve(r.findings.size());
  const line_index lines(input);  // one scan per file: big inputs may carry many findings
  for (std::size_t i = 0; i < r.findings.size(); ++i) {
    const std::int32_t m = i < r.finding_message.size() ? r.finding_message[i] : -1;
    out.findings.push_back(make_finding(input, lines, r.findings[i], m));
  }
  return out;
}

pipeline::verdict verdict_of(const std::vector<finding>& findings) noexcept {
  severity worst = severity::info;
  for (const auto& f : findings) worst = std::max(worst, f.diag.level);
  if (worst >= severity::error) return pipeline::verdict::reject;
  if (worst == severity::warning) return pipeline::verdict::accept_with_warnings;
  return pipeline::verdict::accept;
}

run_summary summarise(const run_report& r) {
  run_summary s;
  std::map<std::string, std::size_t, std::less<>> counts;
  for (const auto& f : r.files) {
    ++s.files;
    switch (f.outcome) {
      case pipeline::verdict::accept:
        ++s.accept;
        break;
      case pipeline::verdict::accept_with_warnings:
        ++s.accept_with_warnings;
        break;
      case pipeline::verdict::reject:
        ++s.reject;
        break;
    }
    if (f.read_failed) s.read_failures = true;
    for (const auto& x : f.findings) {
      switch (x.diag.level) {
        case severity::info:
          ++s.info;
          break;
        case severity::warning:
          ++s.warning;
          break;
        case severity::error:
          ++s.error;
          break;
        case severity::fatal:
          ++s.fatal;
          break;
      }
      ++counts[std::string(x.diag.id)];
    }
  }
  for (auto& [id, n] : counts) s.top_findings.push_back({id, n});
  std::stable_sort(s.top_findings.begin(), s.top_findings.end(),
                   [](const id_count& a, const id_count& b) { return a.count > b.count; });
  if (s.top_findings.size() > 10) s.top_findings.resize(10);
  return s;
}

int exit_status(const run_report& r) {
  const run_summary s = summarise(r);
  if (s.read_failures) return 2;
  if (s.reject > 0) return 1;
  for (const auto& set : r.sets) {
    if (!set.complete) return 1;
  }
  if (r.warnings_as_errors && s.accept_with_warnings > 0) return 1;
  return 0;
}

// ---------------------------------------------------------------------------------------------
// Text

namespace {

std::string plural(std::size_t n, std::string_view word) {
  std::string s = std::to_string(n) + " " + std::string(word);
  if (n != 1) s += "s";
  return s;
}

std::string counts_phrase(const file_report& f) {
  std::size_t errors = 0, warnings = 0;
  for (const auto& x : f.findings) {
    if (x.diag.level >= severity::error) ++errors;
    if (x.diag.level == severity::warning) ++warnings;
  }
  return plural(errors, "error") + ", " + plural(warnings, "warning");
}

void append_finding_text(std::string& out, const file_report& f, const finding& x) {
  out += f.file;
  if (x.positioned) {
    out += ":" + std::to_string(x.at.line) + ":" + std::to_string(x.at.column);
  }
  out += ": ";
  out += to_string(x.diag.level);
  out += ": [";
  out += x.diag.id;
  out += "] ";
  out += finding_message(x.diag);
  std::vector<std::string> refs;
  if (!x.diag.requirement.empty()) refs.emplace_back(x.diag.requirement);
  if (x.diag.syntax_error != 0) refs.push_back("0085=" + std::to_string(x.diag.syntax_error));
  if (!refs.empty()) {
    out += " (";
    for (std::size_t i = 0; i < refs.size(); ++i) out += (i ? ", " : "") + refs[i];
    out += ")";
  }
  out += "\n";
  if (x.positioned && !x.where.text.empty()) {
    out += "    " + x.where.text + "\n";
    out += "    " + std::string(x.where.caret, ' ') + "^\n";
  }
}

}  // namespace

std::string format_text(const run_report& r) {
  std::string out;
  for (const auto& f : r.files) {
    if (f.error) out += f.file + ": " + (f.read_failed ? "error: " : "note: ") + *f.error + "\n";
    for (const auto& x : f.findings) append_finding_text(out, f, x);
    out += f.file + ": " + std::string(verdict_name(f.outcome)) + " (" + counts_phrase(f) + ")\n";
    if (r.include_contrl && !f.contrl.empty()) {
      out += "--- CONTRL for " + f.file + "\n" + f.contrl;
      if (f.contrl.back() != '\n') out += "\n";
    }
    if (r.include_extract) {
      for (const auto& m : f.extract) {
        out += "--- extract of " + f.file + "\n" + model::to_json(m).dump(2) + "\n";
      }
    }
  }
  for (const auto& s : r.sets) {
    out += "set " + s.sender + "/" + s.common_access_reference + ": " +
           (s.complete ? "complete" : "incomplete");
    if (!s.problem.empty()) out += " (" + s.problem + ")";
    out += ", files:";
    for (const auto& f : s.files) out += " " + f;
    out += "\n";
  }
  const run_summary s = summarise(r);
  out += plural(s.files, "file") + ": " + std::to_string(s.accept) + " accept, " +
         std::to_string(s.accept_with_warnings) + " accept_with_warnings, " +
         std::to_string(s.reject) + " reject (profile " + r.profile + ", " + r.mode + ")\n";
  return out;
}

// ---------------------------------------------------------------------------------------------
// JSON

namespace {

using ojson = nlohmann::ordered_json;

ojson finding_json(const finding& x) {
  ojson j;
  j["id"] = std::string(x.diag.id);
  j["syntax_error"] = x.diag.syntax_error != 0 ? ojson(x.diag.syntax_error) : ojson(nullptr);
  j["requirement"] =
      x.diag.requirement.empty() ? ojson(nullptr) : ojson(std::string(x.diag.requirement));
  j["severity"] = std::string(to_string(x.diag.level));
  j["scope"] = std::string(to_string(x.diag.where));
  const auto& p = x.diag.pos;
  ojson pos;
  pos["offset"] = p.offset;
  pos["line"] = x.at.line;
  pos["column"] = x.at.column;
  pos["segment"] = p.segment;
  pos["message_segment"] = p.message_segment;
  pos["element"] = p.element;
  pos["component"] = p.component;
  pos["repetition"] = p.repetition;
  j["position"] = std::move(pos);
  j["message"] = std::string(finding_message(x.diag));
  j["message_index"] = x.message_index ? ojson(*x.message_index) : ojson(nullptr);
  return j;
}

ojson file_json(const run_report& r, const file_report& f) {
  ojson j;
  j["file"] = std::string(f.file);
  j["verdict"] = std::string(verdict_name(f.outcome));
  if (f.error) j["error"] = std::string(*f.error);
  if (!f.sha256.empty()) j["sha256"] = f.sha256;
  j["bytes"] = f.bytes;
  const auto& e = f.envelope;
  j["syntax"] = e.syntax == "edifact" || e.syntax == "xml" ? e.syntax : std::string("unknown");
  if (e.syntax == "edifact" || e.syntax == "xml") {
    ojson env;
    env["sender"] = std::string(e.sender);
    env["recipient"] = std::string(e.recipient);
    env["control_reference"] = std::string(e.control_reference);
    if (!e.application_reference.empty()) {
      env["application_reference"] = std::string(e.application_reference);
    }
    env["syntax_identifier"] = std::string(e.syntax_identifier);
    env["syntax_version"] = e.syntax_version;
    env["messages"] = e.messages;
    ojson types = ojson::array();
    for (const auto& t : e.message_types) types.push_back(std::string(t));
    env["message_types"] = std::move(types);
    j["interchange"] = std::move(env);
  }
  ojson findings = ojson::array();
  for (const auto& x : f.findings) findings.push_back(finding_json(x));
  j["findings"] = std::move(findings);
  if (r.include_contrl && !f.contrl.empty()) j["contrl"] = std::string(f.contrl);
  if (r.include_extract) {
    ojson ex = ojson::array();
    for (const auto& m : f.extract) ex.push_back(ojson(model::to_json(m)));
    j["extract"] = std::move(ex);
  }
  return j;
}

}  // namespace

std::string format_json(const run_report& r) {
  ojson doc;
  doc["format_version"] = std::string(format_version);
  doc["tool"] = {{"name", std::string(tool_name)}, {"version", r.tool_version}};
  doc["profile"] = r.profile;
  doc["mode"] = r.mode;
  ojson files = ojson::array();
  for (const auto& f : r.files) files.push_back(file_json(r, f));
  doc["files"] = std::move(files);
  if (!r.sets.empty()) {
    ojson sets = ojson::array();
    for (const auto& s : r.sets) {
      ojson j;
      j["common_access_reference"] = std::string(s.common_access_reference);
      j["sender"] = std::string(s.sender);
      j["files"] = s.files;
      j["complete"] = s.complete;
      if (!s.problem.empty()) j["problem"] = std::string(s.problem);
      sets.push_back(std::move(j));
    }
    doc["sets"] = std::move(sets);
  }
  const run_summary s = summarise(r);
  ojson sum;
  sum["files"] = s.files;
  sum["accept"] = s.accept;
  sum["accept_with_warnings"] = s.accept_with_warnings;
  sum["reject"] = s.reject;
  sum["findings_by_severity"] = {
      {"info", s.info}, {"warning", s.warning}, {"error", s.error}, {"fatal", s.fatal}};
  ojson top = ojson::array();
  for (const auto& t : s.top_findings) top.push_back({{"id", t.id}, {"count", t.count}});
  sum["top_findings"] = std::move(top);
  doc["summary"] = std::move(sum);
  return doc.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

// ---------------------------------------------------------------------------------------------
// JUnit

namespace {

// XML 1.0 forbids most control characters even as references, so they become '.'.
std::string xml_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        if (u >= 0x80) {
          out.push_back('?');
        } else if (u < 0x20 && c != '\n' && c != '\t') {
          out.push_back('.');
        } else {
          out.push_back(c);
        }
    }
  }
  return out;
}

std::string findings_text(const file_report& f) {
  std::string out;
  if (f.error) out += f.file + ": " + *f.error + "\n";
  for (const auto& x : f.findings) append_finding_text(out, f, x);
  return out;
}

}  // namespace

std::string format_junit(const run_report& r) {
  std::size_t failures = 0;
  std::string cases;
  for (const auto& f : r.files) {
    const bool failed =
        f.outcome == pipeline::verdict::reject ||
        (r.warnings_as_errors && f.outcome == pipeline::verdict::accept_with_warnings);
    cases += "    <testcase classname=\"" + xml_escape(std::string(tool_name) + "." + r.profile) +
             "\" name=\"" + xml_escape(f.file) + "\"";
    const std::string text = findings_text(f);
    if (!failed && text.empty()) {
      cases += "/>\n";
      continue;
    }
    cases += ">\n";
    if (failed) {
      ++failures;
      cases += "      <failure type=\"" + std::string(verdict_name(f.outcome)) + "\" message=\"" +
               xml_escape(std::string(verdict_name(f.outcome)) + ": " + counts_phrase(f)) + "\">" +
               xml_escape(text) + "</failure>\n";
    } else {
      cases += "      <system-out>" + xml_escape(text) + "</system-out>\n";
    }
    cases += "    </testcase>\n";
  }
  const std::string n = std::to_string(r.files.size());
  const std::string suite =
      xml_escape(std::string(tool_name) + " (profile " + r.profile + ", " + r.mode + ")");
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<testsuites name=\"" + std::string(tool_name) + "\" tests=\"" + n + "\" failures=\"" +
         std::to_string(failures) + "\" errors=\"0\">\n";
  out += "  <testsuite name=\"" + suite + "\" tests=\"" + n + "\" failures=\"" +
         std::to_string(failures) + "\" errors=\"0\" skipped=\"0\">\n";
  out += cases;
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

}  // namespace apipnr::validate
