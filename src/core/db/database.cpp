// Engine-independent part of core/db: row accessors, leases, the `open`
// factory, dialect tokens and the migration runner.
#include "core/db/database.hpp"
#include "core/db/stamped_cache.hpp"

#include <algorithm>
#include <charconv>
#include <cctype>
#include <ctime>
#include <filesystem>
#include <set>
#include <system_error>

#include "core/embedded.hpp"

namespace passerelle::db {

// Defined by the drivers (sqlite.cpp, postgres.cpp); declared here only, so
// that the public header stays free of engine details.
std::unique_ptr<Database> open_sqlite(const std::string& path, int pool_size);
std::unique_ptr<Database> open_postgres(const std::string& uri, int pool_size);

// ---------------------------------------------------------------- Row

namespace {

std::string describe(std::size_t i) { return "column " + std::to_string(i); }

// Truncates toward zero; a value no int64 can hold is an error, not UB.
std::int64_t to_integer(double d, std::size_t i) {
  if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0))
    throw Error(describe(i) + ": number out of integer range");
  return static_cast<std::int64_t>(d);
}

std::int64_t parse_integer(std::string_view s, std::size_t i) {
  std::int64_t out = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec == std::errc() && end == s.data() + s.size()) return out;
  // "12.0" or "1e3": a number written as a real.
  double d = 0;
  auto [dend, dec] = std::from_chars(s.data(), s.data() + s.size(), d);
  if (dec == std::errc() && dend == s.data() + s.size()) return to_integer(d, i);
  throw Error(describe(i) + ": integer expected, got \"" + std::string(s) + "\"");
}

double parse_real(std::string_view s, std::size_t i) {
  double out = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec == std::errc() && end == s.data() + s.size()) return out;
  throw Error(describe(i) + ": number expected, got \"" + std::string(s) + "\"");
}

// Shortest text that reads back to the same double.
std::string format_real(double d) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
  return std::string(buf, end);
}

}  // namespace

void Connection::scan_integers(std::string_view sql, const Params& params, std::size_t columns,
                               const std::function<void(const std::int64_t* row)>& on_row) {
  auto result = query(sql, params);
  std::vector<std::int64_t> row(columns);
  for (const auto& r : result.rows) {
    for (std::size_t c = 0; c < columns; ++c) row[c] = r.integer(c);
    on_row(row.data());
  }
}

std::int64_t Row::integer(std::size_t i) const {
  return std::visit(
      [i](const auto& x) -> std::int64_t {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::nullptr_t>) return 0;
        else if constexpr (std::is_same_v<T, std::int64_t>) return x;
        else if constexpr (std::is_same_v<T, double>) return to_integer(x, i);
        else if constexpr (std::is_same_v<T, std::string>) return parse_integer(x, i);
        else throw Error(describe(i) + ": integer expected, got a BLOB");
      },
      cols_.at(i).v);
}

double Row::real(std::size_t i) const {
  return std::visit(
      [i](const auto& x) -> double {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::nullptr_t>) return 0;
        else if constexpr (std::is_same_v<T, std::int64_t>) return static_cast<double>(x);
        else if constexpr (std::is_same_v<T, double>) return x;
        else if constexpr (std::is_same_v<T, std::string>) return parse_real(x, i);
        else throw Error(describe(i) + ": number expected, got a BLOB");
      },
      cols_.at(i).v);
}

std::string Row::text(std::size_t i) const {
  return std::visit(
      [](const auto& x) -> std::string {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::nullptr_t>) return {};
        else if constexpr (std::is_same_v<T, std::int64_t>) return std::to_string(x);
        else if constexpr (std::is_same_v<T, double>) return format_real(x);
        else if constexpr (std::is_same_v<T, std::string>) return x;
        else return x.bytes;
      },
      cols_.at(i).v);
}

std::optional<std::string> Row::opt_text(std::size_t i) const {
  if (is_null(i)) return std::nullopt;
  return text(i);
}

std::optional<std::int64_t> Row::opt_integer(std::size_t i) const {
  if (is_null(i)) return std::nullopt;
  return integer(i);
}

const std::string& Row::blob(std::size_t i) const {
  const Value& v = cols_.at(i);
  if (auto* b = std::get_if<Blob>(&v.v)) return b->bytes;
  // SQLite keeps whatever type was stored; text is bytes too.
  if (auto* s = std::get_if<std::string>(&v.v)) return *s;
  static const std::string empty;
  if (v.is_null()) return empty;
  throw Error(describe(i) + ": BLOB expected");
}

// ---------------------------------------------------------------- Lease

Lease::~Lease() {
  if (owner_ && conn_) owner_->release(std::move(conn_));
}

// Not defaulted: the connection held before the assignment must go back to
// its pool, not be closed behind the pool's back (which would shrink it).
Lease& Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    if (owner_ && conn_) owner_->release(std::move(conn_));
    owner_ = other.owner_;
    conn_ = std::move(other.conn_);
  }
  return *this;
}

// ---------------------------------------------------------------- open

namespace {

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// SQLite creates the file but not its folder (e.g. a fresh `data/`).
void ensure_parent_directory(const std::string& path) {
  if (path == ":memory:" || starts_with(path, "file:")) return;
  auto parent = std::filesystem::path(path).parent_path();
  if (parent.empty()) return;
  std::error_code ec;
  std::filesystem::create_directories(parent, ec);
  if (ec) throw Error("Impossible de créer le dossier " + parent.string() + " : " + ec.message());
}

}  // namespace

std::unique_ptr<Database> open(const std::string& url, int pool_size) {
  if (url.empty()) throw Error("Aucune base de données indiquée (PASSERELLE_DATABASE est vide)");
  if (pool_size < 1) pool_size = 1;
  if (starts_with(url, "postgresql://") || starts_with(url, "postgres://")) return open_postgres(url, pool_size);
  ensure_parent_directory(url);
  return open_sqlite(url, pool_size);
}

// ---------------------------------------------------------------- dialect

namespace {

void replace_all(std::string& s, std::string_view from, std::string_view to) {
  for (auto pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size()))
    s.replace(pos, from.size(), to);
}

}  // namespace

std::string apply_dialect(std::string_view sql, Engine engine) {
  const bool pg = engine == Engine::postgres;
  std::string out(sql);
  replace_all(out, "{{pk}}",
              pg ? "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT");
  replace_all(out, "{{blob}}", pg ? "BYTEA" : "BLOB");
  replace_all(out, "{{int}}", pg ? "BIGINT" : "INTEGER");
  return out;
}

// ---------------------------------------------------------------- migrate

namespace {

struct Migration {
  std::int64_t version;
  std::string name;  // file stem, e.g. "0001_network"
  std::string_view sql;
};

// The embedded migrations/NNNN_name.sql files, in path order. A migration
// that cannot be written in both dialects (triggers) comes as a pair,
// NNNN_name.sqlite.sql and NNNN_name.postgres.sql: only the engine's own is
// kept, under the name NNNN_name.
std::vector<Migration> embedded_migrations(Engine engine) {
  std::vector<std::pair<std::string_view, std::string_view>> found;
  for (const auto& f : embedded::files()) {
    if (starts_with(f.path, "migrations/") && f.path.ends_with(".sql")) found.emplace_back(f.path, f.data);
  }
  std::sort(found.begin(), found.end());

  std::vector<Migration> out;
  std::set<std::int64_t> seen;
  for (const auto& [path, data] : found) {
    std::string stem = std::filesystem::path(path).stem().string();
    for (auto [suffix, only] : {std::pair{".sqlite", Engine::sqlite}, std::pair{".postgres", Engine::postgres}}) {
      if (stem.ends_with(suffix)) {
        stem.resize(stem.size() - std::string_view(suffix).size());
        if (only != engine) stem.clear();
      }
    }
    if (stem.empty()) continue;
    std::int64_t version = 0;
    auto [end, ec] = std::from_chars(stem.data(), stem.data() + stem.size(), version);
    if (ec != std::errc() || end == stem.data())
      throw Error("Migration sans numéro de version : " + std::string(path));
    if (!seen.insert(version).second) throw Error("Numéro de migration en double : " + std::string(path));
    out.push_back({version, std::move(stem), data});
  }
  return out;
}

std::string utc_now_iso() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Serialises migrators across servers sharing one PostgreSQL; released at
// the end of the transaction. SQLite needs nothing: BEGIN IMMEDIATE already
// takes the database's single write lock.
void lock_migrations(Connection& c) {
  if (c.engine() == Engine::postgres) c.query("SELECT pg_advisory_xact_lock(727274)");
}

void create_migrations_table(Connection& c) {
  Transaction tx(c);
  lock_migrations(c);
  c.execute_script(
      "CREATE TABLE IF NOT EXISTS schema_migrations ("
      " version INTEGER PRIMARY KEY,"
      " name TEXT NOT NULL,"
      " applied_at TEXT NOT NULL)");
  tx.commit();
}

bool is_applied(Connection& c, std::int64_t version) {
  return !c.query("SELECT 1 FROM schema_migrations WHERE version = ?", {version}).empty();
}

// Applies one migration unless another process did it while we waited.
bool apply(Connection& c, const Migration& m) {
  Transaction tx(c);
  lock_migrations(c);
  if (is_applied(c, m.version)) return false;
  try {
    c.execute_script(apply_dialect(m.sql, c.engine()));
  } catch (const Error& e) {
    throw Error("Migration " + m.name + " : " + e.what(), e.constraint());
  }
  c.query("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
          {m.version, m.name, utc_now_iso()});
  tx.commit();
  return true;
}

}  // namespace

std::vector<std::string> migrate(Database& db) {
  auto migrations = embedded_migrations(db.engine());
  Lease lease = db.acquire();
  Connection& c = *lease;
  create_migrations_table(c);

  std::set<std::int64_t> applied;
  for (const auto& row : c.query("SELECT version FROM schema_migrations").rows) applied.insert(row.integer(0));

  std::vector<std::string> done;
  for (const auto& m : migrations) {
    if (applied.contains(m.version)) continue;
    if (apply(c, m)) done.push_back(m.name);
  }
  return done;
}

std::int64_t change_stamp(Connection& c, std::string_view name) {
  auto r = c.query("SELECT stamp FROM change_stamps WHERE name = ?", {std::string(name)});
  return r.empty() ? 0 : r.rows[0].integer(0);
}

std::string without_index(const Connection& c, std::string_view column, bool numeric) {
  if (c.engine() != Engine::sqlite) return std::string(column);
  return numeric ? "+" + std::string(column) : "(" + std::string(column) + " || '')";
}

}  // namespace passerelle::db
