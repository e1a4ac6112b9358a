#include "apipnr/pnrgov/sensitive.hpp"

#include <algorithm>
#include <cstddef>

namespace apipnr::pnrgov {
namespace {

char upper(char c) noexcept { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c; }

bool contains_ci(std::string_view text, std::string_view needle) noexcept {
  if (needle.empty() || needle.size() > text.size()) return false;
  for (std::size_t i = 0; i + needle.size() <= text.size(); ++i) {
    std::size_t j = 0;
    while (j < needle.size() && upper(text[i + j]) == upper(needle[j])) ++j;
    if (j == needle.size()) return true;
  }
  return false;
}

bool is_word_char(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

// True when `text` contains `word` delimited by non-alphanumerics (history lines such as
// "SSR MOML HK1" name the code as a word; "HOMOMLX" must not match).
bool contains_word(std::string_view text, std::string_view word) noexcept {
  if (word.empty()) return false;
  for (std::size_t pos = text.find(word); pos != std::string_view::npos;
       pos = text.find(word, pos + 1)) {
    const bool left = pos == 0 || !is_word_char(text[pos - 1]);
    const std::size_t end = pos + word.size();
    const bool right = end >= text.size() || !is_word_char(text[end]);
    if (left && right) return true;
  }
  return false;
}

template <class T, class Pred>
std::uint32_t erase_counted(std::vector<T>& items, Pred pred) {
  const auto before = items.size();
  items.erase(std::remove_if(items.begin(), items.end(), pred), items.end());
  return static_cast<std::uint32_t>(before - items.size());
}

}  // namespace

sensitive_config sensitive_config::defaults() {
  sensitive_config c;
  c.ssr_codes = {// meals with religious meaning
                 "MOML", "KSML", "HNML", "VJML",
                 // meals with medical meaning
                 "DBML", "GFML", "BLML", "NLML", "LSML",
                 // medical and assistance
                 "WCHR", "WCHS", "WCHC", "WCBD", "WCBW", "WCMP", "WCLB", "WCOB", "MEDA", "BLND",
                 "DEAF", "DPNA", "STCR", "OXYG", "PPOC", "ESAN", "SVAN"};
  c.keywords = {"MEDICAL",   "WHEELCHAIR", "PREGNAN", "DIABET", "OXYGEN",
                "STRETCHER", "DISABIL",    "HALAL",   "KOSHER", "RELIGIO"};
  c.free_text_ssr_codes = {"OTHS", "OSI", "PCTC"};
  return c;
}

bool sensitive_config::is_sensitive_code(std::string_view code) const noexcept {
  return std::find(ssr_codes.begin(), ssr_codes.end(), code) != ssr_codes.end();
}

bool sensitive_config::matches_keyword(std::string_view text) const noexcept {
  return std::any_of(keywords.begin(), keywords.end(),
                     [&](const std::string& k) { return contains_ci(text, k); });
}

bool sensitive_config::is_sensitive(const model::ssr& s) const noexcept {
  if (is_sensitive_code(s.code)) return true;
  const bool free_text = std::find(free_text_ssr_codes.begin(), free_text_ssr_codes.end(),
                                   s.code) != free_text_ssr_codes.end();
  return free_text && s.text && matches_keyword(*s.text);
}

std::uint32_t filter_sensitive(model::pnr& p, const sensitive_config& config) {
  std::uint32_t removed = 0;
  auto ssr_pred = [&](const model::ssr& s) { return config.is_sensitive(s); };
  removed += erase_counted(p.ssrs, ssr_pred);
  for (auto& t : p.travellers) removed += erase_counted(t.mutable_details().ssrs, ssr_pred);
  removed += erase_counted(p.osi, [&](const std::string& s) { return config.matches_keyword(s); });
  removed += erase_counted(p.history, [&](const model::history_entry& h) {
    if (!h.text) return false;
    if (config.matches_keyword(*h.text)) return true;
    return std::any_of(config.ssr_codes.begin(), config.ssr_codes.end(),
                       [&](const std::string& c) { return contains_word(*h.text, c); });
  });
  removed += erase_counted(p.other_segments, [&](const model::other_segment& s) {
    return s.text && config.matches_keyword(*s.text);
  });
  p.sensitive_removed = p.sensitive_removed.value_or(0) + removed;
  return removed;
}

std::string mask_account(std::string_view account, bool& in_clear) {
  std::size_t digits = 0;
  for (char c : account) digits += (c >= '0' && c <= '9') ? 1u : 0u;
  in_clear = digits == account.size() && digits >= 12 && digits <= 19;
  std::string out(account);
  for (std::size_t i = 0; i + 4 < out.size(); ++i) out[i] = 'X';
  return out;
}

}  // namespace apipnr::pnrgov
