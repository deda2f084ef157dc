// API of the hotline: /api/v1/questions (list by keyset, create, read with its
// thread, replies, notes, transitions, assignment, rating, attachments),
// /api/v1/faq (list and search, suggestions, create and publish by staff),
// /api/v1/hotline/categories, /api/v1/hotline/business-hours and
// /api/v1/hotline/report. Staff (admin,
// network) handle their subtrees' questions; members only their
// organisations' (another's: 404); internal notes never reach a member.
#include <fmt/format.h>

#include "core/auth/audit.hpp"
#include "core/web/input.hpp"
#include "hotline/routes.hpp"
#include "resources/store.hpp"

namespace passerelle::hotline {
namespace {

using web::Ctx;
using web::json_response;
namespace json = boost::json;

json::value opt(const std::optional<std::int64_t>& v) { return v ? json::value(*v) : json::value(nullptr); }
json::value opt(const std::optional<std::string>& v) { return v ? json::value(*v) : json::value(nullptr); }

json::object question_json(const Question& q, const std::string& now, const Calendar& cal) {
  auto sla = sla_status(cal, q.next_due, now);
  json::object o{{"id", q.id},
                 {"organisation_id", q.organisation_id},
                 {"organisation_name", q.organisation_name},
                 {"region", q.region},
                 {"contact_id", opt(q.contact_id)},
                 {"contact_name", q.contact_name},
                 {"category_id", q.category_id},
                 {"category", q.category_label},
                 {"channel", q.channel},
                 {"channel_label", label_of(kChannels, q.channel)},
                 {"priority", q.priority},
                 {"priority_label", label_of(kPriorities, q.priority)},
                 {"subject", q.subject},
                 {"body", q.body},
                 {"state", q.state},
                 {"state_label", label_of(kStates, q.state)},
                 {"assignee_id", opt(q.assignee_id)},
                 {"assignee_name", q.assignee_name},
                 {"created_at", q.created_at},
                 {"updated_at", q.updated_at},
                 {"first_response_due", q.first_response_due},
                 {"resolution_due", q.resolution_due},
                 {"next_due", q.next_due == kNoDue ? json::value(nullptr) : json::value(q.next_due)},
                 {"sla", sla == Sla::late ? "late" : sla == Sla::soon ? "soon" : sla == Sla::ok ? "ok" : "none"},
                 {"first_response_at", opt(q.first_response_at)},
                 {"first_response_minutes", opt(q.first_response_minutes)},
                 {"resolved_at", opt(q.resolved_at)},
                 {"resolution_minutes", opt(q.resolution_minutes)},
                 {"rating", q.rating ? json::value(*q.rating) : json::value(nullptr)},
                 {"managed", q.managed}};
  return o;
}

json::object thread_json(Ctx& ctx, const Question& q) {
  auto cal = load_calendar(ctx.db());
  auto o = question_json(q, auth::now_utc(), cal);
  json::array replies, notes, history, attachments;
  for (auto& m : messages_of(ctx.db(), q.id, q.managed)) {
    json::object x{{"id", m.id}, {"author_name", m.author_name}, {"by_staff", m.by_staff}, {"body", m.body},
                   {"created_at", m.created_at}};
    (m.kind == "note" ? notes : replies).push_back(std::move(x));
  }
  for (auto& h : history_of(ctx.db(), q.id))
    history.push_back(json::object{{"from", h.from_state.empty() ? json::value(nullptr) : json::value(h.from_state)},
                                   {"to", h.to_state},
                                   {"user_name", h.user_name},
                                   {"at", h.at}});
  for (auto& a : attachments_of(ctx.db(), q.id))
    attachments.push_back(json::object{{"id", a.id},
                                       {"filename", a.filename},
                                       {"content_type", a.content_type},
                                       {"size", a.size},
                                       {"sha256", a.sha256},
                                       {"created_at", a.created_at},
                                       {"url", fmt::format("/api/v1/questions/{}/attachments/{}", q.id, a.id)}});
  o["replies"] = std::move(replies);
  if (q.managed) o["notes"] = std::move(notes);  // staff only: absent from a member's answer
  o["history"] = std::move(history);
  o["attachments"] = std::move(attachments);
  if (q.rating) o["rating_comment"] = q.rating_comment;
  return o;
}

http::Response list_api(Ctx& ctx) {
  QuestionFilter f;
  f.q = ctx.req.query("q");
  f.state = ctx.req.query("state");
  if (!f.state.empty() && !is_code(kStates, f.state)) throw web::BadRequest{"state : état inconnu."};
  f.category_id = web::query_id(ctx, "category_id");
  f.assignee_id = web::query_id(ctx, "assignee_id");
  f.organisation_id = web::query_id(ctx, "organisation_id");
  f.late = ctx.req.query("late") == "true" || ctx.req.query("late") == "1";
  f.now = auth::now_utc();
  f.limit = web::query_limit(ctx, 50, 200);
  f.newest_first = !is_staff(ctx);  // members: their questions, newest first; staff: the queue by due instant
  auto access = access_of(ctx);
  if (auto after = web::query_id(ctx, "after")) {
    auto q = get_question(ctx.db(), access, *after);
    if (!q) throw web::BadRequest{"after : curseur invalide."};
    f.after_due = q->next_due;
    f.after_id = q->id;
  }
  auto items = list_questions(ctx.db(), access, f);
  auto cal = load_calendar(ctx.db());
  json::array out;
  for (auto& q : items) out.push_back(question_json(q, f.now, cal));
  json::object res{{"items", std::move(out)}};
  res["next"] = static_cast<int>(items.size()) == f.limit ? json::value(items.back().id) : json::value(nullptr);
  return json_response(res);
}

http::Response create_api(Ctx& ctx) {
  auto body = ctx.json_body();
  web::Errors errors;
  QuestionInput in;
  in.organisation_id = web::json_field(body, "organisation_id", errors);
  in.contact_id = web::json_field(body, "contact_id", errors);
  in.category_id = web::json_field(body, "category_id", errors);
  in.channel = web::json_field(body, "channel", errors);
  in.priority = web::json_field(body, "priority", errors);
  in.subject = web::json_field(body, "subject", errors);
  in.body = web::json_field(body, "body", errors);
  if (in.organisation_id.empty()) {
    auto mine = member_organisations(ctx);
    if (mine.size() == 1) in.organisation_id = std::to_string(mine[0].first);
  }
  if (!errors.empty()) return web::validation_problem(errors);
  std::int64_t id = 0;
  errors = create_question_from(ctx, in, std::nullopt, id);
  if (!errors.empty()) return web::validation_problem(errors);
  return json_response(thread_json(ctx, question_or_404(ctx, id)), 201);
}

http::Response thread_response(Ctx& ctx, std::int64_t id, int status = 200) {
  return json_response(thread_json(ctx, question_or_404(ctx, id)), status);
}

http::Response reply_api(Ctx& ctx) {
  auto q = question_or_404(ctx, web::path_id(ctx));
  auto body = ctx.json_body();
  web::Errors errors;
  auto text = web::json_field(body, "body", errors);
  auto then = web::json_field(body, "then", errors);
  if (errors.empty()) errors = reply_to(ctx, q, text, then);
  if (!errors.empty()) return web::validation_problem(errors);
  return thread_response(ctx, q.id, 201);
}

http::Response note_api(Ctx& ctx) {
  auto q = managed_or_404(ctx, web::path_id(ctx));
  auto body = ctx.json_body();
  web::Errors errors;
  auto text = web::json_field(body, "body", errors);
  if (errors.empty()) errors = validate_message(text);
  if (!errors.empty()) return web::validation_problem(errors);
  db::Transaction tx(ctx.db());
  add_note(ctx.db(), q.id, text, ctx.user().id, auth::now_utc());
  audit::record(ctx.db(), ctx.user().id, "create", "question_note", q.id, "");
  tx.commit();
  return thread_response(ctx, q.id, 201);
}

http::Response transition_api(Ctx& ctx) {
  auto q = question_or_404(ctx, web::path_id(ctx));
  auto body = ctx.json_body();
  web::Errors errors;
  auto to = web::json_field(body, "to", errors);
  if (errors.empty()) errors = transition(ctx, q, to);
  if (!errors.empty()) return web::validation_problem(errors);
  return thread_response(ctx, q.id);
}

http::Response assign_api(Ctx& ctx) {
  auto q = managed_or_404(ctx, web::path_id(ctx));
  auto body = ctx.json_body();
  web::Errors errors;
  auto who = web::json_field(body, "assignee_id", errors);
  if (errors.empty()) errors = assign_to(ctx, q, who);
  if (!errors.empty()) return web::validation_problem(errors);
  return thread_response(ctx, q.id);
}

http::Response rating_api(Ctx& ctx) {
  auto q = question_or_404(ctx, web::path_id(ctx));
  if (q.managed) throw web::NotFound{};  // the member rates, not the staff
  auto body = ctx.json_body();
  web::Errors errors;
  RatingInput in{web::json_field(body, "score", errors), web::json_field(body, "comment", errors)};
  if (errors.empty()) errors = rate_question(ctx, q, in);
  if (!errors.empty()) return web::validation_problem(errors);
  return thread_response(ctx, q.id, 201);
}

http::Response attachment_api(Ctx& ctx) {
  auto q = question_or_404(ctx, web::path_id(ctx));
  auto errors = attach(ctx, q, ctx.req.query("filename"), ctx.req.body);
  if (!errors.empty()) return web::validation_problem(errors);
  return thread_response(ctx, q.id, 201);
}

json::object faq_json(const FaqEntry& e, bool staff) {
  json::object o{{"id", e.id},
                 {"category_id", opt(e.category_id)},
                 {"category", e.category_label},
                 {"title", e.title},
                 {"answer", e.answer},
                 {"status", e.status},
                 {"published_at", e.published_at.empty() ? json::value(nullptr) : json::value(e.published_at)}};
  if (staff) o["source_question_id"] = opt(e.source_question_id);
  return o;
}

http::Response faq_list_api(Ctx& ctx) {
  bool staff = is_staff(ctx);
  int limit = web::query_limit(ctx, 50, 200);
  auto after = web::query_id(ctx, "after").value_or(0);
  auto items = list_faq(ctx.db(), ctx.req.query("q"), staff, after, limit);
  json::array out;
  for (auto& e : items) out.push_back(faq_json(e, staff));
  json::object res{{"items", std::move(out)}};
  res["next"] = static_cast<int>(items.size()) == limit ? json::value(items.back().id) : json::value(nullptr);
  return json_response(res);
}

FaqValues faq_values(Ctx& ctx, const json::object& body, web::Errors& errors) {
  FaqInput in{web::json_field(body, "title", errors), web::json_field(body, "answer", errors),
              web::json_field(body, "category_id", errors)};
  auto source = web::json_field(body, "source_question_id", errors);
  auto more = validate_faq(in);
  errors.insert(errors.end(), more.begin(), more.end());
  FaqValues v{in.title, in.answer, web::to_id(in.category_id), std::nullopt};
  if (v.category_id && !get_category(ctx.db(), *v.category_id)) errors.push_back({"category_id", "Catégorie inconnue."});
  if (!source.empty()) {
    auto id = web::to_id(source);
    if (!id || !get_question(ctx.db(), {access_of(ctx).manage, {}}, *id))
      errors.push_back({"source_question_id", "Question introuvable."});
    else v.source_question_id = *id;
  }
  return v;
}

http::Response faq_create_api(Ctx& ctx) {
  auto body = ctx.json_body();
  web::Errors errors;
  auto v = faq_values(ctx, body, errors);
  auto publish = web::json_flag(body, "publish", errors, "0") == "1";
  if (!errors.empty()) return web::validation_problem(errors);
  db::Transaction tx(ctx.db());
  auto id = create_faq(ctx.db(), v, ctx.user().id, auth::now_utc(), publish);
  audit::record(ctx.db(), ctx.user().id, "create", "faq_entry", id, v.title);
  tx.commit();
  return json_response(faq_json(*get_faq(ctx.db(), id, true), true), 201);
}

http::Response faq_publish_api(Ctx& ctx) {
  auto e = get_faq(ctx.db(), web::path_id(ctx), true);
  if (!e) throw web::NotFound{};
  if (e->status == "published") return web::validation_problem({{"status", "Cette entrée est déjà publiée."}});
  db::Transaction tx(ctx.db());
  publish_faq(ctx.db(), e->id, ctx.user().id, auth::now_utc());
  audit::record(ctx.db(), ctx.user().id, "update", "faq_entry", e->id, "publiée");
  tx.commit();
  return json_response(faq_json(*get_faq(ctx.db(), e->id, true), true));
}

json::object category_json(const Category& c) {
  return {{"id", c.id},
          {"parent_id", opt(c.parent_id)},
          {"name", c.name},
          {"label", c.label},
          {"depth", c.depth},
          {"first_response_minutes", c.first_response_minutes},
          {"resolution_minutes", c.resolution_minutes},
          {"position", c.position},
          {"active", c.active},
          {"offered", c.offered}};
}

json::object business_hours_json(const Calendar& cal) {
  json::array spans;
  for (auto& s : cal.spans)
    spans.push_back(json::object{{"weekday", s.weekday},
                                 {"day", std::string(weekday_name(s.weekday))},
                                 {"opens", clock_value(s.opens)},
                                 {"closes", clock_value(s.closes)}});
  return {{"spans", std::move(spans)}, {"description", describe_calendar(cal)}};
}

// PUT: {"spans": [{"weekday": 1, "opens": "09:00", "closes": "12:30"}, …]}, a
// day's spans in the order of the day. Errors name the span: "spans[2].closes".
http::Response business_hours_api(Ctx& ctx) {
  auto body = ctx.json_body();
  web::Errors errors;
  WeekInput week(7);
  std::vector<std::pair<std::string, std::string>> renames;  // d{wd}_{k}_ → spans[i].
  const auto* spans = body.if_contains("spans");
  if (!spans || !spans->is_array()) {
    errors.push_back({"spans", "Donnez la liste des plages horaires (spans)."});
  } else {
    std::size_t i = 0;
    for (const auto& item : spans->as_array()) {
      const auto at = fmt::format("spans[{}]", i++);
      if (!item.is_object()) {
        errors.push_back({at, "Chaque plage est un objet {weekday, opens, closes}."});
        continue;
      }
      const auto& o = item.as_object();
      const auto* wd = o.if_contains("weekday");
      if (!wd || !wd->is_int64() || wd->as_int64() < 1 || wd->as_int64() > 7) {
        errors.push_back({at + ".weekday", "Le jour est un nombre de 1 (lundi) à 7 (dimanche)."});
        continue;
      }
      auto text_of = [&](const char* name) {
        const auto* v = o.if_contains(name);
        return v && v->is_string() ? std::string(v->as_string()) : std::string();
      };
      auto& day = week[wd->as_int64() - 1];
      if (day.size() >= static_cast<std::size_t>(kSpansPerDay)) {  // as many as the page shows
        errors.push_back({at, fmt::format("Deux plages au plus par jour ({}).", weekday_name(static_cast<int>(wd->as_int64())))});
        continue;
      }
      day.push_back({text_of("opens"), text_of("closes")});
      renames.emplace_back(fmt::format("d{}_{}_", wd->as_int64(), day.size()), at + ".");
    }
  }
  Calendar cal;
  if (errors.empty()) {
    errors = validate_calendar(week, cal);
    for (auto& e : errors)
      for (auto& [from, to] : renames)
        if (e.field.starts_with(from)) e.field = to + e.field.substr(from.size());
    if (!errors.empty() && errors[0].field == "hours") errors[0].field = "spans";
  }
  if (!errors.empty()) return web::validation_problem(errors);
  db::Transaction tx(ctx.db());
  save_calendar(ctx.db(), cal);
  audit::record(ctx.db(), ctx.user().id, "update", "hotline_business_hours", 0, describe_calendar(cal));
  tx.commit();
  return json_response(business_hours_json(load_calendar(ctx.db())));
}

http::Response category_create_api(Ctx& ctx) {
  auto body = ctx.json_body();
  web::Errors errors;
  CategoryInput in{web::json_field(body, "name", errors), web::json_field(body, "parent_id", errors),
                   web::json_field(body, "first_response_hours", errors, "8"),
                   web::json_field(body, "resolution_hours", errors, "40"), web::json_field(body, "position", errors)};
  CategoryValues v;
  auto more = validate_category(in, v);
  errors.insert(errors.end(), more.begin(), more.end());
  if (v.parent_id && !get_category(ctx.db(), *v.parent_id))
    errors.push_back({"parent_id", "Catégorie parente inconnue."});
  if (!errors.empty()) return web::validation_problem(errors);
  db::Transaction tx(ctx.db());
  auto id = create_category(ctx.db(), v);
  audit::record(ctx.db(), ctx.user().id, "create", "hotline_category", id, v.name);
  tx.commit();
  return json_response(category_json(*get_category(ctx.db(), id)), 201);
}

http::Response report_api(Ctx& ctx) {
  auto f = report_filter(ctx);
  auto rep = hotline_report(ctx.db(), access_of(ctx).manage, f);
  auto counts = [](const std::vector<CountRow>& rows) {
    json::array a;
    for (auto& r : rows) a.push_back(json::object{{"key", r.key}, {"label", r.label}, {"count", r.count}});
    return a;
  };
  json::array regions;
  for (auto& r : rep.by_region)
    regions.push_back(json::object{{"region", r.code},
                                   {"name", r.name},
                                   {"questions", r.questions},
                                   {"backlog", r.backlog},
                                   {"median_first_response_minutes", opt(r.median_first_response)}});
  return json_response(json::object{{"from", f.from},
                                    {"to", f.to},
                                    {"region", f.region.empty() ? json::value(nullptr) : json::value(f.region)},
                                    {"questions", rep.questions},
                                    {"first_responses", rep.first_responses},
                                    {"resolutions", rep.resolutions},
                                    {"backlog", rep.backlog},
                                    {"median_first_response_minutes", opt(rep.median_first_response)},
                                    {"p90_first_response_minutes", opt(rep.p90_first_response)},
                                    {"median_resolution_minutes", opt(rep.median_resolution)},
                                    {"p90_resolution_minutes", opt(rep.p90_resolution)},
                                    {"by_category", counts(rep.by_category)},
                                    {"by_week", counts(rep.by_week)},
                                    {"by_region", std::move(regions)}});
}

}  // namespace

void register_api_routes(web::App& app) {
  auto readers = web::Access::roles_in({"admin", "network", "member"});
  auto staff = web::Access::roles_in({"admin", "network"});

  app.route("GET", "/api/v1/questions", readers, [](Ctx& ctx) { return list_api(ctx); });
  app.route("POST", "/api/v1/questions", readers, [](Ctx& ctx) { return create_api(ctx); });
  app.route("GET", "/api/v1/questions/{id}", readers, [](Ctx& ctx) { return thread_response(ctx, web::path_id(ctx)); });
  app.route("POST", "/api/v1/questions/{id}/replies", readers, [](Ctx& ctx) { return reply_api(ctx); });
  app.route("POST", "/api/v1/questions/{id}/notes", staff, [](Ctx& ctx) { return note_api(ctx); });
  app.route("POST", "/api/v1/questions/{id}/transitions", readers, [](Ctx& ctx) { return transition_api(ctx); });
  app.route("PUT", "/api/v1/questions/{id}/assignee", staff, [](Ctx& ctx) { return assign_api(ctx); });
  app.route("POST", "/api/v1/questions/{id}/rating", readers, [](Ctx& ctx) { return rating_api(ctx); });
  app.route("POST", "/api/v1/questions/{id}/attachments", readers, [](Ctx& ctx) { return attachment_api(ctx); });
  app.route("GET", "/api/v1/questions/{id}/attachments/{attachment_id}", readers, [](Ctx& ctx) {
    return attachment_download(ctx, web::path_id(ctx), web::path_id(ctx, "attachment_id"));
  });

  app.route("GET", "/api/v1/faq", readers, [](Ctx& ctx) { return faq_list_api(ctx); });
  app.route("POST", "/api/v1/faq", staff, [](Ctx& ctx) { return faq_create_api(ctx); });
  app.route("GET", "/api/v1/faq/suggestions", readers, [](Ctx& ctx) {
    json::array out;
    for (auto& e : similar_faq(ctx.db(), ctx.req.query("subject"))) out.push_back(faq_json(e, false));
    return json_response(json::object{{"items", std::move(out)}});
  });
  app.route("GET", "/api/v1/faq/{id}", readers, [](Ctx& ctx) {
    auto e = get_faq(ctx.db(), web::path_id(ctx), is_staff(ctx));
    if (!e) throw web::NotFound{};
    auto o = faq_json(*e, is_staff(ctx));
    json::array linked;  // resources of the library linked to the answer, those this reader may see
    for (auto& r : resources::faq_resources(ctx.db(), resources::reader_for(ctx.db(), &ctx.user()), e->id))
      linked.push_back(json::object{{"id", r.id}, {"title", r.title}, {"url", fmt::format("/api/v1/resources/{}", r.id)}});
    o["resources"] = std::move(linked);
    return json_response(o);
  });
  app.route("POST", "/api/v1/faq/{id}/publish", staff, [](Ctx& ctx) { return faq_publish_api(ctx); });

  app.route("GET", "/api/v1/hotline/categories", readers, [](Ctx& ctx) {
    json::array out;
    for (auto& c : list_categories(ctx.db())) out.push_back(category_json(c));
    return json_response(json::object{{"items", std::move(out)}});
  });
  app.route("POST", "/api/v1/hotline/categories", web::Access::roles_in({"admin"}),
            [](Ctx& ctx) { return category_create_api(ctx); });
  app.route("GET", "/api/v1/hotline/business-hours", readers,
            [](Ctx& ctx) { return json_response(business_hours_json(load_calendar(ctx.db()))); });
  app.route("PUT", "/api/v1/hotline/business-hours", web::Access::roles_in({"admin"}),
            [](Ctx& ctx) { return business_hours_api(ctx); });
  app.route("GET", "/api/v1/hotline/report", staff, [](Ctx& ctx) { return report_api(ctx); });
}

}  // namespace passerelle::hotline
