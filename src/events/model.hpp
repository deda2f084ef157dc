#pragma once
// Events module (PRODUCT.md "Events", issue 5; seeds 000, 001, 004): events of
// the network, their sessions and the registrations of members' contacts.
// Each code list is one table of stable code (stored, used in URLs and the
// API) and French label (shown to users). Add a row here and nowhere else.
#include <array>
#include <string_view>

namespace passerelle::events {

struct Label {
  std::string_view code;
  std::string_view label;
};

inline constexpr std::array<Label, 10> kEventKinds{{
    {"webinar", "Webinaire"},
    {"videoconference", "Réunion en visioconférence"},
    {"members_day", "Journée des adhérents"},
    {"workshop", "Atelier"},
    {"discussion_cafe", "Café-débat"},
    {"round_table", "Table ronde"},
    {"world_cafe", "World café"},
    {"plenary", "Plénière"},
    {"congress", "Congrès"},
    {"mock_trial", "Procès fictif"},
}};

inline constexpr std::array<Label, 4> kEventStatuses{{
    {"draft", "Brouillon"},
    {"published", "Publié"},
    {"cancelled", "Annulé"},
    {"done", "Terminé"},
}};

inline constexpr std::array<Label, 8> kRegistrationStatuses{{
    {"registered", "Inscrit"},
    {"waitlisted", "En liste d'attente"},
    {"offered", "Place proposée"},
    {"awaiting_approval", "En attente de validation"},
    {"cancelled", "Annulée"},
    {"attended", "Présent"},
    {"no_show", "Absent"},
    {"expired", "Proposition expirée"},
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

}  // namespace passerelle::events
