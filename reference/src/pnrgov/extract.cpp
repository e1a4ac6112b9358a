#include "apipnr/pnrgov/extract.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "apipnr/edifact/interchange.hpp"
#include "apipnr/message/tree.hpp"
#include "apipnr/model/dates.hpp"
#include "apipnr/pnrgov/ssr_text.hpp"

namespace apipnr::pnrgov {
namespace {

using model::opt_string;

// Group context of the walker (STANDARDS.md §3.2 numbering).
enum class ctx : std::uint8_t {
  level0,
  sg1,   // PNR
  sg2,   // traveller
  sg3,   // ticket
  sg4,   // payment
  sg5,   // itinerary leg
  sg6,   // check-in event
  sg7,   // check-in traveller
  sg8,   // split PNR
  sg9,   // non-air
  sg10,  // history credit line
  sg11,  // history action
  sg12,  // history flight
  skip,  // over a limit: ignore until the next group trigger
};

bool in_itinerary(ctx c) noexcept { return c == ctx::sg5 || c == ctx::sg6 || c == ctx::sg7; }
bool in_traveller(ctx c) noexcept { return c == ctx::sg2 || c == ctx::sg3 || c == ctx::sg4; }
bool in_history(ctx c) noexcept { return c == ctx::sg10 || c == ctx::sg11 || c == ctx::sg12; }

// Inline equality with short literals (interchange.hpp): the mapper tests a segment's tag
// against up to thirty literals.
using edifact::eq;

opt_string non_empty(std::string s) {
  if (s.empty()) return std::nullopt;
  return s;
}

bool is_document_ssr(std::string_view code) noexcept {
  return code == "DOCS" || code == "DOCO" || code == "DOCA";
}
bool is_contact_ssr(std::string_view code) noexcept {
  return code == "CTCE" || code == "CTCM" || code == "CTCH" || code == "CTCB";
}

// An SSR waiting for the end of its PNR, because the traveller its 9944 reference names may
// only come later (SG1 SSRs precede every TIF) or because it belongs to a leg (SG5).
struct pending_ssr {
  model::ssr value;
  std::uint32_t segment = 0;  // vector index in interchange::segments
  bool segment_level = false;
};

class mapper {
 public:
  mapper(const edifact::interchange& ic, const edifact::message_view& mv, diagnostic_sink& sink,
         const extract_options& opt, model::canonical_message& out,
         const message::message_tree* tree = nullptr)
      : ic_(ic),
        mv_(mv),
        d_(ic.delims),
        sink_(sink),
        opt_(opt),
        out_(out),
        tree_(tree),
        tree_segments_(tree != nullptr ? static_cast<std::uint32_t>(tree->segments.size()) : 0) {}

  void run();

 private:
  // -- reading -----------------------------------------------------------------------------
  const edifact::segment& seg(std::uint32_t i) const { return ic_.segments[i]; }
  // Element n of segment i. The mapper reads a segment's elements one after the other, so the
  // last segment's split is kept and reused (edifact::element() would split it again from its
  // start for every element).
  // With a message tree (extract(tree, ...)), its element and component index is read
  // instead (tree segment i - mv_.unh): the split the structure parser already made, the same
  // one edifact::element() and edifact::component() make, so both paths read the same values.
  std::string_view raw_el(std::uint32_t i, std::size_t n) const {
    split(i);
    if (in_tree_) return tree_->element(i - mv_.unh, n);
    return n >= 1 && n <= split_.size() ? split_[n - 1] : std::string_view{};
  }
  void split(std::uint32_t i) const {
    if (split_of_ == i) return;
    split_of_ = i;
    split_.clear();
    // Same rules as edifact::element(): no elements unless the body starts with the element
    // separator.
    const std::string_view body = seg(i).body();
    // A segment without a release character (the common case) splits on the separators
    // alone, and its values need no unescaping (plain_).
    plain_ = !d_.has_release || body.empty() ||
             std::memchr(body.data(), d_.release, body.size()) == nullptr;
    in_tree_ = i >= mv_.unh && i - mv_.unh < tree_segments_;
    if (in_tree_) return;  // no split of our own
    if (body.empty() || body.front() != d_.element) return;
    if (plain_) {
      const char* p = body.data() + 1;
      const char* const end = body.data() + body.size();
      for (;;) {
        const char* start = p;
        while (p != end && *p != d_.element) ++p;
        split_.emplace_back(start, static_cast<std::size_t>(p - start));
        if (p == end) break;
        ++p;
      }
      return;
    }
    edifact::field_splitter sp(body.substr(1), d_.element, d_);
    std::string_view piece;
    while (sp.next(piece)) split_.push_back(piece);
  }
  std::string_view raw(std::uint32_t i, std::size_t n, std::size_t c) const {
    split(i);
    if (in_tree_) {
      if (c == 0) return {};  // as component(..., 0, ...) below
      return tree_->component(i - mv_.unh, n, c);
    }
    const std::string_view e = raw_el(i, n);
    if (plain_) return edifact::plain_component(e, c, d_.component);
    return edifact::component(e, c, d_);
  }
  std::string val(std::uint32_t i, std::size_t n, std::size_t c) const {
    const std::string_view r = raw(i, n, c);
    if (plain_) return std::string(r);
    return edifact::unescape(r, d_);
  }
  opt_string opt(std::uint32_t i, std::size_t n, std::size_t c) const {
    const std::string_view r = raw(i, n, c);
    if (r.empty()) return std::nullopt;
    // Built in place for a plain segment (no temporary string moved in).
    if (plain_) return opt_string(std::in_place, r);
    return non_empty(edifact::unescape(r, d_));
  }
  // opt() written into `field` in place: no temporary optional moved in (about 60 fields are
  // filled this way, tens of thousands of times per large push). `Opt` is opt_string or, for a
  // traveller's or document's fields, model::opt_text.
  template <class Opt>
  void put(Opt& field, std::uint32_t i, std::size_t n, std::size_t c) const {
    const std::string_view r = raw(i, n, c);
    if (r.empty()) {
      field.reset();
      return;
    }
    if (plain_) {
      field.emplace(r);
      return;
    }
    // A value with release characters (rare): unescaped, then absent if nothing is left.
    const std::string v = edifact::unescape(r, d_);
    if (v.empty())
      field.reset();
    else
      field.emplace(v);
  }
  std::size_t elements(std::uint32_t i) const {
    split(i);
    if (in_tree_) return tree_->element_count(i - mv_.unh);
    return split_.size();
  }
  std::string text_of(std::uint32_t i) const {
    const auto& s = seg(i);
    std::string t(s.tag());
    if (!s.body().empty()) {
      t.push_back(' ');
      edifact::unescape(s.body().substr(1), d_, t);
    }
    return t;
  }

  // -- reporting ---------------------------------------------------------------------------
  void report(errc e, std::uint32_t i, std::uint16_t element = 0, std::uint16_t component = 0,
              std::string detail = {}, std::string_view requirement = {}) {
    const errc_info& inf = info(e);
    diagnostic dg;
    dg.code = make_error_code(e);
    dg.id = inf.id;
    dg.requirement = requirement.empty() ? inf.requirement : requirement;
    dg.level = inf.level;
    dg.where = inf.default_scope;
    if (i < ic_.segments.size()) {
      dg.pos.offset = seg(i).offset;
      dg.pos.segment = seg(i).index;
      dg.pos.message_segment = i >= mv_.unh ? i - mv_.unh + 1 : 0;
    }
    dg.pos.element = element;
    dg.pos.component = component;
    dg.detail = std::move(detail);
    sink_.report(std::move(dg));
  }
  void not_mapped(std::uint32_t i, std::string_view requirement) {
    report(errc::segment_not_mapped, i, 0, 0, std::string(seg(i).tag()), requirement);
  }
  void out_of_context(std::uint32_t i) {
    report(errc::segment_out_of_context, i, 0, 0, std::string(seg(i).tag()));
  }

  // -- values ------------------------------------------------------------------------------
  std::optional<std::uint32_t> number(std::uint32_t i, std::uint16_t n, std::uint16_t c) {
    const std::string_view s = raw(i, n, c);
    if (s.empty()) return std::nullopt;
    std::uint32_t v = 0;
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || p != s.data() + s.size()) {
      report(errc::invalid_value, i, n, c, "not a whole number");
      return std::nullopt;
    }
    return v;
  }
  std::optional<double> amount(std::uint32_t i, std::uint16_t n, std::uint16_t c) {
    std::string s(raw(i, n, c));
    if (s.empty()) return std::nullopt;
    std::replace(s.begin(), s.end(), d_.decimal, '.');
    double v = 0;
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || p != s.data() + s.size()) {
      report(errc::invalid_value, i, n, c, "not a decimal amount");
      return std::nullopt;
    }
    return v;
  }
  // PNR-GOV-TVL-002: DDMMYY + HHMM, local; a date alone yields YYYY-MM-DD.
  opt_string date_time(std::uint32_t i, std::uint16_t n, std::uint16_t cd, std::uint16_t ct,
                       std::string_view date_override = {}) {
    const std::string_view date = date_override.empty() ? raw(i, n, cd) : date_override;
    const std::string_view time = raw(i, n, ct);
    if (date.empty()) return std::nullopt;
    const auto dd = model::parse_ddmmyy(date, model::nearest_rule(reference_));
    if (!dd) {
      report(errc::invalid_value, i, n, cd, "date is not DDMMYY", "PNR-GOV-TVL-002");
      return std::nullopt;
    }
    if (time.empty()) return model::to_iso(*dd);
    const auto tt = model::parse_hhmm(time);
    if (!tt) {
      report(errc::invalid_value, i, n, ct, "time is not HHMM", "PNR-GOV-TVL-002");
      return model::to_iso(*dd);
    }
    return model::to_iso(model::local_date_time{*dd, *tt});
  }
  opt_string docs_date(std::string_view s, bool birth, std::uint32_t i) {
    if (s.empty()) return std::nullopt;
    const auto rule = birth ? model::birth_rule(reference_) : model::expiry_rule(reference_);
    const auto d = model::parse_ddmmmyy(s, rule);
    if (!d) {
      report(errc::docs_invalid_date, i, 1, 9, birth ? "date of birth" : "expiry");
      return std::nullopt;
    }
    return model::to_iso(*d);
  }

  // -- structure ---------------------------------------------------------------------------
  model::pnr& pnr() { return out_.pnrs.back(); }
  model::traveller* traveller() {
    return traveller_ < 0 ? nullptr : &pnr().travellers[static_cast<std::size_t>(traveller_)];
  }
  model::leg* leg() {
    return leg_ < 0 ? nullptr : &pnr().itinerary[static_cast<std::size_t>(leg_)];
  }
  // `list`: a std::vector or a traveller's model::reference_list.
  template <class List>
  bool room(const List& list, std::uint32_t i) {
    if (list.size() < opt_.max_items_per_list) return true;
    if (!items_limit_reported_) report(errc::limit_items, i);
    items_limit_reported_ = true;
    return false;
  }

  void segment_level0(std::uint32_t i);
  void open_pnr(std::uint32_t i);
  void finish_pnr();
  void segment_pnr(std::uint32_t i);
  void check_level0(std::uint32_t i);

  model::leg parse_tvl(std::uint32_t i, bool with_flight);
  void on_tvl(std::uint32_t i);
  void on_ssr(std::uint32_t i);
  model::ssr parse_ssr(std::uint32_t i);
  void apply_ssr(model::traveller& t, const model::ssr& s, std::uint32_t i);
  void on_tif(std::uint32_t i);
  void on_rci(std::uint32_t i);
  void on_org(std::uint32_t i);
  void on_dat(std::uint32_t i);
  void on_ift(std::uint32_t i);
  void on_add(std::uint32_t i, std::vector<model::address>& into);
  void on_fop(std::uint32_t i);
  void history_text(std::uint32_t i);
  void history_text(std::uint32_t i, std::string t);
  std::string ift_text(std::uint32_t i) const;

  const edifact::interchange& ic_;
  const edifact::message_view& mv_;
  const edifact::delimiters& d_;
  diagnostic_sink& sink_;
  const extract_options& opt_;
  model::canonical_message& out_;
  mutable std::uint32_t split_of_ = 0xFFFFFFFFu;  // segment whose elements split_ holds
  mutable std::vector<std::string_view> split_;   // views into the interchange's buffer
  mutable bool plain_ = false;                    // split_of_ holds no release character
  mutable bool in_tree_ = false;  // split_of_ is read through tree_'s index, split_ unused
  const message::message_tree* tree_ = nullptr;
  std::uint32_t tree_segments_ = 0;  // message segments readable through tree_ (from UNH)
  model::calendar_date reference_{2000, 1, 1};

  ctx ctx_ = ctx::level0;
  bool have_msg_ = false, have_tvl_ = false, have_eqn_ = false, level0_checked_ = false;
  bool update_push_ = false, skipping_pnrs_ = false;
  std::uint32_t pnr_groups_ = 0;
  // Per PNR.
  std::uint32_t src_segment_ = 0;
  bool has_rci_ = false, has_org_ = false, items_limit_reported_ = false;
  bool travellers_limit_reported_ = false, order_reported_ = false;
  std::vector<model::record_locator> fallback_locators_;
  std::vector<pending_ssr> pending_;
  std::vector<std::pair<std::string, std::uint32_t>> checkin_refs_;
  int traveller_ = -1, leg_ = -1;
  std::uint32_t leg_segments_ = 0;  // segments in the current SG5 so far (codeshare pairs)
  opt_string checkin_at_, last_departure_;
};

void mapper::run() {
  // The UNB preparation date anchors two-digit years (never the wall clock: reproducible).
  if (auto d = model::parse_date_6_or_8(ic_.date, model::nearest_rule({2000, 1, 1}))) {
    reference_ = *d;
    auto& m = out_.message;
    if (auto t = model::parse_hhmm(ic_.time))
      m.prepared = model::to_iso(model::local_date_time{*d, *t});
    else
      m.prepared = model::to_iso(*d);
  }
  auto& m = out_.message;
  m.kind = "pnr_push";
  m.syntax = "edifact";
  m.type = std::string(mv_.type);
  m.version = std::string(mv_.version) + ":" + std::string(mv_.release);
  m.sender = non_empty(std::string(ic_.sender));
  m.recipient = non_empty(std::string(ic_.recipient));
  m.interchange_reference = non_empty(std::string(ic_.control_reference));
  m.message_reference = non_empty(edifact::unescape(mv_.reference, d_));
  m.common_access_reference = non_empty(edifact::unescape(mv_.common_access_reference, d_));
  if (ic_.test_indicator == "1") m.test = true;
  if (!mv_.sequence.empty()) {
    model::message_part part;
    std::uint32_t n = 0;
    const auto [p, ec] =
        std::from_chars(mv_.sequence.data(), mv_.sequence.data() + mv_.sequence.size(), n);
    if (ec == std::errc{} && p == mv_.sequence.data() + mv_.sequence.size()) part.number = n;
    part.final_part = mv_.first_last == "F";
    part.message_reference = m.message_reference;
    m.parts.push_back(std::move(part));
  }

  const std::uint32_t last = mv_.closed ? mv_.unt : mv_.unt + 1;
  for (std::uint32_t i = mv_.unh + 1; i < last && i < ic_.segments.size(); ++i) {
    if (eq(seg(i).tag(), "SRC")) {
      open_pnr(i);
    } else if (ctx_ == ctx::level0) {
      segment_level0(i);
    } else if (!skipping_pnrs_) {
      segment_pnr(i);
    }
  }
  if (!out_.pnrs.empty() && !skipping_pnrs_) finish_pnr();
  if (!level0_checked_) check_level0(last > 0 ? last - 1 : mv_.unh);

  // PNR-GOV-EQN-003: EQN counts the whole push; compare only for a single-part message.
  const bool single_part =
      mv_.sequence.empty() || ((mv_.sequence == "1" || mv_.sequence == "01") &&
                               (mv_.first_last.empty() || mv_.first_last == "F"));
  if (out_.counts && out_.counts->pnrs && single_part && *out_.counts->pnrs != pnr_groups_) {
    report(errc::eqn_count_mismatch, mv_.unh, 0, 0,
           "EQN " + std::to_string(*out_.counts->pnrs) + ", PNR groups " +
               std::to_string(pnr_groups_));
  }
}

void mapper::segment_level0(std::uint32_t i) {
  const std::string_view tag = seg(i).tag();
  if (eq(tag, "MSG") && !have_msg_) {
    have_msg_ = true;
    // PNR-GOV-MSG-001: the function is C302 component 2.
    const std::string function = val(i, 1, 2);
    out_.message.document_code = non_empty(function);
    if (!out_.push) out_.push.emplace();
    if (function == "22") {
      out_.message.scenario = "full_push";
      out_.push->function = "full";
    } else if (function == "141") {
      out_.message.scenario = "update_push";
      out_.push->function = "update";
      update_push_ = true;
    } else {
      report(errc::msg_function_unknown, i, 1, 2);
    }
  } else if (eq(tag, "ORG") && !have_tvl_) {
    // PNR-GOV-ORG-001: the sending system.
    if (!out_.push) out_.push.emplace();
    put(out_.push->originator_company, i, 1, 1);
    put(out_.push->originator_location, i, 1, 2);
    put(out_.push->originator_system, i, 4, 1);
  } else if (eq(tag, "TVL") && !have_tvl_) {
    have_tvl_ = true;
    // PNR-GOV-TVL-001: the pushed flight; its leg carries places and times only.
    model::leg l = parse_tvl(i, false);
    l.sequence = 1;
    model::flight f;
    put(f.carrier, i, 4, 1);
    put(f.number, i, 5, 1);
    f.legs.push_back(std::move(l));
    out_.flight_info = std::move(f);
  } else if (eq(tag, "EQN") && !have_eqn_) {
    have_eqn_ = true;
    if (auto n = number(i, 1, 1)) {
      out_.counts.emplace();
      out_.counts->pnrs = *n;
      // PNR-GOV-EQN-002 (GTAS #913): a push without PNRs is reported, never a failure.
      if (*n == 0) report(errc::eqn_zero, i, 1, 1);
    }
  } else if (eq(tag, "ERC")) {
    not_mapped(i, "PNR-GOV-STR-003");
  } else {
    out_of_context(i);
  }
}

void mapper::check_level0(std::uint32_t i) {
  level0_checked_ = true;
  std::string missing;
  if (!have_msg_) missing += "MSG ";
  if (!have_tvl_) missing += "TVL ";
  if (!have_eqn_) missing += "EQN ";
  if (!missing.empty()) {
    missing.pop_back();
    report(errc::level0_missing, i, 0, 0, missing);
  }
}

void mapper::open_pnr(std::uint32_t i) {
  if (!level0_checked_) check_level0(i);
  if (!out_.pnrs.empty() && !skipping_pnrs_) finish_pnr();
  ++pnr_groups_;
  if (skipping_pnrs_) return;
  if (out_.pnrs.size() >= opt_.max_pnrs) {
    report(errc::limit_pnrs, i);
    skipping_pnrs_ = true;
    return;
  }
  out_.pnrs.emplace_back();
  ctx_ = ctx::sg1;
  src_segment_ = i;
  has_rci_ = has_org_ = items_limit_reported_ = travellers_limit_reported_ = false;
  order_reported_ = false;
  fallback_locators_.clear();
  pending_.clear();
  checkin_refs_.clear();
  traveller_ = leg_ = -1;
  leg_segments_ = 0;
  checkin_at_.reset();
  last_departure_.reset();
  if (elements(i) > 0) out_of_context(i);  // SRC carries no data (PNR-GOV-SRC-001)
}

void mapper::segment_pnr(std::uint32_t i) {
  const std::string_view tag = seg(i).tag();
  if (in_itinerary(ctx_) && !eq(tag, "TVL")) ++leg_segments_;
  if (ctx_ == ctx::skip && !eq(tag, "TIF") && !eq(tag, "TVL") && !eq(tag, "EQN") &&
      !eq(tag, "MSG") && !eq(tag, "ABI") && !eq(tag, "LTS"))
    return;

  if (eq(tag, "TVL")) {
    on_tvl(i);
  } else if (eq(tag, "TIF")) {
    on_tif(i);
  } else if (eq(tag, "SSR")) {
    on_ssr(i);
  } else if (eq(tag, "RCI")) {
    on_rci(i);
  } else if (eq(tag, "ORG")) {
    on_org(i);
  } else if (eq(tag, "DAT")) {
    on_dat(i);
  } else if (eq(tag, "IFT")) {
    on_ift(i);
  } else if (eq(tag, "ADD")) {
    if (ctx_ == ctx::sg1) {
      on_add(i, pnr().addresses);
    } else if (in_traveller(ctx_) && traveller()) {
      if (ctx_ == ctx::sg4)
        not_mapped(i, "PNR-GOV-FOP-003");  // payer address: no field in the model
      else
        on_add(i, traveller()->mutable_details().addresses);
    } else {
      out_of_context(i);
    }
  } else if (eq(tag, "FTI") || eq(tag, "REF")) {
    model::traveller* t = traveller();
    if (!t) {
      out_of_context(i);
      return;
    }
    if (ctx_ != ctx::sg2) out_of_context(i);
    const std::size_t n = elements(i);
    for (std::uint16_t e = 1; e <= n; ++e) {
      if (raw_el(i, e).empty()) continue;
      if (eq(tag, "FTI")) {
        // PNR-GOV-FTI-001: C326 airline : number : 9944 : status : tier.
        if (!room(t->mutable_details().frequent_flyers, i)) break;
        t->mutable_details().frequent_flyers.push_back({opt(i, e, 1), opt(i, e, 2), opt(i, e, 5)});
      } else {
        // PNR-GOV-REF-001: the qualifier stays as sent, even when empty (REF+:4928506894).
        if (!room(t->references, i)) break;
        t->references.push_back({val(i, e, 1), val(i, e, 2)});
      }
    }
  } else if (eq(tag, "TKT")) {
    model::traveller* t = traveller();
    if (!t || !in_traveller(ctx_)) {
      out_of_context(i);
      return;
    }
    if (!room(t->mutable_details().tickets, i)) return;
    // PNR-GOV-TKT-001: C667 number : type : booklets.
    model::ticket k;
    put(k.number, i, 1, 1);
    put(k.document_type, i, 1, 2);
    k.booklets = number(i, 1, 3);
    t->mutable_details().tickets.push_back(std::move(k));
    ctx_ = ctx::sg3;
  } else if (eq(tag, "MON")) {
    model::traveller* t = traveller();
    if (!t || t->details().tickets.empty() || (ctx_ != ctx::sg3 && ctx_ != ctx::sg4)) {
      out_of_context(i);
      return;
    }
    model::ticket& k = t->mutable_details().tickets.back();
    const std::size_t n = elements(i);
    for (std::uint16_t e = 1; e <= n; ++e) {
      const std::string type = val(i, e, 1);
      if (type == "B") {
        k.base_fare = amount(i, e, 2);
      } else if (type == "T") {
        k.total_fare = amount(i, e, 2);
      } else {
        not_mapped(i, "PNR-GOV-TKT-002");
        continue;
      }
      if (auto c = opt(i, e, 3)) k.currency = std::move(c);
    }
  } else if (eq(tag, "FOP")) {
    on_fop(i);
  } else if (eq(tag, "RPI") && ctx_ == ctx::sg12) {
    history_text(i);  // SG12: the party/status of a history flight
  } else if (eq(tag, "TRA") || eq(tag, "RPI") || eq(tag, "APD")) {
    model::leg* l = leg();
    if (!l || ctx_ != ctx::sg5) {
      out_of_context(i);
      if (!l) return;
    }
    if (eq(tag, "TRA")) {
      // PNR-GOV-TRA-001: operating carrier and flight when they differ.
      put(l->operating_carrier, i, 1, 1);
      put(l->operating_flight_number, i, 2, 1);
    } else if (eq(tag, "RPI")) {
      l->party_size = number(i, 1, 1);  // PNR-GOV-RPI-001
      put(l->status, i, 2, 1);
    } else {
      put(l->equipment, i, 1, 1);  // PNR-GOV-APD-001
    }
  } else if (eq(tag, "TRI")) {
    if (!in_itinerary(ctx_)) {
      out_of_context(i);
      return;
    }
    if (ctx_ == ctx::sg5) out_of_context(i);  // TRI without its check-in DAT
    if (!room(pnr().check_ins, i)) return;
    model::check_in c;
    put(c.sequence, i, 2, 1);
    put(c.traveller_ref, i, 2, 4);
    c.at = checkin_at_;
    if (c.traveller_ref) checkin_refs_.emplace_back(*c.traveller_ref, i);
    pnr().check_ins.push_back(std::move(c));
    ctx_ = ctx::sg7;
  } else if (eq(tag, "SSD") || eq(tag, "TBD")) {
    if (eq(tag, "TBD") && in_history(ctx_)) {
      history_text(i);
      return;
    }
    if (ctx_ != ctx::sg7 || pnr().check_ins.empty()) {
      out_of_context(i);
      return;
    }
    model::check_in& c = pnr().check_ins.back();
    if (eq(tag, "SSD")) {
      put(c.seat, i, 1, 1);
      put(c.cabin, i, 5, 1);  // PNR-GOV-DCS-003: kept as sent
    } else {
      // PNR-GOV-DCS-002: C675 count : weight : 5463 : unit; some senders put the unit third.
      c.baggage.count = number(i, 2, 1);
      if (raw(i, 2, 2).size()) c.baggage.weight = amount(i, 2, 2);
      put(c.baggage.unit, i, 2, 4);
      if (!c.baggage.unit) {
        const std::string u = val(i, 2, 3);
        if (u == "700" || u == "701" || u == "702") c.baggage.unit = u;
      }
      const std::size_t n = elements(i);
      for (std::uint16_t e = 5; e <= n; ++e) {
        if (auto tagno = opt(i, e, 2)) c.baggage.tags.push_back(std::move(*tagno));
      }
    }
  } else if (eq(tag, "EQN")) {
    // PNR-GOV-SPLIT-001: SG8 EQN + RCI.
    ctx_ = ctx::sg8;
  } else if (eq(tag, "MSG")) {
    // PNR-GOV-NONAIR-001: SG9 non-air segment.
    if (!room(pnr().other_segments, i)) return;
    pnr().other_segments.push_back({opt(i, 1, 1), std::nullopt});
    ctx_ = ctx::sg9;
  } else if (eq(tag, "ABI")) {
    // PNR-GOV-HIST-001: a history credit line.
    if (!room(pnr().history, i)) return;
    model::history_entry h;
    put(h.originator, i, 2, 1);
    if (!h.originator) h.originator = opt(i, 2, 2);
    pnr().history.push_back(std::move(h));
    ctx_ = ctx::sg10;
  } else if (eq(tag, "SAC")) {
    if (!in_history(ctx_) || pnr().history.empty()) {
      out_of_context(i);
      return;
    }
    model::history_entry& cur = pnr().history.back();
    if (cur.action || cur.text) {
      if (!room(pnr().history, i)) return;
      model::history_entry h;
      h.at = cur.at;
      h.originator = cur.originator;
      pnr().history.push_back(std::move(h));
    }
    put(pnr().history.back().action, i, 3, 1);
    ctx_ = ctx::sg11;
  } else if (eq(tag, "LTS")) {
    // PNR-GOV-HIST-002: unstructured history line.
    if (!room(pnr().history, i)) return;
    model::history_entry h;
    put(h.text, i, 1, 1);
    pnr().history.push_back(std::move(h));
  } else if (eq(tag, "EBD")) {
    not_mapped(i, "PNR-GOV-EBD-001");
  } else if (eq(tag, "FAR")) {
    not_mapped(i, "PNR-GOV-FAR-001");
  } else if (eq(tag, "PTK") || eq(tag, "TXD")) {
    if (ctx_ != ctx::sg3) out_of_context(i);
    not_mapped(i, "PNR-GOV-TKT-002");
  } else if (eq(tag, "ERC")) {
    not_mapped(i, "PNR-GOV-STR-003");
  } else {
    report(errc::unknown_segment, i, 0, 0, std::string(tag));
  }
}

model::leg mapper::parse_tvl(std::uint32_t i, bool with_flight) {
  model::leg l;
  put(l.departure.port, i, 2, 1);
  put(l.arrival.port, i, 3, 1);
  l.departure.scheduled = date_time(i, 1, 1, 2);
  const std::string_view dep_date = raw(i, 1, 1);
  if (raw(i, 1, 3).empty() && !raw(i, 1, 4).empty() && !dep_date.empty()) {
    // PNR-GOV-TVL-003 (GTAS): "date:time::time": the arrival date is the departure date.
    report(errc::arrival_date_inferred, i, 1, 3);
    l.arrival.scheduled = date_time(i, 1, 3, 4, dep_date);
  } else {
    l.arrival.scheduled = date_time(i, 1, 3, 4);
  }
  if (with_flight) {
    // PNR-GOV-TVL-005: C306 marketing : operating carrier.
    put(l.carrier, i, 4, 1);
    put(l.operating_carrier, i, 4, 2);
    put(l.flight_number, i, 5, 1);
    put(l.booking_class, i, 5, 2);
  }
  return l;
}

void mapper::on_tvl(std::uint32_t i) {
  if (ctx_ == ctx::sg9) {
    auto& others = pnr().other_segments;
    if (others.back().text) {
      if (!room(others, i)) return;
      others.push_back({others.back().kind, std::nullopt});
    }
    others.back().text = text_of(i);
    return;
  }
  if (ctx_ == ctx::sg11 || ctx_ == ctx::sg12) {
    history_text(i);
    ctx_ = ctx::sg12;
    return;
  }
  model::leg l = parse_tvl(i, true);
  model::leg* prev = leg();
  // PNR-GOV-TVL-005: a second TVL right after a leg's TVL, on the same places and date (or
  // none), with another carrier or flight, is the operating flight of that leg.
  if (ctx_ == ctx::sg5 && prev && leg_segments_ == 0) {
    auto same_or_absent = [](const opt_string& a, const opt_string& b) { return !a || a == b; };
    const bool same_leg = same_or_absent(l.departure.port, prev->departure.port) &&
                          same_or_absent(l.arrival.port, prev->arrival.port) &&
                          same_or_absent(l.departure.scheduled, prev->departure.scheduled);
    const bool other_flight = (l.carrier && l.carrier != prev->carrier) ||
                              (l.flight_number && l.flight_number != prev->flight_number);
    if (same_leg && other_flight) {
      if (l.carrier) prev->operating_carrier = l.carrier;
      if (l.flight_number) prev->operating_flight_number = l.flight_number;
      report(errc::codeshare_pair, i);
      return;
    }
  }
  if (!room(pnr().itinerary, i)) {
    ctx_ = ctx::skip;
    return;
  }
  if (!in_itinerary(ctx_) && ctx_ != ctx::sg1 && !in_traveller(ctx_)) out_of_context(i);
  // PNR-GOV-TVL-007: legs stay in message order with their sequence as given; a leg that
  // departs before the previous one is reported, not re-ordered.
  if (l.departure.scheduled) {
    if (last_departure_ && *l.departure.scheduled < *last_departure_ && !order_reported_) {
      report(errc::legs_not_chronological, i);
      order_reported_ = true;
    }
    last_departure_ = l.departure.scheduled;
  }
  l.sequence = static_cast<std::uint32_t>(pnr().itinerary.size() + 1);
  pnr().itinerary.push_back(std::move(l));
  leg_ = static_cast<int>(pnr().itinerary.size() - 1);
  leg_segments_ = 0;
  checkin_at_.reset();
  ctx_ = ctx::sg5;
}

void mapper::on_tif(std::uint32_t i) {
  if (ctx_ == ctx::sg7) {
    // The traveller of a check-in record (cross-referenced by 9944).
    auto& c = pnr().check_ins.back();
    if (!c.traveller_ref) {
      put(c.traveller_ref, i, 2, 3);
      if (c.traveller_ref) checkin_refs_.emplace_back(*c.traveller_ref, i);
    }
    return;
  }
  if (ctx_ == ctx::sg11 || ctx_ == ctx::sg12) {
    history_text(i);
    return;
  }
  if (!in_traveller(ctx_) && ctx_ != ctx::sg1 && ctx_ != ctx::skip) out_of_context(i);
  auto& list = pnr().travellers;
  if (list.size() >= opt_.max_travellers_per_pnr) {
    if (!travellers_limit_reported_) report(errc::limit_travellers, i);
    travellers_limit_reported_ = true;
    traveller_ = -1;
    ctx_ = ctx::skip;
    return;
  }
  // PNR-GOV-TIF-001: C322 surname; C324 given name : passenger type : 9944 : infant flag.
  model::traveller t;
  t.role = "passenger";
  t.surname = val(i, 1, 1);
  put(t.given_names, i, 2, 1);
  put(t.mutable_details().passenger_type, i, 2, 2);
  put(t.mutable_details().pnr_traveller_ref, i, 2, 3);
  if (t.details().passenger_type == "IN") {
    // PNR-GOV-TIF-002: an infant is its own traveller group.
    t.role = "infant";
    t.mutable_details().infant = true;
  }
  const std::string_view with_infant = raw(i, 2, 4);
  if (!with_infant.empty() && with_infant != "0" && with_infant != "N")
    t.mutable_details().accompanied_by_infant = true;
  if (elements(i) > 2) report(errc::extra_tif_names, i, 3);
  list.push_back(std::move(t));
  traveller_ = static_cast<int>(list.size() - 1);
  ctx_ = ctx::sg2;
}

model::ssr mapper::parse_ssr(std::uint32_t i) {
  // PNR-GOV-SSR-001: C334 code : status : quantity : airline : 7365 : 7365 : board : off :
  // free text; C332 (repeated) seat : 6411 : 9944 traveller reference : characteristics.
  model::ssr s;
  s.code = val(i, 1, 1);
  put(s.status, i, 1, 2);
  s.quantity = number(i, 1, 3);
  put(s.carrier, i, 1, 4);
  put(s.board, i, 1, 7);
  put(s.off, i, 1, 8);
  std::string text = val(i, 1, 9);
  for (std::size_t c = 10; !raw(i, 1, c).empty(); ++c) {
    text.push_back(' ');
    text += val(i, 1, c);
  }
  s.text = non_empty(std::move(text));
  std::string seats;
  const std::size_t n = elements(i);
  for (std::uint16_t e = 2; e <= n; ++e) {
    if (auto ref = opt(i, e, 3)) s.traveller_refs.push_back(std::move(*ref));
    if (auto seat = opt(i, e, 1)) {
      if (!seats.empty()) seats.push_back(' ');
      seats += *seat;
    }
  }
  // Seat numbers of C332 have no field of their own: they become the text when none was sent,
  // so that nothing is lost.
  if (!s.text && !seats.empty()) s.text = std::move(seats);
  return s;
}

void mapper::apply_ssr(model::traveller& t, const model::ssr& s, std::uint32_t i) {
  const std::string text = s.text.value_or(std::string());
  if (s.code == "DOCS") {
    // PNR-GOV-SSR-004..009.
    const docs_result r = parse_docs(text);
    for (const auto& issue : r.issues) {
      switch (issue.problem) {
        case text_problem::shifted:
          report(errc::docs_shifted, i, 1, 9, "shift " + std::to_string(r.shift));
          break;
        case text_problem::invalid_gender:
          report(errc::docs_invalid_gender, i, 1, 9, "field 6");
          break;
        case text_problem::invalid_date:
          report(errc::docs_invalid_date, i, 1, 9, "field " + std::to_string(issue.field));
          break;
        case text_problem::missing_field:
          report(errc::docs_incomplete, i, 1, 9, "field " + std::to_string(issue.field));
          break;
        default:
          report(errc::free_text_malformed, i, 1, 9, "field " + std::to_string(issue.field),
                 "PNR-GOV-SSR-004");
          break;
      }
    }
    const docs_fields& v = r.value;
    if (!v.document_type.empty() && !v.number.empty()) {
      model::document doc;
      doc.type = std::string(v.document_type);
      doc.number = std::string(v.number);
      doc.issuing_state = non_empty(std::string(v.issuing_state));
      doc.nationality = non_empty(std::string(v.nationality));
      if (is_ddmmmyy(v.expiry)) doc.expiry = docs_date(v.expiry, false, i);
      doc.source = "DOCS";
      t.documents.push_back(std::move(doc));
    }
    if (!t.date_of_birth && is_ddmmmyy(v.date_of_birth))
      t.date_of_birth = docs_date(v.date_of_birth, true, i);
    if (!t.gender && is_docs_gender(v.gender)) {
      // Canonical gender is M/F/U; MI/FI keep the infant flag in `infant`.
      t.gender = std::string(v.gender.substr(0, 1));
      if (v.gender.size() == 2) t.mutable_details().infant = true;
    }
  } else if (s.code == "DOCO") {
    const auto r = parse_doco(text);
    for (const auto& issue : r.issues) {
      if (issue.problem == text_problem::invalid_date)
        report(errc::docs_invalid_date, i, 1, 9, "DOCO field 5");
      else
        report(errc::free_text_malformed, i, 1, 9, "DOCO field " + std::to_string(issue.field));
    }
    const doco_fields& v = r.value;
    if (!v.document_type.empty() && !v.number.empty()) {
      // PNR-GOV-SSR-010: type V is a visa; the country of application issued it.
      model::document doc;
      doc.type = std::string(v.document_type);
      doc.number = std::string(v.number);
      if (v.document_type == "V") doc.issuing_state = non_empty(std::string(v.applicable_country));
      if (is_ddmmmyy(v.issue_date)) {
        if (auto d = model::parse_ddmmmyy(v.issue_date, model::birth_rule(reference_)))
          doc.issue_date = model::to_iso(*d);
      }
      doc.source = "DOCO";
      t.documents.push_back(std::move(doc));
    }
    if (!t.details().place_of_birth && !v.place_of_birth.empty())
      t.mutable_details().place_of_birth = std::string(v.place_of_birth);
  } else if (s.code == "DOCA") {
    const auto r = parse_doca(text);
    for (const auto& issue : r.issues)
      report(errc::free_text_malformed, i, 1, 9, "DOCA field " + std::to_string(issue.field));
    const doca_fields& v = r.value;
    model::address a;
    a.purpose = non_empty(std::string(v.address_type));
    a.country = non_empty(std::string(v.country));
    a.street = non_empty(std::string(v.street));
    a.city = non_empty(std::string(v.city));
    a.sub_entity = non_empty(std::string(v.state));
    a.postal_code = non_empty(std::string(v.postal_code));
    if (v.address_type == "R" && !t.details().residence_country && a.country) {
      t.mutable_details().residence_country = a.country;
    }
    t.mutable_details().addresses.push_back(std::move(a));
  } else if (is_contact_ssr(s.code)) {
    // PNR-GOV-IFT-002: AIRIMP e-mail encoding decoded.
    contact_text c = parse_contact(s.code, text);
    for (const auto& issue : c.issues)
      report(errc::free_text_malformed, i, 1, 9, "contact field " + std::to_string(issue.field),
             "PNR-GOV-IFT-002");
    if (!c.value.empty())
      t.mutable_details().contacts.push_back(
          {c.kind == contact_kind::email ? "email" : "phone", c.value});
  }
}

void mapper::on_ssr(std::uint32_t i) {
  if (in_history(ctx_)) {
    history_text(i);
    return;
  }
  model::ssr s = parse_ssr(i);
  if (in_traveller(ctx_) && traveller()) {
    if (ctx_ != ctx::sg2) out_of_context(i);
    model::traveller& t = *traveller();
    if (!room(t.mutable_details().ssrs, i)) return;
    apply_ssr(t, s, i);
    t.mutable_details().ssrs.push_back(std::move(s));
    return;
  }
  if (ctx_ == ctx::sg1 || in_itinerary(ctx_)) {
    if (pending_.size() >= opt_.max_items_per_list) {
      room(pending_, i);
      return;
    }
    const bool segment_level = in_itinerary(ctx_);
    if (segment_level && leg()) s.segment_refs.push_back(leg()->sequence.value_or(0));
    pending_.push_back({std::move(s), i, segment_level});
    return;
  }
  out_of_context(i);
  if (room(pnr().ssrs, i)) pnr().ssrs.push_back(std::move(s));
}

void mapper::on_rci(std::uint32_t i) {
  std::vector<model::record_locator> locators;
  const std::size_t n = elements(i);
  opt_string created;
  for (std::uint16_t e = 1; e <= n; ++e) {
    std::string locator = val(i, e, 2);
    if (locator.empty()) continue;
    model::record_locator r;
    r.locator = std::move(locator);
    put(r.company, i, e, 1);
    put(r.control_type, i, e, 3);
    locators.push_back(std::move(r));
    if (!created) created = date_time(i, e, 4, 5);
  }
  if (ctx_ == ctx::sg8) {
    for (auto& l : locators) {
      if (room(pnr().split_locators, i)) pnr().split_locators.push_back(std::move(l.locator));
    }
    return;
  }
  if (in_itinerary(ctx_)) {
    // PNR-GOV-RCI-002: a flight-group RCI is the fallback when the PNR has none.
    if (fallback_locators_.empty()) fallback_locators_ = std::move(locators);
    return;
  }
  if (ctx_ != ctx::sg1 || has_rci_) out_of_context(i);
  has_rci_ = true;
  auto& p = pnr();
  for (auto& l : locators) {
    if (room(p.record_locators, i)) p.record_locators.push_back(std::move(l));
  }
  if (!p.created) p.created = std::move(created);
}

void mapper::on_org(std::uint32_t i) {
  if (ctx_ == ctx::sg6) {
    not_mapped(i, "PNR-GOV-DCS-001");  // check-in agent: no field in the model
    return;
  }
  if (ctx_ != ctx::sg1 || has_org_) {
    out_of_context(i);
    if (has_org_) return;
  }
  has_org_ = true;
  bool empty = true;
  const std::size_t n = elements(i);
  for (std::uint16_t e = 1; e <= n; ++e)
    empty = empty && raw_el(i, e).find_first_not_of(d_.component) == std::string_view::npos;
  auto& p = pnr();
  if (empty) {
    // PNR-GOV-CANCEL-001/-002: SRC, RCI, empty ORG = the PNR left the flight.
    if (update_push_)
      p.cancelled = true;
    else
      report(errc::cancellation_in_full_push, i);
    return;
  }
  // PNR-GOV-ORG-002.
  model::originator o;
  put(o.company, i, 1, 1);
  put(o.location, i, 1, 2);
  put(o.agent_id, i, 2, 1);
  put(o.originator_type, i, 5, 1);
  put(o.country, i, 6, 1);
  put(o.currency, i, 6, 2);
  put(o.language, i, 6, 3);
  p.origin = std::move(o);
}

void mapper::on_dat(std::uint32_t i) {
  const std::string q = val(i, 1, 1);
  if (ctx_ == ctx::sg1) {
    // PNR-GOV-DAT-001: 700 last transaction; other qualifiers are reported (DAT-003).
    if (q == "700")
      pnr().last_modified = date_time(i, 1, 2, 3);
    else
      not_mapped(i, "PNR-GOV-DAT-003");
  } else if (ctx_ == ctx::sg3 || ctx_ == ctx::sg4) {
    if (ctx_ == ctx::sg4) out_of_context(i);
    pnr()
        .travellers[static_cast<std::size_t>(traveller_)]
        .mutable_details()
        .tickets.back()
        .issue_date = date_time(i, 1, 2, 3);
  } else if (in_itinerary(ctx_)) {
    // PNR-GOV-DAT-002: SG6 check-in transaction (2) or free-text date (3).
    checkin_at_.reset();
    if (q == "2")
      checkin_at_ = date_time(i, 1, 2, 3);
    else
      not_mapped(i, "PNR-GOV-DAT-002");
    ctx_ = ctx::sg6;
  } else if (ctx_ == ctx::sg10) {
    pnr().history.back().at = date_time(i, 1, 2, 3);
  } else {
    out_of_context(i);
  }
}

void mapper::on_ift(std::uint32_t i) {
  if (ctx_ == ctx::sg11 || ctx_ == ctx::sg12) {
    // PNR-GOV-HIST-001: the history entry's text is the IFT free text (4440), not the raw
    // segment: the C346 qualifiers (4:28) say what kind of text it is, not what it says.
    history_text(i, ift_text(i));
    return;
  }
  const std::string type = val(i, 1, 2);
  // PNR-GOV-IFT-001: 15 fare calculation and 43 sponsor / card holder are not free-text
  // remarks and have no field in the model; every other IFT is PNR free text (OSI).
  if (type == "15" || type == "43" || ctx_ == ctx::sg4) {
    not_mapped(i, "PNR-GOV-IFT-001");
    return;
  }
  if (ctx_ == ctx::sg3 || ctx_ == ctx::sg8 || ctx_ == ctx::sg9 || ctx_ == ctx::sg10)
    out_of_context(i);
  std::string text = ift_text(i);
  if (text.empty()) return;
  if (room(pnr().osi, i)) pnr().osi.push_back(std::move(text));
}

std::string mapper::ift_text(std::uint32_t i) const {
  // IFT element 2 is 4440 free text, repeated (x99): the pieces joined by one space.
  std::string text;
  const std::size_t n = elements(i);
  for (std::uint16_t e = 2; e <= n; ++e) {
    const std::string piece = val(i, e, 1);
    if (piece.empty()) continue;
    if (!text.empty()) text.push_back(' ');
    text += piece;
  }
  return text;
}

void mapper::on_add(std::uint32_t i, std::vector<model::address>& into) {
  // PNR-GOV-ADD-001: C032 purpose : street : city : state code : state : country : postal :
  // free text, repeated.
  const std::size_t n = elements(i);
  for (std::uint16_t e = 2; e <= n; ++e) {
    if (raw_el(i, e).empty()) continue;
    if (!room(into, i)) return;
    model::address a;
    put(a.purpose, i, e, 1);
    put(a.street, i, e, 2);
    put(a.city, i, e, 3);
    put(a.sub_entity, i, e, 4);
    if (!a.sub_entity) a.sub_entity = opt(i, e, 5);
    put(a.country, i, e, 6);
    put(a.postal_code, i, e, 7);
    put(a.free_text, i, e, 8);
    into.push_back(std::move(a));
  }
}

void mapper::on_fop(std::uint32_t i) {
  model::traveller* t = traveller();
  if (!t || t->details().tickets.empty() || (ctx_ != ctx::sg3 && ctx_ != ctx::sg4)) {
    out_of_context(i);
    return;
  }
  model::ticket& k = t->mutable_details().tickets.back();
  // PNR-GOV-FOP-001: C641 type : old/new : amount : vendor : account : expiry, repeated; each
  // composite is one form of payment (FOP+MS+CC:::MA:...).
  const std::size_t n = elements(i);
  for (std::uint16_t e = 1; e <= n; ++e) {
    if (raw_el(i, e).empty()) continue;
    if (!room(k.payments, i)) return;
    model::payment p;
    p.type = val(i, e, 1);
    p.amount = amount(i, e, 3);
    put(p.vendor, i, e, 4);
    const std::string account = val(i, e, 5);
    if (!account.empty()) {
      // DP-MASK-004 / PNR-GOV-FOP-002: stored masked whatever was sent.
      bool in_clear = false;
      p.account_masked = mask_account(account, in_clear);
      if (in_clear) report(errc::full_pan_in_clear, i, e, 5);
    }
    put(p.expiry, i, e, 6);
    k.payments.push_back(std::move(p));
  }
  ctx_ = ctx::sg4;
}

void mapper::history_text(std::uint32_t i) { history_text(i, text_of(i)); }

void mapper::history_text(std::uint32_t i, std::string t) {
  auto& h = pnr().history;
  if (h.empty()) {
    out_of_context(i);
    return;
  }
  if (t.empty()) return;
  auto& cur = h.back().text;
  if (cur) {
    *cur += "; ";
    *cur += t;
  } else {
    cur = std::move(t);
  }
}

void mapper::finish_pnr() {
  model::pnr& p = pnr();
  // PNR-GOV-RCI-001/-002 (GTAS "RCI but got IFT"): report, then fall back to a flight-group RCI.
  if (!has_rci_) {
    report(errc::rci_missing, src_segment_);
    if (!fallback_locators_.empty()) {
      p.record_locators = std::move(fallback_locators_);
      report(errc::rci_fallback, src_segment_);
    }
  }
  if (!has_org_) report(errc::org_missing, src_segment_);

  auto find = [&](const std::string& ref) -> model::traveller* {
    for (auto& t : p.travellers)
      if (t.details().pnr_traveller_ref == ref) return &t;
    return nullptr;
  };
  // PNR-GOV-SSR-002/-003, TIF-005: PNR-level and segment SSRs go to the traveller their single
  // 9944 reference names; document SSRs outside SG2 are reported, never skipped.
  for (auto& pend : pending_) {
    model::ssr& s = pend.value;
    const bool document = is_document_ssr(s.code);
    model::traveller* target = nullptr;
    bool unknown_ref = false;
    if (s.traveller_refs.size() == 1) {
      target = find(s.traveller_refs.front());
      unknown_ref = target == nullptr;
    } else if (s.traveller_refs.empty() && document && p.travellers.size() == 1) {
      target = &p.travellers.front();
    }
    if (unknown_ref) report(errc::traveller_ref_unknown, pend.segment, 2, 3);
    for (std::size_t r = 1; r < s.traveller_refs.size(); ++r) {
      if (!find(s.traveller_refs[r]) || !find(s.traveller_refs.front()))
        report(errc::traveller_ref_unknown, pend.segment, 2, 3);
    }
    if (target) {
      if (document) report(errc::ssr_misplaced, pend.segment);
      apply_ssr(*target, s, pend.segment);
      auto& ssrs = target->mutable_details().ssrs;
      if (room(ssrs, pend.segment)) ssrs.push_back(std::move(s));
    } else {
      if (document) report(errc::ssr_unassigned, pend.segment);
      if (room(p.ssrs, pend.segment)) p.ssrs.push_back(std::move(s));
    }
  }
  pending_.clear();
  for (const auto& [ref, segment] : checkin_refs_) {
    if (!find(ref)) report(errc::traveller_ref_unknown, segment, 2, 4);
  }
  // DP-SENS-001: removed before the model leaves the mapper; the finding carries the count only.
  if (opt_.filter_sensitive) {
    const std::uint32_t removed = filter_sensitive(p, opt_.sensitive);
    if (removed > 0)
      report(errc::sensitive_removed, src_segment_, 0, 0,
             std::to_string(removed) + " item(s) removed");
  }
}

}  // namespace

namespace {

boost::system::result<model::canonical_message> run_checked(
    const edifact::interchange& ic, std::size_t message_index, const message::definitions& defs,
    const message::message_tree* tree, diagnostic_sink& sink, const extract_options& options) {
  auto fail = [&](errc e, std::uint32_t segment_index) {
    const errc_info& inf = info(e);
    diagnostic dg;
    dg.code = make_error_code(e);
    dg.id = inf.id;
    dg.requirement = inf.requirement;
    dg.level = inf.level;
    dg.where = inf.default_scope;
    if (segment_index < ic.segments.size()) {
      dg.pos.offset = ic.segments[segment_index].offset;
      dg.pos.segment = ic.segments[segment_index].index;
      dg.pos.message_segment = 1;
    }
    sink.report(std::move(dg));
    return make_error_code(e);
  };
  if (message_index >= ic.messages.size()) return fail(errc::no_such_message, 0xFFFFFFFFu);
  const edifact::message_view& mv = ic.messages[message_index];
  if (mv.type != "PNRGOV") return fail(errc::not_pnrgov, mv.unh);

  model::canonical_message out;
  // PNR-GOV-VER-001: map unknown versions best-effort, but say so.
  if (!defs.find(mv.type, mv.version, mv.release, mv.agency)) {
    const errc_info& inf = info(errc::unknown_version);
    diagnostic dg;
    dg.code = make_error_code(errc::unknown_version);
    dg.id = inf.id;
    dg.requirement = inf.requirement;
    dg.level = inf.level;
    dg.where = inf.default_scope;
    if (mv.unh < ic.segments.size()) {
      dg.pos.offset = ic.segments[mv.unh].offset;
      dg.pos.segment = ic.segments[mv.unh].index;
      dg.pos.message_segment = 1;
    }
    dg.pos.element = 2;
    sink.report(std::move(dg));
  }
  mapper m(ic, mv, sink, options, out, tree);
  m.run();
  return out;
}

}  // namespace

boost::system::result<model::canonical_message> extract(const edifact::interchange& ic,
                                                        std::size_t message_index,
                                                        const message::definitions& defs,
                                                        diagnostic_sink& sink,
                                                        const extract_options& options) {
  return run_checked(ic, message_index, defs, nullptr, sink, options);
}

boost::system::result<model::canonical_message> extract(const message::message_tree& tree,
                                                        const message::definitions& defs,
                                                        diagnostic_sink& sink,
                                                        const extract_options& options) {
  if (tree.source == nullptr) {
    return run_checked(edifact::interchange{}, 0, defs, nullptr, sink, options);
  }
  // A tree that stopped early (a limit) indexes only its first segments: those are read
  // through it, the rest split here (segments beyond tree.segments.size()).
  return run_checked(*tree.source, tree.message_index, defs, &tree, sink, options);
}

}  // namespace apipnr::pnrgov
