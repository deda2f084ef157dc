#include "network/views.hpp"

#include "core/web/app.hpp"
#include "network/model.hpp"

namespace passerelle::network {

namespace json = boost::json;

std::string kind_label(const std::string& code) {
  auto k = find_kind(code);
  return k ? std::string(k->label) : code;
}

std::string role_label(const std::string& code) {
  auto r = find_role(code);
  return r ? std::string(r->label) : code;
}

json::object organisation_json(const Organisation& o) {
  auto region = find_region(o.region);
  auto department = find_department(o.department);
  json::object j{{"id", o.id},
                 {"name", o.name},
                 {"kind", o.kind},
                 {"kind_label", kind_label(o.kind)},
                 {"siret", o.siret},
                 {"address", o.address},
                 {"postcode", o.postcode},
                 {"commune", o.commune},
                 {"commune_insee", o.commune_insee},
                 {"department", o.department},
                 {"department_name", department ? std::string(department->name) : ""},
                 {"region", o.region},
                 {"region_name", region ? std::string(region->name) : ""},
                 {"email", o.email},
                 {"phone", o.phone},
                 {"website", o.website},
                 {"parent_name", o.parent_name},
                 {"created_at", o.created_at},
                 {"updated_at", o.updated_at}};
  if (o.parent_id)
    j["parent_id"] = *o.parent_id;
  else
    j["parent_id"] = nullptr;
  return j;
}

json::object contact_json(const Contact& c) {
  json::array orgs;
  for (auto& o : c.organisations) orgs.push_back(json::object{{"id", o.id}, {"name", o.name}});
  return json::object{{"id", c.id},
                      {"first_name", c.first_name},
                      {"last_name", c.last_name},
                      {"function_title", c.function_title},
                      {"email", c.email},
                      {"phone", c.phone},
                      {"mailing_consent", c.mailing_consent},
                      {"mailing_consent_at", c.mailing_consent_at},
                      {"organisations", orgs},
                      {"created_at", c.created_at},
                      {"updated_at", c.updated_at}};
}

json::array kind_options(const std::string& selected, bool with_siae_group) {
  json::array out;
  if (with_siae_group)
    out.push_back(json::object{{"code", "siae"}, {"label", "Toutes les SIAE (AI, ACI, EI, ETTI, EITI)"}, {"selected", selected == "siae"}});
  for (auto& k : kOrganisationKinds)
    out.push_back(json::object{{"code", k.code}, {"label", k.label}, {"selected", selected == k.code}});
  return out;
}

json::array region_options(const std::string& selected) {
  json::array out;
  for (auto& r : kRegions) out.push_back(json::object{{"code", r.code}, {"label", r.name}, {"selected", selected == r.code}});
  return out;
}

json::array department_options(const std::string& selected) {
  json::array out;
  for (auto& d : kDepartments)
    out.push_back(json::object{{"code", d.code},
                               {"label", std::string(d.code) + " — " + std::string(d.name)},
                               {"selected", selected == d.code}});
  return out;
}

}  // namespace passerelle::network
