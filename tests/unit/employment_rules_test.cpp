// Pure rules of the employment module: offers, CV profiles and files, the
// positioning state machine, search text.
#include <gtest/gtest.h>

#include "employment/rules.hpp"

using namespace passerelle;
using namespace passerelle::employment;

namespace {

bool known(std::string_view code) { return code == "F1703" || code == "K2204" || code == "G1602"; }

OfferInput good_offer() {
  OfferInput in;
  in.employer_id = "12";
  in.title = "Maçon·ne VRD";
  in.rome_code = "F1703";
  in.contract_type = "cddi";
  in.weekly_hours = "35";
  in.positions = "2";
  in.start_date = "2020-05-11";
  in.end_date = "2020-11-10";
  in.status = "open";
  return in;
}

const web::FieldError* err(const web::Errors& e, const char* f) { return web::find_error(e, f); }

ProfileInput good_profile() {
  ProfileInput p;
  p.first_name = "Aïssata";
  p.last_name = "Koné";
  p.target_trades = {"K2204", "G1602"};
  p.skills = "Autolaveuse, protocole de bionettoyage";
  p.commune = "Nantes";
  p.postcode = "44100";
  p.department = "44";
  p.consent = "1";
  p.consent_date = "2020-04-02";
  return p;
}

const Date kToday{2020, 4, 15};

}  // namespace

TEST(EmploymentRules, RomeCodeShape) {
  EXPECT_TRUE(is_rome_code_shape("F1703"));
  EXPECT_TRUE(is_rome_code_shape("N1103"));
  EXPECT_FALSE(is_rome_code_shape("f1703"));
  EXPECT_FALSE(is_rome_code_shape("Z1703"));
  EXPECT_FALSE(is_rome_code_shape("F170"));
  EXPECT_FALSE(is_rome_code_shape("F17033"));
}

TEST(EmploymentRules, WeeklyHoursAreReadAsMinutes) {
  EXPECT_EQ(parse_weekly_minutes("35"), 2100);
  EXPECT_EQ(parse_weekly_minutes("17,5"), 1050);
  EXPECT_EQ(parse_weekly_minutes("17.25"), 1035);
  EXPECT_EQ(parse_weekly_minutes("24h30"), 1470);
  EXPECT_EQ(parse_weekly_minutes("24 h"), 1440);
  EXPECT_FALSE(parse_weekly_minutes("trente"));
  EXPECT_FALSE(parse_weekly_minutes("24h75"));
  EXPECT_FALSE(parse_weekly_minutes("-3"));
  EXPECT_EQ(format_minutes(2100), "35 h");
  EXPECT_EQ(format_minutes(1050), "17 h 30");
}

TEST(EmploymentRules, AGoodOfferPasses) {
  auto v = validate_offer(good_offer(), known);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->employer_id, 12);
  EXPECT_EQ(v->weekly_minutes, 35 * 60);
  EXPECT_EQ(v->positions, 2);
  EXPECT_FALSE(v->contract_id);
}

TEST(EmploymentRules, AnOfferGetsEveryErrorAtOnceInFrench) {
  OfferInput in;
  in.title = "";
  in.rome_code = "F9999";
  in.contract_type = "stage";
  in.weekly_hours = "60";
  in.positions = "0";
  in.start_date = "2020-02-30";
  in.status = "open";
  auto v = validate_offer(in, known);
  ASSERT_FALSE(v.has_value());
  auto& e = v.error();
  EXPECT_STREQ(err(e, "employer_id")->message.c_str(), "Choisissez l'employeur.");
  EXPECT_NE(err(e, "title"), nullptr);
  EXPECT_EQ(err(e, "rome_code")->message, "Le code ROME F9999 ne figure pas dans le référentiel.");
  EXPECT_NE(err(e, "contract_type"), nullptr);
  EXPECT_NE(err(e, "weekly_hours")->message.find("48 heures"), std::string::npos);
  EXPECT_NE(err(e, "positions"), nullptr);
  EXPECT_NE(err(e, "start_date"), nullptr);
}

TEST(EmploymentRules, OfferDatesAndContractKind) {
  auto in = good_offer();
  in.end_date = "2020-05-01";
  auto v = validate_offer(in, known);
  ASSERT_FALSE(v);
  EXPECT_EQ(err(v.error(), "end_date")->message, "La date de fin ne peut pas précéder la date de début.");
  in = good_offer();
  in.contract_type = "cdi";
  v = validate_offer(in, known);
  ASSERT_FALSE(v);
  EXPECT_EQ(err(v.error(), "end_date")->message, "Un CDI n'a pas de date de fin.");
  in.end_date = "";
  in.contract_id = "abc";
  v = validate_offer(in, known);
  ASSERT_FALSE(v);
  EXPECT_NE(err(v.error(), "contract_id"), nullptr);
  in.contract_id = "42";
  v = validate_offer(in, known);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->contract_id, 42);
  in.rome_code = "1703";
  v = validate_offer(in, known);
  ASSERT_FALSE(v);
  EXPECT_NE(err(v.error(), "rome_code")->message.find("une lettre et quatre chiffres"), std::string::npos);
}

TEST(EmploymentRules, AGoodProfilePasses) {
  auto v = validate_profile(good_profile(), kToday, known);
  ASSERT_TRUE(v.has_value()) << v.error().front().message;
  EXPECT_TRUE(v->consent);
  EXPECT_FALSE(v->participant_id);
}

TEST(EmploymentRules, ConsentNeedsADateNotInTheFuture) {
  auto p = good_profile();
  p.consent_date = "";
  auto v = validate_profile(p, kToday, known);
  ASSERT_FALSE(v);
  EXPECT_NE(err(v.error(), "consent_date"), nullptr);
  p.consent_date = "2020-05-01";
  v = validate_profile(p, kToday, known);
  ASSERT_FALSE(v);
  EXPECT_EQ(err(v.error(), "consent_date")->message, "La date du consentement ne peut pas être dans le futur.");
  p.consent = "";
  p.consent_date = "";
  EXPECT_TRUE(validate_profile(p, kToday, known));  // a profile may wait for consent, unseen by companies
}

TEST(EmploymentRules, AProfilePhoneMayBeFrenchOrInternationalAndTheErrorSaysSo) {
  auto p = good_profile();
  for (const char* phone : {"06 12 34 56 78", "+33 6 12 34 56 78", "0612345678"}) {
    p.phone = phone;
    EXPECT_TRUE(validate_profile(p, kToday, known)) << phone;
  }
  p.phone = "12";
  auto v = validate_profile(p, kToday, known);
  ASSERT_FALSE(v);
  EXPECT_EQ(err(v.error(), "phone")->message,
            "Le numéro de téléphone n'est pas valide (exemple : 06 12 34 56 78 ou +33 6 12 34 56 78).");
}

TEST(EmploymentRules, ProfileTradesAndMobility) {
  auto p = good_profile();
  p.target_trades = {};
  p.radius_km = "1000";
  p.email = "pas-une-adresse";
  auto v = validate_profile(p, kToday, known);
  ASSERT_FALSE(v);
  EXPECT_EQ(err(v.error(), "target_trades")->message, "Indiquez au moins un métier visé (code ROME).");
  EXPECT_NE(err(v.error(), "radius_km"), nullptr);
  EXPECT_NE(err(v.error(), "email"), nullptr);
  p = good_profile();
  p.target_trades = {"K2204", "X0000"};
  v = validate_profile(p, kToday, known);
  ASSERT_FALSE(v);
  EXPECT_NE(err(v.error(), "target_trades"), nullptr);
}

TEST(EmploymentRules, NoConsentNoCompany) {
  EXPECT_TRUE(may_show_to_company(true, "2020-04-02"));
  EXPECT_FALSE(may_show_to_company(false, "2020-04-02"));
  EXPECT_FALSE(may_show_to_company(true, ""));
}

TEST(EmploymentRules, CvFilesArePdfOfAtMostTwoMegabytes) {
  EXPECT_FALSE(check_cv_file("cv.pdf", "%PDF-1.4\n..."));
  EXPECT_EQ(check_cv_file("cv.pdf", ""), "Le fichier est vide.");
  EXPECT_EQ(check_cv_file("cv.docx", "PK\x03\x04"), "Le CV doit être un fichier PDF.");
  std::string big = "%PDF-1.4" + std::string(kMaxCvBytes, 'x');
  EXPECT_NE(check_cv_file("cv.pdf", big)->find("2 Mo"), std::string::npos);
}

TEST(EmploymentRules, PositioningStateMachine) {
  EXPECT_EQ(next_state("proposed", "send"), "sent_to_employer");
  EXPECT_EQ(next_state("sent_to_employer", "interview"), "interview");
  EXPECT_EQ(next_state("interview", "hire"), "hired");
  EXPECT_EQ(next_state("interview", "reject"), "not_retained");
  EXPECT_EQ(next_state("proposed", "withdraw"), "withdrawn");
  EXPECT_FALSE(next_state("proposed", "hire"));
  EXPECT_FALSE(next_state("hired", "withdraw"));
  EXPECT_FALSE(next_state("not_retained", "send"));
  EXPECT_EQ(allowed_transitions("proposed"), (std::vector<std::string_view>{"send", "withdraw"}));
  EXPECT_TRUE(allowed_transitions("hired").empty());
}

TEST(EmploymentRules, AHireRecordsContractStartAndHours) {
  auto r = apply_transition("interview", "hire", {"apprenticeship", "2020-09-01", "35"});
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->to, "hired");
  ASSERT_TRUE(r->hire);
  EXPECT_EQ(r->hire->contract_type, "apprenticeship");
  EXPECT_EQ(r->hire->start_date, "2020-09-01");
  EXPECT_EQ(r->hire->weekly_minutes, 2100);
  auto bad = apply_transition("interview", "hire", {"", "", ""});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().size(), 3u);
  auto refused = apply_transition("proposed", "hire", {"cdi", "2020-09-01", "35"});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().front().message, "Impossible depuis l'état « Proposé » : Embauche.");
  auto send = apply_transition("proposed", "send", {});
  ASSERT_TRUE(send);
  EXPECT_FALSE(send->hire);
}

TEST(EmploymentRules, SearchTextIsFolded) {
  auto p = good_profile();
  auto s = profile_search_text(p, {"Nettoyage de locaux", "Personnel de cuisine"});
  EXPECT_NE(s.find("aissata"), std::string::npos);
  EXPECT_NE(s.find("kone"), std::string::npos);
  EXPECT_NE(s.find("k2204"), std::string::npos);
  EXPECT_NE(s.find("nettoyage"), std::string::npos);
  EXPECT_NE(s.find("bionettoyage"), std::string::npos);
  EXPECT_EQ(profile_trade_text({"G1602"}, {"Personnel de cuisine"}), "g1602 personnel de cuisine ");
  EXPECT_TRUE(is_work_study("apprenticeship"));
  EXPECT_FALSE(is_work_study("cddi"));
  EXPECT_TRUE(is_processed_offer("filled"));
  EXPECT_FALSE(is_processed_offer("draft"));
}
