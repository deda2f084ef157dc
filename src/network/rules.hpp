#pragma once
// Network module: pure validation of organisations and contacts, French
// identifiers (SIRET, postcode, commune code) and the organisation tree.
// No I/O: every function here is unit-tested alone.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/web/validation.hpp"

namespace passerelle::network {

// --- SIRET -----------------------------------------------------------------

// Luhn checksum over a string of digits (false if any non-digit or empty).
bool siret_luhn_ok(std::string_view digits);

// Removes the spaces people type or paste ("732 829 320 00074"): ASCII space
// and tab, no-break space and narrow no-break space.
std::string normalize_siret(std::string_view input);

// nullopt when `input` (spaces allowed) is a valid SIRET, else a French message.
std::optional<std::string> check_siret(std::string_view input);

// --- Territory -------------------------------------------------------------

// True for exactly five ASCII digits.
bool is_postcode(std::string_view postcode);

// Department code served by a postcode: "75011" → "75", "20090" → "2A",
// "20200" → "2B", "97450" → "974". nullopt when malformed or when the
// postcode belongs to no department (Monaco 98000, Saint-Pierre-et-Miquelon 975xx…).
std::optional<std::string> department_of_postcode(std::string_view postcode);

// nullopt when the postcode lies in the department, else a French message:
// "Le code postal 75011 ne correspond pas au département 93 (Seine-Saint-Denis)."
std::optional<std::string> check_postcode_department(std::string_view postcode,
                                                     std::string_view department_code);

// Commune INSEE code: five digits, or "2A"/"2B" followed by three digits.
bool is_commune_insee(std::string_view code);

// Department of a commune INSEE code ("93066" → "93", "2A004" → "2A",
// "97411" → "974"); nullopt when malformed or not in a department.
std::optional<std::string> department_of_commune_insee(std::string_view code);

// Region code of a department ("93" → "11"), nullopt for an unknown department.
// Points into the static tables of model.hpp.
std::optional<std::string_view> region_of_department(std::string_view department_code);

// --- Contact details -------------------------------------------------------

// One "@", a non-empty local part, a dotted domain, no spaces, ≤ 254 bytes.
bool email_plausible(std::string_view email);

// French phone number: ten digits starting with 0 ("01 23 45 67 89",
// "01.23.45.67.89"), or +33 / 0033 followed by nine digits ("+33 6 12 34 56 78",
// "+33 (0)6…"), or an overseas prefix (+262, +269, +590, +594, +596).
bool phone_plausible(std::string_view phone);

// A web address safe to show as a link: optional http:// or https://, then a
// dotted host, optional port and path; no spaces, no other scheme
// ("javascript:…" is refused). Links should add "https://" when it is missing.
bool website_plausible(std::string_view url);

// --- Forms -----------------------------------------------------------------

// An organisation form or API body, every field as typed.
struct OrganisationInput {
  std::string name, kind, siret, address, postcode, commune, commune_insee, department, region,
      parent_id, email, phone, website;
};

// Every error at once, keyed by the field names above. An empty region with a
// known department is accepted: the caller fills it with region_of_department.
web::Errors validate_organisation(const OrganisationInput& input);

// A contact form: a person at one or more organisations.
struct ContactInput {
  std::string first_name, last_name, function_title, email, phone;
  std::string mailing_consent;  // "1" when the box is ticked, "" otherwise
  std::vector<std::string> organisation_ids;
};

web::Errors validate_contact(const ContactInput& input);

// --- Organisation tree -----------------------------------------------------
// Each organisation stores its materialized path, the ids from the root down
// to itself: "/1/5/23/". A subtree is then one index range scan.

struct PathRange {
  std::string low, high;  // q is in the subtree iff low <= q < high (byte-wise)
};

// low = path, high = path with its final '/' replaced by '0' (the next byte),
// so "/1/5/" covers "/1/5/", "/1/5/23/" but neither "/1/50/" nor "/1/".
// An empty path means the whole forest: ["/", "0").
PathRange subtree_range(std::string_view path);

// True when `path` is `root_path` or one of its descendants.
bool in_subtree(std::string_view path, std::string_view root_path);

// Path of a new child: child_path("/1/5/", 23) == "/1/5/23/", child_path("", 1) == "/1/".
std::string child_path(std::string_view parent_path, std::int64_t id);

// Ids along a path, root first: "/1/5/23/" → {1, 5, 23}. Non-numeric segments are skipped.
std::vector<std::int64_t> path_ids(std::string_view path);

}  // namespace passerelle::network
