// The bytes of one HTTP/1.1 response as the server writes them (http_server.cpp), exposed for
// the test that holds the hand-written path to Beast's serializer byte for byte.
#pragma once

#include <string>

#include "apipnr/transport/http_server.hpp"

namespace apipnr::transport::detail {

// Appends to `out` the response the server writes for `r`: status line, Server, Content-Type,
// r.headers in order, Retry-After: 1 for a 503, Connection: close unless `keep_alive`,
// Content-Length, then the body (none when `head`: RFC 9110 9.3.2). Exactly the bytes of
// serialize_with_beast(); a response Beast would rearrange (a header field named like one the
// server sets, a repeated name, a status without content, HEAD) is written through Beast.
// False when Beast's serializer fails (the connection is then closed).
bool serialize_response(const response& r, bool keep_alive, bool head, std::string& out);

// The same through Beast's http::response and serializer: the reference for the test.
bool serialize_with_beast(const response& r, bool keep_alive, bool head, std::string& out);

}  // namespace apipnr::transport::detail
