#!/usr/bin/env bash
# Passerelle benchmark (`make bench`, after a Release build of build/passerelle).
#
#   1. national-scale dataset (100,000 organisations, 300,000 contacts), timed,
#      on SQLite (a fresh file in bench/work/) and on PostgreSQL (a throw-away
#      cluster made by scripts/pg.sh, stopped on exit);
#   2. the ceiling: Debian's nginx on loopback serving a ~5 KB static file;
#   3. per engine: `passerelle serve`, start-up time, a logged-in admin session
#      and an API token;
#   4. wrk, same settings for every target: nginx's file, /static/app.css,
#      /healthz, GET /api/v1/organisations/{id} (token, then session cookie;
#      rotating over existing ids), the organisations list page (search, 50 rows);
#   5. a table per engine: req/s, p50, p99, ratio to nginx measured in the same
#      run, target ratio, pass/miss; server RSS after the run and start-up time;
#      saved to bench/results/<timestamp>-<engine>.txt (with the raw wrk output)
#      and bench/results/latest.md;
#   6. everything it started is stopped on exit, Ctrl-C included.
# latest.md is only rewritten by a run of both engines on the national-scale
# dataset; other runs leave their files next to it (named after their dataset).
#
# Exit status: 0 when every measurement is valid (all targets answered 200 with
# the expected body, no error during the runs), whether or not the performance
# targets are met (those are reported as pass/miss); 1 otherwise.
#
# Settings (environment):
#   PASSERELLE_BIN       server binary                    (build/passerelle)
#   BENCH_ENGINES        "sqlite postgresql", or one      (both)
#   BENCH_ORGANISATIONS  BENCH_CONTACTS  dataset size     (100000, 300000)
#   BENCH_THREADS  BENCH_CONNECTIONS  BENCH_DURATION      wrk -t -c -d, seconds (2, 32, 10)
#   BENCH_WARMUP         seconds of discarded load before each target (2)
#   BENCH_SEARCH         word searched on the list page   (solidaire: one of the
#                        words of the names made by `passerelle bench-data`)
#   BENCH_PG_PORT        port of the throw-away PostgreSQL cluster (a free one)
set -Eeuo pipefail

# nginx and runuser live in sbin, which a minimal PATH may lack.
case ":$PATH:" in *:/usr/sbin:*) ;; *) PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin ;; esac
export LC_ALL=C

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${PASSERELLE_BIN:-$ROOT/build/passerelle}
WORK=$ROOT/bench/work
RESULTS=$ROOT/bench/results
LUA=$ROOT/bench/wrk.lua
NGINX=${NGINX:-/usr/sbin/nginx}
WRK=${WRK:-/usr/bin/wrk}
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}

ORGS=${BENCH_ORGANISATIONS:-100000}
CONTACTS=${BENCH_CONTACTS:-300000}
THREADS=${BENCH_THREADS:-2}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
DURATION=${BENCH_DURATION:-10}
WARMUP=${BENCH_WARMUP:-2}
ENGINES=${BENCH_ENGINES:-sqlite postgresql}
SEARCH=${BENCH_SEARCH:-solidaire}
ADMIN_EMAIL=admin@demo.passerelle.fr
ADMIN_PASSWORD=passerelle-demo

# Targets of docs (issue 2): ratios to nginx, memory, start-up.
TARGET_STATIC=0.8
TARGET_JSON=0.5
TARGET_LIST=0.15
TARGET_RSS_MB=60
TARGET_STARTUP_MS=1000

say() { printf '[bench] %s\n' "$*"; }
die() { printf '[bench] ERROR: %s\n' "$*" >&2; exit 1; }
now_ms() { date +%s%3N; }

# ---------------------------------------------------------------- checks

[[ -x $BIN ]] || die "$BIN is missing: run 'make build' (or 'make bench', which builds first)"
[[ -x $NGINX ]] || die "nginx is missing ($NGINX): run scripts/install-deps.sh"
[[ -x $WRK ]] || die "wrk is missing ($WRK): run scripts/install-deps.sh"
command -v curl >/dev/null || die "curl is missing: run scripts/install-deps.sh"
[[ $DURATION =~ ^[0-9]+$ && $WARMUP =~ ^[0-9]+$ ]] || die "BENCH_DURATION and BENCH_WARMUP are whole seconds"
for engine in $ENGINES; do
  case $engine in
    sqlite) command -v sqlite3 >/dev/null || die "sqlite3 is missing: run scripts/install-deps.sh" ;;
    postgresql)
      [[ -x $PG_BIN/initdb ]] || die "PostgreSQL 15 is missing ($PG_BIN): run scripts/install-deps.sh"
      command -v psql >/dev/null || die "psql is missing: run scripts/install-deps.sh" ;;
    *) die "unknown engine '$engine' in BENCH_ENGINES (sqlite, postgresql)" ;;
  esac
done
if [[ -n $(grep -o 'CMAKE_BUILD_TYPE:STRING=[A-Za-z]*' "$(dirname "$BIN")/CMakeCache.txt" 2>/dev/null | grep -v '=Release$') ]]; then
  say "WARNING: $(dirname "$BIN") is not a Release build: the figures mean little"
fi

# ---------------------------------------------------------------- clean-up

SERVER_PID=
NGINX_PID=
WRK_PID=
PG_DIR=
PG_PORT=

stop_pid() {  # PID: TERM, then KILL after 10 s
  local pid=$1 i
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  local rc=$?
  trap '' INT TERM
  stop_pid "$WRK_PID"; WRK_PID=
  stop_pid "$SERVER_PID"; SERVER_PID=
  stop_pid "$NGINX_PID"; NGINX_PID=
  if [[ -n $PG_DIR ]]; then
    "$ROOT/scripts/pg.sh" stop "$PG_DIR" "$PG_PORT" >/dev/null 2>&1 || say "WARNING: could not stop PostgreSQL in $PG_DIR"
    PG_DIR=
  fi
  exit "$rc"
}
trap 'printf "[bench] ERROR: line %s: %s failed\n" "$LINENO" "$BASH_COMMAND" >&2' ERR
trap cleanup EXIT
trap 'say "interrupted"; exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- helpers

USED_PORTS=" "
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# Ports are taken below the ephemeral range (outgoing connections, wrk's included,
# take theirs there, and one of them could hold the port we want to bind).
read -r EPHEMERAL_LOW _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || EPHEMERAL_LOW=32768
PORT_LOW=10000
PORT_HIGH=$((EPHEMERAL_LOW > 12000 ? EPHEMERAL_LOW - 1 : 65000))
free_port() {  # a port that nothing listens on and not handed out yet
  local p i
  for ((i = 0; i < 200; i++)); do
    p=$((PORT_LOW + (RANDOM * 32768 + RANDOM) % (PORT_HIGH - PORT_LOW + 1)))
    [[ $USED_PORTS == *" $p "* ]] && continue
    port_in_use "$p" && continue
    USED_PORTS+="$p "
    echo "$p"
    return 0
  done
  die "no free port found"
}

# Waits until URL answers 200; prints the milliseconds since START_MS.
wait_for_200() {  # URL START_MS PID TIMEOUT_S
  local url=$1 start=$2 pid=$3 deadline=$(($(now_ms) + $4 * 1000)) code
  while (($(now_ms) < deadline)); do
    kill -0 "$pid" 2>/dev/null || return 1
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$url" 2>/dev/null) || true
    if [[ $code == 200 ]]; then
      echo $(($(now_ms) - start))
      return 0
    fi
    sleep 0.005
  done
  return 1
}

fmt_ms() { awk -v us="$1" 'BEGIN { printf "%.2f ms", us / 1000 }'; }

# CPU time (user + system, in clock ticks) of the processes PID..., their threads included.
CLK_TCK=$(getconf CLK_TCK 2>/dev/null || echo 100)
cpu_ticks() {
  local pid line total=0 f
  for pid in "$@"; do
    read -r line 2>/dev/null <"/proc/$pid/stat" || continue
    line=${line##*) }  # after "pid (comm) ": state ppid … utime is the 12th field, stime the 13th
    read -r -a f <<<"$line"
    total=$((total + f[11] + f[12]))
  done
  echo "$total"
}
# PID and its children (nginx's workers, PostgreSQL's backends), without procps.
with_children() {
  local parent=$1 stat line f
  echo "$parent"
  for stat in /proc/[0-9]*/stat; do
    read -r line 2>/dev/null <"$stat" || continue
    line=${line##*) }
    read -r -a f <<<"$line"
    if [[ ${f[1]} == "$parent" ]]; then stat=${stat#/proc/}; echo "${stat%/stat}"; fi
  done
  return 0
}

# ---------------------------------------------------------------- set-up

TS=$(date +%Y-%m-%dT%H%M)
# A run on another dataset is kept apart: it does not replace latest.md.
OFFICIAL=1
if [[ $ORGS != 100000 || $CONTACTS != 300000 ]]; then
  OFFICIAL=0
  TS+="-$ORGS-organisations"
fi
[[ $(echo $ENGINES) == "sqlite postgresql" ]] || OFFICIAL=0
mkdir -p "$WORK" "$RESULTS"
# The whole run uses one copy of the binary: a rebuild of build/ while it runs
# (make, tests) must not put two different servers in one table.
cp "$BIN" "$WORK/passerelle.$$"
mv -f "$WORK/passerelle.$$" "$WORK/passerelle"
BIN_SOURCE=$BIN
BIN=$WORK/passerelle
BIN_ID=$(sha256sum "$BIN" | cut -c1-12)
CPUS=$(nproc)
MACHINE="$(uname -sr), $CPUS CPU ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null || echo '?')), $(awk '/MemTotal/ {printf "%.0f GB RAM", $2/1048576}' /proc/meminfo)"
# Read-only git: no index refresh (GIT_OPTIONAL_LOCKS=0).
COMMIT=$(GIT_OPTIONAL_LOCKS=0 git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ -n $(GIT_OPTIONAL_LOCKS=0 git -C "$ROOT" status --porcelain -- src 2>/dev/null) ]]; then COMMIT+=" (src/ modified)"; fi
WRK_ARGS=(-t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency --timeout 5s)
say "$MACHINE; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
say "binary $BIN_SOURCE (sha256 $BIN_ID…, commit $COMMIT); wrk ${WRK_ARGS[*]}; warm-up ${WARMUP}s per target"

# ---------------------------------------------------------------- 1. datasets

declare -A DB_URL GEN_DEMO_S GEN_DATA_S

# Runs `passerelle demo` then `passerelle bench-data` on PASSERELLE_DATABASE=$2; records the times.
generate() {  # ENGINE URL
  local engine=$1 url=$2 t0 t1 t2 log="$WORK/generate-$1.log"
  t0=$(now_ms)
  PASSERELLE_DATABASE=$url "$BIN" demo >"$log" 2>&1 || { cat "$log" >&2; die "$engine: passerelle demo failed"; }
  t1=$(now_ms)
  PASSERELLE_DATABASE=$url "$BIN" bench-data --organisations "$ORGS" --contacts "$CONTACTS" >>"$log" 2>&1 ||
    { cat "$log" >&2; die "$engine: passerelle bench-data failed"; }
  t2=$(now_ms)
  GEN_DEMO_S[$engine]=$(awk -v ms=$((t1 - t0)) 'BEGIN { printf "%.1f", ms / 1000 }')
  GEN_DATA_S[$engine]=$(awk -v ms=$((t2 - t1)) 'BEGIN { printf "%.1f", ms / 1000 }')
  say "$engine: demo ${GEN_DEMO_S[$engine]} s, bench-data ($ORGS organisations, $CONTACTS contacts) ${GEN_DATA_S[$engine]} s"
}

for engine in $ENGINES; do
  case $engine in
    sqlite)
      db=$WORK/sqlite/passerelle.db
      mkdir -p "$WORK/sqlite"
      rm -f "$db" "$db-wal" "$db-shm" "$db-journal"
      DB_URL[sqlite]=$db
      generate sqlite "$db"
      ;;
    postgresql)
      PG_PORT=${BENCH_PG_PORT:-$(free_port)}
      # Outside the repository: as root, the cluster belongs to the 'postgres' user,
      # who may not be able to enter the repository's directories.
      PG_DIR=${TMPDIR:-/tmp}/passerelle-bench-pg-$PG_PORT
      say "postgresql: starting a throw-away cluster on 127.0.0.1:$PG_PORT ($PG_DIR)"
      "$ROOT/scripts/pg.sh" start "$PG_DIR" "$PG_PORT" >"$WORK/pg-start.log" 2>&1 ||
        { cat "$WORK/pg-start.log" >&2; die "scripts/pg.sh start failed"; }
      psql -qAtX "postgresql://postgres@127.0.0.1:$PG_PORT/postgres" -c "CREATE DATABASE passerelle_bench" >/dev/null
      DB_URL[postgresql]=postgresql://postgres@127.0.0.1:$PG_PORT/passerelle_bench
      generate postgresql "${DB_URL[postgresql]}"
      # Planner statistics as autovacuum would have them on a live server (it
      # could otherwise run in the middle of a measurement and change the plans).
      psql -qAtX "${DB_URL[postgresql]}" -c "VACUUM ANALYZE" >/dev/null
      ;;
  esac
done

# ---------------------------------------------------------------- 2. nginx, the ceiling

start_nginx() {
  local dir=$WORK/nginx port temp='' m
  rm -rf "$dir"
  mkdir -p "$dir/www" "$dir/tmp"
  cp "$ROOT/web/static/app.css" "$dir/www/app.css"
  chmod -R a+rX "$dir"
  port=$(free_port)
  # Temp paths default to /var/lib/nginx (root only): ours, for every module built in.
  for m in client_body proxy fastcgi uwsgi scgi; do
    if [[ $m == client_body ]] || ! "$NGINX" -V 2>&1 | grep -q -- "--without-http_${m}_module"; then
      temp+="  ${m}_temp_path $dir/tmp/$m;"$'\n'
    fi
  done
  {
    echo "# Written by bench/run.sh: the ceiling, a static file on loopback."
    [[ $(id -u) -eq 0 ]] && echo "user $(id -un) $(id -gn);"
    cat <<EOF
daemon off;
worker_processes auto;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  server_tokens off;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_timeout 65;
  keepalive_requests 1000000;
  types { text/css css; }
  default_type application/octet-stream;
$temp  server {
    listen 127.0.0.1:$port;
    root $dir/www;
  }
}
EOF
  } >"$dir/nginx.conf"
  "$NGINX" -t -q -p "$dir/" -e "$dir/error.log" -c "$dir/nginx.conf" 2>"$dir/check.log" ||
    { cat "$dir/check.log" "$dir/error.log" >&2 2>/dev/null; die "nginx refuses $dir/nginx.conf"; }
  "$NGINX" -p "$dir/" -e "$dir/error.log" -c "$dir/nginx.conf" >"$dir/stdout.log" 2>&1 &
  NGINX_PID=$!
  NGINX_URL=http://127.0.0.1:$port/app.css
  wait_for_200 "$NGINX_URL" "$(now_ms)" "$NGINX_PID" 10 >/dev/null ||
    { cat "$dir/error.log" >&2 2>/dev/null; die "nginx did not answer on $NGINX_URL"; }
  say "nginx $("$NGINX" -v 2>&1 | sed 's/.*nginx\///') on $NGINX_URL (worker_processes auto)"
}
start_nginx

# ---------------------------------------------------------------- 3. server, session, token

# Logs in as the demo administrator; prints the session cookie's value.
login() {  # BASE_URL
  local base=$1 jar=$WORK/cookies.txt page csrf code session
  rm -f "$jar"
  page=$(curl -sS --max-time 10 -c "$jar" "$base/login") || return 1
  csrf=$(grep -o 'name="_csrf" value="[^"]*"' <<<"$page" | head -n1 | sed 's/.*value="//; s/"$//')
  [[ -n $csrf ]] || { echo "no _csrf field in GET /login" >&2; return 1; }
  code=$(curl -sS --max-time 30 -o /dev/null -w '%{http_code}' -b "$jar" -c "$jar" \
    --data-urlencode "_csrf=$csrf" --data-urlencode "email=$ADMIN_EMAIL" \
    --data-urlencode "password=$ADMIN_PASSWORD" --data-urlencode "next=/" "$base/login") || return 1
  [[ $code == 30[0-9] ]] || { echo "POST /login answered $code" >&2; return 1; }
  session=$(awk '$6 == "passerelle_session" { print $7 }' "$jar")
  [[ -n $session ]] || { echo "no passerelle_session cookie after POST /login" >&2; return 1; }
  echo "$session"
}

# ---------------------------------------------------------------- 4. wrk

# Runs wrk bounded in time, in the background so that Ctrl-C stops the script at
# once (wrk handles SIGINT itself, and bash would wait for it, then carry on).
run_wrk() {  # OUT_FILE LIMIT_S WRK_ARG...
  local out=$1 limit=$2 rc=0
  shift 2
  timeout -k 5 "$limit" "$WRK" "$@" >"$out" 2>&1 &
  WRK_PID=$!
  wait "$WRK_PID" || rc=$?
  WRK_PID=
  return "$rc"
}

# Per target: name, kind (ceiling/static/json/list/info), URL, and curl/wrk headers.
declare -a T_NAME T_KIND T_RPS T_P50 T_P99 T_OK T_CPU T_DBCPU
# Processes whose CPU time is measured: SERVER_PIDS (nginx for the ceiling, then
# passerelle) and DB_PIDS (PostgreSQL's, empty for SQLite, which runs in the server).
SERVER_PIDS=
DB_PIDS=
RAW=
FAILED=0

# Measures one target; appends to the T_* arrays. PATHS_FILE (may be empty) makes
# wrk rotate over paths; the URL is then the base.
measure() {  # NAME KIND URL PATHS_FILE [HEADER...]
  local name=$1 kind=$2 url=$3 paths=$4
  shift 4
  local headers=("$@") h curl_h=() wrk_h=() check_urls=() u code sizes a b expected=0 n=0 out line ok=1 why='' kv
  for h in "${headers[@]}"; do curl_h+=(-H "$h"); wrk_h+=(-H "$h"); done

  # Every sampled URL must answer 200 now (not a redirect to /login); their mean
  # size (headers + body) is what each response of the run should weigh.
  if [[ -n $paths ]]; then
    mapfile -t check_urls < <(awk 'NF' "$paths" | awk 'NR % 50 == 1' | head -n 20 | sed "s|^|$url|")
  else
    check_urls=("$url")
  fi
  for u in "${check_urls[@]}"; do
    sizes=$(curl -sS --max-time 30 -o /dev/null -w '%{http_code} %{size_header} %{size_download}' "${curl_h[@]}" "$u") ||
      die "$name: $u does not answer"
    code=${sizes%% *}
    [[ $code == 200 ]] || die "$name: $u answered $code, not 200: the measurement would be meaningless"
    read -r _ a b <<<"$sizes"
    expected=$((expected + a + b))
    n=$((n + 1))
  done
  expected=$((expected / n))

  BENCH_PATHS=$paths run_wrk /dev/null $((WARMUP + 30)) -t1 -c4 -d"${WARMUP}s" -s "$LUA" "${wrk_h[@]}" "$url" || true
  local cpu0 db0 cpu1 db1 server_pids db_pids
  server_pids=$(for p in $SERVER_PIDS; do with_children "$p"; done)
  db_pids=$(for p in $DB_PIDS; do with_children "$p"; done)
  cpu0=$(cpu_ticks $server_pids); db0=$(cpu_ticks $db_pids)
  local rc=0
  BENCH_PATHS=$paths run_wrk "$WORK/wrk.out" $((DURATION + 60)) "${WRK_ARGS[@]}" -s "$LUA" "${wrk_h[@]}" "$url" || rc=$?
  out=$(cat "$WORK/wrk.out")
  ((rc == 0)) || { ok=0; why="wrk failed or timed out (exit $rc)"; }
  cpu1=$(cpu_ticks $server_pids); db1=$(cpu_ticks $db_pids)
  RAW+=$'\n'"===== $name: wrk ${WRK_ARGS[*]} -s bench/wrk.lua${paths:+ (BENCH_PATHS: $(wc -l <"$paths") paths)} $url"$'\n'"$out"$'\n'
  line=$(grep '^BENCH ' <<<"$out" | tail -n1) || true
  if [[ -z $line ]]; then
    ok=0; why=${why:-"no summary line from wrk"}
    T_NAME+=("$name"); T_KIND+=("$kind"); T_RPS+=(0); T_P50+=(0); T_P99+=(0); T_OK+=("FAILED: $why")
    T_CPU+=(-); T_DBCPU+=(-)
    FAILED=1
    say "$name: FAILED: $why"
    return 0
  fi
  local -A v=()
  for kv in ${line#BENCH }; do v[${kv%%=*}]=${kv#*=}; done
  local errors=$((v[connect] + v[read] + v[write]))
  if ((v[status] > 0)); then ok=0; why="${v[status]} responses with status >= 400"; fi
  if ((v[requests] == 0)); then ok=0; why="no response at all"; fi
  if ((v[requests] > 0)); then
    local per=$((v[bytes] / v[requests]))
    # A redirect (to /login) or an error page weighs much less or more than the 200.
    if ((per * 100 < expected * 80 || per * 100 > expected * 120)); then
      ok=0; why="${why:+$why; }$per bytes per response, expected about $expected (a redirect or an error?)"
    fi
  fi
  # Connection errors invalidate the run; timeouts (no answer within 5 s) are a
  # result of the target, shown next to it.
  if ((errors * 1000 > v[requests])); then ok=0; why="${why:+$why; }$errors socket errors"; fi
  local note=''
  ((v[timeout] > 0)) && note=" (${v[timeout]} timeouts > 5 s)"
  # Still 200 after the run (the session did not expire, the server did not fall over).
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 30 "${curl_h[@]}" "${check_urls[0]}") || code=000
  [[ $code == 200 ]] || { ok=0; why="${why:+$why; }answers $code after the run"; }

  T_NAME+=("$name$note"); T_KIND+=("$kind"); T_RPS+=("${v[rps]}"); T_P50+=("${v[p50_us]}"); T_P99+=("${v[p99_us]}")
  # CPU time per response: what the machine's other load does not change much.
  local per_req='BEGIN { if (n > 0) printf "%.1f", t * 1e6 / hz / n; else print "-" }'
  T_CPU+=("$(awk -v t=$((cpu1 - cpu0)) -v hz="$CLK_TCK" -v n="${v[requests]}" "$per_req")")
  if [[ -n $db_pids ]]; then
    T_DBCPU+=("$(awk -v t=$((db1 - db0)) -v hz="$CLK_TCK" -v n="${v[requests]}" "$per_req")")
  else
    T_DBCPU+=(-)
  fi
  if ((ok)); then
    T_OK+=(ok)
    say "$(printf '%-44s %10s req/s  p50 %-10s p99 %-10s CPU %s µs/req' "$name$note" "${v[rps]}" "$(fmt_ms "${v[p50_us]}")" \
      "$(fmt_ms "${v[p99_us]}")" "${T_CPU[-1]}${db_pids:+ + PostgreSQL ${T_DBCPU[-1]}}")"
  else
    T_OK+=("FAILED: $why")
    FAILED=1
    say "$name: FAILED: $why"
  fi
}

# ---------------------------------------------------------------- 5. table

declare -A TABLE
# Prints the table of the engine's run (Markdown, readable as text).
table() {  # ENGINE STARTUP_WALL_MS STARTUP_LOG_MS RSS_KB
  local engine=$1 startup=$2 startup_log=$3 rss_kb=$4 i ceiling=${T_RPS[0]} ratio target verdict rss_mb
  echo "| target | req/s | p50 | p99 | × nginx | target | result | CPU µs/req | PostgreSQL CPU µs/req |"
  echo "|---|---:|---:|---:|---:|---:|---|---:|---:|"
  for i in "${!T_NAME[@]}"; do
    case ${T_KIND[$i]} in
      static) target=$TARGET_STATIC ;;
      json) target=$TARGET_JSON ;;
      list) target=$TARGET_LIST ;;
      *) target= ;;
    esac
    ratio=$(awk -v a="${T_RPS[$i]}" -v b="$ceiling" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')
    if [[ ${T_OK[$i]} != ok ]]; then
      verdict="**${T_OK[$i]}**"
    elif [[ ${T_KIND[$i]} == ceiling ]]; then
      verdict="ceiling"
    elif [[ -z $target ]]; then
      verdict="(no target)"
    else
      verdict=$(awk -v r="$ratio" -v t="$target" 'BEGIN { print (r + 0 >= t + 0) ? "pass" : "**miss**" }')
    fi
    printf '| %s | %.0f | %s | %s | %s | %s | %s | %s | %s |\n' "${T_NAME[$i]}" "${T_RPS[$i]}" "$(fmt_ms "${T_P50[$i]}")" \
      "$(fmt_ms "${T_P99[$i]}")" "$ratio" "${target:+≥ $target}" "$verdict" "${T_CPU[$i]}" "${T_DBCPU[$i]}"
  done
  rss_mb=$(awk -v kb="$rss_kb" 'BEGIN { printf "%.1f", kb / 1024 }')
  echo
  printf -- '- server RSS after the run: %s MB (target < %s MB): %s (%s)\n' "$rss_mb" "$TARGET_RSS_MB" \
    "$(awk -v a="$rss_mb" -v t="$TARGET_RSS_MB" 'BEGIN { print (a + 0 < t + 0) ? "pass" : "**miss**" }')" "${RSS_DETAIL:-}"
  printf -- '- start-up: %s ms until /healthz answered 200 (server log: startup_ms %s) (target < %s ms): %s\n' \
    "$startup" "$startup_log" "$TARGET_STARTUP_MS" \
    "$( ((startup < TARGET_STARTUP_MS)) && echo pass || echo '**miss**')"
  printf -- '- dataset: demo %s s, bench-data %s s (%s organisations, %s contacts)\n' \
    "${GEN_DEMO_S[$engine]}" "${GEN_DATA_S[$engine]}" "$ORGS" "$CONTACTS"
}

# ---------------------------------------------------------------- per engine

run_engine() {  # ENGINE
  local engine=$1 url=${DB_URL[$1]} port base log t0 startup startup_log session token ids rss_kb file
  T_NAME=(); T_KIND=(); T_RPS=(); T_P50=(); T_P99=(); T_OK=(); T_CPU=(); T_DBCPU=(); RAW=

  token=$(PASSERELLE_DATABASE=$url "$BIN" token create --user "$ADMIN_EMAIL" --name bench) ||
    die "$engine: passerelle token create failed"
  # Existing organisations spread over the whole table, the same on both engines.
  ids=$WORK/ids-$engine.txt
  case $engine in
    sqlite) sqlite3 "$url" "SELECT '/api/v1/organisations/' || id FROM organisations WHERE id % 97 = 0 ORDER BY id LIMIT 1000" >"$ids" ;;
    postgresql) psql -qAtX "$url" -c "SELECT '/api/v1/organisations/' || id FROM organisations WHERE id % 97 = 0 ORDER BY id LIMIT 1000" >"$ids" ;;
  esac
  [[ -s $ids ]] || die "$engine: no organisation id found"

  port=$(free_port)
  base=http://127.0.0.1:$port
  log=$WORK/server-$engine.log
  t0=$(now_ms)
  PASSERELLE_DATABASE=$url PASSERELLE_LISTEN=127.0.0.1:$port "$BIN" serve >"$log" 2>&1 &
  SERVER_PID=$!
  startup=$(wait_for_200 "$base/healthz" "$t0" "$SERVER_PID" 60) ||
    { tail -n 20 "$log" >&2; die "$engine: the server did not answer /healthz within 60 s"; }
  startup_log=$(grep -o '"startup_ms":[0-9.]*' "$log" | head -n1 | cut -d: -f2)
  say "$engine: server pid $SERVER_PID on $base, /healthz 200 after $startup ms (startup_ms ${startup_log:-?})"

  session=$(login "$base") || die "$engine: could not log in as $ADMIN_EMAIL"

  SERVER_PIDS=$NGINX_PID DB_PIDS=
  measure "nginx /app.css (ceiling)" ceiling "$NGINX_URL" ""
  SERVER_PIDS=$SERVER_PID
  [[ $engine == postgresql ]] && DB_PIDS=$(head -n1 "$PG_DIR/data/postmaster.pid")
  measure "GET /static/app.css" static "$base/static/app.css" ""
  measure "GET /healthz" info "$base/healthz" ""
  measure "GET /api/v1/organisations/{id} (token)" json "$base" "$ids" "Authorization: Bearer $token"
  measure "GET /api/v1/organisations/{id} (session)" json "$base" "$ids" "Cookie: passerelle_session=$session"
  measure "GET /organisations?q=$SEARCH (50 rows)" list "$base/organisations?q=$SEARCH" "" \
    "Cookie: passerelle_session=$session"

  rss_kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/$SERVER_PID/status" 2>/dev/null || echo 0)
  RSS_DETAIL=$(awk '/^Rss(Anon|File|Shmem):/ { printf "%s%s %.1f MB", sep, $1, $2 / 1024; sep = ", " }' "/proc/$SERVER_PID/status" 2>/dev/null || true)
  stop_pid "$SERVER_PID"; SERVER_PID=
  # One log line per request makes hundreds of MB: only the other lines are kept.
  local requests errors
  requests=$(grep -c '^{"method"' "$log" || true)
  grep -v '^{"method"' "$log" >"$log.kept" || true
  mv "$log.kept" "$log"
  errors=$(grep -c '"event":"\(unhandled\|error\|database_error\)"' "$log" || true)
  say "$engine: $requests requests logged by the server, $errors errors logged (kept in $log)"
  if ((errors > 0)); then
    grep '"event":"\(unhandled\|error\|database_error\)"' "$log" | head -n 5 >&2
    FAILED=1
  fi

  TABLE[$engine]=$(table "$engine" "$startup" "${startup_log:-?}" "$rss_kb")
  file=$RESULTS/$TS-$engine.txt
  {
    echo "Passerelle benchmark, $engine, $TS"
    echo "Machine: $MACHINE; load average before the run: $LOAD_BEFORE"
    echo "Commit: $COMMIT; binary sha256 $BIN_ID…; wrk ${WRK_ARGS[*]} (warm-up ${WARMUP}s); nginx worker_processes auto"
    echo
    echo "${TABLE[$engine]}"
    echo
    echo "Raw wrk output:"
    echo "$RAW"
  } >"$file"
  echo
  echo "== $engine =="
  echo "${TABLE[$engine]}"
  echo
  say "saved $file"
}

for engine in $ENGINES; do
  LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
  run_engine "$engine"
done

# ---------------------------------------------------------------- latest.md

if ((OFFICIAL)); then
{
  echo "# Latest benchmark ($TS)"
  echo
  echo "Machine: $MACHINE. Commit: $COMMIT (binary sha256 $BIN_ID…)."
  echo "wrk ${WRK_ARGS[*]} after a ${WARMUP}s warm-up, on the same machine as the servers;"
  echo "ratios are to nginx serving a 5 KB file in the same run (the machine may be shared: compare ratios, not req/s)."
  echo "CPU µs/req: CPU time (user + system) of the serving process (nginx on the first line, then passerelle)"
  echo "per response during the run; PostgreSQL's: all its processes. Less sensitive than req/s to the machine's other"
  echo "load, not immune to it (contention makes every request cost more)."
  echo "Dataset: $ORGS organisations, $CONTACTS contacts (\`passerelle bench-data\`). Raw output: \`$TS-<engine>.txt\`."
  for engine in $ENGINES; do
    echo
    echo "## $engine"
    echo
    echo "${TABLE[$engine]}"
  done
} >"$RESULTS/latest.md"
say "saved $RESULTS/latest.md"
else
  say "not the national-scale dataset: $RESULTS/latest.md left as it was"
fi

if ((FAILED)); then
  say "SOME MEASUREMENTS FAILED (see FAILED above): the figures are not valid"
  exit 1
fi
