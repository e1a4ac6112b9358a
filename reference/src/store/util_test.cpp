#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "util_internal.hpp"

namespace apipnr::store::detail {
namespace {

using nlohmann::json;

TEST(StoreUtil, Sha256MatchesKnownVector) {
  // FIPS 180-2 test vector "abc"; split into parts to check the concatenation.
  const auto d = sha256({"a", "bc"});
  ASSERT_TRUE(d);
  EXPECT_EQ(to_hex({reinterpret_cast<const char*>(d->data()), d->size()}),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(StoreUtil, IsoUtcFormatsMilliseconds) {
  EXPECT_EQ(iso_utc(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(iso_utc(1893456000123), "2030-01-01T00:00:00.123Z");
}

TEST(StoreMasking, MasksNamesDocumentsContactsAndKeepsAnalytics) {
  json doc = json::parse(R"({
    "flight": {"carrier": "ZZ", "number": "123"},
    "travellers": [{"role": "passenger", "surname": "SYNTH", "given_names": "ANNA",
      "gender": "F", "nationality": "ZZZ", "date_of_birth": "1980-06-10",
      "documents": [{"type": "P", "number": "X1", "issuing_state": "ZZZ"}],
      "contacts": [{"type": "phone", "value": "+00 1"}]}],
    "pnrs": [{"record_locators": [{"locator": "ABC123"}], "osi": ["CTC 1", "CTC 2"],
      "travellers": [{"role": "passenger", "surname": "P", "tickets": [{"number": "0001"}]}]}]
  })");
  const std::size_t n = depersonalise(doc, masking_rules{});
  EXPECT_EQ(n, 9u);
  const json& t = doc["travellers"][0];
  EXPECT_EQ(t["surname"], "***");
  EXPECT_EQ(t["given_names"], "***");
  EXPECT_EQ(t["date_of_birth"], "1980");
  EXPECT_EQ(t["documents"][0]["number"], "***");
  EXPECT_EQ(t["contacts"][0]["value"], "***");
  // What analytics and flight aggregates need stays (DP-MASK-003).
  EXPECT_EQ(t["gender"], "F");
  EXPECT_EQ(t["nationality"], "ZZZ");
  EXPECT_EQ(t["documents"][0]["type"], "P");
  EXPECT_EQ(t["documents"][0]["issuing_state"], "ZZZ");
  EXPECT_EQ(doc["flight"]["number"], "123");
  EXPECT_EQ(doc["pnrs"][0]["record_locators"][0]["locator"], "ABC123");
  EXPECT_EQ(doc["pnrs"][0]["osi"][1], "***");
  EXPECT_EQ(doc["pnrs"][0]["travellers"][0]["tickets"][0]["number"], "***");
}

TEST(StoreMasking, IsIdempotent) {
  json doc = json::parse(R"({"travellers": [{"surname": "S", "date_of_birth": "1980-01-02"}]})");
  EXPECT_EQ(depersonalise(doc, masking_rules{}), 2u);
  const json once = doc;
  EXPECT_EQ(depersonalise(doc, masking_rules{}), 0u);
  EXPECT_EQ(doc, once);
}

TEST(StoreMasking, FieldListIsConfigurable) {
  // DP-MASK-002: a state can add fields (here the seat is kept, the gender masked).
  masking_rules rules;
  rules.mask = {"gender"};
  rules.year_only = {};
  json doc = json::parse(R"({"travellers": [{"surname": "S", "gender": "M", "seat": "1A"}]})");
  EXPECT_EQ(depersonalise(doc, rules), 1u);
  EXPECT_EQ(doc["travellers"][0]["gender"], "***");
  EXPECT_EQ(doc["travellers"][0]["surname"], "S");
  EXPECT_EQ(doc["travellers"][0]["seat"], "1A");
}

}  // namespace
}  // namespace apipnr::store::detail
