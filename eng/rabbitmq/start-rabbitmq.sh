#!/usr/bin/env bash
# start-rabbitmq.sh — a throwaway RabbitMQ node (Debian's rabbitmq-server 3.10) bound to
# 127.0.0.1 only, for the DirectUpload broker tests, benchmarks and the sample's worker mode.
# It never uses, starts or stops the Debian system service: its own node name, data/log dirs,
# Erlang cookie (HOME), epmd and ports; no plugins (management off).
#
# Environment (all optional):
#   RABBITMQ_PORT           AMQP port on 127.0.0.1; 0 = pick a free one          (default 0)
#   RABBITMQ_DIST_PORT_NUM  Erlang distribution port; 0 = pick                   (default 0)
#   RABBITMQ_EPMD_PORT      epmd port (ERL_EPMD_PORT); 0 = pick                  (default 0)
#   RABBITMQ_USER           AMQP user created on first boot                      (default directupload)
#   RABBITMQ_PASSWORD       its password                               (default: random per data dir)
#   RABBITMQ_EVENTS_EXCHANGE  durable topic exchange RGW publishes to, declared at boot
#                           (default directupload.events; the worker's default ExchangeName)
#   RABBITMQ_DATA_DIR       all state, logs, cookie, pid files (default: new mktemp dir).
#                           Empty/absent: a new node. A dir this script made earlier (node stopped
#                           with stop-rabbitmq.sh --keep): the SAME node is started again, with the
#                           same ports, user and queued messages (a restart).
#   RABBITMQ_START_TIMEOUT  seconds to wait for the node                         (default 90)
#
# stdout: only shell assignments (eval-able):  out="$(eng/rabbitmq/start-rabbitmq.sh)" && eval "$out"
#   RABBITMQ_DATA_DIR RABBITMQ_HOST RABBITMQ_PORT RABBITMQ_USER RABBITMQ_PASSWORD RABBITMQ_URI
#   RABBITMQ_NODENAME (for rabbitmqctl -n, with HOME=$RABBITMQ_DATA_DIR for the cookie)
#   RABBITMQ_RGW_PUSH_ENDPOINT (amqp:// URL for an RGW topic) RABBITMQ_EVENTS_EXCHANGE
# stderr: progress. Stop with eng/rabbitmq/stop-rabbitmq.sh "$RABBITMQ_DATA_DIR" (kills only
# the PIDs recorded in $RABBITMQ_DATA_DIR/pids).
#
# Only the events exchange is declared here (RGW checks it exists before publishing); the
# DirectUpload worker declares the rest of its topology (queue, retry queue, dead-letter
# exchange and queue) at start, idempotently (DirectUploadWorkerOptions).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RABBITMQ_START_TIMEOUT="${RABBITMQ_START_TIMEOUT:-90}"
RMQ_BIN=/usr/lib/rabbitmq/bin

log() { printf '[start-rabbitmq %s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

for b in "$RMQ_BIN/rabbitmq-server" "$RMQ_BIN/rabbitmqctl"; do
  [ -x "$b" ] || die "missing $b (run eng/rabbitmq/install-rabbitmq.sh as root)"
done
command -v epmd >/dev/null 2>&1 || die "missing epmd (erlang-base; run eng/rabbitmq/install-rabbitmq.sh)"

port_busy() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
  if command -v ss >/dev/null 2>&1; then
    [ -n "$(ss -Htln "sport = :$1" 2>/dev/null)" ] && return 0   # listeners only: TIME-WAIT does not block a bind
  fi
  return 1
}
pick_port() {  # a random free port in 20000-32767, not one of the arguments
  local p _ a ok
  for _ in $(seq 1 200); do
    p=$(( 20000 + RANDOM % 12768 ))
    ok=1; for a in "$@"; do [ "$p" != "$a" ] || ok=0; done
    [ "$ok" = 1 ] || continue
    port_busy "$p" || { echo "$p"; return 0; }
  done
  return 1
}

restart=0
if [ -z "${RABBITMQ_DATA_DIR:-}" ]; then
  RABBITMQ_DATA_DIR="$(mktemp -d "${TMPDIR:-/tmp}/directupload-rabbitmq.XXXXXX")"
else
  mkdir -p "$RABBITMQ_DATA_DIR"
  if [ -f "$RABBITMQ_DATA_DIR/.directupload-rabbitmq" ] && [ -f "$RABBITMQ_DATA_DIR/node.env" ]; then
    restart=1
  else
    [ -z "$(ls -A "$RABBITMQ_DATA_DIR")" ] || die "RABBITMQ_DATA_DIR $RABBITMQ_DATA_DIR is neither empty nor a node made by this script"
  fi
fi
D="$(cd "$RABBITMQ_DATA_DIR" && pwd)"

if [ "$restart" = 1 ]; then
  # shellcheck disable=SC1091
  . "$D/node.env"
  [ ! -s "$D/pids" ] || die "$D has recorded PIDs: the node looks running (stop it first)"
  log "restarting node $NODENAME from $D"
else
  touch "$D/.directupload-rabbitmq"       # marker: stop-rabbitmq.sh only touches dirs carrying it
  AMQP_PORT="${RABBITMQ_PORT:-0}"; DIST_PORT="${RABBITMQ_DIST_PORT_NUM:-0}"; EPMD_PORT="${RABBITMQ_EPMD_PORT:-0}"
  case "$AMQP_PORT$DIST_PORT$EPMD_PORT" in *[!0-9]*) die "ports must be numbers" ;; esac
  [ "$AMQP_PORT" != 0 ] || AMQP_PORT="$(pick_port)" || die "no free port for AMQP"
  [ "$DIST_PORT" != 0 ] || DIST_PORT="$(pick_port "$AMQP_PORT")" || die "no free port for Erlang distribution"
  [ "$EPMD_PORT" != 0 ] || EPMD_PORT="$(pick_port "$AMQP_PORT" "$DIST_PORT")" || die "no free port for epmd"
  NODENAME="du$(basename "$D" | tr -cd 'A-Za-z0-9')@localhost"
  USER_NAME="${RABBITMQ_USER:-directupload}"
  EXCHANGE="${RABBITMQ_EVENTS_EXCHANGE:-directupload.events}"
  case "$EXCHANGE" in *[!A-Za-z0-9._-]*|'') die "RABBITMQ_EVENTS_EXCHANGE: letters, digits . _ - only" ;; esac
  EXCHANGE_RE="$(printf '%s' "$EXCHANGE" | sed 's/\./\\\\./g')"
  PASSWORD="${RABBITMQ_PASSWORD:-$(head -c 18 /dev/urandom | base64 | tr -d '+/=' )}"
  case "$USER_NAME$PASSWORD" in *[!A-Za-z0-9._-]*) die "RABBITMQ_USER and RABBITMQ_PASSWORD: letters, digits . _ - only" ;; esac
  cat > "$D/node.env" <<ENV
AMQP_PORT=$AMQP_PORT
DIST_PORT=$DIST_PORT
EPMD_PORT=$EPMD_PORT
NODENAME=$NODENAME
EXCHANGE=$EXCHANGE
USER_NAME=$USER_NAME
PASSWORD=$PASSWORD
ENV
  chmod 600 "$D/node.env"
  # Two users: $USER_NAME (random password) for the workers and tools; "guest" for RGW's push.
  # RGW 16.2 refuses a push-endpoint with user:password over plain HTTP ("cannot be sent over
  # insecure transport"), so its amqp:// URL carries no credentials and librabbitmq logs in
  # as guest/guest. RabbitMQ only lets guest in over loopback (loopback_users default), and here
  # guest may only publish to the events exchange, and declare/read the server-named reply
  # queue (amq.gen-*) RGW's AMQP client opens on each connection.
  cat > "$D/definitions.json" <<DEFS
{
  "users": [
    {"name": "$USER_NAME", "password": "$PASSWORD", "tags": "administrator"},
    {"name": "guest", "password": "guest", "tags": ""}
  ],
  "vhosts": [{"name": "/"}],
  "permissions": [
    {"user": "$USER_NAME", "vhost": "/", "configure": ".*", "write": ".*", "read": ".*"},
    {"user": "guest", "vhost": "/", "configure": "^amq\\\\.gen-.*", "write": "^$EXCHANGE_RE\$", "read": "^amq\\\\.gen-.*"}
  ],
  "exchanges": [
    {"name": "$EXCHANGE", "vhost": "/", "type": "topic", "durable": true, "auto_delete": false, "internal": false, "arguments": {}}
  ]
}
DEFS
  chmod 600 "$D/definitions.json"
  mkdir -p "$D/mnesia" "$D/log"
  # own cookie (rabbitmqctl reads $HOME/.erlang.cookie)
  head -c 24 /dev/urandom | base64 | tr -cd 'A-Za-z0-9' > "$D/.erlang.cookie"
  chmod 400 "$D/.erlang.cookie"
  echo '[].' > "$D/enabled_plugins"
  cat > "$D/rabbitmq.conf" <<CONF
listeners.tcp.1 = 127.0.0.1:$AMQP_PORT
distribution.listener.interface = 127.0.0.1
distribution.listener.port_range.min = $DIST_PORT
distribution.listener.port_range.max = $DIST_PORT
# users, permissions and the exchange RGW publishes to: definitions.json (imported at boot)
load_definitions = $D/definitions.json
log.file = $D/log/rabbit.log
log.file.level = info
log.console = false
# a throwaway node on a shared machine: do not block publishers on a full-ish disk / busy RAM
disk_free_limit.absolute = 50MB
vm_memory_high_watermark.relative = 0.6
CONF
fi
# a new node that cannot start leaves nothing behind (the full clean-up trap is set below)
[ "$restart" = 1 ] || trap 'rm -rf -- "$D"' EXIT
for p in "$AMQP_PORT" "$DIST_PORT" "$EPMD_PORT"; do
  port_busy "$p" && die "127.0.0.1:$p is already in use"
done
: > "$D/pids"

export HOME="$D"
export ERL_EPMD_PORT="$EPMD_PORT" ERL_EPMD_ADDRESS=127.0.0.1
export RABBITMQ_NODENAME="$NODENAME" RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT="$AMQP_PORT"
export RABBITMQ_DIST_PORT="$DIST_PORT"
export RABBITMQ_CONFIG_FILE="$D/rabbitmq.conf" RABBITMQ_ENABLED_PLUGINS_FILE="$D/enabled_plugins"
export RABBITMQ_MNESIA_BASE="$D/mnesia" RABBITMQ_LOG_BASE="$D/log"
export RABBITMQ_PID_FILE="$D/rabbit.pid" RABBITMQ_CONF_ENV_FILE="$D/rabbitmq-env.conf"
export RABBITMQ_ADVANCED_CONFIG_FILE="$D/advanced.config"
: > "$D/rabbitmq-env.conf"                # not /etc/rabbitmq/rabbitmq-env.conf
unset RABBITMQ_ALLOW_INPUT

started_ok=0
on_exit() {
  if [ "$started_ok" != 1 ]; then
    log "start failed; log tails follow, then stopping what was started"
    for f in "$D"/log/*.log "$D"/*.out; do [ -f "$f" ] && { echo "---- $f" >&2; tail -n 20 "$f" >&2; }; done
    "$HERE/stop-rabbitmq.sh" --keep "$D" >&2 || true
    [ "$restart" = 1 ] || rm -rf -- "$D"
  fi
}
trap on_exit EXIT
T0=$(date +%s.%N)

# our own epmd, loopback only, in the foreground (so its PID is known and it can be stopped)
setsid epmd -port "$EPMD_PORT" -address 127.0.0.1 </dev/null >"$D/epmd.out" 2>&1 &
echo "epmd $!" >> "$D/pids"
for _ in $(seq 1 50); do port_busy "$EPMD_PORT" && break; sleep 0.1; done
port_busy "$EPMD_PORT" || die "epmd did not listen on 127.0.0.1:$EPMD_PORT"

setsid "$RMQ_BIN/rabbitmq-server" </dev/null >"$D/server.out" 2>&1 &
echo "rabbitmq-server $!" >> "$D/pids"
log "started node $NODENAME (pid $!), AMQP 127.0.0.1:$AMQP_PORT, dist $DIST_PORT, epmd $EPMD_PORT"

deadline=$(( $(date +%s) + RABBITMQ_START_TIMEOUT ))
until port_busy "$AMQP_PORT"; do
  while read -r n p; do kill -0 "$p" 2>/dev/null || die "$n (pid $p) exited during start-up"; done < "$D/pids"
  [ "$(date +%s)" -lt "$deadline" ] || die "timed out after ${RABBITMQ_START_TIMEOUT}s waiting for AMQP on $AMQP_PORT"
  sleep 0.3
done
# the listener opens late in boot; await_startup confirms the node is fully up
"$RMQ_BIN/rabbitmqctl" -n "$NODENAME" -q await_startup --timeout "$RABBITMQ_START_TIMEOUT" >"$D/await.out" 2>&1 \
  || { cat "$D/await.out" >&2; die "rabbitmqctl await_startup failed"; }

started_ok=1
log "ready in $(awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')s"
cat <<OUT
export RABBITMQ_DATA_DIR='$D'
export RABBITMQ_NODENAME='$NODENAME'
export RABBITMQ_HOST='127.0.0.1'
export RABBITMQ_PORT='$AMQP_PORT'
export RABBITMQ_USER='$USER_NAME'
export RABBITMQ_PASSWORD='$PASSWORD'
export RABBITMQ_URI='amqp://$USER_NAME:$PASSWORD@127.0.0.1:$AMQP_PORT/'
# no trailing slash: RGW would take the empty path as vhost "" ("vhost not found"); none means "/"
export RABBITMQ_RGW_PUSH_ENDPOINT='amqp://127.0.0.1:$AMQP_PORT'
export RABBITMQ_EVENTS_EXCHANGE='$EXCHANGE'
OUT
