#pragma once
// Shared by the pages of working groups and projects: the form fields drawn by
// templates/partials/work_field, choice lists, French dates.
#include <map>
#include <string>
#include <vector>

#include "core/web/app.hpp"
#include "events/work_routes.hpp"

namespace passerelle::events::views {

namespace json = boost::json;
using Values = std::map<std::string, std::string>;

struct Field {
  std::string name;   // form field name, also the key of its value and error
  std::string label;
  std::string type = "text";  // text, date, number, url, select, textarea
  bool required = false;
  std::string hint;
  json::array options = {};  // select: {code, label, selected}
  Field(std::string name, std::string label, std::string type = "text", bool required = false, std::string hint = "",
        json::array options = {})
      : name(std::move(name)), label(std::move(label)), type(std::move(type)), required(required),
        hint(std::move(hint)), options(std::move(options)) {}
};
json::array fields_json(std::vector<Field> fields, const Values& values, const web::Errors& errors);

// A code table as options, `selected` marked.
template <std::size_t N>
json::array options(const std::array<Label, N>& table, const std::string& selected) {
  json::array out;
  for (auto& l : table)
    out.push_back(json::object{{"code", l.code}, {"label", l.label}, {"selected", l.code == selected}});
  return out;
}
json::array options(const std::vector<std::pair<std::int64_t, std::string>>& rows, const std::string& selected);

// Errors of a sub-form, their fields renamed with its prefix ("title" → "deliverable_title").
web::Errors prefixed(const web::Errors& errors, const std::string& prefix);

// Delegations and the federation the caller manages (organiser, carrier).
std::vector<std::pair<std::int64_t, std::string>> organisers(web::Ctx& ctx, const WorkAccess& access);
// Events the caller manages, newest first, labelled with their date.
std::vector<std::pair<std::int64_t, std::string>> managed_events(web::Ctx& ctx, const WorkAccess& access);
// Organisations of the caller's subtrees (members of a group).
std::vector<std::pair<std::int64_t, std::string>> organisations(web::Ctx& ctx, const WorkAccess& access);
// Contacts of organisations in the caller's subtrees, "Name (Organisation)".
std::vector<std::pair<std::int64_t, std::string>> contacts(web::Ctx& ctx, const WorkAccess& access);

// "2021-12-08T08:30:00Z" → "8 décembre 2021, 9 h 30" (Europe/Paris).
std::string when(const std::string& utc);
// "2021-06-01" → "1er juin 2021"
std::string day(const std::optional<std::string>& iso);

json::array deliverables_json(const std::vector<Deliverable>& items);
std::vector<Field> deliverable_fields(const std::string& kind, const std::string& status);
DeliverableInput deliverable_from_form(web::Ctx& ctx);

// "?format=csv|xlsx" of a list page: nullopt when the page itself is asked.
std::optional<std::string> export_format(web::Ctx& ctx);

}  // namespace passerelle::events::views
