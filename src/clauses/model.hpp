#pragma once
// Clauses module (social clauses of public contracts, seed 003 "Accompagnement
// Clauses", issue 4): the code lists of contracts, insertion hours and rule
// sets. Each list is one table of stable code (stored, used in URLs and the
// API) and French label (shown to users). Add a row here and nowhere else.
#include <array>
#include <string_view>

namespace passerelle::clauses {

struct Label {
  std::string_view code;
  std::string_view label;
};

// --- Public contracts ---------------------------------------------------------

// Seed 003: "marchés de service (nettoyage, restauration, sécurité, maintenance
// réseaux d'eau, prestations intellectuelles)" besides the building sites (BTP).
inline constexpr std::array<Label, 9> kSectors{{
    {"construction", "Bâtiment et travaux publics"},
    {"cleaning", "Nettoyage"},
    {"catering", "Restauration"},
    {"security", "Sécurité"},
    {"water_network", "Maintenance des réseaux d'eau"},
    {"intellectual_services", "Prestations intellectuelles"},
    {"green_spaces", "Espaces verts"},
    {"waste", "Collecte et traitement des déchets"},
    {"other", "Autre"},
}};

// Code de la commande publique: condition of execution (art. L2112-2),
// award criterion (art. R2152-7), contract reserved to SIAE (art. L2113-13).
inline constexpr std::array<Label, 3> kClauseTypes{{
    {"execution_condition", "Condition d'exécution"},
    {"award_criterion", "Critère d'attribution"},
    {"reserved", "Marché réservé (SIAE)"},
}};

inline constexpr std::array<Label, 2> kHoursModes{{
    {"entered", "Saisies"},
    {"computed", "Calculées"},
}};

inline constexpr std::array<Label, 6> kContractStatuses{{
    {"active", "Actif"},
    {"suspended", "Suspendu"},
    {"stopped", "Arrêté"},
    {"amended_extended", "Prorogé par avenant"},
    {"completed", "Terminé"},
    {"cancelled", "Résilié"},
}};

// Named transitions of a contract; the from → to table is in rules.cpp.
// Seed 003: "actualisation de leurs parts (marchés arrêtés, suspendus,
// avenants de prorogation, etc.)".
inline constexpr std::array<Label, 6> kContractTransitions{{
    {"suspend", "Suspendre"},
    {"resume", "Reprendre"},
    {"stop", "Arrêter"},
    {"amend_extend", "Proroger par avenant"},
    {"complete", "Clore (exécution terminée)"},
    {"cancel", "Résilier"},
}};

// The legal reference proposed for the spring 2020 changes (seed 003).
inline constexpr std::string_view kOrdinance2020_319 = "ordonnance n° 2020-319 du 25 mars 2020";

// Other companies of a contract besides its holder: the members of a grouping
// (cotraitance, code de la commande publique art. R2142-19) and the
// subcontractors (loi n° 75-1334 du 31 décembre 1975), often SIAE.
inline constexpr std::array<Label, 2> kPartyRoles{{
    {"co_contractor", "Cotraitant"},
    {"subcontractor", "Sous-traitant"},
}};

// --- Purchase programme of a buyer --------------------------------------------------
// Seed 003: "programmations d'achats socialement responsables 2020/2021": the
// contracts a buyer plans to carry clauses, and the meetings preparing them.

inline constexpr std::array<Label, 2> kProgrammeKinds{{
    {"planned_contract", "Marché prévu"},
    {"meeting", "Réunion"},
}};

inline constexpr std::array<Label, 3> kProgrammeStatuses{{
    {"planned", "Prévu"},
    {"done", "Réalisé"},
    {"dropped", "Abandonné"},
}};

// --- Insertion hours ------------------------------------------------------------

inline constexpr std::array<Label, 6> kModalities{{
    {"direct_hire", "Embauche directe"},
    {"apprenticeship", "Alternance (apprentissage, professionnalisation)"},
    {"temporary_etti", "Intérim d'insertion (ETTI)"},
    {"provision_ai_geiq", "Mise à disposition (AI, GEIQ)"},
    {"subcontracting_ei_aci", "Sous-traitance ou cotraitance (EI, ACI)"},
    {"training", "Formation"},
}};

// Seed 003: "télétravail", "garde d'enfant (pris en charge par la Sécurité
// sociale)", "malade et en arrêt (pris en charge par la Sécurité sociale)",
// "chômage partiel".
inline constexpr std::array<Label, 7> kSituations{{
    {"worked", "Heures travaillées"},
    {"telework", "Télétravail"},
    {"childcare_leave", "Garde d'enfant (prise en charge par la Sécurité sociale)"},
    {"sick_leave", "Arrêt maladie (pris en charge par la Sécurité sociale)"},
    {"partial_unemployment", "Chômage partiel"},
    {"training", "Formation"},
    {"paid_leave", "Congés payés"},
}};

// The public of social clauses (guide « Les clauses sociales », Alliance Villes
// Emploi): the person's eligibility when the hours are counted.
inline constexpr std::array<Label, 8> kEligibilities{{
    {"long_term_jobseeker", "Demandeur·se d'emploi de longue durée"},
    {"rsa", "Allocataire du RSA"},
    {"young_unqualified", "Jeune de moins de 26 ans sans qualification"},
    {"rqth", "Travailleur·se handicapé·e (RQTH)"},
    {"ass_aah", "Allocataire de l'ASS ou de l'AAH"},
    {"siae_employee", "Salarié·e d'une SIAE"},
    {"senior_50", "Personne de 50 ans et plus"},
    {"partner_opinion", "Autre, sur avis motivé d'un partenaire"},
}};

// What a rule set decides for an entry.
inline constexpr std::array<Label, 3> kDecisions{{
    {"validated", "Validées"},
    {"facilitator_decides", "À l'appréciation du facilitateur"},
    {"not_validated", "Non validées"},
}};

// A "facilitator decides" entry waits in the review queue.
inline constexpr std::array<Label, 3> kReviewStatuses{{
    {"pending", "À examiner"},
    {"accepted", "Acceptées par le facilitateur"},
    {"refused", "Refusées par le facilitateur"},
}};

inline constexpr std::array<Label, 3> kSources{{
    {"form", "Saisie"},
    {"import", "Relevé importé"},
    {"demo", "Démonstration"},
}};

// --- Look-ups -------------------------------------------------------------------

template <class Row, std::size_t N>
constexpr const Row* find_code(const std::array<Row, N>& table, std::string_view code) {
  for (const auto& row : table)
    if (row.code == code) return &row;
  return nullptr;
}

// The label of a code, or the code itself when unknown.
template <class Row, std::size_t N>
constexpr std::string_view label_of(const std::array<Row, N>& table, std::string_view code) {
  const Row* row = find_code(table, code);
  return row ? row->label : code;
}

}  // namespace passerelle::clauses
