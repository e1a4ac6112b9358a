#include "apipnr/pnrgov/ssr_text.hpp"

#include <array>
#include <cstddef>

namespace apipnr::pnrgov {
namespace {

constexpr std::size_t max_fields = 16;

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
bool is_upper(char c) noexcept { return c >= 'A' && c <= 'Z'; }
bool is_lower(char c) noexcept { return c >= 'a' && c <= 'z'; }

// Splits on '/' into at most `max_fields` pieces (the last piece keeps any further '/'), and
// counts every piece so that "too many fields" can be reported without allocating.
struct fields {
  std::array<std::string_view, max_fields> items{};
  std::size_t count = 0;

  std::string_view at(int n) const noexcept {  // 1-based; empty when absent
    if (n < 1 || static_cast<std::size_t>(n) > count || static_cast<std::size_t>(n) > max_fields)
      return {};
    return items[static_cast<std::size_t>(n - 1)];
  }
};

std::string_view drop_leading_slash(std::string_view text) noexcept {
  if (!text.empty() && text.front() == '/') text.remove_prefix(1);
  return text;
}

fields split_fields(std::string_view text) noexcept {
  fields f;
  std::size_t start = 0;
  for (;;) {
    const std::size_t slash = text.find('/', start);
    const std::string_view piece = text.substr(
        start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (f.count < max_fields) f.items[f.count] = piece;
    ++f.count;
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return f;
}

bool upper_equals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (is_lower(c)) c = static_cast<char>(c - 'a' + 'A');
    if (c != b[i]) return false;
  }
  return true;
}

}  // namespace

bool is_ddmmmyy(std::string_view s) noexcept {
  static constexpr std::array<std::string_view, 12> months{
      "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
  if (s.size() != 7) return false;
  if (!is_digit(s[0]) || !is_digit(s[1]) || !is_digit(s[5]) || !is_digit(s[6])) return false;
  for (auto m : months) {
    if (upper_equals(s.substr(2, 3), m)) return true;
  }
  return false;
}

bool is_docs_gender(std::string_view s) noexcept {
  return s == "M" || s == "F" || s == "MI" || s == "FI" || s == "U";
}

std::string_view split_association(std::string_view text, name_association& out) noexcept {
  out = {};
  // The association is the last "-<digits><letter>..." of the text; hyphens inside names are
  // never followed by a digit, so they do not match.
  for (std::size_t i = text.size(); i-- > 0;) {
    if (text[i] != '-' || i + 1 >= text.size() || !is_digit(text[i + 1])) continue;
    std::size_t j = i + 1;
    while (j < text.size() && is_digit(text[j])) ++j;
    if (j >= text.size() || !(is_upper(text[j]) || is_lower(text[j]))) continue;
    out.count = text.substr(i + 1, j - i - 1);
    const std::string_view names = text.substr(j);
    const std::size_t slash = names.find('/');
    out.surname = names.substr(0, slash);
    if (slash != std::string_view::npos) out.given = names.substr(slash + 1);
    return text.substr(0, i);
  }
  return text;
}

docs_result parse_docs(std::string_view text) {
  docs_result r;
  const std::string_view body = split_association(drop_leading_slash(text), r.value.association);
  const fields f = split_fields(body);

  // PNR-GOV-SSR-008: the birth date (5), gender (6) and expiry (7) have recognisable forms;
  // they anchor the layout. Score each candidate shift by how many anchors have their form.
  auto score = [&](int k) {
    int s = 0;
    if (is_ddmmmyy(f.at(5 + k))) ++s;
    if (is_docs_gender(f.at(6 + k))) ++s;
    if (is_ddmmmyy(f.at(7 + k))) ++s;
    return s;
  };
  auto fits = [](std::string_view v, bool (*shape)(std::string_view) noexcept) {
    return v.empty() || shape(v);
  };
  const bool layout_fits =
      fits(f.at(5), is_ddmmmyy) && fits(f.at(6), is_docs_gender) && fits(f.at(7), is_ddmmmyy);
  int shift = 0;
  if (!layout_fits) {
    int best = score(0);
    for (int k : {-1, 1, -2, 2, -3, 3}) {
      const int s = score(k);
      if (s >= 2 && s > best) {
        best = s;
        shift = k;
      }
    }
  }
  r.shift = shift;
  docs_fields& v = r.value;
  if (shift == 0) {
    v.document_type = f.at(1);
    v.issuing_state = f.at(2);
    v.number = f.at(3);
    v.nationality = f.at(4);
  } else {
    // Which of fields 1-4 is missing (or extra) cannot be known: leave them unassigned.
    r.issues.push_back({text_problem::shifted, 0});
  }
  v.date_of_birth = f.at(5 + shift);
  v.gender = f.at(6 + shift);
  v.expiry = f.at(7 + shift);
  v.surname = f.at(8 + shift);
  v.given_name = f.at(9 + shift);
  v.second_given_name = f.at(10 + shift);
  const std::string_view holder = f.at(11 + shift);
  v.multi_passenger_holder = holder == "H";

  if (!v.date_of_birth.empty() && !is_ddmmmyy(v.date_of_birth))
    r.issues.push_back({text_problem::invalid_date, 5});
  if (!v.gender.empty() && !is_docs_gender(v.gender))
    r.issues.push_back({text_problem::invalid_gender, 6});
  if (!v.expiry.empty() && !is_ddmmmyy(v.expiry))
    r.issues.push_back({text_problem::invalid_date, 7});
  if (shift == 0 && v.number.empty()) r.issues.push_back({text_problem::missing_field, 3});
  if (v.date_of_birth.empty()) r.issues.push_back({text_problem::missing_field, 5});
  if (v.gender.empty()) r.issues.push_back({text_problem::missing_field, 6});
  const auto used = static_cast<std::size_t>(11 + shift);
  if (f.count > used || (!holder.empty() && holder != "H"))
    r.issues.push_back({text_problem::too_many_fields, static_cast<std::uint8_t>(used)});
  return r;
}

text_result<doco_fields> parse_doco(std::string_view text) {
  text_result<doco_fields> r;
  const std::string_view body = split_association(drop_leading_slash(text), r.value.association);
  const fields f = split_fields(body);
  doco_fields& v = r.value;
  v.place_of_birth = f.at(1);
  v.document_type = f.at(2);
  v.number = f.at(3);
  v.place_of_issue = f.at(4);
  v.issue_date = f.at(5);
  v.applicable_country = f.at(6);
  v.infant = f.at(7) == "I";
  if (!v.issue_date.empty() && !is_ddmmmyy(v.issue_date))
    r.issues.push_back({text_problem::invalid_date, 5});
  if (v.document_type.empty()) r.issues.push_back({text_problem::missing_field, 2});
  if (f.count > 7 || (!f.at(7).empty() && f.at(7) != "I"))
    r.issues.push_back({text_problem::too_many_fields, 7});
  return r;
}

text_result<doca_fields> parse_doca(std::string_view text) {
  text_result<doca_fields> r;
  const std::string_view body = split_association(drop_leading_slash(text), r.value.association);
  const fields f = split_fields(body);
  doca_fields& v = r.value;
  v.address_type = f.at(1);
  v.country = f.at(2);
  v.street = f.at(3);
  v.city = f.at(4);
  v.state = f.at(5);
  v.postal_code = f.at(6);
  v.infant = f.at(7) == "I";
  if (v.address_type.empty()) r.issues.push_back({text_problem::missing_field, 1});
  if (f.count > 7 || (!f.at(7).empty() && f.at(7) != "I"))
    r.issues.push_back({text_problem::too_many_fields, 7});
  return r;
}

std::string decode_airimp_email(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (i + 1 < text.size() && text[i] == '/' && text[i + 1] == '/') {
      out.push_back('@');
      ++i;
    } else if (i + 1 < text.size() && text[i] == '.' && text[i + 1] == '.') {
      out.push_back('_');
      ++i;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

contact_text parse_contact(std::string_view code, std::string_view text) {
  contact_text r;
  const std::string_view body = split_association(drop_leading_slash(text), r.association);
  if (code == "CTCE") {
    r.kind = contact_kind::email;
    std::string decoded = decode_airimp_email(body);
    // After decoding, a single '/' can only separate a trailing language or remark field.
    const std::size_t slash = decoded.find('/');
    if (slash != std::string::npos) decoded.resize(slash);
    if (decoded.find('@') == std::string::npos) r.issues.push_back({text_problem::bad_contact, 1});
    r.value = std::move(decoded);
  } else if (code == "CTCM" || code == "CTCH" || code == "CTCB") {
    r.kind = contact_kind::phone;
    const std::string_view number = body.substr(0, body.find('/'));
    bool digits = false;
    for (char c : number) digits = digits || is_digit(c);
    if (!digits) r.issues.push_back({text_problem::bad_contact, 1});
    r.value = std::string(number);
  } else {
    r.value = std::string(body);
  }
  return r;
}

}  // namespace apipnr::pnrgov
