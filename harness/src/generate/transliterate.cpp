// MRZ transliteration of synthetic names (generate.hpp). The table is ours, written from the
// conventions ICAO Doc 9303 Part 3 describes for the machine-readable zone: national
// diacritic expansions for Latin letters, one fixed Latin spelling per Cyrillic and Greek
// letter. Output is upper-case A-Z with single spaces, what a PAXLST NAD or a PNRGOV TIF
// carries after check-in systems read a passport.
#include <algorithm>
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "apipnr/harness/generate.hpp"

namespace apipnr::harness::generate {
namespace {

struct entry {
  char32_t cp;
  const char* latin;
};

// Sorted by code point (checked by a unit test through the public function). Lower-case
// letters map like their capitals. Letters of Doc 9303's "recommended transliteration" with
// two Latin letters are the national spellings (German, Scandinavian, Hungarian).
constexpr entry table[] = {
    // Latin-1 Supplement
    {0x00C0, "A"},
    {0x00C1, "A"},
    {0x00C2, "A"},
    {0x00C3, "A"},
    {0x00C4, "AE"},
    {0x00C5, "AA"},
    {0x00C6, "AE"},
    {0x00C7, "C"},
    {0x00C8, "E"},
    {0x00C9, "E"},
    {0x00CA, "E"},
    {0x00CB, "E"},
    {0x00CC, "I"},
    {0x00CD, "I"},
    {0x00CE, "I"},
    {0x00CF, "I"},
    {0x00D0, "D"},
    {0x00D1, "N"},
    {0x00D2, "O"},
    {0x00D3, "O"},
    {0x00D4, "O"},
    {0x00D5, "O"},
    {0x00D6, "OE"},
    {0x00D8, "OE"},
    {0x00D9, "U"},
    {0x00DA, "U"},
    {0x00DB, "U"},
    {0x00DC, "UE"},
    {0x00DD, "Y"},
    {0x00DE, "TH"},
    {0x00DF, "SS"},
    {0x00E0, "A"},
    {0x00E1, "A"},
    {0x00E2, "A"},
    {0x00E3, "A"},
    {0x00E4, "AE"},
    {0x00E5, "AA"},
    {0x00E6, "AE"},
    {0x00E7, "C"},
    {0x00E8, "E"},
    {0x00E9, "E"},
    {0x00EA, "E"},
    {0x00EB, "E"},
    {0x00EC, "I"},
    {0x00ED, "I"},
    {0x00EE, "I"},
    {0x00EF, "I"},
    {0x00F0, "D"},
    {0x00F1, "N"},
    {0x00F2, "O"},
    {0x00F3, "O"},
    {0x00F4, "O"},
    {0x00F5, "O"},
    {0x00F6, "OE"},
    {0x00F8, "OE"},
    {0x00F9, "U"},
    {0x00FA, "U"},
    {0x00FB, "U"},
    {0x00FC, "UE"},
    {0x00FD, "Y"},
    {0x00FE, "TH"},
    {0x00FF, "Y"},
    // Latin Extended-A
    {0x0100, "A"},
    {0x0101, "A"},
    {0x0102, "A"},
    {0x0103, "A"},
    {0x0104, "A"},
    {0x0105, "A"},
    {0x0106, "C"},
    {0x0107, "C"},
    {0x0108, "C"},
    {0x0109, "C"},
    {0x010A, "C"},
    {0x010B, "C"},
    {0x010C, "C"},
    {0x010D, "C"},
    {0x010E, "D"},
    {0x010F, "D"},
    {0x0110, "D"},
    {0x0111, "D"},
    {0x0112, "E"},
    {0x0113, "E"},
    {0x0114, "E"},
    {0x0115, "E"},
    {0x0116, "E"},
    {0x0117, "E"},
    {0x0118, "E"},
    {0x0119, "E"},
    {0x011A, "E"},
    {0x011B, "E"},
    {0x011C, "G"},
    {0x011D, "G"},
    {0x011E, "G"},
    {0x011F, "G"},
    {0x0120, "G"},
    {0x0121, "G"},
    {0x0122, "G"},
    {0x0123, "G"},
    {0x0124, "H"},
    {0x0125, "H"},
    {0x0126, "H"},
    {0x0127, "H"},
    {0x0128, "I"},
    {0x0129, "I"},
    {0x012A, "I"},
    {0x012B, "I"},
    {0x012C, "I"},
    {0x012D, "I"},
    {0x012E, "I"},
    {0x012F, "I"},
    {0x0130, "I"},
    {0x0131, "I"},
    {0x0132, "IJ"},
    {0x0133, "IJ"},
    {0x0134, "J"},
    {0x0135, "J"},
    {0x0136, "K"},
    {0x0137, "K"},
    {0x0139, "L"},
    {0x013A, "L"},
    {0x013B, "L"},
    {0x013C, "L"},
    {0x013D, "L"},
    {0x013E, "L"},
    {0x013F, "L"},
    {0x0140, "L"},
    {0x0141, "L"},
    {0x0142, "L"},
    {0x0143, "N"},
    {0x0144, "N"},
    {0x0145, "N"},
    {0x0146, "N"},
    {0x0147, "N"},
    {0x0148, "N"},
    {0x014A, "N"},
    {0x014B, "N"},
    {0x014C, "O"},
    {0x014D, "O"},
    {0x014E, "O"},
    {0x014F, "O"},
    {0x0150, "OE"},
    {0x0151, "OE"},
    {0x0152, "OE"},
    {0x0153, "OE"},
    {0x0154, "R"},
    {0x0155, "R"},
    {0x0156, "R"},
    {0x0157, "R"},
    {0x0158, "R"},
    {0x0159, "R"},
    {0x015A, "S"},
    {0x015B, "S"},
    {0x015C, "S"},
    {0x015D, "S"},
    {0x015E, "S"},
    {0x015F, "S"},
    {0x0160, "S"},
    {0x0161, "S"},
    {0x0162, "T"},
    {0x0163, "T"},
    {0x0164, "T"},
    {0x0165, "T"},
    {0x0166, "T"},
    {0x0167, "T"},
    {0x0168, "U"},
    {0x0169, "U"},
    {0x016A, "U"},
    {0x016B, "U"},
    {0x016C, "U"},
    {0x016D, "U"},
    {0x016E, "U"},
    {0x016F, "U"},
    {0x0170, "UE"},
    {0x0171, "UE"},
    {0x0172, "U"},
    {0x0173, "U"},
    {0x0174, "W"},
    {0x0175, "W"},
    {0x0176, "Y"},
    {0x0177, "Y"},
    {0x0178, "Y"},
    {0x0179, "Z"},
    {0x017A, "Z"},
    {0x017B, "Z"},
    {0x017C, "Z"},
    {0x017D, "Z"},
    {0x017E, "Z"},
    // Latin Extended-B: Vietnamese horned letters, Romanian comma-below
    {0x01A0, "O"},
    {0x01A1, "O"},
    {0x01AF, "U"},
    {0x01B0, "U"},
    {0x0218, "S"},
    {0x0219, "S"},
    {0x021A, "T"},
    {0x021B, "T"},
    // Greek (single letters; the pair OY is handled before the table)
    {0x0386, "A"},
    {0x0388, "E"},
    {0x0389, "I"},
    {0x038A, "I"},
    {0x038C, "O"},
    {0x038E, "Y"},
    {0x038F, "O"},
    {0x0390, "I"},
    {0x0391, "A"},
    {0x0392, "V"},
    {0x0393, "G"},
    {0x0394, "D"},
    {0x0395, "E"},
    {0x0396, "Z"},
    {0x0397, "I"},
    {0x0398, "TH"},
    {0x0399, "I"},
    {0x039A, "K"},
    {0x039B, "L"},
    {0x039C, "M"},
    {0x039D, "N"},
    {0x039E, "X"},
    {0x039F, "O"},
    {0x03A0, "P"},
    {0x03A1, "R"},
    {0x03A3, "S"},
    {0x03A4, "T"},
    {0x03A5, "Y"},
    {0x03A6, "F"},
    {0x03A7, "CH"},
    {0x03A8, "PS"},
    {0x03A9, "O"},
    {0x03AA, "I"},
    {0x03AB, "Y"},
    {0x03AC, "A"},
    {0x03AD, "E"},
    {0x03AE, "I"},
    {0x03AF, "I"},
    {0x03B0, "Y"},
    {0x03B1, "A"},
    {0x03B2, "V"},
    {0x03B3, "G"},
    {0x03B4, "D"},
    {0x03B5, "E"},
    {0x03B6, "Z"},
    {0x03B7, "I"},
    {0x03B8, "TH"},
    {0x03B9, "I"},
    {0x03BA, "K"},
    {0x03BB, "L"},
    {0x03BC, "M"},
    {0x03BD, "N"},
    {0x03BE, "X"},
    {0x03BF, "O"},
    {0x03C0, "P"},
    {0x03C1, "R"},
    {0x03C2, "S"},
    {0x03C3, "S"},
    {0x03C4, "T"},
    {0x03C5, "Y"},
    {0x03C6, "F"},
    {0x03C7, "CH"},
    {0x03C8, "PS"},
    {0x03C9, "O"},
    {0x03CA, "I"},
    {0x03CB, "Y"},
    {0x03CC, "O"},
    {0x03CD, "Y"},
    {0x03CE, "O"},
    // Cyrillic (Russian, Ukrainian, Belarusian, Serbian, Macedonian letters)
    {0x0401, "E"},
    {0x0402, "D"},
    {0x0403, "G"},
    {0x0404, "IE"},
    {0x0405, "DZ"},
    {0x0406, "I"},
    {0x0407, "I"},
    {0x0408, "J"},
    {0x0409, "LJ"},
    {0x040A, "NJ"},
    {0x040B, "C"},
    {0x040C, "K"},
    {0x040E, "U"},
    {0x040F, "DZ"},
    {0x0410, "A"},
    {0x0411, "B"},
    {0x0412, "V"},
    {0x0413, "G"},
    {0x0414, "D"},
    {0x0415, "E"},
    {0x0416, "ZH"},
    {0x0417, "Z"},
    {0x0418, "I"},
    {0x0419, "I"},
    {0x041A, "K"},
    {0x041B, "L"},
    {0x041C, "M"},
    {0x041D, "N"},
    {0x041E, "O"},
    {0x041F, "P"},
    {0x0420, "R"},
    {0x0421, "S"},
    {0x0422, "T"},
    {0x0423, "U"},
    {0x0424, "F"},
    {0x0425, "KH"},
    {0x0426, "TS"},
    {0x0427, "CH"},
    {0x0428, "SH"},
    {0x0429, "SHCH"},
    {0x042A, "IE"},
    {0x042B, "Y"},
    {0x042C, ""},
    {0x042D, "E"},
    {0x042E, "IU"},
    {0x042F, "IA"},
};

// Lower-case Cyrillic U+0430..U+045F maps like its capital (U+0410..U+042F, U+0400..U+040F);
// Ґ/ґ (U+0490/U+0491) is G.
const char* lookup(char32_t cp) {
  if (cp >= 0x0430 && cp <= 0x044F)
    cp -= 0x20;
  else if (cp >= 0x0450 && cp <= 0x045F)
    cp -= 0x50;
  if (cp == 0x0490 || cp == 0x0491) return "G";
  // Vietnamese precomposed letters (Latin Extended Additional): by base letter.
  if (cp >= 0x1EA0 && cp <= 0x1EF9) {
    if (cp <= 0x1EB7) return "A";
    if (cp <= 0x1EC7) return "E";
    if (cp <= 0x1ECB) return "I";
    if (cp <= 0x1EE3) return "O";
    if (cp <= 0x1EF1) return "U";
    return "Y";
  }
  const auto it = std::lower_bound(std::begin(table), std::end(table), cp,
                                   [](const entry& e, char32_t c) { return e.cp < c; });
  if (it != std::end(table) && it->cp == cp) return it->latin;
  return nullptr;
}

// Decodes one UTF-8 code point at s[i]; invalid bytes decode as U+FFFD, one byte each.
char32_t decode(std::string_view s, std::size_t& i) {
  const auto b = static_cast<unsigned char>(s[i]);
  auto cont = [&](std::size_t k) {
    return i + k < s.size() && (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
  };
  auto bits = [&](std::size_t k) {
    return static_cast<char32_t>(static_cast<unsigned char>(s[i + k]) & 0x3F);
  };
  if (b < 0x80) {
    ++i;
    return b;
  }
  if ((b & 0xE0) == 0xC0 && cont(1)) {
    const char32_t c = (static_cast<char32_t>(b & 0x1F) << 6) | bits(1);
    i += 2;
    return c;
  }
  if ((b & 0xF0) == 0xE0 && cont(1) && cont(2)) {
    const char32_t c = (static_cast<char32_t>(b & 0x0F) << 12) | (bits(1) << 6) | bits(2);
    i += 3;
    return c;
  }
  if ((b & 0xF8) == 0xF0 && cont(1) && cont(2) && cont(3)) {
    const char32_t c =
        (static_cast<char32_t>(b & 0x07) << 18) | (bits(1) << 12) | (bits(2) << 6) | bits(3);
    i += 4;
    return c;
  }
  ++i;
  return 0xFFFD;
}

// The unaccented lower-case Greek letter of `c` (0 for anything else). Letters with
// dialytika (ϊ ϋ ΐ ΰ) return 0 as well: the diaeresis says the vowel is pronounced apart, so
// it never joins a digraph.
char32_t greek_base(char32_t c) {
  if (c >= 0x0391 && c <= 0x03A9 && c != 0x03A2) return c + 0x20;
  if (c >= 0x03B1 && c <= 0x03C9) return c == 0x03C2 ? 0x03C3 : c;
  switch (c) {
    case 0x0386:
    case 0x03AC:
      return 0x03B1;  // ά
    case 0x0388:
    case 0x03AD:
      return 0x03B5;  // έ
    case 0x0389:
    case 0x03AE:
      return 0x03B7;  // ή
    case 0x038A:
    case 0x03AF:
      return 0x03B9;  // ί
    case 0x038C:
    case 0x03CC:
      return 0x03BF;  // ό
    case 0x038E:
    case 0x03CD:
      return 0x03C5;  // ύ
    case 0x038F:
    case 0x03CE:
      return 0x03C9;  // ώ
    default:
      return 0;
  }
}

bool greek_vowel_or_voiced(char32_t b) {
  // α ε η ι ο υ ω and the voiced consonants β γ δ ζ λ μ ν ρ.
  static constexpr char32_t set[] = {0x03B1, 0x03B5, 0x03B7, 0x03B9, 0x03BF, 0x03C5, 0x03C9, 0x03B2,
                                     0x03B3, 0x03B4, 0x03B6, 0x03BB, 0x03BC, 0x03BD, 0x03C1};
  return std::find(std::begin(set), std::end(set), b) != std::end(set);
}

}  // namespace

transliteration mrz_transliterate(std::string_view utf8) {
  transliteration out;
  std::string& t = out.text;
  bool pending_space = false;
  auto put = [&](std::string_view latin) {
    if (latin.empty()) return;
    if (pending_space && !t.empty()) t += ' ';
    pending_space = false;
    t += latin;
  };
  std::vector<char32_t> cps;
  for (std::size_t i = 0; i < utf8.size();) cps.push_back(decode(utf8, i));
  for (std::size_t k = 0; k < cps.size(); ++k) {
    const char32_t c = cps[k];
    // Greek digraphs as Greek passports print them (ELOT 743 conventions): ΟΥ is U; ΑΥ ΕΥ ΗΥ
    // are AV EV IV before a vowel or voiced consonant, AF EF IF otherwise; ΓΓ ΓΞ ΓΧ start with N.
    const char32_t base = greek_base(c);
    const char32_t prev = k > 0 ? greek_base(cps[k - 1]) : 0;
    const char32_t next = k + 1 < cps.size() ? greek_base(cps[k + 1]) : 0;
    if (c >= 'a' && c <= 'z') {
      put(std::string(1, static_cast<char>(c - 'a' + 'A')));
    } else if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
      put(std::string(1, static_cast<char>(c)));
    } else if (c == ' ' || c == '-' || c == '<' || c == 0x2010 || c == 0x2011) {
      pending_space = true;  // the MRZ filler separates name parts
    } else if (c == '\'' || c == 0x2019 || c == 0x02BC || c == '.') {
      // Apostrophes and dots are omitted in the MRZ (O'BRIEN -> OBRIEN).
    } else if (c >= 0x0300 && c <= 0x036F) {
      // A combining mark (decomposed input): the base letter was already written.
    } else if (base == 0x03C5 && prev == 0x03BF) {
      put("U");  // ΟΥ (the O is already out)
    } else if (base == 0x03C5 && (prev == 0x03B1 || prev == 0x03B5 || prev == 0x03B7)) {
      put(greek_vowel_or_voiced(next) ? "V" : "F");
    } else if (base == 0x03B3 && (next == 0x03B3 || next == 0x03BE || next == 0x03C7)) {
      put("N");
    } else if (const char* latin = lookup(c)) {
      put(latin);
    } else {
      ++out.unmapped;
    }
  }
  return out;
}

}  // namespace apipnr::harness::generate
