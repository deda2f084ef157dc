#pragma once
#include "core/web/app.hpp"

namespace passerelle::web {
// The outbox for administrators: /admin/courriels (list by status, requeue a
// failed or uncertain message, audited) and /api/v1/outbox.
void register_mail_routes(App& app);
}  // namespace passerelle::web
