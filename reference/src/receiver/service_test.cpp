// The receiver service behind the real HTTP server, in-process on 127.0.0.1 with an ephemeral
// port, driven by a Beast client. With the pipeline built, the real reference checks run;
// otherwise the syntax-only checker (tests that need extraction are skipped then).
#include "apipnr/receiver/service.hpp"

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>
#include <optional>
#include <sstream>
#include <system_error>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "apipnr/receiver/components.hpp"
#include "test_client.hpp"

namespace apipnr::receiver {
namespace {

using namespace std::chrono_literals;
using transport::testing::client;
using transport::testing::reply;

std::string read_vector(const std::string& rel) {
  std::ifstream in(std::string(APIPNR_VECTORS_DIR) + "/" + rel, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string replace(std::string s, std::string_view from, std::string_view to) {
  const auto at = s.find(from);
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

const std::map<std::string, std::string> kEdifact = {{"Content-Type", "application/edifact"},
                                                     {"Authorization", "Bearer xx-secret"}};

// The pipeline over the shipped specs (baseline profile).
pipeline::options shipped_specs() {
  pipeline::options po;
  po.specs_dir = std::string(APIPNR_SOURCE_DIR) + "/specs";
  return po;
}

// The receiver's default iAPI decider: the engine with empty lists when it is built, the fixed
// decider otherwise; nullptr (and `why` set) when the engine does not load.
std::shared_ptr<const iapi_decider> default_decider(std::string& why) {
  if (!built_with().iapi) return make_fixed_decider();
  auto e = make_iapi_engine({}, {}, why);
  return e ? *e : nullptr;
}

class ReceiverService : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto built = built_with();
    std::string why;
    if (built.pipeline) {
      const pipeline::options po = shipped_specs();
      auto c = make_pipeline_checker(po, why);
      ASSERT_TRUE(c) << why;
      checker_ = *c;
      with_pipeline_ = true;
    } else {
      checker_ = make_syntax_checker({}, "GOVRCV");
    }
    auto iapi = default_decider(why);
    ASSERT_TRUE(iapi) << why;
    store_ = make_memory_store();
    log_ = std::make_shared<logger>(log_text_, log_level::debug);
    service_options so;
    so.receiver_id = "GOVRCV";
    so.io_thread_max_bytes = io_thread_max_bytes_;
    service_ = std::make_shared<service>(so, checker_, store_, iapi, log_);
    transport::server_options o;
    o.max_body_bytes = 256 * 1024;
    o.read_timeout = 500ms;
    o.idle_timeout = 2s;
    o.shutdown_grace = 2s;
    o.auth.tokens = {{"XXAPI", "xx-secret"}, {"YYAPI", "yy-secret"}};
    server_ = transport::server::create(o, service_);
    ASSERT_FALSE(server_->start(why)) << why;
    client_ = std::make_unique<client>(server_->port());
    ASSERT_FALSE(client_->connect());
  }

  void TearDown() override {
    if (server_) server_->stop();
  }

  reply post(std::string_view path, std::string_view body,
             std::map<std::string, std::string> headers = kEdifact) {
    return client_->request("POST", path, body, headers);
  }

  std::shared_ptr<const checker> checker_;
  std::shared_ptr<message_store> store_;
  std::ostringstream log_text_;
  std::shared_ptr<logger> log_;
  std::shared_ptr<service> service_;
  std::unique_ptr<transport::server> server_;
  std::unique_ptr<client> client_;
  bool with_pipeline_ = false;
  std::size_t io_thread_max_bytes_ = 0;
};

// The same service with small API inputs handled on the HTTP server's I/O thread (what the
// application configures when the I/O threads cover every usable CPU).
class ReceiverServiceOnIoThread : public ReceiverService {
 protected:
  void SetUp() override {
    io_thread_max_bytes_ = 4096;
    ReceiverService::SetUp();
  }
};

// The intake's line of one request, parsed (the line written by log_line, log.hpp).
nlohmann::json intake_line(const std::string& logs, std::uint64_t request) {
  std::istringstream in(logs);
  for (std::string line; std::getline(in, line);) {
    auto j = nlohmann::json::parse(line);
    if (j.at("event") == "intake" && j.at("request") == request) return j;
  }
  return {};
}

TEST_F(ReceiverService, PaxlstA1IsAcceptedAfterStorage) {
  const auto a1 = read_vector("edifact/messages/paxlst/y_a1_one_passenger.edi");
  auto r = post("/v1/api/paxlst", a1);
  ASSERT_EQ(r.status, 202u) << r.body;
  EXPECT_EQ(r.body, "accepted id=1 verdict=accept\n");
  EXPECT_EQ(r.header("location"), "/v1/messages/1");
  EXPECT_EQ(store_->size(), 1u);
  auto q = client_->request("GET", "/v1/messages/1", {}, kEdifact);
  ASSERT_EQ(q.status, 200u);
  const auto j = nlohmann::json::parse(q.body);
  EXPECT_EQ(j["control_reference"], "1001");
  if (with_pipeline_) {
    ASSERT_EQ(j["messages"].size(), 1u);
    auto t = client_->request("GET", "/v1/flights/XX/123/2025-03-01/travellers", {}, kEdifact);
    ASSERT_EQ(t.status, 200u);
    EXPECT_EQ(nlohmann::json::parse(t.body)["travellers"].size(), 1u);
  }
}

TEST_F(ReceiverService, LogsCarryNoPersonalData) {
  (void)post("/v1/api/paxlst", read_vector("edifact/messages/paxlst/y_a1_one_passenger.edi"));
  (void)client_->request("GET", "/v1/messages/1", {}, kEdifact);
  const std::string logs = log_text_.str();
  EXPECT_NE(logs.find("\"event\":\"intake\""), std::string::npos);
  EXPECT_NE(logs.find("\"event\":\"query\""), std::string::npos);
  EXPECT_EQ(logs.find("BRIEN"), std::string::npos);
  EXPECT_EQ(logs.find("PA1234567"), std::string::npos);
  EXPECT_EQ(logs.find("850412"), std::string::npos);
}

TEST_F(ReceiverService, ContrlRequestedByUnb0031IsReturnedWith200) {
  auto a1 = read_vector("edifact/messages/paxlst/y_a1_one_passenger.edi");
  a1 = replace(a1, "+1001++APIS'", "+1002++APIS++1'");
  a1 = replace(a1, "UNZ+1+1001'", "UNZ+1+1002'");
  auto r = post("/v1/api/paxlst", a1);
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.header("content-type"), "application/edifact");
  EXPECT_NE(r.body.find("CONTRL"), std::string::npos);
  EXPECT_NE(r.body.find("UCI+1002"), std::string::npos);
}

TEST_F(ReceiverService, BrokenUntCountGets400WithContrlUciAndUcm) {
  auto a1 = read_vector("edifact/messages/paxlst/y_a1_one_passenger.edi");
  a1 = replace(a1, "UNT+23+1'", "UNT+22+1'");
  auto r = post("/v1/api/paxlst", a1);
  ASSERT_EQ(r.status, 400u) << r.body;
  EXPECT_EQ(r.header("content-type"), "application/edifact");
  EXPECT_NE(r.body.find("UCI+1001"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("UCM+1"), std::string::npos) << r.body;
  // Rejected input is still stored for inspection (RCV-DUR-003).
  EXPECT_EQ(store_->size(), 1u);
}

TEST_F(ReceiverService, ProblemJsonWhenTheClientAsksForIt) {
  auto a1 = read_vector("edifact/messages/paxlst/y_a1_one_passenger.edi");
  a1 = replace(a1, "UNT+23+1'", "UNT+22+1'");
  auto h = kEdifact;
  h["Accept"] = "application/problem+json";
  auto r = post("/v1/api/paxlst", a1, h);
  ASSERT_EQ(r.status, 400u);
  EXPECT_EQ(r.header("content-type"), "application/problem+json");
  const auto j = nlohmann::json::parse(r.body);
  EXPECT_EQ(j["status"], 400);
  EXPECT_EQ(j["type"], "urn:apipnr:problem:syntax-rejected");
  ASSERT_FALSE(j["findings"].empty());
  EXPECT_FALSE(j["findings"][0]["id"].get<std::string>().empty());
}

TEST_F(ReceiverService, ResentInterchangeIsADuplicate) {
  const auto a1 = read_vector("edifact/messages/paxlst/y_a1_one_passenger.edi");
  ASSERT_EQ(post("/v1/api/paxlst", a1).status, 202u);
  auto r = post("/v1/api/paxlst", a1);
  EXPECT_EQ(r.status, 202u);
  EXPECT_EQ(r.header("x-apipnr-duplicate-of"), "1");
  EXPECT_EQ(store_->size(), 1u);
}

TEST_F(ReceiverService, IapiRequestIsAnsweredWithCusres) {
  if (!with_pipeline_) GTEST_SKIP() << "needs the pipeline (extraction)";
  auto r = post("/v1/api/iapi", read_vector("edifact/messages/iapi/y_iapi_two_passengers.edi"));
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.header("content-type"), "application/edifact");
  EXPECT_NE(r.body.find("CUSRES:D:05B"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("ERP+2"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("RFF+TN:XX1232503011"), std::string::npos) << r.body;
}

// A request no CUSRES can echo (no RFF+TN, TRN-H2H-001) is answered 422 and stored as what
// it was answered: reject, with the reason as a finding (the stored verdict once said accept).
TEST_F(ReceiverService, IapiRequestWithoutTransactionReferenceIsStoredAsRejected) {
  if (!with_pipeline_) GTEST_SKIP() << "needs the pipeline (extraction)";
  auto h = kEdifact;
  h["Accept"] = "application/problem+json";
  auto r = post("/v1/api/iapi", read_vector("edifact/messages/iapi/n_iapi_tn_missing.edi"), h);
  ASSERT_EQ(r.status, 422u) << r.body;
  EXPECT_EQ(r.header("x-apipnr-verdict"), "reject");
  const auto j = nlohmann::json::parse(r.body);
  EXPECT_EQ(j["type"], "urn:apipnr:problem:iapi-not-answerable");
  bool named = false;
  for (const auto& f : j["findings"]) named = named || f["id"] == "RSP-CUSRES-TN";
  EXPECT_TRUE(named) << r.body;
  // An answerable request keeps its accept.
  auto ok = post("/v1/api/iapi", read_vector("edifact/messages/iapi/y_iapi_two_passengers.edi"));
  EXPECT_EQ(ok.status, 200u);
  EXPECT_EQ(ok.header("x-apipnr-verdict"), "accept");
}

// A request the checks accept but the decision engine refuses as a whole (here no valid
// departure date: DTM+188 instead of 189, IAPI-REQ-FLIGHT) was stored as accept and answered
// 200 with a header-level refusal (fuzz/crashers/receiver_intake_iapi_engine_refusal_200.input).
TEST_F(ReceiverService, IapiRequestTheEngineRefusesIsStoredAsRejectedAndAnswered422) {
  if (!with_pipeline_ || !built_with().iapi) GTEST_SKIP() << "needs the pipeline and the engine";
  std::string body = read_vector("edifact/messages/iapi/y_iapi_two_passengers.edi");
  const auto at = body.find("DTM+189:");
  ASSERT_NE(at, std::string::npos);
  body.replace(at, 8, "DTM+188:");
  auto r = post("/v1/api/iapi", body);
  ASSERT_EQ(r.status, 422u) << r.body;
  EXPECT_EQ(r.header("x-apipnr-verdict"), "reject");
  EXPECT_NE(r.body.find("ERP+1'ERC+1'FTX+AAP+++IAPI-REQ-FLIGHT"), std::string::npos) << r.body;
  auto again = post("/v1/api/iapi", body);
  EXPECT_EQ(again.status, 422u);
  EXPECT_EQ(again.header("x-apipnr-verdict"), "reject");
}

// A request the engine refuses because it has no traveller: refused before storing (as above),
// and still answered with the header-level CUSRES 962 (vector edifact/messages/iapi/10), not a
// problem: the refusal needs only the request's UNH reference and RFF+TN.
TEST_F(ReceiverService, IapiRequestWithoutPassengersIsAnsweredWithTheHeaderRefusal) {
  if (!with_pipeline_ || !built_with().iapi) GTEST_SKIP() << "needs the pipeline and the engine";
  const std::string body = read_vector("edifact/messages/iapi/n_iapi_no_passenger.edi");
  auto r = post("/v1/api/iapi", body);
  ASSERT_EQ(r.status, 422u) << r.body;
  EXPECT_EQ(r.header("x-apipnr-verdict"), "reject");
  EXPECT_NE(r.body.find("BGM+962"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("ERP+1'ERC+1'FTX+AAP+++IAPI-REQ-EMPTY"), std::string::npos) << r.body;
}

TEST_F(ReceiverServiceOnIoThread, OnlySmallApiPostsRunOnTheIoThread) {
  transport::request req;
  req.method = "POST";
  req.body.assign(4096, 'x');
  for (const char* path : {"/v1/api/iapi", "/v1/api/paxlst"}) {
    req.path = path;
    EXPECT_TRUE(service_->runs_on_io_thread(req)) << path;
  }
  req.body.push_back('x');
  EXPECT_FALSE(service_->runs_on_io_thread(req)) << "over io_thread_max_bytes";
  req.body.resize(10);
  for (const char* path : {"/v1/pnr/edifact", "/v1/pnr/xml", "/metrics", "/v1/messages/1"}) {
    req.path = path;
    EXPECT_FALSE(service_->runs_on_io_thread(req)) << path;
  }
  req.path = "/v1/api/iapi";
  req.method = "GET";
  EXPECT_FALSE(service_->runs_on_io_thread(req));
}

TEST_F(ReceiverService, NothingRunsOnTheIoThreadByDefault) {
  transport::request req;
  req.method = "POST";
  req.path = "/v1/api/iapi";
  req.body = "UNA";
  EXPECT_FALSE(service_->runs_on_io_thread(req));
}

// On the I/O thread the intake is the same: stored before the acknowledgement, the CUSRES or
// the receipt, one intake log line with its fields.
TEST_F(ReceiverServiceOnIoThread, IapiAndPaxlstAreAnsweredAfterStorage) {
  if (!with_pipeline_) GTEST_SKIP() << "needs the pipeline (extraction)";
  auto r = post("/v1/api/iapi", read_vector("edifact/messages/iapi/y_iapi_two_passengers.edi"));
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_NE(r.body.find("CUSRES:D:05B"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("ERP+2"), std::string::npos) << r.body;
  r = post("/v1/api/paxlst", read_vector("edifact/messages/paxlst/y_a1_one_passenger.edi"));
  ASSERT_EQ(r.status, 202u) << r.body;
  EXPECT_EQ(store_->size(), 2u);
  const auto line = intake_line(log_text_.str(), 1);
  ASSERT_TRUE(line.is_object()) << log_text_.str();
  EXPECT_EQ(line.at("kind"), "iapi");
  EXPECT_EQ(line.at("status"), 200);
  EXPECT_TRUE(line.at("verdict") == "accept" || line.at("verdict") == "accept_with_warnings")
      << line;
  EXPECT_EQ(line.at("duplicate"), false);
  EXPECT_TRUE(line.at("id").is_number_integer());
  EXPECT_TRUE(line.at("latency_ms").is_number());
  EXPECT_TRUE(line.at("findings").is_array());
  EXPECT_EQ(line.at("sender_identity"), "XXAPI");
}

// On the iAPI channel only a request asks for a CUSRES; a close-out and the carrier's own
// CUSRES 312 are acknowledged like batch input (docs/RECEIVER.md, STANDARDS.md §2.7).
TEST_F(ReceiverService, IapiCloseOutAndCarrierCusresGetAReceipt) {
  if (!with_pipeline_) GTEST_SKIP() << "needs the pipeline (message kinds)";
  for (const char* v : {"edifact/messages/iapi/y_iapi_266_clob.edi",
                        "edifact/messages/iapi/y_cusres_312_ack.edi"}) {
    auto r = post("/v1/api/iapi", read_vector(v));
    EXPECT_EQ(r.status, 202u) << v << ": " << r.body;
    EXPECT_EQ(r.body.rfind("accepted id=", 0), 0u) << v << ": " << r.body;
  }
  EXPECT_EQ(store_->size(), 2u);
}

// A 4xx never carries a CONTRL that says "acknowledged": a carrier CUSRES rejected by a profile
// rule only (no syntax or structure finding for UCM 4) gets the problem with its findings.
TEST_F(ReceiverService, ProfileRejectionGetsProblemNotAnAcceptingContrl) {
  if (!with_pipeline_) GTEST_SKIP() << "needs the pipeline (profile rules)";
  auto r = post("/v1/api/iapi", read_vector("edifact/messages/iapi/n_cusres_bgm_963.edi"));
  ASSERT_EQ(r.status, 422u) << r.body;
  EXPECT_EQ(r.header("content-type"), "application/problem+json") << r.body;
  const auto j = nlohmann::json::parse(r.body);
  bool cited = false;
  for (const auto& f : j["findings"]) cited = cited || f["requirement"] == "API-CUSRES-BGM-001";
  EXPECT_TRUE(cited) << r.body;
}

TEST_F(ReceiverService, PnrgovIsAnsweredWithAckres) {
  auto r = post("/v1/pnr/edifact", read_vector("edifact/messages/pnrgov/y_a3_full_push.edi"));
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_NE(r.body.find("ACKRES"), std::string::npos) << r.body;
  EXPECT_EQ(r.body.find("ERC+"), std::string::npos) << r.body;
}

TEST_F(ReceiverService, WrongContentTypeGets415) {
  auto h = kEdifact;
  h["Content-Type"] = "application/json";
  auto r = post("/v1/api/paxlst", "{}", h);
  EXPECT_EQ(r.status, 415u);
  EXPECT_EQ(nlohmann::json::parse(r.body)["type"], "urn:apipnr:problem:unsupported-media-type");
  h["Content-Type"] = "application/edifact";
  EXPECT_EQ(post("/v1/pnr/xml", "<a/>", h).status, 415u);
  EXPECT_EQ(store_->size(), 0u);
}

TEST_F(ReceiverService, OversizedPayloadGets413) {
  // The server answers as soon as it sees Content-Length, so the client's write may fail
  // half-way; the 413 must still arrive.
  (void)client_->send_raw(
      "POST /v1/api/paxlst HTTP/1.1\r\nHost: h\r\nContent-Type: "
      "application/edifact\r\nAuthorization: Bearer xx-secret\r\n"
      "Content-Length: 307200\r\n\r\n" +
      std::string(300 * 1024, 'A'));
  auto r = client_->read();
  EXPECT_EQ(r.status, 413u);
  EXPECT_EQ(r.header("content-type"), "application/problem+json");
}

TEST_F(ReceiverService, MissingOrWrongTokenGets401) {
  auto r = post("/v1/api/paxlst", "x", {{"Content-Type", "application/edifact"}});
  EXPECT_EQ(r.status, 401u);
  EXPECT_NE(r.header("www-authenticate").find("Bearer"), std::string::npos);
  r = post("/v1/api/paxlst", "x",
           {{"Content-Type", "application/edifact"}, {"Authorization", "Bearer nope"}});
  EXPECT_EQ(r.status, 401u);
  EXPECT_EQ(client_->request("GET", "/v1/messages/1").status, 401u);
  EXPECT_EQ(store_->size(), 0u);
}

TEST_F(ReceiverService, BinaryGarbageIsRejectedAndTheNextRequestWorks) {
  std::string garbage;
  for (int i = 0; i < 4096; ++i) garbage.push_back(static_cast<char>((i * 131 + 7) % 256));
  auto r = post("/v1/api/paxlst", garbage);
  EXPECT_EQ(r.status, 400u) << r.body;
  r = post("/v1/pnr/edifact", garbage);
  EXPECT_EQ(r.status, 400u) << r.body;
  auto ok = post("/v1/api/paxlst", read_vector("edifact/messages/paxlst/y_a1_one_passenger.edi"));
  EXPECT_EQ(ok.status, 202u);
}

// RFC 9110: media types and parameter names are case-insensitive (parse_media compares them
// without copying the header).
TEST_F(ReceiverService, MediaTypeAndCharsetParameterAreCaseInsensitive) {
  auto h = kEdifact;
  h["Content-Type"] = "Application/EDIFACT ; Charset=\"US-ASCII\"";
  EXPECT_EQ(post("/v1/api/paxlst", read_vector("edifact/messages/paxlst/y_a1_one_passenger.edi"), h)
                .status,
            202u);
  h["Content-Type"] = "TEXT/PLAIN; CHARSET=Utf-8";
  auto r = post("/v1/api/paxlst", "UNB+UNOW:4+A+B+250301:0930+1'\xff\xfe", h);
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(nlohmann::json::parse(r.body)["type"], "urn:apipnr:problem:invalid-utf8");
  h["Content-Type"] = "APPLICATION/JSON";
  EXPECT_EQ(post("/v1/api/paxlst", "{}", h).status, 415u);
  h["Content-Type"] = "application/edifactx";
  EXPECT_EQ(post("/v1/api/paxlst", "{}", h).status, 415u);
}

TEST_F(ReceiverService, InvalidUtf8WhereDeclaredGets400) {
  auto h = kEdifact;
  h["Content-Type"] = "text/plain; charset=UTF-8";
  auto r = post("/v1/api/paxlst", "UNB+UNOW:4+A+B+250301:0930+1'\xff\xfe", h);
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(nlohmann::json::parse(r.body)["type"], "urn:apipnr:problem:invalid-utf8");
  h["Content-Type"] = "application/xml";
  EXPECT_EQ(post("/v1/pnr/xml", "<a>\xc3\x28</a>", h).status, 400u);
}

TEST_F(ReceiverService, HealthReadinessAndMetrics) {
  EXPECT_EQ(client_->request("GET", "/healthz").body, "ok\n");
  EXPECT_EQ(client_->request("GET", "/readyz").status, 200u);
  ASSERT_EQ(
      post("/v1/api/paxlst", read_vector("edifact/messages/paxlst/y_a1_one_passenger.edi")).status,
      202u);
  auto m = client_->request("GET", "/metrics");
  ASSERT_EQ(m.status, 200u);
  EXPECT_NE(m.body.find("apipnr_messages_total{kind=\"paxlst\",verdict=\"accept\"} 1"),
            std::string::npos)
      << m.body;
  EXPECT_NE(m.body.find("apipnr_intake_duration_seconds_count 1"), std::string::npos);
  EXPECT_NE(m.body.find("apipnr_requests_in_flight 1"), std::string::npos);  // this request
  EXPECT_NE(m.body.find("apipnr_store_interchanges 1"), std::string::npos);
  store_->close();
  EXPECT_EQ(client_->request("GET", "/readyz").status, 503u);
}

TEST_F(ReceiverService, ClosedStoreMeansNoAcknowledgement) {
  store_->close();
  auto r = post("/v1/api/paxlst", read_vector("edifact/messages/paxlst/y_a1_one_passenger.edi"));
  EXPECT_EQ(r.status, 503u);
  EXPECT_EQ(r.body.find("UCI"), std::string::npos);
  EXPECT_EQ(r.header("retry-after"), "1");
}

TEST_F(ReceiverService, UnknownPathAndWrongMethod) {
  EXPECT_EQ(client_->request("GET", "/nope", {}, kEdifact).status, 404u);
  auto r = client_->request("GET", "/v1/api/paxlst", {}, kEdifact);
  EXPECT_EQ(r.status, 405u);
  EXPECT_EQ(r.header("allow"), "POST");
  EXPECT_EQ(client_->request("GET", "/v1/messages/abc", {}, kEdifact).status, 404u);
  EXPECT_EQ(client_->request("GET", "/v1/pnrs/ZZZ999", {}, kEdifact).status, 404u);
}

// RCV-LIM-001: an input raising a flood of findings is stored and answered with a capped list
// (errors first) plus one RCV-FINDINGS-LIMIT finding, and its verdict still counts them all.
class flooding_checker final : public checker {
 public:
  explicit flooding_checker(std::shared_ptr<const checker> inner) : inner_(std::move(inner)) {}
  pipeline::result check(std::string_view bytes) const override {
    pipeline::result r = inner_->check(bytes);
    r.findings.clear();
    r.finding_message.clear();
    for (int i = 0; i < 3000; ++i) {
      diagnostic d;
      d.id = "TEST-WARN";
      d.level = severity::warning;
      d.where = scope::segment;
      r.findings.push_back(std::move(d));
      r.finding_message.push_back(0);
    }
    diagnostic e;
    e.id = "TEST-ERROR";
    e.level = severity::error;
    r.findings.push_back(std::move(e));
    r.finding_message.push_back(0);
    r.outcome = pipeline::verdict::reject;
    return r;
  }

 private:
  std::shared_ptr<const checker> inner_;
};

// /metrics splits a put's time with the SQLite store's group-commit histograms: the wait in the
// store's queue, the commit's duration and the puts per commit (docs/STORE.md).
TEST(ReceiverServiceMetrics, GroupCommitHistogramsOfTheSqliteStore) {
  if (!built_with().store) GTEST_SKIP() << "needs the store";
  const auto dir = std::filesystem::temp_directory_path() /
                   ("apipnr-service-metrics-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    std::string why;
    store::options so;
    so.path = dir / "store.db";
    auto st = make_sqlite_store(std::move(so), why);
    ASSERT_TRUE(st) << why;
    std::ostringstream log_text;
    service svc(service_options{}, make_syntax_checker({}, "GOVRCV"), *st, make_fixed_decider(),
                std::make_shared<logger>(log_text, log_level::info));
    transport::request req;
    req.method = "POST";
    req.target = req.path = "/v1/api/paxlst";
    req.content_type = "application/edifact";
    req.sender = "XXAPI";
    req.body = read_vector("edifact/messages/paxlst/y_a1_one_passenger.edi");
    ASSERT_EQ(svc.handle(req).status, 202u);
    transport::request get;
    get.method = "GET";
    get.target = get.path = "/metrics";
    const std::string m = svc.handle(get).body;
    for (const char* line :
         {"# TYPE apipnr_store_queue_wait_seconds histogram",
          "apipnr_store_queue_wait_seconds_count 1",
          "apipnr_store_commit_seconds_bucket{le=\"+Inf\"} 1",
          "apipnr_store_commit_seconds_count 1", "apipnr_store_batch_puts_bucket{le=\"1\"} 1",
          "apipnr_store_batch_puts_sum 1", "apipnr_store_transactions_total 1",
          // One put is far below checkpoint_pages (1000 frames): no checkpoint yet.
          "# TYPE apipnr_store_checkpoint_seconds histogram",
          "apipnr_store_checkpoint_seconds_count 0",
          "# TYPE apipnr_store_forced_checkpoint_seconds histogram",
          "apipnr_store_forced_checkpoint_seconds_count 0",
          "apipnr_store_checkpoint_frames_total 0",
          "apipnr_store_checkpoint_writeback_syncs_total 0"}) {
      EXPECT_NE(m.find(line), std::string::npos) << line << "\n" << m;
    }
    (*st)->close();
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

// The pipeline checker's join (real_components.cpp) hands the session a result it keeps (the
// const session::add, which copies only what loads); over a sequence of singles, rejected inputs
// and the parts of a set it must load exactly what a pipeline::session fed the same results
// loads, with the same set findings.
TEST(PipelineCheckerJoin, LoadsWhatTheSessionLoads) {
  if (!built_with().pipeline) GTEST_SKIP() << "built without the pipeline";
  const pipeline::options po = shipped_specs();
  std::string why;
  auto chk = make_pipeline_checker(po, why);
  ASSERT_TRUE(chk) << why;
  // join_or_same (the iAPI intake's) on a checker of its own, whose session sees the same
  // inputs: r.messages itself (nullopt) exactly when that is what loads.
  auto chk_same = make_pipeline_checker(po, why);
  ASSERT_TRUE(chk_same) << why;
  pipeline::session reference;
  std::size_t loaded = 0, lent = 0;
  for (const char* rel : {
           "edifact/messages/paxlst/y_a1_one_passenger.edi",
           "edifact/messages/iapi/y_iapi_745_request.edi",
           "edifact/messages/paxlst-multipart/y_bare_numbers_part01.edi",
           "edifact/messages/paxlst/n_bgm_missing.edi",
           "edifact/messages/paxlst-multipart/y_bare_numbers_part02.edi",
           "edifact/messages/paxlst-multipart/y_bare_numbers_part03.edi",
           "edifact/messages/paxlst-multipart/y_bare_numbers_part03.edi",
       }) {
    pipeline::result r = (*chk)->check(read_vector(rel));
    std::vector<diagnostic> set_findings;
    const auto got = (*chk)->join(r, set_findings);
    std::vector<diagnostic> same_findings;
    std::vector<nlohmann::json> same;  // before reference.add below, which moves r.messages
    const auto joined = (*chk_same)->join_or_same(r, same_findings);
    for (const auto& m : joined ? *joined : r.messages) same.push_back(model::to_json(m));
    lent += joined ? 0 : 1;
    diagnostic_list sink;
    const auto want = reference.add(r, sink);
    ASSERT_EQ(got.size(), want.size()) << rel;
    for (std::size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(model::to_json(got[i]), model::to_json(want[i])) << rel;
    }
    ASSERT_EQ(set_findings.size(), sink.items().size()) << rel;
    for (std::size_t i = 0; i < set_findings.size(); ++i) {
      EXPECT_EQ(set_findings[i].id, sink.items()[i].id) << rel;
    }
    loaded += got.size();
    ASSERT_EQ(same.size(), want.size()) << rel;
    for (std::size_t i = 0; i < same.size(); ++i)
      EXPECT_EQ(same[i], model::to_json(want[i])) << rel;
    ASSERT_EQ(same_findings.size(), set_findings.size()) << rel;
  }
  // y_a1, the iAPI request and the completed set; neither the rejected input nor the open
  // set's parts nor the resent last part load anything.
  EXPECT_EQ(loaded, 3u);
  // y_a1 and the iAPI request load their own messages as they are.
  EXPECT_EQ(lent, 2u);
}

TEST(ReceiverServiceLimits, FindingsAreCappedErrorsFirstAndCounted) {
  auto st = make_memory_store();
  std::ostringstream log_text;
  service_options so;
  so.max_findings = 100;
  service svc(so, std::make_shared<flooding_checker>(make_syntax_checker({}, "GOVRCV")), st,
              make_fixed_decider(), std::make_shared<logger>(log_text, log_level::info));
  transport::request req;
  req.method = "POST";
  req.target = req.path = "/v1/api/paxlst";
  req.content_type = "application/edifact";
  req.sender = "XXAPI";
  req.body = read_vector("edifact/messages/paxlst/y_a1_one_passenger.edi");
  const auto resp = svc.handle(req);
  EXPECT_GE(resp.status, 400u);
  EXPECT_LT(resp.status, 500u);
  ASSERT_EQ(st->size(), 1u);
  transport::request q;
  q.method = "GET";
  q.target = q.path = "/v1/messages/1";
  q.sender = "XXAPI";
  const auto got = svc.handle(q);
  ASSERT_EQ(got.status, 200u) << got.body;
  const auto j = nlohmann::json::parse(got.body);
  const auto& f = j.at("findings");
  ASSERT_EQ(f.size(), 101u);
  EXPECT_EQ(f[0].at("id"), "TEST-WARN");
  bool error_kept = false;
  for (const auto& x : f) error_kept = error_kept || x.at("id") == "TEST-ERROR";
  EXPECT_TRUE(error_kept);
  EXPECT_EQ(f.back().at("id"), "RCV-FINDINGS-LIMIT");
  // The in-memory store keeps no finding details (the SQLite one does).
  if (f.back().contains("detail")) {
    EXPECT_NE(f.back().at("detail").get<std::string>().find("2901 more"), std::string::npos);
  }
}

// A store whose puts complete only once two are pending, from a thread of its own: with one
// transport worker, a handler that waited for its commit would hold the only worker and the
// second request would never reach the store. The asynchronous API intake answers both, and
// only after their puts completed (RCV-DUR-001).
class gathering_store final : public message_store {
 public:
  explicit gathering_store(std::shared_ptr<message_store> inner) : inner_(std::move(inner)) {}
  ~gathering_store() override {
    for (auto& t : threads_) t.join();
  }
  boost::system::result<store::put_outcome> put(store::received r) override {
    return inner_->put(std::move(r));
  }
  void put_async(store::received r, put_done done) override {
    std::lock_guard lock(mu_);
    pending_.emplace_back(std::move(r), std::move(done));
    if (pending_.size() < 2) return;
    threads_.emplace_back([this, batch = std::exchange(pending_, {})]() mutable {
      for (auto& [rec, d] : batch) {
        completed_.fetch_add(1);
        d(inner_->put(std::move(rec)));
      }
    });
  }
  query_result interchange(std::int64_t id, std::string_view actor) override {
    return inner_->interchange(id, actor);
  }
  query_result flight_travellers(std::string_view carrier, std::string_view number,
                                 std::string_view date, std::string_view actor) override {
    return inner_->flight_travellers(carrier, number, date, actor);
  }
  query_result pnr(std::string_view locator, std::string_view actor) override {
    return inner_->pnr(locator, actor);
  }
  bool is_open() const noexcept override { return inner_->is_open(); }
  std::uint64_t size() const noexcept override { return inner_->size(); }
  void close() noexcept override { inner_->close(); }
  std::atomic<int> completed_{0};

 private:
  std::shared_ptr<message_store> inner_;
  std::mutex mu_;
  std::vector<std::pair<store::received, put_done>> pending_;
  std::vector<std::thread> threads_;
};

TEST(ReceiverServiceAsync, ApiIntakeHoldsNoWorkerWhileItsCommitIsPending) {
  auto st = std::make_shared<gathering_store>(make_memory_store());
  std::ostringstream log_text;
  auto svc = std::make_shared<service>(service_options{}, make_syntax_checker({}, "GOVRCV"), st,
                                       make_fixed_decider(),
                                       std::make_shared<logger>(log_text, log_level::info));
  transport::server_options o;
  o.worker_threads = 1;
  o.shutdown_grace = 2s;
  auto srv = transport::server::create(o, svc);
  std::string why;
  ASSERT_FALSE(srv->start(why)) << why;
  const auto a1 = read_vector("edifact/messages/paxlst/y_a1_one_passenger.edi");
  const std::map<std::string, std::string> headers = {{"Content-Type", "application/edifact"}};
  std::vector<reply> replies(2);
  std::vector<std::thread> senders;
  for (std::size_t i = 0; i < 2; ++i) {
    senders.emplace_back([&, i] {
      client c(srv->port());
      if (c.connect()) return;
      // Distinct control references: two new interchanges, not a duplicate.
      const std::string ref = i == 0 ? "1001" : "1002";
      std::string body = replace(a1, "+1001++APIS'", "+" + ref + "++APIS'");
      body = replace(body, "UNZ+1+1001'", "UNZ+1+" + ref + "'");
      replies[i] = c.request("POST", "/v1/api/paxlst", body, headers);
    });
  }
  for (auto& t : senders) t.join();
  for (const auto& r : replies) {
    EXPECT_EQ(r.status, 202u) << r.body;
    EXPECT_NE(r.header("location"), "");
  }
  EXPECT_NE(replies[0].header("location"), replies[1].header("location"));
  EXPECT_EQ(st->completed_.load(), 2);
  EXPECT_EQ(st->size(), 2u);
  srv->stop();
}

// A store that keeps every record it is given, to compare what two services stored.
class recording_store final : public message_store {
 public:
  boost::system::result<store::put_outcome> put(store::received r) override {
    const std::lock_guard lock(mu_);
    records_.push_back(std::move(r));
    count_.store(records_.size());
    return store::put_outcome{static_cast<std::int64_t>(records_.size()), false};
  }
  query_result interchange(std::int64_t, std::string_view) override { return {}; }
  query_result flight_travellers(std::string_view, std::string_view, std::string_view,
                                 std::string_view) override {
    return {};
  }
  query_result pnr(std::string_view, std::string_view) override { return {}; }
  bool is_open() const noexcept override { return true; }
  std::uint64_t size() const noexcept override { return count_.load(); }
  void close() noexcept override {}
  std::vector<store::received> records_;

 private:
  std::mutex mu_;
  std::atomic<std::uint64_t> count_{0};
};

// The pipeline checker without its check_into: every input is checked into a new result (the
// interface's default), as the service did before it kept results between intakes.
class fresh_result_checker final : public checker {
 public:
  explicit fresh_result_checker(std::shared_ptr<const checker> inner) : inner_(std::move(inner)) {}
  pipeline::result check(std::string_view bytes) const override { return inner_->check(bytes); }
  std::vector<model::canonical_message> join(const pipeline::result& r,
                                             std::vector<diagnostic>& set_findings) const override {
    return inner_->join(r, set_findings);
  }

 private:
  std::shared_ptr<const checker> inner_;
};

// An acknowledgement without its UNB and UNZ (they carry the time and our control reference).
std::string without_envelope(std::string_view edifact) {
  std::string out;
  while (!edifact.empty()) {
    const auto end = edifact.find('\'');
    const std::string_view seg =
        end == std::string_view::npos ? edifact : edifact.substr(0, end + 1);
    edifact.remove_prefix(seg.size());
    const auto tag = seg.find_first_not_of("\r\n");
    if (tag != std::string_view::npos &&
        (seg.substr(tag, 3) == "UNB" || seg.substr(tag, 3) == "UNZ")) {
      continue;
    }
    out += seg;
  }
  return out;
}

// The service checks small inputs into results kept from earlier intakes (check_into), and a
// PAXLST's messages move to the store (join_taking). Over a sequence in which each input
// follows a larger, a rejected or a different kind of input, and the parts of a multi-part set,
// the answers (JSON receipts with their message count included) and the stored records must be
// those of a service that checks every input into a new result and copies its messages:
// nothing of an earlier input may remain (a traveller, a finding, a message).
TEST(ReceiverServiceReuse, ReusedResultsAnswerAndStoreAsFreshOnes) {
  if (!built_with().pipeline) GTEST_SKIP() << "built without the pipeline";
  const pipeline::options po = shipped_specs();
  std::string why;
  // One checker each: a checker's session joins the parts of a set.
  auto chk = make_pipeline_checker(po, why);
  ASSERT_TRUE(chk) << why;
  auto chk_fresh = make_pipeline_checker(po, why);
  ASSERT_TRUE(chk_fresh) << why;
  auto iapi = default_decider(why);
  ASSERT_TRUE(iapi) << why;
  std::ostringstream log_a, log_b;
  auto store_a = std::make_shared<recording_store>();
  auto store_b = std::make_shared<recording_store>();
  service_options so;
  so.receiver_id = "GOVRCV";
  service reused(so, *chk, store_a, iapi, std::make_shared<logger>(log_a, log_level::info));
  service fresh(so, std::make_shared<fresh_result_checker>(*chk_fresh), store_b, iapi,
                std::make_shared<logger>(log_b, log_level::info));
  struct input {
    const char* path;
    const char* vector;
    const char* accept;
  };
  const input inputs[] = {
      {"/v1/api/iapi", "edifact/messages/iapi/y_iapi_watchlist_three_passengers.edi", ""},
      {"/v1/api/iapi", "edifact/messages/iapi/y_iapi_745_request.edi", ""},
      {"/v1/api/paxlst", "edifact/messages/paxlst/n_bgm_missing.edi", ""},
      {"/v1/api/iapi", "edifact/messages/iapi/y_iapi_two_passengers.edi", ""},
      {"/v1/api/paxlst", "edifact/messages/paxlst/y_a1_one_passenger.edi", ""},
      {"/v1/api/paxlst", "edifact/messages/paxlst/y_a1_one_passenger.edi", "application/json"},
      {"/v1/api/paxlst", "edifact/messages/paxlst/n_bgm_missing.edi", "application/json"},
      {"/v1/api/iapi", "edifact/messages/iapi/y_iapi_266_clob.edi", ""},
      {"/v1/api/iapi", "edifact/messages/iapi/n_iapi_no_passenger.edi", ""},
      {"/v1/api/iapi", "edifact/messages/iapi/y_iapi_745_cp_change.edi", ""},
      {"/v1/api/paxlst", "edifact/messages/paxlst-multipart/y_bare_numbers_part01.edi", ""},
      {"/v1/api/paxlst", "edifact/messages/paxlst-multipart/y_bare_numbers_part02.edi", ""},
      {"/v1/api/paxlst", "edifact/messages/paxlst-multipart/y_bare_numbers_part03.edi",
       "application/json"},
      {"/v1/api/paxlst", "edifact/messages/paxlst/y_a1_one_passenger.edi", ""},
  };
  auto send = [](service& svc, const input& in, const std::string& body) {
    auto req = std::make_shared<transport::request>();
    req->method = "POST";
    req->target = req->path = in.path;
    req->accept = in.accept;
    req->content_type = "application/edifact";
    req->sender = "XXAPI";
    req->body = body;
    std::optional<transport::response> got;
    // The store completes synchronously (message_store::put_async's default), so does this.
    svc.handle_async(std::move(req),
                     [&got](std::function<transport::response()> build) { got = build(); });
    return got;
  };
  for (const input& in : inputs) {
    const char* rel = in.vector;
    const std::string body = read_vector(rel);
    ASSERT_FALSE(body.empty()) << rel;
    const auto a = send(reused, in, body);
    const auto b = send(fresh, in, body);
    ASSERT_TRUE(a && b) << rel;
    EXPECT_EQ(a->status, b->status) << rel;
    EXPECT_EQ(a->content_type, b->content_type) << rel;
    EXPECT_EQ(without_envelope(a->body), without_envelope(b->body)) << rel;
    // Each JSON receipt here is of a one-message interchange (PAXLST's count survives the move).
    if (a->content_type == "application/json") {
      const auto j = nlohmann::json::parse(a->body);
      if (j.contains("messages")) {
        EXPECT_EQ(j.at("messages"), 1) << rel;
      }
    }
    ASSERT_EQ(store_a->records_.size(), store_b->records_.size()) << rel;
    const store::received& ra = store_a->records_.back();
    const store::received& rb = store_b->records_.back();
    EXPECT_EQ(ra.sender, rb.sender) << rel;
    EXPECT_EQ(ra.control_reference, rb.control_reference) << rel;
    EXPECT_EQ(ra.message_references, rb.message_references) << rel;
    EXPECT_EQ(ra.outcome, rb.outcome) << rel;
    EXPECT_EQ(ra.finding_message, rb.finding_message) << rel;
    ASSERT_EQ(ra.findings.size(), rb.findings.size()) << rel;
    for (std::size_t i = 0; i < ra.findings.size(); ++i) {
      EXPECT_EQ(ra.findings[i].id, rb.findings[i].id) << rel;
      EXPECT_EQ(ra.findings[i].level, rb.findings[i].level) << rel;
      EXPECT_EQ(ra.findings[i].detail, rb.findings[i].detail) << rel;
      EXPECT_EQ(ra.findings[i].pos.segment, rb.findings[i].pos.segment) << rel;
    }
    ASSERT_EQ(ra.messages.size(), rb.messages.size()) << rel;
    for (std::size_t i = 0; i < ra.messages.size(); ++i) {
      EXPECT_EQ(model::to_json(ra.messages[i]), model::to_json(rb.messages[i])) << rel;
    }
  }
  // Some answers are CUSRES with passengers, some rejections: the sequence tests something.
  EXPECT_EQ(store_a->records_.size(), std::size(inputs));
}

// The intake's line is built only when the logger writes it: at level warn an accepted input
// writes nothing, but a refused one (store unavailable, an error line) still has every field
// the info line has, in the same order.
TEST(ReceiverServiceLog, IntakeLineOnlyWhenWrittenAndCompleteAtError) {
  const auto a1 = read_vector("edifact/messages/paxlst/y_a1_one_passenger.edi");
  auto run = [&](log_level level, bool close_store) {
    auto st = make_memory_store();
    if (close_store) st->close();
    std::ostringstream text;
    service svc(service_options{}, make_syntax_checker({}, "GOVRCV"), st, make_fixed_decider(),
                std::make_shared<logger>(text, level));
    auto req = std::make_shared<transport::request>();
    req->id = 7;
    req->method = "POST";
    req->target = req->path = "/v1/api/paxlst";
    req->content_type = "application/edifact";
    req->sender = "XXAPI";
    req->body = a1;
    unsigned status = 0;
    svc.handle_async(std::move(req),
                     [&status](std::function<transport::response()> b) { status = b().status; });
    return std::make_pair(status, text.str());
  };
  const auto quiet = run(log_level::warn, false);
  EXPECT_EQ(quiet.first, 202u);
  EXPECT_EQ(quiet.second, "");
  const auto info = run(log_level::info, false);
  EXPECT_EQ(info.first, 202u);
  const std::string info_log = info.second;
  const auto ok_line = intake_line(info_log, 7);
  ASSERT_FALSE(ok_line.is_null()) << info_log;
  // nlohmann::json sorts keys: the order is checked in the text.
  const auto pos = [&](std::string_view key) {
    return info_log.find("\"" + std::string(key) + "\":");
  };
  for (const char* key :
       {"request", "kind", "sender_identity", "bytes", "control_reference", "sender", "messages",
        "findings", "id", "duplicate", "status", "verdict", "latency_ms"}) {
    EXPECT_NE(pos(key), std::string::npos) << key << "\n" << info_log;
  }
  EXPECT_LT(pos("bytes"), pos("control_reference"));
  EXPECT_LT(pos("findings"), pos("id"));
  EXPECT_LT(pos("duplicate"), pos("status"));
  EXPECT_EQ(ok_line.at("control_reference"), "1001");
  EXPECT_EQ(ok_line.at("findings"), nlohmann::json::array());

  const auto failed = run(log_level::warn, true);
  EXPECT_EQ(failed.first, 503u);
  const std::string failed_log = failed.second;
  const auto line = intake_line(failed_log, 7);
  ASSERT_FALSE(line.is_null()) << failed_log;
  EXPECT_EQ(line.at("level"), "error");
  EXPECT_EQ(line.at("kind"), "paxlst");
  EXPECT_EQ(line.at("sender_identity"), "XXAPI");
  EXPECT_EQ(line.at("control_reference"), "1001");
  EXPECT_EQ(line.at("messages"), 1);
  EXPECT_TRUE(line.contains("findings"));
  EXPECT_TRUE(line.contains("store_error"));
  EXPECT_FALSE(line.contains("id"));
  EXPECT_EQ(line.at("status"), 503);
  EXPECT_EQ(line.at("verdict"), "failed");
}

// The iAPI intake lends the request's messages to the SQLite store (store::store::put_async
// with a span) instead of copying them: what is stored and answered is what a service that
// gives the in-memory store its copy stores and answers.
TEST(ReceiverServiceLend, IapiMessagesLentToTheSqliteStoreAreStoredAndAnswered) {
  if (!built_with().store || !built_with().pipeline) GTEST_SKIP() << "needs store and pipeline";
  const auto dir = std::filesystem::temp_directory_path() /
                   ("apipnr-service-lend-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    const pipeline::options po = shipped_specs();
    std::string why;
    auto chk = make_pipeline_checker(po, why);
    ASSERT_TRUE(chk) << why;
    auto chk_memory = make_pipeline_checker(po, why);
    ASSERT_TRUE(chk_memory) << why;
    auto iapi = default_decider(why);
    ASSERT_TRUE(iapi) << why;
    store::options so;
    so.path = dir / "store.db";
    auto st = make_sqlite_store(std::move(so), why);
    ASSERT_TRUE(st) << why;
    std::ostringstream log_a, log_b;
    service_options opts;
    opts.receiver_id = "GOVRCV";
    service lending(opts, *chk, *st, iapi, std::make_shared<logger>(log_a, log_level::info));
    service copying(opts, *chk_memory, make_memory_store(), iapi,
                    std::make_shared<logger>(log_b, log_level::info));
    std::int64_t id = 0;
    for (const char* rel : {"edifact/messages/iapi/y_iapi_745_request.edi",
                            "edifact/messages/iapi/y_iapi_watchlist_three_passengers.edi",
                            "edifact/messages/iapi/n_iapi_no_passenger.edi"}) {
      const std::string body = read_vector(rel);
      auto send = [&](service& svc) {
        auto req = std::make_shared<transport::request>();
        req->method = "POST";
        req->target = req->path = "/v1/api/iapi";
        req->content_type = "application/edifact";
        req->sender = "XXAPI";
        req->body = body;
        std::promise<transport::response> got;
        svc.handle_async(std::move(req), [&got](std::function<transport::response()> build) {
          got.set_value(build());
        });
        return got.get_future().get();  // the SQLite store answers from its writer thread
      };
      const transport::response a = send(lending);
      const transport::response b = send(copying);
      EXPECT_EQ(a.status, b.status) << rel;
      EXPECT_EQ(without_envelope(a.body), without_envelope(b.body)) << rel;
      ++id;
      transport::request q;
      q.method = "GET";
      q.target = q.path = "/v1/messages/" + std::to_string(id);
      q.sender = "XXAPI";
      const auto stored = lending.handle(q);
      ASSERT_EQ(stored.status, 200u) << rel << stored.body;
      const auto j = nlohmann::json::parse(stored.body);
      const pipeline::result r = (*chk)->check(body);
      ASSERT_EQ(j.at("messages").size(), r.messages.size()) << rel;
      ASSERT_FALSE(r.messages.empty()) << rel;
      for (std::size_t i = 0; i < r.messages.size(); ++i) {
        EXPECT_EQ(j.at("messages")[i].at("canonical"), model::to_json(r.messages[i])) << rel;
      }
    }
    (*st)->close();
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

}  // namespace
}  // namespace apipnr::receiver
