#include "apipnr/edifact/contrl.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "apipnr/edifact/errc.hpp"
#include "apipnr/edifact/writer.hpp"

namespace apipnr::edifact {
namespace {

// 0085 "unspecified error": used when a rejecting finding carries no syntax error code, so the
// CONTRL still says why the level was rejected.
constexpr int unspecified_error = 18;

bool rejects(const diagnostic& f) noexcept { return f.level >= severity::error; }

int code_of(const diagnostic& f) noexcept {
  return f.syntax_error != 0 ? f.syntax_error : unspecified_error;
}

bool is_element_scope(const diagnostic& f) noexcept {
  return f.where == apipnr::scope::element || f.where == apipnr::scope::component;
}

// The errc behind a finding, or errc::ok when it comes from another layer.
errc errc_of(const diagnostic& f) noexcept {
  if (f.code.category() != edifact_category()) return errc::ok;
  return static_cast<errc>(f.code.value());
}

// What one level (interchange, group or message) reports about itself in UCI/UCF/UCM.
struct level_report {
  bool rejected = false;              // an error of the level itself
  const diagnostic* first = nullptr;  // the finding that gives 0085 (first in report order)
  std::string_view tag;               // 0013 service segment tag, may be empty
};

struct ucd_entry {
  int code = 0;
  std::uint16_t element = 0;
  std::uint16_t component = 0;
  std::uint16_t repetition = 0;
};

struct ucs_entry {
  std::uint32_t position = 0;  // UNH = 1
  int code = 0;                // 0 when only element-level findings are on the segment
  std::vector<ucd_entry> elements;
};

struct message_report {
  level_report own;
  std::vector<ucs_entry> segments;    // sorted by position
  const diagnostic* first = nullptr;  // the first rejecting finding placed in the message
  // No UCM can name the message (named() below): its rejection is stated by the enclosing
  // level instead, and no UCM is written for it.
  bool unnamed = false;
  bool rejected() const noexcept { return own.rejected || !segments.empty(); }
};

// The first character a copied value keeps (contrl_writer::literal cuts at a control
// character), so whether the copy is empty.
bool copies_something(std::string_view raw, const delimiters& source) {
  if (raw.empty()) return false;
  const std::string value = unescape(raw, source);
  if (value.empty()) return false;
  const auto c = static_cast<unsigned char>(value.front());
  return c >= 0x20 && c != 0x7f;
}

// Whether a UCM can identify the message. 0062 and S009 are mandatory in UCM in syntax 3, and
// in syntax 4 a message's UCM needs both (ISO 9735-5 UCM dependency notes D1(0062, 0800) one
// and only one, D2(0062, S009) all or none): a UCM with an empty 0062 names no message, and a
// carrier (or the harness's reader) cannot tell which one it rejects.
bool named(const message_view& mv, const delimiters& source) {
  return copies_something(mv.reference, source) && copies_something(mv.type, source);
}

// The whole decision, shared by summarise() and make_contrl() so that both always agree.
struct verdict {
  level_report interchange_level;
  std::vector<level_report> groups;
  std::vector<message_report> messages;
};

class analyser {
 public:
  explicit analyser(const interchange& ic) : ic_(ic) {
    v_.groups.resize(ic.groups.size());
    v_.messages.resize(ic.messages.size());
  }

  verdict run(std::span<const diagnostic> findings) {
    for (const diagnostic& f : findings) {
      if (rejects(f)) place(f);
    }
    for (message_report& m : v_.messages) {
      std::stable_sort(
          m.segments.begin(), m.segments.end(),
          [](const ucs_entry& a, const ucs_entry& b) { return a.position < b.position; });
    }
    // A rejected message no UCM can name (its UNH gives no 0062 or no message type, e.g. a
    // UNA that declares other separators than the text uses) is rejected by the level that
    // encloses it, with its first finding and 0013 UNH: the group when its UCF can name it,
    // else the interchange (UCI 4). Leaving it out would acknowledge it by omission, and a
    // UCM with an empty 0062 is no report (fuzz_receiver_intake,
    // fuzz/crashers/receiver_intake_contrl_ucs_without_ucm.input).
    for (std::size_t m = 0; m < v_.messages.size(); ++m) {
      message_report& mr = v_.messages[m];
      if (!mr.rejected() || mr.first == nullptr || named(ic_.messages[m], ic_.delims)) continue;
      mr.unnamed = true;
      const std::int32_t g = ic_.messages[m].group;
      if (g >= 0 && static_cast<std::size_t>(g) < v_.groups.size() &&
          copies_something(ic_.groups[static_cast<std::size_t>(g)].reference, ic_.delims)) {
        claim(v_.groups[static_cast<std::size_t>(g)], *mr.first, "UNH");
      } else {
        claim(v_.interchange_level, *mr.first, "UNH");
      }
    }
    return std::move(v_);
  }

 private:
  // The segment with 1-based number `index`, or nullptr.
  const segment* segment_at(std::uint32_t index) const noexcept {
    if (index == 0) return nullptr;
    if (index - 1 < ic_.segments.size() && ic_.segments[index - 1].index == index)
      return &ic_.segments[index - 1];
    for (const segment& s : ic_.segments) {
      if (s.index == index) return &s;
    }
    return nullptr;
  }

  std::uint32_t number_of(std::uint32_t vector_index) const noexcept {
    return vector_index < ic_.segments.size() ? ic_.segments[vector_index].index : 0;
  }

  // The group whose UNG..UNE range holds segment `index` (an unclosed group runs to the next
  // UNG), or -1.
  std::int32_t group_of(std::uint32_t index) const noexcept {
    if (index == 0) return -1;
    for (std::size_t g = 0; g < ic_.groups.size(); ++g) {
      const group_view& gv = ic_.groups[g];
      const std::uint32_t first = number_of(gv.ung);
      std::uint32_t last = std::numeric_limits<std::uint32_t>::max();
      if (gv.closed)
        last = number_of(gv.une);
      else if (g + 1 < ic_.groups.size())
        last = number_of(ic_.groups[g + 1].ung) - 1;
      if (first != 0 && index >= first && index <= last) return static_cast<std::int32_t>(g);
    }
    return -1;
  }

  void place(const diagnostic& f) {
    const std::uint32_t seg = f.pos.segment;
    const segment* s = segment_at(seg);
    const std::string_view tag = s != nullptr ? s->tag() : std::string_view{};
    // A fatal finding stopped the parse: what follows was never examined, so nothing in this
    // interchange can be acknowledged.
    if (f.where == apipnr::scope::interchange || f.level == severity::fatal)
      return to_interchange(f, tag);

    const std::int32_t m = seg != 0 ? ic_.message_of(seg) : -1;
    if (f.where == apipnr::scope::group) {
      std::int32_t g = group_of(seg);
      if (g < 0 && m >= 0) g = ic_.messages[static_cast<std::size_t>(m)].group;
      if (g >= 0 && static_cast<std::size_t>(g) < v_.groups.size())
        return to_group(f, static_cast<std::size_t>(g), tag);
      return to_interchange(f, tag);
    }

    if (m < 0) {
      // Outside every message (UNB, UNG, UNE, UNZ or a stray segment): the enclosing level
      // answers for it, so an error is never silently acknowledged.
      const std::int32_t g = group_of(seg);
      if (g >= 0 && static_cast<std::size_t>(g) < v_.groups.size())
        return to_group(f, static_cast<std::size_t>(g), tag);
      return to_interchange(f, tag);
    }

    message_report& mr = v_.messages[static_cast<std::size_t>(m)];
    if (mr.first == nullptr) mr.first = &f;
    if (f.where == apipnr::scope::message || tag == "UNH" || tag == "UNT") {
      // Findings about the message envelope itself are reported in UCM (0013 = UNH/UNT).
      std::string_view t = (tag == "UNH" || tag == "UNT") ? tag : std::string_view{};
      if (t.empty() && errc_of(f) == errc::missing_unt) t = "UNT";
      return claim(mr.own, f, t);
    }

    const message_view& mv = ic_.messages[static_cast<std::size_t>(m)];
    std::uint32_t position = f.pos.message_segment;
    if (position == 0) position = seg - number_of(mv.unh) + 1;
    auto it = std::find_if(mr.segments.begin(), mr.segments.end(),
                           [position](const ucs_entry& e) { return e.position == position; });
    if (it == mr.segments.end()) {
      mr.segments.push_back(ucs_entry{position, 0, {}});
      it = mr.segments.end() - 1;
    }
    if (is_element_scope(f) && f.pos.element != 0) {
      it->elements.push_back(
          ucd_entry{code_of(f), f.pos.element, f.pos.component, f.pos.repetition});
    } else if (it->code == 0) {
      it->code = code_of(f);
    }
  }

  static void claim(level_report& level, const diagnostic& f, std::string_view tag) {
    level.rejected = true;
    if (level.first == nullptr) {
      level.first = &f;
      level.tag = tag;
    }
  }

  void to_interchange(const diagnostic& f, std::string_view tag) {
    std::string_view t;
    if (tag == "UNB" || tag == "UNZ") {
      t = tag;
    } else {
      switch (errc_of(f)) {
        case errc::una_truncated:
        case errc::una_duplicate_character:
        case errc::una_invalid_character:
        case errc::una_invalid_decimal_mark:
        case errc::una_reserved_not_space:
          t = "UNA";
          break;
        case errc::missing_unb:
        case errc::unsupported_syntax_identifier:
        case errc::unsupported_syntax_version:
        case errc::duplicate_interchange:
          t = "UNB";
          break;
        case errc::missing_unz:
        case errc::unz_count_mismatch:
        case errc::unz_reference_mismatch:
          t = "UNZ";
          break;
        default:
          break;
      }
    }
    claim(v_.interchange_level, f, t);
  }

  void to_group(const diagnostic& f, std::size_t g, std::string_view tag) {
    std::string_view t;
    if (tag == "UNG" || tag == "UNE") {
      t = tag;
    } else {
      switch (errc_of(f)) {
        case errc::missing_une:
        case errc::une_count_mismatch:
        case errc::une_reference_mismatch:
          t = "UNE";
          break;
        default:
          break;
      }
    }
    claim(v_.groups[g], f, t);
  }

  const interchange& ic_;
  verdict v_;
};

// Rejection flows down: a rejected interchange rejects every group and message, a rejected
// group its messages (0083 code 4: "this level and all lower levels rejected").
bool group_rejected(const verdict& v, std::size_t g) {
  return v.interchange_level.rejected || v.groups[g].rejected;
}

bool message_rejected(const verdict& v, const interchange& ic, std::size_t m) {
  if (v.interchange_level.rejected || v.messages[m].rejected()) return true;
  const std::int32_t g = ic.messages[m].group;
  return g >= 0 && static_cast<std::size_t>(g) < v.groups.size() &&
         v.groups[static_cast<std::size_t>(g)].rejected;
}

// Writes a value taken from the received interchange (raw, escaped with its delimiters) as a
// literal value in the CONTRL's own syntax.
class contrl_writer {
 public:
  contrl_writer(std::string& out, const delimiters& d, const delimiters& source)
      : w_(out, d), source_(source) {}

  writer& w() noexcept { return w_; }

  writer& copied_element(std::string_view raw) { return w_.element(literal(raw)); }
  writer& copied_component(std::string_view raw) { return w_.component(literal(raw)); }

  writer& number_element(long long n) { return w_.element(std::to_string(n)); }

  // S011: 0098 element : 0104 component [: 0136 occurrence, syntax v4].
  void data_element_id(std::uint16_t element, std::uint16_t component, std::uint16_t rep, bool v4) {
    w_.element(std::to_string(element));
    w_.component(component != 0 ? std::to_string(component) : std::string{});
    if (v4 && rep != 0) w_.component(std::to_string(rep));
  }

 private:
  // Copied identifiers are cut to 35 characters, the longest a CONTRL element that carries one
  // may hold (0004/0010 an..35; references and codes are shorter): a malformed interchange
  // whose "sender" runs on for kilobytes must still get a well-formed CONTRL back. They are
  // also cut at the first control character (C0 or DEL), which no syntax level's repertoire
  // holds: a UNG cut off by a line break, or a garbled reference, must not put the raw byte
  // into the CONTRL and make the rejection unreadable to the carrier (fuzz_receiver_intake,
  // fuzz/crashers/receiver_intake_contrl_copies_*.input).
  const std::string& literal(std::string_view raw) {
    scratch_.clear();
    unescape(raw, source_, scratch_);
    std::size_t keep = 0;
    const std::size_t limit = scratch_.size() < max_copied ? scratch_.size() : max_copied;
    while (keep < limit) {
      const auto c = static_cast<unsigned char>(scratch_[keep]);
      if (c < 0x20 || c == 0x7f) break;
      ++keep;
    }
    scratch_.resize(keep);
    return scratch_;
  }
  static constexpr std::size_t max_copied = 35;

  writer w_;
  delimiters source_;
  std::string scratch_;
};

void write_level_error(contrl_writer& cw, const level_report& level, bool v4) {
  if (level.first == nullptr) return;
  const diagnostic& f = *level.first;
  cw.number_element(code_of(f));
  cw.w().element(level.tag);
  if (is_element_scope(f) && f.pos.element != 0)
    cw.data_element_id(f.pos.element, f.pos.component, f.pos.repetition, v4);
}

void write_ucm(contrl_writer& cw, const interchange& ic, const verdict& v, std::size_t m, bool v4) {
  const message_view& mv = ic.messages[m];
  const message_report& mr = v.messages[m];
  const bool rejected = message_rejected(v, ic, m);
  writer& w = cw.w();
  w.begin("UCM");
  cw.copied_element(mv.reference);
  cw.copied_element(mv.type);
  cw.copied_component(mv.version);
  cw.copied_component(mv.release);
  cw.copied_component(mv.agency);
  cw.copied_component(mv.association);
  cw.number_element(static_cast<int>(rejected ? action::rejected : action::acknowledged));
  write_level_error(cw, mr.own, v4);
  w.end();
  for (const ucs_entry& s : mr.segments) {
    w.begin("UCS");
    cw.number_element(s.position);
    if (s.code != 0) cw.number_element(s.code);
    w.end();
    for (const ucd_entry& d : s.elements) {
      w.begin("UCD");
      cw.number_element(d.code);
      cw.data_element_id(d.element, d.component, d.repetition, v4);
      w.end();
    }
  }
}

bool listed(const verdict& v, const interchange& ic, std::size_t m, const contrl_options& opts) {
  // Messages with their own errors always; others only when accepted ones are asked for and
  // they really are accepted (under a rejected level they are covered by its code 4). A
  // message no UCM can name is covered by the enclosing level's 4 (analyser::run).
  if (v.messages[m].unnamed) return false;
  if (v.messages[m].rejected()) return true;
  return opts.report_accepted_messages && !message_rejected(v, ic, m);
}

}  // namespace

contrl_summary summarise(const interchange& ic, std::span<const diagnostic> findings) {
  const verdict v = analyser(ic).run(findings);
  contrl_summary s;
  s.interchange_action = v.interchange_level.rejected ? action::rejected : action::acknowledged;
  for (std::size_t g = 0; g < v.groups.size(); ++g) {
    if (group_rejected(v, g)) ++s.groups_rejected;
  }
  for (std::size_t m = 0; m < v.messages.size(); ++m) {
    if (message_rejected(v, ic, m))
      ++s.messages_rejected;
    else
      ++s.messages_accepted;
  }
  return s;
}

bool contrl_required(const interchange& ic, bool always) noexcept {
  if (!always && ic.acknowledgement_request != "1") return false;
  // Never answer a CONTRL with a CONTRL: that would let two receivers ping-pong forever.
  const bool only_contrl =
      !ic.messages.empty() && std::all_of(ic.messages.begin(), ic.messages.end(),
                                          [](const message_view& m) { return m.type == "CONTRL"; });
  return !only_contrl;
}

std::string make_contrl(const interchange& ic, std::span<const diagnostic> findings,
                        const contrl_options& opts) {
  const bool v4 = opts.syntax_version >= 4;
  const delimiters d = v4 ? delimiters::defaults_v4() : delimiters::defaults();
  std::string out;
  contrl_writer cw(out, d, ic.delims);
  writer& w = cw.w();
  w.line_breaks(opts.line_breaks);
  if (opts.with_una) w.una();

  // UNB: the CONTRL goes back from the receiver to the sender.
  // The syntax identifier may be the received UNB's (the pipeline answers in the sender's
  // repertoire): like a copied value it stops at a control character, which no repertoire holds
  // (a UNB+IATA<SOH> made the CONTRL unreadable to the carrier: fuzz_receiver_intake,
  // fuzz/crashers/receiver_intake_contrl_syntax_identifier_control.input).
  std::string_view syntax = opts.syntax_identifier;
  for (std::size_t i = 0; i < syntax.size(); ++i) {
    const auto c = static_cast<unsigned char>(syntax[i]);
    if (c < 0x20 || c == 0x7f) {
      syntax = syntax.substr(0, i);
      break;
    }
  }
  if (syntax.empty()) syntax = "UNOA";
  w.begin("UNB").element(syntax).component(std::to_string(opts.syntax_version));
  if (!opts.sender.empty()) {
    w.element(opts.sender).component(opts.sender_qualifier);
  } else {
    cw.copied_element(ic.recipient);
    if (!opts.sender_qualifier.empty())
      w.component(opts.sender_qualifier);
    else
      cw.copied_component(ic.recipient_qualifier);
  }
  cw.copied_element(ic.sender);
  cw.copied_component(ic.sender_qualifier);
  cw.copied_component(ic.sender_routing);  // reverse routing becomes the routing address
  w.element(opts.date).component(opts.time);
  w.element(opts.control_reference);
  w.end();

  const std::uint32_t before_unh = w.segments_written();
  w.begin("UNH").element("1").element("CONTRL");
  if (v4)
    w.component("4").component("1").component("UN");
  else
    w.component("D").component("3").component("UN");
  w.end();

  const verdict v = analyser(ic).run(findings);
  w.begin("UCI");
  cw.copied_element(ic.control_reference);
  cw.copied_element(ic.sender);
  cw.copied_component(ic.sender_qualifier);
  cw.copied_component(ic.sender_routing);
  cw.copied_element(ic.recipient);
  cw.copied_component(ic.recipient_qualifier);
  cw.copied_component(ic.recipient_routing);
  if (opts.technical_receipt) {
    cw.number_element(static_cast<int>(action::received));
    w.end();
  } else {
    const bool rejected = v.interchange_level.rejected;
    cw.number_element(static_cast<int>(rejected ? action::rejected : action::acknowledged));
    write_level_error(cw, v.interchange_level, v4);
    w.end();

    // Ungrouped messages first (segment group 1), then each group with its messages (SG3).
    for (std::size_t m = 0; m < ic.messages.size(); ++m) {
      if (ic.messages[m].group < 0 && listed(v, ic, m, opts)) write_ucm(cw, ic, v, m, v4);
    }
    for (std::size_t g = 0; g < ic.groups.size(); ++g) {
      const group_view& gv = ic.groups[g];
      w.begin("UCF");
      cw.copied_element(gv.reference);
      cw.copied_element(gv.sender);
      cw.copied_element(gv.recipient);
      cw.number_element(
          static_cast<int>(group_rejected(v, g) ? action::rejected : action::acknowledged));
      write_level_error(cw, v.groups[g], v4);
      w.end();
      for (std::size_t m = 0; m < ic.messages.size(); ++m) {
        if (ic.messages[m].group == static_cast<std::int32_t>(g) && listed(v, ic, m, opts))
          write_ucm(cw, ic, v, m, v4);
      }
    }
  }

  // UNT counts UNH..UNT inclusive: the segments written since UNH plus UNT itself.
  const std::uint32_t in_message = w.segments_written() - before_unh + 1;
  w.begin("UNT").element(std::to_string(in_message)).element("1");
  w.end();
  w.begin("UNZ").element("1").element(opts.control_reference);
  w.end();
  return out;
}

}  // namespace apipnr::edifact
