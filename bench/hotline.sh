#!/usr/bin/env bash
# Hotline benchmark (issue 6, "Benchmark": the hotline report for a year < 500 ms),
# run by `make bench` after the others (alone: `make bench-hotline`).
#
# Per engine (BENCH_ENGINES, default "sqlite postgresql"):
#   1. dataset: `passerelle demo`, `bench-data --organisations 3000 --contacts 3000`
#      (the network's members), then `bench-data --questions 200000` (2024–2025), timed;
#   2. `passerelle serve`; tokens of the demo admin (federation) and network user (Île-de-France);
#   3. the report of 2025 (volume by category and week, median and p90 of first-response
#      and resolution times, backlog, regions): GET /api/v1/hotline/report?from=2025-01-01&to=2025-12-31,
#      median of 5 after a warm-up, for the whole federation and for Île-de-France (target < 500 ms);
#      the staff queue's first page (GET /api/v1/questions?limit=50) for information;
#   4. a table in bench/results/hotline-<timestamp>.txt and bench/results/hotline-latest.md.
# Exit status 1 when a measurement fails (an answer other than 200) or misses its target.
set -Eeuo pipefail
case ":$PATH:" in *:/usr/sbin:*) ;; *) PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin ;; esac
export LC_ALL=C

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${PASSERELLE_BIN:-$ROOT/build/passerelle}
WORK=$ROOT/bench/work/hotline
RESULTS=$ROOT/bench/results
ENGINES=${BENCH_ENGINES:-sqlite postgresql}
QUESTIONS=${BENCH_HL_QUESTIONS:-200000}
ORGS=${BENCH_HL_ORGANISATIONS:-3000}
TARGET_MS=500

BENCH_TAG=hotline
source "$ROOT/bench/lib.sh"
[[ -x $BIN ]] || die "$BIN is missing"

SERVER_PID= PG_DIR= PG_PORT=
cleanup() {
  local rc=$?
  trap '' INT TERM
  stop_pid "$SERVER_PID"
  [[ -n $PG_DIR ]] && { "$ROOT/scripts/pg.sh" stop "$PG_DIR" "$PG_PORT" >/dev/null 2>&1 || true; }
  exit "$rc"
}
trap cleanup EXIT
trap 'say interrupted; exit 130' INT
trap 'exit 143' TERM


TS=$(date +%Y-%m-%dT%H%M)
mkdir -p "$WORK" "$RESULTS"
cp "$BIN" "$WORK/passerelle.$$" && mv -f "$WORK/passerelle.$$" "$WORK/passerelle"
BIN=$WORK/passerelle
COMMIT=$(GIT_OPTIONAL_LOCKS=0 git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
MACHINE="$(uname -sr), $(nproc) CPU"
LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
say "$MACHINE; load $LOAD"

FAILED=0
TABLE="| engine | questions | generation | measure | median of 5 | target | verdict |"$'\n'
TABLE+="|---|---|---|---|---|---|---|"$'\n'
for engine in $ENGINES; do
  case $engine in
    sqlite) url=$WORK/sqlite.db; rm -f "$url"{,-wal,-shm} ;;
    postgresql)
      PG_PORT=$(free_port); PG_DIR=${TMPDIR:-/tmp}/passerelle-hotline-pg-$PG_PORT
      "$ROOT/scripts/pg.sh" start "$PG_DIR" "$PG_PORT" >"$WORK/pg-start.log" 2>&1 || { cat "$WORK/pg-start.log" >&2; die "pg.sh start failed"; }
      url=postgresql://postgres@127.0.0.1:$PG_PORT/passerelle_test ;;
    *) die "unknown engine $engine" ;;
  esac
  PASSERELLE_DATABASE=$url "$BIN" demo >"$WORK/gen-$engine.log" 2>&1 || die "$engine: demo failed"
  PASSERELLE_DATABASE=$url "$BIN" bench-data --organisations "$ORGS" --contacts "$ORGS" >>"$WORK/gen-$engine.log" 2>&1 ||
    { cat "$WORK/gen-$engine.log" >&2; die "$engine: bench-data (network) failed"; }
  t0=$(now_ms)
  PASSERELLE_DATABASE=$url "$BIN" bench-data --questions "$QUESTIONS" >>"$WORK/gen-$engine.log" 2>&1 ||
    { cat "$WORK/gen-$engine.log" >&2; die "$engine: bench-data (questions) failed"; }
  gen_ms=$(($(now_ms) - t0))
  [[ $engine == postgresql ]] && psql -qAtX "$url" -c "VACUUM ANALYZE" >/dev/null
  count=$(sql "$url" "SELECT COUNT(*) FROM questions")
  say "$engine: $count questions after $gen_ms ms"
  admin=$(PASSERELLE_DATABASE=$url "$BIN" token create --user admin@demo.passerelle.fr)
  network=$(PASSERELLE_DATABASE=$url "$BIN" token create --user network@demo.passerelle.fr)
  port=$(free_port); base=http://127.0.0.1:$port
  PASSERELLE_DATABASE=$url PASSERELLE_LISTEN=127.0.0.1:$port "$BIN" serve >"$WORK/server-$engine.log" 2>&1 &
  SERVER_PID=$!
  wait_200 "$base/healthz" "$SERVER_PID" 60 || die "$engine: the server did not start"
  report="$base/api/v1/hotline/report?from=2025-01-01&to=2025-12-31"
  for who in federation idf queue; do
    case $who in
      federation) m=$(median_ms "$report" "$admin"); label="report 2025, whole federation"; target=$TARGET_MS ;;
      idf) m=$(median_ms "$report" "$network"); label="report 2025, Île-de-France"; target=$TARGET_MS ;;
      queue) m=$(median_ms "$base/api/v1/questions?limit=50" "$admin"); label="staff queue, first page (information)"; target= ;;
    esac
    verdict="-"
    if [[ $m == FAILED* ]]; then verdict="**failed**"; FAILED=1
    elif [[ -n $target ]]; then verdict=$(awk -v a="$m" -v t="$target" 'BEGIN { print (a + 0 < t + 0) ? "pass" : "**miss**" }')
      [[ $verdict == pass ]] || FAILED=1
    fi
    say "$engine: $label: $m ms ($verdict)"
    TABLE+="| $engine | $count | $((gen_ms / 1000)) s | $label | $m ms | ${target:+< $target ms} | $verdict |"$'\n'
  done
  stop_pid "$SERVER_PID"; SERVER_PID=
  if [[ $engine == postgresql ]]; then "$ROOT/scripts/pg.sh" stop "$PG_DIR" "$PG_PORT" >/dev/null 2>&1 || true; PG_DIR=; fi
done

{
  echo "# Hotline benchmark — $TS, commit $COMMIT"
  echo
  echo "$MACHINE; load at start $LOAD. Report of 2025 over $QUESTIONS questions (2024–2025) of $ORGS organisations."
  echo
  printf '%s' "$TABLE"
} | tee "$RESULTS/hotline-$TS.txt" >"$RESULTS/hotline-latest.md"
cat "$RESULTS/hotline-latest.md"
exit "$FAILED"
