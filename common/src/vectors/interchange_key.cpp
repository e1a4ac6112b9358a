#include "apipnr/vectors/interchange_key.hpp"

#include <map>
#include <utility>

namespace apipnr::vectors {

std::optional<interchange_key> find_interchange_key(std::string_view input) {
  const std::size_t unb = input.find("UNB");
  if (unb == std::string_view::npos) return std::nullopt;
  // Service characters: a UNA before the UNB sets them (positions 4..9); only the component
  // separator, element separator, release character and terminator matter here.
  char component = ':';
  char element = '+';
  char release = '?';
  char terminator = '\'';
  const std::size_t una = input.find("UNA");
  if (una != std::string_view::npos && una < unb && una + 9 <= input.size()) {
    component = input[una + 3];
    element = input[una + 4];
    release = input[una + 6];
    terminator = input[una + 8];
  }
  // elements[e][c] of the UNB segment, e = 0 being the tag.
  std::vector<std::vector<std::string>> elements(1, std::vector<std::string>(1));
  for (std::size_t i = unb; i < input.size(); ++i) {
    const char ch = input[i];
    if (ch == release && i + 1 < input.size()) {
      elements.back().back() += input[++i];
    } else if (ch == terminator) {
      break;
    } else if (ch == element) {
      elements.emplace_back(1);
    } else if (ch == component) {
      elements.back().emplace_back();
    } else {
      elements.back().back() += ch;
    }
  }
  // UNB+S001+S002(sender)+S003+S004+0020.
  if (elements.size() < 6) return std::nullopt;
  interchange_key key{elements[2][0], elements[5][0]};
  if (key.sender.empty() || key.reference.empty()) return std::nullopt;
  return key;
}

std::vector<lint_problem> lint_interchange_keys(const corpus& c) {
  std::vector<lint_problem> out;
  std::map<interchange_key, const case_spec*> first;
  for (const case_spec& k : c.cases) {
    if (k.retired) continue;
    std::vector<const std::string*> inputs;
    if (!k.steps.empty()) {
      // A sequence may resend its own interchange: one case, so never a clash with itself.
      for (const step_spec& st : k.steps)
        if (st.kind == step_kind::send && st.file_found) inputs.push_back(&st.bytes);
    } else if (k.parts.empty()) {
      if (k.input_found) inputs.push_back(&k.input_bytes);
    } else {
      for (const std::string& p : k.part_bytes) inputs.push_back(&p);
    }
    for (const std::string* bytes : inputs) {
      auto key = find_interchange_key(*bytes);
      if (!key) continue;
      const auto [it, inserted] = first.emplace(*key, &k);
      const case_spec& other = *it->second;
      if (inserted || other.id == k.id) continue;
      // A sequence sending its file twice clashes once, not once per send.
      if (!out.empty() && out.back().case_id == k.id) continue;
      // A deliberate resend: both cases name the same group.
      if (!k.duplicate_group.empty() && k.duplicate_group == other.duplicate_group) continue;
      out.push_back({"LINT-DUP-INTERCHANGE", k.manifest.string(), k.id,
                     "UNB sender " + key->sender + " and control reference " + key->reference +
                         " are already sent by case " + other.id +
                         " (give the case its own reference, or both the same duplicate_group)"});
    }
  }
  return out;
}

}  // namespace apipnr::vectors
