#include "apipnr/message/definitions.hpp"

#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include "apipnr/message/errc.hpp"

namespace apipnr::message {
namespace {

const definitions& all() {
  static const definitions defs =
      load_definitions(std::string(APIPNR_SOURCE_DIR) + "/specs/messages").value();
  return defs;
}

TEST(MessageDefinitions, EveryShippedDefinitionLoads) {
  auto r = load_definitions(std::string(APIPNR_SOURCE_DIR) + "/specs/messages");
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->size(), 9u);
}

TEST(MessageDefinitions, FindPicksPaxlstByDirectory) {
  const definition* d05 = all().find("PAXLST", "D", "05B", "UN");
  const definition* d02 = all().find("PAXLST", "D", "02B");
  const definition* d12 = all().find("PAXLST", "D", "12B");
  ASSERT_NE(d05, nullptr);
  ASSERT_NE(d02, nullptr);
  ASSERT_NE(d12, nullptr);
  EXPECT_EQ(d05->release, "05B");
  EXPECT_EQ(d02->release, "02B");
  EXPECT_EQ(d12->release, "12B");
  EXPECT_EQ(all().find("PAXLST", "D", "99A"), nullptr);
}

TEST(MessageDefinitions, FindPicksPnrgovByVersion) {
  const definition* v11 = all().find("PNRGOV", "11", "1", "IA");
  const definition* v13 = all().find("PNRGOV", "13", "1", "XS");
  ASSERT_NE(v11, nullptr);
  ASSERT_NE(v13, nullptr);
  EXPECT_EQ(v11->version, "11");
  EXPECT_EQ(v13->version, "13");
}

TEST(MessageDefinitions, FindPicksCusresAndContrl) {
  const definition* cusres = all().find("CUSRES", "D", "05B", "UN");
  ASSERT_NE(cusres, nullptr);
  EXPECT_EQ(cusres->message, "CUSRES");
  const definition* contrl = all().find("CONTRL", "3", "2", "UN");
  ASSERT_NE(contrl, nullptr);
  EXPECT_EQ(contrl->message, "CONTRL");
  EXPECT_EQ(contrl->exclusive.size(), 1u);
}

TEST(MessageDefinitions, FindRejectsWrongAgency) {
  EXPECT_EQ(all().find("PNRGOV", "13", "1", "UN"), nullptr);
}

TEST(MessageDefinitions, NodesCarryPathsLayoutsAndParents) {
  const definition* d = all().find("PAXLST", "D", "05B");
  ASSERT_NE(d, nullptr);
  const node* doc = d->find_node("SG4/SG5/DOC");
  ASSERT_NE(doc, nullptr);
  ASSERT_NE(doc->def, nullptr);
  EXPECT_EQ(doc->def->tag, "DOC");
  ASSERT_NE(doc->parent, nullptr);
  EXPECT_EQ(doc->parent->group, "SG5");
  EXPECT_EQ(doc->parent->parent->model, "traveller");
  EXPECT_TRUE(doc->parent->parent->relaxed);
  EXPECT_EQ(d->nodes[doc->index], doc);
  const node* sg1 = d->find_node("SG1");
  ASSERT_NE(sg1, nullptr);
  EXPECT_FALSE(sg1->qualifiers.open);
  EXPECT_EQ(sg1->qualifier_element, 1);
}

// The group parser compares packed tags: equal exactly for equal three-character tags, and a
// tag of another length never equals a three-character one.
TEST(MessageDefinitions, PackedTagsMatchTheContentTags) {
  EXPECT_EQ(pack_tag("NAD"), pack_tag(std::string("NAD")));
  EXPECT_NE(pack_tag("NAD"), pack_tag("NAT"));
  EXPECT_NE(pack_tag("NAD"), pack_tag("DAN"));
  EXPECT_NE(pack_tag("NAD"), 0u);
  EXPECT_EQ(pack_tag("NA"), 0u);
  EXPECT_EQ(pack_tag("NADX"), 0u);
  EXPECT_EQ(pack_tag(""), 0u);
  for (const auto& d : all().all()) {
    ASSERT_EQ(d->structure_tags.size(), d->structure.size()) << d->file;
    for (std::size_t j = 0; j < d->structure.size(); ++j) {
      EXPECT_EQ(d->structure_tags[j], pack_tag(d->structure[j].tag)) << d->file;
    }
    for (const node* n : d->nodes) {
      if (!n->is_group()) continue;
      ASSERT_EQ(n->content_tags.size(), n->content.size()) << n->path;
      for (std::size_t j = 0; j < n->content.size(); ++j) {
        EXPECT_EQ(n->content_tags[j], pack_tag(n->content[j].tag)) << n->path;
        EXPECT_NE(n->content_tags[j], 0u) << n->path;
      }
    }
  }
}

TEST(MessageDefinitions, RepeatAndFormatParsed) {
  const definition* d = all().find("PAXLST", "D", "05B");
  const segment_def* com = d->find_segment("COM");
  ASSERT_NE(com, nullptr);
  const field_def* c076 = com->element(1);
  ASSERT_NE(c076, nullptr);
  EXPECT_EQ(c076->repeat_max, 3);
  EXPECT_EQ(c076->positional_span, 3);
  EXPECT_EQ(c076->encoding, repeat_encoding::either);
  const field_def* c3148 = c076->component(1);
  ASSERT_NE(c3148, nullptr);
  EXPECT_EQ(c3148->format.type, char_class::an);
  EXPECT_EQ(c3148->format.length, 512);
  EXPECT_FALSE(c3148->format.fixed);
  EXPECT_EQ(c3148->maps_to_for("FX"), ".contact.fax");
  EXPECT_EQ(com->element_at(3).second, 3);
}

TEST(MessageDefinitions, PositionalSpanStopsAtNextElement) {
  const definition* d = all().find("PNRGOV", "13", "1");
  const segment_def* ebd = d->find_segment("EBD");
  ASSERT_NE(ebd, nullptr);
  EXPECT_EQ(ebd->element(2)->repeat_max, 3);
  EXPECT_EQ(ebd->element(2)->positional_span, 1);
}

TEST(MessageDefinitions, BadJsonNamesFile) {
  auto r = parse_definition("{ not json", "bad.json");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, make_error_code(errc::load_json));
  EXPECT_EQ(r.error().file, "bad.json");
}

TEST(MessageDefinitions, SchemaErrorNamesJsonPointer) {
  const char* text = R"({"message":"PAXLST","version":"D","release":"05B","agency":"UN",
    "match":{"unh_type":"PAXLST","unh_version":"D","unh_release":"05B"},
    "segments":{"BGM":{"tag":"BGM","name":"x","confidence":"C","elements":[]}},
    "code_lists":{},
    "structure":[{"segment":"BGM","status":"M","max":1},{"segment":"RFF","status":"X","max":1}]})";
  auto r = parse_definition(text, "t.json");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, make_error_code(errc::load_schema));
  EXPECT_EQ(r.error().pointer, "/structure/1/status");
}

TEST(MessageDefinitions, UnknownLayoutReferenceIsReported) {
  const char* text = R"({"message":"PAXLST","version":"D","release":"05B","agency":"UN",
    "match":{"unh_type":"PAXLST","unh_version":"D","unh_release":"05B"},
    "segments":{}, "code_lists":{},
    "structure":[{"segment":"TVL","def":"TVL/flight","status":"M","max":1}]})";
  auto r = parse_definition(text, "t.json");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, make_error_code(errc::load_reference));
  EXPECT_EQ(r.error().pointer, "/structure/0/def");
}

TEST(MessageDefinitions, ValueThrowsWithStableId) {
  try {
    (void)load_definitions("/nonexistent/apipnr").value();
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("[apipnr.message.001]", 0), 0u) << e.what();
  }
}

}  // namespace
}  // namespace apipnr::message
