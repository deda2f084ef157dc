#include "clauses/store.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>

#include <fmt/format.h>

#include "clauses/model.hpp"
#include "core/auth/auth.hpp"
#include "core/web/csv.hpp"
#include "core/web/text.hpp"
#include "core/web/words.hpp"

namespace passerelle::clauses {
namespace {

using followup::format_date;
using followup::parse_date;

std::string scope_sql(const Scope& scope, db::Params& params, const char* column = "o.path") {
  return network::scope_condition(scope, params, column);
}

web::Errors one_error(std::string field, std::string message) { return {{std::move(field), std::move(message)}}; }

db::Value opt(const std::optional<std::int64_t>& v) { return v ? db::Value(*v) : db::Value(nullptr); }

// --- Contracts ---------------------------------------------------------------------------

constexpr const char* kContractColumns =
    "c.id, c.organisation_id, c.buyer_id, c.holder_organisation_id, c.reference, c.sort_reference, c.title, c.lots, "
    "c.sector, c.clause_type, c.hours_mode, c.status, c.status_since, bo.name, ho.name, o.name, c.amount_cents, "
    "c.required_minutes, c.labour_share_bp, c.insertion_rate_bp, c.hourly_cost_cents, c.notified_on, c.start_date, "
    "c.end_date, c.created_at, c.updated_at, "
    "(SELECT COALESCE(SUM(h.minutes), 0) FROM insertion_hours h WHERE h.contract_id = c.id AND h.counted = 1)";

constexpr const char* kContractFrom =
    " FROM public_contracts c JOIN organisations o ON o.id = c.organisation_id "
    "JOIN public_buyers b ON b.id = c.buyer_id JOIN organisations bo ON bo.id = b.buyer_organisation_id "
    "JOIN organisations ho ON ho.id = c.holder_organisation_id";

Contract read_contract(const db::Row& r) {
  Contract c;
  c.id = r.integer(0);
  c.organisation_id = r.integer(1);
  c.buyer_id = r.integer(2);
  c.holder_organisation_id = r.integer(3);
  c.reference = r.text(4);
  c.sort_reference = r.text(5);
  c.title = r.text(6);
  c.lots = r.text(7);
  c.sector = r.text(8);
  c.clause_type = r.text(9);
  c.hours_mode = r.text(10);
  c.status = r.text(11);
  c.status_since = r.text(12);
  c.buyer_name = r.text(13);
  c.holder_name = r.text(14);
  c.organisation_name = r.text(15);
  c.amount_cents = r.integer(16);
  c.required_minutes = r.integer(17);
  c.labour_share_bp = r.opt_integer(18);
  c.insertion_rate_bp = r.opt_integer(19);
  c.hourly_cost_cents = r.opt_integer(20);
  c.notified_on = r.text(21);
  c.start_date = r.text(22);
  c.end_date = r.text(23);
  c.created_at = r.text(24);
  c.updated_at = r.text(25);
  c.counted_minutes = r.integer(26);
  return c;
}

std::string contract_where(const Scope& scope, const ContractFilter& f, db::Params& params) {
  std::string sql = " WHERE " + scope_sql(scope, params);
  web::add_word_search(sql, params, f.q, "c.id", "contract_words", "contract_id");
  if (!f.status.empty()) {
    sql += " AND c.status = ?";
    params.emplace_back(f.status);
  }
  if (!f.sector.empty()) {
    sql += " AND c.sector = ?";
    params.emplace_back(f.sector);
  }
  if (f.buyer_id) {
    sql += " AND c.buyer_id = ?";
    params.emplace_back(*f.buyer_id);
  }
  if (f.holder_organisation_id) {
    sql += " AND c.holder_organisation_id = ?";
    params.emplace_back(*f.holder_organisation_id);
  }
  return sql;
}

std::string contract_search_text(const CheckedContract& c, std::string_view buyer, std::string_view holder) {
  return text::fold(fmt::format("{} {} {} {} {}", c.reference, c.title, c.lots, holder, buyer));
}

std::optional<std::string> organisation_name(db::Connection& db, std::int64_t id) {
  auto r = db.query("SELECT name FROM organisations WHERE id = ?", {id});
  if (r.empty()) return std::nullopt;
  return r.rows[0].text(0);
}

// Buyer in scope and holder in the directory; errors keyed by the form's fields.
struct Parties {
  std::optional<Buyer> buyer;
  std::string holder_name;
};

Parties check_parties(db::Connection& db, const Scope& scope, const CheckedContract& c, web::Errors& errors) {
  Parties p;
  p.buyer = get_buyer(db, scope, c.buyer_id);
  if (!p.buyer) errors.push_back({"buyer_id", "Cet acheteur public n'existe pas dans votre périmètre."});
  auto holder = organisation_name(db, c.holder_organisation_id);
  if (!holder)
    errors.push_back({"holder_organisation_id", "Ce titulaire n'existe pas dans l'annuaire."});
  else
    p.holder_name = *holder;
  return p;
}

// --- Rule sets ---------------------------------------------------------------------------------

std::vector<RuleSet> read_rule_sets(db::Connection& db, const std::string& where, const db::Params& params) {
  auto rows = db.query(
      "SELECT s.id, s.code, s.version, s.name, s.description, s.legal_reference, s.effective_from, s.effective_to, "
      "s.priority FROM rule_sets s " +
          where + " ORDER BY s.priority DESC, s.code, s.version DESC",
      params);
  std::vector<RuleSet> out;
  std::map<std::int64_t, std::size_t> index;
  for (auto& r : rows.rows) {
    RuleSet s;
    s.id = r.integer(0);
    s.code = r.text(1);
    s.version = static_cast<int>(r.integer(2));
    s.name = r.text(3);
    s.description = r.text(4);
    s.legal_reference = r.text(5);
    if (auto f = r.opt_text(6)) s.effective_from = parse_date(*f);
    if (auto t = r.opt_text(7)) s.effective_to = parse_date(*t);
    s.priority = static_cast<int>(r.integer(8));
    index[s.id] = out.size();
    out.push_back(std::move(s));
  }
  if (out.empty()) return out;
  auto rules = db.query(
      "SELECT r.id, r.rule_set_id, r.position, r.situation, r.eligibility, r.decision, r.note FROM rule_set_rules r "
      "JOIN rule_sets s ON s.id = r.rule_set_id " +
          where + " ORDER BY r.rule_set_id, r.position",
      params);
  for (auto& r : rules.rows) {
    auto it = index.find(r.integer(1));
    if (it == index.end()) continue;
    out[it->second].rules.push_back({r.integer(0), static_cast<int>(r.integer(2)), r.text(3), r.text(4), r.text(5), r.text(6)});
  }
  return out;
}

std::int64_t insert_rule_set(db::Connection& db, const RuleSet& s, std::optional<std::int64_t> user_id) {
  auto opt_date = [](const std::optional<Date>& d) { return d ? db::Value(format_date(*d)) : db::Value(nullptr); };
  auto id = db.query(
                  "INSERT INTO rule_sets (code, version, name, description, legal_reference, effective_from, effective_to, "
                  "priority, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                  {s.code, s.version, s.name, s.description, s.legal_reference, opt_date(s.effective_from),
                   opt_date(s.effective_to), s.priority, auth::now_utc(), opt(user_id)})
                .rows.at(0)
                .integer(0);
  for (auto& r : s.rules)
    db.query(
        "INSERT INTO rule_set_rules (rule_set_id, position, situation, eligibility, decision, note) VALUES (?, ?, ?, ?, ?, ?)",
        {id, r.position, r.situation, r.eligibility, r.decision, r.note});
  return id;
}

// evaluate() once per month, situation and eligibility (an import or a
// recompute meets a few hundred of them).
class Evaluations {
 public:
  explicit Evaluations(std::span<const RuleSet> sets) : sets_(sets) {}
  const Evaluation& of(std::string_view month, std::string_view situation, std::string_view eligibility) {
    key_.assign(month).append(1, '|').append(situation).append(1, '|').append(eligibility);
    auto it = cache_.find(key_);
    if (it == cache_.end()) it = cache_.emplace(key_, evaluate(sets_, month, situation, eligibility)).first;
    return it->second;
  }

 private:
  std::span<const RuleSet> sets_;
  std::string key_;
  std::unordered_map<std::string, Evaluation> cache_;
};

// --- Hours ------------------------------------------------------------------------------------------

constexpr const char* kHoursColumns =
    "h.id, h.contract_id, c.reference, h.participant_id, h.person_name, h.month, h.employer_name, h.modality, h.minutes, "
    "h.situation, h.eligibility, h.decision, h.rule_set_id, h.rule_set_version, h.rule_id, rs.name, rr.position, "
    "h.review_status, h.review_reason, h.counted, h.source, h.created_at";

constexpr const char* kHoursFrom =
    " FROM insertion_hours h JOIN public_contracts c ON c.id = h.contract_id "
    "LEFT JOIN rule_sets rs ON rs.id = h.rule_set_id LEFT JOIN rule_set_rules rr ON rr.id = h.rule_id";

HoursEntry read_hours(const db::Row& r) {
  HoursEntry e;
  e.id = r.integer(0);
  e.contract_id = r.integer(1);
  e.contract_reference = r.text(2);
  e.participant_id = r.opt_integer(3);
  e.person_name = r.text(4);
  e.month = r.text(5);
  e.employer_name = r.text(6);
  e.modality = r.text(7);
  e.minutes = r.integer(8);
  e.situation = r.text(9);
  e.eligibility = r.text(10);
  e.decision = r.text(11);
  e.rule_set_id = r.opt_integer(12);
  e.rule_set_version = static_cast<int>(r.integer(13));
  e.rule_id = r.opt_integer(14);
  e.rule_set_name = r.text(15);
  e.rule_position = static_cast<int>(r.integer(16));
  e.review_status = r.text(17);
  e.review_reason = r.text(18);
  e.counted = r.integer(19) != 0;
  e.source = r.text(20);
  e.created_at = r.text(21);
  return e;
}

std::string person_key(const CheckedHours& h) {
  return h.participant_id ? "p:" + std::to_string(*h.participant_id) : text::fold(h.person_name);
}

// One insert of a checked entry with its evaluation (shared by the form and the import).
std::int64_t insert_hours(db::Connection& db, std::int64_t contract_id, const CheckedHours& h, const Evaluation& e,
                  std::optional<std::int64_t> user_id, std::string_view source, std::optional<std::int64_t> import_id,
                  const std::string& now) {
  auto review = review_status_after(e.decision, "");
  return db.query(
      "INSERT INTO insertion_hours (contract_id, participant_id, person_name, person_key, month, employer_name, modality, "
      "minutes, situation, eligibility, decision, rule_set_id, rule_set_version, rule_id, review_status, counted, source, "
      "import_id, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
      "RETURNING id",
      {contract_id, opt(h.participant_id), h.person_name, person_key(h), h.month, h.employer_name, h.modality, h.minutes,
       h.situation, h.eligibility, e.decision, e.rule_set_id ? db::Value(e.rule_set_id) : db::Value(nullptr),
       e.rule_set_id ? db::Value(e.rule_set_version) : db::Value(nullptr),
       e.rule_id ? db::Value(e.rule_id) : db::Value(nullptr), review, counts(e.decision, review) ? 1 : 0,
       std::string(source), opt(import_id), opt(user_id), now, now})
      .rows.at(0)
      .integer(0);
}

// --- Imports ------------------------------------------------------------------------------------------

// A code given as its code or its French label (case and accents ignored).
// The labels are folded once per reader: an import reads one per column,
// not one per line.
class CodeReader {
 public:
  template <class Table>
  explicit CodeReader(const Table& table) {
    for (auto& row : table) {
      codes_.emplace(std::string(row.code), row.code);
      codes_.emplace(text::fold(row.label), row.code);
    }
  }
  std::string operator()(std::string_view value) const {
    auto it = codes_.find(text::fold(text::trim(value)));
    return it == codes_.end() ? text::trim(value) : std::string(it->second);
  }

 private:
  std::map<std::string, std::string_view, std::less<>> codes_;
};

template <class Table>
std::string code_from(const Table& table, std::string_view value) {
  return CodeReader(table)(value);
}

struct Header {
  std::map<std::string, std::size_t> at;  // expected column → index
  std::vector<std::string> missing;
};

Header read_header(const std::vector<std::string>& fields, std::string_view expected) {
  Header h;
  std::vector<std::string> names;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    auto f = text::fold(text::trim(fields[i]));
    std::replace(f.begin(), f.end(), ' ', '_');
    h.at[f] = i;
  }
  std::size_t start = 0;
  while (start <= expected.size()) {
    auto end = expected.find(';', start);
    if (end == std::string_view::npos) end = expected.size();
    std::string name(expected.substr(start, end - start));
    if (!h.at.contains(name)) h.missing.push_back(name);
    start = end + 1;
  }
  return h;
}

// The CSV as a table, or a French reason it cannot be read.
std::variant<csv::Table, std::string> read_csv(std::string_view data, std::string_view expected,
                                              const std::vector<std::string>& required, Header& header) {
  auto parsed = csv::parse(data);
  if (auto* e = std::get_if<csv::ParseError>(&parsed)) return e->message;
  auto& table = std::get<csv::Table>(parsed);
  if (table.records.empty()) return std::string("Le fichier est vide.");
  header = read_header(table.records[0].fields, expected);
  std::vector<std::string> missing;
  for (auto& m : header.missing)
    if (std::ranges::find(required, m) != required.end()) missing.push_back(m);
  if (!missing.empty()) {
    std::string list;
    for (auto& m : missing) list += (list.empty() ? "" : ", ") + m;
    return fmt::format("Colonnes obligatoires absentes de la première ligne : {}. La première ligne doit être : {}", list,
                       expected);
  }
  return std::move(table);
}

std::string field_of(const Header& h, const csv::Record& rec, const char* name) {
  auto it = h.at.find(name);
  if (it == h.at.end() || it->second >= rec.fields.size()) return "";
  return rec.fields[it->second];
}

// "ligne 7 — heures : 250 h en avril 2020 : c'est plus que …" from the rules' errors.
void add_line_errors(std::vector<ImportLineError>& out, std::size_t line, const web::Errors& errors,
                     const std::map<std::string, std::string>& columns) {
  for (auto& e : errors) {
    auto it = columns.find(e.field);
    out.push_back({line, fmt::format("{} : {}", it == columns.end() ? e.field : it->second, e.message)});
  }
}

}  // namespace

// --- Buyers ------------------------------------------------------------------------------------------

std::vector<Buyer> list_buyers(db::Connection& db, const Scope& scope) {
  db::Params params;
  auto sql = "SELECT b.id, b.organisation_id, b.buyer_organisation_id, bo.name, b.contact_name, b.contact_email, b.notes, "
             "b.created_at FROM public_buyers b JOIN organisations o ON o.id = b.organisation_id "
             "JOIN organisations bo ON bo.id = b.buyer_organisation_id WHERE " +
             scope_sql(scope, params) + " ORDER BY bo.sort_name, b.id LIMIT 1000";
  std::vector<Buyer> out;
  for (auto& r : db.query(sql, params).rows)
    out.push_back({r.integer(0), r.integer(1), r.integer(2), r.text(3), r.text(4), r.text(5), r.text(6), r.text(7)});
  return out;
}

std::optional<Buyer> get_buyer(db::Connection& db, const Scope& scope, std::int64_t id) {
  db::Params params{id};
  auto sql = "SELECT b.id, b.organisation_id, b.buyer_organisation_id, bo.name, b.contact_name, b.contact_email, b.notes, "
             "b.created_at FROM public_buyers b JOIN organisations o ON o.id = b.organisation_id "
             "JOIN organisations bo ON bo.id = b.buyer_organisation_id WHERE b.id = ? AND " +
             scope_sql(scope, params);
  auto r = db.query(sql, params);
  if (r.empty()) return std::nullopt;
  auto& x = r.rows[0];
  return Buyer{x.integer(0), x.integer(1), x.integer(2), x.text(3), x.text(4), x.text(5), x.text(6), x.text(7)};
}

std::expected<std::int64_t, web::Errors> create_buyer(db::Connection& db, std::int64_t organisation_id,
                                                      std::int64_t buyer_organisation_id, std::string_view contact_name,
                                                      std::string_view contact_email, std::string_view notes) {
  if (!organisation_name(db, buyer_organisation_id))
    return std::unexpected(one_error("buyer_organisation_id", "Cette organisation n'existe pas dans l'annuaire."));
  if (!db.query("SELECT 1 FROM public_buyers WHERE organisation_id = ? AND buyer_organisation_id = ?",
                {organisation_id, buyer_organisation_id})
           .empty())
    return std::unexpected(one_error("buyer_organisation_id", "Cet acheteur public est déjà suivi."));
  auto now = auth::now_utc();
  return db
      .query("INSERT INTO public_buyers (organisation_id, buyer_organisation_id, contact_name, contact_email, notes, "
             "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
             {organisation_id, buyer_organisation_id, text::trim(contact_name), text::trim(contact_email),
              text::trim(notes), now, now})
      .rows.at(0)
      .integer(0);
}

// --- Contracts ---------------------------------------------------------------------------------------

std::vector<Contract> list_contracts(db::Connection& db, const Scope& scope, const ContractFilter& f) {
  db::Params params;
  std::string sql = std::string("SELECT ") + kContractColumns + kContractFrom + contract_where(scope, f, params);
  if (f.after_id > 0) {
    sql += " AND (c.sort_reference > ? OR (c.sort_reference = ? AND c.id > ?))";
    params.emplace_back(f.after_key);
    params.emplace_back(f.after_key);
    params.emplace_back(f.after_id);
  }
  sql += " ORDER BY c.sort_reference, c.id LIMIT ?";
  params.emplace_back(std::clamp(f.limit, 1, 1000));
  std::vector<Contract> out;
  for (auto& r : db.query(sql, params).rows) out.push_back(read_contract(r));
  return out;
}

ContractPage contract_page(db::Connection& db, const Scope& scope, const ContractFilter& f, std::int64_t count_cap) {
  ContractPage page;
  db::Params params;
  std::string sql = "SELECT 1 FROM public_contracts c JOIN organisations o ON o.id = c.organisation_id" +
                    contract_where(scope, f, params) + " LIMIT ?";
  params.emplace_back(count_cap + 1);
  page.total = db.query("SELECT COUNT(*) FROM (" + sql + ") counted", params).rows.at(0).integer(0);
  page.items = list_contracts(db, scope, f);
  return page;
}

std::optional<Contract> get_contract(db::Connection& db, const Scope& scope, std::int64_t id) {
  db::Params params{id};
  auto sql = std::string("SELECT ") + kContractColumns + kContractFrom + " WHERE c.id = ? AND " + scope_sql(scope, params);
  auto r = db.query(sql, params);
  if (r.empty()) return std::nullopt;
  return read_contract(r.rows[0]);
}

std::vector<Contract> contracts_by_reference(db::Connection& db, const Scope& scope, std::string_view reference) {
  db::Params params{text::fold(text::trim(reference))};
  auto sql = std::string("SELECT ") + kContractColumns + kContractFrom + " WHERE c.sort_reference = ? AND " +
             scope_sql(scope, params) + " ORDER BY c.id LIMIT 10";
  std::vector<Contract> out;
  for (auto& r : db.query(sql, params).rows) out.push_back(read_contract(r));
  return out;
}

std::expected<std::int64_t, web::Errors> create_contract(db::Connection& db, const Scope& scope, const ContractInput& input,
                                                         std::optional<std::int64_t> user_id) {
  auto c = check_contract(input);
  web::Errors errors = c ? web::Errors{} : c.error();
  CheckedContract checked = c ? *c : CheckedContract{};
  Parties parties;
  if (checked.buyer_id && checked.holder_organisation_id) parties = check_parties(db, scope, checked, errors);
  if (!errors.empty()) return std::unexpected(errors);
  auto now = auth::now_utc();
  db::Transaction tx(db);
  std::int64_t id = 0;
  try {
    id = db.query(
               "INSERT INTO public_contracts (organisation_id, buyer_id, reference, sort_reference, search_text, title, "
               "lots, sector, holder_organisation_id, amount_cents, notified_on, start_date, end_date, clause_type, "
               "required_minutes, hours_mode, labour_share_bp, insertion_rate_bp, hourly_cost_cents, status, "
               "status_since, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
               "'active', ?, ?, ?) RETURNING id",
               {parties.buyer->organisation_id, checked.buyer_id, checked.reference, text::fold(checked.reference),
                contract_search_text(checked, parties.buyer->name, parties.holder_name), checked.title, checked.lots,
                checked.sector, checked.holder_organisation_id, checked.amount_cents, format_date(checked.notified_on),
                format_date(checked.start_date), format_date(checked.end_date), checked.clause_type,
                checked.required_minutes, checked.hours_mode, opt(checked.labour_share_bp),
                opt(checked.insertion_rate_bp), opt(checked.hourly_cost_cents), format_date(checked.notified_on), now, now})
             .rows.at(0)
             .integer(0);
  } catch (const db::Error& e) {
    if (!e.constraint()) throw;
    return std::unexpected(one_error("reference", "Un marché de cet acheteur porte déjà cette référence."));
  }
  db.query("INSERT INTO contract_status_events (contract_id, effective_on, from_status, to_status, reason, user_id, at) "
           "VALUES (?, ?, '', 'active', 'Notification du marché', ?, ?)",
           {id, format_date(checked.notified_on), opt(user_id), now});
  web::store_words(db, "contract_words", "contract_id", id,
                   contract_search_text(checked, parties.buyer->name, parties.holder_name));
  tx.commit();
  return id;
}

std::expected<void, web::Errors> update_contract(db::Connection& db, const Scope& scope, std::int64_t contract_id,
                                                 const ContractInput& input) {
  auto c = check_contract(input);
  web::Errors errors = c ? web::Errors{} : c.error();
  CheckedContract checked = c ? *c : CheckedContract{};
  Parties parties;
  if (checked.buyer_id && checked.holder_organisation_id) parties = check_parties(db, scope, checked, errors);
  if (!errors.empty()) return std::unexpected(errors);
  auto search = contract_search_text(checked, parties.buyer->name, parties.holder_name);
  db::Transaction tx(db);
  try {
    db.query("UPDATE public_contracts SET buyer_id = ?, reference = ?, sort_reference = ?, search_text = ?, title = ?, "
             "lots = ?, sector = ?, holder_organisation_id = ?, amount_cents = ?, notified_on = ?, start_date = ?, "
             "end_date = ?, clause_type = ?, required_minutes = ?, hours_mode = ?, labour_share_bp = ?, "
             "insertion_rate_bp = ?, hourly_cost_cents = ?, updated_at = ? WHERE id = ?",
             {checked.buyer_id, checked.reference, text::fold(checked.reference), search, checked.title, checked.lots,
              checked.sector, checked.holder_organisation_id, checked.amount_cents, format_date(checked.notified_on),
              format_date(checked.start_date), format_date(checked.end_date), checked.clause_type,
              checked.required_minutes, checked.hours_mode, opt(checked.labour_share_bp),
              opt(checked.insertion_rate_bp), opt(checked.hourly_cost_cents), auth::now_utc(), contract_id});
  } catch (const db::Error& e) {
    if (!e.constraint()) throw;
    return std::unexpected(one_error("reference", "Un marché de cet acheteur porte déjà cette référence."));
  }
  web::store_words(db, "contract_words", "contract_id", contract_id, search);
  tx.commit();
  return {};
}

// --- Parties ---------------------------------------------------------------------------------------------

namespace {

constexpr const char* kPartyOrder = " ORDER BY CASE p.role WHEN 'co_contractor' THEN 0 ELSE 1 END, o.sort_name, o.id";

Party read_party(const db::Row& r) { return {r.integer(0), r.integer(1), r.text(2), r.text(3)}; }

}  // namespace

std::vector<Party> contract_parties(db::Connection& db, std::int64_t contract_id) {
  std::vector<Party> out;
  for (auto& r : db.query(std::string("SELECT p.contract_id, p.organisation_id, o.name, p.role FROM contract_parties p "
                                      "JOIN organisations o ON o.id = p.organisation_id WHERE p.contract_id = ?") +
                              kPartyOrder,
                          {contract_id})
                     .rows)
    out.push_back(read_party(r));
  return out;
}

std::map<std::int64_t, std::vector<Party>> parties_of(db::Connection& db, std::span<const std::int64_t> ids) {
  std::map<std::int64_t, std::vector<Party>> out;
  for (std::size_t start = 0; start < ids.size(); start += 500) {
    db::Params params;
    std::string in;
    for (std::size_t i = start; i < std::min(ids.size(), start + 500); ++i) {
      in += in.empty() ? "?" : ", ?";
      params.emplace_back(ids[i]);
    }
    for (auto& r : db.query("SELECT p.contract_id, p.organisation_id, o.name, p.role FROM contract_parties p "
                            "JOIN organisations o ON o.id = p.organisation_id WHERE p.contract_id IN (" +
                                in + ")" + kPartyOrder,
                            params)
                       .rows)
      out[r.integer(0)].push_back(read_party(r));
  }
  return out;
}

std::expected<Party, web::Errors> add_party(db::Connection& db, const Contract& contract, const PartyInput& input) {
  auto checked = check_party(input);
  if (!checked) return std::unexpected(checked.error());
  auto name = organisation_name(db, checked->organisation_id);
  if (!name) return std::unexpected(one_error("organisation_id", "Cette organisation n'existe pas dans l'annuaire."));
  if (checked->organisation_id == contract.holder_organisation_id)
    return std::unexpected(one_error(
        "organisation_id", fmt::format("{} est le titulaire du marché : choisissez une autre organisation.", *name)));
  if (!db.query("SELECT 1 FROM contract_parties WHERE contract_id = ? AND organisation_id = ? AND role = ?",
                {contract.id, checked->organisation_id, checked->role})
           .empty())
    return std::unexpected(one_error(
        "organisation_id", fmt::format("{} est déjà {} de ce marché.", *name,
                                       checked->role == "co_contractor" ? "cotraitant" : "sous-traitant")));
  try {
    db.query("INSERT INTO contract_parties (contract_id, organisation_id, role) VALUES (?, ?, ?)",
             {contract.id, checked->organisation_id, checked->role});
  } catch (const db::Error& e) {
    if (!e.constraint()) throw;  // the same party added twice at once
    return std::unexpected(one_error("organisation_id", fmt::format("{} figure déjà sur ce marché.", *name)));
  }
  return Party{contract.id, checked->organisation_id, *name, checked->role};
}

bool remove_party(db::Connection& db, std::int64_t contract_id, std::int64_t organisation_id, std::string_view role) {
  return db.query("DELETE FROM contract_parties WHERE contract_id = ? AND organisation_id = ? AND role = ?",
                  {contract_id, organisation_id, std::string(role)})
             .affected > 0;
}

// --- Purchase programme -----------------------------------------------------------------------------------

namespace {

constexpr const char* kProgrammeSelect =
    "SELECT i.id, i.buyer_id, i.year, i.kind, i.title, i.sector, i.clause_type, COALESCE(i.planned_on, ''), i.status, "
    "i.notes, i.created_at, i.estimated_amount_cents, i.contract_id, COALESCE(c.reference, ''), COALESCE(c.title, '') "
    "FROM purchase_programme_items i LEFT JOIN public_contracts c ON c.id = i.contract_id ";

ProgrammeItem read_programme_item(const db::Row& r) {
  ProgrammeItem i;
  i.id = r.integer(0);
  i.buyer_id = r.integer(1);
  i.year = static_cast<int>(r.integer(2));
  i.kind = r.text(3);
  i.title = r.text(4);
  i.sector = r.text(5);
  i.clause_type = r.text(6);
  i.planned_on = r.text(7);
  i.status = r.text(8);
  i.notes = r.text(9);
  i.created_at = r.text(10);
  i.estimated_amount_cents = r.opt_integer(11);
  i.contract_id = r.opt_integer(12);
  i.contract_reference = r.text(13);
  i.contract_title = r.text(14);
  return i;
}

// The checked item, its linked contract checked against the buyer and the scope.
std::expected<CheckedProgrammeItem, web::Errors> check_item_for(db::Connection& db, const Scope& scope, const Buyer& buyer,
                                                                const ProgrammeItemInput& input) {
  auto checked = check_programme_item(input);
  web::Errors errors = checked ? web::Errors{} : checked.error();
  // An id that does not even parse is already reported by the rules.
  std::optional<std::int64_t> id;
  if (checked) {
    id = checked->contract_id;
  } else if (auto v = text::trim(input.contract_id);
             !v.empty() && v.size() <= 18 && v.find_first_not_of("0123456789") == std::string::npos) {
    id = std::stoll(v);
  }
  if (id && !web::find_error(errors, "contract_id")) {
    auto c = get_contract(db, scope, *id);
    if (!c)
      errors.push_back({"contract_id", "Ce marché n'existe pas dans votre périmètre."});
    else if (c->buyer_id != buyer.id)
      errors.push_back({"contract_id", fmt::format("Le marché {} est un marché de {}, pas de {} : choisissez un marché de cet "
                                                   "acheteur.",
                                                   c->reference, c->buyer_name, buyer.name)});
  }
  if (!errors.empty()) return std::unexpected(errors);
  return *checked;
}

db::Params item_values(const CheckedProgrammeItem& c) {
  return {c.year,
          c.kind,
          c.title,
          c.sector,
          c.clause_type,
          c.planned_on ? db::Value(format_date(*c.planned_on)) : db::Value(nullptr),
          opt(c.estimated_amount_cents),
          c.status,
          opt(c.contract_id),
          c.notes};
}

}  // namespace

std::vector<ProgrammeItem> programme_of(db::Connection& db, std::int64_t buyer_id, std::optional<int> year) {
  db::Params params{buyer_id};
  std::string sql = std::string(kProgrammeSelect) + "WHERE i.buyer_id = ?";
  if (year) {
    sql += " AND i.year = ?";
    params.emplace_back(*year);
  }
  // Undated items last on both engines (NULLs sort first in SQLite, last in PostgreSQL).
  sql += " ORDER BY i.year DESC, CASE WHEN i.planned_on IS NULL THEN 1 ELSE 0 END, i.planned_on, i.id LIMIT 1000";
  std::vector<ProgrammeItem> out;
  for (auto& r : db.query(sql, params).rows) out.push_back(read_programme_item(r));
  return out;
}

std::vector<int> programme_years(db::Connection& db, std::int64_t buyer_id) {
  std::vector<int> out;
  for (auto& r : db.query("SELECT DISTINCT year FROM purchase_programme_items WHERE buyer_id = ? ORDER BY year DESC",
                          {buyer_id})
                     .rows)
    out.push_back(static_cast<int>(r.integer(0)));
  return out;
}

std::optional<ProgrammeItem> get_programme_item(db::Connection& db, std::int64_t buyer_id, std::int64_t item_id) {
  auto r = db.query(std::string(kProgrammeSelect) + "WHERE i.id = ? AND i.buyer_id = ?", {item_id, buyer_id});
  if (r.empty()) return std::nullopt;
  return read_programme_item(r.rows[0]);
}

std::expected<std::int64_t, web::Errors> create_programme_item(db::Connection& db, const Scope& scope, const Buyer& buyer,
                                                               const ProgrammeItemInput& input) {
  auto checked = check_item_for(db, scope, buyer, input);
  if (!checked) return std::unexpected(checked.error());
  auto params = item_values(*checked);
  params.insert(params.begin(), db::Value(buyer.id));
  params.emplace_back(auth::now_utc());
  return db
      .query("INSERT INTO purchase_programme_items (buyer_id, year, kind, title, sector, clause_type, planned_on, "
             "estimated_amount_cents, status, contract_id, notes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
             "RETURNING id",
             params)
      .rows.at(0)
      .integer(0);
}

std::expected<void, web::Errors> update_programme_item(db::Connection& db, const Scope& scope, const Buyer& buyer,
                                                       std::int64_t item_id, const ProgrammeItemInput& input) {
  auto checked = check_item_for(db, scope, buyer, input);
  if (!checked) return std::unexpected(checked.error());
  auto params = item_values(*checked);
  params.emplace_back(item_id);
  params.emplace_back(buyer.id);
  db.query("UPDATE purchase_programme_items SET year = ?, kind = ?, title = ?, sector = ?, clause_type = ?, planned_on = ?, "
           "estimated_amount_cents = ?, status = ?, contract_id = ?, notes = ? WHERE id = ? AND buyer_id = ?",
           params);
  return {};
}

// --- Status -----------------------------------------------------------------------------------------------

std::vector<StatusEvent> status_history(db::Connection& db, std::int64_t contract_id) {
  auto rows = db.query(
      "SELECT e.id, e.contract_id, e.effective_on, e.from_status, e.to_status, e.reason, e.legal_reference, e.new_end_date, "
      "COALESCE(u.display_name, ''), e.at FROM contract_status_events e LEFT JOIN users u ON u.id = e.user_id "
      "WHERE e.contract_id = ? ORDER BY e.effective_on DESC, e.id DESC",
      {contract_id});
  std::vector<StatusEvent> out;
  for (auto& r : rows.rows)
    out.push_back({r.integer(0), r.integer(1), r.text(2), r.text(3), r.text(4), r.text(5), r.text(6), r.text(7),
                   r.text(8), r.text(9)});
  return out;
}

namespace {

struct StatusRow {
  std::string reference, status, status_since, start_date, end_date;
};

std::optional<StatusRow> status_row(db::Connection& db, std::int64_t contract_id) {
  auto r = db.query("SELECT reference, status, status_since, start_date, end_date FROM public_contracts WHERE id = ?",
                    {contract_id});
  if (r.empty()) return std::nullopt;
  auto& x = r.rows[0];
  return StatusRow{x.text(0), x.text(1), x.text(2), x.text(3), x.text(4)};
}

std::expected<CheckedStatusChange, web::Errors> check_on(const StatusRow& row, const StatusChange& change) {
  ContractDates dates{parse_date(row.start_date).value_or(Date{}), parse_date(row.end_date).value_or(Date{})};
  return check_status_change(row.status, change, dates, parse_date(row.status_since));
}

void write_status(db::Connection& db, std::int64_t contract_id, const StatusRow& row, const CheckedStatusChange& c,
                  std::optional<std::int64_t> user_id, const std::string& now) {
  auto new_end = c.new_end_date ? db::Value(format_date(*c.new_end_date)) : db::Value(nullptr);
  db.query("INSERT INTO contract_status_events (contract_id, effective_on, from_status, to_status, reason, "
           "legal_reference, new_end_date, user_id, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
           {contract_id, format_date(c.effective_on), row.status, c.to_status, c.reason, c.legal_reference, new_end,
            opt(user_id), now});
  db.query("UPDATE public_contracts SET status = ?, status_since = ?, end_date = COALESCE(?, end_date), updated_at = ? "
           "WHERE id = ?",
           {c.to_status, format_date(c.effective_on), new_end, now, contract_id});
}

}  // namespace

std::expected<std::string, web::Errors> change_status(db::Connection& db, std::int64_t contract_id,
                                                      const StatusChange& change, std::optional<std::int64_t> user_id) {
  auto row = status_row(db, contract_id);
  if (!row) return std::unexpected(one_error("transition", "Ce marché n'existe pas."));
  auto checked = check_on(*row, change);
  if (!checked) return std::unexpected(checked.error());
  db::Transaction tx(db);
  write_status(db, contract_id, *row, *checked, user_id, auth::now_utc());
  tx.commit();
  return checked->to_status;
}

BulkResult bulk_change_status(db::Connection& db, const Scope& scope, std::span<const std::int64_t> ids,
                              const StatusChange& change, std::optional<std::int64_t> user_id) {
  BulkResult out;
  if (ids.empty()) {
    out.errors.push_back({"ids", "Cochez au moins un marché."});
    return out;
  }
  std::set<std::int64_t> unique(ids.begin(), ids.end());
  std::vector<std::pair<std::int64_t, StatusRow>> rows;
  std::vector<CheckedStatusChange> checked;
  for (auto id : unique) {
    auto c = get_contract(db, scope, id);
    if (!c) {
      out.refused.push_back({id, "", "Ce marché n'existe pas dans votre périmètre."});
      continue;
    }
    StatusRow row{c->reference, c->status, c->status_since, c->start_date, c->end_date};
    auto r = check_on(row, change);
    if (!r) {
      // Errors of the form itself (no date, no reason) are reported once, not per contract.
      for (auto& e : r.error()) {
        if (e.field == "transition" || (e.field == "effective_on" && e.message.starts_with("La date d'effet"))) {
          out.refused.push_back({id, c->reference, e.message});
        } else if (!web::find_error(out.errors, e.field)) {
          out.errors.push_back(e);
        }
      }
      continue;
    }
    rows.emplace_back(id, row);
    checked.push_back(*r);
  }
  if (!out.errors.empty() || !out.refused.empty()) return out;
  auto now = auth::now_utc();
  db::Transaction tx(db);
  for (std::size_t i = 0; i < rows.size(); ++i) write_status(db, rows[i].first, rows[i].second, checked[i], user_id, now);
  tx.commit();
  out.changed = rows.size();
  return out;
}

// --- Rule sets ---------------------------------------------------------------------------------------------

std::vector<RuleSet> current_rule_sets(db::Connection& db) { return read_rule_sets(db, "WHERE s.retired_at IS NULL", {}); }

std::vector<RuleSetRow> all_rule_sets(db::Connection& db) {
  auto sets = read_rule_sets(db, "", {});
  std::map<std::int64_t, std::int64_t> counts_by_set;
  for (auto& r : db.query("SELECT rule_set_id, COUNT(*) FROM insertion_hours WHERE rule_set_id IS NOT NULL GROUP BY rule_set_id").rows)
    counts_by_set[r.integer(0)] = r.integer(1);
  std::map<std::int64_t, std::pair<std::string, std::string>> meta;
  for (auto& r : db.query("SELECT id, COALESCE(retired_at, ''), created_at FROM rule_sets").rows)
    meta[r.integer(0)] = {r.text(1), r.text(2)};
  std::vector<RuleSetRow> out;
  for (auto& s : sets) {
    RuleSetRow row;
    row.retired_at = meta[s.id].first;
    row.created_at = meta[s.id].second;
    row.entries = counts_by_set[s.id];
    row.set = std::move(s);
    out.push_back(std::move(row));
  }
  std::stable_sort(out.begin(), out.end(), [](const RuleSetRow& a, const RuleSetRow& b) {
    return a.retired_at.empty() && !b.retired_at.empty();
  });
  return out;
}

std::optional<RuleSet> get_rule_set(db::Connection& db, std::int64_t id) {
  auto sets = read_rule_sets(db, "WHERE s.id = ?", {id});
  if (sets.empty()) return std::nullopt;
  return sets[0];
}

void ensure_builtin_rule_sets(db::Connection& db) {
  for (auto set : {default_rule_set(), covid_2020_rule_set()}) {
    if (!db.query("SELECT 1 FROM rule_sets WHERE code = ?", {set.code}).empty()) continue;
    db::Transaction tx(db);
    insert_rule_set(db, set, std::nullopt);
    tx.commit();
  }
}

// --- Hours ----------------------------------------------------------------------------------------------------

std::expected<std::int64_t, web::Errors> add_hours(db::Connection& db, const Scope& scope, const Contract& contract,
                                                   const HoursInput& input,
                                                   std::optional<std::int64_t> user_id, std::string_view source) {
  ContractDates dates{parse_date(contract.start_date).value_or(Date{}), parse_date(contract.end_date).value_or(Date{})};
  auto checked = check_hours(input, dates);
  if (!checked) return std::unexpected(checked.error());
  if (checked->participant_id) {
    db::Params params{*checked->participant_id};
    auto where = scope_sql(scope, params);
    if (db.query("SELECT 1 FROM participants p JOIN organisations o ON o.id = p.organisation_id WHERE p.id = ? AND " +
                     where,
                 params)
            .empty())
      return std::unexpected(one_error("participant_id", "Cette personne n'est pas suivie dans Passerelle."));
  }
  auto sets = current_rule_sets(db);
  auto e = evaluate(sets, checked->month, checked->situation, checked->eligibility);
  return insert_hours(db, contract.id, *checked, e, user_id, source, std::nullopt, auth::now_utc());
}

std::vector<HoursEntry> hours_of(db::Connection& db, std::int64_t contract_id, int limit) {
  auto rows = db.query(std::string("SELECT ") + kHoursColumns + kHoursFrom +
                           " WHERE h.contract_id = ? ORDER BY h.month DESC, h.id DESC LIMIT ?",
                       {contract_id, limit});
  std::vector<HoursEntry> out;
  for (auto& r : rows.rows) out.push_back(read_hours(r));
  return out;
}

namespace {

std::string hours_where(std::int64_t contract_id, const HoursFilter& f, db::Params& params) {
  std::string sql = " WHERE h.contract_id = ?";
  params.emplace_back(contract_id);
  if (!f.month.empty()) {
    sql += " AND h.month = ?";
    params.emplace_back(f.month);
  }
  if (!f.situation.empty()) {
    sql += " AND h.situation = ?";
    params.emplace_back(f.situation);
  }
  return sql;
}

}  // namespace

std::vector<HoursEntry> hours_page(db::Connection& db, std::int64_t contract_id, const HoursFilter& f) {
  db::Params params;
  auto sql = std::string("SELECT ") + kHoursColumns + kHoursFrom + hours_where(contract_id, f, params);
  if (f.after_id > 0) {
    sql += " AND (h.month < ? OR (h.month = ? AND h.id < ?))";
    params.emplace_back(f.after_month);
    params.emplace_back(f.after_month);
    params.emplace_back(f.after_id);
  }
  sql += " ORDER BY h.month DESC, h.id DESC LIMIT ?";
  params.emplace_back(std::clamp(f.limit, 1, 1000));
  std::vector<HoursEntry> out;
  for (auto& r : db.query(sql, params).rows) out.push_back(read_hours(r));
  return out;
}

std::int64_t count_hours(db::Connection& db, std::int64_t contract_id, const HoursFilter& f) {
  db::Params params;
  auto sql = "SELECT COUNT(*) FROM insertion_hours h" + hours_where(contract_id, f, params);
  return db.query(sql, params).rows.at(0).integer(0);
}

std::optional<HoursEntry> get_hours(db::Connection& db, const Scope& scope, std::int64_t id) {
  db::Params params{id};
  auto sql = std::string("SELECT ") + kHoursColumns + kHoursFrom +
             " JOIN organisations o ON o.id = c.organisation_id WHERE h.id = ? AND " + scope_sql(scope, params);
  auto r = db.query(sql, params);
  if (r.empty()) return std::nullopt;
  return read_hours(r.rows[0]);
}

std::vector<HoursEntry> review_queue(db::Connection& db, const Scope& scope, const ReviewFilter& f) {
  db::Params params{f.after_id};
  auto sql = std::string("SELECT ") + kHoursColumns + kHoursFrom +
             " JOIN organisations o ON o.id = c.organisation_id WHERE h.review_status = 'pending' AND h.id > ? AND " +
             scope_sql(scope, params);
  if (f.contract_id) {
    sql += " AND h.contract_id = ?";
    params.emplace_back(*f.contract_id);
  }
  sql += " ORDER BY h.id LIMIT ?";
  params.emplace_back(std::clamp(f.limit, 1, 500));
  std::vector<HoursEntry> out;
  for (auto& r : db.query(sql, params).rows) out.push_back(read_hours(r));
  return out;
}

std::int64_t count_pending_reviews(db::Connection& db, const Scope& scope) {
  db::Params params;
  auto sql = "SELECT COUNT(*) FROM insertion_hours h JOIN public_contracts c ON c.id = h.contract_id "
             "JOIN organisations o ON o.id = c.organisation_id WHERE h.review_status = 'pending' AND " +
             scope_sql(scope, params);
  return db.query(sql, params).rows.at(0).integer(0);
}

std::expected<void, web::Errors> review_hours(db::Connection& db, std::int64_t entry_id, std::string_view outcome,
                                              std::string_view reason, std::optional<std::int64_t> user_id) {
  web::Errors errors;
  if (outcome != "accepted" && outcome != "refused")
    errors.push_back({"outcome", "Choisissez d'accepter ou de refuser ces heures."});
  auto why = text::trim(reason);
  if (!text::is_valid_utf8(why))
    errors.push_back({"reason", "Ce champ contient des caractères invalides."});
  else if (why.empty())
    errors.push_back({"reason", "Indiquez le motif de votre décision (exemple : attestation de la CPAM reçue)."});
  else if (text::length_utf8(why) > 1000)
    errors.push_back({"reason", "Ce champ ne doit pas dépasser 1000 caractères."});
  auto r = db.query("SELECT decision FROM insertion_hours WHERE id = ?", {entry_id});
  if (r.empty())
    errors.push_back({"outcome", "Ces heures n'existent pas."});
  else if (r.rows[0].text(0) != "facilitator_decides")
    errors.push_back({"outcome", "Ces heures ne sont pas à l'appréciation du facilitateur : les règles en ont décidé."});
  if (!errors.empty()) return std::unexpected(errors);
  auto now = auth::now_utc();
  db::Transaction tx(db);
  db.query("INSERT INTO insertion_hours_reviews (entry_id, outcome, reason, user_id, at) VALUES (?, ?, ?, ?, ?)",
           {entry_id, std::string(outcome), why, opt(user_id), now});
  db.query("UPDATE insertion_hours SET review_status = ?, review_reason = ?, reviewed_by = ?, reviewed_at = ?, counted = ?, "
           "updated_at = ? WHERE id = ?",
           {std::string(outcome), why, opt(user_id), now, outcome == "accepted" ? 1 : 0, now, entry_id});
  tx.commit();
  return {};
}

std::vector<ReviewEvent> review_history(db::Connection& db, std::int64_t entry_id) {
  std::vector<ReviewEvent> out;
  for (auto& r : db.query("SELECT v.outcome, v.reason, COALESCE(u.display_name, ''), v.at FROM insertion_hours_reviews v "
                          "LEFT JOIN users u ON u.id = v.user_id WHERE v.entry_id = ? ORDER BY v.id DESC",
                          {entry_id})
                     .rows)
    out.push_back({r.text(0), r.text(1), r.text(2), r.text(3)});
  return out;
}

// --- Statement import ----------------------------------------------------------------------------------------

StatementPlan plan_statement_import(db::Connection& db, const Scope& scope, std::string_view data) {
  StatementPlan plan;
  Header header;
  auto read = read_csv(data, kStatementHeader,
                       {"reference_marche", "nom", "mois", "heures", "modalite", "situation", "eligibilite"}, header);
  if (auto* fatal = std::get_if<std::string>(&read)) {
    plan.fatal = *fatal;
    return plan;
  }
  auto& table = std::get<csv::Table>(read);
  const std::map<std::string, std::string> columns{
      {"person_name", "nom"},         {"month", "mois"},           {"hours", "heures"},
      {"modality", "modalite"},       {"situation", "situation"},  {"eligibility", "eligibilite"},
      {"employer_name", "employeur"}, {"participant_id", "nom"}};
  // Contracts of the scope by folded reference, read once: a 100,000-line
  // statement names a few hundred contracts.
  struct Known {
    std::int64_t id = 0;
    int matches = 0;
    ContractDates dates;
  };
  std::map<std::string, Known> contracts;
  for (std::size_t i = 1; i < table.records.size(); ++i) {
    auto ref = text::fold(text::trim(field_of(header, table.records[i], "reference_marche")));
    if (!ref.empty()) contracts.emplace(ref, Known{});
  }
  {
    std::vector<std::string> refs;
    for (auto& [k, v] : contracts) refs.push_back(k);
    for (std::size_t start = 0; start < refs.size(); start += 500) {
      db::Params params;
      std::string in;
      for (std::size_t i = start; i < std::min(refs.size(), start + 500); ++i) {
        in += in.empty() ? "?" : ", ?";
        params.emplace_back(refs[i]);
      }
      auto sql = "SELECT c.sort_reference, c.id, c.start_date, c.end_date FROM public_contracts c "
                 "JOIN organisations o ON o.id = c.organisation_id WHERE c.sort_reference IN (" +
                 in + ") AND " + scope_sql(scope, params);
      for (auto& r : db.query(sql, params).rows) {
        auto& k = contracts[r.text(0)];
        k.id = r.integer(1);
        ++k.matches;
        k.dates = {parse_date(r.text(2)).value_or(Date{}), parse_date(r.text(3)).value_or(Date{})};
      }
    }
  }
  const CodeReader modality_of(kModalities), situation_of(kSituations), eligibility_of(kEligibilities);
  plan.valid.reserve(table.records.size());
  for (std::size_t i = 1; i < table.records.size(); ++i) {
    auto& rec = table.records[i];
    ++plan.data_lines;
    if (rec.fields.size() != table.records[0].fields.size()) {
      plan.errors.push_back({rec.line, fmt::format("La ligne compte {} colonnes au lieu de {}.", rec.fields.size(),
                                                   table.records[0].fields.size())});
      continue;
    }
    auto reference = text::trim(field_of(header, rec, "reference_marche"));
    auto it = contracts.find(text::fold(reference));
    HoursInput in{field_of(header, rec, "nom"),
                  "",
                  field_of(header, rec, "mois"),
                  field_of(header, rec, "employeur"),
                  modality_of(field_of(header, rec, "modalite")),
                  situation_of(field_of(header, rec, "situation")),
                  eligibility_of(field_of(header, rec, "eligibilite")),
                  field_of(header, rec, "heures")};
    if (reference.empty()) {
      plan.errors.push_back({rec.line, "reference_marche : la référence du marché est vide."});
      continue;
    }
    if (it == contracts.end() || it->second.matches == 0) {
      plan.errors.push_back({rec.line, fmt::format("reference_marche : aucun marché « {} » dans votre périmètre.", reference)});
      continue;
    }
    if (it->second.matches > 1) {
      plan.errors.push_back({rec.line, fmt::format("reference_marche : plusieurs acheteurs ont un marché « {} » ; "
                                                   "saisissez ces heures depuis la fiche du marché.",
                                                   reference)});
      continue;
    }
    auto checked = check_hours(in, it->second.dates);
    if (!checked) {
      add_line_errors(plan.errors, rec.line, checked.error(), columns);
      continue;
    }
    plan.valid.push_back({rec.line, it->second.id, std::move(*checked)});
  }
  return plan;
}

std::size_t apply_statement_import(db::Connection& db, const StatementPlan& plan, std::optional<std::int64_t> user_id,
                                   std::optional<std::int64_t> import_id) {
  auto sets = current_rule_sets(db);
  Evaluations evaluations(sets);
  auto now = auth::now_utc();
  // Many rows per INSERT, a full batch always the same statement (prepared
  // once): 100,000 lines are 200 statements on both engines.
  constexpr std::size_t kBatch = 500;
  constexpr const char* kHead =
      "INSERT INTO insertion_hours (contract_id, participant_id, person_name, person_key, month, employer_name, modality, "
      "minutes, situation, eligibility, decision, rule_set_id, rule_set_version, rule_id, review_status, counted, source, "
      "import_id, created_by, created_at, updated_at) VALUES ";
  constexpr const char* kRow = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'import', ?, ?, ?, ?)";
  constexpr std::size_t kColumns = 20;  // the ? of kRow
  auto sql_for = [&](std::size_t rows) {
    std::string sql = kHead;
    for (std::size_t i = 0; i < rows; ++i) sql += i ? std::string(", ") + kRow : kRow;
    return sql;
  };
  const std::string full_sql = sql_for(kBatch);
  db::Params params;
  params.reserve(kBatch * kColumns);
  std::size_t rows = 0;
  auto flush = [&] {
    if (!rows) return;
    db.query(rows == kBatch ? full_sql : sql_for(rows), params);
    params.clear();
    rows = 0;
  };
  db::Transaction tx(db);
  for (auto& line : plan.valid) {
    auto& h = line.hours;
    auto& e = evaluations.of(h.month, h.situation, h.eligibility);
    auto review = review_status_after(e.decision, "");
    params.emplace_back(line.contract_id);
    params.emplace_back(opt(h.participant_id));
    params.emplace_back(h.person_name);
    params.emplace_back(person_key(h));
    params.emplace_back(h.month);
    params.emplace_back(h.employer_name);
    params.emplace_back(h.modality);
    params.emplace_back(h.minutes);
    params.emplace_back(h.situation);
    params.emplace_back(h.eligibility);
    params.emplace_back(e.decision);
    params.emplace_back(e.rule_set_id ? db::Value(e.rule_set_id) : db::Value(nullptr));
    params.emplace_back(e.rule_set_id ? db::Value(e.rule_set_version) : db::Value(nullptr));
    params.emplace_back(e.rule_id ? db::Value(e.rule_id) : db::Value(nullptr));
    params.emplace_back(review);
    params.emplace_back(counts(e.decision, review) ? 1 : 0);
    params.emplace_back(opt(import_id));
    params.emplace_back(opt(user_id));
    params.emplace_back(now);
    params.emplace_back(now);
    if (++rows == kBatch) flush();
  }
  flush();
  tx.commit();
  return plan.valid.size();
}

// --- Contracts table import --------------------------------------------------------------------------------------

ContractsPlan plan_contracts_import(db::Connection& db, const Scope& scope, std::string_view data) {
  ContractsPlan plan;
  Header header;
  auto read = read_csv(data, kContractsHeader,
                       {"reference", "acheteur", "objet", "secteur", "titulaire", "montant", "notification", "debut", "fin",
                        "type_clause"},
                       header);
  if (auto* fatal = std::get_if<std::string>(&read)) {
    plan.fatal = *fatal;
    return plan;
  }
  auto& table = std::get<csv::Table>(read);
  const std::map<std::string, std::string> columns{
      {"reference", "reference"},       {"buyer_id", "acheteur"},          {"title", "objet"},
      {"lots", "lots"},                 {"sector", "secteur"},             {"holder_organisation_id", "titulaire"},
      {"amount", "montant"},            {"notified_on", "notification"},   {"start_date", "debut"},
      {"end_date", "fin"},              {"clause_type", "type_clause"},    {"required_hours", "heures_exigees"},
      {"labour_share", "part_main_oeuvre"}, {"insertion_rate", "taux_insertion"}, {"hourly_cost", "cout_horaire"},
      {"hours_mode", "heures_exigees"}};
  std::map<std::string, std::int64_t> buyers;  // folded name → buyer id
  for (auto& b : list_buyers(db, scope)) buyers[text::fold(b.name)] = b.id;
  std::map<std::string, std::optional<std::int64_t>> holders;  // folded name → organisation (cached)
  auto organisation_by_name = [&](std::string_view name) {
    auto folded = text::fold(name);
    auto it = holders.find(folded);
    if (it == holders.end()) {
      auto r = db.query("SELECT id FROM organisations WHERE sort_name = ? ORDER BY id LIMIT 1", {folded});
      it = holders.emplace(folded, r.empty() ? std::nullopt : std::optional<std::int64_t>(r.rows[0].integer(0))).first;
    }
    return it->second;
  };
  std::set<std::pair<std::int64_t, std::string>> seen;
  for (std::size_t i = 1; i < table.records.size(); ++i) {
    auto& rec = table.records[i];
    ++plan.data_lines;
    if (rec.fields.size() != table.records[0].fields.size()) {
      plan.errors.push_back({rec.line, fmt::format("La ligne compte {} colonnes au lieu de {}.", rec.fields.size(),
                                                   table.records[0].fields.size())});
      continue;
    }
    ContractInput in;
    in.reference = field_of(header, rec, "reference");
    in.title = field_of(header, rec, "objet");
    in.lots = field_of(header, rec, "lots");
    in.sector = code_from(kSectors, field_of(header, rec, "secteur"));
    in.clause_type = code_from(kClauseTypes, field_of(header, rec, "type_clause"));
    in.amount = field_of(header, rec, "montant");
    in.notified_on = field_of(header, rec, "notification");
    in.start_date = field_of(header, rec, "debut");
    in.end_date = field_of(header, rec, "fin");
    in.required_hours = field_of(header, rec, "heures_exigees");
    in.labour_share = field_of(header, rec, "part_main_oeuvre");
    in.insertion_rate = field_of(header, rec, "taux_insertion");
    in.hourly_cost = field_of(header, rec, "cout_horaire");
    in.hours_mode = text::trim(in.required_hours).empty() ? "computed" : "entered";
    web::Errors errors;
    auto buyer_name = text::trim(field_of(header, rec, "acheteur"));
    auto b = buyers.find(text::fold(buyer_name));
    if (b == buyers.end())
      errors.push_back({"buyer_id", fmt::format("l'acheteur « {} » n'est pas suivi dans votre périmètre.", buyer_name)});
    else
      in.buyer_id = std::to_string(b->second);
    auto holder_name = text::trim(field_of(header, rec, "titulaire"));
    auto key = text::fold(holder_name);
    organisation_by_name(holder_name);
    if (!holders[key])
      errors.push_back({"holder_organisation_id", fmt::format("le titulaire « {} » n'est pas dans l'annuaire.", holder_name)});
    else
      in.holder_organisation_id = std::to_string(*holders[key]);
    // Parties named in their columns ("A; B"), each in the directory and not the holder.
    auto read_parties = [&](const char* column, std::optional<std::vector<std::int64_t>>& out) {
      if (!header.at.contains(column)) return;
      out.emplace();
      auto cell = field_of(header, rec, column);
      std::size_t start = 0;
      while (start <= cell.size()) {
        auto end = cell.find(';', start);
        if (end == std::string::npos) end = cell.size();
        auto name = text::trim(std::string_view(cell).substr(start, end - start));
        start = end + 1;
        if (name.empty()) continue;
        auto id = organisation_by_name(name);
        if (!id)
          errors.push_back({column, fmt::format("« {} » n'est pas dans l'annuaire.", name)});
        else if (holders[key] && *id == *holders[key])
          errors.push_back({column, fmt::format("« {} » est le titulaire du marché.", name)});
        else if (std::ranges::find(*out, *id) == out->end())
          out->push_back(*id);
      }
    };
    std::optional<std::vector<std::int64_t>> co_contractors, subcontractors;
    read_parties("cotraitants", co_contractors);
    read_parties("sous_traitants", subcontractors);
    auto checked = check_contract(in);
    if (!checked)
      for (auto& e : checked.error())
        if (e.field != "buyer_id" && e.field != "holder_organisation_id") errors.push_back(e);
    auto status = text::trim(field_of(header, rec, "statut"));
    // A status other than active is a dated change with its reason: the bulk status form, not a column.
    if (!status.empty() && code_from(kContractStatuses, status) != "active")
      errors.push_back({"status", "seul le statut « Actif » s'importe ; les autres se changent avec leur date d'effet et "
                                  "leur motif (changement de statut groupé)."});
    if (!errors.empty()) {
      std::map<std::string, std::string> cols = columns;
      cols["status"] = "statut";
      for (auto& e : errors) {
        auto it = cols.find(e.field);
        plan.errors.push_back({rec.line, fmt::format("{} : {}", it == cols.end() ? e.field : it->second, e.message)});
      }
      continue;
    }
    auto fold_ref = text::fold(checked->reference);
    if (!seen.insert({checked->buyer_id, fold_ref}).second) {
      plan.errors.push_back({rec.line, fmt::format("reference : le marché « {} » figure déjà plus haut dans le fichier.",
                                                   checked->reference)});
      continue;
    }
    ContractLine line{rec.line, in, std::nullopt, std::move(co_contractors), std::move(subcontractors)};
    auto existing = db.query("SELECT id FROM public_contracts WHERE buyer_id = ? AND sort_reference = ?",
                             {checked->buyer_id, fold_ref});
    if (!existing.empty()) line.existing_id = existing.rows[0].integer(0);
    plan.valid.push_back(std::move(line));
  }
  return plan;
}

std::size_t apply_contracts_import(db::Connection& db, const Scope& scope, const ContractsPlan& plan,
                                   std::optional<std::int64_t> user_id) {
  std::size_t n = 0;
  db::Transaction tx(db);  // nested writes below open no transaction of their own on the same connection
  for (auto& line : plan.valid) {
    auto checked = check_contract(line.input);
    if (!checked) continue;
    auto buyer = get_buyer(db, scope, checked->buyer_id);
    auto holder = organisation_name(db, checked->holder_organisation_id);
    if (!buyer || !holder) continue;
    auto search = contract_search_text(*checked, buyer->name, *holder);
    auto now = auth::now_utc();
    std::int64_t id = 0;
    if (line.existing_id) {
      id = *line.existing_id;
      db.query("UPDATE public_contracts SET title = ?, lots = ?, sector = ?, holder_organisation_id = ?, amount_cents = ?, "
               "notified_on = ?, start_date = ?, end_date = ?, clause_type = ?, required_minutes = ?, hours_mode = ?, "
               "labour_share_bp = ?, insertion_rate_bp = ?, hourly_cost_cents = ?, search_text = ?, updated_at = ? "
               "WHERE id = ?",
               {checked->title, checked->lots, checked->sector, checked->holder_organisation_id, checked->amount_cents,
                format_date(checked->notified_on), format_date(checked->start_date), format_date(checked->end_date),
                checked->clause_type, checked->required_minutes, checked->hours_mode, opt(checked->labour_share_bp),
                opt(checked->insertion_rate_bp), opt(checked->hourly_cost_cents), search, now, id});
    } else {
      id = db.query("INSERT INTO public_contracts (organisation_id, buyer_id, reference, sort_reference, search_text, "
                    "title, lots, sector, holder_organisation_id, amount_cents, notified_on, start_date, end_date, "
                    "clause_type, required_minutes, hours_mode, labour_share_bp, insertion_rate_bp, hourly_cost_cents, "
                    "status, status_since, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                    "?, ?, ?, 'active', ?, ?, ?) RETURNING id",
                    {buyer->organisation_id, checked->buyer_id, checked->reference, text::fold(checked->reference),
                     search, checked->title, checked->lots, checked->sector, checked->holder_organisation_id,
                     checked->amount_cents, format_date(checked->notified_on), format_date(checked->start_date),
                     format_date(checked->end_date), checked->clause_type, checked->required_minutes,
                     checked->hours_mode, opt(checked->labour_share_bp), opt(checked->insertion_rate_bp),
                     opt(checked->hourly_cost_cents), format_date(checked->notified_on), now, now})
               .rows.at(0)
               .integer(0);
      db.query("INSERT INTO contract_status_events (contract_id, effective_on, from_status, to_status, reason, user_id, at) "
               "VALUES (?, ?, '', 'active', 'Import du tableau des marchés', ?, ?)",
               {id, format_date(checked->notified_on), opt(user_id), now});
    }
    web::store_words(db, "contract_words", "contract_id", id, search);
    for (auto& [orgs, role] : {std::pair{&line.co_contractors, "co_contractor"}, std::pair{&line.subcontractors, "subcontractor"}}) {
      if (!*orgs) continue;
      db.query("DELETE FROM contract_parties WHERE contract_id = ? AND role = ?", {id, std::string(role)});
      for (auto org : **orgs)
        db.query("INSERT INTO contract_parties (contract_id, organisation_id, role) VALUES (?, ?, ?)", {id, org, std::string(role)});
    }
    ++n;
  }
  tx.commit();
  return n;
}

// --- Rule-set change and recompute ---------------------------------------------------------------------------------

namespace {

struct Group {
  std::string month, situation, eligibility, decision;
  std::int64_t rule_id = 0, entries = 0, minutes = 0;
};

// The entries grouped by what decides them (one pass over the table).
std::vector<Group> decision_groups(db::Connection& db) {
  std::vector<Group> out;
  for (auto& r : db.query("SELECT month, situation, eligibility, decision, COALESCE(rule_id, 0), COUNT(*), SUM(minutes) "
                          "FROM insertion_hours GROUP BY month, situation, eligibility, decision, COALESCE(rule_id, 0)")
                     .rows)
    out.push_back({r.text(0), r.text(1), r.text(2), r.text(3), r.integer(4), r.integer(5), r.integer(6)});
  return out;
}

// A rule of a retired version that is copied into the new one is another
// rule row: the entry is re-attributed even when its decision stays.
bool changes(const Group& g, const Evaluation& e) { return e.decision != g.decision || e.rule_id != g.rule_id; }

RecomputePlan plan_of(const std::vector<Group>& groups, std::span<const RuleSet> sets) {
  RecomputePlan plan;
  Evaluations evaluations(sets);
  for (auto& g : groups) {
    auto& e = evaluations.of(g.month, g.situation, g.eligibility);
    if (!changes(g, e)) continue;
    plan.entries += g.entries;
    plan.changes.push_back({g.month, g.situation, g.eligibility, g.decision, e.decision, g.entries, g.minutes, g.rule_id});
    if (g.decision != e.decision) plan.decisions_changed += g.entries;
  }
  return plan;
}

// Writes the decisions of `sets` on every entry of the groups that change, in
// one statement: the new decision of each changed group goes to a temporary
// table, joined to the entries in a single pass (instead of one UPDATE per
// group, each finding its rows through an index that every insert paid for).
std::int64_t write_decisions(db::Connection& db, const std::vector<Group>& groups, std::span<const RuleSet> sets) {
  db.execute_script(
      "CREATE TEMPORARY TABLE IF NOT EXISTS recompute_decisions (month TEXT NOT NULL, situation TEXT NOT NULL, "
      "eligibility TEXT NOT NULL, from_decision TEXT NOT NULL, from_rule_id BIGINT NOT NULL, decision TEXT NOT NULL, "
      "rule_set_id BIGINT, rule_set_version INTEGER, rule_id BIGINT, "
      "PRIMARY KEY (month, situation, eligibility, from_decision, from_rule_id))");
  db.query("DELETE FROM recompute_decisions");
  Evaluations evaluations(sets);
  constexpr std::size_t kBatch = 200;
  constexpr const char* kRow = "(?, ?, ?, ?, ?, ?, ?, ?, ?)";
  db::Params params;
  std::size_t rows = 0, written = 0;
  auto flush = [&] {
    if (!rows) return;
    std::string sql = "INSERT INTO recompute_decisions VALUES ";
    for (std::size_t i = 0; i < rows; ++i) sql += i ? std::string(", ") + kRow : kRow;
    db.query(sql, params);
    params.clear();
    written += rows;
    rows = 0;
  };
  for (auto& g : groups) {
    auto& e = evaluations.of(g.month, g.situation, g.eligibility);
    if (!changes(g, e)) continue;
    for (auto& v : {db::Value(g.month), db::Value(g.situation), db::Value(g.eligibility), db::Value(g.decision),
                    db::Value(g.rule_id), db::Value(e.decision), e.rule_set_id ? db::Value(e.rule_set_id) : db::Value(nullptr),
                    e.rule_set_id ? db::Value(e.rule_set_version) : db::Value(nullptr),
                    e.rule_id ? db::Value(e.rule_id) : db::Value(nullptr)})
      params.push_back(v);
    if (++rows == kBatch) flush();
  }
  flush();
  if (!written) return 0;
  // review_status and counted read the entry's previous review (both engines
  // evaluate the right-hand sides on the old row): an accepted review holds
  // while the decision stays "facilitator decides".
  auto r = db.query(
      "UPDATE insertion_hours AS h SET decision = m.decision, rule_set_id = m.rule_set_id, "
      "rule_set_version = m.rule_set_version, rule_id = m.rule_id, "
      "review_status = CASE WHEN m.decision = 'facilitator_decides' THEN (CASE WHEN h.review_status IN ('accepted', "
      "'refused') THEN h.review_status ELSE 'pending' END) ELSE '' END, "
      "counted = CASE WHEN m.decision = 'validated' THEN 1 WHEN m.decision = 'facilitator_decides' AND "
      "h.review_status = 'accepted' THEN 1 ELSE 0 END, updated_at = ? "
      "FROM recompute_decisions m WHERE h.month = m.month AND h.situation = m.situation AND h.eligibility = m.eligibility "
      "AND h.decision = m.from_decision AND COALESCE(h.rule_id, 0) = m.from_rule_id",
      {auth::now_utc()});
  db.query("DELETE FROM recompute_decisions");
  return r.affected;
}

// The version `rule_set_id` would become with the new dates, and `current`
// with that version in its place (the same id, so that the preview shows
// only the entries whose decision really changes).
std::expected<RuleSet, web::Errors> next_version(std::vector<RuleSet>& current, std::int64_t rule_set_id,
                                                 const RuleSetDatesInput& input) {
  auto dates = check_rule_set_dates(input);
  if (!dates) return std::unexpected(dates.error());
  auto it = std::ranges::find_if(current, [&](const RuleSet& s) { return s.id == rule_set_id; });
  if (it == current.end())
    return std::unexpected(one_error("effective_from", "Seule la version en vigueur d'un jeu de règles peut être modifiée."));
  RuleSet next = *it;
  next.version = it->version + 1;
  next.effective_from = dates->first;
  next.effective_to = dates->second;
  *it = next;
  next.id = 0;
  return next;
}

}  // namespace

RecomputePlan preview_recompute(db::Connection& db, std::span<const RuleSet> sets) {
  return plan_of(decision_groups(db), sets);
}

std::expected<RuleSetEdit, web::Errors> plan_rule_set_dates(db::Connection& db, std::int64_t rule_set_id,
                                                            const RuleSetDatesInput& input) {
  auto current = current_rule_sets(db);
  auto next = next_version(current, rule_set_id, input);
  if (!next) return std::unexpected(next.error());
  return RuleSetEdit{*next, preview_recompute(db, current)};
}

std::int64_t recompute_all(db::Connection& db) {
  db::Transaction tx(db);
  auto n = write_decisions(db, decision_groups(db), current_rule_sets(db));
  tx.commit();
  return n;
}

std::expected<RecomputeResult, web::Errors> apply_rule_set_dates(db::Connection& db, std::int64_t rule_set_id,
                                                                 const RuleSetDatesInput& input,
                                                                 std::optional<std::int64_t> user_id) {
  db::Transaction tx(db);
  auto current = current_rule_sets(db);
  auto next = next_version(current, rule_set_id, input);
  if (!next) return std::unexpected(next.error());
  // One read of the groups serves the count of changed decisions (as the
  // preview showed it) and the recompute under the new version's rule ids.
  auto groups = decision_groups(db);
  RecomputeResult out;
  out.decisions_changed = plan_of(groups, current).decisions_changed;
  db.query("UPDATE rule_sets SET retired_at = ? WHERE id = ?", {auth::now_utc(), rule_set_id});
  out.new_rule_set_id = insert_rule_set(db, *next, user_id);
  out.entries_updated = write_decisions(db, groups, current_rule_sets(db));
  tx.commit();
  return out;
}

// --- Progress -------------------------------------------------------------------------------------------------------

ContractTotals contract_totals(db::Connection& db, std::int64_t contract_id) {
  auto r = db.query(
                 "SELECT COALESCE(SUM(CASE WHEN counted = 1 THEN minutes ELSE 0 END), 0), "
                 "COALESCE(SUM(CASE WHEN review_status = 'pending' THEN minutes ELSE 0 END), 0), "
                 "COALESCE(SUM(CASE WHEN review_status = 'refused' THEN minutes ELSE 0 END), 0), "
                 "COALESCE(SUM(CASE WHEN decision = 'not_validated' THEN minutes ELSE 0 END), 0), "
                 "COUNT(DISTINCT person_key), "
                 "COUNT(DISTINCT CASE WHEN modality IN ('direct_hire', 'apprenticeship') THEN person_key END) "
                 "FROM insertion_hours WHERE contract_id = ?",
                 {contract_id})
               .rows.at(0);
  return {r.integer(0), r.integer(1), r.integer(2), r.integer(3), r.integer(4), r.integer(5)};
}

std::vector<MonthTotal> monthly_totals(db::Connection& db, std::int64_t contract_id) {
  std::vector<MonthTotal> out;
  for (auto& r : db.query("SELECT month, COALESCE(SUM(CASE WHEN counted = 1 THEN minutes ELSE 0 END), 0), "
                          "COALESCE(SUM(CASE WHEN counted = 1 THEN 0 ELSE minutes END), 0) FROM insertion_hours "
                          "WHERE contract_id = ? GROUP BY month ORDER BY month",
                          {contract_id})
                     .rows)
    out.push_back({r.text(0), r.integer(1), r.integer(2)});
  return out;
}

namespace {

std::vector<GroupProgress> group_progress(db::Connection& db, const Scope& scope, const char* id_col, const char* name_col,
                                          const char* join, int limit) {
  db::Params params;
  auto sql = fmt::format(
      "SELECT {0}, {1}, COUNT(*), SUM(c.required_minutes), "
      "SUM((SELECT COALESCE(SUM(h.minutes), 0) FROM insertion_hours h WHERE h.contract_id = c.id AND h.counted = 1)) "
      "FROM public_contracts c JOIN organisations o ON o.id = c.organisation_id {2} WHERE {3} "
      "GROUP BY {0}, {1} ORDER BY {1}, {0} LIMIT ?",
      id_col, name_col, join, scope_sql(scope, params));
  params.emplace_back(limit);
  std::vector<GroupProgress> out;
  for (auto& r : db.query(sql, params).rows) out.push_back({r.integer(0), r.text(1), r.integer(2), r.integer(3), r.integer(4)});
  return out;
}

}  // namespace

std::vector<GroupProgress> progress_by_buyer(db::Connection& db, const Scope& scope) {
  return group_progress(db, scope, "b.id", "bo.name",
                        "JOIN public_buyers b ON b.id = c.buyer_id JOIN organisations bo ON bo.id = b.buyer_organisation_id",
                        1000);
}

std::vector<GroupProgress> progress_by_holder(db::Connection& db, const Scope& scope, int limit) {
  return group_progress(db, scope, "ho.id", "ho.name", "JOIN organisations ho ON ho.id = c.holder_organisation_id", limit);
}

// --- Dashboard --------------------------------------------------------------------------------------------------

namespace {

// The rows of `totals` in the order of the code table; codes outside it last.
template <class Table>
std::vector<HoursBreakdown> in_table_order(const Table& table, std::map<std::string, HoursBreakdown>& totals) {
  std::vector<HoursBreakdown> out;
  for (auto& row : table) {
    auto it = totals.find(std::string(row.code));
    if (it == totals.end()) continue;
    out.push_back(std::move(it->second));
    totals.erase(it);
  }
  for (auto& [code, t] : totals) out.push_back(std::move(t));
  return out;
}

}  // namespace

Dashboard dashboard(db::Connection& db, const Scope& scope, const std::string& from, const std::string& to) {
  Dashboard out;
  {
    // The status on the last day: the last history row in effect by then.
    db::Params params{to};
    auto sql = "SELECT status_then, COUNT(*), SUM(required_minutes) FROM (SELECT COALESCE((SELECT e.to_status FROM "
               "contract_status_events e WHERE e.contract_id = c.id AND e.effective_on <= ? ORDER BY e.effective_on DESC, "
               "e.id DESC LIMIT 1), c.status) AS status_then, c.required_minutes FROM public_contracts c "
               // The organisations of the scope as a set: joined, SQLite read every contract
               // once per organisation of a national scope (2.2 s for 50,000 contracts).
               "WHERE c.organisation_id IN (SELECT o.id FROM organisations o WHERE " +
               scope_sql(scope, params) + ") AND c.start_date <= ? AND c.end_date >= ?) x GROUP BY status_then";
    params.emplace_back(to);
    params.emplace_back(from);
    std::map<std::string, std::int64_t> counts;
    for (auto& r : db.query(sql, params).rows) {
      counts[r.text(0)] = r.integer(1);
      out.contracts += r.integer(1);
      out.required_minutes += r.integer(2);
    }
    for (auto& st : kContractStatuses)
      if (auto it = counts.find(std::string(st.code)); it != counts.end()) {
        out.contracts_by_status.emplace_back(it->first, it->second);
        counts.erase(it);
      }
    for (auto& [code, n] : counts) out.contracts_by_status.emplace_back(code, n);
  }
  db::Params params;
  // From the totals kept by triggers (migration 0027): per organisation and month,
  // a few dozen rows where the entries are millions nationally.
  auto sql = "SELECT t.modality, t.situation, SUM(t.entries), SUM(t.minutes), SUM(t.counted_minutes), "
             "SUM(t.pending_minutes) FROM insertion_hours_totals t "
             "JOIN organisations o ON o.id = t.organisation_id WHERE " +
             scope_sql(scope, params) +
             " AND t.month >= ? AND t.month <= ? GROUP BY t.modality, t.situation HAVING SUM(t.entries) > 0";
  params.emplace_back(from.substr(0, 7));
  params.emplace_back(to.substr(0, 7));
  std::map<std::string, HoursBreakdown> modalities, situations;
  for (auto& r : db.query(sql, params).rows) {
    auto entries = r.integer(2), minutes = r.integer(3), counted = r.integer(4);
    for (auto [totals, code] : {std::pair{&modalities, r.text(0)}, std::pair{&situations, r.text(1)}}) {
      auto& t = (*totals)[code];
      t.code = code;
      t.entries += entries;
      t.minutes += minutes;
      t.counted_minutes += counted;
    }
    out.entries += entries;
    out.minutes += minutes;
    out.counted_minutes += counted;
    out.pending_minutes += r.integer(5);
  }
  out.by_modality = in_table_order(kModalities, modalities);
  out.by_situation = in_table_order(kSituations, situations);
  return out;
}

std::string first_contract_start(db::Connection& db, const Scope& scope) {
  db::Params params;
  auto sql = "SELECT MIN(c.start_date) FROM public_contracts c JOIN organisations o ON o.id = c.organisation_id WHERE " +
             scope_sql(scope, params);
  return db.query(sql, params).rows.at(0).text(0);
}

}  // namespace passerelle::clauses
