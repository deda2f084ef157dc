#pragma once
#include "core/web/app.hpp"

namespace passerelle::clauses {
// Pages: /marches (list, form, contract page, bulk status, imports), /heures (statement import,
// review queue), /acheteurs (buyers and progress), /regles (rule sets).
void register_routes(web::App& app);
// API: /api/v1/buyers, /contracts, /insertion-hours, /rule-sets.
void register_api_routes(web::App& app);
}  // namespace passerelle::clauses
