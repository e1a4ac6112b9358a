// Fault injection for the reference receiver: "mutant receivers" that are deliberately wrong in
// one known way, so that the conformance harness can be shown to catch each fault with the
// cases aimed at it and with no other (issue 5; harness/tests/mutants.json, docs/HARNESS.md).
//
// A fault is switched on with `--fault NAME[:ARG]` (repeatable) or the configuration file's
// `faults` array (docs/RECEIVER.md "Fault injection"):
//
//   accept-all            every rejected input is accepted (error findings become warnings, no
//                         rejecting CONTRL), stored as accepted and acknowledged as accepted
//   reject-all            every accepted input is rejected (same findings, outcome reject)
//   wrong-contrl-code[:C] every 0085 code (findings, CONTRL UCI/UCF/UCM/UCS/UCD, so also ACKRES
//                         ERC and problem+json `syntax_error`) becomes C (default 12; a code that
//                         already is C becomes 13 instead)
//   drop-last-passenger   the last traveller of each PAXLST message is not stored
//   truncate-names[:N]    surnames (PAXLST and PNR travellers) are stored cut to N code points
//                         (default 5)
//   store-resends         every input is stored as new: a resend (same sender and control
//                         reference, or same bytes) is stored a second time, its duplicate keys
//                         made unique (control reference cleared, a counter appended to the
//                         stored bytes); acknowledged as the reference acknowledges a new input
//   no-queue-ack          AMQP: inputs are stored but no acknowledgement is sent on the queue
//   slow-iapi[:MS]        each iAPI decision is answered after MS milliseconds (default 10000)
//   crash-on:TEXT         abort() when an input contains TEXT (bytes, case-sensitive)
//   stall-once:MS[@N]     the N-th input (default 1) pauses all processing once for MS
//                         milliseconds: that input and every input arriving meanwhile wait
//
// The faults are decorators of the service's collaborators (service.hpp): the checker (accept-
// all, reject-all, wrong-contrl-code, crash-on, stall-once), the store (drop-last-passenger,
// truncate-names, store-resends) and the iAPI decider (slow-iapi); no-queue-ack is an option of the
// AMQP consumer. The service itself is unchanged, so everything else about a mutant (routes, status
// codes, durability order) is the reference's.
//
// Thread safety: the decorators are as thread-safe as what they wrap (stall-once synchronises
// its own state). Errors: parse_fault()/add_fault() return false with a reason in `why`; the
// decorators never throw on input (crash-on aborts on purpose).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "apipnr/receiver/log.hpp"
#include "apipnr/receiver/service.hpp"

namespace apipnr::receiver {

enum class fault_kind : std::uint8_t {
  accept_all,
  reject_all,
  wrong_contrl_code,
  drop_last_passenger,
  truncate_names,
  no_queue_ack,
  slow_iapi,
  crash_on,
  stall_once,
  store_resends,
};

// "accept-all", "reject-all", ... as written on the command line.
std::string_view to_string(fault_kind k) noexcept;

struct fault {
  fault_kind kind = fault_kind::accept_all;
  std::chrono::milliseconds delay{0};  // slow-iapi, stall-once
  std::uint64_t number = 0;  // wrong-contrl-code: code; truncate-names: length; stall-once: N
  std::string text;          // crash-on
  // "NAME" or "NAME:ARG" with the defaults filled in (/healthz, /metrics, the start-up log).
  std::string spec() const;
};

struct fault_set {
  std::vector<fault> faults;
  bool empty() const noexcept { return faults.empty(); }
  // nullptr when `k` is not active.
  const fault* find(fault_kind k) const noexcept;
  // "accept-all, slow-iapi:10000" (empty when none).
  std::string describe() const;
};

// Parses one "NAME[:ARG]". Returns false with a reason in `why` for an unknown name, a missing
// or malformed argument (crash-on needs TEXT; stall-once needs MS; numbers are decimal, > 0).
bool parse_fault(std::string_view spec, fault& out, std::string& why);

// Parses `spec` and adds it to `set`. Returns false (set unchanged) for a bad spec, a fault given
// twice, or accept-all together with reject-all.
bool add_fault(fault_set& set, std::string_view spec, std::string& why);

// Faults are only for laboratory use: refused unless the receiver listens on a loopback address
// only ("127.x.y.z", "::1", "localhost"), so that a mutant cannot be reached from a network.
bool is_loopback_address(std::string_view address) noexcept;

// The decorators. Each returns `inner` itself when none of its faults is active. `log` (may be
// null) receives a warning line when a stall begins and ends.
std::shared_ptr<const checker> with_faults(std::shared_ptr<const checker> inner,
                                           const fault_set& faults,
                                           std::shared_ptr<logger> log = nullptr);
std::shared_ptr<message_store> with_faults(std::shared_ptr<message_store> inner,
                                           const fault_set& faults);
std::shared_ptr<const iapi_decider> with_faults(std::shared_ptr<const iapi_decider> inner,
                                                const fault_set& faults);

// Replaces the 0085 code in every UCI, UCF, UCM, UCS and UCD segment of a CONTRL interchange by
// `wrong` (by `alternative` where it already is `wrong`). The delimiters come from the UNA (ISO
// 9735 defaults without one); release characters are honoured. Anything else is copied as is.
std::string rewrite_contrl_codes(std::string_view contrl, int wrong, int alternative);

// Prometheus text: apipnr_faults_active{fault="NAME"} 1 per active fault (nothing when none).
std::string prometheus_faults(const fault_set& faults);

}  // namespace apipnr::receiver
