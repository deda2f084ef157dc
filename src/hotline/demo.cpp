// Demo hotline, from seed 000: "dès l'annonce du confinement… nous avons mis en
// place une hotline pour apporter des éléments de réponse individuels à toutes
// les questions des adhérents" — sanitary measures, partial activity and
// payroll, PASS IAE extensions during the lockdown, funding. Questions of
// spring 2020 by demo members, in every state (a few still late), one rated;
// FAQ entries written from the answers, anonymised by hand.
#include "hotline/demo.hpp"

#include <fmt/format.h>

#include <map>
#include <stdexcept>
#include <vector>

#include "hotline/store.hpp"

namespace passerelle::hotline {
namespace {

struct DemoCategory {
  const char* key;
  const char* parent;
  const char* name;
  int first_response_hours, resolution_hours;
};

const DemoCategory kCategories[] = {
    {"sanitaire", "", "Mesures sanitaires", 4, 16},
    {"juridique", "", "Juridique", 8, 40},
    {"travail", "juridique", "Droit du travail", 8, 40},
    {"paie", "", "Paie", 4, 24},
    {"economique", "", "Économique", 8, 40},
    {"financements", "economique", "Financements", 8, 40},
    {"formation", "", "Formation", 8, 40},
    {"iae", "", "Règles IAE", 8, 40},
    {"pass", "iae", "PASS IAE", 4, 24},
};

// A step of a question's life after it was asked: who (staff or member), what
// ("reply", "note", a state), when (UTC).
struct Step {
  const char* who;   // "staff" or "member"
  const char* what;  // "reply", "note", "open", "waiting", "answered", "closed"
  const char* at;
  const char* text;
  const char* then = "";  // for a staff reply: the state after it
};

struct DemoQuestion {
  const char* organisation;
  const char* contact;  // "First Last"
  const char* category;
  const char* channel;
  const char* priority;
  const char* asked_at;
  const char* subject;
  const char* body;
  std::vector<Step> steps;
  int rating = 0;
  const char* rating_comment = "";
  bool assign = false;
};

const std::vector<DemoQuestion>& questions() {
  static const std::vector<DemoQuestion> q = {
      {"Rebond 93 — Association intermédiaire", "Claire Martin", "sanitaire", "phone", "high", "2020-03-17T09:20:00Z",
       "Masques et gel pour les salariés en mission chez les particuliers",
       "Nos salariés en mission d'aide à domicile nous demandent des masques. Sommes-nous tenus d'en fournir et "
       "où en trouver ?",
       {{"staff", "note", "2020-03-17T10:00:00Z", "Voir la fiche ministère du Travail du 16 mars."},
        {"staff", "reply", "2020-03-17T13:00:00Z",
         "L'employeur doit évaluer les risques et fournir les moyens de protection adaptés : gel, gants et, dès que "
         "possible, masques. La délégation centralise les commandes groupées : nous vous envoyons le bon de commande.",
         "answered"},
        {"staff", "closed", "2020-03-20T09:00:00Z", ""}}},
      {"Les Jardins de Montreuil", "Sophie Lefèvre", "paie", "email", "urgent", "2020-03-19T08:10:00Z",
       "Activité partielle des salariés en CDDI : quelle indemnisation ?",
       "Le chantier est fermé depuis lundi. Pouvons-nous placer nos salariés en insertion en activité partielle et "
       "à quel taux sont-ils indemnisés ?",
       {{"staff", "note", "2020-03-19T09:00:00Z", "Question posée aussi au webinaire paie : voir le cabinet de HDF."},
        {"staff", "reply", "2020-03-20T10:00:00Z",
         "Oui : les salariés en CDDI peuvent être placés en activité partielle, avec une indemnité de 70 % du brut "
         "(84 % du net), 100 % au niveau du SMIC. La demande se fait en ligne dans les 30 jours.",
         "answered"},
        {"member", "closed", "2020-03-25T08:00:00Z", ""}}},
      {"Solipass", "Pierre Morel", "pass", "form", "normal", "2020-03-26T09:00:00Z",
       "Prolongation des PASS IAE arrivant à échéance pendant le confinement",
       "Trois PASS IAE de salariés de Solipass se terminent en avril. Faut-il demander une prolongation à France "
       "Travail alors que l'agence est fermée ?",
       {{"staff", "reply", "2020-03-27T14:00:00Z",
         "Non : pendant l'état d'urgence sanitaire, les PASS IAE arrivant à échéance sont prolongés sans démarche de "
         "votre part. Vérifiez la nouvelle date de fin sur la plateforme de l'inclusion.",
         "answered"},
        {"member", "closed", "2020-03-30T08:00:00Z", ""}},
       5,
       "Réponse claire et rapide, merci."},
      {"Nettoyage Solidaire Paris", "Mamadou Diallo", "travail", "phone", "high", "2020-03-18T14:30:00Z",
       "Droit de retrait invoqué par un salarié",
       "Un salarié refuse d'intervenir sur un site client en invoquant son droit de retrait. Que pouvons-nous faire ?",
       {{"staff", "reply", "2020-03-19T08:30:00Z",
         "Le droit de retrait suppose un danger grave et imminent. Si les mesures de protection recommandées sont "
         "prises sur le site, il peut ne pas être justifié ; échangez d'abord avec le salarié et le client.",
         "answered"}}},
      {"Loire Chantiers d'insertion", "Olivier Mercier", "formation", "email", "normal", "2020-04-14T08:30:00Z",
       "Formations à distance pendant le confinement : FNE-Formation",
       "Pouvons-nous financer des formations à distance pour nos salariés en activité partielle ?",
       {{"staff", "reply", "2020-04-14T13:00:00Z",
         "Oui, le FNE-Formation a été ouvert aux salariés en activité partielle. Pouvez-vous préciser le nombre de "
         "salariés et l'organisme de formation envisagé ?",
         "waiting"}}},
      {"Orléans Services Emploi", "Manon Dupuis", "pass", "email", "normal", "2020-04-02T07:45:00Z",
       "Suspension d'un PASS IAE pendant une mise à disposition interrompue",
       "Une salariée n'a plus de mission depuis le confinement. Faut-il suspendre son PASS IAE ?",
       {{"staff", "reply", "2020-04-03T09:00:00Z",
         "Pas pendant l'état d'urgence sanitaire : les PASS IAE sont prolongés, sans suspension à demander.",
         "answered"},
        {"staff", "closed", "2020-04-10T09:00:00Z", ""}}},
      {"Marseille Recyclage", "François Blanc", "sanitaire", "form", "normal", "2020-05-05T07:00:00Z",
       "Plan de reprise d'activité : protocole sanitaire",
       "Nous préparons la reprise du tri au 11 mai. Existe-t-il un protocole type pour les ateliers ?",
       {}},
      {"Nord Intérim Insertion", "Antoine André", "paie", "phone", "normal", "2020-04-08T12:00:00Z",
       "Maintien de salaire et indemnités journalières pour garde d'enfants",
       "Un intérimaire en insertion garde ses enfants depuis la fermeture des écoles. Qui paie et combien ?",
       {{"staff", "reply", "2020-04-09T08:00:00Z",
         "Depuis le 1er mai il bascule en activité partielle ; jusque-là, arrêt de travail pour garde d'enfant "
         "indemnisé par la sécurité sociale, avec complément employeur.",
         "answered"}}},
      {"Rebond 93 — Association intermédiaire", "Karim Benali", "iae", "email", "high", "2020-04-06T08:00:00Z",
       "Entrées en parcours pendant la fermeture des agences",
       "Comment faire les entrées en parcours alors que les prescripteurs ne reçoivent plus le public ?",
       {{"staff", "note", "2020-04-06T12:00:00Z", "Attendre la réponse de la DGEFP avant de répondre."},
        {"staff", "open", "2020-04-06T12:05:00Z", ""}},
       0,
       "",
       true},
      {"Les Jardins de Montreuil", "Sophie Lefèvre", "financements", "email", "normal", "2020-03-24T10:00:00Z",
       "Report des cotisations URSSAF",
       "Pouvons-nous reporter les cotisations de mars et avril sans pénalité ?",
       {{"staff", "reply", "2020-03-24T15:00:00Z",
         "Oui : le report est possible sur simple demande en ligne, sans pénalité.", "answered"},
        {"staff", "closed", "2020-03-31T08:00:00Z", ""}}},
      {"Solipass", "Aurélie Fournier", "financements", "form", "normal", "2020-04-22T08:00:00Z",
       "Aide exceptionnelle aux SIAE : dossier du fonds départemental d'insertion",
       "Quelles pièces faut-il joindre à la demande d'aide exceptionnelle pour le chantier ?",
       {{"staff", "reply", "2020-04-22T14:00:00Z",
         "Nous attendons l'instruction de la DIRECCTE ; nous revenons vers vous dès sa publication."}}},
      {"Solipass", "Pierre Morel", "sanitaire", "form", "high", "2020-05-07T08:00:00Z",
       "Reprise des chantiers après le 11 mai",
       "Quelles règles de distance et d'équipement pour reprendre les chantiers d'espaces verts le 11 mai ?",
       {}},
  };
  return q;
}

struct DemoFaq {
  const char* category;
  const char* title;
  const char* answer;
};

// Written by the delegation from the answers above: no organisation or person named.
const DemoFaq kFaq[] = {
    {"pass", "Les PASS IAE arrivant à échéance pendant l'état d'urgence sanitaire sont-ils prolongés ?",
     "Oui. Pendant l'état d'urgence sanitaire, les PASS IAE arrivant à échéance sont prolongés sans démarche de la "
     "structure et sans suspension à demander. Vérifiez la nouvelle date de fin sur la plateforme de l'inclusion."},
    {"paie", "Les salariés en insertion (CDDI) peuvent-ils être placés en activité partielle ?",
     "Oui. L'indemnité est de 70 % du salaire brut (environ 84 % du net), portée à 100 % au niveau du SMIC. La "
     "demande se fait en ligne dans les 30 jours qui suivent la mise en activité partielle."},
    {"sanitaire", "Quels équipements fournir aux salariés en mission pendant l'épidémie ?",
     "L'employeur évalue les risques et fournit les protections adaptées : gel hydroalcoolique, gants et masques dès "
     "que possible. La délégation organise des commandes groupées pour les adhérents."},
    {"financements", "Peut-on reporter les cotisations sociales pendant le confinement ?",
     "Oui, sur simple demande en ligne auprès de l'URSSAF, sans pénalité."},
};

std::int64_t id_of(db::Connection& db, const char* sql, std::initializer_list<db::Value> params, const std::string& what) {
  auto r = db.query(sql, params);
  if (r.empty()) throw std::runtime_error("démo hotline : " + what + " introuvable");
  return r.rows[0].integer(0);
}

}  // namespace

void load_demo(db::Connection& db, std::ostream& out) {
  if (db.query("SELECT COUNT(*) FROM hotline_categories").rows.at(0).integer(0) > 0) return;
  db::Transaction tx(db);
  std::map<std::string, std::int64_t> cats;
  int position = 0;
  for (auto& c : kCategories) {
    CategoryValues v;
    v.name = c.name;
    if (*c.parent) v.parent_id = cats.at(c.parent);
    v.first_response_minutes = c.first_response_hours * 60;
    v.resolution_minutes = c.resolution_hours * 60;
    v.position = ++position;
    cats[c.key] = create_category(db, v);
  }
  auto cal = load_calendar(db);
  auto admin = id_of(db, "SELECT id FROM users WHERE email = ?", {"admin@demo.passerelle.fr"}, "admin");
  auto network = id_of(db, "SELECT id FROM users WHERE email = ?", {"network@demo.passerelle.fr"}, "network");
  auto member = id_of(db, "SELECT id FROM users WHERE email = ?", {"member@demo.passerelle.fr"}, "member");
  HotlineAccess all{{""}, {}};
  int n = 0;
  for (auto& d : questions()) {
    QuestionValues v;
    auto org = db.query("SELECT id, path FROM organisations WHERE name = ?", {d.organisation});
    if (org.empty()) throw std::runtime_error(fmt::format("démo hotline : « {} » introuvable", d.organisation));
    v.organisation_id = org.rows[0].integer(0);
    auto idf = org.rows[0].text(1).starts_with(
        db.query("SELECT path FROM organisations WHERE name = 'Délégation Île-de-France'").rows.at(0).text(0));
    auto staff = idf ? network : admin;  // the delegation's staff, or the federation's
    v.contact_id = id_of(db,
                         "SELECT c.id FROM contacts c JOIN contact_organisations co ON co.contact_id = c.id "
                         "WHERE c.first_name || ' ' || c.last_name = ? AND co.organisation_id = ?",
                         {d.contact, v.organisation_id}, d.contact);
    v.category_id = cats.at(d.category);
    v.channel = d.channel;
    v.priority = d.priority;
    v.subject = d.subject;
    v.body = d.body;
    bool from_member = std::string_view(d.organisation) == "Solipass";
    auto id = create_question(db, v, d.asked_at, from_member && std::string_view(d.channel) == "form"
                                                     ? std::optional<std::int64_t>(member)
                                                     : std::optional<std::int64_t>(staff),
                              cal);
    if (d.assign || !d.steps.empty()) assign(db, id, staff, d.asked_at);
    for (auto& s : d.steps) {
      auto q = *get_question(db, all, id);
      bool by_staff = std::string_view(s.who) == "staff";
      std::optional<std::int64_t> who = by_staff ? staff : (from_member ? member : std::optional<std::int64_t>());
      std::string_view what = s.what;
      if (what == "reply") add_reply(db, q, s.text, by_staff, who, s.at, s.then, cal);
      else if (what == "note") add_note(db, id, s.text, who, s.at);
      else change_state(db, q, std::string(what), who, s.at, cal);
    }
    if (d.rating) rate(db, id, d.rating, d.rating_comment, member, "2020-03-30T09:00:00Z");
    ++n;
  }
  auto source = id_of(db, "SELECT id FROM questions WHERE subject LIKE 'Prolongation des PASS IAE%'", {}, "question");
  for (auto& f : kFaq) {
    FaqValues v{f.title, f.answer, cats.at(f.category), std::nullopt};
    if (std::string_view(f.category) == "pass") v.source_question_id = source;
    create_faq(db, v, admin, "2020-04-15T08:00:00Z", true);
  }
  tx.commit();
  out << fmt::format("Hotline : {} catégories, {} questions du printemps 2020, {} entrées de FAQ.\n",
                     std::size(kCategories), n, std::size(kFaq));
}

}  // namespace passerelle::hotline
