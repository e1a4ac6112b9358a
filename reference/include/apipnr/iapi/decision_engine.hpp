// The iAPI board / no-board decision engine of the reference receiver (STANDARDS.md §2.7, §5.4;
// ICAO-A9-9.14-001). It turns an iAPI request in the canonical model into one directive per
// passenger (API-CUSRES-ERC-002) or a header-level rejection (API-CUSRES-ERP-002/004), and
// hands the result to the CUSRES writer (responses/cusres_from_request.hpp).
//
//   apipnr::iapi::decision_engine engine;
//   apipnr::iapi::load_error where;
//   if (auto ec = engine.reload({"watchlist.json", "authorisations.json"}, where))
//     log(where.to_string());                     // old lists stay in force
//   const auto result = engine.decide(request);   // request: model::canonical_message
//   for (const auto& d : result.passengers) log(to_log_record(d));
//   auto cusres = to_cusres(request, result, envelope);  // then responses::write_cusres()
//
// Decision table (first row that applies, per passenger; docs/IAPI.md has the full table):
//   4Z  no document; or, as `engine_options` require, no document number, no issuing state or
//       no valid date of birth; or no nationality while the authorisation list names any
//       nationality                                                   (API-CUSRES-ERC-005)
//   1Z  a watchlist entry with action no_board matches                (API-CUSRES-ERC-002)
//   1Z  the traveller's nationality needs a travel authorisation and none of the traveller's
//       documents holds one valid from the first departure date to the last arrival date
//   2Z  a watchlist entry with action advisory matches
//   0Z  otherwise                                                     (API-CUSRES-ERC-004)
// Header-level errors (errc.hpp IAPI-REQ-*, in this order): not an iAPI request, no travellers,
// too many travellers, a traveller without ABO, no flight / departure date.
//
// Lists: the engine holds one immutable snapshot (watchlist + authorisation list) behind a
// std::shared_ptr read and written with atomic load/store. reload() parses and validates both
// files completely and only then swaps the pointer; on any error the previous snapshot stays in
// force. A decide() call loads the pointer once, so it sees either the old or the new snapshot,
// never a mix. Before the first successful reload the snapshot is empty: no watchlist hits and no
// nationality needs an authorisation.
//
// Determinism: the same request and snapshot give the same decisions (list file order breaks
// ties; no clock is read: validity is judged against the flight's own dates).
//
// Thread safety: decide(), snapshot() and the free functions may be called from any number of
// threads, also while reload() runs; reload() calls are serialised internally.
// Errors: never thrown (only std::bad_alloc can escape).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>
#include <nlohmann/json_fwd.hpp>

#include "apipnr/iapi/errc.hpp"
#include "apipnr/iapi/lists.hpp"
#include "apipnr/model/canonical.hpp"
#include "apipnr/responses/cusres.hpp"
#include "apipnr/responses/envelope.hpp"

namespace apipnr::iapi {

// The rule that decided a passenger. Each has a stable ID (rule_id()) and requirement.
enum class rule : std::uint8_t {
  no_document,            // 4Z IAPI-RULE-NO-DOCUMENT
  no_document_number,     // 4Z IAPI-RULE-NO-DOC-NUMBER
  no_issuing_state,       // 4Z IAPI-RULE-NO-ISSUING-STATE
  no_date_of_birth,       // 4Z IAPI-RULE-NO-DOB
  no_nationality,         // 4Z IAPI-RULE-NO-NATIONALITY (only while some nationality needs
                          //    an authorisation)
  watchlist_no_board,     // 1Z IAPI-RULE-WATCHLIST-NO-BOARD
  authorisation_missing,  // 1Z IAPI-RULE-AUTH-MISSING
  authorisation_invalid,  // 1Z IAPI-RULE-AUTH-NOT-VALID (expired or not yet valid)
  watchlist_advisory,     // 2Z IAPI-RULE-WATCHLIST-ADVISORY
  cleared,                // 0Z IAPI-RULE-CLEAR
};

struct rule_info {
  rule value;
  std::string_view id;           // e.g. "IAPI-RULE-WATCHLIST-NO-BOARD"
  std::string_view requirement;  // e.g. "API-CUSRES-ERC-002"
  responses::directive directive;
  std::string_view agent_text;  // FTX+AAP text for the check-in agent (UNOA repertoire)
};

[[nodiscard]] const rule_info& info(rule r) noexcept;

// What part of a watchlist entry matched.
enum class match_basis : std::uint8_t { none, document, name_and_birth_date };

struct passenger_decision {
  std::size_t traveller_index = 0;  // position in request.travellers
  std::string passenger_reference;  // RFF+ABO, echoed in the answer
  responses::directive directive = responses::directive::ok_to_board;
  rule fired = rule::cleared;
  std::string entry_id;  // the watchlist or authorisation entry involved; empty when none
  std::string reason;    // the watchlist entry's reason code; empty otherwise
  match_basis basis = match_basis::none;
};

struct decision_set {
  // Set when the request as a whole cannot be decided; then `passengers` is empty and the
  // answer is a header-level ERP+1 / ERC+1 (API-CUSRES-ERP-004).
  boost::system::error_code header_error;
  std::vector<passenger_decision> passengers;  // request order (API-IAPI-FLOW-004)
  std::uint64_t lists_generation = 0;          // the snapshot the decisions were taken with
};

struct engine_options {
  // What a passenger must carry, beyond a document, to be decided (else 4Z). A state's profile
  // may relax these (RCV-PROF-001).
  bool require_document_number = true;
  bool require_issuing_state = true;
  bool require_date_of_birth = true;
  // Travellers answered per request; above it the request is refused at header level. CUSRES
  // allows at most 99 ERP groups (API-CUSRES-STR-003), so larger values are treated as 99.
  std::size_t max_travellers = 99;
  // Write the rule's agent text as FTX+AAP in each passenger answer (API-CUSRES-FTX-001).
  bool agent_text = true;
  list_limits limits{};
};

// The immutable lists a decision is taken with.
struct lists_snapshot {
  std::uint64_t generation = 0;  // 0 = the empty start-up snapshot; +1 per successful reload
  apipnr::iapi::watchlist watchlist;
  authorisation_list authorisations;
};

struct list_paths {
  std::filesystem::path watchlist;
  std::filesystem::path authorisations;
};

class decision_engine {
 public:
  explicit decision_engine(engine_options opts = {});
  decision_engine(const decision_engine&) = delete;
  decision_engine& operator=(const decision_engine&) = delete;

  // Loads both files and swaps them in together. On error fills `err` (file, line, field),
  // returns its code and keeps the lists in force.
  [[nodiscard]] boost::system::error_code reload(const list_paths& paths, load_error& err);
  // The same from text already in memory; `*_source` names each text in errors.
  [[nodiscard]] boost::system::error_code reload_text(std::string_view watchlist_json,
                                                      std::string_view watchlist_source,
                                                      std::string_view authorisations_json,
                                                      std::string_view authorisations_source,
                                                      load_error& err);

  // The snapshot in force. Never null.
  [[nodiscard]] std::shared_ptr<const lists_snapshot> snapshot() const noexcept;

  // Decides every passenger of `request` with the snapshot in force.
  [[nodiscard]] decision_set decide(const model::canonical_message& request) const;

  // The refusal of the request as a whole that decide() would give (its `header_error`: not an
  // iAPI request, no travellers, too many, a traveller without ABO, no flight with a valid
  // departure date), or an empty code when it decides each passenger. Reads no list; cheap.
  // The receiver asks it before storing a request, so that the stored verdict is the answer's.
  [[nodiscard]] boost::system::error_code refusal(const model::canonical_message& request) const;

  // Decides with an explicit snapshot (tests, replays).
  [[nodiscard]] decision_set decide(const model::canonical_message& request,
                                    const lists_snapshot& lists) const;

  const engine_options& options() const noexcept { return opts_; }

 private:
  boost::system::error_code install(boost::system::result<watchlist> wl,
                                    boost::system::result<authorisation_list> al);

  engine_options opts_;
  // Read and written only through std::atomic_load_explicit / std::atomic_store_explicit. Not
  // std::atomic<std::shared_ptr>: libstdc++ 12 releases that one's internal lock with relaxed
  // order after a load, which ThreadSanitizer reports as a race with the next store.
  std::shared_ptr<const lists_snapshot> current_;
  std::mutex reload_mutex_;  // serialises reloads so generations are assigned in order
};

// The CUSRES 962 answering `request` with `decisions` (API-IAPI-FLOW-003): the passenger
// answers of responses::make_response() with each ERC replaced by the decided directive (and the
// rule's agent text when `agent_text`), or, for a header error, the request echo, the flight
// group when it can be formed, and ERP+1 / ERC+1 with the error's ID as FTX text.
// Errors: those of make_response() (apipnr.responses category), e.g. when the request has no
// message or transaction reference and no CUSRES can echo it (the receiver then falls back to
// CONTRL, RCV-BAD-001); responses::errc::cusres_no_result when `decisions` and `request` do not
// belong together.
[[nodiscard]] boost::system::result<responses::cusres_response> to_cusres(
    const model::canonical_message& request, const decision_set& decisions,
    const responses::envelope& env, bool agent_text = true);

// The structured log record of one decision: rule id, requirement, directive, entry id, reason
// code, match basis, traveller index, ABO reference. It carries no name, date of birth or
// document number (DP-LOG-003).
[[nodiscard]] nlohmann::json to_log_record(const passenger_decision& d);

}  // namespace apipnr::iapi
