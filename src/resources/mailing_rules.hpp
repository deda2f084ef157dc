#pragma once
// Pure rules of mailings: validation of what is typed, and the text and HTML
// of one recipient's message. No I/O: unit-tested alone.
#include <string>
#include <string_view>
#include <vector>

#include "core/web/validation.hpp"
#include "resources/mailing_model.hpp"

namespace passerelle::mailings {

inline constexpr std::size_t kSubjectMax = 200;
inline constexpr std::size_t kBodyMax = 20000;
inline constexpr int kResourcesMax = 20;

// Every error at once, in French, by field. `v` is filled with what is valid.
web::Errors validate_mailing(const MailingInput& in, MailingValues& v);

// A plausible e-mail address (one @, a dot in the domain, no space).
bool plausible_email(std::string_view email);

// The message of one recipient.
struct Composed {
  std::string text, html;
};
// `base_url` is the site's address ("https://passerelle.exemple.fr"),
// `unsubscribe_url` the recipient's own link, `sender` the organisation's name.
Composed compose(const std::string& body, const std::vector<ResourceLink>& resources, const std::string& base_url,
                 const std::string& unsubscribe_url, const std::string& sender, const std::string& recipient_name);

// The outbox's dedupe key of a recipient: "mailing:{id}:{address}" (address lower-cased).
std::string dedupe_key(std::int64_t mailing_id, std::string_view email);
// An address lower-cased and trimmed, as recipients are deduplicated.
std::string normalized_email(std::string_view email);

}  // namespace passerelle::mailings
