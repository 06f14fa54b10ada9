#!/usr/bin/env bash
# notify-setup.sh — point a Ceph RGW bucket's event notifications at an endpoint, through a topic.
#
#   eng/rgw/notify-setup.sh [options]
#
# Creates (or updates: CreateTopic is idempotent by name) a topic with the SNS-style API that
# RGW serves when rgw_enable_apis includes "notifications" (start-rgw.sh enables it), then adds a
# bucket notification (PUT /{bucket}?notification) sending the chosen events to that topic.
# In RGW 16.2 that PUT *adds* to the bucket's configuration; --replace clears it first
# (DELETE /{bucket}?notification). Works for any push endpoint RGW supports: http(s):// (e.g. the
# DirectUpload events endpoint, with its secret in the query) and amqp:// (with --amqp-exchange).
#
# Options (environment variables of the same meaning in brackets):
#   --endpoint URL        RGW S3 endpoint              [RGW_ENDPOINT]     (required)
#   --access-key KEY      S3 access key                [RGW_ACCESS_KEY]   (required)
#   --secret-key KEY      S3 secret key                [RGW_SECRET_KEY]   (required)
#   --bucket NAME         bucket                       [RGW_BUCKET]       (required)
#   --push URL            push endpoint, e.g. http://127.0.0.1:5080/uploads/events?secret=…  (required)
#   --topic NAME          topic name                                      (default directupload-events)
#   --id ID               notification id                                 (default = topic name)
#   --events LIST         comma-separated S3 event types                  (default s3:ObjectCreated:*)
#   --prefix PREFIX       only keys under this prefix (a filter rule)     (default: all keys)
#   --persistent true|false  queue events in RADOS and retry until acked  (default true)
#   --amqp-exchange NAME  for amqp:// push endpoints: the exchange        (default: none)
#   --amqp-ack-level LEVEL  none|broker|routable for amqp://              (default broker)
#   --replace             delete the bucket's existing notifications first
#   --replace-id          delete only the notification with this --id first (a re-run replaces its own entry)
#   --region REGION       SigV4 region                 [RGW_REGION]       (default us-east-1)
#
# stdout: one shell assignment, RGW_TOPIC_ARN='arn:aws:sns:…'. stderr: progress.
# Needs curl >= 7.75 (--aws-sigv4). Against AWS, use the README's S3 -> SNS -> HTTPS recipe instead.
set -euo pipefail

endpoint="${RGW_ENDPOINT:-}"; access="${RGW_ACCESS_KEY:-}"; secret="${RGW_SECRET_KEY:-}"
bucket="${RGW_BUCKET:-}"; region="${RGW_REGION:-us-east-1}"
push=""; topic="directupload-events"; id=""; events="s3:ObjectCreated:*"; prefix=""
persistent="true"; exchange=""; ack_level="broker"; replace=0; replace_id=0

die() { printf 'notify-setup.sh: %s\n' "$*" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --endpoint) endpoint="$2"; shift 2 ;;
    --access-key) access="$2"; shift 2 ;;
    --secret-key) secret="$2"; shift 2 ;;
    --bucket) bucket="$2"; shift 2 ;;
    --push) push="$2"; shift 2 ;;
    --topic) topic="$2"; shift 2 ;;
    --id) id="$2"; shift 2 ;;
    --events) events="$2"; shift 2 ;;
    --prefix) prefix="$2"; shift 2 ;;
    --persistent) persistent="$2"; shift 2 ;;
    --amqp-exchange) exchange="$2"; shift 2 ;;
    --amqp-ack-level) ack_level="$2"; shift 2 ;;
    --replace) replace=1; shift ;;
    --replace-id) replace_id=1; shift ;;
    --region) region="$2"; shift 2 ;;
    -h|--help) sed -n '2,32p' "$0"; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done
[ -n "$endpoint" ] && [ -n "$access" ] && [ -n "$secret" ] && [ -n "$bucket" ] && [ -n "$push" ] \
  || die "--endpoint, --access-key, --secret-key, --bucket and --push are required (see --help)"
case "$persistent" in true|false) ;; *) die "--persistent must be true or false" ;; esac
[ -n "$id" ] || id="$topic"
endpoint="${endpoint%/}"

# the credentials go to curl on stdin (a config file), never on a command line other users can read
signed() { # method path [curl args...]
  local method="$1" path="$2"; shift 2
  printf 'user = "%s:%s"\n' "$access" "$secret" |
    curl -sS --fail-with-body --max-time 20 -K - --aws-sigv4 "aws:amz:$region:s3" -X "$method" "$endpoint$path" "$@"
}
# S3 calls: curl does not send the payload hash header S3 wants; the topic API (form body) wants the real one
s3() { signed "$@" -H "x-amz-content-sha256: UNSIGNED-PAYLOAD"; }

# ---- topic (SNS-style API; attributes are form-encoded: the push URL's own query must be escaped)
form=(--data-urlencode "Action=CreateTopic" --data-urlencode "Name=$topic"
      --data-urlencode "Attributes.entry.1.key=push-endpoint" --data-urlencode "Attributes.entry.1.value=$push"
      --data-urlencode "Attributes.entry.2.key=persistent" --data-urlencode "Attributes.entry.2.value=$persistent")
n=3
if [ -n "$exchange" ]; then
  form+=(--data-urlencode "Attributes.entry.$n.key=amqp-exchange" --data-urlencode "Attributes.entry.$n.value=$exchange"); n=$((n + 1))
  form+=(--data-urlencode "Attributes.entry.$n.key=amqp-ack-level" --data-urlencode "Attributes.entry.$n.value=$ack_level"); n=$((n + 1))
fi
case "$push" in
  https://*) form+=(--data-urlencode "Attributes.entry.$n.key=verify-ssl" --data-urlencode "Attributes.entry.$n.value=true") ;;
esac
# One setup at a time per RGW endpoint on this machine (a lock file; flock is in util-linux). RGW 16.2 adds a persistent
# notification's queue to its list of queues with an unlocked read-modify-write of one RADOS object
# (rgw_notify.cc add_persistent_topic, "TODO: make read-modify-write atomic"), and keeps all of a user's topics in one
# versioned object: two setups at once can drop a queue from that list with no error (RGW then never delivers its
# events) or get a 500. Serializing the calls here closes both for everything that sets notifications up through this
# script (the sample, the tests, the benches).
lock_id="$(printf '%s' "$endpoint" | cksum | cut -d' ' -f1)"
lock_file="${TMPDIR:-/tmp}/directupload-notify-setup-$lock_id.lock"
exec 9>>"$lock_file" || die "cannot open the lock file $lock_file"
flock -w 120 9 || die "another notify-setup.sh held $lock_file for 120 s"
printf 'notify-setup.sh: topic %s -> %s (persistent=%s)\n' "$topic" "${push%%\?*}" "$persistent" >&2
# RGW 16.2 now and then answers 500 (UnknownError) to a CreateTopic or PutBucketNotification made while other topic
# calls run against it (seen with parallel test classes). Both calls are idempotent for one topic name / notification
# id, so a failed one is tried again (5 attempts, 1-4 s apart).
attempt=1
until reply="$(signed POST / -H 'Content-Type: application/x-www-form-urlencoded' "${form[@]}")"; do
  case "$reply" in *UnknownError*|*InternalError*|"") ;; *) die "CreateTopic failed (is \"notifications\" in rgw_enable_apis?): $reply" ;; esac
  [ "$attempt" -lt 5 ] || die "CreateTopic failed ($attempt attempts): $reply"
  printf 'notify-setup.sh: CreateTopic %s failed (attempt %d); retrying\n' "$topic" "$attempt" >&2
  sleep "$attempt"
  attempt=$((attempt + 1))
done
arn="$(printf '%s' "$reply" | sed -n 's:.*<TopicArn>\([^<]*\)</TopicArn>.*:\1:p')"
[ -n "$arn" ] || die "CreateTopic answered without a TopicArn: $reply"

# ---- bucket notification
if [ "$replace" = 1 ]; then
  s3 DELETE "/$bucket?notification=" >/dev/null || die "could not clear the notifications of $bucket"
fi
if [ "$replace_id" = 1 ]; then
  s3 DELETE "/$bucket" -G --data-urlencode "notification=$id" >/dev/null 2>&1 || true # absent: nothing to delete
fi
xml_escape() { printf '%s' "$1" | sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g'; }
event_xml=""
IFS=',' read -r -a event_list <<<"$events"
for e in "${event_list[@]}"; do event_xml+="<Event>$(xml_escape "$e")</Event>"; done
filter_xml=""
if [ -n "$prefix" ]; then
  filter_xml="<Filter><S3Key><FilterRule><Name>prefix</Name><Value>$(xml_escape "$prefix")</Value></FilterRule></S3Key></Filter>"
fi
body="<NotificationConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><TopicConfiguration><Id>$(xml_escape "$id")</Id><Topic>$(xml_escape "$arn")</Topic>$event_xml$filter_xml</TopicConfiguration></NotificationConfiguration>"
printf 'notify-setup.sh: bucket %s notification %s (%s%s)\n' "$bucket" "$id" "$events" "${prefix:+, prefix $prefix}" >&2
attempt=1
until s3 PUT "/$bucket?notification=" -H 'Content-Type: application/xml' --data-binary "$body" >/dev/null; do
  [ "$attempt" -lt 5 ] || die "PutBucketNotification failed for $bucket ($attempt attempts)"
  printf 'notify-setup.sh: PutBucketNotification for %s failed (attempt %d); retrying\n' "$bucket" "$attempt" >&2
  sleep "$attempt"
  attempt=$((attempt + 1))
done

printf "RGW_TOPIC_ARN='%s'\n" "$arn"
