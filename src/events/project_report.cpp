// The funder report of a project (seed 004: the foundations that funded the
// participation cycle want to see what was done with their money): every
// figure is computed from the project's rows by get_project.
#include <fmt/format.h>

#include "core/web/app.hpp"
#include "events/work_routes.hpp"
#include "network/membership_rules.hpp"

namespace passerelle::events {

std::vector<xlsx::Sheet> funder_report(const Project& p) {
  const auto& f = p.figures;
  auto euros = [](std::int64_t cents) { return network::format_euros(cents); };
  auto date = [](const std::optional<std::string>& d) { return d ? web::french_date(*d) : std::string(); };
  xlsx::Sheet summary{"Synthèse", {{"Rubrique", "Valeur"}}};
  auto add = [&](std::string k, std::string v) { summary.rows.push_back({std::move(k), std::move(v)}); };
  add("Projet", p.title);
  add("Objectif", p.goal);
  add("Porteur", p.carrier_name);
  add("Période", fmt::format("du {} au {}", web::french_date(p.starts_on), web::french_date(p.ends_on)));
  add("Statut", std::string(label_of(kProjectStatuses, p.status)));
  add("Contact", p.contact_name + (p.contact_function.empty() ? "" : ", " + p.contact_function) +
                     (p.contact_email.empty() ? "" : " — " + p.contact_email) +
                     (p.contact_phone.empty() ? "" : " — " + p.contact_phone));
  add("Financeurs", std::to_string(p.funders.size()));
  add("Montant total accordé (€)", euros(f.funded_cents));
  add("Activités prévues", std::to_string(f.activities));
  add("Activités réalisées", std::to_string(f.activities_done));
  add("Activités annulées", std::to_string(f.activities_cancelled));
  for (auto& k : kActivityKinds) {
    std::int64_t planned = 0, done = 0;
    for (auto& a : p.activities)
      if (a.kind == k.code) {
        ++planned;
        done += a.state == "done";
      }
    if (planned) add(fmt::format("dont {} (réalisées / prévues)", k.label), fmt::format("{} / {}", done, planned));
  }
  add("Participants visés", std::to_string(p.target_participants));
  add("Participants (personnes distinctes présentes)", std::to_string(f.participants));
  add("Présences (toutes activités)", std::to_string(f.attendances));
  add("Mode de calcul des participants",
      "Personnes distinctes inscrites avec le statut « Présent » à au moins un des événements liés aux activités du "
      "projet ; une personne venue à plusieurs activités compte une fois.");
  add("Livrables remis / prévus", fmt::format("{} / {}", f.deliverables_delivered, f.deliverables));

  xlsx::Sheet funders{"Financeurs", {{"Financeur", "Montant (€)", "Montant (centimes)"}}};
  for (auto& x : p.funders) funders.rows.push_back({x.name, euros(x.amount_cents), std::to_string(x.amount_cents)});
  funders.rows.push_back({"Total", euros(f.funded_cents), std::to_string(f.funded_cents)});

  xlsx::Sheet activities{"Activités", {{"Type", "Activité", "Date prévue", "Événement", "Date de l'événement", "État",
                                        "Présents"}}};
  for (auto& a : p.activities)
    activities.rows.push_back({std::string(label_of(kActivityKinds, a.kind)), a.title, web::french_date(a.planned_on),
                               a.event_title, a.event_starts_at.empty() ? "" : web::french_datetime(a.event_starts_at),
                               std::string(label_of(kActivityStates, a.state)), std::to_string(a.attended)});

  xlsx::Sheet deliverables{"Livrables", {{"Type", "Titre", "Date", "Durée", "Statut", "Lien", "Fichier"}}};
  for (auto& d : p.deliverables)
    deliverables.rows.push_back({std::string(label_of(kDeliverableKinds, d.kind)), d.title, date(d.dated_on),
                                 d.duration_seconds ? format_duration(*d.duration_seconds) : "",
                                 std::string(label_of(kDeliverableStatuses, d.status)), d.url, d.file_ref});
  return {summary, funders, activities, deliverables};
}

}  // namespace passerelle::events
