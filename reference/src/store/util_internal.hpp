// Helpers of the store that need no database: SHA-256, hex, times, depersonalisation of
// canonical JSON.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "apipnr/model/canonical.hpp"
#include "apipnr/store/store.hpp"

namespace apipnr::store::detail {

using digest = std::array<unsigned char, 32>;

// SHA-256 over the concatenation of `parts` (OpenSSL EVP). nullopt on an EVP failure.
std::optional<digest> sha256(std::initializer_list<std::string_view> parts) noexcept;
std::string to_hex(std::string_view bytes);

std::int64_t to_millis(time_point t) noexcept;
// "YYYY-MM-DDTHH:MM:SS.mmmZ" (UTC).
std::string iso_utc(std::int64_t millis);

// The same text as doc.dump(-1, ' ', false, error_handler_t::replace), about three times
// faster on canonical documents: strings are copied in runs instead of byte by byte through
// nlohmann's UTF-8 decoder, and integers are written with std::to_chars. A document holding a
// string that is not valid UTF-8, a floating-point number or a binary value is handed to
// nlohmann's dump() whole, so the result never differs. Never throws except std::bad_alloc.
std::string dump_json(const nlohmann::json& doc);

// The flights.legs column: [{"arrival":..,"arrival_scheduled":..,"departure":..,
// "departure_scheduled":..}, ...] with the members each leg has, the same text as dump_json of
// the nlohmann array it replaces, written without building that array (one per stored
// message). Never throws except std::bad_alloc.
std::string legs_json(const std::vector<model::leg>& legs);

// The travellers.documents column (schema 5): [{"expiry":..,"issuing_state":..,
// "nationality":..,"number":..,"type":..}, ...] with the members each document has, keys in
// byte order; the same text as dump_json of the equivalent nlohmann array. Never throws except
// std::bad_alloc.
std::string documents_json(const model::document_list& docs);

// The interchanges.findings column: one object per finding with the members {code, detail,
// id, message, position{component, element, message_segment, offset, repetition, segment},
// requirement, scope, severity, syntax_error} (detail, message, requirement and syntax_error
// only when present; `message` is finding_message[i] when finding_message is not empty), keys
// in byte order: the same text as dump_json of the nlohmann array it replaces, written without
// building that array on the caller's thread of every put. Never throws except std::bad_alloc.
std::string findings_json(const std::vector<diagnostic>& findings,
                          const std::vector<std::int32_t>& finding_message);

// The interchanges.message_references column: a JSON array of strings, the same text as
// dump_json(nlohmann::json(refs)). Never throws except std::bad_alloc.
std::string strings_json(const std::vector<std::string>& refs);

inline constexpr const char* masked_value = "***";

// Depersonalises one canonical-JSON document in place by `rules` (DP-MASK-001/002). Returns
// the number of values changed. Structure (arrays, objects, keys) is kept, so JSON pointers
// into the document stay valid.
std::size_t depersonalise(nlohmann::json& doc, const masking_rules& rules);

}  // namespace apipnr::store::detail
