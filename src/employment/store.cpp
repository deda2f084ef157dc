#include "employment/store.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "core/auth/auth.hpp"
#include "core/web/text.hpp"
#include "core/web/words.hpp"

namespace passerelle::employment {
namespace {

std::string now() { return auth::now_utc(); }

RomeLookup lookup_in(db::Connection& db) {
  return [&db](std::string_view code) { return rome_known(db, code); };
}

// "AND <who sees the row>": the scope of the owning organisation `o`, or for a
// partner the rows they made (`partner_column` = their user id).
std::string viewer_condition(const Viewer& v, db::Params& params, const char* partner_column) {
  if (v.is_partner()) {
    params.emplace_back(*v.partner_id);
    return fmt::format("{} = ?", partner_column);
  }
  return network::scope_condition(v.scope, params, "o.path");
}

std::optional<std::int64_t> opt_id(const std::string& raw) {
  auto v = text::trim(raw);
  if (v.empty() || v.size() > 18 || v.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  return std::stoll(v);
}

std::optional<std::string> opt_text(const std::string& s) {
  auto v = text::trim(s);
  if (v.empty()) return std::nullopt;
  return v;
}

// Labels of ROME codes, in the order given.
std::vector<std::string> trade_labels(db::Connection& db, const std::vector<std::string>& codes) {
  std::vector<std::string> out;
  for (auto& c : codes) {
    auto r = db.query("SELECT label FROM rome_codes WHERE code = ?", {c});
    if (!r.empty()) out.push_back(r.rows[0].text(0));
  }
  return out;
}

std::vector<std::string> clean_trades(const std::vector<std::string>& raw) {
  std::vector<std::string> out;
  for (auto& t : raw) {
    auto c = text::trim(t);
    if (!c.empty() && std::ranges::find(out, c) == out.end()) out.push_back(c);
  }
  return out;
}

bool employer_in_scope(db::Connection& db, const Scope& scope, std::int64_t id) {
  db::Params params{id};
  auto sql = "SELECT 1 FROM organisations o WHERE o.id = ? AND o.kind = 'employer' AND " +
             network::scope_condition(scope, params, "o.path");
  return !db.query(sql, params).empty();
}

// Trades of many profiles in one query.
std::map<std::int64_t, std::vector<RomeCode>> trades_of(db::Connection& db, const std::vector<std::int64_t>& ids) {
  std::map<std::int64_t, std::vector<RomeCode>> out;
  if (ids.empty()) return out;
  std::string sql =
      "SELECT t.profile_id, t.rome_code, r.label FROM cv_profile_trades t JOIN rome_codes r ON r.code = t.rome_code "
      "WHERE t.profile_id IN (";
  db::Params params;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    sql += i ? ", ?" : "?";
    params.emplace_back(ids[i]);
  }
  sql += ") ORDER BY t.profile_id, t.rome_code";
  for (auto& row : db.query(sql, params).rows) out[row.integer(0)].push_back({row.text(1), row.text(2)});
  return out;
}

}  // namespace

Date paris_today() { return followup::paris_date(*followup::parse_datetime(now())); }

// --- ROME -------------------------------------------------------------------------------

std::vector<RomeCode> rome_codes(db::Connection& db) {
  std::vector<RomeCode> out;
  for (auto& r : db.query("SELECT code, label FROM rome_codes ORDER BY code").rows) out.push_back({r.text(0), r.text(1)});
  return out;
}

bool rome_known(db::Connection& db, std::string_view code) {
  return !db.query("SELECT 1 FROM rome_codes WHERE code = ?", {code}).empty();
}

std::vector<Employer> employers_in_scope(db::Connection& db, const Scope& scope) {
  db::Params params;
  auto sql = "SELECT o.id, o.name, o.commune, o.department FROM organisations o WHERE o.kind = 'employer' AND " +
             network::scope_condition(scope, params, "o.path") + " ORDER BY o.sort_name, o.id LIMIT 1000";
  std::vector<Employer> out;
  for (auto& r : db.query(sql, params).rows) out.push_back({r.integer(0), r.text(1), r.text(2), r.text(3)});
  return out;
}

std::vector<Library> libraries(db::Connection& db) {
  std::vector<Library> out;
  for (auto& r : db.query("SELECT o.id, o.name FROM organisations o WHERE o.id IN "
                          "(SELECT organisation_id FROM user_roles WHERE role = 'facilitator') ORDER BY o.sort_name, o.id")
                     .rows)
    out.push_back({r.integer(0), r.text(1)});
  return out;
}

bool is_library(db::Connection& db, std::int64_t organisation_id) {
  return !db.query("SELECT 1 FROM user_roles WHERE role = 'facilitator' AND organisation_id = ? LIMIT 1",
                   {organisation_id})
              .empty();
}

// --- Offers -----------------------------------------------------------------------------

namespace {
constexpr const char* kOfferColumns =
    "f.id, f.organisation_id, o.name, f.employer_id, e.name, f.title, f.rome_code, r.label, f.contract_type, "
    "f.weekly_minutes, f.positions, f.place, f.department, f.start_date, f.end_date, f.status, f.description, "
    "f.contract_id, f.created_at, f.updated_at, "
    "(SELECT COUNT(*) FROM positionings g WHERE g.offer_id = f.id), "
    "(SELECT COUNT(*) FROM positionings g WHERE g.offer_id = f.id AND g.state = 'hired')";
constexpr const char* kOfferFrom =
    " FROM job_offers f JOIN organisations o ON o.id = f.organisation_id JOIN organisations e ON e.id = f.employer_id "
    "JOIN rome_codes r ON r.code = f.rome_code";

Offer read_offer(const db::Row& r) {
  Offer f;
  f.id = r.integer(0);
  f.organisation_id = r.integer(1);
  f.organisation_name = r.text(2);
  f.employer_id = r.integer(3);
  f.employer_name = r.text(4);
  f.title = r.text(5);
  f.rome_code = r.text(6);
  f.rome_label = r.text(7);
  f.contract_type = r.text(8);
  f.weekly_minutes = static_cast<int>(r.integer(9));
  f.positions = static_cast<int>(r.integer(10));
  f.place = r.text(11);
  f.department = r.text(12);
  f.start_date = r.text(13);
  f.end_date = r.text(14);
  f.status = r.text(15);
  f.description = r.text(16);
  f.contract_id = r.opt_integer(17);
  f.created_at = r.text(18);
  f.updated_at = r.text(19);
  f.positionings = r.integer(20);
  f.hires = r.integer(21);
  return f;
}

// A partner sees the offers diffused to them: open ones, of any organisation.
std::string offer_visibility(const Viewer& v, db::Params& params) {
  if (v.is_partner()) return "f.status = 'open'";
  return network::scope_condition(v.scope, params, "o.path");
}

std::string offer_search_text(const OfferInput& in, std::string_view employer, std::string_view rome_label) {
  return text::fold(in.title + " " + in.rome_code + " " + std::string(rome_label) + " " + std::string(employer) + " " +
                    in.place);
}
}  // namespace

std::vector<Offer> list_offers(db::Connection& db, const Viewer& viewer, const OfferFilter& f) {
  db::Params params;
  std::string sql = fmt::format("SELECT {}{} WHERE {}", kOfferColumns, kOfferFrom, offer_visibility(viewer, params));
  for (auto& w : web::split_words(f.q, 8)) {
    sql += " AND f.search_text LIKE ?";
    params.emplace_back("%" + w + "%");
  }
  if (!f.status.empty()) {
    sql += " AND f.status = ?";
    params.emplace_back(f.status);
  }
  if (!f.contract_type.empty()) {
    sql += " AND f.contract_type = ?";
    params.emplace_back(f.contract_type);
  }
  if (f.employer_id) {
    sql += " AND f.employer_id = ?";
    params.emplace_back(*f.employer_id);
  }
  if (f.before_id > 0) {
    sql += " AND f.id < ?";
    params.emplace_back(f.before_id);
  }
  sql += " ORDER BY f.id DESC LIMIT ?";
  params.emplace_back(f.limit);
  std::vector<Offer> out;
  for (auto& r : db.query(sql, params).rows) out.push_back(read_offer(r));
  return out;
}

std::optional<Offer> get_offer(db::Connection& db, const Viewer& viewer, std::int64_t id) {
  db::Params params{id};
  auto sql = fmt::format("SELECT {}{} WHERE f.id = ? AND {}", kOfferColumns, kOfferFrom, offer_visibility(viewer, params));
  auto r = db.query(sql, params);
  if (r.empty()) return std::nullopt;
  return read_offer(r.rows[0]);
}

namespace {
}  // namespace

std::optional<std::string> contract_reference(db::Connection& db, const Scope& scope, std::int64_t contract_id) {
  db::Params params{contract_id};
  auto r = db.query("SELECT c.reference FROM public_contracts c JOIN organisations o ON o.id = c.organisation_id "
                    "WHERE c.id = ? AND " + network::scope_condition(scope, params, "o.path"),
                    params);
  if (r.empty()) return std::nullopt;
  return r.rows[0].text(0);
}

namespace {

std::expected<OfferValues, web::Errors> check_offer(db::Connection& db, const Scope& scope, const OfferInput& in) {
  auto v = validate_offer(in, lookup_in(db));
  if (!v) return v;
  if (!employer_in_scope(db, scope, v->employer_id))
    return std::unexpected(web::Errors{{"employer_id", "Employeur introuvable dans votre périmètre."}});
  if (v->contract_id && !contract_reference(db, scope, *v->contract_id))
    return std::unexpected(web::Errors{
        {"contract_id", fmt::format("Aucun marché public n° {} dans votre périmètre : vérifiez le numéro sur la fiche du "
                                    "marché, ou laissez ce champ vide.",
                                    *v->contract_id)}});
  return v;
}

void offer_event(db::Connection& db, std::int64_t id, std::int64_t user_id, std::string_view status,
                 std::string_view reason) {
  db.query("INSERT INTO job_offer_events (offer_id, at, user_id, status, reason) VALUES (?, ?, ?, ?, ?)",
           {id, now(), user_id, status, reason});
}

std::string employer_name(db::Connection& db, std::int64_t id) {
  auto r = db.query("SELECT name FROM organisations WHERE id = ?", {id});
  return r.empty() ? "" : r.rows[0].text(0);
}
}  // namespace

std::expected<std::int64_t, web::Errors> create_offer(db::Connection& db, const Scope& scope,
                                                      std::int64_t organisation_id, const OfferInput& in,
                                                      std::int64_t user_id) {
  auto v = check_offer(db, scope, in);
  if (!v) return std::unexpected(v.error());
  auto labels = trade_labels(db, {in.rome_code});
  auto at = now();
  auto r = db.query(
      "INSERT INTO job_offers (organisation_id, employer_id, title, rome_code, contract_type, weekly_minutes, positions, "
      "place, department, start_date, end_date, contract_id, status, description, search_text, created_by, created_at, "
      "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {organisation_id, v->employer_id, text::trim(in.title), text::trim(in.rome_code), in.contract_type, v->weekly_minutes,
       v->positions, text::trim(in.place), in.department, text::trim(in.start_date), opt_text(in.end_date), v->contract_id,
       in.status, in.description, offer_search_text(in, employer_name(db, v->employer_id), labels.empty() ? "" : labels[0]),
       user_id, at, at});
  auto id = r.rows.at(0).integer(0);
  offer_event(db, id, user_id, in.status, "Création");
  return id;
}

std::expected<void, web::Errors> update_offer(db::Connection& db, const Scope& scope, std::int64_t id,
                                              const OfferInput& in, std::int64_t user_id, std::string_view reason) {
  auto v = check_offer(db, scope, in);
  if (!v) return std::unexpected(v.error());
  auto before = db.query("SELECT status FROM job_offers WHERE id = ?", {id});
  if (before.empty()) return std::unexpected(web::Errors{{"id", "Offre introuvable."}});
  auto labels = trade_labels(db, {in.rome_code});
  db.query(
      "UPDATE job_offers SET employer_id = ?, title = ?, rome_code = ?, contract_type = ?, weekly_minutes = ?, "
      "positions = ?, place = ?, department = ?, start_date = ?, end_date = ?, contract_id = ?, status = ?, "
      "description = ?, search_text = ?, updated_at = ? WHERE id = ?",
      {v->employer_id, text::trim(in.title), text::trim(in.rome_code), in.contract_type, v->weekly_minutes, v->positions,
       text::trim(in.place), in.department, text::trim(in.start_date), opt_text(in.end_date), v->contract_id, in.status,
       in.description, offer_search_text(in, employer_name(db, v->employer_id), labels.empty() ? "" : labels[0]), now(),
       id});
  if (before.rows[0].text(0) != in.status) offer_event(db, id, user_id, in.status, reason);
  return {};
}

std::vector<OfferEvent> offer_history(db::Connection& db, std::int64_t offer_id) {
  std::vector<OfferEvent> out;
  for (auto& r : db.query("SELECT ev.at, COALESCE(u.display_name, ''), ev.status, ev.reason FROM job_offer_events ev "
                          "LEFT JOIN users u ON u.id = ev.user_id WHERE ev.offer_id = ? ORDER BY ev.id",
                          {offer_id})
                     .rows)
    out.push_back({r.text(0), r.text(1), r.text(2), r.text(3)});
  return out;
}

// --- CV library ---------------------------------------------------------------------------

namespace {
constexpr const char* kProfileColumns =
    "p.id, p.organisation_id, o.name, p.participant_id, p.recommended_by_id, p.recommended_by_user_id, "
    "COALESCE(ro.name, ''), p.first_name, p.last_name, p.email, p.phone, p.postcode, p.commune, p.department, "
    "p.skills, p.qualifications, p.languages, p.driving_licence, p.vehicle, p.consent, p.radius_km, "
    "p.available_from, p.consent_date, p.recommended_contact, p.notes, COALESCE(cf.filename, ''), "
    "COALESCE(cf.sha256, ''), COALESCE(cf.size, 0), p.created_at, p.updated_at";

std::string id_list(const std::vector<std::int64_t>& ids, db::Params& params) {
  std::string sql;
  for (auto id : ids) {
    sql += sql.empty() ? "?" : ", ?";
    params.emplace_back(id);
  }
  return sql.empty() ? "NULL" : sql;
}

// A profile may name a participant only when that person is followed inside the
// profile's organisation subtree: a person followed elsewhere answers exactly like
// an unknown id, so that nothing tells that they exist.
bool participant_followed_under(db::Connection& db, std::int64_t organisation_id, std::int64_t participant_id) {
  return !db.query("SELECT 1 FROM participants p JOIN organisations o ON o.id = p.organisation_id "
                   "JOIN organisations owner ON owner.id = ? "
                   "WHERE p.id = ? AND substr(o.path, 1, length(owner.path)) = owner.path",
                   {organisation_id, participant_id})
              .empty();
}

void write_trades(db::Connection& db, std::int64_t id, const std::vector<std::string>& trades) {
  db.query("DELETE FROM cv_profile_trades WHERE profile_id = ?", {id});
  for (auto& t : trades) db.query("INSERT INTO cv_profile_trades (profile_id, rome_code) VALUES (?, ?)", {id, t});
}
}  // namespace

std::expected<std::int64_t, web::Errors> create_profile(db::Connection& db, std::int64_t organisation_id,
                                                        const ProfileInput& in, std::int64_t user_id, bool by_partner) {
  auto v = validate_profile(in, paris_today(), lookup_in(db));
  if (!v) return std::unexpected(v.error());
  if (v->participant_id && !participant_followed_under(db, organisation_id, *v->participant_id))
    return std::unexpected(web::Errors{{"participant_id", "Participant introuvable."}});
  if (v->recommended_by_id && db.query("SELECT 1 FROM organisations WHERE id = ?", {*v->recommended_by_id}).empty())
    return std::unexpected(web::Errors{{"recommended_by_id", "Organisation introuvable."}});
  auto trades = clean_trades(in.target_trades);
  auto labels = trade_labels(db, trades);
  auto at = now();
  auto r = db.query(
      "INSERT INTO cv_profiles (organisation_id, participant_id, first_name, last_name, email, phone, postcode, commune, "
      "department, skills, qualifications, languages, driving_licence, vehicle, radius_km, available_from, consent, "
      "consent_date, recommended_by_id, recommended_by_user_id, recommended_contact, notes, search_text, trade_text, "
      "created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
      "?, ?, ?, ?) RETURNING id",
      {organisation_id, v->participant_id, text::trim(in.first_name), text::trim(in.last_name), text::trim(in.email),
       text::trim(in.phone), text::trim(in.postcode), text::trim(in.commune), in.department, in.skills,
       in.qualifications, in.languages, v->driving_licence, v->vehicle, v->radius_km, opt_text(in.available_from),
       v->consent, opt_text(in.consent_date), v->recommended_by_id,
       by_partner ? db::Value(user_id) : db::Value(nullptr), in.recommended_contact, in.notes,
       profile_search_text(in, labels), profile_trade_text(trades, labels), user_id, at, at});
  auto id = r.rows.at(0).integer(0);
  write_trades(db, id, trades);
  index_profiles(db, {id});
  return id;
}

std::expected<void, web::Errors> update_profile(db::Connection& db, std::int64_t id, const ProfileInput& in) {
  auto v = validate_profile(in, paris_today(), lookup_in(db));
  if (!v) return std::unexpected(v.error());
  if (v->participant_id) {
    auto owner = db.query("SELECT organisation_id FROM cv_profiles WHERE id = ?", {id});
    if (owner.rows.empty() || !participant_followed_under(db, owner.rows[0].integer(0), *v->participant_id))
      return std::unexpected(web::Errors{{"participant_id", "Participant introuvable."}});
  }
  auto trades = clean_trades(in.target_trades);
  auto labels = trade_labels(db, trades);
  db.query(
      "UPDATE cv_profiles SET participant_id = ?, first_name = ?, last_name = ?, email = ?, phone = ?, postcode = ?, "
      "commune = ?, department = ?, skills = ?, qualifications = ?, languages = ?, driving_licence = ?, vehicle = ?, "
      "radius_km = ?, available_from = ?, consent = ?, consent_date = ?, recommended_by_id = ?, recommended_contact = ?, "
      "notes = ?, search_text = ?, trade_text = ?, updated_at = ? WHERE id = ?",
      {v->participant_id, text::trim(in.first_name), text::trim(in.last_name), text::trim(in.email), text::trim(in.phone),
       text::trim(in.postcode), text::trim(in.commune), in.department, in.skills, in.qualifications, in.languages,
       v->driving_licence, v->vehicle, v->radius_km, opt_text(in.available_from), v->consent, opt_text(in.consent_date),
       v->recommended_by_id, in.recommended_contact, in.notes, profile_search_text(in, labels),
       profile_trade_text(trades, labels), now(), id});
  write_trades(db, id, trades);
  index_profiles(db, {id});
  return {};
}

std::optional<Profile> get_profile(db::Connection& db, const Viewer& viewer, std::int64_t id) {
  db::Params params{id};
  auto sql = fmt::format(
      "SELECT {} FROM cv_profiles p JOIN organisations o ON o.id = p.organisation_id "
      "LEFT JOIN organisations ro ON ro.id = p.recommended_by_id LEFT JOIN cv_files cf ON cf.profile_id = p.id "
      "WHERE p.id = ? AND {}",
      kProfileColumns, viewer_condition(viewer, params, "p.recommended_by_user_id"));
  auto res = db.query(sql, params);
  if (res.empty()) return std::nullopt;
  auto& r = res.rows[0];
  Profile p;
  p.id = r.integer(0);
  p.organisation_id = r.integer(1);
  p.organisation_name = r.text(2);
  p.participant_id = r.opt_integer(3);
  p.recommended_by_id = r.opt_integer(4);
  p.recommended_by_user_id = r.opt_integer(5);
  p.recommended_by_name = r.text(6);
  p.first_name = r.text(7);
  p.last_name = r.text(8);
  p.email = r.text(9);
  p.phone = r.text(10);
  p.postcode = r.text(11);
  p.commune = r.text(12);
  p.department = r.text(13);
  p.skills = r.text(14);
  p.qualifications = r.text(15);
  p.languages = r.text(16);
  p.driving_licence = r.integer(17) != 0;
  p.vehicle = r.integer(18) != 0;
  p.consent = r.integer(19) != 0;
  if (auto km = r.opt_integer(20)) p.radius_km = static_cast<int>(*km);
  p.available_from = r.text(21);
  p.consent_date = r.text(22);
  p.recommended_contact = r.text(23);
  p.notes = r.text(24);
  p.cv_filename = r.text(25);
  p.cv_sha256 = r.text(26);
  p.cv_size = r.integer(27);
  p.created_at = r.text(28);
  p.updated_at = r.text(29);
  p.trades = trades_of(db, {p.id})[p.id];
  return p;
}

namespace {

// The first page of a search without words: the profiles themselves, newest first.
ProfilePage list_profiles(db::Connection& db, const Viewer& viewer, const ProfileFilter& f) {
  db::Params params;
  std::string where = " WHERE " + viewer_condition(viewer, params, "p.recommended_by_user_id");
  if (!f.trade.empty()) {
    where += " AND p.id IN (SELECT profile_id FROM cv_profile_trades WHERE rome_code = ?)";
    params.emplace_back(f.trade);
  }
  if (!f.department.empty()) {
    where += " AND p.department = ?";
    params.emplace_back(f.department);
  }
  if (!f.available_before.empty()) {
    where += " AND (p.available_from IS NULL OR p.available_from <= ?)";
    params.emplace_back(f.available_before);
  }
  if (f.licence) where += " AND p.driving_licence = 1";
  if (f.consent_only) where += " AND p.consent = 1 AND p.consent_date IS NOT NULL";
  const std::string from = " FROM cv_profiles p JOIN organisations o ON o.id = p.organisation_id";
  ProfilePage page;
  page.total = db.query("SELECT COUNT(*)" + from + where, params).rows.at(0).integer(0);
  std::string sql = "SELECT p.id" + from + where;
  if (f.after_rank) {  // every row has rank 0 here
    if (*f.after_rank < 0) return page;
    sql += *f.after_rank > 0 ? "" : " AND p.id < ?";
    if (*f.after_rank == 0) params.emplace_back(f.after_id);
  }
  sql += " ORDER BY p.id DESC LIMIT ?";
  params.emplace_back(static_cast<std::int64_t>(f.limit));
  for (auto& r : db.query(sql, params).rows) page.items.emplace_back().id = r.integer(0);
  return page;
}

// Ids and ranks of the profiles matching every word of the query and the
// filters, from cv_search alone: per query word one range of the index (by
// department and licence first when they are filters), its rows' trade flags
// summed into the rank.
struct Match {
  std::int64_t id = 0, rank = 0;
};

// The organisations whose profiles a member of staff may see, when they are few
// enough to check each row against in memory (a facilitator's subtree); nullopt
// for a wide scope (national administrators), checked by SQL instead.
std::optional<std::vector<std::int64_t>> listed_organisations(db::Connection& db, const Scope& scope) {
  constexpr std::int64_t kListed = 2000;
  db::Params params;
  auto sql = "SELECT o.id FROM organisations o WHERE " + network::scope_condition(scope, params, "o.path") +
             " ORDER BY o.id LIMIT ?";
  params.emplace_back(kListed + 1);
  std::vector<std::int64_t> ids;
  for (auto& r : db.query(sql, params).rows) ids.push_back(r.integer(0));
  if (static_cast<std::int64_t>(ids.size()) > kListed) return std::nullopt;
  return ids;
}

std::vector<Match> match_words(db::Connection& db, const Viewer& viewer, const ProfileFilter& f,
                               const std::vector<std::string>& words) {
  std::vector<Match> result;
  bool first = true;
  std::vector<Match> hits;
  std::optional<std::vector<std::int64_t>> listed;
  if (!viewer.is_partner()) listed = listed_organisations(db, viewer.scope);
  for (auto& w : words) {
    db::Params params;
    // With the scope listed, each row's organisation comes along to be checked here.
    std::string sql = listed ? "SELECT profile_id, trade, organisation_id FROM cv_search WHERE "
                             : "SELECT profile_id, trade FROM cv_search WHERE ";
    if (!f.department.empty()) {
      sql += "department = ? AND ";
      params.emplace_back(f.department);
      // The licence column comes before the word in the key: name both values
      // when it is not a filter, so that the word stays a range of the index.
      sql += f.licence ? "licence = 1 AND " : "licence IN (0, 1) AND ";
    } else if (f.licence) {
      sql += "licence = 1 AND ";
    }
    sql += web::word_prefix_condition(w, params);
    if (f.consent_only) sql += " AND consent = 1";
    if (!f.available_before.empty()) {
      sql += " AND (available_from = '' OR available_from <= ?)";
      params.emplace_back(f.available_before);
    }
    if (viewer.is_partner()) {
      sql += " AND profile_id IN (SELECT id FROM cv_profiles WHERE recommended_by_user_id = ?)";
      params.emplace_back(*viewer.partner_id);
    } else if (!listed) {
      db::Params scope_params;
      auto scope = network::scope_condition(viewer.scope, scope_params, "o.path");
      sql += " AND organisation_id IN (SELECT o.id FROM organisations o WHERE " + scope + ")";
      params.insert(params.end(), scope_params.begin(), scope_params.end());
    }
    if (!f.trade.empty()) {
      sql += " AND profile_id IN (SELECT profile_id FROM cv_profile_trades WHERE rome_code = ?)";
      params.emplace_back(f.trade);
    }
    hits.clear();
    if (listed) {  // checked here: one binary search per row instead of a seek in a temporary index
      std::int64_t last_allowed = -1;
      db.scan_integers(sql, params, 3, [&](const std::int64_t* row) {
        if (row[2] != last_allowed) {
          if (!std::binary_search(listed->begin(), listed->end(), row[2])) return;
          last_allowed = row[2];
        }
        hits.push_back({row[0], row[1] != 0 ? 1 : 0});
      });
    } else {
      db.scan_integers(sql, params, 2, [&](const std::int64_t* row) { hits.push_back({row[0], row[1] != 0 ? 1 : 0}); });
    }
    // A prefix spans several words ("cuisin": cuisine, cuisinier): one entry per
    // profile, its trade words counted. One word's rows come sorted by id.
    auto by_id = [](const Match& a, const Match& b) { return a.id < b.id; };
    if (!std::is_sorted(hits.begin(), hits.end(), by_id)) std::sort(hits.begin(), hits.end(), by_id);
    std::size_t n = 0;
    for (std::size_t i = 0; i < hits.size(); ++i) {
      if (n && hits[n - 1].id == hits[i].id)
        hits[n - 1].rank += hits[i].rank;
      else
        hits[n++] = hits[i];
    }
    hits.resize(n);
    if (first) {
      result.swap(hits);
      first = false;
    } else {  // every query word must match
      std::vector<Match> both;
      std::size_t i = 0, j = 0;
      while (i < result.size() && j < hits.size()) {
        if (result[i].id < hits[j].id)
          ++i;
        else if (hits[j].id < result[i].id)
          ++j;
        else {
          both.push_back({result[i].id, result[i].rank + hits[j].rank});
          ++i;
          ++j;
        }
      }
      result.swap(both);
    }
    if (result.empty()) break;
  }
  return result;
}

}  // namespace

ProfilePage search_profiles(db::Connection& db, const Viewer& viewer, const ProfileFilter& f) {
  // The rank: how many words of the profile's trades begin with a query word
  // (a "cuisine" search puts cooks before a cleaner who cooks at home).
  ProfilePage page;
  if (text::trim(f.q).empty()) {
    page = list_profiles(db, viewer, f);
  } else {
    auto words = web::split_words(f.q, 8);
    if (words.empty()) return page;  // only punctuation: nothing can match
    auto matches = match_words(db, viewer, f, words);
    page.total = static_cast<std::int64_t>(matches.size());
    auto better = [](const Match& a, const Match& b) { return a.rank != b.rank ? a.rank > b.rank : a.id > b.id; };
    if (f.after_rank) {
      const Match after{f.after_id, *f.after_rank};
      std::erase_if(matches, [&](const Match& m) { return !better(after, m); });
    }
    const auto shown = std::min<std::size_t>(matches.size(), static_cast<std::size_t>(std::max(f.limit, 0)));
    const auto cut = matches.begin() + static_cast<std::ptrdiff_t>(shown);
    if (shown < matches.size()) std::nth_element(matches.begin(), cut, matches.end(), better);
    std::sort(matches.begin(), cut, better);
    for (std::size_t i = 0; i < shown; ++i) {
      auto& row = page.items.emplace_back();
      row.id = matches[i].id;
      row.rank = matches[i].rank;
    }
  }
  if (page.items.empty()) return page;
  // The rows shown, read by id.
  std::vector<std::int64_t> ids;
  for (auto& row : page.items) ids.push_back(row.id);
  db::Params params;
  auto list = id_list(ids, params);
  std::map<std::int64_t, ProfileRow*> by_id;
  for (auto& row : page.items) by_id[row.id] = &row;
  for (auto& r : db.query("SELECT p.id, p.first_name, p.last_name, p.commune, p.department, "
                          "COALESCE(p.available_from, ''), o.name, p.driving_licence, p.consent, "
                          "(SELECT COUNT(*) FROM cv_files cf WHERE cf.profile_id = p.id) FROM cv_profiles p "
                          "JOIN organisations o ON o.id = p.organisation_id WHERE p.id IN (" +
                              list + ")",
                          params)
                     .rows) {
    auto* row = by_id.at(r.integer(0));
    row->first_name = r.text(1);
    row->last_name = r.text(2);
    row->commune = r.text(3);
    row->department = r.text(4);
    row->available_from = r.text(5);
    row->organisation_name = r.text(6);
    row->driving_licence = r.integer(7) != 0;
    row->consent = r.integer(8) != 0;
    row->has_cv = r.integer(9) != 0;
  }
  auto trades = trades_of(db, ids);
  for (auto& row : page.items) row.trades = trades[row.id];
  return page;
}

void index_profiles(db::Connection& db, const std::vector<std::int64_t>& ids) {
  if (ids.empty()) return;
  {
    db::Params params;
    auto list = id_list(ids, params);
    db.query("DELETE FROM cv_search WHERE profile_id IN (" + list + ")", params);
  }
  db::Params params;
  auto list = id_list(ids, params);
  auto rows = db.query(
      "SELECT id, department, driving_licence, organisation_id, "
      "CASE WHEN consent = 1 AND consent_date IS NOT NULL THEN 1 ELSE 0 END, COALESCE(available_from, ''), "
      "search_text, trade_text FROM cv_profiles WHERE id IN (" +
          list + ")",
      params);
  const std::string head =
      "INSERT INTO cv_search (department, licence, word, profile_id, trade, organisation_id, consent, available_from) "
      "VALUES ";
  std::string sql = head;
  db::Params values;
  auto flush = [&] {
    if (values.empty()) return;
    db.query(sql, values);
    sql = head;
    values.clear();
  };
  for (auto& r : rows.rows) {
    auto trade_words = web::split_words(r.text(7));
    auto words = web::split_words(r.text(6));
    for (auto& t : trade_words)  // trade words are search words; kept even if not
      if (std::find(words.begin(), words.end(), t) == words.end()) words.push_back(t);
    for (auto& w : words) {
      const bool trade = std::find(trade_words.begin(), trade_words.end(), w) != trade_words.end();
      sql += values.empty() ? "(?, ?, ?, ?, ?, ?, ?, ?)" : ", (?, ?, ?, ?, ?, ?, ?, ?)";
      for (db::Value v : {db::Value(r.text(1)), db::Value(r.integer(2) != 0 ? 1 : 0), db::Value(w),
                          db::Value(r.integer(0)), db::Value(trade ? 1 : 0), db::Value(r.integer(3)),
                          db::Value(r.integer(4)), db::Value(r.text(5))})
        values.push_back(std::move(v));
      if (values.size() >= 800) flush();
    }
  }
  flush();
}

std::expected<void, web::Errors> store_cv(db::Connection& db, std::int64_t profile_id, std::string_view filename,
                                          std::string_view bytes, std::int64_t user_id) {
  if (auto e = check_cv_file(filename, bytes)) return std::unexpected(web::Errors{{"cv", *e}});
  db.query("DELETE FROM cv_files WHERE profile_id = ?", {profile_id});
  db.query(
      "INSERT INTO cv_files (profile_id, filename, content_type, size, sha256, data, uploaded_by, uploaded_at) "
      "VALUES (?, ?, 'application/pdf', ?, ?, ?, ?, ?)",
      {profile_id, filename, static_cast<std::int64_t>(bytes.size()), auth::sha256_hex(bytes),
       db::Blob{std::string(bytes)}, user_id, now()});
  return {};
}

std::optional<CvFile> get_cv(db::Connection& db, std::int64_t profile_id) {
  auto r = db.query("SELECT filename, content_type, sha256, data, size FROM cv_files WHERE profile_id = ?", {profile_id});
  if (r.empty()) return std::nullopt;
  auto& row = r.rows[0];
  return CvFile{row.text(0), row.text(1), row.text(2), row.blob(3), row.integer(4)};
}

std::size_t rebuild_profile_search(db::Connection& db, bool only_if_missing) {
  if (only_if_missing) {
    if (db.query("SELECT 1 FROM cv_profiles LIMIT 1").empty() || !db.query("SELECT 1 FROM cv_search LIMIT 1").empty())
      return 0;
  }
  db::Transaction tx(db);
  db.query("DELETE FROM cv_search");
  std::size_t n = 0;
  std::int64_t after = 0;
  while (true) {  // by pages of ids: the whole library is never held in memory
    std::vector<std::int64_t> ids;
    for (auto& r : db.query("SELECT id FROM cv_profiles WHERE id > ? ORDER BY id LIMIT 500", {after}).rows)
      ids.push_back(r.integer(0));
    if (ids.empty()) break;
    after = ids.back();
    index_profiles(db, ids);
    n += ids.size();
  }
  tx.commit();
  return n;
}

// --- Positionings ---------------------------------------------------------------------------

namespace {
constexpr const char* kPositioningColumns =
    "g.id, g.organisation_id, g.profile_id, g.employer_id, g.created_by, g.offer_id, g.partner_organisation_id, "
    "p.first_name || ' ' || p.last_name, COALESCE(f.title, ''), e.name, g.partner_kind, COALESCE(po.name, ''), "
    "u.display_name, COALESCE(f.contract_type, ''), g.state, COALESCE(g.hire_contract_type, ''), "
    "COALESCE(g.hire_start_date, ''), COALESCE(g.preparation_call_at, ''), g.preparation_call_note, g.note, "
    "COALESCE(g.hire_weekly_minutes, 0), g.created_at, g.updated_at";
constexpr const char* kPositioningFrom =
    " FROM positionings g JOIN organisations o ON o.id = g.organisation_id JOIN cv_profiles p ON p.id = g.profile_id "
    "JOIN organisations e ON e.id = g.employer_id LEFT JOIN job_offers f ON f.id = g.offer_id "
    "LEFT JOIN organisations po ON po.id = g.partner_organisation_id JOIN users u ON u.id = g.created_by";

Positioning read_positioning(const db::Row& r) {
  Positioning g;
  g.id = r.integer(0);
  g.organisation_id = r.integer(1);
  g.profile_id = r.integer(2);
  g.employer_id = r.integer(3);
  g.created_by = r.integer(4);
  g.offer_id = r.opt_integer(5);
  g.partner_organisation_id = r.opt_integer(6);
  g.profile_name = r.text(7);
  g.offer_title = r.text(8);
  g.employer_name = r.text(9);
  g.partner_kind = r.text(10);
  g.partner_organisation_name = r.text(11);
  g.created_by_name = r.text(12);
  g.offer_contract_type = r.text(13);
  g.state = r.text(14);
  g.hire_contract_type = r.text(15);
  g.hire_start_date = r.text(16);
  g.preparation_call_at = r.text(17);
  g.preparation_call_note = r.text(18);
  g.note = r.text(19);
  g.hire_weekly_minutes = static_cast<int>(r.integer(20));
  g.created_at = r.text(21);
  g.updated_at = r.text(22);
  return g;
}

void positioning_event(db::Connection& db, std::int64_t id, std::int64_t user_id, std::string_view transition,
                       std::optional<std::string> from, std::string_view to, std::string_view note) {
  db.query(
      "INSERT INTO positioning_events (positioning_id, at, user_id, transition, from_state, to_state, note) "
      "VALUES (?, ?, ?, ?, ?, ?, ?)",
      {id, now(), user_id, transition, from, to, note});
}

bool profile_consented(db::Connection& db, std::int64_t profile_id) {
  auto r = db.query("SELECT consent, COALESCE(consent_date, '') FROM cv_profiles WHERE id = ?", {profile_id});
  return !r.empty() && may_show_to_company(r.rows[0].integer(0) != 0, r.rows[0].text(1));
}
}  // namespace

std::expected<std::int64_t, web::Errors> create_positioning(db::Connection& db, const Viewer& viewer,
                                                            const PositioningInput& in, std::int64_t user_id) {
  web::Errors errors;
  auto profile_id = opt_id(in.profile_id);
  std::optional<Profile> profile;
  if (!profile_id)
    errors.push_back({"profile_id", "Choisissez le profil du candidat."});
  else if (!(profile = get_profile(db, viewer, *profile_id)))
    errors.push_back({"profile_id", "Profil introuvable."});
  else if (!profile->may_show_to_company())
    errors.push_back({"profile_id", std::string(kNoConsentMessage)});

  std::optional<Offer> offer;
  std::optional<std::int64_t> employer_id;
  if (auto offer_id = opt_id(in.offer_id)) {
    offer = get_offer(db, viewer, *offer_id);
    if (!offer)
      errors.push_back({"offer_id", "Offre introuvable."});
    else if (offer->status != "open")
      errors.push_back({"offer_id", "Cette offre n'est pas ouverte : on ne peut plus y positionner de candidat."});
    else
      employer_id = offer->employer_id;
  } else if (!text::trim(in.offer_id).empty()) {
    errors.push_back({"offer_id", "Offre introuvable."});
  } else if (viewer.is_partner()) {
    errors.push_back({"offer_id", "Choisissez l'offre sur laquelle vous orientez le candidat."});
  } else if (auto e = opt_id(in.employer_id); e && employer_in_scope(db, viewer.scope, *e)) {
    employer_id = e;  // a profile pushed to an employer without an offer
  } else {
    errors.push_back({"employer_id", text::trim(in.employer_id).empty()
                                         ? "Choisissez une offre, ou l'employeur à qui pousser le profil."
                                         : "Employeur introuvable dans votre périmètre."});
  }
  if (!find_code(kPartnerKinds, in.partner_kind))
    errors.push_back({"partner_kind", "Choisissez le partenaire qui oriente le candidat."});
  auto partner_org = opt_id(in.partner_organisation_id);
  if (!text::trim(in.partner_organisation_id).empty() &&
      (!partner_org || db.query("SELECT 1 FROM organisations WHERE id = ?", {*partner_org}).empty()))
    errors.push_back({"partner_organisation_id", "Organisation introuvable."});
  if (text::length_utf8(in.note) > 2000) errors.push_back({"note", "2000 caractères au plus."});
  if (!errors.empty()) return std::unexpected(errors);

  // The facilitator's structure owns it: the offer's, or the CV library's for a push.
  auto owner = offer ? offer->organisation_id : profile->organisation_id;
  auto at = now();
  auto r = db.query(
      "INSERT INTO positionings (organisation_id, profile_id, offer_id, employer_id, partner_kind, "
      "partner_organisation_id, state, note, created_by, created_at, updated_at) "
      "VALUES (?, ?, ?, ?, ?, ?, 'proposed', ?, ?, ?, ?) RETURNING id",
      {owner, *profile_id, offer ? db::Value(offer->id) : db::Value(nullptr), *employer_id, in.partner_kind, partner_org,
       in.note, user_id, at, at});
  auto id = r.rows.at(0).integer(0);
  positioning_event(db, id, user_id, "create", std::nullopt, "proposed", in.note);
  return id;
}

std::vector<Positioning> list_positionings(db::Connection& db, const Viewer& viewer, const PositioningFilter& f) {
  db::Params params;
  std::string sql = fmt::format("SELECT {}{} WHERE {}", kPositioningColumns, kPositioningFrom,
                                viewer_condition(viewer, params, "g.created_by"));
  if (f.offer_id) {
    sql += " AND g.offer_id = ?";
    params.emplace_back(*f.offer_id);
  }
  if (f.profile_id) {
    sql += " AND g.profile_id = ?";
    params.emplace_back(*f.profile_id);
  }
  if (!f.state.empty()) {
    sql += " AND g.state = ?";
    params.emplace_back(f.state);
  }
  if (!f.partner_kind.empty()) {
    sql += " AND g.partner_kind = ?";
    params.emplace_back(f.partner_kind);
  }
  if (f.before_id > 0) {
    sql += " AND g.id < ?";
    params.emplace_back(f.before_id);
  }
  sql += " ORDER BY g.id DESC LIMIT ?";
  params.emplace_back(f.limit);
  std::vector<Positioning> out;
  for (auto& r : db.query(sql, params).rows) out.push_back(read_positioning(r));
  return out;
}

std::optional<Positioning> get_positioning(db::Connection& db, const Viewer& viewer, std::int64_t id) {
  db::Params params{id};
  auto sql = fmt::format("SELECT {}{} WHERE g.id = ? AND {}", kPositioningColumns, kPositioningFrom,
                         viewer_condition(viewer, params, "g.created_by"));
  auto r = db.query(sql, params);
  if (r.empty()) return std::nullopt;
  return read_positioning(r.rows[0]);
}

std::expected<void, web::Errors> change_positioning_state(db::Connection& db, const Positioning& p,
                                                          std::string_view transition, const HireInput& hire,
                                                          std::string_view note, std::int64_t user_id) {
  auto t = apply_transition(p.state, transition, hire);
  if (!t) return std::unexpected(t.error());
  if (transition == "send" && !profile_consented(db, p.profile_id))
    return std::unexpected(web::Errors{{"transition", std::string(kNoConsentMessage)}});
  if (text::length_utf8(note) > 2000) return std::unexpected(web::Errors{{"note", "2000 caractères au plus."}});
  // The state read by the caller must still be the current one (two people at once).
  auto r = t->hire ? db.query("UPDATE positionings SET state = ?, hire_contract_type = ?, hire_start_date = ?, "
                              "hire_weekly_minutes = ?, updated_at = ? WHERE id = ? AND state = ?",
                              {t->to, t->hire->contract_type, t->hire->start_date, t->hire->weekly_minutes, now(), p.id,
                               p.state})
                   : db.query("UPDATE positionings SET state = ?, updated_at = ? WHERE id = ? AND state = ?",
                              {t->to, now(), p.id, p.state});
  if (r.affected != 1)
    return std::unexpected(web::Errors{{"transition", "Ce positionnement vient d'être modifié : rechargez la page."}});
  positioning_event(db, p.id, user_id, transition, p.state, t->to, note);
  return {};
}

std::expected<void, web::Errors> log_preparation_call(db::Connection& db, const Positioning& p, std::string_view note,
                                                      std::int64_t user_id) {
  if (text::trim(note).empty())
    return std::unexpected(web::Errors{{"call_note", "Notez ce qui a été préparé avec le candidat."}});
  if (text::length_utf8(note) > 2000) return std::unexpected(web::Errors{{"call_note", "2000 caractères au plus."}});
  auto at = now();
  db.query("UPDATE positionings SET preparation_call_at = ?, preparation_call_note = ?, updated_at = ? WHERE id = ?",
           {at, note, at, p.id});
  positioning_event(db, p.id, user_id, "preparation_call", p.state, p.state, note);
  return {};
}

std::vector<PositioningEvent> positioning_history(db::Connection& db, std::int64_t positioning_id) {
  std::vector<PositioningEvent> out;
  for (auto& r : db.query("SELECT ev.at, COALESCE(u.display_name, ''), ev.transition, COALESCE(ev.from_state, ''), "
                          "ev.to_state, ev.note FROM positioning_events ev LEFT JOIN users u ON u.id = ev.user_id "
                          "WHERE ev.positioning_id = ? ORDER BY ev.id",
                          {positioning_id})
                     .rows)
    out.push_back({r.text(0), r.text(1), r.text(2), r.text(3), r.text(4), r.text(5)});
  return out;
}

}  // namespace passerelle::employment

namespace passerelle::employment {

Figures figures(db::Connection& db, const Scope& scope, const std::string& from, const std::string& to) {
  Figures out;
  const std::string low = from, high = followup::format_date(followup::add_days(*followup::parse_date(to), 1));
  auto count = [&](const std::string& sql, const db::Params& params) {
    return db.query(sql, params).rows.at(0).integer(0);
  };
  {
    db::Params p{low, high};
    auto sql = "SELECT COUNT(*) FROM job_offers f JOIN organisations o ON o.id = f.organisation_id WHERE f.created_at >= ? "
               "AND f.created_at < ? AND f.status IN ('open', 'filled', 'closed') AND " +
               network::scope_condition(scope, p, "o.path");
    out.offers_processed = count(sql, p);
  }
  {
    db::Params p{low, high};
    auto sql = "SELECT COUNT(*) FROM positioning_events ev JOIN positionings g ON g.id = ev.positioning_id "
               "JOIN organisations o ON o.id = g.organisation_id WHERE ev.transition = 'hire' AND ev.at >= ? AND ev.at < ? AND " +
               network::scope_condition(scope, p, "o.path");
    out.hires = count(sql, p);
  }
  {
    db::Params p{low, high};
    auto sql = "SELECT g.partner_kind, COUNT(*) FROM positionings g JOIN organisations o ON o.id = g.organisation_id "
               "WHERE g.created_at >= ? AND g.created_at < ? AND g.partner_kind <> 'facilitator' AND " +
               network::scope_condition(scope, p, "o.path") + " GROUP BY g.partner_kind";
    std::map<std::string, std::int64_t> by;
    for (auto& r : db.query(sql, p).rows) by[r.text(0)] = r.integer(1);
    for (auto& k : kPartnerKinds)
      if (by.count(std::string(k.code))) {
        out.orientations_by_partner.emplace_back(std::string(k.code), by[std::string(k.code)]);
        out.orientations += by[std::string(k.code)];
      }
  }
  {
    db::Params p{low, high};
    auto where = " FROM positionings g JOIN organisations o ON o.id = g.organisation_id LEFT JOIN job_offers f ON "
                 "f.id = g.offer_id WHERE g.created_at >= ? AND g.created_at < ? AND g.state IN ('proposed', "
                 "'sent_to_employer', 'interview') AND " + network::scope_condition(scope, p, "o.path");
    std::map<std::string, std::int64_t> by;
    for (auto& r : db.query("SELECT COALESCE(f.contract_type, ''), COUNT(*)" + where + " GROUP BY COALESCE(f.contract_type, '')", p).rows)
      by[r.text(0)] = r.integer(1);
    for (auto& c : kContractTypes)
      if (by.count(std::string(c.code))) out.in_progress_by_contract.emplace_back(std::string(c.code), by[std::string(c.code)]);
    if (by.count("")) out.in_progress_by_contract.emplace_back("", by[""]);
    for (auto& [k, v] : by) out.in_progress += v;
    out.work_study_posts = count(
        "SELECT COALESCE(SUM(w.positions), 0) FROM job_offers w WHERE w.contract_type IN ('apprenticeship', "
        "'professionalisation') AND w.id IN (SELECT g.offer_id" + where + ")",
        p);
  }
  {
    db::Params p{high};
    auto sql = "SELECT COUNT(*), COALESCE(SUM(CASE WHEN p.consent = 1 AND p.consent_date IS NOT NULL THEN 1 ELSE 0 END), 0) "
               "FROM cv_profiles p JOIN organisations o ON o.id = p.organisation_id WHERE p.created_at < ? AND " +
               network::scope_condition(scope, p, "o.path");
    auto r = db.query(sql, p);
    out.library_size = r.rows.at(0).integer(0);
    out.library_consented = r.rows.at(0).integer(1);
  }
  return out;
}

}  // namespace passerelle::employment
