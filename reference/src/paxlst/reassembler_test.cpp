#include "apipnr/paxlst/reassembler.hpp"

#include <chrono>
#include <string>

#include <gtest/gtest.h>

namespace apipnr::paxlst {
namespace {

using namespace std::chrono_literals;

// A part as extract() gives it: `n` travellers named after the part, CNT 42 = `cnt`.
model::canonical_message part(std::uint32_t number, std::optional<bool> final_part,
                              std::uint32_t travellers, std::uint32_t cnt,
                              std::string car = "XX123/250301/1100") {
  model::canonical_message m;
  m.message.kind = "api";
  m.message.syntax = "edifact";
  m.message.type = "PAXLST";
  m.message.sender = "XXAPI";
  m.message.common_access_reference = std::move(car);
  m.message.document_code = "745";
  m.message.message_reference = "M" + std::to_string(number);
  m.message.parts.push_back({number, final_part, m.message.message_reference});
  for (std::uint32_t i = 0; i < travellers; ++i) {
    model::traveller t;
    t.role = "passenger";
    t.surname = "P" + std::to_string(number) + "T" + std::to_string(i + 1);
    m.travellers.push_back(std::move(t));
  }
  m.counts = model::totals{cnt, std::nullopt, std::nullopt};
  return m;
}

struct fake_clock {
  std::chrono::steady_clock::time_point now{};
  reassembler::clock_fn fn() {
    return [this] { return now; };
  }
};

bool has(const diagnostic_list& l, std::string_view id) {
  for (const auto& d : l.items()) {
    if (d.id == id) return true;
  }
  return false;
}

const diagnostic* find(const diagnostic_list& l, std::string_view id) {
  for (const auto& d : l.items()) {
    if (d.id == id) return &d;
  }
  return nullptr;
}

std::vector<std::string> surnames(const model::canonical_message& m) {
  std::vector<std::string> out;
  for (const auto& t : m.travellers) out.push_back(t.surname.str());
  return out;
}

TEST(PaxlstReassembler, SingleMessagePassesStraightThrough) {
  reassembler r;
  diagnostic_list findings;
  auto done = r.add(part(1, true, 2, 2), 100, findings);
  ASSERT_TRUE(done);
  ASSERT_TRUE(*done);
  EXPECT_EQ((*done)->travellers.size(), 2u);
  EXPECT_EQ(r.open_sets(), 0u);
  EXPECT_TRUE(findings.empty());
}

TEST(PaxlstReassembler, PartsInOrderCompleteOnFinalPart) {
  reassembler r;
  diagnostic_list findings;
  EXPECT_FALSE(r.add(part(1, false, 2, 5), 100, findings).value());
  EXPECT_FALSE(r.add(part(2, std::nullopt, 2, 5), 100, findings).value());
  EXPECT_EQ(r.buffered_bytes(), 200u);
  auto done = r.add(part(3, true, 1, 5), 100, findings).value();
  ASSERT_TRUE(done);
  EXPECT_EQ(surnames(*done), (std::vector<std::string>{"P1T1", "P1T2", "P2T1", "P2T2", "P3T1"}));
  ASSERT_EQ(done->message.parts.size(), 3u);
  EXPECT_EQ(done->message.parts[0].final_part, false);
  // Part 2 carried no flag: with the F part known it is not the final one (MULTI-002).
  EXPECT_EQ(done->message.parts[1].final_part, false);
  EXPECT_EQ(done->message.parts[2].final_part, true);
  EXPECT_EQ(done->message.parts[1].message_reference, "M2");
  EXPECT_EQ(done->message.message_reference, "M1");
  EXPECT_EQ(r.open_sets(), 0u);
  EXPECT_EQ(r.buffered_bytes(), 0u);
  EXPECT_TRUE(findings.empty());
}

TEST(PaxlstReassembler, PartsOutOfOrderAreAcceptedInPartOrder) {
  reassembler r;
  diagnostic_list findings;
  EXPECT_FALSE(r.add(part(3, true, 1, 4), 10, findings).value());
  EXPECT_FALSE(r.add(part(1, false, 2, 4), 10, findings).value());
  auto done = r.add(part(2, std::nullopt, 1, 4), 10, findings).value();
  ASSERT_TRUE(done);
  EXPECT_EQ(surnames(*done), (std::vector<std::string>{"P1T1", "P1T2", "P2T1", "P3T1"}));
  const auto* d = find(findings, "PAX-PART-ORDER");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->level, severity::info);
  EXPECT_FALSE(findings.has_errors());
}

TEST(PaxlstReassembler, DuplicatePartIsReportedAndIgnored) {
  reassembler r;
  diagnostic_list findings;
  EXPECT_FALSE(r.add(part(1, false, 2, 3), 10, findings).value());
  EXPECT_FALSE(r.add(part(1, false, 2, 3), 10, findings).value());
  EXPECT_EQ(r.buffered_bytes(), 10u);
  auto done = r.add(part(2, true, 1, 3), 10, findings).value();
  ASSERT_TRUE(done);
  EXPECT_EQ(done->travellers.size(), 3u);
  EXPECT_TRUE(has(findings, "PAX-PART-DUPLICATE"));
  EXPECT_FALSE(has(findings, "PAX-CNT-MISMATCH"));
}

TEST(PaxlstReassembler, MissingMiddlePartReportedOnFlush) {
  reassembler r;
  diagnostic_list findings;
  EXPECT_FALSE(r.add(part(1, false, 1, 3), 10, findings).value());
  EXPECT_FALSE(r.add(part(3, true, 1, 3), 10, findings).value());
  const auto out = r.flush(findings);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(surnames(out[0]), (std::vector<std::string>{"P1T1", "P3T1"}));
  const auto* d = find(findings, "PAX-PART-MISSING");
  ASSERT_NE(d, nullptr);
  EXPECT_NE(d->detail.find("missing part(s) 2"), std::string::npos);
  EXPECT_FALSE(has(findings, "PAX-PART-NO-FINAL"));
  EXPECT_EQ(r.open_sets(), 0u);
}

TEST(PaxlstReassembler, SeveralMissingPartsAreListedInOrder) {
  reassembler r;
  diagnostic_list findings;
  EXPECT_FALSE(r.add(part(1, false, 1, 3), 10, findings).value());
  EXPECT_FALSE(r.add(part(4, true, 1, 3), 10, findings).value());
  ASSERT_EQ(r.flush(findings).size(), 1u);
  const auto* d = find(findings, "PAX-PART-MISSING");
  ASSERT_NE(d, nullptr);
  EXPECT_NE(d->detail.find("missing part(s) 2,3"), std::string::npos) << d->detail;
}

TEST(PaxlstReassembler, NoFinalPartIsAnErrorAtTimeout) {
  fake_clock clock;
  reassembler r(reassembly_limits{}, clock.fn());
  diagnostic_list findings;
  EXPECT_FALSE(r.add(part(1, false, 1, 2), 10, findings).value());
  EXPECT_FALSE(r.add(part(2, std::nullopt, 1, 2), 10, findings).value());
  clock.now += 31min;
  const auto out = r.expire(findings);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].travellers.size(), 2u);
  const auto* d = find(findings, "PAX-PART-NO-FINAL");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->level, severity::error);
  EXPECT_TRUE(has(findings, "PAX-PART-TIMEOUT"));
}

TEST(PaxlstReassembler, TimeoutUsesInjectedClock) {
  fake_clock clock;
  reassembly_limits lim;
  lim.timeout = 5min;
  reassembler r(lim, clock.fn());
  diagnostic_list findings;
  EXPECT_FALSE(r.add(part(1, false, 1, 2), 10, findings).value());
  clock.now += 4min;
  EXPECT_TRUE(r.expire(findings).empty());
  EXPECT_EQ(r.open_sets(), 1u);
  clock.now += 1min;
  EXPECT_EQ(r.expire(findings).size(), 1u);
  EXPECT_TRUE(has(findings, "PAX-PART-TIMEOUT"));
  EXPECT_EQ(r.open_sets(), 0u);
}

TEST(PaxlstReassembler, CntDifferentFromSumOfTravellersIsAWarning) {
  reassembler r;
  diagnostic_list findings;
  EXPECT_FALSE(r.add(part(1, false, 2, 6), 10, findings).value());
  auto done = r.add(part(2, true, 2, 6), 10, findings).value();
  ASSERT_TRUE(done);
  EXPECT_EQ(done->counts->passengers, 6u);
  const auto* d = find(findings, "PAX-CNT-MISMATCH");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->level, severity::warning);
  EXPECT_NE(d->detail.find("CNT 42 = 6"), std::string::npos);
}

TEST(PaxlstReassembler, CntDifferingBetweenPartsIsReported) {
  reassembler r;
  diagnostic_list findings;
  EXPECT_FALSE(r.add(part(1, false, 1, 2), 10, findings).value());
  auto done = r.add(part(2, true, 1, 3), 10, findings).value();
  ASSERT_TRUE(done);
  EXPECT_EQ(done->counts->passengers, 3u);
  EXPECT_TRUE(has(findings, "PAX-PART-CONFLICT"));
}

TEST(PaxlstReassembler, EachPartCntIsCheckedAgainstTheSetWhenPartsDisagree) {
  // CNT-002: every part carries the set's total; CNT-003: part 2's 4 is not the 5 received.
  reassembler r;
  diagnostic_list findings;
  EXPECT_FALSE(r.add(part(1, false, 2, 5), 10, findings).value());
  EXPECT_FALSE(r.add(part(2, std::nullopt, 2, 4), 10, findings).value());
  auto done = r.add(part(3, true, 1, 5), 10, findings).value();
  ASSERT_TRUE(done);
  EXPECT_TRUE(has(findings, "PAX-PART-CONFLICT"));
  int mismatches = 0;
  for (const auto& d : findings.items()) {
    if (d.id != "PAX-CNT-MISMATCH") continue;
    ++mismatches;
    EXPECT_EQ(d.level, severity::warning);
    EXPECT_EQ(d.requirement, "API-PAXLST-CNT-003");
    EXPECT_NE(d.detail.find("part 2"), std::string::npos) << d.detail;
  }
  EXPECT_EQ(mismatches, 1);
}

TEST(PaxlstReassembler, PartsWithoutFlagsAreToleratedWithAWarning) {
  reassembler r;
  diagnostic_list findings;
  EXPECT_FALSE(r.add(part(1, std::nullopt, 1, 2), 10, findings).value());
  EXPECT_FALSE(r.add(part(2, std::nullopt, 1, 2), 10, findings).value());
  const auto out = r.flush(findings);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].travellers.size(), 2u);
  const auto* d = find(findings, "PAX-PART-NO-FINAL");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->level, severity::warning);
  EXPECT_FALSE(findings.has_errors());
}

TEST(PaxlstReassembler, SetsAreKeyedByCommonAccessReference) {
  reassembler r;
  diagnostic_list findings;
  EXPECT_FALSE(r.add(part(1, false, 1, 2, "A"), 10, findings).value());
  EXPECT_FALSE(r.add(part(1, false, 1, 2, "B"), 10, findings).value());
  EXPECT_EQ(r.open_sets(), 2u);
  auto done = r.add(part(2, true, 1, 2, "B"), 10, findings).value();
  ASSERT_TRUE(done);
  EXPECT_EQ(done->message.common_access_reference, "B");
  EXPECT_EQ(r.open_sets(), 1u);
  EXPECT_FALSE(has(findings, "PAX-PART-DUPLICATE"));
}

TEST(PaxlstReassembler, SetLimitRefusesNewSet) {
  reassembly_limits lim;
  lim.max_sets = 1;
  reassembler r(lim);
  diagnostic_list findings;
  EXPECT_TRUE(r.add(part(1, false, 1, 2, "A"), 10, findings));
  const auto refused = r.add(part(1, false, 1, 2, "B"), 10, findings);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error(), make_error_code(errc::limit_sets));
  EXPECT_TRUE(has(findings, "PAX-LIM-SETS"));
}

TEST(PaxlstReassembler, ByteLimitRefusesPart) {
  reassembly_limits lim;
  lim.max_bytes = 150;
  reassembler r(lim);
  diagnostic_list findings;
  EXPECT_TRUE(r.add(part(1, false, 1, 2), 100, findings));
  const auto refused = r.add(part(2, std::nullopt, 1, 2), 100, findings);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error(), make_error_code(errc::limit_bytes));
  EXPECT_EQ(r.buffered_bytes(), 100u);
}

TEST(PaxlstReassembler, PartLimitRefusesHighPartNumber) {
  reassembly_limits lim;
  lim.max_parts = 3;
  reassembler r(lim);
  diagnostic_list findings;
  const auto refused = r.add(part(4, true, 1, 2), 10, findings);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error(), make_error_code(errc::limit_parts));
}

TEST(PaxlstReassembler, PartBeyondFinalIsRefused) {
  reassembler r;
  diagnostic_list findings;
  EXPECT_TRUE(r.add(part(2, true, 1, 2), 10, findings));
  const auto refused = r.add(part(3, std::nullopt, 1, 2), 10, findings);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error(), make_error_code(errc::part_bad_number));
}

}  // namespace
}  // namespace apipnr::paxlst
