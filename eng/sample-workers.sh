#!/usr/bin/env bash
# sample-workers.sh — the sample's worker mode (issue 12), in one place for `eng/run-sample.sh --workers N` and for
# the browser test of worker mode (tests/DirectUpload.BrowserTests/tests/workers.test.mjs):
#
#   eng/sample-workers.sh topic        point RGW's persistent AMQP topic for photos/ at RabbitMQ
#                                      (eng/rabbitmq/setup-rgw-amqp-topic.sh -> eng/rgw/notify-setup.sh)
#   eng/sample-workers.sh worker ID    run ONE worker process of the sample in the foreground (exec: this PID is the
#                                      `dotnet run` of the worker; stop it, or its process group, by that PID). ID is
#                                      its name (Sample__WorkerId): in its log lines and its thumbnails' x-amz-meta-made-by.
#
# The web host of worker mode is the sample itself with Sample__EventsSecret set (the album waits for the store's event
# instead of calling confirm), the same DirectUpload__TokenSigningKey and catalog as the workers, no RabbitMQ settings
# and no HTTP bucket notification: the workers (samples/DirectUpload.Sample/SampleWorker.cs) make the thumbnails.
#
# Environment:
#   DIRECTUPLOAD_S3_ENDPOINT _ACCESS_KEY _SECRET_KEY _BUCKET [_REGION]   the sample's S3 (Ceph RGW for `topic`)
#   RABBITMQ_RGW_PUSH_ENDPOINT  amqp://127.0.0.1:PORT, no credentials (topic; printed by eng/rabbitmq/start-rabbitmq.sh)
#   RABBITMQ_URI                amqp://user:password@127.0.0.1:PORT/ (worker; printed by start-rabbitmq.sh)
#   DirectUpload__TokenSigningKey  the web host's token key (worker; required: grants are checked against it)
#   SAMPLE_AMQP_TOPIC           RGW topic name = the routing key          (default directupload-sample-amqp)
#   SAMPLE_AMQP_EXCHANGE        exchange RGW publishes to and the workers bind (default directupload.events, the one
#                               start-rabbitmq.sh declares and lets RGW write to; RGW 16.2 pushes to ONE exchange per
#                               broker: tell runs apart by SAMPLE_AMQP_TOPIC and SAMPLE_AMQP_QUEUE, eng/rabbitmq/NOTES.md)
#   SAMPLE_AMQP_QUEUE           the queue the workers share                (default directupload.sample.photos)
#   SAMPLE_CONFIGURATION        build configuration to run; nothing is built here (default Debug)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SAMPLE="$ROOT/samples/DirectUpload.Sample"
TOPIC="${SAMPLE_AMQP_TOPIC:-directupload-sample-amqp}"
EXCHANGE="${SAMPLE_AMQP_EXCHANGE:-directupload.events}"
QUEUE="${SAMPLE_AMQP_QUEUE:-directupload.sample.photos}"

die() { printf 'sample-workers: %s\n' "$*" >&2; exit 1; }
need() { local v; for v in "$@"; do [ -n "${!v:-}" ] || die "set $v"; done; }

case "${1:-}" in
  topic)
    need DIRECTUPLOAD_S3_ENDPOINT DIRECTUPLOAD_S3_ACCESS_KEY DIRECTUPLOAD_S3_SECRET_KEY DIRECTUPLOAD_S3_BUCKET RABBITMQ_RGW_PUSH_ENDPOINT
    RGW_ENDPOINT="$DIRECTUPLOAD_S3_ENDPOINT" RGW_ACCESS_KEY="$DIRECTUPLOAD_S3_ACCESS_KEY" RGW_SECRET_KEY="$DIRECTUPLOAD_S3_SECRET_KEY" \
    TOPIC_BUCKET="$DIRECTUPLOAD_S3_BUCKET" TOPIC_NAME="$TOPIC" TOPIC_PREFIXES=photos/ RABBITMQ_EVENTS_EXCHANGE="$EXCHANGE" \
      exec "$ROOT/eng/rabbitmq/setup-rgw-amqp-topic.sh"
    ;;
  worker)
    id="${2:?usage: sample-workers.sh worker ID}"
    case "$id" in *[!A-Za-z0-9._-]*) die "worker ID: letters, digits . _ - only" ;; esac
    need RABBITMQ_URI DirectUpload__TokenSigningKey DIRECTUPLOAD_S3_BUCKET
    export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
    export Sample__RabbitMQ__Uri="$RABBITMQ_URI" Sample__RabbitMQ__RoutingKey="$TOPIC" Sample__RabbitMQ__Exchange="$EXCHANGE" \
      Sample__RabbitMQ__Queue="$QUEUE" Sample__WorkerId="$id"
    # a web host too (the whole sample), on a port of its own: nothing is pushed to it
    exec dotnet run --no-build -c "${SAMPLE_CONFIGURATION:-Debug}" --project "$SAMPLE" -- --urls "http://127.0.0.1:0"
    ;;
  *)
    die "usage: eng/sample-workers.sh topic | worker ID"
    ;;
esac
