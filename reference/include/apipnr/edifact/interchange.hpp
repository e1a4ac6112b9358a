// The parsed form of an EDIFACT interchange: views into the caller's buffer.
//
// Lifetime: every `std::string_view` here points into the buffer passed to `parser::parse()`
// (or into the SITA Type B envelope inside it). The buffer MUST outlive the `interchange` and
// must not be modified while it is in use. Values are *raw*: release characters are still in
// place; call `unescape()` (or check `segment::escaped()` first) to get the literal text.
//
// Allocation: `interchange` owns three vectors that `clear()` empties without releasing their
// capacity, so a parser that reuses one `interchange` per worker allocates nothing per segment
// once the vectors have grown (simdjson's "allocate only in parse()" rule).
//
// Thread safety: a value type; no internal synchronisation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "apipnr/edifact/delimiters.hpp"

namespace apipnr::edifact {

// One segment. `body()` is everything between the tag and the terminator, starting with the
// element separator when the segment has elements ("UNH+1+PAXLST:D:05B" -> body
// "+1+PAXLST:D:05B", "SRC" -> body ""). It never contains the terminator.
//
// Layout (32 bytes, static_assert below): the record is written once per segment by the
// tokenizer and streamed by the structure walk, the profile stage and the extraction, 240,016
// of them for a 20,000-traveller PAXLST, against a 2 MiB L2; two string_views made it 56 bytes
// (docs/PERFORMANCE.md, session 16). The body follows the tag in the text, so one pointer to the
// body, the body's length and its distance from the tag give both views (the body is read far
// more often than the tag: its view costs no arithmetic).
//
// Construction contract: `tag` and `body` are views into one buffer, the body starting at or
// after the end of the tag and less than 2^29 bytes after the tag's start, and the tag at most
// 3 bytes. The tokenizer's segments always satisfy it: normally the body follows the tag; after
// an invalid tag the body starts at the first element separator or terminator and the tag is
// its first bytes (at most 3, none when the text starts with the separator), and the distance is
// below the segment length limit (the tokenizer stops with limit_segment_length otherwise).
class segment {
 public:
  // The largest distance from the tag's start to the body's start a segment can record.
  static constexpr std::size_t max_body_distance = (std::size_t{1} << 29) - 1;

  segment() = default;
  segment(std::string_view tag, std::string_view body, std::uint32_t at, std::uint32_t number,
          bool escaped, std::uint64_t separator_bits = 0) noexcept
      : body_data_(body.data()),
        separators(separator_bits),
        offset(at),
        index(number),
        body_size_(static_cast<std::uint32_t>(body.size())),
        shape_(static_cast<std::uint32_t>(tag.size()) | (escaped ? escaped_bit : 0u) |
               (static_cast<std::uint32_t>(body.data() - tag.data()) << distance_shift)) {}

  // The segment tag: 3 bytes, fewer only for an invalid tag near a separator or the end.
  std::string_view tag() const noexcept {
    return {body_data_ - (shape_ >> distance_shift), shape_ & tag_size_mask};
  }
  std::string_view body() const noexcept { return {body_data_, body_size_}; }
  // The body contains at least one release character.
  bool escaped() const noexcept { return (shape_ & escaped_bit) != 0; }

 private:
  static constexpr std::uint32_t tag_size_mask = 3;
  static constexpr std::uint32_t escaped_bit = 4;
  static constexpr unsigned distance_shift = 3;

  const char* body_data_ = nullptr;

 public:
  // Where the body's separators are, as the tokenizer's block scan found them: bit b is set
  // when body()[b] is an element or component separator (body()[b] says which). Recorded only
  // for a body shorter than 64 bytes with no release, repetition, line break or other
  // non-plain byte in it, so every separator there is unreleased and splits; 0 when not
  // recorded (any body may be left so, e.g. near the end of the text; a recorded body always
  // starts with the element separator, bit 0). The message layer's structure walk reads a
  // segment's split from it instead of scanning the body again (docs/PERFORMANCE.md, session
  // 13: the structural index); everyone else may ignore it.
  std::uint64_t separators = 0;
  std::uint32_t offset = 0;  // byte offset of the tag in the parsed buffer
  std::uint32_t index = 0;   // 1-based number in the interchange; UNB is 1, UNA is not counted

 private:
  std::uint32_t body_size_ = 0;
  // Bits 0-1: the tag's size; bit 2: escaped; bits 3-31: the body's distance from the tag.
  std::uint32_t shape_ = 0;
};
static_assert(sizeof(segment) == 32,
              "the segment record is streamed by three stages: keep it small");

// Splits raw text on one separator, honouring the release character: a released separator
// does not split, and release characters are kept in the pieces (they stay raw).
// Usage: `field_splitter s(seg.body().substr(1), d.element, d); while (s.next(piece)) ...`
class field_splitter {
 public:
  field_splitter(std::string_view raw, char separator, const delimiters& d) noexcept
      : raw_(raw), sep_(separator), release_(d.release), has_release_(d.has_release) {}
  // Stores the next piece in `out`; false when there are no more. An empty `raw` yields one
  // empty piece, like "a++b" yields "a", "", "b".
  bool next(std::string_view& out) noexcept;

 private:
  std::string_view raw_;
  std::size_t pos_ = 0;
  char sep_;
  char release_;
  bool has_release_;
  bool done_ = false;
};

// The n-th (1-based) raw data element of a segment, or an empty view when absent.
std::string_view element(const segment& s, std::size_t n, const delimiters& d) noexcept;
// The n-th (1-based) raw component of a raw element, or an empty view when absent.
std::string_view component(std::string_view element_raw, std::size_t n,
                           const delimiters& d) noexcept;
// Equality with a short literal, inline: GCC 12 calls string_view::compare out of line for
// `view == "LIT"`, and the extractors make a dozen such tests per segment.
inline bool eq(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t k = 0; k < a.size(); ++k) {
    if (a[k] != b[k]) return false;
  }
  return true;
}
// component()'s result for an element known to hold no release character (the caller decided
// that once per segment): no release test per byte and no call, for the extractors' hot loops.
inline std::string_view plain_component(std::string_view element_raw, std::size_t n,
                                        char component_separator) noexcept {
  if (n == 0) return {};
  const char* p = element_raw.data();
  const char* const end = p + element_raw.size();
  const char* start = p;
  for (;;) {
    while (p != end && *p != component_separator) ++p;
    if (--n == 0) return {start, static_cast<std::size_t>(p - start)};
    if (p == end) return {};
    start = ++p;
  }
}
// Number of data elements in a segment (0 for "SRC'", 2 for "UNT+5+1'").
std::size_t element_count(const segment& s, const delimiters& d) noexcept;

// True when `raw` contains a release character that must be removed.
bool needs_unescape(std::string_view raw, const delimiters& d) noexcept;
// Appends the literal value of `raw` to `out` (release characters removed).
void unescape(std::string_view raw, const delimiters& d, std::string& out);
// Convenience: the literal value of `raw`.
std::string unescape(std::string_view raw, const delimiters& d);

// SITA/ARINC Type B envelope around the EDIFACT text (SOH, heading, STX ... ETX).
struct type_b_envelope {
  std::string_view priority;      // e.g. "QK", "QU"
  std::string_view addresses;     // the address line without the priority: "LONPPXS ..."
  std::string_view origin;        // origin address from the ".ADDRESS DDHHMM" line
  std::string_view timestamp;     // DDHHMM from the origin line, may be empty
  std::string_view heading;       // the whole heading, SOH to STX exclusive
  std::uint32_t text_offset = 0;  // where the EDIFACT text begins in the buffer
};

struct group_view {
  std::uint32_t ung = 0;            // index into interchange::segments of UNG
  std::uint32_t une = 0;            // index of UNE; == ung when the group was not closed
  std::string_view message_group;   // UNG 0038, e.g. "PAXLST"
  std::string_view sender;          // UNG S006/0040
  std::string_view recipient;       // UNG S007/0044
  std::string_view reference;       // UNG 0048
  std::string_view agency;          // UNG 0051
  std::string_view version;         // UNG S008/0052
  std::string_view release;         // UNG S008/0054
  std::uint32_t first_message = 0;  // index into interchange::messages
  std::uint32_t message_count = 0;  // messages actually found in the group
  bool closed = false;              // UNE seen
};

struct message_view {
  std::uint32_t unh = 0;         // index into interchange::segments of UNH
  std::uint32_t unt = 0;         // index of UNT; last segment of the message when not closed
  std::string_view reference;    // UNH 0062
  std::string_view type;         // S009/0065, e.g. "PAXLST"
  std::string_view version;      // S009/0052, e.g. "D"
  std::string_view release;      // S009/0054, e.g. "05B"
  std::string_view agency;       // S009/0051, e.g. "UN"
  std::string_view association;  // S009/0057, e.g. "IATA"
  std::string_view common_access_reference;  // UNH 0068
  std::string_view sequence;                 // UNH S010/0070 (part number), e.g. "01"
  std::string_view first_last;               // UNH S010/0073: "C" (more follow) or "F" (final)
  std::int32_t group = -1;                   // index into interchange::groups, -1 when ungrouped
  bool closed = false;                       // UNT seen
  // Number of segments UNH..UNT inclusive actually present.
  std::uint32_t segment_count() const noexcept { return unt - unh + 1; }
};

struct interchange {
  std::string_view text;  // the EDIFACT text (after any Type B envelope was removed)
  delimiters delims;      // effective service characters
  bool una_present = false;
  std::optional<type_b_envelope> type_b;

  // UNB fields (raw). Empty when absent.
  std::string_view syntax_identifier;        // S001/0001, e.g. "UNOA"
  int syntax_version = 0;                    // S001/0002; 0 when missing or not numeric
  std::string_view sender;                   // S002/0004
  std::string_view sender_qualifier;         // S002/0007
  std::string_view sender_routing;           // S002/0008
  std::string_view recipient;                // S003/0010
  std::string_view recipient_qualifier;      // S003/0007
  std::string_view recipient_routing;        // S003/0014
  std::string_view date;                     // S004/0017 (YYMMDD or CCYYMMDD)
  std::string_view time;                     // S004/0019 (HHMM)
  std::string_view control_reference;        // 0020
  std::string_view application_reference;    // 0026
  std::string_view acknowledgement_request;  // 0031 ("1" = CONTRL requested)
  std::string_view test_indicator;           // 0035 ("1" = test)
  bool closed = false;                       // UNZ seen

  std::vector<segment> segments;  // UNB..UNZ in order (UNA excluded)
  std::vector<group_view> groups;
  std::vector<message_view> messages;

  // Empties the interchange but keeps the vectors' capacity.
  void clear() noexcept;

  // The message that contains segment number `segment_index` (1-based, as in `segment::index`),
  // or -1 when the segment is outside every message.
  std::int32_t message_of(std::uint32_t segment_index) const noexcept;
};

}  // namespace apipnr::edifact
