// libFuzzer target: the reference receiver's intake decision for one request body
// (reference/include/apipnr/receiver/service.hpp, service::handle_async, the path the HTTP
// server takes; docs/RECEIVER.md "Requests", "Endpoints", "Status codes"). The service is
// built in-process from its real components: the reference pipeline over the shipped specs
// (baseline profile, CONTRL without a time stamp, so it is a function of the input), the
// iAPI decision engine with empty lists, and the built-in memory store, the smallest real
// store (replaced with a new service every 1,024 inputs, so that memory stays bounded).
//
// Input: a request body. Without a prefix the endpoint follows the body (a '<' first:
// /v1/pnr/xml; "PNRGOV" in it: /v1/pnr/edifact; "IAPI" or "CUSRES": /v1/api/iapi; else
// /v1/api/paxlst), the content type is the endpoint's own and JSON is asked for when the
// body's length is odd. With the prefix 0xFF <selector>: bits 0-1 the endpoint (paxlst, iapi,
// pnr_edifact, pnr_xml), bit 2 Accept: application/json, bits 3-4 the content type (the
// endpoint's own; declared UTF-8; the same in other letter case with spaces; a wrong one).
//
// Traps on:
// - an exception escaping (service.hpp: "handle() never throws on input"), std::bad_alloc
//   excepted; no answer, or more than one;
// - a status outside 200 202 400 415 422 (500 is a handler fault, 503 a store failure, and the
//   memory store does not fail); 415 for an acceptable content type or none for a wrong one;
//   an empty body not 400 empty-body; a body not UTF-8 where it must be not 400 invalid-utf8;
// - a stored answer (anything but 415 and the two refusals above) without Location and
//   X-Apipnr-Verdict, or a refusal with them; a 2xx whose verdict is reject or a 4xx whose
//   verdict is not (RECEIVER.md: "A 4xx answer never carries an acknowledgement that says
//   accepted");
// - the harness's own reader of acknowledgements (classify.hpp, independent of the reference)
//   not reading a 2xx as accepted and a 4xx as rejected: a CONTRL, CUSRES or ACKRES that says
//   the opposite of its status, or that the harness cannot read;
// - a problem+json that is not JSON, whose `status` is not the HTTP status or whose `type` is
//   not urn:apipnr:problem:*; a text receipt that is not "accepted id=<n> verdict=<v>";
// - a log line that is not one JSON object (log.hpp);
// - the same request sent again answered with another status, verdict or (EDIFACT) body, or an
//   accepted input sent again without X-Apipnr-Duplicate-Of naming the first copy
//   (RCV-DUP-001/002);
// - pipeline::engine::check into a result holding an earlier input's (the storage the service
//   reuses between intakes) giving another result than a fresh check (pipeline.hpp: "afterwards
//   `r` equals what check(bytes) returns").
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "apipnr/harness/classify.hpp"
#include "apipnr/model/canonical.hpp"
#include "apipnr/pipeline/pipeline.hpp"
#include "apipnr/receiver/components.hpp"
#include "apipnr/receiver/log.hpp"
#include "apipnr/receiver/service.hpp"
#include "fuzz_check.hpp"
#include "fuzz_receiver_components.hpp"

namespace {

namespace ar = apipnr::receiver;
namespace ah = apipnr::harness;
namespace tr = apipnr::transport;
using json = nlohmann::json;

enum class endpoint : std::uint8_t { paxlst, iapi, pnr_edifact, pnr_xml };
constexpr const char* paths[] = {"/v1/api/paxlst", "/v1/api/iapi", "/v1/pnr/edifact",
                                 "/v1/pnr/xml"};

struct fixture {
  std::shared_ptr<const ar::checker> checker;
  std::shared_ptr<const ar::iapi_decider> iapi;
  std::ostringstream log_text;
  std::shared_ptr<ar::logger> log;
  std::unique_ptr<ar::service> svc;
  std::size_t served = 0;

  fixture() {
    checker = apipnr::fuzzing::make_checker_or_trap();
    iapi = apipnr::fuzzing::make_iapi_or_trap();
    log = std::make_shared<ar::logger>(log_text, ar::log_level::info);
    renew();
  }

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

std::optional<std::string> header(const tr::response& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return std::nullopt;
}

tr::response send(ar::service& svc, const tr::request& rq) {
  auto req = std::make_shared<const tr::request>(rq);
  std::optional<tr::response> answer;
  int calls = 0;
  svc.handle_async(req, [&](std::function<tr::response()> build) {
    ++calls;
    answer = build();
  });
  // The memory store completes put_async on the calling thread: the answer is here now.
  APIPNR_FUZZ_CHECK(calls == 1 && answer.has_value());
  return std::move(*answer);
}

void check_log(std::ostringstream& log_text) {
  const std::string text = log_text.str();
  log_text.str({});
  std::size_t from = 0;
  while (from < text.size()) {
    const std::size_t nl = text.find('\n', from);
    const std::string_view line(text.data() + from,
                                (nl == std::string::npos ? text.size() : nl) - from);
    const json j = json::parse(line.begin(), line.end(), nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
      std::fprintf(stderr, "log line is not a JSON object: %.*s\n", static_cast<int>(line.size()),
                   line.data());
      __builtin_trap();
    }
    if (nl == std::string::npos) break;
    from = nl + 1;
  }
}

bool same_findings(const apipnr::pipeline::result& a, const apipnr::pipeline::result& b) {
  if (a.findings.size() != b.findings.size()) return false;
  for (std::size_t i = 0; i < a.findings.size(); ++i) {
    const auto& x = a.findings[i];
    const auto& y = b.findings[i];
    if (x.code != y.code || x.id != y.id || x.level != y.level ||
        x.syntax_error != y.syntax_error || x.pos.offset != y.pos.offset ||
        x.pos.segment != y.pos.segment || x.pos.element != y.pos.element ||
        x.pos.component != y.pos.component || x.detail != y.detail)
      return false;
  }
  return true;
}

// engine::check into storage that held the previous input's result equals a fresh check.
void check_reuse(const ar::checker& chk, std::string_view body) {
  static apipnr::pipeline::result reused;
  chk.check_into(body, reused);
  const apipnr::pipeline::result fresh = chk.check(body);
  APIPNR_FUZZ_CHECK(reused.outcome == fresh.outcome);
  APIPNR_FUZZ_CHECK(reused.bytes == fresh.bytes);
  APIPNR_FUZZ_CHECK(reused.envelope.syntax == fresh.envelope.syntax &&
                    reused.envelope.sender == fresh.envelope.sender &&
                    reused.envelope.recipient == fresh.envelope.recipient &&
                    reused.envelope.control_reference == fresh.envelope.control_reference &&
                    reused.envelope.messages == fresh.envelope.messages &&
                    reused.envelope.message_types == fresh.envelope.message_types);
  APIPNR_FUZZ_CHECK(same_findings(reused, fresh));
  APIPNR_FUZZ_CHECK(reused.finding_message == fresh.finding_message);
  APIPNR_FUZZ_CHECK(reused.message_source == fresh.message_source);
  APIPNR_FUZZ_CHECK(reused.message_outcomes == fresh.message_outcomes);
  APIPNR_FUZZ_CHECK(reused.contrl == fresh.contrl);
  APIPNR_FUZZ_CHECK(reused.messages.size() == fresh.messages.size());
  for (std::size_t i = 0; i < fresh.messages.size(); ++i) {
    const auto a = apipnr::model::to_json(reused.messages[i])
                       .dump(-1, ' ', false, json::error_handler_t::replace);
    const auto b = apipnr::model::to_json(fresh.messages[i])
                       .dump(-1, ' ', false, json::error_handler_t::replace);
    if (a != b) {
      std::fprintf(stderr, "message %zu differs after reuse:\n%s\n%s\n", i, a.c_str(), b.c_str());
      __builtin_trap();
    }
  }
}

void check_answer(const tr::request& rq, endpoint ep, bool wrong_type, bool utf8_declared,
                  const tr::response& res) {
  const unsigned s = res.status;
  if (!(s == 200 || s == 202 || s == 400 || s == 415 || s == 422)) {
    std::fprintf(stderr, "status %u: %s\n", s, res.body.substr(0, 400).c_str());
    __builtin_trap();
  }
  APIPNR_FUZZ_CHECK((s == 415) == wrong_type);
  const bool is_problem = res.content_type.rfind("application/problem+json", 0) == 0;
  std::string problem_type;
  if (is_problem) {
    const json p = json::parse(res.body, nullptr, false);
    APIPNR_FUZZ_CHECK(p.is_object());
    APIPNR_FUZZ_CHECK(p.contains("status") && p["status"].is_number_unsigned() &&
                      p["status"].get<unsigned>() == s);
    APIPNR_FUZZ_CHECK(p.contains("type") && p["type"].is_string());
    problem_type = p["type"].get<std::string>();
    APIPNR_FUZZ_CHECK(problem_type.rfind("urn:apipnr:problem:", 0) == 0);
  }
  if (wrong_type) return;
  const bool must_be_utf8 = ep == endpoint::pnr_xml || utf8_declared;
  if (rq.body.empty()) {
    APIPNR_FUZZ_CHECK(s == 400 && problem_type == "urn:apipnr:problem:empty-body");
    return;
  }
  if (must_be_utf8 && !apipnr::fuzzing::valid_utf8(rq.body)) {
    APIPNR_FUZZ_CHECK(s == 400 && problem_type == "urn:apipnr:problem:invalid-utf8");
    return;
  }
  APIPNR_FUZZ_CHECK(problem_type != "urn:apipnr:problem:invalid-utf8" &&
                    problem_type != "urn:apipnr:problem:empty-body");
  // Stored: Location and the verdict, which agrees with the status class.
  const auto location = header(res, "Location");
  const auto verdict = header(res, "X-Apipnr-Verdict");
  APIPNR_FUZZ_CHECK(location && location->rfind("/v1/messages/", 0) == 0);
  APIPNR_FUZZ_CHECK(verdict.has_value());
  const bool accepted = *verdict == "accept" || *verdict == "accept_with_warnings";
  APIPNR_FUZZ_CHECK(accepted || *verdict == "reject");
  if (accepted != (s / 100 == 2)) {
    std::fprintf(stderr, "%s answered %u with verdict %s: %s\n", rq.path.c_str(), s,
                 verdict->c_str(), res.body.substr(0, 600).c_str());
    __builtin_trap();
  }
  if (s == 202 && !is_problem && res.content_type.rfind("text/plain", 0) == 0) {
    APIPNR_FUZZ_CHECK(res.body.rfind("accepted id=", 0) == 0);
    APIPNR_FUZZ_CHECK(res.body.find(" verdict=" + *verdict) != std::string::npos);
  }
  // The harness's independent reading of the same answer.
  ah::observation o;
  o.http_status = static_cast<int>(s);
  o.body = res.body;
  o.content_type = res.content_type;
  for (const auto& [k, v] : res.headers) {
    std::string lower = k;
    for (auto& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    o.headers[lower] = v;
  }
  const ah::classification cl = ah::classify(o);
  const ah::decision want = accepted ? ah::decision::accepted : ah::decision::rejected;
  if (cl.result != want) {
    std::fprintf(stderr, "the harness reads the %u answer as %s: %s\n%s\n", s,
                 std::string(ah::to_string(cl.result)).c_str(), cl.summary.c_str(),
                 res.body.substr(0, 600).c_str());
    __builtin_trap();
  }
}

void run(std::string_view input) {
  fixture& f = the_fixture();
  if (++f.served > 1024) f.renew();

  endpoint ep = endpoint::paxlst;
  bool json_answer = false;
  unsigned type_variant = 0;
  std::string_view body = input;
  if (input.size() >= 2 && static_cast<unsigned char>(input[0]) == 0xFF) {
    const auto sel = static_cast<unsigned char>(input[1]);
    ep = static_cast<endpoint>(sel & 3u);
    json_answer = (sel & 4u) != 0;
    type_variant = (sel >> 3) & 3u;
    body = input.substr(2);
  } else {
    const std::size_t first = body.find_first_not_of(" \t\r\n");
    if (first != std::string_view::npos && body[first] == '<') {
      ep = endpoint::pnr_xml;
    } else if (body.find("PNRGOV") != std::string_view::npos) {
      ep = endpoint::pnr_edifact;
    } else if (body.find("IAPI") != std::string_view::npos ||
               body.find("CUSRES") != std::string_view::npos) {
      ep = endpoint::iapi;
    }
    json_answer = body.size() % 2 == 1;
  }
  const bool xml = ep == endpoint::pnr_xml;
  static constexpr const char* edifact_types[] = {
      "application/edifact", "text/plain; charset=utf-8",
      " Application/EDIFACT ;charset=\"ISO-8859-1\"", "application/json"};
  static constexpr const char* xml_types[] = {"application/xml", "application/xml; charset=UTF-8",
                                              " APPLICATION/XML ", "text/xml"};

  tr::request rq;
  rq.method = "POST";
  rq.path = paths[static_cast<unsigned>(ep)];
  rq.target = rq.path;
  rq.content_type = (xml ? xml_types : edifact_types)[type_variant];
  rq.accept = json_answer ? "application/json" : "*/*";
  rq.body = std::string(body);
  rq.sender = "XX-CARRIER";
  rq.remote = "127.0.0.1:40000";
  const bool wrong_type = type_variant == 3;
  const bool utf8_declared = type_variant == 1;

  const tr::response first = send(*f.svc, rq);
  check_answer(rq, ep, wrong_type, utf8_declared, first);
  check_log(f.log_text);

  // The same request again: the same answer, and a duplicate of an accepted first copy.
  const tr::response again = send(*f.svc, rq);
  check_answer(rq, ep, wrong_type, utf8_declared, again);
  check_log(f.log_text);
  APIPNR_FUZZ_CHECK(again.status == first.status);
  APIPNR_FUZZ_CHECK(header(again, "X-Apipnr-Verdict") == header(first, "X-Apipnr-Verdict"));
  if (first.content_type == "application/edifact" && again.content_type == first.content_type &&
      (first.status == 400 || first.status == 422) && !xml) {
    // A rejection's CONTRL is the checks' (no time stamp here): the same bytes.
    if (first.body.find("CONTRL") != std::string::npos) APIPNR_FUZZ_CHECK(again.body == first.body);
  }
  const auto verdict = header(first, "X-Apipnr-Verdict");
  if (verdict && *verdict != "reject") {
    const auto dup = header(again, "X-Apipnr-Duplicate-Of");
    const auto loc = header(first, "Location");
    APIPNR_FUZZ_CHECK(dup && loc && "/v1/messages/" + *dup == *loc);
  }

  if (!wrong_type && !body.empty()) check_reuse(*f.checker, body);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return apipnr::fuzzing::run_without_exceptions(data, size, "the receiver's intake", run);
}
