// libFuzzer target: the readers of a results.json someone handed over (a bid's evidence may be
// re-rendered or compared by anyone, so the file is untrusted input): harness-core's
// from_json (results.hpp, behind `apipnr-harness report` and the summary), and the report
// renderer (report_html.hpp: render_report_html, comparison_refusal, render_comparison_html).
//
// Input: one or more JSON documents separated by the byte 0x1E (record separator). Each is
// read and rendered alone; two or more are also compared as bids.
//
// Traps on:
// - an exception escaping (results.hpp: read errors are config_errors; report_html.hpp:
//   "functions never throw"), std::bad_alloc excepted;
// - from_json: an error outside apipnr.harness.040-049, or a result that does not survive its
//   own writer: to_json(from_json(to_json(r))) must equal to_json(r) and dump as UTF-8;
// - the renderer: a refusal that is not one "[apipnr.harness.5NN]" line; a page that is not
//   well-formed UTF-8 without control characters, holds a tag, attribute, bare '&' or '>' the
//   renderer does not write (data breaking out of its escaping), an unquoted attribute or an
//   in-page link to no id (fuzz_html_check.hpp); a page that differs when
//   rendered again (documented: a pure function of the input);
// - the comparison: a page without a refusal, or a refusal and a page, or a refusal that
//   comparison_refusal does not give.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "apipnr/harness/report_html.hpp"
#include "apipnr/harness/results.hpp"
#include "fuzz_check.hpp"
#include "fuzz_html_check.hpp"

namespace {

namespace ah = apipnr::harness;
using json = nlohmann::json;

bool one_refusal_line(const std::string& error) {
  return error.rfind("[apipnr.harness.5", 0) == 0 && error.find('\n') == std::string::npos;
}

void check_reader(const json& doc) {
  std::vector<ah::config_error> errors;
  const auto r = ah::from_json(doc, "fuzz.json", errors);
  for (const auto& e : errors) {
    APIPNR_FUZZ_CHECK(e.code.rfind("apipnr.harness.04", 0) == 0);
    APIPNR_FUZZ_CHECK(!e.message.empty());
  }
  if (!r) {
    APIPNR_FUZZ_CHECK(!errors.empty());
    return;
  }
  APIPNR_FUZZ_CHECK(errors.empty());
  const json once = ah::to_json(*r);
  (void)once.dump();  // strict UTF-8: throws type_error 316 on bytes that are not
  std::vector<ah::config_error> again_errors;
  const auto again = ah::from_json(once, "fuzz.json", again_errors);
  APIPNR_FUZZ_CHECK(again.has_value() && again_errors.empty());
  APIPNR_FUZZ_CHECK(ah::to_json(*again) == once);
}

void check_page(const json& doc) {
  const ah::html_options opts;
  std::string error;
  const auto page = ah::render_report_html(doc, opts, error);
  if (!page) {
    APIPNR_FUZZ_CHECK(one_refusal_line(error));
    return;
  }
  apipnr::fuzzing::check_rendered_html(*page);
  std::string error2;
  const auto page2 = ah::render_report_html(doc, opts, error2);
  APIPNR_FUZZ_CHECK(page2 && *page2 == *page);
}

void check_comparison(const std::vector<json>& docs) {
  const ah::html_options opts;
  std::string error;
  const auto page = ah::render_comparison_html(docs, opts, error);
  const std::string refusal = ah::comparison_refusal(docs);
  APIPNR_FUZZ_CHECK(page.has_value() == refusal.empty());
  if (!page) {
    APIPNR_FUZZ_CHECK(error == refusal && one_refusal_line(error));
    return;
  }
  apipnr::fuzzing::check_rendered_html(*page);
}

void run(std::string_view text) {
  std::vector<json> docs;
  std::size_t from = 0;
  // At most four documents: a comparison of more adds nothing the fourth does not.
  while (docs.size() < 4) {
    const std::size_t sep = text.find('\x1e', from);
    const std::string_view part =
        text.substr(from, sep == std::string_view::npos ? sep : sep - from);
    json doc = json::parse(part.begin(), part.end(), nullptr, false);
    if (!doc.is_discarded()) docs.push_back(std::move(doc));
    if (sep == std::string_view::npos) break;
    from = sep + 1;
  }
  for (const json& d : docs) {
    check_reader(d);
    check_page(d);
  }
  if (docs.size() >= 2) check_comparison(docs);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return apipnr::fuzzing::run_without_exceptions(data, size, "the results readers", run);
}
