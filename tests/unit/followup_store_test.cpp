// followup/store on both engines: the referent's "À contacter" list, the
// supervisor's view, scope, sensitive difficulties, pathway history, PASS IAE
// and the dashboard of seed 003 on a small dataset with exact figures.
#include <set>

#include "core/auth/auth.hpp"
#include "followup/model.hpp"
#include "followup/store.hpp"
#include "network/store.hpp"
#include "test_db.hpp"

namespace passerelle::followup {
namespace {

Date day(std::string_view iso) {
  auto parsed = parse_date(iso);
  if (!parsed) throw std::invalid_argument("bad test date " + std::string(iso));
  return *parsed;
}

std::string message_of(const web::Errors& errors, const std::string& field) {
  const auto* e = web::find_error(errors, field);
  return e ? e->message : std::string("<no error on ") + field + ">";
}

template <class T>
T ok(std::expected<T, web::Errors> r) {
  if (!r) {
    std::string all;
    for (auto& e : r.error()) all += e.field + ": " + e.message + "\n";
    throw std::runtime_error("unexpected errors:\n" + all);
  }
  if constexpr (!std::is_void_v<T>) return std::move(*r);
}

class FollowupStore : public testing::EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    if (IsSkipped()) return;
    plie_org = org("PLIE Métropole", "plie", std::nullopt);
    aci_org = org("Les Jardins de Montreuil", "aci", get_org(plie_org));
    other_org = org("Mission locale d'ailleurs", "association", std::nullopt);
    amina = user("Amina Benali", plie_org, "referent");
    bruno = user("Bruno Carré", plie_org, "referent");
    sophie = user("Sophie Durand", plie_org, "supervisor");
    stranger = user("Paul Lointain", other_org, "referent");
    ProgrammeInput p{"PLIE Métropole 2020", "plie", "15", "36"};
    plie = ok(create_programme(conn(), plie_org, p));
    scope = {get_org(plie_org).path};
  }

  std::int64_t org(const std::string& name, const std::string& kind, const std::optional<network::Organisation>& parent) {
    network::OrganisationInput in;
    in.name = name;
    in.kind = kind;
    in.postcode = "93100";
    in.department = "93";
    in.commune = "Montreuil";
    return network::create_organisation(conn(), in, parent);
  }
  network::Organisation get_org(std::int64_t id) { return *network::get_organisation(conn(), {""}, id); }

  std::int64_t user(const std::string& name, std::int64_t organisation, const std::string& role) {
    static int n = 0;
    auto id = conn()
                  .query("INSERT INTO users (email, display_name, password_hash, disabled, created_at) "
                         "VALUES (?, ?, 'x', 0, ?) RETURNING id",
                         {"user" + std::to_string(++n) + "-" + std::to_string(organisation) + "@test.fr", name,
                          auth::now_utc()})
                  .rows.at(0)
                  .integer(0);
    if (!role.empty()) auth::grant_role(conn(), id, organisation, role);
    return id;
  }

  static ParticipantInput person(const std::string& first, const std::string& last,
                                 const std::string& birth = "1985-06-15") {
    ParticipantInput in;
    in.first_name = first;
    in.last_name = last;
    in.birth_date = birth;
    in.gender = "female";
    in.phone = "06 12 34 56 78";
    in.commune = "Montreuil";
    in.postcode = "93100";
    in.labour_status = "unemployed_long_term";
    in.benefits = {"rsa"};
    in.consent = "1";
    in.consent_date = "2020-01-06";
    return in;
  }

  std::int64_t participant(const std::string& first, const std::string& last, std::int64_t organisation = 0,
                           const std::string& birth = "1985-06-15") {
    return ok(create_participant(conn(), organisation ? organisation : aci_org, person(first, last, birth)));
  }

  std::int64_t enrol_in(std::int64_t pid, const std::string& entry, std::int64_t referent,
                        std::int64_t programme = 0, std::int64_t organisation = 0) {
    return ok(enrol(conn(), {.participant_id = pid,
                             .programme_id = programme ? programme : plie,
                             .organisation_id = organisation ? organisation : aci_org,
                             .referent_id = referent,
                             .entry_date = entry,
                             .user_id = sophie}));
  }

  std::int64_t contact(std::int64_t pid, const std::string& at, const std::string& outcome,
                       std::int64_t author = 0) {
    InteractionInput in{at, "phone", outcome, outcome == "reached" ? "1" : "", "Appel de suivi"};
    return ok(log_interaction(conn(), pid, in, author ? author : amina));
  }

  Enrolment enrolment(std::int64_t id) { return *get_enrolment(conn(), {""}, id); }

  std::vector<std::int64_t> due_ids(std::int64_t referent, const std::string& today) {
    std::vector<std::int64_t> out;
    for (auto& row : due_list(conn(), referent, day(today))) out.push_back(row.participant_id);
    return out;
  }

  std::optional<DueRow> due_row(std::int64_t referent, std::int64_t pid, const std::string& today) {
    for (auto& row : due_list(conn(), referent, day(today)))
      if (row.participant_id == pid) return row;
    return std::nullopt;
  }

  std::int64_t plie_org = 0, aci_org = 0, other_org = 0;
  std::int64_t amina = 0, bruno = 0, sophie = 0, stranger = 0;
  std::int64_t plie = 0;
  Scope scope;
};

// --- "À contacter" -----------------------------------------------------------------

TEST_P(FollowupStore, ToContactShowsNeverContactedThenKeepsAFailedAttemptUntilReached) {
  auto pid = participant("Fatou", "Diallo");
  auto eid = enrol_in(pid, "2020-03-02", amina);
  EXPECT_EQ(enrolment(eid).next_due_on, "2020-03-02") << "never contacted: due from the entry date";

  EXPECT_TRUE(due_ids(amina, "2020-03-01").empty()) << "not started yet";
  auto row = due_row(amina, pid, "2020-03-16");
  ASSERT_TRUE(row);
  EXPECT_EQ(row->due.status, DueStatus::never_contacted);
  EXPECT_EQ(row->first_name, "Fatou");
  EXPECT_EQ(row->phone, "06 12 34 56 78");
  EXPECT_EQ(row->programme_name, "PLIE Métropole 2020");
  EXPECT_TRUE(due_ids(bruno, "2020-03-16").empty()) << "only the referent's own people";

  contact(pid, "2020-03-16T09:00:00Z", "no_answer");
  row = due_row(amina, pid, "2020-03-16");
  ASSERT_TRUE(row) << "a failed attempt keeps the person on the list";
  EXPECT_EQ(row->due.status, DueStatus::overdue) << "due since entry, still not reached";
  EXPECT_EQ(row->due.failed_streak, 1);
  EXPECT_EQ(enrolment(eid).next_due_on, "2020-03-02") << "failed attempts do not move the due date";

  contact(pid, "2020-03-16T10:00:00Z", "reached");
  EXPECT_TRUE(due_ids(amina, "2020-03-16").empty()) << "reached: leaves the list";
  auto e = enrolment(eid);
  EXPECT_EQ(e.last_reached_on, "2020-03-16");
  EXPECT_EQ(e.next_due_on, "2020-03-31") << "15 days after the last reached contact";
  EXPECT_EQ(e.failed_streak, 0);
  EXPECT_TRUE(due_ids(amina, "2020-03-30").empty());
  row = due_row(amina, pid, "2020-03-31");
  ASSERT_TRUE(row) << "back 15 days later";
  EXPECT_EQ(row->due.status, DueStatus::due_today);
  EXPECT_EQ(format_date(*row->due.last_reached), "2020-03-16");
  EXPECT_EQ(due_row(amina, pid, "2020-04-02")->due.status, DueStatus::overdue);
}

TEST_P(FollowupStore, ThreeFailedAttemptsOrTwiceTheCadenceMakeThemUnreachable) {
  auto pid = participant("Karim", "Haddad");
  auto eid = enrol_in(pid, "2020-03-02", amina);
  contact(pid, "2020-03-16T09:00:00Z", "reached");
  contact(pid, "2020-03-17T09:00:00Z", "no_answer");
  contact(pid, "2020-03-18T09:00:00Z", "message_left");
  EXPECT_TRUE(due_ids(amina, "2020-03-18").empty()) << "two failures after a reached call: not due yet";
  contact(pid, "2020-03-19T09:00:00Z", "wrong_number");
  auto e = enrolment(eid);
  EXPECT_EQ(e.failed_streak, 3);
  EXPECT_EQ(e.unreachable_on, "2020-03-19");
  EXPECT_EQ(e.next_due_on, "2020-03-31") << "the due date still counts from the reached call";
  auto row = due_row(amina, pid, "2020-03-19");
  ASSERT_TRUE(row) << "unreachable shows although the due date is later";
  EXPECT_EQ(row->due.status, DueStatus::unreachable);

  // Never reached, one failed attempt: unreachable once twice the cadence has passed since entry.
  auto other = participant("Lina", "Moreau");
  auto other_e = enrol_in(other, "2020-03-02", amina);
  contact(other, "2020-03-03T09:00:00Z", "no_answer");
  EXPECT_EQ(enrolment(other_e).unreachable_on, "2020-04-01");
  EXPECT_EQ(due_row(amina, other, "2020-03-31")->due.status, DueStatus::overdue);
  EXPECT_EQ(due_row(amina, other, "2020-04-01")->due.status, DueStatus::unreachable);

  // Order of the list: overdue, due today, never contacted, unreachable.
  auto fresh = participant("Nora", "Petit");
  enrol_in(fresh, "2020-04-01", amina);
  auto list = due_list(conn(), amina, day("2020-04-01"));
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0].participant_id, fresh);
  EXPECT_EQ(list[0].due.status, DueStatus::never_contacted);
  EXPECT_EQ(list[1].due.status, DueStatus::unreachable);
  EXPECT_EQ(list[2].due.status, DueStatus::unreachable);
  EXPECT_EQ(list[1].participant_id, other) << "same rank: the oldest due date first (2 March)";
  EXPECT_EQ(list[2].participant_id, pid) << "due on 31 March";

  // A reached contact ends it.
  contact(pid, "2020-03-20T09:00:00Z", "reached");
  e = enrolment(eid);
  EXPECT_EQ(e.failed_streak, 0);
  EXPECT_EQ(e.unreachable_on, "");
}

TEST_P(FollowupStore, InteractionsLoggedOutOfOrderAreRecomputedFromAllOfThem) {
  auto pid = participant("Moussa", "Traoré");
  auto eid = enrol_in(pid, "2020-03-02", amina);
  contact(pid, "2020-04-10T08:00:00Z", "no_answer");
  contact(pid, "2020-04-09T08:00:00Z", "reached");  // yesterday's call, logged later
  auto e = enrolment(eid);
  EXPECT_EQ(e.last_reached_on, "2020-04-09");
  EXPECT_EQ(e.failed_streak, 1) << "the failure came after the reached call";
  EXPECT_EQ(e.next_due_on, "2020-04-24");

  contact(pid, "2020-04-05T08:00:00Z", "reached");  // an older call changes nothing
  e = enrolment(eid);
  EXPECT_EQ(e.last_reached_on, "2020-04-09");
  EXPECT_EQ(e.failed_streak, 1);

  contact(pid, "2020-04-08T08:00:00Z", "no_answer");  // before the reached call: not in the streak
  EXPECT_EQ(enrolment(eid).failed_streak, 1);

  // 22:30 UTC on 11 April is 00:30 on 12 April in Paris (summer time).
  contact(pid, "2020-04-11T22:30:00Z", "reached");
  e = enrolment(eid);
  EXPECT_EQ(e.last_reached_on, "2020-04-12");
  EXPECT_EQ(e.next_due_on, "2020-04-27");
  EXPECT_EQ(e.failed_streak, 0);
  EXPECT_EQ(interactions_of(conn(), pid).size(), 5u);
  EXPECT_EQ(interactions_of(conn(), pid).front().on, "2020-04-12");
}

TEST_P(FollowupStore, InteractionErrorsAreTheRulesInFrench) {
  auto pid = participant("Awa", "Sow");
  InteractionInput future{"2999-01-01T10:00:00Z", "phone", "reached", "1", ""};
  auto r = log_interaction(conn(), pid, future, amina);
  ASSERT_FALSE(r);
  EXPECT_EQ(message_of(r.error(), "at"), "Un échange ne peut pas être daté dans le futur.");
  InteractionInput fine{"2020-04-01T10:00:00Z", "phone", "reached", "1", ""};
  auto unknown = log_interaction(conn(), 999999, fine, amina);
  ASSERT_FALSE(unknown);
  EXPECT_TRUE(web::find_error(unknown.error(), "participant_id"));
  EXPECT_TRUE(interactions_of(conn(), pid).empty());
}

// --- Scope ---------------------------------------------------------------------------

TEST_P(FollowupStore, ReferentChoosersListTheReferentsOfTheScopeOnly) {
  auto names = [&](const Scope& scope) {
    std::vector<std::string> out;
    for (auto& r : referents_in_scope(conn(), scope)) out.push_back(r.name);
    return out;
  };
  EXPECT_EQ(names(Scope{get_org(plie_org).path}), (std::vector<std::string>{"Amina Benali", "Bruno Carré"}))
      << "referents only, by name; the supervisor is not one";
  EXPECT_EQ(names(Scope{get_org(other_org).path}), (std::vector<std::string>{"Paul Lointain"}));
  EXPECT_TRUE(names(Scope{}).empty());
}

TEST_P(FollowupStore, AParticipantOfAnotherOrganisationIsInvisible) {
  auto mine = participant("Inès", "Garcia");
  auto theirs = participant("Inès", "Garcia", other_org);
  auto their_enrolment = ok(enrol(conn(), {.participant_id = theirs, .programme_id = plie, .organisation_id = other_org,
                                           .referent_id = stranger, .entry_date = "2020-03-02"}));
  enrol_in(mine, "2020-03-02", amina);

  EXPECT_TRUE(get_participant(conn(), scope, mine));
  EXPECT_FALSE(get_participant(conn(), scope, theirs)) << "outside the scope reads as absent";
  EXPECT_FALSE(get_participant(conn(), Scope{}, mine)) << "no role, nothing visible";
  EXPECT_FALSE(get_enrolment(conn(), scope, their_enrolment));

  auto rows = list_participants(conn(), scope, {});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].id, mine);
  EXPECT_EQ(count_participants(conn(), scope, {}), 1);
  auto dups = likely_duplicates(conn(), scope, "Inès", "Garcia", "1985-06-15");
  ASSERT_EQ(dups.size(), 1u) << "the homonym elsewhere is not shown";
  EXPECT_EQ(dups[0].id, mine);

  DashboardFilter f{.from = day("2020-03-17"), .to = day("2020-04-15")};
  EXPECT_EQ(dashboard(conn(), scope, f).counts.followed, 1);
  EXPECT_EQ(dashboard(conn(), Scope{""}, f).counts.followed, 2);

  auto workload = referent_workload(conn(), scope, day("2020-04-15"));
  for (auto& w : workload) EXPECT_NE(w.referent_id, stranger);

  // A referent of another organisation cannot follow our participant.
  auto refused = transfer_referent(conn(), enrolments_of(conn(), mine)[0].id, stranger, sophie, "");
  ASSERT_FALSE(refused);
  EXPECT_TRUE(web::find_error(refused.error(), "referent_id"));

  // Programmes of the organisation and of its ancestors are visible below them.
  auto programmes = list_programmes(conn(), Scope{get_org(aci_org).path});
  ASSERT_EQ(programmes.size(), 1u);
  EXPECT_EQ(programmes[0].cadence_days, 15);
  EXPECT_TRUE(list_programmes(conn(), Scope{get_org(other_org).path}).empty());
}

// --- Sensitive difficulties ---------------------------------------------------------

TEST_P(FollowupStore, SensitiveDifficultiesAreAbsentWithoutIncludeSensitive) {
  auto pid = participant("Claire", "Lefèvre");
  enrol_in(pid, "2020-03-02", amina);
  auto housing = ok(add_difficulty(conn(), pid, {"housing", "", "", "2020-03-20", ""}, amina));
  auto health = ok(add_difficulty(conn(), pid, {"health", "", "", "2020-03-21", "Suivi médical"}, amina));
  auto violence = ok(add_difficulty(conn(), pid, {"domestic_violence", "", "", "2020-03-22", ""}, amina));

  auto visible = difficulties_of(conn(), pid, false);
  ASSERT_EQ(visible.size(), 1u);
  EXPECT_EQ(visible[0].id, housing);
  EXPECT_EQ(difficulties_of(conn(), pid, true).size(), 3u);
  EXPECT_FALSE(get_difficulty(conn(), health, false));
  ASSERT_TRUE(get_difficulty(conn(), health, true));
  EXPECT_TRUE(get_difficulty(conn(), health, true)->sensitive);
  EXPECT_TRUE(difficulty_owner(conn(), violence)->sensitive);
  EXPECT_TRUE(difficulty_history(conn(), health, false).empty());

  for (auto& item : timeline(conn(), pid, false)) {
    if (item.kind == "difficulty") {
      EXPECT_EQ(item.code, "housing") << "no sensitive entry in the timeline";
    }
  }
  int sensitive_items = 0;
  for (auto& item : timeline(conn(), pid, true))
    if (item.kind == "difficulty" && item.code != "housing") ++sensitive_items;
  EXPECT_EQ(sensitive_items, 2);

  ParticipantFilter f;
  f.difficulty_kind = "health";
  EXPECT_TRUE(list_participants(conn(), scope, f).empty()) << "searching by a sensitive kind reveals nothing";
  EXPECT_EQ(count_participants(conn(), scope, f), 0);
  f.include_sensitive = true;
  EXPECT_EQ(list_participants(conn(), scope, f).size(), 1u);
  f.difficulty_kind = "housing";
  f.include_sensitive = false;
  EXPECT_EQ(list_participants(conn(), scope, f).size(), 1u);

  DashboardFilter d{.from = day("2020-03-17"), .to = day("2020-04-15")};
  auto without = dashboard(conn(), scope, d).difficulties_by_kind;
  ASSERT_EQ(without.size(), 1u);
  EXPECT_EQ(without[0].first, "housing");
  d.include_sensitive = true;
  EXPECT_EQ(dashboard(conn(), scope, d).difficulties_by_kind.size(), 3u);
}

TEST_P(FollowupStore, DifficultyStatusChangesAreHistoryRows) {
  auto pid = participant("Yasmine", "Benali");
  auto id = ok(add_difficulty(conn(), pid, {"rights", "rights_caf", "", "2020-03-20", ""}, amina));
  EXPECT_EQ(ok(change_difficulty_status(conn(), id, "orient", std::to_string(other_org), amina, "CAF de Bobigny")),
            "oriented");
  EXPECT_EQ(ok(change_difficulty_status(conn(), id, "solve", "", amina, "")), "solved");
  auto refused = change_difficulty_status(conn(), id, "solve", "", amina, "");
  ASSERT_FALSE(refused);
  EXPECT_TRUE(web::find_error(refused.error(), "status"));
  auto no_partner = add_difficulty(conn(), pid, {"rights", "digital_skills", "", "2020-03-20", ""}, amina);
  ASSERT_FALSE(no_partner);
  EXPECT_TRUE(web::find_error(no_partner.error(), "sub_kind")) << "a sub-kind of another kind";

  auto history = difficulty_history(conn(), id, false);
  ASSERT_EQ(history.size(), 3u);
  EXPECT_EQ(history[0].to_status, "identified");
  EXPECT_EQ(history[1].from_status, "identified");
  EXPECT_EQ(history[1].to_status, "oriented");
  EXPECT_EQ(history[1].partner_name, "Mission locale d'ailleurs");
  EXPECT_EQ(history[1].reason, "CAF de Bobigny");
  EXPECT_EQ(history[2].to_status, "solved");
  EXPECT_EQ(get_difficulty(conn(), id, false)->partner_organisation_id, other_org);
}

// --- Pathway history ---------------------------------------------------------------------

TEST_P(FollowupStore, StatusTransitionsWriteHistoryAndRefuseAnExitBeforeEntry) {
  auto pid = participant("Hugo", "Martin");
  auto eid = enrol_in(pid, "2020-03-02", amina);
  EXPECT_EQ(ok(change_enrolment_status(conn(), eid, "suspend", {}, amina, "Hospitalisation")), "suspended");
  EXPECT_TRUE(due_ids(amina, "2020-04-15").empty()) << "a suspended pathway is not on the list";
  EXPECT_EQ(ok(change_enrolment_status(conn(), eid, "resume", {}, amina, "")), "active");

  auto early = change_enrolment_status(conn(), eid, "exit", {.exit_date = "2020-03-01", .outcome = "employment_6m"},
                                       amina, "");
  ASSERT_FALSE(early);
  EXPECT_EQ(message_of(early.error(), "exit_date"), "La date de sortie ne peut pas précéder la date d'entrée.");
  EXPECT_EQ(enrolment(eid).status, "active") << "nothing changed";

  EXPECT_EQ(ok(change_enrolment_status(conn(), eid, "exit", {.exit_date = "2020-04-10", .outcome = "employment_6m"},
                                       amina, "CDI chez un maraîcher")),
            "exited");
  auto e = enrolment(eid);
  EXPECT_EQ(e.exit_date, "2020-04-10");
  EXPECT_EQ(e.exit_outcome, "employment_6m");
  EXPECT_NE(e.esf_entry.find("\"labour_status\":\"unemployed_long_term\""), std::string::npos);
  EXPECT_NE(e.esf_exit.find("\"positive_exit\":true"), std::string::npos);
  EXPECT_FALSE(change_enrolment_status(conn(), eid, "resume", {}, amina, "")) << "exited is final";
  // A closed pathway keeps its past: a step within its dates, none after the exit.
  ok(add_step(conn(), eid, {"training", "2020-04-01", "2020-04-09", "AFPA Montreuil", ""}));
  auto late_step = add_step(conn(), eid, {"training", "2020-04-11", "", "", ""});
  ASSERT_FALSE(late_step);
  EXPECT_EQ(message_of(late_step.error(), "start_date"),
            "Le parcours est clos depuis le 10/04/2020 : l'étape ne peut pas commencer après la sortie.");
  EXPECT_FALSE(create_pass(conn(), eid, "999990000009", "2020-04-20")) << "no PASS IAE after the exit";

  auto history = enrolment_history(conn(), eid);
  ASSERT_EQ(history.size(), 4u);
  EXPECT_EQ(history[0].to_value, "active");
  EXPECT_EQ(history[0].user_name, "Sophie Durand");
  EXPECT_EQ(history[1].from_value, "active");
  EXPECT_EQ(history[1].to_value, "suspended");
  EXPECT_EQ(history[1].reason, "Hospitalisation");
  EXPECT_EQ(history[2].to_value, "active");
  EXPECT_EQ(history[3].to_value, "exited");
  EXPECT_EQ(history[3].reason, "CDI chez un maraîcher");

  // The person may start a new pathway once the first is over, not twice at once.
  auto again = enrol_in(pid, "2020-05-04", amina);
  EXPECT_FALSE(enrol(conn(), {.participant_id = pid, .programme_id = plie, .organisation_id = aci_org,
                              .referent_id = amina, .entry_date = "2020-05-05"}));
  EXPECT_EQ(enrolments_of(conn(), pid).size(), 2u);
  EXPECT_EQ(enrolments_of(conn(), pid)[0].id, again) << "newest first";
}

TEST_P(FollowupStore, TransferToAnotherReferentKeepsHistory) {
  auto pid = participant("Léa", "Roux");
  auto eid = enrol_in(pid, "2020-03-02", amina);
  contact(pid, "2020-03-05T09:00:00Z", "reached");
  ok(transfer_referent(conn(), eid, bruno, sophie, "Congé de maternité"));
  auto e = enrolment(eid);
  EXPECT_EQ(e.referent_id, bruno);
  EXPECT_EQ(e.referent_name, "Bruno Carré");
  EXPECT_EQ(e.last_reached_on, "2020-03-05") << "the follow-up goes with the person";
  EXPECT_TRUE(due_ids(amina, "2020-04-15").empty());
  EXPECT_EQ(due_ids(bruno, "2020-04-15"), std::vector<std::int64_t>{pid});

  auto history = enrolment_history(conn(), eid);
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[1].kind, "transfer");
  EXPECT_EQ(history[1].from_value, std::to_string(amina));
  EXPECT_EQ(history[1].to_value, std::to_string(bruno));
  EXPECT_EQ(history[1].from_label, "Amina Benali");
  EXPECT_EQ(history[1].to_label, "Bruno Carré");
  EXPECT_EQ(history[1].reason, "Congé de maternité");

  auto same = transfer_referent(conn(), eid, bruno, sophie, "");
  ASSERT_FALSE(same);
  EXPECT_TRUE(web::find_error(same.error(), "referent_id"));
  auto nobody = enrol(conn(), {.participant_id = participant("Zoé", "Blanc"), .programme_id = plie,
                               .organisation_id = aci_org, .referent_id = 987654, .entry_date = "2020-03-02"});
  ASSERT_FALSE(nobody);
  EXPECT_TRUE(web::find_error(nobody.error(), "referent_id")) << "an unknown referent is a clear error";
  auto bad_date = enrol(conn(), {.participant_id = pid, .programme_id = 987654, .organisation_id = aci_org,
                                 .referent_id = amina, .entry_date = "2020-02-30"});
  ASSERT_FALSE(bad_date);
  EXPECT_TRUE(web::find_error(bad_date.error(), "entry_date"));
  EXPECT_TRUE(web::find_error(bad_date.error(), "programme_id")) << "every error at once";
}

// --- Supervisor ------------------------------------------------------------------------------

TEST_P(FollowupStore, WorkloadPerReferentWithLastCheckin) {
  auto a1 = participant("Adam", "Alaoui"), a2 = participant("Bea", "Bonnet"), a3 = participant("Cem", "Cakir");
  auto b1 = participant("Dina", "Dupont");
  enrol_in(a1, "2020-03-02", amina);
  enrol_in(a2, "2020-03-02", amina);
  enrol_in(a3, "2020-03-02", amina);
  enrol_in(b1, "2020-03-02", bruno);
  contact(a1, "2020-04-14T09:00:00Z", "reached");  // Tuesday of the week of Wednesday 15 April
  contact(a2, "2020-03-20T09:00:00Z", "reached");  // due on 4 April: overdue
  for (auto at : {"2020-04-13T09:00:00Z", "2020-04-14T09:00:00Z", "2020-04-15T09:00:00Z"}) contact(a3, at, "no_answer");
  ok(log_checkin(conn(), sophie, amina, "2020-04-14", "Point sur les injoignables"));
  ok(log_checkin(conn(), sophie, amina, "2020-04-15", ""));
  auto future = log_checkin(conn(), sophie, amina, "2999-01-01", "");
  ASSERT_FALSE(future);
  EXPECT_TRUE(web::find_error(future.error(), "on_date"));

  auto rows = referent_workload(conn(), scope, day("2020-04-15"));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].name, "Amina Benali");
  EXPECT_EQ(rows[0].followed, 3);
  EXPECT_EQ(rows[0].due, 2) << "a2 overdue, a3 unreachable";
  EXPECT_EQ(rows[0].overdue, 1);
  EXPECT_EQ(rows[0].unreachable, 1);
  EXPECT_EQ(rows[0].reached_this_week, 1);
  EXPECT_EQ(rows[0].last_checkin, "2020-04-15");
  EXPECT_EQ(rows[1].name, "Bruno Carré");
  EXPECT_EQ(rows[1].followed, 1);
  EXPECT_EQ(rows[1].due, 1) << "never contacted";
  EXPECT_EQ(rows[1].overdue, 0);
  EXPECT_EQ(rows[1].last_checkin, "");
  EXPECT_EQ(due_list(conn(), amina, day("2020-04-15")).size(), 2u) << "the list agrees with the counts";
}

// --- Dashboard ---------------------------------------------------------------------------------

TEST_P(FollowupStore, DashboardCountsOnASmallDataset) {
  auto a = participant("Anna", "Aubert"), b = participant("Ben", "Barbier"), c = participant("Chloé", "Colin");
  auto d = participant("David", "Dumas"), e = participant("Emma", "Etienne"), f = participant("Farid", "Fabre");
  enrol_in(a, "2020-01-10", amina);
  enrol_in(b, "2020-02-01", amina);
  enrol_in(c, "2020-03-20", bruno);  // entry in the period
  auto de = enrol_in(d, "2019-06-01", amina);
  auto ee = enrol_in(e, "2019-09-01", amina);
  enrol_in(f, "2020-04-20", amina);  // after the period
  auto g = participant("Gaëlle", "Giraud");
  auto ge = enrol_in(g, "2020-01-05", amina);
  // Someone of another organisation, outside the scope: followed, contacted and
  // assessed in the period, counted only by a scope holding every organisation.
  auto o = participant("Olga", "Ortiz", other_org);
  ok(enrol(conn(), {.participant_id = o, .programme_id = plie, .organisation_id = other_org, .referent_id = stranger,
                    .entry_date = "2020-01-06", .user_id = sophie}));
  ok(change_enrolment_status(conn(), de, "exit", {.exit_date = "2020-04-01", .outcome = "employment_6m"}, amina, ""));
  ok(change_enrolment_status(conn(), ee, "exit", {.exit_date = "2020-04-10", .outcome = "moved"}, amina, ""));
  // Leaves on the end date: an exit of the period, no longer followed on that date.
  ok(change_enrolment_status(conn(), ge, "exit", {.exit_date = "2020-04-15", .outcome = "qualifying_training"}, amina,
                             ""));

  contact(a, "2020-03-10T10:00:00Z", "reached");    // before the period
  contact(a, "2020-03-20T10:00:00Z", "reached");
  contact(a, "2020-04-15T21:30:00Z", "no_answer");  // 23:30 in Paris on the last day: in
  contact(b, "2020-03-16T23:30:00Z", "no_answer");  // 00:30 in Paris on the first day: in
  contact(c, "2020-04-15T22:30:00Z", "no_answer");  // 00:30 in Paris the day after: out
  contact(d, "2020-03-18T09:00:00Z", "reached");    // exits during the period: its contacts count
  contact(o, "2020-03-19T09:00:00Z", "reached");    // out of scope

  auto assess = [&](std::int64_t pid, const char* on, const char* email) {
    ok(add_assessment(conn(), pid, {on, "yes", "yes", email, "with_help", "yes"}, amina));
  };
  assess(a, "2020-02-01", "yes");
  assess(a, "2020-04-01", "no");  // the last one by the end date counts
  assess(a, "2020-05-01", "yes");  // after the end date
  assess(b, "2020-03-01", "with_help");
  assess(d, "2020-03-01", "no");  // not followed on the end date

  ok(add_difficulty(conn(), a, {"housing", "", "", "2020-03-20", ""}, amina));
  ok(add_difficulty(conn(), a, {"food", "", "", "2020-03-25", ""}, amina));
  ok(add_difficulty(conn(), b, {"housing", "", "", "2020-04-02", ""}, amina));
  ok(add_difficulty(conn(), c, {"psychological", "", "", "2020-04-02", ""}, bruno));
  ok(add_difficulty(conn(), d, {"housing", "", "", "2020-03-02", ""}, amina));

  DashboardFilter filter{.programme_id = plie, .from = day("2020-03-17"), .to = day("2020-04-15")};
  auto dash = dashboard(conn(), scope, filter);
  EXPECT_EQ(dash.counts.followed, 3) << "a, b, c";
  EXPECT_EQ(dash.counts.interactions, 4);
  EXPECT_EQ(dash.counts.people_contacted, 3) << "a, b, d";
  EXPECT_EQ(dash.counts.people_reached, 2) << "a, d";
  EXPECT_EQ(dash.counts.followed_not_reached, 2) << "b, c";
  EXPECT_EQ(dash.counts.assessed, 2);
  EXPECT_EQ(dash.counts.unable_to_email, 2);
  EXPECT_EQ(dash.counts.exits, 3) << "d, e, g";
  EXPECT_EQ(dash.counts.positive_exits, 2) << "d (employment), g (qualifying training)";
  EXPECT_EQ(dash.entries, 1);
  EXPECT_EQ(dash.unreachable, 1) << "b: tried, never reached for twice the cadence";
  EXPECT_EQ(dash.shares.not_reached, 67);
  EXPECT_EQ(dash.shares.unable_to_email, 100);
  EXPECT_EQ(dash.shares.positive_exits, 67);
  ASSERT_EQ(dash.difficulties_by_kind.size(), 2u);
  EXPECT_EQ(dash.difficulties_by_kind[0], (std::pair<std::string, std::int64_t>{"food", 1}));
  EXPECT_EQ(dash.difficulties_by_kind[1], (std::pair<std::string, std::int64_t>{"housing", 2}));

  // The same figures computed on two connections (people split by id, one half on
  // another thread), and for a scope holding every organisation (no organisation read).
  auto second = database().acquire();
  auto same = [&](const Dashboard& x, const char* how) {
    EXPECT_EQ(x.counts.followed, dash.counts.followed) << how;
    EXPECT_EQ(x.counts.interactions, dash.counts.interactions) << how;
    EXPECT_EQ(x.counts.people_contacted, dash.counts.people_contacted) << how;
    EXPECT_EQ(x.counts.people_reached, dash.counts.people_reached) << how;
    EXPECT_EQ(x.counts.followed_not_reached, dash.counts.followed_not_reached) << how;
    EXPECT_EQ(x.counts.assessed, dash.counts.assessed) << how;
    EXPECT_EQ(x.counts.unable_to_email, dash.counts.unable_to_email) << how;
    EXPECT_EQ(x.counts.exits, dash.counts.exits) << how;
    EXPECT_EQ(x.counts.positive_exits, dash.counts.positive_exits) << how;
    EXPECT_EQ(x.entries, dash.entries) << how;
    EXPECT_EQ(x.unreachable, dash.unreachable) << how;
    EXPECT_EQ(x.difficulties_by_kind, dash.difficulties_by_kind) << how;
  };
  same(dashboard(conn(), scope, filter, &*second), "two connections");
  // The ESF export of the same period and scope: the movements of the scope's
  // pathways, with their person's organisation, filtered to the programme (on
  // PostgreSQL the scope's organisations listed by id) or not (joined by path):
  // the same lines.
  auto esf = esf_rows(conn(), scope, filter);
  auto unfiltered = filter;
  unfiltered.programme_id.reset();
  auto esf_all = esf_rows(conn(), scope, unfiltered);
  ASSERT_EQ(esf.size(), 4u) << "c enters; d, e, g exit";
  ASSERT_EQ(esf_all.size(), esf.size());
  for (std::size_t k = 0; k < esf.size(); ++k) {
    EXPECT_EQ(esf[k].organisation_name, "Les Jardins de Montreuil") << "the person's organisation, under the PLIE";
    EXPECT_EQ(esf[k].enrolment_id, esf_all[k].enrolment_id);
    EXPECT_EQ(esf_all[k].organisation_name, esf[k].organisation_name);
  }
  EXPECT_TRUE(esf_rows(conn(), Scope{"/none/"}, filter).empty()) << "no organisation in scope";
  // The period scan (the country's dashboard: the enrolments, interactions and
  // assessments of the period read in order, people sorted out in memory) gives
  // the same figures, within the scope and with one or two connections.
  same(dashboard(conn(), scope, filter, nullptr, DashboardPath::period_scan), "period scan");
  same(dashboard(conn(), scope, filter, &*second, DashboardPath::period_scan), "period scan, two connections");
  auto whole = dashboard(conn(), Scope{""}, filter);
  EXPECT_EQ(whole.counts.followed, 4) << "a, b, c and Olga";
  EXPECT_EQ(whole.counts.interactions, 5);
  EXPECT_EQ(whole.counts.people_reached, 3);
  for (auto path : {DashboardPath::per_person, DashboardPath::period_scan})
    for (auto* helper : {static_cast<db::Connection*>(nullptr), &*second}) {
      auto x = dashboard(conn(), Scope{""}, filter, helper, path);
      EXPECT_EQ(x.counts.followed, whole.counts.followed);
      EXPECT_EQ(x.counts.interactions, whole.counts.interactions);
      EXPECT_EQ(x.counts.people_contacted, whole.counts.people_contacted);
      EXPECT_EQ(x.counts.people_reached, whole.counts.people_reached);
      EXPECT_EQ(x.counts.followed_not_reached, whole.counts.followed_not_reached);
      EXPECT_EQ(x.counts.assessed, whole.counts.assessed);
      EXPECT_EQ(x.counts.exits, whole.counts.exits);
      EXPECT_EQ(x.entries, whole.entries);
      EXPECT_EQ(x.unreachable, whole.unreachable);
    }
  DashboardFilter mine = filter;
  mine.organisation_id = aci_org;
  same(dashboard(conn(), Scope{""}, mine, nullptr, DashboardPath::period_scan), "period scan, one organisation");
  same(dashboard(conn(), Scope{""}, mine), "per person, one organisation");

  filter.referent_id = bruno;
  dash = dashboard(conn(), scope, filter);
  same(dashboard(conn(), scope, filter, nullptr, DashboardPath::period_scan), "period scan, one referent");
  EXPECT_EQ(dash.counts.followed, 1);
  EXPECT_EQ(dash.counts.interactions, 0);
  EXPECT_EQ(dash.counts.followed_not_reached, 1);
  EXPECT_EQ(dash.entries, 1);
  EXPECT_TRUE(dash.difficulties_by_kind.empty()) << "psychological is sensitive";
  filter.include_sensitive = true;
  EXPECT_EQ(dashboard(conn(), scope, filter).difficulties_by_kind.size(), 1u);

  DashboardFilter elsewhere{.organisation_id = other_org, .from = day("2020-03-17"), .to = day("2020-04-15")};
  EXPECT_EQ(dashboard(conn(), Scope{""}, elsewhere).counts.followed, 1) << "Olga";
  EXPECT_EQ(dashboard(conn(), Scope{""}, elsewhere, nullptr, DashboardPath::period_scan).counts.followed, 1);
  EXPECT_EQ(dashboard(conn(), scope, elsewhere, nullptr, DashboardPath::period_scan).counts.followed, 0)
      << "an organisation filter outside the scope gives nobody";
}

// --- Participants ------------------------------------------------------------------------------------

TEST_P(FollowupStore, DuplicatesAreFoundDespiteAccentsCaseAndHyphens) {
  auto id = participant("Éloïse", "Martin-Diallo", 0, "1990-05-12");
  participant("Éloïse", "Martin-Diallo", 0, "1990-05-13");
  auto found = likely_duplicates(conn(), scope, "eloise", "  MARTIN diallo ", "1990-05-12");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].id, id);
  EXPECT_TRUE(likely_duplicates(conn(), scope, "Eloise", "Martin", "1990-05-12").empty());
  EXPECT_TRUE(likely_duplicates(conn(), scope, "Éloïse", "Martin-Diallo", "1990-05-12", id).empty())
      << "the person being edited is not their own duplicate";

  auto p = *get_participant(conn(), scope, id);
  EXPECT_EQ(p.sort_name, "martin-diallo eloise");
  EXPECT_EQ(p.consent_at, "2020-01-06");
  EXPECT_EQ(p.benefits, std::vector<std::string>{"rsa"});
  EXPECT_EQ(p.organisation_name, "Les Jardins de Montreuil");

  ParticipantFilter f;
  f.q = "ELOISE martin";
  EXPECT_EQ(list_participants(conn(), scope, f).size(), 2u);
  f.q = "0612";
  EXPECT_EQ(list_participants(conn(), scope, f).size(), 2u) << "phone digits without spaces";

  auto bad = person("", "Sans Prénom");
  bad.consent = "";
  auto r = create_participant(conn(), aci_org, bad);
  ASSERT_FALSE(r);
  EXPECT_TRUE(web::find_error(r.error(), "first_name"));
  EXPECT_TRUE(web::find_error(r.error(), "consent"));

  auto edited = person("Éloïse", "Martin-Diallo", "1990-05-12");
  edited.phone = "07 00 00 00 00";
  ok(update_participant(conn(), id, edited));
  EXPECT_EQ(get_participant(conn(), scope, id)->phone, "07 00 00 00 00");

  // The search reads the word index (participant_words), kept up to date by edits:
  // each word of the query begins a word of the person, accents and case aside.
  f.q = "0700";
  ASSERT_EQ(list_participants(conn(), scope, f).size(), 1u) << "the new phone is found";
  EXPECT_EQ(count_participants(conn(), scope, f, 100), 1);
  f.q = "0612";
  EXPECT_EQ(list_participants(conn(), scope, f).size(), 1u) << "the old phone of the edited person is gone";
  f.q = "diall";
  EXPECT_EQ(list_participants(conn(), scope, f).size(), 2u) << "a word's beginning";
  f.q = "iallo";
  EXPECT_TRUE(list_participants(conn(), scope, f).empty()) << "not the middle of a word";
  f.q = "--";
  EXPECT_TRUE(list_participants(conn(), scope, f).empty()) << "punctuation only matches nothing";
  ParticipantPage found_page = participant_page(conn(), scope, {.q = "martin eloise"}, 100);
  EXPECT_EQ(found_page.total, 2);
  EXPECT_EQ(found_page.items.size(), 2u);
  // Rebuilt from search_text (after an upgrade, or the loaders' bulk inserts).
  conn().query("DELETE FROM participant_words");
  EXPECT_TRUE(list_participants(conn(), scope, {.q = "martin"}).empty());
  EXPECT_EQ(rebuild_participant_words(conn(), true), 2u);
  EXPECT_EQ(list_participants(conn(), scope, {.q = "martin"}).size(), 2u);
  EXPECT_EQ(rebuild_participant_words(conn(), true), 0u) << "nothing missing";
}

TEST_P(FollowupStore, KeysetPaginationVisitsEveryParticipantOnce) {
  for (int i = 0; i < 23; ++i) participant("Prénom" + std::to_string(i), "Nom " + std::to_string(i % 7));
  ParticipantFilter f;
  f.limit = 5;
  std::vector<std::int64_t> seen;
  std::string previous;
  while (true) {
    auto page = list_participants(conn(), scope, f);
    for (auto& p : page) {
      EXPECT_GE(p.sort_name, previous);
      previous = p.sort_name;
      seen.push_back(p.id);
    }
    if (static_cast<int>(page.size()) < f.limit) break;
    f.after_key = page.back().sort_name;
    f.after_id = page.back().id;
  }
  EXPECT_EQ(seen.size(), 23u);
  EXPECT_EQ(std::set<std::int64_t>(seen.begin(), seen.end()).size(), 23u) << "no duplicates across pages";

  auto page = participant_page(conn(), scope, ParticipantFilter{.limit = 10}, 20);
  EXPECT_EQ(page.items.size(), 10u);
  EXPECT_EQ(page.total, 21) << "count capped at cap + 1";
  EXPECT_EQ(count_participants(conn(), scope, {}), 23);
}

TEST_P(FollowupStore, ListFiltersByProgrammeReferentStatusAndShowsEnrolments) {
  ProgrammeInput incl{"100 % Inclusion", "inclusion100", "1", ""};
  auto inclusion = ok(create_programme(conn(), plie_org, incl));
  auto promo1 = ok(add_cohort(conn(), inclusion, "promo 1", "2020-01-06"));
  ok(add_phase(conn(), inclusion, "Remobilisation"));
  auto x = participant("Xavier", "Xu"), y = participant("Yann", "Yilmaz"), z = participant("Zina", "Zeroual");
  enrol_in(x, "2020-03-02", amina);
  ok(enrol(conn(), {.participant_id = y, .programme_id = inclusion, .organisation_id = aci_org, .referent_id = bruno,
                    .entry_date = "2020-01-06", .cohort_id = promo1}));
  auto ze = enrol_in(z, "2020-03-02", amina);
  ok(change_enrolment_status(conn(), ze, "suspend", {}, amina, ""));

  auto programme = *get_programme(conn(), scope, inclusion);
  ASSERT_EQ(programme.cohorts.size(), 1u);
  EXPECT_EQ(programme.cohorts[0].name, "promo 1");
  ASSERT_EQ(programme.phases.size(), 1u);
  EXPECT_EQ(programme.max_duration_months, 0);
  EXPECT_EQ(list_programmes(conn(), scope).size(), 2u);
  auto wrong_cohort = enrol(conn(), {.participant_id = x, .programme_id = inclusion, .organisation_id = aci_org,
                                     .referent_id = bruno, .entry_date = "2020-01-06", .cohort_id = 987654});
  ASSERT_FALSE(wrong_cohort);
  EXPECT_TRUE(web::find_error(wrong_cohort.error(), "cohort_id"));

  ParticipantFilter f;
  f.programme_id = inclusion;
  auto rows = list_participants(conn(), scope, f);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].id, y);
  ASSERT_EQ(rows[0].enrolments.size(), 1u);
  EXPECT_EQ(rows[0].enrolments[0].referent_name, "Bruno Carré");
  EXPECT_EQ(enrolments_of(conn(), y)[0].cohort_name, "promo 1");

  ParticipantFilter by_referent;
  by_referent.referent_id = amina;
  EXPECT_EQ(count_participants(conn(), scope, by_referent), 2);
  by_referent.status = "suspended";
  auto suspended = list_participants(conn(), scope, by_referent);
  ASSERT_EQ(suspended.size(), 1u);
  EXPECT_EQ(suspended[0].id, z);
}

// --- PASS IAE, steps, resources, timeline --------------------------------------------------------------

TEST_P(FollowupStore, PassIaeKeepsItsEndUpToDateAndRefusesBeyondTheLimits) {
  auto pid = participant("Omar", "Ouali");
  auto eid = enrol_in(pid, "2020-01-06", amina);
  auto pass_id = ok(create_pass(conn(), eid, "99999 0000001", "2020-01-06"));
  auto dup = create_pass(conn(), eid, "999990000001", "2020-01-06");
  ASSERT_FALSE(dup);
  EXPECT_EQ(message_of(dup.error(), "number"), "Ce numéro de PASS IAE est déjà enregistré.");
  auto pass = *load_pass(conn(), pass_id);
  EXPECT_EQ(pass.number, "999990000001");
  EXPECT_EQ(pass.end_date, "2022-01-05");
  EXPECT_EQ(pass.organisation_kind, "aci");

  ok(add_pass_period(conn(), pass_id, {"suspension", "SICKNESS", "2020-03-01", "2020-03-10"}, amina));
  pass = *load_pass(conn(), pass_id);
  EXPECT_EQ(pass.end_date, "2022-01-15") << "10 days of suspension";
  EXPECT_EQ(format_date(pass_end(pass.pass)), pass.end_date);
  EXPECT_EQ(pass_status(pass.pass, day("2020-03-05")), PassStatus::suspended);

  auto too_long = add_pass_period(conn(), pass_id, {"prolongation", "RQTH", "2022-01-15", "2023-06-01"}, amina);
  ASSERT_FALSE(too_long);
  EXPECT_TRUE(web::find_error(too_long.error(), "end")) << message_of(too_long.error(), "end");
  ok(add_pass_period(conn(), pass_id, {"prolongation", "RQTH", "2022-01-15", "2023-01-15"}, amina));
  EXPECT_EQ(load_pass(conn(), pass_id)->end_date, "2023-01-15");
  ASSERT_EQ(passes_of(conn(), pid).size(), 1u);
  EXPECT_EQ(passes_of(conn(), pid)[0].periods.size(), 2u);

  ParticipantFilter f;
  f.pass_ending_soon = true;
  f.today = day("2022-11-01");
  EXPECT_EQ(list_participants(conn(), scope, f).size(), 1u);
  f.today = day("2022-06-01");
  EXPECT_TRUE(list_participants(conn(), scope, f).empty());
}

TEST_P(FollowupStore, TimelineMergesEverythingNewestFirst) {
  auto pid = participant("Rose", "Renard");
  auto eid = enrol_in(pid, "2020-03-02", amina);
  contact(pid, "2020-03-05T09:00:00Z", "reached");
  ok(add_step(conn(), eid, {"diagnosis", "2020-03-03", "2020-03-04", "Montreuil", ""}));
  auto bad_step = add_step(conn(), eid, {"diagnosis", "2020-03-04", "2020-03-03", "", ""});
  ASSERT_FALSE(bad_step);
  EXPECT_TRUE(web::find_error(bad_step.error(), "end_date"));
  // A step or a PASS IAE happens between the pathway's entry and its exit.
  auto before_entry = add_step(conn(), eid, {"diagnosis", "2020-03-01", "", "", ""});
  ASSERT_FALSE(before_entry);
  EXPECT_EQ(message_of(before_entry.error(), "start_date"),
            "L'étape ne peut pas commencer avant l'entrée dans le parcours (le 02/03/2020).");
  auto pass_before_entry = create_pass(conn(), eid, "999990000003", "2020-02-28");
  ASSERT_FALSE(pass_before_entry);
  EXPECT_TRUE(web::find_error(pass_before_entry.error(), "start_date"));
  ok(add_resource(conn(), pid, {"2020-03-06", "Guide des démarches CAF", "https://www.caf.fr", "email"}, amina));
  auto bad_link = add_resource(conn(), pid, {"2020-03-06", "Lien", "javascript:alert(1)", "email"}, amina);
  ASSERT_FALSE(bad_link);
  EXPECT_TRUE(web::find_error(bad_link.error(), "link"));
  ok(add_assessment(conn(), pid, {"2020-03-07", "yes", "no", "with_help", "no", "yes"}, amina));
  EXPECT_EQ(latest_assessment(conn(), pid)->email, "with_help");
  ok(add_difficulty(conn(), pid, {"mobility", "", "", "2020-03-08", ""}, amina));
  ok(create_pass(conn(), eid, "999990000002", "2020-03-09"));

  auto items = timeline(conn(), pid, false);
  std::vector<std::string> kinds_by_day;
  for (auto& item : items)
    if (item.on.starts_with("2020-03")) kinds_by_day.push_back(item.on + " " + item.kind);
  EXPECT_EQ(kinds_by_day, (std::vector<std::string>{"2020-03-09 pass", "2020-03-08 difficulty",
                                                    "2020-03-07 assessment", "2020-03-06 resource",
                                                    "2020-03-05 interaction", "2020-03-03 step",
                                                    "2020-03-02 enrolment"}));
  EXPECT_EQ(items.size(), kinds_by_day.size());
  for (std::size_t i = 1; i < items.size(); ++i) EXPECT_GE(items[i - 1].on, items[i].on);
}

INSTANTIATE_ON_BOTH_ENGINES(FollowupStore);

}  // namespace
}  // namespace passerelle::followup
