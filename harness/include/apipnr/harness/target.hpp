// The target file: how to reach one system under test (specs/schemas/target.schema.json,
// docs/HARNESS.md "Target file").
//
// A target names the transport (HTTP(S) with one URL per message kind, or AMQP 1.0 with one
// queue per kind and a reply queue), TLS material, authentication, timeouts, the
// acknowledgement mode and, optionally, how to read back what the receiver understood: a query
// interface (GET /v1/messages/{id} ...) or an export file of canonical JSON lines.
//
// Secrets are never stored in results: tokens and passwords may be given inline, but
// `token_env` / `token_file` (and the password equivalents) are preferred and only their
// *source* is recorded. `tls.insecure_skip_verify` is refused unless the caller passes
// `allow_insecure` (the CLI flag --allow-insecure), and a run that used it says so in its
// manifest.
//
// Errors: see config_error.hpp (IDs apipnr.harness.010-019). Unknown members are errors, so
// a misspelt key cannot silently fall back to a default.
// Thread safety: value types; the loader is a free function without shared state.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "apipnr/harness/config_error.hpp"
#include "apipnr/harness/exchange.hpp"

namespace apipnr::harness {

// "paxlst", "iapi", "pnrgov_edifact", "pnrgov_xml".
std::string_view to_string(message_kind k) noexcept;
std::optional<message_kind> parse_message_kind(std::string_view s) noexcept;

enum class transport_kind : std::uint8_t { http, amqp };
enum class ack_mode : std::uint8_t { synchronous, reply_queue };
enum class auth_kind : std::uint8_t { none, bearer, basic, mtls };

std::string_view to_string(transport_kind t) noexcept;
std::string_view to_string(ack_mode a) noexcept;
std::string_view to_string(auth_kind a) noexcept;

struct tls_options {
  std::string ca_file;                // PEM bundle to verify the server; empty = system store
  std::string client_cert;            // PEM, for mutual TLS
  std::string client_key;             // PEM, for mutual TLS
  std::string server_name;            // SNI / verification name override; empty = host of the URL
  bool insecure_skip_verify = false;  // only with allow_insecure
};

struct auth_options {
  auth_kind kind = auth_kind::none;
  std::string token;          // bearer: resolved value (never written to results)
  std::string username;       // basic
  std::string password;       // basic: resolved value (never written to results)
  std::string secret_source;  // "inline", "env:NAME" or "file:PATH" (recorded instead of the value)
};

struct timeout_options {
  std::chrono::milliseconds connect{5000};
  std::chrono::milliseconds response{30000};
  std::map<message_kind, std::chrono::milliseconds> response_per_kind;  // overrides `response`
  std::chrono::milliseconds for_kind(message_kind k) const;
};

struct query_options {
  std::string base_url;     // e.g. https://sut.example:8443 ; GET <base>/v1/messages/{id}
  std::string export_file;  // canonical JSON lines, one logical message per line
  // Where the canonical message sits inside the GET /v1/messages/{id} answer; empty = auto
  // (the document itself when it has `canonical_version`, else the first element of
  // `messages` that has one).
  std::string canonical_pointer;
  bool enabled() const noexcept { return !base_url.empty() || !export_file.empty(); }
};

// The receiver's control API (officer status changes, shared contract C3): sequence steps
// `control` POST their JSON file here with the target's authentication.
struct control_options {
  std::string status_change_url;  // http(s)://.../control/v1/status-change
  bool enabled() const noexcept { return !status_change_url.empty(); }
};

// Where the harness, simulating the carrier, receives unsolicited CUSRES 132 for the steps
// `await_unsolicited`: an HTTP listener ("127.0.0.1:0" picks a port; path /carrier/v1/cusres)
// or an AMQP queue on the target's broker. One of the two.
struct unsolicited_options {
  std::string http_listen;  // "address:port"
  std::string queue;        // AMQP address
  bool enabled() const noexcept { return !http_listen.empty() || !queue.empty(); }
};

struct target {
  std::string name;  // free label for reports
  transport_kind transport = transport_kind::http;
  // http: URL per kind; amqp: queue per kind. A kind without an entry is not sent: its cases
  // are skipped with the reason "target has no endpoint for <kind>".
  std::map<message_kind, std::string> endpoints;
  std::string broker_url;                             // amqp only: amqp[s]://host:port
  std::string reply_queue;                            // amqp with ack_mode reply_queue
  std::map<message_kind, std::string> content_types;  // overrides of the defaults per kind
  tls_options tls;
  auth_options auth;
  timeout_options timeouts;
  harness::ack_mode ack = harness::ack_mode::synchronous;
  query_options query;
  control_options control;
  unsolicited_options unsolicited;
  // Fixtures of the corpus (vectors/fixtures/<name>.json) the system under test has loaded,
  // each with the lower-case hex SHA-256 of the file: cases that `require` one run only when
  // it is declared here, and fixtures.hpp refuses a hash that differs from the corpus file.
  std::map<std::string, std::string> fixtures;
  std::filesystem::path file;  // where it was loaded from
};

// Default Content-Type for a kind: application/edifact, or application/xml for pnrgov_xml.
std::string default_content_type(message_kind k);

struct target_load_options {
  bool allow_insecure = false;  // accept tls.insecure_skip_verify: true
};

// Parses a target document. Relative file paths (CA, cert, key, export, token_file) are
// resolved against the directory of `file`. Returns nullopt when any error was appended.
std::optional<target> parse_target(std::string_view text, const std::filesystem::path& file,
                                   std::vector<config_error>& errors,
                                   const target_load_options& opts = {});
// Reads and parses `file` (apipnr.harness.010 when it cannot be read).
std::optional<target> load_target(const std::filesystem::path& file,
                                  std::vector<config_error>& errors,
                                  const target_load_options& opts = {});

// The message kind a case is sent as: from its folder (edifact/messages/iapi -> iapi,
// */pnrgov* -> pnrgov_edifact, xml/pnrgov -> pnrgov_xml), else by a byte sniff of the input
// ("PNRGOV" in the UNH -> pnrgov_edifact, "<" first -> pnrgov_xml), else paxlst. This routes;
// it never judges.
message_kind kind_of(std::string_view case_id, std::string_view first_bytes);

}  // namespace apipnr::harness
