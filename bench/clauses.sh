#!/usr/bin/env bash
# Clauses benchmark (issue 4, "Benchmark"): run by `make bench` after the others.
#
# Per engine and per scale (BENCH_CL_SCALES: 10 = 1/10, 1 = the issue's size):
#   1. dataset: `passerelle demo`, then `passerelle bench-data --contracts N --hours M`
#      (timed): 1/10 = 5,000 contracts and 500,000 hours entries, 1 = 50,000 and 5,000,000;
#   2. `passerelle serve`, log-in as facilitator@demo.passerelle.fr;
#   3. wrk (settings of bench/run.sh): nginx's static file (the ceiling), then one
#      contract's progress page GET /marches/{id} rotating over 500 contracts;
#   4. curl: a 100,000-line hours statement imported through the API
#      (every line validated, ?commit=valid; the answer must say 100000 imported);
#   5. curl: a rule-set change (new dates of effect for "état d'urgence sanitaire
#      2020") that recomputes every entry, as the administrator;
#   6. a table saved to bench/results/clauses-latest.md (and a timestamped copy).
# BENCH_CL_REUSE=1 (SQLite): the generated database is kept as sqlite-SCALE.base.db
# and copied instead of generated again on the next runs (the generation takes
# minutes; the import and the recompute change the copy, never the kept base).
# Targets (issue 4): progress page ≥ 0.1× nginx; import of 100,000 lines < 5 s;
# recompute over 1,000,000 entries < 30 s (at 1/10 the entries are fewer: the
# time is reported with the count, and scaled linearly for the verdict).
set -Eeuo pipefail
case ":$PATH:" in *:/usr/sbin:*) ;; *) PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin ;; esac
export LC_ALL=C

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${PASSERELLE_BIN:-$ROOT/build/passerelle}
WORK=$ROOT/bench/work/clauses
RESULTS=$ROOT/bench/results
LUA=$ROOT/bench/wrk.lua
NGINX=${NGINX:-/usr/sbin/nginx}
WRK=${WRK:-/usr/bin/wrk}
THREADS=${BENCH_THREADS:-2}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
DURATION=${BENCH_DURATION:-10}
WARMUP=${BENCH_WARMUP:-2}
ENGINES=${BENCH_ENGINES:-sqlite postgresql}
SCALES=${BENCH_CL_SCALES:-10}
REUSE=${BENCH_CL_REUSE:-0}
PASSWORD=passerelle-demo
T_PAGE=0.1; T_IMPORT_MS=5000; T_RECOMPUTE_MS_PER_M=30000; T_DASHBOARD_MS=1000

say() { printf '[clauses] %s\n' "$*"; }
die() { printf '[clauses] ERROR: %s\n' "$*" >&2; exit 1; }
now_ms() { date +%s%3N; }
[[ -x $BIN ]] || die "$BIN is missing"
[[ -x $NGINX && -x $WRK ]] || die "nginx or wrk missing: run scripts/install-deps.sh"

SERVER_PID= NGINX_PID= WRK_PID= PG_DIR= PG_PORT=
stop_pid() {
  local pid=$1 i
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
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

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() { local p i; for ((i = 0; i < 200; i++)); do p=$((10000 + RANDOM % 20000)); port_in_use "$p" || { echo "$p"; return 0; }; done; die "no free port"; }
wait_200() {  # URL PID TIMEOUT_S
  local deadline=$(($(now_ms) + $3 * 1000))
  while (($(now_ms) < deadline)); do
    kill -0 "$2" 2>/dev/null || return 1
    [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$1" 2>/dev/null) == 200 ]] && return 0
    sleep 0.02
  done
  return 1
}
sql() {  # ENGINE URL QUERY
  case $1 in
    sqlite) sqlite3 "$2" "$3" ;;
    postgresql) psql -qAtX "$2" -c "$3" ;;
  esac
}
run_wrk() {  # OUT LIMIT ARGS...
  local out=$1 limit=$2 rc=0; shift 2
  timeout -k 5 "$limit" "$WRK" "$@" >"$out" 2>&1 &
  WRK_PID=$!; wait "$WRK_PID" || rc=$?; WRK_PID=
  return "$rc"
}
bench_line() { grep '^BENCH ' "$1" | tail -n1; }
field() { sed -n "s/.* $2=\([0-9.]*\).*/\1/p" <<<" $1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.4f", a / b; else print "-" }'; }
ms() { awk -v us="$1" 'BEGIN { printf "%.1f ms", us / 1000 }'; }
verdict() { awk -v a="$1" -v t="$2" -v op="$3" 'BEGIN { if (op == ">=") print (a + 0 >= t + 0) ? "pass" : "**miss**"; else print (a + 0 < t + 0) ? "pass" : "**miss**" }'; }

TS=$(date +%Y-%m-%dT%H%M)
mkdir -p "$WORK" "$RESULTS"
cp "$BIN" "$WORK/passerelle.$$" && mv -f "$WORK/passerelle.$$" "$WORK/passerelle"
BIN=$WORK/passerelle
WRK_ARGS=(-t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency --timeout 5s)
COMMIT=$(GIT_OPTIONAL_LOCKS=0 git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
MACHINE="$(uname -sr), $(nproc) CPU"
say "$MACHINE; load $(cut -d' ' -f1-3 /proc/loadavg); wrk ${WRK_ARGS[*]}"

# ---------------------------------------------------------------- nginx (the ceiling)
dir=$WORK/nginx; rm -rf "$dir"; mkdir -p "$dir/www" "$dir/tmp"
cp "$ROOT/web/static/app.css" "$dir/www/app.css"; chmod -R a+rX "$dir"
NGINX_PORT=$(free_port)
{
  [[ $(id -u) -eq 0 ]] && echo "user $(id -un) $(id -gn);"
  cat <<NGX
daemon off;
worker_processes auto;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 4096; }
http {
  access_log off; server_tokens off; sendfile on; tcp_nopush on; tcp_nodelay on;
  keepalive_timeout 65; keepalive_requests 1000000;
  types { text/css css; }
  client_body_temp_path $dir/tmp/cb; proxy_temp_path $dir/tmp/p; fastcgi_temp_path $dir/tmp/f;
  uwsgi_temp_path $dir/tmp/u; scgi_temp_path $dir/tmp/s;
  server { listen 127.0.0.1:$NGINX_PORT; root $dir/www; }
}
NGX
} >"$dir/nginx.conf"
"$NGINX" -p "$dir/" -e "$dir/error.log" -c "$dir/nginx.conf" >"$dir/stdout.log" 2>&1 &
NGINX_PID=$!
NGINX_URL=http://127.0.0.1:$NGINX_PORT/app.css
wait_200 "$NGINX_URL" "$NGINX_PID" 10 || die "nginx did not start"

scale_sizes() { case $1 in 10) echo "5000 500000" ;; 1) echo "50000 5000000" ;; *) die "unknown scale $1 (10, 1)" ;; esac; }
scale_label() { case $1 in 1) echo "full" ;; *) echo "1/$1" ;; esac; }

FAILED=0
declare -A R TABLES
login() {  # BASE EMAIL JAR → prints the session cookie
  local page csrf code
  rm -f "$3"
  page=$(curl -sS --max-time 120 -c "$3" "$1/login") || return 1
  csrf=$(grep -o 'name="_csrf" value="[^"]*"' <<<"$page" | head -n1 | sed 's/.*value="//; s/"$//')
  code=$(curl -sS --max-time 30 -o /dev/null -w '%{http_code}' -b "$3" -c "$3" --data-urlencode "_csrf=$csrf" \
    --data-urlencode "email=$2" --data-urlencode "password=$PASSWORD" --data-urlencode "next=/" "$1/login") || return 1
  [[ $code == 30[0-9] ]] || { echo "POST /login as $2 answered $code" >&2; return 1; }
  awk '$6 == "passerelle_session" { print $7 }' "$3"
}

run_one() {  # ENGINE SCALE
  local engine=$1 scale=$2 key=${1}_$2 url n m t0 gen_ms port base jar session
  read -r n m <<<"$(scale_sizes "$scale")"
  case $engine in
    sqlite) url=$WORK/sqlite-$scale.db; rm -f "$url"{,-wal,-shm} ;;
    postgresql)
      if [[ -z $PG_DIR ]]; then
        PG_PORT=$(free_port); PG_DIR=${TMPDIR:-/tmp}/passerelle-clauses-pg-$PG_PORT
        "$ROOT/scripts/pg.sh" start "$PG_DIR" "$PG_PORT" >"$WORK/pg-start.log" 2>&1 || die "pg.sh start failed"
      fi
      psql -qAtX "postgresql://postgres@127.0.0.1:$PG_PORT/postgres" -c "CREATE DATABASE clauses_$scale" >/dev/null
      url=postgresql://postgres@127.0.0.1:$PG_PORT/clauses_$scale ;;
  esac
  local kept=$WORK/sqlite-$scale.base.db
  if [[ $engine == sqlite && $REUSE == 1 && -f $kept ]]; then
    cp "$kept" "$url"; gen_ms=$(cat "$kept.gen_ms" 2>/dev/null || echo 0)
    PASSERELLE_DATABASE=$url "$BIN" migrate >"$WORK/gen-$key.log" 2>&1 || die "$key: migrate failed"
    say "$key: reusing $kept (BENCH_CL_REUSE=1)"
  else
    PASSERELLE_DATABASE=$url "$BIN" demo >"$WORK/gen-$key.log" 2>&1 || die "$key: demo failed"
    t0=$(now_ms)
    PASSERELLE_DATABASE=$url "$BIN" bench-data --contracts "$n" --hours "$m" >>"$WORK/gen-$key.log" 2>&1 || { cat "$WORK/gen-$key.log" >&2; die "$key: bench-data failed"; }
    gen_ms=$(($(now_ms) - t0))
    if [[ $engine == sqlite && $REUSE == 1 ]]; then
      sqlite3 "$url" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
      cp "$url" "$kept.$$" && mv -f "$kept.$$" "$kept" && echo "$gen_ms" >"$kept.gen_ms"
    fi
  fi
  [[ $engine == postgresql ]] && sql postgresql "$url" "VACUUM ANALYZE" >/dev/null
  say "$key: bench-data $n contracts, $m hours entries in $gen_ms ms"

  port=$(free_port); base=http://127.0.0.1:$port
  PASSERELLE_DATABASE=$url PASSERELLE_LISTEN=127.0.0.1:$port "$BIN" serve >"$WORK/server-$key.log" 2>&1 &
  SERVER_PID=$!
  wait_200 "$base/healthz" "$SERVER_PID" 120 || die "$key: server did not start"
  jar=$WORK/cookies-$key.txt
  session=$(login "$base" facilitator@demo.passerelle.fr "$jar") || die "$key: login failed"
  local paths=$WORK/paths-$key.txt refs=$WORK/refs-$key.txt
  sql "$engine" "$url" "SELECT id FROM public_contracts WHERE sort_reference >= 'bench-' AND sort_reference < 'bench.' ORDER BY id LIMIT 500" | sed 's|^|/marches/|' >"$paths"
  local expected s
  s=$(curl -s -o /dev/null -w '%{http_code} %{size_header} %{size_download}' -b "$jar" "$base$(head -n1 "$paths")")
  [[ ${s%% *} == 200 ]] || die "$key: the progress page answered ${s%% *}"
  expected=$(awk '{ print $2 + $3 }' <<<"$s")

  local out line
  for target in nginx page; do
    out=$WORK/wrk-$key-$target.out
    if [[ $target == nginx ]]; then
      run_wrk /dev/null $((WARMUP + 30)) -t1 -c4 -d"${WARMUP}s" -s "$LUA" "$NGINX_URL" || true
      run_wrk "$out" $((DURATION + 60)) "${WRK_ARGS[@]}" -s "$LUA" "$NGINX_URL" || true
    else
      BENCH_PATHS=$paths run_wrk /dev/null $((WARMUP + 30)) -t1 -c4 -d"${WARMUP}s" -s "$LUA" -H "Cookie: passerelle_session=$session" "$base" || true
      BENCH_PATHS=$paths run_wrk "$out" $((DURATION + 60)) "${WRK_ARGS[@]}" -s "$LUA" -H "Cookie: passerelle_session=$session" "$base" || true
    fi
    line=$(bench_line "$out") || true
    [[ -n $line ]] || { R[$key|$target|ok]="FAILED: no wrk summary"; FAILED=1; continue; }
    R[$key|$target|rps]=$(field "$line" rps); R[$key|$target|p50]=$(field "$line" p50_us); R[$key|$target|p99]=$(field "$line" p99_us)
    R[$key|$target|ok]=ok
    (($(field "$line" status) > 0)) && { R[$key|$target|ok]="FAILED: responses ≥ 400"; FAILED=1; }
    if [[ $target == page ]]; then
      local req per; req=$(field "$line" requests)
      ((req > 0)) && per=$(($(field "$line" bytes) / req)) && ((per * 100 < expected * 50)) && { R[$key|$target|ok]="FAILED: $per bytes/response (login page?)"; FAILED=1; }
    fi
    say "$key $target: ${R[$key|$target|rps]} req/s p50 ${R[$key|$target|p50]} µs p99 ${R[$key|$target|p99]} µs ${R[$key|$target|ok]}"
  done
  wait_200 "$base/healthz" "$SERVER_PID" 300 || die "$key: the server stopped answering"

  # The national clauses dashboard of the year (administrator: every organisation),
  # median of 5 after one warm-up call.
  local csv=$WORK/statement-$key.csv token admin r code times
  admin=$(PASSERELLE_DATABASE=$url "$BIN" token create --user admin@demo.passerelle.fr)
  curl -s -o /dev/null --max-time 120 -H "Authorization: Bearer $admin" "$base/api/v1/clauses/dashboard?from=2020-01-01&to=2020-12-31"
  times=()
  for _ in 1 2 3 4 5; do
    r=$(curl -s -o "$WORK/dashboard-$key.json" -w '%{http_code} %{time_total}' --max-time 120 -H "Authorization: Bearer $admin" \
      "$base/api/v1/clauses/dashboard?from=2020-01-01&to=2020-12-31")
    [[ ${r%% *} == 200 ]] || { R[$key|dashboard|ok]="FAILED: ${r%% *}"; FAILED=1; break; }
    times+=("$(awk -v t="${r#* }" 'BEGIN { printf "%.0f", t * 1000 }')")
  done
  R[$key|dashboard|ms]=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 3p)
  R[$key|dashboard|entries]=$(node -e 'const d = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(d.hours ? d.hours.entries : d.entries)' "$WORK/dashboard-$key.json" 2>/dev/null || echo "?")
  : "${R[$key|dashboard|ok]:=ok}"
  say "$key national dashboard 2020 (${R[$key|dashboard|entries]} entries): ${R[$key|dashboard|ms]} ms ${R[$key|dashboard|ok]}"

  # A 100,000-line statement over the bench contracts (all lines valid).
  sql "$engine" "$url" "SELECT reference FROM public_contracts WHERE sort_reference >= 'bench-' AND sort_reference < 'bench.' ORDER BY id LIMIT 2000" >"$refs"
  awk 'BEGIN { print "reference_marche;nom;mois;heures;modalite;situation;eligibilite;employeur" }
       { ref[NR] = $0 } END { for (i = 0; i < 100000; i++) printf "%s;PERSONNE %d;2020-%02d;%d;direct_hire;worked;rsa;Employeur\n", ref[i % NR + 1], i, i % 12 + 1, 20 + i % 100 }' "$refs" >"$csv"
  token=$(PASSERELLE_DATABASE=$url "$BIN" token create --user facilitator@demo.passerelle.fr)
  r=$(curl -s -o "$WORK/import-$key.json" -w '%{http_code} %{time_total}' --max-time 600 -H "Authorization: Bearer $token" \
    -H 'content-type: text/csv' --data-binary "@$csv" "$base/api/v1/insertion-hours/import?commit=valid")
  code=${r%% *}
  R[$key|import|ms]=$(awk -v t="${r#* }" 'BEGIN { printf "%.0f", t * 1000 }')
  R[$key|import|ok]=ok
  grep -q '"imported":100000' "$WORK/import-$key.json" && [[ $code == 200 ]] || { R[$key|import|ok]="FAILED: $code $(head -c 200 "$WORK/import-$key.json")"; FAILED=1; }
  say "$key import of 100,000 lines: ${R[$key|import|ms]} ms ${R[$key|import|ok]}"

  # Rule-set change: every entry re-decided.
  local covid entries
  entries=$(sql "$engine" "$url" "SELECT COUNT(*) FROM insertion_hours")
  covid=$(sql "$engine" "$url" "SELECT id FROM rule_sets WHERE code = 'covid_2020' AND retired_at IS NULL")
  r=$(curl -s -o "$WORK/recompute-$key.json" -w '%{http_code} %{time_total}' --max-time 900 -H "Authorization: Bearer $admin" \
    -H 'content-type: application/json' -d '{"effective_from":"2020-03-12","effective_to":"2020-05-31"}' "$base/api/v1/rule-sets/$covid/dates")
  code=${r%% *}
  R[$key|recompute|ms]=$(awk -v t="${r#* }" 'BEGIN { printf "%.0f", t * 1000 }')
  R[$key|recompute|entries]=$entries
  R[$key|recompute|updated]=$(sed -n 's/.*"entries_updated":\([0-9]*\).*/\1/p' "$WORK/recompute-$key.json")
  R[$key|recompute|ok]=ok
  [[ $code == 201 ]] || { R[$key|recompute|ok]="FAILED: $code"; FAILED=1; }
  say "$key recompute over $entries entries (${R[$key|recompute|updated]} updated): ${R[$key|recompute|ms]} ms ${R[$key|recompute|ok]}"
  stop_pid "$SERVER_PID"; SERVER_PID=

  local c=${R[$key|nginx|rps]:-0} rt per_m
  rt=$(ratio "${R[$key|page|rps]:-0}" "$c")
  per_m=$(awk -v t="${R[$key|recompute|ms]}" -v n="$entries" 'BEGIN { if (n > 0) printf "%.0f", t * 1000000 / n; else print 0 }')
  TABLES[$key]=$(
    echo "| target | value | p50 | p99 | × nginx | target | result |"
    echo "|---|---:|---:|---:|---:|---|---|"
    printf '| nginx /app.css (ceiling) | %.0f req/s | %s | %s | 1 | | ceiling |\n' "$c" "$(ms "${R[$key|nginx|p50]:-0}")" "$(ms "${R[$key|nginx|p99]:-0}")"
    printf '| GET /marches/{id} (progress page) | %.0f req/s | %s | %s | %s | ≥ 0.1× nginx | %s |\n' "${R[$key|page|rps]:-0}" \
      "$(ms "${R[$key|page|p50]:-0}")" "$(ms "${R[$key|page|p99]:-0}")" "$rt" \
      "$([[ ${R[$key|page|ok]} == ok ]] && verdict "$rt" "$T_PAGE" ">=" || echo "**${R[$key|page|ok]}**")"
    printf '| national clauses dashboard, year 2020 (%s entries) | %s ms | | | | < %s ms | %s |\n' "${R[$key|dashboard|entries]}" \
      "${R[$key|dashboard|ms]}" "$T_DASHBOARD_MS" \
      "$([[ ${R[$key|dashboard|ok]} == ok ]] && verdict "${R[$key|dashboard|ms]}" "$T_DASHBOARD_MS" "<" || echo "**${R[$key|dashboard|ok]}**")"
    printf '| import of a 100,000-line statement | %s ms | | | | < %s ms | %s |\n' "${R[$key|import|ms]}" "$T_IMPORT_MS" \
      "$([[ ${R[$key|import|ok]} == ok ]] && verdict "${R[$key|import|ms]}" "$T_IMPORT_MS" "<" || echo "**${R[$key|import|ok]}**")"
    printf '| rule-set recompute over %s entries | %s ms (%s ms per million) | | | | < %s ms per million | %s |\n' "$entries" \
      "${R[$key|recompute|ms]}" "$per_m" "$T_RECOMPUTE_MS_PER_M" \
      "$([[ ${R[$key|recompute|ok]} == ok ]] && verdict "$per_m" "$T_RECOMPUTE_MS_PER_M" "<" || echo "**${R[$key|recompute|ok]}**")"
    echo
    echo "- dataset $(scale_label "$scale"): demo + $n contracts and $m hours entries, bench-data $gen_ms ms"
    echo "- recompute: ${R[$key|recompute|updated]} entries re-attributed to the new version or another rule"
  )
  echo; echo "== $engine $(scale_label "$scale") =="; echo "${TABLES[$key]}"; echo
}

for engine in $ENGINES; do
  for scale in $SCALES; do run_one "$engine" "$scale"; done
done
{
  echo "# Clauses benchmark ($TS)"
  echo
  echo "Machine: $MACHINE (shared with other load: compare ratios). Commit $COMMIT. wrk ${WRK_ARGS[*]} after ${WARMUP}s warm-up."
  for engine in $ENGINES; do
    for scale in $SCALES; do echo; echo "## $engine, $(scale_label "$scale")"; echo; echo "${TABLES[${engine}_$scale]}"; done
  done
} >"$RESULTS/clauses-$TS.md"
cp "$RESULTS/clauses-$TS.md" "$RESULTS/clauses-latest.md"
say "saved $RESULTS/clauses-latest.md"
((FAILED == 0)) || { say "SOME MEASUREMENTS FAILED"; exit 1; }
