#include "apipnr/edifact/parser.hpp"

#include <cstdint>
#include <utility>
#include <vector>

#include "parser_internal.hpp"

namespace apipnr::edifact {
namespace detail {

void reporter::report(errc e, const position& pos, std::string detail,
                      std::optional<severity> forced, std::optional<apipnr::scope> where) {
  const errc_info& i = info(e);
  severity level = severity::error;
  if (forced) {
    level = *forced;
  } else if (i.tolerable && mode_ == mode::tolerant) {
    level = severity::warning;
  }
  if (level >= severity::error) ++errors_;
  diagnostic d;
  d.code = make_error_code(e);
  d.id = i.id;
  d.syntax_error = i.syntax_error;
  d.requirement = i.requirement;
  d.level = level;
  d.where = where.value_or(i.default_scope);
  d.pos = pos;
  d.detail = std::move(detail);
  held_.push_back(std::move(d));
}

void reporter::flush(const interchange& ic) {
  for (auto& d : held_) {
    if (d.pos.message_segment == 0 && d.pos.segment != 0) {
      const std::int32_t m = ic.message_of(d.pos.segment);
      if (m >= 0) {
        const auto unh = ic.segments[ic.messages[static_cast<std::size_t>(m)].unh].index;
        d.pos.message_segment = d.pos.segment - unh + 1;
      }
    }
    sink_.report(std::move(d));
  }
  held_.clear();
}

boost::system::error_code reporter::fatal(errc e, const position& pos, std::string detail) {
  report(e, pos, std::move(detail), severity::fatal);
  return make_error_code(e);
}

}  // namespace detail

boost::system::error_code parser::parse(std::string_view input, interchange& out,
                                        diagnostic_sink& sink) const {
  out.clear();
  detail::reporter rep(sink, opts_.parse_mode);
  // Where the service segments are, from pass 1 to pass 2. Per thread so that its capacity
  // survives like the interchange's (parse() is const and may run on many threads at once).
  thread_local std::vector<std::uint32_t> service;
  service.clear();
  auto ec = detail::tokenize(input, opts_, out, rep, service);
  if (!ec) ec = detail::check_envelope(opts_, out, rep, service);
  rep.flush(out);
  return ec;
}

}  // namespace apipnr::edifact
