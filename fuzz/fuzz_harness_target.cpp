// libFuzzer target: the harness's target-file reader (harness/include/apipnr/harness/target.hpp,
// parse_target), which an evaluator or a vendor writes, the tender profile reader (tender.hpp,
// parse_tender, same strict reader), and kind_of, which routes a case's bytes to an endpoint.
//
// Traps on: an exception escaping (nothing is thrown but std::bad_alloc); a target returned
// with errors appended, or nullopt without one; an error whose code is not one of
// apipnr.harness.010-019, which names another file, or whose pointer is not an RFC 6901 pointer
// to the offending member or to the object that lacks it; and a target taken although it
// breaks the rules the reader enforces (an http target with no endpoint or a non-http(s) URL,
// an amqp target without broker or queues, reply_queue acknowledgements not over amqp, a
// fixture hash that is not 64 lower-case hex digits, a timeout that is not positive).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <new>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "apipnr/harness/target.hpp"
#include "apipnr/harness/tender.hpp"
#include "fuzz_json_check.hpp"

namespace {

namespace ah = apipnr::harness;
using json = nlohmann::json;

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

void check_target(const ah::target& t) {
  if (t.transport == ah::transport_kind::http) {
    APIPNR_FUZZ_CHECK(!t.endpoints.empty());
    for (const auto& [kind, url] : t.endpoints)
      APIPNR_FUZZ_CHECK((starts_with(url, "http://") && url.size() > 7) ||
                        (starts_with(url, "https://") && url.size() > 8));
  } else {
    APIPNR_FUZZ_CHECK(!t.broker_url.empty() && !t.endpoints.empty());
  }
  if (t.ack == ah::ack_mode::reply_queue)
    APIPNR_FUZZ_CHECK(t.transport == ah::transport_kind::amqp && !t.reply_queue.empty());
  for (const auto& [name, hex] : t.fixtures) {
    APIPNR_FUZZ_CHECK(!name.empty() && hex.size() == 64);
    APIPNR_FUZZ_CHECK(std::all_of(hex.begin(), hex.end(), [](char c) {
      return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    }));
  }
  APIPNR_FUZZ_CHECK(t.timeouts.connect.count() > 0 && t.timeouts.response.count() > 0);
  for (const auto& [kind, ms] : t.timeouts.response_per_kind) APIPNR_FUZZ_CHECK(ms.count() > 0);
  APIPNR_FUZZ_CHECK(t.query.base_url.empty() || t.query.export_file.empty());
  APIPNR_FUZZ_CHECK(t.control.status_change_url.empty() ||
                    starts_with(t.control.status_change_url, "http"));
  if (t.unsolicited.enabled())
    APIPNR_FUZZ_CHECK(t.unsolicited.http_listen.empty() != t.unsolicited.queue.empty());
}

void check_errors(const json& doc, const std::vector<ah::config_error>& errors,
                  const std::filesystem::path& file, std::string_view prefix) {
  for (const auto& e : errors) {
    APIPNR_FUZZ_CHECK(starts_with(e.code, prefix) && e.code.size() == 18);
    APIPNR_FUZZ_CHECK(e.file == file.string());
    APIPNR_FUZZ_CHECK(!e.message.empty());
    if (!doc.is_discarded()) apipnr::fuzzing::check_error_pointer(doc, e.pointer);
    APIPNR_FUZZ_CHECK(!ah::to_string(e).empty());
  }
}

void run(std::string_view text) {
  const json doc = json::parse(text.begin(), text.end(), nullptr, false);
  const std::filesystem::path file = "/nonexistent-apipnr-fuzz/target.json";
  std::vector<ah::config_error> errors;
  ah::target_load_options opts;
  opts.allow_insecure = !text.empty() && (text.back() & 1) != 0;
  const auto t = ah::parse_target(text, file, errors, opts);
  APIPNR_FUZZ_CHECK(t.has_value() == errors.empty());
  check_errors(doc, errors, file, "apipnr.harness.01");
  if (t) check_target(*t);

  // The tender profile (tender.hpp), read by the same strict JSON reader.
  std::vector<ah::config_error> tender_errors;
  const auto tp = ah::parse_tender(text, file, tender_errors);
  APIPNR_FUZZ_CHECK(tp.has_value() == tender_errors.empty());
  check_errors(doc, tender_errors, file, "apipnr.harness.0");
  if (tp) {
    for (const auto& m : tp->mandatory) APIPNR_FUZZ_CHECK(!m.empty() && m != "group:");
    for (const auto& [group, weight] : tp->weights)
      APIPNR_FUZZ_CHECK(!group.empty() && weight >= 0);
  }
  // Routing by the case's bytes never fails.
  (void)ah::kind_of("edifact/syntax/x", text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return apipnr::fuzzing::run_without_exceptions(data, size, "the target reader", run);
}
