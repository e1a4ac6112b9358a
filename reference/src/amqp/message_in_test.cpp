// The consumer's conversion of a received message (message_in.hpp), without a broker: each
// message is encoded and decoded as it would cross the wire, then read as the consumer reads it.
#include "message_in.hpp"

#include <gtest/gtest.h>
#include <proton/binary.hpp>
#include <proton/codec/vector.hpp>
#include <proton/message.hpp>
#include <proton/message_id.hpp>
#include <proton/types.hpp>
#include <proton/uuid.hpp>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace apipnr::amqp::consumer_internal {
namespace {

// Encodes `m` and decodes it into a new message: what the consumer's on_message receives.
proton::message over_the_wire(proton::message& m) {
  std::vector<char> bytes;
  m.encode(bytes);
  proton::message out;
  out.decode(bytes);
  return out;
}

struct read_result {
  errc why = errc::ok;
  std::size_t refused_size = 0;
};

read_result read(proton::message m, message_in& in, std::size_t max = 64) {
  const proton::message received = over_the_wire(m);
  read_result r;
  r.why = read_message(received, received.id(), received.correlation_id(), max, in, r.refused_size);
  return r;
}

TEST(AmqpMessageIn, BinaryAndStringBodiesAreTheBodyTheHandlerSees) {
  proton::message m;
  const std::string text = "UNA:+.? 'UNB+UNOA:4+A+B+250301:0930+1'";
  m.body(proton::binary(text));
  m.id("m-1");
  m.correlation_id("c-1");
  m.reply_to("/queue/replies");
  m.subject("PAXLST");
  m.content_type("application/edifact");
  message_in a;
  ASSERT_EQ(read(m, a).why, errc::ok);
  EXPECT_EQ(a.meta.body, text);
  EXPECT_TRUE(a.meta.body_was_binary);
  EXPECT_EQ(a.meta.message_id, "m-1");
  EXPECT_EQ(a.meta.correlation_id, "c-1");
  EXPECT_EQ(a.meta.reply_to, "/queue/replies");
  EXPECT_EQ(a.meta.subject, "PAXLST");
  EXPECT_EQ(a.meta.content_type, "application/edifact");

  m.body(text);  // an amqp-value string
  message_in b;
  ASSERT_EQ(read(m, b).why, errc::ok);
  EXPECT_EQ(b.meta.body, text);
  EXPECT_FALSE(b.meta.body_was_binary);
}

TEST(AmqpMessageIn, OtherBodiesAreUnsupportedAndTheReplyToIsStillKnown) {
  proton::message list;
  list.body(std::vector<proton::value>{proton::value(std::string("UNB")), proton::value(1)});
  list.reply_to("/queue/replies");
  message_in a;
  EXPECT_EQ(read(list, a).why, errc::unsupported_body);
  EXPECT_EQ(a.meta.reply_to, "/queue/replies");  // the refusal is answered there

  proton::message number;
  number.body(proton::value(std::int64_t{42}));
  message_in b;
  EXPECT_EQ(read(number, b).why, errc::unsupported_body);

  proton::message none;
  message_in c;
  EXPECT_EQ(read(none, c).why, errc::unsupported_body);
}

TEST(AmqpMessageIn, BodiesAboveTheLimitAreRefusedWithTheirSize) {
  proton::message m;
  m.body(proton::binary(std::string(65, 'x')));
  message_in a;
  const auto r = read(m, a, 64);
  EXPECT_EQ(r.why, errc::body_too_large);
  EXPECT_EQ(r.refused_size, 65U);

  m.body(std::string(65, 'y'));
  message_in b;
  EXPECT_EQ(read(m, b, 64).why, errc::body_too_large);
  message_in c;
  EXPECT_EQ(read(m, c, 65).why, errc::ok);
}

TEST(AmqpMessageIn, MessageIdsOfEveryAmqpTypeHaveATextForm) {
  proton::message m;
  m.body(proton::binary(std::string("x")));
  m.id(std::uint64_t{12345});
  m.correlation_id(proton::binary(std::string("\x01\x02", 2)));
  message_in a;
  ASSERT_EQ(read(m, a).why, errc::ok);
  EXPECT_EQ(a.meta.message_id, "12345");
  EXPECT_FALSE(a.meta.correlation_id.empty());

  m.id(proton::uuid::copy());  // the nil UUID
  m.correlation_id(proton::message_id());
  message_in b;
  ASSERT_EQ(read(m, b).why, errc::ok);
  EXPECT_FALSE(b.meta.message_id.empty());
  EXPECT_TRUE(b.meta.correlation_id.empty());
}

// Every reply carries the request's correlation-id, else its message-id, of the same AMQP
// type, through the wire: the sender matches its reply by the id it sent (a ulong stays a
// ulong, a uuid a uuid). write_reply() also writes the acknowledgement as a data section with
// subject, content type and the status properties.
TEST(AmqpMessageIn, ReplyCarriesTheRequestsIdOfTheSameType) {
  const std::vector<std::pair<std::string, std::string>> props{{"location", "/v1/messages/9"}};
  const auto reply_to = [&](proton::message request) {
    const proton::message received = over_the_wire(request);
    proton::message r;
    proton::binary body;
    write_reply(r, body, reply_correlation(received.id(), received.correlation_id()),
                handler_status::stored, "UNB+UNOC:4'", "CONTRL", "application/edifact", "accept",
                "", props);
    return over_the_wire(r);
  };
  proton::message m;
  m.id(std::uint64_t{42});
  proton::message r = reply_to(m);
  EXPECT_EQ(r.correlation_id().type(), proton::ULONG);
  EXPECT_EQ(r.correlation_id(), proton::message_id(std::uint64_t{42}));
  m.correlation_id("c-1");
  r = reply_to(m);
  EXPECT_EQ(r.correlation_id(), proton::message_id(std::string("c-1")));
  const proton::uuid u = proton::uuid::random();
  m.correlation_id(u);
  r = reply_to(m);
  EXPECT_EQ(r.correlation_id().type(), proton::UUID);
  EXPECT_EQ(r.correlation_id(), proton::message_id(u));
  r = reply_to(proton::message());
  EXPECT_TRUE(r.correlation_id().empty());

  EXPECT_EQ(r.body().type(), proton::BINARY);
  const auto b = proton::get<proton::binary>(r.body());
  EXPECT_EQ(std::string(b.begin(), b.end()), "UNB+UNOC:4'");
  EXPECT_EQ(r.subject(), "CONTRL");
  EXPECT_EQ(r.content_type(), "application/edifact");
  EXPECT_EQ(proton::get<std::string>(r.properties().get("apipnr-status")), "stored");
  EXPECT_EQ(proton::get<std::string>(r.properties().get("apipnr-verdict")), "accept");
  EXPECT_FALSE(r.properties().exists("apipnr-detail"));
  EXPECT_EQ(proton::get<std::string>(r.properties().get("location")), "/v1/messages/9");
}

}  // namespace
}  // namespace apipnr::amqp::consumer_internal
