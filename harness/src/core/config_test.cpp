#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "apipnr/harness/target.hpp"
#include "apipnr/harness/tender.hpp"

namespace apipnr::harness {
namespace {

std::vector<config_error> target_errors(const std::string& text, target_load_options o = {}) {
  std::vector<config_error> errors;
  auto t = parse_target(text, "/tmp/t.json", errors, o);
  EXPECT_EQ(t.has_value(), errors.empty());
  return errors;
}

TEST(HarnessTarget, MinimalHttpTargetLoadsWithDefaults) {
  std::vector<config_error> errors;
  auto t = parse_target(
      R"({"transport":"http","http":{"endpoints":{"paxlst":"http://127.0.0.1:8080/v1/api/paxlst"}},
          "timeouts":{"response_ms":2000,"per_kind_ms":{"iapi":500}}})",
      "/tmp/t.json", errors);
  ASSERT_TRUE(t) << (errors.empty() ? "" : to_string(errors[0]));
  EXPECT_EQ(t->endpoints.at(message_kind::paxlst), "http://127.0.0.1:8080/v1/api/paxlst");
  EXPECT_EQ(t->timeouts.for_kind(message_kind::iapi).count(), 500);
  EXPECT_EQ(t->timeouts.for_kind(message_kind::paxlst).count(), 2000);
  EXPECT_EQ(t->ack, ack_mode::synchronous);
}

TEST(HarnessTarget, ErrorsNameFileAndPointer) {
  auto e =
      target_errors(R"({"transport":"http","http":{"endpoints":{"paxlst":"ftp://x"}},"colour":1})");
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[0].code, "apipnr.harness.012");
  EXPECT_EQ(e[0].pointer, "/colour");
  EXPECT_EQ(e[1].pointer, "/http/endpoints/paxlst");
  EXPECT_EQ(to_string(e[1]).rfind("[apipnr.harness.014] /tmp/t.json#/http/endpoints/paxlst", 0),
            0u);
}

TEST(HarnessTarget, NotJsonAndMissingTransport) {
  EXPECT_EQ(target_errors("{").at(0).code, "apipnr.harness.011");
  EXPECT_EQ(target_errors("{}").at(0).code, "apipnr.harness.013");
  EXPECT_EQ(target_errors(R"({"transport":"smtp"})").at(0).pointer, "/transport");
}

TEST(HarnessTarget, UnknownMessageKindRejected) {
  auto e = target_errors(R"({"transport":"http","http":{"endpoints":{"paxlist":"http://h/x"}}})");
  ASSERT_FALSE(e.empty());
  EXPECT_EQ(e[0].pointer, "/http/endpoints/paxlist");
}

TEST(HarnessTarget, InsecureNeedsExplicitPermission) {
  const std::string text =
      R"({"transport":"http","http":{"endpoints":{"paxlst":"https://h/x"}},"tls":{"insecure_skip_verify":true}})";
  auto e = target_errors(text);
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].code, "apipnr.harness.015");
  EXPECT_TRUE(target_errors(text, {true}).empty());
}

TEST(HarnessTarget, SecretsFromEnvAndMissingEnvIsAnError) {
  ::setenv("APIPNR_HCORE_TEST_TOKEN", "s3cret", 1);
  std::vector<config_error> errors;
  auto t = parse_target(
      R"({"transport":"http","http":{"endpoints":{"iapi":"http://h/x"}},"auth":{"type":"bearer","token_env":"APIPNR_HCORE_TEST_TOKEN"}})",
      "/tmp/t.json", errors);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->auth.token, "s3cret");
  EXPECT_EQ(t->auth.secret_source, "env:APIPNR_HCORE_TEST_TOKEN");
  auto e = target_errors(
      R"({"transport":"http","http":{"endpoints":{"iapi":"http://h/x"}},"auth":{"type":"bearer","token_env":"APIPNR_HCORE_UNSET_VAR"}})");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].code, "apipnr.harness.016");
}

TEST(HarnessTarget, MtlsWithoutClientCertificateIsInconsistent) {
  auto e = target_errors(
      R"({"transport":"http","http":{"endpoints":{"paxlst":"https://h/x"}},"auth":{"type":"mtls"}})");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].code, "apipnr.harness.017");
}

TEST(HarnessTarget, AmqpReplyQueueModeNeedsReplyQueue) {
  auto e = target_errors(
      R"({"transport":"amqp","amqp":{"broker":"amqp://127.0.0.1:5672","queues":{"paxlst":"api.in"}},"acknowledgement":"reply_queue"})");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].pointer, "/amqp");
  EXPECT_TRUE(
      target_errors(
          R"({"transport":"amqp","amqp":{"broker":"amqp://127.0.0.1:5672","queues":{"paxlst":"api.in"},"reply_queue":"acks"},"acknowledgement":"reply_queue"})")
          .empty());
}

// Bounded reads: a device path neither hangs the loader nor fills memory.
TEST(HarnessTarget, EndlessFilesAreErrorsNotEndlessReads) {
  std::vector<config_error> errors;
  EXPECT_FALSE(load_target("/dev/zero", errors));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].code, "apipnr.harness.010");
  EXPECT_NE(errors[0].message.find("larger than"), std::string::npos) << errors[0].message;
  auto e = target_errors(
      R"({"transport":"http","http":{"endpoints":{"iapi":"http://h/x"}},"auth":{"type":"bearer","token_file":"/dev/zero"}})");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].code, "apipnr.harness.016");
  EXPECT_EQ(e[0].pointer, "/auth/token_file");
  EXPECT_NE(e[0].message.find("larger than"), std::string::npos) << e[0].message;
}

TEST(HarnessTarget, UnreadableFileIsError010) {
  std::vector<config_error> errors;
  EXPECT_FALSE(load_target("/nonexistent/target.json", errors));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].code, "apipnr.harness.010");
}

TEST(HarnessTarget, ShippedExamplesLoad) {
  for (const char* name : {"target-http.example.json", "target-amqp.example.json"}) {
    std::vector<config_error> errors;
    ::setenv("APIPNR_SUT_TOKEN", "example", 1);
    auto t = load_target(std::filesystem::path(APIPNR_SOURCE_DIR) / "specs/tender" / name, errors);
    EXPECT_TRUE(t) << name << ": " << (errors.empty() ? "" : to_string(errors[0]));
  }
}

TEST(HarnessKind, RoutesByFolderThenSniff) {
  EXPECT_EQ(kind_of("edifact/messages/iapi/3", ""), message_kind::iapi);
  EXPECT_EQ(kind_of("edifact/messages/pnrgov-multipart/3", ""), message_kind::pnrgov_edifact);
  EXPECT_EQ(kind_of("xml/pnrgov/1", ""), message_kind::pnrgov_xml);
  EXPECT_EQ(kind_of("edifact/syntax/una/1", "UNB+IATA:1+X+Y'UNH+1+PNRGOV:11:1:IA'"),
            message_kind::pnrgov_edifact);
  EXPECT_EQ(kind_of("edifact/syntax/una/1", "UNA:+.? 'UNB"), message_kind::paxlst);
}

TEST(HarnessTender, LoadsWeightsMandatoryAndTargets) {
  std::vector<config_error> errors;
  auto t = parse_tender(
      R"({"name":"T","mandatory":["SYN-UNA-001","group:api"],"weights":{"syntax":2,"syntax.una":5},"performance_targets":{"p99_ms":200}})",
      "/tmp/tp.json", errors);
  ASSERT_TRUE(t);
  EXPECT_TRUE(t->ranked());
  EXPECT_EQ(weight_for(*t, "syntax.una"), 5);
  EXPECT_EQ(weight_for(*t, "syntax.unb"), 2);
  EXPECT_EQ(weight_for(*t, "syntaxes"), 0);
  EXPECT_TRUE(is_mandatory(*t, "X", "api.paxlst"));
  EXPECT_TRUE(is_mandatory(*t, "SYN-UNA-001", "syntax.una"));
  EXPECT_FALSE(is_mandatory(*t, "SYN-UNA-002", "syntax.una"));
  EXPECT_EQ(t->performance_targets["p99_ms"], 200);
}

TEST(HarnessTender, ErrorsNamePointer) {
  std::vector<config_error> errors;
  EXPECT_FALSE(parse_tender(R"({"mandatory":["", 3],"weights":{"a":-1},"extra":1})", "/tmp/tp.json",
                            errors));
  ASSERT_EQ(errors.size(), 4u);
  EXPECT_EQ(errors[0].pointer, "/extra");
  EXPECT_EQ(errors[1].pointer, "/mandatory/0");
  EXPECT_EQ(errors[2].pointer, "/mandatory/1");
  EXPECT_EQ(errors[3].code, "apipnr.harness.023");
  errors.clear();
  EXPECT_FALSE(load_tender("/nonexistent.json", errors));
  EXPECT_EQ(errors.at(0).code, "apipnr.harness.020");
}

TEST(HarnessTender, ShippedExampleLoads) {
  std::vector<config_error> errors;
  auto t = load_tender(
      std::filesystem::path(APIPNR_SOURCE_DIR) / "specs/tender/tender-profile.example.json",
      errors);
  EXPECT_TRUE(t) << (errors.empty() ? "" : to_string(errors[0]));
}

// fuzz_harness_target (fuzz/crashers/harness_target_tilde_key.json): member names went into
// error pointers unescaped, so "a~b" gave "/a~b", which is no RFC 6901 pointer.
TEST(HarnessTarget, ErrorPointersEscapeMemberNames) {
  const auto errors = target_errors(
      R"({"transport":"http","http":{"endpoints":{"paxlst":"http://x","a/b":"http://y"}},
          "a~b":1,"fixtures":{"x~":"00"}})");
  std::vector<std::string> pointers;
  for (const auto& e : errors) pointers.push_back(e.pointer);
  EXPECT_EQ(pointers, std::vector<std::string>({"/a~0b", "/http/endpoints/a~1b", "/fixtures/x~0"}));
  std::vector<config_error> tender_errors;
  EXPECT_FALSE(parse_tender(R"({"weights":{"a/b":-1}})", "/tmp/t.json", tender_errors));
  ASSERT_EQ(tender_errors.size(), 1U);
  EXPECT_EQ(tender_errors[0].pointer, "/weights/a~1b");
}

}  // namespace
}  // namespace apipnr::harness
