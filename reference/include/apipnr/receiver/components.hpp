// Implementations of the service's collaborators (service.hpp).
//
// The real ones wrap the reference pipeline, the SQLite store and the iAPI decision engine;
// they exist when the receiver is built with those libraries (`built_with()` says which; the
// others return boost::system::errc::function_not_supported). The built-in ones need nothing:
// a syntax-only checker (ISO 9735 + CONTRL, no message layer), an in-memory store and a
// fixed-directive decider. The executable uses the real ones whenever they are built; tests use
// either.
//
// Thread safety: every object returned is safe to use from many threads at once.
// Errors: factories return error codes with a reason in `why` (file names, never secrets).
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include <boost/system/result.hpp>

#include "apipnr/edifact/parser.hpp"
#include "apipnr/pipeline/pipeline.hpp"
#include "apipnr/receiver/service.hpp"
#include "apipnr/responses/cusres.hpp"
#include "apipnr/store/store.hpp"

namespace apipnr::receiver {

struct built_components {
  bool pipeline = false;
  bool store = false;
  bool iapi = false;
};
built_components built_with() noexcept;

// ISO 9735 syntax only (edifact::parser) and the CONTRL of the findings; XML inputs are passed
// as accepted without messages. For tests and for builds without the pipeline library.
std::shared_ptr<const checker> make_syntax_checker(edifact::parse_options opts,
                                                   std::string receiver_id);

// Keeps every input in memory until the process ends. Duplicates: same (sender identity, UNB
// sender, control reference), or the same bytes (RCV-DUP-001/002); rejected inputs do not count
// as duplicates (RCV-DUP-003 is approximated by treating them as stored for inspection only).
std::shared_ptr<message_store> make_memory_store();

// Answers every passenger with `d` (0Z by default) through responses::make_response().
std::shared_ptr<const iapi_decider> make_fixed_decider(
    responses::directive d = responses::directive::ok_to_board, bool ready = true);

// The reference pipeline (engine::load with `opts`, contrl forced on).
boost::system::result<std::shared_ptr<const checker>> make_pipeline_checker(
    const pipeline::options& opts, std::string& why);

// The SQLite store (store::store::open).
boost::system::result<std::shared_ptr<message_store>> make_sqlite_store(store::options opts,
                                                                        std::string& why);

// The iAPI decision engine with its lists loaded (both paths empty: empty lists, ready).
boost::system::result<std::shared_ptr<const iapi_decider>> make_iapi_engine(
    const std::filesystem::path& watchlist, const std::filesystem::path& authorisations,
    std::string& why);

}  // namespace apipnr::receiver
