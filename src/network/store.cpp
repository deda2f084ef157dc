#include "network/store.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <map>
#include <mutex>

#include <fmt/format.h>

#include "core/auth/auth.hpp"
#include "core/web/text.hpp"
#include "core/web/words.hpp"
#include "network/model.hpp"

namespace passerelle::network {
namespace {

constexpr const char* kOrgColumns =
    "o.id, o.name, o.kind, COALESCE(o.siret, ''), o.address, o.postcode, o.commune, o.commune_insee, o.department, "
    "o.region, o.email, o.phone, o.website, o.parent_id, COALESCE(p.name, ''), o.path, o.created_at, o.updated_at, "
    "o.sort_name, COALESCE(p.siret, '')";

Organisation read_org(const db::Row& r) {
  Organisation o;
  o.id = r.integer(0);
  o.name = r.text(1);
  o.kind = r.text(2);
  o.siret = r.text(3);
  o.address = r.text(4);
  o.postcode = r.text(5);
  o.commune = r.text(6);
  o.commune_insee = r.text(7);
  o.department = r.text(8);
  o.region = r.text(9);
  o.email = r.text(10);
  o.phone = r.text(11);
  o.website = r.text(12);
  o.parent_id = r.opt_integer(13);
  o.parent_name = r.text(14);
  o.path = r.text(15);
  o.created_at = r.text(16);
  o.updated_at = r.text(17);
  o.sort_name = r.text(18);
  o.parent_siret = r.text(19);
  return o;
}

// Number of organisations under a path, cached for a minute: it tells
// whether a scope is narrow (read it through the path index) or broad (walk
// the sort index and filter, stopping at the first page).
std::int64_t subtree_size(db::Connection& db, const std::string& path) {
  static std::mutex mutex;
  static std::map<std::string, std::pair<std::int64_t, std::chrono::steady_clock::time_point>> cache;
  auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mutex);
    auto it = cache.find(path);
    if (it != cache.end() && now - it->second.second < std::chrono::minutes(1)) return it->second.first;
  }
  auto range = subtree_range(path);
  auto n = db.query("SELECT COUNT(*) FROM organisations WHERE path >= ? AND path < ?", {range.low, range.high})
               .rows.at(0)
               .integer(0);
  std::lock_guard lock(mutex);
  if (cache.size() > 1000) cache.clear();
  cache[path] = {n, now};
  return n;
}

constexpr std::int64_t kBroadScope = 2000;

bool broad(db::Connection& db, const Scope& scope) {
  std::int64_t total = 0;
  for (auto& root : scope) total += subtree_size(db, root);
  return total > kBroadScope;
}


using web::split_words;
using web::store_words;

// Every query word must begin a word of the row (core/web/words).
void add_search(std::string& sql, db::Params& params, std::string_view q, const char* id_column,
                const char* table, const char* owner) {
  web::add_word_search(sql, params, q, id_column, table, owner);
}

// `walk_sort_index`: the query reads rows in sort order and stops at the end
// of the page; "+o.id" then keeps the word search as a set to probe instead of
// the driver of the query (the planner would otherwise read every match and sort).
std::string org_where(const Scope& scope, const OrgFilter& f, db::Params& params, db::Connection& db,
                      bool walk_sort_index = false) {
  // In a broad scope the path index would visit every row before sorting;
  // "path || ''" keeps the planner on the (sort_name, id) index instead.
  bool use_path_index = !broad(db, scope);
  auto path = use_path_index ? std::string("o.path") : db::without_index(db, "o.path");
  std::string sql = " WHERE " + scope_condition(scope, params, path.c_str());
  add_search(sql, params, f.q, walk_sort_index ? db::without_index(db, "o.id", true).c_str() : "o.id",
             "organisation_words", "organisation_id");
  if (f.kind == "siae") {
    sql += " AND o.kind IN ('ai', 'aci', 'ei', 'etti', 'eiti')";
  } else if (!f.kind.empty()) {
    sql += " AND o.kind = ?";
    params.emplace_back(f.kind);
  }
  if (!f.region.empty()) {
    sql += " AND o.region = ?";
    params.emplace_back(f.region);
  }
  if (!f.department.empty()) {
    sql += " AND o.department = ?";
    params.emplace_back(f.department);
  }
  if (f.within) {
    auto r = db.query("SELECT path FROM organisations WHERE id = ?", {*f.within});
    auto range = subtree_range(r.empty() ? std::string("/none/") : r.rows[0].text(0));
    sql += " AND o.path >= ? AND o.path < ?";
    params.emplace_back(range.low);
    params.emplace_back(range.high);
  }
  return sql;
}

std::string org_search_text(const OrganisationInput& in) {
  return text::fold(fmt::format("{} {} {} {} {} {}", in.name, in.commune, normalize_siret(in.siret), in.postcode,
                                in.department, in.email));
}

std::optional<std::string> opt_siret(const OrganisationInput& in) {
  auto s = normalize_siret(in.siret);
  if (s.empty()) return std::nullopt;
  return s;
}

std::string region_for(const OrganisationInput& in) {
  if (!in.region.empty() || in.department.empty()) return in.region;
  auto r = region_of_department(in.department);
  return r ? std::string(*r) : std::string();
}

}  // namespace

std::string sort_key(const Organisation& o, OrgSort sort) {
  return sort == OrgSort::recent ? std::string() : o.sort_name;
}

namespace {
// `few_matches`: the filter keeps few rows, so reading them all and sorting
// them beats walking the sort index (which would visit the whole directory
// to find a handful); "sort_name || ''" keeps the planner off that index.
std::vector<Organisation> query_organisations(db::Connection& db, const Scope& scope, const OrgFilter& f,
                                              bool few_matches) {
  auto sort_column = few_matches ? db::without_index(db, "o.sort_name") : std::string("o.sort_name");
  db::Params params;
  std::string sql = fmt::format("SELECT {} FROM organisations o LEFT JOIN organisations p ON p.id = o.parent_id", kOrgColumns);
  sql += org_where(scope, f, params, db, !few_matches && f.sort != OrgSort::recent);
  bool has_cursor = f.after_id > 0;
  switch (f.sort) {
    case OrgSort::name_asc:
      if (has_cursor) {
        sql += " AND (o.sort_name, o.id) > (?, ?)";
        params.emplace_back(f.after_key);
        params.emplace_back(f.after_id);
      }
      sql += fmt::format(" ORDER BY {}, o.id", sort_column);
      break;
    case OrgSort::name_desc:
      if (has_cursor) {
        sql += " AND (o.sort_name, o.id) < (?, ?)";
        params.emplace_back(f.after_key);
        params.emplace_back(f.after_id);
      }
      sql += fmt::format(" ORDER BY {} DESC, o.id DESC", sort_column);
      break;
    case OrgSort::recent:
      if (has_cursor) {
        sql += " AND o.id < ?";
        params.emplace_back(f.after_id);
      }
      sql += " ORDER BY o.id DESC";
      break;
  }
  sql += " LIMIT ?";
  params.emplace_back(f.limit);
  std::vector<Organisation> out;
  for (auto& row : db.query(sql, params).rows) out.push_back(read_org(row));
  return out;
}
}  // namespace

std::vector<Organisation> list_organisations(db::Connection& db, const Scope& scope, const OrgFilter& f) {
  return query_organisations(db, scope, f, false);
}

OrgPage organisation_page(db::Connection& db, const Scope& scope, const OrgFilter& f, std::int64_t count_cap) {
  OrgPage page;
  page.total = count_organisations(db, scope, f, count_cap);
  page.items = query_organisations(db, scope, f, page.total <= count_cap && !f.q.empty());
  return page;
}

std::int64_t count_organisations(db::Connection& db, const Scope& scope, const OrgFilter& f, std::int64_t cap) {
  db::Params params;
  std::string sql = "SELECT 1 FROM organisations o" + org_where(scope, f, params, db);
  if (cap > 0) {
    sql += " LIMIT ?";
    params.emplace_back(cap + 1);
  }
  return db.query("SELECT COUNT(*) FROM (" + sql + ") counted", params).rows.at(0).integer(0);
}

std::optional<Organisation> get_organisation(db::Connection& db, const Scope& scope, std::int64_t id) {
  db::Params params{id};
  auto sql = fmt::format("SELECT {} FROM organisations o LEFT JOIN organisations p ON p.id = o.parent_id WHERE o.id = ? AND {}",
                         kOrgColumns, scope_condition(scope, params));
  auto r = db.query(sql, params);
  if (r.empty()) return std::nullopt;
  return read_org(r.rows[0]);
}

std::optional<Organisation> find_organisation_by_siret(db::Connection& db, const Scope& scope, const std::string& siret) {
  db::Params params{normalize_siret(siret)};
  auto sql = fmt::format("SELECT {} FROM organisations o LEFT JOIN organisations p ON p.id = o.parent_id WHERE o.siret = ? AND {}",
                         kOrgColumns, scope_condition(scope, params));
  auto r = db.query(sql, params);
  if (r.empty()) return std::nullopt;
  return read_org(r.rows[0]);
}

std::vector<Organisation> subtree(db::Connection& db, const Organisation& root, int limit) {
  auto range = subtree_range(root.path);
  auto sql = fmt::format(
      "SELECT {} FROM organisations o LEFT JOIN organisations p ON p.id = o.parent_id "
      "WHERE o.path >= ? AND o.path < ? ORDER BY o.path LIMIT ?",
      kOrgColumns);
  std::vector<Organisation> out;
  for (auto& row : db.query(sql, {range.low, range.high, limit}).rows) out.push_back(read_org(row));
  return out;
}

std::int64_t create_organisation(db::Connection& db, const OrganisationInput& in, const std::optional<Organisation>& parent) {
  auto now = auth::now_utc();
  auto r = db.query(
      "INSERT INTO organisations (name, sort_name, search_text, kind, siret, address, postcode, commune, commune_insee, "
      "department, region, email, phone, website, parent_id, path, created_at, updated_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?) RETURNING id",
      {text::trim(in.name), text::fold(text::trim(in.name)), org_search_text(in), in.kind, opt_siret(in),
       text::trim(in.address), in.postcode, text::trim(in.commune), in.commune_insee, in.department, region_for(in),
       text::trim(in.email), text::trim(in.phone), text::trim(in.website),
       parent ? db::Value(parent->id) : db::Value(nullptr), now, now});
  auto id = r.rows.at(0).integer(0);
  db.query("UPDATE organisations SET path = ? WHERE id = ?", {child_path(parent ? parent->path : "", id), id});
  store_words(db, "organisation_words", "organisation_id", id, org_search_text(in));
  return id;
}

void update_organisation(db::Connection& db, const Organisation& current, const OrganisationInput& in,
                         const std::optional<Organisation>& parent) {
  db.query(
      "UPDATE organisations SET name = ?, sort_name = ?, search_text = ?, kind = ?, siret = ?, address = ?, "
      "postcode = ?, commune = ?, commune_insee = ?, department = ?, region = ?, email = ?, phone = ?, website = ?, "
      "parent_id = ?, updated_at = ? WHERE id = ?",
      {text::trim(in.name), text::fold(text::trim(in.name)), org_search_text(in), in.kind, opt_siret(in),
       text::trim(in.address), in.postcode, text::trim(in.commune), in.commune_insee, in.department, region_for(in),
       text::trim(in.email), text::trim(in.phone), text::trim(in.website),
       parent ? db::Value(parent->id) : db::Value(nullptr), auth::now_utc(), current.id});
  store_words(db, "organisation_words", "organisation_id", current.id, org_search_text(in));
  auto new_path = child_path(parent ? parent->path : "", current.id);
  if (new_path != current.path) {
    // The whole subtree moves with it: one range update on the path index.
    auto range = subtree_range(current.path);
    db.query("UPDATE organisations SET path = ? || substr(path, ?) WHERE path >= ? AND path < ?",
             {new_path, static_cast<std::int64_t>(current.path.size() + 1), range.low, range.high});
  }
}

// --- Contacts ------------------------------------------------------------------

namespace {

constexpr const char* kContactColumns =
    "c.id, c.first_name, c.last_name, c.function_title, c.email, c.phone, c.mailing_consent, "
    "COALESCE(c.mailing_consent_at, ''), c.sort_name, c.created_at, c.updated_at";

Contact read_contact(const db::Row& r) {
  Contact c;
  c.id = r.integer(0);
  c.first_name = r.text(1);
  c.last_name = r.text(2);
  c.function_title = r.text(3);
  c.email = r.text(4);
  c.phone = r.text(5);
  c.mailing_consent = r.integer(6) != 0;
  c.mailing_consent_at = r.text(7);
  c.sort_name = r.text(8);
  c.created_at = r.text(9);
  c.updated_at = r.text(10);
  return c;
}

// `walk_sort_index`: as for organisations, the search is then a set to probe.
std::string contact_where(db::Connection& db, const Scope& scope, const ContactFilter& f, db::Params& params,
                          bool walk_sort_index = false) {
  std::string inner;
  std::string sql =
      " WHERE EXISTS (SELECT 1 FROM contact_organisations co JOIN organisations o ON o.id = co.organisation_id "
      "WHERE co.contact_id = c.id AND " +
      scope_condition(scope, params);
  if (f.organisation_id) {
    sql += " AND o.id = ?";
    params.emplace_back(*f.organisation_id);
  }
  sql += ")";
  add_search(sql, params, f.q, walk_sort_index ? db::without_index(db, "c.id", true).c_str() : "c.id",
             "contact_words", "contact_id");
  if (f.consent) {
    sql += " AND c.mailing_consent = ?";
    params.emplace_back(*f.consent ? 1 : 0);
  }
  return sql;
}

// One query for the organisations of all listed contacts (no N+1).
void attach_organisations(db::Connection& db, const Scope& scope, std::vector<Contact>& contacts) {
  if (contacts.empty()) return;
  db::Params params;
  std::string ids;
  for (auto& c : contacts) {
    ids += ids.empty() ? "?" : ", ?";
    params.emplace_back(c.id);
  }
  auto sql = fmt::format(
      "SELECT co.contact_id, o.id, o.name FROM contact_organisations co JOIN organisations o ON o.id = co.organisation_id "
      "WHERE co.contact_id IN ({}) AND {} ORDER BY o.sort_name",
      ids, scope_condition(scope, params));
  for (auto& row : db.query(sql, params).rows)
    for (auto& c : contacts)
      if (c.id == row.integer(0)) c.organisations.push_back({row.integer(1), row.text(2)});
}

std::string contact_search_text(const ContactInput& in) {
  return text::fold(fmt::format("{} {} {} {} {}", in.last_name, in.first_name, in.email, in.function_title, in.phone));
}

}  // namespace

namespace {
std::vector<Contact> query_contacts(db::Connection& db, const Scope& scope, const ContactFilter& f, bool few_matches) {
  db::Params params;
  auto sql = fmt::format("SELECT {} FROM contacts c", kContactColumns) + contact_where(db, scope, f, params, !few_matches);
  if (f.after_id > 0) {
    sql += " AND (c.sort_name, c.id) > (?, ?)";
    params.emplace_back(f.after_key);
    params.emplace_back(f.after_id);
  }
  sql += fmt::format(" ORDER BY {}, c.id LIMIT ?", few_matches ? db::without_index(db, "c.sort_name") : "c.sort_name");
  params.emplace_back(f.limit);
  std::vector<Contact> out;
  for (auto& row : db.query(sql, params).rows) out.push_back(read_contact(row));
  attach_organisations(db, scope, out);
  return out;
}
}  // namespace

std::vector<Contact> list_contacts(db::Connection& db, const Scope& scope, const ContactFilter& f) {
  return query_contacts(db, scope, f, false);
}

ContactPage contact_page(db::Connection& db, const Scope& scope, const ContactFilter& f, std::int64_t count_cap) {
  ContactPage page;
  page.total = count_contacts(db, scope, f, count_cap);
  page.items = query_contacts(db, scope, f, page.total <= count_cap && !f.q.empty());
  return page;
}

std::int64_t count_contacts(db::Connection& db, const Scope& scope, const ContactFilter& f, std::int64_t cap) {
  db::Params params;
  auto sql = "SELECT 1 FROM contacts c" + contact_where(db, scope, f, params);
  if (cap > 0) {
    sql += " LIMIT ?";
    params.emplace_back(cap + 1);
  }
  return db.query("SELECT COUNT(*) FROM (" + sql + ") counted", params).rows.at(0).integer(0);
}

std::optional<Contact> get_contact(db::Connection& db, const Scope& scope, std::int64_t id) {
  db::Params params;
  auto sql = fmt::format("SELECT {} FROM contacts c", kContactColumns) + contact_where(db, scope, {}, params) + " AND c.id = ?";
  params.emplace_back(id);
  auto r = db.query(sql, params);
  if (r.empty()) return std::nullopt;
  std::vector<Contact> one{read_contact(r.rows[0])};
  attach_organisations(db, scope, one);
  return one[0];
}

std::vector<Contact> contacts_of_organisation(db::Connection& db, std::int64_t organisation_id) {
  auto sql = fmt::format(
      "SELECT {} FROM contacts c JOIN contact_organisations co ON co.contact_id = c.id WHERE co.organisation_id = ? "
      "ORDER BY c.sort_name, c.id LIMIT 200",
      kContactColumns);
  std::vector<Contact> out;
  for (auto& row : db.query(sql, {organisation_id}).rows) out.push_back(read_contact(row));
  return out;
}

std::int64_t create_contact(db::Connection& db, const ContactInput& in) {
  auto now = auth::now_utc();
  bool consent = in.mailing_consent == "1";
  auto r = db.query(
      "INSERT INTO contacts (first_name, last_name, sort_name, search_text, function_title, email, phone, "
      "mailing_consent, mailing_consent_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {text::trim(in.first_name), text::trim(in.last_name),
       text::fold(text::trim(in.last_name) + " " + text::trim(in.first_name)), contact_search_text(in),
       text::trim(in.function_title), text::trim(in.email), text::trim(in.phone), consent ? 1 : 0,
       consent ? db::Value(now) : db::Value(nullptr), now, now});
  auto id = r.rows.at(0).integer(0);
  store_words(db, "contact_words", "contact_id", id, contact_search_text(in));
  for (auto& org : in.organisation_ids)
    db.query("INSERT INTO contact_organisations (contact_id, organisation_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
             {id, std::stoll(org)});
  return id;
}

void update_contact(db::Connection& db, const Scope& scope, std::int64_t id, const ContactInput& in) {
  auto now = auth::now_utc();
  bool consent = in.mailing_consent == "1";
  db.query(
      "UPDATE contacts SET first_name = ?, last_name = ?, sort_name = ?, search_text = ?, function_title = ?, "
      "email = ?, phone = ?, mailing_consent_at = CASE WHEN ? = 1 AND mailing_consent = 0 THEN ? "
      "WHEN ? = 0 THEN NULL ELSE mailing_consent_at END, mailing_consent = ?, updated_at = ? WHERE id = ?",
      {text::trim(in.first_name), text::trim(in.last_name),
       text::fold(text::trim(in.last_name) + " " + text::trim(in.first_name)), contact_search_text(in),
       text::trim(in.function_title), text::trim(in.email), text::trim(in.phone), consent ? 1 : 0, now,
       consent ? 1 : 0, consent ? 1 : 0, now, id});
  store_words(db, "contact_words", "contact_id", id, contact_search_text(in));
  // Links to organisations outside the caller's scope are not theirs to remove.
  db::Params params{id};
  auto sql = "DELETE FROM contact_organisations WHERE contact_id = ? AND organisation_id IN (SELECT o.id FROM organisations o WHERE " +
             scope_condition(scope, params) + ")";
  db.query(sql, params);
  for (auto& org : in.organisation_ids)
    db.query("INSERT INTO contact_organisations (contact_id, organisation_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
             {id, std::stoll(org)});
}

// "(o.path >= ? AND o.path < ?) OR …" for every root of the scope.
std::string scope_condition(const Scope& scope, db::Params& params, const char* column) {
  if (scope.empty()) return "1 = 0";
  std::string sql = "(";
  for (std::size_t i = 0; i < scope.size(); ++i) {
    auto range = subtree_range(scope[i]);
    if (i) sql += " OR ";
    sql += fmt::format("({0} >= ? AND {0} < ?)", column);
    params.emplace_back(range.low);
    params.emplace_back(range.high);
  }
  return sql + ")";
}

std::vector<std::string> search_words(std::string_view text) { return split_words(text, 200); }

std::size_t rebuild_search_words(db::Connection& db, bool only_if_missing) {
  return web::rebuild_words(db, "organisations", "organisation_words", "organisation_id", only_if_missing) +
         web::rebuild_words(db, "contacts", "contact_words", "contact_id", only_if_missing);
}

}  // namespace passerelle::network
