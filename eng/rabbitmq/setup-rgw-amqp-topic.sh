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
# RGW needs rgw_enable_apis to include "notifications" (eng/rgw/start-rgw.sh does).
# In RGW 16.2, PUT ?notification ADDS to a bucket's configuration; this script first deletes
# its own notification id (a re-run replaces it, other configurations stay).
# stdout: export TOPIC_ARN=...
set -euo pipefail

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

urlenc() { local s="$1" o="" c i; for ((i = 0; i < ${#s}; i++)); do c="${s:i:1}"; case "$c" in [A-Za-z0-9._~-]) o+="$c" ;; *) o+="$(printf '%%%02X' "'$c")" ;; esac; done; printf '%s' "$o"; }

req() {  # req SERVICE METHOD PATH [curl args...] — SigV4 header auth via curl
  local svc="$1" m="$2" p="$3" h=(); shift 3
  # S3 calls: unsigned payload (as start-rgw.sh); the SNS-style POST signs its form body
  [ "$svc" = s3 ] && h=(-H "x-amz-content-sha256: UNSIGNED-PAYLOAD")
  curl -sS --max-time 15 -X "$m" --aws-sigv4 "aws:amz:us-east-1:$svc" \
    --user "$RGW_ACCESS_KEY:$RGW_SECRET_KEY" "${h[@]}" "$@" "$RGW_ENDPOINT$p"
}
out="$(mktemp)"; trap 'rm -f "$out"' EXIT

if [ "${TOPIC_CREATE_BUCKET:-0}" = 1 ]; then
  code="$(req s3 PUT "/$BUCKET" -o "$out" -w '%{http_code}')"
  case "$code" in 200|409) ;; *) cat "$out" >&2; die "create bucket $BUCKET: HTTP $code" ;; esac
fi

body="Action=CreateTopic&Name=$TOPIC"
body+="&Attributes.entry.1.key=push-endpoint&Attributes.entry.1.value=$(urlenc "$RABBITMQ_RGW_PUSH_ENDPOINT")"
body+="&Attributes.entry.2.key=amqp-exchange&Attributes.entry.2.value=$EXCHANGE"
body+="&Attributes.entry.3.key=amqp-ack-level&Attributes.entry.3.value=$ACK"
body+="&Attributes.entry.4.key=persistent&Attributes.entry.4.value=true"
code="$(req sns POST / -H 'Content-Type: application/x-www-form-urlencoded' --data "$body" -o "$out" -w '%{http_code}')"
[ "$code" = 200 ] || { cat "$out" >&2; echo >&2; die "CreateTopic $TOPIC: HTTP $code (405: rgw_enable_apis lacks notifications)"; }
arn="$(sed -n 's:.*<TopicArn>\(.*\)</TopicArn>.*:\1:p' "$out")"
[ -n "$arn" ] || die "CreateTopic answered no TopicArn"
log "topic $arn -> $RABBITMQ_RGW_PUSH_ENDPOINT exchange $EXCHANGE (ack-level $ACK, persistent)"

NOTIF_ID="directupload-amqp-$TOPIC"
req s3 DELETE "/$BUCKET?notification=$NOTIF_ID" -o /dev/null || true
xml="<NotificationConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><TopicConfiguration><Id>$NOTIF_ID</Id><Topic>$arn</Topic><Event>s3:ObjectCreated:*</Event></TopicConfiguration></NotificationConfiguration>"
code="$(req s3 PUT "/$BUCKET?notification=" -H 'Content-Type: application/xml' --data-binary "$xml" -o "$out" -w '%{http_code}')"
[ "$code" = 200 ] || { cat "$out" >&2; echo >&2; die "PUT ?notification on $BUCKET: HTTP $code"; }
log "bucket $BUCKET: s3:ObjectCreated:* -> $arn"
echo "export TOPIC_ARN='$arn'"
