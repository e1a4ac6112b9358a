#include "apipnr/iapi/normalise.hpp"

#include <array>
#include <cstdint>

#include "apipnr/model/dates.hpp"

namespace apipnr::iapi {
namespace {

// U+00C0..U+00FF. Doc 9303 Part 3 transliterations; × and ÷ separate words.
constexpr std::array<std::string_view, 64> latin1{
    "A", "A", "A", "A", "AE", "AA", "AE", "C", "E",  "E", "E", "E", "I",  "I", "I",  "I",
    "D", "N", "O", "O", "O",  "O",  "OE", "",  "OE", "U", "U", "U", "UE", "Y", "TH", "SS",
    "A", "A", "A", "A", "AE", "AA", "AE", "C", "E",  "E", "E", "E", "I",  "I", "I",  "I",
    "D", "N", "O", "O", "O",  "O",  "OE", "",  "OE", "U", "U", "U", "UE", "Y", "TH", "Y"};

// U+0100..U+017F (Latin Extended-A), upper and lower case alike.
constexpr std::array<std::string_view, 128> latin_ext_a{
    "A", "A", "A",  "A",  "A", "A", "C", "C", "C", "C", "C", "C", "C", "C", "D", "D",
    "D", "D", "E",  "E",  "E", "E", "E", "E", "E", "E", "E", "E", "G", "G", "G", "G",
    "G", "G", "G",  "G",  "H", "H", "H", "H", "I", "I", "I", "I", "I", "I", "I", "I",
    "I", "I", "IJ", "IJ", "J", "J", "K", "K", "K", "L", "L", "L", "L", "L", "L", "L",
    "L", "L", "L",  "N",  "N", "N", "N", "N", "N", "N", "N", "N", "O", "O", "O", "O",
    "O", "O", "OE", "OE", "R", "R", "R", "R", "R", "R", "S", "S", "S", "S", "S", "S",
    "S", "S", "T",  "T",  "T", "T", "T", "T", "U", "U", "U", "U", "U", "U", "U", "U",
    "U", "U", "U",  "U",  "W", "W", "Y", "Y", "Y", "Z", "Z", "Z", "Z", "Z", "Z", "S"};

// Decodes one code point at `i` and advances `i`. A byte that does not start a well-formed
// UTF-8 sequence is taken as Latin-1, because UNOC (ISO 8859-1) senders exist and a list must
// not silently fail to match them.
char32_t next_code_point(std::string_view s, std::size_t& i) noexcept {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  std::size_t len = 0;
  char32_t cp = 0;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2;
    cp = b0 & 0x1F;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3;
    cp = b0 & 0x0F;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4;
    cp = b0 & 0x07;
  }
  if (len == 0 || i + len > s.size()) {
    ++i;
    return b0;
  }
  for (std::size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) {
      ++i;
      return b0;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  // Overlong forms are not UTF-8 either; read the lead byte as Latin-1.
  if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000)) {
    ++i;
    return b0;
  }
  i += len;
  return cp;
}

// The upper-case A-Z / 0-9 spelling of one code point; empty for a word separator.
std::string_view transliterate(char32_t cp, char (&ascii)[2]) noexcept {
  if (cp < 0x80) {
    auto c = static_cast<char>(cp);
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
      ascii[0] = c;
      return {ascii, 1};
    }
    return {};
  }
  if (cp >= 0xC0 && cp <= 0xFF) return latin1[cp - 0xC0];
  if (cp >= 0x100 && cp <= 0x17F) return latin_ext_a[cp - 0x100];
  switch (cp) {
    case 0x218:  // Ș
    case 0x219:
      return "S";
    case 0x21A:  // Ț
    case 0x21B:
      return "T";
    case 0x1E9E:  // capital sharp s
      return "SS";
    default:
      return {};
  }
}

bool is_title(std::string_view w) noexcept {
  return w == "MR" || w == "MRS" || w == "MS" || w == "MISS" || w == "DR";
}

}  // namespace

std::string name_key(std::string_view utf8_name) {
  // The words joined by single spaces in one string: a transliteration is A-Z / 0-9 only, so a
  // space in `key` can only be a word boundary. One string instead of a vector of words (a
  // key is built three times per iAPI traveller).
  std::string key;
  key.reserve(utf8_name.size());
  bool boundary = false;
  for (std::size_t i = 0; i < utf8_name.size();) {
    char ascii[2];
    const std::string_view t = transliterate(next_code_point(utf8_name, i), ascii);
    if (t.empty()) {
      boundary = !key.empty();
      continue;
    }
    if (boundary) key += ' ';
    boundary = false;
    key += t;
  }
  // Titles are dropped only at the ends and never down to nothing: "DR" alone may be a name.
  std::string_view words(key);
  for (auto sp = words.find(' '); sp != std::string_view::npos && is_title(words.substr(0, sp));
       sp = words.find(' ')) {
    words.remove_prefix(sp + 1);
  }
  for (auto sp = words.rfind(' '); sp != std::string_view::npos && is_title(words.substr(sp + 1));
       sp = words.rfind(' ')) {
    words.remove_suffix(words.size() - sp);
  }
  // The kept words without their separators, compacted in place.
  const auto begin = static_cast<std::size_t>(words.data() - key.data());
  std::size_t out = 0;
  for (std::size_t k = begin; k < begin + words.size(); ++k) {
    if (key[k] != ' ') key[out++] = key[k];
  }
  key.resize(out);
  return key;
}

std::string document_key(std::string_view number) {
  std::string key;
  key.reserve(number.size());
  for (char c : number) {
    if (c == ' ' || c == '-' || c == '<') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    key += c;
  }
  return key;
}

std::optional<std::string> state_code(std::string_view state) {
  std::string s;
  for (char c : state) {
    if (c == '<') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    s += c;
  }
  // Doc 9303 Part 3 gives Germany the one-letter code D (filled "D<<" in the MRZ).
  if (s == "D") return std::string("DEU");
  if (s.size() != 3) return std::nullopt;
  for (char c : s)
    if (c < 'A' || c > 'Z') return std::nullopt;
  return s;
}

bool is_iso_date(std::string_view s) noexcept {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u})
    if (s[i] < '0' || s[i] > '9') return false;
  const int year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
  const auto month = static_cast<unsigned>((s[5] - '0') * 10 + (s[6] - '0'));
  const auto day = static_cast<unsigned>((s[8] - '0') * 10 + (s[9] - '0'));
  return model::is_valid_date(year, month, day);
}

}  // namespace apipnr::iapi
