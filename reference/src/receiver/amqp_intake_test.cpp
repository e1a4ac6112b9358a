// The AMQP adapter's mapping without a broker: queue message -> request, the real service
// (pipeline when built, in-memory store) -> handler_result. The broker path is covered by the
// e2e tests (harness/tests/reference_e2e.py --transport amqp, receiver_amqp_restart).
#include "amqp_intake.hpp"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "apipnr/receiver/components.hpp"

namespace apipnr::receiver {
namespace {

std::string read_vector(const std::string& rel) {
  std::ifstream in(std::string(APIPNR_VECTORS_DIR) + "/" + rel, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

amqp::inbound message(std::string_view body, std::string content_type = {}) {
  amqp::inbound in;
  in.body = body;
  in.source = "/queue/apipnr.paxlst";
  in.message_id = "m-1";
  in.content_type = std::move(content_type);
  return in;
}

TEST(AmqpIntakeMapping, RequestStandsForAPostToTheKindsEndpoint) {
  const auto r = to_request(message("UNA:+.? 'UNB+x'"), service::kind::pnr_edifact, "broker", 7);
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.path, "/v1/pnr/edifact");
  EXPECT_EQ(r.content_type, "application/edifact");  // the kind's default when none is given
  EXPECT_EQ(r.sender, "broker");
  EXPECT_EQ(r.id, 7U);
  EXPECT_TRUE(r.via_amqp);
  EXPECT_EQ(r.body, "UNA:+.? 'UNB+x'");
  EXPECT_EQ(to_request(message("<x/>"), service::kind::pnr_xml, "b", 1).content_type,
            "application/xml");
  EXPECT_EQ(to_request(message("x", "text/plain"), service::kind::paxlst, "b", 1).content_type,
            "text/plain");
}

TEST(AmqpIntakeMapping, MessageTypeOfTheAcknowledgement) {
  EXPECT_EQ(edifact_message_type("UNB+UNOA:4+A+B'UNH+1+CONTRL:4:1:UN'UCI+1'"), "CONTRL");
  EXPECT_EQ(edifact_message_type("UNA:*.? 'UNB*UNOA:4'UNH*77*CUSRES:D:05B:UN:IATA'"), "CUSRES");
  EXPECT_EQ(edifact_message_type("{\"status\":422}"), "");
  EXPECT_EQ(edifact_message_type("UNH"), "");
  // "UNH" inside a value a CONTRL copied from the received UNB is no segment (found by
  // fuzz_receiver_amqp: the reply's subject was read from the UCI's copy).
  EXPECT_EQ(edifact_message_type("UNB+UNOA:4+XXUNH+1+PAXLST+GOV'UNH+1+CONTRL:4:1:UN'"), "CONTRL");
  EXPECT_EQ(edifact_message_type("UNB+UNOA:4+A?'UNH+1+X+B'\r\nUNH+2+CONTRL:4:1:UN'"), "CONTRL");
  EXPECT_EQ(edifact_message_type("UNB+UNOA:4+A?\?'UNH+1+CUSRES:D'"), "CUSRES");
  EXPECT_EQ(edifact_message_type("UNA:+.! 'UNB+UNOA:4+A!'UNH+1+X'UNH+2+ACKRES:D'"), "ACKRES");
}

TEST(AmqpIntakeMapping, ResponsesBecomeHandlerResults) {
  transport::response stored{200, "application/edifact", "UNH+1+ACKRES:x'", {}};
  stored.headers = {{"Location", "/v1/messages/12"}, {"X-Apipnr-Verdict", "accept"}};
  auto r = to_handler_result(stored);
  EXPECT_EQ(r.status, amqp::handler_status::stored);
  EXPECT_EQ(r.ack, "UNH+1+ACKRES:x'");
  EXPECT_EQ(r.ack_subject, "ACKRES");
  EXPECT_EQ(r.verdict, "accept");
  // The store id travels in `location` only (no apipnr-detail "id=N" beside it).
  EXPECT_TRUE(r.detail.empty());
  ASSERT_EQ(r.properties.size(), 1U);
  EXPECT_EQ(r.properties[0].first, "location");
  EXPECT_EQ(r.properties[0].second, "/v1/messages/12");

  transport::response dup{422, "application/edifact", "UNH+1+CONTRL:4'", {}};
  dup.headers = {{"Location", "/v1/messages/3"},
                 {"X-Apipnr-Duplicate-Of", "3"},
                 {"X-Apipnr-Verdict", "reject"}};
  r = to_handler_result(dup);
  EXPECT_EQ(r.status, amqp::handler_status::duplicate);
  EXPECT_EQ(r.verdict, "reject");

  // Refused before storing: answered and rejected, never redelivered.
  r = to_handler_result({415, "application/problem+json", "{}", {}});
  EXPECT_EQ(r.status, amqp::handler_status::rejected);
  EXPECT_EQ(r.verdict, "reject");
  EXPECT_EQ(r.ack_content_type, "application/problem+json");

  // Store unavailable: nothing may be acknowledged (RCV-DUR-001), the delivery comes back.
  r = to_handler_result({503, "application/problem+json", "{}", {{"Retry-After", "1"}}});
  EXPECT_EQ(r.status, amqp::handler_status::failed);
  EXPECT_TRUE(r.ack.empty());
  // Stored but no acknowledgement written: retried (answered as a duplicate next time).
  r = to_handler_result({500, "application/problem+json", "{}", {{"Location", "/v1/messages/4"}}});
  EXPECT_EQ(r.status, amqp::handler_status::failed);
}

// Through the real service: the same answers as over HTTP, with the store's channel = amqp.
TEST(AmqpIntakeMapping, ThroughTheService) {
  std::string why;
  std::shared_ptr<const checker> chk = make_syntax_checker({}, "GOVRCV");
  if (built_with().pipeline) {
    pipeline::options po;
    po.specs_dir = std::string(APIPNR_SOURCE_DIR) + "/specs";
    auto c = make_pipeline_checker(po, why);
    ASSERT_TRUE(c) << why;
    chk = *c;
  }
  auto store = make_memory_store();
  std::ostringstream log_text;
  auto log = std::make_shared<logger>(log_text, log_level::info);
  service svc({}, chk, store, make_fixed_decider(), log);

  const std::string body = read_vector("edifact/messages/paxlst/y_a1_one_passenger.edi");
  ASSERT_FALSE(body.empty());
  auto first =
      to_handler_result(svc.handle(to_request(message(body), service::kind::paxlst, "XX", 1)));
  EXPECT_EQ(first.status, amqp::handler_status::stored) << first.detail;
  EXPECT_NE(first.verdict, "reject");
  auto again =
      to_handler_result(svc.handle(to_request(message(body), service::kind::paxlst, "XX", 2)));
  EXPECT_EQ(again.status, amqp::handler_status::duplicate);
  EXPECT_EQ(store->size(), 1U);

  auto wrong_type = to_handler_result(
      svc.handle(to_request(message(body, "application/json"), service::kind::paxlst, "XX", 3)));
  EXPECT_EQ(wrong_type.status, amqp::handler_status::rejected);
  EXPECT_NE(wrong_type.ack.find("unsupported-media-type"), std::string::npos);
  auto empty =
      to_handler_result(svc.handle(to_request(message(""), service::kind::paxlst, "X", 4)));
  EXPECT_EQ(empty.status, amqp::handler_status::rejected);
  EXPECT_EQ(store->size(), 1U);
}

// amqp.workers 0 (the default): one worker per usable CPU for API queues, whose intake never
// waits on its worker; 32 as soon as a PNR queue is consumed, since PNR intake holds its
// worker until the group commit.
TEST(AmqpIntakeMapping, DefaultWorkersFollowTheQueues) {
  amqp_config api;
  EXPECT_EQ(api.workers, 0U);
  api.url = "amqp://127.0.0.1:5672";
  api.paxlst = "/queue/a";
  api.iapi = "/queue/b";
  EXPECT_EQ(default_amqp_workers(api), transport::usable_cpus());
  EXPECT_GE(default_amqp_workers(api), 1U);
  amqp_config pnr = api;
  pnr.pnr_edifact = "/queue/c";
  EXPECT_EQ(default_amqp_workers(pnr), 32U);
  pnr.pnr_edifact.clear();
  pnr.pnr_xml = "/queue/d";
  EXPECT_EQ(default_amqp_workers(pnr), 32U);
}

}  // namespace
}  // namespace apipnr::receiver
