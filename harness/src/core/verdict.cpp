#include "apipnr/harness/verdict.hpp"

#include "apipnr/harness/cusres_expect.hpp"
#include "apipnr/harness/json_depth.hpp"

#include <algorithm>
#include <array>
#include <sstream>

namespace apipnr::harness {

namespace {

constexpr std::array<std::string_view, verdict_count> verdict_names{"pass",
                                                                    "pass_non_strict",
                                                                    "fail_should_have_accepted",
                                                                    "fail_should_have_rejected",
                                                                    "fail_wrong_code",
                                                                    "fail_data",
                                                                    "informational",
                                                                    "skipped",
                                                                    "timeout",
                                                                    "transport_error",
                                                                    "endpoint_down"};

std::string join_ints(const std::vector<int>& v) {
  std::string out;
  for (int x : v) {
    if (!out.empty()) out += ' ';
    out += std::to_string(x);
  }
  return out;
}

std::string join_strings(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) {
    if (!out.empty()) out += ' ';
    out += s;
  }
  return out;
}

std::string_view outcome_name(transport_outcome o) noexcept {
  switch (o) {
    case transport_outcome::completed:
      return "completed";
    case transport_outcome::timeout:
      return "timeout";
    case transport_outcome::transport_error:
      return "transport_error";
    case transport_outcome::endpoint_down:
      return "endpoint_down";
  }
  return "completed";
}

// The one-line "actual" of an answer: the classifier's summary when it wrote one, otherwise
// what the struct says (the fallback classifier writes none).
std::string describe(const observation& o, const classification& c) {
  if (!c.summary.empty()) return c.summary;
  std::string s = std::string(to_string(c.result));
  if (o.http_status != 0) s += ", HTTP " + std::to_string(o.http_status);
  if (c.ack != ack_type::none) s += ", " + std::string(to_string(c.ack));
  if (c.contrl_action) s += ", UCI " + std::to_string(*c.contrl_action);
  if (!c.syntax_errors.empty()) s += ", 0085 [" + join_ints(c.syntax_errors) + "]";
  if (!c.requirements.empty()) s += ", requirements [" + join_strings(c.requirements) + "]";
  return s;
}

template <class T>
bool contains(const std::vector<T>& v, const T& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

void diff_into(const nlohmann::json& e, const nlohmann::json& a,
               const nlohmann::json::json_pointer& at, std::vector<field_difference>& out) {
  auto skip = [](const std::string& key) { return key.rfind("x_", 0) == 0; };
  if (e.is_object() && a.is_object()) {
    for (const auto& [key, value] : e.items()) {
      if (skip(key)) continue;
      auto it = a.find(key);
      if (it == a.end()) {
        out.push_back({(at / key).to_string(), "missing", value.dump(), ""});
      } else {
        diff_into(value, *it, at / key, out);
      }
    }
    for (const auto& [key, value] : a.items()) {
      if (skip(key) || e.contains(key)) continue;
      out.push_back({(at / key).to_string(), "unexpected", "", value.dump()});
    }
    return;
  }
  if (e.is_array() && a.is_array()) {
    const std::size_t n = std::min(e.size(), a.size());
    for (std::size_t i = 0; i < n; ++i) diff_into(e[i], a[i], at / i, out);
    for (std::size_t i = n; i < e.size(); ++i)
      out.push_back({(at / i).to_string(), "missing", e[i].dump(), ""});
    for (std::size_t i = n; i < a.size(); ++i)
      out.push_back({(at / i).to_string(), "unexpected", "", a[i].dump()});
    return;
  }
  if (e != a) out.push_back({at.to_string(), "different", e.dump(), a.dump()});
}

}  // namespace

std::string_view to_string(decision d) noexcept {
  switch (d) {
    case decision::unknown:
      return "unknown";
    case decision::accepted:
      return "accepted";
    case decision::rejected:
      return "rejected";
  }
  return "unknown";
}

std::string_view to_string(ack_type a) noexcept {
  switch (a) {
    case ack_type::none:
      return "none";
    case ack_type::contrl:
      return "CONTRL";
    case ack_type::cusres:
      return "CUSRES";
    case ack_type::ackres:
      return "ACKRES";
    case ack_type::problem_json:
      return "problem+json";
    case ack_type::receipt:
      return "receipt";
    case ack_type::other:
      return "other";
  }
  return "none";
}

std::string_view to_string(verdict v) noexcept {
  return verdict_names[static_cast<std::size_t>(v)];
}

std::optional<verdict> parse_verdict(std::string_view s) noexcept {
  for (std::size_t i = 0; i < verdict_names.size(); ++i)
    if (verdict_names[i] == s) return static_cast<verdict>(i);
  return std::nullopt;
}

bool is_pass(verdict v) noexcept { return v == verdict::pass || v == verdict::pass_non_strict; }

bool is_failure(verdict v) noexcept {
  switch (v) {
    case verdict::fail_should_have_accepted:
    case verdict::fail_should_have_rejected:
    case verdict::fail_wrong_code:
    case verdict::fail_data:
      return true;
    default:
      return false;
  }
}

bool is_error(verdict v) noexcept {
  return v == verdict::timeout || v == verdict::transport_error || v == verdict::endpoint_down;
}

std::vector<field_difference> diff_canonical(const nlohmann::json& expected,
                                             const nlohmann::json& actual) {
  std::vector<field_difference> out;
  // diff_into and dump() recurse per level: a vendor's deeply nested answer fails as a whole
  // (json_depth.hpp), as in canonical_diff.
  if (json_depth(expected) > max_canonical_depth || json_depth(actual) > max_canonical_depth) {
    out.push_back(too_deep_difference(expected, actual));
    return out;
  }
  diff_into(expected, actual, nlohmann::json::json_pointer{}, out);
  return out;
}

// The first way the CONTRL answers fall short of expect.pass.contrl (vectors/README.md), or ""
// when they meet it. Judged on the first CONTRL among the answers; without any CONTRL the
// content is missing. SYN-CTL-008 (UCI/UCF/UCM copy the received references), SYN-CTL-009
// (ISO 0085 codes only), SYN-CTL-010 (message identifier, UCF or UCM levels).
std::string contrl_shortfall(const vectors::contrl_expectation& x,
                             const std::vector<classification>& answers) {
  const classification* k = nullptr;
  for (const auto& a : answers) {
    if (a.contrl) {
      k = &a;
      break;
    }
  }
  if (k == nullptr) return "CONTRL content (no CONTRL answered)";
  const contrl_content& got = *k->contrl;
  auto differs = [](const std::string& want, const std::string& have) {
    return !want.empty() && want != have;
  };
  auto quoted = [](const std::string& v) { return "'" + v + "'"; };
  if (differs(x.identifier, got.identifier)) {
    return "CONTRL identifier " + x.identifier + " (sent " + quoted(got.identifier) + ")";
  }
  if (differs(x.interchange_reference, got.interchange_reference)) {
    return "UCI 0020 " + x.interchange_reference + " (sent " + quoted(got.interchange_reference) +
           ")";
  }
  if (differs(x.interchange_sender, got.interchange_sender)) {
    return "UCI S002 " + x.interchange_sender + " (sent " + quoted(got.interchange_sender) + ")";
  }
  if (differs(x.interchange_recipient, got.interchange_recipient)) {
    return "UCI S003 " + x.interchange_recipient + " (sent " + quoted(got.interchange_recipient) +
           ")";
  }
  // Levels in the listed order; a receiver may report further levels between them.
  std::size_t next = 0;
  for (const auto& want : x.levels) {
    bool found = false;
    while (next < got.levels.size() && !found) {
      const auto& have = got.levels[next++];
      found = have.segment == want.segment && have.reference == want.reference &&
              !differs(want.message_type, have.message_type) &&
              (!want.action || *want.action == have.action);
    }
    if (!found) {
      std::string d = want.segment + " " + want.reference;
      if (!want.message_type.empty()) d += " " + want.message_type;
      if (want.action) d += " action " + std::to_string(*want.action);
      return d + " (in this order)";
    }
  }
  if (x.iso_codes_only) {
    for (int code : k->syntax_errors) {
      if (!vectors::iso9735_syntax_error(code)) {
        return "ISO 0085 codes only (sent " + std::to_string(code) + ")";
      }
    }
  }
  return {};
}

// Over AMQP (no HTTP status) a reply without a body states no decision (classify.hpp): the
// reason then says so and names the answer the case expected, so that the report shows what
// was missing rather than a bare "unknown".
bool bodiless_reply(const observation& o, const classification& k) {
  return o.http_status == 0 && k.result == decision::unknown && k.ack == ack_type::none &&
         o.body.find_first_not_of(" \t\r\n") == std::string::npos;
}

std::string expected_answer(const vectors::case_spec& c) {
  const bool contrl = c.expect.pass && (c.expect.pass->contrl_action || c.expect.pass->contrl ||
                                        !c.expect.pass->syntax_errors.empty());
  if (c.expect.cusres) return "the CUSRES " + c.expect.cusres->document + " answering the request";
  if (c.expect.result == vectors::outcome::accept) {
    if (contrl && c.expect.pass->contrl_action)
      return "a CONTRL (UCI " + std::to_string(*c.expect.pass->contrl_action) + ") or a receipt";
    return "a receipt or an acknowledgement saying accepted";
  }
  if (contrl) return "a CONTRL stating the rejection (UCI, UCF or UCM 4 with its 0085 codes)";
  return "a rejection (a CONTRL, ACKRES or CUSRES stating it, or a problem)";
}

std::string bodiless_note(const vectors::case_spec& c, const observation& o,
                          const classification& k) {
  if (!bodiless_reply(o, k)) return {};
  return ": the AMQP reply has no body, so it states no decision; expected " + expected_answer(c);
}

std::string describe_expectation(const vectors::case_spec& c) {
  std::string s{vectors::to_string(c.expect.result)};
  if (c.expect.pass) {
    const auto& p = *c.expect.pass;
    if (!p.syntax_errors.empty()) s += ", 0085 [" + join_ints(p.syntax_errors) + "]";
    if (p.contrl_action) s += ", UCI " + std::to_string(*p.contrl_action);
    if (!p.requirements.empty()) s += ", requirements [" + join_strings(p.requirements) + "]";
    if (!p.warning_requirements.empty())
      s += ", warnings [" + join_strings(p.warning_requirements) + "]";
    if (!p.set_outcome.empty()) s += ", set " + p.set_outcome;
    if (p.contrl) s += ", CONTRL content";
  }
  if (c.expect.non_strict && !c.expect.non_strict->http_status.empty()) {
    std::vector<int> st = c.expect.non_strict->http_status;
    s += ", non-strict HTTP [" + join_ints(st) + "]";
  }
  if (c.expect.cusres) s += ", " + describe_cusres(*c.expect.cusres);
  if (!c.expect.canonical.empty()) s += ", canonical " + c.expect.canonical;
  if (const auto& t = c.expect.stored_travellers) {
    s += ", " + std::to_string(t->count) + " traveller" + (t->count == 1 ? "" : "s") +
         " stored for " + t->carrier + t->number + " " + t->date;
  }
  return s;
}

judgement judge(const vectors::case_spec& c, const std::vector<observation>& observations,
                const std::vector<classification>& classifications, const data_evidence& data,
                const judge_options& /*opts*/) {
  judgement j;
  j.expected = describe_expectation(c);
  if (observations.empty() || observations.size() != classifications.size()) {
    j.verdict = verdict::informational;
    j.reason = "nothing to judge: no exchange recorded";
    return j;
  }

  // Transport problems first: they are never plain failures (PRIOR_ART §2.2 item 6), and the
  // first one decides, because later parts of a set depend on the earlier ones.
  for (std::size_t i = 0; i < observations.size(); ++i) {
    const auto& o = observations[i];
    if (o.outcome == transport_outcome::completed) continue;
    j.actual = "part " + std::to_string(i + 1) + ": " + std::string(outcome_name(o.outcome));
    if (!o.error.empty()) j.actual += ": " + o.error;
    j.reason = j.actual;
    j.verdict = o.outcome == transport_outcome::timeout         ? verdict::timeout
                : o.outcome == transport_outcome::endpoint_down ? verdict::endpoint_down
                                                                : verdict::transport_error;
    return j;
  }

  for (std::size_t i = 0; i < observations.size(); ++i) {
    if (!j.actual.empty()) j.actual += "; ";
    if (observations.size() > 1) j.actual += "part " + std::to_string(i + 1) + ": ";
    j.actual += describe(observations[i], classifications[i]);
  }
  // A 5xx answer is the server failing, not the server deciding (STYLE_ANCHORS C7).
  for (std::size_t i = 0; i < observations.size(); ++i) {
    if (classifications[i].result == decision::unknown && observations[i].http_status >= 500) {
      j.verdict = verdict::transport_error;
      j.reason = "part " + std::to_string(i + 1) + ": HTTP " +
                 std::to_string(observations[i].http_status) + " without a decision";
      return j;
    }
  }

  bool any_rejected = false, all_accepted = true;
  std::size_t first_not_accepted = 0;
  std::vector<int> codes, actions;
  // (status, over HTTP?) of each rejection: the HTTP status, or over AMQP (no HTTP status) the
  // problem's `status`, so that the non-strict allowance means the same on both transports.
  std::vector<std::pair<int, bool>> statuses_of_rejections;
  std::vector<std::string> reqs, warn_reqs;
  bool findings_reported = false;
  for (std::size_t i = 0; i < classifications.size(); ++i) {
    const auto& k = classifications[i];
    if (k.result == decision::rejected) {
      any_rejected = true;
      const int http = observations[i].http_status;
      statuses_of_rejections.emplace_back(http != 0 ? http : k.problem_status, http != 0);
    }
    if (k.result != decision::accepted && all_accepted) {
      all_accepted = false;
      first_not_accepted = i;
    }
    codes.insert(codes.end(), k.syntax_errors.begin(), k.syntax_errors.end());
    if (k.contrl_action) actions.push_back(*k.contrl_action);
    reqs.insert(reqs.end(), k.requirements.begin(), k.requirements.end());
    warn_reqs.insert(warn_reqs.end(), k.warning_requirements.begin(), k.warning_requirements.end());
    findings_reported = findings_reported || k.findings_reported;
  }
  const vectors::pass_expectation no_pass{};
  const auto& pass = c.expect.pass ? *c.expect.pass : no_pass;

  switch (c.expect.result) {
    case vectors::outcome::either:
      j.verdict = verdict::informational;
      j.reason = any_rejected ? "implementation rejects" : "implementation accepts";
      return j;

    case vectors::outcome::accept: {
      if (!all_accepted) {
        j.verdict = verdict::fail_should_have_accepted;
        j.reason =
            "part " + std::to_string(first_not_accepted + 1) + " " +
            std::string(to_string(classifications[first_not_accepted].result)) +
            bodiless_note(c, observations[first_not_accepted], classifications[first_not_accepted]);
        return j;
      }
      if (pass.contrl_action && !actions.empty() && !contains(actions, *pass.contrl_action)) {
        j.verdict = verdict::fail_wrong_code;
        j.reason = "CONTRL UCI action " + std::to_string(*pass.contrl_action) + " not sent";
        return j;
      }
      // An acceptance need not come as a CONTRL; when it does, its content is judged.
      if (pass.contrl &&
          std::any_of(classifications.begin(), classifications.end(),
                      [](const classification& k) { return k.contrl.has_value(); })) {
        if (auto why = contrl_shortfall(*pass.contrl, classifications); !why.empty()) {
          j.verdict = verdict::fail_wrong_code;
          j.reason = "CONTRL without " + why;
          return j;
        }
      }
      // The CUSRES answering an iAPI request (expect.cusres): judged on the last answer, the
      // one to the request; any other answer where a CUSRES is expected is a wrong code.
      if (c.expect.cusres) {
        const auto cj = judge_cusres(*c.expect.cusres, classifications.back());
        if (cj.verdict != verdict::pass) {
          j.verdict = cj.verdict;
          j.reason = cj.reason;
          return j;
        }
      }
      // Warning requirements are only evidence when the receiver reports findings at all;
      // a bare 202 receipt neither confirms nor contradicts them.
      if (findings_reported) {
        for (const auto& r : pass.warning_requirements) {
          if (!contains(warn_reqs, r) && !contains(reqs, r)) {
            j.verdict = verdict::fail_wrong_code;
            j.reason = "warning for requirement " + r + " not reported";
            return j;
          }
        }
      }
      if (data.checked && !c.expect.canonical.empty()) {
        if (!data.found) {
          j.verdict = verdict::fail_data;
          j.reason = "no canonical message found: " + data.error;
          j.differences.push_back({"", "missing", "(the logical message)", ""});
          return j;
        }
        j.differences =
            data.differences ? *data.differences : diff_canonical(data.expected, data.actual);
        if (!j.differences.empty()) {
          j.verdict = verdict::fail_data;
          const auto& d = j.differences.front();
          j.reason = d.kind + " field " + (d.pointer.empty() ? "/" : d.pointer) + " (" +
                     std::to_string(j.differences.size()) + " difference" +
                     (j.differences.size() == 1 ? "" : "s") + ")";
          return j;
        }
      }
      // expect.stored_travellers (RCV-DUP-001): a resend the receiver stored a second time
      // shows as more travellers on the case's flight than the case sent.
      if (data.travellers_checked && c.expect.stored_travellers) {
        const auto& f = *c.expect.stored_travellers;
        const std::string flight = f.carrier + f.number + " " + f.date;
        if (!data.travellers_count) {
          j.verdict = verdict::fail_data;
          j.reason = "flight " + flight + ": no traveller count: " + data.travellers_error;
          return j;
        }
        if (*data.travellers_count != f.count) {
          j.verdict = verdict::fail_data;
          j.reason = "flight " + flight + ": " + std::to_string(*data.travellers_count) +
                     " travellers stored, expected " + std::to_string(f.count) +
                     (*data.travellers_count > f.count ? " (stored more than once?)" : "");
          j.differences.push_back({"/stored_travellers/count", "different", std::to_string(f.count),
                                   std::to_string(*data.travellers_count)});
          return j;
        }
      }
      j.verdict = verdict::pass;
      return j;
    }

    case vectors::outcome::reject: {
      if (!any_rejected && pass.set_outcome == "incomplete") {
        // Every part was acknowledged, which is right for a set that is incomplete only as a
        // whole; what counts is that no logical message is formed, which only the query
        // interface or export can show.
        if (!data.checked) {
          j.verdict = verdict::informational;
          j.reason = "set outcome 'incomplete' needs a query interface or export";
          return j;
        }
        j.verdict = data.found ? verdict::fail_should_have_rejected : verdict::pass;
        j.reason = data.found ? "a logical message was formed from an incomplete set"
                              : "no logical message formed";
        return j;
      }
      if (!any_rejected) {
        j.verdict = verdict::fail_should_have_rejected;
        j.reason = all_accepted ? "accepted" : "no recognisable rejection";
        if (!all_accepted) {
          j.reason += bodiless_note(c, observations[first_not_accepted],
                                    classifications[first_not_accepted]);
        }
        return j;
      }
      // A refusal the case expects as a CUSRES (header ERP+1, API-CUSRES-ERP-002) is no
      // lenient pass when it comes as something else: the carrier could not pair it.
      if (c.expect.cusres) {
        const auto cj = judge_cusres(*c.expect.cusres, classifications.back());
        if (cj.verdict != verdict::pass) {
          j.verdict = cj.verdict;
          j.reason = "rejected, but " + cj.reason;
          return j;
        }
      }
      std::string missing;
      for (int code : pass.syntax_errors)
        if (!contains(codes, code))
          missing += (missing.empty() ? "" : ", ") + std::string("0085 ") + std::to_string(code);
      if (pass.contrl_action && !contains(actions, *pass.contrl_action))
        missing += (missing.empty() ? "" : ", ") + std::string("UCI ") +
                   std::to_string(*pass.contrl_action);
      if (pass.contrl) {
        if (auto why = contrl_shortfall(*pass.contrl, classifications); !why.empty())
          missing += (missing.empty() ? "" : ", ") + why;
      }
      if (findings_reported)
        for (const auto& r : pass.requirements)
          if (!contains(reqs, r))
            missing += (missing.empty() ? "" : ", ") + std::string("requirement ") + r;
      if (missing.empty()) {
        j.verdict = verdict::pass;
        return j;
      }
      // Non-strict leniency is for a receiver that states no code (README: "gives no
      // machine-readable error"); one that states a different 0085 code than the case expects
      // is wrong, not lenient (the wrong-contrl-code mutant, docs/HARNESS.md).
      bool other_code_stated = false;
      if (!codes.empty()) {
        for (int code : pass.syntax_errors) other_code_stated |= !contains(codes, code);
      }
      if (c.expect.non_strict && !other_code_stated) {
        for (const auto& [st, over_http] : statuses_of_rejections) {
          if (st != 0 && contains(c.expect.non_strict->http_status, st)) {
            j.verdict = verdict::pass_non_strict;
            j.reason =
                std::string(over_http ? "rejected with HTTP " : "rejected with problem status ") +
                std::to_string(st) + " but without " + missing;
            return j;
          }
        }
      }
      j.verdict = verdict::fail_wrong_code;
      j.reason = "rejected without " + missing;
      return j;
    }
  }
  return j;
}

}  // namespace apipnr::harness
