#include "apipnr/xml/document.hpp"

#include <algorithm>
#include <cstring>
#include <string>

namespace apipnr::xml {
namespace {

using boost::system::error_code;

bool is_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool starts_with(std::string_view s, std::size_t at, std::string_view prefix) noexcept {
  return s.size() - at >= prefix.size() && s.compare(at, prefix.size(), prefix) == 0;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'a' && x <= 'z') x = static_cast<char>(x - 'a' + 'A');
    if (y >= 'a' && y <= 'z') y = static_cast<char>(y - 'a' + 'A');
    if (x != y) return false;
  }
  return true;
}

error_code fail(diagnostic_sink& sink, errc code, std::string_view source, std::size_t offset,
                std::string_view detail) {
  report(sink, code, source, offset, detail);
  return make_error_code(code);
}

// Byte order marks and the first bytes of "<?" in UTF-16/32 without one: any of them means the
// document is not UTF-8, whatever follows.
bool looks_wide(std::string_view s) noexcept {
  static constexpr std::string_view wide[] = {
      std::string_view("\xFE\xFF", 2),         std::string_view("\xFF\xFE", 2),
      std::string_view("\x00\x00\xFE\xFF", 4), std::string_view("\x00\x3C\x00\x3F", 4),
      std::string_view("\x3C\x00\x3F\x00", 4), std::string_view("\x00\x00\x00\x3C", 4),
      std::string_view("\x3C\x00\x00\x00", 4)};
  for (std::string_view w : wide) {
    if (starts_with(s, 0, w)) return true;
  }
  return false;
}

// The value of `encoding="..."` in an XML declaration at the start of `s` (after any UTF-8
// BOM), or an empty view when there is none. Only the declaration is looked at: the pseudo-
// attribute grammar is simple enough not to need the full parser.
std::string_view declared_encoding(std::string_view s, std::size_t start, std::size_t& at) {
  at = 0;
  if (!starts_with(s, start, "<?xml") || s.size() - start < 6 || !is_space(s[start + 5])) {
    return {};
  }
  const std::size_t end = s.find("?>", start);
  if (end == std::string_view::npos) return {};
  const std::string_view decl = s.substr(start, end - start);
  const std::size_t key = decl.find("encoding");
  if (key == std::string_view::npos) return {};
  std::size_t i = key + 8;
  while (i < decl.size() && (is_space(decl[i]) || decl[i] == '=')) ++i;
  if (i >= decl.size() || (decl[i] != '"' && decl[i] != '\'')) return {};
  const char quote = decl[i];
  const std::size_t close = decl.find(quote, i + 1);
  if (close == std::string_view::npos) return {};
  at = start + i + 1;
  return decl.substr(i + 1, close - i - 1);
}

// Validates UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF) and the XML 1.0
// Char production. Returns the offset of the first offending sequence and which rule it broke,
// or npos.
std::size_t check_characters(std::string_view s, errc& which) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    const unsigned char c = p[i];
    if (c < 0x80) {
      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
        which = errc::invalid_character;
        return i;
      }
      ++i;
      continue;
    }
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1Fu;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0Fu;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07u;
    } else {
      which = errc::invalid_utf8;
      return i;
    }
    if (n - i < len) {
      which = errc::invalid_utf8;
      return i;
    }
    for (std::size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0u) != 0x80u) {
        which = errc::invalid_utf8;
        return i;
      }
      cp = (cp << 6) | (p[i + k] & 0x3Fu);
    }
    const bool overlong = (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
    if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      which = errc::invalid_utf8;
      return i;
    }
    if (cp == 0xFFFE || cp == 0xFFFF) {
      which = errc::invalid_character;
      return i;
    }
    i += len;
  }
  return std::string_view::npos;
}

// A lexical pre-scan that finds DOCTYPE and measures depth, element count and attribute lengths
// without building anything. It understands comments, CDATA sections, processing instructions
// and quoted attribute values, which is all it needs to tell markup from content. On input it
// cannot follow (malformed markup) it stops quietly: pugixml then reports the precise error.
struct prescan_finding {
  errc code = errc::ok;
  std::size_t offset = 0;
  std::string detail;
};

prescan_finding prescan(std::string_view s, const limits& lim) {
  std::uint32_t depth = 0;
  std::uint64_t elements = 0;
  std::size_t i = 0;
  const std::size_t n = s.size();
  while (true) {
    i = s.find('<', i);
    if (i == std::string_view::npos) return {};
    if (starts_with(s, i, "<!--")) {
      const std::size_t e = s.find("-->", i + 4);
      if (e == std::string_view::npos) return {};
      i = e + 3;
    } else if (starts_with(s, i, "<![CDATA[")) {
      const std::size_t e = s.find("]]>", i + 9);
      if (e == std::string_view::npos) return {};
      i = e + 3;
    } else if (starts_with(s, i, "<!DOCTYPE")) {
      return {errc::doctype, i, "<!DOCTYPE> refused before parsing"};
    } else if (starts_with(s, i, "<?")) {
      const std::size_t e = s.find("?>", i + 2);
      if (e == std::string_view::npos) return {};
      i = e + 2;
    } else if (starts_with(s, i, "<!")) {
      // Some other declaration (<!ENTITY outside a DOCTYPE, ...): not XML; pugixml says so.
      return {};
    } else if (starts_with(s, i, "</")) {
      if (depth > 0) --depth;
      const std::size_t e = s.find('>', i + 2);
      if (e == std::string_view::npos) return {};
      i = e + 1;
    } else {
      const std::size_t tag = i;
      if (++elements > lim.max_elements) {
        return {errc::too_many_elements, tag,
                "more than " + std::to_string(lim.max_elements) + " elements"};
      }
      if (depth + 1 > lim.max_depth) {
        return {errc::depth_exceeded, tag,
                "element nested deeper than " + std::to_string(lim.max_depth)};
      }
      ++i;
      bool closed = false;
      while (i < n && !closed) {
        const char c = s[i];
        if (c == '"' || c == '\'') {
          const std::size_t e = s.find(c, i + 1);
          if (e == std::string_view::npos) return {};
          if (e - i - 1 > lim.max_attribute_length) {
            return {errc::attribute_too_long, i,
                    "attribute value longer than " + std::to_string(lim.max_attribute_length) +
                        " bytes"};
          }
          i = e + 1;
        } else if (c == '>') {
          ++depth;
          closed = true;
          ++i;
        } else if (c == '/' && i + 1 < n && s[i + 1] == '>') {
          closed = true;
          i += 2;
        } else if (c == '<') {
          return {};  // malformed start tag; let pugixml report it
        } else {
          ++i;
        }
      }
      if (!closed) return {};
    }
  }
}

// The same limits on the DOM, walked iteratively (no recursion on attacker-controlled depth),
// plus the structural checks pugixml leaves to its caller.
prescan_finding walk(const document& doc, const limits& lim) {
  std::uint64_t elements = 0;
  std::uint32_t roots = 0;
  for (pugi::xml_node top = doc.dom().first_child(); top; top = top.next_sibling()) {
    if (top.type() == pugi::node_element) ++roots;
    if (top.type() == pugi::node_doctype) {
      return {errc::doctype, doc.offset_of(top), "<!DOCTYPE> found in the parsed document"};
    }
    if (top.type() == pugi::node_pcdata || top.type() == pugi::node_cdata) {
      return {errc::not_well_formed, doc.offset_of(top), "text outside the root element"};
    }
  }
  if (roots != 1) {
    return {errc::not_well_formed, 0,
            roots == 0 ? "no root element" : "more than one root element"};
  }
  pugi::xml_node n = doc.dom().document_element();
  std::uint32_t depth = 1;
  while (n) {
    if (n.type() == pugi::node_doctype) {
      return {errc::doctype, doc.offset_of(n), "<!DOCTYPE> found in the parsed document"};
    }
    if (n.type() == pugi::node_element) {
      if (++elements > lim.max_elements) {
        return {errc::too_many_elements, doc.offset_of(n),
                "more than " + std::to_string(lim.max_elements) + " elements"};
      }
      if (depth > lim.max_depth) {
        return {errc::depth_exceeded, doc.offset_of(n),
                "element nested deeper than " + std::to_string(lim.max_depth)};
      }
      for (pugi::xml_attribute a = n.first_attribute(); a; a = a.next_attribute()) {
        if (std::strlen(a.value()) > lim.max_attribute_length) {
          return {
              errc::attribute_too_long, doc.offset_of(n),
              "attribute value longer than " + std::to_string(lim.max_attribute_length) + " bytes"};
        }
      }
    }
    if (pugi::xml_node c = n.first_child()) {
      n = c;
      ++depth;
      continue;
    }
    while (n && !n.next_sibling()) {
      n = n.parent();
      --depth;
      if (depth == 0) return {};
    }
    if (n) n = n.next_sibling();
  }
  return {};
}

}  // namespace

std::size_t document::offset_of(pugi::xml_node n, std::size_t fallback) const noexcept {
  const std::ptrdiff_t off = n.offset_debug();
  if (off < 0 || static_cast<std::size_t>(off) > source_.size()) return fallback;
  // pugixml points at the node name; the markup starts one byte earlier ('<').
  if (n.type() == pugi::node_element && off > 0) return static_cast<std::size_t>(off) - 1;
  return static_cast<std::size_t>(off);
}

void report(diagnostic_sink& sink, errc code, std::string_view source, std::size_t offset,
            std::string_view detail) {
  report(sink, code, offset, locate(source, offset), detail);
}

void report(diagnostic_sink& sink, errc code, std::size_t offset, line_column lc,
            std::string_view detail) {
  const errc_info& i = info(code);
  diagnostic d;
  d.code = make_error_code(code);
  d.id = i.id;
  d.requirement = i.requirement;
  d.level = i.level;
  d.where = i.where;
  d.pos.offset = offset;
  d.detail = "line " + std::to_string(lc.line) + ", column " + std::to_string(lc.column) + ": ";
  d.detail += detail.empty() ? i.message : detail;
  sink.report(std::move(d));
}

error_code parse(std::string_view buffer, document& doc, diagnostic_sink& sink, const limits& lim) {
  doc.dom_.reset();
  doc.source_ = buffer;
  doc.parsed_ = false;

  if (buffer.size() > lim.max_document_bytes) {
    return fail(
        sink, errc::document_too_large, {}, 0,
        std::to_string(buffer.size()) + " bytes, limit " + std::to_string(lim.max_document_bytes));
  }
  std::size_t first = 0;
  while (first < buffer.size() && is_space(buffer[first])) ++first;
  if (first == buffer.size()) return fail(sink, errc::empty_document, buffer, 0, {});

  if (looks_wide(buffer)) {
    return fail(sink, errc::unsupported_encoding, buffer, 0,
                "UTF-16 or UTF-32 byte order or byte pattern; only UTF-8 is accepted");
  }
  const std::size_t start = starts_with(buffer, 0, "\xEF\xBB\xBF") ? 3 : 0;
  std::size_t enc_at = 0;
  const std::string_view enc = declared_encoding(buffer, start, enc_at);
  if (!enc.empty() && !iequals(enc, "UTF-8")) {
    return fail(sink, errc::unsupported_encoding, buffer, enc_at,
                "declared encoding is not UTF-8; only UTF-8 is accepted");
  }
  errc which = errc::ok;
  if (const std::size_t bad = check_characters(buffer, which); bad != std::string_view::npos) {
    return fail(sink, which, buffer, bad, {});
  }

  if (prescan_finding f = prescan(buffer, lim); f.code != errc::ok) {
    return fail(sink, f.code, buffer, f.offset, f.detail);
  }

  // parse_doctype keeps a DOCTYPE the pre-scan could not see as a node so the walk refuses it;
  // encoding_utf8 stops pugixml from guessing (and converting, which would shift offsets).
  const unsigned options = pugi::parse_default | pugi::parse_doctype;
  const pugi::xml_parse_result r =
      doc.dom_.load_buffer(buffer.data(), buffer.size(), options, pugi::encoding_utf8);
  if (!r) {
    // pugixml may point one past the end (at its own terminating zero) when the document ends
    // inside a name; a finding's offset must stay inside the input.
    const std::size_t off =
        r.offset < 0 ? 0 : std::min(static_cast<std::size_t>(r.offset), buffer.size());
    doc.dom_.reset();
    return fail(sink, errc::not_well_formed, buffer, off, r.description());
  }
  if (prescan_finding f = walk(doc, lim); f.code != errc::ok) {
    doc.dom_.reset();
    return fail(sink, f.code, buffer, f.offset, f.detail);
  }
  doc.parsed_ = true;
  return {};
}

}  // namespace apipnr::xml
