// events/attendance: the check-in rules (open on the event's Paris day, never
// for a draft or cancelled event; present ↔ absent, undo), the outcome's
// validation, and on both engines: one tap and bulk marking with their history
// rows, the next date announced like the event for the same audience, and the
// report per event, per member, per region with the members who never attend.
#include <gtest/gtest.h>

#include "events/attendance.hpp"
#include "events/store.hpp"
#include "network/store.hpp"
#include "test_db.hpp"

namespace passerelle::events {
namespace {

TEST(EventsAttendanceRules, CheckInOpensOnTheEventsParisDay) {
  // 31 January 2023, 09:00 in Paris = 08:00 UTC.
  const std::string start = "2023-01-31T08:00:00Z";
  EXPECT_EQ(attendance_closed_reason("published", start, "2023-01-31T06:00:00Z"), std::nullopt);  // 07:00 Paris, same day
  EXPECT_EQ(attendance_closed_reason("done", start, "2023-02-15T10:00:00Z"), std::nullopt);       // after: still open
  auto before = attendance_closed_reason("published", start, "2023-01-30T22:59:00Z");            // 23:59 the day before
  ASSERT_TRUE(before.has_value());
  EXPECT_EQ(*before, "L'émargement ouvre le jour de l'événement, le 31/01/2023.");
  EXPECT_EQ(attendance_closed_reason("published", start, "2023-01-30T23:00:00Z"), std::nullopt);  // midnight in Paris
  EXPECT_TRUE(attendance_closed_reason("cancelled", start, "2023-01-31T10:00:00Z").has_value());
  EXPECT_TRUE(attendance_closed_reason("draft", start, "2023-01-31T10:00:00Z").has_value());
}

TEST(EventsAttendanceRules, MarksCanBeCorrectedOrUndoneButNotForTheWaitingOrCancelled) {
  EXPECT_TRUE(attendance_change_allowed("registered", "attended"));
  EXPECT_TRUE(attendance_change_allowed("registered", "no_show"));
  EXPECT_TRUE(attendance_change_allowed("attended", "no_show"));
  EXPECT_TRUE(attendance_change_allowed("no_show", "registered"));
  EXPECT_FALSE(attendance_change_allowed("registered", "registered"));
  EXPECT_FALSE(attendance_change_allowed("waitlisted", "attended"));
  EXPECT_FALSE(attendance_change_allowed("cancelled", "attended"));
  EXPECT_FALSE(attendance_change_allowed("attended", "cancelled"));
}

TEST(EventsAttendanceRules, OutcomeKeepsVideosWithAnAddressAndNamesTheBadOnes) {
  OutcomeInput in;
  in.synthesis = "  Trois tables rondes.  ";
  in.videos = {{"Table ronde 1", "https://video.example.fr/1"}, {"", ""}, {"", "https://video.example.fr/2"},
               {"Sans adresse", ""}, {"Mauvaise", "javascript:alert(1)"}};
  auto errors = validate_outcome(in);
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].message, "Vidéo 3 : indiquez son adresse (https://…).");
  EXPECT_EQ(errors[1].field, "videos");
  EXPECT_NE(errors[1].message.find("Vidéo 4"), std::string::npos);
  EXPECT_EQ(in.synthesis, "Trois tables rondes.");
  ASSERT_EQ(in.videos.size(), 4u);  // the empty line is dropped
  EXPECT_EQ(in.videos[1].title, "Vidéo 2");

  std::string s, e;
  auto next = validate_next_date({"2023-04-06T09:30", "2023-04-06T16:30"}, "2023-01-31T16:00:00Z", s, e);
  EXPECT_TRUE(next.empty());
  EXPECT_EQ(s, "2023-04-06T07:30:00Z");  // summer time in Paris
  auto before = validate_next_date({"2023-01-30T09:30", "2023-01-30T08:30"}, "2023-01-31T16:00:00Z", s, e);
  ASSERT_EQ(before.size(), 2u);
  EXPECT_EQ(before[0].field, "next_ends_at");
  EXPECT_EQ(before[1].field, "next_starts_at");
}

class EventsAttendance : public testing::EngineTest {
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
  void member(std::int64_t organisation) {
    conn().query("INSERT INTO memberships (organisation_id, year, join_date, start_date, end_date, fee_cents, status, "
                 "created_at, updated_at) VALUES (?, 2026, '2020-01-01', '2000-01-01', '2999-12-31', 0, 'current', "
                 "'2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
                 {organisation});
  }
  // Open to all unless said otherwise: the seat and attendance rules do not depend on memberships.
  std::int64_t event(const std::string& day, std::optional<std::int64_t> capacity = std::nullopt, bool open = true) {
    EventValues v;
    v.open_to_all = open;
    v.kind = "members_day";
    v.title = "Journée des adhérents PACA";
    v.starts_at = day + "T08:00:00Z";
    v.ends_at = day + "T16:00:00Z";
    v.venue = "Aix-en-Provence";
    v.organiser_id = paca;
    v.capacity = capacity;
    v.status = "published";
    v.regions = {"93"};
    return create_event(conn(), v, {{"Table ronde 1 : anticiper la fin du PASS IAE", "PASS IAE", 12}});
  }
  std::int64_t reg(std::int64_t event_id, std::int64_t contact_id, std::int64_t organisation_id) {
    RegistrationRequest r;
    r.event_id = event_id;
    r.contact_id = contact_id;
    r.organisation_id = organisation_id;
    auto out = register_contact(conn(), r, "2023-01-10T10:00:00Z", std::nullopt);
    if (auto* e = std::get_if<web::Errors>(&out)) ADD_FAILURE() << (*e)[0].message;
    return std::get<Registration>(out).id;
  }
  std::string status_of(std::int64_t id) {
    return conn().query("SELECT status FROM registrations WHERE id = ?", {id}).rows[0].text(0);
  }

  void SetUp() override {
    EngineTest::SetUp();
    if (::testing::Test::IsSkipped()) return;
    fed = org("Fédération Passerelle", "federation", std::nullopt, "75011");
    paca = org("Délégation PACA", "delegation", fed, "13001");
    idf = org("Délégation Île-de-France", "delegation", fed, "75011");
    marseille = org("Marseille Recyclage", "ei", paca, "13014");
    calanques = org("Calanques Nature Insertion", "aci", paca, "13009");
    nice = org("Nice Insertion", "aci", paca, "06000");
    rebond = org("Rebond 93", "ai", idf, "93200");
  }
  std::int64_t fed = 0, paca = 0, idf = 0, marseille = 0, calanques = 0, nice = 0, rebond = 0;
};

TEST_P(EventsAttendance, OneTapMarksAndEachChangeIsAHistoryRow) {
  auto id = event("2023-01-31");
  auto anne = reg(id, contact("Anne", marseille), marseille);
  auto other = event("2023-04-06");
  auto elsewhere = reg(other, contact("Bruno", calanques), calanques);
  const std::string now = "2023-01-31T09:00:00Z";
  EXPECT_EQ(set_attendance(conn(), id, anne, "attended", now, std::nullopt), std::nullopt);
  EXPECT_EQ(status_of(anne), "attended");
  EXPECT_EQ(set_attendance(conn(), id, anne, "attended", now, std::nullopt), std::nullopt);  // a second tap: nothing
  EXPECT_EQ(set_attendance(conn(), id, anne, "no_show", now, std::nullopt), std::nullopt);
  EXPECT_EQ(set_attendance(conn(), id, anne, "registered", now, std::nullopt), std::nullopt);
  EXPECT_EQ(status_of(anne), "registered");
  auto history = conn().query("SELECT from_status, to_status FROM registration_status_history WHERE registration_id = ? "
                              "ORDER BY id",
                              {anne});
  ASSERT_EQ(history.rows.size(), 4u);  // registration, present, absent, undone
  EXPECT_EQ(history.rows[1].text(1), "attended");
  EXPECT_EQ(history.rows[3].text(0), "no_show");
  // Another event's registration is not marked through this one.
  auto refused = set_attendance(conn(), id, elsewhere, "attended", now, std::nullopt);
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(status_of(elsewhere), "registered");
  // A cancelled registration cannot be marked present.
  auto carla = reg(id, contact("Carla", nice), nice);
  ASSERT_TRUE(cancel_registration(conn(), carla, now, std::nullopt));
  auto cancelled = set_attendance(conn(), id, carla, "attended", now, std::nullopt);
  ASSERT_TRUE(cancelled.has_value());
  EXPECT_EQ(*cancelled, "Une inscription « Annulée » ne peut pas être marquée « Présent ».");
  auto count = attendance_count(conn(), id);
  EXPECT_EQ(count.expected, 1);
  EXPECT_EQ(count.attended, 0);
}

TEST_P(EventsAttendance, BulkMarksTheChosenOrEveryoneNotMarkedYet) {
  auto id = event("2023-01-31");
  auto a = reg(id, contact("Anne", marseille), marseille), b = reg(id, contact("Bruno", marseille), marseille),
       c = reg(id, contact("Chloé", calanques), calanques), d = reg(id, contact("David", nice), nice);
  const std::string after = "2023-02-01T09:00:00Z";
  EXPECT_EQ(bulk_attendance(conn(), id, {a, b}, false, "attended", after, std::nullopt), 2);
  EXPECT_EQ(set_attendance(conn(), id, c, "no_show", after, std::nullopt), std::nullopt);
  // Everyone not marked: only David; Anne and Bruno stay present, Chloé absent.
  EXPECT_EQ(bulk_attendance(conn(), id, {}, true, "no_show", after, std::nullopt), 1);
  EXPECT_EQ(status_of(a), "attended");
  EXPECT_EQ(status_of(c), "no_show");
  EXPECT_EQ(status_of(d), "no_show");
  // Checkboxes of another event's registrations change nothing here.
  auto other = event("2023-04-06");
  auto e = reg(other, contact("Emma", nice), nice);
  EXPECT_EQ(bulk_attendance(conn(), id, {e}, false, "attended", after, std::nullopt), 0);
  EXPECT_EQ(status_of(e), "registered");
  auto list = checkin_list(conn(), id, "chloe");
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].contact_name, "Chloé Martin");
  EXPECT_EQ(checkin_list(conn(), id, "recyclage").size(), 2u);
}

TEST_P(EventsAttendance, TheNextDateIsAnnouncedLikeTheEventForTheSameAudience) {
  auto id = event("2023-01-31", 35);
  OutcomeInput in;
  in.synthesis = "Trois tables rondes en World café.";
  in.videos = {{"Plénière", "https://video.example.fr/pleniere"}};
  {
    db::Transaction tx(conn());
    save_outcome(conn(), id, in);
    auto next = announce_next(conn(), id, "2023-04-06T07:30:00Z", "2023-04-06T14:30:00Z");
    tx.commit();
    auto o = get_outcome(conn(), id);
    EXPECT_EQ(o.synthesis, "Trois tables rondes en World café.");
    ASSERT_EQ(o.videos.size(), 1u);
    EXPECT_EQ(o.videos[0].url, "https://video.example.fr/pleniere");
    ASSERT_EQ(o.next_event_id, next);
    EXPECT_EQ(o.next_starts_at, "2023-04-06T07:30:00Z");
    // Members of the same region see it, published; it has the same sessions and capacity.
    EventAccess member_nice{{}, {"93"}, {path(nice)}};
    auto seen = get_event(conn(), member_nice, next);
    ASSERT_TRUE(seen.has_value());
    EXPECT_EQ(seen->status, "published");
    EXPECT_EQ(seen->regions, (std::vector<std::string>{"93"}));
    EXPECT_EQ(seen->capacity, 35);
    ASSERT_EQ(seen->sessions.size(), 1u);
    EXPECT_EQ(seen->sessions[0].title, "Table ronde 1 : anticiper la fin du PASS IAE");
    EventAccess member_rebond{{}, {"11"}, {path(rebond)}};
    EXPECT_FALSE(get_event(conn(), member_rebond, next).has_value());
  }
}

TEST_P(EventsAttendance, ReportCountsPerEventMemberRegionAndNamesMembersWhoNeverCome) {
  member(marseille);
  member(calanques);
  member(nice);
  auto day = event("2023-01-31"), next = event("2023-04-06"), later = event("2024-03-01");
  auto a = reg(day, contact("Anne", marseille), marseille);
  auto c = reg(day, contact("Chloé", calanques), calanques);
  auto b = reg(next, contact("Bruno", marseille), marseille);
  auto n = reg(day, contact("Nina", nice), nice);
  reg(later, contact("Léo", nice), nice);  // outside the period
  ASSERT_TRUE(cancel_registration(conn(), n, "2023-01-20T10:00:00Z", std::nullopt));
  ASSERT_FALSE(set_attendance(conn(), day, a, "attended", "2023-01-31T09:00:00Z", std::nullopt));
  ASSERT_FALSE(set_attendance(conn(), day, c, "no_show", "2023-01-31T17:00:00Z", std::nullopt));
  ASSERT_FALSE(set_attendance(conn(), next, b, "attended", "2023-04-06T09:00:00Z", std::nullopt));

  ReportFilter f{{path(paca)}, "2023-01-01", "2023-12-31"};
  auto rep = attendance_report(conn(), f);
  ASSERT_EQ(rep.events.size(), 2u);
  EXPECT_EQ(rep.events[0].id, day);
  EXPECT_EQ(rep.events[0].registrations, 2);  // the cancelled one is not counted
  EXPECT_EQ(rep.events[0].attended, 1);
  EXPECT_EQ(rep.events[0].no_show, 1);
  EXPECT_EQ(rep.events[0].cancelled, 1);
  EXPECT_EQ(rep.registrations, 3);
  EXPECT_EQ(rep.attended, 2);
  ASSERT_EQ(rep.members.size(), 2u);  // Calanques, Marseille (by name)
  EXPECT_EQ(rep.members[1].name, "Marseille Recyclage");
  EXPECT_EQ(rep.members[1].events, 2);
  EXPECT_EQ(rep.members[1].attended, 2);
  EXPECT_EQ(rep.members[1].last_attended, "2023-04-06T08:00:00Z");
  // Members who never came: Calanques (absent) and Nice (cancelled); not Rebond (not a member).
  ASSERT_EQ(rep.never.size(), 2u);
  EXPECT_EQ(rep.never[0].name, "Calanques Nature Insertion");
  EXPECT_EQ(rep.never[0].no_show, 1);
  EXPECT_EQ(rep.never[1].name, "Nice Insertion");
  ASSERT_EQ(rep.regions.size(), 1u);
  EXPECT_EQ(rep.regions[0].region, "93");
  EXPECT_EQ(rep.regions[0].events, 2);
  EXPECT_EQ(rep.regions[0].members, 3);
  EXPECT_EQ(rep.regions[0].members_attending, 1);
  // Another delegation's staff see none of it.
  ReportFilter other{{path(idf)}, "2023-01-01", "2023-12-31"};
  auto none = attendance_report(conn(), other);
  EXPECT_TRUE(none.events.empty());
  EXPECT_TRUE(none.members.empty());
}

TEST_P(EventsAttendance, MembersOnlyUnlessOpenToAllAndApprovalBeforeTheSeat) {
  member(marseille);
  auto id = event("2031-01-31", 1, false);
  auto now = "2031-01-10T10:00:00Z";
  RegistrationRequest r;
  r.event_id = id;
  r.contact_id = contact("Nina", nice);
  r.organisation_id = nice;  // no membership
  auto refused = register_contact(conn(), r, now, std::nullopt);
  ASSERT_TRUE(std::holds_alternative<web::Errors>(refused));
  EXPECT_EQ(std::get<web::Errors>(refused)[0].message,
            "Cet événement est réservé aux adhérents : « Nice Insertion » n'a pas d'adhésion en cours.");
  conn().query("UPDATE events SET open_to_all = 1, requires_approval = 1 WHERE id = ?", {id});
  auto nina = register_contact(conn(), r, now, std::nullopt);
  ASSERT_TRUE(std::holds_alternative<Registration>(nina));
  EXPECT_EQ(std::get<Registration>(nina).status, "awaiting_approval");
  RegistrationRequest s = r;
  s.contact_id = contact("Anne", marseille);
  s.organisation_id = marseille;
  auto anne = std::get<Registration>(register_contact(conn(), s, now, std::nullopt));
  EXPECT_EQ(anne.status, "awaiting_approval");
  // Approved in turn: the first takes the only seat, the second the waiting list.
  ASSERT_TRUE(approve_registration(conn(), anne.id, now, std::nullopt));
  EXPECT_EQ(status_of(anne.id), "registered");
  ASSERT_TRUE(approve_registration(conn(), std::get<Registration>(nina).id, now, std::nullopt));
  EXPECT_EQ(status_of(std::get<Registration>(nina).id), "waitlisted");
  EXPECT_FALSE(approve_registration(conn(), anne.id, now, std::nullopt));
  // Made by the staff: no approval step.
  RegistrationRequest t = s;
  t.contact_id = contact("Bruno", marseille);
  t.by_staff = true;
  EXPECT_EQ(std::get<Registration>(register_contact(conn(), t, now, std::nullopt)).status, "waitlisted");
  // Refused with its reason, kept in the history.
  RegistrationRequest u = s;
  u.contact_id = contact("Carla", marseille);
  auto carla = std::get<Registration>(register_contact(conn(), u, now, std::nullopt));
  ASSERT_TRUE(refuse_registration(conn(), carla.id, "Une place par structure", now, std::nullopt));
  EXPECT_EQ(status_of(carla.id), "cancelled");
  auto reason = conn().query("SELECT reason FROM registration_status_history WHERE registration_id = ? ORDER BY id DESC",
                             {carla.id});
  EXPECT_EQ(reason.rows[0].text(0), "Inscription refusée : Une place par structure");
}

INSTANTIATE_ON_BOTH_ENGINES(EventsAttendance);

}  // namespace
}  // namespace passerelle::events
