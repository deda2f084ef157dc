// resources/store on both engines: what each reader finds in lists, search and
// by id (anonymous, a member of the region or of another, staff of the author's
// delegation, of another, of the federation), drafts for the author's staff
// only; ranked accent-insensitive search with filters and keyset pages; files;
// the hotline FAQ's links, shown only when the reader may see them.
#include <set>

#include "hotline/store.hpp"
#include "network/store.hpp"
#include "resources/store.hpp"
#include "test_db.hpp"

namespace passerelle::resources {
namespace {

class ResourceStore : public testing::EngineTest {
 protected:
  std::int64_t org(const std::string& name, const std::string& kind, std::optional<std::int64_t> parent,
                   const std::string& postcode) {
    network::OrganisationInput in;
    in.name = name;
    in.kind = kind;
    in.postcode = postcode;
    in.department = network::department_of_postcode(postcode).value_or("");
    in.commune = "Commune";
    std::optional<network::Organisation> p;
    if (parent) p = network::get_organisation(conn(), {""}, *parent);
    return network::create_organisation(conn(), in, p);
  }
  std::string path(std::int64_t id) { return network::get_organisation(conn(), {""}, id)->path; }
  std::string region(std::int64_t id) { return network::get_organisation(conn(), {""}, id)->region; }

  void SetUp() override {
    EngineTest::SetUp();
    if (::testing::Test::IsSkipped()) return;
    fed = org("Fédération Passerelle", "federation", std::nullopt, "75011");
    idf = org("Délégation Île-de-France", "delegation", fed, "75011");
    pdl = org("Délégation Pays de la Loire", "delegation", fed, "44000");
    rebond = org("Rebond 93", "ai", idf, "93200");
    solipass = org("Solipass", "aci", pdl, "44600");
    staff_idf = {true, {path(idf)}, {region(idf)}};
    staff_pdl = {true, {path(pdl)}, {region(pdl)}};
    staff_fed = {true, {path(fed)}, {region(fed)}};
    member_idf = {true, {}, {region(rebond)}};
    member_pdl = {true, {}, {region(solipass)}};
  }

  std::int64_t add(const std::string& title, const std::string& audience, std::int64_t author, bool publish = true,
                   const std::string& date = "2020-03-31", const std::string& body = "",
                   const std::string& region_code = "", const std::string& kind = "note",
                   std::vector<std::string> themes = {}) {
    ResourceValues v;
    v.kind = kind;
    v.title = title;
    v.body = body;
    v.audience = audience;
    v.region = region_code;
    v.published_on = date;
    v.themes = std::move(themes);
    v.author_organisation_id = author;
    return create_resource(conn(), v, std::nullopt, "2020-04-01T08:00:00Z", publish);
  }

  std::set<std::int64_t> ids(const Reader& r, ResourceFilter f = {}) {
    f.limit = 500;
    std::set<std::int64_t> out;
    for (auto& x : list_resources(conn(), r, f)) out.insert(x.id);
    return out;
  }

  std::int64_t fed = 0, idf = 0, pdl = 0, rebond = 0, solipass = 0;
  Reader staff_idf, staff_pdl, staff_fed, member_idf, member_pdl, anonymous;
};

TEST_P(ResourceStore, EachReaderSeesWhatTheAudienceAllows) {
  auto pub = add("Note du Grafie à la Direccte", "public", idf);
  auto members = add("La cellule de crise du Grafie", "members", idf);
  auto region_idf = add("Fiche pratique Grafie francilienne", "region", idf, true, "2020-05-07", "", region(idf));
  auto staff_only = add("Note interne Grafie hotline", "staff", idf);
  auto fed_staff = add("Note interne Grafie fédération", "staff", fed);
  auto draft = add("Brouillon Grafie reprise", "members", idf, false);

  EXPECT_EQ(ids(anonymous), (std::set<std::int64_t>{pub}));
  EXPECT_EQ(ids(member_idf), (std::set<std::int64_t>{pub, members, region_idf}));
  EXPECT_EQ(ids(member_pdl), (std::set<std::int64_t>{pub, members}));
  EXPECT_EQ(ids(staff_idf), (std::set<std::int64_t>{pub, members, region_idf, staff_only, fed_staff, draft}));
  EXPECT_EQ(ids(staff_pdl), (std::set<std::int64_t>{pub, members, region_idf, fed_staff}));
  EXPECT_EQ(ids(staff_fed), (std::set<std::int64_t>{pub, members, region_idf, staff_only, fed_staff, draft}));

  // The same through search and by id.
  ResourceFilter f;
  f.q = "grafie";
  EXPECT_EQ(ids(member_pdl, f), (std::set<std::int64_t>{pub, members}));
  EXPECT_EQ(ids(anonymous, f), (std::set<std::int64_t>{pub}));
  EXPECT_EQ(ids(staff_idf, f), (std::set<std::int64_t>{pub, members, region_idf, staff_only, fed_staff, draft}));
  EXPECT_EQ(ids(staff_pdl, f), (std::set<std::int64_t>{pub, members, region_idf, fed_staff}));
  EXPECT_EQ(ids(staff_fed, f), (std::set<std::int64_t>{pub, members, region_idf, staff_only, fed_staff, draft}));
  EXPECT_FALSE(get_resource(conn(), member_idf, staff_only));
  EXPECT_FALSE(get_resource(conn(), member_idf, draft));
  EXPECT_FALSE(get_resource(conn(), anonymous, members));
  EXPECT_FALSE(get_resource(conn(), member_pdl, region_idf));
  EXPECT_FALSE(get_resource(conn(), staff_pdl, staff_only));
  EXPECT_FALSE(get_resource(conn(), staff_pdl, draft));
  ASSERT_TRUE(get_resource(conn(), staff_idf, draft));
  EXPECT_TRUE(get_resource(conn(), staff_idf, draft)->manageable);
  EXPECT_FALSE(get_resource(conn(), staff_pdl, pub)->manageable);
  EXPECT_TRUE(get_resource(conn(), anonymous, pub));

  // Archived: gone for readers, kept for the author's staff.
  set_status(conn(), pub, "archived", std::nullopt, "2020-06-01T08:00:00Z");
  EXPECT_TRUE(ids(anonymous).empty());
  EXPECT_TRUE(ids(anonymous, f).empty());
  EXPECT_TRUE(ids(staff_idf).count(pub));
  // Published again, then its audience narrowed: the search index follows.
  set_status(conn(), draft, "published", std::nullopt, "2020-06-01T08:00:00Z");
  EXPECT_EQ(ids(member_pdl, f), (std::set<std::int64_t>{members, draft}));
  ResourceValues v;
  v.kind = "note";
  v.title = "Brouillon Grafie reprise";
  v.audience = "region";
  v.region = region(idf);
  v.published_on = "2020-06-01";
  v.author_organisation_id = idf;
  update_resource(conn(), draft, v, std::nullopt, "2020-06-02T08:00:00Z");
  EXPECT_EQ(ids(member_pdl, f), (std::set<std::int64_t>{members}));
  EXPECT_EQ(ids(member_idf, f), (std::set<std::int64_t>{members, region_idf, draft}));
}

TEST_P(ResourceStore, SearchIsAccentInsensitiveRankedAndFiltered) {
  auto body_only = add("Fiche pratique", "public", idf, true, "2020-03-24", "Une aide alimentaire près de chez vous.");
  auto in_title = add("Aide alimentaire et épiceries solidaires", "public", idf, true, "2020-03-20", "", "", "sheet",
                      {"alimentation"});
  auto other = add("Actualiser sa situation à la CAF", "public", idf, true, "2020-04-01", "Démarches en ligne.");
  ResourceFilter f;
  f.q = "ALIMENTAIRE";
  auto items = list_resources(conn(), anonymous, f);
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].id, in_title);  // the title weighs more than the body
  EXPECT_EQ(items[1].id, body_only);
  EXPECT_GT(items[0].score, items[1].score);
  EXPECT_EQ(items[0].themes, std::vector<std::string>{"alimentation"});

  f.q = "epiceries aliment";  // no accent, a prefix; every word must match
  EXPECT_EQ(ids(anonymous, f), (std::set<std::int64_t>{in_title}));
  f.q = "demarches";
  EXPECT_EQ(ids(anonymous, f), (std::set<std::int64_t>{other}));
  f.q = "?!";
  EXPECT_TRUE(ids(anonymous, f).empty());

  ResourceFilter k;
  k.kind = "sheet";
  EXPECT_EQ(ids(anonymous, k), (std::set<std::int64_t>{in_title}));
  ResourceFilter t;
  t.theme = "alimentation";
  EXPECT_EQ(ids(anonymous, t), (std::set<std::int64_t>{in_title}));
  ResourceFilter d;
  d.from = "2020-03-21";
  d.to = "2020-03-31";
  EXPECT_EQ(ids(anonymous, d), (std::set<std::int64_t>{body_only}));
  ResourceFilter a;
  a.audience = "members";
  EXPECT_TRUE(ids(anonymous, a).empty());
}

TEST_P(ResourceStore, KeysetPagesNeitherSkipNorRepeat) {
  std::set<std::int64_t> all;
  for (int i = 0; i < 23; ++i)
    all.insert(add("Ressource " + std::to_string(i), "public", idf, true, i % 2 ? "2020-03-31" : "2020-04-0" + std::to_string(1 + i % 5),
                   i % 3 ? "insertion" : "insertion insertion"));
  for (std::string q : {"", "insertion"}) {
    ResourceFilter f;
    f.q = q;
    f.limit = 5;
    std::set<std::int64_t> seen;
    for (int page = 0; page < 10; ++page) {
      auto items = list_resources(conn(), anonymous, f);
      for (auto& r : items) EXPECT_TRUE(seen.insert(r.id).second) << "repeated " << r.id;
      if (static_cast<int>(items.size()) < f.limit) break;
      f.after = cursor_of(items.back(), !q.empty());
    }
    EXPECT_EQ(seen, all) << "q=" << q;
  }
}

// Staff search the whole word index, then read the resources in rank order,
// each checked by the table's rule: 60 staff-only notes of another delegation
// rank first, and a page of 3 still holds 3 resources the reader may read,
// none skipped nor repeated from one page to the next.
TEST_P(ResourceStore, StaffSearchPagesPassOverWhatTheyMayNotRead) {
  std::set<std::int64_t> hidden, visible;
  for (int i = 0; i < 60; ++i)
    hidden.insert(add("Note interne chantier " + std::to_string(i), "staff", idf, true, "2020-03-31",
                      "chantier chantier chantier"));
  for (int i = 0; i < 7; ++i) visible.insert(add("Fiche chantier " + std::to_string(i), "public", idf));
  ResourceFilter f;
  f.q = "chantier";
  f.limit = 3;
  std::set<std::int64_t> seen;
  for (int page = 0; page < 10; ++page) {
    auto items = list_resources(conn(), staff_pdl, f);
    for (auto& r : items) EXPECT_TRUE(seen.insert(r.id).second) << "repeated " << r.id;
    if (static_cast<int>(items.size()) < f.limit) break;
    EXPECT_EQ(items.size(), 3u);
    f.after = cursor_of(items.back(), true);
  }
  EXPECT_EQ(seen, visible);
  ResourceFilter all;
  all.q = "chantier";
  auto mine = ids(staff_idf, all);
  EXPECT_EQ(mine.size(), 67u);
  ResourceFilter top;
  top.q = "chantier";
  top.limit = 3;
  auto first = list_resources(conn(), staff_idf, top);
  ASSERT_EQ(first.size(), 3u);
  EXPECT_TRUE(hidden.count(first[0].id)) << "their own delegation's notes rank first";
}

TEST_P(ResourceStore, FilesAreStoredAndSearchable) {
  auto id = add("Note du Grafie", "public", idf);
  auto fid = add_file(conn(), id, "note-direccte.pdf", "application/pdf", std::string("%PDF-\0\x01\xFF", 8), std::nullopt,
                      "2020-04-01T08:00:00Z");
  auto f = get_file(conn(), id, fid);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->data, std::string("%PDF-\0\x01\xFF", 8));
  EXPECT_EQ(f->size, 8);
  EXPECT_EQ(f->sha256.size(), 64u);
  EXPECT_EQ(files_of(conn(), id).size(), 1u);
  EXPECT_FALSE(get_file(conn(), id + 1, fid));
  ResourceFilter q;
  q.q = "direccte";
  EXPECT_EQ(ids(anonymous, q), (std::set<std::int64_t>{id}));
  EXPECT_TRUE(delete_file(conn(), id, fid));
  EXPECT_TRUE(ids(anonymous, q).empty());
}

TEST_P(ResourceStore, FaqLinksShowOnlyWhatTheReaderSees) {
  hotline::FaqValues fv{"Activité partielle des CDDI ?", "Oui.", std::nullopt, std::nullopt};
  auto faq = hotline::create_faq(conn(), fv, std::nullopt, "2020-04-15T08:00:00Z", true);
  auto pub = add("Synthèse du webinaire paie", "members", idf);
  auto staff_only = add("Note interne paie", "staff", idf);
  auto other_draft = add("Brouillon PDL", "members", pdl, false);
  link_faq_resources(conn(), staff_idf, faq, {pub, staff_only, other_draft, pub});
  EXPECT_EQ(faq_resource_ids(conn(), faq), (std::vector<std::int64_t>{pub, staff_only}));  // not another's draft
  auto for_member = faq_resources(conn(), member_pdl, faq);
  ASSERT_EQ(for_member.size(), 1u);
  EXPECT_EQ(for_member[0].id, pub);
  EXPECT_EQ(faq_resources(conn(), staff_idf, faq).size(), 2u);
  EXPECT_TRUE(faq_resources(conn(), anonymous, faq).empty());
  EXPECT_FALSE(pickable_resources(conn(), staff_idf).empty());
}

INSTANTIATE_ON_BOTH_ENGINES(ResourceStore);

}  // namespace
}  // namespace passerelle::resources
