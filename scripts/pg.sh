#!/usr/bin/env bash
# A throw-away PostgreSQL 15 cluster for tests.
#
#   scripts/pg.sh start  [DIR] [PORT]   create DIR, initdb, start on 127.0.0.1:PORT, create passerelle_test
#   scripts/pg.sh url    [DIR] [PORT]   print postgresql://postgres@127.0.0.1:PORT/passerelle_test
#   scripts/pg.sh reset  [DIR] [PORT]   drop and create passerelle_test again (a fresh, empty database)
#   scripts/pg.sh status [DIR] [PORT]   exit 0 when the cluster in DIR is running
#   scripts/pg.sh stop   [DIR] [PORT]   stop the cluster and remove DIR
#
# PORT defaults to 55432, DIR to /tmp/passerelle-pg-PORT (an empty DIR argument means the default).
# Layout: DIR/data (PGDATA), DIR/sock (unix socket), DIR/postgres.log.
# Authentication is "trust" and the server listens on 127.0.0.1 only: for tests, never for data.
# initdb refuses to run as root, so as root the server runs as the 'postgres' system user.
set -euo pipefail

# System tools (runuser, dpkg's helpers) live in sbin, which a minimal PATH may lack.
case ":$PATH:" in *:/usr/sbin:*) ;; *) PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin ;; esac

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
DB_NAME=passerelle_test
MARKER=.passerelle-pg   # marks a DIR made by this script, so that only such a DIR is ever removed

usage() { echo "usage: $0 start|stop|url|reset|status [DIR] [PORT]" >&2; exit 2; }
say()   { printf '[pg] %s\n' "$*"; }
die()   { printf '[pg] ERROR: %s\n' "$*" >&2; exit 1; }

CMD=${1:-}; [[ -n $CMD ]] || usage
PORT=${3:-55432}
DIR=${2:-}; [[ -n $DIR ]] || DIR=/tmp/passerelle-pg-$PORT
[[ $PORT =~ ^[0-9]+$ ]] || die "PORT must be a number: $PORT"
DIR=$(realpath -m -- "$DIR")
[[ $DIR != / && $DIR != "${HOME:-/}" ]] || die "refusing DIR=$DIR"
DATA=$DIR/data
SOCK=$DIR/sock
LOG=$DIR/postgres.log

# Runs a server-side command (initdb, pg_ctl) as the owner of the cluster.
as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# Client commands (createdb, dropdb) connect over TCP as the 'postgres' role.
client() {
  local tool=$1; shift
  "$PG_BIN/$tool" -h 127.0.0.1 -p "$PORT" -U postgres "$@"
}

url() { printf 'postgresql://postgres@127.0.0.1:%s/%s\n' "$PORT" "$DB_NAME"; }

is_running() {
  [[ -f $DATA/PG_VERSION ]] && as_owner "$PG_BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1
}

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null
}

# Refuses to touch a non-empty DIR that this script did not make.
check_ours() {
  if [[ -e $DIR && ! -e $DIR/$MARKER && ! -f $DATA/PG_VERSION && -n $(ls -A "$DIR" 2>/dev/null) ]]; then
    die "$DIR exists and was not made by $0: remove it yourself or choose another DIR"
  fi
}

# Stops a running cluster in DIR (fast, then immediate) and removes DIR.
destroy() {
  [[ -e $DIR ]] || return 0
  check_ours
  if is_running; then
    as_owner "$PG_BIN/pg_ctl" -D "$DATA" -w -t 30 -m fast stop >/dev/null 2>&1 ||
      as_owner "$PG_BIN/pg_ctl" -D "$DATA" -w -t 30 -m immediate stop >/dev/null 2>&1 || true
  fi
  rm -rf -- "$DIR"
}

start() {
  [[ -x $PG_BIN/initdb ]] || die "PostgreSQL 15 is not installed ($PG_BIN/initdb); run scripts/install-deps.sh"

  # A DIR left by an earlier run (killed before it could stop) is stopped and cleaned first.
  if [[ -e $DIR ]]; then
    check_ours
    say "cleaning stale $DIR"
    destroy
  fi
  port_in_use && die "port $PORT on 127.0.0.1 is already in use"

  mkdir -p "$DIR" "$SOCK"
  touch "$DIR/$MARKER"
  if [[ $(id -u) -eq 0 ]]; then
    id postgres >/dev/null 2>&1 || die "no 'postgres' system user (is postgresql-15 installed?)"
    chown -R postgres:postgres "$DIR"
  fi

  if ! as_owner "$PG_BIN/initdb" -D "$DATA" -E UTF8 --locale=C -A trust -U postgres \
        >"$DIR/initdb.log" 2>&1; then
    cat "$DIR/initdb.log" >&2
    destroy
    die "initdb failed"
  fi

  # Test cluster: loopback only, socket inside DIR, durability off (it is thrown away).
  cat >>"$DATA/postgresql.conf" <<EOF

# --- scripts/pg.sh (throw-away test cluster) ---
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$SOCK'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
log_min_messages = warning
EOF
  # Benchmarks (make bench) give the server the memory a real one would have
  # (PostgreSQL's 128 MB default holds a tenth of the follow-up's national data).
  if [[ -n ${PG_SHARED_BUFFERS:-} ]]; then
    [[ $PG_SHARED_BUFFERS =~ ^[0-9]+(kB|MB|GB)$ ]] || die "PG_SHARED_BUFFERS=$PG_SHARED_BUFFERS: a size such as 1GB"
    echo "shared_buffers = $PG_SHARED_BUFFERS" >>"$DATA/postgresql.conf"
  fi

  if ! as_owner "$PG_BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 start >/dev/null 2>&1; then
    tail -n 20 "$LOG" >&2 2>/dev/null || true
    destroy
    die "pg_ctl start failed"
  fi
  client createdb "$DB_NAME" || { destroy; die "createdb $DB_NAME failed"; }
  say "PostgreSQL 15 running on 127.0.0.1:$PORT (data: $DATA)"
}

stop() {
  if [[ -e $DIR ]]; then
    destroy
    say "stopped, removed $DIR"
  fi
}

reset() {
  is_running || die "no cluster running in $DIR"
  client dropdb --if-exists --force "$DB_NAME"
  client createdb "$DB_NAME"
}

case $CMD in
  start)  start ;;
  stop)   stop ;;
  url)    url ;;
  reset)  reset ;;
  status) is_running ;;
  *)      usage ;;
esac
