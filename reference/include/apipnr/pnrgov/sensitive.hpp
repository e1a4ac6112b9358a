// The sensitive-data filter (DP-SENS-001, DP-SENS-002) and card-number masking (DP-MASK-004),
// applied to a canonical PNR before it is stored.
//
// Special-category data (religion, health) must not be processed where the regime forbids it.
// The filter is driven by data, not code: a list of SSR codes removed wherever they occur
// (PNR-level, traveller-level and segment SSRs) and a list of keywords matched, case-insensitive
// and as substrings, against free text: OSI / IFT entries, history lines, non-air segment text
// and the text of the free-text SSR codes in `free_text_ssr_codes` (OTHS, ...). History lines
// that name a listed SSR code as a word are removed too.
//
// Removed items are only COUNTED (pnr::sensitive_removed); what was removed is kept nowhere, not
// in the model, not in findings (callers report the count only).
//
// The default list (`sensitive_config::defaults()`) is documented in docs/error-codes-pnrgov.md:
//   meals with religious meaning  MOML KSML HNML VJML
//   meals with medical meaning    DBML GFML BLML NLML LSML
//   medical / assistance          WCHR WCHS WCHC WCBD WCBW WCMP WCLB WCOB MEDA BLND DEAF DPNA
//                                 STCR OXYG PPOC ESAN SVAN
//   keywords                      MEDICAL WHEELCHAIR PREGNAN DIABET OXYGEN STRETCHER DISABIL
//                                 HALAL KOSHER RELIGIO
// A state profile replaces or extends these lists.
//
// Thread safety: a const config may be shared; filter functions mutate only their argument.
// Errors: none; nothing throws except std::bad_alloc.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "apipnr/model/canonical.hpp"

namespace apipnr::pnrgov {

struct sensitive_config {
  std::vector<std::string> ssr_codes;            // exact SSR codes (upper case)
  std::vector<std::string> keywords;             // case-insensitive substrings of free text
  std::vector<std::string> free_text_ssr_codes;  // SSR codes whose text is keyword-checked

  // The documented default lists (see the header comment).
  [[nodiscard]] static sensitive_config defaults();

  [[nodiscard]] bool is_sensitive_code(std::string_view code) const noexcept;
  [[nodiscard]] bool matches_keyword(std::string_view text) const noexcept;
  [[nodiscard]] bool is_sensitive(const model::ssr& s) const noexcept;
};

// Removes every sensitive item from `p` and adds their number to `p.sensitive_removed` (which
// is set, to 0 when nothing was removed). Returns the number removed by this call.
std::uint32_t filter_sensitive(model::pnr& p, const sensitive_config& config);

// Masks an account number: every character but the last four becomes 'X' (canonical
// `account_masked`). `in_clear` is set when the input looks like a full card number sent
// unmasked (12 to 19 digits, no mask characters) so the caller can report DP-MASK-004.
[[nodiscard]] std::string mask_account(std::string_view account, bool& in_clear);

}  // namespace apipnr::pnrgov
