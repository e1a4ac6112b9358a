// PAXLST / iAPI request -> canonical model (specs/canonical, STANDARDS.md §2).
//
//   apipnr::diagnostic_list findings;
//   auto m = apipnr::paxlst::extract(ic, 0, defs, findings);  // ic: a parsed interchange
//   if (m) store(apipnr::model::to_json(*m));
//
// What it reads: UNB/UNH (sender, references, preparation date, S010 part), BGM (document code,
// subtype, scenario per §2.6, kind), header RFF+TN (reference and revision), SG1 (reporting party
// name and COM contacts), SG2/SG3 (flight and legs: 125->87, 92 pairs, 130 closing a 92 chain,
// DTM 189/232 as local YYYY-MM-DDTHH:MM), every SG4 traveller (role, name, address, gender, DOB,
// locations, nationality, references, verification, crew function, bags, contacts) with its SG5
// documents, and CNT 41/42. Two-digit years are resolved against the UNB preparation date
// (model/dates.hpp: birth, expiry and issue policies), never against the wall clock.
//
// Nothing is silently dropped: a value the model has no place for, an unknown code, a segment
// outside its group or an unpaired airport is reported to the sink (errc.hpp, PAX-* IDs); values
// are kept as sent wherever the model can hold them. A segment that the group-structure parser
// could not place is read where it most plausibly belongs (a DOC after the traveller's NAD goes
// to that traveller) and reported; a traveller is never dropped.
//
// Structure: the `definitions` overload runs message::parse_structure and reports its findings
// (MSG-*) to the same sink; the `message_tree` overload reuses a tree the caller already built
// (no MSG-* findings repeated); the plain overload places segments with the built-in WCO profile
// order only (for tools and tests without specs/messages).
//
// Multi-part: extract() handles one part; `totals` are the CNT as sent. The CNT-versus-travellers
// check runs here only for a complete single message (no S010, or 01:F); the reassembler
// (reassembler.hpp) checks whole sets.
//
// Errors: returns an error only when there is nothing to extract: errc::no_such_message,
// errc::not_paxlst (returned, not reported). Never throws except std::bad_alloc.
// Lifetime: the result owns all its strings; the interchange may go away afterwards.
// Thread safety: pure functions; concurrent calls need their own sinks.
#pragma once

#include <cstddef>
#include <optional>

#include <boost/system/result.hpp>

#include "apipnr/common/diagnostic.hpp"
#include "apipnr/edifact/interchange.hpp"
#include "apipnr/message/definitions.hpp"
#include "apipnr/message/tree.hpp"
#include "apipnr/model/canonical.hpp"
#include "apipnr/model/dates.hpp"
#include "apipnr/paxlst/errc.hpp"

namespace apipnr::paxlst {

struct extract_options {
  // Reference date for resolving two-digit years when the UNB date is absent or invalid, and
  // for the UNB date's own century (nearest). Default: 2000-01-01 (UNB YY -> 1950..2049).
  model::calendar_date fallback_reference{2000, 1, 1};
  // Expiry dates up to this many years before the preparation date keep their recent century.
  unsigned expiry_lookback_years = model::default_expiry_lookback_years;
};

[[nodiscard]] boost::system::result<model::canonical_message> extract(
    const edifact::interchange& ic, std::size_t message_index, const message::definitions& defs,
    diagnostic_sink& sink, const extract_options& opt = {});

[[nodiscard]] boost::system::result<model::canonical_message> extract(
    const message::message_tree& tree, diagnostic_sink& sink, const extract_options& opt = {});

[[nodiscard]] boost::system::result<model::canonical_message> extract(
    const edifact::interchange& ic, std::size_t message_index, diagnostic_sink& sink,
    const extract_options& opt = {});

// The `message_tree` overload into `out`, reusing its storage: whatever `out` held (any earlier
// message) is replaced, and afterwards `out` equals what extract(tree, sink, opt) returns, with
// the same findings. The travellers' vector and each traveller slot's strings, documents and
// references keep their capacity, so a caller that extracts message after message into the
// same `out` (the pipeline with a reused result) allocates little once it has grown; `out`
// holds on to the storage of the largest message it has held. Errors as extract(); on error
// `out` is left as it was.
[[nodiscard]] boost::system::error_code extract_into(const message::message_tree& tree,
                                                     diagnostic_sink& sink,
                                                     model::canonical_message& out,
                                                     const extract_options& opt = {});

// The scenario (canonical message.scenario, §2.6) for a BGM document code and subtype, or
// nullopt when the pair is not in the table.
[[nodiscard]] std::optional<std::string_view> scenario_for(std::string_view document_code,
                                                           std::string_view subtype) noexcept;

}  // namespace apipnr::paxlst
