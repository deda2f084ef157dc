#pragma once
// Employment module (seed 003, "Accompagnement Clauses"): job offers, the CV
// library (CVthèque) and positionings (mises en relation). Each code list is
// one table of stable code (stored in the database, used in URLs and the API)
// and French label (shown to users). Add a row here and nowhere else.
#include <array>
#include <string_view>

namespace passerelle::employment {

struct Label {
  std::string_view code;
  std::string_view label;
};

// Contract types of an offer and of a hire (PRODUCT.md "Employment").
inline constexpr std::array<Label, 7> kContractTypes{{
    {"cdi", "CDI"},
    {"cdd", "CDD"},
    {"cddi", "CDDI (contrat à durée déterminée d'insertion)"},
    {"temporary", "Intérim"},
    {"apprenticeship", "Contrat d'apprentissage"},
    {"professionalisation", "Contrat de professionnalisation"},
    {"pec", "Parcours emploi compétences (PEC)"},
}};

// Work-study contracts ("postes en alternance", seed 003).
constexpr bool is_work_study(std::string_view contract_type) {
  return contract_type == "apprenticeship" || contract_type == "professionalisation";
}

inline constexpr std::array<Label, 5> kOfferStatuses{{
    {"draft", "Brouillon"},
    {"open", "Ouverte"},
    {"filled", "Pourvue"},
    {"closed", "Clôturée"},
    {"cancelled", "Annulée"},
}};

// An offer is "processed" ("offres traitées", seed 003) once it has been
// diffused to partners: open, filled or closed; a draft or a cancelled offer is not.
constexpr bool is_processed_offer(std::string_view status) {
  return status == "open" || status == "filled" || status == "closed";
}

// States of a positioning: proposed → sent to employer → interview → hired |
// not retained | withdrawn. The transition table is in rules.cpp.
inline constexpr std::array<Label, 6> kPositioningStates{{
    {"proposed", "Proposé"},
    {"sent_to_employer", "Transmis à l'employeur"},
    {"interview", "Entretien"},
    {"hired", "Embauché·e"},
    {"not_retained", "Non retenu·e"},
    {"withdrawn", "Désisté·e"},
}};

constexpr bool is_final_state(std::string_view state) {
  return state == "hired" || state == "not_retained" || state == "withdrawn";
}

// Named transitions of a positioning (the verbs of the buttons).
inline constexpr std::array<Label, 5> kPositioningTransitions{{
    {"send", "Transmettre à l'employeur"},
    {"interview", "Entretien programmé"},
    {"hire", "Embauche"},
    {"reject", "Non retenu·e"},
    {"withdraw", "Désistement"},
}};

// Kinds of orienting partner (seed 003, "Comité technique emploi": la mission
// locale, E2C, Action emploi réfugiés, l'équipe IAE de Pôle emploi, Cap emploi).
inline constexpr std::array<Label, 7> kPartnerKinds{{
    {"mission_locale", "Mission locale"},
    {"e2c", "École de la deuxième chance (E2C)"},
    {"refugee_association", "Association pour l'emploi des réfugiés"},
    {"france_travail_iae", "France Travail — équipe IAE"},
    {"cap_emploi", "Cap emploi"},
    {"facilitator", "Équipe clauses (sans partenaire)"},
    {"other", "Autre partenaire"},
}};

template <class Row, std::size_t N>
constexpr const Row* find_code(const std::array<Row, N>& table, std::string_view code) {
  for (const auto& row : table)
    if (row.code == code) return &row;
  return nullptr;
}

template <class Row, std::size_t N>
constexpr std::string_view label_of(const std::array<Row, N>& table, std::string_view code) {
  const Row* row = find_code(table, code);
  return row ? row->label : code;
}

}  // namespace passerelle::employment
