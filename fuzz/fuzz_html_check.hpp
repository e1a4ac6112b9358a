// Checks of an HTML page the harness renders from untrusted JSON (report_html.hpp: "a vendor's
// answer can neither inject markup nor disguise what it sent").
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <set>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"

namespace apipnr::fuzzing {

namespace html_detail {

inline bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
inline bool is_name_char(char c) {
  return is_alpha(c) || (c >= '0' && c <= '9') || c == '-' || c == ':';
}

[[noreturn]] inline void fail(const char* what, std::string_view page, std::size_t at) {
  const std::size_t from = at > 60 ? at - 60 : 0;
  const std::string around(page.substr(from, 160));
  std::fprintf(stderr, "report page: %s at byte %zu: ...%s...\n", what, at, around.c_str());
  __builtin_trap();
}

}  // namespace html_detail

// The page is well-formed UTF-8 without control characters but LF and TAB; every '<' opens a
// tag (or closes one, or is the DOCTYPE) the renderer writes, every attribute is one it writes
// with a quoted value; every '&' starts an entity; every in-page link names an id of the
// page.
// So data from the JSON, escaped on the way, can neither add markup nor break out of a value.
inline void check_rendered_html(std::string_view page) {
  using namespace html_detail;
  static const std::set<std::string, std::less<>> tags = {
      "a",        "article",    "body",   "br",      "caption", "code",   "dd",    "dl",  "dt",
      "em",       "figcaption", "figure", "footer",  "h1",      "h2",     "h3",    "h4",  "head",
      "header",   "html",       "li",     "line",    "main",    "meta",   "nav",   "ol",  "p",
      "polyline", "pre",        "rect",   "section", "span",    "strong", "style", "svg", "table",
      "tbody",    "td",         "text",   "th",      "thead",   "title",  "tr",    "ul"};
  static const std::set<std::string, std::less<>> attributes = {"aria-hidden",
                                                                "aria-label",
                                                                "aria-labelledby",
                                                                "charset",
                                                                "class",
                                                                "content",
                                                                "fill",
                                                                "font-size",
                                                                "height",
                                                                "href",
                                                                "id",
                                                                "lang",
                                                                "name",
                                                                "points",
                                                                "role",
                                                                "scope",
                                                                "stroke",
                                                                "stroke-width",
                                                                "text-anchor",
                                                                "viewBox",
                                                                "width",
                                                                "x",
                                                                "y",
                                                                "xmlns",
                                                                "x1",
                                                                "x2",
                                                                "y1",
                                                                "y2",
                                                                "colspan",
                                                                "rowspan",
                                                                "title",
                                                                "stroke-dasharray",
                                                                "opacity",
                                                                "transform",
                                                                "style",
                                                                "dominant-baseline"};
  std::set<std::string, std::less<>> ids;
  std::set<std::string, std::less<>> links;
  bool in_style = false;
  for (std::size_t i = 0; i < page.size();) {
    const char c = page[i];
    const std::size_t n = utf8_sequence_length(page, i);
    if (n == 0) fail("not UTF-8", page, i);
    const auto u = static_cast<unsigned char>(c);
    if (n == 1 && (u < 0x20 || u == 0x7F) && c != '\n' && c != '\t') {
      fail("control character", page, i);
    }
    if (c == '&' && !in_style) {
      std::size_t k = i + 1;
      if (k < page.size() && page[k] == '#') ++k;
      const std::size_t start = k;
      while (k < page.size() && (is_alpha(page[k]) || (page[k] >= '0' && page[k] <= '9'))) ++k;
      if (k == start || k >= page.size() || page[k] != ';') fail("bare '&'", page, i);
      i = k + 1;
      continue;
    }
    if (c == '>' && !in_style) fail("bare '>'", page, i);
    if (c != '<') {
      i += n;
      continue;
    }
    if (page.substr(i, 15) == "<!DOCTYPE html>") {
      i += 15;
      continue;
    }
    std::size_t k = i + 1;
    const bool closing = k < page.size() && page[k] == '/';
    if (closing) ++k;
    const std::size_t name_at = k;
    while (k < page.size() && is_name_char(page[k])) ++k;
    const std::string_view name = page.substr(name_at, k - name_at);
    if (!tags.contains(name)) fail("unknown tag", page, i);
    if (in_style && !(closing && name == "style")) fail("tag inside <style>", page, i);
    // Attributes: name="value" separated by spaces, then '>' (or '/>').
    while (k < page.size() && page[k] != '>') {
      if (page[k] == ' ' || page[k] == '\n') {
        ++k;
        continue;
      }
      if (page[k] == '/' && k + 1 < page.size() && page[k + 1] == '>') {
        ++k;
        continue;
      }
      if (closing) fail("attribute on a closing tag", page, k);
      const std::size_t attr_at = k;
      while (k < page.size() && is_name_char(page[k])) ++k;
      const std::string_view attr = page.substr(attr_at, k - attr_at);
      if (!attributes.contains(attr)) fail("unknown attribute", page, attr_at);
      if (k >= page.size() || page[k] != '=') continue;  // boolean attribute
      if (k + 1 >= page.size() || page[k + 1] != '"') fail("unquoted attribute", page, k);
      const std::size_t value_at = k + 2;
      const std::size_t end = page.find('"', value_at);
      if (end == std::string_view::npos) fail("unterminated attribute", page, k);
      const std::string_view value = page.substr(value_at, end - value_at);
      if (value.find('<') != std::string_view::npos || value.find('>') != std::string_view::npos)
        fail("markup in an attribute value", page, value_at);
      // Not unique: a hand-made results.json may list one case ID twice (the harness never
      // does), and both sections then carry its anchor; links still resolve.
      if (attr == "id") ids.emplace(value);
      if (attr == "href") {
        if (value.empty() || value[0] != '#') fail("link out of the page", page, value_at);
        links.emplace(value.substr(1));
      }
      k = end + 1;
    }
    if (k >= page.size()) fail("unterminated tag", page, i);
    if (name == "style") in_style = !closing;
    i = k + 1;
  }
  for (const auto& l : links) {
    if (!ids.contains(l)) {
      std::fprintf(stderr, "report page: link #%s names no id of the page\n", l.c_str());
      __builtin_trap();
    }
  }
}

}  // namespace apipnr::fuzzing
