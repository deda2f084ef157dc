// events/work_store on both engines: who sees and manages working groups and
// projects, the checks of what a write names (scope, duplicates, unknown
// events), and the project's figures computed from the rows (activities done
// from their events, participants = distinct people present), down to the
// funder report.
#include "events/store.hpp"
#include "events/work_routes.hpp"
#include "events/work_store.hpp"
#include "network/store.hpp"
#include "test_db.hpp"

namespace passerelle::events {
namespace {

class WorkStore : public testing::EngineTest {
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
  std::int64_t contact(const std::string& first, std::int64_t organisation) {
    network::ContactInput in;
    in.first_name = first;
    in.last_name = "Martin";
    in.organisation_ids = {std::to_string(organisation)};
    return network::create_contact(conn(), in);
  }
  std::string path(std::int64_t id) { return network::get_organisation(conn(), {""}, id)->path; }

  void SetUp() override {
    EngineTest::SetUp();
    if (::testing::Test::IsSkipped()) return;
    fed = org("Fédération Passerelle", "federation", std::nullopt, "75011");
    hdf = org("Délégation Hauts-de-France", "delegation", fed, "59000");
    idf = org("Délégation Île-de-France", "delegation", fed, "75011");
    roubaix = org("Recyclerie de Roubaix", "aci", hdf, "59100");
    lens = org("Lens Services Emploi", "ai", hdf, "62300");
    rebond = org("Rebond 93", "ai", idf, "93200");
    foundation = org("Fondation Agir pour l'inclusion", "funder", fed, "75003");
    staff_hdf = {{path(hdf)}, {path(hdf)}};
    staff_idf = {{path(idf)}, {path(idf)}};
    member_roubaix = {{}, {path(roubaix)}};
    member_lens = {{}, {path(lens)}};
  }

  std::int64_t event(std::int64_t organiser, const std::string& status, const std::string& day = "2021-06-17") {
    EventValues v;
    v.kind = "discussion_cafe";
    v.title = "Café discussion " + day;
    v.starts_at = day + "T12:00:00Z";
    v.ends_at = day + "T14:30:00Z";
    v.venue = "Lille";
    v.organiser_id = organiser;
    v.status = status;
    v.regions = {network::get_organisation(conn(), {""}, organiser)->region};
    return create_event(conn(), v);
  }
  void mark(std::int64_t event_id, std::int64_t contact_id, std::int64_t organisation, const std::string& status) {
    conn().query("INSERT INTO registrations (event_id, contact_id, organisation_id, status, created_at, updated_at) "
                 "VALUES (?, ?, ?, ?, '2021-06-01T00:00:00Z', '2021-06-01T00:00:00Z')",
                 {event_id, contact_id, organisation, status});
  }
  std::int64_t group() {
    GroupValues g;
    g.title = "Difficultés de recrutement dans les SIAE";
    g.organiser_id = hdf;
    g.starts_on = "2021-01-14";
    return create_group(conn(), g, 0);
  }
  std::int64_t project() {
    ProjectValues p;
    p.title = "Cycle participation";
    p.carrier_id = hdf;
    p.starts_on = "2021-06-01";
    p.ends_on = "2022-06-30";
    p.target_participants = 42;
    return create_project(conn(), p, 0);
  }
  static std::string first_error(const std::variant<std::int64_t, web::Errors>& r) {
    auto* e = std::get_if<web::Errors>(&r);
    return e ? (*e)[0].field + ": " + (*e)[0].message : "";
  }

  std::int64_t fed = 0, hdf = 0, idf = 0, roubaix = 0, lens = 0, rebond = 0, foundation = 0;
  WorkAccess staff_hdf, staff_idf, member_roubaix, member_lens;
};

TEST_P(WorkStore, StaffManageTheirSubtreesGroupsAndMembersReadTheirs) {
  auto id = group();
  MemberValues m;
  m.organisation_id = roubaix;
  m.role = "pilot";
  m.joined_on = "2021-01-14";
  ASSERT_EQ(first_error(add_member(conn(), staff_hdf, id, m)), "");
  auto seen = get_group(conn(), staff_hdf, id);
  ASSERT_TRUE(seen);
  EXPECT_TRUE(seen->managed);
  EXPECT_EQ(seen->members.size(), 1u);
  auto member_view = get_group(conn(), member_roubaix, id);
  ASSERT_TRUE(member_view);
  EXPECT_FALSE(member_view->managed);
  EXPECT_FALSE(get_group(conn(), member_lens, id));
  EXPECT_FALSE(get_group(conn(), staff_idf, id));
  EXPECT_EQ(list_groups(conn(), member_roubaix, {}).size(), 1u);
  EXPECT_TRUE(list_groups(conn(), member_lens, {}).empty());
  EXPECT_TRUE(list_groups(conn(), staff_idf, {}).empty());
  GroupFilter f;
  f.q = "recrutement siae";
  EXPECT_EQ(list_groups(conn(), staff_hdf, f).size(), 1u);
  f.q = "congres";
  EXPECT_TRUE(list_groups(conn(), staff_hdf, f).empty());
}

TEST_P(WorkStore, AMemberOnceInScopeAMeetingAnEventOneOrganises) {
  auto id = group();
  MemberValues m;
  m.organisation_id = roubaix;
  m.joined_on = "2021-01-14";
  ASSERT_EQ(first_error(add_member(conn(), staff_hdf, id, m)), "");
  EXPECT_EQ(first_error(add_member(conn(), staff_hdf, id, m)),
            "organisation_id: Cette structure est déjà membre du groupe.");
  m.organisation_id = rebond;
  EXPECT_EQ(first_error(add_member(conn(), staff_hdf, id, m)),
            "organisation_id: Structure introuvable dans votre périmètre.");
  m.organisation_id = lens;
  m.contact_id = contact("Anne", roubaix);
  EXPECT_EQ(first_error(add_member(conn(), staff_hdf, id, m)),
            "contact_id: Ce contact ne fait pas partie de la structure choisie.");

  auto mine = event(hdf, "done"), theirs = event(idf, "done");
  EXPECT_TRUE(add_meeting(conn(), staff_hdf, id, std::to_string(mine)).empty());
  EXPECT_EQ(add_meeting(conn(), staff_hdf, id, std::to_string(mine))[0].message,
            "Cet événement est déjà une réunion du groupe.");
  EXPECT_EQ(add_meeting(conn(), staff_hdf, id, std::to_string(theirs))[0].message,
            "Événement introuvable parmi ceux que vous organisez.");
  EXPECT_EQ(add_meeting(conn(), staff_hdf, id, "999999")[0].message,
            "Événement introuvable parmi ceux que vous organisez.");
  EXPECT_EQ(get_group(conn(), staff_hdf, id)->meetings.size(), 1u);
}

TEST_P(WorkStore, ProjectFiguresAreComputedFromTheRows) {
  auto id = project();
  auto cafe1 = event(hdf, "done", "2021-06-17"), cafe2 = event(hdf, "done", "2021-07-08"),
       workshop = event(hdf, "published", "2022-04-21");
  ActivityValues a{"discussion_cafe", "Café 1", "2021-06-17", cafe1};
  ASSERT_EQ(first_error(add_activity(conn(), staff_hdf, id, a)), "");
  a = {"discussion_cafe", "Café 2", "2021-07-08", cafe2};
  ASSERT_EQ(first_error(add_activity(conn(), staff_hdf, id, a)), "");
  a = {"experience_workshop", "Atelier 1", "2022-04-21", workshop};
  ASSERT_EQ(first_error(add_activity(conn(), staff_hdf, id, a)), "");
  a = {"experience_workshop", "Atelier sans date", "2022-05-19", std::nullopt};
  ASSERT_EQ(first_error(add_activity(conn(), staff_hdf, id, a)), "");
  a = {"discussion_cafe", "Encore le café 1", "2021-06-17", cafe1};
  EXPECT_EQ(first_error(add_activity(conn(), staff_hdf, id, a)),
            "event_id: Cet événement est déjà lié à une activité du projet.");
  a.event_id = event(idf, "done");
  EXPECT_EQ(first_error(add_activity(conn(), staff_hdf, id, a)),
            "event_id: Événement introuvable parmi ceux que vous organisez.");

  // Anne comes twice, Bruno once, Chloé is marked absent, David cancelled.
  auto anne = contact("Anne", roubaix), bruno = contact("Bruno", lens), chloe = contact("Chloé", lens),
       david = contact("David", roubaix);
  mark(cafe1, anne, roubaix, "attended");
  mark(cafe2, anne, roubaix, "attended");
  mark(cafe2, bruno, lens, "attended");
  mark(cafe1, chloe, lens, "no_show");
  mark(cafe1, david, roubaix, "cancelled");

  ASSERT_EQ(first_error(add_funder(conn(), staff_hdf, id, {foundation, 2000000})), "");
  ASSERT_EQ(first_error(add_funder(conn(), staff_hdf, id, {hdf, 550050})), "");
  EXPECT_EQ(first_error(add_funder(conn(), staff_hdf, id, {foundation, 100})),
            "organisation_id: Ce financeur figure déjà dans le projet.");
  EXPECT_EQ(first_error(add_funder(conn(), staff_hdf, id, {rebond, 100})), "organisation_id: Financeur introuvable.");

  DeliverableValues d;
  d.kind = "video";
  d.title = "Vidéo 1";
  d.url = "https://videos.example.fr/1";
  d.duration_seconds = 200;
  d.status = "delivered";
  add_deliverable(conn(), std::nullopt, id, d);
  d.title = "Synthèse";
  d.kind = "synthesis";
  d.status = "planned";
  add_deliverable(conn(), std::nullopt, id, d);

  auto p = get_project(conn(), staff_hdf, id);
  ASSERT_TRUE(p);
  const auto& f = p->figures;
  EXPECT_EQ(f.activities, 4);
  EXPECT_EQ(f.activities_done, 2);
  EXPECT_EQ(f.participants, 2);  // Anne and Bruno; Chloé absent, David cancelled
  EXPECT_EQ(f.attendances, 3);
  EXPECT_EQ(f.funded_cents, 2550050);
  EXPECT_EQ(f.deliverables, 2);
  EXPECT_EQ(f.deliverables_delivered, 1);
  EXPECT_EQ(p->activities[0].attended, 1);
  EXPECT_EQ(p->activities[0].state, "done");
  EXPECT_EQ(p->activities[2].state, "planned");
  EXPECT_FALSE(get_project(conn(), staff_idf, id));
  EXPECT_FALSE(get_project(conn(), member_roubaix, id));
  EXPECT_EQ(list_projects(conn(), staff_hdf, {}).at(0).funded_cents, 2550050);

  auto report = funder_report(*p);
  ASSERT_EQ(report.size(), 4u);
  auto value = [&](const std::string& key) {
    for (auto& row : report[0].rows)
      if (row[0] == key) return row[1];
    return std::string("?");
  };
  EXPECT_EQ(value("Participants (personnes distinctes présentes)"), "2");
  EXPECT_EQ(value("Activités réalisées"), "2");
  EXPECT_EQ(value("Activités prévues"), "4");
  EXPECT_EQ(value("Participants visés"), "42");
  EXPECT_EQ(value("Période"), "du 01/06/2021 au 30/06/2022");
  EXPECT_EQ(report[1].rows.back()[2], "2550050");  // funders' total, in cents
  EXPECT_EQ(report[2].rows.size(), 5u);            // header + 4 activities
  EXPECT_EQ(report[3].rows[1][3], "3 min 20 s");
}

TEST_P(WorkStore, TheOrganiserIsADelegationOrTheFederationInScope) {
  EXPECT_TRUE(check_organiser(conn(), staff_hdf, hdf).empty());
  EXPECT_EQ(check_organiser(conn(), staff_hdf, roubaix)[0].message,
            "Choisissez une délégation ou la fédération de votre périmètre.");
  EXPECT_FALSE(check_organiser(conn(), staff_hdf, idf).empty());
  ProjectValues p;
  p.carrier_id = hdf;
  p.contact_id = contact("Zoé", rebond);
  EXPECT_EQ(check_project(conn(), staff_hdf, p)[0].message, "Contact introuvable dans votre périmètre.");
}

INSTANTIATE_ON_BOTH_ENGINES(WorkStore);

}  // namespace
}  // namespace passerelle::events
