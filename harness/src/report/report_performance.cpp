// The "Performance" section of report.html (report_performance_internal.hpp): what
// `apipnr-harness load` measured, from results.json "performance" alone. Inline SVG only; every
// chart has its numbers in a table next to it.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "apipnr/harness/report_html.hpp"
#include "report_performance_internal.hpp"

namespace apipnr::harness::detail {

namespace {

using json = nlohmann::json;

std::string h(std::string_view s) { return escape_html_bytes(s); }

std::string fmt(const char* f, double v) {
  char b[64];
  std::snprintf(b, sizeof b, f, v);
  return b;
}

double num(const json& j, const char* key) {
  if (!j.is_object()) return 0;
  const auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<double>() : 0.0;
}

std::string text(const json& j, const char* key) {
  if (!j.is_object()) return {};
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

const json& sub(const json& j, const char* key) {
  static const json null;
  if (!j.is_object()) return null;
  const auto it = j.find(key);
  return it == j.end() ? null : *it;
}

std::string ms_text(double ms) { return fmt(ms < 10 ? "%.3f" : "%.1f", ms); }

std::string svg_open(std::string_view id, std::string_view title, int w, int hgt) {
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(w) + "\" height=\"" +
         std::to_string(hgt) + "\" viewBox=\"0 0 " + std::to_string(w) + " " + std::to_string(hgt) +
         "\" role=\"img\" aria-labelledby=\"" + std::string(id) +
         "-t\" font-size=\"11\">\n<title id=\"" + std::string(id) + "-t\">" + h(title) +
         "</title>\n";
}

// Plot area of every chart.
constexpr int k_w = 640, k_h = 220, k_left = 60, k_right = 16, k_top = 10, k_bottom = 30;
constexpr int k_pw = k_w - k_left - k_right, k_ph = k_h - k_top - k_bottom;

std::string xy(double x, double y) { return fmt("%.1f", x) + "," + fmt("%.1f", y); }

// Log-scale y position of `ms` within [lo, hi] decades.
double log_y(double ms, double lo_dec, double hi_dec) {
  const double v = std::log10(std::max(ms, std::pow(10.0, lo_dec)));
  return k_top + k_ph - (v - lo_dec) / (hi_dec - lo_dec) * k_ph;
}

void decade_axis(std::string& out, double lo_dec, double hi_dec, std::string_view unit) {
  for (int d = static_cast<int>(lo_dec); d <= static_cast<int>(hi_dec); ++d) {
    const double y = log_y(std::pow(10.0, d), lo_dec, hi_dec);
    out += "<line x1=\"" + std::to_string(k_left) + "\" x2=\"" + std::to_string(k_left + k_pw) +
           "\" y1=\"" + fmt("%.1f", y) + "\" y2=\"" + fmt("%.1f", y) + "\" stroke=\"#ddd\"/>";
    const double v = std::pow(10.0, d);
    out += "<text x=\"" + std::to_string(k_left - 4) + "\" y=\"" + fmt("%.1f", y + 4) +
           "\" text-anchor=\"end\">" + (v < 1 ? fmt("%g", v) : fmt("%.0f", v)) + "</text>\n";
  }
  out += "<text x=\"4\" y=\"" + std::to_string(k_top + 10) + "\">" + h(unit) + "</text>\n";
}

void time_axis(std::string& out, double t_end) {
  out += "<line x1=\"" + std::to_string(k_left) + "\" x2=\"" + std::to_string(k_left + k_pw) +
         "\" y1=\"" + std::to_string(k_top + k_ph) + "\" y2=\"" + std::to_string(k_top + k_ph) +
         "\" stroke=\"#888\"/>";
  for (int i = 0; i <= 4; ++i) {
    const double t = t_end * i / 4.0;
    out += "<text x=\"" + fmt("%.1f", k_left + k_pw * i / 4.0) + "\" y=\"" +
           std::to_string(k_h - 12) + "\" text-anchor=\"middle\">" + fmt("%.0f", t) + " s</text>";
  }
  out += "\n";
}

std::pair<double, double> decades(double lo_ms, double hi_ms) {
  const double lo = std::floor(std::log10(std::max(lo_ms, 0.001)));
  double hi = std::ceil(std::log10(std::max(hi_ms, 0.001)));
  if (hi <= lo) hi = lo + 1;
  return {lo, hi};
}

// Shaded background for every harness-limited interval.
void shade_limited(std::string& out, const json& intervals, double t_end) {
  for (const auto& i : intervals)
    if (i.is_object() && i.value("harness_limited", false)) {
      const double x = k_left + num(i, "start_s") / t_end * k_pw;
      const double w = std::max(1.0, num(i, "length_s") / t_end * k_pw);
      out += "<rect x=\"" + fmt("%.1f", x) + "\" y=\"" + std::to_string(k_top) + "\" width=\"" +
             fmt("%.1f", w) + "\" height=\"" + std::to_string(k_ph) +
             "\" fill=\"#fde68a\" opacity=\"0.6\"/>";
    }
  out += "\n";
}

void latency_over_time(std::string& out, const json& intervals, std::string_view id) {
  double t_end = 0, lo = 1e300, hi = 0;
  for (const auto& i : intervals) {
    t_end = std::max(t_end, num(i, "start_s") + num(i, "length_s"));
    if (num(i, "ok") > 0) {
      lo = std::min(lo, num(i, "p50_ms"));
      hi = std::max(hi, num(i, "max_ms"));
    }
  }
  if (t_end <= 0 || hi <= 0) return;
  const auto [lo_dec, hi_dec] = decades(lo, hi);
  out += svg_open(id, "Latency over time: p50, p99 and max per interval (log scale, ms)", k_w, k_h);
  shade_limited(out, intervals, t_end);
  decade_axis(out, lo_dec, hi_dec, "ms");
  time_axis(out, t_end);
  const struct {
    const char* key;
    const char* colour;
  } series[] = {{"p50_ms", "#2563eb"}, {"p99_ms", "#dc2626"}, {"max_ms", "#6b7280"}};
  for (const auto& s : series) {
    std::string pts;
    for (const auto& i : intervals) {
      if (num(i, "ok") <= 0) continue;
      const double x = k_left + (num(i, "start_s") + num(i, "length_s") / 2) / t_end * k_pw;
      if (!pts.empty()) pts += ' ';  // not `" " + xy(..)`: a false GCC 12 -Wrestrict (bug 105329)
      pts += xy(x, log_y(num(i, s.key), lo_dec, hi_dec));
    }
    out += "<polyline fill=\"none\" stroke=\"" + std::string(s.colour) +
           "\" stroke-width=\"1.5\" points=\"" + pts + "\"/>\n";
  }
  out += "<text x=\"" + std::to_string(k_left + 8) + "\" y=\"" + std::to_string(k_top + 12) +
         "\" fill=\"#2563eb\">p50</text><text x=\"" + std::to_string(k_left + 40) + "\" y=\"" +
         std::to_string(k_top + 12) + "\" fill=\"#dc2626\">p99</text><text x=\"" +
         std::to_string(k_left + 72) + "\" y=\"" + std::to_string(k_top + 12) +
         "\" fill=\"#6b7280\">max</text>\n</svg>\n";
}

void throughput_over_time(std::string& out, const json& intervals, std::string_view id) {
  double t_end = 0, top = 0;
  for (const auto& i : intervals) {
    t_end = std::max(t_end, num(i, "start_s") + num(i, "length_s"));
    const double len = std::max(num(i, "length_s"), 1e-9);
    top = std::max({top, num(i, "ok") / len, num(i, "due") / len, num(i, "errors") / len});
  }
  if (t_end <= 0 || top <= 0) return;
  top *= 1.1;
  out += svg_open(id, "Throughput over time: answered, due and failed per second", k_w, k_h);
  shade_limited(out, intervals, t_end);
  for (int i = 0; i <= 4; ++i) {
    const double v = top * i / 4.0;
    const double y = k_top + k_ph - k_ph * i / 4.0;
    out += "<line x1=\"" + std::to_string(k_left) + "\" x2=\"" + std::to_string(k_left + k_pw) +
           "\" y1=\"" + fmt("%.1f", y) + "\" y2=\"" + fmt("%.1f", y) +
           "\" stroke=\"#ddd\"/><text x=\"" + std::to_string(k_left - 4) + "\" y=\"" +
           fmt("%.1f", y + 4) + "\" text-anchor=\"end\">" + fmt("%.0f", v) + "</text>";
  }
  out += "<text x=\"4\" y=\"" + std::to_string(k_top + 10) + "\">/s</text>\n";
  time_axis(out, t_end);
  const struct {
    const char* key;
    const char* colour;
  } series[] = {{"due", "#9ca3af"}, {"ok", "#16a34a"}, {"errors", "#dc2626"}};
  for (const auto& s : series) {
    std::string pts;
    for (const auto& i : intervals) {
      const double len = std::max(num(i, "length_s"), 1e-9);
      const double x = k_left + (num(i, "start_s") + len / 2) / t_end * k_pw;
      const double y = k_top + k_ph - num(i, s.key) / len / top * k_ph;
      if (!pts.empty()) pts += ' ';
      pts += xy(x, y);
    }
    out += "<polyline fill=\"none\" stroke=\"" + std::string(s.colour) +
           "\" stroke-width=\"1.5\" points=\"" + pts + "\"/>\n";
  }
  out += "<text x=\"" + std::to_string(k_left + 8) + "\" y=\"" + std::to_string(k_top + 12) +
         "\" fill=\"#9ca3af\">due</text><text x=\"" + std::to_string(k_left + 40) + "\" y=\"" +
         std::to_string(k_top + 12) + "\" fill=\"#16a34a\">answered</text><text x=\"" +
         std::to_string(k_left + 100) + "\" y=\"" + std::to_string(k_top + 12) +
         "\" fill=\"#dc2626\">failed</text>\n</svg>\n";
}

// The latency histogram: the stored buckets regrouped into 5 bins per decade.
void histogram_chart(std::string& out, const json& hist, std::string_view id) {
  const json& buckets = sub(hist, "buckets");
  if (!buckets.is_array() || buckets.empty()) return;
  std::vector<std::pair<int, double>> bins;  // (bin index, count), bin = floor(5*log10(ms))
  for (const auto& b : buckets) {
    if (!b.is_array() || b.size() != 2 || !b[0].is_number() || !b[1].is_number()) continue;
    const double ms = std::max(b[0].get<double>() / 1e6, 1e-6);
    const int bin = static_cast<int>(std::floor(5.0 * std::log10(ms)));
    if (!bins.empty() && bins.back().first == bin)
      bins.back().second += b[1].get<double>();
    else
      bins.emplace_back(bin, b[1].get<double>());
  }
  if (bins.empty()) return;
  const int first = bins.front().first, last = bins.back().first;
  const int n = last - first + 1;
  double top = 0;
  for (const auto& [bin, c] : bins) top = std::max(top, c);
  out += svg_open(id, "Latency histogram: answers per latency bin (5 bins per decade, log x)", k_w,
                  k_h);
  const double bw = static_cast<double>(k_pw) / n;
  for (const auto& [bin, c] : bins) {
    const double x = k_left + (bin - first) * bw;
    const double hgt = c / top * k_ph;
    out += "<rect x=\"" + fmt("%.1f", x + 1) + "\" y=\"" + fmt("%.1f", k_top + k_ph - hgt) +
           "\" width=\"" + fmt("%.1f", std::max(bw - 2, 1.0)) + "\" height=\"" +
           fmt("%.1f", std::max(hgt, 1.0)) + "\" fill=\"#2563eb\"><title>" +
           fmt("%.4g", std::pow(10.0, bin / 5.0)) + "-" +
           fmt("%.4g", std::pow(10.0, (bin + 1) / 5.0)) + " ms: " + fmt("%.0f", c) +
           "</title></rect>\n";
  }
  for (int bin = first; bin <= last + 1; ++bin)
    if (bin % 5 == 0) {
      const double x = k_left + (bin - first) * bw;
      out += "<text x=\"" + fmt("%.1f", x) + "\" y=\"" + std::to_string(k_h - 12) +
             "\" text-anchor=\"middle\">" + fmt("%g", std::pow(10.0, bin / 5)) + " ms</text>";
    }
  out += "<line x1=\"" + std::to_string(k_left) + "\" x2=\"" + std::to_string(k_left + k_pw) +
         "\" y1=\"" + std::to_string(k_top + k_ph) + "\" y2=\"" + std::to_string(k_top + k_ph) +
         "\" stroke=\"#888\"/><text x=\"4\" y=\"" + std::to_string(k_top + 10) + "\">" +
         fmt("%.0f", top) + "</text>\n</svg>\n";
}

std::string row(std::string_view name, const json& hist) {
  return "<tr><th scope=\"row\">" + h(name) + "</th><td class=\"n\">" +
         fmt("%.0f", num(hist, "count")) + "</td><td class=\"n\">" + ms_text(num(hist, "p50_ms")) +
         "</td><td class=\"n\">" + ms_text(num(hist, "p90_ms")) + "</td><td class=\"n\">" +
         ms_text(num(hist, "p99_ms")) + "</td><td class=\"n\">" + ms_text(num(hist, "p99_9_ms")) +
         "</td><td class=\"n\">" + ms_text(num(hist, "max_ms")) + "</td></tr>\n";
}

void one_run(std::string& out, const json& run, std::size_t index) {
  const std::string id = "perf" + std::to_string(index + 1);
  const std::string model = text(run, "model");
  out += "<h3 id=\"" + id + "-h\">Run " + std::to_string(index + 1) + ": " + h(model) +
         " model over " + h(text(run, "transport")) + " (" + h(text(run, "run_kind")) + ")</h3>\n";
  out += "<dl class=\"facts\">";
  auto fact = [&](std::string_view k, const std::string& v) {
    out += "<dt>" + h(k) + "</dt><dd>" + v + "</dd>";
  };
  fact("Endpoint", "<code>" + h(text(run, "endpoint")) + "</code>");
  fact("Connections / event loops",
       fmt("%.0f", num(run, "connections")) + " / " + fmt("%.0f", num(run, "threads")));
  fact("Planned / elapsed",
       fmt("%.1f s", num(run, "planned_s")) + " / " + fmt("%.1f s", num(run, "elapsed_s")));
  if (model == "open") fact("Offered rate", fmt("%.2f /s", num(run, "offered_rate")));
  fact("Achieved rate (answered)", fmt("%.2f /s", num(run, "achieved_rate")));
  fact("Due / sent / answered / failed",
       fmt("%.0f", num(run, "due")) + " / " + fmt("%.0f", num(run, "sent")) + " / " +
           fmt("%.0f", num(run, "ok")) + " / " + fmt("%.0f", num(run, "error_total")));
  fact("Harness-limited intervals", fmt("%.0f", num(run, "harness_limited_intervals")));
  fact("Harness peak RSS", fmt("%.1f MiB", num(run, "max_rss_bytes") / 1048576.0));
  if (const json& q = sub(run, "query"); q.is_object()) {
    fact("Query interface", fmt("%.0f", num(q, "found")) + " of " + fmt("%.0f", num(q, "queried")) +
                                " acknowledged messages found");
    if (const json& a = sub(q, "queryable"); a.is_object())
      fact("Acknowledged \u2192 queryable",
           fmt("%.0f", num(a, "queryable")) + " of " + fmt("%.0f", num(a, "probed")) +
               " sampled within " + fmt("%.0f ms", num(a, "timeout_ms")) + "; p50 " +
               fmt("%.2f", num(a, "p50_ms")) + ", p99 " + fmt("%.2f", num(a, "p99_ms")) + ", max " +
               fmt("%.2f ms", num(a, "max_ms")));
  }
  out += "</dl>\n";
  out += "<p class=\"note\">" +
         std::string(model == "open"
                         ? "Latency is measured from the <em>intended</em> send time of each "
                           "request, so a stall of the system under test shows in full (no "
                           "coordinated omission); the service time is measured from the actual "
                           "send and is what a closed-loop tool would report."
                         : "Closed model: latency is measured from the actual send; a stall "
                           "delays the following requests instead of showing in the "
                           "percentiles. Use it for maximum throughput, not for latency "
                           "targets.") +
         "</p>\n";
  out +=
      "<table><caption>Latency percentiles (ms)</caption><thead><tr><th "
      "scope=\"col\">Measure</th><th scope=\"col\">Count</th><th scope=\"col\">p50</th><th "
      "scope=\"col\">p90</th><th scope=\"col\">p99</th><th scope=\"col\">p99.9</th><th "
      "scope=\"col\">max</th></tr></thead><tbody>\n";
  out += row(model == "open" ? "Latency (from intended send)" : "Latency (from send)",
             sub(run, "latency"));
  out += row("Service time (from actual send)", sub(run, "service_time"));
  if (model == "open") out += row("Send lag (harness)", sub(run, "send_lag"));
  out += "</tbody></table>\n";

  if (const json& errors = sub(run, "errors"); errors.is_object() && !errors.empty()) {
    out +=
        "<table><caption>Failed requests by kind</caption><thead><tr><th "
        "scope=\"col\">Kind</th><th scope=\"col\">Requests</th></tr></thead><tbody>\n";
    for (const auto& [k, v] : errors.items())
      out += "<tr><th scope=\"row\">" + h(k) + "</th><td class=\"n\">" +
             (v.is_number() ? fmt("%.0f", v.get<double>()) : std::string("?")) + "</td></tr>\n";
    out += "</tbody></table>\n";
  }

  const json& intervals = sub(run, "intervals");
  if (intervals.is_array() && !intervals.empty()) {
    out += "<figure>\n";
    latency_over_time(out, intervals, id + "-lat");
    out +=
        "<figcaption>Latency per interval; shaded intervals were harness-limited.</figcaption>"
        "\n</figure>\n<figure>\n";
    throughput_over_time(out, intervals, id + "-tput");
    out += "<figcaption>Throughput per interval.</figcaption>\n</figure>\n";
  }
  out += "<figure>\n";
  histogram_chart(out, sub(run, "latency"), id + "-hist");
  out += "<figcaption>Distribution of the latencies above.</figcaption>\n</figure>\n";

  const json& phases = sub(run, "phases");
  if (phases.is_array() && phases.size() > 1) {
    out +=
        "<table><caption>Phases (a step profile finds the knee: the last phase held)</caption>"
        "<thead><tr><th scope=\"col\">Phase</th><th scope=\"col\">Offered /s</th><th "
        "scope=\"col\">Achieved /s</th><th scope=\"col\">p50 ms</th><th scope=\"col\">p99 "
        "ms</th><th scope=\"col\">max ms</th><th scope=\"col\">Failed</th><th "
        "scope=\"col\">Held</th></tr></thead><tbody>\n";
    for (const auto& p : phases)
      out += "<tr><th scope=\"row\">" + h(text(p, "label")) + "</th><td class=\"n\">" +
             fmt("%.2f", num(p, "offered_rate")) + "</td><td class=\"n\">" +
             fmt("%.2f", num(p, "achieved_rate")) + "</td><td class=\"n\">" +
             ms_text(num(p, "p50_ms")) + "</td><td class=\"n\">" + ms_text(num(p, "p99_ms")) +
             "</td><td class=\"n\">" + ms_text(num(p, "max_ms")) + "</td><td class=\"n\">" +
             fmt("%.0f", num(p, "errors")) + "</td><td>" +
             (p.value("held", false) ? "&#10003; held" : "&#10007; not held") +
             (p.value("harness_limited", false) ? " (harness-limited)" : "") + "</td></tr>\n";
    out += "</tbody></table>\n";
  }

  if (intervals.is_array()) {
    std::string rows;
    std::size_t shown = 0, total = 0;
    for (const auto& i : intervals)
      if (i.is_object() && i.value("harness_limited", false)) {
        ++total;
        if (++shown > 20) continue;
        rows += "<tr><td class=\"n\">" + fmt("%.1f", num(i, "start_s")) + "</td><td>" +
                h(text(i, "harness_reason")) + "</td></tr>\n";
      }
    if (total > 0) {
      out +=
          "<table><caption>Harness-limited intervals (the harness, not the system under "
          "test, set these figures)" +
          std::string(total > 20 ? "; first 20 of " + std::to_string(total) : "") +
          "</caption><thead><tr><th scope=\"col\">Start (s)</th><th "
          "scope=\"col\">Why</th></tr></thead><tbody>\n" +
          rows + "</tbody></table>\n";
    }
  }

  if (const json& c = sub(run, "calibration"); c.is_object()) {
    out += "<p class=\"note\">Self-calibration on this machine: null endpoint " +
           fmt("%.0f", num(c, "null_capacity_rps")) + " requests/s (closed model, " +
           fmt("%.0f", num(c, "connections")) + " connections, " + fmt("%.1f", num(c, "seconds")) +
           " s); clock resolution " + fmt("%.0f", num(c, "clock_resolution_ns")) +
           " ns; timer overshoot p50 " + fmt("%.1f", num(c, "timer_overshoot_p50_us")) +
           " &#181;s, p99 " + fmt("%.1f", num(c, "timer_overshoot_p99_us")) + " &#181;s.";
    if (model == "open" && num(run, "offered_rate") > 0.8 * num(c, "null_capacity_rps"))
      out +=
          " <strong>The offered rate is above 80 % of the harness's calibrated capacity: "
          "treat the figures with care.</strong>";
    out += "</p>\n";
  }
}

}  // namespace

std::string render_performance_section(const nlohmann::json& performance) {
  std::string out;
  out +=
      "<section id=\"performance\" aria-labelledby=\"performance-h\">\n<h2 "
      "id=\"performance-h\">Performance</h2>\n";
  const json& targets = sub(performance, "targets");
  if (targets.is_array() && !targets.empty()) {
    out +=
        "<table><caption>Performance targets of the tender profile</caption><thead><tr><th "
        "scope=\"col\">Target</th><th scope=\"col\">Verdict</th><th scope=\"col\">Checks "
        "(measured)</th></tr></thead><tbody>\n";
    for (const auto& t : targets) {
      const std::string v = text(t, "verdict");
      const std::string badge = v == "pass"   ? "&#10003; pass"
                                : v == "fail" ? "&#10007; FAIL"
                                              : "&#8212; not assessed";
      std::string checks;
      for (const auto& c : sub(t, "checks"))
        checks += std::string(c.value("pass", false) ? "&#10003; " : "&#10007; ") +
                  h(text(c, "name")) + " (" + h(text(c, "measured")) + ")<br>";
      if (!text(t, "reason").empty()) checks += "<em>" + h(text(t, "reason")) + "</em>";
      out += "<tr><th scope=\"row\"><code>" + h(text(t, "id")) + "</code></th><td>" + badge +
             "</td><td>" + checks + "</td></tr>\n";
    }
    out += "</tbody></table>\n";
  }
  const json& runs = sub(performance, "runs");
  if (!runs.is_array() || runs.empty()) out += "<p>No load run recorded.</p>\n";
  if (runs.is_array())
    for (std::size_t i = 0; i < runs.size(); ++i) one_run(out, runs[i], i);
  out += "</section>\n";
  return out;
}

}  // namespace apipnr::harness::detail
