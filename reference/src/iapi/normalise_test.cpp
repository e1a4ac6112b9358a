#include "apipnr/iapi/normalise.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace apipnr::iapi {
namespace {

TEST(IapiNormalise, ApostropheSpaceAndNothingGiveOneKey) {
  EXPECT_EQ(name_key("O'Brien"), "OBRIEN");
  EXPECT_EQ(name_key("OBRIEN"), "OBRIEN");
  EXPECT_EQ(name_key("O BRIEN"), "OBRIEN");
  EXPECT_EQ(name_key("o’brien"), "OBRIEN");  // typographic apostrophe U+2019
}

TEST(IapiNormalise, HyphensAndRepeatedSeparatorsCollapse) {
  EXPECT_EQ(name_key("SMITH-JONES"), "SMITHJONES");
  EXPECT_EQ(name_key("  smith -  jones  "), "SMITHJONES");
  EXPECT_EQ(name_key("SMITH<<JONES"), "SMITHJONES");
}

TEST(IapiNormalise, GermanUmlautsAndSharpS) {
  EXPECT_EQ(name_key("MÜLLER"), "MUELLER");
  EXPECT_EQ(name_key("müller"), "MUELLER");
  EXPECT_EQ(name_key("Jürgen Größe"), "JUERGENGROESSE");
  EXPECT_EQ(name_key("STRAẞE"), "STRASSE");
  EXPECT_EQ(name_key("Ärger"), name_key("AERGER"));
}

TEST(IapiNormalise, NordicLettersFollowDoc9303) {
  EXPECT_EQ(name_key("Ångström"), "AANGSTROEM");
  EXPECT_EQ(name_key("BJØRN"), "BJOERN");
  EXPECT_EQ(name_key("Ægir"), "AEGIR");
  EXPECT_EQ(name_key("ÞÓRA"), "THORA");
  EXPECT_EQ(name_key("Guðrún"), "GUDRUN");
}

TEST(IapiNormalise, LatinExtendedLettersLoseTheirDiacritics) {
  EXPECT_EQ(name_key("Łukasz Wałęsa"), "LUKASZWALESA");
  EXPECT_EQ(name_key("Dvořák"), "DVORAK");
  EXPECT_EQ(name_key("Şahin Çelik"), "SAHINCELIK");
  EXPECT_EQ(name_key("Ștefănescu"), "STEFANESCU");
  EXPECT_EQ(name_key("José Peña"), "JOSEPENA");
  EXPECT_EQ(name_key("Œuvre"), "OEUVRE");
  EXPECT_EQ(name_key("Đorđe"), "DORDE");
}

TEST(IapiNormalise, Latin1BytesThatAreNotUtf8AreReadAsLatin1) {
  // "M\xDCLLER" is MÜLLER in ISO 8859-1 (UNOC), not valid UTF-8.
  EXPECT_EQ(name_key("M\xDCLLER"), "MUELLER");
}

TEST(IapiNormalise, TitlesAreDroppedAtEitherEndOnly) {
  EXPECT_EQ(name_key("ANNE MRS"), "ANNE");
  EXPECT_EQ(name_key("Mr. John"), "JOHN");
  EXPECT_EQ(name_key("DR ANNE MARIE MS"), "ANNEMARIE");
  EXPECT_EQ(name_key("MISS ANNE"), "ANNE");
  EXPECT_EQ(name_key("ANNE DR MARIE"), "ANNEDRMARIE");  // inside: kept
  EXPECT_EQ(name_key("DR"), "DR");                      // never down to nothing
  EXPECT_EQ(name_key("MRSMITH"), "MRSMITH");            // not a separate word
}

// name_key() keeps its words in one string; this is the rule it implements, word by word, as
// a list, compared over every name of up to four parts drawn from titles, names, letters that
// transliterate to two or to no letters, and separators (leading, trailing, repeated).
std::string name_key_by_word_list(std::string_view utf8_name) {
  std::vector<std::string> words;
  std::string word;
  for (std::size_t i = 0; i <= utf8_name.size(); ++i) {
    const bool end = i == utf8_name.size();
    const char c = end ? ' ' : utf8_name[i];
    if (c == ' ' || c == '-' || c == '.') {
      if (!word.empty()) words.push_back(word);
      word.clear();
    } else {
      word += c;
    }
  }
  const auto title = [](const std::string& w) {
    return w == "MR" || w == "MRS" || w == "MS" || w == "MISS" || w == "DR";
  };
  std::size_t first = 0;
  std::size_t last = words.size();
  while (last - first > 1 && title(words[first])) ++first;
  while (last - first > 1 && title(words[last - 1])) --last;
  std::string key;
  for (std::size_t k = first; k < last; ++k) key += words[k];
  return key;
}

TEST(IapiNormalise, TitlesAndSeparatorsInEveryPositionFollowTheWordRule) {
  // ASCII upper-case parts, so the word rule above needs no transliteration.
  const std::vector<std::string> parts = {"MR", "MRS", "DR", "MISS", "ANNE", "MR-DR",
                                          "X",  " ",   "-",  " . ",  ""};
  std::size_t checked = 0;
  for (const auto& a : parts) {
    for (const auto& b : parts) {
      for (const auto& c : parts) {
        for (const auto& d : parts) {
          const std::string name = a + " " + b + "-" + c + d;
          ASSERT_EQ(name_key(name), name_key_by_word_list(name)) << '"' << name << '"';
          ++checked;
        }
      }
    }
  }
  EXPECT_EQ(checked, parts.size() * parts.size() * parts.size() * parts.size());
  // Transliterated letters inside titles and names.
  EXPECT_EQ(name_key("Dr. Jürgen Größe Mr"), "JUERGENGROESSE");
  EXPECT_EQ(name_key("×DR×ÅSA×"), "AASA");
}

TEST(IapiNormalise, UnmappedScriptsAndEmptyInputGiveEmptyKeys) {
  EXPECT_EQ(name_key(""), "");
  EXPECT_EQ(name_key("---"), "");
  EXPECT_EQ(name_key("Иван"), "");
}

TEST(IapiNormalise, DocumentNumbersDropSpacesDashesAndFillers) {
  EXPECT_EQ(document_key("pa 123-456<<"), "PA123456");
  EXPECT_EQ(document_key("PA123456"), "PA123456");
  EXPECT_EQ(document_key(" - <"), "");
}

TEST(IapiNormalise, IssuingStatesAreAlpha3) {
  EXPECT_EQ(state_code("xxa"), "XXA");
  EXPECT_EQ(state_code("D<<"), "DEU");
  EXPECT_FALSE(state_code("XX").has_value());
  EXPECT_FALSE(state_code("X1A").has_value());
  EXPECT_FALSE(state_code("").has_value());
}

TEST(IapiNormalise, IsoDatesMustExist) {
  EXPECT_TRUE(is_iso_date("2024-02-29"));
  EXPECT_FALSE(is_iso_date("2023-02-29"));
  EXPECT_FALSE(is_iso_date("2023-2-28"));
  EXPECT_FALSE(is_iso_date("1985"));
}

}  // namespace
}  // namespace apipnr::iapi
