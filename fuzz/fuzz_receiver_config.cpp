// libFuzzer target: the receiver's configuration reader (reference/include/apipnr/receiver/
// config.hpp: load_file, then validate()), which an operator writes. validate() is fuzzed when
// the build links the receiver library (APIPNR_FUZZ_CONFIG_VALIDATE, fuzz/CMakeLists.txt);
// without it only load_file is.
//
// The header's contract: load_file throws std::runtime_error "[apipnr.receiver.001]"
// (unreadable), "[apipnr.receiver.002]" (not JSON) or "[apipnr.receiver.003]" (unknown key,
// wrong type); validate() "[apipnr.receiver.014]" (cross-field rules), "[apipnr.receiver.021]"
// (faults off loopback) or "[apipnr.receiver.022]" (a malformed fault); the receiver's main
// turns these into a one-line refusal with the ID. Traps on anything else escaping (another
// exception type, a message without an ID or with another ID), and on a configuration that
// validate() lets through although it breaks a rule the header states: a zero limit or thread
// count, TLS on without its files, a client certificate required without TLS and a CA, an AMQP
// URL that is not amqp:// or names no queue, zero AMQP credit or attempts, an unsolicited
// delivery with both a URL and a queue, faults on a non-loopback address.
//
// The input is written to one file in a private temporary directory per run.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <new>
#include <stdexcept>
#include <string>
#include <string_view>

#include "apipnr/receiver/config.hpp"
#include "fuzz_check.hpp"

namespace {

namespace fs = std::filesystem;

const fs::path& config_file() {
  static const fs::path file =
      apipnr::fuzzing::private_temp_dir("apipnr-fuzz-config") / "receiver.json";
  return file;
}

bool has_id(const std::exception& e) {
  return std::string_view(e.what()).rfind("[apipnr.receiver.0", 0) == 0;
}

void run(std::string_view text) {
  {
    std::ofstream out(config_file(), std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    APIPNR_FUZZ_CHECK(out.good());
  }
  apipnr::receiver::config c;
  try {
    apipnr::receiver::load_file(c, config_file());
  } catch (const std::runtime_error& e) {
    if (!has_id(e)) {
      std::fprintf(stderr, "configuration error without an ID: %s\n", e.what());
      __builtin_trap();
    }
    return;
  }
#if APIPNR_FUZZ_CONFIG_VALIDATE
  try {
    apipnr::receiver::validate(c);
  } catch (const std::runtime_error& e) {
    const std::string_view w = e.what();
    if (!(w.starts_with("[apipnr.receiver.014]") || w.starts_with("[apipnr.receiver.021]") ||
          w.starts_with("[apipnr.receiver.022]"))) {
      std::fprintf(stderr, "validate() refused without its IDs: %s\n", e.what());
      __builtin_trap();
    }
    return;
  }
  const auto& s = c.server;
  APIPNR_FUZZ_CHECK(s.max_body_bytes > 0 && s.max_header_bytes > 0 && s.max_connections > 0 &&
                    s.io_threads > 0 && s.worker_threads > 0 && s.max_requests_per_connection > 0);
  APIPNR_FUZZ_CHECK(!s.tls.enabled ||
                    (!s.tls.certificate_chain.empty() && !s.tls.private_key.empty()));
  APIPNR_FUZZ_CHECK(!s.tls.require_client_certificate ||
                    (s.tls.enabled && !s.tls.client_ca.empty()));
  const auto& a = c.amqp;
  if (a.enabled()) {
    APIPNR_FUZZ_CHECK(a.url.starts_with("amqp://"));
    APIPNR_FUZZ_CHECK(
        !(a.paxlst.empty() && a.iapi.empty() && a.pnr_edifact.empty() && a.pnr_xml.empty()));
    APIPNR_FUZZ_CHECK(a.credit > 0 && a.max_attempts > 0 && !a.dead_letter.empty());
  }
  APIPNR_FUZZ_CHECK(c.unsolicited.url.empty() || c.unsolicited.queue.empty());
  APIPNR_FUZZ_CHECK(c.faults.empty() || s.address == "127.0.0.1" || s.address == "::1" ||
                    s.address == "[::1]" || s.address == "localhost" ||
                    s.address.starts_with("127."));
#endif
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return apipnr::fuzzing::run_without_exceptions(data, size, "the configuration reader", run);
}
