// libFuzzer target: the harness's readers of a vendor's answer (harness/include/apipnr/harness/
// classify.hpp): classify() over HTTP (200, 400, 500, 302) and AMQP, with the content types a
// vendor may send, the detailed readers read_contrl / read_cusres / read_ackres, the harness's
// own EDIFACT tokenizer, and judge_cusres on the classification.
//
// The harness is the neutral instrument: a malformed answer must give a clear verdict with
// evidence, never a crash, a hang or a verdict the answer does not support. It traps on:
//  - any exception escaping classify() or a reader (documented: only std::bad_alloc);
//  - a decision the HTTP status forbids: accepted only under 2xx or AMQP, rejected only under
//    2xx, 4xx or AMQP, 5xx and 3xx always unknown; an answer without a decision with no summary;
//  - an EDIFACT acknowledgement classified as such although its reader refuses the same bytes,
//    or a decision that contradicts what the reader read (CONTRL: rejected exactly when UCI or a
//    UCF/UCM says 4; CUSRES: rejected exactly when a header ERC is not 0; ACKRES: rejected
//    exactly when an ERC is present);
//  - a problem+json `status` the classifier reports as a value the body does not hold;
//  - the tokenizer reading a document it then reads differently once written back with the
//    default delimiters (every value released), or a reader result that breaks its own report
//    contract (technical receipt without UCI 8, a CUSRES without BGM);
//  - judge_cusres passing an answer that does not meet the expectation.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "../harness/src/transport/edifact_reader.hpp"
#include "apipnr/harness/classify.hpp"
#include "apipnr/harness/cusres_expect.hpp"
#include "fuzz_check.hpp"

namespace {

namespace ah = apipnr::harness;
using ah::decision;

// Writes a tokenized document back with the default delimiters, releasing every service
// character and control character in values (the reader keeps a released byte as it is), behind an
// explicit UNA (so that a segment tagged UNA cannot be taken for service string advice).
std::string write_back(const ah::detail::edi_document& doc) {
  std::string out = "UNA:+.? '";
  for (const auto& s : doc.segments) {
    out += s.tag;
    for (const auto& e : s.elements) {
      out += '+';
      for (std::size_t c = 0; c < e.size(); ++c) {
        if (c != 0) out += ':';
        for (char ch : e[c]) {
          // Service characters, and control characters, which the reader takes only released.
          const auto u = static_cast<unsigned char>(ch);
          if (ch == ':' || ch == '+' || ch == '?' || ch == '\'' || u < 0x20 || u == 0x7F)
            out += '?';
          out += ch;
        }
      }
    }
    out += '\'';
  }
  return out;
}

void check_tokenizer(std::string_view body) {
  const auto doc = ah::detail::read_edifact(body);
  APIPNR_FUZZ_CHECK(doc.segments.size() <= ah::detail::max_edi_segments + 1);
  if (!doc.ok()) return;
  for (const auto& s : doc.segments) {
    APIPNR_FUZZ_CHECK(s.tag.size() == 3);
    APIPNR_FUZZ_CHECK(s.elements.size() <= ah::detail::max_edi_elements);
  }
  const auto again = ah::detail::read_edifact(write_back(doc));
  APIPNR_FUZZ_CHECK(again.ok());
  APIPNR_FUZZ_CHECK(again.segments.size() == doc.segments.size());
  for (std::size_t i = 0; i < doc.segments.size(); ++i) {
    APIPNR_FUZZ_CHECK(again.segments[i].tag == doc.segments[i].tag);
    APIPNR_FUZZ_CHECK(again.segments[i].elements == doc.segments[i].elements);
  }
}

// The readers on their own; returns what each said, for the classify checks.
struct readings {
  std::string contrl_why, cusres_why, ackres_why;
  ah::contrl_report contrl;
  ah::cusres_report cusres;
  ah::ackres_report ackres;
};

readings read_all(std::string_view body) {
  readings r;
  r.contrl_why = ah::read_contrl(body, r.contrl);
  if (r.contrl_why.empty()) {
    APIPNR_FUZZ_CHECK(!r.contrl.technical_receipt ||
                      (r.contrl.interchange_action == 8 && r.contrl.levels.empty()));
    for (const auto& e : r.contrl.errors) APIPNR_FUZZ_CHECK(e.code > 0);
    for (const auto& l : r.contrl.levels) APIPNR_FUZZ_CHECK(l.action == 4 || l.action == 7);
  }
  r.cusres_why = ah::read_cusres(body, r.cusres);
  if (r.cusres_why.empty()) APIPNR_FUZZ_CHECK(!r.cusres.bgm.empty());
  r.ackres_why = ah::read_ackres(body, r.ackres);
  return r;
}

bool header_rejects(const ah::cusres_report& r) {
  for (const auto& g : r.groups) {
    if (g.level != 1) continue;
    for (const auto& c : g.codes)
      if (c != "0") return true;
  }
  return false;
}

// An integer member as the body holds it (INT64_MAX standing for anything larger).
std::optional<std::int64_t> exact_integer(const nlohmann::json& v) {
  if (v.is_number_unsigned()) {
    const auto u = v.get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(INT64_MAX)) return INT64_MAX;
    return static_cast<std::int64_t>(u);
  }
  if (v.is_number_integer()) return v.get<std::int64_t>();
  return std::nullopt;
}

nlohmann::json body_json(std::string_view body) {
  return nlohmann::json::parse(body.begin(), body.end(), nullptr, false);
}

// The problem's `status` as the body holds it, when it is an integer.
std::optional<std::int64_t> body_status(std::string_view body) {
  const auto j = body_json(body);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  const auto it = j.find("status");
  if (it == j.end()) return std::nullopt;
  return exact_integer(*it);
}

// Every 0085 code a problem+json classification reports is one of its findings' `syntax_error`
// values as written (not, say, 4294967325 read as 29).
void check_problem_codes(std::string_view body, const std::vector<int>& codes) {
  if (codes.empty()) return;
  const auto j = body_json(body);
  APIPNR_FUZZ_CHECK(!j.is_discarded() && j.is_object());
  const auto f = j.find("findings");
  APIPNR_FUZZ_CHECK(f != j.end() && f->is_array());
  for (int code : codes) {
    bool found = false;
    for (const auto& item : *f) {
      if (!item.is_object()) continue;
      const auto it = item.find("syntax_error");
      if (it == item.end()) continue;
      const auto v = exact_integer(*it);
      found = found || (v && *v == code);
    }
    APIPNR_FUZZ_CHECK(found);
  }
}

void check_classification(const ah::observation& o, const ah::classification& c,
                          const readings& r) {
  const int status = o.http_status;
  // Evidence: an answer without a decision says why.
  if (c.result == decision::unknown) APIPNR_FUZZ_CHECK(!c.summary.empty());
  if (status != 0) {
    const bool ok2 = status >= 200 && status < 300;
    const bool ok4 = status >= 400 && status < 500;
    if (c.result == decision::accepted) APIPNR_FUZZ_CHECK(ok2);
    if (c.result == decision::rejected) APIPNR_FUZZ_CHECK(ok2 || ok4);
  }
  // The problem status is the body's own value (or 0 when it gives none the harness can use).
  if (c.problem_status != 0) {
    APIPNR_FUZZ_CHECK(c.ack == ah::ack_type::problem_json);
    const auto s = body_status(o.body);
    APIPNR_FUZZ_CHECK(s && *s == c.problem_status);
  }
  // Over AMQP the problem status decides like an HTTP status.
  const int effective = status != 0 ? status : c.problem_status;
  const bool judged_by_body = effective == 0 || (effective >= 200 && effective < 300);
  switch (c.ack) {
    case ah::ack_type::contrl:
      // Only a body CONTRL is classified as one (a JSON receipt's stays a receipt).
      APIPNR_FUZZ_CHECK(c.contrl.has_value() && r.contrl_why.empty());
      APIPNR_FUZZ_CHECK(c.contrl_action == r.contrl.interchange_action);
      if (judged_by_body) {
        APIPNR_FUZZ_CHECK(c.result ==
                          (r.contrl.rejected() ? decision::rejected : decision::accepted));
      } else if (effective >= 400 && effective < 500) {
        APIPNR_FUZZ_CHECK(c.result ==
                          (r.contrl.rejected() ? decision::rejected : decision::unknown));
      }
      break;
    case ah::ack_type::cusres:
      APIPNR_FUZZ_CHECK(r.cusres_why.empty() && c.cusres.has_value());
      APIPNR_FUZZ_CHECK(c.cusres->document == r.cusres.bgm);
      if (judged_by_body)
        APIPNR_FUZZ_CHECK(c.result ==
                          (header_rejects(r.cusres) ? decision::rejected : decision::accepted));
      break;
    case ah::ack_type::ackres:
      APIPNR_FUZZ_CHECK(r.ackres_why.empty());
      if (judged_by_body)
        APIPNR_FUZZ_CHECK(c.result ==
                          (r.ackres.codes.empty() ? decision::accepted : decision::rejected));
      break;
    case ah::ack_type::problem_json:
      check_problem_codes(o.body, c.syntax_errors);
      break;
    case ah::ack_type::other:
      APIPNR_FUZZ_CHECK(c.result == decision::unknown);
      break;
    default:
      break;
  }
}

void check_judge(const ah::classification& c) {
  apipnr::vectors::cusres_expectation want;
  want.document = "962";
  want.transaction_reference = "T1";
  want.header_erc = "0";
  want.travellers.push_back({"0001", "", "0Z"});
  want.complete = true;
  const auto j = ah::judge_cusres(want, c);
  if (j.verdict != ah::verdict::pass) {
    APIPNR_FUZZ_CHECK(!j.reason.empty());
    return;
  }
  APIPNR_FUZZ_CHECK(c.cusres.has_value());
  const auto& got = *c.cusres;
  APIPNR_FUZZ_CHECK(got.document == "962" && got.first_rff == "TN" &&
                    got.transaction_reference == "T1" && !got.tn_group_has_dtm_or_loc);
  std::size_t travellers = 0;
  for (const auto& g : got.groups) {
    if (g.level != 2) continue;
    ++travellers;
    APIPNR_FUZZ_CHECK(g.abo == "0001" && !g.codes.empty());
    for (const auto& code : g.codes) APIPNR_FUZZ_CHECK(code == "0Z");
  }
  APIPNR_FUZZ_CHECK(travellers == 1);
}

void run(std::string_view body) {
  check_tokenizer(body);
  const readings r = read_all(body);
  struct variant {
    int status;
    const char* content_type;
  };
  static constexpr variant variants[] = {
      {200, ""},
      {200, "application/edifact"},
      {400, "application/problem+json; charset=utf-8"},
      {400, "text/plain"},
      {500, "application/json"},
      {302, ""},
      {0, ""},
      {0, "application/problem+json"},
  };
  for (const auto& v : variants) {
    ah::observation o;
    o.http_status = v.status;
    o.content_type = v.content_type;
    o.body = std::string(body);
    if (v.status == 200) o.headers["location"] = "/v1/messages/" + std::string(body.substr(0, 8));
    const ah::classification c = ah::classify(o);
    check_classification(o, c, r);
    if (v.status == 0 && v.content_type[0] == '\0') check_judge(c);
  }
  // No answer at all: never a decision.
  ah::observation lost;
  lost.outcome = ah::transport_outcome::timeout;
  lost.body = std::string(body);
  const auto c = ah::classify(lost);
  APIPNR_FUZZ_CHECK(c.result == decision::unknown && !c.summary.empty());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return apipnr::fuzzing::run_without_exceptions(data, size, "the harness readers", run);
}
