// The two lists the iAPI decision engine reads: a watchlist and a travel-authorisation list.
//
// Both are JSON files; their formats are in docs/IAPI.md and the JSON schemas
// specs/iapi/watchlist.schema.json and specs/iapi/authorisations.schema.json, with synthetic
// examples next to them. Loading validates the whole file before returning anything: a file is
// either taken completely or not at all (the engine keeps its previous lists, RCV-PROF-001).
//
//   watchlist      entries by document (number + issuing state) and/or by name + date of birth
//                  (exact or year-only), each with an action (no_board -> 1Z, advisory -> 2Z), an
//                  id and a reason code.
//   authorisations the nationalities whose nationals need a travel authorisation, and who holds
//                  one: document number + issuing state + validity period (inclusive dates).
//
// Keys are stored normalised (normalise.hpp), so matching is a plain string comparison.
//
// Errors (errc.hpp, returned, never thrown): list_unreadable, list_too_large, list_syntax,
// list_format, list_entry_invalid, list_invalid_state, list_invalid_date, list_invalid_action,
// list_duplicate_id. Each comes with a `load_error` naming the file and the 1-based line of the
// offending entry (0 when the problem concerns the whole file) and the field path; list values
// are never copied into errors, so they can be logged (DP-LOG-003).
//
// Lifetime: loaded lists own all their data. Thread safety: a loaded list is immutable and may
// be read from any number of threads; the loader functions are reentrant.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include "apipnr/iapi/errc.hpp"

namespace apipnr::iapi {

inline constexpr std::string_view watchlist_format = "apipnr-iapi-watchlist";
inline constexpr std::string_view authorisations_format = "apipnr-iapi-authorisations";
inline constexpr int list_format_version = 1;

// Where and why a list could not be loaded.
struct load_error {
  boost::system::error_code code;
  std::string file;      // the source name given to the loader (the path for files)
  std::size_t line = 0;  // 1-based line of the offending entry or character; 0 = whole file
  std::string detail;    // field path such as "entries[3].date_of_birth"; never a list value

  // "<file>:<line>: <ID>: <message> (<detail>)".
  std::string to_string() const;
};

struct list_limits {
  std::size_t max_file_bytes = 64u << 20;  // 64 MiB
  std::size_t max_entries = 1'000'000;     // per list
};

// A document as a match key: normalised number and ISO alpha-3 issuing state.
struct document_id {
  std::string number;         // document_key()
  std::string issuing_state;  // state_code()
  friend bool operator==(const document_id&, const document_id&) = default;
};

enum class watch_action : std::uint8_t {
  no_board,  // answered 1Z
  advisory,  // answered 2Z
};

struct watchlist_entry {
  std::string id;  // stable entry id, the only list datum a decision record carries
  watch_action action = watch_action::no_board;
  std::string reason;  // reason code (an opaque code, no personal data)
  std::optional<document_id> document;
  // Name criterion: present when `surname` is not empty; then `date_of_birth` is set.
  std::string surname;        // name_key()
  std::string given_names;    // name_key(); empty = any given names
  std::string date_of_birth;  // "YYYY-MM-DD" (exact) or "YYYY" (year only)
  std::size_t line = 0;       // line of the entry in its file
};

struct watchlist {
  std::string source;
  std::vector<watchlist_entry> entries;  // file order: the first match wins ties
  // Indexes into `entries`, built by the loader. Key of by_document: state + '/' + number.
  std::unordered_map<std::string, std::vector<std::size_t>> by_document;
  std::unordered_map<std::string, std::vector<std::size_t>> by_surname;
};

struct authorisation {
  std::string id;
  document_id document;
  std::string valid_from;   // YYYY-MM-DD, inclusive
  std::string valid_until;  // YYYY-MM-DD, inclusive
  std::size_t line = 0;
};

struct authorisation_list {
  std::string source;
  std::string state;  // the state whose rule this is (ISO alpha-3); empty when not given
  std::vector<std::string> nationalities_requiring;  // sorted, unique, ISO alpha-3
  std::vector<authorisation> entries;                // file order
  std::unordered_map<std::string, std::vector<std::size_t>> by_document;  // state + '/' + number

  // True when nationals of `nationality` (ISO alpha-3) need an authorisation.
  [[nodiscard]] bool requires_authorisation(std::string_view nationality) const noexcept;
};

// The index key of a document: issuing state + '/' + number.
[[nodiscard]] std::string document_index_key(const document_id& d);

// Parses list text. `source` names it in errors (a file name). On error `err` is filled and the
// error code returned; on success `err` is left alone.
[[nodiscard]] boost::system::result<watchlist> parse_watchlist(std::string_view json_text,
                                                               std::string_view source,
                                                               load_error& err,
                                                               const list_limits& limits = {});
[[nodiscard]] boost::system::result<authorisation_list> parse_authorisations(
    std::string_view json_text, std::string_view source, load_error& err,
    const list_limits& limits = {});

// Reads and parses a file (list_unreadable when it cannot be read, list_too_large before
// reading more than `max_file_bytes`).
[[nodiscard]] boost::system::result<watchlist> load_watchlist(const std::filesystem::path& file,
                                                              load_error& err,
                                                              const list_limits& limits = {});
[[nodiscard]] boost::system::result<authorisation_list> load_authorisations(
    const std::filesystem::path& file, load_error& err, const list_limits& limits = {});

}  // namespace apipnr::iapi
