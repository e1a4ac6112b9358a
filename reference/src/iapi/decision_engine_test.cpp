#include "apipnr/iapi/decision_engine.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "apipnr/common/diagnostic.hpp"
#include "apipnr/edifact/interchange.hpp"
#include "apipnr/edifact/parser.hpp"
#include "apipnr/paxlst/extract.hpp"
#include "apipnr/responses/cusres.hpp"

namespace apipnr::iapi {
namespace {

using responses::directive;

// Synthetic lists (DP-TEST-001): invented names, specimen states XXA/XXB/XXC.
constexpr std::string_view watchlist_json = R"({
  "format": "apipnr-iapi-watchlist", "version": 1,
  "entries": [
    {"id": "WL-DOC", "action": "no_board", "reason": "NB1",
     "document": {"number": "ZX0000001", "issuing_state": "XXA"}},
    {"id": "WL-NAME", "action": "no_board", "reason": "NB2",
     "name": {"surname": "Müller-Testfall", "given_names": "Jürgen"},
     "date_of_birth": "1971-04-12"},
    {"id": "WL-YEAR", "action": "advisory", "reason": "AD1",
     "name": {"surname": "O'Specimen"}, "date_of_birth": "1985"},
    {"id": "WL-ADV-DOC", "action": "advisory", "reason": "AD2",
     "document": {"number": "ZA0000009", "issuing_state": "XXA"}}
  ]
})";

constexpr std::string_view authorisations_json = R"({
  "format": "apipnr-iapi-authorisations", "version": 1, "state": "XXA",
  "nationalities_requiring_authorisation": ["XXB", "XXC"],
  "authorisations": [
    {"id": "TA-1", "document": {"number": "ZB0000001", "issuing_state": "XXB"},
     "valid_from": "2025-01-01", "valid_until": "2027-12-31"},
    {"id": "TA-2", "document": {"number": "ZC0000002", "issuing_state": "XXC"},
     "valid_from": "2023-01-01", "valid_until": "2024-12-31"},
    {"id": "TA-3", "document": {"number": "ZB0000003", "issuing_state": "XXB"},
     "valid_from": "2025-03-02", "valid_until": "2025-12-31"}
  ]
})";

std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

model::traveller person(std::string surname, std::string given, std::string dob, std::string number,
                        std::string state, std::string abo) {
  model::traveller t;
  t.role = "passenger";
  t.surname = std::move(surname);
  t.given_names = std::move(given);
  if (!dob.empty()) t.date_of_birth = std::move(dob);
  model::document d;
  d.type = "P";
  d.number = std::move(number);
  if (!state.empty()) d.issuing_state = std::move(state);
  t.documents.push_back(d);
  t.references = {{"AVF", "ABC123"}, {"ABO", std::move(abo)}};
  return t;
}

model::traveller cleared_person(std::string abo = "0001") {
  return person("TESTER", "ALEX", "1980-05-05", "ZA1111111", "XXA", std::move(abo));
}

model::canonical_message request_with(std::vector<model::traveller> travellers,
                                      std::string departure = "2025-03-01T11:00",
                                      std::string arrival = "2025-03-01T14:00") {
  model::canonical_message m;
  m.message.kind = "iapi_request";
  m.message.syntax = "edifact";
  m.message.type = "PAXLST";
  m.message.message_reference = "1";
  m.message.common_access_reference = "XX123/250301/1100";
  m.message.transaction_reference = "XX1232503011";
  model::flight f;
  f.carrier = "XX";
  f.number = "123";
  f.journey_id = "XX123";
  model::leg l;
  l.departure = {"LHR", departure, "125"};
  l.arrival = {"JFK", arrival, "87"};
  f.legs.push_back(l);
  m.flight_info = f;
  m.travellers = std::move(travellers);
  return m;
}

responses::envelope test_envelope() {
  responses::envelope e;
  e.sender.id = "PIUTEST";
  e.recipient.id = "XXAPI";
  e.date = "250301";
  e.time = "0931";
  e.control_reference = "2001";
  e.application_reference = "IAPI";
  return e;
}

class IapiEngine : public ::testing::Test {
 protected:
  void SetUp() override {
    load_error err;
    ASSERT_FALSE(engine_.reload_text(watchlist_json, "wl", authorisations_json, "ta", err))
        << err.to_string();
  }
  passenger_decision one(const model::traveller& t) {
    const decision_set s = engine_.decide(request_with({t}));
    EXPECT_FALSE(s.header_error) << s.header_error.message();
    if (s.passengers.size() != 1) return {};
    return s.passengers[0];
  }
  decision_engine engine_;
};

TEST_F(IapiEngine, CleanPassengerIsClearedZeroZ) {
  const passenger_decision d = one(cleared_person());
  EXPECT_EQ(d.directive, directive::ok_to_board);
  EXPECT_EQ(d.fired, rule::cleared);
  EXPECT_EQ(d.passenger_reference, "0001");
  EXPECT_TRUE(d.entry_id.empty());
}

TEST_F(IapiEngine, DocumentHitIsNoBoardWhateverTheSpelling) {
  const passenger_decision d = one(person("ANYONE", "A", "1990-01-01", "zx-000 0001<", "xxa", "7"));
  EXPECT_EQ(d.directive, directive::no_board);
  EXPECT_EQ(d.fired, rule::watchlist_no_board);
  EXPECT_EQ(d.entry_id, "WL-DOC");
  EXPECT_EQ(d.reason, "NB1");
  EXPECT_EQ(d.basis, match_basis::document);
}

TEST_F(IapiEngine, DocumentHitNeedsTheSameIssuingState) {
  EXPECT_EQ(one(person("ANYONE", "A", "1990-01-01", "ZX0000001", "XXD", "7")).directive,
            directive::ok_to_board);
}

TEST_F(IapiEngine, TransliteratedNameWithExactBirthDateIsNoBoard) {
  // The carrier sent the MRZ spelling; the list holds the national one.
  const passenger_decision d =
      one(person("MUELLER TESTFALL", "JUERGEN", "1971-04-12", "ZA7777777", "XXA", "2"));
  EXPECT_EQ(d.directive, directive::no_board);
  EXPECT_EQ(d.entry_id, "WL-NAME");
  EXPECT_EQ(d.basis, match_basis::name_and_birth_date);
}

TEST_F(IapiEngine, TitlesAndMiddleNamesDoNotHideANameHit) {
  model::traveller t = person("MUELLER-TESTFALL MR", "JUERGEN", "1971-04-12", "ZA7", "XXA", "2");
  t.middle_names = "KARL";  // list gives only the first given name
  EXPECT_EQ(one(t).entry_id, "WL-NAME");
  t.given_names = "DR JUERGEN";
  EXPECT_EQ(one(t).entry_id, "WL-NAME");
}

TEST_F(IapiEngine, NameHitNeedsTheBirthDateAndGivenName) {
  EXPECT_EQ(one(person("MUELLER TESTFALL", "JUERGEN", "1971-04-13", "ZA7", "XXA", "2")).directive,
            directive::ok_to_board);
  EXPECT_EQ(one(person("MUELLER TESTFALL", "PETRA", "1971-04-12", "ZA7", "XXA", "2")).directive,
            directive::ok_to_board);
  // MULLER is a different key from MUELLER (no guessing between Doc 9303 variants).
  EXPECT_EQ(one(person("MULLER TESTFALL", "JURGEN", "1971-04-12", "ZA7", "XXA", "2")).directive,
            directive::ok_to_board);
}

TEST_F(IapiEngine, YearOnlyBirthDateMatchesAnyDayOfThatYear) {
  const passenger_decision d = one(person("O SPECIMEN", "ANY", "1985-11-30", "ZA8", "XXA", "3"));
  EXPECT_EQ(d.directive, directive::advisory);
  EXPECT_EQ(d.fired, rule::watchlist_advisory);
  EXPECT_EQ(d.entry_id, "WL-YEAR");
  EXPECT_EQ(one(person("OSPECIMEN", "ANY", "1986-01-01", "ZA8", "XXA", "3")).directive,
            directive::ok_to_board);
}

TEST_F(IapiEngine, NoBoardOutranksAdvisory) {
  // Advisory by document (WL-ADV-DOC, earlier in nothing) and no-board by name (WL-NAME).
  const passenger_decision d =
      one(person("MUELLER TESTFALL", "JUERGEN", "1971-04-12", "ZA0000009", "XXA", "4"));
  EXPECT_EQ(d.directive, directive::no_board);
  EXPECT_EQ(d.entry_id, "WL-NAME");
}

TEST_F(IapiEngine, MissingDataIsFourZWithTheRuleThatFired) {
  model::traveller no_doc = cleared_person();
  no_doc.documents.clear();
  EXPECT_EQ(one(no_doc).fired, rule::no_document);
  EXPECT_EQ(one(no_doc).directive, directive::insufficient_data);
  EXPECT_EQ(one(person("TESTER", "ALEX", "1980-05-05", " - ", "XXA", "1")).fired,
            rule::no_document_number);
  EXPECT_EQ(one(person("TESTER", "ALEX", "1980-05-05", "ZA1", "", "1")).fired,
            rule::no_issuing_state);
  EXPECT_EQ(one(person("TESTER", "ALEX", "1980-05-05", "ZA1", "X1", "1")).fired,
            rule::no_issuing_state);
  EXPECT_EQ(one(person("TESTER", "ALEX", "", "ZA1", "XXA", "1")).fired, rule::no_date_of_birth);
  EXPECT_EQ(one(person("TESTER", "ALEX", "1985-02-30", "ZA1", "XXA", "1")).fired,
            rule::no_date_of_birth);
}

TEST_F(IapiEngine, InsufficientDataComesBeforeListChecks) {
  // Even a document on the no-board list is first asked to be completed (API-CUSRES-ERC-005).
  EXPECT_EQ(one(person("ANYONE", "A", "", "ZX0000001", "XXA", "1")).directive,
            directive::insufficient_data);
}

TEST(IapiEngineOptions, ProfileMayRelaxRequiredData) {
  engine_options o;
  o.require_date_of_birth = false;
  o.require_issuing_state = false;
  decision_engine relaxed(o);
  const auto s = relaxed.decide(request_with({person("TESTER", "ALEX", "", "ZA1", "", "1")}));
  ASSERT_EQ(s.passengers.size(), 1u);
  EXPECT_EQ(s.passengers[0].directive, directive::ok_to_board);

  load_error err;
  ASSERT_FALSE(relaxed.reload_text(watchlist_json, "wl", authorisations_json, "ta", err));
  // With an authorisation rule in force, an unknown nationality cannot be judged.
  const auto t = relaxed.decide(request_with({person("TESTER", "ALEX", "", "ZA1", "", "1")}));
  ASSERT_EQ(t.passengers.size(), 1u);
  EXPECT_EQ(t.passengers[0].fired, rule::no_nationality);
}

TEST_F(IapiEngine, AuthorisationHeldIsCleared) {
  const passenger_decision d = one(person("TESTER", "BO", "1980-01-01", "ZB 0000001", "XXB", "1"));
  EXPECT_EQ(d.directive, directive::ok_to_board);
  EXPECT_EQ(d.fired, rule::cleared);
}

TEST_F(IapiEngine, AuthorisationRequiredButNotHeldIsNoBoard) {
  const passenger_decision d = one(person("TESTER", "BO", "1980-01-01", "ZB0000999", "XXB", "1"));
  EXPECT_EQ(d.directive, directive::no_board);
  EXPECT_EQ(d.fired, rule::authorisation_missing);
  EXPECT_TRUE(d.entry_id.empty());
}

TEST_F(IapiEngine, ExpiredAuthorisationIsNoBoard) {
  const passenger_decision d = one(person("TESTER", "CY", "1980-01-01", "ZC0000002", "XXC", "1"));
  EXPECT_EQ(d.directive, directive::no_board);
  EXPECT_EQ(d.fired, rule::authorisation_invalid);
  EXPECT_EQ(d.entry_id, "TA-2");
}

TEST_F(IapiEngine, AuthorisationIsJudgedOnTheFlightDates) {
  const model::traveller t = person("TESTER", "BO", "1980-01-01", "ZB0000003", "XXB", "1");
  // TA-3 starts the day after the 2025-03-01 flight ...
  EXPECT_EQ(engine_.decide(request_with({t})).passengers.at(0).fired, rule::authorisation_invalid);
  // ... and covers the next day's flight.
  EXPECT_EQ(engine_.decide(request_with({t}, "2025-03-02T11:00", "2025-03-02T14:00"))
                .passengers.at(0)
                .fired,
            rule::cleared);
  // TA-1 ends on 2027-12-31: an overnight flight arriving on 2028-01-01 is not covered.
  const model::traveller u = person("TESTER", "BO", "1980-01-01", "ZB0000001", "XXB", "1");
  EXPECT_EQ(engine_.decide(request_with({u}, "2027-12-31T23:00", "2028-01-01T06:00"))
                .passengers.at(0)
                .fired,
            rule::authorisation_invalid);
}

TEST_F(IapiEngine, DeclaredNationalityDecidesWhetherAuthorisationIsNeeded) {
  model::traveller t = cleared_person();  // XXA document: no authorisation needed by itself
  t.nationality = "XXC";
  EXPECT_EQ(one(t).fired, rule::authorisation_missing);
}

TEST_F(IapiEngine, HeaderErrorsRefuseTheWholeRequest) {
  const auto header = [&](const model::canonical_message& m) {
    const decision_set s = engine_.decide(m);
    if (s.header_error) {
      EXPECT_TRUE(s.passengers.empty());
    }
    // refusal() (what the receiver asks before storing) says the same as decide().
    EXPECT_EQ(engine_.refusal(m), s.header_error);
    return s.header_error;
  };
  model::canonical_message m = request_with({cleared_person()});
  m.message.kind = "api";
  EXPECT_EQ(header(m), make_error_code(errc::not_iapi_request));
  EXPECT_EQ(header(request_with({})), make_error_code(errc::no_travellers));
  m = request_with({cleared_person()});
  m.flight_info.reset();
  EXPECT_EQ(header(m), make_error_code(errc::no_flight));
  EXPECT_EQ(header(request_with({cleared_person()}, "2025-13-01T11:00")),
            make_error_code(errc::no_flight));
  model::traveller no_abo = cleared_person();
  no_abo.references = {{"AVF", "ABC123"}};
  EXPECT_EQ(header(request_with({cleared_person(), no_abo})),
            make_error_code(errc::missing_passenger_reference));
  EXPECT_FALSE(header(request_with(std::vector<model::traveller>(99, cleared_person()))));
  EXPECT_EQ(header(request_with(std::vector<model::traveller>(100, cleared_person()))),
            make_error_code(errc::too_many_travellers));
}

TEST(IapiEngineOptions, TravellerLimitIsConfigurable) {
  engine_options o;
  o.max_travellers = 2;
  decision_engine small(o);
  EXPECT_EQ(
      small.decide(request_with({cleared_person("1"), cleared_person("2"), cleared_person("3")}))
          .header_error,
      make_error_code(errc::too_many_travellers));
  EXPECT_FALSE(small.decide(request_with({cleared_person("1"), cleared_person("2")})).header_error);
}

TEST_F(IapiEngine, DecisionsAreDeterministicAndNameTheirSnapshot) {
  const auto m = request_with(
      {cleared_person("1"), person("ANYONE", "A", "1990-01-01", "ZX0000001", "XXA", "2")});
  const decision_set a = engine_.decide(m);
  const decision_set b = engine_.decide(m, *engine_.snapshot());
  ASSERT_EQ(a.passengers.size(), 2u);
  ASSERT_EQ(b.passengers.size(), 2u);
  EXPECT_EQ(a.lists_generation, 1u);
  EXPECT_EQ(b.lists_generation, 1u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(a.passengers[i].traveller_index, i);
    EXPECT_EQ(a.passengers[i].fired, b.passengers[i].fired);
    EXPECT_EQ(a.passengers[i].entry_id, b.passengers[i].entry_id);
  }
}

TEST_F(IapiEngine, LogRecordCarriesNoPersonalData) {
  const model::traveller t =
      person("MUELLER TESTFALL", "JUERGEN", "1971-04-12", "ZA7654321", "XXA", "0042");
  const nlohmann::json rec = to_log_record(one(t));
  EXPECT_EQ(rec.at("rule"), "IAPI-RULE-WATCHLIST-NO-BOARD");
  EXPECT_EQ(rec.at("entry_id"), "WL-NAME");
  EXPECT_EQ(rec.at("directive"), "1Z");
  EXPECT_EQ(rec.at("passenger_reference"), "0042");
  EXPECT_EQ(rec.at("basis"), "name_and_birth_date");
  const std::string text = rec.dump();
  for (std::string_view pii : {"MUELLER", "TESTFALL", "JUERGEN", "1971", "ZA7654321", "XXA"})
    EXPECT_EQ(text.find(pii), std::string::npos) << pii << " in " << text;
}

TEST(IapiRules, TableFollowsEnumeratorOrderAndCitesTheCatalogue) {
  std::string catalogue;
  for (const auto& f : std::filesystem::directory_iterator(
           std::filesystem::path(APIPNR_SOURCE_DIR) / "specs/requirements"))
    if (f.path().extension() == ".json") catalogue += read_text(f.path());
  const std::string doc = read_text(std::filesystem::path(APIPNR_SOURCE_DIR) / "docs/IAPI.md");
  for (int i = 0; i <= static_cast<int>(rule::cleared); ++i) {
    const rule_info& r = info(static_cast<rule>(i));
    EXPECT_EQ(static_cast<int>(r.value), i) << r.id;
    EXPECT_NE(catalogue.find("\"" + std::string(r.requirement) + "\""), std::string::npos) << r.id;
    EXPECT_NE(doc.find("`" + std::string(r.id) + "`"), std::string::npos) << r.id;
  }
  EXPECT_EQ(info(rule::watchlist_advisory).directive, directive::advisory);
  EXPECT_EQ(info(rule::no_nationality).directive, directive::insufficient_data);
}

TEST_F(IapiEngine, ReloadWithABrokenFileKeepsTheOldLists) {
  const auto m = request_with({person("ANYONE", "A", "1990-01-01", "ZX0000001", "XXA", "2")});
  load_error err;
  std::string broken(watchlist_json);
  broken.replace(broken.find("\"no_board\""), 10, "\"no_bord\"");
  EXPECT_EQ(engine_.reload_text(broken, "broken-wl.json", authorisations_json, "ta", err),
            make_error_code(errc::list_invalid_action));
  EXPECT_EQ(err.file, "broken-wl.json");
  EXPECT_EQ(err.line, 4u);
  EXPECT_EQ(engine_.snapshot()->generation, 1u);
  EXPECT_EQ(engine_.decide(m).passengers.at(0).entry_id, "WL-DOC");

  // A valid watchlist with a broken authorisation list is not half-applied either.
  EXPECT_EQ(engine_.reload_text(R"({"format":"apipnr-iapi-watchlist","version":1,"entries":[]})",
                                "empty-wl", "{", "broken-ta.json", err),
            make_error_code(errc::list_syntax));
  EXPECT_EQ(err.file, "broken-ta.json");
  EXPECT_EQ(engine_.snapshot()->generation, 1u);
  EXPECT_EQ(engine_.decide(m).passengers.at(0).entry_id, "WL-DOC");
}

TEST(IapiEngineFiles, ReloadFromFilesSwapsAndKeepsOnError) {
  // Per process, so that parallel CTest runs of this test never share files.
  const auto dir =
      std::filesystem::temp_directory_path() / ("apipnr-iapi-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto write = [&](const char* name, std::string_view text) {
    std::ofstream(dir / name, std::ios::binary) << text;
    return dir / name;
  };
  decision_engine engine;
  EXPECT_EQ(engine.snapshot()->generation, 0u);
  load_error err;
  const list_paths good{write("wl.json", watchlist_json), write("ta.json", authorisations_json)};
  ASSERT_FALSE(engine.reload(good, err)) << err.to_string();
  EXPECT_EQ(engine.snapshot()->generation, 1u);
  EXPECT_EQ(engine.snapshot()->watchlist.entries.size(), 4u);

  write("wl.json", "{\n\"format\": \"apipnr-iapi-watchlist\",\n\"version\": 1\n");  // truncated
  EXPECT_EQ(engine.reload(good, err), make_error_code(errc::list_syntax));
  EXPECT_EQ(err.file, (dir / "wl.json").string());
  EXPECT_GE(err.line, 3u);
  EXPECT_EQ(engine.snapshot()->generation, 1u);
  EXPECT_EQ(engine.snapshot()->watchlist.entries.size(), 4u);

  const list_paths missing{dir / "missing.json", good.authorisations};
  EXPECT_EQ(engine.reload(missing, err), make_error_code(errc::list_unreadable));
  EXPECT_EQ(engine.snapshot()->generation, 1u);
  std::filesystem::remove_all(dir);
}

TEST(IapiEngineFiles, ExampleListsDecideAsDocumented) {
  const auto specs = std::filesystem::path(APIPNR_SOURCE_DIR) / "specs/iapi";
  decision_engine engine;
  load_error err;
  ASSERT_FALSE(
      engine.reload({specs / "watchlist.example.json", specs / "authorisations.example.json"}, err))
      << err.to_string();
  const auto s = engine.decide(request_with({
      person("ANYONE", "A", "1990-01-01", "ZX0000001", "XXA", "1"),                 // WL-0001
      person("MUELLER TESTFALL", "JUERGEN", "1971-04-12", "ZA1", "XXA", "2"),       // WL-0002
      person("AASTROEM EXEMPEL", "BJOERN", "1990-01-31", "ZB0000001", "XXB", "3"),  // WL-0004
      person("TESTER", "CY", "1980-01-01", "ZC0000002", "XXC", "4"),                // TA-0002
  }));
  ASSERT_EQ(s.passengers.size(), 4u);
  EXPECT_EQ(s.passengers[0].entry_id, "WL-0001");
  EXPECT_EQ(s.passengers[1].entry_id, "WL-0002");
  EXPECT_EQ(s.passengers[2].entry_id, "WL-0004");
  EXPECT_EQ(s.passengers[2].directive, directive::advisory);
  EXPECT_EQ(s.passengers[3].entry_id, "TA-0002");
  EXPECT_EQ(s.passengers[3].directive, directive::no_board);
}

// Two lists that give a two-passenger request different but internally consistent answers:
// with A passenger 1 is 1Z and passenger 2 0Z, with B passenger 1 is 0Z and passenger 2 2Z. A
// decision that mixed both snapshots would show 1Z+2Z or 0Z+0Z.
TEST(IapiEngineConcurrency, DecideDuringReloadAlwaysSeesOneCompleteSnapshot) {
  constexpr std::string_view list_a = R"({"format":"apipnr-iapi-watchlist","version":1,"entries":[
    {"id":"A-1","action":"no_board","reason":"R","document":{"number":"ZQ1","issuing_state":"XXA"}}]})";
  constexpr std::string_view list_b = R"({"format":"apipnr-iapi-watchlist","version":1,"entries":[
    {"id":"B-2","action":"advisory","reason":"R","document":{"number":"ZQ2","issuing_state":"XXA"}}]})";
  constexpr std::string_view no_auth = R"({"format":"apipnr-iapi-authorisations","version":1,
    "nationalities_requiring_authorisation":[],"authorisations":[]})";
  decision_engine engine;
  load_error err;
  ASSERT_FALSE(engine.reload_text(list_a, "a", no_auth, "t", err));  // generation 1 = A
  const auto m = request_with({person("P", "ONE", "1990-01-01", "ZQ1", "XXA", "1"),
                               person("P", "TWO", "1990-01-01", "ZQ2", "XXA", "2")});

  std::atomic<bool> stop{false};
  std::atomic<int> mixed{0};
  std::atomic<long> decided{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r)
    readers.emplace_back([&] {
      while (!stop.load()) {
        const decision_set s = engine.decide(m);
        const bool is_a = s.lists_generation % 2 == 1;  // odd generations load A
        if (s.passengers.size() != 2 ||
            s.passengers[0].directive != (is_a ? directive::no_board : directive::ok_to_board) ||
            s.passengers[1].directive != (is_a ? directive::ok_to_board : directive::advisory))
          ++mixed;
        ++decided;
      }
    });
  int swaps = 0;
  for (int i = 0; i < 200; ++i) {
    // On a loaded machine the readers may not have run yet: let at least one decision happen
    // between reloads now and then, so the test really interleaves them (bounded wait).
    for (int spin = 0; i % 20 == 0 && decided.load() <= i / 20 && spin < 500; ++spin)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    load_error e;
    // Every third attempt is broken and must change nothing.
    if (i % 3 == 2) {
      EXPECT_TRUE(engine.reload_text("{\"format\":", "bad", no_auth, "t", e));
      continue;
    }
    const bool next_is_a = engine.snapshot()->generation % 2 == 0;
    ASSERT_FALSE(engine.reload_text(next_is_a ? list_a : list_b, "l", no_auth, "t", e));
    ++swaps;
  }
  stop = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(mixed.load(), 0);
  EXPECT_GT(decided.load(), 0);
  EXPECT_EQ(engine.snapshot()->generation, static_cast<std::uint64_t>(swaps) + 1);
}

// --- CUSRES -----------------------------------------------------------------------------------

struct answer {
  std::string abo;
  std::string erc;
};

// Parses CUSRES text with the reference parser; returns the (ABO, ERC) pairs of the ERP+2
// groups and the header ERC, and fails the test on any error finding.
struct parsed_cusres {
  std::vector<answer> passengers;
  std::string header_erc;
  std::string header_text;
};

parsed_cusres parse_back(const std::string& text) {
  parsed_cusres out;
  edifact::parser p;
  edifact::interchange ic;
  diagnostic_list findings;
  EXPECT_FALSE(p.parse(text, ic, findings));
  EXPECT_FALSE(findings.has_errors()) << text;
  const auto el = [&](const edifact::segment& s, std::size_t e, std::size_t c) {
    return edifact::unescape(edifact::component(edifact::element(s, e, ic.delims), c, ic.delims),
                             ic.delims);
  };
  int level = 0;
  for (const edifact::segment& s : ic.segments) {
    if (s.tag() == "ERP") {
      level = std::stoi(el(s, 1, 1));
      if (level == 2) out.passengers.push_back({});
    } else if (s.tag() == "RFF" && level == 2 && el(s, 1, 1) == "ABO") {
      out.passengers.back().abo = el(s, 1, 2);
    } else if (s.tag() == "ERC" && level == 2) {
      out.passengers.back().erc = el(s, 1, 1);
    } else if (s.tag() == "ERC" && level == 1) {
      out.header_erc = el(s, 1, 1);
    } else if (s.tag() == "FTX" && level == 1) {
      out.header_text = el(s, 4, 1);
    }
  }
  return out;
}

TEST_F(IapiEngine, CanonicalRequestToCusresCarriesEachPassengersDirective) {
  model::traveller no_doc = cleared_person("0004");
  no_doc.documents.clear();
  const auto m = request_with(
      {cleared_person("0001"), person("ANYONE", "A", "1990-01-01", "ZX0000001", "XXA", "0002"),
       person("O'SPECIMEN", "B", "1985-06-06", "ZA5", "XXA", "0003"), no_doc});
  const decision_set s = engine_.decide(m);
  const auto r = to_cusres(m, s, test_envelope());
  ASSERT_TRUE(r.has_value()) << r.error().message();
  EXPECT_FALSE(r->header.has_value());
  const auto text = responses::write_cusres(*r);
  ASSERT_TRUE(text.has_value()) << text.error().message();
  const parsed_cusres back = parse_back(*text);
  ASSERT_EQ(back.passengers.size(), 4u);
  const std::vector<std::pair<std::string, std::string>> expected{
      {"0001", "0Z"}, {"0002", "1Z"}, {"0003", "2Z"}, {"0004", "4Z"}};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(back.passengers[i].abo, expected[i].first);
    EXPECT_EQ(back.passengers[i].erc, expected[i].second) << expected[i].first;
  }
  EXPECT_NE(text->find("FTX+AAP+++NO BOARD - CONTACT THE AUTHORITY'"), std::string::npos);
  EXPECT_EQ(text->find("NB1"), std::string::npos);  // reason codes stay internal
}

TEST_F(IapiEngine, HeaderErrorBecomesErpOneErcOne) {
  const auto m = request_with({});
  const decision_set s = engine_.decide(m);
  const auto r = to_cusres(m, s, test_envelope());
  ASSERT_TRUE(r.has_value()) << r.error().message();
  const auto text = responses::write_cusres(*r);
  ASSERT_TRUE(text.has_value()) << text.error().message();
  const parsed_cusres back = parse_back(*text);
  EXPECT_TRUE(back.passengers.empty());
  EXPECT_EQ(back.header_erc, "1");
  EXPECT_EQ(back.header_text, "IAPI-REQ-EMPTY");
  EXPECT_NE(text->find("RFF+TN:XX1232503011'"), std::string::npos);
  EXPECT_NE(text->find("RFF+AF:XX123'"), std::string::npos);

  // A request whose flight cannot be echoed is still answered, without the flight group.
  auto bad_flight = request_with({cleared_person()}, "garbage");
  const auto r2 = to_cusres(bad_flight, engine_.decide(bad_flight), test_envelope());
  ASSERT_TRUE(r2.has_value()) << r2.error().message();
  EXPECT_FALSE(r2->flight.has_value());
  ASSERT_TRUE(r2->header.has_value());
  EXPECT_EQ(r2->header->text, "IAPI-REQ-FLIGHT");
}

TEST_F(IapiEngine, DecisionsFromAnotherRequestAreRefused) {
  const auto m = request_with({cleared_person("0001")});
  const auto other = request_with({cleared_person("0009")});
  EXPECT_EQ(to_cusres(m, engine_.decide(other), test_envelope()).error(),
            make_error_code(responses::errc::cusres_no_result));
}

// A PAXLST iAPI request (STANDARDS.md Appendix A.1 layout, synthetic travellers) from bytes to
// the CUSRES bytes: parse, extract, decide, write, parse back.
std::string paxlst_request() {
  std::vector<std::string> body = {"UNH+1+PAXLST:D:05B:UN:IATA+XX123/250301/1100+01:F",
                                   "BGM+745",
                                   "RFF+TN:XX1232503011:::1",
                                   "NAD+MS+++OPS CONTROL",
                                   "TDT+20+XX123+++XX",
                                   "LOC+125+LHR",
                                   "DTM+189:2503011100:201",
                                   "LOC+87+JFK",
                                   "DTM+232:2503011400:201"};
  const auto traveller = [&](std::string name, std::string dob, std::string nat, std::string abo,
                             std::string doc, std::string state) {
    body.push_back("NAD+FL+++" + name);
    body.push_back("ATT+2++F");
    body.push_back("DTM+329:" + dob);
    body.push_back("NAT+2+" + nat);
    body.push_back("RFF+AVF:ABC123");
    body.push_back("RFF+ABO:" + abo);
    if (!doc.empty()) {
      body.push_back("DOC+P:110:111+" + doc);
      body.push_back("DTM+36:300101");
      body.push_back("LOC+91+" + state);
    }
  };
  traveller("O?'SPECIMEN:ANNE", "850412", "XXA", "0001", "ZA1234567", "XXA");  // 2Z by name
  traveller("TESTER:ALEX", "800505", "XXA", "0002", "ZX0000001", "XXA");       // 1Z by document
  traveller("TESTER:BO", "800101", "XXB", "0003", "ZB0000001", "XXB");         // 0Z, holds TA-1
  traveller("TESTER:CY", "800101", "XXC", "0004", "", "");                     // 4Z, no document
  body.push_back("CNT+42:4");
  std::string out = "UNA:+.? 'UNB+UNOA:4+XXAPI:ZZ+PIUTEST:ZZ+250301:0930+1001++IAPI'";
  for (const std::string& s : body) out += s + "'";
  out += "UNT+" + std::to_string(body.size() + 1) + "+1'UNZ+1+1001'";
  return out;
}

TEST_F(IapiEngine, PaxlstBytesToCusresBytesFullChain) {
  const std::string request_text = paxlst_request();
  edifact::parser p;
  edifact::interchange ic;
  diagnostic_list findings;
  ASSERT_FALSE(p.parse(request_text, ic, findings));
  ASSERT_FALSE(findings.has_errors());
  diagnostic_list extract_findings;
  const auto m = paxlst::extract(ic, 0, extract_findings);
  ASSERT_TRUE(m.has_value()) << m.error().message();
  ASSERT_EQ(m->message.kind, "iapi_request");

  const decision_set s = engine_.decide(*m);
  ASSERT_FALSE(s.header_error) << s.header_error.message();
  const auto r = to_cusres(*m, s, test_envelope());
  ASSERT_TRUE(r.has_value()) << r.error().message();
  const auto text = responses::write_cusres(*r);
  ASSERT_TRUE(text.has_value()) << text.error().message();
  EXPECT_NE(text->find("UNH+1+CUSRES:D:05B:UN:IATA+XX123/250301/1100+01:F'"), std::string::npos);
  const parsed_cusres back = parse_back(*text);
  ASSERT_EQ(back.passengers.size(), 4u);
  EXPECT_EQ(back.passengers[0].abo, "0001");
  EXPECT_EQ(back.passengers[0].erc, "2Z");
  EXPECT_EQ(back.passengers[1].abo, "0002");
  EXPECT_EQ(back.passengers[1].erc, "1Z");
  EXPECT_EQ(back.passengers[2].abo, "0003");
  EXPECT_EQ(back.passengers[2].erc, "0Z");
  EXPECT_EQ(back.passengers[3].abo, "0004");
  EXPECT_EQ(back.passengers[3].erc, "4Z");
}

}  // namespace
}  // namespace apipnr::iapi
