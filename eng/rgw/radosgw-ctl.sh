#!/usr/bin/env bash
# radosgw-ctl.sh — fault injection on a cluster of start-rgw.sh: act on its radosgw process
# only (the mon and the OSD keep running, so the stored objects and parts survive even on
# memstore, which keeps them in the OSD's RAM).
#
# Usage: eng/rgw/radosgw-ctl.sh DATA_DIR ACTION
#   kill     SIGKILL radosgw (a crash: connections reset, nothing flushed) and wait until it is gone
#   stop     SIGTERM radosgw and wait until it is gone (SIGKILL after 10 s)
#   start    start radosgw again on the same data dir, port and config; wait until it answers
#   restart  stop, then start
#   pause    SIGSTOP radosgw: it keeps its socket open but answers nothing (a store that hangs,
#            like RGW whose OSD is full)
#   resume   SIGCONT a paused radosgw
#   pid      print radosgw's pid (nothing and exit 1 when it is not running)
#
# Only the PID recorded in DATA_DIR/pids is signalled, after checking it is this cluster's
# radosgw (same check as stop-rgw.sh). A started radosgw is appended to DATA_DIR/pids, so
# stop-rgw.sh stops it. stdout: nothing but the pid for "pid"; stderr: progress.
set -euo pipefail

D="${1:-}"
ACTION="${2:-}"
[ -n "$D" ] && [ -n "$ACTION" ] || { echo "usage: $0 DATA_DIR kill|stop|start|restart|pause|resume|pid" >&2; exit 2; }
[ -f "$D/.directupload-rgw" ] || { echo "[radosgw-ctl] $D was not made by start-rgw.sh; refusing" >&2; exit 2; }
D="$(cd "$D" && pwd)"
export CEPH_CONF="$D/ceph.conf"
TIMEOUT="${RGW_START_TIMEOUT:-120}"

log() { printf '[radosgw-ctl %s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

is_ours() {  # is_ours PID — this cluster's radosgw
  local pid="$1"
  [ -r "/proc/$pid/cmdline" ] || return 1
  [ "$(basename "$( { tr '\0' '\n' < "/proc/$pid/cmdline"; } 2>/dev/null | head -n1)")" = radosgw ] || return 1
  { tr '\0' '\n' < "/proc/$pid/environ"; } 2>/dev/null | grep -qxF "CEPH_CONF=$CEPH_CONF"
}

current_pid() {  # the last recorded radosgw pid that is still ours
  local name pid found=
  while read -r name pid; do
    [ "$name" = rgw.a ] && is_ours "$pid" && found="$pid"
  done < "$D/pids"
  [ -n "$found" ] && echo "$found"
}

port() { sed -n 's/^rgw_frontends = beast endpoint=127\.0\.0\.1:\([0-9]*\).*/\1/p' "$CEPH_CONF"; }

wait_gone() {  # wait_gone PID SECONDS
  local i
  for i in $(seq 1 $(( $2 * 10 ))); do is_ours "$1" || return 0; sleep 0.1; done
  return 1
}

do_stop() {  # do_stop SIGNAL
  local pid
  pid="$(current_pid)" || { log "radosgw is not running"; return 0; }
  kill "-$1" "$pid" 2>/dev/null || true
  kill -CONT "$pid" 2>/dev/null || true   # a paused process must run to die of TERM
  if ! wait_gone "$pid" 10; then
    log "radosgw pid $pid ignored SIG$1 for 10s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    wait_gone "$pid" 5 || die "radosgw pid $pid does not die"
  fi
  log "radosgw pid $pid gone (SIG$1)"
}

do_start() {
  local p pid deadline
  current_pid >/dev/null && die "radosgw is already running (pid $(current_pid))"
  p="$(port)"; [ -n "$p" ] || die "no rgw_frontends port in $CEPH_CONF"
  setsid radosgw -f -n client.rgw.a </dev/null >>"$D/log/rgw.a.out" 2>&1 &
  pid=$!
  echo "rgw.a $pid" >> "$D/pids"
  log "started radosgw pid $pid on 127.0.0.1:$p"
  deadline=$(( $(date +%s) + TIMEOUT ))
  until [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$p/")" = 200 ]; do
    is_ours "$pid" || die "radosgw pid $pid exited while starting (see $D/log/client.rgw.a.log)"
    [ "$(date +%s)" -lt "$deadline" ] || die "radosgw did not answer within ${TIMEOUT}s"
    sleep 0.2
  done
  log "radosgw answering on 127.0.0.1:$p"
}

case "$ACTION" in
  kill) do_stop KILL ;;
  stop) do_stop TERM ;;
  start) do_start ;;
  restart) do_stop TERM; do_start ;;
  pause|resume)
    pid="$(current_pid)" || die "radosgw is not running"
    if [ "$ACTION" = pause ]; then kill -STOP "$pid"; else kill -CONT "$pid"; fi
    log "radosgw pid $pid ${ACTION}d" ;;
  pid) current_pid ;;
  *) die "unknown action $ACTION" ;;
esac
