#include "apipnr/edifact/writer.hpp"

#include <algorithm>

namespace apipnr::edifact {

bool escape(std::string_view value, const delimiters& d, std::string& out) {
  bool faithful = true;
  // Runs without a service character are appended at once (a push_back per character was most
  // of the cost of writing a CUSRES); each service character starts the next run after its
  // release character.
  std::size_t run = 0;
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (!d.is_service(value[i])) continue;
    out.append(value.data() + run, i - run);
    if (d.has_release)
      out.push_back(d.release);
    else
      faithful = false;  // nothing can make it literal; the caller learns via the result
    run = i;
  }
  out.append(value.data() + run, value.size() - run);
  return faithful;
}

writer& writer::una() {
  char una[9];
  d_.to_una(una);
  out_.append(una, sizeof una);
  if (line_breaks_) out_.push_back('\n');
  return *this;
}

writer& writer::begin(std::string_view tag) {
  if (segment_start_ != std::string::npos) {
    const auto ec = end();
    // end() resets error_, so a problem in the implicitly ended segment would otherwise be lost.
    if (ec) error_ = ec;
  }
  segment_start_ = out_.size();
  out_.append(tag);
  content_end_ = element_end_ = repetition_end_ = out_.size();
  in_element_ = false;
  return *this;
}

void writer::put(std::string_view value) {
  if (value.empty()) return;
  if (!escape(value, d_, out_) && !error_) error_ = make_error_code(errc::invalid_character);
  // Only a non-empty value moves the ends: separators written after it are dropped unless
  // another non-empty value follows them.
  content_end_ = element_end_ = repetition_end_ = out_.size();
}

writer& writer::element(std::string_view value) {
  out_.resize(element_end_);  // trailing empty components/repetitions of the previous element
  out_.push_back(d_.element);
  element_end_ = repetition_end_ = out_.size();  // an empty element in the middle is kept
  in_element_ = true;
  put(value);
  return *this;
}

writer& writer::component(std::string_view value) {
  if (!in_element_) return element(value);
  out_.push_back(d_.component);
  put(value);
  return *this;
}

writer& writer::repetition(std::string_view value) {
  if (!in_element_) return element(value);
  if (!d_.has_repetition) {
    // No separator to write: the repetition cannot be represented, so it is not written at all.
    if (!error_) error_ = make_error_code(errc::repetition_separator_in_v3);
    return *this;
  }
  out_.resize(repetition_end_);  // trailing empty components of the previous repetition
  out_.push_back(d_.repetition);
  repetition_end_ = out_.size();
  put(value);
  return *this;
}

writer& writer::raw_element(std::string_view raw) {
  out_.resize(element_end_);
  out_.push_back(d_.element);
  in_element_ = true;
  out_.append(raw);
  element_end_ = repetition_end_ = out_.size();
  if (!raw.empty()) content_end_ = out_.size();
  return *this;
}

boost::system::error_code writer::end() {
  if (segment_start_ == std::string::npos) return {};
  out_.resize(content_end_);
  out_.push_back(d_.terminator);
  if (line_breaks_) out_.push_back('\n');
  ++segments_;
  segment_start_ = std::string::npos;
  in_element_ = false;
  const auto ec = error_;
  error_ = {};
  return ec;
}

namespace {

bool is_envelope_header(std::string_view tag) noexcept { return tag == "UNB" || tag == "UNG"; }

// Writes one raw element of the source as value(s) of the target: repetitions (when the source
// declares a repetition separator and the segment allows it), then components, each unescaped
// with the source delimiters and escaped again by the writer.
void copy_element(writer& w, std::string_view raw, const delimiters& from, bool split_repetitions,
                  std::string& scratch) {
  std::string_view rep_raw;
  field_splitter reps(raw, split_repetitions ? from.repetition : from.element, from);
  for (bool first_rep = true; reps.next(rep_raw); first_rep = false) {
    field_splitter comps(rep_raw, from.component, from);
    std::string_view comp_raw;
    for (bool first_comp = true; comps.next(comp_raw); first_comp = false) {
      scratch.clear();
      unescape(comp_raw, from, scratch);
      if (!first_comp)
        w.component(scratch);
      else if (first_rep)
        w.element(scratch);
      else
        w.repetition(scratch);
    }
  }
}

}  // namespace

boost::system::error_code write_interchange(const interchange& ic, const delimiters& to,
                                            std::string& out, bool with_una, bool line_breaks) {
  writer w(out, to);
  w.line_breaks(line_breaks);
  if (with_una) w.una();
  boost::system::error_code first;
  std::string scratch;
  const delimiters& from = ic.delims;
  for (const segment& s : ic.segments) {
    w.begin(s.tag());
    if (!s.body().empty() && s.body().front() == from.element) {
      // UNB/UNG ids such as "APIS*ABE" contain the repetition character as data (STANDARDS.md
      // §1.6), so those segments are never split on it.
      const bool split_reps = from.has_repetition && !is_envelope_header(s.tag());
      field_splitter elements(s.body().substr(1), from.element, from);
      std::string_view raw;
      while (elements.next(raw)) copy_element(w, raw, from, split_reps, scratch);
    }
    const auto ec = w.end();
    if (ec && !first) first = ec;
  }
  return first;
}

}  // namespace apipnr::edifact
