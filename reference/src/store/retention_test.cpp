// Retention: depersonalise after T1, delete after T2, per data category (DP-RET-*, DP-MASK-*).
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>
#include <iterator>

#include <nlohmann/json.hpp>

#include "apipnr/store/store.hpp"
#include "test_support.hpp"

namespace apipnr::store {
namespace {

using nlohmann::json;
using std::chrono::hours;
using testing::make_api;
using testing::make_pnr;
using testing::temp_dir;

// A fixed start (2030-05-01T00:00Z) so every timer is exact.
const time_point t0 = time_point(std::chrono::seconds(1903910400));

// Reads every text and blob of the file (main database and WAL) to prove a value is gone.
std::string file_bytes(const std::filesystem::path& p) {
  std::string all;
  for (const auto& f : {p.string(), p.string() + "-wal"}) {
    std::ifstream in(f, std::ios::binary);
    all.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return all;
}

class StoreRetention : public ::testing::Test {
 protected:
  void SetUp() override {
    options o;
    o.path = dir_.file();
    o.api_retention = {hours(24), hours(48)};
    o.pnr_retention = {hours(24 * 180), hours(24 * 365 * 5)};  // EU-PNR-RET-001
    o.clock = [this] { return now_; };
    auto s = store::open(std::move(o));
    ASSERT_TRUE(s) << s.error().message();
    store_ = std::move(*s);
    received api = make_api("R1", 2);
    api.received_at = t0;
    received pnr = make_pnr("R2", "LOCRET");
    pnr.received_at = t0;
    const auto a = store_->put(std::move(api));
    const auto p = store_->put(std::move(pnr));
    ASSERT_TRUE(a && p);
    api_id_ = a->id;
    pnr_id_ = p->id;
  }

  json get(std::int64_t id) { return json::parse(*store_->get_interchange(id, "auditor")); }

  temp_dir dir_;
  time_point now_ = t0;
  std::unique_ptr<store> store_;
  std::int64_t api_id_ = 0, pnr_id_ = 0;
};

TEST_F(StoreRetention, NothingHappensBeforeTheMaskTimer) {
  const auto r = store_->apply_retention(t0 + hours(23), "retention-job");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->masked, 0u);
  EXPECT_EQ(r->deleted, 0u);
  EXPECT_EQ(get(api_id_)["state"], "received");
}

TEST_F(StoreRetention, MasksApiAfterT1AndKeepsAnalytics) {
  const auto r = store_->apply_retention(t0 + hours(24), "retention-job");
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->masked, 1u);  // the API record only; PNR masks after 180 days
  const json j = get(api_id_);
  EXPECT_EQ(j["state"], "masked");
  EXPECT_FALSE(j["raw_available"].get<bool>());
  EXPECT_TRUE(j.contains("masked_at"));
  EXPECT_FALSE(j["findings"][0].contains("detail"));
  EXPECT_EQ(j["findings"][0]["id"], "PAX-NAD-TITLE");
  const json& t = j["messages"][0]["canonical"]["travellers"][0];
  EXPECT_EQ(t["surname"], "***");
  EXPECT_EQ(t["documents"][0]["number"], "***");
  EXPECT_EQ(t["contacts"][0]["value"], "***");
  EXPECT_EQ(t["date_of_birth"], "1980");
  EXPECT_EQ(t["gender"], "F");
  EXPECT_EQ(t["nationality"], "ZZZ");
  EXPECT_EQ(get(pnr_id_)["state"], "received");
  // Flight-level aggregates survive (DP-MASK-003): the travellers are still counted.
  const json f = json::parse(*store_->flight_travellers("ZZ", "123", "2030-05-01", {}, "a"));
  EXPECT_EQ(f["travellers"].size(), 3u);
  EXPECT_EQ(f["travellers"][0]["traveller"]["surname"], "***");
  const auto raw = store_->get_raw(api_id_, "auditor");
  ASSERT_FALSE(raw);
  EXPECT_EQ(raw.error(), errc::not_found);
}

TEST_F(StoreRetention, NormalisedColumnsAreMaskedToo) {
  ASSERT_TRUE(store_->apply_retention(t0 + hours(25), "retention-job"));
  store_->close();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(dir_.file().c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db,
                               "SELECT count(*) FROM travellers t JOIN messages m ON m.id = "
                               "t.message_id WHERE m.interchange_id = ?1 AND (t.surname <> '***' "
                               "OR length(t.date_of_birth) <> 4 OR t.documents IS NULL "
                               "OR t.documents LIKE '%X0000%' "
                               "OR t.documents NOT LIKE '%\"number\":\"***\"%')",
                               -1, &s, nullptr),
            SQLITE_OK);
  sqlite3_bind_int64(s, 1, api_id_);
  ASSERT_EQ(sqlite3_step(s), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int64(s, 0), 0);
  sqlite3_finalize(s);
  sqlite3_close(db);
}

TEST_F(StoreRetention, IsIdempotent) {
  const auto first = store_->apply_retention(t0 + hours(30), "retention-job");
  ASSERT_TRUE(first);
  const json after_first = get(api_id_);
  const auto second = store_->apply_retention(t0 + hours(30), "retention-job");
  ASSERT_TRUE(second);
  EXPECT_EQ(second->masked, 0u);
  EXPECT_EQ(second->deleted, 0u);
  EXPECT_EQ(get(api_id_)["messages"], after_first["messages"]);
}

TEST_F(StoreRetention, DeletesApiAfterT2AndLeavesATombstone) {
  ASSERT_TRUE(store_->apply_retention(t0 + hours(24), "retention-job"));
  const auto r = store_->apply_retention(t0 + hours(48), "retention-job");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->deleted, 1u);
  const json j = get(api_id_);
  EXPECT_EQ(j["state"], "deleted");
  EXPECT_TRUE(j["messages"].empty());
  EXPECT_TRUE(j["findings"].empty());
  EXPECT_TRUE(j.contains("deleted_at"));
  EXPECT_EQ(j["sha256"].get<std::string>().size(), 64u);  // the receipt evidence stays
  // DP-RET-005: the traveller can no longer be retrieved through any interface.
  const json f = json::parse(*store_->flight_travellers("ZZ", "123", "2030-05-01", {}, "a"));
  ASSERT_EQ(f["travellers"].size(), 1u);
  EXPECT_EQ(f["travellers"][0]["category"], "pnr");
  // A resend of the deleted interchange is still recognised as a duplicate (RCV-DUP-001).
  const auto again = store_->put(make_api("R1", 2));
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->duplicate);
}

TEST_F(StoreRetention, DeletedNamesAreGoneFromTheFile) {
  // secure_delete + checkpoint: the deleted surname does not linger in free pages or the WAL.
  ASSERT_TRUE(store_->apply_retention(t0 + hours(24 * 365 * 6), "retention-job"));
  store_->close();
  const std::string bytes = file_bytes(dir_.file());
  ASSERT_FALSE(bytes.empty());
  EXPECT_EQ(bytes.find("SYNTH1"), std::string::npos);
  EXPECT_EQ(bytes.find("PNRSYNTH"), std::string::npos);
  EXPECT_EQ(bytes.find("X00001"), std::string::npos);
}

TEST_F(StoreRetention, PnrFollowsItsOwnSchedule) {
  auto r = store_->apply_retention(t0 + hours(24 * 180), "retention-job");
  ASSERT_TRUE(r);
  EXPECT_EQ(get(pnr_id_)["state"], "masked");
  const json p = json::parse(*store_->pnr_by_locator("LOCRET", {}, "a"));
  ASSERT_EQ(p["pnrs"].size(), 1u);  // the locator stays searchable after masking
  const json& pnr = p["pnrs"][0]["pnr"];
  EXPECT_EQ(pnr["travellers"][0]["surname"], "***");
  EXPECT_EQ(pnr["contacts"][0]["value"], "***");
  EXPECT_EQ(pnr["osi"][0], "***");
  EXPECT_EQ(pnr["travellers"][0]["tickets"][0]["number"], "***");
  r = store_->apply_retention(t0 + hours(24 * 365 * 5), "retention-job");
  ASSERT_TRUE(r);
  EXPECT_EQ(get(pnr_id_)["state"], "deleted");
  EXPECT_TRUE(json::parse(*store_->pnr_by_locator("LOCRET", {}, "a"))["pnrs"].empty());
}

// Status changes of iAPI passengers (schema v4) follow the API schedule from their own time:
// masked after T1 (references, officer text, the 132 and 312 bytes), deleted after T2, and
// gone from the file afterwards.
TEST_F(StoreRetention, StatusChangesAreMaskedThenDeleted) {
  const flight_key flight{"ZZ", "123", "2030-05-01"};
  status_change c;
  c.flight = flight;
  c.departure_airport = "AAA";
  c.abo = "ABOSYNTH7";
  c.avf = "AVFSYNTH7";
  c.request_id = api_id_;
  c.directive = "1Z";
  c.previous = "0Z";
  c.text = "TEXTSYNTH7";
  c.actor = "officer";
  c.control_reference = "1700000000077";
  c.message = "UNB+UNOA:4+GOV+ZZAIR+300501:1000+1700000000077'NAD+FL+++MSGSYNTH7'";
  c.destination = "http://127.0.0.1:1/carrier/v1/cusres";
  const auto id = store_->put_status_change(c);  // at t0
  ASSERT_TRUE(id) << id.error().message();
  delivery_record d;
  d.state = delivery_state::delivered;
  d.attempts = 1;
  d.acknowledgement = "UNB+UNOA:4+ZZAIR+GOV+300501:1000+9'NAD+FL+++ACKSYNTH7'";
  d.ack_result = "acknowledged";
  ASSERT_FALSE(store_->put_delivery(*id, d));

  auto r = store_->apply_retention(t0 + hours(23), "retention-job");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status_changes_masked, 0u);
  EXPECT_EQ(store_->iapi_status(flight, "ABOSYNTH7")->value_or(""), "1Z");

  r = store_->apply_retention(t0 + hours(24), "retention-job");
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->status_changes_masked, 1u);
  EXPECT_EQ(r->status_changes_deleted, 0u);
  json rows = json::parse(*store_->status_changes(flight, "auditor"))["status_changes"];
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["abo"], "***");
  EXPECT_EQ(rows[0]["avf"], "***");
  EXPECT_EQ(rows[0]["text"], "***");
  EXPECT_EQ(rows[0]["message"], "");
  EXPECT_FALSE(rows[0].contains("acknowledgement"));
  EXPECT_EQ(rows[0]["directive"], "1Z");  // what was decided stays for statistics
  EXPECT_EQ(rows[0]["delivery"], "delivered");
  EXPECT_FALSE(store_->iapi_status(flight, "ABOSYNTH7")->has_value());
  // Idempotent: a second run at the same time masks nothing more.
  r = store_->apply_retention(t0 + hours(24), "retention-job");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status_changes_masked, 0u);

  r = store_->apply_retention(t0 + hours(48), "retention-job");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status_changes_deleted, 1u);
  rows = json::parse(*store_->status_changes(flight, "auditor"))["status_changes"];
  EXPECT_TRUE(rows.empty());
  const auto v = store_->verify_audit();
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->ok);
  store_->close();
  const std::string bytes = file_bytes(dir_.file());
  for (const char* gone : {"ABOSYNTH7", "AVFSYNTH7", "TEXTSYNTH7", "MSGSYNTH7", "ACKSYNTH7"})
    EXPECT_EQ(bytes.find(gone), std::string::npos) << gone;
}

TEST_F(StoreRetention, RunsAreAuditedAndTheChainStillVerifies) {
  ASSERT_TRUE(store_->apply_retention(t0 + hours(48), "retention-job"));
  ASSERT_TRUE(store_->apply_retention(t0 + hours(49), "retention-job"));
  const auto v = store_->verify_audit();
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->ok);
  // 2 receipts + (mask + delete + run) + (run) = 6 rows.
  EXPECT_EQ(v->rows, 6u);
}

}  // namespace
}  // namespace apipnr::store
