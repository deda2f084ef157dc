# Passerelle — the commands a developer types.
#
#   make run     install what is missing, build, migrate (+ demo data in a new database), serve
#   make test    every test suite on SQLite and PostgreSQL; last line "N passed, M failed"
#   make bench   benchmarks (bench/run.sh)
#   make build   Release build of every target in build/
#   make deps    install missing Debian and npm packages
#   make clean   remove build trees and test results (never data/)
#
# PASSERELLE_DATABASE (a SQLite path or a postgresql:// URI) is honoured;
# without it `make run` uses data/passerelle.db.

SHELL := /bin/bash
.DEFAULT_GOAL := build

BUILD_DIR := build
BIN       := $(BUILD_DIR)/passerelle
DEFAULT_DATABASE := data/passerelle.db

.PHONY: deps build server run test bench bench-followup bench-clauses bench-employment bench-events bench-hotline bench-resources bench-mailings clean

deps:
	@scripts/install-deps.sh

build: deps
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build $(BUILD_DIR)

# A new database (a SQLite file that does not exist yet, or a PostgreSQL database with
# no table) is migrated and gets the demo data, whose logins `passerelle demo` prints.
# An existing one is only migrated. Then the server runs in the foreground.
# Only the server is built here (the tests are built by `make build` / `make test`).
server: deps
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build $(BUILD_DIR) --target passerelle

run: server
	@set -euo pipefail; \
	db="$${PASSERELLE_DATABASE:-$(DEFAULT_DATABASE)}"; \
	export PASSERELLE_DATABASE="$$db"; \
	case "$$db" in \
	  postgres://*|postgresql://*) \
	    tables=$$(psql "$$db" -tAXc "select count(*) from information_schema.tables where table_schema = 'public'" 2>/dev/null || echo unknown); \
	    if [ "$$tables" = 0 ]; then new=1; else new=0; fi ;; \
	  *) \
	    mkdir -p "$$(dirname "$$db")"; \
	    if [ -e "$$db" ]; then new=0; else new=1; fi ;; \
	esac; \
	if [ "$$new" = 1 ]; then \
	  echo "New database $$db: migrating and loading the demo data"; \
	  $(BIN) migrate; \
	  $(BIN) demo; \
	else \
	  echo "Existing database $$db: migrating (demo data not reloaded)"; \
	  $(BIN) migrate; \
	fi; \
	exec $(BIN) serve

test:
	@scripts/test.sh

# Every benchmark runs even when one reports a failure; the status is 1 if any failed.
# Benchmarks run PostgreSQL with 1 GB of shared buffers (scripts/pg.sh; `make test` keeps the default).
bench bench-followup bench-clauses bench-employment bench-events bench-hotline bench-resources bench-mailings: export PG_SHARED_BUFFERS := 1GB

bench: build
	@bash bench/run.sh; a=$$?; bash bench/followup.sh; b=$$?; bash bench/clauses.sh; c=$$?; bash bench/employment.sh; d=$$?; bash bench/events.sh; e=$$?; bash bench/hotline.sh; f=$$?; bash bench/resources.sh; g=$$?; bash bench/mailings.sh; h=$$?; exit $$(( a || b || c || d || e || f || g || h ))

# The follow-up benchmark alone (issue 3): BENCH_FU_SCALES="100 10 1" adds the national scale.
bench-followup: build
	@bash bench/followup.sh

# The clauses benchmark alone (issue 4): BENCH_CL_SCALES="10 1" adds the issue's full size.
bench-clauses: build
	@bash bench/clauses.sh

# The CV-search benchmark alone (issue 4): BENCH_EMP_PROFILES (200000), BENCH_ENGINES.
bench-employment: build
	@bash bench/employment.sh

# The events benchmark alone (issue 5): BENCH_EV_EVENTS, BENCH_EV_REGISTRATIONS, BENCH_ENGINES.
bench-events: build
	@bash bench/events.sh

# The hotline benchmark alone (issue 6): BENCH_HL_QUESTIONS (200000), BENCH_ENGINES.
bench-hotline: build
	@bash bench/hotline.sh

# The resource-library benchmark alone (issue 6): BENCH_RES_RESOURCES (20000), BENCH_ENGINES.
bench-resources: build
	@bash bench/resources.sh

# The mailings benchmark alone (issue 6: the outbox delivers ≥ 200 mails/s): BENCH_ML_MAILS (5000), BENCH_ENGINES.
bench-mailings: build
	@bash bench/mailings.sh

clean:
	rm -rf $(BUILD_DIR) build-asan test-results
