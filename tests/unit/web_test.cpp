// core/http and core/web helpers that need no server.
#include <gtest/gtest.h>

#include "core/http/http.hpp"
#include "core/web/app.hpp"

namespace passerelle {
namespace {

TEST(Urlencoded, DecodesPlusPercentAndKeepsOrderAndEmptyValues) {
  auto pairs = http::parse_urlencoded("nom=%C3%8Ele-de-France&q=a+b&vide=&seul&x=%ZZ");
  ASSERT_EQ(pairs.size(), 5u);
  EXPECT_EQ(pairs[0].second, "Île-de-France");
  EXPECT_EQ(pairs[1].second, "a b");
  EXPECT_EQ(pairs[2].second, "");
  EXPECT_EQ(pairs[3].first, "seul");
  EXPECT_EQ(pairs[4].second, "%ZZ") << "a broken escape is kept as typed";
  EXPECT_EQ(http::url_encode("Île 1/2"), "%C3%8Ele%201%2F2");
}

TEST(Request, ReadsCookiesQueryAndWhetherJsonIsWanted) {
  http::Request req;
  req.path = "/organisations";
  req.query_string = "type=aci&type=ei&q=jardins";
  req.headers = {{"cookie", "a=1; passerelle_session=abc; b=2"}, {"accept", "text/html"}};
  EXPECT_EQ(req.cookie("passerelle_session"), "abc");
  EXPECT_EQ(req.cookie("absent"), "");
  EXPECT_EQ(req.query("q"), "jardins");
  EXPECT_EQ(req.query_all("type"), (std::vector<std::string>{"aci", "ei"}));
  EXPECT_FALSE(req.wants_json());
  req.path = "/api/v1/organisations";
  EXPECT_TRUE(req.wants_json());
}

TEST(Problem, IsRfc9457JsonWithTheFields) {
  auto res = http::Response::problem(422, "Données invalides", "Voir \"errors\"", R"("errors":[{"field":"siret"}])");
  EXPECT_EQ(res.status, 422);
  EXPECT_EQ(res.header("content-type"), "application/problem+json");
  auto v = boost::json::parse(res.body).as_object();
  EXPECT_EQ(v["status"].as_int64(), 422);
  EXPECT_EQ(v["detail"].as_string(), "Voir \"errors\"");
  EXPECT_EQ(v["errors"].as_array()[0].as_object()["field"].as_string(), "siret");
}

TEST(FrenchDates, AreShownInEuropeParisTime) {
  EXPECT_EQ(web::french_date("2026-04-06"), "06/04/2026");
  EXPECT_EQ(web::french_datetime("2026-11-25T08:12:03Z"), "25/11/2026 à 09:12") << "winter: UTC+1";
  EXPECT_EQ(web::french_datetime("2026-07-01T10:00:00Z"), "01/07/2026 à 12:00") << "summer: UTC+2";
  // Summer time starts on the last Sunday of March at 01:00 UTC (29 March 2026)…
  EXPECT_EQ(web::french_datetime("2026-03-29T00:59:00Z"), "29/03/2026 à 01:59");
  EXPECT_EQ(web::french_datetime("2026-03-29T01:00:00Z"), "29/03/2026 à 03:00");
  // …and ends on the last Sunday of October at 01:00 UTC (25 October 2026).
  EXPECT_EQ(web::french_datetime("2026-10-25T00:59:00Z"), "25/10/2026 à 02:59");
  EXPECT_EQ(web::french_datetime("2026-10-25T01:00:00Z"), "25/10/2026 à 02:00");
}

TEST(Escaping, HtmlEscapeCoversQuotes) {
  EXPECT_EQ(web::html_escape("<script>alert('x')</script> & \"y\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;y&quot;");
}

TEST(Templates, RenderEscapesAndTreatsEmptyStringsAsFalse) {
  boost::json::object data{{"title", "<b>Île</b>"}, {"detail", ""}, {"status", 404}};
  auto html = web::render_fragment("errors/error", data);
  EXPECT_NE(html.find("&lt;b&gt;Île&lt;/b&gt;"), std::string::npos);
  EXPECT_EQ(html.find("<b>Île</b>"), std::string::npos);
  EXPECT_NE(html.find("Code 404"), std::string::npos);
}

}  // namespace
}  // namespace passerelle
