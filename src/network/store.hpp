#pragma once
// SQL of the network module, always filtered by the caller's scope: the
// materialized paths of the organisations where they hold a role.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/db/database.hpp"
#include "network/rules.hpp"

namespace passerelle::network {

using Scope = std::vector<std::string>;  // roots of the caller's subtrees ("/1/5/"); empty = sees nothing

// The SQL condition "`column` lies in one of the scope's subtrees" — one
// range of the path index per root — with its parameters appended; "1 = 0"
// for an empty scope. Other modules filter their rows by organisation with it.
std::string scope_condition(const Scope& scope, db::Params& params, const char* column = "o.path");

struct Organisation {
  std::int64_t id = 0;
  std::string name, kind, siret, address, postcode, commune, commune_insee, department, region, email, phone, website;
  std::optional<std::int64_t> parent_id;
  std::string parent_name, parent_siret, path, created_at, updated_at, sort_name;
};

// Sorts of the directory: by name (A→Z or Z→A) or most recently created first.
enum class OrgSort { name_asc, name_desc, recent };

struct OrgFilter {
  std::string q;           // words, accent-insensitive, each must begin a word of the row
  std::string kind;        // a kind code, or "siae" for every SIAE kind
  std::string region, department;
  std::optional<std::int64_t> within;  // subtree of this organisation
  OrgSort sort = OrgSort::name_asc;
  std::string after_key;   // keyset cursor: sort key and id of the last row shown
  std::int64_t after_id = 0;
  int limit = 50;
};

std::vector<Organisation> list_organisations(db::Connection& db, const Scope& scope, const OrgFilter& filter);
// One page of the directory and its count (at most count_cap + 1), the
// count choosing the query plan: a search with few matches reads and sorts
// them, a broad one walks the sort index and stops at the page's end.
struct OrgPage {
  std::vector<Organisation> items;
  std::int64_t total = 0;
};
OrgPage organisation_page(db::Connection& db, const Scope& scope, const OrgFilter& filter, std::int64_t count_cap);

// Exact count, or at most cap + 1 when cap > 0 (pages say "plus de 1 000").
std::int64_t count_organisations(db::Connection& db, const Scope& scope, const OrgFilter& filter, std::int64_t cap = 0);
std::optional<Organisation> get_organisation(db::Connection& db, const Scope& scope, std::int64_t id);
std::optional<Organisation> find_organisation_by_siret(db::Connection& db, const Scope& scope, const std::string& siret);
// The organisation and its descendants ordered by path (tree page), at most `limit`.
std::vector<Organisation> subtree(db::Connection& db, const Organisation& root, int limit);

// Normalized values (SIRET without spaces, region filled). `parent` must have
// been checked against the caller's scope. Throws db::Error(constraint) on a
// duplicate SIRET.
std::int64_t create_organisation(db::Connection& db, const OrganisationInput& input,
                                 const std::optional<Organisation>& parent);
// Moves the subtree when the parent changes.
void update_organisation(db::Connection& db, const Organisation& current, const OrganisationInput& input,
                         const std::optional<Organisation>& parent);

// Keyset value of a row for a sort.
std::string sort_key(const Organisation& o, OrgSort sort);

// --- Contacts ----------------------------------------------------------------

struct ContactOrganisation {
  std::int64_t id = 0;
  std::string name;
};

struct Contact {
  std::int64_t id = 0;
  std::string first_name, last_name, function_title, email, phone, sort_name, created_at, updated_at;
  bool mailing_consent = false;
  std::string mailing_consent_at;
  std::vector<ContactOrganisation> organisations;  // only those in the caller's scope
};

struct ContactFilter {
  std::string q;
  std::optional<std::int64_t> organisation_id;
  std::optional<bool> consent;
  std::string after_key;
  std::int64_t after_id = 0;
  int limit = 50;
};

// A contact is visible when one of their organisations is in scope.
std::vector<Contact> list_contacts(db::Connection& db, const Scope& scope, const ContactFilter& filter);
struct ContactPage {
  std::vector<Contact> items;
  std::int64_t total = 0;  // at most count_cap + 1
};
// As organisation_page: the capped count chooses the plan.
ContactPage contact_page(db::Connection& db, const Scope& scope, const ContactFilter& filter, std::int64_t count_cap);
std::int64_t count_contacts(db::Connection& db, const Scope& scope, const ContactFilter& filter, std::int64_t cap = 0);
std::optional<Contact> get_contact(db::Connection& db, const Scope& scope, std::int64_t id);
std::vector<Contact> contacts_of_organisation(db::Connection& db, std::int64_t organisation_id);
std::int64_t create_contact(db::Connection& db, const ContactInput& input);
// Replaces the organisations that are in the caller's scope; others are kept.
void update_contact(db::Connection& db, const Scope& scope, std::int64_t id, const ContactInput& input);

// Words indexed for a text: folded, split on anything but letters and digits.
std::vector<std::string> search_words(std::string_view text);

// The word index of the search (organisation_words, contact_words) from each
// row's search_text: everything, or only a table whose index is empty (after
// an upgrade). Returns the number of rows indexed.
std::size_t rebuild_search_words(db::Connection& db, bool only_if_missing);

}  // namespace passerelle::network
