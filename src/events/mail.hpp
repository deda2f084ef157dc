#pragma once
// E-mails of events (issue 5), queued in the mail outbox inside the store's
// transactions (a registration committed ⇔ its e-mail queued). The French
// texts are templates/events/mail_*.mustache: first line the subject, then a
// blank line, then the body.
#include <cstdint>
#include <string>

#include "core/db/database.hpp"

namespace passerelle::events {

// The e-mail telling a registration's contact of its new status: registered
// (confirmation, with the .ics), waitlisted, offered (the seat and until
// when), cancelled. `change_id` is the status history row: the same change
// is never told twice, a later one is. Nothing when the contact has no address.
void queue_status_mail(db::Connection& db, std::int64_t registration_id, const std::string& status,
                       std::int64_t change_id, const std::string& now);
// The event is cancelled: everyone registered, waitlisted or offered a seat is told.
std::int64_t queue_event_cancelled(db::Connection& db, std::int64_t event_id, const std::string& now);
// The pass of the reminders of the day before (sender thread, and
// `passerelle events send-reminders`): one per registration and start date.
std::int64_t queue_reminders(db::Connection& db, const std::string& now);
// The .ics of an event (for the download and the attachments).
std::string event_ics(db::Connection& db, std::int64_t event_id, const std::string& now);

}  // namespace passerelle::events
