// What the harness's two Proton clients (amqp_transport.cpp, unsolicited_amqp.cpp) share: the
// connection options for a broker URL, a message id as text, and the reading of a vendor's
// reply into what classify() judges (read_reply, so that a test and fuzz_harness_amqp run it
// without a broker). Internal to this folder.
#pragma once

#include <proton/binary.hpp>
#include <proton/connection_options.hpp>
#include <proton/message.hpp>
#include <proton/message_id.hpp>
#include <proton/type_id.hpp>
#include <proton/types.hpp>

#include <proton/value.hpp>

#include <cstddef>
#include <exception>
#include <map>
#include <new>
#include <optional>
#include <string>

#include "apipnr/harness/exchange.hpp"
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

// A reply as the harness reads it (amqp_transport.cpp on_message).
struct reply_read {
  observation o;  // completed, or transport_error with an HTR-AMQP-BODY/-PROPERTIES/-SIZE error
  // What the reply is matched to a waiting send by: its correlation id when that is an AMQP
  // string, the type the harness sends. Ids of different AMQP types are different ids (AMQP
  // 1.0 3.2.11-3.2.15): a ulong 42 or a binary "x" answers no send whose id is the string "42"
  // or "x", even though Proton writes them as the same text. nullopt: no correlation id, or one
  // of another type; such a reply is never taken as any case's answer.
  std::optional<std::string> key;
  // The correlation id for the evidence of a send that times out meanwhile ("no correlation
  // id", or "correlation id <first 80 characters> (<AMQP type>)").
  std::string what;
};

// Reads a received reply: body as data (bytes) or string, else HTR-AMQP-BODY with Proton's text
// of the value as evidence; message-id, subject and application-properties as headers (an
// application property named message-id, subject or correlation-id as "property:<name>"; not a
// map of string keys to simple values: HTR-AMQP-PROPERTIES); body and properties together above
// `max_reply_bytes` -> HTR-AMQP-SIZE, both dropped. Never throws (Proton's exceptions on what the
// endpoint sent become the observation's error), except std::bad_alloc.
inline reply_read read_reply(const proton::message& m, std::size_t max_reply_bytes) {
  reply_read r;
  observation& o = r.o;
  o.outcome = transport_outcome::completed;
  try {
    const proton::message_id cid = m.correlation_id();
    if (cid.type() == proton::STRING) r.key = proton::get<std::string>(cid);
    if (cid.empty()) {
      r.what = "no correlation id";
    } else {
      r.what = "correlation id " + id_text(cid).substr(0, 80) + " (" +
               proton::type_name(cid.type()) + ")";
    }
    o.content_type = m.content_type();
    const proton::value& body = m.body();
    if (body.type() == proton::BINARY) {
      const auto b = proton::get<proton::binary>(body);
      o.body.assign(b.begin(), b.end());
    } else if (body.type() == proton::STRING) {
      o.body = proton::get<std::string>(body);
    } else if (!body.empty()) {
      // An acknowledgement is bytes (a data section) or text; a map, a list or a number is no
      // acknowledgement. Read as Proton's text it would reach classify() as a garbled body and
      // fail as "unknown" without saying that the reply had the wrong type; the case fails
      // with the type named, and the text is kept as evidence (capped below). (No body at all
      // is a completed reply that states no decision: classify() reads it as unknown.)
      o.outcome = transport_outcome::transport_error;
      o.error = "HTR-AMQP-BODY: the reply body is an AMQP " + proton::type_name(body.type()) +
                " value, not data (bytes) or a string";
      o.body = proton::to_string(body);
    }
    o.headers["message-id"] = id_text(m.id());
    if (!m.subject().empty()) o.headers["subject"] = m.subject();
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const std::exception& e) {
    o.outcome = transport_outcome::transport_error;
    o.error = std::string("HTR-AMQP-BODY: the reply could not be read: ") + e.what();
    o.body.clear();
    if (r.what.empty()) r.what = "an unreadable correlation id";
  }
  std::map<std::string, std::string> properties;
  if (std::string why; !read_properties(m, properties, why)) {
    o.outcome = transport_outcome::transport_error;
    o.error =
        "HTR-AMQP-PROPERTIES: the reply's application-properties are not a map of string keys "
        "to simple values (AMQP 1.0, 3.2.5): " +
        why;
  }
  // The message's own fields are the evidence under their names; an application property of
  // the same name (a vendor's "subject" or "message-id", or "correlation-id", which send()
  // sets) is kept as "property:<name>" instead of replacing them (found by fuzz_harness_amqp:
  // a property "subject" stood in the report as the reply's subject).
  for (auto& [k, v] : properties) {
    if (k == "message-id" || k == "subject" || k == "correlation-id") {
      o.headers.emplace("property:" + k, std::move(v));
    } else {
      o.headers.emplace(k, std::move(v));
    }
  }
  // The cap is on what the reply makes the harness keep: its body and its properties, which
  // become evidence headers (a vendor's 100 MB property would otherwise be copied into
  // results.json).
  std::size_t reply_bytes = o.body.size();
  for (const auto& [k, v] : o.headers) reply_bytes += k.size() + v.size();
  if (reply_bytes > max_reply_bytes) {
    o.outcome = transport_outcome::transport_error;
    o.error = "HTR-AMQP-SIZE: reply (body and application-properties, " +
              std::to_string(reply_bytes) + " bytes) larger than the cap of " +
              std::to_string(max_reply_bytes) + " bytes";
    o.body.clear();
    const std::string message_id = o.headers["message-id"];
    o.headers.clear();
    o.headers["message-id"] = message_id;
  }
  return r;
}

}  // namespace apipnr::harness::detail
