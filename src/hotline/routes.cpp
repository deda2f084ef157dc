// Pages of the hotline (French): the staff queue (filters, search, keyset
// pagination, export) or the member's "Mes questions"; "Poser une question"
// (FAQ suggestions as the subject is typed, and on the page sent back with
// errors); the question page (thread, internal notes for staff, state buttons,
// assignment, attachments, rating); the category tree (admin); the FAQ; the report.
#include <fmt/format.h>

#include "core/auth/audit.hpp"
#include "core/web/download.hpp"
#include "core/web/input.hpp"
#include "core/web/text.hpp"
#include "hotline/routes.hpp"
#include "network/model.hpp"
#include "resources/store.hpp"

namespace passerelle::hotline {
namespace {

using web::Ctx;
namespace json = boost::json;

web::Access readers() { return web::Access::roles_in({"admin", "network", "member"}); }
web::Access staff() { return web::Access::roles_in({"admin", "network"}); }
web::Access admins() { return web::Access::roles_in({"admin"}); }

template <std::size_t N>
json::array choices(const std::array<Label, N>& table, const std::string& selected) {
  json::array out;
  for (auto& l : table)
    out.push_back(json::object{{"code", l.code}, {"label", l.label}, {"selected", l.code == selected}});
  return out;
}

// `offered_only`: the categories proposed for a new question (the list
// filters and the category tree show retired ones too).
json::array category_choices(Ctx& ctx, const std::string& selected, bool offered_only = false) {
  json::array out;
  for (auto& c : list_categories(ctx.db()))
    if (c.offered || !offered_only)
    out.push_back(json::object{{"id", c.id},
                               {"label", c.label},
                               {"selected", std::to_string(c.id) == selected}});
  return out;
}

void put_errors(json::object& data, const web::Errors& errors) {
  for (auto& [k, v] : web::errors_json(errors)) data[k] = v;
}

std::string sla_class(Sla s) { return s == Sla::late ? "late" : s == Sla::soon ? "soon" : ""; }

json::object question_row(const Question& q, const std::string& now, const Calendar& cal) {
  auto sla = sla_status(cal, q.next_due, now);
  return {{"id", q.id},
          {"subject", q.subject},
          {"organisation_name", q.organisation_name},
          {"category", q.category_label},
          {"state_label", label_of(kStates, q.state)},
          {"priority_label", label_of(kPriorities, q.priority)},
          {"urgent", q.priority != "normal"},
          {"assignee_name", q.assignee_name},
          {"created", web::french_datetime(q.created_at)},
          {"due", q.next_due == kNoDue ? std::string() : web::french_datetime(q.next_due)},
          {"sla_label", sla_label(sla)},
          {"sla_class", sla_class(sla)},
          {"rated", q.rating.has_value()}};
}

json::array suggestions_json(Ctx& ctx, const std::string& subject) {
  json::array out;
  if (text::trim(subject).empty()) return out;
  for (auto& e : similar_faq(ctx.db(), subject, 5))
    out.push_back(json::object{{"id", e.id}, {"title", e.title}, {"category", e.category_label}});
  return out;
}

// ---- Lists ------------------------------------------------------------------------------------

QuestionFilter queue_filter(Ctx& ctx) {
  QuestionFilter f;
  f.q = ctx.req.query("q");
  f.state = ctx.req.query("etat");
  if (!f.state.empty() && !is_code(kStates, f.state)) f.state.clear();
  f.category_id = web::to_id(ctx.req.query("categorie"));
  auto who = ctx.req.query("attribuee");
  if (who == "moi") f.assignee_id = ctx.user().id;
  else if (who == "aucune") f.unassigned = true;
  f.late = ctx.req.query("retard") == "1";
  f.now = auth::now_utc();
  return f;
}

std::string keep_query(Ctx& ctx) {
  std::string out;
  for (auto n : {"q", "etat", "categorie", "attribuee", "retard"}) {
    auto v = ctx.req.query(n);
    if (!v.empty()) out += fmt::format("{}{}={}", out.empty() ? "" : "&", n, http::url_encode(v));
  }
  return out;
}

http::Response list_page(Ctx& ctx) {
  bool staff_view = is_staff(ctx);
  auto f = queue_filter(ctx);
  f.newest_first = !staff_view;
  f.limit = 25;
  auto access = access_of(ctx);
  bool paged = false;
  if (auto after = web::to_id(ctx.req.query("apres"))) {
    if (auto q = get_question(ctx.db(), access, *after)) {
      f.after_due = q->next_due;
      f.after_id = q->id;
      paged = true;
    }
  }
  auto items = list_questions(ctx.db(), access, f);
  auto cal = load_calendar(ctx.db());
  json::array rows;
  for (auto& q : items) rows.push_back(question_row(q, f.now, cal));
  auto keep = keep_query(ctx);
  std::string next;
  if (static_cast<int>(items.size()) == f.limit)
    next = fmt::format("/questions?{}{}apres={}", keep, keep.empty() ? "" : "&", items.back().id);
  auto who = ctx.req.query("attribuee");
  json::object data{{"title", staff_view ? "Hotline : questions à traiter" : "Mes questions"},
                    {"staff", staff_view},
                    {"items", std::move(rows)},
                    {"empty", items.empty()},
                    {"q", f.q},
                    {"states", choices(kStates, f.state)},
                    {"categories", category_choices(ctx, ctx.req.query("categorie"))},
                    {"mine", who == "moi"},
                    {"unassigned", who == "aucune"},
                    {"late", f.late},
                    {"paged", paged},
                    {"first", "/questions" + (keep.empty() ? "" : "?" + keep)},
                    {"export_query", keep},
                    {"next", next}};
  return web::page(ctx, "hotline/list", std::move(data));
}

http::Response export_queue(Ctx& ctx) {
  auto f = queue_filter(ctx);
  f.limit = 500;
  auto access = access_of(ctx);
  auto cal = load_calendar(ctx.db());
  std::vector<std::vector<std::string>> rows{{"Numéro", "Reçue le", "Structure", "Région", "Catégorie", "Objet",
                                              "Canal", "Priorité", "État", "Attribuée à", "Échéance", "SLA",
                                              "Première réponse (heures ouvrées)", "Résolution (heures ouvrées)"}};
  auto hours = [](const std::optional<std::int64_t>& m) {
    return m ? fmt::format("{:.1f}", static_cast<double>(*m) / 60.0) : std::string();
  };
  // The whole filtered list, page after page (the queue's keyset).
  for (int guard = 0; guard < 400; ++guard) {
    auto items = list_questions(ctx.db(), access, f);
    for (auto& q : items) {
      auto* region = network::find_region(q.region);
      rows.push_back({std::to_string(q.id), web::french_datetime(q.created_at), q.organisation_name,
                      region ? std::string(region->name) : q.region, q.category_label, q.subject,
                      std::string(label_of(kChannels, q.channel)), std::string(label_of(kPriorities, q.priority)),
                      std::string(label_of(kStates, q.state)), q.assignee_name,
                      q.next_due == kNoDue ? "" : web::french_datetime(q.next_due),
                      std::string(sla_label(sla_status(cal, q.next_due, f.now))), hours(q.first_response_minutes),
                      hours(q.resolution_minutes)});
    }
    if (static_cast<int>(items.size()) < f.limit) break;
    f.after_due = items.back().next_due;
    f.after_id = items.back().id;
  }
  return web::download(ctx, "question", "Questions", "questions-hotline", ctx.req.query("format"), rows);
}

// ---- Asking ------------------------------------------------------------------------------------

QuestionInput input_from_form(Ctx& ctx) {
  QuestionInput in;
  in.organisation_id = ctx.form("organisation_id");
  in.contact_id = ctx.form("contact_id");
  in.category_id = ctx.form("category_id");
  in.channel = is_staff(ctx) ? ctx.form("channel") : "form";
  in.priority = ctx.form("priority");
  in.subject = ctx.form("subject");
  in.body = ctx.form("body");
  return in;
}

http::Response ask_page(Ctx& ctx, QuestionInput in, const web::Errors& errors, int status) {
  bool staff_view = is_staff(ctx);
  json::array organisations, contacts;
  std::vector<std::pair<std::int64_t, std::string>> orgs;
  if (staff_view) {
    db::Params params;
    auto sql = "SELECT o.id, o.name FROM organisations o WHERE o.kind NOT IN ('federation', 'delegation') AND " +
               network::scope_condition(access_of(ctx).manage, params, "o.path") + " ORDER BY o.sort_name, o.id LIMIT 500";
    for (auto& r : ctx.db().query(sql, params).rows) orgs.emplace_back(r.integer(0), r.text(1));
  } else {
    orgs = member_organisations(ctx);
    if (in.organisation_id.empty() && !orgs.empty()) in.organisation_id = std::to_string(orgs[0].first);
  }
  for (auto& [id, name] : orgs)
    organisations.push_back(
        json::object{{"id", id}, {"label", name}, {"selected", std::to_string(id) == in.organisation_id}});
  if (!staff_view)
    for (auto& [id, name] : orgs)
      for (auto& c : network::contacts_of_organisation(ctx.db(), id))
        contacts.push_back(json::object{{"id", c.id},
                                        {"label", fmt::format("{} {} ({})", c.first_name, c.last_name, name)},
                                        {"selected", std::to_string(c.id) == in.contact_id}});
  auto suggestions = suggestions_json(ctx, in.subject);
  json::object data{{"title", "Poser une question"},
                    {"staff", staff_view},
                    {"organisations", std::move(organisations)},
                    {"one_organisation", orgs.size() == 1},
                    {"organisation_name", orgs.size() == 1 ? orgs[0].second : std::string()},
                    {"has_contacts", !contacts.empty()},
                    {"contacts", std::move(contacts)},
                    {"categories", category_choices(ctx, in.category_id, true)},
                    {"channels", choices(kChannels, in.channel.empty() ? "phone" : in.channel)},
                    {"priorities", choices(kPriorities, in.priority.empty() ? "normal" : in.priority)},
                    {"values", json::object{{"organisation_id", in.organisation_id},
                                            {"subject", in.subject},
                                            {"body", in.body}}},
                    {"has_suggestions", !suggestions.empty()},
                    {"suggestions", std::move(suggestions)}};
  put_errors(data, errors);
  return web::page(ctx, "hotline/form", std::move(data), status);
}

http::Response ask_post(Ctx& ctx) {
  auto in = input_from_form(ctx);
  if (!is_staff(ctx)) {
    // A member asks for one of their organisations only.
    auto mine = member_organisations(ctx);
    if (in.organisation_id.empty() && mine.size() == 1) in.organisation_id = std::to_string(mine[0].first);
  }
  std::int64_t id = 0;
  auto errors = create_question_from(ctx, in, ctx.file("file"), id);
  if (!errors.empty()) return ask_page(ctx, in, errors, 422);
  ctx.flash("Votre question est enregistrée. L'équipe de la délégation vous répondra ici.");
  return http::Response::redirect(fmt::format("/questions/{}", id));
}

// ---- The question page ------------------------------------------------------------------------

struct Typed {
  std::string reply, then, note, comment, score;
};

http::Response question_page(Ctx& ctx, std::int64_t id, const Typed& typed, const web::Errors& errors, int status) {
  auto q = question_or_404(ctx, id);
  auto cal = load_calendar(ctx.db());
  auto now = auth::now_utc();
  auto data = question_row(q, now, cal);
  data["title"] = q.subject;
  data["body"] = q.body;
  data["contact_name"] = q.contact_name;
  data["channel_label"] = label_of(kChannels, q.channel);
  data["state"] = q.state;
  data["managed"] = q.managed;
  data["first_response_due"] = web::french_datetime(q.first_response_due);
  data["resolution_due"] = web::french_datetime(q.resolution_due);
  data["first_response_at"] = q.first_response_at ? web::french_datetime(*q.first_response_at) : "";
  data["first_response_time"] = q.first_response_minutes ? business_duration_label(*q.first_response_minutes) : "";
  data["resolved_at"] = q.resolved_at ? web::french_datetime(*q.resolved_at) : "";
  data["resolution_time"] = q.resolution_minutes ? business_duration_label(*q.resolution_minutes) : "";
  json::array replies, notes;
  for (auto& m : messages_of(ctx.db(), q.id, q.managed)) {
    json::object x{{"author", m.author_name.empty() ? (m.by_staff ? "Équipe de la délégation" : "Adhérent")
                                                    : m.author_name},
                   {"by_staff", m.by_staff},
                   {"when", web::french_datetime(m.created_at)},
                   {"body", m.body}};
    (m.kind == "note" ? notes : replies).push_back(std::move(x));
  }
  data["has_replies"] = !replies.empty();
  data["replies"] = std::move(replies);
  if (q.managed) {
    data["has_notes"] = !notes.empty();
    data["notes"] = std::move(notes);
  }
  json::array attachments;
  for (auto& a : attachments_of(ctx.db(), q.id))
    attachments.push_back(json::object{{"id", a.id},
                                       {"question_id", q.id},
                                       {"filename", a.filename},
                                       {"size", fmt::format("{:.0f} ko", static_cast<double>(a.size) / 1024.0 + 0.5)}});
  data["has_attachments"] = !attachments.empty();
  data["attachments"] = std::move(attachments);
  json::array history;
  for (auto& h : history_of(ctx.db(), q.id))
    history.push_back(json::object{{"when", web::french_datetime(h.at)},
                                   {"from", h.from_state.empty() ? "" : std::string(label_of(kStates, h.from_state))},
                                   {"to", label_of(kStates, h.to_state)},
                                   {"who", h.user_name}});
  data["history"] = std::move(history);
  json::array transitions;
  for (auto& l : kStates)
    if (transition_allowed(q.state, l.code, q.managed))
      transitions.push_back(json::object{
          {"code", l.code},
          {"label", q.state == "closed" && l.code == "open" ? std::string("Rouvrir la question")
                                                            : fmt::format("Passer à « {} »", l.label)}});
  data["has_transitions"] = !transitions.empty();
  data["transitions"] = std::move(transitions);
  if (q.managed) {
    json::array team;
    for (auto& s : staff_for(ctx.db(), q.organisation_path))
      team.push_back(json::object{{"id", s.id}, {"name", s.name}, {"selected", q.assignee_id == s.id}});
    data["team"] = std::move(team);
    json::array then;
    then.push_back(json::object{{"code", ""}, {"label", "Garder l'état actuel"}, {"selected", typed.then.empty()}});
    for (auto code : {"answered", "waiting"})
      if (transition_allowed(q.state, code, true))
        then.push_back(json::object{{"code", code},
                                    {"label", fmt::format("Puis passer à « {} »", label_of(kStates, code))},
                                    {"selected", typed.then == code}});
    data["then"] = std::move(then);
  }
  data["can_rate"] = !q.managed && q.state == "closed" && !q.rating;
  data["rating"] = q.rating ? json::value(*q.rating) : json::value(nullptr);
  data["has_rating"] = q.rating.has_value();
  data["rating_comment"] = q.rating_comment;
  json::array scores;
  for (int s = 5; s >= 1; --s)
    scores.push_back(json::object{{"value", s}, {"checked", typed.score == std::to_string(s)}});
  data["scores"] = std::move(scores);
  data["values"] = json::object{{"reply", typed.reply}, {"note", typed.note}, {"comment", typed.comment}};
  put_errors(data, errors);
  return web::page(ctx, "hotline/question", std::move(data), status);
}

http::Response after_write(Ctx& ctx, const Question& q, const web::Errors& errors, const Typed& typed,
                           const std::string& done) {
  if (!errors.empty()) return question_page(ctx, q.id, typed, errors, 422);
  ctx.flash(done);
  return http::Response::redirect(fmt::format("/questions/{}", q.id));
}

// ---- Categories (admin) --------------------------------------------------------------------------

http::Response categories_page(Ctx& ctx, const CategoryInput& typed, std::optional<std::int64_t> editing,
                               const web::Errors& errors, int status) {
  json::array rows;
  for (auto& c : list_categories(ctx.db()))
    rows.push_back(json::object{{"id", c.id},
                                {"name", c.name},
                                {"label", c.label},
                                {"indent", c.depth > 0},
                                {"first_response", business_duration_label(c.first_response_minutes)},
                                {"resolution", business_duration_label(c.resolution_minutes)},
                                {"first_response_hours", fmt::format("{:g}", c.first_response_minutes / 60.0)},
                                {"resolution_hours", fmt::format("{:g}", c.resolution_minutes / 60.0)},
                                {"position", c.position},
                                {"retired", !c.offered},
                                {"parent_id", c.parent_id ? std::to_string(*c.parent_id) : std::string()}});
  json::object data{{"title", "Catégories de la hotline"},
                    {"calendar", describe_calendar(load_calendar(ctx.db()))},
                    {"categories", std::move(rows)},
                    {"parents", category_choices(ctx, typed.parent_id)},
                    {"action", editing ? fmt::format("/questions/categories/{}", *editing)
                                       : std::string("/questions/categories")},
                    {"editing", editing.has_value()},
                    {"values", json::object{{"name", typed.name},
                                            {"first_response_hours", typed.first_response_hours},
                                            {"resolution_hours", typed.resolution_hours},
                                            {"position", typed.position},
                                            {"active", typed.active == "1"}}}};
  put_errors(data, errors);
  return web::page(ctx, "hotline/categories", std::move(data), status);
}

http::Response save_category(Ctx& ctx, std::optional<std::int64_t> id) {
  if (id && !get_category(ctx.db(), *id)) throw web::NotFound{};
  CategoryInput in{ctx.form("name"), ctx.form("parent_id"), ctx.form("first_response_hours"),
                   ctx.form("resolution_hours"), ctx.form("position"), ctx.form("active").empty() ? "0" : "1"};
  CategoryValues v;
  auto errors = validate_category(in, v);
  if (v.parent_id && !get_category(ctx.db(), *v.parent_id)) errors.push_back({"parent_id", "Catégorie parente inconnue."});
  if (id && v.parent_id == id) errors.push_back({"parent_id", "Une catégorie ne peut pas être sa propre parente."});
  if (!errors.empty()) return categories_page(ctx, in, id, errors, 422);
  db::Transaction tx(ctx.db());
  std::int64_t saved = id ? *id : create_category(ctx.db(), v);
  if (id) update_category(ctx.db(), *id, v);
  audit::record(ctx.db(), ctx.user().id, id ? "update" : "create", "hotline_category", saved, v.name,
                ctx.req.remote_addr);
  tx.commit();
  ctx.flash(id ? "La catégorie est modifiée." : "La catégorie est ajoutée.");
  return http::Response::redirect("/questions/categories");
}

// ---- Business hours (admin) ----------------------------------------------------------------------

WeekInput week_of_calendar(const Calendar& cal) {
  WeekInput week(7, std::vector<SpanInput>(kSpansPerDay));
  std::vector<int> used(8, 0);
  for (auto& span : cal.spans) {
    if (span.weekday < 1 || span.weekday > 7 || used[span.weekday] >= kSpansPerDay) continue;
    week[span.weekday - 1][used[span.weekday]++] = {clock_value(span.opens), clock_value(span.closes)};
  }
  return week;
}

http::Response hours_page(Ctx& ctx, const WeekInput& typed, const Calendar& saved, const web::Errors& errors,
                          int status) {
  json::array days;
  for (int wd = 1; wd <= 7; ++wd) {
    json::array spans;
    for (int k = 1; k <= kSpansPerDay; ++k) {
      const auto& in = typed[wd - 1][k - 1];
      auto field = fmt::format("d{}_{}_", wd, k);
      auto error_of = [&](const std::string& name) {
        auto e = web::find_error(errors, name);
        return e ? json::value(e->message) : json::value(nullptr);
      };
      spans.push_back(json::object{{"k", k},
                                   {"opens_name", field + "opens"},
                                   {"closes_name", field + "closes"},
                                   {"opens", in.opens},
                                   {"closes", in.closes},
                                   {"opens_error", error_of(field + "opens")},
                                   {"closes_error", error_of(field + "closes")}});
    }
    days.push_back(json::object{{"name", std::string(weekday_name(wd))}, {"spans", std::move(spans)}});
  }
  json::object data{{"title", "Horaires de la hotline"},
                    {"days", std::move(days)},
                    {"current", describe_calendar(saved)}};
  put_errors(data, errors);
  return web::page(ctx, "hotline/hours", std::move(data), status);
}

http::Response save_hours(Ctx& ctx) {
  WeekInput typed(7, std::vector<SpanInput>(kSpansPerDay));
  for (int wd = 1; wd <= 7; ++wd)
    for (int k = 1; k <= kSpansPerDay; ++k)
      typed[wd - 1][k - 1] = {ctx.form(fmt::format("d{}_{}_opens", wd, k)),
                              ctx.form(fmt::format("d{}_{}_closes", wd, k))};
  Calendar cal;
  auto errors = validate_calendar(typed, cal);
  if (!errors.empty()) return hours_page(ctx, typed, load_calendar(ctx.db()), errors, 422);
  db::Transaction tx(ctx.db());
  save_calendar(ctx.db(), cal);
  audit::record(ctx.db(), ctx.user().id, "update", "hotline_business_hours", 0, describe_calendar(cal),
                ctx.req.remote_addr);
  tx.commit();
  ctx.flash("Les horaires sont enregistrés : ils comptent pour les questions posées à partir de maintenant.");
  return http::Response::redirect("/questions/horaires");
}

// ---- FAQ ---------------------------------------------------------------------------------------

http::Response faq_list_page(Ctx& ctx) {
  bool staff_view = is_staff(ctx);
  auto q = ctx.req.query("q");
  auto after = web::to_id(ctx.req.query("apres")).value_or(0);
  auto items = list_faq(ctx.db(), q, staff_view, after, 20);
  json::array rows;
  for (auto& e : items)
    rows.push_back(json::object{{"id", e.id},
                                {"title", e.title},
                                {"category", e.category_label},
                                {"draft", e.status == "draft"}});
  std::string next;
  if (items.size() == 20)
    next = fmt::format("/faq?{}apres={}", q.empty() ? "" : "q=" + http::url_encode(q) + "&", items.back().id);
  json::object data{{"title", "Foire aux questions"},
                    {"staff", staff_view},
                    {"q", q},
                    {"items", std::move(rows)},
                    {"empty", items.empty()},
                    {"paged", after != 0},
                    {"next", next}};
  return web::page(ctx, "hotline/faq_list", std::move(data));
}

http::Response faq_form(Ctx& ctx, const FaqInput& in, std::optional<std::int64_t> id, const std::string& source,
                        const web::Errors& errors, int status) {
  json::object data{{"title", id ? "Modifier l'entrée de FAQ" : "Nouvelle entrée de FAQ"},
                    {"action", id ? fmt::format("/faq/{}", *id) : std::string("/faq")},
                    {"categories", category_choices(ctx, in.category_id)},
                    {"source", source},
                    {"from_question", !source.empty()},
                    {"values", json::object{{"title", in.title}, {"answer", in.answer}}}};
  // Resources of the library staff may link to the answer (issue 6, table faq_resources).
  std::vector<std::int64_t> linked = ctx.form_all("resource_ids").empty() && id
                                         ? resources::faq_resource_ids(ctx.db(), *id)
                                         : std::vector<std::int64_t>{};
  for (auto& raw : ctx.form_all("resource_ids"))
    if (auto rid = web::to_id(raw)) linked.push_back(*rid);
  json::array picks;
  for (auto& r : resources::pickable_resources(ctx.db(), resources::reader_for(ctx.db(), &ctx.user())))
    picks.push_back(json::object{{"id", r.id},
                                 {"title", r.title},
                                 {"checked", std::count(linked.begin(), linked.end(), r.id) > 0}});
  data["has_resources"] = !picks.empty();
  data["resources"] = std::move(picks);
  put_errors(data, errors);
  return web::page(ctx, "hotline/faq_form", std::move(data), status);
}

// A draft from a question: its subject and the staff's replies, every name of
// the organisation and of the people of the thread taken out.
http::Response faq_from_question(Ctx& ctx) {
  FaqInput in;
  std::string source;
  if (auto qid = web::to_id(ctx.req.query("question"))) {
    auto q = managed_or_404(ctx, *qid);
    std::vector<std::string> names{q.organisation_name, q.contact_name, q.assignee_name};
    std::string answer;
    for (auto& m : messages_of(ctx.db(), q.id, false)) {
      names.push_back(m.author_name);
      if (m.by_staff) answer += (answer.empty() ? "" : "\n\n") + m.body;
    }
    in.title = anonymise(q.subject, names);
    in.answer = anonymise(answer, names);
    in.category_id = std::to_string(q.category_id);
    source = std::to_string(q.id);
  }
  return faq_form(ctx, in, std::nullopt, source, {}, 200);
}

http::Response faq_save(Ctx& ctx, std::optional<std::int64_t> id) {
  if (id && !get_faq(ctx.db(), *id, true)) throw web::NotFound{};
  FaqInput in{ctx.form("title"), ctx.form("answer"), ctx.form("category_id")};
  auto source = ctx.form("source_question_id");
  auto errors = validate_faq(in);
  FaqValues v{text::trim(in.title), text::trim(in.answer), web::to_id(in.category_id), std::nullopt};
  if (v.category_id && !get_category(ctx.db(), *v.category_id)) errors.push_back({"category_id", "Catégorie inconnue."});
  if (!source.empty()) {
    auto sid = web::to_id(source);
    if (sid && get_question(ctx.db(), {access_of(ctx).manage, {}}, *sid)) v.source_question_id = sid;
  }
  if (!errors.empty()) return faq_form(ctx, in, id, source, errors, 422);
  bool publish = ctx.form("publish") == "1";
  db::Transaction tx(ctx.db());
  auto now = auth::now_utc();
  std::int64_t saved = 0;
  if (id) {
    update_faq(ctx.db(), *id, v, now);
    if (publish) publish_faq(ctx.db(), *id, ctx.user().id, now);
    saved = *id;
  } else {
    saved = create_faq(ctx.db(), v, ctx.user().id, now, publish);
  }
  std::vector<std::int64_t> linked;
  for (auto& raw : ctx.form_all("resource_ids"))
    if (auto rid = web::to_id(raw)) linked.push_back(*rid);
  resources::link_faq_resources(ctx.db(), resources::reader_for(ctx.db(), &ctx.user()), saved, linked);
  audit::record(ctx.db(), ctx.user().id, id ? "update" : "create", "faq_entry", saved,
                publish ? "publiée" : "brouillon", ctx.req.remote_addr);
  tx.commit();
  ctx.flash(publish ? "L'entrée est publiée dans la FAQ." : "Le brouillon est enregistré ; il n'est pas encore publié.");
  return http::Response::redirect(fmt::format("/faq/{}", saved));
}

// ---- Report ------------------------------------------------------------------------------------

std::string minutes_label(const std::optional<std::int64_t>& m) { return m ? business_duration_label(*m) : "—"; }

http::Response report_page(Ctx& ctx) {
  auto f = report_filter(ctx);
  auto rep = hotline_report(ctx.db(), access_of(ctx).manage, f);
  auto format = ctx.req.query("format");
  if (format == "csv" || format == "xlsx") {
    std::vector<std::vector<std::string>> rows{{"Rubrique", "Libellé", "Valeur"}};
    rows.push_back({"Période", "Du", f.from});
    rows.push_back({"Période", "Au", f.to});
    rows.push_back({"Total", "Questions reçues", std::to_string(rep.questions)});
    rows.push_back({"Total", "Questions en attente à la fin de la période", std::to_string(rep.backlog)});
    auto mins = [](const std::optional<std::int64_t>& m) { return m ? std::to_string(*m) : std::string(); };
    rows.push_back({"Délais (minutes ouvrées)", "Première réponse : médiane", mins(rep.median_first_response)});
    rows.push_back({"Délais (minutes ouvrées)", "Première réponse : 90e centile", mins(rep.p90_first_response)});
    rows.push_back({"Délais (minutes ouvrées)", "Résolution : médiane", mins(rep.median_resolution)});
    rows.push_back({"Délais (minutes ouvrées)", "Résolution : 90e centile", mins(rep.p90_resolution)});
    for (auto& c : rep.by_category) rows.push_back({"Catégorie", c.label, std::to_string(c.count)});
    for (auto& w : rep.by_week) rows.push_back({"Semaine du", w.label, std::to_string(w.count)});
    for (auto& r : rep.by_region) {
      rows.push_back({"Région : questions", r.name, std::to_string(r.questions)});
      rows.push_back({"Région : en attente", r.name, std::to_string(r.backlog)});
    }
    return web::download(ctx, "hotline_report", "Hotline", fmt::format("rapport-hotline-{}-{}", f.from, f.to), format,
                         rows);
  }
  json::array categories, weeks, regions, week_labels, week_values, cat_labels, cat_values, region_choices;
  for (auto& c : rep.by_category) {
    categories.push_back(json::object{{"label", c.label}, {"count", c.count}});
    cat_labels.push_back(json::string(c.label));
    cat_values.push_back(c.count);
  }
  for (auto& w : rep.by_week) {
    auto label = web::french_date(w.key);
    weeks.push_back(json::object{{"label", label}, {"count", w.count}});
    week_labels.push_back(json::string(label.substr(0, 5)));
    week_values.push_back(w.count);
  }
  for (auto& r : rep.by_region)
    regions.push_back(json::object{{"name", r.name},
                                   {"questions", r.questions},
                                   {"backlog", r.backlog},
                                   {"median", minutes_label(r.median_first_response)}});
  for (auto& r : network::kRegions)
    region_choices.push_back(json::object{{"code", r.code}, {"label", r.name}, {"selected", r.code == f.region}});
  auto query = fmt::format("from={}&to={}{}", f.from, f.to, f.region.empty() ? "" : "&region=" + f.region);
  json::object data{{"title", "Rapport de la hotline"},
                    {"from", f.from},
                    {"to", f.to},
                    {"regions", std::move(region_choices)},
                    {"questions", rep.questions},
                    {"backlog", rep.backlog},
                    {"first_responses", rep.first_responses},
                    {"resolutions", rep.resolutions},
                    {"median_first", minutes_label(rep.median_first_response)},
                    {"p90_first", minutes_label(rep.p90_first_response)},
                    {"median_resolution", minutes_label(rep.median_resolution)},
                    {"p90_resolution", minutes_label(rep.p90_resolution)},
                    {"by_category", std::move(categories)},
                    {"by_week", std::move(weeks)},
                    {"by_region", std::move(regions)},
                    {"has_questions", rep.questions > 0},
                    {"week_labels", json::serialize(week_labels)},
                    {"week_values", json::serialize(week_values)},
                    {"category_labels", json::serialize(cat_labels)},
                    {"category_values", json::serialize(cat_values)},
                    {"export_query", query}};
  return web::page(ctx, "hotline/report", std::move(data));
}

}  // namespace

void register_routes(web::App& app) {
  // Fixed paths before /questions/{id}.
  app.route("GET", "/questions", readers(), [](Ctx& ctx) { return list_page(ctx); });
  app.route("GET", "/questions/export", staff(), [](Ctx& ctx) { return export_queue(ctx); });
  app.route("GET", "/questions/nouvelle", readers(), [](Ctx& ctx) { return ask_page(ctx, {}, {}, 200); });
  app.route("POST", "/questions", readers(), [](Ctx& ctx) { return ask_post(ctx); });
  app.route("GET", "/questions/rapport", staff(), [](Ctx& ctx) { return report_page(ctx); });
  app.route("GET", "/questions/categories", admins(), [](Ctx& ctx) {
    return categories_page(ctx, {"", "", "8", "40", ""}, std::nullopt, {}, 200);
  });
  app.route("POST", "/questions/categories", admins(), [](Ctx& ctx) { return save_category(ctx, std::nullopt); });
  app.route("GET", "/questions/categories/{id}", admins(), [](Ctx& ctx) {
    auto c = get_category(ctx.db(), web::path_id(ctx));
    if (!c) throw web::NotFound{};
    return categories_page(ctx,
                           {c->name, c->parent_id ? std::to_string(*c->parent_id) : "",
                            fmt::format("{:g}", c->first_response_minutes / 60.0),
                            fmt::format("{:g}", c->resolution_minutes / 60.0), std::to_string(c->position),
                            c->active ? "1" : "0"},
                           c->id, {}, 200);
  });
  app.route("POST", "/questions/categories/{id}", admins(),
            [](Ctx& ctx) { return save_category(ctx, web::path_id(ctx)); });
  app.route("GET", "/questions/horaires", admins(), [](Ctx& ctx) {
    auto saved = load_calendar(ctx.db());
    return hours_page(ctx, week_of_calendar(saved), saved, {}, 200);
  });
  app.route("POST", "/questions/horaires", admins(), [](Ctx& ctx) { return save_hours(ctx); });

  app.route("GET", "/questions/{id}", readers(),
            [](Ctx& ctx) { return question_page(ctx, web::path_id(ctx), {}, {}, 200); });
  app.route("POST", "/questions/{id}/reponses", readers(), [](Ctx& ctx) {
    auto q = question_or_404(ctx, web::path_id(ctx));
    Typed typed;
    typed.reply = ctx.form("body");
    typed.then = ctx.form("then");
    auto errors = reply_to(ctx, q, typed.reply, typed.then);
    for (auto& e : errors)
      if (e.field == "body") e.field = "reply";
    return after_write(ctx, q, errors, typed, "La réponse est envoyée.");
  });
  app.route("POST", "/questions/{id}/notes", staff(), [](Ctx& ctx) {
    auto q = managed_or_404(ctx, web::path_id(ctx));
    Typed typed;
    typed.note = ctx.form("note");
    auto errors = validate_message(typed.note);
    for (auto& e : errors) e.field = "note";
    if (errors.empty()) {
      db::Transaction tx(ctx.db());
      add_note(ctx.db(), q.id, text::trim(typed.note), ctx.user().id, auth::now_utc());
      audit::record(ctx.db(), ctx.user().id, "create", "question_note", q.id, "", ctx.req.remote_addr);
      tx.commit();
    }
    return after_write(ctx, q, errors, typed, "La note interne est enregistrée.");
  });
  app.route("POST", "/questions/{id}/etat", readers(), [](Ctx& ctx) {
    auto q = question_or_404(ctx, web::path_id(ctx));
    auto to = ctx.form("state");
    auto errors = transition(ctx, q, to);
    return after_write(ctx, q, errors, {}, fmt::format("État : {}.", label_of(kStates, to)));
  });
  app.route("POST", "/questions/{id}/attribution", staff(), [](Ctx& ctx) {
    auto q = managed_or_404(ctx, web::path_id(ctx));
    auto errors = assign_to(ctx, q, ctx.form("assignee_id"));
    return after_write(ctx, q, errors, {}, "L'attribution est enregistrée.");
  });
  app.route("POST", "/questions/{id}/pieces-jointes", readers(), [](Ctx& ctx) {
    auto q = question_or_404(ctx, web::path_id(ctx));
    auto up = ctx.file("file");
    auto errors = up ? attach(ctx, q, up->filename, up->data) : web::Errors{{"file", "Choisissez un fichier."}};
    return after_write(ctx, q, errors, {}, "La pièce jointe est ajoutée.");
  });
  app.route("GET", "/questions/{id}/pieces-jointes/{attachment_id}", readers(), [](Ctx& ctx) {
    return attachment_download(ctx, web::path_id(ctx), web::path_id(ctx, "attachment_id"));
  });
  app.route("POST", "/questions/{id}/evaluation", readers(), [](Ctx& ctx) {
    auto q = question_or_404(ctx, web::path_id(ctx));
    if (q.managed) throw web::NotFound{};
    Typed typed;
    typed.score = ctx.form("score");
    typed.comment = ctx.form("comment");
    auto errors = rate_question(ctx, q, {typed.score, typed.comment});
    return after_write(ctx, q, errors, typed, "Merci pour votre évaluation.");
  });

  app.route("GET", "/faq", readers(), [](Ctx& ctx) { return faq_list_page(ctx); });
  app.route("GET", "/faq/suggestions", readers(), [](Ctx& ctx) {
    auto s = suggestions_json(ctx, ctx.req.query("subject"));
    json::object data{{"has_suggestions", !s.empty()}, {"suggestions", std::move(s)}};
    return http::Response::html(web::render_fragment("partials/hotline_suggestions", std::move(data)));
  });
  app.route("GET", "/faq/nouvelle", staff(), [](Ctx& ctx) { return faq_from_question(ctx); });
  app.route("POST", "/faq", staff(), [](Ctx& ctx) { return faq_save(ctx, std::nullopt); });
  app.route("GET", "/faq/{id}", readers(), [](Ctx& ctx) {
    auto e = get_faq(ctx.db(), web::path_id(ctx), is_staff(ctx));
    if (!e) throw web::NotFound{};
    json::array paragraphs;
    std::size_t start = 0;
    for (std::size_t pos; (pos = e->answer.find("\n\n", start)) != std::string::npos; start = pos + 2)
      paragraphs.push_back(json::string(e->answer.substr(start, pos - start)));
    paragraphs.push_back(json::string(e->answer.substr(start)));
    json::object data{{"title", e->title},
                      {"id", e->id},
                      {"category", e->category_label},
                      {"paragraphs", std::move(paragraphs)},
                      {"draft", e->status == "draft"},
                      {"published", e->published_at.empty() ? "" : web::french_datetime(e->published_at)},
                      {"staff", is_staff(ctx)}};
    json::array linked;  // only the resources this reader may see
    for (auto& r : resources::faq_resources(ctx.db(), resources::reader_for(ctx.db(), &ctx.user()), e->id))
      linked.push_back(json::object{{"id", r.id}, {"title", r.title}});
    data["has_resources"] = !linked.empty();
    data["resources"] = std::move(linked);
    return web::page(ctx, "hotline/faq_entry", std::move(data));
  });
  app.route("GET", "/faq/{id}/modifier", staff(), [](Ctx& ctx) {
    auto e = get_faq(ctx.db(), web::path_id(ctx), true);
    if (!e) throw web::NotFound{};
    return faq_form(ctx, {e->title, e->answer, e->category_id ? std::to_string(*e->category_id) : ""}, e->id, "", {},
                    200);
  });
  app.route("POST", "/faq/{id}", staff(), [](Ctx& ctx) { return faq_save(ctx, web::path_id(ctx)); });
  app.route("POST", "/faq/{id}/publier", staff(), [](Ctx& ctx) {
    auto e = get_faq(ctx.db(), web::path_id(ctx), true);
    if (!e) throw web::NotFound{};
    db::Transaction tx(ctx.db());
    publish_faq(ctx.db(), e->id, ctx.user().id, auth::now_utc());
    audit::record(ctx.db(), ctx.user().id, "update", "faq_entry", e->id, "publiée", ctx.req.remote_addr);
    tx.commit();
    ctx.flash("L'entrée est publiée dans la FAQ.");
    return http::Response::redirect(fmt::format("/faq/{}", e->id));
  });
}

}  // namespace passerelle::hotline
