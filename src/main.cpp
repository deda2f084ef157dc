// passerelle: the server and the administrator's command line.
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <malloc.h>
#ifdef PASSERELLE_MIMALLOC
#include <mimalloc.h>
#endif
#include <sys/resource.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "core/auth/audit.hpp"
#include "core/auth/auth.hpp"
#include "core/auth/routes.hpp"
#include "core/db/database.hpp"
#include "core/http/http.hpp"
#include "core/web/app.hpp"
#include "core/web/csv.hpp"
#include "core/web/mail_routes.hpp"
#include "core/web/mail_sender.hpp"
#include "core/web/outbox.hpp"
#include "core/web/xlsx.hpp"
#include "clauses/demo.hpp"
#include "clauses/routes.hpp"
#include "clauses/store.hpp"
#include "employment/demo.hpp"
#include "employment/store.hpp"
#include "employment/routes.hpp"
#include "events/demo.hpp"
#include "events/mail.hpp"
#include "events/routes.hpp"
#include "events/store.hpp"
#include "events/work_demo.hpp"
#include "events/work_routes.hpp"
#include "hotline/demo.hpp"
#include "hotline/routes.hpp"
#include "resources/demo.hpp"
#include "resources/routes.hpp"
#include "resources/mailing_demo.hpp"
#include "resources/mailing_routes.hpp"
#include "followup/demo.hpp"
#include "followup/routes.hpp"
#include "followup/store.hpp"
#include "network/demo.hpp"
#include "network/diagnostic_routes.hpp"
#include "network/import.hpp"
#include "network/membership_routes.hpp"
#include "network/membership_store.hpp"
#include "network/routes.hpp"
#include "network/store.hpp"
#include "network/views.hpp"

using namespace passerelle;

namespace {

std::string env(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

std::string database_url() { return env("PASSERELLE_DATABASE", "data/passerelle.db"); }

int usage() {
  std::cerr << R"(Usage : passerelle COMMANDE [options]

  serve                               démarre le serveur (PASSERELLE_LISTEN, défaut 127.0.0.1:8080)
  migrate                             applique les migrations de schéma
  demo                                charge les données de démonstration (base vide) et affiche les comptes
  user add EMAIL --name NOM --role ROLE --org ID [--password-stdin]
  user passwd EMAIL [--password-stdin]
  user disable EMAIL
  token create --user EMAIL [--name NOM]
  import organisations FICHIER [--valid-only] [--parent ID]
  export organisations [--format csv|xlsx] [--out FICHIER]
  memberships refresh                 met à jour les statuts des adhésions (passe quotidienne)
  events expire-offers                fait expirer les places proposées non acceptées et les propose aux suivants
  events send-reminders               met en file les rappels de la veille des événements
  mail send                           envoie une fois les courriels dus de la file (PASSERELLE_SMTP_URL)
  backup FICHIER                      copie cohérente d'une base SQLite en service
  bench-data --organisations N --contacts M   jeu de données de mesure
  bench-data --participants N --interactions M --referents R   suivi (mesure)
  bench-data --contracts N --hours M   clauses sociales (mesure, après demo)
  bench-data --cv-profiles N          CVthèque de mesure (après demo)
  bench-data --events N --registrations M   événements et inscriptions de mesure (après les contacts)
  bench-data --questions N            questions de la hotline de mesure (après les organisations)
  bench-data --resources N            ressources de mesure (après demo)

Variables : PASSERELLE_DATABASE (chemin SQLite ou URI postgresql://), PASSERELLE_LISTEN,
PASSERELLE_THREADS, PASSERELLE_READ_TIMEOUT (secondes, défaut 20), PASSERELLE_SECURE_COOKIES=1 derrière TLS,
PASSERELLE_TRUST_PROXY=1 derrière un proxy inverse (adresse du client lue dans X-Forwarded-For),
PASSERELLE_SMTP_URL (smtp://hôte:port ; sans elle les courriels restent en file), PASSERELLE_MAIL_FROM
(« Nom <adresse> »), PASSERELLE_PUBLIC_URL (adresse du site dans les courriels), PASSERELLE_MAIL_INTERVAL_MS,
PASSERELLE_MAIL_RETRY_DELAYS (secondes entre les essais, « 60,300,1800,… »).
)";
  return 2;
}

std::string option(const std::vector<std::string>& args, const std::string& name, const std::string& fallback = "") {
  for (std::size_t i = 0; i + 1 < args.size(); ++i)
    if (args[i] == name) return args[i + 1];
  return fallback;
}

// An organisation id typed on the command line; 0 (no organisation has it) when it is not a number.
std::int64_t id_option(const std::string& value) {
  if (value.empty() || value.size() > 18 || value.find_first_not_of("0123456789") != std::string::npos) return 0;
  return std::stoll(value);
}

bool flag(const std::vector<std::string>& args, const std::string& name) {
  return std::find(args.begin(), args.end(), name) != args.end();
}

std::string read_password(bool from_stdin) {
  std::string password;
  if (from_stdin || !isatty(STDIN_FILENO)) {
    std::getline(std::cin, password);
    return password;
  }
  termios old{};
  tcgetattr(STDIN_FILENO, &old);
  termios quiet = old;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  std::cerr << "Mot de passe : ";
  std::getline(std::cin, password);
  tcsetattr(STDIN_FILENO, TCSANOW, &old);
  std::cerr << "\n";
  return password;
}

std::unique_ptr<db::Database> open_database(int pool = 4) {
  auto database = db::open(database_url(), pool);
  return database;
}

int cmd_migrate() {
  auto database = open_database(1);
  auto applied = db::migrate(*database);
  if (applied.empty()) std::cout << "Schéma à jour.\n";
  for (auto& name : applied) std::cout << "Migration appliquée : " << name << "\n";
  {
    auto lease = database->acquire();
    if (auto n = network::rebuild_search_words(*lease, true) + followup::rebuild_participant_words(*lease, true) +
                 employment::rebuild_profile_search(*lease, true))
      std::cout << "Index de recherche reconstruit : " << n << " fiches.\n";
    clauses::ensure_builtin_rule_sets(*lease);
  }
  return 0;
}

int cmd_serve() {
  auto started = std::chrono::steady_clock::now();
  // Memory freed by a request is kept for the next one instead of being given
  // back to the system and faulted in again page by page (page faults cost
  // more than the work on this kind of machine): the events report of a
  // national year, 71,540 registrations on PostgreSQL, 149 → 87 ms. Up to
  // 32 MB free is kept per arena; blocks under 16 MB come from the heap.
  // (glibc's malloc only: the release build allocates through mimalloc, which
  // keeps freed segments for reuse by itself.)
#ifdef PASSERELLE_MIMALLOC
  const std::string allocator = fmt::format("mimalloc {}.{}.{}", mi_version() / 100, mi_version() / 10 % 10, mi_version() % 10);
#else
  const std::string allocator = "glibc";
  mallopt(M_TRIM_THRESHOLD, 32 << 20);
  mallopt(M_MMAP_THRESHOLD, 16 << 20);
  mallopt(M_TOP_PAD, 4 << 20);
#endif
  // One JSON line per request on stdout, buffered and flushed every second
  // (and at once for warnings): a write(2) per request would cost more than
  // most requests themselves.
  auto logger = std::make_shared<spdlog::logger>("passerelle", std::make_shared<spdlog::sinks::ostream_sink_mt>(std::cout));
  logger->set_pattern("%v");
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(logger);
  spdlog::flush_every(std::chrono::seconds(1));
  auto listen = env("PASSERELLE_LISTEN", "127.0.0.1:8080");
  auto colon = listen.rfind(':');
  http::ServerOptions options;
  options.address = listen.substr(0, colon);
  options.port = static_cast<unsigned short>(std::stoi(listen.substr(colon + 1)));
  int cores = static_cast<int>(std::thread::hardware_concurrency());
  options.threads = std::stoi(env("PASSERELLE_THREADS", std::to_string(std::max(4, 2 * cores))));
  options.read_timeout = std::chrono::seconds(std::stoi(env("PASSERELLE_READ_TIMEOUT", "20")));
  auto database = open_database(options.threads + 2);
  db::migrate(*database);
  {
    auto lease = database->acquire();
    network::rebuild_search_words(*lease, true);
    followup::rebuild_participant_words(*lease, true);
    employment::rebuild_profile_search(*lease, true);
    clauses::ensure_builtin_rule_sets(*lease);
    // The daily pass of membership statuses, once at start (and by `memberships refresh`).
    if (auto n = network::refresh_membership_statuses(*lease, network::membership_today()))
      spdlog::info("{{\"event\":\"memberships_refreshed\",\"changed\":{}}}", n);
    // Seats offered and not taken in time pass to the next on the waiting list.
    if (auto n = events::expire_offers(*lease, auth::now_utc()))
      spdlog::info("{{\"event\":\"event_offers_expired\",\"expired\":{}}}", n);
  }
  web::AppSettings settings;
  settings.secure_cookies = env("PASSERELLE_SECURE_COOKIES", "0") == "1";
  settings.trust_proxy = env("PASSERELLE_TRUST_PROXY", "0") == "1";
  web::App app(*database, settings);

  app.route("GET", "/healthz", web::Access::anyone(), [](web::Ctx& ctx) {
    try {
      if (ctx.db().ping()) return http::Response::text("ok\n");
    } catch (const std::exception&) {
    }
    http::metrics::database_error();
    return http::Response::text("la base de données ne répond pas\n", 503);
  });
  const bool mail_enabled = !mail::Settings::from_env().smtp_url.empty();
  app.route("GET", "/metrics", web::Access::anyone(), [mail_enabled](web::Ctx& ctx) {
    auto text = http::metrics::prometheus_text();
    try {
      text += outbox::prometheus_text(ctx.db());
      text += fmt::format("# HELP passerelle_mail_sending_enabled 1 when PASSERELLE_SMTP_URL is set.\n"
                          "# TYPE passerelle_mail_sending_enabled gauge\npasserelle_mail_sending_enabled {}\n",
                          mail_enabled ? 1 : 0);
    } catch (const std::exception&) {
      http::metrics::database_error();
    }
    auto res = http::Response::text(text);
    res.set_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    return res;
  });
  // The home page counts up to 1 000 of each, like the lists: beyond, "plus de 1 000".
  constexpr std::int64_t kHomeCap = 1000;
  auto capped = [](std::int64_t n) {
    return n > kHomeCap ? std::string("plus de 1\u202f000") : std::to_string(n);
  };
  app.route("GET", "/", web::Access::logged_in(), [capped](web::Ctx& ctx) {
    auto scope = ctx.user().scope_roots();
    network::OrgFilter all;
    network::OrgFilter siae;
    siae.kind = "siae";
    boost::json::array scopes;
    for (auto& g : ctx.user().grants)
      scopes.push_back(boost::json::object{{"label", network::role_label(g.role)}, {"organisation", g.organisation_name}});
    boost::json::object data{{"title", "Accueil"},
                             {"name", ctx.user().display_name},
                             {"scopes", scopes},
                             {"organisations", capped(network::count_organisations(ctx.db(), scope, all, kHomeCap))},
                             {"members", capped(network::count_organisations(ctx.db(), scope, siae, kHomeCap))},
                             {"contacts", capped(network::count_contacts(ctx.db(), scope, {}, kHomeCap))}};
    return web::page(ctx, "core/home", std::move(data));
  });
  auth::register_routes(app);
  network::register_routes(app);
  network::register_api_routes(app);
  followup::register_routes(app);
  followup::register_api_routes(app);
  clauses::register_routes(app);
  clauses::register_api_routes(app);
  employment::register_routes(app);
  employment::register_api_routes(app);
  network::register_membership_routes(app);
  network::register_diagnostic_routes(app);
  events::register_attendance_routes(app);
  events::register_program_routes(app);
  events::register_routes(app);
  events::register_api_routes(app);
  events::register_work_routes(app);
  hotline::register_routes(app);
  hotline::register_api_routes(app);
  resources::register_routes(app);
  resources::register_api_routes(app);
  mailings::register_routes(app);
  mailings::register_api_routes(app);
  web::register_mail_routes(app);

  // The outbox's sender, with the passes that queue mails over time: the
  // reminders of the day before, and offers not accepted in time passing on.
  mail::Sender sender(*database, mail::Settings::from_env(), {[](db::Connection& c) {
                        auto now = auth::now_utc();
                        if (auto n = events::expire_offers(c, now))
                          spdlog::info("{{\"event\":\"event_offers_expired\",\"expired\":{}}}", n);
                        if (auto n = events::queue_reminders(c, now))
                          spdlog::info("{{\"event\":\"event_reminders_queued\",\"count\":{}}}", n);
                      }});

  options.on_listening = [&] {
    auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    spdlog::info(
        "{{\"event\":\"listening\",\"address\":\"{}\",\"port\":{},\"threads\":{},\"allocator\":\"{}\",\"startup_ms\":{:.1f}}}",
        options.address, http::bound_port(), options.threads, allocator, ms);
    spdlog::default_logger()->flush();
  };
  http::serve(options, [&app](http::Request& req) { return app.handle(req); });
  // Before the logger goes: the sender's last lines still have somewhere to go.
  sender.stop();
  spdlog::info("{}", R"({"event":"stopped"})");
  spdlog::default_logger()->flush();
  spdlog::shutdown();
  return 0;
}

int cmd_user(const std::vector<std::string>& args) {
  if (args.size() < 2) return usage();
  auto database = open_database(1);
  auto lease = database->acquire();
  auto& db = *lease;
  const auto& sub = args[0];
  const auto& email = args[1];
  if (sub == "add") {
    auto name = option(args, "--name");
    auto role = option(args, "--role");
    auto org = option(args, "--org");
    if (name.empty() || !auth::is_role(role) || org.empty()) {
      std::cerr << "Indiquez --name, --role (admin, network, supervisor, referent, facilitator, partner, member) et --org ID.\n";
      return 2;
    }
    if (auth::find_user_id(db, email)) {
      std::cerr << "Un compte existe déjà pour " << email << ".\n";
      return 1;
    }
    auto r = db.query("SELECT id FROM organisations WHERE id = ?", {id_option(org)});
    if (r.empty()) {
      std::cerr << "Organisation " << org << " introuvable.\n";
      return 1;
    }
    auto password = read_password(flag(args, "--password-stdin"));
    if (auto weak = auth::check_password_strength(password)) {
      std::cerr << *weak << "\n";
      return 1;
    }
    db::Transaction tx(db);
    auto id = auth::add_user(db, email, name, password);
    auth::grant_role(db, id, id_option(org), role);
    audit::record(db, 0, "create", "user", id, fmt::format("{} ({} à l'organisation {}) — ligne de commande", email, role, org));
    tx.commit();
    std::cout << "Compte créé : " << email << " (" << role << ")\n";
    return 0;
  }
  auto id = auth::find_user_id(db, email);
  if (!id) {
    std::cerr << "Aucun compte pour " << email << ".\n";
    return 1;
  }
  if (sub == "passwd") {
    auto password = read_password(flag(args, "--password-stdin"));
    if (auto weak = auth::check_password_strength(password)) {
      std::cerr << *weak << "\n";
      return 1;
    }
    auth::set_password(db, *id, password);
    audit::record(db, 0, "update", "user", *id, "mot de passe changé — ligne de commande");
    std::cout << "Mot de passe changé pour " << email << ".\n";
    return 0;
  }
  if (sub == "disable") {
    auth::set_disabled(db, *id, true);
    audit::record(db, 0, "update", "user", *id, "compte désactivé — ligne de commande");
    std::cout << "Compte désactivé : " << email << ".\n";
    return 0;
  }
  return usage();
}

int cmd_token(const std::vector<std::string>& args) {
  if (args.empty() || args[0] != "create") return usage();
  auto email = option(args, "--user");
  auto database = open_database(1);
  auto lease = database->acquire();
  auto id = auth::find_user_id(*lease, email);
  if (!id) {
    std::cerr << "Aucun compte pour " << email << ".\n";
    return 1;
  }
  auto token = auth::create_token(*lease, *id, option(args, "--name", "ligne de commande"));
  audit::record(*lease, *id, "token_create", "api_token", 0, "ligne de commande");
  std::cout << token << "\n";
  return 0;
}

int cmd_import(const std::vector<std::string>& args) {
  if (args.size() < 2 || args[0] != "organisations") return usage();
  std::ifstream in(args[1], std::ios::binary);
  if (!in) {
    std::cerr << "Impossible de lire " << args[1] << ".\n";
    return 1;
  }
  std::stringstream buf;
  buf << in.rdbuf();
  auto database = open_database(1);
  auto lease = database->acquire();
  auto& db = *lease;
  network::Scope everything{""};  // the command line is the administrator's tool: whole forest
  std::optional<network::Organisation> parent;
  if (auto p = option(args, "--parent"); !p.empty()) {
    parent = network::get_organisation(db, everything, id_option(p));
    if (!parent) {
      std::cerr << "Organisation parente " << p << " introuvable.\n";
      return 1;
    }
  }
  auto plan = network::plan_organisation_import(db, everything, buf.str(), parent);
  if (!plan.fatal.empty()) {
    std::cerr << "Fichier refusé : " << plan.fatal << "\n";
    return 1;
  }
  for (auto& e : plan.errors)
    std::cerr << fmt::format("ligne {} ; {} ; {}\n", e.line, e.field.empty() ? "—" : e.field, e.message);
  std::cout << fmt::format("{} lignes lues, {} valides, {} rejetées.\n", plan.data_lines, plan.valid.size(),
                           plan.rejected_lines());
  if (!plan.errors.empty() && !flag(args, "--valid-only")) {
    std::cout << "Rien n'a été importé. Corrigez le fichier, ou relancez avec --valid-only pour importer les lignes valides.\n";
    return 1;
  }
  auto count = network::apply_organisation_import(db, everything, plan, parent);
  audit::record(db, 0, "import", "organisation", 0, fmt::format("{} : {} organisations — ligne de commande", args[1], count));
  std::cout << count << " organisation(s) importée(s).\n";
  return 0;
}

int cmd_export(const std::vector<std::string>& args) {
  if (args.empty() || args[0] != "organisations") return usage();
  auto format = option(args, "--format", "csv");
  auto database = open_database(1);
  auto lease = database->acquire();
  network::OrgFilter f;
  f.limit = 1000;
  std::vector<std::vector<std::string>> rows{network::export_header()};
  while (true) {
    auto page = network::list_organisations(*lease, {""}, f);
    for (auto& o : page) rows.push_back(network::export_row(o));
    if (static_cast<int>(page.size()) < f.limit) break;
    f.after_key = page.back().sort_name;
    f.after_id = page.back().id;
  }
  std::string data = format == "xlsx" ? xlsx::workbook("Organisations", rows) : csv::write(rows, ';', true);
  audit::record(*lease, 0, "export", "organisation", 0, fmt::format("{} lignes ({}) — ligne de commande", rows.size() - 1, format));
  auto out = option(args, "--out");
  if (out.empty()) {
    std::cout << data;
  } else {
    std::ofstream(out, std::ios::binary) << data;
    std::cerr << rows.size() - 1 << " organisation(s) exportée(s) dans " << out << ".\n";
  }
  return 0;
}

int cmd_backup(const std::vector<std::string>& args) {
  if (args.empty()) return usage();
  auto database = open_database(1);
  try {
    database->backup_to(args[0]);
  } catch (const db::Error& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
  std::cout << "Sauvegarde écrite dans " << args[0] << ".\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) return usage();
  auto command = args[0];
  std::vector<std::string> rest(args.begin() + 1, args.end());
  try {
    if (command == "serve") return cmd_serve();
    if (command == "migrate") return cmd_migrate();
    if (command == "demo") {
      auto database = open_database(1);
      db::migrate(*database);
      auto lease = database->acquire();
      if (!network::load_demo(*lease, std::cout)) return 1;
      followup::load_demo(*lease, std::cout);
      clauses::load_demo(*lease, std::cout);
      employment::load_demo(*lease, std::cout);
      events::load_demo(*lease, std::cout);
      events::load_work_demo(*lease, std::cout);
      hotline::load_demo(*lease, std::cout);
      resources::load_demo(*lease, std::cout);
      // After the resource library's demo when there is one: mailings carry its resources.
      mailings::load_demo(*lease, std::cout);
      return 0;
    }
    if (command == "bench-data") {
      auto database = open_database(1);
      db::migrate(*database);
      auto lease = database->acquire();
      // The CV library (issue 4) alone: bench-data --cv-profiles N.
      if (auto cv = option(rest, "--cv-profiles"); !cv.empty()) {
        employment::load_bench_data(*lease, std::stoll(cv), std::cout);
        lease->execute_script("ANALYZE");
        return 0;
      }
      // Hotline (issue 6): bench-data --questions N, after the organisations.
      if (auto hq = option(rest, "--questions"); !hq.empty()) {
        hotline::load_bench_data(*lease, std::stoll(hq), std::cout);
        lease->execute_script("ANALYZE");
        return 0;
      }
      // Resources (issue 6): bench-data --resources N, after demo.
      if (auto rn = option(rest, "--resources"); !rn.empty()) {
        resources::load_bench_data(*lease, std::stoll(rn), std::cout);
        lease->execute_script("ANALYZE");
        return 0;
      }
      // Events (issue 5): bench-data --events N --registrations M, after the organisations and contacts.
      if (auto ev = option(rest, "--events"); !ev.empty()) {
        events::load_bench_data(*lease, std::stoll(ev), std::stoll(option(rest, "--registrations", "0")), std::cout);
        lease->execute_script("ANALYZE");
        return 0;
      }
      // The follow-up options (issue 3) may be given alone: then only they are generated.
      const auto participants = option(rest, "--participants"), interactions = option(rest, "--interactions"),
                 referents = option(rest, "--referents");
      const auto clause_contracts = option(rest, "--contracts"), clause_hours = option(rest, "--hours");
      const bool followup_only = (!participants.empty() || !clause_contracts.empty()) &&
                                 option(rest, "--organisations").empty() && option(rest, "--contacts").empty();
      if (!followup_only)
        network::load_bench_data(*lease, std::stoll(option(rest, "--organisations", "100000")),
                                 std::stoll(option(rest, "--contacts", "300000")), std::cout);
      if (!participants.empty())
        followup::load_followup_bench_data(*lease, std::stoll(participants),
                                           interactions.empty() ? 0 : std::stoll(interactions),
                                           referents.empty() ? 0 : std::stoll(referents), std::cout);
      if (!clause_contracts.empty())
        clauses::load_clauses_bench_data(*lease, std::stoll(clause_contracts),
                                         clause_hours.empty() ? 0 : std::stoll(clause_hours), std::cout);
      // Statistics for the query planners (SQLite has none until ANALYZE):
      // without them a national dataset is read through the wrong indexes.
      lease->execute_script("ANALYZE");
      std::cout << "Statistiques du planificateur mises à jour (ANALYZE).\n";
      return 0;
    }
    if (command == "user") return cmd_user(rest);
    if (command == "token") return cmd_token(rest);
    if (command == "import") return cmd_import(rest);
    if (command == "export") return cmd_export(rest);
    if (command == "backup") return cmd_backup(rest);
    if (command == "events" && rest.size() == 1 && rest[0] == "expire-offers") {
      auto database = open_database(1);
      db::migrate(*database);
      auto lease = database->acquire();
      auto n = events::expire_offers(*lease, auth::now_utc());
      std::cout << "Places proposées expirées : " << n << ".\n";
      return 0;
    }
    if (command == "events" && rest.size() == 1 && rest[0] == "send-reminders") {
      auto database = open_database(1);
      db::migrate(*database);
      auto lease = database->acquire();
      auto n = events::queue_reminders(*lease, auth::now_utc());
      std::cout << "Rappels mis en file : " << n << " (envoyés par le serveur ou par « passerelle mail send »).\n";
      return 0;
    }
    if (command == "mail" && rest.size() == 1 && rest[0] == "send") {
      auto database = open_database(1);
      db::migrate(*database);
      auto settings = mail::Settings::from_env();
      if (settings.smtp_url.empty()) {
        std::cerr << "PASSERELLE_SMTP_URL n'est pas défini : rien n'est envoyé, les courriels restent en file.\n";
        return 1;
      }
      // One JSON line per message on stderr; the summary alone on stdout.
      auto log = std::make_shared<spdlog::logger>("passerelle", std::make_shared<spdlog::sinks::stderr_sink_mt>());
      log->set_pattern("%v");
      spdlog::set_default_logger(log);
      auto d = mail::drain_once(*database, settings);
      std::cout << fmt::format("Courriels envoyés : {} ; à réessayer plus tard : {} ; en échec : {} ; devenus incertains : {}.\n",
                               d.sent, d.retried, d.failed, d.uncertain);
      return 0;
    }
    if (command == "memberships" && rest.size() == 1 && rest[0] == "refresh") {
      auto database = open_database(1);
      db::migrate(*database);
      auto lease = database->acquire();
      auto n = network::refresh_membership_statuses(*lease, network::membership_today());
      std::cout << "Statuts des adhésions mis à jour : " << n << " changement(s).\n";
      return 0;
    }
  } catch (const std::exception& e) {
    std::cerr << "Erreur : " << e.what() << "\n";
    return 1;
  }
  return usage();
}
