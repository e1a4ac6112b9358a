// Helpers shared by the harness-core unit tests: small case builders and fake transports.
#pragma once

#include <string>
#include <vector>

#include "apipnr/harness/exchange.hpp"
#include "apipnr/vectors/manifest.hpp"

namespace apipnr::harness::testing {

inline vectors::case_spec make_case(std::string id, vectors::outcome o, std::vector<int> codes = {},
                                    std::optional<int> action = {},
                                    std::vector<int> non_strict = {}) {
  vectors::case_spec c;
  c.id = std::move(id);
  c.level = "MUST";
  c.input = o == vectors::outcome::accept   ? "y_x.edi"
            : o == vectors::outcome::reject ? "n_x.edi"
                                            : "i_x.edi";
  c.input_bytes = "UNB+UNOA:4+X+Y+250301:0930+1'UNZ+0+1'";
  c.input_found = true;
  c.expect.result = o;
  if (!codes.empty() || action) {
    c.expect.pass.emplace();
    c.expect.pass->syntax_errors = std::move(codes);
    c.expect.pass->contrl_action = action;
  }
  if (!non_strict.empty()) {
    c.expect.non_strict.emplace();
    c.expect.non_strict->http_status = std::move(non_strict);
  }
  c.specification.push_back({"", "", "SYN-TEST-001", ""});
  return c;
}

inline observation answered(int status, std::string body = {}) {
  observation o;
  o.http_status = status;
  o.body = std::move(body);
  return o;
}

inline observation failed(transport_outcome how) {
  observation o;
  o.outcome = how;
  o.error = "simulated";
  return o;
}

// Answers every exchange the same way; counts calls.
class fixed_transport final : public transport {
 public:
  explicit fixed_transport(observation o) : o_(std::move(o)) {}
  observation send(const exchange& x) override {
    ++calls;
    last = x;
    return o_;
  }
  int calls = 0;
  exchange last;

 private:
  observation o_;
};

}  // namespace apipnr::harness::testing
