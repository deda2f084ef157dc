// core/db on both engines: SQLite on a fresh temporary file, PostgreSQL on
// the server named by PASSERELLE_TEST_PG (each test in its own schema).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <optional>
#include <thread>
#include <unistd.h>

#include "core/db/batch.hpp"
#include "core/db/database.hpp"
#include "core/db/stamped_cache.hpp"
#include "core/embedded.hpp"

namespace {

namespace db = passerelle::db;
namespace fs = std::filesystem;
using db::Engine;
using namespace std::chrono_literals;
using namespace std::string_literals;

std::string pg_test_uri() {
  const char* v = std::getenv("PASSERELLE_TEST_PG");
  return v ? v : "";
}

fs::path fresh_temp_dir() {
  std::string pattern = (fs::temp_directory_path() / "passerelle-db-XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  return pattern;
}

// The libpq URI whose connections look up `schema` first.
std::string with_search_path(const std::string& uri, const std::string& schema) {
  return uri + (uri.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" + schema;
}

std::string unique_schema_name() {
  static std::atomic<int> n{0};
  return "db_test_" + std::to_string(getpid()) + "_" + std::to_string(++n);
}

void run_admin(const std::string& uri, const std::string& sql) { db::open(uri, 1)->acquire()->execute_script(sql); }

// The error `f` throws, if any.
std::optional<db::Error> error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const db::Error& e) {
    return e;
  }
  return std::nullopt;
}

// Whether db.acquire() succeeds within `wait`; `unblock` is then called so
// that a still-waiting acquire can finish and the thread be joined.
bool acquires_within(db::Database& d, std::chrono::milliseconds wait, const std::function<void()>& unblock) {
  std::promise<void> got;
  auto future = got.get_future();
  std::thread t([&] {
    db::Lease lease = d.acquire();
    got.set_value();
  });
  bool ok = future.wait_for(wait) == std::future_status::ready;
  unblock();
  t.join();
  return ok;
}

// "YYYY-MM-DDTHH:MM:SSZ"
bool is_iso_utc(const std::string& s) {
  const std::string shape = "dddd-dd-ddTdd:dd:ddZ";
  if (s.size() != shape.size()) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (shape[i] == 'd' ? !std::isdigit(static_cast<unsigned char>(s[i])) : s[i] != shape[i]) return false;
  }
  return true;
}

class DbTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    if (GetParam() == Engine::sqlite) {
      dir_ = fresh_temp_dir();
      url_ = (dir_ / "test.db").string();
    } else {
      pg_base_ = pg_test_uri();
      if (pg_base_.empty()) GTEST_SKIP() << "PASSERELLE_TEST_PG is empty: PostgreSQL tests skipped";
      schema_ = unique_schema_name();
      run_admin(pg_base_, "CREATE SCHEMA " + schema_);
      url_ = with_search_path(pg_base_, schema_);
    }
    db_ = db::open(url_, 4);
  }

  void TearDown() override {
    db_.reset();
    if (!schema_.empty()) run_admin(pg_base_, "DROP SCHEMA " + schema_ + " CASCADE");
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  bool pg() const { return GetParam() == Engine::postgres; }

  void script(db::Connection& c, std::string_view sql) { c.execute_script(db::apply_dialect(sql, GetParam())); }

  std::int64_t count(db::Connection& c, const std::string& table) {
    return c.query("SELECT COUNT(*) FROM " + table).rows.at(0).integer(0);
  }

  std::unique_ptr<db::Database> db_;
  std::string url_;
  fs::path dir_;
  std::string pg_base_, schema_;
};

INSTANTIATE_TEST_SUITE_P(Engines, DbTest, ::testing::Values(Engine::sqlite, Engine::postgres),
                         [](const auto& info) { return info.param == Engine::sqlite ? "SQLite" : "PostgreSQL"; });

TEST_P(DbTest, InsertReturningGivesTheNewId) {
  auto c = db_->acquire();
  script(*c, "CREATE TABLE person (id {{pk}}, name TEXT NOT NULL)");
  auto first = c->query("INSERT INTO person (name) VALUES (?) RETURNING id", {"Awa"});
  auto second = c->query("INSERT INTO person (name) VALUES (?) RETURNING id", {"Bruno"});

  ASSERT_EQ(first.rows.size(), 1u);
  EXPECT_EQ(first.columns, std::vector<std::string>{"id"});
  EXPECT_GT(first.rows[0].integer(0), 0);
  EXPECT_GT(second.rows[0].integer(0), first.rows[0].integer(0));
  EXPECT_EQ(first.affected, 1);
  auto name = c->query("SELECT name FROM person WHERE id = ?", {second.rows[0].integer(0)});
  EXPECT_EQ(name.rows.at(0).text(0), "Bruno");
}

TEST_P(DbTest, StatementsSentTogetherAnswerInOrderAndAFailureLeavesTheConnectionUsable) {
  auto c = db_->acquire();
  script(*c, "CREATE TABLE person (id {{pk}}, name TEXT NOT NULL UNIQUE)");
  c->query("INSERT INTO person (name) VALUES (?), (?), (?)", {"Awa", "Bruno", "Chloé"});
  const std::string by_name = "SELECT id FROM person WHERE name = ?";
  auto r = db::query_all(*c, {{by_name, {"Chloé"}},
                              {"SELECT name FROM person ORDER BY name", {}},
                              {by_name, {"personne"}},
                              {"SELECT COUNT(*) FROM person WHERE id > ?", {0}}});
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[0].rows.at(0).integer(0), 3);
  ASSERT_EQ(r[1].rows.size(), 3u);
  EXPECT_EQ(r[1].rows[2].text(0), "Chloé");
  EXPECT_TRUE(r[2].empty());
  EXPECT_EQ(r[3].rows.at(0).integer(0), 3);

  auto e = error_of([&] {
    db::query_all(*c, {{"SELECT name FROM person", {}}, {"INSERT INTO person (name) VALUES (?)", {"Awa"}}});
  });
  ASSERT_TRUE(e.has_value());
  EXPECT_TRUE(e->constraint());
  // Nothing left pending: the next statements answer normally.
  EXPECT_EQ(c->query("SELECT COUNT(*) FROM person").rows.at(0).integer(0), 3);
  auto again = db::query_all(*c, {{by_name, {"Awa"}}, {by_name, {"Bruno"}}});
  EXPECT_EQ(again.at(1).rows.at(0).integer(0), 2);
}

TEST_P(DbTest, IntegerRowsAreStreamedWithTheirValuesAndTheConnectionStaysUsable) {
  auto c = db_->acquire();
  script(*c, "CREATE TABLE person (id {{pk}}, name TEXT NOT NULL, age INTEGER, big BIGINT)");
  c->query("INSERT INTO person (name, age, big) VALUES (?, ?, ?), (?, ?, ?), (?, ?, ?), (?, ?, ?)",
           {"Awa", 34, std::int64_t{5'000'000'000}, "O'Brien; DROP TABLE person --", -7, std::int64_t{-1},
            "Chloé", nullptr, 0, "Dylan", 61, std::int64_t{-5'000'000'000}});
  std::vector<std::vector<std::int64_t>> rows;
  // Text parameters (a quote, a semicolon) reach the statement as values, not SQL.
  c->scan_integers("SELECT id, age, big, CASE WHEN name = ? THEN 1 ELSE 0 END FROM person WHERE name <> ? ORDER BY id",
                   {"O'Brien; DROP TABLE person --", "Dylan"}, 4,
                   [&](const std::int64_t* r) { rows.push_back({r[0], r[1], r[2], r[3]}); });
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0], (std::vector<std::int64_t>{1, 34, 5'000'000'000, 0}));
  EXPECT_EQ(rows[1], (std::vector<std::int64_t>{2, -7, -1, 1})) << "negative values keep their sign";
  EXPECT_EQ(rows[2], (std::vector<std::int64_t>{3, 0, 0, 0})) << "NULL gives 0";
  EXPECT_EQ(count(*c, "person"), 4);

  std::int64_t seen = 0;
  c->scan_integers("SELECT id FROM person WHERE id > ?", {100}, 1, [&](const std::int64_t*) { ++seen; });
  EXPECT_EQ(seen, 0) << "no row";
  EXPECT_TRUE(error_of([&] { c->scan_integers("SELECT id FROM nowhere", {}, 1, [](const std::int64_t*) {}); }));
  EXPECT_TRUE(error_of([&] {
    c->scan_integers("SELECT id FROM person", {}, 1, [](const std::int64_t* r) {
      if (r[0] == 2) throw db::Error("stop at the second row");
    });
  })) << "an error of the callback reaches the caller";
  EXPECT_EQ(count(*c, "person"), 4) << "the connection answers normally after both";
}

TEST_P(DbTest, EveryValueKindRoundTrips) {
  auto c = db_->acquire();
  script(*c,
         "CREATE TABLE kinds (id {{pk}}, i {{int}}, r DOUBLE PRECISION, t TEXT, b {{blob}},"
         " empty_t TEXT, empty_b {{blob}}, n TEXT, flag {{int}})");
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);  // starts with a NUL byte
  const std::string accents = "Élodie Müller — cœur, café ☕ 𝄞";
  const std::int64_t big = 9007199254740993;  // 2^53 + 1: not representable as a double

  c->query("INSERT INTO kinds (i, r, t, b, empty_t, empty_b, n, flag) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
           {big, 0.1, accents, db::Blob{bytes}, "", db::Blob{}, nullptr, true});
  auto r = c->query("SELECT i, r, t, b, empty_t, empty_b, n, flag FROM kinds");
  ASSERT_EQ(r.rows.size(), 1u);
  const db::Row& row = r.rows[0];

  EXPECT_EQ(std::get<std::int64_t>(row.value(0).v), big);
  EXPECT_EQ(std::get<double>(row.value(1).v), 0.1);
  EXPECT_EQ(std::get<std::string>(row.value(2).v), accents);
  EXPECT_EQ(std::get<db::Blob>(row.value(3).v).bytes, bytes);
  EXPECT_EQ(row.blob(3).size(), 256u);
  EXPECT_EQ(std::get<std::string>(row.value(4).v), "");
  EXPECT_EQ(std::get<db::Blob>(row.value(5).v).bytes, "");
  EXPECT_TRUE(row.is_null(6));
  EXPECT_EQ(row.opt_text(6), std::nullopt);
  EXPECT_EQ(row.integer(7), 1);

  // Aggregates come back as integers on both engines (PostgreSQL's SUM of a
  // BIGINT is a numeric).
  auto sums = c->query("SELECT COUNT(*), SUM(i), AVG(r) FROM kinds");
  EXPECT_EQ(std::get<std::int64_t>(sums.rows[0].value(0).v), 1);
  EXPECT_EQ(std::get<std::int64_t>(sums.rows[0].value(1).v), big);
  EXPECT_DOUBLE_EQ(sums.rows[0].real(2), 0.1);
}

TEST_P(DbTest, AffectedCountsTheChangedRows) {
  auto c = db_->acquire();
  script(*c, "CREATE TABLE item (id {{pk}}, qty {{int}} NOT NULL)");
  EXPECT_EQ(c->query("INSERT INTO item (qty) VALUES (?), (?), (?)", {1, 2, 3}).affected, 3);
  EXPECT_EQ(c->query("UPDATE item SET qty = qty + 10 WHERE qty > ?", {1}).affected, 2);
  EXPECT_EQ(c->query("UPDATE item SET qty = 0 WHERE qty > ?", {1000}).affected, 0);
  EXPECT_EQ(c->query("SELECT qty FROM item").affected, 0);  // reads change nothing
  EXPECT_EQ(c->query("DELETE FROM item").affected, 3);
}

TEST_P(DbTest, ConstraintViolationsAreFlagged) {
  auto c = db_->acquire();
  script(*c,
         "CREATE TABLE parent (id {{pk}}, code TEXT NOT NULL UNIQUE, qty {{int}} CHECK (qty >= 0));"
         "CREATE TABLE child (id {{pk}}, parent_id {{int}} NOT NULL REFERENCES parent (id));");
  c->query("INSERT INTO parent (code, qty) VALUES (?, ?)", {"A", 1});

  auto unique = error_of([&] { c->query("INSERT INTO parent (code, qty) VALUES (?, ?)", {"A", 2}); });
  auto not_null = error_of([&] { c->query("INSERT INTO parent (code, qty) VALUES (?, ?)", {nullptr, 2}); });
  auto check = error_of([&] { c->query("INSERT INTO parent (code, qty) VALUES (?, ?)", {"B", -1}); });
  auto foreign_key = error_of([&] { c->query("INSERT INTO child (parent_id) VALUES (?)", {999}); });
  auto syntax = error_of([&] { c->query("INSERT INTO nowhere VALUES (?)", {1}); });

  for (const auto& e : {unique, not_null, check, foreign_key}) {
    ASSERT_TRUE(e.has_value());
    EXPECT_TRUE(e->constraint()) << e->what();
  }
  ASSERT_TRUE(syntax.has_value());
  EXPECT_FALSE(syntax->constraint()) << syntax->what();
  EXPECT_EQ(count(*c, "parent"), 1);
}

TEST_P(DbTest, TransactionRollsBackUnlessCommitted) {
  auto c = db_->acquire();
  script(*c, "CREATE TABLE note (id {{pk}}, body TEXT)");
  {
    db::Transaction tx(*c);
    c->query("INSERT INTO note (body) VALUES (?)", {"lost"});
  }
  EXPECT_EQ(count(*c, "note"), 0);
  {
    db::Transaction tx(*c);
    c->query("INSERT INTO note (body) VALUES (?)", {"kept"});
    tx.commit();
  }
  auto other = db_->acquire();
  EXPECT_EQ(count(*other, "note"), 1);
}

TEST_P(DbTest, LeaseGivenBackInsideATransactionIsRolledBack) {
  {
    auto c = db_->acquire();
    script(*c, "CREATE TABLE note (id {{pk}}, body TEXT)");
  }
  {
    auto c = db_->acquire();
    c->begin();
    c->query("INSERT INTO note (body) VALUES (?)", {"abandoned"});
  }
  auto c = db_->acquire();  // the same connection: it is the only idle one
  EXPECT_EQ(count(*c, "note"), 0);
  db::Transaction tx(*c);  // and it is usable again
  tx.commit();
}

TEST_P(DbTest, SameStatementIsPreparedOnce) {
  auto c = db_->acquire();
  script(*c, "CREATE TABLE reuse (id {{pk}}, n {{int}})");
  const std::string insert = "INSERT INTO reuse (n) VALUES (?)";
  for (int i = 1; i <= 1000; ++i) c->query(insert, {i});

  auto totals = c->query("SELECT COUNT(*), SUM(n) FROM reuse");
  EXPECT_EQ(totals.rows[0].integer(0), 1000);
  EXPECT_EQ(totals.rows[0].integer(1), 500500);
  // Each engine lists the statements a connection holds prepared.
  std::string listing = pg() ? "SELECT COUNT(*) FROM pg_prepared_statements WHERE statement LIKE 'INSERT INTO reuse%'"
                             : "SELECT COUNT(*) FROM sqlite_stmt WHERE sql LIKE 'INSERT INTO reuse%'";
  EXPECT_EQ(c->query(listing).rows[0].integer(0), 1);
}

TEST_P(DbTest, KeysetPaginationWithRowValues) {
  auto c = db_->acquire();
  script(*c, "CREATE TABLE person (id {{pk}}, name TEXT NOT NULL)");
  for (const char* name : {"Chloé", "Awa", "Bruno", "Awa", "Chloé", "Awa", "Bruno"})
    c->query("INSERT INTO person (name) VALUES (?)", {name});
  auto all = c->query("SELECT name, id FROM person ORDER BY name, id");

  std::vector<std::int64_t> paged;
  std::string after_name;
  std::int64_t after_id = 0;
  for (int page = 0; page < 10; ++page) {
    auto r = c->query("SELECT name, id FROM person WHERE (name, id) > (?, ?) ORDER BY name, id LIMIT 3",
                      {after_name, after_id});
    if (r.empty()) break;
    for (const auto& row : r.rows) paged.push_back(row.integer(1));
    after_name = r.rows.back().text(0);
    after_id = r.rows.back().integer(1);
  }
  std::vector<std::int64_t> expected;
  for (const auto& row : all.rows) expected.push_back(row.integer(1));
  EXPECT_EQ(paged, expected);
}

TEST_P(DbTest, QuestionMarkInsideLiteralsIsNotAParameter) {
  auto c = db_->acquire();
  auto r = c->query(
      "SELECT 'why?' AS a, ? AS b, 'it''s ?' AS c /* ? */, ? AS \"d?\" -- trailing ?\n", {42, "x"});
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0].text(0), "why?");
  EXPECT_EQ(r.rows[0].integer(1), 42);
  EXPECT_EQ(r.rows[0].text(2), "it's ?");
  EXPECT_EQ(r.rows[0].text(3), "x");
  EXPECT_EQ(r.columns.at(3), "d?");
}

TEST_P(DbTest, MisusedQueryIsAnError) {
  auto c = db_->acquire();
  EXPECT_THROW(c->query("SELECT ?, ?", {1}), db::Error);
  EXPECT_THROW(c->query("SELECT 1; SELECT 2"), db::Error);  // one statement per query
  EXPECT_EQ(c->query("SELECT 1; -- done").rows.size(), 1u);
  EXPECT_TRUE(c->ping());
}

TEST_P(DbTest, StatementCacheStaysBounded) {
  auto c = db_->acquire();
  for (int i = 0; i < 600; ++i) {  // 600 different SQL texts
    EXPECT_EQ(c->query("SELECT " + std::to_string(i) + " + ?", {1}).rows[0].integer(0), i + 1);
  }
  std::string listing = pg() ? "SELECT COUNT(*) FROM pg_prepared_statements" : "SELECT COUNT(*) FROM sqlite_stmt";
  EXPECT_LE(c->query(listing).rows[0].integer(0), 600 - 512 + 2);
}

TEST_P(DbTest, TwoLeasesAreDistinctConnections) {
  auto a = db_->acquire();
  auto b = db_->acquire();
  EXPECT_NE(&*a, &*b);
  script(*a, "CREATE TABLE note (id {{pk}}, body TEXT)");
  // Uncommitted work on one connection is invisible from the other.
  db::Transaction tx(*a);
  a->query("INSERT INTO note (body) VALUES (?)", {"pending"});
  EXPECT_EQ(count(*a, "note"), 1);
  EXPECT_EQ(count(*b, "note"), 0);
}

TEST_P(DbTest, AcquireWaitsForARelease) {
  auto single = db::open(url_, 1);
  std::optional<db::Lease> held = single->acquire();
  EXPECT_FALSE(acquires_within(*single, 200ms, [&] { held.reset(); }));
  EXPECT_TRUE(acquires_within(*single, 5s, [] {}));
}

// SQLite keeps one connection for requests that write, lent to one at a time;
// the reading pool stays free meanwhile. PostgreSQL lends any pooled connection.
TEST_P(DbTest, TheWritersConnectionIsLentToOneRequestAtATime) {
  {
    auto c = db_->acquire();
    script(*c, "CREATE TABLE note (id {{pk}}, body TEXT)");
  }
  std::optional<db::Lease> writer = db_->acquire_for_write();
  (*writer)->query("INSERT INTO note (body) VALUES (?)", {"première"});
  std::promise<void> got;
  auto future = got.get_future();
  std::thread second([&] {
    db::Lease lease = db_->acquire_for_write();
    lease->query("INSERT INTO note (body) VALUES (?)", {"seconde"});
    got.set_value();
  });
  const bool at_once = future.wait_for(300ms) == std::future_status::ready;
  {
    auto reader = db_->acquire();  // readers are not held up
    EXPECT_GE(count(*reader, "note"), 1);
  }
  writer.reset();
  second.join();
  EXPECT_EQ(at_once, pg()) << "SQLite: the second writer waits for the first";
  auto c = db_->acquire();
  EXPECT_EQ(count(*c, "note"), 2);
}

// SQLite: the writers' connection does not copy the log back into the file in
// its requests; a thread does, and the log starts over instead of growing.
TEST_P(DbTest, TheWriteAheadLogIsCopiedBackBesideTheWritersAndStartsOver) {
  if (pg()) GTEST_SKIP() << "SQLite's write-ahead log";
  {
    auto c = db_->acquire();
    script(*c, "CREATE TABLE note (id {{pk}}, body TEXT)");
  }
  for (int i = 0; i < 300; ++i) {
    auto w = db_->acquire_for_write();
    db::Transaction tx(*w);
    w->query("INSERT INTO note (body) VALUES (?)", {std::string(2000, 'x')});
    tx.commit();
  }
  std::this_thread::sleep_for(600ms);  // the thread's turn (every 100 ms)
  {
    auto w = db_->acquire_for_write();
    w->query("INSERT INTO note (body) VALUES (?)", {"après"});
  }
  auto c = db_->acquire();
  auto r = c->query("PRAGMA wal_checkpoint(PASSIVE)");
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0].integer(0), 0) << "not busy";
  EXPECT_LE(r.rows[0].integer(1), 8) << "the log started over: only the last write is in it, not 300 transactions";
  EXPECT_EQ(count(*c, "note"), 301);
}

TEST_P(DbTest, AWriterLeaseGivenBackInsideATransactionIsRolledBackAndLentAgain) {
  {
    auto c = db_->acquire();
    script(*c, "CREATE TABLE note (id {{pk}}, body TEXT)");
  }
  {
    auto w = db_->acquire_for_write();
    w->begin();
    w->query("INSERT INTO note (body) VALUES (?)", {"abandonnée"});
  }  // given back mid-transaction (an exception skipped the guard)
  auto w = db_->acquire_for_write();
  db::Transaction tx(*w);
  w->query("INSERT INTO note (body) VALUES (?)", {"gardée"});
  tx.commit();
  EXPECT_EQ(count(*w, "note"), 1);
}

TEST_P(DbTest, AssigningALeaseReturnsTheConnectionItHeld) {
  auto two = db::open(url_, 2);
  std::optional<db::Lease> a = two->acquire();
  db::Lease b = two->acquire();
  *a = std::move(b);  // a's first connection goes back to the pool
  EXPECT_TRUE(acquires_within(*two, 2s, [&] { a.reset(); }));
}

TEST_P(DbTest, ConcurrentWritersAllSucceed) {
  {
    auto c = db_->acquire();
    script(*c, "CREATE TABLE hit (id {{pk}}, worker {{int}})");
  }
  std::vector<std::thread> workers;
  std::atomic<int> failures{0};
  for (int w = 0; w < 8; ++w) {
    workers.emplace_back([&, w] {
      for (int i = 0; i < 25; ++i) {
        try {
          auto c = db_->acquire();
          db::Transaction tx(*c);
          c->query("INSERT INTO hit (worker) VALUES (?)", {w});
          tx.commit();
        } catch (const db::Error& e) {
          ++failures;
          ADD_FAILURE() << e.what();
        }
      }
    });
  }
  for (auto& t : workers) t.join();
  EXPECT_EQ(failures, 0);
  auto c = db_->acquire();
  EXPECT_EQ(count(*c, "hit"), 200);
}

TEST_P(DbTest, MigrateAppliesEachEmbeddedMigrationOnce) {
  // NNNN_name.sqlite.sql / NNNN_name.postgres.sql: only the engine's own, named NNNN_name.
  const std::string own = pg() ? ".postgres" : ".sqlite", other = pg() ? ".sqlite" : ".postgres";
  std::vector<std::string> expected;
  bool saw_pair = false;
  for (const auto& f : passerelle::embedded::files()) {
    if (!f.path.starts_with("migrations/") || !f.path.ends_with(".sql")) continue;
    auto stem = fs::path(f.path).stem().string();
    if (stem.ends_with(other)) continue;
    if (stem.ends_with(own)) {
      stem.resize(stem.size() - own.size());
      saw_pair = true;
    }
    expected.push_back(stem);
  }
  std::sort(expected.begin(), expected.end());
  EXPECT_TRUE(saw_pair) << "no engine-specific migration left to test";
  EXPECT_TRUE(std::ranges::adjacent_find(expected) == expected.end()) << "a version applied twice";

  EXPECT_EQ(db::migrate(*db_), expected);
  EXPECT_TRUE(db::migrate(*db_).empty());

  auto c = db_->acquire();
  auto rows = c->query("SELECT version, name, applied_at FROM schema_migrations ORDER BY version").rows;
  ASSERT_EQ(rows.size(), expected.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i].text(1), expected[i]);
    EXPECT_EQ(rows[i].integer(0), std::stoll(expected[i]));
    EXPECT_TRUE(is_iso_utc(rows[i].text(2))) << rows[i].text(2);
  }
}

// Migration 0015: the directory's stamp moves with every write to users (name,
// disabled), user roles and organisations, whoever writes (triggers), and a list
// kept under an older stamp is built again.
TEST_P(DbTest, DirectoryStampMovesWithTheDirectoryAndRenewsKeptLists) {
  db::migrate(*db_);
  auto c = db_->acquire();
  const auto s0 = db::change_stamp(*c, "directory");
  c->query("INSERT INTO users (email, display_name, password_hash, created_at) VALUES (?, ?, ?, ?)",
           {"awa.diallo@plie-nantes.fr", "Awa Diallo", "x", "2026-12-07T08:00:00Z"});
  const auto s1 = db::change_stamp(*c, "directory");
  EXPECT_GT(s1, s0);
  c->query("UPDATE users SET password_hash = ? WHERE email = ?", {"y", "awa.diallo@plie-nantes.fr"});
  EXPECT_EQ(db::change_stamp(*c, "directory"), s1) << "a password change does not touch the lists";
  c->query("UPDATE users SET display_name = ? WHERE email = ?", {"Awa Diallo-Koné", "awa.diallo@plie-nantes.fr"});
  const auto s2 = db::change_stamp(*c, "directory");
  EXPECT_GT(s2, s1);

  db::StampedCache<std::vector<std::string>> cache;
  int builds = 0;
  auto names = [&] {
    ++builds;
    std::vector<std::string> out;
    for (auto& r : c->query("SELECT display_name FROM users ORDER BY id").rows) out.push_back(r.text(0));
    return out;
  };
  EXPECT_EQ(cache.get("referents", db::change_stamp(*c, "directory"), names)->back(), "Awa Diallo-Koné");
  EXPECT_EQ(cache.get("referents", db::change_stamp(*c, "directory"), names)->back(), "Awa Diallo-Koné");
  EXPECT_EQ(builds, 1);
  c->query("UPDATE users SET disabled = 1 WHERE email = ?", {"awa.diallo@plie-nantes.fr"});
  c->query("UPDATE users SET display_name = ? WHERE email = ?", {"Awa Koné", "awa.diallo@plie-nantes.fr"});
  EXPECT_EQ(cache.get("referents", db::change_stamp(*c, "directory"), names)->back(), "Awa Koné");
  EXPECT_EQ(builds, 2);
}

TEST_P(DbTest, BackupCopiesALiveDatabase) {
  if (pg()) {
    auto e = error_of([&] { db_->backup_to("/tmp/never.db"); });
    ASSERT_TRUE(e.has_value());
    EXPECT_NE(std::string(e->what()).find("pg_dump"), std::string::npos);
    return;
  }
  auto c = db_->acquire();
  script(*c, "CREATE TABLE note (id {{pk}}, body TEXT)");
  for (int i = 0; i < 100; ++i) c->query("INSERT INTO note (body) VALUES (?)", {"note " + std::to_string(i)});
  db::Transaction pending(*c);  // a write in progress is not in the copy
  c->query("INSERT INTO note (body) VALUES (?)", {"uncommitted"});

  const std::string copy_path = (dir_ / "copy.db").string();
  db_->backup_to(copy_path);
  EXPECT_THROW(db_->backup_to(copy_path), db::Error);  // never overwrites

  auto copy = db::open(copy_path, 1);
  auto cc = copy->acquire();
  EXPECT_EQ(count(*cc, "note"), 100);
  EXPECT_EQ(cc->query("PRAGMA integrity_check").rows.at(0).text(0), "ok");
}

TEST_P(DbTest, CachedStatementFollowsASchemaChange) {
  auto c = db_->acquire();
  script(*c, "CREATE TABLE person (id {{pk}}, name TEXT)");
  c->query("INSERT INTO person (name) VALUES (?)", {"Awa"});
  EXPECT_EQ(c->query("SELECT * FROM person").columns.size(), 2u);
  c->execute_script("ALTER TABLE person ADD COLUMN city TEXT");
  auto r = c->query("SELECT * FROM person");
  EXPECT_EQ(r.columns.size(), 3u);
  EXPECT_TRUE(r.rows.at(0).is_null(2));
}

TEST_P(DbTest, PingAnswers) {
  auto c = db_->acquire();
  EXPECT_TRUE(c->ping());
  EXPECT_EQ(c->engine(), GetParam());
  EXPECT_EQ(db_->engine(), GetParam());
}

// ---------------------------------------------------------------- PostgreSQL only

TEST_P(DbTest, PostgresSessionIsUtcAndUtf8) {
  if (!pg()) GTEST_SKIP() << "PostgreSQL only";
  auto c = db_->acquire();
  EXPECT_EQ(c->query("SELECT current_setting('TimeZone')").rows[0].text(0), "UTC");
  EXPECT_EQ(c->query("SELECT current_setting('client_encoding')").rows[0].text(0), "UTF8");
}

TEST_P(DbTest, PostgresQuotingFormsKeepTheirQuestionMarks) {
  if (!pg()) GTEST_SKIP() << "PostgreSQL only";
  auto c = db_->acquire();
  auto r = c->query("SELECT E'a\\'?', $$b?$$, $t$c?$t$, ?::int + 1, true", {1});
  EXPECT_EQ(r.rows[0].text(0), "a'?");
  EXPECT_EQ(r.rows[0].text(1), "b?");
  EXPECT_EQ(r.rows[0].text(2), "c?");
  EXPECT_EQ(r.rows[0].integer(3), 2);
  EXPECT_EQ(r.rows[0].integer(4), 1);
}

TEST_P(DbTest, PostgresCommitAfterAnErrorThrows) {
  if (!pg()) GTEST_SKIP() << "PostgreSQL only";
  auto c = db_->acquire();
  script(*c, "CREATE TABLE note (id {{pk}}, body TEXT NOT NULL)");
  db::Transaction tx(*c);
  c->query("INSERT INTO note (body) VALUES (?)", {"first"});
  EXPECT_THROW(c->query("INSERT INTO note (body) VALUES (?)", {nullptr}), db::Error);
  EXPECT_THROW(tx.commit(), db::Error);  // PostgreSQL rolled everything back
}

TEST_P(DbTest, PostgresReconnectsAfterTheServerDropsTheConnection) {
  if (!pg()) GTEST_SKIP() << "PostgreSQL only";
  auto c = db_->acquire();
  auto pid = c->query("SELECT pg_backend_pid()").rows[0].integer(0);
  run_admin(pg_base_, "SELECT pg_terminate_backend(" + std::to_string(pid) + ")");
  (void)error_of([&] { c->query("SELECT 1"); });  // discovers the loss
  EXPECT_TRUE(c->ping());
  EXPECT_NE(c->query("SELECT pg_backend_pid()").rows[0].integer(0), pid);
  EXPECT_EQ(c->query("SELECT ? + 1", {1}).rows[0].integer(0), 2);  // statements prepared again
}

TEST_P(DbTest, PostgresTransactionCutByTheServerIsNotSilentlyContinued) {
  if (!pg()) GTEST_SKIP() << "PostgreSQL only";
  auto c = db_->acquire();
  script(*c, "CREATE TABLE note (id {{pk}}, body TEXT)");
  {
    db::Transaction tx(*c);
    c->query("INSERT INTO note (body) VALUES (?)", {"first"});
    auto pid = c->query("SELECT pg_backend_pid()").rows[0].integer(0);
    run_admin(pg_base_, "SELECT pg_terminate_backend(" + std::to_string(pid) + ")");
    (void)error_of([&] { c->query("SELECT 1"); });  // discovers the loss
    // Reconnected, but the transaction is gone: no write may go through.
    EXPECT_THROW(c->query("INSERT INTO note (body) VALUES (?)", {"second"}), db::Error);
    EXPECT_THROW(tx.commit(), db::Error);
  }
  EXPECT_EQ(count(*c, "note"), 0);  // usable again once rolled back
}

// ---------------------------------------------------------------- engine-free

TEST(DbDialect, ReplacesEveryToken) {
  const std::string sql = "CREATE TABLE f (id {{pk}}, data {{blob}}, size {{int}}, other {{int}})";
  EXPECT_EQ(db::apply_dialect(sql, Engine::sqlite),
            "CREATE TABLE f (id INTEGER PRIMARY KEY AUTOINCREMENT, data BLOB, size INTEGER, other INTEGER)");
  EXPECT_EQ(db::apply_dialect(sql, Engine::postgres),
            "CREATE TABLE f (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, data BYTEA, size BIGINT, "
            "other BIGINT)");
  EXPECT_EQ(db::apply_dialect("SELECT '{{x}}'", Engine::postgres), "SELECT '{{x}}'");
}

TEST(DbRow, AccessorsConvertBetweenKinds) {
  db::Row row({db::Value(42), db::Value("17"), db::Value(2.5), db::Value(), db::Value(db::Blob{"a\0b"s}),
               db::Value("abc")});
  EXPECT_EQ(row.integer(1), 17);
  EXPECT_EQ(row.text(0), "42");
  EXPECT_EQ(row.text(2), "2.5");
  EXPECT_DOUBLE_EQ(row.real(0), 42.0);
  EXPECT_EQ(row.integer(3), 0);
  EXPECT_EQ(row.text(3), "");
  EXPECT_EQ(row.opt_text(3), std::nullopt);
  EXPECT_EQ(row.opt_integer(0), 42);
  EXPECT_EQ(row.blob(4), "a\0b"s);
  EXPECT_THROW(row.integer(5), db::Error);
  EXPECT_THROW(row.blob(0), db::Error);
}

TEST(DbOpen, CreatesTheFolderOfANewSqliteFile) {
  fs::path dir = fresh_temp_dir();
  fs::path file = dir / "data" / "nested" / "passerelle.db";
  {
    auto d = db::open(file.string());
    EXPECT_EQ(d->engine(), Engine::sqlite);
    EXPECT_TRUE(d->acquire()->ping());
  }
  EXPECT_TRUE(fs::exists(file));
  fs::remove_all(dir);
}

TEST(DbOpen, InMemoryDatabaseKeepsItsDataAcrossLeases) {
  auto d = db::open(":memory:", 8);
  d->acquire()->execute_script("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (7);");
  EXPECT_EQ(d->acquire()->query("SELECT x FROM t").rows.at(0).integer(0), 7);
}

}  // namespace
