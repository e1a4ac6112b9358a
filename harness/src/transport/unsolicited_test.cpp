// The control / await_unsolicited executor and the simulated carrier against a fake receiver
// in this test (no reference code): its control endpoint answers with a chosen status and then
// POSTs a hand-written CUSRES 132 (directive chosen by the test, or none) to the simulator.
#include "apipnr/harness/unsolicited.hpp"

#include <atomic>
#include <thread>

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "apipnr/harness/transport_http.hpp"

namespace apipnr::harness {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

std::string cusres_132(const std::string& abo, const std::string& directive) {
  return "UNB+UNOA:4+GOVRCV+XXAPI+250301:1000+17000000001'"
         "UNH+17000000001+CUSRES:D:05B:UN:IATA+XX123/250301/1100+01:F'"
         "BGM+132'RFF+TN:XX1232503011'RFF+AF:XX123'DTM+189:2503011100:201'"
         "LOC+125+LHR'LOC+87+JFK'ERP+2'RFF+AVF:ABC123'RFF+ABO:" +
         abo + "'ERC+" + directive +
         "'FTX+AAP+++DO NOT BOARD'UNT+12+17000000001'UNZ+1+17000000001'";
}

// A receiver stand-in: answers each control POST with `status`, then (when `directive` is set)
// sends one 132 for ABO `abo` to `carrier_url`.
class fake_receiver {
 public:
  fake_receiver() : acceptor_(ioc_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    thread_ = std::thread([this] { serve(); });
  }
  ~fake_receiver() {
    stop_ = true;
    beast::error_code ec;
    // Wake the blocking accept with a connection of our own.
    tcp::socket s(ioc_);
    s.connect(acceptor_.local_endpoint(), ec);
    thread_.join();
  }
  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) +
           "/control/v1/status-change";
  }
  unsigned status = 202;
  std::string directive;  // empty: send no 132
  std::string abo = "0001";
  std::string carrier_url;
  std::string last_body;
  std::atomic<int> carrier_status{0};

 private:
  void serve() {
    while (!stop_) {
      tcp::socket s(ioc_);
      beast::error_code ec;
      acceptor_.accept(s, ec);
      if (ec || stop_) return;
      beast::flat_buffer buf;
      http::request<http::string_body> req;
      http::read(s, buf, req, ec);
      if (ec) continue;
      last_body = req.body();
      http::response<http::string_body> res{static_cast<http::status>(status), 11};
      res.set(http::field::content_type, "application/json");
      res.body() = "{}";
      res.keep_alive(false);
      res.prepare_payload();
      http::write(s, res, ec);
      s.shutdown(tcp::socket::shutdown_both, ec);
      if (!directive.empty()) {
        http_options o;
        o.urls[message_kind::iapi] = carrier_url;
        http_transport t(o);
        exchange x;
        x.kind = message_kind::iapi;
        x.body = cusres_132(abo, directive);
        x.content_type = "application/edifact";
        carrier_status = t.send(x).http_status;
      }
    }
  }
  asio::io_context ioc_;
  tcp::acceptor acceptor_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
};

vectors::case_spec sequence(int want_status, const std::string& want_directive) {
  vectors::case_spec c;
  c.id = "test/unsolicited/1";
  vectors::step_spec control;
  control.kind = vectors::step_kind::control;
  control.file = "c_status_change.json";
  control.bytes =
      R"({"flight": {"carrier": "XX", "number": "123", "departure_date": "2025-03-01",)"
      R"( "departure_airport": "LHR"}, "traveller": {"abo": "0001"}, "directive": "1Z"})";
  control.http_status = want_status;
  vectors::step_spec await;
  await.kind = vectors::step_kind::await_unsolicited;
  await.within_ms = 2000;
  vectors::cusres_expectation e;
  e.document = "132";
  e.travellers.push_back({"0001", "", want_directive});
  await.expect.cusres = e;
  c.steps = {control, await};
  return c;
}

struct UnsolicitedSteps : ::testing::Test {
  void make(fake_receiver& fake) {
    target t;
    t.control.status_change_url = fake.url();
    t.unsolicited.http_listen = "127.0.0.1:0";
    std::string why;
    ex = make_step_executor(t, why, &listening);
    ASSERT_TRUE(ex) << why;
    ASSERT_TRUE(listening.starts_with("http://127.0.0.1:")) << listening;
    ASSERT_TRUE(listening.ends_with("/carrier/v1/cusres")) << listening;
    fake.carrier_url = listening;
  }
  std::unique_ptr<step_executor> ex;
  std::string listening;
};

TEST_F(UnsolicitedSteps, StatusChangeThen132WithTheDirectivePasses) {
  fake_receiver fake;
  fake.directive = "1Z";
  make(fake);
  const auto c = sequence(202, "1Z");
  const auto a = ex->execute(c, 0, "run/test/1");
  EXPECT_EQ(a.judged.verdict, verdict::pass) << a.judged.reason;
  EXPECT_NE(fake.last_body.find("\"directive\": \"1Z\""), std::string::npos);
  const auto b = ex->execute(c, 1, "run/test/2");
  EXPECT_EQ(b.judged.verdict, verdict::pass) << b.judged.reason << " / " << b.judged.actual;
  EXPECT_EQ(b.observed.outcome, transport_outcome::completed);
  EXPECT_NE(b.observed.body.find("BGM+132'"), std::string::npos);
  // The simulator answered the receiver with its 312.
  for (int i = 0; i < 100 && fake.carrier_status == 0; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(fake.carrier_status.load(), 200);
}

TEST_F(UnsolicitedSteps, WrongDirectiveIsFailWrongCode) {
  fake_receiver fake;
  fake.directive = "0Z";
  make(fake);
  const auto c = sequence(202, "1Z");
  EXPECT_EQ(ex->execute(c, 0, "run/test/1").judged.verdict, verdict::pass);
  const auto b = ex->execute(c, 1, "run/test/2");
  EXPECT_EQ(b.judged.verdict, verdict::fail_wrong_code);
  EXPECT_NE(b.judged.reason.find("1Z"), std::string::npos) << b.judged.reason;
}

TEST_F(UnsolicitedSteps, NothingArrivingIsTimeout) {
  fake_receiver fake;  // answers 202, sends nothing
  make(fake);
  auto c = sequence(202, "1Z");
  c.steps[1].within_ms = 300;
  EXPECT_EQ(ex->execute(c, 0, "run/test/1").judged.verdict, verdict::pass);
  const auto t0 = std::chrono::steady_clock::now();
  const auto b = ex->execute(c, 1, "run/test/2");
  EXPECT_EQ(b.judged.verdict, verdict::timeout);
  EXPECT_EQ(b.observed.outcome, transport_outcome::timeout);
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 250ms);
}

TEST_F(UnsolicitedSteps, AnotherPassengersMessageIsNotTaken) {
  fake_receiver fake;
  fake.directive = "1Z";
  fake.abo = "0002";  // the 132 names someone else: this case's await must not take it
  make(fake);
  auto c = sequence(202, "1Z");
  c.steps[1].within_ms = 300;
  EXPECT_EQ(ex->execute(c, 0, "run/test/1").judged.verdict, verdict::pass);
  EXPECT_EQ(ex->execute(c, 1, "run/test/2").judged.verdict, verdict::timeout);
}

TEST_F(UnsolicitedSteps, ControlStatusIsJudged) {
  fake_receiver fake;
  fake.status = 404;
  make(fake);
  EXPECT_EQ(ex->execute(sequence(202, "1Z"), 0, "run/test/1").judged.verdict,
            verdict::fail_wrong_code);
  EXPECT_EQ(ex->execute(sequence(404, "1Z"), 0, "run/test/2").judged.verdict, verdict::pass);
}

TEST(UnsolicitedExecutor, ControlEndpointDownIsEndpointDown) {
  target t;
  {
    // A port that was free a moment ago: nothing listens there now.
    asio::io_context ioc;
    tcp::acceptor a(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    t.control.status_change_url =
        "http://127.0.0.1:" + std::to_string(a.local_endpoint().port()) + "/control/v1/x";
  }
  std::string why;
  auto ex = make_step_executor(t, why);
  ASSERT_TRUE(ex) << why;
  EXPECT_TRUE(ex->supports(vectors::step_kind::control));
  EXPECT_FALSE(ex->supports(vectors::step_kind::await_unsolicited));
  EXPECT_EQ(ex->execute(sequence(202, "1Z"), 0, "r/1").judged.verdict, verdict::endpoint_down);
}

TEST(UnsolicitedExecutor, SupportsFollowsTheTargetSections) {
  std::string why;
  auto none = make_step_executor(target{}, why);
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->supports(vectors::step_kind::control));
  EXPECT_FALSE(none->supports(vectors::step_kind::await_unsolicited));
  EXPECT_FALSE(none->supports(vectors::step_kind::send));
  target bad;
  bad.unsolicited.http_listen = "not-an-address:0";
  EXPECT_FALSE(make_step_executor(bad, why));
  EXPECT_FALSE(why.empty());
}

TEST(CarrierAcknowledgement, EchoesThe132AsA312) {
  const std::string ack = make_carrier_acknowledgement(cusres_132("0001", "1Z"), "4242");
  EXPECT_EQ(ack.rfind("UNB+UNOA:4+XXAPI+GOVRCV+250301:1000+4242'", 0), 0u) << ack;
  EXPECT_NE(ack.find("BGM+312'"), std::string::npos);
  EXPECT_EQ(ack.find("BGM+132'"), std::string::npos);
  EXPECT_NE(ack.find("RFF+AF:XX123'"), std::string::npos);
  EXPECT_NE(ack.find("RFF+ABO:0001'ERC+1Z'"), std::string::npos);
  EXPECT_NE(ack.find("UNZ+1+4242'"), std::string::npos);
  EXPECT_TRUE(make_carrier_acknowledgement("garbage", "1").empty());
  EXPECT_TRUE(make_carrier_acknowledgement("UNB+UNOA:4+A+B+250301:1000+1'UNZ+0+1'", "2").empty());
}

}  // namespace
}  // namespace apipnr::harness
