#include "apipnr/harness/target.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>

#include "json_reader_internal.hpp"

namespace apipnr::harness {

namespace {

constexpr const char* e_read = "apipnr.harness.010";
constexpr const char* e_json = "apipnr.harness.011";
constexpr const char* e_type = "apipnr.harness.012";
constexpr const char* e_missing = "apipnr.harness.013";
constexpr const char* e_value = "apipnr.harness.014";
constexpr const char* e_insecure = "apipnr.harness.015";
constexpr const char* e_secret = "apipnr.harness.016";
constexpr const char* e_inconsistent = "apipnr.harness.017";

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

std::filesystem::path resolve(const std::filesystem::path& base, const std::string& p) {
  if (p.empty()) return {};
  std::filesystem::path q(p);
  return q.is_absolute() ? q : base / q;
}

// Hard limits on what the loaders read: a target file is a few kilobytes and a secret one
// line, so a path to a device or a huge file (`/dev/zero`, a log) is an error, not an endless
// read.
constexpr std::size_t max_target_bytes = 4u << 20;
constexpr std::size_t max_secret_file_bytes = 64u << 10;

enum class read_status { ok, unreadable, too_large };

// Reads at most `max_bytes` of `p` into `out`; one byte more is too_large.
read_status read_file(const std::filesystem::path& p, std::string& out, std::size_t max_bytes) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return read_status::unreadable;
  out.assign(max_bytes + 1, '\0');
  in.read(out.data(), static_cast<std::streamsize>(out.size()));
  if (in.bad()) return read_status::unreadable;
  out.resize(static_cast<std::size_t>(in.gcount()));
  return out.size() > max_bytes ? read_status::too_large : read_status::ok;
}

// A secret given inline, through an environment variable or in a file (first line).
// `source` records where it came from, never the value.
void read_secret(detail::json_reader& r, const nlohmann::json& obj, const std::string& at,
                 const std::string& name, const std::filesystem::path& base, std::string& value,
                 std::string& source, bool required) {
  auto inline_v = r.string_at(obj, at, name.c_str());
  auto env_v = r.string_at(obj, at, (name + "_env").c_str());
  auto file_v = r.string_at(obj, at, (name + "_file").c_str());
  int given = (inline_v ? 1 : 0) + (env_v ? 1 : 0) + (file_v ? 1 : 0);
  if (given > 1) {
    r.fail(e_inconsistent, at,
           "give only one of " + name + ", " + name + "_env, " + name + "_file");
    return;
  }
  if (given == 0) {
    if (required)
      r.fail(e_missing, at, "missing " + name + " (or " + name + "_env / " + name + "_file)");
    return;
  }
  if (inline_v) {
    value = *inline_v;
    source = "inline";
  } else if (env_v) {
    const char* v = std::getenv(env_v->c_str());
    if (v == nullptr) {
      r.fail(e_secret, at + "/" + name + "_env", "environment variable " + *env_v + " is not set");
      return;
    }
    value = v;
    source = "env:" + *env_v;
  } else {
    auto path = resolve(base, *file_v);
    std::string text;
    switch (read_file(path, text, max_secret_file_bytes)) {
      case read_status::ok:
        break;
      case read_status::unreadable:
        r.fail(e_secret, at + "/" + name + "_file", "cannot read " + path.string());
        return;
      case read_status::too_large:
        r.fail(e_secret, at + "/" + name + "_file",
               path.string() + " is larger than " + std::to_string(max_secret_file_bytes) +
                   " bytes (a secret file holds the secret on its first line)");
        return;
    }
    value = text.substr(0, text.find_first_of("\r\n"));
    source = "file:" + path.string();
  }
}

bool url_ok(const std::string& url, std::initializer_list<std::string_view> schemes) {
  for (auto s : schemes)
    if (starts_with(url, s) && url.size() > s.size()) return true;
  return false;
}

void read_kind_map(detail::json_reader& r, const nlohmann::json& obj, const std::string& at,
                   std::map<message_kind, std::string>& out) {
  for (const auto& [key, value] : obj.items()) {
    auto k = parse_message_kind(key);
    if (!k) {
      r.fail(e_value, at + "/" + detail::pointer_token(key),
             "unknown message kind (paxlst, iapi, pnrgov_edifact, pnrgov_xml)");
      continue;
    }
    if (!value.is_string() || value.get<std::string>().empty()) {
      r.fail(e_type, at + "/" + detail::pointer_token(key), "must be a non-empty string");
      continue;
    }
    out[*k] = value.get<std::string>();
  }
}

std::optional<std::chrono::milliseconds> read_ms(detail::json_reader& r, const nlohmann::json& v,
                                                 const std::string& at) {
  if (!v.is_number_integer() || v.get<long long>() <= 0) {
    r.fail(e_value, at, "must be a positive integer (milliseconds)");
    return std::nullopt;
  }
  return std::chrono::milliseconds(v.get<long long>());
}

}  // namespace

std::string to_string(const config_error& e) {
  std::string s = "[" + e.code + "] " + e.file;
  if (!e.pointer.empty()) s += "#" + e.pointer;
  return s + ": " + e.message;
}

std::string_view to_string(message_kind k) noexcept {
  switch (k) {
    case message_kind::paxlst:
      return "paxlst";
    case message_kind::iapi:
      return "iapi";
    case message_kind::pnrgov_edifact:
      return "pnrgov_edifact";
    case message_kind::pnrgov_xml:
      return "pnrgov_xml";
  }
  return "paxlst";
}

std::optional<message_kind> parse_message_kind(std::string_view s) noexcept {
  for (auto k : {message_kind::paxlst, message_kind::iapi, message_kind::pnrgov_edifact,
                 message_kind::pnrgov_xml})
    if (to_string(k) == s) return k;
  return std::nullopt;
}

std::string_view to_string(transport_kind t) noexcept {
  return t == transport_kind::http ? "http" : "amqp";
}
std::string_view to_string(ack_mode a) noexcept {
  return a == ack_mode::synchronous ? "synchronous" : "reply_queue";
}
std::string_view to_string(auth_kind a) noexcept {
  switch (a) {
    case auth_kind::none:
      return "none";
    case auth_kind::bearer:
      return "bearer";
    case auth_kind::basic:
      return "basic";
    case auth_kind::mtls:
      return "mtls";
  }
  return "none";
}

std::chrono::milliseconds timeout_options::for_kind(message_kind k) const {
  auto it = response_per_kind.find(k);
  return it == response_per_kind.end() ? response : it->second;
}

std::string default_content_type(message_kind k) {
  return k == message_kind::pnrgov_xml ? "application/xml" : "application/edifact";
}

message_kind kind_of(std::string_view case_id, std::string_view first_bytes) {
  if (starts_with(case_id, "xml/")) return message_kind::pnrgov_xml;
  if (starts_with(case_id, "edifact/messages/iapi")) return message_kind::iapi;
  if (starts_with(case_id, "edifact/messages/pnrgov")) return message_kind::pnrgov_edifact;
  if (starts_with(case_id, "edifact/messages/")) return message_kind::paxlst;
  // The syntax corpus: route PNRGOV interchanges to the PNR endpoint, XML to the XML one.
  std::size_t i = 0;
  while (i < first_bytes.size() && (first_bytes[i] == ' ' || first_bytes[i] == '\n' ||
                                    first_bytes[i] == '\r' || first_bytes[i] == '\t'))
    ++i;
  if (i < first_bytes.size() && first_bytes[i] == '<') return message_kind::pnrgov_xml;
  if (first_bytes.find("PNRGOV") != std::string_view::npos) return message_kind::pnrgov_edifact;
  return message_kind::paxlst;
}

std::optional<target> parse_target(std::string_view text, const std::filesystem::path& file,
                                   std::vector<config_error>& errors,
                                   const target_load_options& opts) {
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
  const auto base = file.parent_path();
  target t;
  t.file = file;
  r.known_members(
      doc, "",
      {"$schema", "name", "transport", "http", "amqp", "content_types", "tls", "auth", "timeouts",
       "acknowledgement", "query", "fixtures", "control", "unsolicited", "notes"});
  t.name = r.string_at(doc, "", "name").value_or("");
  auto transport = r.string_at(doc, "", "transport");
  if (!transport) {
    if (!doc.contains("transport")) r.fail(e_missing, "", "missing \"transport\" (http or amqp)");
  } else if (*transport == "http") {
    t.transport = transport_kind::http;
  } else if (*transport == "amqp") {
    t.transport = transport_kind::amqp;
  } else {
    r.fail(e_value, "/transport", "must be \"http\" or \"amqp\"");
  }

  if (const auto* h = r.object_at(doc, "", "http")) {
    r.known_members(*h, "/http", {"endpoints"});
    if (const auto* ep = r.object_at(*h, "/http", "endpoints")) {
      read_kind_map(r, *ep, "/http/endpoints", t.endpoints);
      for (const auto& [k, url] : t.endpoints)
        if (!url_ok(url, {"http://", "https://"}))
          r.fail(e_value, "/http/endpoints/" + std::string(to_string(k)),
                 "must be an http:// or https:// URL");
    }
  }
  if (const auto* a = r.object_at(doc, "", "amqp")) {
    r.known_members(*a, "/amqp", {"broker", "queues", "reply_queue"});
    t.broker_url = r.string_at(*a, "/amqp", "broker").value_or("");
    if (!t.broker_url.empty() && !url_ok(t.broker_url, {"amqp://", "amqps://"}))
      r.fail(e_value, "/amqp/broker", "must be an amqp:// or amqps:// URL");
    t.reply_queue = r.string_at(*a, "/amqp", "reply_queue").value_or("");
    if (t.transport == transport_kind::amqp)
      if (const auto* q = r.object_at(*a, "/amqp", "queues"))
        read_kind_map(r, *q, "/amqp/queues", t.endpoints);
  }
  if (t.transport == transport_kind::http && doc.contains("transport")) {
    if (!doc.contains("http"))
      r.fail(e_missing, "", "transport http needs \"http\"");
    else if (t.endpoints.empty())
      r.fail(e_missing, "/http", "\"endpoints\" must name at least one message kind");
  }
  if (t.transport == transport_kind::amqp) {
    if (t.broker_url.empty()) r.fail(e_missing, "/amqp", "transport amqp needs \"broker\"");
    if (t.endpoints.empty())
      r.fail(e_missing, "/amqp", "\"queues\" must name at least one message kind");
  }
  if (const auto* ct = r.object_at(doc, "", "content_types"))
    read_kind_map(r, *ct, "/content_types", t.content_types);

  if (const auto* tls = r.object_at(doc, "", "tls")) {
    r.known_members(
        *tls, "/tls",
        {"ca_file", "client_cert", "client_key", "server_name", "insecure_skip_verify"});
    t.tls.ca_file = resolve(base, r.string_at(*tls, "/tls", "ca_file").value_or("")).string();
    t.tls.client_cert =
        resolve(base, r.string_at(*tls, "/tls", "client_cert").value_or("")).string();
    t.tls.client_key = resolve(base, r.string_at(*tls, "/tls", "client_key").value_or("")).string();
    t.tls.server_name = r.string_at(*tls, "/tls", "server_name").value_or("");
    t.tls.insecure_skip_verify = r.bool_at(*tls, "/tls", "insecure_skip_verify").value_or(false);
    if (t.tls.insecure_skip_verify && !opts.allow_insecure)
      r.fail(e_insecure, "/tls/insecure_skip_verify",
             "certificate verification may only be switched off with --allow-insecure");
    for (const auto* f : {&t.tls.ca_file, &t.tls.client_cert, &t.tls.client_key})
      if (!f->empty() && !std::filesystem::exists(*f))
        r.fail(e_value, "/tls", "file does not exist: " + *f);
    if (t.tls.client_cert.empty() != t.tls.client_key.empty())
      r.fail(e_inconsistent, "/tls", "client_cert and client_key go together");
  }

  if (const auto* a = r.object_at(doc, "", "auth")) {
    r.known_members(*a, "/auth",
                    {"type", "token", "token_env", "token_file", "username", "password",
                     "password_env", "password_file"});
    auto type = r.string_at(*a, "/auth", "type");
    if (!type) {
      if (!a->contains("type")) r.fail(e_missing, "/auth", "missing \"type\"");
    } else if (*type == "none") {
      t.auth.kind = auth_kind::none;
    } else if (*type == "bearer") {
      t.auth.kind = auth_kind::bearer;
      read_secret(r, *a, "/auth", "token", base, t.auth.token, t.auth.secret_source, true);
    } else if (*type == "basic") {
      t.auth.kind = auth_kind::basic;
      t.auth.username = r.string_at(*a, "/auth", "username").value_or("");
      if (t.auth.username.empty()) r.fail(e_missing, "/auth", "basic auth needs \"username\"");
      read_secret(r, *a, "/auth", "password", base, t.auth.password, t.auth.secret_source, true);
    } else if (*type == "mtls") {
      t.auth.kind = auth_kind::mtls;
      if (t.tls.client_cert.empty())
        r.fail(e_inconsistent, "/auth/type", "mtls needs tls.client_cert and tls.client_key");
    } else {
      r.fail(e_value, "/auth/type", "must be none, bearer, basic or mtls");
    }
  }

  if (const auto* to = r.object_at(doc, "", "timeouts")) {
    r.known_members(*to, "/timeouts", {"connect_ms", "response_ms", "per_kind_ms"});
    if (to->contains("connect_ms"))
      if (auto v = read_ms(r, (*to)["connect_ms"], "/timeouts/connect_ms")) t.timeouts.connect = *v;
    if (to->contains("response_ms"))
      if (auto v = read_ms(r, (*to)["response_ms"], "/timeouts/response_ms"))
        t.timeouts.response = *v;
    if (const auto* pk = r.object_at(*to, "/timeouts", "per_kind_ms")) {
      for (const auto& [key, value] : pk->items()) {
        auto k = parse_message_kind(key);
        if (!k) {
          r.fail(e_value, "/timeouts/per_kind_ms/" + detail::pointer_token(key),
                 "unknown message kind");
          continue;
        }
        if (auto v = read_ms(r, value, "/timeouts/per_kind_ms/" + key))
          t.timeouts.response_per_kind[*k] = *v;
      }
    }
  }

  if (auto ack = r.string_at(doc, "", "acknowledgement")) {
    if (*ack == "synchronous")
      t.ack = ack_mode::synchronous;
    else if (*ack == "reply_queue")
      t.ack = ack_mode::reply_queue;
    else
      r.fail(e_value, "/acknowledgement", "must be \"synchronous\" or \"reply_queue\"");
  }
  if (t.ack == ack_mode::reply_queue) {
    if (t.transport != transport_kind::amqp)
      r.fail(e_inconsistent, "/acknowledgement", "reply_queue needs transport amqp");
    else if (t.reply_queue.empty())
      r.fail(e_missing, "/amqp", "acknowledgement reply_queue needs amqp.reply_queue");
  }

  if (const auto* q = r.object_at(doc, "", "query")) {
    r.known_members(*q, "/query", {"base_url", "export_file", "canonical_pointer"});
    t.query.base_url = r.string_at(*q, "/query", "base_url").value_or("");
    auto ex = r.string_at(*q, "/query", "export_file").value_or("");
    t.query.export_file = resolve(base, ex).string();
    t.query.canonical_pointer = r.string_at(*q, "/query", "canonical_pointer").value_or("");
    if (!t.query.base_url.empty() && !url_ok(t.query.base_url, {"http://", "https://"}))
      r.fail(e_value, "/query/base_url", "must be an http:// or https:// URL");
    if (!t.query.base_url.empty() && !t.query.export_file.empty())
      r.fail(e_inconsistent, "/query", "give base_url or export_file, not both");
    if (!t.query.canonical_pointer.empty() && t.query.canonical_pointer.front() != '/')
      r.fail(e_value, "/query/canonical_pointer", "must be a JSON pointer starting with '/'");
  }

  // Officer status changes and unsolicited CUSRES 132 (shared contract C3).
  if (const auto* c = r.object_at(doc, "", "control")) {
    r.known_members(*c, "/control", {"status_change_url"});
    t.control.status_change_url = r.string_at(*c, "/control", "status_change_url").value_or("");
    if (!url_ok(t.control.status_change_url, {"http://", "https://"}))
      r.fail(e_value, "/control/status_change_url", "must be an http:// or https:// URL");
  }
  if (const auto* u = r.object_at(doc, "", "unsolicited")) {
    r.known_members(*u, "/unsolicited", {"http_listen", "queue"});
    t.unsolicited.http_listen = r.string_at(*u, "/unsolicited", "http_listen").value_or("");
    t.unsolicited.queue = r.string_at(*u, "/unsolicited", "queue").value_or("");
    const auto& l = t.unsolicited.http_listen;
    const auto colon = l.rfind(':');
    const bool listen_ok =
        l.empty() ||
        (colon != std::string::npos && colon > 0 && colon + 1 < l.size() && colon + 6 >= l.size() &&
         std::all_of(l.begin() + static_cast<std::ptrdiff_t>(colon) + 1, l.end(),
                     [](char ch) { return ch >= '0' && ch <= '9'; }));
    if (!listen_ok) r.fail(e_value, "/unsolicited/http_listen", "must be ADDRESS:PORT");
    if (l.empty() == t.unsolicited.queue.empty())
      r.fail(e_inconsistent, "/unsolicited", "give http_listen or queue, exactly one");
    if (!t.unsolicited.queue.empty() && transport && *transport != "amqp")
      r.fail(e_inconsistent, "/unsolicited/queue", "needs transport amqp (the target's broker)");
  }

  if (const auto* fx = r.object_at(doc, "", "fixtures")) {
    for (const auto& [name, value] : fx->items()) {
      const std::string at = "/fixtures/" + detail::pointer_token(name);
      const bool name_ok = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
      });
      const std::string hex = value.is_string() ? value.get<std::string>() : std::string();
      const bool hex_ok = hex.size() == 64 && std::all_of(hex.begin(), hex.end(), [](char c) {
                            return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
                          });
      if (!name_ok) {
        r.fail(e_value, at, "fixture names are lower-case letters, digits and '-'");
      } else if (!hex_ok) {
        r.fail(e_value, at, "must be the lower-case hex SHA-256 (64 characters) of the fixture");
      } else {
        t.fixtures[name] = hex;
      }
    }
  }

  if (errors.size() != before) return std::nullopt;
  return t;
}

std::optional<target> load_target(const std::filesystem::path& file,
                                  std::vector<config_error>& errors,
                                  const target_load_options& opts) {
  std::string text;
  switch (read_file(file, text, max_target_bytes)) {
    case read_status::ok:
      break;
    case read_status::unreadable:
      errors.push_back({e_read, file.string(), "", "cannot read the target file"});
      return std::nullopt;
    case read_status::too_large:
      errors.push_back(
          {e_read, file.string(), "",
           "the target file is larger than " + std::to_string(max_target_bytes) + " bytes"});
      return std::nullopt;
  }
  return parse_target(text, file, errors, opts);
}

}  // namespace apipnr::harness
