#pragma once
// Follow-up module (accompagnement, seed 003): the code lists of participants,
// programmes, enrolments, interactions, difficulties and PASS IAE. Each list
// is one table of stable code (stored in the database, used in URLs and the
// API) and French label (shown to users), plus the one flag a rule needs.
// Add a row here and nowhere else.
#include <array>
#include <string_view>

namespace passerelle::followup {

struct Label {
  std::string_view code;
  std::string_view label;
};

// --- Programmes and enrolments ----------------------------------------------

// Kinds of programme (PRODUCT.md "Follow-up"); the cadence, maximum duration
// and phases are set per programme by an administrator.
inline constexpr std::array<Label, 4> kProgrammeKinds{{
    {"plie", "PLIE"},
    {"inclusion100", "100 % Inclusion"},
    {"iae", "Parcours IAE"},
    {"other", "Autre"},
}};

// Seed 003: "Chaque participant est appelé tous les 15 jours par son RPP";
// a PLIE pathway lasts at most 36 months.
inline constexpr int kPlieCadenceDays = 15;
inline constexpr int kPlieMaxDurationMonths = 36;

inline constexpr std::array<Label, 3> kEnrolmentStatuses{{
    {"active", "En cours"},
    {"suspended", "Suspendu"},
    {"exited", "Sorti"},
}};

// Named transitions of an enrolment; the from → to table is in rules.cpp.
inline constexpr std::array<Label, 3> kEnrolmentTransitions{{
    {"suspend", "Suspendre le parcours"},
    {"resume", "Reprendre le parcours"},
    {"exit", "Enregistrer la sortie"},
}};

struct ExitOutcome {
  std::string_view code;
  std::string_view label;
  bool positive;
};

// Positive exits follow the PLIE definition (Alliance Villes Emploi, guide
// « PLIE mode d'emploi », 20 April 2010): a continuous job of at least 6
// months at least half-time, a qualifying training leading to a diploma, a
// recognised title or a professional certificate, or the creation of a business.
inline constexpr std::array<ExitOutcome, 7> kExitOutcomes{{
    {"employment_6m", "Emploi durable (≥ 6 mois, au moins mi-temps)", true},
    {"qualifying_training", "Formation qualifiante", true},
    {"business_creation", "Création d'entreprise", true},
    {"moved", "Déménagement", false},
    {"abandoned", "Abandon", false},
    {"health", "Raisons de santé", false},
    {"other_exit", "Autre sortie", false},
}};

inline constexpr std::array<Label, 6> kStepKinds{{
    {"diagnosis", "Diagnostic"},
    {"accompaniment", "Accompagnement"},
    {"training", "Formation"},
    {"siae_activity", "Activité en structure d'insertion (SIAE)"},
    {"pec_contract", "Contrat aidé (PEC)"},
    {"durable_employment", "Emploi durable"},
}};

// --- Interactions --------------------------------------------------------------

inline constexpr std::array<Label, 6> kInteractionChannels{{
    {"phone", "Téléphone"},
    {"email", "E-mail"},
    {"visio", "Visioconférence"},
    {"in_person", "En présentiel"},
    {"whatsapp", "WhatsApp"},
    {"sms", "SMS"},
}};

struct InteractionOutcome {
  std::string_view code;
  std::string_view label;
  bool reached;  // only a reached person resets the due date
};

// Seed 003: "Pas de réponse au téléphone ou au mail, difficulté d'échange par
// téléphone pour des raisons linguistiques".
inline constexpr std::array<InteractionOutcome, 5> kInteractionOutcomes{{
    {"reached", "Joint·e", true},
    {"no_answer", "Pas de réponse", false},
    {"message_left", "Message laissé", false},
    {"wrong_number", "Numéro erroné", false},
    {"language_barrier", "Barrière de la langue", false},
}};

// Seed 003: "1er niveau : garder le lien et assurer l'accès aux droits ;
// 2ème niveau : accompagnement vers l'emploi".
inline constexpr std::array<Label, 2> kInteractionLevels{{
    {"1", "Lien et accès aux droits"},
    {"2", "Vers l'emploi"},
}};

// The referent's "À contacter" list; computed by rules.hpp due_status().
inline constexpr std::array<Label, 5> kDueStatuses{{
    {"overdue", "En retard"},
    {"due_today", "À contacter aujourd'hui"},
    {"never_contacted", "Jamais contacté·e"},
    {"unreachable", "Injoignable"},
    {"ok", "À jour"},
}};

// --- Social difficulties ----------------------------------------------------

struct DifficultyKind {
  std::string_view code;
  std::string_view label;
  // Health, psychological and domestic-violence entries are seen only by the
  // participant's referent and supervisor, and each read is audited (issue 3).
  bool sensitive;
};

struct DifficultySubkind {
  std::string_view code;
  std::string_view label;
  std::string_view kind;  // code in kDifficultyKinds
};

// The difficulties of seed 003 ("Les difficultés sociales liées au Covid19…"
// and those of the 100 % Inclusion public), first level.
inline constexpr std::array<DifficultyKind, 12> kDifficultyKinds{{
    {"food", "Aide alimentaire", false},
    {"rights", "Accès aux droits", false},
    {"health", "Santé", true},
    {"psychological", "Difficultés psychologiques", true},
    {"domestic_violence", "Risque de violence au sein du foyer", true},
    {"housing", "Logement", false},
    {"childcare", "Garde d'enfants", false},
    {"mobility", "Mobilité", false},
    {"digital", "Numérique", false},
    {"language", "Langue française, lecture et écriture", false},
    {"job_taking", "Prise de poste et relation avec l'employeur", false},
    {"stuck_abroad", "Bloqué·e à l'étranger", false},
}};

// Second level. Seed 003: "actualisation des droits sur la CAF, Pôle Emploi,
// les fins de droits ARE" and "matériels adaptés, connexion à Internet et
// forfait données, connaissance de base pour utiliser ces moyens".
inline constexpr std::array<DifficultySubkind, 6> kDifficultySubkinds{{
    {"rights_caf", "CAF", "rights"},
    {"rights_france_travail", "France Travail", "rights"},
    {"rights_are_end", "Fin de droits ARE", "rights"},
    {"digital_equipment", "Équipement", "digital"},
    {"digital_connection", "Connexion à Internet", "digital"},
    {"digital_skills", "Savoir utiliser les outils", "digital"},
}};

inline constexpr std::array<Label, 5> kDifficultyStatuses{{
    {"identified", "Repérée"},
    {"oriented", "Orientée vers un partenaire"},
    {"in_progress", "En cours de traitement"},
    {"solved", "Résolue"},
    {"dropped", "Abandonnée"},
}};

// Named transitions of a difficulty; the from → to table is in rules.cpp.
inline constexpr std::array<Label, 5> kDifficultyTransitions{{
    {"orient", "Orienter vers un partenaire"},
    {"start", "Commencer le traitement"},
    {"solve", "Marquer comme résolue"},
    {"drop", "Abandonner"},
    {"reopen", "Rouvrir"},
}};

// --- Digital autonomy assessment ----------------------------------------------

// Seed 003: "Recenser le matériel informatique au sein des foyers et évaluer
// l'autonomie numérique"; reading and writing decides the pictograms.
inline constexpr std::array<Label, 5> kDigitalQuestions{{
    {"equipment", "Dispose d'un équipement (smartphone, ordinateur)"},
    {"connection", "Dispose d'une connexion à Internet"},
    {"email", "Sait utiliser une messagerie électronique"},
    {"online_procedures", "Sait faire ses démarches en ligne"},
    {"reading_writing", "Sait lire et écrire le français"},
}};

inline constexpr std::array<Label, 3> kDigitalAnswers{{
    {"yes", "Oui"},
    {"with_help", "Avec de l'aide"},
    {"no", "Non"},
}};

// --- Situation at entry (ESF questionnaire) -----------------------------------

// Gender as asked by the ESF+ participant questionnaire, which accepts
// "non-binary" besides women and men (Regulation (EU) 2021/1057, annex I).
inline constexpr std::array<Label, 3> kGenders{{
    {"female", "Femme"},
    {"male", "Homme"},
    {"non_binary", "Non binaire"},
}};

inline constexpr std::array<Label, 6> kLabourStatuses{{
    {"unemployed_registered", "Demandeur·se d'emploi inscrit·e à France Travail"},
    {"unemployed_long_term", "Demandeur·se d'emploi de longue durée (12 mois et plus)"},
    {"unemployed_unregistered", "Sans emploi, non inscrit·e à France Travail"},
    {"inactive", "Inactif·ve"},
    {"employed", "En emploi"},
    {"in_training", "En formation"},
}};

// Levels of the national framework of certifications (décret n° 2019-14 du
// 8 janvier 2019): 3 = CAP/BEP, 4 = baccalauréat, 5 = bac + 2, 6 = licence.
inline constexpr std::array<Label, 5> kEducationLevels{{
    {"infra_3", "Infra 3 (sans diplôme, brevet des collèges)"},
    {"level_3", "Niveau 3 (CAP, BEP)"},
    {"level_4", "Niveau 4 (baccalauréat)"},
    {"level_5", "Niveau 5 (bac + 2 : BTS, BUT, DEUG)"},
    {"level_6_plus", "Niveau 6 et plus (licence et au-delà)"},
}};

inline constexpr std::array<Label, 4> kBenefits{{
    {"rsa", "RSA (revenu de solidarité active)"},
    {"ass", "ASS (allocation de solidarité spécifique)"},
    {"aah", "AAH (allocation aux adultes handicapés)"},
    {"are", "ARE (allocation d'aide au retour à l'emploi)"},
}};

inline constexpr std::array<Label, 7> kHousingSituations{{
    {"tenant", "Locataire"},
    {"owner", "Propriétaire"},
    {"hosted", "Hébergé·e par la famille ou des proches"},
    {"social_accommodation", "Hébergement social (CHRS, résidence sociale, foyer)"},
    {"emergency_accommodation", "Hébergement d'urgence, hôtel social"},
    {"homeless", "Sans domicile"},
    {"other", "Autre"},
}};

// --- PASS IAE -------------------------------------------------------------------
// Codes are those of the national platform les-emplois
// (gip-inclusion/les-emplois, itou/approvals), so that data exchanged with it
// keeps its meaning.

inline constexpr std::array<Label, 4> kPassStatuses{{
    {"valid", "Valide"},
    {"suspended", "Valide (suspendu)"},
    {"expired", "Expiré"},
    {"future", "Valide (non démarré)"},
}};

inline constexpr std::array<Label, 3> kPassAlerts{{
    {"none", "Aucune alerte"},
    {"three_months", "Fin du PASS IAE dans moins de 3 mois"},
    {"one_month", "Fin du PASS IAE dans moins d'un mois"},
}};

// A suspension lasts at most 36 months (les-emplois, Suspension.MAX_DURATION_MONTHS).
inline constexpr int kPassSuspensionMaxMonths = 36;

// Suspension reasons: the four les-emplois offers today, the bridge-contract
// experiment (EI and ACI only there), and the older reasons it keeps for
// history (sick leave, maternity, incarceration, trial period elsewhere,
// detoxification, force majeure). TRAINING is ours, not les-emplois'.
inline constexpr std::array<Label, 12> kPassSuspensionReasons{{
    {"CONTRACT_SUSPENDED", "Contrat de travail suspendu depuis plus de 15 jours"},
    {"CONTRACT_BROKEN", "Contrat de travail rompu"},
    {"FINISHED_CONTRACT", "Contrat de travail terminé"},
    {"APPROVAL_BETWEEN_CTA_MEMBERS",
     "Situation faisant l'objet d'un accord entre les acteurs membres du CTA (Comité technique "
     "d'animation)"},
    {"CONTRAT_PASSERELLE", "Bascule dans l'expérimentation contrat passerelle"},
    {"SICKNESS", "Arrêt pour longue maladie"},
    {"MATERNITY", "Congé de maternité"},
    {"INCARCERATION", "Incarcération"},
    {"TRIAL_OUTSIDE_IAE",
     "Période d'essai auprès d'un employeur ne relevant pas de l'insertion par l'activité "
     "économique"},
    {"DETOXIFICATION", "Période de cure pour désintoxication"},
    {"FORCE_MAJEURE", "Raison de force majeure conduisant le salarié à quitter son emploi"},
    {"TRAINING", "Formation hors de la structure d'insertion"},
}};

struct ProlongationReason {
  std::string_view code;
  std::string_view label;
  int max_months_per_request;
  int max_total_months;  // over all the PASS's prolongations for this reason
  bool ai_aci_only;      // reserved to associations intermédiaires and ACI
  bool usable;           // false: kept to read old PASS, refused for new ones
};

// Limits used by les-emplois (itou/approvals/models.py, MAX_CUMULATIVE_DURATION
// and ProlongationReason.for_siae): SENIOR_CDI up to 10 years; COMPLETE_TRAINING
// 12 months a request, 2 years in all; RQTH 12 months a request, 3 years in all;
// SENIOR 12 months, 5 years; PARTICULAR_DIFFICULTIES 12 months, 3 years, AI and
// ACI only. "Since December 1, 2021, health context reason can no longer be used."
inline constexpr std::array<ProlongationReason, 6> kProlongationReasons{{
    {"SENIOR_CDI", "CDI conclu avec une personne de plus de 57 ans", 120, 120, false, true},
    {"COMPLETE_TRAINING", "Fin d'une formation", 12, 24, false, true},
    {"RQTH", "RQTH - Reconnaissance de la qualité de travailleur handicapé", 12, 36, false, true},
    {"SENIOR", "50 ans et plus", 12, 60, false, true},
    {"PARTICULAR_DIFFICULTIES",
     "Difficultés particulièrement importantes dont l'absence de prise en charge ferait obstacle à "
     "son insertion professionnelle",
     12, 36, true, true},
    {"HEALTH_CONTEXT", "Contexte sanitaire", 12, 12, false, false},
}};

// --- Look-ups -------------------------------------------------------------------
// nullptr when the code is unknown. The tables are small; a linear scan is as
// fast as a map and keeps them usable in constant expressions.

template <class Row, std::size_t N>
constexpr const Row* find_code(const std::array<Row, N>& table, std::string_view code) {
  for (const auto& row : table)
    if (row.code == code) return &row;
  return nullptr;
}

// The label of a code, or the code itself when unknown (an old code read back
// from the database still shows something).
template <class Row, std::size_t N>
constexpr std::string_view label_of(const std::array<Row, N>& table, std::string_view code) {
  const Row* row = find_code(table, code);
  return row ? row->label : code;
}

constexpr const DifficultySubkind* find_subkind(std::string_view kind, std::string_view subkind) {
  for (const auto& s : kDifficultySubkinds)
    if (s.code == subkind && s.kind == kind) return &s;
  return nullptr;
}

constexpr bool is_sensitive_difficulty(std::string_view kind) {
  const DifficultyKind* k = find_code(kDifficultyKinds, kind);
  return k && k->sensitive;
}

}  // namespace passerelle::followup
