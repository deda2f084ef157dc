#pragma once
// Working groups and funded projects: pages (/groupes-de-travail…, /projets…)
// and API (/api/v1/working-groups…, /api/v1/projects…, /api/v1/deliverables/{id}).
#include <string>
#include <vector>

#include "core/web/app.hpp"
#include "core/web/xlsx.hpp"
#include "events/work_store.hpp"

namespace passerelle::events {

// Pages and API of both (work_routes_common.cpp calls the four below).
void register_work_routes(web::App& app);
void register_working_group_routes(web::App& app);  // working_group_routes.cpp
void register_project_routes(web::App& app);        // project_routes.cpp
void register_work_edit_routes(web::App& app);      // work_edit_routes.cpp
void register_work_api_routes(web::App& app);       // work_routes_api.cpp

// Staff (admin, network) manage the groups and projects of their subtrees;
// members read the groups their organisations belong to.
WorkAccess work_access(web::Ctx& ctx);

// The funder report of a project, computed from its rows (project_report.cpp):
// a summary sheet (project, period, carrier, contact, funded total, activities
// planned/done, participants target/actual and how they are counted,
// deliverables delivered), then funders, activities and deliverables.
std::vector<xlsx::Sheet> funder_report(const Project& p);
// That report as an .xlsx download, audited (project_routes.cpp).
http::Response funder_report_download(web::Ctx& ctx, const Project& p);

}  // namespace passerelle::events
