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
// With the receiver in the build (APIPNR_FUZZ_AMQP_SERVICE), what the conversion let through
// then goes the way amqp_intake::handle sends it: to_request (the selector's bits 1-2 pick the
// queue's kind: PAXLST, iAPI, PNR EDIFACT, PNR XML), the real service (the pipeline over
// specs/, the iAPI engine with empty lists, the memory store; a new service every 1,024
// inputs), to_handler_result; and the reply the consumer would send is read back by the
// harness's classify() as an AMQP reply (no HTTP status). Traps on:
// - a request that is not the message: body, content type (or the kind's default), via_amqp;
// - a handler result `failed` (the memory store does not fail, no 5xx is due); stored or
//   duplicate without a `location` property, rejected with one;
// - a verdict other than accept, accept_with_warnings, reject; rejected not reject;
// - no acknowledgement body (every reply-to gets an answer); an ack_subject that is not the
//   type of the EDIFACT acknowledgement the harness reads in it (CONTRL, CUSRES, ACKRES), or
//   set on a problem or receipt;
// - the harness reading the reply as accepted when the verdict is reject, or rejected when
//   it is an acceptance;
// - the reply (write_reply, as the consumer writes it, encoded and decoded as the broker passes
//   it, then read by the harness's read_reply, harness/src/transport/proton_internal.hpp)
//   without the request's correlation-id, else its message-id, of the same AMQP type and value
//   as its correlation-id (reply_correlation); the harness not matching it to the request's id
//   when that is a string, or matching it to anything when it is not; its body not the
//   acknowledgement, its subject not ack_subject, or the harness not reading it as completed.
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

#if APIPNR_FUZZ_AMQP_SERVICE
#include <functional>
#include <memory>
#include <optional>
#include <sstream>

#include "../harness/src/transport/proton_internal.hpp"
#include "amqp_intake.hpp"
#include "apipnr/harness/classify.hpp"
#include "apipnr/receiver/service.hpp"
#include "fuzz_receiver_components.hpp"
#endif

namespace {

namespace am = apipnr::amqp;
namespace ci = apipnr::amqp::consumer_internal;

#if APIPNR_FUZZ_AMQP_SERVICE
namespace ar = apipnr::receiver;
namespace ah = apipnr::harness;
namespace tr = apipnr::transport;

struct fixture {
  std::shared_ptr<const ar::checker> checker = apipnr::fuzzing::make_checker_or_trap();
  std::shared_ptr<const ar::iapi_decider> iapi = apipnr::fuzzing::make_iapi_or_trap();
  std::ostringstream log_text;
  std::shared_ptr<ar::logger> log = std::make_shared<ar::logger>(log_text, ar::log_level::warn);
  std::unique_ptr<ar::service> svc;
  std::size_t served = 0;
  std::uint64_t next_id = 0;

  void renew() {
    svc = std::make_unique<ar::service>(apipnr::fuzzing::service_options(), checker,
                                        ar::make_memory_store(), iapi, log);
    served = 0;
  }
};

fixture& the_fixture() {
  static fixture f;
  return f;
}

bool has_property(const am::handler_result& h, std::string_view name) {
  for (const auto& [k, v] : h.properties) {
    if (k == name) return true;
  }
  return false;
}

// The reply the consumer writes for `h`, as it arrives at the sender (encoded, decoded), read
// by the harness's AMQP transport; checks its correlation-id against the request's ids.
ah::observation reply_as_read(const am::handler_result& h, const proton::message_id& id,
                              const proton::message_id& correlation) {
  proton::message r;
  proton::binary body;
  ci::write_reply(r, body, ci::reply_correlation(id, correlation), h.status, h.ack, h.ack_subject,
                  h.ack_content_type, h.verdict, h.detail, h.properties);
  std::vector<char> wire;
  r.encode(wire);
  proton::message got;
  got.decode(wire);
  const proton::message_id& request_id = correlation.empty() ? id : correlation;
  const proton::message_id reply_id = got.correlation_id();
  if (!(reply_id == request_id)) {
    std::fprintf(stderr, "reply correlation-id %s (%s), request's id %s (%s)\n",
                 proton::to_string(reply_id).c_str(), proton::type_name(reply_id.type()).c_str(),
                 proton::to_string(request_id).c_str(),
                 proton::type_name(request_id.type()).c_str());
  }
  APIPNR_FUZZ_CHECK(reply_id == request_id);
  const auto read = ah::detail::read_reply(got, std::size_t{16} << 20U);
  if (request_id.type() == proton::STRING) {
    APIPNR_FUZZ_CHECK(read.key.has_value() && *read.key == proton::get<std::string>(request_id));
  } else {
    APIPNR_FUZZ_CHECK(!read.key.has_value());
  }
  APIPNR_FUZZ_CHECK(read.o.outcome == ah::transport_outcome::completed);
  APIPNR_FUZZ_CHECK(read.o.body == h.ack);
  const auto subject = read.o.headers.find("subject");
  APIPNR_FUZZ_CHECK(h.ack_subject.empty()
                        ? subject == read.o.headers.end()
                        : subject != read.o.headers.end() && subject->second == h.ack_subject);
  return read.o;
}

// What amqp_intake::handle does with a converted message, then the reply as the harness reads it.
void handle(const am::inbound& in, unsigned selector, const proton::message_id& id,
            const proton::message_id& correlation) {
  fixture& f = the_fixture();
  if (!f.svc || f.served >= 1024) f.renew();
  ++f.served;
  f.log_text.str({});
  static constexpr ar::service::kind kinds[] = {ar::service::kind::paxlst, ar::service::kind::iapi,
                                                ar::service::kind::pnr_edifact,
                                                ar::service::kind::pnr_xml};
  const ar::service::kind k = kinds[(selector >> 1U) & 3U];
  const tr::request req = ar::to_request(in, k, "amqp", ++f.next_id);
  APIPNR_FUZZ_CHECK(req.body == in.body);
  APIPNR_FUZZ_CHECK(req.via_amqp);
  APIPNR_FUZZ_CHECK(
      req.content_type ==
      (in.content_type.empty() ? std::string(ar::default_content_type(k)) : in.content_type));
  std::optional<tr::response> answer;
  f.svc->handle_async(std::make_shared<const tr::request>(req),
                      [&answer](std::function<tr::response()> build) { answer = build(); });
  // The memory store completes put_async on the calling thread: the answer is here now.
  APIPNR_FUZZ_CHECK(answer.has_value());
  const am::handler_result h = ar::to_handler_result(*answer);

  APIPNR_FUZZ_CHECK(h.status != am::handler_status::failed);
  const bool stored =
      h.status == am::handler_status::stored || h.status == am::handler_status::duplicate;
  APIPNR_FUZZ_CHECK(stored == has_property(h, "location"));
  APIPNR_FUZZ_CHECK(h.verdict == "accept" || h.verdict == "accept_with_warnings" ||
                    h.verdict == "reject");
  if (h.status == am::handler_status::rejected) APIPNR_FUZZ_CHECK(h.verdict == "reject");
  APIPNR_FUZZ_CHECK(!h.ack.empty());

  const ah::observation reply = reply_as_read(h, id, correlation);
  const ah::classification c = ah::classify(reply);
  const std::string_view expected_subject = c.ack == ah::ack_type::contrl   ? "CONTRL"
                                            : c.ack == ah::ack_type::cusres ? "CUSRES"
                                            : c.ack == ah::ack_type::ackres ? "ACKRES"
                                                                            : "";
  if (h.ack_subject != expected_subject) {
    std::fprintf(stderr, "ack_subject '%s', the harness reads %s (%s)\n", h.ack_subject.c_str(),
                 std::string(ah::to_string(c.ack)).c_str(), c.summary.c_str());
  }
  APIPNR_FUZZ_CHECK(h.ack_subject == expected_subject);
  const bool acceptance = h.verdict != "reject";
  if ((acceptance && c.result == ah::decision::rejected) ||
      (!acceptance && c.result == ah::decision::accepted)) {
    std::fprintf(stderr, "verdict %s, the harness reads the reply as %s: %s\n", h.verdict.c_str(),
                 std::string(ah::to_string(c.result)).c_str(), c.summary.c_str());
    APIPNR_FUZZ_CHECK(false);
  }
}
#endif

void check(const proton::message& m, std::size_t limit, unsigned selector) {
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
#if APIPNR_FUZZ_AMQP_SERVICE
      handle(in.meta, selector, id, correlation);
#else
      (void)selector;
#endif
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
    check(m, limit, data[0]);
  } catch (const std::bad_alloc&) {
  } catch (const std::exception& e) {
    std::fprintf(stderr, "exception escaped the conversion: %s\n", e.what());
    __builtin_trap();
  }
  return 0;
}
