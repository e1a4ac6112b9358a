// HTTP(S) transport: POSTs each exchange's body to the URL of its message kind and records
// what came back; GETs the query interface (canonical JSON by id or locator).
//
// Behaviour (STYLE_ANCHORS C7; the harness must survive any endpoint):
//   - synchronous API; one io_context, one kept-alive connection per instance; a connection the
//     server closed is replaced, and a request that failed on a REUSED connection before any
//     response byte arrived is retried once on a fresh one (the server closed an idle socket);
//   - connect (resolve + TCP + TLS handshake), write and whole-response deadlines: a hanging
//     endpoint gives `timeout` after at most connect + write + response timeouts, never a hang;
//   - connection refused / unresolvable host -> `endpoint_down`; reset, TLS failure, malformed
//     or truncated HTTP, a body above `max_response_bytes` or a header above `max_header_bytes`
//     -> `transport_error` (status and headers are kept when they arrived; the body is never
//     buffered beyond the cap). A `timeout` or `transport_error` after bytes of the answer
//     arrived ends its `error` with the evidence `; received N bytes: "<the first 256 bytes>"`
//     (printable ASCII as is, \" \\ \r \n \t, \xNN for the rest; `...` after the quote when
//     more arrived): reports show what the endpoint sent, not only why it was refused;
//   - interim answers (1xx but 101) are read past to the final one (RFC 9110 15.2), at most 16;
//     more, a 101 (no protocol switch is asked for) or a status outside 100..599 ->
//     `transport_error` HTR-HTTP-MALFORMED. Any final status 200..599 is `completed`: judging
//     4xx/5xx is classify()'s job. A `completed` observation is a whole answer by its framing
//     (Content-Length, chunked, or until the server closed): a cut-off answer never is;
//   - bytes after the final answer (a second answer to one request, garbage), or arriving on
//     the idle kept-alive connection, are nobody's answer: the connection is closed and the
//     next request opens a new one, so that one exchange's bytes never answer another's; an
//     answer whose body ran to the close (no Content-Length, not chunked) ends its connection;
//   - TLS: CA file (or the system store), host-name verification and SNI, optional client
//     certificate and key (mutual TLS). Bearer token or basic authentication.
//
// Errors: never throws from send()/get() (only std::bad_alloc). A bad configuration (unreadable
// CA or key file, missing URL for a kind) is reported by every send() as `transport_error`
// and by configuration_error().
// Thread safety: one instance per worker; instances are independent.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "apipnr/harness/exchange.hpp"

namespace apipnr::harness {

struct http_url {
  bool tls = false;
  std::string host;
  std::string port;    // defaulted to 80 / 443
  std::string target;  // path and query, at least "/"
};

// `http://host[:port][/path]` or `https://...`; IPv6 literals in brackets. nullopt when it is
// not such a URL (no user info, no fragment).
std::optional<http_url> parse_http_url(std::string_view url);

struct http_options {
  std::map<message_kind, std::string> urls;  // POST target per message kind
  std::string bearer_token;                  // "Authorization: Bearer <token>" when set
  std::string basic_user, basic_password;    // basic authentication when user is set
  std::map<std::string, std::string> extra_headers;
  std::string ca_file;           // PEM CA bundle; empty: the system's default store
  std::string client_cert_file;  // PEM certificate chain for mutual TLS (with client_key_file)
  std::string client_key_file;
  bool verify_peer = true;  // false only for explicit "insecure" runs
  // TLS name (target `tls.server_name`): sent as SNI and checked against the server's
  // certificate instead of the URL's host, for endpoints reached by address or through a
  // balancer whose certificate names the service. Empty: the URL's host.
  std::string server_name;
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds write_timeout{2000};
  std::chrono::milliseconds response_timeout{5000};  // from the end of writing to the last byte
  // Overrides of response_timeout per message kind (target `timeouts.per_kind_ms`).
  std::map<message_kind, std::chrono::milliseconds> response_timeout_per_kind;
  std::size_t max_response_bytes = std::size_t{16} << 20U;
  std::size_t max_header_bytes = std::size_t{64} << 10U;
};

struct target;  // apipnr/harness/target.hpp

// The options a target file states for talking to it over HTTP(S): authentication, TLS (CA,
// client certificate and key, verification) and its connect / response timeouts (per kind
// too). No URLs: the caller sets `urls` for what it sends (endpoints, a control URL) or none
// for GET-only use. One definition for every HTTP client the harness opens on a target.
http_options http_options_for(const target& t);

class http_transport final : public transport {
 public:
  explicit http_transport(http_options options);
  ~http_transport() override;
  http_transport(const http_transport&) = delete;
  http_transport& operator=(const http_transport&) = delete;

  // POST x.body to options.urls[x.kind] with Content-Type x.content_type and, when set,
  // X-Correlation-Id x.correlation_id.
  observation send(const exchange& x) override;

  // GET `url` (absolute) with Accept: application/json, for the query interface.
  observation get(std::string_view url);

  // Empty when the TLS configuration loaded; else why it did not.
  const std::string& configuration_error() const;

  // Connections opened so far (tests check keep-alive reuse with it).
  std::size_t connections_opened() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace apipnr::harness
