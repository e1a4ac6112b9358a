#include "apipnr/message/definitions.hpp"

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

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

// The loader's check plans (segment_def::plan, field_def::plan) answer every lookup as the
// searches over the declared elements and components do, for every shipped layout, past the
// last position too; a copy with `planned` cleared searches.
TEST(MessageDefinitions, CheckPlansAnswerAsTheSearch) {
  std::size_t layouts = 0, composites = 0;
  for (const auto& d : all().all()) {
    for (const auto& sp : d->segments) {
      const segment_def& planned = *sp;
      ASSERT_TRUE(planned.planned) << planned.key;
      segment_def searched = planned;
      searched.planned = false;
      for (auto& e : searched.elements) e.planned = false;
      ++layouts;
      EXPECT_EQ(planned.last_position(), searched.last_position()) << planned.key;
      for (std::uint32_t p = 0; p <= searched.last_position() + 3u; ++p) {
        const auto pos = static_cast<std::uint16_t>(p);
        const auto a = planned.element_at(pos);
        const auto b = searched.element_at(pos);
        // Same element (by position in `elements`) and repetition.
        EXPECT_EQ(a.first == nullptr, b.first == nullptr) << planned.key << " " << p;
        if (a.first != nullptr && b.first != nullptr) {
          EXPECT_EQ(a.first - planned.elements.data(), b.first - searched.elements.data())
              << planned.key << " " << p;
        }
        EXPECT_EQ(a.second, b.second) << planned.key << " " << p;
      }
      std::vector<std::uint16_t> mandatory;
      for (std::size_t k = 0; k < planned.elements.size(); ++k) {
        if (planned.elements[k].status == status::mandatory) {
          mandatory.push_back(static_cast<std::uint16_t>(k));
        }
        const field_def& f = planned.elements[k];
        const field_def& g = searched.elements[k];
        if (!f.is_composite()) continue;
        ++composites;
        ASSERT_TRUE(f.planned) << planned.key << " " << f.id;
        std::vector<std::uint16_t> mandatory_components;
        for (std::size_t c = 0; c < f.components.size(); ++c) {
          if (f.components[c].status == status::mandatory) {
            mandatory_components.push_back(static_cast<std::uint16_t>(c));
          }
        }
        EXPECT_EQ(f.mandatory_components, mandatory_components) << planned.key << " " << f.id;
        for (std::uint16_t c = 0; c < 70; ++c) {
          const field_def* x = f.component(c);
          const field_def* y = g.component(c);
          EXPECT_EQ(x == nullptr, y == nullptr) << planned.key << " " << f.id << " " << c;
          if (x != nullptr && y != nullptr) {
            EXPECT_EQ(x - f.components.data(), y - g.components.data());
          }
        }
      }
      EXPECT_EQ(planned.mandatory_elements, mandatory) << planned.key;
    }
  }
  EXPECT_GT(layouts, 50u);
  EXPECT_GT(composites, 50u);
}

// A hand-made layout with a repeated element and a duplicate position: the first declared
// element covering a position wins, positional repeats are numbered, and plan() is idempotent.
TEST(MessageDefinitions, CheckPlanOfAHandMadeLayout) {
  segment_def s;
  field_def a;
  a.pos = 1;
  a.positional_span = 3;
  a.status = status::mandatory;
  field_def b;
  b.pos = 2;  // inside a's span: a wins at 2 and 3
  field_def c;
  c.pos = 6;
  field_def c1, c2, c2dup;
  c1.pos = 1;
  c2.pos = 3;
  c2.status = status::mandatory;
  c2dup.pos = 3;
  c.components = {c1, c2, c2dup};
  s.elements = {a, b, c};
  EXPECT_EQ(s.element_at(3).second, 3);  // the search, before plan()
  s.plan();
  s.plan();
  ASSERT_TRUE(s.planned);
  EXPECT_EQ(s.last_position(), 6);
  EXPECT_EQ(s.element_at(0).first, nullptr);
  EXPECT_EQ(s.element_at(1).first, &s.elements[0]);
  EXPECT_EQ(s.element_at(3).first, &s.elements[0]);
  EXPECT_EQ(s.element_at(3).second, 3);
  EXPECT_EQ(s.element_at(4).first, nullptr);
  EXPECT_EQ(s.element_at(6).first, &s.elements[2]);
  EXPECT_EQ(s.element_at(7).first, nullptr);
  EXPECT_EQ(s.mandatory_elements, std::vector<std::uint16_t>{0});
  const field_def& f = s.elements[2];
  EXPECT_EQ(f.component(2), nullptr);
  EXPECT_EQ(f.component(3), &f.components[1]);
  EXPECT_EQ(f.component(4), nullptr);
  EXPECT_EQ(f.mandatory_components, std::vector<std::uint16_t>{1});
  // Fast plan: no format in the profile passes any length, an undefined position only empty.
  EXPECT_TRUE(f.fast);
  EXPECT_EQ(f.fast_limits, (std::vector<std::uint16_t>{0xFFFF, 0, 0xFFFF}));
  EXPECT_EQ(f.fast_mandatory, 0b100u);
  EXPECT_EQ(s.elements[0].fast_limits, std::vector<std::uint16_t>{0xFFFF});
}

// The fast plan's limits: an..N in the profile passes up to N bytes; a, n, fixed lengths and
// values outside the profile always take the full check; a mandatory component past 64 turns
// the fast path off.
TEST(MessageDefinitions, FastPlanLimits) {
  auto with = [](char_class t, std::uint16_t len, bool fixed, bool in_profile) {
    field_def f;
    f.pos = 1;
    f.format = {t, len, fixed};
    f.in_profile = in_profile;
    return f;
  };
  field_def c;
  c.pos = 1;
  c.components = {with(char_class::an, 35, false, true), with(char_class::an, 3, true, true),
                  with(char_class::n, 6, false, true), with(char_class::a, 3, false, true),
                  with(char_class::an, 35, false, false)};
  for (std::size_t k = 0; k < c.components.size(); ++k) {
    c.components[k].pos = static_cast<std::uint16_t>(k + 1);
  }
  c.plan();
  EXPECT_TRUE(c.fast);
  EXPECT_EQ(c.fast_limits, (std::vector<std::uint16_t>{35, 0, 0, 0, 0}));
  EXPECT_EQ(c.fast_mandatory, 0u);
  field_def far = with(char_class::an, 3, false, true);
  far.pos = 65;
  far.status = status::mandatory;
  c.components.push_back(far);
  c.plan();
  EXPECT_FALSE(c.fast);
  EXPECT_EQ(c.fast_limits.size(), 65u);
}

// Packed qualifier lists (qualifier_list::pack) answer as the string comparison, for every
// node of the shipped definitions and for values that differ in one byte, in length, or are
// longer than a word holds.
TEST(MessageDefinitions, PackedQualifiersAnswerAsTheStrings) {
  std::size_t lists = 0;
  for (const auto& d : all().all()) {
    for (const node* n : d->nodes) {
      const qualifier_list& q = n->qualifiers;
      if (!q.present) continue;
      ++lists;
      EXPECT_TRUE(q.packed) << n->path;
      std::vector<std::string> probes = {"", "X", "ZZZZZZZ", "ZZZZZZZZ", "12345678"};
      for (const std::string& v : q.values) {
        probes.push_back(v);
        probes.push_back(v + "X");
        if (!v.empty()) probes.push_back(v.substr(0, v.size() - 1));
        std::string w = v;
        if (!w.empty()) w.back() = static_cast<char>(w.back() ^ 1);
        probes.push_back(w);
      }
      for (const std::string& v : probes) {
        EXPECT_EQ(q.contains(v), q.contains_unpacked(v)) << n->path << " '" << v << "'";
      }
    }
  }
  EXPECT_GT(lists, 20u);
  qualifier_list l;
  l.values = {"AB", "ABCDEFGH"};
  l.pack();
  EXPECT_FALSE(l.packed);  // a value of 8 characters: strings compared
  EXPECT_TRUE(l.contains("ABCDEFGH"));
  EXPECT_FALSE(l.contains("ABCDEFG"));
  l.values = {"AB", std::string("A\0B", 3)};
  l.pack();
  EXPECT_TRUE(l.packed);
  EXPECT_TRUE(l.contains(std::string("A\0B", 3)));
  EXPECT_FALSE(l.contains("A"));
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
