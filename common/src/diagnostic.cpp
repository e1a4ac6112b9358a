#include "apipnr/common/diagnostic.hpp"

#include <algorithm>

namespace apipnr {

std::string_view to_string(severity s) noexcept {
  switch (s) {
    case severity::info:
      return "info";
    case severity::warning:
      return "warning";
    case severity::error:
      return "error";
    case severity::fatal:
      return "fatal";
  }
  return "unknown";
}

std::string_view to_string(scope s) noexcept {
  switch (s) {
    case scope::interchange:
      return "interchange";
    case scope::group:
      return "group";
    case scope::message:
      return "message";
    case scope::segment:
      return "segment";
    case scope::element:
      return "element";
    case scope::component:
      return "component";
  }
  return "unknown";
}

line_column locate(std::string_view buffer, std::size_t offset) noexcept {
  line_column lc;
  const std::size_t end = std::min(offset, buffer.size());
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < end; ++i) {
    if (buffer[i] == '\n') {
      ++lc.line;
      line_start = i + 1;
    }
  }
  lc.column = static_cast<std::uint32_t>(end - line_start + 1);
  return lc;
}

severity diagnostic_list::worst() const noexcept {
  severity w = severity::info;
  for (const auto& d : items_) w = std::max(w, d.level);
  return w;
}

bool diagnostic_list::contains(const boost::system::error_code& ec) const noexcept {
  return std::any_of(items_.begin(), items_.end(),
                     [&](const diagnostic& d) { return d.code == ec; });
}

}  // namespace apipnr
