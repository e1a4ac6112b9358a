// A small blocking HTTP/1.1 client for the in-process tests (transport and receiver): raw bytes
// in, parsed responses out, every operation bounded by a deadline so a test can never hang.
// Test-only; not part of the library.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "beast_internal.hpp"

namespace apipnr::transport::testing {

struct reply {
  unsigned status = 0;  // 0 = no response (see ec)
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  bool keep_alive = false;
  boost::system::error_code ec;
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string{} : it->second;
  }
};

struct tls_client_options {
  std::string client_certificate;  // PEM file; empty = no client certificate
  std::string client_key;
};

class client {
 public:
  explicit client(std::uint16_t port, std::optional<tls_client_options> tls = std::nullopt)
      : port_(port), tls_(std::move(tls)), ctx_(boost::asio::ssl::context::tls_client) {
    if (tls_ && !tls_->client_certificate.empty()) {
      boost::system::error_code ec;
      ctx_.use_certificate_chain_file(tls_->client_certificate, ec);
      ctx_.use_private_key_file(tls_->client_key, boost::asio::ssl::context::pem, ec);
    }
    // The tests use self-signed certificates; the client does not verify the server.
    ctx_.set_verify_mode(boost::asio::ssl::verify_none);
    stream_.emplace(ioc_, ctx_);
  }

  // Connects (and handshakes over TLS). Returns the error, empty on success.
  boost::system::error_code connect(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    namespace net = boost::asio;
    boost::system::error_code result = net::error::timed_out;
    auto& tcp = boost::beast::get_lowest_layer(*stream_);
    tcp.expires_after(timeout);
    tcp.async_connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), port_),
                      [this, &result](boost::system::error_code ec) {
                        if (ec || !tls_) {
                          result = ec;
                          return;
                        }
                        stream_->async_handshake(
                            net::ssl::stream_base::client,
                            [&result](boost::system::error_code hec) { result = hec; });
                      });
    run(timeout + std::chrono::milliseconds(500));
    tcp.expires_never();
    return result;
  }

  boost::system::error_code send_raw(std::string_view bytes,
                                     std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    boost::system::error_code result = boost::asio::error::timed_out;
    auto& tcp = boost::beast::get_lowest_layer(*stream_);
    tcp.expires_after(timeout);
    auto done = [&result](boost::system::error_code ec, std::size_t) { result = ec; };
    if (tls_) {
      boost::asio::async_write(*stream_, boost::asio::buffer(bytes.data(), bytes.size()), done);
    } else {
      boost::asio::async_write(tcp, boost::asio::buffer(bytes.data(), bytes.size()), done);
    }
    run(timeout + std::chrono::milliseconds(500));
    tcp.expires_never();
    return result;
  }

  // `head`: the reply answers a HEAD request, so it has no content whatever its
  // Content-Length says.
  reply read(std::chrono::milliseconds timeout = std::chrono::seconds(5), bool head = false) {
    namespace http = boost::beast::http;
    reply r;
    r.ec = boost::asio::error::timed_out;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64u << 20);
    parser.skip(head);
    auto& tcp = boost::beast::get_lowest_layer(*stream_);
    tcp.expires_after(timeout);
    auto done = [&r](boost::system::error_code ec, std::size_t) { r.ec = ec; };
    if (tls_) {
      http::async_read(*stream_, buffer_, parser, done);
    } else {
      http::async_read(tcp, buffer_, parser, done);
    }
    run(timeout + std::chrono::milliseconds(500));
    tcp.expires_never();
    if (!r.ec && parser.is_done()) {
      auto& m = parser.get();
      r.status = m.result_int();
      r.body = m.body();
      r.keep_alive = m.keep_alive();
      for (const auto& f : m) {
        std::string name(f.name_string());
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        r.headers[name] = std::string(f.value());
      }
    }
    return r;
  }

  // Sends a request built from the arguments and reads the reply.
  reply request(std::string_view method, std::string_view target, std::string_view body = {},
                const std::map<std::string, std::string>& headers = {},
                std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    std::string raw;
    raw.append(method).append(" ").append(target).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    for (const auto& [k, v] : headers) raw.append(k).append(": ").append(v).append("\r\n");
    if (!body.empty() || method == "POST") {
      raw.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n");
    }
    raw.append("\r\n").append(body);
    reply r;
    if (auto ec = send_raw(raw, timeout)) {
      r.ec = ec;
      return r;
    }
    return read(timeout);
  }

  // True when the server closes the connection (EOF or reset) within `timeout`.
  bool closed_within(std::chrono::milliseconds timeout) {
    auto r = read(timeout);
    return r.status == 0 && r.ec && r.ec != boost::asio::error::timed_out &&
           r.ec != boost::beast::error::timeout;
  }

 private:
  void run(std::chrono::milliseconds limit) {
    ioc_.restart();
    ioc_.run_for(limit);
  }

  std::uint16_t port_;
  std::optional<tls_client_options> tls_;
  boost::asio::io_context ioc_;
  boost::asio::ssl::context ctx_;
  std::optional<boost::beast::ssl_stream<boost::beast::tcp_stream>> stream_;
  boost::beast::flat_buffer buffer_;
};

}  // namespace apipnr::transport::testing
