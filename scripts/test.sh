#!/usr/bin/env bash
# Runs every test suite of Passerelle; this is what `make test` and CI run.
#
#   a. install what is missing          (scripts/install-deps.sh)
#   b. Release build                    (build/)
#   c. a throw-away PostgreSQL 15       (scripts/pg.sh, stopped on exit)
#      and an SMTP sink on loopback     (tests/support/smtp_sink.py, Debian's python3-aiosmtpd)
#   d. unit tests                       (GoogleTest; both engines in one run)
#   e. API tests                        (node --test tests/api/, SQLite then PostgreSQL)
#   f. browser tests                    (node --test tests/browser/, SQLite then PostgreSQL)
#   g. sanitizer build (build-asan/), then d. and e. again under ASan + UBSan
# When the Release build fails, c. to g. are skipped (g. would fail the same way).
#
# Every suite reports its own counts; the last line is always `N passed, M failed`
# (totals). A build or set-up step that fails counts as 1 failed. Exit code 0 only when
# nothing failed. Full logs are in test-results/.
#
# Knobs (environment):
#   PASSERELLE_TEST_PG_PORT   first port tried for PostgreSQL (default 55432; next ones if busy)
#   PASSERELLE_TEST_TIMEOUT   time limit of one test suite, in seconds (default 1200)
#   PASSERELLE_TEST_SANITIZE  0 skips step g (quicker local runs; shown as skipped)
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RESULTS=$ROOT/test-results
SUITE_TIMEOUT=${PASSERELLE_TEST_TIMEOUT:-1200}
CHROMIUM=$(command -v chromium || echo /usr/bin/chromium)

# Per-suite results, in order.
SUITE_NAMES=() SUITE_PASSED=() SUITE_FAILED=() SUITE_NOTES=()

PG_PORT="" PG_URL=""
SMTP_PORT="" SMTP_DIR="" SMTP_PID=""
FINISHED=0

# ---------------------------------------------------------------------------
# Output helpers
# ---------------------------------------------------------------------------

step() { printf '\n==> %s\n' "$*"; }
info() { printf '    %s\n' "$*"; }

# record NAME PASSED FAILED NOTE: adds one row to the summary and prints it.
record() {
  SUITE_NAMES+=("$1") SUITE_PASSED+=("$2") SUITE_FAILED+=("$3") SUITE_NOTES+=("${4:-}")
  info "$1: $2 passed, $3 failed${4:+ ($4)}"
}

# Prints the lines of a log worth seeing after a failure (first matches, then the end).
show_log_excerpt() {
  local log=$1 pattern=$2
  grep -m 40 -E -- "$pattern" "$log" | sed 's/^/    | /'
  info "... last lines of $log:"
  tail -n 15 "$log" | sed 's/^/    | /'
}

# ---------------------------------------------------------------------------
# Parsers: each sets PARSED_PASSED, PARSED_FAILED, PARSED_NOTE and PARSED_GENERIC, which is
# 1 when one failure was counted for the process as a whole (it died, timed out, or exited
# non-zero with no failing test named), 0 otherwise.
# ---------------------------------------------------------------------------

# parse_gtest LOG EXIT_CODE: GoogleTest output (default, non-brief format).
# With a summary: "[  PASSED  ] N test(s)." / "[  FAILED  ] N test(s), listed below:".
# Without one (the process died): every "[       OK ]" passed, every per-test
# "[  FAILED  ] name (N ms)" failed, and the test that was running counts as failed.
parse_gtest() {
  local log=$1 rc=$2
  PARSED_PASSED=0 PARSED_FAILED=0 PARSED_NOTE="" PARSED_GENERIC=0
  local skipped
  skipped=$(sed -nE 's/^\[  SKIPPED \] ([0-9]+) tests?.*/\1/p' "$log" | tail -n 1)
  if grep -qE '^\[==========\] [0-9]+ tests? from .* ran\.' "$log"; then
    PARSED_PASSED=$(sed -nE 's/^\[  PASSED  \] ([0-9]+) tests?\..*/\1/p' "$log" | tail -n 1)
    PARSED_FAILED=$(sed -nE 's/^\[  FAILED  \] ([0-9]+) tests?, listed below:.*/\1/p' "$log" | tail -n 1)
    PARSED_PASSED=${PARSED_PASSED:-0} PARSED_FAILED=${PARSED_FAILED:-0}
    if [[ $rc -ne 0 && $PARSED_FAILED -eq 0 ]]; then
      PARSED_FAILED=1 PARSED_GENERIC=1 PARSED_NOTE="all tests passed but exit code $rc"
    fi
  else
    PARSED_PASSED=$(grep -cE '^\[       OK \] ' "$log")
    PARSED_FAILED=$(grep -cE '^\[  FAILED  \] .* \([0-9]+ ms\)$' "$log")
    if [[ $rc -ne 0 ]]; then
      PARSED_FAILED=$((PARSED_FAILED + 1)) PARSED_GENERIC=1
      PARSED_NOTE="died: $(describe_exit "$rc")"
    fi
  fi
  [[ -n $skipped && $skipped -gt 0 ]] && PARSED_NOTE="${PARSED_NOTE:+$PARSED_NOTE; }$skipped skipped"
  return 0
}

# parse_tap LOG EXIT_CODE: node --test --test-reporter=tap output.
# Uses the final summary ("# pass N", "# fail N", "# cancelled N" at column 0);
# cancelled tests count as failed. No summary, or a non-zero exit with no failure
# counted, is 1 failed.
parse_tap() {
  local log=$1 rc=$2
  PARSED_PASSED=0 PARSED_FAILED=0 PARSED_NOTE="" PARSED_GENERIC=0
  local pass fail cancelled skipped
  pass=$(sed -nE 's/^# pass ([0-9]+)$/\1/p' "$log" | tail -n 1)
  fail=$(sed -nE 's/^# fail ([0-9]+)$/\1/p' "$log" | tail -n 1)
  cancelled=$(sed -nE 's/^# cancelled ([0-9]+)$/\1/p' "$log" | tail -n 1)
  skipped=$(sed -nE 's/^# skipped ([0-9]+)$/\1/p' "$log" | tail -n 1)
  if [[ -z $pass || -z $fail ]]; then
    PARSED_FAILED=1 PARSED_GENERIC=1 PARSED_NOTE="no TAP summary, $(describe_exit "$rc")"
    return 0
  fi
  PARSED_PASSED=$pass
  PARSED_FAILED=$((fail + ${cancelled:-0}))
  [[ ${cancelled:-0} -gt 0 ]] && PARSED_NOTE="$cancelled cancelled"
  if [[ $rc -ne 0 && $PARSED_FAILED -eq 0 ]]; then
    PARSED_FAILED=1 PARSED_GENERIC=1 PARSED_NOTE="all tests passed but exit code $rc"
  fi
  [[ ${skipped:-0} -gt 0 ]] && PARSED_NOTE="${PARSED_NOTE:+$PARSED_NOTE; }$skipped skipped"
  return 0
}

describe_exit() {
  local rc=$1
  if [[ $rc -eq 124 || $rc -eq 137 ]]; then echo "timed out after ${SUITE_TIMEOUT}s (exit $rc)"
  elif [[ $rc -gt 128 ]]; then echo "killed by signal $((rc - 128))"
  else echo "exit code $rc"
  fi
}

# ---------------------------------------------------------------------------
# Steps
# ---------------------------------------------------------------------------

install_deps() {
  step "Dependencies (scripts/install-deps.sh)"
  if "$ROOT/scripts/install-deps.sh"; then
    record "deps" 0 0 "ok"
  else
    record "deps" 0 1 "install-deps.sh failed"
  fi
}

# build NAME DIR CMAKE_ARGS...: configures with Ninja and builds every target.
# Returns non-zero (and records 1 failed) when configuring or building fails.
build() {
  local name=$1 dir=$2; shift 2
  local log=$RESULTS/$name.log
  step "Build $name ($dir: $*)"
  # A tree configured earlier with another generator cannot be reused by Ninja.
  if [[ -f $dir/CMakeCache.txt ]] && ! grep -q '^CMAKE_GENERATOR:INTERNAL=Ninja$' "$dir/CMakeCache.txt"; then
    info "removing $dir/CMakeCache.txt (made with another generator)"
    rm -rf "$dir/CMakeCache.txt" "$dir/CMakeFiles"
  fi
  local start=$SECONDS
  if cmake -S "$ROOT" -B "$dir" -G Ninja "$@" >"$log" 2>&1 &&
     cmake --build "$dir" >>"$log" 2>&1; then
    record "$name" 0 0 "ok in $((SECONDS - start))s"
    return 0
  fi
  show_log_excerpt "$log" 'error|FAILED:|CMake Error'
  record "$name" 0 1 "build failed, see $log"
  return 1
}

# Is something listening on 127.0.0.1:PORT?
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Is the default cluster dir of this port used by a live server (another run)?
cluster_alive() {
  local pidfile=/tmp/passerelle-pg-$1/data/postmaster.pid pid
  [[ -f $pidfile ]] || return 1
  pid=$(head -n 1 "$pidfile" 2>/dev/null)
  [[ -n $pid && -d /proc/$pid ]]
}

# Starts PostgreSQL on the first free port from PASSERELLE_TEST_PG_PORT (default 55432),
# trying up to 3 ports in case another process takes one in between. Sets PG_PORT and PG_URL.
start_postgres() {
  step "PostgreSQL 15 (scripts/pg.sh)"
  local port=${PASSERELLE_TEST_PG_PORT:-55432} last=$(( ${PASSERELLE_TEST_PG_PORT:-55432} + 100 ))
  local tries=0
  for (( ; port < last && tries < 3; port++ )); do
    if port_busy "$port" || cluster_alive "$port"; then continue; fi
    tries=$((tries + 1))
    if "$ROOT/scripts/pg.sh" start "" "$port"; then
      PG_PORT=$port
      PG_URL=$("$ROOT/scripts/pg.sh" url "" "$port")
      record "postgres" 0 0 "127.0.0.1:$port"
      return 0
    fi
  done
  record "postgres" 0 1 "could not start a cluster; PostgreSQL suites skipped"
  return 1
}

stop_postgres() {
  if [[ -n $PG_PORT ]]; then
    "$ROOT/scripts/pg.sh" stop "" "$PG_PORT" >/dev/null 2>&1 || true
    PG_PORT=""
  fi
}

# Starts the SMTP sink of the tests (a real SMTP server that writes what it receives into
# SMTP_DIR) on the first free port from 2525 + 55000. Suites get PASSERELLE_TEST_SMTP_PORT
# and PASSERELLE_TEST_SMTP_DIR; without them a test file starts its own sink.
start_smtp_sink() {
  step "SMTP sink (tests/support/smtp_sink.py)"
  local port
  SMTP_DIR=$RESULTS/smtp-sink
  rm -rf "$SMTP_DIR"; mkdir -p "$SMTP_DIR"
  for (( port = 57525; port < 57600; port++ )); do
    port_busy "$port" && continue
    /usr/bin/python3 "$ROOT/tests/support/smtp_sink.py" --port "$port" --dir "$SMTP_DIR/messages" \
      >"$RESULTS/smtp-sink.log" 2>&1 &
    SMTP_PID=$!
    local i
    for (( i = 0; i < 50; i++ )); do
      if grep -q '^listening' "$RESULTS/smtp-sink.log" 2>/dev/null; then
        SMTP_PORT=$port
        record "smtp-sink" 0 0 "127.0.0.1:$port"
        return 0
      fi
      kill -0 "$SMTP_PID" 2>/dev/null || break
      sleep 0.1
    done
    kill "$SMTP_PID" 2>/dev/null; wait "$SMTP_PID" 2>/dev/null
    SMTP_PID=""
  done
  record "smtp-sink" 0 1 "could not start; mail tests start their own sink"
  return 1
}

stop_smtp_sink() {
  if [[ -n $SMTP_PID ]]; then
    kill "$SMTP_PID" 2>/dev/null || true
    wait "$SMTP_PID" 2>/dev/null || true
    SMTP_PID="" SMTP_PORT=""
  fi
}

# A fresh, empty passerelle_test database for the next suite.
reset_database() {
  [[ -n $PG_PORT ]] || return 1
  "$ROOT/scripts/pg.sh" reset "" "$PG_PORT" >"$RESULTS/pg-reset.log" 2>&1 && return 0
  cat "$RESULTS/pg-reset.log" >&2
  return 1
}

# Sanitizer options of step g (empty outside it). The ASan log_path is set per suite.
SAN_ASAN_OPTIONS="" SAN_EXTRA_ENV=()
SUITE_SAN_ENV=() SAN_LOG_DIR=""

# Sets SUITE_SAN_ENV (env assignments) for suite NAME, with a fresh directory for its
# sanitizer reports; does nothing outside step g.
begin_sanitizer_suite() {
  SUITE_SAN_ENV=() SAN_LOG_DIR=""
  [[ -n $SAN_ASAN_OPTIONS ]] || return 0
  SAN_LOG_DIR=$RESULTS/sanitizer/$1
  rm -rf "$SAN_LOG_DIR"; mkdir -p "$SAN_LOG_DIR"
  SUITE_SAN_ENV=(ASAN_OPTIONS="$SAN_ASAN_OPTIONS:log_path=$SAN_LOG_DIR/asan" "${SAN_EXTRA_ENV[@]}")
}

# Each sanitizer report written during the suite (by the tests or by a server they started)
# is one failure; reports that explain a crash replace the generic "died" failure.
# (UBSan reports go to the process's stderr; halt_on_error makes them fail the tests.)
apply_sanitizer_reports() {
  [[ -n $SAN_LOG_DIR && -d $SAN_LOG_DIR ]] || return 0
  local f reports=0
  for f in "$SAN_LOG_DIR"/*; do
    [[ -s $f ]] || continue
    reports=$((reports + 1))
    info "sanitizer report $f:"
    sed -n '1,/^SUMMARY:/p' "$f" | head -n 40 | sed 's/^/    | /'
  done
  if [[ $reports -gt 0 ]]; then
    PARSED_FAILED=$((PARSED_FAILED - PARSED_GENERIC + reports))
    PARSED_NOTE="${PARSED_NOTE:+$PARSED_NOTE; }$reports sanitizer report(s)"
  fi
}

# run_unit NAME BINARY: GoogleTest binary; PostgreSQL cases get PASSERELLE_TEST_PG.
run_unit() {
  local name=$1 bin=$2 log=$RESULTS/$1.log
  step "Unit tests $name ($bin)"
  begin_sanitizer_suite "$name"
  local env=(env -u PASSERELLE_TEST_ENGINE)
  if [[ -n $PG_PORT ]] && reset_database; then
    env+=(PASSERELLE_TEST_PG="$PG_URL")
  else
    env=(env -u PASSERELLE_TEST_ENGINE -u PASSERELLE_TEST_PG)
    info "PostgreSQL unavailable: the tests get no PASSERELLE_TEST_PG"
  fi
  env+=("${SUITE_SAN_ENV[@]}")
  local rc=0
  (cd "$ROOT" && "${env[@]}" timeout -k 30 "$SUITE_TIMEOUT" "$bin") >"$log" 2>&1 || rc=$?
  parse_gtest "$log" "$rc"
  apply_sanitizer_reports
  if [[ $PARSED_FAILED -gt 0 ]]; then
    grep -E '^\[  FAILED  \] .* \([0-9]+ ms\)$' "$log" | sed 's/^/    | /'
    if [[ $PARSED_GENERIC -eq 1 ]]; then info "... last lines of $log:"; tail -n 15 "$log" | sed 's/^/    | /'; fi
  fi
  record "$name" "$PARSED_PASSED" "$PARSED_FAILED" "$PARSED_NOTE"
}

# run_node_suite NAME DIR ENGINE BINARY: node --test on DIR/**/*.test.mjs against BINARY,
# with engine sqlite or postgres.
run_node_suite() {
  local name=$1 dir=$2 engine=$3 bin=$4 log=$RESULTS/$1.log
  step "Node tests $name ($dir, $engine)"
  local files=()
  mapfile -t files < <(find "$ROOT/$dir" -name '*.test.mjs' -type f 2>/dev/null | sort)
  if [[ ${#files[@]} -eq 0 ]]; then
    record "$name" 0 0 "no test files in $dir yet"
    return 0
  fi
  local artifacts=$RESULTS/$name
  rm -rf "$artifacts"; mkdir -p "$artifacts"
  begin_sanitizer_suite "$name"
  local env=(env "${SUITE_SAN_ENV[@]}"
    PASSERELLE_TEST_ENGINE="$engine"
    PASSERELLE_BIN="$bin"
    PASSERELLE_CHROMIUM="$CHROMIUM"
    PASSERELLE_TEST_ARTIFACTS="$artifacts"
    NODE_PATH="$ROOT/web/node_modules"
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1)
  if [[ -n $SMTP_PORT ]]; then
    env+=(PASSERELLE_TEST_SMTP_PORT="$SMTP_PORT" PASSERELLE_TEST_SMTP_DIR="$SMTP_DIR/messages")
  fi
  if [[ $engine == postgres ]]; then
    if [[ -z $PG_PORT ]] || ! reset_database; then
      record "$name" 0 1 "PostgreSQL unavailable"
      return 0
    fi
    env+=(PASSERELLE_TEST_PG="$PG_URL")
  else
    env=(env -u PASSERELLE_TEST_PG "${env[@]:1}")
  fi
  # One file at a time: the files of a suite share the PostgreSQL database.
  local node_args=(--test --test-reporter=tap)
  node --help 2>/dev/null | grep -q -- '--test-concurrency' && node_args+=(--test-concurrency=1)
  local rc=0
  (cd "$ROOT" && "${env[@]}" timeout -k 30 "$SUITE_TIMEOUT" node "${node_args[@]}" "${files[@]}") \
    >"$log" 2>&1 || rc=$?
  parse_tap "$log" "$rc"
  apply_sanitizer_reports
  if [[ $PARSED_FAILED -gt 0 ]]; then
    grep -E '^ *not ok ' "$log" | head -n 40 | sed 's/^/    | /'
    if [[ $PARSED_GENERIC -eq 1 ]]; then info "... last lines of $log:"; tail -n 15 "$log" | sed 's/^/    | /'; fi
  fi
  record "$name" "$PARSED_PASSED" "$PARSED_FAILED" "$PARSED_NOTE"
}

# run_suites SUFFIX BUILD_DIR WITH_BROWSER: unit and API suites (and browser suites when
# WITH_BROWSER is 1) against one build.
run_suites() {
  local suffix=$1 build_dir=$2 with_browser=$3
  run_unit "unit$suffix" "$ROOT/$build_dir/unit_tests"
  run_node_suite "api-sqlite$suffix" tests/api sqlite "$ROOT/$build_dir/passerelle"
  run_node_suite "api-postgres$suffix" tests/api postgres "$ROOT/$build_dir/passerelle"
  if [[ $with_browser == 1 ]]; then
    run_node_suite "browser-sqlite$suffix" tests/browser sqlite "$ROOT/$build_dir/passerelle"
    run_node_suite "browser-postgres$suffix" tests/browser postgres "$ROOT/$build_dir/passerelle"
  fi
}

# LeakSanitizer needs ptrace-like access, which some sandboxes deny: probe it once
# on a tiny program and keep leak detection only where it works. Prints 1 or 0.
leak_detection_works() {
  local tmp
  tmp=$(mktemp -d)
  printf 'int main() { return 0; }\n' >"$tmp/probe.cpp"
  if c++ -fsanitize=address "$tmp/probe.cpp" -o "$tmp/probe" >/dev/null 2>&1 &&
     ASAN_OPTIONS=detect_leaks=1 "$tmp/probe" >"$tmp/out" 2>&1 &&
     ! grep -q 'LeakSanitizer' "$tmp/out"; then
    echo 1
  else
    echo 0
  fi
  rm -rf "$tmp"
}

sanitizer_stage() {
  if [[ ${PASSERELLE_TEST_SANITIZE:-1} == 0 ]]; then
    step "Sanitizer build skipped (PASSERELLE_TEST_SANITIZE=0)"
    record "build-asan" 0 0 "skipped by PASSERELLE_TEST_SANITIZE=0"
    return 0
  fi
  build "build-asan" build-asan -DCMAKE_BUILD_TYPE=Debug -DPASSERELLE_SANITIZE=ON || return 0
  local leaks
  leaks=$(leak_detection_works)
  [[ $leaks == 1 ]] || info "LeakSanitizer does not work here: detect_leaks=0"
  SAN_ASAN_OPTIONS="detect_leaks=$leaks"
  SAN_EXTRA_ENV=(UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 PASSERELLE_TEST_SANITIZER=1)
  # Known leaks of third-party libraries, if any, go in tests/support/lsan.supp.
  local supp=$ROOT/tests/support/lsan.supp
  [[ -f $supp ]] && SAN_EXTRA_ENV+=(LSAN_OPTIONS="suppressions=$supp")
  run_suites "-asan" build-asan 0
  SAN_ASAN_OPTIONS="" SAN_EXTRA_ENV=()
}

# ---------------------------------------------------------------------------
# Summary and exit (also on failure or interrupt: see the traps in main)
# ---------------------------------------------------------------------------

finish() {
  [[ $FINISHED -eq 1 ]] && return
  FINISHED=1
  stop_postgres
  stop_smtp_sink
  local total_passed=0 total_failed=0 i
  printf '\n%-24s %8s %8s  %s\n' "Suite" "Passed" "Failed" "Note"
  printf '%-24s %8s %8s  %s\n' "-----" "------" "------" "----"
  for i in "${!SUITE_NAMES[@]}"; do
    printf '%-24s %8d %8d  %s\n' "${SUITE_NAMES[$i]}" "${SUITE_PASSED[$i]}" \
      "${SUITE_FAILED[$i]}" "${SUITE_NOTES[$i]}"
    total_passed=$((total_passed + SUITE_PASSED[i]))
    total_failed=$((total_failed + SUITE_FAILED[i]))
  done
  printf '%d passed, %d failed\n' "$total_passed" "$total_failed"
  [[ $total_failed -eq 0 ]] && exit 0
  exit 1
}

on_signal() {
  record "interrupted" 0 1 "$1"
  exit 130   # runs finish through the EXIT trap
}

main() {
  cd "$ROOT" || exit 1
  trap finish EXIT
  trap 'on_signal SIGINT' INT
  trap 'on_signal SIGTERM' TERM
  mkdir -p "$RESULTS"
  export CCACHE_DIR=${CCACHE_DIR:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/ccache}
  # The tests choose their own database and address: nothing from the caller's shell leaks in.
  unset PASSERELLE_DATABASE PASSERELLE_LISTEN

  install_deps
  local release_ok=1
  build "build" build -DCMAKE_BUILD_TYPE=Release || release_ok=0
  if [[ $release_ok == 1 ]]; then
    start_postgres
    start_smtp_sink
    run_suites "" build 1
    sanitizer_stage
  else
    # The sanitizer build would fail the same way: save the time.
    info "Release build failed: PostgreSQL, tests and sanitizer build skipped"
  fi
  finish
}

# The functions can be sourced (e.g. to test the parsers); running the file runs everything.
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  main "$@"
fi
