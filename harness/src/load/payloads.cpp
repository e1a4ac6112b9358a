// Message sets for load runs: the generator's manifest.jsonl, or one file per kind (load.hpp).
#include <openssl/evp.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "apipnr/harness/load.hpp"

namespace apipnr::harness {

namespace {

std::optional<std::string> read_all(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return std::move(s).str();
}

std::string sha256_hex(std::string_view bytes) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(bytes.data(), bytes.size(), md, &n, EVP_sha256(), nullptr);
  std::string out;
  char b[3];
  for (unsigned i = 0; i < n; ++i) {
    std::snprintf(b, sizeof b, "%02x", md[i]);
    out += b;
  }
  return out;
}

// The generator's kind names (manifest contract) and the harness's own.
std::optional<message_kind> manifest_kind(std::string_view k) {
  if (k == "paxlst") return message_kind::paxlst;
  if (k == "iapi") return message_kind::iapi;
  if (k == "pnr_edifact" || k == "pnrgov_edifact") return message_kind::pnrgov_edifact;
  if (k == "pnr_xml" || k == "pnrgov_xml") return message_kind::pnrgov_xml;
  return std::nullopt;
}

std::string content_type_of(message_kind k) {
  return k == message_kind::pnrgov_xml ? "application/xml" : "application/edifact";
}

}  // namespace

std::optional<std::vector<load_message>> load_message_set(const std::filesystem::path& dir,
                                                          nlohmann::json& generator,
                                                          std::string& error) {
  const auto manifest = dir / "manifest.jsonl";
  std::ifstream in(manifest);
  if (!in) {
    error = "[apipnr.harness.610] cannot read " + manifest.string();
    return std::nullopt;
  }
  if (auto g = read_all(dir / "generator.json")) {
    generator = nlohmann::json::parse(*g, nullptr, false);
    if (generator.is_discarded()) generator = nullptr;
  }
  std::vector<load_message> out;
  std::string line;
  std::size_t line_no = 0;
  auto where = [&] { return manifest.string() + ":" + std::to_string(line_no) + ": "; };
  while (std::getline(in, line)) {
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("file") || !j["file"].is_string() ||
        !j.contains("kind") || !j["kind"].is_string()) {
      error =
          "[apipnr.harness.611] " + where() + "not a manifest entry (JSON object with kind, file)";
      return std::nullopt;
    }
    load_message m;
    const auto kind = manifest_kind(j["kind"].get<std::string>());
    if (!kind) {
      error = "[apipnr.harness.611] " + where() + "unknown kind \"" + j["kind"].get<std::string>() +
              "\"";
      return std::nullopt;
    }
    m.kind = *kind;
    m.content_type = content_type_of(m.kind);
    m.id = j.value("id", std::string{});
    if (m.id.empty()) m.id = j["file"].get<std::string>();
    const std::filesystem::path file = dir / j["file"].get<std::string>();
    auto bytes = read_all(file);
    if (!bytes) {
      error = "[apipnr.harness.612] " + where() + "cannot read " + file.string();
      return std::nullopt;
    }
    m.body = std::move(*bytes);
    if (j.contains("bytes") && j["bytes"].is_number_unsigned() &&
        j["bytes"].get<std::uint64_t>() != m.body.size()) {
      error = "[apipnr.harness.613] " + where() + file.string() + " has " +
              std::to_string(m.body.size()) + " bytes, the manifest says " + j["bytes"].dump();
      return std::nullopt;
    }
    if (j.contains("sha256") && j["sha256"].is_string() &&
        j["sha256"].get<std::string>() != sha256_hex(m.body)) {
      error = "[apipnr.harness.613] " + where() + "SHA-256 of " + file.string() +
              " differs from the manifest";
      return std::nullopt;
    }
    if (j.contains("at_ms") && j["at_ms"].is_number()) {
      const double at = j["at_ms"].get<double>();
      if (at < 0) {
        error = "[apipnr.harness.611] " + where() + "at_ms is negative";
        return std::nullopt;
      }
      m.at = std::chrono::nanoseconds{static_cast<std::int64_t>(at * 1e6)};
    }
    out.push_back(std::move(m));
  }
  if (out.empty()) {
    error = "[apipnr.harness.611] " + manifest.string() + " lists no message";
    return std::nullopt;
  }
  return out;
}

std::optional<load_message> load_payload_file(message_kind kind, const std::filesystem::path& file,
                                              std::string& error) {
  auto bytes = read_all(file);
  if (!bytes || bytes->empty()) {
    error = "[apipnr.harness.614] cannot read a message from " + file.string() +
            (bytes ? " (empty)" : "");
    return std::nullopt;
  }
  load_message m;
  m.id = file.filename().string();
  m.kind = kind;
  m.content_type = content_type_of(kind);
  m.body = std::move(*bytes);
  return m;
}

}  // namespace apipnr::harness

namespace apipnr::harness {

std::optional<interchange_refs> find_interchange_refs(std::string_view b) {
  char element = '+', terminator = '\'', release = '?';
  if (b.size() >= 9 && b.substr(0, 3) == "UNA") {
    element = b[4];
    release = b[6];
    terminator = b[8];
  }
  // The span of element `n` (1-based) of the segment starting at `seg` (its tag).
  auto element_span = [&](std::size_t seg,
                          int n) -> std::optional<std::pair<std::size_t, std::size_t>> {
    std::size_t i = seg + 3;
    int at = 0;
    std::size_t begin = 0;
    for (; i < b.size(); ++i) {
      const char c = b[i];
      if (c == release) {
        ++i;
        continue;
      }
      if (c == element || c == terminator) {
        if (at == n) return std::pair{begin, i};
        if (c == terminator) return std::nullopt;
        ++at;
        begin = i + 1;
      }
    }
    return std::nullopt;
  };
  auto find_segment = [&](std::string_view tag, std::size_t from) -> std::size_t {
    for (std::size_t p = b.find(tag, from); p != std::string_view::npos; p = b.find(tag, p + 1)) {
      if (p + 3 < b.size() && b[p + 3] == element &&
          (p == 0 || b[p - 1] == terminator || b[p - 1] == '\n' || b[p - 1] == '\r'))
        return p;
    }
    return std::string_view::npos;
  };
  const std::size_t unb = find_segment("UNB", 0);
  if (unb == std::string_view::npos) return std::nullopt;
  const auto r1 = element_span(unb, 5);
  if (!r1 || r1->first == r1->second) return std::nullopt;
  const std::size_t unz = find_segment("UNZ", r1->second);
  if (unz == std::string_view::npos) return std::nullopt;
  const auto r2 = element_span(unz, 2);
  if (!r2 || r2->first == r2->second) return std::nullopt;
  return interchange_refs{r1->first, r1->second, r2->first, r2->second};
}

std::string unique_ref(std::string_view tag, std::uint64_t seq) {
  // Three tag characters and eleven digits: an..14 (ISO 9735 0020), unique within a run and,
  // through the tag, across runs against the same store.
  char digits[16];
  std::snprintf(digits, sizeof digits, "%011llu",
                static_cast<unsigned long long>(seq % 100000000000ULL));
  std::string out(tag.substr(0, 3));
  while (out.size() < 3) out += 'X';
  return out + digits;
}

}  // namespace apipnr::harness
