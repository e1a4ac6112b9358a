// The reference pipeline: everything the reference does with one received interchange, in one
// call. This is what the receiver, the `apipnr-validate` command and the message-level vector
// tests share, so that they can never disagree on a verdict.
//
//   bytes ─► sniff (EDIFACT | XML) ─► syntax (edifact::parser) ─► per message:
//            structure (message::parse_structure, with the profile's severity hook)
//            ─► profile rules (profile::validate) ─► extraction (paxlst / pnrgov / xml)
//            ─► sensitive-data filter (PNR) ─► findings + canonical messages [+ CONTRL]
//
//   auto engine = apipnr::pipeline::engine::load({.specs_dir = "specs", .profile = "baseline"});
//   if (!engine) { ...engine.error() names the file and JSON pointer... }
//   apipnr::pipeline::result r = engine->check(bytes);   // never throws on bad input
//
// Multi-part PAXLST sets spread over several inputs are joined by a `session` (below), which
// wraps paxlst::reassembler.
//
// Verdicts: `reject` when any finding is error or fatal; `accept_with_warnings` when the worst
// is a warning; `accept` otherwise (info findings never count). Profile rules decide severities
// (reject -> error, warn -> warning). Syntax findings: in strict mode ISO 9735 as written (every
// tolerable deviation is an error, whatever the profile says); in tolerant mode the profile's
// `syntax` table decides (severity and CONTRL code per kind of deviation). Structure findings
// always take the profile's table.
//
// Decisions (documented here, reported to the project):
//  - Severity sources. The profile governs: EDIFACT syntax findings and message-layer
//    (structure) findings both pass through the profile's syntax table (profile::syntax_sink),
//    which sets their level and 0085 code where it has a key (a trailing separator is a warning
//    under the baseline even in strict mode). The parser's strict/tolerant mode decides only the
//    tolerable findings the table has no key for.
//  - An extraction finding (PAX-*, PNRMAP-*) about a requirement that a profile rule also judged
//    at the same segment takes the rule's level: the profile decides how bad it is, extraction
//    only says that it kept the value (e.g. RFF+TN in a traveller group, a warning in the
//    baseline).
//  - A message whose UNH names no loaded definition gets MSG-NO-DEFINITION (0085 code 2) and no
//    profile validation or extraction; the rest of the interchange is still checked.
//  - Extraction runs on every message with a definition, rejected or not (data-quality reports
//    want to see what was sent); `message_outcomes` says which were rejected, and a `session`
//    never joins a rejected message into a logical message.
//  - Interchange- and group-level findings (finding_message -1) count against every message.
//  - The CONTRL answers syntax and structure findings (categories apipnr.edifact and
//    apipnr.message): structure findings carry 0085 codes and message positions, so a message
//    with a structure error gets UCM 4. Profile-rule and extraction findings are application
//    level (CUSRES / ACKRES), not CONTRL. No CONTRL for an interchange made only of CONTRLs.
//  - total_matches rules over a logical message see the earlier parts of the same interchange
//    only (check() is stateless); sets spread over interchanges are checked by the session.
//
// Thread safety: an `engine` is immutable after load(); check() is const and may run on many
// threads at once. A `session` is not synchronised.
// Memory: check() keeps its EDIFACT working storage (the parsed interchange and the group trees
// with their element index) per thread between calls, so a worker does not allocate and
// page-fault tens of megabytes afresh for every large interchange; each thread therefore holds
// the working storage of the largest interchange it has checked (about 8 times its size),
// released after an interchange of more than 2^20 segments.
// Lifetime: `result` owns everything it holds (no views into the input).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/system/result.hpp>

#include "apipnr/common/diagnostic.hpp"
#include "apipnr/edifact/parser.hpp"
#include "apipnr/model/canonical.hpp"
#include "apipnr/model/dates.hpp"

namespace apipnr::pipeline {

enum class verdict : std::uint8_t { accept, accept_with_warnings, reject };
std::string_view to_string(verdict v) noexcept;

struct options {
  // Folder holding messages/, profiles/ and requirements/ (the repository's specs/).
  std::filesystem::path specs_dir = "specs";
  // A profile name in specs/profiles ("baseline", "us", "uk", "cn", ...) or a path to a state's
  // own overlay file (anything containing '/' or ending in ".json").
  std::string profile = "baseline";
  edifact::mode syntax_mode = edifact::mode::strict;
  edifact::limits syntax_limits{};
  bool extract = true;           // build canonical messages
  bool filter_sensitive = true;  // apply the PNR sensitive-data filter before returning them
  bool contrl = false;           // build the CONTRL the reference receiver would send
  // PAXLST: the structure walk's fast path first (message::fast_parse_structure, first stage
  // of the one-pass walker, docs/PERFORMANCE.md). It builds the same tree for a message the
  // walk passes without a finding and gives up on anything else, which then takes
  // parse_structure as before: results are the same either way (differential tests in
  // fast_structure_test.cpp and pipeline_test.cpp); the switch exists to compare the two.
  bool fast_structure = true;
  // PAXLST and PNRGOV (EDIFACT): the profile stage's clean case first (profile::fast_validate,
  // third stage of the one-pass walker, docs/PERFORMANCE.md): flat op arrays decide "the profile
  // reports nothing" in one walk and give up on anything else, which then takes profile::validate
  // as before (it decides and reports everything): results are the same either way (differential
  // tests in profile's fast_profile_test.cpp and pipeline_test.cpp); the switch exists to
  // compare the two.
  bool fast_profile = true;
  // Stamp each CONTRL with the current UTC date and time (UNB 0017/0019) and a control
  // reference (UNB/UNZ 0020) unique within the process: 10 digits of Unix seconds plus a
  // 4-digit counter, unique while fewer than 10,000 CONTRLs are written per second. Off, the
  // CONTRL carries the fixed 000101:0000 / 1 so that tool output is reproducible; the receiver
  // turns it on (SYN-CTL-*: a CONTRL is an interchange of its own).
  bool stamp_contrl = false;
  // With `contrl`: build the CONTRL only for an interchange that is rejected or whose UNB 0031
  // asks for an acknowledgement ("1"), the only cases in which the receiver sends one
  // (docs/RECEIVER.md); for any other input `result::contrl` stays empty. Writing a CONTRL
  // nobody reads was about 3 % of the receiver's instructions per iAPI request
  // (docs/PERFORMANCE.md "iAPI request CPU, session 7").
  bool contrl_when_sent = false;
  std::size_t max_xml_bytes = std::size_t{64} << 20;
  // Date for profile rules comparing with "today"; nullopt = the system clock (UTC). Tests and
  // replays pin it so that a verdict does not change with the calendar.
  std::optional<model::calendar_date> today;
};

// Why load() failed: the file and JSON pointer of the offending value (message definitions or
// profile), as the component loaders report them.
struct load_error {
  boost::system::error_code code;  // a message::errc or profile::errc load code
  std::string file;
  std::string pointer;
  std::string detail;
  std::string message;  // the component's full text, "[apipnr.profile.001] file#pointer: ..."
  const std::string& to_string() const noexcept { return message; }
};

// Envelope summary of what was received (EDIFACT UNB, or the XML originator).
struct envelope_summary {
  std::string syntax;  // "edifact" | "xml" | "unknown"
  std::string sender, recipient, control_reference, application_reference;
  std::string syntax_identifier;
  int syntax_version = 0;
  std::size_t messages = 0;
  std::vector<std::string> message_types;  // per message, e.g. "PAXLST:D:05B"
};

struct result {
  verdict outcome = verdict::accept;
  envelope_summary envelope;
  // Every finding of every layer, in layer order (syntax, then per message: structure,
  // profile, extraction). Each carries its diagnostic ID, 0085 code (syntax and structure),
  // requirement ID, severity, scope and position.
  std::vector<diagnostic> findings;
  // For each finding, the index of the message it belongs to, or -1 (interchange level).
  std::vector<std::int32_t> finding_message;
  // One canonical message per message of the interchange that could be extracted (parts of a
  // multi-part set are returned as parts; a `session` joins them).
  std::vector<model::canonical_message> messages;
  // For each entry of `messages`, the index of the interchange message it was extracted from
  // (0 for an XML document).
  std::vector<std::uint32_t> message_source;
  // Verdict of each message of the interchange (one entry for an XML document), counting the
  // interchange- and group-level findings too.
  std::vector<verdict> message_outcomes;
  std::string contrl;  // when options::contrl and the interchange is EDIFACT
  std::size_t bytes = 0;
};

class engine {
 public:
  // Loads the message definitions (specs_dir/messages) and the profile (with its extends
  // chain, parents searched next to an overlay file, then in specs_dir/profiles) once.
  // Errors: the loader's error code; the overload with `err` also gives file and JSON pointer.
  static boost::system::result<engine> load(const options& opts);
  static boost::system::result<engine> load(const options& opts, load_error& err);

  // Runs the whole pipeline over one received input (an interchange, possibly in a Type B
  // envelope, or a PNRGOV XML document). Never throws on bad input.
  result check(std::string_view bytes) const;
  // The same into `r`, reusing its storage: whatever `r` held (an earlier input's result) is
  // replaced, and afterwards `r` equals what check(bytes) returns. The canonical messages are
  // refilled in place (PAXLST through paxlst::extract_into: the travellers and their strings
  // and vectors keep their capacity), so a worker that checks input after input into one
  // result does not allocate and free the model of a large interchange each time; `r` holds
  // on to the storage of the largest model it has held. Never throws on bad input.
  void check(std::string_view bytes, result& r) const;

  const options& settings() const noexcept;

  engine(engine&&) noexcept;
  engine& operator=(engine&&) noexcept;
  ~engine();

 private:
  struct impl;
  explicit engine(std::unique_ptr<impl> p) noexcept;
  std::unique_ptr<impl> impl_;
};

// Verdict of a list of findings (the rule above).
verdict verdict_of(std::span<const diagnostic> findings) noexcept;

// Joins multi-part PAXLST sets across inputs (files of a folder, HTTP requests, AMQP
// deliveries). Feed every result in arrival order; complete logical messages come out.
// PNRGOV pushes split over several messages (S010, same common access reference) are joined
// the same way (paxlst::reassembler does the set bookkeeping; the session concatenates the
// PNRs in part order and checks EQN against the PNRs of the whole push, PNRMAP-EQN-COUNT).
// Messages that their result rejected are not joined (a set missing them stays incomplete).
// XML documents and other message types come out at once.
class session {
 public:
  session();
  ~session();
  session(session&&) noexcept;
  session& operator=(session&&) noexcept;

  // Takes the messages of `r` (moved out). Returns logical messages completed by this input:
  // single messages at once, multi-part sets when their last missing part arrives. Findings
  // about the set (duplicate part, CNT mismatch, ...) are reported to `sink`.
  std::vector<model::canonical_message> add(result& r, diagnostic_sink& sink);
  // The same for a result the caller keeps: only the messages that load (not rejected) are
  // copied, each once (the receiver keeps its result for the acknowledgement and the store).
  std::vector<model::canonical_message> add(const result& r, diagnostic_sink& sink);
  // End of input: every open set is reported (missing part, no final part) and returned.
  std::vector<model::canonical_message> finish(diagnostic_sink& sink);
  // Sets whose first part arrived longer ago than the reassembler's timeout (30 minutes):
  // reported like finish() and returned (partial); what to do with them is the caller's policy
  // (RCV-MULTI-001). A long-running receiver calls this so that abandoned sets do not hold
  // memory or the open-set limit.
  std::vector<model::canonical_message> expire(diagnostic_sink& sink);

 private:
  void add_one(model::canonical_message m, std::size_t bytes, diagnostic_sink& sink,
               std::vector<model::canonical_message>& out);

  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace apipnr::pipeline
