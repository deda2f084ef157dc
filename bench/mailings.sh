#!/usr/bin/env bash
# Mailings benchmark (issue 6, "Benchmark": the outbox delivers ≥ 200 mails/s to
# the local SMTP sink), run by `make bench` after the others (alone: `make bench-mailings`).
#
# Per engine (BENCH_ENGINES, default "sqlite postgresql"):
#   1. dataset: `passerelle demo`, then BENCH_ML_MAILS (5000) contacts with mailing
#      consent at a member organisation (Rebond 93, Île-de-France), in SQL;
#   2. `passerelle serve` without PASSERELLE_SMTP_URL (nothing leaves): a mailing to
#      the members' contacts of Île-de-France is created and sent through the API
#      (POST /api/v1/mailings, POST …/send): the queuing of every recipient, timed;
#   3. the SMTP sink of the tests (tests/support/smtp_sink.py, aiosmtpd) on a free
#      port; `passerelle mail send` (passes until nothing is queued) drains the outbox into it, timed: mails/s;
#   4. a table in bench/results/mailings-<timestamp>.txt and bench/results/mailings-latest.md,
#      and one line per engine: BENCH engine=… mails=… seconds=… rate=… target=200 verdict=….
# Exit status 1 when a step fails, a mail is missing, or the rate misses the target.
set -Eeuo pipefail
case ":$PATH:" in *:/usr/sbin:*) ;; *) PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin ;; esac
export LC_ALL=C

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${PASSERELLE_BIN:-$ROOT/build/passerelle}
WORK=$ROOT/bench/work/mailings
RESULTS=$ROOT/bench/results
ENGINES=${BENCH_ENGINES:-sqlite postgresql}
MAILS=${BENCH_ML_MAILS:-5000}
TARGET=200
PYTHON=${PASSERELLE_TEST_PYTHON:-/usr/bin/python3}

BENCH_TAG=mailings
source "$ROOT/bench/lib.sh"
[[ -x $BIN ]] || die "$BIN is missing"

SERVER_PID= SINK_PID= PG_DIR= PG_PORT=
cleanup() {
  local rc=$?
  trap '' INT TERM
  stop_pid "$SERVER_PID"
  stop_pid "$SINK_PID"
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

api() {  # METHOD URL TOKEN [JSON] → body; fails on a status other than 2xx
  local out code
  out=$(curl -s -w '\n%{http_code}' -X "$1" -H "Authorization: Bearer $3" -H 'Content-Type: application/json' \
    ${4:+--data "$4"} "$2")
  code=${out##*$'\n'}
  [[ $code == 2* ]] || die "$1 $2 answered $code: ${out%$'\n'*}"
  printf '%s\n' "${out%$'\n'*}"
}

FAILED=0
TABLE="| engine | mails | queuing (API send) | drain by \`mail send\` | rate | target | verdict |"$'\n'
TABLE+="|---|---|---|---|---|---|---|"$'\n'
for engine in $ENGINES; do
  case $engine in
    sqlite) url=$WORK/sqlite.db; rm -f "$url"{,-wal,-shm} ;;
    postgresql)
      PG_PORT=$(free_port); PG_DIR=${TMPDIR:-/tmp}/passerelle-mailings-pg-$PG_PORT
      "$ROOT/scripts/pg.sh" start "$PG_DIR" "$PG_PORT" >"$WORK/pg-start.log" 2>&1 || { cat "$WORK/pg-start.log" >&2; die "pg.sh start failed"; }
      url=postgresql://postgres@127.0.0.1:$PG_PORT/passerelle_test ;;
    *) die "unknown engine $engine" ;;
  esac
  PASSERELLE_DATABASE=$url "$BIN" demo >"$WORK/gen-$engine.log" 2>&1 || { cat "$WORK/gen-$engine.log" >&2; die "$engine: demo failed"; }
  # The demo's outbox is sent or queued for other modules: start from an empty queue.
  sql "$url" "UPDATE mail_outbox SET status = 'sent' WHERE status = 'queued'" >/dev/null
  rebond=$(sql "$url" "SELECT id FROM organisations WHERE name = 'Rebond 93 — Association intermédiaire'")
  sql "$url" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $MAILS)
    INSERT INTO contacts (first_name, last_name, sort_name, search_text, email, mailing_consent, mailing_consent_at, created_at, updated_at)
    SELECT 'Contact', 'Mesure ' || i, 'mesure ' || i, 'mesure ' || i, 'mesure-' || i || '@bench.passerelle.test', 1,
      '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z' FROM n" >/dev/null
  sql "$url" "INSERT INTO contact_organisations (contact_id, organisation_id)
    SELECT id, $rebond FROM contacts WHERE email LIKE 'mesure-%@bench.passerelle.test'" >/dev/null
  [[ $engine == postgresql ]] && psql -qAtX "$url" -c "VACUUM ANALYZE" >/dev/null
  token=$(PASSERELLE_DATABASE=$url "$BIN" token create --user network@demo.passerelle.fr)
  port=$(free_port); base=http://127.0.0.1:$port
  PASSERELLE_DATABASE=$url PASSERELLE_LISTEN=127.0.0.1:$port PASSERELLE_SMTP_URL= "$BIN" serve >"$WORK/server-$engine.log" 2>&1 &
  SERVER_PID=$!
  wait_200 "$base/healthz" "$SERVER_PID" 60 || die "$engine: the server did not start"
  idf=$(sql "$url" "SELECT id FROM organisations WHERE name = 'Délégation Île-de-France'")
  id=$(api POST "$base/api/v1/mailings" "$token" \
    "{\"organisation_id\": $idf, \"subject\": \"Mesure du débit d'envoi\", \"body\": \"Bonjour,\\n\\nMessage de mesure.\", \"audience\": \"contacts\", \"region\": \"11\", \"organisation_kind\": \"ai\"}" |
    sed -n 's/^{"id":\([0-9]*\).*/\1/p')
  [[ -n $id ]] || die "$engine: the mailing was not created"
  t0=$(now_ms)
  api POST "$base/api/v1/mailings/$id/send" "$token" >/dev/null
  queue_ms=$(($(now_ms) - t0))
  stop_pid "$SERVER_PID"; SERVER_PID=
  queued=$(sql "$url" "SELECT COUNT(*) FROM mailing_recipients WHERE mailing_id = $id")
  say "$engine: $queued recipients queued in $queue_ms ms"

  sink_port=$(free_port); sink_dir=$WORK/sink-$engine; rm -rf "$sink_dir"; mkdir -p "$sink_dir"
  "$PYTHON" "$ROOT/tests/support/smtp_sink.py" --port "$sink_port" --dir "$sink_dir" >"$WORK/sink-$engine.log" 2>&1 &
  SINK_PID=$!
  for ((i = 0; i < 100; i++)); do grep -q listening "$WORK/sink-$engine.log" && break; sleep 0.1; done
  t0=$(now_ms)
  # One pass of `mail send` sends at most 4 000 messages (1 000 claims of 4): passes until the queue is empty.
  for ((pass = 0; pass < 100; pass++)); do
    PASSERELLE_DATABASE=$url PASSERELLE_SMTP_URL=smtp://127.0.0.1:$sink_port "$BIN" mail send >>"$WORK/drain-$engine.log" 2>"$WORK/drain-$engine.err" ||
      { cat "$WORK/drain-$engine.log" >&2; die "$engine: mail send failed"; }
    [[ $(sql "$url" "SELECT COUNT(*) FROM mail_outbox WHERE status = 'queued'") == 0 ]] && break
  done
  drain_ms=$(($(now_ms) - t0))
  stop_pid "$SINK_PID"; SINK_PID=
  sent=$(sql "$url" "SELECT COUNT(*) FROM mailing_recipients r JOIN mail_outbox m ON m.id = r.mail_id WHERE r.mailing_id = $id AND m.status = 'sent'")
  received=$(find "$sink_dir" -name '*.json' | wc -l)
  rate=$(awk -v n="$sent" -v ms="$drain_ms" 'BEGIN { printf "%.0f", (ms > 0 ? n * 1000 / ms : 0) }')
  v=$(verdict "$rate" "$TARGET")
  if [[ $sent != "$queued" || $received -lt $sent ]]; then v="**failed** ($sent sent, $received received of $queued)"; fi
  [[ $v == pass ]] || FAILED=1
  echo "BENCH engine=$engine mails=$sent seconds=$(awk -v ms="$drain_ms" 'BEGIN { printf "%.2f", ms / 1000 }') rate=$rate target=$TARGET verdict=${v%% *}"
  TABLE+="| $engine | $sent | $queue_ms ms | $drain_ms ms | $rate mails/s | ≥ $TARGET mails/s | $v |"$'\n'
  rm -rf "$sink_dir"
  if [[ $engine == postgresql ]]; then "$ROOT/scripts/pg.sh" stop "$PG_DIR" "$PG_PORT" >/dev/null 2>&1 || true; PG_DIR=; fi
done

{
  echo "# Mailings benchmark — $TS, commit $COMMIT"
  echo
  echo "$MACHINE; load at start $LOAD. One mailing to $MAILS contacts queued through the API, then drained by \`passerelle mail send\` into the local SMTP sink (aiosmtpd)."
  echo
  printf '%s' "$TABLE"
} | tee "$RESULTS/mailings-$TS.txt" >"$RESULTS/mailings-latest.md"
cat "$RESULTS/mailings-latest.md"
exit "$FAILED"
