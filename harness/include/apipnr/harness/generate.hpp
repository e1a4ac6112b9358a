// Synthetic traffic for load runs (docs/GENERATOR.md): a deterministic generator of PAXLST
// batch and crew lists, iAPI check-in requests and PNRGOV pushes (EDIFACT and XML) for a
// state's day of flights, each message with its ground-truth canonical JSON
// (specs/canonical/canonical.schema.json), so that data fidelity can be scored under load.
//
// Determinism: the output is a function of `options` alone. Same options (seed included) give
// the same bytes, on any platform and compiler: the generator uses its own PRNG (splitmix64
// seeding xoshiro256**) and its own integer range mapping, never std::*_distribution, the
// clock, the locale or unordered iteration. Changing anything that changes the bytes bumps
// `generator_version`.
//
// The harness writes these messages itself: nothing here includes or links the reference.
// All people are synthetic (name pools combined at random, test-range documents), carriers
// are the corpus's XX and YY.
//
// Errors: `make_plan` returns false with a message ("[apipnr.generate.NNN] ...",
// docs/error-codes-harness-generate.md) for invalid options; rendering never fails.
// Thread safety: a `plan` is immutable after `make_plan`; `render` is const and may be called
// from several threads at once (it keeps no shared mutable state).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace apipnr::harness::generate {

// Bumped whenever the same options would produce different bytes.
inline constexpr const char* generator_version = "3";

enum class push_mode { full, update };

struct options {
  std::uint64_t seed = 1;
  // A day profile of harness/data/generator.json: "small", "mid-size", "hub".
  std::string profile = "mid-size";
  // Flights in the day; 0 = the profile's flights_per_day.
  std::uint32_t flights = 0;
  // The day (24 h) is compressed into this many seconds: at_ms = second of day * run_seconds
  // * 1000 / 86400.
  std::uint32_t run_seconds = 3600;
  // The generated day, YYYY-MM-DD (flights departing up to three days later push PNRs today).
  std::string date = "2026-03-02";
  // A PAXLST or PNRGOV EDIFACT message longer than this is sent as a multi-part set (UNH 0068
  // + S010 01:C ... nn:F), each part in its own interchange. Minimum 4096.
  std::size_t max_part_bytes = 65536;
  // Share of flights whose PNR pushes are PNRGOV XML instead of EDIFACT, per mille.
  std::uint32_t pnr_xml_per_mille = 200;
  // full: every push carries every live PNR (MSG 22); update: the first push is full, later
  // pushes carry new, changed and cancelled PNRs only (MSG 141).
  push_mode pnr_push = push_mode::full;
  // Which kinds to generate.
  bool paxlst = true, crew = true, iapi = true, pnr = true;
};

// One message to send (one part of a multi-part set is one message).
struct message {
  std::string id;          // unique, path-safe: e.g. "0000042-pnr_edifact-XX123-20260303-T72"
  std::string kind;        // "paxlst" | "iapi" | "pnr_edifact" | "pnr_xml"
  std::string flight;      // carrier + number + "/" + departure date: "XX123/2026-03-03"
  std::int64_t at_ms = 0;  // send offset from run start (day profile)
  std::string bytes;       // the message (an interchange, or an XML document)
  std::string canonical;   // ground truth of the logical message (compact JSON, sorted keys)
  // Multi-part sets: every part carries the set's canonical; `part` is 1-based, `parts` > 1.
  std::string set;  // id of the logical message ("" when single)
  std::uint32_t part = 1, parts = 1;
};

// A planned logical message: rendered on demand.
struct planned {
  std::int64_t at_ms = 0;
  std::uint32_t flight = 0;  // flight instance (internal index)
  std::uint32_t kind = 0;    // internal event kind
  std::uint32_t arg = 0;     // booking index (iAPI) or push number (PNR)
};

class plan {
 public:
  // Logical messages in send order (at_ms, then a fixed tie order).
  const std::vector<planned>& events() const noexcept { return events_; }
  const options& opts() const noexcept { return opts_; }
  // Renders logical message `i` (one or more parts, in send order). Deterministic, const.
  std::vector<message> render(std::size_t i) const;

 private:
  friend bool make_plan(const options&, plan&, std::string&);
  struct state;  // schedule and flight instances (generate.cpp)
  std::vector<message> render_event(std::size_t i) const;
  options opts_;
  std::shared_ptr<const state> state_;
  std::vector<planned> events_;
};

// Validates `o`, lays out the day (schedule, flight instances, event times). False + error
// ("[apipnr.generate.NNN] ...") on invalid options.
bool make_plan(const options& o, plan& out, std::string& error);

// Counts and sizes of a rendered run, for generator.json.
struct totals {
  std::uint64_t messages = 0, bytes = 0, paxlst = 0, iapi = 0, pnr_edifact = 0, pnr_xml = 0;
  std::uint64_t paxlst_bytes = 0, iapi_bytes = 0, pnr_edifact_bytes = 0, pnr_xml_bytes = 0;
};

// Renders the whole plan into `dir` (created; must be empty or absent): messages/<id>.edi|.xml,
// canonical/<set or id>.json, manifest.jsonl (one line per message, send order) and
// generator.json. False + error ("[apipnr.generate.NNN] ...") on I/O errors.
bool write_run(const plan& p, const std::filesystem::path& dir, totals& t, std::string& error);

// The generator.json document (version, seed, every option, counts per kind, total bytes).
std::string generator_json(const options& o, const totals& t);

// One manifest.jsonl line (without the newline) for `m` written as `file` / `canonical_file`.
std::string manifest_line(const message& m, std::string_view file, std::string_view canonical_file);

// Transliterates a UTF-8 name to the MRZ Latin set (ICAO Doc 9303 style): upper-case A-Z and
// single spaces. Latin letters with diacritics per the national conventions of Doc 9303
// (Ä AE, Ö OE, Ü UE, Å AA, Ø OE, Æ AE, ß SS, Ñ N, Þ TH ...), Cyrillic and Greek per their
// Doc 9303 tables (Greek digraphs ΟΥ, ΑΥ/ΕΥ/ΗΥ, ΓΓ/ΓΞ/ΓΧ as ELOT 743 writes them), hyphens become
// spaces, apostrophes are dropped. `unmapped` counts the code points it could not map (dropped).
struct transliteration {
  std::string text;
  std::size_t unmapped = 0;
};
transliteration mrz_transliterate(std::string_view utf8);

// Lower-case hex SHA-256 of the canonical JSON of a whole run's manifest (manifest.jsonl
// bytes): the value the golden test pins.
std::string manifest_digest(const plan& p);

}  // namespace apipnr::harness::generate
