#include "apipnr/responses/cusres.hpp"

#include <algorithm>
#include <array>

#include "envelope_internal.hpp"

namespace apipnr::responses {
namespace {

using boost::system::error_code;
using detail::value_checker;

// Lengths from UNTDID D05B: C506/1154 an..70, 0068 an..35, S010/0070 an..2, 3225 an..35,
// 2380 an..35, 1153 an..3, C108/4440 an..512 (five of them).
constexpr std::size_t max_reference = 70;
constexpr std::size_t max_text_component = 512;
constexpr std::size_t max_text_components = 5;
constexpr std::size_t max_erp_groups = 99;  // API-CUSRES-STR-003

constexpr std::array<std::string_view, 4> directive_codes{"0Z", "1Z", "2Z", "4Z"};

bool valid_document(cusres_document d) noexcept {
  return d == cusres_document::response || d == cusres_document::unsolicited_status ||
         d == cusres_document::carrier_acknowledgement;
}

// The value travels in ERC 9321 an..8 and must be a code, not free text.
bool valid_code(std::string_view c) noexcept { return c.size() <= 8 && detail::is_alphanumeric(c); }

error_code check_text(const value_checker& v, std::string_view text) {
  if (error_code ec = v.check(text, max_text_component * max_text_components))
    return ec == errc::value_too_long ? make_error_code(errc::cusres_text_too_long) : ec;
  return {};
}

error_code check_date(std::string_view value, std::string_view format, const value_checker& v) {
  if (value.empty()) return {};
  if (format == "201")
    return detail::is_digits(value, 10) ? error_code{} : errc::cusres_invalid_flight;
  if (format == "203")
    return detail::is_digits(value, 12) ? error_code{} : errc::cusres_invalid_flight;
  if (!detail::is_alphanumeric(format) || format.size() > 3) return errc::cusres_invalid_flight;
  return v.check(value, 35);
}

error_code check_flight(const flight_echo& f, const value_checker& v) {
  if (f.flight.empty() || f.departure_airport.empty() || f.arrival_airport.empty())
    return errc::cusres_invalid_flight;
  if (error_code ec = v.check(f.flight, max_reference)) return ec;
  if (error_code ec = check_date(f.departure, f.date_format, v)) return ec;
  if (error_code ec = check_date(f.arrival, f.date_format, v)) return ec;
  if (error_code ec = v.check(f.departure_airport, 35)) return ec;
  return v.check(f.arrival_airport, 35);
}

bool known_directive(std::string_view c, const cusres_options& opts) noexcept {
  return std::find(directive_codes.begin(), directive_codes.end(), c) != directive_codes.end() ||
         std::find(opts.extra_directives.begin(), opts.extra_directives.end(), c) !=
             opts.extra_directives.end();
}

error_code check_passenger(const passenger_result& p, const value_checker& v,
                           const cusres_options& opts) {
  // API-CUSRES-ERP-003: AVF and ABO echo the request; ABO keys the answer (API-IAPI-FLOW-002).
  if (error_code ec = v.check_required(p.passenger_reference, max_reference,
                                       errc::cusres_missing_passenger_reference))
    return ec;
  if (error_code ec = v.check(p.booking_reference, max_reference)) return ec;
  if (p.extra) {
    const std::string& q = p.extra->qualifier;
    if (q.empty() || q.size() > 3 || !detail::is_alphanumeric(q) || q == "AVF" || q == "ABO")
      return errc::cusres_invalid_reference;
    if (error_code ec = v.check(p.extra->value, max_reference)) return ec;
  }
  // API-CUSRES-ERC-002 / ERC-006: 0Z 1Z 2Z 4Z plus the profile's own codes.
  if (!valid_code(p.directive_code) || !known_directive(p.directive_code, opts))
    return errc::cusres_unknown_directive;
  return check_text(v, p.text);
}

// FTX+AAP+++<text>: the text is cut into C108 components of 512 characters.
void write_ftx(detail::interchange_writer& iw, const value_checker& v, std::string_view text) {
  edifact::writer& w = iw.segments();
  w.begin("FTX").element("AAP").element().element();
  std::size_t n = v.prefix_bytes(text, max_text_component);
  w.element(text.substr(0, n));
  text.remove_prefix(n);
  while (!text.empty()) {
    n = v.prefix_bytes(text, max_text_component);
    w.component(text.substr(0, n));
    text.remove_prefix(n);
  }
  iw.end();
}

void write_erc(detail::interchange_writer& iw, std::string_view code) {
  iw.segments().begin("ERC").element(code);
  iw.end();
}

void write_rff(detail::interchange_writer& iw, std::string_view qualifier, std::string_view value) {
  iw.segments().begin("RFF").element(qualifier).component(value);
  iw.end();
}

}  // namespace

std::string_view code(directive d) noexcept {
  return directive_codes[static_cast<std::size_t>(d) < directive_codes.size()
                             ? static_cast<std::size_t>(d)
                             : 0];
}

std::optional<directive> parse_directive(std::string_view c) noexcept {
  for (std::size_t i = 0; i < directive_codes.size(); ++i)
    if (directive_codes[i] == c) return static_cast<directive>(i);
  return std::nullopt;
}

error_code validate(const cusres_response& r, const cusres_options& opts) {
  if (error_code ec = detail::check_envelope(r.env)) return ec;
  const value_checker v(detail::charset_of(r.env.syntax_identifier), r.env.delims);
  if (!valid_document(r.document)) return errc::cusres_invalid_document;

  const request_echo& q = r.request;
  if (error_code ec =
          v.check_required(q.message_reference, 14, errc::cusres_missing_message_reference))
    return ec;
  if (error_code ec = v.check(q.common_access_reference, 35)) return ec;
  if (error_code ec = v.check(q.sequence, 2)) return ec;
  if (!q.first_last.empty() && q.first_last != "C" && q.first_last != "F")
    return errc::invalid_character;
  // API-CUSRES-RFF-001: a 962 answers a request and echoes its transaction reference.
  if (r.document == cusres_document::response && q.transaction_reference.empty())
    return errc::cusres_missing_transaction_reference;
  if (error_code ec = v.check(q.transaction_reference, max_reference)) return ec;

  if (r.flight)
    if (error_code ec = check_flight(*r.flight, v)) return ec;

  const std::size_t groups = r.passengers.size() + (r.header ? 1 : 0);
  if (groups == 0) return errc::cusres_no_result;
  if (groups > std::min(opts.max_result_groups, max_erp_groups))
    return errc::cusres_too_many_results;
  if (r.header) {
    if (!valid_code(r.header->code)) return errc::cusres_invalid_header_code;
    if (error_code ec = check_text(v, r.header->text)) return ec;
  }
  for (const passenger_result& p : r.passengers)
    if (error_code ec = check_passenger(p, v, opts)) return ec;
  return {};
}

error_code write_cusres(const cusres_response& r, std::string& out, const cusres_options& opts) {
  if (error_code ec = validate(r, opts)) return ec;
  const std::size_t rollback = out.size();
  const value_checker v(detail::charset_of(r.env.syntax_identifier), r.env.delims);
  detail::interchange_writer iw(out, r.env);
  edifact::writer& w = iw.segments();

  // API-CUSRES-STR-001 identifier; API-IAPI-FLOW-005 echo of 0062 and 0068.
  iw.open({"CUSRES", "D", "05B", "UN", "IATA"},
          {r.request.message_reference, r.request.common_access_reference, r.request.sequence,
           r.request.first_last});
  w.begin("BGM").element(std::to_string(static_cast<unsigned>(r.document)));
  iw.end();
  if (!r.request.transaction_reference.empty())
    write_rff(iw, "TN", r.request.transaction_reference);  // API-CUSRES-RFF-001
  if (r.flight) {
    // API-CUSRES-RFF-002: flight, then its dates, then its airports.
    const flight_echo& f = *r.flight;
    write_rff(iw, "AF", f.flight);
    if (!f.departure.empty()) {
      w.begin("DTM").element("189").component(f.departure).component(f.date_format);
      iw.end();
    }
    if (!f.arrival.empty()) {
      w.begin("DTM").element("232").component(f.arrival).component(f.date_format);
      iw.end();
    }
    w.begin("LOC").element("125").element(f.departure_airport);
    iw.end();
    w.begin("LOC").element("87").element(f.arrival_airport);
    iw.end();
  }
  if (r.header) {
    // API-CUSRES-ERP-002: ERP+1 is the whole-message result.
    w.begin("ERP").element("1");
    iw.end();
    write_erc(iw, r.header->code);
    if (!r.header->text.empty()) write_ftx(iw, v, r.header->text);
  }
  for (const passenger_result& p : r.passengers) {
    // API-CUSRES-ERP-001/003: one ERP+2 per passenger, keyed by the echoed AVF/ABO.
    w.begin("ERP").element("2");
    iw.end();
    write_rff(iw, "AVF", p.booking_reference);
    write_rff(iw, "ABO", p.passenger_reference);
    if (p.extra) write_rff(iw, p.extra->qualifier, p.extra->value);
    write_erc(iw, p.directive_code);                // API-CUSRES-ERC-001: exactly one ERC per group
    if (!p.text.empty()) write_ftx(iw, v, p.text);  // API-CUSRES-FTX-001
  }
  if (error_code ec = iw.close()) {
    out.resize(rollback);
    return ec;
  }
  return {};
}

boost::system::result<std::string> write_cusres(const cusres_response& r,
                                                const cusres_options& opts) {
  // Sized up front: growing from empty through the segments cost about a third of writing a
  // one-passenger answer (docs/PERFORMANCE.md, session 7). A CUSRES is its envelope and
  // references (a few hundred bytes) and one ERP group per passenger; a bad guess only costs
  // a reallocation.
  std::string out;
  std::size_t size = 384 + r.request.transaction_reference.size();
  if (r.header) size += 48 + r.header->text.size();
  for (const passenger_result& p : r.passengers) {
    size += 64 + p.passenger_reference.size() + p.booking_reference.size() + p.text.size();
  }
  out.reserve(size);
  if (error_code ec = write_cusres(r, out, opts)) return ec;
  return out;
}

}  // namespace apipnr::responses
