#include "apipnr/harness/target.hpp"
#include "apipnr/harness/transport_http.hpp"

namespace apipnr::harness {

// Kept apart from http_transport.cpp (Beast) so that the mapping from a target file to HTTP
// options is one small definition that the run, query and control clients share.
http_options http_options_for(const target& t) {
  http_options h;
  if (t.auth.kind == auth_kind::bearer) h.bearer_token = t.auth.token;
  if (t.auth.kind == auth_kind::basic) {
    h.basic_user = t.auth.username;
    h.basic_password = t.auth.password;
  }
  h.ca_file = t.tls.ca_file;
  h.client_cert_file = t.tls.client_cert;
  h.client_key_file = t.tls.client_key;
  h.verify_peer = !t.tls.insecure_skip_verify;
  h.server_name = t.tls.server_name;
  h.connect_timeout = t.timeouts.connect;
  h.response_timeout = t.timeouts.response;
  h.response_timeout_per_kind = t.timeouts.response_per_kind;
  return h;
}

}  // namespace apipnr::harness
