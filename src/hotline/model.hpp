#pragma once
// Hotline module (PRODUCT.md "Hotline", issue 6; seed 000): questions of member
// organisations to their delegation, replies and internal notes, SLA on
// business hours, FAQ, satisfaction. Each code list is one table of stable
// code (stored, used in URLs and the API) and French label.
#include <array>
#include <string_view>

namespace passerelle::hotline {

struct Label {
  std::string_view code;
  std::string_view label;
};

inline constexpr std::array<Label, 3> kChannels{{
    {"phone", "Téléphone"},
    {"email", "Courriel"},
    {"form", "Formulaire"},
}};

inline constexpr std::array<Label, 3> kPriorities{{
    {"normal", "Normale"},
    {"high", "Haute"},
    {"urgent", "Urgente"},
}};

inline constexpr std::array<Label, 5> kStates{{
    {"new", "Nouvelle"},
    {"open", "En cours"},
    {"waiting", "En attente de l'adhérent"},
    {"answered", "Répondue"},
    {"closed", "Clôturée"},
}};

inline constexpr std::array<Label, 2> kFaqStatuses{{
    {"draft", "Brouillon"},
    {"published", "Publiée"},
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

}  // namespace passerelle::hotline
