// Strict reading of the harness's small configuration documents: every member is looked up by
// name, unknown members are errors, and each error names the file and JSON pointer.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "apipnr/harness/config_error.hpp"

namespace apipnr::harness::detail {

// `key` as one RFC 6901 reference token ("~" -> "~0", "/" -> "~1"): member names come from
// the document, and an unescaped "a/b" or "a~" would point elsewhere or be no pointer at all.
inline std::string pointer_token(std::string_view key) {
  // nlohmann escapes a pointer's tokens ("~" -> "~0", "/" -> "~1") when it prints one.
  return (nlohmann::json::json_pointer() / std::string(key)).to_string().substr(1);
}

struct json_reader {
  std::string file;
  std::string type_code;  // error ID for wrong types / unknown members
  std::vector<config_error>& errors;

  void fail(const std::string& code, const std::string& pointer, const std::string& message) {
    errors.push_back({code, file, pointer, message});
  }

  // Reports every member of `obj` not in `known`.
  void known_members(const nlohmann::json& obj, const std::string& at,
                     std::initializer_list<std::string_view> known) {
    for (const auto& [key, value] : obj.items()) {
      bool ok = false;
      for (auto k : known) ok = ok || k == key;
      if (!ok) fail(type_code, at + "/" + pointer_token(key), "unknown member \"" + key + "\"");
    }
  }

  std::optional<std::string> string_at(const nlohmann::json& obj, const std::string& at,
                                       const char* key) {
    auto it = obj.find(key);
    if (it == obj.end()) return std::nullopt;
    if (!it->is_string()) {
      fail(type_code, at + "/" + key, "must be a string");
      return std::nullopt;
    }
    return it->get<std::string>();
  }

  std::optional<bool> bool_at(const nlohmann::json& obj, const std::string& at, const char* key) {
    auto it = obj.find(key);
    if (it == obj.end()) return std::nullopt;
    if (!it->is_boolean()) {
      fail(type_code, at + "/" + key, "must be true or false");
      return std::nullopt;
    }
    return it->get<bool>();
  }

  const nlohmann::json* object_at(const nlohmann::json& obj, const std::string& at,
                                  const char* key) {
    auto it = obj.find(key);
    if (it == obj.end()) return nullptr;
    if (!it->is_object()) {
      fail(type_code, at + "/" + key, "must be an object");
      return nullptr;
    }
    return &*it;
  }
};

}  // namespace apipnr::harness::detail
