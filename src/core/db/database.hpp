#pragma once
// The storage interface every module uses. Two engines behind it: SQLite
// (default) and PostgreSQL. SQL is written once with `?` placeholders; the
// PostgreSQL driver rewrites them to $1, $2… Engine headers stay in .cpp files.
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace passerelle::db {

enum class Engine { sqlite, postgres };

struct Blob {
  std::string bytes;
};

// A bound parameter or a column value.
struct Value {
  std::variant<std::nullptr_t, std::int64_t, double, std::string, Blob> v;
  Value() : v(nullptr) {}
  Value(std::nullptr_t) : v(nullptr) {}
  Value(int x) : v(std::int64_t{x}) {}
  Value(long x) : v(std::int64_t{x}) {}
  Value(long long x) : v(std::int64_t{x}) {}
  Value(unsigned x) : v(std::int64_t{x}) {}
  Value(bool x) : v(std::int64_t{x ? 1 : 0}) {}
  Value(double x) : v(x) {}
  Value(std::string s) : v(std::move(s)) {}
  Value(std::string_view s) : v(std::string(s)) {}
  Value(const char* s) : v(std::string(s)) {}
  Value(Blob b) : v(std::move(b)) {}
  template <class T>
  Value(const std::optional<T>& o) : v(nullptr) {
    if (o) *this = Value(*o);
  }
  bool is_null() const { return std::holds_alternative<std::nullptr_t>(v); }
};

using Params = std::vector<Value>;

class Row {
 public:
  explicit Row(std::vector<Value> cols) : cols_(std::move(cols)) {}
  std::size_t size() const { return cols_.size(); }
  bool is_null(std::size_t i) const { return cols_.at(i).is_null(); }
  std::int64_t integer(std::size_t i) const;  // NULL → 0; text is parsed
  double real(std::size_t i) const;
  std::string text(std::size_t i) const;      // NULL → ""; numbers are formatted
  std::optional<std::string> opt_text(std::size_t i) const;
  std::optional<std::int64_t> opt_integer(std::size_t i) const;
  const std::string& blob(std::size_t i) const;  // bytes of a BLOB/bytea column
  const Value& value(std::size_t i) const { return cols_.at(i); }

 private:
  std::vector<Value> cols_;
};

struct Result {
  std::vector<std::string> columns;
  std::vector<Row> rows;
  std::int64_t affected = 0;  // rows changed by INSERT/UPDATE/DELETE
  bool empty() const { return rows.empty(); }
};

// Thrown for any database failure. `constraint` is true for unique/foreign
// key/check violations, which callers may turn into a validation error.
class Error : public std::runtime_error {
 public:
  Error(const std::string& what, bool constraint = false)
      : std::runtime_error(what), constraint_(constraint) {}
  bool constraint() const { return constraint_; }

 private:
  bool constraint_;
};

// One connection. Not thread-safe: a connection belongs to one request at a
// time (see Database::acquire). Prepared statements are cached per connection,
// keyed by SQL text.
class Connection {
 public:
  virtual ~Connection() = default;
  virtual Engine engine() const = 0;
  virtual Result query(std::string_view sql, const Params& params) = 0;
  Result query(std::string_view sql, std::initializer_list<Value> params = {}) {
    return query(sql, Params(params));
  }
  // Runs a read whose columns are all integers (NULL gives 0) and hands each row
  // to `on_row` as it comes, `columns` values at a time, keeping none: a scan of
  // millions of rows (the national dashboard) without a Result in memory.
  // SQLite steps the statement; the default (PostgreSQL) reads the result first.
  virtual void scan_integers(std::string_view sql, const Params& params, std::size_t columns,
                             const std::function<void(const std::int64_t* row)>& on_row);
  // Runs a script of several statements without parameters (migrations).
  virtual void execute_script(std::string_view sql) = 0;
  virtual void begin() = 0;
  virtual void commit() = 0;
  virtual void rollback() = 0;
  // True when the connection answers a trivial query.
  virtual bool ping() = 0;
};

class Database;

// A connection borrowed from the pool, returned when the lease dies.
class Lease {
 public:
  Lease(Database* owner, std::unique_ptr<Connection> conn) : owner_(owner), conn_(std::move(conn)) {}
  Lease(Lease&&) noexcept = default;
  Lease& operator=(Lease&&) noexcept;  // returns the connection held before
  ~Lease();
  Connection& operator*() { return *conn_; }
  Connection* operator->() { return conn_.get(); }

 private:
  Database* owner_;
  std::unique_ptr<Connection> conn_;
};

// A pool of connections to one database.
class Database {
 public:
  virtual ~Database() = default;
  virtual Engine engine() const = 0;
  // Borrows a connection; blocks while all are in use.
  virtual Lease acquire() = 0;
  // Borrows a connection if one is free or may be opened; never waits.
  virtual std::optional<Lease> try_acquire() = 0;
  // Borrows the connection for requests that write (SQLite: one connection kept
  // for them, used by one request at a time; others: any connection). See
  // SqliteDatabase::acquire_for_write.
  virtual Lease acquire_for_write() { return acquire(); }
  // For Lease only.
  virtual void release(std::unique_ptr<Connection> conn) = 0;
  // Online, consistent copy of a live database to `path` (SQLite only;
  // throws Error on PostgreSQL).
  virtual void backup_to(const std::string& path) = 0;
  const std::string& url() const { return url_; }

 protected:
  std::string url_;
};

// `url` is a SQLite file path, or a postgresql:// URI. `pool_size` connections
// at most (created lazily).
std::unique_ptr<Database> open(const std::string& url, int pool_size = 8);

// RAII transaction: rolls back unless commit() was called.
class Transaction {
 public:
  explicit Transaction(Connection& c) : c_(c) { c_.begin(); }
  ~Transaction() {
    if (!done_) {
      try {
        c_.rollback();
      } catch (...) {
      }
    }
  }
  void commit() {
    c_.commit();
    done_ = true;
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

 private:
  Connection& c_;
  bool done_ = false;
};

// SQLite plans without statistics on value ranges, so it may walk the wrong
// index; an expression written this way is never used to pick an index there
// ("+col" for numbers, "(col || '')" for text). PostgreSQL, which plans from
// its statistics, gets the column unchanged.
std::string without_index(const Connection& c, std::string_view column, bool numeric = false);

// Migrations: the embedded migrations/NNNN_name.sql files, applied in order,
// each in a transaction, recorded in schema_migrations(version, name,
// applied_at). Before running, dialect tokens are replaced:
//   {{pk}}    → INTEGER PRIMARY KEY AUTOINCREMENT | BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY
//   {{blob}}  → BLOB | BYTEA
//   {{int}}   → INTEGER | BIGINT
// Returns the names of the migrations applied now.
std::vector<std::string> migrate(Database& db);
std::string apply_dialect(std::string_view sql, Engine engine);

}  // namespace passerelle::db
