// events/work_rules: working groups, members, deliverables, projects, funders
// and activities are checked with every error at once, in French, by field.
#include <gtest/gtest.h>

#include "events/work_rules.hpp"

namespace passerelle::events {
namespace {

std::string message(const web::Errors& errors, const std::string& field) {
  auto* e = web::find_error(errors, field);
  return e ? e->message : "";
}

TEST(WorkRules, AGroupRunsSinceItsStartAndEndsAfterIt) {
  GroupValues v;
  EXPECT_TRUE(validate_group({"Difficultés de recrutement dans les SIAE", "", "4", "2021-01-14", "", ""}, v).empty());
  EXPECT_EQ(v.status, "active");
  EXPECT_FALSE(v.ends_on.has_value());
  auto errors = validate_group({" ", "", "", "2021-01-14", "2020-12-31", "dormant"}, v);
  EXPECT_EQ(message(errors, "title"), "Le titre est obligatoire.");
  EXPECT_EQ(message(errors, "organiser_id"), "Choisissez l'organisation qui anime le groupe.");
  EXPECT_EQ(message(errors, "ends_on"), "La fin doit être après le début.");
  EXPECT_EQ(message(errors, "status"), "Statut inconnu.");
  EXPECT_EQ(message(validate_group({"T", "", "4", "14/01/2021", "", ""}, v), "starts_on"), "Indiquez la date de début.");
}

TEST(WorkRules, AMemberHasARoleAndJoinsTodayByDefault) {
  MemberValues v;
  EXPECT_TRUE(validate_member({"12", "", "", ""}, "2026-12-07", v).empty());
  EXPECT_EQ(v.role, "member");
  EXPECT_EQ(v.joined_on, "2026-12-07");
  auto errors = validate_member({"", "x", "boss", "2021-02-30"}, "2026-12-07", v);
  EXPECT_EQ(errors.size(), 4u);
  EXPECT_EQ(message(errors, "organisation_id"), "Choisissez la structure membre.");
}

TEST(WorkRules, ADeliveredDeliverableHasALinkAndVideosADuration) {
  DeliverableValues v;
  EXPECT_TRUE(validate_deliverable({"video", "Vidéo 1", "2022-06-15", "https://videos.example.fr/1", "", "3:20", "delivered"}, v)
                  .empty());
  EXPECT_EQ(v.duration_seconds, 200);
  EXPECT_EQ(format_duration(200), "3 min 20 s");
  EXPECT_EQ(format_duration(120), "2 min");
  EXPECT_TRUE(validate_deliverable({"synthesis", "Synthèse", "", "", "", "4", ""}, v).empty());
  EXPECT_EQ(v.duration_seconds, 240);
  EXPECT_EQ(v.status, "planned");
  auto errors = validate_deliverable({"film", "", "demain", "ftp://x", "", "3:75", "delivered"}, v);
  EXPECT_EQ(message(errors, "kind"), "Choisissez le type de livrable.");
  EXPECT_EQ(message(errors, "title"), "Le titre est obligatoire.");
  EXPECT_EQ(message(errors, "dated_on"), "Date invalide.");
  EXPECT_EQ(message(errors, "url"), "Le lien doit commencer par https://.");
  EXPECT_EQ(message(errors, "duration"), "Durée invalide : minutes, ou minutes:secondes (3:20).");
  EXPECT_EQ(message(validate_deliverable({"video", "V", "", "", "", "", "delivered"}, v), "url"),
            "Un livrable remis a un lien ou une référence de fichier.");
}

TEST(WorkRules, AProjectEndsAfterItStartsAndAimsAtZeroOrMorePeople) {
  ProjectValues v;
  EXPECT_TRUE(validate_project({"Cycle participation", "", "3", "2021-06-01", "2022-06-30", "", "42", ""}, v).empty());
  EXPECT_EQ(v.target_participants, 42);
  EXPECT_EQ(v.status, "planned");
  auto errors = validate_project({"P", "", "3", "2022-06-30", "2021-06-01", "", "-5", ""}, v);
  EXPECT_EQ(message(errors, "ends_on"), "La fin doit être après le début.");
  EXPECT_EQ(message(errors, "target_participants"), "L'objectif de participants ne peut pas être négatif.");
  EXPECT_EQ(message(validate_project({"P", "", "3", "2021-06-01", "2022-06-30", "", "quarante", ""}, v),
                    "target_participants"),
            "L'objectif de participants doit être un nombre entier.");
}

TEST(WorkRules, FunderAmountsAreEurosInFormsAndCentsInTheApi) {
  FunderValues v;
  EXPECT_TRUE(validate_funder({"7", "12 500,50", false}, v).empty());
  EXPECT_EQ(v.amount_cents, 1250050);
  EXPECT_TRUE(validate_funder({"7", "1500000", true}, v).empty());
  EXPECT_EQ(v.amount_cents, 1500000);
  EXPECT_EQ(message(validate_funder({"7", "-100", false}, v), "amount"), "Le montant ne peut pas être négatif.");
  EXPECT_EQ(message(validate_funder({"7", "-100", true}, v), "amount"), "Le montant ne peut pas être négatif.");
  EXPECT_EQ(message(validate_funder({"7", "beaucoup", false}, v), "amount"),
            "Le montant doit être un nombre en euros (12 500,00).");
  EXPECT_EQ(message(validate_funder({"7", "12.5", true}, v), "amount"), "Le montant doit être un nombre entier de centimes.");
  EXPECT_EQ(message(validate_funder({"", "", false}, v), "organisation_id"), "Choisissez le financeur.");
}

TEST(WorkRules, AnActivityIsDoneWhenItsEventIsDone) {
  ActivityValues v;
  EXPECT_TRUE(validate_activity({"discussion_cafe", "Café discussion 1", "2021-06-17", "12"}, v).empty());
  EXPECT_EQ(v.event_id, 12);
  auto errors = validate_activity({"party", "", "", "abc"}, v);
  EXPECT_EQ(errors.size(), 4u);
  EXPECT_EQ(message(errors, "event_id"), "Événement introuvable.");
  EXPECT_EQ(activity_state("done"), "done");
  EXPECT_EQ(activity_state("cancelled"), "cancelled");
  EXPECT_EQ(activity_state("published"), "planned");
  EXPECT_EQ(activity_state(std::nullopt), "planned");
  EXPECT_EQ(french_long_date("2021-06-01"), "1er juin 2021");
  EXPECT_EQ(french_long_date("2021-12-08"), "8 décembre 2021");
}

}  // namespace
}  // namespace passerelle::events
