#include "apipnr/store/push_reader.hpp"

#include <fstream>

#include <gtest/gtest.h>

#include "apipnr/store/store.hpp"
#include "test_support.hpp"

namespace apipnr::store {
namespace {

using testing::make_pnr;
using testing::options_for;
using testing::temp_dir;

TEST(StorePushReader, AcceptedPushesOfTheFlightInStorageOrderAfterReopen) {
  temp_dir dir;
  {
    auto s = store::open(options_for(dir.file()));
    ASSERT_TRUE(s);
    ASSERT_TRUE((*s)->put(make_pnr("PR1", "LOCAAA")));
    auto rejected = make_pnr("PR2", "LOCBBB");
    rejected.outcome = verdict::reject;
    ASSERT_TRUE((*s)->put(std::move(rejected)));
    auto other_day = make_pnr("PR3", "LOCCCC");
    other_day.messages[0].flight_info->legs[0].departure.scheduled = "2030-05-02T10:00";
    ASSERT_TRUE((*s)->put(std::move(other_day)));
    ASSERT_TRUE((*s)->put(make_pnr("PR4", "LOCDDD")));
    ASSERT_TRUE((*s)->put(testing::make_api("API1")));  // same flight, not a push
  }
  // The store is closed: what the reader sees is what a restarted receiver sees.
  auto r = push_reader::open(dir.file());
  ASSERT_TRUE(r) << r.error().message();
  auto p = (*r)->pushes("ZZ", "123", "2030-05-01");
  ASSERT_TRUE(p);
  ASSERT_EQ(p->size(), 2u);
  EXPECT_NE((*p)[0].find("LOCAAA"), std::string::npos);
  EXPECT_NE((*p)[1].find("LOCDDD"), std::string::npos);
  // `limit` keeps the most recent ones.
  auto last = (*r)->pushes("ZZ", "123", "2030-05-01", 1);
  ASSERT_TRUE(last);
  ASSERT_EQ(last->size(), 1u);
  EXPECT_NE((*last)[0].find("LOCDDD"), std::string::npos);
  auto none = (*r)->pushes("ZZ", "124", "2030-05-01");
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
}

TEST(StorePushReader, RefusesAFileThatIsNotAStore) {
  temp_dir dir;
  EXPECT_FALSE(push_reader::open(dir.file("missing.db")));
  {
    std::ofstream f(dir.file("junk.db"));
    f << "not sqlite";
  }
  EXPECT_FALSE(push_reader::open(dir.file("junk.db")));
}

}  // namespace
}  // namespace apipnr::store
