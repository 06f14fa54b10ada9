#!/usr/bin/env bash
# stop-rgw.sh — stop the daemons that start-rgw.sh started, and delete its data dir.
#
# Usage: eng/rgw/stop-rgw.sh [DATA_DIR]      (or RGW_DATA_DIR in the environment)
#   RGW_KEEP_DATA=1   keep the data dir (logs) instead of deleting it
#
# Only the PIDs listed in DATA_DIR/pids are signalled, and only while that PID is still
# the same daemon (its binary name matches and its environment carries this cluster's
# CEPH_CONF), so a recycled PID is never hit. No pkill/killall.
set -uo pipefail

D="${1:-${RGW_DATA_DIR:-}}"
[ -n "$D" ] || { echo "usage: $0 DATA_DIR (or set RGW_DATA_DIR)" >&2; exit 2; }
[ -d "$D" ] || { echo "[stop-rgw] $D does not exist; nothing to do" >&2; exit 0; }
D="$(cd "$D" && pwd)"
[ -f "$D/.directupload-rgw" ] || { echo "[stop-rgw] $D was not made by start-rgw.sh; refusing" >&2; exit 2; }

log() { printf '[stop-rgw %s] %s\n' "$(date +%T)" "$*" >&2; }

is_ours() {  # is_ours NAME PID
  local name="$1" pid="$2" exe
  [ -r "/proc/$pid/cmdline" ] || return 1
  case "$name" in mon.*) exe=ceph-mon ;; osd.*) exe=ceph-osd ;; rgw.*) exe=radosgw ;; *) return 1 ;; esac
  [ "$(basename "$( { tr '\0' '\n' < "/proc/$pid/cmdline"; } 2>/dev/null | head -n1)")" = "$exe" ] \
    || return 1
  { tr '\0' '\n' < "/proc/$pid/environ"; } 2>/dev/null | grep -qxF "CEPH_CONF=$D/ceph.conf"
}

if [ -f "$D/pids" ]; then
  # stop in reverse start order: rgw, osd, mon
  mapfile -t lines < <(tac "$D/pids")
  for line in "${lines[@]}"; do
    read -r name pid <<<"$line"
    [ -n "${pid:-}" ] || continue
    if ! is_ours "$name" "$pid"; then
      log "$name pid $pid not running (or not ours); skipping"
      continue
    fi
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do is_ours "$name" "$pid" || break; sleep 0.1; done
    if is_ours "$name" "$pid"; then
      log "$name pid $pid ignored SIGTERM for 10s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do is_ours "$name" "$pid" || break; sleep 0.1; done
    fi
    log "stopped $name (pid $pid)"
  done
fi

if [ "${RGW_KEEP_DATA:-0}" = 1 ]; then
  log "keeping $D"
else
  rm -rf -- "$D"
  log "removed $D"
fi
