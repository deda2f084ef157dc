// Demo data of working groups and funded projects, from the seeds:
// - seed 002: the Pays de la Loire working group on recruitment difficulties in
//   SIAE, running since January 2021, whose results fed the 8 December 2021 day;
// - seed 004: the participation cycle, June 2021 → June 2022, funded by three
//   foundations: ten sessions in Hauts-de-France (six discussion cafés, four
//   experience workshops), 42 employees in insertion, a written synthesis and
//   five videos of 2 to 5 minutes.
// Every figure shown (activities done, participants, amounts) is computed from
// these rows, never typed: the participants are registrations marked present.
#include "events/work_demo.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "core/auth/auth.hpp"
#include "events/rules.hpp"
#include "events/store.hpp"
#include "events/work_store.hpp"
#include "network/demo.hpp"
#include "network/store.hpp"

namespace passerelle::events {
namespace {

std::int64_t org_id(db::Connection& db, const std::string& name) {
  auto r = db.query("SELECT id FROM organisations WHERE name = ?", {name});
  if (r.empty()) throw std::runtime_error(fmt::format("démo groupes et projets : « {} » introuvable", name));
  return r.rows[0].integer(0);
}

std::int64_t contact_id(db::Connection& db, const std::string& first, const std::string& last) {
  auto r = db.query("SELECT id FROM contacts WHERE first_name = ? AND last_name = ?", {first, last});
  if (r.empty()) throw std::runtime_error(fmt::format("démo groupes et projets : contact {} {} introuvable", first, last));
  return r.rows[0].integer(0);
}

std::int64_t new_org(db::Connection& db, const std::string& name, const char* kind, std::int64_t parent,
                     const char* postcode, const char* commune, const char* insee, std::int64_t n) {
  network::OrganisationInput in;
  in.name = name;
  in.kind = kind;
  in.siret = network::demo_siret(91000000 + n * 104729);
  in.address = "1 place de la Gare";
  in.postcode = postcode;
  in.commune = commune;
  in.commune_insee = insee;
  in.department = network::department_of_postcode(postcode).value_or("");
  return network::create_organisation(db, in, network::get_organisation(db, {""}, parent));
}

std::int64_t new_contact(db::Connection& db, const std::string& first, const std::string& last, const char* function,
                         std::int64_t organisation, const std::string& email = "", const std::string& phone = "") {
  network::ContactInput in;
  in.first_name = first;
  in.last_name = last;
  in.function_title = function;
  in.email = email;
  in.phone = phone;
  in.organisation_ids = {std::to_string(organisation)};
  return network::create_contact(db, in);
}

std::int64_t done_event(db::Connection& db, const char* kind, const std::string& title, const std::string& starts,
                        const std::string& ends, const std::string& venue, std::int64_t organiser,
                        const std::string& region, const char* themes) {
  EventValues v;
  v.kind = kind;
  v.title = title;
  v.starts_at = *paris_to_utc(starts);
  v.ends_at = *paris_to_utc(ends);
  v.venue = venue;
  v.organiser_id = organiser;
  v.capacity = 20;
  v.themes = themes;
  v.status = "done";
  v.regions = {region};
  return create_event(db, v);
}

// A registration as it ended (present or absent), with its history row.
void mark(db::Connection& db, std::int64_t event_id, std::int64_t contact, std::int64_t organisation, const char* status) {
  auto at = db.query("SELECT created_at FROM events WHERE id = ?", {event_id}).rows[0].text(0);
  auto id = db.query("INSERT INTO registrations (event_id, contact_id, organisation_id, status, created_at, updated_at) "
                     "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                     {event_id, contact, organisation, status, at, at})
                .rows[0]
                .integer(0);
  db.query("INSERT INTO registration_status_history (registration_id, from_status, to_status, reason, changed_at) "
           "VALUES (?, NULL, ?, 'Données de démonstration', ?)",
           {id, status, at});
}

// The demo's writes go through the store's checks; a refusal is a bug of the demo.
void must(const web::Errors& errors) {
  if (!errors.empty()) throw std::runtime_error("démo groupes et projets : " + errors[0].message);
}
void must(const std::variant<std::int64_t, web::Errors>& result) {
  if (auto* e = std::get_if<web::Errors>(&result)) must(*e);
}

DeliverableValues deliverable(const char* kind, const std::string& title, const char* date, const std::string& url,
                              const std::string& file, std::optional<std::int64_t> seconds, const char* status) {
  DeliverableValues d;
  d.kind = kind;
  d.title = title;
  d.dated_on = date;
  d.url = url;
  d.file_ref = file;
  d.duration_seconds = seconds;
  d.status = status;
  return d;
}

void load_group(db::Connection& db, const WorkAccess& all) {
  auto pdl = org_id(db, "Délégation Pays de la Loire");
  auto region = db.query("SELECT region FROM organisations WHERE id = ?", {pdl}).rows[0].text(0);
  GroupValues g;
  g.title = "Difficultés de recrutement dans les SIAE";
  g.description =
      "Groupe de travail régional ouvert en janvier 2021 : comprendre pourquoi les structures peinent à recruter, "
      "travailler la relation avec les prescripteurs et partager les pratiques qui marchent. Ses résultats ont été "
      "présentés à la journée du 8 décembre 2021.";
  g.organiser_id = pdl;
  g.starts_on = "2021-01-14";
  g.status = "active";
  auto id = create_group(db, g, 0);
  struct M {
    const char* org;
    const char* first;
    const char* last;
    const char* role;
  };
  for (auto& m : {M{"Solipass", "Pierre", "Morel", "pilot"},
                  M{"Association intermédiaire Erdre et Loire", nullptr, nullptr, "member"},
                  M{"Maison de l'emploi de Nantes", "Sébastien", "Roux", "member"},
                  M{"France Travail Nantes Centre", "Camille", "Faure", "expert"}}) {
    MemberValues v;
    v.organisation_id = org_id(db, m.org);
    if (m.first) v.contact_id = contact_id(db, m.first, m.last);
    v.role = m.role;
    v.joined_on = "2021-01-14";
    must(add_member(db, all, id, v));
  }
  auto meetings = {
      done_event(db, "videoconference", "Groupe recrutement : réunion de lancement", "2021-01-14T14:00",
                 "2021-01-14T16:00", "En visioconférence", pdl, region, "recrutement"),
      done_event(db, "workshop", "Groupe recrutement : les freins à l'embauche", "2021-03-18T09:30", "2021-03-18T12:30",
                 "Nantes", pdl, region, "recrutement, mobilité"),
      done_event(db, "workshop", "Groupe recrutement : travailler avec les prescripteurs", "2021-06-10T09:30",
                 "2021-06-10T12:30", "Saint-Nazaire", pdl, region, "recrutement, prescripteurs"),
  };
  for (auto e : meetings) must(add_meeting(db, all, id, std::to_string(e)));
  auto day = db.query("SELECT id FROM events WHERE title = 'Journée Pays de la Loire : la relation avec les prescripteurs'");
  if (!day.empty()) must(add_meeting(db, all, id, std::to_string(day.rows[0].integer(0))));
  add_deliverable(db, id, std::nullopt,
                  deliverable("note", "Note : pourquoi les SIAE peinent à recruter", "2021-12-08", "",
                              "note-difficultes-recrutement-2021.pdf", std::nullopt, "delivered"));
  add_deliverable(db, id, std::nullopt,
                  deliverable("report", "Guide des bonnes pratiques avec les prescripteurs", "2022-06-30", "", "",
                              std::nullopt, "in_progress"));
}

void load_project(db::Connection& db, const WorkAccess& all) {
  auto fed = org_id(db, "Fédération Passerelle"), hdf = org_id(db, "Délégation Hauts-de-France");
  auto region = db.query("SELECT region FROM organisations WHERE id = ?", {hdf}).rows[0].text(0);
  // Plausible foundations, as in seed 004 (an association, a charity and a company foundation).
  auto hourdin = new_org(db, "Association Parole et Engagement", "funder", fed, "75006", "Paris", "75106", 1);
  auto secours = new_org(db, "Secours solidaire", "funder", fed, "75007", "Paris", "75107", 2);
  auto fondation = org_id(db, "Fondation Agir pour l'inclusion");
  std::int64_t structures[] = {org_id(db, "Nord Intérim Insertion"), org_id(db, "GEIQ Propreté Hauts-de-France")};

  ProjectValues p;
  p.title = "Cycle participation : la parole des salariés en insertion";
  p.goal =
      "Favoriser la participation et l'expression des salariés en insertion à la vie de leur entreprise et recueillir "
      "leur parole sur leurs conditions de travail, pour proposer des orientations aux entreprises du réseau.";
  p.carrier_id = hdf;
  p.starts_on = "2021-06-01";
  p.ends_on = "2022-06-30";
  p.status = "done";
  p.target_participants = 40;
  p.contact_id = new_contact(db, "Sébastien", "Garnier", "Chef des projets économiques", hdf,
                             "sebastien.garnier@hdf.demo.passerelle.fr", "07 00 00 45 78");
  auto id = create_project(db, p, 0);
  for (auto [org, cents] : {std::pair{hourdin, 1500000}, std::pair{secours, 1000000}, std::pair{fondation, 2000000}})
    must(add_funder(db, all, id, FunderValues{org, cents}));

  // 42 employees in insertion, in the two member structures of Hauts-de-France.
  static const char* kFirst[] = {"Karima", "Dylan", "Sandrine", "Mohamed", "Laetitia", "Kevin", "Nadia",
                                 "Jordan", "Fatima", "Steven", "Aurore",  "Moussa", "Cindy",   "Anthony"};
  static const char* kLast[] = {"Lemaire", "Dufour", "Boucher", "Carpentier"};
  std::vector<std::pair<std::int64_t, std::int64_t>> people;  // contact, organisation
  for (int i = 0; i < 42; ++i) {
    auto org = structures[i % 2];
    people.emplace_back(new_contact(db, kFirst[i % 14], fmt::format("{}-{}", kLast[i / 14 % 4], i + 1),
                                    "Salarié·e en parcours d'insertion", org),
                        org);
  }

  struct S {
    const char* kind;
    const char* activity_kind;
    const char* title;
    const char* day;
    const char* venue;
  };
  const S sessions[] = {
      {"discussion_cafe", "discussion_cafe", "Café discussion 1 : ma place dans l'entreprise", "2021-06-17", "Lille"},
      {"discussion_cafe", "discussion_cafe", "Café discussion 2 : mon parcours d'insertion", "2021-07-08", "Roubaix"},
      {"workshop", "experience_workshop", "Atelier d'expérience 1 : les conditions de travail", "2021-09-16", "Lens"},
      {"discussion_cafe", "discussion_cafe", "Café discussion 3 : être écouté au travail", "2021-10-14", "Lille"},
      {"workshop", "experience_workshop", "Atelier d'expérience 2 : les espaces de gouvernance", "2021-12-09", "Roubaix"},
      {"discussion_cafe", "discussion_cafe", "Café discussion 4 : la formation", "2022-01-20", "Lens"},
      {"workshop", "experience_workshop", "Atelier d'expérience 3 : préparer les vidéos", "2022-02-17", "Lille"},
      {"discussion_cafe", "discussion_cafe", "Café discussion 5 : la vie d'équipe", "2022-03-17", "Arras"},
      {"workshop", "experience_workshop", "Atelier d'expérience 4 : nos propositions", "2022-04-21", "Lille"},
      {"discussion_cafe", "discussion_cafe", "Café discussion 6 : bilan du cycle", "2022-05-19", "Roubaix"},
  };
  int e = 0;
  for (auto& s : sessions) {
    auto event = done_event(db, s.kind, s.title, std::string(s.day) + "T14:00", std::string(s.day) + "T16:30", s.venue,
                            hdf, region, "participation, parole des salariés");
    ActivityValues a;
    a.kind = s.activity_kind;
    a.title = s.title;
    a.planned_on = s.day;
    a.event_id = event;
    must(add_activity(db, all, id, a));
    // Ten present per session, windows that overlap and cover all 42 people;
    // one absent per session, who does not count.
    for (int i = 0; i < 42; ++i) {
      int offset = ((i - 4 * e) % 42 + 42) % 42;
      if (offset < 10) mark(db, event, people[i].first, people[i].second, "attended");
      else if (offset == 10) mark(db, event, people[i].first, people[i].second, "no_show");
    }
    ++e;
  }

  add_deliverable(db, std::nullopt, id,
                  deliverable("synthesis", "Synthèse écrite du cycle d'ateliers", "2022-06-30", "",
                              "synthese-cycle-participation-2022.pdf", std::nullopt, "delivered"));
  const std::pair<const char*, int> videos[] = {{"Prendre la parole dans l'entreprise", 160},
                                                {"Mon parcours, mes envies", 195},
                                                {"Les conditions de travail vues par les salariés", 290},
                                                {"Participer à la gouvernance", 125},
                                                {"Nos propositions au réseau", 210}};
  int n = 1;
  for (auto& [title, seconds] : videos) {
    add_deliverable(db, std::nullopt, id,
                    deliverable("video", fmt::format("Vidéo {} : {}", n, title), "2022-06-15",
                                fmt::format("https://videos.passerelle.fr/participation-{}", n), "", seconds,
                                "delivered"));
    ++n;
  }
}

}  // namespace

void load_work_demo(db::Connection& db, std::ostream& out) {
  db::Transaction tx(db);
  WorkAccess all{{""}, {}};  // the loader sees the whole network
  load_group(db, all);
  load_project(db, all);
  tx.commit();
  out << "Groupes de travail : 1 ; projets financés : 1 (10 activités, 42 participants, 6 livrables).\n";
}

}  // namespace passerelle::events
