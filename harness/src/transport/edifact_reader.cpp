#include "edifact_reader.hpp"

#include <string>

namespace apipnr::harness::detail {
namespace {

bool is_layout_space(char c) { return c == '\r' || c == '\n' || c == ' ' || c == '\t'; }

bool is_tag_char(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

struct delimiters {
  char component = ':';
  char element = '+';
  char release = '?';  // '\0' when the UNA says "none" (a space)
  char terminator = '\'';
};

std::string describe(char c) {
  const auto u = static_cast<unsigned char>(c);
  static constexpr char hex[] = "0123456789abcdef";
  std::string s = "0x";
  s += hex[u >> 4U];
  s += hex[u & 0xFU];
  return s;
}

}  // namespace

std::string_view edi_segment::at(std::size_t position, std::size_t c) const {
  if (position == 0 || position > elements.size()) return {};
  const auto& e = elements[position - 1];
  if (c >= e.size()) return {};
  return e[c];
}

edi_document read_edifact(std::string_view in) {
  edi_document doc;
  delimiters d;
  std::size_t pos = 0;
  while (pos < in.size() && is_layout_space(in[pos])) ++pos;
  if (pos == in.size()) {
    doc.error = "empty body";
    return doc;
  }
  if (in.substr(pos, 3) == "UNA") {
    if (in.size() - pos < 9) {
      doc.error = "UNA shorter than 9 characters";
      return doc;
    }
    d.component = in[pos + 3];
    d.element = in[pos + 4];
    // pos + 5: decimal mark and pos + 7: repetition separator / reserved: not needed to split.
    d.release = in[pos + 6] == ' ' ? '\0' : in[pos + 6];
    d.terminator = in[pos + 8];
    const char set[] = {d.component, d.element, d.terminator};
    for (char a : set) {
      if (a == ' ' || is_tag_char(a) || a == '\0') {
        doc.error = "UNA service character " + describe(a) + " is not usable";
        return doc;
      }
    }
    if (d.component == d.element || d.component == d.terminator || d.element == d.terminator ||
        (d.release != '\0' &&
         (d.release == d.component || d.release == d.element || d.release == d.terminator))) {
      doc.error = "UNA service characters are not distinct";
      return doc;
    }
    pos += 9;
  }

  std::vector<std::vector<std::string>> elements;
  std::vector<std::string> components;
  std::string value;
  bool in_segment = false;
  while (pos < in.size()) {
    const char c = in[pos];
    if (!in_segment) {
      if (is_layout_space(c) && c != d.component && c != d.element && c != d.terminator) {
        ++pos;
        continue;
      }
      in_segment = true;
    }
    if (d.release != '\0' && c == d.release) {
      if (pos + 1 == in.size()) {
        doc.error = "release character at end of input";
        return doc;
      }
      value += in[pos + 1];
      pos += 2;
      continue;
    }
    if (c == d.component || c == d.element || c == d.terminator) {
      components.push_back(std::move(value));
      value.clear();
      if (c != d.component) {
        elements.push_back(std::move(components));
        components.clear();
        if (elements.size() > max_edi_elements + 1) {
          doc.error =
              "segment " + std::to_string(doc.segments.size() + 1) + " has too many elements";
          return doc;
        }
      }
      if (c == d.terminator) {
        edi_segment seg;
        seg.index = doc.segments.size() + 1;
        seg.tag = elements.front().front();
        if (seg.tag.size() != 3 || !is_tag_char(seg.tag[0]) || !is_tag_char(seg.tag[1]) ||
            !is_tag_char(seg.tag[2])) {
          doc.error = "segment " + std::to_string(seg.index) + " has no valid tag";
          return doc;
        }
        seg.elements.assign(std::make_move_iterator(elements.begin() + 1),
                            std::make_move_iterator(elements.end()));
        elements.clear();
        doc.segments.push_back(std::move(seg));
        if (doc.segments.size() > max_edi_segments) {
          doc.error = "more than " + std::to_string(max_edi_segments) + " segments";
          return doc;
        }
        in_segment = false;
      }
      ++pos;
      continue;
    }
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) {
      doc.error = "control character " + describe(c) + " inside segment " +
                  std::to_string(doc.segments.size() + 1);
      return doc;
    }
    value += c;
    ++pos;
  }
  if (in_segment) {
    doc.error = "segment " + std::to_string(doc.segments.size() + 1) + " is not terminated";
  }
  return doc;
}

}  // namespace apipnr::harness::detail
