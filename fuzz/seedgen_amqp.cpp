// Writes the seeds of fuzz_receiver_amqp into a directory: encoded AMQP messages as a sender
// puts them on an intake queue (a selector byte first: bit 0 selects the 64-byte body limit).
// Bodies as a data section and as an amqp-value string, an amqp-sequence-like list, a number,
// no body, a body above the small limit; message-ids and correlation-ids of each AMQP type;
// reply-to, subject, content types (own, other, none) and application properties.
// Usage: apipnr-fuzz-seedgen-amqp <directory>
#include <proton/binary.hpp>
#include <proton/codec/vector.hpp>
#include <proton/message.hpp>
#include <proton/message_id.hpp>
#include <proton/uuid.hpp>
#include <proton/value.hpp>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

namespace {

bool write_seed(const std::filesystem::path& dir, const std::string& name, proton::message& m,
                unsigned char selector) {
  std::vector<char> bytes;
  m.encode(bytes);
  bytes.insert(bytes.begin(), static_cast<char>(selector));
  std::FILE* f = std::fopen((dir / (name + ".amqp")).string().c_str(), "wb");
  if (f == nullptr) return false;
  const bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  return std::fclose(f) == 0 && ok;
}

const std::string paxlst =
    "UNA:+.? 'UNB+UNOA:4+XXAIR+GOVRCV+250301:0930+100001++APIS'UNG+PAXLST+XXAIR+GOVRCV+"
    "250301:0930+1+UN+D:05B'UNH+1+PAXLST:D:05B:UN:IATA+XX123/250301/0930+01:F'BGM+745'"
    "UNT+3+1'UNE+1+1'UNZ+1+100001'";

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <directory>\n", argv[0]);
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  bool ok = true;
  {
    proton::message m;
    m.body(proton::binary(paxlst));
    m.id("paxlst-1");
    m.reply_to("/queue/apipnr.replies");
    m.content_type("application/edifact");
    m.subject("PAXLST");
    m.properties().put("carrier", "XX");
    ok = write_seed(dir, "binary_paxlst", m, 0) && ok;
    ok = write_seed(dir, "binary_paxlst_small_limit", m, 1) && ok;
    m.body(paxlst);
    m.id(std::uint64_t{42});
    m.correlation_id(proton::uuid::copy());
    ok = write_seed(dir, "string_paxlst_ulong_id", m, 0) && ok;
  }
  {
    proton::message m;
    m.body(std::vector<proton::value>{proton::value(paxlst), proton::value(std::int32_t{1})});
    m.id(proton::binary(std::string("\x00\xff", 2)));
    m.reply_to("");
    ok = write_seed(dir, "list_body_binary_id", m, 0) && ok;
    m.body(proton::value(std::int64_t{7}));
    m.content_type("text/plain");
    ok = write_seed(dir, "number_body", m, 0) && ok;
  }
  {
    proton::message m;  // no body, no id
    m.reply_to("/queue/x");
    ok = write_seed(dir, "no_body", m, 0) && ok;
    m.body(proton::binary(std::string("<PNR/>")));
    m.content_type("application/xml; charset=utf-8");
    m.correlation_id("c-9");
    ok = write_seed(dir, "xml_body", m, 1) && ok;
    m.correlation_id("");  // an empty string: reads like no correlation id
    ok = write_seed(dir, "empty_string_correlation_id", m, 0) && ok;
  }
  return ok ? 0 : 1;
}
