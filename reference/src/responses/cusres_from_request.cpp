#include "apipnr/responses/cusres_from_request.hpp"

#include <string>

#include "envelope_internal.hpp"

namespace apipnr::responses {
namespace {

using boost::system::error_code;

// Canonical times are "YYYY-MM-DDTHH:MM" (local, as sent); DTM format 201 is YYMMDDHHMM.
bool to_format_201(const model::opt_string& scheduled, std::string& out) {
  out.clear();
  if (!scheduled) return true;  // no time in the request: no DTM in the answer
  const std::string& s = *scheduled;
  if (s.size() < 16 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':') return false;
  // YY MM DD HH MM, appended in place (no temporary string per piece).
  for (const std::size_t at : {2u, 5u, 8u, 11u, 14u}) out.append(s, at, 2);
  return detail::is_digits(out, 10);
}

const model::reference* find_reference(const model::traveller& t, std::string_view q) {
  for (const model::reference& r : t.references)
    if (r.qualifier == q) return &r;
  return nullptr;
}

}  // namespace

boost::system::result<cusres_response> make_response(const model::canonical_message& request,
                                                     const envelope& env, directive d) {
  cusres_response r;
  r.env = env;
  r.document = cusres_document::response;
  const model::message_info& m = request.message;
  if (!m.message_reference || m.message_reference->empty())
    return make_error_code(errc::cusres_missing_message_reference);
  if (!m.transaction_reference || m.transaction_reference->empty())
    return make_error_code(errc::cusres_missing_transaction_reference);
  r.request.message_reference = *m.message_reference;
  r.request.common_access_reference = m.common_access_reference.value_or("");
  r.request.transaction_reference = *m.transaction_reference;

  if (request.flight_info) {
    const model::flight& f = *request.flight_info;
    if (f.legs.empty()) return make_error_code(errc::cusres_invalid_flight);
    flight_echo e;
    if (f.journey_id && !f.journey_id->empty())
      e.flight = *f.journey_id;
    else if (f.carrier && f.number)
      e.flight = *f.carrier + *f.number;
    else
      return make_error_code(errc::cusres_invalid_flight);
    const model::place_time& dep = f.legs.front().departure;
    const model::place_time& arr = f.legs.back().arrival;
    if (!to_format_201(dep.scheduled, e.departure) || !to_format_201(arr.scheduled, e.arrival))
      return make_error_code(errc::cusres_invalid_flight);
    e.departure_airport = dep.port.value_or("");
    e.arrival_airport = arr.port.value_or("");
    r.flight = std::move(e);
  }

  if (request.travellers.empty()) return make_error_code(errc::cusres_no_result);
  for (const model::traveller& t : request.travellers) {
    // API-IAPI-FLOW-002: ABO keys the answer; without it the carrier cannot match it.
    const model::reference* abo = find_reference(t, "ABO");
    if (abo == nullptr || abo->value.empty())
      return make_error_code(errc::cusres_missing_passenger_reference);
    const model::reference* avf = find_reference(t, "AVF");
    passenger_result p;
    p.booking_reference = avf != nullptr ? avf->value : std::string();
    p.passenger_reference = abo->value;
    p.directive_code = std::string(code(d));
    r.passengers.push_back(std::move(p));
  }
  return r;
}

boost::system::result<cusres_response> make_header_refusal(const model::canonical_message& request,
                                                           const envelope& env, std::string text) {
  // make_response() does the echo (UNH references, RFF+TN, flight group), so that a refusal is
  // paired with its request exactly like a passenger answer; the placeholder traveller only
  // satisfies it and is removed again.
  model::canonical_message shell;
  shell.message = request.message;
  shell.flight_info = request.flight_info;
  model::traveller placeholder;
  placeholder.references.push_back({"ABO", "0"});
  shell.travellers.push_back(std::move(placeholder));
  auto r = make_response(shell, env, directive::insufficient_data);
  if (!r && r.error() == errc::cusres_invalid_flight) {
    shell.flight_info.reset();  // the flight group is a SHOULD (API-CUSRES-RFF-002)
    r = make_response(shell, env, directive::insufficient_data);
  }
  if (!r) return r.error();
  r->passengers.clear();
  r->header = header_result{std::string(header_rejected), std::move(text)};
  return r;
}

cusres_response make_carrier_acknowledgement(const cusres_response& status, const envelope& env,
                                             std::string_view error_code,
                                             std::string_view error_text) {
  cusres_response r = status;
  r.env = env;
  r.document = cusres_document::carrier_acknowledgement;
  if (!error_code.empty()) {
    // API-IAPI-FLOW-008: on error, ERP+1 + ERC instead of the echoed passenger content.
    r.header = header_result{std::string(error_code), std::string(error_text)};
    r.passengers.clear();
  }
  return r;
}

}  // namespace apipnr::responses
