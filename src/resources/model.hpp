#pragma once
// Resource library (PRODUCT.md "Resources and diffusion", issue 6; seeds 000
// and 003): notes, letters, articles, practical sheets, templates, video links
// and syntheses the delegation centralises and diffuses, and the pedagogical
// resources a PLIE sends to its participants. Each code list is one table of
// stable code (stored, used in URLs and the API) and French label.
#include <array>
#include <string_view>

namespace passerelle::resources {

struct Label {
  std::string_view code;
  std::string_view label;
};

inline constexpr std::array<Label, 7> kKinds{{
    {"note", "Note"},
    {"letter", "Courrier"},
    {"article", "Article"},
    {"sheet", "Fiche pratique"},
    {"template", "Modèle"},
    {"video", "Vidéo"},
    {"synthesis", "Synthèse"},
}};

// Who may read a published resource.
inline constexpr std::array<Label, 4> kAudiences{{
    {"public", "Public (sans compte)"},
    {"members", "Adhérents du réseau"},
    {"region", "Adhérents d'une région"},
    {"staff", "Équipes de la fédération et des délégations"},
}};

inline constexpr std::array<Label, 3> kStatuses{{
    {"draft", "Brouillon"},
    {"published", "Publiée"},
    {"archived", "Archivée"},
}};

// Pedagogical resources for participants (seed 003: "outils bureautiques, infos
// métiers, formations gratuites en ligne, outils de techniques de recherche
// d'emploi… alimentation, santé, famille/enfant, administration, appui
// juridique gratuit").
inline constexpr std::array<Label, 10> kTopics{{
    {"office_tools", "Outils bureautiques"},
    {"job_information", "Infos métiers"},
    {"online_training", "Formations gratuites en ligne"},
    {"job_search", "Techniques de recherche d'emploi"},
    {"food", "Aide alimentaire"},
    {"health", "Santé et soutien psychologique"},
    {"family", "Famille et enfants"},
    {"administration", "Démarches administratives"},
    {"legal_aid", "Appui juridique gratuit"},
    {"digital", "Espaces numériques"},
}};

template <std::size_t N>
constexpr std::string_view label_of(const std::array<Label, N>& table, std::string_view code) {
  for (const auto& l : table)
    if (l.code == code) return l.label;
  return code;
}

template <std::size_t N>
constexpr bool is_code(const std::array<Label, N>& table, std::string_view code) {
  for (const auto& l : table)
    if (l.code == code) return true;
  return false;
}

}  // namespace passerelle::resources
