#include "apipnr/xml/errc.hpp"

#include <gtest/gtest.h>

#include <string>

#include "apipnr/common/errc_table_testing.hpp"

namespace apipnr::xml {
namespace {

namespace t = apipnr::common::testing;

TEST(XmlErrc, TableFollowsEnumeratorOrder) { t::expect_rows_follow_enumerators(all_errc_info()); }

TEST(XmlErrc, IdsAreUniqueAndPrefixed) {
  t::expect_ids_unique_and_prefixed(all_errc_info(), "XML-");
}

TEST(XmlErrc, ErrorCodeMessageCarriesTheId) {
  const boost::system::error_code ec = errc::doctype;
  EXPECT_EQ(ec.category().name(), std::string("apipnr.xml"));
  EXPECT_NE(ec.message().find("XML-DOCTYPE"), std::string::npos);
  EXPECT_EQ(info(static_cast<errc>(250)).id, "XML-UNKNOWN");
}

TEST(XmlErrc, EveryIdIsDocumented) {
  t::expect_ids_documented(all_errc_info(), "docs/error-codes-xml.md");
}

TEST(XmlErrc, EveryRequirementIsCatalogued) { t::expect_requirements_catalogued(all_errc_info()); }

}  // namespace
}  // namespace apipnr::xml
