#include "apipnr/transport/problem.hpp"

#include <nlohmann/json.hpp>

namespace apipnr::transport {

std::string problem_type(std::string_view slug) {
  std::string t = "urn:apipnr:problem:";
  t.append(slug);
  return t;
}

std::string to_json(const problem& p) {
  // ordered_json keeps RFC 9457's member order, which makes bodies easy to read and diff.
  nlohmann::ordered_json j;
  j["type"] = p.type;
  j["title"] = p.title;
  j["status"] = p.status;
  if (!p.detail.empty()) j["detail"] = p.detail;
  if (!p.instance.empty()) j["instance"] = p.instance;
  if (!p.findings.empty()) {
    auto& arr = j["findings"] = nlohmann::ordered_json::array();
    for (const auto& f : p.findings) {
      nlohmann::ordered_json o;
      o["id"] = f.id;
      if (!f.requirement.empty()) o["requirement"] = f.requirement;
      o["severity"] = f.severity;
      if (f.syntax_error != 0) o["syntax_error"] = f.syntax_error;
      if (f.message >= 0) o["message"] = f.message;
      if (f.segment != 0) o["segment"] = f.segment;
      if (f.element != 0) o["element"] = f.element;
      if (f.component != 0) o["component"] = f.component;
      arr.push_back(std::move(o));
    }
  }
  // Replace, not throw, on invalid UTF-8: a problem must always be writable.
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

namespace {

char lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

}  // namespace

bool accepts_json(std::string_view accept) noexcept {
  while (!accept.empty()) {
    const auto comma = accept.find(',');
    std::string_view item = accept.substr(0, comma);
    accept = comma == std::string_view::npos ? std::string_view{} : accept.substr(comma + 1);
    const auto semi = item.find(';');
    const std::string_view type = trim(item.substr(0, semi));
    bool zero_q = false;
    if (semi != std::string_view::npos) {
      std::string_view params = item.substr(semi + 1);
      const auto q = params.find("q=");
      if (q != std::string_view::npos) {
        std::string_view v = trim(params.substr(q + 2));
        // q=0, q=0.0, q=0.00 ... means "not acceptable" (RFC 9110 §12.4.2).
        zero_q = !v.empty() && v.front() == '0' &&
                 v.find_first_not_of("0.", 0) >= v.find_first_of(" ;,", 0);
      }
    }
    if (zero_q) continue;
    if (iequals(type, "application/json") || iequals(type, "application/problem+json")) {
      return true;
    }
  }
  return false;
}

std::string_view reason(unsigned status) noexcept {
  switch (status) {
    case 200:
      return "OK";
    case 202:
      return "Accepted";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 413:
      return "Content Too Large";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Content";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Unknown";
  }
}

}  // namespace apipnr::transport
