#include "apipnr/harness/report_html.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <set>
#include <system_error>
#include <utility>

#include "apipnr/harness/signing.hpp"
#include "report_internal.hpp"
#include "report_performance_internal.hpp"

namespace apipnr::harness {

namespace {

namespace ri = report_internal;
using json = nlohmann::json;

// ---------------------------------------------------------------------------------------------
// Escaping
// ---------------------------------------------------------------------------------------------

void hex_byte(std::string& out, unsigned char c) {
  static constexpr char digits[] = "0123456789ABCDEF";
  out += "\\x";
  out += digits[c >> 4];
  out += digits[c & 15];
}

// Length of the well-formed UTF-8 sequence at `s[i]` (RFC 3629: no overlongs, no surrogates,
// nothing above U+10FFFF) and its code point; 0 when the byte does not start one.
std::size_t utf8_sequence(std::string_view s, std::size_t i, std::uint32_t& cp) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const auto cont = [&](std::size_t k) { return i + k < s.size() && (b(k) & 0xC0) == 0x80; };
  const unsigned char c = b(0);
  if (c >= 0xC2 && c <= 0xDF && cont(1)) {
    cp = (c & 0x1Fu) << 6 | (b(1) & 0x3Fu);
    return 2;
  }
  if (c >= 0xE0 && c <= 0xEF && cont(1) && cont(2)) {
    cp = (c & 0x0Fu) << 12 | (b(1) & 0x3Fu) << 6 | (b(2) & 0x3Fu);
    if (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4 && cont(1) && cont(2) && cont(3)) {
    cp = (c & 0x07u) << 18 | (b(1) & 0x3Fu) << 12 | (b(2) & 0x3Fu) << 6 | (b(3) & 0x3Fu);
    if (cp < 0x10000 || cp > 0x10FFFF) return 0;
    return 4;
  }
  return 0;
}

// Code points that are valid but would hide or reorder what a receiver sent: C1 controls,
// bidirectional embeddings/overrides/isolates ("Trojan Source"), line/paragraph separators
// and the BOM / zero-width no-break space.
bool disguising(std::uint32_t cp) {
  return (cp >= 0x80 && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) ||
         (cp >= 0x2066 && cp <= 0x2069) || cp == 0x2028 || cp == 0x2029 || cp == 0xFEFF ||
         cp == 0x200E || cp == 0x200F;
}

// Escapes for HTML text and attribute values alike. `markup` wraps the visible escapes in
// <span class="esc"> so that a literal backslash in the data stays distinguishable.
std::string escape(std::string_view s, bool markup) {
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  const auto visible = [&](auto&& write) {
    if (markup) out += "<span class=\"esc\">";
    write();
    if (markup) out += "</span>";
  };
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
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
        case '\'':
          out += "&#39;";
          break;
        case '\n':
        case '\t':
          out += static_cast<char>(c);
          break;
        default:
          if (c < 0x20 || c == 0x7F)
            visible([&] { hex_byte(out, c); });
          else
            out += static_cast<char>(c);
      }
      ++i;
      continue;
    }
    std::uint32_t cp = 0;
    const std::size_t n = utf8_sequence(s, i, cp);
    if (n == 0) {
      visible([&] { hex_byte(out, c); });
      ++i;
    } else if (disguising(cp)) {
      char buf[16];
      std::snprintf(buf, sizeof buf, "\\u{%04X}", static_cast<unsigned>(cp));
      visible([&] { out += buf; });
      i += n;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

std::string h(std::string_view s) { return escape(s, false); }

// ---------------------------------------------------------------------------------------------
// JSON access that never throws (the document may be hand-edited or partial)
// ---------------------------------------------------------------------------------------------

const json& member(const json& j, const char* key) {
  static const json null_value;
  if (!j.is_object()) return null_value;
  const auto it = j.find(key);
  return it == j.end() ? null_value : *it;
}

std::string str(const json& j, const char* key) {
  const json& v = member(j, key);
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number() || v.is_boolean()) return v.dump();
  return {};
}

const json& arr(const json& j, const char* key) {
  static const json empty = json::array();
  const json& v = member(j, key);
  return v.is_array() ? v : empty;
}

std::optional<double> num(const json& j, const char* key) {
  const json& v = member(j, key);
  if (v.is_number()) return v.get<double>();
  return std::nullopt;
}

bool flag(const json& j, const char* key) {
  const json& v = member(j, key);
  return v.is_boolean() && v.get<bool>();
}

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

// Weights and scores are shown as the tender states them: integers without decimals.
std::string fmt_weight(double w) { return fmt("%.6g", w); }
std::string fmt_percent(double share) { return fmt("%.2f", share * 100.0) + " %"; }

std::string bytes_of(const json& j) {
  if (j.is_string()) return j.get<std::string>();
  const std::string data = str(j, "data");
  if (str(j, "encoding") == "base64") return ri::base64_decode(data).value_or(data);
  return data;
}

// Anchor IDs from case IDs: alphanumerics kept, anything else "_XX", so distinct IDs never
// collide and every anchor is a valid fragment.
std::string anchor(std::string_view prefix, std::string_view id) {
  std::string out(prefix);
  static constexpr char digits[] = "0123456789ABCDEF";
  for (const char ch : id) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-') {
      out += ch;
    } else {
      out += '_';
      out += digits[c >> 4];
      out += digits[c & 15];
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Verdicts and statuses: word + symbol + colour class (colour never carries meaning alone)
// ---------------------------------------------------------------------------------------------

struct verdict_style {
  std::string_view name;
  std::string_view symbol;
  std::string_view css;  // ok | okns | fail | info | skip | err
  std::string_view colour;
};

constexpr std::array<verdict_style, 11> k_verdicts = {{
    {"pass", "\u2714", "ok", "#1a7f37"},
    {"pass_non_strict", "\u2714", "okns", "#4d7c0f"},
    {"fail_should_have_accepted", "\u2718", "fail", "#b42318"},
    {"fail_should_have_rejected", "\u2718", "fail", "#b42318"},
    {"fail_wrong_code", "\u2718", "fail", "#b42318"},
    {"fail_data", "\u2718", "fail", "#b42318"},
    {"informational", "\u2139", "info", "#1d4ed8"},
    {"skipped", "\u2013", "skip", "#6b7280"},
    {"timeout", "\u29D7", "err", "#b45309"},
    {"transport_error", "\u26A0", "err", "#b45309"},
    {"endpoint_down", "\u26A0", "err", "#b45309"},
}};
constexpr verdict_style k_unknown_verdict = {"", "?", "info", "#1d4ed8"};

const verdict_style& style_of(std::string_view v) {
  for (const auto& s : k_verdicts)
    if (s.name == v) return s;
  return k_unknown_verdict;
}

bool is_fail(std::string_view v) { return v.substr(0, 5) == "fail_"; }
bool is_err(std::string_view v) {
  return v == "timeout" || v == "transport_error" || v == "endpoint_down";
}

std::string verdict_badge(std::string_view v) {
  const auto& s = style_of(v);
  return "<span class=\"v v-" + std::string(s.css) + "\"><span aria-hidden=\"true\">" +
         std::string(s.symbol) + "</span> " + h(v) + "</span>";
}

std::string status_badge(std::string_view status, bool mandatory) {
  std::string_view symbol = "?", css = "info";
  if (status == "passed") symbol = "\u2714", css = "ok";
  if (status == "failed") symbol = "\u2718", css = "fail";
  if (status == "errored") symbol = "\u26A0", css = "err";
  if (status == "untested") symbol = "\u2013", css = "skip";
  std::string out = "<span class=\"v v-" + std::string(css) + "\"><span aria-hidden=\"true\">" +
                    std::string(symbol) + "</span> " + h(status);
  if (mandatory && status == "failed") out += " <strong>(mandatory)</strong>";
  return out + "</span>";
}

struct compliance_text {
  std::string_view css, symbol, headline, explanation;
};

compliance_text compliance_of(std::string_view c) {
  if (c == "compliant")
    return {"ok", "\u2714", "Compliant",
            "Every mandatory requirement of the tender profile passed."};
  if (c == "non_compliant")
    return {"fail", "\u2718", "Non-compliant",
            "At least one mandatory requirement of the tender profile failed (listed below)."};
  if (c == "incomplete")
    return {"err", "\u26A0", "Incomplete",
            "No mandatory requirement failed, but not every one was demonstrated (timeouts, "
            "transport errors or untested; listed below)."};
  return {"skip", "\u2013", "Not assessed",
          "No tender profile was given, so compliance was not assessed; the verdicts stand on "
          "their own."};
}

// ---------------------------------------------------------------------------------------------
// Page frame
// ---------------------------------------------------------------------------------------------

constexpr std::string_view k_css = R"css(
:root{--ok:#1a7f37;--okns:#4d7c0f;--fail:#b42318;--err:#b45309;--info:#1d4ed8;--skip:#6b7280}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;color:#111;background:#fff;margin:0 auto;max-width:72rem;padding:1rem 1.5rem}
h1{font-size:1.6rem;margin:.2rem 0}h2{font-size:1.3rem;margin-top:2rem;border-bottom:2px solid #ddd}h3{font-size:1.1rem}h4{font-size:1rem;margin-bottom:.2rem}
p.sub{color:#444;margin:0}
nav ol{display:flex;flex-wrap:wrap;gap:.2rem 1.2rem;padding-left:1.2rem}
table{border-collapse:collapse;margin:.5rem 0 1rem;width:100%}
caption{text-align:left;font-weight:600;padding:.3rem 0}
th,td{border:1px solid #ccc;padding:.25rem .45rem;text-align:left;vertical-align:top}
thead th{background:#f3f4f6}
th[scope=row]{background:#f9fafb;font-weight:600;width:14rem}
td.n{text-align:right;font-variant-numeric:tabular-nums}
code,pre,.hash{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:.85rem}
.hash{word-break:break-all}
pre{background:#f6f8fa;border:1px solid #d0d7de;padding:.5rem;white-space:pre-wrap;word-break:break-all;margin:.2rem 0}
.esc{background:#fde68a;color:#000;border-radius:2px;outline:1px dotted #92400e}
.v{white-space:nowrap;font-weight:600}
.v-ok{color:var(--ok)}.v-okns{color:var(--okns)}.v-fail{color:var(--fail)}.v-err{color:var(--err)}.v-info{color:var(--info)}.v-skip{color:var(--skip)}
.verdict{font-size:1.25rem;padding:.6rem .9rem;border-left:.5rem solid;background:#f9fafb}
.verdict.v-ok{border-color:var(--ok)}.verdict.v-fail{border-color:var(--fail)}.verdict.v-err{border-color:var(--err)}.verdict.v-skip{border-color:var(--skip)}
tr.mfail td,tr.mfail th{background:#fee2e2}
td.mfail{background:#fee2e2;outline:2px solid var(--fail)}
.note{color:#444;font-size:.9rem}
.trunc{font-style:italic;color:#92400e}
article.case{border:1px solid #ddd;border-radius:4px;padding:.2rem .9rem .6rem;margin:.8rem 0}
dl.kv{display:grid;grid-template-columns:max-content 1fr;gap:.1rem 1rem;margin:.3rem 0}
dl.kv dt{font-weight:600}dl.kv dd{margin:0}
svg text{font:13px system-ui,sans-serif;fill:#111}
footer{margin-top:2rem;border-top:1px solid #ddd;color:#444;font-size:.85rem}
@media print{nav{display:none}body{max-width:none;font-size:11pt}article.case,figure,tr{break-inside:avoid}a{color:inherit;text-decoration:none}h2{break-after:avoid}}
)css";

void open_page(std::string& out, std::string_view title) {
  out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<meta name=\"generator\" content=\"apipnr-harness report\">\n";
  out += "<title>" + h(title) + "</title>\n<style>";
  out += k_css;
  out += "</style>\n</head>\n<body>\n";
}

void close_page(std::string& out, std::string_view footer) {
  out += "<footer>\n<p>";
  out += footer;
  out += "</p>\n</footer>\n</body>\n</html>\n";
}

void fact(std::string& out, std::string_view label, const std::string& html_value) {
  out += "<tr><th scope=\"row\">" + h(label) + "</th><td>" + html_value + "</td></tr>\n";
}

std::string hash_html(const std::string& v) {
  if (v.empty()) return "<span class=\"note\">none recorded</span>";
  return "<span class=\"hash\">" + h(v) + "</span>";
}

std::string or_none(const std::string& v, std::string_view none = "none recorded") {
  if (v.empty()) return "<span class=\"note\">" + h(none) + "</span>";
  return h(v);
}

std::string id_list(const json& ids, std::string_view none) {
  if (!ids.is_array() || ids.empty()) return "<span class=\"note\">" + h(none) + "</span>";
  std::string out = "<ul>";
  for (const auto& id : ids)
    out += "<li><code>" + h(id.is_string() ? id.get<std::string>() : id.dump()) + "</code></li>";
  return out + "</ul>";
}

// Horizontal bar chart; the same numbers are always given in a table next to it, so the chart
// is decoration for sighted readers and is labelled as an image for screen readers.
struct bar {
  std::string label;
  std::uint64_t value = 0;
  std::string_view colour;
};

void bar_chart(std::string& out, std::string_view id, std::string_view title,
               const std::vector<bar>& bars) {
  std::uint64_t max = 0;
  for (const auto& b : bars) max = std::max(max, b.value);
  const int row = 24, label_w = 210, bar_w = 360;
  const int height = row * static_cast<int>(bars.size()) + 8;
  out += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" height=\"" +
         std::to_string(height) + "\" viewBox=\"0 0 640 " + std::to_string(height) +
         "\" role=\"img\" aria-labelledby=\"" + std::string(id) + "-t\">\n<title id=\"" +
         std::string(id) + "-t\">" + h(title) + "</title>\n";
  int y = 4;
  for (const auto& b : bars) {
    const int w =
        max == 0
            ? 0
            : static_cast<int>((static_cast<double>(b.value) * bar_w) / static_cast<double>(max));
    out += "<text x=\"0\" y=\"" + std::to_string(y + 16) + "\">" + h(b.label) + "</text>";
    out += "<rect x=\"" + std::to_string(label_w) + "\" y=\"" + std::to_string(y + 3) +
           "\" width=\"" + std::to_string(std::max(w, b.value > 0 ? 2 : 0)) +
           "\" height=\"16\" fill=\"" + std::string(b.colour) + "\"/>";
    out += "<text x=\"" + std::to_string(label_w + std::max(w, 2) + 6) + "\" y=\"" +
           std::to_string(y + 16) + "\">" + std::to_string(b.value) + "</text>\n";
    y += row;
  }
  out += "</svg>\n";
}

// ---------------------------------------------------------------------------------------------
// One run
// ---------------------------------------------------------------------------------------------

bool is_results(const json& j) {
  return j.is_object() && str(j, "format") == "apipnr-harness-results" &&
         member(j, "manifest").is_object() && member(j, "cases").is_array();
}

std::string confidence_of(const json& req, const html_options& opts) {
  std::string c = str(req, "confidence");
  if (c.empty()) {
    const auto it = opts.confidence.find(str(req, "id"));
    if (it != opts.confidence.end()) c = it->second;
  }
  return c;
}

void message_block(std::string& out, std::string_view what, const json& x, const char* key,
                   const char* type_key, const html_options& opts) {
  const std::string bytes = bytes_of(member(x, key));
  const std::string type = str(x, type_key);
  out += "<figure>\n<figcaption>" + h(what) + " (" + std::to_string(bytes.size()) + " bytes" +
         (type.empty() ? std::string() : ", " + h(type)) + ")</figcaption>\n";
  if (bytes.empty()) {
    out += "<p class=\"note\">nothing</p>\n</figure>\n";
    return;
  }
  std::size_t cut = bytes.size();
  if (cut > opts.max_message_bytes) {
    cut = opts.max_message_bytes;
    // Back off to a UTF-8 boundary so the cut does not invent an invalid sequence.
    for (int k = 0; k < 3 && cut > 0 && (static_cast<unsigned char>(bytes[cut]) & 0xC0) == 0x80;
         ++k)
      --cut;
  }
  out += "<pre>" + escape(std::string_view(bytes).substr(0, cut), true) + "</pre>\n";
  if (cut < bytes.size())
    out += "<p class=\"trunc\">Truncated: the first " + std::to_string(cut) + " of " +
           std::to_string(bytes.size()) + " bytes are shown; results.json holds every byte.</p>\n";
  out += "</figure>\n";
}

void exchanges_block(std::string& out, const json& c, const html_options& opts) {
  for (const auto& x : arr(c, "exchanges")) {
    out += "<h4>Exchange, part " + h(str(x, "part")) +
           (str(x, "kind").empty() ? "" : " (" + h(str(x, "kind")) + ")") +
           "</h4>\n<dl class=\"kv\">";
    const auto kv = [&](std::string_view k, const std::string& v) {
      if (!v.empty() && v != "0") out += "<dt>" + h(k) + "</dt><dd>" + h(v) + "</dd>";
    };
    kv("Endpoint", str(x, "endpoint"));
    kv("Sent at", str(x, "sent_at"));
    kv("Transport outcome", str(x, "outcome"));
    kv("Transport error", str(x, "error"));
    kv("HTTP status", str(x, "http_status"));
    if (const auto l = num(x, "latency_ms")) kv("Latency", fmt("%.1f", *l) + " ms");
    kv("Correlation ID", str(x, "correlation_id"));
    kv("Classified as", str(member(x, "classification"), "summary"));
    out += "</dl>\n";
    message_block(out, "Sent", x, "sent", "content_type", opts);
    message_block(out, "Received", x, "received", "received_content_type", opts);
  }
}

void case_facts(std::string& out, const json& c) {
  out += "<dl class=\"kv\">";
  const auto kv = [&](std::string_view k, const std::string& v) {
    if (!v.empty()) out += "<dt>" + h(k) + "</dt><dd>" + h(v) + "</dd>";
  };
  kv("Description", str(c, "description"));
  std::string reqs;
  for (const auto& r : arr(c, "requirements"))
    reqs += (reqs.empty() ? "" : ", ") + (r.is_string() ? r.get<std::string>() : r.dump());
  kv("Requirements", reqs);
  kv("Level", str(c, "level"));
  kv("Expected", str(c, "expected"));
  kv("Actual", str(c, "actual"));
  kv("Reason", str(c, "reason"));
  if (const auto d = num(c, "duration_ms")) kv("Duration", fmt("%.1f", *d) + " ms");
  out += "</dl>\n";
}

// The steps of a sequence case in order, each with its verdict and the exchange (part) it
// made, whose sent and received bytes follow in the exchanges block.
void steps_table(std::string& out, const json& c) {
  const json& steps = arr(c, "steps");
  if (steps.empty()) return;
  out +=
      "<table><caption>Sequence steps (worst step verdict decides the case)</caption><thead><tr>"
      "<th scope=\"col\">Step</th><th scope=\"col\">Kind</th><th scope=\"col\">File</th>"
      "<th scope=\"col\">Verdict</th><th scope=\"col\">Expected</th><th scope=\"col\">Actual"
      "</th><th scope=\"col\">Reason</th><th scope=\"col\">Exchange</th></tr></thead><tbody>\n";
  for (const auto& st : steps) {
    std::string file = h(str(st, "file"));
    if (!str(st, "note").empty()) file += (file.empty() ? "" : "<br>") + h(str(st, "note"));
    const std::string part = str(st, "exchange");
    out += "<tr><th scope=\"row\">" + h(str(st, "step")) + "</th><td>" + h(str(st, "kind")) +
           "</td><td>" + file + "</td><td>" + verdict_badge(str(st, "verdict")) + "</td><td>" +
           h(str(st, "expected")) + "</td><td>" + h(str(st, "actual")) + "</td><td>" +
           h(str(st, "reason")) + "</td><td>" +
           (part.empty() || part == "0" ? std::string() : "part " + h(part)) + "</td></tr>\n";
  }
  out += "</tbody></table>\n";
}

void differences_table(std::string& out, const json& c) {
  const json& diffs = arr(c, "differences");
  if (diffs.empty()) return;
  out +=
      "<table><caption>Data differences (canonical export vs expected)</caption><thead><tr>"
      "<th scope=\"col\">JSON pointer</th><th scope=\"col\">Kind</th><th scope=\"col\">"
      "Expected</th><th scope=\"col\">Actual</th></tr></thead><tbody>\n";
  for (const auto& d : diffs)
    out += "<tr><td><code>" + escape(str(d, "pointer"), true) + "</code></td><td>" +
           h(str(d, "kind")) + "</td><td><code>" + escape(str(d, "expected"), true) +
           "</code></td><td><code>" + escape(str(d, "actual"), true) + "</code></td></tr>\n";
  out += "</tbody></table>\n";
}

std::string render_one(const json& r, const html_options& opts) {
  const json& m = member(r, "manifest");
  const json& sel = member(m, "selection");
  const std::string target =
      str(m, "target_name").empty() ? "(unnamed target)" : str(m, "target_name");
  const json& cases = arr(r, "cases");

  std::vector<const json*> failures, errors, informational;
  std::map<std::string, std::uint64_t> skipped_by_reason;
  std::set<std::string> failing_ids;
  for (const auto& c : cases) {
    const std::string v = str(c, "verdict");
    if (is_fail(v)) {
      failures.push_back(&c);
      failing_ids.insert(str(c, "id"));
    } else if (is_err(v)) {
      errors.push_back(&c);
    } else if (v == "informational") {
      informational.push_back(&c);
    } else if (v == "skipped") {
      std::string why = str(c, "skip_reason");
      ++skipped_by_reason[why.empty() ? "(no reason recorded)" : why];
    }
  }

  std::string out;
  open_page(out, "apipnr conformance report: " + target + " (run " + str(m, "run_id") + ")");
  out += "<header>\n<h1>Conformance report: " + h(target) +
         "</h1>\n<p class=\"sub\">apipnr-harness, run <code>" + h(str(m, "run_id")) +
         "</code></p>\n</header>\n";
  out +=
      "<nav aria-label=\"Contents\"><ol>"
      "<li><a href=\"#summary\">Summary</a></li>"
      "<li><a href=\"#verdicts\">Verdict counts</a></li>"
      "<li><a href=\"#groups\">Requirement groups</a></li>"
      "<li><a href=\"#matrix\">Requirement matrix</a></li>"
      "<li><a href=\"#failures\">Failures (" +
      std::to_string(failures.size()) +
      ")</a></li>"
      "<li><a href=\"#errors\">Timeouts and transport errors (" +
      std::to_string(errors.size()) +
      ")</a></li>"
      "<li><a href=\"#other\">Informational and skipped</a></li></ol></nav>\n<main>\n";

  // Summary first (PRIOR_ART §2.2.4: the verdict must not be buried under the details).
  const std::string comp = str(r, "compliance");
  const auto ct = compliance_of(comp);
  out +=
      "<section id=\"summary\" aria-labelledby=\"summary-h\">\n<h2 id=\"summary-h\">Summary</h2>\n";
  out += "<p class=\"verdict v-" + std::string(ct.css) + "\"><span aria-hidden=\"true\">" +
         std::string(ct.symbol) + "</span> <strong>Compliance: " + std::string(ct.headline) +
         "</strong><br><span class=\"note\">" + std::string(ct.explanation) + "</span></p>\n";
  if (comp == "non_compliant" || !arr(r, "mandatory_failed").empty()) {
    out += "<h3>Failed mandatory requirements</h3>\n" + id_list(arr(r, "mandatory_failed"), "none");
  }
  if (!arr(r, "mandatory_unproven").empty()) {
    out += "<h3>Mandatory requirements not demonstrated</h3>\n" +
           id_list(arr(r, "mandatory_unproven"), "none");
  }
  out += "<table class=\"facts\"><caption>What was run</caption><tbody>\n";
  fact(out, "Target",
       h(target) + (str(m, "transport").empty()
                        ? ""
                        : " (" + h(str(m, "transport")) +
                              (flag(m, "insecure_tls") ? ", TLS verification OFF" : "") + ")"));
  // How stored data was read back: a pass without read-back rests on the acknowledgement
  // alone, which a reader of the evidence must be able to see (docs/QUERY-CONTRACT.md).
  if (const std::string ds = str(m, "data_source"); !ds.empty()) {
    std::size_t checked = 0, unread = 0;
    for (const auto& c : cases) {
      const std::string dc = str(c, "data_check");
      if (dc == "checked") ++checked;
      if (dc == "not_assessed" &&
          (str(c, "verdict") == "pass" || str(c, "verdict") == "pass_non_strict"))
        ++unread;
    }
    const std::string how = ds == "query"    ? "query interface"
                            : ds == "export" ? "export file"
                                             : "none (the target offers no read-back)";
    fact(out, "Stored data read back",
         h(how) + ": " + std::to_string(checked) + " case(s) compared" +
             (unread != 0 ? "; <strong>" + std::to_string(unread) +
                                " passing case(s) judged on their acknowledgement only</strong>"
                          : std::string()));
  }
  fact(out, "Date",
       or_none(str(m, "started")) + (str(m, "ended").empty() ? "" : " to " + h(str(m, "ended"))));
  fact(out, "Harness version", or_none(str(m, "harness_version")));
  fact(out, "Harness build hash", hash_html(str(m, "build_hash")));
  fact(out, "Corpus SHA-256", hash_html(str(m, "corpus_sha256")));
  fact(out, "Catalogue SHA-256", hash_html(str(m, "catalogue_sha256")));
  fact(out, "Message profile",
       or_none(str(sel, "profile"), "baseline (none given)") +
           (flag(sel, "strict") ? ", strict (SHOULD cases judged)" : ""));
  fact(out, "Tender profile",
       str(m, "tender_name").empty() && str(m, "tender_sha256").empty()
           ? std::string("<span class=\"note\">none</span>")
           : h(str(m, "tender_name")) + " <span class=\"hash\">" + h(str(m, "tender_sha256")) +
                 "</span>");
  const auto score = num(r, "score");
  fact(out, "Score",
       score ? "<strong>" + fmt_percent(*score) +
                   "</strong> <span class=\"note\">(weighted share of judged requirements that "
                   "passed, weights from the tender profile)</span>"
             : std::string("<span class=\"note\">not scored: the tender profile has no weights (or "
                           "there is none), so nothing is ranked</span>"));
  fact(out, "Exit status", or_none(str(r, "exit_code")));
  out += "</tbody></table>\n</section>\n";

  // Verdict counts, from the cases themselves (the evidence), not from the recorded summary.
  std::map<std::string, std::uint64_t> counts;
  for (const auto& c : cases) ++counts[str(c, "verdict")];
  std::vector<bar> bars;
  for (const auto& s : k_verdicts)
    if (counts.count(std::string(s.name)) && counts[std::string(s.name)] > 0)
      bars.push_back({std::string(s.name), counts[std::string(s.name)], s.colour});
  for (const auto& [k, v] : counts)
    if (style_of(k).name.empty() && v > 0) bars.push_back({k, v, k_unknown_verdict.colour});
  out +=
      "<section id=\"verdicts\" aria-labelledby=\"verdicts-h\">\n<h2 id=\"verdicts-h\">Verdict "
      "counts</h2>\n";
  if (bars.empty()) {
    out += "<p>No cases.</p>\n";
  } else {
    bar_chart(out, "chart-verdicts", "Number of cases per verdict", bars);
    out += "<table><caption>Cases per verdict (" + std::to_string(cases.size()) +
           " cases)</caption><thead><tr><th scope=\"col\">Verdict</th><th "
           "scope=\"col\">Cases</th><th scope=\"col\">Counts as</th></tr></thead><tbody>\n";
    for (const auto& b : bars) {
      const std::string_view css = style_of(b.label).css;
      const std::string as = css == "fail"  ? "failure"
                             : css == "err" ? "not judged (reported apart from failures)"
                             : css == "ok" || css == "okns" ? "pass"
                             : css == "skip"                ? "not run"
                                                            : "information only";
      out += "<tr><td>" + verdict_badge(b.label) + "</td><td class=\"n\">" +
             std::to_string(b.value) + "</td><td>" + as + "</td></tr>\n";
    }
    out += "</tbody></table>\n";
  }
  out += "</section>\n";

  // Groups.
  const bool ranked = score.has_value();
  out +=
      "<section id=\"groups\" aria-labelledby=\"groups-h\">\n<h2 id=\"groups-h\">Requirement "
      "groups</h2>\n";
  const json& groups = arr(r, "groups");
  if (groups.empty()) {
    out += "<p class=\"note\">No group roll-up recorded.</p>\n";
  } else {
    out +=
        "<table><caption>Requirements per group and status</caption><thead><tr><th "
        "scope=\"col\">Group</th><th scope=\"col\">Passed</th><th scope=\"col\">Failed</th><th "
        "scope=\"col\">Errored</th><th scope=\"col\">Untested</th>";
    if (ranked) out += "<th scope=\"col\">Weight</th><th scope=\"col\">Weighted passed</th>";
    out += "</tr></thead><tbody>\n";
    for (const auto& g : groups) {
      out += "<tr><th scope=\"row\">" + h(str(g, "group")) + "</th><td class=\"n\">" +
             h(str(g, "passed")) + "</td><td class=\"n\">" + h(str(g, "failed")) +
             "</td><td class=\"n\">" + h(str(g, "errored")) + "</td><td class=\"n\">" +
             h(str(g, "untested")) + "</td>";
      if (ranked)
        out += "<td class=\"n\">" + fmt_weight(num(g, "weight").value_or(0)) +
               "</td><td class=\"n\">" + fmt_weight(num(g, "weighted_passed").value_or(0)) +
               "</td>";
      out += "</tr>\n";
    }
    out += "</tbody></table>\n";
  }
  out += "</section>\n";

  // Requirement matrix.
  out +=
      "<section id=\"matrix\" aria-labelledby=\"matrix-h\">\n<h2 id=\"matrix-h\">Requirement "
      "matrix</h2>\n";
  out +=
      "<p class=\"note\">Confidence tags are the catalogue's (specs/requirements): how sure the "
      "project is of its reading of the source clause. <strong>M</strong> marks a requirement the "
      "tender profile makes mandatory.</p>\n";
  const json& reqs = arr(r, "requirements");
  if (reqs.empty()) {
    out += "<p class=\"note\">No requirement roll-up recorded.</p>\n";
  } else {
    out +=
        "<table><caption>Requirements, their status and the cases that judged "
        "them</caption><thead><tr><th scope=\"col\">Requirement</th><th "
        "scope=\"col\">Level</th><th scope=\"col\">Confidence</th><th scope=\"col\">Group</th><th "
        "scope=\"col\">Mandatory</th>";
    if (ranked) out += "<th scope=\"col\">Weight</th>";
    out += "<th scope=\"col\">Status</th><th scope=\"col\">Cases</th></tr></thead><tbody>\n";
    for (const auto& q : reqs) {
      const bool mand = flag(q, "mandatory");
      const std::string status = str(q, "status");
      out += std::string(mand && status == "failed" ? "<tr class=\"mfail\">" : "<tr>") +
             "<th scope=\"row\"><code>" + h(str(q, "id")) + "</code></th><td>" +
             h(str(q, "level")) + "</td><td>" + or_none(confidence_of(q, opts), "\u2013") +
             "</td><td>" + h(str(q, "group")) + "</td><td>" +
             (mand ? "<strong>M</strong> mandatory" : "no") + "</td>";
      if (ranked) out += "<td class=\"n\">" + fmt_weight(num(q, "weight").value_or(0)) + "</td>";
      out += "<td>" + status_badge(status, mand) + "</td><td>";
      const json& qc = arr(q, "cases");
      if (qc.empty()) out += "<span class=\"note\">no case</span>";
      for (std::size_t i = 0; i < qc.size(); ++i) {
        const std::string id = str(qc[i], "id");
        out += i ? "<br>" : "";
        if (failing_ids.count(id))
          out += "<a href=\"#" + anchor("case-", id) + "\"><code>" + h(id) + "</code></a> ";
        else
          out += "<code>" + h(id) + "</code> ";
        out += verdict_badge(str(qc[i], "verdict"));
      }
      out += "</td></tr>\n";
    }
    out += "</tbody></table>\n";
  }
  out += "</section>\n";

  // Failures with the exchanged messages.
  out +=
      "<section id=\"failures\" aria-labelledby=\"failures-h\">\n<h2 id=\"failures-h\">Failures (" +
      std::to_string(failures.size()) + ")</h2>\n";
  if (failures.empty())
    out += "<p>No case failed.</p>\n";
  else
    out +=
        "<p class=\"note\">Exchanged bytes are shown as text; bytes that are not printable UTF-8 "
        "appear as highlighted escapes such as <span class=\"esc\">\\x00</span> (a byte) or <span "
        "class=\"esc\">\\u{202E}</span> (a hidden or reordering character).</p>\n";
  for (const json* c : failures) {
    const std::string id = str(*c, "id");
    out += "<article class=\"case\" id=\"" + anchor("case-", id) + "\">\n<h3><code>" + h(id) +
           "</code> " + verdict_badge(str(*c, "verdict")) + "</h3>\n";
    case_facts(out, *c);
    steps_table(out, *c);
    differences_table(out, *c);
    exchanges_block(out, *c, opts);
    out += "</article>\n";
  }
  out += "</section>\n";

  // Timeouts and transport errors apart (PRIOR_ART §2.2.6: not failures).
  out +=
      "<section id=\"errors\" aria-labelledby=\"errors-h\">\n<h2 id=\"errors-h\">Timeouts and "
      "transport errors (" +
      std::to_string(errors.size()) + ")</h2>\n";
  out +=
      "<p class=\"note\">These cases were not judged: the endpoint did not answer in time, the "
      "transport failed or the endpoint was down. They are not conformance failures, but a "
      "requirement they cite is not demonstrated either. Re-run them with <code>apipnr-harness run "
      "--run ID</code>.</p>\n";
  if (errors.empty()) {
    out += "<p>None.</p>\n";
  } else {
    out +=
        "<table><caption>Cases not judged</caption><thead><tr><th scope=\"col\">Case</th><th "
        "scope=\"col\">Verdict</th><th scope=\"col\">Requirements</th><th scope=\"col\">What "
        "happened</th></tr></thead><tbody>\n";
    for (const json* c : errors) {
      std::string cited;
      for (const auto& q : arr(*c, "requirements"))
        cited += (cited.empty() ? "" : ", ") + h(q.is_string() ? q.get<std::string>() : q.dump());
      std::string what = h(str(*c, "actual"));
      if (!str(*c, "reason").empty()) what += (what.empty() ? "" : "<br>") + h(str(*c, "reason"));
      for (const auto& x : arr(*c, "exchanges"))
        if (!str(x, "error").empty())
          what += "<br>part " + h(str(x, "part")) + ": " + h(str(x, "outcome")) + ": " +
                  h(str(x, "error"));
      out += "<tr><th scope=\"row\"><code>" + h(str(*c, "id")) + "</code></th><td>" +
             verdict_badge(str(*c, "verdict")) + "</td><td>" + cited + "</td><td>" + what +
             "</td></tr>\n";
    }
    out += "</tbody></table>\n";
  }
  out += "</section>\n";

  // Informational and skipped.
  out +=
      "<section id=\"other\" aria-labelledby=\"other-h\">\n<h2 id=\"other-h\">Informational and "
      "skipped</h2>\n";
  if (informational.empty()) {
    out += "<p>No informational cases.</p>\n";
  } else {
    out +=
        "<table><caption>Informational cases (outcome recorded, not "
        "judged)</caption><thead><tr><th scope=\"col\">Case</th><th scope=\"col\">Expected</th><th "
        "scope=\"col\">Actual</th><th scope=\"col\">Note</th></tr></thead><tbody>\n";
    for (const json* c : informational)
      out += "<tr><th scope=\"row\"><code>" + h(str(*c, "id")) + "</code></th><td>" +
             h(str(*c, "expected")) + "</td><td>" + h(str(*c, "actual")) + "</td><td>" +
             h(str(*c, "reason")) + "</td></tr>\n";
    out += "</tbody></table>\n";
  }
  if (skipped_by_reason.empty()) {
    out += "<p>No skipped cases.</p>\n";
  } else {
    out +=
        "<table><caption>Skipped cases by reason</caption><thead><tr><th "
        "scope=\"col\">Reason</th><th scope=\"col\">Cases</th></tr></thead><tbody>\n";
    for (const auto& [why, n] : skipped_by_reason)
      out += "<tr><td>" + h(why) + "</td><td class=\"n\">" + std::to_string(n) + "</td></tr>\n";
    out += "</tbody></table>\n";
  }
  out += "</section>\n";
  // Load runs (apipnr-harness load) add their own section; conformance-only runs have none,
  // so their report is unchanged.
  if (const json& perf = member(r, "performance"); perf.is_object())
    out += detail::render_performance_section(perf);
  out += "</main>\n";

  close_page(out,
             "Rendered by <code>apipnr-harness report</code> from results.json (canonical SHA-256 "
             "<span class=\"hash\">" +
                 ri::sha256_hex(canonical_json(r)) +
                 "</span>). The rendering is deterministic: the same results.json always gives "
                 "this same file. When the folder carries signature.json, check it with "
                 "<code>apipnr-harness verify</code>.");
  return out;
}

// ---------------------------------------------------------------------------------------------
// Comparison
// ---------------------------------------------------------------------------------------------

std::string run_label(const json& r) {
  const json& m = member(r, "manifest");
  return "'" + str(m, "target_name") + "' (run " + str(m, "run_id") + ")";
}

std::string first_difference(const std::vector<json>& runs, const char* key, std::string_view what,
                             const char* code, std::string_view advice) {
  const std::string first = str(member(runs[0], "manifest"), key);
  for (std::size_t i = 1; i < runs.size(); ++i) {
    const std::string other = str(member(runs[i], "manifest"), key);
    if (other != first)
      return "[" + std::string(code) + "] refusing to compare: the runs used different " +
             std::string(what) + ": " + run_label(runs[0]) + " has " +
             (first.empty() ? std::string("none") : first) + ", " + run_label(runs[i]) + " has " +
             (other.empty() ? std::string("none") : other) + "; " + std::string(advice);
  }
  return {};
}

// The rank shown is the rank of the score as displayed (two decimals of a percent), so that
// two bids that look equal are equal; standard competition ranking (1, 1, 3).
long long rank_key(double score) {
  return static_cast<long long>(score * 10000.0 + (score >= 0 ? 0.5 : -0.5));
}

}  // namespace

std::string escape_html_bytes(std::string_view bytes) { return escape(bytes, true); }

std::optional<std::string> render_report_html(const nlohmann::json& results,
                                              const html_options& opts, std::string& error) {
  if (!is_results(results)) {
    error =
        "[apipnr.harness.500] not an apipnr-harness results document (needs format "
        "\"apipnr-harness-results\", a manifest object and a cases array)";
    return std::nullopt;
  }
  return render_one(results, opts);
}

namespace {

std::optional<json> load_results(const std::filesystem::path& file, std::string& error) {
  const auto text = ri::read_file(file);
  if (!text) {
    error = "[apipnr.harness.501] cannot read " + file.string();
    return std::nullopt;
  }
  std::string why;
  auto j = ri::parse_json(*text, why);
  if (!j) {
    error = "[apipnr.harness.503] " + file.string() + " is not JSON: " + why;
    return std::nullopt;
  }
  if (!is_results(*j)) {
    error = "[apipnr.harness.500] " + file.string() + " is not an apipnr-harness results document";
    return std::nullopt;
  }
  return j;
}

}  // namespace

bool write_report_html(const std::filesystem::path& results_file,
                       const std::filesystem::path& html_file, const html_options& opts,
                       std::string& error) {
  const auto j = load_results(results_file, error);
  if (!j) return false;
  const auto html = render_report_html(*j, opts, error);
  if (!html) return false;
  std::string why;
  if (!ri::write_file(html_file, *html, why)) {
    error = "[apipnr.harness.502] cannot write " + html_file.string() + ": " + why;
    return false;
  }
  return true;
}

std::string comparison_refusal(const std::vector<nlohmann::json>& runs) {
  if (runs.size() < 2)
    return "[apipnr.harness.510] a comparison needs at least two results.json files";
  for (std::size_t i = 0; i < runs.size(); ++i)
    if (!is_results(runs[i]))
      return "[apipnr.harness.500] input " + std::to_string(i + 1) +
             " is not an apipnr-harness results document";
  std::string why =
      first_difference(runs, "corpus_sha256", "test corpora (corpus SHA-256)", "apipnr.harness.511",
                       "re-run every bid against the same vectors");
  if (why.empty())
    why = first_difference(runs, "tender_sha256", "tender profiles (tender SHA-256)",
                           "apipnr.harness.512",
                           "re-render every bid with the same --tender (apipnr-harness report)");
  if (why.empty())
    why =
        first_difference(runs, "catalogue_sha256", "requirement catalogues (catalogue SHA-256)",
                         "apipnr.harness.513", "re-render every bid with the same --requirements");
  return why;
}

std::optional<std::string> render_comparison_html(const std::vector<nlohmann::json>& in,
                                                  const html_options& opts, std::string& error) {
  error = comparison_refusal(in);
  if (!error.empty()) return std::nullopt;

  // Neutral order: target name, then run ID (never input order, never score).
  std::vector<const json*> runs;
  for (const auto& r : in) runs.push_back(&r);
  std::stable_sort(runs.begin(), runs.end(), [](const json* a, const json* b) {
    const json& ma = member(*a, "manifest");
    const json& mb = member(*b, "manifest");
    return std::make_pair(str(ma, "target_name"), str(ma, "run_id")) <
           std::make_pair(str(mb, "target_name"), str(mb, "run_id"));
  });
  const json& m0 = member(*runs[0], "manifest");
  bool ranked = true;
  for (const json* r : runs) ranked = ranked && num(*r, "score").has_value();

  std::string out;
  open_page(out, "apipnr bid comparison (" + std::to_string(runs.size()) + " runs)");
  out += "<header>\n<h1>Bid comparison</h1>\n<p class=\"sub\">" + std::to_string(runs.size()) +
         " runs of apipnr-harness against the same corpus, catalogue and tender "
         "profile</p>\n</header>\n";
  out +=
      "<nav aria-label=\"Contents\"><ol><li><a href=\"#basis\">Basis</a></li><li><a "
      "href=\"#bids\">Bids</a></li><li><a href=\"#ranking\">Ranking</a></li><li><a "
      "href=\"#chart\">Requirements per status</a></li><li><a href=\"#matrix\">Requirement "
      "matrix</a></li></ol></nav>\n<main>\n";

  out +=
      "<section id=\"basis\" aria-labelledby=\"basis-h\">\n<h2 id=\"basis-h\">Basis of the "
      "comparison</h2>\n<table class=\"facts\"><caption>Common to every run "
      "(checked)</caption><tbody>\n";
  fact(out, "Corpus SHA-256", hash_html(str(m0, "corpus_sha256")));
  fact(out, "Catalogue SHA-256", hash_html(str(m0, "catalogue_sha256")));
  fact(out, "Tender profile",
       str(m0, "tender_sha256").empty() ? std::string("<span class=\"note\">none</span>")
                                        : h(str(m0, "tender_name")) + " <span class=\"hash\">" +
                                              h(str(m0, "tender_sha256")) + "</span>");
  fact(out, "Order", "alphabetical by target name; the order carries no meaning");
  out += "</tbody></table>\n</section>\n";

  // Bids.
  out +=
      "<section id=\"bids\" aria-labelledby=\"bids-h\">\n<h2 "
      "id=\"bids-h\">Bids</h2>\n<table><caption>One row per run, alphabetical by target "
      "name</caption><thead><tr><th scope=\"col\">Target</th><th scope=\"col\">Run</th><th "
      "scope=\"col\">Date</th><th scope=\"col\">Harness</th><th scope=\"col\">Compliance</th><th "
      "scope=\"col\">Failed mandatory requirements</th>";
  if (ranked) out += "<th scope=\"col\">Score</th>";
  out +=
      "<th scope=\"col\">Pass</th><th scope=\"col\">Fail</th><th scope=\"col\">Not "
      "judged</th></tr></thead><tbody>\n";
  for (const json* r : runs) {
    const json& m = member(*r, "manifest");
    std::uint64_t pass = 0, fail = 0, err = 0;
    for (const auto& c : arr(*r, "cases")) {
      const std::string v = str(c, "verdict");
      pass += v == "pass" || v == "pass_non_strict";
      fail += is_fail(v);
      err += is_err(v);
    }
    const auto ct = compliance_of(str(*r, "compliance"));
    const bool mfail = !arr(*r, "mandatory_failed").empty();
    out += std::string(mfail ? "<tr class=\"mfail\">" : "<tr>") + "<th scope=\"row\">" +
           h(str(m, "target_name")) + "</th><td><code>" + h(str(m, "run_id")) + "</code></td><td>" +
           h(str(m, "started")) + "</td><td>" + h(str(m, "harness_version")) +
           " <span class=\"hash\">" + h(str(m, "build_hash").substr(0, 12)) +
           "</span></td><td><span class=\"v v-" + std::string(ct.css) +
           "\"><span aria-hidden=\"true\">" + std::string(ct.symbol) + "</span> " +
           std::string(ct.headline) + "</span></td><td>" +
           id_list(arr(*r, "mandatory_failed"), "none") + "</td>";
    if (ranked) out += "<td class=\"n\">" + fmt_percent(*num(*r, "score")) + "</td>";
    out += "<td class=\"n\">" + std::to_string(pass) + "</td><td class=\"n\">" +
           std::to_string(fail) + "</td><td class=\"n\">" + std::to_string(err) + "</td></tr>\n";
  }
  out += "</tbody></table>\n</section>\n";

  // Ranking, only from the tender's weights.
  out +=
      "<section id=\"ranking\" aria-labelledby=\"ranking-h\">\n<h2 id=\"ranking-h\">Ranking</h2>\n";
  if (!ranked) {
    out +=
        "<p><strong>Not ranked.</strong> The tender profile gives no weights (or no tender profile "
        "was used), so apipnr ranks nothing: the bids above are in alphabetical order, which "
        "carries no meaning. An evaluator who wants a ranking states weights in the tender profile "
        "and re-renders every run with it.</p>\n";
  } else {
    std::vector<const json*> order = runs;
    std::stable_sort(order.begin(), order.end(), [](const json* a, const json* b) {
      return rank_key(*num(*a, "score")) > rank_key(*num(*b, "score"));
    });
    out +=
        "<p class=\"note\">Ranked only by the score, the weighted share of judged requirements "
        "that passed, with the weights of the tender profile. Equal scores share a rank and stay "
        "in alphabetical order. A bid that failed a mandatory requirement is marked: the ranking "
        "does not hide non-compliance.</p>\n";
    out +=
        "<table><caption>Bids by score</caption><thead><tr><th scope=\"col\">Rank</th><th "
        "scope=\"col\">Target</th><th scope=\"col\">Score</th><th "
        "scope=\"col\">Compliance</th></tr></thead><tbody>\n";
    std::size_t rank = 0;
    for (std::size_t i = 0; i < order.size(); ++i) {
      if (i == 0 || rank_key(*num(*order[i], "score")) != rank_key(*num(*order[i - 1], "score")))
        rank = i + 1;
      const auto ct = compliance_of(str(*order[i], "compliance"));
      const bool mfail = !arr(*order[i], "mandatory_failed").empty();
      out +=
          std::string(mfail ? "<tr class=\"mfail\">" : "<tr>") + "<td class=\"n\">" +
          std::to_string(rank) + "</td><th scope=\"row\">" +
          h(str(member(*order[i], "manifest"), "target_name")) + "</th><td class=\"n\">" +
          fmt_percent(*num(*order[i], "score")) + "</td><td><span class=\"v v-" +
          std::string(ct.css) + "\"><span aria-hidden=\"true\">" + std::string(ct.symbol) +
          "</span> " + std::string(ct.headline) + "</span>" +
          (mfail ? " <strong>(fails " + std::to_string(arr(*order[i], "mandatory_failed").size()) +
                       " mandatory)</strong>"
                 : "") +
          "</td></tr>\n";
    }
    out += "</tbody></table>\n";
  }
  out += "</section>\n";

  // Requirement statuses per bid (chart + the numbers in the matrix below).
  out +=
      "<section id=\"chart\" aria-labelledby=\"chart-h\">\n<h2 id=\"chart-h\">Requirements per "
      "status</h2>\n";
  out +=
      "<table><caption>Requirements per status and bid</caption><thead><tr><th "
      "scope=\"col\">Target</th><th scope=\"col\">Passed</th><th scope=\"col\">Failed</th><th "
      "scope=\"col\">Errored</th><th scope=\"col\">Untested</th></tr></thead><tbody>\n";
  std::vector<bar> failed_bars;
  for (const json* r : runs) {
    std::map<std::string, std::uint64_t> st;
    for (const auto& q : arr(*r, "requirements")) ++st[str(q, "status")];
    const std::string name = str(member(*r, "manifest"), "target_name");
    out += "<tr><th scope=\"row\">" + h(name) + "</th><td class=\"n\">" +
           std::to_string(st["passed"]) + "</td><td class=\"n\">" + std::to_string(st["failed"]) +
           "</td><td class=\"n\">" + std::to_string(st["errored"]) + "</td><td class=\"n\">" +
           std::to_string(st["untested"]) + "</td></tr>\n";
    failed_bars.push_back({name, st["failed"], "#b42318"});
  }
  out += "</tbody></table>\n";
  bar_chart(out, "chart-failed", "Failed requirements per bid", failed_bars);
  out += "</section>\n";

  // Matrix: union of requirement IDs in first-seen order.
  std::vector<std::string> ids;
  std::map<std::string, const json*> first_seen;
  std::vector<std::map<std::string, const json*>> by_run(runs.size());
  for (std::size_t i = 0; i < runs.size(); ++i)
    for (const auto& q : arr(*runs[i], "requirements")) {
      const std::string id = str(q, "id");
      by_run[i][id] = &q;
      if (first_seen.emplace(id, &q).second) ids.push_back(id);
    }
  out +=
      "<section id=\"matrix\" aria-labelledby=\"matrix-h\">\n<h2 id=\"matrix-h\">Requirement "
      "matrix</h2>\n";
  out +=
      "<p class=\"note\">A failed mandatory requirement is outlined and says "
      "<strong>(mandatory)</strong>.</p>\n";
  out +=
      "<table><caption>Status of each requirement per bid</caption><thead><tr><th "
      "scope=\"col\">Requirement</th><th scope=\"col\">Level</th><th "
      "scope=\"col\">Confidence</th><th scope=\"col\">Group</th><th scope=\"col\">Mandatory</th>";
  if (ranked) out += "<th scope=\"col\">Weight</th>";
  for (const json* r : runs)
    out += "<th scope=\"col\">" + h(str(member(*r, "manifest"), "target_name")) + "</th>";
  out += "</tr></thead><tbody>\n";
  for (const auto& id : ids) {
    const json& q0 = *first_seen[id];
    const bool mand = flag(q0, "mandatory");
    out += "<tr><th scope=\"row\"><code>" + h(id) + "</code></th><td>" + h(str(q0, "level")) +
           "</td><td>" + or_none(confidence_of(q0, opts), "\u2013") + "</td><td>" +
           h(str(q0, "group")) + "</td><td>" + (mand ? "<strong>M</strong> mandatory" : "no") +
           "</td>";
    if (ranked) out += "<td class=\"n\">" + fmt_weight(num(q0, "weight").value_or(0)) + "</td>";
    for (std::size_t i = 0; i < runs.size(); ++i) {
      const auto it = by_run[i].find(id);
      if (it == by_run[i].end()) {
        out += "<td><span class=\"note\">not in this run</span></td>";
        continue;
      }
      const std::string status = str(*it->second, "status");
      const bool mf = flag(*it->second, "mandatory") && status == "failed";
      out += std::string(mf ? "<td class=\"mfail\">" : "<td>") + status_badge(status, mf) + "</td>";
    }
    out += "</tr>\n";
  }
  out += "</tbody></table>\n</section>\n</main>\n";

  std::string footer = "Rendered by <code>apipnr-harness report --compare</code> from:";
  for (const json* r : runs)
    footer += " " + h(str(member(*r, "manifest"), "target_name")) +
              " (canonical SHA-256 <span class=\"hash\">" + ri::sha256_hex(canonical_json(*r)) +
              "</span>);";
  footer += " the rendering is deterministic.";
  close_page(out, footer);
  return out;
}

bool write_comparison_html(const std::vector<std::filesystem::path>& results_files,
                           const std::filesystem::path& html_file, const html_options& opts,
                           std::string& error) {
  std::vector<json> runs;
  for (const auto& f : results_files) {
    auto j = load_results(f, error);
    if (!j) return false;
    runs.push_back(std::move(*j));
  }
  const auto html = render_comparison_html(runs, opts, error);
  if (!html) return false;
  std::string why;
  if (!ri::write_file(html_file, *html, why)) {
    error = "[apipnr.harness.502] cannot write " + html_file.string() + ": " + why;
    return false;
  }
  return true;
}

bool load_confidence_tags(const std::filesystem::path& catalogue_dir,
                          std::map<std::string, std::string>& out, std::string& error) {
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  for (auto it = std::filesystem::directory_iterator(catalogue_dir, ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec))
    if (it->path().extension() == ".json") files.push_back(it->path());
  if (ec) {
    error = "[apipnr.harness.501] cannot list " + catalogue_dir.string() + ": " + ec.message();
    return false;
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    const auto text = ri::read_file(f);
    if (!text) {
      error = "[apipnr.harness.501] cannot read " + f.string();
      return false;
    }
    std::string why;
    const auto j = ri::parse_json(*text, why);
    if (!j) {
      error = "[apipnr.harness.503] " + f.string() + " is not JSON: " + why;
      return false;
    }
    for (const auto& q : arr(*j, "requirements")) {
      const std::string id = str(q, "id"), c = str(q, "confidence");
      if (!id.empty() && !c.empty()) out[id] = c;
    }
  }
  return true;
}

}  // namespace apipnr::harness
