// libFuzzer target: the iAPI list loaders (reference/include/apipnr/iapi/lists.hpp), the
// watchlist and the travel-authorisation list an operator writes. Every input is given to both.
//
// Traps on: an exception escaping (the header: errors are returned, never thrown; only
// std::bad_alloc); an error whose load_error does not match the returned code, names another
// source or a line past the end of the text; and a list taken although it breaks what the
// header promises of a loaded list: watchlist entries with an id, a reason and a document or a
// name with a date of birth (YYYY or YYYY-MM-DD), unique ids, indexes that point at the entries
// they name, a line inside the file; authorisations with ISO alpha-3 states, sorted unique
// nationalities, valid_from <= valid_until as ISO dates.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <new>
#include <set>
#include <string>
#include <string_view>

#include "apipnr/iapi/lists.hpp"
#include "apipnr/iapi/normalise.hpp"
#include "fuzz_check.hpp"

namespace {

namespace ai = apipnr::iapi;

constexpr std::string_view source = "fuzz-list.json";

bool alpha3(const std::string& s) {
  return s.size() == 3 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

template <class Result>
void check_error(const Result& r, const ai::load_error& err, std::size_t lines) {
  APIPNR_FUZZ_CHECK(r.has_error());
  APIPNR_FUZZ_CHECK(err.code == r.error());
  APIPNR_FUZZ_CHECK(err.code.category() == ai::iapi_category());
  APIPNR_FUZZ_CHECK(err.file == source);
  APIPNR_FUZZ_CHECK(err.line <= lines);
  APIPNR_FUZZ_CHECK(!err.to_string().empty());
}

void check_document(const ai::document_id& d) {
  APIPNR_FUZZ_CHECK(!d.number.empty());
  APIPNR_FUZZ_CHECK(alpha3(d.issuing_state));
}

void check_watchlist(const ai::watchlist& wl, std::size_t lines) {
  std::set<std::string> ids;
  for (std::size_t i = 0; i < wl.entries.size(); ++i) {
    const auto& e = wl.entries[i];
    APIPNR_FUZZ_CHECK(!e.id.empty() && !e.reason.empty());
    APIPNR_FUZZ_CHECK(ids.insert(e.id).second);
    APIPNR_FUZZ_CHECK(e.line >= 1 && e.line <= lines);
    APIPNR_FUZZ_CHECK(e.document || !e.surname.empty());
    if (e.document) {
      check_document(*e.document);
      const auto it = wl.by_document.find(ai::document_index_key(*e.document));
      APIPNR_FUZZ_CHECK(it != wl.by_document.end());
      APIPNR_FUZZ_CHECK(std::find(it->second.begin(), it->second.end(), i) != it->second.end());
    }
    if (!e.surname.empty()) {
      APIPNR_FUZZ_CHECK(ai::is_iso_date(e.date_of_birth) || e.date_of_birth.size() == 4);
      const auto it = wl.by_surname.find(e.surname);
      APIPNR_FUZZ_CHECK(it != wl.by_surname.end());
      APIPNR_FUZZ_CHECK(std::find(it->second.begin(), it->second.end(), i) != it->second.end());
    } else {
      APIPNR_FUZZ_CHECK(e.date_of_birth.empty() && e.given_names.empty());
    }
  }
  for (const auto& [key, list] : wl.by_document)
    for (std::size_t i : list) {
      APIPNR_FUZZ_CHECK(i < wl.entries.size() && wl.entries[i].document);
      APIPNR_FUZZ_CHECK(ai::document_index_key(*wl.entries[i].document) == key);
    }
  for (const auto& [key, list] : wl.by_surname)
    for (std::size_t i : list)
      APIPNR_FUZZ_CHECK(i < wl.entries.size() && wl.entries[i].surname == key);
}

void check_authorisations(const ai::authorisation_list& al, std::size_t lines) {
  APIPNR_FUZZ_CHECK(al.state.empty() || alpha3(al.state));
  APIPNR_FUZZ_CHECK(
      std::is_sorted(al.nationalities_requiring.begin(), al.nationalities_requiring.end()));
  APIPNR_FUZZ_CHECK(
      std::adjacent_find(al.nationalities_requiring.begin(), al.nationalities_requiring.end()) ==
      al.nationalities_requiring.end());
  for (const auto& n : al.nationalities_requiring) {
    APIPNR_FUZZ_CHECK(alpha3(n));
    APIPNR_FUZZ_CHECK(al.requires_authorisation(n));
  }
  std::set<std::string> ids;
  for (std::size_t i = 0; i < al.entries.size(); ++i) {
    const auto& a = al.entries[i];
    APIPNR_FUZZ_CHECK(!a.id.empty() && ids.insert(a.id).second);
    APIPNR_FUZZ_CHECK(a.line >= 1 && a.line <= lines);
    check_document(a.document);
    APIPNR_FUZZ_CHECK(ai::is_iso_date(a.valid_from) && ai::is_iso_date(a.valid_until));
    APIPNR_FUZZ_CHECK(a.valid_from <= a.valid_until);
    const auto it = al.by_document.find(ai::document_index_key(a.document));
    APIPNR_FUZZ_CHECK(it != al.by_document.end());
    APIPNR_FUZZ_CHECK(std::find(it->second.begin(), it->second.end(), i) != it->second.end());
  }
}

void run(std::string_view text) {
  const std::size_t lines =
      1 + static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
  ai::list_limits limits;
  limits.max_file_bytes = 1U << 20;
  limits.max_entries = 2000;
  {
    ai::load_error err;
    const auto r = ai::parse_watchlist(text, source, err, limits);
    if (r) {
      APIPNR_FUZZ_CHECK(!err.code);
      check_watchlist(*r, lines);
    } else {
      check_error(r, err, lines);
    }
  }
  {
    ai::load_error err;
    const auto r = ai::parse_authorisations(text, source, err, limits);
    if (r) {
      APIPNR_FUZZ_CHECK(!err.code);
      check_authorisations(*r, lines);
    } else {
      check_error(r, err, lines);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return apipnr::fuzzing::run_without_exceptions(data, size, "the list loaders", run);
}
