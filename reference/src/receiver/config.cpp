#include "apipnr/receiver/config.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "faults.hpp"

namespace apipnr::receiver {

namespace {

[[noreturn]] void fail(std::string_view id, const std::string& text) {
  throw std::runtime_error("[apipnr.receiver." + std::string(id) + "] " + text);
}

// Reads `j[key]` into `out` when present, with a type check that names the JSON pointer.
template <class T>
void get(const nlohmann::json& j, const char* key, T& out, const std::string& where) {
  auto it = j.find(key);
  if (it == j.end()) return;
  try {
    out = it->get<T>();
  } catch (const nlohmann::json::exception&) {
    fail("003", where + "/" + key + ": wrong type");
  }
}

void get_ms(const nlohmann::json& j, const char* key, std::chrono::milliseconds& out,
            const std::string& where) {
  std::int64_t v = out.count();
  get(j, key, v, where);
  if (v <= 0) fail("003", where + "/" + key + ": must be positive");
  out = std::chrono::milliseconds(v);
}

void only_keys(const nlohmann::json& j, std::initializer_list<std::string_view> keys,
               const std::string& where) {
  if (!j.is_object()) fail("003", (where.empty() ? "/" : where) + ": must be an object");
  for (auto it = j.begin(); it != j.end(); ++it) {
    bool known = false;
    for (auto k : keys) known = known || it.key() == k;
    if (!known) fail("003", where + "/" + it.key() + ": unknown key");
  }
}

}  // namespace

void apply_json(config& c, const nlohmann::json& j) {
  only_keys(
      j,
      {"$schema", "listen", "threads", "tls", "auth", "limits", "timeouts", "specs_dir", "profile",
       "syntax_mode", "store", "iapi", "receiver_id", "log_level", "faults", "amqp", "unsolicited"},
      "");
  auto& s = c.server;
  if (auto it = j.find("listen"); it != j.end()) {
    only_keys(*it, {"address", "port"}, "/listen");
    get(*it, "address", s.address, "/listen");
    get(*it, "port", s.port, "/listen");
  }
  if (auto it = j.find("threads"); it != j.end()) {
    only_keys(*it, {"io", "workers", "io_thread_max_bytes"}, "/threads");
    get(*it, "io", s.io_threads, "/threads");
    get(*it, "workers", s.worker_threads, "/threads");
    if (it->contains("io_thread_max_bytes")) {
      std::size_t n = 0;
      get(*it, "io_thread_max_bytes", n, "/threads");
      c.io_thread_max_bytes = n;
    }
  }
  if (auto it = j.find("tls"); it != j.end()) {
    only_keys(
        *it,
        {"enabled", "certificate_chain", "private_key", "client_ca", "require_client_certificate"},
        "/tls");
    std::string cert, key, ca;
    get(*it, "enabled", s.tls.enabled, "/tls");
    get(*it, "certificate_chain", cert, "/tls");
    get(*it, "private_key", key, "/tls");
    get(*it, "client_ca", ca, "/tls");
    get(*it, "require_client_certificate", s.tls.require_client_certificate, "/tls");
    if (!cert.empty()) s.tls.certificate_chain = cert;
    if (!key.empty()) s.tls.private_key = key;
    if (!ca.empty()) s.tls.client_ca = ca;
  }
  if (auto it = j.find("auth"); it != j.end()) {
    only_keys(*it, {"tokens", "public_paths"}, "/auth");
    if (auto t = it->find("tokens"); t != it->end()) {
      if (!t->is_array()) fail("003", "/auth/tokens: must be an array");
      s.auth.tokens.clear();
      for (std::size_t i = 0; i < t->size(); ++i) {
        const std::string where = "/auth/tokens/" + std::to_string(i);
        only_keys((*t)[i], {"sender", "token"}, where);
        transport::bearer_token bt;
        get((*t)[i], "sender", bt.sender, where);
        get((*t)[i], "token", bt.token, where);
        if (bt.sender.empty() || bt.token.empty())
          fail("003", where + ": sender and token required");
        s.auth.tokens.push_back(std::move(bt));
      }
    }
    get(*it, "public_paths", s.auth.public_paths, "/auth");
  }
  if (auto it = j.find("limits"); it != j.end()) {
    only_keys(
        *it,
        {"max_header_bytes", "max_body_bytes", "max_connections", "max_requests_per_connection"},
        "/limits");
    get(*it, "max_header_bytes", s.max_header_bytes, "/limits");
    get(*it, "max_body_bytes", s.max_body_bytes, "/limits");
    get(*it, "max_connections", s.max_connections, "/limits");
    get(*it, "max_requests_per_connection", s.max_requests_per_connection, "/limits");
  }
  if (auto it = j.find("timeouts"); it != j.end()) {
    only_keys(*it, {"read_ms", "idle_ms", "write_ms", "handshake_ms", "shutdown_grace_ms"},
              "/timeouts");
    get_ms(*it, "read_ms", s.read_timeout, "/timeouts");
    get_ms(*it, "idle_ms", s.idle_timeout, "/timeouts");
    get_ms(*it, "write_ms", s.write_timeout, "/timeouts");
    get_ms(*it, "handshake_ms", s.handshake_timeout, "/timeouts");
    get_ms(*it, "shutdown_grace_ms", s.shutdown_grace, "/timeouts");
  }
  std::string specs;
  get(j, "specs_dir", specs, "");
  if (!specs.empty()) c.specs_dir = specs;
  get(j, "profile", c.profile, "");
  std::string mode = c.tolerant ? "tolerant" : "strict";
  get(j, "syntax_mode", mode, "");
  if (mode != "strict" && mode != "tolerant") fail("003", "/syntax_mode: strict or tolerant");
  c.tolerant = mode == "tolerant";
  if (auto it = j.find("store"); it != j.end()) {
    only_keys(*it,
              {"path", "sync_full", "checkpoint_pages", "wal_limit_pages", "page_size",
               "checkpoint_sync_bytes", "write_buffer_bytes", "checkpoint_step_pages"},
              "/store");
    std::string p;
    get(*it, "path", p, "/store");
    if (!p.empty()) c.store_path = p;
    get(*it, "sync_full", c.store_sync_full, "/store");
    for (auto [key, out] : {std::pair{"checkpoint_pages", &c.store_checkpoint_pages},
                            std::pair{"wal_limit_pages", &c.store_wal_limit_pages},
                            std::pair{"page_size", &c.store_page_size},
                            std::pair{"checkpoint_sync_bytes", &c.store_checkpoint_sync_bytes},
                            std::pair{"write_buffer_bytes", &c.store_write_buffer_bytes},
                            std::pair{"checkpoint_step_pages", &c.store_checkpoint_step_pages}}) {
      if (!it->contains(key)) continue;
      std::size_t n = 0;
      get(*it, key, n, "/store");
      *out = n;
    }
  }
  if (auto it = j.find("iapi"); it != j.end()) {
    only_keys(*it, {"watchlist", "authorisations"}, "/iapi");
    std::string w, a;
    get(*it, "watchlist", w, "/iapi");
    get(*it, "authorisations", a, "/iapi");
    if (!w.empty()) c.iapi_watchlist = w;
    if (!a.empty()) c.iapi_authorisations = a;
  }
  if (auto it = j.find("amqp"); it != j.end()) {
    only_keys(*it,
              {"url", "queues", "dead_letter", "sender_identity", "credit", "workers",
               "event_thread_max_bytes", "max_attempts", "reconnect_initial_ms", "reconnect_max_ms",
               "idle_timeout_ms", "stop_grace_ms", "send_replies"},
              "/amqp");
    auto& a = c.amqp;
    get(*it, "url", a.url, "/amqp");
    if (auto q = it->find("queues"); q != it->end()) {
      only_keys(*q, {"paxlst", "iapi", "pnr_edifact", "pnr_xml"}, "/amqp/queues");
      get(*q, "paxlst", a.paxlst, "/amqp/queues");
      get(*q, "iapi", a.iapi, "/amqp/queues");
      get(*q, "pnr_edifact", a.pnr_edifact, "/amqp/queues");
      get(*q, "pnr_xml", a.pnr_xml, "/amqp/queues");
    }
    get(*it, "dead_letter", a.dead_letter, "/amqp");
    get(*it, "sender_identity", a.sender_identity, "/amqp");
    get(*it, "credit", a.credit, "/amqp");
    get(*it, "workers", a.workers, "/amqp");
    get(*it, "event_thread_max_bytes", a.event_thread_max_bytes, "/amqp");
    get(*it, "max_attempts", a.max_attempts, "/amqp");
    get_ms(*it, "reconnect_initial_ms", a.reconnect_initial, "/amqp");
    get_ms(*it, "reconnect_max_ms", a.reconnect_max, "/amqp");
    get_ms(*it, "idle_timeout_ms", a.idle_timeout, "/amqp");
    get_ms(*it, "stop_grace_ms", a.stop_grace, "/amqp");
    get(*it, "send_replies", a.send_replies, "/amqp");
  }
  if (auto it = j.find("unsolicited"); it != j.end()) {
    only_keys(*it,
              {"url", "queue", "reply_queue", "max_attempts", "retry_initial_ms", "retry_max_ms",
               "attempt_timeout_ms"},
              "/unsolicited");
    auto& u = c.unsolicited;
    get(*it, "url", u.url, "/unsolicited");
    get(*it, "queue", u.queue, "/unsolicited");
    get(*it, "reply_queue", u.reply_queue, "/unsolicited");
    get(*it, "max_attempts", u.max_attempts, "/unsolicited");
    get_ms(*it, "retry_initial_ms", u.retry_initial, "/unsolicited");
    get_ms(*it, "retry_max_ms", u.retry_max, "/unsolicited");
    get_ms(*it, "attempt_timeout_ms", u.attempt_timeout, "/unsolicited");
  }
  get(j, "receiver_id", c.receiver_id, "");
  get(j, "log_level", c.log_level, "");
  if (auto it = j.find("faults"); it != j.end()) {
    if (!it->is_array()) fail("003", "/faults: must be an array of strings");
    c.faults.clear();
    for (std::size_t i = 0; i < it->size(); ++i) {
      if (!(*it)[i].is_string()) fail("003", "/faults/" + std::to_string(i) + ": must be a string");
      c.faults.push_back((*it)[i].get<std::string>());
    }
  }
}

void load_file(config& c, const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) fail("001", "cannot read configuration file " + file.string());
  std::stringstream ss;
  ss << in.rdbuf();
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(ss.str());
  } catch (const nlohmann::json::parse_error& e) {
    fail("002", file.string() + ": not valid JSON at byte " + std::to_string(e.byte));
  } catch (const nlohmann::json::out_of_range&) {
    // A number beyond double's range (1e999) is out_of_range 406, not a parse_error.
    fail("002", file.string() + ": not valid JSON (a number out of range)");
  }
  try {
    apply_json(c, j);
  } catch (const std::runtime_error& e) {
    // Prefix the file so the pointer can be found.
    std::string what = e.what();
    const auto close = what.find("] ");
    throw std::runtime_error(what.substr(0, close + 2) + file.string() + "#" +
                             what.substr(close + 2));
  }
}

void validate(const config& c) {
  const auto& s = c.server;
  // Fault injection: every spec well-formed, and a mutant never reachable from a network.
  fault_set faults;
  std::string why;
  for (const auto& f : c.faults) {
    if (!add_fault(faults, f, why)) fail("022", "fault '" + f + "': " + why);
  }
  if (!faults.empty() && !is_loopback_address(s.address)) {
    fail("021", "faults (" + faults.describe() + ") are refused unless the receiver listens on a " +
                    "loopback address, not " + s.address);
  }
  if (s.tls.enabled && (s.tls.certificate_chain.empty() || s.tls.private_key.empty())) {
    fail("014", "TLS is enabled but certificate_chain or private_key is missing");
  }
  if (s.tls.require_client_certificate && (!s.tls.enabled || s.tls.client_ca.empty())) {
    fail("014", "require_client_certificate needs TLS and a client_ca file");
  }
  if (s.max_body_bytes == 0 || s.max_header_bytes == 0 || s.max_connections == 0 ||
      s.io_threads == 0 || s.worker_threads == 0 || s.max_requests_per_connection == 0) {
    fail("014", "limits and thread counts must be positive");
  }
  const auto& a = c.amqp;
  if (a.enabled()) {
    if (a.url.rfind("amqp://", 0) != 0) fail("014", "amqp.url must start with amqp://");
    if (a.paxlst.empty() && a.iapi.empty() && a.pnr_edifact.empty() && a.pnr_xml.empty()) {
      fail("014", "amqp.url is set but no amqp.queues entry names a source");
    }
    // workers 0 = automatic (amqp_config::workers).
    if (a.credit == 0 || a.max_attempts == 0 || a.dead_letter.empty()) {
      fail("014", "amqp credit and max_attempts must be positive, dead_letter set");
    }
    if (a.reconnect_initial.count() <= 0 || a.reconnect_max < a.reconnect_initial) {
      fail("014", "amqp reconnect delays: initial > 0 and max >= initial");
    }
  }
  const auto& u = c.unsolicited;
  if (!u.url.empty() && !u.queue.empty()) {
    fail("014", "unsolicited: give url or queue, not both");
  }
  if (!u.url.empty() && u.url.rfind("http://", 0) != 0) {
    fail("014", "unsolicited.url must start with http://");
  }
  if (!u.queue.empty() && !a.enabled()) {
    fail("014", "unsolicited.queue needs the AMQP connection (amqp.url)");
  }
  if (!u.reply_queue.empty() && u.queue.empty()) {
    fail("014", "unsolicited.reply_queue needs unsolicited.queue");
  }
  if (u.max_attempts == 0 || u.retry_initial.count() <= 0 || u.retry_max < u.retry_initial ||
      u.attempt_timeout.count() <= 0) {
    fail("014", "unsolicited: max_attempts and delays positive, retry_max_ms >= retry_initial_ms");
  }
}

}  // namespace apipnr::receiver
