// Pass 1 of the EDIFACT parser (see parser_internal.hpp). STUB: being implemented.
#include "parser_internal.hpp"

namespace apipnr::edifact::detail {

boost::system::error_code tokenize(std::string_view input, const parse_options& opts,
                                   interchange& out, reporter& rep) {
  (void)opts;
  (void)rep;
  out.text = input;
  return {};
}

}  // namespace apipnr::edifact::detail
