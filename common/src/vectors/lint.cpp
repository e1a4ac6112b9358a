#include "apipnr/vectors/lint.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <string_view>

namespace apipnr::vectors {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool is_word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

// True when `phrase` occurs in `text` as whole words ("should" but not "shoulder").
bool contains_words(std::string_view text, std::string_view phrase) {
  for (std::size_t at = text.find(phrase); at != std::string_view::npos;
       at = text.find(phrase, at + 1)) {
    const bool left_ok = at == 0 || !is_word_char(text[at - 1]);
    const std::size_t end = at + phrase.size();
    const bool right_ok = end >= text.size() || !is_word_char(text[end]);
    if (left_ok && right_ok) return true;
  }
  return false;
}

bool requires_coverage(const requirement& r, const lint_options& opts) {
  if (r.level != "MUST" || r.status == "retired") return false;
  // Receiver-only duties (CONTRL generation, duplicate detection...) are not observable as an
  // accept/reject verdict on one input, so they are covered by other kinds of tests.
  if (r.side == "receiver") return false;
  return std::any_of(opts.required_coverage_prefixes.begin(), opts.required_coverage_prefixes.end(),
                     [&](const std::string& p) { return std::string_view(r.id).starts_with(p); });
}

}  // namespace

std::string to_string(const lint_problem& p) {
  return p.file + ": " + p.case_id + ": [" + p.id + "] " + p.message;
}

std::vector<lint_problem> lint(const corpus& c, const catalogue& cat, const lint_options& opts) {
  std::vector<lint_problem> out;
  auto add = [&](const char* id, const case_spec& k, std::string msg) {
    out.push_back({id, k.manifest.string(), k.id, std::move(msg)});
  };

  // LINT-DUP-ID: across the whole corpus, retired cases included (IDs are never reused).
  {
    std::map<std::string, const case_spec*> seen;
    for (const case_spec& k : c.cases) {
      const auto [it, inserted] = seen.emplace(k.id, &k);
      if (!inserted) {
        add("LINT-DUP-ID", k,
            "case ID already used in " + it->second->manifest.string() + " at /" +
                std::to_string(it->second->index));
      }
    }
  }
  // LINT-DUP-DESCRIPTION: within one cases.json.
  {
    std::map<std::pair<std::string, std::string>, const case_spec*> seen;
    for (const case_spec& k : c.cases) {
      const auto [it, inserted] = seen.emplace(std::pair{k.manifest.string(), k.description}, &k);
      if (!inserted) {
        add("LINT-DUP-DESCRIPTION", k,
            "description \"" + k.description + "\" already used by case " + it->second->id);
      }
    }
  }
  for (const case_spec& k : c.cases) {
    const std::string& name = k.prefixed_name();
    const auto promised = outcome_from_prefix(name);
    if (!promised) {
      add("LINT-PREFIX", k, "input \"" + name + "\" has no y_/n_/i_ prefix");
    } else if (*promised != k.expect.result) {
      add("LINT-PREFIX", k,
          "input \"" + name + "\" promises " + std::string(to_string(*promised)) +
              " but expect.outcome is " + std::string(to_string(k.expect.result)));
    }
  }
  for (const case_spec& k : c.cases) {
    if (k.parts.empty() && !k.input_found)
      add("LINT-MISSING-INPUT", k, "input file not found: " + k.input_path().string());
    if (!k.parts_found) add("LINT-MISSING-INPUT", k, "a part file of the case is missing");
    if (!k.canonical_found)
      add("LINT-MISSING-INPUT", k, "canonical file not found: " + k.canonical_path().string());
  }
  for (const case_spec& k : c.cases) {
    if (!k.tree_found) {
      add("LINT-MISSING-TREE", k,
          "tree file not found or not a parse tree: " + k.tree_path().string());
    }
  }
  for (const case_spec& k : c.cases) {
    if (k.requirement_ids().empty()) add("LINT-NO-REQ", k, "the case cites no requirement");
    for (const std::string& id : k.requirement_ids()) {
      if (!cat.find(id))
        add("LINT-UNKNOWN-REQ", k, "requirement " + id + " is not in the catalogue");
    }
  }
  for (const case_spec& k : c.cases) {
    const std::string d = lower(k.description);
    if (contains_words(d, "should")) {
      add("LINT-WORDING", k, "description says \"should\"; state the fact instead");
    } else if (contains_words(d, "test that")) {
      add("LINT-WORDING", k, "description says \"test that\"; state the fact instead");
    }
  }
  for (const coverage_row& row : coverage(c, cat)) {
    const requirement* r = cat.find(row.requirement);
    if (!r || !requires_coverage(*r, opts)) continue;
    if (!row.accept_cases.empty() && !row.reject_cases.empty()) continue;
    std::string missing;
    if (row.accept_cases.empty()) missing = "an accept case";
    if (row.reject_cases.empty())
      missing += missing.empty() ? "a reject case" : " and a reject case";
    out.push_back({"LINT-COVERAGE", r->file.string(), r->id, "MUST requirement lacks " + missing});
  }
  return out;
}

std::vector<coverage_row> coverage(const corpus& c, const catalogue& cat) {
  std::vector<coverage_row> rows;
  std::map<std::string, std::size_t, std::less<>> index;
  for (const requirement& r : cat.items) {
    if (r.status == "retired" || index.count(r.id)) continue;
    index.emplace(r.id, rows.size());
    rows.push_back({r.id, r.level, r.side, {}, {}, {}});
  }
  for (const case_spec& k : c.cases) {
    if (k.retired) continue;
    for (const std::string& id : k.requirement_ids()) {
      auto it = index.find(id);
      if (it == index.end()) {
        // A retired requirement keeps no row; an unknown one gets a row so it is visible.
        if (cat.find(id)) continue;
        it = index.emplace(id, rows.size()).first;
        rows.push_back({id, "", "", {}, {}, {}});
      }
      coverage_row& row = rows[it->second];
      switch (k.expect.result) {
        case outcome::accept:
          row.accept_cases.push_back(k.id);
          break;
        case outcome::reject:
          row.reject_cases.push_back(k.id);
          break;
        case outcome::either:
          row.either_cases.push_back(k.id);
          break;
      }
    }
  }
  return rows;
}

}  // namespace apipnr::vectors
