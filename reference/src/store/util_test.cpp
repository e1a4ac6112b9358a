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

// flights.legs is written without a DOM; it must stay the DOM's text, for legs with any subset
// of the four members, text needing escapes, and ill-formed UTF-8 (nlohmann's replacement).
TEST(StoreUtil, LegsJsonIsTheDomText) {
  const std::vector<model::opt_string> values = {std::nullopt, "LHR", "2025-03-01T11:00",
                                                 "q\"uote\\ \x01 \xc3\xa9", "bad \xc3("};
  std::vector<std::vector<model::leg>> cases = {{}};
  std::size_t k = 0;
  for (int n = 1; n <= 3; ++n) {
    for (int variant = 0; variant < 40; ++variant) {
      std::vector<model::leg> legs(static_cast<std::size_t>(n));
      for (auto& l : legs) {
        l.departure.port = values[k++ % values.size()];
        l.departure.scheduled = values[(k * 3) % values.size()];
        l.arrival.port = values[(k * 7 + 1) % values.size()];
        l.arrival.scheduled = values[(k * 11 + 2) % values.size()];
        l.carrier = "XX";  // not a legs column member
      }
      cases.push_back(std::move(legs));
    }
  }
  for (const auto& legs : cases) {
    json a = json::array();
    for (const auto& l : legs) {
      json o = json::object();
      if (l.departure.port) o["departure"] = *l.departure.port;
      if (l.departure.scheduled) o["departure_scheduled"] = *l.departure.scheduled;
      if (l.arrival.port) o["arrival"] = *l.arrival.port;
      if (l.arrival.scheduled) o["arrival_scheduled"] = *l.arrival.scheduled;
      a.push_back(std::move(o));
    }
    EXPECT_EQ(legs_json(legs), a.dump(-1, ' ', false, json::error_handler_t::replace));
  }
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

std::string nlohmann_dump(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

TEST(StoreJson, DumpMatchesNlohmannOnEveryKindOfValue) {
  // dump_json must give the stored canonical text byte for byte as before (queries, masking
  // and the duplicate answers read it back).
  std::string controls;
  for (int c = 0; c < 0x20; ++c) controls.push_back(static_cast<char>(c));
  controls += "\x7f\"\\/ end";
  const json doc = {
      {"null", nullptr},
      {"yes", true},
      {"no", false},
      {"int", -9223372036854775807LL - 1},
      {"uint", 18446744073709551615ULL},
      {"zero", 0},
      {"controls", controls},
      {"utf8", "O'BRIEN \xc3\x89\xe2\x82\xac\xf0\x9f\x98\x80 \xef\xbf\xbd"},
      {"empty", ""},
      {"empty_array", json::array()},
      {"empty_object", json::object()},
      {"nested", {{"a", {1, "two", {{"k\n\"ey", nullptr}}}}, {"b", json::array({json::array()})}}},
  };
  EXPECT_EQ(dump_json(doc), nlohmann_dump(doc));
  EXPECT_EQ(dump_json(json("plain")), "\"plain\"");
  EXPECT_EQ(dump_json(json(42)), "42");
}

TEST(StoreJson, InvalidUtf8AndFloatsFallBackToNlohmann) {
  // Overlong, surrogate, above U+10FFFF, truncated, lone continuation, invalid lead bytes, in
  // values and in keys: each is replaced exactly as nlohmann's replace handler does it.
  const char* bad[] = {"\xc0\x80", "\xed\xa0\x80",     "\xf4\x90\x80\x80", "ab\xe2\x82", "\x80x",
                       "\xff",     "\xf5\x80\x80\x80", "\xe0\x80\x80",     "x\xc3"};
  for (const char* b : bad) {
    const json v = {{"v", b}, {"n", 1}};
    EXPECT_EQ(dump_json(v), nlohmann_dump(v)) << b;
    const json k = {{b, "v"}};
    EXPECT_EQ(dump_json(k), nlohmann_dump(k)) << b;
  }
  const json f = {{"f", 0.1}, {"g", -1.5e300}, {"s", "x"}};
  EXPECT_EQ(dump_json(f), nlohmann_dump(f));
}

TEST(StoreJson, RandomStringsMatchNlohmann) {
  // Random bytes biased towards the interesting ranges (controls, ASCII, UTF-8 lead and
  // continuation bytes); fixed seed, so a failure reproduces.
  std::uint64_t state = 0x5eed;
  auto next = [&state] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<unsigned>(state >> 33);
  };
  const unsigned char picks[] = {0x00, 0x08, 0x1f, 0x20, 0x22, 0x41, 0x5c, 0x7e, 0x7f,
                                 0x80, 0xbf, 0xc2, 0xc3, 0xdf, 0xe0, 0xe2, 0xed, 0xef,
                                 0xf0, 0xf4, 0xf5, 0xff, 0x82, 0xa0, 0x9f, 0x90};
  for (int round = 0; round < 5000; ++round) {
    std::string s;
    const unsigned len = next() % 12;
    for (unsigned i = 0; i < len; ++i) {
      s.push_back(static_cast<char>(next() % 3 == 0 ? next() % 256 : picks[next() % sizeof picks]));
    }
    const json doc = {{"s", s}, {s, {s, round}}};
    ASSERT_EQ(dump_json(doc), nlohmann_dump(doc)) << "round " << round;
  }
}

}  // namespace
}  // namespace apipnr::store::detail
