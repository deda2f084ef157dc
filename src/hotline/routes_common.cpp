// Shared by the pages and the API of the hotline: who the caller is, and the
// writes both make (validation, scope checks, audit, notification hook).
#include <fmt/format.h>

#include "core/auth/audit.hpp"
#include "core/web/input.hpp"
#include "core/web/text.hpp"
#include "hotline/mail.hpp"
#include "hotline/routes.hpp"

namespace passerelle::hotline {

bool is_staff(web::Ctx& ctx) { return ctx.user().has_any_role({"admin", "network"}); }

HotlineAccess access_of(web::Ctx& ctx) {
  return {ctx.user().scope_roots({"admin", "network"}), ctx.user().scope_roots({"member"})};
}

std::vector<std::pair<std::int64_t, std::string>> member_organisations(web::Ctx& ctx) {
  std::vector<std::pair<std::int64_t, std::string>> out;
  for (auto& g : ctx.user().grants)
    if (g.role == "member") out.emplace_back(g.organisation_id, g.organisation_name);
  return out;
}

Question question_or_404(web::Ctx& ctx, std::int64_t id) {
  auto q = get_question(ctx.db(), access_of(ctx), id);
  if (!q) throw web::NotFound{};
  return *q;
}

Question managed_or_404(web::Ctx& ctx, std::int64_t id) {
  auto q = question_or_404(ctx, id);
  if (!q.managed) throw web::NotFound{};
  return q;
}

void on_question_event(db::Connection& db, const Question& q, std::string_view event, std::string_view detail,
                       bool by_staff, const std::string& body) {
  queue_question_mail(db, q, event, detail, by_staff, body, auth::now_utc());
}

web::Errors create_question_from(web::Ctx& ctx, const QuestionInput& in, const std::optional<web::Ctx::Upload>& file,
                                 std::int64_t& id) {
  QuestionValues v;
  auto errors = validate_question(in, v);
  auto access = access_of(ctx);
  if (!web::find_error(errors, "organisation_id")) {
    // Staff record a question of any organisation of their subtrees; members ask for theirs.
    auto org = network::get_organisation(ctx.db(), access.manage, v.organisation_id);
    if (!org) org = network::get_organisation(ctx.db(), access.own, v.organisation_id);
    if (!org) errors.push_back({"organisation_id", "Structure introuvable dans votre périmètre."});
    else if (v.contact_id) {
      auto ok = ctx.db().query("SELECT 1 FROM contact_organisations WHERE contact_id = ? AND organisation_id = ?",
                               {*v.contact_id, v.organisation_id});
      if (ok.empty()) errors.push_back({"contact_id", "Ce contact n'appartient pas à la structure choisie."});
    }
  }
  if (!web::find_error(errors, "category_id")) {
    auto c = get_category(ctx.db(), v.category_id);
    if (!c) errors.push_back({"category_id", "Catégorie inconnue."});
    else if (!c->offered)
      errors.push_back({"category_id", "Cette catégorie n'est plus proposée : choisissez-en une autre."});
  }
  AttachmentCheck checked;
  if (file && !(file->filename.empty() && file->data.empty())) {
    checked = check_attachment(file->filename, file->data);
    if (!checked.error.empty())
      errors.push_back({"file", checked.error + " Votre question n'est pas perdue : choisissez à nouveau le fichier."});
  }
  if (!errors.empty()) return errors;
  auto now = auth::now_utc();
  db::Transaction tx(ctx.db());
  id = create_question(ctx.db(), v, now, ctx.user().id, load_calendar(ctx.db()));
  if (file && !checked.content_type.empty())
    add_attachment(ctx.db(), id, file->filename, checked.content_type, file->data, ctx.user().id, now);
  audit::record(ctx.db(), ctx.user().id, "create", "question", id, v.subject, ctx.req.remote_addr);
  if (auto q = get_question(ctx.db(), {{""}, {}}, id)) on_question_event(ctx.db(), *q, "created", "new");
  tx.commit();
  return {};
}

web::Errors reply_to(web::Ctx& ctx, const Question& q, const std::string& body, const std::string& then) {
  auto errors = validate_message(body);
  bool staff = q.managed;
  if (staff && !then.empty() && then != q.state && !transition_allowed(q.state, then, true))
    errors.push_back({"then", fmt::format("Une question « {} » ne peut pas passer à « {} ».", label_of(kStates, q.state),
                                          label_of(kStates, then))});
  if (!errors.empty()) return errors;
  db::Transaction tx(ctx.db());
  auto to = add_reply(ctx.db(), q, text::trim(body), staff, ctx.user().id, auth::now_utc(), staff ? then : "",
                      load_calendar(ctx.db()));
  audit::record(ctx.db(), ctx.user().id, "create", "question_reply", q.id, to, ctx.req.remote_addr);
  on_question_event(ctx.db(), q, "reply", to, staff, text::trim(body));
  tx.commit();
  return {};
}

web::Errors transition(web::Ctx& ctx, const Question& q, const std::string& to) {
  if (!is_code(kStates, to)) return {{"state", "État inconnu."}};
  if (!transition_allowed(q.state, to, q.managed))
    return {{"state", fmt::format("Une question « {} » ne peut pas passer à « {} ».", label_of(kStates, q.state),
                                  label_of(kStates, to))}};
  db::Transaction tx(ctx.db());
  change_state(ctx.db(), q, to, ctx.user().id, auth::now_utc(), load_calendar(ctx.db()));
  audit::record(ctx.db(), ctx.user().id, "update", "question", q.id, fmt::format("état {} → {}", q.state, to),
                ctx.req.remote_addr);
  on_question_event(ctx.db(), q, "state", to);
  tx.commit();
  return {};
}

web::Errors attach(web::Ctx& ctx, const Question& q, const std::string& filename, const std::string& bytes) {
  auto checked = check_attachment(filename, bytes);
  if (!checked.error.empty()) return {{"file", checked.error}};
  db::Transaction tx(ctx.db());
  auto id = add_attachment(ctx.db(), q.id, filename, checked.content_type, bytes, ctx.user().id, auth::now_utc());
  audit::record(ctx.db(), ctx.user().id, "create", "question_attachment", id, filename, ctx.req.remote_addr);
  tx.commit();
  return {};
}

web::Errors rate_question(web::Ctx& ctx, const Question& q, const RatingInput& in) {
  int score = 0;
  auto errors = validate_rating(in, score);
  if (q.state != "closed")
    errors.insert(errors.begin(), {"score", "La satisfaction se donne une fois la question clôturée."});
  else if (q.rating)
    errors.insert(errors.begin(), {"score", "Cette question a déjà été évaluée : une seule évaluation est possible."});
  if (!errors.empty()) return errors;
  db::Transaction tx(ctx.db());
  if (!rate(ctx.db(), q.id, score, text::trim(in.comment), ctx.user().id, auth::now_utc()))
    return {{"score", "Cette question a déjà été évaluée : une seule évaluation est possible."}};
  audit::record(ctx.db(), ctx.user().id, "create", "question_rating", q.id, std::to_string(score), ctx.req.remote_addr);
  tx.commit();
  return {};
}

web::Errors assign_to(web::Ctx& ctx, const Question& q, const std::string& assignee) {
  std::optional<std::int64_t> user;
  if (!assignee.empty()) {
    auto id = web::to_id(assignee);
    for (auto& s : staff_for(ctx.db(), q.organisation_path))
      if (id && s.id == *id) user = s.id;
    if (!user) return {{"assignee_id", "Choisissez une personne de l'équipe de la délégation ou de la fédération."}};
  }
  db::Transaction tx(ctx.db());
  assign(ctx.db(), q.id, user, auth::now_utc());
  audit::record(ctx.db(), ctx.user().id, "update", "question", q.id,
                user ? fmt::format("attribuée à {}", *user) : std::string("non attribuée"), ctx.req.remote_addr);
  // The new assignee is told, unless they took it themselves.
  if (user && *user != ctx.user().id && q.assignee_id != user) {
    Question assigned = q;
    assigned.assignee_id = user;
    on_question_event(ctx.db(), assigned, "assigned", "");
  }
  tx.commit();
  return {};
}

http::Response attachment_download(web::Ctx& ctx, std::int64_t question_id, std::int64_t attachment_id) {
  auto q = question_or_404(ctx, question_id);
  auto a = get_attachment(ctx.db(), q.id, attachment_id);
  if (!a) throw web::NotFound{};
  audit::record(ctx.db(), ctx.user().id, "read", "question_attachment", a->id, a->filename, ctx.req.remote_addr);
  http::Response res{200, {}, std::move(a->data), {}};
  res.set_header("Content-Type", a->content_type);
  std::string safe;
  for (char c : a->filename) safe += (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20) ? '_' : c;
  res.set_header("Content-Disposition", fmt::format("attachment; filename=\"{}\"", safe));
  res.set_header("X-Content-Type-Options", "nosniff");
  return res;
}

ReportFilter report_filter(web::Ctx& ctx) {
  ReportFilter f;
  f.from = ctx.req.query("from");
  f.to = ctx.req.query("to");
  f.region = ctx.req.query("region");
  auto today = auth::now_utc().substr(0, 10);
  if (f.to.empty()) f.to = today;
  if (!paris_day_start_utc(f.to)) throw web::BadRequest{"to : date invalide (AAAA-MM-JJ)."};
  if (f.from.empty()) {
    // The day after the same date a year before (29 February: 1 March).
    auto year_before = std::to_string(std::stoi(f.to.substr(0, 4)) - 1) + f.to.substr(4);
    f.from = paris_day_start_utc(year_before) ? next_date(year_before) : year_before.substr(0, 5) + "03-01";
  }
  if (!paris_day_start_utc(f.from)) throw web::BadRequest{"from : date invalide (AAAA-MM-JJ)."};
  if (f.to < f.from) throw web::BadRequest{"La fin de la période précède son début."};
  if (std::stoi(f.to.substr(0, 4)) - std::stoi(f.from.substr(0, 4)) > 5)
    throw web::BadRequest{"La période d'un rapport compte 5 ans au plus."};
  return f;
}

}  // namespace passerelle::hotline
