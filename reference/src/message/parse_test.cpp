// parse_structure against the shipped definitions: the STANDARDS.md Appendix A messages, the
// qualifier tie-breaks, repeats, every finding kind and the limits.
#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "apipnr/edifact/parser.hpp"
#include "apipnr/message/definitions.hpp"
#include "apipnr/message/tree.hpp"

namespace apipnr::message {
namespace {

const definitions& defs() {
  static const definitions d =
      load_definitions(std::string(APIPNR_SOURCE_DIR) + "/specs/messages").value();
  return d;
}

// Owns the text, the interchange, the tree and the findings of one parse (not movable: the
// interchange points into text_ and the tree into both).
class parsed {
 public:
  explicit parsed(std::string text, const structure_options& opt = {}) : text_(std::move(text)) {
    edifact::parser p;
    (void)p.parse(text_, ic_, syntax_);
    ec_ = parse_structure(ic_, 0, defs(), findings_, tree_, opt);
  }
  parsed(const parsed&) = delete;
  parsed& operator=(const parsed&) = delete;

  const message_tree& tree() const { return tree_; }
  const diagnostic_list& findings() const { return findings_; }
  const diagnostic_list& syntax() const { return syntax_; }
  boost::system::error_code ec() const { return ec_; }

  // Number of instances of the group with this path ("SG4/SG5").
  std::size_t instances(std::string_view path) const {
    return static_cast<std::size_t>(std::count_if(
        tree_.instances.begin(), tree_.instances.end(),
        [&](const group_instance& g) { return g.group != nullptr && g.group->path == path; }));
  }
  std::size_t count(errc e) const {
    std::size_t n = 0;
    for (const auto& f : findings_.items()) n += f.code == make_error_code(e) ? 1 : 0;
    return n;
  }
  const diagnostic& first(errc e) const {
    for (const auto& f : findings_.items()) {
      if (f.code == make_error_code(e)) return f;
    }
    ADD_FAILURE() << "no finding " << info(e).id << "; got:\n" << dump();
    return none_;
  }
  std::string dump() const {
    std::string s;
    for (const auto& f : findings_.items()) {
      s += std::string(f.id) + " @" + std::to_string(f.pos.message_segment) + " e" +
           std::to_string(f.pos.element) + " c" + std::to_string(f.pos.component) + " " + f.detail +
           "\n";
    }
    return s;
  }
  // Path of the node that matched message segment `ms` (UNH = 1); "" when none.
  std::string matched(std::size_t ms) const {
    const node* n = tree_.segments.at(ms - 1).matched;
    return n != nullptr ? n->path : "";
  }

 private:
  std::string text_;
  edifact::interchange ic_;
  diagnostic_list syntax_;
  diagnostic_list findings_;
  message_tree tree_;
  boost::system::error_code ec_;
  diagnostic none_;
};

// Wraps message segments (without UNH/UNT) into a v4 interchange with correct counts.
std::string wrap(const std::string& type, const std::vector<std::string>& body,
                 const std::string& una = "UNA:+.?*'") {
  std::string s = una + "UNB+UNOA:4+S+R+250301:0930+1'UNH+1+" + type + "'";
  for (const auto& b : body) s += b + "'";
  s += "UNT+" + std::to_string(body.size() + 2) + "+1'UNZ+1+1'";
  return s;
}
std::string paxlst(const std::vector<std::string>& body) {
  return wrap("PAXLST:D:05B:UN:IATA", body);
}
std::string pnrgov(const std::vector<std::string>& body) { return wrap("PNRGOV:13:1:IA", body); }

const std::vector<std::string> pax_head = {
    "BGM+745",    "NAD+MS+++OPS",          "TDT+20+XX123", "LOC+125+LHR", "DTM+189:2503011100:201",
    "LOC+87+JFK", "DTM+232:2503011400:201"};

std::vector<std::string> with_head(std::vector<std::string> tail) {
  std::vector<std::string> v = pax_head;
  v.insert(v.end(), tail.begin(), tail.end());
  return v;
}

constexpr const char* a1 =
    "UNA:+.? '\n"
    "UNB+UNOA:4+XXAPI:ZZ+PIUTEST:ZZ+250301:0930+1001++APIS'\n"
    "UNG+PAXLST+XX AIRLINE+PIUTEST+250301:0930+1+UN+D:05B'\n"
    "UNH+1+PAXLST:D:05B:UN:IATA+XX123/250301/1100+01:F'\n"
    "BGM+745'\n"
    "RFF+TN:XX1232503011:::1'\n"
    "NAD+MS+++OPS CONTROL'\n"
    "COM+44 20 0000 0000:TE'\n"
    "TDT+20+XX123+++XX'\n"
    "LOC+125+LHR'\n"
    "DTM+189:2503011100:201'\n"
    "LOC+87+JFK'\n"
    "DTM+232:2503011400:201'\n"
    "NAD+FL+++O?'BRIEN:ANNE:MARIE'\n"
    "ATT+2++F'\n"
    "DTM+329:850412'\n"
    "LOC+178+LHR'\n"
    "LOC+179+JFK'\n"
    "NAT+2+IRL'\n"
    "RFF+AVF:ABC123'\n"
    "RFF+ABO:0001'\n"
    "DOC+P:110:111+PA1234567'\n"
    "DTM+36:300101'\n"
    "LOC+91+IRL'\n"
    "CNT+42:1'\n"
    "UNT+23+1'\n"
    "UNE+1+1'\n"
    "UNZ+1+1001'\n";

TEST(MessageParse, AppendixA1PaxlstHasNoFindings) {
  parsed p(a1);
  ASSERT_TRUE(p.syntax().empty());
  EXPECT_FALSE(p.ec());
  EXPECT_TRUE(p.findings().empty()) << p.dump();
  EXPECT_EQ(p.tree().def->release, "05B");
  EXPECT_EQ(p.tree().segments.size(), 23u);
}

TEST(MessageParse, AppendixA1GroupInstances) {
  parsed p(a1);
  EXPECT_EQ(p.instances("SG1"), 1u);
  EXPECT_EQ(p.instances("SG2"), 1u);
  EXPECT_EQ(p.instances("SG2/SG3"), 2u);
  EXPECT_EQ(p.instances("SG4"), 1u);
  EXPECT_EQ(p.instances("SG4/SG5"), 1u);
  EXPECT_EQ(p.tree().instances.size(), 7u);  // root + 6
}

TEST(MessageParse, AppendixA1SegmentsMatchTheirNodes) {
  parsed p(a1);
  EXPECT_EQ(p.matched(1), "");  // UNH
  EXPECT_EQ(p.matched(2), "BGM");
  EXPECT_EQ(p.matched(3), "RFF");
  EXPECT_EQ(p.matched(4), "SG1/NAD");
  EXPECT_EQ(p.matched(10), "SG2/SG3/DTM");
  EXPECT_EQ(p.matched(11), "SG4/NAD");
  EXPECT_EQ(p.matched(19), "SG4/SG5/DOC");
  EXPECT_EQ(p.matched(20), "SG4/SG5/DTM");
  EXPECT_EQ(p.matched(22), "CNT");
  EXPECT_EQ(p.matched(23), "");  // UNT
}

TEST(MessageParse, InstanceRangesParentsAndOwnSegments) {
  parsed p(a1);
  const message_tree& t = p.tree();
  // Instance of SG4 (traveller): trigger at tree index 10, last segment the LOC+91 (index 20).
  std::uint32_t sg4 = 0;
  for (std::uint32_t k = 0; k < t.instances.size(); ++k) {
    if (t.instances[k].group != nullptr && t.instances[k].group->path == "SG4") sg4 = k;
  }
  ASSERT_NE(sg4, 0u);
  EXPECT_EQ(t.instances[sg4].first, 10u);
  EXPECT_EQ(t.instances[sg4].last, 20u);
  EXPECT_EQ(t.instances[sg4].parent, 0u);
  std::vector<std::uint32_t> own;
  t.for_each_own_segment(sg4, [&](std::uint32_t i) { own.push_back(i); });
  EXPECT_EQ(own.size(), 8u);  // NAD ATT DTM LOC LOC NAT RFF RFF
  std::vector<std::uint32_t> kids;
  t.for_each_child(sg4, [&](std::uint32_t c) { kids.push_back(c); });
  ASSERT_EQ(kids.size(), 1u);
  EXPECT_EQ(t.instances[kids[0]].group->group, "SG5");
  EXPECT_EQ(t.instances[kids[0]].depth, 2u);
}

TEST(MessageParse, ValueReadsUnescapedSourceAndQualifier) {
  parsed p(a1);
  const message_tree& t = p.tree();
  EXPECT_EQ(t.qualifier(10), "FL");
  EXPECT_EQ(t.value(10, 4, 1), "O?'BRIEN");
  EXPECT_EQ(edifact::unescape(t.value(10, 4, 1), t.delims()), "O'BRIEN");
  EXPECT_EQ(t.value(10, 4, 2), "ANNE");
  EXPECT_EQ(t.value(18, 1, 2), "110");  // DOC+P:110:111
}

TEST(MessageParse, AppendixA2CusresHasNoFindings) {
  parsed p(
      "UNB+UNOA:4+PIUTEST+XXAPI+250301:0931+2001++IAPI'"
      "UNG+CUSRES+PIUTEST+XX AIRLINE+250301:0931+1+UN+D:05B'"
      "UNH+1+CUSRES:D:05B:UN:IATA+XX123/250301/1100+01:F'BGM+962'RFF+TN:XX1232503011'"
      "RFF+AF:XX123'DTM+189:2503011100:201'DTM+232:2503011400:201'LOC+125+LHR'LOC+87+JFK'"
      "ERP+2'RFF+AVF:ABC123'RFF+ABO:0001'ERC+0Z'FTX+AAP+++OK TO BOARD'UNT+14+1'UNE+1+1'"
      "UNZ+1+2001'");
  EXPECT_TRUE(p.findings().empty()) << p.dump();
  EXPECT_EQ(p.instances("SG_REF"), 2u);
  EXPECT_EQ(p.instances("SG_ERP"), 1u);
  EXPECT_EQ(p.matched(11), "SG_ERP/RFF");
}

constexpr const char* a3 =
    "UNA:+.?*'UNB+IATA:1+XX+PIUPNR+250228:1100+3001'"
    "UNG+PNRGOV+XX+PIUPNR+250228:1100+1+IA+13:1'"
    "UNH+1+PNRGOV:13:1:IA+XX123/010325/1100/24+01:F'MSG+:22'ORG+XX:LHR'"
    "TVL+010325:1100:010325:1400+LHR+JFK+XX+123'EQN+1'SRC'RCI+XX:ABC123::150125:0915'"
    "DAT+700:270225:1010'ORG+XX:LHR+12345678:LON+++A+GB:GBP'TIF+OBRIEN+ANNEMS:A:1'"
    "SSR+DOCS:HK:1:XX:::::/P/IRL/PA1234567/IRL/12APR85/F/01JAN30/OBRIEN/ANNE+::1'"
    "TKT+9992123456789:T:1'MON+T:450.00:GBP'FOP+CC:::VI:XXXXXXXXXXXX1234:0127'"
    "TVL+010325:1100:010325:1400+LHR+JFK+XX+123:Y'RPI+1+HK'APD+77W'UNT+18+1'UNE+1+1'"
    "UNZ+1+3001'";

TEST(MessageParse, AppendixA3PnrgovHasNoFindings) {
  parsed p(a3);
  EXPECT_TRUE(p.findings().empty()) << p.dump();
  EXPECT_EQ(p.instances("SG1"), 1u);
  EXPECT_EQ(p.instances("SG1/SG2"), 1u);
  EXPECT_EQ(p.instances("SG1/SG2/SG3"), 1u);
  EXPECT_EQ(p.instances("SG1/SG2/SG3/SG4"), 1u);
  EXPECT_EQ(p.instances("SG1/SG5"), 1u);
}

TEST(MessageParse, PnrgovTvlAtLevelZeroVersusGroupFive) {
  parsed p(a3);
  EXPECT_EQ(p.matched(4), "TVL");  // level 0 flight
  EXPECT_EQ(p.tree().segments[3].matched->def->key, "TVL/flight");
  EXPECT_EQ(p.matched(15), "SG1/SG5/TVL");
  EXPECT_EQ(p.matched(17), "SG1/SG5/APD");
  EXPECT_EQ(p.matched(6), "SG1/SRC");
  EXPECT_EQ(p.matched(10), "SG1/SG2/TIF");
}

TEST(MessageParse, AppendixA4ContrlHasNoFindings) {
  parsed p(
      "UNB+UNOA:4+PIUTEST:ZZ+XXAPI:ZZ+250301:0932+9001'UNH+1+CONTRL:4:1:UN'"
      "UCI+1001+XXAPI:ZZ+PIUTEST:ZZ+7'UCF+1+XX AIRLINE+PIUTEST+7'"
      "UCM+1+PAXLST:D:05B:UN:IATA+4+29+UNT'UNT+5+1'UNZ+1+9001'");
  EXPECT_TRUE(p.findings().empty()) << p.dump();
  EXPECT_EQ(p.instances("SG3"), 1u);
  EXPECT_EQ(p.instances("SG3/SG4"), 1u);
}

TEST(MessageParse, ContrlExclusiveGroupsReported) {
  parsed p(wrap("CONTRL:4:1:UN", {"UCI+1+A+B+7", "UCM+1+PAXLST:D:05B:UN+4", "UCF+1+A+B+7"}));
  ASSERT_EQ(p.count(errc::exclusive_groups), 1u) << p.dump();
  EXPECT_EQ(p.first(errc::exclusive_groups).pos.message_segment, 4u);
  EXPECT_EQ(p.first(errc::exclusive_groups).syntax_error, 15);
}

TEST(MessageParse, NadQualifierPicksReportingPartyOrTraveller) {
  parsed p(paxlst(with_head({"NAD+FL+++DOE:JOHN", "NAD+FM+++ROE:JANE"})));
  EXPECT_TRUE(p.findings().empty()) << p.dump();
  EXPECT_EQ(p.matched(3), "SG1/NAD");
  EXPECT_EQ(p.instances("SG1"), 1u);
  EXPECT_EQ(p.instances("SG4"), 2u);
  EXPECT_EQ(p.matched(9), "SG4/NAD");
}

TEST(MessageParse, ClosedQualifierListRejectsOtherValues) {
  // NAD+XX after BGM: SG1 is closed to MS, so SG4 (open) takes it and SG2 (mandatory) is
  // skipped; BGM is then out of order.
  parsed p(paxlst({"BGM+745", "NAD+XX+++OPS", "BGM+745"}));
  EXPECT_EQ(p.matched(3), "SG4/NAD");
  EXPECT_EQ(p.count(errc::missing_group), 1u) << p.dump();
  EXPECT_EQ(p.count(errc::unexpected_segment), 1u) << p.dump();
}

TEST(MessageParse, MultiTravellerMultiDocument) {
  parsed p(paxlst(with_head({"NAD+FL+++A:B", "ATT+2++F", "DOC+P+1", "DTM+36:300101", "DOC+V+2",
                             "NAD+FL+++C:D", "DOC+P+3", "NAD+FM+++E:F", "CNT+42:2"})));
  EXPECT_TRUE(p.findings().empty()) << p.dump();
  EXPECT_EQ(p.instances("SG4"), 3u);
  EXPECT_EQ(p.instances("SG4/SG5"), 3u);
  const message_tree& t = p.tree();
  std::vector<std::uint32_t> reps;
  for (const auto& g : t.instances) {
    if (g.group != nullptr && g.group->path == "SG4/SG5") reps.push_back(g.repetition);
  }
  EXPECT_EQ(reps, (std::vector<std::uint32_t>{1, 2, 1}));
}

TEST(MessageParse, RelaxedTravellerOrderAccepted) {
  parsed p(paxlst(with_head({"NAD+FL+++A:B", "NAT+2+IRL", "GEI+4+173", "ATT+2++F", "MEA+CT++:1",
                             "DTM+329:850412", "DOC+P+1"})));
  EXPECT_TRUE(p.findings().empty()) << p.dump();
}

TEST(MessageParse, StrictOrderViolationIsUnexpected) {
  // In SG3 (strict) there is no LOC after DTM in the same instance, but a new SG3 takes it;
  // a BGM after the flight is a segment out of order.
  parsed p(paxlst(with_head({"BGM+745"})));
  ASSERT_EQ(p.count(errc::unexpected_segment), 1u) << p.dump();
  const diagnostic& d = p.first(errc::unexpected_segment);
  EXPECT_EQ(d.syntax_error, 15);
  EXPECT_EQ(d.pos.message_segment, 9u);
  EXPECT_EQ(d.where, scope::segment);
}

TEST(MessageParse, UnknownTagReported) {
  parsed p(paxlst(with_head({"XYZ+1"})));
  ASSERT_EQ(p.count(errc::unknown_segment), 1u) << p.dump();
  EXPECT_EQ(p.first(errc::unknown_segment).syntax_error, 15);
  EXPECT_EQ(p.first(errc::unknown_segment).pos.message_segment, 9u);
  EXPECT_EQ(p.first(errc::unknown_segment).requirement, "API-PAXLST-STR-001");
}

TEST(MessageParse, MissingMandatorySegmentAtLastProcessedPosition) {
  parsed p(paxlst({"NAD+MS+++OPS", "TDT+20+XX1"}));  // no BGM
  ASSERT_EQ(p.count(errc::missing_segment), 1u) << p.dump();
  const diagnostic& d = p.first(errc::missing_segment);
  EXPECT_EQ(d.syntax_error, 13);
  EXPECT_EQ(d.pos.message_segment, 1u);  // UNH: the last segment processed before BGM
  EXPECT_EQ(d.requirement, "API-PAXLST-STR-002");
}

TEST(MessageParse, MissingMandatoryGroupAtEnd) {
  parsed p(paxlst({"BGM+745"}));
  ASSERT_EQ(p.count(errc::missing_group), 1u) << p.dump();
  EXPECT_EQ(p.first(errc::missing_group).pos.message_segment, 2u);
  EXPECT_EQ(p.first(errc::missing_group).requirement, "API-PAXLST-STR-003");
}

TEST(MessageParse, MissingSeverityHookDowngrades) {
  structure_options opt;
  opt.missing_severity = [](const node& n) -> std::optional<severity> {
    if (n.path == "SG1/RCI") return severity::warning;
    return std::nullopt;
  };
  parsed p(
      pnrgov({"MSG+:22", "TVL+010325:1100+LHR+JFK+XX+123", "EQN+1", "SRC", "DAT+700:270225:1010"}),
      opt);
  ASSERT_EQ(p.count(errc::missing_segment), 1u) << p.dump();
  EXPECT_EQ(p.first(errc::missing_segment).level, severity::warning);
  EXPECT_EQ(p.first(errc::missing_segment).requirement, "PNR-GOV-RCI-002");
}

TEST(MessageParse, TooManySegmentRepeats) {
  parsed p(paxlst({"BGM+745", "RFF+TN:1", "RFF+TN:2", "TDT+20+XX1"}));
  ASSERT_EQ(p.count(errc::too_many_segments), 1u) << p.dump();
  EXPECT_EQ(p.first(errc::too_many_segments).syntax_error, 35);
  EXPECT_EQ(p.first(errc::too_many_segments).pos.message_segment, 4u);
}

TEST(MessageParse, TooManyGroupRepeats) {
  std::vector<std::string> body = {"BGM+745"};
  for (int k = 0; k < 11; ++k) body.push_back("TDT+20+XX" + std::to_string(k));
  parsed p(paxlst(body));
  ASSERT_EQ(p.count(errc::too_many_groups), 1u) << p.dump();
  EXPECT_EQ(p.first(errc::too_many_groups).syntax_error, 36);
  EXPECT_EQ(p.first(errc::too_many_groups).pos.message_segment, 13u);
  EXPECT_EQ(p.instances("SG2"), 11u);
}

TEST(MessageParse, NotInProfileGroupParsedAndFlagged) {
  parsed p(paxlst(with_head({"NAD+FL+++A:B", "GID+1", "CNT+42:1"})));
  ASSERT_EQ(p.count(errc::group_not_in_profile), 1u) << p.dump();
  EXPECT_EQ(p.first(errc::group_not_in_profile).level, severity::warning);
  EXPECT_EQ(p.first(errc::group_not_in_profile).requirement, "API-PAXLST-STR-011");
  EXPECT_EQ(p.instances("SG4/SG6"), 1u);
  EXPECT_EQ(p.matched(10), "SG4/SG6/GID");
}

TEST(MessageParse, PositionalCompositeRepeats) {
  parsed p(paxlst({"BGM+745", "NAD+MS+++OPS", "COM+111:TE+222:FX+a?@b:EM", "TDT+20+XX1"}));
  EXPECT_TRUE(p.findings().empty()) << p.dump();
  const message_tree& t = p.tree();
  EXPECT_EQ(t.value(3, 1, 1, 2), "222");
  EXPECT_EQ(t.value(3, 1, 2, 2), "FX");
  EXPECT_EQ(t.value(3, 1, 2, 3), "EM");
  EXPECT_EQ(t.occurrences(3, 1), 3u);
}

TEST(MessageParse, SeparatorCompositeRepeats) {
  parsed p(paxlst({"BGM+745", "NAD+MS+++OPS", "COM+111:TE*222:FX", "TDT+20+XX1"}));
  EXPECT_TRUE(p.findings().empty()) << p.dump();
  EXPECT_EQ(p.tree().value(3, 1, 1, 2), "222");
  EXPECT_EQ(p.tree().value(3, 1, 2, 1), "TE");
  EXPECT_EQ(p.tree().occurrences(3, 1), 2u);
}

TEST(MessageParse, TooManyPositionalRepeats) {
  parsed p(paxlst({"BGM+745", "NAD+MS+++OPS", "COM+1:TE+2:FX+3:EM+4:TE", "TDT+20+XX1"}));
  ASSERT_EQ(p.count(errc::too_many_repetitions), 1u) << p.dump();
  const diagnostic& d = p.first(errc::too_many_repetitions);
  EXPECT_EQ(d.syntax_error, 35);
  EXPECT_EQ(d.pos.element, 4u);
  EXPECT_EQ(d.requirement, "API-PAXLST-COM-002");
}

TEST(MessageParse, TooManySeparatorRepeats) {
  parsed p(paxlst({"BGM+745", "NAD+MS+++OPS", "COM+1:TE*2:FX*3:EM*4:TE", "TDT+20+XX1"}));
  ASSERT_EQ(p.count(errc::too_many_repetitions), 1u) << p.dump();
  EXPECT_EQ(p.first(errc::too_many_repetitions).pos.repetition, 4u);
  EXPECT_EQ(p.first(errc::too_many_repetitions).pos.element, 1u);
}

TEST(MessageParse, MissingMandatoryElement) {
  parsed p(paxlst(with_head({"NAD+FL+++A:B", "ATT"})));  // ATT 9017 mandatory
  ASSERT_GE(p.count(errc::missing_element), 1u) << p.dump();
  const diagnostic& d = p.first(errc::missing_element);
  EXPECT_EQ(d.syntax_error, 13);
  EXPECT_EQ(d.pos.message_segment, 10u);
  EXPECT_EQ(d.pos.element, 1u);
  EXPECT_EQ(d.where, scope::element);
}

TEST(MessageParse, MissingMandatoryComponent) {
  parsed p(paxlst({"BGM+745", "NAD+MS+++OPS", "COM+:TE", "TDT+20+XX1"}));
  ASSERT_EQ(p.count(errc::missing_component), 1u) << p.dump();
  const diagnostic& d = p.first(errc::missing_component);
  EXPECT_EQ(d.pos.element, 1u);
  EXPECT_EQ(d.pos.component, 1u);
  EXPECT_EQ(d.where, scope::component);
}

TEST(MessageParse, TooManyElements) {
  parsed p(paxlst({"BGM+745+++++++++X", "TDT+20+XX1"}));
  ASSERT_EQ(p.count(errc::too_many_elements), 1u) << p.dump();
  EXPECT_EQ(p.first(errc::too_many_elements).syntax_error, 16);
  EXPECT_EQ(p.first(errc::too_many_elements).pos.element, 10u);
}

TEST(MessageParse, TooManyComponents) {
  parsed p(paxlst({"BGM+745", "NAD+MS+++OPS", "COM+1:TE:X", "TDT+20+XX1"}));
  ASSERT_EQ(p.count(errc::too_many_components), 1u) << p.dump();
  EXPECT_EQ(p.first(errc::too_many_components).pos.component, 3u);
  EXPECT_EQ(p.first(errc::too_many_components).syntax_error, 16);
}

TEST(MessageParse, NumericTypeViolation) {
  parsed p(paxlst(with_head({"CNT+42:1X"})));  // 6066 n..18
  ASSERT_EQ(p.count(errc::invalid_character_type), 1u) << p.dump();
  const diagnostic& d = p.first(errc::invalid_character_type);
  EXPECT_EQ(d.syntax_error, 37);
  EXPECT_EQ(d.pos.element, 1u);
  EXPECT_EQ(d.pos.component, 2u);
}

TEST(MessageParse, ValueTooLong) {
  parsed p(paxlst({"BGM+745", "TDT+20+" + std::string(18, 'X')}));  // 8028 an..17
  ASSERT_EQ(p.count(errc::value_too_long), 1u) << p.dump();
  EXPECT_EQ(p.first(errc::value_too_long).syntax_error, 39);
  EXPECT_EQ(p.first(errc::value_too_long).pos.element, 2u);
}

TEST(MessageParse, ReleaseCharacterNotCountedInLength) {
  parsed p(paxlst({"BGM+745", "TDT+20+" + std::string(16, 'X') + "?+"}));
  EXPECT_EQ(p.count(errc::value_too_long), 0u) << p.dump();
}

TEST(MessageParse, NoDefinitionReportedAndReturned) {
  parsed p(wrap("PAXLST:D:99Z:UN", {"BGM+745"}));
  EXPECT_EQ(p.ec(), make_error_code(errc::no_definition));
  EXPECT_EQ(p.count(errc::no_definition), 1u);
}

TEST(MessageParse, InstanceLimitStops) {
  structure_options opt;
  opt.max_instances = 3;
  std::vector<std::string> tail;
  for (int k = 0; k < 5; ++k) tail.push_back("NAD+FL+++A:B");
  parsed p(paxlst(with_head(tail)), opt);
  EXPECT_EQ(p.ec(), make_error_code(errc::limit_instances));
  EXPECT_EQ(p.count(errc::limit_instances), 1u);
  EXPECT_EQ(p.first(errc::limit_instances).level, severity::fatal);
}

TEST(MessageParse, DepthLimitStops) {
  structure_options opt;
  opt.max_depth = 2;
  parsed p(a3, opt);
  EXPECT_EQ(p.ec(), make_error_code(errc::limit_depth));
}

TEST(MessageParse, FindingLimitSuppressesTheRest) {
  structure_options opt;
  opt.max_findings = 2;
  parsed p(paxlst(with_head({"XYZ", "XYZ", "XYZ", "XYZ"})), opt);
  EXPECT_EQ(p.count(errc::unknown_segment), 2u);
  EXPECT_EQ(p.count(errc::limit_findings), 1u);
}

TEST(MessageParse, ReusedTreeIsReset) {
  parsed big(a1);
  message_tree t = big.tree();
  edifact::interchange ic;
  diagnostic_list syn, f;
  const std::string text = paxlst({"BGM+745", "TDT+20+XX1"});
  (void)edifact::parser{}.parse(text, ic, syn);
  EXPECT_FALSE(parse_structure(ic, 0, defs(), f, t));
  EXPECT_EQ(t.segments.size(), 4u);
  EXPECT_EQ(t.instances.size(), 2u);
  EXPECT_EQ(parse_structure(ic, 5, defs(), f, t), make_error_code(errc::no_such_message));
}

}  // namespace
}  // namespace apipnr::message
