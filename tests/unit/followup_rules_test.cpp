#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "followup/model.hpp"
#include "followup/rules.hpp"

using namespace passerelle;
using namespace passerelle::followup;

namespace {

Date d(std::string_view iso) {
  auto parsed = parse_date(iso);
  if (!parsed) throw std::invalid_argument("bad test date " + std::string(iso));
  return *parsed;
}

DateTime at(std::string_view iso) {
  auto parsed = parse_datetime(iso);
  if (!parsed) throw std::invalid_argument("bad test date-time " + std::string(iso));
  return *parsed;
}

InteractionAttempt reached(std::string_view when) { return {at(when), "reached"}; }
InteractionAttempt no_answer(std::string_view when) { return {at(when), "no_answer"}; }
InteractionAttempt message_left(std::string_view when) { return {at(when), "message_left"}; }

std::string message_of(const web::Errors& errors, const std::string& field) {
  const auto* e = web::find_error(errors, field);
  return e ? e->message : std::string("<no error on ") + field + ">";
}

std::set<std::string> fields_of(const web::Errors& errors) {
  std::set<std::string> out;
  for (const auto& e : errors) out.insert(e.field);
  return out;
}

// A participant as a PLIE referent types them at the first interview.
ParticipantInput valid_participant() {
  ParticipantInput p;
  p.first_name = "Fatoumata";
  p.last_name = "Keïta";
  p.birth_date = "1984-06-02";
  p.gender = "female";
  p.email = "fatoumata.keita@exemple.fr";
  p.phone = "06 12 34 56 78";
  p.address = "8 rue des Orteaux";
  p.postcode = "75020";
  p.commune = "Paris";
  p.commune_insee = "75120";
  p.languages = "français, bambara";
  p.labour_status = "unemployed_long_term";
  p.education_level = "level_3";
  p.housing = "social_accommodation";
  p.benefits = {"rsa"};
  p.rqth = "0";
  p.qpv = "1";
  p.consent = "1";
  p.consent_date = "2020-01-06";
  return p;
}

InteractionInput valid_interaction() {
  return {"2020-04-15T09:30:00Z", "phone", "reached", "1",
          "Point sur l'actualisation CAF ; orientation vers l'aide alimentaire."};
}

const DateTime kNow = at("2020-04-15T10:00:00Z");
const Date kToday = d("2020-04-15");

}  // namespace

// --- reference tables --------------------------------------------------------

template <class Row, std::size_t N>
void expect_unique_codes_and_labels(const std::array<Row, N>& table, const char* name) {
  std::set<std::string_view> codes;
  for (const auto& row : table) {
    EXPECT_FALSE(row.code.empty()) << name;
    EXPECT_FALSE(row.label.empty()) << name << " " << row.code;
    EXPECT_TRUE(codes.insert(row.code).second) << name << ": duplicate code " << row.code;
  }
}

TEST(FollowupModel, EveryTableHasUniqueCodesAndFrenchLabels) {
  expect_unique_codes_and_labels(kProgrammeKinds, "programme kinds");
  expect_unique_codes_and_labels(kEnrolmentStatuses, "enrolment statuses");
  expect_unique_codes_and_labels(kEnrolmentTransitions, "enrolment transitions");
  expect_unique_codes_and_labels(kExitOutcomes, "exit outcomes");
  expect_unique_codes_and_labels(kStepKinds, "step kinds");
  expect_unique_codes_and_labels(kInteractionChannels, "channels");
  expect_unique_codes_and_labels(kInteractionOutcomes, "outcomes");
  expect_unique_codes_and_labels(kInteractionLevels, "levels");
  expect_unique_codes_and_labels(kDueStatuses, "due statuses");
  expect_unique_codes_and_labels(kDifficultyKinds, "difficulty kinds");
  expect_unique_codes_and_labels(kDifficultySubkinds, "difficulty sub-kinds");
  expect_unique_codes_and_labels(kDifficultyStatuses, "difficulty statuses");
  expect_unique_codes_and_labels(kDifficultyTransitions, "difficulty transitions");
  expect_unique_codes_and_labels(kDigitalQuestions, "digital questions");
  expect_unique_codes_and_labels(kDigitalAnswers, "digital answers");
  expect_unique_codes_and_labels(kGenders, "genders");
  expect_unique_codes_and_labels(kLabourStatuses, "labour statuses");
  expect_unique_codes_and_labels(kEducationLevels, "education levels");
  expect_unique_codes_and_labels(kBenefits, "benefits");
  expect_unique_codes_and_labels(kHousingSituations, "housing");
  expect_unique_codes_and_labels(kPassStatuses, "PASS statuses");
  expect_unique_codes_and_labels(kPassAlerts, "PASS alerts");
  expect_unique_codes_and_labels(kPassSuspensionReasons, "suspension reasons");
  expect_unique_codes_and_labels(kProlongationReasons, "prolongation reasons");
}

TEST(FollowupModel, ThePlieDefinitionHasThreePositiveExits) {
  std::vector<std::string_view> positive;
  for (const auto& o : kExitOutcomes)
    if (o.positive) positive.push_back(o.code);
  EXPECT_EQ(positive,
            (std::vector<std::string_view>{"employment_6m", "qualifying_training", "business_creation"}));
  EXPECT_EQ(label_of(kExitOutcomes, "employment_6m"), "Emploi durable (≥ 6 mois, au moins mi-temps)");
}

TEST(FollowupModel, OnlyReachedCountsAsReached) {
  for (const auto& o : kInteractionOutcomes) EXPECT_EQ(o.reached, o.code == "reached") << o.code;
  EXPECT_TRUE(outcome_is_reached("reached"));
  EXPECT_FALSE(outcome_is_reached("language_barrier"));
  EXPECT_FALSE(outcome_is_reached("unknown"));
}

TEST(FollowupModel, HealthPsychologicalAndDomesticViolenceAreTheSensitiveDifficulties) {
  std::set<std::string_view> sensitive;
  for (const auto& k : kDifficultyKinds)
    if (k.sensitive) sensitive.insert(k.code);
  EXPECT_EQ(sensitive, (std::set<std::string_view>{"health", "psychological", "domestic_violence"}));
  EXPECT_TRUE(is_sensitive_difficulty("domestic_violence"));
  EXPECT_FALSE(is_sensitive_difficulty("food"));
  EXPECT_FALSE(is_sensitive_difficulty("nonexistent"));
}

TEST(FollowupModel, SubkindsBelongToTheirKind) {
  for (const auto& s : kDifficultySubkinds) EXPECT_NE(find_code(kDifficultyKinds, s.kind), nullptr) << s.code;
  EXPECT_TRUE(difficulty_subkind_fits("rights", "rights_are_end"));
  EXPECT_TRUE(difficulty_subkind_fits("digital", "digital_connection"));
  EXPECT_TRUE(difficulty_subkind_fits("housing", ""));
  EXPECT_FALSE(difficulty_subkind_fits("digital", "rights_caf"));
  EXPECT_FALSE(difficulty_subkind_fits("rights", "rights_unknown"));
}

TEST(FollowupModel, ProlongationLimitsAreThoseOfLesEmplois) {
  const auto* rqth = find_code(kProlongationReasons, "RQTH");
  ASSERT_NE(rqth, nullptr);
  EXPECT_EQ(rqth->max_months_per_request, 12);
  EXPECT_EQ(rqth->max_total_months, 36);
  EXPECT_EQ(find_code(kProlongationReasons, "SENIOR_CDI")->max_total_months, 120);
  EXPECT_EQ(find_code(kProlongationReasons, "SENIOR")->max_total_months, 60);
  EXPECT_TRUE(find_code(kProlongationReasons, "PARTICULAR_DIFFICULTIES")->ai_aci_only);
  EXPECT_FALSE(find_code(kProlongationReasons, "HEALTH_CONTEXT")->usable);
}

TEST(FollowupModel, UnknownCodesShowThemselves) {
  EXPECT_EQ(label_of(kInteractionChannels, "whatsapp"), "WhatsApp");
  EXPECT_EQ(label_of(kInteractionChannels, "pigeon"), "pigeon");
}

// --- calendar dates ------------------------------------------------------------

TEST(Dates, LeapYearsFollowTheGregorianRule) {
  EXPECT_TRUE(is_leap_year(2020));
  EXPECT_TRUE(is_leap_year(2024));
  EXPECT_TRUE(is_leap_year(2000));
  EXPECT_FALSE(is_leap_year(1900));
  EXPECT_FALSE(is_leap_year(2100));
  EXPECT_FALSE(is_leap_year(2023));
  EXPECT_EQ(days_in_month(2020, 2), 29);
  EXPECT_EQ(days_in_month(2021, 2), 28);
  EXPECT_EQ(days_in_month(2021, 4), 30);
  EXPECT_EQ(days_in_month(2021, 12), 31);
  EXPECT_EQ(days_in_month(2021, 13), 0);
}

TEST(Dates, ParseAcceptsOnlyRealIsoDays) {
  EXPECT_EQ(parse_date("2020-02-29"), (Date{2020, 2, 29}));
  EXPECT_EQ(parse_date("2000-02-29"), (Date{2000, 2, 29}));
  for (std::string_view bad :
       {"2019-02-29", "1900-02-29", "2020-02-30", "2020-04-31", "2020-13-01", "2020-00-10", "2020-01-00",
        "2020-2-3", "20-02-03", "2020/02/03", "2020-02-03T10:00:00Z", " 2020-02-03", "2020-02-03 ",
        "+020-02-03", "2020-0a-03", "0000-01-01", ""})
    EXPECT_FALSE(parse_date(bad).has_value()) << bad;
}

TEST(Dates, FormatRoundTripsAndReadsFrenchInMessages) {
  EXPECT_EQ(format_date(Date{2020, 4, 5}), "2020-04-05");
  EXPECT_EQ(format_date(d("0999-12-31")), "0999-12-31");
  EXPECT_EQ(format_date_fr(Date{2020, 4, 5}), "05/04/2020");
}

TEST(Dates, DayNumbersRoundTripFromYear1ToYear9999) {
  EXPECT_EQ(to_days(d("1970-01-01")), 0);
  EXPECT_EQ(to_days(d("2000-03-01")), 11017);
  EXPECT_EQ(to_days(d("2024-02-29")), 19782);
  EXPECT_EQ(to_days(d("1969-12-31")), -1);
  const std::int64_t first = to_days(d("0001-01-01")), last = to_days(d("9999-12-31"));
  EXPECT_EQ(last - first + 1, 3652059);  // 9999 years of 365.2425 days
  Date previous = from_days(first);
  for (std::int64_t z = first + 1; z <= last; ++z) {
    const Date date = from_days(z);
    ASSERT_TRUE(is_valid_date(date.year, date.month, date.day)) << z;
    ASSERT_EQ(to_days(date), z);
    ASSERT_LT(previous, date);
    previous = date;
  }
}

TEST(Dates, AddDaysCrossesMonthsYearsAndLeapDays) {
  EXPECT_EQ(add_days(d("2020-02-28"), 1), d("2020-02-29"));
  EXPECT_EQ(add_days(d("2020-02-28"), 2), d("2020-03-01"));
  EXPECT_EQ(add_days(d("2019-02-28"), 1), d("2019-03-01"));
  EXPECT_EQ(add_days(d("2020-12-31"), 1), d("2021-01-01"));
  EXPECT_EQ(add_days(d("2021-03-01"), -1), d("2021-02-28"));
  EXPECT_EQ(add_days(d("2020-03-17"), 15), d("2020-04-01"));
  EXPECT_EQ(add_days(d("2020-01-01"), 366), d("2021-01-01"));
}

TEST(Dates, AddMonthsKeepsTheDayOrTakesTheLastOfTheMonth) {
  EXPECT_EQ(add_months(d("2020-01-31"), 1), d("2020-02-29"));
  EXPECT_EQ(add_months(d("2021-01-31"), 1), d("2021-02-28"));
  EXPECT_EQ(add_months(d("2020-03-31"), 1), d("2020-04-30"));
  EXPECT_EQ(add_months(d("2020-03-31"), -1), d("2020-02-29"));
  EXPECT_EQ(add_months(d("2020-12-15"), 1), d("2021-01-15"));
  EXPECT_EQ(add_months(d("2021-01-15"), -1), d("2020-12-15"));
  EXPECT_EQ(add_months(d("2021-01-15"), -25), d("2018-12-15"));
  EXPECT_EQ(add_months(d("2024-02-29"), 12), d("2025-02-28"));
  EXPECT_EQ(add_months(d("2024-02-29"), 48), d("2028-02-29"));
  EXPECT_EQ(add_years(d("2020-01-15"), 3), d("2023-01-15"));
}

TEST(Dates, DaysBetweenCountsLeapYears) {
  EXPECT_EQ(days_between(d("2020-01-01"), d("2021-01-01")), 366);
  EXPECT_EQ(days_between(d("2021-01-01"), d("2022-01-01")), 365);
  // Seed 003's period: "entre le 17 mars et le 15 avril".
  EXPECT_EQ(days_between(d("2020-03-17"), d("2020-04-15")), 29);
  EXPECT_EQ(days_between(d("2020-04-15"), d("2020-03-17")), -29);
}

TEST(Dates, IsoWeekdays) {
  EXPECT_EQ(iso_weekday(d("1970-01-01")), 4);  // Thursday
  EXPECT_EQ(iso_weekday(d("2020-04-15")), 3);  // Wednesday
  EXPECT_EQ(iso_weekday(d("2020-03-29")), 7);  // Sunday
  EXPECT_EQ(iso_weekday(d("1969-12-29")), 1);  // Monday
}

TEST(Dates, DateTimesAreIsoUtc) {
  EXPECT_EQ(format_datetime(at("2020-04-15T08:05:09Z")), "2020-04-15T08:05:09Z");
  for (std::string_view bad :
       {"2020-04-15T08:05:09", "2020-04-15 08:05:09Z", "2020-04-15T24:00:00Z", "2020-04-15T08:60:00Z",
        "2020-04-15T08:05:60Z", "2020-02-30T08:00:00Z", "2020-04-15T08:05Z", "2020-04-15T08:05:09+02:00", ""})
    EXPECT_FALSE(parse_datetime(bad).has_value()) << bad;
  EXPECT_LT(at("2020-04-15T08:05:09Z"), at("2020-04-15T08:05:10Z"));
}

TEST(Dates, ParisDayOfALateCallFollowsSummerTime) {
  // Winter, UTC+1.
  EXPECT_EQ(paris_date(at("2020-01-15T22:59:59Z")), d("2020-01-15"));
  EXPECT_EQ(paris_date(at("2020-01-15T23:00:00Z")), d("2020-01-16"));
  // Summer, UTC+2.
  EXPECT_EQ(paris_date(at("2020-04-15T21:59:59Z")), d("2020-04-15"));
  EXPECT_EQ(paris_date(at("2020-04-15T22:30:00Z")), d("2020-04-16"));
  // Sunday 29 March 2020, clocks go forward at 01:00 UTC.
  EXPECT_EQ(paris_date(at("2020-03-28T23:30:00Z")), d("2020-03-29"));
  EXPECT_EQ(paris_date(at("2020-03-29T22:30:00Z")), d("2020-03-30"));
  // Sunday 25 October 2020, clocks go back at 01:00 UTC.
  EXPECT_EQ(paris_date(at("2020-10-24T22:30:00Z")), d("2020-10-25"));
  EXPECT_EQ(paris_date(at("2020-10-25T22:30:00Z")), d("2020-10-25"));
  // New Year's Eve.
  EXPECT_EQ(paris_date(at("2020-12-31T23:30:00Z")), d("2021-01-01"));
}

// --- when to contact: a PLIE referent calling every 15 days (seed 003) ------------

TEST(DueDate, IsTheLastReachedContactPlusTheCadence) {
  const std::vector<InteractionAttempt> log{reached("2020-03-17T09:00:00Z")};
  EXPECT_EQ(next_due_date(d("2020-01-06"), kPlieCadenceDays, log), d("2020-04-01"));
}

TEST(DueDate, NeverReachedIsDueFromTheEntryDate) {
  EXPECT_EQ(next_due_date(d("2020-04-10"), 15, {}), d("2020-04-10"));
  const std::vector<InteractionAttempt> only_failures{no_answer("2020-04-11T09:00:00Z")};
  EXPECT_EQ(next_due_date(d("2020-04-10"), 15, only_failures), d("2020-04-10"));
}

TEST(DueDate, FailedAttemptsDoNotResetItButTheNextReachedContactDoes) {
  std::vector<InteractionAttempt> log{reached("2020-03-17T09:00:00Z"), no_answer("2020-04-01T09:00:00Z"),
                                      message_left("2020-04-01T14:00:00Z")};
  EXPECT_EQ(next_due_date(d("2020-01-06"), 15, log), d("2020-04-01"));
  log.push_back(reached("2020-04-02T10:00:00Z"));
  EXPECT_EQ(next_due_date(d("2020-01-06"), 15, log), d("2020-04-17"));
}

TEST(DueDate, TheOrderOfTheLogDoesNotMatter) {
  const std::vector<InteractionAttempt> log{
      reached("2020-04-02T10:00:00Z"), no_answer("2020-04-03T09:00:00Z"), reached("2020-03-17T09:00:00Z")};
  EXPECT_EQ(next_due_date(d("2020-01-06"), 15, log), d("2020-04-17"));
  EXPECT_EQ(last_reached_date(log), d("2020-04-02"));
}

TEST(DueDate, ALateSummerEveningCallCountsForTheNextParisDay) {
  const std::vector<InteractionAttempt> log{reached("2020-04-15T22:30:00Z")};  // 00:30 on 16 April in Paris
  EXPECT_EQ(next_due_date(d("2020-01-06"), 15, log), d("2020-05-01"));
}

TEST(DueStatus, MovesFromOkToDueTodayToOverdue) {
  const std::vector<InteractionAttempt> log{reached("2020-03-17T09:00:00Z")};
  EXPECT_EQ(due_status(d("2020-01-06"), 15, log, d("2020-03-31")).status, DueStatus::ok);
  EXPECT_EQ(due_status(d("2020-01-06"), 15, log, d("2020-04-01")).status, DueStatus::due_today);
  const DueInfo late = due_status(d("2020-01-06"), 15, log, d("2020-04-02"));
  EXPECT_EQ(late.status, DueStatus::overdue);
  EXPECT_EQ(late.due, d("2020-04-01"));
  EXPECT_EQ(late.last_reached, d("2020-03-17"));
  EXPECT_EQ(late.failed_streak, 0);
}

TEST(DueStatus, SomeoneNobodyTriedToCallIsNeverContacted) {
  const DueInfo info = due_status(d("2020-04-10"), 15, {}, kToday);
  EXPECT_EQ(info.status, DueStatus::never_contacted);
  EXPECT_EQ(info.due, d("2020-04-10"));
  EXPECT_FALSE(info.last_reached.has_value());
  // Even long after entry: nobody tried, so the person is not "unreachable".
  EXPECT_EQ(due_status(d("2020-01-06"), 15, {}, kToday).status, DueStatus::never_contacted);
  // A pathway that starts next week is not in today's list.
  EXPECT_EQ(due_status(d("2020-04-20"), 15, {}, kToday).status, DueStatus::ok);
}

TEST(DueStatus, APersonWhoDoesNotAnswerThreeTimesBecomesUnreachable) {
  const Date entry = d("2020-01-06");
  std::vector<InteractionAttempt> log{reached("2020-03-17T09:00:00Z"), no_answer("2020-04-01T09:00:00Z")};
  EXPECT_EQ(due_status(entry, 15, log, d("2020-04-01")).status, DueStatus::due_today);

  log.push_back(message_left("2020-04-02T09:00:00Z"));
  EXPECT_EQ(due_status(entry, 15, log, d("2020-04-02")).status, DueStatus::overdue);
  EXPECT_FALSE(is_unreachable(entry, 15, log, d("2020-04-02")));

  log.push_back({at("2020-04-03T09:00:00Z"), "wrong_number"});
  const DueInfo info = due_status(entry, 15, log, d("2020-04-03"));
  EXPECT_EQ(info.status, DueStatus::unreachable);
  EXPECT_EQ(info.failed_streak, 3);
  EXPECT_TRUE(is_unreachable(entry, 15, log, d("2020-04-03")));

  // Reached at last: off the list until the next due date.
  log.push_back(reached("2020-04-06T10:00:00Z"));
  const DueInfo after = due_status(entry, 15, log, d("2020-04-06"));
  EXPECT_EQ(after.status, DueStatus::ok);
  EXPECT_EQ(after.due, d("2020-04-21"));
  EXPECT_FALSE(is_unreachable(entry, 15, log, d("2020-04-06")));
}

TEST(DueStatus, NotReachedForTwiceTheCadenceIsUnreachable) {
  const std::vector<InteractionAttempt> log{reached("2020-03-01T09:00:00Z"),
                                            no_answer("2020-03-20T09:00:00Z")};
  EXPECT_FALSE(is_unreachable(d("2020-01-06"), 15, log, d("2020-03-30")));  // 29 days
  EXPECT_EQ(due_status(d("2020-01-06"), 15, log, d("2020-03-30")).status, DueStatus::overdue);
  EXPECT_TRUE(is_unreachable(d("2020-01-06"), 15, log, d("2020-03-31")));  // 30 days
}

TEST(DueStatus, NeverReachedCountsTwiceTheCadenceFromEntry) {
  const std::vector<InteractionAttempt> log{{at("2020-03-02T09:00:00Z"), "language_barrier"}};
  EXPECT_EQ(due_status(d("2020-03-01"), 15, log, d("2020-03-30")).status, DueStatus::overdue);
  EXPECT_EQ(due_status(d("2020-03-01"), 15, log, d("2020-03-31")).status, DueStatus::unreachable);
}

TEST(DueStatus, InteractionsAfterTheDayLookedAtAreIgnored) {
  // The dashboard on 15 April does not see the call of 20 April.
  const std::vector<InteractionAttempt> log{reached("2020-04-20T09:00:00Z")};
  const DueInfo info = due_status(d("2020-04-10"), 15, log, kToday);
  EXPECT_EQ(info.status, DueStatus::never_contacted);
  EXPECT_EQ(info.due, d("2020-04-10"));
}

TEST(DueStatus, TheListShowsOverdueThenDueTodayThenNeverContactedThenUnreachable) {
  const Date entry = d("2020-01-06");
  const std::vector<InteractionAttempt> recent{reached("2020-04-10T09:00:00Z")};
  const std::vector<InteractionAttempt> today_due{reached("2020-03-31T09:00:00Z")};
  const std::vector<InteractionAttempt> late{reached("2020-03-20T09:00:00Z")};
  const std::vector<InteractionAttempt> very_late{reached("2020-03-18T09:00:00Z")};
  const std::vector<InteractionAttempt> silent{no_answer("2020-04-13T09:00:00Z"),
                                               no_answer("2020-04-14T09:00:00Z"),
                                               no_answer("2020-04-15T08:00:00Z")};
  std::vector<std::pair<std::string, DueInfo>> list{
      {"ok", due_status(entry, 15, recent, kToday)},
      {"unreachable", due_status(entry, 15, silent, kToday)},
      {"never", due_status(d("2020-04-14"), 15, {}, kToday)},
      {"today", due_status(entry, 15, today_due, kToday)},
      {"late", due_status(entry, 15, late, kToday)},
      {"very late", due_status(entry, 15, very_late, kToday)},
  };
  std::ranges::sort(list, [](const auto& a, const auto& b) { return due_before(a.second, b.second); });
  std::vector<std::string> order;
  for (const auto& [name, info] : list) order.push_back(name);
  EXPECT_EQ(order, (std::vector<std::string>{"very late", "late", "today", "never", "unreachable", "ok"}));
}

TEST(DueStatus, EveryStatusHasACodeInTheLabelTable) {
  for (auto s : {DueStatus::overdue, DueStatus::due_today, DueStatus::never_contacted, DueStatus::unreachable,
                 DueStatus::ok})
    EXPECT_NE(find_code(kDueStatuses, due_status_code(s)), nullptr) << due_status_code(s);
  EXPECT_EQ(label_of(kDueStatuses, due_status_code(DueStatus::unreachable)), "Injoignable");
}

// --- enrolment state machine -------------------------------------------------------

TEST(EnrolmentMachine, ActiveSuspendedActiveExited) {
  EXPECT_EQ(enrolment_transition("active", "suspend").value(), "suspended");
  EXPECT_EQ(enrolment_transition("suspended", "resume").value(), "active");
  const auto exited = enrolment_transition("active", "exit", {"2020-01-06", "2020-04-15", "employment_6m"});
  ASSERT_TRUE(exited.has_value());
  EXPECT_EQ(*exited, "exited");
  // A suspended person may leave too.
  EXPECT_EQ(enrolment_transition("suspended", "exit", {"2020-01-06", "2020-04-15", "moved"}).value(),
            "exited");
}

TEST(EnrolmentMachine, ExitedIsFinal) {
  for (std::string_view t : {"suspend", "resume", "exit"}) {
    const auto r = enrolment_transition("exited", t, {"2020-01-06", "2020-04-15", "abandoned"});
    ASSERT_FALSE(r.has_value()) << t;
    EXPECT_EQ(message_of(r.error(), "status"), "Ce parcours est terminé : son statut ne peut plus changer.");
  }
  EXPECT_TRUE(enrolment_transitions_from("exited").empty());
}

TEST(EnrolmentMachine, ATransitionFromTheWrongStatusNamesBoth) {
  const auto r = enrolment_transition("active", "resume");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(message_of(r.error(), "status"),
            "Impossible de « Reprendre le parcours » : le parcours est « En cours ».");
  EXPECT_EQ(message_of(enrolment_transition("active", "promote").error(), "status"),
            "Cette action n'existe pas.");
}

TEST(EnrolmentMachine, ExitBeforeEntryIsRefusedInFrench) {
  const auto r = enrolment_transition("active", "exit", {"2020-01-06", "2020-01-05", "employment_6m"});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(message_of(r.error(), "exit_date"), "La date de sortie ne peut pas précéder la date d'entrée.");
  // Leaving on the day of entry is possible.
  EXPECT_TRUE(enrolment_transition("active", "exit", {"2020-01-06", "2020-01-06", "moved"}).has_value());
}

TEST(EnrolmentMachine, ExitNeedsADateAndAKnownOutcomeAllAtOnce) {
  const auto r = enrolment_transition("active", "exit", {"2020-01-06", "", ""});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(message_of(r.error(), "exit_date"), "Indiquez la date de sortie.");
  EXPECT_EQ(message_of(r.error(), "exit_outcome"), "Indiquez le motif de sortie.");
  const auto unknown = enrolment_transition("active", "exit", {"2020-01-06", "2020-31-01", "promoted"});
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(fields_of(unknown.error()), (std::set<std::string>{"exit_date", "exit_outcome"}));
  EXPECT_EQ(message_of(unknown.error(), "exit_outcome"), "Choisissez un motif de sortie dans la liste.");
}

TEST(EnrolmentMachine, ExitInTheFutureIsRefusedWhenTodayIsGiven) {
  const auto r = enrolment_transition("active", "exit", {"2020-01-06", "2020-04-16", "moved", kToday});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(message_of(r.error(), "exit_date"), "La date de sortie ne peut pas être dans le futur.");
}

TEST(EnrolmentMachine, OffersTheButtonsOfEachStatus) {
  EXPECT_EQ(enrolment_transitions_from("active"), (std::vector<std::string_view>{"suspend", "exit"}));
  EXPECT_EQ(enrolment_transitions_from("suspended"), (std::vector<std::string_view>{"resume", "exit"}));
}

// --- difficulty state machine ---------------------------------------------------------

TEST(DifficultyMachine, FoodAidOrientedThenSolvedThenReopened) {
  auto status = difficulty_transition("identified", "orient", "42");  // e.g. the local food bank
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(*status, "oriented");
  EXPECT_EQ(difficulty_transition(*status, "start").value(), "in_progress");
  EXPECT_EQ(difficulty_transition("in_progress", "solve").value(), "solved");
  EXPECT_EQ(difficulty_transition("solved", "reopen").value(), "in_progress");
  EXPECT_EQ(difficulty_transition("in_progress", "drop").value(), "dropped");
  EXPECT_EQ(difficulty_transition("dropped", "reopen").value(), "in_progress");
}

TEST(DifficultyMachine, OrientingNamesThePartner) {
  for (std::string_view partner : {"", "  ", "abc", "0", "-3"}) {
    const auto r = difficulty_transition("identified", "orient", partner);
    ASSERT_FALSE(r.has_value()) << partner;
    EXPECT_EQ(message_of(r.error(), "partner_organisation_id"),
              "Choisissez le partenaire vers lequel la personne est orientée.");
  }
}

TEST(DifficultyMachine, RefusesMovesOutsideTheTable) {
  const auto r = difficulty_transition("solved", "solve");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(message_of(r.error(), "status"),
            "Impossible de « Marquer comme résolue » : la difficulté est « Résolue ».");
  EXPECT_FALSE(difficulty_transition("identified", "solve").has_value());
  EXPECT_FALSE(difficulty_transition("identified", "reopen").has_value());
  EXPECT_FALSE(difficulty_transition("dropped", "orient", "42").has_value());
  EXPECT_EQ(message_of(difficulty_transition("lost", "solve").error(), "status"),
            "Le statut actuel est inconnu : lost.");
  EXPECT_EQ(difficulty_transitions_from("solved"), (std::vector<std::string_view>{"reopen"}));
  EXPECT_EQ(difficulty_transitions_from("identified"),
            (std::vector<std::string_view>{"orient", "start", "drop"}));
}

// --- participant form --------------------------------------------------------------------

TEST(ParticipantForm, AValidParticipantHasNoError) {
  EXPECT_TRUE(validate_participant(valid_participant(), kToday).empty());
  ParticipantInput minimal;
  minimal.first_name = "Ali";
  minimal.last_name = "B";
  minimal.birth_date = "2000-02-29";
  minimal.gender = "male";
  minimal.consent = "1";
  minimal.consent_date = "2020-04-15";
  EXPECT_TRUE(validate_participant(minimal, kToday).empty());
}

TEST(ParticipantForm, AnEmptyFormListsEveryMissingFieldAtOnce) {
  const auto errors = validate_participant({}, kToday);
  EXPECT_EQ(fields_of(errors),
            (std::set<std::string>{"first_name", "last_name", "birth_date", "gender", "consent"}));
  EXPECT_EQ(message_of(errors, "first_name"), "Le prénom est obligatoire.");
  EXPECT_EQ(message_of(errors, "last_name"), "Le nom est obligatoire.");
  EXPECT_EQ(message_of(errors, "birth_date"), "La date de naissance est obligatoire.");
  EXPECT_EQ(message_of(errors, "consent"),
            "Le consentement de la personne au traitement de ses données est obligatoire.");
}

TEST(ParticipantForm, BirthDateMustBeARealDayInThePastSince1900) {
  auto p = valid_participant();
  p.birth_date = "1990-02-30";
  EXPECT_EQ(message_of(validate_participant(p, kToday), "birth_date"),
            "Cette date n'est pas valide : saisissez-la au format AAAA-MM-JJ (exemple : 2020-04-15).");
  p.birth_date = "2020-04-15";
  EXPECT_EQ(message_of(validate_participant(p, kToday), "birth_date"),
            "La date de naissance doit être dans le passé.");
  p.birth_date = "1899-12-31";
  EXPECT_EQ(message_of(validate_participant(p, kToday), "birth_date"),
            "La date de naissance ne peut pas être antérieure à 1900.");
  p.birth_date = "1900-01-01";
  EXPECT_TRUE(validate_participant(p, kToday).empty());
}

TEST(ParticipantForm, CodesContactsAndConsentAreChecked) {
  auto p = valid_participant();
  p.gender = "x";
  p.email = "fatoumata.keita";
  p.phone = "12";
  p.postcode = "7502";
  p.commune_insee = "2C004";
  p.labour_status = "retired";
  p.education_level = "level_9";
  p.housing = "castle";
  p.benefits = {"rsa", "rmi"};
  p.rqth = "oui";
  p.consent_date = "2020-04-16";
  const auto errors = validate_participant(p, kToday);
  EXPECT_EQ(fields_of(errors),
            (std::set<std::string>{"gender", "email", "phone", "postcode", "commune_insee", "labour_status",
                                   "education_level", "housing", "benefits", "rqth", "consent_date"}));
  EXPECT_EQ(message_of(errors, "gender"), "Choisissez un genre dans la liste.");
  EXPECT_EQ(message_of(errors, "benefits"), "Choisissez les allocations dans la liste.");
  EXPECT_EQ(message_of(errors, "consent_date"), "La date du consentement ne peut pas être dans le futur.");
  p = valid_participant();
  p.consent_date = "";
  EXPECT_EQ(message_of(validate_participant(p, kToday), "consent_date"), "Indiquez la date du consentement.");
}

TEST(ParticipantForm, RejectsBrokenUtf8AndOverlongNames) {
  auto p = valid_participant();
  p.first_name = "Fatou\xC3";  // a truncated "é"
  p.last_name = std::string(301, 'a');
  const auto errors = validate_participant(p, kToday);
  EXPECT_EQ(message_of(errors, "first_name"), "Ce champ contient des caractères invalides.");
  EXPECT_EQ(message_of(errors, "last_name"), "Ce champ ne doit pas dépasser 300 caractères.");
}

TEST(ParticipantForm, LikelyDuplicatesShareAKey) {
  EXPECT_EQ(participant_match_key("Éloïse ", "Martin-Diallo", "1990-05-12"),
            "martin diallo|eloise|1990-05-12");
  EXPECT_EQ(participant_match_key("ELOISE", " martin  diallo", "1990-05-12"),
            participant_match_key("Éloïse", "Martin-Diallo", "1990-05-12"));
  EXPECT_NE(participant_match_key("Éloïse", "Martin", "1990-05-12"),
            participant_match_key("Éloïse", "Martin", "1990-05-13"));
}

// --- interaction form -------------------------------------------------------------------

TEST(InteractionForm, AReachedCallIsValid) {
  EXPECT_TRUE(validate_interaction(valid_interaction(), kNow).empty());
}

TEST(InteractionForm, AContactInTheFutureIsRefused) {
  auto i = valid_interaction();
  i.at = "2020-04-15T10:00:01Z";
  EXPECT_EQ(message_of(validate_interaction(i, kNow), "at"),
            "Un échange ne peut pas être daté dans le futur.");
  i.at = "2020-04-15T10:00:00Z";
  EXPECT_TRUE(validate_interaction(i, kNow).empty());
  i.at = "15/04/2020 10:00";
  EXPECT_EQ(message_of(validate_interaction(i, kNow), "at"),
            "La date et l'heure de l'échange ne sont pas valides.");
}

TEST(InteractionForm, ChannelOutcomeAndLevelComeFromTheLists) {
  InteractionInput i{"2020-04-15T09:30:00Z", "fax", "hung_up", "3", ""};
  const auto errors = validate_interaction(i, kNow);
  EXPECT_EQ(fields_of(errors), (std::set<std::string>{"channel", "outcome", "level"}));
  EXPECT_EQ(message_of(errors, "channel"), "Choisissez un canal dans la liste.");
  EXPECT_EQ(message_of(errors, "outcome"), "Choisissez un résultat dans la liste.");
  EXPECT_EQ(fields_of(validate_interaction({}, kNow)), (std::set<std::string>{"at", "channel", "outcome"}));
}

TEST(InteractionForm, LevelIsAskedOnlyWhenThePersonWasReached) {
  InteractionInput attempt{"2020-04-15T09:30:00Z", "phone", "no_answer", "", ""};
  EXPECT_TRUE(validate_interaction(attempt, kNow).empty());
  InteractionInput talk{"2020-04-15T09:30:00Z", "whatsapp", "reached", "", ""};
  EXPECT_EQ(message_of(validate_interaction(talk, kNow), "level"),
            "Indiquez le niveau de l'entretien : lien et accès aux droits, ou vers l'emploi.");
  talk.level = "2";
  EXPECT_TRUE(validate_interaction(talk, kNow).empty());
}

TEST(InteractionForm, NotesHoldFiveThousandCharacters) {
  auto i = valid_interaction();
  std::string notes;
  for (int k = 0; k < 5000; ++k) notes += "é";  // 10,000 bytes, 5,000 characters
  i.notes = notes;
  EXPECT_TRUE(validate_interaction(i, kNow).empty());
  i.notes += "e";
  EXPECT_EQ(message_of(validate_interaction(i, kNow), "notes"),
            "Les notes ne doivent pas dépasser 5 000 caractères.");
}

// --- enrolment and programme forms -------------------------------------------------------

TEST(EnrolmentForm, ThePlieMaximumOf36MonthsIsAWarningNotAnError) {
  const EnrolmentInput active{"2020-01-15", "", ""};
  EXPECT_EQ(max_duration_end(d("2020-01-15"), kPlieMaxDurationMonths), d("2023-01-14"));
  auto check = validate_enrolment(active, kPlieMaxDurationMonths, d("2023-01-14"));
  EXPECT_TRUE(check.errors.empty());
  EXPECT_TRUE(check.warnings.empty());
  check = validate_enrolment(active, kPlieMaxDurationMonths, d("2023-01-15"));
  EXPECT_TRUE(check.errors.empty());
  EXPECT_EQ(
      message_of(check.warnings, "max_duration"),
      "Le parcours dépasse la durée maximale du programme (36 mois) : elle a été atteinte le 14/01/2023.");
  // An exit within the limit, looked at later, is fine.
  check = validate_enrolment({"2020-01-15", "2022-12-01", "qualifying_training"}, kPlieMaxDurationMonths,
                             d("2024-01-01"));
  EXPECT_TRUE(check.errors.empty());
  EXPECT_TRUE(check.warnings.empty());
  // No maximum configured.
  EXPECT_TRUE(validate_enrolment(active, 0, d("2030-01-01")).warnings.empty());
}

TEST(EnrolmentForm, MaximumDurationEndsOnTheEveOfTheSameDayOrAtTheEndOfAShortMonth) {
  EXPECT_EQ(max_duration_end(d("2020-03-01"), 12), d("2021-02-28"));
  EXPECT_EQ(max_duration_end(d("2020-02-29"), 12), d("2021-02-28"));
  EXPECT_EQ(max_duration_end(d("2020-02-29"), 48), d("2024-02-28"));
  EXPECT_EQ(max_duration_end(d("2020-01-31"), 1), d("2020-02-29"));
  EXPECT_EQ(max_duration_end(d("2020-01-30"), 1), d("2020-02-29"));
  EXPECT_EQ(max_duration_end(d("2020-01-29"), 1), d("2020-02-28"));
}

TEST(EnrolmentForm, ExitBeforeEntryIsRefusedInFrench) {
  const auto check = validate_enrolment({"2020-01-15", "2020-01-14", "employment_6m"}, 36, kToday);
  EXPECT_EQ(message_of(check.errors, "exit_date"),
            "La date de sortie ne peut pas précéder la date d'entrée.");
  EXPECT_TRUE(check.warnings.empty());
}

TEST(EnrolmentForm, ExitDateAndOutcomeGoTogether) {
  EXPECT_EQ(
      message_of(validate_enrolment({"2020-01-15", "2020-03-01", ""}, 36, kToday).errors, "exit_outcome"),
      "Indiquez le motif de sortie.");
  EXPECT_EQ(message_of(validate_enrolment({"2020-01-15", "", "moved"}, 36, kToday).errors, "exit_date"),
            "Indiquez la date de sortie.");
  EXPECT_EQ(
      message_of(validate_enrolment({"2020-01-15", "2020-05-01", "moved"}, 36, kToday).errors, "exit_date"),
      "La date de sortie ne peut pas être dans le futur.");
  const auto empty = validate_enrolment({}, 36, kToday);
  EXPECT_EQ(message_of(empty.errors, "entry_date"), "La date d'entrée est obligatoire.");
  EXPECT_TRUE(empty.warnings.empty());
}

TEST(ProgrammeForm, APlieCallingEvery15DaysFor36Months) {
  EXPECT_TRUE(validate_programme({"PLIE de Paris", "plie", "15", "36"}).empty());
  EXPECT_TRUE(validate_programme({"Toutes Championnes, Tous Champions", "inclusion100", "1", ""}).empty());
}

TEST(ProgrammeForm, CadenceAndMaximumStayInRange) {
  for (std::string_view cadence : {"0", "366", "15 jours", "-1", "1.5", "99999999999"})
    EXPECT_EQ(message_of(validate_programme({"PLIE", "plie", std::string(cadence), "36"}), "cadence_days"),
              "La fréquence de contact doit être un nombre de jours entre 1 et 365.")
        << cadence;
  for (std::string_view months : {"0", "121", "trois ans"})
    EXPECT_EQ(
        message_of(validate_programme({"PLIE", "plie", "15", std::string(months)}), "max_duration_months"),
        "La durée maximale doit être un nombre de mois entre 1 et 120.")
        << months;
  EXPECT_TRUE(validate_programme({"PLIE", "plie", "365", "120"}).empty());
  EXPECT_EQ(fields_of(validate_programme({})), (std::set<std::string>{"name", "kind", "cadence_days"}));
}

// --- PASS IAE ----------------------------------------------------------------------------

TEST(Pass, LastsTwoYearsLessADayLikeOnLesEmplois) {
  EXPECT_EQ(pass_default_end(d("2021-09-01")), d("2023-08-31"));
  EXPECT_EQ(pass_default_end(d("2020-01-01")), d("2021-12-31"));
  // relativedelta(years=2) from a leap day lands on 28 February, then − 1 day.
  EXPECT_EQ(pass_default_end(d("2024-02-29")), d("2026-02-27"));
  const Pass pass = new_pass(d("2021-09-01"));
  EXPECT_EQ(pass_end(pass), d("2023-08-31"));
}

TEST(Pass, ASickLeaveSuspensionPushesTheEndBack) {
  Pass pass = new_pass(d("2021-09-01"));
  const PassPeriod sick{d("2022-01-10"), d("2022-02-08"), "SICKNESS"};  // 30 days
  EXPECT_TRUE(check_suspension(pass, sick, "aci").empty());
  pass.suspensions.push_back(sick);
  EXPECT_EQ(suspension_days(sick), 30);
  EXPECT_EQ(pass_end(pass), d("2023-09-30"));

  EXPECT_EQ(pass_status(pass, d("2021-08-31")), PassStatus::future);
  EXPECT_EQ(pass_status(pass, d("2021-09-01")), PassStatus::valid);
  EXPECT_EQ(pass_status(pass, d("2022-01-10")), PassStatus::suspended);
  EXPECT_EQ(pass_status(pass, d("2022-02-08")), PassStatus::suspended);
  EXPECT_EQ(pass_status(pass, d("2022-02-09")), PassStatus::valid);
  EXPECT_EQ(pass_status(pass, d("2023-09-30")), PassStatus::valid);
  EXPECT_EQ(pass_status(pass, d("2023-10-01")), PassStatus::expired);
  EXPECT_EQ(label_of(kPassStatuses, pass_status_code(PassStatus::suspended)), "Valide (suspendu)");
}

TEST(Pass, SuspensionsAreCheckedAgainstThePassAndEachOther) {
  Pass pass = new_pass(d("2021-09-01"));
  pass.suspensions.push_back({d("2022-01-10"), d("2022-02-08"), "SICKNESS"});

  auto errors = check_suspension(pass, {d("2022-02-01"), d("2022-03-01"), "MATERNITY"}, "ei");
  EXPECT_EQ(message_of(errors, "start"), "La période chevauche la suspension du 10/01/2022 au 08/02/2022.");

  errors = check_suspension(pass, {d("2021-08-01"), d("2021-09-10"), "INCARCERATION"}, "ei");
  EXPECT_EQ(message_of(errors, "start"),
            "La suspension doit commencer pendant la validité du PASS IAE, du 01/09/2021 au 30/09/2023.");

  errors = check_suspension(pass, {d("2022-03-01"), d("2025-03-01"), "SICKNESS"}, "ei");
  EXPECT_EQ(message_of(errors, "end"),
            "Une suspension dure au plus 3 ans : date de fin maximale le 28/02/2025.");
  EXPECT_TRUE(check_suspension(pass, {d("2022-03-01"), d("2025-02-28"), "SICKNESS"}, "ei").empty());

  errors = check_suspension(pass, {d("2022-03-10"), d("2022-03-01"), "holidays"}, "ei");
  EXPECT_EQ(fields_of(errors), (std::set<std::string>{"reason", "end"}));
  EXPECT_EQ(message_of(errors, "reason"), "Choisissez un motif de suspension dans la liste.");

  EXPECT_EQ(message_of(check_suspension(pass, {d("2022-03-01"), d("2022-04-01"), "CONTRAT_PASSERELLE"}, "ai"),
                       "reason"),
            "Le motif « Bascule dans l'expérimentation contrat passerelle » est réservé aux EI et ACI.");
  EXPECT_TRUE(
      check_suspension(pass, {d("2022-03-01"), d("2022-04-01"), "CONTRAT_PASSERELLE"}, "aci").empty());
}

TEST(Pass, AlertsThreeMonthsThenOneMonthBeforeTheEnd) {
  const Pass pass = new_pass(d("2021-09-01"));  // ends 2023-08-31
  EXPECT_EQ(pass_alert(pass, d("2021-09-01")), PassAlert::none);
  EXPECT_EQ(pass_alert(pass, d("2023-05-30")), PassAlert::none);
  EXPECT_EQ(pass_alert(pass, d("2023-05-31")), PassAlert::three_months);
  EXPECT_EQ(pass_alert(pass, d("2023-07-30")), PassAlert::three_months);
  EXPECT_EQ(pass_alert(pass, d("2023-07-31")), PassAlert::one_month);
  EXPECT_EQ(pass_alert(pass, d("2023-08-31")), PassAlert::one_month);
  EXPECT_EQ(pass_alert(pass, d("2023-09-01")), PassAlert::none);  // expired
  EXPECT_EQ(pass_alert(pass, d("2021-08-01")), PassAlert::none);  // not started
  EXPECT_EQ(pass_alert_code(PassAlert::one_month), "one_month");
}

TEST(Pass, AProlongationStartsOnTheLastDayAndSetsTheNewEnd) {
  Pass pass = new_pass(d("2019-03-01"));  // ends 2021-02-28
  const PassPeriod training{d("2021-02-28"), d("2021-08-31"), "COMPLETE_TRAINING"};
  EXPECT_TRUE(check_prolongation(pass, training, "ei").empty());
  pass.prolongations.push_back(training);
  EXPECT_EQ(prolongation_days(training), 184);
  EXPECT_EQ(pass_end(pass), d("2021-08-31"));
  EXPECT_EQ(pass_status(pass, d("2021-08-31")), PassStatus::valid);

  const auto errors = check_prolongation(pass, {d("2021-09-15"), d("2022-03-01"), "COMPLETE_TRAINING"}, "ei");
  EXPECT_EQ(message_of(errors, "start"),
            "La prolongation doit commencer le jour de la fin du PASS IAE, le 31/08/2021.");
  EXPECT_EQ(message_of(check_prolongation(pass, {d("2021-08-31"), d("2021-08-31"), "RQTH"}, "ei"), "end"),
            "Une prolongation dure au moins un jour.");
}

TEST(Pass, AProlongationLastsTwelveMonthsPerRequest) {
  const Pass pass = new_pass(d("2019-03-01"));  // ends 2021-02-28
  EXPECT_TRUE(check_prolongation(pass, {d("2021-02-28"), d("2022-02-28"), "SENIOR"}, "ei").empty());
  EXPECT_EQ(
      message_of(check_prolongation(pass, {d("2021-02-28"), d("2022-03-01"), "SENIOR"}, "ei"), "end"),
      "Une prolongation pour le motif « 50 ans et plus » dure au plus 12 mois : date de fin au plus tard le "
      "28/02/2022.");
  // A CDI signed after 57 may carry the PASS up to 10 years in one go.
  EXPECT_TRUE(check_prolongation(pass, {d("2021-02-28"), d("2031-02-28"), "SENIOR_CDI"}, "ei").empty());
  EXPECT_FALSE(check_prolongation(pass, {d("2021-02-28"), d("2031-03-01"), "SENIOR_CDI"}, "ei").empty());
}

TEST(Pass, AnRqthProlongationIsRefusedPastThreeYearsInAll) {
  Pass pass = new_pass(d("2019-03-01"));  // ends 2021-02-28
  const std::string rqth = "RQTH - Reconnaissance de la qualité de travailleur handicapé";
  for (std::string_view end : {"2022-02-28", "2023-02-28", "2024-02-28"}) {
    const PassPeriod p{pass_end(pass), d(end), "RQTH"};
    ASSERT_TRUE(check_prolongation(pass, p, "ei").empty()) << end;
    pass.prolongations.push_back(p);
  }
  EXPECT_EQ(pass_end(pass), d("2024-02-28"));
  const auto errors = check_prolongation(pass, {d("2024-02-28"), d("2024-06-28"), "RQTH"}, "ei");
  EXPECT_EQ(message_of(errors, "end"), "Les prolongations pour le motif « " + rqth +
                                           " » ont atteint leur durée totale maximale (3 ans).");
  // Another reason still may apply.
  EXPECT_TRUE(check_prolongation(pass, {d("2024-02-28"), d("2024-06-28"), "SENIOR"}, "ei").empty());
}

TEST(Pass, TheLastRqthProlongationMayOnlyUseWhatRemains) {
  Pass pass = new_pass(d("2019-03-01"));
  pass.prolongations = {{d("2021-02-28"), d("2022-02-28"), "RQTH"},
                        {d("2022-02-28"), d("2023-02-28"), "RQTH"},
                        {d("2023-02-28"), d("2023-08-28"), "RQTH"}};
  const auto errors = check_prolongation(pass, {d("2023-08-28"), d("2024-08-28"), "RQTH"}, "ei");
  EXPECT_EQ(
      message_of(errors, "end"),
      "Les prolongations pour le motif « RQTH - Reconnaissance de la qualité de travailleur handicapé » ne "
      "peuvent dépasser 3 ans au total : il reste 184 jours, soit une date de fin au plus tard le "
      "28/02/2024.");
  EXPECT_TRUE(check_prolongation(pass, {d("2023-08-28"), d("2024-02-28"), "RQTH"}, "ei").empty());
}

TEST(Pass, ThreeYearlyRqthProlongationsFitAcrossALeapDay) {
  Pass pass = new_pass(d("2021-07-01"));  // ends 2023-06-30; 29 February 2024 comes next
  for (std::string_view end : {"2024-06-30", "2025-06-30", "2026-06-30"}) {
    const PassPeriod p{pass_end(pass), d(end), "RQTH"};
    ASSERT_TRUE(check_prolongation(pass, p, "ei").empty()) << end;
    pass.prolongations.push_back(p);
  }
  EXPECT_EQ(prolongation_days(pass.prolongations[0]), 366);
  EXPECT_FALSE(check_prolongation(pass, {d("2026-06-30"), d("2026-07-01"), "RQTH"}, "ei").empty());
}

TEST(Pass, ParticularDifficultiesAreForAiAndAciOnly) {
  const Pass pass = new_pass(d("2019-03-01"));
  const PassPeriod p{d("2021-02-28"), d("2022-02-28"), "PARTICULAR_DIFFICULTIES"};
  EXPECT_TRUE(check_prolongation(pass, p, "ai").empty());
  EXPECT_TRUE(check_prolongation(pass, p, "aci").empty());
  for (std::string_view kind : {"ei", "etti", "eiti", "geiq", ""})
    EXPECT_EQ(
        message_of(check_prolongation(pass, p, kind), "reason"),
        "Le motif « Difficultés particulièrement importantes dont l'absence de prise en charge ferait "
        "obstacle "
        "à son insertion professionnelle » est réservé aux associations intermédiaires (AI) et aux ateliers "
        "et chantiers d'insertion (ACI).")
        << kind;
}

TEST(Pass, RetiredAndUnknownReasonsAreRefused) {
  const Pass pass = new_pass(d("2019-03-01"));
  EXPECT_EQ(message_of(check_prolongation(pass, {d("2021-02-28"), d("2021-06-30"), "HEALTH_CONTEXT"}, "ai"),
                       "reason"),
            "Le motif « Contexte sanitaire » n'est plus utilisable depuis le 1er décembre 2021.");
  EXPECT_EQ(message_of(check_prolongation(pass, {d("2021-02-28"), d("2021-06-30"), "BORED"}, "ai"), "reason"),
            "Choisissez un motif de prolongation dans la liste.");
}

TEST(Pass, SuspensionsAndProlongationsAddUp) {
  Pass pass = new_pass(d("2021-09-01"));                                       // 2023-08-31
  pass.suspensions.push_back({d("2022-01-10"), d("2022-02-08"), "SICKNESS"});  // +30 → 2023-09-30
  const PassPeriod p{d("2023-09-30"), d("2024-03-31"), "COMPLETE_TRAINING"};
  EXPECT_TRUE(check_prolongation(pass, p, "aci").empty());
  pass.prolongations.push_back(p);
  EXPECT_EQ(pass_end(pass), d("2024-03-31"));
  EXPECT_EQ(pass_alert(pass, d("2024-03-01")), PassAlert::one_month);
}

// --- dashboard ----------------------------------------------------------------------------

TEST(Dashboard, PositiveExitsFollowThePlieDefinition) {
  EXPECT_TRUE(is_positive_exit("employment_6m"));
  EXPECT_TRUE(is_positive_exit("qualifying_training"));
  EXPECT_TRUE(is_positive_exit("business_creation"));
  EXPECT_FALSE(is_positive_exit("moved"));
  EXPECT_FALSE(is_positive_exit("abandoned"));
  EXPECT_FALSE(is_positive_exit(""));
}

TEST(Dashboard, PercentagesAreRoundedHalfUp) {
  EXPECT_EQ(percent(1, 3), 33);
  EXPECT_EQ(percent(2, 3), 67);
  EXPECT_EQ(percent(1, 200), 1);
  EXPECT_EQ(percent(1, 201), 0);
  EXPECT_EQ(percent(5, 5), 100);
  EXPECT_EQ(percent(0, 0), 0);
  EXPECT_EQ(percent(3, 0), 0);
}

TEST(Dashboard, TheSeedFiguresGiveItsShares) {
  // Seed 003: 2,240 people followed; contact fails with about 20 %; about 50 %
  // cannot use e-mail.
  DashboardCounts n;
  n.followed = 2240;
  n.interactions = 3835;
  n.followed_not_reached = 452;
  n.assessed = 1800;
  n.unable_to_email = 905;
  n.exits = 40;
  n.positive_exits = 13;
  const DashboardShares shares = dashboard_shares(n);
  EXPECT_EQ(shares.not_reached, 20);
  EXPECT_EQ(shares.unable_to_email, 50);
  EXPECT_EQ(shares.positive_exits, 33);
  EXPECT_EQ(dashboard_shares({}).not_reached, 0);
}

TEST(Dashboard, EmailWithHelpCountsAsUnable) {
  EXPECT_TRUE(unable_to_use_email("no"));
  EXPECT_TRUE(unable_to_use_email("with_help"));
  EXPECT_FALSE(unable_to_use_email("yes"));
  EXPECT_FALSE(unable_to_use_email(""));
}
