// What the harness's two Proton clients (amqp_transport.cpp, unsolicited_amqp.cpp) share: the
// connection options for a broker URL and a message id as text. Internal to this folder.
#pragma once

#include <proton/connection_options.hpp>
#include <proton/message.hpp>
#include <proton/message_id.hpp>
#include <proton/types.hpp>

#include <exception>
#include <map>
#include <string>

#include "apipnr/harness/transport_amqp.hpp"

namespace apipnr::harness::detail {

// The URL's user and password, when given, over SASL PLAIN (allowed without TLS: the broker
// is on loopback, RABBITMQ.md).
inline proton::connection_options connection_options_for(const amqp_url& u) {
  proton::connection_options co;
  if (!u.user.empty()) {
    co.user(u.user);
    co.password(u.password);
    co.sasl_allow_insecure_mechs(true);
  }
  return co;
}

// A message-id or correlation-id as text ("" when absent).
inline std::string id_text(const proton::message_id& id) {
  if (id.empty()) return {};
  if (id.type() == proton::STRING) return proton::get<std::string>(id);
  return proton::to_string(id);
}

// A property value as text: strings and symbols as they are, other simple types in Proton's
// notation.
inline std::string scalar_text(const proton::scalar& v) {
  if (v.type() == proton::STRING) return proton::get<std::string>(v);
  if (v.type() == proton::SYMBOL) return proton::get<proton::symbol>(v);
  return proton::to_string(v);
}

// Adds a received message's application-properties to `out` as text. AMQP 1.0 (3.2.5) allows
// only string keys and simple values there; the endpoint under test may send anything else (a
// symbol key, a list or map value), and Proton's typed read then throws conversion_error,
// which in a handler would end the client's event thread: every later case of the run would
// time out instead of this one failing. So this never throws: it returns false and says why
// in `error`, and `out` keeps what was added before the failure.
inline bool read_properties(const proton::message& m, std::map<std::string, std::string>& out,
                            std::string& error) {
  try {
    if (m.properties().empty()) return true;
    std::map<std::string, proton::scalar> props;
    proton::get(m.properties().value(), props);
    for (const auto& [k, v] : props) out[k] = scalar_text(v);
    return true;
  } catch (const std::exception& e) {
    error = e.what();
    return false;
  }
}

}  // namespace apipnr::harness::detail
