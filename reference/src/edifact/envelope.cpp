// Pass 2 of the EDIFACT parser (see parser_internal.hpp). STUB: being implemented.
#include "parser_internal.hpp"

namespace apipnr::edifact::detail {

void check_envelope(const parse_options& opts, interchange& out, reporter& rep) {
  (void)opts;
  (void)out;
  (void)rep;
}

}  // namespace apipnr::edifact::detail
