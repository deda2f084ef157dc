// events/store on both engines: visibility by scope and region, the seat rule
// (waitlist, offer of a freed seat, expiry passing to the next), sessions, and
// two people taking the last seat at the same instant.
#include <atomic>
#include <barrier>
#include <set>
#include <thread>

#include "events/store.hpp"
#include "network/store.hpp"
#include "test_db.hpp"

namespace passerelle::events {
namespace {

class EventsStore : public testing::EngineTest {
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
  std::string region(std::int64_t id) { return network::get_organisation(conn(), {""}, id)->region; }

  void SetUp() override {
    EngineTest::SetUp();
    if (::testing::Test::IsSkipped()) return;
    fed = org("Fédération Passerelle", "federation", std::nullopt, "75011");
    paca = org("Délégation PACA", "delegation", fed, "13001");
    idf = org("Délégation Île-de-France", "delegation", fed, "75011");
    marseille = org("Marseille Recyclage", "ei", paca, "13014");
    nice = org("Nice Insertion", "aci", paca, "06000");
    rebond = org("Rebond 93", "ai", idf, "93200");
    staff_paca = {{path(paca)}, {}, {path(paca)}};
    member_marseille = {{}, {region(marseille)}, {path(marseille)}};
    member_rebond = {{}, {region(rebond)}, {path(rebond)}};
  }

  std::int64_t event(std::optional<std::int64_t> capacity, const std::string& status = "published") {
    EventValues v;
    v.kind = "members_day";
    v.title = "Journée des adhérents PACA";
    v.starts_at = "2023-01-31T08:30:00Z";
    v.ends_at = "2023-01-31T16:00:00Z";
    v.venue = "Marseille";
    v.organiser_id = paca;
    v.capacity = capacity;
    v.offer_hours = 24;
    v.status = status;
    v.regions = {region(paca)};
    v.open_to_all = true;  // the seat rule does not depend on memberships (events_attendance_test.cpp tests that rule)
    return create_event(conn(), v);
  }
  RegistrationRequest request(std::int64_t event_id, std::int64_t contact_id, std::int64_t organisation_id) {
    RegistrationRequest r;
    r.event_id = event_id;
    r.contact_id = contact_id;
    r.organisation_id = organisation_id;
    return r;
  }
  std::string status_of(std::int64_t registration_id) {
    return conn().query("SELECT status FROM registrations WHERE id = ?", {registration_id}).rows[0].text(0);
  }
  Registration registered(const RegistrationRequest& r, const std::string& now = "2023-01-10T10:00:00Z") {
    auto out = register_contact(conn(), r, now, std::nullopt);
    if (auto* e = std::get_if<web::Errors>(&out)) ADD_FAILURE() << (*e)[0].message;
    return std::get<Registration>(out);
  }

  std::int64_t fed = 0, paca = 0, idf = 0, marseille = 0, nice = 0, rebond = 0;
  EventAccess staff_paca, member_marseille, member_rebond;
};

TEST_P(EventsStore, MembersSeePublishedEventsOfTheirRegionAndStaffTheirOwn) {
  auto published = event(30);
  auto draft = event(30, "draft");
  auto ids = [](const std::vector<Event>& list) {
    std::vector<std::int64_t> out;
    for (auto& e : list) out.push_back(e.id);
    return out;
  };
  EXPECT_EQ(ids(list_events(conn(), staff_paca, {})), (std::vector<std::int64_t>{published, draft}));
  EXPECT_EQ(ids(list_events(conn(), member_marseille, {})), (std::vector<std::int64_t>{published}));
  EXPECT_TRUE(list_events(conn(), member_rebond, {}).empty());
  EXPECT_FALSE(get_event(conn(), member_rebond, published).has_value());
  EXPECT_FALSE(get_event(conn(), member_marseille, draft).has_value());
  EventAccess staff_idf{{path(idf)}, {}, {path(idf)}};
  EXPECT_FALSE(get_event(conn(), staff_idf, draft).has_value());
  EventFilter f;
  f.q = "adherents";
  EXPECT_EQ(list_events(conn(), staff_paca, f).size(), 2u);
  f.q = "congres";
  EXPECT_TRUE(list_events(conn(), staff_paca, f).empty());
}

TEST_P(EventsStore, FullEventWaitlistsAndAFreedSeatIsOfferedToTheFirstWaiting) {
  auto id = event(2);
  auto a = registered(request(id, contact("Anne", marseille), marseille));
  auto b = registered(request(id, contact("Bruno", marseille), marseille));
  auto c = registered(request(id, contact("Chloé", nice), nice));
  auto d = registered(request(id, contact("David", nice), nice));
  EXPECT_EQ(a.status, "registered");
  EXPECT_EQ(b.status, "registered");
  EXPECT_EQ(c.status, "waitlisted");
  EXPECT_EQ(d.status, "waitlisted");
  auto e = get_event(conn(), staff_paca, id);
  EXPECT_EQ(e->used, 2);
  EXPECT_EQ(e->waitlisted, 2);

  ASSERT_TRUE(cancel_registration(conn(), a.id, "2023-01-12T10:00:00Z", std::nullopt));
  EXPECT_EQ(status_of(a.id), "cancelled");
  EXPECT_EQ(status_of(c.id), "offered");
  EXPECT_EQ(status_of(d.id), "waitlisted");
  EXPECT_EQ(conn().query("SELECT offer_expires_at FROM registrations WHERE id = ?", {c.id}).rows[0].text(0),
            "2023-01-13T10:00:00Z");
  EXPECT_FALSE(cancel_registration(conn(), a.id, "2023-01-12T11:00:00Z", std::nullopt));  // already cancelled

  // Not yet expired: nothing moves.
  EXPECT_EQ(expire_offers(conn(), "2023-01-13T09:00:00Z"), 0);
  EXPECT_EQ(status_of(c.id), "offered");
  // Expired: passes to the next.
  EXPECT_EQ(expire_offers(conn(), "2023-01-13T10:00:00Z"), 1);
  EXPECT_EQ(status_of(c.id), "expired");
  EXPECT_EQ(status_of(d.id), "offered");
  EXPECT_FALSE(accept_offer(conn(), c.id, "2023-01-13T10:30:00Z", std::nullopt));
  EXPECT_TRUE(accept_offer(conn(), d.id, "2023-01-13T11:00:00Z", std::nullopt));
  EXPECT_EQ(status_of(d.id), "registered");
  EXPECT_EQ(get_event(conn(), staff_paca, id)->used, 2);
  auto history = conn().query("SELECT to_status FROM registration_status_history WHERE registration_id = ? ORDER BY id",
                              {d.id});
  ASSERT_EQ(history.rows.size(), 3u);
  EXPECT_EQ(history.rows[1].text(0), "offered");
  EXPECT_EQ(history.rows[2].text(0), "registered");
}

TEST_P(EventsStore, ALargerCapacityOffersTheNewSeatsToTheWaitingList) {
  auto id = event(1);
  auto a = registered(request(id, contact("Anne", marseille), marseille));
  auto b = registered(request(id, contact("Bruno", nice), nice));
  auto c = registered(request(id, contact("Chloé", nice), nice));
  ASSERT_EQ(b.status, "waitlisted");
  auto e = get_event(conn(), staff_paca, id);
  EventValues v{e->kind, e->title, e->description, e->starts_at, e->ends_at, e->venue, e->visio_url, e->organiser_id,
                2, e->registration_opens_at, e->registration_closes_at, e->offer_hours, e->themes, e->status, e->regions};
  {
    db::Transaction tx(conn());
    update_event(conn(), id, v);
    tx.commit();
  }
  EXPECT_EQ(status_of(a.id), "registered");
  EXPECT_EQ(status_of(b.id), "offered");
  EXPECT_EQ(status_of(c.id), "waitlisted");
}

TEST_P(EventsStore, AnOfferNeverTakesASessionOverItsCapacity) {
  auto id = event(2);
  auto s = add_session(conn(), id, {"Table ronde", "", 1});
  auto a = registered(request(id, contact("Anne", marseille), marseille));
  auto c = registered(request(id, contact("Chloé", nice), nice));
  auto rb = request(id, contact("Bruno", nice), nice), rd = request(id, contact("David", nice), nice);
  rb.session_ids = rd.session_ids = {s};
  auto b = registered(rb), d = registered(rd);  // both wait, both chose the round table (still empty)
  ASSERT_EQ(d.status, "waitlisted");
  ASSERT_TRUE(cancel_registration(conn(), a.id, "2023-01-12T10:00:00Z", std::nullopt));
  ASSERT_TRUE(cancel_registration(conn(), c.id, "2023-01-12T11:00:00Z", std::nullopt));
  EXPECT_EQ(status_of(b.id), "offered");
  EXPECT_EQ(status_of(d.id), "offered");
  auto e = get_event(conn(), staff_paca, id);
  EXPECT_EQ(e->sessions[0].used, 1) << "the round table keeps its capacity";
  EXPECT_EQ(get_registration(conn(), staff_paca, b.id)->session_ids, std::vector<std::int64_t>{s});
  EXPECT_TRUE(get_registration(conn(), staff_paca, d.id)->session_ids.empty());
}

TEST_P(EventsStore, DuplicateClosedWindowAndFullSessionAreErrors) {
  auto id = event(30);
  auto s1 = add_session(conn(), id, {"Table ronde 1", "Recrutement", 1});
  auto anne = contact("Anne", marseille);
  auto r = request(id, anne, marseille);
  r.session_ids = {s1};
  r.dietary = "végétarien";
  auto first = registered(r);
  EXPECT_EQ(first.status, "registered");

  auto dup = register_contact(conn(), request(id, anne, marseille), "2023-01-10T10:00:00Z", std::nullopt);
  ASSERT_TRUE(std::holds_alternative<web::Errors>(dup));
  EXPECT_EQ(std::get<web::Errors>(dup)[0].message, "Cette personne est déjà inscrite à cet événement.");

  auto full = request(id, contact("Bruno", nice), nice);
  full.session_ids = {s1};
  auto out = register_contact(conn(), full, "2023-01-10T10:00:00Z", std::nullopt);
  ASSERT_TRUE(std::holds_alternative<web::Errors>(out));
  EXPECT_EQ(std::get<web::Errors>(out)[0].message,
            "La session « Table ronde 1 » est complète : choisissez-en une autre.");

  auto late = register_contact(conn(), request(id, contact("Chloé", nice), nice), "2023-02-01T10:00:00Z", std::nullopt);
  ASSERT_TRUE(std::holds_alternative<web::Errors>(late));
  EXPECT_EQ(std::get<web::Errors>(late)[0].message, "Les inscriptions sont closes.");
  auto e = get_event(conn(), staff_paca, id);
  EXPECT_EQ(e->used, 1);
  ASSERT_EQ(e->sessions.size(), 1u);
  EXPECT_EQ(e->sessions[0].used, 1);

  // A cancelled person may register again: the same row comes back.
  ASSERT_TRUE(cancel_registration(conn(), first.id, "2023-01-11T10:00:00Z", std::nullopt));
  auto again = registered(request(id, anne, marseille), "2023-01-11T11:00:00Z");
  EXPECT_EQ(again.id, first.id);
  EXPECT_EQ(again.status, "registered");
}

TEST_P(EventsStore, MembersSeeOnlyTheirOwnRegistrations) {
  auto id = event(30);
  auto a = registered(request(id, contact("Anne", marseille), marseille));
  auto b = registered(request(id, contact("Bruno", nice), nice));
  EXPECT_TRUE(get_registration(conn(), member_marseille, a.id).has_value());
  EXPECT_FALSE(get_registration(conn(), member_marseille, b.id).has_value());
  EXPECT_TRUE(get_registration(conn(), staff_paca, b.id).has_value());
  auto own = own_registrations(conn(), member_marseille, {});
  ASSERT_EQ(own.size(), 1u);
  EXPECT_EQ(own[0].id, a.id);
  EXPECT_EQ(event_registrations(conn(), id).size(), 2u);
}

// Two people press "S'inscrire" for the last seat at the same instant, each on
// its own connection: one is registered, the other waitlisted. Repeated to
// give a race every chance to show.
TEST_P(EventsStore, TwoPeopleTakingTheLastSeatAtTheSameInstant) {
  for (int round = 0; round < 10; ++round) {
    auto id = event(1);
    std::int64_t people[2] = {contact("Anne" + std::to_string(round), marseille),
                              contact("Bruno" + std::to_string(round), nice)};
    std::int64_t orgs[2] = {marseille, nice};
    std::string statuses[2];
    std::barrier start(2);
    std::vector<std::thread> threads;
    for (int i = 0; i < 2; ++i)
      threads.emplace_back([&, i] {
        auto lease = database().acquire();  // its own connection
        start.arrive_and_wait();
        auto out = register_contact(*lease, request(id, people[i], orgs[i]), "2023-01-10T10:00:00Z", std::nullopt);
        if (auto* r = std::get_if<Registration>(&out)) statuses[i] = r->status;
      });
    for (auto& t : threads) t.join();
    std::multiset<std::string> got{statuses[0], statuses[1]};
    EXPECT_EQ(got, (std::multiset<std::string>{"registered", "waitlisted"})) << "round " << round;
    EXPECT_EQ(get_event(conn(), staff_paca, id)->used, 1);
  }
}

INSTANTIATE_ON_BOTH_ENGINES(EventsStore);

}  // namespace
}  // namespace passerelle::events
