// STUB: being implemented.
#include "apipnr/edifact/writer.hpp"

namespace apipnr::edifact {}
