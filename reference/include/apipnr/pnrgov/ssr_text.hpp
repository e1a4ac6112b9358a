// Parsers for the AIRIMP free text of PNRGOV SSRs (C334/4440): DOCS (travel document), DOCO
// (other document, e.g. visa), DOCA (address) and the contact SSRs CTCE/CTCM.
//
// Layouts (STANDARDS.md §3.3, requirement PNR-GOV-SSR-004/-010): the text after a leading '/'
// is split on '/':
//   DOCS  1 type / 2 issuing state / 3 number / 4 nationality / 5 birth DDMMMYY / 6 gender
//         (M F MI FI U) / 7 expiry DDMMMYY / 8 surname / 9 given / 10 second given / 11 H
//   DOCO  1 place of birth / 2 type (V visa, K redress, R known traveller) / 3 number /
//         4 place of issue / 5 issue date DDMMMYY / 6 country of application / 7 I (infant)
//   DOCA  1 type (R residence, D destination) / 2 country / 3 street / 4 city / 5 state /
//         6 postal code / 7 I (infant)
//   CTCE  e-mail with '//' for '@' and '..' for '_' (PNR-GOV-IFT-002); CTCM phone number
// Every layout may end in a name association "-1SURNAME/GIVEN" (PNR-GOV-SSR-010), which is cut
// off before splitting.
//
// Empty positions are kept empty (PNR-GOV-SSR-005). A DOCS text whose dates and gender are
// found at other positions than the layout's is reported as shifted (PNR-GOV-SSR-008): the
// fields identified by their form (dates, gender) and those after them are assigned from the
// shifted positions; fields before them are left empty, because which one is missing cannot be
// known. Nothing is ever assigned silently to a wrong field.
//
// These parsers do not resolve two-digit years (dates stay raw DDMMMYY; the caller resolves
// them with model/dates.hpp) and report nothing themselves: they return issues, and the caller
// turns them into findings with positions.
//
// Lifetime: results hold string_views into the input text. Thread safety: pure functions.
// Errors: none; malformed input yields issues. Nothing throws (no allocation beyond the
// issue vector).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace apipnr::pnrgov {

enum class text_problem : std::uint8_t {
  shifted,          // DOCS: dates/gender found `shift` positions away from the layout
  invalid_gender,   // DOCS: gender not in M F MI FI U
  invalid_date,     // DOCS: birth or expiry not DDMMMYY; DOCO: issue date
  missing_field,    // a field the layout needs is empty (DOCS number, gender, birth date)
  too_many_fields,  // more fields than the layout defines
  bad_contact,      // CTCE without '@' after decoding, CTCM without digits
};

struct text_issue {
  text_problem problem;
  std::uint8_t field = 0;  // 1-based field number of the layout, 0 when not field-specific
};

// Optional "-1SURNAME/GIVEN" name association at the end of an SSR text.
struct name_association {
  std::string_view count;  // "1"
  std::string_view surname, given;
  bool present() const noexcept { return !count.empty() || !surname.empty(); }
};

struct docs_fields {
  std::string_view document_type, issuing_state, number, nationality, date_of_birth, gender, expiry,
      surname, given_name, second_given_name;
  bool multi_passenger_holder = false;  // field 11 == "H"
  name_association association;
};

struct docs_result {
  docs_fields value;
  std::vector<text_issue> issues;
  int shift = 0;  // positions the anchor fields were found away from the layout (0 = none)
};

struct doco_fields {
  std::string_view place_of_birth, document_type, number, place_of_issue, issue_date,
      applicable_country;
  bool infant = false;
  name_association association;
};

struct doca_fields {
  std::string_view address_type, country, street, city, state, postal_code;
  bool infant = false;
  name_association association;
};

template <class T>
struct text_result {
  T value;
  std::vector<text_issue> issues;
};

// True for a DDMMMYY shape (2 digits, 3 letters of an English month, 2 digits).
[[nodiscard]] bool is_ddmmmyy(std::string_view s) noexcept;
// True for M, F, MI, FI, U.
[[nodiscard]] bool is_docs_gender(std::string_view s) noexcept;

// Splits a trailing "-<digits>SURNAME/GIVEN" association off `text`; returns the rest.
[[nodiscard]] std::string_view split_association(std::string_view text,
                                                 name_association& out) noexcept;

[[nodiscard]] docs_result parse_docs(std::string_view text);
[[nodiscard]] text_result<doco_fields> parse_doco(std::string_view text);
[[nodiscard]] text_result<doca_fields> parse_doca(std::string_view text);

// AIRIMP e-mail decoding: "//" -> "@", ".." -> "_" (left to right, non-overlapping).
[[nodiscard]] std::string decode_airimp_email(std::string_view text);

enum class contact_kind : std::uint8_t { email, phone, other };
struct contact_text {
  contact_kind kind = contact_kind::other;
  std::string value;  // decoded e-mail address or phone number as sent
  name_association association;
  std::vector<text_issue> issues;
};
// CTCE -> email, CTCM/CTCH/CTCB -> phone, anything else -> other (value = text as sent).
[[nodiscard]] contact_text parse_contact(std::string_view code, std::string_view text);

}  // namespace apipnr::pnrgov
