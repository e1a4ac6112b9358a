// Pass 2 of the EDIFACT parser (see parser_internal.hpp): the interchange envelope of ISO 9735
// (UNB, UNG, UNH, UNT, UNE, UNZ), as digested in STANDARDS.md §1.4, §1.5 and §4.4.
//
// Cost: a walk over the service segments that pass 1 listed (a 20k-traveller PAXLST: 5 of
// 240,016 segments); a run of user data segments between two of them costs one branch, and a
// look at its first segment when it strays outside a message. Only service segments
// (tag "UN?") are split into elements, into fixed-size arrays on the stack, so the pass
// allocates nothing per segment beyond the amortised growth of out.groups and out.messages
// (whose capacity survives interchange::clear()). Strings are built only for findings.
//
// Recovery: the walk never stops at a finding (except the message limit, which is fatal). A
// missing trailer closes its level where the next header or outer trailer appears, so one
// missing UNT does not turn every later message into an error. A run of user data segments
// outside every message is one finding (at its first segment), and so is everything after UNZ
// (data_after_interchange at the first segment after it; envelope segments there are also
// misplaced, because a second interchange in one buffer is a sender error of its own).
//
// Positions: offset and segment number of the segment concerned; message_segment (UNH = 1) for
// findings in or about a message; element/component (CONTRL 0098/0104) for element findings.
// A missing trailer is reported at the last segment of its level, the CONTRL convention for a
// missing segment (STANDARDS §4.2, UCS).
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "parser_internal.hpp"

namespace apipnr::edifact::detail {
namespace {

// The first N raw pieces of a value split on one separator, plus the total number of pieces,
// so that "more than defined" is detectable without storing the surplus.
template <std::size_t N>
struct pieces {
  std::array<std::string_view, N> item{};
  std::size_t count = 0;
  // Position of the last non-empty piece. Limits are checked against it, so that a trailing
  // separator ("UNT+3+1+'") is only the tokenizer's trailing_separator finding, not also a
  // surplus element.
  std::size_t used = 0;
  // 1-based; empty when absent.
  std::string_view operator[](std::size_t n) const noexcept {
    return (n >= 1 && n <= N && n <= count) ? item[n - 1] : std::string_view{};
  }
};

template <std::size_t N>
pieces<N> split(std::string_view raw, char separator, const delimiters& d) noexcept {
  pieces<N> p;
  field_splitter sp(raw, separator, d);
  std::string_view piece;
  while (sp.next(piece)) {
    if (p.count < N) p.item[p.count] = piece;
    ++p.count;
    if (!piece.empty()) p.used = p.count;
  }
  return p;
}

// UNB has the most elements (11); one more slot is not needed because only the count of the
// surplus matters.
constexpr std::size_t max_service_elements = 11;
// S009 in syntax version 4 has the most components (7).
constexpr std::size_t max_service_components = 7;

using elements = pieces<max_service_elements>;
using components = pieces<max_service_components>;

elements elements_of(const segment& s, const delimiters& d) noexcept {
  if (s.body().empty() || s.body().front() != d.element) return {};
  return split<max_service_elements>(s.body().substr(1), d.element, d);
}

bool all_digits(std::string_view v) noexcept {
  return std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Value of a string of digits; saturates instead of overflowing (a count of 10^18 segments can
// never match anyway).
std::uint64_t to_number(std::string_view digits) noexcept {
  std::uint64_t v = 0;
  for (const char c : digits) {
    if (v > 100'000'000'000'000'000ull) return UINT64_MAX;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return v;
}

// Syntax identifiers of ISO 9735 and IATA PADIS that this receiver supports (STANDARDS §1.3).
bool standard_syntax_identifier(std::string_view id) noexcept {
  if (id == "IATA" || id == "IATB") return true;
  if (id.size() != 4 || id.substr(0, 3) != "UNO") return false;
  const char level = id[3];
  return (level >= 'A' && level <= 'K') || level == 'W' || level == 'X' || level == 'Y';
}

enum class kind : std::uint8_t { an, n, a };

// Definition of one simple data element or component of a service segment.
struct field {
  std::string_view name;  // for the detail text, e.g. "S002/0004"
  std::uint16_t max_length;
  kind type;
  bool mandatory;
};

class envelope_checker {
 public:
  envelope_checker(const parse_options& opts, interchange& out, reporter& rep) noexcept
      : opts_(opts), out_(out), rep_(rep), d_(out.delims) {}

  // REQUIRES: check_envelope's contract on `service`.
  void run(std::span<const std::uint32_t> service);
  bool stopped() const noexcept { return stopped_; }

 private:
  // --- positions --------------------------------------------------------------------------
  // Position of segment i (index into out_.segments). message_segment is filled when i lies in
  // the open message.
  position at(std::size_t i, std::uint16_t element = 0, std::uint16_t component = 0) const;
  std::string tag_of(std::size_t i) const { return std::string(out_.segments[i].tag()); }

  // --- per segment --------------------------------------------------------------------------
  void on_data(std::size_t i);
  void on_service(std::size_t i);
  void on_unb(std::size_t i);
  void on_ung(std::size_t i);
  void on_unh(std::size_t i);
  void on_unt(std::size_t i);
  void on_une(std::size_t i);
  void on_unz(std::size_t i);
  void after_unz(std::size_t i);

  // Closes the open message / group without its trailer; `next` is the segment that showed it
  // (out_.segments.size() at the end of the input).
  void close_message_without_unt(std::size_t next);
  void close_group_without_une(std::size_t next);
  void finish_group(const group_view& g);
  void finish();

  // --- element checks -----------------------------------------------------------------------
  // Checks one value against its definition; false when it is absent or malformed (so that
  // callers skip comparisons that would only repeat the finding).
  bool check(std::string_view raw, const field& f, std::size_t i, std::uint16_t element,
             std::uint16_t component);
  void check_element_count(std::size_t i, std::size_t count, std::size_t max);
  // Splits element `n` of segment i into components and reports surplus components.
  components composite(const elements& e, std::size_t n, std::size_t max, std::size_t i);
  void check_date_time(const components& c, std::size_t i, std::uint16_t element);
  std::size_t length(std::string_view raw) const noexcept;
  bool limit_reached(std::size_t i);

  const parse_options& opts_;
  interchange& out_;
  reporter& rep_;
  const delimiters& d_;

  std::int32_t open_group_ = -1;    // index into out_.groups
  std::int32_t open_message_ = -1;  // index into out_.messages
  std::size_t unz_ = 0;             // index of UNZ when out_.closed
  bool after_unz_reported_ = false;
  bool outside_run_reported_ = false;  // one finding per run of stray data segments
  bool utf8_ = false;                  // UNOW/UNOY: lengths count characters, not bytes
  bool stopped_ = false;               // a fatal limit was hit
  std::string_view group_type_;        // 0065 of the first typed message of the open group
  bool group_mixed_reported_ = false;
  std::uint32_t ungrouped_messages_ = 0;
  std::size_t first_ungrouped_unh_ = 0;
};

position envelope_checker::at(std::size_t i, std::uint16_t element, std::uint16_t component) const {
  position p;
  if (i < out_.segments.size()) {
    const segment& s = out_.segments[i];
    p.offset = s.offset;
    p.segment = s.index;
  } else {
    p.offset = out_.text.size();
  }
  if (open_message_ >= 0) {
    const std::size_t unh = out_.messages[static_cast<std::size_t>(open_message_)].unh;
    if (i >= unh && i < out_.segments.size())
      p.message_segment = static_cast<std::uint32_t>(i - unh + 1);
  }
  p.element = element;
  p.component = component;
  return p;
}

std::size_t envelope_checker::length(std::string_view raw) const noexcept {
  std::size_t n = 0;
  for (std::size_t k = 0; k < raw.size(); ++k) {
    const auto c = static_cast<unsigned char>(raw[k]);
    if (d_.has_release && raw[k] == d_.release) ++k;  // the released character counts once
    if (utf8_ && (c & 0xC0u) == 0x80u) continue;      // UTF-8 continuation byte
    ++n;
  }
  return n;
}

bool envelope_checker::check(std::string_view raw, const field& f, std::size_t i,
                             std::uint16_t element, std::uint16_t component) {
  const std::string_view tag = out_.segments[i].tag();
  if (raw.empty()) {
    if (f.mandatory)
      rep_.report(errc::missing_mandatory_element, at(i, element, component),
                  std::string(tag) + " " + std::string(f.name) + " is missing");
    return false;
  }
  if (f.type == kind::n && !all_digits(raw)) {
    rep_.report(errc::invalid_numeric_value, at(i, element, component),
                std::string(tag) + " " + std::string(f.name) + " must be numeric, got '" +
                    std::string(raw) + "'");
    return false;
  }
  const std::size_t len = length(raw);
  if (len > f.max_length) {
    rep_.report(errc::element_too_long, at(i, element, component),
                std::string(tag) + " " + std::string(f.name) + " has " + std::to_string(len) +
                    " characters, at most " + std::to_string(f.max_length) + " allowed");
    return false;
  }
  return true;
}

void envelope_checker::check_element_count(std::size_t i, std::size_t count, std::size_t max) {
  if (count <= max) return;
  rep_.report(errc::too_many_elements, at(i, static_cast<std::uint16_t>(max + 1)),
              tag_of(i) + " has " + std::to_string(count) + " data elements, at most " +
                  std::to_string(max) + " are defined");
}

components envelope_checker::composite(const elements& e, std::size_t n, std::size_t max,
                                       std::size_t i) {
  components c = split<max_service_components>(e[n], d_.component, d_);
  if (c.used > max)
    rep_.report(errc::too_many_elements,
                at(i, static_cast<std::uint16_t>(n), static_cast<std::uint16_t>(max + 1)),
                tag_of(i) + " element " + std::to_string(n) + " has " + std::to_string(c.used) +
                    " components, at most " + std::to_string(max) + " are defined");
  return c;
}

void envelope_checker::check_date_time(const components& c, std::size_t i, std::uint16_t element) {
  // S004: 0017 date YYMMDD (v4 also CCYYMMDD), 0019 time HHMM.
  const std::string_view date = c[1];
  if (check(date, {"S004/0017", 8, kind::n, true}, i, element, 1) && date.size() != 6 &&
      date.size() != 8)
    rep_.report(errc::invalid_element_value, at(i, element, 1),
                tag_of(i) + " S004/0017 date must have 6 (YYMMDD) or 8 (CCYYMMDD) digits, got '" +
                    std::string(date) + "'");
  const std::string_view time = c[2];
  if (check(time, {"S004/0019", 4, kind::n, true}, i, element, 2) && time.size() != 4)
    rep_.report(
        errc::invalid_element_value, at(i, element, 2),
        tag_of(i) + " S004/0019 time must have 4 digits (HHMM), got '" + std::string(time) + "'");
}

bool envelope_checker::limit_reached(std::size_t i) {
  if (out_.groups.size() + out_.messages.size() < opts_.limits.max_messages) return false;
  (void)rep_.fatal(errc::limit_message_count, at(i),
                   "more than " + std::to_string(opts_.limits.max_messages) +
                       " messages and groups in one interchange");
  stopped_ = true;
  return true;
}

// ---------------------------------------------------------------------------------------------

void envelope_checker::run(std::span<const std::uint32_t> service) {
  const std::size_t n = out_.segments.size();
  if (n == 0) {
    rep_.report(errc::missing_unb, position{}, "no segment at all");
    return;
  }
  if (out_.segments[0].tag() != "UNB")
    rep_.report(errc::missing_unb, at(0),
                "the interchange starts with " + tag_of(0) + " instead of UNB");
  // User data inside a message needs nothing from this pass, so only the service segments are
  // visited. A run of user data segments between two of them matters only outside a message
  // or after UNZ, and then only its first segment: on_data() changes neither of those states,
  // and for the rest of the run it would only find its one-per-run finding already made. So
  // the findings and their order are those of a visit to every segment.
  std::size_t next = 0;  // the first segment not yet visited
  for (const std::uint32_t s : service) {
    if (stopped_) return;
    if (s > next && (open_message_ < 0 || out_.closed)) on_data(next);
    on_service(s);
    next = s + std::size_t{1};
  }
  if (stopped_) return;
  if (n > next && (open_message_ < 0 || out_.closed)) on_data(next);
  finish();
}

void envelope_checker::on_data(std::size_t i) {
  if (out_.closed) {
    after_unz(i);
    return;
  }
  if (outside_run_reported_) return;
  outside_run_reported_ = true;
  rep_.report(errc::segment_outside_message, at(i), tag_of(i) + " is not between UNH and UNT");
}

void envelope_checker::after_unz(std::size_t i) {
  if (after_unz_reported_) return;
  after_unz_reported_ = true;
  rep_.report(errc::data_after_interchange, at(i),
              tag_of(i) + " follows the interchange trailer UNZ (segment " +
                  std::to_string(out_.segments[unz_].index) + ")");
}

void envelope_checker::on_service(std::size_t i) {
  const std::string_view tag = out_.segments[i].tag();
  if (tag == "UNS") {  // section control: a data segment of the message as far as nesting goes
    if (open_message_ < 0 || out_.closed) on_data(i);
    return;
  }
  if (tag == "UNA") return;  // a misplaced UNA is the tokenizer's finding (una_misplaced)
  outside_run_reported_ = false;
  const bool envelope =
      tag == "UNB" || tag == "UNG" || tag == "UNH" || tag == "UNT" || tag == "UNE" || tag == "UNZ";
  if (out_.closed) {
    after_unz(i);
    if (envelope) rep_.report(errc::misplaced_service_segment, at(i), tag_of(i) + " after UNZ");
    return;
  }
  if (!envelope) {
    // A malformed tag ("UN", "UNx") is the tokenizer's invalid_segment_tag; only a well-formed
    // tag is an unknown service segment.
    const char last = tag.size() == 3 ? tag[2] : '\0';
    if ((last >= 'A' && last <= 'Z') || (last >= '0' && last <= '9'))
      rep_.report(errc::unknown_service_segment, at(i),
                  tag_of(i) + " is not a service segment of ISO 9735");
    else if (open_message_ < 0)
      on_data(i);
    return;
  }
  switch (tag[2]) {
    case 'B':
      on_unb(i);
      break;
    case 'G':
      on_ung(i);
      break;
    case 'H':
      on_unh(i);
      break;
    case 'T':
      on_unt(i);
      break;
    case 'E':
      on_une(i);
      break;
    default:
      on_unz(i);
      break;
  }
}

void envelope_checker::on_unb(std::size_t i) {
  if (i != 0) {
    rep_.report(errc::misplaced_service_segment, at(i),
                "UNB is allowed only as the first segment of the interchange");
    return;
  }
  const segment& s = out_.segments[i];
  const elements e = elements_of(s, d_);
  check_element_count(i, e.used, 11);

  // S001: syntax identifier and version. The identifier fixes how lengths are counted below.
  const components s001 = composite(e, 1, 4, i);
  out_.syntax_identifier = s001[1];
  utf8_ = s001[1] == "UNOW" || s001[1] == "UNOY";
  if (s001[1].empty()) {
    rep_.report(errc::missing_mandatory_element, at(i, 1, 1), "UNB S001/0001 is missing");
  } else if (!standard_syntax_identifier(s001[1]) &&
             std::find(opts_.extra_syntax_identifiers.begin(), opts_.extra_syntax_identifiers.end(),
                       s001[1]) == opts_.extra_syntax_identifiers.end()) {
    rep_.report(errc::unsupported_syntax_identifier, at(i, 1, 1),
                "syntax identifier '" + std::string(s001[1]) + "' is not supported");
  }
  const std::string_view version = s001[2];
  if (version.empty()) {
    rep_.report(errc::missing_mandatory_element, at(i, 1, 2), "UNB S001/0002 is missing");
  } else if (!all_digits(version) || version.size() > 9) {
    rep_.report(errc::unsupported_syntax_version, at(i, 1, 2),
                "syntax version '" + std::string(version) + "' is not a number from 1 to 4");
  } else {
    out_.syntax_version = static_cast<int>(to_number(version));
    if (out_.syntax_version < 1 || out_.syntax_version > 4)
      rep_.report(errc::unsupported_syntax_version, at(i, 1, 2),
                  "syntax version " + std::string(version) + " is not 1 to 4");
  }
  check(s001[3], {"S001/0080", 6, kind::an, false}, i, 1, 3);
  check(s001[4], {"S001/0133", 3, kind::an, false}, i, 1, 4);

  // S002 / S003 are split on the component separator only: a '*' inside (US "APIS*ABE") is part
  // of the identification even when '*' is the v4 repetition separator (STANDARDS §1.6).
  const components s002 = composite(e, 2, 5, i);
  out_.sender = s002[1];
  out_.sender_qualifier = s002[2];
  out_.sender_routing = s002[3];
  check(s002[1], {"S002/0004", 35, kind::an, true}, i, 2, 1);
  check(s002[2], {"S002/0007", 4, kind::an, false}, i, 2, 2);
  check(s002[3], {"S002/0008", 14, kind::an, false}, i, 2, 3);
  check(s002[4], {"S002/0042", 35, kind::an, false}, i, 2, 4);
  check(s002[5], {"S002/0046", 35, kind::an, false}, i, 2, 5);

  const components s003 = composite(e, 3, 5, i);
  out_.recipient = s003[1];
  out_.recipient_qualifier = s003[2];
  out_.recipient_routing = s003[3];
  check(s003[1], {"S003/0010", 35, kind::an, true}, i, 3, 1);
  check(s003[2], {"S003/0007", 4, kind::an, false}, i, 3, 2);
  check(s003[3], {"S003/0014", 14, kind::an, false}, i, 3, 3);
  check(s003[4], {"S003/0046", 35, kind::an, false}, i, 3, 4);
  check(s003[5], {"S003/0044", 35, kind::an, false}, i, 3, 5);

  const components s004 = composite(e, 4, 2, i);
  out_.date = s004[1];
  out_.time = s004[2];
  check_date_time(s004, i, 4);

  out_.control_reference = e[5];
  check(e[5], {"0020", 14, kind::an, true}, i, 5, 0);

  const components s005 = composite(e, 6, 2, i);
  check(s005[1], {"S005/0022", 14, kind::an, false}, i, 6, 1);
  check(s005[2], {"S005/0025", 2, kind::an, false}, i, 6, 2);

  out_.application_reference = e[7];
  check(e[7], {"0026", 14, kind::an, false}, i, 7, 0);
  check(e[8], {"0029", 1, kind::an, false}, i, 8, 0);
  out_.acknowledgement_request = e[9];
  check(e[9], {"0031", 1, kind::n, false}, i, 9, 0);
  check(e[10], {"0032", 35, kind::an, false}, i, 10, 0);
  out_.test_indicator = e[11];
  check(e[11], {"0035", 1, kind::n, false}, i, 11, 0);
}

void envelope_checker::on_ung(std::size_t i) {
  if (open_message_ >= 0) close_message_without_unt(i);
  if (open_group_ >= 0) close_group_without_une(i);
  if (limit_reached(i)) return;

  const segment& s = out_.segments[i];
  const elements e = elements_of(s, d_);
  check_element_count(i, e.used, 8);
  // ISO 9735 v4 made everything but 0048 conditional; versions 1 to 3 require elements 1-7.
  const bool v3 = out_.syntax_version >= 1 && out_.syntax_version <= 3;

  group_view g;
  g.ung = static_cast<std::uint32_t>(i);
  g.une = g.ung;
  g.first_message = static_cast<std::uint32_t>(out_.messages.size());
  g.message_group = e[1];
  check(e[1], {"0038", 6, kind::an, v3}, i, 1, 0);
  const components s006 = composite(e, 2, 2, i);
  g.sender = s006[1];
  check(s006[1], {"S006/0040", 35, kind::an, v3}, i, 2, 1);
  check(s006[2], {"S006/0007", 4, kind::an, false}, i, 2, 2);
  const components s007 = composite(e, 3, 2, i);
  g.recipient = s007[1];
  check(s007[1], {"S007/0044", 35, kind::an, v3}, i, 3, 1);
  check(s007[2], {"S007/0007", 4, kind::an, false}, i, 3, 2);
  const components s004 = composite(e, 4, 2, i);
  if (v3 || !e[4].empty()) check_date_time(s004, i, 4);
  g.reference = e[5];
  check(e[5], {"0048", 14, kind::an, true}, i, 5, 0);
  g.agency = e[6];
  check(e[6], {"0051", 3, kind::an, v3}, i, 6, 0);
  const components s008 = composite(e, 7, 3, i);
  g.version = s008[1];
  g.release = s008[2];
  check(s008[1], {"S008/0052", 3, kind::an, v3}, i, 7, 1);
  check(s008[2], {"S008/0054", 3, kind::an, v3}, i, 7, 2);
  check(s008[3], {"S008/0057", 6, kind::an, false}, i, 7, 3);
  check(e[8], {"0058", 14, kind::an, false}, i, 8, 0);

  out_.groups.push_back(g);
  group_type_ = {};
  group_mixed_reported_ = false;
  open_group_ = static_cast<std::int32_t>(out_.groups.size() - 1);
}

void envelope_checker::on_unh(std::size_t i) {
  if (open_message_ >= 0) close_message_without_unt(i);
  if (limit_reached(i)) return;

  const segment& s = out_.segments[i];
  const elements e = elements_of(s, d_);
  message_view m;
  m.unh = static_cast<std::uint32_t>(i);
  m.unt = m.unh;
  m.group = open_group_;
  m.reference = e[1];
  out_.messages.push_back(m);
  open_message_ = static_cast<std::int32_t>(out_.messages.size() - 1);
  message_view& msg = out_.messages.back();

  // S016..S018 exist from syntax version 4 on; an unknown version gets the benefit of the doubt.
  const bool v4 = out_.syntax_version == 0 || out_.syntax_version >= 4;
  check_element_count(i, e.used, v4 ? 7 : 4);
  check(e[1], {"0062", 14, kind::an, true}, i, 1, 0);
  const components s009 = composite(e, 2, v4 ? 7 : 5, i);
  msg.type = s009[1];
  msg.version = s009[2];
  msg.release = s009[3];
  msg.agency = s009[4];
  msg.association = s009[5];
  const bool has_type = check(s009[1], {"S009/0065", 6, kind::an, true}, i, 2, 1);
  check(s009[2], {"S009/0052", 3, kind::an, true}, i, 2, 2);
  check(s009[3], {"S009/0054", 3, kind::an, true}, i, 2, 3);
  check(s009[4], {"S009/0051", 3, kind::an, true}, i, 2, 4);
  check(s009[5], {"S009/0057", 6, kind::an, false}, i, 2, 5);
  check(s009[6], {"S009/0110", 6, kind::an, false}, i, 2, 6);
  check(s009[7], {"S009/0113", 6, kind::an, false}, i, 2, 7);
  msg.common_access_reference = e[3];
  check(e[3], {"0068", 35, kind::an, false}, i, 3, 0);
  const components s010 = composite(e, 4, 2, i);
  msg.sequence = s010[1];
  msg.first_last = s010[2];
  if (!e[4].empty()) {
    check(s010[1], {"S010/0070", 2, kind::n, true}, i, 4, 1);
    if (check(s010[2], {"S010/0073", 1, kind::a, false}, i, 4, 2) && s010[2] != "C" &&
        s010[2] != "F")
      rep_.report(errc::invalid_element_value, at(i, 4, 2),
                  "UNH S010/0073 must be C or F, got '" + std::string(s010[2]) + "'");
  }

  if (open_group_ < 0) {
    if (ungrouped_messages_++ == 0) first_ungrouped_unh_ = i;
    return;
  }
  group_view& g = out_.groups[static_cast<std::size_t>(open_group_)];
  ++g.message_count;
  if (!has_type) return;
  if (!g.message_group.empty() && g.message_group != msg.type)
    rep_.report(errc::group_type_mismatch, at(i, 2, 1),
                "UNH message type " + std::string(msg.type) + " differs from UNG 0038 " +
                    std::string(g.message_group));
  // A group holds one message type: compare with the first message that has one. Report only
  // the first stranger per group.
  if (group_type_.empty()) {
    group_type_ = msg.type;
  } else if (msg.type != group_type_ && !group_mixed_reported_) {
    group_mixed_reported_ = true;
    rep_.report(errc::mixed_message_types_in_group, at(i, 2, 1),
                "message type " + std::string(msg.type) + " in a group that started with " +
                    std::string(group_type_));
  }
}

void envelope_checker::on_unt(std::size_t i) {
  if (open_message_ < 0) {
    rep_.report(errc::misplaced_service_segment, at(i), "UNT without an open UNH");
    return;
  }
  message_view& m = out_.messages[static_cast<std::size_t>(open_message_)];
  m.unt = static_cast<std::uint32_t>(i);
  m.closed = true;

  const elements e = elements_of(out_.segments[i], d_);
  check_element_count(i, e.used, 2);
  const bool v4 = out_.syntax_version == 0 || out_.syntax_version >= 4;
  const components count = composite(e, 1, 1, i);
  if (check(count[1], {"0074", static_cast<std::uint16_t>(v4 ? 10 : 6), kind::n, true}, i, 1, 0)) {
    const std::uint64_t declared = to_number(count[1]);
    if (declared != m.segment_count())
      rep_.report(errc::unt_count_mismatch, at(i, 1),
                  "UNT 0074 is " + std::string(count[1]) + " but the message has " +
                      std::to_string(m.segment_count()) + " segments (UNH to UNT)");
  }
  const components ref = composite(e, 2, 1, i);
  if (check(ref[1], {"0062", 14, kind::an, true}, i, 2, 0) && !m.reference.empty() &&
      ref[1] != m.reference)
    rep_.report(errc::unt_reference_mismatch, at(i, 2),
                "UNT 0062 '" + std::string(ref[1]) + "' differs from UNH 0062 '" +
                    std::string(m.reference) + "'");
  open_message_ = -1;
}

void envelope_checker::on_une(std::size_t i) {
  if (open_message_ >= 0) close_message_without_unt(i);
  if (open_group_ < 0) {
    rep_.report(errc::misplaced_service_segment, at(i), "UNE without an open UNG");
    return;
  }
  group_view& g = out_.groups[static_cast<std::size_t>(open_group_)];
  g.une = static_cast<std::uint32_t>(i);
  g.closed = true;

  const elements e = elements_of(out_.segments[i], d_);
  check_element_count(i, e.used, 2);
  const components count = composite(e, 1, 1, i);
  if (check(count[1], {"0060", 6, kind::n, true}, i, 1, 0) &&
      to_number(count[1]) != g.message_count)
    rep_.report(errc::une_count_mismatch, at(i, 1),
                "UNE 0060 is " + std::string(count[1]) + " but the group has " +
                    std::to_string(g.message_count) + " messages");
  const components ref = composite(e, 2, 1, i);
  if (check(ref[1], {"0048", 14, kind::an, true}, i, 2, 0) && !g.reference.empty() &&
      ref[1] != g.reference)
    rep_.report(errc::une_reference_mismatch, at(i, 2),
                "UNE 0048 '" + std::string(ref[1]) + "' differs from UNG 0048 '" +
                    std::string(g.reference) + "'");
  finish_group(g);
  open_group_ = -1;
}

void envelope_checker::on_unz(std::size_t i) {
  if (open_message_ >= 0) close_message_without_unt(i);
  if (open_group_ >= 0) close_group_without_une(i);
  out_.closed = true;
  unz_ = i;

  const elements e = elements_of(out_.segments[i], d_);
  check_element_count(i, e.used, 2);
  const components count = composite(e, 1, 1, i);
  if (check(count[1], {"0036", 6, kind::n, true}, i, 1, 0)) {
    const std::uint64_t declared = to_number(count[1]);
    const bool grouped = !out_.groups.empty();
    const std::size_t expected = grouped ? out_.groups.size() : out_.messages.size();
    if (declared != expected) {
      std::string detail = "UNZ 0036 is " + std::string(count[1]) + " but the interchange has " +
                           std::to_string(expected) +
                           (grouped ? " functional groups" : " messages");
      if (grouped && declared == out_.messages.size())
        detail += "; it counts the messages, but with UNG present UNZ must count the groups";
      rep_.report(errc::unz_count_mismatch, at(i, 1), std::move(detail));
    }
  }
  const components ref = composite(e, 2, 1, i);
  if (check(ref[1], {"0020", 14, kind::an, true}, i, 2, 0) && !out_.control_reference.empty() &&
      ref[1] != out_.control_reference)
    rep_.report(errc::unz_reference_mismatch, at(i, 2),
                "UNZ 0020 '" + std::string(ref[1]) + "' differs from UNB 0020 '" +
                    std::string(out_.control_reference) + "'");
}

void envelope_checker::close_message_without_unt(std::size_t next) {
  message_view& m = out_.messages[static_cast<std::size_t>(open_message_)];
  // CONTRL convention for a missing segment: the position of the last segment processed before
  // the place where it was expected (STANDARDS §4.2, UCS).
  const std::size_t last = next - 1;
  m.unt = static_cast<std::uint32_t>(last);
  const std::string seen =
      next < out_.segments.size() ? tag_of(next) + " arrived" : "the input ended";
  rep_.report(errc::missing_unt, at(last),
              "message '" + std::string(m.reference) + "' is not closed by UNT: " + seen +
                  " while it was open");
  open_message_ = -1;
}

void envelope_checker::close_group_without_une(std::size_t next) {
  group_view& g = out_.groups[static_cast<std::size_t>(open_group_)];
  const std::string seen =
      next < out_.segments.size() ? tag_of(next) + " arrived" : "the input ended";
  rep_.report(errc::missing_une, at(next - 1),
              "group '" + std::string(g.reference) + "' is not closed by UNE: " + seen +
                  " while it was open");
  finish_group(g);
  open_group_ = -1;
}

void envelope_checker::finish_group(const group_view& g) {
  if (g.message_count == 0)
    rep_.report(errc::empty_group, at(g.ung),
                "group '" + std::string(g.reference) + "' holds no message");
}

void envelope_checker::finish() {
  const std::size_t n = out_.segments.size();
  if (open_message_ >= 0) close_message_without_unt(n);
  if (open_group_ >= 0) close_group_without_une(n);
  if (!out_.closed)
    rep_.report(errc::missing_unz, at(n - 1),
                "the input ends after " + tag_of(n - 1) + " without UNZ (truncated interchange)");
  if (ungrouped_messages_ > 0 && !out_.groups.empty())
    rep_.report(errc::groups_and_messages_mixed, at(first_ungrouped_unh_),
                std::to_string(ungrouped_messages_) + " messages outside the " +
                    std::to_string(out_.groups.size()) + " functional groups");
  if (out_.messages.empty() && out_.groups.empty())
    rep_.report(errc::empty_interchange, at(out_.closed ? unz_ : n - 1),
                "the interchange holds neither a message nor a functional group");
}

}  // namespace

boost::system::error_code check_envelope(const parse_options& opts, interchange& out, reporter& rep,
                                         std::span<const std::uint32_t> service) {
  envelope_checker checker(opts, out, rep);
  checker.run(service);
  return checker.stopped() ? make_error_code(errc::limit_message_count)
                           : boost::system::error_code{};
}

boost::system::error_code check_envelope(const parse_options& opts, interchange& out,
                                         reporter& rep) {
  std::vector<std::uint32_t> service;
  for (std::size_t i = 0; i < out.segments.size(); ++i)
    if (is_service_tag(out.segments[i].tag())) service.push_back(static_cast<std::uint32_t>(i));
  return check_envelope(opts, out, rep, service);
}

}  // namespace apipnr::edifact::detail
