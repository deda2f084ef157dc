#pragma once
#include "core/web/app.hpp"

namespace passerelle::followup {
// Pages: /accompagnement (À contacter), /participants…, /programmes, /supervision, /tableau-de-bord.
void register_routes(web::App& app);
// API: /api/v1/participants, /enrolments, /interactions, /difficulties, /followup/due, /followup/dashboard.
void register_api_routes(web::App& app);
}  // namespace passerelle::followup
