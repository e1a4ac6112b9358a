#include <gtest/gtest.h>

#include <limits>
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

// interchanges.findings and message_references are written without a DOM (findings_json,
// strings_json); they must stay the text of the nlohmann DOM the store built before, member
// for member (the query interface returns them parsed, retention rewrites them).
json findings_dom(const std::vector<diagnostic>& findings,
                  const std::vector<std::int32_t>& finding_message) {
  json a = json::array();
  for (std::size_t i = 0; i < findings.size(); ++i) {
    const diagnostic& d = findings[i];
    json f = {
        {"id", d.id},
        {"code", std::string(d.code.category().name()) + ":" + std::to_string(d.code.value())},
        {"severity", to_string(d.level)},
        {"scope", to_string(d.where)},
        {"position",
         {{"offset", d.pos.offset},
          {"segment", d.pos.segment},
          {"message_segment", d.pos.message_segment},
          {"element", d.pos.element},
          {"component", d.pos.component},
          {"repetition", d.pos.repetition}}}};
    if (d.syntax_error != 0) f["syntax_error"] = d.syntax_error;
    if (!d.requirement.empty()) f["requirement"] = d.requirement;
    if (!finding_message.empty()) f["message"] = finding_message[i];
    if (!d.detail.empty()) f["detail"] = d.detail;
    a.push_back(std::move(f));
  }
  return a;
}

TEST(StoreJson, FindingsAndReferencesAreTheDomText) {
  const std::string details[] = {"", "title MR in SYNTH0", "q\"uote\\ \x01\n \xc3\xa9", "bad \xc3(",
                                 "\xff"};
  const boost::system::error_code codes[] = {make_error_code(boost::system::errc::invalid_argument),
                                             make_error_code(boost::system::errc::success),
                                             errc::write_failed};
  std::vector<diagnostic> all;
  for (int k = 0; k < 60; ++k) {
    diagnostic d;
    d.code = codes[k % 3];
    d.id = k % 4 == 0 ? "PAX-NAD-TITLE" : "EDI-UNT-COUNT";
    d.requirement = k % 5 == 0 ? std::string_view() : std::string_view("API-PAXLST-NAD-012");
    d.syntax_error = k % 3 == 0 ? 0 : 12 + k;
    d.level = static_cast<severity>(k % 4);
    d.where = static_cast<scope>(k % 3);
    d.pos.offset = k % 7 == 0 ? std::numeric_limits<std::size_t>::max() : 17u * k;
    d.pos.segment = 4000000000u + k;
    d.pos.message_segment = k;
    d.pos.element = static_cast<std::uint16_t>(65535 - k);
    d.pos.component = static_cast<std::uint16_t>(k % 3);
    d.pos.repetition = static_cast<std::uint16_t>(k % 2);
    d.detail = details[k % 5];
    all.push_back(d);
  }
  for (std::size_t n : {0u, 1u, 2u, 5u, 60u}) {
    const std::vector<diagnostic> findings(all.begin(), all.begin() + n);
    std::vector<std::int32_t> where;
    for (std::size_t i = 0; i < n; ++i) where.push_back(static_cast<std::int32_t>(i) - 1);
    EXPECT_EQ(findings_json(findings, {}), nlohmann_dump(findings_dom(findings, {}))) << n;
    EXPECT_EQ(findings_json(findings, where), nlohmann_dump(findings_dom(findings, where))) << n;
  }
  // One finding at a time, so that a fallback for one bad text cannot hide the others.
  for (const diagnostic& d : all)
    EXPECT_EQ(findings_json({d}, {3}), nlohmann_dump(findings_dom({d}, {3}))) << d.detail;

  const std::vector<std::vector<std::string>> refs = {
      {}, {"1"}, {"1", "MSG0002", ""}, {"q\"\\\x1f"}, {"ok", "bad \xc3("}};
  for (const auto& r : refs) EXPECT_EQ(strings_json(r), nlohmann_dump(json(r)));
}

}  // namespace
}  // namespace apipnr::store::detail
