#include "resources/mailing_demo.hpp"

#include <fmt/format.h>

#include "core/auth/auth.hpp"
#include "core/web/app.hpp"
#include "resources/mailing_store.hpp"

namespace passerelle::mailings {
namespace {

// Seed 000: "Dès l'annonce du confinement, l'équipe de la délégation s'est
// mobilisée pour centraliser et diffuser dans le réseau les informations dont
// nous disposions : mesures sanitaires, questions juridiques et économiques…"
constexpr const char* kLockdownBody =
    "Dès l'annonce du confinement, l'équipe de la délégation s'est mobilisée pour centraliser et diffuser dans le "
    "réseau les informations dont nous disposons : mesures sanitaires, questions juridiques et économiques.\n\n"
    "Vous trouverez ci-dessous les notes adressées à la Direccte et à la Région Île-de-France au nom de "
    "l'inter-réseau, ainsi que les fiches pratiques mises à jour.\n\n"
    "Notre hotline reste ouverte pour répondre individuellement à vos questions, et nous organisons des réunions en "
    "visioconférence : la première aura lieu le 20 avril avec les adhérents d'Île-de-France et du Centre-Val de Loire.";

// Seed 003: "des ressources pédagogiques sont constituées et envoyées
// régulièrement aux publics (outils bureautiques, infos métiers, formations
// gratuites en ligne, outils de techniques de recherche d'emploi)…"
constexpr const char* kWeeklyBody =
    "Voici les ressources de la semaine pour continuer votre parcours pendant le confinement : outils bureautiques, "
    "informations sur les métiers, formations gratuites en ligne et conseils pour votre recherche d'emploi.\n\n"
    "Vous y trouverez aussi les aides près de chez vous : alimentation, espaces numériques, santé et soutien "
    "psychologique, famille, démarches administratives et appui juridique gratuit.\n\n"
    "Votre référent·e PLIE vous appelle comme d'habitude tous les 15 jours. N'hésitez pas à lui répondre par "
    "téléphone ou par mail si vous avez une question.";

std::vector<std::int64_t> ids_of(const db::Result& r) {
  std::vector<std::int64_t> out;
  for (auto& row : r.rows) out.push_back(row.integer(0));
  return out;
}

}  // namespace

void load_demo(db::Connection& db, std::ostream& out) {
  auto idf = db.query("SELECT id FROM organisations WHERE name = 'Délégation Île-de-France'");
  auto network_user = auth::find_user_id(db, "network@demo.passerelle.fr");
  if (idf.empty() || !network_user) {
    out << "Diffusions : délégation Île-de-France absente, données de démonstration non chargées.\n";
    return;
  }
  const auto sender = idf.rows[0].integer(0);
  const auto now = auth::now_utc();

  // 1. The lockdown information to the members' contacts of Île-de-France (sent).
  MailingValues lockdown;
  lockdown.organisation_id = sender;
  lockdown.subject = "Confinement : mesures sanitaires, questions juridiques et économiques — les informations du réseau";
  lockdown.body = kLockdownBody;
  lockdown.audience = "contacts";
  lockdown.region = "11";
  lockdown.resource_ids = ids_of(db.query(
      "SELECT id FROM resources WHERE status = 'published' AND pedagogical = 0 AND (audience IN ('public', 'members') "
      "OR (audience = 'region' AND region = '11')) ORDER BY published_on, id LIMIT 3"));
  std::int64_t first_id = 0, second_id = 0;
  {
    db::Transaction tx(db);
    first_id = create_mailing(db, lockdown, *network_user, now);
    start_sending(db, first_id, *network_user, now);
    tx.commit();
  }
  auto queued = queue_all(db, first_id, web::public_url());
  // Sent in the spring of 2020: the demo's relay must not send them again.
  db.query("UPDATE mail_outbox SET status = 'sent', attempts = 1, sent_at = ?, updated_at = ? WHERE id IN "
           "(SELECT mail_id FROM mailing_recipients WHERE mailing_id = ?)",
           {now, now, first_id});

  // 2. The weekly pedagogical mailing of the PLIE to its participants (draft).
  auto plie = db.query("SELECT p.id FROM programmes p JOIN organisations o ON o.id = p.organisation_id "
                       "WHERE o.name = 'PLIE de Paris' AND p.kind = 'plie' ORDER BY p.id LIMIT 1");
  if (!plie.empty()) {
    MailingValues weekly;
    weekly.organisation_id = sender;
    weekly.subject = "PLIE de Paris — vos ressources de la semaine : outils numériques, formations gratuites, aides";
    weekly.body = kWeeklyBody;
    weekly.audience = "participants";
    weekly.programme_id = plie.rows[0].integer(0);
    weekly.resource_ids = ids_of(db.query(
        "SELECT id FROM resources WHERE status = 'published' AND pedagogical = 1 ORDER BY published_on DESC, id DESC "
        "LIMIT 6"));
    db::Transaction tx(db);
    second_id = create_mailing(db, weekly, *network_user, now);
    tx.commit();
  }
  out << fmt::format("Diffusions : 1 envoyée ({} destinataires){}.\n", queued,
                     second_id ? ", 1 brouillon pour les participants du PLIE" : "");
}

}  // namespace passerelle::mailings
