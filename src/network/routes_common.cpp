#include "network/routes_common.hpp"

namespace passerelle::network {

std::optional<Organisation> resolve_parent(web::Ctx& ctx, const OrganisationInput& in, const Organisation* self,
                                           web::Errors& errors) {
  if (web::find_error(errors, "parent_id")) return std::nullopt;  // one message per field
  if (in.parent_id.empty()) {
    // A root organisation (a new federation) is made from the command line.
    if (!self || self->parent_id)
      errors.push_back({"parent_id", "Choisissez l'organisation de rattachement (dans votre périmètre)."});
    return std::nullopt;
  }
  std::optional<Organisation> parent;
  if (in.parent_id.size() <= 18 && in.parent_id.find_first_not_of("0123456789") == std::string::npos)
    parent = get_organisation(ctx.db(), write_scope(ctx), std::stoll(in.parent_id));
  if (!parent) {
    errors.push_back({"parent_id", "L'organisation de rattachement est introuvable dans votre périmètre."});
    return std::nullopt;
  }
  if (self && in_subtree(parent->path, self->path)) {
    errors.push_back({"parent_id", "Une organisation ne peut pas être rattachée à elle-même ni à l'une de ses structures."});
    return std::nullopt;
  }
  return parent;
}

void check_contact_organisations(web::Ctx& ctx, const ContactInput& in, web::Errors& errors) {
  if (web::find_error(errors, "organisation_ids")) return;  // one message per field
  for (auto& id : in.organisation_ids) {
    bool ok = id.size() <= 18 && id.find_first_not_of("0123456789") == std::string::npos &&
              get_organisation(ctx.db(), write_scope(ctx), std::stoll(id)).has_value();
    if (!ok) {
      errors.push_back({"organisation_ids", "Une des organisations choisies est introuvable dans votre périmètre."});
      return;
    }
  }
}

OrgFilter org_filter_from_query(web::Ctx& ctx, bool api) {
  OrgFilter f;
  auto& req = ctx.req;
  f.q = req.query("q");
  if (f.q.size() > 200) f.q.resize(200);
  f.kind = req.query(api ? "kind" : "type");
  f.region = req.query("region");
  f.department = req.query(api ? "department" : "departement");
  auto sort = req.query(api ? "sort" : "tri");
  if (sort == "-nom" || sort == "-name") f.sort = OrgSort::name_desc;
  else if (sort == "recent") f.sort = OrgSort::recent;
  try {
    auto within = req.query(api ? "within" : "parent");
    if (!within.empty()) f.within = std::stoll(within);
    if (api) {
      // Opaque cursor "<id>.<hex of sort key>".
      auto after = req.query("after");
      if (!after.empty()) {
        auto dot = after.find('.');
        f.after_id = std::stoll(after.substr(0, dot));
        if (dot != std::string::npos) {
          auto hex = after.substr(dot + 1);
          for (std::size_t i = 0; i + 1 < hex.size(); i += 2) f.after_key += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
        }
      }
      auto limit = req.query("limit");
      f.limit = limit.empty() ? 50 : std::clamp(std::stoi(limit), 1, 200);
    } else {
      auto after_id = req.query("apres_id");
      if (!after_id.empty()) f.after_id = std::stoll(after_id);
      f.after_key = req.query("apres");
    }
  } catch (...) {
    throw web::BadRequest{"Les paramètres de la liste sont invalides (nombre attendu)."};
  }
  return f;
}

}  // namespace passerelle::network
