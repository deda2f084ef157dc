#pragma once
// A fresh, migrated database per test, on both engines: SQLite in a temporary
// file, PostgreSQL in its own schema on the server named by PASSERELLE_TEST_PG
// (tests on PostgreSQL are skipped when it is empty; `make test` always sets it).
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>

#include "core/db/database.hpp"

namespace passerelle::testing {

class EngineTest : public ::testing::TestWithParam<db::Engine> {
 protected:
  void SetUp() override {
    namespace fs = std::filesystem;
    if (GetParam() == db::Engine::sqlite) {
      std::string pattern = (fs::temp_directory_path() / "passerelle-store-XXXXXX").string();
      if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
      dir_ = pattern;
      url_ = dir_ + "/test.db";
    } else {
      const char* base = std::getenv("PASSERELLE_TEST_PG");
      if (!base || !*base) GTEST_SKIP() << "PASSERELLE_TEST_PG is empty: PostgreSQL tests skipped";
      base_ = base;
      static std::atomic<int> n{0};
      schema_ = "store_test_" + std::to_string(getpid()) + "_" + std::to_string(++n);
      db::open(base_, 1)->acquire()->execute_script("CREATE SCHEMA " + schema_);
      url_ = base_ + (base_.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" + schema_;
    }
    database_ = db::open(url_, 4);
    db::migrate(*database_);
    lease_.emplace(database_->acquire());
  }

  void TearDown() override {
    lease_.reset();
    database_.reset();
    if (!schema_.empty()) db::open(base_, 1)->acquire()->execute_script("DROP SCHEMA " + schema_ + " CASCADE");
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  db::Connection& conn() { return **lease_; }
  db::Database& database() { return *database_; }

 private:
  std::string url_, dir_, base_, schema_;
  std::unique_ptr<db::Database> database_;
  std::optional<db::Lease> lease_;
};

inline std::string engine_name(const ::testing::TestParamInfo<db::Engine>& info) {
  return info.param == db::Engine::sqlite ? "SQLite" : "PostgreSQL";
}

}  // namespace passerelle::testing

#define INSTANTIATE_ON_BOTH_ENGINES(Fixture)                                                             \
  INSTANTIATE_TEST_SUITE_P(Engines, Fixture,                                                             \
                           ::testing::Values(passerelle::db::Engine::sqlite, passerelle::db::Engine::postgres), \
                           passerelle::testing::engine_name)
