#!/usr/bin/env bash
# Resource library benchmark (issue 6, "Benchmark": with 20,000 resources, the
# resource search ≥ 0.1× nginx req/s), run by `make bench` after the others
# (alone: `make bench-resources`).
#
# Per engine (BENCH_ENGINES, default "sqlite postgresql"):
#   1. dataset: `passerelle demo`, then `bench-data --resources 20000`, timed;
#   2. `passerelle serve`; a token of the demo member (Solipass, Pays de la Loire);
#   3. wrk (same settings as bench/run.sh), in one run: nginx's static file (the
#      ceiling); the search GET /api/v1/resources?q=… as the member, rotating over
#      16 searches of one or two words, ranked, first page of 20 (target ≥ 0.1× nginx;
#      a member's result pages are kept in memory until the library changes, so after
#      the first round this measures that cache); the same searches as the demo
#      administrator, whose searches are never cached (staff see drafts and every
#      audience): every search reads the database (same target); the same searches
#      as pages /ressources?q=… by an anonymous visitor (information);
#   4. a table in bench/results/resources-<timestamp>.txt and bench/results/resources-latest.md.
# Exit status 1 when a measurement is invalid (answers ≥ 400, no wrk summary) or misses its target.
set -Eeuo pipefail
case ":$PATH:" in *:/usr/sbin:*) ;; *) PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin ;; esac
export LC_ALL=C

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${PASSERELLE_BIN:-$ROOT/build/passerelle}
WORK=$ROOT/bench/work/resources
RESULTS=$ROOT/bench/results
LUA=$ROOT/bench/wrk.lua
NGINX=${NGINX:-/usr/sbin/nginx}
WRK=${WRK:-/usr/bin/wrk}
THREADS=${BENCH_THREADS:-2}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
DURATION=${BENCH_DURATION:-10}
WARMUP=${BENCH_WARMUP:-2}
ENGINES=${BENCH_ENGINES:-sqlite postgresql}
RESOURCES=${BENCH_RES_RESOURCES:-20000}
TARGET=0.1

BENCH_TAG=resources
source "$ROOT/bench/lib.sh"
[[ -x $BIN ]] || die "$BIN is missing"
[[ -x $NGINX && -x $WRK ]] || die "nginx or wrk missing: run scripts/install-deps.sh"

SERVER_PID= NGINX_PID= WRK_PID= PG_DIR= PG_PORT=
cleanup() {
  local rc=$?
  trap '' INT TERM
  stop_pid "$WRK_PID"; stop_pid "$SERVER_PID"; stop_pid "$NGINX_PID"
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
WRK_ARGS=(-t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency --timeout 5s)
COMMIT=$(GIT_OPTIONAL_LOCKS=0 git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
MACHINE="$(uname -sr), $(nproc) CPU"
LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
say "$MACHINE; load $LOAD; wrk ${WRK_ARGS[*]}"

start_nginx_ceiling

# Searches a member types: subjects of the generated resources (src/resources/bench_data.cpp),
# without accents, some by a prefix, some of two words.
SEARCHES=(alimentaire plaidoyer "lettre%20motivation" "formation%20numerique" "activite%20partielle" "pass%20iae"
  sanitaires psychologique "garde%20enfants" caf juridique "clauses%20sociales" reprise "fonds%20social" mobilit logement)

FAILED=0
TABLE="| engine | resources | generation | nginx req/s | measure | result | p50 | p99 | × nginx | target | verdict |"$'\n'
TABLE+="|---|---|---|---|---|---|---|---|---|---|---|"$'\n'
RAW=
for engine in $ENGINES; do
  case $engine in
    sqlite) url=$WORK/sqlite.db; rm -f "$url"{,-wal,-shm} ;;
    postgresql)
      PG_PORT=$(free_port); PG_DIR=${TMPDIR:-/tmp}/passerelle-resources-pg-$PG_PORT
      "$ROOT/scripts/pg.sh" start "$PG_DIR" "$PG_PORT" >"$WORK/pg-start.log" 2>&1 || { cat "$WORK/pg-start.log" >&2; die "pg.sh start failed"; }
      url=postgresql://postgres@127.0.0.1:$PG_PORT/passerelle_test ;;
    *) die "unknown engine $engine" ;;
  esac
  PASSERELLE_DATABASE=$url "$BIN" demo >"$WORK/gen-$engine.log" 2>&1 || die "$engine: demo failed"
  t0=$(now_ms)
  PASSERELLE_DATABASE=$url "$BIN" bench-data --resources "$RESOURCES" >>"$WORK/gen-$engine.log" 2>&1 ||
    { cat "$WORK/gen-$engine.log" >&2; die "$engine: bench-data (resources) failed"; }
  gen_ms=$(($(now_ms) - t0))
  [[ $engine == postgresql ]] && psql -qAtX "$url" -c "VACUUM ANALYZE" >/dev/null
  count=$(sql "$url" "SELECT COUNT(*) FROM resources")
  say "$engine: $count resources after $gen_ms ms"
  member=$(PASSERELLE_DATABASE=$url "$BIN" token create --user member@demo.passerelle.fr)
  staff=$(PASSERELLE_DATABASE=$url "$BIN" token create --user admin@demo.passerelle.fr)
  port=$(free_port); base=http://127.0.0.1:$port
  PASSERELLE_DATABASE=$url PASSERELLE_LISTEN=127.0.0.1:$port "$BIN" serve >"$WORK/server-$engine.log" 2>&1 &
  SERVER_PID=$!
  wait_200 "$base/healthz" "$SERVER_PID" 60 || die "$engine: the server did not start"

  API_PATHS=$WORK/api-paths.txt PAGE_PATHS=$WORK/page-paths.txt
  printf '/api/v1/resources?q=%s\n' "${SEARCHES[@]}" >"$API_PATHS"
  printf '/ressources?q=%s\n' "${SEARCHES[@]}" >"$PAGE_PATHS"
  hits=$(curl -s -H "Authorization: Bearer $member" "$base/api/v1/resources?q=alimentaire" | grep -o '"id":' | wc -l)
  [[ $hits -ge 20 ]] || die "$engine: the search finds too few resources ($hits)"

  run_wrk /dev/null $((WARMUP + 30)) -t1 -c4 -d"${WARMUP}s" "$NGINX_URL" || true
  run_wrk "$WORK/wrk-$engine-nginx.out" $((DURATION + 60)) "${WRK_ARGS[@]}" -s "$LUA" "$NGINX_URL" || true
  BENCH_PATHS=$API_PATHS run_wrk /dev/null $((WARMUP + 30)) -t1 -c4 -d"${WARMUP}s" -s "$LUA" \
    -H "Authorization: Bearer $member" "$base" || true
  BENCH_PATHS=$API_PATHS run_wrk "$WORK/wrk-$engine-api.out" $((DURATION + 60)) "${WRK_ARGS[@]}" -s "$LUA" \
    -H "Authorization: Bearer $member" "$base" || true
  BENCH_PATHS=$API_PATHS run_wrk "$WORK/wrk-$engine-staff.out" $((DURATION + 60)) "${WRK_ARGS[@]}" -s "$LUA" \
    -H "Authorization: Bearer $staff" "$base" || true
  BENCH_PATHS=$PAGE_PATHS run_wrk "$WORK/wrk-$engine-page.out" $((DURATION + 60)) "${WRK_ARGS[@]}" -s "$LUA" "$base" || true
  RAW+=$'\n'"===== $engine nginx"$'\n'"$(cat "$WORK/wrk-$engine-nginx.out")"$'\n'"===== $engine API search"$'\n'"$(cat "$WORK/wrk-$engine-api.out")"$'\n'"===== $engine API search (staff, not cached)"$'\n'"$(cat "$WORK/wrk-$engine-staff.out")"$'\n'"===== $engine page search"$'\n'"$(cat "$WORK/wrk-$engine-page.out")"$'\n'
  nline=$(bench_line "$WORK/wrk-$engine-nginx.out") || true
  aline=$(bench_line "$WORK/wrk-$engine-api.out") || true
  sline=$(bench_line "$WORK/wrk-$engine-staff.out") || true
  pline=$(bench_line "$WORK/wrk-$engine-page.out") || true
  if [[ -z $nline || -z $aline || -z $sline || -z $pline ]]; then
    FAILED=1; TABLE+="| $engine | $count | $gen_ms ms | - | - | - | - | - | - | - | FAILED: no wrk summary |"$'\n'
  else
    nrps=$(field "$nline" rps)
    for which in api staff page; do
      case $which in api) line=$aline ;; staff) line=$sline ;; page) line=$pline ;; esac
      rps=$(field "$line" rps) st=$(field "$line" status)
      r=$(ratio "$rps" "$nrps")
      case $which in
        api) v=$(verdict "$r" "$TARGET"); label="search API (member, result pages kept in memory)"; target="≥ $TARGET" ;;
        staff) v=$(verdict "$r" "$TARGET"); label="search API (staff, not cached: every search reads the database)"; target="≥ $TARGET" ;;
        page) v="-"; label="search page (anonymous, information)"; target= ;;
      esac
      ((st > 0)) && v="FAILED: $st answers ≥ 400"
      [[ $v == pass || $v == - ]] || FAILED=1
      TABLE+="| $engine | $count | $gen_ms ms | $nrps | $label | $rps req/s | $(ms "$(field "$line" p50_us)") | $(ms "$(field "$line" p99_us)") | $r | $target | $v |"$'\n'
      say "$engine: nginx $nrps req/s, $label $rps req/s (× $r) $v"
    done
  fi
  stop_pid "$SERVER_PID"; SERVER_PID=
  if [[ $engine == postgresql ]]; then "$ROOT/scripts/pg.sh" stop "$PG_DIR" "$PG_PORT" >/dev/null 2>&1 || true; PG_DIR=; fi
done

{
  echo "# Resources benchmark — $TS (commit $COMMIT, $MACHINE)"
  echo
  echo "$RESOURCES resources (2015–2026, every kind and audience); ${#SEARCHES[@]} searches in rotation, ranked, first page of 20;"
  echo "wrk ${WRK_ARGS[*]}; nginx serving a static file in the same run is the ceiling; load average at start: $LOAD."
  echo
  printf '%s' "$TABLE"
} | tee "$RESULTS/resources-latest.md"
printf '%s\n%s' "$(cat "$RESULTS/resources-latest.md")" "$RAW" >"$RESULTS/resources-$TS.txt"
exit "$FAILED"
