// Helpers shared by report_html.cpp and signing.cpp: file I/O without exceptions and SHA-256.
// Kept in their own namespace so that linking next to harness-core (which has its own
// sha256_hex in apipnr::harness) can never clash.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace apipnr::harness::report_internal {

// Whole file as bytes; std::nullopt when it cannot be opened or read.
std::optional<std::string> read_file(const std::filesystem::path& p);
// Writes `bytes` (parent folders created); false with `why` on failure.
bool write_file(const std::filesystem::path& p, std::string_view bytes, std::string& why);
// Parses JSON without throwing; std::nullopt with `why` (line/column) on a syntax error.
std::optional<nlohmann::json> parse_json(std::string_view text, std::string& why);
// RFC 4648 base64 with padding; decode is strict (canonical padding, no whitespace) and
// returns std::nullopt on any other input, so one signature has one spelling.
std::string base64_encode(std::string_view in);
std::optional<std::string> base64_decode(std::string_view in);
// Lower-case hex SHA-256 (OpenSSL EVP); empty only if OpenSSL fails.
std::string sha256_hex(std::string_view bytes);

}  // namespace apipnr::harness::report_internal
