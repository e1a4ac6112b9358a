// Pass 1 of the EDIFACT parser (see parser_internal.hpp): Type B envelope, UNA, segmentation,
// tag syntax, release characters, repertoire, trailing separators, line breaks and limits.
//
// Design: one pass over the bytes driven by a 256-entry class table built per parse from the
// effective delimiters and the repertoire of the UNB syntax identifier. Ordinary bytes have
// class 0 and fall through a tight loop; only separators, the release character, CR/LF and
// bytes outside the repertoire branch. Element/component numbers are plain counters bumped on
// separators, so findings get their position without rescanning. Nothing is allocated per
// segment except the amortised `segments.push_back`; strings are built only for findings.
#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#define APIPNR_TOKENIZER_SIMD 1
#endif

#include "parser_internal.hpp"

namespace apipnr::edifact::detail {
namespace {

// "'c'" for a finding's detail text. Built with append: GCC 12 at -O3 reports a false
// -Wrestrict on `"'" + std::string(1, c) + "'"`.
std::string quoted(unsigned char c) {
  std::string s;
  s.reserve(3);
  s.push_back('\'');
  s.push_back(static_cast<char>(c));
  s.push_back('\'');
  return s;
}

using byte = unsigned char;

// Byte classes. Order matters: every class up to `terminator` is a service character or plain,
// i.e. a byte that is simply literal when released; the classes after it describe value bytes
// that must be examined whether released or not.
enum byte_class : std::uint8_t {
  plain = 0,
  component,
  element,
  repetition,
  release,
  terminator,
  line_break,  // CR or LF inside a segment
  lower_case,  // a-z in a UNOA interchange
  foreign,     // outside the declared repertoire
  nul,         // binary input
  utf8_lead,   // a byte >= 0x80 in a UTF-8 interchange: validate the sequence
};

enum class repertoire : std::uint8_t { none, level_a, level_b, latin, utf8 };

// Findings that are reported at most once per segment (bit flags).
enum once_flag : unsigned {
  once_line_break = 1u << 0,
  once_lower_case = 1u << 1,
  once_foreign = 1u << 2,
  once_trailing = 1u << 3,
};

constexpr byte soh = 0x01;
constexpr byte stx = 0x02;
constexpr byte etx = 0x03;
constexpr byte is1 = 0x1F;  // level B component separator
constexpr byte is3 = 0x1D;  // level B element separator
constexpr byte is4 = 0x1C;  // level B segment terminator

constexpr bool is_space(byte c) noexcept { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
constexpr bool is_line_break(byte c) noexcept { return c == '\r' || c == '\n'; }
constexpr bool is_tag_char(byte c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
constexpr bool is_digit(byte c) noexcept { return c >= '0' && c <= '9'; }

// is_tag_char as a table: the three tag bytes of every segment are tested with three loads and
// two ANDs instead of two range tests each.
constexpr std::array<std::uint8_t, 256> tag_char_table = [] {
  std::array<std::uint8_t, 256> t{};
  for (unsigned i = 0; i < 256; ++i) t[i] = is_tag_char(static_cast<byte>(i)) ? 1 : 0;
  return t;
}();

// ISO 9735 level A: upper case, digits, space and the listed punctuation (STANDARDS.md §1.3).
constexpr bool in_level_a(byte c) noexcept {
  if (is_tag_char(c) || c == ' ') return true;
  constexpr std::string_view punctuation = ".,-()/='+:?!\"%&*;<>";
  return punctuation.find(static_cast<char>(c)) != std::string_view::npos;
}

std::uint16_t clamp16(std::uint32_t v) noexcept {
  return static_cast<std::uint16_t>(std::min<std::uint32_t>(v, 0xFFFFu));
}

std::string hex_byte(byte c) {
  constexpr char digits[] = "0123456789ABCDEF";
  std::string s = "0x";
  s.push_back(digits[c >> 4]);
  s.push_back(digits[c & 0xF]);
  return s;
}

// Length of the well-formed UTF-8 sequence starting at `p` (lead byte >= 0x80), or 0 when it is
// malformed: stray continuation byte, overlong form, surrogate, beyond U+10FFFF or truncated.
std::size_t utf8_length(const byte* p, const byte* end) noexcept {
  const byte c = p[0];
  const auto avail = static_cast<std::size_t>(end - p);
  auto cont = [&](std::size_t i, byte lo = 0x80, byte hi = 0xBF) {
    return i < avail && p[i] >= lo && p[i] <= hi;
  };
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c == 0xE0) return cont(1, 0xA0) && cont(2) ? 3 : 0;
  if (c == 0xED) return cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0;
  if (c >= 0xE1 && c <= 0xEF) return cont(1) && cont(2) ? 3 : 0;
  if (c == 0xF0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (c >= 0xF1 && c <= 0xF3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (c == 0xF4) return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

repertoire repertoire_of(std::string_view id) noexcept {
  if (id == "UNOA") return repertoire::level_a;
  if (id == "UNOB" || id == "IATA" || id == "IATB") return repertoire::level_b;
  if (id == "UNOW" || id == "UNOX" || id == "UNOY") return repertoire::utf8;
  if (id.size() == 4 && id.substr(0, 3) == "UNO" && id[3] >= 'C' && id[3] <= 'K')
    return repertoire::latin;
  return repertoire::none;  // the envelope pass reports unknown identifiers
}

// Fast path for the common segment: SSE2 masks of 64 bytes at a time say where the terminator,
// element and component separators are and whether any other non-ordinary byte (release,
// repetition, line break, byte outside the repertoire) is present. A segment that fits in one
// block and has none of the latter is handled with a few bit operations; every other segment
// takes the byte-by-byte path, which also produces every finding. The mask description of
// "ordinary" (two byte ranges plus up to four extra special bytes) may over-approximate the
// class table (sending more segments to the slow path) but is checked never to miss a byte.
// The 256 byte values in order, for block_scanner::configure's check.
constexpr std::array<byte, 256> all_bytes = [] {
  std::array<byte, 256> a{};
  for (unsigned i = 0; i < 256; ++i) a[i] = static_cast<byte>(i);
  return a;
}();

struct block_masks {
  std::uint64_t term = 0;
  std::uint64_t elem = 0;
  std::uint64_t comp = 0;
  std::uint64_t other = 0;
};

class block_scanner {
 public:
  static constexpr std::ptrdiff_t width = 64;

  // Describes ordinary bytes as [lo1, hi1] u [lo2, hi2] minus `extras`; false when the class
  // table cannot be described that way without missing a special byte (fast path disabled).
  bool configure(const std::array<std::uint8_t, 256>& cls, byte lo1, byte hi1, byte lo2, byte hi2,
                 std::string_view extras, byte term, byte elem, byte comp) noexcept {
    if (extras.size() > extra_.size()) return false;
    lo1_ = lo1;
    w1_ = static_cast<byte>(hi1 - lo1);
    lo2_ = lo2;
    w2_ = static_cast<byte>(hi2 - lo2);
    n_extra_ = extras.size();
    for (std::size_t i = 0; i < extra_.size(); ++i)
      extra_[i] = i < extras.size() ? static_cast<byte>(extras[i]) : term;
    term_ = term;
    elem_ = elem;
    comp_ = comp;
#if defined(APIPNR_TOKENIZER_SIMD)
    // The byte constants as vectors, once per parse: scan() runs for every 64 bytes and would
    // otherwise broadcast eleven bytes each time (about 40 instructions per block).
    auto splat = [](byte b) { return _mm_set1_epi8(static_cast<char>(b)); };
    v_lo1_ = splat(lo1_);
    v_w1_ = splat(w1_);
    v_lo2_ = splat(lo2_);
    v_w2_ = splat(w2_);
    v_term_ = splat(term_);
    v_elem_ = splat(elem_);
    v_comp_ = splat(comp_);
    for (std::size_t i = 0; i < extra_.size(); ++i) v_extra_[i] = splat(extra_[i]);
    // The check that the description misses no special byte, made by scan() itself over the
    // 256 byte values: every byte it takes as ordinary (no mask bit) must be plain in the class
    // table. Four scans instead of a loop over 256 bytes with a search of the extras for each
    // (about 5,000 instructions, paid by every parse: a seventh of a small message's parse).
    for (std::size_t b = 0; b < 256; b += 64) {
      const block_masks m = scan(all_bytes.data() + b);
      const std::uint64_t ordinary = ~(m.term | m.elem | m.comp | m.other);
      std::uint64_t is_plain = 0;
      for (int i = 0; i < 4; ++i) {
        const __m128i k =
            _mm_loadu_si128(reinterpret_cast<const __m128i*>(cls.data() + b + 16 * i));
        const auto bits = static_cast<unsigned>(
            _mm_movemask_epi8(_mm_cmpeq_epi8(k, _mm_set1_epi8(static_cast<char>(plain)))));
        is_plain |= static_cast<std::uint64_t>(bits & 0xFFFFu) << (16 * i);
      }
      if ((ordinary & ~is_plain) != 0) return false;
    }
    enabled_ = true;
#else
    (void)cls;
#endif
    return enabled_;
  }
  bool enabled() const noexcept { return enabled_; }

#if defined(APIPNR_TOKENIZER_SIMD)
  // REQUIRES: 64 readable bytes at p.
  block_masks scan(const byte* p) const noexcept {
    const __m128i lo1 = v_lo1_;
    const __m128i w1 = v_w1_;
    const __m128i lo2 = v_lo2_;
    const __m128i w2 = v_w2_;
    const __m128i t = v_term_;
    const __m128i e = v_elem_;
    const __m128i c = v_comp_;
    const __m128i x0 = v_extra_[0];
    const __m128i x1 = v_extra_[1];
    const __m128i x2 = v_extra_[2];
    const __m128i x3 = v_extra_[3];
    block_masks m;
    for (int i = 0; i < 4; ++i) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * i));
      const __m128i d1 = _mm_sub_epi8(v, lo1);
      const __m128i d2 = _mm_sub_epi8(v, lo2);
      const __m128i in = _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(d1, w1), d1),
                                      _mm_cmpeq_epi8(_mm_min_epu8(d2, w2), d2));
      const __m128i ext = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, x0), _mm_cmpeq_epi8(v, x1)),
                                       _mm_or_si128(_mm_cmpeq_epi8(v, x2), _mm_cmpeq_epi8(v, x3)));
      const int shift = 16 * i;
      auto bits = [&](__m128i x) {
        return static_cast<std::uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(x)) & 0xFFFFu)
               << shift;
      };
      m.term |= bits(_mm_cmpeq_epi8(v, t));
      m.elem |= bits(_mm_cmpeq_epi8(v, e));
      m.comp |= bits(_mm_cmpeq_epi8(v, c));
      m.other |= bits(_mm_or_si128(_mm_andnot_si128(in, _mm_set1_epi8(-1)), ext));
    }
    m.other &= ~(m.term | m.elem | m.comp);
    return m;
  }
#endif

 private:
  byte lo1_ = 1, w1_ = 0, lo2_ = 1, w2_ = 0;
  std::array<byte, 4> extra_{};
  std::size_t n_extra_ = 0;
  byte term_ = 0, elem_ = 0, comp_ = 0;
#if defined(APIPNR_TOKENIZER_SIMD)
  __m128i v_lo1_{}, v_w1_{}, v_lo2_{}, v_w2_{}, v_term_{}, v_elem_{}, v_comp_{};
  // A plain array: std::array<__m128i, 4> drops the vector type's attributes (GCC warns).
  __m128i v_extra_[4]{};
#endif
  bool enabled_ = false;
};

// "UN" as the 16-bit word the two bytes load as: the fast path tests a tag's first two bytes
// with one load and compare (two byte tests were 2.5 more instructions per segment).
constexpr std::uint16_t service_prefix = std::endian::native == std::endian::little
                                             ? std::uint16_t{'U' | 'N' << 8}
                                             : std::uint16_t{'U' << 8 | 'N'};

class tokenizer {
 public:
  tokenizer(std::string_view input, const parse_options& opts, interchange& out, reporter& rep,
            std::vector<std::uint32_t>& service) noexcept
      : base_(reinterpret_cast<const byte*>(input.data())),
        end_(base_ + input.size()),
        size_(input.size()),
        opts_(opts),
        lim_(opts.limits),
        out_(out),
        rep_(rep),
        service_(service) {}

  boost::system::error_code run();

 private:
  using ec_t = boost::system::error_code;

  std::size_t offset(const byte* p) const noexcept { return static_cast<std::size_t>(p - base_); }
  std::string_view view(const byte* b, const byte* e) const noexcept {
    return {reinterpret_cast<const char*>(b), static_cast<std::size_t>(e - b)};
  }
  position at(const byte* p, std::uint32_t segment = 0, std::uint32_t el = 0,
              std::uint32_t comp = 0, std::uint32_t rep = 0) const noexcept {
    position pos;
    pos.offset = offset(p);
    pos.segment = segment;
    pos.element = clamp16(el);
    pos.component = clamp16(comp);
    pos.repetition = clamp16(rep);
    return pos;
  }
  // Fatal binary_input when [b, e) holds a NUL byte (for regions the class table never sees).
  bool has_nul(const byte* b, const byte* e, const byte*& where) const noexcept {
    if (b >= e) return false;
    where = static_cast<const byte*>(std::memchr(b, 0, static_cast<std::size_t>(e - b)));
    return where != nullptr;
  }

  ec_t strip_type_b(const byte* soh_at, const byte*& text_begin, const byte*& text_end);
  ec_t read_una(const byte* p);
  void peek_unb(const byte* p, std::string_view& id, int& version) const noexcept;
  void build_classes(repertoire r) noexcept;
  ec_t segments(const byte* p);

  const byte* base_;
  const byte* end_;
  std::size_t size_;
  const parse_options& opts_;
  const limits& lim_;
  interchange& out_;
  reporter& rep_;
  std::vector<std::uint32_t>& service_;  // see tokenize()
  delimiters d_{};
  std::array<std::uint8_t, 256> cls_{};
  block_scanner fast_;
};

boost::system::error_code tokenizer::run() {
  if (size_ > lim_.max_interchange_bytes) {
    return rep_.fatal(errc::limit_interchange_size, at(base_),
                      "input is " + std::to_string(size_) + " bytes, limit " +
                          std::to_string(lim_.max_interchange_bytes));
  }
  out_.text = view(base_, end_);
  const byte* p = base_;
  while (p < end_ && is_space(*p)) ++p;
  if (p == end_) return rep_.fatal(errc::empty_input, at(base_));

  const byte* text_begin = base_;
  const byte* text_end = end_;
  if (opts_.accept_type_b && *p == soh) {
    if (auto ec = strip_type_b(p, text_begin, text_end)) return ec;
    p = text_begin;
    while (p < text_end && is_space(*p)) ++p;
    if (p == text_end)
      return rep_.fatal(errc::type_b_envelope_malformed, at(text_begin),
                        "no EDIFACT text between STX and ETX");
  }
  end_ = text_end;  // everything below works on the EDIFACT text; offsets stay absolute

  auto starts_with = [&](const byte* q, const char* s) {
    return end_ - q >= 3 && std::memcmp(q, s, 3) == 0;
  };
  if (!starts_with(p, "UNA") && !starts_with(p, "UNB")) {
    // Find the first UNA/UNB; if there is none, tokenise from here and let the envelope pass
    // report the missing UNB rather than discarding the whole input.
    const byte* found = nullptr;
    for (const byte* q = p; q + 3 <= end_; ++q) {
      q = static_cast<const byte*>(std::memchr(q, 'U', static_cast<std::size_t>(end_ - q)));
      if (q == nullptr || end_ - q < 3) break;
      if (q[1] == 'N' && (q[2] == 'A' || q[2] == 'B')) {
        found = q;
        break;
      }
    }
    if (found != nullptr) {
      const byte* bad = nullptr;
      if (has_nul(p, found, bad)) return rep_.fatal(errc::binary_input, at(bad));
      rep_.report(errc::data_before_interchange, at(p),
                  std::to_string(found - p) + " bytes before the first UNA/UNB");
      p = found;
    }
  }

  if (starts_with(p, "UNA")) {
    if (auto ec = read_una(p)) return ec;
    p += 9;
  } else if (end_ - p >= 4 && std::memcmp(p, "UNB", 3) == 0 && p[3] == is3) {
    // No UNA and UNB followed by IS3: the level B information separators (ISO 9735-1 §7).
    d_.component = static_cast<char>(is1);
    d_.element = static_cast<char>(is3);
    d_.terminator = static_cast<char>(is4);
    d_.has_release = false;
    d_.has_repetition = false;
  }

  const byte* unb = p;
  while (unb < end_ && is_space(*unb)) ++unb;
  std::string_view syntax_id;
  int version = 0;
  peek_unb(unb, syntax_id, version);
  // Only ISO 9735 identifiers (UNOx) number their versions 1-4; IATA:1 / IATB:1 is IATA's own
  // numbering and PNRGOV traffic pairs it with "UNA:+.?*'" (STANDARDS.md A.3).
  const bool iso_identifier = syntax_id.size() == 4 && syntax_id.substr(0, 3) == "UNO";
  if (out_.una_present && d_.has_repetition && iso_identifier && version >= 1 && version < 4) {
    rep_.report(errc::una_reserved_not_space, at(p - 2),
                "UNA position 7 is '" + std::string(1, d_.repetition) + "' with syntax version " +
                    std::to_string(version));
    d_.has_repetition = false;
    d_.repetition = ' ';
  }
  out_.delims = d_;
  build_classes(repertoire_of(syntax_id));
  return segments(p);
}

boost::system::error_code tokenizer::strip_type_b(const byte* soh_at, const byte*& text_begin,
                                                  const byte*& text_end) {
  const byte* s = static_cast<const byte*>(
      std::memchr(soh_at + 1, stx, static_cast<std::size_t>(end_ - soh_at - 1)));
  if (s == nullptr)
    return rep_.fatal(errc::type_b_envelope_malformed, at(soh_at), "SOH without STX");
  const byte* bad = nullptr;
  if (has_nul(soh_at, s, bad)) return rep_.fatal(errc::binary_input, at(bad));
  const byte* e =
      static_cast<const byte*>(std::memchr(s + 1, etx, static_cast<std::size_t>(end_ - s - 1)));
  if (e == nullptr) e = end_;
  if (has_nul(e, end_, bad)) return rep_.fatal(errc::binary_input, at(bad));

  type_b_envelope tb;
  tb.heading = view(soh_at, s);
  tb.text_offset = static_cast<std::uint32_t>(offset(s + 1));
  // Heading lines: "priority addresses" then ".ORIGIN DDHHMM" (either may be missing).
  std::string_view rest = view(soh_at + 1, s);
  bool have_address = false;
  while (!rest.empty()) {
    const std::size_t eol = rest.find_first_of("\r\n");
    std::string_view line = rest.substr(0, eol);
    rest = eol == std::string_view::npos ? std::string_view{} : rest.substr(eol + 1);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
    if (line.empty()) continue;
    if (line.front() == '.') {
      line.remove_prefix(1);
      const std::size_t sp = line.find(' ');
      tb.origin = line.substr(0, sp);
      if (sp != std::string_view::npos) {
        std::string_view ts = line.substr(sp + 1);
        while (!ts.empty() && ts.front() == ' ') ts.remove_prefix(1);
        tb.timestamp = ts.substr(0, ts.find(' '));
      }
      break;  // the origin line ends the heading proper
    }
    if (!have_address) {
      have_address = true;
      const std::size_t sp = line.find(' ');
      tb.priority = line.substr(0, sp);
      if (sp != std::string_view::npos) {
        std::string_view addr = line.substr(sp + 1);
        while (!addr.empty() && addr.front() == ' ') addr.remove_prefix(1);
        tb.addresses = addr;
      }
    }
  }
  out_.type_b = tb;
  text_begin = s + 1;
  text_end = e;
  out_.text = view(text_begin, text_end);
  return {};
}

boost::system::error_code tokenizer::read_una(const byte* p) {
  const byte* bad = nullptr;
  if (end_ - p < 9) {
    if (has_nul(p, end_, bad)) return rep_.fatal(errc::binary_input, at(bad));
    return rep_.fatal(errc::una_truncated, at(p),
                      "UNA has " + std::to_string(end_ - p) + " characters, needs 9");
  }
  if (has_nul(p, p + 9, bad)) return rep_.fatal(errc::binary_input, at(bad));
  // Positions 3..8; spaces are meaningful only at 6 (no release) and 7 (no repetition).
  for (int i = 3; i <= 8; ++i) {
    const byte c = p[i];
    if (i == 5) continue;  // the decimal mark has its own rule below
    const bool space_ok = (i == 6 || i == 7);
    const bool letter_or_digit =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    const bool control = (c < 0x20 && !(c >= 0x1C && c <= 0x1F)) || c == 0x7F;
    if (letter_or_digit || control || c >= 0x80 || (c == ' ' && !space_ok)) {
      return rep_.fatal(errc::una_invalid_character, at(p + i),
                        "UNA position " + std::to_string(i) + " holds " + hex_byte(c));
    }
  }
  for (int i = 3; i <= 8; ++i) {
    for (int j = i + 1; j <= 8; ++j) {
      if (p[i] != p[j]) continue;
      if (p[i] == ' ' && (i == 6 || i == 7) && (j == 6 || j == 7)) continue;
      return rep_.fatal(errc::una_duplicate_character, at(p + j),
                        "UNA positions " + std::to_string(i) + " and " + std::to_string(j) +
                            " both hold '" + std::string(1, static_cast<char>(p[i])) + "'");
    }
  }
  d_.component = static_cast<char>(p[3]);
  d_.element = static_cast<char>(p[4]);
  d_.decimal = static_cast<char>(p[5]);
  if (p[5] != '.' && p[5] != ',') {
    rep_.report(errc::una_invalid_decimal_mark, at(p + 5),
                "decimal mark " + hex_byte(p[5]) + ", using '.'");
    d_.decimal = '.';
  }
  d_.has_release = p[6] != ' ';
  d_.release = d_.has_release ? static_cast<char>(p[6]) : ' ';
  d_.has_repetition = p[7] != ' ';
  d_.repetition = static_cast<char>(p[7]);
  d_.terminator = static_cast<char>(p[8]);
  out_.una_present = true;
  return {};
}

// Reads UNB S001 (syntax identifier and version) ahead of tokenisation: the repertoire and the
// meaning of UNA position 7 depend on it. Leaves both empty/0 when `p` is not a UNB.
void tokenizer::peek_unb(const byte* p, std::string_view& id, int& version) const noexcept {
  const auto comp = static_cast<byte>(d_.component);
  const auto elem = static_cast<byte>(d_.element);
  const auto term = static_cast<byte>(d_.terminator);
  if (end_ - p < 4 || std::memcmp(p, "UNB", 3) != 0 || p[3] != elem) return;
  const byte* q = p + 4;
  const byte* s = q;
  while (q < end_ && q - s < 16 && *q != comp && *q != elem && *q != term) ++q;
  id = view(s, q);
  if (q == end_ || *q != comp) return;
  ++q;
  int v = 0;
  int digits = 0;
  while (q < end_ && is_digit(*q) && digits < 4) {
    v = v * 10 + (*q - '0');
    ++q;
    ++digits;
  }
  if (digits > 0 && (q == end_ || *q == comp || *q == elem || *q == term)) version = v;
}

// The class of byte c in repertoire r before the delimiters, line breaks and NUL are classed.
constexpr std::uint8_t repertoire_class(repertoire r, byte c) noexcept {
  const bool printable = c >= 0x20 && c <= 0x7E;
  switch (r) {
    case repertoire::none:
      return plain;
    case repertoire::level_a:
      return in_level_a(c) ? plain : (c >= 'a' && c <= 'z') ? lower_case : foreign;
    case repertoire::level_b:
      return printable ? plain : foreign;
    case repertoire::latin:
      return (printable || c >= 0xA0) ? plain : foreign;
    case repertoire::utf8:
      return printable ? plain : c >= 0x80 ? utf8_lead : foreign;
  }
  return plain;
}

// repertoire_class of every byte in every repertoire, at compile time: build_classes copies one
// row instead of classing 256 bytes per parse (level A's punctuation search made that about
// 7,000 instructions, a fifth of a small message's parse).
constexpr std::array<std::array<std::uint8_t, 256>, 5> repertoire_classes = [] {
  std::array<std::array<std::uint8_t, 256>, 5> t{};
  for (unsigned r = 0; r < t.size(); ++r) {
    for (unsigned i = 0; i < 256; ++i) {
      t[r][i] = repertoire_class(static_cast<repertoire>(r), static_cast<byte>(i));
    }
  }
  return t;
}();
static_assert(static_cast<std::size_t>(repertoire::utf8) + 1 == repertoire_classes.size());

void tokenizer::build_classes(repertoire r) noexcept {
  cls_ = repertoire_classes[static_cast<std::size_t>(r)];
  cls_['\r'] = line_break;
  cls_['\n'] = line_break;
  cls_[0] = nul;
  // Declared service characters are always part of the repertoire (e.g. '$' or '\' in UNOA).
  cls_[static_cast<byte>(d_.component)] = component;
  cls_[static_cast<byte>(d_.element)] = element;
  cls_[static_cast<byte>(d_.terminator)] = terminator;
  if (d_.has_release) cls_[static_cast<byte>(d_.release)] = release;
  if (d_.has_repetition) cls_[static_cast<byte>(d_.repetition)] = repetition;

  std::string extras;
  byte lo1 = 0x20, hi1 = 0x7E, lo2 = 0x20, hi2 = 0x7E;
  switch (r) {
    case repertoire::none:  // everything but NUL, CR, LF (0x0B/0x0C go to the slow path)
      lo1 = 0x0E, hi1 = 0xFF, lo2 = 0x01, hi2 = 0x09;
      break;
    case repertoire::level_a:  // 0x20-0x3F except '#' '$', and A-Z
      lo1 = 0x20, hi1 = 0x3F, lo2 = 0x41, hi2 = 0x5A;
      extras = "#$";
      break;
    case repertoire::level_b:
    case repertoire::utf8:  // non-ASCII bytes are validated on the slow path
      break;
    case repertoire::latin:
      lo2 = 0xA0, hi2 = 0xFF;
      break;
  }
  if (d_.has_release) extras.push_back(d_.release);
  if (d_.has_repetition) extras.push_back(d_.repetition);
  fast_.configure(cls_, lo1, hi1, lo2, hi2, extras, static_cast<byte>(d_.terminator),
                  static_cast<byte>(d_.element), static_cast<byte>(d_.component));
}

boost::system::error_code tokenizer::segments(const byte* p) {
  const std::uint8_t* const cls = cls_.data();
  const byte* const end = end_;
  std::vector<segment>& segs = out_.segments;
  auto count = static_cast<std::uint32_t>(segs.size());
#if defined(APIPNR_TOKENIZER_SIMD)
  const bool fast_on = fast_.enabled();
  const bool counts_fit_block = lim_.max_elements >= 64 && lim_.max_components > 64;
  // Likewise the lengths: a fast-path segment ends inside its block, so its body is below 64
  // bytes and the segment, tag included, below 67.
  const bool lengths_fit_block = lim_.max_element_bytes >= 63 && lim_.max_segment_bytes >= 66;
  // The limits the fast path tests for every segment, in locals: read through lim_ they are
  // loaded again after each segment is stored (the store might alias them).
  const std::size_t fast_max_element_bytes = lim_.max_element_bytes;
  const std::size_t fast_max_segment_bytes = lim_.max_segment_bytes;
  const std::uint32_t fast_max_segments = lim_.max_segments;
  const byte* blk = end;  // start of the block `masks` describes; `end` = none yet
  block_masks masks;
#endif

  while (true) {
    // A running count: segs.size() would divide by sizeof(segment) on every segment.
    std::uint32_t index;
    if (p < end && tag_char_table[*p] != 0) {
      // The usual start: a tag character, so no line break or space to skip.
      index = ++count;
    } else {
      // Between segments: line breaks are layout; spaces/tabs before a tag are a finding.
      while (p < end && is_line_break(*p)) ++p;
      if (p == end) break;
      index = ++count;
      if (*p == ' ' || *p == '\t') {
        const byte* ws = p;
        while (p < end && is_space(*p)) ++p;
        if (p == end) break;  // trailing layout at the end of the text
        rep_.report(errc::leading_whitespace, at(ws, index));
      }
    }
    if (end - p >= 3 && std::memcmp(p, "UNA", 3) == 0) {
      // A second service string advice cannot change the delimiters in mid-stream; skip it.
      rep_.report(errc::una_misplaced, at(p, index));
      p += std::min<std::ptrdiff_t>(9, end - p);
      --count;  // not a segment
      continue;
    }

    // Tag: exactly three [A-Z0-9] followed by the element separator or the terminator.
    const byte* const tag_begin = p;
    const byte* body = p + 3;
    std::string_view tag;
    const auto avail = end - p;
    if (avail >= 3 && (tag_char_table[p[0]] & tag_char_table[p[1]] & tag_char_table[p[2]]) != 0 &&
        (avail == 3 || cls[p[3]] == element || cls[p[3]] == terminator)) {
      tag = view(p, body);
#if defined(APIPNR_TOKENIZER_SIMD)
      if (fast_on) {
        std::ptrdiff_t at_bit = body - blk;
        if ((at_bit < 0 || at_bit >= block_scanner::width) && end - body >= block_scanner::width) {
          blk = body;
          masks = fast_.scan(blk);
          at_bit = 0;
        }
        if (at_bit >= 0 && at_bit < block_scanner::width) {
          std::uint64_t from = ~std::uint64_t{0} << at_bit;
          std::uint64_t term_bits = masks.term & from;
          if (term_bits == 0 && at_bit > 0 && end - body >= block_scanner::width) {
            // The segment runs past this block: rescan from its body.
            blk = body;
            masks = fast_.scan(blk);
            from = ~std::uint64_t{0};
            term_bits = masks.term;
            at_bit = 0;
          }
          if (term_bits != 0) {
            const std::uint64_t tbit = term_bits & (~term_bits + 1);
            const std::uint64_t range = (tbit - 1) & from;  // body .. terminator, exclusive
            const byte* t = blk + std::countr_zero(term_bits);
            const std::uint64_t e = masks.elem & range;
            const std::uint64_t c = masks.comp & range;
            const bool trailing = ((c & ((e | tbit) >> 1)) | (e & (tbit >> 1))) != 0;
            // A block holds at most 64 separators, so with the usual limits (>= 64) the counts
            // cannot exceed them and the popcounts (a libgcc call without -mpopcnt, ~16% of
            // the parse) are skipped.
            if ((masks.other & range) == 0 && !trailing &&
                (counts_fit_block ||
                 (static_cast<std::uint32_t>(std::popcount(e)) <= lim_.max_elements &&
                  static_cast<std::uint32_t>(std::popcount(c)) < lim_.max_components)) &&
                (lengths_fit_block ||
                 (static_cast<std::size_t>(t - body) <= fast_max_element_bytes &&
                  static_cast<std::size_t>(t - tag_begin) <= fast_max_segment_bytes)) &&
                count <= fast_max_segments) {
              // The separators found by the scan, as bits of the body (at_bit is the body's
              // bit; t - body < 64): the structure walk reads the split from them
              // (segment::separators) instead of scanning the body again.
              std::uint16_t un;
              std::memcpy(&un, tag_begin, sizeof un);
              if (un == service_prefix) [[unlikely]]
                service_.push_back(static_cast<std::uint32_t>(segs.size()));
              segs.push_back(segment{tag, view(body, t),
                                     static_cast<std::uint32_t>(offset(tag_begin)), index, false,
                                     (e | c) >> at_bit});
              p = t + 1;
              continue;
            }
          }
        }
      }
#endif
    } else {
      // Junk: keep going from the first element separator (or the terminator) after it so the
      // envelope pass still sees a segment.
      const byte* q = p;
      while (q < end) {
        const std::uint8_t k = cls[*q];
        if (k == element || k == terminator) break;
        if (k == nul) return rep_.fatal(errc::binary_input, at(q, index));
        q += (k == release && q + 1 < end) ? 2 : 1;
      }
      body = std::min(q, end);
      // segment records the body's distance from the tag in 29 bits; the segment length limit
      // (64 KiB by default) stops such a segment anyway unless it was raised past 512 MiB.
      if (static_cast<std::size_t>(body - p) > segment::max_body_distance)
        return rep_.fatal(errc::limit_segment_length, at(p, index),
                          std::to_string(body - p) + " bytes before the first separator, limit " +
                              std::to_string(segment::max_body_distance));
      tag = view(p, std::min(p + 3, body));
      rep_.report(errc::invalid_segment_tag, at(p, index),
                  "tag starts '" + std::string(view(p, std::min(p + 8, body))) + "'");
    }

    const bool rep_active = d_.has_repetition && tag != "UNB" && tag != "UNG";
    std::uint32_t elem_no = 0;
    std::uint32_t comp_no = 0;
    std::uint32_t rep_no = 0;
    const byte* elem_start = body;
    unsigned once = 0;
    bool escaped = false;
    auto rep_of = [&]() { return rep_active ? rep_no : 0u; };
    auto value_finding = [&](errc e, once_flag flag, const byte* q, std::string detail) {
      if ((once & flag) != 0) return;
      once |= flag;
      rep_.report(e, at(q, index, elem_no, comp_no, rep_of()), std::move(detail));
    };
    auto element_too_long = [&](const byte* q) {
      return elem_no > 0 && static_cast<std::size_t>(q - elem_start) > lim_.max_element_bytes;
    };
    auto element_length_fatal = [&](const byte* q) {
      return rep_.fatal(errc::limit_element_length, at(elem_start, index, elem_no, 0, 0),
                        std::to_string(q - elem_start) + " bytes, limit " +
                            std::to_string(lim_.max_element_bytes));
    };

    const byte* q = body;
    bool terminated = false;
    while (true) {
      // Skip ordinary bytes four at a time; the bounds check is paid once per four bytes.
      while (end - q >= 4) {
        if (cls[q[0]] != plain) break;
        if (cls[q[1]] != plain) {
          q += 1;
          break;
        }
        if (cls[q[2]] != plain) {
          q += 2;
          break;
        }
        if (cls[q[3]] != plain) {
          q += 3;
          break;
        }
        q += 4;
      }
      while (q < end && cls[*q] == plain) ++q;
      if (q == end) break;
      const std::uint8_t k = cls[*q];
      if (k == terminator) {
        terminated = true;
        break;
      }
      switch (k) {
        case element:
          if (element_too_long(q)) return element_length_fatal(q);
          if (++elem_no > lim_.max_elements)
            return rep_.fatal(errc::limit_element_count, at(q, index, elem_no),
                              "limit " + std::to_string(lim_.max_elements));
          comp_no = 1;
          rep_no = 1;
          elem_start = q + 1;
          if (q + 1 < end && cls[q[1]] == terminator && (once & once_trailing) == 0) {
            once |= once_trailing;
            rep_.report(errc::trailing_separator, at(q, index, elem_no), "element separator");
          }
          ++q;
          break;
        case component:
          if (++comp_no > lim_.max_components)
            return rep_.fatal(errc::limit_component_count, at(q, index, elem_no, comp_no, rep_of()),
                              "limit " + std::to_string(lim_.max_components));
          // SYN-SEG-002: a component separator that ends its element or its repetition.
          if (q + 1 < end &&
              (cls[q[1]] == element || cls[q[1]] == terminator ||
               (rep_active && cls[q[1]] == repetition)) &&
              (once & once_trailing) == 0) {
            once |= once_trailing;
            rep_.report(errc::trailing_separator, at(q, index, elem_no, comp_no, rep_of()),
                        "component separator");
          }
          ++q;
          break;
        case repetition:
          // Never in UNB/UNG: US CBP sender ids such as "APIS*ABE" contain '*'.
          if (rep_active) {
            if (++rep_no > lim_.max_repetitions)
              return rep_.fatal(errc::limit_repetition_count,
                                at(q, index, elem_no, comp_no, rep_no),
                                "limit " + std::to_string(lim_.max_repetitions));
            comp_no = 1;
            // SYN-SEG-002: an empty last repetition ("XX123*+") is a trailing separator too;
            // a writer would drop it, so accepting it silently would change the data.
            if (q + 1 < end && (cls[q[1]] == element || cls[q[1]] == terminator) &&
                (once & once_trailing) == 0) {
              once |= once_trailing;
              rep_.report(errc::trailing_separator, at(q, index, elem_no, comp_no, rep_no),
                          "repetition separator");
            }
          }
          ++q;
          break;
        case release:
          escaped = true;
          if (q + 1 == end) {
            rep_.report(errc::dangling_release_character, at(q, index, elem_no, comp_no));
            q = end;
            break;
          }
          ++q;
          // A released service character or plain byte is literal; anything else (line break,
          // foreign byte, NUL, UTF-8) is examined as a value byte on the next round.
          if (cls[*q] <= terminator) ++q;
          break;
        case terminator:
          terminated = true;
          break;
        case line_break:
          value_finding(errc::line_break_in_value, once_line_break, q, *q == '\r' ? "CR" : "LF");
          ++q;
          break;
        case lower_case:
          value_finding(errc::lowercase_in_level_a, once_lower_case, q, quoted(*q));
          ++q;
          break;
        case foreign:
          value_finding(errc::invalid_character, once_foreign, q, "byte " + hex_byte(*q));
          ++q;
          break;
        case nul:
          return rep_.fatal(errc::binary_input, at(q, index, elem_no, comp_no));
        case utf8_lead: {
          const std::size_t n = utf8_length(q, end);
          if (n == 0) {
            value_finding(errc::invalid_character, once_foreign, q,
                          "malformed UTF-8 at byte " + hex_byte(*q));
            ++q;
          } else {
            q += n;
          }
          break;
        }
        default:
          ++q;
          break;
      }
      if (terminated || q == end) break;
    }

    if (element_too_long(q)) return element_length_fatal(q);
    if (static_cast<std::size_t>(q - tag_begin) > lim_.max_segment_bytes)
      return rep_.fatal(errc::limit_segment_length, at(tag_begin, index),
                        std::to_string(q - tag_begin) + " bytes, limit " +
                            std::to_string(lim_.max_segment_bytes));
    if (count > lim_.max_segments)
      return rep_.fatal(errc::limit_segment_count, at(tag_begin, index),
                        "limit " + std::to_string(lim_.max_segments));
    if (is_service_tag(tag)) service_.push_back(static_cast<std::uint32_t>(segs.size()));
    segs.push_back(segment{tag, view(body, q), static_cast<std::uint32_t>(offset(tag_begin)), index,
                           escaped, 0});
    if (!terminated) {
      rep_.report(errc::segment_not_terminated, at(tag_begin, index),
                  "input ends inside segment " + std::string(tag));
      break;
    }
    p = q + 1;
  }
  return {};
}

}  // namespace

boost::system::error_code tokenize(std::string_view input, const parse_options& opts,
                                   interchange& out, reporter& rep,
                                   std::vector<std::uint32_t>& service) {
  tokenizer t(input, opts, out, rep, service);
  return t.run();
}

}  // namespace apipnr::edifact::detail
