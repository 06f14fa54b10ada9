#!/usr/bin/env bash
# stop-rabbitmq.sh — stop the node (and its epmd) that start-rabbitmq.sh started, then delete
# its data dir.
#
# Usage: eng/rabbitmq/stop-rabbitmq.sh [--keep] [DATA_DIR]   (or RABBITMQ_DATA_DIR)
#   --keep   keep the data dir (queued messages, users): start-rabbitmq.sh with the same
#            RABBITMQ_DATA_DIR then restarts the same node on the same ports.
#   --kill   SIGKILL the Erlang VM instead of a graceful stop (a crash, for tests)
# Only the PIDs recorded in DATA_DIR/pids are signalled, and only while they are still the
# processes it started (the server wrapper and the Erlang VM run with HOME=DATA_DIR; epmd has
# its recorded port on its command line). No pkill/killall.
set -uo pipefail

keep=0; hard=0
while [ $# -gt 0 ]; do
  case "$1" in --keep) keep=1; shift ;; --kill) hard=1; shift ;; *) break ;; esac
done
D="${1:-${RABBITMQ_DATA_DIR:-}}"
[ -n "$D" ] || { echo "usage: $0 [--keep] [--kill] DATA_DIR (or set RABBITMQ_DATA_DIR)" >&2; exit 2; }
[ -d "$D" ] || { echo "[stop-rabbitmq] $D does not exist; nothing to do" >&2; exit 0; }
D="$(cd "$D" && pwd)"
[ -f "$D/.directupload-rabbitmq" ] || { echo "[stop-rabbitmq] $D was not made by start-rabbitmq.sh; refusing" >&2; exit 2; }

log() { printf '[stop-rabbitmq %s] %s\n' "$(date +%T)" "$*" >&2; }

has_our_home() { { tr '\0' '\n' < "/proc/$1/environ"; } 2>/dev/null | grep -qxF "HOME=$D"; }
is_ours() {  # is_ours NAME PID
  [ -r "/proc/$2/cmdline" ] || return 1
  [ "$(awk '{print $3}' "/proc/$2/stat" 2>/dev/null)" != Z ] || return 1
  has_our_home "$2"
}
children() { cat "/proc/$1/task/"*/children 2>/dev/null; }
wait_gone() {  # wait_gone PID TENTHS
  local i
  for i in $(seq 1 "$2"); do is_ours x "$1" || return 0; sleep 0.1; done
  return 1
}

if [ -f "$D/pids" ]; then
  mapfile -t lines < <(tac "$D/pids")
  for line in "${lines[@]}"; do
    read -r name pid <<<"$line"
    [ -n "${pid:-}" ] || continue
    if ! is_ours "$name" "$pid"; then log "$name pid $pid not running (or not ours); skipping"; continue; fi
    # the Erlang VM(s) under the wrapper, for a hard kill or when a graceful stop hangs
    vms=()
    for c in $(children "$pid"); do is_ours vm "$c" && vms+=("$c"); done
    if [ "$hard" = 1 ] && [ "$name" = rabbitmq-server ]; then
      for c in "${vms[@]}"; do kill -KILL "$c" 2>/dev/null || true; done
      kill -KILL "$pid" 2>/dev/null || true
    else
      kill -TERM "$pid" 2>/dev/null || true
    fi
    if ! wait_gone "$pid" 300; then
      log "$name pid $pid still running after 30s; SIGKILL"
      for c in "${vms[@]}"; do kill -KILL "$c" 2>/dev/null || true; done
      kill -KILL "$pid" 2>/dev/null || true
      wait_gone "$pid" 50 || true
    fi
    for c in "${vms[@]}"; do wait_gone "$c" 100 || kill -KILL "$c" 2>/dev/null || true; done
    log "stopped $name (pid $pid)"
  done
  : > "$D/pids"
fi

if [ "$keep" = 1 ]; then
  log "keeping $D"
else
  rm -rf -- "$D"
  log "removed $D"
fi
