#include "apipnr/validate/quality.hpp"

#include <algorithm>
#include <cstdio>
#include <set>
#include <utility>

#include <nlohmann/json.hpp>

#include "apipnr/model/dates.hpp"

namespace apipnr::validate {

namespace {

bool has(const model::opt_text& s) { return s && !s->empty(); }

bool document_complete(const model::traveller& t) {
  return std::any_of(t.documents.begin(), t.documents.end(), [](const model::document& d) {
    return !d.number.empty() && !d.type.empty() && has(d.issuing_state) && has(d.expiry);
  });
}

void count_traveller(quality_group& g, const model::traveller& t) {
  ++g.travellers;
  if (document_complete(t)) ++g.documents_complete;
  if (has(t.date_of_birth)) ++g.date_of_birth;
  if (has(t.gender)) ++g.gender;
  if (has(t.nationality)) ++g.nationality;
}

const model::leg* first_leg(const model::canonical_message& m) {
  if (m.flight_info && !m.flight_info->legs.empty()) return &m.flight_info->legs.front();
  for (const auto& p : m.pnrs) {
    if (!p.itinerary.empty()) return &p.itinerary.front();
  }
  return nullptr;
}

std::string flight_key(const model::canonical_message& m) {
  const model::leg* leg = first_leg(m);
  std::string carrier, number;
  if (m.flight_info) {
    carrier = m.flight_info->carrier.value_or("");
    number = m.flight_info->number.value_or("");
  }
  if (carrier.empty() && leg) carrier = leg->carrier.value_or("");
  if (number.empty() && leg) number = leg->flight_number.value_or("");
  std::string date = "unknown date";
  if (leg && leg->departure.scheduled && leg->departure.scheduled->size() >= 10) {
    date = leg->departure.scheduled->substr(0, 10);
  }
  if (carrier.empty() && number.empty()) return "no flight (" + date + ")";
  return carrier + " " + number + " " + date;
}

std::optional<std::int64_t> lead_minutes(const model::canonical_message& m) {
  const model::leg* leg = first_leg(m);
  if (!leg || !leg->departure.scheduled || !m.message.prepared) return std::nullopt;
  return minutes_between(*m.message.prepared, *leg->departure.scheduled);
}

void note_lead(quality_group& g, std::optional<std::int64_t> lead) {
  ++g.timing[timing_bucket(lead)];
  if (!lead) return;
  if (!g.earliest_lead_minutes || *lead > *g.earliest_lead_minutes) g.earliest_lead_minutes = lead;
  if (!g.latest_lead_minutes || *lead < *g.latest_lead_minutes) g.latest_lead_minutes = lead;
}

}  // namespace

std::optional<std::int64_t> minutes_between(std::string_view from, std::string_view to) {
  const auto a = model::minutes_since_epoch(from), b = model::minutes_since_epoch(to);
  if (!a || !b) return std::nullopt;
  return *b - *a;
}

std::size_t timing_bucket(std::optional<std::int64_t> lead) noexcept {
  if (!lead) return 5;
  if (*lead < 0) return 0;
  if (*lead < 60) return 1;
  if (*lead < 24 * 60) return 2;
  if (*lead < 72 * 60) return 3;
  return 4;
}

void quality_collector::add(const file_report& f,
                            const std::vector<model::canonical_message>& messages) {
  ++interchanges_;
  const bool accepted = f.outcome != pipeline::verdict::reject;
  if (accepted) ++accepted_;
  const std::string sender = f.envelope.sender.empty() ? "(no sender)" : f.envelope.sender;
  quality_group& s = senders_[sender];
  s.key = sender;
  ++s.interchanges;
  if (accepted) ++s.accepted;

  // One timing observation per interchange (its first message) so that a multi-message
  // interchange does not outweigh others.
  std::optional<std::int64_t> lead;
  if (!messages.empty()) lead = lead_minutes(messages.front());
  note_lead(s, lead);
  ++timing_[timing_bucket(lead)];

  std::set<std::string> flights_seen;
  for (const auto& m : messages) {
    const std::string key = flight_key(m);
    quality_group& g = flights_[key];
    g.key = key;
    if (flights_seen.insert(key).second) {
      ++g.interchanges;
      if (accepted) ++g.accepted;
      note_lead(g, lead_minutes(m));
    }
    auto each = [&](const model::traveller& t) {
      ++travellers_;
      count_traveller(s, t);
      count_traveller(g, t);
    };
    for (const auto& t : m.travellers) each(t);
    for (const auto& p : m.pnrs) {
      for (const auto& t : p.travellers) each(t);
    }
  }

  if (!f.envelope.control_reference.empty()) {
    by_reference_[sender + "/" + f.envelope.control_reference].push_back(f.file);
  }
  if (!f.sha256.empty()) by_content_[f.sha256].push_back(f.file);

  for (const auto& x : f.findings) {
    auto& acc = findings_[std::string(x.diag.id)];
    if (acc.count++ == 0) {
      acc.severity = std::string(to_string(x.diag.level));
      acc.file = f.file;
      acc.message = finding_message(x.diag);
      if (x.positioned) {
        acc.line = x.at.line;
        acc.column = x.at.column;
      }
    }
  }
}

quality_report quality_collector::finish() const {
  quality_report q;
  q.interchanges = interchanges_;
  q.accepted = accepted_;
  q.travellers = travellers_;
  q.timing = timing_;
  for (const auto& [k, g] : senders_) q.senders.push_back(g);
  for (const auto& [k, g] : flights_) q.flights.push_back(g);
  for (const auto& [k, files] : by_reference_) {
    if (files.size() > 1) q.duplicates.push_back({"same_reference", k, files});
  }
  for (const auto& [k, files] : by_content_) {
    if (files.size() > 1) q.duplicates.push_back({"same_content", k, files});
  }
  for (const auto& [id, a] : findings_) {
    q.findings.push_back({id, a.severity, a.count, a.file, a.line, a.column, a.message});
  }
  std::stable_sort(
      q.findings.begin(), q.findings.end(),
      [](const quality_finding& a, const quality_finding& b) { return a.count > b.count; });
  if (q.findings.size() > 20) q.findings.resize(20);
  return q;
}

// ---------------------------------------------------------------------------------------------
// JSON

namespace {

nlohmann::json share(std::size_t have, std::size_t total) {
  nlohmann::json j;
  j["count"] = have;
  j["of"] = total;
  j["share"] = total == 0 ? nlohmann::json(nullptr)
                          : nlohmann::json(static_cast<double>(have) / static_cast<double>(total));
  return j;
}

nlohmann::json timing_json(const std::array<std::size_t, timing_buckets.size()>& t) {
  nlohmann::json j = nlohmann::json::array();
  for (std::size_t i = 0; i < t.size(); ++i) {
    j.push_back({{"bucket", std::string(timing_buckets[i])}, {"count", t[i]}});
  }
  return j;
}

nlohmann::json group_json(const quality_group& g) {
  nlohmann::json j;
  j["key"] = g.key;
  j["interchanges"] = g.interchanges;
  j["accepted"] = share(g.accepted, g.interchanges);
  j["travellers"] = g.travellers;
  j["documents_complete"] = share(g.documents_complete, g.travellers);
  j["date_of_birth"] = share(g.date_of_birth, g.travellers);
  j["gender"] = share(g.gender, g.travellers);
  j["nationality"] = share(g.nationality, g.travellers);
  j["timing"] = timing_json(g.timing);
  j["earliest_lead_minutes"] =
      g.earliest_lead_minutes ? nlohmann::json(*g.earliest_lead_minutes) : nlohmann::json(nullptr);
  j["latest_lead_minutes"] =
      g.latest_lead_minutes ? nlohmann::json(*g.latest_lead_minutes) : nlohmann::json(nullptr);
  return j;
}

}  // namespace

nlohmann::json to_json(const quality_report& q) {
  nlohmann::json j;
  j["format_version"] = "1.0";
  j["interchanges"] = q.interchanges;
  j["accepted"] = share(q.accepted, q.interchanges);
  j["travellers"] = q.travellers;
  j["timing"] = timing_json(q.timing);
  j["senders"] = nlohmann::json::array();
  for (const auto& g : q.senders) j["senders"].push_back(group_json(g));
  j["flights"] = nlohmann::json::array();
  for (const auto& g : q.flights) j["flights"].push_back(group_json(g));
  j["duplicates"] = nlohmann::json::array();
  for (const auto& d : q.duplicates) {
    j["duplicates"].push_back({{"kind", d.kind}, {"key", d.key}, {"files", d.files}});
  }
  j["findings"] = nlohmann::json::array();
  for (const auto& f : q.findings) {
    nlohmann::json e{{"id", f.id},
                     {"severity", f.severity},
                     {"count", f.count},
                     {"example", {{"file", f.example_file}, {"message", f.example_message}}}};
    if (f.line != 0) {
      e["example"]["line"] = f.line;
      e["example"]["column"] = f.column;
    }
    j["findings"].push_back(std::move(e));
  }
  return j;
}

// ---------------------------------------------------------------------------------------------
// HTML

namespace {

std::string html_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out.push_back(u < 0x20 || u == 0x7f ? ' ' : c);
    }
  }
  return out;
}

std::string percent(std::size_t have, std::size_t total) {
  if (total == 0) return "n/a";
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.1f%%",
                100.0 * static_cast<double>(have) / static_cast<double>(total));
  return buf;
}

// A horizontal bar (0..100 %) as inline SVG; green when good, amber, red when poor.
std::string bar(std::size_t have, std::size_t total) {
  const double r = total == 0 ? 0.0 : static_cast<double>(have) / static_cast<double>(total);
  const int w = static_cast<int>(r * 120.0 + 0.5);
  const char* colour = r >= 0.98 ? "#2e7d32" : (r >= 0.9 ? "#f9a825" : "#c62828");
  return "<svg width=\"124\" height=\"14\" role=\"img\" aria-label=\"" + percent(have, total) +
         "\"><rect x=\"0\" y=\"1\" width=\"122\" height=\"12\" fill=\"#eee\"/><rect x=\"1\" "
         "y=\"2\" width=\"" +
         std::to_string(w) + "\" height=\"10\" fill=\"" + colour + "\"/></svg> " +
         percent(have, total);
}

std::string cell_bar(std::size_t have, std::size_t total) {
  return "<td>" + bar(have, total) + "</td>";
}

std::string group_table(const std::vector<quality_group>& groups, std::string_view heading) {
  std::string out = "<table><tr><th>" + std::string(heading) +
                    "</th><th>Interchanges</th><th>Accepted</th><th>Travellers</th>"
                    "<th>Complete document</th><th>Date of birth</th><th>Gender</th>"
                    "<th>Nationality</th></tr>\n";
  for (const auto& g : groups) {
    out += "<tr><td>" + html_escape(g.key) + "</td><td class=\"n\">" +
           std::to_string(g.interchanges) + "</td>" + cell_bar(g.accepted, g.interchanges) +
           "<td class=\"n\">" + std::to_string(g.travellers) + "</td>" +
           cell_bar(g.documents_complete, g.travellers) + cell_bar(g.date_of_birth, g.travellers) +
           cell_bar(g.gender, g.travellers) + cell_bar(g.nationality, g.travellers) + "</tr>\n";
  }
  return out + "</table>\n";
}

std::string count_chart(const std::vector<std::pair<std::string, std::size_t>>& rows) {
  std::size_t max = 1;
  for (const auto& r : rows) max = std::max(max, r.second);
  const std::size_t h = rows.size() * 22 + 4;
  std::string out = "<svg width=\"640\" height=\"" + std::to_string(h) +
                    "\" role=\"img\" aria-label=\"bar chart\">";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto w = static_cast<long>(
        300.0 * static_cast<double>(rows[i].second) / static_cast<double>(max) + 0.5);
    const std::string y = std::to_string(i * 22 + 4);
    const std::string ty = std::to_string(i * 22 + 17);
    out += "<text x=\"0\" y=\"" + ty + "\" font-size=\"12\">" + html_escape(rows[i].first) +
           "</text><rect x=\"230\" y=\"" + y + "\" width=\"" + std::to_string(w) +
           "\" height=\"16\" fill=\"#1565c0\"/><text x=\"" + std::to_string(236 + w) + "\" y=\"" +
           ty + "\" font-size=\"12\">" + std::to_string(rows[i].second) + "</text>";
  }
  return out + "</svg>\n";
}

}  // namespace

std::string to_html(const quality_report& q) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<title>apipnr data-quality report</title>\n<style>"
      "body{font-family:sans-serif;margin:2em;color:#222;max-width:1100px}"
      "h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ccc}"
      "table{border-collapse:collapse;font-size:.9em}td,th{padding:3px 8px;text-align:left;"
      "border-bottom:1px solid #eee;vertical-align:middle}td.n{text-align:right}"
      ".big{font-size:1.4em;font-weight:bold}.note{color:#555;font-size:.9em}"
      "</style></head><body>\n<h1>Passenger data quality</h1>\n";
  out += "<p><span class=\"big\">" + std::to_string(q.interchanges) +
         "</span> interchanges checked, <span class=\"big\">" +
         percent(q.accepted, q.interchanges) + "</span> accepted, <span class=\"big\">" +
         std::to_string(q.travellers) + "</span> travellers.</p>\n";
  out +=
      "<p class=\"note\">Accepted means the receiving state would load the message (warnings "
      "allowed). A traveller has complete document data when a travel document carries its "
      "number, type, issuing state and expiry date. Green bars: 98% or more; amber: 90% or "
      "more; red: below 90%.</p>\n";
  out += "<h2>By sender</h2>\n" + group_table(q.senders, "Sender");
  out += "<h2>By flight</h2>\n" + group_table(q.flights, "Flight (carrier, number, date)");

  out +=
      "<h2>When messages were sent</h2>\n<p class=\"note\">Message preparation time compared "
      "with the scheduled departure of the first leg (local times as given in the "
      "message).</p>\n";
  std::vector<std::pair<std::string, std::size_t>> rows;
  for (std::size_t i = 0; i < q.timing.size(); ++i) {
    rows.emplace_back(std::string(timing_buckets[i]), q.timing[i]);
  }
  out += count_chart(rows);

  out += "<h2>Duplicates and resends</h2>\n";
  if (q.duplicates.empty()) {
    out += "<p>None found.</p>\n";
  } else {
    out += "<table><tr><th>Kind</th><th>Key</th><th>Files</th></tr>\n";
    for (const auto& d : q.duplicates) {
      std::string files;
      for (const auto& f : d.files) files += html_escape(f) + "<br>";
      out += "<tr><td>" +
             std::string(d.kind == "same_content" ? "identical content" : "same reference") +
             "</td><td>" + html_escape(d.key) + "</td><td>" + files + "</td></tr>\n";
    }
    out += "</table>\n";
  }

  out += "<h2>Most frequent findings</h2>\n";
  if (q.findings.empty()) {
    out += "<p>No findings.</p>\n";
  } else {
    rows.clear();
    for (const auto& f : q.findings) rows.emplace_back(f.id, f.count);
    out += count_chart(rows);
    out += "<table><tr><th>Finding</th><th>Severity</th><th>Count</th><th>Example</th></tr>\n";
    for (const auto& f : q.findings) {
      std::string where = html_escape(f.example_file);
      if (f.line != 0) where += ":" + std::to_string(f.line) + ":" + std::to_string(f.column);
      out += "<tr><td>" + html_escape(f.id) + "</td><td>" + html_escape(f.severity) +
             "</td><td class=\"n\">" + std::to_string(f.count) + "</td><td>" + where + "<br>" +
             html_escape(f.example_message) + "</td></tr>\n";
    }
    out += "</table>\n";
  }
  out +=
      "<p class=\"note\">Generated by apipnr-validate. The finding IDs are explained in "
      "docs/error-codes*.md of the apipnr repository.</p>\n</body></html>\n";
  return out;
}

}  // namespace apipnr::validate
