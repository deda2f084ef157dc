#include "core/auth/routes.hpp"

#include <algorithm>

#include "core/auth/audit.hpp"
#include "core/auth/auth.hpp"
#include "core/web/text.hpp"

namespace passerelle::auth {
namespace {

using web::Ctx;
using web::json::array;
using web::json::object;

// Only local paths are accepted as a post-login destination (no open redirect),
// without control characters (a CR or LF would split the Location header).
std::string safe_next(const std::string& next) {
  if (next.empty() || next[0] != '/' || next.starts_with("//") || next.find('\\') != std::string::npos) return "/";
  if (std::any_of(next.begin(), next.end(), [](unsigned char c) { return c < 0x20 || c == 0x7F; })) return "/";
  return next;
}

http::Response login_form(Ctx& ctx, const std::string& email, const std::string& error, int status) {
  // Double-submit token for the login form (there is no session yet).
  auto pre = ctx.req.cookie("passerelle_csrf");
  if (pre.size() != 64) pre = random_token(32);
  object data{{"title", "Connexion"},
              {"email", email},
              {"error", error},
              {"next", safe_next(ctx.req.query("next").empty() ? ctx.form("next") : ctx.req.query("next"))},
              {"login_csrf", pre}};
  auto res = web::page(ctx, "core/login", std::move(data), status);
  res.headers.emplace_back("Set-Cookie", "passerelle_csrf=" + pre + "; Path=/; HttpOnly; SameSite=Lax" +
                                             std::string(ctx.req.header("x-forwarded-proto") == "https" ? "; Secure" : ""));
  return res;
}

http::Response do_login(Ctx& ctx, bool secure) {
  auto email = text::trim(ctx.form("email"));
  auto password = ctx.form("password");
  if (email.empty() || password.empty())
    return login_form(ctx, email, "Saisissez votre adresse e-mail et votre mot de passe.", 422);
  auto result = login(ctx.db(), email, password, ctx.req.remote_addr);
  if (result.error == LoginError::throttled)
    return login_form(ctx, email,
                      "Trop de tentatives de connexion échouées. Par sécurité, réessayez dans 15 minutes.", 429);
  if (result.error == LoginError::disabled)
    return login_form(ctx, email, "Ce compte est désactivé. Contactez votre administrateur.", 403);
  if (result.error) return login_form(ctx, email, "Adresse e-mail ou mot de passe incorrect.", 401);
  // The session open in this browser, if any, ends: only the new id is valid.
  if (ctx.principal && !ctx.principal->via_token) logout(ctx.db(), *ctx.principal);
  auto res = http::Response::redirect(safe_next(ctx.form("next")));
  res.headers.emplace_back("Set-Cookie", "passerelle_session=" + *result.session_token +
                                             "; Path=/; HttpOnly; SameSite=Lax" + (secure ? "; Secure" : ""));
  return res;
}

http::Response account_page(Ctx& ctx, const std::string& new_token, const std::string& token_name,
                            const std::string& error, int status = 200) {
  auto& u = ctx.user();
  array grants;
  for (auto& g : u.grants) {
    object grant{{"role", g.role}, {"organisation", g.organisation_name}, {"organisation_id", g.organisation_id}};
    grant["is_" + g.role] = true;  // the template holds the French label of each role
    grants.push_back(std::move(grant));
  }
  array tokens;
  for (auto& t : list_tokens(ctx.db(), u.id))
    tokens.push_back(object{{"id", t.id},
                            {"name", t.name},
                            {"created_at", web::french_datetime(t.created_at)},
                            {"last_used_at", t.last_used_at.empty() ? "jamais" : web::french_datetime(t.last_used_at)},
                            {"revoked", !t.revoked_at.empty()}});
  object data{{"title", "Mon compte"}, {"name", u.display_name}, {"email", u.email},     {"grants", grants},
              {"tokens", tokens},      {"new_token", new_token}, {"token_name", token_name}, {"error", error}};
  return web::page(ctx, "core/account", std::move(data), status);
}

}  // namespace

void register_routes(web::App& app) {
  bool secure = app.settings().secure_cookies;

  app.route("GET", "/login", web::Access::anyone(), [](Ctx& ctx) {
    if (ctx.principal) return http::Response::redirect("/");
    return login_form(ctx, "", "", 200);
  });
  app.route("POST", "/login", web::Access::anyone(), [secure](Ctx& ctx) { return do_login(ctx, secure); });

  app.route("POST", "/logout", web::Access::logged_in(), [](Ctx& ctx) {
    logout(ctx.db(), *ctx.principal);
    auto res = http::Response::redirect("/login");
    res.headers.emplace_back("Set-Cookie", "passerelle_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax");
    ctx.flash("Vous êtes déconnecté·e.");
    return res;
  });

  app.route("GET", "/compte", web::Access::logged_in(), [](Ctx& ctx) { return account_page(ctx, "", "", ""); });

  app.route("POST", "/compte/jetons", web::Access::logged_in(), [](Ctx& ctx) {
    auto name = text::trim(ctx.form("name"));
    if (name.empty() || text::length_utf8(name) > 100)
      return account_page(ctx, "", name, "Donnez un nom au jeton (100 caractères au plus), par exemple « Tableur ».", 422);
    auto token = create_token(ctx.db(), ctx.user().id, name);
    audit::record(ctx.db(), ctx.user().id, "token_create", "api_token", 0, name, ctx.req.remote_addr);
    return account_page(ctx, token, "", "");
  });

  app.route("POST", "/compte/jetons/{id}/revoquer", web::Access::logged_in(), [](Ctx& ctx) {
    // Digits only: "12abc" is not token 12.
    const auto& raw = ctx.req.params["id"];
    if (raw.empty() || raw.size() > 18 || raw.find_first_not_of("0123456789") != std::string::npos)
      throw web::NotFound{};
    std::int64_t id = std::stoll(raw);
    if (!revoke_token(ctx.db(), ctx.user().id, id)) throw web::NotFound{};
    audit::record(ctx.db(), ctx.user().id, "token_revoke", "api_token", id, "", ctx.req.remote_addr);
    ctx.flash("Le jeton a été révoqué.");
    return http::Response::redirect("/compte");
  });

  app.route("GET", "/admin/journal", web::Access::roles_in({"admin"}), [](Ctx& ctx) {
    audit::Filter f;
    f.action = text::trim(ctx.req.query("action"));
    f.user_email = text::trim(ctx.req.query("utilisateur"));
    f.from_date = ctx.req.query("du");
    f.to_date = ctx.req.query("au");
    try {
      f.before_id = ctx.req.query("avant").empty() ? 0 : std::stoll(ctx.req.query("avant"));
    } catch (...) {
      throw web::BadRequest{"Le paramètre « avant » doit être un nombre."};
    }
    f.limit = 51;
    auto entries = audit::search(ctx.db(), f);
    bool more = entries.size() > 50;
    if (more) entries.pop_back();
    static const std::pair<const char*, const char*> kActions[] = {
        {"login", "Connexion"},          {"login_failed", "Connexion échouée"},
        {"login_throttled", "Connexion bloquée"}, {"logout", "Déconnexion"},
        {"create", "Création"},          {"update", "Modification"},
        {"import", "Import"},            {"export", "Export"},
        {"token_create", "Jeton créé"},  {"token_revoke", "Jeton révoqué"}};
    auto action_label = [&](const std::string& code) -> std::string {
      for (auto& [c, label] : kActions)
        if (code == c) return label;
      return code;
    };
    array rows;
    for (auto& e : entries)
      rows.push_back(object{{"at", web::french_datetime(e.at)},
                            {"user", e.user_email.empty() ? "—" : e.user_email},
                            {"action", action_label(e.action)},
                            {"entity", e.entity},
                            {"entity_id", e.entity_id ? std::to_string(e.entity_id) : ""},
                            {"detail", e.detail},
                            {"remote", e.remote_addr}});
    std::string next;
    if (more)
      next = "/admin/journal?action=" + http::url_encode(f.action) + "&utilisateur=" + http::url_encode(f.user_email) +
             "&du=" + http::url_encode(f.from_date) + "&au=" + http::url_encode(f.to_date) +
             "&avant=" + std::to_string(entries.back().id);
    array actions;
    for (auto& [code, label] : kActions)
      actions.push_back(object{{"code", code}, {"label", label}, {"selected", f.action == code}});
    object data{{"title", "Journal d'audit"}, {"rows", rows}, {"actions", actions},           {"action", f.action},
                {"utilisateur", f.user_email}, {"du", f.from_date},      {"au", f.to_date},
                {"next", next},               {"empty", rows.empty()}};
    return web::page(ctx, "core/audit", std::move(data));
  });
}

}  // namespace passerelle::auth
