// clauses/rules: required hours and their explanation, the contract status
// machine, checks of contracts and hours entries, rule sets, progress.
#include <gtest/gtest.h>

#include "clauses/model.hpp"
#include "clauses/rules.hpp"

namespace passerelle::clauses {
namespace {

bool has_error(const web::Errors& e, const char* field) { return web::find_error(e, field) != nullptr; }
std::string message(const web::Errors& e, const char* field) {
  auto* f = web::find_error(e, field);
  return f ? f->message : "";
}

TEST(ClausesNumbers, ParsesFrenchAmountsPercentsAndHours) {
  EXPECT_EQ(parse_euros("1 234 567,89"), 123456789);
  EXPECT_EQ(parse_euros("1234567.8"), 123456780);
  EXPECT_EQ(parse_euros("1\u00a0000\u00a0000 €"), 100000000);
  EXPECT_EQ(parse_euros("-50"), -5000);
  EXPECT_FALSE(parse_euros("12,345"));
  EXPECT_FALSE(parse_euros("douze"));
  EXPECT_FALSE(parse_euros(""));
  EXPECT_EQ(parse_percent("40"), 4000);
  EXPECT_EQ(parse_percent("7,25 %"), 725);
  EXPECT_EQ(parse_hours("12"), 720);
  EXPECT_EQ(parse_hours("12,5"), 750);
  EXPECT_EQ(parse_hours("12:30"), 750);
  EXPECT_EQ(parse_hours("12h30"), 750);
  EXPECT_EQ(parse_hours("1 200"), 72000);
  EXPECT_FALSE(parse_hours("12:75"));
  EXPECT_FALSE(parse_hours("beaucoup"));
  EXPECT_EQ(format_euros(123456789), "1 234 567,89 €");
  EXPECT_EQ(format_percent(725), "7,25 %");
  EXPECT_EQ(format_percent(4050), "40,5 %");
  EXPECT_EQ(format_hours(72000), "1 200 h");
  EXPECT_EQ(format_hours(9030), "150 h 30");
}

TEST(ClausesRequiredHours, AmountTimesSharesOverHourlyCostWithItsExplanation) {
  HoursComputation c{100000000, 4000, 500, 2500};  // 1 000 000 € × 40 % × 5 % ÷ 25 €
  EXPECT_EQ(required_minutes(c), 800 * 60);
  EXPECT_EQ(explain_required_hours(c),
            "1 000 000,00 € × 40 % (part de main-d'œuvre) × 5 % (taux d'insertion) ÷ 25,00 € (coût horaire) = 800 h");
  // 250 000 € × 35 % × 7 % ÷ 26,50 € = 231,13… h → 231 h 08 (rounded to the minute).
  EXPECT_EQ(required_minutes({25000000, 3500, 700, 2650}), 13868);
  EXPECT_EQ(required_minutes({100000000, 4000, 500, 0}), 0);
  // A billion euros does not overflow.
  EXPECT_EQ(required_minutes({100000000000, 10000, 10000, 100}), 60000000000);
}

ContractInput good_contract() {
  ContractInput in;
  in.reference = "2020-DPE-0142";
  in.title = "Rénovation du groupe scolaire Jules-Verne";
  in.sector = "construction";
  in.clause_type = "execution_condition";
  in.buyer_id = "3";
  in.holder_organisation_id = "12";
  in.amount = "1 000 000,00";
  in.notified_on = "2020-01-10";
  in.start_date = "2020-02-01";
  in.end_date = "2021-01-31";
  in.hours_mode = "computed";
  in.labour_share = "40";
  in.insertion_rate = "5";
  in.hourly_cost = "25";
  return in;
}

TEST(ClausesContractForm, ComputesTheRequiredHoursOrTakesThemAsEntered) {
  auto ok = check_contract(good_contract());
  ASSERT_TRUE(ok) << ok.error().at(0).message;
  EXPECT_EQ(ok->required_minutes, 48000);
  EXPECT_EQ(ok->amount_cents, 100000000);
  EXPECT_EQ(ok->labour_share_bp, 4000);
  auto in = good_contract();
  in.hours_mode = "entered";
  in.required_hours = "1 500";
  ok = check_contract(in);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->required_minutes, 90000);
  EXPECT_FALSE(ok->labour_share_bp);
}

TEST(ClausesContractForm, ReportsEveryErrorInFrenchAtOnce) {
  ContractInput in = good_contract();
  in.reference = "";
  in.sector = "mining";
  in.amount = "-10";
  in.end_date = "2020-01-31";
  in.labour_share = "140";
  auto r = check_contract(in);
  ASSERT_FALSE(r);
  EXPECT_EQ(message(r.error(), "reference"), "Saisissez la référence du marché (exemple : 2020-DPE-0142).");
  EXPECT_EQ(message(r.error(), "sector"), "Ce secteur n'existe pas.");
  EXPECT_EQ(message(r.error(), "amount"), "Le montant ne peut pas être négatif.");
  EXPECT_EQ(message(r.error(), "end_date"), "La fin d'exécution ne peut pas précéder le début.");
  EXPECT_TRUE(has_error(r.error(), "labour_share"));
  in = good_contract();
  in.start_date = "2020-02-30";
  in.hours_mode = "";
  r = check_contract(in);
  ASSERT_FALSE(r);
  EXPECT_TRUE(has_error(r.error(), "start_date"));
  EXPECT_TRUE(has_error(r.error(), "hours_mode"));
}

TEST(ClausesStatusMachine, NamedTransitionsCarryDateReasonAndLegalReference) {
  ContractDates dates{{2020, 2, 1}, {2021, 1, 31}};
  StatusChange suspend{"suspend", "2020-03-17", "Chantier arrêté (confinement)", std::string(kOrdinance2020_319), ""};
  auto r = check_status_change("active", suspend, dates);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->to_status, "suspended");
  EXPECT_EQ(r->legal_reference, "ordonnance n° 2020-319 du 25 mars 2020");
  EXPECT_EQ(r->effective_on, (Date{2020, 3, 17}));

  EXPECT_EQ(check_status_change("suspended", {"resume", "2020-05-11", "", "", ""}, dates)->to_status, "active");
  auto amend = check_status_change("suspended", {"amend_extend", "2020-05-11", "Avenant n° 1", "", "2021-04-30"}, dates);
  ASSERT_TRUE(amend);
  EXPECT_EQ(amend->to_status, "amended_extended");
  EXPECT_EQ(amend->new_end_date, (Date{2021, 4, 30}));

  auto bad = check_status_change("completed", suspend, dates);
  ASSERT_FALSE(bad);
  EXPECT_EQ(message(bad.error(), "transition"), "Un marché au statut « Terminé » ne peut pas être suspendu.");
  bad = check_status_change("active", {"suspend", "", "", "", ""}, dates);
  ASSERT_FALSE(bad);
  EXPECT_TRUE(has_error(bad.error(), "effective_on"));
  EXPECT_TRUE(has_error(bad.error(), "reason"));
  bad = check_status_change("active", {"amend_extend", "2020-05-11", "Avenant", "", "2020-12-31"}, dates);
  ASSERT_FALSE(bad);
  EXPECT_EQ(message(bad.error(), "new_end_date"), "La nouvelle fin doit être postérieure à la fin actuelle (31/01/2021).");
  bad = check_status_change("active", suspend, dates, Date{2020, 4, 1});
  ASSERT_FALSE(bad);
  EXPECT_EQ(message(bad.error(), "effective_on"), "La date d'effet ne peut pas précéder le dernier changement (01/04/2020).");

  EXPECT_EQ(transitions_from("active"), (std::vector<std::string_view>{"suspend", "stop", "amend_extend", "complete", "cancel"}));
  EXPECT_EQ(transitions_from("suspended"), (std::vector<std::string_view>{"resume", "stop", "amend_extend", "cancel"}));
  EXPECT_TRUE(is_final_status("stopped"));
  EXPECT_TRUE(is_final_status("cancelled"));
  EXPECT_FALSE(is_final_status("amended_extended"));
}

TEST(ClausesHoursEntry, MonthInsideTheContractAndHoursWithinTheMonth) {
  ContractDates dates{{2020, 2, 1}, {2021, 1, 31}};
  EXPECT_EQ(possible_minutes_in_month(2020, 4), 22 * 600);  // 22 weekdays in April 2020
  EXPECT_EQ(possible_minutes_in_month(2020, 2), 20 * 600);
  EXPECT_EQ(possible_minutes_in_month(2021, 2), 20 * 600);  // starts on a Monday, 28 days
  EXPECT_EQ(possible_minutes_in_month(2020, 5), 21 * 600);  // starts on a Friday, ends on a Sunday
  // Every month of ten years, against the weekdays counted one by one.
  for (int y = 2018; y < 2028; ++y)
    for (int m = 1; m <= 12; ++m) {
      int weekdays = 0;
      for (int d = 1; d <= followup::days_in_month(y, m); ++d) weekdays += followup::iso_weekday({y, m, d}) <= 5;
      EXPECT_EQ(possible_minutes_in_month(y, m), weekdays * 600) << y << "-" << m;
    }
  HoursInput in{"MARTIN Léa", "", "2020-04", "Bâtisseurs nantais", "direct_hire", "telework", "rsa", "151,67"};
  auto ok = check_hours(in, dates);
  ASSERT_TRUE(ok) << ok.error().at(0).message;
  EXPECT_EQ(ok->minutes, 9100);
  in.hours = "221";
  auto r = check_hours(in, dates);
  ASSERT_FALSE(r);
  EXPECT_EQ(message(r.error(), "hours"),
            "221 h en avril 2020 : c'est plus que les 220 h possibles dans le mois (10 h par jour ouvré).");
  in.hours = "0";
  EXPECT_EQ(message(check_hours(in, dates).error(), "hours"), "Le nombre d'heures doit être positif.");
  in.hours = "35";
  in.month = "2021-02";
  EXPECT_EQ(message(check_hours(in, dates).error(), "month"),
            "Le mois de février 2021 est en dehors de l'exécution du marché (du 01/02/2020 au 31/01/2021).");
  in.month = "2020-13";
  EXPECT_TRUE(has_error(check_hours(in, dates).error(), "month"));
  HoursInput unknown{"", "", "2020-04", "", "lottery", "holiday", "vip", "10"};
  r = check_hours(unknown, dates);
  ASSERT_FALSE(r);
  EXPECT_EQ(message(r.error(), "modality"), "Cette modalité n'existe pas.");
  EXPECT_EQ(message(r.error(), "situation"), "Cette situation n'existe pas.");
  EXPECT_EQ(message(r.error(), "eligibility"), "Ce critère d'éligibilité n'existe pas.");
  EXPECT_TRUE(has_error(r.error(), "person_name"));
}

std::vector<RuleSet> shipped() {
  auto d = default_rule_set();
  d.id = 1;
  for (auto& r : d.rules) r.id = 100 + r.position;
  auto c = covid_2020_rule_set();
  c.id = 2;
  for (auto& r : c.rules) r.id = 200 + r.position;
  return {d, c};
}

TEST(ClausesRuleSets, Seed003DuringTheHealthEmergencyAndTheDefaultOutsideIt) {
  auto sets = shipped();
  // April 2020: the "état d'urgence sanitaire 2020" set decides.
  auto e = evaluate(sets, "2020-04", "telework", "rsa");
  EXPECT_EQ(e.decision, "validated");
  EXPECT_EQ(e.rule_set_code, "covid_2020");
  EXPECT_EQ(e.rule_set_version, 1);
  EXPECT_EQ(e.rule_id, 201);
  EXPECT_EQ(e.explanation,
            "Validées : règle n° 1 de « État d'urgence sanitaire 2020 » (version 1) — Télétravail : les heures sont validées.");
  EXPECT_EQ(evaluate(sets, "2020-04", "childcare_leave", "rsa").decision, "facilitator_decides");
  EXPECT_EQ(evaluate(sets, "2020-04", "sick_leave", "rsa").decision, "facilitator_decides");
  EXPECT_EQ(evaluate(sets, "2020-04", "sick_leave", "rsa").rule_id, 203);
  EXPECT_EQ(evaluate(sets, "2020-04", "partial_unemployment", "rsa").decision, "not_validated");
  // Worked hours in April fall through to the default set.
  e = evaluate(sets, "2020-04", "worked", "rsa");
  EXPECT_EQ(e.decision, "validated");
  EXPECT_EQ(e.rule_set_code, "default");
  // March 2020 (from the 12th) and July 2020 (to the 23rd) are covered; September is not.
  EXPECT_EQ(evaluate(sets, "2020-03", "sick_leave", "rsa").rule_set_code, "covid_2020");
  EXPECT_EQ(evaluate(sets, "2020-07", "sick_leave", "rsa").rule_set_code, "covid_2020");
  e = evaluate(sets, "2020-09", "sick_leave", "rsa");
  EXPECT_EQ(e.decision, "not_validated");
  EXPECT_EQ(e.rule_set_code, "default");
  // The eligibility rule of the default set comes first.
  EXPECT_EQ(evaluate(sets, "2019-11", "worked", "partner_opinion").decision, "facilitator_decides");
  // Nothing matches: the facilitator decides, with no rule named.
  e = evaluate({}, "2020-04", "worked", "rsa");
  EXPECT_EQ(e.decision, "facilitator_decides");
  EXPECT_EQ(e.rule_id, 0);
}

TEST(ClausesRuleSets, NewDatesOfEffectChangeTheDecision) {
  auto sets = shipped();
  sets[1].effective_to = Date{2020, 5, 10};
  sets[1].version = 2;
  EXPECT_EQ(evaluate(sets, "2020-06", "partial_unemployment", "rsa").rule_set_code, "default");
  EXPECT_EQ(evaluate(sets, "2020-05", "childcare_leave", "rsa").rule_set_version, 2);
  EXPECT_TRUE(counts("validated", ""));
  EXPECT_FALSE(counts("facilitator_decides", "pending"));
  EXPECT_TRUE(counts("facilitator_decides", "accepted"));
  EXPECT_FALSE(counts("not_validated", "accepted"));
  EXPECT_EQ(review_status_after("facilitator_decides", ""), "pending");
  EXPECT_EQ(review_status_after("facilitator_decides", "refused"), "refused");
  EXPECT_EQ(review_status_after("validated", "pending"), "");
  auto dates = check_rule_set_dates({"2020-03-12", "2020-03-01"});
  ASSERT_FALSE(dates);
  EXPECT_EQ(message(dates.error(), "effective_to"), "La fin d'effet ne peut pas précéder le début.");
  EXPECT_TRUE(check_rule_set_dates({"", ""}));
}

TEST(ClausesProgress, ForecastAtTheEndDateFromTheMonthlyPace) {
  // 12-month contract, 4 months elapsed (Feb–May), 200 h validated of 800 h: 50 h a month → 600 h forecast.
  auto p = progress({48000, 12000, 0, {2020, 2, 1}, {2021, 1, 31}, {2020, 5, 15}});
  EXPECT_EQ(p.percent, 25);
  EXPECT_EQ(p.bar_percent, 25);
  EXPECT_EQ(p.months_total, 12);
  EXPECT_EQ(p.months_elapsed, 4);
  EXPECT_EQ(p.monthly_pace_minutes, 3000);
  EXPECT_EQ(p.forecast_minutes, 36000);
  EXPECT_EQ(p.forecast_percent, 75);
  EXPECT_FALSE(p.on_track);
  EXPECT_EQ(p.remaining_minutes, 36000);
  EXPECT_EQ(p.summary,
            "200 h validées sur 800 h exigées (25 %) ; au rythme de 50 h par mois, prévision de 600 h au 31/01/2021 (75 %).");
  // Past the end: the forecast is what was done; above 100 % the bar stops at 100.
  p = progress({48000, 60000, 0, {2020, 2, 1}, {2021, 1, 31}, {2022, 1, 1}});
  EXPECT_EQ(p.percent, 125);
  EXPECT_EQ(p.bar_percent, 100);
  EXPECT_EQ(p.forecast_minutes, 60000);
  EXPECT_TRUE(p.on_track);
  // Not started.
  p = progress({48000, 0, 0, {2020, 2, 1}, {2021, 1, 31}, {2020, 1, 1}});
  EXPECT_FALSE(p.started);
  EXPECT_EQ(p.forecast_minutes, 0);
  EXPECT_EQ(months_spanned({2020, 2, 1}, {2021, 1, 31}), 12);
}

TEST(ClausesParties, OrganisationAndRoleAreRequiredAndKnown) {
  auto ok = check_party({"42", "subcontractor"});
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->organisation_id, 42);
  EXPECT_EQ(ok->role, "subcontractor");
  auto bad = check_party({"", "mandataire"});
  ASSERT_FALSE(bad);
  EXPECT_EQ(message(bad.error(), "organisation_id"), "Choisissez l'organisation.");
  EXPECT_EQ(message(bad.error(), "role"), "Ce rôle n'existe pas : choisissez cotraitant ou sous-traitant.");
  auto tampered = check_party({"-3", ""});
  ASSERT_FALSE(tampered);
  EXPECT_EQ(message(tampered.error(), "organisation_id"), "Choisissez une valeur dans la liste.");
  EXPECT_EQ(message(tampered.error(), "role"), "Choisissez le rôle : cotraitant ou sous-traitant.");
}

ProgrammeItemInput cleaning_2021() {
  return {"2021", "planned_contract", "Nettoyage des écoles", "cleaning", "reserved", "01/03/2021", "12 500,50", "", "", ""};
}

TEST(ClausesProgramme, FrenchDatesAndAmountsAreReadAndTheStatusDefaultsToPlanned) {
  auto item = check_programme_item(cleaning_2021());
  ASSERT_TRUE(item);
  EXPECT_EQ(item->year, 2021);
  EXPECT_EQ(item->planned_on, (Date{2021, 3, 1}));
  EXPECT_EQ(item->estimated_amount_cents, 1250050);
  EXPECT_EQ(item->status, "planned");
  EXPECT_FALSE(item->contract_id);
  // ISO dates too (the API), and a meeting of December for the next year's programme.
  auto meeting = check_programme_item({"2021", "meeting", "Comité de programmation des achats responsables 2021", "", "",
                                       "2020-12-08", "", "done", "", ""});
  ASSERT_TRUE(meeting);
  EXPECT_EQ(meeting->planned_on, (Date{2020, 12, 8}));
  EXPECT_FALSE(meeting->estimated_amount_cents);
  EXPECT_EQ(parse_date_fr_or_iso("5/3/2021"), (Date{2021, 3, 5}));
  EXPECT_FALSE(parse_date_fr_or_iso("31/02/2021"));
  EXPECT_FALSE(parse_date_fr_or_iso("01/03/21"));
  EXPECT_FALSE(parse_date_fr_or_iso("01-03-2021"));
  EXPECT_EQ(parse_programme_year(" 2020 "), 2020);
  EXPECT_FALSE(parse_programme_year("20021"));
  EXPECT_FALSE(parse_programme_year("1999"));
}

TEST(ClausesProgramme, ReportsEveryErrorInFrenchAtOnce) {
  auto bad = check_programme_item({"deux mille", "visite", "", "boulangerie", "quota", "32/13/2021", "-5", "fini", "", ""});
  ASSERT_FALSE(bad);
  auto& e = bad.error();
  EXPECT_EQ(message(e, "year"), "Cette année n'est pas valide : saisissez une année de 2000 à 2100 (exemple : 2021).");
  EXPECT_EQ(message(e, "kind"), "Ce type n'existe pas : choisissez marché prévu ou réunion.");
  EXPECT_EQ(message(e, "title"), "Saisissez l'objet du marché prévu.");
  EXPECT_EQ(message(e, "sector"), "Ce secteur n'existe pas.");
  EXPECT_EQ(message(e, "clause_type"), "Ce type de clause n'existe pas.");
  EXPECT_EQ(message(e, "planned_on"), "Cette date n'est pas valide : saisissez-la au format JJ/MM/AAAA (exemple : 15/03/2021).");
  EXPECT_EQ(message(e, "estimated_amount"), "Le montant estimé ne peut pas être négatif.");
  EXPECT_EQ(message(e, "status"), "Ce statut n'existe pas : choisissez prévu, réalisé ou abandonné.");

  auto in = cleaning_2021();
  in.planned_on = "15/03/2019";
  in.estimated_amount = "douze mille";
  EXPECT_EQ(message(check_programme_item(in).error(), "planned_on"),
            "La date doit tomber en 2021 ou en 2020 (préparation), pas le 15/03/2019.");
  EXPECT_EQ(message(check_programme_item(in).error(), "estimated_amount"),
            "Ce montant n'est pas un nombre d'euros (exemple : 12 500,50).");
  auto meeting = cleaning_2021();
  meeting.kind = "meeting";
  meeting.title = "";
  meeting.contract_id = "12";
  auto m = check_programme_item(meeting);
  ASSERT_FALSE(m);
  EXPECT_EQ(message(m.error(), "title"), "Saisissez l'objet de la réunion.");
  EXPECT_EQ(message(m.error(), "contract_id"), "Une réunion ne se relie pas à un marché : seul un marché prévu le peut.");
  auto linked = cleaning_2021();
  linked.contract_id = "12";
  EXPECT_EQ(check_programme_item(linked)->contract_id, 12);
  EXPECT_FALSE(has_error(check_programme_item({"", "meeting", "x", "", "", "", "", "", "", ""}).error(), "kind"));
  EXPECT_EQ(message(check_programme_item({"", "meeting", "x", "", "", "", "", "", "", ""}).error(), "year"),
            "Saisissez l'année de la programmation (exemple : 2021).");
}

TEST(ClausesModel, LabelsInFrench) {
  EXPECT_EQ(label_of(kContractStatuses, "amended_extended"), "Prorogé par avenant");
  EXPECT_EQ(label_of(kSituations, "partial_unemployment"), "Chômage partiel");
  EXPECT_EQ(label_of(kDecisions, "facilitator_decides"), "À l'appréciation du facilitateur");
  EXPECT_EQ(format_month_fr("2020-03"), "mars 2020");
}

}  // namespace
}  // namespace passerelle::clauses
