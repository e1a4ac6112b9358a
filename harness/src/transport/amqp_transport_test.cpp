// Broker-free tests of the AMQP transport: URL parsing and the failures that need no broker.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <proton/binary.hpp>
#include <proton/codec/map.hpp>
#include <proton/codec/vector.hpp>
#include <proton/message.hpp>
#include <proton/message_id.hpp>
#include <proton/symbol.hpp>
#include <proton/value.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "apipnr/harness/transport_amqp.hpp"
#include "proton_internal.hpp"

namespace apipnr::harness {
namespace {

using namespace std::chrono_literals;

// A loopback port: listening (and never answering) when `listen_too`, else closed again.
struct loopback_port {
  int fd = -1;
  int port = 0;
  explicit loopback_port(bool listen_too) {
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
    if (listen_too) {
      ::listen(fd, 4);
    } else {
      ::close(fd);
      fd = -1;
    }
  }
  ~loopback_port() {
    if (fd >= 0) ::close(fd);
  }
};

// A message as the harness receives it: encoded by the peer, decoded on arrival.
proton::message received(const proton::value& properties) {
  proton::message sent("body");
  sent.properties().value(properties);
  std::vector<char> wire;
  sent.encode(wire);
  proton::message m;
  m.decode(wire);
  return m;
}

TEST(AmqpReplyProperties, StringKeysAndSimpleValuesAreHeaders) {
  const auto m = received(proton::value(std::map<std::string, proton::scalar>{
      {"apipnr-verdict", proton::scalar(std::string("accept"))},
      {"apipnr-kind", proton::scalar(proton::symbol("paxlst"))},
      {"attempt", proton::scalar(int32_t{2})}}));
  std::map<std::string, std::string> headers;
  std::string why;
  ASSERT_TRUE(detail::read_properties(m, headers, why)) << why;
  EXPECT_EQ(headers.at("apipnr-verdict"), "accept");
  EXPECT_EQ(headers.at("apipnr-kind"), "paxlst");
  EXPECT_EQ(headers.at("attempt"), "2");
}

// The encoded bytes of a message whose properties are {"apipnr-verdict": "xx"}, with
// `from` (a run of bytes in the encoding) replaced by `to` of the same length. Proton's typed
// API cannot build properties that break AMQP 1.0 3.2.5, but a peer can send them.
proton::message patched(const std::string& from, const std::string& to) {
  proton::message sent("body");
  sent.properties().put("apipnr-verdict", std::string("xx"));
  std::vector<char> wire;
  sent.encode(wire);
  std::string bytes(wire.begin(), wire.end());
  const auto at = bytes.find(from);
  EXPECT_NE(at, std::string::npos);
  if (at != std::string::npos) bytes.replace(at, from.size(), to);
  proton::message m;
  m.decode(std::vector<char>(bytes.begin(), bytes.end()));
  return m;
}

// AMQP 1.0 3.2.5 allows only string keys and simple values; an endpoint that sends other
// types must fail its own case, not throw out of the client's event thread.
TEST(AmqpReplyProperties, OtherKeyOrValueTypesAreAnErrorNotAnException) {
  using namespace std::string_literals;
  std::map<std::string, std::string> headers;
  std::string why;
  // str8 0xa1 -> sym8 0xa3: the key is a symbol.
  const auto symbol_key = patched(
      "\xa1\x0e"
      "apipnr-verdict"s,
      "\xa3\x0e"
      "apipnr-verdict"s);
  EXPECT_FALSE(detail::read_properties(symbol_key, headers, why));
  EXPECT_NE(why, "");
  why.clear();
  // str8 "xx" -> list8 of one null, same length: the value is a list.
  const auto list_value = patched("\xa1\x02xx"s, "\xc0\x02\x01\x40"s);
  EXPECT_FALSE(detail::read_properties(list_value, headers, why));
  EXPECT_NE(why, "");
  // The unpatched message reads, so the two failures come from the patches.
  const auto intact = patched("\xa1\x02xx"s, "\xa1\x02yy"s);
  why.clear();
  EXPECT_TRUE(detail::read_properties(intact, headers, why)) << why;
  EXPECT_EQ(headers.at("apipnr-verdict"), "yy");
}

// A reply with `correlation` as its correlation id and `body` as its body, as received.
proton::message reply_with(const proton::message_id& correlation, const proton::value& body) {
  proton::message sent;
  if (!correlation.empty()) sent.correlation_id(correlation);
  sent.body(body);
  sent.subject("CONTRL");
  std::vector<char> wire;
  sent.encode(wire);
  proton::message m;
  m.decode(wire);
  return m;
}

// A reply is matched to a send only by a string correlation id, the type the harness sends:
// a ulong 42, a uuid or a binary id is another id (AMQP 1.0 3.2.11-3.2.15), though Proton writes
// a ulong 42 as the text "42" (the transport matched that text, so a reply with the ulong 42
// answered a send whose id was the string "42"). None, or another type, is named for the
// evidence of a timeout.
TEST(AmqpReply, MatchedOnlyByAStringCorrelationId) {
  const proton::value body = proton::binary(std::string("UNB+UNOA:4'"));
  auto r = detail::read_reply(reply_with(proton::message_id(std::string("42")), body), 1024);
  ASSERT_TRUE(r.key.has_value());
  EXPECT_EQ(*r.key, "42");
  EXPECT_EQ(r.o.outcome, transport_outcome::completed);
  EXPECT_EQ(r.o.body, "UNB+UNOA:4'");
  EXPECT_EQ(r.o.headers.at("subject"), "CONTRL");

  r = detail::read_reply(reply_with(proton::message_id(std::uint64_t{42}), body), 1024);
  EXPECT_FALSE(r.key.has_value());
  EXPECT_EQ(r.what, "correlation id 42 (ulong)");
  r = detail::read_reply(reply_with(proton::message_id(proton::binary(std::string("42"))), body),
                         1024);
  EXPECT_FALSE(r.key.has_value());
  EXPECT_NE(r.what.find("(binary)"), std::string::npos) << r.what;
  r = detail::read_reply(reply_with(proton::message_id(), body), 1024);
  EXPECT_FALSE(r.key.has_value());
  EXPECT_EQ(r.what, "no correlation id");
  // The reply is read all the same (the send that waits for it is what is not found).
  EXPECT_EQ(r.o.outcome, transport_outcome::completed);
}

// A body of another AMQP type is HTR-AMQP-BODY with Proton's text as evidence; body and
// properties above the cap are HTR-AMQP-SIZE and dropped.
TEST(AmqpReply, BodyOfAnotherTypeAndOversizedRepliesAreErrors) {
  const proton::message_id id(std::string("c-1"));
  auto r = detail::read_reply(reply_with(id, proton::value(std::int32_t{7})), 1024);
  EXPECT_EQ(r.o.outcome, transport_outcome::transport_error);
  EXPECT_EQ(r.o.error.rfind("HTR-AMQP-BODY:", 0), 0U) << r.o.error;
  EXPECT_EQ(r.o.body, "7");
  r = detail::read_reply(reply_with(id, proton::value(std::string(2000, 'x'))), 1024);
  EXPECT_EQ(r.o.outcome, transport_outcome::transport_error);
  EXPECT_EQ(r.o.error.rfind("HTR-AMQP-SIZE:", 0), 0U) << r.o.error;
  EXPECT_TRUE(r.o.body.empty());
  EXPECT_EQ(r.o.headers.size(), 1U);  // message-id only
  ASSERT_TRUE(r.key.has_value());
  EXPECT_EQ(*r.key, "c-1");
}

// An application property cannot stand in for the message's own fields in the evidence: a
// vendor's property "subject" or "message-id" is kept as "property:<name>", the reply's subject
// and message-id stay under their names. (The properties were copied over them: a property
// "subject" was reported as the reply's subject. Found by fuzz_harness_amqp's first campaign,
// reproducer fuzz/crashers/harness_amqp_property_named_subject.amqp.)
TEST(AmqpReply, ApplicationPropertiesNeverShadowTheMessagesOwnFields) {
  proton::message sent;
  sent.id(std::string("m-1"));
  sent.correlation_id(std::string("c-1"));
  sent.subject("CONTRL");
  sent.body(proton::binary(std::string("UNB'")));
  sent.properties().put("subject", std::string("CUSRES"));
  sent.properties().put("message-id", std::string("fake"));
  sent.properties().put("correlation-id", std::string("other"));
  sent.properties().put("location", std::string("/v1/messages/3"));
  std::vector<char> wire;
  sent.encode(wire);
  proton::message m;
  m.decode(wire);
  const auto r = detail::read_reply(m, 4096);
  EXPECT_EQ(r.o.outcome, transport_outcome::completed) << r.o.error;
  EXPECT_EQ(r.o.headers.at("subject"), "CONTRL");
  EXPECT_EQ(r.o.headers.at("message-id"), "m-1");
  EXPECT_EQ(r.o.headers.at("property:subject"), "CUSRES");
  EXPECT_EQ(r.o.headers.at("property:message-id"), "fake");
  EXPECT_EQ(r.o.headers.at("property:correlation-id"), "other");
  EXPECT_EQ(r.o.headers.count("correlation-id"), 0U);  // send() sets it, to the id it matched
  EXPECT_EQ(r.o.headers.at("location"), "/v1/messages/3");
}

exchange paxlst() {
  exchange x;
  x.kind = message_kind::paxlst;
  x.body = "UNB+UNOA:4+A+B+250301:0930+1'UNZ+0+1'";
  x.content_type = "application/edifact";
  return x;
}

TEST(AmqpUrl, ParsesUserHostPort) {
  auto u = parse_amqp_url("amqp://guest:guest@127.0.0.1:5673");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->user, "guest");
  EXPECT_EQ(u->password, "guest");
  EXPECT_EQ(u->address(), "127.0.0.1:5673");
  u = parse_amqp_url("mq://broker");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->port, "5672");
  EXPECT_FALSE(parse_amqp_url("http://x"));
  EXPECT_FALSE(parse_amqp_url("amqp://x:port"));
  EXPECT_FALSE(parse_amqp_url("amqp://:5672"));
}

TEST(AmqpTransport, RefusedPortIsEndpointDown) {
  const loopback_port closed(false);
  amqp_options o;
  o.url = "amqp://guest:guest@127.0.0.1:" + std::to_string(closed.port);
  o.queues[message_kind::paxlst] = "/queue/x";
  o.connect_timeout = 2000ms;
  amqp_transport t(o);
  const auto start = std::chrono::steady_clock::now();
  const auto obs = t.send(paxlst());
  EXPECT_EQ(obs.outcome, transport_outcome::endpoint_down) << obs.error;
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2500ms);
  EXPECT_EQ(obs.error.rfind("HTR-AMQP-DOWN", 0), 0U) << obs.error;
  // And again: each send tries to connect anew.
  EXPECT_EQ(t.send(paxlst()).outcome, transport_outcome::endpoint_down);
}

TEST(AmqpTransport, SilentPeerIsEndpointDownWithinTheConnectTimeout) {
  const loopback_port silent(true);  // accepts (backlog) but never speaks AMQP
  amqp_options o;
  o.url = "amqp://127.0.0.1:" + std::to_string(silent.port);
  o.queues[message_kind::paxlst] = "/queue/x";
  o.connect_timeout = 300ms;
  amqp_transport t(o);
  const auto start = std::chrono::steady_clock::now();
  const auto obs = t.send(paxlst());
  EXPECT_EQ(obs.outcome, transport_outcome::endpoint_down) << obs.error;
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

TEST(AmqpTransport, ConfigurationProblemsAreTransportErrors) {
  amqp_options o;
  o.url = "not a url";
  amqp_transport bad_url(o);
  EXPECT_EQ(bad_url.send(paxlst()).outcome, transport_outcome::transport_error);
  o.url = "amqp://127.0.0.1:1";
  amqp_transport no_queue(o);
  const auto obs = no_queue.send(paxlst());
  EXPECT_EQ(obs.outcome, transport_outcome::transport_error);
  EXPECT_NE(obs.error.find("no queue"), std::string::npos);
  EXPECT_EQ(no_queue.reply_queue().rfind("/queue/apipnr.harness.reply.", 0), 0U);
}

}  // namespace
}  // namespace apipnr::harness
