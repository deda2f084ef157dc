// Pages of the follow-up module (issue 3): the referent's "À contacter" list,
// participants (list, form, file and its actions), programmes, the supervisor's
// page and the dashboard. Access: referents and supervisors, within their
// organisations (an id outside answers 404); sensitive difficulties only for the
// participant's referent or a supervisor over their organisation, every read audited.
#include "followup/routes.hpp"

#include "core/db/stamped_cache.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "core/auth/audit.hpp"
#include "core/web/download.hpp"
#include "core/web/input.hpp"
#include "core/web/csv.hpp"
#include "core/web/text.hpp"
#include "core/web/xlsx.hpp"
#include "followup/model.hpp"
#include "followup/rules.hpp"
#include "followup/store.hpp"
#include "core/web/outbox.hpp"
#include "resources/mailing_store.hpp"

namespace passerelle::followup {
namespace {
// The "Envois" of a participant's file: the mailings queued for them (issue 6), with their delivery status.
boost::json::array mailings_sent_json(const std::vector<mailings::SentToParticipant>& sent) {
  boost::json::array out;
  for (auto& m : sent)
    out.push_back(boost::json::object{{"when", web::french_datetime(m.sent_at.empty() ? m.queued_at : m.sent_at)},
                               {"subject", m.subject},
                               {"status", outbox::status_label(m.status)}});
  return out;
}

using web::Ctx;
using web::path_id;
using web::to_id;
namespace json = boost::json;

constexpr std::int64_t kCountCap = 1000;
constexpr int kPageSize = 50;

// ---- Scope and access -----------------------------------------------------------

Scope scope_of(Ctx& ctx) { return ctx.user().scope_roots({"referent", "supervisor"}); }


Participant load_participant(Ctx& ctx, std::int64_t id) {
  auto p = get_participant(ctx.db(), scope_of(ctx), id);
  if (!p) throw web::NotFound{};
  return *p;
}

// A supervisor whose scope covers this organisation.
bool supervises(Ctx& ctx, std::int64_t organisation_id) {
  if (!ctx.user().has_role("supervisor")) return false;
  return network::get_organisation(ctx.db(), ctx.user().scope_roots({"supervisor"}), organisation_id).has_value();
}

// Issue 3: the participant's referent (of a current enrolment) or a supervisor
// over their organisation.
bool may_see_sensitive(Ctx& ctx, const Participant& p, const std::vector<Enrolment>& enrolments) {
  for (auto& e : enrolments)
    if (e.status != "exited" && e.referent_id == ctx.user().id) return true;
  return supervises(ctx, p.organisation_id);
}

// Lists, filters, counts and the dashboard show sensitive kinds only to a
// supervisor whose supervision covers everyone the caller can list.
bool sees_all_sensitive(Ctx& ctx) {
  if (!ctx.user().has_role("supervisor")) return false;
  for (auto& root : scope_of(ctx))
    if (!ctx.user().can_reach(root, {"supervisor"})) return false;
  return true;
}

void audit_write(Ctx& ctx, std::string_view action, std::string_view entity, std::int64_t id, std::string_view detail) {
  audit::record(ctx.db(), ctx.user().id, action, entity, id, detail, ctx.req.remote_addr);
}

// ---- Dates and instants --------------------------------------------------------------

std::int64_t to_seconds(const DateTime& t) { return to_days(t.date) * 86400 + t.hour * 3600 + t.minute * 60 + t.second; }
DateTime from_seconds(std::int64_t s) {
  auto days = s >= 0 ? s / 86400 : -((-s + 86399) / 86400);
  auto rest = s - days * 86400;
  return {from_days(days), static_cast<int>(rest / 3600), static_cast<int>(rest % 3600 / 60), static_cast<int>(rest % 60)};
}

// Summer time in Paris: from the last Sunday of March 01:00 UTC to the last
// Sunday of October 01:00 UTC (EU rule since 1996), as rules.hpp paris_date().
bool paris_summer(const DateTime& utc) {
  auto last_sunday = [](int y, int m) {
    Date d{y, m, days_in_month(y, m)};
    return add_days(d, -(iso_weekday(d) % 7));
  };
  DateTime start{last_sunday(utc.date.year, 3), 1, 0, 0}, end{last_sunday(utc.date.year, 10), 1, 0, 0};
  return utc >= start && utc < end;
}

// "2020-04-15T08:30:00Z" → "2020-04-15T10:30", for <input type="datetime-local">.
std::string paris_local_input(const std::string& utc_iso) {
  auto t = parse_datetime(utc_iso);
  if (!t) return "";
  auto local = from_seconds(to_seconds(*t) + (paris_summer(*t) ? 7200 : 3600));
  return fmt::format("{}T{:02d}:{:02d}", format_date(local.date), local.hour, local.minute);
}

// "2020-04-15T10:30" (Paris) → "2020-04-15T08:30:00Z"; anything else is
// returned as typed, for the rules to refuse with a French message.
std::string utc_from_paris_input(const std::string& typed) {
  auto s = text::trim(typed);
  if (s.size() == 16) s += ":00";
  auto local = parse_datetime(s + "Z");
  if (!local) return s;
  auto summer = from_seconds(to_seconds(*local) - 7200);
  auto utc = paris_summer(summer) ? summer : from_seconds(to_seconds(*local) - 3600);
  return format_datetime(utc);
}

std::string fr_date(const std::string& iso) { return iso.empty() ? "" : web::french_date(iso); }

// ---- Labels and options -------------------------------------------------------------

template <class Table>
json::array options(const Table& table, std::string_view selected) {
  json::array out;
  for (auto& row : table)
    out.push_back(json::object{{"code", row.code}, {"label", row.label}, {"selected", row.code == selected}});
  return out;
}

json::array difficulty_kind_options(bool sensitive, std::string_view selected) {
  json::array out;
  for (auto& k : kDifficultyKinds)
    if (sensitive || !k.sensitive)
      out.push_back(json::object{{"code", k.code}, {"label", k.label}, {"selected", k.code == selected}});
  return out;
}

json::array subkind_options(std::string_view selected) {
  json::array out;
  for (auto& s : kDifficultySubkinds)
    out.push_back(json::object{{"code", s.code},
                               {"label", std::string(label_of(kDifficultyKinds, s.kind)) + " — " + std::string(s.label)},
                               {"selected", s.code == selected}});
  return out;
}

std::string lbl(std::string_view s) { return std::string(s); }

struct Person {
  std::int64_t id;
  std::string name;
  std::string id_text = std::to_string(id);  // written once for the lists kept between pages
  std::string name_html = web::html_escape(name);
};

// Referents (and supervisors' referents) of the caller's organisations.
// Lists offered on every participant's file, rebuilt when the directory
// (organisations, users, roles) changes: see core/db/stamped_cache.hpp.
db::StampedCache<std::vector<Person>>& directory_lists() {
  static db::StampedCache<std::vector<Person>> cache;
  return cache;
}

std::vector<Person> referents_in_scope(Ctx& ctx) {
  auto scope = scope_of(ctx);
  std::string key = "referents";
  for (auto& root : scope) key += "|" + root;
  return *directory_lists().get(key, ctx.change_stamp("directory"), [&] {
    std::vector<Person> out;
    for (auto& r : followup::referents_in_scope(ctx.db(), scope)) out.push_back({r.id, r.name});
    return out;
  });
}

json::array person_options(const std::vector<Person>& people, const std::string& selected) {
  json::array out;
  for (auto& p : people) out.push_back(json::object{{"id", p.id_text}, {"label", p.name}, {"selected", p.id_text == selected}});
  return out;
}

// The same as <option> tags, written straight into HTML: the participant's file
// offers the scope's referents and the territory's partners in several forms,
// and building then rendering a JSON object per option was a third of the page's
// cost (callgrind, bench/followup.sh). `except`: a person left out (the current
// referent of a transfer).
std::string option_tags(const std::vector<Person>& people, const std::string& selected, std::int64_t except = 0) {
  std::string out;
  out.reserve(people.size() * 48);
  for (auto& p : people) {
    if (p.id == except) continue;
    out += "<option value=\"";
    out += p.id_text;
    out += p.id_text == selected ? "\" selected>" : "\">";
    out += p.name_html;
    out += "</option>";
  }
  return out;
}

json::array programme_options(Ctx& ctx, const std::string& selected) {
  auto scope = scope_of(ctx);
  std::string key = "programmes";
  for (auto& root : scope) key += "|" + root;
  auto programmes = directory_lists().get(key, ctx.change_stamp("directory"), [&] {
    std::vector<Person> out;
    for (auto& p : list_programmes(ctx.db(), scope)) out.push_back({p.id, p.name});
    return out;
  });
  return person_options(*programmes, selected);
}

json::array organisation_options(Ctx& ctx, const Scope& scope, const std::string& selected) {
  json::array out;
  network::OrgFilter f;
  f.limit = 300;
  for (auto& o : network::list_organisations(ctx.db(), scope, f)) {
    auto id = std::to_string(o.id);
    out.push_back(json::object{{"id", id}, {"label", o.name}, {"selected", id == selected}});
  }
  return out;
}

// The partners a difficulty can be oriented to: the directory of the
// territory the participant's organisation belongs to (its parent's subtree).
std::shared_ptr<const std::vector<Person>> partners_of(Ctx& ctx, const Participant& p) {
  auto key = fmt::format("partners|{}", p.organisation_id);
  return directory_lists().get(key, ctx.change_stamp("directory"), [&] {
    std::vector<Person> out;
    auto org = network::get_organisation(ctx.db(), {""}, p.organisation_id);
    if (!org) return out;
    Scope territory{org->path};
    if (org->parent_id)
      if (auto parent = network::get_organisation(ctx.db(), {""}, *org->parent_id)) territory = {parent->path};
    network::OrgFilter f;
    f.limit = 300;
    for (auto& o : network::list_organisations(ctx.db(), territory, f)) out.push_back({o.id, o.name});
    return out;
  });
}

// ---- Forms sent back with errors ---------------------------------------------------

// Which form of a page failed, with its errors and what was typed.
struct FormState {
  std::string name;        // "contact", "enrol", "status", "difficulty"…
  std::int64_t target = 0;  // the enrolment, difficulty, PASS or participant the form was about
  web::Errors errors;
  json::object values;
};

json::object form_json(const FormState& s) {
  auto out = web::errors_json(s.errors);
  out["values"] = s.values;
  return out;
}

json::object form_values(Ctx& ctx, std::initializer_list<const char*> names) {
  json::object v;
  for (auto n : names) v[n] = ctx.form(n);
  return v;
}

bool is_htmx(Ctx& ctx) { return ctx.req.header("hx-request") == "true"; }

// ---- The quick contact form ------------------------------------------------------------

json::object contact_form_json(const std::string& now_local, const FormState* state) {
  json::object values{{"at", now_local}, {"channel", "phone"}, {"outcome", ""}, {"level", "1"}, {"notes", ""}};
  json::object out;
  if (state) {
    out = form_json(*state);
    for (auto& [k, v] : state->values) values[k] = v;
  }
  auto val = [&](const char* k) { return std::string(values[k].as_string()); };
  out["values"] = values;
  out["channels"] = options(kInteractionChannels, val("channel"));
  out["outcomes"] = options(kInteractionOutcomes, val("outcome"));
  json::array levels;
  for (auto& l : kInteractionLevels)
    levels.push_back(json::object{{"code", l.code}, {"label", l.label}, {"checked", l.code == val("level")}});
  out["levels"] = levels;
  return out;
}

std::string now_local() { return paris_local_input(auth::now_utc()); }

// ---- "À contacter" ----------------------------------------------------------------------

http::Response due_page(Ctx& ctx, const FormState* state, int status) {
  std::int64_t referent_id = ctx.user().id;
  const bool supervisor = ctx.user().has_role("supervisor");
  // Only a supervisor chooses whose list to see (the list of referents is theirs).
  auto people = supervisor ? referents_in_scope(ctx) : std::vector<Person>{};
  std::string referent_name = ctx.user().display_name;
  auto asked = ctx.req.query("referent");
  if (asked.empty() && state) asked = ctx.form("referent");
  if (!asked.empty() && asked != std::to_string(ctx.user().id)) {
    auto id = to_id(asked);
    if (!id || !supervisor) throw web::NotFound{};
    auto it = std::ranges::find_if(people, [&](const Person& p) { return p.id == *id; });
    if (it == people.end()) throw web::NotFound{};
    referent_id = *id;
    referent_name = it->name;
  }
  const bool own = referent_id == ctx.user().id;
  std::string back = own ? "/accompagnement" : fmt::format("/accompagnement?referent={}", referent_id);
  auto now = now_local();
  // Every row but one with errors gets the same blank quick-contact form: drawn
  // once with markers for the person, then copied with their id and name (the
  // forms were two thirds of the page's rendering, callgrind).
  json::object blank = contact_form_json(now, nullptr);
  blank["id"] = "\x01";
  blank["name"] = "\x02";
  blank["back"] = back;
  blank["csrf"] = ctx.principal->csrf_token;
  const std::string blank_form = web::render_fragment("partials/followup_due_form", std::move(blank));
  std::vector<std::string_view> pieces;  // the text between markers; markers[i] follows pieces[i]
  std::vector<char> markers;
  for (std::size_t from = 0;;) {
    auto at = blank_form.find_first_of("\x01\x02", from);
    pieces.emplace_back(blank_form.data() + from, (at == std::string::npos ? blank_form.size() : at) - from);
    if (at == std::string::npos) break;
    markers.push_back(blank_form[at]);
    from = at + 1;
  }
  auto quick_form = [&](std::int64_t id, const std::string& name) {
    const auto sid = std::to_string(id);
    const auto sname = web::html_escape(name);
    std::string out;
    out.reserve(blank_form.size() + markers.size() * 32);
    for (std::size_t i = 0; i < pieces.size(); ++i) {
      out += pieces[i];
      if (i < markers.size()) out += markers[i] == '\x01' ? sid : sname;
    }
    return out;
  };
  json::array items;
  std::map<std::string, std::int64_t> counts;
  for (auto& r : due_list(ctx.db(), referent_id, paris_today())) {
    auto code = std::string(due_status_code(r.due.status));
    ++counts[code];
    const FormState* mine = state && state->target == r.participant_id ? state : nullptr;
    items.push_back(json::object{
        {"id", r.participant_id},
        {"name", r.last_name + " " + r.first_name},
        {"phone", r.phone},
        {"phone_link", [&] {
           std::string t;
           for (char c : r.phone)
             if (std::isdigit(static_cast<unsigned char>(c)) || c == '+') t += c;
           return t;
         }()},
        {"programme", r.programme_name},
        {"status", code},
        {"status_label", lbl(label_of(kDueStatuses, code))},
        {"due", web::french_date(format_date(r.due.due))},
        {"last_reached", r.due.last_reached ? web::french_date(format_date(*r.due.last_reached)) : std::string()},
        {"failed", r.due.failed_streak},
        {"open", mine != nullptr},
    });
    // The row whose contact came back with errors has its own form; the others
    // find the blank one at the top of the data (Mustache looks up outwards).
    if (mine)
      items.back().as_object()["form"] = contact_form_json(now, mine);
    else
      items.back().as_object()["quick_form"] = quick_form(r.participant_id, r.last_name + " " + r.first_name);
  }
  const auto count = items.size();
  const bool empty = items.empty();
  std::string summary;
  for (auto& s : kDueStatuses)
    if (s.code != "ok")
      summary += fmt::format("{}{} : {}", summary.empty() ? "" : " ; ", s.label, counts[std::string(s.code)]);
  json::object data{{"title", own ? std::string("À contacter") : "À contacter — " + referent_name},
                    {"own", own},
                    {"referent_name", referent_name},
                    {"referent_id", referent_id},
                    {"items", std::move(items)},
                    {"count", count},
                    {"empty", empty},
                    {"summary", summary},
                    {"back", back},
                    {"today", web::french_date(format_date(paris_today()))},
                    {"is_supervisor", supervisor},
                    {"referents", person_options(people, std::to_string(referent_id))}};
  return web::page(ctx, "followup/due", std::move(data), status);
}

// ---- Participants list ----------------------------------------------------------------------

std::string query_keep(Ctx& ctx, std::initializer_list<const char*> names) {
  std::string out;
  for (auto n : names) {
    auto v = ctx.req.query(n);
    if (v.empty()) continue;
    out += fmt::format("{}{}={}", out.empty() ? "" : "&", n, http::url_encode(v));
  }
  return out;
}

std::string format_count(std::int64_t n) {
  auto s = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i && (s.size() - i) % 3 == 0) out += "\u202f";
    out += s[i];
  }
  return out;
}

ParticipantFilter filter_from_query(Ctx& ctx) {
  ParticipantFilter f;
  f.q = ctx.req.query("q");
  if (f.q.size() > 200) f.q.resize(200);
  auto bad = [] { return web::BadRequest{"Les paramètres de la liste sont invalides."}; };
  if (auto v = ctx.req.query("programme"); !v.empty()) {
    if (auto id = to_id(v)) f.programme_id = *id; else throw bad();
  }
  if (auto v = ctx.req.query("referent"); !v.empty()) {
    if (auto id = to_id(v)) f.referent_id = *id; else throw bad();
  }
  f.status = ctx.req.query("statut");
  if (!f.status.empty() && !find_code(kEnrolmentStatuses, f.status)) throw bad();
  f.difficulty_kind = ctx.req.query("difficulte");
  if (!f.difficulty_kind.empty() && !find_code(kDifficultyKinds, f.difficulty_kind)) throw bad();
  f.include_sensitive = sees_all_sensitive(ctx);
  // A kind the caller may not see is not a filter they can use.
  if (!f.include_sensitive && is_sensitive_difficulty(f.difficulty_kind)) f.difficulty_kind.clear();
  f.pass_ending_soon = ctx.req.query("pass") == "fin";
  f.after_key = ctx.req.query("apres");
  if (auto v = ctx.req.query("apres_id"); !v.empty()) {
    if (auto id = to_id(v)) f.after_id = *id; else throw bad();
  }
  f.limit = kPageSize;
  return f;
}

json::object row_json(const ParticipantRow& r) {
  json::array enrolments;
  for (auto& e : r.enrolments)
    enrolments.push_back(json::object{{"programme", e.programme_name},
                                      {"referent", e.referent_name},
                                      {"status_label", lbl(label_of(kEnrolmentStatuses, e.status))}});
  return json::object{{"id", r.id},
                      {"name", r.last_name + " " + r.first_name},
                      {"birth_date", fr_date(r.birth_date)},
                      {"commune", r.commune},
                      {"phone", r.phone},
                      {"organisation", r.organisation_name},
                      {"enrolments", enrolments}};
}

http::Response participants_page(Ctx& ctx) {
  auto f = filter_from_query(ctx);
  auto page = participant_page(ctx.db(), scope_of(ctx), f, kCountCap);
  json::array items;
  for (auto& r : page.items) items.push_back(row_json(r));
  auto keep = query_keep(ctx, {"q", "programme", "referent", "statut", "difficulte", "pass"});
  std::string next;
  if (static_cast<int>(page.items.size()) == f.limit)
    next = fmt::format("/participants?{}{}apres={}&apres_id={}", keep, keep.empty() ? "" : "&",
                       http::url_encode(page.items.back().sort_name), page.items.back().id);
  auto total = page.total > kCountCap ? "plus de " + format_count(kCountCap) : format_count(page.total);
  json::object data{{"title", "Participants"},
                    {"items", items},
                    {"empty", items.empty()},
                    {"total", total},
                    {"q", f.q},
                    {"programmes", programme_options(ctx, ctx.req.query("programme"))},
                    {"referents", person_options(referents_in_scope(ctx), ctx.req.query("referent"))},
                    {"statuses", options(kEnrolmentStatuses, f.status)},
                    {"kinds", difficulty_kind_options(f.include_sensitive, f.difficulty_kind)},
                    {"pass_soon", f.pass_ending_soon},
                    {"next", next},
                    {"paged", f.after_id > 0},
                    {"first", "/participants" + (keep.empty() ? "" : "?" + keep)},
                    {"export_query", keep}};
  return web::page(ctx, "followup/participants", std::move(data));
}


// Identity and pathways only: no difficulty of any kind leaves in an export.
http::Response export_participants(Ctx& ctx, const std::string& format) {
  auto f = filter_from_query(ctx);
  f.after_id = 0;
  f.after_key.clear();
  f.limit = 1000;
  std::vector<std::vector<std::string>> rows{
      {"id", "nom", "prenom", "date_naissance", "telephone", "email", "commune", "structure", "parcours"}};
  auto scope = scope_of(ctx);
  while (true) {
    auto page = list_participants(ctx.db(), scope, f);
    for (auto& r : page) {
      std::string paths;
      for (auto& e : r.enrolments)
        paths += (paths.empty() ? "" : " | ") + e.programme_name + " — " + e.referent_name + " — " +
                 lbl(label_of(kEnrolmentStatuses, e.status));
      rows.push_back({std::to_string(r.id), r.last_name, r.first_name, r.birth_date, r.phone, r.email, r.commune,
                      r.organisation_name, paths});
    }
    if (static_cast<int>(page.size()) < f.limit) break;
    f.after_key = page.back().sort_name;
    f.after_id = page.back().id;
  }
  return web::download(ctx, "participant", "Participants", "participants", format, rows);
}

// ---- The participant form ------------------------------------------------------------------

ParticipantInput participant_input(Ctx& ctx) {
  ParticipantInput in;
  in.first_name = ctx.form("first_name");
  in.last_name = ctx.form("last_name");
  in.birth_date = ctx.form("birth_date");
  in.gender = ctx.form("gender");
  in.email = ctx.form("email");
  in.phone = ctx.form("phone");
  in.address = ctx.form("address");
  in.postcode = ctx.form("postcode");
  in.commune = ctx.form("commune");
  in.commune_insee = ctx.form("commune_insee");
  in.languages = ctx.form("languages");
  in.labour_status = ctx.form("labour_status");
  in.education_level = ctx.form("education_level");
  in.housing = ctx.form("housing");
  for (auto& b : ctx.form_all("benefits"))
    if (!b.empty()) in.benefits.push_back(b);
  in.rqth = ctx.form("rqth");
  in.qpv = ctx.form("qpv");
  in.consent = ctx.form("consent") == "1" ? "1" : "";
  in.consent_date = ctx.form("consent_date");
  return in;
}

json::array yes_no(const std::string& selected) {
  return json::array{json::object{{"code", "1"}, {"label", "Oui"}, {"selected", selected == "1"}},
                     json::object{{"code", "0"}, {"label", "Non"}, {"selected", selected == "0"}}};
}

// `editing`: the person being edited (identity, contacts, situation, consent
// only: no structure, no pathway); null for a creation.
http::Response participant_form(Ctx& ctx, const ParticipantInput& in, const web::Errors& errors,
                                const std::vector<ParticipantRow>& duplicates, int status,
                                const Participant* editing = nullptr) {
  json::object values{{"first_name", in.first_name}, {"last_name", in.last_name}, {"birth_date", in.birth_date},
                      {"email", in.email},           {"phone", in.phone},         {"address", in.address},
                      {"postcode", in.postcode},     {"commune", in.commune},     {"commune_insee", in.commune_insee},
                      {"languages", in.languages},   {"consent", in.consent == "1"},
                      {"consent_date", in.consent_date.empty() && in.consent.empty() ? format_date(paris_today())
                                                                                       : in.consent_date},
                      {"entry_date", ctx.form("entry_date").empty() ? format_date(paris_today()) : ctx.form("entry_date")}};
  json::array benefits;
  for (auto& b : kBenefits)
    benefits.push_back(json::object{{"code", b.code}, {"label", b.label},
                                    {"checked", std::ranges::find(in.benefits, b.code) != in.benefits.end()}});
  json::array dups;
  for (auto& d : duplicates) dups.push_back(row_json(d));
  auto org = ctx.form("organisation_id");
  auto orgs = organisation_options(ctx, scope_of(ctx), org);
  if (org.empty() && orgs.size() == 1) orgs[0].as_object()["selected"] = true;
  json::object data{{"title", "Nouveau participant"},
                    {"values", values},
                    {"genders", options(kGenders, in.gender)},
                    {"labour_statuses", options(kLabourStatuses, in.labour_status)},
                    {"education_levels", options(kEducationLevels, in.education_level)},
                    {"housings", options(kHousingSituations, in.housing)},
                    {"benefits", benefits},
                    {"rqth", yes_no(in.rqth)},
                    {"qpv", yes_no(in.qpv)},
                    {"organisations", orgs},
                    {"programmes", programme_options(ctx, ctx.form("programme_id"))},
                    {"referents", person_options(referents_in_scope(ctx),
                                                 ctx.form("referent_id").empty() && ctx.user().has_role("referent")
                                                     ? std::to_string(ctx.user().id)
                                                     : ctx.form("referent_id"))},
                    {"duplicates", dups},
                    {"has_duplicates", !dups.empty()}};
  if (editing) {
    data["title"] = "Modifier : " + editing->first_name + " " + editing->last_name;
    data["editing"] = true;
    data["action"] = fmt::format("/participants/{}/modifier", editing->id);
    data["cancel"] = fmt::format("/participants/{}", editing->id);
  } else {
    data["action"] = "/participants";
    data["cancel"] = "/participants";
  }
  for (auto& [k, v] : web::errors_json(errors)) data[k] = v;
  return web::page(ctx, "followup/participant_form", std::move(data), status);
}

http::Response create_participant_route(Ctx& ctx) {
  auto in = participant_input(ctx);
  auto errors = validate_participant(in, paris_today());
  auto org_id = to_id(ctx.form("organisation_id"));
  if (!org_id || !network::get_organisation(ctx.db(), scope_of(ctx), *org_id))
    errors.push_back({"organisation_id", "Choisissez la structure qui suit la personne (dans votre périmètre)."});
  // Enrolment at creation: all three fields or none.
  const bool enrolling = !ctx.form("programme_id").empty();
  std::optional<std::int64_t> programme_id, referent_id;
  if (enrolling) {
    programme_id = to_id(ctx.form("programme_id"));
    if (!programme_id || !get_programme(ctx.db(), scope_of(ctx), *programme_id))
      errors.push_back({"programme_id", "Choisissez un programme dans la liste."});
    referent_id = to_id(ctx.form("referent_id"));
    if (!referent_id) errors.push_back({"referent_id", "Choisissez le ou la référent·e de parcours."});
  }
  if (!errors.empty()) return participant_form(ctx, in, errors, {}, 422);
  if (ctx.form("confirm_duplicate") != "1") {
    auto dups = likely_duplicates(ctx.db(), scope_of(ctx), in.first_name, in.last_name, in.birth_date);
    if (!dups.empty()) return participant_form(ctx, in, {}, dups, 200);
  }
  {
    db::Transaction tx(ctx.db());
    auto id = create_participant(ctx.db(), *org_id, in);
    if (id) {
      std::optional<web::Errors> enrol_errors;
      if (enrolling) {
        auto e = enrol(ctx.db(), {*id, *programme_id, *org_id, *referent_id, ctx.form("entry_date"), std::nullopt,
                                  ctx.user().id});
        if (!e) enrol_errors = e.error();
        else audit_write(ctx, "create", "enrolment", *e, fmt::format("participant {}", *id));
      }
      if (!enrol_errors) {
        audit_write(ctx, "create", "participant", *id, text::trim(in.first_name) + " " + text::trim(in.last_name));
        tx.commit();
        ctx.flash("La personne a été enregistrée.");
        return http::Response::redirect(fmt::format("/participants/{}", *id));
      }
      errors = *enrol_errors;
    } else {
      errors = id.error();
    }
  }
  return participant_form(ctx, in, errors, {}, 422);
}

// The stored person as the form's input.
ParticipantInput participant_values(const Participant& p) {
  ParticipantInput in;
  in.first_name = p.first_name;
  in.last_name = p.last_name;
  in.birth_date = p.birth_date;
  in.gender = p.gender;
  in.email = p.email;
  in.phone = p.phone;
  in.address = p.address;
  in.postcode = p.postcode;
  in.commune = p.commune;
  in.commune_insee = p.commune_insee;
  in.languages = p.languages;
  in.labour_status = p.labour_status;
  in.education_level = p.education_level;
  in.housing = p.housing;
  in.benefits = p.benefits;
  in.rqth = p.rqth ? "1" : "0";
  in.qpv = p.qpv ? "1" : "0";
  in.consent = p.consent_at.empty() ? "" : "1";
  in.consent_date = p.consent_at.substr(0, std::min<std::size_t>(10, p.consent_at.size()));
  return in;
}

// Identity, contacts, situation and consent. The ESF snapshots of the
// enrolments are not touched: they keep the situation as it was at entry/exit.
http::Response update_participant_route(Ctx& ctx, const Participant& p) {
  auto in = participant_input(ctx);
  auto errors = validate_participant(in, paris_today());
  if (!errors.empty()) return participant_form(ctx, in, errors, {}, 422, &p);
  {
    db::Transaction tx(ctx.db());
    auto done = update_participant(ctx.db(), p.id, in);
    if (done) {
      audit_write(ctx, "update", "participant", p.id, text::trim(in.first_name) + " " + text::trim(in.last_name));
      tx.commit();
      ctx.flash("Les informations de la personne ont été enregistrées.");
      return http::Response::redirect(fmt::format("/participants/{}", p.id));
    }
    errors = done.error();
  }
  return participant_form(ctx, in, errors, {}, 422, &p);
}

// ---- The participant's file ------------------------------------------------------------------

std::string timeline_title(const TimelineItem& t, const std::map<std::string, std::string>& names) {
  if (t.kind == "interaction")
    return fmt::format("Contact ({}) : {}", label_of(kInteractionChannels, t.detail), label_of(kInteractionOutcomes, t.code));
  if (t.kind == "step") return fmt::format("Étape : {}", label_of(kStepKinds, t.code));
  if (t.kind == "difficulty")
    return fmt::format("Difficulté « {} » : {}", label_of(kDifficultyKinds, t.code), label_of(kDifficultyStatuses, t.detail));
  if (t.kind == "assessment")
    return fmt::format("Évaluation de l'autonomie numérique (messagerie : {})", label_of(kDigitalAnswers, t.code));
  if (t.kind == "resource") return fmt::format("Ressource envoyée ({}) : {}", label_of(kInteractionChannels, t.code), t.text);
  if (t.kind == "enrolment") {
    if (t.code == "transfer") {
      auto it = names.find(t.detail);
      return "Changement de référent·e" + (it == names.end() ? std::string() : " : " + it->second);
    }
    return fmt::format("Parcours : {}", label_of(kEnrolmentStatuses, t.detail));
  }
  if (t.kind == "pass") return fmt::format("PASS IAE n° {} délivré (fin le {})", t.text, fr_date(t.detail));
  if (t.kind == "pass_period")
    return fmt::format("PASS IAE : {} jusqu'au {}", t.code == "suspension" ? "suspension" : "prolongation", fr_date(t.detail));
  return t.kind;
}

std::string timeline_text(const TimelineItem& t) {
  if (t.kind == "resource") return t.detail;  // the link
  if (t.kind == "pass" ) return "";
  if (t.kind == "pass_period") {
    auto s = label_of(kPassSuspensionReasons, t.text);
    return std::string(s == t.text ? label_of(kProlongationReasons, t.text) : s);
  }
  if (t.kind == "step" && !t.detail.empty()) return t.text + (t.text.empty() ? "" : " — ") + "jusqu'au " + fr_date(t.detail);
  return t.text;
}

// What GET /participants/{id} read with the participant, in the same round trip.
struct FileReads {
  std::vector<Enrolment> enrolments;
  std::span<db::Result> file;  // participant_file_reads
  const db::Result* mailings = nullptr;  // mailings::sent_to_participant_read
};

http::Response file_page(Ctx& ctx, const Participant& p, const FormState* state, int status,
                         FileReads* known = nullptr) {
  auto& db = ctx.db();
  auto enrolments = known ? std::move(known->enrolments) : enrolments_of(db, p.id);
  const bool sensitive = may_see_sensitive(ctx, p, enrolments);
  // Every list of the file read once; the timeline is built from the same lists.
  auto file = known ? participant_file_from(db, known->file, sensitive) : participant_file(db, p.id, sensitive);
  auto& difficulties = file.difficulties;
  auto& items = file.timeline;
  const bool shows_sensitive =
      std::ranges::any_of(difficulties, [](const Difficulty& d) { return d.sensitive; });
  if (shows_sensitive)
    audit_write(ctx, "read_sensitive", "participant", p.id, "dossier : difficultés sensibles affichées");

  auto people = referents_in_scope(ctx);
  std::map<std::string, std::string> names;
  for (auto& r : people) names[std::to_string(r.id)] = r.name;
  // The partners a difficulty can be oriented to: read once for every form of the page.
  std::shared_ptr<const std::vector<Person>> partners;
  auto partners_for = [&](const std::string& selected) {
    if (!partners) partners = partners_of(ctx, p);
    return option_tags(*partners, selected);
  };
  auto is = [&](const char* name, std::int64_t target = 0) {
    return state && state->name == name && (target == 0 || state->target == target);
  };
  auto form_of = [&](const char* name, std::int64_t target = 0) {
    return is(name, target) ? form_json(*state) : json::object{{"values", json::object{}}};
  };
  auto today = paris_today();

  json::array current, past, enrolment_choices;
  // Errors of a form whose pathway has meanwhile ended (another tab): no form
  // is drawn for an exited pathway, so they are shown above the pathways.
  json::value enrolment_errors = nullptr;
  for (auto& e : enrolments) {
    json::array transitions;
    bool can_exit = false;
    for (auto t : enrolment_transitions_from(e.status)) {
      transitions.push_back(json::object{{"code", t}, {"label", label_of(kEnrolmentTransitions, t)}});
      can_exit = can_exit || t == "exit";
    }
    auto status_form = form_of("status", e.id);
    auto transfer_form = form_of("transfer", e.id);
    auto exit_outcome = is("status", e.id) ? ctx.form("exit_outcome") : std::string();
    json::array outcomes;
    for (auto& o : kExitOutcomes)
      outcomes.push_back(json::object{{"code", o.code}, {"label", o.label}, {"selected", o.code == exit_outcome}});
    const bool has_others = std::ranges::any_of(people, [&](const Person& r) { return r.id != e.referent_id; });
    auto others = has_others ? option_tags(people, is("transfer", e.id) ? ctx.form("referent_id") : "", e.referent_id)
                             : std::string();
    json::object item{{"id", e.id},
                      {"eid", e.id},
                      {"status_action", fmt::format("/participants/{}/enrolments/{}/status", p.id, e.id)},
                      {"transfer_action", fmt::format("/participants/{}/enrolments/{}/transfer", p.id, e.id)},
                      {"programme", e.programme_name},
                      {"cohort", e.cohort_name},
                      {"organisation", e.organisation_name},
                      {"referent", e.referent_name},
                      {"status_label", lbl(label_of(kEnrolmentStatuses, e.status))},
                      {"entry", fr_date(e.entry_date)},
                      {"exit", fr_date(e.exit_date)},
                      {"exit_outcome", lbl(label_of(kExitOutcomes, e.exit_outcome))},
                      {"due", e.status == "active" ? fr_date(e.next_due_on) : std::string()},
                      {"last_reached", fr_date(e.last_reached_on)},
                      {"unreachable", !e.unreachable_on.empty() && e.unreachable_on <= format_date(today)},
                      {"transitions", std::move(transitions)},
                      {"can_exit", can_exit},
                      {"outcomes", std::move(outcomes)},
                      {"status_form", std::move(status_form)},
                      {"transfer_form", std::move(transfer_form)},
                      {"can_transfer", e.status != "exited" && has_others},
                      {"others_html", std::move(others)}};
    if (e.status == "exited") {
      if (is("status", e.id) || is("transfer", e.id)) enrolment_errors = form_json(*state);
      past.push_back(std::move(item));
    } else {
      current.push_back(std::move(item));
      enrolment_choices.push_back(json::object{{"id", std::to_string(e.id)}, {"label", e.programme_name},
                                               {"selected", state && ctx.form("enrolment_id") == std::to_string(e.id)}});
    }
  }

  json::array timeline_items;
  for (auto& t : items)
    timeline_items.push_back(json::object{{"date", fr_date(t.on)},
                                          {"iso", t.on},
                                          {"title", timeline_title(t, names)},
                                          {"text", timeline_text(t)},
                                          {"author", t.author}});

  auto partners_selected = [&](std::int64_t target) {
    return state && state->target == target ? ctx.form("partner_organisation_id") : std::string();
  };
  json::array diffs;
  for (auto& d : difficulties) {
    json::array transitions;
    bool orient = false;
    for (auto t : difficulty_transitions_from(d.status)) {
      transitions.push_back(json::object{{"code", t}, {"label", label_of(kDifficultyTransitions, t)}});
      orient = orient || t == "orient";
    }
    std::string sub = d.sub_kind.empty() ? "" : lbl(label_of(kDifficultySubkinds, d.sub_kind));
    diffs.push_back(json::object{{"id", d.id},
                                 {"did", d.id},
                                 {"action", fmt::format("/participants/{}/difficulties/{}/status", p.id, d.id)},
                                 {"kind", lbl(label_of(kDifficultyKinds, d.kind))},
                                 {"sub_kind", sub},
                                 {"sensitive", d.sensitive},
                                 {"status_label", lbl(label_of(kDifficultyStatuses, d.status))},
                                 {"identified", fr_date(d.identified_on)},
                                 {"partner", d.partner_name},
                                 {"notes", d.notes},
                                 {"orient", orient},
                                 {"transitions", std::move(transitions)},
                                 {"partners_html", orient ? partners_for(partners_selected(d.id)) : std::string()},
                                 {"form", form_of("difficulty_status", d.id)}});
  }
  auto dform = form_of("difficulty");
  auto dval = [&](const char* k) { return is("difficulty") ? ctx.form(k) : std::string(); };
  dform["kinds"] = difficulty_kind_options(sensitive, dval("kind"));
  dform["subkinds"] = subkind_options(dval("sub_kind"));
  dform["partners_html"] = partners_for(dval("partner_organisation_id"));
  if (!is("difficulty")) dform["values"] = json::object{{"identified_on", format_date(today)}};

  json::object assessment;
  if (!file.assessments.empty()) {
    const auto* a = &file.assessments.front();  // newest first
    json::array answers;
    for (auto& q : kDigitalQuestions) {
      std::string v = q.code == "equipment" ? a->equipment : q.code == "connection" ? a->connection
                      : q.code == "email" ? a->email : q.code == "online_procedures" ? a->online_procedures
                                                                                      : a->reading_writing;
      answers.push_back(json::object{{"question", q.label}, {"answer", lbl(label_of(kDigitalAnswers, v))}});
    }
    assessment = json::object{{"date", fr_date(a->assessed_on)}, {"author", a->author_name}, {"answers", std::move(answers)}};
  }
  auto aform = form_of("assessment");
  json::array questions;
  for (auto& q : kDigitalQuestions) {
    auto chosen = is("assessment") ? ctx.form(std::string(q.code)) : std::string();
    json::array answers;
    for (auto& a : kDigitalAnswers)
      answers.push_back(json::object{{"code", a.code}, {"name", q.code}, {"label", a.label}, {"checked", a.code == chosen},
                                     {"id", fmt::format("f-a-{}-{}", q.code, a.code)}});
    json::value err = nullptr;
    if (is("assessment"))
      if (auto e = web::find_error(state->errors, std::string(q.code))) err = json::value(e->message);
    questions.push_back(json::object{{"code", q.code}, {"label", q.label}, {"answers", std::move(answers)}, {"error", std::move(err)}});
  }
  aform["questions"] = std::move(questions);
  if (!is("assessment")) aform["values"] = json::object{{"assessed_on", format_date(today)}};

  json::array resources;
  for (auto& r : file.resources)
    resources.push_back(json::object{{"date", fr_date(r.sent_on)}, {"title", r.title}, {"link", r.link},
                                     {"channel", lbl(label_of(kInteractionChannels, r.channel))}});
  auto rform = form_of("resource");
  rform["channels"] = options(kInteractionChannels, is("resource") ? ctx.form("channel") : "email");
  if (!is("resource")) rform["values"] = json::object{{"sent_on", format_date(today)}};

  json::array steps;
  for (auto& s : file.steps)
    steps.push_back(json::object{{"kind", lbl(label_of(kStepKinds, s.kind))}, {"programme", s.programme_name},
                                 {"start", fr_date(s.start_date)}, {"end", fr_date(s.end_date)}, {"place", s.place}});
  auto sform = form_of("step");
  sform["kinds"] = options(kStepKinds, is("step") ? ctx.form("kind") : "");
  sform["enrolments"] = enrolment_choices;

  json::array passes;
  for (auto& rec : file.passes) {
    auto alert = pass_alert_code(pass_alert(rec.pass, today));
    json::array periods;
    for (auto& per : rec.periods) {
      auto reason = label_of(kPassSuspensionReasons, per.period.reason);
      if (reason == per.period.reason) reason = label_of(kProlongationReasons, per.period.reason);
      periods.push_back(json::object{{"kind", per.kind == "suspension" ? "Suspension" : "Prolongation"},
                                     {"start", web::french_date(format_date(per.period.start))},
                                     {"end", web::french_date(format_date(per.period.end))},
                                     {"reason", lbl(reason)}});
    }
    auto pform = form_of("pass_period", rec.id);
    auto chosen = is("pass_period", rec.id) ? ctx.form("reason") : std::string();
    json::array suspension_reasons, prolongation_reasons;
    for (auto& r : kPassSuspensionReasons)
      suspension_reasons.push_back(json::object{{"code", "suspension:" + std::string(r.code)}, {"label", r.label},
                                                {"selected", chosen == "suspension:" + std::string(r.code)}});
    for (auto& r : kProlongationReasons)
      if (r.usable)
        prolongation_reasons.push_back(json::object{{"code", "prolongation:" + std::string(r.code)}, {"label", r.label},
                                                    {"selected", chosen == "prolongation:" + std::string(r.code)}});
    pform["suspension_reasons"] = std::move(suspension_reasons);
    pform["prolongation_reasons"] = std::move(prolongation_reasons);
    if (!is("pass_period", rec.id)) pform["values"] = json::object{{"start", rec.end_date}};
    passes.push_back(json::object{{"id", rec.id},
                                  {"pid", rec.id},
                                  {"action", fmt::format("/participants/{}/pass/{}/periods", p.id, rec.id)},
                                  {"number", rec.number},
                                  {"start", web::french_date(format_date(rec.pass.start))},
                                  {"end", fr_date(rec.end_date)},
                                  {"status_label", lbl(label_of(kPassStatuses, pass_status_code(pass_status(rec.pass, today))))},
                                  {"alert", alert != "none"},
                                  {"alert_label", lbl(label_of(kPassAlerts, alert))},
                                  {"has_periods", !periods.empty()},
                                  {"periods", std::move(periods)},
                                  {"form", std::move(pform)}});
  }
  auto passform = form_of("pass");
  passform["enrolments"] = enrolment_choices;
  if (!is("pass")) passform["values"] = json::object{{"start_date", format_date(today)}};

  auto enrol_form = form_of("enrol");
  enrol_form["programmes"] = programme_options(ctx, is("enrol") ? ctx.form("programme_id") : "");
  enrol_form["referents_html"] = option_tags(people, is("enrol") ? ctx.form("referent_id") : std::to_string(ctx.user().id));
  if (!is("enrol")) enrol_form["values"] = json::object{{"entry_date", format_date(today)}};

  json::array benefits;
  for (auto& b : p.benefits) benefits.push_back(json::value(label_of(kBenefits, b)));
  json::object identity{
      {"first_name", p.first_name},
      {"last_name", p.last_name},
      {"birth_date", fr_date(p.birth_date)},
      {"gender", lbl(label_of(kGenders, p.gender))},
      {"email", p.email},
      {"phone", p.phone},
      {"address", p.address},
      {"postcode", p.postcode},
      {"commune", p.commune},
      {"languages", p.languages},
      {"labour_status", lbl(label_of(kLabourStatuses, p.labour_status))},
      {"education_level", lbl(label_of(kEducationLevels, p.education_level))},
      {"housing", lbl(label_of(kHousingSituations, p.housing))},
      {"has_benefits", !benefits.empty()},
      {"benefits", std::move(benefits)},
      {"rqth", p.rqth},
      {"qpv", p.qpv},
      {"consent", fr_date(p.consent_at.substr(0, std::min<std::size_t>(10, p.consent_at.size())))},
      {"organisation", p.organisation_name},
  };
  // Flags first, then the lists and forms moved in (an initializer list copies
  // what it is given as an lvalue).
  auto sent = mailings_sent_json(known ? mailings::sent_to_participant_from(*known->mailings)
                                       : mailings::sent_to_participant(db, p.id));
  json::object data{{"title", p.first_name + " " + p.last_name},
                    {"id", p.id},
                    {"has_current", !current.empty()},
                    {"has_past", !past.empty()},
                    {"has_timeline", !timeline_items.empty()},
                    {"has_difficulties", !diffs.empty()},
                    {"sensitive_allowed", sensitive},
                    {"has_assessment", !assessment.empty()},
                    {"has_resources", !resources.empty()},
                    {"mailings_sent", sent},
                    {"has_mailings_sent", !sent.empty()},
                    {"has_steps", !steps.empty()},
                    {"has_passes", !passes.empty()},
                    {"identity", std::move(identity)},
                    {"current", std::move(current)},
                    {"past", std::move(past)},
                    {"enrolment_errors", std::move(enrolment_errors)},
                    {"timeline", std::move(timeline_items)},
                    {"difficulties", std::move(diffs)},
                    {"difficulty_form", std::move(dform)},
                    {"assessment", std::move(assessment)},
                    {"assessment_form", std::move(aform)},
                    {"resources", std::move(resources)},
                    {"resource_form", std::move(rform)},
                    {"steps", std::move(steps)},
                    {"step_form", std::move(sform)},
                    {"passes", std::move(passes)},
                    {"pass_form", std::move(passform)},
                    {"enrol_form", std::move(enrol_form)},
                    {"contact", contact_form_json(now_local(), is("contact") ? state : nullptr)}};
  if (state) data["failed_form"] = state->name;
  return web::page(ctx, "followup/participant", std::move(data), status);
}

// A write on the file: runs `write` and the audit record in one transaction;
// success → flash and redirect, refusal → the file again with that form's errors.
template <class Write>
http::Response file_write(Ctx& ctx, const Participant& p, FormState state, const std::string& done, Write&& write) {
  {
    db::Transaction tx(ctx.db());
    auto errors = write();
    if (errors.empty()) {
      tx.commit();
      ctx.flash(done);
      return http::Response::redirect(fmt::format("/participants/{}", p.id));
    }
    state.errors = std::move(errors);
  }
  return file_page(ctx, p, &state, 422);
}

// Loads an enrolment of this participant (404 otherwise).
Enrolment enrolment_of(Ctx& ctx, const Participant& p, std::int64_t id) {
  auto e = get_enrolment(ctx.db(), scope_of(ctx), id);
  if (!e || e->participant_id != p.id) throw web::NotFound{};
  return *e;
}

// ---- Programmes ----------------------------------------------------------------------------

Scope programme_scope(Ctx& ctx) { return ctx.user().scope_roots({"admin", "supervisor"}); }

bool may_manage(Ctx& ctx, const Programme& prog) {
  return network::get_organisation(ctx.db(), programme_scope(ctx), prog.organisation_id).has_value();
}

http::Response programmes_page(Ctx& ctx, const FormState* state, int status) {
  json::array items;
  for (auto& prog : list_programmes(ctx.db(), programme_scope(ctx))) {
    json::array phases, cohorts;
    for (auto& ph : prog.phases) phases.push_back(json::value(ph.name));
    for (auto& c : prog.cohorts)
      cohorts.push_back(json::object{{"name", c.name}, {"start", fr_date(c.start_date)}});
    auto f = [&](const char* name) {
      return state && state->name == name && state->target == prog.id ? form_json(*state)
                                                                       : json::object{{"values", json::object{}}};
    };
    items.push_back(json::object{{"id", prog.id},
                                 {"name", prog.name},
                                 {"kind", lbl(label_of(kProgrammeKinds, prog.kind))},
                                 {"organisation", prog.organisation_name},
                                 {"cadence", prog.cadence_days},
                                 {"max", prog.max_duration_months ? std::to_string(prog.max_duration_months) + " mois"
                                                                  : std::string("—")},
                                 {"phases", phases},
                                 {"has_phases", !phases.empty()},
                                 {"cohorts", cohorts},
                                 {"has_cohorts", !cohorts.empty()},
                                 {"can_manage", may_manage(ctx, prog)},
                                 {"phase_form", f("phase")},
                                 {"cohort_form", f("cohort")}});
  }
  bool creating = state && state->name == "programme";
  auto form = creating ? form_json(*state)
                       : json::object{{"values", json::object{{"cadence_days", std::to_string(kPlieCadenceDays)},
                                                              {"max_duration_months",
                                                               std::to_string(kPlieMaxDurationMonths)}}}};
  form["kinds"] = options(kProgrammeKinds, creating ? ctx.form("kind") : "plie");
  form["organisations"] = organisation_options(ctx, programme_scope(ctx), creating ? ctx.form("organisation_id") : "");
  json::object data{{"title", "Programmes"}, {"items", items}, {"empty", items.empty()}, {"form", form}};
  return web::page(ctx, "followup/programmes", std::move(data), status);
}

Programme managed_programme(Ctx& ctx) {
  auto prog = get_programme(ctx.db(), programme_scope(ctx), path_id(ctx));
  if (!prog || !may_manage(ctx, *prog)) throw web::NotFound{};
  return *prog;
}

// ---- Supervision ----------------------------------------------------------------------------

http::Response supervision_page(Ctx& ctx, const FormState* state, int status) {
  auto today = paris_today();
  auto workload = referent_workload(ctx.db(), ctx.user().scope_roots({"supervisor"}), today);
  json::array rows, referents;
  for (auto& w : workload) {
    rows.push_back(json::object{{"id", w.referent_id},
                                {"name", w.name},
                                {"followed", w.followed},
                                {"due", w.due},
                                {"overdue", w.overdue},
                                {"unreachable", w.unreachable},
                                {"reached_week", w.reached_this_week},
                                {"last_checkin", w.last_checkin.empty() ? std::string("Jamais") : fr_date(w.last_checkin)},
                                {"checked_today", w.last_checkin == format_date(today)}});
    referents.push_back(json::object{{"id", std::to_string(w.referent_id)}, {"label", w.name},
                                     {"selected", state && ctx.form("referent_id") == std::to_string(w.referent_id)}});
  }
  auto form = state ? form_json(*state) : json::object{{"values", json::object{{"on_date", format_date(today)}}}};
  form["referents"] = referents;
  json::object data{{"title", "Supervision"}, {"rows", rows}, {"empty", rows.empty()}, {"form", form},
                    {"today", web::french_date(format_date(today))}};
  return web::page(ctx, "followup/supervision", std::move(data), status);
}

// ---- Dashboard ----------------------------------------------------------------------------------

struct DashboardQuery {
  DashboardFilter filter;
  web::Errors errors;
  std::string from, to, programme, referent;
};

DashboardQuery dashboard_query(Ctx& ctx) {
  DashboardQuery q;
  auto today = paris_today();
  q.from = ctx.req.query("du");
  q.to = ctx.req.query("au");
  q.programme = ctx.req.query("programme");
  q.referent = ctx.req.query("referent");
  auto to = q.to.empty() ? std::optional<Date>(today) : parse_date(q.to);
  auto from = q.from.empty() && to ? std::optional<Date>(add_days(*to, -29)) : parse_date(q.from);
  if (!to) q.errors.push_back({"au", "Indiquez une date de fin valide (jj/mm/aaaa)."});
  if (!from) q.errors.push_back({"du", "Indiquez une date de début valide (jj/mm/aaaa)."});
  if (from && to && *from > *to) q.errors.push_back({"au", "La date de fin doit suivre la date de début."});
  if (from && to && days_between(*from, *to) > 3660) q.errors.push_back({"du", "Choisissez une période de dix ans au plus."});
  if (q.errors.empty()) {
    q.filter.from = *from;
    q.filter.to = *to;
  } else {
    q.filter.to = today;
    q.filter.from = add_days(today, -29);
  }
  if (q.from.empty()) q.from = format_date(q.filter.from);
  if (q.to.empty()) q.to = format_date(q.filter.to);
  if (!q.programme.empty()) {
    auto id = to_id(q.programme);
    if (!id || !get_programme(ctx.db(), scope_of(ctx), *id))
      q.errors.push_back({"programme", "Choisissez un programme dans la liste."});
    else q.filter.programme_id = *id;
  }
  if (!q.referent.empty()) {
    auto id = to_id(q.referent);
    auto people = referents_in_scope(ctx);
    if (!id || std::ranges::none_of(people, [&](const Person& p) { return p.id == *id; }))
      q.errors.push_back({"referent", "Choisissez un·e référent·e dans la liste."});
    else q.filter.referent_id = *id;
  }
  q.filter.include_sensitive = sees_all_sensitive(ctx);
  return q;
}

struct Figure {
  std::string label, value;
};

std::vector<Figure> figures(const Dashboard& d) {
  auto n = [](std::int64_t v) { return format_count(v); };
  auto pct = [](int v) { return std::to_string(v) + " %"; };
  return {
      {"Personnes suivies à la date de fin", n(d.counts.followed)},
      {"Contacts réalisés sur la période", n(d.counts.interactions)},
      {"Personnes contactées (distinctes)", n(d.counts.people_contacted)},
      {"Personnes jointes (distinctes)", n(d.counts.people_reached)},
      {"Personnes suivies non jointes sur la période", n(d.counts.followed_not_reached)},
      {"Part des personnes suivies non jointes", pct(d.shares.not_reached)},
      {"Personnes suivies injoignables à la date de fin", n(d.unreachable)},
      {"Personnes évaluées sur l'autonomie numérique", n(d.counts.assessed)},
      {"Part ne pouvant pas utiliser l'e-mail (dernière évaluation)", pct(d.shares.unable_to_email)},
      {"Entrées en parcours", n(d.entries)},
      {"Sorties de parcours", n(d.counts.exits)},
      {"Sorties positives", n(d.counts.positive_exits)},
      {"Part de sorties positives", pct(d.shares.positive_exits)},
  };
}

http::Response dashboard_route(Ctx& ctx, const std::string& format) {
  auto q = dashboard_query(ctx);
  if (!format.empty() && !q.errors.empty())
    throw web::BadRequest{q.errors.front().message};
  auto& conn = ctx.db();
  auto extra = ctx.extra_connection();  // the national dashboard on two cores
  auto d = dashboard(conn, scope_of(ctx), q.filter, extra ? &**extra : nullptr);
  auto figs = figures(d);
  if (!format.empty()) {
    std::vector<std::vector<std::string>> rows{{"indicateur", "valeur"}};
    rows.push_back({"Période", web::french_date(format_date(q.filter.from)) + " — " + web::french_date(format_date(q.filter.to))});
    for (auto& f : figs) rows.push_back({f.label, f.value});
    for (auto& [kind, count] : d.difficulties_by_kind)
      rows.push_back({"Difficulté : " + lbl(label_of(kDifficultyKinds, kind)), std::to_string(count)});
    return web::download(ctx, "dashboard", "Tableau de bord", "tableau-de-bord", format, rows);
  }
  json::array fig_rows, kinds;
  for (auto& f : figs) fig_rows.push_back(json::object{{"label", f.label}, {"value", f.value}});
  // Chart data for web/static/app.js (Chart.js), in data-* attributes: the
  // tables stay the accessible source of the same figures.
  json::array kind_labels, kind_values;
  for (auto& [kind, count] : d.difficulties_by_kind) {
    kinds.push_back(json::object{{"label", label_of(kDifficultyKinds, kind)}, {"count", format_count(count)}});
    kind_labels.push_back(json::string(label_of(kDifficultyKinds, kind)));
    kind_values.push_back(count);
  }
  const auto not_reached = d.counts.followed_not_reached;
  const auto reached = std::max<std::int64_t>(0, d.counts.followed - not_reached);
  json::array reach_labels{"Jointes sur la période", "Non jointes sur la période"};
  json::array reach_values{reached, not_reached};
  auto keep = query_keep(ctx, {"du", "au", "programme", "referent"});
  json::object data{{"title", "Tableau de bord"},
                    {"from", q.from},
                    {"to", q.to},
                    {"period", web::french_date(format_date(q.filter.from)) + " au " +
                                   web::french_date(format_date(q.filter.to))},
                    {"programmes", programme_options(ctx, q.programme)},
                    {"referents", person_options(referents_in_scope(ctx), q.referent)},
                    {"figures", fig_rows},
                    {"kinds", kinds},
                    {"has_kinds", !kinds.empty()},
                    {"kind_labels", json::serialize(kind_labels)},
                    {"kind_values", json::serialize(kind_values)},
                    {"reach_labels", json::serialize(reach_labels)},
                    {"reach_values", json::serialize(reach_values)},
                    {"has_followed", d.counts.followed > 0},
                    {"export_query", keep}};
  for (auto& [k, v] : web::errors_json(q.errors)) data[k] = v;
  return web::page(ctx, "followup/dashboard", std::move(data), q.errors.empty() ? 200 : 422);
}

// ---- ESF-style export of entries and exits -------------------------------------------------------

// ESF+ age bands (common output indicators: under 18, 18–29, 55 and over).
std::string esf_age_band(const std::string& birth, const std::string& on) {
  auto b = parse_date(birth);
  auto d = parse_date(on);
  if (!b || !d) return "";
  int age = d->year - b->year - ((d->month < b->month || (d->month == b->month && d->day < b->day)) ? 1 : 0);
  if (age < 18) return "moins de 18 ans";
  if (age < 30) return "18 à 29 ans";
  if (age < 55) return "30 à 54 ans";
  return "55 ans et plus";
}

json::object esf_json(const std::string& raw) {
  if (raw.empty()) return {};
  boost::system::error_code ec;
  auto v = json::parse(raw, ec);
  return !ec && v.is_object() ? v.as_object() : json::object{};
}

std::string esf_text(const json::object& o, const char* key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::string esf_yes_no(const json::object& o, const char* key) {
  auto* v = o.if_contains(key);
  if (!v || !v->is_bool()) return "";
  return v->as_bool() ? "oui" : "non";
}

// One line per movement in the period: an entry (situation of the entry
// snapshot) or an exit (situation of the exit snapshot, outcome). The age band
// is always the one at entry. Pseudonymous: ids only, no name, birth date or address.
http::Response esf_export(Ctx& ctx, const std::string& format) {
  auto q = dashboard_query(ctx);
  if (!q.errors.empty()) throw web::BadRequest{q.errors.front().message};
  std::vector<std::vector<std::string>> rows{
      {"mouvement", "date_mouvement", "parcours_id", "participant_id", "programme", "structure", "date_entree",
       "date_sortie", "genre", "tranche_age_entree", "situation_emploi", "niveau_formation", "minima_sociaux", "rqth",
       "qpv", "logement", "resultat_sortie", "sortie_positive"}};
  const auto from = format_date(q.filter.from), to = format_date(q.filter.to);
  auto in_period = [&](const std::string& d) { return !d.empty() && d >= from && d <= to; };
  for (auto& r : esf_rows(ctx.db(), scope_of(ctx), q.filter)) {
    auto entry = esf_json(r.esf_entry);
    auto age = esf_age_band(esf_text(entry, "birth_date"), esf_text(entry, "date").empty() ? r.entry_date
                                                                                           : esf_text(entry, "date"));
    auto line = [&](const char* movement, const std::string& on, const json::object& snap, bool exit) {
      std::string benefits;
      if (auto* b = snap.if_contains("benefits"); b && b->is_array())
        for (auto& code : b->as_array())
          if (code.is_string()) {
            auto c = std::string(code.as_string());
            std::ranges::transform(c, c.begin(), [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
            benefits += (benefits.empty() ? "" : ", ") + c;
          }
      auto outcome = exit ? (esf_text(snap, "exit_outcome").empty() ? r.exit_outcome : esf_text(snap, "exit_outcome"))
                          : std::string();
      std::string positive;
      if (exit) positive = esf_yes_no(snap, "positive_exit").empty() ? (is_positive_exit(outcome) ? "oui" : "non")
                                                                     : esf_yes_no(snap, "positive_exit");
      rows.push_back({movement, on, std::to_string(r.enrolment_id), std::to_string(r.participant_id), r.programme_name,
                      r.organisation_name, r.entry_date, r.exit_date, lbl(label_of(kGenders, esf_text(snap, "gender"))),
                      age, lbl(label_of(kLabourStatuses, esf_text(snap, "labour_status"))),
                      lbl(label_of(kEducationLevels, esf_text(snap, "education_level"))), benefits,
                      esf_yes_no(snap, "rqth"), esf_yes_no(snap, "qpv"),
                      lbl(label_of(kHousingSituations, esf_text(snap, "housing"))),
                      lbl(label_of(kExitOutcomes, outcome)), positive});
    };
    if (in_period(r.entry_date)) line("entrée", r.entry_date, entry, false);
    if (in_period(r.exit_date)) line("sortie", r.exit_date, esf_json(r.esf_exit), true);
  }
  return web::download(ctx, "esf", "Entrées et sorties FSE", "entrees-sorties-fse", format, rows);
}

}  // namespace

void register_routes(web::App& app) {
  auto followers = web::Access::roles_in({"referent", "supervisor"});
  auto supervisors = web::Access::roles_in({"supervisor"});
  auto managers = web::Access::roles_in({"admin", "supervisor"});

  // ---- À contacter
  app.route("GET", "/accompagnement", followers, [](Ctx& ctx) { return due_page(ctx, nullptr, 200); });

  // ---- Participants
  app.route("GET", "/participants", followers, [](Ctx& ctx) { return participants_page(ctx); });
  app.route("GET", "/participants/export.csv", followers, [](Ctx& ctx) { return export_participants(ctx, "csv"); });
  app.route("GET", "/participants/export.xlsx", followers, [](Ctx& ctx) { return export_participants(ctx, "xlsx"); });
  app.route("GET", "/participants/nouveau", followers,
            [](Ctx& ctx) { return participant_form(ctx, {}, {}, {}, 200); });
  app.route("POST", "/participants", followers, [](Ctx& ctx) { return create_participant_route(ctx); });
  app.route("GET", "/participants/{id}", followers, [](Ctx& ctx) {
    // Everything the page shows read in one go (one round trip on PostgreSQL);
    // what belongs to a participant out of scope is dropped unread.
    const auto id = path_id(ctx);
    auto reads = participant_head_reads(scope_of(ctx), id);
    for (auto& r : participant_file_reads(id)) reads.push_back(std::move(r));
    reads.push_back(mailings::sent_to_participant_read(id));
    auto results = db::query_all_owned(ctx.db(), reads);
    std::span<db::Result> all(results);
    auto head = participant_head_from(all.first(kParticipantHeadReads));
    if (!head.participant) throw web::NotFound{};
    ctx.known_change_stamp("directory", head.directory_stamp);
    FileReads known{std::move(head.enrolments), all.subspan(kParticipantHeadReads, kParticipantFileReads),
                    &results.back()};
    return file_page(ctx, *head.participant, nullptr, 200, &known);
  });
  app.route("GET", "/participants/{id}/modifier", followers, [](Ctx& ctx) {
    auto p = load_participant(ctx, path_id(ctx));
    return participant_form(ctx, participant_values(p), {}, {}, 200, &p);
  });
  app.route("POST", "/participants/{id}/modifier", followers, [](Ctx& ctx) {
    auto p = load_participant(ctx, path_id(ctx));
    return update_participant_route(ctx, p);
  });

  app.route("POST", "/participants/{id}/contacts", followers, [](Ctx& ctx) {
    auto p = load_participant(ctx, path_id(ctx));
    InteractionInput in{utc_from_paris_input(ctx.form("at")), ctx.form("channel"), ctx.form("outcome"), ctx.form("level"),
                        ctx.form("notes")};
    auto ret = ctx.form("return");
    const bool to_list = ret == "/accompagnement" || ret.starts_with("/accompagnement?referent=");
    FormState state{"contact", p.id, {}, form_values(ctx, {"at", "channel", "outcome", "level", "notes"})};
    {
      db::Transaction tx(ctx.db());
      auto id = log_interaction(ctx.db(), p.id, in, ctx.user().id);
      if (id) {
        audit_write(ctx, "create", "interaction", *id, fmt::format("participant {}", p.id));
        tx.commit();
        auto reached = outcome_is_reached(in.outcome);
        ctx.flash(fmt::format("Contact avec {} {} enregistré{}.", p.first_name, p.last_name,
                              reached ? "" : " : la personne reste à contacter"));
        return http::Response::redirect(to_list ? ret : fmt::format("/participants/{}", p.id));
      }
      state.errors = id.error();
    }
    // htmx swaps only 2xx answers: the form with its errors is sent as 200 to
    // an htmx request, 422 to a plain form post.
    int status = is_htmx(ctx) ? 200 : 422;
    return to_list ? due_page(ctx, &state, status) : file_page(ctx, p, &state, status);
  });

  app.route("POST", "/participants/{id}/enrolments", followers, [](Ctx& ctx) {
    auto p = load_participant(ctx, path_id(ctx));
    FormState state{"enrol", 0, {}, form_values(ctx, {"entry_date"})};
    return file_write(ctx, p, state, "Le parcours a été ouvert.", [&]() -> web::Errors {
      auto programme = to_id(ctx.form("programme_id"));
      auto referent = to_id(ctx.form("referent_id"));
      web::Errors errors;
      if (!programme || !get_programme(ctx.db(), scope_of(ctx), *programme))
        errors.push_back({"programme_id", "Choisissez un programme dans la liste."});
      if (!referent) errors.push_back({"referent_id", "Choisissez le ou la référent·e de parcours."});
      if (!errors.empty()) return errors;
      auto id = enrol(ctx.db(), {p.id, *programme, p.organisation_id, *referent, ctx.form("entry_date"), std::nullopt,
                                 ctx.user().id});
      if (!id) return id.error();
      audit_write(ctx, "create", "enrolment", *id, fmt::format("participant {}", p.id));
      return {};
    });
  });

  app.route("POST", "/participants/{id}/enrolments/{eid}/status", followers, [](Ctx& ctx) {
    auto p = load_participant(ctx, path_id(ctx));
    auto e = enrolment_of(ctx, p, path_id(ctx, "eid"));
    auto transition = ctx.form("transition");
    FormState state{"status", e.id, {}, form_values(ctx, {"exit_date", "reason"})};
    std::string done = transition == "exit" ? "La sortie du parcours a été enregistrée."
                       : transition == "suspend" ? "Le parcours a été suspendu."
                                                 : "Le parcours a repris.";
    return file_write(ctx, p, state, done, [&]() -> web::Errors {
      auto exit_date = ctx.form("exit_date"), outcome = ctx.form("exit_outcome");
      EnrolmentExit exit{{}, exit_date, outcome, std::nullopt};
      auto r = change_enrolment_status(ctx.db(), e.id, transition, exit, ctx.user().id, ctx.form("reason"));
      if (!r) return r.error();
      audit_write(ctx, "update", "enrolment", e.id, fmt::format("{} → {}", e.status, *r));
      return {};
    });
  });

  app.route("POST", "/participants/{id}/enrolments/{eid}/transfer", followers, [](Ctx& ctx) {
    auto p = load_participant(ctx, path_id(ctx));
    auto e = enrolment_of(ctx, p, path_id(ctx, "eid"));
    FormState state{"transfer", e.id, {}, form_values(ctx, {"reason"})};
    return file_write(ctx, p, state, "Le parcours a été confié à un·e autre référent·e.", [&]() -> web::Errors {
      auto referent = to_id(ctx.form("referent_id"));
      if (!referent) return {{"referent_id", "Choisissez le ou la référent·e dans la liste."}};
      auto r = transfer_referent(ctx.db(), e.id, *referent, ctx.user().id, ctx.form("reason"));
      if (!r) return r.error();
      audit_write(ctx, "update", "enrolment", e.id, fmt::format("transfert au référent {}", *referent));
      return {};
    });
  });

  app.route("POST", "/participants/{id}/difficulties", followers, [](Ctx& ctx) {
    auto p = load_participant(ctx, path_id(ctx));
    FormState state{"difficulty", 0, {}, form_values(ctx, {"identified_on", "notes"})};
    DifficultyInput in{ctx.form("kind"), ctx.form("sub_kind"), ctx.form("partner_organisation_id"),
                       ctx.form("identified_on"), ctx.form("notes")};
    // Recording a sensitive difficulty is for those who may read it.
    if (is_sensitive_difficulty(in.kind) && !may_see_sensitive(ctx, p, enrolments_of(ctx.db(), p.id))) {
      state.errors = {{"kind", "Choisissez une difficulté dans la liste."}};
      return file_page(ctx, p, &state, 422);
    }
    return file_write(ctx, p, state, "La difficulté a été enregistrée.", [&]() -> web::Errors {
      auto id = add_difficulty(ctx.db(), p.id, in, ctx.user().id);
      if (!id) return id.error();
      audit_write(ctx, "create", "difficulty", *id, fmt::format("participant {}", p.id));
      return {};
    });
  });

  app.route("POST", "/participants/{id}/difficulties/{did}/status", followers, [](Ctx& ctx) {
    auto p = load_participant(ctx, path_id(ctx));
    auto did = path_id(ctx, "did");
    auto owner = difficulty_owner(ctx.db(), did);
    if (!owner || owner->participant_id != p.id) throw web::NotFound{};
    if (owner->sensitive && !may_see_sensitive(ctx, p, enrolments_of(ctx.db(), p.id))) throw web::NotFound{};
    FormState state{"difficulty_status", did, {}, form_values(ctx, {"reason"})};
    return file_write(ctx, p, state, "Le suivi de la difficulté a été mis à jour.", [&]() -> web::Errors {
      auto r = change_difficulty_status(ctx.db(), did, ctx.form("transition"), ctx.form("partner_organisation_id"),
                                        ctx.user().id, ctx.form("reason"));
      if (!r) return r.error();
      audit_write(ctx, "update", "difficulty", did, *r);
      return {};
    });
  });

  app.route("POST", "/participants/{id}/assessments", followers, [](Ctx& ctx) {
    auto p = load_participant(ctx, path_id(ctx));
    FormState state{"assessment", 0, {}, form_values(ctx, {"assessed_on"})};
    return file_write(ctx, p, state, "L'évaluation de l'autonomie numérique a été enregistrée.", [&]() -> web::Errors {
      AssessmentInput in{ctx.form("assessed_on"), ctx.form("equipment"), ctx.form("connection"), ctx.form("email"),
                         ctx.form("online_procedures"), ctx.form("reading_writing")};
      auto id = add_assessment(ctx.db(), p.id, in, ctx.user().id);
      if (!id) return id.error();
      audit_write(ctx, "create", "assessment", *id, fmt::format("participant {}", p.id));
      return {};
    });
  });

  app.route("POST", "/participants/{id}/resources", followers, [](Ctx& ctx) {
    auto p = load_participant(ctx, path_id(ctx));
    FormState state{"resource", 0, {}, form_values(ctx, {"sent_on", "title", "link"})};
    return file_write(ctx, p, state, "L'envoi de la ressource a été enregistré.", [&]() -> web::Errors {
      ResourceInput in{ctx.form("sent_on"), ctx.form("title"), ctx.form("link"), ctx.form("channel")};
      auto id = add_resource(ctx.db(), p.id, in, ctx.user().id);
      if (!id) return id.error();
      audit_write(ctx, "create", "resource_sent", *id, fmt::format("participant {}", p.id));
      return {};
    });
  });

  app.route("POST", "/participants/{id}/steps", followers, [](Ctx& ctx) {
    auto p = load_participant(ctx, path_id(ctx));
    FormState state{"step", 0, {}, form_values(ctx, {"start_date", "end_date", "place", "notes"})};
    return file_write(ctx, p, state, "L'étape du parcours a été enregistrée.", [&]() -> web::Errors {
      auto eid = to_id(ctx.form("enrolment_id"));
      if (!eid) return {{"enrolment_id", "Choisissez le parcours."}};
      auto e = enrolment_of(ctx, p, *eid);
      StepInput in{ctx.form("kind"), ctx.form("start_date"), ctx.form("end_date"), ctx.form("place"), ctx.form("notes")};
      auto id = add_step(ctx.db(), e.id, in);
      if (!id) return id.error();
      audit_write(ctx, "create", "step", *id, fmt::format("participant {}", p.id));
      return {};
    });
  });

  app.route("POST", "/participants/{id}/pass", followers, [](Ctx& ctx) {
    auto p = load_participant(ctx, path_id(ctx));
    FormState state{"pass", 0, {}, form_values(ctx, {"number", "start_date"})};
    return file_write(ctx, p, state, "Le PASS IAE a été enregistré.", [&]() -> web::Errors {
      auto eid = to_id(ctx.form("enrolment_id"));
      if (!eid) return {{"enrolment_id", "Choisissez le parcours."}};
      auto e = enrolment_of(ctx, p, *eid);
      auto id = create_pass(ctx.db(), e.id, ctx.form("number"), ctx.form("start_date"));
      if (!id) return id.error();
      audit_write(ctx, "create", "pass_iae", *id, fmt::format("participant {}", p.id));
      return {};
    });
  });

  app.route("POST", "/participants/{id}/pass/{pid}/periods", followers, [](Ctx& ctx) {
    auto p = load_participant(ctx, path_id(ctx));
    auto pid = path_id(ctx, "pid");
    auto passes = passes_of(ctx.db(), p.id);
    if (std::ranges::none_of(passes, [&](const PassRecord& r) { return r.id == pid; })) throw web::NotFound{};
    FormState state{"pass_period", pid, {}, form_values(ctx, {"start", "end"})};
    return file_write(ctx, p, state, "La période du PASS IAE a été enregistrée.", [&]() -> web::Errors {
      auto choice = ctx.form("reason");
      auto colon = choice.find(':');
      PassPeriodInput in;
      if (colon != std::string::npos) {
        in.kind = choice.substr(0, colon);
        in.reason = choice.substr(colon + 1);
      }
      in.start_date = ctx.form("start");
      in.end_date = ctx.form("end");
      auto id = add_pass_period(ctx.db(), pid, in, ctx.user().id);
      if (!id) {
        // The page has one list for kind and reason ("suspension:SICKNESS"): its error goes next to it.
        auto errors = id.error();
        for (auto& e : errors)
          if (e.field == "kind") e = {"reason", "Choisissez le motif de la suspension ou de la prolongation."};
        return errors;
      }
      audit_write(ctx, "create", "pass_iae_period", *id, fmt::format("PASS {} : {}", pid, choice));
      return {};
    });
  });

  // ---- Programmes
  app.route("GET", "/programmes", managers, [](Ctx& ctx) { return programmes_page(ctx, nullptr, 200); });
  app.route("POST", "/programmes", managers, [](Ctx& ctx) {
    ProgrammeInput in{ctx.form("name"), ctx.form("kind"), ctx.form("cadence_days"), ctx.form("max_duration_months")};
    FormState state{"programme", 0, {}, form_values(ctx, {"name", "cadence_days", "max_duration_months"})};
    auto org = to_id(ctx.form("organisation_id"));
    if (!org || !network::get_organisation(ctx.db(), programme_scope(ctx), *org)) {
      state.errors = validate_programme(in);
      state.errors.push_back({"organisation_id", "Choisissez la structure qui porte le programme."});
      return programmes_page(ctx, &state, 422);
    }
    {
      db::Transaction tx(ctx.db());
      auto id = create_programme(ctx.db(), *org, in);
      if (id) {
        audit_write(ctx, "create", "programme", *id, text::trim(in.name));
        tx.commit();
        ctx.flash("Le programme a été créé.");
        return http::Response::redirect("/programmes");
      }
      state.errors = id.error();
    }
    return programmes_page(ctx, &state, 422);
  });
  app.route("POST", "/programmes/{id}/phases", managers, [](Ctx& ctx) {
    auto prog = managed_programme(ctx);
    FormState state{"phase", prog.id, {}, form_values(ctx, {"name"})};
    {
      db::Transaction tx(ctx.db());
      auto id = add_phase(ctx.db(), prog.id, ctx.form("name"));
      if (id) {
        audit_write(ctx, "create", "phase", *id, fmt::format("programme {}", prog.id));
        tx.commit();
        ctx.flash("La phase a été ajoutée.");
        return http::Response::redirect("/programmes");
      }
      state.errors = id.error();
    }
    return programmes_page(ctx, &state, 422);
  });
  app.route("POST", "/programmes/{id}/cohorts", managers, [](Ctx& ctx) {
    auto prog = managed_programme(ctx);
    FormState state{"cohort", prog.id, {}, form_values(ctx, {"name", "start_date"})};
    {
      db::Transaction tx(ctx.db());
      auto id = add_cohort(ctx.db(), prog.id, ctx.form("name"), ctx.form("start_date"));
      if (id) {
        audit_write(ctx, "create", "cohort", *id, fmt::format("programme {}", prog.id));
        tx.commit();
        ctx.flash("La promotion a été ajoutée.");
        return http::Response::redirect("/programmes");
      }
      state.errors = id.error();
    }
    return programmes_page(ctx, &state, 422);
  });

  // ---- Supervision
  app.route("GET", "/supervision", supervisors, [](Ctx& ctx) { return supervision_page(ctx, nullptr, 200); });
  app.route("POST", "/supervision/points", supervisors, [](Ctx& ctx) {
    FormState state{"checkin", 0, {}, form_values(ctx, {"on_date", "notes"})};
    auto referent = to_id(ctx.form("referent_id"));
    auto workload = referent_workload(ctx.db(), ctx.user().scope_roots({"supervisor"}), paris_today());
    if (!referent ||
        std::ranges::none_of(workload, [&](const Workload& w) { return w.referent_id == *referent; })) {
      state.errors = {{"referent_id", "Choisissez un·e référent·e de votre périmètre."}};
      return supervision_page(ctx, &state, 422);
    }
    {
      db::Transaction tx(ctx.db());
      auto id = log_checkin(ctx.db(), ctx.user().id, *referent, ctx.form("on_date"), ctx.form("notes"));
      if (id) {
        audit_write(ctx, "create", "checkin", *id, fmt::format("référent {}", *referent));
        tx.commit();
        ctx.flash("Le point quotidien a été enregistré.");
        return http::Response::redirect("/supervision");
      }
      state.errors = id.error();
    }
    return supervision_page(ctx, &state, 422);
  });

  // ---- Dashboard
  app.route("GET", "/tableau-de-bord", followers, [](Ctx& ctx) { return dashboard_route(ctx, ""); });
  app.route("GET", "/tableau-de-bord/export.csv", followers, [](Ctx& ctx) { return dashboard_route(ctx, "csv"); });
  app.route("GET", "/tableau-de-bord/export.xlsx", followers, [](Ctx& ctx) { return dashboard_route(ctx, "xlsx"); });
  app.route("GET", "/tableau-de-bord/esf.csv", followers, [](Ctx& ctx) { return esf_export(ctx, "csv"); });
  app.route("GET", "/tableau-de-bord/esf.xlsx", followers, [](Ctx& ctx) { return esf_export(ctx, "xlsx"); });
}

}  // namespace passerelle::followup
