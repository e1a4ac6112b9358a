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

}  // namespace
}  // namespace apipnr::amqp::consumer_internal
