// core/web/template: the page renderer. Its output must be kainjow::mustache's
// (the renderer the pages had before), byte for byte: kainjow stays here as the
// reference, and every template of the project is rendered by both.
#include <gtest/gtest.h>

#include <kainjow/mustache.hpp>

#include <regex>
#include <set>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "core/embedded.hpp"
#include "core/web/template.hpp"

namespace passerelle {
namespace {

namespace json = boost::json;
using web::Template;
using mdata = kainjow::mustache::data;

// The conversion the pages used with kainjow: "" and null are false, numbers written out.
mdata to_kainjow(const json::value& v) {
  switch (v.kind()) {
    case json::kind::object: {
      mdata d{mdata::type::object};
      for (auto& [k, val] : v.get_object()) d.set(std::string(k), to_kainjow(val));
      return d;
    }
    case json::kind::array: {
      mdata d{mdata::type::list};
      for (auto& item : v.get_array()) d.push_back(to_kainjow(item));
      return d;
    }
    case json::kind::string:
      return v.get_string().empty() ? mdata(mdata::type::bool_false) : mdata(std::string(v.get_string()));
    case json::kind::bool_: return v.get_bool() ? mdata(mdata::type::bool_true) : mdata(mdata::type::bool_false);
    case json::kind::int64: return mdata(std::to_string(v.get_int64()));
    case json::kind::uint64: return mdata(std::to_string(v.get_uint64()));
    case json::kind::double_: return mdata(fmt::format("{}", v.get_double()));
    case json::kind::null: return mdata(mdata::type::bool_false);
  }
  return mdata{};
}

std::string with_kainjow(const std::string& source, const json::value& data) {
  kainjow::mustache::mustache tmpl(source);
  EXPECT_TRUE(tmpl.is_valid()) << tmpl.error_message();
  auto d = to_kainjow(data);
  return tmpl.render(d);
}

std::string render(std::string_view source, const json::value& data) { return Template(source).render(data); }

TEST(Template, EscapesVariablesAndWritesTripleMustachesAsTheyAre) {
  json::value data = json::object{{"name", "Aïcha <b>&\"'"}, {"n", 42}, {"x", 1.5}, {"yes", true}, {"empty", ""}};
  EXPECT_EQ(render("{{name}}|{{{name}}}|{{&name}}|{{n}}|{{x}}|{{yes}}|{{empty}}|{{missing}}", data),
            "Aïcha &lt;b&gt;&amp;&quot;&apos;|Aïcha <b>&\"'|Aïcha <b>&\"'|42|1.5|||");
}

TEST(Template, SectionsFollowTheValueTruthOfThePages) {
  json::value data = json::object{{"list", json::array{json::object{{"v", "a"}}, json::object{{"v", "b"}}}},
                                  {"none", json::array{}},
                                  {"zero", 0},
                                  {"empty", ""},
                                  {"no", false},
                                  {"null", nullptr},
                                  {"obj", json::object{{"v", "o"}}},
                                  {"v", "outer"}};
  EXPECT_EQ(render("{{#list}}[{{v}}]{{/list}}{{#none}}x{{/none}}{{^none}}vide{{/none}}", data), "[a][b]vide");
  EXPECT_EQ(render("{{#zero}}0 est vrai{{/zero}}{{#empty}}x{{/empty}}{{#no}}x{{/no}}{{#null}}x{{/null}}", data),
            "0 est vrai");
  EXPECT_EQ(render("{{^empty}}a{{/empty}}{{^no}}b{{/no}}{{^null}}c{{/null}}{{^missing}}d{{/missing}}{{^obj}}x{{/obj}}",
                   data),
            "abcd");
  EXPECT_EQ(render("{{#obj}}{{v}}{{/obj}} {{obj.v}} {{#list}}{{.}}{{/list}}", data), "o o ");
  EXPECT_EQ(render("{{#list}}{{#obj}}{{v}}{{/obj}}-{{empty}}{{/list}}", data), "o-o-") << "outer contexts are searched";
}

TEST(Template, DropsTheLinesOfSectionTagsLikeKainjow) {
  json::value data = json::object{{"items", json::array{"un", "deux"}}, {"on", true}, {"off", false}};
  const std::string source = "<ul>\n  {{#items}}\n  <li>{{.}}</li>\n  {{/items}}\n</ul>\n{{#off}}\nx\n{{/off}}\nfin\n";
  EXPECT_EQ(render(source, data), "<ul>\n  <li>un</li>\n  <li>deux</li>\n</ul>\n\nfin\n");
  EXPECT_EQ(render(source, data), with_kainjow(source, data));
  const std::string crlf = "a\r\n{{#on}}\r\nb\r\n{{/on}}\r\nc";
  EXPECT_EQ(render(crlf, data), with_kainjow(crlf, data));
}

TEST(Template, RefusesMalformedTemplates) {
  EXPECT_THROW(Template("{{#a}}x"), std::runtime_error);
  EXPECT_THROW(Template("x{{/a}}"), std::runtime_error);
  EXPECT_THROW(Template("{{#a}}{{/b}}"), std::runtime_error);
  EXPECT_THROW(Template("{{name"), std::runtime_error);
  EXPECT_NO_THROW(Template("{{! un commentaire }}texte"));
}

// ---- Every template of the project, against kainjow --------------------------------------------

struct Names {
  std::set<std::string> variables, sections;
};

Names names_of(const std::string& source) {
  Names out;
  static const std::regex tag(R"(\{\{\{?\s*([#^/&!>]?)\s*([^}]*?)\s*\}?\}\})");
  for (std::sregex_iterator it(source.begin(), source.end(), tag), end; it != end; ++it) {
    const std::string sigil = (*it)[1], name = (*it)[2];
    if (name == "." || sigil == "!" || sigil == ">" || sigil == "/") continue;
    (sigil == "#" || sigil == "^" ? out.sections : out.variables).insert(name);
  }
  return out;
}

// Puts `value` at the dotted `name` of `obj`, making objects on the way.
void put(json::object& obj, const std::string& name, const json::value& value) {
  auto dot = name.find('.');
  if (dot == std::string::npos) {
    if (!obj.contains(name) || !obj[name].is_object()) obj[name] = value;
    return;
  }
  auto& child = obj[name.substr(0, dot)];
  if (!child.is_object()) child = json::object{};
  put(child.as_object(), name.substr(dot + 1), value);
}

enum class Shape { lists, objects, falsy, numbers };

// Every name of the template at every level, so that sections nested in sections
// find their data; lists of two items, or one object, or false/empty values.
json::object data_for(const Names& names, Shape shape, int depth) {
  json::object obj;
  for (auto& v : names.variables) {
    json::value value = "Valeur <b>«\u00a0é\u00a0»</b> & 'c' \"d\"";
    if (shape == Shape::numbers) value = 1234;
    if (shape == Shape::falsy) value = "";
    put(obj, v, value);
  }
  for (auto& s : names.sections) {
    json::value value = false;
    if (depth > 0 && shape == Shape::lists)
      value = json::array{data_for(names, shape, depth - 1), data_for(names, shape, depth - 1)};
    else if (depth > 0 && (shape == Shape::objects || shape == Shape::numbers))
      value = data_for(names, shape, depth - 1);
    else if (shape == Shape::lists)
      value = json::array{};
    put(obj, s, value);
  }
  return obj;
}

TEST(Template, RendersEveryTemplateOfTheProjectExactlyAsKainjow) {
  int compared = 0;
  for (auto& f : embedded::files()) {
    std::string_view path = f.path;
    if (!path.starts_with("templates/") || !path.ends_with(".mustache")) continue;
    const std::string source(f.data);
    const auto names = names_of(source);
    Template mine(source);
    for (auto shape : {Shape::lists, Shape::objects, Shape::falsy, Shape::numbers}) {
      // Sections hold every name once more (lists of two such items, or one object).
      json::value data = data_for(names, shape, 1);
      EXPECT_EQ(mine.render(data), with_kainjow(source, data)) << path << " shape " << static_cast<int>(shape);
      ++compared;
    }
    json::value nothing = json::object{};
    EXPECT_EQ(mine.render(nothing), with_kainjow(source, nothing)) << path << " without data";
  }
  EXPECT_GT(compared, 40) << "the project's templates were found";
}

}  // namespace
}  // namespace passerelle
