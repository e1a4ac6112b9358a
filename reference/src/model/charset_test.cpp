#include "apipnr/model/charset.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace apipnr::model {
namespace {

TEST(ModelCharset, SyntaxIdentifiersMapToTheirRepertoire) {
  EXPECT_EQ(charset_of("UNOA"), charset::ascii);
  EXPECT_EQ(charset_of("IATA"), charset::ascii);
  EXPECT_EQ(charset_of("UNOC"), charset::latin1);
  EXPECT_EQ(charset_of("UNOE"), charset::other_8bit);
  EXPECT_EQ(charset_of("UNOY"), charset::utf8);
}

TEST(ModelCharset, Latin1IsConvertedExactly) {
  std::string s = "M\xDCLLER";  // MÜLLER in ISO 8859-1
  EXPECT_EQ(to_utf8(s, charset::latin1), 0u);
  EXPECT_EQ(s, "M\xC3\x9CLLER");
}

TEST(ModelCharset, ValidUtf8IsKeptAndInvalidBytesAreReplacedAndCounted) {
  std::string ok = "M\xC3\x9CLLER";
  EXPECT_EQ(to_utf8(ok, charset::utf8), 0u);
  EXPECT_EQ(ok, "M\xC3\x9CLLER");
  std::string bad =
      "A\xFF"
      "B";
  EXPECT_EQ(to_utf8(bad, charset::utf8), 1u);
  EXPECT_EQ(bad,
            "A\xEF\xBF\xBD"
            "B");
}

TEST(ModelCharset, NonAsciiInAnAsciiRepertoireIsReplacedAndCounted) {
  std::string s = "O\xC9N";
  EXPECT_EQ(to_utf8(s, charset::ascii), 1u);
  EXPECT_EQ(s, "O\xEF\xBF\xBDN");
}

TEST(ModelCharset, EveryStringOfAMessageIsConvertedSoItSerialises) {
  canonical_message m;
  m.message.kind = "api";
  m.message.syntax = "edifact";
  m.message.type = "PAXLST";
  traveller t;
  t.role = "passenger";
  t.surname = "M\xDCLLER";
  t.given_names = "J\xD6RG";
  document d;
  d.type = "P";
  d.number =
      "X\xC9"
      "1";
  t.documents.push_back(d);
  m.travellers.push_back(t);
  // Before conversion nlohmann refuses to serialise the Latin-1 bytes.
  EXPECT_THROW((void)to_json(m).dump(), nlohmann::json::type_error);
  EXPECT_EQ(to_utf8(m, charset::latin1), 0u);
  const auto text = to_json(m).dump();
  EXPECT_NE(text.find("M\xC3\x9CLLER"), std::string::npos);
  EXPECT_NE(text.find("J\xC3\x96RG"), std::string::npos);
}

// is_ascii reads eight bytes at a time: a high byte at every offset of a word, in the tail
// after the last whole word, and in strings shorter than a word must all be seen.
TEST(ModelCharset, IsAsciiSeesAHighByteAtEveryOffset) {
  EXPECT_TRUE(is_ascii(""));
  for (std::size_t size = 1; size <= 40; ++size) {
    const std::string plain(size, 'A');
    EXPECT_TRUE(is_ascii(plain)) << size;
    for (std::size_t at = 0; at < size; ++at) {
      std::string s = plain;
      s[at] = static_cast<char>(at % 2 == 0 ? 0x80 : 0xFF);
      EXPECT_FALSE(is_ascii(s)) << size << " " << at;
    }
  }
  EXPECT_TRUE(is_ascii(std::string_view("\x7F\x00\x01", 3)));
}

}  // namespace
}  // namespace apipnr::model
