#include "apipnr/harness/tender.hpp"

#include <fstream>
#include <sstream>

#include "json_reader_internal.hpp"

namespace apipnr::harness {

namespace {
constexpr const char* e_read = "apipnr.harness.020";
constexpr const char* e_json = "apipnr.harness.021";
constexpr const char* e_type = "apipnr.harness.022";
constexpr const char* e_value = "apipnr.harness.023";
}  // namespace

bool group_matches(std::string_view prefix, std::string_view group) {
  if (prefix.empty()) return false;
  if (group.substr(0, prefix.size()) != prefix) return false;
  return group.size() == prefix.size() || group[prefix.size()] == '.';
}

double weight_for(const tender_profile& t, std::string_view group) {
  std::size_t best = 0;
  double w = 0;
  for (const auto& [key, value] : t.weights) {
    if (group_matches(key, group) && key.size() > best) {
      best = key.size();
      w = value;
    }
  }
  return w;
}

bool is_mandatory(const tender_profile& t, std::string_view requirement_id,
                  std::string_view group) {
  for (const auto& m : t.mandatory) {
    if (m.rfind("group:", 0) == 0) {
      if (group_matches(std::string_view(m).substr(6), group)) return true;
    } else if (m == requirement_id) {
      return true;
    }
  }
  return false;
}

std::optional<tender_profile> parse_tender(std::string_view text, const std::filesystem::path& file,
                                           std::vector<config_error>& errors) {
  const std::size_t before = errors.size();
  detail::json_reader r{file.string(), e_type, errors};
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded()) {
    r.fail(e_json, "", "not a JSON document");
    return std::nullopt;
  }
  if (!doc.is_object()) {
    r.fail(e_type, "", "must be a JSON object");
    return std::nullopt;
  }
  tender_profile t;
  t.file = file;
  r.known_members(doc, "",
                  {"$schema", "name", "mandatory", "weights", "performance_targets", "notes"});
  t.name = r.string_at(doc, "", "name").value_or("");
  if (auto it = doc.find("mandatory"); it != doc.end()) {
    if (!it->is_array()) {
      r.fail(e_type, "/mandatory", "must be an array of requirement IDs or \"group:<prefix>\"");
    } else {
      for (std::size_t i = 0; i < it->size(); ++i) {
        const auto& v = (*it)[i];
        const std::string at = "/mandatory/" + std::to_string(i);
        if (!v.is_string()) {
          r.fail(e_type, at, "must be a string");
        } else if (v.get<std::string>().empty() || v.get<std::string>() == "group:") {
          r.fail(e_value, at, "must not be empty");
        } else {
          t.mandatory.push_back(v.get<std::string>());
        }
      }
    }
  }
  if (const auto* w = r.object_at(doc, "", "weights")) {
    for (const auto& [key, value] : w->items()) {
      const std::string at = "/weights/" + detail::pointer_token(key);
      if (key.empty()) {
        r.fail(e_value, at, "a group prefix must not be empty");
      } else if (!value.is_number() || value.get<double>() < 0) {
        r.fail(e_value, at, "must be a number >= 0");
      } else {
        t.weights[key] = value.get<double>();
      }
    }
  }
  if (auto it = doc.find("performance_targets"); it != doc.end()) {
    if (!it->is_object())
      r.fail(e_type, "/performance_targets", "must be an object");
    else
      t.performance_targets = *it;
  }
  if (errors.size() != before) return std::nullopt;
  return t;
}

std::optional<tender_profile> load_tender(const std::filesystem::path& file,
                                          std::vector<config_error>& errors) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    errors.push_back({e_read, file.string(), "", "cannot read the tender profile"});
    return std::nullopt;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return parse_tender(ss.str(), file, errors);
}

}  // namespace apipnr::harness
