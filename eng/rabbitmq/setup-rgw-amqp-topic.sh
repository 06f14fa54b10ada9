#!/usr/bin/env bash
# setup-rgw-amqp-topic.sh — point a bucket's ObjectCreated notifications at RabbitMQ:
# an RGW topic with push-endpoint=amqp://…, amqp-exchange, amqp-ack-level=broker and
# persistent=true (events are queued in RADOS and retried while the broker is down), then
# the bucket's notification configuration for s3:ObjectCreated:* on that topic.
#
# Usage: eng/rabbitmq/setup-rgw-amqp-topic.sh
# Environment:
#   RGW_ENDPOINT RGW_ACCESS_KEY RGW_SECRET_KEY   the RGW (as printed by eng/rgw/start-rgw.sh)
#   TOPIC_BUCKET          bucket to configure              (default $RGW_BUCKET)
#   TOPIC_CREATE_BUCKET=1 create the bucket first (it may already exist)
#   TOPIC_NAME            topic name                       (default directupload-amqp)
#   RABBITMQ_RGW_PUSH_ENDPOINT  amqp://127.0.0.1:PORT (printed by start-rabbitmq.sh). No
#                         user:password in it: RGW 16.2 refuses secrets in a push URL sent over
#                         plain HTTP; the node lets RGW in as loopback-only "guest".
#   RABBITMQ_EVENTS_EXCHANGE   exchange RGW publishes to  (default directupload.events); it must
#                         exist (start-rabbitmq.sh declares it); RGW uses the topic name as
#                         the routing key.
#   TOPIC_ACK_LEVEL       broker (default: RGW waits for the broker's publisher confirm) | none
#   TOPIC_PREFIXES        comma-separated key prefixes, one notification each (default: the whole
#                         bucket). Use the upload profiles' prefixes: DirectUpload's own markers
#                         (.directupload/) then raise no events. On Ceph 16.2 this also avoids a
#                         radosgw crash seen here when a conditional PUT (If-None-Match: *, as the
#                         completion ledger writes) fails with 412 in a bucket with a persistent topic.
# RGW needs rgw_enable_apis to include "notifications" (eng/rgw/start-rgw.sh does).
# In RGW 16.2, PUT ?notification ADDS to a bucket's configuration; this script first deletes
# its own notification id (a re-run replaces it, other configurations stay).
# stdout: export TOPIC_ARN=...
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

log() { printf '[setup-rgw-amqp-topic] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

: "${RGW_ENDPOINT:?set RGW_ENDPOINT}" "${RGW_ACCESS_KEY:?set RGW_ACCESS_KEY}" "${RGW_SECRET_KEY:?set RGW_SECRET_KEY}"
: "${RABBITMQ_RGW_PUSH_ENDPOINT:?set RABBITMQ_RGW_PUSH_ENDPOINT (printed by start-rabbitmq.sh)}"
BUCKET="${TOPIC_BUCKET:-${RGW_BUCKET:-}}"
[ -n "$BUCKET" ] || die "set TOPIC_BUCKET or RGW_BUCKET"
TOPIC="${TOPIC_NAME:-directupload-amqp}"
EXCHANGE="${RABBITMQ_EVENTS_EXCHANGE:-directupload.events}"
ACK="${TOPIC_ACK_LEVEL:-broker}"
case "$BUCKET$TOPIC$EXCHANGE" in *[!A-Za-z0-9._-]*) die "bucket, topic and exchange: letters, digits . _ - only" ;; esac
case "$ACK" in broker|none) ;; *) die "TOPIC_ACK_LEVEL must be broker or none" ;; esac
case "$RABBITMQ_RGW_PUSH_ENDPOINT" in amqp://*@*) die "RABBITMQ_RGW_PUSH_ENDPOINT must not carry credentials (RGW refuses them over plain HTTP)";; amqp://*) ;; *) die "RABBITMQ_RGW_PUSH_ENDPOINT must be an amqp:// URL" ;; esac

req() {  # req METHOD PATH [curl args...] — SigV4 header auth via curl, unsigned payload (as start-rgw.sh)
  local m="$1" p="$2"; shift 2
  curl -sS --max-time 15 -X "$m" --aws-sigv4 "aws:amz:us-east-1:s3" \
    --user "$RGW_ACCESS_KEY:$RGW_SECRET_KEY" -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" "$@" "$RGW_ENDPOINT$p"
}
out="$(mktemp)"; trap 'rm -f "$out"' EXIT

if [ "${TOPIC_CREATE_BUCKET:-0}" = 1 ]; then
  code="$(req PUT "/$BUCKET" -o "$out" -w '%{http_code}')"
  case "$code" in 200|409) ;; *) cat "$out" >&2; die "create bucket $BUCKET: HTTP $code" ;; esac
fi

# the topic and the bucket notification(s): eng/rgw/notify-setup.sh (one implementation for http:// and amqp://).
# One notification per prefix of TOPIC_PREFIXES (or one for the whole bucket).
NOTIF_ID="directupload-amqp-$TOPIC"
IFS=',' read -r -a prefixes <<<"${TOPIC_PREFIXES:-}"
[ "${#prefixes[@]}" -gt 0 ] || prefixes=("")
n=0
for prefix in "${prefixes[@]}"; do
  n=$((n + 1))
  id="$NOTIF_ID"; [ -z "$prefix" ] || id="$NOTIF_ID-$n"
  assign="$("$HERE/../rgw/notify-setup.sh" --endpoint "$RGW_ENDPOINT" --access-key "$RGW_ACCESS_KEY" --secret-key "$RGW_SECRET_KEY" \
    --bucket "$BUCKET" --push "$RABBITMQ_RGW_PUSH_ENDPOINT" --topic "$TOPIC" --id "$id" ${prefix:+--prefix "$prefix"} \
    --events 's3:ObjectCreated:*' --persistent true --amqp-exchange "$EXCHANGE" --amqp-ack-level "$ACK" --replace-id)" \
    || die "eng/rgw/notify-setup.sh failed"
done
arn="$(printf '%s' "$assign" | sed -n "s/^RGW_TOPIC_ARN='\\(.*\\)'$/\\1/p")"
[ -n "$arn" ] || die "notify-setup.sh printed no RGW_TOPIC_ARN"
log "bucket $BUCKET: s3:ObjectCreated:* -> $arn -> $RABBITMQ_RGW_PUSH_ENDPOINT exchange $EXCHANGE (ack-level $ACK, persistent)"
echo "export TOPIC_ARN='$arn'"
