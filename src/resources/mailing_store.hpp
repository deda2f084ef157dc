#pragma once
// SQL of mailings, scoped by the caller's organisations (the sender
// organisation's path): the mailings, their audience (contacts with consent of
// member organisations, or participants of a programme or referent), the
// queuing into the mail outbox by batches, per-recipient delivery status, and
// unsubscription by link. Resources are read from the library's tables (0022).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/db/batch.hpp"
#include "core/db/database.hpp"
#include "core/web/validation.hpp"
#include "resources/mailing_model.hpp"

namespace passerelle::mailings {

using Scope = std::vector<std::string>;  // organisation paths the caller reaches ("" = everything)

struct Mailing {
  std::int64_t id = 0, organisation_id = 0;
  std::string organisation_name, organisation_path;
  std::string subject, body, audience, region, organisation_kind;
  std::optional<std::int64_t> programme_id, referent_id;
  std::string programme_name, referent_name;
  std::string status;
  std::int64_t recipients_count = 0;
  std::string test_sent_at, send_started_at, sent_at, created_by_name, created_at, updated_at;
  std::vector<ResourceLink> resources;
};

struct MailingFilter {
  std::string q, status, audience;
  std::int64_t before_id = 0;  // keyset, newest first
  int limit = 25;
};

std::vector<Mailing> list_mailings(db::Connection& db, const Scope& scope, const MailingFilter& f);
// With its resources; nullopt when unknown or outside the scope.
std::optional<Mailing> get_mailing(db::Connection& db, const Scope& scope, std::int64_t id);

// Checks what only the database knows (the sender, programme, referent and
// resources are within reach and fit the audience); errors by field.
web::Errors check_references(db::Connection& db, const Scope& scope, const MailingValues& v);
std::int64_t create_mailing(db::Connection& db, const MailingValues& v, std::int64_t user_id, const std::string& now);
// Drafts only; false otherwise.
bool update_mailing(db::Connection& db, std::int64_t id, const MailingValues& v, const std::string& now);

// Choices of the compose form.
struct Choice {
  std::int64_t id = 0;
  std::string label;
};
std::vector<Choice> sender_organisations(db::Connection& db, const Scope& scope);
std::vector<Choice> programmes_in(db::Connection& db, const Scope& scope);
std::vector<Choice> referents_in(db::Connection& db, const Scope& scope);
// Published resources that fit an audience: contacts get public, members' and
// (for a region) that region's resources; participants public and pedagogical ones.
struct ResourceChoice {
  std::int64_t id = 0;
  std::string title, summary, audience, published_on;
  bool pedagogical = false;
};
std::vector<ResourceChoice> resources_for(db::Connection& db, const std::string& audience, const std::string& region);

// The audience of a mailing (as it is now), by id after `after_id`.
std::vector<Recipient> audience_page(db::Connection& db, const Mailing& m, std::int64_t after_id, int limit,
                                     std::int64_t* last_id = nullptr);
std::int64_t audience_count(db::Connection& db, const Mailing& m);

// Marks a draft "sending" (one caller wins: false when it was no longer a draft).
bool start_sending(db::Connection& db, std::int64_t id, std::int64_t user_id, const std::string& now);
// Queues the whole audience, `batch` recipients per transaction (each with its
// unsubscribe token and outbox message; one already queued is skipped), then
// marks the mailing sent. Safe to run again after a crash. Returns how many
// were queued by this call. `progress` is called after each batch.
std::int64_t queue_all(db::Connection& db, std::int64_t mailing_id, const std::string& base_url, int batch = 500);
// A test message to `email`, kind "mailing_test"; records test_sent_at.
std::int64_t queue_test(db::Connection& db, const Mailing& m, const std::string& email, const std::string& name,
                        const std::string& base_url, const std::string& now);

// Delivery counts of a mailing by outbox status (queued, sending, sent, failed, uncertain).
std::vector<std::pair<std::string, std::int64_t>> delivery_counts(db::Connection& db, std::int64_t mailing_id);

struct RecipientRow {
  std::int64_t id = 0;
  std::optional<std::int64_t> contact_id, participant_id, mail_id;
  std::string email, name, organisation_name, status, last_error, sent_at;
  int attempts = 0;
};
struct RecipientFilter {
  std::string status, q;
  std::int64_t after_id = 0;
  int limit = 50;
};
std::vector<RecipientRow> recipients(db::Connection& db, std::int64_t mailing_id, const RecipientFilter& f);

// Unsubscription through the link of a mail.
struct UnsubscribeTarget {
  std::int64_t recipient_id = 0, mailing_id = 0;
  std::optional<std::int64_t> contact_id, participant_id;
  std::string email, sender;
  bool done = false;  // already unsubscribed after this mailing
};
std::optional<UnsubscribeTarget> find_unsubscribe(db::Connection& db, const std::string& token);
void unsubscribe(db::Connection& db, const UnsubscribeTarget& t, const std::string& now);

// The mailings queued for a participant (the "Envois" of their file), newest first.
struct SentToParticipant {
  std::int64_t mailing_id = 0;
  std::string subject, status, queued_at, sent_at;
};
std::vector<SentToParticipant> sent_to_participant(db::Connection& db, std::int64_t participant_id, int limit = 10);
// Its statement, for a page that sends it with its own reads, and the list from its result.
db::OwnedStatement sent_to_participant_read(std::int64_t participant_id, int limit = 10);
std::vector<SentToParticipant> sent_to_participant_from(const db::Result& result);

}  // namespace passerelle::mailings
