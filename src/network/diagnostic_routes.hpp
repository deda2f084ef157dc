#pragma once
#include "core/web/app.hpp"

namespace passerelle::network {
// Pages /diagnostic…, /relations… and API /api/v1/relationships…, /api/v1/diagnostic.
void register_diagnostic_routes(web::App& app);
}  // namespace passerelle::network
