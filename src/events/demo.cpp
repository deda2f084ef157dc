// Demo events, from the seeds:
// - seed 000: during the first lockdown, the 20 April 2020 videoconference that
//   joined the members of Île-de-France and Centre-Val de Loire, the payroll
//   webinar at the end of April with an accounting firm of Hauts-de-France, and
//   the 7 May 2020 meeting on the support of publics;
// - seed 001: the 31 January 2023 PACA members' day (about thirty members, three
//   world-café round tables, a plenary review, a vegetarian lunch option) and
//   the next one announced for Thursday 6 April 2023;
// - seed 002: the 8 December 2021 Pays de la Loire day on the relation with
//   prescribers, with its two round tables (Solipass took part);
// - seed 004: the national congress in Lille, 25–26 November 2021.
// Plus one upcoming Pays de la Loire webinar, open for registration, so that
// the demo member (Solipass) can register.
#include "events/demo.hpp"

#include <fmt/format.h>

#include <chrono>
#include <stdexcept>
#include <vector>

#include "core/auth/auth.hpp"
#include "events/attendance.hpp"
#include "events/store.hpp"

namespace passerelle::events {
namespace {

struct OrgRef {
  std::int64_t id = 0;
  std::string region;
};

OrgRef org(db::Connection& db, const std::string& name) {
  auto r = db.query("SELECT id, region FROM organisations WHERE name = ?", {name});
  if (r.empty()) throw std::runtime_error(fmt::format("démo événements : « {} » introuvable", name));
  return {r.rows[0].integer(0), r.rows[0].text(1)};
}

std::int64_t event(db::Connection& db, const char* kind, const char* title, const char* starts, const char* ends,
                   const char* venue, const char* visio, const OrgRef& organiser, std::optional<std::int64_t> capacity,
                   const char* themes, const char* status, std::vector<std::string> regions,
                   const std::vector<SessionInput>& sessions = {}, const char* description = "") {
  EventValues v;
  v.kind = kind;
  v.title = title;
  v.description = description;
  v.starts_at = *paris_to_utc(starts);
  v.ends_at = *paris_to_utc(ends);
  v.venue = venue;
  v.visio_url = visio;
  v.organiser_id = organiser.id;
  v.capacity = capacity;
  v.themes = themes;
  v.status = status;
  v.regions = std::move(regions);
  return create_event(db, v, sessions);
}

// Past registrations, written as they ended (the window is closed now).
void attend(db::Connection& db, std::int64_t event_id, const std::string& organisation, const char* status,
            const char* dietary = "", std::vector<int> session_positions = {}) {
  auto contacts = db.query(
      "SELECT c.id, o.id FROM contacts c JOIN contact_organisations co ON co.contact_id = c.id "
      "JOIN organisations o ON o.id = co.organisation_id WHERE o.name = ? ORDER BY c.id",
      {organisation});
  auto at = db.query("SELECT created_at FROM events WHERE id = ?", {event_id}).rows[0].text(0);
  for (auto& c : contacts.rows) {
    auto id = db.query("INSERT INTO registrations (event_id, contact_id, organisation_id, status, dietary, created_at, "
                       "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                       {event_id, c.integer(0), c.integer(1), status, dietary, at, at})
                  .rows[0]
                  .integer(0);
    db.query("INSERT INTO registration_status_history (registration_id, from_status, to_status, reason, changed_at) "
             "VALUES (?, NULL, ?, 'Données de démonstration', ?)",
             {id, status, at});
    for (int pos : session_positions)
      db.query("INSERT INTO registration_sessions (registration_id, session_id) SELECT ?, id FROM event_sessions "
               "WHERE event_id = ? AND position = ?",
               {id, event_id, pos});
  }
}

}  // namespace

void load_demo(db::Connection& db, std::ostream& out) {
  db::Transaction tx(db);
  auto idf = org(db, "Délégation Île-de-France"), cvl = org(db, "Délégation Centre-Val de Loire"),
       paca = org(db, "Délégation Provence-Alpes-Côte d'Azur"), pdl = org(db, "Délégation Pays de la Loire"),
       fed = org(db, "Fédération Passerelle"), hdf = org(db, "Délégation Hauts-de-France");

  auto covid = event(db, "videoconference", "Réunion des adhérents Île-de-France et Centre-Val de Loire",
                     "2020-04-20T10:00", "2020-04-20T12:00", "", "https://zoom.us/j/2020042010", idf, 60,
                     "crise sanitaire, plan d'action post COVID-19", "done", {idf.region, cvl.region}, {},
                     "Actualité de la crise, partage d'expériences et de pratiques, perspectives d'un plan d'action "
                     "post COVID-19.");
  attend(db, covid, "Rebond 93 — Association intermédiaire", "attended");
  attend(db, covid, "Les Jardins de Montreuil", "attended");
  attend(db, covid, "Orléans Services Emploi", "attended");
  auto payroll = event(db, "webinar", "Webinaire thématique : la paie pendant la crise", "2020-04-28T14:00",
                       "2020-04-28T15:30", "", "https://zoom.us/j/2020042814", idf, 100, "paie, activité partielle",
                       "done", {idf.region}, {},
                       "Avec le cabinet d'expertise comptable de nos collègues des Hauts-de-France.");
  // Seed 000: the accounting firm of the Hauts-de-France colleagues speaks.
  db.query("INSERT INTO event_speakers (event_id, contact_id, organisation_id, topic, position) SELECT ?, c.id, o.id, "
           "'La paie et l''activité partielle pendant la crise', 1 FROM contacts c JOIN contact_organisations co ON "
           "co.contact_id = c.id JOIN organisations o ON o.id = co.organisation_id WHERE o.name = "
           "'Cabinet Nord Expertise comptable' ORDER BY c.id LIMIT 1",
           {payroll});
  event(db, "videoconference", "Troisième réunion : l'accompagnement des publics pendant le confinement",
        "2020-05-07T10:00", "2020-05-07T12:00", "", "https://zoom.us/j/2020050710", idf, 60,
        "accompagnement des publics, CIP, reprise", "done", {idf.region, cvl.region});

  auto paca_day = event(
      db, "members_day", "Journée des adhérents PACA", "2023-01-31T09:00", "2023-01-31T17:00",
      "Mas Le Cagnard, Aix-en-Provence", "", paca, 35, "PASS IAE, formation, modèle économique", "done",
      {paca.region},
      {{"Table ronde 1 : anticiper la fin du PASS IAE", "PASS IAE", 12},
       {"Table ronde 2 : coopération nationale et territoriale pour la formation", "formation", 12},
       {"Table ronde 3 : repenser le modèle économique des SIAE", "modèle économique", 12}},
      "Matinée en plénière, après-midi en World café sur trois tables rondes, bilan en séance plénière. Déjeuner de "
      "produits locaux et de saison, version végétarienne.");
  attend(db, paca_day, "Marseille Recyclage", "attended", "", {1, 3});
  attend(db, paca_day, "Calanques Nature Insertion", "attended", "végétarien", {2});
  auto paca_next = event(db, "members_day", "Journée des adhérents PACA — suite", "2023-04-06T09:30",
                         "2023-04-06T16:30", "Marseille", "", paca, 35, "rapport IGAS, projet France Travail, PASS IAE",
                         "done", {paca.region});
  attend(db, paca_next, "Marseille Recyclage", "attended");
  attend(db, paca_next, "Calanques Nature Insertion", "no_show");
  // Seed 001's outcome: what was said, and the next date announced to the same audience.
  OutcomeInput outcome;
  outcome.synthesis =
      "Une trentaine d'adhérents réunis au Mas Le Cagnard. Le matin, en plénière : le contexte incertain des SIAE et "
      "l'importance du réseau, les alternatives au PASS IAE, l'expérimentation TZCLD, les offres de services et de "
      "formation.\n\nL'après-midi en World café, trois tables rondes : anticiper la fin du PASS IAE pour le maintien "
      "de certains publics en AI ; renforcer la coopération nationale et territoriale pour la formation (financements, "
      "stratégie, développement) ; repenser le modèle économique des SIAE (diversification vers des activités "
      "tierces).\n\nBilan des trois tables rondes en séance plénière. D'autres journées de travail suivront dans "
      "l'année.";
  save_outcome(db, paca_day, outcome);
  db.query("UPDATE events SET next_event_id = ? WHERE id = ?", {paca_next, paca_day});

  auto pdl_day = event(
      db, "members_day", "Journée Pays de la Loire : la relation avec les prescripteurs", "2021-12-08T09:30",
      "2021-12-08T16:30", "Nantes", "", pdl, 40, "recrutement, prescripteurs", "done", {pdl.region},
      {{"Table ronde 1 : difficultés de recrutement, témoignage avec Pôle emploi", "recrutement", 20},
       {"Table ronde 2 : associations intermédiaires et collectivités", "prescripteurs", 20}},
      "Résultats du groupe de travail « difficultés de recrutement dans les SIAE » mené depuis janvier 2021.");
  attend(db, pdl_day, "Solipass", "attended", "", {1});
  attend(db, pdl_day, "Association intermédiaire Erdre et Loire", "attended", "", {2});

  std::vector<std::string> all_regions;
  for (auto& r : db.query("SELECT DISTINCT region FROM organisations WHERE kind = 'delegation' ORDER BY region").rows)
    all_regions.push_back(r.text(0));
  event(db, "congress", "Congrès national", "2021-11-25T09:00", "2021-11-26T17:00", "Lille Grand Palais", "", fed,
        600, "participation, insertion", "done", all_regions,
        {{"Atelier de restitution du cycle participation", "participation", 80},
         {"Table ronde en plénière", "insertion", std::nullopt}});
  (void)hdf;

  // Upcoming, open: in two months, registrations until the day before.
  auto now = std::chrono::system_clock::now() + std::chrono::days(60);
  auto day = std::chrono::year_month_day(std::chrono::floor<std::chrono::days>(now));
  auto date = fmt::format("{:04}-{:02}-{:02}", int(day.year()), unsigned(day.month()), unsigned(day.day()));
  auto upcoming = event(db, "webinar", "Webinaire : recruter avec les prescripteurs du territoire",
                        (date + "T14:00").c_str(), (date + "T15:30").c_str(), "", "https://visio.passerelle.fr/pdl",
                        pdl, 50, "recrutement, prescripteurs", "published", {pdl.region});
  // Open to all: prescribers and partners are welcome too.
  db.query("UPDATE events SET open_to_all = 1 WHERE id = ?", {upcoming});
  tx.commit();
  out << "Événements : 8 (dont 1 ouvert aux inscriptions).\n";
}

}  // namespace passerelle::events
