// The "Performance" section of report.html, rendered from results.json "performance"
// (specs/schemas/results.schema.json; written by `apipnr-harness load`). Deterministic and
// escaped like the rest of the report (report_html.hpp); never throws on odd input: missing
// or mistyped members render as zero or empty.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace apipnr::harness::detail {

std::string render_performance_section(const nlohmann::json& performance);

}  // namespace apipnr::harness::detail
