#pragma once
#include "core/web/app.hpp"

namespace passerelle::auth {
// /login, /logout, /compte (profile and API tokens), /admin/journal (audit).
void register_routes(web::App& app);
}  // namespace passerelle::auth
