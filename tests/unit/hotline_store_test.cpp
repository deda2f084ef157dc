// hotline/store on both engines: who sees which question (staff of the
// delegation's subtree, members of the organisation, nobody else), SLA
// stamps on the first staff reply and on resolution, history rows, notes
// hidden from members, a second rating refused, attachments, FAQ search and
// suggestions (accent-insensitive), the report's figures.
#include <fmt/format.h>

#include "core/auth/auth.hpp"
#include "hotline/mail.hpp"
#include "hotline/store.hpp"
#include "network/store.hpp"
#include "test_db.hpp"

namespace passerelle::hotline {
namespace {

class HotlineStore : public testing::EngineTest {
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

  void SetUp() override {
    EngineTest::SetUp();
    if (::testing::Test::IsSkipped()) return;
    fed = org("Fédération Passerelle", "federation", std::nullopt, "75011");
    idf = org("Délégation Île-de-France", "delegation", fed, "75011");
    pdl = org("Délégation Pays de la Loire", "delegation", fed, "44000");
    rebond = org("Rebond 93", "ai", idf, "93200");
    solipass = org("Solipass", "aci", pdl, "44600");
    CategoryValues c;
    c.name = "Règles IAE";
    iae = create_category(conn(), c);
    c.name = "PASS IAE";
    c.parent_id = iae;
    c.first_response_minutes = 60;
    c.resolution_minutes = 480;
    pass = create_category(conn(), c);
    staff_pdl = {{path(pdl)}, {}};
    staff_idf = {{path(idf)}, {}};
    member_solipass = {{}, {path(solipass)}};
    member_rebond = {{}, {path(rebond)}};
  }

  std::int64_t ask(std::int64_t organisation, const std::string& subject, const std::string& now) {
    QuestionValues v;
    v.organisation_id = organisation;
    v.category_id = pass;
    v.subject = subject;
    v.body = "Le PASS IAE d'un salarié arrive à échéance pendant le confinement.";
    return create_question(conn(), v, now, std::nullopt, cal);
  }

  std::int64_t fed = 0, idf = 0, pdl = 0, rebond = 0, solipass = 0, iae = 0, pass = 0;
  HotlineAccess staff_pdl, staff_idf, member_solipass, member_rebond;
  Calendar cal = default_calendar();
};

TEST_P(HotlineStore, CategoriesInTreeOrderWithTheirPath) {
  auto cats = list_categories(conn());
  ASSERT_EQ(cats.size(), 2u);
  EXPECT_EQ(cats[1].label, "Règles IAE › PASS IAE");
  EXPECT_EQ(cats[1].depth, 1);
  EXPECT_EQ(load_calendar(conn()).spans.size(), 10u);
}

TEST_P(HotlineStore, EachSeesTheirOwnAndNothingElse) {
  auto id = ask(solipass, "Prolongation du PASS IAE", "2020-04-10T15:00:00Z");
  auto q = get_question(conn(), staff_pdl, id);
  ASSERT_TRUE(q);
  EXPECT_TRUE(q->managed);
  EXPECT_EQ(q->state, "new");
  EXPECT_EQ(q->category_label, "Règles IAE › PASS IAE");
  EXPECT_EQ(q->first_response_due, "2020-04-14T07:30:00Z");  // after Easter Monday
  EXPECT_EQ(q->next_due, q->first_response_due);
  auto m = get_question(conn(), member_solipass, id);
  ASSERT_TRUE(m);
  EXPECT_FALSE(m->managed);
  EXPECT_FALSE(get_question(conn(), staff_idf, id));
  EXPECT_FALSE(get_question(conn(), member_rebond, id));
  QuestionFilter f;
  EXPECT_EQ(list_questions(conn(), staff_pdl, f).size(), 1u);
  EXPECT_EQ(list_questions(conn(), staff_idf, f).size(), 0u);
}

TEST_P(HotlineStore, RepliesStampTheSlaAndEveryChangeIsARow) {
  auto id = ask(solipass, "Prolongation du PASS IAE", "2020-04-10T15:00:00Z");
  auto q = *get_question(conn(), staff_pdl, id);
  add_note(conn(), id, "Vérifier l'ordonnance 2020-324.", std::nullopt, "2020-04-14T07:00:00Z");
  EXPECT_EQ(add_reply(conn(), q, "Les PASS sont prolongés.", true, std::nullopt, "2020-04-14T08:00:00Z", "answered", cal),
            "answered");
  q = *get_question(conn(), staff_pdl, id);
  EXPECT_EQ(q.first_response_at, "2020-04-14T08:00:00Z");
  EXPECT_EQ(q.first_response_minutes, 90);  // 30 on Friday, 60 on Tuesday
  EXPECT_EQ(q.resolved_at, "2020-04-14T08:00:00Z");
  EXPECT_EQ(q.next_due, kNoDue);
  EXPECT_EQ(messages_of(conn(), id, true).size(), 2u);
  auto seen = messages_of(conn(), id, false);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].kind, "reply");
  // The member answers back: reopened, the resolution clock restarts.
  EXPECT_EQ(add_reply(conn(), q, "Et pour un salarié en arrêt ?", false, std::nullopt, "2020-04-15T08:00:00Z", "", cal),
            "open");
  q = *get_question(conn(), staff_pdl, id);
  EXPECT_FALSE(q.resolved_at);
  EXPECT_EQ(q.resolution_due, "2020-04-16T08:30:00Z");  // 390 min on Wednesday, 90 on Thursday
  change_state(conn(), q, "closed", std::nullopt, "2020-04-15T09:00:00Z", cal);
  auto h = history_of(conn(), id);
  ASSERT_EQ(h.size(), 4u);
  EXPECT_EQ(h[0].to_state, "new");
  EXPECT_EQ(h[1].from_state, "new");
  EXPECT_EQ(h[1].to_state, "answered");
  EXPECT_EQ(h[2].to_state, "open");
  EXPECT_EQ(h[3].to_state, "closed");
  EXPECT_TRUE(rate(conn(), id, 5, "Très utile", std::nullopt, "2020-04-16T08:00:00Z"));
  EXPECT_FALSE(rate(conn(), id, 1, "Deuxième note", std::nullopt, "2020-04-16T09:00:00Z"));
  EXPECT_EQ(get_question(conn(), member_solipass, id)->rating, 5);
}

TEST_P(HotlineStore, TheQueueShowsWhatIsLateFirstAndFilters) {
  auto later = ask(solipass, "Chômage partiel des salariés en insertion", "2020-03-24T08:00:00Z");
  auto sooner = ask(solipass, "Masques pour les encadrants", "2020-03-23T08:00:00Z");
  QuestionFilter f;
  auto all = list_questions(conn(), staff_pdl, f);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].id, sooner);
  f.limit = 1;
  f.after_due = all[0].next_due;
  f.after_id = all[0].id;
  auto page2 = list_questions(conn(), staff_pdl, f);
  ASSERT_EQ(page2.size(), 1u);
  EXPECT_EQ(page2[0].id, later);
  QuestionFilter late;
  late.late = true;
  late.now = "2020-03-23T10:00:00Z";
  EXPECT_EQ(list_questions(conn(), staff_pdl, late).size(), 1u);
  QuestionFilter search;
  search.q = "chomage";
  ASSERT_EQ(list_questions(conn(), staff_pdl, search).size(), 1u);
  QuestionFilter by_category;
  by_category.category_id = iae;  // with its subcategories
  EXPECT_EQ(list_questions(conn(), staff_pdl, by_category).size(), 2u);
  auto staff = staff_for(conn(), path(solipass));
  EXPECT_TRUE(staff.empty());
}

TEST_P(HotlineStore, AttachmentsAreReadBackWithTheirQuestion) {
  auto id = ask(solipass, "Attestation", "2020-03-23T08:00:00Z");
  auto a = add_attachment(conn(), id, "attestation.pdf", "application/pdf", std::string("%PDF-\0\xff", 7), std::nullopt,
                          "2020-03-23T08:00:00Z");
  auto got = get_attachment(conn(), id, a);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->data, std::string("%PDF-\0\xff", 7));
  EXPECT_EQ(got->size, 7);
  EXPECT_FALSE(get_attachment(conn(), id + 1, a));
  EXPECT_EQ(attachments_of(conn(), id).size(), 1u);
}

TEST_P(HotlineStore, FaqSearchAndSuggestionsIgnoreAccents) {
  FaqValues v{"Le PASS IAE est-il prolongé pendant l'état d'urgence sanitaire ?",
              "Oui : les PASS IAE arrivant à échéance sont prolongés.", pass, std::nullopt};
  auto published = create_faq(conn(), v, std::nullopt, "2020-04-20T08:00:00Z", true);
  create_faq(conn(), {"Brouillon sur le prolongement", "Texte", std::nullopt, std::nullopt}, std::nullopt,
             "2020-04-20T08:00:00Z", false);
  EXPECT_EQ(list_faq(conn(), "prolonge", false, 0, 20).size(), 1u);
  EXPECT_EQ(list_faq(conn(), "URGENCE sanitaire", false, 0, 20).size(), 1u);
  EXPECT_EQ(list_faq(conn(), "", true, 0, 20).size(), 2u);
  auto s = similar_faq(conn(), "Prolongation d'un PASS IAE échu");
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].id, published);
  EXPECT_TRUE(similar_faq(conn(), "comment pour les").empty());
}

TEST_P(HotlineStore, ReportFiguresFromTheRows) {
  auto a = ask(solipass, "A", "2020-03-23T08:00:00Z");  // Monday 9:00 Paris
  auto b = ask(solipass, "B", "2020-03-30T07:00:00Z");  // Monday 9:00 Paris (summer)
  ask(rebond, "C", "2020-03-31T07:00:00Z");
  auto qa = *get_question(conn(), staff_pdl, a);
  add_reply(conn(), qa, "Réponse", true, std::nullopt, "2020-03-23T09:00:00Z", "answered", cal);  // 60 min
  auto qb = *get_question(conn(), staff_pdl, b);
  add_reply(conn(), qb, "Réponse", true, std::nullopt, "2020-03-30T10:00:00Z", "", cal);  // 180 min, still open
  auto rep = hotline_report(conn(), {path(fed)}, {"2020-03-16", "2020-04-05", ""});
  EXPECT_EQ(rep.questions, 3);
  EXPECT_EQ(rep.first_responses, 2);
  EXPECT_EQ(rep.median_first_response, 60);
  EXPECT_EQ(rep.p90_first_response, 180);
  EXPECT_EQ(rep.median_resolution, 60);
  EXPECT_EQ(rep.backlog, 2);
  ASSERT_EQ(rep.by_week.size(), 3u);
  EXPECT_EQ(rep.by_week[0].key, "2020-03-16");
  EXPECT_EQ(rep.by_week[0].count, 0);
  EXPECT_EQ(rep.by_week[1].count, 1);
  EXPECT_EQ(rep.by_week[2].count, 2);
  ASSERT_EQ(rep.by_category.size(), 1u);
  EXPECT_EQ(rep.by_category[0].count, 3);
  ASSERT_EQ(rep.by_region.size(), 2u);
  EXPECT_EQ(rep.by_region[0].name, "Île-de-France");
  EXPECT_EQ(rep.by_region[1].name, "Pays de la Loire");
  EXPECT_EQ(rep.by_region[1].questions, 2);
  auto pdl_only = hotline_report(conn(), {path(pdl)}, {"2020-03-16", "2020-04-05", ""});
  EXPECT_EQ(pdl_only.questions, 2);
}

// The member is told when their question is received, answered and closed;
// the assignee when the member writes back or a colleague assigns it to them;
// a note is never mailed; a phone question typed in by staff for a contact
// without address mails nobody.
TEST_P(HotlineStore, MailsTellTheMemberAndTheAssigneeNeverTheNotes) {
  auto user = [&](const std::string& email, const std::string& name, std::int64_t organisation, const std::string& role) {
    auto id = conn()
                  .query("INSERT INTO users (email, display_name, password_hash, disabled, created_at) "
                         "VALUES (?, ?, 'x', 0, ?) RETURNING id",
                         {email, name, "2020-01-01T00:00:00Z"})
                  .rows.at(0)
                  .integer(0);
    auth::grant_role(conn(), id, organisation, role);
    return id;
  };
  auto member = user("direction@solipass.fr", "Claire Direction", solipass, "member");
  auto staff = user("hotline@delegation-pdl.fr", "Karim Hotline", pdl, "network");
  QuestionValues v;
  v.organisation_id = solipass;
  v.category_id = pass;
  v.subject = "Prolongation du PASS IAE";
  v.body = "Le PASS IAE d'un salarié arrive à échéance pendant le confinement.";
  auto id = create_question(conn(), v, "2020-04-10T15:00:00Z", member, cal);
  auto mails = [&] {
    return conn().query("SELECT kind, to_address, subject, body_text FROM mail_outbox ORDER BY id");
  };
  auto q = *get_question(conn(), staff_pdl, id);
  EXPECT_EQ(queue_question_mail(conn(), q, "created", "new", false, "", "2020-04-10T15:00:00Z"), 1);
  EXPECT_EQ(queue_question_mail(conn(), q, "created", "new", false, "", "2020-04-10T15:00:05Z"), 0) << "told once";
  auto r = mails();
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0].text(1), "direction@solipass.fr");
  EXPECT_EQ(r.rows[0].text(2), fmt::format("Question n° {} bien reçue : Prolongation du PASS IAE", id));
  EXPECT_NE(r.rows[0].text(3).find("mardi 14 avril 2020"), std::string::npos) << r.rows[0].text(3);  // after Easter Monday

  assign(conn(), id, staff, "2020-04-14T07:00:00Z");
  q = *get_question(conn(), staff_pdl, id);
  EXPECT_EQ(queue_question_mail(conn(), q, "assigned", "", false, "", "2020-04-14T07:00:00Z"), 1);
  add_note(conn(), id, "Vérifier l'ordonnance 2020-324.", staff, "2020-04-14T07:05:00Z");
  add_reply(conn(), q, "Les PASS IAE sont prolongés de trois mois.", true, staff, "2020-04-14T08:00:00Z", "waiting", cal);
  EXPECT_EQ(queue_question_mail(conn(), q, "reply", "waiting", true, "Les PASS IAE sont prolongés de trois mois.",
                                "2020-04-14T08:00:00Z"),
            1);
  q = *get_question(conn(), staff_pdl, id);
  add_reply(conn(), q, "Et pour un salarié en arrêt ?", false, member, "2020-04-15T08:00:00Z", "", cal);
  EXPECT_EQ(queue_question_mail(conn(), q, "reply", "open", false, "Et pour un salarié en arrêt ?", "2020-04-15T08:00:00Z"),
            1);
  q = *get_question(conn(), staff_pdl, id);
  change_state(conn(), q, "closed", staff, "2020-04-15T09:00:00Z", cal);
  EXPECT_EQ(queue_question_mail(conn(), q, "state", "closed", true, "", "2020-04-15T09:00:00Z"), 1);
  r = mails();
  ASSERT_EQ(r.rows.size(), 5u);
  EXPECT_EQ(r.rows[1].text(0), "question_assigned");
  EXPECT_EQ(r.rows[1].text(1), "hotline@delegation-pdl.fr");
  EXPECT_EQ(r.rows[2].text(0), "question_reply");
  EXPECT_EQ(r.rows[2].text(1), "direction@solipass.fr");
  EXPECT_NE(r.rows[2].text(3).find("prolongés de trois mois"), std::string::npos);
  EXPECT_NE(r.rows[2].text(3).find("complément"), std::string::npos) << "waiting for the member";
  EXPECT_EQ(r.rows[3].text(0), "question_member_reply");
  EXPECT_EQ(r.rows[3].text(1), "hotline@delegation-pdl.fr");
  EXPECT_EQ(r.rows[4].text(0), "question_closed");
  EXPECT_EQ(r.rows[4].text(1), "direction@solipass.fr");
  EXPECT_NE(r.rows[4].text(3).find(fmt::format("/questions/{}", id)), std::string::npos);
  for (auto& row : r.rows) EXPECT_EQ(row.text(3).find("ordonnance 2020-324"), std::string::npos) << "a note is never mailed";

  // Staff type in a phone question of Rebond 93 (no contact, asked by staff): nobody to tell.
  auto phone = ask(rebond, "Chômage partiel", "2020-03-23T08:00:00Z");
  auto pq = *get_question(conn(), staff_idf, phone);
  EXPECT_EQ(queue_question_mail(conn(), pq, "created", "new", false, "", "2020-03-23T08:00:00Z"), 0);
}

INSTANTIATE_ON_BOTH_ENGINES(HotlineStore);

}  // namespace
}  // namespace passerelle::hotline
