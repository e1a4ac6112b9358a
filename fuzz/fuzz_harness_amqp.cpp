// libFuzzer target: the harness's reading of a vendor broker's AMQP reply
// (harness/src/transport/proton_internal.hpp read_reply, what amqp_transport.cpp's on_message
// runs before it matches the reply to a waiting send; then classify()). What a vendor's system
// puts on the harness's reply queue reaches it as the bytes of an AMQP message (the broker
// passes its sections through), so the input is those bytes: a selector byte (bit 0: a reply
// cap of 256 bytes, else 16 MiB), then an encoded message that proton::message::decode reads.
// Bytes Proton refuses are not a message (its connection refuses the transfer).
//
// Traps on:
// - an exception escaping read_reply() or classify() (documented: never, std::bad_alloc aside);
// - a match key for a reply whose correlation-id is not an AMQP string, or a key that is not
//   that string: a reply is matched to a send only by the string id the harness sent, so a
//   reply with none, or with an id of another type that Proton writes as the same text (ulong
//   42, the binary "x"), is never taken as a case's answer; an empty `what` (the evidence of a
//   timeout names what arrived);
// - a completed observation whose body is not the reply's data or string bytes (or empty for
//   no body), with an error, or whose body and headers exceed the cap; a subject or content
//   type not the reply's;
// - an outcome other than completed or transport_error, or an error without its
//   HTR-AMQP-BODY / -PROPERTIES / -SIZE ID; an HTR-AMQP-SIZE that kept the body or properties;
//   an error text with a control character (it goes into the report as it is);
// - classify() deciding anything but unknown for a failed observation, or reading a completed
//   one as an HTTP answer.
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
#include <optional>
#include <string>
#include <vector>

#include "../harness/src/transport/proton_internal.hpp"
#include "apipnr/harness/classify.hpp"
#include "fuzz_check.hpp"

namespace {

namespace ah = apipnr::harness;

void check(const proton::message& m, std::size_t cap) {
  const ah::detail::reply_read r = ah::detail::read_reply(m, cap);
  const ah::observation& o = r.o;

  // What Proton's getters say, read independently (a getter that throws: no expectation).
  std::optional<proton::message_id> cid;
  std::optional<proton::value> body;
  try {
    cid = m.correlation_id();
    body = m.body();
  } catch (const proton::error&) {
  }
  if (cid) {
    if (cid->type() == proton::STRING) {
      APIPNR_FUZZ_CHECK(r.key.has_value() && *r.key == proton::get<std::string>(*cid));
    } else {
      APIPNR_FUZZ_CHECK(!r.key.has_value());
    }
  } else {
    APIPNR_FUZZ_CHECK(!r.key.has_value());
  }
  APIPNR_FUZZ_CHECK(!r.what.empty());

  std::size_t kept = o.body.size();
  for (const auto& [k, v] : o.headers) kept += k.size() + v.size();
  if (o.outcome == ah::transport_outcome::completed) {
    APIPNR_FUZZ_CHECK(o.error.empty());
    APIPNR_FUZZ_CHECK(kept <= cap);
    APIPNR_FUZZ_CHECK(body.has_value());
    std::string bytes;
    if (body->type() == proton::BINARY) {
      const auto b = proton::get<proton::binary>(*body);
      bytes.assign(b.begin(), b.end());
    } else if (body->type() == proton::STRING) {
      bytes = proton::get<std::string>(*body);
    } else {
      APIPNR_FUZZ_CHECK(body->empty());
    }
    APIPNR_FUZZ_CHECK(o.body == bytes);
    APIPNR_FUZZ_CHECK(o.content_type == m.content_type());
    const auto subject = o.headers.find("subject");
    APIPNR_FUZZ_CHECK(m.subject().empty()
                          ? subject == o.headers.end()
                          : subject != o.headers.end() && subject->second == m.subject());
  } else {
    APIPNR_FUZZ_CHECK(o.outcome == ah::transport_outcome::transport_error);
    const bool known = o.error.rfind("HTR-AMQP-BODY:", 0) == 0 ||
                       o.error.rfind("HTR-AMQP-PROPERTIES:", 0) == 0 ||
                       o.error.rfind("HTR-AMQP-SIZE:", 0) == 0;
    if (!known) std::fprintf(stderr, "error: %s\n", o.error.c_str());
    APIPNR_FUZZ_CHECK(known);
    if (o.error.rfind("HTR-AMQP-SIZE:", 0) == 0) {
      APIPNR_FUZZ_CHECK(o.body.empty());
      APIPNR_FUZZ_CHECK(o.headers.size() <= 1);
    }
    for (const char ch : o.error) {
      const auto c = static_cast<unsigned char>(ch);
      if (c < 0x20 || c == 0x7F)
        std::fprintf(stderr, "control character in: %s\n", o.error.c_str());
      APIPNR_FUZZ_CHECK(c >= 0x20 && c != 0x7F);
    }
  }

  const ah::classification c = ah::classify(o);
  if (o.outcome != ah::transport_outcome::completed)
    APIPNR_FUZZ_CHECK(c.result == ah::decision::unknown);
  APIPNR_FUZZ_CHECK(o.http_status == 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::size_t cap = (data[0] & 1U) != 0 ? 256 : std::size_t{16} << 20U;
  try {
    proton::message m;
    try {
      m.decode(std::vector<char>(data + 1, data + size));
    } catch (const proton::error&) {
      return 0;  // not a message
    }
    check(m, cap);
  } catch (const std::bad_alloc&) {
  } catch (const std::exception& e) {
    std::fprintf(stderr, "exception escaped the reply reading or classify(): %s\n", e.what());
    __builtin_trap();
  }
  return 0;
}
