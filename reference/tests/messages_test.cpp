// Every message-level case (vectors/edifact/messages, vectors/xml) through the reference
// pipeline, judged as vectors/README.md "Message-level cases" says:
//  - outcome: reject iff some input (or the multi-part session) has an error-level finding, or,
//    with `set_outcome: incomplete`, no logical message is formed;
//  - expect.pass: every `requirements` ID is the requirement of an error-level finding, every
//    `warning_requirements` ID of a warning-level one, every `errors` / `warnings` diagnostic ID
//    (XML cases) at that level, every `syntax_errors` 0085 code on an error-level finding;
//    `set_outcome` complete = exactly one logical message formed by the parts;
//  - expect.canonical: the extracted (reassembled) canonical JSON equals the file, field by field
//    (fields starting with "x_" ignored); a mismatch names the JSON pointer of the first
//    differing field with the expected and the actual value.
//
// Known failures of the reference are listed in reference/conformance/expectations.json
// ({"<case id>": {"expected": "FAIL", "reason": "..."}}): such a case passes while it keeps
// failing, and fails when it starts passing, so that the file cannot rot (STYLE_ANCHORS C6/C10).
// CI therefore shows only unexpected results. A summary of pass/fail counts per folder is printed
// when the program ends.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "apipnr/common/diagnostic.hpp"
#include "apipnr/iapi/decision_engine.hpp"
#include "apipnr/model/canonical.hpp"
#include "apipnr/pipeline/pipeline.hpp"
#include "apipnr/vectors/loader.hpp"

namespace apipnr {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr std::size_t minimum_message_cases = 100;

fs::path vectors_dir() {
  if (const char* env = std::getenv("APIPNR_VECTORS_DIR"); env && *env) return env;
  return APIPNR_VECTORS_DIR;
}
fs::path source_dir() { return APIPNR_SOURCE_DIR; }

struct loaded_corpus {
  std::vector<vectors::case_spec> cases;
  std::vector<vectors::load_error> errors;
  std::size_t edifact_cases = 0;
};

const loaded_corpus& message_corpus() {
  static const loaded_corpus c = [] {
    loaded_corpus l;
    for (const fs::path& sub : {fs::path("edifact") / "messages", fs::path("xml")}) {
      const fs::path dir = vectors_dir() / sub;
      if (!fs::is_directory(dir)) continue;
      auto corpus = vectors::load_corpus(dir, l.errors);
      for (auto& k : corpus.cases) {
        if (sub.begin()->string() == "edifact") ++l.edifact_cases;
        l.cases.push_back(std::move(k));
      }
    }
    return l;
  }();
  return c;
}

// --- expectations file ----------------------------------------------------------------------

struct expectations {
  std::map<std::string, std::string> expected_fail;  // case id -> reason
  std::string error;                                 // load problem, if any
};

const expectations& known_failures() {
  static const expectations e = [] {
    expectations x;
    const fs::path file = source_dir() / "reference" / "conformance" / "expectations.json";
    std::ifstream in(file);
    if (!in) return x;  // no file: no known failures
    const json j = json::parse(in, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
      x.error = file.string() + ": not a JSON object";
      return x;
    }
    for (const auto& [id, entry] : j.items()) {
      if (!entry.is_object() || entry.value("expected", "") != "FAIL") {
        x.error += file.string() + ": /" + id + ": expected {\"expected\": \"FAIL\", ...}\n";
        continue;
      }
      x.expected_fail[id] = entry.value("reason", "");
    }
    return x;
  }();
  return e;
}

// --- engines, one per profile ---------------------------------------------------------------

const pipeline::engine* engine_for(const std::string& profile_name, std::string& error) {
  static std::mutex mu;
  static std::map<std::string, std::optional<pipeline::engine>> cache;
  static std::map<std::string, std::string> errors;
  const std::lock_guard<std::mutex> lock(mu);
  const std::string name = profile_name.empty() ? "baseline" : profile_name;
  auto it = cache.find(name);
  if (it == cache.end()) {
    pipeline::options o;
    o.specs_dir = source_dir() / "specs";
    o.profile = name;
    o.contrl = true;
    // Message-level cases are judged under their profile, which decides the syntax deviations
    // it tolerates (vectors/README.md): tolerant syntax mode hands them to its syntax table.
    o.syntax_mode = edifact::mode::tolerant;
    pipeline::load_error le;
    auto e = pipeline::engine::load(o, le);
    if (e) {
      it = cache.emplace(name, std::move(*e)).first;
    } else {
      errors[name] = le.to_string();
      it = cache.emplace(name, std::nullopt).first;
    }
  }
  if (!it->second) {
    error = errors[name];
    return nullptr;
  }
  return &*it->second;
}

// --- canonical comparison --------------------------------------------------------------------

std::string escape_pointer(const std::string& key) {
  // nlohmann escapes a pointer's tokens ("~" -> "~0", "/" -> "~1") when it prints one.
  return (nlohmann::json::json_pointer() / std::string(key)).to_string().substr(1);
}

std::string shown(const json* v) { return v == nullptr ? "(absent)" : v->dump(); }

// The first difference between `expected` and `actual` as "pointer: expected X, actual Y", or
// nullopt when equal. Keys starting with "x_" are ignored on both sides.
std::optional<std::string> first_difference(const json& expected, const json& actual,
                                            const std::string& ptr) {
  auto differ = [&](const json* e, const json* a) {
    return (ptr.empty() ? "/" : ptr) + ": expected " + shown(e) + ", actual " + shown(a);
  };
  if (expected.is_object() && actual.is_object()) {
    for (const auto& [k, v] : expected.items()) {
      if (k.rfind("x_", 0) == 0) continue;
      const std::string p = ptr + "/" + escape_pointer(k);
      if (!actual.contains(k)) return p + ": expected " + v.dump() + ", actual (absent)";
      if (auto d = first_difference(v, actual.at(k), p)) return d;
    }
    for (const auto& [k, v] : actual.items()) {
      if (k.rfind("x_", 0) == 0 || expected.contains(k)) continue;
      return ptr + "/" + escape_pointer(k) + ": expected (absent), actual " + v.dump();
    }
    return std::nullopt;
  }
  if (expected.is_array() && actual.is_array()) {
    const std::size_t n = std::min(expected.size(), actual.size());
    for (std::size_t i = 0; i < n; ++i) {
      if (auto d = first_difference(expected[i], actual[i], ptr + "/" + std::to_string(i))) {
        return d;
      }
    }
    if (expected.size() != actual.size()) {
      const std::string p = ptr + "/" + std::to_string(n);
      return p + ": expected " + (n < expected.size() ? expected[n].dump() : "(absent)") +
             ", actual " + (n < actual.size() ? actual[n].dump() : "(absent)") + " (array sizes " +
             std::to_string(expected.size()) + " vs " + std::to_string(actual.size()) + ")";
    }
    return std::nullopt;
  }
  if (expected.is_number() && actual.is_number()) {
    if (expected.get<double>() == actual.get<double>()) return std::nullopt;
    return differ(&expected, &actual);
  }
  if (expected != actual) return differ(&expected, &actual);
  return std::nullopt;
}

// --- judging one case ------------------------------------------------------------------------

std::string describe(const diagnostic& d) {
  std::ostringstream os;
  os << d.id << " req=" << (d.requirement.empty() ? "-" : d.requirement)
     << " 0085=" << d.syntax_error << " " << to_string(d.level) << " scope=" << to_string(d.where)
     << " seg=" << d.pos.segment << " mseg=" << d.pos.message_segment << " el=" << d.pos.element;
  if (!d.detail.empty()) os << " (" << d.detail << ")";
  return os.str();
}

struct judgement {
  std::vector<std::string> failures;
  std::vector<std::string> findings;  // every finding, for the failure message
};

// What the reference answers an iAPI request the pipeline accepted (docs/IAPI.md), with the
// corpus fixtures the case requires as lists: the receiver refuses it when the engine refuses
// the whole request (header ERP+1, e.g. IAPI-REQ-EMPTY) or when no CUSRES can echo it (no
// RFF+TN, TRN-H2H-001); otherwise each passenger gets a directive, keyed by RFF+ABO.
struct iapi_answer {
  bool refused = false;
  std::string why;
  std::map<std::string, std::string> directives;
};

iapi_answer answer_iapi(const vectors::case_spec& c, const model::canonical_message& request) {
  iapi_answer a;
  iapi::decision_engine engine;
  iapi::list_paths paths;
  for (const auto& f : c.required_fixtures) {
    const auto file = std::filesystem::path(APIPNR_VECTORS_DIR) / "fixtures" / (f + ".json");
    if (f == "iapi-watchlist") paths.watchlist = file;
    if (f == "iapi-authorisations") paths.authorisations = file;
  }
  if (!paths.watchlist.empty() || !paths.authorisations.empty()) {
    iapi::load_error err;
    if (engine.reload(paths, err)) {
      a.refused = true;
      a.why = "the fixtures did not load: " + err.to_string();
      return a;
    }
  }
  const iapi::decision_set d = engine.decide(request);
  responses::envelope env;  // the receiver's envelope, as far as a CUSRES needs one
  env.sender = {"APIPNR", "ZZ"};
  env.recipient = {"XXAPI", "ZZ"};
  env.date = "250301";
  env.time = "0930";
  env.control_reference = "1";
  const auto cusres = iapi::to_cusres(request, d, env);
  if (d.header_error) {
    a.refused = true;
    a.why = "header-level refusal: " + d.header_error.message();
  } else if (!cusres) {
    a.refused = true;
    a.why = "no CUSRES can answer it: " + cusres.error().message();
  }
  for (const auto& p : d.passengers)
    a.directives[p.passenger_reference] = std::string(responses::code(p.directive));
  return a;
}

judgement judge(const vectors::case_spec& c) {
  judgement j;
  std::string load_problem;
  const pipeline::engine* eng = engine_for(c.profile, load_problem);
  if (eng == nullptr) {
    j.failures.push_back("engine for profile '" + c.profile + "' did not load: " + load_problem);
    return j;
  }
  std::vector<const std::string*> inputs;
  const bool sequence = !c.steps.empty();
  std::vector<const vectors::step_spec*> sends;
  if (sequence) {
    // A sequence (vectors/README.md "Sequences"): its send files in order through one session.
    // In process there is no store, so each send is judged by its own findings against its
    // step's outcome, and expect.canonical against the last message the sends formed.
    for (const auto& st : c.steps) {
      if (st.kind != vectors::step_kind::send) continue;
      if (!st.file_found) j.failures.push_back("step file " + st.file + " not found");
      inputs.push_back(&st.bytes);
      sends.push_back(&st);
    }
  } else if (c.parts.empty()) {
    if (!c.input_found) j.failures.push_back("input file " + c.input + " not found");
    inputs.push_back(&c.input_bytes);
  } else {
    if (!c.parts_found) j.failures.push_back("a part file is missing");
    for (const auto& p : c.part_bytes) inputs.push_back(&p);
  }

  std::vector<diagnostic> all;
  pipeline::session session;
  diagnostic_list session_findings;
  std::vector<model::canonical_message> formed;
  std::vector<bool> input_rejected;
  for (std::size_t k = 0; k < inputs.size(); ++k) {
    pipeline::result r = eng->check(*inputs[k]);
    bool rejected_here = false;
    for (const auto& d : r.findings) {
      j.findings.push_back("input " + std::to_string(k + 1) + ": " + describe(d));
      all.push_back(d);
      rejected_here = rejected_here || d.level >= severity::error;
    }
    input_rejected.push_back(rejected_here);
    for (auto& m : session.add(r, session_findings)) formed.push_back(std::move(m));
  }
  if (sequence) {
    for (std::size_t k = 0; k < sends.size(); ++k) {
      const auto want = sends[k]->expect.result;
      if (want == vectors::outcome::accept && input_rejected[k])
        j.failures.push_back("send " + std::to_string(k + 1) + ": expected accept, rejected");
      if (want == vectors::outcome::reject && !input_rejected[k])
        j.failures.push_back("send " + std::to_string(k + 1) + ": expected reject, accepted");
    }
    if (!c.expect.canonical.empty()) {
      std::ifstream in(c.canonical_path());
      const json expected = json::parse(in, nullptr, false);
      if (!in || expected.is_discarded()) {
        j.failures.push_back("canonical file " + c.canonical_path().string() + " unreadable");
      } else if (formed.empty()) {
        j.failures.push_back("expect.canonical: the sends formed no logical message");
      } else if (auto diff = first_difference(expected, model::to_json(formed.back()), "")) {
        j.failures.push_back("canonical (last message formed) differs at " + *diff);
      }
    }
    return j;
  }
  const std::size_t formed_by_parts = formed.size();
  for (auto& m : session.finish(session_findings)) formed.push_back(std::move(m));
  for (const auto& d : session_findings.items()) {
    j.findings.push_back("session: " + describe(d));
    all.push_back(d);
  }

  const auto& pass = c.expect.pass;
  const bool incomplete_expected = pass && pass->set_outcome == "incomplete";
  bool rejected = false;
  for (const auto& d : all) rejected = rejected || d.level >= severity::error;
  if (incomplete_expected && formed_by_parts == 0) rejected = true;

  // iAPI cases (sent to the iAPI endpoint, vectors/README.md): the engine answers a request
  // the pipeline accepted, and expect.cusres states what it answers.
  if (std::string_view(c.id).starts_with("edifact/messages/iapi/") && !rejected) {
    for (const auto& m : formed) {
      if (m.message.kind != "iapi_request") continue;
      const iapi_answer a = answer_iapi(c, m);
      if (a.refused) {
        j.findings.push_back("iAPI: " + a.why);
        rejected = true;
      }
      if (!c.expect.cusres) continue;
      for (const auto& t : c.expect.cusres->travellers) {
        const auto it = a.directives.find(t.abo);
        const std::string got = it == a.directives.end() ? "no answer" : it->second;
        if (!t.directive.empty() && got != t.directive)
          j.failures.push_back("iAPI traveller " + t.abo + ": directive " + t.directive +
                               " expected, " + got);
      }
      if (!c.expect.cusres->header_erc.empty() && c.expect.cusres->header_erc != "0" && !a.refused)
        j.failures.push_back("iAPI: header ERC " + c.expect.cusres->header_erc +
                             " expected, the engine answered the passengers");
    }
  }

  if (c.expect.result == vectors::outcome::accept && rejected) {
    j.failures.push_back("expected accept, the reference rejected");
  } else if (c.expect.result == vectors::outcome::reject && !rejected) {
    j.failures.push_back("expected reject, the reference accepted");
  }

  if (pass) {
    auto has = [&](auto pred) {
      for (const auto& d : all) {
        if (pred(d)) return true;
      }
      return false;
    };
    for (const auto& req : pass->requirements) {
      if (!has([&](const diagnostic& d) {
            return d.level >= severity::error && d.requirement == req;
          })) {
        j.failures.push_back("no error-level finding with requirement " + req);
      }
    }
    for (const auto& req : pass->warning_requirements) {
      if (!has([&](const diagnostic& d) {
            return d.level == severity::warning && d.requirement == req;
          })) {
        j.failures.push_back("no warning-level finding with requirement " + req);
      }
    }
    for (const auto& id : pass->errors) {
      if (!has([&](const diagnostic& d) { return d.level >= severity::error && d.id == id; })) {
        j.failures.push_back("no error-level finding " + id);
      }
    }
    for (const auto& id : pass->warnings) {
      if (!has([&](const diagnostic& d) { return d.level == severity::warning && d.id == id; })) {
        j.failures.push_back("no warning-level finding " + id);
      }
    }
    for (int code : pass->syntax_errors) {
      if (!has([&](const diagnostic& d) {
            return d.level >= severity::error && d.syntax_error == code;
          })) {
        j.failures.push_back("no error-level finding with 0085 code " + std::to_string(code));
      }
    }
    if (pass->set_outcome == "complete" && !(formed_by_parts == 1 && formed.size() == 1)) {
      j.failures.push_back("set_outcome complete: " + std::to_string(formed_by_parts) +
                           " logical message(s) formed by the parts, " +
                           std::to_string(formed.size() - formed_by_parts) + " left open");
    }
    if (pass->set_outcome == "incomplete" && formed_by_parts != 0) {
      j.failures.push_back("set_outcome incomplete: " + std::to_string(formed_by_parts) +
                           " logical message(s) formed");
    }
  }

  if (!c.expect.canonical.empty()) {
    std::ifstream in(c.canonical_path());
    const json expected = json::parse(in, nullptr, false);
    if (!in || expected.is_discarded()) {
      j.failures.push_back("canonical file " + c.canonical_path().string() + " unreadable");
    } else if (formed_by_parts != 1) {
      j.failures.push_back("expect.canonical: " + std::to_string(formed_by_parts) +
                           " logical messages extracted, expected exactly one");
    } else if (auto diff = first_difference(expected, model::to_json(formed.front()), "")) {
      j.failures.push_back("canonical differs at " + *diff);
    }
  }
  return j;
}

// Each case is judged once per process; the summary printed at the end reads this cache.
struct judgement_cache {
  std::mutex mu;
  std::map<const vectors::case_spec*, std::unique_ptr<judgement>> by_case;
};

judgement_cache& judgements() {
  static judgement_cache c;
  return c;
}

const judgement* already_judged(const vectors::case_spec& c) {
  auto& cache = judgements();
  const std::lock_guard<std::mutex> lock(cache.mu);
  auto it = cache.by_case.find(&c);
  return it == cache.by_case.end() ? nullptr : it->second.get();
}

const judgement& judged(const vectors::case_spec& c) {
  if (const judgement* j = already_judged(c)) return *j;
  auto j = std::make_unique<judgement>(judge(c));
  auto& cache = judgements();
  const std::lock_guard<std::mutex> lock(cache.mu);
  return *cache.by_case.emplace(&c, std::move(j)).first->second;
}

std::string explain(const vectors::case_spec& c, const judgement& j) {
  std::ostringstream os;
  os << c.id << " (" << c.manifest.string() << ", profile "
     << (c.profile.empty() ? "baseline" : c.profile) << "): " << c.description << "\n";
  for (const auto& f : j.failures) os << "  FAIL " << f << "\n";
  os << "  findings:\n";
  for (const auto& f : j.findings) os << "    " << f << "\n";
  return os.str();
}

// --- tests -------------------------------------------------------------------------------------

struct case_param {
  const vectors::case_spec* spec = nullptr;
  std::string name;
};
void PrintTo(const case_param& p, std::ostream* os) { *os << p.spec->id; }

std::vector<case_param> params() {
  std::vector<case_param> out;
  std::map<std::string, int> used;
  for (const vectors::case_spec& c : message_corpus().cases) {
    if (c.retired) continue;
    std::string name;
    for (char ch : c.id) {
      const bool keep =
          (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
      name += keep ? ch : '_';
    }
    if (const int n = used[name]++; n > 0) name += "_" + std::to_string(n + 1);
    out.push_back({&c, std::move(name)});
  }
  return out;
}

TEST(MessageVectorsCorpus, LoadsWithoutErrors) {
  for (const auto& e : message_corpus().errors) ADD_FAILURE() << vectors::to_string(e);
}

TEST(MessageVectorsCorpus, HasAtLeastOneHundredMessageCases) {
  EXPECT_GE(message_corpus().edifact_cases, minimum_message_cases)
      << "only " << message_corpus().edifact_cases << " message-level cases loaded from "
      << (vectors_dir() / "edifact" / "messages").string();
}

TEST(MessageVectorsCorpus, ExpectationsFileIsValidAndNamesKnownCases) {
  const auto& x = known_failures();
  EXPECT_TRUE(x.error.empty()) << x.error;
  for (const auto& [id, reason] : x.expected_fail) {
    bool found = false;
    for (const auto& c : message_corpus().cases) found = found || c.id == id;
    if (id.rfind("edifact/messages/", 0) == 0 || id.rfind("xml/", 0) == 0) {
      EXPECT_TRUE(found) << "expectations.json names " << id << ", which is not a case";
    }
    EXPECT_FALSE(reason.empty()) << id << ": an expected failure needs a reason";
  }
}

// Per folder: pass, fail, expected fail, unexpected pass, printed when the program ends from
// the judgements the per-case tests made (cached in judged()), so that the corpus is judged
// once: a Summary test of its own would judge every case again, and under ctest (one process
// per test) it would do so in a process of its own. A process that judged a single case (one
// ctest entry) prints nothing. Informational; the per-case tests carry the verdicts.
class summary_printer : public testing::Environment {
 public:
  void TearDown() override {
    struct counts {
      int pass = 0, fail = 0, expected_fail = 0, unexpected_pass = 0;
    };
    std::map<std::string, counts> by_folder;
    int judged_cases = 0;
    for (const auto& p : params()) {
      const vectors::case_spec& c = *p.spec;
      const judgement* j = already_judged(c);
      if (j == nullptr) continue;
      ++judged_cases;
      const bool ok = j->failures.empty();
      const bool known = known_failures().expected_fail.contains(c.id);
      auto& n = by_folder[c.id.substr(0, c.id.rfind('/'))];
      if (ok && !known) ++n.pass;
      if (!ok && !known) ++n.fail;
      if (!ok && known) ++n.expected_fail;
      if (ok && known) ++n.unexpected_pass;
    }
    if (judged_cases < 2) return;
    std::ostringstream os;
    os << "folder pass fail expected-fail unexpected-pass\n";
    for (const auto& [folder, n] : by_folder) {
      os << folder << " " << n.pass << " " << n.fail << " " << n.expected_fail << " "
         << n.unexpected_pass << "\n";
    }
    std::cout << os.str();
  }
};

const testing::Environment* const summary_environment =
    testing::AddGlobalTestEnvironment(new summary_printer);

class MessageVector : public testing::TestWithParam<case_param> {};

TEST_P(MessageVector, MatchesExpectation) {
  const vectors::case_spec& c = *GetParam().spec;
  const judgement& j = judged(c);
  const auto& known = known_failures().expected_fail;
  if (auto it = known.find(c.id); it != known.end()) {
    EXPECT_FALSE(j.failures.empty())
        << c.id << " is listed in reference/conformance/expectations.json as an expected failure ("
        << it->second << ") but now passes: remove it from the file";
    if (!j.failures.empty()) {
      std::cout << "expected failure (" << it->second << "):\n" << explain(c, j);
    }
    return;
  }
  EXPECT_TRUE(j.failures.empty()) << explain(c, j);
}

INSTANTIATE_TEST_SUITE_P(Messages, MessageVector, testing::ValuesIn(params()),
                         [](const testing::TestParamInfo<case_param>& i) { return i.param.name; });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(MessageVector);

}  // namespace
}  // namespace apipnr
