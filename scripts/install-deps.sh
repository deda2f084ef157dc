#!/usr/bin/env bash
# Installs what Passerelle needs to build, run and test, and nothing twice:
#   1. Debian packages (checked one by one with dpkg; apt runs only for the missing ones),
#   2. npm packages of web/ (npm ci, only when web/node_modules is missing or older than
#      web/package-lock.json).
# Safe to run again and again; prints one line per step.
set -euo pipefail

# System tools (runuser, dpkg's helpers) live in sbin, which a minimal PATH may lack.
case ":$PATH:" in *:/usr/sbin:*) ;; *) PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin ;; esac

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LOG_DIR="$ROOT/test-results"

# Debian 12 (bookworm) packages. "a|b" means: either one is enough, install a if neither is.
PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libsqlite3-dev sqlite3 libpq-dev postgresql-15
  libsodium-dev libkainjow-mustache-dev libfmt-dev libspdlog-dev libxlsxwriter-dev
  libcurl4-openssl-dev libcmark-gfm-dev libcmark-gfm-extensions-dev libmimalloc-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  nodejs npm chromium "nginx-light|nginx" wrk unzip curl
  python3-aiosmtpd
)

say() { printf '[deps] %s\n' "$*"; }
die() { printf '[deps] ERROR: %s\n' "$*" >&2; exit 1; }

# Prefix for commands that need root: nothing when root, sudo when available.
SUDO=()
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
  fi
fi

# True when the Debian package is installed (dpkg -s knows it and its status is installed).
pkg_installed() {
  dpkg -s "$1" 2>/dev/null | grep -q '^Status: install ok installed'
}

# True when the requirement (one package or "a|b" alternatives) is already met.
requirement_met() {
  local req=$1 alt
  case $req in
    # Node.js may come from another apt source (e.g. NodeSource, which bundles npm);
    # Debian's own npm package would conflict with it, so the commands are what count.
    nodejs) command -v node >/dev/null 2>&1 && return 0 ;;
    npm)    command -v npm  >/dev/null 2>&1 && return 0 ;;
  esac
  IFS='|' read -r -a alts <<<"$req"
  for alt in "${alts[@]}"; do
    pkg_installed "$alt" && return 0
  done
  return 1
}

install_debian_packages() {
  local missing=() req
  for req in "${PACKAGES[@]}"; do
    requirement_met "$req" || missing+=("${req%%|*}")
  done
  if [[ ${#missing[@]} -eq 0 ]]; then
    say "Debian packages: all ${#PACKAGES[@]} present"
    return 0
  fi

  say "Debian packages: installing ${#missing[@]} missing: ${missing[*]}"
  if [[ $(id -u) -ne 0 && ${#SUDO[@]} -eq 0 ]]; then
    die "not root and sudo is not available: install them by hand: apt-get install ${missing[*]}"
  fi

  # Packages with a service (postgresql, nginx) must not start it while being installed:
  # the tests start their own throw-away servers. policy-rc.d exit 101 = "do not start".
  local policy=/usr/sbin/policy-rc.d added_policy=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' | "${SUDO[@]}" tee "$policy" >/dev/null
    "${SUDO[@]}" chmod +x "$policy"
    added_policy=1
  fi

  mkdir -p "$LOG_DIR"
  local log="$LOG_DIR/apt.log" rc=0
  {
    "${SUDO[@]}" apt-get update -qq &&
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
      apt-get install -y -qq --no-install-recommends "${missing[@]}"
  } >"$log" 2>&1 || rc=$?

  if [[ $added_policy -eq 1 ]]; then
    "${SUDO[@]}" rm -f "$policy"
  fi
  if [[ $rc -ne 0 ]]; then
    tail -n 30 "$log" >&2
    die "apt-get failed (exit $rc); full log: $log"
  fi
  say "Debian packages: installed (log: $log)"
}

install_npm_packages() {
  local web="$ROOT/web"
  [[ -f $web/package.json ]] || { say "npm packages: no web/package.json, skipped"; return 0; }
  [[ -f $web/package-lock.json ]] || die "web/package-lock.json is missing (run 'npm install' in web/ once)"

  # Browsers come from Debian (chromium): the 'playwright' package would download its own.
  if grep -q '"playwright"[[:space:]]*:' "$web/package.json"; then
    die "web/package.json depends on 'playwright': use 'playwright-core' (it never downloads browsers)"
  fi

  # npm ci writes node_modules/.package-lock.json last: it is the "installed at" stamp.
  local stamp="$web/node_modules/.package-lock.json"
  if [[ -f $stamp && ! $stamp -ot $web/package-lock.json ]]; then
    say "npm packages (web/): up to date"
    return 0
  fi

  command -v npm >/dev/null 2>&1 || die "npm is not installed"
  say "npm packages (web/): npm ci"
  local out
  if ! out=$(cd "$web" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 \
             npm ci --no-audit --no-fund --loglevel=error 2>&1); then
    printf '%s\n' "$out" >&2
    die "npm ci failed in web/"
  fi
  touch "$stamp"
  say "npm packages (web/): installed"
}

install_debian_packages
install_npm_packages
