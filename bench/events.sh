#!/usr/bin/env bash
# Events benchmark (issue 5, "Benchmark"): run by `make bench` after the others.
#
# Per engine (BENCH_ENGINES, default "sqlite postgresql"):
#   1. dataset: `passerelle demo`, `bench-data --organisations 3000 --contacts 30000`
#      (the network's members), then `bench-data --events 50000 --registrations 1000000`, timed;
#   2. `passerelle serve`; the demo member (Solipass, Pays de la Loire) logged in,
#      tokens of the demo admin (federation) and network user (Île-de-France);
#   3. wrk (same settings as bench/run.sh), in one run: nginx's static file (the
#      ceiling); the event page /evenements/{id} with its seat counts, as the member,
#      rotating over 64 events open to their region (target ≥ 0.1× nginx); registering
#      through the API (POST /api/v1/registrations, the seat check under the event's
#      lock), each request a new person × open event (target ≥ 1,000/s on SQLite);
#   4. the participation report of a year (per event, member and region, members
#      who never come): GET /api/v1/events/reports?from=2025-01-01&to=2025-12-31,
#      median of 5, for the Île-de-France delegation and for the whole federation
#      (target < 200 ms);
#   5. a table in bench/results/events-<timestamp>.txt and bench/results/events-latest.md.
# Exit status 1 when a measurement is invalid (answers ≥ 400, refused registrations, no wrk summary).
set -Eeuo pipefail
case ":$PATH:" in *:/usr/sbin:*) ;; *) PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin ;; esac
export LC_ALL=C

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${PASSERELLE_BIN:-$ROOT/build/passerelle}
WORK=$ROOT/bench/work/events
RESULTS=$ROOT/bench/results
LUA=$ROOT/bench/wrk.lua
NGINX=${NGINX:-/usr/sbin/nginx}
WRK=${WRK:-/usr/bin/wrk}
THREADS=${BENCH_THREADS:-2}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
DURATION=${BENCH_DURATION:-10}
WARMUP=${BENCH_WARMUP:-2}
ENGINES=${BENCH_ENGINES:-sqlite postgresql}
EVENTS=${BENCH_EV_EVENTS:-50000}
REGISTRATIONS=${BENCH_EV_REGISTRATIONS:-1000000}
ORGS=${BENCH_EV_ORGANISATIONS:-3000}
CONTACTS=${BENCH_EV_CONTACTS:-30000}
PASSWORD=passerelle-demo
TARGET=0.1

BENCH_TAG=events
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
POST_LUA=$ROOT/bench/events-post.lua
say "$MACHINE; load $LOAD; wrk ${WRK_ARGS[*]}"

start_nginx_ceiling

login() {  # BASE EMAIL JAR → prints the session cookie
  local page csrf code
  page=$(curl -sS --max-time 120 -c "$3" "$1/login") || return 1
  csrf=$(grep -o 'name="_csrf" value="[^"]*"' <<<"$page" | head -n1 | sed 's/.*value="//; s/"$//')
  code=$(curl -sS --max-time 30 -o /dev/null -w '%{http_code}' -b "$3" -c "$3" --data-urlencode "_csrf=$csrf" \
    --data-urlencode "email=$2" --data-urlencode "password=$PASSWORD" --data-urlencode "next=/" "$1/login") || return 1
  [[ $code == 30[0-9] ]] || { echo "POST /login as $2 answered $code" >&2; return 1; }
  awk '$6 == "passerelle_session" { print $7 }' "$3" | tail -n1
}

FAILED=0
TABLE="| engine | events / registrations | generation | nginx req/s | measure | result | p50 | p99 | × nginx | target | verdict |"$'\n'
TABLE+="|---|---|---|---|---|---|---|---|---|---|---|"$'\n'
RAW=
for engine in $ENGINES; do
  case $engine in
    sqlite) url=$WORK/sqlite.db; rm -f "$url"{,-wal,-shm} ;;
    postgresql)
      PG_PORT=$(free_port); PG_DIR=${TMPDIR:-/tmp}/passerelle-events-pg-$PG_PORT
      "$ROOT/scripts/pg.sh" start "$PG_DIR" "$PG_PORT" >"$WORK/pg-start.log" 2>&1 || { cat "$WORK/pg-start.log" >&2; die "pg.sh start failed"; }
      url=postgresql://postgres@127.0.0.1:$PG_PORT/passerelle_test ;;
    *) die "unknown engine $engine" ;;
  esac
  PASSERELLE_DATABASE=$url "$BIN" demo >"$WORK/gen-$engine.log" 2>&1 || die "$engine: demo failed"
  PASSERELLE_DATABASE=$url "$BIN" bench-data --organisations "$ORGS" --contacts "$CONTACTS" >>"$WORK/gen-$engine.log" 2>&1 ||
    { cat "$WORK/gen-$engine.log" >&2; die "$engine: bench-data (network) failed"; }
  t0=$(now_ms)
  PASSERELLE_DATABASE=$url "$BIN" bench-data --events "$EVENTS" --registrations "$REGISTRATIONS" >>"$WORK/gen-$engine.log" 2>&1 ||
    { cat "$WORK/gen-$engine.log" >&2; die "$engine: bench-data (events) failed"; }
  gen_ms=$(($(now_ms) - t0))
  [[ $engine == postgresql ]] && psql -qAtX "$url" -c "VACUUM ANALYZE" >/dev/null
  counts=$(sql "$url" "SELECT (SELECT COUNT(*) FROM events), (SELECT COUNT(*) FROM registrations)")
  say "$engine: $counts (events, registrations) after $gen_ms ms"
  admin=$(PASSERELLE_DATABASE=$url "$BIN" token create --user admin@demo.passerelle.fr)
  network=$(PASSERELLE_DATABASE=$url "$BIN" token create --user network@demo.passerelle.fr)
  member=$(PASSERELLE_DATABASE=$url "$BIN" token create --user member@demo.passerelle.fr)
  port=$(free_port); base=http://127.0.0.1:$port
  PASSERELLE_DATABASE=$url PASSERELLE_LISTEN=127.0.0.1:$port "$BIN" serve >"$WORK/server-$engine.log" 2>&1 &
  SERVER_PID=$!
  wait_200 "$base/healthz" "$SERVER_PID" 60 || die "$engine: the server did not start"
  session=$(login "$base" member@demo.passerelle.fr "$WORK/cookies-$engine.txt") || die "$engine: login failed"

  # The event pages: 64 events open to the member's region.
  PATHS=$WORK/paths-$engine.txt
  curl -s -H "Authorization: Bearer $member" "$base/api/v1/events?region=52&limit=64" |
    grep -o '"id":[0-9]*,"kind"' | sed 's/"id":\([0-9]*\).*/\/evenements\/\1/' >"$PATHS"
  [[ $(wc -l <"$PATHS") -ge 16 ]] || die "$engine: too few events for the member ($(wc -l <"$PATHS"))"
  page=$(curl -s -H "Cookie: passerelle_session=$session" "$base$(head -n1 "$PATHS")")
  grep -q 'id="seats"' <<<"$page" || die "$engine: the event page has no seat counts"

  # Registrations to make: open events × contacts of the network (the admin's scope) not registered to them yet.
  PAIRS=$WORK/pairs-$engine.txt
  now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  sql "$url" "SELECT e.id, c.contact_id, c.organisation_id FROM (SELECT id FROM events WHERE status = 'published' AND starts_at > '$now' AND registration_closes_at IS NULL ORDER BY id LIMIT 1500) e CROSS JOIN (SELECT co.contact_id, MIN(co.organisation_id) AS organisation_id FROM contact_organisations co JOIN organisations o ON o.id = co.organisation_id WHERE o.path LIKE (SELECT path FROM organisations WHERE kind = 'federation' ORDER BY id LIMIT 1) || '%' GROUP BY co.contact_id ORDER BY co.contact_id LIMIT 120) c WHERE NOT EXISTS (SELECT 1 FROM registrations r WHERE r.event_id = e.id AND r.contact_id = c.contact_id) ORDER BY (e.id * 7919 + c.contact_id * 104729) % 1000003" >"$PAIRS"
  say "$engine: $(wc -l <"$PAIRS") registrations prepared"

  run_wrk /dev/null $((WARMUP + 30)) -t1 -c4 -d"${WARMUP}s" "$NGINX_URL" || true
  run_wrk "$WORK/wrk-$engine-nginx.out" $((DURATION + 60)) "${WRK_ARGS[@]}" -s "$LUA" "$NGINX_URL" || true
  BENCH_PATHS=$PATHS run_wrk /dev/null $((WARMUP + 30)) -t1 -c4 -d"${WARMUP}s" -s "$LUA" -H "Cookie: passerelle_session=$session" "$base" || true
  BENCH_PATHS=$PATHS run_wrk "$WORK/wrk-$engine-page.out" $((DURATION + 60)) "${WRK_ARGS[@]}" -s "$LUA" \
    -H "Cookie: passerelle_session=$session" "$base" || true
  BENCH_PAIRS=$PAIRS BENCH_THREADS=$THREADS run_wrk "$WORK/wrk-$engine-post.out" $((DURATION + 60)) "${WRK_ARGS[@]}" \
    -s "$POST_LUA" -H "Authorization: Bearer $admin" "$base" || true
  RAW+=$'\n'"===== $engine nginx"$'\n'"$(cat "$WORK/wrk-$engine-nginx.out")"$'\n'"===== $engine event page"$'\n'"$(cat "$WORK/wrk-$engine-page.out")"$'\n'"===== $engine POST"$'\n'"$(cat "$WORK/wrk-$engine-post.out")"$'\n'
  nline=$(bench_line "$WORK/wrk-$engine-nginx.out") || true
  pline=$(bench_line "$WORK/wrk-$engine-page.out") || true
  qline=$(bench_line "$WORK/wrk-$engine-post.out") || true
  label="$EVENTS / $REGISTRATIONS"
  if [[ -z $nline || -z $pline || -z $qline ]]; then
    FAILED=1; TABLE+="| $engine | $label | $gen_ms ms | - | - | - | - | - | - | - | FAILED: no wrk summary |"$'\n'
  else
    nrps=$(field "$nline" rps) prps=$(field "$pline" rps) st=$(field "$pline" status)
    r=$(ratio "$prps" "$nrps") v=$(verdict "$r" "$TARGET")
    ((st > 0)) && { v="FAILED: $st answers ≥ 400"; FAILED=1; }
    TABLE+="| $engine | $label | $gen_ms ms | $nrps | event page | $prps req/s | $(ms "$(field "$pline" p50_us)") | $(ms "$(field "$pline" p99_us)") | $r | ≥ $TARGET | $v |"$'\n'
    qrps=$(field "$qline" rps)
    status=$(grep '^BENCHSTATUS' "$WORK/wrk-$engine-post.out" | tail -n1)
    ok=$(sed -n 's/.*201=\([0-9]*\).*/\1/p' <<<"$status") bad=$(sed -n 's/.* 422=\([0-9]*\) other=\([0-9]*\).*/\1+\2/p' <<<"$status")
    wrapped=$(sed -n 's/.*wrapped=\([0-9]*\).*/\1/p' <<<"$status")
    if [[ $engine == sqlite ]]; then v=$(verdict "$qrps" 1000); else v="(target on SQLite)"; fi
    if [[ $((bad)) -gt 0 || ${wrapped:-0} -gt 0 ]]; then v="FAILED: $((bad)) refused, $wrapped past the prepared lines"; FAILED=1; fi
    TABLE+="| $engine | $label | | | register (POST) | $qrps req/s ($ok created) | $(ms "$(field "$qline" p50_us)") | $(ms "$(field "$qline" p99_us)") | | ≥ 1000/s | $v |"$'\n'
    say "$engine: nginx $nrps req/s, event page $prps req/s (× $r), registering $qrps req/s ($status)"
  fi
  for who in network admin; do
    tok=${!who}
    m=$(median_ms "$base/api/v1/events/reports?from=2025-01-01&to=2025-12-31" "$tok")
    scope=$([[ $who == network ]] && echo "Île-de-France" || echo "whole federation")
    if [[ $m == FAILED* ]]; then v="FAILED: $m"; FAILED=1; else v=$(awk -v m="$m" 'BEGIN { print (m + 0 < 200) ? "pass" : "**miss**" }'); fi
    TABLE+="| $engine | | | | report 2025, $scope | $m ms (median of 5) | | | | < 200 ms | $v |"$'\n'
    say "$engine: report 2025 ($scope) $m ms"
  done
  stop_pid "$SERVER_PID"; SERVER_PID=
  if [[ $engine == postgresql ]]; then "$ROOT/scripts/pg.sh" stop "$PG_DIR" "$PG_PORT" >/dev/null 2>&1 || true; PG_DIR=; fi
done

{
  echo "# Events benchmark — $TS (commit $COMMIT, $MACHINE)"
  echo
  echo "$EVENTS events and $REGISTRATIONS registrations over $CONTACTS contacts of $ORGS organisations; event page as the demo member,"
  echo "64 events in rotation; registrations through the API as the demo admin, each a new person × open event;"
  echo "wrk ${WRK_ARGS[*]}; nginx serving a static file in the same run is the ceiling; load average at start: $LOAD."
  echo
  printf '%s' "$TABLE"
} | tee "$RESULTS/events-latest.md"
printf '%s\n%s' "$(cat "$RESULTS/events-latest.md")" "$RAW" >"$RESULTS/events-$TS.txt"
exit "$FAILED"
