// resources/rules: who reads which resource (anonymous, members, a region's
// members, staff of the author's branch, drafts), validation in French by
// field, themes, files (size, type, content), weighted words, cursors, and
// Markdown safety: no <script>, no javascript: link ever comes out.
#include <gtest/gtest.h>

#include "resources/rules.hpp"

namespace passerelle::resources {
namespace {

const std::vector<std::string> kRegions{"11", "52", "24"};

Reader anonymous() { return {}; }
Reader member_of(std::string region) { return {true, {}, {std::move(region)}}; }
Reader staff_of(std::string root) { return {true, {std::move(root)}, {"11"}}; }

TEST(ResourceRules, AnonymousReadsOnlyPublicPublished) {
  EXPECT_TRUE(can_read(anonymous(), "published", "public", "", "/1/2/"));
  EXPECT_FALSE(can_read(anonymous(), "published", "members", "", "/1/2/"));
  EXPECT_FALSE(can_read(anonymous(), "published", "region", "11", "/1/2/"));
  EXPECT_FALSE(can_read(anonymous(), "published", "staff", "", "/1/2/"));
  EXPECT_FALSE(can_read(anonymous(), "draft", "public", "", "/1/2/"));
  EXPECT_FALSE(can_read(anonymous(), "archived", "public", "", "/1/2/"));
}

TEST(ResourceRules, MembersReadMembersAndTheirRegionNeverStaff) {
  auto m = member_of("52");
  EXPECT_TRUE(can_read(m, "published", "members", "", "/1/2/"));
  EXPECT_TRUE(can_read(m, "published", "region", "52", "/1/2/"));
  EXPECT_FALSE(can_read(m, "published", "region", "11", "/1/2/"));
  EXPECT_FALSE(can_read(m, "published", "staff", "", "/1/2/"));
  EXPECT_FALSE(can_read(m, "draft", "members", "", "/1/2/"));
}

TEST(ResourceRules, StaffReadTheirBranchAndManageTheirSubtree) {
  auto idf = staff_of("/1/2/");
  EXPECT_TRUE(can_read(idf, "draft", "staff", "", "/1/2/"));        // their own draft
  EXPECT_TRUE(can_read(idf, "published", "staff", "", "/1/"));      // the federation's staff note
  EXPECT_FALSE(can_read(idf, "published", "staff", "", "/1/3/"));   // another delegation's
  EXPECT_FALSE(can_read(idf, "draft", "members", "", "/1/3/"));     // another delegation's draft
  EXPECT_FALSE(can_read(idf, "draft", "members", "", "/1/"));       // the federation's draft
  EXPECT_TRUE(can_read(idf, "published", "region", "93", "/1/3/")); // staff read every region
  EXPECT_TRUE(idf.manages("/1/2/7/"));
  EXPECT_FALSE(idf.manages("/1/"));
  EXPECT_FALSE(idf.manages("/1/23/"));
  EXPECT_FALSE(idf.same_branch("/1/23/"));
  EXPECT_FALSE(staff_of("/1/").manages(""));
}

TEST(ResourceRules, AudienceKeysOfTheSearchIndex) {
  EXPECT_EQ(audience_key("published", "region", "52"), "region:52");
  EXPECT_EQ(audience_key("published", "staff", ""), "staff");
  EXPECT_EQ(audience_key("draft", "public", ""), "hidden");
  EXPECT_EQ(audience_key("archived", "members", ""), "hidden");
  EXPECT_EQ(audience_keys(anonymous()), std::vector<std::string>{"public"});
  EXPECT_EQ(audience_keys(member_of("52")), (std::vector<std::string>{"public", "members", "region:52"}));
}

ResourceInput valid() {
  ResourceInput in;
  in.kind = "note";
  in.title = "Note du Grafie à la Direccte";
  in.audience = "public";
  in.published_on = "2020-03-31";
  in.themes = "plaidoyer, Covid-19";
  in.author_organisation_id = "2";
  return in;
}

TEST(ResourceRules, ValidResource) {
  ResourceValues v;
  EXPECT_TRUE(validate_resource(valid(), v, kRegions).empty());
  EXPECT_EQ(v.title, "Note du Grafie à la Direccte");
  EXPECT_EQ(v.themes, (std::vector<std::string>{"plaidoyer", "Covid-19"}));
  EXPECT_EQ(v.author_organisation_id, 2);
  EXPECT_FALSE(v.pedagogical);
}

TEST(ResourceRules, EveryErrorAtOnceInFrench) {
  ResourceInput in;
  in.kind = "poster";
  in.audience = "everyone";
  in.published_on = "2020-02-30";
  in.pedagogical = "1";
  in.author_organisation_id = "x";
  ResourceValues v;
  auto e = validate_resource(in, v, kRegions);
  ASSERT_NE(web::find_error(e, "kind"), nullptr);
  EXPECT_EQ(web::find_error(e, "kind")->message, "Type de ressource inconnu.");
  EXPECT_EQ(web::find_error(e, "title")->message, "Le titre est obligatoire.");
  EXPECT_EQ(web::find_error(e, "audience")->message, "Public destinataire inconnu.");
  EXPECT_NE(web::find_error(e, "published_on"), nullptr);
  EXPECT_NE(web::find_error(e, "topic"), nullptr);
  EXPECT_EQ(web::find_error(e, "author_organisation_id")->message, "Structure autrice inconnue.");
}

TEST(ResourceRules, RegionVideoAndTopicRules) {
  auto in = valid();
  in.audience = "region";
  ResourceValues v;
  EXPECT_NE(web::find_error(validate_resource(in, v, kRegions), "region"), nullptr);
  in.region = "99";
  EXPECT_EQ(web::find_error(validate_resource(in, v, kRegions), "region")->message, "Région inconnue.");
  in.region = "11";
  EXPECT_TRUE(validate_resource(in, v, kRegions).empty());
  EXPECT_EQ(v.region, "11");

  in = valid();
  in.kind = "video";
  EXPECT_NE(web::find_error(validate_resource(in, v, kRegions), "video_url"), nullptr);
  in.video_url = "javascript:alert(1)";
  EXPECT_NE(web::find_error(validate_resource(in, v, kRegions), "video_url"), nullptr);
  in.video_url = "http://exemple.fr/video";
  EXPECT_NE(web::find_error(validate_resource(in, v, kRegions), "video_url"), nullptr);
  in.video_url = "https://www.youtube.com/watch?v=abc";
  EXPECT_TRUE(validate_resource(in, v, kRegions).empty());

  in = valid();
  in.pedagogical = "1";
  in.topic = "legal_aid";
  EXPECT_TRUE(validate_resource(in, v, kRegions).empty());
  EXPECT_TRUE(v.pedagogical);
  EXPECT_EQ(v.topic, "legal_aid");
}

TEST(ResourceRules, Themes) {
  EXPECT_EQ(parse_themes(" plaidoyer ; Santé,\nsante , ,PLAIDOYER"),
            (std::vector<std::string>{"plaidoyer", "Santé"}));
  std::string error;
  parse_themes("a,b,c,d,e,f,g,h,i,j,k", &error);
  EXPECT_EQ(error, "Une ressource a 10 thèmes au plus.");
  error.clear();
  parse_themes(std::string(61, 'x'), &error);
  EXPECT_FALSE(error.empty());
}

TEST(ResourceRules, Dates) {
  EXPECT_TRUE(is_iso_date("2020-02-29"));
  EXPECT_FALSE(is_iso_date("2021-02-29"));
  EXPECT_FALSE(is_iso_date("2020-13-01"));
  EXPECT_FALSE(is_iso_date("31/03/2020"));
  EXPECT_EQ(french_date("2020-03-31"), "31/03/2020");
}

TEST(ResourceRules, Files) {
  EXPECT_EQ(check_file("note.pdf", "%PDF-1.7 ...").content_type, "application/pdf");
  EXPECT_EQ(check_file("Lettre.DOCX", std::string("PK\x03\x04rest", 8)).error, "");
  EXPECT_EQ(check_file("liste.txt", "Épicerie solidaire\n").error, "");
  EXPECT_EQ(check_file("faux.pdf", "MZ\x90").error, "Le contenu du fichier ne correspond pas à son extension (.pdf).");
  auto exe = check_file("outil.exe", "MZ");
  EXPECT_TRUE(exe.content_type.empty());
  EXPECT_TRUE(exe.error.starts_with("Type de fichier non accepté (.exe)"));
  EXPECT_EQ(check_file("vide.pdf", "").error, "Le fichier est vide.");
  auto big = check_file("gros.pdf", "%PDF-" + std::string(kMaxFileBytes, 'x'));
  EXPECT_EQ(big.error, "Le fichier « gros.pdf » dépasse 8 Mo : réduisez-le (PDF compressé) ou découpez-le.");
  EXPECT_EQ(check_file("../etc/passwd.txt", "x").error, "Nom de fichier invalide.");
}

TEST(ResourceRules, WordWeightsSumByPlace) {
  auto w = word_weights("Aide alimentaire", {"Alimentation"}, "aide d'urgence", "Une aide, une épicerie.");
  auto weight = [&](const std::string& word) {
    for (auto& [k, v] : w)
      if (k == word) return v;
    return 0;
  };
  EXPECT_EQ(weight("aide"), 8 + 2 + 1);
  EXPECT_EQ(weight("alimentaire"), 8);
  EXPECT_EQ(weight("alimentation"), 4);
  EXPECT_EQ(weight("epicerie"), 1);  // folded: no accents
}

TEST(ResourceRules, Cursors) {
  EXPECT_EQ(format_cursor({"2020-03-31", 12}), "2020-03-31_12");
  auto c = parse_cursor("2020-03-31_12");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->key, "2020-03-31");
  EXPECT_EQ(c->id, 12);
  EXPECT_TRUE(parse_cursor("15_3"));
  EXPECT_FALSE(parse_cursor("abc_3"));
  EXPECT_FALSE(parse_cursor("15_"));
  EXPECT_FALSE(parse_cursor("15_-3"));
  EXPECT_FALSE(parse_cursor("2020-03-31"));
}

TEST(ResourceRules, MarkdownIsRendered) {
  auto html = render_markdown("## Objet\n\n- **maintien** des aides\n- [la note](https://exemple.fr/note.pdf)");
  EXPECT_NE(html.find("<h2>Objet</h2>"), std::string::npos);
  EXPECT_NE(html.find("<strong>maintien</strong>"), std::string::npos);
  EXPECT_NE(html.find("<a href=\"https://exemple.fr/note.pdf\">la note</a>"), std::string::npos);
}

// GFM: a practical sheet's table, a bare address made a link, struck text.
TEST(ResourceRules, MarkdownTablesAndAutolinks) {
  auto html = render_markdown(
      "| Aide | Où |\n|---|---|\n| Colis alimentaire | Restos du cœur |\n\nPlus sur www.service-public.fr ~~ancien~~");
  EXPECT_NE(html.find("<table>"), std::string::npos) << html;
  EXPECT_NE(html.find("<th>Aide</th>"), std::string::npos) << html;
  EXPECT_NE(html.find("<td>Colis alimentaire</td>"), std::string::npos) << html;
  EXPECT_NE(html.find("<a href=\"http://www.service-public.fr\">www.service-public.fr</a>"), std::string::npos) << html;
  EXPECT_NE(html.find("<del>ancien</del>"), std::string::npos) << html;
}

TEST(ResourceRules, MarkdownNeverLetsScriptsOut) {
  for (std::string md : {"<script>alert(1)</script>", "Texte <script>alert(1)</script> suite",
                         "<img src=x onerror=alert(1)>", "[clic](javascript:alert(1))", "[clic](JavaScript:alert(1))",
                         "[clic](vbscript:msgbox)", "![img](javascript:alert(1))", "<a href=\"javascript:alert(1)\">x</a>",
                         "[x](data:text/html;base64,PHNjcmlwdD4=)", "<javascript:alert(1)>",
                         "[ref]\n\n[ref]: javascript:alert(1)", "<iframe src=https://exemple.fr></iframe>",
                         "Voir javascript:alert(1) et www.exemple.fr", "| a |\n|---|\n| <script>alert(1)</script> |"}) {
    auto html = render_markdown(md);
    auto lower = html;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_EQ(lower.find("<script"), std::string::npos) << md << " → " << html;
    // An address never keeps them (the text of an autolink may show, escaped, with an empty href).
    for (auto attr : {"href=\"javascript", "src=\"javascript", "href=\"vbscript", "href=\"data:", "src=\"data:"})
      EXPECT_EQ(lower.find(attr), std::string::npos) << md << " → " << html;
    EXPECT_EQ(lower.find("onerror"), std::string::npos) << md << " → " << html;
    EXPECT_EQ(lower.find("<iframe"), std::string::npos) << md << " → " << html;
  }
  // Text that merely mentions it is escaped, not dropped.
  EXPECT_NE(render_markdown("`<script>`").find("&lt;script&gt;"), std::string::npos);
}

}  // namespace
}  // namespace passerelle::resources
