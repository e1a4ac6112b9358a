// model::text and model::opt_text: the canonical model's 16-byte owned strings.
//
// Why: a std::string is 32 bytes and a std::optional<std::string> 40, and the model's hot types
// (traveller, document, reference) are mostly such fields holding short values (dates of 10
// characters, codes of 1-3, document numbers of about 9, most names under 16). A 20,000-traveller
// PAXLST wrote 18.7 MB of 936-byte travellers per message and read them again when they were
// freed or refilled; time followed those bytes (docs/PERFORMANCE.md, fifteenth pass). These
// types hold up to 15 characters inside their 16 bytes and move longer values to the heap: a
// value is never truncated (boost::static_string would be).
//
// Contract:
// - text is an owned string (any bytes, embedded NULs included; data() is NUL-terminated). It
//   converts implicitly to std::string_view and from std::string_view, const char* and
//   std::string; std::string(t) makes a copy. Comparisons are byte-wise, as std::string's.
// - opt_text is a text that may be absent (the model's "absent means absent",
//   specs/canonical/README.md): std::optional<std::string>'s interface (has_value, operator
//   bool, *, ->, emplace, reset, value_or, == std::nullopt) with *o and o-> giving the text. A
//   default opt_text is absent; an absent one compares unequal to every string, "" included.
//   Its text interface (size, data, view) reads an absent value as the empty string.
// - clear() keeps a heap buffer's capacity (a reused model slot refills without allocating);
//   opt_text::reset() frees it (absent values own no memory).
// - Moves never throw and leave the source empty (a moved-from opt_text keeps has_value(), as a
//   moved-from std::optional does). Copies and growth throw only std::bad_alloc.
// - Values longer than 2^56 - 1 bytes are refused with std::length_error (not reachable: inputs
//   are capped far below).
//
// Thread safety: value types.
#pragma once

#include <bit>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

namespace apipnr::model {

class text {
 public:
  using value_type = char;
  using size_type = std::size_t;
  using const_iterator = const char*;
  using iterator = const char*;
  static constexpr size_type inline_capacity = 15;

  text() noexcept { set_inline_size(0); }
  text(std::string_view s) { init(s.data(), s.size()); }    // NOLINT: implicit by design
  text(const char* s) { init(s, std::strlen(s)); }          // NOLINT
  text(const std::string& s) { init(s.data(), s.size()); }  // NOLINT
  text(const char* s, size_type n) { init(s, n); }
  text(const text& o) { init(o.data(), o.size()); }
  text(text&& o) noexcept {
    std::memcpy(raw_, o.raw_, sizeof raw_);
    o.moved_from();
  }
  ~text() {
    if (is_heap()) release();
  }

  text& operator=(const text& o) {
    if (this != &o) assign(o.data(), o.size());
    return *this;
  }
  text& operator=(text&& o) noexcept {
    if (this != &o) {
      if (is_heap()) release();
      std::memcpy(raw_, o.raw_, sizeof raw_);
      o.moved_from();
    }
    return *this;
  }
  text& operator=(std::string_view s) { return assign(s.data(), s.size()); }
  text& operator=(const char* s) { return assign(s, std::strlen(s)); }
  text& operator=(const std::string& s) { return assign(s.data(), s.size()); }

  // Replaces the value; `s` may point into this text.
  text& assign(const char* s, size_type n) {
    if (n <= inline_capacity && !is_heap()) [[likely]] {
      copy_small(raw_, s, n);
      set_inline_size(n);
      return *this;
    }
    return assign_slow(s, n);
  }
  text& assign(std::string_view s) { return assign(s.data(), s.size()); }
  text& append(const char* s, size_type n) {
    const size_type old = size();
    if (old + n <= inline_capacity && !is_heap()) [[likely]] {
      copy_small(raw_ + old, s, n);
      set_inline_size(old + n);
      return *this;
    }
    return append_slow(s, n);
  }
  text& append(std::string_view s) { return append(s.data(), s.size()); }
  text& operator+=(std::string_view s) { return append(s.data(), s.size()); }
  text& operator+=(char c) { return append(&c, 1); }
  void push_back(char c) { append(&c, 1); }

  // Empty; a heap buffer is kept for the next value.
  void clear() noexcept {
    if (is_heap()) {
      heap_ptr()[0] = '\0';
      set_heap_size(0);
    } else {
      set_inline_size(0);
    }
  }

  size_type size() const noexcept {
    const unsigned char t = tag();
    if (t <= inline_capacity) [[likely]]
      return inline_capacity - t;
    return t == heap_tag ? heap_size() : 0;
  }
  size_type length() const noexcept { return size(); }
  bool empty() const noexcept { return size() == 0; }
  size_type capacity() const noexcept { return is_heap() ? heap_capacity() : inline_capacity; }
  const char* data() const noexcept { return is_heap() ? heap_ptr() : raw_; }
  const char* c_str() const noexcept { return data(); }
  const char* begin() const noexcept { return data(); }
  const char* end() const noexcept { return data() + size(); }
  char operator[](size_type i) const noexcept { return data()[i]; }
  char front() const noexcept { return data()[0]; }
  char back() const noexcept { return data()[size() - 1]; }
  std::string_view view() const noexcept { return {data(), size()}; }
  operator std::string_view() const noexcept { return view(); }  // NOLINT: implicit by design
  explicit operator std::string() const { return std::string(data(), size()); }
  std::string str() const { return std::string(data(), size()); }
  // Whether the value lies on the heap (longer than 15 bytes, or a buffer kept by clear()).
  bool on_heap() const noexcept { return is_heap(); }

  friend bool operator==(const text& a, const text& b) noexcept { return a.view() == b.view(); }
  friend bool operator==(const text& a, std::string_view b) noexcept { return a.view() == b; }
  friend bool operator==(const text& a, const char* b) noexcept {
    return a.view() == std::string_view(b);
  }
  friend bool operator==(const text& a, const std::string& b) noexcept {
    return a.view() == std::string_view(b);
  }
  friend std::strong_ordering operator<=>(const text& a, const text& b) noexcept {
    return a.view() <=> b.view();
  }
  friend std::strong_ordering operator<=>(const text& a, std::string_view b) noexcept {
    return a.view() <=> b;
  }
  friend std::strong_ordering operator<=>(const text& a, const char* b) noexcept {
    return a.view() <=> std::string_view(b);
  }
  friend std::strong_ordering operator<=>(const text& a, const std::string& b) noexcept {
    return a.view() <=> std::string_view(b);
  }
  friend std::string operator+(const text& a, std::string_view b) {
    std::string r;
    r.reserve(a.size() + b.size());
    r.append(a.data(), a.size()).append(b);
    return r;
  }
  friend std::string operator+(std::string_view a, const text& b) {
    std::string r;
    r.reserve(a.size() + b.size());
    r.append(a).append(b.data(), b.size());
    return r;
  }

 protected:
  // raw_[15] is the tag: 0..15 = in line, size 15 - tag (so a 15-byte value's tag is its NUL
  // terminator); heap_tag = raw_[0..7] the data pointer (the capacity lies in the 8 bytes before
  // it), raw_[8..14] the size; absent_tag = opt_text without a value (raw_[0] = NUL).
  static constexpr unsigned char heap_tag = 0x80;
  static constexpr unsigned char absent_tag = 0x40;
  static_assert(std::endian::native == std::endian::little,
                "the heap size shares a word with the tag");

  unsigned char tag() const noexcept { return static_cast<unsigned char>(raw_[15]); }
  bool is_heap() const noexcept { return tag() == heap_tag; }
  void set_inline_size(size_type n) noexcept {
    raw_[n] = '\0';
    raw_[15] = static_cast<char>(inline_capacity - n);
  }
  // A moved-from value is empty; an absent opt_text stays absent (as std::optional).
  void moved_from() noexcept {
    if (tag() != absent_tag) set_inline_size(0);
  }
  void set_absent() noexcept {
    raw_[0] = '\0';
    raw_[15] = static_cast<char>(absent_tag);
  }
  // Frees a heap buffer (the caller sets the new state).
  void release() noexcept;

 private:
  char* heap_ptr() const noexcept {
    char* p;
    std::memcpy(&p, raw_, sizeof p);
    return p;
  }
  size_type heap_size() const noexcept {
    std::uint64_t w;
    std::memcpy(&w, raw_ + 8, sizeof w);
    return static_cast<size_type>(w & size_mask);
  }
  size_type heap_capacity() const noexcept {
    size_type c;
    std::memcpy(&c, heap_ptr() - sizeof(size_type), sizeof c);
    return c;
  }
  void set_heap_size(size_type n) noexcept {
    const std::uint64_t w = static_cast<std::uint64_t>(n) | (std::uint64_t{heap_tag} << 56);
    std::memcpy(raw_ + 8, &w, sizeof w);
  }
  static constexpr std::uint64_t size_mask = (std::uint64_t{1} << 56) - 1;

  // Up to 15 bytes, every load before the first store (the source may overlap the
  // destination: assignment from a part of this text), without a libc call per short value.
  static void copy_small(char* dst, const char* src, size_type n) noexcept {
    if (n >= 8) {
      std::uint64_t a, b;
      std::memcpy(&a, src, 8);
      std::memcpy(&b, src + n - 8, 8);
      std::memcpy(dst, &a, 8);
      std::memcpy(dst + n - 8, &b, 8);
    } else if (n >= 4) {
      std::uint32_t a, b;
      std::memcpy(&a, src, 4);
      std::memcpy(&b, src + n - 4, 4);
      std::memcpy(dst, &a, 4);
      std::memcpy(dst + n - 4, &b, 4);
    } else if (n > 0) {
      const char a = src[0], b = src[n / 2], c = src[n - 1];
      dst[0] = a;
      dst[n / 2] = b;
      dst[n - 1] = c;
    }
  }
  void init(const char* s, size_type n) {
    if (n <= inline_capacity) [[likely]] {
      copy_small(raw_, s, n);
      set_inline_size(n);
      return;
    }
    init_heap(s, n);
  }
  void init_heap(const char* s, size_type n);
  text& assign_slow(const char* s, size_type n);
  text& append_slow(const char* s, size_type n);
  // A buffer for `cap` bytes plus the NUL, its capacity stored before it.
  static char* allocate(size_type cap);
  void set_heap(char* p, size_type n) noexcept {
    std::memcpy(raw_, &p, sizeof p);
    set_heap_size(n);
  }

  alignas(8) char raw_[16];
};

class opt_text : public text {
 public:
  opt_text() noexcept { set_absent(); }
  opt_text(std::nullopt_t) noexcept { set_absent(); }  // NOLINT
  opt_text(std::string_view s) : text(s) {}            // NOLINT
  opt_text(const char* s) : text(s) {}                 // NOLINT
  opt_text(const std::string& s) : text(s) {}          // NOLINT
  opt_text(const text& s) : text(s) {}                 // NOLINT
  opt_text(const std::optional<std::string>& o) {      // NOLINT
    if (o)
      assign(o->data(), o->size());
    else
      set_absent();
  }
  opt_text(const opt_text& o) : text(static_cast<const text&>(o)) {
    if (!o.has_value()) set_absent();
  }
  opt_text(opt_text&& o) noexcept = default;
  ~opt_text() = default;

  opt_text& operator=(const opt_text& o) {
    if (this == &o) return *this;
    if (!o.has_value())
      reset();
    else
      assign(o.data(), o.size());
    return *this;
  }
  opt_text& operator=(opt_text&& o) noexcept = default;
  opt_text& operator=(std::nullopt_t) noexcept {
    reset();
    return *this;
  }
  opt_text& operator=(std::string_view s) {
    assign(s.data(), s.size());
    return *this;
  }
  opt_text& operator=(const char* s) {
    assign(s, std::strlen(s));
    return *this;
  }
  opt_text& operator=(const std::string& s) {
    assign(s.data(), s.size());
    return *this;
  }
  opt_text& operator=(const text& s) {
    if (this != &s) assign(s.data(), s.size());
    return *this;
  }
  opt_text& operator=(const std::optional<std::string>& o) {
    if (o)
      assign(o->data(), o->size());
    else
      reset();
    return *this;
  }

  // No silent conversion to a string (std::string_view, std::string, and through them
  // std::optional<std::string>): an absent value would become a present "". Read *o, o->view(),
  // or to_optional().
  operator std::string_view() const = delete;
  explicit operator std::string() const = delete;

  bool has_value() const noexcept { return tag() != absent_tag; }
  explicit operator bool() const noexcept { return has_value(); }
  const text& operator*() const noexcept { return *this; }
  text& operator*() noexcept { return *this; }
  const text* operator->() const noexcept { return this; }
  text* operator->() noexcept { return this; }
  // Throws std::bad_optional_access when absent.
  const text& value() const {
    if (!has_value()) throw std::bad_optional_access();
    return *this;
  }
  std::string value_or(std::string_view fallback) const {
    return has_value() ? std::string(data(), size()) : std::string(fallback);
  }
  // Present and empty (a heap buffer kept), then the text to fill.
  text& emplace() noexcept {
    clear();
    return *this;
  }
  text& emplace(std::string_view s) { return assign(s.data(), s.size()); }
  text& emplace(const char* s, size_type n) { return assign(s, n); }
  void reset() noexcept {
    if (is_heap()) release();
    set_absent();
  }
  // The std::optional<std::string> equivalent (a copy).
  std::optional<std::string> to_optional() const {
    if (!has_value()) return std::nullopt;
    return std::string(data(), size());
  }

  friend bool operator==(const opt_text& a, std::nullopt_t) noexcept { return !a.has_value(); }
  friend bool operator==(const opt_text& a, const opt_text& b) noexcept {
    return a.has_value() == b.has_value() && a.view() == b.view();
  }
  friend bool operator==(const opt_text& a, std::string_view b) noexcept {
    return a.has_value() && a.view() == b;
  }
  friend bool operator==(const opt_text& a, const char* b) noexcept {
    return a.has_value() && a.view() == std::string_view(b);
  }
  friend bool operator==(const opt_text& a, const std::string& b) noexcept {
    return a.has_value() && a.view() == std::string_view(b);
  }
  friend bool operator==(const opt_text& a, const std::optional<std::string>& b) noexcept {
    return a.has_value() == b.has_value() && (!b || a.view() == std::string_view(*b));
  }
};

static_assert(sizeof(text) == 16 && sizeof(opt_text) == 16);

// nlohmann::json: a text is a JSON string; an absent opt_text is null (the model's writers omit
// absent fields before they get here). From JSON: a string, or null for an absent opt_text.
void to_json(nlohmann::json& j, const text& t);
void to_json(nlohmann::json& j, const opt_text& t);
void from_json(const nlohmann::json& j, text& t);
void from_json(const nlohmann::json& j, opt_text& t);

// The value's bytes; an absent opt_text prints as "(absent)" (test messages, logs).
std::ostream& operator<<(std::ostream& os, const text& t);
std::ostream& operator<<(std::ostream& os, const opt_text& t);

}  // namespace apipnr::model
