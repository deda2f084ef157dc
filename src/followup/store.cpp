#include "followup/store.hpp"

#include <algorithm>
#include <future>
#include <map>
#include <set>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "core/auth/auth.hpp"
#include "core/db/batch.hpp"
#include "core/web/text.hpp"
#include "core/web/words.hpp"
#include "followup/model.hpp"
#include "network/rules.hpp"

namespace passerelle::followup {
namespace {

// --- SQL helpers ------------------------------------------------------------------------

// The caller's scope as SQL: network's condition on organisation paths.
std::string scope_sql(const Scope& scope, db::Params& params, const char* column = "o.path") {
  return network::scope_condition(scope, params, column);
}

// "?, ?, ?" binding each value.
template <class Range>
std::string in_list(const Range& values, db::Params& params) {
  std::string sql;
  for (const auto& v : values) {
    sql += sql.empty() ? "?" : ", ?";
    params.emplace_back(v);
  }
  return sql.empty() ? "NULL" : sql;
}

// Codes of the model for which a rule says yes, to bind in an IN list.
std::vector<std::string> positive_exit_codes() {
  std::vector<std::string> out;
  for (const auto& o : kExitOutcomes)
    if (is_positive_exit(o.code)) out.emplace_back(o.code);
  return out;
}

std::vector<std::string> reached_codes() {
  std::vector<std::string> out;
  for (const auto& o : kInteractionOutcomes)
    if (outcome_is_reached(o.code)) out.emplace_back(o.code);
  return out;
}

std::vector<std::string> unable_email_codes() {
  std::vector<std::string> out;
  for (const auto& a : kDigitalAnswers)
    if (unable_to_use_email(a.code)) out.emplace_back(a.code);
  return out;
}

constexpr const char* kOpenDifficulty = "('identified', 'oriented', 'in_progress')";

std::optional<Date> opt_date(const std::string& iso) {
  if (iso.empty()) return std::nullopt;
  return parse_date(iso);
}

Date date_or(const std::string& iso, Date fallback) { return parse_date(iso).value_or(fallback); }

db::Value date_value(const std::optional<Date>& d) { return d ? db::Value(format_date(*d)) : db::Value(nullptr); }

web::Errors one_error(std::string field, std::string message) { return {{std::move(field), std::move(message)}}; }

// --- Form checks for the records whose rules are not in rules.hpp --------------------

constexpr std::size_t kShortText = 300;

class Form {
 public:
  // Trimmed value, or nullopt with an error (invalid UTF-8, too long, or empty when required).
  std::optional<std::string> text(const char* field, std::string_view value, std::size_t max_length = kShortText,
                                  const char* missing = nullptr) {
    if (!text::is_valid_utf8(value)) return fail(field, "Ce champ contient des caractères invalides.");
    std::string v = text::trim(value);
    if (text::length_utf8(v) > max_length)
      return fail(field, fmt::format("Ce champ ne doit pas dépasser {} caractères.", max_length));
    if (v.empty() && missing) return fail(field, missing);
    return v;
  }

  // A real day "AAAA-MM-JJ"; `missing` when empty and required; never after today when `not_after`.
  std::optional<Date> date(const char* field, std::string_view value, const char* missing,
                           std::optional<Date> not_after = std::nullopt,
                           const char* future = "Cette date ne peut pas être dans le futur.") {
    auto v = text(field, value, 10 + 20);
    if (!v) return std::nullopt;
    if (v->empty()) {
      if (missing) add(field, missing);
      return std::nullopt;
    }
    auto d = parse_date(*v);
    if (!d) {
      add(field, "Cette date n'est pas valide : saisissez-la au format AAAA-MM-JJ (exemple : 2020-04-15).");
      return std::nullopt;
    }
    if (not_after && *d > *not_after) {
      add(field, future);
      return std::nullopt;
    }
    return d;
  }

  template <class Row, std::size_t N>
  const Row* code(const char* field, std::string_view value, const std::array<Row, N>& table, const char* missing,
                  const char* unknown) {
    auto v = text(field, value, kShortText, missing);
    if (!v || v->empty()) return nullptr;
    const Row* row = find_code(table, *v);
    if (!row) add(field, unknown);
    return row;
  }

  // A positive id typed in a form; nullopt when empty or wrong (error then).
  std::optional<std::int64_t> id(const char* field, std::string_view value, const char* wrong) {
    std::string v = text::trim(value);
    if (v.empty()) return std::nullopt;
    std::int64_t n = 0;
    bool ok = v.size() <= 18 && std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (ok) n = std::stoll(v);
    if (!ok || n <= 0) {
      add(field, wrong);
      return std::nullopt;
    }
    return n;
  }

  void add(const char* field, std::string message) { errors.push_back({field, std::move(message)}); }
  bool has(const char* field) const { return web::find_error(errors, field) != nullptr; }

  web::Errors errors;

 private:
  std::nullopt_t fail(const char* field, std::string message) {
    add(field, std::move(message));
    return std::nullopt;
  }
};

bool exists(db::Connection& db, const char* sql, std::int64_t id) { return !db.query(sql, {id}).empty(); }

// The account may follow people of the organisation at `path`: enabled, and
// referent or supervisor in that organisation or above it.
bool referent_reaches(db::Connection& db, std::int64_t user_id, const std::string& path) {
  auto r = db.query(
      "SELECT o.path FROM users u JOIN user_roles ur ON ur.user_id = u.id JOIN organisations o ON o.id = "
      "ur.organisation_id WHERE u.id = ? AND u.disabled = 0 AND ur.role IN ('referent', 'supervisor')",
      {user_id});
  for (auto& row : r.rows)
    if (network::in_subtree(path, row.text(0))) return true;
  return false;
}

const char* kUnknownReferent =
    "Choisissez un·e référent·e de la structure qui suit la personne : ce compte n'existe pas, est désactivé "
    "ou n'y intervient pas.";

// --- Follow-up summary of an enrolment --------------------------------------------------

FollowUp follow_up(Date entry, int cadence, std::span<const InteractionAttempt> logged) {
  return follow_up_of(entry, cadence, logged, paris_today());
}

std::vector<InteractionAttempt> attempts_of(db::Connection& db, std::int64_t participant_id) {
  std::vector<InteractionAttempt> out;
  for (auto& row : db.query("SELECT at, outcome FROM interactions WHERE participant_id = ? ORDER BY at, id",
                            {participant_id})
                       .rows)
    if (auto at = parse_datetime(row.text(0))) out.push_back({*at, row.text(1)});
  return out;
}

// The stored summary read back as the rules' DueInfo (the same precedence as
// due_status: not started, unreachable, never contacted, then the due date).
DueInfo due_from_columns(Date entry, const std::string& last_reached, int failed_streak, const std::string& next_due,
                         const std::string& unreachable_on, Date today) {
  DueInfo info;
  info.last_reached = opt_date(last_reached);
  info.failed_streak = failed_streak;
  info.due = date_or(next_due, entry);
  const auto unreachable = opt_date(unreachable_on);
  if (today < entry)
    info.status = DueStatus::ok;
  else if (unreachable && *unreachable <= today)
    info.status = DueStatus::unreachable;
  else if (!info.last_reached && failed_streak == 0)
    info.status = DueStatus::never_contacted;
  else if (info.due < today)
    info.status = DueStatus::overdue;
  else if (info.due == today)
    info.status = DueStatus::due_today;
  else
    info.status = DueStatus::ok;
  return info;
}

// --- Participants ---------------------------------------------------------------------

constexpr const char* kParticipantColumns =
    "p.id, p.organisation_id, o.name, p.first_name, p.last_name, p.sort_name, p.birth_date, p.gender, p.email, "
    "p.phone, p.address, p.postcode, p.commune, p.commune_insee, p.languages, p.labour_status, p.education_level, "
    "p.housing, p.benefits, p.rqth, p.qpv, p.consent_at, p.created_at, p.updated_at";

std::vector<std::string> split_codes(const std::string& s) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i <= s.size()) {
    auto j = s.find(',', i);
    if (j == std::string::npos) j = s.size();
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

Participant read_participant(const db::Row& r) {
  Participant p;
  p.id = r.integer(0);
  p.organisation_id = r.integer(1);
  p.organisation_name = r.text(2);
  p.first_name = r.text(3);
  p.last_name = r.text(4);
  p.sort_name = r.text(5);
  p.birth_date = r.text(6);
  p.gender = r.text(7);
  p.email = r.text(8);
  p.phone = r.text(9);
  p.address = r.text(10);
  p.postcode = r.text(11);
  p.commune = r.text(12);
  p.commune_insee = r.text(13);
  p.languages = r.text(14);
  p.labour_status = r.text(15);
  p.education_level = r.text(16);
  p.housing = r.text(17);
  p.benefits = split_codes(r.text(18));
  p.rqth = r.integer(19) != 0;
  p.qpv = r.integer(20) != 0;
  p.consent_at = r.text(21);
  p.created_at = r.text(22);
  p.updated_at = r.text(23);
  return p;
}

constexpr const char* kRowColumns =
    "p.id, p.organisation_id, p.first_name, p.last_name, p.sort_name, p.birth_date, p.phone, p.email, p.commune, o.name";

ParticipantRow read_row(const db::Row& r) {
  ParticipantRow p;
  p.id = r.integer(0);
  p.organisation_id = r.integer(1);
  p.first_name = r.text(2);
  p.last_name = r.text(3);
  p.sort_name = r.text(4);
  p.birth_date = r.text(5);
  p.phone = r.text(6);
  p.email = r.text(7);
  p.commune = r.text(8);
  p.organisation_name = r.text(9);
  return p;
}

// Current enrolments of every listed participant, in one query (no N+1).
void attach_enrolments(db::Connection& db, std::vector<ParticipantRow>& rows) {
  if (rows.empty()) return;
  db::Params params;
  std::vector<std::int64_t> ids;
  for (auto& r : rows) ids.push_back(r.id);
  auto sql = fmt::format(
      "SELECT e.participant_id, e.id, e.programme_id, pr.name, e.referent_id, u.display_name, e.status "
      "FROM enrolments e JOIN programmes pr ON pr.id = e.programme_id JOIN users u ON u.id = e.referent_id "
      "WHERE e.participant_id IN ({}) AND e.status <> 'exited' ORDER BY e.entry_date, e.id",
      in_list(ids, params));
  std::map<std::int64_t, ParticipantRow*> by_id;
  for (auto& r : rows) by_id[r.id] = &r;
  for (auto& row : db.query(sql, params).rows)
    by_id[row.integer(0)]->enrolments.push_back(
        {row.integer(1), row.integer(2), row.integer(4), row.text(3), row.text(5), row.text(6)});
}

std::string digits_only(std::string_view s) {
  std::string out;
  for (char c : s)
    if (c >= '0' && c <= '9') out += c;
  return out;
}

struct CleanParticipant {
  std::string first_name, last_name, sort_name, search_text, benefits;
};

CleanParticipant clean(const ParticipantInput& in) {
  CleanParticipant c;
  c.first_name = text::trim(in.first_name);
  c.last_name = text::trim(in.last_name);
  c.sort_name = text::fold(c.last_name + " " + c.first_name);
  c.search_text = text::fold(fmt::format("{} {} {} {} {} {} {} {}", c.last_name, c.first_name, text::trim(in.email),
                                         text::trim(in.phone), digits_only(in.phone), text::trim(in.commune),
                                         text::trim(in.postcode), text::trim(in.birth_date)));
  std::vector<std::string> codes;
  for (auto& b : in.benefits) {
    auto code = text::trim(b);
    if (!code.empty() && std::ranges::find(codes, code) == codes.end()) codes.push_back(code);
  }
  for (auto& code : codes) c.benefits += (c.benefits.empty() ? "" : ",") + code;
  return c;
}

// `walk_sort_index`: the rows are read in name order until the page is full, so the
// word search is kept as a set to probe (the id column hidden from SQLite's choice of
// index); otherwise the matching words drive the query.
std::string participant_where(db::Connection& db, const Scope& scope, const ParticipantFilter& f, db::Params& params,
                              bool walk_sort_index = false) {
  std::string sql = " FROM participants p JOIN organisations o ON o.id = p.organisation_id WHERE " + scope_sql(scope, params);
  web::add_word_search(sql, params, f.q, walk_sort_index ? db::without_index(db, "p.id", true).c_str() : "p.id",
                       "participant_words", "participant_id");
  if (f.programme_id || f.referent_id || !f.status.empty()) {
    sql += " AND EXISTS (SELECT 1 FROM enrolments e WHERE e.participant_id = p.id";
    if (f.programme_id) {
      sql += " AND e.programme_id = ?";
      params.emplace_back(*f.programme_id);
    }
    if (f.referent_id) {
      sql += " AND e.referent_id = ?";
      params.emplace_back(*f.referent_id);
    }
    if (!f.status.empty()) {
      sql += " AND e.status = ?";
      params.emplace_back(f.status);
    }
    sql += ")";
  }
  if (!f.difficulty_kind.empty()) {
    sql += fmt::format(" AND EXISTS (SELECT 1 FROM difficulties d WHERE d.participant_id = p.id AND d.kind = ? "
                       "AND d.status IN {}{})",
                       kOpenDifficulty, f.include_sensitive ? "" : " AND d.sensitive = 0");
    params.emplace_back(f.difficulty_kind);
  }
  if (f.pass_ending_soon) {
    const Date today = f.today.value_or(paris_today());
    sql += " AND EXISTS (SELECT 1 FROM enrolments pe JOIN pass_iae pi ON pi.enrolment_id = pe.id "
           "WHERE pe.participant_id = p.id AND pi.start_date <= ? AND pi.end_date >= ? AND pi.end_date <= ?)";
    params.emplace_back(format_date(today));
    params.emplace_back(format_date(today));
    params.emplace_back(format_date(add_months(today, 3)));
  }
  return sql;
}

// `few_matches`: read the matches and sort them rather than walk the sort index.
std::vector<ParticipantRow> query_participants(db::Connection& db, const Scope& scope, const ParticipantFilter& f,
                                               bool few_matches) {
  db::Params params;
  std::string sql = std::string("SELECT ") + kRowColumns + participant_where(db, scope, f, params, !few_matches);
  if (f.after_id > 0) {
    sql += " AND (p.sort_name, p.id) > (?, ?)";
    params.emplace_back(f.after_key);
    params.emplace_back(f.after_id);
  }
  sql += few_matches ? " ORDER BY (p.sort_name || ''), p.id LIMIT ?" : " ORDER BY p.sort_name, p.id LIMIT ?";
  params.emplace_back(std::clamp(f.limit, 1, 1000));
  std::vector<ParticipantRow> out;
  for (auto& row : db.query(sql, params).rows) out.push_back(read_row(row));
  attach_enrolments(db, out);
  return out;
}

// --- Enrolments -----------------------------------------------------------------------

constexpr const char* kEnrolmentSelect =
    "SELECT e.id, e.participant_id, e.programme_id, e.organisation_id, e.referent_id, pr.name, pr.kind, o.name, "
    "u.display_name, pr.cadence_days, pr.max_duration_months, e.cohort_id, c.name, e.phase_id, ph.name, e.status, "
    "e.entry_date, e.exit_date, e.exit_outcome, e.esf_entry, e.esf_exit, e.last_reached_on, e.next_due_on, "
    "e.unreachable_on, e.failed_streak, e.created_at, e.updated_at "
    "FROM enrolments e JOIN programmes pr ON pr.id = e.programme_id JOIN organisations o ON o.id = e.organisation_id "
    "JOIN users u ON u.id = e.referent_id LEFT JOIN cohorts c ON c.id = e.cohort_id "
    "LEFT JOIN programme_phases ph ON ph.id = e.phase_id";

Enrolment read_enrolment(const db::Row& r) {
  Enrolment e;
  e.id = r.integer(0);
  e.participant_id = r.integer(1);
  e.programme_id = r.integer(2);
  e.organisation_id = r.integer(3);
  e.referent_id = r.integer(4);
  e.programme_name = r.text(5);
  e.programme_kind = r.text(6);
  e.organisation_name = r.text(7);
  e.referent_name = r.text(8);
  e.cadence_days = static_cast<int>(r.integer(9));
  e.max_duration_months = static_cast<int>(r.integer(10));
  e.cohort_id = r.opt_integer(11);
  e.cohort_name = r.text(12);
  e.phase_id = r.opt_integer(13);
  e.phase_name = r.text(14);
  e.status = r.text(15);
  e.entry_date = r.text(16);
  e.exit_date = r.text(17);
  e.exit_outcome = r.text(18);
  e.esf_entry = r.text(19);
  e.esf_exit = r.text(20);
  e.last_reached_on = r.text(21);
  e.next_due_on = r.text(22);
  e.unreachable_on = r.text(23);
  e.failed_streak = static_cast<int>(r.integer(24));
  e.created_at = r.text(25);
  e.updated_at = r.text(26);
  return e;
}

// The ESF questionnaire's situation of the person, as it is on `on`.
std::string esf_snapshot(db::Connection& db, std::int64_t participant_id, std::string_view on,
                         std::string_view outcome = {}) {
  auto r = db.query(
      "SELECT gender, birth_date, postcode, commune_insee, labour_status, education_level, benefits, rqth, qpv, "
      "housing FROM participants WHERE id = ?",
      {participant_id});
  if (r.empty()) return "";
  const auto& row = r.rows[0];
  boost::json::object o;
  o["date"] = std::string(on);
  o["gender"] = row.text(0);
  o["birth_date"] = row.text(1);
  o["postcode"] = row.text(2);
  o["commune_insee"] = row.text(3);
  o["labour_status"] = row.text(4);
  o["education_level"] = row.text(5);
  boost::json::array benefits;
  for (auto& b : split_codes(row.text(6))) benefits.emplace_back(b);
  o["benefits"] = std::move(benefits);
  o["rqth"] = row.integer(7) != 0;
  o["qpv"] = row.integer(8) != 0;
  o["housing"] = row.text(9);
  if (!outcome.empty()) {
    o["exit_outcome"] = std::string(outcome);
    o["positive_exit"] = is_positive_exit(outcome);
  }
  return boost::json::serialize(o);
}

void record_enrolment_event(db::Connection& db, std::int64_t enrolment_id, std::optional<std::int64_t> user_id,
                            std::string_view kind, std::string_view from, std::string_view to,
                            std::string_view reason) {
  db.query(
      "INSERT INTO enrolment_events (enrolment_id, at, user_id, kind, from_value, to_value, reason) "
      "VALUES (?, ?, ?, ?, ?, ?, ?)",
      {enrolment_id, auth::now_utc(), user_id, kind, from, to, text::trim(reason)});
}

std::optional<std::string> check_reason(Form& form, std::string_view reason) {
  return form.text("reason", reason, 1000);
}

// --- Difficulties ----------------------------------------------------------------------

constexpr const char* kDifficultySelect =
    "SELECT d.id, d.participant_id, d.kind, d.sub_kind, d.sensitive, d.status, d.partner_organisation_id, po.name, "
    "d.identified_on, d.notes, d.updated_at FROM difficulties d "
    "LEFT JOIN organisations po ON po.id = d.partner_organisation_id";

Difficulty read_difficulty(const db::Row& r) {
  Difficulty d;
  d.id = r.integer(0);
  d.participant_id = r.integer(1);
  d.kind = r.text(2);
  d.sub_kind = r.text(3);
  d.sensitive = r.integer(4) != 0;
  d.status = r.text(5);
  d.partner_organisation_id = r.opt_integer(6);
  d.partner_name = r.text(7);
  d.identified_on = r.text(8);
  d.notes = r.text(9);
  d.updated_at = r.text(10);
  return d;
}

// --- PASS IAE ----------------------------------------------------------------------------

void add_period(PassRecord& rec, std::int64_t id, const std::string& kind, const std::string& reason,
                const std::string& start, const std::string& end) {
  PassPeriodRow row{id, kind, PassPeriod{date_or(start, rec.pass.start), date_or(end, rec.pass.start), reason}};
  (kind == "suspension" ? rec.pass.suspensions : rec.pass.prolongations).push_back(row.period);
  rec.periods.push_back(std::move(row));
}

// Passes by id with their periods: two queries.
std::string passes_sql(const std::string& where) {
  return "SELECT pi.id, pi.enrolment_id, pi.number, pi.start_date, pi.end_date, o.kind FROM pass_iae pi "
         "JOIN enrolments e ON e.id = pi.enrolment_id JOIN organisations o ON o.id = e.organisation_id WHERE " +
         where + " ORDER BY pi.start_date DESC, pi.id DESC";
}

// The passes of `r` (rows of passes_sql) with their periods (one more query when there are passes).
std::vector<PassRecord> passes_with_periods(db::Connection& db, const db::Result& r) {
  std::vector<PassRecord> out;
  if (r.empty()) return out;
  std::map<std::int64_t, std::size_t> index;
  db::Params params;
  std::vector<std::int64_t> ids;
  for (auto& row : r.rows) {
    PassRecord rec;
    rec.id = row.integer(0);
    rec.enrolment_id = row.integer(1);
    rec.number = row.text(2);
    rec.pass = new_pass(date_or(row.text(3), Date{}));
    rec.end_date = row.text(4);
    rec.organisation_kind = row.text(5);
    index[rec.id] = out.size();
    ids.push_back(rec.id);
    out.push_back(std::move(rec));
  }
  auto sql = "SELECT pass_id, id, kind, reason, start_date, end_date FROM pass_iae_periods WHERE pass_id IN (" +
             in_list(ids, params) + ") ORDER BY start_date, id";
  for (auto& row : db.query(sql, params).rows)
    add_period(out[index[row.integer(0)]], row.integer(1), row.text(2), row.text(3), row.text(4), row.text(5));
  return out;
}

std::vector<PassRecord> load_passes(db::Connection& db, const std::string& where, const db::Params& where_params) {
  return passes_with_periods(db, db.query(passes_sql(where), where_params));
}

// --- Dashboard ----------------------------------------------------------------------------

// Enrolments of the dashboard's scope: the participant followed in scope (and
// in the chosen organisation's subtree), the chosen programme and referent.
// When `whole` (the scope holds every organisation and no organisation is chosen),
// the participants' organisations are not read: every enrolment is in scope.
// The programme and referent chosen, on the enrolments `e`.
std::string enrolment_filters(const DashboardFilter& f, db::Params& params) {
  std::string sql;
  if (f.programme_id) {
    sql += " AND e.programme_id = ?";
    params.emplace_back(*f.programme_id);
  }
  if (f.referent_id) {
    sql += " AND e.referent_id = ?";
    params.emplace_back(*f.referent_id);
  }
  return sql;
}

// The chosen organisation's subtree, on the organisations `o` (nothing when none is chosen).
std::string organisation_filter(db::Connection& db, const DashboardFilter& f, db::Params& params) {
  if (!f.organisation_id) return {};
  auto r = db.query("SELECT path FROM organisations WHERE id = ?", {*f.organisation_id});
  auto range = network::subtree_range(r.empty() ? std::string("/none/") : r.rows[0].text(0));
  params.emplace_back(range.low);
  params.emplace_back(range.high);
  return " AND o.path >= ? AND o.path < ?";
}

// Up to this many organisations in a dashboard's scope are listed by id.
constexpr std::size_t kListedOrganisations = 200;

// " FROM enrolments e … WHERE …": the pathways of people whose organisation is in
// the scope and in the chosen organisation's subtree. Filtered to a programme or a
// referent (the pathways then come from their index) and when those organisations
// are few (a PLIE, a delegation and its members), their ids are read first and the
// pathways kept are those of the people of these organisations (a semi-join: the
// people read in one range of participants_org, hashed) instead of one seek per
// pathway into its person and their organisation — at national scale a PLIE's
// 5,000 people are spread over the whole table and those seeks were half of its
// dashboard on PostgreSQL (20 ms of 45). Without such a filter the pathways are
// found from the organisations' people (the join below): the semi-join there let
// PostgreSQL's generic plan scan every pathway of the country. SQLite keeps the
// join: its seeks are cheap, and the semi-join's temporary index cost it 5 ms on
// a PLIE's dashboard.
// The scope's organisations when dashboard_base lists them (see there), read once
// per dashboard: `listed` false otherwise.
struct ScopeOrganisations {
  bool listed = false;
  std::vector<std::int64_t> ids;
};

ScopeOrganisations scope_organisations(db::Connection& db, const Scope& scope, const DashboardFilter& f, bool whole) {
  ScopeOrganisations out;
  if (whole || !(f.programme_id || f.referent_id) || db.engine() != db::Engine::postgres) return out;
  db::Params params;
  auto condition = scope_sql(scope, params) + organisation_filter(db, f, params);
  params.emplace_back(static_cast<std::int64_t>(kListedOrganisations + 1));
  auto orgs = db.query("SELECT o.id FROM organisations o WHERE " + condition + " ORDER BY o.id LIMIT ?", params);
  if (orgs.rows.size() > kListedOrganisations) return out;
  out.listed = true;
  for (auto& row : orgs.rows) out.ids.push_back(row.integer(0));
  return out;
}

std::string dashboard_base(db::Connection& db, const Scope& scope, const DashboardFilter& f, db::Params& params,
                           bool whole = false, const ScopeOrganisations* known = nullptr) {
  if (whole) return " FROM enrolments e WHERE 1 = 1" + enrolment_filters(f, params);
  ScopeOrganisations read;
  if (!known) read = scope_organisations(db, scope, f, whole);
  const auto& orgs = known ? *known : read;
  if (orgs.listed) {
    // OFFSET 0 keeps the generic plan from turning the semi-join back into one
    // seek per pathway (its estimate of a filtered programme's pathways is a
    // handful).
    std::string sql = " FROM enrolments e WHERE e.participant_id IN (SELECT p.id FROM participants p WHERE "
                      "p.organisation_id IN (" +
                      in_list(orgs.ids, params) + ") OFFSET 0)";
    return sql + enrolment_filters(f, params);
  }
  std::string sql = " FROM enrolments e JOIN participants p ON p.id = e.participant_id JOIN organisations o "
                    "ON o.id = p.organisation_id WHERE " +
                    scope_sql(scope, params);
  sql += enrolment_filters(f, params);
  return sql + organisation_filter(db, f, params);
}

}  // namespace

// --- Dates ----------------------------------------------------------------------------------

Date paris_today() {
  auto now = parse_datetime(auth::now_utc());
  return now ? paris_date(*now) : Date{};
}

std::string paris_day_start_utc(Date day) {
  // Paris is UTC+1 or UTC+2, and clocks change at 01:00 UTC: midnight in Paris
  // is 22:00 or 23:00 UTC the day before.
  const Date before = add_days(day, -1);
  const DateTime summer{before, 22, 0, 0};
  return format_datetime(paris_date(summer) == day ? summer : DateTime{before, 23, 0, 0});
}

// --- Programmes -------------------------------------------------------------------------------

namespace {

std::int64_t parse_count(const std::string& s) { return s.empty() ? 0 : std::stoll(text::trim(s)); }

std::string visible_programmes(const Scope& scope, db::Params& params) {
  std::set<std::int64_t> ancestors;
  for (auto& root : scope)
    for (auto id : network::path_ids(root)) ancestors.insert(id);
  std::string sql = "(" + scope_sql(scope, params);
  if (!ancestors.empty()) sql += " OR pr.organisation_id IN (" + in_list(ancestors, params) + ")";
  return sql + ")";
}

std::vector<Programme> query_programmes(db::Connection& db, const Scope& scope, std::optional<std::int64_t> id) {
  db::Params params;
  std::string sql =
      "SELECT pr.id, pr.organisation_id, o.name, pr.name, pr.kind, pr.cadence_days, pr.max_duration_months, "
      "pr.created_at FROM programmes pr JOIN organisations o ON o.id = pr.organisation_id WHERE ";
  if (id) {
    sql += "pr.id = ? AND ";
    params.emplace_back(*id);
  }
  sql += visible_programmes(scope, params) + " ORDER BY pr.name, pr.id";
  std::vector<Programme> out;
  for (auto& row : db.query(sql, params).rows) {
    Programme p;
    p.id = row.integer(0);
    p.organisation_id = row.integer(1);
    p.organisation_name = row.text(2);
    p.name = row.text(3);
    p.kind = row.text(4);
    p.cadence_days = static_cast<int>(row.integer(5));
    p.max_duration_months = static_cast<int>(row.integer(6));
    p.created_at = row.text(7);
    out.push_back(std::move(p));
  }
  if (out.empty()) return out;
  std::map<std::int64_t, Programme*> by_id;
  std::vector<std::int64_t> ids;
  for (auto& p : out) {
    by_id[p.id] = &p;
    ids.push_back(p.id);
  }
  db::Params phase_params;
  for (auto& row : db.query("SELECT programme_id, id, name, position FROM programme_phases WHERE programme_id IN (" +
                                in_list(ids, phase_params) + ") ORDER BY position, id",
                            phase_params)
                       .rows)
    by_id[row.integer(0)]->phases.push_back({row.integer(1), row.text(2), static_cast<int>(row.integer(3))});
  db::Params cohort_params;
  for (auto& row : db.query("SELECT programme_id, id, name, start_date FROM cohorts WHERE programme_id IN (" +
                                in_list(ids, cohort_params) + ") ORDER BY start_date, id",
                            cohort_params)
                       .rows)
    by_id[row.integer(0)]->cohorts.push_back({row.integer(1), row.text(2), row.text(3)});
  return out;
}

}  // namespace

std::expected<std::int64_t, web::Errors> create_programme(db::Connection& db, std::int64_t organisation_id,
                                                          const ProgrammeInput& in) {
  auto errors = validate_programme(in);
  if (!exists(db, "SELECT 1 FROM organisations WHERE id = ?", organisation_id))
    errors.push_back({"organisation_id", "Cette structure n'existe pas."});
  if (!errors.empty()) return std::unexpected(std::move(errors));
  auto r = db.query(
      "INSERT INTO programmes (organisation_id, name, kind, cadence_days, max_duration_months, created_at) "
      "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
      {organisation_id, text::trim(in.name), text::trim(in.kind), parse_count(in.cadence_days),
       parse_count(in.max_duration_months), auth::now_utc()});
  return r.rows.at(0).integer(0);
}

std::expected<void, web::Errors> update_programme(db::Connection& db, std::int64_t programme_id,
                                                  const ProgrammeInput& in) {
  auto errors = validate_programme(in);
  if (!errors.empty()) return std::unexpected(std::move(errors));
  auto r = db.query("UPDATE programmes SET name = ?, kind = ?, cadence_days = ?, max_duration_months = ? WHERE id = ?",
                    {text::trim(in.name), text::trim(in.kind), parse_count(in.cadence_days),
                     parse_count(in.max_duration_months), programme_id});
  if (r.affected == 0) return std::unexpected(one_error("programme_id", "Ce programme n'existe pas."));
  return {};
}

std::expected<std::int64_t, web::Errors> add_phase(db::Connection& db, std::int64_t programme_id, std::string_view name) {
  Form form;
  auto n = form.text("name", name, kShortText, "Le nom de la phase est obligatoire.");
  if (!exists(db, "SELECT 1 FROM programmes WHERE id = ?", programme_id))
    form.add("programme_id", "Ce programme n'existe pas.");
  if (!form.errors.empty()) return std::unexpected(std::move(form.errors));
  auto next = db.query("SELECT COALESCE(MAX(position), 0) + 1 FROM programme_phases WHERE programme_id = ?",
                       {programme_id})
                  .rows.at(0)
                  .integer(0);
  return db.query("INSERT INTO programme_phases (programme_id, name, position) VALUES (?, ?, ?) RETURNING id",
                  {programme_id, *n, next})
      .rows.at(0)
      .integer(0);
}

std::expected<std::int64_t, web::Errors> add_cohort(db::Connection& db, std::int64_t programme_id, std::string_view name,
                                                    std::string_view start_date) {
  Form form;
  auto n = form.text("name", name, kShortText, "Le nom de la promotion est obligatoire.");
  auto start = form.date("start_date", start_date, "La date de début de la promotion est obligatoire.");
  if (!exists(db, "SELECT 1 FROM programmes WHERE id = ?", programme_id))
    form.add("programme_id", "Ce programme n'existe pas.");
  if (!form.errors.empty()) return std::unexpected(std::move(form.errors));
  return db.query("INSERT INTO cohorts (programme_id, name, start_date) VALUES (?, ?, ?) RETURNING id",
                  {programme_id, *n, format_date(*start)})
      .rows.at(0)
      .integer(0);
}

std::vector<Programme> list_programmes(db::Connection& db, const Scope& scope) {
  return query_programmes(db, scope, std::nullopt);
}

std::optional<Programme> get_programme(db::Connection& db, const Scope& scope, std::int64_t id) {
  auto rows = query_programmes(db, scope, id);
  if (rows.empty()) return std::nullopt;
  return std::move(rows[0]);
}

// --- Participants ---------------------------------------------------------------------------------

std::expected<std::int64_t, web::Errors> create_participant(db::Connection& db, std::int64_t organisation_id,
                                                            const ParticipantInput& in) {
  auto errors = validate_participant(in, paris_today());
  if (!exists(db, "SELECT 1 FROM organisations WHERE id = ?", organisation_id))
    errors.push_back({"organisation_id", "Cette structure n'existe pas."});
  if (!errors.empty()) return std::unexpected(std::move(errors));
  const auto c = clean(in);
  const auto now = auth::now_utc();
  auto r = db.query(
      "INSERT INTO participants (organisation_id, first_name, last_name, sort_name, search_text, birth_date, gender, "
      "email, phone, address, postcode, commune, commune_insee, languages, labour_status, education_level, benefits, "
      "rqth, qpv, housing, consent_at, created_at, updated_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {organisation_id, c.first_name, c.last_name, c.sort_name, c.search_text, text::trim(in.birth_date),
       text::trim(in.gender), text::trim(in.email), text::trim(in.phone), text::trim(in.address),
       text::trim(in.postcode), text::trim(in.commune), text::trim(in.commune_insee), text::trim(in.languages),
       text::trim(in.labour_status), text::trim(in.education_level), c.benefits, in.rqth == "1" ? 1 : 0,
       in.qpv == "1" ? 1 : 0, text::trim(in.housing), text::trim(in.consent_date), now, now});
  const auto id = r.rows.at(0).integer(0);
  web::store_words(db, "participant_words", "participant_id", id, c.search_text);
  return id;
}

std::expected<void, web::Errors> update_participant(db::Connection& db, std::int64_t participant_id,
                                                    const ParticipantInput& in) {
  auto errors = validate_participant(in, paris_today());
  if (!errors.empty()) return std::unexpected(std::move(errors));
  const auto c = clean(in);
  auto r = db.query(
      "UPDATE participants SET first_name = ?, last_name = ?, sort_name = ?, search_text = ?, birth_date = ?, "
      "gender = ?, email = ?, phone = ?, address = ?, postcode = ?, commune = ?, commune_insee = ?, languages = ?, "
      "labour_status = ?, education_level = ?, benefits = ?, rqth = ?, qpv = ?, housing = ?, consent_at = ?, "
      "updated_at = ? WHERE id = ?",
      {c.first_name, c.last_name, c.sort_name, c.search_text, text::trim(in.birth_date), text::trim(in.gender),
       text::trim(in.email), text::trim(in.phone), text::trim(in.address), text::trim(in.postcode),
       text::trim(in.commune), text::trim(in.commune_insee), text::trim(in.languages), text::trim(in.labour_status),
       text::trim(in.education_level), c.benefits, in.rqth == "1" ? 1 : 0, in.qpv == "1" ? 1 : 0,
       text::trim(in.housing), text::trim(in.consent_date), auth::now_utc(), participant_id});
  if (r.affected == 0) return std::unexpected(one_error("participant_id", "Cette personne n'existe pas."));
  web::store_words(db, "participant_words", "participant_id", participant_id, c.search_text);
  return {};
}

std::size_t rebuild_participant_words(db::Connection& db, bool only_if_missing) {
  return web::rebuild_words(db, "participants", "participant_words", "participant_id", only_if_missing);
}

std::optional<Participant> get_participant(db::Connection& db, const Scope& scope, std::int64_t id) {
  db::Params params{id};
  auto sql = fmt::format(
      "SELECT {} FROM participants p JOIN organisations o ON o.id = p.organisation_id WHERE p.id = ? AND {}",
      kParticipantColumns, scope_sql(scope, params));
  auto r = db.query(sql, params);
  if (r.empty()) return std::nullopt;
  return read_participant(r.rows[0]);
}

std::vector<ParticipantRow> likely_duplicates(db::Connection& db, const Scope& scope, std::string_view first_name,
                                              std::string_view last_name, std::string_view birth_date,
                                              std::int64_t except_id) {
  const std::string key = participant_match_key(first_name, last_name, birth_date);
  db::Params params{text::trim(birth_date)};
  auto sql = fmt::format(
      "SELECT {} FROM participants p JOIN organisations o ON o.id = p.organisation_id WHERE p.birth_date = ? AND {} "
      "ORDER BY p.sort_name, p.id LIMIT 200",
      kRowColumns, scope_sql(scope, params));
  std::vector<ParticipantRow> out;
  for (auto& row : db.query(sql, params).rows) {
    auto p = read_row(row);
    if (p.id != except_id && participant_match_key(p.first_name, p.last_name, p.birth_date) == key)
      out.push_back(std::move(p));
  }
  attach_enrolments(db, out);
  return out;
}

std::vector<ParticipantRow> list_participants(db::Connection& db, const Scope& scope, const ParticipantFilter& f) {
  return query_participants(db, scope, f, false);
}

std::int64_t count_participants(db::Connection& db, const Scope& scope, const ParticipantFilter& f, std::int64_t cap) {
  db::Params params;
  std::string sql = "SELECT 1" + participant_where(db, scope, f, params);
  if (cap > 0) {
    sql += " LIMIT ?";
    params.emplace_back(cap + 1);
  }
  return db.query("SELECT COUNT(*) FROM (" + sql + ") counted", params).rows.at(0).integer(0);
}

ParticipantPage participant_page(db::Connection& db, const Scope& scope, const ParticipantFilter& f,
                                 std::int64_t count_cap) {
  ParticipantPage page;
  page.total = count_participants(db, scope, f, count_cap);
  const bool narrowed = !f.q.empty() || f.programme_id || f.referent_id || !f.status.empty() ||
                        !f.difficulty_kind.empty() || f.pass_ending_soon;
  page.items = query_participants(db, scope, f, narrowed && page.total <= count_cap);
  return page;
}

// --- Enrolments ----------------------------------------------------------------------------------------

std::expected<std::int64_t, web::Errors> enrol(db::Connection& db, const NewEnrolment& n) {
  web::Errors errors;
  auto participant = db.query(
      "SELECT o.path FROM participants p JOIN organisations o ON o.id = p.organisation_id WHERE p.id = ?",
      {n.participant_id});
  if (participant.empty()) errors.push_back({"participant_id", "Cette personne n'existe pas."});
  auto programme =
      db.query("SELECT cadence_days, max_duration_months FROM programmes WHERE id = ?", {n.programme_id});
  if (programme.empty()) errors.push_back({"programme_id", "Choisissez un programme dans la liste."});
  const int max_months = programme.empty() ? 0 : static_cast<int>(programme.rows[0].integer(1));
  auto check = validate_enrolment({n.entry_date, "", ""}, max_months, paris_today());
  errors.insert(errors.end(), check.errors.begin(), check.errors.end());
  if (!exists(db, "SELECT 1 FROM organisations WHERE id = ?", n.organisation_id))
    errors.push_back({"organisation_id", "Cette structure n'existe pas."});
  if (n.cohort_id && !programme.empty() &&
      db.query("SELECT 1 FROM cohorts WHERE id = ? AND programme_id = ?", {*n.cohort_id, n.programme_id}).empty())
    errors.push_back({"cohort_id", "Choisissez une promotion de ce programme."});
  if (!participant.empty() && !referent_reaches(db, n.referent_id, participant.rows[0].text(0)))
    errors.push_back({"referent_id", kUnknownReferent});
  if (!participant.empty() && !programme.empty() &&
      !db.query("SELECT 1 FROM enrolments WHERE participant_id = ? AND programme_id = ? AND status <> 'exited'",
                {n.participant_id, n.programme_id})
           .empty())
    errors.push_back({"programme_id", "Cette personne suit déjà ce programme : son parcours est en cours."});
  if (!errors.empty()) return std::unexpected(std::move(errors));

  const Date entry = *parse_date(text::trim(n.entry_date));
  const int cadence = static_cast<int>(programme.rows[0].integer(0));
  const auto attempts = attempts_of(db, n.participant_id);
  const FollowUp f = follow_up(entry, cadence, attempts);
  const auto now = auth::now_utc();
  auto r = db.query(
      "INSERT INTO enrolments (participant_id, programme_id, organisation_id, referent_id, cohort_id, status, "
      "entry_date, esf_entry, last_reached_on, failed_streak, next_due_on, unreachable_on, created_at, updated_at) "
      "VALUES (?, ?, ?, ?, ?, 'active', ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {n.participant_id, n.programme_id, n.organisation_id, n.referent_id, n.cohort_id, format_date(entry),
       esf_snapshot(db, n.participant_id, format_date(entry)), date_value(f.last_reached), f.failed_streak,
       format_date(f.next_due), date_value(f.unreachable_on), now, now});
  const auto id = r.rows.at(0).integer(0);
  record_enrolment_event(db, id, n.user_id, "status", "", "active", "");
  return id;
}

std::optional<Enrolment> get_enrolment(db::Connection& db, const Scope& scope, std::int64_t id) {
  db::Params params{id};
  auto sql = std::string(kEnrolmentSelect) +
             " JOIN participants p ON p.id = e.participant_id JOIN organisations po ON po.id = p.organisation_id "
             "WHERE e.id = ? AND " +
             scope_sql(scope, params, "po.path");
  auto r = db.query(sql, params);
  if (r.empty()) return std::nullopt;
  return read_enrolment(r.rows[0]);
}

std::vector<Enrolment> enrolments_of(db::Connection& db, std::int64_t participant_id) {
  std::vector<Enrolment> out;
  for (auto& row :
       db.query(std::string(kEnrolmentSelect) + " WHERE e.participant_id = ? ORDER BY e.entry_date DESC, e.id DESC",
                {participant_id})
           .rows)
    out.push_back(read_enrolment(row));
  return out;
}

std::vector<db::OwnedStatement> participant_head_reads(const Scope& scope, std::int64_t id) {
  db::Params params{id};
  auto participant_sql = fmt::format(
      "SELECT {} FROM participants p JOIN organisations o ON o.id = p.organisation_id WHERE p.id = ? AND {}",
      kParticipantColumns, scope_sql(scope, params));
  return {{std::move(participant_sql), std::move(params)},
          {std::string(kEnrolmentSelect) + " WHERE e.participant_id = ? ORDER BY e.entry_date DESC, e.id DESC", {id}},
          {"SELECT stamp FROM change_stamps WHERE name = 'directory'", {}}};
}

ParticipantHead participant_head_from(std::span<db::Result> r) {
  ParticipantHead head;
  if (!r[2].empty()) head.directory_stamp = r[2].rows[0].integer(0);
  if (r[0].empty()) return head;  // out of scope: nothing of theirs is kept
  head.participant = read_participant(r[0].rows[0]);
  for (auto& row : r[1].rows) head.enrolments.push_back(read_enrolment(row));
  return head;
}

ParticipantHead participant_head(db::Connection& db, const Scope& scope, std::int64_t id) {
  auto r = db::query_all_owned(db, participant_head_reads(scope, id));
  return participant_head_from(r);
}

std::expected<std::string, web::Errors> change_enrolment_status(db::Connection& db, std::int64_t enrolment_id,
                                                                std::string_view transition, EnrolmentExit exit,
                                                                std::optional<std::int64_t> user_id,
                                                                std::string_view reason) {
  Form form;
  check_reason(form, reason);
  auto r = db.query("SELECT status, entry_date, participant_id FROM enrolments WHERE id = ?", {enrolment_id});
  if (r.empty()) return std::unexpected(one_error("enrolment_id", "Ce parcours n'existe pas."));
  const std::string from = r.rows[0].text(0), entry = r.rows[0].text(1);
  const std::int64_t participant_id = r.rows[0].integer(2);
  exit.entry_date = entry;
  if (!exit.today) exit.today = paris_today();
  auto to = enrolment_transition(from, transition, exit);
  if (!to) {
    form.errors.insert(form.errors.begin(), to.error().begin(), to.error().end());
    return std::unexpected(std::move(form.errors));
  }
  if (!form.errors.empty()) return std::unexpected(std::move(form.errors));

  const std::string status(*to);
  const auto now = auth::now_utc();
  db::Result updated;
  if (status == "exited") {
    const std::string exit_date = text::trim(exit.exit_date), outcome = text::trim(exit.outcome);
    updated = db.query(
        "UPDATE enrolments SET status = ?, exit_date = ?, exit_outcome = ?, esf_exit = ?, updated_at = ? "
        "WHERE id = ? AND status = ?",
        {status, exit_date, outcome, esf_snapshot(db, participant_id, exit_date, outcome), now, enrolment_id, from});
  } else {
    updated = db.query("UPDATE enrolments SET status = ?, updated_at = ? WHERE id = ? AND status = ?",
                       {status, now, enrolment_id, from});
  }
  if (updated.affected == 0)
    return std::unexpected(
        one_error("status", "Le parcours vient d'être modifié par quelqu'un d'autre : rechargez la page."));
  record_enrolment_event(db, enrolment_id, user_id, "status", from, status, reason);
  return status;
}

std::expected<void, web::Errors> transfer_referent(db::Connection& db, std::int64_t enrolment_id,
                                                   std::int64_t new_referent_id, std::optional<std::int64_t> user_id,
                                                   std::string_view reason) {
  Form form;
  check_reason(form, reason);
  auto r = db.query(
      "SELECT e.referent_id, e.status, o.path FROM enrolments e JOIN participants p ON p.id = e.participant_id "
      "JOIN organisations o ON o.id = p.organisation_id WHERE e.id = ?",
      {enrolment_id});
  if (r.empty()) return std::unexpected(one_error("enrolment_id", "Ce parcours n'existe pas."));
  const std::int64_t old_referent = r.rows[0].integer(0);
  if (r.rows[0].text(1) == "exited")
    form.add("status", "Ce parcours est terminé : il ne peut plus changer de référent·e.");
  else if (new_referent_id == old_referent)
    form.add("referent_id", "Cette personne est déjà suivie par ce·tte référent·e.");
  else if (!referent_reaches(db, new_referent_id, r.rows[0].text(2)))
    form.add("referent_id", kUnknownReferent);
  if (!form.errors.empty()) return std::unexpected(std::move(form.errors));
  auto updated = db.query("UPDATE enrolments SET referent_id = ?, updated_at = ? WHERE id = ? AND referent_id = ?",
                          {new_referent_id, auth::now_utc(), enrolment_id, old_referent});
  if (updated.affected == 0)
    return std::unexpected(
        one_error("referent_id", "Le parcours vient d'être modifié par quelqu'un d'autre : rechargez la page."));
  record_enrolment_event(db, enrolment_id, user_id, "transfer", std::to_string(old_referent),
                         std::to_string(new_referent_id), reason);
  return {};
}

std::vector<EnrolmentEvent> enrolment_history(db::Connection& db, std::int64_t enrolment_id) {
  std::vector<EnrolmentEvent> out;
  auto r = db.query(
      "SELECT ee.id, ee.enrolment_id, ee.user_id, ee.at, u.display_name, ee.kind, ee.from_value, ee.to_value, "
      "ee.reason, fu.display_name, tu.display_name FROM enrolment_events ee LEFT JOIN users u ON u.id = ee.user_id "
      "LEFT JOIN users fu ON ee.kind = 'transfer' AND CAST(fu.id AS TEXT) = ee.from_value "
      "LEFT JOIN users tu ON ee.kind = 'transfer' AND CAST(tu.id AS TEXT) = ee.to_value "
      "WHERE ee.enrolment_id = ? ORDER BY ee.id",
      {enrolment_id});
  for (auto& row : r.rows) {
    EnrolmentEvent e;
    e.id = row.integer(0);
    e.enrolment_id = row.integer(1);
    e.user_id = row.opt_integer(2);
    e.at = row.text(3);
    e.user_name = row.text(4);
    e.kind = row.text(5);
    e.from_value = row.text(6);
    e.to_value = row.text(7);
    e.reason = row.text(8);
    e.from_label = e.kind == "transfer" ? row.text(9) : e.from_value;
    e.to_label = e.kind == "transfer" ? row.text(10) : e.to_value;
    out.push_back(std::move(e));
  }
  return out;
}

// --- Interactions ---------------------------------------------------------------------------------

// The rules decide everything: the due date, the last reached day, the failed
// streak, and the first day is_unreachable() holds — it can only change on the
// day of an attempt of the current failed streak or when twice the cadence has
// passed, so those days are probed.
FollowUp follow_up_of(Date entry, int cadence, std::span<const InteractionAttempt> logged, Date today) {
  std::vector<InteractionAttempt> attempts(logged.begin(), logged.end());
  std::ranges::stable_sort(attempts, [](const auto& a, const auto& b) { return a.at < b.at; });
  for (const auto& a : attempts) today = std::max(today, paris_date(a.at));  // nothing logged is ignored
  const DueInfo info = due_status(entry, cadence, attempts, today);
  FollowUp f{info.last_reached, info.failed_streak, next_due_date(entry, cadence, attempts), std::nullopt};
  if (f.failed_streak > 0 && static_cast<std::size_t>(f.failed_streak) <= attempts.size()) {
    std::vector<Date> days;
    for (std::size_t i = attempts.size() - f.failed_streak; i < attempts.size(); ++i)
      days.push_back(paris_date(attempts[i].at));
    std::ranges::sort(days);
    const Date by_time = add_days(f.last_reached.value_or(entry), 2 * static_cast<std::int64_t>(cadence));
    if (by_time > days.front()) days.push_back(by_time);
    std::ranges::sort(days);
    for (const Date& d : days)
      if (is_unreachable(entry, cadence, attempts, d)) {
        f.unreachable_on = d;
        break;
      }
  }
  return f;
}

void refresh_follow_up(db::Connection& db, std::int64_t participant_id) {
  const auto attempts = attempts_of(db, participant_id);
  auto enrolments = db.query(
      "SELECT e.id, e.entry_date, pr.cadence_days, e.last_reached_on, e.failed_streak, e.next_due_on, "
      "e.unreachable_on FROM enrolments e JOIN programmes pr ON pr.id = e.programme_id "
      "WHERE e.participant_id = ? AND e.status <> 'exited'",
      {participant_id});
  for (auto& row : enrolments.rows) {
    const FollowUp f = follow_up(date_or(row.text(1), Date{}), static_cast<int>(row.integer(2)), attempts);
    // A row left as it was is not written again (a second call the same day,
    // say): fewer pages in the write-ahead log, no index entry moved.
    const auto text_or_empty = [&](int c) { return row.is_null(c) ? std::string() : row.text(c); };
    if (text_or_empty(3) == (f.last_reached ? format_date(*f.last_reached) : "") &&
        row.integer(4) == f.failed_streak && text_or_empty(5) == format_date(f.next_due) &&
        text_or_empty(6) == (f.unreachable_on ? format_date(*f.unreachable_on) : ""))
      continue;
    db.query(
        "UPDATE enrolments SET last_reached_on = ?, failed_streak = ?, next_due_on = ?, unreachable_on = ? "
        "WHERE id = ?",
        {date_value(f.last_reached), f.failed_streak, format_date(f.next_due), date_value(f.unreachable_on),
         row.integer(0)});
  }
}

std::expected<std::int64_t, web::Errors> log_interaction(db::Connection& db, std::int64_t participant_id,
                                                         const InteractionInput& in, std::int64_t author_id) {
  const auto now = auth::now_utc();
  auto errors = validate_interaction(in, parse_datetime(now).value_or(DateTime{}));
  if (!errors.empty()) return std::unexpected(std::move(errors));
  // Locks the participant's row (PostgreSQL) so that two interactions logged at
  // once are both counted by the last recomputation; SQLite's write lock
  // already serialises them (a read is enough there). Tells an unknown participant too.
  const bool exists =
      db.engine() == db::Engine::postgres
          ? db.query("UPDATE participants SET updated_at = updated_at WHERE id = ?", {participant_id}).affected > 0
          : !db.query("SELECT 1 FROM participants WHERE id = ?", {participant_id}).empty();
  if (!exists) return std::unexpected(one_error("participant_id", "Cette personne n'existe pas."));
  const std::string level = text::trim(in.level);
  auto r = db.query(
      "INSERT INTO interactions (participant_id, at, channel, outcome, level, notes, author_id, created_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {participant_id, format_datetime(*parse_datetime(text::trim(in.at))), text::trim(in.channel),
       text::trim(in.outcome), level == "2" ? 2 : 1, text::trim(in.notes), author_id, now});
  const auto id = r.rows.at(0).integer(0);
  refresh_follow_up(db, participant_id);
  return id;
}

namespace {
constexpr const char* kInteractionsOf =
    "SELECT i.id, i.participant_id, i.author_id, i.at, i.channel, i.outcome, i.topics, i.notes, u.display_name, "
    "i.created_at, i.level FROM interactions i LEFT JOIN users u ON u.id = i.author_id "
    "WHERE i.participant_id = ? ORDER BY i.at DESC, i.id DESC LIMIT ?";

std::vector<Interaction> read_interactions(const db::Result& r) {
  std::vector<Interaction> out;
  out.reserve(r.rows.size());
  for (auto& row : r.rows) {
    Interaction i;
    i.id = row.integer(0);
    i.participant_id = row.integer(1);
    i.author_id = row.integer(2);
    i.at = row.text(3);
    if (auto t = parse_datetime(i.at)) i.on = format_date(paris_date(*t));
    i.channel = row.text(4);
    i.outcome = row.text(5);
    i.topics = row.text(6);
    i.notes = row.text(7);
    i.author_name = row.text(8);
    i.created_at = row.text(9);
    i.level = static_cast<int>(row.integer(10));
    out.push_back(std::move(i));
  }
  return out;
}
}  // namespace

std::vector<Interaction> interactions_of(db::Connection& db, std::int64_t participant_id, int limit) {
  return read_interactions(db.query(kInteractionsOf, {participant_id, limit}));
}

// --- Due list ----------------------------------------------------------------------------------------

std::vector<DueRow> due_list(db::Connection& db, std::int64_t referent_id, Date today) {
  // Everything listed has next_due_on <= today (overdue, due today, never
  // contacted, unreachable for lack of a reached contact) except a person
  // reached lately who then missed 3 calls: unreachable_on catches those.
  const std::string day = format_date(today);
  auto r = db.query(
      "SELECT e.id, e.participant_id, e.programme_id, p.first_name, p.last_name, p.phone, pr.name, e.entry_date, "
      "e.last_reached_on, e.failed_streak, e.next_due_on, e.unreachable_on, p.sort_name "
      "FROM enrolments e JOIN participants p ON p.id = e.participant_id JOIN programmes pr ON pr.id = e.programme_id "
      "WHERE e.referent_id = ? AND e.status = 'active' AND e.entry_date <= ? "
      "AND (e.next_due_on <= ? OR e.unreachable_on <= ?)",
      {referent_id, day, day, day});
  std::vector<std::pair<std::string, DueRow>> rows;
  for (auto& row : r.rows) {
    DueRow d;
    d.enrolment_id = row.integer(0);
    d.participant_id = row.integer(1);
    d.programme_id = row.integer(2);
    d.first_name = row.text(3);
    d.last_name = row.text(4);
    d.phone = row.text(5);
    d.programme_name = row.text(6);
    d.due = due_from_columns(date_or(row.text(7), today), row.text(8), static_cast<int>(row.integer(9)), row.text(10),
                             row.text(11), today);
    if (d.due.status == DueStatus::ok) continue;
    rows.emplace_back(row.text(12), std::move(d));
  }
  std::ranges::sort(rows, [](const auto& a, const auto& b) {
    if (due_before(a.second.due, b.second.due)) return true;
    if (due_before(b.second.due, a.second.due)) return false;
    if (a.first != b.first) return a.first < b.first;
    return a.second.enrolment_id < b.second.enrolment_id;
  });
  std::vector<DueRow> out;
  out.reserve(rows.size());
  for (auto& [key, d] : rows) out.push_back(std::move(d));
  return out;
}

// --- Supervisor --------------------------------------------------------------------------------------

std::vector<ReferentRef> referents_in_scope(db::Connection& db, const Scope& scope) {
  db::Params params;
  std::string ancestors;
  for (auto& root : scope)
    for (auto id : network::path_ids(root)) {
      ancestors += ancestors.empty() ? "?" : ", ?";
      params.emplace_back(id);
    }
  if (ancestors.empty()) return {};
  // Driven by the organisations (the scope's subtrees and their ancestors), then
  // their referents through user_roles_organisation (migration 0009).
  auto sql =
      "SELECT DISTINCT u.id, u.display_name FROM user_roles ur JOIN users u ON u.id = ur.user_id "
      "WHERE ur.role = 'referent' AND u.disabled = 0 AND ur.organisation_id IN (SELECT o.id FROM organisations o "
      "WHERE o.id IN (" + ancestors + ") OR " + scope_sql(scope, params) + ") ORDER BY u.display_name, u.id";
  std::vector<ReferentRef> out;
  for (auto& row : db.query(sql, params).rows) out.push_back({row.integer(0), row.text(1)});
  return out;
}

std::vector<Workload> referent_workload(db::Connection& db, const Scope& scope, Date today) {
  const std::string day = format_date(today);
  const std::string monday = format_date(add_days(today, -(iso_weekday(today) - 1)));
  std::map<std::int64_t, Workload> by_referent;

  // Referents of the organisations in scope, even with nobody to follow yet.
  {
    db::Params params;
    auto sql =
        "SELECT DISTINCT u.id, u.display_name FROM user_roles ur JOIN users u ON u.id = ur.user_id "
        "JOIN organisations o ON o.id = ur.organisation_id WHERE ur.role = 'referent' AND u.disabled = 0 AND " +
        scope_sql(scope, params);
    for (auto& row : db.query(sql, params).rows) {
      auto& w = by_referent[row.integer(0)];
      w.referent_id = row.integer(0);
      w.name = row.text(1);
    }
  }
  // One aggregate over the current enrolments of the people in scope. The
  // statuses follow due_from_columns(): unreachable first, then never contacted.
  {
    // live: an active enrolment already started; unreachable / reachable by unreachable_on.
    const std::string live = "e.status = 'active' AND e.entry_date <= ?";
    const std::string unreachable = "e.unreachable_on <= ?";
    const std::string reachable = "(e.unreachable_on IS NULL OR e.unreachable_on > ?)";
    db::Params params{
        day, day, day,          // due: live, next_due_on, unreachable
        day, day, day,          // overdue: live, reachable, next_due_on
        day, day,               // unreachable: live, unreachable
        monday, day,            // reached this week
    };
    auto sql = fmt::format(
        "SELECT e.referent_id, u.display_name, COUNT(DISTINCT e.participant_id), "
        "COUNT(DISTINCT CASE WHEN {0} AND (e.next_due_on <= ? OR {1}) THEN e.participant_id END), "
        "COUNT(DISTINCT CASE WHEN {0} AND {2} AND (e.last_reached_on IS NOT NULL OR e.failed_streak > 0) "
        "AND e.next_due_on < ? THEN e.participant_id END), "
        "COUNT(DISTINCT CASE WHEN {0} AND {1} THEN e.participant_id END), "
        "COUNT(DISTINCT CASE WHEN e.last_reached_on >= ? AND e.last_reached_on <= ? THEN e.participant_id END) "
        "FROM enrolments e JOIN participants p ON p.id = e.participant_id "
        "JOIN organisations o ON o.id = p.organisation_id JOIN users u ON u.id = e.referent_id "
        "WHERE e.status <> 'exited' AND ",
        live, unreachable, reachable);
    sql += scope_sql(scope, params) + " GROUP BY e.referent_id, u.display_name";
    for (auto& row : db.query(sql, params).rows) {
      auto& w = by_referent[row.integer(0)];
      w.referent_id = row.integer(0);
      w.name = row.text(1);
      w.followed = row.integer(2);
      w.due = row.integer(3);
      w.overdue = row.integer(4);
      w.unreachable = row.integer(5);
      w.reached_this_week = row.integer(6);
    }
  }
  if (by_referent.empty()) return {};
  {
    db::Params params;
    std::vector<std::int64_t> ids;
    for (auto& [id, w] : by_referent) ids.push_back(id);
    auto sql = "SELECT referent_id, MAX(on_date) FROM daily_checkins WHERE referent_id IN (" + in_list(ids, params) +
               ") AND on_date <= ? GROUP BY referent_id";
    params.emplace_back(day);
    for (auto& row : db.query(sql, params).rows) by_referent[row.integer(0)].last_checkin = row.text(1);
  }
  std::vector<Workload> out;
  for (auto& [id, w] : by_referent) out.push_back(std::move(w));
  std::ranges::sort(out, [](const Workload& a, const Workload& b) {
    auto ka = text::fold(a.name), kb = text::fold(b.name);
    return ka != kb ? ka < kb : a.referent_id < b.referent_id;
  });
  return out;
}

std::expected<std::int64_t, web::Errors> log_checkin(db::Connection& db, std::int64_t supervisor_id,
                                                     std::int64_t referent_id, std::string_view date,
                                                     std::string_view notes) {
  Form form;
  auto on = form.date("on_date", date, "Indiquez la date de l'échange.", paris_today(),
                      "Un point quotidien ne peut pas être daté dans le futur.");
  auto n = form.text("notes", notes, kMaxNotesLength);
  if (!exists(db, "SELECT 1 FROM users WHERE id = ? AND disabled = 0", referent_id))
    form.add("referent_id", "Ce·tte référent·e n'existe pas.");
  if (!form.errors.empty()) return std::unexpected(std::move(form.errors));
  return db.query(
               "INSERT INTO daily_checkins (supervisor_id, referent_id, on_date, notes, created_at) VALUES (?, ?, ?, ?, ?) "
               "RETURNING id",
               {supervisor_id, referent_id, format_date(*on), *n, auth::now_utc()})
      .rows.at(0)
      .integer(0);
}

// --- Difficulties ------------------------------------------------------------------------------------

std::expected<std::int64_t, web::Errors> add_difficulty(db::Connection& db, std::int64_t participant_id,
                                                        const DifficultyInput& in, std::optional<std::int64_t> user_id) {
  Form form;
  const DifficultyKind* kind = form.code("kind", in.kind, kDifficultyKinds, "Indiquez la difficulté.",
                                         "Choisissez une difficulté dans la liste.");
  const std::string sub_kind = text::trim(in.sub_kind);
  if (kind && !difficulty_subkind_fits(kind->code, sub_kind))
    form.add("sub_kind", "Choisissez une précision qui correspond à cette difficulté.");
  auto partner = form.id("partner_organisation_id", in.partner_organisation_id,
                         "Choisissez le partenaire dans la liste.");
  if (partner && !exists(db, "SELECT 1 FROM organisations WHERE id = ?", *partner))
    form.add("partner_organisation_id", "Choisissez le partenaire dans la liste.");
  auto on = form.date("identified_on", in.identified_on, "Indiquez la date à laquelle la difficulté a été repérée.",
                      paris_today());
  auto notes = form.text("notes", in.notes, kMaxNotesLength);
  if (!exists(db, "SELECT 1 FROM participants WHERE id = ?", participant_id))
    form.add("participant_id", "Cette personne n'existe pas.");
  if (!form.errors.empty()) return std::unexpected(std::move(form.errors));

  const std::string status = partner ? "oriented" : "identified";
  const auto now = auth::now_utc();
  auto id = db.query(
                  "INSERT INTO difficulties (participant_id, kind, sub_kind, sensitive, status, partner_organisation_id, "
                  "identified_on, notes, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                  {participant_id, std::string(kind->code), sub_kind, is_sensitive_difficulty(kind->code) ? 1 : 0,
                   status, partner, format_date(*on), *notes, now})
                .rows.at(0)
                .integer(0);
  db.query(
      "INSERT INTO difficulty_events (difficulty_id, at, user_id, from_status, to_status, partner_organisation_id, "
      "reason) VALUES (?, ?, ?, '', ?, ?, '')",
      {id, now, user_id, status, partner});
  return id;
}

std::expected<std::string, web::Errors> change_difficulty_status(db::Connection& db, std::int64_t difficulty_id,
                                                                 std::string_view transition,
                                                                 std::string_view partner_organisation_id,
                                                                 std::optional<std::int64_t> user_id,
                                                                 std::string_view reason) {
  Form form;
  check_reason(form, reason);
  auto r = db.query("SELECT status FROM difficulties WHERE id = ?", {difficulty_id});
  if (r.empty()) return std::unexpected(one_error("difficulty_id", "Cette difficulté n'existe pas."));
  const std::string from = r.rows[0].text(0);
  auto to = difficulty_transition(from, transition, partner_organisation_id);
  if (!to) return std::unexpected(std::move(to.error()));
  std::optional<std::int64_t> partner;
  if (transition == "orient") {
    partner = form.id("partner_organisation_id", partner_organisation_id, "Choisissez le partenaire dans la liste.");
    if (partner && !exists(db, "SELECT 1 FROM organisations WHERE id = ?", *partner))
      form.add("partner_organisation_id", "Choisissez le partenaire dans la liste.");
  }
  if (!form.errors.empty()) return std::unexpected(std::move(form.errors));

  const std::string status(*to);
  const auto now = auth::now_utc();
  auto updated = partner ? db.query(
                               "UPDATE difficulties SET status = ?, partner_organisation_id = ?, updated_at = ? "
                               "WHERE id = ? AND status = ?",
                               {status, *partner, now, difficulty_id, from})
                         : db.query("UPDATE difficulties SET status = ?, updated_at = ? WHERE id = ? AND status = ?",
                                    {status, now, difficulty_id, from});
  if (updated.affected == 0)
    return std::unexpected(
        one_error("status", "La difficulté vient d'être modifiée par quelqu'un d'autre : rechargez la page."));
  db.query(
      "INSERT INTO difficulty_events (difficulty_id, at, user_id, from_status, to_status, partner_organisation_id, "
      "reason) VALUES (?, ?, ?, ?, ?, ?, ?)",
      {difficulty_id, now, user_id, from, status, partner, text::trim(reason)});
  return status;
}

namespace {
std::string difficulties_of_sql(bool include_sensitive) {
  return std::string(kDifficultySelect) + " WHERE d.participant_id = ?" +
         (include_sensitive ? "" : " AND d.sensitive = 0") + " ORDER BY d.identified_on DESC, d.id DESC";
}
}  // namespace

std::vector<Difficulty> difficulties_of(db::Connection& db, std::int64_t participant_id, bool include_sensitive) {
  std::vector<Difficulty> out;
  for (auto& row : db.query(difficulties_of_sql(include_sensitive), {participant_id}).rows)
    out.push_back(read_difficulty(row));
  return out;
}

std::optional<Difficulty> get_difficulty(db::Connection& db, std::int64_t difficulty_id, bool include_sensitive) {
  auto sql = std::string(kDifficultySelect) + " WHERE d.id = ?" + (include_sensitive ? "" : " AND d.sensitive = 0");
  auto r = db.query(sql, {difficulty_id});
  if (r.empty()) return std::nullopt;
  return read_difficulty(r.rows[0]);
}

std::optional<DifficultyOwner> difficulty_owner(db::Connection& db, std::int64_t difficulty_id) {
  auto r = db.query("SELECT participant_id, sensitive FROM difficulties WHERE id = ?", {difficulty_id});
  if (r.empty()) return std::nullopt;
  return DifficultyOwner{r.rows[0].integer(0), r.rows[0].integer(1) != 0};
}

std::vector<DifficultyEvent> difficulty_history(db::Connection& db, std::int64_t difficulty_id, bool include_sensitive) {
  std::vector<DifficultyEvent> out;
  auto sql = std::string(
                 "SELECT de.id, de.difficulty_id, de.user_id, de.partner_organisation_id, de.at, u.display_name, "
                 "de.from_status, de.to_status, po.name, de.reason FROM difficulty_events de "
                 "JOIN difficulties d ON d.id = de.difficulty_id LEFT JOIN users u ON u.id = de.user_id "
                 "LEFT JOIN organisations po ON po.id = de.partner_organisation_id WHERE de.difficulty_id = ?") +
             (include_sensitive ? "" : " AND d.sensitive = 0") + " ORDER BY de.id";
  for (auto& row : db.query(sql, {difficulty_id}).rows) {
    DifficultyEvent e;
    e.id = row.integer(0);
    e.difficulty_id = row.integer(1);
    e.user_id = row.opt_integer(2);
    e.partner_organisation_id = row.opt_integer(3);
    e.at = row.text(4);
    e.user_name = row.text(5);
    e.from_status = row.text(6);
    e.to_status = row.text(7);
    e.partner_name = row.text(8);
    e.reason = row.text(9);
    out.push_back(std::move(e));
  }
  return out;
}

// --- Digital autonomy ---------------------------------------------------------------------------------

namespace {
constexpr const char* kAssessmentSelect =
    "SELECT a.id, a.participant_id, a.author_id, a.assessed_on, a.equipment, a.connection, a.email, "
    "a.online_procedures, a.reading_writing, u.display_name, a.created_at FROM digital_assessments a "
    "LEFT JOIN users u ON u.id = a.author_id";

Assessment read_assessment(const db::Row& r) {
  Assessment a;
  a.id = r.integer(0);
  a.participant_id = r.integer(1);
  a.author_id = r.opt_integer(2);
  a.assessed_on = r.text(3);
  a.equipment = r.text(4);
  a.connection = r.text(5);
  a.email = r.text(6);
  a.online_procedures = r.text(7);
  a.reading_writing = r.text(8);
  a.author_name = r.text(9);
  a.created_at = r.text(10);
  return a;
}
}  // namespace

std::expected<std::int64_t, web::Errors> add_assessment(db::Connection& db, std::int64_t participant_id,
                                                        const AssessmentInput& in, std::optional<std::int64_t> author_id) {
  Form form;
  auto on = form.date("assessed_on", in.assessed_on, "Indiquez la date de l'évaluation.", paris_today());
  const char* missing = "Répondez à cette question.";
  const char* unknown = "Choisissez une réponse dans la liste.";
  auto answer = [&](const char* field, const std::string& value) {
    const Label* l = form.code(field, value, kDigitalAnswers, missing, unknown);
    return l ? std::string(l->code) : std::string();
  };
  const std::string equipment = answer("equipment", in.equipment), connection = answer("connection", in.connection),
                    email = answer("email", in.email), procedures = answer("online_procedures", in.online_procedures),
                    reading = answer("reading_writing", in.reading_writing);
  if (!exists(db, "SELECT 1 FROM participants WHERE id = ?", participant_id))
    form.add("participant_id", "Cette personne n'existe pas.");
  if (!form.errors.empty()) return std::unexpected(std::move(form.errors));
  return db.query(
               "INSERT INTO digital_assessments (participant_id, assessed_on, equipment, connection, email, "
               "online_procedures, reading_writing, author_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
               "RETURNING id",
               {participant_id, format_date(*on), equipment, connection, email, procedures, reading, author_id,
                auth::now_utc()})
      .rows.at(0)
      .integer(0);
}

std::optional<Assessment> latest_assessment(db::Connection& db, std::int64_t participant_id) {
  auto r = db.query(std::string(kAssessmentSelect) +
                        " WHERE a.participant_id = ? ORDER BY a.assessed_on DESC, a.id DESC LIMIT 1",
                    {participant_id});
  if (r.empty()) return std::nullopt;
  return read_assessment(r.rows[0]);
}

namespace {
std::string assessments_of_sql() {
  return std::string(kAssessmentSelect) + " WHERE a.participant_id = ? ORDER BY a.assessed_on DESC, a.id DESC";
}
}  // namespace

std::vector<Assessment> assessments_of(db::Connection& db, std::int64_t participant_id) {
  std::vector<Assessment> out;
  for (auto& row : db.query(assessments_of_sql(), {participant_id}).rows) out.push_back(read_assessment(row));
  return out;
}

// --- Resources sent ----------------------------------------------------------------------------------

std::expected<std::int64_t, web::Errors> add_resource(db::Connection& db, std::int64_t participant_id,
                                                      const ResourceInput& in, std::optional<std::int64_t> author_id) {
  Form form;
  auto on = form.date("sent_on", in.sent_on, "Indiquez la date d'envoi.", paris_today());
  auto title = form.text("title", in.title, kShortText, "Indiquez le titre de la ressource.");
  auto link = form.text("link", in.link, 2000);
  if (link && !link->empty() && !link->starts_with("https://") && !link->starts_with("http://")) {
    form.add("link", "Le lien doit commencer par https:// (exemple : https://www.exemple.fr/guide).");
    link.reset();
  }
  const Label* channel = form.code("channel", in.channel, kInteractionChannels, "Indiquez le canal d'envoi.",
                                   "Choisissez un canal dans la liste.");
  if (!exists(db, "SELECT 1 FROM participants WHERE id = ?", participant_id))
    form.add("participant_id", "Cette personne n'existe pas.");
  if (!form.errors.empty()) return std::unexpected(std::move(form.errors));
  return db.query(
               "INSERT INTO resources_sent (participant_id, sent_on, title, link, channel, author_id, created_at) "
               "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
               {participant_id, format_date(*on), *title, *link, std::string(channel->code), author_id, auth::now_utc()})
      .rows.at(0)
      .integer(0);
}

namespace {
constexpr const char* kResourcesOf =
    "SELECT r.id, r.participant_id, r.author_id, r.sent_on, r.title, r.link, r.channel, u.display_name, "
    "r.created_at FROM resources_sent r LEFT JOIN users u ON u.id = r.author_id WHERE r.participant_id = ? "
    "ORDER BY r.sent_on DESC, r.id DESC";

std::vector<ResourceSent> read_resources(const db::Result& r) {
  std::vector<ResourceSent> out;
  for (auto& row : r.rows)
    out.push_back({row.integer(0), row.integer(1), row.opt_integer(2), row.text(3), row.text(4), row.text(5),
                   row.text(6), row.text(7), row.text(8)});
  return out;
}
}  // namespace

std::vector<ResourceSent> resources_of(db::Connection& db, std::int64_t participant_id) {
  return read_resources(db.query(kResourcesOf, {participant_id}));
}

// --- Steps ------------------------------------------------------------------------------------------------

// The dates of a pathway, to check that what is recorded on it happens between
// its entry and its exit; an error on `field` otherwise (none when it does not exist).
void check_within_pathway(db::Connection& db, Form& form, std::int64_t enrolment_id, const char* field,
                          const std::optional<Date>& day, const char* what, const char* what_lower) {
  auto r = db.query("SELECT entry_date, exit_date FROM enrolments WHERE id = ?", {enrolment_id});
  if (r.empty()) {
    form.add("enrolment_id", "Ce parcours n'existe pas.");
    return;
  }
  if (!day) return;
  const auto entry = r.rows[0].text(0), exit = r.rows[0].text(1);
  auto french = [](const std::string& iso) { return iso.substr(8, 2) + "/" + iso.substr(5, 2) + "/" + iso.substr(0, 4); };
  if (format_date(*day) < entry)
    form.add(field, fmt::format("{} ne peut pas commencer avant l'entrée dans le parcours (le {}).", what,
                                french(entry)));
  else if (!exit.empty() && format_date(*day) > exit)
    form.add(field, fmt::format("Le parcours est clos depuis le {} : {} ne peut pas commencer après la sortie.",
                                french(exit), what_lower));
}

std::expected<std::int64_t, web::Errors> add_step(db::Connection& db, std::int64_t enrolment_id, const StepInput& in) {
  Form form;
  const Label* kind =
      form.code("kind", in.kind, kStepKinds, "Indiquez le type d'étape.", "Choisissez un type d'étape dans la liste.");
  auto start = form.date("start_date", in.start_date, "Indiquez la date de début de l'étape.");
  auto end = form.date("end_date", in.end_date, nullptr);
  if (start && end && *end < *start)
    form.add("end_date", "La date de fin ne peut pas précéder la date de début.");
  auto place = form.text("place", in.place);
  auto notes = form.text("notes", in.notes, kMaxNotesLength);
  check_within_pathway(db, form, enrolment_id, "start_date", start, "L'étape", "l'étape");
  if (!form.errors.empty()) return std::unexpected(std::move(form.errors));
  return db.query(
               "INSERT INTO steps (enrolment_id, kind, start_date, end_date, place, notes, created_at) "
               "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
               {enrolment_id, std::string(kind->code), format_date(*start), date_value(end), *place, *notes,
                auth::now_utc()})
      .rows.at(0)
      .integer(0);
}

namespace {
constexpr const char* kStepsOf =
    "SELECT s.id, s.enrolment_id, pr.name, s.kind, s.start_date, s.end_date, s.place, s.notes, s.created_at "
    "FROM steps s JOIN enrolments e ON e.id = s.enrolment_id JOIN programmes pr ON pr.id = e.programme_id "
    "WHERE e.participant_id = ? ORDER BY s.start_date DESC, s.id DESC";

std::vector<Step> read_steps(const db::Result& r) {
  std::vector<Step> out;
  for (auto& row : r.rows)
    out.push_back({row.integer(0), row.integer(1), row.text(2), row.text(3), row.text(4), row.text(5), row.text(6),
                   row.text(7), row.text(8)});
  return out;
}
}  // namespace

std::vector<Step> steps_of(db::Connection& db, std::int64_t participant_id) {
  return read_steps(db.query(kStepsOf, {participant_id}));
}

// --- PASS IAE -------------------------------------------------------------------------------------------------

std::expected<std::int64_t, web::Errors> create_pass(db::Connection& db, std::int64_t enrolment_id,
                                                     std::string_view number, std::string_view start_date) {
  Form form;
  std::string n;
  for (char c : text::trim(number))
    if (c != ' ') n += static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  if (n.empty())
    form.add("number", "Indiquez le numéro du PASS IAE.");
  else if (n.size() != 12 || !std::ranges::all_of(n, [](char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'); }))
    form.add("number", "Le numéro de PASS IAE compte 12 caractères, chiffres ou lettres (exemple : 999990000001).");
  else if (!db.query("SELECT 1 FROM pass_iae WHERE number = ?", {n}).empty())
    form.add("number", "Ce numéro de PASS IAE est déjà enregistré.");
  auto start = form.date("start_date", start_date, "Indiquez la date de début du PASS IAE.");
  check_within_pathway(db, form, enrolment_id, "start_date", start, "Le PASS IAE", "le PASS IAE");
  if (!form.errors.empty()) return std::unexpected(std::move(form.errors));
  const Pass pass = new_pass(*start);
  return db.query(
               "INSERT INTO pass_iae (enrolment_id, number, start_date, end_date, created_at) VALUES (?, ?, ?, ?, ?) "
               "RETURNING id",
               {enrolment_id, n, format_date(pass.start), format_date(pass_end(pass)), auth::now_utc()})
      .rows.at(0)
      .integer(0);
}

std::optional<PassRecord> load_pass(db::Connection& db, std::int64_t pass_id) {
  auto passes = load_passes(db, "pi.id = ?", {pass_id});
  if (passes.empty()) return std::nullopt;
  return std::move(passes[0]);
}

std::vector<PassRecord> passes_of(db::Connection& db, std::int64_t participant_id) {
  return load_passes(db, "e.participant_id = ?", {participant_id});
}

std::expected<std::int64_t, web::Errors> add_pass_period(db::Connection& db, std::int64_t pass_id,
                                                         const PassPeriodInput& in, std::optional<std::int64_t> author_id) {
  auto rec = load_pass(db, pass_id);
  if (!rec) return std::unexpected(one_error("pass_id", "Ce PASS IAE n'existe pas."));
  Form form;
  const std::string kind = text::trim(in.kind);
  if (kind != "suspension" && kind != "prolongation")
    form.add("kind", "Choisissez une suspension ou une prolongation.");
  auto start = form.date("start", in.start_date, "Indiquez la date de début.");
  auto end = form.date("end", in.end_date, "Indiquez la date de fin.");
  if (!form.errors.empty()) return std::unexpected(std::move(form.errors));
  PassPeriod period{*start, *end, text::trim(in.reason)};
  auto errors = kind == "suspension" ? check_suspension(rec->pass, period, rec->organisation_kind)
                                     : check_prolongation(rec->pass, period, rec->organisation_kind);
  if (!errors.empty()) return std::unexpected(std::move(errors));
  auto id = db.query(
                  "INSERT INTO pass_iae_periods (pass_id, kind, reason, start_date, end_date, author_id, created_at) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                  {pass_id, kind, period.reason, format_date(period.start), format_date(period.end), author_id,
                   auth::now_utc()})
                .rows.at(0)
                .integer(0);
  (kind == "suspension" ? rec->pass.suspensions : rec->pass.prolongations).push_back(period);
  db.query("UPDATE pass_iae SET end_date = ? WHERE id = ?", {format_date(pass_end(rec->pass)), pass_id});
  return id;
}

// --- Timeline ---------------------------------------------------------------------------------------------------

namespace {

// The timeline from the lists the file already read, plus the history rows of
// difficulties and enrolments (two queries).
// History rows of the difficulties (column 8: the difficulty is sensitive) and of the enrolments.
constexpr const char* kDifficultyHistory =
    "SELECT de.id, de.at, d.kind, de.to_status, de.reason, u.display_name, de.from_status, "
    "d.identified_on, d.sensitive FROM difficulty_events de JOIN difficulties d ON d.id = de.difficulty_id "
    "LEFT JOIN users u ON u.id = de.user_id WHERE d.participant_id = ?";
constexpr const char* kEnrolmentHistory =
    "SELECT ee.id, ee.at, ee.kind, ee.to_value, ee.reason, u.display_name, ee.from_value, e.entry_date, "
    "e.exit_date FROM enrolment_events ee JOIN enrolments e ON e.id = ee.enrolment_id "
    "LEFT JOIN users u ON u.id = ee.user_id WHERE e.participant_id = ?";

std::vector<TimelineItem> build_timeline(const std::vector<Interaction>& interactions, const std::vector<Step>& steps,
                                         const db::Result& difficulty_history,
                                         const std::vector<Assessment>& assessments,
                                         const std::vector<ResourceSent>& resources,
                                         const db::Result& enrolment_history, const std::vector<PassRecord>& passes,
                                         bool include_sensitive) {
  std::vector<TimelineItem> out;
  out.reserve(interactions.size() + steps.size() + assessments.size() + resources.size() + passes.size() + 8);
  auto instant_day = [](const std::string& at) {
    auto t = parse_datetime(at);
    return t ? format_date(paris_date(*t)) : at.substr(0, 10);
  };
  for (auto& i : interactions)
    out.push_back({"interaction", i.id, i.on, i.at, i.outcome, i.channel, i.notes, i.author_name});
  for (auto& s : steps)
    out.push_back({"step", s.id, s.start_date, "", s.kind, s.end_date, s.place, ""});
  {
    // The first row of a difficulty is dated by the day it was identified.
    for (auto& row : difficulty_history.rows)
      if (include_sensitive || row.integer(8) == 0)
        out.push_back({"difficulty", row.integer(0), row.text(6).empty() ? row.text(7) : instant_day(row.text(1)),
                       row.text(1), row.text(2), row.text(3), row.text(4), row.text(5)});
  }
  for (auto& a : assessments)
    out.push_back({"assessment", a.id, a.assessed_on, "", a.email, "", "", a.author_name});
  for (auto& r : resources)
    out.push_back({"resource", r.id, r.sent_on, "", r.channel, r.link, r.title, r.author_name});
  {
    // Entry and exit rows are dated by the pathway's entry and exit dates.
    for (auto& row : enrolment_history.rows) {
      const bool entry = row.text(2) == "status" && row.text(6).empty();
      const bool exit = row.text(2) == "status" && row.text(3) == "exited" && !row.text(8).empty();
      const std::string on = entry ? row.text(7) : exit ? row.text(8) : instant_day(row.text(1));
      out.push_back({"enrolment", row.integer(0), on, row.text(1), row.text(2), row.text(3), row.text(4), row.text(5)});
    }
  }
  for (auto& p : passes) {
    out.push_back({"pass", p.id, format_date(p.pass.start), "", "issued", p.end_date, p.number, ""});
    for (auto& period : p.periods)
      out.push_back({"pass_period", period.id, format_date(period.period.start), "", period.kind,
                     format_date(period.period.end), period.period.reason, ""});
  }
  std::ranges::sort(out, [](const TimelineItem& a, const TimelineItem& b) {
    if (a.on != b.on) return a.on > b.on;
    if (a.at != b.at) return a.at > b.at;
    if (a.kind != b.kind) return a.kind < b.kind;
    return a.id > b.id;
  });
  return out;
}

}  // namespace

std::vector<TimelineItem> timeline(db::Connection& db, std::int64_t participant_id, bool include_sensitive) {
  return participant_file(db, participant_id, include_sensitive).timeline;
}

// Eight independent queries sent together (one round trip on PostgreSQL), then
// the periods of the PASS IAE when there are some.
std::vector<db::OwnedStatement> participant_file_reads(std::int64_t participant_id) {
  const db::Value id(participant_id);
  return {{difficulties_of_sql(true), {id}},
          {assessments_of_sql(), {id}},
          {kResourcesOf, {id}},
          {kStepsOf, {id}},
          {passes_sql("e.participant_id = ?"), {id}},
          {kInteractionsOf, {id, 1000}},
          {kDifficultyHistory, {id}},
          {kEnrolmentHistory, {id}}};
}

ParticipantFile participant_file_from(db::Connection& db, std::span<db::Result> r, bool include_sensitive) {
  ParticipantFile f;
  for (auto& row : r[0].rows)
    if (include_sensitive || row.integer(4) == 0) f.difficulties.push_back(read_difficulty(row));
  for (auto& row : r[1].rows) f.assessments.push_back(read_assessment(row));
  f.resources = read_resources(r[2]);
  f.steps = read_steps(r[3]);
  f.passes = passes_with_periods(db, r[4]);
  f.timeline = build_timeline(read_interactions(r[5]), f.steps, r[6], f.assessments, f.resources, r[7], f.passes,
                              include_sensitive);
  return f;
}

ParticipantFile participant_file(db::Connection& db, std::int64_t participant_id, bool include_sensitive) {
  auto r = db::query_all_owned(db, participant_file_reads(participant_id));
  return participant_file_from(db, r, include_sensitive);
}

// --- Dashboard --------------------------------------------------------------------------------------------------

namespace {

// "WITH f AS (…" without its GROUP BY: one row per enrolment of the scope that
// overlaps the period, grouped per person by the caller (pid, followed on `to`,
// entries, exits, positive exits, unreachable on `to`).
std::string people_of_period(db::Connection& db, const Scope& scope, const DashboardFilter& f, bool whole,
                             const ScopeOrganisations& orgs, db::Params& params) {
  const std::string from = format_date(f.from), to = format_date(f.to);
  const std::string followed = "e.entry_date <= ? AND (e.exit_date IS NULL OR e.exit_date > ?)";
  // Placeholders in order: followed (to, to), from, to, to, positive codes, followed (to, to), to, base…, to, from.
  params.insert(params.end(), {db::Value(to), db::Value(to), db::Value(from), db::Value(to), db::Value(to)});
  const auto positive = in_list(positive_exit_codes(), params);
  params.insert(params.end(), {db::Value(to), db::Value(to), db::Value(to)});
  auto sql = fmt::format(
      "WITH f AS (SELECT e.participant_id AS pid, "
      "MAX(CASE WHEN {0} THEN 1 ELSE 0 END) AS fe, "
      "COUNT(CASE WHEN e.entry_date >= ? THEN 1 END) AS entries, "
      "COUNT(CASE WHEN e.exit_date <= ? THEN 1 END) AS exits, "
      "COUNT(CASE WHEN e.exit_date <= ? AND e.exit_outcome IN ({1}) THEN 1 END) AS positive, "
      "MAX(CASE WHEN {0} AND e.status = 'active' AND e.unreachable_on <= ? THEN 1 ELSE 0 END) AS unreachable",
      followed, positive);
  sql += dashboard_base(db, scope, f, params, whole, &orgs);
  sql += " AND e.entry_date <= ? AND (e.exit_date IS NULL OR e.exit_date >= ?)";
  params.insert(params.end(), {db::Value(to), db::Value(from)});
  return sql;
}

// The eleven sums both SQL paths end with, in this order.
DashboardCounts counts_from(const db::Row& row, std::int64_t& entries, std::int64_t& unreachable) {
  DashboardCounts c;
  c.followed = row.integer(0);
  entries = row.integer(1);
  c.exits = row.integer(2);
  c.positive_exits = row.integer(3);
  unreachable = row.integer(4);
  c.interactions = row.integer(5);
  c.people_contacted = row.integer(6);
  c.people_reached = row.integer(7);
  c.followed_not_reached = row.integer(8);
  c.assessed = row.integer(9);
  c.unable_to_email = row.integer(10);
  return c;
}

// The dashboard's figures that are sums over the people in scope (all but the
// difficulties), for the people whose id is `part` modulo `parts`.
DashboardCounts person_counts(db::Connection& db, const Scope& scope, const DashboardFilter& f, bool whole,
                              const ScopeOrganisations& orgs, int part, int parts, std::int64_t& entries,
                              std::int64_t& unreachable) {
  const std::string to = format_date(f.to);
  const std::string lo = paris_day_start_utc(f.from), hi = paris_day_start_utc(add_days(f.to, 1));
  // One pass over the scope's enrolments that overlap the period, one row per
  // person (a person may have several enrolments in scope), then, per person, index
  // seeks into their interactions of the period and their last digital assessment
  // (covering indexes of migration 0006; MATERIALIZED: each subquery runs once).
  // Driven by the people in scope, the cost grows with the scope, not with the
  // country's interactions.
  db::Params params;
  auto sql = people_of_period(db, scope, f, whole, orgs, params);
  if (parts > 1) {
    // Runs of 64 consecutive ids alternate between the parts: a plain
    // `id % parts` put a whole PLIE in one part when its people's ids share a
    // residue (bench-data deals people out to 20 PLIEs in turn: one half got
    // all 5 000 people, the other none).
    sql += " AND (e.participant_id / 64) % ? = ?";
    params.insert(params.end(), {db::Value(std::int64_t{parts}), db::Value(std::int64_t{part})});
  }
  sql += " GROUP BY e.participant_id), ";
  // One pass over a person's interactions of the period gives both their count
  // and whether one reached them: nr = 2 × count + (1 if reached), NULL without
  // any (one index range per person instead of two).
  sql += "c AS MATERIALIZED (SELECT f.*, (SELECT 2 * COUNT(*) + MAX(CASE WHEN i.outcome IN (";
  sql += in_list(reached_codes(), params);
  sql +=
      ") THEN 1 ELSE 0 END) FROM interactions i WHERE i.participant_id = f.pid AND i.at >= ? AND i.at < ?) AS nr, "
      "CASE WHEN f.fe = 1 THEN (SELECT a.email FROM digital_assessments a "
      "WHERE a.participant_id = f.pid AND a.assessed_on <= ? ORDER BY a.assessed_on DESC, a.id DESC LIMIT 1) "
      "END AS email FROM f) "
      "SELECT COALESCE(SUM(fe), 0), COALESCE(SUM(entries), 0), COALESCE(SUM(exits), 0), "
      "COALESCE(SUM(positive), 0), COALESCE(SUM(unreachable), 0), COALESCE(SUM(nr / 2), 0), "
      "COUNT(CASE WHEN nr > 0 THEN 1 END), COUNT(CASE WHEN nr % 2 = 1 THEN 1 END), "
      "COUNT(CASE WHEN fe = 1 AND COALESCE(nr % 2, 0) = 0 THEN 1 END), COUNT(email), COUNT(CASE WHEN email IN (";
  params.insert(params.end(), {db::Value(lo), db::Value(hi)});
  params.emplace_back(to);
  sql += in_list(unable_email_codes(), params) + ") THEN 1 END) FROM c";
  return counts_from(db.query(sql, params).rows.at(0), entries, unreachable);
}

// The same figures by scanning the period instead of seeking per person: the
// enrolments overlapping the period, the period's interactions (index
// interactions_at), the digital assessments up to its end; combined per person
// in arrays indexed by participant id, the scope applied through each person's
// organisation. For the country: a million index seeks took seconds where a
// month of the country's interactions is one range of an index. The
// interactions are scanned on `helper`'s thread. Rows come one by one
// (scan_integers: SQLite steps the statement, PostgreSQL streams a binary COPY),
// nothing is kept but the arrays. (PostgreSQL's own hash aggregation of the
// month's 4 million interactions and join with a million people took 10 s.)
DashboardCounts person_counts_scan(db::Connection& db, db::Connection* helper, const Scope& scope,
                                          const DashboardFilter& f, bool whole, std::int64_t& entries,
                                          std::int64_t& unreachable) {
  const std::string from = format_date(f.from), to = format_date(f.to);
  const std::string lo = paris_day_start_utc(f.from), hi = paris_day_start_utc(add_days(f.to, 1));
  const std::string followed = "e.entry_date <= ? AND (e.exit_date IS NULL OR e.exit_date > ?)";
  const auto max_id = db.query("SELECT COALESCE(MAX(id), 0) FROM participants").rows.at(0).integer(0);
  const auto n = static_cast<std::size_t>(std::max<std::int64_t>(max_id, 0)) + 1;
  auto index = [n](std::int64_t id) { return id >= 0 && static_cast<std::size_t>(id) < n; };
  // Per person: bit 0 in scope (an enrolment overlapping the period), bit 1 followed
  // on `to`, bit 2 unreachable on `to`; contacts of the period and whether one
  // reached them; last assessment's e-mail answer (0 none, 1 able, 2 unable).
  // With a helper, the period's interactions are read in two halves, the first on
  // the helper's thread, the second here after the enrolments: each half counts
  // into its own arrays (no sharing between threads), added up at the end.
  std::vector<std::uint8_t> person(n), email(n);
  std::vector<std::uint8_t> reached(n), reached2(helper ? n : 0);
  std::vector<std::uint32_t> contacts(n), contacts2(helper ? n : 0);
  std::int64_t exits = 0, positive = 0;
  entries = 0;

  auto interactions_pass = [&](db::Connection& c, const std::string& start, const std::string& end,
                               std::vector<std::uint32_t>& count, std::vector<std::uint8_t>& hit) {
    db::Params params;
    auto sql = "SELECT i.participant_id, CASE WHEN i.outcome IN (" + in_list(reached_codes(), params) +
               ") THEN 1 ELSE 0 END FROM interactions i WHERE i.at >= ? AND i.at < ?";
    params.insert(params.end(), {db::Value(start), db::Value(end)});
    c.scan_integers(sql, params, 2, [&](const std::int64_t* r) {
      if (!index(r[0])) return;
      ++count[r[0]];
      hit[r[0]] |= static_cast<std::uint8_t>(r[1] != 0);
    });
  };
  const std::string mid = paris_day_start_utc(add_days(f.from, days_between(f.from, f.to) / 2 + 1));
  std::future<void> other;
  if (helper) other = std::async(std::launch::async, [&] { interactions_pass(*helper, lo, mid, contacts2, reached2); });

  // The people of the scope (and of the organisation filter): their organisation
  // in one of the scope's subtrees. Organisations are few: the people of the
  // smaller side are read (index participants_org), the federation's scope
  // reading only those of the few organisations outside it.
  std::vector<std::uint8_t> in_scope;
  if (!whole) {
    db::Params params;
    auto condition = scope_sql(scope, params);
    condition += organisation_filter(db, f, params);
    std::vector<std::int64_t> inside, outside;
    db.scan_integers("SELECT o.id, CASE WHEN " + condition + " THEN 1 ELSE 0 END FROM organisations o", params, 2,
                     [&](const std::int64_t* r) { (r[1] ? inside : outside).push_back(r[0]); });
    const bool mark_outside = outside.size() < inside.size();
    in_scope.assign(n, mark_outside ? 1 : 0);
    const auto& listed = mark_outside ? outside : inside;
    for (std::size_t k = 0; k < listed.size(); k += 500) {  // bounded IN lists
      db::Params ids;
      std::string in;
      for (std::size_t m = k; m < std::min(listed.size(), k + 500); ++m) {
        in += in.empty() ? "?" : ", ?";
        ids.emplace_back(listed[m]);
      }
      db.scan_integers("SELECT p.id FROM participants p WHERE p.organisation_id IN (" + in + ")", ids, 1,
                       [&](const std::int64_t* r) {
                         if (index(r[0])) in_scope[r[0]] = mark_outside ? 0 : 1;
                       });
    }
  }
  {
    // Placeholders: followed (to, to), from, to, to, positive codes, followed (to, to), to, to, from, filters.
    db::Params params{to, to, from, to, to};
    const auto positive_codes = in_list(positive_exit_codes(), params);
    params.insert(params.end(), {db::Value(to), db::Value(to), db::Value(to), db::Value(to), db::Value(from)});
    auto sql = fmt::format(
        "SELECT e.participant_id, CASE WHEN {0} THEN 1 ELSE 0 END, CASE WHEN e.entry_date >= ? THEN 1 ELSE 0 END, "
        "CASE WHEN e.exit_date <= ? THEN 1 ELSE 0 END, "
        "CASE WHEN e.exit_date <= ? AND e.exit_outcome IN ({1}) THEN 1 ELSE 0 END, "
        "CASE WHEN {0} AND e.status = 'active' AND e.unreachable_on <= ? THEN 1 ELSE 0 END "
        "FROM enrolments e WHERE e.entry_date <= ? AND (e.exit_date IS NULL OR e.exit_date >= ?)",
        followed, positive_codes);
    sql += enrolment_filters(f, params);
    db.scan_integers(sql, params, 6, [&](const std::int64_t* r) {
      if (!index(r[0]) || (!whole && !in_scope[r[0]])) return;
      person[r[0]] |= static_cast<std::uint8_t>(1 | (r[1] ? 2 : 0) | (r[5] ? 4 : 0));
      entries += r[2];
      exits += r[3];
      positive += r[4];
    });
  }
  {
    // In index order (participant, day, id): the last row of a person is their
    // latest assessment up to `to`.
    db::Params params;
    auto sql = "SELECT a.participant_id, CASE WHEN a.email IS NULL THEN 0 WHEN a.email IN (" +
               in_list(unable_email_codes(), params) +
               ") THEN 2 ELSE 1 END FROM digital_assessments a WHERE a.assessed_on <= ? "
               "ORDER BY a.participant_id, a.assessed_on, a.id";
    params.emplace_back(to);
    db.scan_integers(sql, params, 2, [&](const std::int64_t* r) {
      if (index(r[0])) email[r[0]] = static_cast<std::uint8_t>(r[1]);
    });
  }
  if (other.valid()) {
    interactions_pass(db, mid, hi, contacts, reached);
    other.get();
    for (std::size_t id = 0; id < n; ++id) {
      contacts[id] += contacts2[id];
      reached[id] |= reached2[id];
    }
  } else {
    interactions_pass(db, lo, hi, contacts, reached);
  }

  DashboardCounts c;
  c.exits = exits;
  c.positive_exits = positive;
  unreachable = 0;
  for (std::size_t id = 0; id < n; ++id) {
    const auto p = person[id];
    if (!(p & 1)) continue;
    const bool is_followed = p & 2;
    c.followed += is_followed;
    unreachable += (p & 4) != 0;
    c.interactions += contacts[id];
    c.people_contacted += contacts[id] > 0;
    c.people_reached += reached[id];
    c.followed_not_reached += is_followed && !reached[id];
    if (is_followed && email[id]) {
      ++c.assessed;
      c.unable_to_email += email[id] == 2;
    }
  }
  return c;
}

constexpr std::int64_t kScanFromPeople = 50000;

// True when every organisation is within the scope (every root is).
bool covers_everything(db::Connection& db, const Scope& scope) {
  auto roots = db.query("SELECT path FROM organisations WHERE parent_id IS NULL");
  return std::ranges::all_of(roots.rows, [&](const db::Row& r) {
    return std::ranges::any_of(scope, [&](const std::string& root) { return network::in_subtree(r.text(0), root); });
  });
}

void add_counts(DashboardCounts& into, const DashboardCounts& c) {
  into.followed += c.followed;
  into.interactions += c.interactions;
  into.people_contacted += c.people_contacted;
  into.people_reached += c.people_reached;
  into.followed_not_reached += c.followed_not_reached;
  into.assessed += c.assessed;
  into.unable_to_email += c.unable_to_email;
  into.exits += c.exits;
  into.positive_exits += c.positive_exits;
}

}  // namespace

Dashboard dashboard(db::Connection& db, const Scope& scope, const DashboardFilter& f, db::Connection* helper,
                    DashboardPath path) {
  Dashboard d;
  const std::string to = format_date(f.to);
  const std::string followed = "e.entry_date <= ? AND (e.exit_date IS NULL OR e.exit_date > ?)";
  const bool whole = !f.organisation_id && covers_everything(db, scope);
  if (path == DashboardPath::automatic) {
    // Scanning the period costs the country's activity in it; seeking per person
    // costs the people in scope: scan for a scope of 50,000 people or more
    // (counted up to that in the organisations' index of their people, without
    // a seek per person), unless filtered to a programme or a referent. Both paths
    // give the same figures: the count only chooses the faster.
    path = DashboardPath::per_person;
    if (!f.programme_id && !f.referent_id) {
      db::Params params;
      std::string sql = "SELECT COUNT(*) FROM (SELECT 1 FROM enrolments e LIMIT ?) x";
      if (!whole) {
        sql = "SELECT COUNT(*) FROM (SELECT 1 FROM organisations o JOIN participants p ON p.organisation_id = o.id "
              "WHERE " +
              scope_sql(scope, params) + organisation_filter(db, f, params) + " LIMIT ?) x";
      }
      params.emplace_back(std::int64_t{kScanFromPeople});
      if (db.query(sql, params).rows.at(0).integer(0) >= kScanFromPeople) path = DashboardPath::period_scan;
    }
  }
  const auto orgs = scope_organisations(db, scope, f, whole);  // read once, used by every statement below
  // People followed on the end date per kind of difficulty identified by then,
  // for the people whose id is `part` modulo `parts` (in runs of 64, as
  // person_counts): the parts are disjoint sets of people, so their counts add up.
  auto difficulties = [&](db::Connection& c, int part, int parts) {
    // The country (period scan): driven by the difficulties, each checked by one
    // index seek into the person's enrolments (EXISTS) — `IN (SELECT …)` built a
    // temporary index of every person followed in the country first, the bulk of
    // the national dashboard's time. A smaller scope: the set of its people first
    // (IN), so that the cost follows the scope, not the country's difficulties.
    db::Params params{to};
    std::string sql = std::string("SELECT d.kind, COUNT(DISTINCT d.participant_id) FROM difficulties d "
                                  "WHERE d.identified_on <= ?") +
                      (f.include_sensitive ? "" : " AND d.sensitive = 0");
    if (path == DashboardPath::period_scan) {
      sql += " AND EXISTS (SELECT 1" + dashboard_base(c, scope, f, params, whole, &orgs);
      sql += " AND e.participant_id = d.participant_id AND " + followed;
    } else {
      sql += " AND d.participant_id IN (SELECT e.participant_id" + dashboard_base(c, scope, f, params, whole, &orgs);
      sql += " AND " + followed;
    }
    params.insert(params.end(), {db::Value(to), db::Value(to)});
    if (parts > 1) {
      sql += " AND (e.participant_id / 64) % ? = ?";
      params.insert(params.end(), {db::Value(std::int64_t{parts}), db::Value(std::int64_t{part})});
    }
    sql += ")";
    std::map<std::string, std::int64_t> counts;
    for (auto& row : c.query(sql + " GROUP BY d.kind", params).rows) counts[row.text(0)] += row.integer(1);
    return counts;
  };
  std::map<std::string, std::int64_t> by_kind;
  if (path == DashboardPath::period_scan) {
    d.counts = person_counts_scan(db, helper, scope, f, whole, d.entries, d.unreachable);
    by_kind = difficulties(db, 0, 1);
  } else if (!helper) {
    d.counts = person_counts(db, scope, f, whole, orgs, 0, 1, d.entries, d.unreachable);
    by_kind = difficulties(db, 0, 1);
  } else {
    // Half of the people on the helper connection, on another thread: every figure
    // here is a sum over people, so the halves add up.
    std::int64_t entries = 0, unreachable = 0;
    std::map<std::string, std::int64_t> other_kinds;
    auto other = std::async(std::launch::async, [&] {
      auto counts = person_counts(*helper, scope, f, whole, orgs, 1, 2, entries, unreachable);
      other_kinds = difficulties(*helper, 1, 2);
      return counts;
    });
    d.counts = person_counts(db, scope, f, whole, orgs, 0, 2, d.entries, d.unreachable);
    by_kind = difficulties(db, 0, 2);
    add_counts(d.counts, other.get());
    d.entries += entries;
    d.unreachable += unreachable;
    for (auto& [kind, n] : other_kinds) by_kind[kind] += n;
  }
  for (const auto& k : kDifficultyKinds)
    if (auto it = by_kind.find(std::string(k.code)); it != by_kind.end()) {
      d.difficulties_by_kind.emplace_back(it->first, it->second);
      by_kind.erase(it);
    }
  for (auto& [kind, n] : by_kind) d.difficulties_by_kind.emplace_back(kind, n);  // retired codes, last
  d.shares = dashboard_shares(d.counts);
  return d;
}

std::vector<EsfRow> esf_rows(db::Connection& db, const Scope& scope, const DashboardFilter& f) {
  const std::string from = format_date(f.from), to = format_date(f.to);
  db::Params params;
  std::string sql =
      "SELECT e.id, e.participant_id, (SELECT pr.name FROM programmes pr WHERE pr.id = e.programme_id), "
      "(SELECT po.name FROM participants pp JOIN organisations po ON po.id = pp.organisation_id "
      "WHERE pp.id = e.participant_id), "
      "e.entry_date, e.exit_date, e.exit_outcome, e.esf_entry, e.esf_exit" +
      dashboard_base(db, scope, f, params);
  sql += " AND ((e.entry_date >= ? AND e.entry_date <= ?) OR (e.exit_date >= ? AND e.exit_date <= ?)) ORDER BY e.id";
  params.insert(params.end(), {db::Value(from), db::Value(to), db::Value(from), db::Value(to)});
  std::vector<EsfRow> out;
  for (auto& r : db.query(sql, params).rows)
    out.push_back({r.integer(0), r.integer(1), r.text(2), r.text(3), r.text(4), r.text(5), r.text(6), r.text(7),
                   r.text(8)});
  return out;
}

}  // namespace passerelle::followup
