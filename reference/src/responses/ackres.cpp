#include "apipnr/responses/ackres.hpp"

#include <algorithm>

#include "envelope_internal.hpp"

namespace apipnr::responses {
namespace {

using boost::system::error_code;
using detail::value_checker;

constexpr std::size_t max_error_groups = 99;   // specs/messages/ackres.json SG1 max
constexpr std::size_t max_ift_per_group = 9;   // specs/messages/ackres.json IFT max
constexpr std::size_t max_text_elements = 99;  // IFT 4440 repeats (STANDARDS.md §3.3)

bool short_code(std::string_view c, std::size_t max) noexcept {
  return c.size() <= max && detail::is_alphanumeric(c);
}

bool optional_code(std::string_view c, std::size_t max) noexcept {
  return c.empty() || short_code(c, max);
}

std::string_view function_of(const ackres_message& m, const ackres_template& t) noexcept {
  return t.function_mode == ack_function_mode::echo ? std::string_view(m.acknowledged_function)
                                                    : std::string_view(t.fixed_function);
}

std::size_t element_length(const ackres_template& t) noexcept {
  return t.text_element_length == 0 ? 1 : t.text_element_length;
}

}  // namespace

envelope pnrgov_envelope() {
  envelope e;
  e.syntax_identifier = "IATA";
  e.syntax_version = 1;
  e.write_una = true;
  e.group = true;
  return e;
}

error_code validate(const ackres_message& m, const ackres_template& t) {
  if (error_code ec = detail::check_envelope(m.env)) return ec;
  const value_checker v(detail::charset_of(m.env.syntax_identifier), m.env.delims);
  // PNR-ACK-002 [U]: ACKRES:<version>:<release>:IA.
  if (!short_code(t.version, 3) || !short_code(t.release, 3) || !short_code(t.agency, 3))
    return errc::ackres_invalid_identifier;
  if (error_code ec = v.check_required(m.message_reference, 14, errc::ackres_missing_reference))
    return ec;
  if (t.echo_common_access_reference)
    if (error_code ec = v.check(m.common_access_reference, 35)) return ec;
  // PNR-ACK-003 [U]: MSG carries the (echoed or fixed) function code, an..3.
  const std::string_view fn = function_of(m, t);
  if (fn.empty()) return errc::ackres_missing_function;
  if (!short_code(fn, 3) || !optional_code(t.business_function, 3))
    return errc::ackres_missing_function;
  if (!optional_code(t.response_type_accepted, 3) || !optional_code(t.response_type_rejected, 3))
    return errc::invalid_character;
  if (!short_code(t.text_qualifier, 3) || !optional_code(t.text_information_type, 3))
    return errc::invalid_character;

  // PNR-ACK-004 [U]: a repeating ERC (+ IFT) group, bounded.
  if (m.errors.size() > std::min(t.max_errors, max_error_groups))
    return errc::ackres_too_many_errors;
  const std::size_t per_element = element_length(t);
  for (const ackres_error& e : m.errors) {
    // PNR-ACK-005: application codes in ERC C901/9321 (an..8).
    if (!short_code(e.code, 8)) return errc::ackres_invalid_error_code;
    if (e.texts.size() > std::min(t.max_texts_per_error, max_ift_per_group))
      return errc::ackres_too_many_texts;
    for (const std::string& text : e.texts) {
      if (error_code ec = v.check(text, per_element * max_text_elements))
        return ec == errc::value_too_long ? make_error_code(errc::ackres_too_many_texts) : ec;
    }
  }
  return {};
}

error_code write_ackres(const ackres_message& m, std::string& out, const ackres_template& t) {
  if (error_code ec = validate(m, t)) return ec;
  const std::size_t rollback = out.size();
  const value_checker v(detail::charset_of(m.env.syntax_identifier), m.env.delims);
  detail::interchange_writer iw(out, m.env);
  edifact::writer& w = iw.segments();

  const std::string_view car =
      t.echo_common_access_reference ? std::string_view(m.common_access_reference) : "";
  iw.open({"ACKRES", t.version, t.release, t.agency, ""}, {m.message_reference, car, "", ""});

  // PNR-ACK-003 [U]: MSG+<4025>:<1225>[+<4343>].
  const std::string& response =
      m.errors.empty() ? t.response_type_accepted : t.response_type_rejected;
  w.begin("MSG").element(t.business_function).component(function_of(m, t)).element(response);
  iw.end();

  const std::size_t per_element = element_length(t);
  for (const ackres_error& e : m.errors) {
    w.begin("ERC").element(e.code);  // PNR-ACK-005
    iw.end();
    for (std::string_view text : e.texts) {
      w.begin("IFT").element(t.text_qualifier).component(t.text_information_type);
      if (text.empty()) w.element();
      while (!text.empty()) {
        const std::size_t n = v.prefix_bytes(text, per_element);
        w.element(text.substr(0, n));
        text.remove_prefix(n);
      }
      iw.end();
    }
  }
  if (error_code ec = iw.close()) {
    out.resize(rollback);
    return ec;
  }
  return {};
}

boost::system::result<std::string> write_ackres(const ackres_message& m, const ackres_template& t) {
  std::string out;
  if (error_code ec = write_ackres(m, out, t)) return ec;
  return out;
}

}  // namespace apipnr::responses
