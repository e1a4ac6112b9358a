// model::text's heap paths (values longer than 15 bytes) and its JSON conversions; the short
// paths are inline in text.hpp.
#include "apipnr/model/text.hpp"

#include <algorithm>
#include <new>
#include <ostream>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace apipnr::model {

namespace {

constexpr std::size_t max_size = (std::size_t{1} << 56) - 1;

}  // namespace

char* text::allocate(size_type cap) {
  if (cap > max_size) throw std::length_error("apipnr::model::text: value too long");
  // The capacity lies in the size_type before the characters: the 16-byte record has no room
  // for it next to the pointer and the size.
  auto* block = static_cast<char*>(::operator new(sizeof(size_type) + cap + 1));
  std::memcpy(block, &cap, sizeof cap);
  return block + sizeof(size_type);
}

void text::release() noexcept { ::operator delete(heap_ptr() - sizeof(size_type)); }

void text::init_heap(const char* s, size_type n) {
  char* p = allocate(n);
  std::memcpy(p, s, n);
  p[n] = '\0';
  set_heap(p, n);
}

text& text::assign_slow(const char* s, size_type n) {
  if (is_heap()) {
    if (n <= heap_capacity()) {
      char* p = heap_ptr();
      // s may lie in this buffer; an empty view may have no data (memmove's source must never
      // be null, even for 0 bytes: UBSan,
      // fuzz/crashers/open/receiver_intake_text_assign_null_view).
      if (n != 0) std::memmove(p, s, n);
      p[n] = '\0';
      set_heap_size(n);
      return *this;
    }
    char* p = allocate(std::max(n, 2 * heap_capacity()));
    std::memcpy(p, s, n);  // before the old buffer (which s may point into) goes
    p[n] = '\0';
    release();
    set_heap(p, n);
    return *this;
  }
  // In line or absent, and longer than 15 bytes (assign() took the short case): s cannot lie
  // in this text's 16 bytes.
  init_heap(s, n);
  return *this;
}

text& text::append_slow(const char* s, size_type n) {
  const size_type old = size();
  if (n > max_size - old) throw std::length_error("apipnr::model::text: value too long");
  const size_type total = old + n;
  if (is_heap()) {
    const size_type cap = heap_capacity();
    if (total <= cap) {
      char* p = heap_ptr();
      if (n != 0) std::memmove(p + old, s, n);  // an empty view may have no data
      p[total] = '\0';
      set_heap_size(total);
      return *this;
    }
    char* p = allocate(std::max(total, 2 * cap));
    std::memcpy(p, heap_ptr(), old);
    std::memcpy(p + old, s, n);  // s may lie in the old buffer: still there
    p[total] = '\0';
    release();
    set_heap(p, total);
    return *this;
  }
  // In line (or absent: size 0) and too long for it; s may lie in the 16 bytes.
  char* p = allocate(std::max<size_type>(total, 2 * inline_capacity + 1));
  std::memcpy(p, raw_, old);
  std::memcpy(p + old, s, n);
  p[total] = '\0';
  set_heap(p, total);
  return *this;
}

void to_json(nlohmann::json& j, const text& t) { j = std::string(t.data(), t.size()); }

void to_json(nlohmann::json& j, const opt_text& t) {
  if (t)
    j = std::string(t.data(), t.size());
  else
    j = nullptr;
}

void from_json(const nlohmann::json& j, text& t) {
  const auto& s = j.get_ref<const std::string&>();
  t.assign(s.data(), s.size());
}

void from_json(const nlohmann::json& j, opt_text& t) {
  if (j.is_null()) {
    t.reset();
    return;
  }
  const auto& s = j.get_ref<const std::string&>();
  t.assign(s.data(), s.size());
}

std::ostream& operator<<(std::ostream& os, const text& t) { return os << t.view(); }

std::ostream& operator<<(std::ostream& os, const opt_text& t) {
  if (!t) return os << "(absent)";
  return os << t.view();
}

}  // namespace apipnr::model
