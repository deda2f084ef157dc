// mailings/store on both engines: the audience (contacts with consent of member
// organisations by region and kind; participants of a programme or referent
// with an address), the unsubscribed left out, a send queued once per address
// even when run again after a crash, delivery counts, and the scope.
#include <fmt/format.h>

#include <algorithm>

#include "core/auth/auth.hpp"
#include "core/web/outbox.hpp"
#include "network/rules.hpp"
#include "network/store.hpp"
#include "resources/mailing_store.hpp"
#include "test_db.hpp"

namespace passerelle::mailings {
namespace {

constexpr const char* kNow = "2026-04-20T08:00:00Z";

class MailingStore : public testing::EngineTest {
 protected:
  std::int64_t org(const std::string& name, const std::string& kind, std::optional<std::int64_t> parent,
                   const std::string& postcode) {
    network::OrganisationInput in;
    in.name = name;
    in.kind = kind;
    in.postcode = postcode;
    in.department = network::department_of_postcode(postcode).value_or("");
    in.region = network::region_of_department(in.department).value_or("");
    in.commune = "Commune";
    std::optional<network::Organisation> p;
    if (parent) p = network::get_organisation(conn(), {""}, *parent);
    return network::create_organisation(conn(), in, p);
  }
  std::string path(std::int64_t id) { return network::get_organisation(conn(), {""}, id)->path; }

  void member(std::int64_t organisation, const std::string& status = "current") {
    conn().query("INSERT INTO memberships (organisation_id, year, join_date, start_date, end_date, status, created_at, "
                 "updated_at) VALUES (?, 2026, '2020-01-01', '2026-01-01', '2026-12-31', ?, ?, ?)",
                 {organisation, status, kNow, kNow});
  }
  std::int64_t contact(const std::string& first, const std::string& email, bool consent, std::int64_t organisation) {
    auto id = conn()
                  .query("INSERT INTO contacts (first_name, last_name, sort_name, search_text, email, mailing_consent, "
                         "mailing_consent_at, created_at, updated_at) VALUES (?, 'Test', ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                         {first, first, first, email, consent, consent ? db::Value(kNow) : db::Value(), kNow, kNow})
                  .rows[0]
                  .integer(0);
    conn().query("INSERT INTO contact_organisations (contact_id, organisation_id) VALUES (?, ?)", {id, organisation});
    return id;
  }
  std::int64_t participant(const std::string& first, const std::string& email, std::int64_t referent,
                           const std::string& status = "active") {
    auto id = conn()
                  .query("INSERT INTO participants (organisation_id, first_name, last_name, sort_name, search_text, "
                         "birth_date, email, consent_at, created_at, updated_at) VALUES (?, ?, 'Test', ?, ?, "
                         "'1990-01-01', ?, ?, ?, ?) RETURNING id",
                         {plie, first, first, first, email, kNow, kNow, kNow})
                  .rows[0]
                  .integer(0);
    conn().query("INSERT INTO enrolments (participant_id, programme_id, organisation_id, referent_id, status, entry_date, "
                 "next_due_on, created_at, updated_at) VALUES (?, ?, ?, ?, ?, '2026-01-05', '2026-05-01', ?, ?)",
                 {id, programme, plie, referent, status, kNow, kNow});
    return id;
  }

  void SetUp() override {
    EngineTest::SetUp();
    if (::testing::Test::IsSkipped()) return;
    fed = org("Fédération Passerelle", "federation", std::nullopt, "75011");
    idf = org("Délégation Île-de-France", "delegation", fed, "75011");
    pdl = org("Délégation Pays de la Loire", "delegation", fed, "44000");
    rebond = org("Rebond 93", "ai", idf, "93200");
    jardins = org("Les Jardins de Montreuil", "aci", idf, "93100");
    lapsed = org("Intérim ancien", "etti", idf, "75010");
    solipass = org("Solipass", "aci", pdl, "44600");
    plie = org("PLIE de Paris", "plie", idf, "75010");
    member(rebond);
    member(jardins, "grace");
    member(lapsed, "expired");
    member(solipass);
    programme = conn()
                    .query("INSERT INTO programmes (organisation_id, name, kind, cadence_days, max_duration_months, "
                           "created_at) VALUES (?, 'PLIE', 'plie', 15, 36, ?) RETURNING id",
                           {plie, kNow})
                    .rows[0]
                    .integer(0);
    rachida = auth::add_user(conn(), "rachida@exemple.fr", "Rachida", "motdepasse-solide-1");
    bruno = auth::add_user(conn(), "bruno@exemple.fr", "Bruno", "motdepasse-solide-2");
    staff = auth::add_user(conn(), "nadia@exemple.fr", "Nadia", "motdepasse-solide-3");
  }

  std::int64_t mailing(MailingValues v) {
    if (!v.organisation_id) v.organisation_id = idf;
    if (v.subject.empty()) v.subject = "Informations du réseau";
    if (v.body.empty()) v.body = "Texte";
    if (v.audience.empty()) v.audience = "contacts";
    return create_mailing(conn(), v, staff, kNow);
  }
  Mailing get(std::int64_t id) { return *get_mailing(conn(), {""}, id); }
  std::vector<std::string> emails(const Mailing& m) {
    std::vector<std::string> out;
    for (auto& r : audience_page(conn(), m, 0, 100)) out.push_back(r.email);
    std::sort(out.begin(), out.end());
    return out;
  }
  std::int64_t outbox_rows() { return conn().query("SELECT COUNT(*) FROM mail_outbox").rows[0].integer(0); }

  std::int64_t fed = 0, idf = 0, pdl = 0, rebond = 0, jardins = 0, lapsed = 0, solipass = 0, plie = 0, programme = 0;
  std::int64_t rachida = 0, bruno = 0, staff = 0;
};

TEST_P(MailingStore, ContactsWithConsentOfMemberOrganisations) {
  contact("Claire", "claire@rebond.fr", true, rebond);
  contact("Karim", "karim@rebond.fr", false, rebond);         // no consent
  contact("Sophie", "sophie@jardins.fr", true, jardins);      // grace period: still a member
  contact("Hélène", "helene@interim.fr", true, lapsed);       // expired membership
  contact("Inès", "ines@solipass.fr", true, solipass);        // another delegation
  contact("Sans", "", true, rebond);                          // no address
  EXPECT_EQ(emails(get(mailing({}))), (std::vector<std::string>{"claire@rebond.fr", "sophie@jardins.fr"}));
  MailingValues by_kind;
  by_kind.organisation_kind = "aci";
  EXPECT_EQ(emails(get(mailing(by_kind))), (std::vector<std::string>{"sophie@jardins.fr"}));
  MailingValues national;
  national.organisation_id = fed;
  national.region = "52";
  EXPECT_EQ(emails(get(mailing(national))), (std::vector<std::string>{"ines@solipass.fr"}));
  EXPECT_EQ(audience_count(conn(), get(mailing({}))), 2);
}

TEST_P(MailingStore, ParticipantsOfAProgrammeOrAReferent) {
  participant("Awa", "awa@exemple.org", rachida);
  participant("Moussa", "moussa@exemple.org", bruno);
  participant("Sans", "", rachida);                               // no address
  participant("Sorti", "sorti@exemple.org", rachida, "exited");   // no longer followed
  MailingValues all;
  all.audience = "participants";
  all.programme_id = programme;
  EXPECT_EQ(emails(get(mailing(all))), (std::vector<std::string>{"awa@exemple.org", "moussa@exemple.org"}));
  MailingValues hers;
  hers.audience = "participants";
  hers.referent_id = rachida;
  EXPECT_EQ(emails(get(mailing(hers))), (std::vector<std::string>{"awa@exemple.org"}));
  // Outside the sender's subtree: nobody.
  MailingValues foreign = all;
  foreign.organisation_id = pdl;
  EXPECT_TRUE(emails(get(mailing(foreign))).empty());
}

TEST_P(MailingStore, SendQueuesEachAddressOnceEvenWhenRunAgain) {
  contact("Claire", "claire@rebond.fr", true, rebond);
  contact("Claire bis", "Claire@Rebond.fr", true, jardins);  // the same person twice
  contact("Mamadou", "mamadou@rebond.fr", true, rebond);
  auto id = mailing({});
  ASSERT_TRUE(start_sending(conn(), id, staff, kNow));
  EXPECT_FALSE(start_sending(conn(), id, staff, kNow));  // one caller wins
  EXPECT_EQ(queue_all(conn(), id, "https://passerelle.test", 1), 2);
  EXPECT_EQ(outbox_rows(), 2);
  auto m = get(id);
  EXPECT_EQ(m.status, "sent");
  EXPECT_EQ(m.recipients_count, 2);
  // A restart after a crash in the middle of queuing: the mailing is still
  // "sending" and is queued again; nobody gets a second message.
  conn().query("UPDATE mailings SET status = 'sending' WHERE id = ?", {id});
  contact("Nouvelle", "nouvelle@rebond.fr", true, rebond);
  EXPECT_EQ(queue_all(conn(), id, "https://passerelle.test"), 1);  // only the one not queued yet
  EXPECT_EQ(outbox_rows(), 3);
  auto keys = conn().query("SELECT dedupe_key, kind FROM mail_outbox ORDER BY dedupe_key");
  EXPECT_EQ(keys.rows[0].text(0), fmt::format("mailing:{}:claire@rebond.fr", id));
  EXPECT_EQ(keys.rows[0].text(1), "mailing");
  auto counts = delivery_counts(conn(), id);
  EXPECT_EQ(counts[0].first, "queued");
  EXPECT_EQ(counts[0].second, 3);
  auto rows = recipients(conn(), id, {});
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].status, "queued");
  RecipientFilter f;
  f.q = "MAMADOU";
  EXPECT_EQ(recipients(conn(), id, f).size(), 1u);
  // A draft is never queued.
  EXPECT_EQ(queue_all(conn(), mailing({}), "https://passerelle.test"), 0);
}

TEST_P(MailingStore, UnsubscribedAreLeftOutOfLaterMailings) {
  auto claire = contact("Claire", "claire@rebond.fr", true, rebond);
  contact("Mamadou", "mamadou@rebond.fr", true, rebond);
  auto awa = participant("Awa", "awa@exemple.org", rachida);
  participant("Moussa", "moussa@exemple.org", rachida);
  auto first = mailing({});
  start_sending(conn(), first, staff, kNow);
  queue_all(conn(), first, "https://passerelle.test");
  // The token is in the message only; the table keeps its hash.
  auto body = conn().query("SELECT body_text FROM mail_outbox WHERE to_address = 'claire@rebond.fr'").rows[0].text(0);
  auto at = body.find("/desabonnement/");
  ASSERT_NE(at, std::string::npos);
  auto token = body.substr(at + 15, 64);
  EXPECT_TRUE(conn().query("SELECT 1 FROM mailing_recipients WHERE unsubscribe_hash = ?", {token}).empty());
  auto tampered = token;
  tampered.back() = tampered.back() == 'a' ? 'b' : 'a';
  EXPECT_FALSE(find_unsubscribe(conn(), tampered));
  EXPECT_FALSE(find_unsubscribe(conn(), "court"));
  auto target = find_unsubscribe(conn(), token);
  ASSERT_TRUE(target);
  EXPECT_EQ(target->contact_id, claire);
  EXPECT_FALSE(target->done);
  unsubscribe(conn(), *target, auth::now_utc());
  EXPECT_TRUE(find_unsubscribe(conn(), token)->done);
  EXPECT_EQ(conn().query("SELECT mailing_consent FROM contacts WHERE id = ?", {claire}).rows[0].integer(0), 0);
  EXPECT_EQ(emails(get(mailing({}))), (std::vector<std::string>{"mamadou@rebond.fr"}));
  // Consent given again later: mailings reach her again.
  conn().query("UPDATE contacts SET mailing_consent = 1, mailing_consent_at = ? WHERE id = ?", {auth::utc_after(3600), claire});
  EXPECT_EQ(emails(get(mailing({}))).size(), 2u);

  MailingValues pv;
  pv.audience = "participants";
  pv.programme_id = programme;
  auto second = mailing(pv);
  start_sending(conn(), second, staff, kNow);
  queue_all(conn(), second, "https://passerelle.test");
  auto pbody = conn().query("SELECT body_text FROM mail_outbox WHERE to_address = 'awa@exemple.org'").rows[0].text(0);
  auto ptarget = find_unsubscribe(conn(), pbody.substr(pbody.find("/desabonnement/") + 15, 64));
  ASSERT_TRUE(ptarget);
  EXPECT_EQ(ptarget->participant_id, awa);
  unsubscribe(conn(), *ptarget, auth::now_utc());
  EXPECT_EQ(emails(get(mailing(pv))), (std::vector<std::string>{"moussa@exemple.org"}));
  // The participant's file lists what was sent.
  auto sent = sent_to_participant(conn(), awa);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].mailing_id, second);
  EXPECT_EQ(sent[0].status, "queued");
}

TEST_P(MailingStore, ScopeAndReferences) {
  auto id = mailing({});
  EXPECT_TRUE(get_mailing(conn(), {path(idf)}, id));
  EXPECT_TRUE(get_mailing(conn(), {path(fed)}, id));
  EXPECT_FALSE(get_mailing(conn(), {path(pdl)}, id));
  MailingFilter f;
  EXPECT_EQ(list_mailings(conn(), {path(pdl)}, f).size(), 0u);
  EXPECT_EQ(list_mailings(conn(), {path(idf)}, f).size(), 1u);
  f.q = "reseau";  // accent-insensitive
  EXPECT_EQ(list_mailings(conn(), {path(idf)}, f).size(), 1u);
  MailingValues v;
  v.organisation_id = pdl;
  v.audience = "participants";
  v.programme_id = programme;  // the PLIE is in Île-de-France
  v.referent_id = bruno;       // no referent role
  auto errors = check_references(conn(), {path(idf)}, v);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].field, "organisation_id");
  errors = check_references(conn(), {path(fed)}, v);
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].field, "programme_id");
  EXPECT_EQ(errors[1].field, "referent_id");
}

INSTANTIATE_ON_BOTH_ENGINES(MailingStore);

}  // namespace
}  // namespace passerelle::mailings
