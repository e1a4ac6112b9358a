// Character sets of received values, and their conversion into the canonical model's UTF-8.
//
// EDIFACT values arrive in the repertoire the UNB syntax identifier declares (ISO 9735 §1.3):
// UNOA/UNOB and IATA/IATB are ASCII, UNOC is ISO 8859-1, UNOW/UNOX/UNOY are UTF-8 (ISO 10646),
// UNOD..UNOK are other ISO 8859 parts. The canonical JSON is UTF-8 text, so every string of an
// extracted message is converted once, right after extraction: ISO 8859-1 exactly, UTF-8 kept
// as it is when valid. A byte that cannot be converted faithfully (a non-ASCII byte in an
// ASCII repertoire, invalid UTF-8, an ISO 8859 part other than 1 above 0x9F) becomes U+FFFD and
// is counted, so the caller reports it: nothing is changed silently.
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "apipnr/model/canonical.hpp"

namespace apipnr::model {

enum class charset : unsigned char { ascii, latin1, utf8, other_8bit };

// The character set a UNB S001/0001 syntax identifier declares; unknown identifiers are treated
// as UTF-8 (validated), the most permissive faithful reading.
charset charset_of(std::string_view syntax_identifier) noexcept;

// True when no byte of `s` is 0x80 or above. Then to_utf8() changes nothing and replaces
// nothing, whatever the charset: a caller that knows all its input is ASCII may skip it.
bool is_ascii(std::string_view s) noexcept;

// Length of the well-formed UTF-8 sequence that starts at s[i] (1 for an ASCII byte), or 0 when
// the bytes there are not one: an invalid lead byte, overlong forms, surrogates, values above
// U+10FFFF, a sequence cut by the end of `s`. Requires i < s.size(). The one UTF-8 check shared
// by the model, the store's JSON writer and the response envelopes. Thread safe, no allocation.
std::size_t utf8_sequence(std::string_view s, std::size_t i) noexcept;

// Converts `s` in place to UTF-8 from `from`; returns the number of bytes replaced by U+FFFD.
std::size_t to_utf8(std::string& s, charset from);

// Converts every string of `m` in place; returns the number of bytes replaced by U+FFFD.
std::size_t to_utf8(canonical_message& m, charset from);

}  // namespace apipnr::model
