#pragma once
// The mail outbox (ARCHITECTURE "core/web"): modules queue e-mails inside the
// transaction of the change they tell about; the sender (mail_sender.hpp)
// claims the due ones, sends them and records the outcome. Statuses:
//   queued → sending → sent
//                    → queued (temporary error: retried later, with back-off)
//                    → failed (permanent refusal, or the last attempt failed)
//                    → uncertain (the sender died while sending, see recover_stale)
//   failed | uncertain → queued (staff requeue)
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/db/database.hpp"
#include "core/web/mime.hpp"

namespace passerelle::outbox {

struct Label {
  std::string_view code, label;
};
inline constexpr Label kStatuses[] = {
    {"queued", "En attente"},
    {"sending", "Envoi en cours"},
    {"sent", "Envoyé"},
    {"failed", "Échec"},
    {"uncertain", "Incertain : à vérifier"},
};
std::string_view status_label(std::string_view code);
bool is_status(std::string_view code);

// A message to queue.
struct Outgoing {
  std::string kind, dedupe_key, to_address, to_name, subject, text, html;
  std::vector<mime::Attachment> attachments;
  std::optional<std::int64_t> registration_id, organisation_id;
  std::string list_unsubscribe;  // an https:// link for the List-Unsubscribe header (mailings), or empty
};

// Queues `m` on the caller's connection (inside their transaction), due at
// `now`. Returns its id, or nullopt when a message with the same dedupe_key
// was already queued (then nothing is written).
std::optional<std::int64_t> enqueue(db::Connection& db, const Outgoing& m, const std::string& now);

// Back-off after a temporary failure: the delay before attempt `attempts` + 1,
// or nullopt when `attempts` were the last allowed (then the message fails).
// Default 1 min, 5 min, 30 min, 2 h, 6 h, 24 h: a relay down for a day loses
// nothing. PASSERELLE_MAIL_RETRY_DELAYS="60,300,…" (seconds) replaces the list.
std::optional<std::int64_t> retry_delay(int attempts, const std::vector<std::int64_t>& delays);
std::vector<std::int64_t> default_retry_delays();
std::vector<std::int64_t> retry_delays_from_env();

// A message claimed for sending, with what the MIME builder needs.
struct Claimed {
  std::int64_t id = 0;
  std::string claim_token, kind, to_address, to_name, subject, text, html, message_id;
  std::string list_unsubscribe;
  int attempts = 0;  // including this one
  std::vector<mime::Attachment> attachments;
};

// Claims up to `limit` due queued messages in one statement (status sending,
// lease until now + lease_seconds), safe with several processes: on
// PostgreSQL the rows are picked FOR UPDATE SKIP LOCKED, SQLite serialises
// writers. Runs in its own transaction.
std::vector<Claimed> claim_due(db::Connection& db, const std::string& now, std::int64_t lease_seconds, int limit);

// Outcomes of one claim (ignored when the claim is no longer current, e.g. staff requeued it).
void mark_sent(db::Connection& db, const Claimed& m, const std::string& now);
// `permanent`: fails at once; otherwise queued again after retry_delay, or
// failed after the last attempt. `error` is French, shown to staff.
void mark_failed(db::Connection& db, const Claimed& m, const std::string& error, bool permanent, const std::string& now,
                 const std::vector<std::int64_t>& delays);

// Messages left "sending" past their lease: their sender died (crash, kill,
// power cut) between claiming and recording the outcome. The relay may or may
// not have accepted them: sending again could deliver twice, not sending could
// lose one. We never resend blindly: they become "uncertain", shown to staff,
// who check (with the recipient, or the relay's log) and requeue if needed.
// Returns how many.
std::int64_t recover_stale(db::Connection& db, const std::string& now);

// Staff put a failed or uncertain message back in the queue, due now. False
// when it is in another status. Writes the history row (the caller audits).
bool requeue(db::Connection& db, std::int64_t id, std::optional<std::int64_t> user_id, const std::string& now);

// The staff list.
struct Entry {
  std::int64_t id = 0;
  std::string kind, to_address, to_name, subject, status, last_error, next_attempt_at, sent_at, created_at;
  int attempts = 0;
  std::optional<std::int64_t> registration_id, organisation_id;
};
struct Filter {
  std::string status;  // empty: every status
  std::vector<std::string> scope;  // organisation paths the caller reaches ("" = everything)
  std::int64_t before_id = 0;      // keyset, newest first
  int limit = 50;
};
std::vector<Entry> list(db::Connection& db, const Filter& f);
std::optional<Entry> get(db::Connection& db, const std::vector<std::string>& scope, std::int64_t id);
// Number of messages per status (for the log, metrics and the staff page).
std::vector<std::pair<std::string, std::int64_t>> counts(db::Connection& db);

// Prometheus lines for /metrics: messages queued, sending, failed and
// uncertain (not the sent ones: an index range, cheap at every scrape).
std::string prometheus_text(db::Connection& db);

}  // namespace passerelle::outbox
