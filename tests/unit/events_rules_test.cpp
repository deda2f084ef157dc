// events/rules: Paris times, event validation, the seat rule, the window.
#include <gtest/gtest.h>

#include "events/rules.hpp"

namespace passerelle::events {
namespace {

EventInput valid_input() {
  EventInput in;
  in.kind = "videoconference";
  in.title = "Réunion des adhérents IDF et Centre-Val de Loire";
  in.starts_at = "2020-04-20T10:00";
  in.ends_at = "2020-04-20T12:00";
  in.visio_url = "https://zoom.us/j/123";
  in.organiser_id = "5";
  in.capacity = "40";
  in.regions = {"11", "24"};  // Île-de-France, Centre-Val de Loire
  return in;
}

const web::FieldError* error_for(const web::Errors& errors, const std::string& field) {
  return web::find_error(errors, field);
}

TEST(EventsRules, ParisTimeToUtcFollowsSummerAndWinterTime) {
  EXPECT_EQ(paris_to_utc("2020-04-20T10:00"), "2020-04-20T08:00:00Z");  // summer time, UTC+2
  EXPECT_EQ(paris_to_utc("2023-01-31T09:30"), "2023-01-31T08:30:00Z");  // winter time, UTC+1
  EXPECT_EQ(paris_to_utc("2021-11-25 09:00"), "2021-11-25T08:00:00Z");
  EXPECT_EQ(paris_to_utc("2020-02-30T10:00"), std::nullopt);
  EXPECT_EQ(paris_to_utc("20/04/2020"), std::nullopt);
  EXPECT_EQ(utc_to_paris("2020-04-20T08:00:00Z"), "2020-04-20T10:00");
  EXPECT_EQ(utc_to_paris("2023-01-31T08:30:00Z"), "2023-01-31T09:30");
  EXPECT_EQ(add_hours("2023-01-30T23:00:00Z", 48), "2023-02-01T23:00:00Z");
}

TEST(EventsRules, ValidEventGivesUtcValues) {
  EventValues v;
  auto errors = validate_event(valid_input(), v);
  ASSERT_TRUE(errors.empty()) << errors[0].message;
  EXPECT_EQ(v.starts_at, "2020-04-20T08:00:00Z");
  EXPECT_EQ(v.ends_at, "2020-04-20T10:00:00Z");
  EXPECT_EQ(v.capacity, 40);
  EXPECT_EQ(v.organiser_id, 5);
  EXPECT_EQ(v.status, "draft");
  EXPECT_EQ(v.regions.size(), 2u);
}

TEST(EventsRules, EndBeforeStartAndEveryOtherErrorAtOnce) {
  auto in = valid_input();
  in.ends_at = "2020-04-20T09:00";
  in.kind = "party";
  in.title = " ";
  in.visio_url = "";
  in.capacity = "-3";
  in.regions = {"99"};
  EventValues v;
  auto errors = validate_event(in, v);
  ASSERT_NE(error_for(errors, "ends_at"), nullptr);
  EXPECT_EQ(error_for(errors, "ends_at")->message, "La fin doit être après le début.");
  EXPECT_NE(error_for(errors, "kind"), nullptr);
  EXPECT_NE(error_for(errors, "title"), nullptr);
  EXPECT_NE(error_for(errors, "venue"), nullptr);
  EXPECT_NE(error_for(errors, "capacity"), nullptr);
  ASSERT_NE(error_for(errors, "regions"), nullptr);
  EXPECT_EQ(error_for(errors, "regions")->message, "Région inconnue : « 99 ».");
  EXPECT_TRUE(v.title.empty());  // nothing filled on error
}

TEST(EventsRules, RegistrationWindowMustCloseAfterItOpensAndBeforeTheEnd) {
  auto in = valid_input();
  in.registration_opens_at = "2020-04-10T09:00";
  in.registration_closes_at = "2020-04-01T09:00";
  EventValues v;
  EXPECT_NE(error_for(validate_event(in, v), "registration_closes_at"), nullptr);
  in.registration_closes_at = "2020-04-21T09:00";
  EXPECT_NE(error_for(validate_event(in, v), "registration_closes_at"), nullptr);
  in.registration_closes_at = "2020-04-19T18:00";
  EXPECT_TRUE(validate_event(in, v).empty());
  EXPECT_EQ(v.registration_closes_at, "2020-04-19T16:00:00Z");
}

TEST(EventsRules, OnlyCountedStatusesUseSeats) {
  for (auto s : {"registered", "offered", "attended", "no_show"}) EXPECT_TRUE(uses_seat(s)) << s;
  for (auto s : {"waitlisted", "awaiting_approval", "cancelled", "expired"}) EXPECT_FALSE(uses_seat(s)) << s;
}

TEST(EventsRules, FullEventWaitlistsInsteadOfRefusing) {
  EXPECT_EQ(seat_decision(30, 29), "registered");
  EXPECT_EQ(seat_decision(30, 30), "waitlisted");
  EXPECT_EQ(seat_decision(30, 31), "waitlisted");
  EXPECT_EQ(seat_decision(std::nullopt, 5000), "registered");
  EXPECT_TRUE(session_has_room(10, 9));
  EXPECT_FALSE(session_has_room(10, 10));
  EXPECT_TRUE(session_has_room(std::nullopt, 10));
}

TEST(EventsRules, RegistrationOnlyInsideTheWindowOfAPublishedEvent) {
  std::optional<std::string> opens = "2023-01-01T08:00:00Z", closes = "2023-01-25T23:00:00Z";
  const char* start = "2023-01-31T08:30:00Z";
  EXPECT_EQ(registration_closed_reason("published", opens, closes, start, "2023-01-10T10:00:00Z"), std::nullopt);
  EXPECT_EQ(registration_closed_reason("published", opens, closes, start, "2022-12-31T10:00:00Z"),
            "Les inscriptions ne sont pas encore ouvertes.");
  EXPECT_EQ(registration_closed_reason("published", opens, closes, start, "2023-01-26T10:00:00Z"),
            "Les inscriptions sont closes.");
  EXPECT_EQ(registration_closed_reason("published", std::nullopt, std::nullopt, start, "2023-01-31T09:00:00Z"),
            "Les inscriptions sont closes.");
  EXPECT_EQ(registration_closed_reason("draft", opens, closes, start, "2023-01-10T10:00:00Z"),
            "Les inscriptions à cet événement ne sont pas ouvertes.");
  EXPECT_EQ(registration_closed_reason("cancelled", opens, closes, start, "2023-01-10T10:00:00Z"),
            "Cet événement est annulé.");
}

TEST(EventsRules, StatusTransitions) {
  EXPECT_TRUE(event_transition_allowed("draft", "published"));
  EXPECT_TRUE(event_transition_allowed("published", "cancelled"));
  EXPECT_TRUE(event_transition_allowed("published", "done"));
  EXPECT_FALSE(event_transition_allowed("done", "published"));
  EXPECT_FALSE(event_transition_allowed("cancelled", "published"));
  EXPECT_FALSE(event_transition_allowed("draft", "done"));
}

}  // namespace
}  // namespace passerelle::events
