// SQLite driver: a pool of connections to one file, each with its own cache
// of prepared statements.
#include <sqlite3.h>

#include <cctype>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>

#include "core/db/database.hpp"

namespace passerelle::db {

namespace {

// Bounds the statement cache when callers build SQL text on the fly (IN
// lists of varying length): past this, the cache starts over.
constexpr std::size_t kMaxCachedStatements = 512;

// SQLite's memory statistics take one process-wide mutex on every allocation,
// which the pool's connections then fight over (bench/: a directory search on
// 100,000 organisations took 14-21 ms of CPU with it, 12 ms without). Set
// before SQLite initialises.
[[maybe_unused]] const int kMemstatusOff = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);

bool is_constraint(int rc) { return (rc & 0xff) == SQLITE_CONSTRAINT; }

[[noreturn]] void fail(sqlite3* db, int rc, std::string_view context = {}) {
  std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  if (!context.empty()) msg += " — " + std::string(context);
  throw Error(msg, is_constraint(rc));
}

// Lets the statement cache be searched with a string_view without a copy.
struct SqlHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// Puts a cached statement back to its initial state whatever happens: a
// statement left mid-step would keep its read snapshot open and block WAL
// checkpoints.
struct ResetOnExit {
  sqlite3_stmt* stmt;
  ~ResetOnExit() {
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
  }
};

// One writer at a time per database file, queued in the process. SQLite lets
// only one connection write; the others' busy handler polls with sleeps of 1 to
// 100 ms, so under concurrent writes most of the time went to sleeping
// (bench/followup.sh: 470 sleeps for 300 POSTs with 4 clients). Waiting on a
// mutex wakes the next writer as soon as the lock is free. The busy timeout
// still covers other processes (the command line). Recursive: a handler that
// writes through a second connection inside a transaction gets SQLite's own
// busy error after the timeout, as before, not a deadlock on this gate.
struct WriteGate {
  std::recursive_timed_mutex mutex;
};
constexpr auto kWriteWait = std::chrono::milliseconds(5000);

class SqliteConnection final : public Connection {
 public:
  SqliteConnection(const std::string& path, std::shared_ptr<WriteGate> gate) : gate_(std::move(gate)) {
    // NOMUTEX: a connection is used by one thread at a time (see Lease).
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
    if (rc != SQLITE_OK) {
      std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
      sqlite3_close_v2(db_);
      throw Error("Impossible d'ouvrir la base SQLite " + path + " : " + msg);
    }
    sqlite3_extended_result_codes(db_, 1);
    // Set first, so that switching to WAL waits for another process too.
    sqlite3_busy_timeout(db_, 5000);
    try {
      execute_script("PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;");
      // Reads through a shared memory map of the file (up to the library's
      // compiled limit, 2 GB on Debian) instead of one pread() and a copy per
      // page into each connection's own 2 MB cache: on a national table the
      // pages of one referent's participants are spread over the whole file,
      // so the default cache missed on nearly every row (bench/followup.sh:
      // "À contacter" halved from 1/100 to 1/10). The larger page cache keeps
      // the pages beyond the mapped part.
      execute_script("PRAGMA mmap_size=2147418112; PRAGMA cache_size=-32768;");
    } catch (...) {
      sqlite3_close_v2(db_);
      throw;
    }
  }

  ~SqliteConnection() override {
    release_gate();
    forget_statements();
    sqlite3_close_v2(db_);
  }

  Engine engine() const override { return Engine::sqlite; }

  Result query(std::string_view sql, const Params& params) override {
    sqlite3_stmt* stmt = prepared(sql);
    ResetOnExit guard{stmt};
    bind(stmt, params);
    // A write outside a transaction takes the gate for its own statement.
    if (!gate_held_ && !sqlite3_stmt_readonly(stmt) && sqlite3_get_autocommit(db_)) {
      std::unique_lock lock(gate_->mutex, std::defer_lock);
      if (!lock.try_lock_for(kWriteWait)) throw busy();
      return run(stmt);
    }
    return run(stmt);
  }

  void scan_integers(std::string_view sql, const Params& params, std::size_t columns,
                     const std::function<void(const std::int64_t* row)>& on_row) override {
    sqlite3_stmt* stmt = prepared(sql);
    ResetOnExit guard{stmt};
    bind(stmt, params);
    if (!sqlite3_stmt_readonly(stmt)) throw Error("scan_integers is for reads only: " + std::string(sql));
    const int n = static_cast<int>(columns);
    if (sqlite3_column_count(stmt) < n) throw Error("scan_integers: fewer columns than asked: " + std::string(sql));
    std::vector<std::int64_t> row(columns);
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      for (int c = 0; c < n; ++c) row[c] = sqlite3_column_int64(stmt, c);
      on_row(row.data());
    }
    if (rc != SQLITE_DONE) fail(db_, rc);
  }

  void execute_script(std::string_view sql) override {
    std::string text(sql);  // sqlite3_exec wants a NUL-terminated string
    char* err = nullptr;
    int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
      std::string msg = err ? err : sqlite3_errstr(rc);
      sqlite3_free(err);
      throw Error(msg, is_constraint(rc));
    }
  }

  // IMMEDIATE takes the write lock now: a deferred transaction that reads
  // then writes can fail with SQLITE_BUSY without waiting for busy_timeout.
  // The gate is taken first and kept until the transaction ends.
  void begin() override {
    if (!gate_->mutex.try_lock_for(kWriteWait)) throw busy();
    gate_held_ = true;
    try {
      query("BEGIN IMMEDIATE", {});
    } catch (...) {
      release_gate();
      throw;
    }
  }
  void commit() override {
    query("COMMIT", {});
    if (!in_transaction()) release_gate();
  }
  // SQLite may already have rolled back by itself (e.g. after SQLITE_FULL).
  void rollback() override {
    try {
      if (in_transaction()) query("ROLLBACK", {});
    } catch (...) {
      if (!in_transaction()) release_gate();
      throw;
    }
    release_gate();
  }

  bool ping() override {
    try {
      auto r = query("SELECT 1", {});
      return !r.empty() && r.rows[0].integer(0) == 1;
    } catch (const Error&) {
      return false;
    }
  }

  bool in_transaction() const { return !sqlite3_get_autocommit(db_); }
  sqlite3* handle() const { return db_; }

 private:
  sqlite3_stmt* prepared(std::string_view sql) {
    if (auto it = statements_.find(sql); it != statements_.end()) return it->second;
    if (statements_.size() >= kMaxCachedStatements) forget_statements();
    sqlite3_stmt* stmt = nullptr;
    const char* tail = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt,
                                &tail);
    if (rc != SQLITE_OK) fail(db_, rc, sql);
    if (!stmt) throw Error("Empty SQL statement");
    if (has_another_statement(tail, sql.data() + sql.size())) {
      sqlite3_finalize(stmt);
      throw Error("One statement per query (use execute_script for several): " + std::string(sql));
    }
    statements_.emplace(std::string(sql), stmt);
    return stmt;
  }

  void forget_statements() {
    for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
    statements_.clear();
  }

  // What follows the first statement may only be blanks, `;` or comments:
  // SQLite would silently ignore a second statement.
  bool has_another_statement(const char* tail, const char* end) {
    while (tail < end && (std::isspace(static_cast<unsigned char>(*tail)) || *tail == ';')) ++tail;
    if (tail == end) return false;
    sqlite3_stmt* next = nullptr;
    int rc = sqlite3_prepare_v2(db_, tail, static_cast<int>(end - tail), &next, nullptr);
    sqlite3_finalize(next);
    return rc != SQLITE_OK || next != nullptr;
  }

  void bind(sqlite3_stmt* stmt, const Params& params) {
    int expected = sqlite3_bind_parameter_count(stmt);
    if (expected != static_cast<int>(params.size()))
      throw Error("Statement expects " + std::to_string(expected) + " parameters, got " +
                  std::to_string(params.size()) + ": " + sqlite3_sql(stmt));
    for (int i = 0; i < expected; ++i) {
      int rc = bind_one(stmt, i + 1, params[i]);
      if (rc != SQLITE_OK) fail(db_, rc);
    }
  }

  // SQLITE_STATIC: `params` outlives the statement's use, and the bindings
  // are cleared before query() returns, so no copy is needed.
  static int bind_one(sqlite3_stmt* stmt, int i, const Value& value) {
    return std::visit(
        [&](const auto& x) -> int {
          using T = std::decay_t<decltype(x)>;
          if constexpr (std::is_same_v<T, std::nullptr_t>) return sqlite3_bind_null(stmt, i);
          else if constexpr (std::is_same_v<T, std::int64_t>) return sqlite3_bind_int64(stmt, i, x);
          else if constexpr (std::is_same_v<T, double>) return sqlite3_bind_double(stmt, i, x);
          else if constexpr (std::is_same_v<T, std::string>)
            return sqlite3_bind_text64(stmt, i, x.data(), x.size(), SQLITE_STATIC, SQLITE_UTF8);
          else if (x.bytes.empty()) return sqlite3_bind_zeroblob(stmt, i, 0);  // empty, not NULL
          else return sqlite3_bind_blob64(stmt, i, x.bytes.data(), x.bytes.size(), SQLITE_STATIC);
        },
        value.v);
  }

  Result run(sqlite3_stmt* stmt) {
    Result result;
    int rc = sqlite3_step(stmt);
    // Columns are read after the first step: if the schema changed since the
    // statement was cached, that step re-prepares it (SELECT * may widen).
    const int ncols = sqlite3_column_count(stmt);
    for (int c = 0; c < ncols; ++c) result.columns.emplace_back(sqlite3_column_name(stmt, c));
    for (; rc == SQLITE_ROW; rc = sqlite3_step(stmt)) result.rows.push_back(read_row(stmt, ncols));
    if (rc != SQLITE_DONE) fail(db_, rc);
    // sqlite3_changes keeps the count of the last write, so only ask it after
    // a statement that writes.
    if (!sqlite3_stmt_readonly(stmt)) result.affected = sqlite3_changes64(db_);
    return result;
  }

  static Row read_row(sqlite3_stmt* stmt, int ncols) {
    std::vector<Value> cols;
    cols.reserve(ncols);
    for (int c = 0; c < ncols; ++c) cols.push_back(read_column(stmt, c));
    return Row(std::move(cols));
  }

  static Value read_column(sqlite3_stmt* stmt, int c) {
    switch (sqlite3_column_type(stmt, c)) {
      case SQLITE_INTEGER:
        return Value(static_cast<long long>(sqlite3_column_int64(stmt, c)));
      case SQLITE_FLOAT:
        return Value(sqlite3_column_double(stmt, c));
      case SQLITE_TEXT: {
        auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
        return Value(std::string(p, sqlite3_column_bytes(stmt, c)));
      }
      case SQLITE_BLOB: {
        auto* p = static_cast<const char*>(sqlite3_column_blob(stmt, c));
        int n = sqlite3_column_bytes(stmt, c);
        return Value(Blob{p ? std::string(p, n) : std::string()});
      }
      default:
        return Value();
    }
  }

  void release_gate() {
    if (gate_held_) {
      gate_held_ = false;
      gate_->mutex.unlock();
    }
  }

  static Error busy() {
    return Error("La base de données est occupée par une autre écriture ; réessayez dans un instant.");
  }

  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*, SqlHash, std::equal_to<>> statements_;
  std::shared_ptr<WriteGate> gate_;
  bool gate_held_ = false;
};

class SqliteDatabase final : public Database {
 public:
  SqliteDatabase(const std::string& path, int pool_size) : path_(path) {
    url_ = path;
    // Each connection to ":memory:" would be a separate, empty database.
    max_ = path == ":memory:" ? 1 : pool_size;
  }

  Engine engine() const override { return Engine::sqlite; }

  // Hands out an idle connection, opens a new one while under the limit,
  // otherwise waits for a release.
  Lease acquire() override { return *take(true); }

  // The connection kept for requests that write, one request at a time. In WAL
  // mode a connection that sees another connection's commit drops its page
  // cache and unmaps the file (SQLite's pagerBeginReadTransaction), then reads
  // every page again: when every request writes, every request paid that on
  // whichever pooled connection it got (bench/followup.sh: 700 contacts/s with
  // four threads, 1 700/s with one). Writes are serialised by SQLite anyway;
  // on this connection they only ever see their own commits, so its cache stays
  // warm. Its transactions still take the write gate like any other.
  Lease acquire_for_write() override {
    if (max_ == 1) return acquire();  // ":memory:": the only connection there is
    std::unique_lock lock(mutex_);
    available_.wait(lock, [&] { return writer_ != nullptr || !writer_opened_; });
    if (writer_) return Lease(this, std::move(writer_));
    writer_opened_ = true;
    lock.unlock();
    try {
      auto conn = std::make_unique<SqliteConnection>(path_, gate_);
      // Its commits do not copy the log back into the file themselves (up to
      // two fsyncs inside a request): a thread does it beside them.
      conn->execute_script("PRAGMA wal_autocheckpoint=0;");
      start_checkpointer();
      writer_raw_ = conn.get();
      return Lease(this, std::move(conn));
    } catch (...) {
      std::lock_guard again(mutex_);
      writer_opened_ = false;
      available_.notify_all();
      throw;
    }
  }
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
      return Lease(this, std::make_unique<SqliteConnection>(path_, gate_));
    } catch (...) {
      forget_one();
      throw;
    }
  }

  void release(std::unique_ptr<Connection> conn) override {
    auto* sc = dynamic_cast<SqliteConnection*>(conn.get());
    if (sc && sc == writer_raw_) {
      const bool clean = make_clean(*sc);
      std::lock_guard lock(mutex_);
      if (clean) {
        writer_.reset(static_cast<SqliteConnection*>(conn.release()));
      } else {
        conn.reset();
        writer_raw_ = nullptr;
        writer_opened_ = false;
      }
      available_.notify_all();
      return;
    }
    if (!sc || !make_clean(*sc)) {
      conn.reset();
      forget_one();
      return;
    }
    std::lock_guard lock(mutex_);
    idle_.push_back(std::unique_ptr<SqliteConnection>(static_cast<SqliteConnection*>(conn.release())));
    available_.notify_all();
  }

  void backup_to(const std::string& path) override;

  ~SqliteDatabase() override {
    if (checkpointer_.joinable()) {
      checkpointer_.request_stop();
      checkpointer_.join();
    }
  }

 private:
  // Copies the write-ahead log back into the database file every 100 ms
  // (PASSIVE: never waits for readers or the writer, so it never holds them up).
  void start_checkpointer() {
    if (checkpointer_.joinable()) return;
    checkpointer_ = std::jthread([path = path_, gate = gate_](std::stop_token stop) {
      std::unique_ptr<SqliteConnection> conn;
      std::mutex m;
      std::condition_variable_any wake;
      while (!stop.stop_requested()) {
        {
          std::unique_lock lock(m);
          wake.wait_for(lock, stop, std::chrono::milliseconds(100), [] { return false; });
        }
        if (stop.stop_requested()) break;
        try {
          if (!conn) conn = std::make_unique<SqliteConnection>(path, std::make_shared<WriteGate>());
          // First beside the writers (the bulk of the copy and its fsyncs), then
          // between two write transactions (the gate held) for the few frames
          // committed meanwhile: the copy then reaches the end of the log, and
          // the next writer starts the log over instead of letting it grow.
          int log = 0, copied = 0;
          sqlite3_wal_checkpoint_v2(conn->handle(), "main", SQLITE_CHECKPOINT_PASSIVE, &log, &copied);
          if (log <= 0) continue;  // nothing was written since the last time
          std::unique_lock writing(gate->mutex, std::defer_lock);
          if (!writing.try_lock_for(kWriteWait)) continue;
          sqlite3_wal_checkpoint_v2(conn->handle(), "main", SQLITE_CHECKPOINT_PASSIVE, &log, &copied);
        } catch (const std::exception&) {
          conn.reset();  // tried again at the next tick
        }
      }
    });
  }

  // A connection given back inside a transaction (an exception skipped the
  // Transaction guard) must not leak that transaction to its next user.
  static bool make_clean(SqliteConnection& c) {
    if (!c.in_transaction()) return true;
    try {
      c.rollback();
      return true;
    } catch (const Error&) {
      return false;
    }
  }

  void forget_one() {
    std::lock_guard lock(mutex_);
    --open_;
    available_.notify_all();
  }

  std::string path_;
  int max_;
  std::shared_ptr<WriteGate> gate_ = std::make_shared<WriteGate>();
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<SqliteConnection>> idle_;
  int open_ = 0;
  std::jthread checkpointer_;
  std::unique_ptr<SqliteConnection> writer_;  // the writers' connection, when not lent
  SqliteConnection* writer_raw_ = nullptr;    // that connection, lent or not
  bool writer_opened_ = false;
};

// Online backup: copies the pages of a consistent snapshot while the server
// keeps reading and writing (WAL lets writers go on during the copy).
void SqliteDatabase::backup_to(const std::string& path) {
  if (std::filesystem::exists(path)) throw Error("Le fichier de sauvegarde existe déjà : " + path);
  Lease lease = acquire();
  sqlite3* source = static_cast<SqliteConnection&>(*lease).handle();
  sqlite3* dest = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  auto cleanup = [&](bool remove) {
    sqlite3_close_v2(dest);
    if (remove) std::filesystem::remove(path);
  };
  if (rc != SQLITE_OK) {
    std::string msg = dest ? sqlite3_errmsg(dest) : sqlite3_errstr(rc);
    cleanup(true);
    throw Error("Impossible de créer la sauvegarde " + path + " : " + msg);
  }

  sqlite3_backup* backup = sqlite3_backup_init(dest, "main", source, "main");
  if (!backup) {
    std::string msg = sqlite3_errmsg(dest);
    cleanup(true);
    throw Error("Sauvegarde impossible : " + msg);
  }
  // All pages in one step, so the copy is one snapshot; retry a while if
  // the source is locked (e.g. by a checkpoint).
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  do {
    rc = sqlite3_backup_step(backup, -1);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  } while ((rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED) &&
           std::chrono::steady_clock::now() < deadline);
  int finished = sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE || finished != SQLITE_OK) {
    std::string msg = sqlite3_errstr(rc != SQLITE_DONE ? rc : finished);
    cleanup(true);
    throw Error("Sauvegarde interrompue : " + msg);
  }
  cleanup(false);
}

}  // namespace

std::unique_ptr<Database> open_sqlite(const std::string& path, int pool_size) {
  return std::make_unique<SqliteDatabase>(path, pool_size);
}

}  // namespace passerelle::db
