# Helpers shared by the benchmark scripts (sourced; BENCH_TAG names the script in its messages).
say() { printf '[%s] %s\n' "$BENCH_TAG" "$*"; }
die() { printf '[%s] ERROR: %s\n' "$BENCH_TAG" "$*" >&2; exit 1; }
now_ms() { date +%s%3N; }
# Stops a process (TERM, then KILL after 10 s) and reaps it.
stop_pid() {
  local pid=$1 i
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
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
sql() {  # URL SQL → rows, fields separated by spaces
  if [[ $1 == postgresql://* ]]; then psql -qAtX -F ' ' "$1" -c "$2"; else sqlite3 -separator ' ' "$1" "$2"; fi
}
median_ms() {  # URL TOKEN → median of 5 total times, in ms (after one warm-up)
  local i t times=()
  curl -s -o /dev/null -H "Authorization: Bearer $2" "$1"
  for i in 1 2 3 4 5; do
    t=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' -H "Authorization: Bearer $2" "$1")
    [[ ${t% *} == 200 ]] || { echo "FAILED ${t% *}"; return 0; }
    times+=("$(awk -v s="${t#* }" 'BEGIN { printf "%.1f", s * 1000 }')")
  done
  printf '%s\n' "${times[@]}" | sort -n | sed -n 3p
}

# nginx serving a static file: the ceiling of the machine, measured in the same
# run. Needs ROOT, WORK, NGINX; sets NGINX_PID (stop it on exit) and NGINX_URL.
start_nginx_ceiling() {
  local dir=$WORK/nginx
  rm -rf "$dir"; mkdir -p "$dir/www" "$dir/tmp"
  cp "$ROOT/web/static/app.css" "$dir/www/app.css"; chmod -R a+rX "$dir"
  local port
  port=$(free_port)
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
  server { listen 127.0.0.1:$port; root $dir/www; }
}
NGX
  } >"$dir/nginx.conf"
  "$NGINX" -p "$dir/" -e "$dir/error.log" -c "$dir/nginx.conf" >"$dir/stdout.log" 2>&1 &
  NGINX_PID=$!
  NGINX_URL=http://127.0.0.1:$port/app.css
  wait_200 "$NGINX_URL" "$NGINX_PID" 10 || { cat "$dir/error.log" >&2; die "nginx did not start"; }
}
