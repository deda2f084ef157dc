#pragma once
// Mailings (diffusions, PRODUCT.md "Resources and diffusion", issue 6; seeds
// 000 and 003): code lists (stable code stored and used in the API, French
// label shown) and the structs shared by rules, store and routes.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace passerelle::mailings {

struct Label {
  std::string_view code;
  std::string_view label;
};

inline constexpr std::array<Label, 2> kAudiences{{
    {"contacts", "Contacts des structures adhérentes"},
    {"participants", "Participants accompagnés"},
}};

inline constexpr std::array<Label, 3> kStatuses{{
    {"draft", "Brouillon"},
    {"sending", "Mise en file en cours"},
    {"sent", "Envoyée"},
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

// What a form or a JSON body gives, as text.
struct MailingInput {
  std::string organisation_id, subject, body, audience, region, organisation_kind, programme_id, referent_id;
  std::vector<std::string> resource_ids;
};

// The same, checked.
struct MailingValues {
  std::int64_t organisation_id = 0;
  std::string subject, body, audience, region, organisation_kind;
  std::optional<std::int64_t> programme_id, referent_id;
  std::vector<std::int64_t> resource_ids;
};

// A resource as a mail shows it.
struct ResourceLink {
  std::int64_t id = 0;
  std::string title, summary;
};

// One person of the audience.
struct Recipient {
  std::optional<std::int64_t> contact_id, participant_id;
  std::string email, name, organisation_name;
};

}  // namespace passerelle::mailings
