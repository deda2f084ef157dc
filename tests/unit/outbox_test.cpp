// The mail outbox on both engines: enqueue with dedupe, claim (one taker per
// message, also from two threads), back-off then failure, a permanent refusal,
// a sender that died while sending (uncertain, never resent blindly), requeue;
// and the events' e-mails queued in the same transaction as the registration.
#include <fmt/format.h>

#include <barrier>
#include <set>
#include <thread>

#include "core/web/outbox.hpp"
#include "events/mail.hpp"
#include "events/store.hpp"
#include "network/store.hpp"
#include "test_db.hpp"

namespace passerelle {
namespace {

class Outbox : public testing::EngineTest {
 protected:
  outbox::Outgoing mail(const std::string& key, const std::string& to = "anne@exemple.fr") {
    outbox::Outgoing m;
    m.kind = "test";
    m.dedupe_key = key;
    m.to_address = to;
    m.to_name = "Anne Martin";
    m.subject = "Objet";
    m.text = "Bonjour";
    m.attachments.push_back({"evenement.ics", "text/calendar", "BEGIN:VCALENDAR\r\n"});
    return m;
  }
  std::string status(std::int64_t id) {
    return conn().query("SELECT status FROM mail_outbox WHERE id = ?", {id}).rows[0].text(0);
  }
  std::string column(std::int64_t id, const char* name) {
    return conn().query(std::string("SELECT ") + name + " FROM mail_outbox WHERE id = ?", {id}).rows[0].text(0);
  }
  const std::string t0 = "2023-01-10T10:00:00Z";
  const std::vector<std::int64_t> delays = {60, 300};
};

TEST_P(Outbox, TheSameMailIsNeverQueuedTwice) {
  auto a = outbox::enqueue(conn(), mail("event-confirmation:1:1"), t0);
  ASSERT_TRUE(a.has_value());
  EXPECT_FALSE(outbox::enqueue(conn(), mail("event-confirmation:1:1"), t0).has_value());
  EXPECT_TRUE(outbox::enqueue(conn(), mail("event-confirmation:1:2"), t0).has_value());
  EXPECT_EQ(conn().query("SELECT COUNT(*) FROM mail_outbox").rows[0].integer(0), 2);
  EXPECT_EQ(conn().query("SELECT size, sha256 FROM mail_attachments WHERE mail_id = ?", {*a}).rows[0].integer(0), 17);
  EXPECT_EQ(status(*a), "queued");
}

TEST_P(Outbox, ClaimSendsOnceThenBacksOffAndFails) {
  auto id = *outbox::enqueue(conn(), mail("k"), t0);
  auto claimed = outbox::claim_due(conn(), t0, 600, 10);
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].attempts, 1);
  EXPECT_EQ(claimed[0].attachments.at(0).data, "BEGIN:VCALENDAR\r\n");
  EXPECT_EQ(status(id), "sending");
  EXPECT_TRUE(outbox::claim_due(conn(), t0, 600, 10).empty()) << "nobody else takes it";

  outbox::mark_failed(conn(), claimed[0], "Serveur de messagerie injoignable", false, t0, delays);
  EXPECT_EQ(status(id), "queued");
  EXPECT_EQ(column(id, "next_attempt_at"), "2023-01-10T10:01:00Z");
  EXPECT_EQ(column(id, "last_error"), "Serveur de messagerie injoignable");
  EXPECT_TRUE(outbox::claim_due(conn(), "2023-01-10T10:00:59Z", 600, 10).empty()) << "not before the delay";
  auto second = outbox::claim_due(conn(), "2023-01-10T10:01:00Z", 600, 10);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].attempts, 2);
  outbox::mark_failed(conn(), second[0], "Refus temporaire (451)", false, "2023-01-10T10:01:00Z", delays);
  EXPECT_EQ(column(id, "next_attempt_at"), "2023-01-10T10:06:00Z");
  auto third = outbox::claim_due(conn(), "2023-01-10T10:06:00Z", 600, 10);
  outbox::mark_failed(conn(), third.at(0), "Refus temporaire (451)", false, "2023-01-10T10:06:00Z", delays);
  EXPECT_EQ(status(id), "failed") << "the last attempt failed";
  EXPECT_EQ(conn().query("SELECT COUNT(*) FROM mail_status_history WHERE mail_id = ?", {id}).rows[0].integer(0), 7);
}

TEST_P(Outbox, APermanentRefusalFailsAtOnceAndASuccessIsSent) {
  auto refused = *outbox::enqueue(conn(), mail("a", "refuse@exemple.fr"), t0);
  auto fine = *outbox::enqueue(conn(), mail("b"), t0);
  auto claimed = outbox::claim_due(conn(), t0, 600, 10);
  ASSERT_EQ(claimed.size(), 2u);
  outbox::mark_failed(conn(), claimed[0], "Adresse refusée par le serveur de messagerie : 550", true, t0, delays);
  outbox::mark_sent(conn(), claimed[1], t0);
  EXPECT_EQ(status(refused), "failed");
  EXPECT_EQ(status(fine), "sent");
  EXPECT_EQ(column(fine, "sent_at"), t0);
}

TEST_P(Outbox, ASenderThatDiedWhileSendingLeavesItUncertainNeverResent) {
  auto id = *outbox::enqueue(conn(), mail("k"), t0);
  auto claimed = outbox::claim_due(conn(), t0, 600, 10);  // …then the process dies
  EXPECT_EQ(outbox::recover_stale(conn(), "2023-01-10T10:09:59Z"), 0) << "its lease still runs";
  EXPECT_EQ(outbox::recover_stale(conn(), "2023-01-10T10:10:01Z"), 1);
  EXPECT_EQ(status(id), "uncertain");
  EXPECT_TRUE(outbox::claim_due(conn(), "2023-01-10T11:00:00Z", 600, 10).empty()) << "not sent again on its own";
  // Staff requeue it; the dead claim can no longer record anything.
  EXPECT_TRUE(outbox::requeue(conn(), id, std::nullopt, "2023-01-10T11:00:00Z"));
  EXPECT_FALSE(outbox::requeue(conn(), id, std::nullopt, "2023-01-10T11:00:00Z")) << "only failed or uncertain";
  outbox::mark_sent(conn(), claimed[0], "2023-01-10T11:00:00Z");
  EXPECT_EQ(status(id), "queued");
  auto again = outbox::claim_due(conn(), "2023-01-10T11:00:00Z", 600, 10);
  ASSERT_EQ(again.size(), 1u);
  outbox::mark_sent(conn(), again[0], "2023-01-10T11:00:01Z");
  EXPECT_EQ(status(id), "sent");
}

TEST_P(Outbox, TwoSendersClaimingAtOnceNeverTakeTheSameMessage) {
  for (int i = 0; i < 40; ++i) outbox::enqueue(conn(), mail(fmt::format("k{}", i)), t0);
  std::barrier start(2);
  std::vector<std::int64_t> got[2];
  auto work = [&](int n) {
    auto lease = database().acquire();
    start.arrive_and_wait();
    for (int round = 0; round < 20; ++round) {
      for (;;) {
        try {
          for (auto& c : outbox::claim_due(*lease, t0, 600, 3)) got[n].push_back(c.id);
          break;
        } catch (const db::Error&) {  // SQLite busy: try again
        }
      }
    }
  };
  std::thread a(work, 0), b(work, 1);
  a.join();
  b.join();
  std::set<std::int64_t> all(got[0].begin(), got[0].end());
  for (auto id : got[1]) EXPECT_TRUE(all.insert(id).second) << "message " << id << " claimed twice";
  EXPECT_EQ(all.size(), 40u);
}

INSTANTIATE_ON_BOTH_ENGINES(Outbox);

// The events' e-mails, queued with the change they tell about.
class EventMails : public testing::EngineTest {
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
  std::int64_t contact(const std::string& first, const std::string& email) {
    network::ContactInput in;
    in.first_name = first;
    in.last_name = "Martin";
    in.email = email;
    in.organisation_ids = {std::to_string(member)};
    return network::create_contact(conn(), in);
  }
  void SetUp() override {
    EngineTest::SetUp();
    if (::testing::Test::IsSkipped()) return;
    auto fed = org("Fédération Passerelle", "federation", std::nullopt, "75011");
    paca = org("Délégation PACA", "delegation", fed, "13001");
    member = org("Marseille Recyclage", "ei", paca, "13014");
    events::EventValues v;
    v.kind = "members_day";
    v.title = "Journée des adhérents PACA";
    v.starts_at = "2023-01-31T08:00:00Z";
    v.ends_at = "2023-01-31T16:00:00Z";
    v.venue = "Mas Le Cagnard, Aix-en-Provence";
    v.organiser_id = paca;
    v.capacity = 1;
    v.offer_hours = 24;
    v.status = "published";
    v.regions = {network::get_organisation(conn(), {""}, paca)->region};
    v.open_to_all = true;  // the fixture's organisations hold no membership
    event = events::create_event(conn(), v);
  }
  std::int64_t registration(std::int64_t contact_id, const std::string& now = "2023-01-10T10:00:00Z") {
    events::RegistrationRequest r;
    r.event_id = event;
    r.contact_id = contact_id;
    r.organisation_id = member;
    return std::get<events::Registration>(events::register_contact(conn(), r, now, std::nullopt)).id;
  }
  // kind → subject of the mails queued for an address, in order.
  std::vector<std::pair<std::string, std::string>> mails_to(const std::string& address) {
    std::vector<std::pair<std::string, std::string>> out;
    for (auto& r : conn().query("SELECT kind, subject FROM mail_outbox WHERE to_address = ? ORDER BY id", {address}).rows)
      out.emplace_back(r.text(0), r.text(1));
    return out;
  }
  std::string body(const std::string& address, const std::string& kind) {
    return conn()
        .query("SELECT body_text FROM mail_outbox WHERE to_address = ? AND kind = ?", {address, kind})
        .rows.at(0)
        .text(0);
  }
  std::int64_t paca = 0, member = 0, event = 0;
};

TEST_P(EventMails, RegisteringQueuesTheConfirmationWithItsCalendar) {
  auto anne = contact("Anne", "anne@exemple.fr");
  auto r = registration(anne);
  EXPECT_EQ(mails_to("anne@exemple.fr"),
            (std::vector<std::pair<std::string, std::string>>{{"event_confirmation", "Inscription confirmée : Journée des adhérents PACA"}}));
  auto text = body("anne@exemple.fr", "event_confirmation");
  EXPECT_NE(text.find("Bonjour Anne Martin,"), std::string::npos) << text;
  EXPECT_NE(text.find("le mardi 31 janvier 2023 de 9 h 00 à 17 h 00"), std::string::npos) << text;
  EXPECT_NE(text.find("Où : Mas Le Cagnard, Aix-en-Provence"), std::string::npos) << text;
  EXPECT_EQ(text.find("\n\n\n"), std::string::npos) << "one blank line at most";
  auto ics = conn()
                 .query("SELECT a.content_type, a.content FROM mail_attachments a JOIN mail_outbox m ON m.id = a.mail_id "
                        "WHERE m.registration_id = ?",
                        {r})
                 .rows.at(0);
  EXPECT_EQ(ics.text(0), "text/calendar; charset=UTF-8; method=PUBLISH");
  EXPECT_NE(ics.blob(1).find("DTSTART:20230131T080000Z\r\n"), std::string::npos);
  // No address, no mail (and the registration still stands).
  auto nobody = contact("Sans", "");
  registration(nobody);
  EXPECT_EQ(conn().query("SELECT COUNT(*) FROM mail_outbox").rows[0].integer(0), 1);
}

TEST_P(EventMails, WaitingListOfferCancellationAndReminder) {
  auto anne = registration(contact("Anne", "anne@exemple.fr"));
  registration(contact("Bruno", "bruno@exemple.fr"));  // full: waitlisted
  EXPECT_EQ(mails_to("bruno@exemple.fr").at(0).first, "event_waitlisted");
  ASSERT_TRUE(events::cancel_registration(conn(), anne, "2023-01-12T16:00:00Z", std::nullopt));
  EXPECT_EQ(mails_to("anne@exemple.fr").back().first, "event_cancellation");
  EXPECT_EQ(mails_to("bruno@exemple.fr").back(),
            (std::pair<std::string, std::string>{"event_offer", "Une place vous est proposée : Journée des adhérents PACA"}));
  EXPECT_NE(body("bruno@exemple.fr", "event_offer").find("jusqu'au vendredi 13 janvier 2023 à 17 h 00"), std::string::npos)
      << body("bruno@exemple.fr", "event_offer");
  auto bruno = conn().query("SELECT id FROM registrations WHERE status = 'offered'").rows.at(0).integer(0);
  ASSERT_TRUE(events::accept_offer(conn(), bruno, "2023-01-13T09:00:00Z", std::nullopt));
  EXPECT_EQ(mails_to("bruno@exemple.fr").back().first, "event_confirmation");
  // The day before: one reminder, not two.
  EXPECT_EQ(events::queue_reminders(conn(), "2023-01-29T08:00:00Z"), 0) << "too early";
  EXPECT_EQ(events::queue_reminders(conn(), "2023-01-30T09:00:00Z"), 1);
  EXPECT_EQ(events::queue_reminders(conn(), "2023-01-30T10:00:00Z"), 0);
  EXPECT_EQ(mails_to("bruno@exemple.fr").back().second,
            "Rappel : Journée des adhérents PACA, le mardi 31 janvier 2023 à 9 h 00");
  EXPECT_TRUE(mails_to("anne@exemple.fr").size() == 2u) << "cancelled: no reminder";
}

TEST_P(EventMails, AnOfferNotAcceptedInTimeIsToldToItsHolder) {
  auto anne = registration(contact("Anne", "anne@exemple.fr"));
  registration(contact("Bruno", "bruno@exemple.fr"));  // full: waitlisted
  ASSERT_TRUE(events::cancel_registration(conn(), anne, "2023-01-12T16:00:00Z", std::nullopt));
  EXPECT_EQ(mails_to("bruno@exemple.fr").back().first, "event_offer");
  EXPECT_EQ(events::expire_offers(conn(), "2023-01-20T09:00:00Z"), 1);
  EXPECT_EQ(mails_to("bruno@exemple.fr").back(),
            (std::pair<std::string, std::string>{"event_offer_expired",
                                                 "Place non confirmée : Journée des adhérents PACA"}));
  EXPECT_NE(body("bruno@exemple.fr", "event_offer_expired").find("n'a pas été acceptée à temps"), std::string::npos);
}

TEST_P(EventMails, ACancelledEventIsToldToEveryoneRegisteredOrWaiting) {
  registration(contact("Anne", "anne@exemple.fr"));
  registration(contact("Bruno", "bruno@exemple.fr"));
  {
    db::Transaction tx(conn());
    events::set_event_status(conn(), event, "cancelled");
    tx.commit();
  }
  EXPECT_EQ(mails_to("anne@exemple.fr").back(),
            (std::pair<std::string, std::string>{"event_cancelled", "Événement annulé : Journée des adhérents PACA"}));
  EXPECT_EQ(mails_to("bruno@exemple.fr").back().first, "event_cancelled");
  auto method = conn()
                    .query("SELECT a.content_type FROM mail_attachments a JOIN mail_outbox m ON m.id = a.mail_id "
                           "WHERE m.kind = 'event_cancelled' LIMIT 1")
                    .rows.at(0)
                    .text(0);
  EXPECT_EQ(method, "text/calendar; charset=UTF-8; method=CANCEL");
}

INSTANTIATE_ON_BOTH_ENGINES(EventMails);

}  // namespace
}  // namespace passerelle
