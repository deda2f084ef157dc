#pragma once
// Working groups and funded projects of the network (PRODUCT.md "Network",
// issue 5; seeds 002 and 004): code lists with their French labels, in the
// style of events/model.hpp (label_of, is_code work on them).
#include <array>

#include "events/model.hpp"

namespace passerelle::events {

inline constexpr std::array<Label, 3> kGroupStatuses{{
    {"active", "En cours"},
    {"paused", "En pause"},
    {"closed", "Terminé"},
}};

inline constexpr std::array<Label, 3> kMemberRoles{{
    {"pilot", "Pilote"},
    {"member", "Membre"},
    {"expert", "Expert·e invité·e"},
}};

inline constexpr std::array<Label, 4> kProjectStatuses{{
    {"planned", "Prévu"},
    {"running", "En cours"},
    {"done", "Terminé"},
    {"cancelled", "Annulé"},
}};

// Seed 004: "six cafés discussion et quatre ateliers d'expérience", then a
// restitution workshop at the congress.
inline constexpr std::array<Label, 4> kActivityKinds{{
    {"discussion_cafe", "Café discussion"},
    {"experience_workshop", "Atelier d'expérience"},
    {"restitution", "Atelier de restitution"},
    {"other", "Autre"},
}};

inline constexpr std::array<Label, 5> kDeliverableKinds{{
    {"synthesis", "Synthèse écrite"},
    {"video", "Vidéo"},
    {"report", "Rapport"},
    {"note", "Note"},
    {"other", "Autre"},
}};

inline constexpr std::array<Label, 3> kDeliverableStatuses{{
    {"planned", "Prévu"},
    {"in_progress", "En cours"},
    {"delivered", "Remis"},
}};

// An activity's state, computed from its event (not stored).
inline constexpr std::array<Label, 3> kActivityStates{{
    {"planned", "Prévue"},
    {"done", "Réalisée"},
    {"cancelled", "Annulée"},
}};

}  // namespace passerelle::events
