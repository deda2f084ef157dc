#pragma once
// Shared by the module's page and API handlers: scopes, form/JSON decoding.
#include <string>

#include "core/web/app.hpp"
#include "core/web/input.hpp"
#include "network/store.hpp"

namespace passerelle::network {

// Everyone reads the directory within the subtrees of all their roles; only
// administrators and network staff write.
inline Scope read_scope(web::Ctx& ctx) { return ctx.user().scope_roots(); }
inline Scope write_scope(web::Ctx& ctx) { return ctx.user().scope_roots({"admin", "network"}); }
inline bool can_write(web::Ctx& ctx) { return ctx.user().has_any_role({"admin", "network"}); }

using web::path_id;  // core/web/input.hpp

// Checks the parent named by the input against the write scope and that an
// organisation is not moved under itself; adds errors to `errors`.
std::optional<Organisation> resolve_parent(web::Ctx& ctx, const OrganisationInput& in, const Organisation* self,
                                           web::Errors& errors);

// Validates organisations of a contact against the write scope.
void check_contact_organisations(web::Ctx& ctx, const ContactInput& in, web::Errors& errors);

OrgFilter org_filter_from_query(web::Ctx& ctx, bool api);

}  // namespace passerelle::network
