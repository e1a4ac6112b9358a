// Link stubs for fuzz_receiver_config in a build without the receiver library (fuzz/
// CMakeLists.txt; with it the target links the real definitions and fuzzes validate() too).
// config.cpp refers to these from validate() and from the defaults of
// transport::server_options. The target then calls only load_file: validate()'s three trap if
// ever reached, the default thread count is a constant.
#include <cstddef>
#include <string>
#include <string_view>

#include "apipnr/transport/http_server.hpp"
#include "faults.hpp"

namespace apipnr::transport {
std::size_t default_worker_threads() noexcept { return 2; }
}  // namespace apipnr::transport

namespace apipnr::receiver {
std::string fault_set::describe() const { __builtin_trap(); }
bool add_fault(fault_set& /*set*/, std::string_view /*spec*/, std::string& /*why*/) {
  __builtin_trap();
}
bool is_loopback_address(std::string_view /*address*/) noexcept { __builtin_trap(); }
}  // namespace apipnr::receiver
