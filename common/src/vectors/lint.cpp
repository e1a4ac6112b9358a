#include "apipnr/vectors/lint.hpp"
#include "apipnr/vectors/interchange_key.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <set>
#include <string_view>

#include <nlohmann/json.hpp>

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

coverage_rule rule_for(const requirement& r, const lint_options& opts) {
  if (r.level != "MUST" || r.status == "retired") return coverage_rule::none;
  const bool selected =
      std::any_of(opts.required_coverage_prefixes.begin(), opts.required_coverage_prefixes.end(),
                  [&](const std::string& p) { return std::string_view(r.id).starts_with(p); });
  if (!selected) return coverage_rule::none;
  // A receiver duty is not something an input can satisfy or break: the receiver does. What a
  // vector can do is put the receiver where the duty decides the verdict (a resend, an
  // oversize input, a multi-part set), so one such case is what is asked.
  return r.side == "receiver" ? coverage_rule::exercise : coverage_rule::both_kinds;
}

bool contains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

void append_unique(std::vector<std::string>& v, const std::string& s) {
  if (!contains(v, s)) v.push_back(s);
}

std::string missing_kinds(const coverage_row& row) {
  if (row.rule == coverage_rule::exercise) {
    return "receiver MUST requirement lacks a case whose verdict it decides (an accept or "
           "reject case citing it)";
  }
  std::string missing;
  if (row.satisfy_cases.empty()) missing = "a case that satisfies it (accept, no warning for it)";
  if (row.break_cases.empty()) {
    missing += missing.empty() ? "" : " and ";
    missing += "a case that breaks it (reject, or accept with it in warning_requirements)";
  }
  return "MUST requirement lacks " + missing;
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
    // Sequences (vectors/README.md "Sequences"): every send file carries its own step's
    // outcome; the case's outcome is checked above through the last send file.
    for (std::size_t i = 0; i < k.steps.size(); ++i) {
      const step_spec& st = k.steps[i];
      const std::string at = "step " + std::to_string(i + 1) + ": ";
      if (st.kind == step_kind::send) {
        const auto promised = outcome_from_prefix(st.file);
        if (!promised) {
          add("LINT-PREFIX", k, at + "\"" + st.file + "\" has no y_/n_/i_ prefix");
        } else if (*promised != st.expect.result) {
          add("LINT-PREFIX", k,
              at + "\"" + st.file + "\" promises " + std::string(to_string(*promised)) +
                  " but the step's expect.outcome is " + std::string(to_string(st.expect.result)));
        }
      }
      if (!st.file_found) add("LINT-MISSING-INPUT", k, at + "file not found: " + st.file);
      if (st.kind == step_kind::control && st.file_found) {
        const auto doc = nlohmann::json::parse(st.bytes, nullptr, false);
        if (!doc.is_object()) add("LINT-SEQUENCE", k, at + st.file + " is not a JSON object");
      }
    }
    if (!k.steps.empty()) {
      if (k.steps.size() < 2) add("LINT-SEQUENCE", k, "a sequence has at least two steps");
      if (std::none_of(k.steps.begin(), k.steps.end(),
                       [](const step_spec& st) { return st.kind == step_kind::send; }))
        add("LINT-SEQUENCE", k,
            "a sequence has at least one send step (its outcome is the case's)");
    }
  }
  for (const case_spec& k : c.cases) {
    if (k.parts.empty() && k.steps.empty() && !k.input_found)
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
  // LINT-CUSRES: a CUSRES is what answers an iAPI request (API-IAPI-FLOW-003), so only cases
  // sent as iAPI (the harness routes edifact/messages/iapi* to the iAPI endpoint) may expect one.
  for (const case_spec& k : c.cases) {
    bool expects_cusres = k.expect.cusres.has_value();
    for (const step_spec& st : k.steps) expects_cusres = expects_cusres || st.expect.cusres;
    if (expects_cusres && !std::string_view(k.id).starts_with("edifact/messages/iapi"))
      add("LINT-CUSRES", k, "expect.cusres on a case that is not sent as iAPI");
  }
  // LINT-FIXTURE: `requires` names a file of vectors/fixtures, so a target can declare (and the
  // harness verify) exactly the lists the expectation depends on.
  for (const case_spec& k : c.cases) {
    for (const std::string& f : k.required_fixtures) {
      const bool name_ok = !f.empty() && std::all_of(f.begin(), f.end(), [](char ch) {
        return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-';
      });
      std::error_code ec;
      if (!name_ok || !std::filesystem::is_regular_file(c.root / "fixtures" / (f + ".json"), ec))
        add("LINT-FIXTURE", k,
            "requires \"" + f + "\", which is not a file fixtures/" + f + ".json of the corpus");
    }
  }
  // LINT-DUP-INTERCHANGE: each case its own (UNB sender, control reference), RCV-DUP-001.
  for (lint_problem& p : lint_interchange_keys(c)) out.push_back(std::move(p));
  const std::vector<coverage_row> rows = coverage(c, cat, opts);
  for (const coverage_row& row : rows) {
    if (row.status != coverage_status::missing) continue;
    const requirement* r = cat.find(row.requirement);
    out.push_back({"LINT-COVERAGE", r ? r->file.string() : std::string(), row.requirement,
                   missing_kinds(row)});
  }
  // LINT-EXEMPTION: the list stays honest only if every entry is still needed and well formed.
  {
    std::map<std::string, const coverage_exemption*, std::less<>> seen;
    for (const coverage_exemption& e : opts.exemptions) {
      auto bad = [&](std::string msg) {
        out.push_back({"LINT-EXEMPTION", e.file.string(), e.requirement, std::move(msg)});
      };
      const auto [it, inserted] = seen.emplace(e.requirement, &e);
      if (!inserted) {
        bad("requirement listed twice (first at /exemptions/" + std::to_string(it->second->index) +
            ")");
        continue;
      }
      const requirement* r = cat.find(e.requirement);
      if (!r) {
        bad("requirement is not in the catalogue");
        continue;
      }
      if (r->status == "retired") {
        bad("requirement is retired; remove the exemption");
        continue;
      }
      if (r->level != "MUST") {
        bad("requirement is " + r->level + ", not MUST; only MUST requirements need cases");
        continue;
      }
      if (e.category == "not_by_vector" && e.covered_by.empty())
        bad("not_by_vector exemption names no test in covered_by");
      const auto row = std::find_if(rows.begin(), rows.end(), [&](const coverage_row& x) {
        return x.requirement == e.requirement;
      });
      if (row != rows.end() && row->rule != coverage_rule::none && row->has_required_kinds())
        bad("requirement now has the cases its rule asks for; remove the exemption");
    }
  }
  return out;
}

std::string_view to_string(coverage_rule r) noexcept {
  switch (r) {
    case coverage_rule::none:
      return "none";
    case coverage_rule::both_kinds:
      return "both_kinds";
    case coverage_rule::exercise:
      return "exercise";
  }
  return "none";
}

std::string_view to_string(coverage_status s) noexcept {
  switch (s) {
    case coverage_status::complete:
      return "complete";
    case coverage_status::exempt:
      return "exempt";
    case coverage_status::missing:
      return "missing";
    case coverage_status::informative:
      return "informative";
  }
  return "informative";
}

bool coverage_row::has_required_kinds() const noexcept {
  switch (rule) {
    case coverage_rule::none:
      return true;
    case coverage_rule::both_kinds:
      return !satisfy_cases.empty() && !break_cases.empty();
    case coverage_rule::exercise:
      return !satisfy_cases.empty() || !break_cases.empty();
  }
  return true;
}

std::vector<coverage_row> coverage(const corpus& c, const catalogue& cat,
                                   const lint_options& opts) {
  std::vector<coverage_row> rows;
  std::map<std::string, std::size_t, std::less<>> index;
  for (const requirement& r : cat.items) {
    if (r.status == "retired" || index.count(r.id)) continue;
    index.emplace(r.id, rows.size());
    coverage_row row;
    row.requirement = r.id;
    row.level = r.level;
    row.side = r.side;
    row.catalogue = r.file.stem().string();
    row.rule = rule_for(r, opts);
    rows.push_back(std::move(row));
  }
  for (const case_spec& k : c.cases) {
    if (k.retired) continue;
    const std::vector<std::string> no_warnings;
    const std::vector<std::string>& warned =
        k.expect.pass ? k.expect.pass->warning_requirements : no_warnings;
    // A warning expectation names the requirement the case breaks, even when the case does not
    // also cite it in specification[].
    std::vector<std::string> ids = k.requirement_ids();
    if (k.expect.result == outcome::accept)
      for (const std::string& w : warned) append_unique(ids, w);
    for (const std::string& id : ids) {
      auto it = index.find(id);
      if (it == index.end()) {
        // A retired requirement keeps no row; an unknown one gets a row so it is visible.
        if (cat.find(id)) continue;
        it = index.emplace(id, rows.size()).first;
        coverage_row row;
        row.requirement = id;
        rows.push_back(std::move(row));
      }
      coverage_row& row = rows[it->second];
      switch (k.expect.result) {
        case outcome::accept:
          append_unique(row.accept_cases, k.id);
          append_unique(contains(warned, id) ? row.break_cases : row.satisfy_cases, k.id);
          break;
        case outcome::reject:
          append_unique(row.reject_cases, k.id);
          append_unique(row.break_cases, k.id);
          break;
        case outcome::either:
          append_unique(row.either_cases, k.id);
          break;
      }
    }
  }
  for (coverage_row& row : rows) {
    for (const coverage_exemption& e : opts.exemptions) {
      if (e.requirement == row.requirement) {
        row.exemption = &e;
        break;
      }
    }
    if (row.rule == coverage_rule::none)
      row.status = coverage_status::informative;
    else if (row.has_required_kinds())
      row.status = coverage_status::complete;
    else
      row.status = row.exemption ? coverage_status::exempt : coverage_status::missing;
  }
  return rows;
}

namespace {

struct tally {
  std::size_t requirements = 0, must = 0, complete = 0, exempt = 0, missing = 0;
  std::size_t organisational = 0, not_by_vector = 0, gap = 0;
  void add(const coverage_row& row) {
    ++requirements;
    if (row.rule == coverage_rule::none) return;
    ++must;
    switch (row.status) {
      case coverage_status::complete:
        ++complete;
        break;
      case coverage_status::exempt:
        ++exempt;
        if (row.exemption->category == "organisational") ++organisational;
        if (row.exemption->category == "not_by_vector") ++not_by_vector;
        if (row.exemption->category == "gap") ++gap;
        break;
      case coverage_status::missing:
        ++missing;
        break;
      case coverage_status::informative:
        break;
    }
  }
  nlohmann::json to_json() const {
    return {{"requirements", requirements},
            {"must", must},
            {"complete", complete},
            {"exempt", exempt},
            {"missing", missing},
            {"exempt_by_category",
             {{"organisational", organisational}, {"not_by_vector", not_by_vector}, {"gap", gap}}}};
  }
};

}  // namespace

std::string coverage_json(const std::vector<coverage_row>& rows) {
  using json = nlohmann::json;
  tally all;
  std::map<std::string, tally> by_catalogue;
  json items = json::array();
  for (const coverage_row& row : rows) {
    all.add(row);
    by_catalogue[row.catalogue.empty() ? "(unknown)" : row.catalogue].add(row);
    json item = {{"id", row.requirement},        {"catalogue", row.catalogue},
                 {"level", row.level},           {"side", row.side},
                 {"rule", to_string(row.rule)},  {"status", to_string(row.status)},
                 {"satisfy", row.satisfy_cases}, {"break", row.break_cases},
                 {"accept", row.accept_cases},   {"reject", row.reject_cases},
                 {"either", row.either_cases}};
    if (row.exemption) {
      item["exemption"] = {{"category", row.exemption->category},
                           {"reason", row.exemption->reason},
                           {"covered_by", row.exemption->covered_by}};
    }
    items.push_back(std::move(item));
  }
  json per = json::object();
  for (const auto& [name, t] : by_catalogue) per[name] = t.to_json();
  const json doc = {{"format_version", 1},
                    {"totals", all.to_json()},
                    {"by_catalogue", std::move(per)},
                    {"requirements", std::move(items)}};
  return doc.dump(2) + "\n";
}

std::string coverage_markdown(const std::vector<coverage_row>& rows) {
  tally all;
  std::map<std::string, tally> by_catalogue;
  for (const coverage_row& row : rows) {
    all.add(row);
    by_catalogue[row.catalogue.empty() ? "(unknown)" : row.catalogue].add(row);
  }
  auto line = [](const std::string& name, const tally& t) {
    return "| " + name + " | " + std::to_string(t.requirements) + " | " + std::to_string(t.must) +
           " | " + std::to_string(t.complete) + " | " + std::to_string(t.exempt) + " (" +
           std::to_string(t.organisational) + "/" + std::to_string(t.not_by_vector) + "/" +
           std::to_string(t.gap) + ") | " + std::to_string(t.missing) + " |\n";
  };
  std::string md =
      "# Requirement coverage by the vector corpus\n\n"
      "Generated by the corpus lint (vectors/README.md \"Coverage\"). A sender-side or shared "
      "MUST needs a case that satisfies it and one that breaks it; a receiver-side MUST needs a "
      "case whose verdict it decides. Exempt = organisational / not_by_vector / gap.\n\n"
      "| Catalogue | Requirements | MUST | Complete | Exempt (org/not-by-vector/gap) | Missing "
      "|\n|---|---:|---:|---:|---|---:|\n";
  for (const auto& [name, t] : by_catalogue) md += line(name, t);
  md += line("**all**", all);
  std::string missing, exempt;
  for (const coverage_row& row : rows) {
    if (row.status == coverage_status::missing) {
      missing += "- `" + row.requirement + "` (" + row.side +
                 "): " + std::to_string(row.satisfy_cases.size()) + " satisfying, " +
                 std::to_string(row.break_cases.size()) + " breaking\n";
    } else if (row.status == coverage_status::exempt) {
      exempt += "- `" + row.requirement + "` " + row.exemption->category + ": " +
                row.exemption->reason + "\n";
    }
  }
  if (!missing.empty()) md += "\n## Missing (the lint fails)\n\n" + missing;
  if (!exempt.empty()) md += "\n## Exempt\n\n" + exempt;
  return md;
}

}  // namespace apipnr::vectors
