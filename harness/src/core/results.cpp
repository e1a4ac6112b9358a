#include "apipnr/harness/results.hpp"

#include <sys/utsname.h>

#include <cmath>
#include <ctime>
#include <fstream>
#include <limits>
#include <sstream>
#include <thread>
#include <type_traits>

#include "apipnr/harness/selection.hpp"

namespace apipnr::harness {

namespace {

constexpr const char* e_read = "apipnr.harness.040";
constexpr const char* e_json = "apipnr.harness.041";
constexpr const char* e_shape = "apipnr.harness.042";
constexpr std::string_view b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// Whether the JSON number `v` is an integer T can hold. nlohmann's get<T> converts a double
// beyond T's range with undefined behaviour (a crash under the sanitizers, garbage otherwise)
// and wraps a negative integer into an unsigned type; a results.json someone handed over may
// hold either. A value that is no number is left to value(), which reports its type.
template <class T>
bool fits(const nlohmann::json& v) {
  using lim = std::numeric_limits<T>;
  if (v.is_number_unsigned())
    return v.get<std::uint64_t>() <= static_cast<std::uint64_t>(lim::max());
  if (v.is_number_integer()) {
    const auto n = v.get<std::int64_t>();
    if constexpr (std::is_signed_v<T>) {
      return n >= static_cast<std::int64_t>(lim::min()) &&
             n <= static_cast<std::int64_t>(lim::max());
    } else {
      return n >= 0 && static_cast<std::uint64_t>(n) <= static_cast<std::uint64_t>(lim::max());
    }
  }
  if (v.is_number_float()) {
    const double d = v.get<double>();
    // [min, 2^digits): both bounds are exact doubles, unlike max() of a 64-bit type.
    return std::isfinite(d) && d == std::trunc(d) && d >= static_cast<double>(lim::min()) &&
           d < std::ldexp(1.0, lim::digits);
  }
  return true;
}

std::string base64_encode(const std::string& in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    unsigned v = (static_cast<unsigned char>(in[i]) << 16) |
                 (static_cast<unsigned char>(in[i + 1]) << 8) |
                 static_cast<unsigned char>(in[i + 2]);
    out += b64[(v >> 18) & 63];
    out += b64[(v >> 12) & 63];
    out += b64[(v >> 6) & 63];
    out += b64[v & 63];
  }
  if (i < in.size()) {
    unsigned v = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) v |= static_cast<unsigned char>(in[i + 1]) << 8;
    out += b64[(v >> 18) & 63];
    out += b64[(v >> 12) & 63];
    out += i + 1 < in.size() ? b64[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string base64_decode(const std::string& in) {
  std::string out;
  unsigned v = 0;
  int bits = 0;
  for (char ch : in) {
    auto p = b64.find(ch);
    if (p == std::string_view::npos) continue;  // '=' and whitespace
    v = (v << 6) | static_cast<unsigned>(p);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((v >> bits) & 0xFF);
    }
  }
  return out;
}

// Strict UTF-8 (no overlongs, no surrogates) and no NUL: such bytes survive JSON text intact.
bool plain_utf8(const std::string& s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == 0) return false;
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t n = 0;
    unsigned cp = 0;
    if (c >= 0xC2 && c <= 0xDF) {
      n = 1;
      cp = c & 0x1Fu;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 2;
      cp = c & 0x0Fu;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3;
      cp = c & 0x07u;
    } else {
      return false;
    }
    for (std::size_t k = 1; k <= n; ++k) {
      if (i + k >= s.size()) return false;
      const auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3Fu);
    }
    if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += n + 1;
  }
  return true;
}

std::string xml_escape(std::string_view s) {
  std::string out;
  for (char ch : s) {
    switch (ch) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        // XML 1.0 forbids most control characters even as references.
        if (static_cast<unsigned char>(ch) < 0x20 && ch != '\n' && ch != '\t' && ch != '\r')
          out += "?";
        else
          out += ch;
    }
  }
  return out;
}

nlohmann::json classification_json(const classification& c) {
  nlohmann::json j = {{"decision", to_string(c.result)},
                      {"ack", to_string(c.ack)},
                      {"syntax_errors", c.syntax_errors},
                      {"finding_ids", c.finding_ids},
                      {"requirements", c.requirements},
                      {"warning_requirements", c.warning_requirements},
                      {"findings_reported", c.findings_reported},
                      {"message_id", c.message_id},
                      {"summary", c.summary}};
  j["contrl_action"] = c.contrl_action ? nlohmann::json(*c.contrl_action) : nlohmann::json();
  auto& d = j["directives"] = nlohmann::json::array();
  for (const auto& p : c.directives) d.push_back({{"reference", p.reference}, {"code", p.code}});
  return j;
}

}  // namespace

machine_info probe_machine() {
  machine_info m;
  struct utsname u {};
  if (uname(&u) == 0)
    m.uname = std::string(u.sysname) + " " + u.release + " " + u.version + " " + u.machine;
  m.nproc = std::thread::hardware_concurrency();
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      auto colon = line.find(':');
      if (colon != std::string::npos)
        m.cpu_model = line.substr(line.find_first_not_of(' ', colon + 1));
      break;
    }
  }
  return m;
}

std::string to_rfc3339(std::chrono::system_clock::time_point t) {
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[64];
  std::snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>(ms % 1000));
  return out;
}

std::string now_rfc3339() { return to_rfc3339(std::chrono::system_clock::now()); }

std::string_view to_string(requirement_status s) noexcept {
  switch (s) {
    case requirement_status::passed:
      return "passed";
    case requirement_status::failed:
      return "failed";
    case requirement_status::errored:
      return "errored";
    case requirement_status::untested:
      return "untested";
  }
  return "untested";
}

std::string_view to_string(compliance c) noexcept {
  switch (c) {
    case compliance::not_assessed:
      return "not_assessed";
    case compliance::compliant:
      return "compliant";
    case compliance::non_compliant:
      return "non_compliant";
    case compliance::incomplete:
      return "incomplete";
  }
  return "not_assessed";
}

int exit_code_of(const run_results& r) {
  for (const auto& c : r.cases)
    if (is_failure(c.verdict)) return 1;
  return 0;
}

nlohmann::json encode_bytes(const std::string& bytes) {
  if (plain_utf8(bytes)) return {{"encoding", "utf8"}, {"data", bytes}};
  return {{"encoding", "base64"}, {"data", base64_encode(bytes)}};
}

std::string decode_bytes(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("data") || !j["data"].is_string()) return {};
  const auto& data = j["data"].get_ref<const std::string&>();
  return j.value("encoding", "utf8") == "base64" ? base64_decode(data) : data;
}

nlohmann::json to_json(const case_result& c) {
  nlohmann::json j = {{"id", c.id},
                      {"family", c.family},
                      {"description", c.description},
                      {"level", c.level},
                      {"expected_outcome", c.expected_outcome},
                      {"profile", c.profile},
                      {"requirements", c.requirements},
                      {"verdict", to_string(c.verdict)},
                      {"expected", c.expected},
                      {"actual", c.actual},
                      {"reason", c.reason},
                      {"duration_ms", c.duration_ms}};
  if (!c.skip_reason.empty()) j["skip_reason"] = c.skip_reason;
  if (!c.data_check.empty()) j["data_check"] = c.data_check;
  auto& diffs = j["differences"] = nlohmann::json::array();
  for (const auto& d : c.differences)
    diffs.push_back(
        {{"pointer", d.pointer}, {"kind", d.kind}, {"expected", d.expected}, {"actual", d.actual}});
  auto& xs = j["exchanges"] = nlohmann::json::array();
  for (const auto& x : c.exchanges) {
    xs.push_back({{"part", x.part},
                  {"kind", x.kind},
                  {"endpoint", x.endpoint},
                  {"correlation_id", x.correlation_id},
                  {"content_type", x.content_type},
                  {"sent", encode_bytes(x.sent)},
                  {"sent_at", x.sent_at},
                  {"outcome", x.outcome},
                  {"error", x.error},
                  {"http_status", x.http_status},
                  {"headers", x.headers},
                  {"received", encode_bytes(x.received)},
                  {"received_content_type", x.received_content_type},
                  {"latency_ms", x.latency_ms},
                  {"classification", classification_json(x.classified)}});
  }
  // Sequence cases only, so that the results of other cases keep their shape.
  if (!c.steps.empty()) {
    auto& ss = j["steps"] = nlohmann::json::array();
    for (const auto& st : c.steps) {
      nlohmann::json sj = {{"step", st.step},
                           {"kind", st.kind},
                           {"verdict", to_string(st.verdict)},
                           {"expected", st.expected},
                           {"actual", st.actual},
                           {"reason", st.reason},
                           {"duration_ms", st.duration_ms}};
      if (!st.file.empty()) sj["file"] = st.file;
      if (!st.note.empty()) sj["note"] = st.note;
      if (st.exchange != 0) sj["exchange"] = st.exchange;
      ss.push_back(std::move(sj));
    }
  }
  return j;
}

nlohmann::json to_json(const run_results& r) {
  const auto& m = r.manifest;
  nlohmann::json j;
  j["format"] = "apipnr-harness-results";
  j["format_version"] = 1;
  j["manifest"] = {{"run_id", m.run_id},
                   {"harness_version", m.harness_version},
                   {"build_hash", m.build_hash},
                   {"corpus_sha256", m.corpus_sha256},
                   {"catalogue_sha256", m.catalogue_sha256},
                   {"tender_sha256", m.tender_sha256},
                   {"target_sha256", m.target_sha256},
                   {"target_name", m.target_name},
                   {"transport", m.transport},
                   {"insecure_tls", m.insecure_tls},
                   {"data_source", m.data_source},
                   {"seed", m.seed},
                   {"started", m.started},
                   {"ended", m.ended},
                   {"machine",
                    {{"uname", m.machine.uname},
                     {"nproc", m.machine.nproc},
                     {"cpu_model", m.machine.cpu_model}}},
                   {"command_line", m.command_line},
                   {"selection",
                    {{"run", m.run_globs},
                     {"skip", m.skip_globs},
                     {"without", m.without_lists},
                     {"profile", m.profile},
                     {"strict", m.strict},
                     {"jobs", m.jobs}}},
                   {"tender_name", m.tender_name},
                   {"performance_targets", m.performance_targets}};
  j["counts"] = r.counts;
  auto& cases = j["cases"] = nlohmann::json::array();
  for (const auto& c : r.cases) cases.push_back(to_json(c));
  auto& reqs = j["requirements"] = nlohmann::json::array();
  for (const auto& q : r.requirements) {
    nlohmann::json ev = nlohmann::json::array();
    for (const auto& e : q.cases) ev.push_back({{"id", e.id}, {"verdict", to_string(e.verdict)}});
    nlohmann::json rq = {{"id", q.id},
                         {"group", q.group},
                         {"level", q.level},
                         {"status", to_string(q.status)},
                         {"mandatory", q.mandatory},
                         {"weight", q.weight},
                         {"cases", ev}};
    // Optional in the schema: requirements cited by cases but unknown to the catalogue have
    // no tag, and an absent member is clearer than an invented one.
    if (!q.confidence.empty()) rq["confidence"] = q.confidence;
    reqs.push_back(std::move(rq));
  }
  auto& groups = j["groups"] = nlohmann::json::array();
  for (const auto& g : r.groups)
    groups.push_back({{"group", g.group},
                      {"passed", g.passed},
                      {"failed", g.failed},
                      {"errored", g.errored},
                      {"untested", g.untested},
                      {"weight", g.weight},
                      {"weighted_passed", g.weighted_passed}});
  j["score"] = r.score ? nlohmann::json(*r.score) : nlohmann::json();
  j["compliance"] = to_string(r.compliance);
  j["mandatory_failed"] = r.mandatory_failed;
  j["mandatory_unproven"] = r.mandatory_unproven;
  j["exit_code"] = exit_code_of(r);
  return j;
}

std::optional<run_results> from_json(const nlohmann::json& j, const std::filesystem::path& file,
                                     std::vector<config_error>& errors) {
  // `format` is read by hand: value() throws type_error when it is there but no string, and
  // this check is outside the try below.
  const auto format = j.is_object() ? j.find("format") : j.end();
  if (!j.is_object() || format == j.end() || !format->is_string() ||
      format->get_ref<const std::string&>() != "apipnr-harness-results" ||
      !j.contains("manifest") || !j.contains("cases") || !j["cases"].is_array()) {
    errors.push_back({e_shape, file.string(), "", "not an apipnr-harness results document"});
    return std::nullopt;
  }
  run_results r;
  // Everything is read with defaults: `report` re-renders what is there; the schema test,
  // not this reader, polices the format. Integers are the exception: one that does not fit
  // its field refuses the document (`bad_number` names the first), since any value read in
  // its place would be evidence the file does not hold.
  std::string bad_number;
  auto number = [&]<class T>(const nlohmann::json& obj, const char* key, T fallback,
                             const std::string& at) -> T {
    const auto it = obj.find(key);
    if (it != obj.end() && !fits<T>(*it)) {
      if (bad_number.empty()) bad_number = at + "/" + key;
      return fallback;
    }
    return obj.value(key, fallback);
  };
  try {
    const auto& m = j["manifest"];
    r.manifest.run_id = m.value("run_id", "");
    r.manifest.harness_version = m.value("harness_version", "");
    r.manifest.build_hash = m.value("build_hash", "");
    r.manifest.corpus_sha256 = m.value("corpus_sha256", "");
    r.manifest.catalogue_sha256 = m.value("catalogue_sha256", "");
    r.manifest.tender_sha256 = m.value("tender_sha256", "");
    r.manifest.target_sha256 = m.value("target_sha256", "");
    r.manifest.target_name = m.value("target_name", "");
    r.manifest.transport = m.value("transport", "");
    r.manifest.insecure_tls = m.value("insecure_tls", false);
    r.manifest.data_source = m.value("data_source", "");
    r.manifest.seed = number(m, "seed", std::uint64_t{0}, "/manifest");
    r.manifest.started = m.value("started", "");
    r.manifest.ended = m.value("ended", "");
    if (m.contains("machine")) {
      r.manifest.machine.uname = m["machine"].value("uname", "");
      r.manifest.machine.nproc = number(m["machine"], "nproc", 0u, "/manifest/machine");
      r.manifest.machine.cpu_model = m["machine"].value("cpu_model", "");
    }
    r.manifest.command_line = m.value("command_line", std::vector<std::string>{});
    if (m.contains("selection")) {
      const auto& s = m["selection"];
      r.manifest.run_globs = s.value("run", std::vector<std::string>{});
      r.manifest.skip_globs = s.value("skip", std::vector<std::string>{});
      r.manifest.without_lists = s.value("without", std::vector<std::string>{});
      r.manifest.profile = s.value("profile", "");
      r.manifest.strict = s.value("strict", false);
      r.manifest.jobs = number(s, "jobs", 1u, "/manifest/selection");
    }
    r.manifest.tender_name = m.value("tender_name", "");
    if (m.contains("performance_targets"))
      r.manifest.performance_targets = m["performance_targets"];
    for (std::size_t i = 0; i < j["cases"].size(); ++i) {
      const auto& cj = j["cases"][i];
      case_result c;
      c.id = cj.value("id", "");
      c.family = cj.value("family", family_of(c.id));
      c.description = cj.value("description", "");
      c.level = cj.value("level", "");
      c.expected_outcome = cj.value("expected_outcome", "");
      c.profile = cj.value("profile", "");
      c.requirements = cj.value("requirements", std::vector<std::string>{});
      auto v = parse_verdict(cj.value("verdict", ""));
      if (!v) {
        errors.push_back({e_shape, file.string(), "/cases/" + std::to_string(i) + "/verdict",
                          "unknown verdict"});
        return std::nullopt;
      }
      c.verdict = *v;
      c.skip_reason = cj.value("skip_reason", "");
      c.expected = cj.value("expected", "");
      c.actual = cj.value("actual", "");
      c.reason = cj.value("reason", "");
      c.duration_ms = cj.value("duration_ms", 0.0);
      c.data_check = cj.value("data_check", "");
      for (const auto& d : cj.value("differences", nlohmann::json::array()))
        c.differences.push_back({d.value("pointer", ""), d.value("kind", ""),
                                 d.value("expected", ""), d.value("actual", "")});
      for (const auto& xj : cj.value("exchanges", nlohmann::json::array())) {
        exchange_record x;
        const std::string xp =
            "/cases/" + std::to_string(i) + "/exchanges/" + std::to_string(c.exchanges.size());
        x.part = number(xj, "part", 1u, xp);
        x.kind = xj.value("kind", "");
        x.endpoint = xj.value("endpoint", "");
        x.correlation_id = xj.value("correlation_id", "");
        x.content_type = xj.value("content_type", "");
        x.sent = decode_bytes(xj.value("sent", nlohmann::json::object()));
        x.sent_at = xj.value("sent_at", "");
        x.outcome = xj.value("outcome", "");
        x.error = xj.value("error", "");
        x.http_status = number(xj, "http_status", 0, xp);
        x.headers = xj.value("headers", std::map<std::string, std::string>{});
        x.received = decode_bytes(xj.value("received", nlohmann::json::object()));
        x.received_content_type = xj.value("received_content_type", "");
        x.latency_ms = xj.value("latency_ms", 0.0);
        if (xj.contains("classification"))
          x.classified.summary = xj["classification"].value("summary", "");
        c.exchanges.push_back(std::move(x));
      }
      const auto steps = cj.value("steps", nlohmann::json::array());
      for (std::size_t k = 0; k < steps.size(); ++k) {
        const auto& sj = steps[k];
        step_result st;
        const std::string sp = "/cases/" + std::to_string(i) + "/steps/" + std::to_string(k);
        st.step = number(sj, "step", static_cast<unsigned>(k + 1), sp);
        st.kind = sj.value("kind", "");
        st.file = sj.value("file", "");
        st.note = sj.value("note", "");
        auto sv = parse_verdict(sj.value("verdict", ""));
        if (!sv) {
          errors.push_back(
              {e_shape, file.string(),
               "/cases/" + std::to_string(i) + "/steps/" + std::to_string(k) + "/verdict",
               "unknown verdict"});
          return std::nullopt;
        }
        st.verdict = *sv;
        st.expected = sj.value("expected", "");
        st.actual = sj.value("actual", "");
        st.reason = sj.value("reason", "");
        st.exchange = number(sj, "exchange", 0u, sp);
        st.duration_ms = sj.value("duration_ms", 0.0);
        c.steps.push_back(std::move(st));
      }
      r.cases.push_back(std::move(c));
    }
  } catch (const nlohmann::json::exception& ex) {
    errors.push_back({e_shape, file.string(), "", ex.what()});
    return std::nullopt;
  }
  if (!bad_number.empty()) {
    errors.push_back({e_shape, file.string(), bad_number, "not an integer this field can hold"});
    return std::nullopt;
  }
  return r;
}

std::optional<run_results> read_results(const std::filesystem::path& file,
                                        std::vector<config_error>& errors) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    errors.push_back({e_read, file.string(), "", "cannot read the results file"});
    return std::nullopt;
  }
  auto j = nlohmann::json::parse(in, nullptr, false);
  if (j.is_discarded()) {
    errors.push_back({e_json, file.string(), "", "not a JSON document"});
    return std::nullopt;
  }
  return from_json(j, file, errors);
}

std::string to_junit(const run_results& r) {
  // Families in first-appearance order, so the file follows the corpus order.
  std::vector<std::string> order;
  std::map<std::string, std::vector<const case_result*>> by_family;
  for (const auto& c : r.cases) {
    const std::string fam = c.family.empty() ? family_of(c.id) : c.family;
    if (by_family.find(fam) == by_family.end()) order.push_back(fam);
    by_family[fam].push_back(&c);
  }
  std::ostringstream x;
  std::size_t tests = 0, failures = 0, errors = 0, skipped = 0;
  for (const auto& c : r.cases) {
    ++tests;
    failures += is_failure(c.verdict) ? 1 : 0;
    errors += is_error(c.verdict) ? 1 : 0;
    skipped += c.verdict == verdict::skipped ? 1 : 0;
  }
  x << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  x << "<testsuites name=\"apipnr-harness " << xml_escape(r.manifest.run_id) << "\" tests=\""
    << tests << "\" failures=\"" << failures << "\" errors=\"" << errors << "\" skipped=\""
    << skipped << "\">\n";
  for (const auto& fam : order) {
    const auto& list = by_family[fam];
    std::size_t f = 0, e = 0, s = 0;
    double secs = 0;
    for (const auto* c : list) {
      f += is_failure(c->verdict) ? 1 : 0;
      e += is_error(c->verdict) ? 1 : 0;
      s += c->verdict == verdict::skipped ? 1 : 0;
      secs += c->duration_ms / 1000.0;
    }
    x << "  <testsuite name=\"" << xml_escape(fam) << "\" tests=\"" << list.size()
      << "\" failures=\"" << f << "\" errors=\"" << e << "\" skipped=\"" << s << "\" time=\""
      << secs << "\">\n";
    for (const auto* c : list) {
      x << "    <testcase classname=\"" << xml_escape(fam) << "\" name=\"" << xml_escape(c->id)
        << "\" time=\"" << c->duration_ms / 1000.0 << "\"";
      const std::string msg =
          std::string(to_string(c->verdict)) + (c->reason.empty() ? "" : ": " + c->reason);
      std::string body = "expected: " + c->expected + "\nactual: " + c->actual;
      // A sequence lists its steps, so that a CI log shows which step went wrong.
      for (const auto& st : c->steps) {
        body += "\nstep " + std::to_string(st.step) + " " + st.kind +
                (st.file.empty() ? "" : " " + st.file) + ": " + std::string(to_string(st.verdict)) +
                (st.reason.empty() ? "" : " (" + st.reason + ")");
      }
      if (is_failure(c->verdict)) {
        x << ">\n      <failure type=\"" << to_string(c->verdict) << "\" message=\""
          << xml_escape(msg) << "\">" << xml_escape(body) << "</failure>\n    </testcase>\n";
      } else if (is_error(c->verdict)) {
        x << ">\n      <error type=\"" << to_string(c->verdict) << "\" message=\""
          << xml_escape(msg) << "\">" << xml_escape(body) << "</error>\n    </testcase>\n";
      } else if (c->verdict == verdict::skipped) {
        x << ">\n      <skipped message=\"" << xml_escape(c->skip_reason)
          << "\"/>\n    </testcase>\n";
      } else if (c->verdict == verdict::informational || c->verdict == verdict::pass_non_strict) {
        x << ">\n      <system-out>" << xml_escape(msg + "\n" + body)
          << "</system-out>\n    </testcase>\n";
      } else {
        x << "/>\n";
      }
    }
    x << "  </testsuite>\n";
  }
  x << "</testsuites>\n";
  return x.str();
}

bool write_reports(const run_results& r, const std::filesystem::path& dir, bool per_case,
                   std::string& error) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    error = "cannot create " + dir.string() + ": " + ec.message();
    return false;
  }
  auto write = [&](const std::filesystem::path& p, const std::string& text) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) {
      error = "cannot write " + p.string();
      return false;
    }
    return true;
  };
  if (!write(dir / "results.json", to_json(r).dump(2) + "\n")) return false;
  if (!write(dir / "junit.xml", to_junit(r))) return false;
  if (per_case) {
    for (const auto& c : r.cases) {
      if (c.verdict == verdict::skipped) continue;
      std::string name = c.id;
      for (auto& ch : name)
        if (ch == '/') ch = '_';
      std::filesystem::create_directories(dir / "cases", ec);
      if (!write(dir / "cases" / (name + ".json"), to_json(c).dump(2) + "\n")) return false;
    }
  }
  return true;
}

}  // namespace apipnr::harness
