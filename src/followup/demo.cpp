// Demo data of the follow-up module (seed 003, issue 3): the PLIE de Paris
// during the first lockdown. Deterministic (fixed seed): every run loads the
// same people, contacts and difficulties, so tests can assert the figures.
//
// What the generator guarantees (the dashboard of the PLIE de Paris for
// 17/03/2020–15/04/2020 computes them from the rows, not from these constants):
//   - 2 240 people followed on 15 April 2020 (an active PLIE enrolment), of whom
//     15 also in "100 % Inclusion" (cohorts "promo 1" and "promo 2"), in daily
//     contact with their referent on every working day of the period;
//   - 38 PLIE exits in the period (17 positive), 45 entries in the period;
//   - 3 835 contacts (interactions) between 17 March and 15 April 2020;
//   - 448 followed people (20 %) never reached in the period (no answer,
//     message left, wrong number, language barrier — or no attempt at all);
//   - 1 800 followed people assessed, 900 of them (50 %) unable to use e-mail
//     alone ("no" or "with help");
//   - difficulties of the seed (food aid, rights CAF / France Travail / end of
//     ARE, health, psychological, domestic violence risk, taking up a job,
//     stuck abroad…) in plausible proportions.
// Rows are inserted in multi-row batches; the follow-up columns of each
// enrolment are computed here with the rules (as store.cpp does), not by a
// query per person.
#include "followup/demo.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <numeric>
#include <random>
#include <set>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "core/auth/audit.hpp"
#include "core/auth/auth.hpp"
#include "core/web/text.hpp"
#include "followup/model.hpp"
#include "followup/rules.hpp"
#include "followup/store.hpp"
#include "network/demo.hpp"

namespace passerelle::followup {
namespace {

// --- Figures of the seed ------------------------------------------------------------

constexpr int kFollowed = 2240;       // followed on 15 April 2020
constexpr int kInclusion = 15;        // of whom in 100 % Inclusion, daily contact
constexpr int kExitsInPeriod = 38;    // PLIE exits between 17 March and 15 April
constexpr int kEntriesInPeriod = 45;  // PLIE entries in the period (among the followed)
constexpr int kContacts = 3835;       // interactions in the period
constexpr int kNotReached = 448;      // followed people not reached in the period (20 %)
constexpr int kAssessed = 1800;       // followed people with a digital assessment
constexpr int kUnableEmail = 900;     // of whom unable to use e-mail alone (50 %)
constexpr int kUnableEmailNo = 520;   // "no" (the rest "with_help")
constexpr int kPlieReferents = 30;    // besides referent@demo
constexpr int kInclusionReferents = 2;

const Date kFrom{2020, 3, 17}, kTo{2020, 4, 15};

// --- Names ---------------------------------------------------------------------------

const char* kFemale[] = {"Fatoumata", "Aïcha", "Mariam", "Nadia", "Sandrine", "Isabelle", "Khadija", "Sophie",
                         "Awa", "Nathalie", "Yasmina", "Céline", "Aminata", "Samira", "Christine", "Leïla",
                         "Valérie", "Djeneba", "Sabrina", "Hawa", "Émilie", "Malika", "Rokia", "Sylvie",
                         "Kadiatou", "Farida", "Martine", "Linda", "Houria", "Inès", "Coumba", "Julie",
                         "Zahra", "Stéphanie", "Assa", "Naïma", "Laetitia", "Mounia", "Bintou", "Marie"};
const char* kMale[] = {"Mamadou", "Mohamed", "Karim", "Jean", "Moussa", "Ibrahim", "Sébastien", "Youssef",
                       "Abdoulaye", "Christophe", "Samir", "Ousmane", "Patrick", "Rachid", "Boubacar", "Thomas",
                       "Bilal", "Sékou", "Frédéric", "Hamza", "Lassana", "Nicolas", "Mehdi", "Souleymane",
                       "Olivier", "Adama", "Djamel", "Franck", "Issa", "Kevin", "Amadou", "David",
                       "Nordine", "Cheikh", "Laurent", "Yacine", "Seydou", "Éric", "Idrissa", "Stéphane"};
const char* kLast[] = {"Diallo", "Traoré", "Martin", "Benali", "Koné", "Bernard", "Camara", "Dubois", "Sissoko",
                       "Haddad", "Petit", "Cissé", "Mendy", "Lefèvre", "Bensaïd", "Keïta", "Moreau", "Touré",
                       "Ndiaye", "Girard", "Sow", "Amrani", "Fofana", "Laurent", "Boukhari", "Kanté", "Rousseau",
                       "Coulibaly", "Mercier", "Diop", "Belkacem", "Fontaine", "Doucouré", "Chevalier", "Meziane",
                       "Sylla", "Lambert", "Bakayoko", "Ferreira", "Nguyen", "Da Silva", "Kouassi", "Garnier",
                       "Hamidi", "Dembélé", "Faure", "Ouattara", "Lopez", "Tall", "Rahmani", "Baldé", "Perrin",
                       "Saïdi", "Konaté", "Robin", "Gueye", "Aït Ali", "Marchand", "Dia", "Tran", "Bouzid",
                       "Soumaré", "Renaud", "Mbaye", "Chérif", "Blanchard", "Diarra", "Kaci", "Morel", "Sanogo"};

// Referents of the PLIE: first name, last name.
const std::pair<const char*, const char*> kReferents[] = {
    {"Aurélie", "Marchetti"}, {"Karima", "Bensalem"},   {"Julien", "Roussel"},     {"Fanny", "Lecomte"},
    {"Moussa", "Konaté"},     {"Hélène", "Vasseur"},    {"Nadia", "Cherifi"},      {"Thibault", "Garnier"},
    {"Sonia", "Ferhat"},      {"Marion", "Delattre"},   {"Yannick", "Bourdon"},    {"Samia", "Khelifi"},
    {"Claire", "Pasquier"},   {"Abdel", "Mansouri"},    {"Élise", "Tessier"},      {"Romain", "Leblanc"},
    {"Aminata", "Diakité"},   {"Caroline", "Jourdain"}, {"Farid", "Belhadj"},      {"Laure", "Masson"},
    {"Vincent", "Hoarau"},    {"Sabine", "Guillot"},    {"Mélanie", "Caron"},      {"Olivier", "Vidal"},
    {"Djamila", "Ouali"},     {"Cécile", "Brunet"},     {"Grégory", "Picard"},     {"Anne-Sophie", "Royer"},
    {"Nathalie", "Cordier"},  {"Ibrahima", "Ba"},       {"Sarah", "Benkirane"},    {"Maxime", "Lemaire"},
};
static_assert(std::size(kReferents) == kPlieReferents + kInclusionReferents);

// Paris arrondissements (postcode, INSEE code), weighted towards the PLIE's public.
struct Arrondissement {
  const char* postcode;
  const char* insee;
  int weight;
};
const Arrondissement kArrondissements[] = {
    {"75010", "75110", 8},  {"75011", "75111", 8},  {"75012", "75112", 5}, {"75013", "75113", 11},
    {"75014", "75114", 5},  {"75015", "75115", 4},  {"75017", "75117", 5}, {"75018", "75118", 18},
    {"75019", "75119", 18}, {"75020", "75120", 16}, {"75009", "75109", 1}, {"75005", "75105", 1},
};
const char* kStreets[] = {"rue de Tanger", "rue Myrha", "rue des Poissonniers", "boulevard Ney", "rue de Belleville",
                          "rue des Pyrénées", "avenue de Flandre", "rue de Crimée", "rue Riquet",
                          "rue du Faubourg-du-Temple", "rue de Tolbiac", "avenue d'Italie", "rue Marcadet",
                          "rue Championnet", "rue d'Avron", "boulevard de Charonne", "rue Oberkampf",
                          "rue de la Roquette", "rue de Charenton", "rue Didot", "rue des Orteaux",
                          "rue Curial", "rue Pajol", "rue Ordener", "rue Bobillot", "rue de Meaux"};
const char* kLanguages[] = {"français", "français", "français", "français, arabe", "français, bambara",
                            "français, soninké", "arabe", "français, anglais", "tamoul", "français, portugais",
                            "français, wolof", "français, kabyle", "ourdou", "français, lingala", "chinois (mandarin)"};

// --- Deterministic random ------------------------------------------------------------

struct Rng {
  std::mt19937_64 gen{20200415};
  std::uint64_t next(std::uint64_t n) { return gen() % n; }
  bool chance(double p) { return static_cast<double>(gen() % 1000000) < p * 1000000.0; }
  template <class T, std::size_t N>
  const T& pick(const T (&arr)[N]) {
    return arr[next(N)];
  }
  // An index chosen by weights.
  std::size_t weighted(std::initializer_list<int> weights) {
    int total = std::accumulate(weights.begin(), weights.end(), 0);
    int r = static_cast<int>(next(total));
    std::size_t i = 0;
    for (int w : weights) {
      if (r < w) return i;
      r -= w;
      ++i;
    }
    return i - 1;
  }
  template <class V>
  void shuffle(V& v) {
    for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[next(i)]);
  }
};

// --- Time ----------------------------------------------------------------------------

std::int64_t epoch_of(const DateTime& t) {
  return to_days(t.date) * 86400 + t.hour * 3600 + t.minute * 60 + t.second;
}

DateTime from_epoch(std::int64_t s) {
  const std::int64_t days = s >= 0 ? s / 86400 : (s - 86399) / 86400;
  const std::int64_t rest = s - days * 86400;
  return {from_days(days), static_cast<int>(rest / 3600), static_cast<int>(rest / 60 % 60), static_cast<int>(rest % 60)};
}

// The UTC instant of a Paris wall-clock time.
DateTime paris_time(Date day, int hour, int minute) {
  const auto start = parse_datetime(paris_day_start_utc(day));
  return from_epoch(epoch_of(*start) + hour * 3600 + minute * 60);
}

bool working_day(Date d) {
  return iso_weekday(d) <= 5 && d != Date{2020, 4, 13};  // Easter Monday 2020
}

std::vector<Date> working_days(Date from, Date to) {
  std::vector<Date> out;
  for (Date d = from; d <= to; d = add_days(d, 1))
    if (working_day(d)) out.push_back(d);
  return out;
}

// --- Follow-up columns, from the rules (the same composition as store.cpp) ------------

// The store's own computation, so that generated data matches logged data.
FollowUp follow_up(Date entry, int cadence, const std::vector<InteractionAttempt>& attempts, Date today) {
  return follow_up_of(entry, cadence, attempts, today);
}

db::Value opt_date(const std::optional<Date>& d) { return d ? db::Value(format_date(*d)) : db::Value(nullptr); }

// --- Batched inserts -------------------------------------------------------------------

// Accumulates the rows of one multi-row INSERT and sends them by `batch`.
class Inserter {
 public:
  Inserter(db::Connection& db, std::string head, int columns, std::string returning = "", int batch = 400)
      : db_(db), head_(std::move(head)), columns_(columns), returning_(std::move(returning)), batch_(batch) {
    tuple_ = "(";
    for (int i = 0; i < columns_; ++i) tuple_ += i ? ", ?" : "?";
    tuple_ += ")";
  }
  void add(std::initializer_list<db::Value> values) {
    params_.insert(params_.end(), values.begin(), values.end());
    if (++rows_ == batch_) flush();
  }
  void flush() {
    if (rows_ == 0) return;
    std::string sql = head_ + " VALUES ";
    for (int i = 0; i < rows_; ++i) {
      if (i) sql += ", ";
      sql += tuple_;
    }
    if (!returning_.empty()) sql += " RETURNING " + returning_;
    auto r = db_.query(sql, params_);
    for (auto& row : r.rows) returned.push_back(std::move(row));
    params_.clear();
    rows_ = 0;
  }
  std::vector<db::Row> returned;

 private:
  db::Connection& db_;
  std::string head_, tuple_;
  int columns_;
  std::string returning_;
  int batch_;
  db::Params params_;
  int rows_ = 0;
};

// --- The plan of one person --------------------------------------------------------------

struct Contact {
  DateTime at;
  std::string channel, outcome;
  int level = 1;
  std::string notes;
  int author = 0;  // index in the referents' table
};

struct Person {
  std::string first, last, gender, birth, email, phone, address, postcode, insee, languages;
  std::string labour, education, housing, benefits;
  bool rqth = false, qpv = false;
  int referent = 0;              // index in referent ids (PLIE)
  Date entry, exit;              // exit only when exited
  bool exited = false;
  std::string exit_outcome;
  int inclusion = -1;            // -1, or the cohort (0: promo 1, 1: promo 2)
  bool not_reached = false;      // never reached in the period
  int contacts = 0;              // in the period, excluding daily inclusion ones
  std::string email_answer;      // digital assessment e-mail answer; empty: not assessed
  std::vector<Contact> log;
  std::int64_t id = 0;
};

const char* kReachedNotes1[] = {
    "Point sur la situation pendant le confinement ; pas d'urgence.",
    "Actualisation France Travail faite ensemble au téléphone.",
    "Orientée vers la distribution alimentaire de la mairie d'arrondissement.",
    "Dossier CAF bloqué : relance envoyée avec la personne.",
    "Va bien, enfants à la maison, besoin d'un ordinateur pour l'école.",
    "Fin de droits ARE en avril : point sur l'ASS.",
    "Isolement difficile ; coordonnées du soutien psychologique transmises.",
    "",
};
const char* kReachedNotes2[] = {
    "CV mis à jour et envoyé par e-mail.",
    "Liens vers des formations gratuites en ligne envoyés.",
    "Préparation de l'entretien pour un contrat PEC de la Ville de Paris.",
    "Mise en relation avec une enseigne de la grande distribution qui recrute.",
    "Point sur la prise de poste : horaires et transport pendant le confinement.",
    "Travail sur la lettre de motivation en visio.",
    "Information sur la plateforme de France Travail.",
    "",
};
const char* kFailedNotes[] = {"", "", "Rappeler en fin de semaine.", "Messagerie pleine.",
                              "Échange impossible en français : rappeler avec un interprète.", ""};

const char* kResources[][2] = {
    {"Formations gratuites en ligne pendant le confinement", "https://www.francecompetences.fr/"},
    {"Aide alimentaire à Paris : lieux de distribution", "https://www.paris.fr/"},
    {"Soutien psychologique gratuit : numéros utiles", "https://www.psycom.org/"},
    {"Modèle de CV et conseils", "https://www.francetravail.fr/"},
    {"Préparer un entretien d'embauche par téléphone", "https://www.francetravail.fr/"},
    {"Espaces publics numériques ouverts", "https://www.paris.fr/"},
    {"Code de la route en ligne", "https://www.securite-routiere.gouv.fr/"},
};

std::string email_of(const std::string& first, const std::string& last, int n) {
  std::string local = text::fold(first) + "." + text::fold(last);
  for (auto& c : local)
    if (c == ' ' || c == '\'') c = '-';
  return fmt::format("{}{}@example.org", local, n % 97);
}

}  // namespace

void load_demo(db::Connection& db, std::ostream& out) {
  const auto started = std::chrono::steady_clock::now();
  auto org = db.query("SELECT id FROM organisations WHERE name = 'PLIE de Paris'");
  if (org.empty()) {
    out << "Suivi des participants : organisation « PLIE de Paris » absente, données de démonstration non chargées.\n";
    return;
  }
  const std::int64_t plie_org = org.rows[0].integer(0);
  auto find_user = [&](const char* email) {
    auto id = auth::find_user_id(db, email);
    if (!id) throw std::runtime_error(fmt::format("compte de démonstration absent : {}", email));
    return *id;
  };
  const std::int64_t referent_demo = find_user("referent@demo.passerelle.fr");
  const std::int64_t supervisor_demo = find_user("supervisor@demo.passerelle.fr");
  auto partner = [&](const char* name) -> db::Value {
    auto r = db.query("SELECT id FROM organisations WHERE name = ?", {name});
    return r.empty() ? db::Value(nullptr) : db::Value(r.rows[0].integer(0));
  };
  const db::Value france_travail = partner("France Travail Paris 11e");
  const db::Value refugees = partner("Association pour l'emploi des réfugiés");
  const db::Value cap_emploi = partner("Cap emploi Paris");

  Rng rng;
  const auto now = auth::now_utc();
  const Date today = paris_today();
  db::Transaction tx(db);

  // --- Referents: real accounts (password of the demo), one hash for all ----------
  std::vector<std::int64_t> referents{referent_demo};  // PLIE referents; inclusion ones after
  std::vector<std::string> referent_names{"Rachida Référente"};
  {
    const std::string hash = auth::hash_password(network::kDemoPassword);
    Inserter users(db, "INSERT INTO users (email, display_name, password_hash, disabled, created_at)", 5, "id, email");
    for (auto& [first, last] : kReferents) {
      std::string local = text::fold(std::string(first) + "." + last);
      for (auto& c : local)
        if (c == ' ' || c == '\'') c = '-';
      users.add({local + "@plie-paris.demo.passerelle.fr", fmt::format("{} {}", first, last), hash, 0, now});
    }
    users.flush();
    std::map<std::string, std::int64_t> by_email;
    for (auto& r : users.returned) by_email[r.text(1)] = r.integer(0);
    Inserter roles(db, "INSERT INTO user_roles (user_id, organisation_id, role)", 3);
    std::size_t i = 0;
    for (auto& [first, last] : kReferents) {
      std::string local = text::fold(std::string(first) + "." + last);
      for (auto& c : local)
        if (c == ' ' || c == '\'') c = '-';
      const auto id = by_email.at(local + "@plie-paris.demo.passerelle.fr");
      roles.add({id, plie_org, "referent"});
      referents.push_back(id);
      referent_names.push_back(fmt::format("{} {}", first, last));
      ++i;
    }
    roles.flush();
    auth::forget_cached_sessions();
  }
  const std::vector<std::int64_t> inclusion_referents(referents.end() - kInclusionReferents, referents.end());
  referents.resize(referents.size() - kInclusionReferents);  // PLIE referents: referent@demo + 30

  // --- Programmes ----------------------------------------------------------------------
  auto must = [](auto result) {
    if (!result) throw std::runtime_error("données de démonstration du suivi invalides : " + result.error().front().message);
    return *result;
  };
  const std::int64_t plie = must(create_programme(
      db, plie_org, {"PLIE de Paris — accompagnement renforcé", "plie", std::to_string(kPlieCadenceDays),
                     std::to_string(kPlieMaxDurationMonths)}));
  const std::int64_t plie_diag = must(add_phase(db, plie, "Diagnostic"));
  const std::int64_t plie_remob = must(add_phase(db, plie, "Remobilisation"));
  const std::int64_t plie_emploi = must(add_phase(db, plie, "Accès à l'emploi"));
  const std::int64_t inclusion =
      must(create_programme(db, plie_org, {"100 % Inclusion — Toutes Championnes, Tous Champions", "inclusion100", "1", "24"}));
  const std::int64_t inclusion_remob = must(add_phase(db, inclusion, "Remobilisation"));
  must(add_phase(db, inclusion, "Formation"));
  must(add_phase(db, inclusion, "Emploi"));
  const std::int64_t promo[2] = {must(add_cohort(db, inclusion, "promo 1", "2019-10-07")),
                                 must(add_cohort(db, inclusion, "promo 2", "2020-01-13"))};
  const Date promo_start[2] = {{2019, 10, 7}, {2020, 1, 13}};

  // --- The people ------------------------------------------------------------------------
  const int total = kFollowed + kExitsInPeriod;
  std::vector<Person> people(total);
  const auto period_days = working_days(kFrom, kTo);
  const Date earliest_entry = add_days(add_months(kTo, -kPlieMaxDurationMonths), 1);  // within 36 months
  {
    // Roles of each index: [0, 15) inclusion, [15, 60) entries in the period,
    // [kFollowed, total) exits in the period; the rest followed since before.
    std::vector<int> others;  // followed, not inclusion: candidates for "not reached"
    for (int i = kInclusion; i < kFollowed; ++i) others.push_back(i);
    rng.shuffle(others);
    for (int k = 0; k < kNotReached; ++k) people[others[k]].not_reached = true;
    std::vector<int> followed(kFollowed);
    std::iota(followed.begin(), followed.end(), 0);
    rng.shuffle(followed);
    for (int k = 0; k < kAssessed; ++k)
      people[followed[k]].email_answer = k < kUnableEmailNo ? "no" : k < kUnableEmail ? "with_help" : "yes";
  }
  const char* exit_outcomes[kExitsInPeriod] = {};
  {
    const std::pair<const char*, int> mix[] = {{"employment_6m", 10}, {"qualifying_training", 5},
                                               {"business_creation", 2}, {"moved", 6},
                                               {"abandoned", 8},       {"health", 4},
                                               {"other_exit", 3}};
    int k = 0;
    for (auto& [code, n] : mix)
      for (int j = 0; j < n; ++j) exit_outcomes[k++] = code;
  }
  const std::vector<Date> entry_days = working_days(kFrom, add_days(kTo, -1));
  for (int i = 0; i < total; ++i) {
    Person& p = people[i];
    const bool female = rng.chance(0.56);
    p.gender = female ? "female" : "male";
    p.first = female ? rng.pick(kFemale) : rng.pick(kMale);
    p.last = rng.pick(kLast);
    const int year = 1960 + static_cast<int>(rng.next(43));
    p.birth = format_date({year, 1 + static_cast<int>(rng.next(12)), 1 + static_cast<int>(rng.next(28))});
    p.phone = fmt::format("0{} {:02d} {:02d} {:02d} {:02d}", rng.chance(0.9) ? 6 : 7, 10 + i / 1000 % 90,
                          i / 100 % 10 * 10 + static_cast<int>(rng.next(10)), i % 100, static_cast<int>(rng.next(100)));
    if (p.email_answer != "no" && rng.chance(p.email_answer.empty() ? 0.6 : 0.9)) p.email = email_of(p.first, p.last, i);
    int w = static_cast<int>(rng.next(100)), a = 0;
    for (auto& arr : kArrondissements) {
      if (w < arr.weight) {
        p.postcode = arr.postcode;
        p.insee = arr.insee;
        break;
      }
      w -= arr.weight;
      ++a;
    }
    if (p.postcode.empty()) p.postcode = "75019", p.insee = "75119";
    p.address = fmt::format("{} {}", 1 + rng.next(180), rng.pick(kStreets));
    p.languages = rng.pick(kLanguages);
    static const char* labour[] = {"unemployed_registered", "unemployed_long_term", "unemployed_unregistered",
                                   "inactive", "employed", "in_training"};
    p.labour = labour[rng.weighted({30, 40, 12, 8, 7, 3})];
    static const char* education[] = {"infra_3", "level_3", "level_4", "level_5", "level_6_plus"};
    p.education = education[rng.weighted({38, 30, 18, 9, 5})];
    static const char* housing[] = {"tenant", "hosted", "social_accommodation", "emergency_accommodation",
                                    "homeless", "owner"};
    p.housing = housing[rng.weighted({48, 24, 14, 8, 3, 3})];
    std::vector<std::string> benefits;
    if (rng.chance(0.48)) benefits.push_back("rsa");
    if (rng.chance(0.08)) benefits.push_back("ass");
    if (rng.chance(0.05)) benefits.push_back("aah");
    if (rng.chance(0.18)) benefits.push_back("are");
    for (auto& b : benefits) p.benefits += (p.benefits.empty() ? "" : ",") + b;
    p.rqth = rng.chance(0.08);
    p.qpv = rng.chance(0.45);
    p.referent = static_cast<int>(i % referents.size());

    if (i < kInclusion) {
      p.inclusion = i < 8 ? 0 : 1;
      p.entry = promo_start[p.inclusion];
    } else if (i < kInclusion + kEntriesInPeriod) {
      p.entry = entry_days[rng.next(entry_days.size())];
    } else {
      p.entry = add_days(earliest_entry, static_cast<std::int64_t>(rng.next(days_between(earliest_entry, add_days(kFrom, -1)))));
    }
    if (i >= kFollowed) {
      p.exited = true;
      p.exit = period_days[2 + rng.next(period_days.size() - 2)];
      p.exit_outcome = exit_outcomes[i - kFollowed];
    }
  }

  // --- Contacts in the period -------------------------------------------------------------
  // Daily contact of the 100 % Inclusion people; the rest of the total spread over the others.
  const int daily = kInclusion * static_cast<int>(period_days.size());
  {
    int sum = 0;
    std::vector<int> reached;
    for (int i = kInclusion; i < total; ++i) {
      Person& p = people[i];
      p.contacts = p.not_reached ? static_cast<int>(rng.weighted({5, 40, 35, 20})) : 1 + static_cast<int>(rng.weighted({60, 30, 10}));
      if (!p.not_reached) reached.push_back(i);
      sum += p.contacts;
    }
    const int target = kContacts - daily;
    while (sum != target) {
      Person& p = people[reached[rng.next(reached.size())]];
      if (sum < target && p.contacts < 4) ++p.contacts, ++sum;
      else if (sum > target && p.contacts > 1) --p.contacts, --sum;
    }
  }
  auto instant = [&](Date d) {
    return paris_time(d, 9 + static_cast<int>(rng.next(9)), static_cast<int>(rng.next(60)));
  };
  static const char* failed[] = {"no_answer", "message_left", "language_barrier", "wrong_number"};
  for (int i = 0; i < total; ++i) {
    Person& p = people[i];
    if (p.inclusion >= 0) {
      for (Date d : period_days) {
        static const char* ch[] = {"whatsapp", "phone", "visio"};
        const int level = rng.chance(0.7) ? 2 : 1;
        p.log.push_back({instant(d), ch[rng.weighted({50, 30, 20})], "reached", level,
                         level == 2 ? rng.pick(kReachedNotes2) : rng.pick(kReachedNotes1), 1000 + p.inclusion});
      }
    }
    if (p.contacts == 0) continue;
    const Date first = std::max(p.entry, kFrom), last = p.exited ? p.exit : kTo;
    auto window = working_days(first, last);
    if (window.empty()) window.push_back(first);
    std::vector<Date> days;
    for (int k = 0; k < p.contacts; ++k) days.push_back(window[rng.next(window.size())]);
    std::ranges::sort(days);
    std::vector<Contact> mine;
    const bool no_email = p.email.empty();
    for (Date d : days) {
      Contact c;
      c.at = instant(d);
      c.author = p.referent;
      const bool ok = !p.not_reached && rng.chance(0.72);
      c.outcome = ok ? "reached" : failed[rng.weighted({50, 30, 14, 6})];
      static const char* channels[] = {"phone", "email", "whatsapp", "visio", "sms"};
      c.channel = no_email || c.outcome == "language_barrier" || c.outcome == "wrong_number"
                      ? channels[rng.weighted({88, 0, 8, 2, 2})]
                      : channels[rng.weighted({62, 26, 7, 4, 1})];
      mine.push_back(std::move(c));
    }
    if (!p.not_reached && std::ranges::none_of(mine, [](auto& c) { return c.outcome == "reached"; }))
      mine[rng.next(mine.size())].outcome = "reached";
    for (auto& c : mine) {
      if (c.outcome == "reached") {
        c.level = rng.chance(0.55) ? 1 : 2;
        c.notes = c.level == 2 ? rng.pick(kReachedNotes2) : rng.pick(kReachedNotes1);
      } else {
        c.level = 1;
        c.notes = c.outcome == "language_barrier" ? kFailedNotes[4] : rng.pick(kFailedNotes);
      }
      p.log.push_back(std::move(c));
    }
  }

  // --- Inserts ------------------------------------------------------------------------------
  const std::string created_base = now;
  {
    Inserter ins(db,
                 "INSERT INTO participants (organisation_id, first_name, last_name, sort_name, search_text, birth_date, "
                 "gender, email, phone, address, postcode, commune, commune_insee, languages, labour_status, "
                 "education_level, benefits, rqth, qpv, housing, consent_at, created_at, updated_at)",
                 23, "id, phone", 400);
    for (auto& p : people) {
      const std::string digits = [&] {
        std::string s;
        for (char c : p.phone)
          if (c != ' ') s += c;
        return s;
      }();
      const std::string created = format_datetime(paris_time(p.entry, 9, 30));
      ins.add({plie_org, p.first, p.last, text::fold(p.last + " " + p.first),
               text::fold(fmt::format("{} {} {} {} {} {} {} {}", p.last, p.first, p.email, p.phone, digits, "Paris",
                                      p.postcode, p.birth)),
               p.birth, p.gender, p.email, p.phone, p.address, p.postcode, "Paris", p.insee, p.languages, p.labour,
               p.education, p.benefits, p.rqth ? 1 : 0, p.qpv ? 1 : 0, p.housing, format_date(p.entry), created,
               created});
    }
    ins.flush();
    std::map<std::string, std::int64_t> by_phone;
    for (auto& r : ins.returned) by_phone[r.text(1)] = r.integer(0);
    for (auto& p : people) p.id = by_phone.at(p.phone);
  }
  auto esf = [](const Person& p, Date on, const std::string& outcome) {
    boost::json::object o;
    o["date"] = format_date(on);
    o["gender"] = p.gender;
    o["birth_date"] = p.birth;
    o["postcode"] = p.postcode;
    o["commune_insee"] = p.insee;
    o["labour_status"] = p.labour;
    o["education_level"] = p.education;
    boost::json::array benefits;
    std::size_t s = 0;
    while (s < p.benefits.size()) {
      auto e = p.benefits.find(',', s);
      if (e == std::string::npos) e = p.benefits.size();
      benefits.emplace_back(p.benefits.substr(s, e - s));
      s = e + 1;
    }
    o["benefits"] = std::move(benefits);
    o["rqth"] = p.rqth;
    o["qpv"] = p.qpv;
    o["housing"] = p.housing;
    if (!outcome.empty()) {
      o["exit_outcome"] = outcome;
      o["positive_exit"] = is_positive_exit(outcome);
    }
    return boost::json::serialize(o);
  };
  auto referent_of = [&](int author) {
    return author >= 1000 ? inclusion_referents[author - 1000] : referents[author];
  };
  std::int64_t exits_positive = 0;
  {
    Inserter ins(db,
                 "INSERT INTO enrolments (participant_id, programme_id, organisation_id, referent_id, cohort_id, "
                 "phase_id, status, entry_date, exit_date, exit_outcome, esf_entry, esf_exit, last_reached_on, "
                 "failed_streak, next_due_on, unreachable_on, created_at, updated_at)",
                 18, "id, participant_id, programme_id, status, entry_date, exit_date", 400);
    auto attempts_of = [](const Person& p) {
      std::vector<InteractionAttempt> out;
      for (auto& c : p.log) out.push_back({c.at, c.outcome});
      return out;
    };
    for (auto& p : people) {
      const auto attempts = attempts_of(p);
      const FollowUp f = follow_up(p.entry, kPlieCadenceDays, attempts, today);
      const std::int64_t since = days_between(p.entry, kTo);
      const std::int64_t phase = since < 45 ? plie_diag : since < 300 ? plie_remob : plie_emploi;
      const std::string created = format_datetime(paris_time(p.entry, 10, 0));
      const std::string updated = p.exited ? format_datetime(paris_time(p.exit, 17, 0)) : created;
      if (p.exited && is_positive_exit(p.exit_outcome)) ++exits_positive;
      ins.add({p.id, plie, plie_org, referents[p.referent], nullptr, phase, p.exited ? "exited" : "active",
               format_date(p.entry), p.exited ? db::Value(format_date(p.exit)) : db::Value(nullptr),
               p.exited ? db::Value(p.exit_outcome) : db::Value(nullptr), esf(p, p.entry, ""),
               p.exited ? esf(p, p.exit, p.exit_outcome) : std::string(), opt_date(f.last_reached), f.failed_streak,
               format_date(f.next_due), opt_date(f.unreachable_on), created, updated});
      if (p.inclusion >= 0) {
        const FollowUp g = follow_up(p.entry, 1, attempts, today);
        ins.add({p.id, inclusion, plie_org, inclusion_referents[p.inclusion], promo[p.inclusion], inclusion_remob,
                 "active", format_date(p.entry), nullptr, nullptr, esf(p, p.entry, ""), "", opt_date(g.last_reached),
                 g.failed_streak, format_date(g.next_due), opt_date(g.unreachable_on), created, created});
      }
    }
    ins.flush();
    // History rows: the entry, and the exit when there was one.
    std::map<std::int64_t, const Person*> by_id;
    for (auto& p : people) by_id[p.id] = &p;
    Inserter events(db,
                    "INSERT INTO enrolment_events (enrolment_id, at, user_id, kind, from_value, to_value, reason)", 7);
    Inserter steps(db, "INSERT INTO steps (enrolment_id, kind, start_date, end_date, place, notes, created_at)", 7);
    for (auto& r : ins.returned) {
      const Person& p = *by_id.at(r.integer(1));
      const std::int64_t enrolment = r.integer(0);
      const bool is_plie = r.integer(2) == plie;
      const std::int64_t user = is_plie ? referents[p.referent] : inclusion_referents[std::max(p.inclusion, 0)];
      events.add({enrolment, format_datetime(paris_time(p.entry, 10, 0)), user, "status", "", "active", ""});
      if (r.text(3) == "exited")
        events.add({enrolment, format_datetime(paris_time(p.exit, 17, 0)), user, "status", "active", "exited",
                    is_positive_exit(p.exit_outcome) ? "Sortie positive" : "Sortie du dispositif"});
      if (is_plie) {
        steps.add({enrolment, "diagnosis", format_date(p.entry), format_date(add_days(p.entry, 30)),
                   "PLIE de Paris, 209 rue La Fayette", "", format_datetime(paris_time(p.entry, 11, 0))});
        const Date later = add_days(p.entry, 60);
        if (later < kFrom && p.id % 9 == 0)
          steps.add({enrolment, "siae_activity", format_date(later), nullptr, "Nettoyage Solidaire Paris",
                     "Contrat à durée déterminée d'insertion, 26 h par semaine.", format_datetime(paris_time(later, 11, 0))});
        else if (later < kFrom && p.id % 13 == 0)
          steps.add({enrolment, "pec_contract", format_date(later), nullptr, "Ville de Paris",
                     "Contrat PEC, agent d'accueil.", format_datetime(paris_time(later, 11, 0))});
        else if (later < kFrom && p.id % 7 == 0)
          steps.add({enrolment, "training", format_date(later), format_date(add_days(later, 90)), "AFPA Paris",
                     "Titre professionnel agent de propreté et d'hygiène.", format_datetime(paris_time(later, 11, 0))});
      }
    }
    events.flush();
    steps.flush();
  }
  std::int64_t contacts_inserted = 0;
  {
    Inserter ins(db,
                 "INSERT INTO interactions (participant_id, at, channel, outcome, level, topics, notes, author_id, "
                 "created_at)",
                 9, "", 500);
    for (auto& p : people)
      for (auto& c : p.log) {
        const auto at = format_datetime(c.at);
        ins.add({p.id, at, c.channel, c.outcome, c.level, "", c.notes, referent_of(c.author), at});
        if (paris_date(c.at) >= kFrom && paris_date(c.at) <= kTo) ++contacts_inserted;
      }
    ins.flush();
  }
  // Digital autonomy: the e-mail answer decides the others' likelihood.
  {
    Inserter ins(db,
                 "INSERT INTO digital_assessments (participant_id, assessed_on, equipment, connection, email, "
                 "online_procedures, reading_writing, author_id, created_at)",
                 9, "", 500);
    static const char* answers[] = {"yes", "with_help", "no"};
    for (auto& p : people) {
      if (p.email_answer.empty()) continue;
      const bool able = p.email_answer == "yes";
      const Date first = std::max(p.entry, Date{2019, 9, 2});
      const Date on = add_days(first, static_cast<std::int64_t>(rng.next(std::max<std::int64_t>(1, days_between(first, kTo) + 1))));
      ins.add({p.id, format_date(on), answers[able ? rng.weighted({85, 5, 10}) : rng.weighted({55, 15, 30})],
               answers[able ? rng.weighted({80, 5, 15}) : rng.weighted({40, 15, 45})], p.email_answer,
               answers[able ? rng.weighted({60, 35, 5}) : rng.weighted({3, 42, 55})],
               answers[able ? rng.weighted({92, 6, 2}) : rng.weighted({45, 30, 25})], referents[p.referent],
               format_datetime(paris_time(on, 14, 0))});
    }
    ins.flush();
  }
  // Difficulties of the seed, at most one of each kind per person.
  std::int64_t difficulties = 0;
  {
    struct Kind {
      const char* code;
      double share;
    };
    const Kind kinds[] = {{"food", 0.19},     {"rights", 0.24},        {"health", 0.09},     {"psychological", 0.12},
                          {"domestic_violence", 0.025}, {"job_taking", 0.06}, {"stuck_abroad", 0.015},
                          {"digital", 0.14},  {"housing", 0.08},       {"childcare", 0.05},  {"language", 0.07}};
    Inserter ins(db,
                 "INSERT INTO difficulties (participant_id, kind, sub_kind, sensitive, status, partner_organisation_id, "
                 "identified_on, notes, updated_at)",
                 9, "id, participant_id, kind, status, identified_on, partner_organisation_id", 500);
    static const char* statuses[] = {"identified", "oriented", "in_progress", "solved", "dropped"};
    for (auto& p : people) {
      for (auto& k : kinds) {
        double share = k.share;
        if (p.inclusion >= 0 && (std::string_view(k.code) == "housing" || std::string_view(k.code) == "childcare" ||
                                 std::string_view(k.code) == "psychological"))
          share *= 3;
        if (std::string_view(k.code) == "digital" && (p.email_answer == "no")) share = 0.45;
        if (!rng.chance(share)) continue;
        std::string sub;
        if (std::string_view(k.code) == "rights") {
          static const char* subs[] = {"rights_caf", "rights_france_travail", "rights_are_end"};
          sub = subs[rng.weighted({40, 35, 25})];
        } else if (std::string_view(k.code) == "digital") {
          static const char* subs[] = {"digital_equipment", "digital_connection", "digital_skills"};
          sub = subs[rng.weighted({35, 25, 40})];
        }
        const Date first = std::max(p.entry, kFrom), last = p.exited ? p.exit : kTo;
        const Date on = add_days(first, static_cast<std::int64_t>(rng.next(days_between(first, last) + 1)));
        const char* status = statuses[rng.weighted({30, 25, 25, 15, 5})];
        db::Value partner_id = nullptr;
        if (std::string_view(status) != "identified" && rng.chance(0.6)) {
          if (sub == "rights_france_travail" || sub == "rights_are_end") partner_id = france_travail;
          else if (std::string_view(k.code) == "stuck_abroad" || std::string_view(k.code) == "language") partner_id = refugees;
          else if (std::string_view(k.code) == "health") partner_id = cap_emploi;
        }
        if (std::string_view(status) == "oriented" && partner_id.is_null()) status = "in_progress";
        ins.add({p.id, k.code, sub, is_sensitive_difficulty(k.code) ? 1 : 0, status, partner_id, format_date(on), "",
                 format_datetime(paris_time(on, 15, 0))});
        ++difficulties;
      }
    }
    ins.flush();
    Inserter events(db,
                    "INSERT INTO difficulty_events (difficulty_id, at, user_id, from_status, to_status, "
                    "partner_organisation_id, reason)",
                    7, "", 500);
    std::map<std::int64_t, const Person*> by_id;
    for (auto& p : people) by_id[p.id] = &p;
    for (auto& r : ins.returned) {
      const Person& p = *by_id.at(r.integer(1));
      const std::string status = r.text(3);
      const Date on = *parse_date(r.text(4));
      const auto at = format_datetime(paris_time(on, 15, 0));
      const std::string first = status == "oriented" ? "oriented" : "identified";
      events.add({r.integer(0), at, referents[p.referent], "", first, status == "oriented" ? r.value(5) : db::Value(nullptr), ""});
      if (status != first)
        events.add({r.integer(0), format_datetime(paris_time(on, 16, 0)), referents[p.referent], first, status,
                    nullptr, ""});
    }
    events.flush();
  }
  // Resources sent, and the PLIE team's daily call to every referent (seed 003).
  {
    Inserter ins(db,
                 "INSERT INTO resources_sent (participant_id, sent_on, title, link, channel, author_id, created_at)", 7,
                 "", 500);
    for (auto& p : people)
      for (auto& c : p.log)
        if (c.outcome == "reached" && c.level == 2 && rng.chance(0.35)) {
          const auto& res = rng.pick(kResources);
          const Date on = paris_date(c.at);
          ins.add({p.id, format_date(on), res[0], res[1], p.email.empty() ? "whatsapp" : "email", referent_of(c.author),
                   format_datetime(c.at)});
        }
    ins.flush();
    Inserter checkins(db,
                      "INSERT INTO daily_checkins (supervisor_id, referent_id, on_date, notes, created_at)", 5, "", 500);
    static const char* notes[] = {"Point sur les personnes injoignables.", "Pas de difficulté particulière.",
                                  "Deux situations d'aide alimentaire à suivre.", "Référent·e en garde d'enfants : appels l'après-midi.",
                                  ""};
    std::vector<std::int64_t> all(referents);
    all.insert(all.end(), inclusion_referents.begin(), inclusion_referents.end());
    for (Date d : period_days)
      for (auto r : all)
        checkins.add({supervisor_demo, r, format_date(d), rng.pick(notes), format_datetime(paris_time(d, 9, 0))});
    checkins.flush();
  }
  audit::record(db, 0, "create", "demo", 0, "données de démonstration du suivi chargées");
  tx.commit();
  rebuild_participant_words(db, false);  // the participants above were inserted in bulk

  int not_reached = 0;
  for (int i = 0; i < kFollowed; ++i)
    if (std::ranges::none_of(people[i].log, [](auto& c) { return c.outcome == "reached"; })) ++not_reached;
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  out << fmt::format(
      "\nSuivi des participants (PLIE de Paris, confinement du 17/03/2020 au 15/04/2020) : {} personnes suivies au "
      "15/04/2020 par {} référent·es, dont {} en « 100 % Inclusion » (promos 1 et 2) ; {} contacts dans la période, "
      "{} personnes jamais jointes ({} %), {} évaluations numériques dont {} sans autonomie pour l'e-mail ; "
      "{} difficultés ; {} entrées et {} sorties ({} positives) dans la période ({} ms).\n",
      kFollowed, referents.size() + inclusion_referents.size(), kInclusion, contacts_inserted, not_reached,
      percent(not_reached, kFollowed), kAssessed, kUnableEmail, difficulties, kEntriesInPeriod, kExitsInPeriod,
      exits_positive, ms);
  out << "Référent·es du PLIE : prenom.nom@plie-paris.demo.passerelle.fr (même mot de passe), par exemple "
      << "aurelie.marchetti@plie-paris.demo.passerelle.fr.\n";
}

}  // namespace passerelle::followup
