#pragma once
#include "core/web/app.hpp"

namespace passerelle::network {
// Pages: /organisations…, /contacts…; API: /api/v1/organisations, /api/v1/contacts.
void register_routes(web::App& app);
void register_api_routes(web::App& app);
}  // namespace passerelle::network
