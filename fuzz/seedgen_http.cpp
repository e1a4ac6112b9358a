// Writes the seeds of fuzz_receiver_http into a directory: real requests as a client writes
// them on one connection. The message-level vectors of at most 4 KiB become POST bodies with
// their endpoint's content type and the bearer token (the endpoint follows the body as in
// fuzz_receiver_intake), and a few hand-written exchanges cover the rest of the session code:
// probes and queries, HEAD, wrong methods and paths, missing or wrong tokens, chunked bodies,
// Expect: 100-continue, pipelining, Connection: close, HTTP/1.0, the header and body limits,
// a malformed request line, an empty body and a wrong content type.
// Usage: apipnr-fuzz-seedgen-http <directory>  (vectors from APIPNR_VECTORS_DIR)
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

namespace {

namespace fs = std::filesystem;

bool write_file(const fs::path& path, const std::string& text) {
  std::FILE* f = std::fopen(path.string().c_str(), "wb");
  if (f == nullptr) return false;
  const bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  return std::fclose(f) == 0 && ok;
}

constexpr std::string_view auth = "Authorization: Bearer fuzz-token\r\n";

std::string post(std::string_view path, std::string_view type, std::string_view body,
                 std::string_view extra = {}) {
  std::string r = "POST " + std::string(path) + " HTTP/1.1\r\nHost: receiver\r\n";
  r += auth;
  r += "Content-Type: " + std::string(type) + "\r\n";
  r += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  r += extra;
  r += "\r\n";
  r += body;
  return r;
}

std::string get(std::string_view method, std::string_view target, bool with_auth = true,
                std::string_view extra = {}) {
  std::string r =
      std::string(method) + " " + std::string(target) + " HTTP/1.1\r\nHost: receiver\r\n";
  if (with_auth) r += auth;
  r += extra;
  r += "\r\n";
  return r;
}

// The endpoint and content type a body goes to (fuzz_receiver_intake's rule).
std::string request_for(const std::string& body) {
  const std::size_t first = body.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && body[first] == '<')
    return post("/v1/pnr/xml", "application/xml", body);
  if (body.find("PNRGOV") != std::string::npos)
    return post("/v1/pnr/edifact", "application/edifact", body);
  if (body.find("IAPI") != std::string::npos || body.find("CUSRES") != std::string::npos)
    return post("/v1/api/iapi", "application/edifact", body);
  return post("/v1/api/paxlst", "application/edifact", body, "Accept: */*\r\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "[apipnr.fuzz.001] usage: apipnr-fuzz-seedgen-http <directory>\n");
    return 2;
  }
  const fs::path dir = argv[1];
  std::vector<std::pair<std::string, std::string>> seeds;
  const std::string paxlst =
      "UNA:+.? 'UNB+UNOA:4+XXAPI:ZZ+PIUTEST:ZZ+250301:0930+1001++APIS'"
      "UNG+PAXLST+XX AIRLINE+PIUTEST+250301:0930+1+UN+D:05B'"
      "UNH+1+PAXLST:D:05B:UN:IATA+XX123/250301/1100+01:F'BGM+745'"
      "NAD+MS+++ANNE SMITH'TDT+20+XX123'LOC+125+LHR'DTM+189:2503011100:201'LOC+87+JFK'"
      "DTM+232:2503011400:201'NAD+FL+++O?'BRIEN:ANNE'ATT+2++F'DTM+329:800101'LOC+22+JFK'"
      "NAT+2+GBR'DOC+P:110:111+PD0000001'DTM+36:300101'LOC+91+GBR'CNT+42:1'UNT+19+1'"
      "UNE+1+1'UNZ+1+1001'";
  seeds.emplace_back("probe_healthz.http", get("GET", "/healthz", false));
  seeds.emplace_back("probe_head_healthz.http", get("HEAD", "/healthz", false));
  seeds.emplace_back("probe_readyz_metrics.http",
                     get("GET", "/readyz", false) + get("HEAD", "/metrics", false));
  seeds.emplace_back("query_message.http", get("GET", "/v1/messages/1"));
  seeds.emplace_back("query_head_message.http", get("HEAD", "/v1/messages/1"));
  seeds.emplace_back("query_message_not_a_number.http", get("GET", "/v1/messages/1x?q=1"));
  seeds.emplace_back("query_flight.http",
                     get("GET", "/v1/flights/XX/123/2025-03-01/travellers") +
                         get("GET", "/v1/flights/XX/123/2025-03-01/status-changes"));
  seeds.emplace_back("query_pnr.http", get("GET", "/v1/pnrs/ABC123"));
  seeds.emplace_back("wrong_method.http", get("DELETE", "/v1/api/paxlst") +
                                              post("/healthz", "text/plain", "x") +
                                              get("PUT", "/v1/messages/1"));
  seeds.emplace_back("unknown_path.http", get("GET", "/nope") + get("GET", "/control/v1/x"));
  seeds.emplace_back("no_token.http", get("GET", "/v1/messages/1", false));
  seeds.emplace_back("wrong_token.http",
                     get("GET", "/v1/messages/1", false, "Authorization: bearer  other \r\n") +
                         get("GET", "/v1/messages/1", false, "Authorization: Basic eDp5\r\n"));
  seeds.emplace_back("intake_paxlst.http", post("/v1/api/paxlst", "application/edifact", paxlst));
  seeds.emplace_back("intake_paxlst_json.http", post("/v1/api/paxlst", "text/plain; charset=utf-8",
                                                     paxlst, "Accept: application/json\r\n"));
  seeds.emplace_back("intake_wrong_type.http", post("/v1/api/paxlst", "application/json", paxlst));
  seeds.emplace_back("intake_empty_body.http", post("/v1/pnr/edifact", "application/edifact", ""));
  seeds.emplace_back("intake_no_length.http",
                     get("POST", "/v1/api/iapi", true, "Content-Type: application/edifact\r\n"));
  {
    std::string chunked = "POST /v1/api/paxlst HTTP/1.1\r\nHost: receiver\r\n" + std::string(auth) +
                          "Content-Type: application/edifact\r\nTransfer-Encoding: chunked\r\n\r\n";
    const std::size_t half = paxlst.size() / 2;
    char size[32];
    std::snprintf(size, sizeof size, "%zx\r\n", half);
    chunked += size + paxlst.substr(0, half) + "\r\n";
    std::snprintf(size, sizeof size, "%zx;ext=1\r\n", paxlst.size() - half);
    chunked += size + paxlst.substr(half) + "\r\n0\r\nX-Trailer: 1\r\n\r\n";
    seeds.emplace_back("intake_chunked.http", chunked);
  }
  seeds.emplace_back("intake_expect_continue.http", post("/v1/api/paxlst", "application/edifact",
                                                         paxlst, "Expect: 100-continue\r\n"));
  seeds.emplace_back("pipelined.http", post("/v1/api/paxlst", "application/edifact", paxlst) +
                                           get("GET", "/v1/messages/1") +
                                           get("GET", "/healthz", false) +
                                           post("/v1/api/paxlst", "application/edifact", paxlst));
  seeds.emplace_back(
      "connection_close.http",
      get("GET", "/healthz", false, "Connection: close\r\n") + get("GET", "/readyz", false));
  seeds.emplace_back("http10.http", "GET /healthz HTTP/1.0\r\n\r\nGET /readyz HTTP/1.0\r\n\r\n");
  seeds.emplace_back("header_too_large.http",
                     get("GET", "/healthz", false, "X-Pad: " + std::string(2100, 'a') + "\r\n"));
  seeds.emplace_back("body_too_large.http",
                     "POST /v1/api/paxlst HTTP/1.1\r\nHost: r\r\n" + std::string(auth) +
                         "Content-Type: application/edifact\r\nContent-Length: 9000\r\n\r\nUNA");
  seeds.emplace_back("malformed_request_line.http", "GET /healthz HTTP/9.9 x\r\n\r\n");
  seeds.emplace_back("cut_off.http",
                     post("/v1/api/paxlst", "application/edifact", paxlst).substr(0, 180));
  {
    std::string many;
    for (int i = 0; i < 9; ++i) many += get("GET", "/healthz", false);
    seeds.emplace_back("over_requests_per_connection.http", many);
  }

  std::size_t n = 0;
  const fs::path vectors = APIPNR_VECTORS_DIR;
  for (const fs::path& sub : {vectors / "edifact" / "messages", vectors / "xml"}) {
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(sub, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (!it->is_regular_file()) continue;
      const auto ext = it->path().extension();
      if (ext == ".json" || ext == ".md" || it->file_size() > 4096) continue;
      std::ifstream in(it->path(), std::ios::binary);
      const std::string body((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
      if (body.empty()) continue;
      seeds.emplace_back("vector_" + std::to_string(++n) + ".http", request_for(body));
    }
  }
  for (const auto& [name, text] : seeds) {
    if (!write_file(dir / name, text)) {
      std::fprintf(stderr, "[apipnr.fuzz.002] cannot write %s/%s\n", dir.string().c_str(),
                   name.c_str());
      return 1;
    }
  }
  return 0;
}
