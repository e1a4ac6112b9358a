// Match keys for the iAPI decision engine: the forms in which a traveller's document and name
// are compared with list entries (docs/IAPI.md, "Matching").
//
// Names follow the machine-readable-zone practice of ICAO Doc 9303 (STANDARDS.md §1.3): what a
// carrier sends in an UNOA PAXLST has already been transliterated, while a list may be written
// with the national spelling. Both sides are therefore reduced to the same key:
//   - UTF-8 is decoded; Latin letters with diacritics become their base letter, and the letters
//     Doc 9303 spells out become two letters: Ä->AE, Ö->OE, Ü->UE, Å->AA, Æ->AE, Ø->OE, Œ->OE,
//     ß->SS, Þ->TH, Ĳ->IJ; Ł->L, Đ/Ð->D, Ħ->H, ı/İ->I (Latin-1 Supplement, Latin Extended-A,
//     Ș/Ț). A byte that does not start valid UTF-8 is read as Latin-1 (UNOC input).
//   - Lower case becomes upper case.
//   - The name is split into words at every character that is not a letter or digit (spaces,
//     hyphens, apostrophes, full stops, '<' fillers, unmapped scripts); the titles MR, MRS, MS,
//     MISS and DR are dropped at either end as long as one word remains.
//   - The remaining words are joined without separators, so "O'Brien", "OBRIEN" and "O BRIEN"
//     give the same key, "OBRIEN".
// Keys never contain anything but A-Z and 0-9. An empty key never matches anything.
//
// Document numbers: upper case, spaces, '-' and '<' removed. Issuing states: upper case, '<'
// removed, "D" (Germany's Doc 9303 code) read as "DEU"; anything that is not then three letters
// A-Z is not a state.
//
// Thread safety: pure functions. Errors: none (bad input gives an empty key / nullopt); only
// std::bad_alloc can be thrown.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace apipnr::iapi {

// The name match key for one name field (surname, or given names).
[[nodiscard]] std::string name_key(std::string_view utf8_name);

// The document-number match key.
[[nodiscard]] std::string document_key(std::string_view number);

// The ISO 3166 alpha-3 code, or nullopt when `state` is not one.
[[nodiscard]] std::optional<std::string> state_code(std::string_view state);

// True when `s` is an ISO calendar date "YYYY-MM-DD" that exists.
[[nodiscard]] bool is_iso_date(std::string_view s) noexcept;

}  // namespace apipnr::iapi
