// mailings/rules: validation of a mailing (every error at once, by field, in
// French) and the message of one recipient (greeting, resources with their
// link, unsubscribe link; HTML escaped).
#include <gtest/gtest.h>

#include "resources/mailing_rules.hpp"

namespace passerelle::mailings {
namespace {

MailingInput contacts_input() {
  MailingInput in;
  in.organisation_id = "3";
  in.subject = "Confinement : les informations du réseau";
  in.body = "Mesures sanitaires, questions juridiques et économiques.";
  in.audience = "contacts";
  in.region = "11";
  in.organisation_kind = "ai";
  return in;
}

TEST(MailingRules, AValidMailingToContacts) {
  MailingValues v;
  EXPECT_TRUE(validate_mailing(contacts_input(), v).empty());
  EXPECT_EQ(v.organisation_id, 3);
  EXPECT_EQ(v.region, "11");
  EXPECT_EQ(v.organisation_kind, "ai");
}

TEST(MailingRules, EveryErrorAtOnce) {
  MailingInput in;
  in.audience = "everyone";
  in.resource_ids = {"x"};
  MailingValues v;
  auto errors = validate_mailing(in, v);
  std::vector<std::string> fields;
  for (auto& e : errors) fields.push_back(e.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"organisation_id", "subject", "resource_ids", "audience"}));
}

TEST(MailingRules, TextOrResourceNeeded) {
  auto in = contacts_input();
  in.body = "  ";
  MailingValues v;
  auto errors = validate_mailing(in, v);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].field, "body");
  in.resource_ids = {"12", "12", "13"};
  EXPECT_TRUE(validate_mailing(in, v).empty());
  EXPECT_EQ(v.resource_ids, (std::vector<std::int64_t>{12, 13}));  // twice is once
}

TEST(MailingRules, UnknownRegionOrKind) {
  auto in = contacts_input();
  in.region = "99";
  in.organisation_kind = "castle";
  MailingValues v;
  auto errors = validate_mailing(in, v);
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].message, "Région inconnue.");
  EXPECT_EQ(errors[1].message, "Type de structure inconnu.");
}

TEST(MailingRules, ParticipantsNeedAProgrammeOrAReferent) {
  auto in = contacts_input();
  in.audience = "participants";
  MailingValues v;
  auto errors = validate_mailing(in, v);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].field, "programme_id");
  EXPECT_TRUE(v.region.empty());  // contacts' criteria do not apply
  in.referent_id = "7";
  EXPECT_TRUE(validate_mailing(in, v).empty());
  EXPECT_EQ(v.referent_id, 7);
}

TEST(MailingRules, SubjectOnOneLine) {
  auto in = contacts_input();
  in.subject = "Objet\r\nBcc: tous@exemple.fr";
  MailingValues v;
  auto errors = validate_mailing(in, v);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].field, "subject");
}

TEST(MailingRules, ComposeTextAndEscapedHtml) {
  auto c = compose("Première ligne\n\n<b>Deuxième</b> & fin", {{42, "Note à la Direccte", "31 mars 2020"}},
                   "https://passerelle.test", "https://passerelle.test/desabonnement/abc", "Délégation Île-de-France",
                   "Claire Martin");
  EXPECT_NE(c.text.find("Bonjour Claire Martin,"), std::string::npos);
  EXPECT_NE(c.text.find("- Note à la Direccte\n  31 mars 2020\n  https://passerelle.test/ressources/42"), std::string::npos);
  EXPECT_NE(c.text.find("Pour ne plus les recevoir : https://passerelle.test/desabonnement/abc"), std::string::npos);
  EXPECT_NE(c.html.find("&lt;b&gt;Deuxième&lt;/b&gt; &amp; fin"), std::string::npos);
  EXPECT_EQ(c.html.find("<b>"), std::string::npos);
  EXPECT_NE(c.html.find("<a href=\"https://passerelle.test/ressources/42\">Note à la Direccte</a>"), std::string::npos);
}

TEST(MailingRules, DedupeKeyIgnoresCase) {
  EXPECT_EQ(dedupe_key(5, " Claire.Martin@Exemple.FR "), "mailing:5:claire.martin@exemple.fr");
  EXPECT_TRUE(plausible_email("a@b.fr"));
  EXPECT_FALSE(plausible_email("a b@c.fr"));
  EXPECT_FALSE(plausible_email("ab.fr"));
}

}  // namespace
}  // namespace passerelle::mailings
