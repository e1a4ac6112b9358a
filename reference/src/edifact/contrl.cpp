// STUB: being implemented.
#include "apipnr/edifact/contrl.hpp"

namespace apipnr::edifact {}
