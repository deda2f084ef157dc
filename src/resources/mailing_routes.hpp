#pragma once
// Routes of mailings (diffusions): pages under /diffusions, the API under
// /api/v1/mailings, and the unsubscribe link /desabonnement/{token} (no account).
#include "core/web/app.hpp"
#include "resources/mailing_rules.hpp"
#include "resources/mailing_store.hpp"

namespace passerelle::mailings {

void register_routes(web::App& app);      // pages and unsubscribe
void register_api_routes(web::App& app);  // /api/v1/mailings

// Shared by pages and API (mailing_routes.cpp).
// Who may compose and send: network staff (admin, network) of their subtrees.
web::Access senders();
Scope scope_of(web::Ctx& ctx);
// The mailing or 404 (unknown, or another organisation's).
Mailing mailing_or_404(web::Ctx& ctx, std::int64_t id);
// Validates (every error at once) and writes, audited; `id` 0 creates.
web::Errors save_mailing(web::Ctx& ctx, const MailingInput& in, std::int64_t& id);
// Queues the test message to the caller's address.
void send_test(web::Ctx& ctx, const Mailing& m);
// Sends: an error (field "audience") when nobody would receive it or it is not a draft.
web::Errors send_mailing(web::Ctx& ctx, const Mailing& m);
// The preview message (for the first recipient, or the caller).
Composed preview_of(web::Ctx& ctx, const Mailing& m, const std::vector<Recipient>& sample);

}  // namespace passerelle::mailings
