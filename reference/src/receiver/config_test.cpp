#include "apipnr/receiver/config.hpp"

#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace apipnr::receiver {
namespace {

std::string error_of(const nlohmann::json& j) {
  config c;
  try {
    apply_json(c, j);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return {};
}

TEST(ReceiverConfig, ExampleFileLoads) {
  config c;
  load_file(c, std::string(APIPNR_SOURCE_DIR) + "/specs/receiver/receiver.example.json");
  EXPECT_EQ(c.server.address, "127.0.0.1");
  EXPECT_FALSE(c.server.auth.tokens.empty());
  EXPECT_GT(c.server.max_body_bytes, 0u);
  EXPECT_NO_THROW(validate(c));
}

TEST(ReceiverConfig, AppliesEveryGroup) {
  config c;
  apply_json(c, nlohmann::json::parse(R"({
    "listen": {"address": "0.0.0.0", "port": 8443},
    "threads": {"io": 3, "workers": 5},
    "tls": {"enabled": true, "certificate_chain": "c.pem", "private_key": "k.pem",
            "client_ca": "ca.pem", "require_client_certificate": true},
    "auth": {"tokens": [{"sender": "XXAIR", "token": "t1"}]},
    "limits": {"max_body_bytes": 1000, "max_header_bytes": 2000, "max_connections": 7,
               "max_requests_per_connection": 9},
    "timeouts": {"read_ms": 100, "idle_ms": 200, "write_ms": 300},
    "specs_dir": "/s", "profile": "uk", "syntax_mode": "tolerant",
    "store": {"path": "/tmp/x.db", "sync_full": false, "write_buffer_bytes": 65536,
              "checkpoint_step_pages": 128},
    "iapi": {"watchlist": "w.json", "authorisations": "a.json"},
    "receiver_id": "GOVRCV", "log_level": "debug"})"));
  EXPECT_EQ(c.server.port, 8443);
  EXPECT_EQ(c.server.worker_threads, 5u);
  EXPECT_TRUE(c.server.tls.require_client_certificate);
  EXPECT_EQ(c.server.auth.tokens.at(0).sender, "XXAIR");
  EXPECT_EQ(c.server.max_connections, 7u);
  EXPECT_EQ(c.server.idle_timeout.count(), 200);
  EXPECT_TRUE(c.tolerant);
  EXPECT_EQ(c.store_path, "/tmp/x.db");
  EXPECT_FALSE(c.store_sync_full);
  EXPECT_EQ(c.store_write_buffer_bytes, 65536u);
  EXPECT_EQ(c.store_checkpoint_step_pages, 128u);
  EXPECT_EQ(c.receiver_id, "GOVRCV");
  EXPECT_NO_THROW(validate(c));
}

// threads.io_thread_max_bytes (docs/RECEIVER.md): unset unless given, a count of bytes.
TEST(ReceiverConfig, IoThreadMaxBytesIsOptional) {
  config c;
  apply_json(c, nlohmann::json::parse(R"({"threads": {"io": 1}})"));
  EXPECT_FALSE(c.io_thread_max_bytes);
  apply_json(c, nlohmann::json::parse(R"({"threads": {"io_thread_max_bytes": 4096}})"));
  EXPECT_EQ(c.io_thread_max_bytes, 4096u);
  EXPECT_NE(error_of({{"threads", {{"io_thread_max_bytes", "big"}}}})
                .find("/threads/io_thread_max_bytes: wrong type"),
            std::string::npos);
}

TEST(ReceiverConfig, ErrorsCarryIdAndPointer) {
  EXPECT_EQ(error_of({{"listen", {{"port", "x"}}}}).rfind("[apipnr.receiver.003] /listen/port", 0),
            0u);
  EXPECT_NE(error_of({{"bogus", 1}}).find("/bogus: unknown key"), std::string::npos);
  EXPECT_NE(error_of({{"timeouts", {{"read_ms", 0}}}}).find("003"), std::string::npos);
  EXPECT_NE(error_of({{"auth", {{"tokens", {{{"sender", "X"}}}}}}}).find("/auth/tokens/0"),
            std::string::npos);
  EXPECT_TRUE(error_of({{"profile", "us"}}).empty());
}

TEST(ReceiverConfig, FileErrors) {
  config c;
  try {
    load_file(c, "/nonexistent/receiver.json");
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("[apipnr.receiver.001]", 0), 0u);
  }
  const auto p = std::filesystem::temp_directory_path() / "apipnr-receiver-bad.json";
  std::ofstream(p) << "{not json";
  try {
    load_file(c, p);
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("[apipnr.receiver.002]", 0), 0u);
  }
  std::filesystem::remove(p);
}

TEST(ReceiverConfig, ValidateRejectsTlsWithoutFiles) {
  config c;
  c.server.tls.enabled = true;
  EXPECT_THROW(validate(c), std::runtime_error);
  config m;
  m.server.tls.require_client_certificate = true;
  EXPECT_THROW(validate(m), std::runtime_error);
}

// amqp.event_thread_max_bytes (off unless given) and unsolicited.reply_queue (needs the
// carrier queue), docs/RECEIVER.md.
TEST(ReceiverConfig, AmqpEventThreadAndCarrierReplyQueue) {
  config c;
  EXPECT_EQ(c.amqp.event_thread_max_bytes, 0U);
  apply_json(c, nlohmann::json::parse(R"({"amqp": {"url": "amqp://127.0.0.1:5672",
      "queues": {"iapi": "/queue/i"}, "event_thread_max_bytes": 4096},
      "unsolicited": {"queue": "/queue/carrier", "reply_queue": "/queue/carrier.replies"}})"));
  EXPECT_EQ(c.amqp.event_thread_max_bytes, 4096U);
  EXPECT_EQ(c.unsolicited.reply_queue, "/queue/carrier.replies");
  EXPECT_NO_THROW(validate(c));
  c.unsolicited.queue.clear();
  EXPECT_THROW(validate(c), std::runtime_error) << "a reply queue without the carrier queue";
}

TEST(ReceiverConfig, AmqpIntake) {
  config c;
  EXPECT_FALSE(c.amqp.enabled());
  apply_json(c, nlohmann::json::parse(R"({"amqp": {"url": "amqp://u:p@127.0.0.1:5672",
      "queues": {"paxlst": "/queue/a", "pnr_xml": "/queue/b"}, "credit": 10, "workers": 3,
      "reconnect_initial_ms": 20, "reconnect_max_ms": 200, "send_replies": false}})"));
  EXPECT_TRUE(c.amqp.enabled());
  EXPECT_EQ(c.amqp.paxlst, "/queue/a");
  EXPECT_EQ(c.amqp.pnr_xml, "/queue/b");
  EXPECT_TRUE(c.amqp.iapi.empty());
  EXPECT_EQ(c.amqp.credit, 10U);
  EXPECT_EQ(c.amqp.workers, 3U);
  EXPECT_EQ(c.amqp.reconnect_max.count(), 200);
  EXPECT_FALSE(c.amqp.send_replies);
  EXPECT_NO_THROW(validate(c));
  EXPECT_NE(error_of(nlohmann::json::parse(R"({"amqp": {"queues": {"pnr": "/queue/x"}}})"))
                .find("[apipnr.receiver.003] /amqp/queues/pnr: unknown key"),
            std::string::npos);
  config none = c;
  none.amqp.paxlst.clear();
  none.amqp.pnr_xml.clear();
  try {
    validate(none);
    ADD_FAILURE() << "a broker without a queue must not validate";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("[apipnr.receiver.014]"), std::string::npos);
  }
  config backwards = c;
  backwards.amqp.reconnect_max = std::chrono::milliseconds(1);
  EXPECT_THROW(validate(backwards), std::runtime_error);
}

// fuzz_receiver_config (fuzz/crashers/receiver_config_number_overflow.json): a number beyond
// double's range is nlohmann's out_of_range, which escaped load_file without an ID.
TEST(ReceiverConfig, NumberOutOfRangeIsNotJson002) {
  config c;
  const auto p = std::filesystem::temp_directory_path() / "apipnr-receiver-range.json";
  std::ofstream(p) << R"({"threads": 1e999})";
  try {
    load_file(c, p);
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("[apipnr.receiver.002]", 0), 0u) << e.what();
  }
  std::filesystem::remove(p);
}

}  // namespace
}  // namespace apipnr::receiver
