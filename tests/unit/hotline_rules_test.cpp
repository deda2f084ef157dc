// hotline/rules alone: French public holidays from the Easter date, business
// hours arithmetic (lunch break, weekends, holidays, summer time), SLA status,
// the state machine, validation of questions, ratings and attachments,
// percentiles of the reports.
#include <gtest/gtest.h>

#include "hotline/rules.hpp"

namespace passerelle::hotline {
namespace {

const Calendar cal = default_calendar();

TEST(HotlineCalendar, EasterAndTheHolidaysDerivedFromIt) {
  EXPECT_EQ(easter_sunday(2019), (Date{2019, 4, 21}));
  EXPECT_EQ(easter_sunday(2020), (Date{2020, 4, 12}));
  EXPECT_EQ(easter_sunday(2021), (Date{2021, 4, 4}));
  EXPECT_EQ(easter_sunday(2024), (Date{2024, 3, 31}));
  EXPECT_EQ(easter_sunday(2038), (Date{2038, 4, 25}));
  auto h = public_holidays(2020);
  ASSERT_EQ(h.size(), 11u);
  EXPECT_EQ(h[1], (Date{2020, 4, 13}));  // Easter Monday
  EXPECT_EQ(h[4], (Date{2020, 5, 21}));  // Ascension
  EXPECT_EQ(h[5], (Date{2020, 6, 1}));   // Whit Monday
  EXPECT_TRUE(is_public_holiday({2020, 5, 8}));
  EXPECT_TRUE(is_public_holiday({2024, 4, 1}));    // Easter Monday 2024
  EXPECT_TRUE(is_public_holiday({2024, 5, 20}));   // Whit Monday 2024
  EXPECT_FALSE(is_public_holiday({2020, 4, 10}));  // Good Friday: only in Alsace-Moselle
  EXPECT_FALSE(is_public_holiday({2020, 12, 26}));
  EXPECT_EQ(weekday({2020, 4, 10}), 5);
  EXPECT_EQ(weekday({2020, 4, 12}), 7);
  EXPECT_EQ(weekday({1970, 1, 1}), 4);
}

TEST(HotlineCalendar, ParisOffsetFollowsSummerTime) {
  EXPECT_EQ(paris_offset(*parse_utc("2020-03-29T00:59:59Z")), 3600);
  EXPECT_EQ(paris_offset(*parse_utc("2020-03-29T01:00:00Z")), 7200);
  EXPECT_EQ(paris_offset(*parse_utc("2020-10-25T00:59:59Z")), 7200);
  EXPECT_EQ(paris_offset(*parse_utc("2020-10-25T01:00:00Z")), 3600);
  EXPECT_FALSE(parse_utc("2020-02-30T10:00:00Z"));
  EXPECT_FALSE(parse_utc("demain"));
  EXPECT_EQ(format_utc(*parse_utc("2020-04-10T15:00:00Z")), "2020-04-10T15:00:00Z");
}

TEST(HotlineBusinessHours, FridayFivePmBeforeTheEasterWeekendIsAnsweredOnTuesday) {
  // Friday 10 April 2020, 17:00 in Paris (summer time): 30 minutes left that
  // day, then Saturday, Sunday and Easter Monday are closed.
  EXPECT_EQ(add_business_minutes(cal, "2020-04-10T15:00:00Z", 60), "2020-04-14T07:30:00Z");
  // One business day (8 hours): Tuesday at 17:30.
  EXPECT_EQ(add_business_minutes(cal, "2020-04-10T15:00:00Z", 480), "2020-04-14T15:30:00Z");
  EXPECT_EQ(business_minutes_between(cal, "2020-04-10T15:00:00Z", "2020-04-14T07:30:00Z"), 60);
  EXPECT_EQ(business_minutes_between(cal, "2020-04-10T15:00:00Z", "2020-04-14T15:30:00Z"), 480);
}

TEST(HotlineBusinessHours, LunchBreakWeekendsHolidaysAndTheChangeOfTime) {
  // Monday 23 March 2020, 12:00 in Paris (winter): 30 min, lunch, 30 min.
  EXPECT_EQ(add_business_minutes(cal, "2020-03-23T11:00:00Z", 60), "2020-03-23T13:00:00Z");
  // A question of Saturday morning counts from Monday 9:00.
  EXPECT_EQ(add_business_minutes(cal, "2020-03-21T09:00:00Z", 30), "2020-03-23T08:30:00Z");
  // Friday 27 March 17:00 (winter) → Monday 30 March 9:30 (summer time since Sunday).
  EXPECT_EQ(add_business_minutes(cal, "2020-03-27T16:00:00Z", 60), "2020-03-30T07:30:00Z");
  // Thursday 30 April 17:00 → 1 May is a holiday → Monday 4 May 9:30.
  EXPECT_EQ(add_business_minutes(cal, "2020-04-30T15:00:00Z", 60), "2020-05-04T07:30:00Z");
  // Wednesday 20 May 17:30 → Ascension on Thursday → Friday 22 May 10:00.
  EXPECT_EQ(add_business_minutes(cal, "2020-05-20T15:30:00Z", 60), "2020-05-22T08:00:00Z");
  // Exactly the end of a span stays on that day.
  EXPECT_EQ(add_business_minutes(cal, "2020-03-23T08:00:00Z", 210), "2020-03-23T11:30:00Z");
  // A whole week of 5 days is 40 business hours.
  EXPECT_EQ(business_minutes_between(cal, "2020-03-23T00:00:00Z", "2020-03-30T00:00:00Z"), 5 * 450);
  EXPECT_EQ(business_minutes_between(cal, "2020-03-23T13:00:00Z", "2020-03-23T11:00:00Z"), 0);
  // During the lunch break and the night nothing counts.
  EXPECT_EQ(business_minutes_between(cal, "2020-03-23T11:40:00Z", "2020-03-23T12:20:00Z"), 0);
  EXPECT_EQ(business_minutes_between(cal, "2020-03-23T17:00:00Z", "2020-03-24T08:00:00Z"), 0);
  // The calendar is data: a Saturday morning opening counts.
  Calendar with_saturday = cal;
  with_saturday.spans.push_back({6, 9 * 60, 12 * 60});
  EXPECT_EQ(add_business_minutes(with_saturday, "2020-03-20T16:00:00Z", 60), "2020-03-21T08:30:00Z");
  // An empty calendar never falls due.
  EXPECT_EQ(add_business_minutes(Calendar{}, "2020-03-20T16:00:00Z", 60), kNoDue);
}

TEST(HotlineSla, NextDueAndStatus) {
  EXPECT_EQ(next_due("new", std::nullopt, "2020-03-24T08:00:00Z", "2020-03-30T08:00:00Z"), "2020-03-24T08:00:00Z");
  EXPECT_EQ(next_due("open", std::string("2020-03-23T10:00:00Z"), "2020-03-24T08:00:00Z", "2020-03-30T08:00:00Z"),
            "2020-03-30T08:00:00Z");
  EXPECT_EQ(next_due("answered", std::nullopt, "2020-03-24T08:00:00Z", "2020-03-30T08:00:00Z"), kNoDue);
  EXPECT_EQ(sla_status(cal, "2020-03-24T08:00:00Z", "2020-03-24T09:00:00Z"), Sla::late);
  EXPECT_EQ(sla_status(cal, "2020-03-24T10:00:00Z", "2020-03-24T09:00:00Z"), Sla::soon);
  // Due Monday 9:30, now Friday 17:00: 60 business minutes left although 64 hours away.
  EXPECT_EQ(sla_status(cal, "2020-03-30T07:30:00Z", "2020-03-27T16:00:00Z"), Sla::soon);
  EXPECT_EQ(sla_status(cal, "2020-03-30T07:30:00Z", "2020-03-26T16:00:00Z"), Sla::ok);
  EXPECT_EQ(sla_status(cal, std::string(kNoDue), "2020-03-26T16:00:00Z"), Sla::none);
  EXPECT_EQ(sla_label(Sla::late), "En retard");
}

TEST(HotlineStates, TransitionsOfStaffAndMembers) {
  EXPECT_TRUE(transition_allowed("new", "open", true));
  EXPECT_FALSE(transition_allowed("new", "open", false));
  EXPECT_TRUE(transition_allowed("open", "waiting", true));
  EXPECT_TRUE(transition_allowed("answered", "closed", false));
  EXPECT_TRUE(transition_allowed("closed", "open", false));
  EXPECT_TRUE(transition_allowed("closed", "open", true));
  EXPECT_FALSE(transition_allowed("closed", "answered", true));
  EXPECT_FALSE(transition_allowed("closed", "new", true));
  EXPECT_FALSE(transition_allowed("open", "open", true));
  EXPECT_FALSE(transition_allowed("open", "closed", false));
  EXPECT_EQ(state_after_reply("new", true, ""), "open");
  EXPECT_EQ(state_after_reply("new", true, "answered"), "answered");
  EXPECT_EQ(state_after_reply("open", true, "waiting"), "waiting");
  EXPECT_EQ(state_after_reply("closed", true, "answered"), "closed");
  EXPECT_EQ(state_after_reply("waiting", false, ""), "open");
  EXPECT_EQ(state_after_reply("answered", false, ""), "open");
  EXPECT_EQ(state_after_reply("new", false, ""), "new");
  EXPECT_TRUE(is_resolved("answered"));
  EXPECT_FALSE(is_resolved("waiting"));
}

TEST(HotlineValidation, AnEmptyQuestionGetsEveryErrorInFrench) {
  QuestionValues v;
  auto e = validate_question({"", "", "", "fax", "tres", "  ", ""}, v);
  ASSERT_NE(web::find_error(e, "subject"), nullptr);
  EXPECT_EQ(web::find_error(e, "subject")->message, "L'objet de la question est obligatoire.");
  EXPECT_NE(web::find_error(e, "body"), nullptr);
  EXPECT_EQ(web::find_error(e, "category_id")->message, "Choisissez une catégorie.");
  EXPECT_NE(web::find_error(e, "channel"), nullptr);
  EXPECT_NE(web::find_error(e, "priority"), nullptr);
  EXPECT_NE(web::find_error(e, "organisation_id"), nullptr);
  e = validate_question({"3", "", "7", "", "", " Chômage partiel ", "Comment déclarer ?"}, v);
  EXPECT_TRUE(e.empty());
  EXPECT_EQ(v.subject, "Chômage partiel");
  EXPECT_EQ(v.channel, "form");
  EXPECT_EQ(v.priority, "normal");
  EXPECT_EQ(v.category_id, 7);
  EXPECT_EQ(validate_question({"3", "", "x", "", "", "a", "b"}, v)[0].message, "Catégorie inconnue.");
  EXPECT_EQ(validate_message(" \n ")[0].message, "Le message est vide.");
}

TEST(HotlineValidation, RatingsFromOneToFive) {
  int score = 0;
  EXPECT_TRUE(validate_rating({"5", "Merci"}, score).empty());
  EXPECT_EQ(score, 5);
  EXPECT_EQ(validate_rating({"6", ""}, score)[0].message, "La note va de 1 à 5.");
  EXPECT_FALSE(validate_rating({"0", ""}, score).empty());
  EXPECT_FALSE(validate_rating({"", ""}, score).empty());
  EXPECT_FALSE(validate_rating({"4.5", ""}, score).empty());
}

TEST(HotlineValidation, AttachmentsBySizeExtensionAndContent) {
  EXPECT_EQ(check_attachment("note.pdf", "%PDF-1.7 …").content_type, "application/pdf");
  EXPECT_EQ(check_attachment("Photo.JPG", "\xFF\xD8\xFF\xE0 jfif").content_type, "image/jpeg");
  EXPECT_EQ(check_attachment("paie.xlsx", std::string("PK\x03\x04 rest", 9)).content_type,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  EXPECT_NE(check_attachment("virus.exe", "MZ").error.find("Type de fichier non accepté"), std::string::npos);
  EXPECT_NE(check_attachment("faux.pdf", "\x89PNG").error.find("ne correspond pas"), std::string::npos);
  EXPECT_EQ(check_attachment("vide.pdf", "").error, "Le fichier est vide.");
  std::string big(kMaxAttachmentBytes + 1, 'x');
  big.replace(0, 5, "%PDF-");
  EXPECT_NE(check_attachment("gros.pdf", big).error.find("5 Mo"), std::string::npos);
  big.resize(kMaxAttachmentBytes);
  EXPECT_TRUE(check_attachment("juste.pdf", big).error.empty());
  EXPECT_EQ(check_attachment("../etc/passwd.pdf", "%PDF-").error, "Nom de fichier invalide.");
}

TEST(HotlineValidation, CategoriesTargetsInHours) {
  CategoryValues v;
  EXPECT_TRUE(validate_category({"Paie", "", "4", "16", ""}, v).empty());
  EXPECT_EQ(v.first_response_minutes, 240);
  EXPECT_EQ(v.resolution_minutes, 960);
  EXPECT_TRUE(validate_category({"Paie", "2", "1,5", "8", "3"}, v).empty());
  EXPECT_EQ(v.first_response_minutes, 90);
  EXPECT_EQ(v.parent_id, 2);
  auto e = validate_category({"", "x", "0", "beaucoup", "-1"}, v);
  EXPECT_EQ(e.size(), 5u);
  EXPECT_FALSE(validate_category({"Paie", "", "8", "4", ""}, v).empty());
}

TEST(HotlineReports, PercentilesWeeksAndDurations) {
  std::vector<std::int64_t> v{10, 1, 9, 2, 8, 3, 7, 4, 6, 5};
  EXPECT_EQ(percentile(v, 50), 5);
  EXPECT_EQ(percentile(v, 90), 9);
  EXPECT_EQ(percentile(v, 100), 10);
  EXPECT_EQ(percentile({42}, 90), 42);
  EXPECT_FALSE(percentile({}, 50));
  EXPECT_EQ(week_of("2020-04-12T21:30:00Z"), "2020-04-06");  // Sunday 23:30 in Paris
  EXPECT_EQ(week_of("2020-04-12T22:30:00Z"), "2020-04-13");  // Monday 00:30 in Paris
  EXPECT_EQ(business_duration_label(45), "45 min");
  EXPECT_EQ(business_duration_label(90), "1 h 30");
  EXPECT_EQ(business_duration_label(480), "1 j");
  EXPECT_EQ(business_duration_label(600), "1 j 2 h");
}

}  // namespace
}  // namespace passerelle::hotline

namespace passerelle::hotline {
namespace {
TEST(HotlineReports, PeriodBoundsInParisTime) {
  EXPECT_EQ(paris_day_start_utc("2020-03-16"), "2020-03-15T23:00:00Z");
  EXPECT_EQ(paris_day_start_utc("2020-04-01"), "2020-03-31T22:00:00Z");
  EXPECT_FALSE(paris_day_start_utc("2020-13-01"));
  EXPECT_FALSE(paris_day_start_utc("hier"));
  EXPECT_EQ(next_date("2020-02-29"), "2020-03-01");
}
}  // namespace
}  // namespace passerelle::hotline

namespace passerelle::hotline {
namespace {
TEST(HotlineFaq, AnonymisedDraftCarriesNoNames) {
  auto out = anonymise("Bonjour Pierre MOREL, les PASS IAE de Solipass sont prolongés. Signé : Nadia.",
                       {"Solipass", "Pierre Morel", "Nadia Chargée de mission"});
  EXPECT_EQ(out, "Bonjour […], les PASS IAE de […] sont prolongés. Signé : […].");
  // Only whole words: "Pierre" does not touch "Pierrefitte"? It does not.
  EXPECT_EQ(anonymise("Pierrefitte", {"Pierre Morel"}), "Pierrefitte");
  EXPECT_EQ(anonymise("Nettoyage Solidaire Paris à Paris", {"Nettoyage Solidaire Paris"}), "[…] à […]");
}
}  // namespace
// The business-hours form: times as typed in France, the week said in words,
// every mistake named with its day and span.
TEST(HotlineCalendar, BusinessHoursAreTypedCheckedAndSaidInFrench) {
  EXPECT_EQ(parse_clock("9:00"), 540);
  EXPECT_EQ(parse_clock("09:30"), 570);
  EXPECT_EQ(parse_clock("9h30"), 570);
  EXPECT_EQ(parse_clock("9 h"), 540);
  EXPECT_EQ(parse_clock("24:00"), 1440);
  for (const char* bad : {"", "25:00", "9:5", "9:", ":30", "24:30", "neuf heures", "9:00:00", "123:00"})
    EXPECT_FALSE(parse_clock(bad).has_value()) << bad;
  EXPECT_EQ(clock_value(570), "09:30");
  EXPECT_EQ(clock_label(570), "9 h 30");
  EXPECT_EQ(clock_label(1020), "17 h");

  EXPECT_EQ(describe_calendar(default_calendar()),
            "du lundi au vendredi : 9 h – 12 h 30 et 13 h 30 – 17 h 30");
  Calendar week{{{1, 540, 1020}, {2, 540, 1020}, {4, 540, 720}, {6, 600, 720}, {7, 600, 720}}};
  EXPECT_EQ(describe_calendar(week),
            "lundi et mardi : 9 h – 17 h ; jeudi : 9 h – 12 h ; samedi et dimanche : 10 h – 12 h");
  EXPECT_EQ(describe_calendar(Calendar{}), "aucune plage horaire");

  WeekInput typed(7, std::vector<SpanInput>(kSpansPerDay));
  typed[0][0] = {"09:00", "12:30"};
  typed[0][1] = {"13:30", "17:30"};
  typed[5][0] = {" 9h ", "12h"};
  Calendar out;
  EXPECT_TRUE(validate_calendar(typed, out).empty());
  ASSERT_EQ(out.spans.size(), 3u);
  EXPECT_EQ(out.spans[2].weekday, 6);
  EXPECT_EQ(out.spans[2].opens, 540);
  EXPECT_EQ(out.spans[2].closes, 720);

  typed[1][0] = {"25:00", "12:00"};  // not a time
  typed[2][0] = {"14:00", "09:00"};  // closes before it opens
  typed[3][0] = {"09:00", "12:30"};
  typed[3][1] = {"12:00", "17:00"};  // overlaps the morning
  typed[4][0] = {"09:00", ""};       // half a span
  auto errors = validate_calendar(typed, out);
  ASSERT_EQ(errors.size(), 4u);
  EXPECT_EQ(errors[0].field, "d2_1_opens");
  EXPECT_EQ(errors[0].message, "« 25:00 » n'est pas une heure (par exemple 09:00) — mardi, plage 1.");
  EXPECT_EQ(errors[1].field, "d3_1_closes");
  EXPECT_EQ(errors[1].message, "La fermeture doit suivre l'ouverture (mercredi, plage 1).");
  EXPECT_EQ(errors[2].field, "d4_2_opens");
  EXPECT_EQ(errors[2].message, "Cette plage chevauche la précédente (jeudi, plage 2).");
  EXPECT_EQ(errors[3].field, "d5_1_closes");
  EXPECT_EQ(errors[3].message, "Indiquez l'heure de fermeture (vendredi, plage 1).");

  WeekInput empty(7, std::vector<SpanInput>(kSpansPerDay));
  errors = validate_calendar(empty, out);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].field, "hours");
}

}  // namespace passerelle::hotline
