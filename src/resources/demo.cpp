// Demo resource library. Seed 000: the delegation "centralise et diffuse" the
// information of the lockdown, and its advocacy, coordinated by the
// inter-network (Grafie), went out as two notes — to the Direccte on 31 March
// 2020 and to the regional council on 6 April 2020 —, with the article on the
// Grafie's crisis unit and the webinars' syntheses. Seed 003: the pedagogical
// resources the PLIE sends to its participants (office tools, job information,
// free online training, job-search techniques, local help for food, health,
// family, administration, free legal aid).
#include "resources/demo.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "resources/store.hpp"

namespace passerelle::resources {
namespace {

struct DemoResource {
  const char* author;  // "fed" or "idf"
  const char* kind;
  const char* audience;
  const char* region;
  const char* topic;  // pedagogical when set
  const char* published_on;
  const char* themes;
  const char* title;
  const char* summary;
  const char* body;
  const char* video_url = "";
  bool draft = false;
};

const DemoResource kResources[] = {
    {"idf", "note", "public", "", "", "2020-03-31", "plaidoyer, covid-19, inter-réseau",
     "Note du Grafie à la Direccte Île-de-France (31 mars 2020)",
     "Les inquiétudes et les demandes des structures d'insertion franciliennes face à la crise sanitaire, portées "
     "par l'inter-réseau auprès de la Direccte.",
     "## Objet\n\nDès l'annonce du confinement, les structures de l'insertion par l'activité économique ont dû "
     "suspendre une grande partie de leurs activités. Le **Grafie**, qui réunit les réseaux de l'IAE en "
     "Île-de-France, porte auprès de la Direccte les demandes suivantes :\n\n"
     "1. le maintien des aides au poste pendant la période d'activité partielle ;\n"
     "2. la prolongation automatique des agréments et des PASS IAE ;\n"
     "3. un fonds d'urgence pour les structures dont la trésorerie ne tient pas plus d'un mois ;\n"
     "4. l'accès des salariés en insertion aux équipements de protection.\n\n"
     "## Suite\n\nLa délégation tient les adhérents informés des réponses dans la hotline et la FAQ."},
    {"idf", "letter", "public", "", "", "2020-04-06", "plaidoyer, covid-19, inter-réseau, financements",
     "Note du Grafie au Conseil régional Île-de-France (6 avril 2020)",
     "Courrier de l'inter-réseau à la Région : soutien aux structures d'insertion et aux salariés pendant la crise.",
     "Madame la Présidente,\n\nLes structures d'insertion franciliennes accompagnent chaque année des milliers de "
     "personnes éloignées de l'emploi. La crise sanitaire met en danger leur modèle économique.\n\n"
     "Nous sollicitons :\n\n- le maintien des financements régionaux déjà votés, y compris pour les actions "
     "suspendues ;\n- un soutien à l'équipement numérique des salariés en insertion ;\n- l'association des réseaux "
     "au plan de relance régional.\n\nNous vous prions d'agréer, Madame la Présidente, l'expression de notre haute "
     "considération.\n\n*Le Grafie*"},
    {"idf", "article", "members", "", "", "2020-04-15", "covid-19, inter-réseau, gestion de crise",
     "La cellule de crise du Grafie",
     "Comment l'inter-réseau francilien s'est organisé pendant le confinement : veille, hotline, plaidoyer.",
     "La cellule de crise du Grafie se réunit **chaque semaine** en visioconférence. Elle centralise les "
     "informations (mesures sanitaires, questions juridiques et économiques), les diffuse dans les réseaux et "
     "coordonne le plaidoyer.\n\nLes questions individuelles des adhérents passent par la hotline de la délégation."},
    {"idf", "synthesis", "members", "", "", "2020-04-30", "paie, activité partielle, webinaire",
     "Synthèse du webinaire paie et activité partielle",
     "Les réponses du cabinet d'expertise comptable aux questions des adhérents sur la paie pendant le confinement.",
     "## Activité partielle des salariés en insertion\n\n- Indemnité : 70 % du salaire brut, 100 % au niveau du "
     "SMIC.\n- Demande en ligne dans les 30 jours.\n\n## Bulletins de paie\n\nFaire apparaître les heures chômées "
     "et l'indemnité sur une ligne distincte."},
    {"idf", "sheet", "region", "11", "", "2020-05-07", "accompagnement, covid-19",
     "Fiche pratique : accompagner les publics à distance",
     "Les pratiques partagées par les CIP des structures franciliennes lors de la réunion du 7 mai.",
     "- Appeler chaque salarié au moins une fois par semaine.\n- Créer des groupes WhatsApp par chantier.\n"
     "- Repérer les personnes sans équipement ni connexion.\n- Préparer la reprise en présentiel."},
    {"fed", "note", "staff", "", "", "2020-03-20", "hotline, organisation interne",
     "Note interne : organisation de la hotline pendant le confinement",
     "Réservée aux équipes : tours de permanence, délais de réponse, circuit de validation des réponses juridiques.",
     "Permanence de 9 h à 17 h 30. Toute réponse juridique est relue par la juriste de la fédération avant envoi."},
    {"fed", "template", "members", "", "", "2020-04-20", "activité partielle, modèles",
     "Modèle de courrier d'information aux salariés en activité partielle",
     "Un modèle à adapter pour informer les salariés en insertion de leur placement en activité partielle.",
     "Madame, Monsieur,\n\nEn raison de la crise sanitaire, votre activité est suspendue à compter du "
     "[date]. Vous serez placé(e) en activité partielle…"},
    // Seed 003: pedagogical resources for participants.
    {"idf", "sheet", "public", "", "office_tools", "2020-03-25", "numérique",
     "Premiers pas avec le traitement de texte et la messagerie",
     "Pour écrire un CV, envoyer un courriel et joindre un document, pas à pas.",
     "1. Ouvrir un document et l'enregistrer.\n2. Mettre en forme un titre.\n3. Écrire un courriel et joindre un "
     "fichier.\n\nDes ateliers gratuits existent dans les espaces numériques de votre quartier."},
    {"idf", "article", "public", "", "job_information", "2020-03-27", "métiers, grande distribution",
     "Les métiers qui recrutent pendant le confinement",
     "Grande distribution, logistique, nettoyage, aide à domicile : les métiers en tension et leurs conditions.",
     "Les secteurs en activité continuent de recruter : **employé(e) de libre-service**, préparateur(trice) de "
     "commandes, agent(e) de propreté, aide à domicile."},
    {"idf", "sheet", "public", "", "online_training", "2020-03-30", "formation",
     "Formations gratuites en ligne",
     "Des formations gratuites et accessibles depuis un téléphone pour profiter du confinement.",
     "- Remise à niveau en français et en mathématiques.\n- Initiation à l'informatique.\n- Anglais débutant.\n\n"
     "Demandez conseil à votre référent avant de vous inscrire."},
    {"idf", "template", "public", "", "job_search", "2020-04-02", "CV, lettre de motivation",
     "Modèle de CV et de lettre de motivation",
     "Un CV simple et une lettre de motivation à compléter, avec les conseils de votre référent.",
     "## Le CV\n\nVos coordonnées, vos expériences (des plus récentes aux plus anciennes), vos formations, vos "
     "savoir-faire.\n\n## La lettre\n\nTrois paragraphes : vous, l'entreprise, la rencontre."},
    {"idf", "video", "public", "", "job_search", "2020-04-08", "entretien d'embauche",
     "Vidéo : réussir un entretien d'embauche par téléphone",
     "Une courte vidéo pour préparer un entretien à distance.",
     "Préparez un endroit calme, votre CV sous les yeux et des questions à poser au recruteur.",
     "https://www.youtube.com/watch?v=exemple-entretien"},
    {"idf", "sheet", "public", "", "food", "2020-03-24", "alimentation, Paris",
     "Où trouver une aide alimentaire pendant le confinement",
     "Les distributions alimentaires et épiceries solidaires ouvertes, et comment y accéder.",
     "Contactez votre référent ou le centre d'action sociale de votre arrondissement. Les Restos du cœur, le "
     "Secours populaire et la Croix-Rouge maintiennent des distributions."},
    {"idf", "sheet", "public", "", "health", "2020-03-26", "santé, soutien psychologique",
     "Santé et soutien psychologique : qui appeler",
     "Les numéros utiles pour consulter un médecin ou parler à un psychologue gratuitement.",
     "- Votre médecin traitant, aussi en téléconsultation.\n- Une ligne d'écoute gratuite pour le soutien "
     "psychologique.\n- En cas d'urgence : le 15."},
    {"idf", "sheet", "public", "", "family", "2020-03-28", "famille, enfants",
     "Famille et enfants : continuité scolaire et garde",
     "Les ressources pour suivre la scolarité des enfants à la maison et les solutions de garde.",
     "Les écoles transmettent le travail par l'espace numérique de travail. Des ordinateurs peuvent être prêtés "
     "aux familles qui n'en ont pas."},
    {"idf", "sheet", "public", "", "administration", "2020-04-01", "CAF, France Travail, droits",
     "Actualiser sa situation auprès de la CAF et de Pôle emploi",
     "Pas à pas pour l'actualisation mensuelle et la fin de droits ARE, même sans ordinateur.",
     "L'actualisation se fait sur le site ou par téléphone au 3949. Vos droits ARE arrivant à échéance pendant le "
     "confinement sont prolongés."},
    {"idf", "sheet", "public", "", "legal_aid", "2020-04-03", "droit, accès au droit",
     "Appui juridique gratuit : les points d'accès au droit",
     "Où obtenir un conseil juridique gratuit (logement, travail, famille) pendant le confinement.",
     "Les points d'accès au droit et les maisons de justice et du droit assurent des permanences téléphoniques "
     "gratuites."},
    {"idf", "article", "members", "", "", "2020-05-20", "reprise, covid-19",
     "Préparer la reprise des chantiers d'insertion (brouillon)",
     "À relire avant publication.", "Plan de reprise : distanciation, équipements, formation des encadrants.", "",
     true},
};

}  // namespace

void load_demo(db::Connection& db, std::ostream& out) {
  if (db.query("SELECT COUNT(*) FROM resources").rows.at(0).integer(0) > 0) return;
  auto org = [&](const char* name) {
    auto r = db.query("SELECT id FROM organisations WHERE name = ?", {name});
    if (r.empty()) throw std::runtime_error(fmt::format("démo ressources : « {} » introuvable", name));
    return r.rows[0].integer(0);
  };
  auto fed = db.query("SELECT id FROM organisations WHERE kind = 'federation' ORDER BY id LIMIT 1");
  if (fed.empty()) throw std::runtime_error("démo ressources : fédération introuvable");
  std::int64_t idf = org("Délégation Île-de-France"), federation = fed.rows[0].integer(0);
  auto user = db.query("SELECT id FROM users WHERE email = 'network@demo.passerelle.fr'");
  std::optional<std::int64_t> author_user;
  if (!user.empty()) author_user = user.rows[0].integer(0);
  db::Transaction tx(db);
  int pedagogical = 0;
  for (auto& d : kResources) {
    ResourceValues v;
    v.kind = d.kind;
    v.title = d.title;
    v.summary = d.summary;
    v.body = d.body;
    v.video_url = d.video_url;
    v.audience = d.audience;
    v.region = d.region;
    v.pedagogical = *d.topic != 0;
    v.topic = d.topic;
    v.published_on = d.published_on;
    v.themes = parse_themes(d.themes);
    v.author_organisation_id = std::string_view(d.author) == "fed" ? federation : idf;
    create_resource(db, v, author_user, std::string(d.published_on) + "T08:00:00Z", !d.draft);
    pedagogical += v.pedagogical;
  }
  // The FAQ answers on equipment and partial activity point to the resources that say more.
  db.query("INSERT INTO faq_resources (faq_id, resource_id) SELECT f.id, r.id FROM faq_entries f, resources r "
           "WHERE f.title LIKE 'Les salariés en insertion (CDDI) peuvent-ils%' "
           "AND r.title IN ('Synthèse du webinaire paie et activité partielle', "
           "'Modèle de courrier d''information aux salariés en activité partielle')");
  tx.commit();
  out << fmt::format("Ressources : {} ressources (dont les deux notes du Grafie de mars et avril 2020), {} "
                     "pédagogiques pour les participants.\n",
                     std::size(kResources), pedagogical);
}

}  // namespace passerelle::resources
