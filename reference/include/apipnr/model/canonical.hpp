// The canonical model: everything a receiver understood from one logical message.
//
// These types mirror specs/canonical/canonical.schema.json (version 1.0) one to one; that schema
// and specs/canonical/README.md are the contract (field meanings, normalisation of dates, "absent
// means absent"). The message layer fills them from PAXLST / PNRGOV EDIFACT and PNRGOV XML; the
// receiver stores them and serves them as JSON; the harness never uses these types (it compares
// JSON documents with its own code).
//
// Ownership: every value is owned (std::string, model::text), so a model outlives the buffer it was
// parsed from. Optional fields are std::optional or empty vectors; to_json() and canonical_json()
// omit them. A traveller's documents and references are vectors that hold their first few elements
// inside the traveller (document_list, reference_list); more go to the heap as in a std::vector.
//
// Thread safety: value types.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/container/small_vector.hpp>
#include <nlohmann/json_fwd.hpp>

#include "apipnr/model/text.hpp"

namespace apipnr::model {

inline constexpr const char* canonical_version = "1.0";

using opt_string = std::optional<std::string>;

struct contact {
  std::string type;  // phone | fax | email | other
  std::string value;
};

struct address {
  opt_string purpose, street, city, sub_entity, postal_code, country, free_text;
};

// reference, document and traveller hold their values in model::text / model::opt_text
// (text.hpp: 16 bytes, 15 characters in line) instead of std::string / std::optional<std::string>
// (32 / 40 bytes): most values are short, and a 20,000-traveller PAXLST wrote and read its
// travellers' bytes once more for every byte of them (936 bytes a traveller, 440 now).
struct reference {
  text qualifier;  // AVF, ABO, SEA, CR, AEA, YZY, ...
  text value;
};

struct document {
  text type;
  text number;
  opt_text issuing_state, expiry, issue_date, nationality;
  opt_text source;  // DOC | DOCS | DOCO | XML
};

// A traveller's documents and references: std::vector's interface (push_back, emplace_back,
// size, iteration, clear keeping the capacity, ...) with the first elements stored inside the
// traveller. Most travellers carry one document and up to three references (a PAXLST's DOC, RFF
// AVF/ABO/SEA): those cost no allocation of their own and lie next to the traveller's other
// fields, instead of two heap blocks per traveller (a 20,000-traveller PAXLST made 40,000
// allocations for them). A fourth reference moves the list to the heap, as a std::vector grows.
using document_list = boost::container::small_vector<document, 1>;
using reference_list = boost::container::small_vector<reference, 3>;

struct place_time {
  opt_string port, scheduled, qualifier;
};

struct leg {
  std::optional<std::uint32_t> sequence;
  opt_string carrier, flight_number, operating_carrier, operating_flight_number, booking_class,
      status, equipment;
  std::optional<std::uint32_t> party_size;
  place_time departure, arrival;
};

struct flight {
  opt_string carrier, number, journey_id, transport_stage;
  std::vector<leg> legs;
};

struct bags {
  std::optional<std::uint32_t> count;
  std::optional<double> weight;
  opt_string unit;
  std::vector<std::string> tags;
  bool empty() const noexcept { return !count && !weight && !unit && tags.empty(); }
};

struct ssr {
  std::string code;
  opt_string status, carrier, board, off, text;
  std::optional<std::uint32_t> quantity;
  std::vector<std::string> traveller_refs;
  std::vector<std::uint32_t> segment_refs;
};

struct payment {
  std::string type;
  opt_string vendor, account_masked, expiry, currency;
  std::optional<double> amount;
};

struct ticket {
  opt_string number, document_type, issue_date, currency;
  std::optional<std::uint32_t> booklets;
  std::optional<double> base_fare, total_fare;
  std::vector<payment> payments;
};

struct frequent_flyer {
  opt_string carrier, number, tier;
};

// The facts about a traveller that most travellers of a message do not carry (title, place of
// birth, crew function, PNR references, bags, tickets, SSRs, ...): held out of line by
// traveller, so that a traveller without them is less than half the size (a 20,000-traveller
// PAXLST wrote 20 MB of mostly empty optionals per message when they were inline). Same fields,
// same meanings as in the schema's traveller object.
struct traveller_details {
  opt_string title, residence_country, place_of_birth, clearance_port, crew_function, verified,
      pnr_traveller_ref, passenger_type;
  std::optional<bool> in_transit, infant, accompanied_by_infant;
  std::vector<address> addresses;
  std::vector<contact> contacts;
  bags baggage;
  std::vector<frequent_flyer> frequent_flyers;
  std::vector<ticket> tickets;
  std::vector<ssr> ssrs;
};

struct traveller {
  text role;  // passenger | crew | transit_passenger | transit_crew | infant | other
  text surname;
  opt_text party_function, given_names, middle_names, gender, date_of_birth, nationality,
      embarkation, debarkation, seat;
  document_list documents;
  reference_list references;

  // Not "= default": with a constructor of its own, a new traveller (traveller(),
  // emplace_back()) is built member by member instead of being zero-filled first, all 440 bytes
  // of it, most of them the in-line document and reference storage that nothing reads before it
  // is written.
  traveller() noexcept {}

  // The rarer fields (traveller_details). details() reads them: an empty set (every field
  // absent) when none was ever written, so a reader needs no test. mutable_details() writes
  // them, allocating the set on first use. has_details(): whether it was allocated (a writer
  // that only transforms present values, such as a charset conversion, can skip a traveller
  // without). Copying a traveller copies its details; moving moves the pointer.
  const traveller_details& details() const noexcept {
    return details_.p ? *details_.p : no_details();
  }
  traveller_details& mutable_details() {
    if (!details_.p) details_.p = std::make_unique<traveller_details>();
    return *details_.p;
  }
  bool has_details() const noexcept { return details_.p != nullptr; }

  // Makes this traveller equal to a new one (every field empty or absent, no details) while
  // keeping the capacity of role, surname, documents and references, so that a traveller slot
  // reused for the next message (paxlst::extract_into) is filled without allocating. The
  // details set is released (most travellers of a PAXLST have none).
  void clear() noexcept;

 private:
  static const traveller_details& no_details() noexcept;
  // Copying copies the pointee (a traveller is a value type).
  struct details_box {
    std::unique_ptr<traveller_details> p;
    details_box() = default;
    details_box(const details_box& o)
        : p(o.p ? std::make_unique<traveller_details>(*o.p) : nullptr) {}
    details_box(details_box&&) noexcept = default;
    details_box& operator=(const details_box& o) {
      if (this != &o) p = o.p ? std::make_unique<traveller_details>(*o.p) : nullptr;
      return *this;
    }
    details_box& operator=(details_box&&) noexcept = default;
    ~details_box() = default;
  };
  details_box details_;
};

struct record_locator {
  std::string locator;
  opt_string company, control_type;
};

struct originator {
  opt_string company, location, agent_id, originator_type, country, currency, language;
};

struct check_in {
  opt_string traveller_ref, seat, cabin, sequence, at;
  bags baggage;
};

struct history_entry {
  opt_string action, at, originator, text;
};

struct other_segment {
  opt_string kind, text;
};

struct pnr {
  std::vector<record_locator> record_locators;
  opt_string created, last_modified;
  std::optional<bool> cancelled;
  std::optional<originator> origin;
  std::vector<traveller> travellers;
  std::vector<leg> itinerary;
  std::vector<ssr> ssrs;
  std::vector<std::string> osi;
  std::vector<contact> contacts;
  std::vector<address> addresses;
  std::vector<std::string> split_locators;
  std::vector<other_segment> other_segments;
  std::vector<check_in> check_ins;
  std::vector<history_entry> history;
  std::optional<std::uint32_t> sensitive_removed;
};

struct message_part {
  std::optional<std::uint32_t> number;
  std::optional<bool> final_part;
  opt_string message_reference;
};

struct message_info {
  std::string kind;    // api | iapi_request | api_crew | api_flight_status | pnr_push | ...
  std::string syntax;  // edifact | xml
  std::string type;    // PAXLST, PNRGOV, IATA_PNRGOV_NotifRQ, ...
  opt_string version, sender, recipient, interchange_reference, message_reference,
      application_reference, prepared, common_access_reference, document_code, document_subtype,
      scenario, transaction_reference, transaction_revision;
  std::optional<bool> test;
  std::vector<message_part> parts;
};

struct reporting_party {
  opt_string name;
  std::vector<contact> contacts;
};

struct totals {
  std::optional<std::uint32_t> passengers, crew, pnrs;
};

struct push_info {
  opt_string function;  // full | update
  opt_string originator_company, originator_location, originator_system;
};

// One logical message. Exactly the sections the message carried are set.
struct canonical_message {
  message_info message;
  std::optional<reporting_party> reporter;
  std::optional<apipnr::model::flight> flight_info;
  std::vector<traveller> travellers;
  std::optional<apipnr::model::totals> counts;
  std::vector<pnr> pnrs;
  std::optional<push_info> push;
};

// Serialises to the canonical JSON (schema version 1.0): absent fields are omitted, arrays keep
// message order. Never throws except std::bad_alloc.
nlohmann::json to_json(const canonical_message& m);

// The canonical JSON text of `m`, appended to `out`: byte for byte what
// to_json(m).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) gives (keys in byte
// order, no whitespace, nlohmann's string escapes and number formatting, each ill-formed UTF-8
// sequence replaced by U+FFFD), written straight from the model without building the DOM. It
// allocates only when `out` grows, so a caller that reuses `out` (clear() keeps the capacity)
// allocates nothing once it has grown. This is the text the receiver stores; to_json() stays for
// callers that need the document. Never throws except std::bad_alloc.
void append_canonical_json(const canonical_message& m, std::string& out);
// The same into a new string.
std::string canonical_json(const canonical_message& m);

}  // namespace apipnr::model
