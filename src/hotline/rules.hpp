#pragma once
// Pure rules of the hotline: the business calendar (working hours kept as
// data, French public holidays computed), SLA due instants and business
// durations, the state machine, validation of a question, a rating and an
// attachment, percentiles for the reports. No I/O; unit-tested alone
// (tests/unit/hotline_rules_test.cpp).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/web/validation.hpp"
#include "hotline/model.hpp"

namespace passerelle::hotline {

// ---- Calendar --------------------------------------------------------------

struct Date {
  int year = 0, month = 0, day = 0;
  auto operator<=>(const Date&) const = default;
};

// Easter Sunday (Gregorian calendar; anonymous algorithm of Meeus/Jones/Butcher).
Date easter_sunday(int year);
// French public holidays (Code du travail, art. L3133-1): 1 January, Easter
// Monday, 1 May, 8 May, Ascension (Easter + 39), Whit Monday (Easter + 50),
// 14 July, 15 August, 1 November, 11 November, 25 December. Alsace-Moselle's
// Good Friday and 26 December are not included.
bool is_public_holiday(const Date& d);
std::vector<Date> public_holidays(int year);
// 1 Monday … 7 Sunday.
int weekday(const Date& d);

// Working hours of a weekday, in minutes of the local day (Europe/Paris).
struct OpeningSpan {
  int weekday = 1, opens = 0, closes = 0;
};
struct Calendar {
  std::vector<OpeningSpan> spans;  // sorted by weekday then opening
};
// Monday–Friday 9:00–12:30 and 13:30–17:30 (the migration's rows).
Calendar default_calendar();

// "9:00", "09:30", "9h30", "9 h", "24:00" → minutes of the day (0–1440); nullopt otherwise.
std::optional<int> parse_clock(std::string_view s);
// 570 → "09:30" (the value of an <input type="time">); 1440 → "24:00".
std::string clock_value(int minute);
// 570 → "9 h 30", 540 → "9 h".
std::string clock_label(int minute);
// "du lundi au vendredi : 9 h – 12 h 30 et 13 h 30 – 17 h 30 ; samedi : 9 h – 12 h":
// consecutive days with the same hours said once; "aucune plage horaire" when empty.
std::string describe_calendar(const Calendar& cal);
// "lundi" … "dimanche" (1 … 7).
std::string_view weekday_name(int weekday);

// The business-hours form: per weekday (1–7) up to kSpansPerDay spans, each an
// opening and a closing time as typed ("" and "" for none). Checked: both or
// neither given, valid times, opening before closing, a day's spans in order
// without overlap, at least one span in the week (without any, nothing would
// ever be due). Errors on fields "d{weekday}_{k}_opens" / "_closes" (k from 1),
// or "hours" for the whole week.
constexpr int kSpansPerDay = 2;
struct SpanInput {
  std::string opens, closes;
};
using WeekInput = std::vector<std::vector<SpanInput>>;  // [weekday - 1][k]
web::Errors validate_calendar(const WeekInput& in, Calendar& out);

// UTC ISO instants ("2020-04-10T15:00:00Z"); nullopt when malformed.
std::optional<std::int64_t> parse_utc(std::string_view iso);
std::string format_utc(std::int64_t epoch_seconds);
// Seconds to add to UTC for Europe/Paris at that instant (3600 or 7200).
int paris_offset(std::int64_t epoch_seconds);

// Midnight of a Paris date ("2020-03-16") as a UTC instant; nullopt when not a date.
std::optional<std::string> paris_day_start_utc(std::string_view date);
// The date after ("2020-03-31" → "2020-04-01").
std::string next_date(std::string_view date);

// The instant `minutes` business minutes after `from` (a question received
// outside working hours starts counting at the next opening).
std::string add_business_minutes(const Calendar& cal, std::string_view from_utc, std::int64_t minutes);
// Business minutes between two instants (0 when `to` is before `from`).
std::int64_t business_minutes_between(const Calendar& cal, std::string_view from_utc, std::string_view to_utc);

// The SLA of a question: the next due instant for the queue's order, and
// whether it is late or about to be (less than `soon_minutes` business
// minutes left) at `now`.
enum class Sla { none, ok, soon, late };
inline constexpr std::string_view kNoDue = "9999-12-31T00:00:00Z";
std::string next_due(std::string_view state, const std::optional<std::string>& first_response_at,
                     std::string_view first_response_due, std::string_view resolution_due);
Sla sla_status(const Calendar& cal, std::string_view next_due, std::string_view now, std::int64_t soon_minutes = 120);
std::string_view sla_label(Sla s);

// ---- State machine ---------------------------------------------------------

// new → open → waiting (for the member) → answered → closed; closed reopens to
// open. Staff may move a question between any two states the table allows;
// the member may close an answered question and reopen an answered or closed one.
bool transition_allowed(std::string_view from, std::string_view to, bool staff);
// States reached: answered and closed stop the resolution clock.
bool is_resolved(std::string_view state);
// The state after a reply: a staff reply with `then` ("answered", "waiting" or
// "" to keep the state; a new question becomes open), a member's reply to a
// question waiting for them or answered reopens it.
std::string state_after_reply(std::string_view state, bool by_staff, std::string_view then);

// ---- Validation -------------------------------------------------------------

struct QuestionInput {
  std::string organisation_id, contact_id, category_id, channel, priority, subject, body;
};
struct QuestionValues {
  std::int64_t organisation_id = 0, category_id = 0;
  std::optional<std::int64_t> contact_id;
  std::string channel = "form", priority = "normal", subject, body;
};
// Every error at once, in French, by field. Whether the ids exist in the
// caller's scope is checked by the caller.
web::Errors validate_question(const QuestionInput& in, QuestionValues& out);
web::Errors validate_message(std::string_view body);

struct RatingInput {
  std::string score, comment;
};
web::Errors validate_rating(const RatingInput& in, int& score);

// Attachments: at most 5 MB, PDF, images and office documents, recognised by
// extension and first bytes. Returns the content type to store, or the French error.
inline constexpr std::size_t kMaxAttachmentBytes = 5 * 1024 * 1024;
struct AttachmentCheck {
  std::string content_type, error;
};
AttachmentCheck check_attachment(std::string_view filename, std::string_view bytes);

struct CategoryInput {
  std::string name, parent_id, first_response_hours, resolution_hours, position;
  std::string active = "1";  // "0", "false" or "" (an unticked box) retire it
};
struct CategoryValues {
  std::string name;
  std::optional<std::int64_t> parent_id;
  std::int64_t first_response_minutes = 480, resolution_minutes = 2400, position = 0;
  bool active = true;
};
web::Errors validate_category(const CategoryInput& in, CategoryValues& out);

struct FaqInput {
  std::string title, answer, category_id;
};
web::Errors validate_faq(const FaqInput& in);

// A draft FAQ text from a question and its answer: each of `names` (the
// organisation, the contact, the people of the thread — whole, and each word of
// three letters or more) replaced by "[…]", whatever its case. Staff review
// and edit it before publishing.
std::string anonymise(std::string_view text, const std::vector<std::string>& names);

// ---- Reports ----------------------------------------------------------------

// Nearest-rank percentile (p in 0..100) of unsorted values; nullopt when empty.
std::optional<std::int64_t> percentile(std::vector<std::int64_t> values, int p);
// Monday of the ISO week of a UTC instant in Paris time, "YYYY-MM-DD".
std::string week_of(std::string_view utc);
// "5 h 30" / "2 j 3 h" in business time (a business day: 8 hours).
std::string business_duration_label(std::int64_t minutes);

}  // namespace passerelle::hotline
