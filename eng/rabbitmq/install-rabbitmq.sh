#!/usr/bin/env bash
# install-rabbitmq.sh — install what eng/rabbitmq/start-rabbitmq.sh needs, on Debian 12, only if
# missing: rabbitmq-server (3.10, with Erlang 25 from Debian).
#
# Idempotent: when rabbitmq-server, rabbitmqctl and erl are on PATH it does nothing (no apt).
# Otherwise, as root (or via passwordless sudo):
#   apt-get update
#   apt-get install -y --no-install-recommends rabbitmq-server
# The Debian system service is NOT started: when the machine has no /usr/sbin/policy-rc.d, a
# temporary one (exit 101, "action forbidden") is in place during the install and removed after.
# The tests and the sample run their own throwaway node (start-rabbitmq.sh); the system service
# is never used, started or stopped by this project.
#
# Environment:
#   DIRECTUPLOAD_APT_UPDATED=1   skip "apt-get update" (a caller already ran it)
set -euo pipefail

log() { printf '[install-rabbitmq] %s\n' "$*" >&2; }
die() { printf '[install-rabbitmq] ERROR: %s\n' "$*" >&2; exit 1; }

BINARIES=(rabbitmq-server rabbitmqctl erl)
have_all() {
  local b
  for b in "${BINARIES[@]}"; do
    command -v "$b" >/dev/null 2>&1 || [ -x "/usr/sbin/$b" ] || [ -x "/usr/lib/rabbitmq/bin/$b" ] || return 1
  done
}
if have_all; then
  log "rabbitmq-server already installed"
  exit 0
fi

command -v apt-get >/dev/null 2>&1 || die "apt-get not found: this needs Debian 12 (bookworm); install rabbitmq-server 3.10+ by hand"
SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO=(sudo -n)
  else die "not root and no passwordless sudo: run as root, or: apt-get install -y --no-install-recommends rabbitmq-server"
  fi
fi
APT_OPTS=(-y -q -o Dpkg::Use-Pty=0 -o DPkg::Lock::Timeout=300)

POLICY=/usr/sbin/policy-rc.d
made_policy=0
cleanup() { [ "$made_policy" = 1 ] && "${SUDO[@]}" rm -f "$POLICY"; return 0; }
trap cleanup EXIT
if [ ! -e "$POLICY" ]; then
  # do not let the package start the system service (it would take 5672/4369 and run as a daemon)
  printf '#!/bin/sh\nexit 101\n' | "${SUDO[@]}" tee "$POLICY" >/dev/null
  "${SUDO[@]}" chmod 755 "$POLICY"
  made_policy=1
fi

if [ "${DIRECTUPLOAD_APT_UPDATED:-0}" != 1 ]; then
  log "apt-get update"
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${APT_OPTS[@]}" update || die "apt-get update failed"
fi
log "apt-get install --no-install-recommends rabbitmq-server"
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${APT_OPTS[@]}" install --no-install-recommends rabbitmq-server \
  || die "apt-get install rabbitmq-server failed (see the output above)"
have_all || die "installed rabbitmq-server but ${BINARIES[*]} are still not all present"
log "installed rabbitmq-server $(dpkg-query -W -f='${Version}' rabbitmq-server 2>/dev/null || true)"
