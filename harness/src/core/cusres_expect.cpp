#include "apipnr/harness/cusres_expect.hpp"

#include <algorithm>

namespace apipnr::harness {

namespace {

std::string quoted(const std::string& v) { return "'" + v + "'"; }

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : " ") + s;
  return out;
}

// Groups answering passenger `abo` (ERP+2 with that RFF+ABO), in answer order.
std::vector<const cusres_content::group*> answers_for(const cusres_content& got,
                                                      const std::string& abo) {
  std::vector<const cusres_content::group*> out;
  for (const auto& g : got.groups)
    if (g.level == 2 && g.abo == abo) out.push_back(&g);
  return out;
}

}  // namespace

std::string cusres_shortfall(const vectors::cusres_expectation& want, const cusres_content& got) {
  if (!want.document.empty() && want.document != got.document)
    return "BGM " + want.document + " expected, sent " + quoted(got.document);
  if (!want.transaction_reference.empty()) {
    // API-CUSRES-RFF-001: the FIRST RFF group is TN, echoing the request's reference.
    if (got.first_rff != "TN")
      return "first RFF is not TN (RFF+TN " + want.transaction_reference + " expected, first RFF " +
             quoted(got.first_rff) + ")";
    if (got.transaction_reference != want.transaction_reference)
      return "RFF+TN " + want.transaction_reference + " expected, sent " +
             quoted(got.transaction_reference);
    if (got.tn_group_has_dtm_or_loc) return "RFF+TN group carries DTM or LOC";
  }
  if (!want.message_reference.empty() && want.message_reference != got.message_reference)
    return "UNH 0062 " + want.message_reference + " expected, sent " +
           quoted(got.message_reference);
  if (!want.common_access_reference.empty() &&
      want.common_access_reference != got.common_access_reference)
    return "UNH 0068 " + want.common_access_reference + " expected, sent " +
           quoted(got.common_access_reference);
  if (!want.header_erc.empty()) {
    std::vector<std::string> sent;
    for (const auto& g : got.groups)
      if (g.level == 1) sent.insert(sent.end(), g.codes.begin(), g.codes.end());
    if (std::find(sent.begin(), sent.end(), want.header_erc) == sent.end()) {
      return "header ERP+1 ERC " + want.header_erc + " expected, sent " +
             (sent.empty() ? std::string("no ERP+1 group") : "ERC " + join(sent));
    }
  }
  for (const auto& t : want.travellers) {
    const auto found = answers_for(got, t.abo);
    if (found.empty()) return "traveller " + t.abo + " not answered (no ERP+2 with RFF+ABO)";
    const cusres_content::group& g = *found.front();
    if (!t.avf.empty() && g.avf != t.avf)
      return "traveller " + t.abo + ": RFF+AVF " + t.avf + " expected, sent " + quoted(g.avf);
    if (!t.directive.empty()) {
      const bool all_match =
          !g.codes.empty() && std::all_of(g.codes.begin(), g.codes.end(),
                                          [&](const std::string& c) { return c == t.directive; });
      if (!all_match) {
        return "traveller " + t.abo + ": directive " + t.directive + " expected, sent " +
               (g.codes.empty() ? std::string("no ERC") : join(g.codes));
      }
    }
    if (want.complete && found.size() > 1)
      return "traveller " + t.abo + " answered " + std::to_string(found.size()) + " times";
  }
  if (want.complete) {
    for (const auto& g : got.groups) {
      if (g.level != 2) continue;
      const bool expected = std::any_of(
          want.travellers.begin(), want.travellers.end(),
          [&](const vectors::cusres_traveller_expectation& t) { return t.abo == g.abo; });
      if (!expected) {
        return "unexpected traveller " + (g.abo.empty() ? std::string("without RFF+ABO") : g.abo) +
               " (complete list expected)";
      }
    }
  }
  return {};
}

cusres_judgement judge_cusres(const vectors::cusres_expectation& want,
                              const classification& answer) {
  cusres_judgement j;
  if (!answer.cusres) {
    j.verdict = verdict::fail_wrong_code;
    j.reason = "CUSRES " + want.document + " expected, answer is " +
               (answer.summary.empty() ? std::string(to_string(answer.ack)) : answer.summary);
    return j;
  }
  if (auto why = cusres_shortfall(want, *answer.cusres); !why.empty()) {
    j.verdict = verdict::fail_wrong_code;
    j.reason = "CUSRES: " + why;
  }
  return j;
}

std::string describe_cusres(const vectors::cusres_expectation& want) {
  std::string s = "CUSRES " + want.document;
  if (!want.transaction_reference.empty()) s += ", TN " + want.transaction_reference;
  if (!want.message_reference.empty()) s += ", UNH 0062 " + want.message_reference;
  if (!want.common_access_reference.empty()) s += ", 0068 " + want.common_access_reference;
  if (!want.header_erc.empty()) s += ", header ERC " + want.header_erc;
  for (const auto& t : want.travellers)
    s += " " + t.abo + "=" + (t.directive.empty() ? std::string("?") : t.directive);
  if (want.complete) s += " (complete)";
  return s;
}

}  // namespace apipnr::harness
