// PostgreSQL driver (libpq): a pool of connections to one server, each with
// its own cache of server-side prepared statements.
#include <libpq-fe.h>

#include <charconv>
#include <condition_variable>
#include <cctype>
#include <exception>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "core/db/batch.hpp"
#include "core/db/database.hpp"

namespace passerelle::db {

namespace {

// Type OIDs from the server's catalog/pg_type.h (fixed since forever).
constexpr Oid kBool = 16, kBytea = 17, kInt8 = 20, kInt2 = 21, kInt4 = 23, kOid = 26;
constexpr Oid kFloat4 = 700, kFloat8 = 701, kNumeric = 1700;

// Bounds the statement cache when callers build SQL text on the fly (IN
// lists of varying length): past this, the cache starts over.
constexpr std::size_t kMaxCachedStatements = 512;

// ---------------------------------------------------------------- placeholders

bool is_ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$'; }

std::size_t end_of(std::string_view s, std::string_view close, std::size_t from) {
  auto p = s.find(close, from);
  return p == std::string_view::npos ? s.size() : p + close.size();
}

// 'text', E'te\'xt' ('' needs no care: it reads as two adjacent literals).
std::size_t end_of_string(std::string_view s, std::size_t i) {
  bool backslashes = i > 0 && (s[i - 1] == 'E' || s[i - 1] == 'e') && (i < 2 || !is_ident_char(s[i - 2]));
  for (std::size_t j = i + 1; j < s.size(); ++j) {
    if (backslashes && s[j] == '\\') ++j;
    else if (s[j] == '\'') return j + 1;
  }
  return s.size();
}

// $$body$$ or $tag$body$tag$; `$1` is not a tag.
std::size_t end_of_dollar_quote(std::string_view s, std::size_t i) {
  if (i > 0 && is_ident_char(s[i - 1])) return i;
  std::size_t j = i + 1;
  if (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) return i;
  while (j < s.size() && is_ident_char(s[j]) && s[j] != '$') ++j;
  if (j >= s.size() || s[j] != '$') return i;
  return end_of(s, s.substr(i, j - i + 1), j + 1);
}

// Where the literal or comment starting at `i` ends; `i` if none starts there.
std::size_t skip_literal(std::string_view s, std::size_t i) {
  char c = s[i];
  char next = i + 1 < s.size() ? s[i + 1] : '\0';
  if (c == '\'') return end_of_string(s, i);
  if (c == '"') return end_of(s, "\"", i + 1);
  if (c == '-' && next == '-') return end_of(s, "\n", i + 2);
  if (c == '/' && next == '*') return end_of(s, "*/", i + 2);
  if (c == '$') return end_of_dollar_quote(s, i);
  return i;
}

// Copies `sql`, handing each `?` outside literals, quoted names and comments to
// `placeholder` (its number from 0), which appends what replaces it.
template <class F>
std::string replace_placeholders(std::string_view sql, F&& placeholder) {
  std::string out;
  out.reserve(sql.size() + 16);
  std::size_t n = 0;
  for (std::size_t i = 0; i < sql.size();) {
    std::size_t end = skip_literal(sql, i);
    if (end != i) {
      out.append(sql.substr(i, end - i));
      i = end;
    } else if (sql[i] == '?') {
      placeholder(out, n++);
      ++i;
    } else {
      out += sql[i++];
    }
  }
  return out;
}

// `?` → `$1`, `$2`…
// (PostgreSQL's jsonb `?` operators cannot be used through this interface.)
std::string number_placeholders(std::string_view sql) {
  return replace_placeholders(sql, [](std::string& out, std::size_t n) { out += '$' + std::to_string(n + 1); });
}

// `?` → each parameter as an SQL literal (escaped by libpq), for the one
// statement that takes no parameters but needs values: COPY (SELECT …).
std::string inline_parameters(PGconn* conn, std::string_view sql, const Params& params) {
  std::size_t used = 0;
  auto out = replace_placeholders(sql, [&](std::string& out, std::size_t n) {
    if (n >= params.size()) throw Error("Not enough parameters for: " + std::string(sql));
    used = n + 1;
    std::visit(
        [&](const auto& x) {
          using T = std::decay_t<decltype(x)>;
          if constexpr (std::is_same_v<T, std::nullptr_t>) out += "NULL";
          else if constexpr (std::is_same_v<T, std::int64_t>) out += std::to_string(x);
          else if constexpr (std::is_same_v<T, double>) {
            char buf[32];
            auto [e, ec] = std::to_chars(buf, buf + sizeof buf, x);
            out.append(buf, e);
          } else if constexpr (std::is_same_v<T, std::string>) {
            std::unique_ptr<char, decltype(&PQfreemem)> lit(PQescapeLiteral(conn, x.data(), x.size()), &PQfreemem);
            if (!lit) throw Error(PQerrorMessage(conn));
            out += lit.get();
          } else throw Error("A BLOB cannot be inlined in a COPY statement");
        },
        params[n].v);
  });
  if (used != params.size()) throw Error("Too many parameters for: " + std::string(sql));
  return out;
}

// A signed big-endian integer of 2, 4 or 8 bytes (COPY's binary format).
std::int64_t big_endian(const char* p, int len) {
  std::uint64_t v = 0;
  for (int i = 0; i < len; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  if (len < 8 && (v >> (8 * len - 1)) & 1) v |= ~std::uint64_t{0} << (8 * len);  // sign
  return static_cast<std::int64_t>(v);
}

// ---------------------------------------------------------------- results

using ResultPtr = std::unique_ptr<PGresult, decltype(&PQclear)>;

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

std::string trimmed(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  return s;
}

std::string sqlstate_of(const PGresult* res) {
  const char* state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
  return state ? state : "";
}

// Class 23: integrity constraint violation (unique, foreign key, check, not null).
Error error_from(PGconn* conn, const PGresult* res) {
  if (!res) return Error(trimmed(PQerrorMessage(conn)));
  return Error(trimmed(PQresultErrorMessage(res)), starts_with(sqlstate_of(res), "23"));
}

bool succeeded(const PGresult* res) {
  if (!res) return false;
  auto status = PQresultStatus(res);
  return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
}

// Integral numerics (SUM of BIGINT, ROUND…) come back as integers, as they
// do on SQLite; others as double.
Value real_value(std::string_view s) {
  double d = 0;
  std::from_chars(s.data(), s.data() + s.size(), d);  // "NaN", "Infinity" included
  return Value(d);
}

Value integer_value(std::string_view s) {
  std::int64_t i = 0;
  std::from_chars(s.data(), s.data() + s.size(), i);
  return Value(static_cast<long long>(i));
}

Value numeric_value(std::string_view s) {
  std::int64_t i = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), i);
  if (ec == std::errc() && end == s.data() + s.size()) return Value(static_cast<long long>(i));
  return real_value(s);  // "12.50", "NaN", or too large for 64 bits
}

Value bytea_value(const char* text) {
  std::size_t n = 0;
  unsigned char* bytes = PQunescapeBytea(reinterpret_cast<const unsigned char*>(text), &n);
  if (!bytes) throw Error("Could not decode a bytea value");
  Blob blob{std::string(reinterpret_cast<const char*>(bytes), n)};
  PQfreemem(bytes);
  return Value(std::move(blob));
}

Value read_value(const PGresult* res, int row, int col, Oid type) {
  if (PQgetisnull(res, row, col)) return Value();
  const char* text = PQgetvalue(res, row, col);
  std::string_view s(text, PQgetlength(res, row, col));
  switch (type) {
    case kInt2: case kInt4: case kInt8: case kOid:
      return integer_value(s);
    case kFloat4: case kFloat8:
      return real_value(s);
    case kNumeric:
      return numeric_value(s);
    case kBool:
      return Value(s == "t");
    case kBytea:
      return bytea_value(text);
    default:
      return Value(std::string(s));
  }
}

// PQcmdTuples also counts the rows of a SELECT; `affected` only counts writes.
std::int64_t changed_rows(PGresult* res) {
  std::string_view tag = PQcmdStatus(res);
  if (!starts_with(tag, "INSERT") && !starts_with(tag, "UPDATE") && !starts_with(tag, "DELETE") &&
      !starts_with(tag, "MERGE"))
    return 0;
  std::string_view n = PQcmdTuples(res);
  std::int64_t out = 0;
  std::from_chars(n.data(), n.data() + n.size(), out);
  return out;
}

Result to_result(PGresult* res) {
  Result result;
  const int ncols = PQnfields(res), nrows = PQntuples(res);
  std::vector<Oid> types(ncols);
  for (int c = 0; c < ncols; ++c) {
    result.columns.emplace_back(PQfname(res, c));
    types[c] = PQftype(res, c);
  }
  result.rows.reserve(nrows);
  for (int r = 0; r < nrows; ++r) {
    std::vector<Value> cols;
    cols.reserve(ncols);
    for (int c = 0; c < ncols; ++c) cols.push_back(read_value(res, r, c, types[c]));
    result.rows.emplace_back(std::move(cols));
  }
  result.affected = changed_rows(res);
  return result;
}

// ---------------------------------------------------------------- parameters

// libpq's parallel arrays. Values are sent as text (the server converts them
// to the column's type), blobs in binary so NUL bytes survive.
class ParamArrays {
 public:
  explicit ParamArrays(const Params& params) {
    text_.reserve(params.size());  // no reallocation: values_ points into it
    for (const auto& p : params) add(p);
  }
  int size() const { return static_cast<int>(values_.size()); }
  const char* const* values() const { return values_.data(); }
  const int* lengths() const { return lengths_.data(); }
  const int* formats() const { return formats_.data(); }

 private:
  void add(const Value& p) {
    std::visit(
        [&](const auto& x) {
          using T = std::decay_t<decltype(x)>;
          if constexpr (std::is_same_v<T, std::nullptr_t>) push(nullptr, 0, 0);
          else if constexpr (std::is_same_v<T, std::string>) push(x.data(), static_cast<int>(x.size()), 0);
          else if constexpr (std::is_same_v<T, Blob>) push(x.bytes.data(), static_cast<int>(x.bytes.size()), 1);
          else push_text(number_text(x));
        },
        p.v);
  }
  static std::string number_text(std::int64_t x) { return std::to_string(x); }
  static std::string number_text(double x) {  // shortest text that reads back exactly
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, x);
    return std::string(buf, end);
  }
  void push_text(std::string s) {
    text_.push_back(std::move(s));
    push(text_.back().c_str(), static_cast<int>(text_.back().size()), 0);
  }
  void push(const char* v, int len, int format) {
    values_.push_back(v);
    lengths_.push_back(len);
    formats_.push_back(format);
  }

  std::vector<std::string> text_;
  std::vector<const char*> values_;
  std::vector<int> lengths_, formats_;
};

// ---------------------------------------------------------------- connection

std::vector<Result> one_by_one(Connection& c, const std::vector<Statement>& statements) {
  std::vector<Result> out;
  out.reserve(statements.size());
  for (const auto& s : statements) out.push_back(c.query(s.sql, s.params));
  return out;
}

class PgConnection final : public Connection {
 public:
  explicit PgConnection(const std::string& uri) {
    // Later keywords override the URI's own settings.
    const char* keys[] = {"dbname", "fallback_application_name", "client_encoding", nullptr};
    const char* values[] = {uri.c_str(), "passerelle", "UTF8", nullptr};
    conn_ = PQconnectdbParams(keys, values, 1);
    if (PQstatus(conn_) != CONNECTION_OK) {
      std::string msg = trimmed(PQerrorMessage(conn_));
      PQfinish(conn_);
      throw Error("Connexion à PostgreSQL impossible : " + msg);
    }
    try {
      start_session();
    } catch (...) {
      PQfinish(conn_);
      throw;
    }
  }

  ~PgConnection() override { PQfinish(conn_); }

  Engine engine() const override { return Engine::postgres; }

  Result query(std::string_view sql, const Params& params) override {
    ready();
    ResultPtr res = execute(sql, params);
    // "cached plan must not change result type" (a column was added under a
    // SELECT *): prepare afresh; outside a transaction nothing ran, so the
    // statement can simply be tried again.
    if (res && sqlstate_of(res.get()) == "0A000") {
      forget_statement(sql);
      if (PQtransactionStatus(conn_) == PQTRANS_IDLE) res = execute(sql, params);
    }
    if (!succeeded(res.get())) throw error_from(conn_, res.get());
    return to_result(res.get());
  }

  // Pipeline mode: every statement is prepared first (a synchronous round trip
  // only the first time a connection sees it), then all are sent, one Sync, and
  // the answers read in order.
  std::vector<Result> pipeline(const std::vector<Statement>& statements) {
    ready();
    std::vector<const std::string*> names;
    names.reserve(statements.size());
    for (const auto& s : statements) names.push_back(&prepared(s.sql));
    if (!PQenterPipelineMode(conn_)) return one_by_one(*this, statements);
    struct Exit {
      PGconn* c;
      ~Exit() { PQexitPipelineMode(c); }
    };
    std::vector<Result> out;
    std::optional<Error> failure;
    {
      Exit guard{conn_};
      bool sent = true;
      for (std::size_t i = 0; i < statements.size() && sent; ++i) {
        ParamArrays args(statements[i].params);
        sent = PQsendQueryPrepared(conn_, names[i]->c_str(), args.size(), args.values(), args.lengths(),
                                   args.formats(), 0) == 1;
      }
      sent = sent && PQpipelineSync(conn_) == 1;
      if (!sent) failure = Error(trimmed(PQerrorMessage(conn_)));
      // Reads every answer up to the Sync, even after a failure, so that the
      // connection is left ready for its next user.
      while (sent) {
        ResultPtr res(PQgetResult(conn_), &PQclear);
        if (!res) continue;  // end of one statement's results
        auto status = PQresultStatus(res.get());
        if (status == PGRES_PIPELINE_SYNC) break;
        if (status == PGRES_PIPELINE_ABORTED) continue;
        if (!succeeded(res.get())) {
          if (!failure) failure = error_from(conn_, res.get());
        } else {
          out.push_back(to_result(res.get()));
        }
      }
    }
    if (failure) throw *failure;
    if (out.size() != statements.size()) throw Error("PostgreSQL pipeline: answers missing");
    return out;
  }

  void execute_script(std::string_view sql) override {
    ready();
    exec(std::string(sql));
  }

  // COPY (query) TO STDOUT in binary: the rows stream as they are produced, a
  // few bytes per integer, without a result set in memory on either side (the
  // national dashboard's four million interactions of a month).
  void scan_integers(std::string_view sql, const Params& params, std::size_t columns,
                     const std::function<void(const std::int64_t* row)>& on_row) override {
    ready();
    const std::string copy = "COPY (" + inline_parameters(conn_, sql, params) + ") TO STDOUT WITH (FORMAT binary)";
    {
      ResultPtr res(PQexec(conn_, copy.c_str()), &PQclear);
      if (PQresultStatus(res.get()) != PGRES_COPY_OUT) throw error_from(conn_, res.get());
    }
    std::vector<std::int64_t> row(columns);
    std::optional<Error> failure;
    std::exception_ptr thrown;
    bool header = true;
    for (;;) {
      char* buf = nullptr;
      const int n = PQgetCopyData(conn_, &buf, 0);
      if (n == -1) break;  // done
      if (n < 0) {
        failure = Error(trimmed(PQerrorMessage(conn_)));
        break;
      }
      std::unique_ptr<char, decltype(&PQfreemem)> data(buf, &PQfreemem);
      if (failure || thrown) continue;  // read to the end all the same
      const char* p = buf;
      const char* end = buf + n;
      if (header) {  // "PGCOPY\n\377\r\n\0", flags, extension length and extension
        header = false;
        if (n < 19) {
          failure = Error("COPY binaire : en-tête tronqué");
          continue;
        }
        p += 11 + 4;
        p += 4 + big_endian(p, 4);
      }
      if (end - p < 2) continue;
      const auto fields = big_endian(p, 2);
      p += 2;
      if (fields < 0) continue;  // trailer
      if (static_cast<std::size_t>(fields) < columns) {
        failure = Error("scan_integers: fewer columns than asked: " + std::string(sql));
        continue;
      }
      for (std::size_t c = 0; c < columns; ++c) {
        const auto len = big_endian(p, 4);
        p += 4;
        if (len < 0) {
          row[c] = 0;  // NULL
        } else {
          if (len != 2 && len != 4 && len != 8) {
            failure = Error("scan_integers: column " + std::to_string(c) + " is not an integer: " + std::string(sql));
            break;
          }
          row[c] = big_endian(p, static_cast<int>(len));
          p += len;
        }
      }
      if (failure || thrown) continue;
      try {
        on_row(row.data());
      } catch (...) {
        thrown = std::current_exception();  // rethrown once the connection has read everything
      }
    }
    for (;;) {  // the command's end (or its error)
      ResultPtr res(PQgetResult(conn_), &PQclear);
      if (!res) break;
      if (!failure && !succeeded(res.get())) failure = error_from(conn_, res.get());
    }
    if (failure) throw *failure;
    if (thrown) std::rethrow_exception(thrown);
  }

  void begin() override {
    ready();
    exec("BEGIN");
    in_transaction_ = true;
  }

  // COMMIT of a transaction that already failed answers "ROLLBACK" instead
  // of an error; the caller must know its work was not saved.
  void commit() override {
    ready();
    in_transaction_ = false;  // over, whatever COMMIT answers
    ResultPtr res = exec("COMMIT");
    if (std::string_view(PQcmdStatus(res.get())) == "ROLLBACK")
      throw Error("Transaction annulée par PostgreSQL après une erreur (COMMIT impossible)");
  }

  // The server already rolled back if the connection is gone, or after a
  // failed COMMIT: only send ROLLBACK when a transaction is open.
  void rollback() override {
    in_transaction_ = false;
    if (PQstatus(conn_) == CONNECTION_OK && PQtransactionStatus(conn_) != PQTRANS_IDLE) exec("ROLLBACK");
  }

  bool ping() override {
    try {
      ensure_connected();
      exec("SELECT 1");
      return true;
    } catch (const Error&) {
      return false;
    }
  }

  // False when the connection cannot be handed to the next user as it is.
  bool make_clean() {
    if (PQstatus(conn_) != CONNECTION_OK) return false;
    auto status = PQtransactionStatus(conn_);
    if (status == PQTRANS_ACTIVE || status == PQTRANS_UNKNOWN) return false;
    try {
      rollback();
      return true;
    } catch (const Error&) {
      return false;
    }
  }

 private:
  // Session settings are lost with the connection, so they are set again
  // after every reconnection, and the statement cache starts empty.
  //
  // Generic plans: every statement is prepared once per connection and its
  // plan kept. In the default "auto" mode PostgreSQL plans again at each
  // execution whenever the generic plan's estimate is higher than the custom
  // ones — which a parameterised LIMIT or scope range always makes it — and
  // planning then costs far more than running: the member's registrations of
  // an event, 5 tables, 1.3–8 ms to plan for 0.2 ms to run. Measured on the
  // event page (20,000 events, 400,000 registrations): 993 → 1,909 req/s, the
  // events report unchanged (60–80 ms). Our statements filter on keys, scope
  // ranges and word ranges (never a LIKE prefix on an index), where the
  // generic plan is the custom one.
  void start_session() {
    statements_.clear();
    exec("SET TIME ZONE 'UTC'; SET client_min_messages = warning; SET plan_cache_mode = force_generic_plan");
  }

  // Before each statement. After a reconnection, a transaction the caller
  // opened is gone: going on would write outside it, so refuse until rollback.
  void ready() {
    ensure_connected();
    if (in_transaction_ && PQtransactionStatus(conn_) == PQTRANS_IDLE)
      throw Error("Connexion à PostgreSQL perdue pendant une transaction : elle a été annulée");
  }

  // A connection dropped by the server (restart, idle timeout) is reopened
  // before use rather than failing every request that borrows it.
  void ensure_connected() {
    if (PQstatus(conn_) == CONNECTION_OK) return;
    PQreset(conn_);
    if (PQstatus(conn_) != CONNECTION_OK)
      throw Error("Connexion à PostgreSQL perdue : " + trimmed(PQerrorMessage(conn_)));
    start_session();
  }

  ResultPtr execute(std::string_view sql, const Params& params) {
    const std::string& name = prepared(sql);
    ParamArrays args(params);
    return ResultPtr(
        PQexecPrepared(conn_, name.c_str(), args.size(), args.values(), args.lengths(), args.formats(), 0),
        &PQclear);
  }

  ResultPtr exec(const std::string& sql) {
    ResultPtr res(PQexec(conn_, sql.c_str()), &PQclear);
    if (!succeeded(res.get())) throw error_from(conn_, res.get());
    return res;
  }

  // Name of the server-side statement for `sql`, prepared on first use.
  const std::string& prepared(std::string_view sql) {
    if (auto it = statements_.find(sql); it != statements_.end()) return it->second;
    if (statements_.size() >= kMaxCachedStatements) forget_statements();
    std::string name = "passerelle_" + std::to_string(++prepared_count_);
    std::string numbered = number_placeholders(sql);
    ResultPtr res(PQprepare(conn_, name.c_str(), numbered.c_str(), 0, nullptr), &PQclear);
    if (!succeeded(res.get())) {
      Error e = error_from(conn_, res.get());
      throw Error(std::string(e.what()) + " — " + numbered, e.constraint());
    }
    return statements_.emplace(std::string(sql), std::move(name)).first->second;
  }

  // DEALLOCATE is refused inside a failed transaction; the cache then
  // simply grows a little more until the next statement.
  void forget_statements() {
    if (PQtransactionStatus(conn_) == PQTRANS_INERROR) return;
    exec("DEALLOCATE ALL");
    statements_.clear();
  }

  void forget_statement(std::string_view sql) {
    if (auto it = statements_.find(sql); it != statements_.end()) statements_.erase(it);
  }

  struct SqlHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  PGconn* conn_ = nullptr;
  std::unordered_map<std::string, std::string, SqlHash, std::equal_to<>> statements_;
  std::uint64_t prepared_count_ = 0;
  bool in_transaction_ = false;  // opened by begin(), not yet ended
};

// ---------------------------------------------------------------- pool

class PgDatabase final : public Database {
 public:
  PgDatabase(const std::string& uri, int pool_size) : max_(pool_size) { url_ = uri; }

  Engine engine() const override { return Engine::postgres; }

  // Hands out an idle connection, opens a new one while under the limit,
  // otherwise waits for a release.
  Lease acquire() override { return *take(true); }
  // The same without waiting: nothing when every connection is in use.
  std::optional<Lease> try_acquire() override { return take(false); }

  std::optional<Lease> take(bool wait) {
    std::unique_lock lock(mutex_);
    if (wait)
      available_.wait(lock, [&] { return !idle_.empty() || open_ < max_; });
    else if (idle_.empty() && open_ >= max_)
      return std::nullopt;
    if (!idle_.empty()) {
      auto conn = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(conn));
    }
    ++open_;
    lock.unlock();
    try {
      return Lease(this, std::make_unique<PgConnection>(url_));
    } catch (...) {
      forget_one();
      throw;
    }
  }

  // A connection given back inside a transaction (an exception skipped the
  // Transaction guard) is rolled back; a broken one is closed.
  void release(std::unique_ptr<Connection> conn) override {
    auto* pc = dynamic_cast<PgConnection*>(conn.get());
    if (!pc || !pc->make_clean()) {
      conn.reset();
      forget_one();
      return;
    }
    std::lock_guard lock(mutex_);
    idle_.push_back(std::unique_ptr<PgConnection>(static_cast<PgConnection*>(conn.release())));
    available_.notify_one();
  }

  void backup_to(const std::string&) override {
    throw Error(
        "Sur PostgreSQL, utilisez pg_dump : pg_dump -Fc -f sauvegarde.dump \"$PASSERELLE_DATABASE\" "
        "(restauration : pg_restore -d \"URI\" sauvegarde.dump)");
  }

 private:
  void forget_one() {
    std::lock_guard lock(mutex_);
    --open_;
    available_.notify_one();
  }

  int max_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<PgConnection>> idle_;
  int open_ = 0;
};

}  // namespace

std::vector<Result> query_all(Connection& c, const std::vector<Statement>& statements) {
  if (statements.size() > 1)
    if (auto* pg = dynamic_cast<PgConnection*>(&c)) return pg->pipeline(statements);
  return one_by_one(c, statements);
}

std::unique_ptr<Database> open_postgres(const std::string& uri, int pool_size) {
  return std::make_unique<PgDatabase>(uri, pool_size);
}

}  // namespace passerelle::db
