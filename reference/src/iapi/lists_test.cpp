#include "apipnr/iapi/lists.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

namespace apipnr::iapi {
namespace {

const std::filesystem::path specs = std::filesystem::path(APIPNR_SOURCE_DIR) / "specs/iapi";

// Synthetic entries only (DP-TEST-001).
constexpr std::string_view three_entries = R"({
  "format": "apipnr-iapi-watchlist",
  "version": 1,
  "entries": [
    {"id": "WL-1", "action": "no_board", "reason": "R1",
     "document": {"number": "ZZ 000-001", "issuing_state": "xxa"}},
    {"id": "WL-2", "action": "advisory", "reason": "R2",
     "name": {"surname": "Testperson"}, "date_of_birth": "1970"},
    {
      "id": "WL-3", "action": "no_board", "reason": "R3",
      "date_of_birth": "1970-13-01",
      "name": {"surname": "Sample"}
    }
  ]
})";

TEST(IapiLists, ExampleFilesLoad) {
  load_error err;
  const auto wl = load_watchlist(specs / "watchlist.example.json", err);
  ASSERT_TRUE(wl.has_value()) << err.to_string();
  EXPECT_GE(wl->entries.size(), 4u);
  const auto al = load_authorisations(specs / "authorisations.example.json", err);
  ASSERT_TRUE(al.has_value()) << err.to_string();
  EXPECT_FALSE(al->nationalities_requiring.empty());
  EXPECT_FALSE(al->entries.empty());
}

TEST(IapiLists, EntryErrorNamesFileLineAndField) {
  load_error err;
  const auto wl = parse_watchlist(three_entries, "wl.json", err);
  ASSERT_FALSE(wl.has_value());
  EXPECT_EQ(wl.error(), make_error_code(errc::list_invalid_date));
  EXPECT_EQ(err.file, "wl.json");
  EXPECT_EQ(err.line, 9u);  // the line where the third entry's object opens
  EXPECT_EQ(err.detail, "entries[2].date_of_birth");
  EXPECT_EQ(err.to_string().rfind("wl.json:9: IAPI-LIST-DATE:", 0), 0u) << err.to_string();
  // The offending value is not echoed (DP-LOG-003).
  EXPECT_EQ(err.to_string().find("1970-13-01"), std::string::npos);
}

TEST(IapiLists, ValidEntriesAreNormalisedAndIndexed) {
  std::string text(three_entries);
  text.replace(text.find("1970-13-01"), 10, "1970-12-01");
  load_error err;
  const auto wl = parse_watchlist(text, "wl.json", err);
  ASSERT_TRUE(wl.has_value()) << err.to_string();
  ASSERT_EQ(wl->entries.size(), 3u);
  ASSERT_TRUE(wl->entries[0].document.has_value());
  EXPECT_EQ(wl->entries[0].document->number, "ZZ000001");
  EXPECT_EQ(wl->entries[0].document->issuing_state, "XXA");
  EXPECT_EQ(wl->by_document.count("XXA/ZZ000001"), 1u);
  EXPECT_EQ(wl->entries[1].surname, "TESTPERSON");
  EXPECT_EQ(wl->entries[1].action, watch_action::advisory);
  EXPECT_EQ(wl->entries[2].line, 9u);
}

TEST(IapiLists, SyntaxErrorNamesTheLine) {
  load_error err;
  const auto wl = parse_watchlist(
      "{\n  \"format\": \"apipnr-iapi-watchlist\",\n  \"version\": 1,,\n}", "broken.json", err);
  ASSERT_FALSE(wl.has_value());
  EXPECT_EQ(wl.error(), make_error_code(errc::list_syntax));
  EXPECT_EQ(err.line, 3u);
  EXPECT_EQ(err.file, "broken.json");
}

TEST(IapiLists, WrongFormatOrVersionIsRefused) {
  load_error err;
  EXPECT_EQ(parse_watchlist(R"({"format":"apipnr-iapi-authorisations","version":1,"entries":[]})",
                            "x", err)
                .error(),
            make_error_code(errc::list_format));
  EXPECT_EQ(
      parse_watchlist(R"({"format":"apipnr-iapi-watchlist","version":2,"entries":[]})", "x", err)
          .error(),
      make_error_code(errc::list_format));
  EXPECT_EQ(parse_watchlist("[]", "x", err).error(), make_error_code(errc::list_format));
}

TEST(IapiLists, EntryShapeErrorsAreRefused) {
  const auto check = [](std::string_view entry, errc expected, std::string_view detail) {
    const std::string text =
        R"({"format":"apipnr-iapi-watchlist","version":1,"entries":[)" + std::string(entry) + "]}";
    load_error err;
    const auto wl = parse_watchlist(text, "x", err);
    ASSERT_FALSE(wl.has_value()) << entry;
    EXPECT_EQ(wl.error(), make_error_code(expected)) << entry;
    EXPECT_EQ(err.detail, detail) << entry;
    EXPECT_EQ(err.line, 1u);
  };
  check(
      R"({"id":"A","action":"stop","reason":"R","document":{"number":"1","issuing_state":"XXA"}})",
      errc::list_invalid_action, "entries[0].action");
  check(
      R"({"id":"A","action":"no_board","reason":"R","document":{"number":"1","issuing_state":"X"}})",
      errc::list_invalid_state, "entries[0].document.issuing_state");
  check(R"({"id":"A","action":"no_board","reason":"R","name":{"surname":"Q"}})",
        errc::list_entry_invalid, "entries[0].date_of_birth");
  check(R"({"id":"A","action":"no_board","reason":"R"})", errc::list_entry_invalid,
        "entries[0].document");
  check(
      R"({"id":"A","action":"no_board","reason":"R","document":{"number":"1","issuing_sate":"XXA"}})",
      errc::list_entry_invalid, "entries[0].document.issuing_sate");
  check(R"({"action":"no_board","reason":"R","document":{"number":"1","issuing_state":"XXA"}})",
        errc::list_entry_invalid, "entries[0].id");
}

TEST(IapiLists, DuplicateIdsAreRefused) {
  load_error err;
  const auto wl = parse_watchlist(R"({"format":"apipnr-iapi-watchlist","version":1,"entries":[
{"id":"A","action":"no_board","reason":"R","document":{"number":"1","issuing_state":"XXA"}},
{"id":"A","action":"advisory","reason":"R","document":{"number":"2","issuing_state":"XXA"}}]})",
                                  "dup.json", err);
  ASSERT_FALSE(wl.has_value());
  EXPECT_EQ(wl.error(), make_error_code(errc::list_duplicate_id));
  EXPECT_EQ(err.line, 3u);
}

TEST(IapiLists, AuthorisationPeriodsAndNationalitiesAreChecked) {
  load_error err;
  const auto ok = parse_authorisations(R"({"format":"apipnr-iapi-authorisations","version":1,
"state":"XXA","nationalities_requiring_authorisation":["xxc","XXB","XXB"],
"authorisations":[{"id":"TA-1","document":{"number":"1","issuing_state":"XXB"},
"valid_from":"2025-01-01","valid_until":"2025-12-31"}]})",
                                       "auth.json", err);
  ASSERT_TRUE(ok.has_value()) << err.to_string();
  EXPECT_EQ(ok->nationalities_requiring, (std::vector<std::string>{"XXB", "XXC"}));
  EXPECT_TRUE(ok->requires_authorisation("XXC"));
  EXPECT_FALSE(ok->requires_authorisation("XXA"));

  const auto reversed = parse_authorisations(R"({"format":"apipnr-iapi-authorisations","version":1,
"nationalities_requiring_authorisation":[],
"authorisations":[{"id":"TA-1","document":{"number":"1","issuing_state":"XXB"},
  "valid_from":"2025-12-31","valid_until":"2025-01-01"}]})",
                                             "auth.json", err);
  ASSERT_FALSE(reversed.has_value());
  EXPECT_EQ(reversed.error(), make_error_code(errc::list_invalid_date));
  EXPECT_EQ(err.line, 3u);
  EXPECT_EQ(err.detail, "authorisations[0].valid_until");

  const auto bad_nat = parse_authorisations(R"({"format":"apipnr-iapi-authorisations","version":1,
"nationalities_requiring_authorisation":["XXB",
  "B4D"], "authorisations":[]})",
                                            "auth.json", err);
  ASSERT_FALSE(bad_nat.has_value());
  EXPECT_EQ(bad_nat.error(), make_error_code(errc::list_invalid_state));
  EXPECT_EQ(err.line, 3u);
}

TEST(IapiLists, MissingFileAndLimitsAreReported) {
  load_error err;
  const auto missing = load_watchlist(specs / "no-such-list.json", err);
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error(), make_error_code(errc::list_unreadable));
  EXPECT_NE(err.file.find("no-such-list.json"), std::string::npos);

  list_limits small;
  small.max_entries = 1;
  std::string text(three_entries);
  const auto over = parse_watchlist(text, "x", err, small);
  ASSERT_FALSE(over.has_value());
  EXPECT_EQ(over.error(), make_error_code(errc::list_too_large));
  small.max_file_bytes = 10;
  EXPECT_EQ(parse_watchlist(text, "x", err, small).error(), make_error_code(errc::list_too_large));
}

// fuzz_iapi_lists (fuzz/crashers/iapi_lists_number_overflow.json): a number beyond double's
// range makes nlohmann throw out_of_range, not parse_error, and it escaped the loader.
TEST(IapiLists, NumberOutOfRangeIsASyntaxErrorNotAnException) {
  load_error err;
  const auto wl = parse_watchlist(
      "{\"format\": \"apipnr-iapi-watchlist\",\n\"version\": 1,\n\"entries\": [1e999]}", "big.json",
      err);
  ASSERT_FALSE(wl.has_value());
  EXPECT_EQ(wl.error(), make_error_code(errc::list_syntax));
  EXPECT_EQ(err.line, 3u);
  load_error err2;
  EXPECT_EQ(parse_authorisations("[-1e400]", "a.json", err2).error(),
            make_error_code(errc::list_syntax));
  EXPECT_EQ(err2.line, 1u);
}

}  // namespace
}  // namespace apipnr::iapi
