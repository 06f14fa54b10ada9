#!/usr/bin/env bash
# install-deps.sh — install everything the DirectUpload tests need that a fresh Debian 12
# machine with the .NET 10 SDK and Node.js 20 lacks. Idempotent: each step is skipped
# when its tool is already there, so a second run does no apt work at all.
#
#   1. RGW (local S3): radosgw ceph-mon ceph-osd uuid-runtime curl   (eng/rgw/install-rgw.sh)
#   1b. RabbitMQ (broker tests): rabbitmq-server                     (eng/rabbitmq/install-rabbitmq.sh)
#   2. Debian's chromium, for the browser tests (headless, --no-install-recommends)
#   3. npm packages of tests/DirectUpload.BrowserTests and samples/DirectUpload.Sample (each if it has a package.json)
#
# Usage: eng/install-deps.sh          (as root, or with passwordless sudo, when apt is needed)
# Environment:
#   DIRECTUPLOAD_SKIP_CHROMIUM=1    do not install chromium
#   DIRECTUPLOAD_SKIP_NPM=1         do not install npm packages
#   DIRECTUPLOAD_LOG_DIR            where the apt/npm logs go (default artifacts/logs)
# Long outputs (apt, npm) go to log files; on failure their tails are printed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOG_DIR="${DIRECTUPLOAD_LOG_DIR:-$ROOT/artifacts/logs}"
mkdir -p "$LOG_DIR"

log() { printf '[install-deps] %s\n' "$*" >&2; }
die() { printf '[install-deps] ERROR: %s\n' "$*" >&2; exit 1; }

# run_logged NAME COMMAND... — output to $LOG_DIR/NAME.log; print its tail on failure
run_logged() {
  local name="$1"; shift
  local logf="$LOG_DIR/$name.log"
  if "$@" >"$logf" 2>&1; then
    return 0
  else
    local rc=$?
    log "'$name' failed (exit $rc); last lines of $logf:"
    tail -n 40 "$logf" >&2
    return "$rc"
  fi
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo -n "$@"
  else die "need root (or passwordless sudo) to run: $*"
  fi
}

APT_UPDATED=0
apt_update_once() {
  [ "$APT_UPDATED" = 1 ] && return 0
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found: this needs Debian 12 (bookworm)"
  log "apt-get update (log: $LOG_DIR/apt-update.log)"
  run_logged apt-update as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get -y -q -o Dpkg::Use-Pty=0 -o DPkg::Lock::Timeout=300 update \
    || die "apt-get update failed"
  APT_UPDATED=1
}

# ------------------------------------------------------------------ toolchains (not installed here)
command -v dotnet >/dev/null 2>&1 \
  || die "dotnet not found: install the .NET 10 SDK first (it is not a Debian package)"

# ------------------------------------------------------------------ 1. RGW
rgw_missing=0
for b in radosgw radosgw-admin ceph ceph-mon ceph-osd monmaptool ceph-authtool uuidgen curl; do
  command -v "$b" >/dev/null 2>&1 || rgw_missing=1
done
if [ "$rgw_missing" = 1 ]; then
  apt_update_once
  log "installing RGW packages (log: $LOG_DIR/install-rgw.log)"
  run_logged install-rgw env DIRECTUPLOAD_APT_UPDATED=1 "$ROOT/eng/rgw/install-rgw.sh" \
    || die "could not install the RGW packages"
  log "RGW packages installed"
else
  log "RGW packages: present"
fi

# >>> rabbitmq (issue 12): RabbitMQ for the broker tests (eng/rabbitmq/install-rabbitmq.sh; system service never started)
if [ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] && command -v epmd >/dev/null 2>&1; then
  log "RabbitMQ: present"
else
  apt_update_once
  log "installing rabbitmq-server (log: $LOG_DIR/install-rabbitmq.log)"
  run_logged install-rabbitmq env DIRECTUPLOAD_APT_UPDATED=1 "$ROOT/eng/rabbitmq/install-rabbitmq.sh" \
    || die "could not install rabbitmq-server"
  log "RabbitMQ installed"
fi
# <<< rabbitmq

# ------------------------------------------------------------------ 2. chromium
chromium_smoke_test() {
  # headless Chromium must run as root in a container: --no-sandbox; no network but loopback:
  # the background-networking flags stop it from trying to reach outside hosts.
  local bin profile out
  bin="$(command -v chromium)"
  profile="$(mktemp -d "${TMPDIR:-/tmp}/directupload-chromium.XXXXXX")"
  out="$(timeout 60 "$bin" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
           --disable-background-networking --disable-component-update --disable-sync \
           --user-data-dir="$profile" \
           --dump-dom 'data:text/html,<p id=x>no</p><script>document.getElementById("x").textContent="js-ok"</script>' \
           2>"$LOG_DIR/chromium-smoke.log")" || true
  rm -rf -- "$profile"
  case "$out" in *js-ok*) return 0 ;; *) return 1 ;; esac
}
if [ "${DIRECTUPLOAD_SKIP_CHROMIUM:-0}" = 1 ]; then
  log "chromium: skipped (DIRECTUPLOAD_SKIP_CHROMIUM=1)"
elif command -v chromium >/dev/null 2>&1; then
  log "chromium: present ($(chromium --version 2>/dev/null | head -n1 || true))"
else
  apt_update_once
  log "installing chromium (log: $LOG_DIR/apt-chromium.log)"
  # --no-install-recommends drops fonts-liberation, upower, udev, notification-daemon,
  # system-config-printer; headless rendering works without them (checked below).
  run_logged apt-chromium as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get -y -q -o Dpkg::Use-Pty=0 -o DPkg::Lock::Timeout=300 \
    install --no-install-recommends chromium \
    || die "could not install chromium"
  command -v chromium >/dev/null 2>&1 || die "chromium installed but not on PATH"
  chromium_smoke_test \
    || { tail -n 20 "$LOG_DIR/chromium-smoke.log" >&2; die "chromium installed but does not run headless"; }
  log "chromium installed and runs headless ($(chromium --version 2>/dev/null | head -n1 || true))"
fi

# ------------------------------------------------------------------ 3. npm packages (browser tests)
# >>> npm: the npm packages of the browser tests (playwright-core) and of the sample (uppy, for /uppy.html).
# Each runs only when its package.json exists. "npm ci" when a package-lock.json is committed (it should be).
install_npm_packages() {
  local rel="$1" dir="$ROOT/$1" log_name="$2"
  [ -f "$dir/package.json" ] || { log "$rel: no package.json; npm step skipped"; return 0; }
  if [ "${DIRECTUPLOAD_SKIP_NPM:-0}" = 1 ]; then log "npm: skipped for $rel (DIRECTUPLOAD_SKIP_NPM=1)"; return 0; fi
  command -v npm >/dev/null 2>&1 || die "npm not found (Node.js 20 is needed for $rel)"
  # never let a package download a browser of its own (there is no network for it):
  # the tests use Debian's chromium (DIRECTUPLOAD_CHROMIUM, set by eng/test.sh)
  export PUPPETEER_SKIP_DOWNLOAD=1 PUPPETEER_SKIP_CHROMIUM_DOWNLOAD=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
  if [ -f "$dir/node_modules/.package-lock.json" ] && [ -f "$dir/package-lock.json" ] \
     && [ "$dir/node_modules/.package-lock.json" -nt "$dir/package-lock.json" ] \
     && [ "$dir/node_modules/.package-lock.json" -nt "$dir/package.json" ]; then
    log "npm: $rel/node_modules up to date"
    return 0
  fi
  if [ -f "$dir/package-lock.json" ]; then
    log "npm ci in $rel (log: $LOG_DIR/$log_name.log)"
    (cd "$dir" && run_logged "$log_name" npm ci --no-audit --no-fund) || die "npm ci failed in $rel"
  else
    log "npm install in $rel (no package-lock.json; log: $LOG_DIR/$log_name.log)"
    (cd "$dir" && run_logged "$log_name" npm install --no-audit --no-fund) || die "npm install failed in $rel"
  fi
}
install_npm_packages tests/DirectUpload.BrowserTests npm-install
install_npm_packages samples/DirectUpload.Sample npm-install-sample
# <<< npm

log "all dependencies present"
