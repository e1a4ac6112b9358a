#include "apipnr/xml/document.hpp"

#include <gtest/gtest.h>

#include <string>

namespace apipnr::xml {
namespace {

const diagnostic* find(const diagnostic_list& l, std::string_view id) {
  for (const diagnostic& d : l.items()) {
    if (d.id == id) return &d;
  }
  return nullptr;
}

std::string nested(std::size_t depth) {
  std::string s = "<?xml version=\"1.0\"?>\n";
  for (std::size_t i = 0; i < depth; ++i) s += "<a>";
  for (std::size_t i = 0; i < depth; ++i) s += "</a>";
  return s;
}

TEST(XmlIntake, AcceptsMinimalUtf8Document) {
  document doc;
  diagnostic_list sink;
  const std::string in = "<?xml version=\"1.0\" encoding=\"utf-8\"?><r a=\"\xC3\xA9\"><b/></r>";
  EXPECT_FALSE(parse(in, doc, sink));
  EXPECT_TRUE(sink.empty());
  EXPECT_TRUE(doc.parsed());
  EXPECT_STREQ(doc.root().name(), "r");
}

TEST(XmlIntake, RefusesDoctypeBeforeParsing) {
  document doc;
  diagnostic_list sink;
  const std::string in =
      "<?xml version=\"1.0\"?>\n<!DOCTYPE r [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;&a;\">]>\n"
      "<r>&b;</r>";
  EXPECT_EQ(parse(in, doc, sink), make_error_code(errc::doctype));
  EXPECT_FALSE(doc.parsed());
  const diagnostic* d = find(sink, "XML-DOCTYPE");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->pos.offset, in.find("<!DOCTYPE"));
  EXPECT_EQ(d->level, severity::fatal);
  EXPECT_EQ(d->requirement, "PNR-XML-ROOT-002");
  EXPECT_EQ(d->detail.substr(0, 17), "line 2, column 1:");
}

TEST(XmlIntake, RefusesDoctypeAfterCommentsAndWhitespace) {
  document doc;
  diagnostic_list sink;
  const std::string in = "<!-- a -->\n  <!DOCTYPE r SYSTEM \"file:///etc/passwd\"><r/>";
  EXPECT_EQ(parse(in, doc, sink), make_error_code(errc::doctype));
}

TEST(XmlIntake, DoctypeTextInsideCommentIsNotADeclaration) {
  document doc;
  diagnostic_list sink;
  EXPECT_FALSE(parse("<r><!-- <!DOCTYPE x> --><![CDATA[<!DOCTYPE y>]]></r>", doc, sink));
  EXPECT_TRUE(sink.empty());
}

TEST(XmlIntake, RefusesDepthBombBeforeBuildingTheTree) {
  document doc;
  diagnostic_list sink;
  const std::string in = nested(100000);
  EXPECT_EQ(parse(in, doc, sink), make_error_code(errc::depth_exceeded));
  EXPECT_FALSE(doc.dom().first_child());
  const diagnostic* d = find(sink, "XML-LIMIT-DEPTH");
  ASSERT_NE(d, nullptr);
  // The 33rd <a> is the first too deep: offset after the declaration and 32 tags.
  EXPECT_EQ(d->pos.offset, std::string("<?xml version=\"1.0\"?>\n").size() + 32 * 3);
}

TEST(XmlIntake, AcceptsDepthAtTheLimit) {
  document doc;
  diagnostic_list sink;
  limits lim;
  lim.max_depth = 8;
  EXPECT_FALSE(parse(nested(8), doc, sink, lim));
  EXPECT_EQ(parse(nested(9), doc, sink, lim), make_error_code(errc::depth_exceeded));
}

TEST(XmlIntake, RefusesTooManyElements) {
  document doc;
  diagnostic_list sink;
  limits lim;
  lim.max_elements = 10;
  std::string in = "<r>";
  for (int i = 0; i < 10; ++i) in += "<e/>";
  in += "</r>";
  EXPECT_EQ(parse(in, doc, sink, lim), make_error_code(errc::too_many_elements));
  EXPECT_NE(find(sink, "XML-LIMIT-ELEMENTS"), nullptr);
}

TEST(XmlIntake, RefusesOversizedDocument) {
  document doc;
  diagnostic_list sink;
  limits lim;
  lim.max_document_bytes = 64;
  const std::string in = "<r>" + std::string(100, 'x') + "</r>";
  EXPECT_EQ(parse(in, doc, sink, lim), make_error_code(errc::document_too_large));
  ASSERT_EQ(sink.size(), 1u);
  EXPECT_EQ(sink.items()[0].id, "XML-LIMIT-BYTES");
}

TEST(XmlIntake, RefusesLongAttributeValue) {
  document doc;
  diagnostic_list sink;
  limits lim;
  lim.max_attribute_length = 16;
  EXPECT_FALSE(parse("<r a='" + std::string(16, 'x') + "'/>", doc, sink, lim));
  EXPECT_EQ(parse("<r a='" + std::string(17, 'x') + "'/>", doc, sink, lim),
            make_error_code(errc::attribute_too_long));
}

TEST(XmlIntake, ReportsUnclosedTagWithOffsetLineAndColumn) {
  document doc;
  diagnostic_list sink;
  const std::string in = "<r>\n  <a>text\n</r>\n";
  EXPECT_EQ(parse(in, doc, sink), make_error_code(errc::not_well_formed));
  const diagnostic* d = find(sink, "XML-WELL-FORMED");
  ASSERT_NE(d, nullptr);
  // pugixml stops at the end tag that does not match the open <a>.
  EXPECT_EQ(d->pos.offset, in.find("</r>") + 2);
  EXPECT_EQ(d->detail.substr(0, 17), "line 3, column 3:");
}

TEST(XmlIntake, ReportsBadAttributeSyntax) {
  document doc;
  diagnostic_list sink;
  EXPECT_EQ(parse("<r a=1/>", doc, sink), make_error_code(errc::not_well_formed));
  EXPECT_NE(find(sink, "XML-WELL-FORMED"), nullptr);
}

// Found by fuzz_pnrgov_xml: for a document that ends inside an attribute name, pugixml reports
// an error offset one past the end of the buffer.
TEST(XmlIntake, ErrorOffsetAtTruncatedAttributeStaysInsideTheInput) {
  document doc;
  diagnostic_list sink;
  const std::string in = "<?xml version=\"1.0\"?>\n<r a=\"1\" bcd";
  EXPECT_EQ(parse(in, doc, sink), make_error_code(errc::not_well_formed));
  const diagnostic* d = find(sink, "XML-WELL-FORMED");
  ASSERT_NE(d, nullptr);
  EXPECT_LE(d->pos.offset, in.size());
}

TEST(XmlIntake, RefusesUtf16ByteOrderMark) {
  document doc;
  diagnostic_list sink;
  const std::string in("\xFF\xFE<\0r\0/\0>\0", 10);
  EXPECT_EQ(parse(in, doc, sink), make_error_code(errc::unsupported_encoding));
}

TEST(XmlIntake, RefusesDeclaredNonUtf8Encoding) {
  document doc;
  diagnostic_list sink;
  const std::string in = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><r/>";
  EXPECT_EQ(parse(in, doc, sink), make_error_code(errc::unsupported_encoding));
  const diagnostic* d = find(sink, "XML-ENCODING");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->pos.offset, in.find("ISO"));
}

TEST(XmlIntake, RefusesOverlongUtf8) {
  document doc;
  diagnostic_list sink;
  const std::string in = "<r>ab\xC0\xAF</r>";
  EXPECT_EQ(parse(in, doc, sink), make_error_code(errc::invalid_utf8));
  EXPECT_EQ(sink.items().at(0).pos.offset, 5u);
}

TEST(XmlIntake, RefusesControlCharacter) {
  document doc;
  diagnostic_list sink;
  EXPECT_EQ(parse(std::string("<r>\x01</r>"), doc, sink), make_error_code(errc::invalid_character));
}

TEST(XmlIntake, RefusesEmptyDocument) {
  document doc;
  diagnostic_list sink;
  EXPECT_EQ(parse(" \r\n", doc, sink), make_error_code(errc::empty_document));
}

TEST(XmlIntake, RefusesTwoRootElements) {
  document doc;
  diagnostic_list sink;
  EXPECT_EQ(parse("<r/><s/>", doc, sink), make_error_code(errc::not_well_formed));
}

TEST(XmlIntake, ReparseResetsTheDocument) {
  document doc;
  diagnostic_list sink;
  ASSERT_FALSE(parse("<r/>", doc, sink));
  EXPECT_TRUE(parse("<r>", doc, sink));
  EXPECT_FALSE(doc.parsed());
  EXPECT_FALSE(doc.root());
}

}  // namespace
}  // namespace apipnr::xml
