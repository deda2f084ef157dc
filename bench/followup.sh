#!/usr/bin/env bash
# Follow-up benchmark (issue 3, "Benchmark"): run by `make bench` after bench/run.sh.
#
# Per engine and per scale (BENCH_FU_SCALES: 100 = 1/100, 10 = 1/10, 1 = national):
#   1. dataset: `passerelle demo` then `passerelle bench-data --participants N
#      --interactions M --referents R` (timed), unless BENCH_FU_DB_<engine>_<scale>
#      names an already generated database (BENCH_FU_GEN_<engine>_<scale>: its
#      generation time in ms, reported as given);
#   2. `passerelle serve`, log-in as bench.referent.1 (password of the bench accounts);
#   3. wrk (same settings as bench/run.sh), in one run: nginx's static file (the
#      ceiling), GET /accompagnement, GET /participants/{id} (rotating over the
#      referent's participants);
#   4. curl: the dashboard of one PLIE for one month (as its supervisor) and of the
#      whole country (as the supervisor at the federation root): median of 5 GETs;
#      then wrk: POST /participants/{id}/contacts (every answer must be a 303; the
#      rows inserted are counted afterwards; they change the dataset: regenerate it
#      before measuring it again);
#   5. a table (req/s, p50, p99, × nginx, target, pass/miss) saved to
#      bench/results/followup-<timestamp>-<engine>.txt, and bench/results/followup-latest.md
#      with the growth from one scale to the next.
# Exit status 1 when a measurement is invalid (non-303 POSTs, redirects to /login…).
#
# Settings: PASSERELLE_BIN, BENCH_ENGINES, BENCH_THREADS, BENCH_CONNECTIONS,
# BENCH_DURATION, BENCH_WARMUP (as bench/run.sh), BENCH_FU_SCALES ("100 10"),
# BENCH_FU_DASH_GETS (5), BENCH_FU_REFERENT (bench.referent.1@bench.passerelle.fr).
set -Eeuo pipefail
case ":$PATH:" in *:/usr/sbin:*) ;; *) PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin ;; esac
export LC_ALL=C

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${PASSERELLE_BIN:-$ROOT/build/passerelle}
WORK=$ROOT/bench/work/followup
RESULTS=$ROOT/bench/results
LUA=$ROOT/bench/wrk.lua
POST_LUA=$ROOT/bench/followup-post.lua
NGINX=${NGINX:-/usr/sbin/nginx}
WRK=${WRK:-/usr/bin/wrk}
THREADS=${BENCH_THREADS:-2}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
DURATION=${BENCH_DURATION:-10}
WARMUP=${BENCH_WARMUP:-2}
ENGINES=${BENCH_ENGINES:-sqlite postgresql}
SCALES=${BENCH_FU_SCALES:-100 10}
DASH_GETS=${BENCH_FU_DASH_GETS:-5}  # timed GETs per dashboard (after one discarded)
PASSWORD=passerelle-bench
REFERENT=${BENCH_FU_REFERENT:-bench.referent.1@bench.passerelle.fr}
SUP_PLIE=${BENCH_FU_SUPERVISOR:-bench.supervisor.plie.1@bench.passerelle.fr}
SUP_NATIONAL=bench.supervisor.national@bench.passerelle.fr
# Targets (issue 3).
T_DUE=0.1; T_FILE=0.1; T_POST_RPS=2000; T_DASH_PLIE_MS=50; T_DASH_ALL_MS=2000

BENCH_TAG=followup
# say, die, now_ms, stop_pid, free_port, wait_200, run_wrk, bench_line, field, ratio, ms, start_nginx_ceiling
# (this script's own sql and verdict, defined below, take an engine and a comparison).
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

sql() {  # ENGINE URL QUERY
  case $1 in
    sqlite) sqlite3 "$2" "$3" ;;
    postgresql) psql -qAtX "$2" -c "$3" ;;
  esac
}

TS=$(date +%Y-%m-%dT%H%M)
mkdir -p "$WORK" "$RESULTS"
cp "$BIN" "$WORK/passerelle.$$" && mv -f "$WORK/passerelle.$$" "$WORK/passerelle"
BIN=$WORK/passerelle
WRK_ARGS=(-t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency --timeout 5s)
COMMIT=$(GIT_OPTIONAL_LOCKS=0 git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
MACHINE="$(uname -sr), $(nproc) CPU"
say "$MACHINE; load $(cut -d' ' -f1-3 /proc/loadavg); wrk ${WRK_ARGS[*]}"

# ---------------------------------------------------------------- nginx
start_nginx_ceiling

# ---------------------------------------------------------------- datasets
scale_sizes() {  # SCALE → "N M R"
  case $1 in
    100) echo "10000 200000 140" ;; 10) echo "100000 2000000 1400" ;; 1) echo "1000000 20000000 14000" ;;
    *) die "unknown scale $1 (100, 10, 1)" ;;
  esac
}
scale_label() { case $1 in 1) echo "full" ;; *) echo "1/$1" ;; esac; }
declare -A DB GEN_MS
for engine in $ENGINES; do
  for scale in $SCALES; do
    key=${engine}_$scale var=BENCH_FU_DB_$key gvar=BENCH_FU_GEN_$key
    if [[ -n ${!var:-} ]]; then
      DB[$key]=${!var}; GEN_MS[$key]=${!gvar:-?}
      say "$engine $(scale_label "$scale"): reusing ${DB[$key]} (generated in ${GEN_MS[$key]} ms)"
      continue
    fi
    read -r n m r <<<"$(scale_sizes "$scale")"
    case $engine in
      sqlite) DB[$key]=$WORK/sqlite-$scale.db; rm -f "${DB[$key]}"{,-wal,-shm} ;;
      postgresql)
        if [[ -z $PG_DIR ]]; then
          PG_PORT=$(free_port); PG_DIR=${TMPDIR:-/tmp}/passerelle-followup-pg-$PG_PORT
          "$ROOT/scripts/pg.sh" start "$PG_DIR" "$PG_PORT" >"$WORK/pg-start.log" 2>&1 || { cat "$WORK/pg-start.log" >&2; die "pg.sh start failed"; }
        fi
        psql -qAtX "postgresql://postgres@127.0.0.1:$PG_PORT/postgres" -c "CREATE DATABASE followup_$scale" >/dev/null
        DB[$key]=postgresql://postgres@127.0.0.1:$PG_PORT/followup_$scale ;;
    esac
    PASSERELLE_DATABASE=${DB[$key]} "$BIN" demo >"$WORK/gen-$key.log" 2>&1 || die "$key: demo failed"
    t0=$(now_ms)
    PASSERELLE_DATABASE=${DB[$key]} "$BIN" bench-data --participants "$n" --interactions "$m" --referents "$r" \
      >>"$WORK/gen-$key.log" 2>&1 || { cat "$WORK/gen-$key.log" >&2; die "$key: bench-data failed"; }
    GEN_MS[$key]=$(($(now_ms) - t0))
    [[ $engine == postgresql ]] && sql postgresql "${DB[$key]}" "VACUUM ANALYZE" >/dev/null
    say "$engine $(scale_label "$scale"): bench-data $n participants, $m interactions, $r referents in ${GEN_MS[$key]} ms"
  done
done

# ---------------------------------------------------------------- measurements
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

FAILED=0
declare -A R   # R[key|target|field]

wrk_target() {  # KEY NAME URL PATHS EXPECTED_BYTES HEADER
  local key=$1 name=$2 url=$3 paths=$4 expected=$5 hdr=$6 line out=$WORK/wrk-$1-$2.out per
  BENCH_PATHS=$paths run_wrk /dev/null $((WARMUP + 30)) -t1 -c4 -d"${WARMUP}s" -s "$LUA" ${hdr:+-H "$hdr"} "$url" || true
  BENCH_PATHS=$paths run_wrk "$out" $((DURATION + 60)) "${WRK_ARGS[@]}" -s "$LUA" ${hdr:+-H "$hdr"} "$url" || true
  RAW+=$'\n'"===== $key $name: $url${paths:+ ($(wc -l <"$paths") paths)}"$'\n'"$(cat "$out")"$'\n'
  line=$(bench_line "$out") || true
  [[ -n $line ]] || { R[$key|$name|ok]="FAILED: no wrk summary"; FAILED=1; return 0; }
  R[$key|$name|rps]=$(field "$line" rps); R[$key|$name|p50]=$(field "$line" p50_us); R[$key|$name|p99]=$(field "$line" p99_us)
  R[$key|$name|ok]=ok
  local req=$(field "$line" requests) st=$(field "$line" status)
  ((st > 0)) && { R[$key|$name|ok]="FAILED: $st responses ≥ 400"; FAILED=1; }
  if ((req > 0 && expected > 0)); then
    per=$(($(field "$line" bytes) / req))
    ((per * 100 < expected * 50 || per * 100 > expected * 200)) && { R[$key|$name|ok]="FAILED: $per bytes/response, expected ~$expected"; FAILED=1; }
  fi
  say "$key $name: ${R[$key|$name|rps]} req/s p50 ${R[$key|$name|p50]} µs p99 ${R[$key|$name|p99]} µs ${R[$key|$name|ok]}"
}

dash_time() {  # KEY NAME URL JAR → median and max of 5 GETs (after one discarded)
  local key=$1 name=$2 url=$3 jar=$4 i t code times=() out
  curl -s -o /dev/null -b "$jar" --max-time 120 "$url" || true
  for ((i = 0; i < DASH_GETS; i++)); do
    out=$(curl -s -o "$WORK/dash.html" -w '%{http_code} %{time_total}' -b "$jar" --max-time 120 "$url") || out="000 0"
    code=${out%% *}; t=${out#* }
    [[ $code == 200 ]] && grep -q 'Personnes suivies' "$WORK/dash.html" || { R[$key|$name|ok]="FAILED: answered $code"; FAILED=1; return 0; }
    times+=("$(awk -v t="$t" 'BEGIN { printf "%.1f", t * 1000 }')")
  done
  R[$key|$name|med]=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((DASH_GETS + 1) / 2))p")
  R[$key|$name|max]=$(printf '%s\n' "${times[@]}" | sort -n | tail -n1)
  R[$key|$name|ok]=ok
  R[$key|$name|value]=$(sed -n 's|.*Personnes suivies à la date de fin</th><td>\([^<]*\)<.*|\1|p' "$WORK/dash.html" | tr -cd '0-9')
  say "$key $name: median ${R[$key|$name|med]} ms, max ${R[$key|$name|max]} ms ($DASH_GETS GETs)"
}

verdict() { awk -v a="$1" -v t="$2" -v op="$3" 'BEGIN { if (op == ">=") print (a + 0 >= t + 0) ? "pass" : "**miss**"; else print (a + 0 < t + 0) ? "pass" : "**miss**" }'; }

run_one() {  # ENGINE SCALE
  local engine=$1 scale=$2 key=${1}_$2 url=${DB[${1}_$2]} port base jar session csrf ids paths sample exp_due exp_file
  RAW=
  port=$(free_port); base=http://127.0.0.1:$port
  PASSERELLE_DATABASE=$url PASSERELLE_LISTEN=127.0.0.1:$port "$BIN" serve >"$WORK/server-$key.log" 2>&1 &
  SERVER_PID=$!
  wait_200 "$base/healthz" "$SERVER_PID" 120 || { tail "$WORK/server-$key.log" >&2; die "$key: server did not start"; }
  jar=$WORK/cookies-$key.txt
  session=$(login "$base" "$REFERENT" "$jar") || die "$key: login as $REFERENT failed"
  local cookie="Cookie: passerelle_session=$session"
  sample=$(curl -sS -b "$jar" "$base/accompagnement")
  csrf=$(grep -o 'name="_csrf" value="[^"]*"' <<<"$sample" | head -n1 | sed 's/.*value="//; s/"$//')
  [[ -n $csrf ]] || die "$key: no CSRF token on /accompagnement"
  exp_due=$(curl -s -o /dev/null -w '%{size_header} %{size_download}' -b "$jar" "$base/accompagnement" | awk '{ print $1 + $2 }')
  ids=$WORK/ids-$key.txt paths=$WORK/paths-$key.txt
  sql "$engine" "$url" "SELECT e.participant_id FROM enrolments e JOIN users u ON u.id = e.referent_id WHERE u.email = '$REFERENT' AND e.status = 'active' ORDER BY e.participant_id" >"$ids"
  [[ -s $ids ]] || die "$key: the referent follows nobody"
  sed 's|^|/participants/|' "$ids" >"$paths"
  exp_file=0
  local n=0 p s
  while read -r p; do
    s=$(curl -s -o /dev/null -w '%{http_code} %{size_header} %{size_download}' -b "$jar" "$base$p")
    [[ ${s%% *} == 200 ]] || die "$key: GET $p answered ${s%% *}"
    exp_file=$((exp_file + $(awk '{ print $2 + $3 }' <<<"$s"))); n=$((n + 1))
  done < <(awk 'NR % 10 == 1' "$paths" | head -n 8)
  exp_file=$((exp_file / n))

  wrk_target "$key" nginx "$NGINX_URL" "" 0 ""
  wrk_target "$key" due "$base/accompagnement" "" "$exp_due" "$cookie"
  wrk_target "$key" file "$base" "$paths" "$exp_file" "$cookie"

  # Dashboards, before the POSTs (they add interactions to the referent's PLIE).
  local prog today from sj nj
  prog=$(sql "$engine" "$url" "SELECT p.id FROM programmes p JOIN user_roles ur ON ur.organisation_id = p.organisation_id JOIN users u ON u.id = ur.user_id WHERE u.email = '$SUP_PLIE' AND ur.role = 'supervisor' ORDER BY p.id LIMIT 1")
  today=$(TZ=Europe/Paris date +%Y-%m-%d); from=$(TZ=Europe/Paris date -d '-1 month +1 day' +%Y-%m-%d)
  sj=$WORK/cookies-$key-sup.txt nj=$WORK/cookies-$key-nat.txt
  # The server may still be answering the requests queued by the last wrk run.
  wait_200 "$base/healthz" "$SERVER_PID" 300 || die "$key: the server stopped answering"
  login "$base" "$SUP_PLIE" "$sj" >/dev/null || die "$key: login as $SUP_PLIE failed"
  login "$base" "$SUP_NATIONAL" "$nj" >/dev/null || die "$key: login as $SUP_NATIONAL failed"
  dash_time "$key" dash_plie "$base/tableau-de-bord?du=$from&au=$today&programme=$prog" "$sj"
  dash_time "$key" dash_all "$base/tableau-de-bord?du=$from&au=$today" "$nj"
  # POST: rows counted before and after.
  local before after out=$WORK/wrk-$key-post.out line st at
  before=$(sql "$engine" "$url" "SELECT COUNT(*) FROM interactions")
  at=$(TZ=Europe/Paris date -d '-10 min' +%Y-%m-%dT%H:%M)
  BENCH_IDS=$ids BENCH_CSRF=$csrf BENCH_AT=$at run_wrk "$out" $((DURATION + 60)) "${WRK_ARGS[@]}" -s "$POST_LUA" -H "$cookie" "$base" || true
  after=$(sql "$engine" "$url" "SELECT COUNT(*) FROM interactions")
  RAW+=$'\n'"===== $key post: $base/participants/{id}/contacts ($(wc -l <"$ids") ids)"$'\n'"$(cat "$out")"$'\n'
  line=$(bench_line "$out") || true
  st=$(grep '^BENCHSTATUS' "$out" | tail -n1) || true
  R[$key|post|rps]=$(field "$line" rps); R[$key|post|p50]=$(field "$line" p50_us); R[$key|post|p99]=$(field "$line" p99_us)
  local n303=$(field "$st" 303) total=$(field "$line" requests)
  R[$key|post|rows]=$((after - before)); R[$key|post|st]=${st#BENCHSTATUS }
  R[$key|post|ok]=ok
  if [[ -z $line || $n303 != "$total" ]]; then R[$key|post|ok]="FAILED: not all 303 (${st#BENCHSTATUS })"; FAILED=1; fi
  # wrk may leave requests in flight at the end: rows ≥ 303s counted, at most one per connection more.
  if ((after - before < n303 || after - before > n303 + CONNECTIONS)); then
    R[$key|post|ok]="FAILED: $((after - before)) rows for $n303 redirects"; FAILED=1
  fi
  say "$key post: ${R[$key|post|rps]} req/s p50 ${R[$key|post|p50]} µs p99 ${R[$key|post|p99]} µs; ${R[$key|post|st]}; $((after - before)) rows inserted; ${R[$key|post|ok]}"

  stop_pid "$SERVER_PID"; SERVER_PID=
  grep -v '^{"method"' "$WORK/server-$key.log" >"$WORK/server-$key.kept" || true; mv "$WORK/server-$key.kept" "$WORK/server-$key.log"

  local c=${R[$key|nginx|rps]} tbl
  tbl=$(
    echo "| target | req/s | p50 | p99 | × nginx | target | result |"
    echo "|---|---:|---:|---:|---:|---|---|"
    printf '| nginx /app.css (ceiling) | %.0f | %s | %s | 1 | | ceiling |\n' "$c" "$(ms "${R[$key|nginx|p50]}")" "$(ms "${R[$key|nginx|p99]}")"
    local t rt
    for t in due file; do
      rt=$(ratio "${R[$key|$t|rps]}" "$c")
      printf '| %s | %.0f | %s | %s | %s | ≥ 0.1× nginx | %s |\n' \
        "$([[ $t == due ]] && echo 'GET /accompagnement (À contacter)' || echo 'GET /participants/{id} (file)')" \
        "${R[$key|$t|rps]:-0}" "$(ms "${R[$key|$t|p50]:-0}")" "$(ms "${R[$key|$t|p99]:-0}")" "$rt" \
        "$([[ ${R[$key|$t|ok]} == ok ]] && verdict "$rt" 0.1 ">=" || echo "**${R[$key|$t|ok]}**")"
    done
    printf '| POST /participants/{id}/contacts | %.0f | %s | %s | %s | ≥ %s/s%s | %s |\n' "${R[$key|post|rps]:-0}" \
      "$(ms "${R[$key|post|p50]:-0}")" "$(ms "${R[$key|post|p99]:-0}")" "$(ratio "${R[$key|post|rps]}" "$c")" "$T_POST_RPS" \
      "$([[ $engine == sqlite ]] || echo ' (SQLite target)')" \
      "$([[ ${R[$key|post|ok]} == ok ]] && verdict "${R[$key|post|rps]}" "$T_POST_RPS" ">=" || echo "**${R[$key|post|ok]}**")"
    printf "| dashboard, one PLIE, one month (median/max of $DASH_GETS) | | %s ms"' | max %s ms | | < %s ms | %s |\n' \
      "${R[$key|dash_plie|med]:--}" "${R[$key|dash_plie|max]:--}" "$T_DASH_PLIE_MS" \
      "$([[ ${R[$key|dash_plie|ok]} == ok ]] && verdict "${R[$key|dash_plie|med]}" "$T_DASH_PLIE_MS" "<" || echo "**${R[$key|dash_plie|ok]}**")"
    printf "| dashboard, whole country, one month (median/max of $DASH_GETS) | | %s ms"' | max %s ms | | < %s ms | %s |\n' \
      "${R[$key|dash_all|med]:--}" "${R[$key|dash_all|max]:--}" "$T_DASH_ALL_MS" \
      "$([[ ${R[$key|dash_all|ok]} == ok ]] && verdict "${R[$key|dash_all|med]}" "$T_DASH_ALL_MS" "<" || echo "**${R[$key|dash_all|ok]}**")"
    echo
    echo "- dataset $(scale_label "$scale") ($(scale_sizes "$scale") participants/interactions/referents): bench-data ${GEN_MS[$key]} ms"
    echo "- POST: ${R[$key|post|st]}; ${R[$key|post|rows]} interaction rows inserted (counted in the database)"
    echo "- followed people on the dashboards: PLIE ${R[$key|dash_plie|value]:-?}, country ${R[$key|dash_all|value]:-?}"
    echo "- referent $REFERENT: $(wc -l <"$ids") participants"
  )
  TABLES[$key]=$tbl
  {
    echo "Passerelle follow-up benchmark, $engine, $(scale_label "$scale"), $TS"
    echo "Machine: $MACHINE; commit $COMMIT; wrk ${WRK_ARGS[*]}"
    echo; echo "$tbl"; echo; echo "Raw wrk output:"; echo "$RAW"
  } >>"$RESULTS/followup-$TS-$engine.txt"
  echo; echo "== $engine $(scale_label "$scale") =="; echo "$tbl"; echo
}

declare -A TABLES
for engine in $ENGINES; do
  for scale in $SCALES; do run_one "$engine" "$scale"; done
done

# ---------------------------------------------------------------- growth and latest
growth() {
  local engine=$1 s prev= metric
  echo "| $engine | $(for s in $SCALES; do printf '%s | ' "$(scale_label "$s")"; done)growth |"
  echo "|---|$(for s in $SCALES; do printf -- '---:|'; done)---|"
  for metric in "nginx|rps|nginx req/s" "due|rps|À contacter req/s" "due|p99|À contacter p99 µs" "file|rps|file req/s" \
                "file|p99|file p99 µs" "post|rps|POST req/s" "post|p99|POST p99 µs" "dash_plie|med|dashboard PLIE ms" \
                "dash_all|med|dashboard country ms"; do
    IFS='|' read -r t f label <<<"$metric"
    local vals=() first= last=
    for s in $SCALES; do v=${R[${engine}_$s|$t|$f]:-}; vals+=("${v:--}"); [[ -z $first ]] && first=$v; last=$v; done
    printf '| %s | %s%s |\n' "$label" "$(printf '%s | ' "${vals[@]}")" "$(awk -v a="$first" -v b="$last" 'BEGIN { if (a > 0) printf "×%.2f", b / a; else print "-" }')"
  done
}
{
  echo "# Follow-up benchmark ($TS)"
  echo
  echo "Machine: $MACHINE (shared with other load: compare ratios). Commit $COMMIT. wrk ${WRK_ARGS[*]} after ${WARMUP}s warm-up."
  echo "Dashboards: curl, median and max of 5 GETs after one discarded. Raw: followup-$TS-<engine>.txt."
  for engine in $ENGINES; do
    for scale in $SCALES; do echo; echo "## $engine, $(scale_label "$scale")"; echo; echo "${TABLES[${engine}_$scale]}"; done
    echo; echo "### $engine: growth from $(scale_label "${SCALES%% *}") to $(scale_label "${SCALES##* }")"; echo; growth "$engine"
  done
} >"$RESULTS/followup-latest.md"
say "saved $RESULTS/followup-latest.md"
((FAILED == 0)) || { say "SOME MEASUREMENTS FAILED"; exit 1; }
