// What the harness's two Proton clients (amqp_transport.cpp, unsolicited_amqp.cpp) share: the
// connection options for a broker URL and a message id as text. Internal to this folder.
#pragma once

#include <proton/connection_options.hpp>
#include <proton/message_id.hpp>
#include <proton/types.hpp>

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

}  // namespace apipnr::harness::detail
