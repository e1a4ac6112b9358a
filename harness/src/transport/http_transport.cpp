#include "apipnr/harness/transport_http.hpp"

#include <openssl/ssl.h>

#include <cctype>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>

#include "beast_internal.hpp"

namespace apipnr::harness {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using error_code = beast::error_code;
using steady = std::chrono::steady_clock;

std::string lowered(std::string_view s) {
  std::string r(s);
  for (char& c : r) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return r;
}

std::string base64(std::string_view in) {
  static constexpr char table[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const auto n = (static_cast<std::uint32_t>(static_cast<unsigned char>(in[i])) << 16U) |
                   (static_cast<std::uint32_t>(static_cast<unsigned char>(in[i + 1])) << 8U) |
                   static_cast<unsigned char>(in[i + 2]);
    out += table[(n >> 18U) & 63U];
    out += table[(n >> 12U) & 63U];
    out += table[(n >> 6U) & 63U];
    out += table[n & 63U];
  }
  if (i < in.size()) {
    auto n = static_cast<std::uint32_t>(static_cast<unsigned char>(in[i])) << 16U;
    if (i + 1 < in.size())
      n |= static_cast<std::uint32_t>(static_cast<unsigned char>(in[i + 1])) << 8U;
    out += table[(n >> 18U) & 63U];
    out += table[(n >> 12U) & 63U];
    out += i + 1 < in.size() ? table[(n >> 6U) & 63U] : '=';
    out += '=';
  }
  return out;
}

bool is_ip_literal(const std::string& host) {
  error_code ec;
  (void)net::ip::make_address(host, ec);
  return !ec;
}

// Errors that mean "the peer closed or reset the socket", the signature of a stale kept-alive
// connection when nothing of the response has arrived yet.
bool is_closed_by_peer(const error_code& ec) {
  return ec == http::error::end_of_stream || ec == net::error::eof ||
         ec == net::error::connection_reset || ec == net::error::broken_pipe ||
         ec == ssl::error::stream_truncated;
}

// The first bytes of an answer that failed, as evidence (printable ASCII; \" \\ \r \n \t and
// \xNN for the rest), so that a report shows what the endpoint sent instead of only why it
// was refused.
std::string escaped(std::string_view bytes) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() + 16);
  for (const char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += ch;
    } else if (ch == '\r') {
      out += "\\r";
    } else if (ch == '\n') {
      out += "\\n";
    } else if (ch == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c >= 0x7F) {
      out += "\\x";
      out += hex[c >> 4U];
      out += hex[c & 15U];
    } else {
      out += ch;
    }
  }
  return out;
}

}  // namespace

std::optional<http_url> parse_http_url(std::string_view url) {
  http_url u;
  if (url.rfind("http://", 0) == 0) {
    url.remove_prefix(7);
  } else if (url.rfind("https://", 0) == 0) {
    u.tls = true;
    url.remove_prefix(8);
  } else {
    return std::nullopt;
  }
  const auto slash = url.find_first_of("/?");
  std::string_view authority = url.substr(0, slash);
  std::string_view rest = slash == std::string_view::npos ? std::string_view{} : url.substr(slash);
  if (authority.empty() || authority.find('@') != std::string_view::npos ||
      url.find('#') != std::string_view::npos) {
    return std::nullopt;
  }
  std::string_view port;
  if (authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    u.host = std::string(authority.substr(1, close - 1));
    const auto after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return std::nullopt;
      port = after.substr(1);
    }
  } else {
    const auto colon = authority.rfind(':');
    u.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (u.host.empty()) return std::nullopt;
  if (port.empty()) {
    u.port = u.tls ? "443" : "80";
  } else {
    if (port.size() > 5) return std::nullopt;
    for (char c : port) {
      if (c < '0' || c > '9') return std::nullopt;
    }
    if (std::stoul(std::string(port)) > 65535) return std::nullopt;
    u.port = std::string(port);
  }
  u.target = rest.empty() ? "/" : std::string(rest);
  if (u.target.front() == '?') u.target.insert(0, "/");
  return u;
}

struct http_transport::impl {
  explicit impl(http_options o) : options(std::move(o)), tls(ssl::context::tls_client) {
    error_code ec;
    tls.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                        ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1,
                    ec);
    if (!options.ca_file.empty()) {
      tls.load_verify_file(options.ca_file, ec);
      if (ec)
        config_error =
            "HTR-HTTP-CONFIG: cannot load CA file " + options.ca_file + ": " + ec.message();
    } else {
      tls.set_default_verify_paths(ec);
    }
    if (config_error.empty() && !options.client_cert_file.empty()) {
      tls.use_certificate_chain_file(options.client_cert_file, ec);
      if (!ec) tls.use_private_key_file(options.client_key_file, ssl::context::pem, ec);
      if (ec) config_error = "HTR-HTTP-CONFIG: cannot load client certificate/key: " + ec.message();
    }
    tls.set_verify_mode(options.verify_peer ? ssl::verify_peer : ssl::verify_none, ec);
  }

  http_options options;
  std::string config_error;
  net::io_context ioc;
  ssl::context tls;
  // The kept-alive connection: exactly one of the two streams is engaged, for `key`.
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> secure;
  std::string key;
  beast::flat_buffer buffer;
  std::size_t opened = 0;

  static constexpr std::size_t read_chunk = 16384;
  static constexpr std::size_t evidence_bytes = 256;
  static constexpr int max_interim_answers = 16;

  beast::tcp_stream& lowest() { return plain ? *plain : beast::get_lowest_layer(*secure); }

  void close() {
    if (plain || secure) {
      error_code ignored;
      lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
      lowest().socket().close(ignored);
    }
    plain.reset();
    secure.reset();
    key.clear();
    buffer.clear();
  }

  // Runs the io_context until the one started operation completes. Deadlines are carried by
  // the tcp_stream timers (expires_after) and the resolve timer, so run() always returns.
  template <class Start>
  error_code run(Start&& start) {
    error_code result = net::error::would_block;
    std::forward<Start>(start)([&result](error_code ec, auto&&...) { result = ec; });
    ioc.restart();
    ioc.run();
    return result;
  }

  // Opens a connection to `u`; fills `o` (endpoint_down / timeout / transport_error) and
  // returns false when it could not.
  bool connect(const http_url& u, observation& o) {
    close();
    tcp::resolver resolver(ioc);
    tcp::resolver::results_type results;
    net::steady_timer guard(ioc);
    guard.expires_after(options.connect_timeout);
    bool resolve_timed_out = false;
    guard.async_wait([&](error_code ec) {
      if (!ec) {
        resolve_timed_out = true;
        resolver.cancel();
      }
    });
    error_code ec = run([&](auto handler) {
      resolver.async_resolve(
          u.host, u.port,
          [&results, &guard, handler](error_code e, tcp::resolver::results_type r) mutable {
            guard.cancel();
            results = std::move(r);
            handler(e);
          });
    });
    if (ec) {
      o.outcome = resolve_timed_out ? transport_outcome::timeout : transport_outcome::endpoint_down;
      o.error = "HTR-HTTP-RESOLVE: resolve " + u.host + ": " +
                (resolve_timed_out ? "timed out" : ec.message());
      return false;
    }
    beast::tcp_stream stream(ioc);
    stream.expires_after(options.connect_timeout);
    ec = run([&](auto handler) { stream.async_connect(results, handler); });
    if (ec) {
      o.outcome = ec == beast::error::timeout ? transport_outcome::timeout
                                              : transport_outcome::endpoint_down;
      o.error = "HTR-HTTP-CONNECT: connect " + u.host + ":" + u.port + ": " + ec.message();
      return false;
    }
    ++opened;
    if (!u.tls) {
      plain.emplace(std::move(stream));
    } else {
      secure.emplace(std::move(stream), tls);
      const std::string& tls_name = options.server_name.empty() ? u.host : options.server_name;
      if (!is_ip_literal(tls_name)) {
        // SNI; IP literals must not be sent as server names (RFC 6066 §3).
        // (SSL_set_tlsext_host_name is a macro with a C cast; this is its expansion.)
        SSL_ctrl(secure->native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                 const_cast<char*>(tls_name.c_str()));
      }
      if (options.verify_peer) {
        secure->set_verify_callback(ssl::host_name_verification(tls_name), ec);
      }
      beast::get_lowest_layer(*secure).expires_after(options.connect_timeout);
      ec = run([&](auto handler) { secure->async_handshake(ssl::stream_base::client, handler); });
      if (ec) {
        o.outcome = ec == beast::error::timeout ? transport_outcome::timeout
                                                : transport_outcome::transport_error;
        o.error = "HTR-HTTP-TLS: TLS handshake with " + u.host + ":" + u.port + ": " + ec.message();
        close();
        return false;
      }
    }
    key = std::string(u.tls ? "https://" : "http://") + u.host + ":" + u.port;
    return true;
  }

  template <class Op>
  error_code on_stream(Op&& op) {
    if (plain) return run([&](auto handler) { op(*plain, handler); });
    return run([&](auto handler) { op(*secure, handler); });
  }

  // Bytes already received on the idle kept-alive connection (left in the buffer, or in the
  // socket). A closed socket reads as nothing here; the write/read retry handles it.
  bool idle_bytes_waiting() {
    if (buffer.size() != 0) return true;
    error_code ec;
    const auto n = lowest().socket().available(ec);
    return !ec && n != 0;
  }

  // Reads into `parser` until it holds a complete answer, from the bytes left in `buffer` and
  // then from the stream (under the deadline set on it); counts the bytes read into `received`
  // and keeps the first evidence_bytes of them in `head`. Errors as http::async_read gives
  // them (end_of_stream when the peer closed before any byte of this answer).
  //
  // The header goes to the parser only once its empty line is in the buffer (or the header
  // cap's worth of bytes, or the end of the stream): Beast checks the start line at once when
  // it gets enough bytes in one piece but only at the empty line when they come in small
  // pieces, so garbage read at once was "bad version" (HTR-HTTP-MALFORMED) and the same bytes
  // trickled were "closed inside the response" (HTR-HTTP-CLOSED). Handed over whole, the
  // header gives the same answer however the bytes were split into reads.
  error_code read_answer(http::response_parser<http::string_body>& parser, std::size_t& received,
                         std::string& head) {
    std::size_t scanned = 0;  // bytes of the buffer searched for the header's end
    auto header_in_buffer = [&] {
      const auto data = buffer.cdata();
      const std::string_view b(static_cast<const char*>(data.data()), data.size());
      if (b.size() >= options.max_header_bytes) return true;
      const std::size_t from = scanned < 3 ? 0 : scanned - 3;
      scanned = b.size();
      return b.find("\r\n\r\n", from) != std::string_view::npos;
    };
    for (;;) {
      if (buffer.size() != 0 && (parser.is_header_done() || header_in_buffer())) {
        error_code ec;
        const std::size_t used = parser.put(buffer.data(), ec);
        buffer.consume(used);
        if (parser.is_done()) return {};
        if (ec && ec != http::error::need_more) return ec;
        if (!ec && used != 0) continue;
      }
      std::size_t n = 0;
      const auto space = buffer.prepare(read_chunk);
      error_code ec = on_stream([&](auto& s, auto handler) {
        s.async_read_some(space, [&n, handler](error_code e, std::size_t k) mutable {
          n = k;
          handler(e);
        });
      });
      buffer.commit(n);
      received += n;
      if (head.size() < evidence_bytes) {
        const auto data = buffer.cdata();
        const std::string_view got(static_cast<const char*>(data.data()) + (data.size() - n), n);
        head.append(got.substr(0, evidence_bytes - head.size()));
      }
      if (n != 0) continue;  // parse what came, even when the read also ended with an error
      if (ec == net::error::eof || ec == ssl::error::stream_truncated) {
        if (received == 0) return http::error::end_of_stream;
        if (!parser.is_header_done() && buffer.size() != 0) {
          // A header without its empty line: what Beast makes of it as it is.
          error_code bad;
          buffer.consume(parser.put(buffer.data(), bad));
          if (parser.is_done()) return {};
          if (bad && bad != http::error::need_more) return bad;
        }
        if (!parser.got_some()) return http::error::partial_message;
        error_code eof;
        parser.put_eof(eof);
        return eof;
      }
      if (ec) return ec;
    }
  }

  observation request(http::verb method, const std::string& url, const std::string& body,
                      const std::string& content_type, const std::string& correlation_id,
                      std::chrono::milliseconds response_timeout) {
    observation o;
    o.sent_at = std::chrono::system_clock::now();
    const auto started = steady::now();
    auto done = [&]() -> observation {
      o.latency = steady::now() - started;
      return std::move(o);
    };
    if (!config_error.empty()) {
      o.outcome = transport_outcome::transport_error;
      o.error = config_error;
      return done();
    }
    const auto u = parse_http_url(url);
    if (!u) {
      o.outcome = transport_outcome::transport_error;
      o.error = "HTR-HTTP-CONFIG: not an http(s) URL: '" + url + "'";
      return done();
    }

    http::request<http::string_body> req{method, u->target, 11};
    const bool default_port = u->port == (u->tls ? "443" : "80");
    const std::string host = u->host.find(':') != std::string::npos ? "[" + u->host + "]" : u->host;
    req.set(http::field::host, default_port ? host : host + ":" + u->port);
    req.set(http::field::user_agent, "apipnr-harness");
    req.keep_alive(true);
    if (method == http::verb::post) {
      req.set(http::field::content_type,
              content_type.empty() ? std::string("application/edifact") : content_type);
      req.body() = body;
    } else {
      req.set(http::field::accept, "application/json");
    }
    if (!correlation_id.empty()) req.set("X-Correlation-Id", correlation_id);
    if (!options.bearer_token.empty()) {
      req.set(http::field::authorization, "Bearer " + options.bearer_token);
    } else if (!options.basic_user.empty()) {
      req.set(http::field::authorization,
              "Basic " + base64(options.basic_user + ":" + options.basic_password));
    }
    for (const auto& [name, value] : options.extra_headers) req.set(name, value);
    req.prepare_payload();

    const std::string wanted =
        std::string(u->tls ? "https://" : "http://") + u->host + ":" + u->port;
    for (int attempt = 0; attempt < 2; ++attempt) {
      bool reused = (plain || secure) && key == wanted;
      if (reused && idle_bytes_waiting()) {
        close();  // bytes nobody asked for arrived while idle: they would pass for the answer
        reused = false;
      }
      if (!reused && !connect(*u, o)) return done();

      lowest().expires_after(options.write_timeout);
      error_code ec = on_stream([&](auto& s, auto handler) { http::async_write(s, req, handler); });
      if (ec) {
        close();
        if (reused && is_closed_by_peer(ec)) continue;  // stale kept-alive socket
        o.outcome = ec == beast::error::timeout ? transport_outcome::timeout
                                                : transport_outcome::transport_error;
        o.error = "HTR-HTTP-WRITE: write: " + ec.message();
        return done();
      }

      // What arrived for this request: counted, and its beginning kept as evidence.
      std::size_t received = 0;
      std::string head;
      std::optional<http::response_parser<http::string_body>> parser;
      auto fresh_parser = [&] {
        parser.emplace();
        parser->eager(true);
        parser->body_limit(options.max_response_bytes);
        parser->header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(
            options.max_header_bytes, std::numeric_limits<std::uint32_t>::max())));
      };
      fresh_parser();
      int interim = 0;
      std::string refusal;  // a complete answer this client cannot take (status, protocol switch)
      lowest().expires_after(response_timeout);
      for (;;) {
        ec = read_answer(*parser, received, head);
        if (ec) break;
        const unsigned status = parser->get().result_int();
        // Interim answers (1xx) come before the final one and are read past (RFC 9110 15.2:
        // a client parses them even unasked); 101 switches protocols, which was not asked for.
        if (status >= 100 && status < 200 && status != 101) {
          if (++interim > max_interim_answers) {
            refusal = "more than " + std::to_string(max_interim_answers) +
                      " interim (1xx) answers before the final one";
            break;
          }
          fresh_parser();
          continue;
        }
        if (status == 101) {
          refusal = "101 Switching Protocols to a request that asked for no protocol switch";
        } else if (status < 200 || status > 599) {
          // RFC 9110 15: a status code is 100..599. Beast reads any three digits; 000 would be
          // taken for "no HTTP status" (AMQP) by classify().
          refusal = "status code " + std::to_string(status) + " is outside 100..599";
        }
        break;
      }
      if (parser->is_header_done()) {
        const auto& h = parser->get();
        o.http_status = static_cast<int>(h.result_int());
        for (const auto& f : h) o.headers[lowered(f.name_string())] = std::string(f.value());
        if (auto it = o.headers.find("content-type"); it != o.headers.end())
          o.content_type = it->second;
      }
      auto evidence = [&] {
        if (received == 0) return std::string();
        return "; received " + std::to_string(received) + " bytes: \"" + escaped(head) + "\"" +
               (received > head.size() ? "..." : "");
      };
      if (!refusal.empty()) {
        close();
        o.outcome = transport_outcome::transport_error;
        o.error = "HTR-HTTP-MALFORMED: " + refusal + evidence();
        return done();
      }
      if (ec) {
        const bool nothing = received == 0;
        close();
        if (reused && nothing && is_closed_by_peer(ec)) {
          o = observation{};
          o.sent_at = std::chrono::system_clock::now();
          continue;
        }
        if (ec == beast::error::timeout) {
          o.outcome = transport_outcome::timeout;
          o.error = "HTR-HTTP-TIMEOUT: no complete response within " +
                    std::to_string(response_timeout.count()) + " ms";
        } else if (ec == http::error::body_limit) {
          o.outcome = transport_outcome::transport_error;
          o.error = "HTR-HTTP-BODY-CAP: response body larger than the cap of " +
                    std::to_string(options.max_response_bytes) + " bytes";
        } else if (ec == http::error::header_limit) {
          o.outcome = transport_outcome::transport_error;
          o.error = "HTR-HTTP-HEADER-CAP: response header larger than the cap of " +
                    std::to_string(options.max_header_bytes) + " bytes";
        } else if (ec == http::error::partial_message || is_closed_by_peer(ec)) {
          o.outcome = transport_outcome::transport_error;
          o.error =
              std::string(nothing ? "HTR-HTTP-CLOSED: connection closed before a response"
                                  : "HTR-HTTP-CLOSED: connection closed inside the response") +
              " (" + ec.message() + ")";
        } else {
          o.outcome = transport_outcome::transport_error;
          o.error = "HTR-HTTP-MALFORMED: read: " + ec.message();
        }
        o.error += evidence();
        return done();
      }
      o.body = std::move(parser->get().body());
      // Bytes after the final answer answer nothing this client asked (a second answer, or
      // garbage): were the connection kept, the next request would read them as its answer.
      // The parser's keep_alive(), not the message's: an answer whose body ran to the close
      // leaves no connection to reuse, whatever its Connection header says.
      if (!parser->keep_alive() || buffer.size() != 0) close();
      o.outcome = transport_outcome::completed;
      return done();
    }
    // Only reached when a fresh connection also failed as "closed by peer" on the retry path,
    // which the loop turns into an error above; kept for completeness.
    o.outcome = transport_outcome::transport_error;
    o.error = "HTR-HTTP-CLOSED: connection closed by the server twice";
    return done();
  }
};

http_transport::http_transport(http_options options)
    : impl_(std::make_unique<impl>(std::move(options))) {}

http_transport::~http_transport() { impl_->close(); }

observation http_transport::send(const exchange& x) {
  const auto it = impl_->options.urls.find(x.kind);
  if (it == impl_->options.urls.end()) {
    observation o;
    o.outcome = transport_outcome::transport_error;
    o.error = "HTR-HTTP-CONFIG: no URL configured for this message kind";
    return o;
  }
  const auto& per_kind = impl_->options.response_timeout_per_kind;
  const auto t = per_kind.find(x.kind);
  return impl_->request(http::verb::post, it->second, x.body, x.content_type, x.correlation_id,
                        t == per_kind.end() ? impl_->options.response_timeout : t->second);
}

observation http_transport::get(std::string_view url) {
  return impl_->request(http::verb::get, std::string(url), {}, {}, {},
                        impl_->options.response_timeout);
}

const std::string& http_transport::configuration_error() const { return impl_->config_error; }

std::size_t http_transport::connections_opened() const { return impl_->opened; }

}  // namespace apipnr::harness
