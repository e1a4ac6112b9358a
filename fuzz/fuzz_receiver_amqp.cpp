// libFuzzer target: the AMQP intake's conversion of a received message into what the
// receiver's handler sees (reference/src/amqp/message_in.hpp, read_message(), the code the
// consumer's on_message runs before its delivery handling; docs/AMQP.md). What a sender puts on
// a queue reaches the consumer as the bytes of an AMQP message (the broker passes its sections
// through), so the input is those bytes: a selector byte (bit 0: a body limit of 64 bytes, else
// 1 MiB), then an encoded message that proton::message::decode reads. Bytes Proton refuses are
// not a message (its connection refuses the transfer); fields whose getters throw are refused by
// the consumer (RCV-BAD-003, on_message's catch).
//
// Traps on:
// - an exception other than Proton's own (proton::error) escaping the conversion, or a
//   sanitizer report (the handler's body view outliving what it views, say);
// - a result other than ok, body_too_large and unsupported_body;
// - ok for a body that is neither a data section (binary) nor an amqp-value string, or above
//   the limit; the handler's body differing from the message's body bytes, body_was_binary
//   not saying which it was; subject or content type not the message's;
// - body_too_large for a body within the limit or of another type, or with another size;
//   unsupported_body for a binary or string body;
// - the reply-to not the message's (a refusal is answered there too), message-id or
//   correlation-id text not the id's (a string as it is, so an empty string reads like no id;
//   "" when absent; another type a non-empty text).
//
// Not here (the build this target was written in could not afford the receiver under the
// sanitizers in time, docs/PERFORMANCE.md "Fuzzing, session 15"): handing the result to the
// receiver's request mapping and service (amqp_intake.hpp to_request / to_handler_result),
// which fuzz_receiver_intake's service path and AmqpIntakeMapping.* cover on their own.
#include <proton/binary.hpp>
#include <proton/error.hpp>
#include <proton/message.hpp>
#include <proton/message_id.hpp>
#include <proton/types.hpp>
#include <proton/value.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <new>
#include <string>
#include <string_view>
#include <vector>

#include "../reference/src/amqp/message_in.hpp"
#include "fuzz_check.hpp"

namespace {

namespace am = apipnr::amqp;
namespace ci = apipnr::amqp::consumer_internal;

void check(const proton::message& m, std::size_t limit) {
  proton::message_id id;
  proton::message_id correlation;
  std::string reply_to;
  try {
    id = m.id();
    correlation = m.correlation_id();
    reply_to = m.reply_to();
  } catch (const proton::error&) {
    return;  // refused by the consumer (RCV-BAD-003)
  }
  ci::message_in in;
  std::size_t refused_size = 0;
  am::errc why = am::errc::ok;
  try {
    why = ci::read_message(m, id, correlation, limit, in, refused_size);
  } catch (const proton::error&) {
    return;
  }
  APIPNR_FUZZ_CHECK(in.meta.reply_to == reply_to);
  // An id's text: a string as it is (so the empty string reads like no id), any other type
  // (ulong, uuid, binary) a non-empty text form.
  auto id_text_ok = [](const proton::message_id& i, const std::string& text) {
    if (i.empty()) return text.empty();
    if (i.type() == proton::STRING) return text == proton::get<std::string>(i);
    return !text.empty();
  };
  APIPNR_FUZZ_CHECK(id_text_ok(id, in.meta.message_id));
  APIPNR_FUZZ_CHECK(id_text_ok(correlation, in.meta.correlation_id));

  const proton::value& v = m.body();
  const bool binary = v.type() == proton::BINARY;
  const bool text = v.type() == proton::STRING;
  std::string bytes;
  if (binary) {
    const auto b = proton::get<proton::binary>(v);
    bytes.assign(b.begin(), b.end());
  } else if (text) {
    bytes = proton::get<std::string>(v);
  }
  switch (why) {
    case am::errc::ok:
      APIPNR_FUZZ_CHECK(binary || text);
      APIPNR_FUZZ_CHECK(bytes.size() <= limit);
      APIPNR_FUZZ_CHECK(in.meta.body == bytes);
      APIPNR_FUZZ_CHECK(in.meta.body_was_binary == binary);
      APIPNR_FUZZ_CHECK(in.meta.subject == m.subject());
      APIPNR_FUZZ_CHECK(in.meta.content_type == m.content_type());
      break;
    case am::errc::body_too_large:
      APIPNR_FUZZ_CHECK(binary || text);
      APIPNR_FUZZ_CHECK(bytes.size() > limit);
      APIPNR_FUZZ_CHECK(refused_size == bytes.size());
      break;
    case am::errc::unsupported_body:
      APIPNR_FUZZ_CHECK(!binary && !text);
      break;
    default:
      std::fprintf(stderr, "read_message returned %d\n", static_cast<int>(why));
      APIPNR_FUZZ_CHECK(false);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::size_t limit = (data[0] & 1U) != 0 ? 64 : std::size_t{1} << 20U;
  try {
    proton::message m;
    try {
      m.decode(std::vector<char>(data + 1, data + size));
    } catch (const proton::error&) {
      return 0;  // not a message
    }
    check(m, limit);
  } catch (const std::bad_alloc&) {
  } catch (const std::exception& e) {
    std::fprintf(stderr, "exception escaped the conversion: %s\n", e.what());
    __builtin_trap();
  }
  return 0;
}
