#include "apipnr/iapi/lists.hpp"

#include <algorithm>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <set>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "apipnr/iapi/normalise.hpp"

namespace apipnr::iapi {
namespace {

using nlohmann::json;

std::size_t line_at(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  return 1 + static_cast<std::size_t>(std::count(
                 text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

// The line of the first occurrence of the token quoted in nlohmann's "number overflow parsing
// '<token>'" message; 0 when it cannot be found.
std::size_t line_of_token(std::string_view text, std::string_view what) {
  const auto open = what.find('\'');
  const auto close = what.rfind('\'');
  if (open == std::string_view::npos || close <= open + 1) return 0;
  const auto at = text.find(what.substr(open + 1, close - open - 1));
  return at == std::string_view::npos ? 0 : line_at(text, at);
}

// nlohmann::json keeps no source positions, yet an operator fixing a list of thousands of
// entries needs the line. This scan (run only on text that already parsed) records the line on
// which each element of a top-level array member starts, e.g. every object in "entries".
std::unordered_map<std::string, std::vector<std::size_t>> element_lines(std::string_view text) {
  std::unordered_map<std::string, std::vector<std::size_t>> lines;
  std::vector<char> stack;
  std::string last_string;
  std::string key;
  std::string current;
  std::size_t line = 1;
  bool expecting_element = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') ++line;
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    if (expecting_element && stack.size() == 2 && stack.back() == '[' && c != ']') {
      lines[key].push_back(line);
      expecting_element = false;
    }
    if (c == '"') {
      std::string s;
      for (++i; i < text.size() && text[i] != '"'; ++i) {
        if (text[i] == '\\')
          ++i;  // an escaped character never ends the string
        else if (text[i] == '\n')
          ++line;
        if (i < text.size()) s += text[i];
      }
      if (stack.size() == 1) last_string = std::move(s);
      continue;
    }
    switch (c) {
      case ':':
        if (stack.size() == 1) key = last_string;
        break;
      case '{':
        stack.push_back('{');
        break;
      case '[':
        stack.push_back('[');
        if (stack.size() == 2) expecting_element = true;
        break;
      case '}':
      case ']':
        if (!stack.empty()) stack.pop_back();
        expecting_element = false;
        break;
      case ',':
        if (stack.size() == 2 && stack.back() == '[') expecting_element = true;
        break;
      default:
        break;
    }
  }
  return lines;
}

// Collects the context of one parse so that every check can report file, line and path.
class reporter {
 public:
  reporter(std::string_view text, std::string_view source, load_error& err)
      : text_(text), source_(source), err_(err) {}

  boost::system::error_code fail(errc e, std::size_t line, std::string detail) {
    err_.code = e;
    err_.file = std::string(source_);
    err_.line = line;
    err_.detail = std::move(detail);
    return err_.code;
  }

  std::size_t element_line(const std::string& member, std::size_t index) {
    if (!lines_) lines_ = element_lines(text_);
    const auto it = lines_->find(member);
    if (it == lines_->end() || index >= it->second.size()) return 0;
    return it->second[index];
  }

  std::string_view text() const noexcept { return text_; }

 private:
  std::string_view text_;
  std::string_view source_;
  load_error& err_;
  std::optional<std::unordered_map<std::string, std::vector<std::size_t>>> lines_;
};

std::string path_of(std::string_view member, std::size_t index, std::string_view field = {}) {
  std::string p = std::string(member) + "[" + std::to_string(index) + "]";
  if (!field.empty()) p += "." + std::string(field);
  return p;
}

// Parsing is the process edge where nlohmann's exceptions are allowed; they are turned into
// list_syntax with the line of the offending byte here and go no further.
boost::system::error_code parse_json(reporter& rep, const list_limits& limits, json& out) {
  if (rep.text().size() > limits.max_file_bytes)
    return rep.fail(errc::list_too_large, 0, "file size");
  try {
    out = json::parse(rep.text().begin(), rep.text().end());
  } catch (const json::parse_error& e) {
    // e.byte is 1-based and points one past the character that could not be read.
    return rep.fail(errc::list_syntax, line_at(rep.text(), e.byte == 0 ? 0 : e.byte - 1),
                    "JSON syntax");
  } catch (const json::out_of_range& e) {
    // A number beyond double's range (1e999): nlohmann throws out_of_range 406, not a
    // parse_error, and carries no position; the line is that of the number's text.
    return rep.fail(errc::list_syntax, line_of_token(rep.text(), e.what()), "JSON number range");
  }
  return {};
}

boost::system::error_code check_header(reporter& rep, const json& j, std::string_view format,
                                       std::initializer_list<std::string_view> members) {
  if (!j.is_object()) return rep.fail(errc::list_format, 0, "top level is not an object");
  for (const auto& [name, value] : j.items()) {
    if (std::find(members.begin(), members.end(), name) == members.end())
      return rep.fail(errc::list_format, 0, "unknown member \"" + name + "\"");
  }
  const auto f = j.find("format");
  if (f == j.end() || !f->is_string() || f->get_ref<const std::string&>() != format)
    return rep.fail(errc::list_format, 0, "format");
  const auto v = j.find("version");
  if (v == j.end() || !v->is_number_integer() || v->get<long long>() != list_format_version)
    return rep.fail(errc::list_format, 0, "version");
  return {};
}

// A required non-empty string member of `o`; nullptr (and `ec` set) otherwise.
const std::string* required_string(reporter& rep, const json& o, std::string_view name,
                                   std::size_t line, const std::string& path,
                                   boost::system::error_code& ec) {
  const auto it = o.find(name);
  if (it == o.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
    ec = rep.fail(errc::list_entry_invalid, line, path + "." + std::string(name));
    return nullptr;
  }
  return &it->get_ref<const std::string&>();
}

boost::system::error_code check_members(reporter& rep, const json& o,
                                        std::initializer_list<std::string_view> allowed,
                                        std::size_t line, const std::string& path) {
  if (!o.is_object()) return rep.fail(errc::list_entry_invalid, line, path);
  // Unknown members are refused: a misspelt "issuing_sate" must not silently widen a match.
  for (const auto& [name, value] : o.items())
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end())
      return rep.fail(errc::list_entry_invalid, line, path + "." + name);
  return {};
}

boost::system::error_code read_document(reporter& rep, const json& o, std::size_t line,
                                        const std::string& path, document_id& out) {
  if (auto ec = check_members(rep, o, {"number", "issuing_state"}, line, path)) return ec;
  boost::system::error_code ec;
  const std::string* number = required_string(rep, o, "number", line, path, ec);
  if (number == nullptr) return ec;
  const std::string* state = required_string(rep, o, "issuing_state", line, path, ec);
  if (state == nullptr) return ec;
  out.number = document_key(*number);
  if (out.number.empty()) return rep.fail(errc::list_entry_invalid, line, path + ".number");
  auto code = state_code(*state);
  if (!code) return rep.fail(errc::list_invalid_state, line, path + ".issuing_state");
  out.issuing_state = std::move(*code);
  return {};
}

bool is_year(std::string_view s) noexcept {
  return s.size() == 4 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

const json* entries_array(reporter& rep, const json& j, std::string_view member,
                          const list_limits& limits, boost::system::error_code& ec) {
  const auto it = j.find(member);
  if (it == j.end() || !it->is_array()) {
    ec = rep.fail(errc::list_format, 0, std::string(member));
    return nullptr;
  }
  if (it->size() > limits.max_entries) {
    ec = rep.fail(errc::list_too_large, 0, std::string(member));
    return nullptr;
  }
  return &*it;
}

boost::system::error_code read_file(const std::filesystem::path& file, load_error& err,
                                    const list_limits& limits, std::string& text) {
  const std::string name = file.string();
  std::error_code fec;
  const auto size = std::filesystem::file_size(file, fec);
  if (fec) {
    err = {make_error_code(errc::list_unreadable), name, 0, "open"};
    return err.code;
  }
  if (size > limits.max_file_bytes) {
    err = {make_error_code(errc::list_too_large), name, 0, "file size"};
    return err.code;
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    err = {make_error_code(errc::list_unreadable), name, 0, "open"};
    return err.code;
  }
  text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (in.bad()) {
    err = {make_error_code(errc::list_unreadable), name, 0, "read"};
    return err.code;
  }
  return {};
}

}  // namespace

std::string load_error::to_string() const {
  std::string s = file + ":" + std::to_string(line) + ": ";
  if (code.category() == iapi_category()) {
    const errc_info& i = info(static_cast<errc>(code.value()));
    s += std::string(i.id) + ": " + std::string(i.message);
  } else {
    s += code.message();
  }
  if (!detail.empty()) s += " (" + detail + ")";
  return s;
}

bool authorisation_list::requires_authorisation(std::string_view nationality) const noexcept {
  return std::binary_search(nationalities_requiring.begin(), nationalities_requiring.end(),
                            nationality);
}

std::string document_index_key(const document_id& d) { return d.issuing_state + "/" + d.number; }

boost::system::result<watchlist> parse_watchlist(std::string_view json_text,
                                                 std::string_view source, load_error& err,
                                                 const list_limits& limits) {
  reporter rep(json_text, source, err);
  json j;
  if (auto ec = parse_json(rep, limits, j)) return ec;
  if (auto ec = check_header(rep, j, watchlist_format,
                             {"$schema", "format", "version", "description", "entries"}))
    return ec;
  boost::system::error_code ec;
  const json* entries = entries_array(rep, j, "entries", limits, ec);
  if (entries == nullptr) return ec;

  watchlist wl;
  wl.source = std::string(source);
  wl.entries.reserve(entries->size());
  std::unordered_set<std::string> ids;
  for (std::size_t n = 0; n < entries->size(); ++n) {
    const json& o = (*entries)[n];
    const std::size_t line = rep.element_line("entries", n);
    const std::string path = path_of("entries", n);
    if (auto e = check_members(
            rep, o, {"id", "action", "reason", "document", "name", "date_of_birth", "comment"},
            line, path))
      return e;
    watchlist_entry w;
    w.line = line;
    const std::string* id = required_string(rep, o, "id", line, path, ec);
    if (id == nullptr) return ec;
    w.id = *id;
    const std::string* action = required_string(rep, o, "action", line, path, ec);
    if (action == nullptr) return ec;
    if (*action == "no_board")
      w.action = watch_action::no_board;
    else if (*action == "advisory")
      w.action = watch_action::advisory;
    else
      return rep.fail(errc::list_invalid_action, line, path + ".action");
    const std::string* reason = required_string(rep, o, "reason", line, path, ec);
    if (reason == nullptr) return ec;
    w.reason = *reason;

    if (const auto d = o.find("document"); d != o.end()) {
      document_id doc;
      if (auto e = read_document(rep, *d, line, path + ".document", doc)) return e;
      w.document = std::move(doc);
    }
    const auto name = o.find("name");
    const auto dob = o.find("date_of_birth");
    if (name != o.end()) {
      const std::string np = path + ".name";
      if (auto e = check_members(rep, *name, {"surname", "given_names"}, line, np)) return e;
      const std::string* surname = required_string(rep, *name, "surname", line, np, ec);
      if (surname == nullptr) return ec;
      w.surname = name_key(*surname);
      if (w.surname.empty()) return rep.fail(errc::list_entry_invalid, line, np + ".surname");
      if (const auto g = name->find("given_names"); g != name->end()) {
        if (!g->is_string()) return rep.fail(errc::list_entry_invalid, line, np + ".given_names");
        w.given_names = name_key(g->get_ref<const std::string&>());
      }
      // A name alone would stop every namesake; the list format requires a date of birth.
      if (dob == o.end() || !dob->is_string())
        return rep.fail(errc::list_entry_invalid, line, path + ".date_of_birth");
      const std::string& d = dob->get_ref<const std::string&>();
      if (!is_iso_date(d) && !is_year(d))
        return rep.fail(errc::list_invalid_date, line, path + ".date_of_birth");
      w.date_of_birth = d;
    } else if (dob != o.end()) {
      return rep.fail(errc::list_entry_invalid, line, path + ".name");
    }
    if (!w.document && w.surname.empty())
      return rep.fail(errc::list_entry_invalid, line, path + ".document");
    if (!ids.insert(w.id).second) return rep.fail(errc::list_duplicate_id, line, path + ".id");
    const std::size_t index = wl.entries.size();
    if (w.document) wl.by_document[document_index_key(*w.document)].push_back(index);
    if (!w.surname.empty()) wl.by_surname[w.surname].push_back(index);
    wl.entries.push_back(std::move(w));
  }
  return wl;
}

boost::system::result<authorisation_list> parse_authorisations(std::string_view json_text,
                                                               std::string_view source,
                                                               load_error& err,
                                                               const list_limits& limits) {
  reporter rep(json_text, source, err);
  json j;
  if (auto ec = parse_json(rep, limits, j)) return ec;
  if (auto ec = check_header(rep, j, authorisations_format,
                             {"$schema", "format", "version", "description", "state",
                              "nationalities_requiring_authorisation", "authorisations"}))
    return ec;
  authorisation_list al;
  al.source = std::string(source);
  if (const auto s = j.find("state"); s != j.end()) {
    auto code = s->is_string() ? state_code(s->get_ref<const std::string&>()) : std::nullopt;
    if (!code) return rep.fail(errc::list_invalid_state, 0, "state");
    al.state = std::move(*code);
  }
  boost::system::error_code ec;
  const json* nats = entries_array(rep, j, "nationalities_requiring_authorisation", limits, ec);
  if (nats == nullptr) return ec;
  std::set<std::string> nationalities;
  for (std::size_t n = 0; n < nats->size(); ++n) {
    const json& v = (*nats)[n];
    auto code = v.is_string() ? state_code(v.get_ref<const std::string&>()) : std::nullopt;
    if (!code)
      return rep.fail(errc::list_invalid_state,
                      rep.element_line("nationalities_requiring_authorisation", n),
                      path_of("nationalities_requiring_authorisation", n));
    nationalities.insert(std::move(*code));
  }
  al.nationalities_requiring.assign(nationalities.begin(), nationalities.end());

  const json* entries = entries_array(rep, j, "authorisations", limits, ec);
  if (entries == nullptr) return ec;
  al.entries.reserve(entries->size());
  std::unordered_set<std::string> ids;
  for (std::size_t n = 0; n < entries->size(); ++n) {
    const json& o = (*entries)[n];
    const std::size_t line = rep.element_line("authorisations", n);
    const std::string path = path_of("authorisations", n);
    if (auto e = check_members(rep, o, {"id", "document", "valid_from", "valid_until", "comment"},
                               line, path))
      return e;
    authorisation a;
    a.line = line;
    const std::string* id = required_string(rep, o, "id", line, path, ec);
    if (id == nullptr) return ec;
    a.id = *id;
    const auto d = o.find("document");
    if (d == o.end()) return rep.fail(errc::list_entry_invalid, line, path + ".document");
    if (auto e = read_document(rep, *d, line, path + ".document", a.document)) return e;
    for (auto [field, target] :
         {std::pair{"valid_from", &a.valid_from}, std::pair{"valid_until", &a.valid_until}}) {
      const auto v = o.find(field);
      if (v == o.end() || !v->is_string())
        return rep.fail(errc::list_entry_invalid, line, path + "." + field);
      if (!is_iso_date(v->get_ref<const std::string&>()))
        return rep.fail(errc::list_invalid_date, line, path + "." + field);
      *target = v->get_ref<const std::string&>();
    }
    // ISO dates compare as strings.
    if (a.valid_until < a.valid_from)
      return rep.fail(errc::list_invalid_date, line, path + ".valid_until");
    if (!ids.insert(a.id).second) return rep.fail(errc::list_duplicate_id, line, path + ".id");
    al.by_document[document_index_key(a.document)].push_back(al.entries.size());
    al.entries.push_back(std::move(a));
  }
  return al;
}

boost::system::result<watchlist> load_watchlist(const std::filesystem::path& file, load_error& err,
                                                const list_limits& limits) {
  std::string text;
  if (auto ec = read_file(file, err, limits, text)) return ec;
  return parse_watchlist(text, file.string(), err, limits);
}

boost::system::result<authorisation_list> load_authorisations(const std::filesystem::path& file,
                                                              load_error& err,
                                                              const list_limits& limits) {
  std::string text;
  if (auto ec = read_file(file, err, limits, text)) return ec;
  return parse_authorisations(text, file.string(), err, limits);
}

}  // namespace apipnr::iapi
