#pragma once
// E-mails of the hotline (issue 6), queued in the mail outbox inside the
// request's transaction (a reply committed ⇔ its e-mail queued). The French
// texts are templates/hotline/mail_*.mustache: first line the subject, then a
// blank line, then the body. Internal notes are never mailed.
//
// Who is told:
//   - the member (the question's contact, or else the member who asked it
//     from their account) when the question is received, when staff reply,
//     and when it is closed (with the link to rate it);
//   - the assigned staff member when the member writes back, and when a
//     colleague assigns the question to them.
#include <cstdint>
#include <string>
#include <string_view>

#include "core/db/database.hpp"
#include "hotline/store.hpp"

namespace passerelle::hotline {

// `q` is the question as it was before the change; `event` is "created",
// "assigned" (`q` carrying the new assignee),
// "reply" (`detail` the state after it, `by_staff` who wrote, `body` the
// reply) or "state" (`detail` the new state). Returns how many e-mails were
// queued (0 when nobody has an address, or the same change was told before).
int queue_question_mail(db::Connection& db, const Question& q, std::string_view event, std::string_view detail,
                        bool by_staff, const std::string& body, const std::string& now);

}  // namespace passerelle::hotline
