#!/usr/bin/env bash
# CV-search benchmark (issue 4, "Benchmark"): run by `make bench` after the others.
#
# Per engine (BENCH_ENGINES, default "sqlite postgresql"):
#   1. dataset: `passerelle demo` then `passerelle bench-data --cv-profiles N`
#      (BENCH_EMP_PROFILES, default 200000), timed;
#   2. `passerelle serve`, a personal token of the demo facilitator (the CV library
#      is in their scope);
#   3. wrk (same settings as bench/run.sh), in one run: nginx's static file (the
#      ceiling), then GET /api/v1/cv-profiles?q=WORD&department=D&licence=1&limit=20
#      rotating over 64 queries (text + two filters, 20 results, ranked);
#   4. a table (req/s, p50, p99, × nginx, target ≥ 0.1, pass/miss) in
#      bench/results/employment-<timestamp>.txt and bench/results/employment-latest.md.
# Exit status 1 when a measurement is invalid (answers ≥ 400, no wrk summary).
set -Eeuo pipefail
case ":$PATH:" in *:/usr/sbin:*) ;; *) PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin ;; esac
export LC_ALL=C

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${PASSERELLE_BIN:-$ROOT/build/passerelle}
WORK=$ROOT/bench/work/employment
RESULTS=$ROOT/bench/results
LUA=$ROOT/bench/wrk.lua
NGINX=${NGINX:-/usr/sbin/nginx}
WRK=${WRK:-/usr/bin/wrk}
THREADS=${BENCH_THREADS:-2}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
DURATION=${BENCH_DURATION:-10}
WARMUP=${BENCH_WARMUP:-2}
ENGINES=${BENCH_ENGINES:-sqlite postgresql}
PROFILES=${BENCH_EMP_PROFILES:-200000}
TARGET=0.1

say() { printf '[employment] %s\n' "$*"; }
die() { printf '[employment] ERROR: %s\n' "$*" >&2; exit 1; }
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
run_wrk() {  # OUT LIMIT ARGS...
  local out=$1 limit=$2 rc=0; shift 2
  timeout -k 5 "$limit" "$WRK" "$@" >"$out" 2>&1 &
  WRK_PID=$!; wait "$WRK_PID" || rc=$?; WRK_PID=
  return "$rc"
}
bench_line() { grep '^BENCH ' "$1" | tail -n1; }
field() { sed -n "s/.* $2=\([0-9.]*\).*/\1/p" <<<" $1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.4f", a / b; else print "-" }'; }
verdict() { awk -v a="$1" -v t="$2" 'BEGIN { print (a + 0 >= t + 0) ? "pass" : "**miss**" }'; }
ms() { awk -v us="$1" 'BEGIN { printf "%.1f ms", us / 1000 }'; }

TS=$(date +%Y-%m-%dT%H%M)
mkdir -p "$WORK" "$RESULTS"
cp "$BIN" "$WORK/passerelle.$$" && mv -f "$WORK/passerelle.$$" "$WORK/passerelle"
BIN=$WORK/passerelle
WRK_ARGS=(-t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency --timeout 5s)
COMMIT=$(GIT_OPTIONAL_LOCKS=0 git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
MACHINE="$(uname -sr), $(nproc) CPU"
LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
say "$MACHINE; load $LOAD; wrk ${WRK_ARGS[*]}"

# nginx serving a static file: the ceiling of the machine, measured in the same run.
dir=$WORK/nginx
rm -rf "$dir"; mkdir -p "$dir/www" "$dir/tmp"
cp "$ROOT/web/static/app.css" "$dir/www/app.css"; chmod -R a+rX "$dir"
NPORT=$(free_port)
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
  server { listen 127.0.0.1:$NPORT; root $dir/www; }
}
NGX
} >"$dir/nginx.conf"
"$NGINX" -p "$dir/" -e "$dir/error.log" -c "$dir/nginx.conf" >"$dir/stdout.log" 2>&1 &
NGINX_PID=$!
NGINX_URL=http://127.0.0.1:$NPORT/app.css
wait_200 "$NGINX_URL" "$NGINX_PID" 10 || { cat "$dir/error.log" >&2; die "nginx did not start"; }

# The queries: a trade word, a department, a driving licence, 20 results.
PATHS=$WORK/paths.txt
: >"$PATHS"
for q in cuisine nettoyage securite maconnerie canalisations espaces plonge commandes; do
  for d in 44 75 93 13 69 59 33 31; do
    echo "/api/v1/cv-profiles?q=$q&department=$d&licence=1&limit=20" >>"$PATHS"
  done
done

FAILED=0
TABLE="| engine | profiles | generation | nginx req/s | search req/s | p50 | p99 | × nginx | target | verdict |"$'\n'
TABLE+="|---|---|---|---|---|---|---|---|---|---|"$'\n'
RAW=
for engine in $ENGINES; do
  case $engine in
    sqlite) url=$WORK/sqlite.db; rm -f "$url"{,-wal,-shm} ;;
    postgresql)
      PG_PORT=$(free_port); PG_DIR=${TMPDIR:-/tmp}/passerelle-employment-pg-$PG_PORT
      "$ROOT/scripts/pg.sh" start "$PG_DIR" "$PG_PORT" >"$WORK/pg-start.log" 2>&1 || { cat "$WORK/pg-start.log" >&2; die "pg.sh start failed"; }
      url=postgresql://postgres@127.0.0.1:$PG_PORT/passerelle_test ;;
    *) die "unknown engine $engine" ;;
  esac
  PASSERELLE_DATABASE=$url "$BIN" demo >"$WORK/gen-$engine.log" 2>&1 || die "$engine: demo failed"
  t0=$(now_ms)
  PASSERELLE_DATABASE=$url "$BIN" bench-data --cv-profiles "$PROFILES" >>"$WORK/gen-$engine.log" 2>&1 ||
    { cat "$WORK/gen-$engine.log" >&2; die "$engine: bench-data failed"; }
  gen_ms=$(($(now_ms) - t0))
  [[ $engine == postgresql ]] && psql -qAtX "$url" -c "VACUUM ANALYZE" >/dev/null
  say "$engine: $PROFILES profiles generated in $gen_ms ms"
  token=$(PASSERELLE_DATABASE=$url "$BIN" token create --user facilitator@demo.passerelle.fr)
  port=$(free_port); base=http://127.0.0.1:$port
  PASSERELLE_DATABASE=$url PASSERELLE_LISTEN=127.0.0.1:$port "$BIN" serve >"$WORK/server-$engine.log" 2>&1 &
  SERVER_PID=$!
  wait_200 "$base/healthz" "$SERVER_PID" 60 || die "$engine: the server did not start"
  sample=$(curl -s -H "Authorization: Bearer $token" "$base$(head -n1 "$PATHS")")
  grep -q '"total":' <<<"$sample" || die "$engine: the search answered $sample"
  say "$engine: first query total=$(sed -n 's/.*"total":\([0-9]*\).*/\1/p' <<<"$sample")"

  run_wrk /dev/null $((WARMUP + 30)) -t1 -c4 -d"${WARMUP}s" "$NGINX_URL" || true
  run_wrk "$WORK/wrk-$engine-nginx.out" $((DURATION + 60)) "${WRK_ARGS[@]}" -s "$LUA" "$NGINX_URL" || true
  BENCH_PATHS=$PATHS run_wrk /dev/null $((WARMUP + 30)) -t1 -c4 -d"${WARMUP}s" -s "$LUA" -H "Authorization: Bearer $token" "$base" || true
  BENCH_PATHS=$PATHS run_wrk "$WORK/wrk-$engine-search.out" $((DURATION + 60)) "${WRK_ARGS[@]}" -s "$LUA" \
    -H "Authorization: Bearer $token" "$base" || true
  RAW+=$'\n'"===== $engine nginx"$'\n'"$(cat "$WORK/wrk-$engine-nginx.out")"$'\n'"===== $engine search"$'\n'"$(cat "$WORK/wrk-$engine-search.out")"$'\n'
  nline=$(bench_line "$WORK/wrk-$engine-nginx.out") || true
  sline=$(bench_line "$WORK/wrk-$engine-search.out") || true
  if [[ -z $nline || -z $sline ]]; then
    FAILED=1; TABLE+="| $engine | $PROFILES | $gen_ms ms | - | - | - | - | - | ≥ $TARGET | FAILED: no wrk summary |"$'\n'
  else
    nrps=$(field "$nline" rps) srps=$(field "$sline" rps) st=$(field "$sline" status)
    r=$(ratio "$srps" "$nrps") v=$(verdict "$r" "$TARGET")
    ((st > 0)) && { v="FAILED: $st answers ≥ 400"; FAILED=1; }
    TABLE+="| $engine | $PROFILES | $gen_ms ms | $nrps | $srps | $(ms "$(field "$sline" p50_us)") | $(ms "$(field "$sline" p99_us)") | $r | ≥ $TARGET | $v |"$'\n'
    say "$engine: nginx $nrps req/s, search $srps req/s (× $r)"
  fi
  stop_pid "$SERVER_PID"; SERVER_PID=
  if [[ $engine == postgresql ]]; then "$ROOT/scripts/pg.sh" stop "$PG_DIR" "$PG_PORT" >/dev/null 2>&1 || true; PG_DIR=; fi
done

{
  echo "# CV-search benchmark — $TS (commit $COMMIT, $MACHINE)"
  echo
  echo "GET /api/v1/cv-profiles?q=WORD&department=D&licence=1&limit=20 as the demo facilitator, 64 queries in rotation;"
  echo "wrk ${WRK_ARGS[*]}; nginx serving a static file in the same run is the ceiling; load average at start: $LOAD."
  echo
  printf '%s' "$TABLE"
} | tee "$RESULTS/employment-latest.md"
printf '%s\n%s' "$(cat "$RESULTS/employment-latest.md")" "$RAW" >"$RESULTS/employment-$TS.txt"
exit "$FAILED"
