// Broker-free tests of the AMQP transport: URL parsing and the failures that need no broker.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>

#include <gtest/gtest.h>

#include "apipnr/harness/transport_amqp.hpp"

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
