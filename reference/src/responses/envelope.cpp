#include <array>
#include <string>

#include "apipnr/model/charset.hpp"
#include "envelope_internal.hpp"

namespace apipnr::responses::detail {
namespace {

using boost::system::error_code;

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
bool is_upper(char c) noexcept { return c >= 'A' && c <= 'Z'; }
bool is_lower(char c) noexcept { return c >= 'a' && c <= 'z'; }

// SYN-CHR-004: the UNOA repertoire is A-Z, 0-9, space and . , - ( ) / = ' + : ? ! " % & * ; < >,
// i.e. 0x20-0x3F without '#' and '$', plus the upper-case letters.
bool in_level_a(unsigned char c) noexcept {
  return (c >= 0x20 && c <= 0x3F && c != '#' && c != '$') || (c >= 'A' && c <= 'Z');
}

bool service_character_ok(char c) noexcept {
  // SYN-UNA-003: no letter, digit, space-like control or non-ASCII byte as a service character.
  const auto u = static_cast<unsigned char>(c);
  return u > 0x20 && u < 0x7F && !is_digit(c) && !is_upper(c) && !is_lower(c);
}

error_code check_delimiters(const envelope& e) noexcept {
  const edifact::delimiters& d = e.delims;
  // Values may contain any service character (names, free text), so a release character is
  // required to escape them (SYN-REL-001).
  if (!d.has_release) return errc::invalid_delimiters;
  std::array<char, 5> used{d.component, d.element, d.release, d.terminator, d.repetition};
  const std::size_t n = d.has_repetition ? 5 : 4;
  for (std::size_t i = 0; i < n; ++i) {
    if (!service_character_ok(used[i])) return errc::invalid_delimiters;
    for (std::size_t j = i + 1; j < n; ++j)
      if (used[i] == used[j]) return errc::invalid_delimiters;  // SYN-UNA-002
  }
  if (d.decimal != '.' && d.decimal != ',') return errc::invalid_delimiters;  // SYN-UNA-004
  // SYN-UNA-005/SYN-REP-001: no repetition separator before version 4. IATA/IATB carry their
  // own version number (1) and PNRGOV senders declare '*' with it (SYN-SID-003), so the rule is
  // applied to the UNO* identifiers only.
  const bool iata = e.syntax_identifier == "IATA" || e.syntax_identifier == "IATB";
  if (d.has_repetition && e.syntax_version < 4 && !iata) return errc::invalid_delimiters;
  // SYN-UNA-006: without UNA the receiver assumes :+.? ' whatever the version.
  if (!e.write_una && !(d == edifact::delimiters::defaults())) return errc::invalid_delimiters;
  return {};
}

}  // namespace

charset charset_of(std::string_view id) noexcept {
  if (id == "UNOA") return charset::level_a;
  if (id == "UNOB" || id == "IATA" || id == "IATB") return charset::level_b;
  if (id == "UNOW" || id == "UNOX" || id == "UNOY") return charset::utf8;
  if (id.size() == 4 && id.substr(0, 3) == "UNO" && id[3] >= 'C' && id[3] <= 'K')
    return charset::latin;
  return charset::unknown;
}

std::size_t value_checker::length(std::string_view v) const noexcept {
  if (cs_ != charset::utf8) return v.size();
  std::size_t n = 0;
  for (char c : v)
    if ((static_cast<unsigned char>(c) & 0xC0u) != 0x80u) ++n;
  return n;
}

std::size_t value_checker::prefix_bytes(std::string_view v, std::size_t max) const noexcept {
  if (cs_ != charset::utf8) return v.size() < max ? v.size() : max;
  std::size_t chars = 0;
  std::size_t i = 0;
  while (i < v.size() && chars < max) {
    ++i;
    while (i < v.size() && (static_cast<unsigned char>(v[i]) & 0xC0u) == 0x80u) ++i;
    ++chars;
  }
  return i;
}

error_code value_checker::check(std::string_view v, std::size_t max) const noexcept {
  for (std::size_t i = 0; i < v.size(); ++i) {
    const char c = v[i];
    const auto u = static_cast<unsigned char>(c);
    // Declared service characters are always writable: the writer escapes them.
    if (d_.is_service(c)) continue;
    bool ok = false;
    switch (cs_) {
      case charset::level_a:
        ok = in_level_a(u);
        break;
      case charset::level_b:
        ok = u >= 0x20 && u <= 0x7E;
        break;
      case charset::latin:
        ok = (u >= 0x20 && u <= 0x7E) || u >= 0xA0;
        break;
      case charset::utf8:
        if (u >= 0x80) {
          const std::size_t len = model::utf8_sequence(v, i);
          ok = len != 0;
          if (ok) i += len - 1;
        } else {
          ok = u >= 0x20 && u <= 0x7E;
        }
        break;
      case charset::unknown:
        ok = false;
        break;
    }
    if (!ok) return errc::invalid_character;
  }
  if (length(v) > max) return errc::value_too_long;
  return {};
}

error_code value_checker::check_required(std::string_view v, std::size_t max,
                                         errc if_empty) const noexcept {
  if (v.empty()) return if_empty;
  return check(v, max);
}

bool is_alphanumeric(std::string_view v) noexcept {
  if (v.empty()) return false;
  for (char c : v)
    if (!is_digit(c) && !is_upper(c) && !is_lower(c)) return false;
  return true;
}

bool is_digits(std::string_view v, std::size_t n) noexcept {
  if (v.size() != n) return false;
  for (char c : v)
    if (!is_digit(c)) return false;
  return true;
}

error_code check_envelope(const envelope& e) noexcept {
  const charset cs = charset_of(e.syntax_identifier);
  if (cs == charset::unknown || e.syntax_version < 1 || e.syntax_version > 4)
    return errc::invalid_syntax_identifier;  // SYN-SID-001/002
  if (error_code ec = check_delimiters(e)) return ec;
  const value_checker v(cs, e.delims);
  // SYN-ENV-002: UNB elements 1 to 5 are present.
  for (const party* p : {&e.sender, &e.recipient}) {
    if (error_code ec = v.check_required(p->id, 35, errc::missing_party)) return ec;
    if (error_code ec = v.check(p->qualifier, 4)) return ec;
  }
  if (!(is_digits(e.date, 6) || is_digits(e.date, 8)) || !is_digits(e.time, 4))
    return errc::invalid_date_time;
  if (e.control_reference.empty() || e.group_reference.empty())
    return errc::invalid_control_reference;
  for (const std::string* r : {&e.control_reference, &e.group_reference}) {
    if (error_code ec = v.check(*r, 14))
      return ec == errc::value_too_long ? errc::invalid_control_reference : ec;
  }
  if (error_code ec = v.check(e.application_reference, 14)) return ec;
  if (!e.acknowledgement_request.empty() && e.acknowledgement_request != "1")
    return errc::invalid_character;
  if (e.group) {
    for (const party* p : {&e.group_sender, &e.group_recipient}) {
      if (error_code ec = v.check(p->id, 35)) return ec;
      if (error_code ec = v.check(p->qualifier, 4)) return ec;
    }
  }
  return {};
}

interchange_writer::interchange_writer(std::string& out, const envelope& e) noexcept
    : e_(e), w_(out, e.delims) {
  w_.line_breaks(e.line_breaks);
}

void interchange_writer::end() {
  if (error_code ec = w_.end(); ec && !error_) error_ = make_error_code(errc::write_failed);
}

void interchange_writer::open(const message_identifier& id, const message_header& h) {
  if (e_.write_una) w_.una();
  const std::string version = std::to_string(e_.syntax_version);
  w_.begin("UNB").element(e_.syntax_identifier).component(version);
  w_.element(e_.sender.id).component(e_.sender.qualifier);
  w_.element(e_.recipient.id).component(e_.recipient.qualifier);
  w_.element(e_.date).component(e_.time);
  w_.element(e_.control_reference);
  w_.element();  // S005 recipient's reference / password: never used here
  w_.element(e_.application_reference);
  w_.element();  // 0029 processing priority
  w_.element(e_.acknowledgement_request);
  w_.element();  // 0032 agreement identifier
  w_.element(e_.test ? "1" : "");
  end();
  if (e_.group) {
    const party& s = e_.group_sender.id.empty() ? e_.sender : e_.group_sender;
    const party& r = e_.group_recipient.id.empty() ? e_.recipient : e_.group_recipient;
    w_.begin("UNG").element(id.type);
    w_.element(s.id).component(s.qualifier);
    w_.element(r.id).component(r.qualifier);
    w_.element(e_.date).component(e_.time);
    w_.element(e_.group_reference);
    w_.element(id.agency);
    w_.element(id.version).component(id.release);
    end();
  }
  unh_at_ = w_.segments_written();
  reference_ = h.reference;
  w_.begin("UNH").element(h.reference);
  w_.element(id.type)
      .component(id.version)
      .component(id.release)
      .component(id.agency)
      .component(id.association);
  w_.element(h.common_access_reference);
  w_.element(h.sequence).component(h.first_last);
  end();
}

error_code interchange_writer::close() {
  // SYN-ENV-006: UNT counts UNH..UNT inclusive, hence the +1 for UNT itself.
  const std::uint32_t count = w_.segments_written() - unh_at_ + 1;
  w_.begin("UNT").element(std::to_string(count)).element(reference_);
  end();
  if (e_.group) {
    // SYN-ENV-009: one message per group.
    w_.begin("UNE").element("1").element(e_.group_reference);
    end();
  }
  // SYN-ENV-003/004: UNZ counts the group when there is one, otherwise the message.
  w_.begin("UNZ").element("1").element(e_.control_reference);
  end();
  return error_;
}

}  // namespace apipnr::responses::detail
